"""``cxframe drivers``: which attribute ratings drive the overall metric."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from cxframe import common_options, emit_json, handle_errors, json_option, state
from cxframe_insight import api
from cxframe_insight.drivers import DriverAnalysis


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
