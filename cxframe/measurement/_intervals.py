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
exact enough for NPS (−1/0/+1), proportions (0/1) and rating scales, except
where the difference is small against the sums: the linearised variance's
``Σ_c A_c² − 2d̄ Σ_c W_c A_c + d̄² Σ_c W_c²`` cancels where respondents'
totals nearly do. `cancels` tells the engine when to take the sums again
about the group's mean.

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

Weighted estimates (and answers clustered by respondent) get their variance
by one of three methods (`cxframe.WeightedVariance`), then enter the same
interval formula through the effective sample size that variance implies:

* ``linearised`` (the default): the Taylor-linearised variance of the ratio
  mean ``x̄ = Σwx / Σw``: ``G/(G − 1) · Σ_c (Σ_{i∈c} w_i (x_i − x̄))² / (Σw)²``
  over clusters c (respondents, or each answer its own cluster, G = n).
  It holds whatever the weights are related to.
* ``kish``: Kish's effective sample size ``(Σw)² / Σw²`` in the unweighted
  formula. It **assumes the weights are unrelated to the answers**; where the
  large weights fall on the stratum whose answers spread most, its interval
  is too narrow (see docs/surveys.md, coverage of the intervals).
* ``bootstrap``: the variance of ``Σwx / Σw`` over `BOOTSTRAP_RESAMPLES`
  resamples (Rao and Wu's rescaling bootstrap: G − 1 of the G clusters drawn
  with replacement, so it matches the linearised ``G/(G − 1)``), from a fixed
  seed: the same data give the same interval on every run.

A design variance ``V`` enters the interval as the effective sample size
``s² / V`` with ``s² = σ² · n/(n − 1)`` (``σ²`` the weighted population
variance), so equal weights and no repeat respondents give exactly ``n`` and
the unweighted interval. A mean's interval uses ``V`` itself as its squared
standard error, with ``min(n_eff, G) − 1`` degrees of freedom.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from statistics import NormalDist

import attrs

from cxframe.contracts._records import IntervalMethod

#: The methods computed from a group's sufficient statistics (`estimate`); a median needs its values
#: (`cxframe.measurement._median`).
MOMENT_METHODS = (IntervalMethod.MEAN, IntervalMethod.PROPORTION, IntervalMethod.NPS)


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
    #: whether the design variance given to `estimate` was used (False: Kish's effective n, e.g. no spread)
    designed: bool = False


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


@attrs.frozen
class Design:
    """The cluster sums the linearised variance of a group's ratio mean needs.

    Clusters are respondents when answers are clustered by respondent id
    (an answer without one is a cluster of its own), otherwise each answer.
    With ``W_c = Σ_{i∈c} w_i`` and ``A_c = Σ_{i∈c} w_i (x_i − shift)`` (the
    shift of the group's other sums): ``clusters`` is G, ``sum_w2`` is
    ``Σ_c W_c²``, ``sum_w_wd`` is ``Σ_c W_c A_c`` and ``sum_wd2`` is
    ``Σ_c A_c²``. Without clusters these are ``Σw²``, ``Σw²(x − shift)`` and
    ``Σw²(x − shift)²``: plain SQL sums, as cheap as the others.
    """

    clusters: int
    sum_w2: float
    sum_w_wd: float
    sum_wd2: float


def linearised_variance(sum_w: float, sum_wd: float, design: Design) -> float | None:
    """The Taylor-linearised variance of the ratio mean ``Σwx / Σw``; None below two clusters.

    ``G/(G − 1) · Σ_c (A_c − d̄ W_c)² / (Σw)²`` with ``d̄ = Σw(x − shift)/Σw``:
    the sandwich (HC1, or cluster-robust) variance of a weighted mean, as
    statsmodels' WLS on a constant gives it.
    """
    clusters = design.clusters
    if clusters < 2 or sum_w <= 0:
        return None
    total = _about_centre(design, sum_wd / sum_w)
    return clusters / (clusters - 1) * max(total, 0.0) / (sum_w * sum_w)


def _about_centre(design: Design, centre: float) -> float:
    """``Σ_c (A_c − centre · W_c)²`` from the design's sums about their shift."""
    return design.sum_wd2 - 2 * centre * design.sum_w_wd + centre * centre * design.sum_w2


