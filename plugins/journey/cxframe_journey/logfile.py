"""The direct file path: variants and directly-follows of an event-log file, read once, nothing stored.

``cxframe journey variants LOG --no-store`` (and ``dfg``) and `read_log` are
for looking at a log file; the store path (`cxframe_journey.analytics`) is
for the assessment, where the events must be kept, de-duplicated and
queried again. Both give exactly the same JSON for the same file.

**Same rules as the collectors.** A CSV is read with the ``event-csv``
collector's header check, reject rules and messages (`cxframe_journey.csvlog`)
and the same timestamp rules (ISO-8601 or ``options.timestamp_format``; naive
timestamps in ``options.timezone``, else UTC), through a faster loop that
keeps only what the two analyses need. An XES log is read by the ``xes``
collector itself (lifecycle filter included). A row the collector would
reject is skipped and counted, and `LogSummary` keeps the first few with
their line and reason; a file the collector would refuse (empty, a mapped
column missing from the header, not XES) raises the same `InvalidInput`.

**Layout in memory.** Activities are interned to small ints; each case keeps
two compact arrays, its activity ids (4 bytes an event) and its timestamps as
exact integer microseconds since 1970 UTC (8 bytes), appended in file order.
Reading ends by ordering each case by time with a *stable* sort, so events
with the same timestamp stay in file order: the process-mining convention
that the store path (``ORDER BY case_id, time, id``) and pm4py follow. A case
already in time order (the usual export) is only checked, not sorted.

**Same numbers as the store path.** Durations are ``(later - earlier) /
1e6`` seconds from integer microseconds, as the store path computes them from
its UTC text, and both hand their counts to the same builders
(`analytics.variant_list`, `analytics.graph`), so sorting, shares, means and
medians cannot drift apart.
"""

from __future__ import annotations

import csv
from array import array
from collections import Counter
from typing import Any

import attrs

from cxframe import Event, InvalidInput, Reject, SourceReader
from cxframe_journey import csvlog, timestamps, xes
from cxframe_journey.analytics import DirectlyFollows, Variant, graph, variant_list

#: How many rejected rows a summary keeps with their line and reason (the rest are only counted).
EXAMPLES = 10
#: The collectors the direct path can read.
COLLECTORS = ("event-csv", "xes")


@attrs.frozen
class Rejected:
    """A row the collector would reject: its line (XES: event ordinal) and the reason."""

    line: int
    reason: str


@attrs.frozen
class LogSummary:
    """What reading a log found: rows read, accepted and rejected, with the first rejects."""

    source: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    #: the first `EXAMPLES` rejected rows, in file order
    rejects: tuple[Rejected, ...] = ()
    #: counts the collector reports (XES: events skipped by ``options.lifecycle``)
    notes: dict[str, int] = attrs.field(factory=dict)
    #: what a reject's number counts: a CSV's file ``line``, an XES log's ``event`` (ordinal)
    unit: str = "line"

    def describe(self) -> str:
        """One line for people, then one per rejected row kept: how many rows and why they were left out."""
        text = (
            f"{self.source}: read {self.rows_read} rows: {self.rows_accepted} accepted, "
            f"{self.rows_rejected} rejected; nothing stored (--no-store)"
        )
        if self.notes:
            text += "; " + ", ".join(f"{key}: {count}" for key, count in sorted(self.notes.items()))
        lines = [text]
        lines.extend(f"  rejected {self.unit} {r.line}: {r.reason}" for r in self.rejects)
        if self.rows_rejected > len(self.rejects):
            lines.append(f"  … and {self.rows_rejected - len(self.rejects)} more rejected rows")
        return "\n".join(lines)


