"""Variants and directly-follows in Spark SQL, over the events of a Parquet export (``--engine spark``).

The same results, in the same public shapes, as `cxframe_journey.analytics`
on the store: a case's events ordered by timestamp, ties by collection order
(the export keeps the store's ``id``); durations from exact microseconds.
Spark does the per-case work (ordering, pairs of consecutive events,
counting); the driver receives one row per variant or edge and builds the
JSON with the shared `cxframe_journey.columns.variant_list` and `graph`.

Each edge's median is Spark's exact ``percentile`` (it holds an edge's
durations on one executor), its mean the exact sum of microseconds over the
count; the store path's ``math.fsum`` and ``numpy.median`` of seconds agree
to within 1e-9 of a second (tests/test_spark.py).
"""

from __future__ import annotations

from cxframe import SparkEngine
from cxframe_journey.columns import DirectlyFollows, Variant, graph, variant_list

__all__ = ["dfg", "variants"]


def _where(source: str | None) -> tuple[str, list[object]]:
    return ("", []) if source is None else (" WHERE source = ?", [source])


def variants(engine: SparkEngine, *, source: str | None = None) -> list[Variant]:
    """``[{activities, count, share}]`` of the export's events (of ``source``), most frequent first."""
    where, parameters = _where(source)
    # a case's events sorted by (timestamp, id): the struct sorts field by field
    sql = (
        "SELECT trace, COUNT(*) FROM ("
        " SELECT transform(array_sort(collect_list(struct(timestamp, id, activity))), e -> e.activity) AS trace"
        f" FROM events{where} GROUP BY case_id"
        ") GROUP BY trace"
    )
    return variant_list({tuple(trace): count for trace, count in engine.rows(sql, parameters)})


def dfg(engine: SparkEngine, *, source: str | None = None) -> DirectlyFollows:
    """``{edges, start, end}`` of the export's events (of ``source``)."""
    where, parameters = _where(source)
    ordered = (
        "SELECT activity, unix_micros(timestamp) AS t,"
        " LEAD(activity) OVER w AS next_activity, LEAD(unix_micros(timestamp)) OVER w AS next_t,"
        " ROW_NUMBER() OVER w AS position, COUNT(*) OVER (PARTITION BY case_id) AS events"
        f" FROM events{where} WINDOW w AS (PARTITION BY case_id ORDER BY timestamp, id)"
    )
    # one query, one pass over the ordered events: the edges, and each activity's starts and ends
    sql = (
        f"WITH ordered AS ({ordered}) "
        "SELECT 'edge', activity, next_activity, COUNT(*), SUM(next_t - t), percentile(next_t - t, 0.5)"
        " FROM ordered WHERE next_activity IS NOT NULL GROUP BY activity, next_activity "
        "UNION ALL "
        "SELECT 'ends', activity, NULL, COUNT_IF(position = 1), COUNT_IF(position = events), NULL"
        " FROM ordered GROUP BY activity"
    )
    edges: dict[tuple[str, str], tuple[int, float, float]] = {}
    start: dict[str, int] = {}
    end: dict[str, int] = {}
    for kind, activity, target, first, second, median in engine.rows(sql, parameters):
        if kind == "edge":
            edges[(activity, target)] = (first, second / 1_000_000 / first, median / 1_000_000)
        else:
            if first:
                start[activity] = first
            if second:
                end[activity] = second
    return graph(
        edges,
        start,
        end,
        mean=lambda found: found[1],
        median=lambda found: found[2],
        count=lambda found: found[0],
    )
