"""Everything the loaded plugins contributed, by kind and id.

Built once per command from the ``register_*`` hooks. A contribution of the
wrong type is recorded as that plugin's failure; the same id from two plugins
is a `cxframe.contracts._errors.PluginConflict` naming both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import click

from cxframe.contracts._alerts import Notifier
from cxframe.contracts._errors import InvalidInput, PluginConflict, UnknownId
from cxframe.contracts._maturity import Assessment
from cxframe.contracts._plugins import Check, Collector, Reporter
from cxframe.contracts._records import MetricDefinition
from cxframe.contracts._sections import ReportSection
from cxframe.host._manager import PluginFailure, PluginHost

if TYPE_CHECKING:
    from cxframe.programme._file import Programme

T = TypeVar("T")

#: kind → (hook, expected class), for the kinds ``cxframe plugins`` lists (its JSON shape is public, DESIGN §11)
KINDS: dict[str, tuple[str, type]] = {
    "collectors": ("register_collectors", Collector),
    "metrics": ("register_metrics", MetricDefinition),
    "assessments": ("register_assessments", Assessment),
    "checks": ("register_checks", Check),
    "reporters": ("register_reporters", Reporter),
}

#: every kind the registry holds: the listed ones, the report sections and the notifiers
ALL_KINDS: dict[str, tuple[str, type]] = {
    **KINDS,
    "report_sections": ("register_report_sections", ReportSection),
    "notifiers": ("register_notifiers", Notifier),
}


def _label(kind: str) -> str:
    """A kind's name for one of its items: ``collectors`` → ``collector``, ``report_sections`` → ``report section``."""
    return kind.rstrip("s").replace("_", " ")


@attrs.frozen
class Registered(Generic[T]):
    """One contribution and the plugin that made it."""

    plugin: str
    item: T