#: A difference of two sums below this fraction of the sums has lost more than six of a float's sixteen
#: digits (its relative error is about 1e-16 / this): `cancels` asks for the sums about the group's mean.
CANCELLED = 1e-6
#: A design variance of the mean below this fraction of the values' variance (an effective sample of more
#: than 1e18 answers) is the rounding of cluster totals that cancel exactly, not a variance.
DESIGN_NOISE = 1e-18


#: Values up to this size (every rating scale, shares, scores, counts) may keep raw moments (sums about 0)
#: where `cancels` finds them exact; larger ones (money, durations, timestamps) are always summed about the
#: group's mean, whatever their spread: comparisons pool groups, and a pool's variance cancels as readily.
RAW_MOMENTS_UP_TO = 1e4


def cancels(
    sum_w: float, sum_wd: float, sum_wd2: float, design: Design | None, extremes: tuple[object, ...] | None
) -> bool:
    """Whether a group's sums about 0 may have lost its variance, or its linearised variance, to rounding.

    Both are differences of sums (``Σw(x − c)²/Σw − d̄²`` and
    ``Σ_c A_c² − 2d̄ Σ_c W_c A_c + d̄² Σ_c W_c²``, `linearised_variance`), exact
    only where the difference is not much smaller than the sums: about a
    shift c far from the mean (raw moments, c = 0), answers on a 1–7 scale
    whose respondents' totals nearly cancel leave a cluster total of 3e-4
    from sums of 1e4, and keep 7 of its 16 digits. About the group's mean
    (c = x̄, d̄ ≈ 0) nothing is differenced. ``extremes`` are the values'
    minimum and maximum (None for bounded values, NPS and shares, which
    differ where their variance is more than rounding, `centred_variance`):
    values that do not differ have a variance of 0 that is right, not cancelled.
    """
    if sum_w <= 0:
        return False
    mean = sum_wd / sum_w
    second = sum_wd2 / sum_w
    if extremes is None:
        # the sums were added in different orders: all-equal values leave a variance of rounding, not 0
        spread = centred_variance(sum_w, sum_wd, sum_wd2) > 0
    else:
        low, high = extremes
        if not isinstance(low, int | float) or not isinstance(high, int | float):
            return False
        if max(abs(low), abs(high)) > RAW_MOMENTS_UP_TO:
            return True
        spread = high > low
    if not spread:
        return False
    if second - mean * mean <= CANCELLED * second:
        return True
    if design is None or design.clusters < 2:
        return False
    terms = design.sum_wd2 + abs(2 * mean * design.sum_w_wd) + mean * mean * design.sum_w2
    return _about_centre(design, mean) <= CANCELLED * terms


def design_effective_n(n: int, variance: float, variance_of_mean: float | None) -> float | None:
    """The effective sample size a design variance of the mean implies: ``s² / V``.

    ``variance`` is the weighted population variance σ² of the values and
    ``s² = σ² · n/(n − 1)``, so that equal weights without clusters give
    exactly ``n`` (within `EQUAL_WEIGHTS_TOLERANCE`). None when there is no
    spread to divide (all answers the same, or a variance of rounding noise:
    below `DESIGN_NOISE` × σ², what respondents' totals that cancel exactly
    leave): the caller falls back to Kish's ``n``.
    """
    if variance_of_mean is None or n < 2 or variance <= 0 or variance_of_mean <= DESIGN_NOISE * variance:
        return None
    found = variance * n / (n - 1) / variance_of_mean
    if abs(found - n) <= n * EQUAL_WEIGHTS_TOLERANCE:
        return float(n)
    return found


#: Resamples of the bootstrap variance: a standard error within about 2 % of its limit
#: (its relative error is 1/√(2B)), at a cost of B × G additions per group.
BOOTSTRAP_RESAMPLES = 1000
#: The bootstrap's seed; each group's stream also depends on its segment and period, not on query order.
BOOTSTRAP_SEED = 2026
#: Resample indices drawn at once: bounds the bootstrap's memory to about 16 MB however large a group is.
_BOOTSTRAP_BLOCK = 2_000_000


