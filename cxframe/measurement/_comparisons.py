"""Comparisons: is a metric different between periods, or between segments?

Every comparison is worked out from the sufficient statistics the engine
already returns per group (`cxframe.measurement._engine.Aggregate`: n, Σw, Σw², and
Σw(x − c), Σw(x − c)² about a per-group shift c), so it costs the same single
``GROUP BY`` as ``measure`` and no second pass over the observations.

Weighted sides, and sides where respondents repeat, get the variance
``measure`` gives them (the engine's ``variance``, or ``variance=``:
linearised over respondent clusters, bootstrap, or Kish's effective n); it
enters the tests below as the side's effective n ``s²/V`` (``n₁``, ``n₀``),
and Welch's t uses the variances ``V`` themselves. Respondents on both sides
add a covariance C (`cxframe.measurement._pair_design`; one more query, by
respondent): the variance of the difference is ``V₁ + V₀ − 2C``, and the
z-tests' variances are scaled by ``(V₁ + V₀ − 2C)/(V₁ + V₀)``. A side that is
neither weighted nor repeats is a simple random sample (``V = s²/n``).

What is compared
----------------

* `compare_periods`: each period against the **previous period with data for
  the same segment** (``baseline`` names it), within each ``by`` segment. The
  first period of a segment has nothing before it and gets no row.
* `compare_segments`: each value of a column against **the rest** — all other
  observations of the metric in the same period and ``by`` cell, pooled
  (``baseline = "rest"``). The rest, not the overall: the overall contains the
  segment itself, so the two sides would not be independent and the two-sample
  tests below would be wrong. The rest's statistics are the sum of the other
  groups' sufficient statistics, still from the one query. Groups summed about
  different shifts are first re-centred on their pooled mean m
  (``Σw(x − m) = Σw(x − c) + (c − m)Σw`` and
  ``Σw(x − m)² = Σw(x − c)² + 2(c − m)Σw(x − c) + (c − m)²Σw``: with c near each
  group's mean these are sums of non-negative terms, Chan et al.'s pairwise
  update, so pooling does not bring the cancellation back).
  Observations without a value in the column form their own group
  (``segment`` value ``None``), as in ``measure``.

The difference is ``value − baseline_value`` on the metric's scale (× the
definition's ``multiplier``: NPS and percentage points for the built-in
metrics). The interval is for that difference, at ``confidence``, one
comparison at a time (not simultaneous).

The maths, per interval method (``n₁``, ``n₀``: effective n of the two sides;
``z``: the normal quantile for ``confidence``; p-values two-sided)
-----------------------------------------------------------------------------

* ``mean`` — **Welch's t**. Sample variance of each side
  ``s² = v · n/(n − 1)`` from the weighted population variance
  ``v = Σw(x − c)²/Σw − (Σw(x − c)/Σw)²``; ``se² = s₁²/n₁ + s₀²/n₀``; degrees of freedom by
  Welch–Satterthwaite ``df = se⁴ / ((s₁²/n₁)²/(n₁−1) + (s₀²/n₀)²/(n₀−1))``;
  ``t = (x̄₁ − x̄₀)/se``, ``p = 2·P(T_df > |t|)``; interval
  ``Δ ± t_{df} · se``. Test and interval are dual. Unweighted, this is
  ``scipy.stats.ttest_ind(equal_var=False)``. **No test** when either side's
  answers are all the same: its variance estimate is 0 however few answers
  there are, and t would rest on it (two answers of 7 against forty that vary:
  p = 2e-17). Flags ``no_test`` and ``no_variance``.
* ``proportion`` — **pooled two-proportion z-test**
  ``p̄ = (p₁n₁ + p₀n₀)/(n₁ + n₀)``,
  ``z = (p₁ − p₀)/√(p̄(1 − p̄)(1/n₁ + 1/n₀))``; interval by **Newcombe's hybrid
  score** method (his method 10, built from the two Wilson intervals
  ``[l, u]``): ``Δ − √((p₁−l₁)² + (u₀−p₀)²) … Δ + √((u₁−p₁)² + (p₀−l₀)²)``.
  Where an expected count is small (below), **Fisher's exact test**
  (``scipy.stats.fisher_exact``, two-sided) replaces the z-test: CSAT 6/7 vs
  2/5 has p = 0.222, not the z-test's 0.098.
  The test and this interval are not exactly dual: near the 5% boundary one
  may exclude 0 and the other not. Both are the standard choices; the Wald
  interval that *would* be dual covers badly at small n or extreme p.
* ``nps`` — **adjusted-Wald z on the trinomial**, the two-sample version of
  the single-group interval (Rocks 2016; evaluated for differences on real
  data by Lewis & Sauro, MeasuringU 2021). On each side add 0.75 to the
  promoter and detractor counts and 3 to n: ``n' = n + 3``,
  ``p' = (P + 0.75)/n'``, ``d' = (D + 0.75)/n'``; variance of that side's NPS
  ``(p' + d' − (p' − d')²)/n'``; ``Δ' = (p₁' − d₁') − (p₀' − d₀')``,
  ``se² = var₁ + var₀``, ``z = Δ'/se``; interval ``Δ' ± z·se`` (kept within
  −2…2 and widened, if needed, to contain the plain difference, as the
  single-group interval is). The *adjusted* variances are used, not the plain
  ones: the plain Wald is too narrow at small n (DOMAIN "Statistics"), and the
  adjusted ones are never zero, so a test exists even when both sides are all
  promoters. The reported ``difference`` stays the plain ``NPS₁ − NPS₀``.
  The adjustment shrinks each side's NPS by ``n/(n + 3)``, so two sides with
  the same NPS but very different sizes (a small segment against a large
  rest) get a centre slightly off 0 and a p a little below 1; with equal
  sizes the centre has the sign of the plain difference and test and
  interval are dual. Where an expected count is small, the p-value is an
  **exact permutation test** instead (`nps_exact_p`): given both sides' sizes
  and the promoter/passive/detractor totals, the first side's counts are
  multivariate hypergeometric under "no difference"; p is the probability
  of a table whose NPS difference is at least the observed one in absolute
  value.

**Small** means Cochran's rule: some expected cell count of the 2 × k table
(sides × answer categories seen on either side), row total × column total /
grand total, is below `MIN_EXPECTED_COUNT` = 5. With survey weights the
counts are each side's shares times its effective n, rounded. The exact tests
permute independent answers: not used where a respondent is on both sides.
``method`` names the test actually used (`EXACT_METHOD_NAMES`).

Many comparisons at once
------------------------

One **family** is every comparison of one call (every period and segment;
`cxframe.api.compare` makes all metrics of its call one family too):
``--period week --compare period`` over a year is 52 tests adjusted
together. p-values are adjusted by **Holm–Bonferroni** (``adjust="holm"``,
the default): sort the m p-values,
``p_adj(i) = max_{j ≤ i} min(1, (m − j + 1)·p(j))``; or by
**Benjamini–Hochberg** (``adjust="bh"``, the false discovery rate):
``p_adj(i) = min_{j ≥ i} min(1, m·p(j)/j)``, each result then flagged
``fdr_bh``. Comparisons without a test are not in the family. ``significant`` is ``p_adjusted < 1 − confidence``; so
with several segments a comparison can have an (unadjusted) interval that
excludes 0 and still not be significant.

Flags
-----

``small_sample`` when either side's effective n is below the minimum sample
(the definition's ``min_sample``, else the programme's, else 30);
``weighted`` when either side used survey weights; ``no_test`` when either
side has an effective n below 2, or a mean side has no variance (no
interval, no p-value, never significant); ``no_variance`` beside it when a
mean side of two or more answers has none; ``fdr_bh`` when ``p_adjusted`` is
Benjamini–Hochberg's; as in ``measure``, the variance method's flag (``linearised_variance``,
``bootstrap_variance``, ``kish_effective_n``) and ``repeat_respondents`` (repeats on a side, or
respondents on both). A variance below 1e-12 of the
second moment about the shift counts as none: the moments cannot resolve it
(the same limit as `cxframe.measurement._intervals`, which only bites when the shift is
far from the values).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import IntervalMethod, MetricDefinition, Period, WeightedVariance
from cxframe.measurement._adjustment import ADJUSTMENTS, FDR_BH, benjamini_hochberg, check_adjustment, holm
from cxframe.measurement._engine import DEFAULT_MIN_SAMPLE, VARIANCE_FLAGS, Aggregate, Engine
from cxframe.measurement._exact import (
    MAX_EXACT_TABLES,
    MIN_EXPECTED_COUNT,
    fisher_exact_p,
    nps_exact_p,
    small_counts,
    whole_counts,
)
from cxframe.measurement._flags import NO_VARIANCE, REPEAT_RESPONDENTS, SMALL_SAMPLE, WEIGHTED
from cxframe.measurement._intervals import (
    Design,
    centred_variance,
    effective_n,
    raw_moments,
    t_value,
    wilson_interval,
    z_value,
)
from cxframe.measurement._pair_design import PairDesign, Sides, chosen_method, simple_design

__all__ = [
    "ADJUSTMENTS",
    "FDR_BH",
    "MAX_EXACT_TABLES",
    "MIN_EXPECTED_COUNT",
    "NO_TEST",
    "NO_VARIANCE",
    "REST",
    "ComparisonResult",
    "Difference",
    "GroupStats",
    "PairDesign",
    "adjust_comparisons",
    "benjamini_hochberg",
    "check_adjustment",
    "compare_periods",
    "compare_segments",
    "difference",
    "fisher_exact_p",
    "holm",
    "nps_difference",
    "nps_exact_p",
    "small_counts",
    "two_proportions",
    "welch",
]

NO_TEST = "no_test"
#: The ``baseline`` of a segment comparison: every other observation pooled.
REST = "rest"


@attrs.frozen
class ComparisonResult:
    """One difference between two groups, with its interval and test.

    ``value``, ``baseline_value``, ``difference`` and the interval are on the
    metric's scale (× multiplier); ``difference = value − baseline_value``.
    ``compare`` is ``"period"`` or the compared column; ``baseline`` is the
    previous period's label or ``"rest"``. ``p_adjusted`` is adjusted over
    all the call's comparisons (Holm, or Benjamini–Hochberg with the flag
    ``fdr_bh``), and ``significant`` means ``p_adjusted < 1 − confidence``.
    ``method`` names the test (``welch_t``, ``two_proportion_z``,
    ``fisher_exact``, ``nps_adjusted_wald_z``, ``nps_exact_permutation``).
    """

    metric: str
    compare: str
    segment: dict[str, str | None]
    period: str | None
    baseline: str
    value: float | None
    baseline_value: float | None
    n: int
    baseline_n: int
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_adjusted: float | None
    significant: bool
    confidence: float
    method: str
    flags: tuple[str, ...] = ()
    #: comparisons with the same (non-None) ``test`` are one hypothesis seen from both sides (a
    #: column with two values: "a vs rest" is "b vs rest" reversed): counted once when adjusting.
    #: Not part of the JSON shape.
    test: object = attrs.field(default=None, eq=False, repr=False)
    #: the standard error of ``difference`` (metric's scale) as its test used it; not part of the JSON shape
    std_error: float | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class GroupStats:
    """Sufficient statistics of one side of a comparison (they add up across groups).

    As in `cxframe.measurement._engine.Aggregate`, the value sums are taken about
    ``shift``: ``sum_wd = Σw(x − shift)``, ``sum_wd2 = Σw(x − shift)²``.
    Adding two sides about different shifts re-centres both on the pooled mean.
    """

    n: int = 0
    sum_w: float = 0.0
    sum_w2: float = 0.0
    sum_wd: float = 0.0
    sum_wd2: float = 0.0
    shift: float = 0.0
    #: the cluster sums of the linearised variance, about ``shift`` (None: Kish's n only); a pooled
    #: side adds its groups' clusters, so a respondent in two of them counts as two clusters
    design: Design | None = None
    #: respondents with more than one answer on this side (None: no respondent ids)
    repeats: int | None = None

    @classmethod
    def of(cls, aggregate: Aggregate) -> GroupStats:
        return cls(
            aggregate.n,
            aggregate.sum_w,
            aggregate.sum_w2,
            aggregate.sum_wd,
            aggregate.sum_wd2,
            aggregate.shift,
            aggregate.design,
            aggregate.repeat_respondents,
        )

    @classmethod
    def from_values(
        cls, values: Iterable[float], weights: Iterable[float] | None = None, *, shift: float | None = None
    ) -> GroupStats:
        """The statistics of raw values (for tests and callers outside an engine).

        The sums are taken about ``shift``, by default the first value: a value
        of the data, so large values with a small spread keep their variance
        (and constant values have exactly none).
        """
        xs = list(values)
        ws = [1.0] * len(xs) if weights is None else list(weights)
        c = (xs[0] if xs else 0.0) if shift is None else shift
        return cls(
            len(xs),
            math.fsum(ws),
            math.fsum(w * w for w in ws),
            math.fsum(w * (x - c) for w, x in zip(ws, xs, strict=True)),
            math.fsum(w * (x - c) * (x - c) for w, x in zip(ws, xs, strict=True)),
            float(c),
        )

    def recentred(self, shift: float) -> GroupStats:
        """The same statistics with the value sums taken about ``shift``."""
        delta = self.shift - shift
        design = self.design
        if design is not None:  # A_c about the new shift is A_c + delta·W_c
            design = Design(
                design.clusters,
                design.sum_w2,
                design.sum_w_wd + delta * design.sum_w2,
                design.sum_wd2 + 2 * delta * design.sum_w_wd + delta * delta * design.sum_w2,
            )
        return GroupStats(
            self.n,
            self.sum_w,
            self.sum_w2,
            self.sum_wd + delta * self.sum_w,
            self.sum_wd2 + 2 * delta * self.sum_wd + delta * delta * self.sum_w,
            shift,
            design,
            self.repeats,
        )

    def __add__(self, other: GroupStats) -> GroupStats:
        if not other.n:
            return self
        if not self.n:
            return other
        left, right = self, other
        if left.shift != right.shift:
            # re-centre both on the pooled mean (a convex combination of the
            # two means, so it lies between them): with each shift near its
            # group's values every added term is non-negative, no cancellation
            total = left.sum_w + right.sum_w
            mean_left, mean_right = left.mean, right.mean
            if total > 0 and mean_left is not None and mean_right is not None:
                common = (left.sum_w * mean_left + right.sum_w * mean_right) / total
            else:
                common = left.shift
            left, right = left.recentred(common), right.recentred(common)
        design = None
        if left.design is not None and right.design is not None:
            design = Design(
                left.design.clusters + right.design.clusters,
                left.design.sum_w2 + right.design.sum_w2,
                left.design.sum_w_wd + right.design.sum_w_wd,
                left.design.sum_wd2 + right.design.sum_wd2,
            )
        repeats = None if left.repeats is None and right.repeats is None else (left.repeats or 0) + (right.repeats or 0)
        return GroupStats(
            left.n + right.n,
            left.sum_w + right.sum_w,
            left.sum_w2 + right.sum_w2,
            left.sum_wd + right.sum_wd,
            left.sum_wd2 + right.sum_wd2,
            left.shift,
            design,
            repeats,
        )

    @property
    def effective_n(self) -> float:
        return effective_n(self.n, self.sum_w, self.sum_w2)

    @property
    def mean(self) -> float | None:
        return self.shift + self.sum_wd / self.sum_w if self.n and self.sum_w > 0 else None

    @property
    def weighted(self) -> bool:
        return abs(self.sum_w2 - self.n) > 1e-9 or abs(self.sum_w - self.n) > 1e-9

    def variance(self) -> float:
        """The weighted population variance of the values (float noise below 1e-12 relative is zero)."""
        return centred_variance(self.sum_w, self.sum_wd, self.sum_wd2)

    def mean_difference(self, other: GroupStats) -> float:
        """``mean − other.mean``, the shifts subtracted first: two large means differ without losing digits."""
        return (self.shift - other.shift) + (self.sum_wd / self.sum_w - other.sum_wd / other.sum_w)

    def raw_moments(self) -> tuple[float, float]:
        """``(Σwx, Σwx²)``: for bounded values only (NPS shares, proportions)."""
        return raw_moments(self.sum_w, self.sum_wd, self.sum_wd2, self.shift)


@attrs.frozen
class Difference:
    """``group − baseline`` on the natural scale (before multiplier), with interval and two-sided p."""

    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    std_error: float
    method: str


METHOD_NAMES = {
    IntervalMethod.MEAN: "welch_t",
    IntervalMethod.PROPORTION: "two_proportion_z",
    IntervalMethod.NPS: "nps_adjusted_wald_z",
}
#: The tests used instead where expected counts are small (`MIN_EXPECTED_COUNT`).
EXACT_METHOD_NAMES = {
    IntervalMethod.PROPORTION: "fisher_exact",
    IntervalMethod.NPS: "nps_exact_permutation",
}


def _two_sided_normal(z: float) -> float:
    return min(1.0, math.erfc(abs(z) / math.sqrt(2)))


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise InvalidInput([f"confidence: {confidence!r} must be between 0 and 1 (exclusive)"])


def welch(
    group: GroupStats, baseline: GroupStats, confidence: float, design: PairDesign | None = None
) -> Difference | None:
    """Welch's t for the difference of two (weighted) means.

    None below two effective observations a side, and when either side's
    answers are all the same (no variance to test with). ``design`` gives
    each mean's variance and their covariance (default: `simple_design`).
    """
    design = design or simple_design(group, baseline)
    if design.n1 < 2 or design.n0 < 2 or design.df1 < 1 or design.df0 < 1:
        return None
    delta = group.mean_difference(baseline)
    se1_2, se0_2 = design.variance1, design.variance0
    if se1_2 <= 0 or se0_2 <= 0:
        # a side whose answers are all the same has a variance estimate of 0 whatever its true
        # spread (two answers of 7): a t statistic resting on it is as large as the other side
        # lets it be (p = 5e-25 for 2 answers against 40). No test (flag no_variance).
        return None
    se2 = (se1_2 + se0_2) * design.shrink
    # Welch–Satterthwaite on the two sides' variances (a covariance narrows se, not the df)
    df = (se1_2 + se0_2) ** 2 / (se1_2 * se1_2 / design.df1 + se0_2 * se0_2 / design.df0)
    if se2 <= 0:
        return None
    se = math.sqrt(se2)
    from scipy import stats  # imported late: costly at start-up (see cxframe.measurement._intervals)

    t = delta / se
    p = float(min(1.0, 2 * stats.t.sf(abs(t), df)))
    half = t_value(confidence, df) * se
    return Difference(delta, delta - half, delta + half, p, se, METHOD_NAMES[IntervalMethod.MEAN])


def two_proportions(
    group: GroupStats, baseline: GroupStats, confidence: float, design: PairDesign | None = None
) -> Difference | None:
    """Pooled two-proportion z-test with Newcombe's hybrid-score interval (values 0/1).

    The sides' sizes are ``design``'s effective n; a covariance scales the
    variance of the difference (and the interval's half-widths) by `PairDesign.shrink`.
    """
    design = design or simple_design(group, baseline)
    n1, n0 = design.n1, design.n0
    if n1 < 2 or n0 < 2:
        return None
    shrink = design.shrink
    p1 = min(max(group.raw_moments()[0] / group.sum_w, 0.0), 1.0)
    p0 = min(max(baseline.raw_moments()[0] / baseline.sum_w, 0.0), 1.0)
    delta = p1 - p0
    pooled = (p1 * n1 + p0 * n0) / (n1 + n0)
    pooled_se = math.sqrt(max(pooled * (1 - pooled), 0.0) * (1 / n1 + 1 / n0) * shrink)
    # a zero pooled se means both sides are all 0 or all 1: no difference
    p = _two_sided_normal(delta / pooled_se) if pooled_se > 0 else 1.0
    method = METHOD_NAMES[IntervalMethod.PROPORTION]
    first, second = whole_counts([p1, 1 - p1], n1), whole_counts([p0, 1 - p0], n0)
    # the exact test permutes independent answers: not where respondents are on both sides
    if not design.shared and small_counts(first, second):
        p = fisher_exact_p(first[0], sum(first), second[0], sum(second))
        method = EXACT_METHOD_NAMES[IntervalMethod.PROPORTION]
    wilson1 = wilson_interval(p1, n1, confidence)
    wilson0 = wilson_interval(p0, n0, confidence)
    assert wilson1 is not None and wilson0 is not None  # n ≥ 2
    low1, high1, _ = wilson1
    low0, high0, _ = wilson0
    scale = math.sqrt(shrink)
    low = delta - scale * math.sqrt((p1 - low1) ** 2 + (high0 - p0) ** 2)
    high = delta + scale * math.sqrt((high1 - p1) ** 2 + (p0 - low0) ** 2)
    se = math.sqrt((p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0) * shrink)
    return Difference(delta, max(low, -1.0), min(high, 1.0), p, se, method)


def _nps_shares(stats: GroupStats) -> tuple[float, float]:
    """``(promoters, detractors)`` shares of one side."""
    sum_wx, sum_wx2 = stats.raw_moments()
    return (sum_wx2 + sum_wx) / (2 * stats.sum_w), (sum_wx2 - sum_wx) / (2 * stats.sum_w)


def _nps_counts(stats: GroupStats, n: float) -> list[int]:
    """``(promoters, passives, detractors)`` of one side, as whole counts of its effective n."""
    promoters, detractors = (min(max(share, 0.0), 1.0) for share in _nps_shares(stats))
    promoters_, detractors_, passives_ = whole_counts([promoters, detractors, 1.0], n)
    return [promoters_, passives_, detractors_]


def _nps_adjusted(stats: GroupStats, n: float) -> tuple[float, float]:
    """Adjusted-Wald NPS (−1…1) of one side of effective size ``n`` and the variance of that estimate."""
    promoters, detractors = _nps_shares(stats)
    n_adj = n + 3
    p = (promoters * n + 0.75) / n_adj
    d = (detractors * n + 0.75) / n_adj
    return p - d, max(p + d - (p - d) ** 2, 0.0) / n_adj


def nps_difference(
    group: GroupStats, baseline: GroupStats, confidence: float, design: PairDesign | None = None
) -> Difference | None:
    """Adjusted-Wald z for the difference of two NPS (values −1/0/+1), sides of ``design``'s effective n."""
    design = design or simple_design(group, baseline)
    if design.n1 < 2 or design.n0 < 2:
        return None
    plain = group.raw_moments()[0] / group.sum_w - baseline.raw_moments()[0] / baseline.sum_w
    nps1, variance1 = _nps_adjusted(group, design.n1)
    nps0, variance0 = _nps_adjusted(baseline, design.n0)
    centre = nps1 - nps0
    se = math.sqrt((variance1 + variance0) * design.shrink)
    p = _two_sided_normal(centre / se) if se > 0 else 1.0
    method = METHOD_NAMES[IntervalMethod.NPS]
    first, second = _nps_counts(group, design.n1), _nps_counts(baseline, design.n0)
    if not design.shared and small_counts(first, second) and (exact := nps_exact_p(first, second)) is not None:
        p, method = exact, EXACT_METHOD_NAMES[IntervalMethod.NPS]
    half = z_value(confidence) * se
    low, high = max(centre - half, -2.0), min(centre + half, 2.0)
    return Difference(plain, min(low, plain), max(high, plain), p, se, method)


def difference(
    method: IntervalMethod,
    group: GroupStats,
    baseline: GroupStats,
    confidence: float = 0.95,
    design: PairDesign | None = None,
) -> Difference | None:
    """``group − baseline`` with the interval and test right for ``method``; None when there is no test.

    ``design`` (`cxframe.measurement._pair_design.pair_design`) carries the
    sides' design variances and covariance; without it both sides are simple
    random samples of their Kish effective n.
    """
    _check_confidence(confidence)
    if group.mean is None or baseline.mean is None:
        return None
    if method is IntervalMethod.NPS:
        return nps_difference(group, baseline, confidence, design)
    if method is IntervalMethod.PROPORTION:
        return two_proportions(group, baseline, confidence, design)
    return welch(group, baseline, confidence, design)


def _without_variance(group: GroupStats, baseline: GroupStats) -> bool:
    """Whether either side of a mean comparison with two or more effective answers has no spread."""
    sides = (group, baseline)
    return all(side.n and side.sum_w > 0 for side in sides) and any(
        side.effective_n >= 2 and side.variance() <= 0 for side in sides
    )


def adjust_comparisons(results: Sequence[ComparisonResult], adjust: str = "holm") -> list[ComparisonResult]:
    """``results`` with ``p_adjusted`` and ``significant`` worked out over all of them as one family.

    The family is the whole set given: every metric, period and segment the
    caller asked for (52 weekly comparisons are 52 tests, not 52 families of
    one). Comparisons without a test stay out of it; the two sides of one test
    (same `ComparisonResult.test`) count once. ``adjust`` is ``holm`` or ``bh``
    (`ADJUSTMENTS`); with ``bh`` each result is flagged ``fdr_bh``.
    ``significant`` is ``p_adjusted < 1 − confidence``.
    """
    check_adjustment(adjust)
    tests: dict[object, list[int]] = {}
    for index, result in enumerate(results):
        tests.setdefault(result.test if result.test is not None else ("comparison", index), []).append(index)
    representatives = [results[same[0]].p_value for same in tests.values()]
    adjusted: list[float | None] = [None] * len(results)
    for same, p in zip(tests.values(), ADJUSTMENTS[adjust](representatives), strict=True):
        for index in same:
            adjusted[index] = p
    found = []
    for result, p_adjusted in zip(results, adjusted, strict=True):
        flags = tuple(flag for flag in result.flags if flag != FDR_BH)
        if adjust == "bh":
            flags = (*flags, FDR_BH)
        found.append(
            attrs.evolve(
                result,
                p_adjusted=p_adjusted,
                significant=p_adjusted is not None and p_adjusted < 1 - result.confidence,
                flags=flags,
            )
        )
    return found


# --- comparisons over an engine --------------------------------------------------------------


@attrs.frozen
class _Pair:
    segment: dict[str, str | None]
    period: str | None
    baseline: str
    group: GroupStats
    against: GroupStats
    #: pairs with the same ``test`` are one hypothesis seen from both sides (a column with two
    #: values: "a vs rest" is "b vs rest" reversed), counted once when p-values are adjusted
    test: object = None
    #: the sides' design variances and covariance (None: simple random samples of Kish's n)
    design: PairDesign | None = None


def _segment(values: Mapping[str, object]) -> dict[str, str | None]:
    return {k: (None if v is None else str(v)) for k, v in values.items()}


def _build(
    metric: MetricDefinition,
    compare: str,
    pairs: Sequence[_Pair],
    confidence: float,
    min_sample: int | None,
    adjust: str,
) -> list[ComparisonResult]:
    minimum = metric.min_sample or min_sample or DEFAULT_MIN_SAMPLE
    scale = metric.multiplier
    designs = [pair.design or simple_design(pair.group, pair.against) for pair in pairs]
    found = [
        difference(metric.interval, pair.group, pair.against, confidence, design)
        for pair, design in zip(pairs, designs, strict=True)
    ]
    results = []
    for pair, design, result in zip(pairs, designs, found, strict=True):
        flags = []
        if min(design.n1, design.n0) < minimum:
            flags.append(SMALL_SAMPLE)
        if pair.group.weighted or pair.against.weighted:
            flags.append(WEIGHTED)
        if design.method is not None:
            flags.append(VARIANCE_FLAGS[design.method])
        if design.shared or pair.group.repeats or pair.against.repeats:
            flags.append(REPEAT_RESPONDENTS)
        if result is None:
            flags.append(NO_TEST)
            if metric.interval is IntervalMethod.MEAN and _without_variance(pair.group, pair.against):
                flags.append(NO_VARIANCE)
        value, baseline_value = pair.group.mean, pair.against.mean
        if value is not None and baseline_value is not None:
            delta: float | None = pair.group.mean_difference(pair.against) * scale
        else:
            delta = None
        results.append(
            ComparisonResult(
                metric=metric.id,
                compare=compare,
                segment=pair.segment,
                period=pair.period,
                baseline=pair.baseline,
                value=None if value is None else value * scale,
                baseline_value=None if baseline_value is None else baseline_value * scale,
                n=pair.group.n,
                baseline_n=pair.against.n,
                difference=delta,
                ci_low=None if result is None else result.ci_low * scale,
                ci_high=None if result is None else result.ci_high * scale,
                p_value=None if result is None else result.p_value,
                p_adjusted=None,
                significant=False,
                confidence=confidence,
                method=METHOD_NAMES[metric.interval] if result is None else result.method,
                flags=tuple(flags),
                test=None if pair.test is None else (metric.id, compare, pair.test),
                std_error=None if result is None else result.std_error * scale,
            )
        )
    return adjust_comparisons(results, adjust)


def compare_periods(
    engine: Engine,
    metric: MetricDefinition,
    period: Period,
    *,
    by: Sequence[str] = (),
    confidence: float = 0.95,
    min_sample: int | None = None,
    adjust: str = "holm",
    variance: WeightedVariance | None = None,
) -> list[ComparisonResult]:
    """Each period against the previous period with data, within each ``by`` segment.

    One ``GROUP BY`` (``by`` × ``period``); rows come segment by segment, in
    period order. p-values are adjusted (``holm`` or ``bh``) over all the
    comparisons returned, every period and segment. ``variance`` (default:
    the engine's) is how weighted or clustered sides get their variance;
    respondents who answered in both periods add their covariance.
    """
    _check_confidence(confidence)
    check_adjustment(adjust)
    series: dict[tuple[tuple[str, str | None], ...], list[Aggregate]] = {}
    for aggregate in engine.aggregate(metric, by=by, period=period):
        if aggregate.period is None:
            continue
        key = tuple(_segment(aggregate.segment).items())
        series.setdefault(key, []).append(aggregate)
    sides = Sides(engine, metric, chosen_method(engine, variance), by, period, None)
    pairs = []
    for key, aggregates in series.items():
        ordered = sorted(aggregates, key=lambda a: str(a.period))
        for previous, current in itertools.pairwise(ordered):
            now = (tuple(current.segment[c] for c in by), current.period)
            before = (tuple(previous.segment[c] for c in by), previous.period)
            first, second = sides.shared.get(now, {}), sides.shared.get(before, {})
            shared = {r: (first[r], second[r]) for r in first.keys() & second.keys()}
            group, against = GroupStats.of(current), GroupStats.of(previous)
            pairs.append(
                _Pair(
                    segment=dict(key),
                    period=current.period,
                    baseline=str(previous.period),
                    group=group,
                    against=against,
                    design=sides.design(group, against, shared, ([now], [before])),
                )
            )
    return _build(metric, "period", pairs, confidence, min_sample, adjust)


def compare_segments(
    engine: Engine,
    metric: MetricDefinition,
    column: str,
    *,
    by: Sequence[str] = (),
    period: Period | None = None,
    confidence: float = 0.95,
    min_sample: int | None = None,
    adjust: str = "holm",
    variance: WeightedVariance | None = None,
) -> list[ComparisonResult]:
    """Each value of ``column`` against the rest of the data (per period and ``by`` cell).

    One ``GROUP BY`` (``by`` × ``column`` × ``period``); the rest of a value is
    the sum of the other values' sufficient statistics in the same cell.
    p-values are adjusted (``holm`` or ``bh``) over all the comparisons
    returned, every period and cell. ``variance`` as in `compare_periods`;
    respondents with answers in a value and in its rest add their covariance.
    """
    _check_confidence(confidence)
    check_adjustment(adjust)
    known = engine.segment_columns(metric)
    if column not in known:
        raise InvalidInput([f"--compare: unknown segment column {column!r} (known: period, {', '.join(known)})"])
    if column in by:
        raise InvalidInput([f"--compare {column}: the column is also in --by; compare by it or group by it, not both"])
    cells: dict[tuple[tuple[tuple[str, str | None], ...], str | None], list[Aggregate]] = {}
    for aggregate in engine.aggregate(metric, by=[*by, column], period=period):
        outer = {k: v for k, v in aggregate.segment.items() if k != column}
        cells.setdefault((tuple(_segment(outer).items()), aggregate.period), []).append(aggregate)
    grouping = [*by, column]
    sides = Sides(engine, metric, chosen_method(engine, variance), grouping, period, column)
    pairs = []
    for (outer_key, period_label), aggregates in cells.items():
        stats = [GroupStats.of(a) for a in aggregates]
        keys = [(tuple(a.segment[c] for c in grouping), a.period) for a in aggregates]
        # a respondent's sums over the whole cell: its rest is that less its sums in one value
        totals: dict[str, list[float]] = {}
        for key in keys:
            for respondent, (w, s) in sides.shared.get(key, {}).items():
                total = totals.setdefault(respondent, [0.0, 0.0])
                total[0] += w
                total[1] += s
        # rest of i = prefix[i] + suffix[i + 1]: O(k) and no subtraction of large sums
        prefix = [GroupStats()]
        for item in stats:
            prefix.append(prefix[-1] + item)
        suffix = [GroupStats()]
        for item in reversed(stats):
            suffix.append(suffix[-1] + item)
        suffix.reverse()
        for index, aggregate in enumerate(aggregates):
            own = sides.shared.get(keys[index], {})
            shared = {
                r: ((w, s), (totals[r][0] - w, totals[r][1] - s)) for r, (w, s) in own.items() if totals[r][0] - w > 0
            }
            rest = prefix[index] + suffix[index + 1]
            pairs.append(
                _Pair(
                    segment={**dict(outer_key), **_segment({column: aggregate.segment[column]})},
                    period=period_label,
                    baseline=REST,
                    group=stats[index],
                    against=rest,
                    test=(outer_key, period_label) if len(aggregates) == 2 else None,
                    design=sides.design(stats[index], rest, shared, ([keys[index]], keys[:index] + keys[index + 1 :])),
                )
            )
    pairs.sort(key=lambda pair: (str(pair.period), *((v is None, str(v)) for v in pair.segment.values())))
    return _build(metric, column, pairs, confidence, min_sample, adjust)
