"""Benchmark: load an event log, then its variants and directly-follows graph, cxframe against pm4py.

Generates an event log in pm4py's CSV layout (``case:concept:name``,
``concept:name``, ``time:timestamp``, ``org:resource``, ``channel``) — by
default 1,000,000 events over 100,000 cases of a customer journey, rows in
time order as a system would export them (so the cases interleave) — then
measures in one run, each step in its own process so that its peak RSS is its
own, its wall time (``seconds``) and its CPU time (``cpu_seconds``, steadier
than wall time on a shared machine):

* ``cxframe-load``: ``cxframe.collect`` through the ``event-csv`` collector
  into a fresh store;
* ``cxframe-variants`` and ``cxframe-dfg``: `cxframe_journey.analytics` over
  that store (SQL; best of three);
* ``cxframe-funnel`` (split by channel) and ``cxframe-painpoints``: the
  journey-map analytics of `cxframe_journey.overlay` over a five-stage map of
  the same activities (one run each, opening the programme included);
* ``cxframe-direct-load``, ``-variants`` and ``-dfg``: the direct file path
  (``cxframe journey variants|dfg LOG --no-store``): `cxframe_journey.read_log`
  reads the CSV once into memory, nothing stored, then ``EventLog.variants``
  and ``EventLog.dfg``. Like pm4py's steps, the variants and dfg steps load
  the log first; their time excludes the load, their peak RSS includes it;
* ``pm4py-load``: ``pandas.read_csv`` + ``pm4py.format_dataframe`` (parses the
  timestamps and sorts by case and time);
* ``pm4py-variants`` and ``pm4py-dfg``: ``pm4py.get_variants`` and
  ``pm4py.discover_performance_dfg`` (mean and median time per edge, like
  cxframe's DFG) on the loaded frame. pm4py works in memory, so these steps
  load the log first; their time excludes the load, their peak RSS includes it.

With ``--xes-events N`` (default 200,000; 0 leaves them out), the first cases
of the same log, cut to exactly N events, are also written as a plain XES file
(``xes/journey.xes``: trace ``concept:name`` and ``channel``; event
``concept:name``, ``org:resource`` and ``time:timestamp`` with a ``+01:00``
offset) and two more steps measure reading it:

* ``cxframe-xes-load``: ``cxframe.collect`` of a programme whose one source
  has ``collector = "xes"``, into a fresh store;
* ``pm4py-xes-load``: ``pm4py.read_xes`` (its default parser, to a data frame).

Every variant and edge count of both cxframe paths is compared with pm4py's at
the end (``agree``, ``agree-direct``), and those of the stored XES with
pm4py's of the same file (``agree-xes``; computed after each XES step's
measurement, untimed). ``ratios`` gives cxframe's time over pm4py's (wall and
CPU) for what a user waits for: collect + variants + dfg (the store path) and
read + variants + dfg (``--no-store``) against pm4py's load + variants + dfg,
and collect of the XES file against ``read_xes``.

Usage::

    python benchmarks/journey_log.py [--events 1000000 --cases 100000] [--xes-events 200000]
        [--out results/journey_log.json]

The data is generated from a fixed seed into ``benchmarks/data/journey/``
(ignored by git). pm4py (AGPL) is needed only to run its steps; leave them
out with ``--skip-pm4py``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.metadata
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent
CHANNELS = ["app", "web", "branch", "phone", "chat"]
#: A retail customer journey: activity → [(next activity, weight)]; "end" ends the case. Most
#: customers take the main path (10 events); detours, retries and support contacts make the tail.
END = "end"
JOURNEY: dict[str, list[tuple[str, int]]] = {
    "visit website": [("browse products", 90), ("search", 8), (END, 2)],
    "open app": [("browse products", 80), ("search", 20)],
    "search": [("view product", 85), ("browse products", 15)],
    "browse products": [("view product", 92), ("search", 5), (END, 3)],
    "view product": [("add to cart", 90), ("read reviews", 6), ("browse products", 4)],
    "read reviews": [("add to cart", 80), (END, 20)],
    "add to cart": [("checkout", 93), ("apply coupon", 5), (END, 2)],
    "apply coupon": [("checkout", 90), ("contact support", 10)],
    "checkout": [("pay by card", 70), ("pay by wallet", 25), ("payment failed", 5)],
    "payment failed": [("pay by card", 70), ("contact support", 20), (END, 10)],
    "pay by card": [("order confirmed", 1)],
    "pay by wallet": [("order confirmed", 1)],
    "order confirmed": [("shipped", 1)],
    "shipped": [("delivered", 95), ("delivery delayed", 5)],
    "delivery delayed": [("delivered", 70), ("contact support", 30)],
    "delivered": [("answer survey", 88), ("return requested", 4), ("contact support", 3), (END, 5)],
    "return requested": [("refund issued", 1)],
    "refund issued": [("answer survey", 60), (END, 40)],
    "contact support": [("ticket resolved", 80), ("contact support", 20)],
    "ticket resolved": [("answer survey", 50), (END, 50)],
    "answer survey": [(END, 1)],
}
STARTS = [("visit website", 70), ("open app", 30)]
#: Appended to a case that must grow to make the total come out exact.
FOLLOW_UP = ["contact support", "ticket resolved"]
HEADER = ["case:concept:name", "concept:name", "time:timestamp", "org:resource", "channel"]

#: The journey map over the same activities (touchpoint ids are the activity names), for the funnel and pain points.
STAGES = {
    "discover": ["visit website", "open app", "search", "browse products"],
    "decide": ["view product", "read reviews", "add to cart", "apply coupon"],
    "buy": ["checkout", "payment failed", "pay by card", "pay by wallet", "order confirmed"],
    "receive": ["shipped", "delivery delayed", "delivered"],
    "after": ["return requested", "refund issued", "contact support", "ticket resolved", "answer survey"],
}

PROGRAMME = """\
name = "Journey benchmark"

