"""The median and its distribution-free interval (metrics with ``interval = median``).

Hours to close a case, minutes to answer a call: skewed, with a long tail, so
a mean and its t interval say little. The interval for the median is the
classic order-statistic one: for n values in ascending order
``x₍₁₎ ≤ … ≤ x₍ₙ₎``, the number of values below the population median is
Binomial(n, ½), so ``[x₍ⱼ₎, x₍ₙ₋ⱼ₊₁₎]`` covers the median with probability
``1 − 2·P(B ≤ j − 1)``. ``j`` is the largest rank for which that is at least
the confidence: the narrowest such interval, never below the confidence
(exact for any continuous distribution, conservative with ties). Below
``n = 6`` no rank gives 95 % (``2·½⁵ = 0.0625``): there is no interval.
It needs no assumption about the shape of the distribution, and it is not
the normal interval of a mean.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import IntervalMethod, MetricDefinition, MetricResult, Period
from cxframe.measurement._flags import NO_INTERVAL, SMALL_SAMPLE, WEIGHTS_IGNORED
from cxframe.measurement._intervals import z_value


class _NamedEngine(Protocol):
    """An engine as a median needs it: its name, and (where it can) a ``values`` reader (`SQLEngine.values`)."""

    @property
    def name(self) -> str: ...


@attrs.frozen
class MedianEstimate:
    """The median of a group, its interval (None where none reaches the confidence) and the ranks used."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    #: 1-based rank of the lower bound (the upper is ``n − rank + 1``); None without an interval
    rank: int | None
    #: the interval's exact coverage under the binomial model (≥ the confidence); None without an interval
    coverage: float | None

    @property
    def std_error(self) -> float | None:
        """The interval's half-width over z: a normal-equivalent spread, for weighing periods in a trend."""
        if self.ci_low is None or self.ci_high is None or self.coverage is None:
            return None
        return (self.ci_high - self.ci_low) / (2 * z_value(self.coverage))


def median(values: Sequence[float]) -> float | None:
    """The median of values in ascending order (the mean of the two middle ones for an even count)."""
    n = len(values)
    if n == 0:
        return None
    middle = n // 2
    return values[middle] if n % 2 else (values[middle - 1] + values[middle]) / 2


def binomial_half_cdf(k: int, n: int) -> float:
    """``P(B ≤ k)`` for B ~ Binomial(n, ½)."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    from scipy import stats  # imported late: costly at start-up (see cxframe.measurement._intervals)

    return float(stats.binom.cdf(k, n, 0.5))


def median_rank(n: int, confidence: float) -> int | None:
    """The largest rank j with ``1 − 2·P(B ≤ j − 1) ≥ confidence``; None when even j = 1 falls short."""
    tail = (1 - confidence) / 2
    if n < 1 or binomial_half_cdf(0, n) > tail:
        return None
    from scipy import stats

    # the binomial quantile lands on the answer or next to it; step to the exact rank
    k = max(int(stats.binom.ppf(tail, n, 0.5)), 0)
    while k > 0 and binomial_half_cdf(k, n) > tail:
        k -= 1
    while binomial_half_cdf(k + 1, n) <= tail:
        k += 1
    return min(k + 1, math.ceil(n / 2))


def median_interval(values: Sequence[float], confidence: float) -> MedianEstimate:
    """The median of ``values`` (ascending) with its order-statistic interval at ``confidence``."""
    n = len(values)
    value = median(values)
    rank = median_rank(n, confidence)
    if value is None or rank is None:
        return MedianEstimate(value, None, None, None, None)
    coverage = 1 - 2 * binomial_half_cdf(rank - 1, n)
    return MedianEstimate(value, values[rank - 1], values[n - rank], rank, coverage)


def check_comparable(metric: MetricDefinition) -> None:
    """`InvalidInput` for a median metric: the comparisons test differences of means, shares and NPS."""
    if metric.interval is IntervalMethod.MEDIAN:
        raise InvalidInput(
            [f"{metric.id}: a median; --compare tests differences of means, shares and NPS, not of medians"]
        )


@attrs.frozen
class GroupValues:
    """One group's values in ascending order (`SQLiteEngine.values`); ``weighted``: some carried a weight."""

    segment: dict[str, str | None]
    period: str | None
    values: list[float]
    weighted: bool = False


def median_results(
    engine: _NamedEngine,
    metric: MetricDefinition,
    by: Sequence[str],
    period: Period | None,
    where: Mapping[str, str] | None,
    confidence: float,
    minimum: int,
    limit: Mapping[str, dt.datetime],
) -> list[MetricResult]:
    """A median metric per group: the median, its order-statistic interval (`cxframe.measurement._median`)."""
    reader = getattr(engine, "values", None)
    if reader is None:
        raise InvalidInput([f"{metric.id}: a median metric; the {engine.name} engine cannot list a group's values"])
    results = []
    for group in reader(metric, by=by, period=period, where=where, **limit):
        found = median_interval(group.values, confidence)
        flags = [SMALL_SAMPLE] if len(group.values) < minimum else []
        if group.weighted:
            flags.append(WEIGHTS_IGNORED)
        if found.ci_low is None:
            flags.append(NO_INTERVAL)

        def scaled(value: float | None) -> float | None:
            return None if value is None else value * metric.multiplier

        segment: dict[str, str | None] = {
            **(where or {}),
            **{k: (None if v is None else str(v)) for k, v in group.segment.items()},
        }
        results.append(
            MetricResult(
                metric=metric.id,
                value=scaled(found.value),
                n=len(group.values),
                ci_low=scaled(found.ci_low),
                ci_high=scaled(found.ci_high),
                confidence=confidence,
                segment=segment,
                period=group.period,
                std_error=scaled(found.std_error),
                flags=tuple(flags),
            )
        )
    return results
