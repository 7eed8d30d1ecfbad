"""cxframe-journey: the direct file path (``read_log``, ``--no-store``) gives what the store path gives."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path
from typing import Any

import click.testing
import pytest
from journey_support import FIXTURES, ORDERS_COLUMNS, collect, collected, eventlog, host, programme, store, summary

import cxframe
from cxframe import InvalidInput, testing
from cxframe_journey import EventLog, analytics, api, read_log
from cxframe_journey.csvlog import PM4PY_COLUMNS

ORDERS = api.Mapping(case="order_id", activity="step", timestamp="at")
HEADER = "case:concept:name,concept:name,time:timestamp\n"


def stored_json(root: Path, source: str | None) -> str:
    with store(root) as opened:
        return json.dumps([analytics.variants(opened, source=source), analytics.dfg(opened, source=source)])


def direct_json(log: EventLog) -> str:
    return json.dumps([log.variants(), log.dfg()])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str) -> click.testing.Result:
    return testing.invoke(list(args), host=host())


@pytest.mark.parametrize(
    ("name", "mapping"),
    [("orders.csv", ORDERS), ("tickets.xes", api.Mapping()), ("lifecycle.xes", api.Mapping())],
)
def test_every_fixture_gives_the_store_paths_json_and_rejects(tmp_path: Path, name: str, mapping: api.Mapping) -> None:
    root = programme(tmp_path / "p")
    selection = collect(root, FIXTURES / name, mapping)
    log = read_log(FIXTURES / name, mapping)
    assert direct_json(log) == stored_json(root, selection.source)
    ingested = summary(selection)
    counts = (log.summary.rows_read, log.summary.rows_accepted, log.summary.rows_rejected)
    assert counts == (ingested.rows_read, ingested.rows_accepted, ingested.rows_rejected)
    rejects = {(r["line"], r["reason"]) for r in testing.read_table(root, "rejects")}
    assert {(r.line, r.reason) for r in log.summary.rejects} == rejects


@pytest.mark.parametrize("name", ["running-example.xes", "roadtraffic100traces.xes", "helpdesk.xes.gz", "receipt.csv"])
def test_real_logs_give_the_store_paths_json(name: str) -> None:
    root, selection = collected(name)
    log = read_log(eventlog(name))
    assert log.summary.rows_rejected == summary(selection).rows_rejected
    assert len(log) == summary(selection).records_stored
    assert direct_json(log) == stored_json(root, selection.source)


def test_a_programme_source_is_read_with_its_columns_and_options(tmp_path: Path) -> None:
    """A source's own mapping, time zone and lifecycle filter apply, as when it is collected."""
    root = programme(
        tmp_path / "p",
        sources=[
            {"id": "orders", "collector": "event-csv", "path": "orders.csv", "columns": ORDERS_COLUMNS},
            {
                "id": "local",
                "collector": "event-csv",
                "path": "local.csv",
                "columns": {"case": "c", "activity": "a", "timestamp": "t"},
                "options": {"timestamp_format": "%d/%m/%Y %H:%M", "time_zone": "Europe/Amsterdam", "delimiter": ";"},
            },
            {"id": "tickets", "collector": "xes", "path": "t.xes", "options": {"lifecycle": "complete"}},
        ],
    )
    shutil.copy(FIXTURES / "orders.csv", root / "orders.csv")
    shutil.copy(FIXTURES / "lifecycle.xes", root / "t.xes")
    # across the change to summer time: 02:30 and 03:30 local are one hour apart in UTC, not two
    write(root / "local.csv", "c;a;t\n1;x;30/03/2025 01:30\n1;y;30/03/2025 03:30\n1;z;2025-03-30\n")
    for source in ("orders", "local", "tickets"):
        log = read_log(source, programme=root)
        assert direct_json(log) == stored_json(root, collect(root, source).source), source
    local = read_log("local", programme=root)
    assert local.dfg()["edges"][0]["mean_seconds"] == 3600.0
    assert [(r.line, r.reason) for r in local.summary.rejects] == [
        (4, "unparsable timestamp '2025-03-30' (expected the format '%d/%m/%Y %H:%M') in column 't'")
    ]
    skipped = read_log("tickets", programme=root).summary.notes
    assert skipped and all(key.startswith("skipped: lifecycle:transition") for key in skipped)
    # a mapping cannot override a declared source's columns
    with pytest.raises(InvalidInput, match="its columns and encoding are set in cxframe.toml"):
        read_log("orders", ORDERS, programme=root)


