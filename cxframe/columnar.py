"""The columnar reader of a staged CSV survey: pyarrow parses and converts a block of records at a time.

Why: the row-at-a-time reader of `cxframe.staged` (Python's ``csv`` module,
then one Python pass per row) takes ~7 µs a row, as long as the store takes to
write it; the ingest of a million rows waited on both. Here pyarrow's CSV
parser reads blocks of records into columns, its compute kernels convert
them, and Python runs only once per *distinct* answer, weight, segment
combination, date and time of day, plus a few list operations per row. The
result is the same `cxframe.staged._Chunk` rows the row-at-a-time reader
makes, so the store's side is the same.

Exactness comes first: the ingest must store what the streaming path stores.
Where this reader cannot be sure that Python's ``csv`` module (strict) would
read the same cells, it raises `Declined` and the ingest reads the source
again with the row-at-a-time reader (`cxframe.staged.ingest_staged` rolls
back what this one stored). It declines on:

* bytes that are not UTF-8 (pyarrow checks; the other reader names the line);
* quoting that ``csv`` (strict) rejects and pyarrow reads without a word: a
  closing quote followed by more of the cell (``"a"b``, ``""x``,
  ``"a,"b``), a quote left open to the end of the file (`_QuoteScan`
  follows the quotes as ``csv`` does); also, to be safe, a quote inside an
  unquoted cell (``5"screen``), which both read alike;
* a byte-order mark at the start of the first record (pyarrow skips it,
  ``csv`` keeps it in the cell), or a delimiter of more than one byte;
* a cell longer than ``csv.field_size_limit()`` bytes;
* a record of another width that the collector would keep as a row (extra
  blank cells, `cxframe.extensions.StagedCsv.misfit`), whose text ``csv``
  cannot parse, or that spans lines (pyarrow's text of it is not always its
  bytes then);
* a carriage return inside a cell: pyarrow 26 drops the LF of a CR LF in a
  quoted cell when one block ends between the two (found by the property
  test in ``test_nps_columnar``); a line break inside a cell is LF alone
  in most exports (Excel, Google Sheets);
* any error pyarrow raises (a record longer than a block, say).

Line numbers are the ``csv`` module's (the first physical line of the
record): each record takes one line plus the LFs inside its quoted cells. Only CSV files whose encoding is UTF-8 come here (see
`cxframe.extensions.StagedCsv`); pyarrow skips nothing else.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from cxframe.background import in_child
from cxframe.extensions import Reject, StagedCsv, StagedQuestion
from cxframe.staged import (
    CACHE_LIMIT,
    Declined,
    Scored,
    _Chunk,
    _Cleaner,
    _Tally,
    _weight,
    score_cell,
    timestamp_reader,
)

#: Bytes of the file pyarrow parses at a time: ~2,000 records of a typical export. Larger blocks were no
#: faster and cost memory (pyarrow holds a few blocks ahead).
BLOCK_BYTES = 256 * 1024
#: Every character ``str.strip`` strips (``str.isspace``); `tests.test_columnar` checks the list.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: The canonical timestamp shapes `cxframe.staged.timestamp_reader` turns into stored text by slicing
#: (with a valid time of day: ``fromisoformat`` takes hours 00–23, minutes and seconds 00–59)
_TIME_OF_DAY = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_CANONICAL_Z = rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T{_TIME_OF_DAY}(\.[0-9]{{6}})?Z$"
_CANONICAL_ANY = rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T{_TIME_OF_DAY}(\.[0-9]{{6}})?Z?$"
#: A profile column's cell codes take this many bits of a row's combination (an int64): up to 4,095 distinct
#: cells in each of up to 5 columns; more go row by row (`ColumnarReader._profiles_by_row`).
PROFILE_BITS = 12
PROFILE_RADIX = 1 << PROFILE_BITS


#: Bytes that end a cell outside quotes: the delimiter is added per file
_LINE_BREAKS = (ord("\n"), ord("\r"))


class _QuoteScan:
    """Follows the quotes of the file, from its first record on, as Python's ``csv`` module (strict) reads them.

    Why: pyarrow reads some quoting that ``csv`` rejects (``"a"b``, ``""x``,
    a quote left open to the end of the file) without an error, and would
    store cells the other reader never stores. Only the runs of quotes
    matter, so numpy finds them and Python follows them, one run at a time
    (about 0.4 s for the benchmark's 900,000 runs): outside a quoted cell, a
    run at the start of a cell opens one (its first quote) and any other is
    a quote inside an unquoted cell; inside, an even run is escaped quotes
    and an odd one closes the cell, which must end there. It runs beside
    pyarrow, not as its input: pyarrow reads ahead on a thread of its own,
    and a Python file object would be called back from there.
    """

    def __init__(self, layout: StagedCsv) -> None:
        self.handle = layout.path.open("rb")
        self.handle.seek(layout.start)
        self.position = layout.start
        self.ends = (*_LINE_BREAKS, ord(layout.delimiter))
        self.inside = False
        #: the byte before the next bytes to follow (None: the start of the records, a cell's start)
        self.before: int | None = None
        #: bytes held back: a run of quotes that the last block ended in, with what follows
        self.pending = b""
        #: why ``csv`` may read the file otherwise (None: it reads it as pyarrow does)
        self.doubt: str | None = None

    def advance(self, size: int) -> None:
        """Follow the next ``size`` bytes (all that is left for -1)."""
        while size and self.doubt is None:
            block = self.handle.read(min(size, 1 << 20) if size > 0 else 1 << 20)
            if not block:
                return
            size = size - len(block) if size > 0 else size
            self.position += len(block)
            self._follow(self.pending + block, final=False)

    def finish(self) -> None:
        """Follow the rest of the file, and its end."""
        self.advance(-1)
        if self.doubt is None:
            self._follow(self.pending, final=True)
        if self.doubt is None and self.inside:
            self.doubt = "a quote left open at the end of the file"

    def _follow(self, data: bytes, *, final: bool) -> None:
        self.pending = b""
        if not data:
            return
        text = np.frombuffer(data, dtype=np.uint8)
        quotes = np.flatnonzero(text == ord('"'))
        held = len(data)  # where the bytes held back for the next block start
        if quotes.size:
            breaks = np.flatnonzero(np.diff(quotes) != 1)  # where one run of quotes ends and the next begins
            starts = quotes[np.concatenate(([0], breaks + 1))]
            ends = quotes[np.concatenate((breaks, [quotes.size - 1]))] + 1
            if not final and ends[-1] == len(data):
                # the block ends in a run of quotes, which may go on in the next block: followed with it
                held = int(starts[-1])
                starts, ends = starts[:-1], ends[:-1]
            befores = text[np.maximum(starts - 1, 0)].tolist()
            afters = text[np.minimum(ends, len(data) - 1)].tolist()
            if not self._runs(zip(starts.tolist(), ends.tolist(), befores, afters, strict=True), len(data)):
                return
        if held < len(data):
            self.pending = data[held:]
            if held:
                self.before = data[held - 1]
        else:
            self.before = data[-1]

    def _runs(self, runs: Any, size: int) -> bool:
        ends, inside = self.ends, self.inside
        for start, end, before, after in runs:
            length = end - start
            if not inside:
                if start == 0:
                    before = self.before
                if before is not None and before not in ends:
                    self.doubt = "a quote inside an unquoted cell"
                    return False
                inside, length = True, length - 1  # the opening quote
            if length % 2:  # a closing quote, after any escaped ones: the cell must end here
                inside = False
                if end < size and after not in ends:
                    self.doubt = "a closing quote followed by more of the cell"
                    return False
        self.inside = inside
        return True

    def close(self) -> None:
        self.handle.close()


def _strip_texts(column: pa.Array) -> list[str | None]:
    """A text column as ``str.strip`` leaves it (the same characters: `WHITESPACE`), blank as None."""
    return [text or None for text in pc.utf8_trim(column, characters=WHITESPACE).to_pylist()]


def _dictionary_map(column: pa.Array, convert: Callable[[str], Any]) -> tuple[pa.Array, list[Any]]:
    """The column's dictionary indices and ``convert`` of each distinct cell (in dictionary order)."""
    encoded = pc.dictionary_encode(column)
    return encoded.indices, [convert(cell) for cell in encoded.dictionary.to_pylist()]


def _taken(results: list[Any], indices: pa.Array, kind: pa.DataType) -> list[Any]:
    """``results[i]`` for each index, through pyarrow (faster than a comprehension for long columns)."""
    return pa.array(results, kind).take(indices).to_pylist()  # type: ignore[no-any-return]


class ColumnarReader:
    """Reads a `cxframe.extensions.StagedCsv` into the chunks `cxframe.staged._Cleaner.chunks` yields."""

    def __init__(self, cleaner: _Cleaner, layout: StagedCsv) -> None:
        self.cleaner, self.layout = cleaner, layout
        staged = cleaner.staged
        self.staged = staged
        self.width = staged.width
        self.stamp = timestamp_reader(staged)
        self.canonical = _CANONICAL_ANY if staged.naive_utc else _CANONICAL_Z
        self.dates: dict[str, bool] = {}
        self.weights: dict[str, Scored] = {}
        self.scores: list[dict[str, Scored]] = [{} for _ in staged.questions]
        #: profile numbers by combination: an int of packed cell codes (or the cells, see `_profiles_by_row`)
        self.profiles: dict[Any, int] = {}
        profile_columns = len(cleaner.profile_names) + len(cleaner.segments)
        #: per profile column, a number for each distinct cell, and the cells by number
        self.cell_codes: list[dict[str, int]] = [{} for _ in range(profile_columns)]
        self.code_cells: list[list[str]] = [[] for _ in range(profile_columns)]
        self.next_profile = 0
        self.seen = bytearray(max(1, cleaner.seen_bits // 8))
        self.mask = cleaner.seen_bits - 1
        self.invalid: dict[int, str] = {}
        self.next_record = 1  # pyarrow numbers records from 1, invalid ones included
        self.next_line = layout.first_line
        self.count = 0
        self.answered = [0] * (len(staged.questions) + 1)
        self.field_limit = csv.field_size_limit()

    def _invalid_row(self, row: Any) -> str:
        self.invalid[row.number] = row.text
        return "skip"

    def chunks(self, size: int, per_insert: int) -> Generator[_Chunk | _Tally, None, None]:
        """A `_Chunk` for every ``size`` records or so (whole blocks), then the `_Tally`; see the module docstring."""
        if in_child():  # pyarrow's settings are process-wide: only in a process of the ingest's own
            pa.set_memory_pool(pa.system_memory_pool())  # gives freed blocks back; mimalloc kept ~20 MB more
            pa.set_io_thread_count(1)
            pa.set_cpu_count(1)
        delimiter = self.layout.delimiter
        if len(delimiter.encode("utf-8")) != 1:
            raise Declined(f"the delimiter {delimiter!r} is not one byte, as pyarrow needs")
        scan = _QuoteScan(self.layout)
        if scan.handle.read(3) == b"\xef\xbb\xbf":
            # pyarrow skips a byte-order mark at the start of what it reads; csv keeps it in the first cell
            scan.close()
            raise Declined("a byte-order mark at the start of the first record")
        scan.handle.seek(self.layout.start)
        stream = pa.OSFile(str(self.layout.path))
        names = [f"c{i}" for i in range(self.width)]
        try:
            stream.seek(self.layout.start)
            batches = pa_csv.open_csv(
                stream,
                read_options=pa_csv.ReadOptions(column_names=names, block_size=BLOCK_BYTES, use_threads=False),
                parse_options=pa_csv.ParseOptions(
                    delimiter=self.layout.delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=self._invalid_row,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types={name: pa.string() for name in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            chunk, read = _Chunk(), 0
            flat: list[Any] = []
            while True:
                try:
                    batch = batches.read_next_batch()
                except StopIteration:
                    break
                read += self._batch(batch, chunk, flat)
                # the scan keeps a block ahead of what was parsed; all that matters is that it ends first
                scan.advance(max(0, stream.tell() - scan.position))
                if scan.doubt is not None:
                    raise Declined(f"{scan.doubt}, which Python's csv module reads otherwise")
                if read >= size:
                    self._pack(chunk, flat, per_insert, scan.position)
                    yield chunk
                    chunk, read, flat = _Chunk(), 0, []
            scan.finish()
            if scan.doubt is not None:
                raise Declined(f"{scan.doubt}, which Python's csv module reads otherwise")
            read += self._invalid_rest(chunk)
            self._pack(chunk, flat, per_insert, scan.position)
            yield chunk
            yield _Tally(count=self.count, answered=self.answered)
        except pa.ArrowException as error:
            raise Declined(f"pyarrow: {error}") from None
        finally:
            scan.close()
            stream.close()

    def _pack(self, chunk: _Chunk, flat: list[Any], per_insert: int, position: int) -> None:
        """``flat`` (the rows' values one after another) as `_Chunk.pack` packs rows."""
        width = len(self.cleaner.clean_columns())
        whole = len(flat) // (per_insert * width) * per_insert * width
        step = per_insert * width
        chunk.groups = [tuple(flat[i : i + step]) for i in range(0, whole, step)]
        chunk.rest = tuple(flat[whole:])
        chunk.count = len(flat) // width
        if flat:
            chunk.low, chunk.high = flat[0], flat[-width]
        # only the chunk may hold the values: marshal keeps a table of every object referenced from elsewhere
        # too (to write it once), which tripled its time
        flat.clear()
        chunk.bytes_done = position

    def _lines(self, columns: list[pa.Array], chunk: _Chunk) -> list[int]:
        """The first physical line of each row of a batch, storing the invalid records among and before them.

        A record takes one line plus the line breaks inside its cells.
        """
        rows = len(columns[0]) if columns else 0
        breaks: list[int] | None = None
        if any(_has_byte(column, b"\r") for column in columns):
            # pyarrow drops the LF of a CR LF in a quoted cell when a block ends between the two (pyarrow 26)
            raise Declined("a carriage return inside a cell")
        if any(_has_byte(column, b"\n") for column in columns):
            counted = pc.count_substring(columns[0], "\n")
            for column in columns[1:]:
                counted = pc.add(counted, pc.count_substring(column, "\n"))
            breaks = counted.to_pylist()
        if breaks is None and not self.invalid:
            start = self.next_line
            self.next_line += rows
            self.next_record += rows
            return list(range(start, start + rows))
        lines: list[int] = []
        while len(lines) < rows:
            if self.next_record in self.invalid:
                self._store_invalid(chunk)
                continue
            lines.append(self.next_line)
            self.next_line += 1 + (breaks[len(lines) - 1] if breaks is not None else 0)
            self.next_record += 1
        return lines

    def _invalid_rest(self, chunk: _Chunk) -> int:
        """Store the invalid records after the last batch's rows; return how many there were."""
        done = 0
        while self.invalid:
            if self.next_record not in self.invalid:
                raise Declined(f"pyarrow skipped record {self.next_record} without a word")
            self._store_invalid(chunk)
            done += 1
        return done

    def _store_invalid(self, chunk: _Chunk) -> None:
        """Store the invalid record numbered `next_record` (a reject, as the collector's ``misfit`` says)."""
        text = self.invalid.pop(self.next_record)
        if "\r" in text or "\n" in text:
            # pyarrow's text of a record it skips is not always the record's bytes when it spans lines
            raise Declined("a record of another width spanning lines")
        line = self.next_line
        self.next_record += 1
        self.next_line += 1
        try:
            [cells] = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.layout.delimiter, strict=True))
        except (csv.Error, ValueError):
            raise Declined(f"line {line} cannot be read alike") from None
        for fitted_line, fitted in self.layout.misfit(line, cells):
            if not isinstance(fitted, Reject):
                raise Declined(f"the collector keeps line {fitted_line}, a record of another width, as a row")
            chunk.bad.append((fitted_line, fitted.raw, fitted.reason))

    def _timestamps(self, column: pa.Array) -> tuple[list[str | None], list[str | None], list[str | None]]:
        """Stored text, offset and reject reason of each timestamp cell, as `timestamp_reader` gives them.

        A cell of a canonical shape (`_CANONICAL_Z`) with a real date is turned
        into stored text here, by slicing; any other goes to `timestamp_reader`.
        """
        texts = column.to_pylist()
        rows = len(texts)
        canonical = pc.match_substring_regex(column, self.canonical)
        fast = pc.and_(canonical, self._valid_dates(column))
        if pc.all(fast).as_py() and (not self.staged.naive_utc or pc.all(pc.ends_with(column, "Z")).as_py()):
            # the usual export: every cell in UTC with Z, with a fraction of six digits or none
            stored: list[str | None] = [text if len(text) == 27 else f"{text[:19]}.000000Z" for text in texts]
            return stored, ["+00:00"] * rows, [None] * rows
        stored = [None] * rows
        offsets: list[str | None] = [None] * rows
        reasons: list[str | None] = [None] * rows
        stamp = self.stamp
        for position, (text, quick) in enumerate(zip(texts, fast.to_pylist(), strict=True)):
            if quick:
                zulu = text[-1] == "Z"
                fraction = text[19:26] if len(text) - zulu == 26 else ".000000"
                stored[position], offsets[position] = f"{text[:19]}{fraction}Z", ("+00:00" if zulu else None)
            else:
                stored[position], offsets[position], reasons[position] = stamp(text)
        return stored, offsets, reasons

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

    def _batch(self, batch: pa.RecordBatch, chunk: _Chunk, flat: list[Any]) -> int:
        """Clean one batch into ``chunk`` and ``flat``; return how many records it took (invalid ones too)."""
        staged, cleaner = self.staged, self.cleaner
        columns = list(batch.columns)
        before = self.next_record
        for column in columns:
            if len(column) and pc.max(pc.binary_length(column)).as_py() > self.field_limit:
                raise Declined("a cell longer than Python's csv field limit")
        lines = self._lines(columns, chunk)
        if not lines:
            return self.next_record - before
        stored, offsets, reasons = self._timestamps(columns[staged.timestamp])
        questions = staged.questions
        no_reasons = (None,) * len(questions)

        # rows whose timestamp cannot be used: rejected, unless every cell is blank (a blank line)
        if reasons.count(None) != len(reasons):
            unusable = [position for position, reason in enumerate(reasons) if reason is not None]
            for position, record in zip(unusable, self._records(columns, unusable), strict=True):
                if "".join(record).strip():
                    self.count += 1
                    chunk.raw.append((lines[position], ",".join(record), reasons[position], *no_reasons))
            usable_stamps = [reason is None for reason in reasons]
            keep = pa.array(usable_stamps, pa.bool_())
            columns = [column.filter(keep) for column in columns]
            lines = list(itertools.compress(lines, usable_stamps))
            stored = list(itertools.compress(stored, usable_stamps))
            offsets = list(itertools.compress(offsets, usable_stamps))
        rows = len(lines)
        self.count += rows
        if not rows:
            return self.next_record - before

        rid_at = staged.fields.get("response_id")
        rids: list[str | None] = [None] * rows if rid_at is None else _strip_texts(columns[rid_at])
        marked = self._marks(rids)

        # the weight: its reason rejects the row (no values stored)
        weight_at = staged.fields.get("weight")
        no_weight: pa.Array | None = None
        weight_reasons: list[str | None] = []
        if weight_at is None:
            weights: list[float | None] = [None] * rows
        else:
            indices, results = _dictionary_map(columns[weight_at], self._weight)
            weights = _taken([value for value, _ in results], indices, pa.float64())
            if any(reason is not None for _, reason in results):
                weight_reasons = _taken([reason for _, reason in results], indices, pa.string())
                no_weight = pa.array([reason is not None for reason in weight_reasons], pa.bool_())

        # the answers, each question's distinct cells scored once
        values: list[pa.Array] = []
        answer_reasons: list[pa.Array | None] = []
        for question, cache in zip(questions, self.scores, strict=True):
            indices, results = _dictionary_map(columns[question.column], self._scorer(question, cache))
            answer = pa.array([value for value, _ in results], pa.float64()).take(indices)
            if no_weight is not None:
                answer = pc.if_else(no_weight, pa.scalar(None, pa.float64()), answer)
            values.append(answer)
            has_reason = any(reason is not None for _, reason in results)
            answer_reasons.append(pa.array([r for _, r in results], pa.string()).take(indices) if has_reason else None)
        usable = pc.cast(pc.is_valid(values[0]), pa.int8()) if values else pa.array([0] * rows, pa.int8())
        for answer in values[1:]:
            usable = pc.add(usable, pc.cast(pc.is_valid(answer), pa.int8()))
        repeat = pa.array([False] * rows, pa.bool_())
        if marked:
            repeat = pc.is_in(pa.array(range(rows), pa.int64()), value_set=pa.array(marked, pa.int64()))
        counted = pc.invert(no_weight) if no_weight is not None else pa.array([True] * rows, pa.bool_())

        # the loop's tally, the rows kept now, and the rows cx_raw needs (partial, or maybe a repeat)
        for entry in pc.value_counts(usable.filter(counted)).to_pylist():
            self.answered[entry["values"]] += entry["counts"]
        stored_now = pc.and_(pc.and_(counted, pc.greater(usable, 0)), pc.invert(repeat))
        chunk.kept += pc.sum(pc.cast(stored_now, pa.int64())).as_py() or 0
        partial = pc.and_(counted, pc.or_(pc.less(usable, len(questions)), repeat))
        raw_positions = pc.indices_nonzero(partial).to_pylist()
        if no_weight is not None:
            rejected = pc.indices_nonzero(no_weight).to_pylist()
            for position, record in zip(rejected, self._records(columns, rejected), strict=True):
                chunk.raw.append((lines[position], ",".join(record), weight_reasons[position], *no_reasons))
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
                chunk.raw.append((lines[position], ",".join(record), None, *answer_texts))
        chunk.marked.extend((lines[position],) for position in marked)

        profiles = self._profiles(columns, chunk)
        texts = [_strip_texts(columns[staged.fields[name]]) for name in cleaner.text_names]
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
        return self.next_record - before

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

    def _weight(self, cell: str) -> tuple[float | None, str | None]:
        hit = self.weights.get(cell)
        if hit is None:
            if len(self.weights) >= CACHE_LIMIT:
                self.weights.clear()
            hit = self.weights[cell] = _weight(cell)
        return hit

    @staticmethod
    def _scorer(question: StagedQuestion, cache: dict[str, Scored]) -> Callable[[str], Scored]:
        return lambda cell: score_cell(question, cache, cell)

    def _profiles(self, columns: list[pa.Array], chunk: _Chunk) -> list[int]:
        """Each row's profile number (touchpoint, channel and segments together), new ones added to ``chunk``.

        Each column's distinct cells get a number of their own (`cell_codes`),
        and a row's combination is one integer of those numbers, so Python
        only sees each distinct combination of a block once.
        """
        staged, cleaner = self.staged, self.cleaner
        at = [*(staged.fields[name] for name in cleaner.profile_names), *(i for _, i in cleaner.segments)]
        rows = len(columns[0])
        if len(self.profiles) >= CACHE_LIMIT:
            self.profiles.clear()
        if any(len(codes) >= PROFILE_RADIX for codes in self.cell_codes) or len(at) * PROFILE_BITS > 62:
            return self._profiles_by_row(columns, at, chunk)
        key = pa.array([0] * rows, pa.int64())
        profile_columns = [columns[i] for i in at]
        for column, codes, cells in zip(profile_columns, self.cell_codes, self.code_cells, strict=True):
            encoded = pc.dictionary_encode(column)
            numbers = []
            for cell in encoded.dictionary.to_pylist():
                number = codes.get(cell)
                if number is None:
                    number = codes[cell] = len(cells)
                    cells.append(cell)
                numbers.append(number)
            if len(codes) >= PROFILE_RADIX:  # too many distinct cells to pack: this block row by row
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


def _has_byte(column: pa.Array, byte: bytes) -> bool:
    """Whether any cell holds ``byte``, found in the column's bytes (a kernel call costs ~0.2 ms a block)."""
    _, offsets, data = column.buffers()
    if not len(column) or data is None:
        return False
    bounds = memoryview(offsets).cast("i")  # int32 offsets of a string array, one past its last cell too
    return byte in memoryview(data)[bounds[column.offset] : bounds[column.offset + len(column)]].tobytes()


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


__all__ = ["ColumnarReader", "Declined"]
