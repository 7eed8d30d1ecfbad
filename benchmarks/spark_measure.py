"""Benchmark: NPS by month × region on SQLite and on Spark (local), and how Spark's plan grows with the data.

Generates a programme whose store holds ``--rows`` NPS answers (default ten
million; one answer per response, 8 regions, 24 months, deterministic
pseudo-random scores: a multiplicative hash of the row number, so every run
writes the same store), then, each command in its own process (its peak RSS
its own):

* ``sqlite``: ``cxframe measure --metric nps --by region --period month --json``;
* ``export``: ``cxframe export --format parquet DIR`` (rows and peak RSS: the
  export is written in chunks, so its memory does not grow with the rows);
* ``spark``: the same measure with ``--engine spark --parquet DIR --master
  local[*]``: the whole command, the JVM's start included (its peak RSS is
  the Python process's: the JVM's heap is Spark's ``spark.driver.memory``);

and, in this process on one Spark session, the plan at growing sizes: the
first 1, 2 and all files of the export (``FILE_ROWS`` rows each), measured
warm, with the scan's input partitions, the shuffle partitions Spark ran
(adaptive execution coalesces the configured ones), and the bytes read and
shuffled (from Spark's monitoring REST API, stage by stage). The two outputs
must be equal (checked here).

Usage::

    python benchmarks/spark_measure.py --rows 10000000 [--folder benchmarks/data/spark] [--out benchmarks/results/spark_measure.json]

Needs ``pip install -e ".[spark]"`` and Java 17. The output has the core count
and the 1-minute load average before and after each step: other work on a
shared machine slows both engines.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REGIONS = ["North", "South", "East", "West", "Central", "Islands", "Capital", "Border"]
START = 1704067200  # 2024-01-01T00:00:00Z
SPAN = 730 * 86400  # 24 months (2024 is a leap year: 731 days; the last hours fall on 2025-12-31)
MEASURE = ["measure", "--metric", "nps", "--by", "region", "--period", "month", "--json"]


def generate(folder: Path, rows: int) -> Path:
    """The programme folder, its store holding ``rows`` NPS answers (made in SQL: no Python per row)."""
    programme = folder / "programme"
    if programme.exists():
        shutil.rmtree(programme)
    programme.mkdir(parents=True)
    (programme / "cxframe.toml").write_text('name = "Spark benchmark"\n', encoding="utf-8")
    sys.path.insert(0, str(HERE.parent))
    from cxframe.store._sqlite import Store

    with Store(programme / "cxframe.db") as store, store.db.atomic():
        store.ensure_segment_columns(["region"])
    regions = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(REGIONS))
    db = sqlite3.connect(programme / "cxframe.db")
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    # Knuth's multiplicative hash of the row number: the same "random" store on every run
    hashed = "((i * 2654435761) % 4294967296)"
    db.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO responses (id, key, ingest_id, source, timestamp, population, region) "
        f"SELECT i, 'bench|' || i, 1, 'bench', "
        f"strftime('%Y-%m-%dT%H:%M:%S.000000Z', {START} + ({hashed} % {SPAN}), 'unixepoch'), 'customer', "
        f"CASE ({hashed} / 7) % {len(REGIONS)} {regions} END FROM n",
        [rows],
    )
    # scores skewed like real NPS answers: more 8–10 than 0–3
    db.execute(
        "INSERT INTO answers (question, response, value, scale_min, scale_max, ingest_id) "
        "SELECT 'nps', id, CASE WHEN x < 30 THEN x % 7 WHEN x < 55 THEN 7 + x % 2 ELSE 9 + x % 2 END, 0, 10, 1 "
        "FROM (SELECT id, (((id * 2246822519) % 4294967296) / 13) % 100 AS x FROM responses)"
    )
    db.commit()
    db.close()
    return programme


def load() -> float:
    return round(os.getloadavg()[0], 2)


def command(programme: Path, arguments: list[str]) -> dict[str, Any]:
    """Run ``cxframe -C programme ARGUMENTS`` in its own process: wall time, peak RSS, load, stdout."""
    before = load()
    started = time.perf_counter()
    cli = Path(sys.executable).parent / "cxframe"
    # a wrapper process runs the command: its children's peak RSS is then this command's own (the JVM included)
    wrapper = (
        "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
        "print('peak-rss-kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
        "sys.exit(code)"
    )
    found = subprocess.run(
        [sys.executable, "-c", wrapper, str(cli), "-C", str(programme), *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if found.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{found.stderr}")
    peak = int(found.stderr.rsplit("peak-rss-kb", 1)[1].split()[0]) / 1024
    stdout = found.stdout
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak, 1),
        "load_before": before,
        "load_after": load(),
        "stdout": stdout,
    }


def stage_figures(session: Any, since: int) -> dict[str, Any]:
    """Input and shuffle bytes of the stages after ``since``, from Spark's REST API."""
    url = session.sparkContext.uiWebUrl
    app = session.sparkContext.applicationId
    with urllib.request.urlopen(f"{url}/api/v1/applications/{app}/stages?status=complete") as answer:
        stages = [s for s in json.load(answer) if s["stageId"] > since]
    return {
        "stages": len(stages),
        "tasks": sum(s["numTasks"] for s in stages),
        "input_mb": round(sum(s["inputBytes"] for s in stages) / 2**20, 1),
        "shuffle_write_kb": round(sum(s["shuffleWriteBytes"] for s in stages) / 1024, 1),
        "shuffle_read_kb": round(sum(s["shuffleReadBytes"] for s in stages) / 1024, 1),
        "shuffle_tasks": [s["numTasks"] for s in stages if s["shuffleReadBytes"] > 0],
    }


