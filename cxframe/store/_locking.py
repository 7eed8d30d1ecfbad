"""Write transactions that take the store's write lock first, so concurrent commands wait for each other.

SQLite lets one connection write at a time. A transaction begun with a
plain ``BEGIN`` takes the write lock only at its first write, and in WAL mode
a connection whose snapshot is older than another's commit then fails at
once ("database is locked") instead of waiting. ``BEGIN IMMEDIATE`` takes the
lock up front, waiting up to `BUSY_SECONDS` for another writer (a second
``cxframe collect`` started beside a first one waits for it), and a caller
that decides what to write inside the transaction decides on what the other
command has committed.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator

import sqlite_utils

from cxframe.contracts._errors import StoreError

#: How long a command waits for another one writing to the same store.
BUSY_SECONDS = 120
#: Called with the store's path when a write has to wait for another command (the CLI says so on stderr).
on_wait: Callable[[str], object] | None = None


@contextlib.contextmanager
def writing(db: sqlite_utils.Database) -> Iterator[None]:
    """One write transaction holding the store's write lock; a savepoint inside an open transaction."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield
        return
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    if not _begin(conn, wait_ms=0):
        if on_wait is not None:
            on_wait(path)
        if not _begin(conn, wait_ms=BUSY_SECONDS * 1000):
            raise StoreError(
                f"{path}: another cxframe command has been writing to the store for more than {BUSY_SECONDS} s; "
                "run this one again when it has finished"
            )
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # an error may have ended the transaction already
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _begin(conn: sqlite3.Connection, wait_ms: int) -> bool:
    """Begin a write transaction, waiting up to ``wait_ms`` for the lock; whether it began."""
    conn.execute(f"PRAGMA busy_timeout = {wait_ms}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
    return True
