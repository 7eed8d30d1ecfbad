"""cxframe-nps format readers: each export layout as one streamed table.

Fixtures live in ``fixtures/`` and are written by ``fixtures/make_fixtures.py``;
the expected values below were checked by hand against that script's tables.
"""

from __future__ import annotations

import codecs
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxframe import InvalidInput, Reject, SourceReader
from cxframe_nps.formats import (
    FORMATS,
    SurveyColumn,
    SurveyTable,
    check_format_options,
    choice_value,
    detect_encoding,
    label_value,
    read_csv,
    read_jsonl,
    read_qualtrics,
    read_surveymonkey,
    read_xlsx,
)

FIXTURES = Path(__file__).parent / "fixtures"
NPS_TEXT = "How likely are you to recommend Acme to a friend or colleague?"
MATRIX_TEXT = "How satisfied are you with each of the following?"


def source(path: Path | str, encoding: str | None = None, **options: Any) -> SourceReader:
    return SourceReader(id="survey", collector="survey-csv", path=FIXTURES / path, encoding=encoding, options=options)


#: what the drops of each table read by `rows` left out, by reason (the core counts them in an ingest)
_EXCLUDED: dict[int, tuple[SurveyTable, dict[str, int]]] = {}


def rows(table: SurveyTable) -> list[tuple[int, list[str] | Reject]]:
    """The table's records in line order, as the core takes them: blank ones skipped, dropped ones counted."""
    found: list[tuple[int, list[str] | Reject]] = []
    excluded: dict[str, int] = {}
    with table:
        for batch in table.batches:
            found.extend(batch.rejects)
            cells = [column.to_pylist() for column in batch.columns[: len(table.columns)]]
            for position, line in enumerate(batch.lines.to_pylist()):
                row = [column[position] for column in cells]
                if not any(cell.strip() for cell in row):
                    continue
                drop = next((d for d in table.drops if row[d.column].strip().lower() in d.values), None)
                if drop is not None:
                    reason = drop.note.removeprefix("excluded: ")
                    excluded[reason] = excluded.get(reason, 0) + 1
                    continue
                found.append((line, row))
    _EXCLUDED[id(table)] = (table, excluded)  # the table kept too, so that its id is not another's
    return sorted(found, key=lambda entry: entry[0])


def left_out(table: SurveyTable) -> dict[str, int]:
    entry = _EXCLUDED.get(id(table))
    return entry[1] if entry is not None and entry[0] is table else {}


def data(table: SurveyTable) -> list[tuple[int, list[str]]]:
    """The rows of a table that has no rejects."""
    found = []
    for line, cells in rows(table):
        assert not isinstance(cells, Reject), (line, cells)
        found.append((line, cells))
    return found


def by_column(table: SurveyTable, column: str) -> dict[int, str]:
    """Line → the cell under one column, for the rows that are not rejects."""
    at = table.find(column).index
    return {line: cells[at] for line, cells in rows(table) if not isinstance(cells, Reject)}


# -- plain CSV and its encodings ------------------------------------------------------------------------------------

GENERIC_IDS = ["response_id", "customer_id", "submitted_at", "region", "likely_to_recommend", "satisfaction", "comment"]


