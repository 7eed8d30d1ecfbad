"""cxframe.ingestion._background: a generator iterated in a forked child, its items and errors streamed back."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from cxframe import InvalidInput
from cxframe.ingestion._background import child_process_available, iterate_in_child

pytestmark = pytest.mark.skipif(not child_process_available(), reason="needs Linux with fork and two cores")


def _numbers(count: int) -> Iterator[tuple[int, str, int]]:
    for n in range(count):
        yield n, f"row {n}", os.getpid()


def test_items_come_back_in_order_computed_in_another_process() -> None:
    items = list(iterate_in_child(_numbers(500)))
    assert [(n, text) for n, text, _ in items] == [(n, f"row {n}") for n in range(500)]
    assert {pid for *_, pid in items} == {items[0][2]} != {os.getpid()}


def test_items_can_cross_in_the_callers_own_encoding() -> None:
    sent = []

    def encode(item: tuple[int, str, int]) -> bytes:
        sent.append(item)  # in the child: this process's list stays empty
        return f"{item[0]}:{item[1]}".encode()

    def decode(data: bytes) -> tuple[int, str]:
        number, text = data.decode().split(":")
        return int(number), text

    items = list(iterate_in_child(_numbers(300), encode, decode))  # type: ignore[arg-type]
    assert items == [(n, f"row {n}") for n in range(300)]
    assert sent == []


def test_an_invalid_input_in_the_child_is_raised_here_as_itself() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise InvalidInput(["line 7: expected a number"], where="survey.csv")

    received = []
    with pytest.raises(InvalidInput) as raised:
        for item in iterate_in_child(failing()):
            received.append(item)
    assert received == [1]
    assert raised.value.messages == ["survey.csv: line 7: expected a number"]


class _Unpicklable(Exception):
    def __init__(self, code: int, detail: str) -> None:
        super().__init__(f"{code}: {detail}")


def test_an_error_that_does_not_survive_pickling_comes_back_with_its_traceback() -> None:
    def failing() -> Iterator[int]:
        raise _Unpicklable(3, "the collector broke")
        yield 0  # pragma: no cover

    with pytest.raises(RuntimeError, match=r"(?s)reading the source failed:.*_Unpicklable: 3: the collector broke"):
        list(iterate_in_child(failing()))


def test_a_child_that_dies_is_an_error_not_a_hang() -> None:
    def dying() -> Iterator[int]:
        yield 1
        os._exit(9)

    with pytest.raises(RuntimeError, match="ended unexpectedly"):
        list(iterate_in_child(dying()))


def test_stopping_early_stops_the_child() -> None:
    def endless() -> Iterator[int]:
        n = 0
        while True:
            n += 1
            yield n

    began = time.monotonic()
    items = iterate_in_child(endless())
    assert [next(items) for _ in range(3)] == [1, 2, 3]
    items.close()  # kills and reaps the child; a leak would make the next line's count grow
    assert time.monotonic() - began < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
