"""Who can read what cxframe writes: the store, row-level exports and reports are the owner's only (0600).

Each mode test runs under a permissive umask (0000, where a file would be
created 0666) and the usual default (0022, 0644). The umask is the
process's: set for one test and put back after it (the tests run one at a
time). Where POSIX modes do not apply (Windows), the mode tests are skipped.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import stat
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import click.testing
import pytest

import cxframe
from cxframe import StorePermissionWarning, handle_errors, open_private, open_store, testing
from cxframe.host._manager import PluginHost
from cxframe.store import _files
from cxframe.store._sqlite import Store
from tests.conftest import write_answers

_spec = importlib.util.spec_from_file_location(
    "exports", Path(__file__).parents[1] / "examples/exports/observations.py"
)
assert _spec is not None and _spec.loader is not None
exports = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(exports)

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes do not apply here")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o000, 0o022], ids=["umask-0000", "umask-0022"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    before = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(before)


@pytest.fixture
def no_store_warning() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", StorePermissionWarning)
        yield


# --- the store and its journal files ------------------------------------------------------


@posix_only
def test_a_new_store_and_its_wal_and_shm_are_the_owners_only(tmp_path: Path, umask: int, no_store_warning) -> None:
    path = tmp_path / "cxframe.db"
    with open_store(path) as store:
        store.db.execute("CREATE TABLE t (x)")
        store.db.execute("INSERT INTO t VALUES (1)")
        assert store.db.journal_mode == "wal"
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()  # while the store is open
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    assert mode(path) == 0o600


@posix_only
def test_the_rollback_journal_is_the_owners_only(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "cxframe.db"
    with open_store(path) as store:
        store.db.execute("PRAGMA journal_mode = DELETE")
        store.db.execute("CREATE TABLE t (x)")
        store.db.execute("BEGIN")
        store.db.execute("INSERT INTO t VALUES (1)")
        journal = Path(f"{path}-journal")
        assert journal.exists()  # until the transaction ends
        assert mode(journal) == 0o600
        store.db.execute("COMMIT")


@posix_only
def test_a_large_first_ingest_keeps_its_rollback_journal_the_owners_only(
    programme: Path, host: PluginHost, umask: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cxframe.ingestion._collect as ingest_module

    write_answers(programme / "answers.csv", [(f"r{i}", "score", "7", "2026-01-05T10:00:00Z", "n") for i in range(50)])
    monkeypatch.setattr(ingest_module, "ONE_WRITE_BYTES", 0)  # every first ingest writes with a rollback journal
    seen: list[tuple[str, int]] = []
    insert = Store.insert_observations

    def insert_and_look(store: Store, *args: Any) -> int:
        inserted = insert(store, *args)
        journal = Path(f"{store.path}-journal")  # the ingest's transaction is still open
        seen.append((store.db.journal_mode, mode(journal)))
        return inserted

    monkeypatch.setattr(Store, "insert_observations", insert_and_look)
    cxframe.collect(programme, host=host)
    assert seen and all(found == ("delete", 0o600) for found in seen)
    assert mode(programme / "cxframe.db") == 0o600


@posix_only
def test_the_store_is_the_owners_only_even_under_a_umask_that_takes_the_owners_write(tmp_path: Path) -> None:
    before = os.umask(0o277)
    try:
        assert _files.create_private(tmp_path / "cxframe.db")
    finally:
        os.umask(before)
    assert mode(tmp_path / "cxframe.db") == 0o600


@posix_only
def test_the_store_and_the_reports_are_private_and_the_programme_file_keeps_the_umask(
    tmp_path: Path, umask: int
) -> None:
    """The user's path: an example programme collected, assessed and reported by the CLI, with the installed plugins.

    Reports quote customers' comments (and their JSON names at-risk customers), so they are the owner's only,
    for every role and language, as the store is; an older report that others could read is replaced by a
    private one.
    """
    root = tmp_path / "shop"
    (root / "reports").mkdir(parents=True)
    (root / "reports" / "assessment.md").write_text("an older report", "utf-8")
    os.chmod(root / "reports" / "assessment.md", 0o644)
    for args in (
        ["init", str(root), "--example", "starter"],
        ["-C", str(root), "collect"],
        ["-C", str(root), "assess"],
        ["-C", str(root), "report", "--role", "executive", "--lang", "zh-CN"],
    ):
        result = testing.invoke(args)
        assert result.exit_code == 0, result.output
        assert "warning:" not in result.stderr
    assert mode(root / "cxframe.db") == 0o600
    reports = sorted((root / "reports").iterdir())
    assert [p.name for p in reports] == [
        "assessment.executive.zh-CN.html",
        "assessment.executive.zh-CN.json",
        "assessment.executive.zh-CN.md",
        "assessment.html",
        "assessment.json",
        "assessment.md",
    ]
    assert {mode(p) for p in reports} == {0o600}
    assert mode(root / "cxframe.toml") == 0o666 & ~umask


def test_a_store_in_memory_or_in_a_missing_folder(tmp_path: Path) -> None:
    with open_store(":memory:") as store:
        assert store.count("observations") == 0
    with pytest.raises(cxframe.StoreError, match="cannot create the store"):
        open_store(tmp_path / "missing" / "cxframe.db")


# --- row-level exports ------------------------------------------------------------------------


@posix_only
def test_a_csv_export_is_the_owners_only(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "observations.csv"
    with open_private(target, newline="") as handle:
        csv.writer(handle).writerows([("respondent_id", "team", "value"), ("e1", "disputes", "9")])
    assert mode(target) == 0o600
    assert target.read_text(encoding="utf-8").splitlines() == ["respondent_id,team,value", "e1,disputes,9"]
    assert [p.name for p in tmp_path.iterdir()] == ["observations.csv"]  # no temporary file left


@posix_only
def test_the_documented_exports_of_observations_are_the_owners_only(
    programme: Path, host: PluginHost, tmp_path: Path, umask: int
) -> None:
    import pyarrow.parquet as pq

    cxframe.collect(programme, host=host)
    with open_store(programme / "cxframe.db") as store:
        assert exports.export_csv(store, tmp_path / "observations.csv") == 1
        assert exports.export_parquet(store, tmp_path / "observations.parquet") == 1
    assert mode(tmp_path / "observations.csv") == mode(tmp_path / "observations.parquet") == 0o600
    with (tmp_path / "observations.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert (row["response_id"], row["value"], row["region"]) == ("r1", "7.0", "north")
    assert pq.read_table(tmp_path / "observations.parquet").column("region").to_pylist() == ["north"]


@posix_only
def test_an_export_replaces_an_older_file_with_a_private_one(tmp_path: Path) -> None:
    target = tmp_path / "loop.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o644)
    with open_private(target) as handle:
        handle.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n" and mode(target) == 0o600


def test_a_failed_export_leaves_the_older_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "loop.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), open_private(target) as handle:
        handle.write("half")
        raise RuntimeError("the export failed")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["loop.csv"]
    with pytest.raises(ValueError, match="mode must be"), open_private(target, "a"):
        pass


# --- an existing store too open ------------------------------------------------------------


@posix_only
def test_a_store_others_can_read_gets_a_warning_with_the_fix_and_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "shared data"
    folder.mkdir()
    path = folder / "cxframe.db"
    open_store(path).close()
    path.chmod(0o644)
    with pytest.warns(StorePermissionWarning) as caught:
        open_store(path).close()
    assert len(caught) == 1
    message = str(caught[0].message)
    assert f"{path} (mode 0644): other accounts on this machine can read the store" in message
    assert message.endswith(f"chmod 600 '{path}'")  # quoted: the folder's name has a space
    assert mode(path) == 0o644  # someone chose it: never changed


@posix_only
def test_a_side_file_others_can_change_is_named_too(tmp_path: Path) -> None:
    path = tmp_path / "cxframe.db"
    open_store(path).close()
    wal = Path(f"{path}-wal")  # left by a crashed process
    wal.touch()
    wal.chmod(0o620)
    with pytest.warns(StorePermissionWarning, match=r"cxframe.db-wal \(mode 0620\): .* can change the store") as got:
        _files.warn_if_store_is_shared(path)
    assert str(got[0].message).endswith(f"chmod 600 {wal}")


def test_no_warning_where_posix_modes_do_not_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_store_warning
) -> None:
    path = tmp_path / "cxframe.db"
    open_store(path).close()
    if os.name == "posix":
        path.chmod(0o644)
    monkeypatch.setattr(_files, "posix_modes", lambda: False)  # as on Windows
    open_store(path).close()


@posix_only
def test_the_cli_warns_once_per_command_on_stderr_and_json_stays_json(programme: Path, host: PluginHost) -> None:
    assert testing.invoke(["-C", str(programme), "collect"], host=host).exit_code == 0
    store = programme / "cxframe.db"
    store.chmod(0o640)
    result = testing.invoke(["-C", str(programme), "measure", "--metric", "mean_score", "--json"], host=host)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["metric"] == "mean_score"
    assert result.stderr.count("warning:") == 1
    assert f"{store} (mode 0640)" in result.stderr and f"chmod 600 {store}" in result.stderr

    @click.command()
    @handle_errors
    def twice() -> None:
        for _ in range(2):
            open_store(store).close()

    assert click.testing.CliRunner().invoke(twice).stderr.count("warning:") == 1
    assert mode(store) == 0o640


@posix_only
def test_the_data_protection_page_shows_the_warning_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = Path("cxframe-demo", "cxframe.db")
    store.parent.mkdir()
    store.touch(mode=0o644)
    store.chmod(0o644)
    with pytest.warns(StorePermissionWarning) as caught:
        _files.warn_if_store_is_shared(store)
    page = (Path(__file__).parents[1] / "docs" / "data-protection.md").read_text(encoding="utf-8")
    assert f"warning: {caught[0].message}\n" in page
