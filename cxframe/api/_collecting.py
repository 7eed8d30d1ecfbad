"""Collecting sources into the store, and forgetting one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from cxframe.api._opening import ProgrammeLike, _reader, open_programme
from cxframe.contracts._errors import InvalidInput
from cxframe.host._manager import PluginHost
from cxframe.ingestion._collect import IngestSummary, Progress, ingest
from cxframe.ingestion._forget import Forgotten, forget_source
from cxframe.ingestion._sources import SourceReader
from cxframe.programme._file import Programme


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
) -> list[IngestSummary]:
    """Collect sources into the store and return one summary per source.

    ``sources`` are source ids from the programme file or file paths; empty
    means every source in the programme file. A path that is not a source of
    the programme needs ``collector``; ``columns`` and ``options`` are what a
    ``[[sources]]`` entry would say for it (only for such files: a declared
    source takes them from the programme file). ``encoding`` applies to every
    source collected. An ad-hoc file is named by its path relative to the
    programme folder when it lies inside it, else by its absolute path, so
    two files of the same name stay apart and a re-collected file keeps its
    name. Sources are collected one by one, each in its own transaction.

    >>> cxframe.collect("my-programme", ["exports/survey.csv"], collector="survey-csv",
    ...                 columns={"timestamp": "Date", "questions": {"nps": "Q1"}})  # doctest: +SKIP
    """
    with open_programme(programme, host) as opened:
        opened.store.require_writable("collect")
        readers = _readers(opened.programme, sources, collector, encoding, columns, options)
        summaries = []
        for reader in readers:
            chosen = opened.registry.collectors.get(reader.collector)
            summaries.append(ingest(opened.store, reader, chosen, progress=progress))
        return summaries


def _adhoc_source_id(programme: Programme, path: Path) -> str:
    """The source name of a file collected without a ``[[sources]]`` entry.

    Its path relative to the programme folder when it lies inside it, else its
    resolved absolute path, with ``/`` separators. Source names go into every
    record's key, so the name must tell apart two files that share a file name
    (``a/survey.csv``, ``b/survey.csv``) and stay the same each time the file is
    collected, from whatever working directory.
    """
    resolved = path.resolve()
    try:
        return resolved.relative_to(programme.root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _readers(
    programme: Programme,
    sources: Sequence[str],
    collector: str | None,
    encoding: str | None,
    columns: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> list[SourceReader]:
    for value, what in ((columns, "columns"), (options, "options")):
        if value is not None and not isinstance(value, Mapping):
            raise InvalidInput([f"{what}: expected a mapping of key to value, got {type(value).__name__}"])
    declared = programme.document.sources
    if not sources:
        if not declared:
            raise InvalidInput(["no sources: name files to collect, or add [[sources]] to the programme file"])
        readers = [_reader(programme, source.id) for source in declared]
        named = [source.id for source in declared]
    else:
        readers = []
        named = []
        by_id = {source.id: source for source in declared}
        by_path = {programme.resolve(source.path).resolve(): source for source in declared}
        for name in sources:
            if name in by_id:
                readers.append(_reader(programme, name))
                named.append(name)
                continue
            path = Path(name)
            match = by_path.get(path.resolve())
            if match is not None:
                readers.append(_reader(programme, match.id))
                named.append(match.id)
            elif collector is None:
                raise InvalidInput([f"{name}: not a source of the programme; name its collector with --collector"])
            else:
                source_id = _adhoc_source_id(programme, path)
                if source_id in by_id:
                    # its records would share keys with that source's
                    raise InvalidInput(
                        [f"{name}: named {source_id!r} like a source of the programme, but it is another file"]
                    )
                readers.append(
                    SourceReader(
                        id=source_id,
                        collector=collector,
                        path=path.resolve(),
                        columns=dict(columns or {}),
                        options=dict(options or {}),
                        programme=programme,
                    )
                )
    if (columns or options) and named:
        raise InvalidInput(
            [
                f"columns/options apply to files that are not sources of the programme; "
                f"{', '.join(named)} take theirs from the programme file ([[sources]] columns/options)"
            ]
        )
    if collector is not None:
        readers = [attrs.evolve(reader, collector=collector) for reader in readers]
    if encoding is not None:
        readers = [attrs.evolve(reader, encoding=encoding) for reader in readers]
    return readers


def forget(programme: ProgrammeLike = ".", source: str = "", *, host: PluginHost | None = None) -> Forgotten:
    """Remove everything stored from ``source`` — its records, ingests and rejects — in one transaction.

    The programme file is not changed: a source still declared there is
    collected again by the next `collect`. Raises `InvalidInput` naming the
    stored sources when ``source`` is not one of them.
    """
    with open_programme(programme, host) as opened:
        opened.store.require_writable("forget")
        return forget_source(opened.store, source)
