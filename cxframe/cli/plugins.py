"""``cxframe plugins``: what is installed and what each plugin registered."""

from __future__ import annotations

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
from cxframe.contracts._shapes import PLUGIN_KINDS, InstalledPlugin, plugin_json

#: listed after the JSON's kinds: what a plugin registers that ``--json`` leaves out (its shape is public, DESIGN §11)
_TEXT_ONLY = {"report_sections": "report sections", "notifiers": "notifiers", "commands": "commands"}


def _print_table(installed: list[InstalledPlugin], settings: dict[str, list[str]]) -> None:
    """One block per plugin, a line per kind it contributes, wrapped to the terminal's width.

    A table with a column per kind needs some 200 columns; at 80 every name was cut to "regist…".
    """
    out = console()
    if not installed:
        out.print("no plugins installed")
        return
    for plugin in installed:
        entry = plugin_json(plugin)
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
        for attribute, label in _TEXT_ONLY.items():
            names: tuple[str, ...] = getattr(plugin, attribute)
            if names:
                grid.add_row(label, escape(", ".join(names)))
        out.print(Padding(grid, (0, 0, 1, 2)))


@click.command()
@json_option
@common_options
@handle_errors
def plugins(as_json: bool) -> None:
    """List installed plugins, their versions and what they registered.

    The table also shows each plugin's report sections, notifiers and
    commands, which --json leaves out (its shape is public). Conflicting ids
    are listed too, then reported as an error (exit 1). A plugin that cannot
    read its settings in the programme file is listed with the problem (in
    JSON, its "error"), and the others as usual.
    """
    current = state()
    listing = api.plugins(current.programme, host=current.plugins())
    if listing.programme_problems:
        # listing plugins works even while the programme file is broken
        echo_warning(f"ignoring the programme: {listing.programme_problems[0]}")
    for problems in listing.settings_problems.values():
        for problem in problems:  # on stderr too, where `--json` output leaves a person to read it
            echo_warning(problem)
    if as_json:
        emit_json([plugin_json(plugin) for plugin in listing.plugins])
    else:
        _print_table(listing.plugins, listing.settings_problems)
    if listing.conflicts:
        raise PluginConflict("\n".join(listing.conflicts))
