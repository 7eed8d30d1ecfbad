"""Collecting files that are not sources of the programme: their names, columns and options."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

import cxframe
from cxframe import Collector, SourceReader, hookimpl, testing
from cxframe.cli.collect import parse_assignments
from cxframe.contracts._batches import CollectedRow
from cxframe.contracts._errors import InvalidInput
from cxframe.host._manager import PluginHost
from tests import toy_plugin
from tests.conftest import write_answers


def rows(n: int, value: int = 7, start: int = 0) -> list[tuple[str, ...]]:
    # the same response ids in every file: their keys differ only by the source name
    return [(f"r{i}", "score", str(value), f"2026-01-{1 + i % 28:02d}T10:00:00Z", "north") for i in range(start, n)]


class Recorder:
    """A collector like toy-csv that remembers the reader it was handed."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def read(self, source: SourceReader) -> Iterator[CollectedRow]:
        self.seen.append(
            {"id": source.id, "columns": source.columns, "options": source.options, "encoding": source.encoding}
        )
        yield from toy_plugin.read(source)

    @hookimpl
    def register_collectors(self) -> list[Collector]:
        return [Collector(id="recorder", description="toy rows, recorded", read=self.read)]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def recording_host(recorder: Recorder) -> PluginHost:
    return testing.plugin_host(toy_plugin, recorder)


