"""cxframe-employee: the empowerment checks pass, warn and fail with evidence and a recommendation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from employee_helpers import FIXTURES, GOOD_VOICE, customer_rows, host, programme, role, scores, staff_rows

import cxframe
from cxframe import CheckResult, CheckStatus, testing

ROLE_CHECKS = [
    "employee.decision-authority",
    "employee.training",
    "employee.staffing",
    "employee.systems",
    "employee.kpi-mix",
    "employee.voice-of-employee",
]


def fixture_programme(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    root.mkdir()
    shutil.copy(FIXTURES / f"{name}.toml", root / "cxframe.toml")
    return root


def checks(root: Path) -> dict[str, CheckResult]:
    return {r.check: r for r in cxframe.check(root, host=host()) if r.check.startswith("employee.")}


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("checks_pass", dict.fromkeys(ROLE_CHECKS, "pass")),
        ("checks_warn", dict.fromkeys(ROLE_CHECKS, "warn")),
        ("checks_fail", {**dict.fromkeys(ROLE_CHECKS, "fail"), "employee.systems": "warn"}),
    ],
)
def test_fixture_programmes_pass_warn_and_fail(tmp_path: Path, fixture: str, expected: dict[str, str]) -> None:
    found = checks(fixture_programme(tmp_path, fixture))
    assert {check: found[check].status.value for check in ROLE_CHECKS} == expected
    for check in ROLE_CHECKS:
        result = found[check]
        assert result.evidence, check
        # a recommendation exactly when something is to be done
        assert bool(result.recommendation) == (result.status is not CheckStatus.PASS), check
        assert result.title and result.severity is not None and result.stage is not None


def test_the_evidence_names_the_figures_and_targets(tmp_path: Path) -> None:
    passing = checks(fixture_programme(tmp_path, "checks_pass"))
    assert passing["employee.decision-authority"].evidence == (
        "agent (Contact-centre agent): resolves 90% of common issues alone (target 80%); may close complaints; "
        "refund limit 50 without escalation; escalates 10% of contacts (at most 20%)",
    )
    assert passing["employee.training"].evidence[:2] == (
        "frontline: 30.0 training hours per employee per year (120 people)",
        "frontline: 95% trained in CX (120 people)",
    )
    # the non-frontline analyst is not checked
    assert not any("analyst" in line for r in passing.values() for line in r.evidence)
    failing = checks(fixture_programme(tmp_path, "checks_fail"))
    assert failing["employee.kpi-mix"].evidence == (
        "agent (Contact-centre agent): customer KPIs: none; efficiency KPIs: AHT, volume, calls per hour "
        "(efficiency only)",
    )
    assert "CSAT, first-contact resolution, NPS" in failing["employee.kpi-mix"].recommendation
    assert "unified agent desktop" in failing["employee.systems"].recommendation
    assert failing["employee.voice-of-employee"].evidence == (
        "no voice-of-employee channel is described (plugins.cxframe-employee.voice_of_employee.channel)",
    )
    staffing = " ".join(failing["employee.staffing"].evidence)
    assert "occupancy 95% (at most 85%)" in staffing
    assert "service level 60% (target 80%)" in staffing
    assert "25 contacts per agent-hour (at most 12)" in staffing
    warning = checks(fixture_programme(tmp_path, "checks_warn"))
    assert (
        "(no customer KPI recognised; name yours in thresholds.customer_kpis)"
        in (warning["employee.kpi-mix"].evidence[0])
    )
    assert warning["employee.voice-of-employee"].evidence[-1] == "5 of 40 suggestions acted on (12%; target 30%)"


def run_role_check(tmp_path: Path, check: str, settings: dict[str, Any]) -> CheckResult:
    root = programme(tmp_path / "p", settings)
    return checks(root)[check]


@pytest.mark.parametrize(
    ("check", "changes", "status"),
    [
        # 1 decision authority: the resolvable share and escalation share; closing complaints; refund limit
        ("employee.decision-authority", {"common_issues_resolvable": 0.8}, "pass"),
        ("employee.decision-authority", {"common_issues_resolvable": 0.79}, "warn"),
        ("employee.decision-authority", {"common_issues_resolvable": 0.49}, "fail"),
        ("employee.decision-authority", {"common_issues_resolvable": None}, "warn"),
        ("employee.decision-authority", {"escalation_share": None}, "pass"),  # only where data exist
        ("employee.decision-authority", {"escalation_share": 0.41}, "fail"),
        ("employee.decision-authority", {"can_close_complaints": False}, "warn"),
        ("employee.decision-authority", {"refund_limit": 0.0}, "warn"),
        # 2 training
        ("employee.training", {"training_hours_per_year": 24}, "pass"),
        ("employee.training", {"training_hours_per_year": 10}, "warn"),
        ("employee.training", {"training_hours_per_year": 7.5}, "fail"),
        ("employee.training", {"cx_trained_share": 0.6}, "warn"),
        ("employee.training", {"cx_trained_share": 0.4}, "fail"),
        ("employee.training", {"training_hours_per_year": None}, "warn"),
        # 3 staffing
        ("employee.staffing", {"occupancy": 0.9}, "warn"),
        ("employee.staffing", {"occupancy": 0.93}, "fail"),
        ("employee.staffing", {"service_level": 0.8}, "pass"),
        ("employee.staffing", {"service_level": 0.75}, "warn"),
        ("employee.staffing", {"service_level": 0.65}, "fail"),
        ("employee.staffing", {"service_level_target": None, "service_level": 0.79}, "warn"),  # default target 0.8
        ("employee.staffing", {"contacts_per_agent_hour": 13}, "warn"),
        ("employee.staffing", {"contacts_per_agent_hour": 21}, "fail"),
        ("employee.staffing", {"occupancy": None, "service_level": None, "contacts_per_agent_hour": None}, "warn"),
        # 4 systems: a warning at most
        ("employee.systems", {"systems_per_interaction": 3}, "pass"),
        ("employee.systems", {"systems_per_interaction": 12}, "warn"),
        ("employee.systems", {"systems_per_interaction": None}, "warn"),
        # 5 KPI mix
        ("employee.kpi-mix", {"scorecard_kpis": ["Handle-Time", "NPS"]}, "pass"),
        ("employee.kpi-mix", {"scorecard_kpis": ["handle time", "volume"]}, "fail"),
        ("employee.kpi-mix", {"scorecard_kpis": ["aht", "sales"]}, "warn"),
        ("employee.kpi-mix", {"scorecard_kpis": []}, "warn"),
    ],
)
def test_each_threshold_decides_pass_warn_or_fail(
    tmp_path: Path, check: str, changes: dict[str, Any], status: str
) -> None:
    changed = {key: value for key, value in role(**changes).items() if value is not None}
    result = run_role_check(tmp_path, check, {"roles": [changed], "voice_of_employee": GOOD_VOICE})
    assert result.status.value == status, result.evidence


def test_the_worst_frontline_role_decides(tmp_path: Path) -> None:
    result = run_role_check(
        tmp_path,
        "employee.training",
        {"roles": [role(), role(id="store", training_hours_per_year=2)]},
    )
    assert result.status is CheckStatus.FAIL
    assert "store" in result.recommendation and "agent" not in result.recommendation


def test_thresholds_are_read_from_the_programme_file(tmp_path: Path) -> None:
    settings = {
        "roles": [role(systems_per_interaction=4, scorecard_kpis=["aht", "quality_score"], training_hours_per_year=30)],
        "thresholds": {"max_systems_per_interaction": 5, "customer_kpis": ["Quality score"], "min_training_hours": 40},
    }
    found = checks(programme(tmp_path / "p", settings))
    assert found["employee.systems"].status is CheckStatus.PASS
    assert found["employee.kpi-mix"].status is CheckStatus.PASS
    assert found["employee.training"].status is CheckStatus.WARN
    assert "30 training hours per year (target 40)" in found["employee.training"].evidence[-1]


@pytest.mark.parametrize(
    ("voice", "status"),
    [
        ({"channel": "forum", "suggestions": 10, "acted_on": 3}, "pass"),
        ({"channel": "forum", "suggestions": 10, "acted_on": 2}, "warn"),
        ({"channel": "forum", "suggestions": 10, "acted_on": 0}, "fail"),
        ({"channel": "forum", "suggestions": 0, "acted_on": 0}, "warn"),
        ({"channel": "forum"}, "warn"),
        ({"channel": " "}, "fail"),
        (None, "fail"),
    ],
)
def test_voice_of_employee(tmp_path: Path, voice: dict[str, Any] | None, status: str) -> None:
    settings: dict[str, Any] = {"roles": [role()]}
    if voice is not None:
        settings["voice_of_employee"] = voice
    assert run_role_check(tmp_path, "employee.voice-of-employee", settings).status.value == status


def test_without_an_employee_context_the_role_checks_warn(tmp_path: Path) -> None:
    found = checks(testing.make_programme(tmp_path / "empty"))
    for check in ROLE_CHECKS[:-1]:
        assert found[check].status is CheckStatus.WARN
        assert found[check].evidence == (
            "no frontline roles are described (the programme file has no [plugins.cxframe-employee] table)",
        )
        assert "[[plugins.cxframe-employee.roles]]" in found[check].recommendation
    # a programme that says nothing about employees is told so, not failed
    assert found["employee.voice-of-employee"].status is CheckStatus.WARN
    assert "[plugins.cxframe-employee.voice_of_employee]" in found["employee.voice-of-employee"].recommendation
    assert found["employee.enps-by-team"].status is CheckStatus.WARN
    assert found["employee.enps-by-team"].evidence == ("no employee eNPS responses are collected",)
    assert found["employee.survey-data"].status is CheckStatus.PASS


def enps_programme(tmp_path: Path, teams: dict[str, list[int]]) -> Path:
    staff = [line for team, team_scores in teams.items() for line in staff_rows(team, team_scores)]
    root = programme(tmp_path / "p", {"roles": [role()]}, staff=staff)
    cxframe.collect(root, host=host())
    return root


@pytest.mark.parametrize(
    ("teams", "status", "phrase"),
    [
        ({"a": scores(6, 2, 2), "b": scores(5, 3, 2)}, "pass", None),
        ({"a": scores(8, 2, 0), "b": scores(0, 2, 8)}, "warn", "team b: -80.0"),  # b wholly below 0
        ({"a": scores(0, 2, 8), "b": scores(1, 1, 8)}, "fail", "wholly below -20"),
    ],
)
def test_enps_by_team_passes_warns_and_fails(
    tmp_path: Path, teams: dict[str, list[int]], status: str, phrase: str | None
) -> None:
    result = checks(enps_programme(tmp_path, teams))["employee.enps-by-team"]
    assert result.status.value == status, result.evidence
    assert result.evidence[0].startswith("overall eNPS: ")
    assert any(line.startswith("team a: ") for line in result.evidence)
    assert all("(small sample)" in line for line in result.evidence[1:3])  # 10 < the minimum sample of 30
    if phrase:
        assert any(phrase in line for line in result.evidence), result.evidence
        assert result.recommendation


def test_checks_appear_in_cxframe_check_json_with_the_plugin_name(tmp_path: Path) -> None:
    root = fixture_programme(tmp_path, "checks_warn")
    result = testing.invoke(["-C", str(root), "check", "--json"], host=host())
    assert result.exit_code == 0, result.output
    rows = [row for row in json.loads(result.stdout) if row["check"].startswith("employee.")]
    assert {row["check"] for row in rows} == {*ROLE_CHECKS, "employee.enps-by-team", "employee.survey-data"}
    assert {row["plugin"] for row in rows} == {"cxframe_employee"}
    assert all(set(row) >= {"check", "plugin", "status", "severity", "evidence", "recommendation"} for row in rows)


def test_installed_the_plugin_is_named_after_its_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXFRAME_LOAD_PLUGINS", "cxframe-nps,cxframe-employee")
    root = fixture_programme(tmp_path, "checks_pass")
    result = testing.invoke(["-C", str(root), "check", "--json"], host=testing.plugin_host(entry_points=True))
    plugins = {row["plugin"] for row in json.loads(result.stdout) if row["check"].startswith("employee.")}
    assert plugins == {"cxframe-employee"}


def test_the_link_customers_do_not_disturb_the_checks(tmp_path: Path) -> None:
    staff = staff_rows("a", scores(6, 2, 2))
    root = programme(tmp_path / "p", {"roles": [role()]}, staff=staff, customers=customer_rows("a", [10, 3]))
    cxframe.collect(root, host=host())
    found = checks(root)
    assert found["employee.survey-data"].status is CheckStatus.PASS
    assert found["employee.survey-data"].evidence == ("20 employee answers stored",)
