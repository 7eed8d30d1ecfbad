"""cxframe-nps: survey-csv through the core's batch ingest stores exactly what a row-by-row reading stores."""

from __future__ import annotations

import datetime as dt
import gc
import os
import signal
import subprocess
import sys
import time
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rowwise import rowwise_survey_csv

import cxframe
import cxframe.ingestion._cleaning as cleaning_module
import cxframe.ingestion._delimited as delimited_module
import cxframe.ingestion._staged as staged_module
import cxframe.ingestion._timestamps as timestamps_module
import cxframe_nps
from cxframe import SourceReader, SurveyBatches, SurveyQuestion, TimestampRule, ingest, open_programme, testing
from cxframe.ingestion._background import child_process_available
from cxframe.ingestion._cleaning import BLANK_WEIGHT
from cxframe.ingestion._collect import CollectorFailed
from cxframe.ingestion._timestamps import Stamp, Timestamps, timestamp_reader
from cxframe.store._sqlite import utc_text
from cxframe_nps.collectors import parse_timestamp, survey_csv
from tests.processes import wait_for_marker

HEADER = "id,cust,when,Region,Q1,Q2,note,w\n"
BODY = (
    'a,c1,2026-03-01T10:00:00+08:00,North,10,5,"Great, ""really""",1.5\n'
    "b,c2,2026-03-02,South,11,4,,1\n"
    "c,c3,2026-03-03T00:00:00Z,South,N/A,,,1\n"
    "d,c4,yesterday,South,5,3,,1\n"
    "a,c5,2026-03-04T00:00:00Z,South,9,5,,1\n"
    "e,c6, 2026-03-05T01:02:03.25-05:30 ,  East ,10 - Extremely likely,4,\u3000note\u3000,2\n"
    "f,c7,2026-02-30T00:00:00Z,East,7,4,,1\n"
    "g,c8,2026-03-06T00:00:00Z,East,7,4,,-1\n"
    "h,c9,2026-03-06T00:00:00Z,East,7,4,,x\n"
    ",,,,,,,\n"
    "i,c10,2026-03-07T23:59:59.123456Z,,nan,inf,,1\n"
    "too,few\n"
    "j,c11,2026-03-08 12:00:00,West,0,1,,1\n"
    ",c12,2026-03-09T00:00:00Z,West,3,2,,1\n"
    "a,c13,2026-03-10T00:00:00Z,West,1,1,,1\n"
)

#: Repeats around rejected rows, from line 17 on (line 9 is g, whose weight is rejected; line 5 is d,
#: whose timestamp is; line 3 is b).
REPEATS = (
    "g,c14,2026-03-11T00:00:00Z,East,8,4,,1\n"
    "d,c15,2026-03-12T00:00:00Z,East,8,4,,1\n"
    "b,c16,2026-03-13T00:00:00Z,East,8,4,,0\n"
    "b,c17,2026-03-14T00:00:00+01:00,East,,,,1\n"
    "k,c18,2026-03-15T00:00:00Z,East,,3,,1\n"
    "  ,c19,2026-03-16T00:00:00Z,East,2,2,,1\n"
)


needs_child = pytest.mark.skipif(
    not child_process_available(), reason="reading in a child process needs Linux and 2 cores"
)
READING = [
    pytest.param(False, id="in-process"),
    pytest.param(True, id="child-process", marks=needs_child),
]


