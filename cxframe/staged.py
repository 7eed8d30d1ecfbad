"""The set-based ingest of a `cxframe.extensions.StagedSurvey`: raw rows in, observations out.

Why: validating each survey row through an `Observation` (a 20-column row
tuple, timestamp text, a de-duplication dict) cost ~100 µs a row, and doing
the same conversions in one SQL pass over the raw cells still cost ~14 µs a
row (string functions for ISO-8601, Python's whitespace rules in ``trim``).
Here one lean Python loop turns each raw row into the values it stores — with
the collector's own functions, so the rules are the streaming path's — and
SQLite does what is set-based:

Inside the ingest's transaction (so ``kill -9`` leaves the store as it was):

1. **clean** (`_Cleaner.chunks`, in a forked child process for a large file
   where `cxframe.background` can): each row's UTC timestamp and offset
   (`timestamp_reader`: ``datetime.fromisoformat`` for plain ISO-8601, the
   collector's parser otherwise), its stripped texts, its weight, its answers'
   values (converted once per distinct cell text) and one *profile* number for
   its touchpoint, channel and segments, in chunks of `CHUNK` records. The raw
   record and the reject reasons go to ``temp.cx_raw`` only for rows that are
   or may be rejected; records that are not a row (wrong number of fields) to
   ``temp.cx_bad``. A bitmap of the response ids seen marks the rows that
   *may* repeat one (it never misses one).
2. **stage and store each chunk** as it comes: its rows into ``temp.cx_clean``
   (`ROWS_PER_INSERT` to a statement), then its responses and answers
   (`_ResponseWriter`); progress is reported between chunks. Marked rows wait.
3. **repeats**: a response id seen on an earlier line with a usable
   timestamp makes the row a duplicate, as in the streaming path, whose order
   of checks (timestamp, duplicate, weight, answers) is kept. SQL finds each
   marked row's first occurrence; the marked rows that repeat nothing are
   stored then.
4. **rejects** in line order, and the counts for the summary (the loop's
   tally, less the repeats).
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
import itertools
import logging
import marshal
import math
import operator
import os
import re
import sqlite3
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import attrs

from cxframe.background import child_process_available, iterate_in_child
from cxframe.extensions import Reject, StagedCsv, StagedQuestion, StagedSurvey
from cxframe.store import Store, utc_text

if TYPE_CHECKING:
    from cxframe.sources import SourceReader

#: Records read per ``executemany`` call; progress is reported between chunks.
CHUNK = 10_000
#: Most ``cx_clean`` rows bound to one ``INSERT`` (see `_Chunk.pack`).
ROWS_PER_INSERT = 200
#: Sources at least this large are read in a child process (`cxframe.background`) where one is available:
#: below it, starting the process costs more than the overlap saves.
CHILD_PROCESS_BYTES = 8 * 1024 * 1024
#: Sources at least this large with a `cxframe.extensions.StagedCsv` layout are read column-wise by pyarrow
#: (`cxframe.columnar`) where it is installed and ``CXFRAME_COLUMNAR`` is not ``0``: below it, importing
#: pyarrow (~0.15 s) costs more than it saves.
COLUMNAR_BYTES = 8 * 1024 * 1024
#: Distinct texts a conversion cache keeps before it starts over: answers and
#: weights repeat a lot, but a free-number column must not grow without bound.
CACHE_LIMIT = 100_000
#: Most bits in the map of response ids seen (32 MiB). The map gets a bit for every one or two bytes
#: of the source (8 MiB for a million 117-byte rows), so that about 1 % of rows is marked as a
#: possible repeat: each costs a staged raw text, and any at all one scan of the staged ids.
SEEN_BITS = 1 << 28
#: A timestamp already in the stored form (``2026-03-01T08:30:00.000000Z``), or but for its fraction or its
#: ``Z``: the usual export, turned into stored text by slicing, once ``fromisoformat`` accepts its values.
_CANONICAL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?(Z?)").fullmatch
#: Plain ISO-8601, which the ingest reads itself (`cxframe.StagedSurvey`): ``YYYY-MM-DD[ T]HH:MM:SS``,
#: a fraction of 1–6 digits, then ``Z``, ``±HH:MM`` or nothing; or a bare date.
_PLAIN = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?"
).fullmatch
#: Why a row of a weighted source without its weight is rejected (the streaming path's rule too): counting it
#: as 1 would be a guess, and a bad one where weights are expansion factors (a respondent standing for 250).
BLANK_WEIGHT = "weight is blank (the source maps a weight column, so every response needs its weight)"
log = logging.getLogger(__name__)
_TEMP = ("cx_clean", "cx_raw", "cx_bad", "cx_marked", "cx_profile", "cx_question")


@attrs.frozen
class StagedCounts:
    """What `ingest_staged` did, in the terms of `cxframe.ingest.IngestSummary`."""

    rows_read: int
    accepted: int
    partial: int
    rejected: int
    #: observations inserted (new keys) and observations that were valid (new or duplicate keys)
    stored: int
    attempted: int


#: ``(UTC text, offset, None)`` or ``(None, None, reason)``: what `timestamp_reader` gives for a cell.
Stamp = tuple[str | None, str | None, str | None]


def timestamp_reader(staged: StagedSurvey) -> Callable[[str], Stamp]:
    """What the streaming path stores for a timestamp cell of ``staged``, made fast for the usual texts.

    The streaming path parses with the collector's ``parse_timestamp`` (strip,
    ``datetime.fromisoformat``, then its own formats and zone) and stores
    `cxframe.store.utc_text`. Plain ISO-8601 (`_PLAIN`, the texts a
    `cxframe.StagedSurvey` leaves to the ingest) is read here with
    ``fromisoformat``: a UTC time, or one without offset when
    ``staged.naive_utc``, only needs reformatting — by slicing when the text
    is already in the stored shape but for its fraction or ``Z`` (~0.5 µs),
    else with ``isoformat`` (~1.5 µs) — and a time with an offset goes
    through ``utc_text`` as it would in the streaming path. Any other text (a
    source time zone, another format, padding, garbage) goes to the
    collector's ``parse_timestamp``, cached per distinct text (up to
    `CACHE_LIMIT` of them). A closure, not a class: it is called once per row.
    """
    naive_utc = staged.naive_utc
    parse = dt.datetime.fromisoformat
    plain = _PLAIN
    utc_zone = dt.UTC
    canonical = _CANONICAL
    cache: dict[str, Stamp] = {}

    def slow(text: str) -> Stamp:
        parsed = staged.parse_timestamp(text)
        if parsed is None:
            return None, None, f"unparsable timestamp {text!r} (expected {staged.timestamp_expected})"
        try:
            return (*utc_text(parsed), None)
        except OverflowError:
            return None, None, f"timestamp {text!r} is out of range in UTC"

    def read(text: str) -> Stamp:
        shape = canonical(text)
        if shape is not None and (shape[2] or naive_utc):
            try:
                parse(text)  # only to check the values: 2026-02-30 has the shape
            except ValueError:
                pass
            else:
                return f"{text[:19]}{shape[1] or '.000000'}Z", ("+00:00" if shape[2] else None), None
        try:
            parsed = parse(text) if plain(text) else None
        except ValueError:  # 2026-02-30 and 24:00 have the shape
            parsed = None
        if parsed is not None:
            zone = parsed.tzinfo
            # ``utc_text``'s text, cheaper: isoformat leaves out a zero fraction, and a UTC time needs no shift
            if zone is utc_zone:  # fromisoformat gives the UTC singleton for Z, +00:00 and -00:00
                naive = parsed.isoformat()[:-6]  # without its "+00:00"
                return naive + (".000000Z" if not parsed.microsecond else "Z"), "+00:00", None
            if zone is None and naive_utc:
                return parsed.isoformat() + (".000000Z" if not parsed.microsecond else "Z"), None, None
            if zone is not None:  # an offset: what the streaming path does with the same parse
                try:
                    return (*utc_text(parsed), None)
                except OverflowError:
                    return None, None, f"timestamp {text!r} is out of range in UTC"
        hit = cache.get(text)
        if hit is None:
            if len(cache) >= CACHE_LIMIT:
                cache.clear()
            hit = cache[text] = slow(text)
        return hit

    return read


def _cells(columns: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The cells of ``columns`` of a row, as a tuple (``itemgetter`` of one column gives the cell itself)."""
    if len(columns) > 1:
        return operator.itemgetter(*columns)
    return lambda row: tuple(row[i] for i in columns)


