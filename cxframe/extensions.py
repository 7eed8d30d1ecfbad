"""What plugins register: collectors, checks, assessments and reporters.

Metric definitions are a contract of their own (`cxframe.MetricDefinition`).
Each class here pairs an id and a description with the callable that does the
work; the host validates ids and isolates failures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from cxframe.contracts import CheckResult, Event, MaturityResult, Observation, Severity, Stage

if TYPE_CHECKING:
    from cxframe.maturity import MaturityModel
    from cxframe.run import Run
    from cxframe.sources import SourceReader

__all__ = [
    "Assessment",
    "Check",
    "CollectedRow",
    "Collector",
    "Reject",
    "Reporter",
    "StagedQuestion",
    "StagedSurvey",
]


def _valid_id(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value or any(c.isspace() for c in value):
        raise ValueError(f"{attribute.name} must be a non-empty id without spaces, got {value!r}")


@attrs.frozen
class Reject:
    """A source row that cannot be used, and why. Stored in ``rejects``."""

    reason: str
    raw: str = ""


#: What a collector yields: the 1-based line (or record number) in the source,
#: and what that line gave — an observation, an event, or a reject.
CollectedRow = tuple[int, Observation | Event | Reject]

#: What a staged reader's ``rows`` yield: a list of exactly ``width`` cell strings
#: followed by the record's 1-based line (an int), or ``(line, Reject)`` for a
#: record that cannot be a row (wrong number of fields).
StagedRow = list[Any] | tuple[int, Reject]


@attrs.frozen
class StagedQuestion:
    """One question column of a `StagedSurvey`.

    ``score(text)`` turns a stripped, non-blank answer into ``(value, None)``
    or ``(None, reason)``; it is called once per *distinct* answer text, not
    per row, so it may be as careful as it likes. ``reason`` is stored in
    ``rejects`` as it is (e.g. ``"nps: 11 is outside the scale 0–10"``).
    """

    id: str
    column: int
    score: Callable[[str], tuple[float | None, str | None]]
    scale_min: float | None = None
    scale_max: float | None = None


@attrs.frozen
class StagedCsv:
    """Where a `StagedSurvey`'s records lie in a UTF-8 CSV file, for the columnar reader (`cxframe.columnar`).

    ``start`` is the byte offset of the first record after the header and
    ``first_line`` its line number. ``misfit(line, cells)`` is what the
    collector makes of a record of another width (the rows it yields, as
    ``rows`` would). Give it only when the file's encoding is UTF-8 (with or
    without a byte-order mark) and Python's ``csv`` module, strict, with this
    ``delimiter`` and the default quoting, is how ``rows`` reads it: the
    columnar reader reads the same cells, and declines the file (the ingest
    then uses ``rows``) where it cannot be sure of that.
    """

    path: Path
    delimiter: str
    start: int
    first_line: int
    misfit: Callable[[int, list[str]], Iterable[tuple[int, Any]]]


@attrs.frozen
class StagedSurvey:
    """A survey source as raw rows plus a mapping, for the set-based ingest.

    The ingest machinery converts each row once, in one Python pass with the
    collector's own functions (answers and weights once per distinct cell
    text), stages only what will be stored in a temporary table, and
    de-duplicates and unpivots in SQL: one observation per (row, question),
    one reject per unusable row or answer, with the same reasons the streaming
    path gives (see `cxframe.staged`). Column positions index a row's cells.
    Plain ISO-8601 timestamps (``YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|±HH:MM]``)
    are read by the core; ``parse_timestamp(text)`` gets every other text,
    cached per distinct text (the cache starts over past 100,000 texts); when
    ``naive_utc`` is false, plain ISO-8601 without an offset goes to it too (a
    source time zone applies). ``close()`` releases the file.

    A large source (8 MB or more) is read in a forked child process where
    Linux and two cores allow (`cxframe.background`): ``rows``, ``score`` and
    ``parse_timestamp`` then run there, so anything they change besides what
    they return (a counter on the `SourceReader`, say) does not reach the
    ingest. Errors they raise reach it as themselves.
    """

    width: int
    rows: Iterator[StagedRow]
    timestamp: int
    parse_timestamp: Callable[[str], dt.datetime | None]
    questions: tuple[StagedQuestion, ...]
    naive_utc: bool = True
    #: optional fields by name (``response_id``, ``respondent_id``, ``touchpoint``,
    #: ``channel``, ``comment``, ``weight``) → column
    fields: Mapping[str, int] = attrs.field(factory=dict)
    segments: Mapping[str, int] = attrs.field(factory=dict)
    population: str = "customer"
    close: Callable[[], None] = lambda: None
    #: what a timestamp is expected to be, for the reason of an unparsable one
    timestamp_expected: str = "ISO-8601"
    #: where the records lie in the file, when a large one may be read column-wise (`StagedCsv`)
    csv: StagedCsv | None = None


@attrs.frozen
class Collector:
    """Reads one kind of source into observations or events.

    ``read(source)`` gets a `cxframe.sources.SourceReader` (path,
    encoding, column mapping, options, helpers to open the file) and yields
    ``(line, record)`` pairs, where ``record`` is an `Observation`, an
    `Event` or a `Reject`. It must stream: the ingest machinery
    batches the rows into the store as they come. ``check_options(source)``
    may return problems with the source's settings before anything is read.

    ``stage(source)``, when given, is the fast path for tabular survey data:
    it returns a `StagedSurvey` (raw rows and the column mapping) and the
    ingest validates and unpivots the rows in SQL instead of calling ``read``.
    It must store exactly what ``read`` would; ``read`` stays the reference.
    ``settings(source)``, when given, returns what else decides how the
    source is read, as JSON-able data (the plugin settings it uses, say):
    when it changes, the source is read again and replaces its records, as
    when its columns or options change.
    """

    id: str = attrs.field(validator=_valid_id)
    description: str
    read: Callable[[SourceReader], Iterator[CollectedRow]]
    check_options: Callable[[SourceReader], Iterable[str]] | None = None
    stage: Callable[[SourceReader], StagedSurvey] | None = None
    settings: Callable[[SourceReader], Any] | None = None


@attrs.frozen
class Check:
    """A rule over the programme and its data that passes, warns or fails with evidence.

    ``run(run)`` gets the current `cxframe.Run` and returns one or more
    `CheckResult`. The host fills in ``plugin`` (and ``check`` when left
    empty); an exception becomes a result with status ``error``.
    """

    id: str = attrs.field(validator=_valid_id)
    title: str
    run: Callable[[Run], CheckResult | Iterable[CheckResult]]
    severity: Severity = Severity.MEDIUM
    stage: Stage | None = None
    description: str = ""


@attrs.frozen
class Assessment:
    """A maturity model: scores each of its dimensions from the evidence in a run.

    Most plugins build one from a `cxframe.MaturityModel` (criteria scored from
    evidence or questionnaire answers) with ``MaturityModel.assessment()``,
    which sets ``model``. A plugin with its own scoring passes just ``assess``:
    ``assess(run)`` returns one `MaturityResult` per dimension.
    """

    id: str = attrs.field(validator=_valid_id)
    title: str
    assess: Callable[[Run], Sequence[MaturityResult]]
    description: str = ""
    dimensions: tuple[str, ...] = ()
    model: MaturityModel | None = None


@attrs.frozen
class Reporter:
    """An output format: renders the versioned assessment document to text."""

    id: str = attrs.field(validator=_valid_id)
    title: str
    suffix: str
    render: Callable[[Mapping[str, Any]], str]
    description: str = ""