@pytest.fixture(params=READING)
def child(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[bool]:
    """Read the source in this process or in a child process, in blocks of a few records (every boundary comes up)."""
    in_child = request.param
    monkeypatch.setattr(staged_module, "CHILD_PROCESS_BYTES", 0 if in_child else 1 << 60)
    monkeypatch.setattr(delimited_module, "BLOCK_BYTES", 160)
    yield bool(in_child)


def _store_contents(root: Path, staged: bool) -> tuple[object, list[tuple[object, ...]], list[tuple[object, ...]]]:
    host = testing.plugin_host(cxframe_nps)
    columns = {
        "response_id": "id",
        "respondent_id": "cust",
        "timestamp": "when",
        "comment": "note",
        "weight": "w",
        "segments": {"region": "Region"},
        "questions": {"nps": "Q1", "csat": "Q2"},
    }
    collector = survey_csv if staged else rowwise_survey_csv
    with open_programme(root, host) as opened:
        reader = SourceReader("s", "survey-csv", root / "s.csv", columns=columns, programme=opened.programme)
        summary = ingest(opened.store, reader, collector, batch_size=3)
        db = opened.store.db
        observations = db.execute(
            "SELECT key, source, question, value, timestamp, tz_offset, respondent_id, response_id, population, "
            "scale_min, scale_max, touchpoint, channel, comment, weight, region FROM observations ORDER BY key"
        ).fetchall()
        rejects = db.execute("SELECT line, raw, reason FROM rejects ORDER BY line, reason").fetchall()
    counts = (summary.rows_read, summary.rows_accepted, summary.rows_partial, summary.rows_rejected)
    return (counts, summary.records_stored, summary.records_duplicate, summary.answers_skipped), observations, rejects


def test_staged_and_streamed_ingest_store_the_same(tmp_path: Path, child: bool) -> None:
    results = []
    for staged in (True, False):
        root = testing.make_programme(tmp_path / str(staged))
        (root / "s.csv").write_text(HEADER + BODY, encoding="utf-8")
        results.append(_store_contents(root, staged))
    assert results[0] == results[1]
    assert gc.isenabled()
    summary, observations, rejects = results[0]
    assert summary[0] == (14, 4, 1, 9)
    assert any("duplicate response id 'a' (first on line 2)" in r[2] for r in rejects)
    assert any(r[2] == "expected 8 fields, found 2" for r in rejects)
    naive = next(o for o in observations if o[7] == "j")
    assert naive[4] == "2026-03-08T12:00:00.000000Z" and naive[5] is None


@pytest.mark.parametrize("tiny", [False, True])
def test_repeats_around_rejected_rows_are_found_as_the_streaming_path_finds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny: bool, child: bool
) -> None:
    if tiny:
        # every id marked as a possible repeat, every cache starting over at each new text
        monkeypatch.setattr(cleaning_module, "SEEN_BITS", 8)
        monkeypatch.setattr(cleaning_module, "CACHE_LIMIT", 1)
        monkeypatch.setattr(timestamps_module, "CACHE_LIMIT", 1)
        monkeypatch.setattr(staged_module, "CHUNK", 2)  # and a batch boundary every other record
    results = []
    for staged in (True, False):
        root = testing.make_programme(tmp_path / str(staged))
        (root / "s.csv").write_text(HEADER + BODY + REPEATS, encoding="utf-8")
        results.append(_store_contents(root, staged))
    assert results[0] == results[1]
    summary, observations, rejects = results[0]
    assert summary[0] == (20, 7, 1, 12)
    assert summary[3] == 1  # line 21's blank nps: skipped, as it has a usable csat
    reasons = {line: reason for line, _, reason in rejects}
    assert reasons[17] == "duplicate response id 'g' (first on line 9)"
    assert 18 not in reasons  # d's first line had no usable timestamp, so it claimed nothing
    assert reasons[19] == "duplicate response id 'b' (first on line 3)"  # before its weight is looked at
    assert reasons[20] == "duplicate response id 'b' (first on line 3)"
    assert 21 not in reasons
    assert sum(1 for o in observations if o[7] is None) == 4  # lines 15 and 22: no response id, keyed by line


def test_a_chunk_is_cut_by_records_read_so_rejects_never_pile_up() -> None:
    # a mis-mapped timestamp column: every record rejected, none staged
    rows = ((n + 2, [f"r{n}", "not a time", "9"]) for n in range(100))
    survey = SurveyBatches(
        width=3,
        batches=cxframe.batches_from_rows(rows, 3),
        timestamp=1,
        parse_timestamp=lambda text: parse_timestamp(text),
        questions=(SurveyQuestion(id="nps", column=2, score=lambda text: (float(text), None)),),
        fields={"response_id": 0},
    )
    monkey = delimited_module.ROWS_PER_BATCH
    delimited_module.ROWS_PER_BATCH = 10
    try:
        cleaner = cleaning_module.SurveyCleaner(survey, size=1000)
        *chunks, tally = cleaner.chunks(survey.batches, 10, 1)
    finally:
        delimited_module.ROWS_PER_BATCH = monkey
    assert len(chunks) == 11  # ten full ones, and the (empty) last
    for chunk in chunks[:10]:
        assert len(chunk.raw) == 10
        assert chunk.count == 0  # a row without a usable time is not staged: it claims no id and stores nothing
    assert tally.count == 100