def test_unsorted_rows_ties_and_mixed_offsets_give_the_store_paths_result(tmp_path: Path) -> None:
    rng = random.Random(7)
    base = dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)
    lines = []
    for _ in range(600):
        moment = base + dt.timedelta(minutes=rng.randrange(30), microseconds=rng.choice([0, 0, 250_000]))
        form = rng.randrange(3)
        if form == 0:  # naive: read as UTC
            text = moment.replace(tzinfo=None).isoformat(sep=" ")
        elif form == 1:
            text = moment.isoformat().replace("+00:00", "Z")
        else:
            text = moment.astimezone(dt.timezone(dt.timedelta(hours=rng.choice([-5, 1, 2])))).isoformat()
        lines.append(f"c{rng.randrange(50)},{rng.choice('ABCD')},{text}\n")
    path = write(tmp_path / "mixed.csv", HEADER + "".join(lines))
    root = programme(tmp_path / "p")
    expected = stored_json(root, collect(root, path).source)
    assert direct_json(read_log(path)) == expected
    # reversed rows give the same variants and edges as collected
    reversed_path = write(tmp_path / "reversed.csv", HEADER + "".join(reversed(lines)))
    other = programme(tmp_path / "q")
    assert direct_json(read_log(reversed_path)) == stored_json(other, collect(other, reversed_path).source)


def test_events_at_the_same_time_keep_their_file_order_whatever_the_rows_around_them(tmp_path: Path) -> None:
    text = "1,b,2025-01-01T10:00:00Z\n1,c,2025-01-01T09:00:00+00:00\n1,a,2025-01-01T10:00:00+00:00\n"
    log = read_log(write(tmp_path / "ties.csv", HEADER + text))
    assert log.variants() == [{"activities": ["c", "b", "a"], "count": 1, "share": 1.0}]


def test_bad_rows_are_skipped_counted_and_named_like_the_collectors(tmp_path: Path) -> None:
    text = (
        "1,a,2025-01-01T09:00:00Z\n"
        ",a,2025-01-01T09:00:00Z\n"  # no case
        "1,,2025-01-01T09:00:00Z\n"  # no activity
        "1,b,\n"  # no timestamp
        "1,b,soon\n"  # unparsable
        "1,b,2025-02-30T09:00:00\n"  # no such day
        "1,b\n"  # a field short
        "\n"  # a blank line is no row
        "2,a,2025-01-01T09:00:00\n"  # a one-event case
    )
    log = read_log(write(tmp_path / "bad.csv", HEADER + text))
    assert (log.summary.rows_read, log.summary.rows_accepted, log.summary.rows_rejected) == (8, 2, 6)
    assert [(r.line, r.reason) for r in log.summary.rejects] == [
        (3, "missing case id (column 'case:concept:name')"),
        (4, "missing activity (column 'concept:name')"),
        (5, "missing timestamp (column 'time:timestamp')"),
        (
            6,
            "unparsable timestamp 'soon' (expected ISO-8601, e.g. 2025-03-04T09:30:00+01:00) in column 'time:timestamp'",
        ),
        (
            7,
            "unparsable timestamp '2025-02-30T09:00:00' (expected ISO-8601, e.g. 2025-03-04T09:30:00+01:00)"
            " in column 'time:timestamp'",
        ),
        (8, "expected 3 fields, found 2"),
    ]
    text = log.summary.describe()
    assert "read 8 rows: 2 accepted, 6 rejected; nothing stored (--no-store)" in text
    assert "rejected line 6: unparsable timestamp 'soon'" in text
    assert log.variants() == [{"activities": ["a"], "count": 2, "share": 1.0}]
    assert log.dfg() == {"edges": [], "start": {"a": 2}, "end": {"a": 2}}


def test_only_the_first_rejects_are_kept_and_the_rest_counted(tmp_path: Path) -> None:
    log = read_log(write(tmp_path / "many.csv", HEADER + "1,a,never\n" * 25 + "1,a,2025-01-01\n"))
    assert log.summary.rows_rejected == 25 and len(log.summary.rejects) == 10
    assert log.summary.describe().endswith("… and 15 more rejected rows")


