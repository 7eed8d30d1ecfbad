"""Theme discovery: suggest new themes from the comments the codeframe does not catch yet.

The untagged comments are turned into TF-IDF vectors of their words
(`cxframe_text.language.terms`: masked, segmented, stop words out;
sub-linear term frequency, l2-normalised rows; words in at least two
comments once there are 20 or more) and factorised by **non-negative matrix
factorisation** (scikit-learn's ``NMF``, coordinate descent, initialised by
NNDSVD — a deterministic SVD-based start — and ``random_state`` fixed, so
the same comments give the same topics on every run). Each topic comes with
its top terms (by weight in the topic) and the three **distinct** comments
that load on it most, masked (a comment written many times is shown once,
with how many times: ``examples_count``). Topics are listed by their total weight, strongest first.
scikit-learn is imported only here, when discovery runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs

from cxframe import InvalidInput
from cxframe import mask_personal_data as mask
from cxframe_text.comments import Comment
from cxframe_text.language import terms
from cxframe_text.tagging import Tagger

DEFAULT_TOPICS = 5
DEFAULT_TERMS = 8
EXAMPLES = 3
SEED = 0
#: below this many untagged comments, a word in one comment may still make a topic
_MIN_DF_FROM = 20


@attrs.frozen
class DiscoveredTopic:
    """A suggested theme: its number, its top terms and three representative comments."""

    topic: int
    terms: tuple[str, ...]
    examples: tuple[str, ...]
    #: comments for which this is the strongest topic (not in the public JSON)
    comments: int = 0
    #: how many untagged comments read as each example (the same text written again and again)
    example_counts: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "terms": list(self.terms),
            "examples": list(self.examples),
            "example_counts": list(self.example_counts),
        }


def discover(
    comments: Iterable[Comment],
    tagger: Tagger,
    *,
    topics: int = DEFAULT_TOPICS,
    top_terms: int = DEFAULT_TERMS,
    stop_words: frozenset[str] = frozenset(),
    seed: int = SEED,
) -> list[DiscoveredTopic]:
    """Up to ``topics`` topics in the untagged ``comments``; fewer when there are not enough comments or words."""
    if topics < 1:
        raise InvalidInput([f"--topics: expected 1 or more, got {topics!r}"])
    if top_terms < 1:
        raise InvalidInput([f"--terms: expected 1 or more, got {top_terms!r}"])
    texts: list[str] = []
    words: list[list[str]] = []
    for comment in comments:
        if tagger.tag(comment.text):
            continue
        counted = terms(comment.text, tagger.segmenter, stop_words)
        if counted:
            texts.append(comment.text)
            words.append(counted)
    if len(texts) < 2:
        return []
    import numpy as np  # scikit-learn's own dependency
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(
        analyzer=lambda index: words[int(index)],
        min_df=2 if len(texts) >= _MIN_DF_FROM else 1,
        sublinear_tf=True,
    )
    try:
        matrix = vectoriser.fit_transform([str(index) for index in range(len(texts))])
    except ValueError:  # no word left after min_df
        return []
    vocabulary = vectoriser.get_feature_names_out()
    shown = [" ".join(mask(text).split()) for text in texts]
    counts = Counter(_key(text) for text in shown)
    k = min(topics, len(texts), len(vocabulary))
    model = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    components = model.components_
    strongest = weights.argmax(axis=1)
    found: list[tuple[float, DiscoveredTopic]] = []
    for index in range(k):
        row = components[index]
        # by weight, ties by the word: the same order on every run
        order = np.lexsort((vocabulary, -row))
        top = tuple(str(vocabulary[i]) for i in order[:top_terms] if row[i] > 0)
        loads = weights[:, index]
        # the comments loading most, distinct: a text written 12 times loads 12 times alike and would fill the list
        chosen: list[str] = []
        for i in np.lexsort((np.arange(len(texts)), -loads)):
            if loads[i] <= 0 or len(chosen) == EXAMPLES:
                break
            if _key(shown[i]) not in {_key(text) for text in chosen}:
                chosen.append(shown[i])
        if not top or not chosen:
            continue
        topic = DiscoveredTopic(
            0, top, tuple(chosen), int((strongest == index).sum()), tuple(counts[_key(text)] for text in chosen)
        )
        found.append((float(loads.sum()), topic))
    found.sort(key=lambda item: (-item[0], item[1].terms))
    return [attrs.evolve(topic, topic=number) for number, (_, topic) in enumerate(found, start=1)]


def _key(text: str) -> str:
    """Texts that differ only in case or spacing (after masking) are the same comment."""
    return " ".join(text.split()).casefold()
