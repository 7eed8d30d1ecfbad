"""Findings say what is wrong, each once, and the assessment's counts agree (#22, item 6).

A warning or failure becomes a finding, and a finding's title must state the
problem: "Frontline scorecards carry a customer KPI" read as a success when
the check failed. Whether every journey stage is measured had two owners (the
nps and journey plugins) and so two findings. And the terminal summary said
"14 findings" in the lifecycle line, then "Findings (18)".
"""

from __future__ import annotations

import re
from pathlib import Path

import click.testing
import pytest

from cxframe import Check, CheckResult, CheckStatus, testing
from cxframe.cli import cli

cxframe_nps_evidence = pytest.importorskip("cxframe_nps.evidence")
cxframe_journey_checks = pytest.importorskip("cxframe_journey.checks")
cxframe_employee_checks = pytest.importorskip("cxframe_employee.checks")

BUILT_IN: list[Check] = [
    *cxframe_nps_evidence.CHECKS,
    *cxframe_journey_checks.CHECKS,
    *cxframe_employee_checks.CHECKS,
]
#: Checks whose every warning carries its own title, which states the problem ("Pain point at …").
OWN_TITLES = {"journey.painpoints"}


def test_every_built_in_check_states_its_problem() -> None:
    for check in BUILT_IN:
        if check.id in OWN_TITLES:
            continue
        assert check.problem, f"{check.id} has no problem title: its findings would read '{check.title}'"
        assert check.problem != check.title, check.id
    assert {c.id: c.problem for c in BUILT_IN}["employee.kpi-mix"] == "Frontline scorecards carry no customer KPI"


def test_each_question_has_one_owner() -> None:
    titles = [check.title for check in BUILT_IN]
    assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
    problems = [check.problem for check in BUILT_IN if check.problem]
    assert len(problems) == len(set(problems))
    assert [c.id for c in BUILT_IN if c.title == "Every journey stage is measured"] == ["journey.stage-measures"]


def test_a_result_is_titled_with_the_problem_only_when_it_warns_or_fails() -> None:
    check = Check("x.sponsor", "A sponsor is named", lambda run: CheckResult(CheckStatus.PASS), problem="No sponsor")
    assert check.title_for(CheckStatus.PASS) == "A sponsor is named"
    assert check.title_for(CheckStatus.WARN) == check.title_for(CheckStatus.FAIL) == "No sponsor"
    assert check.title_for(CheckStatus.ERROR) == "A sponsor is named"
    plain = Check("x.plain", "A sponsor is named", lambda run: CheckResult(CheckStatus.PASS))
    assert plain.title_for(CheckStatus.FAIL) == "A sponsor is named"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    target = tmp_path_factory.mktemp("demo") / "demo"
    runner = click.testing.CliRunner(env={"COLUMNS": "200"})
    result = runner.invoke(cli, ["demo", str(target)])
    assert result.exit_code == 0, result.output
    return target, result.stdout


def test_the_demo_summary_counts_agree(demo: tuple[Path, str]) -> None:
    _, output = demo
    line = re.search(r"improve ✓ (\d+) check results, (\d+) findings", output)
    assert line, output
    header = re.search(r"Findings \((\d+): (\d+) from objectives and checks, (\d+) from the maturity model\)", output)
    assert header, output
    total, from_run, from_model = (int(header[i]) for i in (1, 2, 3))
    assert from_run == int(line[2]) and total == from_run + from_model


def test_the_demo_findings_state_problems_once(demo: tuple[Path, str]) -> None:
    root, output = demo
    findings = testing.read_table(root, "findings")
    latest = max(row["run_id"] for row in findings)
    titles = [row["title"] for row in findings if row["run_id"] == latest]
    assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
    assert "Frontline scorecards carry no customer KPI" in titles
    assert "Frontline scorecards carry a customer KPI" not in output
    assert sum(title == "Journey stages not measured" for title in titles) == 1
    assert "Every journey stage is measured" not in titles


def test_a_missed_objective_names_its_metric_by_title(demo: tuple[Path, str]) -> None:
    # "csat = 58.2 (n=…)" told a reader nothing the metric's title does not say better (#22, item 3)
    root, _ = demo
    findings = testing.read_table(root, "findings")
    latest = max(row["run_id"] for row in findings)
    missed = [row for row in findings if row["run_id"] == latest and row["source"].startswith("objective:")]
    assert missed
    for row in missed:
        assert re.match(r'\["Customer satisfaction|\["Net Promoter Score', row["evidence"]), row["evidence"]


def test_the_terminal_summary_says_what_the_reports_say(demo: tuple[Path, str]) -> None:
    # the summary listed metric ids and flag ids ("nps", "linearised_variance") where the reports say words
    _, output = demo
    assert "Net Promoter Score" in output and "linearised variance" in output
    assert "linearised_variance" not in output and "repeat_respondents" not in output
    root, _ = demo
    runner = click.testing.CliRunner(env={"COLUMNS": "200"})
    out = root / "zh"
    result = runner.invoke(cli, ["-C", str(root), "assess", "--lang", "zh-CN", "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "净推荐值" in result.stdout and "Net Promoter Score" not in result.stdout
