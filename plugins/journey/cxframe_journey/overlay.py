"""Journey analytics that join the event log to the journey map: funnel, time between stages,
repeat contacts, and the per-touchpoint pain-point overlay.

**Which touchpoint an event is at.** An event's ``touchpoint`` when the
collector mapped one; otherwise its ``activity`` when that is the id of a
touchpoint in ``[[touchpoints]]``; otherwise none. (`event_touchpoint_sql`.)

**Funnel.** A case *reaches* a stage when it has an event at one of the
stage's touchpoints (in any order: an open funnel). For each stage:
``cases`` reaching it; ``conversion``, the share of the cases that reached
the nearest earlier stage that is not optional that also reach this one (for
the first stage, or with only optional stages before it: the share of the
journey's cases, those with an event at any of its touchpoints); and
``drop_off`` = 1 − ``conversion``, except where not reaching the stage is no
drop-off: an optional stage, or a stage after a final one (``optional`` is
true on those rows, and ``drop_off`` None). **Time between stages**: for each
case that reached both, from its first event in that earlier stage to its
first event in this one (cases that reached this stage first are left out);
``median_seconds`` and ``p90_seconds`` (linear interpolation between order
statistics, as numpy's default).

**Final stages.** A stage declared ``final = true``, and the journey's last
stage unless it says ``final = false``: a case with an event at one of a
final stage's touchpoints has completed the journey (`cxframe.Journey.is_final`).

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
  event is here and that never reached a final stage of a journey the
  touchpoint is on. ``None`` for touchpoints of a final stage, where ending
  is completing;
* ``repeat_share``: the share of its events that are repeat contacts.

**Ranking.** Each of the three signals — repeat contacts (of its events),
drop-off (of its finished cases) and a low score (of its answers) — is set
against its *typical* value: the median over the touchpoints on the same
journeys (all touchpoints, for one on no journey) among those with at least
``min_sample`` behind the signal. A signal counts by its *excess* — how much
worse than typical it is — only with at least ``min_sample`` behind it and
when the difference is beyond the noise: the Wilson interval's lower end of
the share above typical, or the score's upper end (mean + z × standard error)
below it, at the programme's confidence. ``rank_score`` = the sum of the
excesses × ``volume`` / the largest ``volume``: high where much traffic meets
an experience clearly worse than the rest of its journeys. Ranked by it,
highest first (ties: more volume first). ``signals`` holds each signal's
``{value, n, typical, excess}``, ``reason`` says in a sentence why the point
ranks where it does, and ``median_wait_seconds`` the median time from the
case's previous contact to its first one here (shown in the evidence next to
the journeys' median, not ranked: a step's own duration, such as a card in
the post, differs by design).

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    optional: bool
    final: bool


class RepeatContacts(TypedDict):
    touchpoint: str
    name: str
    events: int
    repeats: int
    repeat_share: float
    cases: int
    cases_repeating: int


class Signal(TypedDict):
    """One pain signal of a touchpoint against the typical value on its journeys."""

    value: float
    n: int
    typical: float | None
    excess: float


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
    reason: str
    signals: dict[str, Signal]
    median_wait_seconds: float | None


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


def _base(journey: Journey, position: int) -> int | None:
    """The stage a stage's conversion is counted from: the nearest earlier one that is not optional."""
    return next((i for i in range(position - 1, -1, -1) if not journey.stages[i].optional), None)


def _funnel_rows(journey: Journey, cases: list[dict[int, int]], segment: dict[str, str | None]) -> list[FunnelStage]:
    rows: list[FunnelStage] = []
    for position, stage in enumerate(journey.stages):
        reached = [case for case in cases if position in case]
        base_position = _base(journey, position)
        if base_position is None:
            base = len(cases)
            kept = len(reached)
            durations: list[float] = []
        else:
            before = [case for case in cases if base_position in case]
            base = len(before)
            kept = sum(1 for case in before if position in case)
            durations = sorted(
                (case[position] - case[base_position]) / 1e6
                for case in before
                if position in case and case[position] >= case[base_position]
            )
        conversion = kept / base if base else None
        # passing an optional stage by, or a stage after the journey was completed, is no drop-off
        skippable = journey.is_skippable(position)
        rows.append(
            {
                "journey": journey.id,
                "stage": stage.id,
                "stage_name": stage.name,
                "segment": segment,
                "cases": len(reached),
                "conversion": conversion,
                "drop_off": 1 - conversion if conversion is not None and not skippable else None,
                "median_seconds": statistics.median(durations) if durations else None,
                "p90_seconds": percentile(durations, 0.9) if durations else None,
                "optional": skippable,
                "final": journey.is_final(position),
            }
        )
    return rows


