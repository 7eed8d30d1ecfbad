"""What plugins register: collectors, checks, assessments and reporters.

Metric definitions are a contract of their own (`cxframe.MetricDefinition`).
Each class here pairs an id and a description with the callable that does the
work; the host validates ids and isolates failures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from cxframe.contracts import CheckResult, Event, MaturityResult, Observation, Severity, Stage

if TYPE_CHECKING:
    from cxframe.maturity import MaturityModel
    from cxframe.run import Run
    from cxframe.sources import SourceReader

__all__ = [
    "Assessment",
    "Batch",
    "Check",
    "CollectedRow",
    "Collector",
    "Drop",
    "EventBatches",
    "Reject",
    "Reporter",
    "Require",
    "SurveyBatches",
    "SurveyQuestion",
    "TimestampRule",
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


@attrs.frozen
class Batch:
    """A block of a source's records as raw text columns, each record with its line: what a collector reads.

    ``lines`` (an int64 pyarrow array) holds each record's 1-based line in the
    file (row number in a spreadsheet, record number elsewhere); ``columns``
    one pyarrow string array per column of the source, each as long as
    ``lines``, cells as read (not stripped; blank is ``""``). ``rejects`` are
    records of the block that cannot be rows (another width, a JSON line that
    is not an object), with their line; ``bytes_done`` how far into the file
    the block ends, for progress. `cxframe.delimited` makes them for
    delimited text, `cxframe.delimited.batches_from_rows` from rows a
    collector reads itself.
    """

    lines: Any
    columns: Sequence[Any]
    rejects: Sequence[tuple[int, Reject]] = ()
    bytes_done: int = 0


@attrs.frozen
class Drop:
    """Records left out on purpose by a column's value (Qualtrics previews, say), counted as ``note``.

    A record whose cell in ``column``, stripped and case-folded, is one of
    ``values`` is not a response: it is neither stored nor rejected, and the
    source's summary counts it under ``note`` (``excluded: preview``). A
    survey's drops are tried in order; a record counts under the first that
    matches.
    """

    column: int
    values: frozenset[str]
    note: str


@attrs.frozen
class Require:
    """A rule on a response's cell: ``reason(cell)`` (the cell stripped) says why the response is rejected, or None.

    Called once per distinct cell. A response failing several rules is
    rejected with their reasons joined by ``; ``.
    """

    column: int
    reason: Callable[[str], str | None]


@attrs.frozen
class TimestampRule:
    """What a source's ``parse_timestamp`` does, declared, so that the core can do it a column at a time.

    ``parse_timestamp`` reads ISO-8601 (unless ``iso`` is false), else the
    first of ``formats`` (``strptime`` codes) that fits; a time without an
    offset is in ``time_zone`` (an IANA name), else UTC. The core reads
    column-wise only what it can promise ``parse_timestamp`` reads alike (a
    text that `strftime` writes back exactly, in the first format, away from
    daylight-saving changes) and hands every other text to
    ``parse_timestamp``, so declaring less is never wrong, only slower.
    """

    formats: tuple[str, ...] = ()
    time_zone: str | None = None
    iso: bool = True


@attrs.frozen
class SurveyQuestion:
    """One question column of `SurveyBatches`.

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
class SurveyBatches:
    """A survey source as batches of raw columns plus what the columns mean: what a survey collector returns.

    The core does the rest, set-based and the same for every survey layout
    (`cxframe.staged`): drops, timestamps, de-duplication by response id,
    weights, scores, rules, rejects with their line and reason, storing. Column
    positions index a batch's ``columns``. Plain ISO-8601 timestamps
    (``YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|±HH:MM]``) are read by the core;
    ``parse_timestamp(text)`` gets every other text, cached per distinct
    text; when ``naive_utc`` is false, plain ISO-8601 without an offset goes
    to it too (a source time zone applies). ``close()`` releases the file.
    """

    width: int
    batches: Iterable[Batch]
    timestamp: int
    parse_timestamp: Callable[[str], dt.datetime | None]
    questions: tuple[SurveyQuestion, ...]
    naive_utc: bool = True
    #: optional fields by name (``response_id``, ``respondent_id``, ``touchpoint``,
    #: ``channel``, ``comment``, ``weight``) → column
    fields: Mapping[str, int] = attrs.field(factory=dict)
    segments: Mapping[str, int] = attrs.field(factory=dict)
    population: str = "customer"
    close: Callable[[], None] = lambda: None
    #: what a timestamp is expected to be, for the reason of an unparsable one
    timestamp_expected: str = "ISO-8601"
    drops: tuple[Drop, ...] = ()
    requires: tuple[Require, ...] = ()
    #: what ``parse_timestamp`` reads, declared so the core can read it column-wise (`TimestampRule`)
    timestamp_rule: TimestampRule | None = None


