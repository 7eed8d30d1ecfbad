"""``xes``: an event log in IEEE 1849 XES, plain (``.xes``) or gzipped (``.xes.gz``).

The file is streamed with expat, a block at a time: each trace's events
become columns as soon as the trace ends, handed to the core in batches, so
memory holds a batch of events however large the log. Gzip is
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
from collections.abc import Generator, Iterable
from typing import IO
from xml.parsers import expat

import attrs
import pyarrow as pa

from cxframe import (
    NAIVE_UTC,
    Attributes,
    Batch,
    Collector,
    EventBatches,
    InvalidInput,
    Reject,
    SourceReader,
    TimestampRule,
    option_problems,
)
from cxframe_journey import timestamps

LIFECYCLE = "lifecycle:transition"
#: Attribute types read into events; ``list`` and ``container`` are not.
SCALAR_TYPES = frozenset({"string", "id", "int", "float", "boolean", "date"})
#: element kinds the parse tells apart
_SCALAR, _EVENT, _TRACE = 1, 2, 3
_KINDS = {**dict.fromkeys(SCALAR_TYPES, _SCALAR), "event": _EVENT, "trace": _TRACE}
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


#: The columns of the batches handed to the core, in this order.
CELLS = ("case", "activity", "timestamp", "touchpoint", "channel", "resource", "outcome", "attributes")
#: Events (and rejects) per batch handed to the core, at most: cut where a block of the file ends
EVENTS_PER_BATCH = 10_000
#: an attribute an event does not have: an empty cell
_ABSENT = ("", "")
#: Attributes as JSON text the way the store writes them (`cxframe.store._sqlite`): one encoder, not one a call
_ATTRIBUTES_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _open(source: SourceReader) -> IO[bytes] | gzip.GzipFile:
    handle = source.open_binary()
    magic = handle.read(2)
    handle.seek(0)
    if magic == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=handle, mode="rb")
    return handle


class _Columns:
    """The events of the log as columns (`CELLS`), filled a trace at a time, and the rejects."""

    def __init__(self, source: SourceReader) -> None:
        self.source = source
        keys = self.keys = _keys(source)
        self.mapped = keys.mapped()
        self.keep = _lifecycle(source)
        #: the attribute keys of the columns after the case, in `CELLS` order (None: not mapped)
        self.fields = (keys.activity, keys.timestamp, keys.touchpoint, keys.channel, keys.resource, keys.outcome)
        self.clear()

    def clear(self) -> None:
        self.lines: list[int] = []
        self.columns: list[list[str]] = [[] for _ in CELLS]
        self.rejects: list[tuple[int, Reject]] = []

    def __len__(self) -> int:
        return len(self.lines) + len(self.rejects)

    def trace(self, trace: RawAttributes, events: list[tuple[int, RawAttributes]]) -> None:
        """Add a trace's events, a column at a time. JSON is written once per set of attributes: most
        events add none to their trace's."""
        keys, mapped, keep = self.keys, self.mapped, self.keep
        if keep is not None:
            kept = []
            for ordinal, raw in events:
                transition = _text(raw, LIFECYCLE)
                if transition is not None and transition.lower() not in keep:
                    self.source.notes[f"skipped: {LIFECYCLE} {transition}"] += 1
                else:
                    kept.append((ordinal, raw))
            events = kept
        raws = [raw for _, raw in events]
        self.lines.extend([ordinal for ordinal, _ in events])
        found = trace.get(keys.case)
        columns = self.columns
        columns[0].extend([found[1] if found is not None else ""] * len(raws))
        for column, key in zip(columns[1:-1], self.fields, strict=True):
            column.extend([raw.get(key, _ABSENT)[1] for raw in raws] if key is not None else [""] * len(raws))
        case_attributes: Attributes = {f"case:{k}": _typed(*v) for k, v in trace.items() if k != keys.case}
        written: dict[tuple[tuple[str, tuple[str, str]], ...], str] = {}
        attributes = columns[-1]
        for raw in raws:
            extra = tuple(sorted((key, raw[key]) for key in raw.keys() - mapped))
            text = written.get(extra)
            if text is None:
                merged = dict(case_attributes)
                merged.update((key, _typed(*value)) for key, value in extra)
                text = written[extra] = _ATTRIBUTES_JSON(merged) if merged else ""
            attributes.append(text)

    def batch(self, bytes_done: int) -> Batch:
        batch = Batch(
            lines=pa.array(self.lines, pa.int64()),
            columns=[pa.array(column, pa.string()) for column in self.columns],
            rejects=self.rejects,
            bytes_done=bytes_done,
        )
        self.clear()
        return batch


