"""Tagging comments with the codeframe's themes.

A comment is normalised (NFKC, lower case). Its **English** words are
looked up in dictionaries built once from the keywords — a single word in a
set, a phrase by its first word then the words that follow, a prefix
keyword (``deliver*``) by the word's first letters — so tagging costs a
few dictionary look-ups per word, whatever the size of the codeframe.
Its **Chinese** (only when it has some) is segmented by jieba with every
Chinese keyword in the dictionary, and each segmented word is looked up.
Matching is on whole words on both sides: ``app`` is not found in
``happy``, 客服 not in 顾客服务 when jieba reads that as 顾客/服务.

A comment tagged with a theme also mentions that theme's parents
(`Tagger.tag` returns them all). Masking comes first: a keyword never
matches inside an e-mail address or a phone number.
"""

from __future__ import annotations

from collections import defaultdict

from cxframe_text.language import Segmenter, latin_words
from cxframe_text.privacy import mask
from cxframe_text.settings import Codeframe, has_chinese, normalise


class Tagger:
    """The codeframe compiled for fast look-ups; `tag` gives a comment's themes in codeframe order."""

    def __init__(self, codeframe: Codeframe, segmenter: Segmenter | None = None) -> None:
        self.codeframe = codeframe
        order = {theme.id: index for index, theme in enumerate(codeframe.themes)}
        self._order = order
        # a theme and its ancestors, so a hit costs one union
        self._with_parents = {theme.id: (theme.id, *codeframe.ancestors(theme.id)) for theme in codeframe.themes}
        self._words: dict[str, set[str]] = defaultdict(set)
        self._phrases: dict[str, list[tuple[tuple[str, ...], bool, str]]] = defaultdict(list)
        self._prefixes: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._chinese: dict[str, set[str]] = defaultdict(set)
        for theme in codeframe.themes:
            for keyword in theme.keywords:
                if keyword.chinese:
                    self._chinese[keyword.words[0]].add(theme.id)
                elif len(keyword.words) > 1:
                    self._phrases[keyword.words[0]].append((keyword.words[1:], keyword.prefix, theme.id))
                elif keyword.prefix:
                    self._prefixes[len(keyword.words[0])][keyword.words[0]].add(theme.id)
                else:
                    self._words[keyword.words[0]].add(theme.id)
        self._prefix_lengths = sorted(self._prefixes)
        self.segmenter = segmenter or Segmenter(self._chinese)

    def _english(self, words: list[str], found: set[str]) -> None:
        for index, word in enumerate(words):
            hit = self._words.get(word)
            if hit:
                found.update(hit)
            for length in self._prefix_lengths:
                if len(word) >= length:
                    hit = self._prefixes[length].get(word[:length])
                    if hit:
                        found.update(hit)
            for rest, prefix, theme in self._phrases.get(word, ()):
                following = words[index + 1 : index + 1 + len(rest)]
                if len(following) < len(rest):
                    continue
                if prefix:
                    if following[:-1] == list(rest[:-1]) and following[-1].startswith(rest[-1]):
                        found.add(theme)
                elif tuple(following) == rest:
                    found.add(theme)

    def direct(self, comment: str | None) -> set[str]:
        """The themes whose keywords ``comment`` holds (without their parents)."""
        if not comment or not comment.strip():
            return set()
        text = normalise(mask(comment))
        found: set[str] = set()
        self._english(latin_words(text), found)
        if self._chinese and has_chinese(text):
            for word in self.segmenter.words(text, hmm=False):
                hit = self._chinese.get(word)
                if hit:
                    found.update(hit)
        return found

    def tag(self, comment: str | None) -> tuple[str, ...]:
        """The themes ``comment`` mentions, its keywords' themes and their parents, in codeframe order."""
        found: set[str] = set()
        for theme in self.direct(comment):
            found.update(self._with_parents[theme])
        return tuple(sorted(found, key=self._order.__getitem__))
