"""``cxframe check``: run every registered check."""

from __future__ import annotations

import click

from cxframe import api
from cxframe.cli import _render
from cxframe.cli._common import common_options, console, emit_json, handle_errors, json_option, state
from cxframe.contracts._shapes import check_json


@click.command()
@json_option
@common_options
@handle_errors
def check(as_json: bool) -> None:
    """Run every registered check and print pass/warn/fail with the evidence."""
    current = state()
    results = api.check(current.programme, host=current.plugins())
    if as_json:
        emit_json([check_json(result) for result in results])
        return
    _render.checks(console(), results)
