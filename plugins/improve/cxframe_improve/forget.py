"""Forgetting a source's loop cases (the ``source_forgotten`` hook): what ``cxframe forget SOURCE`` asks of the loop.

A case copies its answer's personal data — respondent and response ids,
score, comment — and holds the team's follow-up of that customer
(resolution, notes). When the source is forgotten, each of its cases is
deleted, with its history, the record of the alerts sent about it and
their claims: the loop then reads as if the source had never been
collected, as the core's metrics do.

Why not keep the closed cases, stripped of the customer, as a record of
the work done: the open ones cannot be kept (without the customer they
cannot be followed up, and would stay overdue, and alerted, forever), and
closed cases kept without their open siblings would make the loop metrics
lie — a source's closure rate would read 100 %. What a past run measured
stays in that run's stored results and assessment.

The cases matched are those whose source is no longer stored: the one
forgotten now, and any forgotten by a cxframe before this hook, when a
forget left the cases in place. Their numbers are never given again
(``improve_case_numbers``): an alert already sent, or a row of a ``loop
export`` that ``loop import`` reads back, names a case by its number.
"""

from __future__ import annotations

from cxframe import Store
from cxframe_improve.cases import CASES, HISTORY, NUMBERS, given, ready
from cxframe_improve.notify import CLAIMS, SENT


def _has_cases(store: Store) -> bool:
    found = store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [CASES]).fetchone()
    return found is not None


def forget_cases(store: Store) -> int:
    """Delete the cases of every source no longer stored, with their history and alert records; how many.

    Call it once the core has deleted the source's ingests, inside the
    forget's transaction (it opens a savepoint of its own).
    """
    if not _has_cases(store) or not ready(store):  # never a case: nothing to forget (and no table to create)
        return 0
    db = store.db
    with store.writing():
        # kept before any case goes, so that no number is given again (open_cases numbers from it)
        db.execute(
            f"INSERT INTO {NUMBERS} (id, last) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last = excluded.last",
            [given(store)],
        )
        gone = (
            f"SELECT id FROM {CASES} WHERE source IS NOT NULL "
            "AND source NOT IN (SELECT source FROM ingests WHERE source IS NOT NULL)"
        )
        # what refers to a case goes first: the store enforces the references
        for table in (SENT, CLAIMS, HISTORY):
            db.execute(f"DELETE FROM {table} WHERE case_id IN ({gone})")
        before = db.conn.total_changes
        db.execute(f"DELETE FROM {CASES} WHERE id IN ({gone})")
        deleted = db.conn.total_changes - before
    return deleted


def forgotten_line(deleted: int) -> str | None:
    """What the loop forgot, in one line for ``cxframe forget``; None when it had no case of the source."""
    if not deleted:
        return None
    return f"deleted {deleted} loop case{'' if deleted == 1 else 's'} with their history and alert records"
