"""The one reader of delimited text (CSV, TSV …): pyarrow's parser, with each record's line.

Every collector of a delimited file reads it here, header and records alike,
so there is one reading of a file and no second reader that must agree with
it. The dialect is Python's ``csv`` module's default one (quotes ``"``,
doubled to escape, line breaks inside quoted cells): on every record of the
file's width pyarrow reads the same cells as ``csv.reader`` (a property test
holds them to it), while parsing and converting in C, a block at a time.

What a user gets for a malformed file:

* a record of another width is a reject with its line and ``expected N
  fields, found M`` (empty cells past the last column are dropped first: a
  trailing delimiter is no fault);
* a quote that opens a cell and never closes (so that the record would
  swallow every line after it) is a reject of its line, and the reading goes
  on with the next line (`_open_quote`);
* a quoted cell that spans lines and holds as many delimiters as a record
  has between its cells (legal, but likely whole records swallowed by a
  stray quote) is counted for one warning in `SourceReader.warnings`;
* bytes that are not text in the file's encoding are an error naming the
  line they are at or after, and asking for ``encoding =``.

Line numbers are ``csv``'s: the physical line a record starts on. pyarrow
numbers records (invalid ones too, to its row handler); a record takes one
line plus the line breaks inside its cells.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from cxframe.contracts._batches import Batch, Reject
from cxframe.contracts._errors import InvalidInput
from cxframe.ingestion._sources import SourceReader

#: Bytes pyarrow parses at a time. A record longer than this is an error (`_arrow_problem`).
BLOCK_BYTES = 1 << 20
#: Records a batch built from rows holds (`batches_from_rows`).
ROWS_PER_BATCH = 10_000
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
#: The encodings pyarrow decodes itself (it skips a UTF-8 byte-order mark); others are transcoded by Python's codecs
_UTF8 = frozenset({"utf-8", "utf-8-sig"})


def raw_text(cells: list[str], delimiter: str = ",") -> str:
    """A record as delimited text, for a reject's ``raw``: quoting kept, so delimiters in cells stay readable.

    A cell with a line break is quoted too, as the file had it: the writer
    quotes the characters of its line terminator, so it ends with ``\r\n``,
    which is then taken off.
    """
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()[:-2]


def blank(cells: Iterable[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def delimiter_of(source: SourceReader) -> str:
    """``options.delimiter``; else a tab for a ``.tsv`` file and a comma otherwise."""
    delimiter = source.option("delimiter")
    if delimiter is None:
        return "\t" if source.path.suffix.lower() == ".tsv" else ","
    return str(delimiter)


def _not_text(line: int, encoding: str, reason: str) -> str:
    return (
        f"at or after line {line}: the file is not valid {encoding} ({reason}); "
        'set encoding = "..." in the source (e.g. "gb18030", "cp1252")'
    )


def read_header(source: SourceReader, count: int, delimiter: str) -> list[tuple[int, list[str]]]:
    """The first ``count`` records of the file (fewer if it has fewer), each with the line it starts on.

    Read with ``csv`` in the dialect pyarrow reads the records in, so a header
    cell may hold a quoted line break (Qualtrics' question texts do). The
    records that follow are `read_delimited`'s.
    """
    handle = source.open_text()
    reader = csv.reader(handle, delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    end = 0
    try:
        while len(rows) < count:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as error:
                encoding = getattr(handle, "encoding", "") or "the declared encoding"
                raise InvalidInput([_not_text(end + 1, encoding, error.reason)], where=str(source.path)) from None
            except csv.Error as error:
                raise InvalidInput([f"line {end + 1}: {error}"], where=str(source.path)) from None
            rows.append((end + 1, cells))
            end = reader.line_num
    finally:
        handle.close()
    return rows


@attrs.define
class _Swallowed:
    """The rows with a quoted cell that spans lines and holds as many delimiters as a record has between its cells.

    Legal CSV, and real comments have line breaks; but a stray quote closed
    a few lines later makes such a cell of whole records, which are then not
    rows. Counted for one warning per source (`swallowed_warning`).
    """

    count: int = 0
    first: int | None = None
    last: int | None = None

    def add(self, line: int) -> None:
        self.count += 1
        self.first = line if self.first is None else self.first
        self.last = line

    def forget(self, line: int) -> None:
        """Not count the row on ``line`` (a quote left open, a reject instead): it can only be the last counted."""
        if self.last == line:
            self.count -= 1
            self.first = None if self.first == line else self.first
            self.last = None


def swallowed_warning(where: str, swallowed: _Swallowed) -> str:
    """The warning for the rows counted in ``swallowed``, naming the file ``where`` and the first one's line."""
    if swallowed.count == 1:
        what = "1 quoted cell spans lines and looks like it holds whole records; it is"
    else:
        what = f"{swallowed.count} quoted cells span lines and look like they hold whole records; first"
    return (
        f"{where}: {what} on line {swallowed.first}: if a quote there should have closed on its own line, "
        "the rows after it are inside the cell and not stored as rows; close or remove it"
    )


class _Records:
    """Turns pyarrow's batches into `Batch`es with lines, skipping the header and sorting out invalid records."""

    def __init__(
        self,
        source: SourceReader,
        header_rows: int,
        width: int,
        needed: int,
        delimiter: str,
        first_line: int = 1,
        swallowed: _Swallowed | None = None,
    ) -> None:
        self.where = str(source.path)
        self.header_rows, self.width, self.needed, self.delimiter = header_rows, width, needed, delimiter
        #: rows whose quoted cell may hold whole records, and how many delimiters make a record's worth
        self.swallowed = _Swallowed() if swallowed is None else swallowed
        self.enough = max(1, width - 1)
        #: pyarrow's number of the next record, and the line it starts on (after a quote left open: the next line)
        self.next_record = 1
        self.next_line = first_line
        #: records of another width, by number: their text, as pyarrow hands them to the row handler
        self.invalid: dict[int, str] = {}
        #: the line of the last record read, when it may be a quote left open: it holds a line break, or it is of
        #: another width and holds a quote (pyarrow gives such a record's text without the file's last line break)
        self.spanning: int | None = None

    def invalid_row(self, row: Any) -> str:
        self.invalid[row.number] = row.text
        return "skip"

    def _misfit(self, text: str, line: int, breaks: int) -> tuple[list[str] | None, Reject | None]:
        """A record of another width: its cells when only empty cells are too many, else a reject (or neither: blank).

        ``breaks`` is how many line breaks its text holds.
        """
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter))
        cells = [cell for record in records for cell in record] if len(records) != 1 else records[0]
        if blank(cells):
            return None, None
        if len(cells) >= self.needed and blank(cells[self.needed :]):
            return (cells + [""] * self.width)[: self.width], None
        reason = f"expected {self.needed} fields, found {len(cells)}"
        if breaks and text.count('"') % 2:
            # a quote in the middle of a cell is text, so an odd count is legal; but it is the likely cause
            reason += f"; a quoted cell runs on to line {line + breaks}: is a quote misplaced?"
        return None, Reject(reason, raw_text(cells, self.delimiter))

    def _take_invalid(self, rejects: list[tuple[int, Reject]]) -> tuple[int, list[str]] | None:
        """Account for the invalid record numbered `next_record`: a header row, a reject, or a fitted row returned."""
        text = self.invalid.pop(self.next_record)
        line = self.next_line
        breaks = len(_LINE_BREAK.findall(text))
        self.next_line += 1 + breaks
        self.next_record += 1
        self.spanning = line if breaks or '"' in text else None
        if self.next_record - 1 <= self.header_rows:
            return None
        cells, reject = self._misfit(text, line, breaks)
        if reject is not None:
            rejects.append((line, reject))
        if cells is not None and breaks and any(self._swallows(cell) for cell in cells):
            self.swallowed.add(line)
        return None if cells is None else (line, cells)

    def _swallows(self, cell: str) -> bool:
        return ("\n" in cell or "\r" in cell) and cell.count(self.delimiter) >= self.enough

    def batch(self, batch: pa.RecordBatch, bytes_done: int) -> Batch:
        columns = list(batch.columns)
        count = batch.num_rows
        breaks: list[int] | None = None
        if any(_has_byte(column, b"\n") or _has_byte(column, b"\r") for column in columns):
            counted = pc.count_substring_regex(columns[0], _LINE_BREAK.pattern)
            for column in columns[1:]:
                counted = pc.add(counted, pc.count_substring_regex(column, _LINE_BREAK.pattern))
            breaks = counted.to_pylist()
        last = self.next_record + count  # with no invalid record among them, the numbers they take
        header = self.next_record <= self.header_rows
        overfull = self._overfull(columns)
        if (
            breaks is None
            and not header
            and not overfull
            and not any(self.next_record <= n < last for n in self.invalid)
        ):
            lines = pa.array(range(self.next_line, self.next_line + count), pa.int64())
            self.next_record, self.next_line = last, self.next_line + count
            self.spanning = None
            return Batch(lines=lines, columns=columns, bytes_done=bytes_done, delimiter=self.delimiter)
        # the rare path: header rows, cells with line breaks, or records of another width among these
        entries: list[int | list[str]] = []  # a row of the batch by position, or a fitted record's cells
        lines_kept: list[int] = []
        rejects: list[tuple[int, Reject]] = []
        swallowing = self._swallowing(columns) if breaks is not None else set()
        for position in range(count):
            while self.next_record in self.invalid:
                fitted = self._take_invalid(rejects)
                if fitted is not None:
                    lines_kept.append(fitted[0])
                    entries.append(fitted[1])
            line = self.next_line
            spans = breaks[position] if breaks is not None else 0
            self.next_line += 1 + spans
            self.next_record += 1
            self.spanning = line if spans else None
            if position in overfull and self.next_record - 1 > self.header_rows:
                cells = [column[position].as_py() for column in columns]
                cells = cells[: _trim_blank_tail(cells)]
                found = f"expected {self.needed} fields, found {len(cells)}"
                rejects.append((line, Reject(found, raw_text(cells, self.delimiter))))
            elif self.next_record - 1 > self.header_rows:
                lines_kept.append(line)
                entries.append(position)
                if position in swallowing:
                    self.swallowed.add(line)
        return self._assemble(columns, entries, lines_kept, rejects, bytes_done)

    def _swallowing(self, columns: list[pa.Array]) -> set[int]:
        """Positions of records with a cell that spans lines and holds a record's worth of delimiters (`_Swallowed`)."""
        found = None
        for column in columns:
            hit = pc.and_(
                pc.match_substring_regex(column, "[\r\n]"),
                pc.greater_equal(pc.count_substring(column, self.delimiter), self.enough),
            )
            found = hit if found is None else pc.or_(found, hit)
        return set() if found is None else set(pc.indices_nonzero(found).to_pylist())

    def _overfull(self, columns: list[pa.Array]) -> set[int]:
        """Positions of records with a cell in a column the header does not name (past ``needed``)."""
        if self.width == self.needed:
            return set()
        filled = None
        for column in columns[self.needed :]:
            cell = pc.not_equal(pc.utf8_trim_whitespace(column), "")
            filled = cell if filled is None else pc.or_(filled, cell)
        return set(pc.indices_nonzero(filled).to_pylist())

    def _assemble(
        self,
        columns: list[pa.Array],
        entries: list[int | list[str]],
        lines: list[int],
        rejects: list[tuple[int, Reject]],
        bytes_done: int,
    ) -> Batch:
        if not columns:
            columns = [pa.array([], pa.string())] * self.width
        if all(isinstance(entry, int) for entry in entries):
            picked = pa.array(entries, pa.int64())
            taken = [column.take(picked) for column in columns]
        else:  # fitted records among them: the batch is rebuilt in line order
            by_column = [column.to_pylist() for column in columns]
            rows = [entry if isinstance(entry, list) else [cells[entry] for cells in by_column] for entry in entries]
            taken = [pa.array([row[i] for row in rows], pa.string()) for i in range(self.width)]
        return Batch(
            lines=pa.array(lines, pa.int64()),
            columns=taken,
            rejects=rejects,
            bytes_done=bytes_done,
            delimiter=self.delimiter,
        )

    def rest(self, bytes_done: int) -> Batch | None:
        """The invalid records after the last batch's rows, as a batch of their fitted rows and rejects."""
        entries: list[int | list[str]] = []
        lines: list[int] = []
        rejects: list[tuple[int, Reject]] = []
        while self.invalid:
            if self.next_record not in self.invalid:
                raise InvalidInput(
                    [f"at or after line {self.next_line}: record {self.next_record} could not be read"],
                    where=self.where,
                )
            fitted = self._take_invalid(rejects)
            if fitted is not None:
                lines.append(fitted[0])
                entries.append(fitted[1])
        if not entries and not rejects:
            return None
        return self._assemble([], entries, lines, rejects, bytes_done)


