"""Confidence intervals that are right for each kind of CX metric.

All functions work on the sufficient statistics the engine returns for a
group of observations (see `cxframe.measurement._engine.Aggregate`): the count, the
sum of weights, of squared weights, and the weighted sums of the values and of
their squares, both taken about a ``shift`` c: ``Σw(x − c)`` and
``Σw(x − c)²``. With survey weights, the sample size that enters an interval
is Kish's effective sample size ``(Σw)² / Σw²``; without weights it is ``n``.

Why the shift: the variance is ``Σw(x − c)²/Σw − (Σw(x − c)/Σw)²``, a
difference of two moments. About c = 0 both moments are of the order of x²
while their difference is the spread², so values that are large relative to
their spread cancel catastrophically (1e8 + {0, 1, 2}: about 1e16 − 1e16 in
floats, a standard error of 0). About a c near the values the moments are of
the order of the spread² and nothing cancels. Any c gives the same maths; only
the rounding differs, so ``shift = 0`` is the plain raw-moment form, which is
exact enough for NPS (−1/0/+1) and proportions (0/1).

* ``mean``: Student t interval on the per-observation values. A group whose
  answers are all the same (no spread: two CES answers of 7) gets **no
  interval** (``Estimate.no_variance``): the t interval would collapse to the
  point [7, 7] and present a sample of two as certainty. The engine flags it
  ``no_interval`` and ``no_variance``.
* ``proportion``: Wilson score interval (values 0/1).
* ``nps``: adjusted Wald on the trinomial (values −1/0/+1): add 0.75 to the
  promoter and detractor counts and 3 to n, then apply the Wald formula with
  the trinomial variance ``(p + d − (p − d)²) / n`` (Rocks 2016). The plain
  Wald interval is too narrow at small n. The reported value stays the plain
  ``p − d``.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import attrs

from cxframe.contracts._records import IntervalMethod


@attrs.frozen
class Estimate:
    """A point estimate with its interval, on the metric's natural scale (before multiplier)."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    std_error: float | None
    effective_n: float
    #: a mean whose (effective) sample of two or more has no spread: no interval, not a point one
    no_variance: bool = False


def z_value(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def t_value(confidence: float, degrees_of_freedom: float) -> float:
    # scipy is imported here, not at module level: it costs more than a second
    # of start-up that most commands never need
    from scipy import stats

    return float(stats.t.ppf(0.5 + confidence / 2, degrees_of_freedom))


#: Relative tolerance within which Kish's ``(Σw)²/Σw²`` counts as ``n``: equal weights
#: give ``n`` up to rounding (30 weights of 0.7 give 29.999999999999964), and a
#: sample must not turn "small" through the last bits of a float.
EQUAL_WEIGHTS_TOLERANCE = 1e-9


def effective_n(n: int, sum_w: float, sum_w2: float) -> float:
    """Kish's effective sample size; exactly ``n`` when every weight is the same.

    Equal weights (1, 0.7 or 1e12) give ``n`` in exact arithmetic; in floats
    the ratio can land a few units in the last place below it, so a ratio
    within `EQUAL_WEIGHTS_TOLERANCE` (relative) of ``n`` is ``n``.
    """
    if sum_w2 <= 0:
        return 0.0
    kish = sum_w * sum_w / sum_w2
    if kish >= n * (1 - EQUAL_WEIGHTS_TOLERANCE):
        return float(n)
    return kish


def raw_moments(sum_w: float, sum_wd: float, sum_wd2: float, shift: float) -> tuple[float, float]:
    """``(Σwx, Σwx²)`` from the sums about ``shift``; the inputs themselves when the shift is 0.

    Only for bounded values (NPS shares, proportions): for large values Σwx²
    is exactly the quantity that must not be differenced.
    """
    if shift == 0:
        return sum_wd, sum_wd2
    return sum_wd + shift * sum_w, sum_wd2 + 2 * shift * sum_wd + shift * shift * sum_w


def centred_variance(sum_w: float, sum_wd: float, sum_wd2: float) -> float:
    """The weighted population variance from sums about any shift; 0 when it is float noise.

    ``Σw(x − c)²/Σw − (Σw(x − c)/Σw)²``: when the shift c is far from the
    values, the two terms are close and their difference is rounding error of
    relative size ~1e-16; a variance below 1e-12 of the second moment is
    therefore indistinguishable from none and is returned as 0 (so constant
    values have no spread rather than a spread of noise).
    """
    mean = sum_wd / sum_w
    second = sum_wd2 / sum_w
    variance = second - mean * mean
    return 0.0 if variance <= 1e-12 * max(abs(second), 1e-300) else variance


def mean_interval(n_eff: float, mean: float, variance: float, confidence: float) -> tuple[float, float, float] | None:
    """``(low, high, std_error)`` of a mean by Student t; None below two observations.

    ``variance`` is the (weighted) population variance of the values; the
    unbiased sample variance is derived from it with ``n_eff``.
    """
    if n_eff < 2:
        return None
    sample_variance = max(variance, 0.0) * n_eff / (n_eff - 1)
    se = math.sqrt(sample_variance / n_eff)
    t = t_value(confidence, n_eff - 1)
    return mean - t * se, mean + t * se, se


def wilson_interval(p: float, n_eff: float, confidence: float) -> tuple[float, float, float] | None:
    """``(low, high, std_error)`` of a proportion by Wilson's score interval."""
    if n_eff <= 0:
        return None
    p = min(max(p, 0.0), 1.0)
    z = z_value(confidence)
    z2n = z * z / n_eff
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / n_eff + z2n / (4 * n_eff)) / (1 + z2n)
    # guard the last bits of float error: the bounds stay in [0, 1] around the estimate
    low = min(max(centre - half, 0.0), p)
    high = max(min(centre + half, 1.0), p)
    return low, high, math.sqrt(p * (1 - p) / n_eff)


