"""``cxframe journey``: variants and directly-follows counts of an event log."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from cxframe.api import Opened
from cxframe.cli import common_options, emit_json, handle_errors, json_option, state
from cxframe_journey import analytics
from cxframe_journey.api import Mapping, Selection, open_log

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
        "--source",
        "source_id",
        metavar="ID",
        help="Without LOG: only the events of this stored source (a source id, or a collected LOG's path).",
    )
    @functools.wraps(command)
    def wrapper(
        log: str | None,
        case: str | None,
        activity: str | None,
        timestamp: str | None,
        source_id: str | None,
        **kwargs: Any,
    ) -> Any:
        mapping = Mapping(case=case, activity=activity, timestamp=timestamp)
        return command(log=log, mapping=mapping, source_id=source_id, **kwargs)

    return wrapper  # type: ignore[return-value]


@click.group()
@common_options
def journey() -> None:
    """Journey analytics on event logs: variants and directly-follows counts.

    LOG is an event-log file (.csv, .xes or .xes.gz), collected into the
    store first (re-collecting an unchanged file adds nothing), or a source of
    the programme. Without LOG, the commands read every event in the store.
    Events of a case are ordered by timestamp, ties in file order.
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


@journey.command()
@log_options
@click.option("--limit", type=click.IntRange(min=1), help="Show only the N most frequent variants.")
@json_option
@common_options
@handle_errors
def variants(log: str | None, mapping: Mapping, source_id: str | None, limit: int | None, as_json: bool) -> None:
    """Variants of LOG (or of the stored events): each distinct path and how many cases took it.

    JSON: a list of {activities, count, share}, the most frequent first.
    """
    with _selected(log, mapping, source_id, as_json) as (opened, selection):
        found = analytics.variants(opened.store, source=selection.source)
    shown = found[:limit] if limit else found
    if as_json:
        emit_json(shown)
        return
    if not found:
        _say(_empty(selection.source))
        return
    table = Table("#", "cases", "share", "activities")
    for number, variant in enumerate(shown, start=1):
        path = " → ".join(escape(activity) for activity in variant["activities"])
        table.add_row(str(number), str(variant["count"]), f"{variant['share']:.1%}", path)
    out = _out()
    out.print(table)
    cases = sum(v["count"] for v in found)
    out.print(
        f"{len(found)} variants over {cases} cases" + (f" (showing {len(shown)})" if len(shown) < len(found) else "")
    )


@journey.command()
@log_options
@click.option("--limit", type=click.IntRange(min=1), help="Show only the N most frequent edges.")
@json_option
@common_options
@handle_errors
def dfg(log: str | None, mapping: Mapping, source_id: str | None, limit: int | None, as_json: bool) -> None:
    """Directly-follows graph of LOG (or of the stored events): how often one activity directly follows another.

    JSON: {edges: [{source, target, count, mean_seconds, median_seconds}],
    start: {activity: count}, end: {activity: count}}.
    """
    with _selected(log, mapping, source_id, as_json) as (opened, selection):
        graph = analytics.dfg(opened.store, source=selection.source)
    if limit:
        graph = {**graph, "edges": graph["edges"][:limit]}
    if as_json:
        emit_json(graph)
        return
    if not graph["start"]:
        _say(_empty(selection.source))
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
