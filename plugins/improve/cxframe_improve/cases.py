"""Loop cases in the store: the plugin's own tables, opening cases after a collect, listing and updating them.

Tables (created through `cxframe.Store.apply_plugin_migrations`, owner
``cxframe-improve``):

* ``improve_cases`` — one row per case, unique by the answer it follows up
  (``answer_key``, the observation's key: its response and question), so an
  answer never opens two cases, whatever the re-collects and rules;
* ``improve_case_history`` — one row per change of a case (its opening
  included), with the time it was made;
* ``improve_case_numbers`` — the highest case number ever given, once a
  ``cxframe forget`` has deleted cases: a number is never given twice (an
  alert, or a CRM row that ``loop import`` reads back, names a case by it).

Times are stored as the store stores them (UTC ISO-8601 with six fraction
digits, so that text order is time order) and shown to the second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from cxframe import InvalidInput, Programme, RegisteredMetrics, Store, mask_personal_data, utc_text
from cxframe_improve import views
from cxframe_improve.settings import NEW_STATUS, OPEN_STATUSES, SETTINGS, UPDATE_STATUSES, LoopRule

CASES = "improve_cases"
HISTORY = "improve_case_history"
NUMBERS = "improve_case_numbers"

#: The plugin's schema steps, in order; released steps are never edited (a change is a new step).
MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "0001_cases",
        (
            f"CREATE TABLE {CASES} (id INTEGER PRIMARY KEY, answer_key TEXT NOT NULL UNIQUE, source TEXT, "
            "response_id TEXT, respondent_id TEXT, metric TEXT NOT NULL, score REAL, comment TEXT, touchpoint TEXT, "
            "opened TEXT NOT NULL, due TEXT NOT NULL, owner TEXT, status TEXT NOT NULL, root_cause TEXT, "
            "resolution TEXT, closed TEXT, created TEXT NOT NULL)",
            f"CREATE INDEX {CASES}_status_due ON {CASES} (status, due)",
            f"CREATE TABLE {HISTORY} (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES {CASES}(id), "
            "at TEXT NOT NULL, status TEXT NOT NULL, root_cause TEXT, resolution TEXT, note TEXT)",
            f"CREATE INDEX {HISTORY}_case ON {HISTORY} (case_id, id)",
        ),
    ),
    # loop notify (cxframe_improve.notify): every alert attempt, and what each destination has been told
    (
        "0002_alerts",
        (
            "CREATE TABLE improve_alert_sends (id INTEGER PRIMARY KEY, at TEXT NOT NULL, owner TEXT NOT NULL, "
            "notifier TEXT NOT NULL, recipient TEXT NOT NULL, cases TEXT NOT NULL, sent INTEGER NOT NULL, error TEXT)",
            f"CREATE TABLE improve_alerts_sent (case_id INTEGER NOT NULL REFERENCES {CASES}(id), kind TEXT NOT NULL, "
            "notifier TEXT NOT NULL, recipient TEXT NOT NULL, sent TEXT NOT NULL, "
            "send_id INTEGER NOT NULL REFERENCES improve_alert_sends(id), PRIMARY KEY (case_id, kind, notifier, recipient))",
        ),
    ),
    # the loop metrics' views over the cases (#24): cxframe_improve.views
    views.STEP,
    # loop notify sends outside the write lock: the alerts a run is sending are claimed meanwhile (notify.CLAIMS)
    (
        "0004_alert_claims",
        (
            "CREATE TABLE improve_alert_claims (case_id INTEGER NOT NULL, kind TEXT NOT NULL, notifier TEXT NOT NULL, "
            "recipient TEXT NOT NULL, claimed TEXT NOT NULL, run TEXT NOT NULL, "
            "PRIMARY KEY (case_id, kind, notifier, recipient))",
        ),
    ),
    # cxframe forget deletes a forgotten source's cases: their numbers are not given again (cxframe_improve.forget)
    (
        "0005_case_numbers",
        (f"CREATE TABLE {NUMBERS} (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL)",),
    ),
)

#: A case's stored columns, in the order of ``loop list --json`` (which names ``id`` ``case``).
COLUMNS = (
    "id",
    "source",
    "response_id",
    "respondent_id",
    "metric",
    "score",
    "comment",
    "touchpoint",
    "opened",
    "due",
    "owner",
    "status",
    "root_cause",
    "resolution",
    "closed",
)


def ready(store: Store) -> bool:
    """Create or update the plugin's tables; whether they can be read (False: a read-only store without them)."""
    return not store.apply_plugin_migrations(SETTINGS, MIGRATIONS)


