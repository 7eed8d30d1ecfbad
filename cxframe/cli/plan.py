"""``cxframe plan``: what a survey needs before it runs — its sample size, and the differences it can detect."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from cxframe import api
from cxframe.cli._common import common_options, console, emit_json, handle_errors, json_option, state

_metric = click.option("--metric", required=True, help="Metric id (nps, csat, ces, or a declared metric).")
_expected = click.option(
    "--expected",
    metavar="KEY=SHARE,…",
    help='Expected shares: "promoters=0.45,detractors=0.2" for NPS, "share=0.8" for a share '
    "(default: the worst case, the largest variance).",
)
_confidence = click.option(
    "--confidence",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Confidence level (default: the programme's).",
)
_sd = click.option(
    "--sd",
    type=click.FloatRange(0, min_open=True),
    help="For a mean: the expected standard deviation of one answer (default: (max − min) / 2 of its scale).",
)


def _assumptions(table: Table, assumptions: dict[str, Any]) -> None:
    for key, value in assumptions.items():
        if value is None:
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v:g}" for k, v in value.items())
        elif isinstance(value, float):
            value = f"{value:g}"
        table.add_row(escape(key.replace("_", " ")), escape(str(value)))


@click.group()
@common_options
def plan() -> None:
    """Plan a survey: the sample size for a margin, and the smallest difference a sample can detect."""


@plan.command("sample-size")
@_metric
@click.option(
    "--margin",
    type=float,
    required=True,
    help="Half-width of the interval wanted, on the metric's scale (NPS points, % for shares).",
)
@_expected
@_confidence
@click.option("--population", type=click.IntRange(1), help="Population size: apply the finite-population correction.")
@_sd
@json_option
@common_options
@handle_errors
def sample_size(
    metric: str,
    margin: float,
    expected: str | None,
    confidence: float | None,
    population: int | None,
    sd: float | None,
    as_json: bool,
) -> None:
    """The answers a survey needs for an interval of half-width --margin: n = ceil(z² σ² / m²).

    \b
    JSON: {n, margin, assumptions: {metric, interval_method, confidence,
    expected or sd, sd_per_answer, population, n_without_population, formula}}.
    """
    current = state()
    result = api.plan_sample_size(
        current.programme,
        metric,
        margin,
        expected=expected,
        confidence=confidence,
        population=population,
        sd=sd,
        host=current.plugins(),
    )
    if as_json:
        emit_json({"n": result.n, "margin": result.margin, "assumptions": result.assumptions})
        return
    table = Table(show_header=False)
    table.add_row("answers needed (n)", str(result.n))
    table.add_row("margin", f"± {result.margin:g}")
    _assumptions(table, result.assumptions)
    console().print(table)


@plan.command("mdd")
@_metric
@click.option("--n", "n", type=click.IntRange(1), required=True, help="Answers in each of the two groups.")
@click.option(
    "--power",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.8,
    show_default=True,
    help="Probability of detecting a true difference of the MDD.",
)
@_expected
@_confidence
@_sd
@json_option
@common_options
@handle_errors
def mdd(
    metric: str,
    n: int,
    power: float,
    expected: str | None,
    confidence: float | None,
    sd: float | None,
    as_json: bool,
) -> None:
    """The minimum detectable difference between two periods or segments of --n answers each.

    MDD = (z_(1−α/2) + z_power) · sqrt(2 σ² / n), a two-sided test at level
    1 − confidence.

    \b
    JSON: {mdd, n, power, confidence, assumptions}.
    """
    current = state()
    result = api.plan_mdd(
        current.programme,
        metric,
        n,
        power=power,
        expected=expected,
        confidence=confidence,
        sd=sd,
        host=current.plugins(),
    )
    if as_json:
        emit_json(
            {
                "mdd": result.mdd,
                "n": result.n,
                "power": result.power,
                "confidence": result.confidence,
                "assumptions": result.assumptions,
            }
        )
        return
    table = Table(show_header=False)
    table.add_row("minimum detectable difference", f"{result.mdd:.1f}")
    table.add_row("answers per group (n)", str(result.n))
    table.add_row("power", f"{result.power:g}")
    table.add_row("confidence", f"{result.confidence:g}")
    _assumptions(table, result.assumptions)
    console().print(table)
