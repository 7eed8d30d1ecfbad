"""A read-only programme folder: reading commands work, writing commands say it is read-only (#21).

A folder or store this account cannot write is opened read-only
(`cxframe.store._files.store_access`): SQLite's ``mode=ro`` where a WAL is
there to read through, ``immutable=1`` where there is none (nothing may be
created beside the store in a read-only folder). Commands that only read
(measure, check, report --out, journey …) work and record nothing; commands
that write (collect, forget, assess, run, report into the folder, init)
fail with a message that says read-only, exit 1, no traceback.

How the folder is made read-only: for an ordinary account, ``chmod a-w``.
Root passes every permission check, so chmod does not stop it: the
in-process tests then have ``os.access`` answer as the operating system
would for a read-only folder (the store is still opened by SQLite in
``mode=ro``/``immutable``, which is what is under test), and the end-to-end
test runs the installed ``cxframe`` as the unprivileged ``nobody`` account
through ``setpriv`` (skipped only where that account cannot run it).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import cxframe.assessment.models
import cxframe.reporters
from cxframe import ReadOnlyError, Store, StoreError, testing
from cxframe.host._manager import PluginHost
from cxframe.store import _files
from cxframe.store._files import store_access
from tests import toy_plugin

ROOT = os.name == "posix" and os.geteuid() == 0
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions do not apply here")


def _chmod_read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        path.chmod(mode & ~0o222)


def _chmod_writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    """Make a folder (and everything in it) read-only for this process; put it back after the test."""
    made: list[Path] = []

    def make(folder: Path) -> None:
        _chmod_read_only(folder)
        made.append(folder)
        if ROOT:  # chmod does not stop root: answer as the OS would for an account it does stop
            real = os.access
            inside = folder.resolve()

            def access(path: str | os.PathLike[str], mode: int, **kwargs: object) -> bool:
                resolved = Path(path).resolve()
                if mode & os.W_OK and (resolved == inside or inside in resolved.parents):
                    return False
                return real(path, mode)

            monkeypatch.setattr(_files.os, "access", access)

    yield make
    for folder in made:
        _chmod_writable(folder)


@pytest.fixture
def host() -> PluginHost:
    """The toy plugin with the core's built-in reporters and maturity models."""
    return testing.plugin_host(toy_plugin, cxframe.reporters, cxframe.assessment.models)


@pytest.fixture
def assessed(programme: Path, host: PluginHost) -> Path:
    """The toy programme, collected and assessed (reports written), its store closed."""
    assert testing.invoke(["-C", str(programme), "collect"], host=host).exit_code == 0
    assert testing.invoke(["-C", str(programme), "assess"], host=host).exit_code == 0
    return programme


def _runs(store: Path) -> int:
    with sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT count(*) FROM runs").fetchone()[0])


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- the decision ---------------------------------------------------------------------------------


def test_store_access_decides_from_the_file_and_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cxframe.db"
    assert store_access(store).mode == "write"  # not there yet, in a folder that can hold it
    denied: set[Path] = set()
    real = os.access
    monkeypatch.setattr(
        _files.os, "access", lambda p, m: False if m & os.W_OK and Path(p).resolve() in denied else real(p, m)
    )
    denied.add(tmp_path.resolve())
    missing = store_access(store)
    assert (missing.mode, missing.read_only) == ("missing", True)
    assert "read-only" in missing.reason and str(tmp_path.resolve()) in missing.reason
    store.write_bytes(b"")
    assert store_access(store).mode == "immutable"  # no WAL: nothing may be created beside it
    (tmp_path / "cxframe.db-wal").write_bytes(b"")
    assert store_access(store).mode == "read"  # a WAL: another connection has it open, read through it
    denied.clear()
    denied.add(store.resolve())
    only_file = store_access(store)
    assert only_file.mode == "read" and only_file.reason == f"the file {store} is read-only"
    denied.clear()
    assert store_access(store).mode == "write"


def test_a_read_only_store_reads_a_commit_still_in_the_wal(
    programme: Path, host: PluginHost, read_only: Callable[[Path], None]
) -> None:
    """With another command's connection open, the WAL holds its commits: ``mode=ro`` reads through it."""
    assert testing.invoke(["-C", str(programme), "collect"], host=host).exit_code == 0
    store_path = programme / "cxframe.db"
    writer = sqlite3.connect(store_path, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")  # keep the commit below in the WAL
        writer.execute("INSERT INTO runs (command, started_at, status) VALUES ('elsewhere', 'now', 'done')")
        assert (programme / "cxframe.db-wal").stat().st_size > 0
        read_only(programme)
        with Store(store_path) as store:
            assert store.read_only
            assert [r[0] for r in store.db.execute("SELECT command FROM runs")] == ["elsewhere"]
            with pytest.raises(ReadOnlyError, match="read-only"):
                store.writing()
    finally:
        writer.close()


def test_a_read_only_store_is_opened_without_creating_files(assessed: Path, read_only: Callable[[Path], None]) -> None:
    before = _listing(assessed)
    read_only(assessed)
    with Store(assessed / "cxframe.db") as store:
        assert store.read_only and "read-only" in store.read_only_reason
        assert store.count("observations") == 1
        with pytest.raises(ReadOnlyError, match=r"collect writes to the store, but the folder .* is read-only"):
            store.require_writable("collect")
    assert _listing(assessed) == before  # no WAL, SHM or journal left beside it


def test_an_older_read_only_store_is_refused_with_what_to_do(tmp_path: Path, read_only: Callable[[Path], None]) -> None:
    path = tmp_path / "cxframe.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM _cxframe_migrations WHERE name = '0006_ingest_sizes'")
    conn.close()
    read_only(tmp_path)
    with pytest.raises(ReadOnlyError, match=r"older cxframe .*0006_ingest_sizes.* read-only; make it writable"):
        Store(path)
    assert issubclass(ReadOnlyError, StoreError)  # callers that caught StoreError still do


