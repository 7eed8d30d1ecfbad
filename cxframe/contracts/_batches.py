"""What a collector reads a source into: batches of raw columns plus what the columns mean.

A collector's job is to read its format; the core's job is everything after
(checks, scoring, de-duplication, rejects with their line, storing), done
set-based and the same for every collector. `SurveyBatches` and `EventBatches`
carry the batches and the mapping; `Drop`, `Require` and `TimestampRule` are
rules the core applies column-wise. A collector that yields rows instead
(`CollectedRow`) has them batched by the core.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from cxframe.contracts._records import Event, Observation

__all__ = [
    "Batch",
    "CollectedRow",
    "Drop",
    "EventBatches",
    "Reject",
    "Require",
    "Skipped",
    "SurveyBatches",
    "SurveyQuestion",
    "TimestampRule",
]


@attrs.frozen
class Reject:
    """A source row that cannot be used, and why. Stored in ``rejects``."""

    reason: str
    raw: str = ""


@attrs.frozen
class Skipped:
    """A question the respondent saw and did not answer (a blank cell, Qualtrics' ``-99``): not a reject.

    Counted in the ingest summary (``answers skipped``) when the row gave some
    other usable answer; a row with no usable answer at all is rejected.
    """

    question: str


#: What a collector yields: the 1-based line (or record number) in the source,
#: and what that line gave — an observation, an event, a reject, or a skipped answer.
CollectedRow = tuple[int, Observation | Event | Reject | Skipped]


@attrs.frozen
class Batch:
    """A block of a source's records as raw text columns, each record with its line: what a collector reads.

    ``lines`` (an int64 pyarrow array) holds each record's 1-based line in the
    file (row number in a spreadsheet, record number elsewhere), increasing
    from record to record (an event's key is its line: an event log whose
    lines repeat or go back fails to collect); ``columns``
    one pyarrow string array per column of the source, each as long as
    ``lines``, cells as read (not stripped; blank is ``""``). ``rejects`` are
    records of the block that cannot be rows (another width, a JSON line that
    is not an object), with their line; ``bytes_done`` how far into the file
    the block ends, for progress; ``delimiter`` the one its records were read
    with, so that a record the core rejects reads in its ``raw`` as the file
    had it (None: the source's ``options.delimiter``, else a tab for ``.tsv``
    and a comma). `cxframe.ingestion._delimited` makes them for
    delimited text, `cxframe.ingestion._delimited.batches_from_rows` from rows a
    collector reads itself.
    """

    lines: Any
    columns: Sequence[Any]
    rejects: Sequence[tuple[int, Reject]] = ()
    bytes_done: int = 0
    delimiter: str | None = None


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
    A blank answer, or one of `SurveyBatches.unanswered`, is *skipped*: not
    scored, not a reject, counted in the summary (a row none of whose answers
    is usable is still rejected, each answer with its reason).
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
    (`cxframe.ingestion._staged`): drops, timestamps, de-duplication by response id,
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
    #: answer texts that mean "seen, not answered" (Qualtrics' ``-99``): skipped like a blank answer
    unanswered: frozenset[str] = frozenset()


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
    #: what the collect summary calls one record: ``"row"`` of a delimited file, ``"event"`` of an XES log
    record: str = "row"
