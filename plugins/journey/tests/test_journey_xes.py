"""cxframe-journey: the xes collector (streamed IEEE 1849 XES, plain or gzipped)."""

from __future__ import annotations

import gzip
import importlib
import json
import shutil
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from journey_support import FIXTURES, collect, collected, host, programme, store, summary

import cxframe
from cxframe import InvalidInput, SourceReader, testing
from cxframe_journey import analytics
from cxframe_journey.xes import _batches as xes_batches


def test_events_fields_typed_attributes_and_rejects(tmp_path: Path) -> None:
    root = programme(tmp_path / "p")
    shutil.copy(FIXTURES / "tickets.xes", root / "tickets.xes")
    result = summary(collect(root, root / "tickets.xes"))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (8, 4, 4)
    events = testing.read_table(root, "events")
    assert [(e["key"], e["case_id"], e["activity"], e["timestamp"], e["tz_offset"]) for e in events] == [
        ("tickets.xes|1", "T1", "call", "2025-03-04T08:00:00.000000Z", "+01:00"),
        ("tickets.xes|2", "T1", "call", "2025-03-04T08:20:00.000000Z", "+00:00"),
        ("tickets.xes|3", "T1", "email", "2025-03-04T10:00:00.000000Z", None),  # a naive date is UTC, no offset
        # the trace's concept:name comes after its events; 7 digits of a second are cut to 6
        ("tickets.xes|4", "T2", "chat", "2025-03-06T10:00:00.123456Z", "+00:00"),
    ]
    assert events[0]["resource"] == "Ann" and events[2]["resource"] is None
    assert json.loads(events[0]["attributes"]) == {
        "case:segment": "gold",
        "case:age": 41,
        "lifecycle:transition": "start",
        "wait": 42,
        "cost": 1.5,
        "solved": True,
        "ticket": "b9a1c2d3-0000-4000-8000-000000000001",
        "promised": "2025-03-05T00:00:00Z",
        "score": "n/a",  # an int that is not one is kept as written
        "note": "has meta",  # its nested attribute and the list are not read
    }
    assert events[3]["attributes"] is None
    rejects = {(r["line"], r["reason"]) for r in testing.read_table(root, "rejects")}
    assert rejects == {
        (5, "missing timestamp (attribute 'time:timestamp')"),
        (
            6,
            "unparsable timestamp 'not a date' (expected ISO-8601, e.g. 2025-03-04T09:30:00+01:00) in attribute 'time:timestamp'",
        ),
        (7, "missing case id (trace attribute 'concept:name')"),
        (8, "missing activity (attribute 'concept:name')"),
    }


def test_gzipped_logs_are_recognised_by_their_bytes(tmp_path: Path) -> None:
    packed = gzip.compress((FIXTURES / "tickets.xes").read_bytes())
    found = []
    # plain, gzipped, and gzipped under a plain name all read the same
    for name, content in (("tickets.xes", None), ("tickets.xes.gz", packed), ("misnamed.xes", packed)):
        root = programme(tmp_path / name)
        log = FIXTURES / name if content is None else root / name
        if content is not None:
            log.write_bytes(content)
        assert summary(collect(root, log)).records_stored == 4
        with store(root) as opened:
            found.append((analytics.variants(opened), analytics.dfg(opened)))
    assert found[0] == found[1] == found[2]


def test_lifecycle_option_keeps_only_the_named_transitions_and_counts_the_rest(tmp_path: Path) -> None:
    root = programme(
        tmp_path / "p",
        sources=[{"id": "life", "collector": "xes", "path": "lifecycle.xes", "options": {"lifecycle": "complete"}}],
    )
    shutil.copy(FIXTURES / "lifecycle.xes", root / "lifecycle.xes")
    [result] = cxframe.collect(root, host=host())
    assert result.records_stored == 6 and result.notes == {"skipped: lifecycle:transition start": 4}
    assert "skipped: lifecycle:transition start: 4" in result.describe()
    with store(root) as opened:
        found = [(v["activities"], v["count"]) for v in analytics.variants(opened)]
    assert found == [(["register", "check"], 2), (["register", "pay"], 1)]


def test_by_default_every_lifecycle_transition_is_kept(tmp_path: Path) -> None:
    root = programme(tmp_path / "p")
    assert summary(collect(root, FIXTURES / "lifecycle.xes")).records_stored == 10