[[sources]]
id = "journey"
collector = "event-csv"
path = "journey.csv"

[sources.columns]
case = "case:concept:name"
activity = "concept:name"
timestamp = "time:timestamp"
resource = "org:resource"
channel = "channel"
"""


XES_PROGRAMME = """\
name = "Journey benchmark (XES)"

[[sources]]
id = "journey-xes"
collector = "xes"
path = "journey.xes"
"""

XES_HEAD = """\
<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="nested-attributes" openxes.version="1.0RC7">
  <string key="creator" value="cxframe benchmarks/journey_log.py"/>
  <extension name="Concept" prefix="concept" uri="http://code.deckfour.org/xes/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://code.deckfour.org/xes/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://code.deckfour.org/xes/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="name"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="name"/>
    <string key="org:resource" value="resource"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
"""


def _choose(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in options], weights=[weight for _, weight in options])[0]


def _walk(rng: random.Random) -> list[str]:
    path = [_choose(rng, STARTS)]
    while (step := _choose(rng, JOURNEY[path[-1]])) != END:
        path.append(step)
    return path


def _journeys(rng: random.Random, events: int, cases: int) -> list[list[str]]:
    """``cases`` walks through the journey, trimmed or extended at random to exactly ``events`` events."""
    paths = [_walk(rng) for _ in range(cases)]
    difference = events - sum(len(path) for path in paths)
    while difference > 0:
        path = paths[rng.randrange(cases)]
        path.append(FOLLOW_UP[len(path) % 2])
        difference -= 1
    while difference < 0:
        path = paths[rng.randrange(cases)]
        if len(path) > 1:
            path.pop()
            difference += 1
    return paths


def generate(folder: Path, events: int, cases: int, seed: int = 2026, xes_events: int = 0) -> Path:
    """Write the programme file and ``journey.csv``; return the CSV's path.

    With ``xes_events``, also write ``xes/journey.xes`` (and its programme): the
    first cases of the same log, the last one cut short, to exactly that many
    events (or all of them, if fewer).
    """
    folder.mkdir(parents=True, exist_ok=True)
    design = "".join(
        f'\n[[touchpoints]]\nid = "{tp}"\nname = "{tp.capitalize()}"\n' for tps in STAGES.values() for tp in tps
    )
    design += '\n[[journeys]]\nid = "buy"\nname = "Buy online"\n'
    design += "".join(
        f'\n[[journeys.stages]]\nid = "{stage}"\nname = "{stage.capitalize()}"\ntouchpoints = {json.dumps(tps)}\n'
        for stage, tps in STAGES.items()
    )
    (folder / "cxframe.toml").write_text(PROGRAMME + design, encoding="utf-8")
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    rows: list[tuple[int, int, str, str, str, str]] = []
    traces: list[tuple[str, str, list[tuple[int, str, str]]]] = []  # the XES file's cases, in case order
    for number, path in enumerate(_journeys(rng, events, cases)):
        case = f"C{number:07d}"
        channel = rng.choice(CHANNELS)
        when = rng.randrange(365 * 24 * 3600)
        # the XES file takes the cases in order until it has its events (every earlier case's are all in rows)
        wanted = xes_events - len(rows)
        trace: list[tuple[int, str, str]] = []
        if wanted > 0:
            traces.append((case, channel, trace))
        for activity in path:
            resource_name = f"agent-{rng.randrange(200):03d}" if activity == "contact support" else "system"
            if len(trace) < wanted:
                trace.append((when, activity, resource_name))
            rows.append((when, len(rows), case, activity, resource_name, channel))
            # minutes between clicks, days around delivery; a few events share a second
            if rng.random() >= 0.02:
                when += int(rng.expovariate(1 / (90 if rng.random() < 0.7 else 86400)))
    rows.sort()  # time order, as a system export would be: the cases interleave
    path = folder / "journey.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for when, _, case, activity, resource_name, channel in rows:
            stamp = (start + dt.timedelta(seconds=when)).strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.writerow([case, activity, stamp, resource_name, channel])
    if traces:
        (folder / "xes").mkdir(exist_ok=True)
        (folder / "xes" / "cxframe.toml").write_text(XES_PROGRAMME, encoding="utf-8")
        write_xes(folder / "xes" / "journey.xes", start, traces)
    return path


def write_xes(path: Path, start: dt.datetime, traces: list[tuple[str, str, list[tuple[int, str, str]]]]) -> None:
    """A plain XES file as process-mining tools export one (cf. ``running-example.xes``).

    Trace ``concept:name`` and ``channel``; event ``concept:name``,
    ``org:resource`` and ``time:timestamp``, written in Central European Time
    (``+01:00``) to the millisecond, so that the reader has to apply an offset.
    """
    offset = dt.timezone(dt.timedelta(hours=1))
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(XES_HEAD)
        for case, channel, trace in traces:
            handle.write(
                f'  <trace>\n    <string key="concept:name" value={quoteattr(case)}/>\n'
                f'    <string key="channel" value={quoteattr(channel)}/>\n'
            )
            for when, activity, resource_name in trace:
                stamp = (start + dt.timedelta(seconds=when)).astimezone(offset).isoformat(timespec="milliseconds")
                handle.write(
                    f'    <event>\n      <string key="concept:name" value={quoteattr(activity)}/>\n'
                    f'      <string key="org:resource" value={quoteattr(resource_name)}/>\n'
                    f'      <date key="time:timestamp" value="{stamp}"/>\n    </event>\n'
                )
            handle.write("  </trace>\n")
        handle.write("</log>\n")


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _save(folder: Path, name: str, counts: dict[str, int]) -> None:
    """Keep a step's full result so that the two sides can be compared exactly at the end."""
    (folder / f"{name}.json").write_text(json.dumps(counts, sort_keys=True), encoding="utf-8")


