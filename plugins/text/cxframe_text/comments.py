"""Comments in the store: one per survey response (``responses.comment``), with the metric's value beside it.

A *comment* is a response's free text that holds something other than
white space; empty and white-space-only texts are no comment and count
nowhere. An emoji-only comment is a comment (it is simply never tagged).
The metric's per-answer value comes from its definition's ``value_sql``
(NPS: +1/0/−1), over the answers it reads (its question and population,
within its scale), exactly as ``cxframe measure`` reads them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import attrs

from cxframe import InvalidInput, MetricDefinition, SQLiteEngine, Store

#: Columns every response has, which ``--by`` accepts beside the segment columns.
FIXED_COLUMNS = ("touchpoint", "channel", "source", "population")
#: whose comments are analysed: customers' (reviews and posts included); employees' stay behind the employee
#: plugin's anonymity threshold, as in the core's verbatims
CUSTOMERS = "customer"
_BATCH = 10_000


@attrs.frozen
class Comment:
    """One respondent comment and what goes with it."""

    response: int
    text: str
    respondent_id: str | None = None
    response_id: str | None = None
    #: the metric's per-answer value (before its multiplier), None without an answer
    value: float | None = None
    weight: float = 1.0
    #: the raw answer to the metric's question (e.g. 0–10), None without one
    score: float | None = None
    #: the ``--by`` column's value
    segment: str | None = None


def check_column(store: Store, column: str | None) -> None:
    """`InvalidInput` unless ``column`` is a response column ``--by`` can group by."""
    if column is None:
        return
    known = [*FIXED_COLUMNS, *store.segment_columns()]
    if column not in known:
        raise InvalidInput([f"--by: unknown column {column!r} (known: {', '.join(known)})"])


def check_sources(store: Store, sources: Sequence[str]) -> None:
    """`InvalidInput` naming each of ``sources`` the store holds no response from."""
    known = [row[0] for row in store.db.execute("SELECT DISTINCT source FROM responses ORDER BY source").fetchall()]
    unknown = [source for source in sources if source not in known]
    if unknown:
        raise InvalidInput(
            [
                f"--source: no responses from source {source!r} (sources: {', '.join(known) or 'none'})"
                for source in unknown
            ]
        )


def read_comments(
    store: Store, metric: MetricDefinition | None = None, *, by: str | None = None, sources: Sequence[str] = ()
) -> Iterator[Comment]:
    """Every comment in the store, in the order stored, with ``metric``'s value and the ``by`` column's value.

    ``sources`` keeps only the comments of those sources (ids of ``[[sources]]``,
    e.g. a survey and a reviews source); empty: every source.
    """
    check_column(store, by)
    check_sources(store, sources)
    if metric is not None:
        metric.require_answers()
        if metric.population != CUSTOMERS:
            raise InvalidInput(
                [
                    f"--metric {metric.id}: comment analysis reads customers' comments; {metric.population} comments "
                    "stay behind their own privacy rules (the employee plugin's anonymity threshold)"
                ]
            )
    segment = f"r.[{by}]" if by else "NULL"
    only = f" AND r.source IN ({', '.join('?' * len(sources))})" if sources else ""
    if metric is None:
        sql = (
            f"SELECT r.id, r.comment, r.respondent_id, r.response_id, NULL, NULL, NULL, {segment} FROM responses AS r "
            f"WHERE r.population = '{CUSTOMERS}' AND r.comment IS NOT NULL AND trim(r.comment) != ''{only} ORDER BY r.id"
        )
        parameters: list[object] = list(sources)
    else:
        conditions, parameters = SQLiteEngine.answers_of(metric)
        sql = (
            f"SELECT r.id, r.comment, r.respondent_id, r.response_id, m.x, m.w, m.v, {segment} FROM responses AS r LEFT JOIN "
            f"(SELECT response, ({metric.value_sql}) AS x, COALESCE(weight, 1.0) AS w, value AS v FROM observations "
            f"WHERE {' AND '.join(conditions)}) AS m ON m.response = r.id "
            f"WHERE r.population = '{CUSTOMERS}' AND r.comment IS NOT NULL AND trim(r.comment) != ''{only} ORDER BY r.id"
        )
        parameters = [*parameters, *sources]
    cursor = store.db.execute(sql, parameters)
    while rows := cursor.fetchmany(_BATCH):
        for response, text, respondent, response_id, value, weight, score, group in rows:
            if not str(text).strip():  # SQLite's trim() removes spaces only: tabs, newlines, U+3000 here
                continue
            yield Comment(
                response,
                str(text),
                respondent,
                response_id,
                None if value is None else float(value),
                1.0 if weight is None else float(weight),
                None if score is None else float(score),
                None if group is None else str(group),
            )