def read_delimited(
    source: SourceReader,
    *,
    header_rows: int,
    width: int,
    delimiter: str,
    needed: int | None = None,
    block_size: int | None = None,
) -> Generator[Batch, None, None]:
    """The file's records after its ``header_rows`` (read by `read_header`), ``width`` cells each, in batches.

    ``width`` is the number of cells the header has; ``needed`` (``width`` by
    default) how many of them name a column: a record with at least those,
    and only empty cells after them, is a row, padded or cut to ``width``.
    See the module docstring for what becomes of other records, a quote left
    open and bytes that are not text.
    """
    if len(delimiter.encode("utf-8")) != 1:
        raise InvalidInput([f"options.delimiter: {delimiter!r} is not a one-byte character"], where=str(source.path))
    name = codecs.lookup(source.resolved_encoding()).name
    reading = _Reading(source, name, width, width if needed is None else needed, delimiter, block_size or BLOCK_BYTES)
    start = 1
    while True:
        # a quote left open is its line's reject; the reading starts again on the line after it
        left_open = yield from reading.records_from(start, header_rows if start == 1 else 0)
        if left_open is None:
            break
        start = left_open + 1
    if reading.swallowed.count:
        source.warnings.append(swallowed_warning(source.display_path(), reading.swallowed))


#: A reject's reason for a line on which a quote opens a cell and never closes (`_open_quote`).
OPEN_QUOTE = (
    "a quote opens a cell on this line and never closes, so the record would run to the end of the file; "
    "close the quote where the cell ends, or remove it"
)
#: How much of a line with a quote left open its reject keeps (the line may be the rest of a long file).
_RAW_CHARACTERS = 1 << 16