class _Pass:
    """Per-touchpoint counts from one walk over the cases: repeat contacts, drop-offs and waits."""

    def __init__(self) -> None:
        self.events: Counter[str] = Counter()
        self.repeats: Counter[str] = Counter()
        self.cases: Counter[str] = Counter()
        self.cases_repeating: Counter[str] = Counter()
        #: cases over (see the module docstring) that came to the touchpoint, and of those, ended there
        #: without having completed a journey the touchpoint is on
        self.over: Counter[str] = Counter()
        self.ended: Counter[str] = Counter()
        #: seconds from the case's previous event (at another touchpoint) to its first event here
        self.waits: defaultdict[str, list[float]] = defaultdict(list)


def _last_event(conn: sqlite3.Connection, source: str | None) -> int | None:
    """Microseconds of the selected log's last event, or None without events."""
    sql = f"SELECT MAX({ORDER_TIME}) FROM events WHERE (:source IS NULL OR source = :source)"
    (latest,) = conn.execute(sql, {"source": source}).fetchone()
    if latest is None:
        return None
    (micros,) = conn.execute(f"SELECT {EPOCH_MICROSECONDS} FROM (SELECT ? AS timestamp)", [latest]).fetchone()
    return int(micros)


def _walk(
    conn: sqlite3.Connection,
    touchpoints: Sequence[Touchpoint],
    source: str | None,
    window_seconds: float,
    completing: Mapping[str, frozenset[str]] | None = None,
) -> _Pass:
    """Count per touchpoint; ``completing`` maps a touchpoint to the final-stage touchpoints of its journeys."""
    counts = _Pass()
    latest = _last_event(conn, source)
    if latest is None:
        return counts
    window = int(window_seconds * 1e6)
    cutoff = latest - window
    completing = completing or {}
    for _, events in _by_case(_stream(conn, touchpoints, source)):
        previous: dict[str, int] = {}
        repeating: set[str] = set()
        last_seen: int | None = None
        for _, tp, micros, _ in events:
            if tp is None:
                continue
            counts.events[tp] += 1
            before = previous.get(tp)
            if before is None and last_seen is not None:
                counts.waits[tp].append((micros - last_seen) / 1e6)
            if before is not None and micros - before <= window:
                counts.repeats[tp] += 1
                repeating.add(tp)
            previous[tp] = micros
            last_seen = micros
        counts.cases.update(previous.keys())
        counts.cases_repeating.update(repeating)
        _, last_tp, last_time, _ = events[-1]
        if last_time <= cutoff:
            counts.over.update(previous.keys())
            # a case that reached a final stage of the journey completed it: ending afterwards is no drop-off
            if last_tp is not None and not completing.get(last_tp, frozenset()) & previous.keys():
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
) -> dict[str, tuple[int, float, float, list[str]]]:
    """touchpoint → (linked answers, mean rescaled score, its standard error, questions)."""
    # EXISTS walks the (case_id, timestamp, id) index per answer: answers are far fewer than events
    sql = f"""
        SELECT touchpoint, COUNT(*), AVG(x), AVG(x * x), json_group_array(DISTINCT question) FROM (
            SELECT o.touchpoint, o.question,
                   CASE WHEN o.question IN (SELECT value FROM json_each(:lower))
                        THEN (o.scale_max - o.value) ELSE (o.value - o.scale_min) END
                   / (o.scale_max - o.scale_min) AS x
            FROM observations AS o
            WHERE o.touchpoint IS NOT NULL AND o.respondent_id IS NOT NULL AND o.population = 'customer'
              AND o.scale_max > o.scale_min AND (:question IS NULL OR o.question = :question)
              AND EXISTS (SELECT 1 FROM events AS e WHERE e.case_id = o.respondent_id
                          AND (:source IS NULL OR e.source = :source) AND {event_touchpoint_sql("e")} = o.touchpoint)
        ) GROUP BY touchpoint
    """
    params = {
        "ids": json.dumps([t.id for t in touchpoints]),
        "source": source,
        "lower": json.dumps(sorted(lower_is_better)),
        "question": question,
    }
    found: dict[str, tuple[int, float, float, list[str]]] = {}
    for tp, n, mean, square, questions in conn.execute(sql, params):
        variance = max(square - mean * mean, 0.0) * n / (n - 1) if n > 1 else 0.0
        found[tp] = (n, mean, math.sqrt(variance / n), sorted(json.loads(questions)))
    return found


def _days(seconds: float) -> str:
    return say("days.one") if seconds == 86400 else say("days", days=seconds / 86400)


def _duration(seconds: float) -> str:
    if seconds >= 86400:
        return say("duration.days", days=seconds / 86400)
    if seconds >= 3600:
        return say("duration.hours", hours=seconds / 3600)
    return say("duration.minutes", minutes=seconds / 60)


