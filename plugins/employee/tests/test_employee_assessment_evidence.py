"""cxframe-employee's assessment_evidence hook: the evidence, with link points and checks by status."""

from __future__ import annotations

from pathlib import Path

from employee_helpers import GOOD_VOICE, customer_rows, host, programme, role, scores, staff_rows

import cxframe
from cxframe import open_programme
from cxframe.api import running

TEAMS = {"a": (6, 2, 2, 12), "b": (4, 3, 3, 8), "c": (3, 3, 4, 6), "d": (2, 3, 5, 4), "e": (5, 3, 2, 10)}


def test_the_hook_returns_the_evidence_with_points_and_suppression(tmp_path: Path) -> None:
    staff, customers = [], []
    for team, (p, n, d, happy) in TEAMS.items():
        staff += staff_rows(team, scores(p, n, d))
        customers += customer_rows(team, scores(happy, 4, 20 - happy))
    staff += staff_rows("tiny", [10, 10])  # below the threshold of 5: never shown, nor in the link
    folder = programme(
        tmp_path / "p", {"roles": [role()], "voice_of_employee": GOOD_VOICE}, staff=staff, customers=customers
    )
    cxframe.collect(folder, host=host())
    with open_programme(folder, host()) as opened, running("test", opened) as run:
        [found] = [f for n, f in run.host.call("assessment_evidence", run=run) if n == "cxframe_employee"]
    assert found["checks_by_status"]["pass"] == sorted(found["checks_passed"])
    assert "employee.training" in found["checks_by_status"]["pass"]
    points = found["link"]["points"]
    assert len(points) >= 3 and "tiny" not in {p["team"] for p in points}
    by_team = {row["segment"]["team"]: row for row in found["enps_by_team"]}
    assert by_team["tiny"]["flags"] == ["suppressed"] and by_team["tiny"]["value"] is None
    # a lone small team would be recoverable from the total, so another is hidden too
    assert sum(row["flags"] == ["suppressed"] for row in by_team.values()) >= 2
    shown = {team for team, row in by_team.items() if row["value"] is not None}
    assert {p["team"] for p in points} == shown
    for point in points:
        assert point["enps"] == by_team[point["team"]]["value"]
