"""``cxframe collect``: read sources into the store."""

from __future__ import annotations

import tomllib
from typing import Any

import click
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from cxframe import api
from cxframe.cli._common import (
    common_options,
    console,
    echo_error,
    emit_json,
    handle_errors,
    json_option,
    report_failures,
    state,
)
from cxframe.contracts._convert import unstructure
from cxframe.contracts._errors import CxframeError, InvalidInput
from cxframe.host._manager import PluginFailure
from cxframe.ingestion._collect import CollectorFailed


def _value(text: str, *, column: bool) -> Any:
    """VALUE of a KEY=VALUE: TOML when it parses as a TOML value, else the text itself.

    So ``[1, 5]``, ``{ Yes = 1, No = 0 }``, ``true`` and ``"quoted"`` mean what
    they mean in the programme file, while ``Date`` or ``Europe/Berlin`` need no
    quotes. A column value is a column name (or a list or table of them), so
    there numbers, booleans and dates stay text: a column called ``2024`` is
    ``2024``, not a number.
    """
    try:
        parsed = tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text
    if column and not isinstance(parsed, str | list | dict):
        return text
    return parsed


def parse_assignments(items: tuple[str, ...], option: str, *, column: bool = False) -> dict[str, Any]:
    """``KEY=VALUE`` items as the table a ``[[sources]]`` entry would hold; dotted KEYs nest.

    ``questions.nps=Q1`` becomes ``{"questions": {"nps": "Q1"}}``. Raises
    `click.BadParameter` for an item without ``=``, an empty key part, a key
    given twice, or a key that is both a value and a table.
    """
    example = "timestamp=Date or questions.nps=Q1" if column else "time_zone=Europe/Berlin or scales.ces=[1, 7]"
    table: dict[str, Any] = {}
    for item in items:
        key, equals, text = item.partition("=")
        parts = [part.strip() for part in key.split(".")]
        if not equals or not all(parts):
            raise click.BadParameter(
                f"{item!r}: expected KEY=VALUE with a non-empty KEY (e.g. {example})", param_hint=option
            )
        where = table
        for depth, part in enumerate(parts[:-1]):
            inner = where.setdefault(part, {})
            if not isinstance(inner, dict):
                raise click.BadParameter(
                    f"{item!r}: {'.'.join(parts[: depth + 1])} is already set to a value, not a table",
                    param_hint=option,
                )
            where = inner
        last = parts[-1]
        if last in where:
            raise click.BadParameter(f"{item!r}: {'.'.join(parts)} is given more than once", param_hint=option)
        where[last] = _value(text.strip(), column=column)
    return table


@click.command()
@click.argument("sources", nargs=-1)
@click.option("--collector", "collector_id", help="Collector for the given files (see `cxframe plugins`).")
@click.option("--encoding", help="Text encoding of the given files (default: detected).")
@click.option(
    "--column",
    "column_items",
    multiple=True,
    metavar="KEY=VALUE",
    help="For files that are not sources of the programme: one entry of what [sources.columns] would say "
    "(dotted KEY nests: questions.nps=Q1). Repeatable.",
)
@click.option(
    "--option",
    "option_items",
    multiple=True,
    metavar="KEY=VALUE",
    help="For files that are not sources of the programme: one entry of [sources.options]; VALUE is TOML "
    "when it parses as TOML ([1, 7], true, 3), else text. Repeatable.",
)
@json_option
@common_options
@handle_errors
def collect(
    sources: tuple[str, ...],
    collector_id: str | None,
    encoding: str | None,
    column_items: tuple[str, ...],
    option_items: tuple[str, ...],
    as_json: bool,
) -> None:
    """Collect SOURCES (source ids or files; default: every source in the programme file).

    Each source is stored in one transaction: an interrupted collect leaves the
    store as it was. A source that cannot be read stores nothing and is
    reported; the others are still collected, and the exit code is 1. Re-collecting an unchanged file adds nothing; rows that
    cannot be used are recorded in the `rejects` table with their line.

    A file that is not a source of the programme is read with --collector
    and --column/--option, what its [[sources]] entry would say. Given none
    of them, its layout is recognised (a Qualtrics or SurveyMonkey export, a
    CSV with one NPS column …): cxframe says what it took and left out, or,
    when it is not sure, asks for the mapping. The file is named by its path
    relative to the programme folder (else its absolute path), so files that
    share a name stay apart.
    """
    columns = parse_assignments(column_items, "--column", column=True)
    options = parse_assignments(option_items, "--option")
    current = state()
    out = console(stderr=True)
    failed: list[str] = []

    def on_failed(source: str, error: CxframeError) -> None:
        failed.append(source)
        if isinstance(error, CollectorFailed) and isinstance(error.failure, PluginFailure):
            # a collector's bug is its plugin's failure (--strict counts it); this line, naming the plugin, says it
            current.shown.append(error.failure)
        for line in str(error).splitlines():
            echo_error(line)
        detail = getattr(error, "detail", "")
        if detail and current.verbose:  # a collector's bug: its traceback, as for any other error under -v
            click.echo(detail, err=True)

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
            columns=columns or None,
            options=options or None,
            host=current.plugins(),
            progress=progress,
            on_detected=lambda file, detection: out.print(
                "\n".join(detection.describe(file)), markup=False, highlight=False, soft_wrap=True
            ),
            on_failed=on_failed,
        )
    if as_json:
        emit_json([unstructure(summary) for summary in summaries])
    else:
        for summary in summaries:
            click.echo(summary.describe())
    if failed:
        if len(failed) + len(summaries) > 1:
            # (the only source asked for: its error, printed above, says it all; a summary line would repeat it)
            others = {0: "no other source was collected", 1: "the other source was collected"}
            collected = others.get(len(summaries), f"the other {len(summaries)} were collected")
            count = "1 source was" if len(failed) == 1 else f"{len(failed)} sources were"
            echo_error(f"{count} not collected ({', '.join(failed)}); {collected}")
        ctx = click.get_current_context()
        # where --strict decides: a collector that raised is a plugin failure there (exit 3), a bad file is not
        report_failures(ctx)
        ctx.exit(InvalidInput.exit_code)


@click.command()
@click.argument("source")
@json_option
@common_options
@handle_errors
def forget(source: str, as_json: bool) -> None:
    """Remove everything stored from SOURCE: its records, ingests, rejects and the assessments quoting it.

    For a file collected twice under two names, one that should not have
    been collected, or a source whose people must be forgotten. Plugins
    forget what they derived from it in the same transaction (loop cases,
    kept churn scores); if one fails, nothing is forgotten. The programme
    file is not changed: a source still declared there is collected again
    by the next `cxframe collect`.

    \b
    JSON: {source, records, ingests, rejects, plugins: {plugin: what it removed}, assessments}.
    """
    forgotten = api.forget(state().programme, source, host=state().plugins())
    if as_json:
        emit_json(unstructure(forgotten))
        return
    click.echo(forgotten.describe())
