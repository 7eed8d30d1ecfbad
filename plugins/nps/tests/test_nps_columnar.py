"""cxframe-nps: the columnar reader (pyarrow) stores exactly what the row-at-a-time reader stores, or declines."""

from __future__ import annotations

import csv
import io
import logging
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxframe
import cxframe.columnar as columnar_module
import cxframe.staged as staged_module
import cxframe_nps
from cxframe import testing
from cxframe.api import open_programme
from cxframe.extensions import StagedCsv
from cxframe.ingest import ingest
from cxframe.sources import SourceReader
from cxframe_nps.collectors import survey_csv

COLUMNS = {
    "response_id": "id",
    "respondent_id": "cust",
    "timestamp": "when",
    "comment": "note",
    "weight": "w",
    "channel": "ch",
    "segments": {"region": "Region"},
    "questions": {"nps": "Q1", "csat": "Q2"},
}
HEADER = "id,cust,when,Region,ch,Q1,Q2,note,w"


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few records, so that every boundary case comes up; reading in this process."""
    monkeypatch.setattr(columnar_module, "BLOCK_BYTES", 200)
    monkeypatch.setattr(staged_module, "CHILD_PROCESS_BYTES", 1 << 60)


def _ingest(
    root: Path, *, columnar: bool, columns: dict[str, object] | None = None, options: dict[str, object] | None = None
) -> tuple[object, ...]:
    """What an ingest of ``root/s.csv`` stores (or the error it raises), and whether the columnar reader declined."""
    before = (staged_module.COLUMNAR_BYTES, staged_module.log.level)
    staged_module.COLUMNAR_BYTES = 0 if columnar else 1 << 60
    messages: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    staged_module.log.addHandler(handler)
    staged_module.log.setLevel(logging.INFO)
    try:
        with open_programme(root, testing.plugin_host(cxframe_nps)) as opened:
            reader = SourceReader(
                "s",
                "survey-csv",
                root / "s.csv",
                columns=columns or COLUMNS,
                options=options or {},
                programme=opened.programme,
            )
            try:
                summary = ingest(opened.store, reader, survey_csv, batch_size=7)
            except cxframe.InvalidInput as error:
                return ("error", str(error)), any("declined" in m for m in messages)
            db = opened.store.db
            observations = db.execute("SELECT * FROM observations ORDER BY key").fetchall()
            rejects = db.execute("SELECT line, raw, reason FROM rejects ORDER BY line, reason").fetchall()
            db.execute("DELETE FROM answers")
            db.execute("DELETE FROM responses")
            db.execute("DELETE FROM rejects")
            db.execute("DELETE FROM ingests")
            db.conn.commit()
    finally:
        staged_module.COLUMNAR_BYTES, level = before
        staged_module.log.setLevel(level)
        staged_module.log.removeHandler(handler)
    counts = (summary.rows_read, summary.rows_accepted, summary.rows_partial, summary.rows_rejected)
    return (counts, summary.records_stored, summary.records_duplicate, observations, rejects), any(
        "declined" in m for m in messages
    )


def _both(
    root: Path, text: str | bytes, columns: dict[str, object] | None = None, options: dict[str, object] | None = None
) -> tuple[Any, bool]:
    """Ingest ``text`` both ways; assert they store the same; return that and whether the columnar reader declined."""
    target = root / "s.csv"
    if isinstance(text, str):
        target.write_bytes(text.encode("utf-8"))
    else:
        target.write_bytes(text)
    rows, rows_declined = _ingest(root, columnar=False, columns=columns, options=options)
    assert not rows_declined
    columns_wise, declined = _ingest(root, columnar=True, columns=columns, options=options)
    assert columns_wise == rows
    return rows, declined


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return testing.make_programme(tmp_path / "p")


def test_whitespace_is_every_character_str_strip_strips() -> None:
    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == columnar_module.WHITESPACE


EDGE_CASES = (
    f"{HEADER}\n"
    'a,c1,2026-03-01T10:00:00+08:00,North,app,10,5,"Great, ""really""",1.5\n'
    "b,c2,2026-03-02,South,web,11,4,,1\n"
    "c,c3,2026-03-03T00:00:00Z,South,web,N/A,,,1\n"
    "\n"
    "d,c4,yesterday,South,app,5,3,,1\n"
    'a,c5,2026-03-04T00:00:00.123456Z,South,app,9,5,"two\nlines",1\n'
    "e,c6, 2026-03-05T01:02:03.25-05:30 ,  East ,\x1capp\u3000,10 - Extremely likely,4,\u3000note\x85,2\n"
    "f,c7,2026-02-30T00:00:00Z,East,app,7,4,,1\n"
    "g,c8,2026-03-06T24:00:00Z,East,app,7,4,,-1\n"
    "h,c9,2026-03-06T00:00:00,East,app,7,4,,x\n"
    ",,,,,,,,\n"
    "too,few\n"
    "i,c10,2026-03-07T23:59:59.123456Z,,,nan,inf,,1\r\n"
    'j,c11,2026-03-08 12:00:00,West,app,0,1,"l\nf",\n'
    "k,c12,2026-03-09T00:00:00Z,West,app,3,2,,1,x,y\n"
    "  b  ,c13,2026-03-10T00:00:00Z,West,app,1,1,,1\n"
    "l,c14,0001-01-01T00:00:00+01:00,West,app,1,1,,1\n"
    "m,c15,2026-03-11T00:00:00Z,West,app,1,1,,1"
)


