"""Measurement facts the maturity assessment reads, and the checks that show them.

:func:`measurement_evidence` answers, from the programme and the store: which
metrics each journey stage names and which of them have data, whether measures
beyond NPS/CSAT are collected (effort, resolution, accessibility …), whether
results can be segmented, and whether any objective ties a metric to a
business KPI. The ``nps.*`` checks report the same facts as pass/warn with
evidence, so they appear in ``cxframe check`` and become findings.

:func:`assessment_facts` is what the plugin returns from the
``assessment_evidence`` hook: those facts plus each metric's overall sample
and interval, how many months have data (for trends), and the closed loop
(how fast detractors were contacted) when the programme says which event
activities count as contacting a respondent (``[plugins.cxframe-nps.closed_loop]``).
The keys are documented in ``docs/maturity.md``.
"""

from __future__ import annotations

import statistics
from typing import Any

from cxframe import (
    Check,
    CheckResult,
    CheckStatus,
    InvalidInput,
    MetricDefinition,
    RunContext,
    Severity,
    Stage,
    compute_metric,
)

#: The "headline" survey metrics; anything else with data counts as measuring beyond them.
HEADLINE_METRICS = frozenset({"nps", "csat", "enps"})


def _questions_with_data(run: RunContext) -> set[str]:
    return {row[0] for row in run.store.db.execute("SELECT DISTINCT question FROM observations").fetchall()}


def measurement_evidence(run: RunContext) -> dict[str, Any]:
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


#: The plugin's table in the programme file (the same as ``cxframe_nps.SETTINGS``).
_SETTINGS = "cxframe-nps"
#: NPS answers that make a respondent a detractor (0–6 on the 0–10 scale).
DETRACTOR_MAX = 6


def _overall(run: RunContext, metric: MetricDefinition) -> dict[str, Any]:
    """The metric over all its data: this run's result when the measure stage computed it, else computed now."""
    found = [
        r
        for r in run.metric_results
        if r.metric == metric.id and not r.segment and r.period is None and r.objective is None
    ]
    results = found or compute_metric(run.engine, metric, confidence=run.confidence, min_sample=run.min_sample)
    if not results:
        return {"value": None, "n": 0, "ci_low": None, "ci_high": None, "flags": []}
    result = results[0]
    return {
        "value": result.value,
        "n": result.n,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "flags": list(result.flags),
    }


def _months(run: RunContext, metric: MetricDefinition) -> list[str]:
    rows = run.store.db.execute(
        "SELECT DISTINCT substr(timestamp, 1, 7) FROM observations WHERE question = ? AND population = ? ORDER BY 1",
        [metric.question, metric.population],
    ).fetchall()
    return [row[0] for row in rows]


def closed_loop(run: RunContext) -> dict[str, Any] | None:
    """How fast detractors were contacted, from follow-up events; None when the programme does not say which.

    ``[plugins.cxframe-nps.closed_loop] activities = ["detractor-callback"]``
    names the event activities that count as contacting a respondent; the
    event's case id must be the respondent's id. A detractor is a customer
    who answered 0–6 on the ``nps`` question with a respondent id; the first
    follow-up event at or after the answer counts.
    """
    settings = run.programme.plugin_settings(_SETTINGS).get("closed_loop")
    if settings is None:
        return None
    where = f"{run.programme.file}: plugins.{_SETTINGS}.closed_loop"
    activities = settings.get("activities") if isinstance(settings, dict) else None
    if not isinstance(activities, list) or not activities or not all(isinstance(a, str) for a in activities):
        raise InvalidInput([f"{where}.activities: expected a list of event activity names"])
    marks = ", ".join("?" * len(activities))
    rows = run.store.db.execute(
        f"""
        SELECT o.respondent_id,
               MIN((julianday(e.timestamp) - julianday(o.timestamp)) * 24.0) AS hours
        FROM (SELECT respondent_id, MIN(timestamp) AS timestamp FROM observations
              WHERE question = 'nps' AND population = 'customer' AND value <= ? AND respondent_id IS NOT NULL
              GROUP BY respondent_id) AS o
        LEFT JOIN events AS e
          ON e.case_id = o.respondent_id AND e.activity IN ({marks}) AND julianday(e.timestamp) >= julianday(o.timestamp)
        GROUP BY o.respondent_id
        """,
        [DETRACTOR_MAX, *activities],
    ).fetchall()
    hours = [row[1] for row in rows if row[1] is not None]
    return {
        "activities": list(activities),
        "detractors": len(rows),
        "contacted": len(hours),
        "within_24h": sum(h <= 24 for h in hours),
        "within_48h": sum(h <= 48 for h in hours),
        "median_hours": round(statistics.median(hours), 1) if hours else None,
    }