def _agree(folder: Path, side: str, step: str, reference: str = "pm4py") -> bool:
    ours, theirs = (json.loads((folder / f"{name}-{step}.json").read_text()) for name in (side, reference))
    return bool(ours == theirs)


def _save_variants(folder: Path, name: str, found: list[Any]) -> None:
    _save(folder, name, {json.dumps(v["activities"]): v["count"] for v in found})


def _save_dfg(folder: Path, name: str, graph: Any) -> None:
    _save(folder, name, {json.dumps([e["source"], e["target"]]): e["count"] for e in graph["edges"]})


def _best_of_three(work: Any) -> tuple[float, float, Any]:
    """``(wall seconds, CPU seconds, result)`` of the fastest of three runs."""
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(3):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = work()
        if time.perf_counter() - began < best:
            best, cpu = time.perf_counter() - began, time.process_time() - began_cpu
    return best, cpu, result


def _collect(programme: Path) -> dict[str, Any]:
    """``cxframe.collect`` of the programme's one source into a fresh store."""
    import cxframe

    for suffix in ("", "-wal", "-shm", "-journal"):
        (programme / f"cxframe.db{suffix}").unlink(missing_ok=True)
    began, began_cpu = time.perf_counter(), time.process_time()
    [summary] = cxframe.collect(programme)
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - began_cpu,
        "events": summary.records_stored,
        "events_per_second": summary.records_stored / seconds,
        "rows_rejected": summary.rows_rejected,
        "peak_rss_mb": _peak_rss_mb(),
    }


