"""``kpi-csv``: operational and financial facts per customer and date (churned, revenue, cost to serve …).

Two layouts, by the ``[sources.columns]`` mapping:

* **long**, one fact a row: ``customer_id``, ``timestamp``, ``kpi`` (the
  column naming the KPI) and ``value``;
* **wide**, one row per customer and date: ``customer_id``, ``timestamp``
  and ``kpis = { churned = "Churned", revenue = "Revenue" }`` (KPI id →
  column).

Each fact is stored as an observation of population ``kpi`` whose question
is the KPI id and whose respondent id is the customer (a customer id is the
``respondent_id`` of survey answers and the case id of events), so it never
mixes with survey answers. ``churned`` must be 0 or 1 (``yes``/``no``,
``true``/``false`` read too); other KPIs any number. A timestamp is ISO-8601,
a date alone is midnight UTC, a time without an offset is UTC. A row that
cannot be used is rejected with its line and the reason; a blank cell is no
fact. Rows are read one by one (the collector's ``read`` path): KPI extracts
are one row per customer and date, not millions of survey answers.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from cxframe import CollectedRow, Collector, InvalidInput, Observation, Reject, SourceReader, raw_text

KPI = "kpi"
CHURNED = "churned"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TRUE = {"1", "1.0", "yes", "y", "true"}
_FALSE = {"0", "0.0", "no", "n", "false"}


def _layout(source: SourceReader) -> str:
    return "wide" if "kpis" in source.columns else "long"


def _wanted(columns: dict[str, Any]) -> list[tuple[str, str]]:
    """``(key, column)`` of every column the mapping names, in the file's reading order."""
    if "kpis" in columns:
        return [
            ("customer_id", columns["customer_id"]),
            ("timestamp", columns["timestamp"]),
            *((f"kpis.{name}", str(column)) for name, column in columns["kpis"].items()),
        ]
    return [(key, columns[key]) for key in ("customer_id", "timestamp", "kpi", "value")]


def _header(reader: Iterator[list[str]]) -> list[str] | None:
    """The header row of an open file's ``csv.reader``, stripped (and without a byte-order mark); None when empty."""
    header = next(reader, None)
    return None if header is None else [cell.strip().lstrip("\ufeff") for cell in header]


