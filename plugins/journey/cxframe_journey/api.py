"""The Python API: one function per task, each taking the programme folder.

>>> import cxframe_journey
>>> cxframe_journey.variants("my-programme")                    # doctest: +SKIP
>>> cxframe_journey.dfg("my-programme", "exports/tickets.xes.gz")  # doctest: +SKIP

``log`` is a source of the programme (its id or path), any event-log file
(``.csv``, ``.xes``, ``.xes.gz``), or ``None`` for the events already stored.
A file is first collected into the store through the ordinary ingest machinery
(one transaction; re-collecting an unchanged file adds nothing) as the source
named by its path (relative to the programme folder when inside it), then the
analysis reads only that log's events.

`read_log` is the direct path, for looking at a log file without a store:

>>> log = cxframe_journey.read_log("exports/tickets.xes.gz")   # doctest: +SKIP
>>> log.variants(), log.dfg()                                    # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import attrs

from cxframe import (
    PROGRAMME_FILE,
    REPORT_LANGUAGES,
    IngestSummary,
    InvalidInput,
    Opened,
    PluginHost,
    Programme,
    Progress,
    SourceReader,
    SparkEngine,
    ingest,
    load_programme,
    open_programme,
    spark_engine,
)
from cxframe_journey import analytics, logfile, overlay, spark
from cxframe_journey.analytics import DirectlyFollows, Variant
from cxframe_journey.checks import painpoint_list
from cxframe_journey.csvlog import PM4PY_COLUMNS
from cxframe_journey.logfile import EventLog
from cxframe_journey.picture import journey_map_html, journey_map_svg
from cxframe_journey.settings import load_settings

ProgrammeLike = str | Path | Programme

XES_SUFFIXES = (".xes", ".xes.gz")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


@attrs.frozen
class Mapping:
    """Which columns (CSV) or attribute keys (XES) hold the case, activity and timestamp.

    ``None`` means the default: pm4py's column names for CSV
    (``case:concept:name``, ``concept:name``, ``time:timestamp``), and the XES
    standard keys for XES (the trace's and the event's ``concept:name``,
    ``time:timestamp``). For XES a ``case:`` prefix on ``case`` is dropped, since
    that is how pm4py names the trace's attributes.

    ``encoding`` is a CSV log's text encoding (``"cp1252"``, ``"gb18030"`` …);
    ``None``: a byte-order mark decides, else UTF-8 (as a source's ``encoding``).
    """

    case: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    encoding: str | None = None

    def columns(self, collector: str) -> dict[str, str]:
        keys = ("case", "activity", "timestamp")
        given = {key: value for key in keys if (value := getattr(self, key)) is not None}
        if collector == "event-csv":
            return {**PM4PY_COLUMNS, **given}
        if "case" in given:
            given["case"] = given["case"].removeprefix("case:")
        return given


@attrs.frozen
class Selection:
    """The events an analysis reads: those of ``source``, or all when it is None."""

    source: str | None = None
    #: the ingest of ``log``, when one was named
    summary: IngestSummary | None = None


def collector_for(path: Path) -> str:
    """The collector for an event-log file, from its name."""
    name = path.name.lower()
    if name.endswith(XES_SUFFIXES):
        return "xes"
    if name.endswith(CSV_SUFFIXES):
        return "event-csv"
    raise InvalidInput(
        [f"cannot tell the log's format from its name; expected one of {', '.join(CSV_SUFFIXES + XES_SUFFIXES)}"],
        where=str(path),
    )


def _reader(programme: Programme | None, log: str, mapping: Mapping) -> SourceReader:
    """The source ``log`` names: a source of the programme (by id or path), else a log file mapped by ``mapping``."""
    declared = programme.document.sources if programme is not None else []
    match = next((source for source in declared if source.id == log), None)
    if match is None and programme is not None:
        wanted = Path(log).resolve()
        match = next((s for s in declared if programme.resolve(s.path).resolve() == wanted), None)
    if match is not None and programme is not None:
        if mapping != Mapping():
            raise InvalidInput(
                [
                    f"{log!r} is a source of the programme: its columns and encoding are set in "
                    f"{programme.file.name}, not by options"
                ]
            )
        return SourceReader(
            id=match.id,
            collector=match.collector,
            path=programme.resolve(match.path),
            encoding=match.encoding,
            columns=dict(match.columns),
            options=dict(match.options),
            programme=programme,
        )
    path = Path(log)
    if not path.is_file():
        if programme is None:
            raise InvalidInput([f"{log}: no such file"])
        known = ", ".join(source.id for source in declared) or "none"
        raise InvalidInput([f"{log}: no such file, and not a source of the programme (sources: {known})"])
    collector = collector_for(path)
    reader = SourceReader(
        id="",
        collector=collector,
        path=path,
        encoding=mapping.encoding,
        columns=mapping.columns(collector),
        programme=programme,
    )
    # the path (relative to the programme folder when inside it) keeps two logs that share a
    # file name apart: event keys are "source|line", so the second would otherwise add nothing
    reader.id = reader.display_path()
    return reader


#: The core's advice for a file that is not text in its encoding, written for a ``[[sources]]`` entry.
_SOURCE_ENCODING = re.compile(r'set encoding = "\.\.\." in the source')


def _declared(programme: Programme | None, reader: SourceReader) -> bool:
    return programme is not None and any(source.id == reader.id for source in programme.document.sources)


@contextlib.contextmanager
def _advice_for(reader: SourceReader, declared: bool) -> Iterator[None]:
    """For a LOG named on the command line, advise ``--encoding`` where the core advises the source's setting.

    Such a log has no ``[[sources]]`` entry to set ``encoding`` in.
    """
    try:
        yield
    except InvalidInput as error:
        if declared:
            raise
        setting = f"sources.{reader.id}.encoding:"
        raise InvalidInput(
            [
                _SOURCE_ENCODING.sub("give the log's encoding with --encoding", m).replace(setting, "--encoding:")
                for m in error.messages
            ]
        ) from None


def collect_log(
    opened: Opened, log: str, mapping: Mapping = Mapping(), *, progress: Progress | None = None
) -> Selection:
    """Collect ``log`` into the opened programme's store; select its events."""
    reader = _reader(opened.programme, log, mapping)
    with _advice_for(reader, _declared(opened.programme, reader)):
        summary = ingest(opened.store, reader, opened.registry.collectors.get(reader.collector), progress=progress)
    # an unchanged file may have been collected before under another source id: read that one
    row = opened.store.db.execute("SELECT source FROM ingests WHERE id = ?", [summary.ingest_id]).fetchone()
    return Selection(source=row[0] if row else reader.id, summary=summary)


@contextlib.contextmanager
def open_log(
    programme: ProgrammeLike = ".",
    log: str | None = None,
    mapping: Mapping = Mapping(),
    *,
    source: str | None = None,
    host: PluginHost | None = None,
    progress: Progress | None = None,
) -> Iterator[tuple[Opened, Selection]]:
    """Open the programme, collect ``log`` if given, and say which events to analyse.

    ``source`` (a source id) limits the analysis to the events already
    collected from that source; it cannot be combined with ``log``.
    """
    if log is not None and source is not None:
        raise InvalidInput(["name either a log to collect or a stored source, not both"])
    loaded = programme if isinstance(programme, Programme) else load_programme(programme)
    with open_programme(loaded, host) as opened:
        if log is not None:
            selection = collect_log(opened, log, mapping, progress=progress)
        else:
            selection = Selection(source=source)
            if source is not None and source not in analytics.sources(opened.store):
                stored = ", ".join(analytics.sources(opened.store)) or "none"
                raise InvalidInput([f"no events from source {source!r} (sources with events: {stored})"])
        yield opened, selection


def read_log(log: str | Path, mapping: Mapping = Mapping(), *, programme: ProgrammeLike | None = None) -> EventLog:
    """Read an event-log file into memory for `EventLog.variants` and `EventLog.dfg`; nothing is stored.

    The direct path, for looking at a log file: one streaming read, no store
    (see `cxframe_journey.logfile`). ``log`` is a ``.csv``/``.xes``/``.xes.gz``
    file mapped by ``mapping``, or, when ``programme`` is given, also one of
    its sources (by id or path, read with its declared columns and options).
    Rows the collector would reject are skipped and counted in ``.summary``.

    >>> log = cxframe_journey.read_log("exports/orders.csv")        # doctest: +SKIP
    >>> log.variants()[0], log.dfg()["start"], log.summary.rows_rejected  # doctest: +SKIP
    """
    loaded = programme if programme is None or isinstance(programme, Programme) else load_programme(programme)
    reader = _reader(loaded, str(log), mapping)
    with _advice_for(reader, _declared(loaded, reader)):
        return logfile.read(reader)


def events_on_spark(
    programme: ProgrammeLike, log: str | None, parquet: str | Path | None, master: str | None
) -> SparkEngine:
    """The Spark engine over the events of a Parquet export (``--engine spark --parquet DIR``).

    The master is ``master``, else the programme's ``[settings] spark_master``
    (when the folder has a programme file), else ``local[*]``.
    """
    if parquet is None:
        raise InvalidInput(
            ["--engine spark needs --parquet DIR (write one with `cxframe export --format parquet DIR`)"]
        )
    if log is not None:
        raise InvalidInput(
            [f"--engine spark reads the events exported to {parquet}, not LOG: collect {log} and export the store"]
        )
    if isinstance(programme, Programme):
        return spark_engine(programme, parquet, master=master)
    folder = Path(programme)
    if folder.is_file() or (folder / PROGRAMME_FILE).is_file():
        return spark_engine(load_programme(folder), parquet, master=master)
    return SparkEngine(parquet, master=master)


def variants(
    programme: ProgrammeLike = ".",
    log: str | None = None,
    mapping: Mapping = Mapping(),
    *,
    source: str | None = None,
    host: PluginHost | None = None,
    engine: str = "sqlite",
    parquet: str | Path | None = None,
    master: str | None = None,
) -> list[Variant]:
    """The variants of ``log`` (or of the stored events): ``[{activities, count, share}]``, most frequent first.

    ``engine="spark"`` computes them in Spark SQL over the events of ``parquet``, an export of the store
    (``cxframe export --format parquet``), on ``master`` (`events_on_spark`): the same list.

    >>> cxframe_journey.variants("my-programme", engine="spark", parquet="lake/cx")  # doctest: +SKIP
    """
    if engine == "spark":
        return spark.variants(events_on_spark(programme, log, parquet, master), source=source)
    _sqlite_only(engine, parquet, master)
    with open_log(programme, log, mapping, source=source, host=host) as (opened, selection):
        return analytics.variants(opened.store, source=selection.source)


def dfg(
    programme: ProgrammeLike = ".",
    log: str | None = None,
    mapping: Mapping = Mapping(),
    *,
    source: str | None = None,
    host: PluginHost | None = None,
    engine: str = "sqlite",
    parquet: str | Path | None = None,
    master: str | None = None,
) -> DirectlyFollows:
    """The directly-follows graph of ``log`` (or of the stored events): ``{edges, start, end}``.

    ``engine``, ``parquet`` and ``master`` as in `variants`.
    """
    if engine == "spark":
        return spark.dfg(events_on_spark(programme, log, parquet, master), source=source)
    _sqlite_only(engine, parquet, master)
    with open_log(programme, log, mapping, source=source, host=host) as (opened, selection):
        return analytics.dfg(opened.store, source=selection.source)


def _sqlite_only(engine: str, parquet: str | Path | None, master: str | None) -> None:
    if engine != "sqlite":
        raise InvalidInput([f"unknown engine {engine!r}; expected sqlite or spark"])
    if parquet is not None or master is not None:
        raise InvalidInput(["parquet and master go with engine='spark'"])


# --- analytics that read the journey maps -------------------------------------


def funnel(
    programme: ProgrammeLike = ".",
    *,
    journey: str | None = None,
    by: str | None = None,
    source: str | None = None,
    host: PluginHost | None = None,
) -> list[overlay.FunnelStage]:
    """The stage funnel of every journey (or ``journey``), per value of event column/attribute ``by``.

    Rows ``{journey, stage, stage_name, segment, cases, conversion, drop_off,
    median_seconds, p90_seconds, optional, final}``; see `cxframe_journey.overlay`.

    >>> cxframe_journey.funnel("my-programme", journey="buy", by="region")  # doctest: +SKIP
    """
    with open_log(programme, source=source, host=host) as (opened, selection):
        doc = opened.programme
        return overlay.funnel(
            opened.store, doc.journeys, doc.document.touchpoints, journey=journey, by=by, source=selection.source
        )


def repeats(
    programme: ProgrammeLike = ".",
    *,
    window_days: float | None = None,
    source: str | None = None,
    host: PluginHost | None = None,
) -> list[overlay.RepeatContacts]:
    """Repeat contacts per touchpoint within ``window_days`` (default: the programme's setting, else 7)."""
    loaded = programme if isinstance(programme, Programme) else load_programme(programme)
    days = window_days if window_days is not None else load_settings(loaded).repeat_window_days
    with open_log(loaded, source=source, host=host) as (opened, selection):
        return overlay.repeat_contacts(
            opened.store, loaded.document.touchpoints, window_seconds=days * 86400.0, source=selection.source
        )


def painpoints(
    programme: ProgrammeLike = ".", *, source: str | None = None, host: PluginHost | None = None
) -> list[overlay.PainPoint]:
    """The pain-point overlay per touchpoint, ranked by ``rank_score``; see `cxframe_journey.overlay`."""
    with open_log(programme, source=source, host=host) as (opened, selection):
        return painpoint_list(opened.store, opened.programme, opened.registry, source=selection.source)


def journey_map(programme: ProgrammeLike, journey: str, out: str | Path, *, lang: str = "en") -> Path:
    """Draw ``journey``'s map into ``out`` (``.svg``, or ``.html`` for a page holding the SVG).

    The picture's own words (lanes, legend) are in ``lang``, one of `cxframe.REPORT_LANGUAGES`.
    """
    if lang not in REPORT_LANGUAGES:
        raise InvalidInput([f"unknown language {lang!r}; expected one of {', '.join(REPORT_LANGUAGES)}"])
    loaded = programme if isinstance(programme, Programme) else load_programme(programme)
    chosen = overlay.find_journey(loaded.journeys, journey)
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        text = journey_map_svg(chosen, loaded.document.touchpoints, lang)
    elif suffix in (".html", ".htm"):
        text = journey_map_html(chosen, loaded.document.touchpoints, lang)
    else:
        raise InvalidInput(["cannot tell the picture's format from its name; expected .svg or .html"], where=str(path))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput([f"cannot write the map: {exc.strerror}"], where=str(path)) from None
    return path