def step_cxframe_load(folder: Path) -> dict[str, Any]:
    return _collect(folder)


def step_cxframe_xes_load(folder: Path) -> dict[str, Any]:
    """Collect ``xes/journey.xes`` through the ``xes`` collector; then, untimed, its variants and DFG for ``agree``."""
    from cxframe import Store
    from cxframe_journey import analytics

    result = _collect(folder / "xes")
    with Store(folder / "xes" / "cxframe.db") as store:
        _save_variants(folder, "cxframe-xes-variants", analytics.variants(store))
        _save_dfg(folder, "cxframe-xes-dfg", analytics.dfg(store))
    return result


def step_cxframe_variants(folder: Path) -> dict[str, Any]:
    from cxframe import Store
    from cxframe_journey import analytics

    with Store(folder / "cxframe.db") as store:
        seconds, cpu, found = _best_of_three(lambda: analytics.variants(store))
    _save_variants(folder, "cxframe-variants", found)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "variants": len(found),
        "cases": sum(v["count"] for v in found),
        "top": found[0]["count"],
        "peak_rss_mb": _peak_rss_mb(),
    }


def step_cxframe_dfg(folder: Path) -> dict[str, Any]:
    from cxframe import Store
    from cxframe_journey import analytics

    with Store(folder / "cxframe.db") as store:
        seconds, cpu, graph = _best_of_three(lambda: analytics.dfg(store))
    _save_dfg(folder, "cxframe-dfg", graph)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "edges": len(graph["edges"]),
        "directly_follows": sum(e["count"] for e in graph["edges"]),
        "peak_rss_mb": _peak_rss_mb(),
    }


def step_cxframe_funnel(folder: Path) -> dict[str, Any]:
    import cxframe_journey

    began, began_cpu = time.perf_counter(), time.process_time()
    rows = cxframe_journey.funnel(folder, by="channel")
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - began_cpu,
        "rows": len(rows),
        "peak_rss_mb": _peak_rss_mb(),
    }


def step_cxframe_painpoints(folder: Path) -> dict[str, Any]:
    import cxframe_journey

    began, began_cpu = time.perf_counter(), time.process_time()
    ranked = cxframe_journey.painpoints(folder)
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - began_cpu,
        "touchpoints": len(ranked),
        "peak_rss_mb": _peak_rss_mb(),
    }


def step_cxframe_direct_load(folder: Path) -> dict[str, Any]:
    import cxframe_journey

    began, began_cpu = time.perf_counter(), time.process_time()
    log = cxframe_journey.read_log(folder / "journey.csv")
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - began_cpu,
        "events": len(log),
        "events_per_second": len(log) / seconds,
        "rows_rejected": log.summary.rows_rejected,
        "peak_rss_mb": _peak_rss_mb(),
    }


