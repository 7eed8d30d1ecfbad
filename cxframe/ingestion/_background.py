"""Iterate a generator in a forked child process and stream what it yields back.

Why: a large survey ingest is a Python pass (parse the file, convert each
row) feeding SQLite work (stage the rows, insert responses and answers). In
one process the two take turns on one core; with the pass in a child, the
store's process does the SQLite work while the child reads ahead, on a second
core. Items travel through a pipe as bytes (pickled, unless the caller brings a
faster encoding for its items), and the child stays at most a few items
ahead (memory stays bounded).

Fork, not spawn: the child inherits the open source file and the collector's
functions (closures, which cannot be pickled). It never touches the parent's
SQLite connection, and it leaves with ``os._exit`` so that no finaliser of the
parent's objects runs in it. Where fork is missing or unsafe (Windows, macOS)
or only one core is there, `child_process_available` says no and the caller
iterates in-process.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Generator, Iterator
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import TypeVar

T = TypeVar("T")

_END, _ERROR = 1, 2
#: The first byte of an item's message; the end and an error come pickled, which begins otherwise (0x80).
_ITEM_MARK = b"\x00"
#: Items the child may be ahead of the caller (each held pickled, here, until the caller takes it).
AHEAD = 4
#: glibc's ``mallopt`` parameter for the size from which blocks are mapped from the OS (malloc.h)
_M_MMAP_THRESHOLD = -3


def child_process_available() -> bool:
    """Whether `iterate_in_child` can use a child process here: Linux with fork and at least two cores."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    return len(os.sched_getaffinity(0)) > 1


def _give_freed_memory_back() -> None:
    """Have glibc serve blocks of 128 KiB and more straight from the OS, and return them when freed.

    Why: by default glibc raises that threshold as large blocks are freed, and
    then serves them from a heap it rarely shrinks. A reading process that
    parses a file block by block (`cxframe.ingestion._delimited`) kept memory it no
    longer used that way (docs/performance.md). Only in the child, which is short-lived; elsewhere (not glibc) nothing.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 128 * 1024)


def _pickle(item: object) -> bytes:
    return pickle.dumps(item, pickle.HIGHEST_PROTOCOL)


def iterate_in_child(
    items: Iterator[T],
    encode: Callable[[T], bytes] = _pickle,
    decode: Callable[[bytes], T] = pickle.loads,
) -> Generator[T, None, None]:
    """Yield what ``items`` yields, computing it in a forked child process.

    ``items`` must not have been started. Each item crosses as ``encode``
    makes it (in the child) and ``decode`` reads it (here): pickle unless
    given. An exception it raises is raised
    here (as itself when it survives pickling, else as a `RuntimeError` with
    the child's traceback). Closing this generator early (or an exception in
    the caller) stops the child. Call only where `child_process_available`.
    """
    receiver, sender = Pipe(duplex=False)
    with warnings.catch_warnings():
        # Python 3.12+ warns when a process with threads forks (a progress bar's, say): a lock another thread
        # held stays held in the child. The child only reads and converts rows, and never prints or logs.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its work is checked through what the parent receives
        code = 0
        try:
            # a short-lived process that makes no reference cycles: no collector passes, and no copies of the
            # parent's pages for the collector's bookkeeping
            gc.disable()
            _give_freed_memory_back()
            receiver.close()
            for item in items:
                sender.send_bytes(_ITEM_MARK + encode(item))
            sender.send_bytes(pickle.dumps((_END, None)))
        except BaseException as error:
            code = 1
            with contextlib.suppress(BaseException):  # the parent is gone or stopped reading
                sender.send_bytes(_pickled(error))
        finally:
            os._exit(code)
    sender.close()
    # a thread takes each item off the pipe as soon as it is written (the read releases the GIL), so
    # the child reads ahead while this process works, up to AHEAD items
    received = iterate_ahead(_messages(receiver))
    finished = False
    try:
        for data in received:
            if data is None:
                raise RuntimeError("the process reading the source ended unexpectedly")
            if data[:1] == _ITEM_MARK:
                yield decode(data[1:])
                continue
            kind, payload = pickle.loads(data)
            finished = True
            if kind == _END:
                return
            raise payload
    finally:
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)  # the child is gone: the thread's read ends
        received.close()
        receiver.close()


def _messages(receiver: Connection) -> Iterator[bytes | None]:
    """The child's messages, then None: after the last item, or instead of it when the child died."""
    try:
        while True:
            yield receiver.recv_bytes()
    except (EOFError, OSError):
        yield None


def _pickled(error: BaseException) -> bytes:
    """``error`` as the parent should raise it: itself if it pickles faithfully, else its traceback."""
    try:
        data = pickle.dumps((_ERROR, error), pickle.HIGHEST_PROTOCOL)
        if str(pickle.loads(data)[1]) == str(error):
            return data
    except Exception:
        pass
    text = "".join(traceback.format_exception(error)).rstrip()
    return pickle.dumps((_ERROR, RuntimeError(f"reading the source failed:\n{text}")))


def iterate_ahead(items: Iterator[T], ahead: int = AHEAD) -> Generator[T, None, None]:
    """Yield what ``items`` yields, computing it on a thread of its own, up to ``ahead`` items in advance.

    Why a thread can overlap here: SQLite releases the GIL while it inserts,
    and pyarrow while it parses and computes, so the reading runs while the
    caller stores. An exception ``items`` raises is raised here; closing this
    generator early (or an exception in the caller) stops the thread after
    the item it is computing.
    """
    done: queue.Queue[tuple[int, object]] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(entry: tuple[int, object]) -> bool:
        while not stop.is_set():
            try:
                done.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((0, item)):
                    return
            put((_END, None))
        except BaseException as error:
            put((_ERROR, error))

    thread = threading.Thread(target=work, name="cxframe-reading-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, payload = done.get()
            if kind == _END:
                return
            if kind == _ERROR:
                assert isinstance(payload, BaseException)
                raise payload
            yield payload  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
