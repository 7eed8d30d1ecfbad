"""cxframe-employee: no employee result for a group below the anonymity threshold, in any output.

The rule (see `cxframe_employee.privacy`): a group is shown only if no small
group is a combination of the groups shown. test_employee_disclosure.py
checks that with an independent solver on random surveys; these tests follow
the rule through every output.
"""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from employee_helpers import EMPLOYEE_SOURCE, customer_rows, host, programme, role, scores, staff_rows

import cxframe
import cxframe_employee
from cxframe import testing

THRESHOLD = 5


# -- every output ------------------------------------------------------------------------------------------------------

#: team → role → site → respondents; sizes chosen so that small groups, and groups hidden to protect them, occur
LAYOUT = {
    "a": {"agent": {"north": 9, "south": 3}, "lead": {"north": 2}},
    "b": {"agent": {"north": 6, "south": 6}},
    "c": {"agent": {"south": 3}},
    "d": {"agent": {"north": 7, "south": 5}, "lead": {"south": 5}},
    "e": {"agent": {"north": 12}, "lead": {"north": 1, "south": 1}},
}


def layout_rows() -> tuple[list[str], list[dict[str, str]]]:
    rng = random.Random(7)
    rows, people = [], []
    for team, roles in LAYOUT.items():
        for role_id, sites in roles.items():
            for site, size in sites.items():
                answers = [rng.randint(0, 10) for _ in range(size)]
                rows.extend(staff_rows(team, answers, role=role_id, site=site))
                people.extend({"team": team, "role": role_id, "site": site} for _ in answers)
    return rows, people


@pytest.fixture(scope="module")
def surveyed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    rows, people = layout_rows()
    settings = {"roles": [role(), role(id="lead", name="Team lead")]}
    root = programme(tmp_path_factory.mktemp("privacy") / "p", settings, staff=rows)
    cxframe.collect(root, host=host())
    return root, people


def enps_json(root: Path, *args: str) -> list[dict[str, Any]]:
    result = testing.invoke(["-C", str(root), "employee", "enps", *args, "--json"], host=host())
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


COMBINATIONS = [combo for size in (1, 2, 3) for combo in itertools.combinations(("team", "role", "site"), size)]


@pytest.mark.parametrize("combo", COMBINATIONS, ids=["+".join(c) for c in COMBINATIONS])
def test_every_by_combination_hides_small_and_recoverable_groups(
    surveyed: tuple[Path, list[dict[str, str]]], combo: tuple[str, ...]
) -> None:
    root, people = surveyed
    rows = enps_json(root, *itertools.chain.from_iterable(("--by", column) for column in combo))
    truth = Counter(tuple(person[column] for column in combo) for person in people)
    assert len(rows) == len(truth)
    shown = {}
    hidden = set()
    for row in rows:
        key = tuple(row["segment"][column] for column in combo)
        if "suppressed" in row["flags"]:
            assert row["flags"] == ["suppressed"]
            assert row["value"] is None and row["n"] is None and row["ci_low"] is None and row["ci_high"] is None
            hidden.add(key)
        else:
            assert row["n"] == truth[key] >= THRESHOLD
            shown[key] = row
    assert {key for key, count in truth.items() if count < THRESHOLD} <= hidden


def test_the_layout_exercises_all_three_kinds_of_suppression(surveyed: tuple[Path, list[dict[str, str]]]) -> None:
    root, _ = surveyed
    by_team = {row["segment"]["team"]: row for row in enps_json(root, "--by", "team")}
    # c (3) is below the threshold; the next-smallest team goes with it
    assert by_team["c"]["flags"] == ["suppressed"]
    assert by_team["b"]["flags"] == ["suppressed"] and sum(1 for r in by_team.values() if r["value"] is None) == 2
    by_team_role = enps_json(root, "--by", "team", "--by", "role")
    b_cells = [row for row in by_team_role if row["segment"]["team"] == "b"]
    # b's agents (12) are many enough, but b is hidden, so they would add up to it
    assert b_cells and all(row["flags"] == ["suppressed"] for row in b_cells)
    overall = enps_json(root)
    assert overall[0]["n"] == sum(size for roles in LAYOUT.values() for s in roles.values() for size in s.values())


def test_with_a_period_too(surveyed: tuple[Path, list[dict[str, str]]]) -> None:
    root, _ = surveyed
    rows = enps_json(root, "--by", "team", "--period", "month")
    assert {row["period"] for row in rows} == {"2026-03"}
    for row in rows:
        assert row["value"] is None or row["n"] >= THRESHOLD


def test_the_table_shows_no_number_for_a_suppressed_group(surveyed: tuple[Path, list[dict[str, str]]]) -> None:
    root, _ = surveyed
    result = testing.invoke(["-C", str(root), "employee", "enps", "--by", "team"], host=host())
    line = next(line for line in result.output.splitlines() if "│ c " in line)
    assert "hidden" in line and not any(ch.isdigit() for ch in line)
    assert "hidden: fewer than 5 respondents, or showing it would reveal a group that small" in result.output


