"""``cxframe collect``: read sources into the store."""

from __future__ import annotations

import click
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from cxframe import api
from cxframe.cli._common import common_options, console, emit_json, handle_errors, json_option, state
from cxframe.convert import unstructure


@click.command()
@click.argument("sources", nargs=-1)
@click.option("--collector", "collector_id", help="Collector for the given files (see `cxframe plugins`).")
@click.option("--encoding", help="Text encoding of the given files (default: detected).")
@json_option
@common_options
@handle_errors
def collect(sources: tuple[str, ...], collector_id: str | None, encoding: str | None, as_json: bool) -> None:
    """Collect SOURCES (source ids or files; default: every source in the programme file).

    Each source is stored in one transaction: an interrupted collect leaves the
    store as it was. Re-collecting an unchanged file adds nothing; rows that
    cannot be used are recorded in the `rejects` table with their line.
    """
    current = state()
    out = console(stderr=True)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=out,
        transient=True,
        disable=as_json or not out.is_terminal,
    ) as bar:
        task = bar.add_task("collecting", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summaries = api.collect(
            current.programme,
            sources,
            collector=collector_id,
            encoding=encoding,
            host=current.plugins(),
            progress=progress,
        )
    if as_json:
        emit_json([unstructure(summary) for summary in summaries])
        return
    for summary in summaries:
        click.echo(summary.describe())