def check_options(source: SourceReader) -> Iterable[str]:
    """Problems with the mapping; when it is sound, every mapped column the file's header lacks (for validate)."""
    problems = list(_mapping_problems(source))
    yield from problems
    if problems or not source.path.is_file():
        return
    try:
        with source.open_text() as handle:
            header = _header(csv.reader(handle))
    except (InvalidInput, UnicodeDecodeError, csv.Error):
        return  # left to the reading, which says why with the line
    if header is None:
        return
    shown = source.display_path()
    for key, column in _wanted(source.columns):
        if column not in header:
            ranked = sorted(
                header, key=lambda name: -difflib.SequenceMatcher(None, column.casefold(), name.casefold()).ratio()
            )
            close = difflib.get_close_matches(column, header, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            yield f"columns.{key}: no column {column!r} in {shown}; {hint}its columns, closest first: {', '.join(ranked)}"


def _mapping_problems(source: SourceReader) -> Iterator[str]:
    columns = source.columns
    for required in ("customer_id", "timestamp"):
        if not isinstance(columns.get(required), str) or not columns[required].strip():
            yield f"columns.{required}: name the column that holds the {required.replace('_', ' ')}"
    if "kpis" in columns:
        kpis = columns["kpis"]
        if not isinstance(kpis, dict) or not kpis:
            yield 'columns.kpis: expected a table of KPI id → column, such as { churned = "Churned" }'
            return
        for name, column in kpis.items():
            if not _ID.match(str(name)):
                yield f"columns.kpis.{name}: a KPI id is lower case letters, digits and _ (e.g. churned, revenue)"
            if not isinstance(column, str) or not column.strip():
                yield f"columns.kpis.{name}: expected the column's name, got {column!r}"
        for extra in ("kpi", "value"):
            if extra in columns:
                yield f"columns.{extra}: the wide layout (columns.kpis) has no {extra} column; use one layout"
    else:
        for required in ("kpi", "value"):
            if not isinstance(columns.get(required), str) or not columns[required].strip():
                yield (
                    f"columns.{required}: name the column holding each fact's {required} "
                    '(long layout), or map columns.kpis = { churned = "Churned" } (wide layout)'
                )


def parse_time(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parse_value(kpi: str, text: str) -> tuple[float | None, str | None]:
    """A KPI's value, or why not."""
    cell = text.strip()
    if kpi == CHURNED:
        if cell.lower() in _TRUE:
            return 1.0, None
        if cell.lower() in _FALSE:
            return 0.0, None
        return None, f"{kpi}: expected 0 or 1 (churned or not), got {cell!r}"
    try:
        value = float(cell.replace(",", "")) if re.fullmatch(r"-?[\d,]*\.?\d+(e-?\d+)?", cell, re.I) else None
    except ValueError:
        value = None
    if value is None:
        return None, f"{kpi}: expected a number, got {cell!r}"
    return value, None


def read(source: SourceReader) -> Iterator[CollectedRow]:
    """Every fact of the file, each with its line; rejects with their line and reason."""
    columns = source.columns
    wide = _layout(source) == "wide"
    kpis: dict[str, str] = {str(k): str(v) for k, v in columns.get("kpis", {}).items()} if wide else {}
    with source.open_text() as handle:
        reader = csv.reader(handle)
        header = _header(reader)
        if header is None:
            return
        wanted = [column for _, column in _wanted(columns)]
        missing = [name for name in wanted if name not in header]
        if missing:
            found = ", ".join(header)
            yield 1, Reject(f"header: no column {', '.join(repr(m) for m in missing)} (the file has: {found})")
            return
        at = {name: header.index(name) for name in wanted}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            yield from _facts(source, row, line, at, kpis, columns)


def _facts(
    source: SourceReader, row: list[str], line: int, at: dict[str, int], kpis: dict[str, str], columns: dict[str, Any]
) -> Iterator[CollectedRow]:
    def cell(name: str) -> str:
        index = at[name]
        return row[index].strip() if index < len(row) else ""

    raw = raw_text(row)
    customer = cell(columns["customer_id"])
    moment = parse_time(cell(columns["timestamp"]))
    problems = []
    if not customer:
        problems.append("customer_id: missing")
    if moment is None:
        problems.append(f"timestamp: expected an ISO-8601 date or time, got {cell(columns['timestamp'])!r}")
    facts = list(kpis.items()) if kpis else [(cell(columns["kpi"]), columns["value"])]
    values: list[tuple[str, float]] = []
    for kpi, column in facts:
        if not kpis and not _ID.match(kpi.lower()):
            problems.append(f"kpi: expected a KPI id such as churned or revenue, got {kpi!r}")
            continue
        text = cell(column)
        if not text:
            continue  # a blank cell is no fact
        value, reason = parse_value(kpi.lower(), text)
        if reason is not None:
            problems.append(reason)
        elif value is not None:
            values.append((kpi.lower(), value))
    if problems:
        yield line, Reject("; ".join(problems), raw)
        return
    if not values:
        yield line, Reject("no KPI value in this row", raw)
        return
    assert moment is not None
    for kpi, value in values:
        yield (
            line,
            Observation(
                question=kpi,
                value=value,
                timestamp=moment,
                source=source.id,
                respondent_id=customer,
                population=KPI,
                scale_min=0.0 if kpi == CHURNED else None,
                scale_max=1.0 if kpi == CHURNED else None,
            ),
        )


kpi_csv = Collector(
    id="kpi-csv",
    description="Operational and financial facts per customer and date (churned, revenue …), long or wide",
    read=read,
    check_options=check_options,
)
