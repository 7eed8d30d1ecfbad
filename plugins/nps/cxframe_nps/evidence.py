"""Measurement facts the maturity assessment reads, and the checks that show them.

:func:`measurement_evidence` answers, from the programme and the store: which
metrics each journey stage names and which of them have data, whether measures
beyond NPS/CSAT are collected (effort, resolution, accessibility …), whether
results can be segmented, and whether any objective ties a metric to a
business KPI. The ``nps.*`` checks report the same facts as pass/warn with
evidence, so they appear in ``cxframe check`` and become findings.
"""

from __future__ import annotations

from typing import Any

from cxframe import Check, CheckResult, CheckStatus, Run, Severity, Stage

#: The "headline" survey metrics; anything else with data counts as measuring beyond them.
HEADLINE_METRICS = frozenset({"nps", "csat", "enps"})


def _questions_with_data(run: Run) -> set[str]:
    return {row[0] for row in run.store.db.execute("SELECT DISTINCT question FROM observations").fetchall()}


def measurement_evidence(run: Run) -> dict[str, Any]:
    """Facts about how the programme measures, for assessments and reports."""
    questions = _questions_with_data(run)
    metrics = {metric.id: metric for metric in run.registry.metrics}
    measured = sorted(m for m, d in metrics.items() if d.question in questions)
    stages = []
    for journey in run.programme.journeys:
        for stage in journey.stages:
            named = list(stage.measures)
            stages.append(
                {
                    "journey": journey.id,
                    "stage": stage.id,
                    "metrics": named,
                    "with_data": [m for m in named if m in measured],
                    "unknown": [m for m in named if m not in metrics],
                }
            )
    segments = {}
    for column in run.store.segment_columns():
        values = run.store.db.execute(
            f"SELECT COUNT(DISTINCT [{column}]) FROM observations WHERE [{column}] IS NOT NULL"
        ).fetchone()[0]
        segments[column] = values
    kpi_links = [
        {"objective": o.id, "metric": o.metric, "business_kpi": o.business_kpi}
        for o in run.programme.document.objectives
        if o.business_kpi
    ]
    return {
        "metrics_with_data": measured,
        "beyond_headline": [m for m in measured if m not in HEADLINE_METRICS],
        "stages": stages,
        "segment_columns": segments,
        "kpi_links": kpi_links,
    }


def _result(passed: bool, evidence: list[str], recommendation: str) -> CheckResult:
    return CheckResult(
        status=CheckStatus.PASS if passed else CheckStatus.WARN,
        evidence=tuple(evidence),
        recommendation="" if passed else recommendation,
    )


def check_stage_measures(run: Run) -> CheckResult:
    stages = measurement_evidence(run)["stages"]
    if not stages:
        return _result(False, ["no journey stages are mapped"], "Map the main journeys and name a measure per stage.")
    unmeasured = [f"{s['journey']}/{s['stage']}" for s in stages if not s["with_data"]]
    evidence = [
        f"{s['journey']}/{s['stage']}: {', '.join(s['metrics']) or 'no metric named'}"
        + (
            f" (no data yet for {', '.join(m for m in s['metrics'] if m not in s['with_data'])})"
            if s["metrics"] and len(s["with_data"]) < len(s["metrics"])
            else ""
        )
        for s in stages
    ]
    return _result(
        not unmeasured,
        evidence,
        f"Measure every journey stage: {', '.join(unmeasured)} have no metric with data.",
    )


def check_beyond_headline(run: Run) -> CheckResult:
    facts = measurement_evidence(run)
    beyond = facts["beyond_headline"]
    evidence = [f"metrics with data: {', '.join(facts['metrics_with_data']) or 'none'}"]
    return _result(
        bool(beyond),
        evidence,
        "Measure beyond NPS/CSAT: add effort (CES), first-contact resolution or accessibility questions.",
    )


def check_segmented(run: Run) -> CheckResult:
    segments = measurement_evidence(run)["segment_columns"]
    usable = {column: count for column, count in segments.items() if count >= 2}
    evidence = [f"{column}: {count} values" for column, count in sorted(segments.items())] or ["no segment columns"]
    return _result(
        bool(usable),
        evidence,
        "Collect segment columns (region, product, channel, customer value) so results can be compared by segment.",
    )


def check_kpi_link(run: Run) -> CheckResult:
    links = measurement_evidence(run)["kpi_links"]
    evidence = [f"{link['objective']}: {link['metric']} → {link['business_kpi']}" for link in links]
    return _result(
        bool(links),
        evidence or ["no objective names a business_kpi"],
        "Tie CX metrics to business success: set business_kpi (retention, revenue, repeat purchase) on objectives.",
    )


CHECKS = [
    Check(
        id="nps.stage-measures",
        title="Every journey stage is measured",
        run=check_stage_measures,
        severity=Severity.MEDIUM,
        stage=Stage.MEASURE,
    ),
    Check(
        id="nps.beyond-headline",
        title="Measurement goes beyond NPS/CSAT",
        run=check_beyond_headline,
        severity=Severity.MEDIUM,
        stage=Stage.MEASURE,
    ),
    Check(
        id="nps.segmented",
        title="Results can be segmented",
        run=check_segmented,
        severity=Severity.LOW,
        stage=Stage.MEASURE,
    ),
    Check(
        id="nps.kpi-link",
        title="A CX metric is tied to a business KPI",
        run=check_kpi_link,
        severity=Severity.MEDIUM,
        stage=Stage.PLAN,
    ),
]
