"""Survey batches to staged rows: the core's checks of every survey record, a column at a time.

Whatever the layout (`cxframe.SurveyBatches`), each `cxframe.Batch` is
turned into the rows `cxframe.ingestion._staged` stages and stores, with pyarrow's
compute kernels doing what is the same for every row and Python running only
once per *distinct* answer, weight, rule cell, date and combination of
touchpoint, channel and segments. In record order, per record:

1. a record all of whose cells are blank is skipped (a blank line);
2. a `cxframe.Drop` that matches leaves it out, counted in the source's notes;
3. its timestamp must be usable (`timestamp_reader`), else it is rejected;
4. its response id is marked when it *may* repeat an earlier one (a bitmap of
   the ids seen, which never misses one; SQL decides, `cxframe.ingestion._staged`);
5. its weight (when mapped) and its `cxframe.Require` rules must hold, else it
   is rejected with the reason and no answer of it is stored;
6. each answer is scored; an unusable one is a reject of its own, a blank one (or one of
   `cxframe.SurveyBatches.unanswered`) is skipped and counted, unless no answer of the
   record is usable: then the record is rejected with every answer's reason.

A `_Chunk` holds ``cx_clean`` rows for all records with a usable timestamp,
``cx_raw`` rows (the record's text and reasons) for those that are or may be
rejected, and ``cx_bad`` rows for records that are not rows at all.

An event log's batches (`cxframe.EventBatches`) are checked the same way by
`EventCleaner`: drops, then a case id, an activity and a usable timestamp,
else a reject naming what is missing; its `EventRows` keep the columns as
pyarrow arrays, for the store or for the journey analytics directly.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable, Generator, Iterable
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.compute as pc

from cxframe.contracts._batches import Batch, Drop, EventBatches, SurveyBatches, SurveyQuestion
from cxframe.ingestion._delimited import raw_text
from cxframe.ingestion._timestamps import CACHE_LIMIT, Timestamps, _cached, _dictionary_map, _taken

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
#: the fields every event needs, in the order a reject names the missing ones
_REQUIRED = ("case", "activity", "timestamp")
#: ``(value, None)`` or ``(None, reason)``: an answer or a weight as scored
Scored = tuple[float | None, str | None]


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


def _score(
    question: SurveyQuestion, unanswered: frozenset[str]
) -> Callable[[str], tuple[float | None, str | None, bool]]:
    """``(value, reason, skipped)`` of an answer cell: blank or "seen, not answered" is skipped, with a reason
    for when no answer of its row is usable."""

    def score(cell: str) -> tuple[float | None, str | None, bool]:
        text = cell.strip()
        if not text:
            return None, f"{question.id}: blank", True
        if text in unanswered:
            return None, f"{question.id}: {text} (seen, not answered)", True
        return (*question.score(text), False)

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
    #: rows with a usable answer and none rejected (skipped ones aside), and their skipped answers
    whole: int = 0
    skipped: int = 0
    #: the source's warnings once read (`SourceReader.warnings`): made where the file is read, maybe another process
    warnings: list[str] = attrs.field(factory=list)


def _blank_as_null(column: pa.Array, *, strip: bool = True) -> pa.Array:
    """A text column stripped as ``str.strip`` strips (unless not ``strip``), blank cells null."""
    if strip:
        column = pc.utf8_trim(column, characters=WHITESPACE)
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def _strip_texts(column: pa.Array) -> list[str | None]:
    """A text column as ``str.strip`` leaves it (the same characters: `WHITESPACE`), blank as None."""
    return [text or None for text in pc.utf8_trim(column, characters=WHITESPACE).to_pylist()]


def _blank(columns: list[pa.Array]) -> pa.Array:
    """Whether each record's cells are all blank."""
    blank = None
    for column in columns:
        empty = pc.equal(pc.utf8_trim(column, characters=WHITESPACE), "")
        blank = empty if blank is None else pc.and_(blank, empty)
    return blank


