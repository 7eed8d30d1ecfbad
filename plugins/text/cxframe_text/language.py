"""Words of a comment, in Chinese, English or both: segmentation, tokens and stop words.

* **Chinese** runs are segmented with jieba (its own dictionary plus the
  codeframe's Chinese keywords, added so that a keyword phrase such as
  送货慢 comes out as one word). jieba is imported on first use, never when
  the plugin loads.
* **English** (and any Latin-script text) is split into words of letters and
  digits (``don't``, ``e-mail``, ``wi-fi`` stay one word), lower-cased after
  NFKC, so full-width ``ＡＰＰ`` reads as ``app``.
* A **mixed** comment gets both: jieba segments its Chinese, the English
  tokeniser its Latin words.

Stop words (`STOP_WORDS_EN`, `STOP_WORDS_ZH`, plus the programme's
``stop_words``) are left out of `terms` — the words that ``text words`` and
``text discover`` count — but not out of tagging: keywords are explicit.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from cxframe import mask_personal_data as mask
from cxframe_text.settings import has_chinese, normalise

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Function words of English left out of word counts: articles, pronouns, auxiliaries, prepositions,
#: conjunctions and the commonest fillers. Negations (not, no, never) are *kept*: "not working" matters.
STOP_WORDS_EN: frozenset[str] = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "get",
        "got",
        "one",
        "us",
        "im",
        "ive",
        "id",
        "dont",
        "us",
        "etc",
    ]
)
#: Chinese function words left out of word counts: particles (的 了 吗 呢 吧 啊), pronouns, copulas,
#: common prepositions and conjunctions. Negations (不 没 没有 别) are kept, as in English.
STOP_WORDS_ZH: frozenset[str] = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "就",
        "都",
        "也",
        "还",
        "又",
        "而",
        "且",
        "并",
        "但",
        "但是",
        "而且",
        "所以",
        "因为",
        "如果",
        "虽然",
        "然后",
        "这",
        "那",
        "这个",
        "那个",
        "这些",
        "那些",
        "这样",
        "那样",
        "我",
        "我们",
        "你",
        "你们",
        "您",
        "他",
        "她",
        "它",
        "他们",
        "她们",
        "它们",
        "自己",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "哦",
        "嗯",
        "哈",
        "啦",
        "嘛",
        "着",
        "过",
        "把",
        "被",
        "让",
        "给",
        "对",
        "从",
        "向",
        "往",
        "到",
        "于",
        "以",
        "为",
        "为了",
        "由",
        "跟",
        "同",
        "之",
        "其",
        "个",
        "些",
        "什么",
        "怎么",
        "怎样",
        "哪",
        "哪里",
        "谁",
        "有",
        "有点",
        "一个",
        "一下",
        "一些",
        "一直",
        "已经",
        "就是",
        "还是",
        "可以",
        "会",
        "能",
        "要",
        "想",
        "说",
        "得",
        "地",
        "等",
        "等等",
        "很",
        "非常",
        "太",
        "比较",
        "真",
        "真的",
        "挺",
        "特别",
    ]
)
_LATIN = re.compile(r"[a-z0-9]+(?:['&.-][a-z0-9]+)*")
_TOKEN_NOISE = re.compile(r"^[\d.'&-]+$")
_PLACEHOLDER = re.compile(r"\[(?:email|phone|id|number)\]")

_lock = threading.Lock()


def latin_words(text: str) -> list[str]:
    """The Latin-script words of normalised ``text``, in order; a possessive's 's is dropped (courier's → courier)."""
    return [word[:-2] if word.endswith("'s") else word for word in _LATIN.findall(text)]


class Segmenter:
    """A jieba tokenizer of its own (the global one is left alone) with the codeframe's Chinese keywords added."""

    def __init__(self, keywords: Iterable[str] = ()) -> None:
        self._keywords = tuple(sorted(set(keywords)))
        self._tokenizer: Any = None

    def _ready(self) -> Any:
        if self._tokenizer is None:
            with _lock:
                if self._tokenizer is None:
                    import jieba  # heavy: only when a Chinese comment is read

                    jieba.setLogLevel(logging.WARNING)
                    tokenizer = jieba.Tokenizer()
                    tokenizer.initialize()
                    for keyword in self._keywords:
                        # just enough frequency that the phrase is never cut: least change to the rest
                        tokenizer.add_word(keyword, tokenizer.suggest_freq(keyword, tune=False) + 1)
                    self._tokenizer = tokenizer
        return self._tokenizer

    def words(self, text: str, *, hmm: bool = True) -> Iterator[str]:
        """jieba's words of normalised ``text`` (spaces and punctuation dropped).

        ``hmm=False`` finds no new words beyond the dictionary: what tagging
        needs (every keyword is in the dictionary), and about 50% faster.
        """
        for word in self._ready().cut(text, HMM=hmm):
            if word.strip():
                yield word


def terms(text: str, segmenter: Segmenter, stop_words: frozenset[str] = frozenset()) -> list[str]:
    """The countable words of a comment: masked, normalised, segmented, without stop words, digits or placeholders."""
    clean = _PLACEHOLDER.sub(" ", normalise(mask(text)))
    if has_chinese(clean):
        candidates = [word for word in segmenter.words(clean) if has_chinese(word) or _LATIN.fullmatch(word)]
    else:
        candidates = latin_words(clean)
    found = []
    for word in candidates:
        if word in STOP_WORDS_EN or word in STOP_WORDS_ZH or word in stop_words or _TOKEN_NOISE.match(word):
            continue
        if not has_chinese(word) and len(word) < 2:
            continue
        found.append(word)
    return found
