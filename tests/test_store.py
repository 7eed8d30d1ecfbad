"""The store: migrations, schema version, WAL, design sync."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from cxframe import StoreError, testing
from cxframe.store._migrations import CORE_MIGRATIONS, MIGRATIONS_TABLE, SCHEMA_VERSION, Migration, migrate
from cxframe.store._sqlite import NAIVE_UTC, Store, utc_text


def test_a_new_store_is_migrated_to_the_current_version_in_wal_mode(tmp_path: Path) -> None:
    with Store(tmp_path / "cxframe.db") as store:
        assert store.db.journal_mode == "wal"
        tables = set(store.db.table_names())
        assert store.db.view_names() == ["observations"]
        assert {
            "responses",
            "answers",
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
    path.touch(mode=0o600)  # a file of the user's own, not one others can read (that is a warning)
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


def _store_at(path: Path, version: int) -> sqlite_utils.Database:
    """A store as an older cxframe left it: the first ``version`` core migrations.

    Private, as this cxframe creates one (an older one's mode 0644 is warned about: tests/test_file_modes.py).
    """
    path.touch(mode=0o600)
    db = sqlite_utils.Database(path)
    migrate(db, CORE_MIGRATIONS[:version])
    return db


def test_old_stores_are_migrated_to_responses_and_answers(tmp_path: Path) -> None:
    db = _store_at(tmp_path / "cxframe.db", 2)  # before 0003: fraction-less timestamps, one row per answer
    db.table("observations").add_column("region", str)
    columns = "key, ingest_id, source, question, value, timestamp, population, response_id, scale_max, region"
    old = [
        ("survey|r:A|nps", 1, "survey", "nps", 9, "2026-03-01T10:00:00Z", "customer", "A", 10, "North"),
        ("survey|r:A|csat", 1, "survey", "csat", 4, "2026-03-01T10:00:00Z", "customer", "A", 5, "North"),
        ("survey|7|nps", 1, "survey", "nps", 3, "2026-03-02T10:00:00.500000Z", "customer", None, 10, None),
        ("own-key", 2, "ops", "fcr", 1, "2026-03-03T00:00:00Z", "customer", None, None, "South"),
    ]
    db.conn.executemany(f"INSERT INTO observations ({columns}) VALUES ({', '.join('?' * 10)})", old)
    db.execute("INSERT INTO events (key, case_id, activity, timestamp) VALUES ('e', 'c', 'x', '2026-03-01T10:00:00Z')")
    db.conn.commit()
    db.close()
    with Store(tmp_path / "cxframe.db") as store:
        moved = store.db.execute(
            "SELECT key, ingest_id, source, question, value, timestamp, population, response_id, scale_max, region "
            "FROM observations ORDER BY response, question"
        ).fetchall()
        [(event,)] = store.db.execute("SELECT timestamp FROM events").fetchall()
        responses = store.count("responses")
        segments = store.segment_columns()
    fixed = [
        ("survey|r:A|csat", 1, "survey", "csat", 4, "2026-03-01T10:00:00.000000Z", "customer", "A", 5, "North"),
        ("survey|r:A|nps", 1, "survey", "nps", 9, "2026-03-01T10:00:00.000000Z", "customer", "A", 10, "North"),
        ("survey|7|nps", 1, "survey", "nps", 3, "2026-03-02T10:00:00.500000Z", "customer", None, 10, None),
        ("own-key|fcr", 2, "ops", "fcr", 1, "2026-03-03T00:00:00.000000Z", "customer", None, None, "South"),
    ]
    assert moved == fixed  # every answer kept; times with six fraction digits
    assert responses == 3  # the two answers of response A share it
    assert event == "2026-03-01T10:00:00.000000Z"
    assert segments == ["region"]


def test_answers_of_a_response_share_one_stored_response(tmp_path: Path) -> None:
    from cxframe.contracts._records import Observation
    from cxframe.store._sqlite import observation_row

    when = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    answers = [
        Observation(question=q, value=v, timestamp=when, source="s", response_id="r1", segment={"region": "N"})
        for q, v in (("nps", 9), ("csat", 4))
    ]
    with Store(tmp_path / "cxframe.db") as store, store.db.atomic():
        store.ensure_segment_columns(["region"])
        rows = [observation_row(o, "s|r:r1", 1, ["region"]) for o in answers]
        assert store.insert_observations(rows, ["region"]) == 2
        assert store.insert_observations(rows, ["region"]) == 0  # stored before: skipped
        assert store.count("responses") == 1
        stored = store.db.execute("SELECT key, question, value, region FROM observations ORDER BY question").fetchall()
    assert stored == [("s|r:r1|csat", "csat", 4.0, "N"), ("s|r:r1|nps", "nps", 9.0, "N")]


def test_segment_columns_added_by_a_rolled_back_ingest_are_gone_and_can_be_added_again(tmp_path: Path) -> None:
    with Store(tmp_path / "cxframe.db") as store:
        with pytest.raises(RuntimeError), store.db.atomic():
            store.ensure_segment_columns(["region"])
            assert store.segment_columns() == ["region"]
            raise RuntimeError("the ingest failed")
        assert store.segment_columns() == []
        with store.db.atomic():
            store.ensure_segment_columns(["region"])
        assert store.segment_columns() == ["region"]
        assert "region" in {c.name for c in store.db["observations"].columns}


def test_old_stores_get_the_actions_done_date_segment_and_effect_columns(tmp_path: Path) -> None:
    db = _store_at(tmp_path / "cxframe.db", 7)  # before 0008: actions without done, segment or the effect's test
    db.execute("INSERT INTO runs (id, command, started_at) VALUES (1, 'run', '2026-03-01T10:00:00Z')")
    db.execute("INSERT INTO actions (id, run_id, title, status, baseline, effect) VALUES ('a', 1, 'A', 'done', 60, 5)")
    db.conn.commit()
    db.close()
    from cxframe.contracts._records import Action, ActionStatus

    with Store(tmp_path / "cxframe.db") as store:
        old = store.db.execute(
            "SELECT id, baseline, effect, done, segment, effect_ci_low, effect_ci_high, effect_p_value FROM actions"
        ).fetchall()
        measured = Action(
            "b",
            "B",
            status=ActionStatus.DONE,
            done=dt.date(2026, 3, 1),
            segment={"region": "North"},
            baseline=60.0,
            effect=20.0,
            effect_ci_low=11.1,
            effect_ci_high=28.5,
            effect_p_value=0.001,
        )
        store.write_actions(1, [measured])
        new = store.db.execute(
            "SELECT done, segment, effect_ci_low, effect_ci_high, effect_p_value FROM actions WHERE id = 'b'"
        ).fetchone()
    assert old == [("a", 60.0, 5.0, None, None, None, None, None)]  # kept, with nothing measured made up
    assert new == ("2026-03-01", '{"region": "North"}', 11.1, 28.5, 0.001)


def _indexes(store: Store, table: str) -> list[str]:
    rows = store.db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name", [table]
    )
    return [row[0] for row in rows]


def test_indexes_built_after_a_write_into_an_empty_table_are_the_same_indexes(tmp_path: Path) -> None:
    with Store(tmp_path / "cx.db") as store:
        before = _indexes(store, "events")
        assert before, "the events table is indexed"
        row = ("s|1", None, "s", "c1", "a", "2026-01-01T00:00:00.000000Z", "+00:00", None, None, None, None, None)
        with store.writing(), store.indexes_built_after("events"):
            assert _indexes(store, "events") == []  # written without them
            store.insert_events([row])
        assert _indexes(store, "events") == before
        # a clash the caller did not foresee fails when the unique index is built, and nothing is stored
        with pytest.raises(sqlite3.IntegrityError), store.writing():
            store.db.execute("DELETE FROM events")
            with store.indexes_built_after("events"):
                store.insert_events([row, row])
        assert store.count("events") == 1
        assert _indexes(store, "events") == before
        # into a table that holds rows, the indexes stay while writing
        with store.writing(), store.indexes_built_after("events"):
            assert _indexes(store, "events") == before


def test_a_failed_write_into_an_empty_table_leaves_its_indexes(tmp_path: Path) -> None:
    with Store(tmp_path / "cx.db") as store:
        before = _indexes(store, "events")
        with pytest.raises(RuntimeError), store.writing(), store.indexes_built_after("events"):
            raise RuntimeError("the collector failed")
        assert _indexes(store, "events") == before