def test_edge_cases_are_read_alike_without_declining(root: Path, small_blocks: None) -> None:
    stored, declined = _both(root, EDGE_CASES)
    assert not declined
    summary, *_, rejects = stored
    assert summary[0] == 16  # the blank line and the blank record are skipped
    reasons = " ".join(reason for _, _, reason in rejects)
    assert "expected 9 fields, found 2" in reasons and "expected 9 fields, found 11" in reasons
    assert "duplicate response id 'a'" in reasons and "duplicate response id 'b'" in reasons


def test_a_byte_order_mark_crlf_line_ends_and_another_delimiter(root: Path, small_blocks: None) -> None:
    lines = [HEADER.replace(",", ";")] + [
        f'r{n};c{n};2026-03-{n % 28 + 1:02d}T08:00:00Z;R{n % 3};web;{n % 11};{n % 5 + 1};"x;{n}";1' for n in range(60)
    ]
    text = "\ufeff" + "\r\n".join(lines) + "\r\n"
    stored, declined = _both(root, text, options={"delimiter": ";"})
    assert not declined
    assert stored[0] == (60, 60, 0, 0)
    assert all(o[14].startswith("x;") for o in stored[3])


def test_more_distinct_segments_than_a_code_packs_are_read_row_by_row_alike(root: Path, small_blocks: None) -> None:
    body = "".join(
        f"r{n},c,2026-03-01T00:00:00Z,R{n},web,{n % 11},3,,1\n" for n in range(columnar_module.PROFILE_RADIX + 50)
    )
    stored, declined = _both(root, f"{HEADER}\n{body}")
    assert not declined
    assert stored[0][1] == columnar_module.PROFILE_RADIX + 50


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ('z,c,2026-03-01T00:00:00Z,R,web,1,1,"a"b,1\n', "csv rejects a quote followed by text"),
        ('z,c,2026-03-01T00:00:00Z,R,web,1,1,"a" ,1\n', "csv rejects a quote followed by a space"),
        ('z,c,2026-03-01T00:00:00Z,R,web,1,1,a 5"screen,1\n', "a quote inside a cell: read alike, but declined"),
        ("z,c,2026-03-01T00:00:00Z,R,web,1,1,,1,,\n", "the collector keeps a record with blank extra cells"),
        ('z,c,2026-03-01T00:00:00Z,R,web,1,1,"a\r\nb",1\n', "a carriage return in a cell (pyarrow may drop its LF)"),
        ('z,c,2026-03-01T00:00:00Z,R,web,1,"1\nx",1\n', "a record of another width spanning lines"),
        ('z,c,2026-03-01T00:00:00Z,R,web,1,1,"unended,1\n', "csv rejects a quote left open"),
        (b"z,c,2026-03-01T00:00:00Z,R,web,1,1,\xff\xfe,1\n", "not UTF-8"),
        ("z,c,2026-03-01T00:00:00Z,R,web,1,1," + "x" * 140_000 + ",1\n", "a cell past csv's field limit"),
    ],
)
def test_what_the_columnar_reader_cannot_promise_it_declines(
    root: Path, small_blocks: None, monkeypatch: pytest.MonkeyPatch, record: str | bytes, why: str
) -> None:
    monkeypatch.setattr(columnar_module, "BLOCK_BYTES", 1 << 20)  # the long cell fits a block
    limit = csv.field_size_limit(131_072)  # Python's default; sqlite-utils raises it where it reads CSV
    good = "".join(f"r{n},c,2026-03-01T00:00:00Z,R,web,{n % 11},3,,1\n" for n in range(3000))
    data = f"{HEADER}\n{good}".encode() + (record if isinstance(record, bytes) else record.encode())
    data += good.replace("r", "s").encode()
    try:
        _, declined = _both(root, data)
    finally:
        csv.field_size_limit(limit)
    assert declined, why


