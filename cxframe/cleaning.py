"""Survey batches to staged rows: the core's checks of every survey record, a column at a time.

Whatever the layout (`cxframe.SurveyBatches`), each `cxframe.Batch` is
turned into the rows `cxframe.staged` stages and stores, with pyarrow's
compute kernels doing what is the same for every row and Python running only
once per *distinct* answer, weight, rule cell, date and combination of
touchpoint, channel and segments. In record order, per record:

1. a record all of whose cells are blank is skipped (a blank line);
2. a `cxframe.Drop` that matches leaves it out, counted in the source's notes;
3. its timestamp must be usable (`timestamp_reader`), else it is rejected;
4. its response id is marked when it *may* repeat an earlier one (a bitmap of
   the ids seen, which never misses one; SQL decides, `cxframe.staged`);
5. its weight (when mapped) and its `cxframe.Require` rules must hold, else it
   is rejected with the reason and no answer of it is stored;
6. each answer is scored; a blank or unusable one is a reject of its own.

A `_Chunk` holds ``cx_clean`` rows for all records with a usable timestamp,
``cx_raw`` rows (the record's text and reasons) for those that are or may be
rejected, and ``cx_bad`` rows for records that are not rows at all.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Generator, Iterable
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.compute as pc

from cxframe.delimited import raw_text
from cxframe.extensions import Batch, Drop, EventBatches, SurveyBatches, SurveyQuestion
from cxframe.store import utc_text

#: Distinct texts a conversion cache keeps before it starts over: answers and
#: weights repeat a lot, but a free-number column must not grow without bound.
CACHE_LIMIT = 100_000
#: Most bits in the map of response ids seen (32 MiB). The map gets a bit for every one or two bytes
#: of the source (8 MiB for a million 117-byte rows), so that about 1 % of rows is marked as a
#: possible repeat: each costs a staged raw text, and any at all one scan of the staged ids.
SEEN_BITS = 1 << 28
#: Why a row of a weighted source without its weight is rejected: counting it as 1 would be a guess,
#: and a bad one where weights are expansion factors (a respondent standing for 250).
BLANK_WEIGHT = "weight is blank (the source maps a weight column, so every response needs its weight)"
#: Every character ``str.strip`` strips (``str.isspace``); a test checks the list.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: A profile column's cell codes take this many bits of a row's combination (an int64): up to 4,095 distinct
#: cells in each of up to 5 columns; more go row by row (`SurveyCleaner._profiles_by_row`).
PROFILE_BITS = 12
PROFILE_RADIX = 1 << PROFILE_BITS
#: A timestamp already in the stored form (``2026-03-01T08:30:00.000000Z``), or but for its fraction or its
#: ``Z``, with a valid time of day: turned into stored text by slicing, once its date is known to be real.
_TIME_OF_DAY = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_CANONICAL_Z = rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T{_TIME_OF_DAY}(\.[0-9]{{6}})?Z$"
_CANONICAL_ANY = rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T{_TIME_OF_DAY}(\.[0-9]{{6}})?Z?$"
#: Plain ISO-8601, which the core reads itself: ``YYYY-MM-DD[ T]HH:MM:SS``, a fraction of 1–6 digits,
#: then ``Z``, ``±HH:MM`` or nothing; or a bare date.
_PLAIN = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?"
).fullmatch

#: the fields every event needs, in the order a reject names the missing ones
_REQUIRED = ("case", "activity", "timestamp")
#: ISO-8601 with an offset or Z, to the second or a fraction of up to six digits, with a valid time of day
_WITH_OFFSET = (
    rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ]{_TIME_OF_DAY}(\.[0-9]{{1,6}})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
#: 2038-01-01T00:00:00Z in seconds since 1970
_YEAR_2038 = 2145916800
#: ``(value, None)`` or ``(None, reason)``: an answer or a weight as scored
Scored = tuple[float | None, str | None]
#: ``(UTC text, offset, None)`` or ``(None, None, reason)``: what `timestamp_reader` gives for a cell.
Stamp = tuple[str | None, str | None, str | None]


def _cached(convert: Callable[[str], Any], cache: dict[str, Any]) -> Callable[[str], Any]:
    def cached(cell: str) -> Any:
        hit = cache.get(cell)
        if hit is None:
            if len(cache) >= CACHE_LIMIT:
                cache.clear()
            hit = cache[cell] = convert(cell)
        return hit

    return cached


def timestamp_reader(source: SurveyBatches | EventBatches) -> Callable[[str], Stamp]:
    """The stored text, offset or reject reason of a timestamp cell, cached per distinct text.

    Plain ISO-8601 (`_PLAIN`) is read with ``fromisoformat``: a time with an
    offset is converted to UTC, one without is UTC when ``source.naive_utc``.
    Every other text (a source time zone, another format, padding, garbage)
    goes to the collector's ``parse_timestamp``.
    """
    naive_utc = source.naive_utc
    iso = getattr(source, "iso_timestamps", True)
    cache: dict[str, Stamp] = {}

    def convert(text: str) -> Stamp:
        try:
            parsed = dt.datetime.fromisoformat(text) if iso and _PLAIN(text) else None
        except ValueError:  # 2026-02-30 and 24:00 have the shape
            parsed = None
        if parsed is not None and parsed.tzinfo is None and not naive_utc:
            parsed = None  # a source time zone applies: the collector's parser knows it
        if parsed is None:
            parsed = source.parse_timestamp(text)
            if parsed is None:
                return None, None, f"unparsable timestamp {text!r} (expected {source.timestamp_expected})"
        elif parsed.tzinfo is None:
            return parsed.isoformat(timespec="microseconds") + "Z", None, None
        try:
            return (*utc_text(parsed), None)
        except OverflowError:
            return None, None, f"timestamp {text!r} is out of range in UTC"

    read: Callable[[str], Stamp] = _cached(convert, cache)
    return read


def weight_of(text: str) -> Scored:
    """A weight cell: a finite number greater than 0 (blank: rejected, `BLANK_WEIGHT`)."""
    text = text.strip()
    if not text:
        return None, BLANK_WEIGHT
    try:
        weight = float(text)
    except ValueError:
        weight = float("nan")
    if not (weight > 0 and weight != float("inf")):
        return None, f"weight {text!r} is not a positive number"
    return weight, None


def _score(question: SurveyQuestion) -> Callable[[str], Scored]:
    def score(cell: str) -> Scored:
        text = cell.strip()
        return question.score(text) if text else (None, f"{question.id}: blank")

    return score


@attrs.define
class _Chunk:
    """What the cleaning made of some records: ``cx_clean`` and ``cx_raw`` rows, bad records, marked lines."""

    raw: list[tuple[Any, ...]] = attrs.Factory(list)
    bad: list[tuple[int, str, str]] = attrs.Factory(list)
    #: lines of rows that may repeat an earlier response id (the bitmap's marks), as 1-tuples for executemany
    marked: list[tuple[int]] = attrs.Factory(list)
    #: the ``cx_profile`` rows of combinations first seen in this chunk
    profiles: list[tuple[Any, ...]] = attrs.Factory(list)
    #: rows to store now: with a usable answer, and not marked
    kept: int = 0
    #: the ``cx_clean`` rows, ``per_insert`` to a flat tuple (``INSERT … VALUES (…), (…), …``), then the rest
    groups: list[tuple[Any, ...]] = attrs.Factory(list)
    rest: tuple[Any, ...] = ()
    #: the first and last line of the rows, and how many there were
    low: int = 0
    high: int = 0
    count: int = 0
    #: how far into the file the reading was
    bytes_done: int = 0


@attrs.frozen
class _Tally:
    """The counts, once all records are read: rows, by their number of usable answers; notes (drops)."""

    count: int
    answered: list[int]
    notes: dict[str, int]


def _blank_as_null(column: pa.Array, *, strip: bool = True) -> pa.Array:
    """A text column stripped as ``str.strip`` strips (unless not ``strip``), blank cells null."""
    if strip:
        column = pc.utf8_trim(column, characters=WHITESPACE)
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def _strip_texts(column: pa.Array) -> list[str | None]:
    """A text column as ``str.strip`` leaves it (the same characters: `WHITESPACE`), blank as None."""
    return [text or None for text in pc.utf8_trim(column, characters=WHITESPACE).to_pylist()]


def _dictionary_map(column: pa.Array, convert: Callable[[Any], Any]) -> tuple[pa.Array, list[Any]]:
    """The column's dictionary indices and ``convert`` of each distinct cell (in dictionary order)."""
    encoded = pc.dictionary_encode(column)
    return encoded.indices, [convert(cell) for cell in encoded.dictionary.to_pylist()]