def test_a_log_whose_every_row_is_rejected_has_no_variants(tmp_path: Path) -> None:
    log = read_log(write(tmp_path / "none.csv", HEADER + "1,a,\n"))
    assert (log.variants(), log.dfg(), len(log)) == ([], {"edges": [], "start": {}, "end": {}}, 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"empty\.csv: the file is empty; expected a header row naming the columns"),
        (HEADER, r"empty\.csv: no events: the file has a header but no rows"),
        (
            "case,concept:name,time:timestamp\n1,a,2025-01-01\n",
            r"empty\.csv: columns\.case: no column 'case:concept:name' in the header \(line 1\); "
            r"did you mean 'concept:name'\? its columns, closest first: concept:name, time:timestamp, case",
        ),
    ],
)
def test_a_file_the_collector_refuses_is_refused_with_its_message(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_log(write(tmp_path / "empty.csv", text))


def test_files_that_are_not_logs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"missing\.csv: no such file$"):
        read_log(tmp_path / "missing.csv")
    with pytest.raises(InvalidInput, match="cannot tell the log's format from its name"):
        read_log(write(tmp_path / "log.json", "{}"))
    with pytest.raises(InvalidInput, match=r"broken\.xes: line 1, column \d+: not valid XML"):
        read_log(write(tmp_path / "broken.xes", "<log><trace>"))
    with pytest.raises(
        InvalidInput, match=r"latin\.csv: at or after line 1: the file is not valid utf-8 \(invalid continuation byte\)"
    ):
        path = tmp_path / "latin.csv"
        path.write_bytes(HEADER.encode() + b"1,a,2025-01-01\n1,\xe9t\xe9,2025-01-01\n")
        read_log(path, programme=programme(tmp_path / "p", sources=[_latin(path)]))


def _latin(path: Path) -> dict[str, Any]:
    # declared utf-8, so that the bytes cannot be sniffed into another encoding
    return {"id": "latin", "collector": "event-csv", "path": str(path), "encoding": "utf-8", "columns": ORDERS_COLUMNS}


def test_a_source_of_another_collector_cannot_be_read_directly(tmp_path: Path) -> None:
    root = programme(
        tmp_path / "p",
        sources=[{"id": "answers", "collector": "survey-csv", "path": "a.csv", "columns": {"score": "nps"}}],
    )
    write(root / "a.csv", "nps\n9\n")
    with pytest.raises(InvalidInput, match="uses the collector 'survey-csv'; without the store only event logs"):
        read_log("answers", programme=root)


# --- timestamps: the fast path parses exactly as the collectors' parser ---------------------------------


# --- the CLI -------------------------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = programme(tmp_path / "p")
    shutil.copy(FIXTURES / "tickets.xes", folder / "tickets.xes")
    shutil.copy(FIXTURES / "orders.csv", folder / "orders.csv")
    return folder


@pytest.mark.parametrize("command", ["variants", "dfg"])
def test_no_store_prints_the_same_json_and_stores_nothing(root: Path, command: str) -> None:
    mapping = ["--case", "order_id", "--activity", "step", "--timestamp", "at"]
    logs = ((root / "tickets.xes", []), (root / "orders.csv", mapping))
    direct = [
        invoke("-C", str(root), "journey", command, str(log), *opts, "--json", "--no-store") for log, opts in logs
    ]
    assert all(result.exit_code == 0 for result in direct), [result.output for result in direct]
    assert testing.read_table(root, "events") == [] and testing.read_table(root, "ingests") == []
    stored = [invoke("-C", str(root), "journey", command, str(log), *opts, "--json") for log, opts in logs]
    assert len(testing.read_table(root, "ingests")) == 2
    assert [result.stdout for result in direct] == [result.stdout for result in stored]


def test_no_store_says_how_many_rows_were_rejected_and_why(root: Path) -> None:
    args = ["--case", "order_id", "--activity", "step", "--timestamp", "at", "--no-store"]
    result = invoke("-C", str(root), "journey", "variants", str(root / "orders.csv"), *args)
    assert result.exit_code == 0, result.output
    assert "read 12 rows: 7 accepted, 5 rejected; nothing stored (--no-store)" in result.stderr
    assert "rejected line 13: expected 8 fields, found 7" in result.stderr
    assert "browse → checkout → pay" in result.stdout and "2 variants over 3 cases" in result.stdout


