"""``cxframe loop notify``: tell each owner about their new and overdue cases, once.

For every owner with open cases, and for each of the owner's destinations
(``[plugins.cxframe-improve.notify] recipients``), one `cxframe.AlertMessage`
lists the cases that destination has not been told about yet: **new** ones
(open, not yet alerted) and **overdue** ones (open and past due, not yet
alerted as overdue; a case first alerted when already overdue is listed
once, as overdue, and counts as told both ways). Each message goes to its
notifier (`cxframe.Notifier.deliver`); what was delivered is recorded in the
store as ``(case, kind, notifier, recipient)``, so no alert is sent twice,
and every attempt — delivered or not, with the reason — is kept in the send
log. A message that was not delivered marks nothing: the next run sends it
again.

A run never holds the store's write lock while it sends (a slow mail server
would hold up every collect): in one short write transaction it picks the
alerts and **claims** them (``improve_alert_claims``, with its run id and
the time), sends them outside any transaction, then in a second short
transaction records what was delivered and drops its claims. A second run
started meanwhile counts claimed alerts as told, so two runs at once never
send the same alert. A claim older than `CLAIM_LEASE` belongs to a run that
was killed while sending, and no longer counts: its alerts are sent again
(at least once, never lost).

An alert carries only what its owner needs to act: the case number, metric,
score, touchpoint, due time, respondent id and the comment shortened to
``comment_chars``; no other respondent field (see docs/data-protection.md).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from cxframe import AlertMessage, CxframeError, Delivery, InvalidInput, Notifier, Store, mask_personal_data
from cxframe_improve.cases import CASES, LoopCase, list_cases, parse_stored, ready, stored_time
from cxframe_improve.notifiers import PREFIX, Destination, NotifySettings
from cxframe_improve.settings import OPEN_STATUSES

SENDS = "improve_alert_sends"
SENT = "improve_alerts_sent"
CLAIMS = "improve_alert_claims"
#: How long a run's claim on the alerts it is sending keeps other runs off them: far longer than any send takes
#: (each server has its timeout), so only a run killed mid-send leaves claims this old.
CLAIM_LEASE = dt.timedelta(hours=1)
NEW = "new"
OVERDUE = "overdue"
#: how an owner-less case's alerts are addressed
NO_OWNER = "(no owner)"


class AlertsNotDelivered(CxframeError):
    """Some alerts could not be delivered (exit code 4); they are sent again on the next run."""

    exit_code = 4


@attrs.frozen
class AlertOutcome:
    """One alert: to whom and where, which cases it lists, and what became of it."""

    owner: str
    notifier: str
    recipient: str
    subject: str
    body: str
    new: tuple[int, ...]
    overdue: tuple[int, ...]
    #: ``sent``, ``failed`` or ``dry_run`` (shown, not sent, nothing recorded)
    status: str
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "notifier": self.notifier,
            "recipient": self.recipient or None,
            "new": list(self.new),
            "overdue": list(self.overdue),
            "status": self.status,
            "error": self.error,
            "subject": self.subject,
            "body": self.body,
        }


@attrs.frozen
class NotifyResult:
    """What ``cxframe loop notify`` did: the alerts, and the owners whose open cases have nowhere to go."""

    dry_run: bool
    alerts: tuple[AlertOutcome, ...] = ()
    #: ``(owner, open case numbers)`` for owners without a recipient route (and no default)
    unrouted: tuple[tuple[str | None, tuple[int, ...]], ...] = ()

    @property
    def failed(self) -> list[AlertOutcome]:
        return [alert for alert in self.alerts if alert.status == "failed"]

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "alerts": [alert.to_json() for alert in self.alerts],
            "unrouted": [{"owner": owner, "cases": list(cases)} for owner, cases in self.unrouted],
        }


def shorten(text: str | None, limit: int) -> str | None:
    """A comment on one line, at most ``limit`` characters (``…`` marks a cut); None when empty or ``limit`` is 0."""
    if not text or limit <= 0:
        return None
    flat = " ".join("".join(c if c.isprintable() else " " for c in mask_personal_data(text)).split())
    if not flat:
        return None
    return flat if len(flat) <= limit else flat[: max(limit - 1, 0)].rstrip() + "…"


def _due(case: LoopCase) -> str:
    return parse_stored(case.due).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def case_item(case: LoopCase, comment_chars: int) -> dict[str, Any]:
    """What an alert says about a case: no more than its owner needs to act."""
    return {
        "case": case.case,
        "metric": case.metric,
        "score": case.score,
        "touchpoint": case.touchpoint,
        "due": case.to_json()["due"],
        "respondent_id": case.respondent_id,
        "comment": shorten(case.comment, comment_chars),
    }


def _line(case: LoopCase, comment_chars: int) -> str:
    score = "—" if case.score is None else f"{case.score:g}"
    parts = [f"Case {case.case}", f"{case.metric} {score}"]
    if case.touchpoint:
        parts.append(case.touchpoint)
    parts.append(f"due {_due(case)}")
    if case.respondent_id:
        parts.append(f"respondent {case.respondent_id}")
    line = "- " + " · ".join(parts)
    comment = shorten(case.comment, comment_chars)
    return line + (f'\n  "{comment}"' if comment else "")


def _count(number: int, what: str) -> str:
    return f"{number} {what} case{'' if number == 1 else 's'}"


def compose(
    programme_name: str,
    owner: str,
    destination: Destination,
    new: Sequence[LoopCase],
    overdue: Sequence[LoopCase],
    comment_chars: int,
) -> AlertMessage:
    """The alert for one owner at one destination: their overdue cases first, then the new ones."""
    counts = [_count(len(overdue), "overdue")] if overdue else []
    counts += [_count(len(new), "new")] if new else []
    subject = f"{programme_name}: {' and '.join(counts)} to follow up — {owner}"
    lines = [f"Hello {owner},", "", "these closed-loop cases are yours to follow up."]
    if overdue:
        lines += ["", "Overdue (past their due time):", *(_line(case, comment_chars) for case in overdue)]
    if new:
        lines += ["", "New:", *(_line(case, comment_chars) for case in new)]
    lines += [
        "",
        "Record what you did: cxframe loop update CASE --status contacted|resolved|no_response",
        f"Your open cases: cxframe loop list --open --owner {json.dumps(owner, ensure_ascii=False)}",
    ]
    return AlertMessage(
        owner=owner,
        recipient=destination.address,
        subject=subject,
        body="\n".join(lines),
        cases=tuple(case.case for case in (*overdue, *new)),
        data={
            "programme": programme_name,
            "overdue": [case_item(case, comment_chars) for case in overdue],
            "new": [case_item(case, comment_chars) for case in new],
        },
    )


def _told(store: Store) -> set[tuple[int, str, str, str]]:
    """``(case, kind, notifier, recipient)`` already delivered, for the open cases."""
    rows = store.db.execute(
        f"SELECT s.case_id, s.kind, s.notifier, s.recipient FROM {SENT} AS s JOIN {CASES} AS c ON c.id = s.case_id "
        f"WHERE c.status IN ({', '.join('?' * len(OPEN_STATUSES))})",
        list(OPEN_STATUSES),
    ).fetchall()
    return {(case, kind, notifier, recipient) for case, kind, notifier, recipient in rows}


@attrs.frozen
class _Planned:
    message: AlertMessage
    destination: Destination
    new: tuple[int, ...]
    overdue: tuple[int, ...]


def _plan(
    programme_name: str,
    settings: NotifySettings,
    open_cases: Sequence[LoopCase],
    told: set[tuple[int, str, str, str]],
    now: dt.datetime,
) -> tuple[list[_Planned], list[tuple[str | None, tuple[int, ...]]]]:
    by_owner: dict[str | None, list[LoopCase]] = {}
    for case in open_cases:
        by_owner.setdefault(case.owner, []).append(case)
    planned: list[_Planned] = []
    unrouted: list[tuple[str | None, tuple[int, ...]]] = []
    # owners by name, owner-less cases last
    for owner in sorted(by_owner, key=lambda name: (name is None, name or "")):
        cases = by_owner[owner]
        destinations = settings.destinations(owner)
        if not destinations:
            unrouted.append((owner, tuple(case.case for case in cases)))
            continue
        for destination in destinations:
            where = (destination.notifier, destination.address)
            overdue = [case for case in cases if case.overdue(now) and (case.case, OVERDUE, *where) not in told]
            late = {case.case for case in overdue}
            new = [case for case in cases if case.case not in late and (case.case, NEW, *where) not in told]
            new = [case for case in new if not case.overdue(now)]
            if not overdue and not new:
                continue
            name = owner if owner is not None else NO_OWNER
            message = compose(programme_name, name, destination, new, overdue, settings.comment_chars)
            planned.append(_Planned(message, destination, tuple(c.case for c in new), tuple(c.case for c in overdue)))
    return planned, unrouted


def _unknown_notifiers(planned: Iterable[_Planned], settings: NotifySettings, known: Sequence[str]) -> list[str]:
    problems = []
    wanted = {item.destination.notifier for item in planned}
    for notifier in sorted(wanted - set(known)):
        owners = sorted(
            owner
            for owner, destinations in [*settings.recipients.items(), ("default", settings.default)]
            if any(destination.notifier == notifier for destination in destinations)
        )
        hint = {"email": f" (configure [{PREFIX}.email])", "webhook": f" (configure [{PREFIX}.webhook])"}
        problems.append(
            f"{PREFIX}.recipients ({', '.join(owners)}): no notifier {notifier!r} is registered"
            f"{hint.get(notifier, '')}; known: {', '.join(sorted(known)) or 'none'}"
        )
    return problems


def _record(store: Store, item: _Planned, delivery: Delivery, at: str) -> None:
    destination = item.destination
    cursor = store.db.execute(
        f"INSERT INTO {SENDS} (at, owner, notifier, recipient, cases, sent, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            at,
            item.message.owner,
            destination.notifier,
            destination.address,
            json.dumps(list(item.message.cases)),
            int(delivery.sent),
            delivery.error,
        ],
    )
    if not delivery.sent:
        return
    told = _told_by(item)
    store.db.conn.executemany(
        f"INSERT OR IGNORE INTO {SENT} (case_id, kind, notifier, recipient, sent, send_id) VALUES (?, ?, ?, ?, ?, ?)",
        [(case, kind, destination.notifier, destination.address, at, cursor.lastrowid) for case, kind in told],
    )


def notify(
    store: Store,
    settings: NotifySettings,
    notifiers: dict[str, Notifier],
    now: dt.datetime,
    *,
    programme_name: str,
    dry_run: bool = False,
) -> NotifyResult:
    """Send each owner's alerts (or, with ``dry_run``, say what would be sent and record nothing)."""
    if not dry_run:
        store.require_writable("cxframe loop notify")
    if not ready(store):  # a read-only store without the tables: no cases, nothing told
        return NotifyResult(dry_run)
    if dry_run:
        planned, unrouted = _pick(store, settings, notifiers, now, programme_name)
        return NotifyResult(True, tuple(_outcome(item, "dry_run") for item in planned), tuple(unrouted))
    run = uuid.uuid4().hex
    # pick and claim in one short write transaction: a second run started meanwhile finds these claimed
    with store.writing():
        planned, unrouted = _pick(store, settings, notifiers, now, programme_name)
        _check_secrets(planned, settings)  # a missing password claims nothing and sends nothing
        _claim(store, planned, run)
    # send outside any transaction: a slow or unreachable server holds up no collect and no update
    delivered: dict[int, tuple[Delivery, str]] = {}
    try:
        for notifier_id in dict.fromkeys(item.destination.notifier for item in planned):
            batch = [(index, item) for index, item in enumerate(planned) if item.destination.notifier == notifier_id]
            deliveries = notifiers[notifier_id].deliver([item.message for _, item in batch])
            at = stored_time(dt.datetime.now(dt.UTC))
            for (index, _), delivery in zip(batch, deliveries, strict=True):
                delivered[index] = (delivery, at)
    finally:
        # record what was delivered and release the claims in one short transaction (also when interrupted)
        with store.writing():
            for index in sorted(delivered):
                _record(store, planned[index], *delivered[index])
            store.db.execute(f"DELETE FROM {CLAIMS} WHERE run = ?", [run])
    outcomes = [
        _outcome(item, "sent" if delivered[index][0].sent else "failed", delivered[index][0].error)
        for index, item in enumerate(planned)
    ]
    return NotifyResult(False, tuple(outcomes), tuple(unrouted))


