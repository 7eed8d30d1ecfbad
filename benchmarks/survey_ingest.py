"""Benchmark: survey ingest and NPS measurement at a million responses.

Generates a survey export (12 columns: response and customer ids, timestamp,
region, product, channel, touchpoint, journey stage, NPS 0–10, CSAT 1–5,
a free-text comment with CJK text, commas and quotes, and a survey weight),
then measures in one run, each step in its own process so that peak RSS is
that step's own:

* ``reference``: plain ``csv`` → ``sqlite3.executemany`` into one wide table;
* ``ingest``: ``cxframe collect`` through the ``survey-csv`` collector;
* ``measure``: NPS by month × region with intervals, against a bare
  ``SELECT … GROUP BY`` aggregate over the same table.

Usage::

    python benchmarks/survey_ingest.py --rows 1000000 [--out benchmarks/results/survey_ingest.json]

Each step reports wall and CPU time; the output also has the core count, the
1-minute load average before and after each step, and the ingest's wall and
CPU time as multiples of the reference's (the fair comparison on a shared
machine, whose speed varies from run to run). A large file is read in a second
process (`cxframe.background`): the ingest's ``reader_cpu_seconds`` and
``reader_peak_rss_mb`` are that process's; its RSS counts the pages it shares
with the store's process (the interpreter and imports) once more, so
``peak_pss_mb_both`` gives the two together with shared pages counted once.

The data is generated from a fixed seed into ``benchmarks/data/`` (ignored by git).
"""

from __future__ import annotations

import argparse
import compileall
import csv
import datetime as dt
import importlib.util
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGIONS = ["North", "South", "East", "West", "Central"]
PRODUCTS = ["current account", "savings", "mortgage", "credit card", "loan", "insurance"]
CHANNELS = ["app", "web", "branch", "phone", "chat"]
TOUCHPOINTS = ["onboarding", "login", "payment", "support-call", "branch-visit", "statement", "complaint"]
STAGES = ["awareness", "consideration", "decision", "retention", "advocacy"]
COMMENTS = [
    "",
    "",
    "",
    "Quick, easy, friendly",
    'The "instant" transfer took two days, again',
    "服务很好，但是等待时间太长了",
    "App crashed at login; had to call, then wait 20 minutes",
    "スタッフがとても親切でした",
    "Fine",
]

PROGRAMME = """\
name = "Benchmark programme"

[[sources]]
id = "survey"
collector = "survey-csv"
path = "survey.csv"

[sources.columns]
response_id = "response_id"
respondent_id = "customer_id"
timestamp = "submitted_at"
touchpoint = "touchpoint"
channel = "channel"
comment = "comment"
weight = "weight"
segments = ["region", "product", "stage"]

[sources.columns.questions]
nps = "nps"
csat = "csat"
"""


def generate(folder: Path, rows: int, seed: int = 2026) -> Path:
    """Write the programme file and ``survey.csv`` with ``rows`` responses."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cxframe.toml").write_text(PROGRAMME, encoding="utf-8")
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    span = 365 * 24 * 3600
    path = folder / "survey.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "response_id",
                "customer_id",
                "submitted_at",
                "region",
                "product",
                "channel",
                "touchpoint",
                "stage",
                "nps",
                "csat",
                "comment",
                "weight",
            ]
        )
        for number in range(rows):
            region = rng.randrange(len(REGIONS))
            nps = max(0, min(10, round(rng.gauss(7.2 + 0.3 * region, 2.2))))
            submitted = start + dt.timedelta(seconds=rng.randrange(span))
            writer.writerow(
                [
                    f"R{number:08d}",
                    f"C{rng.randrange(400_000):06d}",
                    submitted.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    REGIONS[region],
                    rng.choice(PRODUCTS),
                    rng.choice(CHANNELS),
                    rng.choice(TOUCHPOINTS),
                    rng.choice(STAGES),
                    nps,
                    max(1, min(5, round(nps / 2.2 + rng.gauss(0.5, 0.7)))),
                    rng.choice(COMMENTS),
                    f"{rng.uniform(0.5, 2.0):.3f}",
                ]
            )
    return path


def _cpu_seconds() -> float:
    """User + system CPU time of this process: fairer than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children() -> tuple[float, float]:
    """CPU seconds and peak RSS (MB) of the step's finished child processes (the ingest's reading process)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def step_reference(folder: Path) -> dict[str, float]:
    database = folder / "reference.db"
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute(f"CREATE TABLE responses ({', '.join(f'c{i}' for i in range(12))})")
    began = time.perf_counter()
    with (folder / "survey.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        connection.execute("BEGIN")
        connection.executemany(f"INSERT INTO responses VALUES ({', '.join('?' * 12)})", reader)
        connection.execute("COMMIT")
    seconds = time.perf_counter() - began
    rows = connection.execute("SELECT COUNT(*) FROM responses").fetchone()[0]
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds(),
        "rows": rows,
        "rows_per_second": rows / seconds,
        "peak_rss_mb": _peak_rss_mb(),
    }


class _PssSampler(threading.Thread):
    """Peak proportional set size (MB) of this process and its children together, sampled every 0.1 s (Linux).

    RSS counts the pages a forked child shares with its parent in both; PSS
    splits shared pages between them, so the sum is the memory they use.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.stopped = threading.Event()

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
                return next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
        except OSError:
            return 0

    def run(self) -> None:
        me = os.getpid()
        while not self.stopped.wait(0.1):
            children = []
            try:
                with open(f"/proc/{me}/task/{me}/children", encoding="ascii") as listing:
                    children = [int(pid) for pid in listing.read().split()]
            except OSError:
                pass
            total = sum(self._pss_kb(pid) for pid in [me, *children])
            self.peak = max(self.peak, total / 1024)


