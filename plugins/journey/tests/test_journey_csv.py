"""cxframe-journey: the event-csv collector."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from journey_support import FIXTURES, ORDERS_COLUMNS, collect, collected, host, programme, store, summary

import cxframe
from cxframe import EventBatches, InvalidInput, TimestampRule, testing
from cxframe.ingestion._timestamps import Timestamps, timestamp_reader
from cxframe_journey import analytics, api, timestamps
from tests.processes import wait_for_marker


def orders_programme(tmp_path: Path, columns: Mapping[str, object] | None = None, **options: object) -> Path:
    root = programme(
        tmp_path / "p",
        sources=[
            {
                "id": "orders",
                "collector": "event-csv",
                "path": "orders.csv",
                "columns": columns or ORDERS_COLUMNS,
                **({"options": options} if options else {}),
            }
        ],
    )
    shutil.copy(FIXTURES / "orders.csv", root / "orders.csv")
    return root


def test_rows_become_events_in_utc_with_their_offset_and_bad_rows_are_rejected(tmp_path: Path) -> None:
    root = orders_programme(tmp_path)
    [result] = cxframe.collect(root, host=host())
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (12, 7, 5)
    events = {(e["case_id"], e["activity"]): e for e in testing.read_table(root, "events")}
    assert len(events) == 7
    checkout = events["A", "checkout"]
    assert (checkout["timestamp"], checkout["tz_offset"]) == ("2025-03-04T09:00:00.000000Z", "+01:00")
    assert (checkout["channel"], checkout["outcome"], checkout["resource"]) == ("web", "ok", None)
    # a naive timestamp is read as UTC and stored without an offset, unlike an explicit "Z" or "+00:00"
    assert (events["A", "pay"]["timestamp"], events["A", "pay"]["tz_offset"]) == ("2025-03-04T09:10:00.000000Z", None)
    assert events["B", "browse"]["tz_offset"] == "-05:00"
    assert events["B", "pay"]["timestamp"] == "2025-03-04T14:30:00.250000Z"
    # only the columns listed in columns.attributes are kept, blank ones left out
    assert json.loads(events["A", "pay"]["attributes"]) == {"amount": "19.90", "note": "two\nlines"}
    assert events["C", "browse"]["attributes"] is None
    rejects = {(r["line"], r["reason"]) for r in testing.read_table(root, "rejects")}
    assert rejects == {
        (8, "missing case id (column 'order_id')"),
        (9, "missing activity (column 'step')"),
        (11, "missing timestamp (column 'at')"),
        (12, "unparsable timestamp 'yesterday' (expected ISO-8601, e.g. 2025-03-04T09:30:00+01:00) in column 'at'"),
        (13, "expected 8 fields, found 7"),
    }


def test_lines_are_file_lines_even_after_a_quoted_line_break(tmp_path: Path) -> None:
    root = orders_programme(tmp_path)
    cxframe.collect(root, host=host())
    keys = {(e["case_id"], e["activity"]): e["key"] for e in testing.read_table(root, "events")}
    # "A,pay" spans lines 6-7 of the file; "B,checkout" is on line 10
    assert keys["A", "pay"] == "orders|6" and keys["B", "checkout"] == "orders|10"
    raw = {r["line"]: r["raw"] for r in testing.read_table(root, "rejects")}
    assert raw[8] == ",browse,2025-03-04T09:00:00Z,web,,,,no case"


def test_a_mapped_column_missing_from_the_header_names_the_file_line_and_columns(tmp_path: Path) -> None:
    root = orders_programme(tmp_path, {**ORDERS_COLUMNS, "activity": "Step"})
    with pytest.raises(InvalidInput) as caught:
        cxframe.collect(root, host=host())
    message = str(caught.value)
    assert message.startswith(str(root / "orders.csv") + ": source 'orders': columns.activity: no column 'Step' in ")
    assert "the header (line 1); did you mean 'step'? its columns, closest first: step, " in message
    assert testing.read_table(root, "events") == []


def test_an_attribute_column_missing_from_the_header_is_named(tmp_path: Path) -> None:
    root = orders_programme(tmp_path, {**ORDERS_COLUMNS, "attributes": ["amount", "colour"]})
    with pytest.raises(InvalidInput, match=r"columns\.attributes\[1\]: no column 'colour' in the header \(line 1\)"):
        cxframe.collect(root, host=host())


def test_validate_names_every_mapped_column_the_log_lacks(tmp_path: Path) -> None:
    root = orders_programme(tmp_path, {**ORDERS_COLUMNS, "activity": "Step", "attributes": ["amount", "colour"]})
    problems = cxframe.validate(root, host=host())
    assert len(problems) == 2, problems
    assert "sources[0].columns.activity: no column 'Step' in the header (line 1) of orders.csv; " in problems[0]
    assert "did you mean 'step'?" in problems[0]
    assert "sources[0].columns.attributes[1]: no column 'colour'" in problems[1]


def test_a_bad_mapping_is_reported_by_validate(tmp_path: Path) -> None:
    columns = {"case": "order_id", "activity": "", "when": "at", "attributes": "amount"}
    root = orders_programme(tmp_path, columns, timezone="Mars/Olympus", sep=";")
    # the old spelling of time_zone is still read, and said to be renamed
    with pytest.warns(cxframe.SettingRenamedWarning, match="options.timezone is now called time_zone"):
        problems = "\n".join(cxframe.validate(root, host=host()))
    assert "columns.when: unknown key" in problems
    assert 'columns.activity: expected the name of the activity column, e.g. activity = "concept:name"' in problems
    assert "columns.timestamp: expected the name of the timestamp column" in problems
    assert "columns.attributes: expected a list of column names" in problems
    assert "options.timezone: unknown time zone 'Mars/Olympus'" in problems
    assert "options.sep: unknown option" in problems


def test_an_empty_file_and_a_header_without_rows_say_so(tmp_path: Path) -> None:
    root = programme(tmp_path / "p")
    (root / "empty.csv").write_text("", encoding="utf-8")
    (root / "header.csv").write_text("case:concept:name,concept:name,time:timestamp\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"empty\.csv: the file is empty; there is nothing to collect"):
        collect(root, root / "empty.csv")
    with pytest.raises(InvalidInput, match=r"header\.csv: no events: the file has a header but no rows"):
        collect(root, root / "header.csv")


def test_timestamp_format_and_time_zone_options(tmp_path: Path) -> None:
    root = programme(
        tmp_path / "p",
        sources=[
            {
                "id": "log",
                "collector": "event-csv",
                "path": "log.csv",
                "columns": {"case": "c", "activity": "a", "timestamp": "t"},
                "options": {"timestamp_format": "%d/%m/%Y %H:%M", "time_zone": "Europe/Amsterdam", "delimiter": ";"},
            }
        ],
    )
    (root / "log.csv").write_text("c;a;t\n1;x;04/03/2025 10:00\n1;y;04/07/2025 10:00\n1;z;2025-07-04\n", "utf-8")
    [result] = cxframe.collect(root, host=host())
    assert result.rows_rejected == 1
    stamps = [(e["timestamp"], e["tz_offset"]) for e in testing.read_table(root, "events")]
    # naive times are read in the programme's zone: winter +01:00, summer +02:00
    assert stamps == [("2025-03-04T09:00:00.000000Z", "+01:00"), ("2025-07-04T08:00:00.000000Z", "+02:00")]
    [reject] = testing.read_table(root, "rejects")
    assert reject["reason"] == "unparsable timestamp '2025-07-04' (expected the format '%d/%m/%Y %H:%M') in column 't'"


def test_recollecting_the_same_log_adds_nothing(tmp_path: Path) -> None:
    root = orders_programme(tmp_path)
    [first] = cxframe.collect(root, host=host())
    [again] = cxframe.collect(root, host=host())
    assert first.records_stored == 7 and again.unchanged
    # the same bytes under another name are the same log: nothing is added, and the
    # analysis reads the events of the source they were first collected as
    shutil.copy(root / "orders.csv", root / "copy.csv")
    selection = collect(root, root / "copy.csv", api.Mapping(case="order_id", activity="step", timestamp="at"))
    assert summary(selection).unchanged and selection.source == "orders"
    assert len(testing.read_table(root, "events")) == 7


def test_receipt_csv_with_mixed_offsets() -> None:
    root, selection = collected("receipt.csv")
    result = summary(selection)
    assert (result.rows_read, result.records_stored, result.rows_rejected) == (8577, 8577, 0)
    with store(root) as opened:
        offsets = dict(opened.db.execute("SELECT tz_offset, COUNT(*) FROM events GROUP BY tz_offset").fetchall())
        assert set(offsets) == {"+01:00", "+02:00"}
        cases = opened.db.execute("SELECT COUNT(DISTINCT case_id) FROM events").fetchone()[0]
        assert cases == 1434 == sum(v["count"] for v in analytics.variants(opened))


@pytest.mark.slow
def test_kill_9_during_an_event_log_ingest_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p")
    header = "case,activity,at\n"
    (root / "log.csv").write_text(header + "c0,start,2026-03-01T00:00:00Z\n", encoding="utf-8")
    columns = {"case": "case", "activity": "activity", "timestamp": "at"}
    cxframe.collect(root, [str(root / "log.csv")], collector="event-csv", columns=columns)
    rows = "".join(f"c{n % 500},step {n % 7},2026-03-{n % 28 + 1:02d}T{n % 24:02d}:00:00Z\n" for n in range(30_000))
    (root / "log.csv").write_text(header + rows, encoding="utf-8")
    marker = tmp_path / "marker"
    # the batches are stored inside one transaction: stall on the fifth, with four written, then kill
    script = f"""
