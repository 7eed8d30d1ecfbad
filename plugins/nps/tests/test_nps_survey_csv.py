"""cxframe-nps: the survey-csv collector and the survey metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cxframe
import cxframe_nps
from cxframe import InvalidInput, testing

HEADER = "id,cust,when,Region,Q1,Q2,note\n"


def make(tmp_path: Path, body: str, columns: dict | None = None) -> Path:
    columns = columns or {
        "response_id": "id",
        "respondent_id": "cust",
        "timestamp": "when",
        "comment": "note",
        "segments": {"region": "Region"},
        "questions": {"nps": "Q1", "csat": "Q2"},
    }
    root = testing.make_programme(
        tmp_path / "p", sources=[{"id": "survey", "collector": "survey-csv", "path": "s.csv", "columns": columns}]
    )
    (root / "s.csv").write_text(HEADER + body, encoding="utf-8")
    return root


def test_rows_become_observations_and_unusable_answers_are_rejected(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        'a,c1,2026-03-01T10:00:00+08:00,North,10,5,"Great, ""really"""\n'
        "b,c2,2026-03-02,South,11,4,\n"
        "c,c3,2026-03-03T00:00:00Z,South,N/A,,\n"
        "d,c4,yesterday,South,5,3,\n"
        "a,c5,2026-03-04T00:00:00Z,South,9,5,\n"
        "e,c6,2026-03-05T00:00:00Z,South,9.5,4.5,\n",
    )
    host = testing.plugin_host(cxframe_nps)
    [summary] = cxframe.collect(root, host=host)
    assert summary.rows_read == 6
    rows = testing.read_table(root, "observations")
    assert {(r["response_id"], r["question"], r["value"]) for r in rows} == {
        ("a", "nps", 10.0),
        ("a", "csat", 5.0),
        ("b", "csat", 4.0),
        ("e", "csat", 4.5),  # a csat of 4.5 may be an average the export made; an NPS answer is a whole number
    }
    first = next(r for r in rows if r["question"] == "nps")
    assert first["timestamp"] == "2026-03-01T02:00:00.000000Z" and first["tz_offset"] == "+08:00"
    assert first["region"] == "North" and first["comment"] == 'Great, "really"'
    reasons = {(r["line"], r["reason"]) for r in testing.read_table(root, "rejects")}
    assert reasons == {
        (3, "nps: 11 is outside the scale 0–10"),
        (4, "nps: not a number: 'N/A'"),
        (4, "csat: blank"),
        (5, "unparsable timestamp 'yesterday' (expected ISO-8601)"),
        (6, "duplicate response id 'a' (first on line 2)"),
        (7, "nps: 9.5 is not one of the whole numbers 0–10"),
    }


def test_a_mapped_column_missing_from_the_header_names_it(tmp_path: Path) -> None:
    root = make(tmp_path, "", {"timestamp": "when", "questions": {"nps": "Q9"}})
    with pytest.raises(
        InvalidInput,
        match=r"s\.csv: source 'survey': columns\.questions\.nps: no column 'Q9'; its columns, closest first: 'Q1', ",
    ):
        cxframe.collect(root, host=testing.plugin_host(cxframe_nps))


def test_validate_reports_every_mapped_column_the_header_lacks(tmp_path: Path) -> None:
    columns = {
        "timestamp": "when",
        "respondent_id": "cust",
        "segments": ["regoin", "Region"],
        "questions": {"nps": "likely_to_recomend", "csat": "Q2"},
    }
    root = make(tmp_path, "", columns)
    (root / "s.csv").write_text("id,cust,submitted,Region,likely_to_recommend,Q2\n", encoding="utf-8")
    problems = cxframe.validate(root, host=testing.plugin_host(cxframe_nps))
    assert len(problems) == 3, problems
    first = next(p for p in problems if ".questions.nps" in p)
    assert first.startswith(
        f"{root / 'cxframe.toml'}: sources[0].columns.questions.nps: no column 'likely_to_recomend' in s.csv; "
    )
    assert "did you mean 'likely_to_recommend'? its columns, closest first: 'likely_to_recommend', " in first
    assert any(
        p.startswith(f"{root / 'cxframe.toml'}: sources[0].columns.timestamp: no column 'when' in s.csv")
        for p in problems
    )
    segment = next(p for p in problems if "segments" in p)
    assert "sources[0].columns.segments[0]: no column 'regoin' in s.csv" in segment
    assert "closest first: 'Region'," in segment
    # the plain CSV has neither ImportIds nor question texts: no Qualtrics words in its message
    assert "ImportId" not in first


def test_validate_with_every_column_there_is_valid(tmp_path: Path) -> None:
    assert cxframe.validate(make(tmp_path, ""), host=testing.plugin_host(cxframe_nps)) == []


def test_a_header_validate_cannot_read_is_left_to_collect_which_names_the_line(tmp_path: Path) -> None:
    root = make(tmp_path, "")
    (root / "s.csv").write_bytes("id,cust,when,R\xe9gion,Q1,Q2,note\n".encode("latin-1"))
    assert cxframe.validate(root, host=testing.plugin_host(cxframe_nps)) == []
    with pytest.raises(InvalidInput, match=r"s\.csv: at or after line 1: the file is not valid utf-8"):
        cxframe.collect(root, host=testing.plugin_host(cxframe_nps))