def bootstrap_variance(
    weights: Sequence[float], sums: Sequence[float], key: str, resamples: int = BOOTSTRAP_RESAMPLES
) -> float | None:
    """The bootstrap variance of ``Σ sums / Σ weights`` over clusters; None below two clusters.

    ``weights[c]`` is cluster c's ``Σw`` and ``sums[c]`` its ``Σwx`` (a
    cluster is a respondent or an answer). Each resample draws G − 1 of the
    G clusters with replacement (Rao and Wu's rescaling bootstrap, whose
    variance matches the linearised ``G/(G − 1)``); the seed is
    `BOOTSTRAP_SEED` and ``key`` (the group's segment and period), so the
    result depends only on the data.
    """
    import numpy as np

    w = np.asarray(weights, dtype=float)
    total = np.asarray(sums, dtype=float)
    clusters = len(w)
    if clusters < 2 or w.sum() <= 0:
        return None
    # differences from the mean keep large values (money, durations) from cancelling in the ratio
    centred = total - w * (total.sum() / w.sum())
    rng = np.random.default_rng([BOOTSTRAP_SEED, zlib.crc32(key.encode("utf-8"))])
    draws = clusters - 1
    block = max(1, _BOOTSTRAP_BLOCK // draws)
    estimates = np.empty(resamples)
    for start in range(0, resamples, block):
        stop = min(start + block, resamples)
        picked = rng.integers(0, clusters, size=(stop - start, draws))
        estimates[start:stop] = centred[picked].sum(axis=1) / w[picked].sum(axis=1)
    return float(estimates.var(ddof=1))


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
    variance_of_mean: float | None = None,
    clusters: int | None = None,
) -> Estimate:
    """The estimate and interval for one group's sufficient statistics.

    ``sum_wd`` and ``sum_wd2`` are ``Σw(x − shift)`` and ``Σw(x − shift)²``;
    with the default ``shift = 0`` they are the raw ``Σwx`` and ``Σwx²``.
    ``variance_of_mean`` is a design variance of the mean (linearised or
    bootstrap, over ``clusters`` clusters); without it (or where it cannot
    be used: no spread) the sample size is Kish's effective n.
    """
    n_eff = effective_n(n, sum_w, sum_w2)
    if n == 0 or sum_w <= 0:
        return Estimate(None, None, None, None, n_eff)
    mean = shift + sum_wd / sum_w
    if variance_of_mean is not None:
        designed = _designed(method, n, sum_w, sum_wd, sum_wd2, confidence, shift, variance_of_mean, clusters)
        if designed is not None:
            return designed
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


def _designed(
    method: IntervalMethod,
    n: int,
    sum_w: float,
    sum_wd: float,
    sum_wd2: float,
    confidence: float,
    shift: float,
    variance_of_mean: float,
    clusters: int | None,
) -> Estimate | None:
    """The estimate with a design variance; None where it cannot be used (no spread: Kish's n decides)."""
    mean = shift + sum_wd / sum_w
    if method is IntervalMethod.MEAN:
        variance = centred_variance(sum_w, sum_wd, sum_wd2)
    else:
        # shares and NPS: the population variance from the raw moments (bounded values)
        sum_wx, sum_wx2 = raw_moments(sum_w, sum_wd, sum_wd2, shift)
        variance = max(sum_wx2 / sum_w - (sum_wx / sum_w) ** 2, 0.0)
    n_eff = design_effective_n(n, variance, variance_of_mean)
    if n_eff is None:
        return None
    if method is IntervalMethod.NPS:
        sum_wx, sum_wx2 = raw_moments(sum_w, sum_wd, sum_wd2, shift)
        promoters = (sum_wx2 + sum_wx) / (2 * sum_w)
        detractors = (sum_wx2 - sum_wx) / (2 * sum_w)
        interval = nps_interval(promoters, detractors, n_eff, confidence)
    elif method is IntervalMethod.PROPORTION:
        interval = wilson_interval(mean, n_eff, confidence)
    else:
        degrees = min(n_eff, float(clusters if clusters is not None else n)) - 1
        if degrees < 1:
            return Estimate(mean, None, None, None, n_eff, designed=True)
        se = math.sqrt(variance_of_mean)
        t = t_value(confidence, degrees)
        interval = (mean - t * se, mean + t * se, se)
    if interval is None:
        return Estimate(mean, None, None, None, n_eff, designed=True)
    low, high, se = interval
    return Estimate(mean, low, high, se, n_eff, designed=True)
