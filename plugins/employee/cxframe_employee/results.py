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

from cxframe import (
    SUPPRESSED,
    Engine,
    InvalidInput,
    MetricDefinition,
    MetricResult,
    Objective,
    Period,
    Programme,
    SQLiteEngine,
    Store,
    compute_metric,
)
from cxframe_employee.privacy import Group, deadline_end, disclosure
from cxframe_employee.texts import say

#: The population employee observations carry.
EMPLOYEE = "employee"
#: The dimension name of the period in suppression tables (a segment column cannot be called "period").
PERIOD = "period"


def hidden_reason(threshold: int | None = None) -> str:
    """Why a group is not shown, in the words every output uses."""
    return say("hidden", threshold=threshold) if threshold is not None else say("hidden.few")


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
    #: the sample the interval and the ``small_sample`` flag count (below n with repeat respondents or weights);
    #: the table shows it, the JSON keeps `cxframe measure`'s shape without it
    effective_n: float | None = None
    #: respondents who answered more than once in the group, for the table's ``repeat_respondents (N)``
    repeat_respondents: int | None = None

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

    def describe(self, digits: int = 1, threshold: int | None = None) -> str:
        """``12.0 (95% CI −3.1…27.0, n=40)``, or why the group is hidden."""
        if self.suppressed or self.value is None:
            return hidden_reason(threshold)
        value = f"{self.value:.{digits}f}"
        said = (
            say(
                "result",
                value=value,
                confidence=self.confidence,
                low=f"{self.ci_low:.{digits}f}",
                high=f"{self.ci_high:.{digits}f}",
                n=self.n,
            )
            if self.ci_low is not None and self.ci_high is not None
            else say("result.no_interval", value=value, n=self.n)
        )
        return say("result.small", result=said) if "small_sample" in self.flags else said


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
        effective_n=result.effective_n,
        repeat_respondents=result.repeat_respondents,
    )


def check_employee_metric(metric: MetricDefinition) -> None:
    if metric.population != EMPLOYEE:
        raise InvalidInput(
            [f"metric {metric.id!r} is not an employee metric (population {metric.population!r}, expected 'employee')"]
        )


def apply_anonymity(
    store: Store,
    metric: MetricDefinition,
    results: Sequence[MetricResult],
    *,
    threshold: int,
    objectives: Sequence[Objective],
) -> list[EmployeeResult]:
    """``results`` of ``metric`` with the anonymity rule applied (`cxframe_employee.privacy`).

    The single place where the rule meets results: `employee_results` calls
    it, and so does the plugin's ``protect_metric_results`` for ``cxframe
    measure``, objectives and reports. ``objectives`` are the programme's: their
    groups are outputs too, so every caller passes them for the same decisions.
    A result is shown when its group is (its segment, its period and, for an
    objective's result, the objective's deadline).
    """
    decided = disclosure(store, metric, objectives, threshold)
    deadlines = {objective.id: deadline_end(objective) for objective in objectives}
    shown = []
    for result in results:
        period = None if result.period is None else _period_of(result.period)
        group = Group.of(result.segment, period, result.period, deadlines.get(result.objective or ""))
        shown.append(_shown(result) if decided.shows(group) else _suppressed(result))
    return shown


def _period_of(label: str) -> Period:
    """The calendar period a result's label is of (``2026``, ``2026-Q1``, ``2026-03``, ``2026-W09``, a day)."""
    if "-W" in label:
        return Period.WEEK
    if "-Q" in label:
        return Period.QUARTER
    return {4: Period.YEAR, 7: Period.MONTH}.get(len(label), Period.DAY)


def engine_for(programme: Programme, store: Store) -> SQLiteEngine:
    """The engine ``programme``'s settings ask for: its ``weighted_variance`` and ``respondent_clusters``."""
    settings = programme.settings
    return SQLiteEngine(store, variance=settings.weighted_variance, respondent_clusters=settings.respondent_clusters)


def employee_results(
    store: Store,
    metric: MetricDefinition,
    *,
    threshold: int,
    objectives: Sequence[Objective],
    by: Sequence[str] = (),
    period: Period | None = None,
    confidence: float = 0.95,
    min_sample: int | None = None,
    engine: Engine | None = None,
) -> list[EmployeeResult]:
    """``metric`` per group of ``by`` (× ``period``), under the anonymity rule.

    ``engine`` computes it: pass the run's (`cxframe.RunContext.engine`) or
    `engine_for` the programme, so that its ``weighted_variance`` and
    ``respondent_clusters`` settings decide the intervals (by default a plain
    `cxframe.SQLiteEngine` on ``store``: linearised, clustered by respondent).
    """
    check_employee_metric(metric)
    by = list(dict.fromkeys(by))
    if PERIOD in by:
        raise InvalidInput(["--by: 'period' is not a segment column; use --period"])
    known = SQLiteEngine(store).segment_columns()
    unknown = [column for column in by if column not in known]
    if unknown:
        raise InvalidInput([f"--by: unknown segment column(s) {', '.join(unknown)} (known: {', '.join(known)})"])
    results = compute_metric(
        engine or SQLiteEngine(store), metric, by=by, period=period, confidence=confidence, min_sample=min_sample
    )
    return apply_anonymity(store, metric, results, threshold=threshold, objectives=objectives)
