"""``event-csv``: an event log from a CSV file with a column mapping.

One row is one event. The mapping lives in the source's ``columns`` table::

    [[sources]]
    id = "orders"
    collector = "event-csv"
    path = "orders.csv"
    [sources.columns]
    case = "case:concept:name"         # required: the case (customer, ticket, order) id
    activity = "concept:name"          # required: what happened
    timestamp = "time:timestamp"       # required: when (ISO-8601; naive = UTC or options.timezone)
    channel = "channel"                # optional
    resource = "org:resource"          # optional: who or what handled it
    outcome = "result"                 # optional
    touchpoint = "touchpoint"          # optional
    attributes = ["amount", "region"]  # optional: further columns kept as event attributes

Options (``[sources.options]``): ``timestamp_format`` (``strptime`` codes,
for logs that are not ISO-8601), ``timezone`` (IANA name naive timestamps are
read in; default UTC) and ``delimiter`` (default ``,``).

Columns not in the mapping are not stored. A row without a case id, activity
or timestamp, with an unparsable timestamp or with the wrong number of fields
is a reject with its line (the file line the row starts on) and reason. A
mapped column missing from the header stops the source before anything is
stored, naming the file, line 1 and the columns the header has.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from cxframe import Collector, Event, InvalidInput, Reject, SourceReader
from cxframe.extensions import CollectedRow
from cxframe_journey import timestamps

REQUIRED = ("case", "activity", "timestamp")
OPTIONAL = ("channel", "resource", "outcome", "touchpoint")
OPTIONS = ("timestamp_format", "timezone", "delimiter")
#: What a pm4py-style CSV calls its case, activity and timestamp columns.
PM4PY_COLUMNS = {"case": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp"}


def check_options(source: SourceReader) -> Iterable[str]:
    """Problems with the source's mapping and options, before anything is read."""
    columns = source.columns
    known = (*REQUIRED, *OPTIONAL, "attributes")
    for key in columns:
        if key not in known:
            yield f"columns.{key}: unknown key; expected one of {', '.join(known)}"
    for key in REQUIRED:
        value = columns.get(key)
        if not isinstance(value, str) or not value.strip():
            example = PM4PY_COLUMNS[key]
            yield f'columns.{key}: expected the name of the {key} column, e.g. {key} = "{example}"'
    for key in OPTIONAL:
        if key in columns and (not isinstance(columns[key], str) or not columns[key].strip()):
            yield f"columns.{key}: expected a column name"
    attributes = columns.get("attributes", [])
    if not isinstance(attributes, list) or not all(isinstance(name, str) and name for name in attributes):
        yield 'columns.attributes: expected a list of column names, e.g. ["amount", "region"]'
    for key in source.options:
        if key not in OPTIONS:
            yield f"options.{key}: unknown option; expected one of {', '.join(OPTIONS)}"
    fmt = source.option("timestamp_format")
    if fmt is not None and (not isinstance(fmt, str) or "%" not in fmt):
        yield 'options.timestamp_format: expected strptime codes, e.g. "%d-%m-%Y %H:%M"'
    try:
        timestamps.timezone(source.option("timezone"))
    except ValueError as exc:
        yield f"options.timezone: {exc}"
    delimiter = source.option("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        yield "options.delimiter: expected one character"


def _index(header: list[str], column: str, path: str, key: str) -> int:
    try:
        return header.index(column)
    except ValueError:
        raise InvalidInput(
            [f"line 1: column {column!r} (columns.{key}) is not in the header; columns are: {', '.join(header)}"],
            where=path,
        ) from None


def read_header(rows: Iterator[list[str]], columns: Mapping[str, Any], path: str) -> list[str]:
    """The header row, stripped; InvalidInput when the file is empty or lacks a mapped column.

    Every mapped column (required, optional and attributes) must be in the
    header, so a misspelled mapping stops the source before anything is read.
    """
    try:
        header = [name.strip() for name in next(rows)]
    except StopIteration:
        raise InvalidInput(["the file is empty; expected a header row naming the columns"], where=path) from None
    for key in (*REQUIRED, *OPTIONAL):
        if key in columns:
            _index(header, columns[key], path, key)
    for name in columns.get("attributes", []):
        _index(header, name, path, "attributes")
    return header


def wrong_width(width: int, row: list[str]) -> str:
    """The reject reason of a row with the wrong number of fields."""
    return f"expected {width} fields, found {len(row)}"


def missing(columns: Mapping[str, Any], case_id: str, activity: str, when: str) -> str:
    """The reject reason of a row without a case id, activity or timestamp (the blank ones named)."""
    absent = [
        f"{what} (column {columns[key]!r})"
        for what, key, value in (
            ("case id", "case", case_id),
            ("activity", "activity", activity),
            ("timestamp", "timestamp", when),
        )
        if not value
    ]
    return f"missing {', '.join(absent)}"


def unparsable(columns: Mapping[str, Any], exc: ValueError) -> str:
    """The reject reason of a row whose timestamp does not parse (``exc`` from the timestamp parser)."""
    return f"{exc} in column {columns['timestamp']!r}"


def _raw(row: list[str], delimiter: str) -> str:
    """The row as it would be written back, quoted where needed."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(row)
    return buffer.getvalue()


def read(source: SourceReader) -> Iterator[CollectedRow]:
    """Yield ``(line, Event | Reject)`` for every row of the file; see the module docstring."""
    problems = list(check_options(source))
    if problems:  # the ingest machinery checks first; this guards direct calls
        raise InvalidInput(problems, where=str(source.path))
    columns: dict[str, Any] = source.columns
    path = str(source.path)
    delimiter: str = source.option("delimiter", ",")
    parse = timestamps.parser(source.option("timestamp_format"), timestamps.timezone(source.option("timezone")))
    with source.open_text() as handle:
        rows = csv.reader(handle, delimiter=delimiter)
        header = read_header(rows, columns, path)
        case_at, activity_at, timestamp_at = (header.index(columns[key]) for key in REQUIRED)
        optional = [(key, header.index(columns[key])) for key in OPTIONAL if key in columns]
        attributes = [(name, header.index(name)) for name in columns.get("attributes", [])]
        width = len(header)
        # the hot loop (a million rows is a normal log): positions looked up once, no per-row dicts
        channel_at, resource_at, outcome_at, touchpoint_at = (dict(optional).get(key) for key in OPTIONAL)
        source_id = source.id
        events = 0
        end_of_previous = rows.line_num
        for row in rows:
            line, end_of_previous = end_of_previous + 1, rows.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            events += 1
            if len(row) != width:
                yield line, Reject(wrong_width(width, row), _raw(row, delimiter))
                continue
            case_id, activity, when = row[case_at].strip(), row[activity_at].strip(), row[timestamp_at].strip()
            if not (case_id and activity and when):
                yield line, Reject(missing(columns, case_id, activity, when), _raw(row, delimiter))
                continue
            try:
                timestamp = parse(when)
            except ValueError as exc:
                yield line, Reject(unparsable(columns, exc), _raw(row, delimiter))
                continue
            yield (
                line,
                Event(
                    case_id=case_id,
                    activity=activity,
                    timestamp=timestamp,
                    source=source_id,
                    touchpoint=None if touchpoint_at is None else (row[touchpoint_at].strip() or None),
                    channel=None if channel_at is None else (row[channel_at].strip() or None),
                    resource=None if resource_at is None else (row[resource_at].strip() or None),
                    outcome=None if outcome_at is None else (row[outcome_at].strip() or None),
                    attributes={name: row[index] for name, index in attributes if row[index].strip()}
                    if attributes
                    else {},
                ),
            )
        if events == 0:
            raise InvalidInput(["no events: the file has a header but no rows"], where=path)


event_csv = Collector(
    id="event-csv",
    description="An event log (one event per row) from a CSV file, mapped with [sources.columns].",
    read=read,
    check_options=check_options,
)
