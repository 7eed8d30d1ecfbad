"""cxframe-nps: survey-csv's set-based fast path stores exactly what the streaming path stores."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import cxframe_nps
from cxframe import Collector, testing
from cxframe.api import open_programme
from cxframe.ingest import ingest
from cxframe.sources import SourceReader
from cxframe.staged import iso_utc_sql
from cxframe.store import utc_text
from cxframe_nps.collectors import parse_timestamp, survey_csv

HEADER = "id,cust,when,Region,Q1,Q2,note,w\n"
BODY = (
    'a,c1,2026-03-01T10:00:00+08:00,North,10,5,"Great, ""really""",1.5\n'
    "b,c2,2026-03-02,South,11,4,,\n"
    "c,c3,2026-03-03T00:00:00Z,South,N/A,,,\n"
    "d,c4,yesterday,South,5,3,,\n"
    "a,c5,2026-03-04T00:00:00Z,South,9,5,,\n"
    "e,c6, 2026-03-05T01:02:03.25-05:30 ,  East ,10 - Extremely likely,4,\u3000note\u3000,2\n"
    "f,c7,2026-02-30T00:00:00Z,East,7,4,,\n"
    "g,c8,2026-03-06T00:00:00Z,East,7,4,,-1\n"
    "h,c9,2026-03-06T00:00:00Z,East,7,4,,x\n"
    ",,,,,,,\n"
    "i,c10,2026-03-07T23:59:59.123456Z,,nan,inf,,\n"
    "too,few\n"
    "j,c11,2026-03-08 12:00:00,West,0,1,,\n"
    ",c12,2026-03-09T00:00:00Z,West,3,2,,\n"
    "a,c13,2026-03-10T00:00:00Z,West,1,1,,\n"
)


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
    collector = survey_csv if staged else Collector(id="survey-csv", description="", read=survey_csv.read)
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
    return (counts, summary.records_stored, summary.records_duplicate), observations, rejects


def test_staged_and_streamed_ingest_store_the_same(tmp_path: Path) -> None:
    results = []
    for staged in (True, False):
        root = testing.make_programme(tmp_path / str(staged))
        (root / "s.csv").write_text(HEADER + BODY, encoding="utf-8")
        results.append(_store_contents(root, staged))
    assert results[0] == results[1]
    summary, observations, rejects = results[0]
    assert summary[0] == (14, 4, 1, 9)
    assert any("duplicate response id 'a' (first on line 2)" in r[2] for r in rejects)
    assert any(r[2] == "expected 8 fields, found 2" for r in rejects)
    naive = next(o for o in observations if o[7] == "j")
    assert naive[4] == "2026-03-08T12:00:00.000000Z" and naive[5] is None


def test_recollecting_through_the_fast_path_adds_nothing(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p")
    (root / "s.csv").write_text(HEADER + BODY, encoding="utf-8")
    (_, first, _), _, _ = _store_contents(root, True)
    (root / "s.csv").write_text(HEADER + BODY + "k,c14,2026-03-11T00:00:00Z,West,9,5,,\n", encoding="utf-8")
    (_, stored, duplicate), _, _ = _store_contents(root, True)
    assert (stored, duplicate) == (2, first)  # a grown file adds only its new answers


_offsets = st.sampled_from(["Z", "+00:00", "-00:00", "+08:00", "-05:30", "+23:59", "-23:59", "", "+24:00", "+05:60"])
_stamps = st.builds(
    lambda moment, fraction, sep, offset: moment.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + fraction + offset,
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["", ".5", ".123", ".123456", ".1234567", "."]),
    st.sampled_from(["T", " ", "t"]),
    _offsets,
)
_odd = st.sampled_from(["2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-02-28", "2024-02-29", "2023-02-29"])


@settings(max_examples=400, deadline=None)
@given(st.one_of(_stamps, _odd), st.booleans())
def test_sql_reads_iso_timestamps_exactly_as_python(text: str, naive_utc: bool) -> None:
    utc_sql, offset_sql = iso_utc_sql("?1", naive_utc)
    got = sqlite3.connect(":memory:").execute(f"SELECT {utc_sql}, {offset_sql}", [text]).fetchone()
    if got[0] is None:
        return  # not read by SQL: the collector's parser decides, as the streaming path does
    zone = None if naive_utc else dt.timezone(dt.timedelta(hours=3))
    parsed = parse_timestamp(text, zone)
    assert parsed is not None, f"SQL read {text!r}, Python does not"
    assert tuple(got) == utc_text(parsed)
