"""``cxframe plugins``: what is installed and what each plugin registered."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table

from cxframe import api
from cxframe.cli._common import (
    common_options,
    console,
    echo_warning,
    emit_json,
    handle_errors,
    json_option,
    shown_paths,
    state,
)
from cxframe.contracts._errors import PluginConflict
from cxframe.contracts._shapes import PLUGIN_KINDS, plugin_json


def _print_table(described: list[dict[str, Any]], settings: dict[str, list[str]]) -> None:
    """One block per plugin, a line per kind it contributes, wrapped to the terminal's width.

    A table with a column per kind needs some 200 columns; at 80 every name was cut to "regist…".
    """
    out = console()
    if not described:
        out.print("no plugins installed")
        return
    for entry in described:
        out.print(f"[bold]{escape(entry['name'])}[/bold] {escape(entry['version'] or '')}")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        if entry["name"] in settings:
            grid.add_row("[red]settings[/red]", escape(shown_paths("\n".join(settings[entry["name"]]))))
        elif entry.get("error"):
            grid.add_row("[red]failed to load[/red]", escape(entry["error"]))
        for kind in ("hooks", *PLUGIN_KINDS):
            if entry[kind]:
                grid.add_row(kind, escape(", ".join(entry[kind])))
        out.print(Padding(grid, (0, 0, 1, 2)))


@click.command()
@json_option
@common_options
@handle_errors
def plugins(as_json: bool) -> None:
    """List installed plugins, their versions and what they registered.

    Conflicting ids are listed too, then reported as an error (exit 1). A
    plugin that cannot read its settings in the programme file is listed
    with the problem (in JSON, its "error"), and the others as usual.
    """
    current = state()
    listing = api.plugins(current.programme, host=current.plugins())
    if listing.programme_problems:
        # listing plugins works even while the programme file is broken
        echo_warning(f"ignoring the programme: {listing.programme_problems[0]}")
    for problems in listing.settings_problems.values():
        for problem in problems:  # on stderr too, where `--json` output leaves a person to read it
            echo_warning(problem)
    described = [plugin_json(plugin) for plugin in listing.plugins]
    if as_json:
        emit_json(described)
    else:
        _print_table(described, listing.settings_problems)
    if listing.conflicts:
        raise PluginConflict("\n".join(listing.conflicts))
