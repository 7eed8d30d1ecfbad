"""``cxframe loop``: the closed loop's cases — list them, update them, read their history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from cxframe import common_options, emit_json, handle_errors, json_option, load_programme, state
from cxframe_improve import api
from cxframe_improve.cases import CaseUpdate, LoopCase, parse_stored
from cxframe_improve.cli_notify import notify_command
from cxframe_improve.settings import UPDATE_STATUSES, load_rules


def _out() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _text(value: object) -> str:
    return "—" if value is None else str(value)


@click.group()
@common_options
def loop() -> None:
    """The closed loop: a case with an owner and a deadline for each unhappy answer.

    Cases are opened by `cxframe collect` from the rules in
    [[plugins.cxframe-improve.loop]] (metric, at_or_below, sla_hours, since,
    owners); see docs/improve.md.
    """


@loop.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only open cases (status open or contacted).")
@click.option("--overdue", is_flag=True, help="Only open cases past their due time.")
@click.option("--owner", metavar="NAME", help="Only the cases of this owner.")
@json_option
@common_options
@handle_errors
def list_command(open_only: bool, overdue: bool, owner: str | None, as_json: bool) -> None:
    """List the loop's cases, oldest first.

    \b
    JSON: a list of {case, source, response_id, respondent_id, metric, score,
    comment, touchpoint, opened, due, owner, status, root_cause, resolution,
    closed}; times are UTC ISO-8601, opened is when the customer answered.
    """
    current = state()
    now = dt.datetime.now(dt.UTC)
    found = api.loop_cases(
        current.programme, open_only=open_only, overdue=overdue, owner=owner, now=now, host=current.plugins()
    )
    if as_json:
        emit_json([case.to_json() for case in found])
        return
    if not found and not (open_only or overdue or owner):
        click.echo(_why_empty(current.programme))
        return
    _table(found, now)


#: what to add when the programme file has no loop rules (the docs' first rule)
EXAMPLE_RULE = """\
[[plugins.cxframe-improve.loop]]
metric = "nps"
at_or_below = 6             # detractors
sla_hours = 48
owners = { default = "CX team" }"""


def _why_empty(folder: Path) -> str:
    """Why there is no case: no loop rules (and the TOML to add), or no answer has met them yet."""
    rules = load_rules(load_programme(folder))
    if not rules:
        return (
            "no loop rules in cxframe.toml, so no cases: cxframe collect opens a case for each answer a rule "
            f"qualifies. Add one, e.g.:\n\n{EXAMPLE_RULE}\n\nthen run cxframe collect (see docs/improve.md)"
        )
    said = ", ".join(f"{rule.metric} at or below {rule.at_or_below:g}" for rule in rules)
    return f"no cases: no stored answer meets the loop rules ({said}) yet; cxframe collect opens them"


def _minute(stored: str) -> str:
    """A due time as a table reads it: UTC to the minute (the JSON keeps the seconds)."""
    return parse_stored(stored).strftime("%Y-%m-%d %H:%M")


def _table(found: list[LoopCase], now: dt.datetime) -> None:
    out = _out()
    if not found:
        out.print("no cases match")
        return
    table = Table()
    for header in ("case", "metric", "score", "touchpoint", "owner", "due", "status", "comment"):
        table.add_column(header, overflow="fold")
    for case in found:
        status = f"{case.status} (overdue)" if case.overdue(now) else case.status
        table.add_row(
            str(case.case),
            case.metric,
            _text(case.score if case.score is None else f"{case.score:g}"),
            _text(case.touchpoint),
            _text(case.owner),
            _minute(case.due),
            status,
            _text(case.shown_comment),
        )
    out.print(table, markup=False)
    out.print(f"{len(found)} case(s); due times in UTC")


@loop.command("update")
@click.argument("case")
@click.option(
    "--status",
    required=True,
    metavar="|".join(UPDATE_STATUSES),
    help="The case's new status (open is where it starts).",
)
@click.option("--root-cause", metavar="TEXT", help="What caused the customer's experience.")
@click.option("--resolution", metavar="TEXT", help="What was done about it.")
@click.option("--note", metavar="TEXT", help="A note kept in the case's history.")
@json_option
@common_options
@handle_errors
def update_command(
    case: str, status: str, root_cause: str | None, resolution: str | None, note: str | None, as_json: bool
) -> None:
    """Update CASE: its status, root cause and resolution; the change is kept in its history.

    resolved and no_response close the case; contacted keeps it open. A case
    that does not exist or a status that is not one is an error (exit 1) and
    changes nothing.
    """
    current = state()
    updated = api.update_case(
        current.programme,
        case,
        status,
        root_cause=root_cause,
        resolution=resolution,
        note=note,
        host=current.plugins(),
    )
    if as_json:
        emit_json(updated.to_json())
        return
    click.echo(
        f"case {updated.case}: {updated.status}" + (f", closed {updated.to_json()['closed']}" if updated.closed else "")
    )


@loop.command("history")
@click.argument("case")
@json_option
@common_options
@handle_errors
def history_command(case: str, as_json: bool) -> None:
    """Every change of CASE with its time, its opening first.

    \b
    JSON: a list of {case, at, status, root_cause, resolution, note}.
    """
    current = state()
    entries = api.case_history(current.programme, case, host=current.plugins())
    if as_json:
        emit_json([entry.to_json() for entry in entries])
        return
    _history(entries)


def _history(entries: list[CaseUpdate]) -> None:
    table = Table()
    for header in ("at", "status", "root cause", "resolution", "note"):
        table.add_column(header, overflow="fold")
    for entry in entries:
        shown = entry.to_json()
        table.add_row(shown["at"], entry.status, _text(entry.root_cause), _text(entry.resolution), _text(entry.note))
    _out().print(table, markup=False)


# cxframe loop notify: alerts to owners, in its own module
loop.add_command(notify_command)