def test_columns_map_other_attribute_keys(tmp_path: Path) -> None:
    root = programme(
        tmp_path / "p",
        sources=[
            {
                "id": "t",
                "collector": "xes",
                "path": "tickets.xes",
                "columns": {"activity": "concept:name", "channel": "org:resource", "resource": "note"},
            }
        ],
    )
    shutil.copy(FIXTURES / "tickets.xes", root / "tickets.xes")
    cxframe.collect(root, host=host())
    first = testing.read_table(root, "events")[0]
    assert (first["channel"], first["resource"]) == ("Ann", "has meta")
    assert "org:resource" not in json.loads(first["attributes"])


def test_bad_settings_are_reported_by_validate(tmp_path: Path) -> None:
    root = programme(
        tmp_path / "p",
        sources=[
            {
                "id": "t",
                "collector": "xes",
                "path": "tickets.xes",
                "columns": {"activity": "", "colour": "x"},
                "options": {"lifecycle": 3, "filter": "x"},
            }
        ],
    )
    shutil.copy(FIXTURES / "tickets.xes", root / "tickets.xes")
    problems = "\n".join(cxframe.validate(root, host=host()))
    assert "columns.colour: unknown key" in problems
    assert "columns.activity: expected an XES attribute key" in problems
    assert "options.lifecycle: expected a transition or a list of them" in problems
    assert "options.filter: unknown option" in problems


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty; there is nothing to collect"),
        (
            b'<?xml version="1.0"?>\n<log xmlns="http://www.xes-standard.org/"><trace/></log>',
            "no events: the log has no <event> elements",
        ),
        (b"<html><body>not a log</body></html>", "not an XES log: the document is a <html>, expected <log>"),
        (
            b"<log><trace><event>\n<string key='a' value='b'>\n</event></trace></log>",
            "line 3, column 2: not valid XML: mismatched tag",
        ),
    ],
)
def test_unusable_files_stop_with_a_clear_message(tmp_path: Path, content: bytes, message: str) -> None:
    root = programme(tmp_path / "p")
    (root / "log.xes").write_bytes(content)
    with pytest.raises(InvalidInput) as caught:
        collect(root, root / "log.xes")
    assert str(caught.value) == f"{root / 'log.xes'}: {message}"
    assert testing.read_table(root, "events") == []


def test_an_event_outside_a_trace_is_rejected(tmp_path: Path) -> None:
    root = programme(tmp_path / "p")
    (root / "log.xes").write_text(
        '<log><event><string key="concept:name" value="lost"/></event>'
        '<trace><string key="concept:name" value="1"/><event><string key="concept:name" value="a"/>'
        '<date key="time:timestamp" value="2025-01-01T00:00:00Z"/></event></trace></log>',
        encoding="utf-8",
    )
    result = summary(collect(root, root / "log.xes"))
    assert (result.records_stored, result.rows_rejected) == (1, 1)
    [reject] = testing.read_table(root, "rejects")
    assert (reject["line"], reject["reason"], reject["raw"]) == (
        1,
        "event outside a trace (it has no case)",
        '{"concept:name": "lost"}',
    )


