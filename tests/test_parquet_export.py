"""``cxframe export --format parquet``: a forced export replaces the old one only once it is complete.

Needs pyarrow only (a core dependency), not Spark: the export is plain files.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import cxframe
from cxframe import Observation, testing
from cxframe.store import _parquet
from cxframe.store._sqlite import Store, observation_row

START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def _programme(root: Path, answers: int) -> Path:
    programme = testing.make_programme(root)
    with Store(programme / "cxframe.db") as store, store.db.atomic():
        rows = [
            observation_row(
                Observation(question="nps", value=n % 11, timestamp=START + dt.timedelta(hours=n), source="gen"),
                f"r{n}",
                1,
                [],
            )
            for n in range(answers)
        ]
        store.insert_observations(rows, [])
    return programme


def _rows(folder: Path) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in (folder / "observations").glob("*.parquet"))


def test_a_forced_export_that_fails_leaves_the_previous_export_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    programme = _programme(tmp_path / "p", 40)
    lake = tmp_path / "lake"
    cxframe.export(programme, lake)
    before = json.loads((lake / "_cxframe.json").read_text())
    (lake / "notes.txt").write_text("kept")
    written = _parquet._write_table

    def fail_on_events(conn, table, columns, order, folder):  # type: ignore[no-untyped-def]
        if table == "events":
            raise OSError("disk full")
        return written(conn, table, columns, order, folder)

    monkeypatch.setattr(_parquet, "_write_table", fail_on_events)
    with pytest.raises(OSError, match="disk full"):
        cxframe.export(programme, lake, force=True)
    # the old export is untouched (manifest, both tables), nothing half-written is left beside it
    assert json.loads((lake / "_cxframe.json").read_text()) == before
    assert _rows(lake) == 40
    assert sorted(p.name for p in lake.iterdir()) == ["_cxframe.json", "events", "notes.txt", "observations"]


def test_a_forced_export_replaces_the_tables_and_keeps_other_files(tmp_path: Path) -> None:
    programme = _programme(tmp_path / "p", 40)
    lake = tmp_path / "lake"
    cxframe.export(programme, lake)
    (lake / "notes.txt").write_text("kept")
    with Store(programme / "cxframe.db") as store, store.db.atomic():
        extra = Observation(question="nps", value=10, timestamp=START, source="gen")
        store.insert_observations([observation_row(extra, "late", 1, [])], [])
    with pytest.raises(cxframe.InvalidInput, match="is not empty"):
        cxframe.export(programme, lake)
    assert cxframe.export(programme, lake, force=True)["observations"] == 41
    assert _rows(lake) == 41
    assert json.loads((lake / "_cxframe.json").read_text())["rows"]["observations"] == 41
    assert sorted(p.name for p in lake.iterdir()) == ["_cxframe.json", "events", "notes.txt", "observations"]
