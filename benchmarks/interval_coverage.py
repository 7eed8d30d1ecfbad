"""Benchmark: how often the nominal-95 % intervals of weighted NPS cover the true value.

Simulates survey samples from known populations (fixed seed), computes each
sample's NPS interval with cxframe's own interval code (the functions
`cxframe.compute_metric` calls on the engine's SQL sums; tests/test_variance.py
checks those sums against statsmodels) and counts how often the interval
holds the population's NPS. Scenarios:

* ``unrelated``: weights drawn independently of the answers (lognormal,
  σ = 0.6) from one population (NPS +25);
* ``polarised``: 100 answers from a polarised stratum (45 % promoters, 45 %
  detractors) weighted 4, 300 from a calm one (95 % passives, 3 % promoters,
  2 % detractors) weighted 1: the large weights fall on the answers that
  spread most;
* ``repeat``: 150 respondents answer 1 to 5 times each (unweighted); each
  respondent leans one way (promoter, passive or detractor, then answers
  that way with probability 0.8), so their answers are not independent.

Methods: ``kish`` (Kish's effective n), ``linearised`` (Taylor, each answer
independent), ``linearised_clustered`` (respondents as clusters),
``bootstrap`` and ``bootstrap_clustered`` (1,000 resamples each).

Usage::

    python benchmarks/interval_coverage.py [--samples 2000] [--out benchmarks/results/interval_coverage.json]

Prints JSON: per scenario and method the coverage, the mean interval width
(NPS points) and the Monte Carlo standard error of the coverage, with the
core count and the run time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from cxframe.contracts._records import IntervalMethod
from cxframe.measurement._intervals import Design, bootstrap_variance, estimate, linearised_variance

SEED = 2026
CONFIDENCE = 0.95
#: answer → NPS value: promoter +1, passive 0, detractor −1
PROMOTER, PASSIVE, DETRACTOR = 1.0, 0.0, -1.0


def _sample_unrelated(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    n = 400
    values = rng.choice([PROMOTER, PASSIVE, DETRACTOR], n, p=[0.45, 0.35, 0.20])
    weights = rng.lognormal(0.0, 0.6, n)
    return values, weights, np.arange(n), 0.25


def _sample_polarised(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    polarised = rng.choice([PROMOTER, PASSIVE, DETRACTOR], 100, p=[0.45, 0.10, 0.45])
    calm = rng.choice([PROMOTER, PASSIVE, DETRACTOR], 300, p=[0.03, 0.95, 0.02])
    values = np.concatenate([polarised, calm])
    weights = np.concatenate([np.full(100, 4.0), np.full(300, 1.0)])
    # the population: the polarised stratum is 4 × 100 of 4 × 100 + 300 people
    truth = 400 / 700 * (0.45 - 0.45) + 300 / 700 * (0.03 - 0.02)
    return values, weights, np.arange(400), truth


#: how a respondent leans: promoter, passive or detractor, and how they answer when leaning so
_LEANS = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
_LEAN_SHARES = np.array([0.45, 0.30, 0.25])


def _sample_repeat(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    respondents = 150
    lean = rng.choice(3, respondents, p=_LEAN_SHARES)
    answers = rng.integers(1, 6, respondents)
    clusters = np.repeat(np.arange(respondents), answers)
    chances = _LEANS[np.repeat(lean, answers)]
    picked = (rng.random(len(clusters))[:, None] > np.cumsum(chances, axis=1)).sum(axis=1)
    values = np.array([PROMOTER, PASSIVE, DETRACTOR])[picked]
    shares = _LEAN_SHARES @ _LEANS  # answers per respondent are independent of the lean
    return values, np.ones(len(values)), clusters, float(shares[0] - shares[2])


SCENARIOS = {"unrelated": _sample_unrelated, "polarised": _sample_polarised, "repeat": _sample_repeat}
METHODS = ("kish", "linearised", "linearised_clustered", "bootstrap", "bootstrap_clustered")


def _cluster_sums(values: np.ndarray, weights: np.ndarray, clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    _, index = np.unique(clusters, return_inverse=True)
    return np.bincount(index, weights), np.bincount(index, weights * values)


def _interval(method: str, values: np.ndarray, weights: np.ndarray, clusters: np.ndarray, key: str) -> Any:
    n = len(values)
    sums = (n, weights.sum(), (weights**2).sum(), (weights * values).sum(), (weights * values**2).sum())
    clustered = method.endswith("_clustered")
    units = _cluster_sums(values, weights, clusters if clustered else np.arange(n))
    variance = None
    if method.startswith("linearised"):
        cluster_w, cluster_wx = units
        design = Design(len(cluster_w), (cluster_w**2).sum(), (cluster_w * cluster_wx).sum(), (cluster_wx**2).sum())
        variance = linearised_variance(sums[1], sums[3], design)
    elif method.startswith("bootstrap"):
        variance = bootstrap_variance(units[0], units[1], key)
    return estimate(IntervalMethod.NPS, *sums, CONFIDENCE, variance_of_mean=variance, clusters=len(units[0]))


def run(samples: int) -> dict[str, Any]:
    began = time.perf_counter()
    results: dict[str, Any] = {}
    for name, draw in SCENARIOS.items():
        rng = np.random.default_rng([SEED, len(results)])
        covered = dict.fromkeys(METHODS, 0)
        widths = dict.fromkeys(METHODS, 0.0)
        for number in range(samples):
            values, weights, clusters, truth = draw(rng)
            for method in METHODS:
                found = _interval(method, values, weights, clusters, f"{name}-{number}")
                covered[method] += found.ci_low <= truth <= found.ci_high
                widths[method] += 100 * (found.ci_high - found.ci_low)
        results[name] = {
            method: {
                "coverage": round(covered[method] / samples, 4),
                "mean_width": round(widths[method] / samples, 2),
                "coverage_se": round(math.sqrt(0.95 * 0.05 / samples), 4),
            }
            for method in METHODS
        }
    return {
        "samples": samples,
        "confidence": CONFIDENCE,
        "seed": SEED,
        "cores": os.cpu_count(),
        "seconds": round(time.perf_counter() - began, 1),
        "scenarios": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=2000, help="simulated samples per scenario")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    arguments = parser.parse_args()
    found = run(arguments.samples)
    text = json.dumps(found, indent=2)
    print(text)
    if arguments.out is not None:
        arguments.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
