"""Journey analytics that join the event log to the journey map: funnel, time between stages,
repeat contacts, and the per-touchpoint pain-point overlay.

**Which touchpoint an event is at.** An event's ``touchpoint`` when the
collector mapped one; otherwise its ``activity`` when that is the id of a
touchpoint in ``[[touchpoints]]``; otherwise none. (`event_touchpoint_sql`.)

**Funnel.** A case *reaches* a stage when it has an event at one of the
stage's touchpoints (in any order: an open funnel). For each stage:
``cases`` reaching it; ``conversion``, the share of the cases that reached
the previous stage that also reach this one (for the first stage: the share
of the journey's cases, those with an event at any of its touchpoints); and
``drop_off`` = 1 − ``conversion``. **Time between stages**: for each case that
reached both, from its first event in the previous stage to its first event in
this one (cases that reached this stage first are left out); ``median_seconds``
and ``p90_seconds`` (linear interpolation between order statistics, as numpy's
default).

**Repeat contacts.** An event at a touchpoint is a repeat when the same case
was at the same touchpoint at most ``window`` seconds before (default 7 days):
a customer who has to come back is a pain signal. Loops in the
directly-follows graph (``a → a``) are the same thing seen per activity.

**Pain-point overlay** (`painpoints`), per touchpoint with events:

* ``volume``: its events; ``cases``: the cases with an event there;
* ``score``: the mean of the answers linked to it — observations whose
  ``touchpoint`` is this one, given by a respondent (``respondent_id``) who is
  a case with an event there — each rescaled to 0 (the scale's worst) … 1 (its
  best), reversed for questions whose metric has ``higher_is_better = false``.
  Answers without a scale are left out. ``None`` without linked answers;
* ``drop_off``: of the cases that visited it and are over (their last event
  is more than ``window`` before the log's last event), the share whose last
  event is here. ``None`` for touchpoints of a journey's last stage, where
  ending is completing;
* ``repeat_share``: the share of its events that are repeat contacts;
* ``rank_score`` = *badness* × ``volume`` / the largest ``volume``, where
  *badness* is the mean of the available signals among 1 − ``score`` (only
  when at least the programme's ``min_sample`` answers are linked),
  ``drop_off`` and ``repeat_share``. It lies in 0 … 1: high where much
  traffic meets a bad experience. Ranked by it, highest first.

**How.** One SQL query streams the events sorted by case, exact time and file
order, each with its touchpoint; Python walks each case's events as they
come (first arrival per stage, the previous visit per touchpoint, the last
event). That is a single sort of the log, where window functions and grouped
joins cost three to four times as much on a million events
(docs/performance.md). The linked answers are one aggregate query over
``observations``.
"""

from __future__ import annotations

import json
import math
import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any, TypedDict

from cxframe import InvalidInput, Journey, Store, Touchpoint
from cxframe_journey.analytics import EPOCH_MICROSECONDS, ORDER_TIME
from cxframe_journey.texts import say

_CASE = itemgetter(0)
#: Event columns a funnel can be split by; anything else is read from the event's attributes.
EVENT_COLUMNS = ("channel", "resource", "outcome", "source")


class FunnelStage(TypedDict):
    journey: str
    stage: str
    stage_name: str
    segment: dict[str, str | None]
    cases: int
    conversion: float | None
    drop_off: float | None
    median_seconds: float | None
    p90_seconds: float | None


class RepeatContacts(TypedDict):
    touchpoint: str
    name: str
    events: int
    repeats: int
    repeat_share: float
    cases: int
    cases_repeating: int


class PainPoint(TypedDict):
    touchpoint: str
    name: str
    volume: int
    cases: int
    score: float | None
    answers: int
    drop_off: float | None
    repeat_share: float
    rank_score: float
    evidence: list[str]


def _connection(store: Store | sqlite3.Connection) -> sqlite3.Connection:
    return store if isinstance(store, sqlite3.Connection) else store.db.conn


def event_touchpoint_sql(alias: str = "") -> str:
    """SQL for the touchpoint of an event (see the module docstring); reads the ``:ids`` JSON parameter."""
    prefix = f"{alias}." if alias else ""
    return (
        f"COALESCE({prefix}touchpoint, CASE WHEN {prefix}activity IN (SELECT value FROM json_each(:ids)) "
        f"THEN {prefix}activity END)"
    )


