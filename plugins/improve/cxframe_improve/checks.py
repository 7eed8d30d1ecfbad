"""The check on the loop rules' closing activities: ``improve.loop-closing``.

A rule's ``closed_by`` names event activities as the event log writes them.
A name that is neither a touchpoint on the programme's journey maps nor an
activity of a stored event log closes no case; it is most often a typo or a
touchpoint renamed. That is a **warning**, not a validation error: a CRM's
log may name activities the journey maps do not (a "complaint closed"), and
the event log that holds them may be collected after the rule is written,
so only the data can say the name is wrong.
"""

from __future__ import annotations

from cxframe import Catalogue, Check, CheckResult, CheckStatus, RunContext, Severity, Stage
from cxframe_improve.settings import SETTINGS, LoopRule, load_rules

CHECK_ID = "improve.loop-closing"
_TITLE = "Loop rules close cases by activities the event logs record"
_PROBLEM = "Loop rules name closing activities no event log records"

#: What the check says, in every language of the reports (keys and values from the programme are not translated).
say = Catalogue.by_key(
    {
        f"{CHECK_ID}.title": {"en": _TITLE, "zh-CN": "闭环规则按事件日志中记录的活动关闭个案"},
        f"{CHECK_ID}.problem": {"en": _PROBLEM, "zh-CN": "闭环规则指定的关闭活动不见于任何事件日志"},
        "logged": {
            "en": "{key}: {activity!r} — {count} event(s) in the stored event logs",
            "zh-CN": "{key}：{activity!r}——已存储的事件日志中有 {count} 个事件",
        },
        "mapped": {
            "en": "{key}: {activity!r} — a touchpoint of the journey maps, no event stored yet",
            "zh-CN": "{key}：{activity!r}——旅程地图中的触点，尚未存储任何事件",
        },
        "unknown": {
            "en": "{file}: {key}: {activity!r} is no touchpoint of the journey maps and no activity of the stored "
            "event logs: it closes no case",
            "zh-CN": "{file}：{key}：{activity!r} 既不是旅程地图中的触点，也不是已存储事件日志中的活动：它不会关闭任何个案",
        },
        "recommend": {
            "en": "Name the activity as the event log writes it (see cxframe journey variants), "
            "or collect the log that holds it.",
            "zh-CN": "按事件日志的写法填写活动名称（参见 cxframe journey variants），或采集包含该活动的日志。",
        },
    }
)


def _activities(run: RunContext) -> dict[str, int]:
    """Every activity of the stored event logs, with its number of events."""
    rows = run.store.db.execute("SELECT activity, count(*) FROM events GROUP BY activity").fetchall()
    return {activity: count for activity, count in rows}


def check_closing(run: RunContext) -> CheckResult:
    """Warn for each ``closed_by`` activity that neither the journey maps nor the event logs know."""
    rules = load_rules(run.programme)
    mapped = {tp for journey in run.programme.journeys for stage in journey.stages for tp in stage.touchpoints}
    logged = _activities(run)
    evidence: list[str] = []
    unknown: list[str] = []
    for index, rule in enumerate(rules):
        key = f"plugins.{SETTINGS}.loop[{index}].closed_by"
        for activity in rule.closed_by:
            if activity in logged:
                evidence.append(say("logged", key=key, activity=activity, count=logged[activity]))
            elif activity in mapped:
                evidence.append(say("mapped", key=key, activity=activity))
            else:
                unknown.append(say("unknown", file=str(run.programme.file), key=key, activity=activity))
    if unknown:
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=(*unknown, *evidence),
            recommendation=say("recommend"),
        )
    return CheckResult(status=CheckStatus.PASS, evidence=tuple(evidence))


def closing_checks(rules: list[LoopRule]) -> list[Check]:
    """The closing check, when a rule names closing activities (otherwise there is nothing to check)."""
    if not any(rule.closed_by for rule in rules):
        return []
    return list(
        say.titled(
            [
                Check(
                    id=CHECK_ID,
                    title=_TITLE,
                    problem=_PROBLEM,
                    run=check_closing,
                    severity=Severity.LOW,
                    stage=Stage.IMPROVE,
                    description="Each activity in a loop rule's closed_by is a touchpoint of the journey maps "
                    "or an activity of a stored event log.",
                )
            ]
        )
    )