def test_read_only_can_be_asked_for(tmp_path: Path) -> None:
    Store(tmp_path / "cxframe.db").close()
    with Store(tmp_path / "cxframe.db", read_only=True) as store:
        assert store.read_only_reason == "it was opened read-only"
        with pytest.raises(ReadOnlyError):
            store.start_run("measure", [], {}, "0")


# --- the commands ---------------------------------------------------------------------------------


def test_reading_commands_work_in_a_read_only_folder(
    assessed: Path, host: PluginHost, read_only: Callable[[Path], None], tmp_path: Path
) -> None:
    runs = _runs(assessed / "cxframe.db")
    before = _listing(assessed)
    read_only(assessed)
    folder = str(assessed)
    measured = testing.invoke(["-C", folder, "measure", "--json"], host=host)
    assert measured.exit_code == 0, measured.output
    assert '"metric": "mean_score"' in measured.stdout
    assert testing.invoke(["-C", folder, "check"], host=host).exit_code == 0
    assert testing.invoke(["-C", folder, "validate"], host=host).exit_code == 0
    assert testing.invoke(["-C", folder, "plugins"], host=host).exit_code == 0
    out = tmp_path / "elsewhere"
    reported = testing.invoke(["-C", folder, "report", "--out", str(out)], host=host)
    assert reported.exit_code == 0, reported.output
    assert (out / "assessment.json").is_file()
    assert _listing(assessed) == before
    assert _runs(assessed / "cxframe.db") == runs  # nothing recorded: the store was not written


@pytest.mark.parametrize(
    ("args", "what"),
    [(["collect"], "collect"), (["assess"], "assess"), (["run"], "run"), (["forget", "answers"], "forget")],
)
def test_writing_commands_say_the_folder_is_read_only(
    assessed: Path, host: PluginHost, read_only: Callable[[Path], None], args: list[str], what: str
) -> None:
    before = _listing(assessed)
    read_only(assessed)
    result = testing.invoke(["-C", str(assessed), *args], host=host)
    assert result.exit_code == 1
    assert f"error: {assessed / 'cxframe.db'}: {what} writes to the store, but the folder" in result.stderr
    assert "is read-only" in result.stderr and "Traceback" not in result.output
    assert _listing(assessed) == before


def test_a_read_only_folder_without_a_store_reads_as_empty(
    programme: Path, host: PluginHost, read_only: Callable[[Path], None]
) -> None:
    read_only(programme)
    measured = testing.invoke(["-C", str(programme), "measure", "--json"], host=host)
    assert measured.exit_code == 0 and measured.stdout.strip() == "[]"
    collected = testing.invoke(["-C", str(programme), "collect"], host=host)
    assert collected.exit_code == 1 and "holds no store" in collected.stderr
    assert not (programme / "cxframe.db").exists()


# --- end to end, as an account the permissions stop ---------------------------------------------------


def _as_unprivileged() -> list[str] | None:
    """The command prefix that runs a program as an account chmod stops, or None where there is none."""
    if os.name != "posix":
        return None
    if not ROOT:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import cxframe"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another account can walk into (pytest's own temporary folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="cxframe-read-only-"))
    folder.chmod(0o755)
    yield folder
    _chmod_writable(folder)
    shutil.rmtree(folder)


@posix_only
def test_a_read_only_programme_folder_end_to_end(shared_folder: Path) -> None:
    prefix = _as_unprivileged()
    if prefix is None:
        pytest.skip("no unprivileged account can run cxframe here (root without setpriv, or nobody cannot read it)")
    cxframe_command = str(Path(sys.executable).with_name("cxframe"))
    folder = shared_folder / "programme"
    env = {**os.environ, "COLUMNS": "120", "HOME": str(shared_folder)}

    def cx(*args: str, unprivileged: bool = True) -> subprocess.CompletedProcess[str]:
        command = [*(prefix if unprivileged else []), cxframe_command, "-C", str(folder), *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=shared_folder, check=False)

    assert cx("init", "--example", "starter", str(folder), unprivileged=False).returncode == 0
    assert cx("collect", unprivileged=False).returncode == 0
    assert cx("assess", unprivileged=False).returncode == 0
    if ROOT:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, 65534, 65534)
    _chmod_read_only(folder)
    before = _listing(folder)

    measured = cx("measure", "--metric", "nps")
    assert measured.returncode == 0, measured.stderr
    assert "nps" in measured.stdout and "cannot open the store" not in measured.stderr
    out = shared_folder / "out"
    out.mkdir(mode=0o777)
    out.chmod(0o777)
    reported = cx("report", "--out", str(out))
    assert reported.returncode == 0, reported.stderr
    assert cx("check").returncode == 0

    for args, needle in [
        (("collect",), "collect writes to the store, but the folder"),
        (("assess",), "assess writes to the store, but the folder"),
        (("report",), "cannot write the reports there (the folder is read-only for you); write them elsewhere"),
    ]:
        failed = cx(*args)
        assert failed.returncode == 1, (args, failed.stdout, failed.stderr)
        assert needle in failed.stderr and "read-only" in failed.stderr, failed.stderr
        assert "Traceback" not in failed.stderr
    made = cx("init", str(folder / "new"))
    assert made.returncode == 1 and "read-only" in made.stderr and "Traceback" not in made.stderr
    assert _listing(folder) == before