@attrs.frozen
class _Reading:
    """How one file is read: the source, its encoding's codec name and the record's shape."""

    source: SourceReader
    encoding: str
    width: int
    needed: int
    delimiter: str
    block_size: int
    swallowed: _Swallowed = attrs.field(factory=_Swallowed)

    def stream(self) -> _UTF8Blocks:
        return _UTF8Blocks(self.source, None if self.encoding in _UTF8 else self.encoding)

    def records_from(self, start: int, header_rows: int) -> Generator[Batch, None, int | None]:
        """The records from line ``start`` on, in batches; the line of a quote left open (its reject given), or None.

        Each batch is held back until the next is read: the last record of
        the file may be a quote left open, not to be handed on as a row.
        """
        source = self.source
        records = _Records(
            source, header_rows, self.width, self.needed, self.delimiter, first_line=start, swallowed=self.swallowed
        )
        names = [f"c{i}" for i in range(self.width)]
        stream = self.stream()
        held: Batch | None = None
        try:
            if not stream.skip_lines(start - 1):
                return None
            reader = pa_csv.open_csv(
                pa.PythonFile(stream, mode="r"),
                read_options=pa_csv.ReadOptions(
                    column_names=names,
                    block_size=self.block_size,
                    # one thread: pyarrow numbers records (to the row handler) only when it parses in order
                    use_threads=False,
                ),
                parse_options=pa_csv.ParseOptions(
                    delimiter=self.delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=records.invalid_row,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            try:
                while True:
                    try:
                        arrow_batch = reader.read_next_batch()
                    except StopIteration:
                        break
                    batch = records.batch(arrow_batch, stream.tell())
                    if held is not None:
                        yield held
                    held = batch
            except pa.ArrowException as error:
                if "straddl" not in str(error):
                    raise
                # a record longer than a block: a quote left open to the end of a long file, or a long record
                starts = records.next_line
                before = [held, records.rest(stream.tell())]
                raw = self._open_quote(starts)
                if raw is None:
                    raise
                return (yield from self._with_reject(before, starts, raw, stream.tell()))
            last = records.rest(stream.tell())
            line = records.spanning
            raw = None if line is None else self._open_quote(line)
            if line is None or raw is None:
                yield from (batch for batch in (held, last) if batch is not None)
                return None
            return (yield from self._with_reject([held, last], line, raw, stream.tell()))
        except (pa.ArrowException, UnicodeDecodeError) as error:
            raise InvalidInput(
                [_arrow_problem(error, records.next_line, self.encoding)], where=str(source.path)
            ) from None
        finally:
            stream.close()

    def _with_reject(
        self, batches: list[Batch | None], line: int, raw: str, bytes_done: int
    ) -> Generator[Batch, None, int]:
        """``batches`` without the record on ``line``, a quote left open, and with its reject instead; return ``line``."""
        kept = [_without_line(batch, line) for batch in batches if batch is not None]
        self.swallowed.forget(line)
        reject = (line, Reject(OPEN_QUOTE, raw))
        if kept:
            kept[-1] = attrs.evolve(kept[-1], rejects=[*kept[-1].rejects, reject])
        else:
            empty = pa.array([], pa.string())
            kept = [Batch(pa.array([], pa.int64()), [empty] * self.width, [reject], bytes_done, self.delimiter)]
        yield from kept
        return line

    def _open_quote(self, line: int) -> str | None:
        """The text of ``line`` (to its end) when a quote opens a cell on it and the file ends inside it, else None.

        Read afresh, a block at a time, following the quoting as pyarrow and
        ``csv`` do: memory stays bounded however much of the file the record
        would swallow. Only a record that has run on past its line (or past
        a block) is looked at, so the reading of a sound file never comes here.
        """
        stream = self.stream()
        try:
            stream.skip_lines(line - 1)
            quoting = _Quoting(self.delimiter)
            text = bytearray()
            whole_line = False  # whether ``text`` has reached the line's end
            while True:
                block = stream.read(1 << 20)
                if not block:
                    break
                if not whole_line:
                    end = _BYTE_BREAK.search(block)
                    whole_line = end is not None
                    text += block[: end.start() if end else len(block)][: _RAW_CHARACTERS * 4 - len(text)]
                if quoting.record_ends(block):
                    return None
            if not quoting.open:
                return None
        finally:
            stream.close()
        raw = bytes(text).decode("utf-8", errors="ignore")
        return raw if len(raw) <= _RAW_CHARACTERS else raw[:_RAW_CHARACTERS] + "…"


def _without_line(batch: Batch, line: int) -> Batch:
    """``batch`` without its row or reject on ``line``."""
    keep = pc.not_equal(batch.lines, line)
    return attrs.evolve(
        batch,
        lines=batch.lines.filter(keep),
        columns=[column.filter(keep) for column in batch.columns],
        rejects=[(at, reject) for at, reject in batch.rejects if at != line],
    )


_BYTE_BREAK = re.compile(rb"\r|\n")
_START, _IN_CELL, _QUOTED, _QUOTE_SEEN = range(4)


class _Quoting:
    """Where one record ends, followed through blocks of UTF-8 bytes as pyarrow and ``csv`` read its quotes.

    A quote opens a quoted cell only at a cell's start (elsewhere it is
    text); inside, a doubled quote is a quote and a single one ends the
    quoting. The record ends at a line break outside quotes. Bytes suffice:
    in UTF-8 no byte of a multi-byte character is ASCII.
    """

    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter.encode("utf-8")
        self.stops = re.compile(b"[" + re.escape(self.delimiter) + rb"\r\n]")
        self.state = _START

    @property
    def open(self) -> bool:
        """Whether the text so far ends inside a quoted cell."""
        return self.state == _QUOTED

    def record_ends(self, block: bytes) -> bool:
        """Whether the record ends in ``block``, the next bytes of the file."""
        at, size = 0, len(block)
        while at < size:
            if self.state == _QUOTED:
                quote = block.find(b'"', at)
                if quote < 0:
                    return False
                self.state, at = _QUOTE_SEEN, quote + 1
                continue
            if block[at] == 0x22 and self.state != _IN_CELL:  # a quote opens a cell, or a doubled one is text
                self.state, at = _QUOTED, at + 1
                continue
            stop = self.stops.search(block, at)
            if stop is None:
                self.state = _IN_CELL
                return False
            if stop.group() != self.delimiter:
                return True
            self.state, at = _START, stop.end()
        return False


class _UTF8Blocks(io.RawIOBase):
    """The file as UTF-8 bytes, in blocks that never end between a CR and its LF.

    Why: pyarrow drops the LF of a CR LF inside a quoted cell when a block
    it reads ends between the two (found by a property test, see
    docs/performance.md), so a block here never ends in a CR (it is held for
    the next one). A file in another encoding is decoded here, strictly, with
    Python's codecs, as pyarrow's own transcoding would.
    """

    def __init__(self, source: SourceReader, encoding: str | None) -> None:
        self.handle = source.path.open("rb")
        self.decoder = None if encoding is None else codecs.getincrementaldecoder(encoding)(errors="strict")
        self.pending = b""
        self.ended = False

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        """How far into the file it has read (for progress)."""
        return self.handle.tell()

    def read(self, size: int = -1) -> bytes:
        size = size if size > 0 else 1 << 20
        while len(self.pending) <= size and not self.ended:
            block = self.handle.read(1 << 20)
            final = not block
            if self.decoder is not None:
                block = self.decoder.decode(block, final=final).encode("utf-8")
            self.pending += block
            self.ended = final
        cut = min(size, len(self.pending))
        if cut > 1 and self.pending[cut - 1 : cut] == b"\r" and (cut < len(self.pending) or not self.ended):
            cut -= 1
        data, self.pending = self.pending[:cut], self.pending[cut:]
        return data

    def skip_lines(self, count: int) -> bool:
        """Read past the first ``count`` lines (CR LF, CR or LF ends one); whether any text is left after them."""
        while count > 0:
            block = self.read(1 << 20)  # never ends between a CR and its LF (see `read`)
            if not block:
                return False
            found = block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n")
            if found < count:
                count -= found
                continue
            for seen, end in enumerate(_BYTE_LINE_BREAK.finditer(block), start=1):
                if seen == count:
                    self.pending = block[end.end() :] + self.pending
                    break
            count = 0
        if not self.pending and not self.ended:
            self.pending = self.read(1 << 20) + self.pending
        return bool(self.pending)

    def close(self) -> None:
        self.handle.close()
        super().close()


def _arrow_problem(error: Exception, line: int, encoding: str) -> str:
    if isinstance(error, UnicodeDecodeError):
        return _not_text(line, error.encoding or encoding, error.reason)
    text = str(error)
    if "UTF8" in text or "UTF-8" in text:
        return _not_text(line, encoding, "invalid UTF-8")
    if "straddl" in text:
        return f"at or after line {line}: a record longer than {BLOCK_BYTES:,} bytes; is a quote left open?"
    return f"at or after line {line}: {text}"


def batches_from_rows(
    rows: Iterable[tuple[int, list[str] | Reject]], width: int, bytes_done: Callable[[], int] | None = None
) -> Iterator[Batch]:
    """`Batch`es of rows a collector reads itself (a spreadsheet, JSON Lines): ``(line, cells)`` or ``(line, Reject)``.

    Every row's cells must be ``width`` strings; a `Reject` is a record that
    cannot be a row, stored with its line. ``bytes_done()`` says how far into
    the file the rows so far were read, for progress (`SourceReader.bytes_done`
    when the file was opened through the source).
    """
    where = bytes_done or (lambda: 0)
    lines: list[int] = []
    records: list[list[str]] = []
    rejects: list[tuple[int, Reject]] = []
    for line, row in rows:
        if isinstance(row, Reject):
            rejects.append((line, row))
        else:
            if len(row) != width:
                raise ValueError(f"line {line}: {len(row)} cells, the batch's width is {width}")
            lines.append(line)
            records.append(row)
        if len(lines) + len(rejects) >= ROWS_PER_BATCH:
            yield _batch(lines, records, width, rejects, where())
            lines, records, rejects = [], [], []
    if lines or rejects:
        yield _batch(lines, records, width, rejects, where())


def _batch(
    lines: list[int], records: list[list[str]], width: int, rejects: list[tuple[int, Reject]], bytes_done: int
) -> Batch:
    # zip(*) turns the records into columns in C
    columns = list(zip(*records, strict=True)) if records else [()] * width
    return Batch(
        lines=pa.array(lines, pa.int64()),
        columns=[pa.array(column, pa.string()) for column in columns],
        rejects=rejects,
        bytes_done=bytes_done,
    )


def _trim_blank_tail(cells: list[str]) -> int:
    """How many cells there are up to the last non-blank one."""
    return max((i + 1 for i, cell in enumerate(cells) if cell.strip()), default=0)


def _has_byte(column: pa.Array, byte: bytes) -> bool:
    """Whether any cell holds ``byte``, found in the column's bytes (a kernel call costs more)."""
    _, offsets, data = column.buffers()
    if not len(column) or data is None:
        return False
    bounds = memoryview(offsets).cast("i")  # int32 offsets of a string array, one past its last cell too
    return byte in memoryview(data)[bounds[column.offset] : bounds[column.offset + len(column)]].tobytes()
