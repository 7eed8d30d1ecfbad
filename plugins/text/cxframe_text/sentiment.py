"""Sentiment of a comment, offline: VADER for English, a documented lexicon for Chinese, both for mixed comments.

**English** (and emoji): VADER (Hutto & Gilbert 2014, the ``vaderSentiment``
package, MIT licence), its ``compound`` score in −1…1. VADER handles
negation ("not good"), degree words ("very"), capitals, "but" and emoji.

**Chinese**: the words jieba segments are looked up in a lexicon shipped
with the plugin (``data/sentiment_zh.tsv``: about 180 words of customer
comments, written for cxframe, Apache-2.0, on VADER's −4…+4 scale). Rules,
VADER's own carried over:

* a **negator** (不 没 没有 无 非 未 别 不是 并不 从不 毫不 绝不 不太 …) up
  to three words before a sentiment word flips it and damps it (× −0.74,
  VADER's factor): 不满意 is −1.85, 没有问题 +0.74;
* a **degree word** just before it scales it (很 ×1.3, 非常 ×1.5, 太 ×1.5,
  最 ×1.8 …, 有点 ×0.7, 稍微 ×0.6);
* after a **contrast** (但是 但 可是 不过 然而) words count ×1.5 and before
  it ×0.5: the clause after "but" is what the customer means;
* the valences are summed and normalised as VADER does, ``s / √(s² + 15)``.

A **mixed** comment's score is the two languages' scores weighted by how
many words each has. ``positive`` is a compound of at least 0.05,
``negative`` at most −0.05, ``neutral`` between (VADER's thresholds).
"""

from __future__ import annotations

import math
import re
import threading
from importlib import resources
from typing import Any

import attrs

from cxframe import mask_personal_data as mask
from cxframe_text.language import Segmenter, latin_words
from cxframe_text.settings import has_chinese, normalise

POSITIVE = "positive"
NEUTRAL = "neutral"
NEGATIVE = "negative"
THRESHOLD = 0.05
NEGATION_SCALAR = -0.74
NEGATORS = frozenset(
    [
        "不",
        "没",
        "没有",
        "无",
        "非",
        "未",
        "别",
        "莫",
        "勿",
        "不是",
        "并不",
        "并没有",
        "从不",
        "从未",
        "毫不",
        "绝不",
        "不太",
        "不怎么",
        "一点也不",
        "一点都不",
    ]
)
DEGREES: dict[str, float] = {
    "很": 1.3, "挺": 1.2, "真": 1.3, "真的": 1.3, "好": 1.2, "更": 1.2, "越来越": 1.3, "相当": 1.4, "十分": 1.5,
    "非常": 1.5, "太": 1.5, "特别": 1.5, "超": 1.5, "超级": 1.6, "极": 1.8, "极其": 1.8, "最": 1.8, "实在": 1.4,
    "有点": 0.7, "有些": 0.7, "有一点": 0.7, "稍微": 0.6, "略": 0.6, "比较": 0.9, "还": 0.9,
}  # fmt: skip
CONTRASTS = frozenset(["但是", "但", "可是", "不过", "然而", "只是"])
_WINDOW = 3
_CLAUSE_END = re.compile(r"^[，。！？；,.!?;、…~\s]+$")
_lock = threading.Lock()
_analyser: Any = None


def _vader() -> Any:
    global _analyser
    if _analyser is None:
        with _lock:
            if _analyser is None:
                from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # heavy-ish: on first use

                _analyser = SentimentIntensityAnalyzer()
    return _analyser


def load_lexicon() -> dict[str, float]:
    """The Chinese lexicon shipped with the plugin: word → valence (−4…+4)."""
    text = resources.files("cxframe_text").joinpath("data/sentiment_zh.tsv").read_text(encoding="utf-8")
    lexicon: dict[str, float] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, valence = line.split("\t")
            lexicon[word] = float(valence)
    return lexicon


def label(compound: float) -> str:
    """positive, neutral or negative by VADER's thresholds (±0.05)."""
    return POSITIVE if compound >= THRESHOLD else NEGATIVE if compound <= -THRESHOLD else NEUTRAL


def normalise_sum(total: float, alpha: float = 15.0) -> float:
    """VADER's normalisation of a sum of valences into −1…1."""
    return 0.0 if total == 0 else total / math.sqrt(total * total + alpha)


@attrs.frozen
class Sentiment:
    """A comment's sentiment: compound in −1…1, its label, and the words each language contributed."""

    compound: float
    label: str
    english_words: int = 0
    chinese_words: int = 0


class SentimentScorer:
    """Scores comments; shares the tagger's segmenter so jieba loads once."""

    def __init__(self, segmenter: Segmenter | None = None, lexicon: dict[str, float] | None = None) -> None:
        self.segmenter = segmenter or Segmenter()
        self.lexicon = load_lexicon() if lexicon is None else lexicon

    def chinese(self, words: list[str]) -> float:
        """The summed valence of segmented Chinese ``words`` with negation, degree and contrast (before normalising)."""
        valences: list[float] = []
        contrast_at: int | None = None
        for index, word in enumerate(words):
            if word in CONTRASTS:
                contrast_at = len(valences)
                continue
            valence = self.lexicon.get(word)
            if valence is None:
                continue
            before: list[str] = []
            for previous in reversed(words[max(0, index - _WINDOW) : index]):
                if _CLAUSE_END.match(previous):
                    break  # negation and degree do not cross a comma
                before.append(previous)
            if before and before[0] in DEGREES:
                valence *= DEGREES[before[0]]
            if any(previous in NEGATORS for previous in before):
                valence *= NEGATION_SCALAR
            valences.append(valence)
        if contrast_at is not None:
            valences = [v * 0.5 for v in valences[:contrast_at]] + [v * 1.5 for v in valences[contrast_at:]]
        return math.fsum(valences)

    def score(self, comment: str | None) -> Sentiment:
        """The sentiment of ``comment`` (masked first; an empty comment is neutral)."""
        if not comment or not comment.strip():
            return Sentiment(0.0, NEUTRAL)
        text = mask(comment)
        clean = normalise(text)
        english = len(latin_words(clean))
        chinese_words: list[str] = []
        if has_chinese(clean):
            chinese_words = [word for word in self.segmenter.words(clean) if has_chinese(word) or word in CONTRASTS]
        english_compound = 0.0
        if english or not chinese_words:  # no Chinese: VADER reads emoji and punctuation too
            english_compound = float(_vader().polarity_scores(_without_chinese(text))["compound"])
        if not chinese_words:
            return Sentiment(english_compound, label(english_compound), english, 0)
        chinese_compound = normalise_sum(self.chinese(chinese_words))
        weight = len(chinese_words) + english
        compound = (chinese_compound * len(chinese_words) + english_compound * english) / weight
        return Sentiment(compound, label(compound), english, len(chinese_words))


def _without_chinese(text: str) -> str:
    return "".join(" " if has_chinese(char) else char for char in text)
