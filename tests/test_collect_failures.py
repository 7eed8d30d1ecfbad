"""A source that cannot be collected stops only itself: the others are collected, and the failure is reported."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfoNotFoundError

import pytest
from click.testing import CliRunner

import cxframe
from cxframe import testing
from cxframe.cli import cli
from cxframe.contracts._errors import InvalidInput
from cxframe.host._manager import PluginHost
from cxframe.ingestion._collect import CollectorFailed
from tests import toy_plugin
from tests.conftest import write_answers


def toy_programme(tmp_path: Path) -> Path:
    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {"id": "first", "collector": "toy-csv", "path": "first.csv"},
            {"id": "broken", "collector": "toy-csv", "path": "missing.csv"},
            {"id": "last", "collector": "toy-csv", "path": "last.csv"},
        ],
    )
    write_answers(root / "first.csv", [("a", "score", "7", "2026-01-01T10:00:00Z", "north")])
    write_answers(root / "last.csv", [("b", "score", "9", "2026-01-02T10:00:00Z", "south")])
    return root


def stored_sources(root: Path) -> set[str]:
    return {row["source"] for row in testing.read_table(root, "observations")}


def test_without_on_failed_the_rest_is_collected_then_one_error_names_the_failed_source(
    tmp_path: Path, host: PluginHost
) -> None:
    root = toy_programme(tmp_path)
    with pytest.raises(InvalidInput) as caught:
        cxframe.collect(root, host=host)
    assert caught.value.messages == [f"{root / 'missing.csv'}: source 'broken': file not found"]
    # the source after the broken one was collected all the same
    assert stored_sources(root) == {"first", "last"}


def test_on_failed_is_told_and_the_good_summaries_are_returned(tmp_path: Path, host: PluginHost) -> None:
    root = toy_programme(tmp_path)
    told: list[tuple[str, list[str]]] = []
    summaries = cxframe.collect(root, host=host, on_failed=lambda source, error: told.append((source, error.messages)))
    assert [summary.source for summary in summaries] == ["first", "last"]
    assert told == [("broken", [f"{root / 'missing.csv'}: source 'broken': file not found"])]


SURVEY = """name = "Two sources"

[[sources]]
id = "events"
collector = "event-csv"
path = "events.csv"
[sources.columns]
case = "customer_id"
activity = "touchpoint"
timestamp = "occurred_at"

