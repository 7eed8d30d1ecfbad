"""``xes``: an event log in IEEE 1849 XES, plain (``.xes``) or gzipped (``.xes.gz``).

The file is streamed with `xml.etree.ElementTree.iterparse`: each event is
read and cleared as soon as its element ends, and each trace as soon as it
ends, so memory holds one trace at a time however large the log. Gzip is
recognised by its magic bytes, whatever the file is called. The XML
declaration gives the encoding (the source's ``encoding`` setting is not used).

What becomes of the XES attributes (standard extensions):

* trace ``concept:name`` → the event's ``case_id``; the trace's other
  attributes → event attributes prefixed ``case:`` (as pm4py names them);
* event ``concept:name`` → ``activity``; ``time:timestamp`` → ``timestamp``
  (naive dates are read as UTC, or in ``options.time_zone``);
  ``org:resource`` → ``resource``;
* every other ``string``, ``id``, ``int``, ``float``, ``boolean`` and
  ``date`` attribute of the event → ``attributes`` with its type (a value that
  does not parse as its declared type is kept as text; dates are kept as
  written). ``list`` and ``container`` attributes, nested (meta) attributes
  and ``<global>`` defaults are not read.

The keys can be changed in the source's ``columns``: ``case`` (trace
attribute), ``activity``, ``timestamp``, ``resource``, and ``channel``,
``touchpoint``, ``outcome`` (unset by default).

**Lifecycle.** Like pm4py's ``read_xes`` and its variants and DFG discovery,
every event is kept by default, whatever its ``lifecycle:transition`` (which is
kept as an attribute). To keep only some transitions, set
``options.lifecycle = "complete"`` (or a list); events with another transition
are skipped and counted in the ingest summary (``skipped: lifecycle:transition
start: 12``); events without the attribute are kept.

**Line numbers.** XES has no rows, so the "line" of an event (in ``rejects``
and in the default event key) is its ordinal number in the file: 1 for the
first ``<event>`` element, counting every event, kept, skipped or rejected.

An event without a case id (its trace has no ``concept:name``), activity or
timestamp, or with an unparsable timestamp, is a reject with its reason. A
file that is not well-formed XML, not XES, not a complete gzip stream, or
holds no event stops the source before anything is stored.
"""

from __future__ import annotations

import gzip
import json
import math
import zlib
from collections.abc import Generator, Iterable, Iterator
from typing import IO
from xml.parsers import expat

import attrs

from cxframe import (
    NAIVE_UTC,
    Attributes,
    Collector,
    EventBatches,
    InvalidInput,
    Reject,
    SourceReader,
    TimestampRule,
    batches_from_rows,
    option_problems,
)
from cxframe_journey import timestamps

LIFECYCLE = "lifecycle:transition"
#: Attribute types read into events; ``list`` and ``container`` are not.
SCALAR_TYPES = frozenset({"string", "id", "int", "float", "boolean", "date"})
GZIP_MAGIC = b"\x1f\x8b"
#: Bytes of the file parsed at a time: the events of a block wait in memory until it is parsed
BLOCK_BYTES = 64 * 1024
OPTIONS = ("lifecycle", "time_zone")
#: Options under an old name, still read: old → new (one spelling with the survey collectors).
RENAMED_OPTIONS = {"timezone": "time_zone"}

#: ``{key: (type, text)}`` of one element's own attributes.
RawAttributes = dict[str, tuple[str, str]]


@attrs.frozen
class Keys:
    """Which XES attribute fills which event field."""

    case: str = "concept:name"
    activity: str = "concept:name"
    timestamp: str = "time:timestamp"
    resource: str | None = "org:resource"
    channel: str | None = None
    touchpoint: str | None = None
    outcome: str | None = None

    def mapped(self) -> frozenset[str]:
        """The event attribute keys that fill a field rather than ``attributes``."""
        fields = (self.activity, self.timestamp, self.resource, self.channel, self.touchpoint, self.outcome)
        return frozenset(key for key in fields if key)


FIELDS = tuple(field.name for field in attrs.fields(Keys))