def _batches(source: SourceReader) -> Generator[Batch, None, None]:
    """The log's events as `Batch`es of `CELLS`, an event's "line" its ordinal; see the module docstring.

    Read with expat's callbacks rather than an element tree: nothing is built
    that is not kept (faster than ``iterparse``). Only the scalar attributes
    that are direct children of a trace or of an event are read; an event's
    are complete when it ends, a trace's when it ends (XES allows them after
    the events), so a trace's events wait for it.
    """
    problems = list(check_options(source))
    if problems:  # the ingest machinery checks first; this guards direct calls
        raise source.problems(problems)
    path = str(source.path)
    found = _Columns(source)
    # the parse's state, in locals of the handlers for speed: element depth, the depth of the open trace and
    # event (0: none), events so far, whether the root was seen
    depth = trace_at = event_at = ordinal = 0
    root = False
    trace: RawAttributes = {}
    event: RawAttributes = {}
    pending: list[tuple[int, RawAttributes]] = []
    #: what each element name is (expat gives ``namespace}tag``): `_SCALAR`, `_EVENT`, `_TRACE`, else 0
    kinds: dict[str, tuple[int, str]] = {}

    def start(name: str, attributes: list[str]) -> None:
        nonlocal depth, trace_at, event_at, ordinal, root, trace, event, pending
        kind = kinds.get(name)
        if kind is None:
            tag = name.rpartition("}")[2]
            kind = kinds[name] = (_KINDS.get(tag, 0), tag)
        depth += 1
        code = kind[0]
        if depth == 1:
            root = True
            if kind[1] != "log":
                raise InvalidInput([f"not an XES log: the document is a <{kind[1]}>, expected <log>"], where=path)
        elif code == _SCALAR:
            # attributes as [name, value, name, value …] (expat's ordered_attributes): key then value, as written
            if len(attributes) == 4 and attributes[0] == "key" and attributes[2] == "value":
                key, value = attributes[1], attributes[3]
            else:
                named = dict(zip(attributes[::2], attributes[1::2], strict=True))
                key, value = named.get("key"), named.get("value")  # type: ignore[assignment]
                if key is None or value is None:
                    return
            if event_at:
                if depth == event_at + 1:
                    event[key] = (kind[1], value)
            elif trace_at and depth == trace_at + 1:
                trace[key] = (kind[1], value)
        elif code == _EVENT and not event_at:
            event_at, event = depth, {}
            ordinal += 1
        elif code == _TRACE and not trace_at:
            trace_at, trace, pending = depth, {}, []

    def end(name: str) -> None:
        nonlocal depth, trace_at, event_at
        if depth == event_at:
            if trace_at:
                pending.append((ordinal, event))
            else:
                found.rejects.append((ordinal, Reject("event outside a trace (it has no case)", _describe(event))))
            event_at = 0
        elif depth == trace_at:
            found.trace(trace, pending)
            trace_at = 0
        depth -= 1

    parser = expat.ParserCreate(namespace_separator="}")
    parser.ordered_attributes = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    stream = _open(source)
    try:
        while True:
            block = stream.read(BLOCK_BYTES)
            parser.Parse(block, not block)
            if len(found) >= EVENTS_PER_BATCH or (not block and len(found)):
                yield found.batch(source.bytes_done())
            if not block:
                break
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        if not root and reason == "no element found":
            raise InvalidInput(
                ["the file is empty; expected an XES log (<log> with traces and events)"], where=path
            ) from None
        raise InvalidInput([f"line {exc.lineno}, column {exc.offset}: not valid XML: {reason}"], where=path) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise InvalidInput([f"cannot read the log: {exc}"], where=path) from None
    finally:
        stream.close()
    if ordinal == 0:
        raise InvalidInput(["no events: the log has no <event> elements"], where=path)


def event_batches(source: SourceReader) -> EventBatches:
    """The log's events as batches of cells (`CELLS`) for the core to check and store."""
    keys = _keys(source)
    zone = timestamps.timezone(source.option("time_zone", formerly="timezone"))

    batches = _batches(source)
    return EventBatches(
        width=len(CELLS),
        batches=batches,
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
        close=batches.close,
        timestamp_rule=TimestampRule(time_zone=source.option("time_zone", formerly="timezone")),
        record="event",
    )


xes = Collector(
    id="xes",
    description="An event log in IEEE 1849 XES (.xes or .xes.gz), streamed.",
    batches=event_batches,
    check_options=check_options,
)
