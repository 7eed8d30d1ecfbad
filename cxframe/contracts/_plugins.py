"""What plugins register: collectors, checks and reporters.

Metric definitions are a record of their own (`cxframe.MetricDefinition`),
maturity assessments live with the models (`cxframe.contracts._maturity`),
report sections with their content (`cxframe.contracts._sections`), and
what a collector reads is in `cxframe.contracts._batches`. Each class here
pairs an id and a description with the callable that does the work; the host
validates ids and isolates failures.
"""

from __future__ import annotations

import json
import shlex
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from cxframe.contracts._batches import CollectedRow, EventBatches, SurveyBatches
from cxframe.contracts._records import CheckResult, CheckStatus, Severity, Stage

if TYPE_CHECKING:
    from cxframe.contracts._context import RunContext
    from cxframe.ingestion._sources import SourceReader

__all__ = ["SURE", "Check", "Collector", "Detection", "Reporter"]


def valid_id(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value or any(c.isspace() for c in value):
        raise ValueError(f"{attribute.name} must be a non-empty id without spaces, got {value!r}")


def _one_way_to_read(instance: Collector, attribute: attrs.Attribute[Any], value: object) -> None:
    if (instance.read is None) == (value is None):
        raise ValueError(f"collector {instance.id!r}: give read (rows) or batches (a survey's columns), not both")


#: The confidence from which a `Detection` without doubts is taken without asking.
SURE = 0.9


def toml_value(value: Any) -> str:
    """A column mapping's value as TOML (and as a ``--column`` value): strings quoted, lists and tables inline."""
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(key)} = {toml_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    # JSON's string escapes are TOML's basic-string escapes; non-ASCII stays readable, DEL is escaped (TOML forbids it)
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
    return key if bare else toml_value(key)


def _flatten(columns: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``questions = { nps = "Q1" }`` as ``("questions.nps", "Q1")``; lists and segment tables stay whole."""
    for key, value in columns.items():
        if key == "questions" and isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


@attrs.frozen
class Detection:
    """What a collector recognised in a file it was asked about (`Collector.detect`).

    ``columns`` and ``options`` are what the file's ``[[sources]]`` entry
    would say. ``confidence`` (0–1) is how sure the collector is that the
    file is its layout and the mapping right; ``doubts`` say why it is not
    sure (two candidate NPS questions, no timestamp …), ``needs`` the mapping
    keys the user must still give. The core takes a detection only when it is
    the single one at the top, at least `SURE`, without doubts or needs; otherwise it asks the user for the mapping, showing this
    one as the starting point. ``took`` and ``left_out`` are shown to the user:
    one line each, saying what was mapped and what was not, and why.
    """

    #: the layout in words, e.g. "a Qualtrics export (three header rows)"
    layout: str
    confidence: float
    columns: Mapping[str, Any] = attrs.field(factory=dict)
    options: Mapping[str, Any] = attrs.field(factory=dict)
    took: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    doubts: tuple[str, ...] = ()
    #: mapping keys the user must still give (``"questions.nps"``): shown as ``--column KEY=COLUMN``
    needs: tuple[str, ...] = ()
    #: the id of the collector that recognised the file; filled in by the core
    collector: str = ""

    @property
    def sure(self) -> bool:
        return self.confidence >= SURE and not self.doubts and not self.needs

    def command(self, file: str) -> str:
        """The ``cxframe collect`` command line that reads ``file`` with this mapping, explicitly."""
        words = ["cxframe", "collect", file, "--collector", self.collector or "COLLECTOR"]
        for key, value in _flatten(self.columns):
            shown = value if isinstance(value, str) and value.strip() == value and _plain(value) else toml_value(value)
            words += ["--column", f"{key}={shown}"]
        for key in self.needs:
            words += ["--column", f"{key}=COLUMN"]
        for key, value in self.options.items():
            words += ["--option", f"{key}={toml_value(value)}"]
        return " ".join(shlex.quote(word) for word in words)

    def describe(self, file: str) -> list[str]:
        """What was recognised in ``file``, what was taken and left out, as lines for people."""
        lines = [f"{file}: {self.layout}, read with collector {self.collector!r}"]
        lines += [f"  took: {line}" for line in self.took]
        lines += [f"  left out: {line}" for line in self.left_out]
        lines += [f"  not sure: {line}" for line in self.doubts]
        lines.append(f"  the same as: {self.command(file)}")
        return lines

    def source_entry(self, source_id: str, path: str) -> str:
        """The file's ``[[sources]]`` entry for a programme file, with this mapping."""
        lines = ["[[sources]]", f"id = {toml_value(source_id)}", f"collector = {toml_value(self.collector)}"]
        lines.append(f"path = {toml_value(path)}")
        # a comment ends at a line break: column names and question texts may hold one
        lines += [f"# took: {_one_line(line)}" for line in self.took]
        lines += [f"# left out: {_one_line(line)}" for line in self.left_out]
        lines.append("[sources.columns]")
        lines += [f"{_toml_key(key)} = {toml_value(value)}" for key, value in self.columns.items()]
        if self.options:
            lines.append("[sources.options]")
            lines += [f"{_toml_key(key)} = {toml_value(value)}" for key, value in self.options.items()]
        return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """Text for a TOML comment: control characters (line breaks included) as spaces."""
    return "".join(" " if ord(c) < 0x20 or ord(c) == 0x7F else c for c in text)


def _plain(text: str) -> bool:
    """Whether a column name needs no quoting as a ``--column`` value (TOML would not read it as something else)."""
    try:
        parsed = tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return bool(text)
    return isinstance(parsed, str) and parsed == text


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

    ``detect(source)``, optional, says whether the file ``source.path`` is the
    collector's layout: a `Detection` with the columns and options its
    ``[[sources]]`` entry would need, or None when the file is not its kind.
    The core asks every collector that has it when a file is collected or
    put into a new programme without a mapping (`cxframe.detect_source`), and
    takes the single sure answer. It should read only the file's start.

    ``solicited`` (default True) says whether its records answer a question
    the programme asked (a survey). App-store reviews and social posts are
    feedback nobody asked for: their collector sets it False, and the
    maturity models do not count them as survey answers or as respondents
    (their texts still count as customers' comments).
    """

    id: str = attrs.field(validator=valid_id)
    description: str
    read: Callable[[SourceReader], Iterator[CollectedRow]] | None = None
    check_options: Callable[[SourceReader], Iterable[str]] | None = None
    batches: Callable[[SourceReader], SurveyBatches | EventBatches] | None = attrs.field(
        default=None, validator=_one_way_to_read, kw_only=True
    )
    settings: Callable[[SourceReader], Any] | None = attrs.field(default=None, kw_only=True)
    detect: Callable[[SourceReader], Detection | None] | None = attrs.field(default=None, kw_only=True)
    solicited: bool = attrs.field(default=True, kw_only=True)


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