def _weight(text: str) -> tuple[float | None, str | None]:
    """The streaming path's weight rule: a finite number greater than 0 (blank: rejected, `BLANK_WEIGHT`)."""
    text = text.strip()
    if not text:
        return None, BLANK_WEIGHT
    try:
        weight = float(text)
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight) or weight <= 0:
        return None, f"weight {text!r} is not a positive number"
    return weight, None


class Declined(Exception):
    """The columnar reader cannot promise the row-at-a-time reader's result for a source; ``str()`` says why."""


def columnar_available(staged: StagedSurvey, size: int) -> bool:
    """Whether the source is read column-wise: a large CSV layout, pyarrow installed, not switched off."""
    return (
        staged.csv is not None
        and size >= COLUMNAR_BYTES
        and os.environ.get("CXFRAME_COLUMNAR", "1") != "0"
        and importlib.util.find_spec("pyarrow") is not None
    )


#: ``(value, None)`` or ``(None, reason)``: an answer or a weight as the streaming path reads it
Scored = tuple[float | None, str | None]


def score_cell(question: StagedQuestion, cache: dict[str, Scored], cell: str) -> Scored:
    """An answer cell as the streaming path scores it (stripped; blank is a reason), once per distinct cell."""
    hit = cache.get(cell)
    if hit is None:
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        text = cell.strip()
        hit = cache[cell] = question.score(text) if text else (None, f"{question.id}: blank")
    return hit


