"""cxframe-journey: ``cxframe journey variants`` and ``cxframe journey dfg``."""

from __future__ import annotations

import importlib.metadata
import json
import shutil
from pathlib import Path

import click.testing
import pytest
from journey_support import FIXTURES, host, programme

import cxframe_journey
from cxframe import testing


def invoke(*args: str) -> click.testing.Result:
    return testing.invoke(list(args), host=host())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = programme(tmp_path / "p")
    shutil.copy(FIXTURES / "tickets.xes", folder / "tickets.xes")
    (folder / "log.csv").write_text(
        "id,what,when\n1,a,2025-01-01T09:00:00Z\n1,b,2025-01-01T09:01:00Z\n2,a,2025-01-01T10:00:00Z\n", "utf-8"
    )
    return folder


def test_variants_json_has_the_public_shape(root: Path) -> None:
    result = invoke("-C", str(root), "journey", "variants", str(root / "tickets.xes"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"activities": ["call", "call", "email"], "count": 1, "share": 0.5},
        {"activities": ["chat"], "count": 1, "share": 0.5},
    ]
    # the ingest summary goes to stderr, so stdout stays JSON
    assert "tickets.xes: read 8 events: 4 accepted, 0 accepted in part, 4 rejected" in result.stderr


def test_dfg_json_has_the_public_shape(root: Path) -> None:
    result = invoke("journey", "dfg", str(root / "tickets.xes"), "--json", "-C", str(root))
    assert result.exit_code == 0, result.output
    graph = json.loads(result.stdout)
    assert set(graph) == {"edges", "start", "end"}
    assert graph["edges"] == [
        {"source": "call", "target": "call", "count": 1, "mean_seconds": 1200.0, "median_seconds": 1200.0},
        {"source": "call", "target": "email", "count": 1, "mean_seconds": 6000.0, "median_seconds": 6000.0},
    ]
    assert graph["start"] == {"call": 1, "chat": 1} and graph["end"] == {"chat": 1, "email": 1}


def test_csv_columns_are_named_with_options(root: Path) -> None:
    args = ["-C", str(root), "journey", "variants", str(root / "log.csv"), "--json"]
    result = invoke(*args, "--case", "id", "--activity", "what", "--timestamp", "when")
    assert result.exit_code == 0, result.output
    assert [v["activities"] for v in json.loads(result.stdout)] == [["a"], ["a", "b"]]
    # without them, pm4py's column names are expected, and the error lists the real ones
    other = root / "other.csv"
    other.write_text("id,what,when\n1,a,2025-01-01T09:00:00Z\n", "utf-8")
    result = invoke("-C", str(root), "journey", "variants", str(other))
    assert result.exit_code == 1
    assert (
        "other.csv: columns.case: no column 'case:concept:name' in the header (line 1); "
        "its columns, closest first: what, when, id" in result.stderr
    )


def test_without_a_log_the_stored_events_are_read(root: Path) -> None:
    assert invoke("-C", str(root), "journey", "variants", str(root / "tickets.xes")).exit_code == 0
    args = ["--case", "id", "--activity", "what", "--timestamp", "when"]
    assert invoke("-C", str(root), "journey", "variants", str(root / "log.csv"), *args).exit_code == 0
    both = json.loads(invoke("-C", str(root), "journey", "variants", "--json").stdout)
    assert sum(v["count"] for v in both) == 4
    one = json.loads(invoke("-C", str(root), "journey", "dfg", "--source", "log.csv", "--json").stdout)
    assert one["edges"] == [{"source": "a", "target": "b", "count": 1, "mean_seconds": 60.0, "median_seconds": 60.0}]
    result = invoke("-C", str(root), "journey", "dfg", "--source", "nope")
    assert result.exit_code == 1
    assert "no events from source 'nope' (sources with events: log.csv, tickets.xes)" in result.stderr


def test_recollecting_says_unchanged_and_gives_the_same_answer(root: Path) -> None:
    first = invoke("-C", str(root), "journey", "variants", str(root / "tickets.xes"), "--json")
    again = invoke("-C", str(root), "journey", "variants", str(root / "tickets.xes"), "--json")
    assert first.stdout == again.stdout
    assert "unchanged since it was last collected, nothing to add" in again.stderr
    assert len(testing.read_table(root, "events")) == 4