def _taken(results: list[Any], indices: pa.Array, kind: pa.DataType) -> list[Any]:
    """``results[i]`` for each index, through pyarrow (faster than a comprehension for long columns)."""
    return pa.array(results, kind).take(indices).to_pylist()  # type: ignore[no-any-return]


#: ``strptime`` directives a shape (`_shape`) may hold: each one's fixed-width text, as ``strptime`` reads it
_DIRECTIVES = {
    "%Y": "[0-9]{4}",
    "%m": "(0[1-9]|1[0-2])",
    "%d": "(0[1-9]|[12][0-9]|3[01])",
    "%H": "([01][0-9]|2[0-3])",
    "%I": "(0[1-9]|1[0-2])",
    "%M": "[0-5][0-9]",
    "%S": "[0-5][0-9]",
    "%p": "(AM|PM)",
}


def _shape(pattern: str) -> tuple[str, int] | None:
    """A regular expression of the texts ``pattern`` writes, zero-padded, and where their day is; or None.

    Only for patterns of the fixed-width directives in `_DIRECTIVES` and
    other characters, with a year, month and day: what every text of that
    shape means is plain, so pyarrow and ``strptime`` read it alike.
    """
    parts, at, day_at, found = [], 0, -1, set()
    position = 0
    while position < len(pattern):
        piece = pattern[position : position + 2]
        if piece.startswith("%"):
            if piece not in _DIRECTIVES:
                return None
            found.add(piece)
            if piece == "%d":
                day_at = at
            parts.append(_DIRECTIVES[piece])
            at += 4 if piece == "%Y" else 2
            position += 2
        else:
            parts.append(re.escape(pattern[position]))
            at += 1
            position += 1
    if not {"%Y", "%m", "%d"} <= found or len(pattern.encode()) != len(pattern):
        return None
    return "^" + "".join(parts) + "$", day_at


