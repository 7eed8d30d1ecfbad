"""The set-based ingest of a `cxframe.extensions.StagedSurvey`: raw rows in, observations out, in SQL.

Why: validating each survey row in Python (an `Observation` per answer, a
20-column row tuple, timestamp text, a de-duplication dict) cost ~100 µs a
row. Here Python only moves strings: the reader appends the line to each
row's cell list and ``executemany`` stages it, and everything else runs
set-based in SQLite. Per-value conversions that need Python's exact rules
(scores, labels, weights, unusual timestamps) run once per *distinct* text.

Inside the ingest's transaction (so ``kill -9`` leaves the store as it was):

1. **stage**: the rows go into ``temp.cx_stage (c0 … cN, line)`` in chunks
   (progress is reported between chunks); records that are not a row (wrong
   number of fields) go to ``temp.cx_bad`` with their reason.
2. **maps**: each distinct stripped answer of each question, and each
   distinct weight, is converted once (``cx_score``, ``cx_weight``).
3. **clean**: one pass over the stage gives each non-blank row its UTC
   timestamp (plain ISO-8601 is read by SQL, see `iso_utc_sql`), its stripped
   fields, its answers' values or reject reasons (``cx_clean``); timestamps
   SQL does not read go through the collector's parser once per distinct text.
4. **duplicates**: a response id seen on an earlier line with a usable
   timestamp makes the row a duplicate, as in the streaming path, whose order
   of checks (timestamp, duplicate, weight, answers) is kept.
5. **store**: one ``INSERT OR IGNORE … SELECT`` per question (keys as
   `cxframe.ingest.default_key` makes them), the rejects in line order, and
   the counts for the summary.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from cxframe.extensions import Reject, StagedSurvey
from cxframe.store import OBSERVATION_COLUMNS, Store, utc_text

if TYPE_CHECKING:
    from cxframe.sources import SourceReader

#: Rows staged per ``executemany`` call; progress is reported between chunks.
CHUNK = 50_000
#: Every character ``str.strip()`` removes, for SQL's ``trim(x, chars)``: the
#: streaming path strips with Python's rules, so SQL must strip the same set.
WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
FIELDS = ("response_id", "respondent_id", "touchpoint", "channel", "comment", "weight")
_TEMP = ("cx_stage", "cx_bad", "cx_score", "cx_weight", "cx_time", "cx_clean", "cx_first")


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


def _cell_digits(pattern: str) -> str:
    return pattern.replace("D", "[0-9]")


def iso_utc_sql(x: str, naive_utc: bool) -> tuple[str, str]:
    """SQL for ``(UTC text, offset)`` of the timestamp cell ``x``, or NULL where SQL cannot tell.

    Read here: ``YYYY-MM-DD[T ]HH:MM:SS``, an optional fraction of 1–6 digits,
    then ``Z``, ``±HH:MM`` or (when ``naive_utc``) nothing; or a bare
    ``YYYY-MM-DD`` (when ``naive_utc``). That is what ``datetime.fromisoformat``
    reads those texts as (a property test checks it). Each accepted length has
    its own fixed-position pattern so the expression stays flat and cheap; a
    cell with surrounding whitespace matches none and goes to Python, which
    strips it. The date must survive a round trip through ``date(x, '+0 days')``
    (2026-02-30 does not), and years 1 and 9999 are left to Python (UTC may
    overflow there). Everything else is NULL and goes to the collector's parser.
    """
    base = "DDDD-DD-DD[T ]DD:DD:DD"
    # field ranges by text comparison (cheap); date()'s round trip only for days past the 28th
    ok_base = (
        f"substr({x}, 1, 4) BETWEEN '0002' AND '9998' AND substr({x}, 6, 2) BETWEEN '01' AND '12' "
        f"AND substr({x}, 9, 2) BETWEEN '01' AND '31' AND substr({x}, 12, 2) <= '23' "
        f"AND substr({x}, 15, 2) <= '59' AND substr({x}, 18, 2) <= '59' "
        # a modifier makes SQLite normalise the date (02-30 → 03-02); without one it echoes it unchecked
        f"AND (substr({x}, 9, 2) <= '28' OR date(substr({x}, 1, 10), '+0 days') = substr({x}, 1, 10))"
    )
    utc_cases, offset_cases = [], []
    if naive_utc:
        utc_cases.append(
            f"WHEN length({x}) = 10 AND {x} GLOB '{_cell_digits('DDDD-DD-DD')}' "
            f"AND date({x}, '+0 days') = {x} AND substr({x}, 1, 4) BETWEEN '0002' AND '9998' "
            f"THEN {x} || 'T00:00:00.000000Z'"
        )
    for digits in range(7):
        fraction = "." + "D" * digits if digits else ""
        stamp = base + fraction
        size = 19 + len(fraction)
        padded = f"'.' || substr(substr({x}, 21, {digits}) || '000000', 1, 6)" if digits else "'.000000'"
        shapes = [("Z", "0", "'+00:00'"), ("[+-][01]D:[0-5]D", None, None), ("[+-]2[0-3]:[0-5]D", None, None)]
        if naive_utc:
            shapes.append(("", "0", "NULL"))
        for suffix, minutes, offset in shapes:
            pattern = _cell_digits(stamp + suffix)
            length = size + (1 if suffix == "Z" else 6 if suffix else 0)
            if minutes is None:
                at = size + 1
                minutes = (
                    f"(CASE substr({x}, {at}, 1) WHEN '-' THEN 1 ELSE -1 END) * "
                    f"(CAST(substr({x}, {at + 1}, 2) AS INTEGER) * 60 + CAST(substr({x}, {at + 4}, 2) AS INTEGER))"
                )
                offset = f"CASE WHEN substr({x}, {at + 1}) = '00:00' THEN '+00:00' ELSE substr({x}, {at}) END"
            shape = f"length({x}) = {length} AND {x} GLOB '{pattern}' AND {ok_base}"
            # no date arithmetic for UTC and naive times: only the separator may change
            shifted = (
                f"substr({x}, 1, 10) || 'T' || substr({x}, 12, 8)"
                if minutes == "0"
                else f"strftime('%Y-%m-%dT%H:%M:%S', substr({x}, 1, 19), ({minutes}) || ' minutes')"
            )
            utc_cases.append(f"WHEN {shape} THEN {shifted} || {padded} || 'Z'")
            offset_cases.append(f"WHEN {shape} THEN {offset}")
    return f"CASE {' '.join(utc_cases)} END", f"CASE {' '.join(offset_cases)} END"


def _weight(text: str) -> tuple[float | None, str | None]:
    """The streaming path's weight rule: a finite number greater than 0."""
    try:
        weight = float(text)
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight) or weight <= 0:
        return None, f"weight {text!r} is not a positive number"
    return weight, None


