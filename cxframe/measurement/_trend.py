"""Trends across periods: is a metric rising or falling, per segment, and by how much a period?

The model is a **random-effects meta-regression** of the period estimates on
the calendar period index: each period's value ``yᵢ`` (on the metric's scale,
NPS points for NPS) with its sampling variance ``vᵢ`` (its standard error²,
the same one its interval uses) is ``yᵢ = a + b·xᵢ + uᵢ + eᵢ``, where ``eᵢ``
is sampling error (variance ``vᵢ``) and ``uᵢ`` the periods' own wobble
around the line (variance ``τ²``, the *between-period variance*: months differ
by more than their answers' sampling error — campaigns, incidents, seasons).

* ``b``, the slope per period, is the inverse-variance weighted least squares
  fit with weights ``1 / (vᵢ + τ²)``. Weights ``1 / vᵢ`` alone (``τ² = 0``)
  would let one big month dominate and give an interval as if the months
  fell exactly on a line up to sampling error; a plain unweighted fit would
  give a month of 12 answers the say of a month of 2,000.
* ``τ²`` is the **Paule–Mandel** estimate: the value at which the weighted
  residual sum of squares ``Σ (yᵢ − ŷᵢ)² / (vᵢ + τ²)`` equals its expectation
  ``k − 2`` (``k`` periods), or 0 when even ``τ² = 0`` leaves less residual
  than that (the periods scatter no more than their sampling error says).
* The interval and p-value are **Knapp–Hartung**'s: Student's t with
  ``k − 2`` degrees of freedom and ``Var(b) = q / Σ wᵢ(xᵢ − x̄)²``, where
  ``q = Σ wᵢ(yᵢ − ŷᵢ)² / (k − 2)`` is the residual scale at τ² — 1 whenever
  τ² > 0 (that is how Paule–Mandel chooses it), below 1 when the periods lie
  closer to the line than their sampling error says. With 3 periods that is
  one degree of freedom, a wide interval: three points say little about a line.
  The "modified" form with ``max(1, q)`` covers 99.5 % for a nominal 95 % over
  6 months that vary only by sampling error; this one covers 94–95 % there
  and with months that wobble (benchmarks/trend_coverage.py, docs/surveys.md).

A regression rather than Mann–Kendall: it answers the question a CX lead asks
("how many NPS points a month, give or take?") on the metric's own scale, it
weighs each period by how much it knows, and it has an interval; Mann–Kendall
only ranks the periods, gives a month of 12 answers the weight of one of
2,000, and has almost no power over the 4–12 periods a programme usually has.

The index counts calendar periods (``2026-01`` → ``2026-03`` is two steps, a
month without answers in between leaves a gap, not a step). Left out of a
trend, and named in its ``excluded`` with the reason: a **partial period**
(flagged ``partial_period`` on its row; see `partial_periods`), a period a
privacy rule hid (``suppressed``) and a period without a standard error
(``no_interval``: a mean of one answer, or of answers all the same). A share
of 0 or 100 % has a standard error of 0; it enters with the variance its
Wilson interval implies (half-width ÷ z, squared) rather than an infinite weight.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import SUPPRESSED, MetricDefinition, MetricResult, Period
from cxframe.measurement._comparisons import holm
from cxframe.measurement._engine import SQLEngine
from cxframe.measurement._flags import NO_INTERVAL, SMALL_SAMPLE, WEIGHTED
from cxframe.measurement._intervals import t_value, z_value

#: The flag of a period the data start or end inside (or, for a quarter or year, with a month without answers).
PARTIAL_PERIOD = "partial_period"
#: The flag of a trend over fewer than `MIN_PERIODS` periods: no interval, no p-value.
TOO_FEW_PERIODS = "too_few_periods"
#: A line through two points has no residual left to judge it by.
MIN_PERIODS = 3
#: The ``method`` of every trend: random-effects weighted least squares (Paule–Mandel τ², Knapp–Hartung t on k − 2).
TREND_METHOD = "random_effects_wls"


@attrs.frozen
class TrendFit:
    """A weighted line through period estimates: slope per period, its interval and test, and τ²."""

    slope: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    std_error: float | None
    #: the between-period variance τ² (Paule–Mandel), on the metric's scale squared
    between_period_variance: float | None


def _line(y: Sequence[float], x: Sequence[float], w: Sequence[float]) -> tuple[float, float, float, float]:
    """``(intercept, slope, Σw(x − x̄)², Σw·residual²)`` of the weighted least squares line."""
    total = sum(w)
    x_bar = sum(wi * xi for wi, xi in zip(w, x, strict=True)) / total
    y_bar = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / total
    sxx = sum(wi * (xi - x_bar) ** 2 for wi, xi in zip(w, x, strict=True))
    sxy = sum(wi * (xi - x_bar) * (yi - y_bar) for wi, xi, yi in zip(w, x, y, strict=True))
    slope = sxy / sxx
    intercept = y_bar - slope * x_bar
    residual = sum(wi * (yi - intercept - slope * xi) ** 2 for wi, xi, yi in zip(w, x, y, strict=True))
    return intercept, slope, sxx, residual


def _q(y: Sequence[float], v: Sequence[float], x: Sequence[float], tau2: float) -> float:
    """The weighted residual sum of squares at between-period variance ``tau2``."""
    return _line(y, x, [1 / (vi + tau2) for vi in v])[3]


def paule_mandel(y: Sequence[float], v: Sequence[float], x: Sequence[float]) -> float:
    """τ² at which the weighted residual sum of squares of the line equals ``k − 2``; 0 if it is below at 0."""
    expected = len(y) - 2
    if _q(y, v, x, 0.0) <= expected:
        return 0.0
    # Q falls as τ² grows (to 0 as τ² → ∞): bracket the root by doubling, then bisect to float precision
    spread = max(y) - min(y)
    high = max(spread * spread, max(v), 1e-300)
    while _q(y, v, x, high) > expected:
        high *= 2
    low = 0.0
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if _q(y, v, x, middle) > expected:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def fit_trend(
    values: Sequence[float], variances: Sequence[float], indexes: Sequence[float], confidence: float = 0.95
) -> TrendFit:
    """The random-effects weighted least squares line of ``values`` (variances ``variances``) on ``indexes``.

    Fewer than two distinct indexes: no slope. Two periods: the slope, with
    no interval or p-value; nor with values exactly on a line (nothing left
    to judge it by). See the module's docstring for the model with three or more.
    """
    if not len(values) == len(variances) == len(indexes):
        raise InvalidInput(["trend: values, variances and indexes must be as many"])
    if any(v <= 0 or not math.isfinite(v) for v in variances):
        raise InvalidInput(["trend: every variance must be positive and finite"])
    k = len(values)
    if len(set(indexes)) < 2:
        return TrendFit(None, None, None, None, None, None)
    # about the first index: calendar indexes (year × 12 + month) are large, their spread small
    origin = min(indexes)
    x = [float(i - origin) for i in indexes]
    if k < MIN_PERIODS:
        slope = _line(values, x, [1 / v for v in variances])[1]
        return TrendFit(slope, None, None, None, None, None)
    tau2 = paule_mandel(values, variances, x)
    _, slope, sxx, residual = _line(values, x, [1 / (v + tau2) for v in variances])
    df = k - 2
    se = math.sqrt(residual / df / sxx)
    if se == 0:  # the periods lie exactly on a line: nothing is left to judge it by
        return TrendFit(slope, None, None, None, None, tau2)
    half = t_value(confidence, df) * se
    from scipy import stats  # as in _intervals: scipy costs start-up time most commands never need

    p_value = float(2 * stats.t.sf(abs(slope) / se, df))
    return TrendFit(slope, slope - half, slope + half, p_value, se, tau2)


# --- periods -----------------------------------------------------------------


def _parse(label: str, period: Period) -> tuple[dt.date, dt.date, int]:
    """``(first day, last day, calendar index)`` of a period label as the engine writes it."""
    try:
        if period is Period.DAY:
            day = dt.date.fromisoformat(label)
            return day, day, day.toordinal()
        if period is Period.WEEK:
            year, week = label.split("-W")
            monday = dt.date.fromisocalendar(int(year), int(week), 1)
            return monday, monday + dt.timedelta(days=6), monday.toordinal() // 7
        if period is Period.MONTH:
            year, month = label.split("-")
            first, last = _months(int(year), int(month), 1)
            return first, last, int(year) * 12 + int(month) - 1
        if period is Period.QUARTER:
            year, quarter = label.split("-Q")
            if quarter not in ("1", "2", "3", "4"):
                raise ValueError(label)
            first, last = _months(int(year), 3 * int(quarter) - 2, 3)
            return first, last, int(year) * 4 + int(quarter) - 1
        first, last = _months(int(label), 1, 12)
        return first, last, int(label)
    except ValueError:
        raise InvalidInput([f"trend: {label!r} is not a {period.value} as the engine labels periods"]) from None


def _months(year: int, month: int, count: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    after = year * 12 + month - 1 + count
    return first, dt.date(after // 12, after % 12 + 1, 1) - dt.timedelta(days=1)


def period_index(label: str, period: Period | str) -> int:
    """The calendar index of a period label: consecutive periods differ by 1 (``2026-12`` → ``2027-01`` too)."""
    return _parse(label, Period(period))[2]


@attrs.frozen
class CollectionWindow:
    """When a metric's answers were collected: the first and last day (UTC) and the months with any answer."""

    first: dt.date
    last: dt.date
    months: frozenset[str]


