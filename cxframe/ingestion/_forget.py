"""Forgetting a source: its records, its ingests and its rejects, in one transaction.

What a user needs after collecting a file twice under two names, or a file
that should never have been collected: ``cxframe forget SOURCE``. The
programme file is not touched; a source still declared there comes back
at the next ``cxframe collect``.
"""

from __future__ import annotations

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.ingestion._collect import delete_source_records
from cxframe.store._sqlite import Store


@attrs.frozen
class Forgotten:
    """What forgetting a source removed."""

    source: str
    records: int
    ingests: int
    rejects: int

    def describe(self) -> str:
        return (
            f"{self.source}: forgot {self.records} records, {self.ingests} ingests and {self.rejects} rejects "
            "(the programme file is unchanged: a source declared there is collected again by `cxframe collect`)"
        )


def forget_source(store: Store, source: str) -> Forgotten:
    """Delete everything stored from ``source``; `InvalidInput` naming the stored sources when there is none."""
    with store.writing():
        known = [row[0] for row in store.db.execute("SELECT DISTINCT source FROM ingests ORDER BY source")]
        if source not in known:
            stored = ", ".join(known) or "none yet"
            raise InvalidInput([f"no source {source!r} is stored (stored sources: {stored})"])
        conn = store.db.conn
        records = delete_source_records(store, source)
        before = conn.total_changes
        conn.execute("DELETE FROM rejects WHERE ingest_id IN (SELECT id FROM ingests WHERE source = ?)", [source])
        rejects = conn.total_changes - before
        before = conn.total_changes
        conn.execute("DELETE FROM ingests WHERE source = ?", [source])
        ingests = conn.total_changes - before
    return Forgotten(source, records, ingests, rejects)