def test_no_store_works_without_a_programme_and_reads_a_programme_source_by_id(tmp_path: Path) -> None:
    log = write(tmp_path / "log.csv", HEADER + "1,a,2025-01-01T09:00:00Z\n1,b,2025-01-01T09:01:30Z\n")
    result = invoke("-C", str(tmp_path / "nowhere"), "journey", "dfg", str(log), "--no-store", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["edges"] == [
        {"source": "a", "target": "b", "count": 1, "mean_seconds": 90.0, "median_seconds": 90.0}
    ]
    columns = {"case": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp"}
    folder = programme(
        tmp_path / "p", sources=[{"id": "mine", "collector": "event-csv", "path": str(log), "columns": columns}]
    )
    result = invoke("-C", str(folder), "journey", "variants", "mine", "--no-store", "--json")
    assert result.exit_code == 0, result.output
    assert [v["activities"] for v in json.loads(result.stdout)] == [["a", "b"]]


def test_no_store_of_a_log_with_no_accepted_row_says_so(root: Path) -> None:
    write(root / "bad.csv", HEADER + "1,a,never\n")
    result = invoke("-C", str(root), "journey", "dfg", str(root / "bad.csv"), "--no-store")
    assert result.exit_code == 0
    assert "1 rejected" in result.stderr and "no events accepted from" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["variants", "--no-store"], 2, "--no-store reads a LOG file: name one"),
        (["dfg", "tickets.xes", "--no-store", "--source", "x"], 2, "not the stored events of --source"),
        (["variants", "missing.csv", "--no-store"], 1, "missing.csv: no such file, and not a source"),
        (
            ["dfg", "orders.csv", "--no-store"],
            1,
            "orders.csv: columns.case: no column 'case:concept:name' in the header (line 1);",
        ),
    ],
)
def test_no_store_usage_and_input_errors(
    root: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, message: str
) -> None:
    monkeypatch.chdir(root)
    result = invoke("journey", *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert not (root / "cxframe.db").exists() or testing.read_table(root, "events") == []


def test_no_store_on_a_collected_programme_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    root = programme(
        tmp_path / "p",
        sources=[{"id": "orders", "collector": "event-csv", "path": "orders.csv", "columns": ORDERS_COLUMNS}],
    )
    shutil.copy(FIXTURES / "orders.csv", root / "orders.csv")
    cxframe.collect(root, host=host())
    before = testing.read_table(root, "ingests")
    shutil.copy(FIXTURES / "tickets.xes", root / "tickets.xes")
    assert invoke("-C", str(root), "journey", "variants", str(root / "tickets.xes"), "--no-store").exit_code == 0
    assert testing.read_table(root, "ingests") == before
    assert {e["source"] for e in testing.read_table(root, "events")} == {"orders"}


def test_a_log_in_another_encoding_is_read_with_encoding_and_the_advice_names_it(tmp_path: Path) -> None:
    # new-user report item 14: the advice was to set encoding in a source that does not exist
    log = tmp_path / "latin1.csv"
    log.write_bytes((HEADER + "1,Café,2026-01-01T10:00:00Z\n1,pay,2026-01-01T11:00:00Z\n").encode("cp1252"))
    for args in (["--no-store"], []):
        root = programme(tmp_path / f"p{len(args)}")
        failed = invoke("-C", str(root), "journey", "variants", str(log), *args)
        assert failed.exit_code == 1
        assert "the file is not valid utf-8" in failed.stderr
        assert "give the log's encoding with --encoding" in failed.stderr and "in the source" not in failed.stderr
        read = invoke("-C", str(root), "journey", "variants", str(log), *args, "--encoding", "cp1252", "--json")
        assert read.exit_code == 0, read.output
        assert json.loads(read.stdout)[0]["activities"] == ["Café", "pay"]
    wrong = invoke("journey", "dfg", str(log), "--no-store", "--encoding", "nonsense")
    assert wrong.exit_code == 1 and "--encoding: unknown encoding 'nonsense'" in wrong.stderr
    assert read_log(log, api.Mapping(encoding="cp1252")).variants()[0]["activities"] == ["Café", "pay"]


def test_a_declared_source_keeps_the_encoding_advice_of_its_entry(tmp_path: Path) -> None:
    root = programme(
        tmp_path / "p",
        sources=[{"id": "orders", "collector": "event-csv", "path": "latin1.csv", "columns": dict(PM4PY_COLUMNS)}],
    )
    (root / "latin1.csv").write_bytes((HEADER + "1,Café,2026-01-01T10:00:00Z\n").encode("cp1252"))
    result = invoke("-C", str(root), "journey", "variants", "orders", "--no-store")
    assert result.exit_code == 1 and 'set encoding = "..." in the source' in result.stderr
    given = invoke("-C", str(root), "journey", "variants", "orders", "--no-store", "--encoding", "cp1252")
    assert given.exit_code == 1 and "its columns and encoding are set in cxframe.toml" in given.stderr
