"""``cxframe actions``: the action register — list it, add to it, update it, and measure a finished action's effect."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from cxframe import ActionStatus, common_options, emit_json, handle_errors, json_option, state
from cxframe_improve import actions as register
from cxframe_improve.effect import DEFAULT_WINDOW_DAYS, ActionEffect

_STATUSES = "|".join(status.value for status in ActionStatus)


def _out() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _text(value: object) -> str:
    return "—" if value is None else str(value)


@click.group()
@common_options
def actions() -> None:
    """The action register in [[actions]] of cxframe.toml, and the effect of finished actions.

    `add` and `update` edit cxframe.toml keeping its comments and layout; see docs/improve.md.
    """


@actions.command("list")
@click.option("--overdue", is_flag=True, help="Only actions past their due date and not done or dropped.")
@json_option
@common_options
@handle_errors
def list_command(overdue: bool, as_json: bool) -> None:
    """List the register's actions, then the last assessment's proposals.

    \b
    JSON: a list of {id, title, kind: register|proposed, status, owner, due,
    overdue, done, metric, touchpoint, segment, finding, priority}.
    """
    current = state()
    found = register.action_register(current.programme, overdue=overdue, host=current.plugins())
    if as_json:
        emit_json([entry.to_json() for entry in found])
        return
    out = _out()
    if not found:
        out.print("no actions" + (" overdue" if overdue else ""))
        return
    table = Table()
    for header in ("id", "kind", "status", "owner", "due", "done", "metric", "title"):
        table.add_column(header, overflow="fold")
    for entry in found:
        status = f"{entry.status} (overdue)" if entry.overdue else entry.status
        table.add_row(
            entry.id,
            entry.kind,
            status,
            _text(entry.owner),
            _text(entry.due),
            _text(entry.done),
            _text(entry.metric),
            entry.title,
        )
    out.print(table, markup=False)
    registered = sum(entry.kind == "register" for entry in found)
    out.print(f"{registered} in the register, {len(found) - registered} proposed by the last assessment")


def _edit_options(function: Any) -> Any:
    for option in reversed(
        [
            click.option("--title", metavar="TEXT", help="What the action does."),
            click.option("--owner", metavar="NAME", help="Who is accountable for it."),
            click.option("--due", metavar="YYYY-MM-DD", help="When it is due."),
            click.option("--status", metavar=_STATUSES, help="Its status (--done alone sets done)."),
            click.option("--done", metavar="YYYY-MM-DD", help="The day it was finished (its effect counts from it)."),
            click.option("--metric", metavar="ID", help="The metric it should move."),
            click.option("--touchpoint", metavar="ID", help="The touchpoint it acts on."),
            click.option(
                "--segment", metavar="COLUMN=VALUE", multiple=True, help="The segment it acts on (e.g. region=North)."
            ),
            click.option("--finding", metavar="ID", help="The finding it answers."),
        ]
    ):
        function = option(function)
    return function


def _fields(**given: Any) -> dict[str, Any]:
    fields = {key: value for key, value in given.items() if value is not None}
    if not fields.get("segment"):
        fields.pop("segment", None)
    return fields


@actions.command("add")
@click.argument("action")
@_edit_options
@common_options
@handle_errors
def add_command(action: str, **given: Any) -> None:
    """Add ACTION to [[actions]] in cxframe.toml (--title required), keeping the file's comments and layout.

    The edited file is checked as a programme before it replaces the old one:
    an id already used, a done date in the future, an unknown touchpoint or
    metric is an error (exit 1) and the file is left as it was.
    """
    current = state()
    register.add_action(current.programme, action, host=current.plugins(), **_fields(**given))
    click.echo(f"action {action}: added to {current.programme / 'cxframe.toml'}")


@actions.command("update")
@click.argument("action")
@_edit_options
@common_options
@handle_errors
def update_command(action: str, **given: Any) -> None:
    """Change ACTION's fields in cxframe.toml, keeping the file's comments and layout.

    --done DATE marks it done on that day (status done unless --status says
    otherwise). ACTION may be a proposal of the last assessment (action:…, as
    `actions list` shows them): it is adopted into the register, as `actions
    adopt` does. An unknown id, or an edit that leaves an invalid programme,
    is an error (exit 1) and the file is left as it was.
    """
    current = state()
    if action.startswith(register.PROPOSED_PREFIX):
        _adopt(action, given)
        return
    updated = register.update_action(current.programme, action, host=current.plugins(), **_fields(**given))
    _, found = register.find_action(updated, action)
    done = f", done {found.done.isoformat()}" if found.done else ""
    click.echo(f"action {action}: {found.status.value}{done}")


@actions.command("adopt")
@click.argument("proposal")
@_edit_options
@common_options
@handle_errors
def adopt_command(proposal: str, **given: Any) -> None:
    """Take PROPOSAL, an action the last assessment proposed (action:…), into [[actions]] of cxframe.toml.

    It is written under its id without "action:" (action:check:X becomes
    check:X), with its title, owner, due date, finding, metric and
    touchpoint, and the options given over them; its status is planned unless
    --status says otherwise. Its finding keeps later assessments from
    proposing it again. The file's comments and layout are kept.
    """
    _adopt(proposal, given)


def _adopt(proposal: str, given: dict[str, Any]) -> None:
    current = state()
    updated = register.adopt_action(current.programme, proposal, host=current.plugins(), **_fields(**given))
    new_id = register.adopted_id(proposal)
    _, found = register.find_action(updated, new_id)
    owner = f", owner {found.owner}" if found.owner else ", no owner yet"
    due = f", due {found.due.isoformat()}" if found.due else ""
    click.echo(
        f"action {proposal}: adopted into {current.programme / 'cxframe.toml'} as {new_id}: {found.status.value}"
        f"{owner}{due}"
    )


@actions.command("effect")
@click.argument("action")
@click.option(
    "--window-days",
    type=int,
    default=DEFAULT_WINDOW_DAYS,
    show_default=True,
    help="Days before the done date, and from it, that are compared.",
)
@click.option(
    "--control",
    "control",
    multiple=True,
    metavar="NAME",
    help="A control touchpoint (or segment value); default: every other one with data in both windows.",
)
@json_option
@common_options
@handle_errors
def effect_command(action: str, window_days: int, control: tuple[str, ...], as_json: bool) -> None:
    """The effect of finished ACTION on its metric: after its done date against before, and against a control.

    \b
    JSON: {action, metric, before: {value, n, ci_low, ci_high}, after: {…},
    difference, ci_low, ci_high, p_value,
    did: {control, difference, ci_low, ci_high, p_value} | null, verdict,
    provisional, window_ends}: provisional is true while the after-window
    (ending on window_ends) is not over yet.
    An action without a done date or metric, or without answers in both
    windows, is an error (exit 1) that says so.
    """
    current = state()
    effect = register.action_effect(
        current.programme, action, window_days=window_days, control=control or None, host=current.plugins()
    )
    if as_json:
        emit_json(effect.to_json())
        return
    _show(effect)


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _show(effect: ActionEffect) -> None:
    out = _out()
    where = ", ".join(f"{k} = {v}" for k, v in effect.where.items()) or "all answers"
    day = dt.timedelta(days=1)
    start = effect.done - effect.window_days * day
    out.print(
        f"{effect.action}: {effect.metric} where {where}; done {effect.done.isoformat()}, "
        f"{effect.window_days} days each side: before {start.isoformat()}…{(effect.done - day).isoformat()}, "
        f"after {effect.done.isoformat()}…{effect.window_ends.isoformat()}"
        + (" (not over yet: PROVISIONAL, see below)" if effect.provisional else ""),
        markup=False,
    )
    table = Table()
    for header in ("", "value", "n", f"{effect.confidence:.0%} CI", "p"):
        table.add_column(header)
    for name, side in (("before", effect.before), ("after", effect.after)):
        table.add_row(name, _number(side.value), _text(side.n), f"{_number(side.ci_low)} … {_number(side.ci_high)}", "")
    rows = [("after − before", effect.difference, effect.ci_low, effect.ci_high, effect.p_value)]
    if effect.did is not None:
        rows.append(
            (
                "difference-in-differences",
                effect.did.difference,
                effect.did.ci_low,
                effect.did.ci_high,
                effect.did.p_value,
            )
        )
    for name, value, low, high, p in rows:
        table.add_row(name, _number(value), "", f"{_number(low)} … {_number(high)}", "—" if p is None else f"{p:.3g}")
    out.print(table, markup=False)
    if effect.did is not None:
        out.print(f"control: {', '.join(effect.did.control)}", markup=False)
    if effect.flags:
        out.print(f"flags: {', '.join(effect.flags)}", markup=False)
    out.print(effect.verdict, markup=False)
