"""A plugin's own store tables: `Store.apply_plugin_migrations`, versioned like the core's schema steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxframe import Store, StoreError

STEPS = [("0001_notes", ["CREATE TABLE acme_notes (id INTEGER PRIMARY KEY, text TEXT)"])]


def test_a_plugin_creates_its_tables_once_and_records_the_step(tmp_path: Path) -> None:
    with Store(tmp_path / "store.db") as store:
        assert store.apply_plugin_migrations("acme", STEPS) == []
        store.db.execute("INSERT INTO acme_notes (text) VALUES (?)", ["kept"])
        # idempotent: a second call (every command makes one) changes nothing
        assert store.apply_plugin_migrations("acme", STEPS) == []
        assert [r["text"] for r in store.db["acme_notes"].rows] == ["kept"]
        owners = {(r["owner"], r["name"]) for r in store.db["_cxframe_migrations"].rows}
        assert ("acme", "0001_notes") in owners
        # a later step is applied on its own, and a bare string is one statement
        assert (
            store.apply_plugin_migrations("acme", [*STEPS, ("0002_who", "ALTER TABLE acme_notes ADD who TEXT")]) == []
        )
        assert "who" in store.db["acme_notes"].columns_dict


def test_a_failing_step_leaves_nothing_behind(tmp_path: Path) -> None:
    with Store(tmp_path / "store.db") as store:
        broken = [("0001_broken", ["CREATE TABLE acme_half (id INTEGER)", "CREATE TABLE oops ("])]
        with pytest.raises(Exception, match="syntax|incomplete"):
            store.apply_plugin_migrations("acme", broken)
        assert "acme_half" not in store.db.table_names()
        assert not [r for r in store.db["_cxframe_migrations"].rows if r["owner"] == "acme"]


def test_a_newer_plugin_step_is_refused_and_the_core_owner_is_not_a_plugin(tmp_path: Path) -> None:
    with Store(tmp_path / "store.db") as store:
        store.apply_plugin_migrations("acme", [*STEPS, ("0002_more", ["CREATE TABLE acme_more (id INTEGER)"])])
        with pytest.raises(StoreError, match="0002_more of acme are unknown here"):
            store.apply_plugin_migrations("acme", STEPS)
        with pytest.raises(ValueError, match="plugin's own name"):
            store.apply_plugin_migrations("cxframe", STEPS)


def test_a_read_only_store_reports_the_missing_steps_and_writes_nothing(tmp_path: Path) -> None:
    Store(tmp_path / "store.db").close()
    with Store(tmp_path / "store.db", read_only=True) as store:
        assert store.apply_plugin_migrations("acme", STEPS) == ["acme:0001_notes"]
        assert "acme_notes" not in store.db.table_names()


def test_a_failing_step_is_named_with_its_owner(tmp_path: Path) -> None:
    with Store(tmp_path / "store.db") as store:
        store.apply_plugin_migrations("cxframe-acme", STEPS)
        bad = ("0002_bad", ["CREATE TABLE acme_more (id INTEGER)", "ALTER TABLE acme_notes ADD COLUMN text TEXT"])
        with pytest.raises(StoreError) as caught:
            store.apply_plugin_migrations("cxframe-acme", [*STEPS, bad])
        assert str(caught.value) == (
            "migration cxframe-acme/0002_bad failed: OperationalError: duplicate column name: text "
            "(rolled back: the plugin's tables are as they were before this step)"
        )
        assert "acme_more" not in store.db.table_names()
