"""Opening a programme folder with its plugins and store; listing and validating."""

from __future__ import annotations

import contextlib
import difflib
import tomllib
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import attrs

from cxframe.contracts._errors import InvalidInput, UnknownPluginSettingsWarning
from cxframe.contracts._records import MetricDefinition
from cxframe.contracts._shapes import InstalledPlugin
from cxframe.host._manager import PluginHost, load_plugins
from cxframe.host._registry import Registry, build_registry, plugin_commands
from cxframe.ingestion._readers import source_reader
from cxframe.lifecycle._run import Run, finish_run, start_run
from cxframe.programme._file import PROGRAMME_FILE, Programme, load_programme, package_name
from cxframe.programme._scaffold import example_programme
from cxframe.store._sqlite import Store

ProgrammeLike = str | Path | Programme


@attrs.define
class Opened:
    """A programme opened with its plugins, registry and store."""

    programme: Programme
    host: PluginHost
    registry: Registry
    store: Store


@contextlib.contextmanager
def open_programme(programme: ProgrammeLike = ".", host: PluginHost | None = None) -> Iterator[Opened]:
    """Open a programme folder with its plugins and store; closes the store afterwards."""
    loaded = programme if isinstance(programme, Programme) else load_programme(programme)
    host = host if host is not None else load_plugins()
    registry = build_registry(host, loaded)
    registry.raise_conflicts()
    for message, _ in unknown_plugin_settings(loaded, host):
        warnings.warn(message, UnknownPluginSettingsWarning, stacklevel=3)
    store = Store(loaded.store_path)
    try:
        yield Opened(loaded, host, registry, store)
    finally:
        store.close()


@attrs.frozen
class PluginListing:
    """What `plugins` found: the loaded plugins, the ids two of them registered, and a programme file left out."""

    plugins: list[InstalledPlugin]
    #: one line per id that two plugins registered (the first registration is kept)
    conflicts: list[str] = attrs.field(factory=list)
    #: the problems of a programme file that could not be read, and was left out
    programme_problems: list[str] = attrs.field(factory=list)
    #: plugin -> the problems with its settings in the programme file (each its own line, starting with the file);
    #: the plugin is listed with them as its ``error``
    settings_problems: dict[str, list[str]] = attrs.field(factory=dict)


def plugins(programme: ProgrammeLike | None = ".", *, host: PluginHost | None = None) -> PluginListing:
    """Every loaded plugin with its version, the hooks it implements and the ids it registered, by kind.

    A plugin that failed to load is listed with its ``error`` (and nothing registered).
    Besides the kinds of ``cxframe plugins --json``, each `InstalledPlugin` has
    its ``report_sections`` and ``notifiers`` (ids) and ``commands`` (names).

    The ``register_*`` hooks see the programme file in ``programme`` when
    there is one (a plugin may register by its settings). A programme file
    that cannot be read is left out, its problems in ``programme_problems``,
    so that plugins can be listed while it is broken. Ids that two plugins
    registered are listed in ``conflicts`` rather than raised as
    `PluginConflict`, as the other functions do. A plugin that cannot read
    its settings in the programme file (it raises `InvalidInput`, which
    stops any other command) is listed with what it did register and the
    problem as its ``error`` (each line also in ``settings_problems``); the
    other plugins read the programme file as usual. ``cxframe plugins --json``
    prints the plugins as `cxframe.contracts._shapes.plugin_json` shapes them.

    >>> [plugin.name for plugin in cxframe.plugins().plugins]  # doctest: +SKIP
    >>> {plugin.name: plugin.report_sections for plugin in cxframe.plugins().plugins}  # doctest: +SKIP
    """
    loaded: Programme | None = None
    problems: list[str] = []
    if isinstance(programme, Programme):
        loaded = programme
    elif programme is not None and (Path(programme) / PROGRAMME_FILE).exists():
        try:
            loaded = load_programme(programme)
        except InvalidInput as exc:
            problems = list(exc.messages)
    host = host if host is not None else load_plugins()
    settings: dict[str, list[str]] = {}
    registry = build_registry(host, loaded, settings_problems=settings)
    if loaded is not None:
        settings = {plugin: _in_file(loaded, messages) for plugin, messages in settings.items()}
    commands = plugin_commands(host)
    listed = [
        attrs.evolve(
            _installed(registry, info.name, info.version, info.hooks, commands.get(info.name, ())),
            error="; ".join(settings[info.name]) if info.name in settings else None,
        )
        for info in host.plugin_infos()
    ]
    # a plugin installed but left out is listed too, with why: not only on stderr, where a script misses it
    listed.extend(
        InstalledPlugin(name=failure.plugin, version=host.versions.get(failure.plugin), error=failure.error)
        for failure in host.failures
        if failure.hook == "load" and not host.pm.has_plugin(failure.plugin)
    )
    listed.sort(key=lambda plugin: plugin.name)
    return PluginListing(listed, list(registry.conflicts), problems, settings)