def test_chunks_cross_from_the_reading_process_whole() -> None:
    chunk = staged_module._Chunk(
        raw=[(3, "a,b", "nps: blank", None)],
        bad=[(4, "x", "expected 3 fields, found 1")],
        marked=[(5,)],
        profiles=[(0, "North", None)],
        kept=7,
        groups=[(1, "2026-03-01T00:00:00.000000Z", "+00:00", "r1", 1.5, 0, "Fine 好", 9.0)],
        rest=(2, None, None, None, None, 0, None, None),
        low=1,
        high=9,
        count=8,
        bytes_done=1234,
    )
    assert staged_module._decode(staged_module._encode(chunk)) == chunk
    tally = staged_module._Tally(count=10, answered=[1, 2, 7], notes={"excluded: preview": 2})
    assert staged_module._decode(staged_module._encode(tally)) == tally


def test_recollecting_through_the_fast_path_adds_nothing(tmp_path: Path, child: bool) -> None:
    root = testing.make_programme(tmp_path / "p")
    (root / "s.csv").write_text(HEADER + BODY, encoding="utf-8")
    (_, first, _, _), _, _ = _store_contents(root, True)
    (root / "s.csv").write_text(HEADER + BODY + "k,c14,2026-03-11T00:00:00Z,West,9,5,,1\n", encoding="utf-8")
    (_, stored, duplicate, _), _, _ = _store_contents(root, True)
    assert (stored, duplicate) == (2, first)  # a grown file adds only its new answers


def test_a_rewritten_export_without_response_ids_is_read_as_it_is_now(tmp_path: Path, child: bool) -> None:
    root = testing.make_programme(tmp_path / "p")
    columns = {"timestamp": "when", "questions": {"nps": "ltr"}}
    rows = "".join(f"2025-03-0{day}T09:00:00Z,10\n" for day in (1, 2, 3))
    (root / "s.csv").write_text("when,ltr\n" + rows, encoding="utf-8")
    cxframe.collect(root, [str(root / "s.csv")], collector="survey-csv", columns=columns)
    # a detractor on top: every row moves down a line
    (root / "s.csv").write_text("when,ltr\n2025-03-04T09:00:00Z,0\n" + rows, encoding="utf-8")
    [summary] = cxframe.collect(root, [str(root / "s.csv")], collector="survey-csv", columns=columns)
    assert (summary.records_stored, summary.records_replaced) == (4, 3)
    [result] = cxframe.measure(root, metrics=["nps"])
    assert (result.value, result.n) == (50.0, 4)


def test_a_reexport_with_new_questions_and_rows_joins_the_stored_responses(tmp_path: Path, child: bool) -> None:
    root = testing.make_programme(tmp_path / "p")
    columns = {"response_id": "id", "timestamp": "when", "segments": {"region": "Region"}, "questions": {"nps": "Q1"}}
    (root / "s.csv").write_text("id,when,Region,Q1,Q2\na,2026-03-01T00:00:00Z,North,9,4\n", encoding="utf-8")
    cxframe.collect(root, [str(root / "s.csv")], collector="survey-csv", columns=columns)
    rows = "a,2026-03-01T00:00:00Z,North,9,4\nb,2026-03-02T00:00:00Z,,7,5\n,2026-03-03T00:00:00Z,South,3,1\n"
    (root / "s.csv").write_text("id,when,Region,Q1,Q2\n" + rows, encoding="utf-8")
    more = {**columns, "questions": {"nps": "Q1", "csat": "Q2"}}  # a changed mapping: read again, replacing
    [summary] = cxframe.collect(root, [str(root / "s.csv")], collector="survey-csv", columns=more)
    assert (summary.records_stored, summary.records_replaced) == (6, 1)
    stored = testing.read_table(root, "observations")
    assert sorted((o["key"], o["value"], o["region"]) for o in stored) == [
        ("s.csv|4|csat", 1.0, "South"),
        ("s.csv|4|nps", 3.0, "South"),
        ("s.csv|r:a|csat", 4.0, "North"),
        ("s.csv|r:a|nps", 9.0, "North"),
        ("s.csv|r:b|csat", 5.0, None),
        ("s.csv|r:b|nps", 7.0, None),
    ]
    # the same rows once more, and a file that only grew: stored answers are kept, new ones join their response;
    # a repeat within the file is still found when the rows before it were stored by an earlier ingest
    grown = rows + "c,2026-03-04T00:00:00Z,East,10,5\nb,2026-03-05T00:00:00Z,East,1,1\n"
    (root / "s.csv").write_text("id,when,Region,Q1,Q2\n" + grown, "utf-8")
    [summary] = cxframe.collect(root, [str(root / "s.csv")], collector="survey-csv", columns=more)
    assert (summary.records_stored, summary.records_duplicate, summary.rows_rejected) == (2, 6, 1)
    assert len(testing.read_table(root, "responses")) == 4
    [reject] = testing.read_table(root, "rejects", "ingest_id = (SELECT max(id) FROM ingests)")
    assert (reject["line"], reject["reason"]) == (6, "duplicate response id 'b' (first on line 3)")


