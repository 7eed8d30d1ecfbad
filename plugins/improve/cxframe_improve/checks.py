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

from cxframe import Check, CheckResult, CheckStatus, RunContext, Severity, Stage
from cxframe_improve.settings import SETTINGS, LoopRule, load_rules

CHECK_ID = "improve.loop-closing"


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
                evidence.append(f"{key}: {activity!r} — {logged[activity]} event(s) in the stored event logs")
            elif activity in mapped:
                evidence.append(f"{key}: {activity!r} — a touchpoint of the journey maps, no event stored yet")
            else:
                unknown.append(
                    f"{run.programme.file}: {key}: {activity!r} is no touchpoint of the journey maps and no activity "
                    "of the stored event logs: it closes no case"
                )
    if unknown:
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=(*unknown, *evidence),
            recommendation="Name the activity as the event log writes it (see cxframe journey variants), "
            "or collect the log that holds it.",
        )
    return CheckResult(status=CheckStatus.PASS, evidence=tuple(evidence))


def closing_checks(rules: list[LoopRule]) -> list[Check]:
    """The closing check, when a rule names closing activities (otherwise there is nothing to check)."""
    if not any(rule.closed_by for rule in rules):
        return []
    return [
        Check(
            id=CHECK_ID,
            title="Loop rules close cases by activities the event logs record",
            problem="Loop rules name closing activities no event log records",
            run=check_closing,
            severity=Severity.LOW,
            stage=Stage.IMPROVE,
            description="Each activity in a loop rule's closed_by is a touchpoint of the journey maps "
            "or an activity of a stored event log.",
        )
    ]
