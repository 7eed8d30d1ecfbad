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
from cxframe import InvalidInput, Reject, SourceReader, read_delimited, read_header
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
    expected = _csv_records(text)[1:]
    try:
        found = _read(path, header_rows=1, width=2)
    except InvalidInput as error:
        assert not raw or '"' in text, error  # only quoting can make a file unreadable
        assert re.search(r"f\.csv: (at or after )?line \d+", str(error)), error
        return
    read = {line: cells for line, cells in found}
    for line, cells in expected:
        if not any(cell.strip() for cell in cells):
            continue  # a blank record: skipped (the ingest skips it too)
        got = read.pop(line, None)
        if len(cells) == 2 or (len(cells) > 2 and not any(c.strip() for c in cells[2:])):
            assert got == [*cells, "", ""][:2], (line, cells, got)
        else:
            assert isinstance(got, Reject) and got.reason == f"expected 2 fields, found {len(cells)}", (line, got)
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('id,c\nr1,"open\nr2,b\n', r"line 2: a quote is left open, so the record runs to the end of the file"),
        ('id,c,d\nr1,"open\nr2,b,c\n', r"line 2: a quoted cell runs on to line 3 and the record has 2 fields, not 3"),
    ],
)
def test_a_quote_left_open_is_an_error_naming_its_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    width = len(text.split("\n", 1)[0].split(","))
    with pytest.raises(InvalidInput, match=message):
        _read(path, header_rows=1, width=width)


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
