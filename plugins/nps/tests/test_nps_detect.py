"""Recognising exports (#21, item 5): ``cxframe collect FILE`` without a mapping, ``cxframe init --from``.

The exports are written here in their real layouts (Qualtrics: column ids,
question texts, ImportIds; SurveyMonkey: questions, then "Response" and
sub-questions), in English and Chinese and in every encoding the ingestion
detects. Detection must find the collector, the NPS question, the response
id, the time and the obvious segments — and store what the explicit mapping
stores — or decline and ask, never guess.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
from pathlib import Path
from typing import Any

import pytest

import cxframe
from cxframe import InvalidInput, PluginHost, testing

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "gb18030"]
LANGUAGES = ["en", "zh"]

TEXTS = {
    "en": {
        "nps": "How likely are you to recommend Acme to a friend or colleague?",
        "csat": "How satisfied are you with the speed of service?",
        "comment": "Is there anything else you would like to tell us?",
        "region": "Region",
        "regions": ["North", "South", "East"],
    },
    "zh": {
        "nps": "您向朋友或同事推荐我们的可能性有多大？",
        "csat": "您对服务速度的满意程度如何？",
        "comment": "您还有什么想告诉我们的吗？",
        "region": "地区",
        "regions": ["华东", "华南", "华北"],
    },
}
#: (response id, recorded, status, finished, nps, csat, region index, channel, comment)
ROWS = [
    ("R_1", "2026-03-01 10:18:40", "0", "1", "10", "5", 0, "email", "Great service"),
    ("R_2", "2026-03-01 12:03:45", "0", "1", "6", "2", 1, "anonymous", "Too slow at the counter"),
    ("R_3", "2026-03-02 08:00:36", "1", "1", "9", "4", 2, "email", "test run"),
    ("R_4", "2026-03-02 09:41:51", "0", "1", "3", "1", 0, "anonymous", "服务很好，但是等待时间太长了"),
    ("R_5", "2026-03-03 16:20:00", "0", "0", "8", "3", 1, "email", ""),
    ("R_6", "2026-03-04 11:11:11", "0", "1", "7", "4", 2, "anonymous", "还可以，下次再来"),
]


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return testing.plugin_host(__import__("cxframe_nps"))


def _write(path: Path, rows: list[list[str]], encoding: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def qualtrics_rows(language: str, nps_groups: int = 1) -> list[list[str]]:
    text = TEXTS[language]
    meta = [
        ("StartDate", "Start Date" if language == "en" else "开始日期", {"ImportId": "startDate", "timeZone": "UTC"}),
        ("EndDate", "End Date" if language == "en" else "结束日期", {"ImportId": "endDate", "timeZone": "UTC"}),
        ("Status", "Response Type" if language == "en" else "回复类型", {"ImportId": "status"}),
        ("IPAddress", "IP Address" if language == "en" else "IP 地址", {"ImportId": "ipAddress"}),
        ("Finished", "Finished" if language == "en" else "已完成", {"ImportId": "finished"}),
        ("RecordedDate", "Recorded Date" if language == "en" else "记录日期", {"ImportId": "recordedDate", "timeZone": "UTC"}),
        ("ResponseId", "Response ID" if language == "en" else "回复 ID", {"ImportId": "_recordId"}),
        ("DistributionChannel", "Distribution Channel" if language == "en" else "分发渠道", {"ImportId": "distributionChannel"}),
        ("UserLanguage", "User Language" if language == "en" else "用户语言", {"ImportId": "userLanguage"}),
    ]  # fmt: skip
    questions = [
        ("Q1", text["nps"], {"ImportId": "QID1"}),
        ("Q1_NPS_GROUP", f"{text['nps']} - Group", {"ImportId": "QID1_NPS_GROUP"}),
        ("Q2", text["csat"], {"ImportId": "QID2"}),
        ("Q3", text["comment"], {"ImportId": "QID3_TEXT"}),
        ("Region", "Region", {"ImportId": "Region"}),
    ]
    if nps_groups == 2:
        questions += [
            ("Q4", text["nps"], {"ImportId": "QID4"}),
            ("Q4_NPS_GROUP", "Group", {"ImportId": "QID4_NPS_GROUP"}),
        ]
    header = meta + questions
    rows = [[c[0] for c in header], [c[1] for c in header], [json.dumps(c[2]) for c in header]]
    for rid, when, status, finished, nps, csat, region, channel, comment in ROWS:
        group = "3" if int(nps) >= 9 else "2" if int(nps) >= 7 else "1"
        cells = [when, when, status, "203.0.113.7", finished, when, rid, channel, "EN", nps, group, csat, comment]
        cells.append(text["regions"][region])
        if nps_groups == 2:
            cells += [nps, group]
        rows.append(cells)
    return rows


def surveymonkey_rows(
    language: str, nps_question: str | None = None, extra: list[str] | None = None
) -> list[list[str]]:
    text = TEXTS[language]
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address"]
    nps_question = text["nps"] if nps_question is None else nps_question
    region_question = "Which region are you in?" if language == "en" else "您所在的地区？"
    questions = [nps_question, text["csat"], "", region_question, text["comment"]]
    subs = ["Response", "Speed", "Friendliness", "Response", "Open-Ended Response"]
    for question in extra or []:
        questions.append(question)
        subs.append("Response")
    rows = [meta + questions, [""] * len(meta) + subs]
    for number, (_, when, _, _, nps, csat, region, _, comment) in enumerate(ROWS):
        day, time = when.split()
        year, month, date = day.split("-")
        stamp = f"{month}/{date}/{year} {time}"
        cells = [str(114112233000 + number), "254001122", stamp, stamp, "203.0.113.7", ""]
        cells += [nps, csat, str(5 - int(csat) % 5), text["regions"][region], comment]
        cells += [nps for _ in extra or []]
        rows.append(cells)
    return rows


def _mapping(detection: cxframe.Detection) -> dict[str, Any]:
    return {"collector": detection.collector, **detection.columns}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_qualtrics_export_is_recognised(tmp_path: Path, host: PluginHost, language: str, encoding: str) -> None:
    file = _write(tmp_path / "export.csv", qualtrics_rows(language), encoding)
    detection = cxframe.detect_source(file, host=host)
    assert _mapping(detection) == {
        "collector": "qualtrics",
        "response_id": "ResponseId",
        "timestamp": "RecordedDate",
        "questions": {"nps": "Q1"},
        "segments": {"region": "Region", "distribution_channel": "DistributionChannel"},
    }
    shown = "\n".join(detection.describe("export.csv"))
    assert "Q1_NPS_GROUP companion" in shown
    assert "UserLanguage" in shown and "Q2" in shown and "Q3" in shown  # left out, and said so


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_surveymonkey_export_is_recognised(tmp_path: Path, host: PluginHost, language: str, encoding: str) -> None:
    file = _write(tmp_path / "export.csv", surveymonkey_rows(language), encoding)
    detection = cxframe.detect_source(file, host=host)
    region = "Which region are you in?" if language == "en" else "您所在的地区？"
    assert _mapping(detection) == {
        "collector": "surveymonkey",
        "response_id": "Respondent ID",
        "timestamp": "End Date",
        "questions": {"nps": TEXTS[language]["nps"]},
        "segments": {"region": region},
    }
    assert any(TEXTS[language]["comment"] in line for line in detection.left_out)


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("layout", ["qualtrics", "surveymonkey"])
@pytest.mark.parametrize("kind", ["tsv", "xlsx"])
def test_tab_separated_and_workbook_exports_are_recognised(
    tmp_path: Path, host: PluginHost, layout: str, kind: str
) -> None:
    rows = qualtrics_rows("zh") if layout == "qualtrics" else surveymonkey_rows("zh")
    if kind == "xlsx":
        file = _workbook(tmp_path / "export.xlsx", rows)
    else:  # Qualtrics' tab-separated export is UTF-16 with a byte-order mark
        buffer = io.StringIO()
        csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(rows)
        file = tmp_path / "export.tsv"
        file.write_bytes(buffer.getvalue().encode("utf-16"))
    detection = cxframe.detect_source(file, host=host)
    assert detection.collector == layout and detection.sure
    assert detection.columns["questions"] == {"nps": "Q1" if layout == "qualtrics" else TEXTS["zh"]["nps"]}
    root = testing.make_programme(tmp_path / "p")
    [summary] = cxframe.collect(root, [str(file)], host=host)
    assert summary.collector == layout and summary.records_stored == (4 if layout == "qualtrics" else 6)


def _observations(root: Path) -> list[tuple[Any, ...]]:
    rows = testing.read_table(root, "observations")
    fields = ("source", "question", "value", "timestamp", "response_id", "respondent_id", "segments")
    return sorted(tuple(str(row.get(field)) for field in fields) for row in rows)


@pytest.mark.parametrize(
    ("layout", "rows"),
    [("qualtrics", qualtrics_rows("zh")), ("surveymonkey", surveymonkey_rows("en")), ("survey-csv", None)],
)
def test_collect_without_a_mapping_stores_what_the_explicit_mapping_stores(
    tmp_path: Path, host: PluginHost, layout: str, rows: list[list[str]] | None
) -> None:
    file = tmp_path / "exports" / "answers.csv"
    file.parent.mkdir()
    if rows is None:
        file.write_text(
            "response_id,submitted_at,region,nps,comment\n"
            "a1,2026-03-01T10:00:00Z,North,10,great\na2,2026-03-02T10:00:00Z,South,3,\n"
            "a3,2026-03-03T10:00:00Z,North,8,fine\n",
            encoding="utf-8",
        )
    else:
        _write(file, rows, "gb18030")
    detected, explicit = testing.make_programme(tmp_path / "a"), testing.make_programme(tmp_path / "b")
    result = testing.invoke(["-C", str(detected), "collect", str(file)], host=host)
    assert result.exit_code == 0, result.output
    assert f"read with collector '{layout}'" in result.stderr and "took: " in result.stderr
    command = shlex.split(cxframe.detect_source(file, host=host).command(str(file)))
    assert command[:2] == ["cxframe", "collect"] and "--collector" in command
    result = testing.invoke(["-C", str(explicit), *command[1:]], host=host)
    assert result.exit_code == 0, result.output
    stored = _observations(detected)
    assert stored and stored == _observations(explicit)


def test_the_segments_of_detected_responses_are_stored(tmp_path: Path, host: PluginHost) -> None:
    file = _write(tmp_path / "export.csv", qualtrics_rows("zh"), "utf-16")
    root = testing.make_programme(tmp_path / "p")
    assert testing.invoke(["-C", str(root), "collect", str(file)], host=host).exit_code == 0
    measured = cxframe.measure(root, metrics=["nps"], by=["region"], host=host)
    assert {result.segment.get("region") for result in measured} == {"华东", "华南", "华北"}
    # previews and unfinished responses are left out as the qualtrics collector does: 4 of 6 responses
    assert sum(result.n for result in measured) == 4


# -- files that look like exports but are not: detection declines -------------------------------------------------


def _declines(file: Path, host: PluginHost, *expected: str) -> str:
    with pytest.raises(InvalidInput) as raised:
        cxframe.detect_source(file, host=host)
    message = " ".join(raised.value.messages)
    assert str(file) in message and "--collector" in message, message
    for text in expected:
        assert text in message, message
    return message


def test_three_header_rows_that_are_not_qualtrics_are_not_recognised(tmp_path: Path, host: PluginHost) -> None:
    rows = [
        ["id", "when", "score"],
        ["Identifier", "Date of visit", "Score out of 10"],
        ["text", "date", "integer"],
        ["1", "2026-03-01", "7"],
    ]
    _declines(_write(tmp_path / "three.csv", rows, "utf-8"), host, "not recognised")


def test_a_0_to_10_question_not_about_recommending_is_not_taken_as_nps(tmp_path: Path, host: PluginHost) -> None:
    rows = surveymonkey_rows("en", nps_question="How would you rate the checkout, 0 to 10?")
    _declines(_write(tmp_path / "sm.csv", rows, "utf-8"), host, "recommend", "--collector surveymonkey")


def test_two_candidate_nps_questions_are_not_guessed(tmp_path: Path, host: PluginHost) -> None:
    two = surveymonkey_rows("zh", extra=["您向家人推荐我们的可能性有多大？"])
    _declines(_write(tmp_path / "sm.csv", two, "utf-8"), host, "say which is nps")
    _declines(_write(tmp_path / "q.csv", qualtrics_rows("en", nps_groups=2), "utf-8"), host, "2 NPS questions")
    plain = "id,when,nps,nps_2025\n1,2026-03-01T10:00:00Z,7,8\n"
    (tmp_path / "plain.csv").write_text(plain, encoding="utf-8")
    _declines(tmp_path / "plain.csv", host, "say which is nps")


def test_collect_declines_with_the_mapping_to_give_and_stores_nothing(tmp_path: Path, host: PluginHost) -> None:
    file = _write(tmp_path / "sm.csv", surveymonkey_rows("en", nps_question="Rate us, 0 to 10"), "utf-8")
    root = testing.make_programme(tmp_path / "p")
    result = testing.invoke(["-C", str(root), "collect", str(file)], host=host)
    assert result.exit_code == 1
    # nothing guessed: the NPS question is left for the user to name
    assert "not sure" in result.stderr and "--column questions.nps=COLUMN" in result.stderr
    assert "--collector surveymonkey" in result.stderr and "Traceback" not in result.output
    assert not (root / "cxframe.db").exists() or not testing.read_table(root, "observations")


# -- item 4: a Qualtrics export given to survey-csv -------------------------------------------------------------------


def test_a_qualtrics_export_read_as_a_plain_csv_is_an_error_naming_qualtrics(tmp_path: Path, host: PluginHost) -> None:
    file = _write(tmp_path / "export.csv", qualtrics_rows("en"), "utf-8-sig")
    root = testing.make_programme(tmp_path / "p")
    args = ["-C", str(root), "collect", str(file), "--collector", "survey-csv"]
    result = testing.invoke([*args, "--column", "timestamp=RecordedDate", "--column", "questions.nps=Q1"], host=host)
    assert result.exit_code == 1
    assert "Qualtrics export" in result.stderr and '"qualtrics"' in result.stderr
    assert not testing.read_table(root, "observations")


def test_validate_names_qualtrics_for_a_declared_source_read_with_survey_csv(tmp_path: Path, host: PluginHost) -> None:
    root = tmp_path / "p"
    root.mkdir()
    _write(root / "export.csv", qualtrics_rows("zh"), "gb18030")
    sources = [
        {
            "id": "nps",
            "collector": "survey-csv",
            "path": "export.csv",
            "columns": {"timestamp": "RecordedDate", "questions": {"nps": "Q1"}},
        }
    ]
    testing.make_programme(root, sources=sources)
    problems = cxframe.validate(root, host=host)
    assert len(problems) == 1 and "Qualtrics export" in problems[0] and 'collector = "qualtrics"' in problems[0]
    with pytest.raises(InvalidInput, match="Qualtrics export"):
        cxframe.collect(root, host=host)


# -- cxframe init --from ----------------------------------------------------------------------------------------------


def test_init_from_writes_the_detected_sources_ready_to_collect(tmp_path: Path, host: PluginHost) -> None:
    root = tmp_path / "programme"
    (root / "exports").mkdir(parents=True)
    qualtrics = _write(root / "exports" / "NPS Q1.csv", qualtrics_rows("en"), "utf-16")
    monkey = _write(tmp_path / "monkey.csv", surveymonkey_rows("zh"), "gb18030")
    result = testing.invoke(["init", str(root), "--from", str(qualtrics), "--from", str(monkey)], host=host)
    assert result.exit_code == 0, result.output
    text = (root / "cxframe.toml").read_text(encoding="utf-8")
    assert 'id = "nps-q1"' in text and 'path = "exports/NPS Q1.csv"' in text and 'collector = "qualtrics"' in text
    assert 'id = "monkey"' in text and f'path = "{monkey.as_posix()}"' in text
    assert cxframe.validate(root, host=host) == []
    summaries = cxframe.collect(root, host=host)
    assert [s.source for s in summaries] == ["nps-q1", "monkey"]
    assert all(s.records_stored > 0 for s in summaries)


def test_init_from_an_unrecognised_file_names_it_and_writes_nothing(tmp_path: Path, host: PluginHost) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    result = testing.invoke(["init", str(tmp_path / "p"), "--from", str(odd)], host=host)
    assert result.exit_code == 1
    assert str(odd) in result.stderr
    assert not (tmp_path / "p" / "cxframe.toml").exists()


def test_a_file_in_an_encoding_that_is_not_detected_asks_for_the_encoding(tmp_path: Path, host: PluginHost) -> None:
    file = tmp_path / "answers.csv"
    file.write_bytes("id,submitted_at,region,nps\n1,2026-03-01T10:00:00Z,Zürich,9\n".encode("cp1252"))
    with pytest.raises(InvalidInput) as raised:
        cxframe.detect_source(file, host=host)
    [message] = raised.value.messages
    assert "line 1: the file is not valid utf-8" in message and f"cxframe collect {file} --encoding" in message
    assert cxframe.detect_source(file, encoding="cp1252", host=host).columns["questions"] == {"nps": "nps"}


def test_a_name_that_is_neither_a_file_nor_a_source_says_so(tmp_path: Path, host: PluginHost) -> None:
    root = testing.make_programme(tmp_path / "p")
    result = testing.invoke(["-C", str(root), "collect", "survy"], host=host)
    assert result.exit_code == 1
    assert "survy: no such file, and not a source of the programme" in result.stderr


def test_init_from_the_same_file_twice_is_refused(tmp_path: Path, host: PluginHost) -> None:
    file = _write(tmp_path / "q.csv", qualtrics_rows("en"), "utf-8")
    with pytest.raises(InvalidInput, match="given twice"):
        cxframe.init_programme(tmp_path / "p", from_files=[file, str(file)], host=host)
    assert not (tmp_path / "p").exists()


# -- a few spoiled answers (new-user report, item 1) -------------------------------------------------------------------


def _plain_export(path: Path, rows: int, spoil: dict[int, tuple[str, str]]) -> Path:
    """A plain CSV of ``rows`` responses; ``spoil`` puts {line: (column, value)} in place of the good cell."""
    lines = ["response_id,submitted_at,region,likely_to_recommend"]
    for i in range(rows):
        line = len(lines) + 1
        cells = {
            "response_id": f"R{i}",
            "submitted_at": f"2026-03-{1 + i % 28:02d}T10:00:00Z",
            "region": ["North", "South"][i % 2],
            "likely_to_recommend": str(i % 11),
        }
        if line in spoil:
            column, value = spoil[line]
            cells[column] = value
        lines.append(",".join(cells.values()))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_few_answers_off_the_scale_do_not_stop_detection_and_become_rejects(tmp_path: Path, host: PluginHost) -> None:
    file = _plain_export(
        tmp_path / "bank.csv",
        400,
        {152: ("likely_to_recommend", "11"), 301: ("likely_to_recommend", "N/A"), 77: ("submitted_at", "yesterday")},
    )
    detection = cxframe.detect_source(file, host=host)
    assert detection.sure and detection.columns["questions"] == {"nps": "likely_to_recommend"}
    assert detection.columns["timestamp"] == "submitted_at"
    took = "\n".join(detection.took)
    assert "'11' on line 152, 'N/A' on line 301: a reject each when collected" in took
    # init --from writes the entry; collecting it keeps the good answers and rejects the spoiled ones by line
    root = tmp_path / "p"
    result = testing.invoke(["init", str(root), "--from", str(file)], host=host)
    assert result.exit_code == 0, result.output
    [summary] = cxframe.collect(root, host=host)
    assert summary.rows_rejected == 3
    assert {row["line"] for row in testing.read_table(root, "rejects")} == {77, 152, 301}


def test_a_spoiled_answer_in_a_small_file_is_named_with_its_column_and_line(tmp_path: Path, host: PluginHost) -> None:
    # three answers leave none to spare: the doubt says which column, which answer and which line
    file = _plain_export(tmp_path / "small.csv", 3, {4: ("likely_to_recommend", "11")})
    result = testing.invoke(["init", str(tmp_path / "p"), "--from", str(file)], host=host)
    assert result.exit_code == 1
    assert (
        "column 'likely_to_recommend' is named like NPS, but 1 of its first 3 answers is not a whole number 0–10 "
        "('11' on line 4)" in result.stderr
    )
    # the mapping to give has the column filled in
    assert "--column questions.nps=likely_to_recommend" in result.stderr
    assert not (tmp_path / "p" / "cxframe.toml").exists()


def test_a_column_named_like_nps_with_mostly_other_answers_is_not_taken(tmp_path: Path, host: PluginHost) -> None:
    file = tmp_path / "labels.csv"
    file.write_text(
        "submitted_at,nps_comment\n2026-03-01T10:00:00Z,great\n2026-03-02T10:00:00Z,slow\n2026-03-03T10:00:00Z,9\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match="not recognised as an export"):
        cxframe.detect_source(file, host=host)