def sources_stored(programme: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in testing.read_table(programme, "observations"):
        counts[row["source"]] = counts.get(row["source"], 0) + 1
    return counts


# --- names ---------------------------------------------------------------------------------


def test_two_files_with_the_same_name_stay_apart(programme: Path, host: PluginHost) -> None:
    (programme / "a").mkdir()
    (programme / "b").mkdir()
    first = write_answers(programme / "a" / "survey.csv", rows(5, value=3))
    second = write_answers(programme / "b" / "survey.csv", rows(5, value=9))
    summaries = cxframe.collect(programme, [str(first), str(second)], collector="toy-csv", host=host)
    assert [s.source for s in summaries] == ["a/survey.csv", "b/survey.csv"]
    assert [s.records_stored for s in summaries] == [5, 5]
    assert sources_stored(programme) == {"a/survey.csv": 5, "b/survey.csv": 5}
    values = {(row["source"], row["value"]) for row in testing.read_table(programme, "observations")}
    assert values == {("a/survey.csv", 3.0), ("b/survey.csv", 9.0)}


def test_a_file_outside_the_programme_is_named_by_its_absolute_path(
    programme: Path, host: PluginHost, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "exports" / "survey.csv"
    elsewhere.parent.mkdir()
    write_answers(elsewhere, rows(3))
    inside = write_answers(programme / "survey.csv", rows(3, value=1))
    summaries = cxframe.collect(programme, [str(elsewhere), str(inside)], collector="toy-csv", host=host)
    assert [s.source for s in summaries] == [elsewhere.resolve().as_posix(), "survey.csv"]
    assert sources_stored(programme) == {elsewhere.resolve().as_posix(): 3, "survey.csv": 3}


def test_the_same_file_keeps_its_name_however_it_is_spelled(
    programme: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    (programme / "data").mkdir()
    path = write_answers(programme / "data" / "survey.csv", rows(4))
    [first] = cxframe.collect(programme, [str(path)], collector="toy-csv", host=host)
    monkeypatch.chdir(programme / "data")
    [again] = cxframe.collect(programme, ["../data/./survey.csv"], collector="toy-csv", host=host)
    assert again.unchanged and again.source == first.source == "data/survey.csv"
    # a grown file adds only its new rows: the old ones are recognised by their keys
    write_answers(path, rows(6))
    [grown] = cxframe.collect(programme, ["survey.csv"], collector="toy-csv", host=host)
    assert not grown.unchanged and grown.source == "data/survey.csv"
    assert (grown.rows_read, grown.records_stored) == (6, 2)
    assert sources_stored(programme) == {"data/survey.csv": 6}


def test_a_file_named_like_a_declared_source_is_refused(programme: Path, host: PluginHost) -> None:
    # the fixture declares source "answers" at answers.csv; this is a different file called "answers"
    other = write_answers(programme / "answers", rows(2))
    with pytest.raises(InvalidInput, match="named 'answers' like a source of the programme"):
        cxframe.collect(programme, [str(other)], collector="toy-csv", host=host)
    assert testing.read_table(programme, "observations") == []


def test_a_declared_source_given_by_path_keeps_its_id(programme: Path, host: PluginHost) -> None:
    [summary] = cxframe.collect(programme, [str(programme / "answers.csv")], host=host)
    assert summary.source == "answers"


# --- columns, options, encoding -----------------------------------------------------------------


def test_columns_options_and_encoding_reach_the_collector(
    programme: Path, recording_host: PluginHost, recorder: Recorder
) -> None:
    path = write_answers(programme / "extra.csv", rows(2))
    columns = {"timestamp": "Date", "questions": {"nps": "Q1"}}
    options = {"scales": {"ces": [1, 7]}, "time_zone": "Europe/Berlin"}
    [summary] = cxframe.collect(
        programme,
        [str(path)],
        collector="recorder",
        columns=columns,
        options=options,
        encoding="utf-8",
        host=recording_host,
    )
    assert summary.records_stored == 2
    assert recorder.seen == [{"id": "extra.csv", "columns": columns, "options": options, "encoding": "utf-8"}]


def test_columns_and_options_are_refused_for_declared_sources(programme: Path, host: PluginHost) -> None:
    with pytest.raises(InvalidInput, match="answers take theirs from the programme file"):
        cxframe.collect(programme, columns={"timestamp": "Date"}, host=host)
    extra = write_answers(programme / "extra.csv", rows(1))
    with pytest.raises(InvalidInput, match="columns/options apply to files that are not sources"):
        cxframe.collect(programme, ["answers", str(extra)], collector="toy-csv", options={"x": 1}, host=host)
    assert testing.read_table(programme, "observations") == []


@pytest.mark.parametrize("bad", [["timestamp=Date"], "timestamp=Date", 3])
def test_columns_must_be_a_mapping(programme: Path, host: PluginHost, bad: Any) -> None:
    extra = write_answers(programme / "extra.csv", rows(1))
    with pytest.raises(InvalidInput, match="columns: expected a mapping"):
        cxframe.collect(programme, [str(extra)], collector="toy-csv", columns=bad, host=host)


# --- KEY=VALUE on the command line ----------------------------------------------------------------


def test_assignments_nest_dotted_keys_and_read_toml_values() -> None:
    assert parse_assignments(
        ("timestamp=Date", "questions.nps = Q1", "questions.ces=Q 2", 'segments=["region", "tier"]'),
        "--column",
        column=True,
    ) == {"timestamp": "Date", "questions": {"nps": "Q1", "ces": "Q 2"}, "segments": ["region", "tier"]}
    assert parse_assignments(
        ("scales.ces=[1, 7]", "strict=true", "limit=3", "time_zone=Europe/Berlin", 'label="a=b"', "empty="),
        "--option",
    ) == {
        "scales": {"ces": [1, 7]},
        "strict": True,
        "limit": 3,
        "time_zone": "Europe/Berlin",
        "label": "a=b",
        "empty": "",
    }


def test_column_values_that_look_like_numbers_stay_names() -> None:
    assert parse_assignments(("questions.nps=2024", "flag=true"), "--column", column=True) == {
        "questions": {"nps": "2024"},
        "flag": "true",
    }
    assert parse_assignments(("limit=2024",), "--option") == {"limit": 2024}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (("timestamp",), "'timestamp': expected KEY=VALUE"),
        (("=Date",), "expected KEY=VALUE with a non-empty KEY"),
        (("questions..nps=Q1",), "expected KEY=VALUE with a non-empty KEY"),
        (("timestamp=A", "timestamp=B"), "timestamp is given more than once"),
        (("questions=Q1", "questions.nps=Q1"), "questions is already set to a value, not a table"),
        (("questions.nps=Q1", "questions=Q1"), "questions is given more than once"),
    ],
)
def test_bad_assignments_are_clear_errors(items: tuple[str, ...], message: str) -> None:
    with pytest.raises(click.BadParameter, match=message):
        parse_assignments(items, "--column", column=True)


def test_cli_collects_files_of_the_same_name_with_columns_and_options(
    programme: Path, recording_host: PluginHost, recorder: Recorder
) -> None:
    (programme / "a").mkdir()
    (programme / "b").mkdir()
    write_answers(programme / "a" / "survey.csv", rows(3, value=2))
    write_answers(programme / "b" / "survey.csv", rows(3, value=8))
    result = testing.invoke(
        [
            "-C",
            str(programme),
            "collect",
            str(programme / "a" / "survey.csv"),
            str(programme / "b" / "survey.csv"),
            "--collector",
            "recorder",
            "--column",
            "questions.nps=Q1",
            "--option",
            "scales.nps=[0, 10]",
            "--json",
        ],
        host=recording_host,
    )
    assert result.exit_code == 0, result.output
    summaries = json.loads(result.stdout)
    assert [(s["source"], s["records_stored"]) for s in summaries] == [("a/survey.csv", 3), ("b/survey.csv", 3)]
    assert [seen["columns"] for seen in recorder.seen] == [{"questions": {"nps": "Q1"}}] * 2
    assert [seen["options"] for seen in recorder.seen] == [{"scales": {"nps": [0, 10]}}] * 2
    same = ["--collector", "recorder", "--column", "questions.nps=Q1", "--option", "scales.nps=[0, 10]"]
    again = testing.invoke(
        ["-C", str(programme), "collect", os.path.relpath(programme / "a" / "survey.csv"), *same],
        host=recording_host,
    )
    assert again.exit_code == 0 and "a/survey.csv: unchanged" in again.output
    # other settings for the same bytes: read again, replacing what the old settings stored
    changed = testing.invoke(
        ["-C", str(programme), "collect", str(programme / "a" / "survey.csv"), "--collector", "recorder"],
        host=recording_host,
    )
    assert changed.exit_code == 0 and "its settings changed" in changed.output


def test_cli_bad_key_value_is_a_usage_error(programme: Path, host: PluginHost) -> None:
    result = testing.invoke(
        ["-C", str(programme), "collect", str(programme / "answers.csv"), "--collector", "toy-csv", "--column", "oops"],
        host=host,
    )
    assert result.exit_code == 2
    assert "--column" in result.output and "'oops': expected KEY=VALUE" in result.output
    assert testing.read_table(programme, "observations") == []


def test_two_declared_sources_storing_the_same_answers_of_one_file_are_refused(
    tmp_path: Path, host: PluginHost
) -> None:
    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {"id": "first", "collector": "toy-csv", "path": "answers.csv", "options": {"part": "one"}},
            {"id": "second", "collector": "toy-csv", "path": "answers.csv", "options": {"part": "two"}},
        ],
    )
    write_answers(root / "answers.csv", rows(3, value=5))
    # the toy collector reads both alike: the second would count the same answers twice
    with pytest.raises(InvalidInput, match="3 answers of this file are already stored, with the same response ids"):
        cxframe.collect(root, host=host)
    assert [s.unchanged for s in cxframe.collect(root, ["first"], host=host)] == [True]
    assert len(testing.read_table(root, "observations")) == 3
