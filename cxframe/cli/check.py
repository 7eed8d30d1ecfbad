"""``cxframe check``: run every registered check."""

from __future__ import annotations

from typing import Any

import click

from cxframe import api
from cxframe.cli import _render
from cxframe.cli._common import common_options, console, emit_json, handle_errors, json_option, state
from cxframe.contracts import CheckResult


def check_json(result: CheckResult) -> dict[str, Any]:
    """The public JSON shape of a check result (DESIGN §11)."""
    return {
        "check": result.check,
        "plugin": result.plugin,
        "status": result.status.value,
        "severity": result.severity.value if result.severity else None,
        "title": result.title,
        "evidence": list(result.evidence),
        "recommendation": result.recommendation,
    }


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