[[sources]]
id = "survey"
collector = "survey-csv"
path = "survey.csv"
[sources.columns]
timestamp = "submitted_at"
[sources.columns.questions]
nps = "likely_to_recommend"
"""


def test_cli_collects_the_sources_after_a_bad_one_and_exits_1(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p", SURVEY)
    # a renamed header in the first source: it is reported, the survey after it is still collected
    (root / "events.csv").write_text("customer_id,touchpoint,occurred\nc1,web,2026-01-01T10:00:00Z\n", "utf-8")
    (root / "survey.csv").write_text("submitted_at,likely_to_recommend\n2026-01-01T10:00:00Z,9\n", "utf-8")
    result = CliRunner().invoke(cli, ["-C", str(root), "collect"])
    assert result.exit_code == 1, result.output
    assert "survey: read 1 row: 1 accepted" in result.stdout
    errors = result.stderr.splitlines()
    assert (
        errors[0].startswith("error: ") and "source 'events': columns.timestamp: no column 'occurred_at'" in errors[0]
    )
    assert errors[-1] == "error: 1 source was not collected (events); the other source was collected"
    assert stored_sources(root) == {"survey"}
    assert testing.read_table(root, "events") == []
    # --json prints the collected sources' summaries; the failure is on stderr and the exit code still 1
    (root / "survey.csv").write_text("submitted_at,likely_to_recommend\n2026-01-02T10:00:00Z,8\n", "utf-8")
    result = CliRunner().invoke(cli, ["-C", str(root), "collect", "--json"])
    assert result.exit_code == 1
    assert '"source": "survey"' in result.stdout and "columns.timestamp" in result.stderr


@pytest.mark.parametrize("lines", [[2, 3, 3], [2, 4, 3]], ids=["repeated", "backwards"])
def test_an_event_collector_whose_lines_do_not_increase_fails_with_nothing_stored(
    tmp_path: Path, lines: list[int]
) -> None:
    import pyarrow as pa

    from cxframe import Batch, Collector, EventBatches, SourceReader, Store
    from cxframe.ingestion._collect import CollectorFailed, ingest

    def batches(reader: SourceReader) -> EventBatches:
        cells = [pa.array(["c1"] * 3), pa.array(["a", "b", "c"]), pa.array(["2026-01-01T10:00:00Z"] * 3)]
        return EventBatches(
            width=3,
            batches=[Batch(lines=pa.array(lines, pa.int64()), columns=cells)],
            case=0,
            activity=1,
            timestamp=2,
            parse_timestamp=lambda text: None,
        )

    log = tmp_path / "log.txt"
    log.write_text("three events\n")
    collector = Collector(id="bad-lines", description="gives lines that do not increase", batches=batches)
    with Store(tmp_path / "cx.db") as store:
        reader = SourceReader(id="log", collector="bad-lines", path=log)
        with pytest.raises(CollectorFailed, match="lines that do not increase"):
            ingest(store, reader, collector)
        assert store.count("events") == 0 and store.count("ingests") == 0


# --- a collector that raises is a plugin's bug: it stops its own source only (plugindev finding 2) ---


class BuggyCollectors:
    """Collectors with the bugs a plugin developer makes: one raises mid-file, one before any row, one
    hands rows to ``batches=``."""

    __name__ = "buggy"

    @cxframe.hookimpl
    def register_collectors(self) -> list[cxframe.Collector]:
        def mid_file(source: cxframe.SourceReader):  # type: ignore[no-untyped-def]
            yield from toy_plugin.read(source)
            raise KeyError("branch")

        def at_once(source: cxframe.SourceReader):  # type: ignore[no-untyped-def]
            raise ZoneInfoNotFoundError("No time zone found with key Europe/Nowhere")
            yield  # a generator all the same

        def rows_as_batches(source: cxframe.SourceReader):  # type: ignore[no-untyped-def]
            yield from toy_plugin.read(source)

        return [
            cxframe.Collector(id="mid-file", description="", read=mid_file),
            cxframe.Collector(id="at-once", description="", read=at_once),
            cxframe.Collector(id="rows-as-batches", description="", batches=rows_as_batches),
        ]


def buggy_programme(tmp_path: Path, collector: str) -> Path:
    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {"id": "bad", "collector": collector, "path": "bad.csv"},
            {"id": "good", "collector": "toy-csv", "path": "good.csv"},
        ],
    )
    write_answers(root / "bad.csv", [("a", "score", "7", "2026-01-01T10:00:00Z", "north")])
    write_answers(root / "good.csv", [("b", "score", "9", "2026-01-02T10:00:00Z", "south")])
    return root


@pytest.mark.parametrize(
    ("collector", "message"),
    [
        ("mid-file", "collector 'mid-file' failed on {bad} near line 2: KeyError: 'branch'"),
        ("at-once", "collector 'at-once' failed while reading {bad}: ZoneInfoNotFoundError: "),
        (
            "rows-as-batches",
            "collector 'rows-as-batches': its batches function returned generator, expected SurveyBatches or "
            "EventBatches (nothing from this source was stored); a collector that yields (line, record) rows "
            "gives its function as read=, not batches=",
        ),
    ],
)
def test_a_collector_that_raises_stops_only_its_source(tmp_path: Path, collector: str, message: str) -> None:
    root = buggy_programme(tmp_path, collector)
    host = testing.plugin_host(toy_plugin, BuggyCollectors())
    result = testing.invoke(["-C", str(root), "collect"], host=host)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert message.format(bad=root / "bad.csv") in result.stderr
    assert "line None" not in result.stderr
    assert "error: 1 source was not collected (bad); the other source was collected" in result.stderr
    # the source after the buggy one was collected and is printed
    assert "good" in result.stdout and stored_sources(root) == {"good"}


def test_without_on_failed_a_collector_bug_is_raised_after_the_others_are_collected(tmp_path: Path) -> None:
    root = buggy_programme(tmp_path, "mid-file")
    with pytest.raises(CollectorFailed, match="collector 'mid-file' failed .* KeyError") as caught:
        cxframe.collect(root, host=testing.plugin_host(toy_plugin, BuggyCollectors()))
    assert "KeyError" in caught.value.detail  # the traceback, for -v and bug reports
    assert stored_sources(root) == {"good"}


def test_verbose_collect_prints_the_collectors_traceback(tmp_path: Path) -> None:
    root = buggy_programme(tmp_path, "mid-file")
    result = testing.invoke(["-v", "-C", str(root), "collect"], host=testing.plugin_host(toy_plugin, BuggyCollectors()))
    assert result.exit_code == 1 and "Traceback (most recent call last)" in result.stderr


def test_rejects_read_as_the_file_did_and_a_blank_timestamp_is_no_timestamp(tmp_path: Path) -> None:
    import cxframe_nps

    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {
                "id": "crm",
                "collector": "survey-csv",
                "path": "crm.csv",
                "columns": {"timestamp": "when", "response_id": "id", "questions": {"nps": "q"}},
                "options": {"delimiter": ";"},
            }
        ],
    )
    (root / "crm.csv").write_text(
        "id;when;q\nR1;2026-03-01T10:00:00Z;9\nR2;2026-03-01T11:00:00Z;12\nR3;;7\n", encoding="utf-8"
    )
    cxframe.collect(root, host=testing.plugin_host(cxframe_nps))
    rejects = {row["line"]: (row["raw"], row["reason"]) for row in testing.read_table(root, "rejects")}
    assert rejects[3][0] == "R2;2026-03-01T11:00:00Z;12"
    assert rejects[4] == ("R3;;7", "no timestamp (expected ISO-8601)")


# --- under --strict a collector that raised is also its plugin's failure, counted where --strict decides ---


@pytest.mark.parametrize("collector", ["mid-file", "rows-as-batches"])
def test_under_strict_a_collector_that_raised_is_a_plugin_failure(tmp_path: Path, collector: str) -> None:
    root = buggy_programme(tmp_path, collector)
    result = testing.invoke(
        ["--strict", "-C", str(root), "collect"], host=testing.plugin_host(toy_plugin, BuggyCollectors())
    )
    assert result.exit_code == 3, result.output
    errors = result.stderr.splitlines()
    # the plugin is named on the source's own error line, once: no second warning repeats it
    [failed] = [line for line in errors if f"collector {collector!r}" in line]
    assert failed.startswith(f"error: plugin buggy: collector {collector!r}")
    assert "error: 1 source was not collected (bad); the other source was collected" in errors
    assert errors[-1] == "error: 1 plugin failure(s) under --strict"
    assert "good" in result.stdout and stored_sources(root) == {"good"}


def test_without_strict_a_collector_that_raised_still_exits_1(tmp_path: Path) -> None:
    root = buggy_programme(tmp_path, "mid-file")
    result = testing.invoke(["-C", str(root), "collect"], host=testing.plugin_host(toy_plugin, BuggyCollectors()))
    assert result.exit_code == 1 and "under --strict" not in result.stderr
    assert result.stderr.count("KeyError") == 1


def test_a_collector_that_raised_is_recorded_as_its_plugins_failure(tmp_path: Path) -> None:
    root = buggy_programme(tmp_path, "mid-file")
    host = testing.plugin_host(toy_plugin, BuggyCollectors())
    cxframe.collect(root, host=host, on_failed=lambda source, error: None)
    [failure] = host.failures
    assert (failure.plugin, failure.hook, failure.error) == ("buggy", "collector mid-file", "KeyError: 'branch'")
    assert "Traceback" in failure.detail


def test_under_strict_a_file_error_alone_is_no_plugin_failure(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p", SURVEY)
    (root / "events.csv").write_text("customer_id,touchpoint,occurred\nc1,web,2026-01-01T10:00:00Z\n", "utf-8")
    (root / "survey.csv").write_text("submitted_at,likely_to_recommend\n2026-01-01T10:00:00Z,9\n", "utf-8")
    result = CliRunner().invoke(cli, ["--strict", "-C", str(root), "collect"])
    assert result.exit_code == 1 and "under --strict" not in result.stderr
