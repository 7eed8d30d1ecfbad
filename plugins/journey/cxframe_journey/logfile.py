"""The direct file path: variants and directly-follows of an event-log file, read once, nothing stored.

``cxframe journey variants LOG --no-store`` (and ``dfg``) and `read_log` are
for looking at a log file; the store path (`cxframe_journey.analytics`) is
for the assessment, where the events must be kept, de-duplicated and
queried again. Both give exactly the same JSON for the same file.

**Same rules, same code as the store path.** The log is read by its
collector (``event-csv`` or ``xes``, as `cxframe.EventBatches`) and its
records are checked by the core's event cleaning (`cxframe.ingestion._cleaning`), as
when it is collected: a row the collector would reject is skipped and
counted, and `LogSummary` keeps the first few with their line and reason; a
file the collector would refuse (empty, a mapped column missing from the
header, not XES) raises the same `InvalidInput`. The events' columns then go
to the same `cxframe_journey.columns.EventColumns` the store path builds,
so sorting, shares, means and medians cannot drift apart.
"""

from __future__ import annotations

import attrs

from cxframe import EventBatches, EventCleaner, InvalidInput, SourceReader
from cxframe_journey import csvlog, xes
from cxframe_journey.columns import Builder, DirectlyFollows, EventColumns, Variant

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
        record = "event" if self.unit == "event" else "row"
        read = f"{self.rows_read} {record}" + ("" if self.rows_read == 1 else "s")
        text = (
            f"{self.source}: read {read}: {self.rows_accepted} accepted, "
            f"{self.rows_rejected} rejected; nothing stored (--no-store)"
        )
        if self.notes:
            text += "; " + ", ".join(f"{key}: {count}" for key, count in sorted(self.notes.items()))
        lines = [text]
        lines.extend(f"  rejected {self.unit} {r.line}: {r.reason}" for r in self.rejects)
        if self.rows_rejected > len(self.rejects):
            more = self.rows_rejected - len(self.rejects)
            lines.append(f"  … and {more} more rejected {record}{'' if more == 1 else 's'}")
        return "\n".join(lines)


class EventLog:
    """The events of one log file as `EventColumns`, and what reading it found; see the module docstring.

    Build one with `read` (or ``cxframe_journey.read_log``); `variants` and
    `dfg` give the public JSON shapes of ``cxframe journey variants`` and ``dfg``.
    """

    def __init__(self, columns: EventColumns, summary: LogSummary) -> None:
        self.columns = columns
        self.summary = summary

    def __len__(self) -> int:
        """The number of events."""
        return len(self.columns)

    def variants(self) -> list[Variant]:
        """``[{activities, count, share}]``, most frequent first (ties by activities)."""
        return self.columns.variants()

    def dfg(self) -> DirectlyFollows:
        """``{edges: [{source, target, count, mean_seconds, median_seconds}], start, end}``."""
        return self.columns.dfg()


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
        raise source.problems(["file not found"])
    collector = csvlog.event_csv if source.collector == "event-csv" else xes.xes
    assert collector.check_options is not None and collector.batches is not None
    problems = list(collector.check_options(source))
    if problems:
        raise source.problems(problems)
    log = collector.batches(source)
    assert isinstance(log, EventBatches)
    cleaner = EventCleaner(log)
    built = Builder()
    rejected: list[Rejected] = []
    records = rejects = 0
    try:
        for batch in log.batches:
            found = cleaner.batch(batch)
            records += found.records
            rejects += len(found.rejects)
            rejected.extend(Rejected(line, reason) for line, _, reason in found.rejects[: EXAMPLES - len(rejected)])
            built.add(found.cases, found.activities, found.timestamps, found.lines)
    finally:
        log.close()
    if not records and log.empty:
        raise InvalidInput([log.empty], where=path)
    summary = LogSummary(
        source=source.id,
        rows_read=records,
        rows_accepted=records - rejects,
        rows_rejected=rejects,
        rejects=tuple(sorted(rejected, key=lambda r: r.line)),
        notes={**source.notes, **cleaner.notes},
        unit="line" if source.collector == "event-csv" else "event",
    )

    return EventLog(built.columns(), summary)
