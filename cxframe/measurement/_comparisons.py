"""Comparisons: is a metric different between periods, or between segments?

Every comparison is worked out from the sufficient statistics the engine
already returns per group (`cxframe.measurement._engine.Aggregate`: n, Σw, Σw², and
Σw(x − c), Σw(x − c)² about a per-group shift c), so it costs the same single
``GROUP BY`` as ``measure`` and no second pass over the observations. With survey weights the sample size of each side is Kish's
effective n, ``(Σw)² / Σw²``, exactly as in `cxframe.measurement._intervals`.

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
  ``scipy.stats.ttest_ind(equal_var=False)``.
* ``proportion`` — **pooled two-proportion z-test**
  ``p̄ = (p₁n₁ + p₀n₀)/(n₁ + n₀)``,
  ``z = (p₁ − p₀)/√(p̄(1 − p̄)(1/n₁ + 1/n₀))``; interval by **Newcombe's hybrid
  score** method (his method 10, built from the two Wilson intervals
  ``[l, u]``): ``Δ − √((p₁−l₁)² + (u₀−p₀)²) … Δ + √((u₁−p₁)² + (p₀−l₀)²)``.
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
  interval are dual.

Many comparisons at once
------------------------

Within one **family** — all comparisons of one call that share a period
label — p-values are adjusted by **Holm–Bonferroni**: sort the m p-values,
``p_adj(i) = max_{j ≤ i} min(1, (m − j + 1)·p(j))``. Comparisons without a test
are not in the family. ``significant`` is ``p_adjusted < 1 − confidence``; so
with several segments a comparison can have an (unadjusted) interval that
excludes 0 and still not be significant.

Flags
-----

``small_sample`` when either side's effective n is below the minimum sample
(the definition's ``min_sample``, else the programme's, else 30);
``weighted`` when either side used survey weights; ``no_test`` when either
side has an effective n below 2 (no variance to test with: no interval, no
p-value, never significant); ``no_variance`` when a mean has no variance on
either side (the t statistic is degenerate: ``p`` is 1 for no difference and
0 otherwise, and the interval is the point). A variance below 1e-12 of the
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
from cxframe.contracts._records import IntervalMethod, MetricDefinition, Period
from cxframe.measurement._engine import DEFAULT_MIN_SAMPLE, SMALL_SAMPLE, WEIGHTED, Aggregate, Engine
from cxframe.measurement._intervals import centred_variance, effective_n, raw_moments, t_value, wilson_interval, z_value

__all__ = [
    "NO_TEST",
    "NO_VARIANCE",
    "REST",
    "ComparisonResult",
    "Difference",
    "GroupStats",
    "compare_periods",
    "compare_segments",
    "difference",
    "holm",
    "nps_difference",
    "two_proportions",
    "welch",
]

NO_TEST = "no_test"
NO_VARIANCE = "no_variance"
#: The ``baseline`` of a segment comparison: every other observation pooled.
REST = "rest"


@attrs.frozen
class ComparisonResult:
    """One difference between two groups, with its interval and test.

    ``value``, ``baseline_value``, ``difference`` and the interval are on the
    metric's scale (× multiplier); ``difference = value − baseline_value``.
    ``compare`` is ``"period"`` or the compared column; ``baseline`` is the
    previous period's label or ``"rest"``. ``p_adjusted`` is Holm-adjusted
    within the call's comparisons of the same period, and ``significant``
    means ``p_adjusted < 1 − confidence``. ``method`` names the test
    (``welch_t``, ``two_proportion_z``, ``nps_adjusted_wald_z``).
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

    @classmethod
    def of(cls, aggregate: Aggregate) -> GroupStats:
        return cls(aggregate.n, aggregate.sum_w, aggregate.sum_w2, aggregate.sum_wd, aggregate.sum_wd2, aggregate.shift)

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
        return GroupStats(
            self.n,
            self.sum_w,
            self.sum_w2,
            self.sum_wd + delta * self.sum_w,
            self.sum_wd2 + 2 * delta * self.sum_wd + delta * delta * self.sum_w,
            shift,
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
        return GroupStats(
            left.n + right.n,
            left.sum_w + right.sum_w,
            left.sum_w2 + right.sum_w2,
            left.sum_wd + right.sum_wd,
            left.sum_wd2 + right.sum_wd2,
            left.shift,
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
    no_variance: bool = False


METHOD_NAMES = {
    IntervalMethod.MEAN: "welch_t",
    IntervalMethod.PROPORTION: "two_proportion_z",
    IntervalMethod.NPS: "nps_adjusted_wald_z",
}


def _two_sided_normal(z: float) -> float:
    return min(1.0, math.erfc(abs(z) / math.sqrt(2)))


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise InvalidInput([f"confidence: {confidence!r} must be between 0 and 1 (exclusive)"])


def welch(group: GroupStats, baseline: GroupStats, confidence: float) -> Difference | None:
    """Welch's t for the difference of two (weighted) means; None below two effective observations a side."""
    n1, n0 = group.effective_n, baseline.effective_n
    if n1 < 2 or n0 < 2:
        return None
    delta = group.mean_difference(baseline)
    # se² of each mean: sample variance v·n/(n−1) over n
    se1_2 = group.variance() / (n1 - 1)
    se0_2 = baseline.variance() / (n0 - 1)
    se2 = se1_2 + se0_2
    if se2 <= 0:
        # both sides constant: the same constant (up to float noise) or not
        mean1, mean0 = group.shift + group.sum_wd / group.sum_w, baseline.shift + baseline.sum_wd / baseline.sum_w
        # equal only within a few units in the last place: at 7e13, means 1 apart are different constants
        p = 1.0 if abs(delta) <= 4 * max(math.ulp(mean1), math.ulp(mean0)) else 0.0
        return Difference(delta, delta, delta, p, 0.0, METHOD_NAMES[IntervalMethod.MEAN], no_variance=True)
    se = math.sqrt(se2)
    df = se2 * se2 / (se1_2 * se1_2 / (n1 - 1) + se0_2 * se0_2 / (n0 - 1))
    from scipy import stats  # imported late: costly at start-up (see cxframe.measurement._intervals)

    t = delta / se
    p = float(min(1.0, 2 * stats.t.sf(abs(t), df)))
    half = t_value(confidence, df) * se
    return Difference(delta, delta - half, delta + half, p, se, METHOD_NAMES[IntervalMethod.MEAN])


def two_proportions(group: GroupStats, baseline: GroupStats, confidence: float) -> Difference | None:
    """Pooled two-proportion z-test with Newcombe's hybrid-score interval (values 0/1)."""
    n1, n0 = group.effective_n, baseline.effective_n
    if n1 < 2 or n0 < 2:
        return None
    p1 = min(max(group.raw_moments()[0] / group.sum_w, 0.0), 1.0)
    p0 = min(max(baseline.raw_moments()[0] / baseline.sum_w, 0.0), 1.0)
    delta = p1 - p0
    pooled = (p1 * n1 + p0 * n0) / (n1 + n0)
    pooled_se = math.sqrt(max(pooled * (1 - pooled), 0.0) * (1 / n1 + 1 / n0))
    # a zero pooled se means both sides are all 0 or all 1: no difference
    p = _two_sided_normal(delta / pooled_se) if pooled_se > 0 else 1.0
    wilson1 = wilson_interval(p1, n1, confidence)
    wilson0 = wilson_interval(p0, n0, confidence)
    assert wilson1 is not None and wilson0 is not None  # n ≥ 2
    low1, high1, _ = wilson1
    low0, high0, _ = wilson0
    low = delta - math.sqrt((p1 - low1) ** 2 + (high0 - p0) ** 2)
    high = delta + math.sqrt((high1 - p1) ** 2 + (p0 - low0) ** 2)
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    return Difference(delta, max(low, -1.0), min(high, 1.0), p, se, METHOD_NAMES[IntervalMethod.PROPORTION])


def _nps_adjusted(stats: GroupStats) -> tuple[float, float]:
    """Adjusted-Wald NPS (−1…1) of one side and the variance of that estimate."""
    n = stats.effective_n
    sum_wx, sum_wx2 = stats.raw_moments()
    promoters = (sum_wx2 + sum_wx) / (2 * stats.sum_w)
    detractors = (sum_wx2 - sum_wx) / (2 * stats.sum_w)
    n_adj = n + 3
    p = (promoters * n + 0.75) / n_adj
    d = (detractors * n + 0.75) / n_adj
    return p - d, max(p + d - (p - d) ** 2, 0.0) / n_adj


def nps_difference(group: GroupStats, baseline: GroupStats, confidence: float) -> Difference | None:
    """Adjusted-Wald z for the difference of two NPS (values −1/0/+1)."""
    if group.effective_n < 2 or baseline.effective_n < 2:
        return None
    plain = group.raw_moments()[0] / group.sum_w - baseline.raw_moments()[0] / baseline.sum_w
    nps1, variance1 = _nps_adjusted(group)
    nps0, variance0 = _nps_adjusted(baseline)
    centre = nps1 - nps0
    se = math.sqrt(variance1 + variance0)  # > 0: the adjustment puts 1.5 passives on each side
    p = _two_sided_normal(centre / se)
    half = z_value(confidence) * se
    low, high = max(centre - half, -2.0), min(centre + half, 2.0)
    return Difference(plain, min(low, plain), max(high, plain), p, se, METHOD_NAMES[IntervalMethod.NPS])


def difference(
    method: IntervalMethod, group: GroupStats, baseline: GroupStats, confidence: float = 0.95
) -> Difference | None:
    """``group − baseline`` with the interval and test right for ``method``; None when there is no test."""
    _check_confidence(confidence)
    if group.mean is None or baseline.mean is None:
        return None
    if method is IntervalMethod.NPS:
        return nps_difference(group, baseline, confidence)
    if method is IntervalMethod.PROPORTION:
        return two_proportions(group, baseline, confidence)
    return welch(group, baseline, confidence)


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm–Bonferroni adjusted p-values, in the input order; ``None`` stays out of the family."""
    ranked = sorted((p, index) for index, p in enumerate(p_values) if p is not None)
    m = len(ranked)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(ranked):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted


# --- comparisons over an engine --------------------------------------------------------------


@attrs.frozen
class _Pair:
    segment: dict[str, str | None]
    period: str | None
    baseline: str
    group: GroupStats
    against: GroupStats
    #: pairs with the same ``test`` are one hypothesis seen from both sides (a column with two
    #: values: "a vs rest" is "b vs rest" reversed), counted once in their Holm family
    test: object = None


def _segment(values: Mapping[str, object]) -> dict[str, str | None]:
    return {k: (None if v is None else str(v)) for k, v in values.items()}


def _build(
    metric: MetricDefinition,
    compare: str,
    pairs: Sequence[_Pair],
    confidence: float,
    min_sample: int | None,
) -> list[ComparisonResult]:
    minimum = metric.min_sample or min_sample or DEFAULT_MIN_SAMPLE
    scale = metric.multiplier
    found = [difference(metric.interval, pair.group, pair.against, confidence) for pair in pairs]
    # one Holm family per period label
    adjusted: list[float | None] = [None] * len(pairs)
    families: dict[str | None, list[int]] = {}
    for index, pair in enumerate(pairs):
        families.setdefault(pair.period, []).append(index)
    for members in families.values():
        tests: dict[object, list[int]] = {}
        for i in members:
            tests.setdefault(pairs[i].test if pairs[i].test is not None else ("pair", i), []).append(i)
        representatives = [same[0] for same in tests.values()]
        family_p = [None if (result := found[i]) is None else result.p_value for i in representatives]
        for same, p in zip(tests.values(), holm(family_p), strict=True):
            for i in same:
                adjusted[i] = p
    alpha = 1 - confidence
    results = []
    for pair, result, p_adjusted in zip(pairs, found, adjusted, strict=True):
        flags = []
        if min(pair.group.effective_n, pair.against.effective_n) < minimum:
            flags.append(SMALL_SAMPLE)
        if pair.group.weighted or pair.against.weighted:
            flags.append(WEIGHTED)
        if result is None:
            flags.append(NO_TEST)
        elif result.no_variance:
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
                p_adjusted=p_adjusted,
                significant=p_adjusted is not None and p_adjusted < alpha,
                confidence=confidence,
                method=METHOD_NAMES[metric.interval],
                flags=tuple(flags),
            )
        )
    return results


def compare_periods(
    engine: Engine,
    metric: MetricDefinition,
    period: Period,
    *,
    by: Sequence[str] = (),
    confidence: float = 0.95,
    min_sample: int | None = None,
) -> list[ComparisonResult]:
    """Each period against the previous period with data, within each ``by`` segment.

    One ``GROUP BY`` (``by`` × ``period``); rows come segment by segment, in
    period order. Holm families are the comparisons that share a period label
    (all segments compared for that period).
    """
    _check_confidence(confidence)
    series: dict[tuple[tuple[str, str | None], ...], list[Aggregate]] = {}
    for aggregate in engine.aggregate(metric, by=by, period=period):
        if aggregate.period is None:
            continue
        key = tuple(_segment(aggregate.segment).items())
        series.setdefault(key, []).append(aggregate)
    pairs = []
    for key, aggregates in series.items():
        ordered = sorted(aggregates, key=lambda a: str(a.period))
        for previous, current in itertools.pairwise(ordered):
            pairs.append(
                _Pair(
                    segment=dict(key),
                    period=current.period,
                    baseline=str(previous.period),
                    group=GroupStats.of(current),
                    against=GroupStats.of(previous),
                )
            )
    return _build(metric, "period", pairs, confidence, min_sample)


def compare_segments(
    engine: Engine,
    metric: MetricDefinition,
    column: str,
    *,
    by: Sequence[str] = (),
    period: Period | None = None,
    confidence: float = 0.95,
    min_sample: int | None = None,
) -> list[ComparisonResult]:
    """Each value of ``column`` against the rest of the data (per period and ``by`` cell).

    One ``GROUP BY`` (``by`` × ``column`` × ``period``); the rest of a value is
    the sum of the other values' sufficient statistics in the same cell. Holm
    families are the comparisons that share a period label.
    """
    _check_confidence(confidence)
    known = engine.segment_columns()
    if column not in known:
        raise InvalidInput([f"--compare: unknown segment column {column!r} (known: period, {', '.join(known)})"])
    if column in by:
        raise InvalidInput([f"--compare {column}: the column is also in --by; compare by it or group by it, not both"])
    cells: dict[tuple[tuple[tuple[str, str | None], ...], str | None], list[Aggregate]] = {}
    for aggregate in engine.aggregate(metric, by=[*by, column], period=period):
        outer = {k: v for k, v in aggregate.segment.items() if k != column}
        cells.setdefault((tuple(_segment(outer).items()), aggregate.period), []).append(aggregate)
    pairs = []
    for (outer_key, period_label), aggregates in cells.items():
        stats = [GroupStats.of(a) for a in aggregates]
        # rest of i = prefix[i] + suffix[i + 1]: O(k) and no subtraction of large sums
        prefix = [GroupStats()]
        for item in stats:
            prefix.append(prefix[-1] + item)
        suffix = [GroupStats()]
        for item in reversed(stats):
            suffix.append(suffix[-1] + item)
        suffix.reverse()
        for index, aggregate in enumerate(aggregates):
            pairs.append(
                _Pair(
                    segment={**dict(outer_key), **_segment({column: aggregate.segment[column]})},
                    period=period_label,
                    baseline=REST,
                    group=stats[index],
                    against=prefix[index] + suffix[index + 1],
                    test=(outer_key, period_label) if len(aggregates) == 2 else None,
                )
            )
    pairs.sort(key=lambda pair: (str(pair.period), *((v is None, str(v)) for v in pair.segment.values())))
    return _build(metric, column, pairs, confidence, min_sample)
