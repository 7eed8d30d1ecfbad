"""The ingest machinery every collector runs through.

A collector only reads; this module stores. For one source it:

* skips the source when its last ingest read the same bytes with the same
  settings (collector, column mapping, options, encoding: `settings_hash`),
  or when the same bytes were collected by the same collector (as another
  source) and this source's settings did not change;
* when the settings changed, replaces the source's stored records with what
  the new settings read, in the same transaction (never both, never none);
* streams the collector's rows into the store in batches, all inside one
  transaction, so an interrupted ingest (even ``kill -9``) leaves the store as
  it was;
* records every rejected row in ``rejects`` with its line and reason, and
  carries on with the good ones;
* skips records whose key is already stored (re-collecting adds nothing);
* for a collector that reads batches of columns (``batches``), does all of
  the above set-based (`cxframe.ingestion._cleaning`, `cxframe.ingestion._staged`);
* returns an `IngestSummary`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pyarrow.compute as pc
from cattrs.gen import make_dict_unstructure_fn, override

from cxframe.contracts._batches import EventBatches, Reject, Skipped, SurveyBatches
from cxframe.contracts._convert import converter
from cxframe.contracts._errors import CxframeError, InvalidInput
from cxframe.contracts._plugins import Collector
from cxframe.contracts._records import Event, Observation
from cxframe.ingestion._background import iterate_ahead
from cxframe.ingestion._cleaning import EventCleaner, EventRows
from cxframe.ingestion._delimited import delimiter_of
from cxframe.ingestion._sources import EMPTY_FILE, SourceReader, is_empty_file
from cxframe.ingestion._staged import ROWS_PER_INSERT, StagedCounts, ingest_staged
from cxframe.programme._file import file_hashes
from cxframe.store._sqlite import EVENT_COLUMNS, Store, event_row, now_text, observation_row

DEFAULT_BATCH_SIZE = 10_000
#: Sources at least this large, collected into an empty store, are written with a rollback journal
#: (`_pages_written_once`)
ONE_WRITE_BYTES = 8 * 1024 * 1024

#: ``progress(bytes_done, bytes_total)``, called after each batch.
Progress = Callable[[int, int], None]


class CollectorFailed(CxframeError):
    """A collector raised something other than `InvalidInput`: a bug in the plugin.

    ``detail`` keeps the traceback for ``--verbose`` output and bug reports;
    ``cause`` says what went wrong without the file and line (``KeyError:
    'branch'``), as the plugin's failure records it; ``failure`` is that
    record (a `cxframe.host._manager.PluginFailure`: the host's hook
    specifications import this module, so it is not named here), once
    `cxframe.collect` has named the plugin.
    """

    def __init__(self, message: str, detail: str = "", *, cause: str | None = None, failure: object = None) -> None:
        super().__init__(message)
        self.detail = detail
        self.cause = cause if cause is not None else message
        self.failure = failure


def _not_batches(collector: Collector, returned: object) -> CollectorFailed:
    """What to say when a ``batches=`` function returned something else (often a generator of rows)."""
    cause = f"its batches function returned {type(returned).__name__}, expected SurveyBatches or EventBatches"
    message = f"collector {collector.id!r}: {cause} (nothing from this source was stored)"
    if hasattr(returned, "__next__"):
        message += (
            "; a collector that yields (line, record) rows gives its function as read=, not batches= "
            "(docs/writing-a-plugin.md, 'A collector: rows or batches')"
        )
    return CollectorFailed(message, cause=cause)


@attrs.frozen
class IngestSummary:
    """What one ingest did."""

    source: str
    collector: str
    path: str
    unchanged: bool = False
    rows_read: int = 0
    #: rows all of whose values were stored (a skipped answer is no rejected value)
    rows_accepted: int = 0
    #: rows with some values stored and some rejected (e.g. one answer of three out of its scale)
    rows_partial: int = 0
    #: rows nothing could be used from
    rows_rejected: int = 0
    records_stored: int = 0
    records_duplicate: int = 0
    #: records of earlier ingests of the source deleted: all of them because it is now read with other
    #: settings, or those keyed by line because its file was rewritten (`rewritten`)
    records_replaced: int = 0
    #: whether the file changed other than by growing, so that its lines now hold other rows
    rewritten: bool = False
    notes: dict[str, int] = attrs.field(factory=dict)
    ingest_id: int | None = None
    content_hash: str = ""
    #: answers left blank or seen and not answered (Qualtrics' ``-99``) in rows that were stored: not rejects
    answers_skipped: int = 0
    #: what `describe` calls one record read (``EventBatches.record``: an XES log's are events); not in the JSON
    record: str = "row"
    #: what the reading found that is no fault but may have lost rows (`SourceReader.warnings`)
    warnings: list[str] = attrs.field(factory=list)

    def describe(self) -> str:
        if self.unchanged:
            return f"{self.source}: unchanged since it was last collected, nothing to add"
        text = (
            f"{self.source}: read {counted(self.rows_read, self.record)}: {self.rows_accepted} accepted, "
            f"{self.rows_partial} accepted in part, {self.rows_rejected} rejected; "
            f"{counted(self.records_stored, 'record')} stored, {self.records_duplicate} skipped as duplicate"
        )
        if self.records_replaced and self.rewritten:
            text += (
                f"; the file was rewritten, not only added to, so the {counted(self.records_replaced, 'record')} "
                "stored from it before by line number (rows without a response id) "
                f"{'was' if self.records_replaced == 1 else 'were'} replaced"
            )
        elif self.records_replaced:
            text += (
                f"; its settings changed, so the {counted(self.records_replaced, 'record')} stored from it before "
                f"{'was' if self.records_replaced == 1 else 'were'} replaced"
            )
        if self.rows_partial or self.rows_rejected:
            text += " (reasons in the rejects table)"
        if self.answers_skipped:
            answers = "answer" if self.answers_skipped == 1 else "answers"
            text += f"; {self.answers_skipped} {answers} skipped (blank or not answered)"
        if self.notes:
            text += "; " + ", ".join(f"{key}: {count}" for key, count in sorted(self.notes.items()))
        if not self.rows_read:
            text += " — warning: the file has no rows after its header; is it the right file?"
        for warning in self.warnings:
            text += f" — warning: {warning}"
        return text


# `record` only words `describe`: the JSON of a summary (DESIGN §11) keeps its keys
converter.register_unstructure_hook(
    IngestSummary, make_dict_unstructure_fn(IngestSummary, converter, record=override(omit=True))
)


def counted(n: int, noun: str) -> str:
    """``1 row``, ``2 rows``: a count with its noun in the singular or plural (English; the nouns here take -s)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def default_key(record: Observation | Event, line: int) -> str:
    """The key a record gets when its collector gives none.

    Observations with a response id are keyed by source, response and question,
    so a re-exported file with rows added or reordered adds only the new answers;
    other records by source and line (stable for files that only grow). An
    observation's key is its response's key (`response_key`) and its question.
    """
    if isinstance(record, Observation):
        return f"{response_key(record, line)}|{record.question}"
    return f"{record.source}|{line}"


