"""Employee metrics by group, with the anonymity rule applied.

`employee_results` computes an employee metric (eNPS, empowerment, …) with
the core engine (`cxframe.compute_metric`, so values and intervals are the
same as ``cxframe measure``), counts the *respondents* of every group and of
every coarser grouping, and suppresses what `cxframe_employee.privacy`
says must not be shown. It is the only way employee results leave this plugin.

Respondents are distinct ``respondent_id`` values where the survey maps one,
else distinct responses: a person who answered in two waves counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from cxframe import InvalidInput, MetricDefinition, MetricResult, Period, SQLiteEngine, Store, compute_metric
from cxframe_employee.privacy import SUPPRESSED, Key, subsets, suppress

#: The population employee observations carry.
EMPLOYEE = "employee"
#: The dimension name of the period in suppression tables (a segment column cannot be called "period").
PERIOD = "period"


@attrs.frozen
class EmployeeResult:
    """An employee metric for one group, after the anonymity rule.

    A suppressed group has ``value``, ``n``, ``ci_low`` and ``ci_high`` set
    to ``None`` and ``flags == ("suppressed",)``.
    """

    metric: str
    segment: dict[str, str | None]
    period: str | None
    value: float | None
    n: int | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    flags: tuple[str, ...] = ()

    @property
    def suppressed(self) -> bool:
        return SUPPRESSED in self.flags

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``cxframe measure --json`` (DESIGN §11)."""
        return {
            "metric": self.metric,
            "segment": dict(self.segment),
            "period": self.period,
            "value": self.value,
            "n": self.n,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "confidence": self.confidence,
            "flags": list(self.flags),
        }

    def describe(self, digits: int = 1) -> str:
        """``12.0 (95% CI −3.1…27.0, n=40)``, or that the group is suppressed."""
        if self.suppressed or self.value is None:
            return "suppressed to protect anonymity"
        interval = (
            f"{self.confidence:.0%} CI {self.ci_low:.{digits}f}…{self.ci_high:.{digits}f}, "
            if self.ci_low is not None and self.ci_high is not None
            else "no interval, "
        )
        small = " (small sample)" if "small_sample" in self.flags else ""
        return f"{self.value:.{digits}f} ({interval}n={self.n}){small}"


def _suppressed(result: MetricResult) -> EmployeeResult:
    return EmployeeResult(
        metric=result.metric,
        segment=dict(result.segment),
        period=result.period,
        value=None,
        n=None,
        ci_low=None,
        ci_high=None,
        confidence=result.confidence,
        flags=(SUPPRESSED,),
    )


def _shown(result: MetricResult) -> EmployeeResult:
    return EmployeeResult(
        metric=result.metric,
        segment=dict(result.segment),
        period=result.period,
        value=result.value,
        n=result.n,
        ci_low=result.ci_low,
        ci_high=result.ci_high,
        confidence=result.confidence,
        flags=result.flags,
    )


def check_employee_metric(metric: MetricDefinition) -> None:
    if metric.population != EMPLOYEE:
        raise InvalidInput(
            [f"metric {metric.id!r} is not an employee metric (population {metric.population!r}, expected 'employee')"]
        )


def respondent_counts(
    store: Store, metric: MetricDefinition, by: Sequence[str], period: Period | None = None
) -> dict[Key, int]:
    """Distinct respondents of ``metric`` per group of ``by`` (× period, last), as the engine filters them."""
    known = SQLiteEngine(store).segment_columns()
    unknown = [column for column in by if column not in known]
    if unknown:
        raise InvalidInput([f"--by: unknown segment column(s) {', '.join(unknown)} (known: {', '.join(known)})"])
    conditions = ["question = ?", "population = ?", f"({metric.value_sql}) IS NOT NULL"]
    parameters: list[object] = [metric.question, metric.population]
    if metric.scale_min is not None:
        conditions.append("value >= ?")
        parameters.append(metric.scale_min)
    if metric.scale_max is not None:
        conditions.append("value <= ?")
        parameters.append(metric.scale_max)
    group = [f"[{column}]" for column in by]
    if period is not None:
        group.append(SQLiteEngine.period_sql(period))
    person = "COALESCE('p:' || respondent_id, 'r:' || source || '|' || response_id, 'k:' || key)"
    sql = (
        f"SELECT {', '.join([*group, f'COUNT(DISTINCT {person})'])} FROM observations WHERE {' AND '.join(conditions)}"
    )
    if group:
        sql += f" GROUP BY {', '.join(group)}"
    counts: dict[Key, int] = {}
    for row in store.db.execute(sql, parameters).fetchall():
        *key, count = row
        if count:
            counts[tuple(None if value is None else str(value) for value in key)] = int(count)
    return counts


def _key(result: MetricResult, by: Sequence[str], period: Period | None) -> Key:
    key: list[str | None] = [result.segment.get(column) for column in by]
    if period is not None:
        key.append(result.period)
    return tuple(key)


def apply_anonymity(
    store: Store,
    metric: MetricDefinition,
    results: Sequence[MetricResult],
    *,
    threshold: int,
    by: Sequence[str] = (),
    period: Period | None = None,
) -> list[EmployeeResult]:
    """``results`` of ``metric`` grouped by ``by`` (× ``period``), with the anonymity rule applied.

    The single place where the rule meets results: `employee_results` calls
    it, and so could any other output of employee metrics (``cxframe
    measure``, objectives), given the grouping the results were computed with.
    """
    by = list(dict.fromkeys(by))
    dimensions = [*by, *([PERIOD] if period is not None else [])]
    tables = {}
    for subset in subsets(dimensions):
        columns = [column for column in subset if column != PERIOD]
        tables[subset] = respondent_counts(store, metric, columns, period if PERIOD in subset else None)
    hidden = suppress(tables, dimensions, threshold)
    counts = tables[tuple(dimensions)]
    shown = []
    for result in results:
        key = _key(result, by, period)
        # a group the respondent query did not see (cannot happen with one store) is not shown either
        if key in hidden or counts.get(key, 0) < threshold:
            shown.append(_suppressed(result))
        else:
            shown.append(_shown(result))
    return shown


def employee_results(
    store: Store,
    metric: MetricDefinition,
    *,
    threshold: int,
    by: Sequence[str] = (),
    period: Period | None = None,
    confidence: float = 0.95,
    min_sample: int | None = None,
) -> list[EmployeeResult]:
    """``metric`` per group of ``by`` (× ``period``), every group below the anonymity rule suppressed."""
    check_employee_metric(metric)
    by = list(dict.fromkeys(by))
    if PERIOD in by:
        raise InvalidInput(["--by: 'period' is not a segment column; use --period"])
    results = compute_metric(
        SQLiteEngine(store), metric, by=by, period=period, confidence=confidence, min_sample=min_sample
    )
    return apply_anonymity(store, metric, results, threshold=threshold, by=by, period=period)
