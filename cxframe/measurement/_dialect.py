"""SQL dialects: the one place where SQLite and Spark SQL differ.

The engines build the same queries (`cxframe.measurement._engine.SQLEngine`);
what differs between the two is said here and nowhere else:

* quoting a segment column (``[region]`` / ```region```);
* the period label of a timestamp (`Dialect.period`): SQLite reads the stored
  UTC text, Spark a ``TIMESTAMP`` read in the UTC session time zone; both
  give ``2026-03``, ``2026-Q1``, ``2026-W09``, ``2026-03-01``, ``2026``;
* ``TOTAL`` (a float sum that is 0.0 over nothing), counting true conditions,
  and the ``LIMIT -1`` that keeps SQLite from evaluating a value expression
  once per use;
* a metric definition's per-observation value expression (`Dialect.value`):
  written once, for SQLite, and translated for Spark — ``[column]`` quoting,
  ``julianday``, ``strftime``, ``CAST … AS REAL/TEXT`` — then cast to
  ``DOUBLE`` (Spark reads ``1.0`` as a decimal);
* the time a query's ``until`` bound is compared with (stored text, or a
  timestamp).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import ClassVar, Protocol

from cxframe.contracts._records import Period
from cxframe.store._sqlite import utc_text

__all__ = ["SPARK", "SQLITE", "Dialect", "SQLiteDialect", "SparkDialect", "spark_value_sql"]


class Dialect(Protocol):
    """What an engine's SQL needs to know about the database it runs on."""

    name: str
    #: appended to the innermost row query (SQLite: keep it a co-routine, see `SQLiteDialect.barrier`)
    barrier: str

    def quote(self, column: str) -> str: ...

    def period(self, period: Period, column: str = "timestamp") -> str: ...

    def total(self, expression: str) -> str: ...

    def count_true(self, condition: str) -> str: ...

    def value(self, value_sql: str) -> str: ...

    def time_bound(self, until: dt.datetime) -> object: ...

    def months(self, column: str = "timestamp") -> str: ...

    def day(self, expression: str) -> str: ...

    def distinct_list(self, expression: str) -> str: ...


class SQLiteDialect:
    """SQLite 3.40+: timestamps are UTC text ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, which sorts in time order."""

    name = "sqlite"
    # LIMIT -1 (no limit) keeps SQLite from flattening the row query into the GROUP BY above it, which would
    # evaluate value_sql once per use (four times a row); as a co-routine it runs once a row
    barrier = " LIMIT -1"

    def quote(self, column: str) -> str:
        return f"[{column}]"

    def period(self, period: Period, column: str = "timestamp") -> str:
        if period is Period.DAY:
            return f"substr({column}, 1, 10)"
        if period is Period.MONTH:
            return f"substr({column}, 1, 7)"
        if period is Period.YEAR:
            return f"substr({column}, 1, 4)"
        if period is Period.QUARTER:
            return f"substr({column}, 1, 4) || '-Q' || ((CAST(substr({column}, 6, 2) AS INTEGER) + 2) / 3)"
        # ISO week: the week's Thursday decides its year (SQLite 3.40 lacks %V)
        thursday = f"date({column}, '-3 days', 'weekday 4')"
        return f"printf('%s-W%02d', strftime('%Y', {thursday}), (strftime('%j', {thursday}) - 1) / 7 + 1)"

    def total(self, expression: str) -> str:
        return f"TOTAL({expression})"

    def count_true(self, condition: str) -> str:
        return f"SUM({condition})"

    def value(self, value_sql: str) -> str:
        return f"({value_sql})"

    def time_bound(self, until: dt.datetime) -> object:
        # stored times are UTC text with six fraction digits: text order is time order
        return utc_text(until)[0]

    def months(self, column: str = "timestamp") -> str:
        return self.period(Period.MONTH, column)

    def day(self, expression: str) -> str:
        return self.period(Period.DAY, expression)

    def distinct_list(self, expression: str) -> str:
        return f"group_concat(DISTINCT {expression})"


