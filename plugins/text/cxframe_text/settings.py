"""The plugin's settings and the codeframe: ``[plugins.cxframe-text]`` in the programme file.

::

    [plugins.cxframe-text]
    mask_stored = false             # true: mask e-mails, phones and IDs in the stored comments after each collect
    stop_words = ["acme", "亚克美"]  # more words that `text words` and `text discover` leave out

    [[plugins.cxframe-text.themes]]
    id = "delivery"
    title = "Delivery"              # optional; the id otherwise
    keywords = ["delivery", "late deliver*", "courier", "快递", "送货慢", "物流"]

    [[plugins.cxframe-text.themes]]
    id = "delivery-damage"
    parent = "delivery"             # optional; a comment tagged here mentions its parent too
    keywords = ["damaged", "broken", "破损"]

A keyword is a word or a phrase, in English or Chinese (one list for both).
English keywords match whole words, case-insensitively, and a phrase's words
in order with any spacing between them; a trailing ``*`` matches any ending
(``deliver*``: deliver, delivery, delivered). Chinese keywords (any keyword
with a Chinese character) are added to the segmenter's dictionary and match
a whole segmented word. Every problem is reported at once, naming the file,
the theme and the key.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import attrs

from cxframe import InvalidInput, Programme

#: The plugin's table in the programme file.
SETTINGS = "cxframe-text"
_KEYS = ("themes", "mask_stored", "stop_words")
_THEME_KEYS = ("id", "title", "keywords", "parent")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_REGEX_SIGNS = re.compile(r"[()\[\]{}|\\^$?+]")
_LATIN_WORD = re.compile(r"^[a-z0-9]+(?:['&.-][a-z0-9]+)*$")


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a CJK ideograph (a Chinese keyword or comment)."""
    return any("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" for char in text)


def normalise(text: str) -> str:
    """Text as the tagger reads it: NFKC (full-width letters and digits become ASCII), ’ as ', lower case."""
    return unicodedata.normalize("NFKC", text).replace("\u2019", "'").lower()


@attrs.frozen
class Keyword:
    """One keyword of a theme, parsed: its words, whether the last one is a prefix, and its language."""

    text: str
    words: tuple[str, ...]
    prefix: bool = False
    chinese: bool = False


@attrs.frozen
class Theme:
    """One theme of the codeframe."""

    id: str
    title: str
    keywords: tuple[Keyword, ...]
    parent: str | None = None


@attrs.frozen
class Codeframe:
    """The themes (in the order written) and the plugin's other settings."""

    themes: tuple[Theme, ...] = ()
    mask_stored: bool = False
    stop_words: frozenset[str] = frozenset()

    def theme(self, id: str) -> Theme:
        return next(theme for theme in self.themes if theme.id == id)

    def ancestors(self, id: str) -> tuple[str, ...]:
        """The theme's parent, its parent's parent … (validation guarantees no cycle)."""
        found: list[str] = []
        parent = self.theme(id).parent
        while parent is not None:
            found.append(parent)
            parent = self.theme(parent).parent
        return tuple(found)


def parse_keyword(value: Any, where: str, problems: list[str]) -> Keyword | None:
    """A keyword from the programme file, or None with the problem added to ``problems``."""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: expected a word or phrase, got {value!r}")
        return None
    text = normalise(value).strip()
    if _REGEX_SIGNS.search(text):
        problems.append(
            f"{where}: invalid pattern {value!r}: keywords are words or phrases, not regular expressions "
            "(a trailing * matches any ending)"
        )
        return None
    prefix = text.endswith("*")
    stem = text[:-1].rstrip() if prefix else text
    if "*" in stem or not stem:
        problems.append(f"{where}: invalid pattern {value!r}: * may only end a keyword (e.g. 'deliver*')")
        return None
    if has_chinese(stem):
        if prefix or any(char.isspace() for char in stem):
            problems.append(
                f"{where}: invalid pattern {value!r}: a Chinese keyword is one word or phrase, "
                "without spaces or * (e.g. '送货慢')"
            )
            return None
        return Keyword(value.strip(), (stem,), chinese=True)
    words = tuple(stem.split())
    bad = [word for word in words if not _LATIN_WORD.match(word)]
    if bad:
        problems.append(
            f"{where}: invalid pattern {value!r}: {bad[0]!r} is not a word (letters and digits, joined by ' & . or -)"
        )
        return None
    return Keyword(value.strip(), words, prefix=prefix)