def step_ingest(folder: Path) -> dict[str, float]:
    import cxframe

    for suffix in ("", "-wal", "-shm"):
        (folder / f"cxframe.db{suffix}").unlink(missing_ok=True)
    sampler = _PssSampler()
    sampler.start()
    began = time.perf_counter()
    [summary] = cxframe.collect(folder)
    seconds = time.perf_counter() - began
    sampler.stopped.set()
    sampler.join()
    child_cpu, child_rss = _children()
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds(),
        # the process that reads and converts the file beside the store's process (two cores)
        "reader_cpu_seconds": child_cpu,
        "rows": summary.rows_read,
        "rows_per_second": summary.rows_read / seconds,
        "records_stored": summary.records_stored,
        "rows_rejected": summary.rows_rejected,
        "peak_rss_mb": _peak_rss_mb(),
        "reader_peak_rss_mb": child_rss,
        # both processes together, shared pages counted once (0 where /proc is missing)
        "peak_pss_mb_both": sampler.peak,
    }


def step_measure(folder: Path) -> dict[str, float]:
    from cxframe.api import open_programme
    from cxframe.engine import Period, SQLiteEngine, compute_metric

    with open_programme(folder) as opened:
        engine = SQLiteEngine(opened.store)
        nps = opened.registry.metrics.get("nps")
        db = opened.store.db
        month = SQLiteEngine.period_sql(Period.MONTH)
        bare_sql = (
            f"SELECT region, {month} AS period, COUNT(*), "
            "SUM(CASE WHEN value >= 9 THEN 1.0 WHEN value <= 6 THEN -1.0 ELSE 0.0 END) "
            "FROM observations WHERE question = 'nps' GROUP BY region, period"
        )
        timings: dict[str, list[float]] = {"bare": [], "measure": []}
        for _ in range(3):  # best of three, alternating, so that caches favour neither
            began = time.perf_counter()
            groups = db.execute(bare_sql).fetchall()
            timings["bare"].append(time.perf_counter() - began)
            began = time.perf_counter()
            results = compute_metric(engine, nps, by=["region"], period=Period.MONTH)
            timings["measure"].append(time.perf_counter() - began)
        bare, measured = min(timings["bare"]), min(timings["measure"])
        return {
            "bare_seconds": bare,
            "measure_seconds": measured,
            "ratio": measured / bare,
            "groups": len(groups),
            "results": len(results),
            "peak_rss_mb": _peak_rss_mb(),
        }


STEPS = {"reference": step_reference, "ingest": step_ingest, "measure": step_measure}


def run_step(name: str, folder: Path) -> dict[str, float]:
    """Run one step in a fresh interpreter so its peak RSS is its own."""
    output = subprocess.run(
        [sys.executable, __file__, "--step", name, "--folder", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def compile_packages() -> None:
    """Write cxframe's and the built-in plugins' bytecode, as installing a package does.

    Why: where the environment keeps Python from writing bytecode
    (``PYTHONDONTWRITEBYTECODE``, set on the development machine), each step
    compiled those modules again, ~0.15 s of the ingest's time.
    """
    for package in ("cxframe", "cxframe_nps", "cxframe_journey", "cxframe_employee"):
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=HERE / "data" / "survey")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args.folder)))
        return
    if args.folder.exists():
        shutil.rmtree(args.folder)
    compile_packages()
    began = time.perf_counter()
    generate(args.folder, args.rows)
    generated = time.perf_counter() - began
    results = {
        "rows": args.rows,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "generate_seconds": generated,
        "file_mb": (args.folder / "survey.csv").stat().st_size / 1e6,
    }
    # the machine may be shared: record how loaded it was, and compare CPU time with the reference's
    load = {"before": os.getloadavg()[0]}
    for name in ("reference", "ingest", "measure"):
        results[name] = run_step(name, args.folder)
        load[f"after_{name}"] = os.getloadavg()[0]
    results["load_average_1min"] = load
    ingest, reference = results["ingest"], results["reference"]
    # the ingest's CPU is both of its processes' (the store's and the one reading the file)
    results["ingest_cpu_per_reference_cpu"] = (ingest["cpu_seconds"] + ingest["reader_cpu_seconds"]) / reference[
        "cpu_seconds"
    ]
    results["ingest_seconds_per_reference_seconds"] = ingest["seconds"] / reference["seconds"]
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
