"""A CRM round trip of the loop's cases: export them as CSV, import the CSV back as updates.

The CSV has the columns of ``cxframe loop list --json`` (DESIGN §11), in that
order, with a header row; times are UTC ISO-8601 to the second, an empty cell
is ``null``. The customer's comment is masked as every output masks it
(`cxframe.mask_personal_data`); it is never read back. The file is created
readable by its owner only (`cxframe.open_private`), as the store is. Free
text is written as it is (quoted where CSV needs it), with one exception: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading ``'``, so a spreadsheet opening the file
shows the text instead of running it as a formula (CSV injection); a cell
that starts with ``'`` gets one too, so the rule can be undone without doubt:
import removes one leading ``'`` from every text cell it reads.

Import reads ``case``, ``status``, ``root_cause`` and ``resolution`` (the
other columns are for the people working the cases, and are not read back).
A row whose status, root cause or resolution differs from the store is an
update, kept in the case's history as ``cxframe loop update`` keeps it. The
file is checked as a whole before anything is written: any problem (a column
missing from the header, a case that does not exist, a status that is not
one, a case on two rows, a row with the wrong number of cells, bytes that
are not UTF-8) is listed with its file line (the header is line 1) and
nothing is applied; otherwise every update is applied in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from cxframe import InvalidInput, PluginHost, Store, open_private, open_programme
from cxframe_improve import cases
from cxframe_improve.api import ProgrammeLike, _now, loop_cases
from cxframe_improve.cases import LoopCase
from cxframe_improve.settings import NEW_STATUS, OPEN_STATUSES, UPDATE_STATUSES

#: The CSV's columns: the ``loop list --json`` keys, in order (DESIGN §11).
COLUMNS: tuple[str, ...] = ("case", *cases.COLUMNS[1:])
#: What import reads; the header must name them (in any order, among any others).
REQUIRED: tuple[str, ...] = ("case", "status", "root_cause", "resolution")
#: Every status a row may carry: where a case starts, and what ``loop update`` sets.
STATUSES: tuple[str, ...] = (NEW_STATUS, *UPDATE_STATUSES)
#: First characters a spreadsheet reads as the start of a formula (and the guard's own mark).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


@attrs.frozen
class ImportResult:
    """What ``cxframe loop import`` did: rows read, and the cases it changed (in file order)."""

    file: str
    rows: int
    changed: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "rows": self.rows, "changed": list(self.changed)}


def guard(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet will not run: a leading ``'`` before a formula's first character."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def unguard(text: str) -> str:
    """The text `guard` was given: one leading ``'`` removed."""
    return text[1:] if text.startswith("'") else text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    return guard(str(value))