def test_a_failure_while_storing_stops_the_reading_and_keeps_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child: bool
) -> None:
    root = testing.make_programme(tmp_path / "p")
    columns = {"response_id": "id", "timestamp": "when", "questions": {"nps": "Q1"}}
    rows = "".join(f"r{n},2026-03-01T00:00:00Z,{n % 11}\n" for n in range(200))
    (root / "s.csv").write_text("id,when,Q1\n" + rows, encoding="utf-8")
    monkeypatch.setattr(staged_module, "CHUNK", 10)
    calls = 0
    write = staged_module._ResponseWriter.write

    def failing(self: object, *args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError("disk full")
        write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(staged_module._ResponseWriter, "write", failing)
    with pytest.raises(CollectorFailed, match="OSError: disk full .nothing from this source was stored") as raised:
        cxframe.collect(root, [str(root / "s.csv")], collector="survey-csv", columns=columns)
    # the reading process was stopped and reaped at once, while the error (and its traceback) is still held
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
    assert raised.value.__traceback__ is not None
    assert gc.isenabled()  # the collector rests only while chunks are stored
    assert testing.read_table(root, "responses") == [] and testing.read_table(root, "ingests") == []


def test_bytes_that_do_not_decode_stop_the_source_as_in_the_streaming_path(tmp_path: Path, child: bool) -> None:
    root = testing.make_programme(tmp_path / "p")
    columns = {"response_id": "id", "timestamp": "when", "questions": {"nps": "Q1"}}
    good = "".join(f"r{n},2026-03-01T00:00:00Z,{n % 11}\n" for n in range(50))
    (root / "s.csv").write_bytes(("id,when,Q1\n" + good).encode() + b"bad,2026-03-01T00:00:00Z,\xff\xfe9\n")
    with pytest.raises(
        cxframe.InvalidInput, match=r"s\.csv: at or after line \d+: the file is not valid utf-8"
    ) as raised:
        cxframe.collect(root, [str(root / "s.csv")], collector="survey-csv", columns=columns, encoding="utf-8")
    assert "Traceback" not in str(raised.value)
    assert testing.read_table(root, "responses") == [] and testing.read_table(root, "ingests") == []


_offsets = st.sampled_from(["Z", "+00:00", "-00:00", "+08:00", "-05:30", "+23:59", "-23:59", "", "+24:00", "+05:60"])
_stamps = st.builds(
    lambda moment, fraction, sep, offset: moment.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + fraction + offset,
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["", ".5", ".123", ".123456", ".1234567", "."]),
    st.sampled_from(["T", " ", "t"]),
    _offsets,
)
#: the stored shape, but for the fraction (six digits or none) and the Z: read by slicing
_canonical = st.builds(
    lambda moment, zone: moment.isoformat() + zone,
    st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["Z", ""]),
)
_odd = st.sampled_from(["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-02-28", "2024-02-29", "2023-02-29"])


