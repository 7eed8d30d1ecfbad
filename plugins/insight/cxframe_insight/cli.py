"""``cxframe drivers``, ``cxframe predict churn`` and ``cxframe customer``."""

from __future__ import annotations

from typing import Any

import attrs
import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cxframe import common_options, emit_json, handle_errors, json_option, state
from cxframe_insight import api
from cxframe_insight.drivers import DriverAnalysis
from cxframe_insight.profile import CustomerProfile


def _out(stderr: bool = False) -> Console:
    return Console(highlight=False, soft_wrap=False, stderr=stderr)


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


@click.command("drivers")
@click.option("--metric", required=True, metavar="ID", help="The overall metric to explain (e.g. nps).")
@click.option(
    "--drivers",
    "names",
    metavar="Q1,Q2,…",
    help="Driver questions, comma-separated (default: every other rating answered in most of the metric's responses).",
)
@click.option("--by", metavar="COL", help="One analysis per value of this segment column.")
@json_option
@common_options
@handle_errors
def drivers(metric: str, names: str | None, by: str | None, as_json: bool) -> None:
    """Key drivers of a metric: each driver's part of the explained R², with its interval, and the quadrant.

    Johnson's relative weights (robust to correlated drivers) with bootstrap
    intervals from a fixed seed; share is the importances normalised to 1;
    performance the driver's mean on its own scale; quadrant one of fix first,
    keep, maintain, lower priority. Too few complete responses, or a driver
    without variance, is said plainly with no figures (exit 1; with --by, that
    segment is left out and named on stderr).

    \b
    JSON: a list of {driver, importance, ci_low, ci_high, share, performance,
    quadrant}, most important first; with --by each also has segment {COL: value}.
    """
    current = state()
    found = api.key_drivers(current.programme, metric=metric, drivers=_names(names), by=by, host=current.plugins())
    for analysis in found:
        if analysis.problem is not None:
            click.secho(f"warning: {analysis.problem}", fg="yellow", err=True)
    shown = [analysis for analysis in found if analysis.problem is None]
    if as_json:
        emit_json([row for analysis in shown for row in analysis.to_json()])
        return
    for analysis in shown:
        _table(analysis)


def _table(analysis: DriverAnalysis) -> None:
    out = _out()
    title = f"Key drivers of {analysis.metric}"
    if analysis.segment:
        title += " — " + ", ".join(f"{k}={v}" for k, v in analysis.segment.items())
    table = Table(title=title)
    for header in ("driver", "importance", f"{analysis.confidence:.0%} interval", "share", "performance", "quadrant"):
        table.add_column(header, overflow="fold")
    for driver in analysis.drivers:
        table.add_row(
            driver.driver,
            f"{driver.importance:.3f}",
            f"{driver.ci_low:.3f}–{driver.ci_high:.3f}",
            f"{driver.share:.0%}",
            f"{driver.performance:.2f}",
            driver.quadrant,
        )
    out.print(table, markup=False)
    out.print(
        f"R² {analysis.r_squared:.3f} from {analysis.n} complete responses ({analysis.incomplete} incomplete left out)",
        markup=False,
    )
    out.print(f"intervals: {analysis.resamples} bootstrap resamples, percentile", markup=False)


@click.group()
@common_options
def predict() -> None:
    """Predict what customers will do next: churn."""


