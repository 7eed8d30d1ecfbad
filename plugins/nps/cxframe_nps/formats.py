"""Format readers: every survey export layout as one uniform, streamed table.

Survey tools export the same thing — one row per response, one column per
answer — in different layouts: a plain CSV or spreadsheet with one header
row, JSON Lines, Qualtrics' three header rows, SurveyMonkey's two. Each
reader here turns one layout into a `SurveyTable` (columns that can be found
by any name a user may copy from the export, and rows streamed as lists of
cell strings), so that a single mapping step turns rows into observations
whatever the layout.

The contract every reader keeps:

* Rows are streamed from the open file, never loaded whole; the table's file
  is closed when ``rows`` is exhausted or when the table is closed (use it as a
  context manager).
* ``rows`` yields ``(line, cells)``: ``line`` is the 1-based line in the file
  where the record starts (the row number for spreadsheets); ``cells`` is a
  list of exactly ``len(columns)`` strings, or a `cxframe.Reject` for a record
  that cannot be read as a row (wrong number of fields, a JSON line that is
  not an object …) so the caller stores it with its line like any other reject.
  Blank records are skipped.
* A file whose *structure* is wrong (missing header rows, an ImportId row that
  is not JSON, an undecodable byte) is an `cxframe.InvalidInput` naming the
  file and the line: nothing useful can be read from it.
* Text goes through `cxframe.SourceReader.open_text`, so decoding is strict
  and handled in one place.

Layout facts relied on (facts only; no code was copied):

* Qualtrics CSV/TSV exports have three header rows — row 1 the internal
  column ids (``StartDate``, ``Q1``, ``Q2_1`` …), row 2 the question text,
  row 3 the import ids — and responses start on row 4 (Qualtrics support,
  "Understanding Your Dataset",
  https://www.qualtrics.com/support/survey-platform/data-and-analysis-module/data/download-data/understanding-your-dataset/,
  also quoted in davemosk/FinSL-signbank ``docs/validation_result_model.md``).
* Row 3 cells are JSON objects: ``{"ImportId":"startDate","timeZone":"America/Denver"}``,
  ``{"ImportId":"status"}``, ``{"ImportId":"finished"}``, ``{"ImportId":"_recordId"}``
  (ResponseId), ``{"ImportId":"QID2_1"}``, ``{"ImportId":"QID6_TEXT"}`` for a
  text-entry question whose row-1 id may be renamed (e.g. ``Q6`` or a custom
  tag); loop-and-merge ids carry a prefix (``1_QID7``). Seen in real exports
  reproduced in davemosk/FinSL-signbank (above) and in public R/Quarto
  tutorials. Dates are written in the ``timeZone`` named there, so that zone
  is kept on each column (`SurveyColumn.time_zone`).
* ``Status`` (row-2 text "Response Type"): 0 "IP Address" (a normal
  response), 1 "Survey Preview", 2 "Survey Test", 4 "Imported", 8 "Spam",
  9 "Survey Preview Spam", 12 "Imported Spam", 16 "Offline",
  17 "Offline Survey Preview", 32 "EX", 40 "EX Spam", 48 "EX Offline" — the
  value labels of a Qualtrics-generated SPSS syntax file; the support page
  lists the same codes (also as "Preview Spam", "Offline Preview"). Numeric
  exports carry the code, choice-text exports the label (ropensci/excluder
  ``R/check_preview.R`` tests ``"Survey Preview"`` or ``1`` accordingly).
* ``Finished`` is 1/0 in numeric exports and True/False in choice-text ones
  (same SPSS labels; Qualtrics 360 dataset page: "1" or "TRUE" / "0" or
  "FALSE").
* An NPS question exports its 0–10 answer in ``Q1`` and the group in
  ``Q1_NPS_GROUP`` ("Promoter"/"Passive"/"Detractor" as choice text);
  seen in several public analysis scripts.
* SurveyMonkey CSV/XLSX exports have two header rows: row 1 starts
  ``Respondent ID, Collector ID, Start Date, End Date, IP Address, Email
  Address, First Name, Last Name, Custom Data 1`` and then holds question
  texts, with blank cells under the later columns of a multi-column question;
  row 2 is blank under the metadata and holds ``Response``,
  ``Open-Ended Response``, or the sub-question / choice label
  (``Name``, ``Email``, matrix rows, ranked options). Responses start on
  row 3. Seen in real export headers quoted in public code (a GGWash
  candidate-survey parser and an alcohol-survey scorer found by content
  search).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import zipfile
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any

import attrs

from cxframe import (
    NAIVE_UTC,
    SAMPLE_SIZE,
    Batch,
    Drop,
    InvalidInput,
    Reject,
    SourceReader,
    batches_from_rows,
    delimiter_of,
    detect_encoding,
    raw_text,
    read_delimited,
    read_header,
)

__all__ = [
    "FORMATS",
    "SAMPLE_SIZE",
    "SURVEYMONKEY_TIME_FORMATS",
    "SurveyColumn",
    "SurveyTable",
    "check_format_options",
    "choice_value",
    "detect_encoding",
    "header_rows",
    "label_value",
    "parse_timestamp",
    "read_csv",
    "read_jsonl",
    "read_qualtrics",
    "read_surveymonkey",
    "read_xlsx",
]

#: What a table's rows are: the line a record starts on, and its cells or why it cannot be a row.
Row = tuple[int, list[str] | Reject]


def _nothing() -> None:
    """The closer of a table that holds no file."""


def closest_first(wanted: str, names: Iterable[str]) -> list[str]:
    """``names`` most like ``wanted`` first (difflib's ratio, ignoring case), for a "no such column" message.

    A typo (``likely_to_recomend``) then shows its column first, where the
    reader looks, instead of somewhere in a list of forty.
    """
    folded = wanted.casefold()
    return sorted(names, key=lambda name: -difflib.SequenceMatcher(None, folded, name.casefold()).ratio())


@attrs.frozen
class SurveyColumn:
    """One column of an export, with every name a programme file may use for it.

    Exports name a column several ways — the id in the header (``Q2_1``), the
    Qualtrics ImportId that survives renaming a question (``QID2_1``), the
    question text people see — and users copy whichever is in front of them.
    Keeping all of them lets `SurveyTable.find` accept any.
    """

    #: Position of the column in every row's cells.
    index: int
    #: The column id as exported: Qualtrics row 1, SurveyMonkey "question" or
    #: "question | sub-question", the header cell of a plain CSV/XLSX, the key in JSON Lines.
    id: str
    #: The question text where the export has it (Qualtrics row 2; SurveyMonkey
    #: row 1, with " - sub-question" when row 2 names one).
    text: str = ""
    #: The Qualtrics ImportId from row 3 (``QID1``, ``QID2_1``, ``startDate``); "" otherwise.
    import_id: str = ""
    #: The IANA zone Qualtrics wrote this column's dates in (row 3 ``timeZone``); "" otherwise.
    time_zone: str = ""


@attrs.frozen
class SurveyTable:
    """What every reader returns: columns known up front, records streamed as batches of raw columns.

    One interface for every layout is what lets the mapping from columns to
    a survey's meaning be written once. ``batches`` is a one-shot iterator
    over the open file, each batch ``width`` columns wide (at least
    ``len(columns)``); ``drops`` are the records the layout leaves out on
    purpose (Qualtrics previews, spam, unfinished responses), which the core
    counts.
    """

    #: The file, as it appears in error messages.
    where: str
    columns: list[SurveyColumn]
    batches: Iterator[Batch]
    width: int
    drops: tuple[Drop, ...] = ()
    _closer: Callable[[], None] = attrs.field(default=_nothing, repr=False, eq=False, alias="closer")

    def find(self, ref: str) -> SurveyColumn:
        """The column a programme file names, by id, else ImportId, else exact question text.

        Each kind of name is tried in turn so that an id always wins over a
        text that happens to equal it. A name that matches nothing, or more
        than one column of the same kind, is an `InvalidInput` that lists the
        ids to choose from: guessing would silently read the wrong answers.
        """
        found = self.lookup(ref)
        if isinstance(found, str):
            raise InvalidInput([found], where=self.where)
        return found

    def lookup(self, ref: str, shown: str = "") -> SurveyColumn | str:
        """`find`'s column, or the problem when ``ref`` names none or several (naming the file ``shown``, if given)."""
        wanted = ref.strip()
        kinds: tuple[tuple[str, Callable[[SurveyColumn], str]], ...] = (
            ("id", lambda c: c.id),
            ("ImportId", lambda c: c.import_id),
            ("question text", lambda c: c.text),
        )
        for kind, name_of in kinds:
            hits = [column for column in self.columns if wanted and name_of(column) == wanted]
            if len(hits) == 1:
                return hits[0]
            if hits:
                listed = ", ".join(f"{c.id!r} (column {c.index + 1})" for c in hits)
                return f"column {ref!r} is ambiguous: it is the {kind} of {listed}; name one of them by a unique id"
        # name only the kinds of name this layout has: "ImportId" means nothing for a plain CSV
        articles = {"id": "an id", "ImportId": "an ImportId", "question text": "a question text"}
        looked = [articles[kind] for kind, name_of in kinds if any(name_of(column) for column in self.columns)]
        how = f" (looked for {' and '.join(looked)})" if len(looked) > 1 else ""
        ranked = closest_first(wanted, [c.id for c in self.columns])
        folded = wanted.casefold()
        within = [c.id for c in self.columns if folded and (folded in c.id.casefold() or folded in c.text.casefold())]
        hints = list(dict.fromkeys([*difflib.get_close_matches(wanted, ranked, n=3), *within]))[:10]
        hint = f"did you mean {' or '.join(repr(i) for i in hints)}? " if hints else ""
        ids = ", ".join(repr(i) for i in ranked)
        where = f" in {shown}" if shown else ""
        return f"no column {ref!r}{where}{how}; {hint}its columns, closest first: {ids}"

    def close(self) -> None:
        """Close the file now, for a caller that stops before the last row."""
        self._closer()

    def __enter__(self) -> SurveyTable:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


@attrs.frozen
class _RawRows:
    """A file's records before any layout is applied, and how to close it."""

    rows: Iterator[tuple[int, list[str]]]
    close: Callable[[], None]
    #: how far into the file the rows so far were read, for progress
    bytes_done: Callable[[], int] = lambda: 0


def _table(
    where: str, columns: list[SurveyColumn], rows: Iterator[Row], raw: _RawRows, drops: tuple[Drop, ...] = ()
) -> SurveyTable:
    """A table of rows a layout reads itself, as batches; the file closes when they run out or the table closes."""

    def batches() -> Generator[Batch, None, None]:
        try:
            yield from batches_from_rows(rows, len(columns), raw.bytes_done)
        finally:
            raw.close()

    stream = batches()

    def closer() -> None:
        stream.close()
        raw.close()

    return SurveyTable(where=where, columns=columns, batches=stream, width=len(columns), drops=drops, closer=closer)


def _build(opened: _RawRows | _Opened, build: Callable[[], SurveyTable]) -> SurveyTable:
    """Run a layout's header parsing, closing the file if it fails."""
    try:
        return build()
    except BaseException:
        opened.close()
        raise


def _blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _fit(rows: Iterable[tuple[int, list[str]]], width: int) -> Iterator[Row]:
    """A spreadsheet's rows: blank ones skipped, every other exactly ``width`` cells, or a reject.

    Empty cells past the last column are dropped (formatted-but-empty cells)
    and short rows padded: spreadsheets leave trailing empty cells out.
    """
    for line, cells in rows:
        if _blank(cells):
            continue
        if len(cells) > width and _blank(cells[width:]):
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        if len(cells) != width:
            yield line, Reject(f"expected {width} fields, found {len(cells)}", raw_text(cells))
            continue
        yield line, cells


def _strip_bom(text: str) -> str:
    """A first header cell without the BOM a file read with a BOM-less codec keeps."""
    return text.lstrip("\ufeff")


def _trim_blank_tail(*rows: list[str]) -> int:
    """How many columns the header rows name: up to the last non-blank cell of any of them."""
    width = 0
    for row in rows:
        for index, cell in enumerate(row):
            if cell.strip():
                width = max(width, index + 1)
    return width


def _is_xlsx(source: SourceReader) -> bool:
    return source.path.suffix.lower() in {".xlsx", ".xlsm"}


def _flag(source: SourceReader, name: str) -> bool:
    """A true/false option; anything else is an error rather than Python truthiness ("false" is truthy)."""
    value = source.option(name, False)
    if not isinstance(value, bool):
        raise InvalidInput([f"options.{name}: expected true or false, got {value!r}"], where=str(source.path))
    return value


# -- raw records --------------------------------------------------------------------------------------------------


def _decode_problem(line: int, encoding: str, error: UnicodeDecodeError) -> str:
    return (
        f"at or after line {line}: the file is not valid {encoding} ({error.reason}); "
        'set encoding = "..." in the source (e.g. "gb18030", "cp1252")'
    )


@attrs.frozen
class _Delimited:
    """A delimited file's header records, read; its data records are `read_delimited`'s."""

    header: list[tuple[int, list[str]]]
    delimiter: str


def _delimited(source: SourceReader, header_rows: int) -> _Delimited:
    delimiter = delimiter_of(source)
    return _Delimited(read_header(source, header_rows, delimiter), delimiter)


def _delimited_table(
    source: SourceReader,
    file: _Delimited,
    columns: list[SurveyColumn],
    width: int,
    drops: tuple[Drop, ...] = (),
) -> SurveyTable:
    """The table of a delimited file whose header ``file`` read: ``width`` cells a record, ``columns`` named."""
    batches = read_delimited(
        source, header_rows=len(file.header), width=width, needed=len(columns), delimiter=file.delimiter
    )
    return SurveyTable(
        where=str(source.path), columns=columns, batches=iter(batches), width=width, drops=drops, closer=batches.close
    )


def _date_only(number_format: str | None) -> bool:
    """Whether a spreadsheet number format shows a date without a time of day."""
    shown = re.sub(r'"[^"]*"|\[[^\]]*\]', "", (number_format or "").lower())
    return "h" not in shown and "s" not in shown


def _number(value: float) -> str:
    """The shortest text for a number: "10" for 10.0, repr otherwise (round-trips exactly)."""
    if isinstance(value, int):
        return str(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _cell_text(cell: Any) -> str:
    """A spreadsheet cell as the text a CSV export of it would hold.

    Dates become ISO-8601 (a date-only format gives just the date; times are
    naive, as the workbook stores them), numbers their shortest form, so that
    the same mapping works on an .xlsx and a .csv of one export.
    """
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time() and _date_only(getattr(cell, "number_format", None)):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _number(value.total_seconds())
    if isinstance(value, int | float):
        return _number(value)
    return str(value)


def _xlsx_rows(source: SourceReader) -> _RawRows:
    """The rows of one worksheet (``options.sheet``, else the first), numbered as Excel numbers them.

    openpyxl's read-only mode parses the sheet as it is iterated, so large
    workbooks stream too.
    """
    # imported here, not with the module: openpyxl is slow to import, which every command paid (docs/performance.md)
    import openpyxl  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    where = str(source.path)
    handle = source.open_binary()
    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        handle.close()
        raise InvalidInput(
            [f"cannot read the file as an .xlsx workbook ({error}); an old .xls must be saved as .xlsx first"],
            where=where,
        ) from None

    def close() -> None:
        book.close()
        handle.close()

    name = source.option("sheet")
    if name is None:
        sheets = book.worksheets
        if not sheets:
            close()
            raise InvalidInput(["the workbook has no worksheet"], where=where)
        sheet = sheets[0]
    elif isinstance(name, str) and name in book.sheetnames and hasattr(book[name], "iter_rows"):
        sheet = book[name]
    else:
        names = ", ".join(repr(n) for n in book.sheetnames)
        close()
        raise InvalidInput([f"options.sheet: no worksheet {name!r}; the workbook has {names}"], where=where)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            yield number, [_cell_text(cell) for cell in cells]

    return _RawRows(rows=rows(), close=close, bytes_done=source.bytes_done)


# -- layouts -------------------------------------------------------------------------------------------------------


@attrs.frozen
class _Opened:
    """A file opened for a layout: its header records read, and how to make its table from them."""

    header: list[tuple[int, list[str]]]
    spreadsheet: bool
    #: ``table(columns, width, drops)``: the table of the records after the header
    table: Callable[[list[SurveyColumn], int, tuple[Drop, ...]], SurveyTable]
    close: Callable[[], None]


def _open(source: SourceReader, header_rows: int) -> _Opened:
    """The file (a delimited text or, by its suffix, a workbook) with its first ``header_rows`` records read."""
    where = str(source.path)
    if _is_xlsx(source):
        raw = _xlsx_rows(source)
        try:
            header = [row for _, row in zip(range(header_rows), raw.rows, strict=False)]
        except BaseException:
            raw.close()
            raise

        def sheet(columns: list[SurveyColumn], width: int, drops: tuple[Drop, ...]) -> SurveyTable:
            return _table(where, columns, _fit(raw.rows, len(columns)), raw, drops)

        return _Opened(header, True, sheet, raw.close)
    file = _delimited(source, header_rows)

    def text(columns: list[SurveyColumn], width: int, drops: tuple[Drop, ...]) -> SurveyTable:
        return _delimited_table(source, file, columns, width, drops)

    return _Opened(file.header, False, text, lambda: None)


def _plain(source: SourceReader) -> SurveyTable:
    """One header row of column ids, then data."""
    where = str(source.path)
    opened = _open(source, 1)
    return _build(opened, lambda: _plain_table(opened, where))


def _plain_table(opened: _Opened, where: str) -> SurveyTable:
    if not opened.header:
        raise InvalidInput(["the file is empty; expected a header row"], where=where)
    line, header = opened.header[0]
    if _blank(header):
        raise InvalidInput([f"line {line}: expected a header row of column names, found a blank line"], where=where)
    ids = [cell.strip() for cell in header]
    ids[0] = _strip_bom(ids[0])
    ids = ids[: _trim_blank_tail(ids)]
    columns = [SurveyColumn(index=index, id=name) for index, name in enumerate(ids)]
    return opened.table(columns, max(len(header), len(columns)), ())


def read_csv(source: SourceReader) -> SurveyTable:
    """A plain CSV (or TSV: ``.tsv`` or ``options.delimiter``) with one header row; ids are the header cells."""
    return _plain(source)


def read_xlsx(source: SourceReader) -> SurveyTable:
    """A worksheet (``options.sheet``, else the first) with one header row in row 1.

    Opened read-only with cached formula values (``data_only``): a workbook is
    read as it was last saved, never recalculated.
    """
    return _plain(source)


def _json_text(value: Any) -> str:
    """A JSON value as a cell: "" for null, JSON spelling for booleans, nested values as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def read_jsonl(source: SourceReader) -> SurveyTable:
    """JSON Lines: one object a line; its keys are the columns.

    The columns are the keys of the first object, or ``options.fields`` when
    given (then the first line may be anything). Streaming means the columns
    must be fixed before the rest of the file is seen, so:

    * a key missing from a later object, or ``null``, reads as "";
    * a line with a key that is not a column is rejected, naming the key —
      schema drift is loud, and ``options.fields`` lists every key to accept it;
    * a line that is not valid JSON, or not an object, is rejected with its
      line (the rest of the file is still read);
    * numbers read as their shortest text, booleans as ``true``/``false``,
      nested arrays and objects as compact JSON.
    """
    where = str(source.path)
    handle = source.open_text(newline=None)

    def lines() -> Iterator[tuple[int, str]]:
        number = 0
        while True:
            try:
                text = handle.readline()
            except UnicodeDecodeError as error:
                raise InvalidInput(
                    [_decode_problem(number + 1, getattr(handle, "encoding", "") or "the declared encoding", error)],
                    where=where,
                ) from None
            if not text:
                return
            number += 1
            text = text.rstrip("\n")
            if number == 1:
                text = _strip_bom(text)
            if text.strip():
                yield number, text

    raw = _RawRows(rows=iter(()), close=handle.close, bytes_done=source.bytes_done)
    return _build(raw, lambda: _jsonl(source, where, lines(), raw))


def _jsonl(source: SourceReader, where: str, lines: Iterator[tuple[int, str]], raw: _RawRows) -> SurveyTable:
    fields = source.option("fields")
    first: tuple[int, str, dict[str, Any]] | None = None
    if fields is not None:
        if not (isinstance(fields, list) and fields and all(isinstance(f, str) for f in fields)):
            raise InvalidInput([f"options.fields: expected a list of key names, got {fields!r}"], where=where)
        ids = list(fields)
    else:
        found = next(lines, None)
        if found is None:
            raise InvalidInput(["the file is empty; expected one JSON object a line"], where=where)
        number, text = found
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            parsed = error
        if not isinstance(parsed, dict):
            raise InvalidInput(
                [
                    f"line {number}: expected a JSON object (its keys name the columns), found "
                    f"{_json_kind(parsed)}; fix the line or list the keys in options.fields"
                ],
                where=where,
            )
        ids = list(parsed)
        first = (number, text, parsed)
    columns = [SurveyColumn(index=index, id=name) for index, name in enumerate(ids)]
    known = set(ids)

    def row(text: str, parsed: object) -> list[str] | Reject:
        if not isinstance(parsed, dict):
            return Reject(f"expected a JSON object, found {_json_kind(parsed)}", text)
        unknown = [key for key in parsed if key not in known]
        if unknown:
            return Reject(
                f"keys not among the columns: {', '.join(unknown)} (the columns are the first object's keys; "
                "list every key in options.fields)",
                text,
            )
        return [_json_text(parsed.get(name)) for name in ids]

    def body() -> Iterator[Row]:
        if first is not None:
            yield first[0], row(first[1], first[2])
        for number, text in lines:
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as error:
                yield number, Reject(f"not valid JSON: {error.msg} (column {error.colno})", text)
                continue
            yield number, row(text, parsed)

    return _table(where, columns, body(), raw)


def _json_kind(value: object) -> str:
    if isinstance(value, json.JSONDecodeError):
        return f"text that is not JSON ({value.msg})"
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


#: Qualtrics ``Status`` values (codes and choice-text labels, lower-cased) and why each is excluded.
#: Anything else ("IP Address", "Imported", "Offline", "EX" …) is a real response and kept.
_STATUS_EXCLUSIONS: dict[str, tuple[str, ...]] = {
    "1": ("preview",),
    "survey preview": ("preview",),
    "17": ("preview",),
    "offline survey preview": ("preview",),
    "offline preview": ("preview",),
    "2": ("test",),
    "survey test": ("test",),
    "8": ("spam",),
    "spam": ("spam",),
    "9": ("preview", "spam"),
    "survey preview spam": ("preview", "spam"),
    "preview spam": ("preview", "spam"),
    "12": ("spam",),
    "imported spam": ("spam",),
    "40": ("spam",),
    "ex spam": ("spam",),
}
_UNFINISHED = {"0", "false"}


def _meta_column(columns: list[SurveyColumn], column_id: str, import_id: str) -> int | None:
    for column in columns:
        if column.import_id == import_id or column.id == column_id:
            return column.index
    return None


def _import_id(cell: str, line: int, column: str, where: str) -> tuple[str, str]:
    """A row-3 cell's ImportId and timeZone."""
    text = cell.strip()
    if not text:
        return "", ""
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        parsed = None
    if not (isinstance(parsed, dict) and isinstance(parsed.get("ImportId"), str)):
        raise InvalidInput(
            [
                f'line {line}: column {column!r}: expected an ImportId cell like {{"ImportId":"QID1"}}, found {text!r}; '
                "is this a Qualtrics CSV export with three header rows (not the legacy format)?"
            ],
            where=where,
        )
    zone = parsed.get("timeZone")
    return parsed["ImportId"], zone if isinstance(zone, str) else ""


def _header_rows(opened: _Opened, count: int, layout: str, where: str) -> list[tuple[int, list[str]]]:
    rows = opened.header
    if len(rows) < count:
        found = f"only {len(rows)} header row{'s' if len(rows) != 1 else ''}" if rows else "an empty file"
        raise InvalidInput([f"expected the {count} header rows of a {layout} export, found {found}"], where=where)
    return rows


def _same_width(header: list[tuple[int, list[str]]], spreadsheet: bool, where: str) -> int:
    """The number of columns; every header row must have it (a spreadsheet's rows are padded instead)."""
    if spreadsheet:
        return _trim_blank_tail(*(cells for _, cells in header))
    width = len(header[0][1])
    for line, cells in header[1:]:
        if len(cells) != width and not (len(cells) > width and _blank(cells[width:])):
            raise InvalidInput(
                [f"line {line}: expected {width} header cells (as on line {header[0][0]}), found {len(cells)}"],
                where=where,
            )
    return width


def _cells(row: list[str], width: int) -> list[str]:
    return (row + [""] * width)[:width]


def read_qualtrics(source: SourceReader) -> SurveyTable:
    """A Qualtrics export (CSV, TSV or XLSX): ids, question texts and ImportIds, then responses.

    Works for numeric and choice-text exports alike. Unless turned on in the
    options, responses that are not real are left out and counted in
    in the source's summary (``excluded: preview`` …):

    * ``include_previews = true`` keeps survey previews and test responses
      (Status 1, 2, 17 / "Survey Preview", "Survey Test", "Offline Survey Preview");
    * ``include_spam = true`` keeps responses flagged as spam (8, 9, 12, 40);
      a preview flagged as spam needs both options;
    * ``include_unfinished = true`` keeps responses with ``Finished`` 0/False.

    A response is counted once, under the first reason in that order. A file
    without a Status or Finished column is not filtered on it.
    """
    opened = _open(source, 3)
    return _build(opened, lambda: _qualtrics(source, opened))


def _qualtrics(source: SourceReader, opened: _Opened) -> SurveyTable:
    where = str(source.path)
    spreadsheet = opened.spreadsheet
    header = _header_rows(opened, 3, "Qualtrics", where)
    width = _same_width(header, spreadsheet, where)
    (_, ids), (_, texts), (import_line, imports) = header
    ids, texts, imports = _cells(ids, width), _cells(texts, width), _cells(imports, width)
    columns = []
    for index in range(width):
        column_id = _strip_bom(ids[index].strip()) if index == 0 else ids[index].strip()
        import_id, zone = _import_id(imports[index], import_line, column_id, where)
        columns.append(
            SurveyColumn(index=index, id=column_id, text=texts[index].strip(), import_id=import_id, time_zone=zone)
        )
    if not any(column.import_id for column in columns):
        raise InvalidInput(
            [f'line {import_line}: expected ImportIds like {{"ImportId":"QID1"}}; the row is empty'], where=where
        )
    status_at = _meta_column(columns, "Status", "status")
    finished_at = _meta_column(columns, "Finished", "finished")
    included = {
        "preview": _flag(source, "include_previews"),
        "test": _flag(source, "include_previews"),
        "spam": _flag(source, "include_spam"),
        "unfinished": _flag(source, "include_unfinished"),
    }
    # a response is counted under the first reason, in this order, that is not included
    drops = []
    for reason in ("preview", "test", "spam", "unfinished"):
        if included[reason]:
            continue
        if reason == "unfinished":
            if finished_at is not None:
                drops.append(Drop(finished_at, frozenset(_UNFINISHED), f"excluded: {reason}"))
        elif status_at is not None:
            values = frozenset(value for value, reasons in _STATUS_EXCLUSIONS.items() if reason in reasons)
            drops.append(Drop(status_at, values, f"excluded: {reason}"))
    return opened.table(columns, width, tuple(drops))


#: How SurveyMonkey writes its Start Date and End Date (US month first, 12- or 24-hour clock).
SURVEYMONKEY_TIME_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")

#: Row-2 cells that mean "the question's only answer", not a sub-question.
_SURVEYMONKEY_PLAIN = {"", "Response", "Open-Ended Response"}


def read_surveymonkey(source: SourceReader) -> SurveyTable:
    """A SurveyMonkey export (CSV or XLSX, by suffix): question texts, sub-questions, then responses.

    A blank row-1 cell continues the question before it. The column id is the
    question text, or ``"question | sub-question"`` when row 2 names a
    sub-question, choice or field rather than ``Response`` /
    ``Open-Ended Response``; the text is ``"question - sub-question"`` in
    the style of Qualtrics' row 2.
    """
    opened = _open(source, 2)
    return _build(opened, lambda: _surveymonkey(source, opened))


def _surveymonkey(source: SourceReader, opened: _Opened) -> SurveyTable:
    where = str(source.path)
    spreadsheet = opened.spreadsheet
    header = _header_rows(opened, 2, "SurveyMonkey", where)
    width = _same_width(header, spreadsheet, where)
    (question_line, questions), (_, subs) = header
    questions, subs = _cells(questions, width), _cells(subs, width)
    columns = []
    current = ""
    for index in range(width):
        question = questions[index].strip()
        if index == 0:
            question = _strip_bom(question)
        if question:
            current = question
        elif not current:
            raise InvalidInput(
                [f"line {question_line}: the first header cell is blank; expected 'Respondent ID' or a question"],
                where=where,
            )
        sub = subs[index].strip()
        if sub in _SURVEYMONKEY_PLAIN:
            columns.append(SurveyColumn(index=index, id=current, text=current))
        else:
            columns.append(SurveyColumn(index=index, id=f"{current} | {sub}", text=f"{current} - {sub}"))
    return opened.table(columns, width, ())


#: The readers by the name a source's ``options.format`` would use.
FORMATS: dict[str, Callable[[SourceReader], SurveyTable]] = {
    "csv": read_csv,
    "jsonl": read_jsonl,
    "xlsx": read_xlsx,
    "qualtrics": read_qualtrics,
    "surveymonkey": read_surveymonkey,
}


def check_format_options(source: SourceReader) -> Iterable[str]:
    """Problems with the options the readers use, for a collector's ``check_options``.

    Checked before any file is read, so a typo ("include_preview = yes")
    is reported with the other settings rather than halfway through a file.
    """
    options = source.options
    for name in ("include_previews", "include_spam", "include_unfinished"):
        if name in options and not isinstance(options[name], bool):
            yield f"options.{name}: expected true or false"
    if "sheet" in options and not isinstance(options["sheet"], str):
        yield "options.sheet: expected the name of a worksheet"
    if "delimiter" in options and not (isinstance(options["delimiter"], str) and len(options["delimiter"]) == 1):
        yield 'options.delimiter: expected one character, e.g. ";" or "\\t"'
    fields = options.get("fields")
    if fields is not None and not (isinstance(fields, list) and fields and all(isinstance(f, str) for f in fields)):
        yield "options.fields: expected a list of key names"
    labels = options.get("labels", {})
    if not isinstance(labels, dict):
        yield 'options.labels: expected a table of question = { "label" = value, ... }'
        return
    for question, table in labels.items():
        if not isinstance(table, dict) or not table:
            yield f'options.labels.{question}: expected a table of "label" = value'
            continue
        for label, value in table.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                yield f"options.labels.{question}.{label!r}: expected a number, got {value!r}"


def parse_timestamp(text: str, zone: dt.tzinfo | None = None, formats: Iterable[str] = ()) -> dt.datetime | None:
    """ISO-8601 (or one of ``formats``); a time without offset is read in ``zone`` (UTC by default)."""
    text = text.strip()
    if not text:
        return None
    parsed = None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        for pattern in formats:
            try:
                parsed = dt.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    # no offset and no zone: UTC, marked so that the store keeps "no offset given" (NULL)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone or NAIVE_UTC)


def header_rows(source: SourceReader, count: int) -> list[list[str]]:
    """The file's first ``count`` records (fewer if it has fewer), as any layout reader sees them, then closed.

    What recognising a layout looks at (`cxframe_nps.detect`): a delimited
    file by the source's delimiter, a workbook (by suffix) by its rows.
    """
    opened = _open(source, count)
    opened.close()
    return [cells for _, cells in opened.header]


# -- answer values --------------------------------------------------------------------------------------------------

#: A number, then optionally a separator and a label that does not start with a digit
#: ("10 - Extremely likely", "1 = Very dissatisfied", "4) Agree", "5 stars"). "5-7" is a range, not 5.
_CHOICE = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)(?:\s*[-–—:=)]\s*(?=[^\d\s.])\S.*|\s+(?=[^\d\s.])\S.*)?\s*", re.DOTALL)


def choice_value(text: str) -> float | None:
    """The number a choice-text answer starts with, or None when it has none.

    Choice-text exports write scale answers as their labels, and scale labels
    carry their point: ``"10 - Extremely likely"`` is 10.0, ``"7"`` is 7.0.
    An answer without a leading number (``"Very satisfied"``) or a blank is
    None so the caller decides — a label table (`label_value`) or a reject.
    """
    match = _CHOICE.fullmatch(text)
    if match is None:
        return None
    return float(match.group(1))


def _fold(label: str) -> str:
    return " ".join(label.split()).casefold()


def label_value(text: str, labels: Mapping[str, float]) -> float | None:
    """The value a label table (``options.labels.<question>``) gives an answer, or None.

    Exact match first, then ignoring case and repeated spaces, since exports
    and programme files rarely agree on capitalisation; no fuzzier than that,
    so "Satisfied" never reads as "Very satisfied".
    """
    answer = text.strip()
    if not answer:
        return None
    if answer in labels:
        return float(labels[answer])
    folded = _fold(answer)
    for label, value in labels.items():
        if _fold(label) == folded:
            return float(value)
    return None