def _reader(zone: dt.tzinfo | None) -> Callable[[str], Stamp]:
    return timestamp_reader(
        SurveyBatches(
            width=1,
            batches=(),
            timestamp=0,
            parse_timestamp=lambda text: parse_timestamp(text, zone),
            questions=(),
            naive_utc=zone is None,
        )
    )


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(_stamps, _canonical, _odd, st.text(max_size=30)),
    st.booleans(),
    st.sampled_from(["", " ", "\u3000", "\t"]),
)
def test_the_timestamp_fast_path_reads_exactly_as_the_streaming_path(text: str, naive_utc: bool, pad: str) -> None:
    text = pad + text + pad
    zone = None if naive_utc else dt.timezone(dt.timedelta(hours=3))
    parsed = parse_timestamp(text, zone)
    if parsed is None:
        said = "no timestamp" if not text.strip() else f"unparsable timestamp {text!r}"
        expected = (None, None, f"{said} (expected ISO-8601)")
    else:
        try:
            expected = (*utc_text(parsed), None)
        except OverflowError:
            expected = (None, None, f"timestamp {text!r} is out of range in UTC")
    read = _reader(zone)
    assert read(text) == expected
    assert read(text) == expected  # and again, from its cache where it has one


_ZONES = [None, "America/Denver", "Europe/Berlin", "Asia/Shanghai", "Australia/Lord_Howe"]
_FORMATS = ["%m/%d/%Y %I:%M:%S %p", "%d.%m.%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%d/%m/%Y"]
#: local times, many of them near a daylight-saving change (2025-03-09, 2025-03-30, 2025-10-26, 2025-11-02 …)
_local = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.builds(
        lambda day, minutes: dt.datetime(2025, *day) + dt.timedelta(minutes=minutes),
        st.sampled_from([(3, 9), (3, 30), (10, 5), (10, 26), (11, 2), (4, 6)]),
        st.integers(min_value=0, max_value=5 * 60),
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(
        st.one_of(
            st.builds(lambda moment, pattern: moment.strftime(pattern), _local, st.sampled_from(_FORMATS)),
            st.builds(lambda moment, sep: moment.isoformat(sep=sep, timespec="seconds"), _local, st.sampled_from("T ")),
            st.builds(lambda moment: f"{moment.month}/{moment.day}/{moment.year} 9:05:00 AM", _local),  # not padded
            _stamps,
            _canonical,
            _odd,
            st.text(max_size=20),
        ),
        min_size=1,
        max_size=30,
    ),
    zone_name=st.sampled_from(_ZONES),
    formats=st.lists(st.sampled_from(_FORMATS), max_size=2, unique=True),
)
def test_timestamps_read_a_column_at_a_time_as_the_parser_reads_each(
    texts: list[str], zone_name: str | None, formats: list[str]
) -> None:
    """The column-wise reading of a declared rule (formats, zone) gives what the collector's parser gives, text by text."""
    zone = None if zone_name is None else zoneinfo.ZoneInfo(zone_name)
    survey = SurveyBatches(
        width=1,
        batches=(),
        timestamp=0,
        parse_timestamp=lambda text: parse_timestamp(text, zone, formats),
        questions=(),
        naive_utc=zone is None,
        timestamp_rule=TimestampRule(formats=tuple(formats), time_zone=zone_name),
    )
    expected = [timestamp_reader(survey)(text) for text in texts]
    stored, offsets, reasons = Timestamps(survey).arrays(pa.array(texts, pa.string()), lists=True)
    assert list(zip(stored, offsets, reasons, strict=True)) == expected


@pytest.mark.slow
def test_kill_9_after_the_inserts_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p")
    columns = {"response_id": "id", "timestamp": "when", "questions": {"nps": "Q1"}}
    (root / "s.csv").write_text("id,when,Q1\na,2026-03-01T00:00:00Z,9\n", encoding="utf-8")
    cxframe.collect(root, [str(root / "s.csv")], collector="survey-csv", columns=columns)
    rows = "".join(f"r{n},2026-03-{n % 28 + 1:02d}T00:00:00Z,{n % 11}\n" for n in range(2000))
    (root / "s.csv").write_text("id,when,Q1\n" + rows, encoding="utf-8")
    marker = tmp_path / "marker"
    # stop the ingest when its responses, answers and rejects are inserted, before it commits
    script = f"""
import pathlib, time
import cxframe, cxframe.ingestion._staged as staged
def stalled(**counts):
    pathlib.Path({str(marker)!r}).touch()
    time.sleep(60)
staged.StagedCounts = stalled
cxframe.collect({str(root)!r}, [{str(root / "s.csv")!r}], collector="survey-csv", columns={columns!r})
"""
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        wait_for_marker(process, marker)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    assert len(testing.read_table(root, "observations")) == 1
    assert len(testing.read_table(root, "responses")) == 1
    assert len(testing.read_table(root, "ingests")) == 1


