"""Benchmark: ways of summing NPS answers' respondent clusters per month × region in one SQLite store.

The clustered ``measure`` needs, per group, sums over its respondent clusters
(``Σ W_c²``, ``Σ W_c·A_c``, ``Σ A_c²``; `cxframe.measurement._clusters`).
SQLite sorts for every ``GROUP BY`` and has no hash aggregate, so this
script times the ways there are of getting those sums, against the bare
``GROUP BY`` of ``survey_ingest.py --step measure``, each way the best of
``--repeat`` runs in this one process, alternating, in wall and in CPU
seconds:

* ``bare``: the benchmark's bare query (count and NPS sum per group);
* ``carried``: the one-pass query with the respondent, response, weight and
  value carried through its sort (what every clustered way starts from);
* ``noop_aggregate``: the same with a Python aggregate function of four
  arguments that does nothing: the least any Python aggregate costs;
* ``python_aggregate``: the same with the engine's real aggregate (what
  ``measure`` runs now);
* ``group_concat_arrow``: each group's respondents, weights and values
  joined by ``group_concat`` and grouped by pyarrow's hash aggregate;
* ``fetch_arrow``: every answer fetched into Python and grouped by pyarrow.

The three ways that compute the sums must agree (``agree``). Needs a
collected store: ``survey_ingest.py`` leaves one in
``benchmarks/data/survey/``; with ``--rows`` this script generates and
collects its own first.

Usage::

    python benchmarks/cluster_ways.py [--folder benchmarks/data/survey] [--rows N] [--repeat 2] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cxframe.contracts._records import Period
from cxframe.measurement._clusters import register, unpack
from cxframe.measurement._engine import SQLiteEngine

HERE = Path(__file__).resolve().parent
SCORE = "CASE WHEN value >= 9 THEN 1.0 WHEN value <= 6 THEN -1.0 ELSE 0.0 END"
#: per group: Σ W_c·A_c, Σ A_c², Σ W_c², clusters
Sums = dict[tuple[Any, Any], tuple[float, float, float, int]]


class _Nothing:
    """An aggregate function that takes each answer and does nothing with it."""

    def step(self, respondent: object, response: object, weight: float, value: float) -> None:
        pass

    def finalize(self) -> int:
        return 0


def _queries() -> dict[str, str]:
    month = SQLiteEngine.period_sql(Period.MONTH)
    rows = (
        f"SELECT region, {month} AS period, respondent_id AS r, response AS u, COALESCE(weight, 1.0) AS w, "
        f"{SCORE} AS x FROM observations WHERE question = 'nps'"
    )
    one_pass = f"SELECT region, period, COUNT(*), SUM(w), SUM(w * x), {{}} FROM ({rows}) GROUP BY region, period"
    return {
        "bare": f"SELECT region, {month} AS period, COUNT(*), SUM({SCORE}) FROM observations "
        "WHERE question = 'nps' GROUP BY region, period",
        "carried": one_pass.format("MIN(r), MIN(u)"),
        "noop_aggregate": one_pass.format("cx_nothing(r, u, w, x)"),
        "python_aggregate": one_pass.format("cx_respondent_clusters(r, u, w, x)"),
        "group_concat_arrow": one_pass.format(
            "group_concat(coalesce('r' || r, 'u' || u), char(31)), group_concat(printf('%!.17g', w), ','), "
            "group_concat(printf('%!.17g', w * x), ',')"
        ),
        "fetch_arrow": f"SELECT region, period, coalesce('r' || r, 'u' || u), w, w * x FROM ({rows})",
    }


def _cluster_sums(keys: pa.Array, weights: pa.Array, values: pa.Array) -> tuple[float, float, float, int]:
    clusters = pa.table({"k": keys, "w": weights, "a": values}).group_by("k").aggregate([("w", "sum"), ("a", "sum")])
    w, a = clusters["w_sum"], clusters["a_sum"]
    return (
        pc.sum(pc.multiply(w, a)).as_py(),
        pc.sum(pc.multiply(a, a)).as_py(),
        pc.sum(pc.multiply(w, w)).as_py(),
        clusters.num_rows,
    )


def _from_aggregate(rows: list[tuple[Any, ...]]) -> Sums:
    found: Sums = {}
    for row in rows:
        w_a, a_a, clusters, w_w, _, _ = unpack(row[5])
        found[row[0], row[1]] = (w_a, a_a, w_w, int(clusters))
    return found


def _from_concatenated(rows: list[tuple[Any, ...]]) -> Sums:
    as_numbers: Callable[[str], pa.Array] = lambda text: pc.cast(pa.array(text.split(",")), pa.float64())  # noqa: E731
    return {
        (row[0], row[1]): _cluster_sums(pa.array(row[5].split("\x1f")), as_numbers(row[6]), as_numbers(row[7]))
        for row in rows
    }


def _from_fetched(rows: list[tuple[Any, ...]]) -> Sums:
    region, period, key, weight, value = (list(column) for column in zip(*rows, strict=True))
    table = pa.table({"g": region, "p": period, "k": key, "w": pa.array(weight, pa.float64())})
    table = table.append_column("a", pa.array(value, pa.float64()))
    clusters = table.group_by(["g", "p", "k"]).aggregate([("w", "sum"), ("a", "sum")])
    w, a = clusters["w_sum"], clusters["a_sum"]
    clusters = clusters.append_column("wa", pc.multiply(w, a)).append_column("aa", pc.multiply(a, a))
    clusters = clusters.append_column("ww", pc.multiply(w, w))
    groups = clusters.group_by(["g", "p"]).aggregate([("wa", "sum"), ("aa", "sum"), ("ww", "sum"), ("k", "count")])
    return {(g["g"], g["p"]): (g["wa_sum"], g["aa_sum"], g["ww_sum"], g["k_count"]) for g in groups.to_pylist()}


DECODE: dict[str, Callable[[list[tuple[Any, ...]]], Sums]] = {
    "python_aggregate": _from_aggregate,
    "group_concat_arrow": _from_concatenated,
    "fetch_arrow": _from_fetched,
}


def _agree(results: list[Sums]) -> bool:
    first = results[0]
    return all(
        other.keys() == first.keys()
        and all(
            math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6)
            for key in first
            for x, y in zip(first[key], other[key], strict=True)
        )
        for other in results[1:]
    )


def measure(store: Path, repeat: int) -> dict[str, Any]:
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    register(connection)
    connection.create_aggregate("cx_nothing", 4, _Nothing)  # type: ignore[arg-type]
    queries = _queries()
    timings: dict[str, list[float]] = {name: [] for name in queries}
    cpu: dict[str, list[float]] = {name: [] for name in queries}
    sums: dict[str, Sums] = {}
    for _ in range(repeat):
        for name, sql in queries.items():
            began, began_cpu = time.perf_counter(), time.process_time()
            rows = connection.execute(sql).fetchall()
            if name in DECODE:
                sums[name] = DECODE[name](rows)
            timings[name].append(time.perf_counter() - began)
            cpu[name].append(time.process_time() - began_cpu)
    best = {name: min(seconds) for name, seconds in timings.items()}
    return {
        "cores": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "answers": connection.execute("SELECT COUNT(*) FROM observations WHERE question = 'nps'").fetchone()[0],
        "seconds": best,
        "per_bare": {name: seconds / best["bare"] for name, seconds in best.items()},
        # CPU seconds of every thread of this process (pyarrow's hash aggregate may use several)
        "cpu_seconds": {name: min(seconds) for name, seconds in cpu.items()},
        "load_average": os.getloadavg()[0],
        "agree": _agree([sums[name] for name in DECODE]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=HERE / "data" / "survey")
    parser.add_argument("--rows", type=int, help="generate and collect this many responses into --folder first")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    if arguments.rows:
        import cxframe

        sys.path.insert(0, str(HERE))
        from survey_ingest import generate

        generate(arguments.folder, arguments.rows)
        cxframe.collect(arguments.folder)
    store = arguments.folder / "cxframe.db"
    if not store.exists():
        parser.error(f"{store} does not exist: run benchmarks/survey_ingest.py first, or give --rows")
    result = measure(store, arguments.repeat)
    text = json.dumps(result, indent=2)
    if arguments.out:
        arguments.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
