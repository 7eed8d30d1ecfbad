"""``cxframe plugins``: what is installed and what each plugin registered."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from cxframe import api
from cxframe.cli._common import common_options, console, emit_json, handle_errors, json_option, state
from cxframe.contracts._errors import PluginConflict
from cxframe.contracts._shapes import PLUGIN_KINDS, plugin_json


def _print_table(described: list[dict[str, Any]]) -> None:
    table = Table("plugin", "version", "hooks", *PLUGIN_KINDS)
    for entry in described:
        table.add_row(
            entry["name"],
            entry["version"] or "",
            ", ".join(entry["hooks"]),
            *(", ".join(entry[kind]) for kind in PLUGIN_KINDS),
        )
    console().print(table if described else "no plugins installed")


@click.command()
@json_option
@common_options
@handle_errors
def plugins(as_json: bool) -> None:
    """List installed plugins, their versions and what they registered.

    Conflicting ids are listed too, then reported as an error (exit 1).
    """
    current = state()
    listing = api.plugins(current.programme, host=current.plugins())
    if listing.programme_problems:
        # listing plugins works even while the programme file is broken
        click.secho(f"warning: ignoring the programme: {listing.programme_problems[0]}", fg="yellow", err=True)
    described = [plugin_json(plugin) for plugin in listing.plugins]
    if as_json:
        emit_json(described)
    else:
        _print_table(described)
    if listing.conflicts:
        raise PluginConflict("\n".join(listing.conflicts))