def test_tables_for_people(root: Path) -> None:
    result = invoke("-C", str(root), "journey", "variants", str(root / "tickets.xes"))
    assert result.exit_code == 0
    assert "call → call → email" in result.stdout and "2 variants over 2 cases" in result.stdout
    result = invoke("-C", str(root), "journey", "dfg", "--limit", "1")
    assert "call" in result.stdout and "20.0 min" in result.stdout and "start activity" in result.stdout
    assert "email" not in result.stdout.split("start activity")[0]


def test_an_empty_store_says_what_to_do(root: Path) -> None:
    result = invoke("-C", str(root), "journey", "variants")
    assert result.exit_code == 0
    assert "no events in the store: collect an event log first" in result.stderr
    assert json.loads(invoke("-C", str(root), "journey", "dfg", "--json").stdout) == {
        "edges": [],
        "start": {},
        "end": {},
    }


@pytest.mark.parametrize(
    ("log", "message"),
    [
        ("missing.xes", "missing.xes: no such file, and not a source of the programme (sources: none)"),
        (
            "notes.json",
            "notes.json: cannot tell the log's format from its name; expected one of .csv, .tsv, .txt, .xes",
        ),
    ],
)
def test_bad_logs_exit_1_with_a_clear_message(
    root: Path, log: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "notes.json").write_text("{}", "utf-8")
    monkeypatch.chdir(root)
    result = invoke("journey", "variants", log)
    assert result.exit_code == 1
    assert f"error: {message}" in result.stderr


def test_logs_with_the_same_name_in_different_folders_stay_apart(root: Path) -> None:
    for folder, activity in (("2025", "a"), ("2026", "b")):
        (root / folder).mkdir()
        (root / folder / "log.csv").write_text(
            f"case:concept:name,concept:name,time:timestamp\n1,{activity},2025-01-01\n", "utf-8"
        )
    first = invoke("-C", str(root), "journey", "variants", str(root / "2025" / "log.csv"), "--json")
    second = invoke("-C", str(root), "journey", "variants", str(root / "2026" / "log.csv"), "--json")
    assert [v["activities"] for v in json.loads(first.stdout)] == [["a"]]
    assert [v["activities"] for v in json.loads(second.stdout)] == [["b"]]
    stored = json.loads(invoke("-C", str(root), "journey", "variants", "--source", "2026/log.csv", "--json").stdout)
    assert stored == json.loads(second.stdout)


def test_a_programme_source_can_be_named_as_the_log(tmp_path: Path) -> None:
    folder = programme(
        tmp_path / "p",
        sources=[{"id": "tickets", "collector": "xes", "path": "t.xes", "options": {"lifecycle": "complete"}}],
    )
    shutil.copy(FIXTURES / "tickets.xes", folder / "t.xes")
    result = invoke("-C", str(folder), "journey", "variants", "tickets", "--json")
    assert result.exit_code == 0, result.output
    assert [v["activities"] for v in json.loads(result.stdout)] == [["call", "email"], ["chat"]]


def test_no_programme_folder_is_an_error(tmp_path: Path) -> None:
    result = invoke("-C", str(tmp_path / "nowhere"), "journey", "variants")
    assert result.exit_code == 1 and "error:" in result.stderr


def test_the_commands_and_collectors_are_registered() -> None:
    result = invoke("plugins", "--json")
    [entry] = [p for p in json.loads(result.stdout) if "event-csv" in p["collectors"]]
    assert entry["collectors"] == ["event-csv", "xes"]
    assert "journey" in invoke("--help").stdout


def test_the_entry_point_is_declared() -> None:
    try:
        points = importlib.metadata.entry_points(group="cxframe", name="journey")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        pytest.skip("cxframe-journey is not installed")
    if not points:
        pytest.skip("cxframe-journey is not installed (pip install -e plugins/journey)")
    assert [point.value for point in points] == ["cxframe_journey"]
    assert points["journey"].load() is cxframe_journey