@predict.command("churn")
@click.option(
    "--top", type=click.IntRange(min=1), metavar="N", help="Show only the N riskiest customers (table and JSON)."
)
@json_option
@common_options
@handle_errors
def churn_command(top: int | None, as_json: bool) -> None:
    """Each customer's risk of churning (0–1), highest first, with its band and top reasons.

    Without churn labels (a kpi-csv source with a churned KPI) the risk is
    rule-based points and the output says so (auc and calibration null).

    \b
    JSON: {model, auc, calibration: {brier, bins: [{predicted, observed, n}]},
    customers: [{customer, risk, band, reasons: [{feature, value, contribution}]}]}.
    """
    current = state()
    prediction = api.predict_churn(current.programme, host=current.plugins())
    counts = {name: sum(1 for c in prediction.customers if c.band == name) for name in ("high", "medium", "low")}
    total = len(prediction.customers)
    if top is not None:
        prediction = attrs.evolve(prediction, customers=prediction.customers[:top])
    if as_json:
        emit_json(prediction.to_json())
        return
    out = _out()
    for note in prediction.notes:
        out.print(f"note: {note}", markup=False)
    if prediction.auc is not None and prediction.calibration is not None:
        out.print(
            f"model: {prediction.model}; AUC {prediction.auc:.3f}, Brier {prediction.calibration.brier:.3f}",
            markup=False,
        )
    table = Table(title=f"Churn risk ({prediction.model})")
    for header in ("customer", "risk", "band", "reasons"):
        table.add_column(header, overflow="fold")
    for customer in prediction.customers:
        reasons = ", ".join(f"{r.feature}={_value(r.value)} (+{r.contribution:.2f})" for r in customer.reasons)
        table.add_row(customer.customer, f"{customer.risk:.2f}", customer.band, reasons or "—")
    out.print(table, markup=False)
    out.print(
        f"{total} customer(s) scored: {counts['high']} high, {counts['medium']} medium, {counts['low']} low risk"
        + (f"; the {len(prediction.customers)} riskiest shown" if top is not None else ""),
        markup=False,
    )