def response_key(observation: Observation, line: int) -> str:
    """The key of the response ``observation`` belongs to: the collector's own ``key``, else derived.

    Derived keys are source and response id, else source and line, so the
    answers of one row share their response.
    """
    if observation.key:
        return observation.key
    if observation.response_id:
        return f"{observation.source}|r:{observation.response_id}"
    return f"{observation.source}|{line}"


def settings_hash(reader: SourceReader, collector: Collector | None = None) -> str:
    """A hash of how a source is read: collector, column mapping, options, encoding and the collector's settings."""
    settings = {
        "collector": reader.collector,
        "columns": reader.columns,
        "options": reader.options,
        "encoding": reader.encoding,
    }
    extra = collector.settings(reader) if collector is not None and collector.settings is not None else None
    if extra:  # only when there are some: the hash of a source read before stays the same
        settings["collector_settings"] = extra
    text = json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def delete_source_records(store: Store, source: str) -> int:
    """Delete what earlier ingests of ``source`` stored; return how many records that was.

    Called inside the ingest's transaction when the source is now read with
    other settings, so its records are replaced rather than duplicated. The
    earlier ingests stay, with their counts, as the history of what was read;
    their rejects give way to the new ingest's (`ingest`).
    """
    conn = store.db.conn
    earlier = "SELECT id FROM ingests WHERE source = ?"
    before = conn.total_changes
    # an answer goes with its response (a collector's own key may put one in another source's response)
    conn.execute(
        f"DELETE FROM answers WHERE ingest_id IN ({earlier}) OR response IN "
        f"(SELECT id FROM responses WHERE ingest_id IN ({earlier}))",
        [source, source],
    )
    conn.execute(f"DELETE FROM events WHERE ingest_id IN ({earlier})", [source])
    records = conn.total_changes - before
    conn.execute(f"DELETE FROM responses WHERE ingest_id IN ({earlier})", [source])
    return records


