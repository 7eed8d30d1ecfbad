"""``cxframe export``: the store's observations and events as files another engine reads."""

from __future__ import annotations

from pathlib import Path

import click

from cxframe import api
from cxframe.cli._common import common_options, emit_json, handle_errors, json_option, state


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["parquet"]),
    default="parquet",
    show_default=True,
    help="File format (Parquet, as Spark reads it).",
)
@click.option("--force", is_flag=True, help="Replace the observations/, events/ and manifest of a non-empty FOLDER.")
@json_option
@common_options
@handle_errors
def export(folder: Path, file_format: str, force: bool, as_json: bool) -> None:
    """Write the store's observations and events under FOLDER/observations/ and FOLDER/events/.

    The contract's columns, one row per stored row, in Parquet files
    readable by their owner only; `cxframe measure --engine spark --parquet
    FOLDER` and `cxframe journey variants|dfg --engine spark --parquet
    FOLDER` read them. A FOLDER that is not empty is refused unless --force.

    JSON: {folder, format, rows: {observations, events}}.
    """
    counts = api.export(state().programme, folder, format=file_format, force=force, host=state().plugins())
    if as_json:
        emit_json({"folder": str(folder), "format": file_format, "rows": counts})
        return
    click.echo(f"wrote {counts['observations']} observations and {counts['events']} events to {folder}")
