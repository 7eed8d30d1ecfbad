"""Journey analytics on event logs, in set-based SQL over the store's ``events`` table.

**Ordering** follows the process-mining convention: the events of a case are
ordered by timestamp (UTC), and events with the same timestamp keep the order
in which they were collected (the store's ``id``, which is the order of the
rows in the source file). Nothing depends on how the file itself was sorted.

The store writes timestamps as UTC text whose fraction is left out when it is
zero (``…T09:30:00Z`` but ``…T09:30:00.250000Z``), and such text does not sort
chronologically (``.`` sorts before ``Z``). So the queries order by the text
padded to a fixed width (`ORDER_TIME`), never by the raw column.

The two results and their JSON shapes are public API (``cxframe journey
variants --json`` and ``dfg --json``; DESIGN §11):

* `variants` → ``[{"activities": [...], "count": int, "share": float}]``,
  the most frequent first, ties by their activities;
* `dfg` → ``{"edges": [{"source", "target", "count", "mean_seconds",
  "median_seconds"}], "start": {activity: count}, "end": {activity: count}}``,
  edges most frequent first (ties by source, target), start and end activities
  likewise.

Both are one pass of standard window-function SQL (``LEAD``, and an
aggregate over a growing frame) over the contract table, using three SQLite
functions (``json_group_array``, ``strftime``, ``substr``); another engine needs
only those swapped.
"""

from __future__ import annotations

import json
import math
import sqlite3
import statistics
from array import array
from collections import Counter
from collections.abc import Mapping
from typing import Any, TypedDict

from cxframe import Store

#: The stored UTC timestamp as fixed-width text (``YYYY-MM-DDTHH:MM:SS.ffffffZ``), which sorts in time order.
ORDER_TIME = "(CASE WHEN length(timestamp) = 20 THEN substr(timestamp, 1, 19) || '.000000Z' ELSE timestamp END)"
#: Microseconds since 1970 of the stored timestamp, as an exact integer.
EPOCH_MICROSECONDS = (
    "(CAST(strftime('%s', timestamp) AS INTEGER) * 1000000"
    " + (CASE WHEN length(timestamp) > 20 THEN CAST(substr(timestamp, 21, 6) AS INTEGER) ELSE 0 END))"
)
WINDOW = f"WINDOW w AS (PARTITION BY case_id ORDER BY {ORDER_TIME}, id)"


class Variant(TypedDict):
    activities: list[str]
    count: int
    share: float


class Edge(TypedDict):
    source: str
    target: str
    count: int
    mean_seconds: float
    median_seconds: float


class DirectlyFollows(TypedDict):
    edges: list[Edge]
    start: dict[str, int]
    end: dict[str, int]


def _connection(store: Store | sqlite3.Connection) -> sqlite3.Connection:
    return store if isinstance(store, sqlite3.Connection) else store.db.conn


def _where(source: str | None) -> tuple[str, list[Any]]:
    # NOT INDEXED: one sequential scan and a sort beats walking the (case_id, timestamp, id)
    # index, whose order the rows are not stored in (a log is collected in time order, so a
    # case's events are spread over the table) and which must be re-sorted by ORDER_TIME anyway
    if source is None:
        return "events NOT INDEXED", []
    return "events NOT INDEXED WHERE source = ?", [source]


def variants(store: Store | sqlite3.Connection, *, source: str | None = None) -> list[Variant]:
    """The distinct activity sequences of the cases, with how many cases follow each.

    ``share`` is the variant's fraction of all cases (the shares add up to 1).
    ``source`` limits the log to the events collected from that source id.
    """
    where, params = _where(source)
    # each row carries the activities of its case so far; the case's last row has them all
    sql = f"""
        SELECT trace, COUNT(*) FROM (
            SELECT json_group_array(activity) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS trace,
                   LEAD(id) OVER w IS NULL AS last
            FROM {where} {WINDOW}
        ) WHERE last GROUP BY trace
    """
    rows = _connection(store).execute(sql, params).fetchall()
    cases = sum(count for _, count in rows)
    found: list[Variant] = [
        {"activities": json.loads(trace), "count": count, "share": count / cases} for trace, count in rows
    ]
    found.sort(key=lambda v: (-v["count"], v["activities"]))
    return found


def dfg(store: Store | sqlite3.Connection, *, source: str | None = None) -> DirectlyFollows:
    """The directly-follows graph: how often one activity directly follows another within a case.

    Each edge carries its count and the mean and median time between the two
    events in seconds (to the microsecond). ``start`` and ``end`` count the
    cases that begin and end with each activity. ``source`` limits the log to
    the events collected from that source id.

    One window pass (``LEAD``) pairs each event with the next of its case; the
    pairs are aggregated as they stream out, keeping only the durations (8 bytes
    each) for the medians.
    """
    where, params = _where(source)
    # integer microseconds, so that durations are exact
    sql = f"""
        SELECT activity, LEAD(activity) OVER w, (LEAD(t) OVER w - t) / 1000000.0
        FROM (SELECT id, case_id, activity, timestamp, {EPOCH_MICROSECONDS} AS t FROM {where})
        {WINDOW}
    """
    durations: dict[tuple[str, str], array[float]] = {}
    events: Counter[str] = Counter()
    end: Counter[str] = Counter()
    for activity, target, seconds in _connection(store).execute(sql, params):
        events[activity] += 1
        if target is None:
            end[activity] += 1
            continue
        edge = (activity, target)
        found = durations.get(edge)
        if found is None:
            found = durations[edge] = array("d")
        found.append(seconds)
    edges: list[Edge] = []
    into: Counter[str] = Counter()
    for (activity, target), values in durations.items():
        into[target] += len(values)
        edges.append(
            {
                "source": activity,
                "target": target,
                "count": len(values),
                "mean_seconds": math.fsum(values) / len(values),
                "median_seconds": statistics.median(values),
            }
        )
    edges.sort(key=lambda e: (-e["count"], e["source"], e["target"]))
    # every event either starts its case or is the target of exactly one edge
    start = {activity: count - into[activity] for activity, count in events.items() if count > into[activity]}
    return {"edges": edges, "start": _by_count(start), "end": _by_count(end)}


def _by_count(counts: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def sources(store: Store | sqlite3.Connection) -> dict[str, int]:
    """The sources that have events, with their event counts."""
    rows = _connection(store).execute("SELECT source, COUNT(*) FROM events GROUP BY source ORDER BY source")
    return {source: count for source, count in rows}
