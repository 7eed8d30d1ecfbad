"""``cxframe plugins``: what is installed and what each plugin registered."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from cxframe.cli._common import common_options, console, emit_json, handle_errors, json_option, state
from cxframe.contracts._errors import InvalidInput, PluginConflict
from cxframe.host._manager import PluginHost
from cxframe.host._registry import KINDS, Registry, build_registry
from cxframe.programme._file import Programme, load_programme


def describe_plugins(host: PluginHost, registry: Registry) -> list[dict[str, Any]]:
    """One entry per plugin: name, version, hooks and the ids it registered by kind."""
    described = []
    for info in host.plugin_infos():
        entry: dict[str, Any] = {"name": info.name, "version": info.version, "hooks": list(info.hooks)}
        for kind in KINDS:
            entry[kind] = registry.kind(kind).by_plugin(info.name)
        described.append(entry)
    return described


def _print_table(described: list[dict[str, Any]]) -> None:
    table = Table("plugin", "version", "hooks", *KINDS)
    for entry in described:
        table.add_row(
            entry["name"],
            entry["version"] or "",
            ", ".join(entry["hooks"]),
            *(", ".join(entry[kind]) for kind in KINDS),
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
    programme: Programme | None = None
    if (current.programme / "cxframe.toml").exists():
        try:
            programme = load_programme(current.programme)
        except InvalidInput as exc:
            # listing plugins must work even while the programme file is broken
            click.secho(f"warning: ignoring the programme: {exc.messages[0]}", fg="yellow", err=True)
    host = current.plugins()
    registry = build_registry(host, programme)
    described = describe_plugins(host, registry)
    if as_json:
        emit_json(described)
    else:
        _print_table(described)
    if registry.conflicts:
        raise PluginConflict("\n".join(registry.conflicts))
