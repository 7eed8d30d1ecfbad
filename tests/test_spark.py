"""The Spark engine gives the SQLite engine's results, on the same generated data (issue #27).

One store is generated (answers to every built-in metric's question, with
segments, survey weights on some answers, respondents answering more than
once, times across weeks, months, quarters and a year boundary; and an event
log with tied timestamps), exported as Parquet, and every built-in metric is
measured on both engines — by segment and period, with intervals, compared
and clustered — as are variants and directly-follows.

Tolerance: counts, labels, flags and segments are equal; floating-point
numbers agree to a relative 1e-9 (Spark adds partial sums in another order
than SQLite). Spark runs in local mode, one session for the module.

Marked ``spark``: skipped only where Java is absent (Spark runs in a JVM), or
where pyspark is not installed and ``CXFRAME_REQUIRE_SPARK`` is not set (CI
sets it and installs both, so there it always runs).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import cxframe
from cxframe import testing
from cxframe.contracts._records import Event, Observation
from cxframe.measurement._dialect import spark_value_sql
from cxframe.measurement._spark import java_problem
from cxframe.store._sqlite import Store, event_row, observation_row

RELATIVE = 1e-9


def _skip_reason() -> str | None:
    problem = java_problem()
    if problem is not None:
        return f"no Java on this machine, and Spark runs in a JVM: {problem}"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if os.environ.get("CXFRAME_REQUIRE_SPARK"):
            return None  # the tests run and fail: CI must have installed the spark extra
        return 'pyspark is not installed: pip install -e ".[spark]"'
    return None


pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or ""),
    # pyspark 4.x on pandas 3 warns once; cxframe does not use pyspark's pandas API
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

START = dt.datetime(2025, 11, 20, 8, 0, tzinfo=dt.UTC)
REGIONS = ["north", "south", "east"]


def _observations(rng: random.Random) -> list[tuple[str, Observation]]:
    """Answers to every built-in question: (response key, observation)."""
    found: list[tuple[str, Observation]] = []
    employee_items = ["empowerment", "training", "resources", "enablement"]
    for number in range(900):
        at = START + dt.timedelta(minutes=rng.randrange(0, 150 * 24 * 60), microseconds=rng.randrange(1_000_000))
        region = rng.choice(REGIONS)
        # a third of respondents answer more than once (clusters); a third of answers carry a survey weight
        respondent = f"c{rng.randrange(300)}" if number % 3 else None
        weight = round(rng.uniform(0.5, 2.5), 3) if number % 3 == 1 else None
        common = {"timestamp": at, "source": "gen", "respondent_id": respondent, "weight": weight}
        segment = {"region": region, "team": rng.choice(["a", "b"])}
        key = f"r{number}"
        found.append((key, Observation(question="nps", value=rng.randrange(11), segment=segment, **common)))  # type: ignore[arg-type]
        found.append((key, Observation(question="csat", value=rng.randrange(1, 6), segment=segment, **common)))  # type: ignore[arg-type]
        found.append((key, Observation(question="ces", value=rng.randrange(1, 8), segment=segment, **common)))  # type: ignore[arg-type]
        staff = {**common, "population": "employee", "weight": None}
        # an employee's answers are a response of their own (a response has one population)
        found.append((f"{key}e", Observation(question="enps", value=rng.randrange(11), segment=segment, **staff)))  # type: ignore[arg-type]
        item = employee_items[number % len(employee_items)]
        found.append((f"{key}e", Observation(question=item, value=rng.randrange(1, 6), segment=segment, **staff)))  # type: ignore[arg-type]
    return found


def _events(rng: random.Random) -> list[Event]:
    activities = ["visit", "search", "basket", "pay", "call", "refund"]
    events = []
    for case in range(250):
        at = START + dt.timedelta(hours=rng.randrange(2000))
        for _ in range(rng.randrange(1, 7)):
            # some events share a time (ties keep their collection order)
            at += dt.timedelta(seconds=rng.choice([0, 1.5, 30, 3600.25, 86400]))
            events.append(Event(case_id=f"case{case}", activity=rng.choice(activities), timestamp=at, source="log"))
    rng.shuffle(events)  # collected out of order: order comes from time, then collection
    return events


@pytest.fixture(scope="module")
def programme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = testing.make_programme(tmp_path_factory.mktemp("spark") / "programme", settings={"min_sample": 10})
    rng = random.Random(27)
    observations = _observations(rng)
    names = ["region", "team"]
    with Store(root / "cxframe.db") as store, store.db.atomic():
        store.ensure_segment_columns(names)
        rows = [observation_row(o, key, 1, names) for key, o in observations]
        store.insert_observations(rows, names)
        store.insert_events([event_row(e, f"e{i}", 1) for i, e in enumerate(_events(rng))])
    return root


@pytest.fixture(scope="module")
def parquet(programme: Path) -> Path:
    folder = programme.parent / "lake"
    cxframe.export(programme, folder)
    return folder


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("cxframe-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    _stop(spark)


def _stop(spark: Any) -> None:
    """Stop Spark and its JVM, and reap the JVM: later tests check that this process has no child left."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is None:  # stopped already
        return
    spark.stop()
    gateway.shutdown()
    process = getattr(gateway, "proc", None)
    if process is not None:
        process.stdin.close()  # the JVM pyspark started exits when its stdin closes
        process.wait(timeout=60)
    SparkContext._gateway = None
    SparkContext._jvm = None


