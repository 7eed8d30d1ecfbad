"""What plugins register: collectors, checks and reporters.

Metric definitions are a record of their own (`cxframe.MetricDefinition`),
maturity assessments live with the models (`cxframe.contracts._maturity`),
report sections with their content (`cxframe.contracts._sections`), and
what a collector reads is in `cxframe.contracts._batches`. Each class here
pairs an id and a description with the callable that does the work; the host
validates ids and isolates failures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from cxframe.contracts._batches import CollectedRow, EventBatches, SurveyBatches
from cxframe.contracts._records import CheckResult, CheckStatus, Severity, Stage

if TYPE_CHECKING:
    from cxframe.contracts._context import RunContext
    from cxframe.ingestion._sources import SourceReader

__all__ = ["Check", "Collector", "Reporter"]


def valid_id(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value or any(c.isspace() for c in value):
        raise ValueError(f"{attribute.name} must be a non-empty id without spaces, got {value!r}")


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
      built-in collectors read this way; `cxframe.ingestion._delimited` reads delimited
      text.
    * ``read(source)`` yields ``(line, record)`` pairs, where ``record`` is an
      `Observation`, an `Event` or a `Reject`; the ingest batches them into
      the store as they come. Simple to write, slower per row.

    ``source`` is a `cxframe.ingestion._sources.SourceReader` (path, encoding, column
    mapping, options, helpers to open the file). ``check_options(source)``
    may return problems with the source's settings before anything is read.
    ``settings(source)``, when given, returns what else decides how the
    source is read, as JSON-able data (the plugin settings it uses, say):
    when it changes, the source is read again and replaces its records, as
    when its columns or options change.
    """

    id: str = attrs.field(validator=valid_id)
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

    ``run(run)`` gets the current `cxframe.RunContext` and returns one or more
    `CheckResult`. The host fills in ``plugin`` (and ``check`` when left
    empty); an exception becomes a result with status ``error``.

    ``title`` says what the check wants ("Every touchpoint has an owner");
    ``problem`` says what is wrong when it warns or fails ("Touchpoints
    without an owner"): a warning or failure becomes a finding, and a
    finding's title must state the problem, never read as a success.
    """

    id: str = attrs.field(validator=valid_id)
    title: str
    run: Callable[[RunContext], CheckResult | Iterable[CheckResult]]
    severity: Severity = Severity.MEDIUM
    stage: Stage | None = None
    description: str = ""
    problem: str = ""

    def title_for(self, status: CheckStatus) -> str:
        """The title of a result with ``status``: the problem when it warns or fails (if given), else the title."""
        if status in (CheckStatus.WARN, CheckStatus.FAIL) and self.problem:
            return self.problem
        return self.title


@attrs.frozen
class Reporter:
    """An output format: renders the versioned assessment document to text."""

    id: str = attrs.field(validator=valid_id)
    title: str
    suffix: str
    render: Callable[[Mapping[str, Any]], str]
    description: str = ""