def _installed(
    registry: Registry, name: str, version: str | None, hooks: Iterable[str], commands: tuple[str, ...]
) -> InstalledPlugin:
    def ids(kind: str) -> tuple[str, ...]:
        return tuple(registry.kind(kind).by_plugin(name))

    return InstalledPlugin(
        name=name,
        version=version,
        hooks=tuple(hooks),
        collectors=ids("collectors"),
        metrics=ids("metrics"),
        assessments=ids("assessments"),
        checks=ids("checks"),
        reporters=ids("reporters"),
        report_sections=ids("report_sections"),
        notifiers=ids("notifiers"),
        commands=commands,
    )


def unknown_plugin_settings(programme: Programme, host: PluginHost) -> list[tuple[str, bool]]:
    """One ``(message, misspelt)`` per ``[plugins.NAME]`` table of the programme file that no installed plugin is called.

    A plugin reads its settings under its distribution's name, so any other
    table is read by nobody: ``misspelt`` when an installed plugin's name is
    close to it (``cxframe-improv``) or it is a plugin's entry-point or
    module name (``acme`` for ``acme = "cxframe_acme"`` in ``cxframe-acme``),
    else a plugin not installed here (a shared programme file may carry
    settings for plugins some readers lack). Names compare as package names
    do (``cxframe_nps`` is ``cxframe-nps``); a distribution with several
    entry points (``dist:entry``) is its distribution's name.
    """
    infos = host.plugin_infos()
    installed = sorted({package_name(info.name.split(":")[0]) for info in infos} - {"cxframe"})
    # the other names a developer may guess for a plugin: its entry point's and its module's
    aliases: dict[str, str] = {}
    for info in infos:
        for alias in (info.entry_point, info.module):
            if alias:
                aliases.setdefault(package_name(alias), package_name(info.name.split(":")[0]))
    # a plugin that failed to load is installed: its load failure says why its settings are not used
    unloaded = {package_name(failure.plugin.split(":")[0]) for failure in host.failures if failure.hook == "load"}
    listed = ", ".join(installed) or "none"
    found = []
    for name in programme.document.plugins:
        if package_name(name) in installed or package_name(name) in unloaded:
            continue
        # close: a letter or two apart (every built-in shares "cxframe-", so the usual 0.6 would pair any two)
        close = difflib.get_close_matches(package_name(name), installed, n=1, cutoff=0.85)
        where = f"{programme.file}: plugins.{name}: no installed plugin is called {name!r}"
        if package_name(name) in aliases:
            meant = aliases[package_name(name)]
            found.append(
                (
                    f"{where}, so nothing reads these settings (did you mean {meant!r}? {name!r} is a name inside "
                    "that plugin; its settings go under its distribution's name)",
                    True,
                )
            )
        elif close:
            found.append(
                (f"{where}, so nothing reads these settings (did you mean {close[0]!r}? installed: {listed})", True)
            )
        else:
            found.append((f"{where}: its settings are not used until it is installed (installed: {listed})", False))
    return found


@contextlib.contextmanager
def running(command: str, opened: Opened) -> Iterator[Run]:
    """A recorded run around some work; marked failed if the work raises."""
    run = start_run(command, opened.programme, opened.store, opened.host, opened.registry)
    try:
        yield run
    except BaseException:
        finish_run(run, "failed")
        raise
    finish_run(run)