@attrs.frozen
class EventBatches:
    """An event log as batches of raw columns plus what the columns mean: what an event collector returns.

    The core does the rest, set-based, as for surveys: a record without a case
    id, activity or timestamp, or with a timestamp it cannot read, is a reject
    with its line and reason; every other is an event keyed by source and
    line, so a log collected again adds only what is new. ``describe`` names
    the case, activity and timestamp in reject reasons (``{"case": "column
    'order_id'"}``). Timestamps are read as for `SurveyBatches`.
    ``attributes`` maps attribute names to columns kept as text; or
    ``attributes_json`` is a column holding each event's attributes as a JSON
    object (blank for none). ``empty`` is the error when the source holds no
    record at all.
    """

    width: int
    batches: Iterable[Batch]
    case: int
    activity: int
    timestamp: int
    parse_timestamp: Callable[[str], dt.datetime | None]
    naive_utc: bool = True
    timestamp_expected: str = "ISO-8601"
    #: whether plain ISO-8601 is a timestamp (false: only what ``parse_timestamp`` reads, a source's own format)
    iso_timestamps: bool = True
    describe: Mapping[str, str] = attrs.field(factory=dict)
    #: optional fields by name (``touchpoint``, ``channel``, ``resource``, ``outcome``) → column
    fields: Mapping[str, int] = attrs.field(factory=dict)
    attributes: Mapping[str, int] = attrs.field(factory=dict)
    attributes_json: int | None = None
    close: Callable[[], None] = lambda: None
    drops: tuple[Drop, ...] = ()
    empty: str | None = None
    #: what ``parse_timestamp`` reads, declared so the core can read it column-wise (`TimestampRule`)
    timestamp_rule: TimestampRule | None = None


def _one_way_to_read(instance: Collector, attribute: attrs.Attribute[Any], value: object) -> None:
    if (instance.read is None) == (value is None):
        raise ValueError(f"collector {instance.id!r}: give read (rows) or batches (a survey's columns), not both")


@attrs.frozen
class Collector:
    """Reads one kind of source; the core validates and stores what it reads.

    Two ways to read, one of which a collector gives:

    * ``batches(source)`` returns `SurveyBatches` or `EventBatches`: the
      file's records as columns of raw text plus the column mapping. The core
      checks, scores, de-duplicates, rejects and stores them set-based. The
      built-in collectors read this way; `cxframe.delimited` reads delimited
      text.
    * ``read(source)`` yields ``(line, record)`` pairs, where ``record`` is an
      `Observation`, an `Event` or a `Reject`; the ingest batches them into
      the store as they come. Simple to write, slower per row.

    ``source`` is a `cxframe.sources.SourceReader` (path, encoding, column
    mapping, options, helpers to open the file). ``check_options(source)``
    may return problems with the source's settings before anything is read.
    ``settings(source)``, when given, returns what else decides how the
    source is read, as JSON-able data (the plugin settings it uses, say):
    when it changes, the source is read again and replaces its records, as
    when its columns or options change.
    """

    id: str = attrs.field(validator=_valid_id)
    description: str
    read: Callable[[SourceReader], Iterator[CollectedRow]] | None = None
    check_options: Callable[[SourceReader], Iterable[str]] | None = None
    batches: Callable[[SourceReader], SurveyBatches | EventBatches] | None = attrs.field(
        default=None, validator=_one_way_to_read, kw_only=True
    )
    settings: Callable[[SourceReader], Any] | None = attrs.field(default=None, kw_only=True)


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