def check_options(source: SourceReader) -> Iterable[str]:
    """Problems with the source's ``columns`` and ``options``, before anything is read."""
    for key, value in source.columns.items():
        if key not in FIELDS:
            yield f"columns.{key}: unknown key; expected one of {', '.join(FIELDS)}"
        elif not isinstance(value, str) or not value.strip():
            yield f"columns.{key}: expected an XES attribute key, e.g. {key} = {getattr(Keys(), key) or 'channel'!r}"
    yield from option_problems(source, OPTIONS, RENAMED_OPTIONS)
    lifecycle = source.option("lifecycle")
    if lifecycle is not None and not (
        isinstance(lifecycle, str) or (isinstance(lifecycle, list) and all(isinstance(t, str) for t in lifecycle))
    ):
        yield 'options.lifecycle: expected a transition or a list of them, e.g. "complete"'
    try:
        timestamps.timezone(source.option("time_zone", formerly="timezone"))
    except ValueError as exc:
        yield f"options.{source.option_name('time_zone', formerly='timezone')}: {exc}"


def _keys(source: SourceReader) -> Keys:
    return Keys(**{key: value.strip() for key, value in source.columns.items()})


def _lifecycle(source: SourceReader) -> frozenset[str] | None:
    wanted = source.option("lifecycle")
    if wanted is None:
        return None
    return frozenset(t.strip().lower() for t in ([wanted] if isinstance(wanted, str) else wanted))


def _typed(kind: str, text: str) -> str | int | float | bool:
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            return text
    if kind == "float":
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    if kind == "boolean" and text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    return text


def _text(raw: RawAttributes, key: str | None) -> str | None:
    if key is None or key not in raw:
        return None
    return raw[key][1].strip() or None


def _describe(raw: RawAttributes) -> str:
    return json.dumps({key: text for key, (_, text) in raw.items()}, ensure_ascii=False)


#: The cells of an event as `_Reading` hands them to the core, in this order.
CELLS = ("case", "activity", "timestamp", "touchpoint", "channel", "resource", "outcome", "attributes")
#: Attributes as JSON text the way the store writes them (`cxframe.store._sqlite`): one encoder, not one a call
_ATTRIBUTES_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


class _Reading:
    """Turns the raw attributes of a trace's events into rows of cells (`CELLS`) for the core."""

    def __init__(self, source: SourceReader) -> None:
        self.source = source
        self.keys = _keys(source)
        self.mapped = self.keys.mapped()
        self.keep = _lifecycle(source)
        keys = self.keys
        #: the attribute keys of the cells after the case, in `CELLS` order (None: not mapped)
        self.fields = (keys.activity, keys.timestamp, keys.touchpoint, keys.channel, keys.resource, keys.outcome)

    def trace(self, trace: RawAttributes, events: list[tuple[int, RawAttributes]]) -> Iterator[tuple[int, list[str]]]:
        keys = self.keys
        case_id = _text(trace, keys.case) or ""
        case_attributes: Attributes = {f"case:{k}": _typed(*v) for k, v in trace.items() if k != keys.case}
        for ordinal, raw in events:
            transition = _text(raw, LIFECYCLE)
            if self.keep is not None and transition is not None and transition.lower() not in self.keep:
                self.source.notes[f"skipped: {LIFECYCLE} {transition}"] += 1
                continue
            yield ordinal, self.event(case_id, case_attributes, raw)

    def event(self, case_id: str, case_attributes: Attributes, raw: RawAttributes) -> list[str]:
        mapped = self.mapped
        attributes: Attributes = dict(case_attributes)
        attributes.update((key, _typed(*value)) for key, value in raw.items() if key not in mapped)
        cells = [case_id]
        for key in self.fields:
            found = raw.get(key) if key is not None else None
            cells.append(found[1].strip() if found is not None else "")
        cells.append(_ATTRIBUTES_JSON(attributes) if attributes else "")
        return cells


def _open(source: SourceReader) -> IO[bytes] | gzip.GzipFile:
    handle = source.open_binary()
    magic = handle.read(2)
    handle.seek(0)
    if magic == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=handle, mode="rb")
    return handle