def test_a_bad_mapping_is_reported_by_validate(tmp_path: Path) -> None:
    root = make(tmp_path, "", {"timestamp": 3, "questions": {}, "segments": ["Bad Name"], "colour": "x"})
    problems = "\n".join(cxframe.validate(root, host=testing.plugin_host(cxframe_nps)))
    assert "columns.colour: unknown key" in problems
    assert "columns.timestamp: expected the name of the timestamp column" in problems
    assert "columns.questions: expected a table" in problems
    assert "segment name 'bad name' must be lower-case" in problems


def test_nps_csat_by_hand(tmp_path: Path) -> None:
    # NPS: 5 promoters, 3 passives, 2 detractors of 10 -> 30; CSAT: 4 of 5 top-two-box -> 80 %
    scores = [10, 9, 9, 10, 9, 8, 7, 8, 3, 6]
    csat = [5, 4, 4, 5, 2, "", "", "", "", ""]
    body = "".join(
        f"r{i},c{i},2026-0{1 + i % 3}-01,North,{s},{c},\n" for i, (s, c) in enumerate(zip(scores, csat, strict=True))
    )
    root = make(tmp_path, body)
    host = testing.plugin_host(cxframe_nps)
    cxframe.collect(root, host=host)
    results = {r.metric: r for r in cxframe.measure(root, ["nps", "csat"], host=testing.plugin_host(cxframe_nps))}
    assert results["nps"].value == pytest.approx(30.0) and results["nps"].n == 10
    assert results["csat"].value == pytest.approx(80.0) and results["csat"].n == 5
    assert "small_sample" in results["nps"].flags
    assert results["nps"].ci_low < 30 < results["nps"].ci_high
    cli = testing.invoke(["-C", str(root), "measure", "--metric", "nps", "--period", "month", "--json"], host=host)
    assert [r["period"] for r in json.loads(cli.stdout)] == ["2026-01", "2026-02", "2026-03"]


def test_csat_scale_is_configurable(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p", plugins={"cxframe-nps": {"csat_scale": [1, 10]}})
    programme = cxframe.load_programme(root)
    csat = next(m for m in cxframe_nps.register_metrics(programme) if m.id == "csat")
    assert (csat.scale_min, csat.scale_max) == (1, 10) and ">= 9" in csat.value_sql


@pytest.mark.parametrize("fast", [True, False])
def test_an_unparsable_time_names_the_formats_the_source_accepts(tmp_path: Path, fast: bool) -> None:
    columns = {"response_id": "id", "timestamp": "when", "questions": {"nps": "ltr"}}
    collector = "survey-csv" if fast else "survey-jsonl"
    name = "s.csv" if fast else "s.jsonl"
    source = {"id": "s", "collector": collector, "path": name, "columns": columns}
    root = testing.make_programme(tmp_path / "p", sources=[{**source, "options": {"timestamp_format": "%d/%m/%Y"}}])
    if fast:
        (root / name).write_text("id,when,ltr\na,01/03/2026,9\nb,2026-13-01,9\n", encoding="utf-8")
    else:
        (root / name).write_text(
            '{"id": "a", "when": "01/03/2026", "ltr": 9}\n{"id": "b", "when": "2026-13-01", "ltr": 9}\n',
            encoding="utf-8",
        )
    [summary] = cxframe.collect(root, host=testing.plugin_host(cxframe_nps))
    assert summary.rows_accepted == 1
    [reject] = testing.read_table(root, "rejects")
    assert reject["reason"] == "unparsable timestamp '2026-13-01' (expected ISO-8601 or '%d/%m/%Y')"


def test_a_misspelt_option_is_an_error_naming_the_right_one(tmp_path: Path) -> None:
    (tmp_path / "survey.csv").write_text("id,when,nps\n1,2026-03-01 09:00:00,9\n", encoding="utf-8")
    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {
                "id": "survey",
                "collector": "survey-csv",
                "path": str(tmp_path / "survey.csv"),
                "columns": {"response_id": "id", "timestamp": "when", "questions": {"nps": "nps"}},
                "options": {"delimeter": ";", "time_zone": "America/New_York"},
            }
        ],
    )
    problems = cxframe.validate(root, host=testing.plugin_host(cxframe_nps))
    assert any("options.delimeter: unknown option; did you mean 'delimiter'?" in p for p in problems), problems
    with pytest.raises(cxframe.InvalidInput, match="options.delimeter: unknown option; did you mean 'delimiter'"):
        cxframe.collect(root, host=testing.plugin_host(cxframe_nps))


def test_the_old_spelling_timezone_is_read_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "survey.csv").write_text("id,when,nps\n1,2026-03-01 09:00:00,9\n", encoding="utf-8")
    source = {
        "id": "survey",
        "collector": "survey-csv",
        "path": str(tmp_path / "survey.csv"),
        "columns": {"response_id": "id", "timestamp": "when", "questions": {"nps": "nps"}},
        "options": {"timezone": "America/New_York"},
    }
    root = testing.make_programme(tmp_path / "p", sources=[source])
    with pytest.warns(cxframe.SettingRenamedWarning, match="options.timezone is now called time_zone"):
        cxframe.collect(root, host=testing.plugin_host(cxframe_nps))
    with cxframe.open_store(root / "cxframe.db") as store:
        [stamp] = [row[0] for row in store.db.execute("SELECT timestamp FROM observations")]
    assert stamp == "2026-03-01T14:00:00.000000Z"  # 09:00 in New York, not 09:00Z
