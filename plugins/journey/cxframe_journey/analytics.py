"""Journey analytics on event logs: one sorted SQL stream over the store's ``events`` table.

**Ordering** follows the process-mining convention: the events of a case are
ordered by timestamp (UTC), and events with the same timestamp keep the order
in which they were collected (the store's ``id``, which is the order of the
rows in the source file). Nothing depends on how the file itself was sorted.

The store writes timestamps as UTC text whose fraction is left out when it is
zero (``…T09:30:00Z`` but ``…T09:30:00.250000Z``), and such text does not sort
chronologically (``.`` sorts before ``Z``). So the queries order by exact
integer microseconds since 1970 (`EPOCH_MICROSECONDS`), never by the raw
column; `ORDER_TIME`, the text padded to a fixed width, sorts the same way
where text is wanted.

The two results and their JSON shapes are public API (``cxframe journey
variants --json`` and ``dfg --json``; DESIGN §11):

* `variants` → ``[{"activities": [...], "count": int, "share": float}]``,
  the most frequent first, ties by their activities;
* `dfg` → ``{"edges": [{"source", "target", "count", "mean_seconds",
  "median_seconds"}], "start": {activity: count}, "end": {activity: count}}``,
  edges most frequent first (ties by source, target), start and end activities
  likewise.

Both read one sorted stream: a single standard SQL query orders the events by
case, exact time (integer microseconds, computed once per event) and file
order, and Python groups the rows as they stream out (a case's activities for
the variants, consecutive pairs for the edges). Only ``strftime`` and
``substr`` are SQLite's own; another engine needs only those swapped. This
replaced window functions (``json_group_array`` over a growing frame,
``LEAD``), which did the same work at twice the cost (docs/performance.md).
"""

from __future__ import annotations

import math
import sqlite3
import statistics
from array import array
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any, TypedDict

from cxframe import Store

#: The stored UTC timestamp as fixed-width text (``YYYY-MM-DDTHH:MM:SS.ffffffZ``), which sorts in time order.
ORDER_TIME = "(CASE WHEN length(timestamp) = 20 THEN substr(timestamp, 1, 19) || '.000000Z' ELSE timestamp END)"
#: Microseconds since 1970 of the stored timestamp, as an exact integer.
EPOCH_MICROSECONDS = (
    "(CAST(strftime('%s', timestamp) AS INTEGER) * 1000000"
    " + (CASE WHEN length(timestamp) > 20 THEN CAST(substr(timestamp, 21, 6) AS INTEGER) ELSE 0 END))"
)
_CASE = itemgetter(0)


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
    # case's events are spread over the table) and which must be re-sorted by exact time anyway
    if source is None:
        return "events NOT INDEXED", []
    return "events NOT INDEXED WHERE source = ?", [source]


def _ordered(store: Store | sqlite3.Connection, source: str | None) -> Iterator[tuple[str, str, int]]:
    """``(case_id, activity, microseconds)`` of every event, by case, time and file order."""
    where, params = _where(source)
    # sorting on the integer time computed once is cheaper than on ORDER_TIME text, and the same order
    sql = f"SELECT case_id, activity, {EPOCH_MICROSECONDS} AS t FROM {where} ORDER BY case_id, t, id"
    return iter(_connection(store).execute(sql, params))


def variants(store: Store | sqlite3.Connection, *, source: str | None = None) -> list[Variant]:
    """The distinct activity sequences of the cases, with how many cases follow each.

    ``share`` is the variant's fraction of all cases (the shares add up to 1).
    ``source`` limits the log to the events collected from that source id.
    """
    traces: Counter[tuple[str, ...]] = Counter(
        tuple(activity for _, activity, _ in events) for _, events in groupby(_ordered(store, source), _CASE)
    )
    return variant_list(traces)


def variant_list(traces: Mapping[tuple[str, ...], int]) -> list[Variant]:
    """The public variants list from ``{activities: cases}``: shares, most frequent first, ties by activities.

    Shared by the store path and the direct file path (`cxframe_journey.logfile`), so both give the same JSON.
    """
    cases = sum(traces.values())
    found: list[Variant] = [
        {"activities": list(trace), "count": count, "share": count / cases} for trace, count in traces.items()
    ]
    found.sort(key=lambda v: (-v["count"], v["activities"]))
    return found


def dfg(store: Store | sqlite3.Connection, *, source: str | None = None) -> DirectlyFollows:
    """The directly-follows graph: how often one activity directly follows another within a case.

    Each edge carries its count and the mean and median time between the two
    events in seconds (to the microsecond). ``start`` and ``end`` count the
    cases that begin and end with each activity. ``source`` limits the log to
    the events collected from that source id.

    The sorted events are paired as they stream out, keeping only the
    durations (8 bytes each) for the medians.
    """
    durations: dict[tuple[str, str], array[float]] = {}
    start: Counter[str] = Counter()
    end: Counter[str] = Counter()
    previous_case, previous, previous_time = None, "", 0
    for case, activity, micros in _ordered(store, source):
        if case != previous_case:
            if previous_case is not None:
                end[previous] += 1
            start[activity] += 1
        else:
            edge = (previous, activity)
            found = durations.get(edge)
            if found is None:
                found = durations[edge] = array("d")
            # integer microseconds, so that durations are exact
            found.append((micros - previous_time) / 1000000.0)
        previous_case, previous, previous_time = case, activity, micros
    if previous_case is not None:
        end[previous] += 1
    return graph(durations, start, end)


def graph(
    durations: Mapping[tuple[str, str], Sequence[float]], start: Mapping[str, int], end: Mapping[str, int]
) -> DirectlyFollows:
    """The public directly-follows graph from each edge's durations (seconds) and the start and end counts.

    Mean by `math.fsum` and median by `statistics.median`, neither of which
    depends on the order of the durations; edges most frequent first (ties by
    source, target). Shared by the store path and the direct file path.
    """
    edges: list[Edge] = [
        {
            "source": activity,
            "target": target,
            "count": len(values),
            "mean_seconds": math.fsum(values) / len(values),
            "median_seconds": statistics.median(values),
        }
        for (activity, target), values in durations.items()
    ]
    edges.sort(key=lambda e: (-e["count"], e["source"], e["target"]))
    return {"edges": edges, "start": _by_count(start), "end": _by_count(end)}


def _by_count(counts: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def sources(store: Store | sqlite3.Connection) -> dict[str, int]:
    """The sources that have events, with their event counts."""
    rows = _connection(store).execute("SELECT source, COUNT(*) FROM events GROUP BY source ORDER BY source")
    return {source: count for source, count in rows}