def _blank(columns: list[pa.Array]) -> pa.Array:
    """Whether each record's cells are all blank."""
    blank = None
    for column in columns:
        empty = pc.equal(pc.utf8_trim(column, characters=WHITESPACE), "")
        blank = empty if blank is None else pc.and_(blank, empty)
    return blank


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class Timestamps:
    """Stored text, offset and reject reason of each cell of a timestamp column, as `timestamp_reader` gives them.

    A cell of a canonical shape with a real date is turned into stored text
    here, by slicing (dates checked once per distinct date); any other goes
    to `timestamp_reader`.
    """

    def __init__(self, source: SurveyBatches | EventBatches) -> None:
        self.naive_utc = source.naive_utc
        self.iso = getattr(source, "iso_timestamps", True)
        self.rule = source.timestamp_rule
        #: offset texts by minutes east of UTC
        self.offsets: dict[int, str | None] = {}
        self.stamp = timestamp_reader(source)
        self.canonical = _CANONICAL_ANY if source.naive_utc else _CANONICAL_Z
        self.dates: dict[str, bool] = {}

    def __call__(self, column: pa.Array) -> tuple[list[str | None], list[str | None], list[str | None]]:
        stored, offsets, reasons = self.arrays(column, lists=True)
        return stored, offsets, reasons

    def arrays(self, column: pa.Array, *, lists: bool = False) -> tuple[Any, Any, Any]:
        """As a call, but the usual export's three columns as pyarrow arrays unless ``lists`` (others as lists)."""
        rows = len(column)
        if self.iso:
            fast = pc.and_(pc.match_substring_regex(column, self.canonical), self._valid_dates(column))
        else:  # a source's own format only
            fast = pa.array([False] * rows, pa.bool_())
        if rows and pc.all(fast).as_py() and (not self.naive_utc or pc.all(pc.ends_with(column, "Z")).as_py()):
            # the usual export: every cell in UTC with Z, with a fraction of six digits or none
            whole = pc.equal(pc.utf8_length(column), 27)
            padded = pc.binary_join_element_wise(pc.utf8_slice_codeunits(column, 0, 19), ".000000Z", "")
            stored_array = pc.if_else(whole, column, padded)
            if lists:
                return stored_array.to_pylist(), ["+00:00"] * rows, [None] * rows
            return stored_array, pa.array(["+00:00"] * rows, pa.string()), pa.nulls(rows, pa.string())
        texts = column.to_pylist()
        stored: list[str | None] = [None] * rows
        offsets: list[str | None] = [None] * rows
        reasons: list[str | None] = [None] * rows
        zoned = self._with_offset(column, fast) if self.iso else None
        if zoned is not None:
            fast = pc.or_(fast, pc.is_valid(zoned[0]))
        declared = self._declared(column, fast) if self.rule is not None else None
        stamp = self.stamp
        for position, (text, quick) in enumerate(zip(texts, fast.to_pylist(), strict=True)):
            if quick and zoned is not None and zoned[0][position].is_valid:
                stored[position], offsets[position] = zoned[0][position].as_py(), zoned[1][position].as_py()
            elif quick:
                zulu = text[-1] == "Z"
                fraction = text[19:26] if len(text) - zulu == 26 else ".000000"
                stored[position], offsets[position] = f"{text[:19]}{fraction}Z", ("+00:00" if zulu else None)
            elif declared is not None and declared[0][position] is not None:
                stored[position], offsets[position] = declared[0][position], declared[1][position]
            else:
                stored[position], offsets[position], reasons[position] = stamp(text)
        return stored, offsets, reasons

    def _with_offset(self, column: pa.Array, done: pa.Array) -> tuple[pa.Array, pa.Array] | None:
        """Stored text and offset of the ISO-8601 cells with an offset (``…T09:30:00.250+01:00``), null elsewhere.

        Only cells of that exact shape (`_WITH_OFFSET`: a fraction of up to six
        digits, an offset of at most 23:59), a real date and a year from 1000
        to 9998 (so that UTC has one too) are converted, by pyarrow's cast, as
        ``fromisoformat`` and `cxframe.store.utc_text` would.
        """
        todo = pc.and_(pc.invert(done), pc.match_substring_regex(column, _WITH_OFFSET))
        todo = pc.and_(todo, self._valid_dates(column))
        if not pc.any(todo).as_py():
            return None
        picked = column.filter(todo)
        utc = pc.cast(pc.cast(picked, pa.timestamp("us", "UTC")), pa.timestamp("us"))
        inside = pc.and_(pc.greater_equal(pc.year(utc), 1000), pc.less_equal(pc.year(utc), 9998))
        text = pc.binary_join_element_wise(pc.utf8_replace_slice(pc.cast(utc, pa.string()), 10, 11, "T"), "Z", "")
        suffix = pc.utf8_slice_codeunits(picked, -6)
        offset = pc.if_else(
            pc.or_(pc.ends_with(picked, "Z"), pc.equal(pc.utf8_slice_codeunits(suffix, 1), "00:00")), "+00:00", suffix
        )
        none = pa.scalar(None, pa.string())
        stored = pc.if_else(inside, text, none)
        offset = pc.if_else(inside, offset, none)
        # back in place: the converted cells where they were, null elsewhere
        where = pc.cumulative_sum(pc.cast(todo, pa.int64()))
        index = pc.if_else(todo, pc.subtract(where, 1), pa.scalar(None, pa.int64()))
        return stored.take(index), offset.take(index)

    def _declared(self, column: pa.Array, done: pa.Array) -> tuple[list[str | None], list[str | None]] | None:
        """Stored text and offset of the cells the `cxframe.TimestampRule` reads column-wise (None elsewhere).

        A cell counts only when it has the exact fixed-width shape of ISO-8601
        to the second, or else of the rule's first format (`_shape`) and does
        not start like ISO-8601, and pyarrow's parse of it keeps its day (it
        rolls 2025-02-30 over into March, where ``strptime`` refuses it); in a
        zone, only a time that is neither skipped nor repeated by a
        daylight-saving change (both readings agree).
        """
        rule = self.rule
        assert rule is not None
        patterns = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] if self.iso else []
        if rule.formats and _shape(rule.formats[0]) is not None:
            patterns.append(rule.formats[0])
        naive: pa.Array | None = None
        ok = pa.array([False] * len(column), pa.bool_())
        for pattern in patterns:
            regex, day_at = _shape(pattern) or ("", 0)
            fits = pc.and_(pc.invert(done), pc.invert(ok))
            fits = pc.and_(fits, pc.match_substring_regex(column, regex))
            if len(patterns) > 2 and pattern == patterns[-1]:  # a text fromisoformat may read otherwise: the parser's
                fits = pc.and_(fits, pc.invert(pc.match_substring_regex(column, "^[0-9]{4}-?[0-9W]")))
            if not pc.any(fits).as_py():
                continue
            parsed = pc.strptime(column, format=pattern, unit="s", error_is_null=True)
            day = pc.cast(
                pc.utf8_slice_codeunits(pc.if_else(fits, column, "0" * day_at + "01"), day_at, day_at + 2), pa.int64()
            )
            fits = pc.fill_null(
                pc.and_(fits, pc.and_(pc.equal(pc.day(parsed), day), pc.greater_equal(pc.year(parsed), 1000))), False
            )
            naive = parsed if naive is None else pc.if_else(fits, parsed, naive)
            ok = pc.or_(ok, fits)
        if naive is None or not pc.any(ok).as_py():
            return None
        local = pc.cast(pc.cast(naive, pa.timestamp("s")), pa.int64())
        if rule.time_zone:
            # pyarrow's zone rules are its tz database's transitions, to 2037; later times go to the parser
            ok = pc.and_(ok, pc.fill_null(pc.and_(pc.greater_equal(local, 0), pc.less(local, _YEAR_2038)), False))
            zoned = [
                pc.assume_timezone(naive, timezone=rule.time_zone, ambiguous=way, nonexistent=way)
                for way in ("earliest", "latest")
            ]
            ok = pc.and_(ok, pc.fill_null(pc.equal(zoned[0], zoned[1]), False))
            utc = pc.cast(pc.cast(zoned[0], pa.timestamp("s", "UTC")), pa.int64())
        else:
            utc = local
        # "2025-09-09 14:19:27" (the cast's own text), with its T and six fraction digits
        text = pc.utf8_replace_slice(pc.cast(pc.cast(utc, pa.timestamp("s")), pa.string()), 10, 11, "T")
        stored = pc.if_else(ok, pc.binary_join_element_wise(text, ".000000Z", ""), pa.scalar(None, pa.string()))
        if not rule.time_zone:
            return stored.to_pylist(), [None] * len(column)
        minutes = pc.divide(pc.subtract(local, utc), 60)
        indices, names = _dictionary_map(minutes, self._offset)
        return stored.to_pylist(), _taken(names, indices, pa.string())

    def _offset(self, minutes: int | None) -> str | None:
        if minutes is None:
            return None
        hit = self.offsets.get(minutes)
        if hit is None:
            sign = "-" if minutes < 0 else "+"
            hit = self.offsets[minutes] = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return hit

    def _valid_dates(self, column: pa.Array) -> pa.Array:
        """Whether each cell starts with a real date (``2026-02-30`` has the shape), once per distinct date."""
        cache = self.dates
        if len(cache) >= CACHE_LIMIT:
            cache.clear()
        indices, flags = _dictionary_map(
            pc.utf8_slice_codeunits(column, 0, 10),
            lambda day: cache[day] if day in cache else cache.setdefault(day, _valid_date(day)),
        )
        return pa.array(flags, pa.bool_()).take(indices)


