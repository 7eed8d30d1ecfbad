"""Loading plugins from the ``cxframe`` entry-point group, and calling them safely.

Nothing happens at import time: `load_plugins` builds a fresh
`PluginHost` each time it is called. Every hook call goes through
`PluginHost.call`, which calls the hook through pluggy (so wrappers,
``firstresult`` and ``historic`` hooks work as pluggy documents) with each
plugin isolated (`cxframe.host._isolation`): one that raises is recorded
(plugin name, hook, error, traceback) and the others still answer.

Environment variables:

``CXFRAME_LOAD_PLUGINS``
    Comma-separated distribution names to load (compared as package names:
    ``cxframe_nps`` is ``cxframe-nps``); others are skipped. Set it empty to
    load none. Useful to find which plugin breaks a command. A name no
    installed distribution has is noted in `PluginHost.notes`.
``CXFRAME_TRACE``
    When set (non-empty), every hook call is reported on standard error
    through pluggy's hook-call monitoring: the plugins called, in order, then
    how many results came back and which plugins failed.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import os
import re
import sys
import threading
import traceback
from collections.abc import Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any

import attrs
import pluggy

from cxframe.host import _hookspecs as hookspecs
from cxframe.host._isolation import StandIn, pair, stand_in
from cxframe.programme._file import package_name

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
    #: the entry point's own name (``acme`` in ``acme = "cxframe_acme"``), for a plugin loaded from one
    entry_point: str | None = None


@attrs.define
class PluginHost:
    """The pluggy manager plus what went wrong while loading and calling plugins.

    With ``trace`` every hook call is reported on standard error.
    """

    pm: pluggy.PluginManager
    failures: list[PluginFailure] = attrs.field(factory=list)
    versions: dict[str, str | None] = attrs.field(factory=dict)
    #: plugin name -> the name of the entry point it was loaded from
    entry_points: dict[str, str] = attrs.field(factory=dict)
    #: what loading found worth saying that is no plugin's failure (a CXFRAME_LOAD_PLUGINS name matching nothing)
    notes: list[str] = attrs.field(factory=list)
    trace: bool = False
    # per thread: the calls in progress (hook, answers so far), and where the failures stood when each traced call began
    _local: threading.local = attrs.field(factory=threading.local, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.trace:
            self.pm.add_hookcall_monitoring(self._trace_before, self._trace_after)

    def register(self, plugin: ModuleType | object, name: str, version: str | None = None) -> bool:
        """Register a plugin object under ``name``; record and skip it if it is invalid.

        pluggy is given a `cxframe.host._isolation.StandIn` with the plugin's
        hook implementations, isolated; ``host.pm.get_plugin(name).original``
        is the plugin object.
        """
        other = self.name_of(plugin)
        if other is not None:
            self.failures.append(PluginFailure(name, "load", f"already registered as {other}"))
            return False
        isolated = stand_in(self.pm, plugin, name, self.record, self._answered)
        try:
            self.pm.register(isolated, name=name)
            # check_pending covers only this plugin's hooks once it is registered
            self.pm.check_pending()
        except (pluggy.PluginValidationError, ValueError) as exc:
            if self.pm.is_registered(isolated):
                self.pm.unregister(isolated)
            self.failures.append(PluginFailure(name, "load", self._validation_message(str(exc))))
            return False
        self.versions[name] = version
        return True

    def name_of(self, plugin: object) -> str | None:
        """The name ``plugin`` (the object given to `register`) is registered under, or None."""
        for registered in self.pm.get_plugins():
            if isinstance(registered, StandIn) and registered.original is plugin:
                return self.pm.get_name(registered)
        return None

    def _validation_message(self, message: str) -> str:
        """pluggy's message for an invalid hook implementation, said in one line with a did-you-mean.

        pluggy names the hook and then the plugin object (``in plugin <module …>``), or spreads an
        unknown argument over three lines with the implementation's signature.
        """
        unknown = re.match(r"unknown hook '(\w+)' in plugin ", message)
        if unknown:
            hook = unknown.group(1)
            return f"unknown hook {hook!r}" + _did_you_mean(hook, self._hook_names())
        arguments = re.match(
            r"Plugin '[^']*' for hook '(\w+)'\nhookimpl definition: (.*)\nArgument\(s\) \{(.*)\} are declared",
            message,
        )
        if arguments:
            hook, signature, names = arguments.groups()
            known = list(getattr(self.pm.hook, hook).spec.argnames)
            unknown_names = re.findall(r"'(\w+)'", names)
            hints = "".join(_did_you_mean(unknown_name, known) for unknown_name in unknown_names)
            return (
                f"hook {hook}: {signature} takes {', '.join(map(repr, unknown_names))}, which {hook} does not pass "
                f"(it passes {', '.join(known) or 'nothing'}){hints}"
            )
        return " ".join(message.split("\n"))

    def _hook_names(self) -> list[str]:
        # pluggy also keeps a caller, without a spec, for each unknown hook it was offered
        return [
            name
            for name, caller in vars(self.pm.hook).items()
            if isinstance(caller, pluggy.HookCaller) and caller.spec is not None
        ]

    def unregister(self, name: str) -> None:
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        self.versions.pop(name, None)

    def record(self, plugin: str, hook: str, error: BaseException) -> PluginFailure:
        """Record that ``plugin`` failed in ``hook`` (a hook name, or what else of it ran) with ``error``."""
        failure = PluginFailure(
            plugin, hook, f"{type(error).__name__}: {error}", "".join(traceback.format_exception(error))
        )
        self.failures.append(failure)
        return failure

    def call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` through pluggy, each plugin isolated; return ``(plugin, result)`` pairs.

        The pairs come in pluggy's order (last registered first, honouring
        ``tryfirst``/``trylast``), after any wrapper, with ``None`` results
        left out: one pair at most for a ``firstresult`` hook. A ``historic``
        hook is called with ``call_historic``, so a plugin registered later
        is called too (its result is not returned here).

        A plugin whose hook raises is left out and recorded in `failures`,
        unless it raised `cxframe.InvalidInput` (bad input the user can fix),
        which is raised here. A wrapper that raises is recorded and the call
        goes on as if it were not there.
        """
        caller: pluggy.HookCaller = getattr(self.pm.hook, hook)
        return self._call(caller, kwargs)

    def implementers(self, hook: str) -> list[str]:
        """The plugins with a (non-wrapper) implementation of ``hook``, in the order pluggy calls them."""
        caller: pluggy.HookCaller = getattr(self.pm.hook, hook)
        impls = caller.get_hookimpls()
        return [impl.plugin_name for impl in reversed(impls) if not (impl.wrapper or impl.hookwrapper)]

    def call_one(self, plugin: str, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """`call` with only ``plugin``'s implementation of ``hook`` (and every wrapper around it).

        For hooks whose plugins answer in turn, each seeing the previous
        answer: call it for each of `implementers` (the wrappers of a plugin
        that also implements the hook take part in its own call only).
        """
        caller: pluggy.HookCaller = getattr(self.pm.hook, hook)
        others = {
            impl.plugin
            for impl in caller.get_hookimpls()
            if impl.plugin_name != plugin and not (impl.wrapper or impl.hookwrapper)
        }
        return self._call(self.pm.subset_hook_caller(hook, others), kwargs)

    def call_leaving_out(self, hook: str, plugins: Iterable[str], **kwargs: Any) -> list[tuple[str, Any]]:
        """`call` without ``plugins``' implementations of ``hook`` (nor their wrappers of it)."""
        left_out = [plugin for plugin in map(self.pm.get_plugin, plugins) if plugin is not None]
        if not left_out:
            return self.call(hook, **kwargs)
        return self._call(self.pm.subset_hook_caller(hook, left_out), kwargs)

    def _call(self, caller: pluggy.HookCaller, kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
        answers: list[tuple[str, Any]] = []  # filled by each plugin's isolated implementation (_answered)
        calls = self._calls()
        calls.append((caller.name, answers))
        try:
            if caller.is_historic():
                collected: list[Any] = []
                caller.call_historic(result_callback=collected.append, kwargs=kwargs)
                returned: Any = collected
            else:
                returned = caller(**kwargs)
        finally:
            calls.pop()
        wrappers = [impl.plugin_name for impl in caller.get_hookimpls() if impl.wrapper or impl.hookwrapper]
        if caller.spec is not None and caller.spec.opts.get("firstresult"):
            results = [] if returned is None else [returned]
        elif isinstance(returned, list):
            results = returned
        else:  # only a wrapper can turn pluggy's list of results into something else
            self.failures.append(
                PluginFailure(
                    wrappers[-1] if wrappers else "?",
                    caller.name,
                    f"a wrapper returned {type(returned).__name__}, expected the list of results",
                )
            )
            results = [result for _, result in answers]
        return pair(answers, results, wrappers)

    def _calls(self) -> list[tuple[str, list[tuple[str, Any]]]]:
        if not hasattr(self._local, "calls"):
            self._local.calls = []
        calls: list[tuple[str, list[tuple[str, Any]]]] = self._local.calls
        return calls

    def _answered(self, plugin: str, hook: str, result: Any) -> None:
        # the innermost call of this hook; none when pluggy calls a plugin on its own (a historic hook's replay)
        for called, answers in reversed(self._calls()):
            if called == hook:
                answers.append((plugin, result))
                return

    def _trace_before(self, hook: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, object]) -> None:
        if not hasattr(self._local, "marks"):
            self._local.marks = []
        self._local.marks.append(len(self.failures))
        called = ", ".join(
            f"{impl.plugin_name} (wrapper)" if impl.wrapper or impl.hookwrapper else impl.plugin_name
            for impl in reversed(impls)
        )
        line = f"calling {hook} on {called}" if called else f"calling {hook}: no plugin implements it"
        print(f"cxframe: {line}", file=sys.stderr)

    def _trace_after(
        self, outcome: pluggy.Result[Any], hook: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, object]
    ) -> None:
        mark: int = self._local.marks.pop()
        if not impls:
            return
        if outcome.exception is not None:
            said = f"raised {type(outcome.exception).__name__}: {outcome.exception}"
        else:
            result = outcome.get_result()
            if isinstance(result, list):
                said = f"returned {len(result)} result{'' if len(result) == 1 else 's'}"
            else:
                said = "returned nothing" if result is None else f"returned {type(result).__name__}"
        failed = sorted({failure.plugin for failure in self.failures[mark:] if failure.hook == hook})
        if failed:
            said += f"; failed: {', '.join(failed)}"
        print(f"cxframe: {hook} {said}", file=sys.stderr)

    def plugin_infos(self) -> list[PluginInfo]:
        """Every registered plugin with its version and the hooks it implements."""
        infos = []
        for name, plugin in sorted(self.pm.list_name_plugin()):
            callers = self.pm.get_hookcallers(plugin) or []
            original = plugin.original if isinstance(plugin, StandIn) else plugin
            infos.append(
                PluginInfo(
                    name=name,
                    version=self.versions.get(name),
                    hooks=tuple(sorted(caller.name for caller in callers)),
                    module=getattr(original, "__name__", type(original).__name__),
                    entry_point=self.entry_points.get(name),
                )
            )
        return infos


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def new_host(*, trace: bool | None = None) -> PluginHost:
    """A plugin host with the hook specs added and no plugin registered."""
    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    if trace is None:
        trace = bool(os.environ.get("CXFRAME_TRACE"))
    return PluginHost(pm=pm, trace=trace)


