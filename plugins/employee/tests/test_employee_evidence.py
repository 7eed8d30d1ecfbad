"""cxframe-employee: eNPS output shapes, the trend, and the evidence for the people-oriented culture."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from employee_helpers import GOOD_VOICE, customer_rows, host, programme, role, scores, staff_rows

import cxframe
import cxframe_employee
from cxframe import open_programme, testing
from cxframe.api import running

#: team → eNPS answers in Q1 and in Q2 (Q2 clearly better), and customers' NPS answers
TEAMS = {
    "north": (scores(4, 3, 3), scores(8, 2, 0), scores(12, 6, 2)),
    "south": (scores(2, 4, 4), scores(6, 3, 1), scores(6, 8, 6)),
    "east": (scores(3, 4, 3), scores(7, 2, 1), scores(9, 7, 4)),
    "west": (scores(1, 3, 6), scores(5, 3, 2), scores(5, 5, 10)),
    "centre": (scores(3, 3, 4), scores(7, 3, 0), scores(10, 4, 6)),
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    staff, customers = [], []
    for team, (q1, q2, answers) in TEAMS.items():
        staff += staff_rows(team, q1, when="2026-02-10") + staff_rows(team, q2, when="2026-05-10")
        customers += customer_rows(team, answers)
    settings = {"roles": [role()], "voice_of_employee": GOOD_VOICE}
    folder = programme(tmp_path_factory.mktemp("evidence") / "p", settings, staff=staff, customers=customers)
    cxframe.collect(folder, host=host())
    return folder


def evidence(root: Path) -> dict[str, Any]:
    with open_programme(root, host()) as opened, running("test", opened) as run:
        return cxframe_employee.employee_evidence(run)


def test_enps_json_has_the_keys_of_cxframe_measure(root: Path) -> None:
    keys = ["metric", "segment", "period", "value", "n", "ci_low", "ci_high", "confidence", "flags"]
    mine = json.loads(testing.invoke(["-C", str(root), "employee", "enps", "--json"], host=host()).stdout)
    measured = json.loads(
        testing.invoke(["-C", str(root), "measure", "--metric", "enps", "--json"], host=host()).stdout
    )
    assert list(mine[0]) == keys == list(measured[0])
    assert mine[0]["value"] == pytest.approx(measured[0]["value"])  # the same engine, the same numbers
    assert mine[0]["ci_low"] == pytest.approx(measured[0]["ci_low"])
    by_site = json.loads(
        testing.invoke(
            ["-C", str(root), "employee", "enps", "--by", "site", "--period", "quarter", "--json"], host=host()
        ).stdout
    )
    assert [(row["segment"], row["period"]) for row in by_site] == [
        ({"site": "north"}, "2026-Q1"),
        ({"site": "north"}, "2026-Q2"),
    ]


def test_empowerment_and_engagement_metrics(root: Path) -> None:
    [result] = cxframe_employee.enps(root, metrics=["empowerment"], host=host())
    assert result.value == pytest.approx(4.0) and result.n == 100
    plugins = json.loads(testing.invoke(["plugins", "--json"], host=host()).stdout)
    mine = next(p for p in plugins if p["name"] == "cxframe_employee")
    assert set(mine["metrics"]) == {"empowerment", "engagement"}
    assert mine["collectors"] == ["employee-survey"]


def test_the_evidence_for_the_people_oriented_culture(root: Path) -> None:
    found = evidence(root)
    json.dumps(found)  # plain data, ready for a JSON report
    assert found["anonymity_threshold"] == 5
    statuses = {c["check"]: c["status"] for c in found["checks"]}
    assert statuses["employee.decision-authority"] == "pass"
    assert "employee.voice-of-employee" in found["checks_passed"]
    assert found["enps"]["n"] == 100 and found["enps"]["segment"] == {}
    assert {row["segment"]["team"] for row in found["enps_by_team"]} == set(TEAMS)
    assert found["trend_period"] == "quarter"
    assert [row["period"] for row in found["enps_trend"]] == ["2026-Q1", "2026-Q2"]
    change = found["enps_change"]
    assert change["period"] == "2026-Q2" and change["baseline"] == "2026-Q1"
    assert change["difference"] == pytest.approx(found["enps_trend"][1]["value"] - found["enps_trend"][0]["value"])
    assert change["significant"] and change["direction"] == "up"
    link = found["link"]
    assert link["n_teams"] == 5 and link["r"] is not None
    assert link["chart_svg"].startswith("<svg") and "not evidence of cause" in link["statement"]
    assert found["criteria"] == {
        "frontline_empowered": True,
        "cx_training_for_all": True,
        "frontline_resourced": True,
        "unified_tools": True,
        "customer_centric_kpis": True,
        "employee_feedback_acted_on": True,
        "enps_measured_by_team": True,
        "ex_cx_link_measured": True,
    }


def test_the_evidence_uses_this_runs_check_results_when_there_are_some(root: Path) -> None:
    with open_programme(root, host()) as opened, running("test", opened) as run:
        run.check_results.extend(r for r in cxframe.check(root, host=host()) if r.check == "employee.training")
        found = cxframe_employee.employee_evidence(run)
    assert [c["check"] for c in found["checks"]] == ["employee.training"]


def test_the_trend_never_shows_a_small_period(tmp_path: Path) -> None:
    staff = staff_rows("a", scores(5, 3, 2), when="2026-02-10") + staff_rows("a", [10, 3], when="2026-05-10")
    folder = programme(tmp_path / "p", {}, staff=staff)
    cxframe.collect(folder, host=host())
    found = evidence(folder)
    # Q2 has 2 respondents: suppressed, and Q1 with it (it is the overall total minus Q2)
    assert [row["flags"] for row in found["enps_trend"]] == [["suppressed"], ["suppressed"]]
    assert found["enps_change"] is None
    assert found["enps"]["n"] == 12
