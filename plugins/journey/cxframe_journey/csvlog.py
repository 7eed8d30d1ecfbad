"""``event-csv``: an event log from a CSV file with a column mapping.

One row is one event. The mapping lives in the source's ``columns`` table::

    [[sources]]
    id = "orders"
    collector = "event-csv"
    path = "orders.csv"
    [sources.columns]
    case = "case:concept:name"         # required: the case (customer, ticket, order) id
    activity = "concept:name"          # required: what happened
    timestamp = "time:timestamp"       # required: when (ISO-8601; naive = UTC or options.time_zone)
    channel = "channel"                # optional
    resource = "org:resource"          # optional: who or what handled it
    outcome = "result"                 # optional
    touchpoint = "touchpoint"          # optional
    attributes = ["amount", "region"]  # optional: further columns kept as event attributes

Options (``[sources.options]``): ``timestamp_format`` (``strptime`` codes,
for logs that are not ISO-8601), ``time_zone`` (IANA name naive timestamps are
read in; default UTC) and ``delimiter`` (default ``,``).

Columns not in the mapping are not stored. The file is read by the core's
delimited reader and checked by the core (`cxframe.EventBatches`): a row
without a case id, activity or timestamp, with an unparsable timestamp or
with the wrong number of fields is a reject with its line (the file line the
row starts on) and reason. A mapped column missing from the header stops the
source before anything is stored (and ``cxframe validate`` reports it),
naming the file, line 1, the key and the columns the header has, closest
first.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import Any

from cxframe import (
    NAIVE_UTC,
    Collector,
    EventBatches,
    InvalidInput,
    SourceReader,
    TimestampRule,
    option_problems,
    read_delimited,
    read_header,
)
from cxframe_journey import timestamps

REQUIRED = ("case", "activity", "timestamp")
OPTIONAL = ("channel", "resource", "outcome", "touchpoint")
OPTIONS = ("timestamp_format", "time_zone", "delimiter")
#: Options under an old name, still read: old → new (one spelling with the survey collectors).
RENAMED_OPTIONS = {"timezone": "time_zone"}
#: What a pm4py-style CSV calls its case, activity and timestamp columns.
PM4PY_COLUMNS = {"case": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp"}


def _mapping_problems(source: SourceReader) -> Iterator[str]:
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
    yield from option_problems(source, OPTIONS, RENAMED_OPTIONS)
    fmt = source.option("timestamp_format")
    if fmt is not None and (not isinstance(fmt, str) or "%" not in fmt):
        yield 'options.timestamp_format: expected strptime codes, e.g. "%d-%m-%Y %H:%M"'
    try:
        timestamps.timezone(source.option("time_zone", formerly="timezone"))
    except ValueError as exc:
        yield f"options.{source.option_name('time_zone', formerly='timezone')}: {exc}"
    delimiter = source.option("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        yield "options.delimiter: expected one character"


def check_options(source: SourceReader) -> Iterable[str]:
    """Problems with the source's mapping and options, then (when those are sound) each mapped column the file lacks."""
    problems = list(_mapping_problems(source))
    yield from problems
    if not problems:
        yield from missing_columns(source)


def _closest_first(wanted: str, names: list[str]) -> list[str]:
    """``names`` most like ``wanted`` first (difflib's ratio, ignoring case): a typo's column shows first."""
    folded = wanted.casefold()
    return sorted(names, key=lambda name: -difflib.SequenceMatcher(None, folded, name.casefold()).ratio())


def _missing(source: SourceReader, header: list[str], shown: str) -> Iterator[str]:
    """``columns.KEY: no column … in the header of FILE`` for every mapped column not in ``header``."""
    columns = source.columns
    mapped = [(key, columns[key]) for key in (*REQUIRED, *OPTIONAL) if key in columns]
    mapped += [(f"attributes[{i}]", name) for i, name in enumerate(columns.get("attributes", []))]
    for key, column in mapped:
        if column not in header:
            ranked = _closest_first(column, header)
            close = difflib.get_close_matches(column, header, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            yield (
                f"columns.{key}: no column {column!r} in the header (line 1) of {shown}; "
                f"{hint}its columns, closest first: {', '.join(ranked)}"
            )


def _read_header(source: SourceReader) -> tuple[list[str], int]:
    """The header row, stripped, and its width; InvalidInput when the file is empty or cannot be read."""
    found = read_header(source, 1, source.option("delimiter", ","))
    if not found:
        raise InvalidInput(["the file is empty; expected a header row naming the columns"], where=str(source.path))
    return [name.strip() for name in found[0][1]], len(found[0][1])


def missing_columns(source: SourceReader) -> Iterator[str]:
    """Problems with the file's header for ``check_options``: each mapped column it lacks.

    Read by `header_of`'s reader, so ``validate`` and ``collect`` agree. A
    header that cannot be read is left to the reading, which says why.
    """
    if not source.path.is_file():
        return  # said by whoever checks the path (validate, the ingest)
    shown = source.display_path()
    try:
        header, _ = _read_header(source)
    except InvalidInput:
        return
    yield from _missing(source, header, shown)


def header_of(source: SourceReader) -> tuple[list[str], int]:
    """The header row, stripped, and its width; InvalidInput when the file is empty or lacks a mapped column.

    Every mapped column (required, optional and attributes) must be in the
    header, so a misspelled mapping stops the source before anything is read;
    all of them are named at once.
    """
    header, width = _read_header(source)
    problems = list(_missing(source, header, source.display_path()))
    if problems:
        raise source.problems(problems)
    return header, width


def event_batches(source: SourceReader) -> EventBatches:
    """The log's records as batches of raw columns with the source's mapping; see the module docstring."""
    problems = list(check_options(source))
    if problems:  # the ingest machinery checks first; this guards direct calls
        raise source.problems(problems)
    columns: dict[str, Any] = source.columns
    header, width = header_of(source)
    fmt = source.option("timestamp_format")
    zone = timestamps.timezone(source.option("time_zone", formerly="timezone"))

    batches = read_delimited(source, header_rows=1, width=width, delimiter=source.option("delimiter", ","))
    return EventBatches(
        width=width,
        batches=batches,
        case=header.index(columns["case"]),
        activity=header.index(columns["activity"]),
        timestamp=header.index(columns["timestamp"]),
        parse_timestamp=timestamps.lenient(timestamps.parser(fmt, zone)),
        naive_utc=zone is NAIVE_UTC,
        timestamp_expected=timestamps.expected(fmt),
        iso_timestamps=not fmt,
        describe={key: f"column {columns[key]!r}" for key in REQUIRED},
        fields={key: header.index(columns[key]) for key in OPTIONAL if key in columns},
        attributes={name: header.index(name) for name in columns.get("attributes", [])},
        close=batches.close,
        empty="no events: the file has a header but no rows",
        timestamp_rule=TimestampRule(
            formats=(fmt,) if fmt else (), time_zone=source.option("time_zone", formerly="timezone"), iso=not fmt
        ),
    )


event_csv = Collector(
    id="event-csv",
    description="An event log (one event per row) from a CSV file, mapped with [sources.columns].",
    batches=event_batches,
    check_options=check_options,
)