def _counted_twice(store: Store, reader: SourceReader, ingest_id: int, content_hash: str) -> tuple[str, int] | None:
    """Another source holding answers of this same file (its path or its bytes) to the same questions of the same
    response ids: ``(that source, how many answers)``, or None.

    A file collected on the command line (named by its path) and later
    declared as a ``[[sources]]`` entry would otherwise be counted twice. Two
    sources that read different questions of one file are fine.
    """
    others = [
        row[0]
        for row in store.db.execute(
            "SELECT DISTINCT source FROM ingests WHERE source != ? AND finished_at IS NOT NULL "
            "AND (path = ? OR content_hash = ?)",
            [reader.id, str(reader.path), content_hash],
        )
    ]
    for other in others:
        found = store.db.execute(
            "SELECT COUNT(*) FROM observations AS new JOIN observations AS old "
            "ON old.response_id = new.response_id AND old.question = new.question "
            "WHERE new.ingest_id = ? AND new.response_id IS NOT NULL AND old.source = ?",
            [ingest_id, other],
        ).fetchone()[0]
        if found:
            return other, int(found)
    return None


def _delete_line_keyed_records(store: Store, source: str) -> int:
    """Delete what earlier ingests of ``source`` stored keyed by line; return how many records that was.

    Called inside the ingest's transaction when the source's file was
    rewritten: its line numbers now name other rows. Records with a key that
    names them (a response id, a collector's own key) stay, so a re-export
    still adds only what is new.
    """
    conn = store.db.conn
    earlier = "SELECT id FROM ingests WHERE source = :source"
    # a derived line key is "<source>|<line>" (`default_key`, `response_key`)
    by_line = "substr(key, 1, length(:prefix)) = :prefix AND substr(key, length(:prefix) + 1) GLOB '[0-9]*' "
    by_line += "AND substr(key, length(:prefix) + 1) NOT GLOB '*[^0-9]*'"
    parameters = {"source": source, "prefix": f"{source}|"}
    responses = f"SELECT id FROM responses WHERE ingest_id IN ({earlier}) AND response_id IS NULL AND {by_line}"
    before = conn.total_changes
    conn.execute(f"DELETE FROM answers WHERE response IN ({responses})", parameters)
    conn.execute(f"DELETE FROM events WHERE ingest_id IN ({earlier}) AND {by_line}", parameters)
    records = conn.total_changes - before
    conn.execute(f"DELETE FROM responses WHERE id IN ({responses})", parameters)
    return records


def _ends_a_line(path: Path, size: int) -> bool:
    """Whether the first ``size`` bytes of the file end with a line break (or are none).

    A file read while it was being written may end in half a row; if that
    row is completed later, its line holds another row than the one stored.
    """
    if size == 0:
        return True
    with path.open("rb") as handle:
        handle.seek(size - 1)
        return handle.read(1) in (b"\n", b"\r")


@attrs.frozen
class _LastIngest:
    """What the source's last finished ingest read: its id, the file's hash and size, the settings' hash."""

    id: int
    content_hash: str
    settings_hash: str | None  # None: read before settings were recorded
    content_bytes: int | None  # None: read before sizes were recorded


def _last_ingest(store: Store, source: str) -> _LastIngest | None:
    row = store.db.execute(
        "SELECT id, content_hash, settings_hash, content_bytes FROM ingests WHERE source = ? "
        "AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1",
        [source],
    ).fetchone()
    return None if row is None else _LastIngest(*row)


def _unchanged(
    store: Store,
    reader: SourceReader,
    collector: Collector,
    content: str,
    settings: str,
    last: _LastIngest | None,
) -> tuple[int | None, bool]:
    """``(id of the ingest that makes this one unnecessary, whether the source's settings changed)``.

    ``last`` is the source's last ingest (`_last_ingest`): only it counts, as
    after a mapping change and back the rows are the other mapping's.
    """
    # an ingest from before settings were recorded (NULL) is taken to have today's settings
    changed = last is not None and last.settings_hash is not None and last.settings_hash != settings
    if last is not None and not changed and last.content_hash == content:
        return last.id, False
    if changed:
        return None, True
    # The same bytes already collected by the same collector as another source. A file named on
    # the command line that was collected before (say, as a declared source) adds nothing: its
    # events would be counted twice. Declared sources that read one file with other settings (one
    # maps the customer questions, another the agent questions) are each read.
    sql = "SELECT id FROM ingests WHERE content_hash = ? AND collector = ? AND finished_at IS NOT NULL"
    parameters: list[object] = [content, collector.id]
    if reader.declared:
        sql += " AND (settings_hash IS NULL OR settings_hash = ?)"
        parameters.append(settings)
    already = store.db.execute(sql + " LIMIT 1", parameters).fetchone()
    return (already[0] if already else None), False


