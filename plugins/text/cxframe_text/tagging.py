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

import itertools
import re
from collections import defaultdict

from cxframe import mask_personal_data as mask
from cxframe_text.language import Segmenter, latin_words
from cxframe_text.settings import Codeframe, normalise

_CACHE_LIMIT = 500_000


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
        # two-word phrases without *, the commonest kind: one look-up per pair of words
        self._pairs: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self._prefixes: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._chinese: dict[str, set[str]] = defaultdict(set)
        for theme in codeframe.themes:
            for keyword in theme.keywords:
                if keyword.chinese:
                    self._chinese[keyword.words[0]].add(theme.id)
                elif len(keyword.words) == 2 and not keyword.prefix:
                    self._pairs[keyword.words].add(theme.id)
                elif len(keyword.words) > 1:
                    self._phrases[keyword.words[0]].append((keyword.words[1:], keyword.prefix, theme.id))
                elif keyword.prefix:
                    self._prefixes[len(keyword.words[0])][keyword.words[0]].add(theme.id)
                else:
                    self._words[keyword.words[0]].add(theme.id)
        self._prefix_lengths = sorted(self._prefixes)
        # a word's themes from single-word and prefix keywords, worked out once per distinct word: comments
        # share a vocabulary of a few ten thousand words, so most words cost one dictionary look-up
        self._cache: dict[str, frozenset[str]] = {}
        # the Chinese keywords as one alternation: a comment with none of them as a substring cannot hold one
        # as a segmented word, and skips jieba (a C-speed scan instead of a segmentation)
        self._chinese_any = (
            re.compile("|".join(re.escape(word) for word in sorted(self._chinese, key=len, reverse=True)))
            if self._chinese
            else None
        )
        self.segmenter = segmenter or Segmenter(self._chinese)

    def _word(self, word: str) -> frozenset[str]:
        hit = self._cache.get(word)
        if hit is None:
            themes = set(self._words.get(word, ()))
            for length in self._prefix_lengths:
                if len(word) >= length:
                    themes.update(self._prefixes[length].get(word[:length], ()))
            hit = frozenset(themes)
            if len(self._cache) > _CACHE_LIMIT:  # a bound on memory for endless vocabularies (ids, typos)
                self._cache.clear()
            self._cache[word] = hit
        return hit

    def _english(self, words: list[str], found: set[str]) -> None:
        phrases, pairs = self._phrases, self._pairs
        if pairs:
            for pair in itertools.pairwise(words):
                paired = pairs.get(pair)
                if paired:
                    found.update(paired)
        for index, word in enumerate(words):
            hit = self._word(word)
            if hit:
                found.update(hit)
            if word not in phrases:
                continue
            for rest, prefix, theme in phrases[word]:
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
        if self._chinese_any is not None and self._chinese_any.search(text):
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
