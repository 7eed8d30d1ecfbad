"""The one reader of delimited files (`cxframe.ingestion._delimited`): Python's csv cells, csv's lines, clear errors."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxframe.ingestion._delimited as delimited
from cxframe import InvalidInput, Reject, SourceReader, raw_text, read_delimited, read_header
from cxframe.ingestion._delimited import blank


def _read(path: Path, header_rows: int, width: int, encoding: str | None = None) -> list[tuple[int, object]]:
    """Every record the reader gives, ``(line, cells)`` or ``(line, Reject)``, in line order."""
    source = SourceReader(id="s", collector="c", path=path, encoding=encoding)
    found: list[tuple[int, object]] = []
    for batch in read_delimited(source, header_rows=header_rows, width=width, delimiter=","):
        found.extend(batch.rejects)
        columns = [column.to_pylist() for column in batch.columns]
        found.extend((line, [c[i] for c in columns]) for i, line in enumerate(batch.lines.to_pylist()))
    return sorted(found, key=lambda entry: entry[0])


def _csv_records(text: str) -> list[tuple[int, list[str]]]:
    """What Python's csv module reads: each record with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, end = [], 0
    for cells in reader:
        records.append((end + 1, cells))
        end = reader.line_num
    return records


_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _csv_records_reading_on(text: str, header_rows: int = 1) -> list[tuple[int, list[str] | str]]:
    """csv's records after the header, but a quote left open to the end is its line (as text) and csv reads on after it.

    Open: csv would carry the record on past the end of the file (a line
    added to the file goes into its cell), and it has run past its line.
    """
    records: list[tuple[int, list[str] | str]] = []
    offset = 0
    while True:
        found = _csv_records(text)[header_rows:]
        header_rows = 0
        more = _csv_records(text + "\nX")
        last = found[-1][1] if found else []
        # a record of the file's width that has not run past its line is read as it is (nothing was swallowed)
        if not found or more[-1][1] == ["X"] or (len(last) == 2 and not any(_LINE_BREAK.search(c) for c in last)):
            return records + [(offset + line, cells) for line, cells in found]
        line = found[-1][0]
        records += [(offset + at, cells) for at, cells in found[:-1]]
        lines = _PHYSICAL_LINE.findall(text)
        records.append((offset + line, lines[line - 1].rstrip("\r\n")))
        text, offset = "".join(lines[line:]), offset + line


_LINE_BREAK = re.compile(r"\r|\n")
_cell = st.text(alphabet='ab ,"\n\r\t好', max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(_cell, min_size=1, max_size=4), min_size=1, max_size=8),
    raw=st.booleans(),
    block=st.sampled_from([64, 97, 1 << 20]),
    ending=st.sampled_from(["\n", "\r\n", ""]),
)
def test_every_record_reads_as_python_csv_reads_it_or_is_a_reject_or_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]], raw: bool, block: int, ending: str
) -> None:
    """Random files, written by csv.writer or pasted together raw: the same cells and lines as csv, or a clear word."""
    monkeypatch.setattr(delimited, "BLOCK_BYTES", block)
    if raw:  # anything at all, quotes unbalanced and all
        text = "\n".join(",".join(row) for row in rows) + ending
    else:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=ending or "\n").writerows(rows)
        text = buffer.getvalue()
    text = "h1,h2\n" + text
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8", newline="")
    expected = _csv_records_reading_on(text)
    try:
        found = _read(path, header_rows=1, width=2)
    except InvalidInput as error:
        # only a record longer than a block (quoted line breaks and all) can make a file unreadable
        assert block < 1 << 20 and '"' in text, error
        assert re.search(r"f\.csv: at or after line \d+: a record longer than", str(error)), error
        return
    read = {line: cells for line, cells in found}
    for line, cells in expected:
        if isinstance(cells, str):  # a quote left open: its line is a reject, and the lines after it are read
            assert read.pop(line, None) == Reject(delimited.OPEN_QUOTE, cells), (line, cells)
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank record: skipped (the ingest skips it too)
        got = read.pop(line, None)
        if len(cells) == 2 or (len(cells) > 2 and not any(c.strip() for c in cells[2:])):
            assert got == [*cells, "", ""][:2], (line, cells, got)
        else:
            assert isinstance(got, Reject) and got.reason.startswith(f"expected 2 fields, found {len(cells)}"), got
    leftover = {line: cells for line, cells in read.items() if not (isinstance(cells, list) and blank(cells))}
    assert not leftover  # nothing read that csv does not read