def _claimed(store: Store) -> set[tuple[int, str, str, str]]:
    """``(case, kind, notifier, recipient)`` another run is sending now (claims younger than `CLAIM_LEASE`)."""
    since = stored_time(dt.datetime.now(dt.UTC) - CLAIM_LEASE)
    rows = store.db.execute(
        f"SELECT case_id, kind, notifier, recipient FROM {CLAIMS} WHERE claimed >= ?", [since]
    ).fetchall()
    return {(case, kind, notifier, recipient) for case, kind, notifier, recipient in rows}


def _told_by(item: _Planned) -> list[tuple[int, str]]:
    # an overdue case first alerted now counts as told about both: it is never sent later as "new"
    return [(case, kind) for case in item.overdue for kind in (OVERDUE, NEW)] + [(case, NEW) for case in item.new]


def _claim(store: Store, planned: Sequence[_Planned], run: str) -> None:
    now = dt.datetime.now(dt.UTC)
    at = stored_time(now)
    # expired claims (runs killed while sending) count for nothing: drop them
    store.db.execute(f"DELETE FROM {CLAIMS} WHERE claimed < ?", [stored_time(now - CLAIM_LEASE)])
    # OR REPLACE: a stale claim of the same alert (a run killed while sending) is taken over
    store.db.conn.executemany(
        f"INSERT OR REPLACE INTO {CLAIMS} (case_id, kind, notifier, recipient, claimed, run) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (case, kind, item.destination.notifier, item.destination.address, at, run)
            for item in planned
            for case, kind in _told_by(item)
        ],
    )


