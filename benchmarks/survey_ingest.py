"""Benchmark: survey ingest and NPS measurement at a million responses.

Generates a survey export (12 columns: response and customer ids, timestamp,
region, product, channel, touchpoint, journey stage, NPS 0–10, CSAT 1–5,
a free-text comment with CJK text, commas and quotes, and a survey weight),
then measures in one run, each step in its own process so that peak RSS is
that step's own:

* ``reference``: plain ``csv`` → ``sqlite3.executemany`` into one wide table;
* ``ingest``: ``cxframe collect`` through the ``survey-csv`` collector;
* ``measure``: NPS by month × region with intervals, against a bare
  ``SELECT … GROUP BY`` aggregate over the same table; by default with the
  answers clustered by respondent (``measure_seconds``, ``ratio``), and with
  each answer independent (``measure_independent_seconds``, ``independent_ratio``).

``--layout`` picks the export layout (the same responses each time):

* ``csv`` (the default): the 12-column file above, one header row, ``survey-csv``;
* ``qualtrics``: a Qualtrics CSV export, UTF-8 with a BOM and three header rows
  (ids, question texts, ImportIds), Qualtrics' 17 metadata columns with local
  times in America/Denver, then Q1 (NPS), Q1_NPS_GROUP, Q2 (comment) and Region;
  a few previews (Status 1) and unfinished responses (Finished 0) at fixed rows,
  which the collector leaves out (``excluded_expected`` says how many);
* ``surveymonkey``: a SurveyMonkey CSV export in GB18030, two header rows,
  Chinese question texts and 12-hour times (``09/09/2025 04:19:27 PM``).

The reference reads each file with ``csv`` in its encoding, past its header
rows, into a table as wide as the file. Every layout but ``csv`` names itself
in the output (``layout``) and adds the ingest's ``notes``; the ``csv`` output
is unchanged.

Usage::

    python benchmarks/survey_ingest.py --rows 1000000 [--layout csv] [--out benchmarks/results/survey_ingest.json]

Each step reports wall and CPU time; the output also has the core count, the
1-minute load average before and after each step, and the ingest's wall and
CPU time as multiples of the reference's (the fair comparison on a shared
machine, whose speed varies from run to run). A large file is read in a second
process (`cxframe.ingestion._background`): the ingest's ``reader_cpu_seconds`` and
``reader_peak_rss_mb`` are that process's; its RSS counts the pages it shares
with the store's process (the interpreter and imports) once more, so
``peak_pss_mb_both`` gives the two together with shared pages counted once.

The data is generated from a fixed seed into ``benchmarks/data/survey/`` (csv) or
``benchmarks/data/<layout>/`` (ignored by git).
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
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

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


class _Response(NamedTuple):
    """One generated response: what every layout writes, each in its own columns."""

    number: int
    customer: str
    submitted: dt.datetime
    region: int
    product: str
    channel: str
    touchpoint: str
    stage: str
    nps: int
    csat: int
    comment: str
    weight: str


def _responses(rows: int, seed: int) -> Iterator[_Response]:
    """The responses every layout writes, drawn from ``seed`` in the order the csv layout always drew them."""
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    span = 365 * 24 * 3600
    for number in range(rows):
        region = rng.randrange(len(REGIONS))
        nps = max(0, min(10, round(rng.gauss(7.2 + 0.3 * region, 2.2))))
        submitted = start + dt.timedelta(seconds=rng.randrange(span))
        customer = f"C{rng.randrange(400_000):06d}"
        product, channel, touchpoint, stage = (
            rng.choice(PRODUCTS),
            rng.choice(CHANNELS),
            rng.choice(TOUCHPOINTS),
            rng.choice(STAGES),
        )
        csat = max(1, min(5, round(nps / 2.2 + rng.gauss(0.5, 0.7))))
        yield _Response(
            number,
            customer,
            submitted,
            region,
            product,
            channel,
            touchpoint,
            stage,
            nps,
            csat,
            rng.choice(COMMENTS),
            f"{rng.uniform(0.5, 2.0):.3f}",
        )


def _write_csv(handle: IO[str], rows: int, seed: int) -> None:
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
    for r in _responses(rows, seed):
        writer.writerow(
            [
                f"R{r.number:08d}",
                r.customer,
                r.submitted.strftime("%Y-%m-%dT%H:%M:%SZ"),
                REGIONS[r.region],
                r.product,
                r.channel,
                r.touchpoint,
                r.stage,
                r.nps,
                r.csat,
                r.comment,
                r.weight,
            ]
        )


# -- Qualtrics: three header rows (ids, question texts, ImportIds), UTF-8 with a BOM, local times --------------------

QUALTRICS_ZONE = "America/Denver"
QUALTRICS_NPS = "How likely are you to recommend us to a friend or colleague?"
#: (row-1 id, row-2 text, row-3 ImportId, whether row 3 names the time zone): Qualtrics' standard metadata columns,
#: then the NPS question with the group Qualtrics adds, a text-entry comment and an embedded-data field
QUALTRICS_COLUMNS = [
    ("StartDate", "Start Date", "startDate", True),
    ("EndDate", "End Date", "endDate", True),
    ("Status", "Response Type", "status", False),
    ("IPAddress", "IP Address", "ipAddress", False),
    ("Progress", "Progress", "progress", False),
    ("Duration (in seconds)", "Duration (in seconds)", "duration", False),
    ("Finished", "Finished", "finished", False),
    ("RecordedDate", "Recorded Date", "recordedDate", True),
    ("ResponseId", "Response ID", "_recordId", False),
    ("RecipientLastName", "Recipient Last Name", "recipientLastName", False),
    ("RecipientFirstName", "Recipient First Name", "recipientFirstName", False),
    ("RecipientEmail", "Recipient Email", "recipientEmail", False),
    ("ExternalReference", "External Data Reference", "externalDataReference", False),
    ("LocationLatitude", "Location Latitude", "locationLatitude", False),
    ("LocationLongitude", "Location Longitude", "locationLongitude", False),
    ("DistributionChannel", "Distribution Channel", "distributionChannel", False),
    ("UserLanguage", "User Language", "userLanguage", False),
    ("Q1", QUALTRICS_NPS, "QID1", False),
    ("Q1_NPS_GROUP", f"{QUALTRICS_NPS} - Group", "QID1_NPS_GROUP", False),
    ("Q2", "What is the main reason for your score?", "QID2_TEXT", False),
    ("Region", "Region", "Region", False),
]
LAST_NAMES = ["Smith", "Jones", "García", "Müller", "Nguyen", "O'Brien", "Wang"]
FIRST_NAMES = ["Alex", "Sam", "María", "Jürgen", "Linh", "Siobhán", "Wei"]
LANGUAGES = ["EN", "EN", "EN", "EN", "ES", "ZH-S", "JA"]
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _qualtrics_preview(number: int) -> bool:
    """A few survey previews (Status 1), at fixed rows so that a run knows how many to expect."""
    return number % 397 == 13


def _qualtrics_unfinished(number: int) -> bool:
    """A few unfinished responses (Finished 0), none of them a preview."""
    return number % 211 == 101 and not _qualtrics_preview(number)


def expected_exclusions(layout: str, rows: int) -> dict[str, int]:
    """The responses the collector should leave out on purpose (the notes of its summary)."""
    if layout != "qualtrics":
        return {}
    counts = {
        "excluded: preview": sum(map(_qualtrics_preview, range(rows))),
        "excluded: unfinished": sum(map(_qualtrics_unfinished, range(rows))),
    }
    return {note: count for note, count in counts.items() if count}


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(reversed(digits))


def _write_qualtrics(handle: IO[str], rows: int, seed: int) -> None:
    zone = zoneinfo.ZoneInfo(QUALTRICS_ZONE)
    extra = random.Random(seed + 1)  # the metadata's own stream: the responses stay those of the csv layout
    writer = csv.writer(handle)
    writer.writerow([column[0] for column in QUALTRICS_COLUMNS])
    writer.writerow([column[1] for column in QUALTRICS_COLUMNS])
    writer.writerow(
        [
            json.dumps({"ImportId": ids, **({"timeZone": QUALTRICS_ZONE} if zoned else {})}, separators=(",", ":"))
            for _, _, ids, zoned in QUALTRICS_COLUMNS
        ]
    )
    stamp = "%Y-%m-%d %H:%M:%S"
    for r in _responses(rows, seed):
        preview, unfinished = _qualtrics_preview(r.number), _qualtrics_unfinished(r.number)
        duration = extra.randrange(25, 900)
        recorded = r.submitted.astimezone(zone)
        ended = recorded - dt.timedelta(seconds=extra.randrange(0, 3))
        if unfinished:  # closed when the response session expired, a week after it was last touched
            ended = recorded - dt.timedelta(days=7)
        started = ended - dt.timedelta(seconds=duration)
        emailed = not preview and extra.random() < 0.3
        person = extra.randrange(len(LAST_NAMES))
        writer.writerow(
            [
                started.strftime(stamp),
                ended.strftime(stamp),
                1 if preview else 0,
                ""
                if preview
                else f"{extra.randrange(1, 224)}.{extra.randrange(256)}.{extra.randrange(256)}.{extra.randrange(1, 255)}",
                extra.randrange(20, 95) if unfinished else 100,
                duration,
                0 if unfinished else 1,
                recorded.strftime(stamp),
                f"R_{_base62(extra.getrandbits(48), 9)}{_base62(r.number, 6)}",
                LAST_NAMES[person] if emailed else "",
                FIRST_NAMES[person] if emailed else "",
                f"{r.customer.lower()}@example.com" if emailed else "",
                r.customer if emailed else "",
                "" if preview else f"{extra.uniform(25.0, 49.0):.4f}",
                "" if preview else f"{extra.uniform(-124.0, -67.0):.4f}",
                "preview" if preview else ("email" if emailed else "anonymous"),
                extra.choice(LANGUAGES),
                r.nps,
                1 if r.nps <= 6 else (2 if r.nps <= 8 else 3),  # detractor, passive, promoter
                "" if unfinished else r.comment,
                REGIONS[r.region],
            ]
        )


# -- SurveyMonkey: two header rows (question texts, then Response / sub-questions), GB18030, 12-hour times ---------

SURVEYMONKEY_ZONE = "Asia/Shanghai"
SURVEYMONKEY_NPS = "您向朋友或同事推荐我们的可能性有多大？"
SURVEYMONKEY_COMMENT = "您给出这个分数的主要原因是什么？"
SURVEYMONKEY_REGION = "您所在的地区"
#: the answers to the region question, in the order of REGIONS
SURVEYMONKEY_REGIONS = ["华北", "华南", "华东", "西部", "华中"]
SURVEYMONKEY_METADATA = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
]
SURVEYMONKEY_COLLECTORS = ["431275528", "431275529", "431302117"]  # web link, email, WeChat
CHINESE_SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵"]
CHINESE_NAMES = ["伟", "芳", "娜", "秀英", "敏", "静", "丽"]


def _write_surveymonkey(handle: IO[str], rows: int, seed: int) -> None:
    zone = zoneinfo.ZoneInfo(SURVEYMONKEY_ZONE)
    extra = random.Random(seed + 2)
    writer = csv.writer(handle)
    writer.writerow([*SURVEYMONKEY_METADATA, SURVEYMONKEY_NPS, SURVEYMONKEY_COMMENT, SURVEYMONKEY_REGION])
    writer.writerow([""] * len(SURVEYMONKEY_METADATA) + ["Response", "Open-Ended Response", "Response"])
    stamp = "%m/%d/%Y %I:%M:%S %p"
    for r in _responses(rows, seed):
        ended = r.submitted.astimezone(zone)
        started = ended - dt.timedelta(seconds=extra.randrange(25, 900))
        collector = extra.randrange(len(SURVEYMONKEY_COLLECTORS))
        emailed = collector == 1
        writer.writerow(
            [
                114_000_000_000 + 7 * r.number + extra.randrange(7),
                SURVEYMONKEY_COLLECTORS[collector],
                started.strftime(stamp),
                ended.strftime(stamp),
                f"{extra.randrange(1, 224)}.{extra.randrange(256)}.{extra.randrange(256)}.{extra.randrange(1, 255)}",
                f"{r.customer.lower()}@example.cn" if emailed else "",
                extra.choice(CHINESE_NAMES) if emailed else "",
                extra.choice(CHINESE_SURNAMES) if emailed else "",
                r.customer if emailed else "",
                r.nps,
                r.comment,
                SURVEYMONKEY_REGIONS[r.region],
            ]
        )


QUALTRICS_PROGRAMME = """\
name = "Benchmark programme (Qualtrics export)"