@contextlib.contextmanager
def _pages_written_once(store: Store, size: int) -> Iterator[None]:
    """For a large first ingest into an empty store, a rollback journal instead of the WAL while it runs.

    Why: in WAL mode every page is written twice, into the WAL and then by
    the checkpoint into the store, each synced, and the end of a large ingest
    waits on the disk. With a rollback journal the new pages are written
    once and the journal holds almost nothing (a new page has no old
    content), which is faster (figures in docs/performance.md). The ingest is as atomic (a killed one is rolled
    back from the journal when the store is next opened). The price: another
    connection cannot read while the ingest writes, which on an empty store
    loses nothing; and the switch happens only when no other connection has
    the store open (else SQLite keeps the WAL). The WAL is back afterwards.
    """
    conn = store.db.conn
    empty = not conn.execute("SELECT EXISTS (SELECT 1 FROM responses) OR EXISTS (SELECT 1 FROM events)").fetchone()[0]
    if size < ONE_WRITE_BYTES or not empty or conn.in_transaction:
        yield
        return
    try:
        switched = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    except sqlite3.OperationalError:  # another connection holds the store
        switched = False
    try:
        yield
    finally:
        if switched:
            conn.execute("PRAGMA journal_mode = WAL")


def _ingest_rows(
    store: Store,
    reader: SourceReader,
    collector: Collector,
    ingest_id: int,
    batch_size: int,
    progress: Progress | None,
    position: list[int | None],
) -> StagedCounts:
    """Store the records a collector yields one by one (`cxframe.Collector.read`), ``batch_size`` at a time.

    ``position[0]`` follows the line being read, for the messages of `ingest`.
    """
    observations: list[tuple[Observation, int]] = []
    events: list[tuple[Any, ...]] = []
    rejects: list[tuple[Any, ...]] = []
    kinds = {"accepted": 0, "partial": 0, "rejected": 0}
    stored = attempted = rows_read = skipped = 0
    # the row being read: its line, whether it gave a record, a reject, and how many answers it skipped
    line, accepted, rejected, line_skipped = None, False, False, 0

    def flush() -> None:
        nonlocal stored, attempted
        if observations:
            names = sorted({name for o, _ in observations for name in o.segment})
            store.ensure_segment_columns(names)
            rows = [observation_row(o, response_key(o, at), ingest_id, names) for o, at in observations]
            stored += store.insert_observations(rows, names)
            attempted += len(rows)
        if events:
            stored += store.insert_events(events)
            attempted += len(events)
        store.db.conn.executemany(
            "INSERT INTO rejects (ingest_id, source, line, raw, reason) VALUES (?, ?, ?, ?, ?)", rejects
        )
        for held in (observations, events, rejects):
            held.clear()

    def end_row() -> None:
        nonlocal skipped
        # a row that gave no record is rejected, also when it only skipped answers
        kinds["rejected" if not accepted else "partial" if rejected else "accepted"] += 1
        skipped += line_skipped if accepted else 0

    assert collector.read is not None
    for at, record in collector.read(reader):
        if at != line:
            if line is not None:
                end_row()
            line = position[0] = at
            accepted, rejected, line_skipped = False, False, 0
            rows_read += 1
        if isinstance(record, Observation):
            observations.append((record, at))
            accepted = True
        elif isinstance(record, Event):
            events.append(event_row(record, record.key or default_key(record, at), ingest_id))
            accepted = True
        elif isinstance(record, Reject):
            rejects.append((ingest_id, reader.id, at, record.raw, record.reason))
            rejected = True
        elif isinstance(record, Skipped):
            line_skipped += 1
        else:
            cause = f"yielded {record!r} for line {at}, expected an Observation, Event, Reject or Skipped"
            raise CollectorFailed(f"collector {collector.id!r} {cause}", cause=cause)
        if len(observations) + len(events) + len(rejects) >= batch_size:
            flush()
            if progress:
                progress(reader.bytes_done(), reader.size)
    if line is not None:
        end_row()
    flush()
    return StagedCounts(rows_read, kinds["accepted"], kinds["partial"], kinds["rejected"], stored, attempted, skipped)


