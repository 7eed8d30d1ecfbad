"""A file is counted once whatever name it was collected under, and `cxframe forget` removes a source."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import cxframe
from cxframe import InvalidInput, init_programme, open_store, testing

AD_HOC = ["--column", "timestamp=submitted_at", "--column", "questions.nps=likely_to_recommend"]
AD_HOC += ["--column", "response_id=response_id"]
DECLARED = """
[[sources]]
id = "extra"
collector = "survey-csv"
path = "data/extra.csv"
columns = { response_id = "response_id", timestamp = "submitted_at", questions = { nps = "likely_to_recommend" }, segments = ["region"] }
"""


@pytest.fixture
def programme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "shop"
    init_programme(root, example="starter")
    shutil.copy(root / "data" / "survey.csv", root / "data" / "extra.csv")
    monkeypatch.chdir(root)  # a file on the command line is a path from where the user is
    return root


def counts(root: Path) -> dict[str, int]:
    with open_store(root / "cxframe.db") as store:
        return {table: store.count(table) for table in ("responses", "ingests", "rejects")}


def test_a_file_collected_by_path_then_declared_is_not_counted_twice(programme: Path) -> None:
    collected = testing.invoke(
        ["-C", str(programme), "collect", "data/extra.csv", "--collector", "survey-csv", *AD_HOC]
    )
    assert collected.exit_code == 0, collected.output
    before = counts(programme)
    with (programme / "cxframe.toml").open("a", encoding="utf-8") as file:
        file.write(DECLARED)
    again = testing.invoke(["-C", str(programme), "collect", "extra"])
    assert again.exit_code == 1
    assert (
        "1195 answers of this file are already stored, with the same response ids and questions, as source 'data/extra.csv'"
        in again.stderr
    )
    assert "cxframe forget data/extra.csv" in again.stderr
    assert "Traceback" not in again.output
    assert counts(programme) == before  # nothing stored twice, nothing lost


def test_forget_removes_records_ingests_and_rejects_then_the_declared_source_collects(programme: Path) -> None:
    testing.invoke(["-C", str(programme), "collect", "data/extra.csv", "--collector", "survey-csv", *AD_HOC])
    forgotten = testing.invoke(["-C", str(programme), "forget", "data/extra.csv", "--json"])
    assert forgotten.exit_code == 0, forgotten.output
    assert json.loads(forgotten.stdout) == {"source": "data/extra.csv", "records": 1195, "ingests": 1, "rejects": 5}
    assert counts(programme) == {"responses": 0, "ingests": 0, "rejects": 0}
    with (programme / "cxframe.toml").open("a", encoding="utf-8") as file:
        file.write(DECLARED)
    [summary] = cxframe.collect(programme, ["extra"])
    assert summary.rows_read == 1200
    assert counts(programme)["responses"] == 1195


def test_forget_leaves_other_sources_alone(programme: Path) -> None:
    cxframe.collect(programme)  # the starter's own source, "survey"
    testing.invoke(["-C", str(programme), "collect", "data/extra.csv", "--collector", "survey-csv", *AD_HOC])
    # the same bytes under two names, the same response ids and questions: the second is refused
    with open_store(programme / "cxframe.db") as store:
        assert [row[0] for row in store.db.execute("SELECT DISTINCT source FROM ingests")] == ["survey"]
    cxframe.forget(programme, "survey")
    assert counts(programme) == {"responses": 0, "ingests": 0, "rejects": 0}


def test_two_sources_reading_other_questions_of_one_file_are_both_stored(programme: Path) -> None:
    with (programme / "cxframe.toml").open("a", encoding="utf-8") as file:
        file.write(DECLARED.replace('nps = "likely_to_recommend"', 'loyalty = "likely_to_recommend"'))
    summaries = cxframe.collect(programme)
    assert [(s.source, s.records_stored > 0) for s in summaries] == [("survey", True), ("extra", True)]


def test_forgetting_an_unknown_source_names_the_stored_ones(programme: Path) -> None:
    cxframe.collect(programme)
    with pytest.raises(InvalidInput, match=r"no source 'nope' is stored \(stored sources: survey\)"):
        cxframe.forget(programme, "nope")
