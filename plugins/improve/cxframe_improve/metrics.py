"""The loop metrics: closure, SLA, hours to close and recovery, as metric definitions the core computes.

Each reads a view over the plugin's cases (`cxframe_improve.views`) through
`cxframe.MetricDefinition.table`, so ``cxframe measure --metric loop_closed
--by owner --period month`` works like any metric: intervals, small samples
flagged, comparisons, trends, reports.

* ``loop_closed`` — the share of cases closed (``resolved`` or
  ``no_response``), Wilson interval, in %.
* ``loop_within_sla`` — the share of cases closed by their due time, of
  the cases closed or past due (an open case past due counts as missed; an
  open case not yet due is not counted yet), Wilson interval, in %.
* ``loop_hours_to_close`` — the median hours from the customer's answer to
  the case's closing, of closed cases, with the order-statistic interval.
* ``loop_recovery_<metric>`` (one per metric a loop rule follows, e.g.
  ``loop_recovery_nps``) — the customer's next answer to the same question
  after the case (on its scale), by ``outcome`` (``resolved`` or
  ``not_resolved``); the recovery is the difference
  ``measure --metric loop_recovery_nps --compare outcome`` gives, with
  its interval, test and both sample sizes (`loop_recovery`).
"""

from __future__ import annotations

from collections.abc import Sequence

from cxframe import (
    Catalogue,
    ComparisonResult,
    IntervalMethod,
    MetricDefinition,
    PluginHost,
    compare,
    open_programme,
)
from cxframe_improve.api import ProgrammeLike
from cxframe_improve.settings import LoopRule
from cxframe_improve.views import LOOP_CASES, LOOP_QUESTION, LOOP_RECOVERY

#: The loop metrics' titles in every language of the reports (a metric id in a title is a name, never translated).
say = Catalogue.by_key(
    {
        "metric.loop_closed": {"en": "Loop cases closed", "zh-CN": "已关闭的闭环个案"},
        "metric.loop_within_sla": {"en": "Loop cases closed within SLA", "zh-CN": "在服务时限内关闭的闭环个案"},
        "metric.loop_hours_to_close": {
            "en": "Median hours to close a loop case",
            "zh-CN": "闭环个案关闭所需时间中位数（小时）",
        },
        "metric.loop_recovery": {
            "en": "Next {metric} answer after a loop case",
            "zh-CN": "闭环个案之后的下一次 {metric} 回答",
        },
    }
)

CLOSED = "loop_closed"
WITHIN_SLA = "loop_within_sla"
HOURS_TO_CLOSE = "loop_hours_to_close"
RECOVERY_PREFIX = "loop_recovery_"
#: The column of `LOOP_RECOVERY` that splits resolved cases from the rest.
OUTCOME = "outcome"
#: The column of the cases' views that names the metric a case follows (its rule's ``metric``).
CASE_METRIC = "case_metric"
#: Columns of the cases' views that loop metrics can be grouped by, besides the answers' segments.
CASE_SEGMENTS = ("owner", CASE_METRIC)

FIXED: tuple[MetricDefinition, ...] = (
    MetricDefinition(
        id=CLOSED,
        title=say("metric.loop_closed"),
        question=LOOP_QUESTION,
        value_sql="CASE WHEN case_status IN ('resolved', 'no_response') THEN 1.0 ELSE 0.0 END",
        interval=IntervalMethod.PROPORTION,
        multiplier=100.0,
        unit="%",
        table=LOOP_CASES,
        segments=CASE_SEGMENTS,
        description="Share of closed-loop cases resolved or given up (no_response), of all cases opened.",
    ),
    MetricDefinition(
        id=WITHIN_SLA,
        title=say("metric.loop_within_sla"),
        question=LOOP_QUESTION,
        value_sql="within_sla",
        interval=IntervalMethod.PROPORTION,
        multiplier=100.0,
        unit="%",
        table=LOOP_CASES,
        segments=CASE_SEGMENTS,
        description=(
            "Share of closed-loop cases closed by their due time, of the cases closed or past due "
            "(an open case past due counts as missed; one not yet due is not counted)."
        ),
    ),
    MetricDefinition(
        id=HOURS_TO_CLOSE,
        title=say("metric.loop_hours_to_close"),
        question=LOOP_QUESTION,
        value_sql="hours_to_close",
        interval=IntervalMethod.MEDIAN,
        unit="h",
        higher_is_better=False,
        table=LOOP_CASES,
        segments=CASE_SEGMENTS,
        description="Median hours from the customer's answer to the case's closing, of closed cases.",
    ),
)


def recovery_metric(metric: str) -> MetricDefinition:
    """The next-answer metric of the cases that follow ``metric`` (``loop_recovery_<metric>``)."""
    return MetricDefinition(
        id=f"{RECOVERY_PREFIX}{metric}",
        title=say("metric.loop_recovery", metric=metric),
        question=metric,
        value_sql="value",
        interval=IntervalMethod.MEAN,
        table=LOOP_RECOVERY,
        segments=(*CASE_SEGMENTS, OUTCOME),
        description=(
            f"The customer's next answer to the {metric} question after their loop case (on its scale), "
            "by outcome (resolved or not_resolved); compare the outcomes for the recovery."
        ),
    )


def loop_metrics(rules: Sequence[LoopRule]) -> list[MetricDefinition]:
    """The fixed loop metrics and one recovery metric per metric the rules follow."""
    followed = dict.fromkeys(rule.metric for rule in rules)
    return [*FIXED, *(recovery_metric(metric) for metric in followed)]


def loop_recovery(
    programme: ProgrammeLike = ".",
    metrics: str | Sequence[str] | None = None,
    *,
    by: Sequence[str] = (),
    period: str | None = None,
    confidence: float | None = None,
    host: PluginHost | None = None,
) -> list[ComparisonResult]:
    """The recovery: the next answer after a resolved case against after a case not resolved, per followed metric.

    ``metrics`` are followed metric ids (``"nps"``) or recovery metric ids
    (``"loop_recovery_nps"``); default every one the loop rules follow. Each
    result is ``resolved`` against ``not_resolved`` (``baseline = "rest"``):
    the difference of the mean next answer with its interval, test, both
    sample sizes and ``small_sample`` where either side is below the minimum,
    as ``cxframe measure --metric loop_recovery_nps --compare outcome`` gives it.

    >>> cxframe_improve.loop_recovery("my-programme", "nps", by=["region"])  # doctest: +SKIP
    """
    if metrics is None:
        with open_programme(programme, host) as opened:
            wanted = [m for m in opened.registry.metrics.ids() if m.startswith(RECOVERY_PREFIX)]
    else:
        chosen = [metrics] if isinstance(metrics, str) else list(metrics)
        wanted = [m if m.startswith(RECOVERY_PREFIX) else f"{RECOVERY_PREFIX}{m}" for m in chosen]
    if not wanted:
        return []
    found = compare(programme, wanted, against=OUTCOME, period=period, by=by, confidence=confidence, host=host)
    return [result for result in found if result.segment.get(OUTCOME) == "resolved"]
