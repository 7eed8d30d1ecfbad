"""What a collector is handed: one source, with helpers to open it.

`SourceReader` knows the path, the declared encoding, the column
mapping and the options from the programme file. Collectors open the file
through it so that the ingest machinery can show progress and so that
encodings are handled the same way everywhere.
"""

from __future__ import annotations

import codecs
import io
from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs

from cxframe.errors import InvalidInput

if TYPE_CHECKING:
    from cxframe.programme import Programme

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def sniff_encoding(sample: bytes) -> str:
    """Guess a file's encoding from its first bytes: a byte-order mark, else UTF-8.

    Non-UTF-8 files without a mark need ``encoding =`` in their source (or a
    collector that detects more); decoding is always strict, so a wrong guess
    fails loudly instead of storing mojibake.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    return "utf-8"


@attrs.define
class SourceReader:
    """One source as a collector sees it."""

    id: str
    collector: str
    path: Path
    encoding: str | None = None
    columns: dict[str, Any] = attrs.field(factory=dict)
    options: dict[str, Any] = attrs.field(factory=dict)
    programme: Programme | None = None
    #: Counts a collector wants reported in the summary (e.g. ``excluded: preview``).
    notes: Counter[str] = attrs.field(factory=Counter)
    _handle: IO[bytes] | None = attrs.field(default=None, init=False)

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def display_path(self) -> str:
        """The path relative to the programme folder when it lies inside it, else absolute."""
        resolved = self.path.resolve()
        if self.programme is not None:
            try:
                return str(resolved.relative_to(self.programme.root.resolve()))
            except ValueError:
                pass
        return str(resolved)

    def bytes_done(self) -> int:
        """How far into the file the collector has read (for progress)."""
        handle = self._handle
        if handle is None:
            return 0
        if handle.closed:
            return self.size
        try:
            return handle.tell()
        except (OSError, ValueError):
            return 0

    def open_binary(self) -> IO[bytes]:
        """Open the file for reading bytes."""
        try:
            self._handle = self.path.open("rb")
        except OSError as exc:
            raise InvalidInput([f"cannot open: {exc.strerror}"], where=str(self.path)) from None
        return self._handle

    def resolved_encoding(self) -> str:
        """The declared encoding, else one sniffed from the file's start."""
        if self.encoding:
            try:
                return codecs.lookup(self.encoding).name
            except LookupError:
                raise InvalidInput(
                    [f"sources.{self.id}.encoding: unknown encoding {self.encoding!r}"], where=str(self.path)
                ) from None
        with self.path.open("rb") as handle:
            return sniff_encoding(handle.read(4))

    def open_text(self, newline: str | None = "") -> IO[str]:
        """Open the file as text in its encoding, decoding strictly.

        ``newline=""`` is what the csv module wants.
        """
        encoding = self.resolved_encoding()
        return io.TextIOWrapper(self.open_binary(), encoding=encoding, errors="strict", newline=newline)

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)
