"""Errors and output lines a new user tripped over: each says its thing once, in the right words (new-user walkthrough)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cxframe import testing
from cxframe.cli import cli
from cxframe.cli._common import shown_paths
from cxframe.contracts._errors import InvalidInput


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-C", str(root), *args])


def errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize(
    "options",
    [
        (),
        ("--collector", "survey-csv"),
        ("--collector", "survey-csv", "--column", "timestamp=Date", "--column", "questions.nps=Q1"),
    ],
)
@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf\r\n\n"])
def test_an_empty_file_is_one_error_naming_it(tmp_path: Path, options: tuple[str, ...], content: bytes) -> None:
    root = testing.make_programme(tmp_path / "p", 'name = "Empty"\n')
    (root / "empty.csv").write_bytes(content)
    result = run(root, "collect", str(root / "empty.csv"), *options)
    assert result.exit_code == 1, result.output
    assert len(errors(result)) == 1, result.stderr
    assert "empty.csv: the file is empty" in errors(result)[0]
    assert "not recognised" not in result.stderr and "columns." not in result.stderr


SURVEY = """name = "Survey"

[[sources]]
id = "survey"
collector = "survey-csv"
path = "data/survey.csv"
[sources.columns]
timestamp = "submitted_at"
[sources.columns.questions]
nps = "likely_to_recomend"
"""


def test_a_collect_error_names_the_file_once(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p", SURVEY)
    (root / "data").mkdir()
    (root / "data" / "survey.csv").write_text("submitted_at,likely_to_recommend\n2026-01-01T10:00:00Z,9\n", "utf-8")
    (root / "other.csv").write_text("when,score\n2026-01-01T10:00:00Z,9\n", "utf-8")
    declared = run(root, "collect")
    adhoc = run(root, "collect", str(root / "other.csv"), "--collector", "survey-csv", "--column", "timestamp=when")
    assert declared.exit_code == adhoc.exit_code == 1
    [missing] = errors(declared)
    assert missing.count("survey.csv") == 1, missing
    assert "data/survey.csv: source 'survey': columns.questions.nps: no column 'likely_to_recomend';" in missing
    [unmapped] = errors(adhoc)  # a file collected without [[sources]] is named by its path: no "source 'other.csv'"
    assert unmapped.count("other.csv") == 1 and unmapped.endswith(
        'other.csv: columns.questions: expected a table of question id = column name, e.g. { nps = "Q1" }'
    ), unmapped


def test_where_is_not_prefixed_twice() -> None:
    passed_on = InvalidInput(InvalidInput(["line 3: bad"], where="data/x.csv").messages, where="data/x.csv")
    assert passed_on.messages == ["data/x.csv: line 3: bad"]
    assert InvalidInput(["bad"], where="x.csv").messages == ["x.csv: bad"]


def test_paths_in_messages_are_relative_to_the_current_directory_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = testing.make_programme(tmp_path / "p", 'name = "Paths"\n')
    (root / "empty.csv").write_text("", "utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(tmp_path)
    # the improve plugin names the programme file by its absolute path; the core as given (-C p): both shown alike
    edited = run(root, "actions", "add", "queues", "--title", "Shorter queues", "--touchpoint", "nowhere")
    checked = run(Path("p"), "collect", str(root / "empty.csv"))
    assert errors(edited) == ["error: p/cxframe.toml: actions[0].touchpoint: unknown touchpoint 'nowhere'"]
    assert errors(checked) == ["error: p/empty.csv: the file is empty; there is nothing to collect"]
    # outside the current directory a path stays absolute
    monkeypatch.chdir(outside)
    assert errors(run(root, "collect", str(root / "empty.csv"))) == [
        f"error: {root / 'empty.csv'}: the file is empty; there is nothing to collect"
    ]


def test_shown_paths_touches_only_paths_that_start_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    here = str(tmp_path)
    text = f"{here}/a.csv: see file://{here}/b and {here}x/c and {here}/ and {here}"
    assert shown_paths(text) == f"a.csv: see file://{here}/b and {here}x/c and {here}/ and {here}"


def test_a_plan_without_objectives_is_not_marked_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    root = testing.make_programme(tmp_path / "p", 'name = "No plan"\n')
    host = testing.plugin_host(entry_points=True)
    ran = testing.invoke(["-C", str(root), "run", "--json"], host=host)
    plan = next(stage for stage in json.loads(ran.stdout) if stage["stage"] == "plan")
    assert set(plan) == {"stage", "status", "counts", "messages"}  # DESIGN §11's shape
    assert plan["counts"] == {"objectives": 0} and plan["status"] == "ok"
    assert any("objectives: none set" in message for message in plan["messages"])
    table = testing.invoke(["-C", str(root), "run"], host=host)
    row = next(line for line in table.stdout.splitlines() if line.startswith("│ plan"))
    assert "! 1 note" in row and "✓" not in row
    assessed = testing.invoke(["-C", str(root), "assess"], host=host)
    line = " ".join(assessed.stdout.split())
    assert "plan ! 0 objectives (1 note)" in line and "plan ✓" not in line


ONE_EVENT = (
    '<log><trace><string key="concept:name" value="1"/><event><string key="concept:name" value="a"/>'
    '<date key="time:timestamp" value="2025-01-01T00:00:00Z"/></event></trace></log>'
)
SUMMARY_KEYS = {
    "source", "collector", "path", "unchanged", "rows_read", "rows_accepted", "rows_partial", "rows_rejected",
    "records_stored", "records_duplicate", "records_replaced", "rewritten", "notes", "ingest_id", "content_hash",
    "answers_skipped", "warnings",
}  # fmt: skip


def test_counts_are_singular_for_one_and_an_xes_log_reads_events(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p", 'name = "Counts"\n')
    (root / "one.xes").write_text(ONE_EVENT, "utf-8")
    (root / "one.csv").write_text("id,when,score\n1,2026-01-01T10:00:00Z,9\n", "utf-8")
    direct = run(root, "journey", "variants", str(root / "one.xes"), "--no-store")
    assert "one.xes: read 1 event: 1 accepted, 0 rejected; nothing stored" in direct.stderr + direct.stdout
    assert "1 variant over 1 case" in direct.stdout
    events = run(root, "collect", str(root / "one.xes"), "--collector", "xes")
    assert "one.xes: read 1 event: 1 accepted, 0 accepted in part, 0 rejected; 1 record stored," in events.stdout
    rows = run(
        root, "collect", str(root / "one.csv"), "--collector", "survey-csv",
        "--column", "timestamp=when", "--column", "questions.nps=score",
    )  # fmt: skip
    assert "one.csv: read 1 row: 1 accepted, 0 accepted in part, 0 rejected; 1 record stored," in rows.stdout
    (root / "two.xes").write_text(ONE_EVENT.replace('value="1"', 'value="2"'), "utf-8")
    [summary] = json.loads(run(root, "collect", str(root / "two.xes"), "--collector", "xes", "--json").stdout)
    assert set(summary) == SUMMARY_KEYS and summary["rows_read"] == 1  # the JSON keeps DESIGN §11's keys


@pytest.mark.parametrize("command", ["variants", "dfg"])
def test_a_log_outside_a_programme_folder_is_pointed_to_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    (tmp_path / "one.xes").write_text(ONE_EVENT, "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["journey", command, "one.xes"])
    assert result.exit_code == 1
    [error] = errors(result)
    assert "no programme file here; run `cxframe init .` to create one" in error
    assert error.endswith(f"or read the log without a store: `cxframe journey {command} one.xes --no-store`")
    # and that command works there
    direct = CliRunner().invoke(cli, ["journey", command, "one.xes", "--no-store"])
    assert direct.exit_code == 0, direct.output


def test_a_programme_above_the_current_directory_is_named_by_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = testing.make_programme(tmp_path / "p", 'name = "Above"\n')
    (root / "data").mkdir()
    monkeypatch.chdir(root / "data")
    result = CliRunner().invoke(cli, ["-C", "..", "actions", "add", "q", "--title", "Q", "--touchpoint", "nowhere"])
    assert errors(result) == [f"error: {root / 'cxframe.toml'}: actions[0].touchpoint: unknown touchpoint 'nowhere'"]
    assert shown_paths("../x.csv: a/../b and ../../q") == f"{root}/x.csv: a/../b and {root.parent}/q"
