"""A log's events as columns, in process-mining order: what variants and directly-follows are computed from.

Both paths build the same `EventColumns` — the store path from the stored
events' columns (`cxframe_journey.analytics`), the direct path from the
collector's batches as the core cleans them, nothing stored
(`cxframe_journey.logfile`) — so the two give the same JSON by construction.

**Order.** The events of a case are ordered by timestamp (UTC), and events
with the same timestamp keep the order in which they were collected (the
store's ``id``, the file's line): the process-mining convention pm4py
follows. One stable sort of integer columns (case, exact time, order) does
it; nothing depends on how the file was sorted.

**Exact times.** A stored timestamp (``2026-03-01T08:30:00.250000Z``) is
turned into integer microseconds since 1970 by pyarrow; a duration is the
difference of two, divided by 10⁶, so every duration is exact to the
microsecond and the same on both paths.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


class Variant(TypedDict):
    activities: list[str]
    count: int
    share: float


class Edge(TypedDict):
    source: str
    target: str
    count: int
    mean_seconds: float
    median_seconds: float


class DirectlyFollows(TypedDict):
    edges: list[Edge]
    start: dict[str, int]
    end: dict[str, int]


def variant_list(traces: Mapping[tuple[str, ...], int]) -> list[Variant]:
    """The public variants list from ``{activities: cases}``: shares, most frequent first, ties by activities.

    Shared by the store path and the direct file path (`cxframe_journey.logfile`), so both give the same JSON.
    """
    cases = sum(traces.values())
    found: list[Variant] = [
        {"activities": list(trace), "count": count, "share": count / cases} for trace, count in traces.items()
    ]
    found.sort(key=lambda v: (-v["count"], v["activities"]))
    return found


def graph(
    durations: Mapping[tuple[str, str], Any],
    start: Mapping[str, int],
    end: Mapping[str, int],
    *,
    mean: Callable[[Any], float] = lambda values: math.fsum(values) / len(values),
    median: Callable[[Any], float] = statistics.median,
    count: Callable[[Any], int] = len,
) -> DirectlyFollows:
    """The public directly-follows graph from each edge's durations (seconds) and the start and end counts.

    Mean by `math.fsum` and median by `statistics.median` (or the same
    computed otherwise), neither of which depends on the order of the
    durations; ``count`` the edge's count from them (`len`; or computed
    elsewhere, as Spark does, `cxframe_journey.spark`); edges most frequent
    first (ties by source, target).
    """
    edges: list[Edge] = [
        {
            "source": activity,
            "target": target,
            "count": count(values),
            "mean_seconds": mean(values),
            "median_seconds": median(values),
        }
        for (activity, target), values in durations.items()
    ]
    edges.sort(key=lambda e: (-e["count"], e["source"], e["target"]))
    return {"edges": edges, "start": _by_count(start), "end": _by_count(end)}


def _by_count(counts: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@attrs.frozen
class EventColumns:
    """Events in process-mining order: activity codes and exact times, and where each case starts."""

    #: activity names by code
    activities: list[str]
    #: each event's activity code and UTC microseconds, by case, time and order
    codes: np.ndarray
    micros: np.ndarray
    #: the index of each case's first event, then the number of events
    starts: np.ndarray

    @classmethod
    def from_codes(
        cls, cases: np.ndarray, activities: np.ndarray, names: list[str], micros: np.ndarray, order: np.ndarray
    ) -> EventColumns:
        """From case codes, activity codes (``names`` by code), UTC microseconds and collection order, in any order."""
        ordered = np.lexsort((order, micros, cases))
        sorted_cases = cases[ordered]
        starts = np.flatnonzero(np.diff(sorted_cases)) + 1 if len(ordered) else np.array([], np.int64)
        return cls(
            activities=names,
            codes=activities.astype(np.int32)[ordered],
            micros=micros[ordered],
            starts=np.concatenate(([0], starts, [len(ordered)])) if len(ordered) else np.array([0], np.int64),
        )

    def __len__(self) -> int:
        return len(self.codes)

    def variants(self) -> list[Variant]:
        """``[{activities, count, share}]``, most frequent first (ties by activities)."""
        codes, bounds = self.codes, self.starts.tolist()
        # a case's activity codes as bytes are its variant's key: hashing bytes beats building tuples
        counted = Counter(codes[a:b].tobytes() for a, b in itertools.pairwise(bounds))
        names = self.activities
        traces = {tuple(names[i] for i in np.frombuffer(key, np.int32)): count for key, count in counted.items()}
        return variant_list(traces)

    def dfg(self) -> DirectlyFollows:
        """``{edges: [{source, target, count, mean_seconds, median_seconds}], start, end}``."""
        names, codes = self.activities, self.codes
        if not len(codes):
            return graph({}, {}, {})
        firsts, lasts = self.starts[:-1], self.starts[1:] - 1
        within = np.ones(len(codes) - 1, bool)
        within[firsts[1:] - 1] = False  # no edge from a case's last event to the next case's first
        width = len(names)
        edges = (codes[:-1].astype(np.int64) * width + codes[1:])[within]
        seconds = (np.diff(self.micros)[within]) / 1000000.0
        order = np.argsort(edges, kind="stable")
        edges, seconds = edges[order], seconds[order]
        kinds, begins = np.unique(edges, return_index=True)
        durations = {}
        for edge, values in zip(kinds.tolist(), np.split(seconds, begins[1:]) if len(kinds) else [], strict=True):
            durations[(names[edge // width], names[edge % width])] = values
        start = Counter(codes[firsts].tolist())
        end = Counter(codes[lasts].tolist())
        return graph(
            durations,
            {names[code]: count for code, count in start.items()},
            {names[code]: count for code, count in end.items()},
            mean=lambda values: math.fsum(values.tolist()) / len(values),
            median=lambda values: float(np.median(values)),
        )


class _Codes:
    """Numbers for texts, the same number for the same text across every part they come in."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.texts: list[str] = []

    def __call__(self, texts: pa.Array) -> np.ndarray:
        encoded = pc.dictionary_encode(texts)
        numbers = self.numbers
        local = []
        for text in encoded.dictionary.to_pylist():
            number = numbers.get(text)
            if number is None:
                number = numbers[text] = len(self.texts)
                self.texts.append(text)
            local.append(number)
        found: np.ndarray = np.asarray(local, np.int64)[encoded.indices.to_numpy(zero_copy_only=False)]
        return found


