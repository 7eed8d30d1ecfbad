"""A deliberately small plugin used by the core tests.

``toy-csv`` reads ``response,question,value,timestamp,region`` rows; a value
that is not a number, or a bad timestamp, is a reject. ``TOY_SLEEP_AFTER`` (an
environment variable) makes it pause forever after that many rows, so a test
can kill an ingest half-way.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

from cxframe import (
    Check,
    CheckResult,
    CheckStatus,
    Collector,
    IntervalMethod,
    MetricDefinition,
    Observation,
    Reject,
    Run,
    SourceReader,
    hookimpl,
)
from cxframe.contracts._batches import CollectedRow


def read(source: SourceReader) -> Iterator[CollectedRow]:
    sleep_after = int(os.environ.get("TOY_SLEEP_AFTER", "0"))
    marker = os.environ.get("TOY_MARKER")
    with source.open_text() as handle:
        rows = csv.reader(handle)
        next(rows)
        for line, row in enumerate(rows, start=2):
            if sleep_after and line - 1 > sleep_after:
                if marker:
                    Path(marker).write_text("sleeping")
                time.sleep(3600)
            response, question, value, timestamp, region = row
            try:
                number = float(value)
                when = dt.datetime.fromisoformat(timestamp)
            except ValueError as exc:
                yield line, Reject(str(exc), ",".join(row))
                continue
            yield (
                line,
                Observation(
                    question=question,
                    value=number,
                    timestamp=when if when.tzinfo else when.replace(tzinfo=dt.UTC),
                    source=source.id,
                    response_id=response or None,
                    segment={"region": region} if region else {},
                ),
            )


def _score_check(run: Run) -> CheckResult:
    count = run.store.count("observations")
    status = CheckStatus.PASS if count else CheckStatus.WARN
    return CheckResult(status=status, evidence=(f"{count} observations",))


@hookimpl
def register_collectors() -> list[Collector]:
    return [Collector(id="toy-csv", description="toy rows", read=read)]


@hookimpl
def register_metrics() -> list[MetricDefinition]:
    return [
        MetricDefinition(
            id="mean_score",
            title="Mean score",
            question="score",
            value_sql="value",
            interval=IntervalMethod.MEAN,
            min_sample=2,
        )
    ]


@hookimpl
def register_checks() -> list[Check]:
    return [Check(id="toy.has-data", title="Some observations are stored", run=_score_check)]