def _ingest_events(
    store: Store, reader: SourceReader, log: EventBatches, ingest_id: int, progress: Progress | None
) -> StagedCounts:
    """Store an event log's batches: events keyed by source and line, rejects with their line and reason."""
    conn = store.db.conn
    cleaner = EventCleaner(log, delimiter_of(reader))
    width = len(EVENT_COLUMNS)
    # rows bound many to a statement: a statement step costs about a microsecond however many rows it binds
    per_insert = max(1, min(ROWS_PER_INSERT, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))

    def insert(rows: int) -> str:
        values = ", ".join([f"({', '.join('?' * width)})"] * rows)
        return f"INSERT OR IGNORE INTO events ({', '.join(EVENT_COLUMNS)}) VALUES {values}"

    def cleaned() -> Iterator[tuple[EventRows, list[tuple[Any, ...]], tuple[Any, ...], int]]:
        """Each batch cleaned and its rows packed for the inserts: the work done ahead, on the reading thread."""
        step = per_insert * width
        last = 0
        for batch in log.batches:
            rows = cleaner.batch(batch)
            # an event's key is its line: a line given twice would lose an event without a word
            lines = rows.lines
            if len(lines) and (lines[0].as_py() <= last or pc.any(pc.less_equal(lines[1:], lines[:-1])).as_py()):
                cause = f"gave events lines that do not increase, at or after line {last}"
                raise CollectorFailed(
                    f"collector {reader.collector!r} {cause}: each event's line must be its own "
                    "(nothing from this source was stored)",
                    cause=cause,
                )
            last = lines[-1].as_py() if len(lines) else last
            flat = rows.flat(reader.id, ingest_id)
            whole = len(flat) // step * step
            groups = [tuple(flat[i : i + step]) for i in range(0, whole, step)]
            yield rows, groups, tuple(flat[whole:]), batch.bytes_done

    records = accepted = stored = 0
    read = iterate_ahead(cleaned(), ahead=1)
    # the keys of one ingest are its lines: none can clash, so into an empty table the indexes come after
    with contextlib.closing(read), store.indexes_built_after("events"):
        for rows, groups, rest, bytes_done in read:
            before = conn.total_changes
            conn.executemany(insert(per_insert), groups)
            if rest:
                conn.execute(insert(len(rest) // width), rest)
            stored += conn.total_changes - before
            conn.executemany(
                "INSERT INTO rejects (ingest_id, source, line, raw, reason) VALUES (?, ?, ?, ?, ?)",
                [(ingest_id, reader.id, line, raw, reason) for line, raw, reason in rows.rejects],
            )
            records += rows.records
            accepted += len(rows.lines)
            if progress:
                progress(bytes_done, reader.size)
    if not records and log.empty:
        raise InvalidInput([log.empty], where=str(reader.path))
    reader.notes.update(cleaner.notes)
    return StagedCounts(
        rows_read=records,
        accepted=accepted,
        partial=0,
        rejected=records - accepted,
        stored=stored,
        attempted=accepted,
    )


def ingest(
    store: Store,
    reader: SourceReader,
    collector: Collector,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> IngestSummary:
    """Collect one source into the store through ``collector``; see the module docstring."""
    if not reader.path.is_file():
        found = "is a folder, expected a file" if reader.path.is_dir() else "file not found"
        raise reader.problems([found])
    if is_empty_file(reader.path):  # before the mapping: its problems would hide the one that matters
        raise InvalidInput([EMPTY_FILE], where=str(reader.path))
    if collector.check_options is not None:
        problems = list(collector.check_options(reader))
        if problems:
            raise reader.problems(problems)
    total = reader.size
    replaced = 0
    with _pages_written_once(store, total), store.writing():
        # decided holding the write lock: what a collect of the same source running meanwhile stored counts
        last = _last_ingest(store, reader.id)
        content_hash, grown_from = file_hashes(reader.path, last.content_bytes if last else None)
        settings = settings_hash(reader, collector)
        unchanged, replace = _unchanged(store, reader, collector, content_hash, settings, last)
        # a file that changed, and not only by whole lines added at its end: its lines hold other rows now
        rewritten = (
            not replace
            and last is not None
            and last.content_hash != content_hash
            and not (
                grown_from == last.content_hash
                and last.content_bytes is not None
                and _ends_a_line(reader.path, last.content_bytes)
            )
        )
        if unchanged is not None:
            return IngestSummary(
                reader.id,
                collector.id,
                str(reader.path),
                unchanged=True,
                ingest_id=unchanged,
                content_hash=content_hash,
            )
        if replace:
            replaced = delete_source_records(store, reader.id)
        elif rewritten:
            replaced = _delete_line_keyed_records(store, reader.id)
        ingest_id = (
            store.db.table("ingests")
            .insert(
                {
                    "source": reader.id,
                    "path": str(reader.path),
                    "collector": collector.id,
                    "content_hash": content_hash,
                    "content_bytes": reader.path.stat().st_size,
                    "settings_hash": settings,
                    "started_at": now_text(),
                }
            )
            .last_pk
        )
        assert isinstance(ingest_id, int)
        # every ingest reads the whole file, so its rejects replace the earlier ones (the earlier ingests' rows keep
        # their counts as the history); in this transaction, so a failed ingest leaves them as they were
        store.db.execute("DELETE FROM rejects WHERE source = ? AND ingest_id <> ?", [reader.id, ingest_id])
        position: list[int | None] = [None]
        record = "row"
        try:
            if collector.batches is None:
                counts = _ingest_rows(store, reader, collector, ingest_id, batch_size, progress, position)
            else:
                # the collector hands batches of raw columns and a mapping; the core does the rest, set-based
                read = collector.batches(reader)
                if not isinstance(read, SurveyBatches | EventBatches):
                    raise _not_batches(collector, read)
                try:
                    if isinstance(read, EventBatches):
                        record = read.record
                        counts = _ingest_events(store, reader, read, ingest_id, progress)
                    else:
                        counts = ingest_staged(store, reader, read, ingest_id, progress)
                finally:
                    read.close()
        except UnicodeDecodeError as exc:
            encoding = reader.encoding or "the detected encoding"
            raise InvalidInput(
                [
                    f"cannot decode as {exc.encoding or encoding} near line {position[0] or 1} "
                    f'({exc.reason}); set encoding = "..." for source {reader.id!r}'
                ],
                where=str(reader.path),
            ) from None
        except (CxframeError, KeyboardInterrupt):
            raise
        except Exception as exc:
            # a line only once the collector has yielded a row; a batches collector (or a rows one failing
            # before its first row) fails somewhere in the file
            where = (
                f"on {reader.path} near line {position[0]}"
                if position[0] is not None
                else f"while reading {reader.path}"
            )
            raise CollectorFailed(
                f"collector {collector.id!r} failed {where}: "
                f"{type(exc).__name__}: {exc} (nothing from this source was stored)",
                "".join(traceback.format_exception(exc)),
                cause=f"{type(exc).__name__}: {exc}",
            ) from exc
        finally:
            handle = reader._handle
            if handle is not None and not handle.closed:
                handle.close()
        twice = _counted_twice(store, reader, ingest_id, content_hash)
        if twice is not None:
            other, answers = twice
            raise reader.problems(
                [
                    f"{answers} answers of this file are already stored, with the same "
                    f"response ids and questions, as source {other!r}; collecting them again would count them "
                    f"twice. Remove the other with `cxframe forget {other}`, or collect the file under the id "
                    f"{other!r}"
                ],
            )
        summary = IngestSummary(
            source=reader.id,
            collector=collector.id,
            path=str(reader.path),
            rows_read=counts.rows_read,
            rows_accepted=counts.accepted,
            rows_partial=counts.partial,
            rows_rejected=counts.rejected,
            records_stored=counts.stored,
            records_duplicate=counts.attempted - counts.stored,
            records_replaced=replaced,
            rewritten=rewritten and bool(replaced),
            notes=dict(reader.notes),
            ingest_id=ingest_id,
            content_hash=content_hash,
            answers_skipped=counts.skipped,
            record=record,
            warnings=list(reader.warnings),
        )
        # the counts go into the ingest's row under the same names
        counted = attrs.asdict(summary, filter=lambda field, _: field.name.startswith(("rows_", "records_")))
        store.db.table("ingests").update(ingest_id, {"finished_at": now_text(), **counted})
    if progress:
        progress(total, total)
    return summary
