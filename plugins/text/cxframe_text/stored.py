"""Masking personal data in the stored comments themselves (``mask_stored = true``)."""

from __future__ import annotations

from cxframe import Store
from cxframe import mask_personal_data as mask

_BATCH = 10_000


def mask_stored_comments(store: Store) -> int:
    """Replace each stored comment holding an e-mail, phone or ID number by its masked text; return how many.

    One transaction: an interrupted run leaves every comment as it was. The
    original text is not kept anywhere (that is the point).
    """
    changed = 0
    with store.writing():
        # read first, then write: no update of the table while a SELECT over it is still stepping
        rows = store.db.execute(
            "SELECT id, comment FROM responses WHERE comment IS NOT NULL "
            "AND (comment GLOB '*[0-9]*' OR comment LIKE '%@%')"
        ).fetchall()
        for start in range(0, len(rows), _BATCH):
            updates = [
                (masked, id_) for id_, comment in rows[start : start + _BATCH] if (masked := mask(comment)) != comment
            ]
            if updates:
                store.db.conn.executemany("UPDATE responses SET comment = ? WHERE id = ?", updates)
                changed += len(updates)
    return changed