def test_lines_count_line_breaks_inside_cells_and_rejects_name_theirs(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('id,note\nr1,"two\nlines"\nr2,x,y\n\nr3,"a\r\nb"\nr4,ok\n', encoding="utf-8", newline="")
    assert _read(path, header_rows=1, width=2) == [
        (2, ["r1", "two\nlines"]),
        (4, Reject("expected 2 fields, found 3", "r2,x,y")),
        (5, ["", ""]),  # a blank line: a blank record, which the ingest skips
        (6, ["r3", "a\r\nb"]),
        (8, ["r4", "ok"]),
    ]


def test_a_header_with_line_breaks_and_its_records(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('Q1,Q2\n"How likely\nare you?",Why\n"{""ImportId"":""QID1""}",x\n9,fine\n', encoding="utf-8")
    source = SourceReader(id="s", collector="c", path=path)
    assert read_header(source, 3, ",") == [
        (1, ["Q1", "Q2"]),
        (2, ["How likely\nare you?", "Why"]),
        (4, ['{"ImportId":"QID1"}', "x"]),
    ]
    assert _read(path, header_rows=3, width=2) == [(5, ["9", "fine"])]


def test_cells_past_the_named_columns_are_no_fault_when_empty_and_a_reject_otherwise(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a,b,\n1,2,\n3,4\n5,6,x\n7,8,,\n", encoding="utf-8")
    source = SourceReader(id="s", collector="c", path=path)
    found = []
    for batch in read_delimited(source, header_rows=1, width=3, needed=2, delimiter=","):
        found.extend(batch.rejects)
        columns = [column.to_pylist() for column in batch.columns]
        found.extend((line, [c[i] for c in columns]) for i, line in enumerate(batch.lines.to_pylist()))
    assert sorted(found, key=lambda entry: entry[0]) == [
        (2, ["1", "2", ""]),
        (3, ["3", "4", ""]),
        (4, Reject("expected 2 fields, found 3", "5,6,x")),
        (5, ["7", "8", ""]),
    ]


def _export(rows: int, broken: dict[int, str]) -> str:
    """A ``;``-delimited export with a header and ``rows`` rows, line n's row replaced by ``broken[n]``."""
    lines = ["id;when;branch;score;comment"]
    lines += [broken.get(n, f"R{n};28.03.2026 12:00;east;{n % 5 + 1};fine, 好") for n in range(2, rows + 2)]
    return "\n".join(lines) + "\n"


def _read_export(path: Path, encoding: str | None = None) -> list[tuple[int, object]]:
    source = SourceReader(id="s", collector="c", path=path, encoding=encoding)
    found: list[tuple[int, object]] = []
    for batch in read_delimited(source, header_rows=1, width=5, delimiter=";"):
        found.extend(batch.rejects)
        columns = [column.to_pylist() for column in batch.columns]
        found.extend((line, [c[i] for c in columns]) for i, line in enumerate(batch.lines.to_pylist()))
    return sorted(found, key=lambda entry: entry[0])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
@pytest.mark.parametrize("block", [1 << 20, 256])
@pytest.mark.parametrize("where", ["last column", "middle column"])
def test_a_quote_left_open_is_a_reject_of_its_line_and_the_lines_after_it_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str, block: int, where: str
) -> None:
    """The plugin developer's CRM export: line 46 of 48 opens a quote that never closes (in any encoding, any block)."""
    monkeypatch.setattr(delimited, "BLOCK_BYTES", block)
    broken = (
        'R46;28.03.2026 12:00;east;2;"the quote never closes'
        if where == "last column"
        else 'R46;28.03.2026 12:00;"east;2;the quote never closes'
    )
    path = tmp_path / "acme.csv"
    path.write_bytes(_export(47, {46: broken}).encode(encoding))
    found = _read_export(path, None if encoding == "utf-8-sig" or encoding == "utf-16" else encoding)
    assert [line for line, _ in found] == list(range(2, 49))
    assert found[44] == (46, Reject(delimited.OPEN_QUOTE, broken))
    assert "close the quote where the cell ends, or remove it" in delimited.OPEN_QUOTE
    assert found[45] == (47, ["R47", "28.03.2026 12:00", "east", "3", "fine, 好"])
    assert all(isinstance(cells, list) and cells[0] == f"R{line}" for line, cells in found if line != 46)


def test_every_quote_left_open_is_a_reject_and_a_long_tail_is_read_a_block_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quote left open on line 5,000 of 9,000 (many blocks before the end); a pair of quotes before makes one cell.

    A quote left open can only be the file's last quote (any later one would close it), so one restart at most.
    """
    monkeypatch.setattr(delimited, "BLOCK_BYTES", 4096)
    opened = 'R5000;28.03.2026 12:00;east;4;"left open'
    path = tmp_path / "long.csv"
    path.write_text(
        _export(9_000, {3_000: 'R3000;28.03.2026 12:00;east;4;"opens here', 3_001: 'closes" here', 5_000: opened}),
        encoding="utf-8",
    )
    found = dict(_read_export(path))
    assert found.pop(5_000) == Reject(delimited.OPEN_QUOTE, opened)
    assert found.pop(3_000) == ["R3000", "28.03.2026 12:00", "east", "4", "opens here\ncloses here"]
    assert sorted(found) == [n for n in range(2, 9_002) if n not in (3_000, 3_001, 5_000)]


def test_a_record_longer_than_a_block_whose_quote_closes_is_still_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delimited, "BLOCK_BYTES", 256)
    path = tmp_path / "f.csv"
    long_cell = "\n".join(["a long comment"] * 100)
    path.write_text(_export(10, {5: f'R5;28.03.2026 12:00;east;4;"{long_cell}"'}), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"f\.csv: at or after line 5: a record longer than"):
        _read_export(path)


def test_a_rejects_raw_text_quotes_the_cells_the_file_had_to_quote() -> None:
    cells = ["r1", "two\nlines", "a;b", 'say "hi"', "x"]
    assert raw_text(cells, ";") == 'r1;"two\nlines";"a;b";"say ""hi""";x'
    assert raw_text(["carriage\rreturn", "plain"]) == '"carriage\rreturn",plain'
    assert raw_text([]) == ""
    # read back, the text gives the same cells
    assert next(csv.reader(io.StringIO(raw_text(cells, ";"), newline=""), delimiter=";")) == cells


def test_a_record_of_another_width_with_a_quoted_line_break_is_a_reject_saying_so(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('id,c,d,e\nr1,"open\nr2",b"\nr3,x,y,z\n', encoding="utf-8")
    misplaced = "expected 4 fields, found 3; a quoted cell runs on to line 3: is a quote misplaced?"
    assert _read(path, header_rows=1, width=4) == [
        # the raw record quotes the cell with the line break, as the file did
        (2, Reject(misplaced, 'r1,"open\nr2","b"""')),
        (4, ["r3", "x", "y", "z"]),
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030", "cp1252"])
def test_every_encoding_is_read_to_the_same_cells(tmp_path: Path, encoding: str) -> None:
    text = 'id,note\nr1,Zürich\nr2,"a, b"\n' if encoding == "cp1252" else 'id,note\nr1,服务很好\nr2,"a, b"\n'
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode(encoding))
    declared = None if encoding in ("utf-8-sig", "utf-16") else encoding
    assert _read(path, header_rows=1, width=2, encoding=declared) == [
        (2, ["r1", text.split("\n")[1].split(",")[1]]),
        (3, ["r2", "a, b"]),
    ]


def test_bytes_that_are_not_text_are_an_error_naming_where(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"id,note\n" + b"r,fine\n" * 10 + b"r,\xff\xfe\n")
    with pytest.raises(InvalidInput, match=r"f\.csv: at or after line \d+: the file is not valid utf-8"):
        _read(path, header_rows=1, width=2, encoding="utf-8")


def _warnings(path: Path, width: int, delimiter: str = ",", header_rows: int = 1) -> tuple[list[int], list[str]]:
    source = SourceReader(id="s", collector="c", path=path)
    lines = [
        line
        for batch in read_delimited(source, header_rows=header_rows, width=width, delimiter=delimiter)
        for line in batch.lines.to_pylist()
    ]
    return lines, source.warnings


def test_a_quoted_cell_that_swallowed_records_is_read_as_csv_reads_it_with_one_warning(tmp_path: Path) -> None:
    """The plugin developer's variant: a quote opened on line 3 closes on line 4, so R2 went into R1's comment."""
    path = tmp_path / "acme.csv"
    rows = [f"R{n};01.03.2026 10:00;north;4;4;fine" for n in range(1, 12)]
    rows[1] = 'R1;01.03.2026 10:00;north;4;4;"opens here'
    rows[2] = 'R2;01.03.2026 10:00;north;4;4;closes" here'
    rows[6] = 'R6;01.03.2026 10:00;north;4;4;"again'
    rows[8] = 'R8;01.03.2026 10:00;north;4;4;and" again'
    path.write_text("id;when;branch;q1;q2;comment\n" + "\n".join(rows) + "\n", encoding="utf-8")
    lines, warnings = _warnings(path, 6, ";")
    assert 4 not in lines and 9 not in lines  # as csv reads it: the file is legal
    assert warnings == [
        f"{path}: 2 quoted cells span lines and look like they hold whole records; first on line 3: if a quote "
        "there should have closed on its own line, the rows after it are inside the cell and not stored as rows; "
        "close or remove it"
    ]
    path.write_text("id;when;branch;q1;q2;comment\n" + "\n".join(rows[:5]) + "\n", encoding="utf-8")
    assert _warnings(path, 6, ";")[1] == [
        f"{path}: 1 quoted cell spans lines and looks like it holds whole records; it is on line 3: if a quote "
        "there should have closed on its own line, the rows after it are inside the cell and not stored as rows; "
        "close or remove it"
    ]


def test_a_comment_with_line_breaks_a_header_with_them_and_a_quote_left_open_are_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    # a real multi-line comment (a few commas, fewer than a record's), then a quote left open (a reject, not both)
    path.write_text('id,a,b,c\nr1,1,2,"first, then\nsecond"\nr2,1,2,3\nr3,1,2,"open, a, b, c\nr4,1,2,3\n', "utf-8")
    lines, warnings = _warnings(path, 4)
    assert (lines, warnings) == ([2, 4, 6], [])
    path.write_text('Q1,Q2\n"How likely,\nare you, sure?",Why\n9,fine\n', encoding="utf-8")  # two header rows
    assert _warnings(path, 2, header_rows=2) == ([4], [])
