"""Customer-level features for the churn early warning, built set-based in one SQL query as of a moment.

A *customer* is a survey respondent (``respondent_id`` of the customer
population's responses) or an event log's case (``case_id``): the issue's
"a customer id is the respondent id of survey answers and the case id of
events". Only what happened strictly before ``as_of`` is read, so a feature
never sees the period it is used to predict. Per customer:

==================== =====================================================================================
``latest_score``     the latest answer to the score metric's question (e.g. 0–10 for NPS); NULL: never answered
``score_trend``      the latest answer minus the one before (0 with one answer)
``unhappy_answers``  answers at or below 60% of the question's scale (0–6 on 0–10: a detractor's episodes)
``complaints``       events whose activity or touchpoint names a complaint (``complaint_activities``)
``repeat_contacts``  events of the same activity as the customer's previous event, within ``repeat_days`` of it
``days_since_last``  days from the customer's last answer or event to ``as_of``
``open_cases``       closed-loop cases (cxframe-improve) opened before ``as_of`` and not closed by then
``overdue_cases``    of those, the ones past their due time at ``as_of``
``journey_dropoffs`` journeys whose touchpoints the customer reached but not a final stage, the last step
                     more than ``DROPOFF_DAYS`` before ``as_of``
==================== =====================================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from cxframe import MetricDefinition, Programme, Store

FEATURES: tuple[str, ...] = (
    "latest_score",
    "score_trend",
    "unhappy_answers",
    "complaints",
    "repeat_contacts",
    "days_since_last",
    "open_cases",
    "overdue_cases",
    "journey_dropoffs",
)
#: An answer at or below this share of its scale is unhappy (6 on 0–10, 3.4 on 1–5: a detractor, a 1–3 CSAT).
UNHAPPY_SHARE = 0.6
#: A journey not finished this many days after its last step counts as dropped.
DROPOFF_DAYS = 14
#: The improve plugin's cases table, read when it is there (the plugin need not be installed).
CASES = "improve_cases"
OPEN_STATUSES = ("open", "contacted")


@attrs.frozen
class FeatureTable:
    """Features of every customer as of a moment: ``rows[i]`` holds `FEATURES` for ``customers[i]`` (None: unknown)."""

    as_of: str
    customers: tuple[str, ...]
    rows: tuple[tuple[float | None, ...], ...]

    def of(self, customer: str) -> dict[str, float | None] | None:
        try:
            index = self.customers.index(customer)
        except ValueError:
            return None
        return dict(zip(FEATURES, self.rows[index], strict=True))


def unhappy_threshold(metric: MetricDefinition | None) -> float | None:
    if metric is None or metric.scale_min is None or metric.scale_max is None:
        return None
    return metric.scale_min + UNHAPPY_SHARE * (metric.scale_max - metric.scale_min)


def final_touchpoints(programme: Programme | None) -> list[tuple[str, str, bool]]:
    """``(journey, touchpoint, final)`` for every touchpoint of every journey's stages.

    A stage is final when marked ``final = true``; a journey marking none ends at its last stage that is not optional.
    """
    if programme is None:
        return []
    found = []
    for journey in programme.journeys:
        marked = [stage.id for stage in journey.stages if stage.final]
        if not marked:
            required = [stage.id for stage in journey.stages if not stage.optional]
            marked = required[-1:]
        for stage in journey.stages:
            for touchpoint in stage.touchpoints:
                found.append((journey.id, touchpoint, stage.id in marked))
    return found


#: Each event with the customer's previous event (activity, time). An event's previous event is earlier, so the
#: columns are the same whatever the moment features are read at: computed once per prediction (`prepare`).
_EVENTS = (
    "SELECT case_id AS customer, activity, touchpoint, timestamp AS ts, "
    "LAG(activity) OVER (PARTITION BY case_id ORDER BY timestamp, id) AS previous_activity, "
    "LAG(timestamp) OVER (PARTITION BY case_id ORDER BY timestamp, id) AS previous_at FROM events"
)
PREPARED = "temp.insight_events"


def prepare(store: Store) -> None:
    """Compute the events' previous-event columns once, into a temporary table `build` reads with ``prepared``.

    Reading them per moment cost a pass over the events through their index
    each time (2.6 s for 1M events); the model reads features at five moments.
    """
    store.db.execute(f"DROP TABLE IF EXISTS {PREPARED}")
    store.db.execute(f"CREATE TEMP TABLE insight_events AS {_EVENTS}")


def _has_table(store: Store, name: str) -> bool:
    return (
        store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone() is not None
    )


def build(
    store: Store,
    metric: MetricDefinition | None,
    journeys: Sequence[tuple[str, str, bool]],
    as_of: str,
    *,
    complaint_words: Sequence[str],
    repeat_days: float,
    customers: Sequence[str] | None = None,
    prepared: bool = False,
    customer: str | None = None,
) -> FeatureTable:
    """The features of every customer with an answer or an event before ``as_of`` (or of ``customers`` only).

    ``prepared``: read the events from `prepare`'s table (call it first).
    ``customer``: this one customer's features only, the customer a parameter
    of every part of the query (their events through the events' index, not a
    pass over everyone's): what `cxframe customer` reads. Each part groups by
    customer, so the row is the one the full table has for them.
    """
    params: list[Any] = []
    # one customer's rows in every part ("AND ? IS NULL OR ..." would keep SQLite off the index)
    one = customer is not None
    if metric is not None:
        threshold = unhappy_threshold(metric)
        scores = (
            "ans AS (SELECT r.respondent_id AS customer, a.value AS value, "
            "ROW_NUMBER() OVER (PARTITION BY r.respondent_id ORDER BY r.timestamp DESC, r.id DESC) AS k "
            "FROM answers AS a JOIN responses AS r ON r.id = a.response "
            "WHERE a.question = ? AND r.population = ? AND r.respondent_id IS NOT NULL AND r.timestamp < ?"
            f"{' AND r.respondent_id = ?' if one else ''}), "
            "scores AS (SELECT customer, MAX(CASE WHEN k = 1 THEN value END) AS latest, "
            "MAX(CASE WHEN k = 2 THEN value END) AS previous, SUM(value <= ?) AS unhappy FROM ans GROUP BY customer), "
        )
        params += [metric.question, metric.population, as_of, *([customer] if one else [])]
        params.append(threshold if threshold is not None else float("-inf"))
    else:
        scores = "scores AS (SELECT NULL AS customer, NULL AS latest, NULL AS previous, 0 AS unhappy WHERE 0), "
    words = [word.lower() for word in complaint_words] or ["\x00"]
    complaint = " OR ".join("instr(lower(activity || ' ' || COALESCE(touchpoint, '')), ?) > 0" for _ in words)
    if one:
        source = f"({_EVENTS} WHERE case_id = ?)"
        params.append(customer)
    else:
        source = PREPARED if prepared else f"({_EVENTS})"
    events = (
        f"ev AS (SELECT * FROM {source} WHERE ts < ?), "
        f"evs AS (SELECT customer, SUM({complaint}) AS complaints, "
        "SUM(previous_activity = activity AND julianday(ts) - julianday(previous_at) <= ?) AS repeats, "
        "MAX(ts) AS last_event FROM ev GROUP BY customer), "
    )
    params += [as_of, *words, repeat_days]
    answered = (
        "answered AS (SELECT respondent_id AS customer, MAX(timestamp) AS last_answer FROM responses "
        f"WHERE respondent_id IS NOT NULL AND population = ? AND timestamp < ?{' AND respondent_id = ?' if one else ''} "
        "GROUP BY respondent_id), "
    )
    params += [metric.population if metric is not None else "customer", as_of, *([customer] if one else [])]
    if _has_table(store, CASES):
        marks = ", ".join("?" * len(OPEN_STATUSES))
        cases = (
            "open_cases AS (SELECT respondent_id AS customer, COUNT(*) AS open_count, SUM(due < ?) AS overdue_count "
            f"FROM {CASES} WHERE respondent_id IS NOT NULL AND opened < ? "
            f"AND (closed IS NULL OR closed >= ?) AND (closed IS NOT NULL OR status IN ({marks}))"
            f"{' AND respondent_id = ?' if one else ''} GROUP BY respondent_id), "
        )
        params += [as_of, as_of, as_of, *OPEN_STATUSES, *([customer] if one else [])]
    else:
        cases = "open_cases AS (SELECT NULL AS customer, 0 AS open_count, 0 AS overdue_count WHERE 0), "
    if journeys:
        mapping = " UNION ALL ".join("SELECT ? AS journey, ? AS touchpoint, ? AS final" for _ in journeys)
        params += [value for row in journeys for value in (row[0], row[1], int(row[2]))]
    else:
        mapping = "SELECT NULL AS journey, NULL AS touchpoint, 0 AS final WHERE 0"
    drops = (
        f"jt AS ({mapping}), "
        "steps AS (SELECT ev.customer, jt.journey, MAX(jt.final) AS finished, MAX(ev.ts) AS last_step "
        "FROM ev JOIN jt ON jt.touchpoint = ev.activity OR jt.touchpoint = ev.touchpoint "
        "GROUP BY ev.customer, jt.journey), "
        "drops AS (SELECT customer, SUM(finished = 0 AND julianday(?) - julianday(last_step) > ?) AS dropped "
        "FROM steps GROUP BY customer), "
    )
    params += [as_of, DROPOFF_DAYS]
    chosen = ""
    if customers is not None:
        chosen = f" WHERE c.customer IN ({', '.join('?' * len(customers))})"
    sql = (
        f"WITH {scores}{events}{answered}{cases}{drops}"
        "everyone AS (SELECT customer FROM answered UNION SELECT customer FROM evs) "
        "SELECT c.customer, s.latest, CASE WHEN s.previous IS NULL THEN 0 ELSE s.latest - s.previous END, "
        "COALESCE(s.unhappy, 0), COALESCE(e.complaints, 0), COALESCE(e.repeats, 0), "
        "ROUND(julianday(?) - julianday(MAX(COALESCE(a.last_answer, e.last_event), COALESCE(e.last_event, a.last_answer))), 1), "
        "COALESCE(o.open_count, 0), COALESCE(o.overdue_count, 0), COALESCE(d.dropped, 0) "
        "FROM everyone AS c LEFT JOIN scores AS s ON s.customer = c.customer "
        "LEFT JOIN evs AS e ON e.customer = c.customer LEFT JOIN answered AS a ON a.customer = c.customer "
        "LEFT JOIN open_cases AS o ON o.customer = c.customer LEFT JOIN drops AS d ON d.customer = c.customer"
        f"{chosen} ORDER BY c.customer"
    )
    params += [as_of, *(customers or [])]
    rows = store.db.execute(sql, params).fetchall()
    return FeatureTable(
        as_of,
        tuple(str(row[0]) for row in rows),
        tuple(tuple(None if value is None else float(value) for value in row[1:]) for row in rows),
    )