def ingest_staged(
    store: Store,
    reader: SourceReader,
    staged: StagedSurvey,
    ingest_id: int,
    progress: Callable[[int, int], None] | None = None,
) -> StagedCounts:
    """Store one staged survey source; call inside the ingest's transaction."""
    conn = store.db.conn
    try:
        return _ingest(store, conn, reader, staged, ingest_id, progress)
    finally:
        staged.close()
        for table in _TEMP:
            conn.execute(f"DROP TABLE IF EXISTS temp.{table}")


def _ingest(
    store: Store,
    conn: Any,
    reader: SourceReader,
    staged: StagedSurvey,
    ingest_id: int,
    progress: Callable[[int, int], None] | None,
) -> StagedCounts:
    width = staged.width
    cells = [f"c{i}" for i in range(width)]
    ws = {"ws": WHITESPACE}

    def trimmed(index: int) -> str:
        # trim(x, :ws) walks the whole whitespace set, so skip it when neither end can be whitespace
        # (all of Python's whitespace is below 127, or between 127 and U+3000)
        cell = f"s.c{index}"
        first, last = f"unicode({cell})", f"unicode(substr({cell}, -1))"
        safe = f"({first} BETWEEN 33 AND 126 OR {first} > 12288) AND ({last} BETWEEN 33 AND 126 OR {last} > 12288)"
        return f"CASE WHEN {safe} THEN {cell} ELSE trim({cell}, :ws) END"

    # -- 1. stage ----------------------------------------------------------------------------------
    conn.execute(f"CREATE TEMP TABLE cx_stage ({', '.join(cells)}, line INTEGER PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE cx_bad (line INTEGER, raw TEXT, reason TEXT)")
    bad: list[tuple[int, str, str]] = []
    staged_rows = 0

    def good_rows() -> Iterator[list[Any]]:
        nonlocal staged_rows
        for row in staged.rows:
            if type(row) is list:
                staged_rows += 1
                yield row
            else:
                line, reject = row
                assert isinstance(reject, Reject)
                bad.append((line, reject.raw, reject.reason))

    rows = good_rows()
    insert = f"INSERT INTO temp.cx_stage VALUES ({', '.join('?' * (width + 1))})"
    total = reader.size
    while True:
        before = staged_rows
        conn.executemany(insert, itertools.islice(rows, CHUNK))
        if bad:
            conn.executemany("INSERT INTO temp.cx_bad VALUES (?, ?, ?)", bad)
            bad.clear()
        if progress:
            progress(reader.bytes_done(), total)
        if staged_rows - before < CHUNK:
            break
    # a record whose every cell is blank is skipped, as the readers skip blank lines
    not_blank = "NOT (" + " AND ".join(f"{trimmed(i)} = ''" for i in range(width)) + ")"

    # -- 2. maps of distinct answers and weights ---------------------------------------------------
    conn.execute("CREATE TEMP TABLE cx_score (q INTEGER, text TEXT, value REAL, reason TEXT, PRIMARY KEY (q, text))")
    for position, question in enumerate(staged.questions):
        texts = conn.execute(f"SELECT DISTINCT {trimmed(question.column)} FROM temp.cx_stage AS s", ws).fetchall()

        def score(text: str, question: Any = question) -> tuple[float | None, str | None]:
            return (None, f"{question.id}: blank") if not text else question.score(text)

        conn.executemany("INSERT INTO temp.cx_score VALUES (?, ?, ?, ?)", ((position, t, *score(t)) for (t,) in texts))
    weight_at = staged.fields.get("weight")
    conn.execute("CREATE TEMP TABLE cx_weight (text TEXT PRIMARY KEY, value REAL, reason TEXT)")
    if weight_at is not None:
        texts = conn.execute(
            f"SELECT DISTINCT {trimmed(weight_at)} FROM temp.cx_stage AS s WHERE {trimmed(weight_at)} <> ''", ws
        ).fetchall()
        conn.executemany("INSERT INTO temp.cx_weight VALUES (?, ?, ?)", ((t, *_weight(t)) for (t,) in texts))

    # -- 3. clean: one pass, one row per non-blank record -----------------------------------------
    utc, offset = iso_utc_sql(f"s.c{staged.timestamp}", staged.naive_utc)
    field_sql = {
        name: (f"nullif({trimmed(staged.fields[name])}, '')" if name in staged.fields else "NULL") for name in FIELDS
    }
    segments = list(staged.segments.items())
    questions = list(enumerate(staged.questions))
    columns = [
        "line",
        "ts",
        "off",
        "ts_raw",
        "ts_reason",
        *FIELDS,
        "weight_value",
        "weight_reason",
        "dup_first",
        *(f"seg{i}" for i in range(len(segments))),
        *(f"v{i}" for i, _ in questions),
        *(f"r{i}" for i, _ in questions),
    ]
    conn.execute(f"CREATE TEMP TABLE cx_clean ({', '.join(columns)}, PRIMARY KEY (line)) WITHOUT ROWID")
    selects = [
        "s.line",
        f"{utc}",
        f"{offset}",
        f"CASE WHEN ({utc}) IS NULL THEN s.c{staged.timestamp} END",
        "NULL",
        *(field_sql[name] for name in FIELDS),
        "w.value" if weight_at is not None else "NULL",
        "w.reason" if weight_at is not None else "NULL",
        "NULL",
        *(f"nullif({trimmed(index)}, '')" for _, index in segments),
        *(f"m{i}.value" for i, _ in questions),
        *(f"m{i}.reason" for i, _ in questions),
    ]
    joins = "".join(
        f" LEFT JOIN temp.cx_score AS m{i} ON m{i}.q = {i} AND m{i}.text = {trimmed(q.column)}" for i, q in questions
    )
    if weight_at is not None:
        joins += f" LEFT JOIN temp.cx_weight AS w ON w.text = {trimmed(weight_at)}"
    conn.execute(
        f"INSERT INTO temp.cx_clean SELECT {', '.join(selects)} FROM temp.cx_stage AS s{joins} "
        f"WHERE {not_blank} ORDER BY s.line",
        ws,
    )
    # timestamps SQL does not read: the collector's parser, once per distinct text
    conn.execute("CREATE TEMP TABLE cx_time (text TEXT PRIMARY KEY, ts TEXT, off TEXT, reason TEXT)")
    slow = conn.execute("SELECT DISTINCT ts_raw FROM temp.cx_clean WHERE ts_raw IS NOT NULL").fetchall()
    if slow:
        conn.executemany("INSERT INTO temp.cx_time VALUES (?, ?, ?, ?)", ((t, *_timestamp(staged, t)) for (t,) in slow))
        conn.execute(
            "UPDATE temp.cx_clean SET ts = t.ts, off = t.off, ts_reason = t.reason "
            "FROM temp.cx_time AS t WHERE cx_clean.ts_raw IS NOT NULL AND t.text = cx_clean.ts_raw"
        )

    # -- 4. duplicates: the first line of each response id among rows with a usable timestamp --------
    if "response_id" in staged.fields:
        conn.execute("CREATE TEMP TABLE cx_first (rid TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")
        conn.execute(
            "INSERT INTO temp.cx_first SELECT response_id, min(line) FROM temp.cx_clean "
            "WHERE response_id IS NOT NULL AND ts IS NOT NULL GROUP BY response_id HAVING count(*) > 1"
        )
        conn.execute(
            "UPDATE temp.cx_clean SET dup_first = f.line FROM temp.cx_first AS f "
            "WHERE f.rid = cx_clean.response_id AND f.line <> cx_clean.line AND cx_clean.ts IS NOT NULL"
        )

    # -- 5. store ----------------------------------------------------------------------------------
    row_ok = "ts IS NOT NULL AND dup_first IS NULL AND weight_reason IS NULL"
    names = [name for i, (name, _) in enumerate(segments) if _exists(conn, f"seg{i} IS NOT NULL AND {row_ok}")]
    store.ensure_segment_columns(names)
    target = [*OBSERVATION_COLUMNS, *names]
    stored = 0
    source = reader.id
    for i, question in questions:
        values = {
            "source": source,
            "q": question.id,
            "ingest": ingest_id,
            "population": staged.population,
            "low": question.scale_min,
            "high": question.scale_max,
        }
        select = [
            "CASE WHEN response_id IS NULL THEN :source || '|' || line || '|' || :q "
            "ELSE :source || '|r:' || response_id || '|' || :q END",
            ":ingest",
            ":source",
            ":q",
            f"v{i}",
            "ts",
            "off",
            "respondent_id",
            "response_id",
            ":population",
            ":low",
            ":high",
            "touchpoint",
            "channel",
            "comment",
            "weight_value",
            *(f"seg{segments.index((name, staged.segments[name]))}" for name in names),
        ]
        before = conn.total_changes
        conn.execute(
            f"INSERT OR IGNORE INTO observations ({', '.join(f'[{c}]' for c in target)}) "
            f"SELECT {', '.join(select)} FROM temp.cx_clean WHERE {row_ok} AND v{i} IS NOT NULL",
            values,
        )
        stored += conn.total_changes - before

    raw = " || ',' || ".join(f"s.c{i}" for i in range(width)) or "''"
    raw_of = f"(SELECT {raw} FROM temp.cx_stage AS s WHERE s.line = c.line)"
    conn.create_function("cx_repr", 1, repr, deterministic=True)
    row_reason = (
        "CASE WHEN c.ts IS NULL THEN c.ts_reason WHEN c.dup_first IS NOT NULL THEN "
        "'duplicate response id ' || cx_repr(c.response_id) || ' (first on line ' || c.dup_first || ')' "
        "ELSE c.weight_reason END"
    )
    parts = [
        "SELECT line, 0 AS pos, raw, reason FROM temp.cx_bad",
        f"SELECT c.line, 0, {raw_of}, {row_reason} FROM temp.cx_clean AS c WHERE NOT ({row_ok})",
        *(
            f"SELECT c.line, {i + 1}, {raw_of}, c.r{i} FROM temp.cx_clean AS c WHERE c.r{i} IS NOT NULL AND "
            f"c.ts IS NOT NULL AND c.dup_first IS NULL AND c.weight_reason IS NULL"
            for i, _ in questions
        ),
    ]
    conn.execute(
        "INSERT INTO rejects (ingest_id, source, line, raw, reason) "
        f"SELECT :ingest, :source, line, raw, reason FROM ({' UNION ALL '.join(parts)}) ORDER BY line, pos",
        {"ingest": ingest_id, "source": source},
    )

    answered = " + ".join(f"(v{i} IS NOT NULL)" for i, _ in questions)
    count = len(questions)
    read, accepted, partial, attempted = conn.execute(
        f"SELECT count(*), "
        f"coalesce(sum({row_ok} AND ({answered}) = {count}), 0), "
        f"coalesce(sum({row_ok} AND ({answered}) BETWEEN 1 AND {count - 1}), 0), "
        f"coalesce(sum(CASE WHEN {row_ok} THEN {answered} ELSE 0 END), 0) FROM temp.cx_clean"
    ).fetchone()
    (bad_rows,) = conn.execute("SELECT count(*) FROM temp.cx_bad").fetchone()
    return StagedCounts(
        rows_read=read + bad_rows,
        accepted=accepted,
        partial=partial,
        rejected=read - accepted - partial + bad_rows,
        stored=stored,
        attempted=attempted,
    )


def _exists(conn: Any, condition: str) -> bool:
    return bool(conn.execute(f"SELECT EXISTS (SELECT 1 FROM temp.cx_clean WHERE {condition})").fetchone()[0])


def _timestamp(staged: StagedSurvey, text: str) -> tuple[str | None, str | None, str | None]:
    """``(UTC text, offset, None)`` or ``(None, None, reason)`` for a timestamp SQL did not read."""
    parsed = staged.parse_timestamp(text)
    if parsed is None:
        return None, None, f"unparsable timestamp {text!r} (expected ISO-8601)"
    try:
        return (*utc_text(parsed), None)
    except OverflowError:
        return None, None, f"timestamp {text!r} is out of range in UTC"
