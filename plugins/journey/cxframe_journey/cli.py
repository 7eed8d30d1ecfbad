"""``cxframe journey``: event-log analytics (variants, dfg), the map-aware analytics (funnel, repeats,
painpoints), stage templates and the journey-map picture."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from cxframe import (
    PROGRAMME_FILE,
    REPORT_LANGUAGES,
    EngineChoice,
    InvalidInput,
    Opened,
    SparkEngine,
    common_options,
    emit_json,
    engine_options,
    handle_errors,
    json_option,
    load_programme,
    state,
)
from cxframe_journey import analytics, api, spark, templates
from cxframe_journey.api import Mapping, Selection, open_log
from cxframe_journey.logfile import EventLog

F = TypeVar("F", bound=Callable[..., Any])


def log_options(command: F) -> F:
    """``[LOG]``, the mapping options and ``--source``, shared by the journey commands."""

    @click.argument("log", required=False)
    @click.option(
        "--case",
        metavar="COL",
        help="Case id column of a CSV LOG [default: case:concept:name]; for XES, the trace attribute key.",
    )
    @click.option(
        "--activity", metavar="COL", help="Activity column of a CSV LOG [default: concept:name] (XES: attribute key)."
    )
    @click.option(
        "--timestamp",
        metavar="COL",
        help="Timestamp column of a CSV LOG [default: time:timestamp] (XES: attribute key).",
    )
    @click.option(
        "--encoding",
        metavar="NAME",
        help="Text encoding of a CSV LOG (cp1252, gb18030 …) [default: a byte-order mark, else UTF-8].",
    )
    @click.option(
        "--source",
        "source_id",
        metavar="ID",
        help="Without LOG: only the events of this stored source (a source id, or a collected LOG's path).",
    )
    @click.option(
        "--no-store",
        is_flag=True,
        help="Read LOG directly and store nothing: faster for looking at a log file; the same result.",
    )
    @functools.wraps(command)
    def wrapper(
        log: str | None,
        case: str | None,
        activity: str | None,
        timestamp: str | None,
        encoding: str | None,
        source_id: str | None,
        no_store: bool,
        **kwargs: Any,
    ) -> Any:
        mapping = Mapping(case=case, activity=activity, timestamp=timestamp, encoding=encoding)
        if no_store and log is None:
            raise click.UsageError("--no-store reads a LOG file: name one")
        if no_store and source_id is not None:
            raise click.UsageError("--no-store reads LOG, not the stored events of --source")
        return command(log=log, mapping=mapping, source_id=source_id, no_store=no_store, **kwargs)

    return wrapper  # type: ignore[return-value]


@click.group()
@common_options
def journey() -> None:
    """Journey maps and analytics: variants, directly-follows, funnel, repeats, pain points, map pictures.

    LOG is an event-log file (.csv, .xes or .xes.gz), collected into the
    store first (re-collecting an unchanged file adds nothing), or a source of
    the programme. Without LOG, the commands read every event in the store.
    With --no-store, variants and dfg read LOG directly into memory and store
    nothing (the same result, several times faster; rejected rows are counted
    and shown as when collecting). Events of a case are ordered by timestamp,
    ties in file order.
    """


class _Bar:
    """A progress bar on stderr while a log is collected: shown from the first report, on a terminal, never with --json."""

    def __init__(self, quiet: bool) -> None:
        out = Console(stderr=True, highlight=False)
        self.progress = Progress(
            TextColumn("collecting"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=out,
            transient=True,
            disable=quiet or not out.is_terminal,
        )
        self.task = self.progress.add_task("collecting", total=None)
        self.started = False

    def __call__(self, done: int, total: int) -> None:
        if not self.started:
            self.progress.start()
            self.started = True
        self.progress.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.started:
            self.progress.stop()
            self.started = False


@contextlib.contextmanager
def _selected(
    log: str | None, mapping: Mapping, source_id: str | None, quiet: bool
) -> Iterator[tuple[Opened, Selection]]:
    """Open the programme, collecting LOG with a progress bar; say what was collected."""
    current = state()
    folder = current.programme
    if log is not None and not (folder.is_file() or (folder / PROGRAMME_FILE).is_file()):
        # no store to collect LOG into: besides creating a programme, the log can be read without one
        try:
            load_programme(folder)
        except InvalidInput as error:
            command = f"cxframe journey {click.get_current_context().info_name}"
            hint = f"; or read the log without a store: `{command} {log} --no-store`"
            raise InvalidInput([error.messages[0] + hint, *error.messages[1:]]) from None
    bar = _Bar(quiet)
    try:
        with open_log(current.programme, log, mapping, source=source_id, host=current.plugins(), progress=bar) as (
            opened,
            selection,
        ):
            bar.close()
            if selection.summary is not None:
                _say(selection.summary.describe())
            yield opened, selection
    finally:
        bar.close()


def _read_directly(log: str, mapping: Mapping) -> EventLog:
    """``--no-store``: read LOG into memory (a programme source when the folder has a programme); say what was read."""
    current = state()
    folder = current.programme
    has_programme = folder.is_file() or (folder / PROGRAMME_FILE).is_file()
    found = api.read_log(log, mapping, programme=folder if has_programme else None)
    _say(found.summary.describe())
    return found


def _out() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _say(text: str) -> None:
    click.echo(text, err=True)


def _empty(source: str | None) -> str:
    where = f"from source {source!r}" if source else "in the store"
    return f"no events {where}: collect an event log first (`cxframe journey variants LOG` or `cxframe collect`)"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def _on_spark(engine: EngineChoice, log: str | None, no_store: bool) -> bool:
    """Whether the command computes on Spark (``--engine spark``, which reads no LOG)."""
    if engine.engine != "spark":
        return False
    if log is not None or no_store:
        raise click.UsageError("--engine spark reads the events of --parquet DIR: no LOG or --no-store")
    return True


def _spark_events(engine: EngineChoice) -> SparkEngine:
    return api.events_on_spark(state().programme, None, engine.parquet, engine.master)


@journey.command()
@log_options
@click.option("--limit", type=click.IntRange(min=1), help="Show only the N most frequent variants.")
@engine_options
@json_option
@common_options
@handle_errors
def variants(
    log: str | None,
    mapping: Mapping,
    source_id: str | None,
    no_store: bool,
    limit: int | None,
    as_json: bool,
    engine: EngineChoice,
) -> None:
    """Variants of LOG (or of the stored events): each distinct path and how many cases took it.

    JSON: a list of {activities, count, share}, the most frequent first.
    With --engine spark --parquet DIR, of the events exported to DIR
    (computed by Spark SQL; the same list).
    """
    if _on_spark(engine, log, no_store):
        found = spark.variants(_spark_events(engine), source=source_id)
        empty = _empty(source_id)
    elif no_store:
        assert log is not None  # log_options has checked
        found = _read_directly(log, mapping).variants()
        empty = f"no events accepted from {log}"
    else:
        with _selected(log, mapping, source_id, as_json) as (opened, selection):
            found = analytics.variants(opened.store, source=selection.source)
        empty = _empty(selection.source)
    shown = found[:limit] if limit else found
    if as_json:
        emit_json(shown)
        return
    if not found:
        _say(empty)
        return
    table = Table("#", "cases", "share", "activities")
    for number, variant in enumerate(shown, start=1):
        path = " → ".join(escape(activity) for activity in variant["activities"])
        table.add_row(str(number), str(variant["count"]), f"{variant['share']:.1%}", path)
    out = _out()
    out.print(table)
    cases = sum(v["count"] for v in found)
    out.print(
        f"{len(found)} variant{'' if len(found) == 1 else 's'} over {cases} case{'' if cases == 1 else 's'}"
        + (f" (showing {len(shown)})" if len(shown) < len(found) else "")
    )


@journey.command()
@log_options
@click.option("--limit", type=click.IntRange(min=1), help="Show only the N most frequent edges.")
@engine_options
@json_option
@common_options
@handle_errors
def dfg(
    log: str | None,
    mapping: Mapping,
    source_id: str | None,
    no_store: bool,
    limit: int | None,
    as_json: bool,
    engine: EngineChoice,
) -> None:
    """Directly-follows graph of LOG (or of the stored events): how often one activity directly follows another.

    JSON: {edges: [{source, target, count, mean_seconds, median_seconds}],
    start: {activity: count}, end: {activity: count}}. With --engine spark
    --parquet DIR, of the events exported to DIR (the same graph).
    """
    if _on_spark(engine, log, no_store):
        graph = spark.dfg(_spark_events(engine), source=source_id)
        empty = _empty(source_id)
    elif no_store:
        assert log is not None  # log_options has checked
        graph = _read_directly(log, mapping).dfg()
        empty = f"no events accepted from {log}"
    else:
        with _selected(log, mapping, source_id, as_json) as (opened, selection):
            graph = analytics.dfg(opened.store, source=selection.source)
        empty = _empty(selection.source)
    if limit:
        graph = {**graph, "edges": graph["edges"][:limit]}
    if as_json:
        emit_json(graph)
        return
    if not graph["start"]:
        _say(empty)
        return
    out = _out()
    table = Table("from", "to", "count", "mean time", "median time")
    for edge in graph["edges"]:
        table.add_row(
            escape(edge["source"]),
            escape(edge["target"]),
            str(edge["count"]),
            _duration(edge["mean_seconds"]),
            _duration(edge["median_seconds"]),
        )
    out.print(table)
    for label, counts in (("start", graph["start"]), ("end", graph["end"])):
        ends = Table(f"{label} activity", "cases")
        for activity, count in counts.items():
            ends.add_row(escape(activity), str(count))
        out.print(ends)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


@journey.command()
@click.argument("name", required=False)
@click.option("--id", "journey_id", metavar="ID", help="The journey's id [default: the template's name].")
@click.option("--name", "title", metavar="TEXT", help="The journey's display name.")
@click.option("--file", "as_file", is_flag=True, help="Write a journey file ([[stages]]) instead of [[journeys]].")
@common_options
@handle_errors
def template(name: str | None, journey_id: str | None, title: str | None, as_file: bool) -> None:
    """Print stage template NAME as TOML to paste into cxframe.toml (or save as a journey file with --file).

    Without NAME, list the templates: lifecycle (awareness → consideration →
    decision → retention → advocacy) and sale (pre-sale → in-sale → post-sale).
    """
    if name is None:
        for key, chosen in templates.TEMPLATES.items():
            click.echo(f"{key}: {chosen.title}")
        return
    click.echo(templates.template_toml(name, journey_id=journey_id, title=title, file=as_file), nl=False)


@journey.command()
@click.option("--journey", "journey_id", metavar="ID", help="Only this journey [default: every journey].")
@click.option("--by", metavar="COL", help="Split by an event column (channel, resource, outcome, source) or attribute.")
@click.option("--source", "source_id", metavar="ID", help="Only the events of this stored source.")
@json_option
@common_options
@handle_errors
def funnel(journey_id: str | None, by: str | None, source_id: str | None, as_json: bool) -> None:
    """Stage funnel of the journey maps over the stored events, with the time between stages.

    A case reaches a stage when it has an event at one of the stage's
    touchpoints. JSON: a list of {journey, stage, stage_name, segment, cases,
    conversion, drop_off, median_seconds, p90_seconds}.
    """
    current = state()
    rows = api.funnel(current.programme, journey=journey_id, by=by, source=source_id, host=current.plugins())
    if as_json:
        emit_json(rows)
        return
    if not rows:
        _say("no journeys in the programme file: map one first (`cxframe journey template lifecycle`)")
        return
    table = Table("journey", *([by] if by else []), "stage", "cases", "conversion", "drop-off", "median", "p90")
    for row in rows:
        segment = [escape(str(row["segment"].get(by) or "(none)"))] if by else []
        table.add_row(
            escape(row["journey"]),
            *segment,
            escape(row["stage_name"]),
            str(row["cases"]),
            _percent(row["conversion"]),
            _percent(row["drop_off"]),
            _duration(row["median_seconds"]),
            _duration(row["p90_seconds"]),
        )
    _out().print(table)


@journey.command()
@click.option(
    "--window", "window_days", type=click.FloatRange(min=0), metavar="DAYS", help="Repeat window [default: 7]."
)
@click.option("--source", "source_id", metavar="ID", help="Only the events of this stored source.")
@json_option
@common_options
@handle_errors
def repeats(window_days: float | None, source_id: str | None, as_json: bool) -> None:
    """Repeat contacts per touchpoint: the same case back at the same touchpoint within the window.

    JSON: a list of {touchpoint, name, events, repeats, repeat_share, cases, cases_repeating}.
    """
    current = state()
    rows = api.repeats(current.programme, window_days=window_days, source=source_id, host=current.plugins())
    if as_json:
        emit_json(rows)
        return
    if not rows:
        _say("no events at a known touchpoint in the store")
        return
    table = Table("touchpoint", "events", "repeats", "share", "cases", "cases repeating")
    for row in rows:
        table.add_row(
            escape(row["name"]),
            str(row["events"]),
            str(row["repeats"]),
            _percent(row["repeat_share"]),
            str(row["cases"]),
            str(row["cases_repeating"]),
        )
    _out().print(table)


@journey.command()
@click.option("--limit", type=click.IntRange(min=1), help="Show only the N highest-ranked touchpoints.")
@click.option("--source", "source_id", metavar="ID", help="Only the events of this stored source.")
@json_option
@common_options
@handle_errors
def painpoints(limit: int | None, source_id: str | None, as_json: bool) -> None:
    """Pain-point overlay: per touchpoint, volume, experience score, drop-off and repeat contacts, ranked.

    Each signal (repeat contacts, drop-off before a final stage, a low score)
    counts by how much it is worse than typical on the touchpoint's journeys,
    beyond the noise of its sample; rank_score = the sum × volume / the busiest
    touchpoint's volume. Below the table, why each ranks where it does. JSON: a
    list of {touchpoint, name, volume, cases, score, answers, drop_off,
    repeat_share, rank_score, evidence, reason, signals, median_wait_seconds}.
    """
    current = state()
    rows = api.painpoints(current.programme, source=source_id, host=current.plugins())
    shown = rows[:limit] if limit else rows
    if as_json:
        emit_json(shown)
        return
    if not rows:
        _say("no events at a known touchpoint in the store: nothing to overlay")
        return
    table = Table("#", "touchpoint", "events", "score", "answers", "drop-off", "repeats", "pain")
    for rank, row in enumerate(shown, start=1):
        score = "—" if row["score"] is None else f"{row['score']:.2f}"
        table.add_row(
            str(rank),
            escape(row["name"]),
            str(row["volume"]),
            score,
            str(row["answers"]),
            _percent(row["drop_off"]),
            _percent(row["repeat_share"]),
            f"{row['rank_score']:.3f}",
        )
    _out().print(table)
    _out().print()
    for row in shown:
        _out().print(f"{escape(row['name'])}: {escape(row['reason'])}", highlight=False)


@journey.command(name="map")
@click.argument("journey_id", metavar="JOURNEY_ID")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The picture to write: FILE.svg, or FILE.html for a page holding it.",
)
@click.option(
    "--lang",
    type=click.Choice(REPORT_LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the picture's own words (names from the programme file stay as written).",
)
@common_options
@handle_errors
def map_command(journey_id: str, out: Path, lang: str) -> None:
    """Draw the map of JOURNEY_ID: stages across, touchpoints, emotion curve, pain points, opportunities."""
    written = api.journey_map(state().programme, journey_id, out, lang=lang)
    _say(f"wrote {written}")