class EventLog:
    """The events of one log file, per case, ordered by time (ties in file order); see the module docstring.

    Build one with `read` (or ``cxframe_journey.read_log``); `variants` and
    `dfg` give the public JSON shapes of ``cxframe journey variants`` and ``dfg``.
    """

    def __init__(self, activities: list[str], cases: dict[str, tuple[array[int], array[int]]], summary: LogSummary):
        #: activity names by id
        self.activities = activities
        #: ``case id → (activity ids, integer microseconds)``, each in the case's order
        self.cases = cases
        self.summary = summary

    def __len__(self) -> int:
        """The number of events."""
        return sum(len(ids) for ids, _ in self.cases.values())

    def variants(self) -> list[Variant]:
        """``[{activities, count, share}]``, most frequent first (ties by activities)."""
        # the activity-id arrays' bytes are the variant's key: hashing bytes beats building tuples
        counted = Counter(ids.tobytes() for ids, _ in self.cases.values())
        names = self.activities
        traces = {tuple(names[i] for i in array("i", key)): count for key, count in counted.items()}
        return variant_list(traces)

    def dfg(self) -> DirectlyFollows:
        """``{edges: [{source, target, count, mean_seconds, median_seconds}], start, end}``."""
        names = self.activities
        width = len(names)
        durations: dict[int, array[float]] = {}
        first = [0] * width
        last = [0] * width
        for ids, times in self.cases.values():
            first[ids[0]] += 1
            last[ids[-1]] += 1
            # an edge is one int, source * width + target: cheaper to hash than a pair
            previous, previous_time = ids[0] * width, times[0]
            for index in range(1, len(ids)):
                activity, moment = ids[index], times[index]
                edge = previous + activity
                found = durations.get(edge)
                if found is None:
                    found = durations[edge] = array("d")
                # from integer microseconds, exactly as the store path computes it
                found.append((moment - previous_time) / 1000000.0)
                previous, previous_time = activity * width, moment
        by_name = {(names[edge // width], names[edge % width]): values for edge, values in durations.items()}
        start = {names[i]: count for i, count in enumerate(first) if count}
        end = {names[i]: count for i, count in enumerate(last) if count}
        return graph(by_name, start, end)


class _Builder:
    """Collects events into per-case arrays, interning activities."""

    def __init__(self) -> None:
        self.activity_ids: dict[str, int] = {}
        self.activities: list[str] = []
        self.cases: dict[str, tuple[array[int], array[int]]] = {}

    def add(self, case_id: str, activity: str, micros: int) -> None:
        ids = self.activity_ids
        number = ids.get(activity)
        if number is None:
            number = ids[activity] = len(self.activities)
            self.activities.append(activity)
        found = self.cases.get(case_id)
        if found is None:
            found = self.cases[case_id] = (array("i"), array("q"))
        found[0].append(number)
        found[1].append(micros)

    def log(self, summary: LogSummary) -> EventLog:
        for case_id, (ids, times) in self.cases.items():
            if len(times) > 1 and list(times) != sorted(times):
                # stable: events at the same time keep their file order
                order = sorted(range(len(times)), key=times.__getitem__)
                self.cases[case_id] = (array("i", [ids[i] for i in order]), array("q", [times[i] for i in order]))
        return EventLog(self.activities, self.cases, summary)


class _Rejects:
    def __init__(self) -> None:
        self.count = 0
        self.kept: list[Rejected] = []

    def add(self, line: int, reason: str) -> None:
        self.count += 1
        if len(self.kept) < EXAMPLES:
            self.kept.append(Rejected(line, reason))


def read(source: SourceReader) -> EventLog:
    """Read the log file of ``source`` (collector ``event-csv`` or ``xes``) into an `EventLog`."""
    path = str(source.path)
    if source.collector not in COLLECTORS:
        raise InvalidInput(
            [
                f"source {source.id!r} uses the collector {source.collector!r}; "
                f"without the store only event logs ({', '.join(COLLECTORS)}) can be read"
            ],
            where=path,
        )
    if not source.path.is_file():
        raise InvalidInput([f"source {source.id!r}: file not found"], where=path)
    checker = csvlog.check_options if source.collector == "event-csv" else xes.check_options
    problems = list(checker(source))
    if problems:
        raise InvalidInput([f"source {source.id!r}: {p}" for p in problems], where=path)
    try:
        if source.collector == "event-csv":
            return _read_csv(source)
        return _read_xes(source)
    finally:
        handle = source._handle
        if handle is not None and not handle.closed:
            handle.close()


def _read_csv(source: SourceReader) -> EventLog:
    """`csvlog.read`'s rules through a loop that makes no `Event`: see the module docstring."""
    columns: dict[str, Any] = source.columns
    path = str(source.path)
    delimiter: str = source.option("delimiter", ",")
    parse = timestamps.micros_parser(source.option("timestamp_format"), timestamps.timezone(source.option("timezone")))
    builder = _Builder()
    rejects = _Rejects()
    events = 0
    # the hot loop (a million rows is a normal log): `_Builder.add` inlined, names bound locally
    activity_ids, activities, cases = builder.activity_ids, builder.activities, builder.cases
    line = 0
    try:
        with source.open_text() as handle:
            rows = csv.reader(handle, delimiter=delimiter)
            header = csvlog.read_header(rows, columns, path)
            case_at, activity_at, timestamp_at = (header.index(columns[key]) for key in csvlog.REQUIRED)
            width = len(header)
            end_of_previous = rows.line_num
            for row in rows:
                # the file line the row starts on (a quoted field may span lines)
                line, end_of_previous = end_of_previous + 1, rows.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # a blank line is no row, as in the collector
                events += 1
                if len(row) != width:
                    rejects.add(line, csvlog.wrong_width(width, row))
                    continue
                case_id, activity, when = row[case_at].strip(), row[activity_at].strip(), row[timestamp_at].strip()
                if not (case_id and activity and when):
                    rejects.add(line, csvlog.missing(columns, case_id, activity, when))
                    continue
                try:
                    micros = parse(when)
                except ValueError as exc:
                    rejects.add(line, csvlog.unparsable(columns, exc))
                    continue
                number = activity_ids.get(activity)
                if number is None:
                    number = activity_ids[activity] = len(activities)
                    activities.append(activity)
                found = cases.get(case_id)
                if found is None:
                    found = cases[case_id] = (array("i"), array("q"))
                found[0].append(number)
                found[1].append(micros)
    except UnicodeDecodeError as exc:
        # the ingest's message for the same failure (text is decoded a block ahead: the line is approximate)
        encoding = source.encoding or "the detected encoding"
        raise InvalidInput(
            [
                f"cannot decode as {exc.encoding or encoding} near line {line or 1} "
                f'({exc.reason}); set encoding = "..." for source {source.id!r}'
            ],
            where=path,
        ) from None
    if events == 0:
        raise InvalidInput(["no events: the file has a header but no rows"], where=path)
    summary = LogSummary(
        source=source.id,
        rows_read=events,
        rows_accepted=events - rejects.count,
        rows_rejected=rejects.count,
        rejects=tuple(rejects.kept),
    )
    return builder.log(summary)


def _read_xes(source: SourceReader) -> EventLog:
    """The ``xes`` collector's own events (its rules, lifecycle filter and rejects), kept compactly."""
    builder = _Builder()
    rejects = _Rejects()
    rows = 0
    for ordinal, record in xes.read(source):
        rows += 1
        if isinstance(record, Event):
            builder.add(record.case_id, record.activity, timestamps.micros(record.timestamp))
        elif isinstance(record, Reject):
            rejects.add(ordinal, record.reason)
    summary = LogSummary(
        source=source.id,
        rows_read=rows,
        rows_accepted=rows - rejects.count,
        rows_rejected=rejects.count,
        rejects=tuple(rejects.kept),
        notes=dict(source.notes),
        unit="event",
    )
    return builder.log(summary)