def _value(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


@click.command("customer")
@click.argument("customer")
@json_option
@common_options
@handle_errors
def customer_command(customer: str, as_json: bool) -> None:
    """Everything known about CUSTOMER: answers and comments, events, journey stage, metrics, risk, cases, actions.

    CUSTOMER is a respondent id of the surveys or a case id of the events;
    an id with neither is an error (exit 1).

    \b
    JSON: {customer, observations: [{timestamp, source, response_id, metric,
    value, comment}], events: [{timestamp, activity, channel}], journey_stage,
    metrics, risk, cases, actions}, and the keys other plugins add (the text
    plugin: comments: [{timestamp, source, response_id, comment, themes,
    sentiment: {score, label}}]).
    """
    current = state()
    found = api.customer_profile(current.programme, customer, host=current.plugins())
    for note in found.notes:
        click.secho(f"warning: {note}", fg="yellow", err=True)
    if as_json:
        emit_json(found.to_json())
        return
    _profile(found)


def _profile(found: CustomerProfile) -> None:
    out = _out()
    out.print(f"Customer {found.customer}", markup=False)
    if found.journey_stage is not None:
        stage = found.journey_stage
        out.print(f"journey stage: {stage['journey']} / {stage['stage']} ({stage['name']})", markup=False)
    if found.risk is not None:
        reasons = ", ".join(f"{r.feature}={_value(r.value)}" for r in found.risk.reasons) or "none"
        out.print(
            f"churn risk: {found.risk.risk:.2f} ({found.risk.band}, {found.risk_model}); reasons: {reasons}",
            markup=False,
        )
    for metric in found.metrics:
        values = ", ".join(_value(point["value"]) for point in metric["history"])
        out.print(f"{metric['metric']}: latest {_value(metric['latest'])} {metric['unit']} from {values}", markup=False)
    # one row per response: its answers side by side and its comment once
    responses: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in found.observations:
        responses.setdefault((row["timestamp"], row["source"], row["response_id"], row["comment"]), []).append(row)
    answers = Table(title="Answers")
    for header in ("time", "source", "response", "answers", "comment"):
        answers.add_column(header, overflow="fold")
    for (timestamp, source, response_id, comment), rows in responses.items():
        given = ", ".join(f"{row['metric']} {_value(row['value'])}" for row in rows)
        answers.add_row(timestamp, source or "—", response_id or "—", given, comment or "")
    if found.observations:
        out.print(answers, markup=False)
    events = Table(title="Events")
    for header in ("time", "activity", "channel"):
        events.add_column(header, overflow="fold")
    for event in found.events:
        events.add_row(event["timestamp"], event["activity"], event["channel"] or "—")
    if found.events:
        out.print(events, markup=False)
    for case in found.cases:
        out.print(
            f"case {case['case']}: {case['status']}, {case['metric']} {_value(case['score'])}, due {case['due']}, "
            f"owner {case['owner'] or '—'}",
            markup=False,
        )
    for action in found.actions:
        out.print(
            f"action {action['id']}: {action['title']} ({action['status']}, {action['owner'] or '—'})", markup=False
        )
    for key, value in found.parts.items():
        _part(out, key, value)


def _cell(value: Any) -> str:
    """A plugin's value in a table cell: lists joined, a mapping's values side by side."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_cell(item) for item in value.values())
    return str(value)


def _part(out: Console, key: str, value: Any) -> None:
    """A plugin's part of the profile: a list of records as a table titled by its key, anything else on a line."""
    if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
        headers = list(dict.fromkeys(name for row in value for name in row))
        table = Table(title=key.replace("_", " ").capitalize())
        for header in headers:
            table.add_column(header.replace("_", " "), overflow="fold")
        for row in value:
            # as Text: a comment's brackets are words, not rich markup
            table.add_row(*(Text(_cell(row.get(header))) for header in headers))
        out.print(table, markup=False)
    elif isinstance(value, list) and not value:
        out.print(f"{key}: none", markup=False)
    else:
        out.print(f"{key}: {_cell(value)}", markup=False)


@click.command("business")
@click.option("--kpi", required=True, metavar="ID", help="The KPI of the kpi-csv facts (e.g. retention, revenue).")
@click.option("--metric", default="nps", show_default=True, metavar="ID", help="The experience metric.")
@json_option
@common_options
@handle_errors
def business_command(kpi: str, metric: str, as_json: bool) -> None:
    """A business KPI among the metric's groups, and what a point of the metric is worth in it.

    Per customer: the KPI (the mean of their facts) and their latest answer's
    score. Groups (promoters, passives, detractors for NPS) with intervals and
    the highest-vs-lowest difference (Welch t); the slope of the KPI per point
    of the metric with its interval. An association, not an effect: said in
    the output.

    \b
    JSON: {kpi, metric, customers, kpi_customers, unmatched, confidence,
    groups: [{group, score, n, kpi, ci_low, ci_high}], difference: {between,
    value, ci_low, ci_high, p_value, method}, per_point: {slope, ci_low,
    ci_high, p_value, n}, caveat}.
    """
    current = state()
    found = api.business_link(current.programme, kpi=kpi, metric=metric, host=current.plugins())
    if as_json:
        emit_json(found.to_json())
        return
    out = _out()
    table = Table(title=f"{found.kpi} by {found.metric} group")
    for header in ("group", "customers", found.kpi, f"{found.confidence:.0%} interval"):
        table.add_column(header, overflow="fold")
    for group in found.groups:
        interval = "—" if group.ci_low is None else f"{group.ci_low:.3g}–{group.ci_high:.3g}"
        table.add_row(group.group, str(group.n), f"{group.kpi:.3g}", interval)
    if found.groups:
        out.print(table, markup=False)
    if found.difference is not None:
        d = found.difference
        out.print(
            f"{d['between'][0]} − {d['between'][1]}: {d['value']:.3g} ({d['ci_low']:.3g} to {d['ci_high']:.3g}), "
            f"p {_p(d['p_value'])} (Welch t)",
            markup=False,
        )
    if found.per_point is not None:
        pp = found.per_point
        out.print(
            f"per point of {found.metric}: {pp['slope']:.4g} {found.kpi} ({pp['ci_low']:.4g} to {pp['ci_high']:.4g}), "
            f"p {_p(pp['p_value'])}, {pp['n']} customers",
            markup=False,
        )
    out.print(
        f"{found.customers} of {found.kpi_customers} KPI customer(s) answered {found.metric}"
        + (f"; {found.unmatched} without an answer left out" if found.unmatched else ""),
        markup=False,
    )
    out.print(f"note: {found.caveat}", markup=False)


def _p(value: float | None) -> str:
    if value is None:
        return "= —"
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"