[[sources]]
id = "survey"
collector = "qualtrics"
path = "survey.csv"

[sources.columns]
comment = "Q2"
segments = { region = "Region" }

[sources.columns.questions]
nps = "Q1"
"""

SURVEYMONKEY_PROGRAMME = f"""\
name = "Benchmark programme (SurveyMonkey export)"

[[sources]]
id = "survey"
collector = "surveymonkey"
path = "survey.csv"
encoding = "gb18030"

[sources.columns]
comment = "{SURVEYMONKEY_COMMENT}"
segments = {{ region = "{SURVEYMONKEY_REGION}" }}

[sources.columns.questions]
nps = "{SURVEYMONKEY_NPS}"

[sources.options]
time_zone = "{SURVEYMONKEY_ZONE}"
"""


class Layout(NamedTuple):
    """An export layout: how to write it, and how the reference reads it back."""

    programme: str
    write: Callable[[IO[str], int, int], None]
    #: the encoding it is written in, and the reference reads it in
    encoding: str
    header_rows: int
    width: int


LAYOUTS = {
    "csv": Layout(PROGRAMME, _write_csv, "utf-8", 1, 12),
    # utf-8-sig: written with a BOM, as Qualtrics does, and read without it
    "qualtrics": Layout(QUALTRICS_PROGRAMME, _write_qualtrics, "utf-8-sig", 3, len(QUALTRICS_COLUMNS)),
    "surveymonkey": Layout(SURVEYMONKEY_PROGRAMME, _write_surveymonkey, "gb18030", 2, len(SURVEYMONKEY_METADATA) + 3),
}


def generate(folder: Path, rows: int, seed: int = 2026, layout: str = "csv") -> Path:
    """Write the programme file and ``survey.csv`` with ``rows`` responses in ``layout``."""
    chosen = LAYOUTS[layout]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cxframe.toml").write_text(chosen.programme, encoding="utf-8")
    path = folder / "survey.csv"
    with path.open("w", encoding=chosen.encoding, newline="") as handle:
        chosen.write(handle, rows, seed)
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


def step_reference(folder: Path, layout: str) -> dict[str, float]:
    """The floor: the file read by ``csv`` in its encoding, past its header rows, into one wide table, unchecked."""
    chosen = LAYOUTS[layout]
    width = chosen.width
    database = folder / "reference.db"
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute(f"CREATE TABLE responses ({', '.join(f'c{i}' for i in range(width))})")
    began = time.perf_counter()
    with (folder / "survey.csv").open(newline="", encoding=chosen.encoding) as handle:
        reader = csv.reader(handle)
        for _ in range(chosen.header_rows):
            next(reader)
        connection.execute("BEGIN")
        connection.executemany(f"INSERT INTO responses VALUES ({', '.join('?' * width)})", reader)
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


def step_ingest(folder: Path, layout: str) -> dict[str, Any]:
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
    result: dict[str, Any] = {
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
    if layout != "csv":  # the csv layout's output stays as it always was
        # the responses left out on purpose (Qualtrics previews, unfinished …): neither stored nor rejected
        result["notes"] = dict(summary.notes)
    return result


def step_measure(folder: Path, layout: str) -> dict[str, float]:
    from cxframe.api import open_programme
    from cxframe.contracts._records import Period
    from cxframe.measurement._engine import SQLiteEngine, compute_metric

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
        # the default clusters answers by respondent (the file maps customer_id): a second GROUP BY;
        # "independent" is the one-pass query, each answer its own cluster
        independent = SQLiteEngine(opened.store, respondent_clusters=False)
        timings: dict[str, list[float]] = {"bare": [], "measure": [], "independent": []}
        for _ in range(3):  # best of three, alternating, so that caches favour none
            began = time.perf_counter()
            groups = db.execute(bare_sql).fetchall()
            timings["bare"].append(time.perf_counter() - began)
            began = time.perf_counter()
            results = compute_metric(engine, nps, by=["region"], period=Period.MONTH)
            timings["measure"].append(time.perf_counter() - began)
            began = time.perf_counter()
            compute_metric(independent, nps, by=["region"], period=Period.MONTH)
            timings["independent"].append(time.perf_counter() - began)
        bare, measured = min(timings["bare"]), min(timings["measure"])
        return {
            "bare_seconds": bare,
            "measure_seconds": measured,
            "ratio": measured / bare,
            "measure_independent_seconds": min(timings["independent"]),
            "independent_ratio": min(timings["independent"]) / bare,
            "groups": len(groups),
            "results": len(results),
            "peak_rss_mb": _peak_rss_mb(),
        }


STEPS = {"reference": step_reference, "ingest": step_ingest, "measure": step_measure}


def run_step(name: str, folder: Path, layout: str = "csv") -> dict[str, Any]:
    """Run one step in a fresh interpreter so its peak RSS is its own."""
    output = subprocess.run(
        [sys.executable, __file__, "--step", name, "--folder", str(folder), "--layout", layout],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def compile_packages() -> None:
    """Write cxframe's and the built-in plugins' bytecode, as installing a package does.

    Why: where the environment keeps Python from writing bytecode
    (``PYTHONDONTWRITEBYTECODE``, set on the development machine), each step
    compiled those modules again, ~0.15 s of the ingest's time.
    """
    # every built-in plugin: the ingest's process loads them all (improve, text and insight were left out until #18)
    plugins = ("nps", "journey", "employee", "improve", "text", "insight")
    for package in ("cxframe", *(f"cxframe_{plugin}" for plugin in plugins)):
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--layout",
        choices=sorted(LAYOUTS),
        default="csv",
        help="the export layout to write and ingest (default: csv, the survey-csv collector)",
    )
    parser.add_argument(
        "--folder",
        type=Path,
        help="where to generate the data (default: benchmarks/data/survey for csv, benchmarks/data/<layout> otherwise)",
    )
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    layout = args.layout
    if args.folder is None:
        args.folder = HERE / "data" / ("survey" if layout == "csv" else layout)
    if args.step:
        print(json.dumps(STEPS[args.step](args.folder, layout)))
        return
    if args.folder.exists():
        shutil.rmtree(args.folder)
    compile_packages()
    began = time.perf_counter()
    generate(args.folder, args.rows, layout=layout)
    generated = time.perf_counter() - began
    results: dict[str, Any] = {} if layout == "csv" else {"layout": layout}
    results |= {
        "rows": args.rows,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "generate_seconds": generated,
        "file_mb": (args.folder / "survey.csv").stat().st_size / 1e6,
    }
    if layout != "csv":
        # what the ingest's notes should say: the rows the generator made previews or unfinished
        results["excluded_expected"] = expected_exclusions(layout, args.rows)
    # the machine may be shared: record how loaded it was, and compare CPU time with the reference's
    load = {"before": os.getloadavg()[0]}
    for name in ("reference", "ingest", "measure"):
        results[name] = run_step(name, args.folder, layout)
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