def test_a_truncated_gzip_stores_nothing(tmp_path: Path) -> None:
    root = programme(tmp_path / "p")
    packed = gzip.compress((FIXTURES / "tickets.xes").read_bytes())
    (root / "cut.xes.gz").write_bytes(packed[: len(packed) // 2])
    with pytest.raises(InvalidInput, match=r"cut\.xes\.gz: cannot read the log: Compressed file ended"):
        collect(root, root / "cut.xes.gz")
    assert testing.read_table(root, "events") == []


def _big_log(path: Path, traces: int) -> None:
    event = (
        '<event><string key="concept:name" value="step {n}"/><date key="time:timestamp" value="2025-01-01T00:00:0{n}Z"/>'
        '<string key="note" value="{pad}"/></event>'
    )
    with path.open("w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0"?>\n<log>\n')
        for number in range(traces):
            events = "".join(event.format(n=n, pad="x" * 40) for n in range(3))
            handle.write(f'<trace><string key="concept:name" value="c{number}"/>{events}</trace>\n')
        handle.write("</log>\n")


def test_the_log_is_streamed_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the module, not the collector of the same name the package exports
    monkeypatch.setattr(
        importlib.import_module("cxframe_journey.xes"), "EVENTS_PER_BATCH", 100
    )  # a batch at a time, however large the log
    path = tmp_path / "big.xes"
    _big_log(path, 1000)
    tracemalloc.start()
    try:
        ET.parse(path)
        whole_tree = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        reader = SourceReader(id="big", collector="xes", path=path)
        count = sum(len(batch.lines) for batch in xes_batches(reader))  # the parse, before the core's cleaning
        streamed = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 3000
    # memory holds a trace at a time, not the tree
    assert streamed < whole_tree / 10


@pytest.mark.parametrize(
    ("name", "events", "cases"),
    [("running-example.xes", 42, 6), ("roadtraffic100traces.xes", 390, 100), ("helpdesk.xes.gz", 21348, 4580)],
)
def test_real_logs_are_read_whole(name: str, events: int, cases: int) -> None:
    root, selection = collected(name)
    result = summary(selection)
    assert (result.rows_read, result.records_stored, result.rows_rejected) == (events, events, 0)
    with store(root) as opened:
        assert opened.db.execute("SELECT COUNT(DISTINCT case_id) FROM events").fetchone()[0] == cases
        if name == "roadtraffic100traces.xes":
            [(attributes,)] = opened.db.execute(
                "SELECT attributes FROM events WHERE case_id = 'N77802' AND activity = 'Create Fine'"
            ).fetchall()
            typed = json.loads(attributes)
            assert typed["amount"] == 35.0 and typed["article"] == 157 and typed["dismissal"] == "NIL"
            assert typed["lifecycle:transition"] == "complete"
        if name == "running-example.xes":
            resources = {row[0] for row in opened.db.execute("SELECT DISTINCT resource FROM events")}
            assert {"Pete", "Mike", "Ellen", "Sara", "Sue", "Sean"} <= resources


def test_the_same_log_as_csv_and_as_xes_stores_the_same_events(tmp_path: Path) -> None:
    """One ingest for every collector: event-csv and xes go through the same core path to the same events."""
    events = [
        ("c1", "open", "2026-03-01T08:00:00.000+01:00", "ann"),
        ("c1", "pay", "2026-03-01T08:05:30.250+01:00", "bob"),
        ("c2", "open", "2026-03-02T10:00:00.000-05:00", ""),
        ("c2", "", "2026-03-02T10:01:00.000-05:00", "ann"),  # no activity: a reject on both
        ("c2", "close", "soon", "ann"),  # an unparsable timestamp: a reject on both
        ("c2", "close", "2026-03-02T11:00:00.000Z", "bob"),
    ]
    csv_root = programme(
        tmp_path / "csv",
        sources=[
            {
                "id": "log",
                "collector": "event-csv",
                "path": "log.csv",
                "columns": {"case": "case", "activity": "activity", "timestamp": "time", "resource": "resource"},
            }
        ],
    )
    (csv_root / "log.csv").write_text(
        "case,activity,time,resource\n" + "".join(",".join(event) + "\n" for event in events), encoding="utf-8"
    )
    xes_root = programme(tmp_path / "xes", sources=[{"id": "log", "collector": "xes", "path": "log.xes"}])
    traces = []
    for case in ("c1", "c2"):
        body = "".join(
            "<event>"
            + (f'<string key="concept:name" value="{activity}"/>' if activity else "")
            + f'<date key="time:timestamp" value="{when}"/>'
            + (f'<string key="org:resource" value="{who}"/>' if who else "")
            + "</event>"
            for c, activity, when, who in events
            if c == case
        )
        traces.append(f'<trace><string key="concept:name" value="{case}"/>{body}</trace>')
    (xes_root / "log.xes").write_text(f'<?xml version="1.0" encoding="UTF-8"?><log>{"".join(traces)}</log>', "utf-8")
    stored = []
    for root in (csv_root, xes_root):
        [result] = cxframe.collect(root, host=host())
        assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (6, 4, 2)
        rows = testing.read_table(root, "events")
        stored.append(
            sorted((e["case_id"], e["activity"], e["timestamp"], e["tz_offset"], e["resource"]) for e in rows)
        )
    assert stored[0] == stored[1]
    assert ("c1", "pay", "2026-03-01T07:05:30.250000Z", "+01:00", "bob") in stored[0]
