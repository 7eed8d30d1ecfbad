"""``cxframe measure``: metrics by segment and period, with intervals."""

from __future__ import annotations

from typing import Any

import click

from cxframe import api
from cxframe.cli import _render
from cxframe.cli._common import common_options, console, emit_json, handle_errors, json_option, state
from cxframe.contracts import MetricResult
from cxframe.engine import Period


def metric_json(result: MetricResult) -> dict[str, Any]:
    """The public JSON shape of a metric result (DESIGN §11), plus optional extras."""
    data: dict[str, Any] = {
        "metric": result.metric,
        "segment": dict(result.segment),
        "period": result.period,
        "value": result.value,
        "n": result.n,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "confidence": result.confidence,
        "flags": list(result.flags),
    }
    if result.effective_n is not None:
        data["effective_n"] = result.effective_n
    if result.objective is not None:
        data.update(
            objective=result.objective,
            target=result.target,
            target_status=result.target_status.value if result.target_status else None,
        )
    return data


@click.command()
@click.option("--metric", "metrics", multiple=True, help="Metric id (repeatable; default: every registered metric).")
@click.option("--by", "by", multiple=True, help="Segment column to group by (repeatable).")
@click.option("--period", type=click.Choice([p.value for p in Period]), help="Group by calendar period (UTC).")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), help="Confidence level.")
@json_option
@common_options
@handle_errors
def measure(
    metrics: tuple[str, ...], by: tuple[str, ...], period: str | None, confidence: float | None, as_json: bool
) -> None:
    """Compute metrics with sample sizes and confidence intervals; small samples are flagged."""
    current = state()
    results = api.measure(
        current.programme, metrics or None, by=by, period=period, confidence=confidence, host=current.plugins()
    )
    if as_json:
        emit_json([metric_json(result) for result in results])
        return
    _render.metrics(console(), results)
