"""The store: migrations, schema version, WAL, design sync."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cxframe import StoreError, testing
from cxframe.migrations import MIGRATIONS_TABLE, SCHEMA_VERSION, Migration, migrate
from cxframe.store import NAIVE_UTC, Store, utc_text


def test_a_new_store_is_migrated_to_the_current_version_in_wal_mode(tmp_path: Path) -> None:
    with Store(tmp_path / "cxframe.db") as store:
        assert store.db.journal_mode == "wal"
        tables = set(store.db.table_names())
        assert {
            "observations",
            "events",
            "runs",
            "ingests",
            "rejects",
            "metric_results",
            "findings",
            "actions",
        } <= tables
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # opening again applies nothing twice
    with Store(tmp_path / "cxframe.db") as store:
        assert store.db.table(MIGRATIONS_TABLE).count == SCHEMA_VERSION


def test_a_store_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "cxframe.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"INSERT INTO {MIGRATIONS_TABLE} VALUES ('cxframe', '9999_future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer version.*9999_future.*upgrade cxframe"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute(f"SELECT count(*) FROM {MIGRATIONS_TABLE}").fetchone()[0] == SCHEMA_VERSION + 1


def test_a_failing_migration_leaves_no_trace(tmp_path: Path) -> None:
    with Store(tmp_path / "cxframe.db") as store:

        def broken(db: object) -> None:
            store.db.execute("CREATE TABLE half_done (id INTEGER)")
            raise RuntimeError("step failed")

        with pytest.raises(RuntimeError):
            migrate(store.db, (Migration("plugin-x", "0001_broken", broken),))
        assert "half_done" not in store.db.table_names()
        assert store.db.table(MIGRATIONS_TABLE).count_where("owner = 'plugin-x'") == 0


def test_a_file_that_is_not_sqlite_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "cxframe.db"
    path.write_text("this is not a database " * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(path)


def test_timestamps_are_stored_as_utc_with_the_original_offset() -> None:
    import datetime as dt

    tz = dt.timezone(dt.timedelta(hours=8))
    assert utc_text(dt.datetime(2026, 3, 1, 8, 30, tzinfo=tz)) == ("2026-03-01T00:30:00.000000Z", "+08:00")
    assert utc_text(dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)) == ("2026-03-01T08:30:00.000000Z", "+00:00")
    # a time given without an offset is read as UTC but keeps "no offset" (NULL), unlike an explicit Z
    assert utc_text(dt.datetime(2026, 3, 1, 8, 30, tzinfo=NAIVE_UTC)) == ("2026-03-01T08:30:00.000000Z", None)
    minus = dt.timezone(-dt.timedelta(hours=3, minutes=30))
    assert utc_text(dt.datetime(2026, 3, 1, 0, 0, 0, 5, tzinfo=minus)) == ("2026-03-01T03:30:00.000005Z", "-03:30")


def test_design_is_synced_to_the_store(programme: Path, host: object) -> None:
    testing.run_stage(programme, "design", host=host)  # type: ignore[arg-type]
    [touchpoint] = testing.read_table(programme, "touchpoints")
    assert touchpoint["id"] == "web" and touchpoint["environment"] == "digital"
    [objective] = testing.read_table(programme, "objectives")
    assert objective["metric"] == "mean_score"


def test_timestamp_text_sorts_in_time_order() -> None:
    import datetime as dt

    times = [dt.datetime(2026, 3, 1, 10, 0, 0, micro, tzinfo=dt.UTC) for micro in (0, 1, 500_000)]
    texts = [utc_text(t)[0] for t in times]
    assert texts == sorted(texts)


def test_migration_rewrites_fraction_less_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "cxframe.db"
    with Store(path) as store:
        store.db.execute(
            "INSERT INTO observations (key, question, value, timestamp) VALUES "
            "('a', 'q', 1, '2026-03-01T10:00:00Z'), ('b', 'q', 1, '2026-03-01T10:00:00.500000Z')"
        )
        store.db.execute(
            "INSERT INTO events (key, case_id, activity, timestamp) VALUES ('e', 'c', 'x', '2026-03-01T10:00:00Z')"
        )
        store.db.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE name = '0003_timestamp_fractions'")
        assert migrate(store.db) == ["cxframe:0003_timestamp_fractions"]
        stamps = [r[0] for r in store.db.execute("SELECT timestamp FROM observations ORDER BY timestamp")]
        assert stamps == ["2026-03-01T10:00:00.000000Z", "2026-03-01T10:00:00.500000Z"]
        [(event,)] = store.db.execute("SELECT timestamp FROM events").fetchall()
        assert event == "2026-03-01T10:00:00.000000Z"


def _time_index(store: Store) -> str | None:
    row = store.db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'observations' AND sql LIKE '%timestamp%'"
    ).fetchone()
    return None if row is None else str(row[0])


def _observation(store: Store, n: int) -> None:
    store.db.execute(
        "INSERT INTO observations (key, question, value, timestamp, population) VALUES (?, 'nps', 9, ?, 'customer')",
        [f"k{n}", f"2026-01-{n + 1:02d}T00:00:00.000000Z"],
    )


def test_a_large_insert_builds_the_time_index_afterwards_and_a_failed_one_keeps_it(tmp_path: Path) -> None:
    with Store(tmp_path / "cxframe.db") as store:
        definition = _time_index(store)
        assert definition is not None
        with store.db.atomic(), store.bulk_observations(new_rows=10):
            assert _time_index(store) is None  # the table was empty: built after the insert
            _observation(store, 1)
        assert _time_index(store) == definition
        plan = store.db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM observations WHERE question = 'nps' AND population = 'customer'"
        ).fetchall()
        assert "timestamp" in str(plan)  # built again, and used

        with pytest.raises(RuntimeError), store.db.atomic(), store.bulk_observations(new_rows=10):
            _observation(store, 2)
            raise RuntimeError("interrupted")
        assert _time_index(store) == definition  # the drop was rolled back with the rest
        assert store.count("observations") == 1

        for n in range(2, 30):
            _observation(store, n)
        with store.db.atomic(), store.bulk_observations(new_rows=10):
            assert _time_index(store) == definition  # ten new rows beside 29: inserted through the index