class _Events:
    """The XES elements, followed as expat reports them: what `_rows` yields, a block of the file at a time.

    Only the scalar attributes that are direct children of a trace or of an
    event are read; an event's are complete when it ends, a trace's when it
    ends (XES allows them after the events), so a trace's events wait for it.
    """

    def __init__(self, source: SourceReader) -> None:
        self.reading = _Reading(source)
        self.where = str(source.path)
        self.depth = 0
        self.root = False
        self.trace_at: int | None = None
        self.event_at: int | None = None
        self.trace: RawAttributes = {}
        self.event: RawAttributes = {}
        self.pending: list[tuple[int, RawAttributes]] = []
        self.ordinal = 0
        self.found: list[tuple[int, list[str] | Reject]] = []

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = name.rpartition("}")[2]
        self.depth += 1
        if self.depth == 1:
            self.root = True
            if tag != "log":
                raise InvalidInput([f"not an XES log: the document is a <{tag}>, expected <log>"], where=self.where)
        elif tag == "trace" and self.trace_at is None:
            self.trace_at, self.trace, self.pending = self.depth, {}, []
        elif tag == "event" and self.event_at is None:
            self.event_at, self.event = self.depth, {}
            self.ordinal += 1
        elif tag in SCALAR_TYPES:
            key, value = attributes.get("key"), attributes.get("value")
            if key is None or value is None:
                return
            if self.event_at is not None:
                if self.depth == self.event_at + 1:
                    self.event[key] = (tag, value)
            elif self.trace_at is not None and self.depth == self.trace_at + 1:
                self.trace[key] = (tag, value)

    def end(self, name: str) -> None:
        if self.depth == self.event_at:
            if self.trace_at is not None:
                self.pending.append((self.ordinal, self.event))
            else:
                self.found.append(
                    (self.ordinal, Reject("event outside a trace (it has no case)", _describe(self.event)))
                )
            self.event_at = None
        elif self.depth == self.trace_at:
            self.found.extend(self.reading.trace(self.trace, self.pending))
            self.trace_at, self.pending = None, []
        self.depth -= 1


def _rows(source: SourceReader) -> Generator[tuple[int, list[str] | Reject], None, None]:
    """``(event ordinal, cells | Reject)`` for every event of the log; see the module docstring.

    Read with expat's callbacks rather than an element tree: nothing is built
    that is not kept, faster than ``iterparse``.
    """
    problems = list(check_options(source))
    if problems:  # the ingest machinery checks first; this guards direct calls
        raise InvalidInput(problems, where=str(source.path))
    path = str(source.path)
    events = _Events(source)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = events.start
    parser.EndElementHandler = events.end
    stream = _open(source)
    try:
        while True:
            block = stream.read(BLOCK_BYTES)
            parser.Parse(block, not block)
            yield from events.found
            events.found.clear()
            if not block:
                break
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        if not events.root and reason == "no element found":
            raise InvalidInput(
                ["the file is empty; expected an XES log (<log> with traces and events)"], where=path
            ) from None
        raise InvalidInput([f"line {exc.lineno}, column {exc.offset}: not valid XML: {reason}"], where=path) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise InvalidInput([f"cannot read the log: {exc}"], where=path) from None
    finally:
        stream.close()
    if events.ordinal == 0:
        raise InvalidInput(["no events: the log has no <event> elements"], where=path)


def event_batches(source: SourceReader) -> EventBatches:
    """The log's events as batches of cells (`CELLS`) for the core to check and store."""
    keys = _keys(source)
    zone = timestamps.timezone(source.option("time_zone", formerly="timezone"))

    rows = _rows(source)
    return EventBatches(
        width=len(CELLS),
        batches=batches_from_rows(rows, len(CELLS), source.bytes_done),
        case=0,
        activity=1,
        timestamp=2,
        parse_timestamp=timestamps.lenient(timestamps.parser(None, zone)),
        naive_utc=zone is NAIVE_UTC,
        timestamp_expected=timestamps.expected(None),
        describe={
            "case": f"trace attribute {keys.case!r}",
            "activity": f"attribute {keys.activity!r}",
            "timestamp": f"attribute {keys.timestamp!r}",
        },
        fields={name: CELLS.index(name) for name in ("touchpoint", "channel", "resource", "outcome")},
        attributes_json=CELLS.index("attributes"),
        close=rows.close,
        timestamp_rule=TimestampRule(time_zone=source.option("time_zone", formerly="timezone")),
    )


xes = Collector(
    id="xes",
    description="An event log in IEEE 1849 XES (.xes or .xes.gz), streamed.",
    batches=event_batches,
    check_options=check_options,
)