def ingest_staged(
    store: Store,
    reader: SourceReader,
    staged: StagedSurvey,
    ingest_id: int,
    progress: Callable[[int, int], None] | None = None,
) -> StagedCounts:
    """Store one staged survey source; call inside the ingest's transaction.

    The staging tables of the previous staged ingest on this connection are
    dropped first; the last ones go with the connection. Why not at the end:
    dropping a million staged rows costs ~0.2 s, and closing the connection
    deletes its temporary file at once. A source the columnar reader declines
    (`Declined`) is read again row at a time, what it stored rolled back.
    """
    conn = store.db.conn
    try:
        if columnar_available(staged, reader.size):
            conn.execute("SAVEPOINT cx_columnar")
            try:
                counts = _ingest(store, conn, reader, staged, ingest_id, progress, columnar=True)
            except Declined as declined:
                conn.execute("ROLLBACK TO cx_columnar")
                conn.execute("RELEASE cx_columnar")
                log.info("source %r: read row by row, as the columnar reader declined it: %s", reader.id, declined)
            else:
                conn.execute("RELEASE cx_columnar")
                log.info("source %r: read column-wise", reader.id)
                return counts
        return _ingest(store, conn, reader, staged, ingest_id, progress, columnar=False)
    finally:
        staged.close()


def _columnar_chunks(
    cleaner: _Cleaner, layout: StagedCsv, size: int, per_insert: int
) -> Generator[_Chunk | _Tally, None, None]:
    """`cxframe.columnar.ColumnarReader`'s chunks; pyarrow is imported where they are made (the reading process)."""
    from cxframe.columnar import ColumnarReader

    yield from ColumnarReader(cleaner, layout).chunks(size, per_insert)