def _leave_out(
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


class SurveyCleaner:
    """Cleans the batches of one `cxframe.SurveyBatches` into `_Chunk`s; see the module docstring."""

    def __init__(self, survey: SurveyBatches, size: int, delimiter: str = ",") -> None:
        self.survey = survey
        #: a reject's raw record is joined with the delimiter its batch was read with (`Batch.delimiter`), else this one
        self.delimiter = delimiter
        #: bits of the map of ids seen: a power of two, from the source's size in bytes
        self.seen_bits = min(SEEN_BITS, 1 << max(16, (size // 2).bit_length()))
        #: per-row texts in cx_clean, and the touchpoint and channel in cx_profile (those mapped)
        self.text_names = [name for name in ("respondent_id", "comment") if name in survey.fields]
        self.profile_names = [name for name in ("touchpoint", "channel") if name in survey.fields]
        self.segments = list(survey.segments.items())
        self.timestamps = Timestamps(survey)
        self.weight = _cached(weight_of, {})
        self.scores = [_cached(_score(question, survey.unanswered), {}) for question in survey.questions]
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
        self.whole = self.skipped = 0
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
        yield _Tally(self.count, self.answered, dict(self.notes), self.whole, self.skipped)

    def _pack(self, chunk: _Chunk, flat: list[Any], per_insert: int, bytes_done: int) -> None:
        """``flat`` (the rows' values one after another) ``per_insert`` rows to a tuple, for multi-row inserts.

        Why: a statement step has a fixed cost however many rows it inserts, so
        binding many rows at once cuts the staging's cost per row (docs/performance.md).
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

    def _batch(self, batch: Batch, chunk: _Chunk, flat: list[Any]) -> int:
        """Clean one batch into ``chunk`` and ``flat``; return how many records it took (rejects too)."""
        survey = self.survey
        delimiter = batch.delimiter or self.delimiter
        for line, reject in batch.rejects:
            chunk.bad.append((line, reject.raw, reject.reason))
        columns, line_array = _leave_out(self.survey.drops, self.notes, list(batch.columns), batch.lines)
        taken = len(batch.lines) + len(batch.rejects)
        if not len(line_array):
            return taken
        lines: list[int] = line_array.to_pylist()
        stored, offsets, reasons = self.timestamps.arrays(columns[survey.timestamp], lists=True)
        questions = survey.questions
        no_reasons = (None,) * len(questions)

        # rows whose timestamp cannot be used: rejected, unless every cell is blank (a blank line)
        if reasons.count(None) != len(reasons):
            unusable = [position for position, reason in enumerate(reasons) if reason is not None]
            for position, record in zip(unusable, self._records(columns, unusable), strict=True):
                if "".join(record).strip():
                    self.count += 1
                    chunk.raw.append((lines[position], raw_text(record, delimiter), reasons[position], *no_reasons))
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
        skips: list[pa.Array] = []
        for question, score in zip(questions, self.scores, strict=True):
            indices, results = _dictionary_map(columns[question.column], score)
            answer = pa.array([value for value, _, _ in results], pa.float64()).take(indices)
            if no_row is not None:
                answer = pc.if_else(no_row, pa.scalar(None, pa.float64()), answer)
            values.append(answer)
            has_reason = any(reason is not None for _, reason, _ in results)
            answer_reasons.append(
                pa.array([r for _, r, _ in results], pa.string()).take(indices) if has_reason else None
            )
            if any(skip for _, _, skip in results):
                skips.append(pa.array([skip for _, _, skip in results], pa.bool_()).take(indices))
            else:
                skips.append(None)
        usable = pc.cast(pc.is_valid(values[0]), pa.int8()) if values else pa.array([0] * rows, pa.int8())
        for answer in values[1:]:
            usable = pc.add(usable, pc.cast(pc.is_valid(answer), pa.int8()))
        repeat = pa.array([False] * rows, pa.bool_())
        if marked:
            repeat = pc.is_in(pa.array(range(rows), pa.int64()), value_set=pa.array(marked, pa.int64()))
        counted = pc.invert(no_row) if no_row is not None else pa.array([True] * rows, pa.bool_())

        # a skipped answer of a row with a usable one is no reject: no reason, counted as skipped
        answering = pc.and_(counted, pc.greater(usable, 0))
        settled = usable
        for at, skip in enumerate(skips):
            if skip is not None:
                skip = pc.and_(skip, answering)
                answer_reasons[at] = pc.if_else(skip, pa.scalar(None, pa.string()), answer_reasons[at])
                settled = pc.add(settled, pc.cast(skip, pa.int8()))

        # the tally, the rows kept now, and the rows cx_raw needs (partial, or maybe a repeat)
        for entry in pc.value_counts(usable.filter(counted)).to_pylist():
            self.answered[entry["values"]] += entry["counts"]
        whole = pc.and_(answering, pc.equal(settled, len(questions)))
        self.whole += pc.sum(pc.cast(whole, pa.int64())).as_py() or 0
        self.skipped += pc.sum(pc.subtract(settled, usable).filter(answering)).as_py() or 0
        stored_now = pc.and_(answering, pc.invert(repeat))
        chunk.kept += pc.sum(pc.cast(stored_now, pa.int64())).as_py() or 0
        partial = pc.and_(counted, pc.or_(pc.less(settled, len(questions)), repeat))
        raw_positions = pc.indices_nonzero(partial).to_pylist()
        if row_reasons is not None and no_row is not None:
            rejected = pc.indices_nonzero(no_row).to_pylist()
            for position, record in zip(rejected, self._records(columns, rejected), strict=True):
                chunk.raw.append((lines[position], raw_text(record, delimiter), row_reasons[position], *no_reasons))
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
                full = usable_list[position] == len(questions)
                answer_texts = no_reasons if full else tuple(column[index] for column in reason_columns)
                chunk.raw.append((lines[position], raw_text(record, delimiter), None, *answer_texts))
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

    def flat(self, source: str, ingest_id: int) -> list[Any]:
        """The ``events`` rows (`cxframe.store._sqlite.EVENT_COLUMNS`), keyed by source and line, one after another.

        Why flat: multi-row inserts bind a slice of it, and a column goes in with one slice assignment.
        """
        count = len(self.lines)
        keys = pc.binary_join_element_wise(f"{source}|", pc.cast(self.lines, pa.string()), "")
        columns = [keys, None, None, self.cases, self.activities, self.timestamps, self.offsets, *self.fields]
        columns.append(self.attributes)
        width = len(columns)
        flat: list[Any] = [None] * (count * width)
        flat[1::width] = [ingest_id] * count
        flat[2::width] = [source] * count
        for at, column in enumerate(columns):
            if column is not None:
                flat[at::width] = column.to_pylist()
        return flat


def _array(texts: Any) -> pa.Array:
    """Texts as a pyarrow string array (they may be one already)."""
    return texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string())


def _none(length: int) -> pa.Array:
    return pa.nulls(length, pa.string())


class EventCleaner:
    """Cleans the batches of one `cxframe.EventBatches` into ``events`` rows and rejects; see `cxframe.EventBatches`."""

    def __init__(self, log: EventBatches, delimiter: str = ",") -> None:
        self.log = log
        self.delimiter = delimiter
        self.timestamps = Timestamps(log)
        self.notes: Counter[str] = Counter()
        self.fields = [log.fields.get(name) for name in ("touchpoint", "channel", "resource", "outcome")]

    def batch(self, batch: Batch) -> EventRows:
        """The batch's events, each column checked at once; only the rejects are looked at one by one."""
        log = self.log
        rejects = [(line, reject.raw, reject.reason) for line, reject in batch.rejects]
        columns, lines = _leave_out(log.drops, self.notes, list(batch.columns), batch.lines)
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
            rejects.append(
                (
                    line_list[position],
                    raw_text([column[position].as_py() for column in columns], batch.delimiter or self.delimiter),
                    reason,
                )
            )
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