def stored_time(moment: dt.datetime) -> str:
    """A time as the store keeps it (UTC, sortable text)."""
    return utc_text(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))[0]


def parse_stored(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def shown_time(text: str | None) -> str | None:
    """A stored time as people and JSON read it: ``2026-03-01T08:30:00Z``."""
    if text is None:
        return None
    return parse_stored(text).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@attrs.frozen
class LoopCase:
    """One case of the closed loop: an unhappy answer to follow up, with its owner, deadline and outcome."""

    case: int
    source: str | None
    response_id: str | None
    respondent_id: str | None
    metric: str
    score: float | None
    comment: str | None
    touchpoint: str | None
    #: when the customer answered (the SLA counts from then)
    opened: str
    due: str
    owner: str | None
    status: str
    root_cause: str | None
    resolution: str | None
    closed: str | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, now: dt.datetime) -> bool:
        """Open and past its due time at ``now``."""
        return self.is_open and parse_stored(self.due) < now

    @property
    def shown_comment(self) -> str | None:
        """The comment as every output shows it: phone numbers, e-mail addresses and ID numbers masked."""
        return None if self.comment is None else mask_personal_data(self.comment)

    def to_json(self) -> dict[str, Any]:
        """The public shape of ``cxframe loop list --json`` (DESIGN §11); the comment masked (`shown_comment`)."""
        return {
            "case": self.case,
            "source": self.source,
            "response_id": self.response_id,
            "respondent_id": self.respondent_id,
            "metric": self.metric,
            "score": self.score,
            "comment": self.shown_comment,
            "touchpoint": self.touchpoint,
            "opened": shown_time(self.opened),
            "due": shown_time(self.due),
            "owner": self.owner,
            "status": self.status,
            "root_cause": self.root_cause,
            "resolution": self.resolution,
            "closed": shown_time(self.closed),
        }


@attrs.frozen
class CaseUpdate:
    """One entry of a case's history: what was set, when (the first entry is its opening)."""

    case: int
    at: str
    status: str
    root_cause: str | None = None
    resolution: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "at": shown_time(self.at),
            "status": self.status,
            "root_cause": self.root_cause,
            "resolution": self.resolution,
            "note": self.note,
        }


def _case(row: Sequence[Any]) -> LoopCase:
    return LoopCase(*row)


def open_cases(store: Store, rules: Sequence[LoopRule], metrics: dict[str, tuple[str, str]], now: dt.datetime) -> int:
    """Open a case for every qualifying answer that has none yet; return how many were opened.

    ``metrics`` maps each rule's metric to its ``(question, population)``.
    Rules are applied in the order written: an answer two rules qualify is
    opened once, by the first (its SLA and owners).
    """
    if not rules or not ready(store):
        return 0
    created = stored_time(now)
    db = store.db
    with store.writing():
        before = given(store)
        number = before
        for rule in rules:
            question, population = metrics[rule.metric]
            cutoff = stored_time(rule.cutoff(now))
            cursor = db.execute(
                "SELECT * FROM observations AS o WHERE question = ? AND population = ? AND value <= ? "
                f"AND timestamp >= ? AND NOT EXISTS (SELECT 1 FROM {CASES} AS c WHERE c.answer_key = o.key) "
                "ORDER BY timestamp, key",
                [question, population, rule.at_or_below, cutoff],
            )
            names = [d[0] for d in cursor.description]
            answers = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
            # an earlier rule's cases are already there: the NOT EXISTS above leaves their answers out;
            # numbered here rather than by SQLite, which would give a forgotten case's number again
            db.conn.executemany(
                f"INSERT OR IGNORE INTO {CASES} (id, answer_key, source, response_id, respondent_id, metric, score, "
                "comment, touchpoint, opened, due, owner, status, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        number + place,
                        answer["key"],
                        answer["source"],
                        answer["response_id"],
                        answer["respondent_id"],
                        rule.metric,
                        answer["value"],
                        answer["comment"],
                        answer["touchpoint"],
                        answer["timestamp"],
                        stored_time(parse_stored(answer["timestamp"]) + dt.timedelta(hours=rule.sla_hours)),
                        rule.owner_for(answer),
                        NEW_STATUS,
                        created,
                    )
                    for place, answer in enumerate(answers, start=1)
                ],
            )
            number += len(answers)
        # every case opened now starts its history, in one statement
        opened = db.execute(
            f"INSERT INTO {HISTORY} (case_id, at, status) SELECT id, ?, ? FROM {CASES} WHERE id > ? ORDER BY id",
            [created, NEW_STATUS, before],
        ).rowcount
    return opened


