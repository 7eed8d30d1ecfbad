"""One ingest for every survey collector: the same responses, written in each layout, store the same observations.

Each layout is written from one list of responses (with the awkward cells
real exports have: commas, quotes, line breaks and CJK text in comments, a
blank and an out-of-scale score, a repeated response id) and collected
through its built-in collector. Whatever the layout, the core must store the
same answers and reject the same records for the same reasons.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import cxframe
from cxframe import PluginHost, testing

RESPONSES = [
    ("r1", dt.datetime(2026, 3, 1, 8, 30, 5), "North", "10", 'Great, "really" fast'),
    ("r2", dt.datetime(2026, 3, 1, 14, 0, 0), "South", "7", "服务很好，但是等待时间太长了"),
    ("r3", dt.datetime(2026, 3, 2, 23, 59, 59), "South", "0", "two\nlines"),
    ("r4", dt.datetime(2026, 3, 3, 0, 0, 0), "", "11", ""),  # out of scale: a reject
    ("r5", dt.datetime(2026, 3, 4, 12, 15, 0), "East", "", "no score"),  # blank: a reject
    ("r2", dt.datetime(2026, 3, 5, 9, 0, 0), "East", "9", "again"),  # a repeated id: a reject
    ("r6", dt.datetime(2026, 3, 6, 18, 45, 30), "West", "6", "  padded  "),
]
NPS_TEXT = "How likely are you to recommend us to a friend or colleague?"
REGION_TEXT = "Where do you live?"
COMMENT_TEXT = "Why?"


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain_rows() -> list[list[str]]:
    return [["id", "when", "region", "nps", "comment"]] + [
        [rid, _iso(when), region, nps, comment] for rid, when, region, nps, comment in RESPONSES
    ]


def _qualtrics_rows() -> list[list[str]]:
    header = [
        ["ResponseId", "RecordedDate", "Status", "Finished", "Region", "Q1", "Q1_NPS_GROUP", "Q2"],
        ["Response ID", "Recorded Date", "Response Type", "Finished", REGION_TEXT, NPS_TEXT, "NPS group", COMMENT_TEXT],
        [
            '{"ImportId":"_recordId"}',
            '{"ImportId":"recordedDate","timeZone":"UTC"}',
            '{"ImportId":"status"}',
            '{"ImportId":"finished"}',
            '{"ImportId":"QID3"}',
            '{"ImportId":"QID1"}',
            '{"ImportId":"QID1_NPS_GROUP"}',
            '{"ImportId":"QID2_TEXT"}',
        ],
    ]
    rows = [
        [rid, when.strftime("%Y-%m-%d %H:%M:%S"), "0", "1", region, nps, "", comment]
        for rid, when, region, nps, comment in RESPONSES
    ]
    preview = ["p1", "2026-03-07 10:00:00", "1", "1", "North", "3", "", "a preview"]  # left out, not rejected
    return header + rows[:3] + [preview] + rows[3:]


def _surveymonkey_rows() -> list[list[str]]:
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    header = [[*meta, NPS_TEXT, REGION_TEXT, COMMENT_TEXT], [""] * 5 + ["Response", "Response", "Open-Ended Response"]]
    rows = [
        [rid, "c1", "", when.strftime("%m/%d/%Y %I:%M:%S %p"), "", nps, region, comment]
        for rid, when, region, nps, comment in RESPONSES
    ]
    return header + rows


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)


def _write_xlsx(path: Path, rows: list[list[str]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)


def _write_jsonl(path: Path, rows: list[list[str]]) -> None:
    keys = rows[0]
    with path.open("w", encoding="utf-8") as handle:
        for row in rows[1:]:
            handle.write(json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False) + "\n")


PLAIN = {
    "response_id": "id",
    "timestamp": "when",
    "comment": "comment",
    "segments": {"region": "region"},
    "questions": {"nps": "nps"},
}
QUALTRICS = {"comment": "Q2", "segments": {"region": "Region"}, "questions": {"nps": "Q1"}}
SURVEYMONKEY = {"comment": COMMENT_TEXT, "segments": {"region": REGION_TEXT}, "questions": {"nps": NPS_TEXT}}

#: layout → (file name, writer, collector, columns, options)
LAYOUTS: dict[str, tuple[str, Callable[[Path], None], str, dict[str, Any], dict[str, Any]]] = {
    "survey-csv": ("s.csv", lambda p: _write_csv(p, _plain_rows()), "survey-csv", PLAIN, {}),
    "survey-csv-gb18030": ("s.csv", lambda p: _write_csv(p, _plain_rows(), "gb18030"), "survey-csv", PLAIN, {}),
    "survey-csv-utf16": ("s.csv", lambda p: _write_csv(p, _plain_rows(), "utf-16"), "survey-csv", PLAIN, {}),
    "survey-tsv": (
        "s.tsv",
        lambda p: p.write_text("\n".join("\t".join(r) for r in _plain_rows()).replace("two\nlines", '"two\nlines"')),
        "survey-csv",
        PLAIN,
        {},
    ),
    "survey-jsonl": ("s.jsonl", lambda p: _write_jsonl(p, _plain_rows()), "survey-jsonl", PLAIN, {}),
    "survey-xlsx": ("s.xlsx", lambda p: _write_xlsx(p, _plain_rows()), "survey-xlsx", PLAIN, {}),
    "qualtrics": ("q.csv", lambda p: _write_csv(p, _qualtrics_rows(), "utf-8-sig"), "qualtrics", QUALTRICS, {}),
    "qualtrics-xlsx": ("q.xlsx", lambda p: _write_xlsx(p, _qualtrics_rows()), "qualtrics", QUALTRICS, {}),
    "surveymonkey": (
        "m.csv",
        lambda p: _write_csv(p, _surveymonkey_rows(), "gb18030"),
        "surveymonkey",
        SURVEYMONKEY,
        {"time_zone": "UTC"},
    ),
    "surveymonkey-xlsx": (
        "m.xlsx",
        lambda p: _write_xlsx(p, _surveymonkey_rows()),
        "surveymonkey",
        SURVEYMONKEY,
        {"time_zone": "UTC"},
    ),
}


def _collect(folder: Path, layout: str, host: PluginHost) -> tuple[list[tuple[Any, ...]], list[str], dict[str, int]]:
    name, write, collector, columns, options = LAYOUTS[layout]
    source = {"id": "s", "collector": collector, "path": name, "columns": columns, "options": options}
    if "gb18030" in layout or layout == "surveymonkey":  # too little Chinese text in the file to detect it
        source["encoding"] = "gb18030"
    root = testing.make_programme(folder, sources=[source])
    write(root / name)
    [summary] = cxframe.collect(root, host=host)
    with cxframe.open_store(root / "cxframe.db") as store:
        stored = store.db.execute(
            "SELECT response_id, question, value, timestamp, tz_offset, region, comment, population "
            "FROM observations ORDER BY response_id, question"
        ).fetchall()
        # a repeat names the line its id was first on, which each layout has on a line of its own
        first = re.compile(r" \(first on line \d+\)")
        reasons = sorted(first.sub("", row[0]) for row in store.db.execute("SELECT reason FROM rejects"))
    return stored, reasons, summary.notes


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_same_responses_in_every_layout_store_the_same_observations(tmp_path: Path, layout: str) -> None:
    host = testing.plugin_host(__import__("cxframe_nps"))
    stored, reasons, notes = _collect(tmp_path / layout, layout, host)
    reference, reference_reasons, _ = _collect(tmp_path / "reference", "survey-csv", host)
    assert stored == reference
    assert reasons == reference_reasons
    assert notes == ({"excluded: preview": 1} if layout.startswith("qualtrics") else {})
    assert [row[0] for row in stored] == ["r1", "r2", "r3", "r6"]
    assert reasons == [
        "duplicate response id 'r2'",
        "nps: 11 is outside the scale 0–10",
        "nps: blank",
    ]
    assert ("r3", "nps", 0.0, "2026-03-02T23:59:59.000000Z", "+00:00", "South", "two\nlines", "customer") in stored
    assert stored[-1][6] == "padded"  # stripped


# a collector's own rows (not a workbook: a zip file that openpyxl reads as a whole, nor a delimited file,
# whose blocks pyarrow reads ahead of what it parsed: in a small file, all of them)
@pytest.mark.parametrize("layout", ["survey-jsonl"])
def test_progress_is_reported_as_the_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str) -> None:
    import cxframe.ingestion._delimited as delimited
    import cxframe.ingestion._staged as staged
    from cxframe import SourceReader, ingest

    monkeypatch.setattr(delimited, "ROWS_PER_BATCH", 50)
    monkeypatch.setattr(staged, "CHUNK", 50)
    name, _, collector_id, columns, options = LAYOUTS[layout]
    root = testing.make_programme(tmp_path / "p")
    rows = _plain_rows()
    many = [rows[0]] + [[f"x{n}", *row[1:]] for n in range(5000) for row in rows[1:2]]  # more than pyarrow reads ahead
    _write_jsonl(root / name, many)
    host = testing.plugin_host(__import__("cxframe_nps"))
    seen: list[tuple[int, int]] = []
    with cxframe.open_programme(root, host) as opened:
        reader = SourceReader(
            "s", collector_id, root / name, columns=columns, options=options, programme=opened.programme
        )
        ingest(
            opened.store,
            reader,
            opened.registry.collectors.get(collector_id),
            progress=lambda done, total: seen.append((done, total)),
        )
    size = (root / name).stat().st_size
    assert seen[-1] == (size, size)
    assert any(0 < done < size for done, _ in seen[:-1]), seen  # it moved while the file was read


@pytest.mark.parametrize("in_child", [False, True], ids=["in-process", "child-process"])
@pytest.mark.parametrize("layout", [name for name, spec in sorted(LAYOUTS.items()) if spec[0].endswith(("csv", "tsv"))])
def test_a_quote_left_open_rejects_its_line_and_every_other_row_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str, in_child: bool
) -> None:
    """A line before the last opens a quote that never closes: in every delimited layout and encoding, and read in
    the forked reading process of large files, that line is a reject and the last row is still stored."""
    import cxframe.ingestion._staged as staged

    if in_child:
        monkeypatch.setattr(staged, "CHILD_PROCESS_BYTES", 0)
    host = testing.plugin_host(__import__("cxframe_nps"))
    reference, reference_reasons, _ = _collect(tmp_path / "reference", layout, host)
    name = LAYOUTS[layout][0]
    folder = tmp_path / layout
    original = _collect(folder, layout, host)  # the layout's file, written and collected once
    path = folder / name
    raw = path.read_bytes()
    encoding = "gb18030" if "gb18030" in layout or layout == "surveymonkey" else cxframe.detect_encoding(raw[:4096])
    text = raw.decode(encoding)
    *before, last = text.rstrip("\r\n").splitlines(keepends=True)
    delimiter = "\t" if name.endswith(".tsv") else ","
    broken = last.rstrip("\r\n").replace("r6", "r7", 1).rsplit(delimiter, 1)[0] + delimiter + '"never closes'
    path.write_bytes(("".join(before) + broken + "\n" + last).encode(encoding))
    (folder / "cxframe.db").unlink()
    stored, reasons, _ = _collect_again(folder, host)
    assert original[0] == reference
    assert stored == reference  # r7's line is rejected; r6, on the line after it, is stored
    open_quote = [reason for reason in reasons if reason.startswith("a quote opens a cell on this line and never")]
    assert len(open_quote) == 1 and reasons == sorted(reference_reasons + open_quote)
    # collecting the same file again adds nothing: the same rejects, no more
    [again] = cxframe.collect(folder, host=host)
    assert again.unchanged
    with cxframe.open_store(folder / "cxframe.db") as store:
        assert store.db.execute("SELECT count(*) FROM rejects").fetchone()[0] == len(reasons)


def _collect_again(root: Path, host: PluginHost) -> tuple[list[tuple[Any, ...]], list[str], dict[str, int]]:
    [summary] = cxframe.collect(root, host=host)
    with cxframe.open_store(root / "cxframe.db") as store:
        stored = store.db.execute(
            "SELECT response_id, question, value, timestamp, tz_offset, region, comment, population "
            "FROM observations ORDER BY response_id, question"
        ).fetchall()
        first = re.compile(r" \(first on line \d+\)")
        reasons = sorted(first.sub("", row[0]) for row in store.db.execute("SELECT reason FROM rejects"))
    return stored, reasons, summary.notes


@pytest.mark.parametrize("in_child", [False, True], ids=["in-process", "child-process"])
def test_a_quoted_cell_that_looks_like_it_holds_records_is_one_warning_in_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_child: bool
) -> None:
    """Legal CSV, read as csv reads it, but the user hears that r2 and r3 may have gone into r1's comment."""
    import json

    from click.testing import CliRunner

    import cxframe.ingestion._staged as staged
    from cxframe.cli import cli

    if in_child:
        monkeypatch.setattr(staged, "CHILD_PROCESS_BYTES", 0)
    source = {"id": "s", "collector": "survey-csv", "path": "s.csv", "columns": PLAIN}
    root = testing.make_programme(tmp_path / "p", sources=[source])
    (root / "s.csv").write_text(
        "id,when,region,nps,comment\n"
        'r1,2026-03-01T08:30:05Z,North,10,"opens here\n'
        "r2,2026-03-01T14:00:00Z,South,7,no quote\n"
        'r3,2026-03-02T14:00:00Z,South,7,closes" here\n'
        'r4,2026-03-03T14:00:00Z,South,8,"two\nlines, a comment"\n'
        "r5,2026-03-04T14:00:00Z,East,9,fine\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["-C", str(root), "collect"])
    assert result.exit_code == 0, result.output
    warning = (
        "s.csv: 1 quoted cell spans lines and looks like it holds whole records; it is on line 2: if a quote there "
        "should have closed on its own line, the rows after it are inside the cell and not stored as rows; "
        "close or remove it"
    )
    assert result.stdout.startswith("s: read 3 rows: 3 accepted") and f" — warning: {warning}" in result.stdout
    (root / "s.csv").write_text((root / "s.csv").read_text(encoding="utf-8") + "r6,2026-03-05,East,9,\n", "utf-8")
    result = CliRunner().invoke(cli, ["-C", str(root), "collect", "--json"])
    assert [summary["warnings"] for summary in json.loads(result.stdout)] == [[warning]]