def validate(programme: str | Path = ".", host: PluginHost | None = None) -> list[str]:
    """Every problem with a programme folder, or an empty list.

    Checks the file's keys and types, cross-references, that each source's
    collector is registered and its file exists, that each objective's
    metric (and each action's) is registered, and that no
    ``[plugins.NAME]`` table misspells an installed plugin's name (one that
    names no installed plugin at all is a `UnknownPluginSettingsWarning`).

    A plugin that failed to load is a problem, listed first (``plugin NAME:
    failed to load: …``): its collectors, metrics and checks cannot run, and
    the problems after it may be its consequences. So is a plugin whose
    ``register_*`` hook failed while validating.
    """
    try:
        loaded = load_programme(programme)
    except InvalidInput as exc:
        return exc.messages
    host = host if host is not None else load_plugins()
    before = len(host.failures)
    try:
        registry = build_registry(host, loaded)
    except InvalidInput as exc:  # a plugin that cannot make sense of its settings in the programme file
        return _in_file(loaded, exc.messages)
    # a plugin installed but not loaded: part of the programme cannot run, whatever the file says
    problems = [str(failure) for failure in host.failures[:before] if failure.hook == "load"]
    problems.extend(registry.conflicts)
    # a plugin that cannot make sense of its settings in the programme file says so by raising
    problems.extend(str(failure) for failure in host.failures[before:])
    for message, misspelt in unknown_plugin_settings(loaded, host):
        # a misspelt name is a problem; a plugin not installed here is only worth a warning
        if misspelt:
            problems.append(message)
        else:
            warnings.warn(message, UnknownPluginSettingsWarning, stacklevel=2)
    where = str(loaded.file)
    for index, source in enumerate(loaded.document.sources):
        if source.collector not in registry.collectors:
            known = ", ".join(registry.collectors.ids()) or "none installed"
            problems.append(
                f"{where}: sources[{index}].collector: unknown collector {source.collector!r} (known: {known})"
                + _missing(registry.collectors.missing())
            )
        else:
            collector = registry.collectors.get(source.collector)
            reader = source_reader(loaded, source.id)
            if collector.check_options is not None:
                problems.extend(_source_problem(where, index, p) for p in collector.check_options(reader))
        path = loaded.resolve(source.path)
        if path.is_dir():
            problems.append(f"{where}: sources[{index}].path: {source.path!r} is a folder, expected a file")
        elif not path.is_file():
            problems.append(f"{where}: sources[{index}].path: file {source.path!r} not found")
    for index, objective in enumerate(loaded.document.objectives):
        if objective.metric not in registry.metrics:
            known = ", ".join(registry.metrics.ids()) or "none installed"
            problems.append(
                f"{where}: objectives[{index}].metric: unknown metric {objective.metric!r} (known: {known})"
                + _missing(registry.metrics.missing())
            )
    for index, action in enumerate(loaded.document.actions):
        if action.metric is not None and action.metric not in registry.metrics:
            known = ", ".join(registry.metrics.ids()) or "none installed"
            problems.append(
                f"{where}: actions[{index}].metric: unknown metric {action.metric!r} (known: {known})"
                + _missing(registry.metrics.missing())
            )
    return problems


def _in_file(programme: Programme, messages: Iterable[str]) -> list[str]:
    """A plugin's settings problems, each starting with the programme file as every other problem does."""
    where = str(programme.file)
    return [message if message.startswith(where) else f"{where}: {message}" for message in messages]


def _missing(note: str) -> str:
    return f"; {note}" if note else ""


def _source_problem(where: str, index: int, problem: str) -> str:
    """A collector's problem with ``sources[index]``, its key joined on: ``sources[0].columns.questions.nps: …``."""
    key, _, rest = problem.partition(": ")
    if rest and key.startswith(("columns.", "options.")) and " " not in key:
        return f"{where}: sources[{index}].{key}: {rest}"
    return f"{where}: sources[{index}]: {problem}"


def _definitions(registry: Registry, metrics: str | Iterable[str] | None) -> list[MetricDefinition]:
    """The definitions of ``metrics`` (one id or several), or of every registered metric when none is named."""
    wanted = [metrics] if isinstance(metrics, str) else list(metrics or ())
    return [registry.metrics.get(metric) for metric in wanted or registry.metrics.ids()]


def on_store_wait(notice: Callable[[str], object] | None) -> None:
    """Have ``notice(path)`` called when a write to a store must wait for another command writing to it.

    The CLI prints "waiting for another cxframe command …"; a program may log it. ``None`` says nothing.
    """
    from cxframe.store import _locking

    _locking.on_wait = notice


def is_example(directory: str | Path, example: str) -> bool:
    """Whether the programme in ``directory`` is the worked ``example`` (its name; edits since do not matter)."""
    written = Path(directory) / PROGRAMME_FILE
    try:
        name = tomllib.loads(written.read_text(encoding="utf-8")).get("name")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return bool(name == tomllib.loads(example_programme(example)).get("name"))
