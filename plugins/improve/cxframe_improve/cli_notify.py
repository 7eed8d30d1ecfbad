"""``cxframe loop notify``: send each owner their new and overdue cases (or, with ``--dry-run``, show them)."""

from __future__ import annotations

import click

from cxframe import common_options, emit_json, handle_errors, json_option, state
from cxframe_improve import api
from cxframe_improve.notify import NO_OWNER, AlertOutcome, AlertsNotDelivered, NotifyResult

#: what to add when no owner has a recipient (the docs' settings, shortest form)
EXAMPLE_RECIPIENTS = """\
[plugins.cxframe-improve.notify]
recipients = { default = "email:cx@example.com" }

[plugins.cxframe-improve.notify.email]
host = "smtp.example.com"
sender = "CX loop <cx-loop@example.com>"
"""


def _counts(alert: AlertOutcome) -> str:
    parts = [f"{len(alert.new)} new"] if alert.new else []
    parts += [f"{len(alert.overdue)} overdue"] if alert.overdue else []
    return ", ".join(parts)


def _where(alert: AlertOutcome) -> str:
    return f"{alert.notifier}:{alert.recipient}" if alert.recipient else alert.notifier


def _show(result: NotifyResult) -> None:
    if not result.alerts and result.unrouted:
        owners = sorted({owner or NO_OWNER for owner, _ in result.unrouted})
        click.echo(
            f"nothing to send: the owner{'' if len(owners) == 1 else 's'} of the open cases "
            f"({', '.join(owners)}) {'has' if len(owners) == 1 else 'have'} no recipient. Name them, or a default, "
            f"in cxframe.toml, e.g.:\n\n{EXAMPLE_RECIPIENTS}\n(see docs/improve.md#notifications)"
        )
    elif not result.alerts:
        click.echo("nothing to send: every owner with a recipient has been told about their open cases")
    for alert in result.alerts:
        line = f"to {alert.owner} ({_where(alert)}): {_counts(alert)}"
        if alert.status == "dry_run":
            click.echo(f"would send {line}")
            click.echo(f"  Subject: {alert.subject}")
            click.echo("\n".join(f"  {text}" if text else "" for text in alert.body.splitlines()))
            click.echo()
        elif alert.status == "sent":
            click.echo(f"sent {line}")
        else:
            click.echo(f"not sent {line}: {alert.error}")


@click.command("notify")
@click.option("--dry-run", is_flag=True, help="Show the alerts that would be sent; send nothing and record nothing.")
@json_option
@common_options
@handle_errors
def notify_command(dry_run: bool, as_json: bool) -> None:
    """Send each owner their new and overdue cases: one alert per recipient, never the same alert twice.

    Recipients and notifiers are set in [plugins.cxframe-improve.notify]
    (see docs/improve.md). An alert that could not be delivered marks
    nothing sent and is tried again on the next run; the command then
    exits 4.

    \b
    JSON: {dry_run, alerts: [{owner, notifier, recipient, new, overdue,
    status (sent|failed|dry_run), error, subject, body}],
    unrouted: [{owner, cases}]}
    """
    current = state()
    result = api.notify_owners(current.programme, dry_run=dry_run, host=current.plugins())
    if as_json:
        emit_json(result.to_json())
    else:
        _show(result)
    for owner, cases in result.unrouted:
        numbers = ", ".join(str(case) for case in cases)
        click.secho(
            f"warning: no recipient for {owner or NO_OWNER} (case{'' if len(cases) == 1 else 's'} {numbers}): "
            "name them, or a default, in [plugins.cxframe-improve.notify] recipients",
            fg="yellow",
            err=True,
        )
    failed = result.failed
    if failed:
        raise AlertsNotDelivered(
            f"{len(failed)} of {len(result.alerts)} alert(s) could not be delivered; nothing was marked sent "
            "for them, and the next `cxframe loop notify` tries again"
        )