def _same(sqlite: Any, spark: Any, where: str = "") -> None:
    """Equal, floats to a relative `RELATIVE`."""
    if isinstance(sqlite, float) and isinstance(spark, float):
        assert math.isclose(sqlite, spark, rel_tol=RELATIVE, abs_tol=1e-12), f"{where}: {sqlite} != {spark}"
    elif isinstance(sqlite, dict) and isinstance(spark, dict):
        assert sqlite.keys() == spark.keys(), where
        for key in sqlite:
            _same(sqlite[key], spark[key], f"{where}.{key}")
    elif isinstance(sqlite, list) and isinstance(spark, list):
        assert len(sqlite) == len(spark), f"{where}: {len(sqlite)} != {len(spark)} items"
        for index, (a, b) in enumerate(zip(sqlite, spark, strict=True)):
            _same(a, b, f"{where}[{index}]")
    else:
        assert sqlite == spark, f"{where}: {sqlite!r} != {spark!r}"


def _measured(programme: Path, *arguments: str) -> Any:
    result = testing.invoke(["-C", str(programme), "measure", "--json", *arguments])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_export_holds_every_stored_row_in_the_contracts_columns(programme: Path, parquet: Path) -> None:
    with Store(programme / "cxframe.db") as store:
        stored = {"observations": store.count("observations"), "events": store.count("events")}
    for table, count in stored.items():
        assert sum(pq.ParquetFile(f).metadata.num_rows for f in (parquet / table).glob("*.parquet")) == count
    schema = pq.read_schema(next((parquet / "observations").glob("*.parquet")))
    assert {"question", "value", "timestamp", "respondent_id", "weight", "region", "team"} <= set(schema.names)
    assert str(schema.field("timestamp").type) == "timestamp[us, tz=UTC]"
    assert json.loads((parquet / "_cxframe.json").read_text())["rows"] == stored


def test_every_built_in_metric_by_segment_and_month_is_the_same_on_spark(
    programme: Path, parquet: Path, session: Any
) -> None:
    spark = ["--engine", "spark", "--parquet", str(parquet)]
    sqlite = _measured(programme, "--by", "region", "--period", "month")
    metrics = {row["metric"] for row in sqlite}
    assert {"nps", "csat", "ces", "ces_easy", "enps", "empowerment"} <= metrics
    # weighted and clustered results are among them: the design-based variance is computed from Spark's sums
    assert any("linearised_variance" in row["flags"] for row in sqlite)
    assert any("repeat_respondents" in row["flags"] for row in sqlite)
    assert any("partial_period" in row["flags"] for row in sqlite)
    _same(sqlite, _measured(programme, "--by", "region", "--period", "month", *spark), "measure")