def step_cxframe_direct_variants(folder: Path) -> dict[str, Any]:
    import cxframe_journey

    log = cxframe_journey.read_log(folder / "journey.csv")
    seconds, cpu, found = _best_of_three(log.variants)
    _save_variants(folder, "cxframe-direct-variants", found)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "variants": len(found),
        "cases": sum(v["count"] for v in found),
        "top": found[0]["count"],
        "peak_rss_mb": _peak_rss_mb(),
    }


def step_cxframe_direct_dfg(folder: Path) -> dict[str, Any]:
    import cxframe_journey

    log = cxframe_journey.read_log(folder / "journey.csv")
    seconds, cpu, graph = _best_of_three(log.dfg)
    _save_dfg(folder, "cxframe-direct-dfg", graph)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "edges": len(graph["edges"]),
        "directly_follows": sum(e["count"] for e in graph["edges"]),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _pm4py_load(folder: Path) -> Any:
    import pandas as pd
    import pm4py

    frame = pd.read_csv(folder / "journey.csv")
    return pm4py.format_dataframe(frame)


def step_pm4py_load(folder: Path) -> dict[str, Any]:
    began, began_cpu = time.perf_counter(), time.process_time()
    frame = _pm4py_load(folder)
    seconds = time.perf_counter() - began
    cpu = time.process_time() - began_cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "events": len(frame), "peak_rss_mb": _peak_rss_mb()}


def step_pm4py_variants(folder: Path) -> dict[str, Any]:
    import pm4py

    frame = _pm4py_load(folder)
    seconds, cpu, found = _best_of_three(lambda: pm4py.get_variants(frame))
    _save(folder, "pm4py-variants", {json.dumps(list(v)): int(n) for v, n in found.items()})
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "variants": len(found),
        "cases": sum(found.values()),
        "top": max(found.values()),
        "peak_rss_mb": _peak_rss_mb(),
    }


def step_pm4py_dfg(folder: Path) -> dict[str, Any]:
    import pm4py

    frame = _pm4py_load(folder)
    seconds, cpu, (graph, _, _) = _best_of_three(lambda: pm4py.discover_performance_dfg(frame))
    counts, _, _ = pm4py.discover_dfg(frame)
    _save(folder, "pm4py-dfg", {json.dumps(list(edge)): int(n) for edge, n in counts.items()})
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "edges": len(graph),
        "directly_follows": sum(counts.values()),
        "peak_rss_mb": _peak_rss_mb(),
    }


def step_pm4py_xes_load(folder: Path) -> dict[str, Any]:
    """``pm4py.read_xes`` of ``xes/journey.xes``; then, untimed, its variants and DFG for ``agree``."""
    import pm4py
    from pm4py.util import constants

    began, began_cpu = time.perf_counter(), time.process_time()
    frame = pm4py.read_xes(str(folder / "xes" / "journey.xes"))
    seconds = time.perf_counter() - began
    result = {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - began_cpu,
        "events": len(frame),
        "events_per_second": len(frame) / seconds,
        "parser": constants.DEFAULT_XES_PARSER,
        "peak_rss_mb": _peak_rss_mb(),
    }
    _save(folder, "pm4py-xes-variants", {json.dumps(list(v)): int(n) for v, n in pm4py.get_variants(frame).items()})
    counts, _, _ = pm4py.discover_dfg(frame)
    _save(folder, "pm4py-xes-dfg", {json.dumps(list(edge)): int(n) for edge, n in counts.items()})
    return result


STEPS = {
    "cxframe-load": step_cxframe_load,
    "cxframe-variants": step_cxframe_variants,
    "cxframe-dfg": step_cxframe_dfg,
    # no pm4py counterpart: they read the journey map (one run each, with opening the programme)
    "cxframe-funnel": step_cxframe_funnel,
    "cxframe-painpoints": step_cxframe_painpoints,
    "cxframe-direct-load": step_cxframe_direct_load,
    "cxframe-direct-variants": step_cxframe_direct_variants,
    "cxframe-direct-dfg": step_cxframe_direct_dfg,
    "pm4py-load": step_pm4py_load,
    "pm4py-variants": step_pm4py_variants,
    "pm4py-dfg": step_pm4py_dfg,
    # the XES file (``--xes-events``): collect against pm4py.read_xes
    "cxframe-xes-load": step_cxframe_xes_load,
    "pm4py-xes-load": step_pm4py_xes_load,
}