def _processes_running(token: str) -> list[int]:
    """Processes whose command line contains ``token`` (Linux /proc), zombies left out."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if token in (entry / "cmdline").read_text(errors="replace") and " Z " not in (entry / "stat").read_text():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
@needs_child
def test_kill_9_while_the_reading_process_is_ahead_leaves_the_store_and_no_process(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p")
    columns = {"response_id": "id", "timestamp": "when", "questions": {"nps": "Q1"}}
    rows = "".join(f"r{n},2026-03-{n % 28 + 1:02d}T00:00:00Z,{n % 11}\n" for n in range(5000))
    (root / "s.csv").write_text("id,when,Q1\n" + rows, encoding="utf-8")
    marker = tmp_path / "marker"
    # the store's process stalls on its third chunk, with the reading process ahead of it
    script = f"""
import pathlib, time
import cxframe, cxframe.ingestion._staged as staged, cxframe.ingestion._delimited as delimited
staged.CHILD_PROCESS_BYTES, staged.CHUNK, delimited.BLOCK_BYTES = 0, 50, 4096
write, calls = staged._ResponseWriter.write, []
def stalled(self, *args, **kwargs):
    calls.append(1)
    if len(calls) == 3:
        pathlib.Path({str(marker)!r}).touch()
        time.sleep(60)
    write(self, *args, **kwargs)
staged._ResponseWriter.write = stalled
cxframe.collect({str(root)!r}, [{str(root / "s.csv")!r}], collector="survey-csv", columns={columns!r})
"""
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        wait_for_marker(process, marker)
        assert len(_processes_running(str(marker))) == 2  # the store's process and the reading process
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    deadline = time.monotonic() + 10
    while _processes_running(str(marker)):  # the reading process ends when its pipe breaks
        assert time.monotonic() < deadline, "the reading process outlived the store's process"
        time.sleep(0.05)
    assert testing.read_table(root, "responses") == [] and testing.read_table(root, "ingests") == []


def test_a_blank_weight_in_a_weighted_source_is_rejected_on_both_paths(tmp_path: Path, child: bool) -> None:
    results = []
    for staged in (True, False):
        root = testing.make_programme(tmp_path / str(staged))
        body = "a,c1,2026-03-01T00:00:00Z,North,9,5,,\nb,c2,2026-03-01T00:00:00Z,North,0,1,, 250 \n"
        (root / "s.csv").write_text(HEADER + body, encoding="utf-8")
        results.append(_store_contents(root, staged))
    assert results[0] == results[1]
    (counts, _, _, _), observations, rejects = results[0]
    assert counts == (2, 1, 0, 1)
    assert {o[7] for o in observations} == {"b"} and {o[14] for o in observations} == {250.0}
    assert rejects == [(2, "a,c1,2026-03-01T00:00:00Z,North,9,5,,", BLANK_WEIGHT)]


QUALTRICS_SKIPS = (
    "ResponseId,RecordedDate,Status,Finished,Q1,Q3\n"
    "Response ID,Recorded Date,Response Type,Finished,How likely…?,How satisfied…?\n"
    '"{""ImportId"":""_recordId""}","{""ImportId"":""recordedDate"",""timeZone"":""UTC""}",'
    '"{""ImportId"":""status""}","{""ImportId"":""finished""}","{""ImportId"":""QID1""}","{""ImportId"":""QID3""}"\n'
    "r1,2026-03-01 10:00:00,0,1,10,5\n"
    "r2,2026-03-01 11:00:00,0,1,-99,4\n"  # nps seen, not answered: skipped
    "r3,2026-03-01 12:00:00,0,1,9,\n"  # csat blank: skipped
    "r4,2026-03-01 13:00:00,0,1,-99,-99\n"  # nothing answered: rejected, each answer with its reason
    "r5,2026-03-01 14:00:00,0,1,11, -99 \n"  # nothing usable: rejected
    "r6,2026-03-01 15:00:00,0,1,12,4\n"  # out of the scale: rejected, the csat kept
    "r1,2026-03-01 16:00:00,0,1,-99,3\n"  # a repeat, with a skipped answer: not counted as skipped
)


def test_unanswered_and_blank_answers_are_skipped_not_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, child: bool
) -> None:
    """Qualtrics' ``-99`` ("seen but not answered") and a blank answer are skipped answers (#21, item 4)."""
    monkeypatch.setattr(delimited_module, "BLOCK_BYTES", 400)  # the ImportId row is longer than the fixture's
    columns = {"questions": {"nps": "Q1", "csat": "Q3"}}
    source = {"id": "q", "collector": "qualtrics", "path": "q.csv", "columns": columns}
    root = testing.make_programme(tmp_path / "p", sources=[source])
    (root / "q.csv").write_text(QUALTRICS_SKIPS, encoding="utf-8-sig")
    [summary] = cxframe.collect(root, host=testing.plugin_host(cxframe_nps))
    counts = (summary.rows_read, summary.rows_accepted, summary.rows_partial, summary.rows_rejected)
    assert counts == (7, 3, 1, 3)
    assert summary.answers_skipped == 2
    assert "2 answers skipped (blank or not answered)" in summary.describe()
    with cxframe.open_store(root / "cxframe.db") as store:
        stored = store.db.execute("SELECT response_id, question, value FROM observations ORDER BY 1, 2").fetchall()
        rejects = store.db.execute("SELECT line, reason FROM rejects ORDER BY line, reason").fetchall()
    assert stored == [
        ("r1", "csat", 5.0),
        ("r1", "nps", 10.0),
        ("r2", "csat", 4.0),
        ("r3", "nps", 9.0),
        ("r6", "csat", 4.0),
    ]
    assert rejects == [
        (7, "csat: -99 (seen, not answered)"),
        (7, "nps: -99 (seen, not answered)"),
        (8, "csat: -99 (seen, not answered)"),
        (8, "nps: 11 is outside the scale 0–10"),
        (9, "nps: 12 is outside the scale 0–10"),
        (10, "duplicate response id 'r1' (first on line 4)"),
    ]


