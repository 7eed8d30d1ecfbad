"""Loading plugins from the ``cxframe`` entry-point group, and calling them safely.

Nothing happens at import time: `load_plugins` builds a fresh
`PluginHost` each time it is called. Every hook call goes through
`PluginHost.call`, which calls each plugin on its own so that one that
raises is recorded (plugin name, hook, error) and the others still answer.

Environment variables:

``CXFRAME_LOAD_PLUGINS``
    Comma-separated distribution names to load; others are skipped. Set it
    empty to load none. Useful to find which plugin breaks a command.
``CXFRAME_TRACE``
    When set, every hook call is printed to standard error.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
import traceback
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import attrs
import pluggy

from cxframe.contracts._errors import InvalidInput
from cxframe.host import _hookspecs as hookspecs

ENTRY_POINT_GROUP = "cxframe"


@attrs.frozen
class PluginFailure:
    """A plugin that failed to load, or a hook of it that raised."""

    plugin: str
    hook: str
    error: str
    detail: str = ""

    def __str__(self) -> str:
        where = "failed to load" if self.hook == "load" else f"hook {self.hook} failed"
        return f"plugin {self.plugin}: {where}: {self.error}"


@attrs.frozen
class PluginInfo:
    """A loaded plugin: its distribution name, version and the hooks it implements."""

    name: str
    version: str | None
    hooks: tuple[str, ...]
    module: str


@attrs.define
class PluginHost:
    """The pluggy manager plus what went wrong while loading and calling plugins."""

    pm: pluggy.PluginManager
    failures: list[PluginFailure] = attrs.field(factory=list)
    versions: dict[str, str | None] = attrs.field(factory=dict)
    trace: bool = False

    def register(self, plugin: ModuleType | object, name: str, version: str | None = None) -> bool:
        """Register a plugin object under ``name``; record and skip it if it is invalid."""
        try:
            self.pm.register(plugin, name=name)
            # check_pending covers only this plugin's hooks once it is registered
            self.pm.check_pending()
        except (pluggy.PluginValidationError, ValueError) as exc:
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            self.failures.append(PluginFailure(name, "load", str(exc)))
            return False
        self.versions[name] = version
        return True

    def unregister(self, name: str) -> None:
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        self.versions.pop(name, None)

    def call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on every plugin, each isolated; return ``(plugin, result)`` pairs.

        Plugins are called in pluggy's order (last registered first, honouring
        ``tryfirst``/``trylast``). A plugin whose hook raises is left out of the
        result and recorded in `failures`, unless it raised `InvalidInput`
        (bad input the user can fix), which is raised here.
        """
        results: list[tuple[str, Any]] = []
        caller = getattr(self.pm.hook, hook)
        for impl in reversed(caller.get_hookimpls()):
            arguments = {name: kwargs[name] for name in impl.argnames}
            if self.trace:
                print(f"cxframe: calling {impl.plugin_name}.{hook}", file=sys.stderr)
            try:
                results.append((impl.plugin_name, impl.function(**arguments)))
            except InvalidInput:
                # the user's to fix (a plugin's settings in the programme file, say), not the plugin's failure:
                # going on without the plugin would give results that only look complete
                raise
            except Exception as exc:
                self.failures.append(
                    PluginFailure(
                        impl.plugin_name,
                        hook,
                        f"{type(exc).__name__}: {exc}",
                        "".join(traceback.format_exception(exc)),
                    )
                )
        return results

    def plugin_infos(self) -> list[PluginInfo]:
        """Every registered plugin with its version and the hooks it implements."""
        infos = []
        for name, plugin in sorted(self.pm.list_name_plugin()):
            callers = self.pm.get_hookcallers(plugin) or []
            infos.append(
                PluginInfo(
                    name=name,
                    version=self.versions.get(name),
                    hooks=tuple(sorted(caller.name for caller in callers)),
                    module=getattr(plugin, "__name__", type(plugin).__name__),
                )
            )
        return infos


def new_host(*, trace: bool | None = None) -> PluginHost:
    """A plugin host with the hook specs added and no plugin registered."""
    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    if trace is None:
        trace = bool(os.environ.get("CXFRAME_TRACE"))
    return PluginHost(pm=pm, trace=trace)


def _allowed() -> set[str] | None:
    value = os.environ.get("CXFRAME_LOAD_PLUGINS")
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def _entry_points() -> Iterable[importlib.metadata.EntryPoint]:
    return importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)


def load_plugins(*, entry_points: bool = True, extra: Iterable[object] = ()) -> PluginHost:
    """Build a plugin host and load plugins.

    :param entry_points: load every distribution's ``cxframe`` entry points
        (filtered by ``CXFRAME_LOAD_PLUGINS`` when set).
    :param extra: plugin objects (modules or instances) to register as well,
        named after their module or class.
    """
    host = new_host()
    if entry_points:
        allowed = _allowed()
        seen_names: dict[str, int] = {}
        for entry_point in _entry_points():
            dist = entry_point.dist
            dist_name = dist.name if dist is not None else entry_point.name
            seen_names[dist_name] = seen_names.get(dist_name, 0) + 1
        for entry_point in _entry_points():
            dist = entry_point.dist
            dist_name = dist.name if dist is not None else entry_point.name
            if allowed is not None and dist_name not in allowed:
                continue
            # one distribution may declare several entry points; keep names unique
            name = dist_name if seen_names[dist_name] == 1 else f"{dist_name}:{entry_point.name}"
            if host.pm.has_plugin(name):
                continue
            try:
                plugin = entry_point.load()
            except Exception as exc:
                host.failures.append(
                    PluginFailure(
                        name,
                        "load",
                        f"{type(exc).__name__}: {exc}",
                        "".join(traceback.format_exception(exc)),
                    )
                )
                continue
            host.register(plugin, name, dist.version if dist is not None else None)
    for plugin in extra:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        host.register(plugin, name)
    return host