def _allowed() -> list[str] | None:
    value = os.environ.get("CXFRAME_LOAD_PLUGINS")
    if value is None:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def _unmatched_allowed(allowed: list[str], entry_points: list[importlib.metadata.EntryPoint]) -> list[str]:
    """A line per name in ``CXFRAME_LOAD_PLUGINS`` that no installed distribution is called (a did-you-mean when
    it is an entry point's or a module's name)."""
    dists: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for entry_point in entry_points:
        dist = entry_point.dist.name if entry_point.dist is not None else entry_point.name
        dists[package_name(dist)] = dist
        module = (
            getattr(entry_point, "value", "").split(":")[0].split(".")[0]
        )  # "cxframe_acme" of "cxframe_acme:plugin"
        for alias in (entry_point.name, module):
            aliases.setdefault(package_name(alias), dist)
    installed = ", ".join(sorted(dists.values())) or "none"
    lines = []
    for name in allowed:
        if package_name(name) in dists:
            continue
        meant = aliases.get(package_name(name))
        hint = f"did you mean {meant!r}? " if meant else ""
        lines.append(f"CXFRAME_LOAD_PLUGINS names no installed plugin: {name!r} ({hint}installed: {installed})")
    return lines


def _entry_points() -> Iterable[importlib.metadata.EntryPoint]:
    return importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)