def collection_window(engine: SQLEngine, metric: MetricDefinition) -> CollectionWindow | None:
    """The days and months of the answers to ``metric``'s question from its population; None without any.

    All segments together, and whatever their values (one out of the
    metric's scale was still collected then). One pass over the answers:
    0.8–0.9 s beside the 4.5–5.3 s of NPS by month and region on a million
    answers; the months as a DISTINCT aggregate, not a GROUP BY, which took
    twice as long.
    """
    found = engine.answer_window(metric)
    return None if found is None else CollectionWindow(*found)


def _month_label(index: int) -> str:
    """``YYYY-MM`` of a month counted as year × 12 + month − 1."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def is_partial(label: str, period: Period | str, window: CollectionWindow) -> bool:
    """Whether the data cover only part of the period ``label``.

    Partial: the data start after the period's first day or end before its
    last (by UTC calendar day), or — for a quarter or a year — a month of it
    has no answer at all (a quarter with one month of data). A day is never
    partial; within a week or a month, days without answers are ordinary
    for a small programme and do not make it partial.
    """
    chosen = Period(period)
    first, last, _ = _parse(label, chosen)
    if first < window.first or last > window.last:
        return True
    if chosen in (Period.QUARTER, Period.YEAR):
        months = 3 if chosen is Period.QUARTER else 12
        start = first.year * 12 + first.month - 1
        return any(_month_label(start + i) not in window.months for i in range(months))
    return False


def flag_partial(
    engine: SQLEngine, metric: MetricDefinition, results: Sequence[MetricResult], period: Period | None
) -> list[MetricResult]:
    """``results`` of ``metric`` with `PARTIAL_PERIOD` added to the flags of those whose period is partial.

    The whole store's answers to the metric decide (`collection_window`), not
    one segment's: a region that opened in March has a short first quarter,
    the programme does not. A result a privacy rule hid keeps its one flag.
    """
    window = collection_window(engine, metric) if period is not None and results else None
    if window is None or period is None:
        return list(results)
    return [
        attrs.evolve(result, flags=(*result.flags, PARTIAL_PERIOD))
        if result.period is not None and SUPPRESSED not in result.flags and is_partial(result.period, period, window)
        else result
        for result in results
    ]


# --- trends per segment ---------------------------------------------------------


@attrs.frozen
class TrendResult:
    """A metric's trend across periods for one segment, with the period results it was fitted on.

    ``slope`` is the change per ``period`` (NPS points a month for ``nps`` by
    month), with its interval at ``confidence``, its two-sided ``p_value``
    (no trend) and ``p_adjusted`` (Holm over every trend of the call).
    ``periods`` are the labels fitted, ``excluded`` the ``(label, reason)`` of
    those left out, ``between_period_sd`` the periods' own spread around the
    line (√τ²), ``n`` the answers in the fitted periods. ``results`` holds every
    period's `MetricResult` of the segment, partial ones flagged.
    """

    metric: str
    segment: dict[str, str | None]
    period: Period
    slope: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    confidence: float
    n: int | None
    periods: tuple[str, ...] = ()
    excluded: tuple[tuple[str, str], ...] = ()
    between_period_sd: float | None = None
    p_adjusted: float | None = None
    method: str = TREND_METHOD
    flags: tuple[str, ...] = ()
    results: tuple[MetricResult, ...] = ()


def _variance(result: MetricResult) -> float | None:
    """The sampling variance of a period's value; from its interval where its standard error is 0."""
    if result.std_error is not None and result.std_error > 0:
        return result.std_error**2
    if result.std_error is not None and result.ci_low is not None and result.ci_high is not None:
        half = (result.ci_high - result.ci_low) / (2 * z_value(result.confidence))
        return half * half if half > 0 else None
    return None