def _theme(entry: Any, where: str, problems: list[str]) -> Theme | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a table with id and keywords")
        return None
    theme_id = entry.get("id")
    if isinstance(theme_id, str) and theme_id.strip():
        where = f"{where} ({theme_id.strip()})"
    before = len(problems)
    for unknown in sorted(set(entry) - set(_THEME_KEYS)):
        problems.append(f"{where}.{unknown}: unknown key (known: {', '.join(_THEME_KEYS)})")
    if not isinstance(theme_id, str) or not _ID.match(theme_id.strip()):
        problems.append(
            f"{where}.id: expected an id of lower-case letters, digits, - and _ (e.g. 'delivery'), got {theme_id!r}"
        )
    title = entry.get("title", theme_id)
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where}.title: expected a text, got {title!r}")
    parent = entry.get("parent")
    if parent is not None and not isinstance(parent, str):
        problems.append(f"{where}.parent: expected a theme id, got {parent!r}")
    raw = entry.get("keywords")
    keywords: list[Keyword] = []
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}.keywords: expected a list of words or phrases, got {raw!r}")
    else:
        for index, value in enumerate(raw):
            keyword = parse_keyword(value, f"{where}.keywords[{index}]", problems)
            if keyword is not None:
                keywords.append(keyword)
    if len(problems) > before or not isinstance(theme_id, str) or not isinstance(title, str):
        return None
    return Theme(theme_id.strip(), title.strip(), tuple(keywords), parent.strip() if isinstance(parent, str) else None)


def _check_parents(themes: list[Theme], declared: set[str], prefix: str, problems: list[str]) -> None:
    ids = {theme.id for theme in themes}
    parents = {theme.id: theme.parent for theme in themes}
    for theme in themes:
        where = f"{prefix}.themes ({theme.id}).parent"
        if theme.parent is None:
            continue
        if theme.parent not in ids:
            if theme.parent in declared:
                continue  # the parent has problems of its own, already reported
            problems.append(f"{where}: no theme {theme.parent!r} (known: {', '.join(sorted(ids))})")
            continue
        seen = {theme.id}
        parent: str | None = theme.parent
        while parent is not None and parent in parents:
            if parent in seen:
                problems.append(f"{where}: {theme.parent!r} leads back to {theme.id!r}: parents may not form a cycle")
                break
            seen.add(parent)
            parent = parents[parent]


def _stop_words(value: Any, where: str, problems: list[str]) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(word, str) and word.strip() for word in value):
        problems.append(f"{where}: expected a list of words, got {value!r}")
        return frozenset()
    return frozenset(normalise(word).strip() for word in value)


def load_codeframe(programme: Programme | None) -> Codeframe:
    """The codeframe and settings of ``programme`` (empty without one); `InvalidInput` naming every bad key."""
    if programme is None:
        return Codeframe()
    settings = programme.plugin_settings(SETTINGS)
    prefix = f"plugins.{SETTINGS}"
    problems: list[str] = []
    for unknown in sorted(set(settings) - set(_KEYS)):
        problems.append(f"{prefix}.{unknown}: unknown key (known: {', '.join(_KEYS)})")
    entries = settings.get("themes", [])
    if not isinstance(entries, list):
        problems.append(f"{prefix}.themes: expected [[{prefix}.themes]] tables")
        entries = []
    themes: list[Theme] = []
    where_of: dict[str, str] = {}
    declared = {
        entry["id"].strip() for entry in entries if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }
    for index, entry in enumerate(entries):
        theme = _theme(entry, f"{prefix}.themes[{index}]", problems)
        if theme is None:
            continue
        if theme.id in where_of:
            problems.append(
                f"{prefix}.themes[{index}] ({theme.id}).id: duplicate theme {theme.id!r} "
                f"(first defined at {where_of[theme.id]})"
            )
            continue
        where_of[theme.id] = f"{prefix}.themes[{index}]"
        themes.append(theme)
    _check_parents(themes, declared, prefix, problems)
    mask_stored = settings.get("mask_stored", False)
    if not isinstance(mask_stored, bool):
        problems.append(f"{prefix}.mask_stored: expected true or false, got {mask_stored!r}")
    stop_words = (
        _stop_words(settings["stop_words"], f"{prefix}.stop_words", problems)
        if "stop_words" in settings
        else frozenset()
    )
    if problems:
        raise InvalidInput(problems, where=str(programme.file))
    return Codeframe(tuple(themes), bool(mask_stored), stop_words)