def _wilson_low(rate: float, n: int, z: float) -> float:
    """The lower end of the Wilson interval of a share ``rate`` of ``n``: the least the data support."""
    centre = rate + z * z / (2 * n)
    spread = z * math.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


#: What each ranked signal is, for the reason and the evidence.
_SIGNALS = ("repeats", "drop_off", "score")


def _peers(journeys: Sequence[Journey], seen: Iterable[str]) -> dict[str, set[str]]:
    """touchpoint → the touchpoints it is compared with: those on the same journeys (all, when on none)."""
    seen = set(seen)
    peers: dict[str, set[str]] = {tp: set() for tp in seen}
    for journey in journeys:
        on = {tp for stage in journey.stages for tp in stage.touchpoints} & seen
        for tp in on:
            peers[tp] |= on
    return {tp: found or seen for tp, found in peers.items()}


def _excess(kind: str, value: float, n: int, typical: float | None, z: float, error: float = 0.0) -> float:
    """How far a signal is worse than typical, when the data show it beyond their noise; else 0."""
    if typical is None:
        return 0.0
    if kind == "score":  # value is the score: a shortfall counts when even its upper bound is below typical
        return typical - value if value + z * error < typical else 0.0
    return value - typical if _wilson_low(value, n, z) > typical else 0.0


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
    confidence: float = 0.95,
) -> list[PainPoint]:
    """The pain-point overlay per touchpoint with events, ranked by ``rank_score`` (module docstring)."""
    conn = _connection(store)
    completing: dict[str, frozenset[str]] = defaultdict(frozenset)
    for journey in journeys:
        finals = journey.final_touchpoints()
        for stage in journey.stages:
            for tp in stage.touchpoints:
                completing[tp] |= finals
    ends = {tp for journey in journeys for tp in journey.final_touchpoints()}
    counts = _walk(conn, touchpoints, source, window_seconds, completing)
    repeats = {r["touchpoint"]: r for r in _repeat_rows(counts, touchpoints)}
    if not repeats:
        return []
    scores = _scores(conn, touchpoints, source, lower_is_better, question)
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2)
    # each touchpoint's raw signals: (value, sample size); the typical value is their median over its peers
    raw: dict[str, dict[str, tuple[float, int]]] = {}
    for tp, repeat in repeats.items():
        raw[tp] = {"repeats": (repeat["repeat_share"], repeat["events"])}
        if tp not in ends and counts.over[tp]:
            raw[tp]["drop_off"] = (counts.ended[tp] / counts.over[tp], counts.over[tp])
        if tp in scores:
            raw[tp]["score"] = (scores[tp][1], scores[tp][0])
    peers = _peers(journeys, repeats)

    def typical(kind: str, tp: str) -> float | None:
        values = [raw[p][kind][0] for p in peers[tp] if kind in raw[p] and raw[p][kind][1] >= min_sample]
        return statistics.median(values) if values else None

    def typical_wait(tp: str) -> float | None:
        waits = sorted(w for p in peers[tp] for w in counts.waits.get(p, ()))
        return statistics.median(waits) if waits else None

    largest = max(r["events"] for r in repeats.values())
    found: list[PainPoint] = []
    for tp, repeat in repeats.items():
        volume = repeat["events"]
        signals: dict[str, Signal] = {}
        for kind, (value, n) in raw[tp].items():
            usual = typical(kind, tp)
            error = scores[tp][2] if kind == "score" else 0.0
            excess = _excess(kind, value, n, usual, z, error) if n >= min_sample else 0.0
            signals[kind] = {"value": value, "n": n, "typical": usual, "excess": round(excess, 6)}
        waits = sorted(counts.waits.get(tp, ()))
        answers, score, _, questions = scores.get(tp, (0, None, 0.0, []))
        context = (counts, tp, tp in ends, waits, typical_wait(tp), min_sample, largest, window_seconds)
        evidence = _evidence(repeat, signals, questions, *context)
        found.append(
            {
                "touchpoint": tp,
                "name": repeat["name"],
                "volume": volume,
                "cases": repeat["cases"],
                "score": score,
                "answers": answers,
                "drop_off": signals["drop_off"]["value"] if "drop_off" in signals else None,
                "repeat_share": repeat["repeat_share"],
                "rank_score": round(sum(s["excess"] for s in signals.values()) * volume / largest, 6),
                "evidence": evidence,
                "reason": "",
                "signals": signals,
                "median_wait_seconds": statistics.median(waits) if len(waits) >= min_sample else None,
            }
        )
    found.sort(key=lambda p: (-p["rank_score"], -p["volume"], p["touchpoint"]))
    for rank, point in enumerate(found, start=1):
        point["reason"] = _reason(point, rank, len(found), point["touchpoint"] in ends, min_sample, window_seconds)
    return found


