"""An independent reference for the survey ingest: a CSV survey read row by row, each rule applied in turn.

The core checks and stores a survey set-based, a batch of columns at a time
(`cxframe.ingestion._cleaning`, `cxframe.ingestion._staged`), from pyarrow's reading of the file
(`cxframe.ingestion._delimited`). This reads the same file with Python's ``csv`` module
and applies the survey rules to one row at a time, in the order a person
would (timestamp, repeated response id, weight, each answer), yielding
observations and rejects through the core's row path. Tests hold the two to
storing the same, so every shortcut of the set-based path is checked against
the plain reading of the rules.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator

from cxframe import CollectedRow, Collector, Observation, Reject, Skipped, SourceReader, raw_text
from cxframe.ingestion._cleaning import BLANK_WEIGHT
from cxframe.store._sqlite import utc_text
from cxframe_nps.collectors import _answer, _expected_time, _mapping, parse_timestamp
from cxframe_nps.formats import read_csv


def _records(source: SourceReader, width: int) -> Iterator[tuple[int, list[str] | Reject]]:
    """The records after the header row, as ``csv`` reads them: blank ones skipped, others ``width`` cells or a reject."""
    with source.open_text() as handle:
        reader = csv.reader(handle, delimiter=source.option("delimiter", ","))
        end = 0
        for number, cells in enumerate(reader):
            start, end = end + 1, reader.line_num
            if number == 0 or not any(cell.strip() for cell in cells):
                continue
            if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
                cells = cells[:width]
            if len(cells) != width:
                yield start, Reject(f"expected {width} fields, found {len(cells)}", raw_text(cells))
                continue
            yield start, cells


def read(source: SourceReader) -> Iterator[CollectedRow]:
    table = read_csv(source)
    table.close()
    mapping = _mapping(source, table, None, ())
    stamp, zone, formats, population = mapping.stamp, mapping.zone, mapping.formats, mapping.population
    expected = _expected_time(formats)
    indexes = {field: column.index for field, column in mapping.optional.items()}
    seen_responses: dict[str, int] = {}
    for line, row in _records(source, len(table.columns)):
        if isinstance(row, Reject):
            yield line, row
            continue
        raw = raw_text(row)
        timestamp = parse_timestamp(row[stamp.index], zone, formats)
        if timestamp is None:
            cell = row[stamp.index]
            said = "no timestamp" if not cell.strip() else f"unparsable timestamp {cell!r}"
            yield line, Reject(f"{said} (expected {expected})", raw)
            continue
        try:
            utc_text(timestamp)
        except OverflowError:
            yield line, Reject(f"timestamp {row[stamp.index]!r} is out of range in UTC", raw)
            continue
        values = {field: (row[index].strip() or None) for field, index in indexes.items()}
        response_id = values.get("response_id")
        if response_id is not None:
            first = seen_responses.setdefault(response_id, line)
            if first != line:
                yield line, Reject(f"duplicate response id {response_id!r} (first on line {first})", raw)
                continue
        weight = None
        weight_text = values.get("weight")
        if weight_text is None and "weight" in indexes:
            yield line, Reject(BLANK_WEIGHT, raw)
            continue
        if weight_text is not None:
            try:
                weight = float(weight_text)
            except ValueError:
                weight = math.nan
            if not math.isfinite(weight) or weight <= 0:
                yield line, Reject(f"weight {weight_text!r} is not a positive number", raw)
                continue
        segment = {name: row[index].strip() for name, index in mapping.segments if row[index].strip()}
        scored = [
            (question, scale, *(_answer(question, text, scale, labels) if text else (None, f"{question}: blank")))
            for question, index, scale, labels in mapping.questions
            for text in [row[index].strip()]
        ]
        # a blank answer is skipped, unless no answer of the row is usable: then each is a reject
        answered = any(score is not None for _, _, score, _ in scored)
        for question, scale, score, reason in scored:
            if score is None:
                blank = reason == f"{question}: blank"
                yield line, (Skipped(question) if blank and answered else Reject(reason or question, raw))
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


#: ``survey-csv`` read row by row: the reference the core's ingest is held to.
rowwise_survey_csv = Collector(id="survey-csv", description="survey-csv, row by row (test reference)", read=read)
