"""Recognising a file's layout: every collector that can is asked, and one sure answer is taken.

The knowledge of a layout is its collector's (`cxframe.Collector.detect`):
the core only asks each registered collector about the file and decides.
It takes a `Detection` when it is the only one at the top confidence, at
least `cxframe.contracts._plugins.SURE`, and without doubts. Anything else —
no collector recognises the file, two do equally, or the best one has
doubts — is an `InvalidInput` that says so and shows the ``cxframe collect``
command with the mapping to give (the best guess filled in), because a
guessed mapping would store wrong numbers without a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._plugins import Collector, Detection
from cxframe.ingestion._sources import EMPTY_FILE, SourceReader, is_empty_file

if TYPE_CHECKING:
    from cxframe.programme._file import Programme

#: How the core's readers say a file is not text in the encoding detected (`cxframe.ingestion._delimited`).
_NOT_TEXT = re.compile(r"at or after line \d+: the file is not valid [^;]*")
#: The command shown when no collector recognises a file: the plain CSV collector's mapping, to fill in.
GENERIC_COMMAND = (
    "cxframe collect {file} --collector survey-csv --column timestamp=COLUMN --column questions.nps=COLUMN"
)


def detect_file(
    path: Path,
    collectors: Iterable[Collector],
    *,
    source_id: str = "",
    encoding: str | None = None,
    programme: Programme | None = None,
    shown: str | None = None,
) -> Detection:
    """The single sure `Detection` of ``path`` among ``collectors``; else an `InvalidInput` asking for the mapping.

    ``shown`` is how the file is named in messages and in the command they
    suggest (default: ``path``). A collector whose ``detect`` raises counts as
    not recognising the file; what it said is in the message when no
    collector does.
    """
    file = shown or str(path)
    if path.is_dir():
        raise InvalidInput([f"{file}: is a folder, expected a file"])
    if not path.is_file():
        raise InvalidInput([f"{file}: file not found"])
    if is_empty_file(path):  # every collector would say so, each in its own words: said once instead
        raise InvalidInput([f"{file}: {EMPTY_FILE}"])
    found: list[Detection] = []
    failures: list[str] = []
    asked: list[str] = []
    for collector in collectors:
        detect = collector.detect
        if detect is None:
            continue
        asked.append(collector.id)
        reader = SourceReader(
            id=source_id or path.name,
            collector=collector.id,
            path=path,
            encoding=encoding,
            programme=programme,
        )
        try:
            detection = detect(reader)
        except InvalidInput as exc:
            # the collector names the file as it was handed it; the line names it already
            failures.append(f"{collector.id}: {'; '.join(m.removeprefix(f'{path}: ') for m in exc.messages)}")
            continue
        except Exception as exc:  # a plugin's bug must not stop the others from being asked
            failures.append(f"{collector.id}: failed ({type(exc).__name__}: {exc})")
            continue
        if detection is not None:
            found.append(attrs.evolve(detection, collector=collector.id))
    return _decide(file, found, failures, asked)


def _decide(file: str, found: list[Detection], failures: list[str], asked: list[str]) -> Detection:
    undecodable = [match for failure in failures if (match := _NOT_TEXT.search(failure))]
    if not found and failures and len(undecodable) == len(failures):
        # no layout could even be looked at: what the file needs is its encoding, not a mapping
        raise InvalidInput(
            [
                f"{file}: cannot recognise its layout: {undecodable[0].group(0)}; give its encoding, "
                f"e.g.: cxframe collect {file} --encoding cp1252 (or gb18030, utf-16 …)"
            ]
        )
    if not found:
        tried = ", ".join(asked) or "no installed collector can recognise files"
        messages = [
            f"{file}: not recognised as an export any installed collector knows (asked: {tried}); "
            f"tell cxframe how to read it, e.g.: {GENERIC_COMMAND.format(file=file)}"
        ]
        messages += [f"{file}: {failure}" for failure in failures]
        raise InvalidInput(messages)
    found.sort(key=lambda detection: -detection.confidence)
    best = found[0]
    rivals = [other for other in found[1:] if other.confidence >= best.confidence]
    if rivals:
        named = ", ".join(f"{d.collector} ({d.layout})" for d in [best, *rivals])
        raise InvalidInput(
            [f"{file}: not sure which layout it is: it could be read by {named}; say which, e.g.: {best.command(file)}"]
        )
    if not best.sure:
        why = "; ".join(best.doubts) or f"only {best.confidence:.0%} sure"
        raise InvalidInput(
            [
                f"{file}: looks like {best.layout}, but not sure of the mapping: {why}. "
                f"Give the mapping: {best.command(file)}"
            ]
        )
    return best
