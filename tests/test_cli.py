"""The command line: shapes of the JSON others rely on, -C everywhere, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cxframe
from cxframe import testing
from cxframe.cli import BUILTIN_COMMANDS
from cxframe.contracts._jsonschema import CONTRACTS
from cxframe.host._manager import PluginHost
from tests.conftest import write_answers


def answers(n: int) -> list[tuple[str, ...]]:
    regions = ["north", "south"]
    return [(f"r{i}", "score", str(3 + i % 5), f"2026-{1 + i % 6:02d}-10T10:00:00Z", regions[i % 2]) for i in range(n)]


@pytest.fixture
def collected(programme: Path, host: PluginHost) -> Path:
    write_answers(programme / "answers.csv", answers(120))
    result = testing.invoke(["-C", str(programme), "collect"], host=host)
    assert result.exit_code == 0, result.output
    assert (
        "answers: read 120 rows: 120 accepted, 0 accepted in part, 0 rejected; 120 records stored, 0 skipped as duplicate"
        in result.stdout
    )
    return programme


@pytest.mark.parametrize("command", [c.name for c in BUILTIN_COMMANDS])
def test_every_command_has_help_and_takes_programme_and_strict(command: str) -> None:
    result = testing.invoke([command, "--help"])
    assert result.exit_code == 0
    assert "-C, --programme" in result.stdout and "--strict" in result.stdout


def test_schema_lists_contracts_and_prints_json_schema() -> None:
    listed = testing.invoke(["schema"]).stdout.split()
    assert listed == [*CONTRACTS, "assessment"]
    schema = json.loads(testing.invoke(["schema", "journey"]).stdout)
    assert schema["title"] == "Journey" and "JourneyStage" in schema["$defs"]
    unknown = testing.invoke(["schema", "nope"])
    assert unknown.exit_code == 1 and "unknown contract 'nope'" in unknown.stderr


def test_measure_json_has_the_public_shape(collected: Path, host: PluginHost) -> None:
    result = testing.invoke(
        ["measure", "-C", str(collected), "--metric", "mean_score", "--by", "region", "--period", "quarter", "--json"],
        host=host,
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {tuple(r["segment"].items()) for r in rows} == {(("region", "north"),), (("region", "south"),)}
    assert {r["period"] for r in rows} == {"2026-Q1", "2026-Q2"}
    for row in rows:
        assert {"metric", "segment", "period", "value", "n", "ci_low", "ci_high", "confidence", "flags"} <= set(row)
        assert row["ci_low"] <= row["value"] <= row["ci_high"] and row["confidence"] == 0.95
    assert sum(r["n"] for r in rows) == 120
    stored = testing.read_table(collected, "metric_results")
    assert len(stored) == len(rows)


def test_measure_overall_and_unknown_inputs(collected: Path, host: PluginHost) -> None:
    [overall] = json.loads(testing.invoke(["-C", str(collected), "measure", "--json"], host=host).stdout)
    assert overall["segment"] == {} and overall["period"] is None and overall["n"] == 120
    assert overall["value"] == pytest.approx(5.0)
    bad = testing.invoke(["-C", str(collected), "measure", "--by", "colour"], host=host)
    assert bad.exit_code == 1 and "unknown segment column(s) colour (known: touchpoint, channel" in bad.stderr
    missing = testing.invoke(["-C", str(collected), "measure", "--metric", "nope"], host=host)
    assert missing.exit_code == 1 and "unknown metric 'nope' (known: mean_score)" in missing.stderr
    table = testing.invoke(["-C", str(collected), "measure", "--by", "region"], host=host)
    assert "mean_score" in table.stdout and "north" in table.stdout


def test_run_walks_every_stage_and_reports_objectives(collected: Path, host: PluginHost) -> None:
    result = testing.invoke(["-C", str(collected), "run", "--json"], host=host)
    assert result.exit_code == 0, result.output
    outcomes = json.loads(result.stdout)
    assert [o["stage"] for o in outcomes] == ["context", "plan", "design", "measure", "improve"]
    [objective] = testing.read_table(collected, "metric_results", "objective IS NOT NULL")
    assert objective["objective"] == "score-up" and objective["target_status"] == "inconclusive"
    only = testing.invoke(["-C", str(collected), "run", "--stage", "design", "--stage", "context", "--json"], host=host)
    assert [o["stage"] for o in json.loads(only.stdout)] == ["context", "design"]


def test_check_json_has_the_public_shape(collected: Path, host: PluginHost) -> None:
    [row] = json.loads(testing.invoke(["-C", str(collected), "check", "--json"], host=host).stdout)
    assert set(row) >= {"check", "plugin", "status", "severity", "evidence", "recommendation"}
    assert (row["check"], row["plugin"], row["status"]) == ("toy.has-data", "tests.toy_plugin", "pass")


def test_collect_json_and_a_clear_error_for_a_missing_file(collected: Path, host: PluginHost) -> None:
    [summary] = json.loads(testing.invoke(["-C", str(collected), "collect", "--json"], host=host).stdout)
    assert summary["unchanged"] is True
    missing = testing.invoke(["-C", str(collected), "collect", "nowhere.csv", "--collector", "toy-csv"], host=host)
    # a file outside the programme is named by its absolute path, shown relative to the current directory
    assert missing.exit_code == 1 and "error: nowhere.csv: file not found" in missing.stderr


def test_commands_outside_a_programme_say_so(tmp_path: Path, host: PluginHost) -> None:
    result = testing.invoke(["-C", str(tmp_path), "measure"], host=host)
    assert result.exit_code == 1 and "cxframe init" in result.stderr and "Traceback" not in result.output


def test_init_and_demo_from_the_cli(tmp_path: Path) -> None:
    made = testing.invoke(["init", str(tmp_path / "p")])
    assert made.exit_code == 0 and (tmp_path / "p" / "cxframe.toml").exists()
    demo = testing.invoke(["demo", str(tmp_path / "demo")])  # the installed plugins, as a user has them
    assert demo.exit_code == 0, demo.output
    assert "Harbour Bank" in demo.stdout and "Objectives: 3 met, 2 not met, 1 inconclusive" in demo.stdout
    assert "Findings" in demo.stdout and "Next actions" in demo.stdout
    assert (tmp_path / "demo" / "reports" / "assessment.json").exists()
    again = testing.invoke(["demo", str(tmp_path / "demo")])
    assert "unchanged since it was last collected" in again.stdout


def test_why_no_results_says_what_a_metric_reads(programme: Path, host: PluginHost) -> None:
    hint = (
        "mean_score: no answers to question 'score' from population 'customer' "
        "(map a source's column to that question and run `cxframe collect`)"
    )
    assert cxframe.why_no_results(programme, ["mean_score"], host=host) == [hint]
    assert cxframe.why_no_results(programme, "mean_score", host=host) == [hint]
    result = testing.invoke(["-C", str(programme), "measure", "--metric", "mean_score"], host=host)
    assert result.exit_code == 0 and hint in result.stdout
    cxframe.collect(programme, host=host)
    results = cxframe.measure(programme, "mean_score", host=host)
    assert results and cxframe.why_no_results(programme, ["mean_score"], results, host=host) == []
