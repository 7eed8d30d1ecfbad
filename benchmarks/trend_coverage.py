"""Benchmark: does the trend's interval cover the true slope as often as it says? (#23, trend)

Simulates monthly NPS surveys: in each month ``n`` answers (drawn between 80
and 400, or between 20 and 2,000: months know unequal amounts) fall into promoters, passives (30 %)
and detractors around a true NPS of ``20 + slope·month + uₘ``, where ``uₘ`` is
the month's own wobble (normal, standard deviation ``wobble`` NPS points: 0,
or 6 — campaigns and incidents). Each month's NPS and its adjusted-Wald
variance are computed as the engine does (`cxframe.measurement._intervals.nps_interval`),
and the trend is fitted three ways:

* ``random_effects_wls`` — cxframe's model (`cxframe.fit_trend`: weights
  ``1/(v + τ²)``, Paule–Mandel τ², t on k − 2 degrees of freedom);
* ``modified_knapp_hartung`` — the same line and τ², with the residual
  scale floored at 1 (``max(1, q)``), as some recommend;
* ``fixed_effect_wls`` — the same line with τ² forced to 0 and a normal
  interval: as if the months differed only by sampling error;
* ``ols`` — the unweighted line through the monthly values (t on k − 2).

For each scenario (periods × slope × wobble × sizes) it reports the share of 95 %
intervals that contain the true slope (``coverage``; nominal 0.95), and with
a slope of 0 the share of p-values below 0.05 (``false_positive``; nominal
0.05), and the median interval width.

Usage::

    python benchmarks/trend_coverage.py [--reps 2000] [--seed 23] --out result.json

``--folder`` is accepted (and unused) like the other benchmarks take it.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

import numpy as np
from scipy import stats

from cxframe import fit_trend
from cxframe.measurement._intervals import nps_interval
from cxframe.measurement._trend import _line, paule_mandel

PASSIVES = 0.3
CONFIDENCE = 0.95


def month_estimates(
    rng: np.random.Generator, periods: int, slope: float, wobble: float, sizes: tuple[int, int] = (80, 400)
) -> tuple[list[float], list[float]]:
    values, variances = [], []
    for month in range(periods):
        true = 20 + slope * month + rng.normal(0, wobble) if wobble else 20 + slope * month
        share = min(max(true / 100, -0.69), 0.69)
        promoters, detractors = (1 - PASSIVES + share) / 2, (1 - PASSIVES - share) / 2
        n = int(rng.integers(sizes[0], sizes[1] + 1))
        p, _, d = rng.multinomial(n, [promoters, PASSIVES, detractors])
        found = nps_interval(p / n, d / n, n, CONFIDENCE)
        assert found is not None
        values.append(100 * (p - d) / n)
        variances.append((100 * found[2]) ** 2)
    return values, variances


def fixed_effect(values: list[float], variances: list[float]) -> tuple[float, float, float]:
    x = np.arange(len(values), dtype=float)
    w = 1 / np.asarray(variances)
    x_bar = np.sum(w * x) / np.sum(w)
    sxx = np.sum(w * (x - x_bar) ** 2)
    slope = float(np.sum(w * (x - x_bar) * np.asarray(values)) / sxx)
    se = float(1 / math.sqrt(sxx))
    z = stats.norm.ppf(0.5 + CONFIDENCE / 2)
    return slope - z * se, slope + z * se, float(2 * stats.norm.sf(abs(slope) / se))


def modified_knapp_hartung(values: list[float], variances: list[float]) -> tuple[float, float, float]:
    x = [float(i) for i in range(len(values))]
    tau2 = paule_mandel(values, variances, x)
    _, slope, sxx, residual = _line(values, x, [1 / (v + tau2) for v in variances])
    df = len(values) - 2
    se = math.sqrt(max(1.0, residual / df) / sxx)
    t = stats.t.ppf(0.5 + CONFIDENCE / 2, df)
    return slope - t * se, slope + t * se, float(2 * stats.t.sf(abs(slope) / se, df))


def ordinary(values: list[float]) -> tuple[float, float, float]:
    fitted = stats.linregress(np.arange(len(values), dtype=float), values)
    t = stats.t.ppf(0.5 + CONFIDENCE / 2, len(values) - 2)
    return fitted.slope - t * fitted.stderr, fitted.slope + t * fitted.stderr, float(fitted.pvalue)


def scenario(
    rng: np.random.Generator, reps: int, periods: int, slope: float, wobble: float, sizes: tuple[int, int]
) -> dict[str, object]:
    outcomes: dict[str, list[tuple[float, float, float]]] = {
        "random_effects_wls": [],
        "modified_knapp_hartung": [],
        "fixed_effect_wls": [],
        "ols": [],
    }
    for _ in range(reps):
        values, variances = month_estimates(rng, periods, slope, wobble, sizes)
        fit = fit_trend(values, variances, list(range(periods)), CONFIDENCE)
        assert fit.ci_low is not None and fit.ci_high is not None and fit.p_value is not None
        outcomes["random_effects_wls"].append((fit.ci_low, fit.ci_high, fit.p_value))
        outcomes["modified_knapp_hartung"].append(modified_knapp_hartung(values, variances))
        outcomes["fixed_effect_wls"].append(fixed_effect(values, variances))
        outcomes["ols"].append(ordinary(values))
    result: dict[str, object] = {"periods": periods, "slope": slope, "wobble": wobble, "sizes": sizes, "reps": reps}
    for method, found in outcomes.items():
        summary = {
            "coverage": sum(low <= slope <= high for low, high, _ in found) / reps,
            "median_width": statistics.median(high - low for low, high, _ in found),
        }
        if slope == 0:
            summary["false_positive"] = sum(p < 1 - CONFIDENCE for _, _, p in found) / reps
        result[method] = summary
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--folder", type=Path, help="unused: the simulation writes no data")
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    rng = np.random.default_rng(arguments.seed)
    started = time.perf_counter()
    scenarios = [
        scenario(rng, arguments.reps, periods, slope, wobble, sizes)
        for sizes in ((80, 400), (20, 2000))
        for periods in (6, 12)
        for slope in (0.0, 1.0)
        for wobble in (0.0, 6.0)
    ]
    result = {"reps": arguments.reps, "seed": arguments.seed, "confidence": CONFIDENCE, "scenarios": scenarios}
    result["seconds"] = round(time.perf_counter() - started, 1)
    arguments.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