@attrs.define
class Kind(Generic[T]):
    """The contributions of one kind, by id."""

    name: str
    entries: dict[str, Registered[T]] = attrs.field(factory=dict)
    #: plugin -> how it failed before registering its contributions of this kind ("failed to load", …)
    failed: dict[str, str] = attrs.field(factory=dict)

    def __contains__(self, id: str) -> bool:
        return id in self.entries

    def __iter__(self) -> Iterator[T]:
        return (entry.item for entry in self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def ids(self) -> list[str]:
        return list(self.entries)

    def registered(self) -> list[Registered[T]]:
        """Every contribution with the plugin that made it, in registration order."""
        return list(self.entries.values())

    def get(self, id: str) -> T:
        """The contribution with this id, or `UnknownId` listing the known ones."""
        try:
            return self.entries[id].item
        except KeyError:
            raise UnknownId(_label(self.name), id, self.entries, self.missing()) from None

    def missing(self) -> str:
        """Which plugins failed before registering theirs, so that their ids are missing; empty when none did."""
        return missing_note(self.name, self.failed)

    def plugin_of(self, id: str) -> str:
        return self.entries[id].plugin

    def by_plugin(self, plugin: str) -> list[str]:
        return [id for id, entry in self.entries.items() if entry.plugin == plugin]


@attrs.define
class Registry:
    collectors: Kind[Collector]
    metrics: Kind[MetricDefinition]
    assessments: Kind[Assessment]
    checks: Kind[Check]
    reporters: Kind[Reporter]
    report_sections: Kind[ReportSection]
    notifiers: Kind[Notifier]
    conflicts: list[str] = attrs.field(factory=list)

    def kind(self, name: str) -> Kind[Any]:
        kind: Kind[Any] = getattr(self, name)
        return kind

    def raise_conflicts(self) -> None:
        if self.conflicts:
            raise PluginConflict("\n".join(self.conflicts))


def missing_note(kind: str, failed: dict[str, str]) -> str:
    """``plugin X failed to load, so the metrics it registers are missing``, per plugin in ``failed``."""
    return "; ".join(
        f"plugin {plugin} {how}, so the {kind.replace('_', ' ')} it registers are missing"
        for plugin, how in failed.items()
    )


def failed_before_registering(host: PluginHost, kind: str) -> dict[str, str]:
    """plugin -> how it failed, for the plugins that failed to load or in the hook registering ``kind``."""
    hook = ALL_KINDS[kind][0]
    failed: dict[str, str] = {}
    for failure in host.failures:
        if failure.hook == "load":
            failed.setdefault(failure.plugin, "failed to load")
        elif failure.hook == hook:
            failed.setdefault(failure.plugin, f"failed in {hook}")
    return failed


def _contributions(
    host: PluginHost,
    hook: str,
    programme: Programme | None,
    settings_problems: dict[str, list[str]] | None,
    kind: Kind[Any],
) -> list[tuple[str, Any]]:
    """``(plugin, contributed)`` from ``hook``; with ``settings_problems``, without the plugins that raise `InvalidInput`."""
    if settings_problems is None:
        return host.call(hook, programme=programme)
    left_out: list[str] = []
    while True:
        before = len(host.failures)
        try:
            return host.call_leaving_out(hook, left_out, programme=programme)
        except InvalidInput as error:
            if error.plugin is None or error.plugin in left_out:
                raise
            # asked again without it: what the others failed at in this call would be counted twice
            del host.failures[before:]
            problems = settings_problems.setdefault(error.plugin, [])
            problems.extend(message for message in error.messages if message not in problems)
            kind.failed.setdefault(error.plugin, "cannot read its settings")
            left_out.append(error.plugin)


def build_registry(
    host: PluginHost, programme: Programme | None = None, *, settings_problems: dict[str, list[str]] | None = None
) -> Registry:
    """Ask every plugin for its contributions and index them by id.

    Conflicting ids are collected in `Registry.conflicts` (the first
    registration is kept); call `Registry.raise_conflicts` where a
    conflict must stop the command.

    A plugin that raises `InvalidInput` (its settings in the programme file
    are wrong) stops the build, as it stops any command, unless
    ``settings_problems`` is given: then its messages are added there under
    its name, and the others still register what they do (``cxframe
    plugins`` lists every plugin, that one with its problem).
    """
    kinds: dict[str, Kind[Any]] = {}
    conflicts: list[str] = []
    unloaded = {failure.plugin: "failed to load" for failure in host.failures if failure.hook == "load"}
    for kind_name, (hook, cls) in ALL_KINDS.items():
        kind: Kind[Any] = Kind(kind_name, failed=dict(unloaded))
        before = len(host.failures)
        for plugin, contributed in _contributions(host, hook, programme, settings_problems, kind):
            if contributed is None:
                continue
            if not isinstance(contributed, list | tuple):
                host.failures.append(
                    PluginFailure(plugin, hook, f"returned {type(contributed).__name__}, expected a list")
                )
                continue
            for item in contributed:
                if not isinstance(item, cls):
                    host.failures.append(PluginFailure(plugin, hook, f"returned {item!r}, expected {cls.__name__}"))
                    continue
                item_id: str = getattr(item, "id")  # noqa: B009 - every registrable class has an id
                existing = kind.entries.get(item_id)
                if existing is not None:
                    first, second = sorted((existing.plugin, plugin))
                    conflicts.append(f"{_label(kind_name)} id {item_id!r} is registered by both {first} and {second}")
                    continue
                kind.entries[item_id] = Registered(plugin, item)
        for failure in host.failures[before:]:
            if failure.hook == hook:
                kind.failed.setdefault(failure.plugin, f"failed in {hook}")
        kinds[kind_name] = kind
    return Registry(conflicts=conflicts, **kinds)


def plugin_commands(host: PluginHost) -> dict[str, tuple[str, ...]]:
    """plugin -> the names of the top-level commands its ``register_commands`` adds, for the plugins that add any.

    Each plugin gets a group of its own, so that the names are its own (in
    one shared group a later plugin's command would replace an earlier one's
    of the same name). A plugin whose hook raises is recorded in
    ``host.failures`` and left out, as with any hook.
    """
    commands: dict[str, tuple[str, ...]] = {}
    for plugin in host.implementers("register_commands"):
        group = click.Group(plugin)
        host.call_one(plugin, "register_commands", cli=group)
        if group.commands:
            commands[plugin] = tuple(sorted(group.commands))
    return commands