def test_csv_columns_rows_and_line_numbers() -> None:
    table = read_csv(source("generic.csv"))
    assert [c.id for c in table.columns] == GENERIC_IDS
    assert [c.index for c in table.columns] == list(range(7))
    assert all(c.text == "" and c.import_id == "" for c in table.columns)
    read = rows(table)
    assert [line for line, _ in read] == [2, 3, 4, 6, 8]  # line 7 is blank; r3's comment spans lines 4-5
    assert read[0][1] == ["r1", "c1", "2026-03-01T10:00:00+08:00", "华东", "10", "5", "服务很好，下次还会再来"]
    assert read[2][1][6] == 'Great, "really" fast\nand friendly'
    assert read[3][1] == ["r4", "c4", "2026-03-04T16:45:00Z", "South", "", "2", ""]
    assert read[4][1] == Reject("expected 7 fields, found 6", "r5,c5,2026-03-05T08:00:00Z,South,7,4")
    assert left_out(table) == {}


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("generic_utf8_bom.csv", None),  # the BOM is sniffed by SourceReader
        ("generic_utf16.csv", None),
        ("generic_gb18030.csv", "gb18030"),
        ("generic_utf8_bom.csv", "utf-8"),  # a BOM read as plain UTF-8 must not stick to the first id
    ],
)
def test_encoded_variants_read_the_same_as_utf8(name: str, encoding: str | None) -> None:
    expected = rows(read_csv(source("generic.csv")))
    table = read_csv(source(name, encoding))
    assert [c.id for c in table.columns] == GENERIC_IDS
    assert rows(table) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("generic.csv", "utf-8"),
        ("generic_utf8_bom.csv", "utf-8-sig"),
        ("generic_utf16.csv", "utf-16"),
        ("generic_gb18030.csv", "gb18030"),
        ("qualtrics_numeric.csv", "utf-8-sig"),
    ],
)
def test_detect_encoding_of_each_fixture(name: str, expected: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    assert detect_encoding(raw) == expected
    if name.startswith("generic"):
        assert raw.decode(expected) == (FIXTURES / "generic.csv").read_text("utf-8")


def test_detected_gb18030_decodes_to_the_right_text() -> None:
    raw = (FIXTURES / "generic_gb18030.csv").read_bytes()
    table = read_csv(source("generic_gb18030.csv", detect_encoding(raw)))
    assert by_column(table, "comment")[3] == "等待时间太长了，客服也没有及时回复"


def test_gb18030_read_as_utf8_fails_loudly() -> None:
    raw = (FIXTURES / "generic_gb18030.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    with pytest.raises(InvalidInput, match=r"generic_gb18030\.csv: at or after line \d+: the file is not valid utf-8"):
        rows(read_csv(source("generic_gb18030.csv", "utf-8")))


def test_detect_encoding_refuses_to_guess_when_unsure() -> None:
    # Too little text to tell GB18030 from Korean cp949: undecided, so UTF-8, which then fails loudly.
    assert detect_encoding("id,c\n1,服务很好\n".encode("gb18030")) == "utf-8"
    # Western single-byte text is not GB18030 either; it needs `encoding =` in its source.
    assert detect_encoding("id,c\n1,Très bien servi, café excellent\n".encode("cp1252")) == "utf-8"
    # A UTF-8 character cut off by the end of the sample is still UTF-8.
    text = "id,comment\n1,服务很好\n".encode()
    assert detect_encoding(text[:-3]) == "utf-8"
    assert detect_encoding(b"") == "utf-8"
    assert detect_encoding(codecs.BOM_UTF16_BE + "id".encode("utf-16-be")) == "utf-16"
    assert detect_encoding(codecs.BOM_UTF32_LE + "id".encode("utf-32-le")) == "utf-32"


@pytest.mark.parametrize("declared", ["latin-1", "cp1252", "gb18030"])
def test_a_utf8_file_declared_in_another_encoding_is_an_error_not_mojibake(tmp_path: Path, declared: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,city,note\n1,Zürich,服务很好\n", encoding="utf-8")
    reader = SourceReader(id="s", collector="c", path=path, encoding=declared)
    with pytest.raises(InvalidInput, match=rf"s\.csv: sources\.s\.encoding: the file is UTF-8 .* {declared!r}"):
        rows(read_csv(reader))
    # the encoding it is in, or plain ASCII in any, reads as before
    path.write_bytes("id,city\n1,Zürich\n".encode("cp1252"))
    assert rows(read_csv(SourceReader(id="s", collector="c", path=path, encoding="cp1252"))) == [(2, ["1", "Zürich"])]
    path.write_bytes(b"id,city\n1,Zurich\n")
    assert rows(read_csv(SourceReader(id="s", collector="c", path=path, encoding="latin-1"))) == [(2, ["1", "Zurich"])]
    # UTF-8 that starts only after the first blocks, past any sample
    path.write_text("id,city\n" + "1,Zurich\n" * 300_000 + "2,Zürich\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="the file is UTF-8"):
        rows(read_csv(SourceReader(id="s", collector="c", path=path, encoding=declared)))


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_detected(tmp_path: Path, codec: str) -> None:
    # valid UTF-8 too (NUL is a character): read as such, every other character would be a NUL
    text = (FIXTURES / "generic.csv").read_text(encoding="utf-8")
    assert detect_encoding(text.encode(codec)[:4096]) == codec
    path = tmp_path / "s.csv"
    path.write_bytes(text.encode(codec))
    assert rows(read_csv(SourceReader(id="s", collector="c", path=path))) == rows(read_csv(source("generic.csv")))
    # text without NULs in every other place is not taken for it
    assert detect_encoding(b"id,c\n1,\x00x\n") == "utf-8"
    # nor lost for a character with a zero low byte (一 is U+4E00)
    assert detect_encoding("id,note\n1,一\n2,ok ok ok ok\n".encode(codec)) == codec


def test_csv_reader_streams_and_closes(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,score\n")
        for number in range(200_000):
            handle.write(f"r{number},{number % 11}\n")
    reader = SourceReader(id="big", collector="c", path=path)
    table = read_csv(reader)
    first = next(table.batches)
    assert first.lines[0].as_py() == 2 and [c[0].as_py() for c in first.columns] == ["r0", "0"]
    assert 0 < len(first.lines) < 200_000  # a block, not the file
    table.close()
    with read_csv(reader) as again:
        assert sum(len(batch.lines) for batch in again.batches) == 200_000


def test_csv_structure_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"empty\.csv: the file is empty; expected a header row"):
        read_csv(SourceReader(id="s", collector="c", path=empty))
    blank = tmp_path / "blank.csv"
    blank.write_text("\nid\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"blank\.csv: line 1: expected a header row"):
        read_csv(SourceReader(id="s", collector="c", path=blank))
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text('id,c\nr1,"fine"\nr2,"open\nr3,b\n', encoding="utf-8")
    # a quote left open is a reject of its line (what the user should do included), and the lines after it are read
    (first, fine), (third, reject), (fourth, after) = rows(read_csv(SourceReader(id="s", collector="c", path=unclosed)))
    assert (first, fine, third, fourth, after) == (2, ["r1", "fine"], 3, 4, ["r3", "b"])
    assert isinstance(reject, Reject) and reject.raw == 'r2,"open'
    assert (
        reject.reason.startswith("a quote opens a cell on this line and never closes") and "remove it" in reject.reason
    )
    # a quote followed by more of the cell reads as Python's csv reads it (not strict): one cell, quotes gone
    stray = tmp_path / "stray.csv"
    stray.write_text('id,c\nr1,"a"b\n', encoding="utf-8")
    assert rows(read_csv(SourceReader(id="s", collector="c", path=stray))) == [(2, ["r1", "ab"])]


def test_csv_trailing_empty_cells_and_delimiters(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("id;score;\nr1;9;\nr2;7;;\nr3;8;x\n", encoding="utf-8")
    table = read_csv(SourceReader(id="s", collector="c", path=path, options={"delimiter": ";"}))
    assert [c.id for c in table.columns] == ["id", "score"]
    assert rows(table) == [
        (2, ["r1", "9"]),
        (3, ["r2", "7"]),
        (4, Reject("expected 2 fields, found 3", "r3;8;x")),  # as the file has it
    ]
    tsv = tmp_path / "export.tsv"
    tsv.write_text("id\tscore\nr1\t9\n", encoding="utf-8")
    assert rows(read_csv(SourceReader(id="s", collector="c", path=tsv))) == [(2, ["r1", "9"])]


# -- JSON Lines -----------------------------------------------------------------------------------------------------


def test_jsonl_columns_values_and_rejects() -> None:
    table = read_jsonl(source("generic.jsonl"))
    ids = ["response_id", "submitted_at", "likely_to_recommend", "satisfaction", "comment", "vip", "tags"]
    assert [c.id for c in table.columns] == ids
    read = rows(table)
    assert read[0] == (
        1,
        ["r1", "2026-03-01T10:00:00Z", "10", "4.5", 'Great, "really" fast', "true", '["fast","friendly"]'],
    )
    assert read[1] == (2, ["r2", "2026-03-02T11:30:00Z", "6", "3", "", "false", "[]"])  # 6.0 reads "6"; null reads ""
    assert read[2] == (3, ["r3", "2026-03-03T09:15:00Z", "9", "5", "", "", ""])  # missing keys read ""
    line, bad = read[3]
    assert line == 4 and isinstance(bad, Reject) and bad.reason.startswith("not valid JSON")
    assert bad.raw == '{"response_id": "r4", "likely_to_recommend": 7'
    line, drift = read[4]  # line 5 is blank
    assert line == 6 and isinstance(drift, Reject) and "keys not among the columns: channel" in drift.reason
    assert len(read) == 5


def test_jsonl_fields_option_and_non_objects(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('[1, 2]\n{"id": "a", "score": 9, "extra": 1}\n"text"\n', encoding="utf-8")
    table = read_jsonl(SourceReader(id="s", collector="c", path=path, options={"fields": ["id", "score", "extra"]}))
    assert [c.id for c in table.columns] == ["id", "score", "extra"]
    assert rows(table) == [
        (1, Reject("expected a JSON object, found an array", "[1, 2]")),
        (2, ["a", "9", "1"]),
        (3, Reject("expected a JSON object, found a string", '"text"')),
    ]
    with pytest.raises(InvalidInput, match=r"r\.jsonl: line 1: expected a JSON object .*options\.fields"):
        read_jsonl(SourceReader(id="s", collector="c", path=path))
    empty = tmp_path / "e.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"e\.jsonl: the file is empty"):
        read_jsonl(SourceReader(id="s", collector="c", path=empty))


# -- XLSX -------------------------------------------------------------------------------------------------------------


def test_xlsx_columns_values_and_row_numbers() -> None:
    table = read_xlsx(source("generic.xlsx"))
    ids = ["response_id", "submitted_at", "visit_date", "region", "likely_to_recommend", "satisfaction", "vip"]
    assert [c.id for c in table.columns] == ids
    assert rows(table) == [
        (2, ["r1", "2026-03-01T10:00:05", "2026-02-28", "North", "10", "4.5", "true"]),
        (3, ["r2", "2026-03-02T11:30:00", "2026-03-01", "South", "6", "3", "false"]),  # 6.0 reads "6"
        (4, ["r3", "2026-03-03T00:00:00", "", "华东", "", "0.1", ""]),
        (6, ["r6", "2026-03-06T08:00:00", "2026-03-06", "West", "9", "5", ""]),  # row 5 is blank; short row padded
    ]


def test_xlsx_sheet_option_and_errors(tmp_path: Path) -> None:
    assert rows(read_xlsx(source("generic.xlsx", sheet="Wave 2"))) == [(2, ["w1", "7"])]
    with pytest.raises(
        InvalidInput, match=r"generic\.xlsx: options\.sheet: no worksheet 'Wave 3'; .*'Responses', 'Wave 2'"
    ):
        read_xlsx(source("generic.xlsx", sheet="Wave 3"))
    fake = tmp_path / "old.xlsx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    with pytest.raises(InvalidInput, match=r"old\.xlsx: cannot read the file as an \.xlsx workbook"):
        read_xlsx(SourceReader(id="s", collector="c", path=fake))


# -- Qualtrics -------------------------------------------------------------------------------------------------------


def test_qualtrics_columns() -> None:
    table = read_qualtrics(source("qualtrics_numeric.csv"))
    table.close()
    columns = {c.id: c for c in table.columns}
    assert list(columns)[:3] == ["StartDate", "EndDate", "Status"]  # the BOM is not part of the first id
    assert columns["StartDate"] == SurveyColumn(0, "StartDate", "Start Date", "startDate", "America/Denver")
    assert columns["Status"] == SurveyColumn(2, "Status", "Response Type", "status")
    assert columns["ResponseId"].import_id == "_recordId"
    assert columns["Q1"] == SurveyColumn(17, "Q1", NPS_TEXT, "QID1")
    assert columns["Q1_NPS_GROUP"].import_id == "QID1_NPS_GROUP"
    assert columns["Q2_1"] == SurveyColumn(19, "Q2_1", f"{MATRIX_TEXT} - Speed of service", "QID2_1")
    assert columns["Q2_2"].text == f"{MATRIX_TEXT} - Friendliness of staff"
    assert columns["Q3"].import_id == "QID3_TEXT"
    assert len(table.columns) == 22


@pytest.mark.parametrize(
    ("name", "nps"),
    [
        ("qualtrics_numeric.csv", {4: "10", 6: "6", 10: "0", 11: "8"}),
        ("qualtrics_choice_text.csv", {4: "10 - Extremely likely", 6: "6", 10: "0 - Not at all likely", 11: "8"}),
    ],
)
def test_qualtrics_rows_skip_previews_spam_and_unfinished(name: str, nps: dict[int, str]) -> None:
    reader = source(name)
    table = read_qualtrics(reader)
    assert left_out(table) == {}  # counted as the rows stream
    read = data(table)
    at = {ref: table.find(ref).index for ref in ("ResponseId", "Q1", "Q3")}
    assert {line: cells[at["ResponseId"]] for line, cells in read} == {
        4: "R_1AbCdEfGhIjKlMn",
        6: "R_2BcDeFgHiJkLmNo",
        10: "R_6FgHiJkLmNoPqRs",
        11: "R_7GhIjKlMnOpQrSt",  # Status 4 / "Imported" is a real response
    }
    assert {line: cells[at["Q1"]] for line, cells in read} == nps
    assert read[0][1][at["Q3"]] == 'Great service, "really" fast\nWill come back'
    assert read[2][1][at["Q3"]] == "Très déçu — never again"
    assert left_out(table) == {"preview": 1, "spam": 1, "unfinished": 1}


@pytest.mark.parametrize(
    ("options", "kept", "excluded"),
    [
        ({"include_previews": True}, {4, 6, 7, 10, 11}, {"spam": 1, "unfinished": 1}),
        ({"include_spam": True}, {4, 6, 8, 10, 11}, {"preview": 1, "unfinished": 1}),
        ({"include_unfinished": True}, {4, 6, 9, 10, 11}, {"preview": 1, "spam": 1}),
        ({"include_previews": True, "include_spam": True, "include_unfinished": True}, {4, 6, 7, 8, 9, 10, 11}, {}),
    ],
)
@pytest.mark.parametrize("name", ["qualtrics_numeric.csv", "qualtrics_choice_text.csv"])
def test_qualtrics_include_options(
    name: str, options: dict[str, bool], kept: set[int], excluded: dict[str, int]
) -> None:
    table = read_qualtrics(source(name, **options))
    assert {line for line, _ in rows(table)} == kept
    assert left_out(table) == excluded


QUALTRICS_HEAD = (
    "Status,Finished,ResponseId,Q1\n"
    'Response Type,Finished,Response ID,"How likely are you\nto recommend us?"\n'
    '"{""ImportId"":""status""}","{""ImportId"":""finished""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"\n'
)


def write(tmp_path: Path, name: str, text: str) -> SourceReader:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return SourceReader(id="s", collector="c", path=path)


def test_qualtrics_status_codes_and_labels(tmp_path: Path) -> None:
    body = "".join(
        f"{status},{finished},R_{n},9\n"
        for n, (status, finished) in enumerate(
            [
                ("2", "1"),  # test → test
                ("9", "1"),  # preview spam → preview first
                ("12", "1"),  # imported spam
                ("17", "1"),  # offline preview
                ("16", "1"),  # offline: kept
                ("Survey Preview Spam", "True"),
                ("Survey Test", "TRUE"),
                ("EX", "true"),  # kept
                ("0", "0"),
                ("IP Address", "False"),
                ("0", ""),  # no Finished value: kept
            ]
        )
    )
    reader = write(tmp_path, "q.csv", QUALTRICS_HEAD + body)
    table = read_qualtrics(reader)
    read = data(table)
    assert [cells[2] for _, cells in read] == ["R_4", "R_7", "R_10"]
    assert left_out(table) == {"test": 2, "preview": 3, "spam": 1, "unfinished": 2}
    assert [line for line, _ in read] == [9, 12, 15]  # row 2's text spans lines 2-3, so responses start on line 5
    only_spam = read_qualtrics(
        SourceReader(id="s", collector="c", path=tmp_path / "q.csv", options={"include_spam": True})
    )
    rows(only_spam)
    assert left_out(only_spam) == {"test": 2, "preview": 3, "unfinished": 2}  # preview spam still a preview


def test_qualtrics_structure_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"generic\.csv: line 3: column 'response_id': expected an ImportId cell"):
        read_qualtrics(source("generic.csv"))
    short = write(tmp_path, "short.csv", "StartDate,Q1\nStart Date,Question\n")
    with pytest.raises(
        InvalidInput, match=r"short\.csv: expected the 3 header rows of a Qualtrics export, found only 2"
    ):
        read_qualtrics(short)
    ragged = write(tmp_path, "ragged.csv", 'StartDate,Q1\nStart Date\n"{""ImportId"":""startDate""}",x\n')
    with pytest.raises(InvalidInput, match=r"ragged\.csv: line 2: expected 2 header cells \(as on line 1\), found 1"):
        read_qualtrics(ragged)
    no_ids = write(tmp_path, "noids.csv", "StartDate,Q1\nStart Date,Question\n,\n")
    with pytest.raises(InvalidInput, match=r"noids\.csv: line 3: expected ImportIds"):
        read_qualtrics(no_ids)
    with pytest.raises(InvalidInput, match=r"options\.include_previews: expected true or false, got 'yes'"):
        read_qualtrics(source("qualtrics_numeric.csv", include_previews="yes"))


def test_qualtrics_xlsx(tmp_path: Path) -> None:
    import csv

    import openpyxl

    book = openpyxl.Workbook()
    with (FIXTURES / "qualtrics_numeric.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            book.active.append(row)
    book.save(tmp_path / "q.xlsx")
    table = read_qualtrics(SourceReader(id="s", collector="c", path=tmp_path / "q.xlsx"))
    assert table.find("QID2_2").id == "Q2_2"
    assert [line for line, _ in rows(table)] == [4, 5, 9, 10]  # spreadsheet rows: one row per response
    assert left_out(table) == {"preview": 1, "spam": 1, "unfinished": 1}


# -- SurveyMonkey ----------------------------------------------------------------------------------------------------

SM_IDS = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
    NPS_TEXT,
    f"{MATRIX_TEXT} | Speed of service",
    f"{MATRIX_TEXT} | Friendliness of staff",
    "Which of these channels did you use? (Select all that apply) | Phone",
    "Which of these channels did you use? (Select all that apply) | Web chat",
    "Which of these channels did you use? (Select all that apply) | Other (please specify)",
    "Anything else you'd like to tell us, good or bad?",
]


@pytest.mark.parametrize(
    ("name", "lines", "start"),
    [
        ("surveymonkey.csv", [3, 5, 6], "03/01/2026 10:15:22 AM"),
        ("surveymonkey.xlsx", [3, 4, 5], "2026-03-01T10:15:22"),
    ],
)
def test_surveymonkey_columns_and_rows(name: str, lines: list[int], start: str) -> None:
    table = read_surveymonkey(source(name))
    assert [c.id for c in table.columns] == SM_IDS
    assert table.columns[10].text == f"{MATRIX_TEXT} - Speed of service"
    assert table.columns[9].text == NPS_TEXT
    read = data(table)
    assert [line for line, _ in read] == lines
    first = read[0][1]
    assert first[:3] == ["114112233001", "254001122", start]
    assert first[9:] == ["10", "Very satisfied", "Satisfied", "Phone", "", "", 'Quick, friendly\nand "on point"']
    assert read[2][1][14] == "In store"


def test_surveymonkey_structure_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"sm\.csv: line 1: the first header cell is blank"):
        read_surveymonkey(write(tmp_path, "sm.csv", ",Q\n,Response\n1,2\n"))
    with pytest.raises(InvalidInput, match=r"one\.csv: expected the 2 header rows of a SurveyMonkey export"):
        read_surveymonkey(write(tmp_path, "one.csv", "Respondent ID,Q\n"))


# -- find --------------------------------------------------------------------------------------------------------------


def test_find_by_id_import_id_and_text() -> None:
    table = read_qualtrics(source("qualtrics_choice_text.csv"))
    table.close()
    assert table.find("Q2_1").index == 19
    assert table.find(" QID2_1 ").index == 19  # ImportId, surrounding spaces ignored
    assert table.find("QID3_TEXT").id == "Q3"
    assert table.find("Response ID").id == "ResponseId"  # question text (row 2)
    assert table.find(f"{MATRIX_TEXT} - Friendliness of staff").id == "Q2_2"


def test_find_prefers_ids_and_reports_ambiguity(tmp_path: Path) -> None:
    table = read_csv(write(tmp_path, "dup.csv", "id,score,score,note\n"))
    table.close()
    with pytest.raises(
        InvalidInput, match=r"dup\.csv: column 'score' is ambiguous: .*'score' \(column 2\), 'score' \(column 3\)"
    ):
        table.find("score")
    sm = read_surveymonkey(source("surveymonkey.csv"))
    sm.close()
    assert sm.find(NPS_TEXT).index == 9


def test_find_not_found_names_file_ref_and_ids() -> None:
    table = read_qualtrics(source("qualtrics_numeric.csv"))
    table.close()
    with pytest.raises(InvalidInput) as caught:
        table.find("Q9")
    message = str(caught.value)
    assert message.startswith(f"{FIXTURES / 'qualtrics_numeric.csv'}: no column 'Q9'")
    assert "'StartDate', 'EndDate'" in message and "'Q3'" in message
    sm = read_surveymonkey(source("surveymonkey.csv"))
    sm.close()
    with pytest.raises(InvalidInput, match=r"did you mean .*Speed of service' or .*Friendliness of staff'\?"):
        sm.find(MATRIX_TEXT)  # a matrix question is several columns: name one


# -- answer values -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10 - Extremely likely", 10.0),
        ("0 - Not at all likely", 0.0),
        ("10 - extremely likely", 10.0),
        ("7", 7.0),
        (" 7 ", 7.0),
        ("4.5", 4.5),
        ("1 = Very dissatisfied", 1.0),
        ("4) Agree", 4.0),
        ("5 stars", 5.0),
        ("10–Extremely likely", 10.0),
        ("Very satisfied", None),
        ("", None),
        ("   ", None),
        ("5-7 days", None),  # a range, not a score
        ("10%", None),
        ("2nd", None),
        ("Extremely likely 10", None),
    ],
)
def test_choice_value(text: str, value: float | None) -> None:
    assert choice_value(text) == value


LABEL = st.text(alphabet=string.ascii_letters + " '", min_size=1, max_size=30).filter(lambda s: s.strip())


@given(score=st.integers(min_value=0, max_value=10), label=LABEL, separator=st.sampled_from([" - ", "-", " – ", ": "]))
def test_choice_value_reads_the_leading_point_of_any_label(score: int, label: str, separator: str) -> None:
    assert choice_value(f"{score}{separator}{label.strip()}") == float(score)
    assert choice_value(str(score)) == float(score)


@given(label=LABEL)
def test_choice_value_is_none_without_a_leading_number(label: str) -> None:
    assert choice_value(label) is None


CSAT = {"Very dissatisfied": 1, "Dissatisfied": 2, "Neither satisfied nor dissatisfied": 3, "Satisfied": 4}
CSAT["Very satisfied"] = 5


def test_label_value() -> None:
    assert label_value("Very satisfied", CSAT) == 5.0
    assert label_value("  satisfied ", CSAT) == 4.0  # case and spacing
    assert label_value("neither  satisfied nor dissatisfied", CSAT) == 3.0
    assert label_value("Somewhat satisfied", CSAT) is None  # never fuzzier than case and spaces
    assert label_value("", CSAT) is None
    assert label_value("Yes", {"Yes": 1.5}) == 1.5


def test_choice_text_export_maps_with_labels() -> None:
    table = read_qualtrics(source("qualtrics_choice_text.csv"))
    speed = by_column(table, "Q2_1")
    assert {line: label_value(text, CSAT) for line, text in speed.items()} == {4: 5.0, 6: 2.0, 10: 1.0, 11: 4.0}


# -- options and registry ------------------------------------------------------------------------------------------------


def test_check_format_options() -> None:
    good = source(
        "generic.csv",
        include_previews=True,
        sheet="Wave 2",
        delimiter=";",
        fields=["a"],
        labels={"csat": {"Very satisfied": 5, "Satisfied": 4.5}},
    )
    assert list(check_format_options(good)) == []
    bad = source(
        "generic.csv",
        include_spam="yes",
        sheet=2,
        delimiter=";;",
        fields="a",
        labels={"csat": {"Very satisfied": "5"}, "ces": []},
    )
    assert list(check_format_options(bad)) == [
        "options.include_spam: expected true or false",
        "options.sheet: expected the name of a worksheet",
        'options.delimiter: expected one character, e.g. ";" or "\\t"',
        "options.fields: expected a list of key names",
        "options.labels.csat.'Very satisfied': expected a number, got '5'",
        'options.labels.ces: expected a table of "label" = value',
    ]


def test_formats_registry() -> None:
    expected = {"csv", "jsonl", "xlsx", "qualtrics", "surveymonkey"}
    assert set(FORMATS) == expected
    assert FORMATS["qualtrics"] is read_qualtrics and FORMATS["surveymonkey"] is read_surveymonkey
