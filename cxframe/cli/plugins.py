"""``cxframe plugins``: what is installed and what each plugin registered."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from cxframe.cli._common import common_options, console, emit_json, handle_errors, json_option, state
from cxframe.plugins import PluginHost
from cxframe.programme import Programme, load_programme
from cxframe.registry import KINDS, build_registry


def describe_plugins(host: PluginHost, programme: Programme | None = None) -> list[dict[str, Any]]:
    """One entry per plugin: name, version, hooks and the ids it registered by kind."""
    registry = build_registry(host, programme)
    described = []
    for info in host.plugin_infos():
        entry: dict[str, Any] = {"name": info.name, "version": info.version, "hooks": list(info.hooks)}
        for kind in KINDS:
            entry[kind] = registry.kind(kind).by_plugin(info.name)
        described.append(entry)
    for conflict in registry.conflicts:
        click.secho(f"error: {conflict}", fg="red", err=True)
    return described


@click.command()
@json_option
@common_options
@handle_errors
def plugins(as_json: bool) -> None:
    """List installed plugins, their versions and what they registered."""
    current = state()
    programme = None
    if (current.programme / "cxframe.toml").exists():
        programme = load_programme(current.programme)
    described = describe_plugins(current.plugins(), programme)
    if as_json:
        emit_json(described)
        return
    table = Table("plugin", "version", "hooks", *KINDS)
    for entry in described:
        table.add_row(
            entry["name"],
            entry["version"] or "",
            ", ".join(entry["hooks"]),
            *(", ".join(entry[kind]) for kind in KINDS),
        )
    console().print(table if described else "no plugins installed")