class SparkDialect:
    """Spark SQL 4: ``timestamp`` is a ``TIMESTAMP`` (UTC session time zone), ANSI mode off as in SQLite."""

    name = "spark"
    barrier = ""
    #: SQLite strftime directives → Spark datetime patterns
    FORMATS: ClassVar[dict[str, str]] = {
        "%Y": "yyyy",
        "%m": "MM",
        "%d": "dd",
        "%H": "HH",
        "%M": "mm",
        "%S": "ss",
        "%f": "ss.SSS",
        "%j": "DDD",
        "%%": "%",
    }

    def quote(self, column: str) -> str:
        return f"`{column}`"

    def period(self, period: Period, column: str = "timestamp") -> str:
        if period is Period.DAY:
            return f"date_format({column}, 'yyyy-MM-dd')"
        if period is Period.MONTH:
            return f"date_format({column}, 'yyyy-MM')"
        if period is Period.YEAR:
            return f"date_format({column}, 'yyyy')"
        if period is Period.QUARTER:
            return f"date_format({column}, 'yyyy') || '-Q' || quarter({column})"
        # ISO week and its week-based year (Spark 3+ has no 'Y'/'w' patterns; these functions are ISO 8601)
        return f"format_string('%04d-W%02d', extract(YEAROFWEEK FROM {column}), weekofyear({column}))"

    def total(self, expression: str) -> str:
        return f"COALESCE(SUM({expression}), 0.0D)"

    def count_true(self, condition: str) -> str:
        return f"COUNT_IF({condition})"

    def value(self, value_sql: str) -> str:
        return f"CAST(({spark_value_sql(value_sql)}) AS DOUBLE)"

    def time_bound(self, until: dt.datetime) -> object:
        return until.astimezone(dt.UTC)

    def months(self, column: str = "timestamp") -> str:
        return self.period(Period.MONTH, column)

    def day(self, expression: str) -> str:
        # as text in SQL: a TIMESTAMP collected by PySpark would come back in the driver's local time zone
        return self.period(Period.DAY, expression)

    def distinct_list(self, expression: str) -> str:
        return f"concat_ws(',', collect_set({expression}))"


SQLITE = SQLiteDialect()
SPARK = SparkDialect()

_BRACKETED = re.compile(r"\[([A-Za-z_][A-Za-z0-9_]*)\]")
_CASTS = re.compile(r"\bAS\s+(REAL|TEXT|NUMERIC)\b", re.IGNORECASE)
_CAST_TYPES = {"REAL": "DOUBLE", "TEXT": "STRING", "NUMERIC": "DOUBLE"}
_STRING = re.compile(r"'(?:[^']|'')*'")


def spark_value_sql(value_sql: str) -> str:
    """A metric's SQLite value expression in Spark SQL.

    Most expressions (``CASE WHEN value >= 9 THEN 1.0 …``, ``value``) are the
    same in both. Translated, outside string literals: ``[column]`` quoting,
    ``CAST(… AS REAL|TEXT|NUMERIC)``, ``julianday(x)`` (days since noon,
    4714 BC, from the timestamp's microseconds) and ``strftime(format, x)``
    (``%Y %m %d %H %M %S %j``).
    """
    pieces: list[str] = []
    last = 0
    for literal in _STRING.finditer(value_sql):
        pieces.append(_translate_code(value_sql[last : literal.start()]))
        pieces.append(literal.group(0))
        last = literal.end()
    pieces.append(_translate_code(value_sql[last:]))
    return _calls(
        _calls("".join(pieces), "julianday", _julianday),
        "strftime",
        _strftime,
    )


def _translate_code(code: str) -> str:
    code = _BRACKETED.sub(lambda m: f"`{m.group(1)}`", code)
    return _CASTS.sub(lambda m: f"AS {_CAST_TYPES[m.group(1).upper()]}", code)


def _julianday(arguments: list[str]) -> str:
    return f"(unix_micros(CAST({arguments[0]} AS TIMESTAMP)) / 86400000000.0D + 2440587.5D)"


def _strftime(arguments: list[str]) -> str:
    form, *rest = arguments
    literal = form.strip()
    if not (literal.startswith("'") and literal.endswith("'")) or not rest:
        return f"strftime({', '.join(arguments)})"  # not a form we translate: Spark will say what it lacks
    pattern = re.sub(r"%.", lambda m: SparkDialect.FORMATS.get(m.group(0), m.group(0)), literal[1:-1])
    return f"date_format(CAST({rest[0]} AS TIMESTAMP), '{pattern}')"


def _calls(sql: str, function: str, rewrite: Callable[[list[str]], str]) -> str:
    """``sql`` with each call of ``function`` (any case) rewritten from its top-level arguments."""
    found = re.compile(rf"\b{function}\s*\(", re.IGNORECASE)
    out: list[str] = []
    position = 0
    while (match := found.search(sql, position)) is not None:
        depth, index, start = 1, match.end(), match.end()
        arguments: list[str] = []
        quoted = False
        while index < len(sql) and depth:
            char = sql[index]
            if char == "'":
                quoted = not quoted
            elif not quoted and char == "(":
                depth += 1
            elif not quoted and char == ")":
                depth -= 1
            elif not quoted and char == "," and depth == 1:
                arguments.append(sql[start:index].strip())
                start = index + 1
            index += 1
        if depth:  # unbalanced: leave the rest as it is
            break
        arguments.append(sql[start : index - 1].strip())
        out.append(sql[position : match.start()])
        out.append(rewrite([_calls(argument, function, rewrite) for argument in arguments]))
        position = index
    out.append(sql[position:])
    return "".join(out)
