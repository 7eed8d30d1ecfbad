"""``cxframe run``: walk the lifecycle stages."""

from __future__ import annotations

import click

from cxframe import api
from cxframe.cli import _render
from cxframe.cli._common import common_options, console, emit_json, handle_errors, json_option, state
from cxframe.contracts._convert import unstructure
from cxframe.contracts._stages import Stage


@click.command()
@click.option(
    "--stage",
    "stages",
    multiple=True,
    type=click.Choice([stage.value for stage in Stage]),
    help="Run only these stages (repeatable; they still run in lifecycle order).",
)
@json_option
@common_options
@handle_errors
def run(stages: tuple[str, ...], as_json: bool) -> None:
    """Walk the lifecycle: context, plan, design, measure, improve."""
    current = state()
    outcomes = api.run_lifecycle(current.programme, stages or None, host=current.plugins())
    if as_json:
        emit_json(unstructure(outcomes))
        return
    _render.outcomes(console(), outcomes)