@pytest.mark.parametrize("period", ["week", "quarter"])
def test_every_period_label_is_the_same_on_spark(programme: Path, parquet: Path, session: Any, period: str) -> None:
    arguments = ["--metric", "nps", "--period", period, "--variance", "kish"]
    sqlite = _measured(programme, *arguments)
    assert len({row["period"] for row in sqlite}) > 1
    _same(sqlite, _measured(programme, *arguments, "--engine", "spark", "--parquet", str(parquet)), period)


def test_comparisons_and_the_bootstrap_are_the_same_on_spark(programme: Path, parquet: Path, session: Any) -> None:
    spark = ["--engine", "spark", "--parquet", str(parquet)]
    compare = ["--metric", "nps", "--metric", "ces", "--compare", "region"]
    _same(_measured(programme, *compare), _measured(programme, *compare, *spark), "compare")
    bootstrap = ["--metric", "csat", "--by", "team", "--variance", "bootstrap"]
    _same(_measured(programme, *bootstrap), _measured(programme, *bootstrap, *spark), "bootstrap")


def test_a_metric_over_a_plugins_table_is_measured_on_the_store(
    programme: Path, parquet: Path, session: Any, tmp_path: Path
) -> None:
    # the loop's cases are no part of a Parquet export: their metrics are computed on the store, not left out
    improve = pytest.importorskip("cxframe_improve")
    copy = tmp_path / "programme"
    copy.mkdir()
    shutil.copy(programme / "cxframe.db", copy / "cxframe.db")
    text = (programme / "cxframe.toml").read_text(encoding="utf-8")
    rule = '[[plugins.cxframe-improve.loop]]\nmetric = "nps"\nat_or_below = 6\nsince = "52w"\nowners = { default = "CX team" }\n'
    (copy / "cxframe.toml").write_text(text + "\n" + rule, encoding="utf-8")
    opened = improve.open_loop_cases(copy, now=START + dt.timedelta(days=150))
    assert opened > 100
    for case in range(1, opened, 3):
        improve.update_case(copy, case, "resolved", now=START + dt.timedelta(days=151))
    spark = ["--engine", "spark", "--parquet", str(parquet)]
    for metric in ("loop_closed", "loop_hours_to_close"):
        arguments = ["--metric", metric, "--by", "owner", "--period", "month"]
        sqlite = _measured(copy, *arguments)
        assert sqlite and all(row["n"] for row in sqlite), metric
        _same(sqlite, _measured(copy, *arguments, *spark), metric)


def test_variants_and_directly_follows_are_the_same_on_spark(programme: Path, parquet: Path, session: Any) -> None:
    for command in ("variants", "dfg"):
        sqlite = testing.invoke(["-C", str(programme), "journey", command, "--json"])
        spark = testing.invoke(
            ["-C", str(programme), "journey", command, "--json", "--engine", "spark", "--parquet", str(parquet)]
        )
        assert sqlite.exit_code == 0 and spark.exit_code == 0, sqlite.output + spark.output
        found = json.loads(sqlite.stdout)
        assert found, command
        _same(found, json.loads(spark.stdout), command)


def test_the_python_api_takes_the_engine_too(programme: Path, parquet: Path, session: Any) -> None:
    import cxframe_journey

    on_sqlite = cxframe.trend(programme, "ces", period="month")
    on_spark = cxframe.trend(programme, "ces", period="month", engine="spark", parquet=parquet)
    _same([cxframe.trend_json(t) for t in on_sqlite], [cxframe.trend_json(t) for t in on_spark], "trend")
    _same(cxframe_journey.dfg(programme), cxframe_journey.dfg(programme, engine="spark", parquet=parquet), "dfg")
    with pytest.raises(cxframe.InvalidInput, match="--engine spark needs --parquet DIR"):
        cxframe.measure(programme, "nps", engine="spark")


