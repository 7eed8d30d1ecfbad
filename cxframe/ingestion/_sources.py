"""What a collector is handed: one source, with helpers to open it.

`SourceReader` knows the path, the declared encoding, the column
mapping and the options from the programme file. Collectors open the file
through it so that the ingest machinery can show progress and so that
encodings are handled the same way everywhere.
"""

from __future__ import annotations

import codecs
import difflib
import io
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs
import charset_normalizer

from cxframe.contracts._errors import InvalidInput, SettingRenamedWarning

if TYPE_CHECKING:
    from cxframe.programme._file import Programme

#: How many bytes of a file to hand `detect_encoding`: enough text for charset-normalizer to be sure.
SAMPLE_SIZE = 64 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: What an empty file says, whatever reads it: said once, before any mapping or layout is looked at.
EMPTY_FILE = "the file is empty; there is nothing to collect"


def is_empty_file(path: Path) -> bool:
    """Whether ``path`` holds no text: no bytes, or only a byte-order mark and blank lines.

    Checked before a mapping is checked or a layout recognised, so an empty
    file gets one error that says so instead of one per column or collector.
    """
    if path.stat().st_size > SAMPLE_SIZE:
        return False
    data = path.read_bytes()
    for bom, _ in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            break
    return not data.strip(b" \t\r\n\x00")


#: What gb18030 competes with: other East Asian multi-byte codecs and the common Western ones.
#: If any of them fits the sample at least as well, the guess is not safe.
_RIVALS = ["gb18030", "big5", "cp949", "shift_jis", "euc_jp", "cp1252", "cp1250", "latin_1"]


