"""Collecting sources into the store, and forgetting one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cxframe.api._opening import ProgrammeLike, open_programme
from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._plugins import Detection
from cxframe.host._manager import PluginFailure, PluginHost, load_plugins
from cxframe.host._registry import build_registry
from cxframe.ingestion._collect import CollectorFailed, IngestSummary, Progress, ingest
from cxframe.ingestion._detect import detect_file
from cxframe.ingestion._forget import Forgotten, forget_source
from cxframe.ingestion._readers import adhoc_source_id, readers_to_collect
from cxframe.programme._file import load_programme
from cxframe.programme._scaffold import init_programme as _init_programme


def collect(
    programme: ProgrammeLike = ".",
    sources: Sequence[str] = (),
    *,
    collector: str | None = None,
    encoding: str | None = None,
    columns: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    host: PluginHost | None = None,
    progress: Progress | None = None,
    on_detected: Callable[[str, Detection], object] | None = None,
    on_failed: Callable[[str, InvalidInput | CollectorFailed], object] | None = None,
) -> list[IngestSummary]:
    """Collect sources into the store and return one summary per source collected.

    ``sources`` are source ids from the programme file or file paths; empty
    means every source in the programme file. For a path that is not a source
    of the programme, ``collector``, ``columns`` and ``options`` are what a
    ``[[sources]]`` entry would say (only for such files: a declared source
    takes them from the programme file); given none of them, the file's
    layout is recognised (`detect_source`) and ``on_detected(file, detection)``
    told what was taken, or an `InvalidInput` asks for the mapping. ``encoding`` applies to every
    source collected. An ad-hoc file is named by its path relative to the
    programme folder when it lies inside it, else by its absolute path, so
    two files of the same name stay apart and a re-collected file keeps its
    name. Sources are collected one by one, each in its own transaction.

    A source that cannot be collected (a missing column, a file that is not
    text in its encoding …, or a collector that raised: `CollectorFailed`, a
    bug in its plugin) stores nothing and does not stop the others: they
    are collected, and the ``collect_finished`` hook sees their summaries.
    With ``on_failed``, ``on_failed(source_id, error)`` is told of each such
    source and the summaries of the others are returned — how the CLI prints
    every failure and still shows what was collected. Without it, one error
    listing every failed source's problems is raised once the others are
    collected (`InvalidInput`, or `CollectorFailed` when a collector raised),
    so a caller that expected an error for a bad source still gets one (its
    good sources are stored all the same). A collector that raised is also
    its plugin's failure: the `CollectorFailed` names the plugin, and the
    failure (hook ``collector ID``) is added to ``host.failures``, where
    ``--strict`` counts it. A problem
    before any source is read (an unknown source id, a file whose layout is
    not recognised) is raised at once and nothing is collected.

    >>> cxframe.collect("my-programme", ["exports/survey.csv"], collector="survey-csv",
    ...                 columns={"timestamp": "Date", "questions": {"nps": "Q1"}})  # doctest: +SKIP
    """
    with open_programme(programme, host) as opened:
        opened.store.require_writable("collect")
        readers = readers_to_collect(
            opened.programme,
            sources,
            collector,
            encoding,
            columns,
            options,
            collectors=opened.registry.collectors,
            on_detected=on_detected,
        )
        summaries = []
        failed: list[InvalidInput | CollectorFailed] = []
        for reader in readers:
            chosen = opened.registry.collectors.get(reader.collector)
            try:
                summaries.append(ingest(opened.store, reader, chosen, progress=progress))
            # that source stored nothing (one transaction): go on with the rest, also after a plugin's bug
            except (InvalidInput, CollectorFailed) as error:
                if isinstance(error, CollectorFailed):
                    plugin = opened.registry.collectors.plugin_of(reader.collector)
                    error = _plugins_failure(opened.host, plugin, reader.collector, error)
                failed.append(error)
                if on_failed is not None:
                    on_failed(reader.id, error)
        opened.host.call(
            "collect_finished",
            programme=opened.programme,
            store=opened.store,
            catalogue=opened.registry,
            summaries=summaries,
        )
        if failed and on_failed is None:
            messages = [str(error) for error in failed]
            bugs = [error for error in failed if isinstance(error, CollectorFailed)]
            if bugs:
                raise CollectorFailed("\n".join(messages), "".join(bug.detail for bug in bugs))
            raise InvalidInput(messages)
        return summaries


def _plugins_failure(host: PluginHost, plugin: str, collector: str, error: CollectorFailed) -> CollectorFailed:
    """``error`` naming its plugin, and recorded as that plugin's failure in ``host.failures``.

    A collector is a plugin's code like a hook: its bug is the plugin's
    failure, which ``--strict`` counts (the CLI prints the source's error
    line, which now names the plugin, and not the failure again).
    """
    failure = PluginFailure(plugin, f"collector {collector}", error.cause, error.detail)
    host.failures.append(failure)
    return CollectorFailed(f"plugin {plugin}: {error}", error.detail, cause=error.cause, failure=failure)


def detect_source(
    path: str | Path,
    programme: ProgrammeLike | None = None,
    *,
    encoding: str | None = None,
    host: PluginHost | None = None,
) -> Detection:
    """Recognise an export: its collector and the columns and options its ``[[sources]]`` entry would need.

    Every installed collector that can recognise files is asked; the single
    sure answer is returned (``describe(file)`` says what it took and left
    out, ``command(file)`` the explicit ``cxframe collect``). When no
    collector is sure, or two are, `InvalidInput` says so and shows the
    mapping to give. Nothing is stored.

    >>> cxframe.detect_source("exports/qualtrics.csv").columns  # doctest: +SKIP
    """
    loaded = load_programme(programme) if isinstance(programme, str | Path) else programme
    registry = build_registry(host if host is not None else load_plugins(), loaded)
    file = Path(path)
    name = adhoc_source_id(loaded, file) if loaded is not None else file.resolve().as_posix()
    return detect_file(
        file.resolve(), registry.collectors, source_id=name, encoding=encoding, programme=loaded, shown=str(path)
    )


def init_programme(
    directory: str | Path,
    *,
    example: str | None = None,
    force: bool = False,
    from_files: Sequence[str | Path] = (),
    host: PluginHost | None = None,
    on_detected: Callable[[str, Detection], object] | None = None,
) -> Path:
    """Write a new programme folder (or a worked ``example``) and return the path of its programme file.

    ``from_files`` are exports to start from: each is recognised
    (`detect_source`) and gets a ``[[sources]]`` entry, ready to edit; a file
    that is not recognised surely is an `InvalidInput` naming it, and nothing
    is written; ``on_detected(file, detection)`` is told what was taken. Refuses
    to overwrite an existing ``cxframe.toml`` unless ``force``.
    """
    root = Path(directory)
    detected = {}
    if from_files:
        collectors = build_registry(host if host is not None else load_plugins(), None).collectors
        for file in from_files:
            path = Path(file).resolve()
            try:  # as the programme file will name it: inside the folder relative to it, else absolute
                named = path.relative_to(root.resolve()).as_posix()
            except ValueError:
                named = path.as_posix()
            if named in detected:  # two entries for one file would store its responses twice
                raise InvalidInput([f"{file}: given twice to --from"])
            detected[named] = detect_file(path, collectors, source_id=named, shown=str(file))
            if on_detected is not None:
                on_detected(str(file), detected[named])
    return _init_programme(root, example=example, force=force, detected=detected)


def forget(programme: ProgrammeLike = ".", source: str = "", *, host: PluginHost | None = None) -> Forgotten:
    """Remove everything stored from ``source`` — its records, ingests and rejects — in one transaction.

    In the same transaction, each plugin that keeps rows derived from the
    source's records (the improve plugin's loop cases, the insight plugin's
    kept churn scores) forgets them through its ``source_forgotten`` hook;
    what each removed is in the result's ``plugins``. If a plugin fails to,
    nothing is forgotten and `ForgetFailed` names it. The programme file is
    not changed: a source still declared there is collected again by the
    next `collect`. Raises `InvalidInput` naming the stored sources when
    ``source`` is not one of them.

    >>> cxframe.forget("my-programme", "data/old-export.csv").describe()  # doctest: +SKIP
    """
    with open_programme(programme, host) as opened:
        opened.store.require_writable("forget")
        return forget_source(opened.store, source, host=opened.host, programme=opened.programme)