def test_check_evidence_follows_the_rule(surveyed: tuple[Path, list[dict[str, str]]]) -> None:
    root, _ = surveyed
    [result] = [r for r in cxframe.check(root, host=host()) if r.check == "employee.enps-by-team"]
    lines = {line.split(":")[0]: line for line in result.evidence}
    assert lines["team c"] == "team c: hidden: fewer than 5 respondents, or showing it would reveal a group that small"
    assert lines["team b"] == "team b: hidden: fewer than 5 respondents, or showing it would reveal a group that small"
    assert "n=" in lines["team a"]
    assert (
        "2 team(s) hidden: fewer than 5 respondents, or showing it would reveal a group that small" in result.evidence
    )


def test_other_metrics_and_the_python_api_follow_the_rule(surveyed: tuple[Path, list[dict[str, str]]]) -> None:
    root, _ = surveyed
    results = cxframe_employee.enps(root, by=["team"], metrics=["empowerment"], host=host())
    assert {r.segment["team"] for r in results if r.suppressed} == {"b", "c"}
    assert all(r.value is None and r.n is None for r in results if r.suppressed)


def test_a_respondent_answering_in_two_waves_counts_once(tmp_path: Path) -> None:
    source = {
        **EMPLOYEE_SOURCE,
        "columns": {**EMPLOYEE_SOURCE["columns"], "respondent_id": "person"},  # type: ignore[dict-item]
    }
    root = testing.make_programme(tmp_path / "p", sources=[source])
    lines = ["id,person,when,team,role,site,enps,empowerment"]
    for wave, when in enumerate(["2026-01-10", "2026-04-10"]):
        for person in range(3):  # 3 people, twice: 6 answers, 3 respondents
            lines.append(f"x{wave}{person},p{person},{when},small,agent,north,9,4")
        for person in range(8):
            lines.append(f"y{wave}{person},q{person},{when},big,agent,north,7,4")
    (root / "staff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cxframe.collect(root, host=host())
    results = {r.segment["team"]: r for r in cxframe_employee.enps(root, by=["team"], host=host())}
    assert results["small"].suppressed  # n would be 6, but it is 3 people
    assert results["big"].suppressed  # and the only other team goes with it


def test_the_threshold_can_be_raised(tmp_path: Path) -> None:
    staff = staff_rows("a", scores(4, 2, 2)) + staff_rows("b", scores(4, 2, 2)) + staff_rows("c", scores(10, 2, 0))
    root = programme(tmp_path / "p", {"thresholds": {"anonymity_threshold": 10}}, staff=staff)
    cxframe.collect(root, host=host())
    results = {r.segment["team"]: r for r in cxframe_employee.enps(root, by=["team"], host=host())}
    assert results["a"].suppressed and results["b"].suppressed and not results["c"].suppressed


def test_the_link_leaves_suppressed_teams_out(tmp_path: Path) -> None:
    rows, _ = layout_rows()
    customers = [line for team in "abcde" for line in customer_rows(team, [10, 9, 7, 3] * 5)]
    settings = {"roles": [role(), role(id="lead", name="Team lead")]}
    root = programme(tmp_path / "p", settings, staff=rows, customers=customers)
    cxframe.collect(root, host=host())
    link = cxframe_employee.link(root, host=host())
    assert {pair.team for pair in link.teams} == {"a", "d", "e"}
    assert link.teams_suppressed == 2
    assert ">b<" not in link.chart_svg and ">c<" not in link.chart_svg and ">a<" in link.chart_svg


@pytest.mark.parametrize("combo", [("team",), ("team", "role"), ("site",)], ids=["team", "team+role", "site"])
def test_core_measure_follows_the_same_rule(
    surveyed: tuple[Path, list[dict[str, str]]], combo: tuple[str, ...]
) -> None:
    root, _ = surveyed
    by = list(itertools.chain.from_iterable(("--by", column) for column in combo))
    expected = {tuple(row["segment"][c] for c in combo): row["flags"] == ["suppressed"] for row in enps_json(root, *by)}
    result = testing.invoke(["-C", str(root), "measure", "--metric", "enps", *by, "--json"], host=host())
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {tuple(row["segment"][c] for c in combo): row["flags"] == ["suppressed"] for row in rows} == expected
    if combo != ("site",):  # the layout's sites are both large enough to show
        assert any(expected.values())
    for row in rows:
        if row["flags"] == ["suppressed"]:
            assert row["value"] is None and row["n"] is None and row["ci_low"] is None


def test_core_compare_leaves_hidden_teams_out(surveyed: tuple[Path, list[dict[str, str]]]) -> None:
    root, _ = surveyed
    hidden = {row["segment"]["team"] for row in enps_json(root, "--by", "team") if "suppressed" in row["flags"]}
    assert hidden
    compared = cxframe.compare(root, "enps", against="team", host=host())
    assert compared and not {result.segment["team"] for result in compared} & hidden
