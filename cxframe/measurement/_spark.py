"""The Spark SQL engine: the same metric queries over observations (and events) kept as Parquet.

`SparkEngine` runs the queries `cxframe.measurement._engine.SQLEngine`
builds, in Spark SQL (`cxframe.measurement._dialect.SparkDialect` says how
they differ from SQLite), over ``DIR/observations/`` and ``DIR/events/`` as
``cxframe export --format parquet DIR`` writes them. Spark computes each
group's sufficient statistics; the interval maths
(`cxframe.measurement._engine.compute_metric`) runs on the driver, as for
SQLite. pyspark is imported only here, and only when a query runs: it is an
optional extra (``pip install -e ".[spark]"``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import MetricDefinition, WeightedVariance
from cxframe.measurement._dialect import SPARK
from cxframe.measurement._engine import FIXED_SEGMENTS, SQLEngine
from cxframe.store._sqlite import OBSERVATION_COLUMNS as STORED_OBSERVATION_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["DEFAULT_MASTER", "TABLES", "SparkEngine", "java_problem", "spark_session"]

#: where Spark runs when neither ``--master`` nor ``[settings] spark_master`` says: every core of this machine
DEFAULT_MASTER = "local[*]"
#: shuffle partitions on a local master (a cluster keeps its own spark.sql.shuffle.partitions)
LOCAL_SHUFFLE_PARTITIONS = 4
#: Told ``master`` just before a session is created, so a person waiting for the JVM knows why (`on_start`).
on_start: Callable[[str], object] | None = None
#: The driver's logging while Spark starts and runs: errors only. Spark's own default logs warnings at start-up
#: (the host's loopback address, no native Hadoop library) that say nothing to someone measuring a survey.
QUIET_LOGGING = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = stderr
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
# as quiet as the root logger: else Spark, started from Python as from its shell, says "Setting default log level"
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
"""
#: the tables an export writes, one folder each
TABLES = ("observations", "events")
#: observation columns that are not segments: the store's, and the response the `observations` view adds
OBSERVATION_COLUMNS = frozenset({*STORED_OBSERVATION_COLUMNS, "response"})