def nps_interval(
    promoters: float, detractors: float, n_eff: float, confidence: float
) -> tuple[float, float, float] | None:
    """``(low, high, std_error)`` of NPS on −1…1 by the adjusted Wald interval.

    ``promoters`` and ``detractors`` are shares (0…1) of the (weighted) sample.
    """
    if n_eff <= 0:
        return None
    n_adj = n_eff + 3
    p = (promoters * n_eff + 0.75) / n_adj
    d = (detractors * n_eff + 0.75) / n_adj
    variance = max(p + d - (p - d) ** 2, 0.0) / n_adj
    se = math.sqrt(variance)
    z = z_value(confidence)
    centre = p - d
    plain = promoters - detractors
    low, high = max(centre - z * se, -1.0), min(centre + z * se, 1.0)
    return min(low, plain), max(high, plain), se


def estimate(
    method: IntervalMethod,
    n: int,
    sum_w: float,
    sum_w2: float,
    sum_wd: float,
    sum_wd2: float,
    confidence: float,
    *,
    shift: float = 0.0,
) -> Estimate:
    """The estimate and interval for one group's sufficient statistics.

    ``sum_wd`` and ``sum_wd2`` are ``Σw(x − shift)`` and ``Σw(x − shift)²``;
    with the default ``shift = 0`` they are the raw ``Σwx`` and ``Σwx²``.
    """
    n_eff = effective_n(n, sum_w, sum_w2)
    if n == 0 or sum_w <= 0:
        return Estimate(None, None, None, None, n_eff)
    mean = shift + sum_wd / sum_w
    if method is IntervalMethod.NPS:
        # p + d is the mean of x², p − d the mean of x (x in −1, 0, +1)
        sum_wx, sum_wx2 = raw_moments(sum_w, sum_wd, sum_wd2, shift)
        promoters = (sum_wx2 + sum_wx) / (2 * sum_w)
        detractors = (sum_wx2 - sum_wx) / (2 * sum_w)
        interval = nps_interval(promoters, detractors, n_eff, confidence)
    elif method is IntervalMethod.PROPORTION:
        interval = wilson_interval(mean, n_eff, confidence)
    else:
        variance = centred_variance(sum_w, sum_wd, sum_wd2)
        if variance <= 0 and n_eff >= 2:
            return Estimate(mean, None, None, None, n_eff, no_variance=True)
        interval = mean_interval(n_eff, mean, variance, confidence)
    if interval is None:
        return Estimate(mean, None, None, None, n_eff)
    low, high, se = interval
    return Estimate(mean, low, high, se, n_eff)
