"""The plugin's Python API: one function per task, each taking the programme folder.

>>> import cxframe_improve
>>> cxframe_improve.loop_cases("my-programme", overdue=True)               # doctest: +SKIP
>>> cxframe_improve.update_case("my-programme", 12, "resolved", resolution="Refund sent")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cxframe import PluginHost, Programme, open_programme
from cxframe_improve import cases, notify
from cxframe_improve.cases import CaseUpdate, LoopCase
from cxframe_improve.notifiers import load_notify_settings
from cxframe_improve.notify import NotifyResult
from cxframe_improve.settings import load_rules

ProgrammeLike = str | Path | Programme


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    return now if now.tzinfo else now.replace(tzinfo=dt.UTC)


def open_loop_cases(
    programme: ProgrammeLike = ".", *, now: dt.datetime | None = None, host: PluginHost | None = None
) -> int:
    """Open the cases the loop rules call for (what ``cxframe collect`` does after storing); return how many.

    ``since`` counts back from ``now`` (default: the current time). An answer
    that already has a case opens none. Like a collect, it then resolves the
    open cases the event logs close (`close_loop_cases`).
    """
    with open_programme(programme, host) as opened:
        opened.store.require_writable("opening loop cases")
        rules = load_rules(opened.programme)
        metrics = cases.metric_questions(opened.programme, rules, opened.registry.metrics)
        count = cases.open_cases(opened.store, rules, metrics, _now(now))
        cases.close_from_events(opened.store, rules)
        return count


def close_loop_cases(programme: ProgrammeLike = ".", *, host: PluginHost | None = None) -> int:
    """Resolve the open cases whose customer's event log shows a rule's ``closed_by`` activity; return how many.

    What ``cxframe collect`` does after opening cases: each is resolved at
    its closing event's time, with a history note naming the event; a case
    someone already updated keeps that update.

    >>> cxframe_improve.close_loop_cases("my-programme")  # doctest: +SKIP
    7
    """
    with open_programme(programme, host) as opened:
        opened.store.require_writable("closing loop cases")
        return cases.close_from_events(opened.store, load_rules(opened.programme))


def loop_cases(
    programme: ProgrammeLike = ".",
    *,
    open_only: bool = False,
    overdue: bool = False,
    owner: str | None = None,
    now: dt.datetime | None = None,
    host: PluginHost | None = None,
) -> list[LoopCase]:
    """The loop's cases, oldest first (``LoopCase.to_json`` gives the ``loop list --json`` shape).

    ``open_only``: status open or contacted; ``overdue``: open and past due at
    ``now`` (default: the current time); ``owner``: that owner's cases only.
    """
    with open_programme(programme, host) as opened:
        return cases.list_cases(opened.store, _now(now), open_only=open_only, overdue=overdue, owner=owner)


def update_case(
    programme: ProgrammeLike,
    case: int | str,
    status: str,
    *,
    root_cause: str | None = None,
    resolution: str | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
    host: PluginHost | None = None,
) -> LoopCase:
    """Set a case's status (contacted, resolved, no_response), keeping the change in its history; return the case.

    A case id that does not exist or a status that is not one raises
    `cxframe.InvalidInput` and changes nothing.
    """
    with open_programme(programme, host) as opened:
        return cases.update(
            opened.store, case, status, _now(now), root_cause=root_cause, resolution=resolution, note=note
        )


def case_history(programme: ProgrammeLike, case: int | str, *, host: PluginHost | None = None) -> list[CaseUpdate]:
    """Every change of a case, oldest first (its opening first)."""
    with open_programme(programme, host) as opened:
        return cases.history(opened.store, case)


# --- alerts (cxframe loop notify) ---------------------------------------------------------


def notify_owners(
    programme: ProgrammeLike = ".",
    *,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    host: PluginHost | None = None,
) -> NotifyResult:
    """Send each owner their new and overdue cases, once per destination; return what was sent or failed.

    Destinations come from ``[plugins.cxframe-improve.notify] recipients``,
    notifiers from the ``register_notifiers`` hook (the built-in ``email`` and
    ``webhook`` when configured). What was delivered is recorded and never
    sent again; an alert that failed marks nothing and is sent on the next
    call. ``dry_run``: build the alerts, send and record nothing.
    ``NotifyResult.failed`` lists the alerts not delivered.

    >>> result = cxframe_improve.notify_owners("my-programme")   # doctest: +SKIP
    >>> [(alert.owner, alert.status) for alert in result.alerts]  # doctest: +SKIP
    """
    with open_programme(programme, host) as opened:
        settings = load_notify_settings(opened.programme)
        notifiers = {id: opened.registry.notifiers.get(id) for id in opened.registry.notifiers.ids()}
        return notify.notify(
            opened.store, settings, notifiers, _now(now), programme_name=opened.programme.name, dry_run=dry_run
        )


def alert_log(programme: ProgrammeLike = ".", *, host: PluginHost | None = None) -> list[dict[str, Any]]:
    """Every alert attempt, oldest first: ``{at, owner, notifier, recipient, cases, sent, error}``."""
    with open_programme(programme, host) as opened:
        return notify.send_log(opened.store)
