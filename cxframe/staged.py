"""The set-based ingest of a `cxframe.extensions.StagedSurvey`: raw rows in, observations out.

Why: validating each survey row through an `Observation` (a 20-column row
tuple, timestamp text, a de-duplication dict) cost ~100 µs a row, and doing
the same conversions in one SQL pass over the raw cells still cost ~14 µs a
row (string functions for ISO-8601, Python's whitespace rules in ``trim``).
Here one lean Python loop turns each raw row into the values it stores — with
the collector's own functions, so the rules are the streaming path's — and
SQLite does what is set-based:

Inside the ingest's transaction (so ``kill -9`` leaves the store as it was):

1. **clean and stage**: each row's UTC timestamp and offset (`timestamp_reader`:
   ``datetime.fromisoformat`` for plain ISO-8601, the collector's parser
   otherwise), its stripped fields and segments, its weight and its answers'
   values (scores and weights converted once per distinct cell text) go into
   ``temp.cx_clean`` in chunks; progress is reported between chunks. The raw
   record and the reject reasons go to ``temp.cx_raw``, only for rows that
   are or may be rejected. Records that are not a row (wrong number of
   fields) go to ``temp.cx_bad``.
2. **duplicates**: a response id seen on an earlier line with a usable
   timestamp makes the row a duplicate, as in the streaming path, whose order
   of checks (timestamp, duplicate, weight, answers) is kept. A bitmap of the
   ids seen so far marks the rows that *may* repeat one (never misses one);
   SQL confirms them exactly.
3. **store**: one ``INSERT OR IGNORE … SELECT`` for all questions (keys as
   `cxframe.ingest.default_key` makes them), with the time index built
   afterwards when the ingest is large (`Store.bulk_observations`), the
   rejects in line order, and the counts for the summary (the loop's tally,
   less the repeats).
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from cxframe.extensions import Reject, StagedSurvey
from cxframe.store import Store, utc_text

if TYPE_CHECKING:
    from cxframe.sources import SourceReader

#: Records read per ``executemany`` call; progress is reported between chunks.
CHUNK = 10_000
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
#: Optional fields stored as stripped text (``response_id`` and ``weight`` are handled apart).
TEXT_FIELDS = ("respondent_id", "touchpoint", "channel", "comment")
_TEMP = ("cx_clean", "cx_raw", "cx_bad", "cx_first", "cx_question")


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
            return None, None, f"unparsable timestamp {text!r} (expected ISO-8601)"
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


def _weight(text: str) -> tuple[float | None, str | None]:
    """The streaming path's weight rule: a finite number greater than 0 (blank: no weight)."""
    text = text.strip()
    if not text:
        return None, None
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


