"""Commands started at the same time on one programme wait for each other: no traceback, nothing counted twice."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cxframe import StoreError, init_programme, open_store

pytestmark = pytest.mark.slow

#: Enough processes that two of them overlap on every run (with three, the old code failed about once in three).
PROCESSES = 6
COLLECT = "import sys; from cxframe.cli import main; sys.argv = ['cxframe', 'collect']; main()"


def test_collects_at_once_on_a_new_programme(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    init_programme(root, example="starter")
    started = [
        subprocess.Popen([sys.executable, "-c", COLLECT], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(PROCESSES)
    ]
    finished = [(process.wait(timeout=300), *process.communicate()) for process in started]
    for code, _out, err in finished:
        assert code == 0, err.decode()
        assert b"Traceback" not in err
    said = b"".join(out for _, out, _ in finished).decode()
    # one of them read the file; the others found it already collected
    assert said.count("read 1200 rows") == 1, said
    assert said.count("unchanged since it was last collected") == PROCESSES - 1, said
    with open_store(root / "cxframe.db") as store:
        assert store.count("ingests") == 1
        assert store.db.execute("SELECT COUNT(DISTINCT response_id) FROM observations").fetchone()[0] == 1200


def test_opening_a_new_store_waits_where_sqlite_answers_locked_at_once(tmp_path: Path) -> None:
    """Another connection writing a new file in rollback mode: setting the WAL gets "locked" without waiting."""
    import sqlite3
    import threading
    import time

    path = tmp_path / "cxframe.db"
    path.touch(mode=0o600)  # private, as cxframe makes it: no warning about a shared store
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE scratch (x)")

    def finish() -> None:
        time.sleep(0.3)
        other.execute("COMMIT")
        other.close()

    finishing = threading.Thread(target=finish)
    finishing.start()
    try:
        with open_store(path) as store:  # raised "cannot open the store: database is locked" at once before
            assert store.count("ingests") == 0
    finally:
        finishing.join()


def test_a_write_waits_for_another_then_says_why_it_gave_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cxframe.store import _locking

    waited: list[str] = []
    monkeypatch.setattr(_locking, "BUSY_SECONDS", 1)
    monkeypatch.setattr(_locking, "on_wait", waited.append)
    with open_store(tmp_path / "cxframe.db") as first, open_store(tmp_path / "cxframe.db") as second:
        with first.writing():
            first.db.execute("INSERT INTO runs (command, started_at) VALUES ('holding', '2026-01-01')")
            with (
                pytest.raises(StoreError, match="another cxframe command has been writing to the store"),
                second.writing(),
            ):
                pass  # never reached: the first holds the lock
        assert waited == [str(tmp_path / "cxframe.db")]
        with second.writing():  # the first has committed: the lock is free
            second.db.execute("INSERT INTO runs (command, started_at) VALUES ('next', '2026-01-02')")
        assert second.count("runs") == 2


def test_the_cli_says_so_when_it_waits(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    init_programme(root, example="starter")
    release = tmp_path / "release"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(root / "cxframe.db"), str(release)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    collect = subprocess.Popen([sys.executable, "-c", COLLECT], cwd=root, stderr=subprocess.PIPE, text=True)
    assert collect.stderr is not None
    # the lock is held until the collect has said that it waits, however slow the machine is
    said = collect.stderr.readline()
    release.touch()
    holder.wait(timeout=60)
    rest = collect.communicate(timeout=300)[1]
    assert collect.returncode == 0, said + rest
    assert "waiting for another cxframe command to finish writing to" in said


#: Opens the store, takes its write lock, says so, and keeps it until the file in argv[2] exists (at most a minute).
HOLD_THE_LOCK = (
    "import sys, time, pathlib; from cxframe import open_store\n"
    "release = pathlib.Path(sys.argv[2])\n"
    "with open_store(sys.argv[1]) as store, store.writing():\n"
    "    print('holding', flush=True)\n"
    "    for _ in range(600):\n"
    "        if release.exists(): break\n"
    "        time.sleep(0.1)\n"
)
