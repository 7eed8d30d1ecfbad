"""cxframe-nps: every survey collector end to end, from export file to stored observations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import cxframe
import cxframe_nps
from cxframe import InvalidInput, testing

FIXTURES = Path(__file__).parent / "fixtures"
QUALTRICS = {"questions": {"nps": "Q1", "csat": "QID2_1"}, "comment": "Q3"}
QUALTRICS_LABELS = {
    "csat": {
        "Very dissatisfied": 1,
        "Dissatisfied": 2,
        "Neither satisfied nor dissatisfied": 3,
        "Satisfied": 4,
        "Very satisfied": 5,
    }
}


def collect(
    tmp_path: Path, fixture: str, collector: str, columns: dict, **source: object
) -> tuple[Path, cxframe.IngestSummary]:
    root = testing.make_programme(
        tmp_path / "p",
        sources=[{"id": "s", "collector": collector, "path": fixture, "columns": columns, **source}],
    )
    shutil.copy(FIXTURES / fixture, root / fixture)
    [summary] = cxframe.collect(root, host=testing.plugin_host(cxframe_nps))
    return root, summary


def answers(root: Path) -> dict[tuple[str, str], float]:
    return {(r["response_id"], r["question"]): r["value"] for r in testing.read_table(root, "observations")}


def test_qualtrics_numeric_and_choice_text_exports_give_the_same_observations(tmp_path: Path) -> None:
    numeric_root, numeric = collect(tmp_path / "n", "qualtrics_numeric.csv", "qualtrics", QUALTRICS)
    text_root, text = collect(
        tmp_path / "t", "qualtrics_choice_text.csv", "qualtrics", QUALTRICS, options={"labels": QUALTRICS_LABELS}
    )
    assert answers(numeric_root) == answers(text_root)
    assert answers(numeric_root)["R_1AbCdEfGhIjKlMn", "nps"] == 10.0
    # previews, spam and unfinished responses are left out, and counted
    assert numeric.notes == text.notes
    assert {key for key in numeric.notes} >= {"excluded: preview", "excluded: spam", "excluded: unfinished"}
    assert "excluded: preview" in numeric.describe()


@pytest.mark.parametrize("ref", ["Q1_NPS_GROUP", "QID1_NPS_GROUP"])
def test_mapping_a_question_to_the_qualtrics_nps_group_is_an_error(tmp_path: Path, ref: str) -> None:
    # its codes 1-3 (detractor, passive, promoter) would read as scores of 1-3: every answer a detractor
    with pytest.raises(InvalidInput, match=r"columns.questions.nps: column 'Q1_NPS_GROUP' holds Qualtrics' NPS group"):
        collect(tmp_path, "qualtrics_numeric.csv", "qualtrics", {"questions": {"nps": ref}})


def test_qualtrics_times_are_read_in_the_export_time_zone(tmp_path: Path) -> None:
    root, _ = collect(tmp_path, "qualtrics_numeric.csv", "qualtrics", QUALTRICS)
    first = next(r for r in testing.read_table(root, "observations") if r["response_id"] == "R_1AbCdEfGhIjKlMn")
    # 2026-03-01 10:18:40 in America/Denver (UTC-7 in March before DST)
    assert first["timestamp"] == "2026-03-01T17:18:40.000000Z" and first["tz_offset"] == "-07:00"
    assert first["comment"] == 'Great service, "really" fast\nWill come back'


def test_surveymonkey_export(tmp_path: Path) -> None:
    columns = {
        "questions": {
            "nps": "How likely are you to recommend Acme to a friend or colleague?",
            "csat": "How satisfied are you with each of the following? | Speed of service",
        }
    }
    root, summary = collect(tmp_path, "surveymonkey.csv", "surveymonkey", columns, options={"labels": QUALTRICS_LABELS})
    found = answers(root)
    assert found["114112233001", "nps"] == 10.0 and found["114112233001", "csat"] == 5.0
    assert found["114112233002", "csat"] == 2.0
    row = next(r for r in testing.read_table(root, "observations") if r["response_id"] == "114112233001")
    assert row["timestamp"] == "2026-03-01T10:18:40.000000Z"  # End Date, month/day/year with AM/PM
    assert summary.rows_read >= 3


def test_a_time_with_no_utc_equivalent_rejects_its_row_not_the_source(tmp_path: Path) -> None:
    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {
                "id": "s",
                "collector": "survey-jsonl",
                "path": "s.jsonl",
                "columns": {"response_id": "id", "timestamp": "when", "questions": {"nps": "ltr"}},
            }
        ],
    )
    (root / "s.jsonl").write_text(
        '{"id": "a", "when": "2026-03-01T00:00:00Z", "ltr": 9}\n'
        '{"id": "b", "when": "0001-01-01T00:00:00+01:00", "ltr": 9}\n'
        '{"id": "c", "when": "9999-12-31T23:59:59-05:00", "ltr": 9}\n',
        encoding="utf-8",
    )
    [summary] = cxframe.collect(root, host=testing.plugin_host(cxframe_nps))
    assert (summary.rows_accepted, summary.rows_rejected) == (1, 2)
    reasons = {(r["line"], r["reason"]) for r in testing.read_table(root, "rejects")}
    assert reasons == {
        (2, "timestamp '0001-01-01T00:00:00+01:00' is out of range in UTC"),
        (3, "timestamp '9999-12-31T23:59:59-05:00' is out of range in UTC"),
    }


def test_xlsx_and_jsonl_generic_collectors(tmp_path: Path) -> None:
    columns = {
        "response_id": "response_id",
        "timestamp": "submitted_at",
        "comment": "comment",
        "questions": {"nps": "likely_to_recommend"},
    }
    xlsx_columns = {key: value for key, value in columns.items() if key != "comment"}
    xlsx_root, _ = collect(tmp_path / "x", "generic.xlsx", "survey-xlsx", xlsx_columns)
    assert answers(xlsx_root)["r1", "nps"] == 10.0
    jsonl_root, jsonl = collect(tmp_path / "j", "generic.jsonl", "survey-jsonl", columns)
    assert answers(jsonl_root)["r1", "nps"] == 10.0 and answers(jsonl_root)["r2", "nps"] == 6.0
    rejects = testing.read_table(jsonl_root, "rejects")
    assert rejects and all(r["line"] >= 1 and r["reason"] for r in rejects)
    assert jsonl.rows_rejected + jsonl.rows_partial >= 1


@pytest.mark.parametrize("fixture", ["generic.csv", "generic_utf8_bom.csv", "generic_utf16.csv", "generic_gb18030.csv"])
def test_encodings_are_detected_and_text_survives(tmp_path: Path, fixture: str) -> None:
    columns = {
        "response_id": "response_id",
        "timestamp": "submitted_at",
        "comment": "comment",
        "segments": ["region"],
        "questions": {"nps": "likely_to_recommend"},
    }
    root, _ = collect(tmp_path, fixture, "survey-csv", columns)
    rows = {r["response_id"]: r for r in testing.read_table(root, "observations")}
    assert rows["r1"]["comment"] == "服务很好，下次还会再来" and rows["r1"]["region"] == "华东"


def test_a_wrong_encoding_is_an_error_and_stores_nothing(tmp_path: Path) -> None:
    columns = {"response_id": "response_id", "timestamp": "submitted_at", "questions": {"nps": "likely_to_recommend"}}
    with pytest.raises(InvalidInput, match=r"generic_gb18030\.csv: .*not valid utf-8.*set encoding"):
        collect(tmp_path, "generic_gb18030.csv", "survey-csv", columns, encoding="utf-8")
    assert testing.read_table(tmp_path / "p", "observations") == []


def test_every_collector_is_registered() -> None:
    ids = [c.id for c in cxframe_nps.register_collectors()]
    assert ids == ["survey-csv", "survey-jsonl", "survey-xlsx", "qualtrics", "surveymonkey"]
