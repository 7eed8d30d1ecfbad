"""Forgetting a source's loop cases (the ``source_forgotten`` hook): what ``cxframe forget SOURCE`` asks of the loop.

A case copies its answer's personal data — respondent and response ids,
score, comment — and the team's follow-up of that customer (resolution,
notes). When the source is forgotten:

* an **open** case (``open`` or ``contacted``) is deleted, with its
  history, its alerts and their claims: without the customer's data it
  cannot be followed up, and an anonymous open case would be overdue
  forever and alerted to its owner;
* a **closed** case (``resolved`` or ``no_response``) is the record of work
  the team did: it is kept without anything about the customer, so the loop
  metrics (cases closed, within SLA, hours to close) still count it. Kept:
  its number, metric, touchpoint, owner, status, times and root cause (a
  fact about the organisation); set to null: source, response and
  respondent ids, score, comment, resolution and every note of its
  history; its answer key becomes ``forgotten:<case>``, so it follows no
  answer and no later answer counts as its customer's recovery.

The cases matched are those whose source is no longer stored: the one
forgotten now, and any forgotten by a cxframe before this hook, when a
forget left the cases in place.
"""

from __future__ import annotations

from cxframe import Store
from cxframe_improve.cases import CASES, HISTORY, ready
from cxframe_improve.notify import CLAIMS, SENT
from cxframe_improve.settings import OPEN_STATUSES

#: How a kept case's answer key starts once its source is forgotten (a key of a stored answer has a '|').
FORGOTTEN_KEY = "forgotten:"


def _has_cases(store: Store) -> bool:
    found = store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [CASES]).fetchone()
    return found is not None


def forget_cases(store: Store) -> tuple[int, int]:
    """Delete the open cases of sources no longer stored and strip their closed ones; ``(deleted, kept)``.

    Call it once the core has deleted the source's ingests, inside the
    forget's transaction (it opens a savepoint of its own).
    """
    if not _has_cases(store) or not ready(store):  # never a case: nothing to forget (and no table to create)
        return 0, 0
    db = store.db
    with store.writing():
        rows = db.execute(
            f"SELECT id, status FROM {CASES} WHERE source IS NOT NULL "
            "AND source NOT IN (SELECT source FROM ingests WHERE source IS NOT NULL) ORDER BY id"
        ).fetchall()
        deleted = [(case,) for case, status in rows if status in OPEN_STATUSES]
        kept = [(case,) for case, status in rows if status not in OPEN_STATUSES]
        # what refers to a case goes first: the store enforces the references
        for table in (SENT, CLAIMS, HISTORY):
            db.conn.executemany(f"DELETE FROM {table} WHERE case_id = ?", deleted)
        db.conn.executemany(f"DELETE FROM {CASES} WHERE id = ?", deleted)
        db.conn.executemany(
            f"UPDATE {CASES} SET answer_key = ? || id, source = NULL, response_id = NULL, respondent_id = NULL, "
            "score = NULL, comment = NULL, resolution = NULL WHERE id = ?",
            [(FORGOTTEN_KEY, case) for (case,) in kept],
        )
        db.conn.executemany(f"UPDATE {HISTORY} SET resolution = NULL, note = NULL WHERE case_id = ?", kept)
    return len(deleted), len(kept)


def forgotten_line(deleted: int, kept: int) -> str | None:
    """What the loop forgot, in one line for ``cxframe forget``; None when it had no case of the source."""
    if not deleted and not kept:
        return None
    parts = []
    if deleted:
        parts.append(f"deleted {deleted} open loop case{'' if deleted == 1 else 's'} with their history and alerts")
    if kept:
        parts.append(
            f"kept {kept} closed case{'' if kept == 1 else 's'} without the customer's data "
            "(ids, score, comment, resolution and notes removed; still counted by the loop metrics)"
        )
    return "; ".join(parts)