def given(store: Store) -> int:
    """The highest case number given so far, deleted cases included (0 before the first case)."""
    db = store.db
    last = db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {CASES}").fetchone()[0]
    forgotten = db.execute(f"SELECT last FROM {NUMBERS} WHERE id = 1").fetchone()
    return max(int(last), int(forgotten[0]) if forgotten else 0)


def last_case(store: Store) -> int:
    """The highest case number so far (0 before the first case)."""
    if not ready(store):
        return 0
    return int(store.db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {CASES}").fetchone()[0])


def collect_line(store: Store, before: int, opened: int, closed: int) -> str:
    """What a collect did to the loop, in one line: ``loop: 25 cases opened (owners: CX team 12, …); 38 open``."""
    db = store.db
    parts = []
    if opened:
        owners = db.execute(
            f"SELECT COALESCE(owner, '(no owner)'), COUNT(*) AS n FROM {CASES} WHERE id > ? GROUP BY 1 "
            "ORDER BY n DESC, 1",
            [before],
        ).fetchall()
        shown = ", ".join(f"{owner} {count}" for owner, count in owners)
        parts.append(f"{opened} case{'' if opened == 1 else 's'} opened (owners: {shown})")
    else:
        parts.append("no new cases")
    if closed:
        parts.append(f"{closed} closed by the event logs")
    marks = ", ".join("?" * len(OPEN_STATUSES))
    still = db.execute(f"SELECT COUNT(*) FROM {CASES} WHERE status IN ({marks})", list(OPEN_STATUSES)).fetchone()[0]
    parts.append(f"{still} open in all (cxframe loop list --open)")
    return "loop: " + "; ".join(parts)


@attrs.frozen
class _Closing:
    """An open case and the first event of its customer's log that closes it."""

    case: int
    at: str
    activity: str
    source: str | None


#: The status a closing event sets (the customer's log shows the issue dealt with).
CLOSED_BY_EVENT = "resolved"


def close_from_events(store: Store, rules: Sequence[LoopRule]) -> int:
    """Resolve the open cases whose customer's event log shows a closing activity after the answer; return how many.

    A case follows the first rule, in the order written, whose metric and
    threshold it meets (the rule that opened it); that rule's ``closed_by``
    activities close it. The closing event is the customer's first one
    (``events.case_id`` = the case's ``respondent_id``) with such an activity
    after the answer; the case is resolved at that event's time, and the
    change is kept in its history, at that time, with a note naming the
    event. Only cases still ``open`` are closed: a case someone updated (by
    hand, an import, or an earlier event) keeps what was set, and a closed
    case is never reopened, so a re-collect changes nothing twice.
    """
    closing = [(index, rule) for index, rule in enumerate(rules) if rule.closed_by]
    if not closing or not ready(store):
        return 0
    db = store.db
    with store.writing():
        found: list[_Closing] = []
        for index, rule in closing:
            # the cases an earlier rule of the same metric qualifies are that rule's (it opened them)
            earlier = [r.at_or_below for r in rules[:index] if r.metric == rule.metric]
            marks = ", ".join("?" * len(rule.closed_by))
            rows = db.execute(
                "SELECT c.id, e.timestamp, e.activity, e.source FROM "
                f"{CASES} AS c JOIN events AS e ON e.id = (SELECT f.id FROM events AS f "
                f"WHERE f.case_id = c.respondent_id AND f.activity IN ({marks}) AND f.timestamp > c.opened "
                "ORDER BY f.timestamp, f.id LIMIT 1) "
                "WHERE c.status = ? AND c.metric = ? AND c.score <= ?"
                + "".join(" AND c.score > ?" for _ in earlier)
                + " ORDER BY c.id",
                [*rule.closed_by, NEW_STATUS, rule.metric, rule.at_or_below, *earlier],
            ).fetchall()
            found += [_Closing(*row) for row in rows]
        db.conn.executemany(
            f"UPDATE {CASES} SET status = ?, closed = ? WHERE id = ? AND status = ?",
            [(CLOSED_BY_EVENT, c.at, c.case, NEW_STATUS) for c in found],
        )
        db.conn.executemany(
            f"INSERT INTO {HISTORY} (case_id, at, status, note) VALUES (?, ?, ?, ?)",
            [
                (
                    c.case,
                    c.at,
                    CLOSED_BY_EVENT,
                    f"closed by the event {c.activity!r} in {c.source or 'the event log'} at {shown_time(c.at)}",
                )
                for c in found
            ],
        )
    return len(found)


def sla_hours_by_metric(store: Store) -> dict[str, float]:
    """Each followed metric → the longest SLA (hours from the answer to the due time) any of its cases was given.

    Read from the cases, not the rules: a case keeps the SLA it was opened with when the rules change, and the
    longest one is what a claim such as "contacted within 48 hours" must be held to.
    """
    if not ready(store):
        return {}
    rows = store.db.execute(
        f"SELECT metric, MAX((julianday(due) - julianday(opened)) * 24.0) FROM {CASES} GROUP BY metric ORDER BY metric"
    ).fetchall()
    # julianday's floating point gives 47.99999…: stored times are to the microsecond, so hundredths are exact enough
    return {metric: round(float(hours), 2) for metric, hours in rows if hours is not None}


def list_cases(
    store: Store, now: dt.datetime, *, open_only: bool = False, overdue: bool = False, owner: str | None = None
) -> list[LoopCase]:
    """The cases, oldest first; ``open_only``: open or contacted; ``overdue``: open and past due at ``now``."""
    if not ready(store):
        return []
    where: list[str] = []
    params: list[Any] = []
    if open_only or overdue:
        where.append(f"status IN ({', '.join('?' * len(OPEN_STATUSES))})")
        params.extend(OPEN_STATUSES)
    if overdue:
        where.append("due < ?")
        params.append(stored_time(now))
    if owner is not None:
        where.append("owner = ?")
        params.append(owner)
    sql = f"SELECT {', '.join(COLUMNS)} FROM {CASES}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [_case(row) for row in store.db.execute(sql + " ORDER BY id", params).fetchall()]


def parse_case_id(case: int | str) -> int:
    """A case id from the command line or a program; `InvalidInput` for anything but a positive whole number."""
    if isinstance(case, bool):
        raise InvalidInput([f"case {case!r}: expected a case number such as 12 (see cxframe loop list)"])
    if isinstance(case, int):
        number = case
    else:
        text = str(case).strip()
        if not text.isdigit():
            raise InvalidInput([f"case {case!r}: expected a case number such as 12 (see cxframe loop list)"])
        number = int(text)
    if number < 1:
        raise InvalidInput([f"case {case!r}: expected a case number such as 12 (see cxframe loop list)"])
    return number


def _get(store: Store, case: int) -> LoopCase:
    row = store.db.execute(f"SELECT {', '.join(COLUMNS)} FROM {CASES} WHERE id = ?", [case]).fetchone()
    if row is None:
        count, last = store.db.execute(f"SELECT count(*), max(id) FROM {CASES}").fetchone()
        known = f"cases are numbered 1 to {last}" if count else "there are no cases yet"
        raise InvalidInput([f"case {case}: no such case ({known}; see cxframe loop list)"])
    return _case(row)


def update(
    store: Store,
    case: int | str,
    status: str,
    now: dt.datetime,
    *,
    root_cause: str | None = None,
    resolution: str | None = None,
    note: str | None = None,
) -> LoopCase:
    """Set a case's status (and root cause, resolution) and keep the change in its history, in one transaction.

    Checks everything before writing: a bad case id or status raises
    `InvalidInput` and changes nothing. ``resolved`` and ``no_response``
    close the case at ``now``; ``contacted`` (re)opens it.
    """
    number = parse_case_id(case)
    if status not in UPDATE_STATUSES:
        raise InvalidInput([f"status {status!r}: expected one of {', '.join(UPDATE_STATUSES)}"])
    store.require_writable("cxframe loop update")
    if not ready(store):  # pragma: no cover - a writable store always gets its tables
        raise InvalidInput([f"case {number}: no such case (there are no cases yet)"])
    at = stored_time(now)
    with store.writing():
        current = _get(store, number)
        closed = None if status in OPEN_STATUSES else at
        write_changes(store, at, [CaseChange(number, status, root_cause, resolution, closed, note)], {number: current})
        return _get(store, number)


@attrs.frozen
class CaseChange:
    """One update of a case: its new status and close time, what was given (None: kept), the history's note."""

    case: int
    status: str
    root_cause: str | None
    resolution: str | None
    closed: str | None
    note: str | None


def write_changes(store: Store, at: str, changes: Sequence[CaseChange], current: Mapping[int, LoopCase]) -> None:
    """Apply ``changes`` (checked already) to the cases and their history, two statements for any number.

    A root cause or resolution not given keeps the case's ``current`` one; the
    history records what was given. The caller holds the write transaction.
    """
    store.db.conn.executemany(
        f"UPDATE {CASES} SET status = ?, root_cause = ?, resolution = ?, closed = ? WHERE id = ?",
        [
            (
                change.status,
                change.root_cause if change.root_cause is not None else current[change.case].root_cause,
                change.resolution if change.resolution is not None else current[change.case].resolution,
                change.closed,
                change.case,
            )
            for change in changes
        ],
    )
    store.db.conn.executemany(
        f"INSERT INTO {HISTORY} (case_id, at, status, root_cause, resolution, note) VALUES (?, ?, ?, ?, ?, ?)",
        [(c.case, at, c.status, c.root_cause, c.resolution, c.note) for c in changes],
    )


def history(store: Store, case: int | str) -> list[CaseUpdate]:
    """A case's history, oldest first; `InvalidInput` for a case that does not exist."""
    number = parse_case_id(case)
    if not ready(store):
        raise InvalidInput([f"case {number}: no such case (there are no cases yet)"])
    _get(store, number)
    rows = store.db.execute(
        f"SELECT case_id, at, status, root_cause, resolution, note FROM {HISTORY} WHERE case_id = ? ORDER BY id",
        [number],
    ).fetchall()
    return [CaseUpdate(*row) for row in rows]


def metric_questions(
    programme: Programme, rules: Sequence[LoopRule], metrics: RegisteredMetrics
) -> dict[str, tuple[str, str]]:
    """Each rule's metric → ``(question, population)``, from the registry; `InvalidInput` for an unknown metric."""
    known = set(metrics.ids())
    problems = [
        f"plugins.{SETTINGS}.loop[{index}].metric: unknown metric {rule.metric!r} (known: {', '.join(sorted(known))})"
        for index, rule in enumerate(rules)
        if rule.metric not in known
    ]
    if problems:
        raise InvalidInput(problems, where=str(programme.file))
    return {rule.metric: (metrics.get(rule.metric).question, metrics.get(rule.metric).population) for rule in rules}