def load_plugins(*, entry_points: bool = True, extra: Iterable[object] = ()) -> PluginHost:
    """Build a plugin host and load plugins.

    :param entry_points: load every distribution's ``cxframe`` entry points
        (filtered by ``CXFRAME_LOAD_PLUGINS`` when set).
    :param extra: plugin objects (modules or instances) to register as well,
        named after their module or class; one that an entry point already
        registered (the same module, installed) is that plugin, under its
        distribution's name.
    """
    host = new_host()
    if entry_points:
        allowed = _allowed()
        found = list(_entry_points())
        if allowed is not None:
            host.notes.extend(_unmatched_allowed(allowed, found))
        wanted = None if allowed is None else {package_name(name) for name in allowed}
        seen_names: dict[str, int] = {}
        for entry_point in found:
            dist = entry_point.dist
            dist_name = dist.name if dist is not None else entry_point.name
            seen_names[dist_name] = seen_names.get(dist_name, 0) + 1
        for entry_point in found:
            dist = entry_point.dist
            dist_name = dist.name if dist is not None else entry_point.name
            if wanted is not None and package_name(dist_name) not in wanted:
                continue
            # one distribution may declare several entry points; keep names unique
            name = dist_name if seen_names[dist_name] == 1 else f"{dist_name}:{entry_point.name}"
            if host.pm.has_plugin(name):
                continue
            # kept for a plugin that fails to load too: `cxframe plugins` lists it, and its entry point's name
            # gets a did-you-mean for settings filed under it
            host.entry_points[name] = entry_point.name
            host.versions[name] = dist.version if dist is not None else None
            try:
                plugin = entry_point.load()
            except Exception as exc:
                host.record(name, "load", exc)
                continue
            host.register(plugin, name, dist.version if dist is not None else None)
    for plugin in extra:
        if host.name_of(plugin) is not None:
            # a plugin given in code and also installed (a plugin's own tests, with entry_points=True): one
            # plugin, already registered under its distribution's name and version
            continue
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        host.register(plugin, name)
    return host
