"""cxframe-employee: the EX ↔ CX link — Pearson's r over teams, its interval, the chart, the wording."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest
from employee_helpers import customer_rows, host, programme, scores, staff_rows
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import cxframe
import cxframe_employee
from cxframe import testing
from cxframe_employee.link import ASSOCIATION_NOT_CAUSE, pearson

SVG = "{http://www.w3.org/2000/svg}"

#: team → (employee promoters, passives, detractors of 10) and (customer promoters, passives, detractors of 20)
TEAMS = {
    "north": ((6, 3, 1), (12, 6, 2)),
    "south": ((2, 4, 4), (6, 8, 6)),
    "east": ((4, 4, 2), (9, 7, 4)),
    "west": ((1, 3, 6), (5, 5, 10)),
    "R&D <1>": ((5, 3, 2), (8, 8, 4)),
    "centre": ((3, 3, 4), (10, 4, 6)),
}


def nps(p: int, a: int, d: int) -> float:
    return 100 * (p - d) / (p + a + d)


def linked(tmp_path: Path, teams: dict[str, Any], settings: dict[str, Any] | None = None) -> Path:
    staff = [line for team, (e, _) in teams.items() for line in staff_rows(team, scores(*e))]
    customers = [line for team, (_, c) in teams.items() for line in customer_rows(team, scores(*c))]
    root = programme(tmp_path / "p", settings or {}, staff=staff, customers=customers)
    cxframe.collect(root, host=host())
    return root


def test_pearson_matches_scipy_and_the_fisher_interval() -> None:
    xs = [10.0, 25.0, 3.0, 40.0, 18.0, 30.0, 7.0]
    ys = [5.0, 30.0, 10.0, 35.0, 12.0, 20.0, 1.0]
    found = pearson(xs, ys, 0.95)
    assert found is not None
    expected = stats.pearsonr(xs, ys)
    assert found.r == pytest.approx(expected.statistic)
    assert found.p_value == pytest.approx(expected.pvalue)
    z, half = math.atanh(found.r), NormalDist().inv_cdf(0.975) / math.sqrt(len(xs) - 3)
    assert (found.ci_low, found.ci_high) == pytest.approx((math.tanh(z - half), math.tanh(z + half)))
    assert pearson(xs[:3], ys[:3]) is None  # too few pairs for an interval
    assert pearson([1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0]) is None  # no variance


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-100, 100), st.integers(-100, 100)), min_size=4, max_size=30))
def test_the_interval_holds_r(pairs: list[tuple[int, int]]) -> None:
    found = pearson([float(x) for x, _ in pairs], [float(y) for _, y in pairs])
    if found is not None:
        assert -1 <= found.ci_low <= found.r <= found.ci_high <= 1


def test_the_link_correlates_team_enps_with_customer_nps(tmp_path: Path) -> None:
    root = linked(tmp_path, TEAMS)
    result = testing.invoke(["-C", str(root), "employee", "link", "--json"], host=host())
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n_teams"] == 6 and data["method"] == "pearson" and data["flags"] == []
    teams = sorted(TEAMS)
    xs = [nps(*TEAMS[t][0]) for t in teams]
    ys = [nps(*TEAMS[t][1]) for t in teams]
    assert [row["team"] for row in data["teams"]] == teams
    assert [row["employee_value"] for row in data["teams"]] == pytest.approx(xs)
    assert [row["customer_value"] for row in data["teams"]] == pytest.approx(ys)
    assert [row["customer_n"] for row in data["teams"]] == [20] * 6
    assert data["r"] == pytest.approx(stats.pearsonr(xs, ys).statistic)
    assert data["ci_low"] < data["r"] < data["ci_high"]
    assert "association" in data["statement"] and ASSOCIATION_NOT_CAUSE in data["statement"]
    assert "Pearson r = " in data["statement"] and "cause" in data["statement"]


def test_too_few_teams_gives_a_sentence_instead_of_a_number(tmp_path: Path) -> None:
    root = linked(tmp_path, dict(list(TEAMS.items())[:3]))
    found = cxframe_employee.link(root, host=host())
    assert found.r is None and found.ci_low is None and found.p_value is None
    assert found.flags == ("too_few_teams",)
    assert found.statement.startswith(
        "Only 3 team(s) have both enps (with at least 5 respondents) and customer nps; at least 5 are needed"
    )
    result = testing.invoke(["-C", str(root), "employee", "link"], host=host())
    assert "so none is reported" in " ".join(result.output.split())
    assert "Pearson r" not in result.output
    assert "not evidence of cause" not in result.output and ASSOCIATION_NOT_CAUSE not in found.statement


def test_the_minimum_number_of_teams_is_a_threshold(tmp_path: Path) -> None:
    root = linked(tmp_path, TEAMS, {"thresholds": {"min_link_teams": 7}})
    assert cxframe_employee.link(root, host=host()).flags == ("too_few_teams",)


def test_without_team_on_customer_data_the_link_says_why(tmp_path: Path) -> None:
    staff = [line for team, (e, _) in TEAMS.items() for line in staff_rows(team, scores(*e))]
    root = programme(tmp_path / "p", {}, staff=staff)
    cxframe.collect(root, host=host())
    found = cxframe_employee.link(root, host=host())
    assert found.r is None and "no_team_data" in found.flags
    # employees carry a team column, but no customer observation does
    assert found.statement.startswith(
        "The link cannot be computed: no customer nps observation carries a team column 'team'."
    )
    # nothing computed: what is missing, not the caveat about a number that is not there
    assert ASSOCIATION_NOT_CAUSE not in found.statement and found.statement == found.summary


def test_without_any_employee_or_team_data_the_link_says_what_is_missing(tmp_path: Path) -> None:
    root = programme(tmp_path / "p", {})
    result = testing.invoke(["-C", str(root), "employee", "link"], host=host())
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert said.startswith("The link cannot be computed: customer observations carry no team column 'team'")
    assert "No employee enps answers with a team are stored either: collect an employee survey" in said
    assert "not evidence of cause" not in said


def test_customers_served_by_agents_are_mapped_to_teams(tmp_path: Path) -> None:
    staff = [line for team, (e, _) in TEAMS.items() for line in staff_rows(team, scores(*e))]
    source = {
        "id": "customers",
        "collector": "survey-csv",
        "path": "customers.csv",
        "columns": {"response_id": "id", "timestamp": "when", "segments": ["agent"], "questions": {"nps": "ltr"}},
    }
    link = {"agent_column": "agent", "agents_file": "agents.csv"}
    root = programme(tmp_path / "p", {"link": link}, staff=staff, sources=[source])
    # two agents per team, each with half of the team's customers; one agent nobody mapped
    lines, agents = ["id,when,agent,ltr"], ["agent,team"]
    for index, (team, (_, c)) in enumerate(TEAMS.items()):
        answers = scores(*c)
        for half, agent in enumerate((f"a{index}x", f"a{index}y")):
            agents.append(f"{agent},{team}")
            lines.extend(f"{agent}-{half}-{i},2026-03-05,{agent},{s}" for i, s in enumerate(answers[half::2]))
    lines.append("ghost-1,2026-03-05,ghost,10")
    (root / "customers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "agents.csv").write_text("\n".join(agents) + "\n", encoding="utf-8")
    cxframe.collect(root, host=host())
    found = cxframe_employee.link(root, host=host())
    assert found.n_teams == 6 and found.flags == ("unmapped_agents",)
    by_team = {pair.team: pair for pair in found.teams}
    assert by_team["north"].customer_value == pytest.approx(nps(12, 6, 2))
    assert by_team["north"].customer_n == 20


def test_the_chart_is_self_contained_labelled_svg(tmp_path: Path) -> None:
    root = linked(tmp_path, TEAMS)
    target = tmp_path / "link.svg"
    result = testing.invoke(["-C", str(root), "employee", "link", "--svg", str(target)], host=host())
    assert result.exit_code == 0, result.output
    svg = target.read_text(encoding="utf-8")
    tree = ET.fromstring(svg)  # well-formed: the team "R&D <1>" is escaped
    texts = [element.text for element in tree.iter(f"{SVG}text")]
    assert "R&D <1>" in texts
    assert "team Employee Net Promoter Score (enps)" in texts
    assert "customer Net Promoter Score (nps)" in texts
    assert len(list(tree.iter(f"{SVG}circle"))) == 6
    assert "not evidence of cause" in (tree.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]
    assert "<script" not in svg and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_empowerment_can_stand_for_the_team_experience(tmp_path: Path) -> None:
    root = linked(tmp_path, TEAMS, {"link": {"employee_metric": "empowerment"}})
    found = cxframe_employee.link(root, host=host())
    # every response in the fixture answers empowerment 4: no variance between teams
    assert found.employee_metric == "empowerment" and found.flags == ("no_variance",)
    assert "does not vary between teams" in found.statement


def test_a_customer_metric_must_be_one(tmp_path: Path) -> None:
    root = linked(tmp_path, TEAMS, {"link": {"customer_metric": "enps"}})
    result = testing.invoke(["-C", str(root), "employee", "link"], host=host())
    assert result.exit_code == 1
    assert "plugins.cxframe-employee.link.customer_metric: 'enps' is an employee metric" in result.output


def test_a_team_with_few_customer_answers_is_left_out_and_named(tmp_path: Path) -> None:
    teams = {**TEAMS, "tiny": ((6, 3, 1), (2, 1, 0))}  # 3 customer answers
    found = cxframe_employee.link(linked(tmp_path, teams), host=host())
    assert "small_customer_samples" in found.flags
    assert "tiny" not in {pair.team for pair in found.teams}
    assert "1 team(s) with fewer than 10 customer nps answers are left out: tiny." in found.statement