def find_journey(journeys: Iterable[Journey], journey_id: str) -> Journey:
    """The journey with id ``journey_id``; `InvalidInput` listing the known ids otherwise."""
    journeys = list(journeys)
    for journey in journeys:
        if journey.id == journey_id:
            return journey
    known = ", ".join(j.id for j in journeys) or "none in the programme file"
    raise InvalidInput([f"unknown journey {journey_id!r} (journeys: {known})"])


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0…1) of sorted ``values`` by linear interpolation (numpy's default)."""
    position = (len(values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def _segment_sql(by: str) -> tuple[str, dict[str, Any]]:
    if by in EVENT_COLUMNS:
        return by, {}
    if '"' in by:
        raise InvalidInput([f"--by {by!r}: an attribute name cannot contain a double quote"])
    return "json_extract(attributes, :by_path)", {"by_path": f'$."{by}"'}


def _check_segment(conn: sqlite3.Connection, by: str, expression: str, params: dict[str, Any]) -> None:
    found = conn.execute(
        f"SELECT 1 FROM events WHERE {expression} IS NOT NULL AND (:source IS NULL OR source = :source) LIMIT 1",
        params,
    ).fetchone()
    if found:
        return
    sample = conn.execute(
        "SELECT DISTINCT j.key FROM (SELECT attributes FROM events WHERE attributes IS NOT NULL LIMIT 10000) AS e,"
        " json_each(e.attributes) AS j ORDER BY j.key"
    ).fetchall()
    attributes = ", ".join(row[0] for row in sample) or "none"
    raise InvalidInput(
        [
            f"--by {by!r}: no event has a value in that column or attribute "
            f"(columns: {', '.join(EVENT_COLUMNS)}; attributes: {attributes})"
        ]
    )


def _stream(
    conn: sqlite3.Connection,
    touchpoints: Sequence[Touchpoint],
    source: str | None,
    extra: str = "NULL",
    extra_params: dict[str, Any] | None = None,
) -> Iterator[tuple[str, str | None, int, Any]]:
    """``(case_id, touchpoint or None, microseconds, extra)`` of every event, by case, time and file order.

    One sort in SQL; the callers walk each case's events in Python as they
    stream out, which costs a fraction of the equivalent window functions and
    grouped joins (docs/performance.md).
    """
    sql = f"""
        SELECT case_id, {event_touchpoint_sql()} AS tp, {EPOCH_MICROSECONDS} AS t, {extra}
        FROM events NOT INDEXED WHERE (:source IS NULL OR source = :source)
        ORDER BY case_id, t, id
    """
    params = {"ids": json.dumps([t.id for t in touchpoints]), "source": source, **(extra_params or {})}
    return iter(conn.execute(sql, params))


def _by_case(
    rows: Iterator[tuple[str, str | None, int, Any]],
) -> Iterator[tuple[str, list[tuple[str, str | None, int, Any]]]]:
    for case, events in groupby(rows, _CASE):
        yield case, list(events)


def funnel(
    store: Store | sqlite3.Connection,
    journeys: Sequence[Journey],
    touchpoints: Sequence[Touchpoint],
    *,
    journey: str | None = None,
    by: str | None = None,
    source: str | None = None,
) -> list[FunnelStage]:
    """The stage funnel of each journey (or of ``journey``), per value of ``by`` when given.

    One row per journey, segment and stage, stages in map order; segments
    sorted with cases without a value (``None``) last.
    """
    conn = _connection(store)
    chosen = [find_journey(journeys, journey)] if journey is not None else list(journeys)
    extra: str = "NULL"
    extra_params: dict[str, Any] = {}
    if by is not None:
        extra, extra_params = _segment_sql(by)
        _check_segment(conn, by, extra, {"source": source, **extra_params})
    # touchpoint → the stage positions it belongs to, per journey
    positions = [
        {
            tp: [i for i, stage in enumerate(item.stages) if tp in stage.touchpoints]
            for s in item.stages
            for tp in s.touchpoints
        }
        for item in chosen
    ]
    # per journey: segment → list of {stage position → microseconds of the case's first event there}
    groups: list[dict[str | None, list[dict[int, int]]]] = [defaultdict(list) for _ in chosen]
    for _, events in _by_case(_stream(conn, touchpoints, source, extra, extra_params)):
        # the case's segment: the value on its first event that has one
        segment = next((None if value is None else str(value) for *_, value in events if value is not None), None)
        for index, where in enumerate(positions):
            reached: dict[int, int] = {}
            for _, tp, micros, _ in events:
                for position in where.get(tp, ()) if tp is not None else ():
                    reached.setdefault(position, micros)
            if reached:
                groups[index][segment].append(reached)
    rows: list[FunnelStage] = []
    for item, grouped in zip(chosen, groups, strict=True):
        keys = sorted(grouped, key=lambda k: (k is None, k or "")) if by is not None else [None]
        for key in keys:
            segment_of = {by: key} if by is not None else {}
            rows.extend(_funnel_rows(item, grouped.get(key, []), segment_of))
    return rows


def _funnel_rows(journey: Journey, cases: list[dict[int, int]], segment: dict[str, str | None]) -> list[FunnelStage]:
    rows: list[FunnelStage] = []
    for position, stage in enumerate(journey.stages):
        reached = [case for case in cases if position in case]
        if position == 0:
            base = len(cases)
            kept = len(reached)
            durations: list[float] = []
        else:
            before = [case for case in cases if position - 1 in case]
            base = len(before)
            kept = sum(1 for case in before if position in case)
            durations = sorted(
                (case[position] - case[position - 1]) / 1e6
                for case in before
                if position in case and case[position] >= case[position - 1]
            )
        conversion = kept / base if base else None
        rows.append(
            {
                "journey": journey.id,
                "stage": stage.id,
                "stage_name": stage.name,
                "segment": segment,
                "cases": len(reached),
                "conversion": conversion,
                "drop_off": 1 - conversion if conversion is not None else None,
                "median_seconds": statistics.median(durations) if durations else None,
                "p90_seconds": percentile(durations, 0.9) if durations else None,
            }
        )
    return rows


class _Pass:
    """Per-touchpoint counts from one walk over the cases: repeat contacts and drop-offs."""

    def __init__(self) -> None:
        self.events: Counter[str] = Counter()
        self.repeats: Counter[str] = Counter()
        self.cases: Counter[str] = Counter()
        self.cases_repeating: Counter[str] = Counter()
        #: cases over (see the module docstring) that came to the touchpoint, and of those, ended there
        self.over: Counter[str] = Counter()
        self.ended: Counter[str] = Counter()


def _last_event(conn: sqlite3.Connection, source: str | None) -> int | None:
    """Microseconds of the selected log's last event, or None without events."""
    sql = f"SELECT MAX({ORDER_TIME}) FROM events WHERE (:source IS NULL OR source = :source)"
    (latest,) = conn.execute(sql, {"source": source}).fetchone()
    if latest is None:
        return None
    (micros,) = conn.execute(f"SELECT {EPOCH_MICROSECONDS} FROM (SELECT ? AS timestamp)", [latest]).fetchone()
    return int(micros)


def _walk(
    conn: sqlite3.Connection, touchpoints: Sequence[Touchpoint], source: str | None, window_seconds: float
) -> _Pass:
    counts = _Pass()
    latest = _last_event(conn, source)
    if latest is None:
        return counts
    window = int(window_seconds * 1e6)
    cutoff = latest - window
    for _, events in _by_case(_stream(conn, touchpoints, source)):
        previous: dict[str, int] = {}
        repeating: set[str] = set()
        for _, tp, micros, _ in events:
            if tp is None:
                continue
            counts.events[tp] += 1
            before = previous.get(tp)
            if before is not None and micros - before <= window:
                counts.repeats[tp] += 1
                repeating.add(tp)
            previous[tp] = micros
        counts.cases.update(previous.keys())
        counts.cases_repeating.update(repeating)
        _, last_tp, last_time, _ = events[-1]
        if last_time <= cutoff:
            counts.over.update(previous.keys())
            if last_tp is not None:
                counts.ended[last_tp] += 1
    return counts


def _repeat_rows(counts: _Pass, touchpoints: Sequence[Touchpoint]) -> list[RepeatContacts]:
    names = {t.id: t.name for t in touchpoints}
    found: list[RepeatContacts] = [
        {
            "touchpoint": tp,
            "name": names.get(tp, tp),
            "events": count,
            "repeats": counts.repeats[tp],
            "repeat_share": counts.repeats[tp] / count,
            "cases": counts.cases[tp],
            "cases_repeating": counts.cases_repeating[tp],
        }
        for tp, count in counts.events.items()
    ]
    found.sort(key=lambda r: (-r["repeat_share"], -r["events"], r["touchpoint"]))
    return found


def repeat_contacts(
    store: Store | sqlite3.Connection,
    touchpoints: Sequence[Touchpoint],
    *,
    window_seconds: float = 7 * 86400.0,
    source: str | None = None,
) -> list[RepeatContacts]:
    """Repeat contacts per touchpoint with events, the highest repeat share first."""
    return _repeat_rows(_walk(_connection(store), touchpoints, source, window_seconds), touchpoints)


def _scores(
    conn: sqlite3.Connection,
    touchpoints: Sequence[Touchpoint],
    source: str | None,
    lower_is_better: Iterable[str],
    question: str | None,
) -> dict[str, tuple[int, float, list[str]]]:
    """touchpoint → (linked answers, mean rescaled score, questions)."""
    # EXISTS walks the (case_id, timestamp, id) index per answer: answers are far fewer than events
    sql = f"""
        SELECT o.touchpoint, COUNT(*),
               AVG(CASE WHEN o.question IN (SELECT value FROM json_each(:lower))
                        THEN (o.scale_max - o.value) ELSE (o.value - o.scale_min) END
                   / (o.scale_max - o.scale_min)),
               json_group_array(DISTINCT o.question)
        FROM observations AS o
        WHERE o.touchpoint IS NOT NULL AND o.respondent_id IS NOT NULL AND o.population = 'customer'
          AND o.scale_max > o.scale_min AND (:question IS NULL OR o.question = :question)
          AND EXISTS (SELECT 1 FROM events AS e WHERE e.case_id = o.respondent_id
                      AND (:source IS NULL OR e.source = :source) AND {event_touchpoint_sql("e")} = o.touchpoint)
        GROUP BY o.touchpoint
    """
    params = {
        "ids": json.dumps([t.id for t in touchpoints]),
        "source": source,
        "lower": json.dumps(sorted(lower_is_better)),
        "question": question,
    }
    return {tp: (n, mean, sorted(json.loads(questions))) for tp, n, mean, questions in conn.execute(sql, params)}


def _days(seconds: float) -> str:
    return say("days.one") if seconds == 86400 else say("days", days=seconds / 86400)


def painpoints(
    store: Store | sqlite3.Connection,
    journeys: Sequence[Journey],
    touchpoints: Sequence[Touchpoint],
    *,
    window_seconds: float = 7 * 86400.0,
    min_sample: int = 30,
    lower_is_better: Iterable[str] = (),
    question: str | None = None,
    source: str | None = None,
) -> list[PainPoint]:
    """The pain-point overlay per touchpoint with events, ranked by ``rank_score`` (module docstring)."""
    conn = _connection(store)
    counts = _walk(conn, touchpoints, source, window_seconds)
    repeats = {r["touchpoint"]: r for r in _repeat_rows(counts, touchpoints)}
    if not repeats:
        return []
    scores = _scores(conn, touchpoints, source, lower_is_better, question)
    finals = {tp for journey in journeys if journey.stages for tp in journey.stages[-1].touchpoints}
    largest = max(r["events"] for r in repeats.values())
    found: list[PainPoint] = []
    for tp, repeat in repeats.items():
        volume = repeat["events"]
        evidence: list[str] = [say("overlay.volume", volume=volume, cases=repeat["cases"], share=volume / largest)]
        signals: list[float] = []
        answers, score, questions = scores.get(tp, (0, None, []))
        if score is None:
            evidence.append(say("overlay.no_answers"))
        else:
            small = answers < min_sample
            evidence.append(
                say("overlay.score.small", score=score, answers=answers, questions=questions, minimum=min_sample)
                if small
                else say("overlay.score", score=score, answers=answers, questions=questions)
            )
            if not small:
                signals.append(1 - score)
        over, ended = counts.over[tp], counts.ended[tp]
        drop_off: float | None = None
        if tp in finals:
            evidence.append(say("overlay.last_stage"))
        elif over:
            drop_off = ended / over
            signals.append(drop_off)
            evidence.append(say("overlay.drop_off", ended=ended, over=over, share=drop_off))
        else:
            evidence.append(say("overlay.drop_off.unknown", window=_days(window_seconds)))
        signals.append(repeat["repeat_share"])
        evidence.append(
            say(
                "overlay.repeats",
                repeats=repeat["repeats"],
                volume=volume,
                share=repeat["repeat_share"],
                window=_days(window_seconds),
                cases=repeat["cases_repeating"],
            )
        )
        badness = sum(signals) / len(signals)
        found.append(
            {
                "touchpoint": tp,
                "name": repeat["name"],
                "volume": volume,
                "cases": repeat["cases"],
                "score": score,
                "answers": answers,
                "drop_off": drop_off,
                "repeat_share": repeat["repeat_share"],
                "rank_score": round(badness * volume / largest, 6),
                "evidence": evidence,
            }
        )
    found.sort(key=lambda p: (-p["rank_score"], -p["volume"], p["touchpoint"]))
    return found


def seen_touchpoints(
    store: Store | sqlite3.Connection, touchpoints: Sequence[Touchpoint], *, source: str | None = None
) -> dict[str, int]:
    """touchpoint (as events give it) → number of events there."""
    sql = f"""
        SELECT tp, COUNT(*) FROM (
            SELECT {event_touchpoint_sql()} AS tp FROM events WHERE (:source IS NULL OR source = :source)
        ) WHERE tp IS NOT NULL GROUP BY tp ORDER BY tp
    """
    params = {"ids": json.dumps([t.id for t in touchpoints]), "source": source}
    return {tp: count for tp, count in _connection(store).execute(sql, params)}
