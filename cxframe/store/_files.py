"""Files that hold row-level data, readable and writable by their owner only (mode 0600).

Why: the store and any export of its rows hold every individual answer —
employees' eNPS with their team, site and role, customers' comments with
their ids. Created under the usual umask (022) such a file is readable by
every account on the machine, and the anonymity rules that protect each
output would protect nothing. Reports hold only protected aggregates and
chosen verbatims, and keep the user's umask.

The mode is given when the file is created (``os.open``), never by changing
the process's umask, which is process-wide (a reading thread may be
creating files too), and never by changing the mode of a file that already
exists: someone chose it, so an existing store too open gets a warning
naming the ``chmod`` that fixes it (`warn_if_store_is_shared`).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from cxframe.contracts._errors import StorePermissionWarning

#: Read and write for the owner, nothing for group and others.
PRIVATE_MODE = 0o600
#: The permission bits of group and others: any of them set lets another account in.
_OTHERS = 0o077
#: Files SQLite keeps beside a database while it is open (or after a crash).
STORE_SIDE_FILES = ("-wal", "-shm", "-journal")


def posix_modes() -> bool:
    """Whether files have POSIX permission bits here (not on Windows, where the mode is only read-only or not)."""
    return os.name == "posix"


def _owner_only(fd: int) -> None:
    # the umask may have taken more than group/other away (0o277 would leave the owner unable to write):
    # set the mode exactly, on the file just created, through its descriptor
    if hasattr(os, "fchmod"):
        os.fchmod(fd, PRIVATE_MODE)


def create_private(path: str | Path) -> bool:
    """Create ``path`` empty with mode 0600; False (and the file left as it is) if it exists already."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    except FileExistsError:
        return False
    try:
        _owner_only(fd)
    finally:
        os.close(fd)
    return True


@contextlib.contextmanager
def open_private(
    path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """Write a file that holds row-level data (an export of observations, events, a loop's cases): mode 0600.

    The file is written under a temporary name in the same folder (mode 0600
    from the start) and renamed to ``path`` only when the ``with`` block ends
    without an exception, so a reader never sees half an export and a failed
    one leaves nothing behind. A file already at ``path`` is replaced by the
    new one, which is private; its own mode is never changed.

    ``mode`` is ``"w"`` (text, ``encoding`` and ``newline`` as for `open`) or
    ``"wb"`` (bytes, e.g. for ``pyarrow.parquet.write_table``):

    ```python
    with cxframe.open_private("observations.csv", newline="") as handle:
        csv.writer(handle).writerows(rows)
    ```
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"open_private writes a new file: mode must be 'w' or 'wb', not {mode!r}")
    target = Path(path)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        _owner_only(fd)
        if mode == "wb":
            handle: IO[Any] = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        os.unlink(temporary)
        raise
    try:
        with handle:
            yield handle
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def open_to_others(path: str | Path) -> list[tuple[Path, int]]:
    """The store's file and side files (WAL, SHM, journal) that group or others may use, each with its mode.

    Empty where POSIX modes do not apply (Windows) and for what is not a regular file.
    """
    if not posix_modes():
        return []
    main = Path(path)
    found = []
    for file in (main, *(main.with_name(main.name + side) for side in STORE_SIDE_FILES)):
        try:
            status = file.stat()
        except OSError:  # not there (a side file usually is not), or not ours to look at
            continue
        if stat.S_ISREG(status.st_mode) and status.st_mode & _OTHERS:
            found.append((file, stat.S_IMODE(status.st_mode)))
    return found


def warn_if_store_is_shared(path: str | Path, stacklevel: int = 2) -> None:
    """Warn (`StorePermissionWarning`) when other accounts may read or change the store at ``path``.

    Names each file with its mode and the ``chmod`` that fixes it; changes nothing.
    """
    shared = open_to_others(path)
    if not shared:
        return
    files = ", ".join(f"{file} (mode {mode:04o})" for file, mode in shared)
    bits = 0
    for _, mode in shared:
        bits |= mode
    can = " or ".join(verb for verb, mask in (("read", 0o044), ("change", 0o022)) if bits & mask) or "use"
    fix = "chmod 600 " + " ".join(shlex.quote(str(file)) for file, _ in shared)
    warnings.warn(
        StorePermissionWarning(
            f"{files}: other accounts on this machine can {can} the store, which holds every individual answer; "
            f"make it yours only with: {fix}"
        ),
        stacklevel=stacklevel + 1,
    )


@attrs.frozen
class StoreAccess:
    """How a command can open the store at a path: to write, or only to read, and why not to write.

    ``mode`` is ``"write"`` (open it as usual, creating it if need be),
    ``"read"`` (SQLite's ``mode=ro``: another connection has the store open,
    its WAL and shared-memory files are there and SQLite reads through them),
    ``"immutable"`` (``mode=ro&immutable=1``: no WAL, so everything committed
    is in the file; SQLite creates no file beside it, which a read-only
    folder would refuse) or ``"missing"`` (no store, and a folder where none
    can be created: an empty store in memory stands in for it).
    """

    mode: str
    #: why it cannot be written ("the folder … is read-only"); empty when it can
    reason: str = ""

    @property
    def read_only(self) -> bool:
        return self.mode != "write"


def store_access(path: str | Path) -> StoreAccess:
    """Whether this account can write the store at ``path``, and if not, how to read it.

    Writing needs the file and its folder writable: SQLite creates its WAL,
    shared-memory and journal files beside the database. ``os.access`` asks
    the operating system for this account (root passes it everywhere but on
    a read-only file system, as it would pass the writes themselves).
    """
    file = Path(path)
    folder = file.parent.resolve()  # named in messages: "the folder . is read-only" would say little
    folder_writable = os.access(folder, os.W_OK)
    if not file.exists():
        if folder_writable or not folder.exists():
            return StoreAccess("write")  # a folder that is not there fails as it always did, naming it
        return StoreAccess("missing", f"the folder {folder} is read-only and holds no store")
    if folder_writable and os.access(file, os.W_OK):
        return StoreAccess("write")
    reason = f"the folder {folder} is read-only" if not folder_writable else f"the file {file} is read-only"
    # a WAL is there while a connection has the store open (the last one to close removes it): read through it
    # so that a commit made meanwhile is seen whole; without one the file holds everything and cannot change
    # under us without a writer creating a WAL or journal first
    wal = file.with_name(file.name + "-wal")
    return StoreAccess("read" if wal.exists() else "immutable", reason)
