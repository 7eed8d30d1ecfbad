"""Journey analytics on the store's event log: variants and directly-follows from the stored events' columns.

The events of a source (or of every source) are read as four columns — case
id, activity, stored UTC timestamp, collection order (``id``) — and ordered
and counted a column at a time (`cxframe_journey.columns.EventColumns`), the
same code the direct file path (``--no-store``) runs, so both give the same
JSON. See `cxframe_journey.columns` for the ordering rules.

The two results and their JSON shapes are public API (``cxframe journey
variants --json`` and ``dfg --json``; DESIGN §11):

* `variants` → ``[{"activities": [...], "count": int, "share": float}]``,
  the most frequent first, ties by their activities;
* `dfg` → ``{"edges": [{"source", "target", "count", "mean_seconds",
  "median_seconds"}], "start": {activity: count}, "end": {activity: count}}``,
  edges most frequent first (ties by source, target), start and end activities
  likewise.

`ORDER_TIME` and `EPOCH_MICROSECONDS` order the stored text in SQL, for the
queries that stay there (`cxframe_journey.overlay`).
"""

from __future__ import annotations

import sqlite3

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cxframe import Store
from cxframe_journey.columns import Builder, DirectlyFollows, EventColumns, Variant

__all__ = ["EPOCH_MICROSECONDS", "ORDER_TIME", "DirectlyFollows", "Variant", "dfg", "events", "sources", "variants"]

#: The stored UTC timestamp as fixed-width text (``YYYY-MM-DDTHH:MM:SS.ffffffZ``), which sorts in time order.
ORDER_TIME = "(CASE WHEN length(timestamp) = 20 THEN substr(timestamp, 1, 19) || '.000000Z' ELSE timestamp END)"
#: Microseconds since 1970 of the stored timestamp, as an exact integer.
EPOCH_MICROSECONDS = (
    "(CAST(strftime('%s', timestamp) AS INTEGER) * 1000000"
    " + (CASE WHEN length(timestamp) > 20 THEN CAST(substr(timestamp, 21, 6) AS INTEGER) ELSE 0 END))"
)


def _connection(store: Store | sqlite3.Connection) -> sqlite3.Connection:
    return store if isinstance(store, sqlite3.Connection) else store.db.conn


#: Events read from the store at a time (`events`): each part's texts are in memory only while it is encoded.
PART = 200_000


def events(store: Store | sqlite3.Connection, *, source: str | None = None) -> EventColumns:
    """The stored events (of ``source``, else of every source) as `EventColumns`.

    Why ``group_concat`` a column, `PART` events at a time: events fetched as
    rows cost a Python tuple each; as one text a column, split by pyarrow and
    turned into numbers at once, they take less time and a fraction of the
    memory (docs/performance.md). Parts follow ``id``, the order the events
    were collected in, which orders events with the same time. A value
    holding the separator (NUL) is read row by row instead.
    """
    conn = _connection(store)
    where, params = ("", []) if source is None else (" AND source = ?", [source])
    (low, high) = conn.execute(f"SELECT min(id), max(id) FROM events WHERE 1{where}", params).fetchone()
    built = Builder()
    for first in range(low or 0, (high or -1) + 1, PART):
        bounds = [first, first + PART - 1, *params]
        part = f"FROM events WHERE id BETWEEN ? AND ?{where}"
        ids = conn.execute(f"SELECT count(*), min(id) {part}", bounds).fetchone()
        if not ids[0]:
            continue

        def column(name: str, part: str = part, bounds: list[object] = bounds, count: int = ids[0]) -> pa.Array:
            (text,) = conn.execute(f"SELECT group_concat({name}, char(0)) {part}", bounds).fetchone()
            found = pc.split_pattern(pa.array([text or ""], pa.large_string()), "\x00").flatten()
            if len(found) != count:  # a value holds the separator
                found = pa.array([row[0] for row in conn.execute(f"SELECT {name} {part}", bounds)], pa.string())
            return found

        order = pa.array(np.arange(first, first + ids[0], dtype=np.int64))
        built.add(column("case_id"), column("activity"), column("timestamp"), order)
    return built.columns()


def variants(store: Store | sqlite3.Connection, *, source: str | None = None) -> list[Variant]:
    """The distinct activity sequences of the cases, with how many cases follow each.

    ``share`` is the variant's fraction of all cases (the shares add up to 1).
    ``source`` limits the log to the events collected from that source id.
    """
    return events(store, source=source).variants()


def dfg(store: Store | sqlite3.Connection, *, source: str | None = None) -> DirectlyFollows:
    """The directly-follows graph: how often one activity directly follows another within a case.

    Each edge carries its count and the mean and median time between the two
    events in seconds (to the microsecond). ``start`` and ``end`` count the
    cases that begin and end with each activity. ``source`` limits the log to
    the events collected from that source id.
    """
    return events(store, source=source).dfg()


def sources(store: Store | sqlite3.Connection) -> dict[str, int]:
    """The sources that have events, with their event counts."""
    rows = _connection(store).execute("SELECT source, COUNT(*) FROM events GROUP BY source ORDER BY source")
    return {source: count for source, count in rows}
