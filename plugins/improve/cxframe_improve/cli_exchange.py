"""``cxframe loop export`` and ``cxframe loop import``: the cases as CSV, for a CRM round trip."""

from __future__ import annotations

import click

from cxframe import common_options, emit_json, handle_errors, json_option, state
from cxframe_improve import exchange


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option("--open", "open_only", is_flag=True, help="Only open cases (status open or contacted).")
@click.option("--overdue", is_flag=True, help="Only open cases past their due time.")
@click.option("--owner", metavar="NAME", help="Only the cases of this owner.")
@common_options
@handle_errors
def export_command(file: str, open_only: bool, overdue: bool, owner: str | None) -> None:
    """Write the cases to FILE as CSV: the loop list columns, a header row, UTF-8.

    A text cell starting with = + - @ gets a leading ' so that a spreadsheet
    shows it instead of running it; loop import takes it off again.
    """
    current = state()
    written = exchange.export_cases(
        current.programme, file, open_only=open_only, overdue=overdue, owner=owner, host=current.plugins()
    )
    click.echo(f"{written} case(s) written to {file}")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@json_option
@common_options
@handle_errors
def import_command(file: str, as_json: bool) -> None:
    """Read FILE (a loop export, edited) back: changed status, root cause or resolution become updates.

    All or nothing: a missing column, a case that does not exist, a status
    that is not one (open, contacted, resolved, no_response), a case on two
    rows or text that is not UTF-8 is listed with its line (the header is
    line 1), nothing is applied, and the exit code is 1. An empty root cause
    or resolution keeps what was recorded.

    \b
    JSON: {file, rows, changed: [case numbers]}.
    """
    current = state()
    result = exchange.import_cases(current.programme, file, host=current.plugins())
    if as_json:
        emit_json(result.to_json())
        return
    changed = ", ".join(str(case) for case in result.changed)
    click.echo(f"{len(result.changed)} of {result.rows} case(s) changed" + (f": {changed}" if result.changed else ""))