def _scan(tmp_path: Path, data: bytes, step: int, delimiter: str = ",") -> str | None:
    """What the quote scan doubts in ``data``, read ``step`` bytes at a time."""
    path = tmp_path / "scan.csv"
    path.write_bytes(data)
    layout = StagedCsv(path=path, delimiter=delimiter, start=0, first_line=1, misfit=lambda line, cells: [])
    scan = columnar_module._QuoteScan(layout)
    try:
        while scan.position < len(data) and scan.doubt is None:
            scan.advance(step)
        scan.finish()
    finally:
        scan.close()
    return scan.doubt


@pytest.mark.parametrize("step", [1, 2, 3, 5, 1 << 20])
def test_the_quote_scan_follows_csv_across_block_ends(tmp_path: Path, step: int) -> None:
    well_formed = b'a,"b",c\n"x""y","",""""\n"multi\nline","a,b"\n,,\n"end"'
    assert _scan(tmp_path, well_formed, step) is None
    assert _scan(tmp_path, b'a,"b"c\n', step) == "a closing quote followed by more of the cell"
    assert _scan(tmp_path, b'a,""x\n', step) == "a closing quote followed by more of the cell"
    assert _scan(tmp_path, b'"a,"b\n', step) == "a closing quote followed by more of the cell"
    assert _scan(tmp_path, b'x\n"a\n"b\n', step) == "a closing quote followed by more of the cell"
    assert _scan(tmp_path, b'a,"open\nb,c\n', step) == "a quote left open at the end of the file"
    assert _scan(tmp_path, b'a,5"screen\n', step) == "a quote inside an unquoted cell"
    assert _scan(tmp_path, b'a;"b;c";d\n', step, ";") is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.lists(st.sampled_from(['"', ",", "a", "\n", " ", "é"]), max_size=30).map("".join),
    step=st.integers(1, 8),
)
def test_the_quote_scan_never_passes_what_csv_rejects(tmp_path: Path, text: str, step: int) -> None:
    """Sound: whatever the scan lets through, Python's csv module (strict) reads without an error."""
    if _scan(tmp_path, text.encode("utf-8"), step) is None:
        list(csv.reader(io.StringIO(text, newline=""), strict=True))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(st.lists(st.text(alphabet='a", \né', max_size=5), min_size=1, max_size=4), max_size=8),
    step=st.integers(1, 8),
)
def test_the_quote_scan_passes_what_csv_writes(tmp_path: Path, records: list[list[str]], step: int) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    assert _scan(tmp_path, out.getvalue().encode("utf-8"), step) is None


_PIECES = ["a", "é", " ", ",", '"', "\n", "5", "\u3000"]


def _cells(carriage_returns: bool) -> st.SearchStrategy[str]:
    pieces = _PIECES + (["\r", "\r\n"] if carriage_returns else [])
    return st.lists(st.sampled_from(pieces), max_size=6).map("".join)