def test_a_blank_answer_is_skipped_on_both_paths(tmp_path: Path, child: bool) -> None:
    """The core's batch path and a collector's own rows (`cxframe.Skipped`) count skipped answers alike."""
    results = []
    for staged in (True, False):
        root = testing.make_programme(tmp_path / str(staged))
        body = (
            "a,c1,2026-03-01T00:00:00Z,North,,5,,1\n"  # nps blank: skipped
            "b,c2,2026-03-01T00:00:00Z,North,9, ,,1\n"  # csat blank: skipped
            "c,c3,2026-03-01T00:00:00Z,North,,,,1\n"  # no answer: rejected
            "d,c4,2026-03-01T00:00:00Z,North,x,,,1\n"  # nothing usable: rejected
            "e,c5,2026-03-01T00:00:00Z,North,11,,,1\n"  # nothing usable: rejected
            "f,c6,2026-03-01T00:00:00Z,North,12,3,,1\n"  # partial
        )
        (root / "s.csv").write_text(HEADER + body, encoding="utf-8")
        results.append(_store_contents(root, staged))
    assert results[0] == results[1]
    (counts, stored, _, skipped), _, rejects = results[0]
    assert (counts, stored, skipped) == ((6, 2, 1, 3), 3, 2)
    assert [line for line, _, _ in rejects] == [4, 4, 5, 5, 6, 6, 7]


def test_more_distinct_segment_cells_than_profile_codes_hold_store_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # past PROFILE_RADIX distinct cells in a column, profiles are keyed by the cells themselves (_profiles_by_row)
    monkeypatch.setattr(cleaning_module, "PROFILE_RADIX", 8)
    by_row = cleaning_module.SurveyCleaner._profiles_by_row
    calls = []

    def counted(self: cleaning_module.SurveyCleaner, *args: Any) -> list[int]:
        calls.append(1)
        return by_row(self, *args)

    monkeypatch.setattr(cleaning_module.SurveyCleaner, "_profiles_by_row", counted)
    body = "".join(f"r{i},c{i},2026-03-01T00:00:00Z, Region {i % 13} ,{i % 11},{i % 5 + 1},,1\n" for i in range(60))
    results = []
    for staged in (True, False):
        root = testing.make_programme(tmp_path / str(staged))
        (root / "s.csv").write_text(HEADER + body, encoding="utf-8")
        results.append(_store_contents(root, staged))
    assert results[0] == results[1]
    assert calls and {row[-1] for row in results[0][1]} == {f"Region {i}" for i in range(13)}
