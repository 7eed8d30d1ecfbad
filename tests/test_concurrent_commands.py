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
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(root / "cxframe.db")], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    collect = subprocess.run([sys.executable, "-c", COLLECT], cwd=root, capture_output=True, text=True, timeout=300)
    holder.wait(timeout=60)
    assert collect.returncode == 0, collect.stderr
    assert "waiting for another cxframe command to finish writing to" in collect.stderr


#: Opens the store, takes its write lock, says so, and keeps it for eight seconds: long enough for the collect
#: started after it to reach the lock on a loaded machine, where starting Python and the plugins takes seconds.
HOLD_THE_LOCK = (
    "import sys, time; from cxframe import open_store\n"
    "with open_store(sys.argv[1]) as store, store.writing():\n"
    "    print('holding', flush=True); time.sleep(8)\n"
)
