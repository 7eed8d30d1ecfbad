"""cxframe-employee: the employee context and survey input — clear messages, nothing lost."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from employee_helpers import EMPLOYEE_SOURCE, FIXTURES, host, programme, role, scores, staff_rows

import cxframe
import cxframe_employee
from cxframe import CheckStatus, InvalidInput, testing
from cxframe_employee.settings import load_context
from tests.processes import wait_for_marker


def problems(root: Path) -> list[str]:
    return cxframe.validate(root, host=host())


# -- the employee context ----------------------------------------------------------------------------------------------


def test_a_valid_context_loads_with_documented_defaults(tmp_path: Path) -> None:
    root = programme(tmp_path / "p", {"roles": [role()], "voice_of_employee": {"channel": "forum"}})
    assert problems(root) == []
    context = load_context(cxframe.load_programme(root))
    assert context.frontline[0].id == "agent" and context.frontline[0].scorecard_kpis == ("aht", "csat", "fcr")
    assert context.anonymity_threshold == 5
    assert context.thresholds.min_link_teams == 5
    assert context.settings.item_scale == (1.0, 5.0)


def test_every_problem_in_the_section_is_named_with_its_key(tmp_path: Path) -> None:
    settings = {
        "roles": [role(training_hours_per_year=-4, occupancy=85, colour="red"), {"name": "no id"}],
        "thresholds": {"anonymity_threshold": 2, "max_occupancy": "high"},
        "voice_of_employee": {"channel": "forum", "suggestions": -1},
    }
    root = programme(tmp_path / "p", settings)
    found = "\n".join(problems(root))
    at = f"{root / 'cxframe.toml'}: plugins.cxframe-employee"
    for expected in [
        f"{at}.roles[0].training_hours_per_year: must be 0 or more, got -4.0",
        f"{at}.roles[0].occupancy: must be a share between 0 and 1 (0.8 for 80%), got 85.0",
        f"{at}.roles[0]: unknown key(s) colour; expected one of id, name, frontline",
        f"{at}.roles[1].id: required key is missing",
        f"{at}.thresholds.anonymity_threshold: must be at least 3, got 2",
        f"{at}.thresholds.max_occupancy: expected a number, got string 'high'",
        f"{at}.voice_of_employee.suggestions: must be 0 or more, got -1",
    ]:
        assert expected in found, found


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"voice_of_employee": {"channel": "forum", "suggestions": 3, "acted_on": 5}},
            "plugins.cxframe-employee.voice_of_employee.acted_on: 5 is more than the 3 suggestions received",
        ),
        (
            {"thresholds": {"min_training_hours": 5}},
            "plugins.cxframe-employee.thresholds.fail_training_hours: must not be above min_training_hours (5)",
        ),
        ({"roles": [role(), role()]}, "plugins.cxframe-employee.roles: role id 'agent' is used more than once"),
        ({"item_scale": [5, 1]}, "plugins.cxframe-employee.item_scale: expected [min, max] with min < max"),
        ({"trend_period": "week"}, "plugins.cxframe-employee.trend_period: expected one of 'month', 'quarter', 'year'"),
        (
            {"link": {"agent_column": "agent"}},
            "plugins.cxframe-employee.link: agent_column and agents_file go together",
        ),
        ({"roles_file": "nowhere.csv"}, "plugins.cxframe-employee.roles_file: file"),
    ],
)
def test_cross_checks(tmp_path: Path, settings: dict[str, Any], message: str) -> None:
    root = programme(tmp_path / "p", settings)
    assert any(message in problem for problem in problems(root)), problems(root)


def test_roles_from_a_csv_file(tmp_path: Path) -> None:
    root = programme(tmp_path / "p", {"roles_file": "roles.csv", "roles": [role(id="lead")]})
    shutil.copy(FIXTURES / "roles.csv", root / "roles.csv")
    context = load_context(cxframe.load_programme(root))
    roles = {r.id: r for r in context.roles}
    assert list(roles) == ["lead", "agent", "store", "analyst"]
    assert roles["agent"].common_issues_resolvable == pytest.approx(0.9)  # "90%"
    assert roles["agent"].scorecard_kpis == ("aht", "csat", "fcr")
    assert roles["store"].name == "Store associate, retail" and roles["store"].can_close_complaints is False
    assert roles["store"].scorecard_kpis == ("csat", "sales") and roles["store"].service_level is None
    assert roles["analyst"].frontline is False
    checks = {r.check: r for r in cxframe.check(root, host=host())}
    assert "store (Store associate, retail)" in " ".join(checks["employee.decision-authority"].evidence)


def test_csv_problems_name_the_file_and_line(tmp_path: Path) -> None:
    root = programme(tmp_path / "p", {"roles_file": "roles.csv", "thresholds": {"anonymity_threshold": 1}})
    shutil.copy(FIXTURES / "roles_bad.csv", root / "roles.csv")
    found = problems(root)
    csv_file = root / "roles.csv"
    for expected in [
        f"{csv_file}: line 2: headcount: expected a whole number, got 'ten'",
        f"{csv_file}: line 2: can_close_complaints: expected true or false (yes/no), got 'maybe'",
        f"{csv_file}: line 2: training_hours_per_year: must be 0 or more, got -4.0",
        f"{csv_file}: line 2: occupancy: must be a share between 0 and 1 (0.8 for 80%), got 1.85",
        f"{csv_file}: line 3: id: required, got an empty cell",
        f"{csv_file}: line 4: has 5 values, the header has 6",
        # reported with the programme file's own problems, not one round later
        "plugins.cxframe-employee.thresholds.anonymity_threshold: must be at least 3, got 1",
    ]:
        assert any(expected in problem for problem in found), (expected, found)


def test_csv_with_unknown_columns(tmp_path: Path) -> None:
    root = programme(tmp_path / "p", {"roles_file": "roles.csv"})
    (root / "roles.csv").write_text("id,hours\nagent,3\n", encoding="utf-8")
    assert any(
        f"{root / 'roles.csv'}: line 1: unknown column(s) hours; expected some of id, name" in p for p in problems(root)
    )


def test_a_bad_context_stops_the_employee_commands_with_the_messages(tmp_path: Path) -> None:
    root = programme(tmp_path / "p", {"roles": [role(training_hours_per_year=-4)]})
    # every command stops: the checks would otherwise run without the plugin's and look complete
    for command in (["employee", "enps"], ["employee", "link"], ["check"], ["measure"]):
        result = testing.invoke(["-C", str(root), *command], host=host())
        assert result.exit_code == 1, command
        assert "plugins.cxframe-employee.roles[0].training_hours_per_year: must be 0 or more, got -4.0" in result.output
        assert "Traceback" not in result.output


# -- employee survey data ----------------------------------------------------------------------------------------------


def test_unknown_roles_and_missing_teams_are_rejected_with_reasons_and_kept(tmp_path: Path) -> None:
    rows = [
        *staff_rows("a", scores(3, 1, 1)),
        "bad1,2026-03-02,a,manger,north,9,4",  # a typo of a role
        "bad2,2026-03-02,,agent,north,7,2",  # no team
        "ok1,2026-03-02,a,Contact-centre agent,north,10,5",  # a role named by its name
    ]
    root = programme(tmp_path / "p", {"roles": [role(), role(id="manager", name="Manager")]}, staff=rows)
    [summary] = cxframe.collect(root, host=host())
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (8, 6, 2)
    rejects = testing.read_table(root, "rejects")
    reasons = {(r["line"], r["reason"]) for r in rejects}
    assert reasons == {
        (7, "role: 'manger' is not a role of the employee context (plugins.cxframe-employee.roles: agent, manager)"),
        (8, "team: missing team id (every employee response needs its team)"),
    }
    # nothing is lost: each rejected response is kept whole, as its record
    assert {r["raw"] for r in rejects} == {"bad1,2026-03-02,a,manger,north,9,4", "bad2,2026-03-02,,agent,north,7,2"}
    stored = testing.read_table(root, "observations")
    assert {row["population"] for row in stored} == {"employee"}
    assert len(stored) == 12
    checks = {r.check: r for r in cxframe.check(root, host=host())}
    survey = checks["employee.survey-data"]
    assert survey.status is CheckStatus.WARN
    assert "2 employee-survey rows or answers were rejected at collection (see the rejects table)" in survey.evidence


def test_empowerment_answers_outside_the_item_scale_are_rejected(tmp_path: Path) -> None:
    rows = ["x1,2026-03-02,a,agent,north,9,7", "x2,2026-03-02,a,agent,north,9,5"]
    root = programme(tmp_path / "p", {"item_scale": [1, 5]}, staff=rows)
    cxframe.collect(root, host=host())
    reasons = [r["reason"] for r in testing.read_table(root, "rejects")]
    assert reasons == ["empowerment: 7 is outside the scale 1–5"]


def test_an_employee_source_must_map_the_team(tmp_path: Path) -> None:
    source = {**EMPLOYEE_SOURCE, "columns": {**EMPLOYEE_SOURCE["columns"], "segments": ["role"]}}  # type: ignore[dict-item]
    root = programme(tmp_path / "p", {}, sources=[source])
    (root / "staff.csv").write_text("id,when,role,enps,empowerment\n", encoding="utf-8")
    assert any("columns.segments: map the team column" in p for p in problems(root))
    with pytest.raises(InvalidInput, match="map the team column"):
        cxframe.collect(root, host=host())


def test_a_bad_context_stores_nothing_from_the_survey_and_loses_nothing(tmp_path: Path) -> None:
    root = programme(tmp_path / "p", {"roles": [role()]}, staff=staff_rows("a", scores(3, 1, 1)))
    cxframe.collect(root, host=host())
    before = testing.read_table(root, "observations")
    text = (
        (root / "cxframe.toml")
        .read_text(encoding="utf-8")
        .replace("training_hours_per_year = 30", "training_hours_per_year = -3")
    )
    (root / "cxframe.toml").write_text(text, encoding="utf-8")
    (root / "staff.csv").write_text((root / "staff.csv").read_text() + "new,2026-03-09,a,agent,north,9,4\n")
    with pytest.raises(InvalidInput, match="training_hours_per_year: must be 0 or more"):
        cxframe.collect(root, host=host())
    assert testing.read_table(root, "observations") == before


def test_survey_csv_with_population_employee_is_checked_after_the_fact(tmp_path: Path) -> None:
    source = {**EMPLOYEE_SOURCE, "collector": "survey-csv", "options": {"population": "employee"}}
    rows = [*staff_rows("a", scores(3, 1, 1)), "u1,2026-03-02,a,boss,north,9,4", "u2,2026-03-02,,agent,north,9,4"]
    root = programme(tmp_path / "p", {"roles": [role()]}, sources=[source])
    (root / "staff.csv").write_text("id,when,team,role,site,enps,empowerment\n" + "\n".join(rows) + "\n")
    cxframe.collect(root, host=host())
    survey = {r.check: r for r in cxframe.check(root, host=host())}["employee.survey-data"]
    assert survey.status is CheckStatus.WARN
    assert survey.evidence == (
        "14 employee answers stored",
        "2 employee answers have no team (left out of every by-team result)",
        "roles not in the employee context: 'boss' (known: agent)",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "department"], "--by: unknown segment column(s) department"),
        (["--metric", "nps"], "metric 'nps' is not an employee metric (population 'customer', expected 'employee')"),
        (["--metric", "happiness"], "unknown metric 'happiness'"),
    ],
)
def test_enps_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    root = programme(tmp_path / "p", {}, staff=staff_rows("a", scores(3, 1, 1)))
    cxframe.collect(root, host=host())
    result = testing.invoke(["-C", str(root), "employee", "enps", *args], host=host())
    assert result.exit_code == 1 and message in result.output, result.output


def test_python_api_exports() -> None:
    assert callable(cxframe_employee.enps) and callable(cxframe_employee.employee_evidence)
    assert cxframe_employee.SETTINGS == "cxframe-employee"


@pytest.mark.slow
def test_kill_9_during_an_employee_survey_ingest_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    root = programme(tmp_path / "p", {"roles": [role()]}, staff=staff_rows("a", scores(3, 1, 1)))
    cxframe.collect(root, host=host())
    before = len(testing.read_table(root, "observations"))
    (root / "staff.csv").write_text(
        "id,when,team,role,site,enps,empowerment\n"
        + "".join(f"k{n},2026-03-{n % 28 + 1:02d},t{n % 9},agent,north,{n % 11},{n % 5 + 1}\n" for n in range(20_000)),
        encoding="utf-8",
    )
    marker = tmp_path / "marker"
    # the store's process stalls on its third chunk, two written inside the transaction, then is killed
    script = f"""
