"""Planning a survey: the sample size for a margin, and the smallest difference a sample can detect.

The maths is the normal approximation behind the intervals of
`cxframe.measurement._intervals`, on the metric's reported scale (after its
``multiplier``: NPS in points, shares in %):

* the per-answer standard deviation σ:

  * ``nps``: each answer scores +100 / 0 / −100 (promoter, passive,
    detractor), so σ² = 100² · (p + d − (p − d)²), the trinomial variance,
    with p and d the expected shares of promoters and detractors. Without
    them, the **worst case**: p = d = 0.5, σ² = 100² (the largest the
    trinomial variance can be);
  * ``proportion`` (CSAT top-two-box, ``ces_easy``, declared shares):
    σ² = 100² · s(1 − s) with s the expected share; without it s = 0.5, the
    worst case;
  * ``mean`` (CES, declared means): σ is the ``sd`` given; without it, the
    worst case on the metric's scale, (max − min) / 2 (half the answers at
    each end). A mean without a scale needs ``sd``.

* the sample size for a margin m (the half-width of the interval) at
  confidence 1 − α: n₀ = z²σ²/m² with z = z_{1−α/2}, rounded up; for a
  population of N, the finite-population correction
  n = n₀ / (1 + (n₀ − 1)/N), rounded up (never more than N).

* the minimum detectable difference between two independent groups
  (periods, segments) of n answers each, by a two-sided test at level α with
  the given power: MDD = (z_{1−α/2} + z_{power}) · sqrt(2σ²/n), assuming the
  same σ in both groups.

The intervals `cxframe measure` reports are the adjusted Wald (NPS), Wilson
(shares) and Student t (means): at the worst case the first two are no wider
than the normal half-width used here, so a sample of n gives a margin of at
most m there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist
from typing import Any

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import IntervalMethod, MetricDefinition

#: The keys of ``expected`` each interval method takes.
EXPECTED_KEYS: dict[IntervalMethod, tuple[str, ...]] = {
    IntervalMethod.NPS: ("promoters", "detractors"),
    IntervalMethod.PROPORTION: ("share",),
    IntervalMethod.MEAN: (),
}

#: Relative slack below which a product counts as the integer it rounds to
#: (1.96² · 2500 / 25 must not become 385 by the last bit of a float).
_ROUNDING_SLACK = 1e-9


@attrs.frozen
class SampleSizePlan:
    """How many answers a margin needs: ``n`` answers give an interval of half-width ``margin``."""

    n: int
    margin: float
    #: what the figure rests on: metric, interval method, confidence, expected shares or sd, population
    assumptions: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class DetectablePlan:
    """The minimum detectable difference between two groups of ``n`` answers each."""

    mdd: float
    n: int
    power: float
    confidence: float
    #: what the figure rests on: metric, interval method, expected shares or sd, the test
    assumptions: dict[str, Any] = attrs.field(factory=dict)


def parse_expected(text: str) -> dict[str, float]:
    """``"promoters=0.45,detractors=0.2"`` as a mapping; `InvalidInput` naming the key that is wrong."""
    parsed: dict[str, float] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInput([f"--expected: {part!r}: expected KEY=SHARE, e.g. promoters=0.45,detractors=0.2"])
        try:
            parsed[key] = float(value)
        except ValueError:
            raise InvalidInput(
                [f"--expected: {key}: expected a share between 0 and 1, got {value.strip()!r}"]
            ) from None
    return parsed


def _check_level(name: str, value: float) -> None:
    if not (0 < value < 1):
        raise InvalidInput([f"{name}: expected a number between 0 and 1 (exclusive), got {value!r}"])


def _scale_label(definition: MetricDefinition) -> str:
    return f"{definition.scale_min:g}–{definition.scale_max:g}"


def per_answer_sd(
    definition: MetricDefinition, expected: Mapping[str, float] | None = None, sd: float | None = None
) -> tuple[float, dict[str, Any]]:
    """σ of one answer on the metric's reported scale, and the assumptions behind it."""
    method = definition.interval
    if method not in EXPECTED_KEYS:
        raise InvalidInput(
            [f"{definition.id}: a {method.value} metric; sample sizes are planned for means, shares and NPS"]
        )
    keys = EXPECTED_KEYS[method]
    given = dict(expected or {})
    unknown = sorted(set(given) - set(keys))
    if unknown:
        wanted = ", ".join(keys) if keys else "none (give --sd for a mean)"
        raise InvalidInput(
            [f"--expected: {key}: not a share metric {definition.id!r} takes (keys: {wanted})" for key in unknown]
        )
    for key, value in given.items():
        if not (0 <= value <= 1) or math.isnan(value):
            raise InvalidInput([f"--expected: {key}: expected a share between 0 and 1, got {value!r}"])
    if sd is not None and method is not IntervalMethod.MEAN:
        raise InvalidInput([f"--sd: {definition.id!r} is a {method.value} metric; give --expected shares instead"])
    scale = definition.multiplier
    assumptions: dict[str, Any] = {}
    if method is IntervalMethod.NPS:
        if given and set(given) != set(keys):
            missing = ", ".join(sorted(set(keys) - set(given)))
            raise InvalidInput([f"--expected: {missing}: expected both promoters and detractors for NPS"])
        if given:
            p, d = given["promoters"], given["detractors"]
            if p + d > 1 + 1e-12:
                raise InvalidInput(
                    [f"--expected: promoters + detractors: expected at most 1, got {p:g} + {d:g} = {p + d:g}"]
                )
            assumptions["expected"] = {"promoters": p, "detractors": d}
        else:
            p = d = 0.5
            assumptions["expected"] = "worst case: promoters = detractors = 0.5 (the largest variance)"
        variance = max(p + d - (p - d) ** 2, 0.0)
    elif method is IntervalMethod.PROPORTION:
        if given:
            share = given["share"]
            assumptions["expected"] = {"share": share}
        else:
            share = 0.5
            assumptions["expected"] = "worst case: share = 0.5 (the largest variance)"
        variance = share * (1 - share)
    else:
        if sd is not None:
            if not (sd > 0) or math.isinf(sd):
                raise InvalidInput([f"--sd: expected a positive number, got {sd!r}"])
            assumptions["sd"] = sd
            return sd, assumptions
        if definition.scale_min is None or definition.scale_max is None:
            raise InvalidInput(
                [f"--sd: {definition.id!r} is a mean without a known scale; give the expected standard deviation"]
            )
        sigma = (definition.scale_max - definition.scale_min) / 2 * scale
        assumptions["sd"] = f"worst case: (max − min) / 2 = {sigma:g} on the {_scale_label(definition)} scale"
        return sigma, assumptions
    if variance <= 0:
        # every answer the same: the normal maths would say one answer gives a margin of 0
        raise InvalidInput(
            [
                f"--expected: {', '.join(f'{k}={v:g}' for k, v in given.items())}: every answer would be the same "
                "(no spread), so no sample size follows; plan with the shares you expect short of 0 or 1, "
                "or leave --expected out for the worst case"
            ]
        )
    return scale * math.sqrt(variance), assumptions