class SurveyCleaner:
    """Cleans the batches of one `cxframe.SurveyBatches` into `_Chunk`s; see the module docstring."""

    def __init__(self, survey: SurveyBatches, size: int) -> None:
        self.survey = survey
        #: bits of the map of ids seen: a power of two, from the source's size in bytes
        self.seen_bits = min(SEEN_BITS, 1 << max(16, (size // 2).bit_length()))
        #: per-row texts in cx_clean, and the touchpoint and channel in cx_profile (those mapped)
        self.text_names = [name for name in ("respondent_id", "comment") if name in survey.fields]
        self.profile_names = [name for name in ("touchpoint", "channel") if name in survey.fields]
        self.segments = list(survey.segments.items())
        self.timestamps = Timestamps(survey)
        self.weight = _cached(weight_of, {})
        self.scores = [_cached(_score(question), {}) for question in survey.questions]
        self.rules = [_cached(rule.reason, {}) for rule in survey.requires]
        #: profile numbers by combination: an int of packed cell codes (or the cells, see `_profiles_by_row`)
        self.profiles: dict[Any, int] = {}
        profile_columns = len(self.profile_names) + len(self.segments)
        #: per profile column, a number for each distinct cell, and the cells by number
        self.cell_codes: list[dict[str, int]] = [{} for _ in range(profile_columns)]
        self.code_cells: list[list[str]] = [[] for _ in range(profile_columns)]
        self.next_profile = 0
        self.seen = bytearray(max(1, self.seen_bits // 8))
        self.mask = self.seen_bits - 1
        self.count = 0
        self.answered = [0] * (len(survey.questions) + 1)
        self.notes: Counter[str] = Counter()

    def clean_columns(self) -> list[str]:
        questions = range(len(self.survey.questions))
        return ["line", "ts", "off", "rid", "weight", "profile", *self.text_names, *(f"v{i}" for i in questions)]

    def profile_columns(self) -> list[str]:
        return ["code", *self.profile_names, *(f"seg{i}" for i in range(len(self.segments)))]

    def raw_columns(self) -> list[str]:
        return ["line", "raw", "reason", *(f"r{i}" for i in range(len(self.survey.questions)))]

    def chunks(self, batches: Iterable[Batch], size: int, per_insert: int) -> Generator[_Chunk | _Tally, None, None]:
        """A `_Chunk` for every ``size`` records or so (whole batches), then the `_Tally`."""
        chunk, read = _Chunk(), 0
        flat: list[Any] = []
        bytes_done = 0
        for batch in batches:
            read += self._batch(batch, chunk, flat)
            bytes_done = batch.bytes_done or bytes_done
            if read >= size:
                self._pack(chunk, flat, per_insert, bytes_done)
                yield chunk
                chunk, read, flat = _Chunk(), 0, []
        self._pack(chunk, flat, per_insert, bytes_done)
        yield chunk
        yield _Tally(count=self.count, answered=self.answered, notes=dict(self.notes))

    def _pack(self, chunk: _Chunk, flat: list[Any], per_insert: int, bytes_done: int) -> None:
        """``flat`` (the rows' values one after another) ``per_insert`` rows to a tuple, for multi-row inserts.

        Why: a statement step costs ~1 µs however many rows it inserts, so
        binding 200 rows at once halves the staging's cost per row.
        """
        width = len(self.clean_columns())
        step = per_insert * width
        whole = len(flat) // step * step
        chunk.groups = [tuple(flat[i : i + step]) for i in range(0, whole, step)]
        chunk.rest = tuple(flat[whole:])
        chunk.count = len(flat) // width
        if flat:
            chunk.low, chunk.high = flat[0], flat[-width]
        # only the chunk may hold the values: marshal keeps a table of every object referenced from elsewhere
        flat.clear()
        chunk.bytes_done = bytes_done

    def _leave_out(self, columns: list[pa.Array], lines: pa.Array) -> tuple[list[pa.Array], pa.Array]:
        return self._drop(self.survey.drops, self.notes, columns, lines)

    @staticmethod
    def _drop(
        drops: Iterable[Drop], notes: Counter[str], columns: list[pa.Array], lines: pa.Array
    ) -> tuple[list[pa.Array], pa.Array]:
        """The batch without the records a `cxframe.Drop` leaves out (counted in ``notes``)."""
        keep: pa.Array | None = None
        for drop in drops:
            cells = pc.utf8_lower(pc.utf8_trim(columns[drop.column], characters=WHITESPACE))
            hit = pc.is_in(cells, value_set=pa.array(sorted(drop.values), pa.string()))
            if keep is not None:
                hit = pc.and_(hit, keep)
            dropped = pc.sum(pc.cast(hit, pa.int64())).as_py() or 0
            if dropped:
                notes[drop.note] += dropped
                keep = pc.invert(hit) if keep is None else pc.and_(keep, pc.invert(hit))
        if keep is None:
            return columns, lines
        return [column.filter(keep) for column in columns], lines.filter(keep)

    def _batch(self, batch: Batch, chunk: _Chunk, flat: list[Any]) -> int:
        """Clean one batch into ``chunk`` and ``flat``; return how many records it took (rejects too)."""
        survey = self.survey
        for line, reject in batch.rejects:
            chunk.bad.append((line, reject.raw, reject.reason))
        columns, line_array = self._leave_out(list(batch.columns), batch.lines)
        taken = len(batch.lines) + len(batch.rejects)
        if not len(line_array):
            return taken
        lines: list[int] = line_array.to_pylist()
        stored, offsets, reasons = self.timestamps(columns[survey.timestamp])
        questions = survey.questions
        no_reasons = (None,) * len(questions)

        # rows whose timestamp cannot be used: rejected, unless every cell is blank (a blank line)
        if reasons.count(None) != len(reasons):
            unusable = [position for position, reason in enumerate(reasons) if reason is not None]
            for position, record in zip(unusable, self._records(columns, unusable), strict=True):
                if "".join(record).strip():
                    self.count += 1
                    chunk.raw.append((lines[position], raw_text(record), reasons[position], *no_reasons))
            usable_stamps = [reason is None for reason in reasons]
            keep = pa.array(usable_stamps, pa.bool_())
            columns = [column.filter(keep) for column in columns]
            lines = list(itertools.compress(lines, usable_stamps))
            stored = list(itertools.compress(stored, usable_stamps))
            offsets = list(itertools.compress(offsets, usable_stamps))
        rows = len(lines)
        self.count += rows
        if not rows:
            return taken

        rid_at = survey.fields.get("response_id")
        rids: list[str | None] = [None] * rows if rid_at is None else _strip_texts(columns[rid_at])
        marked = self._marks(rids)

        # the weight and the rules: a reason rejects the row (no values stored)
        weights: list[float | None] = [None] * rows
        row_reasons = self._row_reasons(columns, rows, weights)
        no_row: pa.Array | None = None
        if row_reasons is not None:
            no_row = pa.array([reason is not None for reason in row_reasons], pa.bool_())

        # the answers, each question's distinct cells scored once
        values: list[pa.Array] = []
        answer_reasons: list[pa.Array | None] = []
        for question, score in zip(questions, self.scores, strict=True):
            indices, results = _dictionary_map(columns[question.column], score)
            answer = pa.array([value for value, _ in results], pa.float64()).take(indices)
            if no_row is not None:
                answer = pc.if_else(no_row, pa.scalar(None, pa.float64()), answer)
            values.append(answer)
            has_reason = any(reason is not None for _, reason in results)
            answer_reasons.append(pa.array([r for _, r in results], pa.string()).take(indices) if has_reason else None)
        usable = pc.cast(pc.is_valid(values[0]), pa.int8()) if values else pa.array([0] * rows, pa.int8())
        for answer in values[1:]:
            usable = pc.add(usable, pc.cast(pc.is_valid(answer), pa.int8()))
        repeat = pa.array([False] * rows, pa.bool_())
        if marked:
            repeat = pc.is_in(pa.array(range(rows), pa.int64()), value_set=pa.array(marked, pa.int64()))
        counted = pc.invert(no_row) if no_row is not None else pa.array([True] * rows, pa.bool_())

        # the tally, the rows kept now, and the rows cx_raw needs (partial, or maybe a repeat)
        for entry in pc.value_counts(usable.filter(counted)).to_pylist():
            self.answered[entry["values"]] += entry["counts"]
        stored_now = pc.and_(pc.and_(counted, pc.greater(usable, 0)), pc.invert(repeat))
        chunk.kept += pc.sum(pc.cast(stored_now, pa.int64())).as_py() or 0
        partial = pc.and_(counted, pc.or_(pc.less(usable, len(questions)), repeat))
        raw_positions = pc.indices_nonzero(partial).to_pylist()
        if row_reasons is not None and no_row is not None:
            rejected = pc.indices_nonzero(no_row).to_pylist()
            for position, record in zip(rejected, self._records(columns, rejected), strict=True):
                chunk.raw.append((lines[position], raw_text(record), row_reasons[position], *no_reasons))
        if raw_positions:
            usable_list = usable.to_pylist()
            picked = pa.array(raw_positions, pa.int64())
            reason_columns = [
                reasons.take(picked).to_pylist() if reasons is not None else [None] * len(raw_positions)
                for reasons in answer_reasons
            ]
            for index, (position, record) in enumerate(
                zip(raw_positions, self._records(columns, raw_positions), strict=True)
            ):
                whole = usable_list[position] == len(questions)
                answer_texts = no_reasons if whole else tuple(column[index] for column in reason_columns)
                chunk.raw.append((lines[position], raw_text(record), None, *answer_texts))
        chunk.marked.extend((lines[position],) for position in marked)

        profiles = self._profiles(columns, chunk)
        texts = [_strip_texts(columns[survey.fields[name]]) for name in self.text_names]
        flat.extend(
            itertools.chain.from_iterable(
                zip(
                    lines,
                    stored,
                    offsets,
                    rids,
                    weights,
                    profiles,
                    *texts,
                    *(answer.to_pylist() for answer in values),
                    strict=True,
                )
            )
        )
        return taken

    def _row_reasons(self, columns: list[pa.Array], rows: int, weights: list[float | None]) -> list[str | None] | None:
        """Why each row is rejected whole (its weight, else its rules joined), None when no row is; fills ``weights``."""
        weight_reasons: list[str | None] = [None] * rows
        rule_reasons: list[list[str | None]] = []
        weight_at = self.survey.fields.get("weight")
        if weight_at is not None:
            indices, results = _dictionary_map(columns[weight_at], self.weight)
            weights[:] = _taken([value for value, _ in results], indices, pa.float64())
            if any(reason is not None for _, reason in results):
                weight_reasons = _taken([reason for _, reason in results], indices, pa.string())
        for rule, reason in zip(self.survey.requires, self.rules, strict=True):
            indices, results = _dictionary_map(pc.utf8_trim(columns[rule.column], characters=WHITESPACE), reason)
            if any(result is not None for result in results):
                rule_reasons.append(_taken(results, indices, pa.string()))
        if not rule_reasons and weight_reasons.count(None) == rows:
            return None
        return [
            weight or "; ".join(str(reasons[position]) for reasons in rule_reasons if reasons[position]) or None
            for position, weight in enumerate(weight_reasons)
        ]

    @staticmethod
    def _records(columns: list[pa.Array], positions: list[int]) -> list[list[str]]:
        """The cells of the rows at ``positions``, as read."""
        if not positions:
            return []
        picked = pa.array(positions, pa.int64())
        return [list(record) for record in zip(*(column.take(picked).to_pylist() for column in columns), strict=True)]

    def _marks(self, rids: list[str | None]) -> list[int]:
        """Positions of the rows whose response id *may* repeat an earlier one (the map of ids seen)."""
        seen, mask = self.seen, self.mask
        marked = []
        for position, rid in enumerate(rids):
            if rid is None:
                continue
            bit = hash(rid) & mask
            byte, flag = bit >> 3, 1 << (bit & 7)
            if seen[byte] & flag:
                marked.append(position)
            else:
                seen[byte] |= flag
        return marked

    def _profiles(self, columns: list[pa.Array], chunk: _Chunk) -> list[int]:
        """Each row's profile number (touchpoint, channel and segments together), new ones added to ``chunk``.

        Each column's distinct cells get a number of their own (`cell_codes`),
        and a row's combination is one integer of those numbers, so Python
        only sees each distinct combination of a batch once.
        """
        survey = self.survey
        at = [*(survey.fields[name] for name in self.profile_names), *(i for _, i in self.segments)]
        rows = len(columns[0])
        if len(self.profiles) >= CACHE_LIMIT:
            self.profiles.clear()
        if any(len(codes) >= PROFILE_RADIX for codes in self.cell_codes) or len(at) * PROFILE_BITS > 62:
            return self._profiles_by_row(columns, at, chunk)
        key = pa.array([0] * rows, pa.int64())
        for column, codes, cells in zip((columns[i] for i in at), self.cell_codes, self.code_cells, strict=True):
            encoded = pc.dictionary_encode(column)
            numbers = []
            for cell in encoded.dictionary.to_pylist():
                number = codes.get(cell)
                if number is None:
                    number = codes[cell] = len(cells)
                    cells.append(cell)
                numbers.append(number)
            if len(codes) >= PROFILE_RADIX:  # too many distinct cells to pack: this batch row by row
                return self._profiles_by_row(columns, at, chunk)
            key = pc.add(pc.multiply(key, PROFILE_RADIX), pa.array(numbers, pa.int64()).take(encoded.indices))
        distinct = pc.dictionary_encode(key)
        numbers = []
        for combination in distinct.dictionary.to_pylist():
            number = self.profiles.get(combination)
            if number is None:
                number = self._new_profile(combination, self._unpack(combination), chunk)
            numbers.append(number)
        return _taken(numbers, distinct.indices, pa.int64())

    def _unpack(self, combination: int) -> tuple[str, ...]:
        cells = []
        for names in reversed(self.code_cells):
            combination, number = divmod(combination, PROFILE_RADIX)
            cells.append(names[number])
        return tuple(reversed(cells))

    def _new_profile(self, key: Any, cells: tuple[str, ...], chunk: _Chunk) -> int:
        number = self.profiles[key] = self.next_profile
        self.next_profile += 1
        chunk.profiles.append((number, *(cell.strip() or None for cell in cells)))
        return number

    def _profiles_by_row(self, columns: list[pa.Array], at: list[int], chunk: _Chunk) -> list[int]:
        """`_profiles` for columns with too many distinct cells to pack: keyed by the cells themselves."""
        numbers = []
        for cells in zip(*(columns[i].to_pylist() for i in at), strict=True) if at else [()] * len(columns[0]):
            number = self.profiles.get(cells)
            if number is None:
                number = self._new_profile(cells, cells, chunk)
            numbers.append(number)
        return numbers


@attrs.define
class EventRows:
    """What the event cleaning made of a batch: the events' columns (pyarrow arrays, in record order), the rejects."""

    lines: pa.Array
    cases: pa.Array
    activities: pa.Array
    #: stored UTC text and original offset
    timestamps: pa.Array
    offsets: pa.Array
    #: touchpoint, channel, resource, outcome (null where not mapped or blank)
    fields: list[pa.Array]
    attributes: pa.Array
    rejects: list[tuple[int, str, str]]
    #: non-blank records taken (events and rejects)
    records: int

    def rows(self, source: str, ingest_id: int) -> list[tuple[Any, ...]]:
        """The ``events`` rows (`cxframe.store.EVENT_COLUMNS`), keyed by source and line."""
        columns = [self.lines, self.cases, self.activities, self.timestamps, self.offsets, *self.fields]
        return [
            (f"{source}|{line}", ingest_id, source, *rest)
            for line, *rest in zip(*(column.to_pylist() for column in [*columns, self.attributes]), strict=True)
        ]


def _array(texts: Any) -> pa.Array:
    """Texts as a pyarrow string array (they may be one already)."""
    return texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string())


def _none(length: int) -> pa.Array:
    return pa.nulls(length, pa.string())


class EventCleaner:
    """Cleans the batches of one `cxframe.EventBatches` into ``events`` rows and rejects; see `cxframe.EventBatches`."""

    def __init__(self, log: EventBatches) -> None:
        self.log = log
        self.timestamps = Timestamps(log)
        self.notes: Counter[str] = Counter()
        self.fields = [log.fields.get(name) for name in ("touchpoint", "channel", "resource", "outcome")]

    def batch(self, batch: Batch) -> EventRows:
        """The batch's events, each column checked at once; only the rejects are looked at one by one."""
        log = self.log
        rejects = [(line, reject.raw, reject.reason) for line, reject in batch.rejects]
        columns, lines = SurveyCleaner._drop(log.drops, self.notes, list(batch.columns), batch.lines)
        count = len(lines)
        stripped = [pc.utf8_trim(columns[at], characters=WHITESPACE) for at in (log.case, log.activity, log.timestamp)]
        missing = pc.or_(pc.or_(pc.equal(stripped[0], ""), pc.equal(stripped[1], "")), pc.equal(stripped[2], ""))
        stamps, offsets, reasons = self.timestamps.arrays(stripped[2])
        reasons = _array(reasons)
        unusable = pc.or_(missing, pc.is_valid(reasons))
        blank = pc.and_(missing, _blank(columns)) if count and pc.any(missing).as_py() else None
        records = count - (pc.sum(pc.cast(blank, pa.int64())).as_py() or 0 if blank is not None else 0)
        wrong = unusable if blank is None else pc.and_(unusable, pc.invert(blank))
        line_list = lines.to_pylist() if pc.any(wrong).as_py() else []
        for position in pc.indices_nonzero(wrong).to_pylist() if line_list else []:
            if missing[position].as_py():
                values = [column[position].as_py() for column in stripped]
                absent = [
                    f"{what} ({log.describe.get(key, key)})"
                    for what, key, value in zip(("case id", "activity", "timestamp"), _REQUIRED, values, strict=True)
                    if not value
                ]
                reason = f"missing {', '.join(absent)}"
            else:
                reason = f"{reasons[position].as_py()} in {log.describe.get('timestamp', 'timestamp')}"
            rejects.append((line_list[position], raw_text([column[position].as_py() for column in columns]), reason))
        keep = pc.invert(unusable)
        fields = [_none(count) if at is None else _blank_as_null(columns[at]) for at in self.fields]
        return EventRows(
            lines=lines.filter(keep),
            cases=stripped[0].filter(keep),
            activities=stripped[1].filter(keep),
            timestamps=_array(stamps).filter(keep),
            offsets=_array(offsets).filter(keep),
            fields=[field.filter(keep) for field in fields],
            attributes=self._attributes(columns).filter(keep),
            rejects=rejects,
            records=records + len(batch.rejects),
        )

    def _attributes(self, columns: list[pa.Array]) -> pa.Array:
        """Each event's attributes as JSON text (null for none)."""
        log = self.log
        count = len(columns[0]) if columns else 0
        if log.attributes_json is not None:
            return _blank_as_null(columns[log.attributes_json], strip=False)
        if not log.attributes:
            return _none(count)
        names = list(log.attributes)
        values = zip(*(columns[at].to_pylist() for at in log.attributes.values()), strict=True)
        found: list[str | None] = []
        for cells in values:
            kept = {name: cell for name, cell in zip(names, cells, strict=True) if cell.strip()}
            found.append(json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else None)
        return pa.array(found, pa.string())
