"""The set-based ingest of a `cxframe.SurveyBatches`: batches of raw columns in, responses and answers out.

Every survey collector hands its records as batches of raw columns plus the
column mapping; this module and `cxframe.ingestion._cleaning` do the rest, the same for
every layout. Inside the ingest's transaction (so ``kill -9`` leaves the
store as it was):

1. **clean** (`cxframe.ingestion._cleaning.SurveyCleaner`, in a forked child process
   for a large file where `cxframe.ingestion._background` can): each row's UTC timestamp
   and offset, its stripped texts, its weight and rules, its answers' values
   (converted once per distinct cell text) and one *profile* number for its
   touchpoint, channel and segments, in chunks of about `CHUNK` records. The
   raw record and the reject reasons go to ``temp.cx_raw`` only for rows that
   are or may be rejected; records that are not a row (wrong number of
   fields) to ``temp.cx_bad``. A bitmap of the response ids seen marks the
   rows that *may* repeat one (it never misses one).
2. **stage and store each chunk** as it comes: its rows into ``temp.cx_clean``
   (`ROWS_PER_INSERT` to a statement), then its responses and answers
   (`_ResponseWriter`); progress is reported between chunks. Marked rows wait.
3. **repeats**: a response id seen on an earlier line with a usable
   timestamp makes the row a duplicate; the order of checks is timestamp,
   duplicate, weight and rules, answers. SQL finds each
   marked row's first occurrence; the marked rows that repeat nothing are
   stored then.
4. **rejects** in line order, and the counts for the summary (the loop's
   tally, less the repeats).
"""

from __future__ import annotations

import gc
import marshal
import sqlite3
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import attrs

from cxframe.contracts._batches import SurveyBatches
from cxframe.ingestion._background import child_process_available, iterate_in_child
from cxframe.ingestion._cleaning import SurveyCleaner, _Chunk, _Tally
from cxframe.ingestion._delimited import delimiter_of
from cxframe.store._sqlite import Store

if TYPE_CHECKING:
    from cxframe.ingestion._sources import SourceReader

#: Records read per ``executemany`` call; progress is reported between chunks.
CHUNK = 10_000
#: Most ``cx_clean`` rows bound to one ``INSERT`` (see `cxframe.ingestion._cleaning.SurveyCleaner._pack`).
ROWS_PER_INSERT = 200
#: Sources at least this large are read in a child process (`cxframe.ingestion._background`) where one is available:
#: below it, starting the process costs more than the overlap saves.
CHILD_PROCESS_BYTES = 8 * 1024 * 1024
_TEMP = ("cx_clean", "cx_raw", "cx_bad", "cx_marked", "cx_profile", "cx_question")


@attrs.frozen
class StagedCounts:
    """What `ingest_staged` did, in the terms of `cxframe.ingestion._collect.IngestSummary`."""

    rows_read: int
    accepted: int
    partial: int
    rejected: int
    #: observations inserted (new keys) and observations that were valid (new or duplicate keys)
    stored: int
    attempted: int
    #: answers skipped (blank, or seen and not answered) in rows with a usable answer
    skipped: int = 0


def _encode(item: _Chunk | _Tally) -> bytes:
    """A chunk or the tally as bytes, for the trip from the reading process (`cxframe.ingestion._background`).

    Why marshal, not pickle: a chunk is builtins only (lists and tuples of
    text, numbers and None), which marshal writes in about half pickle's time,
    and pickle's memo of every text written costs the most there.
    """
    return marshal.dumps((isinstance(item, _Tally), *attrs.astuple(item, recurse=False)))


def _decode(data: bytes) -> _Chunk | _Tally:
    tally, *fields = marshal.loads(data)
    return _Tally(*fields) if tally else _Chunk(*fields)


def _with_warnings(
    chunks: Generator[_Chunk | _Tally, None, None], reader: SourceReader
) -> Generator[_Chunk | _Tally, None, None]:
    """The chunks, the tally with the source's warnings: read in a child process, they come back only that way."""
    try:
        for chunk in chunks:
            yield attrs.evolve(chunk, warnings=list(reader.warnings)) if isinstance(chunk, _Tally) else chunk
    finally:
        chunks.close()


def ingest_staged(
    store: Store,
    reader: SourceReader,
    survey: SurveyBatches,
    ingest_id: int,
    progress: Callable[[int, int], None] | None = None,
) -> StagedCounts:
    """Store one survey source; call inside the ingest's transaction.

    The staging tables of the previous ingest on this connection are dropped
    first; the last ones go with the connection. Why not at the end: dropping
    a million staged rows takes time the ingest would wait for, and closing the
    connection deletes its temporary file at once.
    """
    conn = store.db.conn
    for table in _TEMP:
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    cleaner = SurveyCleaner(survey, reader.size, delimiter_of(reader))
    questions = list(enumerate(survey.questions))
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
    chunks = _with_warnings(cleaner.chunks(survey.batches, CHUNK, per_insert), reader)
    if reader.size >= CHILD_PROCESS_BYTES and child_process_available():
        chunks = iterate_in_child(chunks, _encode, _decode)
    tally: _Tally | None = None
    # the loop makes millions of short-lived tuples and no reference cycles: the cyclic collector's passes
    # over them only cost time (docs/performance.md), so it rests until the loop is done
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
    assert tally is not None, "the cleaning ends with its tally"
    reader.notes.update(tally.notes)
    reader.warnings[:] = tally.warnings  # the same when read here; made by the reading process otherwise

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

    # -- 3. rejects: every rejected row is in cx_raw (see cxframe.ingestion._cleaning) -------------------------------------
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
    count = len(questions)
    whole, skipped = tally.whole, tally.skipped
    if repeats:
        # every repeat is in cx_raw; one with a rejected weight (a reason there) was never tallied; its
        # answers neither usable nor with a reason were skipped
        rejected_answers = " + ".join(f"(r.r{i} IS NOT NULL)" for i, _ in questions) or "0"
        for usable, tallied, refused in conn.execute(
            f"SELECT {writer.answered or '0'}, r.reason IS NULL, {rejected_answers} FROM temp.cx_clean AS c "
            "JOIN temp.cx_raw AS r ON r.line = c.line WHERE c.dup_first IS NOT NULL"
        ).fetchall():
            if not tallied:
                continue
            by_answers[usable] -= 1
            if usable:
                skipped -= count - usable - refused
                whole -= not refused
    accepted = whole
    partial = sum(by_answers[1:]) - whole
    attempted = sum(n * rows for n, rows in enumerate(by_answers))
    (bad_rows,) = conn.execute("SELECT count(*) FROM temp.cx_bad").fetchone()
    return StagedCounts(
        rows_read=tally.count + bad_rows,
        accepted=accepted,
        partial=partial,
        rejected=tally.count - accepted - partial + bad_rows,
        stored=writer.stored,
        attempted=attempted,
        skipped=skipped,
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

    def __init__(self, store: Store, conn: Any, cleaner: SurveyCleaner, source: str, ingest_id: int) -> None:
        self.target, self.conn, self.cleaner = store, conn, cleaner
        self.questions = list(enumerate(cleaner.survey.questions))
        self.answered = " + ".join(f"(c.v{i} IS NOT NULL)" for i, _ in self.questions)
        (base,) = conn.execute("SELECT coalesce(max(id), 0) FROM responses").fetchone()
        self.parameters: dict[str, Any] = {
            "source": source,
            "by_line": f"{source}|",
            "by_response": f"{source}|r:",
            "ingest": ingest_id,
            "population": cleaner.survey.population,
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
        # response keys as `cxframe.ingestion._collect.response_key` makes them, with their constant parts joined once
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