def _exclusion(result: MetricResult) -> str | None:
    if SUPPRESSED in result.flags or result.value is None:
        return SUPPRESSED
    if PARTIAL_PERIOD in result.flags:
        return PARTIAL_PERIOD
    if _variance(result) is None:
        return NO_INTERVAL
    return None


def segment_trend(results: Sequence[MetricResult], period: Period, confidence: float) -> TrendResult:
    """The trend of one metric and segment over its period ``results`` (see the module docstring)."""
    fitted: list[MetricResult] = []
    excluded: list[tuple[str, str]] = []
    for result in sorted(results, key=lambda r: period_index(r.period or "", period)):
        reason = _exclusion(result)
        if reason is None:
            fitted.append(result)
        else:
            excluded.append((result.period or "", reason))
    fit = fit_trend(
        [r.value for r in fitted if r.value is not None],
        [_variance(r) or 0.0 for r in fitted],
        [period_index(r.period or "", period) for r in fitted],
        confidence,
    )
    flags = []
    if fit.p_value is None:
        # too few periods, or (say, 100 % every month) values exactly on a line: no residual to judge it by
        flags.append(TOO_FEW_PERIODS if len(fitted) < MIN_PERIODS else NO_INTERVAL)
    for flag in (SMALL_SAMPLE, WEIGHTED):
        if any(flag in r.flags for r in fitted):
            flags.append(flag)
    if any(reason == PARTIAL_PERIOD for _, reason in excluded):
        flags.append(PARTIAL_PERIOD)
    first = results[0]
    tau2 = fit.between_period_variance
    return TrendResult(
        metric=first.metric,
        segment=dict(first.segment),
        period=period,
        slope=fit.slope,
        ci_low=fit.ci_low,
        ci_high=fit.ci_high,
        p_value=fit.p_value,
        confidence=confidence,
        n=sum(r.n or 0 for r in fitted) if fitted else None,
        periods=tuple(r.period or "" for r in fitted),
        excluded=tuple(excluded),
        between_period_sd=None if tau2 is None else math.sqrt(tau2),
        flags=tuple(flags),
        results=tuple(results),
    )


def trends(results: Sequence[MetricResult], period: Period) -> list[TrendResult]:
    """One trend per metric and segment of ``results``, in their order; p-values Holm-adjusted over all of them.

    ``results`` are period results as `cxframe.measure` returns them, partial
    periods flagged (`flag_partial`); each trend is at its results' confidence level.
    """
    groups: dict[tuple[str, tuple[tuple[str, str | None], ...]], list[MetricResult]] = {}
    for result in results:
        key = (result.metric, tuple(sorted(result.segment.items())))
        groups.setdefault(key, []).append(result)
    found = [segment_trend(group, period, group[0].confidence) for group in groups.values()]
    adjusted = holm([trend.p_value for trend in found])
    return [attrs.evolve(trend, p_adjusted=p) for trend, p in zip(found, adjusted, strict=True)]
