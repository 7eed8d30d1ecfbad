"""The sources a collect reads: declared ones from the programme file, other files named on the command line.

A declared source is read with its ``[[sources]]`` entry. A file that is not
one is read with the collector, columns and options given for it, or, given
none, with what its layout was recognised as (`cxframe.ingestion._detect`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._plugins import Collector, Detection
from cxframe.ingestion._detect import detect_file
from cxframe.ingestion._sources import SourceReader
from cxframe.programme._file import Programme


def source_reader(programme: Programme, source_id: str) -> SourceReader:
    source = programme.source(source_id)
    return SourceReader(
        id=source.id,
        collector=source.collector,
        path=programme.resolve(source.path),
        encoding=source.encoding,
        columns=dict(source.columns),
        options=dict(source.options),
        programme=programme,
    )


def adhoc_source_id(programme: Programme, path: Path) -> str:
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


def readers_to_collect(
    programme: Programme,
    sources: Sequence[str],
    collector: str | None,
    encoding: str | None,
    columns: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    collectors: Iterable[Collector] = (),
    on_detected: Callable[[str, Detection], object] | None = None,
) -> list[SourceReader]:
    """The sources to collect: declared ones by id or path, other files with the collector given or recognised.

    A file that is not a source, given without a collector, columns or
    options, is recognised by ``collectors`` (`detect_file`), which raises
    when it is not sure; ``on_detected(file, detection)`` is told what was
    taken, before anything is read.
    """
    for value, what in ((columns, "columns"), (options, "options")):
        if value is not None and not isinstance(value, Mapping):
            raise InvalidInput([f"{what}: expected a mapping of key to value, got {type(value).__name__}"])
    declared = programme.document.sources
    if not sources:
        if not declared:
            raise InvalidInput(["no sources: name files to collect, or add [[sources]] to the programme file"])
        readers = [source_reader(programme, source.id) for source in declared]
        named = [source.id for source in declared]
    else:
        readers = []
        named = []
        by_id = {source.id: source for source in declared}
        by_path = {programme.resolve(source.path).resolve(): source for source in declared}
        for name in sources:
            if name in by_id:
                readers.append(source_reader(programme, name))
                named.append(name)
                continue
            path = Path(name)
            match = by_path.get(path.resolve())
            if match is not None:
                readers.append(source_reader(programme, match.id))
                named.append(match.id)
            elif collector is None and (columns or options):
                raise InvalidInput([f"{name}: not a source of the programme; name its collector with --collector"])
            else:
                source_id = adhoc_source_id(programme, path)
                if source_id in by_id:
                    # its records would share keys with that source's
                    raise InvalidInput(
                        [f"{name}: named {source_id!r} like a source of the programme, but it is another file"]
                    )
                if collector is None and not path.exists():
                    known = ", ".join(by_id) or "none"
                    raise InvalidInput([f"{name}: no such file, and not a source of the programme (sources: {known})"])
                if collector is None:
                    found = detect_file(
                        path.resolve(),
                        collectors,
                        source_id=source_id,
                        encoding=encoding,
                        programme=programme,
                        shown=name,
                    )
                    if on_detected is not None:
                        on_detected(name, found)
                    chosen, mapping, settings = found.collector, dict(found.columns), dict(found.options)
                else:
                    chosen, mapping, settings = collector, dict(columns or {}), dict(options or {})
                readers.append(
                    SourceReader(
                        id=source_id,
                        collector=chosen,
                        path=path.resolve(),
                        columns=mapping,
                        options=settings,
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