def _decodes(sample: bytes, encoding: str) -> bool:
    """Whether the sample is valid in the encoding, allowing a character cut off at its end."""
    for cut in range(4):
        try:
            sample[: len(sample) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _utf8_read_otherwise(blocks: Iterable[bytes], encoding: str) -> bool:
    """Whether the file read in ``blocks`` is UTF-8 that ``encoding`` would read as other text.

    A declared single-byte encoding (``latin-1``, ``cp1252`` …) decodes any
    bytes, so a UTF-8 file read in it is stored garbled without an error
    (``Zürich`` as ``ZÃ¼rich``). Text with non-ASCII characters that is valid
    UTF-8 is UTF-8 but by a vanishing chance, so reading it otherwise is an
    error, when the other encoding makes other text of it anywhere in the file.
    """
    if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
        return False
    utf8 = codecs.getincrementaldecoder("utf-8-sig")()
    other = codecs.getincrementaldecoder(encoding)(errors="replace")
    # the whole file: UTF-8 text may start after any number of ASCII rows. An ASCII block reads the same
    # either way and is skipped (unless a character is cut across it), so the check costs little
    for block in blocks:
        if block.isascii() and not utf8.getstate()[0]:
            continue
        try:
            text = utf8.decode(block)
        except UnicodeDecodeError:
            return False  # not UTF-8: read as declared
        if other.decode(block) != text:
            return True
    return False


def detect_encoding(sample: bytes) -> str:
    """The encoding to read a file in, from its first bytes (`SAMPLE_SIZE` of them).

    A byte-order mark decides (``utf-8-sig``, ``utf-16``, ``utf-32``); else
    UTF-16 without one when every other byte is NUL (`_utf16_without_bom`); else
    UTF-8 when the sample is valid UTF-8; else ``gb18030`` (the superset of GBK
    and GB2312 that Chinese survey tools export) when the sample is valid
    GB18030 *and* charset-normalizer ranks it strictly better than every
    rival; else ``utf-8``.

    Decoding stays strict, so the fallback is never silent: a file that is
    neither UTF-8 nor confidently GB18030 fails to decode with an error asking
    for ``encoding =`` in its source, instead of being stored as mojibake. The
    sample is only the start of the file; a non-UTF-8 byte after it fails the
    same loud way.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    without_bom = _utf16_without_bom(sample)
    if without_bom is not None:
        return without_bom
    if _decodes(sample, "utf-8"):
        return "utf-8"
    if _decodes(sample, "gb18030"):
        matches = list(charset_normalizer.from_bytes(sample, cp_isolation=_RIVALS))
        if matches and matches[0].encoding == "gb18030":
            best = matches[0].chaos
            if all(other.chaos > best for other in matches[1:]):
                return "gb18030"
    return "utf-8"


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for text of mostly ASCII characters written as UTF-16 without a BOM.

    Such a file is valid UTF-8 (NUL is a character), so it would be read with
    a NUL in every other place; text exports never hold NUL otherwise. The
    high byte of an ASCII character is NUL: many odd bytes (little-endian) or
    even ones (big-endian), and hardly any of the others.
    """
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0)
    # a few NULs on the other side: characters such as 一 (U+4E00) have a zero low byte
    if odd >= pairs * 0.3 and even * 10 <= odd:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd * 10 <= even:
        return "utf-16-be"
    return None


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
    #: What the reading found that is no fault but the user should hear of (a quoted cell that looks like it holds
    #: whole records); each is shown with the source's summary.
    warnings: list[str] = attrs.field(factory=list)
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

    @property
    def declared(self) -> bool:
        """Whether the source is a ``[[sources]]`` entry of its programme (not a file named on the command line)."""
        return self.programme is not None and any(source.id == self.id for source in self.programme.document.sources)

    def problems(self, messages: Iterable[str]) -> InvalidInput:
        """``messages`` about this source as an error that names its file once, to raise.

        Each line starts with the file; a declared source's id follows (a
        file read without a ``[[sources]]`` entry is named by its path, so
        its id would name it again). ``check_options`` problems name the
        file (``no column 'x' in data/survey.csv``) because ``cxframe
        validate`` shows them under the programme file; here the line starts
        with the file, so that mention is left out.
        """
        label = f"source {self.id!r}: " if self.declared else ""
        mention = re.compile(rf" (?:in|of) {re.escape(self.display_path())}(?=[;:,)]|\s|$)")
        return InvalidInput([f"{label}{mention.sub('', message)}" for message in messages], where=str(self.path))

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
                name = codecs.lookup(self.encoding).name
            except LookupError:
                raise InvalidInput(
                    [f"sources.{self.id}.encoding: unknown encoding {self.encoding!r}"], where=str(self.path)
                ) from None
            with self.path.open("rb") as handle:
                garbled = _utf8_read_otherwise(iter(lambda: handle.read(1 << 20), b""), name)
            if garbled:
                raise InvalidInput(
                    [
                        f"sources.{self.id}.encoding: the file is UTF-8 (its non-ASCII bytes are all UTF-8 "
                        f"characters), but encoding = {self.encoding!r} would read them as other characters and "
                        'store garbled text; remove encoding, or set it to "utf-8"'
                    ],
                    where=str(self.path),
                )
            return name
        with self.path.open("rb") as handle:
            return detect_encoding(handle.read(SAMPLE_SIZE))

    def open_text(self, newline: str | None = "") -> IO[str]:
        """Open the file as text in its encoding, decoding strictly.

        ``newline=""`` is what the csv module wants.
        """
        encoding = self.resolved_encoding()
        return io.TextIOWrapper(self.open_binary(), encoding=encoding, errors="strict", newline=newline)

    def option_name(self, name: str, formerly: str) -> str:
        """The name the source gives an option under, for messages: ``name``, or its old name while that is read."""
        return formerly if formerly in self.options and name not in self.options else name

    def option(self, name: str, default: Any = None, *, formerly: str | None = None) -> Any:
        """The option ``name``; else, while a setting's old name is still read, ``formerly``'s; else ``default``."""
        if name not in self.options and formerly is not None and formerly in self.options:
            return self.options[formerly]
        return self.options.get(name, default)


def option_problems(
    source: SourceReader, known: Iterable[str], renamed: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Problems with the names of ``source``'s options, for a collector's ``check_options``.

    An unknown option is a problem naming the closest known one (a misspelt
    ``delimeter`` must not be ignored); an option in ``renamed`` (old name →
    new name) is read under its new name, with a `SettingRenamedWarning`.
    """
    known = tuple(known)
    renamed = renamed or {}
    for key in source.options:
        if key in renamed:
            new = renamed[key]
            if new in source.options:
                yield f"options.{key}: the old name of options.{new}; give only {new}"
            else:
                warnings.warn(
                    SettingRenamedWarning(
                        f"source {source.id!r}: options.{key} is now called {new}; "
                        f"the old name is still read, rename it to {new}"
                    ),
                    stacklevel=2,
                )
        elif key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            yield f"options.{key}: unknown option; {hint}expected one of {', '.join(sorted(known))}"
