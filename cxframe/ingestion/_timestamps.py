"""Timestamps a column at a time: the stored UTC text, the original offset, or why a cell is no timestamp.

Every collector's timestamps go through here, so that they are read alike:
the core reads plain ISO-8601 itself, and a collector's ``parse_timestamp``
(`cxframe.SurveyBatches`, `cxframe.EventBatches`) reads every other text,
once per distinct text. What pyarrow can be trusted to read exactly as
those would is read by its kernels, a column at a time: the usual export's
``2026-03-01T08:30:00Z`` (by slicing), ISO-8601 with an offset (its cast),
and what a collector declares in a `cxframe.TimestampRule` (its first
format, its zone); `Timestamps` says when. Property tests hold the
column-wise reading to the text-by-text one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cxframe.contracts._batches import EventBatches, SurveyBatches
from cxframe.store._sqlite import utc_text

#: Distinct texts a conversion cache keeps before it starts over: answers and
#: weights repeat a lot, but a free-number column must not grow without bound.
CACHE_LIMIT = 100_000
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

#: ISO-8601 with an offset or Z, to the second or a fraction of up to six digits, with a valid time of day
_WITH_OFFSET = (
    rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ]{_TIME_OF_DAY}(\.[0-9]{{1,6}})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
#: 2038-01-01T00:00:00Z in seconds since 1970
_YEAR_2038 = 2145916800
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


def _dictionary_map(column: pa.Array, convert: Callable[[Any], Any]) -> tuple[pa.Array, list[Any]]:
    """The column's dictionary indices and ``convert`` of each distinct cell (in dictionary order)."""
    encoded = pc.dictionary_encode(column)
    return encoded.indices, [convert(cell) for cell in encoded.dictionary.to_pylist()]


def _taken(results: list[Any], indices: pa.Array, kind: pa.DataType) -> list[Any]:
    """``results[i]`` for each index, through pyarrow (faster than a comprehension for long columns)."""
    return pa.array(results, kind).take(indices).to_pylist()  # type: ignore[no-any-return]


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
                if not text.strip():  # "unparsable timestamp ''" reads as a parser's fault
                    return None, None, f"no timestamp (expected {source.timestamp_expected})"
                return None, None, f"unparsable timestamp {text!r} (expected {source.timestamp_expected})"
        elif parsed.tzinfo is None:
            return parsed.isoformat(timespec="microseconds") + "Z", None, None
        try:
            return (*utc_text(parsed), None)
        except OverflowError:
            return None, None, f"timestamp {text!r} is out of range in UTC"

    read: Callable[[str], Stamp] = _cached(convert, cache)
    return read


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

    def arrays(self, column: pa.Array, *, lists: bool = False) -> tuple[Any, Any, Any]:
        """The column's stored texts, offsets and reasons: lists when ``lists``, else the usual export's as pyarrow
        arrays (others as lists)."""
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
        # the canonical cells by slicing, those with an offset by pyarrow's cast: a column at a time
        none = pa.scalar(None, pa.string())
        stored_array, offset_array = pa.nulls(rows, pa.string()), pa.nulls(rows, pa.string())
        if pc.any(fast).as_py():
            zulu = pc.ends_with(column, "Z")
            bare = pc.subtract(pc.utf8_length(column), pc.cast(zulu, pa.int32()))
            fraction = pc.if_else(pc.equal(bare, 26), pc.utf8_slice_codeunits(column, 19, 26), ".000000")
            canonical = pc.binary_join_element_wise(pc.utf8_slice_codeunits(column, 0, 19), fraction, "Z", "")
            stored_array = pc.if_else(fast, canonical, none)
            offset_array = pc.if_else(pc.and_(fast, zulu), "+00:00", none)
        zoned = self._with_offset(column, fast) if self.iso else None
        if zoned is not None:
            converted = pc.is_valid(zoned[0])
            stored_array = pc.if_else(converted, zoned[0], stored_array)
            offset_array = pc.if_else(converted, zoned[1], offset_array)
            fast = pc.or_(fast, converted)
        if not rows or pc.all(fast).as_py():
            if lists:
                return stored_array.to_pylist(), offset_array.to_pylist(), [None] * rows
            return stored_array, offset_array, pa.nulls(rows, pa.string())
        # the other cells: a declared rule's column-wise reading, else the collector's parser, once per text
        stored: list[str | None] = stored_array.to_pylist()
        offsets: list[str | None] = offset_array.to_pylist()
        reasons: list[str | None] = [None] * rows
        declared = self._declared(column, fast) if self.rule is not None else None
        rest = pc.indices_nonzero(pc.invert(fast)).to_pylist()
        texts = column.take(pa.array(rest, pa.int64())).to_pylist()
        stamp = self.stamp
        for position, text in zip(rest, texts, strict=True):
            if declared is not None and declared[0][position] is not None:
                stored[position], offsets[position] = declared[0][position], declared[1][position]
            else:
                stored[position], offsets[position], reasons[position] = stamp(text)
        return stored, offsets, reasons

    def _with_offset(self, column: pa.Array, done: pa.Array) -> tuple[pa.Array, pa.Array] | None:
        """Stored text and offset of the ISO-8601 cells with an offset (``…T09:30:00.250+01:00``), null elsewhere.

        Only cells of that exact shape (`_WITH_OFFSET`: a fraction of up to six
        digits, an offset of at most 23:59), a real date and a year from 1000
        to 9998 (so that UTC has one too) are converted, by pyarrow's cast, as
        ``fromisoformat`` and `cxframe.store._sqlite.utc_text` would.
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
