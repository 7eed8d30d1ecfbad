"""cxframe-journey: variants and the directly-follows graph, in SQL over the events table."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import random
import statistics
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from journey_support import collect, programme, store

from cxframe_journey import analytics, read_log

HEADER = ["case:concept:name", "concept:name", "time:timestamp"]
Row = tuple[str, str, str]


def analyse(
    tmp_path: Path, rows: list[Row], name: str = "log.csv"
) -> tuple[list[analytics.Variant], analytics.DirectlyFollows]:
    """Write ``rows`` as a pm4py-style CSV, collect it, and return its variants and DFG (checked against `read_log`)."""
    root = programme(tmp_path / name)
    path = root / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    source = collect(root, path).source
    with store(root) as opened:
        found, graph = analytics.variants(opened, source=source), analytics.dfg(opened, source=source)
    # every analytics test also checks the direct file path: the same JSON, to the last bit
    log = read_log(path)
    assert json.dumps(log.variants()) == json.dumps(found)
    assert json.dumps(log.dfg()) == json.dumps(graph)
    return found, graph


def at(minutes: float) -> str:
    return (dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)).isoformat()


def test_variants_most_frequent_first_ties_by_activities_with_shares(tmp_path: Path) -> None:
    paths = {"1": "abc", "2": "abc", "3": "ac", "4": "b", "5": "ab"}
    rows = [(case, activity, at(i)) for case, path in paths.items() for i, activity in enumerate(path)]
    found, _ = analyse(tmp_path, rows)
    assert found == [
        {"activities": ["a", "b", "c"], "count": 2, "share": 0.4},
        {"activities": ["a", "b"], "count": 1, "share": 0.2},
        {"activities": ["a", "c"], "count": 1, "share": 0.2},
        {"activities": ["b"], "count": 1, "share": 0.2},
    ]


def test_dfg_counts_times_starts_and_ends(tmp_path: Path) -> None:
    rows = [
        ("1", "a", at(0)), ("1", "b", at(10)), ("1", "c", at(40)),
        ("2", "a", at(0)), ("2", "b", at(20)), ("2", "c", at(30)),
        ("3", "a", at(0)), ("3", "b", at(60)),
        ("4", "d", at(5)),  # a single-event case: a start and an end, no edge
    ]  # fmt: skip
    variants, graph = analyse(tmp_path, rows)
    assert graph == {
        "edges": [
            {"source": "a", "target": "b", "count": 3, "mean_seconds": 1800.0, "median_seconds": 1200.0},
            {"source": "b", "target": "c", "count": 2, "mean_seconds": 1200.0, "median_seconds": 1200.0},
        ],
        "start": {"a": 3, "d": 1},
        "end": {"c": 2, "b": 1, "d": 1},
    }
    assert {"activities": ["d"], "count": 1, "share": 0.25} in variants


def test_rows_in_any_order_give_the_same_result(tmp_path: Path) -> None:
    rows = [
        (f"c{case}", activity, at(case * 7 + step * 3))
        for case in range(30)
        for step, activity in enumerate("pqrs"[: 1 + case % 4])
    ]
    expected = analyse(tmp_path, rows, "sorted.csv")
    for seed in range(3):
        shuffled = list(rows)
        random.Random(seed).shuffle(shuffled)
        assert analyse(tmp_path, shuffled, f"shuffled{seed}.csv") == expected


def test_events_at_the_same_time_keep_their_file_order(tmp_path: Path) -> None:
    rows = [("1", "p", at(0)), ("2", "q", at(0)), ("1", "q", at(0)), ("2", "p", at(0)), ("1", "r", at(-1))]
    found, graph = analyse(tmp_path, rows)
    assert [v["activities"] for v in found] == [["q", "p"], ["r", "p", "q"]]
    assert [(e["source"], e["target"], e["mean_seconds"]) for e in graph["edges"]] == [
        ("p", "q", 0.0),
        ("q", "p", 0.0),
        ("r", "p", 60.0),
    ]


def test_a_fraction_of_a_second_sorts_after_the_whole_second(tmp_path: Path) -> None:
    # stored as ...09:30:00.500000Z and ...09:30:00Z: as text the fraction would sort first
    rows = [
        ("1", "later", "2025-01-01T09:30:00.5Z"),
        ("1", "earlier", "2025-01-01T09:30:00Z"),
        ("1", "last", "2025-01-01T09:30:01.000001Z"),
    ]
    found, graph = analyse(tmp_path, rows)
    assert found[0]["activities"] == ["earlier", "later", "last"]
    durations = [(e["source"], e["median_seconds"]) for e in graph["edges"]]
    assert sorted(durations) == [("earlier", 0.5), ("later", pytest.approx(0.500001, abs=1e-9))]


def test_aware_and_naive_timestamps_order_in_utc(tmp_path: Path) -> None:
    rows = [
        ("1", "b", "2025-01-01 09:00:00"),  # naive: UTC
        ("1", "a", "2025-01-01T10:00:00+02:00"),  # 08:00 UTC
        ("1", "c", "2025-01-01T04:30:00-05:00"),  # 09:30 UTC
        ("1", "d", "2025-01-01T09:45:00Z"),
    ]
    found, graph = analyse(tmp_path, rows)
    assert found[0]["activities"] == ["a", "b", "c", "d"]
    assert [e["mean_seconds"] for e in sorted(graph["edges"], key=lambda e: e["source"])] == [3600.0, 1800.0, 900.0]


def test_only_the_selected_source_is_read_and_an_empty_store_gives_empty_results(tmp_path: Path) -> None:
    root = programme(tmp_path / "p")
    with store(root) as opened:
        assert analytics.variants(opened) == []
        assert analytics.dfg(opened) == {"edges": [], "start": {}, "end": {}}
    for name, path in (("one.csv", "ab"), ("two.csv", "xyz")):
        with (root / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([HEADER, *((("1", a, at(i)) for i, a in enumerate(path)))])
        collect(root, root / name)
    with store(root) as opened:
        assert [v["activities"] for v in analytics.variants(opened, source="two.csv")] == [["x", "y", "z"]]
        assert analytics.sources(opened) == {"one.csv": 2, "two.csv": 3}
        # both files use case "1": without a source they are one case
        assert [v["activities"] for v in analytics.variants(opened)] == [["a", "x", "b", "y", "z"]]


# --- a property: the SQL agrees with a plain reference on any log ------------------------------

OFFSETS = [dt.timezone(dt.timedelta(hours=h)) for h in (-5, 0, 1, 2)]
events = st.lists(
    st.tuples(
        st.sampled_from(["c1", "c2", "c3", "c4"]),
        st.sampled_from(["a", "b", "c", "d é", 'e,"f"']),
        st.integers(min_value=0, max_value=20),  # few distinct times: many ties
        st.sampled_from([0, 250_000, 500_000]),  # microseconds, so some stamps have a fraction
        st.sampled_from([*OFFSETS, None]),
    ),
    min_size=1,
    max_size=40,
)


def reference(
    log: list[tuple[str, str, dt.datetime]],
) -> tuple[Counter[tuple[str, ...]], Counter[tuple[str, str]], dict[tuple[str, str], float]]:
    """Variants, edge counts and median edge times the slow obvious way: sort by (case, UTC time, file order)."""
    ordered = sorted(range(len(log)), key=lambda i: (log[i][0], log[i][2], i))
    traces: dict[str, list[tuple[str, dt.datetime]]] = {}
    for i in ordered:
        traces.setdefault(log[i][0], []).append((log[i][1], log[i][2]))
    variants = Counter(tuple(a for a, _ in trace) for trace in traces.values())
    times: dict[tuple[str, str], list[float]] = {}
    for trace in traces.values():
        for (a, t1), (b, t2) in itertools.pairwise(trace):
            times.setdefault((a, b), []).append((t2 - t1).total_seconds())
    return (
        variants,
        Counter({edge: len(v) for edge, v in times.items()}),
        {e: statistics.median(v) for e, v in times.items()},
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(log=events)
def test_sql_agrees_with_a_plain_reference_on_any_log(
    tmp_path_factory: pytest.TempPathFactory, log: list[tuple[str, str, int, int, dt.tzinfo | None]]
) -> None:
    base = dt.datetime(2025, 3, 30, 0, 59, 50)
    rows, parsed = [], []
    for case, activity, second, micro, zone in log:
        naive = base + dt.timedelta(seconds=second, microseconds=micro)
        stamp = naive.replace(tzinfo=zone) if zone else naive
        rows.append((case, activity, stamp.isoformat()))
        parsed.append((case, activity, stamp if zone else naive.replace(tzinfo=dt.UTC)))
    found, graph = analyse(tmp_path_factory.mktemp("log"), rows)
    variants, counts, medians = reference(parsed)
    assert {tuple(v["activities"]): v["count"] for v in found} == variants
    assert {(e["source"], e["target"]): e["count"] for e in graph["edges"]} == counts
    assert {(e["source"], e["target"]): e["median_seconds"] for e in graph["edges"]} == pytest.approx(medians, abs=1e-6)
    assert [v["count"] for v in found] == sorted((v["count"] for v in found), reverse=True)