def assessment_facts(run: RunContext) -> dict[str, Any]:
    """What this plugin returns from ``assessment_evidence``: `measurement_evidence` and the facts below.

    ``metrics``: for each metric with data, ``{title, value, n, ci_low,
    ci_high, flags, months}`` over all its data (``months``: the calendar
    months with data, oldest first, so a trend needs two); ``min_sample``;
    ``comments``: survey answers with a free-text comment; ``closed_loop``
    (see `closed_loop`) or ``None``.
    """
    facts = measurement_evidence(run)
    metrics = {}
    for metric_id in facts["metrics_with_data"]:
        metric = run.registry.metrics.get(metric_id)
        metrics[metric_id] = {"title": metric.title, **_overall(run, metric), "months": _months(run, metric)}
    comments = run.store.db.execute(
        "SELECT COUNT(*) FROM observations WHERE population = 'customer' AND TRIM(COALESCE(comment, '')) != ''"
    ).fetchone()[0]
    return {
        **facts,
        "metrics": metrics,
        "min_sample": run.min_sample,
        "comments": comments,
        "closed_loop": closed_loop(run),
    }


def _result(passed: bool, evidence: list[str], recommendation: str) -> CheckResult:
    return CheckResult(
        status=CheckStatus.PASS if passed else CheckStatus.WARN,
        evidence=tuple(evidence),
        recommendation="" if passed else recommendation,
    )


def check_beyond_headline(run: RunContext) -> CheckResult:
    facts = measurement_evidence(run)
    beyond = facts["beyond_headline"]
    evidence = [f"metrics with data: {', '.join(facts['metrics_with_data']) or 'none'}"]
    return _result(
        bool(beyond),
        evidence,
        "Measure beyond NPS/CSAT: add effort (CES), first-contact resolution or accessibility questions.",
    )


def check_segmented(run: RunContext) -> CheckResult:
    segments = measurement_evidence(run)["segment_columns"]
    usable = {column: count for column, count in segments.items() if count >= 2}
    evidence = [f"{column}: {count} values" for column, count in sorted(segments.items())] or ["no segment columns"]
    return _result(
        bool(usable),
        evidence,
        "Collect segment columns (region, product, channel, customer value) so results can be compared by segment.",
    )


def check_kpi_link(run: RunContext) -> CheckResult:
    links = measurement_evidence(run)["kpi_links"]
    evidence = [f"{link['objective']}: {link['metric']} → {link['business_kpi']}" for link in links]
    return _result(
        bool(links),
        evidence or ["no objective names a business_kpi"],
        "Tie CX metrics to business success: set business_kpi (retention, revenue, repeat purchase) on objectives.",
    )


CHECKS = [
    Check(
        id="nps.beyond-headline",
        title="Measurement goes beyond NPS/CSAT",
        problem="Measurement stops at NPS/CSAT",
        run=check_beyond_headline,
        severity=Severity.MEDIUM,
        stage=Stage.MEASURE,
    ),
    Check(
        id="nps.segmented",
        title="Results can be segmented",
        problem="Results cannot be segmented",
        run=check_segmented,
        severity=Severity.LOW,
        stage=Stage.MEASURE,
    ),
    Check(
        id="nps.kpi-link",
        title="A CX metric is tied to a business KPI",
        problem="No CX metric is tied to a business KPI",
        run=check_kpi_link,
        severity=Severity.MEDIUM,
        stage=Stage.PLAN,
    ),
]