def java_problem() -> str | None:
    """Why Spark cannot start here (no Java), or None when a ``java`` is found."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return None
    if shutil.which("java"):
        return None
    return "Spark needs Java 17 or later: none found (install openjdk-17-jre-headless, or set JAVA_HOME)"


def spark_session(master: str | None = None) -> SparkSession:
    """The Spark session the engine runs in: the active one (under spark-submit), else one on ``master``.

    Settings that make Spark SQL read like the store: times in UTC, and
    ANSI mode off (a division by zero is NULL, as in SQLite).
    """
    # pyspark 4.x warns about pandas 3 (on import and on its first query); cxframe does not use its pandas API
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InvalidInput(
            [
                '--engine spark needs pyspark: install the spark extra (pip install -e ".[spark]" in the cxframe '
                "folder: pyspark 4), and Java 17 or later"
            ]
        ) from None
    session = SparkSession.getActiveSession()
    if session is None:
        problem = java_problem()
        if problem is not None and "PYSPARK_GATEWAY_PORT" not in os.environ:
            raise InvalidInput([f"--engine spark: {problem}"])
        builder = SparkSession.builder.appName("cxframe")
        # under spark-submit the JVM is already there and spark-submit's --master decides
        if "PYSPARK_GATEWAY_PORT" not in os.environ or master is not None:
            builder = builder.master(master or DEFAULT_MASTER)
        chosen = master or DEFAULT_MASTER
        if chosen.startswith("local"):
            # one machine: a few shuffle partitions, not the cluster default of 200 (each is a task to schedule)
            builder = builder.config("spark.sql.shuffle.partitions", str(LOCAL_SHUFFLE_PARTITIONS))
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        if on_start is not None:
            on_start(chosen)
        try:
            with _quiet_logging(builder) as quiet:
                session = quiet.config("spark.ui.showConsoleProgress", "false").getOrCreate()
        except (PySparkException, Py4JError) as exc:
            # a master Spark does not know, a cluster it cannot reach: say which, not a JVM trace
            first = spark_reason(exc)
            where = "--master or [settings] spark_master" if master is not None else "the Spark installation"
            raise InvalidInput(
                [f"--engine spark: Spark could not start on master {chosen!r} ({first}); check {where}"]
            ) from None
        session.sparkContext.setLogLevel("ERROR")
    session.conf.set("spark.sql.session.timeZone", "UTC")
    session.conf.set("spark.sql.ansi.enabled", "false")
    return session


@contextlib.contextmanager
def _quiet_logging(builder: Any) -> Iterator[Any]:
    """``builder`` with the driver's logging at ERROR from its first line (`QUIET_LOGGING`), while the JVM starts.

    A JVM pyspark launches is given the builder's settings on its command
    line, so the log configuration reaches it before Spark logs anything
    (``setLogLevel`` afterwards comes too late for the start-up warnings). An
    installation with logging of its own (`_own_logging`) is left alone. The
    file is read once, at start: removed after.
    """
    if _own_logging():
        yield builder
        return
    handle, name = tempfile.mkstemp(prefix="cxframe-log4j2-", suffix=".properties")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(QUIET_LOGGING)
        yield builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={name}")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _own_logging() -> bool:
    """Whether the Spark installation configures the driver's logging itself (ours would replace it).

    A ``log4j2.properties`` in its conf folder, or driver Java options in
    ``spark-defaults.conf``.
    """
    home = os.environ.get("SPARK_CONF_DIR") or (
        str(Path(os.environ["SPARK_HOME"]) / "conf") if os.environ.get("SPARK_HOME") else None
    )
    if home is None:
        return False
    if (Path(home) / "log4j2.properties").is_file():
        return True
    try:
        text = (Path(home) / "spark-defaults.conf").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(line.split()[:1] == ["spark.driver.extraJavaOptions"] for line in text.splitlines())


class SparkEngine(SQLEngine):
    """Metric aggregates (and journey queries through `rows`) in Spark SQL over a Parquet export.

    ``parquet`` is the export's folder (a local path, or any URI Spark reads:
    ``hdfs://…``, ``s3a://…``, ``abfss://…``); ``master`` the Spark master
    URL (default `DEFAULT_MASTER`; ignored when a session is active, as under
    spark-submit). ``session`` uses a session the caller made.
    """

    name = "spark"
    dialect = SPARK

    def __init__(
        self,
        parquet: str | Path,
        *,
        master: str | None = None,
        variance: WeightedVariance = WeightedVariance.LINEARISED,
        respondent_clusters: bool = True,
        session: SparkSession | None = None,
    ) -> None:
        super().__init__(variance=variance, respondent_clusters=respondent_clusters)
        self.parquet = str(parquet)
        self.master = master
        if "://" not in self.parquet:
            folder = Path(self.parquet)
            if not (folder / "observations").is_dir() and not (folder / "events").is_dir():
                raise InvalidInput(
                    [
                        f"--parquet {folder}: no observations/ or events/ folder here; write them with "
                        f"`cxframe export --format parquet {folder}`"
                    ]
                )
        self._session = session
        self._frames: dict[str, DataFrame] = {}

    @property
    def session(self) -> SparkSession:
        if self._session is None:
            self._session = spark_session(self.master)
        return self._session

    def frame(self, table: str) -> DataFrame:
        """The export's ``table`` (observations or events) as a Spark DataFrame."""
        if table not in self._frames:
            location = f"{self.parquet.rstrip('/')}/{table}"
            if "://" not in location and not Path(location).is_dir():
                raise InvalidInput([f"--parquet {self.parquet}: no {table}/ folder (export the store again)"])
            session = self.session
            from py4j.protocol import Py4JError
            from pyspark.errors import PySparkException

            try:
                self._frames[table] = session.read.parquet(location)
            except (PySparkException, Py4JError) as exc:
                # a file that is not Parquet, a folder Spark may not read: say which, not a JVM trace
                raise InvalidInput(
                    [f"--parquet {self.parquet}: Spark could not read {table}/: {spark_reason(exc)}"]
                ) from None
        return self._frames[table]

    def has(self, table: str) -> bool:
        """Whether the export holds ``table`` (a local folder is looked at; a URI is assumed to)."""
        return "://" in self.parquet or (Path(self.parquet) / table).is_dir()

    def manifest_text(self) -> str | None:
        """The export's ``_cxframe.json`` as text (read through Spark for a URI); None when it has none."""
        location = f"{self.parquet.rstrip('/')}/_cxframe.json"
        if "://" not in location:
            path = Path(location)
            return path.read_text(encoding="utf-8") if path.is_file() else None
        try:
            return "".join(row[0] for row in self.session.read.text(location, wholetext=True).collect())
        except Exception:
            return None

    def segment_columns(self, metric: MetricDefinition | None = None) -> list[str]:
        # a metric over a plugin's own table has no rows here (see has_rows): only the observations' columns
        del metric
        columns = self.frame("observations").columns
        return [*FIXED_SEGMENTS, *sorted(c for c in columns if c not in OBSERVATION_COLUMNS)]

    def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        # the views are this engine's export (a session may serve engines over other folders)
        for table in TABLES:
            if self.has(table):
                self.frame(table).createOrReplaceTempView(table)
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        try:
            return [tuple(row) for row in self.session.sql(sql, args=list(parameters)).collect()]
        except (PySparkException, Py4JError) as exc:
            # a value expression Spark cannot run, a column the export lacks, a file it cannot read: say so,
            # not a JVM trace (a failed task comes as a Py4JJavaError, not as a PySparkException)
            raise InvalidInput(
                [f"--engine spark: Spark could not run the query over {self.parquet}: {spark_reason(exc)}"]
            ) from None


def spark_reason(exc: BaseException) -> str:
    """The line of a Spark error that says what went wrong (a Java error's first line only names the call)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    for line in lines:
        if "Exception: " in line:
            return line.split("Exception: ", 1)[1]
    return lines[0] if lines else type(exc).__name__