#: (line end, records): a third of the files have carriage returns in cells, which the reader declines
_files = st.tuples(st.sampled_from(["\n", "\r\n"]), st.sampled_from([False, False, True])).flatmap(
    lambda how: st.tuples(
        st.just(how[0]),
        st.lists(
            # the header's 7 cells (with the timestamp), else a few more or fewer
            st.sampled_from([6, 6, 6, 6, 5, 7, 9]).flatmap(
                lambda size, carriage_returns=how[1]: st.lists(_cells(carriage_returns), min_size=size, max_size=size)
            ),
            min_size=1,
            max_size=25,
        ),
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file=_files)
def test_random_files_are_stored_alike_or_declined(tmp_path: Path, file: tuple[str, list[list[str]]]) -> None:
    """Any file, in blocks of a few records: the same store (or the same error) both ways, or declined."""
    line_end, records = file
    root = testing.make_programme(tmp_path / f"p{abs(hash(str(records)))}")
    columns = {"response_id": "a", "timestamp": "b", "segments": {"region": "c"}, "questions": {"nps": "d"}}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerow(["a", "b", "c", "d", "e", "f", "g"])
    for cells in records:
        writer.writerow([cells[0], "2026-03-01T00:00:00Z", *cells[1:]])
    before = columnar_module.BLOCK_BYTES, staged_module.CHILD_PROCESS_BYTES
    columnar_module.BLOCK_BYTES, staged_module.CHILD_PROCESS_BYTES = 256, 1 << 60
    try:
        _both(root, out.getvalue(), columns=columns)
    finally:
        columnar_module.BLOCK_BYTES, staged_module.CHILD_PROCESS_BYTES = before


def test_a_large_file_is_read_column_wise_from_the_command_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = testing.make_programme(tmp_path / "p")
    body = "".join(f"r{n},c{n},2026-03-01T00:00:00Z,R{n % 4},web,{n % 11},{n % 5 + 1},,1\n" for n in range(2000))
    (root / "s.csv").write_text(f"{HEADER}\n{body}", encoding="utf-8")
    caplog.set_level(logging.INFO, logger="cxframe.staged")
    before = staged_module.COLUMNAR_BYTES
    staged_module.COLUMNAR_BYTES = 1024
    try:
        [summary] = cxframe.collect(root, [str(root / "s.csv")], collector="survey-csv", columns=COLUMNS)
    finally:
        staged_module.COLUMNAR_BYTES = before
    assert summary.rows_accepted == 2000 and summary.records_stored == 4000
    assert any("read column-wise" in r.getMessage() for r in caplog.records)


def test_cxframe_columnar_0_switches_it_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = testing.make_programme(tmp_path / "p")
    body = "".join(f"r{n},c{n},2026-03-01T00:00:00Z,R,web,{n % 11},3,,1\n" for n in range(100))
    (root / "s.csv").write_text(f"{HEADER}\n{body}", encoding="utf-8")
    caplog.set_level(logging.INFO, logger="cxframe.staged")
    monkeypatch.setattr(staged_module, "COLUMNAR_BYTES", 0)
    monkeypatch.setenv("CXFRAME_COLUMNAR", "0")
    cxframe.collect(root, [str(root / "s.csv")], collector="survey-csv", columns=COLUMNS)
    assert not any("column-wise" in r.getMessage() for r in caplog.records)


def test_reading_in_this_process_leaves_pyarrows_settings_alone(root: Path, small_blocks: None) -> None:
    import pyarrow as pa

    before = (pa.default_memory_pool().backend_name, pa.io_thread_count(), pa.cpu_count())
    body = "".join(f"r{n},c,2026-03-01T00:00:00Z,R,web,{n % 11},3,,1\n" for n in range(50))
    _, declined = _both(root, f"{HEADER}\n{body}")
    assert not declined
    assert (pa.default_memory_pool().backend_name, pa.io_thread_count(), pa.cpu_count()) == before