def _evidence(
    repeat: RepeatContacts,
    signals: Mapping[str, Signal],
    questions: list[str],
    counts: _Pass,
    tp: str,
    end: bool,
    waits: list[float],
    usual_wait: float | None,
    min_sample: int,
    largest: int,
    window_seconds: float,
) -> list[str]:
    """The lines that spell out a pain point's figures, each with its sample size and the typical value."""
    volume = repeat["events"]
    lines: list[str] = [say("overlay.volume", volume=volume, cases=repeat["cases"], share=volume / largest)]
    score = signals.get("score")
    if score is None:
        lines.append(say("overlay.no_answers"))
    else:
        small = score["n"] < min_sample
        figures = {"score": score["value"], "answers": score["n"], "questions": questions}
        if small:
            figures["minimum"] = min_sample
        key = "overlay.score.small" if small else "overlay.score"
        if score["typical"] is not None:
            key, figures["typical"] = f"{key}.vs", score["typical"]
        lines.append(say(key, **figures))
    drop = signals.get("drop_off")
    if end:
        lines.append(say("overlay.final_stage"))
    elif drop is not None:
        ended, over = counts.ended[tp], counts.over[tp]
        lines.append(
            say("overlay.drop_off", ended=ended, over=over, share=drop["value"])
            if drop["typical"] is None
            else say("overlay.drop_off.vs", ended=ended, over=over, share=drop["value"], typical=drop["typical"])
        )
    else:
        lines.append(say("overlay.drop_off.unknown", window=_days(window_seconds)))
    repeats = signals["repeats"]
    figures = {
        "repeats": repeat["repeats"],
        "volume": volume,
        "share": repeat["repeat_share"],
        "window": _days(window_seconds),
        "cases": repeat["cases_repeating"],
    }
    if repeats["typical"] is None:
        lines.append(say("overlay.repeats", **figures))
    else:
        lines.append(say("overlay.repeats.vs", typical=repeats["typical"], **figures))
    if len(waits) >= min_sample and usual_wait is not None:
        # shown, not ranked: a step's own duration (a card in the post, an investigation) differs by design
        lines.append(
            say(
                "overlay.wait",
                median=_duration(statistics.median(waits)),
                cases=len(waits),
                usual=_duration(usual_wait),
            )
        )
    return lines


def _reason(point: PainPoint, rank: int, total: int, end: bool, min_sample: int, window_seconds: float) -> str:
    """Why the point ranks where it does, in a sentence a CX lead can check against the evidence."""
    signals = point["signals"]
    worse = sorted((s for s in signals.items() if s[1]["excess"] > 0), key=lambda s: -s[1]["excess"])
    if worse:
        said = [
            say(
                f"reason.{kind}",
                value=signal["value"],
                typical=signal["typical"],
                count=say(f"count.{kind}", n=signal["n"]),
                **({"window": _days(window_seconds)} if kind == "repeats" else {}),
            )
            for kind, signal in worse
        ]
        joined = said[-1]
        for earlier in reversed(said[:-1]):  # "a, and b, and c"
            joined = say("and", first=earlier, rest=joined)
        events = say("count.events", n=point["volume"])
        return say("reason.ranked", rank=rank, total=total, signals=joined, events=events, score=point["rank_score"])
    notes: list[str] = []
    if end:
        notes.append(say("reason.note.final"))
    for kind, signal in signals.items():
        if signal["n"] < min_sample:
            notes.append(say(f"reason.note.few.{kind}", n=signal["n"], minimum=min_sample))
        elif signal["typical"] is not None and _worse(kind, signal):
            notes.append(say(f"reason.note.noise.{kind}", count=say(f"count.{kind}", n=signal["n"])))
    if not notes:
        return say("reason.quiet", rank=rank, total=total)
    listed: str = notes[-1]
    for note in reversed(notes[:-1]):  # "a; b; c"
        listed = say("also", first=note, rest=listed)
    return say("reason.none", rank=rank, total=total, notes=listed)


def main_signal(point: PainPoint) -> tuple[str, str] | None:
    """The signal that weighs most in a pain point's rank and its figures in a phrase; None when none is worse."""
    worse = [(kind, signal) for kind, signal in point["signals"].items() if signal["excess"] > 0]
    if not worse:
        return None
    kind, signal = max(worse, key=lambda item: item[1]["excess"])
    return kind, say(f"signal.{kind}", value=signal["value"], count=signal["n"], typical=signal["typical"])


def _worse(kind: str, signal: Signal) -> bool:
    typical = signal["typical"]
    assert typical is not None
    return signal["value"] < typical if kind == "score" else signal["value"] > typical


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
