"""Benchmark: the least the store's own tables cost to write, with nothing read or checked.

The ingest targets of issue #18 compare ``cxframe collect`` with a *floor*:
Python's ``csv`` reading the file into one wide table. The store does not
keep one wide table: a survey response is a row of ``responses`` (with its
unique key) and a row of ``answers`` per answered question; an event is a row
of ``events`` (with its unique key and its case/time index). This script
measures what writing those rows costs by itself, in the store's real schema
(a new store, its migrations applied), from rows already built in Python and
bound many to a statement as the ingest binds them, with the rollback
journal a large first ingest uses. No file is read, nothing
is checked or converted, and the programme and plugins are not loaded, so
nothing cxframe does before the write is counted: what it prints is a lower
bound for the ingest's store process.

* ``survey``: ``--rows`` responses with two answers each (NPS and CSAT), the
  shape of ``survey_ingest.py``'s file: 1M responses and 2M answers;
* ``events``: ``--rows`` events of 100,000 cases, the shape of
  ``journey_log.py``'s log, into an empty ``events`` table whose indexes are
  built after the rows (as a first ingest does, `Store.indexes_built_after`).

Usage::

    python benchmarks/schema_floor.py [--rows 1000000] [--step survey|events]

Each step runs in its own process and prints wall and CPU seconds (of this
process: SQLite runs in it) and the 1-minute load average; the rows are
generated from a fixed seed before the clock starts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: Rows bound to one multi-row INSERT, as the ingest binds them (cxframe.ingestion._staged.ROWS_PER_INSERT)
ROWS_PER_INSERT = 200


def _statements(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> list[tuple[str, list[Any]]]:
    """``rows`` as multi-row INSERT statements and their parameters, built before the clock starts."""
    width = len(columns)
    per = max(1, min(ROWS_PER_INSERT, 32766 // width))
    one = f"({', '.join('?' * width)})"

    def sql(count: int) -> str:
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * count)}"

    flat = [value for row in rows for value in row]
    step = per * width
    whole = len(flat) // step * step
    statements = [(sql(per), [tuple(flat[i : i + step]) for i in range(0, whole, step)])]
    if whole < len(flat):
        statements.append((sql((len(flat) - whole) // width), [tuple(flat[whole:])]))
    return statements


def _survey_rows(count: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rng = random.Random(18)
    regions = ["north", "south", "east", "west", "central"]
    responses, answers = [], []
    for line in range(2, count + 2):
        rid = f"R{line:08d}"
        month, day = 1 + line % 12, 1 + line % 28
        responses.append(
            (
                line,
                f"survey.csv|r:{rid}",
                1,
                "survey.csv",
                f"2025-{month:02d}-{day:02d}T10:{line % 60:02d}:00.000000Z",
                "+00:00",
                f"C{rng.randrange(300_000):06d}",
                rid,
                "customers",
                rng.choice(["app", "branch", "web"]),
                rng.choice(["mobile", "desk", "phone"]),
                "很好, but slow" if line % 3 == 0 else None,
                1.0,
                rng.choice(regions),
            )
        )
        answers.append(("nps", line, float(rng.randrange(11)), 0.0, 10.0, 1))
        answers.append(("csat", line, float(1 + rng.randrange(5)), 1.0, 5.0, 1))
    return responses, answers


def _event_rows(count: int) -> list[tuple[Any, ...]]:
    rng = random.Random(18)
    activities = [f"activity-{i}" for i in range(20)]
    return [
        (
            f"journey.csv|{line}",
            1,
            "journey.csv",
            f"C{rng.randrange(100_000):06d}",
            rng.choice(activities),
            f"2025-{1 + line % 12:02d}-{1 + line % 28:02d}T{line % 24:02d}:00:00.000000Z",
            "+00:00",
            rng.choice(["app", "branch", "web"]),
            None,
            None,
            None,
            None,
        )
        for line in range(2, count + 2)
    ]


def step(kind: str, rows: int) -> dict[str, Any]:
    from cxframe import Store
    from cxframe.store._sqlite import EVENT_COLUMNS

    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "cxframe.db") as store:
        conn = store.db.conn
        if kind == "survey":
            store.ensure_segment_columns(["region"])
            responses, answers = _survey_rows(rows)
            columns = ["id", "key", "ingest_id", "source", "timestamp", "tz_offset", "respondent_id"]
            columns += ["response_id", "population", "touchpoint", "channel", "comment", "weight", "region"]
            answer_columns = ["question", "response", "value", "scale_min", "scale_max", "ingest_id"]
            statements = _statements("responses", columns, responses) + _statements("answers", answer_columns, answers)
        else:
            statements = _statements("events", list(EVENT_COLUMNS), _event_rows(rows))
        # as a large first ingest writes (cxframe.ingestion._collect._pages_written_once): pages once, not twice
        conn.execute("PRAGMA journal_mode = DELETE")
        began, cpu = time.perf_counter(), time.process_time()
        # (for the survey step the events table is empty: dropping and building its indexes costs nothing)
        with store.writing(), store.indexes_built_after("events"):
            for sql, parameters in statements:
                conn.executemany(sql, parameters)
        seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
        table = "answers" if kind == "survey" else "events"
        written = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        expected = 2 * rows if kind == "survey" else rows
        if written != expected:
            raise SystemExit(f"{kind}: {written} rows in {table}, expected {expected}")
        return {
            "step": kind,
            "rows": rows,
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "load_average": os.getloadavg()[0],
            "cores": os.cpu_count(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--step", choices=["survey", "events"])
    arguments = parser.parse_args()
    if arguments.step:
        print(json.dumps(step(arguments.step, arguments.rows)))
        return
    for kind in ("survey", "events"):
        command = [sys.executable, __file__, "--step", kind, "--rows", str(arguments.rows)]
        print(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