def test_respondents_totals_that_nearly_cancel_keep_their_digits_on_spark(tmp_path: Path, session: Any) -> None:
    # one group's design sums about 0 cancel (see tests/test_variance.py): Spark takes them again about each
    # group's weighted mean, as SQLite does, and both give statsmodels' standard error
    from cxframe.measurement._engine import SQLiteEngine, compute_metric
    from cxframe.measurement._spark import SparkEngine
    from tests.test_variance import CES, statsmodels_se

    groups = {
        "cancelling": [(3, 5.0, 1), (6, 0.25, 0), (7, 14.0, 1)],
        "ordinary": [(1, 2.0, 0), (5, 0.5, 0), (7, 1.0, 1), (4, 3.0, 2)],
    }
    root = testing.make_programme(tmp_path / "programme")
    observations = [
        Observation(question="ces", value=v, timestamp=START, source=source, weight=w, respondent_id=f"r{c}")
        for source, rows in groups.items()
        for v, w, c in rows
    ]
    with Store(root / "cxframe.db") as store, store.db.atomic():
        store.insert_observations([observation_row(o, f"k{i}", 1, []) for i, o in enumerate(observations)], [])
    cxframe.export(root, tmp_path / "lake")
    on_spark = compute_metric(SparkEngine(tmp_path / "lake", session=session), CES, by=["source"])
    with Store(root / "cxframe.db") as store:
        on_sqlite = compute_metric(SQLiteEngine(store), CES, by=["source"])
    assert [r.segment["source"] for r in on_spark] == [r.segment["source"] for r in on_sqlite] == list(groups)
    for spark, sqlite in zip(on_spark, on_sqlite, strict=True):
        rows = groups[str(spark.segment["source"])]
        expected = statsmodels_se([float(v) for v, _, _ in rows], [w for _, w, _ in rows], [c for *_, c in rows])
        assert spark.std_error == pytest.approx(expected, rel=1e-9)
        assert sqlite.std_error == pytest.approx(expected, rel=1e-9)


def test_a_stale_export_is_refused_as_privacy_rules_read_the_store(
    programme: Path, tmp_path: Path, session: Any
) -> None:
    other = testing.make_programme(tmp_path / "other")
    with Store(other / "cxframe.db") as store, store.db.atomic():
        names: list[str] = []
        row = observation_row(Observation(question="nps", value=9, timestamp=START, source="x"), "k", 1, names)
        store.insert_observations([row], names)
    cxframe.export(other, tmp_path / "lake")
    result = testing.invoke(["-C", str(programme), "measure", "--engine", "spark", "--parquet", str(tmp_path / "lake")])
    assert result.exit_code == 1
    assert "1 observations in _cxframe.json, the store holds 4500" in result.output


def test_spark_options_are_checked(programme: Path, parquet: Path) -> None:
    missing = testing.invoke(["-C", str(programme), "measure", "--engine", "spark"])
    assert missing.exit_code == 2 and "--engine spark needs --parquet DIR" in missing.output
    alone = testing.invoke(["-C", str(programme), "measure", "--parquet", str(parquet)])
    assert alone.exit_code == 2 and "--parquet and --master go with --engine spark" in alone.output
    log = testing.invoke(["-C", str(programme), "journey", "variants", "x.csv", "--engine", "spark", "--parquet", "p"])
    assert log.exit_code == 2 and "no LOG" in log.output
    nowhere = testing.invoke(["-C", str(programme), "measure", "--engine", "spark", "--parquet", str(programme)])
    assert nowhere.exit_code == 1 and "no observations/ or events/ folder" in nowhere.output