def _pick(
    store: Store, settings: NotifySettings, notifiers: dict[str, Notifier], now: dt.datetime, programme_name: str
) -> tuple[list[_Planned], list[tuple[str | None, tuple[int, ...]]]]:
    """The alerts to send now: every open case's, less what was told or is being sent by another run."""
    open_cases = list_cases(store, now, open_only=True)
    planned, unrouted = _plan(programme_name, settings, open_cases, _told(store) | _claimed(store), now)
    problems = _unknown_notifiers(planned, settings, list(notifiers))
    if problems:
        raise InvalidInput(problems)
    return planned, unrouted


def _outcome(item: _Planned, status: str, error: str | None = None) -> AlertOutcome:
    message = item.message
    return AlertOutcome(
        message.owner,
        item.destination.notifier,
        item.destination.address,
        message.subject,
        message.body,
        item.new,
        item.overdue,
        status,
        error,
    )


def _check_secrets(planned: Sequence[_Planned], settings: NotifySettings) -> None:
    """Before anything is sent: the built-in notifiers' secrets are in their environment variables."""
    used = {item.destination.notifier for item in planned}
    if "email" in used and settings.email is not None:
        settings.email.password()
    if "webhook" in used and settings.webhook is not None:
        settings.webhook.target()


def send_log(store: Store) -> list[dict[str, Any]]:
    """Every alert attempt, oldest first: ``{at, owner, notifier, recipient, cases, sent, error}``."""
    if not ready(store):
        return []
    rows = store.db.execute(
        f"SELECT at, owner, notifier, recipient, cases, sent, error FROM {SENDS} ORDER BY id"
    ).fetchall()
    return [
        {
            "at": parse_stored(at).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "owner": owner,
            "notifier": notifier,
            "recipient": recipient or None,
            "cases": json.loads(cases),
            "sent": bool(sent),
            "error": error,
        }
        for at, owner, notifier, recipient, cases, sent, error in rows
    ]