class _Cleaner:
    """Turns staged rows into ``cx_clean`` rows and, for the few that are or may be rejected, ``cx_raw`` rows.

    ``cx_clean (line, ts, off, rid, weight, *texts, *segments, *values)``: one
    row per record with a usable timestamp. Texts are stripped, NULL when
    blank; a value is NULL where the answer is rejected, and every value is NULL when
    the weight is. ``cx_raw (line, raw, reason, *answer reasons)``: a record
    whose timestamp or weight is rejected (``reason``), one with a rejected
    answer, and one that may repeat an earlier response id, with the record
    as the streaming path shows it. Keeping the rare columns out of
    ``cx_clean`` matters: every bound value costs the staging ~0.2 µs a row.
    """

    def __init__(self, staged: StagedSurvey, size: int) -> None:
        self.staged = staged
        #: bits of the map of ids seen: a power of two, from the source's size in bytes
        self.seen_bits = min(SEEN_BITS, 1 << max(16, (size // 2).bit_length()))
        self.text_names = [name for name in TEXT_FIELDS if name in staged.fields]
        self.segments = list(staged.segments.items())
        self.bad: list[tuple[int, str, str]] = []
        self.raw: list[tuple[Any, ...]] = []
        #: non-blank records that are rows
        self.count = 0
        #: rows marked as possibly repeating an earlier response id
        self.maybe_repeats = 0
        #: rows with a usable timestamp and weight by their number of usable answers (repeats included)
        self.answered = [0] * (len(staged.questions) + 1)

    def clean_columns(self) -> list[str]:
        return [
            "line",
            "ts",
            "off",
            "rid",
            "weight",
            *self.text_names,
            *(f"seg{i}" for i in range(len(self.segments))),
            *(f"v{i}" for i in range(len(self.staged.questions))),
        ]

    def raw_columns(self) -> list[str]:
        return ["line", "raw", "reason", *(f"r{i}" for i in range(len(self.staged.questions)))]

    def batches(self, size: int) -> Iterator[list[tuple[Any, ...]]]:
        """The ``cx_clean`` rows of each ``size`` records read; ``raw`` and ``bad`` get those records' entries.

        Take ``raw`` and ``bad`` after each batch: a batch is cut by records
        read, not rows staged, so that neither list grows past ``size`` even
        when every record is rejected (a mis-mapped timestamp column). Blank
        records are skipped. This loop runs once per row: it looks values up
        in caches keyed by the raw cells and leaves the rest to SQL.
        """
        staged = self.staged
        stamp = timestamp_reader(staged)
        ts_at = staged.timestamp
        rid_at = staged.fields.get("response_id")
        weight_at = staged.fields.get("weight")
        weights: dict[str, tuple[float | None, str | None]] = {}
        texts = [*(staged.fields[name] for name in self.text_names), *(index for _, index in self.segments)]
        # itemgetter of one index returns the cell, not a 1-tuple: keep the shape uniform
        text_cells = operator.itemgetter(*texts) if len(texts) > 1 else (lambda row: tuple(row[i] for i in texts))
        strip = str.strip
        questions = staged.questions
        answer_cells = (
            operator.itemgetter(*(q.column for q in questions))
            if len(questions) > 1
            else (lambda row: tuple(row[q.column] for q in questions))
        )
        # a row's answers, all questions at once (few distinct combinations in practice):
        # (values, reasons or None when all are usable, number of usable answers)
        answers: dict[tuple[str, ...], tuple[tuple[Any, ...], tuple[Any, ...] | None, int]] = {}
        scores: list[dict[str, tuple[float | None, str | None]]] = [{} for _ in questions]

        def score_row(cells: tuple[str, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...] | None, int]:
            scored = []
            for question, cache, cell in zip(questions, scores, cells, strict=True):
                hit = cache.get(cell)
                if hit is None:
                    if len(cache) >= CACHE_LIMIT:
                        cache.clear()
                    text = cell.strip()
                    hit = cache[cell] = question.score(text) if text else (None, f"{question.id}: blank")
                scored.append(hit)
            reasons = tuple(r for _, r in scored)
            usable = sum(v is not None for v, _ in scored)
            return tuple(v for v, _ in scored), (reasons if usable < len(scored) else None), usable

        no_values = (None,) * len(questions)
        no_reasons = no_values
        answered = self.answered
        raw = self.raw
        seen = bytearray(max(1, self.seen_bits // 8))
        mask = self.seen_bits - 1
        batch: list[tuple[Any, ...]] = []
        append = batch.append
        read = 0
        for row in staged.rows:
            read += 1
            if read > size:
                yield batch
                batch, read = [], 1
                append = batch.append
            if type(row) is not list:
                line, reject = row
                assert isinstance(reject, Reject)
                self.bad.append((line, reject.raw, reject.reason))
                continue
            line = row.pop()  # the line the reader appended; ``row`` is the cells now
            ts, off, reason = stamp(row[ts_at])
            if ts is None:
                if "".join(row).strip():
                    self.count += 1
                    raw.append((line, ",".join(row), reason, *no_reasons))
                # else: a record whose every cell is blank is skipped, as the readers skip blank lines
                continue
            self.count += 1
            rid = (row[rid_at].strip() or None) if rid_at is not None else None
            maybe_repeat = False
            if rid is not None:
                # only rows with a usable timestamp claim their id, as in the streaming path
                bit = hash(rid) & mask
                byte, flag = bit >> 3, 1 << (bit & 7)
                if seen[byte] & flag:
                    maybe_repeat = True  # SQL decides
                    self.maybe_repeats += 1
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
            else:
                values = no_values
                raw.append((line, ",".join(row), reason, *no_reasons))
            # blank texts as NULL here: cheaper than nullif() on each of the row's observations
            append((line, ts, off, rid, weight, *[text or None for text in map(strip, text_cells(row))], *values))
        yield batch


def _ingest(
    store: Store,
    conn: Any,
    reader: SourceReader,
    staged: StagedSurvey,
    ingest_id: int,
    progress: Callable[[int, int], None] | None,
) -> StagedCounts:
    cleaner = _Cleaner(staged, reader.size)
    questions = list(enumerate(staged.questions))

    # -- 1. clean and stage ------------------------------------------------------------------------
    clean, raw = cleaner.clean_columns(), cleaner.raw_columns()
    conn.execute(f"CREATE TEMP TABLE cx_clean (line INTEGER PRIMARY KEY, {', '.join(clean[1:])}, dup_first INTEGER)")
    conn.execute(f"CREATE TEMP TABLE cx_raw (line INTEGER PRIMARY KEY, {', '.join(raw[1:])})")
    conn.execute("CREATE TEMP TABLE cx_bad (line INTEGER, raw TEXT, reason TEXT)")
    insert = f"INSERT INTO temp.cx_clean ({', '.join(clean)}) VALUES ({', '.join('?' * len(clean))})"
    total = reader.size
    staged_rows = 0
    for batch in cleaner.batches(CHUNK):
        conn.executemany(insert, batch)
        staged_rows += len(batch)
        if cleaner.raw:
            conn.executemany(f"INSERT INTO temp.cx_raw VALUES ({', '.join('?' * len(raw))})", cleaner.raw)
            cleaner.raw.clear()
        if cleaner.bad:
            conn.executemany("INSERT INTO temp.cx_bad VALUES (?, ?, ?)", cleaner.bad)
            cleaner.bad.clear()
        if progress:
            progress(reader.bytes_done(), total)

    # -- 2. duplicates: the first line of each response id among rows with a usable timestamp ---------
    repeats: list[tuple[int, int]] = []
    if cleaner.maybe_repeats:
        # only the ids of rows the bitmap marked (all in cx_raw) can repeat; their first line may be any row's
        conn.execute("CREATE TEMP TABLE cx_first (rid TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")
        conn.execute(
            "INSERT INTO temp.cx_first SELECT rid, min(line) FROM temp.cx_clean WHERE rid IN "
            "(SELECT c.rid FROM temp.cx_raw AS r JOIN temp.cx_clean AS c ON c.line = r.line WHERE c.rid IS NOT NULL) "
            "GROUP BY rid HAVING count(*) > 1"
        )
        firsts = dict(conn.execute("SELECT rid, line FROM temp.cx_first").fetchall())
        if firsts:
            candidates = conn.execute(
                "SELECT c.line, c.rid FROM temp.cx_raw AS r JOIN temp.cx_clean AS c ON c.line = r.line "
                "WHERE c.rid IS NOT NULL"
            ).fetchall()
            repeats = [(firsts[rid], line) for line, rid in candidates if firsts.get(rid, line) != line]
            conn.executemany("UPDATE temp.cx_clean SET dup_first = ? WHERE line = ?", repeats)

    # -- 3. store ----------------------------------------------------------------------------------
    answered = " + ".join(f"(v{i} IS NOT NULL)" for i, _ in questions)
    segments = cleaner.segments
    present = [
        name
        for i, (name, _) in enumerate(segments)
        if _exists(conn, f"seg{i} IS NOT NULL AND dup_first IS NULL AND ({answered}) > 0")
    ]
    store.ensure_segment_columns(present)
    fields = {name: (f"c.{name}" if name in cleaner.text_names else "NULL") for name in TEXT_FIELDS}
    source = reader.id
    parameters = {
        "source": source,
        "by_line": f"{source}|",
        "by_response": f"{source}|r:",
        "ingest": ingest_id,
        "population": staged.population,
    }
    # response keys as `cxframe.ingest.response_key` makes them, with their constant parts joined once
    key = "CASE WHEN c.rid IS NULL THEN :by_line || c.line ELSE :by_response || c.rid END"
    kept = f"c.dup_first IS NULL AND ({answered}) > 0"
    # a new response's id is the last id before this ingest plus its line: line order, known without a lookup
    (parameters["base"],) = conn.execute("SELECT coalesce(max(id), 0) FROM responses").fetchone()
    columns = ["id", "key", "ingest_id", "source", "timestamp", "tz_offset", "respondent_id", "response_id"]
    columns += ["population", "touchpoint", "channel", "comment", "weight", *present]
    select = [":base + c.line", key, ":ingest", ":source", "c.ts", "c.off", fields["respondent_id"], "c.rid"]
    select += [":population", fields["touchpoint"], fields["channel"], fields["comment"], "c.weight"]
    select += [f"c.seg{[n for n, _ in segments].index(name)}" for name in present]
    before = conn.total_changes
    conn.execute(
        f"INSERT OR IGNORE INTO responses ({', '.join(f'[{c}]' for c in columns)}) "
        f"SELECT {', '.join(select)} FROM temp.cx_clean AS c WHERE {kept} ORDER BY c.line",
        parameters,
    )
    new_responses = conn.total_changes - before
    conn.execute("CREATE TEMP TABLE cx_question (i INTEGER PRIMARY KEY, id TEXT, low REAL, high REAL)")
    conn.executemany(
        "INSERT INTO temp.cx_question VALUES (?, ?, ?, ?)",
        [(i, question.id, question.scale_min, question.scale_max) for i, question in questions],
    )
    value = "CASE q.i " + " ".join(f"WHEN {i} THEN c.v{i}" for i, _ in questions) + " END"
    answer = f"SELECT q.id, r.id, {value}, q.low, q.high, :ingest"
    insert = "INSERT OR IGNORE INTO answers (question, response, value, scale_min, scale_max, ingest_id) "
    before = conn.total_changes
    # each row's answers go in together, in line order: the table's own order, so each insert appends
    conn.execute(
        f"{insert} {answer} FROM temp.cx_clean AS c JOIN responses AS r ON r.id = :base + c.line "
        f"CROSS JOIN temp.cx_question AS q WHERE c.dup_first IS NULL AND {value} IS NOT NULL ORDER BY c.line, q.i",
        parameters,
    )
    (kept_rows,) = conn.execute(f"SELECT count(*) FROM temp.cx_clean AS c WHERE {kept}").fetchone()
    if new_responses < kept_rows:
        # responses stored before (a re-exported file): their new answers join them by key
        conn.execute(
            f"{insert} {answer} FROM temp.cx_clean AS c JOIN responses AS r ON r.key = {key} "
            f"CROSS JOIN temp.cx_question AS q WHERE {kept} AND r.id <= :base AND {value} IS NOT NULL",
            parameters,
        )
    stored = conn.total_changes - before

    # every rejected row is in cx_raw (see _Cleaner), so the rejects read only those rows
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

    # the counts: the loop's tally by usable answers, less the repeats SQL found
    by_answers = list(cleaner.answered)
    if repeats:
        # every repeat is in cx_raw; one with a rejected weight (a reason there) was never tallied
        for usable, tallied in conn.execute(
            f"SELECT {answered}, r.reason IS NULL FROM temp.cx_clean AS c JOIN temp.cx_raw AS r ON r.line = c.line "
            "WHERE c.dup_first IS NOT NULL"
        ).fetchall():
            by_answers[usable] -= tallied
    count = len(questions)
    accepted = by_answers[count]
    partial = sum(by_answers[1:count])
    attempted = sum(n * rows for n, rows in enumerate(by_answers))
    (bad_rows,) = conn.execute("SELECT count(*) FROM temp.cx_bad").fetchone()
    return StagedCounts(
        rows_read=cleaner.count + bad_rows,
        accepted=accepted,
        partial=partial,
        rejected=cleaner.count - accepted - partial + bad_rows,
        stored=stored,
        attempted=attempted,
    )


def _exists(conn: Any, condition: str) -> bool:
    return bool(conn.execute(f"SELECT EXISTS (SELECT 1 FROM temp.cx_clean WHERE {condition})").fetchone()[0])