def test_an_export_is_not_written_over_without_force(programme: Path, parquet: Path) -> None:
    again = testing.invoke(["-C", str(programme), "export", "--format", "parquet", str(parquet)])
    assert again.exit_code == 1 and "is not empty" in again.output and "--force" in again.output
    forced = testing.invoke(["-C", str(programme), "export", "--format", "parquet", str(parquet), "--force", "--json"])
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["rows"] == {"observations": 4500, "events": _event_count(programme)}


def _event_count(programme: Path) -> int:
    with Store(programme / "cxframe.db") as store:
        return store.count("events")


@pytest.mark.parametrize(
    ("sqlite", "spark"),
    [
        ("CASE WHEN value >= 9 THEN 1.0 ELSE 0.0 END", "CASE WHEN value >= 9 THEN 1.0 ELSE 0.0 END"),
        ("CAST([region] = 'a[b]' AS REAL)", "CAST(`region` = 'a[b]' AS DOUBLE)"),
        (
            "julianday(timestamp) - julianday([opened])",
            "(unix_micros(CAST(timestamp AS TIMESTAMP)) / 86400000000.0D + 2440587.5D)"
            " - (unix_micros(CAST(`opened` AS TIMESTAMP)) / 86400000000.0D + 2440587.5D)",
        ),
        (
            "strftime('%Y-%m', timestamp) = '2026-01'",
            "date_format(CAST(timestamp AS TIMESTAMP), 'yyyy-MM') = '2026-01'",
        ),
    ],
)
def test_value_expressions_are_translated_in_one_place(sqlite: str, spark: str) -> None:
    assert spark_value_sql(sqlite) == spark


def test_an_export_spark_cannot_read_is_an_error_not_a_trace(
    programme: Path, parquet: Path, tmp_path: Path, session: Any
) -> None:
    # a part file cut short (a copy that failed half-way): Spark fails in the JVM, which pyspark raises as a
    # Py4JJavaError, not a PySparkException
    broken = tmp_path / "lake"
    shutil.copytree(parquet, broken)
    [part] = sorted((broken / "observations").glob("*.parquet"))
    part.write_bytes(part.read_bytes()[:5000])
    result = testing.invoke(["-C", str(programme), "measure", "--engine", "spark", "--parquet", str(broken)])
    assert result.exit_code == 1, result.output
    assert f"--parquet {broken}: Spark could not read observations/" in result.output
    assert "Could not read footer" in result.output and "Traceback" not in result.output


def test_the_cli_says_spark_is_starting_and_spark_logs_nothing_but_errors(programme: Path, parquet: Path) -> None:
    """A new JVM, as a user's command starts it: its stderr is the JVM's, so a command of its own captures it."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYSPARK_GATEWAY")}
    command = "import sys; from cxframe.cli import main; sys.argv[0] = 'cxframe'; main()"
    arguments = ["-C", str(programme), "measure", "--metric", "nps", "--engine", "spark", "--parquet", str(parquet)]
    result = subprocess.run(
        [sys.executable, "-c", command, *arguments, "--json"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)
    # the JVM's own notice of an incubator module Spark 4 loads is not Spark's logging, and no setting silences it
    said = [line for line in result.stderr.splitlines() if not line.startswith("WARNING: Using incubator modules")]
    assert said == ["starting Spark (local JVM)…"], result.stderr


def test_spark_leaves_no_child_process_behind(session: Any) -> None:
    _stop(session)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_master_spark_cannot_start_on_is_an_error_not_a_trace(programme: Path, parquet: Path, session: Any) -> None:
    _stop(session)  # with a session running, the master given would be ignored
    result = testing.invoke(
        ["-C", str(programme), "measure", "--engine", "spark", "--parquet", str(parquet), "--master", "bogus://x"]
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("starting Spark (master bogus://x)…\n")  # said before the wait, once
    assert "Spark could not start on master 'bogus://x'" in result.output
    assert "--master or [settings] spark_master" in result.output
    assert "Traceback" not in result.output
    while True:  # reap the JVM that exited at once, as the test before checks no child is left
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                break
        except ChildProcessError:
            break