import pathlib, time
import cxframe, cxframe.ingestion._delimited as delimited, cxframe.ingestion._collect as ingest
delimited.BLOCK_BYTES = 8192
clean, calls = ingest.EventCleaner.batch, []
def stalled(self, batch):
    calls.append(1)
    if len(calls) == 5:
        pathlib.Path({str(marker)!r}).touch()
        time.sleep(60)
    return clean(self, batch)
ingest.EventCleaner.batch = stalled
cxframe.collect({str(root)!r}, [{str(root / "log.csv")!r}], collector="event-csv", columns={columns!r})
"""
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        wait_for_marker(process, marker)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    assert len(testing.read_table(root, "events")) == 1
    assert len(testing.read_table(root, "ingests")) == 1


@settings(max_examples=200, deadline=None)
@given(
    moments=st.lists(
        st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)), min_size=1, max_size=20
    ),
    pattern=st.sampled_from(["%d/%m/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S"]),
    zone=st.sampled_from([None, "Europe/Amsterdam", "America/New_York"]),
    noise=st.lists(st.text(max_size=12), max_size=3),
)
def test_an_own_timestamp_format_is_read_a_column_at_a_time_as_the_parser_reads_it(
    moments: list[dt.datetime], pattern: str, zone: str | None, noise: list[str]
) -> None:
    parse = timestamps.parser(pattern, timestamps.timezone(zone))

    def parse_timestamp(text: str) -> dt.datetime | None:
        try:
            return parse(text)
        except ValueError:
            return None

    log = EventBatches(
        width=1,
        batches=(),
        case=0,
        activity=0,
        timestamp=0,
        parse_timestamp=parse_timestamp,
        naive_utc=zone is None,
        iso_timestamps=False,
        timestamp_rule=TimestampRule(formats=(pattern,), time_zone=zone, iso=False),
    )
    texts = [moment.strftime(pattern) for moment in moments] + noise
    expected = [timestamp_reader(log)(text) for text in texts]
    assert list(zip(*Timestamps(log).arrays(pa.array(texts, pa.string()), lists=True), strict=True)) == expected


def test_a_quote_left_open_is_a_reject_of_its_line_and_the_events_after_it_are_stored(tmp_path: Path) -> None:
    root = orders_programme(tmp_path)
    lines = (root / "orders.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(len(lines) - 1, 'Z,browse,2025-03-04T09:00:00Z,"web\n')  # the quote never closes
    (root / "orders.csv").write_text("".join(lines), encoding="utf-8")
    [result] = cxframe.collect(root, host=host())
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (13, 7, 6)
    rejects = {r["line"]: r for r in testing.read_table(root, "rejects")}
    opened = rejects[len(lines) - 1]
    assert opened["raw"] == 'Z,browse,2025-03-04T09:00:00Z,"web'
    assert opened["reason"].startswith("a quote opens a cell on this line and never closes")
    # the file's last line, read after it, is an event
    assert f"orders|{len(lines)}" in {e["key"] for e in testing.read_table(root, "events")}
