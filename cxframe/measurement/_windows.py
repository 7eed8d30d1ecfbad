"""Before and after a date: a metric in two windows of days, compared as ``measure --compare period`` compares.

The effect of a finished improvement action is its metric in the days from
the day it was done against the same number of days before. The two windows
are compared by `cxframe.measurement._comparisons.compare_periods` itself, over
a view of the engine (`WindowedEngine`) whose *period* of an answer is the
window it falls in: the difference, its interval and test (Welch, two
proportions with Newcombe's interval or Fisher's exact test, NPS adjusted
Wald), the covariance of respondents who answered in both windows, survey
weights and the flags are those of two consecutive periods in ``measure``.
Answers outside both windows are not read.

Difference-in-differences
-------------------------

`difference_in_differences` compares the treated group's change with the
change of an untouched control group over the same windows:
``DiD = Δ_treated − Δ_control``. The two changes come from disjoint answers
(another touchpoint, another segment value), so they are taken as independent:
``se² = se_treated² + se_control²``, each ``se`` the standard error the change's
own test used; interval ``DiD ± z·se`` and a two-sided normal p-value (the
Wald test of the interaction in the usual two-group, two-period regression).
A respondent who answered in both groups would add a covariance that is left
out (the groups are meant to be different customers' touchpoints or segments).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import MetricDefinition, MetricResult, Period, WeightedVariance
from cxframe.measurement._comparisons import ComparisonResult, compare_periods
from cxframe.measurement._engine import Engine, SQLiteEngine, _Query, compute_metric
from cxframe.measurement._intervals import z_value
from cxframe.store._sqlite import utc_text

__all__ = ["DiD", "Window", "WindowComparison", "WindowedEngine", "compare_windows", "difference_in_differences"]

#: ``(first moment, end)``: the answers at or after the first and before the end (UTC)
Window = tuple[dt.datetime, dt.datetime]
#: the placeholder period asked of the engine: `WindowedEngine` answers it with the window's label
_WINDOW_PERIOD = Period.DAY


def _label(moment: dt.datetime) -> str:
    """A window's name: its first day (text order is time order, as `compare_periods` needs)."""
    return moment.astimezone(dt.UTC).date().isoformat()


class WindowedEngine(SQLiteEngine):
    """A view of a `SQLiteEngine` that reads only the answers in ``windows``, whose period is their window.

    ``where`` keeps the answers whose column has the value; ``where_in`` those
    whose column has one of the values (a pooled control group).
    """

    def __init__(
        self,
        engine: SQLiteEngine,
        windows: Sequence[Window],
        *,
        where: Mapping[str, str] | None = None,
        where_in: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(engine.store, variance=engine.variance, respondent_clusters=engine.respondent_clusters)
        ordered = sorted(windows)
        for (_, end), (start, _) in itertools.pairwise(ordered):
            if start < end:
                raise InvalidInput(
                    [f"windows overlap: one ends at {end.isoformat()}, the next starts at {start.isoformat()}"]
                )
        self.windows = [(utc_text(start)[0], utc_text(end)[0], _label(start)) for start, end in ordered]
        self.where = dict(where or {})
        self.where_in = {column: list(values) for column, values in (where_in or {}).items()}
        self._check_columns([*self.where, *self.where_in], "window filter")

    def period_label(self, period: Period) -> str:
        # the bounds are this class's own UTC texts (never input), so they are written into the SQL
        cases = " ".join(
            f"WHEN timestamp >= '{start}' AND timestamp < '{end}' THEN '{label}'" for start, end, label in self.windows
        )
        return f"CASE {cases} END"

    def _query(
        self,
        metric: MetricDefinition,
        by: Sequence[str],
        period: Period | None,
        where: Mapping[str, str] | None,
        until: dt.datetime | None,
    ) -> _Query:
        query = super()._query(metric, by, period, {**self.where, **(where or {})}, until)
        conditions = [*query.conditions, "timestamp >= ?", "timestamp < ?"]
        parameters: list[Any] = [*query.parameters, self.windows[0][0], self.windows[-1][1]]
        for column, values in self.where_in.items():
            conditions.append(f"[{column}] IN ({', '.join('?' * len(values))})" if values else "0")
            parameters.extend(values)
        return attrs.evolve(query, conditions=tuple(conditions), parameters=tuple(parameters))


@attrs.frozen
class WindowComparison:
    """One group's metric in the later window against the earlier one.

    ``before`` and ``after`` are the metric in each window as ``measure``
    gives it (value, n, interval, flags); ``comparison`` is after − before as
    ``measure --compare period`` gives it (its ``std_error`` included).
    """

    segment: dict[str, str | None]
    before: MetricResult
    after: MetricResult
    comparison: ComparisonResult


def compare_windows(
    engine: Engine,
    metric: MetricDefinition,
    before: Window,
    after: Window,
    *,
    by: Sequence[str] = (),
    where: Mapping[str, str] | None = None,
    where_in: Mapping[str, Sequence[str]] | None = None,
    confidence: float = 0.95,
    min_sample: int | None = None,
    variance: WeightedVariance | None = None,
) -> list[WindowComparison]:
    """``metric`` in ``after`` against ``before`` for each group of ``by`` with answers in both windows.

    ``where`` / ``where_in`` keep the answers whose column has that value / one
    of those values. A group with answers in one window only has no row.
    p-values are adjusted over the groups returned, as in ``measure --compare``
    (``ComparisonResult.p_value`` is the unadjusted one).
    """
    if not isinstance(engine, SQLiteEngine):
        raise InvalidInput([f"before/after windows are computed on the SQLite engine, not on {engine.name!r}"])
    view = WindowedEngine(engine, [before, after], where=where, where_in=where_in)
    comparisons = compare_periods(
        view, metric, _WINDOW_PERIOD, by=by, confidence=confidence, min_sample=min_sample, variance=variance
    )
    singles = compute_metric(
        view, metric, by=by, period=_WINDOW_PERIOD, confidence=confidence, min_sample=min_sample, variance=variance
    )
    by_key = {(tuple(sorted(r.segment.items())), r.period): r for r in singles}
    found = []
    for comparison in comparisons:
        key = tuple(sorted(comparison.segment.items()))
        found.append(
            WindowComparison(
                segment=dict(comparison.segment),
                before=by_key[(key, comparison.baseline)],
                after=by_key[(key, comparison.period)],
                comparison=comparison,
            )
        )
    return found


@attrs.frozen
class DiD:
    """A difference-in-differences: the treated group's change less the control group's, with interval and test."""

    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    std_error: float | None


def difference_in_differences(treated: ComparisonResult, control: ComparisonResult, confidence: float = 0.95) -> DiD:
    """``treated.difference − control.difference`` from independent groups: ``se² = se_t² + se_c²``.

    Without a difference on either side there is none; without a test on
    either side (no ``std_error``) the difference has no interval or p-value.
    """
    if treated.difference is None or control.difference is None:
        return DiD(None, None, None, None, None)
    delta = treated.difference - control.difference
    if treated.std_error is None or control.std_error is None:
        return DiD(delta, None, None, None, None)
    se = math.sqrt(treated.std_error**2 + control.std_error**2)
    if se <= 0:
        return DiD(delta, None, None, None, None)
    half = z_value(confidence) * se
    p = min(1.0, math.erfc(abs(delta / se) / math.sqrt(2)))
    return DiD(delta, delta - half, delta + half, p, se)