def last_stage(session: Any) -> int:
    url = session.sparkContext.uiWebUrl
    app = session.sparkContext.applicationId
    with urllib.request.urlopen(f"{url}/api/v1/applications/{app}/stages") as answer:
        return max((s["stageId"] for s in json.load(answer)), default=-1)


def scaling(programme: Path, export: Path, folder: Path) -> list[dict[str, Any]]:
    """The measure on the first 1, 2 … files of the export, warm, on one session: time and plan figures."""
    sys.path.insert(0, str(HERE.parent))
    import cxframe
    from cxframe.measurement._spark import spark_session

    files = sorted((export / "observations").glob("*.parquet"))
    counts = sorted({1, min(2, len(files)), len(files)})
    session = spark_session("local[*]")
    with cxframe.open_programme(programme) as opened:
        nps = opened.registry.metrics.get("nps")
    figures = []
    for count in counts:
        subset = folder / f"subset-{count}" / "observations"
        if subset.parent.exists():
            shutil.rmtree(subset.parent)
        subset.mkdir(parents=True)
        for file in files[:count]:
            (subset / file.name).symlink_to(file.resolve())
        engine = cxframe.SparkEngine(subset.parent, session=session)
        rows = engine.rows("SELECT COUNT(*) FROM observations")[0][0]
        partitions = engine.frame("observations").rdd.getNumPartitions()
        cxframe.compute_metric(engine, nps, by=["region"], period=cxframe.Period.MONTH)  # warm up
        since = last_stage(session)
        before = load()
        started = time.perf_counter()
        results = cxframe.compute_metric(engine, nps, by=["region"], period=cxframe.Period.MONTH)
        seconds = time.perf_counter() - started
        figures.append(
            {
                "rows": rows,
                "files": count,
                "input_partitions": partitions,
                "shuffle_partitions_configured": int(session.conf.get("spark.sql.shuffle.partitions")),
                "groups": len(results),
                "seconds_warm": round(seconds, 2),
                "load_before": before,
                **stage_figures(session, since),
            }
        )
    return figures


def same(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> bool:
    def close(a: Any, b: Any) -> bool:
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9)
        return bool(a == b)

    return len(left) == len(right) and all(
        a.keys() == b.keys() and all(close(a[k], b[k]) for k in a) for a, b in zip(left, right, strict=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--folder", type=Path, default=HERE / "data" / "spark")
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    folder: Path = arguments.folder
    folder.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"rows": arguments.rows, "cores": os.cpu_count(), "load_start": load()}
    started = time.perf_counter()
    programme = generate(folder, arguments.rows)
    result["generate_seconds"] = round(time.perf_counter() - started, 2)
    sqlite = command(programme, MEASURE)
    export = folder / "export"
    exported = command(programme, ["export", "--format", "parquet", str(export), "--force", "--json"])
    spark = command(programme, [*MEASURE, "--engine", "spark", "--parquet", str(export), "--master", "local[*]"])
    left, right = json.loads(sqlite.pop("stdout")), json.loads(spark.pop("stdout"))
    result["groups"] = len(left)
    result["identical"] = same(left, right)
    result["sqlite"] = sqlite
    rows_written = json.loads(exported.pop("stdout"))["rows"]
    result["export"] = {**exported, "rows": rows_written}
    # the JVM is pyspark's child, which it does not wait for: the RSS is the Python driver's alone
    spark["peak_rss_mb_python_only"] = spark.pop("peak_rss_mb")
    result["spark"] = spark
    result["export"]["parquet_mb"] = round(
        sum(f.stat().st_size for f in (export / "observations").glob("*.parquet")) / 2**20, 1
    )
    result["ratio_spark_to_sqlite"] = round(spark["seconds"] / sqlite["seconds"], 2)
    result["scaling"] = scaling(programme, export, folder)
    result["load_end"] = load()
    text = json.dumps(result, indent=2)
    print(text)
    if arguments.out:
        arguments.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
