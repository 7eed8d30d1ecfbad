"""What the maturity assessment and the reports read about the people-oriented culture.

`employee_evidence` gathers, for one run: which employee checks pass, eNPS
overall, by team and by period (its trend), the EX ↔ CX link with its chart,
and the culture criteria those facts meet. Every employee figure in it went
through the anonymity rule.
"""

from __future__ import annotations

from typing import Any

from cxframe import CheckStatus, CxframeError, Period, RunContext, compare_periods
from cxframe_employee.checks import ENPS, TEAM, enps_overview, run_employee_checks
from cxframe_employee.link import compute_link
from cxframe_employee.results import EmployeeResult, employee_results
from cxframe_employee.settings import load_context

#: check id → the culture criterion (DOMAIN "People-oriented culture") it is evidence for
CRITERIA = {
    "employee.decision-authority": "frontline_empowered",
    "employee.training": "cx_training_for_all",
    "employee.staffing": "frontline_resourced",
    "employee.systems": "unified_tools",
    "employee.kpi-mix": "customer_centric_kpis",
    "employee.voice-of-employee": "employee_feedback_acted_on",
}


def _trend(run: RunContext, period: Period, series: list[EmployeeResult]) -> dict[str, Any] | None:
    """The change between the last two periods shown, with its interval and test; None without two."""
    shown = [result for result in series if not result.suppressed and result.period is not None]
    if len(shown) < 2:
        return None
    previous, last = shown[-2], shown[-1]
    metric = run.registry.metrics.get(ENPS)
    for comparison in compare_periods(run.engine, metric, period, confidence=run.confidence, min_sample=run.min_sample):
        if comparison.period == last.period and comparison.baseline == previous.period:
            direction = "no significant change"
            if comparison.significant and comparison.difference is not None:
                direction = "up" if comparison.difference > 0 else "down"
            return {
                "period": last.period,
                "baseline": previous.period,
                "difference": comparison.difference,
                "ci_low": comparison.ci_low,
                "ci_high": comparison.ci_high,
                "p_value": comparison.p_value,
                "significant": comparison.significant,
                "direction": direction,
            }
    # a suppressed period lies between the two: their difference is not a period-on-period change
    return None


def _points(link: dict[str, Any]) -> list[dict[str, Any]]:
    """The link's team points under the names reports chart: ``{team, enps, customer_score}``.

    ``enps`` is the team's employee metric (eNPS unless ``link.employee_metric``
    says otherwise); only teams the anonymity rule shows are in ``teams``.
    """
    return [
        {"team": pair["team"], "enps": pair["employee_value"], "customer_score": pair["customer_value"]}
        for pair in link.get("teams", [])
    ]


def employee_evidence(run: RunContext) -> dict[str, Any]:
    """Evidence for the people-oriented-culture dimension of a maturity assessment.

    Keys: ``anonymity_threshold``; ``checks`` (``{check, title, status,
    evidence}`` for each employee check, this run's results when it ran them);
    ``checks_passed``; ``enps`` (overall, or None), ``enps_by_team`` and
    ``enps_trend`` (lists in the ``cxframe measure --json`` shape) with
    ``enps_change`` (last period against the one before: difference,
    interval, p-value, direction) ; ``link`` (the EX ↔ CX link with
    ``chart_svg``, ``points`` and ``summary``, its statement without the caveat, or ``{"error": …}``); ``criteria`` (culture
    criterion → met); ``checks_by_status`` (status → check ids).
    """
    context = load_context(run.programme)
    results = [r for r in run.check_results if r.check.startswith("employee.")] or run_employee_checks(run)
    checks = [
        {"check": r.check, "title": r.title, "status": r.status.value, "evidence": list(r.evidence)} for r in results
    ]
    status = {r.check: r.status for r in results}
    overall, teams = enps_overview(run, context)
    period = Period(context.settings.trend_period)
    trend: list[EmployeeResult] = []
    change = None
    if ENPS in run.registry.metrics:
        trend = employee_results(
            run.store,
            run.registry.metrics.get(ENPS),
            threshold=context.anonymity_threshold,
            objectives=context.objectives,
            period=period,
            confidence=run.confidence,
            min_sample=run.min_sample,
            engine=run.engine,
        )
        change = _trend(run, period, trend)
    link_settings = context.settings.link
    link: dict[str, Any]
    try:
        found = compute_link(
            run.store,
            run.registry.metrics.get(link_settings.employee_metric),
            run.registry.metrics.get(link_settings.customer_metric),
            context,
            confidence=run.confidence,
            min_sample=run.min_sample,
            engine=run.engine,
        )
    except CxframeError as exc:
        link = {"error": str(exc)}
    else:
        # the summary (the statement without its caveat) is the assessment's evidence line
        link = {**found.to_json(chart=True), "summary": found.summary}
        link["points"] = _points(link)
    criteria = {criterion: status.get(check) is CheckStatus.PASS for check, criterion in CRITERIA.items()}
    criteria["enps_measured_by_team"] = any(not r.suppressed and r.segment.get(TEAM) for r in teams)
    criteria["ex_cx_link_measured"] = link.get("r") is not None
    return {
        "anonymity_threshold": context.anonymity_threshold,
        "checks": checks,
        "checks_passed": [r.check for r in results if r.status is CheckStatus.PASS],
        "checks_by_status": {
            status.value: sorted({r.check for r in results if r.status is status}) for status in CheckStatus
        },
        "enps": overall[0].to_json() if overall else None,
        "enps_by_team": [r.to_json() for r in teams],
        "trend_period": period.value,
        "enps_trend": [r.to_json() for r in trend],
        "enps_change": change,
        "link": link,
        "criteria": criteria,
    }