def _ratio(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, float]:
    """cxframe's time over pm4py's (below 1: cxframe is faster), wall and CPU."""
    return {
        "seconds": ours["seconds"] / theirs["seconds"],
        "cpu_seconds": ours["cpu_seconds"] / theirs["cpu_seconds"],
    }


def run_step(name: str, folder: Path, *extra: str) -> dict[str, Any]:
    """Run one step in a fresh interpreter so its peak RSS is its own.

    Linux starts a child's ``ru_maxrss`` at its parent's peak, so the parent
    does nothing big itself (it does not even generate the data).
    """
    output = subprocess.run(
        [sys.executable, __file__, "--step", name, "--folder", str(folder), *extra],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, default=HERE / "data" / "journey")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    parser.add_argument("--skip-pm4py", action="store_true", help="measure cxframe only")
    parser.add_argument(
        "--xes-events",
        type=int,
        default=200_000,
        help="events of the XES file (the first cases of the log) for collect against pm4py.read_xes; 0 skips it",
    )
    parser.add_argument("--step", choices=["generate", *sorted(STEPS)], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "generate":
        began = time.perf_counter()
        path = generate(args.folder, args.events, args.cases, xes_events=args.xes_events)
        print(json.dumps({"seconds": time.perf_counter() - began, "file_mb": path.stat().st_size / 1e6}))
        return
    if args.step:
        print(json.dumps(STEPS[args.step](args.folder)))
        return
    if args.folder.exists():
        shutil.rmtree(args.folder)
    sizes = ["--events", str(args.events), "--cases", str(args.cases), "--xes-events", str(args.xes_events)]
    generated = run_step("generate", args.folder, *sizes)
    results: dict[str, Any] = {
        "events": args.events,
        "cases": args.cases,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "generate_seconds": generated["seconds"],
        "file_mb": generated["file_mb"],
        # a step's peak RSS cannot be below its parent's (Linux); this is that floor
        "parent_rss_mb": _peak_rss_mb(),
    }
    names = [
        name
        for name in STEPS
        if not (args.skip_pm4py and name.startswith("pm4py")) and not (args.xes_events <= 0 and "-xes-" in name)
    ]
    for name in names:
        results[name] = run_step(name, args.folder)
    # the sums compared in docs/performance.md: what a user waits for, load + variants + dfg
    for side in ("cxframe", "cxframe-direct", "pm4py"):
        if f"{side}-load" in results:
            steps = [results[f"{side}-{step}"] for step in ("load", "variants", "dfg")]
            results[f"{side}-total"] = {
                "seconds": sum(step["seconds"] for step in steps),
                "cpu_seconds": sum(step["cpu_seconds"] for step in steps),
            }
    # a busy machine stretches wall time; the load average says how busy it was
    results["load_average"] = os.getloadavg()
    if not args.skip_pm4py:
        results["pm4py_version"] = importlib.metadata.version("pm4py")
        # what a user waits for on each side (below 1: cxframe is faster)
        results["ratios"] = {
            "store collect+variants+dfg / pm4py load+variants+dfg": _ratio(
                results["cxframe-total"], results["pm4py-total"]
            ),
            "no-store read+variants+dfg / pm4py load+variants+dfg": _ratio(
                results["cxframe-direct-total"], results["pm4py-total"]
            ),
        }
        if "cxframe-xes-load" in results:
            results["ratios"]["xes collect / pm4py read_xes"] = _ratio(
                results["cxframe-xes-load"], results["pm4py-xes-load"]
            )
        # every variant and every edge with the same count on both sides
        sides = ["cxframe", "cxframe-direct", *(["cxframe-xes"] if "cxframe-xes-load" in results else [])]
        for side in sides:
            reference = "pm4py-xes" if side == "cxframe-xes" else "pm4py"
            key = "agree" + side.removeprefix("cxframe")
            results[key] = {step: _agree(args.folder, side, step, reference) for step in ("variants", "dfg")}
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