import pathlib, sys, time
sys.path.insert(0, {str(Path(__file__).parent)!r})
import cxframe, cxframe.ingestion._staged as staged, cxframe.ingestion._delimited as delimited
from employee_helpers import host
staged.CHUNK, delimited.BLOCK_BYTES = 1000, 8192
write, calls = staged._ResponseWriter.write, []
def stalled(self, *args, **kwargs):
    calls.append(1)
    if len(calls) == 3:
        pathlib.Path({str(marker)!r}).touch()
        time.sleep(60)
    write(self, *args, **kwargs)
staged._ResponseWriter.write = stalled
cxframe.collect({str(root)!r}, host=host())
"""
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        wait_for_marker(process, marker)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    assert len(testing.read_table(root, "observations")) == before
    assert len(testing.read_table(root, "ingests")) == 1


def test_a_quote_left_open_in_the_staff_survey_is_a_reject_of_its_line_and_later_rows_are_stored(
    tmp_path: Path,
) -> None:
    rows = [
        *staff_rows("a", scores(3, 1, 1)),
        'open,2026-03-02,a,agent,"north,9,4',  # the quote never closes
        "ok1,2026-03-02,a,agent,north,10,5",
    ]
    root = programme(tmp_path / "p", {"roles": [role()]}, staff=rows)
    [summary] = cxframe.collect(root, host=host())
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (7, 6, 1)
    [reject] = testing.read_table(root, "rejects")
    assert (reject["line"], reject["raw"]) == (7, 'open,2026-03-02,a,agent,"north,9,4')
    assert reject["reason"].startswith("a quote opens a cell on this line and never closes")