class _Cleaner:
    """Turns staged rows into ``cx_clean`` rows and, for the few that are or may be rejected, ``cx_raw`` rows.

    ``cx_clean (line, ts, off, rid, weight, profile, *texts, *values)``: one
    row per record with a usable timestamp. ``profile`` numbers the row's
    touchpoint, channel and segments together: they take few values, so a
    ``cx_profile (code, touchpoint, channel, *segments)`` row is made once
    per combination and each row binds one number instead of several texts.
    Texts are stripped, NULL when blank; a value is NULL where the answer is
    rejected, and every value is NULL when the weight is.
    ``cx_raw (line, raw, reason, *answer reasons)``: a record
    whose timestamp or weight is rejected (``reason``), one with a rejected
    answer, and one that may repeat an earlier response id, with the record
    as the streaming path shows it. Keeping the rare columns out of
    ``cx_clean`` matters: every bound value costs the staging ~0.2 µs a row.
    """

    def __init__(self, staged: StagedSurvey, size: int) -> None:
        self.staged = staged
        #: bits of the map of ids seen: a power of two, from the source's size in bytes
        self.seen_bits = min(SEEN_BITS, 1 << max(16, (size // 2).bit_length()))
        #: per-row texts in cx_clean, and the touchpoint and channel in cx_profile (those mapped)
        self.text_names = [name for name in ("respondent_id", "comment") if name in staged.fields]
        self.profile_names = [name for name in ("touchpoint", "channel") if name in staged.fields]
        self.segments = list(staged.segments.items())

    def clean_columns(self) -> list[str]:
        return [
            "line",
            "ts",
            "off",
            "rid",
            "weight",
            "profile",
            *self.text_names,
            *(f"v{i}" for i in range(len(self.staged.questions))),
        ]

    def profile_columns(self) -> list[str]:
        return ["code", *self.profile_names, *(f"seg{i}" for i in range(len(self.segments)))]

    def raw_columns(self) -> list[str]:
        return ["line", "raw", "reason", *(f"r{i}" for i in range(len(self.staged.questions)))]

    def chunks(
        self, size: int, bytes_done: Callable[[], int], per_insert: int = 1
    ) -> Generator[_Chunk | _Tally, None, None]:
        """A `_Chunk` for each ``size`` records read, then the `_Tally` of them all.

        A chunk is cut by records read, not rows staged, so that neither its
        rejects nor its rows grow past ``size`` even when every record is
        rejected (a mis-mapped timestamp column). Blank records are skipped.
        This loop runs once per row: it looks values up in caches keyed by the
        raw cells and leaves the rest to SQL. It may run in another process
        (`cxframe.background`): what it yields is all the ingest gets. Its
        ``cx_clean`` rows come ``per_insert`` to a tuple (`_Chunk.pack`).
        """
        staged = self.staged
        stamp = timestamp_reader(staged)
        ts_at = staged.timestamp
        rid_at = staged.fields.get("response_id")
        weight_at = staged.fields.get("weight")
        weights: dict[str, tuple[float | None, str | None]] = {}
        texts = [staged.fields[name] for name in self.text_names]
        text_cells = _cells(texts)
        profile_cells = _cells([*(staged.fields[name] for name in self.profile_names), *(i for _, i in self.segments)])
        profiles: dict[tuple[str, ...], int] = {}
        next_profile = 0
        strip = str.strip
        questions = staged.questions
        answer_cells = _cells([q.column for q in questions])
        # a row's answers, all questions at once (few distinct combinations in practice):
        # (values, reasons or None when all are usable, number of usable answers)
        answers: dict[tuple[str, ...], tuple[tuple[Any, ...], tuple[Any, ...] | None, int]] = {}
        scores: list[dict[str, Scored]] = [{} for _ in questions]

        def score_row(cells: tuple[str, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...] | None, int]:
            scored = [score_cell(q, cache, cell) for q, cache, cell in zip(questions, scores, cells, strict=True)]
            reasons = tuple(r for _, r in scored)
            usable = sum(v is not None for v, _ in scored)
            return tuple(v for v, _ in scored), (reasons if usable < len(scored) else None), usable

        no_values = (None,) * len(questions)
        no_reasons = no_values
        #: rows with a usable timestamp and weight by their number of usable answers (repeats included)
        answered = [0] * (len(questions) + 1)
        count = 0  # non-blank records that are rows
        seen = bytearray(max(1, self.seen_bits // 8))
        mask = self.seen_bits - 1
        chunk = _Chunk()
        append, raw = chunk.rows.append, chunk.raw
        read = kept = 0
        parse = dt.datetime.fromisoformat
        blank_as_none: Callable[[str, str], str | None] = {"": None}.get  # (text, text): None for "", else text
        ts: str | None
        off: str | None
        for row in staged.rows:
            read += 1
            if read > size:
                chunk.kept = kept
                chunk.pack(per_insert, bytes_done())
                yield chunk
                chunk, read, kept = _Chunk(), 1, 0
                append, raw = chunk.rows.append, chunk.raw
            if type(row) is not list:
                line, reject = row
                assert isinstance(reject, Reject)
                chunk.bad.append((line, reject.raw, reject.reason))
                continue
            line = row.pop()  # the line the reader appended; ``row`` is the cells now
            text = row[ts_at]
            # the usual export (2026-03-01T08:30:00Z) inline, by its separators: cheaper than a call and a pattern;
            # the same text as `timestamp_reader` gives
            if (
                len(text) == 20
                and text[19] == "Z"
                and text[10] == "T"
                and text[4] == text[7] == "-"
                and text[13] == text[16] == ":"
            ):
                try:
                    parse(text)  # the digits and values: 2026-02-30 has the shape
                    ts, off, reason = text[:19] + ".000000Z", "+00:00", None
                except ValueError:
                    ts, off, reason = stamp(text)
            else:
                ts, off, reason = stamp(text)
            if ts is None:
                if "".join(row).strip():
                    count += 1
                    raw.append((line, ",".join(row), reason, *no_reasons))
                # else: a record whose every cell is blank is skipped, as the readers skip blank lines
                continue
            count += 1
            rid = (row[rid_at].strip() or None) if rid_at is not None else None
            maybe_repeat = False
            if rid is not None:
                # only rows with a usable timestamp claim their id, as in the streaming path
                bit = hash(rid) & mask
                byte, flag = bit >> 3, 1 << (bit & 7)
                if seen[byte] & flag:
                    maybe_repeat = True  # SQL decides
                    chunk.marked.append((line,))
                else:
                    seen[byte] |= flag
            weight = None
            if weight_at is not None:
                cell = row[weight_at]
                hit = weights.get(cell)
                if hit is None:
                    if len(weights) >= CACHE_LIMIT:
                        weights.clear()
                    hit = weights[cell] = _weight(cell)
                weight, reason = hit
            if reason is None:
                cells = answer_cells(row)
                both = answers.get(cells)
                if both is None:
                    if len(answers) >= CACHE_LIMIT:
                        answers.clear()
                    both = answers[cells] = score_row(cells)
                values, reasons, usable = both
                answered[usable] += 1
                if reasons is not None or maybe_repeat:
                    raw.append((line, ",".join(row), None, *(reasons or no_reasons)))
                if usable and not maybe_repeat:
                    kept += 1
            else:
                values = no_values
                raw.append((line, ",".join(row), reason, *no_reasons))
            cells = profile_cells(row)
            profile = profiles.get(cells)
            if profile is None:
                if len(profiles) >= CACHE_LIMIT:
                    profiles.clear()  # a combination seen again gets a new code: as right, and memory stays bounded
                profile = profiles[cells] = next_profile
                next_profile += 1
                cells = tuple(map(strip, cells))
                chunk.profiles.append((profile, *map(blank_as_none, cells, cells)))
            cells = tuple(map(strip, text_cells(row)))
            append((line, ts, off, rid, weight, profile, *map(blank_as_none, cells, cells), *values))
        chunk.kept = kept
        chunk.pack(per_insert, bytes_done())
        yield chunk
        yield _Tally(count=count, answered=answered)


@attrs.define
class _Chunk:
    """What the cleaning loop made of some records: ``cx_clean`` and ``cx_raw`` rows, bad records, marked lines."""

    rows: list[tuple[Any, ...]] = attrs.Factory(list)
    raw: list[tuple[Any, ...]] = attrs.Factory(list)
    bad: list[tuple[int, str, str]] = attrs.Factory(list)
    #: lines of rows that may repeat an earlier response id (the bitmap's marks), as 1-tuples for executemany
    marked: list[tuple[int]] = attrs.Factory(list)
    #: the ``cx_profile`` rows of combinations first seen in this chunk
    profiles: list[tuple[Any, ...]] = attrs.Factory(list)
    #: rows to store now: with a usable answer, and not marked
    kept: int = 0
    #: ``rows`` packed for multi-row inserts (`pack`): whole groups, then the rest
    groups: list[tuple[Any, ...]] = attrs.Factory(list)
    rest: tuple[Any, ...] = ()
    #: the first and last line of ``rows``, and how many there were
    low: int = 0
    high: int = 0
    count: int = 0
    #: how far into the file the loop had read
    bytes_done: int = 0

    def pack(self, per_insert: int, bytes_done: int) -> None:
        """Pack ``rows`` ``per_insert`` to a flat tuple, for ``INSERT … VALUES (…), (…), …``.

        Why: a statement step costs ~1 µs however many rows it inserts, so
        binding 200 rows at once halves the staging's cost per row. The
        packing runs where the rows were made, beside the reading.
        """
        rows, chain = self.rows, itertools.chain.from_iterable
        if rows:
            self.low, self.high, self.count = rows[0][0], rows[-1][0], len(rows)
        whole = len(rows) // per_insert * per_insert
        self.groups = [tuple(chain(rows[i : i + per_insert])) for i in range(0, whole, per_insert)]
        self.rest = tuple(chain(rows[whole:]))
        self.rows = []
        self.bytes_done = bytes_done


@attrs.frozen
class _Tally:
    """The loop's counts, once all records are read."""

    count: int
    answered: list[int]


def _encode(item: _Chunk | _Tally) -> bytes:
    """A chunk or the tally as bytes, for the trip from the reading process (`cxframe.background`).

    Why marshal, not pickle: a chunk is builtins only (lists and tuples of
    text, numbers and None), which marshal writes in about half pickle's time,
    and pickle's memo of every text written costs the most there.
    """
    if isinstance(item, _Tally):
        return marshal.dumps((True, item.count, item.answered))
    return marshal.dumps((False, *attrs.astuple(item, recurse=False)))


def _decode(data: bytes) -> _Chunk | _Tally:
    tally, *fields = marshal.loads(data)
    return _Tally(*fields) if tally else _Chunk(*fields)


def _ingest(
    store: Store,
    conn: Any,
    reader: SourceReader,
    staged: StagedSurvey,
    ingest_id: int,
    progress: Callable[[int, int], None] | None,
    *,
    columnar: bool,
) -> StagedCounts:
    for table in _TEMP:
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    cleaner = _Cleaner(staged, reader.size)
    questions = list(enumerate(staged.questions))
    clean, raw = cleaner.clean_columns(), cleaner.raw_columns()
    conn.execute(f"CREATE TEMP TABLE cx_clean (line INTEGER PRIMARY KEY, {', '.join(clean[1:])}, dup_first INTEGER)")
    conn.execute(f"CREATE TEMP TABLE cx_raw (line INTEGER PRIMARY KEY, {', '.join(raw[1:])})")
    conn.execute("CREATE TEMP TABLE cx_bad (line INTEGER, raw TEXT, reason TEXT)")
    conn.execute("CREATE TEMP TABLE cx_marked (line INTEGER PRIMARY KEY)")
    profile = cleaner.profile_columns()
    conn.execute(f"CREATE TEMP TABLE cx_profile (code INTEGER PRIMARY KEY{''.join(f', {c}' for c in profile[1:])})")
    insert_profile = f"INSERT INTO temp.cx_profile VALUES ({', '.join('?' * len(profile))})"
    conn.execute("CREATE TEMP TABLE cx_question (i INTEGER PRIMARY KEY, id TEXT, low REAL, high REAL)")
    conn.executemany(
        "INSERT INTO temp.cx_question VALUES (?, ?, ?, ?)",
        [(i, question.id, question.scale_min, question.scale_max) for i, question in questions],
    )
    one_row = f"({', '.join('?' * len(clean))})"
    # as many rows to a statement as SQLite takes parameters for, up to ROWS_PER_INSERT
    per_insert = max(1, min(ROWS_PER_INSERT, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(clean)))

    def insert_clean(rows: int) -> str:
        return f"INSERT INTO temp.cx_clean ({', '.join(clean)}) VALUES {', '.join([one_row] * rows)}"

    insert_group = insert_clean(per_insert)
    insert_raw = f"INSERT INTO temp.cx_raw VALUES ({', '.join('?' * len(raw))})"
    writer = _ResponseWriter(store, conn, cleaner, reader.id, ingest_id)

    # -- 1. clean, stage and store each chunk: rows that may repeat an earlier id wait (cx_marked) ------
    if columnar:
        assert staged.csv is not None
        chunks = _columnar_chunks(cleaner, staged.csv, CHUNK, per_insert)
    else:
        chunks = cleaner.chunks(CHUNK, reader.bytes_done, per_insert)
    if reader.size >= CHILD_PROCESS_BYTES and child_process_available():
        chunks = iterate_in_child(chunks, _encode, _decode)
    tally: _Tally | None = None
    # the loop makes millions of short-lived tuples and no reference cycles: the cyclic collector's passes
    # over them only cost time (about 6 % of the reading here), so it rests until the loop is done
    collecting = gc.isenabled()
    gc.disable()
    try:
        for chunk in chunks:
            if isinstance(chunk, _Tally):
                tally = chunk
                continue
            if chunk.profiles:
                conn.executemany(insert_profile, chunk.profiles)
            if chunk.groups:
                conn.executemany(insert_group, chunk.groups)
            if chunk.rest:
                conn.execute(insert_clean(len(chunk.rest) // len(clean)), chunk.rest)
            if chunk.raw:
                conn.executemany(insert_raw, chunk.raw)
            if chunk.bad:
                conn.executemany("INSERT INTO temp.cx_bad VALUES (?, ?, ?)", chunk.bad)
            if chunk.marked:
                conn.executemany("INSERT INTO temp.cx_marked VALUES (?)", chunk.marked)
                conn.executemany("UPDATE temp.cx_clean SET dup_first = -1 WHERE line = ?", chunk.marked)
            if chunk.count:
                writer.write("c.line BETWEEN :low AND :high", chunk.kept, low=chunk.low, high=chunk.high)
            if progress:
                progress(chunk.bytes_done, reader.size)
    finally:
        # a failure here stops the reading process now, not when the traceback is let go
        chunks.close()
        if collecting:
            gc.enable()
    assert tally is not None, "the cleaning loop ends with its tally"

    # -- 2. duplicates: the first line of each marked response id among rows with a usable timestamp ----
    repeats: list[tuple[int, int]] = []
    if conn.execute("SELECT EXISTS (SELECT 1 FROM temp.cx_marked)").fetchone()[0]:
        # only the ids of marked rows can repeat; their first line may be any row's
        marked = "SELECT c.rid FROM temp.cx_marked AS m JOIN temp.cx_clean AS c ON c.line = m.line"
        if writer.all_new:
            # every row with a usable timestamp is a response stored by this ingest (found by its key, its
            # line from its id), or in cx_raw (not stored: no usable answer or weight), or marked itself
            first_lines = (
                f"SELECT m.rid, r.id - :base AS line FROM (SELECT DISTINCT * FROM ({marked})) AS m "
                "JOIN responses AS r ON r.key = :by_response || m.rid WHERE r.id > :base "
                # CROSS JOIN: cx_raw outside, or SQLite scans cx_clean for the ids
                "UNION ALL SELECT c.rid, c.line FROM temp.cx_raw AS x CROSS JOIN temp.cx_clean AS c ON c.line = x.line "
                f"WHERE c.rid IN ({marked}) "
                "UNION ALL SELECT c.rid, c.line FROM temp.cx_marked AS m JOIN temp.cx_clean AS c ON c.line = m.line"
            )
        else:  # some rows' responses were stored before: only the rows themselves know their lines
            first_lines = f"SELECT rid, line FROM temp.cx_clean WHERE rid IN ({marked})"
        firsts = dict(
            conn.execute(f"SELECT rid, min(line) FROM ({first_lines}) GROUP BY rid", writer.parameters).fetchall()
        )
        candidates = conn.execute(
            "SELECT c.line, c.rid FROM temp.cx_marked AS m JOIN temp.cx_clean AS c ON c.line = m.line"
        ).fetchall()
        repeats = [(firsts[rid], line) for line, rid in candidates if firsts.get(rid, line) != line]
        conn.executemany("UPDATE temp.cx_clean SET dup_first = ? WHERE line = ?", repeats)
        # the others were marked by a bit shared with another id: stored now, in their place by id
        conn.execute(
            "UPDATE temp.cx_clean SET dup_first = NULL WHERE line IN (SELECT line FROM temp.cx_marked) "
            "AND dup_first = -1"
        )
        writer.write("c.line IN (SELECT line FROM temp.cx_marked)", None)

    # -- 3. rejects: every rejected row is in cx_raw (see _Cleaner) -------------------------------------
    source = reader.id
    conn.create_function("cx_repr", 1, repr, deterministic=True)
    row_reason = (
        "CASE WHEN c.dup_first IS NOT NULL THEN "
        "'duplicate response id ' || cx_repr(c.rid) || ' (first on line ' || c.dup_first || ')' ELSE r.reason END"
    )
    parts = [
        "SELECT line, 0 AS pos, raw, reason FROM temp.cx_bad",
        f"SELECT r.line, 0, r.raw, {row_reason} FROM temp.cx_raw AS r LEFT JOIN temp.cx_clean AS c "
        "ON c.line = r.line WHERE r.reason IS NOT NULL OR c.dup_first IS NOT NULL",
        *(
            f"SELECT r.line, {i + 1}, r.raw, r.r{i} FROM temp.cx_raw AS r JOIN temp.cx_clean AS c "
            f"ON c.line = r.line WHERE r.reason IS NULL AND c.dup_first IS NULL AND r.r{i} IS NOT NULL"
            for i, _ in questions
        ),
    ]
    conn.execute(
        "INSERT INTO rejects (ingest_id, source, line, raw, reason) "
        f"SELECT :ingest, :source, line, raw, reason FROM ({' UNION ALL '.join(parts)}) ORDER BY line, pos",
        {"ingest": ingest_id, "source": source},
    )

    # -- 4. the counts: the loop's tally by usable answers, less the repeats SQL found ----------------
    by_answers = list(tally.answered)
    if repeats:
        # every repeat is in cx_raw; one with a rejected weight (a reason there) was never tallied
        for usable, tallied in conn.execute(
            f"SELECT {writer.answered}, r.reason IS NULL FROM temp.cx_clean AS c "
            "JOIN temp.cx_raw AS r ON r.line = c.line WHERE c.dup_first IS NOT NULL"
        ).fetchall():
            by_answers[usable] -= tallied
    count = len(questions)
    accepted = by_answers[count]
    partial = sum(by_answers[1:count])
    attempted = sum(n * rows for n, rows in enumerate(by_answers))
    (bad_rows,) = conn.execute("SELECT count(*) FROM temp.cx_bad").fetchone()
    return StagedCounts(
        rows_read=tally.count + bad_rows,
        accepted=accepted,
        partial=partial,
        rejected=tally.count - accepted - partial + bad_rows,
        stored=writer.stored,
        attempted=attempted,
    )


class _ResponseWriter:
    """Stores staged rows as responses and answers, a set of lines at a time.

    A row is stored when it is no repeat (``dup_first`` NULL: a marked row
    waits with -1 until its id is decided) and has a usable answer. A new
    response's id is the last id before this ingest plus its line: ids follow
    the file, and its answers find it without a lookup. A response whose key
    was stored by an earlier ingest (a re-exported file) is kept as it was,
    and the row's answers join it by key.
    """

    def __init__(self, store: Store, conn: Any, cleaner: _Cleaner, source: str, ingest_id: int) -> None:
        self.target, self.conn, self.cleaner = store, conn, cleaner
        self.questions = list(enumerate(cleaner.staged.questions))
        self.answered = " + ".join(f"(c.v{i} IS NOT NULL)" for i, _ in self.questions)
        (base,) = conn.execute("SELECT coalesce(max(id), 0) FROM responses").fetchone()
        self.parameters: dict[str, Any] = {
            "source": source,
            "by_line": f"{source}|",
            "by_response": f"{source}|r:",
            "ingest": ingest_id,
            "population": cleaner.staged.population,
            "base": base,
        }
        self.present: list[str] = []
        self.stored = 0
        #: whether every response written so far was new (none had a key stored before)
        self.all_new = True

    def _segments(self, lines: str, parameters: dict[str, Any]) -> None:
        """Add the segment columns these lines are the first to use."""
        new = [
            name
            for i, (name, _) in enumerate(self.cleaner.segments)
            if name not in self.present
            and self.conn.execute(
                "SELECT EXISTS (SELECT 1 FROM temp.cx_clean AS c JOIN temp.cx_profile AS p ON p.code = c.profile "
                f"WHERE {lines} AND p.seg{i} IS NOT NULL AND c.dup_first IS NULL AND ({self.answered}) > 0)",
                parameters,
            ).fetchone()[0]
        ]
        if new:
            self.target.ensure_segment_columns(new)
            self.present = [name for name, _ in self.cleaner.segments if name in {*self.present, *new}]

    def write(self, lines: str, kept: int | None, **bounds: int) -> None:
        """Store the rows of ``lines`` (an SQL condition on ``c``, with ``bounds`` as its parameters).

        ``kept`` is how many of them are to be stored, when the caller knows.
        """
        conn, cleaner = self.conn, self.cleaner
        parameters = {**self.parameters, **bounds}
        self._segments(lines, parameters)
        field = {name: f"c.{name}" for name in cleaner.text_names}
        field.update({name: f"p.{name}" for name in cleaner.profile_names})
        # response keys as `cxframe.ingest.response_key` makes them, with their constant parts joined once
        key = "CASE WHEN c.rid IS NULL THEN :by_line || c.line ELSE :by_response || c.rid END"
        kept_rows = f"{lines} AND c.dup_first IS NULL AND ({self.answered}) > 0"
        names = [name for name, _ in cleaner.segments]
        columns = ["id", "key", "ingest_id", "source", "timestamp", "tz_offset", "respondent_id", "response_id"]
        columns += ["population", "touchpoint", "channel", "comment", "weight", *self.present]
        select = [":base + c.line", key, ":ingest", ":source", "c.ts", "c.off"]
        select += [field.get("respondent_id", "NULL"), "c.rid", ":population", field.get("touchpoint", "NULL")]
        select += [field.get("channel", "NULL"), field.get("comment", "NULL"), "c.weight"]
        select += [f"p.seg{names.index(name)}" for name in self.present]
        before = conn.total_changes
        conn.execute(
            f"INSERT OR IGNORE INTO responses ({', '.join(f'[{c}]' for c in columns)}) "
            f"SELECT {', '.join(select)} FROM temp.cx_clean AS c JOIN temp.cx_profile AS p ON p.code = c.profile "
            f"WHERE {kept_rows} ORDER BY c.line",
            parameters,
        )
        new_responses = conn.total_changes - before
        if kept is None:
            (kept,) = conn.execute(f"SELECT count(*) FROM temp.cx_clean AS c WHERE {kept_rows}", parameters).fetchone()
        value = "CASE q.i " + " ".join(f"WHEN {i} THEN c.v{i}" for i, _ in self.questions) + " END"

        def answer(response: str) -> str:
            return (
                "INSERT OR IGNORE INTO answers (question, response, value, scale_min, scale_max, ingest_id) "
                f"SELECT q.id, {response}, {value}, q.low, q.high, :ingest FROM temp.cx_clean AS c"
            )

        rows = f"CROSS JOIN temp.cx_question AS q WHERE {lines} AND c.dup_first IS NULL AND {value} IS NOT NULL"
        before = conn.total_changes
        if new_responses == kept:
            # every row's response is new, with the id it was given: each row's answers go in together, in
            # line order, which is the table's own order, so each insert appends
            conn.execute(f"{answer(':base + c.line')} {rows} ORDER BY c.line, q.i", parameters)
        else:
            # some responses were stored before (a re-exported file): the new ones by id, those by key
            self.all_new = False
            conn.execute(
                f"{answer('r.id')} JOIN responses AS r ON r.id = :base + c.line {rows} ORDER BY c.line, q.i", parameters
            )
            conn.execute(
                f"{answer('r.id')} JOIN responses AS r ON r.key = {key} {rows} AND r.id <= :base",
                parameters,
            )
        self.stored += conn.total_changes - before