def _ceil(value: float) -> int:
    return max(1, math.ceil(value * (1 - _ROUNDING_SLACK)))


def sample_size(
    definition: MetricDefinition,
    margin: float,
    *,
    confidence: float = 0.95,
    expected: Mapping[str, float] | None = None,
    population: int | None = None,
    sd: float | None = None,
) -> SampleSizePlan:
    """The answers needed for an interval of half-width ``margin`` (on the reported scale): n = ⌈z²σ²/m²⌉.

    With ``population`` N, the finite-population correction
    n = ⌈n₀ / (1 + (n₀ − 1)/N)⌉ with n₀ = z²σ²/m². See the module for σ.
    """
    if not (margin > 0) or math.isinf(margin):
        raise InvalidInput([f"--margin: expected a positive number, got {margin!r}"])
    _check_level("--confidence", confidence)
    if population is not None and population < 1:
        raise InvalidInput([f"--population: expected a whole number of at least 1, got {population!r}"])
    sigma, assumed = per_answer_sd(definition, expected, sd)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    n0 = (z * sigma / margin) ** 2
    infinite = _ceil(n0)
    n = infinite
    if population is not None:
        n = min(_ceil(n0 / (1 + (n0 - 1) / population)), population, infinite)
    assumptions: dict[str, Any] = {
        "metric": definition.id,
        "interval_method": definition.interval.value,
        "confidence": confidence,
        **assumed,
        "sd_per_answer": sigma,
        "population": population,
        "n_without_population": infinite,
        "formula": "n = ceil(z² σ² / m²)" + ("; n / (1 + (n − 1) / N)" if population is not None else ""),
    }
    return SampleSizePlan(n=n, margin=margin, assumptions=assumptions)


def detectable_difference(
    definition: MetricDefinition,
    n: int,
    *,
    confidence: float = 0.95,
    power: float = 0.8,
    expected: Mapping[str, float] | None = None,
    sd: float | None = None,
) -> DetectablePlan:
    """The smallest true difference between two groups of ``n`` each a two-sided test detects with ``power``.

    MDD = (z_{1−α/2} + z_{power}) · sqrt(2σ²/n), α = 1 − ``confidence``, on the reported scale.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInput([f"--n: expected a whole number of answers per group of at least 1, got {n!r}"])
    _check_level("--confidence", confidence)
    _check_level("--power", power)
    sigma, assumed = per_answer_sd(definition, expected, sd)
    normal = NormalDist()
    z_alpha = normal.inv_cdf(0.5 + confidence / 2)
    z_power = normal.inv_cdf(power)
    mdd = (z_alpha + z_power) * math.sqrt(2 * sigma * sigma / n)
    assumptions: dict[str, Any] = {
        "metric": definition.id,
        "interval_method": definition.interval.value,
        **assumed,
        "sd_per_answer": sigma,
        "groups": "two independent groups of n answers each, the same σ in both",
        "test": "two-sided, at level 1 − confidence",
        "formula": "mdd = (z_(1−α/2) + z_power) · sqrt(2 σ² / n)",
    }
    return DetectablePlan(mdd=mdd, n=n, power=power, confidence=confidence, assumptions=assumptions)
