"""Distinctive words of detractors vs promoters: log-odds ratio with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' Words", §3.5. With ``y_w`` the
count of word w among detractors' comments (``n`` all their words), ``y'_w``
and ``n'`` the same among promoters', and a prior ``α_w = α₀ · π_w`` where
``π_w`` is w's share of the words of **all** comments (passives included:
the background) and ``α₀`` the prior's weight in words:

    δ_w = log((y_w + α_w) / (n + α₀ − y_w − α_w)) − log((y'_w + α_w) / (n' + α₀ − y'_w − α_w))
    σ²_w ≈ 1/(y_w + α_w) + 1/(y'_w + α_w)
    z_w = δ_w / σ_w

A large positive z marks a detractors' word, a large negative one a
promoters' word. The prior shrinks words seen a few times towards the
background, so a word said once by one detractor does not top the list (the
plain log-odds ratio's failing), while the z-score keeps frequent words from
winning on volume alone. ``α₀`` defaults to 1,000 words (our choice: strong
enough to damp one-off words in a few thousand comments, weak beside a large
corpus); the background shares are the data's own.

Words are `cxframe_text.language.terms`: masked, segmented (jieba for
Chinese), without stop words. Each occurrence counts, as in the paper.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from cxframe import InvalidInput
from cxframe_text.comments import Comment
from cxframe_text.language import Segmenter, terms

DEFAULT_PRIOR = 1000.0
DEFAULT_TOP = 20


@attrs.frozen
class DistinctiveWord:
    """One word of ``text words``: its z towards its side and how often that side used it."""

    word: str
    z: float
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"word": self.word, "z": self.z, "count": self.count}


@attrs.frozen
class WordsReport:
    """``cxframe text words``: ``{detractors: [{word, z, count}], promoters: [...]}``, strongest first."""

    detractors: tuple[DistinctiveWord, ...]
    promoters: tuple[DistinctiveWord, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "detractors": [word.to_json() for word in self.detractors],
            "promoters": [word.to_json() for word in self.promoters],
        }


def log_odds_z(
    first: Mapping[str, int], second: Mapping[str, int], background: Mapping[str, int], prior: float = DEFAULT_PRIOR
) -> dict[str, float]:
    """Each word's z of ``first`` vs ``second`` (Monroe et al. 2008) with prior ``prior`` × background shares.

    Words of ``first`` or ``second`` missing from ``background`` get it added
    to their background count, so the prior is never zero. A word that is
    the whole vocabulary (no other word on either side or in the prior) has
    no odds and no z.
    """
    if prior <= 0:
        raise InvalidInput([f"--prior: expected a weight in words more than 0, got {prior!r}"])
    words = set(first) | set(second)
    base = Counter(background)
    for word in words:
        if base[word] <= 0:
            base[word] = first.get(word, 0) + second.get(word, 0)
    total = sum(base.values())
    n1, n2 = sum(first.values()), sum(second.values())
    found: dict[str, float] = {}
    for word in words:
        alpha = prior * base[word] / total
        y1, y2 = first.get(word, 0), second.get(word, 0)
        rest1, rest2 = n1 + prior - y1 - alpha, n2 + prior - y2 - alpha
        if rest1 <= 0 or rest2 <= 0:
            continue  # the word is the whole vocabulary: it has no odds against other words
        delta = math.log((y1 + alpha) / rest1) - math.log((y2 + alpha) / rest2)
        found[word] = delta / math.sqrt(1 / (y1 + alpha) + 1 / (y2 + alpha))
    return found


def words_report(
    comments: Iterable[Comment],
    segmenter: Segmenter,
    *,
    stop_words: frozenset[str] = frozenset(),
    prior: float = DEFAULT_PRIOR,
    top: int = DEFAULT_TOP,
) -> WordsReport:
    """The ``top`` words most typical of detractors' and of promoters' comments (values −1 / +1 of an NPS metric)."""
    if top < 1:
        raise InvalidInput([f"--top: expected 1 or more, got {top!r}"])
    detractors: Counter[str] = Counter()
    promoters: Counter[str] = Counter()
    background: Counter[str] = Counter()
    for comment in comments:
        words = terms(comment.text, segmenter, stop_words)
        background.update(words)
        if comment.value is not None and comment.value < 0:
            detractors.update(words)
        elif comment.value is not None and comment.value > 0:
            promoters.update(words)
    if not detractors or not promoters:
        return WordsReport((), ())
    z = log_odds_z(detractors, promoters, background, prior)
    # ties broken by the word, so the order is the same every run
    ranked = sorted(z.items(), key=lambda item: (-item[1], item[0]))
    worst = tuple(DistinctiveWord(word, value, detractors[word]) for word, value in ranked if value > 0)[:top]
    best = tuple(
        DistinctiveWord(word, -value, promoters[word])
        for word, value in sorted(z.items(), key=lambda item: (item[1], item[0]))
        if value < 0
    )[:top]
    return WordsReport(worst, best)
