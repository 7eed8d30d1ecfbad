"""``survey-csv``: survey responses from a CSV file with a column mapping.

The mapping lives in the source's ``columns`` table::

    [sources.columns]
    response_id = "response_id"        # optional; de-duplicates re-exports
    respondent_id = "customer_id"      # optional
    timestamp = "submitted_at"         # required, ISO-8601 (naive = UTC)
    touchpoint = "touchpoint"          # optional
    channel = "channel"                # optional
    comment = "comment"                # optional free text
    weight = "weight"                  # optional survey weight
    segments = ["region"]              # or { region = "Region" }
    [sources.columns.questions]        # question id = column
    nps = "likely_to_recommend"

Each (row, question) with a usable score becomes an observation; a blank,
non-numeric or out-of-scale score, an unparsable timestamp or a repeated
response id is a reject with its line and reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Iterator
from typing import Any

from cxframe import Collector, InvalidInput, Observation, Reject, SourceReader
from cxframe.extensions import CollectedRow
from cxframe.store import check_segment_name

#: Scales of the well-known questions; others are checked only when ``options.scales`` names them.
DEFAULT_SCALES: dict[str, tuple[float, float]] = {"nps": (0, 10), "enps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
OPTIONAL_FIELDS = ("response_id", "respondent_id", "touchpoint", "channel", "comment", "weight")


def _segments(columns: dict[str, Any]) -> dict[str, str]:
    segments = columns.get("segments", {})
    if isinstance(segments, list):
        return {str(name).lower(): str(name) for name in segments}
    return {str(name): str(column) for name, column in segments.items()}


def check_options(source: SourceReader) -> Iterable[str]:
    columns = source.columns
    known = {"timestamp", "questions", "segments", *OPTIONAL_FIELDS}
    for key in columns:
        if key not in known:
            yield f"columns.{key}: unknown key; expected one of {', '.join(sorted(known))}"
    if not isinstance(columns.get("timestamp"), str):
        yield "columns.timestamp: expected the name of the timestamp column"
    questions = columns.get("questions")
    if not isinstance(questions, dict) or not questions:
        yield 'columns.questions: expected a table of question id = column name, e.g. { nps = "Q1" }'
    segments = columns.get("segments", {})
    if not isinstance(segments, list | dict):
        yield "columns.segments: expected a list of column names or a table of segment = column"
    else:
        for name in _segments(columns):
            problem = check_segment_name(name)
            if problem:
                yield f"columns.segments: {problem}"
    for name, scale in source.option("scales", {}).items():
        if not (isinstance(scale, list) and len(scale) == 2 and all(isinstance(v, int | float) for v in scale)):
            yield f"options.scales.{name}: expected [min, max]"


def _plugin_scales(source: SourceReader) -> dict[str, tuple[float, float]]:
    """The scales set for the metrics in ``[plugins.cxframe-nps]``, so answers and metrics agree."""
    if source.programme is None:
        return {}
    settings = source.programme.plugin_settings("cxframe-nps")
    scales = {}
    for question, key in (("csat", "csat_scale"), ("ces", "ces_scale")):
        if key in settings:
            low, high = settings[key]
            scales[question] = (float(low), float(high))
    return scales


def parse_timestamp(text: str) -> dt.datetime | None:
    """ISO-8601 with or without offset (naive is read as UTC), or None."""
    text = text.strip()
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _index(header: list[str], column: str, path: str, key: str) -> int:
    try:
        return header.index(column)
    except ValueError:
        raise InvalidInput(
            [f"line 1: column {column!r} (columns.{key}) is not in the header; columns are: {', '.join(header)}"],
            where=path,
        ) from None


def read(source: SourceReader) -> Iterator[CollectedRow]:
    columns = source.columns
    population = source.option("population", "customer")
    scales = {
        **DEFAULT_SCALES,
        **_plugin_scales(source),
        **{k: tuple(v) for k, v in source.option("scales", {}).items()},
    }
    with source.open_text() as handle:
        rows = csv.reader(handle)
        try:
            header = [name.strip() for name in next(rows)]
        except StopIteration:
            raise InvalidInput(["the file is empty; expected a header row"], where=str(source.path)) from None
        path = str(source.path)
        timestamp_at = _index(header, columns["timestamp"], path, "timestamp")
        optional = {field: _index(header, columns[field], path, field) for field in OPTIONAL_FIELDS if field in columns}
        questions = [
            (question, _index(header, column, path, f"questions.{question}"), scales.get(question))
            for question, column in columns["questions"].items()
        ]
        segments = [(name, _index(header, column, path, "segments")) for name, column in _segments(columns).items()]
        seen_responses: dict[str, int] = {}
        width = len(header)
        for line, row in enumerate(rows, start=2):
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                yield line, Reject(f"expected {width} fields, found {len(row)}", ",".join(row))
                continue
            timestamp = parse_timestamp(row[timestamp_at])
            if timestamp is None:
                yield line, Reject(f"unparsable timestamp {row[timestamp_at]!r} (expected ISO-8601)", ",".join(row))
                continue
            values = {field: (row[index].strip() or None) for field, index in optional.items()}
            response_id = values.get("response_id")
            if response_id is not None:
                first = seen_responses.setdefault(response_id, line)
                if first != line:
                    yield line, Reject(f"duplicate response id {response_id!r} (first on line {first})", ",".join(row))
                    continue
            weight = None
            if values.get("weight") is not None:
                try:
                    weight = float(values["weight"])  # type: ignore[arg-type]
                except ValueError:
                    weight = math.nan
                if not math.isfinite(weight) or weight <= 0:
                    yield line, Reject(f"weight {values['weight']!r} is not a positive number", ",".join(row))
                    continue
            segment = {name: row[index].strip() for name, index in segments if row[index].strip()}
            for question, index, scale in questions:
                text = row[index].strip()
                try:
                    score = float(text)
                except ValueError:
                    reason = "blank" if not text else f"not a number: {text!r}"
                    yield line, Reject(f"{question}: {reason}", ",".join(row))
                    continue
                if not math.isfinite(score) or (scale is not None and not scale[0] <= score <= scale[1]):
                    yield (
                        line,
                        Reject(f"{question}: {text} is outside the scale {scale[0]:g}–{scale[1]:g}", ",".join(row)),
                    )
                    continue
                yield (
                    line,
                    Observation(
                        question=question,
                        value=score,
                        timestamp=timestamp,
                        source=source.id,
                        respondent_id=values.get("respondent_id"),
                        response_id=response_id,
                        population=population,
                        scale_min=scale[0] if scale else None,
                        scale_max=scale[1] if scale else None,
                        touchpoint=values.get("touchpoint"),
                        channel=values.get("channel"),
                        segment=segment,
                        comment=values.get("comment"),
                        weight=weight,
                    ),
                )


survey_csv = Collector(
    id="survey-csv",
    description="Survey responses from a CSV file, mapped with [sources.columns].",
    read=read,
    check_options=check_options,
)
