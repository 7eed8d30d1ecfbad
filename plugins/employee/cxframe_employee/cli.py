"""``cxframe employee``: eNPS by group and the EX ↔ CX link, under the anonymity rule."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cxframe import (
    Period,
    common_options,
    emit_json,
    flag_label,
    flag_legend,
    flags_column,
    handle_errors,
    json_option,
    load_programme,
    state,
)
from cxframe_employee import api
from cxframe_employee.results import EmployeeResult, hidden_reason
from cxframe_employee.settings import load_context


def _out() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@click.group()
@common_options
def employee() -> None:
    """Employee experience: eNPS by team, role or site, and its link with customer experience.

    Employee results are never shown for a group with fewer respondents than
    the anonymity threshold (default 5; anonymity_threshold in
    [plugins.cxframe-employee.thresholds]), nor for a group that could be
    worked out from the others by subtraction: such groups are listed with the
    flag "suppressed" and no value.
    """


@employee.command("enps")
@click.option(
    "--by", "by", multiple=True, metavar="COL", help="Group by a segment column: team, role, site … (repeatable)."
)
@click.option("--period", type=click.Choice([p.value for p in Period]), help="Group by calendar period (UTC).")
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    metavar="ID",
    help="Employee metric (repeatable; default enps; also empowerment, engagement).",
)
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), help="Confidence level.")
@json_option
@common_options
@handle_errors
def enps(
    by: tuple[str, ...], period: str | None, metrics: tuple[str, ...], confidence: float | None, as_json: bool
) -> None:
    """eNPS (or another employee metric) with intervals, by group; small groups suppressed.

    \b
    JSON: a list of {metric, segment: {col: value}, period, value, n, ci_low,
    ci_high, confidence, flags}, as `cxframe measure --json`; a suppressed
    group has value, n, ci_low and ci_high null and flags ["suppressed"].
    """
    current = state()
    results = api.enps(
        current.programme,
        by=by,
        period=period,
        metrics=metrics or ("enps",),
        confidence=confidence,
        host=current.plugins(),
    )
    if as_json:
        emit_json([result.to_json() for result in results])
        return
    _table(results, load_context(load_programme(current.programme)).anonymity_threshold)


def _table(results: list[EmployeeResult], threshold: int) -> None:
    out = _out()
    if not results:
        out.print("no results: no employee responses for this metric yet (collect an employee survey)")
        return
    keys = list(dict.fromkeys(key for result in results for key in result.segment))
    show_period = any(result.period for result in results)
    shown = [
        ", ".join(
            flag_label(flag, n=result.n, effective_n=result.effective_n, repeat_respondents=result.repeat_respondents)
            for flag in result.flags
        )
        for result in results
    ]
    table = Table("metric", *keys, *(["period"] if show_period else []), "value", "n", "interval", flags_column())
    for result, flags in zip(results, shown, strict=True):
        if result.suppressed:
            value, n, interval = "hidden", "—", "—"
        else:
            value, n = _number(result.value), str(result.n)
            interval = (
                f"{_number(result.ci_low)} … {_number(result.ci_high)} ({result.confidence:.0%})"
                if result.ci_low is not None
                else "—"
            )
        table.add_row(
            escape(result.metric),
            *(escape(result.segment.get(key) or "—") for key in keys),
            *([escape(result.period or "")] if show_period else []),
            value,
            n,
            interval,
            escape(flags),
        )
    out.print(table)
    if any(result.suppressed for result in results):
        out.print(hidden_reason(threshold))
    # hidden groups are explained by the anonymity rule's own line above
    for line in flag_legend((flag for result in results for flag in result.flags), skip=("suppressed",)):
        out.print(escape(line), soft_wrap=True)


@employee.command("link")
@click.option(
    "--svg",
    "svg",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the scatter chart (SVG) to this file.",
)
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), help="Confidence level.")
@json_option
@common_options
@handle_errors
def link(svg: Path | None, confidence: float | None, as_json: bool) -> None:
    """The link between each team's eNPS and its customers' NPS: an association, not a cause.

    Pearson's r over the teams (one point per team) with a Fisher-z interval;
    with fewer teams than thresholds.min_link_teams (default 5), no number,
    only a sentence saying so. Teams suppressed by the anonymity rule are left out.

    \b
    JSON: {employee_metric, customer_metric, method, n_teams, min_teams, r,
    ci_low, ci_high, p_value, confidence, statement, flags, teams_suppressed,
    teams: [{team, employee_value, employee_n, customer_value, customer_n}]}.
    """
    current = state()
    found = api.link(current.programme, confidence=confidence, host=current.plugins())
    if svg is not None:
        svg.write_text(found.chart_svg, encoding="utf-8")
    if as_json:
        emit_json(found.to_json())
        return
    out = _out()
    if found.teams:
        table = Table("team", f"{found.employee_metric} (n)", f"customer {found.customer_metric} (n)")
        for pair in found.teams:
            table.add_row(
                escape(pair.team),
                f"{pair.employee_value:.1f} ({pair.employee_n})",
                f"{pair.customer_value:.1f} ({pair.customer_n})",
            )
        out.print(table)
    out.print(escape(found.statement))
    if found.teams_suppressed:
        out.print(f"{found.teams_suppressed} team(s) left out under the anonymity rule")
    if svg is not None:
        out.print(f"chart written to {escape(str(svg))}")