class Builder:
    """Collects a log's events a part at a time, keeping four numbers an event (not its texts), then `EventColumns`."""

    def __init__(self) -> None:
        self.cases = _Codes()
        self.activities = _Codes()
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, cases: pa.Array, activities: pa.Array, timestamps: pa.Array, order: pa.Array) -> None:
        """Events' case ids, activities, stored UTC timestamps and collection order."""
        if len(cases):
            self.parts.append(
                (
                    self.cases(cases).astype(np.int32),
                    self.activities(activities).astype(np.int32),
                    _micros(timestamps),
                    np.asarray(order.to_numpy(zero_copy_only=False), np.int64),
                )
            )

    def columns(self) -> EventColumns:
        if not self.parts:
            empty = np.array([], np.int64)
            return EventColumns.from_codes(empty, empty, [], empty, empty)
        joined = [np.concatenate([part[i] for part in self.parts]) for i in range(4)]
        self.parts = []
        return EventColumns.from_codes(joined[0], joined[1], self.activities.texts, joined[2], joined[3])


def _micros(timestamps: pa.Array) -> np.ndarray:
    """Integer microseconds since 1970 of stored UTC text (``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``)."""
    if not len(timestamps):
        return np.array([], np.int64)
    seconds = pc.strptime(pc.utf8_slice_codeunits(timestamps, 0, 19), format="%Y-%m-%dT%H:%M:%S", unit="s")
    whole = pc.cast(seconds, pa.int64()).to_numpy(zero_copy_only=False) * 1000000
    fraction = pc.utf8_slice_codeunits(timestamps, 20, 26)
    has_fraction = pc.equal(pc.utf8_length(fraction), 6)
    parts = pc.if_else(has_fraction, fraction, "0")
    return np.asarray(whole + pc.cast(parts, pa.int64()).to_numpy(zero_copy_only=False), np.int64)