def write_csv(found: Sequence[LoopCase], target: Path) -> int:
    """Write ``found`` as CSV to ``target`` (UTF-8, header row); return how many cases were written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for case in found:
        shown = case.to_json()
        writer.writerow([_cell(shown[column]) for column in COLUMNS])
    try:
        # one row per case, with respondent ids: readable by its owner only, as the store is
        with open_private(target, encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
    except OSError as error:
        raise InvalidInput([f"{target}: cannot write the cases ({error.strerror or error})"]) from None
    return len(found)


@attrs.frozen
class _Row:
    line: int
    case: int
    status: str
    root_cause: str | None
    resolution: str | None


def _text(target: Path) -> str:
    try:
        data = target.read_bytes()
    except OSError as error:
        raise InvalidInput([f"{target}: cannot read it ({error.strerror or error})"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidInput(
            [f"line {line}: byte 0x{data[error.start]:02x} is not UTF-8 text (save the file as UTF-8 CSV)"],
            where=str(target),
        ) from None


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the file line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InvalidInput([f"line {reader.line_num}: not CSV ({error})"]) from None
        yield start, record
        start = reader.line_num + 1


def read_rows(target: Path) -> tuple[list[_Row], list[tuple[int, str]]]:
    """The file's rows and the problems of its own (not yet against the store), each with its line.

    A file that cannot be read as CSV with the required columns raises `InvalidInput` at once.
    """
    text = _text(target)
    problems: list[tuple[int, str]] = []
    rows: list[_Row] = []
    try:
        records = list(_records(text))
    except InvalidInput as error:
        raise InvalidInput(error.messages, where=str(target)) from None
    records = [(line, record) for line, record in records if any(cell.strip() for cell in record)]
    if not records:
        raise InvalidInput([f"line 1: no header (expected {', '.join(COLUMNS)})"], where=str(target))
    header_line, header = records[0]
    names = [name.strip() for name in header]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise InvalidInput(
            [
                f"line {header_line}: missing column(s) {', '.join(missing)} (import reads "
                f"{', '.join(REQUIRED)}; cxframe loop export writes them)"
            ],
            where=str(target),
        )
    position = {name: names.index(name) for name in REQUIRED}
    seen: dict[int, int] = {}
    for line, record in records[1:]:
        if len(record) != len(names):
            problems.append((line, f"line {line}: {len(record)} cell(s), the header has {len(names)}"))
            continue
        raw_case = record[position["case"]].strip()
        try:
            number = cases.parse_case_id(raw_case)
        except InvalidInput:
            problems.append((line, f"line {line}: case {raw_case!r}: expected a case number such as 12"))
            continue
        status = record[position["status"]].strip()
        if status not in STATUSES:
            problems.append(
                (line, f"line {line}: case {number}: status {status!r}: expected one of {', '.join(STATUSES)}")
            )
        if number in seen:
            problems.append((line, f"line {line}: case {number} is also on line {seen[number]} (one row per case)"))
            continue
        seen[number] = line
        rows.append(
            _Row(
                line,
                number,
                status,
                unguard(record[position["root_cause"]]) or None,
                unguard(record[position["resolution"]]) or None,
            )
        )
    return rows, problems


def _changes(row: _Row, current: LoopCase) -> bool:
    # an empty cell keeps what was recorded: import adds and changes, it never erases a case's record
    return (
        row.status != current.status
        or (row.root_cause is not None and row.root_cause != current.root_cause)
        or (row.resolution is not None and row.resolution != current.resolution)
    )


def import_rows(store: Store, target: Path, now: dt.datetime) -> ImportResult:
    """Check ``target`` against the store and apply its changes in one transaction (see the module's docstring)."""
    rows, problems = read_rows(target)
    store.require_writable("cxframe loop import")
    if not cases.ready(store):  # pragma: no cover - a writable store always gets its tables
        raise InvalidInput(["there are no cases yet"], where=str(target))
    at = cases.stored_time(now)
    with store.writing():
        current = {case.case: case for case in cases.list_cases(store, now)}
        last = max(current, default=0)
        known = f"cases are numbered 1 to {last}" if current else "there are no cases yet"
        for row in rows:
            found = current.get(row.case)
            if found is None:
                problems.append((row.line, f"line {row.line}: case {row.case}: no such case ({known})"))
            elif row.status == NEW_STATUS and found.status != NEW_STATUS:
                problems.append(
                    (
                        row.line,
                        f"line {row.line}: case {row.case}: status 'open': the case is {found.status} and "
                        "cannot be set back to open (contacted re-opens a closed case)",
                    )
                )
        if problems:
            # every problem of the file at once, in file order: nothing is applied
            raise InvalidInput([message for _, message in sorted(problems, key=lambda p: p[0])], where=str(target))
        changes = []
        for row in rows:
            before = current[row.case]
            if not _changes(row, before):
                continue
            # the status stays: so does the time it closed; a new one closes now (or opens again)
            reopened = None if row.status in OPEN_STATUSES else at
            closed = before.closed if row.status == before.status else reopened
            note = f"imported from {target.name}, line {row.line}"
            changes.append(cases.CaseChange(row.case, row.status, row.root_cause, row.resolution, closed, note))
        cases.write_changes(store, at, changes, current)
    return ImportResult(str(target), len(rows), tuple(change.case for change in changes))


# --- the Python API ---------------------------------------------------------


def export_cases(
    programme: ProgrammeLike,
    file: str | Path,
    *,
    open_only: bool = False,
    overdue: bool = False,
    owner: str | None = None,
    now: dt.datetime | None = None,
    host: PluginHost | None = None,
) -> int:
    """Write the loop's cases to ``file`` as CSV (the ``loop list`` columns); return how many were written.

    ``open_only``, ``overdue`` and ``owner`` choose the cases as `loop_cases` does.

    >>> cxframe_improve.export_cases("my-programme", "cases.csv", open_only=True)  # doctest: +SKIP
    12
    """
    found = loop_cases(programme, open_only=open_only, overdue=overdue, owner=owner, now=now, host=host)
    return write_csv(found, Path(file))


def import_cases(
    programme: ProgrammeLike, file: str | Path, *, now: dt.datetime | None = None, host: PluginHost | None = None
) -> ImportResult:
    """Read a CSV written by `export_cases` (and edited in a CRM) back as case updates, all or nothing.

    A row whose status, root cause or resolution changed is an update, kept
    in the case's history with its time (``now``, default the current time).
    Any problem raises `cxframe.InvalidInput` listing every one with its file
    line, and nothing is applied.

    >>> cxframe_improve.import_cases("my-programme", "cases.csv").changed  # doctest: +SKIP
    (2, 7)
    """
    with open_programme(programme, host) as opened:
        return import_rows(opened.store, Path(file), _now(now))
