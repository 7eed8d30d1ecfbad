"""From findings to proposed improvement actions, in a documented order of priority.

The rule (also in the docs, "Assessment"):

    priority = impact × breadth ÷ effort

* **impact** from the finding's severity: info 1, low 2, medium 3, high 4, critical 5;
* **breadth** (1–3): one touchpoint, team or criterion; a journey or segment; the whole programme;
* **effort** (1–3): a quick fix; a project; a change across the organisation.

Informational findings propose no action, so priorities run from 0.67 (a
low-severity, narrow item that takes an organisation-wide change) to 15 (a
critical, programme-wide problem with a quick fix). Each action is proposed
with an owner where the programme names one (the missed objective's owner, the
touchpoint's owner, else the owner of an objective on the finding's metric)
and a due date that follows the severity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cxframe.contracts._records import Action, ActionStatus, Finding, Severity
from cxframe.programme._file import Programme

__all__ = ["DUE_DAYS", "IMPACT", "priority", "propose_actions"]

IMPACT: dict[Severity, int] = {
    Severity.INFO: 1,
    Severity.LOW: 2,
    Severity.MEDIUM: 3,
    Severity.HIGH: 4,
    Severity.CRITICAL: 5,
}

#: Days from the assessment to the proposed due date, by severity.
DUE_DAYS: dict[Severity, int] = {
    Severity.CRITICAL: 30,
    Severity.HIGH: 60,
    Severity.MEDIUM: 90,
    Severity.LOW: 180,
    Severity.INFO: 365,
}


def priority(finding: Finding) -> float:
    """impact × breadth ÷ effort, rounded to two places."""
    return round(IMPACT[finding.severity] * finding.breadth / finding.effort, 2)


def _owner(finding: Finding, programme: Programme | None) -> str | None:
    if programme is None:
        return None
    if finding.touchpoint:
        for touchpoint in programme.document.touchpoints:
            if touchpoint.id == finding.touchpoint and touchpoint.owner:
                return touchpoint.owner
    for objective in programme.document.objectives:
        # a missed objective's own owner first, then an owner of another objective on the same metric
        if finding.id == f"objective:{objective.id}" and objective.owner:
            return objective.owner
    if finding.metric:
        for objective in programme.document.objectives:
            if objective.metric == finding.metric and objective.owner:
                return objective.owner
    return None


def propose_actions(
    findings: Iterable[Finding], programme: Programme | None = None, *, today: dt.date | None = None
) -> list[Action]:
    """One proposed action per finding that has something to do, highest priority first.

    Informational findings propose nothing, nor do findings an action in the
    programme's register already answers (its ``finding`` names them and it is
    not dropped). Ties are broken by severity and then by the finding's id, so
    the order is stable from run to run.
    """
    start = today or dt.date.today()
    answered = {
        action.finding
        for action in (programme.document.actions if programme is not None else ())
        if action.finding and action.status is not ActionStatus.DROPPED
    }
    ranked = sorted(
        (f for f in findings if f.severity is not Severity.INFO and f.id not in answered),
        key=lambda f: (-priority(f), -f.severity.rank, f.id),
    )
    actions = []
    for finding in ranked:
        title = finding.recommendation or f"Address: {finding.title}"
        actions.append(
            Action(
                id=f"action:{finding.id}",
                title=title,
                stage=finding.stage,
                owner=_owner(finding, programme),
                due=start + dt.timedelta(days=DUE_DAYS[finding.severity]),
                status=ActionStatus.PROPOSED,
                finding=finding.id,
                touchpoint=finding.touchpoint,
                metric=finding.metric,
                priority=priority(finding),
            )
        )
    return actions
