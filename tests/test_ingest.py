"""The ingest machinery: batches, rejects, de-duplication, atomicity."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cxframe
from cxframe import testing
from cxframe.contracts._errors import InvalidInput
from cxframe.host._manager import PluginHost
from cxframe.ingestion._collect import CollectorFailed
from cxframe.store._sqlite import Store
from tests.conftest import write_answers
from tests.processes import wait_for_marker

ROOT = Path(__file__).resolve().parent.parent


def rows(n: int, start: int = 0) -> list[tuple[str, ...]]:
    return [
        (f"r{i}", "score", str(i % 10), f"2026-01-{1 + i % 28:02d}T10:00:00Z", "north") for i in range(start, start + n)
    ]


def test_collect_stores_observations_and_records_the_ingest(programme: Path, host: PluginHost) -> None:
    write_answers(programme / "answers.csv", rows(25))
    [summary] = cxframe.collect(programme, host=host)
    assert (summary.rows_read, summary.rows_accepted, summary.rows_rejected) == (25, 25, 0)
    assert summary.records_stored == 25
    observations = testing.read_table(programme, "observations")
    assert len(observations) == 25
    assert observations[0]["region"] == "north"
    assert observations[0]["timestamp"] == "2026-01-01T10:00:00.000000Z"
    [ingest] = testing.read_table(programme, "ingests")
    assert ingest["rows_read"] == 25 and ingest["content_hash"] == summary.content_hash


def test_bad_rows_are_rejected_with_line_and_reason_and_good_rows_kept(programme: Path, host: PluginHost) -> None:
    data = [*rows(3), ("bad", "score", "N/A", "2026-01-02T10:00:00Z", "north"), *rows(2, start=10)]
    write_answers(programme / "answers.csv", data)
    [summary] = cxframe.collect(programme, host=host)
    assert summary.rows_rejected == 1 and summary.records_stored == 5
    [reject] = testing.read_table(programme, "rejects")
    assert reject["line"] == 5  # header is line 1
    assert "N/A" in reject["raw"] and "float" in reject["reason"]


def test_recollecting_an_unchanged_file_adds_nothing(programme: Path, host: PluginHost) -> None:
    write_answers(programme / "answers.csv", rows(10))
    cxframe.collect(programme, host=host)
    [again] = cxframe.collect(programme, host=host)
    assert again.unchanged
    assert len(testing.read_table(programme, "observations")) == 10
    assert len(testing.read_table(programme, "ingests")) == 1


def test_a_grown_file_adds_only_the_new_records(programme: Path, host: PluginHost) -> None:
    write_answers(programme / "answers.csv", rows(10))
    cxframe.collect(programme, host=host)
    write_answers(programme / "answers.csv", rows(15))
    [summary] = cxframe.collect(programme, host=host)
    assert (summary.records_stored, summary.records_duplicate) == (5, 10)
    assert len(testing.read_table(programme, "observations")) == 15


def _anonymous(values: list[int]) -> list[tuple[str, ...]]:
    """Rows without a response id, so keyed by their line."""
    return [("", "score", str(v), f"2026-01-{1 + i:02d}T10:00:00Z", "north") for i, v in enumerate(values)]


def _stored_values(programme: Path) -> list[float]:
    return sorted(row["value"] for row in testing.read_table(programme, "observations"))


def test_a_grown_file_of_rows_keyed_by_line_adds_only_the_new_lines(programme: Path, host: PluginHost) -> None:
    write_answers(programme / "answers.csv", _anonymous([9, 9, 9]))
    cxframe.collect(programme, host=host)
    write_answers(programme / "answers.csv", _anonymous([9, 9, 9, 0]))
    [summary] = cxframe.collect(programme, host=host)
    assert (summary.records_stored, summary.records_duplicate, summary.records_replaced) == (1, 3, 0)
    assert _stored_values(programme) == [0, 9, 9, 9]


def test_a_rewritten_file_replaces_the_records_keyed_by_line(programme: Path, host: PluginHost) -> None:
    # a re-export with a new row on top: line 2 is another row now, so line keys cannot tell what is new
    write_answers(programme / "answers.csv", _anonymous([10, 10, 10]))
    cxframe.collect(programme, host=host)
    write_answers(programme / "answers.csv", _anonymous([0, 10, 10, 10]))
    [summary] = cxframe.collect(programme, host=host)
    assert (summary.records_stored, summary.records_replaced, summary.rewritten) == (4, 3, True)
    assert "rewritten" in summary.describe()
    assert _stored_values(programme) == [0, 10, 10, 10]
    # a shorter file too: what the file says now, not what it said once
    write_answers(programme / "answers.csv", _anonymous([5]))
    cxframe.collect(programme, host=host)
    assert _stored_values(programme) == [5]


def test_a_last_row_completed_after_it_was_read_counts_as_a_rewrite(programme: Path, host: PluginHost) -> None:
    # read while the export was still being written: its last row was cut off in its region, "nor(th)"
    write_answers(programme / "answers.csv", _anonymous([9, 9, 1]))
    whole = (programme / "answers.csv").read_bytes()
    assert whole.endswith(b",north\n")
    (programme / "answers.csv").write_bytes(whole[: -len(b"th\n")])
    cxframe.collect(programme, host=host)
    (programme / "answers.csv").write_bytes(whole)  # its first bytes are the old file, but line 4 is another row
    [summary] = cxframe.collect(programme, host=host)
    assert summary.rewritten
    assert sorted(row["region"] for row in testing.read_table(programme, "observations")) == ["north"] * 3


def test_a_rewritten_file_keeps_the_records_named_by_a_response_id(programme: Path, host: PluginHost) -> None:
    named = [("r1", "score", "7", "2026-01-01T10:00:00Z", "north"), ("r2", "score", "8", "2026-01-02T10:00:00Z", "")]
    write_answers(programme / "answers.csv", [*named, *_anonymous([1])])
    cxframe.collect(programme, host=host)
    # an export of recent responses only: r1 is gone from the file, but stays stored; the new rows are added
    write_answers(programme / "answers.csv", [*_anonymous([2]), named[1], *_anonymous([1])])
    [summary] = cxframe.collect(programme, host=host)
    assert summary.records_replaced == 1 and summary.records_duplicate == 1
    assert _stored_values(programme) == [1, 2, 7, 8]


def test_a_change_to_a_file_read_before_sizes_were_recorded_counts_as_a_rewrite(
    programme: Path, host: PluginHost
) -> None:
    write_answers(programme / "answers.csv", _anonymous([9, 9]))
    cxframe.collect(programme, host=host)
    with cxframe.open_store(programme / "cxframe.db") as store:
        store.db.execute("UPDATE ingests SET content_bytes = NULL")
    write_answers(programme / "answers.csv", _anonymous([9, 9, 0]))
    [summary] = cxframe.collect(programme, host=host)
    assert summary.records_replaced == 2
    assert _stored_values(programme) == [0, 9, 9]


def test_batches_smaller_than_the_file_store_everything(programme: Path, host: PluginHost) -> None:
    from cxframe.api import open_programme
    from cxframe.ingestion._collect import ingest
    from cxframe.ingestion._sources import SourceReader

    write_answers(programme / "answers.csv", rows(95))
    calls: list[tuple[int, int]] = []
    with open_programme(programme, host) as opened:
        reader = SourceReader("answers", "toy-csv", programme / "answers.csv")
        summary = ingest(
            opened.store,
            reader,
            opened.registry.collectors.get("toy-csv"),
            batch_size=10,
            progress=lambda d, t: calls.append((d, t)),
        )
    assert summary.records_stored == 95
    assert len(calls) >= 9 and calls[-1][0] == calls[-1][1]


def test_missing_source_file_is_a_clear_error(programme: Path, host: PluginHost) -> None:
    (programme / "answers.csv").unlink()
    with pytest.raises(InvalidInput, match=r"answers\.csv.*file not found"):
        cxframe.collect(programme, host=host)


def test_unknown_collector_names_the_known_ones(programme: Path, host: PluginHost) -> None:
    with pytest.raises(cxframe.UnknownId, match="unknown collector 'nope'.*toy-csv"):
        cxframe.collect(programme, [str(programme / "answers.csv")], collector="nope", host=host)


def test_a_path_outside_the_programme_needs_a_collector(programme: Path, host: PluginHost, tmp_path: Path) -> None:
    other = write_answers(tmp_path / "other.csv", rows(3))
    with pytest.raises(InvalidInput, match="--collector"):
        cxframe.collect(programme, [str(other)], host=host)
    [summary] = cxframe.collect(programme, [str(other)], collector="toy-csv", host=host)
    assert summary.records_stored == 3


def test_undecodable_bytes_fail_the_source_and_store_nothing(programme: Path, host: PluginHost) -> None:
    write_answers(programme / "answers.csv", rows(3))
    cxframe.collect(programme, host=host)
    (programme / "answers.csv").write_bytes(
        b"response,question,value,timestamp,region\nr9,score,1,2026-01-01T00:00:00Z,\xff\xfe\n"
    )
    with pytest.raises(InvalidInput, match="cannot decode"):
        cxframe.collect(programme, host=host)
    assert len(testing.read_table(programme, "observations")) == 3
    assert len(testing.read_table(programme, "ingests")) == 1


def test_a_collector_that_crashes_leaves_the_store_as_it_was(programme: Path, tmp_path: Path) -> None:
    from cxframe import Collector, Observation, hookimpl

    class Crashing:
        @hookimpl
        def register_collectors(self) -> list[Collector]:
            def read(source: cxframe.SourceReader):  # type: ignore[no-untyped-def]
                yield (
                    2,
                    Observation(
                        question="q",
                        value=1.0,
                        timestamp=__import__("datetime").datetime.now(__import__("datetime").UTC),
                        source="s",
                    ),
                )
                raise ZeroDivisionError("boom")

            return [Collector(id="crashing", description="", read=read)]

    host = testing.plugin_host(Crashing())
    with pytest.raises(CollectorFailed, match="crashing.*ZeroDivisionError: boom"):
        cxframe.collect(programme, [str(programme / "answers.csv")], collector="crashing", host=host)
    assert testing.read_table(programme, "observations") == []
    assert testing.read_table(programme, "ingests") == []


def _kill_collect_midway(
    programme: Path, marker: Path, setup: str = "", check: Callable[[], None] | None = None
) -> None:
    """Run ``cxframe collect`` with the toy plugin in a subprocess and kill -9 it after 20 batches of 1000 rows.

    ``setup`` is Python run in the subprocess first; ``check()`` runs just before the kill.
    """
    script = (
        "import cxframe; from cxframe import testing; from tests import toy_plugin; import cxframe.ingestion._collect as i; "
        f"i.DEFAULT_BATCH_SIZE = 1000; {setup}"
        f"cxframe.collect({str(programme)!r}, host=testing.plugin_host(toy_plugin))"
    )
    env = {**os.environ, "TOY_SLEEP_AFTER": "20000", "TOY_MARKER": str(marker), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", script], env=env, cwd=ROOT)
    try:
        wait_for_marker(process, marker)
        # 20 batches of 1000 rows were written inside the open transaction by now
        if check is not None:
            check()
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.slow
def test_kill_9_during_ingest_leaves_the_store_as_it_was(programme: Path, tmp_path: Path) -> None:
    write_answers(programme / "answers.csv", rows(5))
    cxframe.collect(programme, host=testing.plugin_host(__import__("tests.toy_plugin").toy_plugin))
    write_answers(programme / "answers.csv", rows(30_000, start=100))
    _kill_collect_midway(programme, tmp_path / "marker")
    assert len(testing.read_table(programme, "observations")) == 5
    assert len(testing.read_table(programme, "ingests")) == 1


@pytest.mark.slow
def test_kill_9_during_a_first_ingest_with_a_rollback_journal_leaves_the_store_empty(
    programme: Path, tmp_path: Path
) -> None:
    """A large first ingest into an empty store runs with a rollback journal: killed, it is rolled back too."""
    write_answers(programme / "answers.csv", rows(30_000))
    setup = (
        "import cxframe.store._sqlite as s; i.ONE_WRITE_BYTES = 0; opened = s.Store.__init__; "
        # a page cache of a few pages: the ingest's pages spill into the store file before the kill
        "s.Store.__init__ = lambda self, path: (opened(self, path), self.db.execute('PRAGMA cache_size = 8'))[0]; "
    )

    def journal_not_wal() -> None:
        assert (programme / "cxframe.db-journal").exists()

    _kill_collect_midway(programme, tmp_path / "marker", setup, journal_not_wal)
    assert testing.read_table(programme, "observations") == []
    assert testing.read_table(programme, "ingests") == []
    with cxframe.open_store(programme / "cxframe.db") as store:
        assert store.db.journal_mode == "wal"


def test_a_large_first_ingest_writes_its_pages_once_and_the_wal_comes_back(
    programme: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cxframe.ingestion._collect as ingest_module

    write_answers(programme / "answers.csv", rows(50))
    monkeypatch.setattr(ingest_module, "ONE_WRITE_BYTES", 0)
    modes: list[str] = []
    insert = Store.insert_observations

    def insert_and_look(store: Store, *args: Any) -> int:
        modes.append(store.db.journal_mode)
        return insert(store, *args)

    monkeypatch.setattr(Store, "insert_observations", insert_and_look)
    cxframe.collect(programme, host=host)
    write_answers(programme / "answers.csv", rows(60))  # the store is not empty now: the WAL as ever
    cxframe.collect(programme, host=host)
    assert modes[0] == "delete" and modes[-1] == "wal"
    with cxframe.open_store(programme / "cxframe.db") as store:
        assert store.db.journal_mode == "wal" and store.count("observations") > 50


def test_a_changed_mapping_replaces_the_sources_records(programme: Path, host: PluginHost) -> None:
    from cxframe.api import open_programme
    from cxframe.ingestion._collect import ingest
    from cxframe.ingestion._sources import SourceReader

    write_answers(programme / "answers.csv", rows(10))
    with open_programme(programme, host) as opened:
        collector = opened.registry.collectors.get("toy-csv")
        first = ingest(opened.store, SourceReader("answers", "toy-csv", programme / "answers.csv"), collector)
        same = ingest(opened.store, SourceReader("answers", "toy-csv", programme / "answers.csv"), collector)
        # same bytes, other options: read again, and the old rows are replaced, not doubled
        changed = SourceReader("answers", "toy-csv", programme / "answers.csv", options={"population": "staff"})
        again = ingest(opened.store, changed, collector)
        count = opened.store.count("observations")
    assert first.records_stored == 10 and same.unchanged
    assert not again.unchanged and again.records_replaced == 10 and again.records_stored == 10
    assert count == 10
    assert "replaced" in again.describe()


def test_a_failed_reread_after_a_mapping_change_keeps_the_old_records(programme: Path, host: PluginHost) -> None:
    from cxframe.api import open_programme
    from cxframe.ingestion._collect import ingest
    from cxframe.ingestion._sources import SourceReader

    write_answers(programme / "answers.csv", rows(10))
    with open_programme(programme, host) as opened:
        collector = opened.registry.collectors.get("toy-csv")
        ingest(opened.store, SourceReader("answers", "toy-csv", programme / "answers.csv"), collector)
        (programme / "answers.csv").write_bytes(
            b"response,question,value,timestamp,region\nr9,score,1,2026-01-01T00:00:00Z,\xff\xfe\n"
        )
        changed = SourceReader("answers", "toy-csv", programme / "answers.csv", encoding="utf-8")
        with pytest.raises(InvalidInput):
            ingest(opened.store, changed, collector)
        assert opened.store.count("observations") == 10


def _rejects(programme: Path) -> list[tuple[int, str]]:
    return sorted((row["line"], row["raw"]) for row in testing.read_table(programme, "rejects"))


def test_the_rejects_are_those_of_the_sources_latest_collect(programme: Path, host: PluginHost) -> None:
    from cxframe.api import open_programme
    from cxframe.ingestion._collect import ingest
    from cxframe.ingestion._sources import SourceReader

    bad = ("bad", "score", "N/A", "2026-01-02T10:00:00Z", "north")
    write_answers(programme / "answers.csv", [*rows(3), bad])
    cxframe.collect(programme, host=host)
    assert [line for line, _ in _rejects(programme)] == [5]
    # the file grows: the whole file is read again, and its bad line is one reject, not two
    write_answers(programme / "answers.csv", [*rows(3), bad, *rows(2, start=10), bad])
    [grown] = cxframe.collect(programme, host=host)
    assert grown.rows_rejected == 2 and [line for line, _ in _rejects(programme)] == [5, 8]
    with open_programme(programme, host) as opened:
        collector = opened.registry.collectors.get("toy-csv")
        # other settings: the records are replaced, and so are the rejects
        changed = SourceReader("answers", "toy-csv", programme / "answers.csv", options={"population": "staff"})
        assert ingest(opened.store, changed, collector).records_replaced
        # a re-read that fails leaves the rejects (and the records) as they were
        (programme / "answers.csv").write_bytes(
            b"response,question,value,timestamp,region\nr9,score,1,2026-01-01T00:00:00Z,\xff\xfe\n"
        )
        broken = SourceReader("answers", "toy-csv", programme / "answers.csv", encoding="utf-8")
        with pytest.raises(InvalidInput):
            ingest(opened.store, broken, collector)
    assert [line for line, _ in _rejects(programme)] == [5, 8]
    # every collect's counts stay in ingests, as the history of what was read
    assert [row["rows_rejected"] for row in testing.read_table(programme, "ingests")] == [1, 2, 2]
