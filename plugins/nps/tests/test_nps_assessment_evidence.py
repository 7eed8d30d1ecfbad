"""cxframe-nps's assessment_evidence hook: metric samples, months with data and the closed loop."""

from __future__ import annotations

from pathlib import Path

import pytest

import cxframe
import cxframe_journey
import cxframe_nps
from cxframe import InvalidInput, open_programme, testing
from cxframe.api import running

SURVEY = {
    "id": "survey",
    "collector": "survey-csv",
    "path": "survey.csv",
    "columns": {
        "response_id": "id",
        "respondent_id": "id",
        "timestamp": "when",
        "comment": "text",
        "questions": {"nps": "ltr"},
    },
}
EVENTS = {
    "id": "events",
    "collector": "event-csv",
    "path": "events.csv",
    "columns": {"case": "case", "activity": "activity", "timestamp": "when"},
}


def facts(tmp_path: Path, closed_loop: object) -> dict[str, object]:
    plugins = {"cxframe-nps": {"closed_loop": closed_loop}} if closed_loop is not None else {}
    root = testing.make_programme(tmp_path, sources=[SURVEY, EVENTS], plugins=plugins)
    # c1, c2, c3 detractors; c1 called after 5 h, c2 after 30 h, c3 never (its call came before the answer)
    (root / "survey.csv").write_text(
        "id,when,ltr,text\nc1,2026-01-05T10:00:00Z,3,slow\nc2,2026-01-05T10:00:00Z,5,\n"
        "c3,2026-02-05T10:00:00Z,2,\nc4,2026-02-06T10:00:00Z,10,great\n",
        encoding="utf-8",
    )
    (root / "events.csv").write_text(
        "case,activity,when\nc1,callback,2026-01-05T15:00:00Z\nc2,callback,2026-01-06T16:00:00Z\n"
        "c3,callback,2026-02-04T10:00:00Z\nc4,login,2026-02-06T11:00:00Z\n",
        encoding="utf-8",
    )
    host = testing.plugin_host(cxframe_nps, cxframe_journey)
    cxframe.collect(root, host=host)
    with open_programme(root, host) as opened, running("test", opened) as run:
        return cxframe_nps.assessment_evidence(run=run)


def test_the_closed_loop_counts_detractors_contacted_in_time(tmp_path: Path) -> None:
    found = facts(tmp_path, {"activities": ["callback"]})
    assert found["closed_loop"] == {
        "activities": ["callback"],
        "detractors": 3,
        "contacted": 2,
        "within_24h": 1,
        "within_48h": 2,
        "median_hours": 17.5,
    }
    nps = found["metrics"]["nps"]
    assert nps["n"] == 4 and nps["months"] == ["2026-01", "2026-02"] and "small_sample" in nps["flags"]
    assert found["comments"] == 2 and found["min_sample"] == 30


def test_without_closed_loop_settings_there_is_no_loop_and_bad_settings_are_named(tmp_path: Path) -> None:
    assert facts(tmp_path / "none", None)["closed_loop"] is None
    with pytest.raises(InvalidInput, match="closed_loop.activities: expected a list"):
        facts(tmp_path / "bad", {"activities": "callback"})
