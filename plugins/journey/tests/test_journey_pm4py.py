"""cxframe-journey agrees with pm4py, the process-mining reference, on real and generated logs.

pm4py (AGPL) is a test-only dependency: it is imported here and nowhere in
the plugin. Every expected value below is computed by pm4py's own API on the
same file (``read_xes`` or ``pandas.read_csv``, then ``format_dataframe``,
which sorts the events by case, time and file order), never typed in. Both
cxframe paths are checked: the store path (collect, then SQL) and the direct
file path (`read_log`, nothing stored).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from journey_support import FIXTURES, collect, collected, eventlog, programme, store

from cxframe_journey import analytics, read_log

pm4py = pytest.importorskip("pm4py", reason="pm4py (test-only reference) is not installed")
pd = pytest.importorskip("pandas")

pytestmark = pytest.mark.filterwarnings("ignore:Install the optional requirement:UserWarning")

LOGS = ["running-example.xes", "roadtraffic100traces.xes", "helpdesk.xes.gz", "receipt.csv"]
PM4PY_CSV_TYPES = {"case:concept:name": str, "concept:name": str}


def pm4py_results(path: Path) -> dict[str, Any]:
    """Variants, DFG, start/end activities and edge times, as pm4py computes them."""
    if path.name.endswith(".csv"):
        frame = pd.read_csv(path, dtype=PM4PY_CSV_TYPES)
    else:
        # pm4py's own XES parser (its default when lxml is absent): 3x faster than the lxml one here
        frame = pm4py.read_xes(str(path), variant="chunk_regex")
    frame = pm4py.format_dataframe(frame)
    counts, start, end = pm4py.discover_dfg(frame)
    performance, _, _ = pm4py.discover_performance_dfg(frame)
    return {
        "variants": {tuple(path): int(count) for path, count in pm4py.get_variants(frame).items()},
        "dfg": {edge: int(count) for edge, count in counts.items()},
        "start": {activity: int(count) for activity, count in start.items()},
        "end": {activity: int(count) for activity, count in end.items()},
        "mean": {edge: float(stats["mean"]) for edge, stats in performance.items()},
        "median": {edge: float(stats["median"]) for edge, stats in performance.items()},
    }


def cxframe_results(root: Path, source: str | None) -> dict[str, Any]:
    with store(root) as opened:
        return results(analytics.variants(opened, source=source), analytics.dfg(opened, source=source))


def direct_results(path: Path) -> dict[str, Any]:
    """The direct file path (`read_log`, nothing stored) on the same file."""
    log = read_log(path)
    return results(log.variants(), log.dfg())


def results(variants: list[analytics.Variant], graph: analytics.DirectlyFollows) -> dict[str, Any]:
    edges = {(e["source"], e["target"]): e for e in graph["edges"]}
    return {
        # the public JSON itself, so that the two cxframe paths can be compared to the last bit
        "json": json.dumps([variants, graph]),
        "variants": {tuple(v["activities"]): v["count"] for v in variants},
        "shares": [v["share"] for v in variants],
        "dfg": {edge: e["count"] for edge, e in edges.items()},
        "start": graph["start"],
        "end": graph["end"],
        "mean": {edge: e["mean_seconds"] for edge, e in edges.items()},
        "median": {edge: e["median_seconds"] for edge, e in edges.items()},
    }


def assert_agree(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    for key in ("variants", "dfg", "start", "end"):
        assert ours[key] == theirs[key], key
    # times: pm4py in pandas nanoseconds, cxframe in integer microseconds
    for key in ("mean", "median"):
        assert ours[key] == pytest.approx(theirs[key], rel=1e-9, abs=1e-6), key


@pytest.fixture(scope="module", params=LOGS)
def real_log(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    name: str = request.param
    root, selection = collected(name)
    yield name, cxframe_results(root, selection.source), pm4py_results(eventlog(name))


@pytest.mark.parametrize("name", LOGS)
def test_the_direct_path_equals_pm4py_and_the_store_path_on_real_logs(name: str) -> None:
    root, selection = collected(name)
    stored = cxframe_results(root, selection.source)
    direct = direct_results(eventlog(name))
    assert_agree(direct, pm4py_results(eventlog(name)))
    # and the very same JSON as the store path (order, shares, floats to the last bit)
    assert direct["json"] == stored["json"]


def test_variants_equal_pm4py(real_log: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
    _, ours, theirs = real_log
    assert ours["variants"] == theirs["variants"]
    cases = sum(theirs["variants"].values())
    assert sum(ours["shares"]) == pytest.approx(1.0)
    assert sorted(ours["variants"].values(), reverse=True) == list(ours["variants"].values())
    assert ours["shares"][0] == max(theirs["variants"].values()) / cases


def test_directly_follows_counts_starts_and_ends_equal_pm4py(
    real_log: tuple[str, dict[str, Any], dict[str, Any]],
) -> None:
    _, ours, theirs = real_log
    assert ours["dfg"] == theirs["dfg"]
    assert ours["start"] == theirs["start"]
    assert ours["end"] == theirs["end"]


def test_edge_times_equal_pm4py(real_log: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
    _, ours, theirs = real_log
    assert ours["mean"] == pytest.approx(theirs["mean"], rel=1e-9, abs=1e-6)
    assert ours["median"] == pytest.approx(theirs["median"], rel=1e-9, abs=1e-6)


def test_shuffled_receipt_rows_give_the_same_result_as_pm4py_and_as_the_original(tmp_path: Path) -> None:
    root, selection = collected("receipt.csv")
    original = cxframe_results(root, selection.source)
    lines = eventlog("receipt.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    body = lines[1:]
    random.Random(546).shuffle(body)  # pm4py issue 546: variants of unsorted frames
    shuffled = tmp_path / "receipt-shuffled.csv"
    shuffled.write_text("".join([lines[0], *body]), encoding="utf-8")
    other = programme(tmp_path / "p")
    ours = cxframe_results(other, collect(other, shuffled).source)
    assert_agree(ours, pm4py_results(shuffled))
    assert direct_results(shuffled)["json"] == ours["json"]
    # receipt has no two events of a case at the same time, so file order cannot matter
    for key in ("variants", "dfg", "start", "end", "median"):
        assert ours[key] == original[key]


def test_lifecycle_default_matches_pm4py_which_keeps_every_transition(tmp_path: Path) -> None:
    root = programme(tmp_path / "p")
    ours = cxframe_results(root, collect(root, FIXTURES / "lifecycle.xes").source)
    assert_agree(ours, pm4py_results(FIXTURES / "lifecycle.xes"))
    assert direct_results(FIXTURES / "lifecycle.xes")["json"] == ours["json"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_logs_with_ties_and_mixed_offsets_agree_with_pm4py(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    base = dt.datetime(2025, 3, 30, 0, 0, tzinfo=dt.UTC)
    rows = []
    for _ in range(400):
        moment = base + dt.timedelta(minutes=rng.randrange(40), microseconds=rng.choice([0, 0, 500_000]))
        zone = dt.timezone(dt.timedelta(hours=rng.choice([-5, 0, 1, 2])))
        rows.append([f"case {rng.randrange(40)}", rng.choice("ABCDE"), moment.astimezone(zone).isoformat()])
    path = tmp_path / "generated.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["case:concept:name", "concept:name", "time:timestamp"], *rows])
    root = programme(tmp_path / "p")
    ours = cxframe_results(root, collect(root, path).source)
    assert_agree(ours, pm4py_results(path))
    assert direct_results(path)["json"] == ours["json"]
