"""The plugin's Python API: one function per task, each taking the programme folder.

>>> import cxframe_text
>>> cxframe_text.tag_comments("my-programme")[:3]                       # doctest: +SKIP
>>> cxframe_text.text_themes("my-programme", metric="nps").to_json()      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from cxframe import InvalidInput, Opened, PluginHost, Programme, open_programme
from cxframe import mask_personal_data as mask
from cxframe_text.agreement import SentimentReport, check_metric, sentiment_report
from cxframe_text.comments import Comment, read_comments
from cxframe_text.discover import DEFAULT_TERMS, DEFAULT_TOPICS, DiscoveredTopic, discover
from cxframe_text.sentiment import SentimentScorer
from cxframe_text.settings import load_codeframe
from cxframe_text.tagging import Tagger
from cxframe_text.themes import UNTAGGED_SAMPLE, ThemeReport, adjust_themes, theme_report
from cxframe_text.words import DEFAULT_PRIOR, DEFAULT_TOP, WordsReport, words_report

ProgrammeLike = str | Path | Programme


@attrs.frozen
class TaggedComment:
    """A comment with its themes (masked: no e-mail, phone or ID number in ``text``)."""

    response: int
    response_id: str | None
    respondent_id: str | None
    text: str
    themes: tuple[str, ...]
    #: VADER-style compound, −1…1 (`cxframe_text.sentiment`)
    sentiment: float = 0.0
    #: positive, neutral or negative
    tone: str = "neutral"

    def to_json(self) -> dict[str, Any]:
        return {
            "response": self.response,
            "response_id": self.response_id,
            "respondent_id": self.respondent_id,
            "text": self.text,
            "themes": list(self.themes),
            "sentiment": self.sentiment,
            "tone": self.tone,
        }


def _check_confidence(confidence: float | None) -> None:
    if confidence is not None and not 0 < confidence < 1:
        raise InvalidInput([f"--confidence: expected a number between 0 and 1, got {confidence!r}"])


def _confidence(opened: Opened, confidence: float | None) -> float:
    """``confidence`` if given, else the programme's ``[settings] confidence`` (as ``measure`` does)."""
    return confidence if confidence is not None else opened.programme.settings.confidence


def _tagger(opened: Opened) -> Tagger:
    return Tagger(load_codeframe(opened.programme))


def tag_comments(
    programme: ProgrammeLike = ".", *, sources: Sequence[str] = (), host: PluginHost | None = None
) -> list[TaggedComment]:
    """Every comment in the store with the themes it mentions (and their parents) and its sentiment, in stored order.

    ``sources`` (ids of ``[[sources]]``) keeps only their comments, in every function here; empty: all.
    """
    with open_programme(programme, host) as opened:
        tagger = _tagger(opened)
        scorer = SentimentScorer(tagger.segmenter)
        found = []
        for comment in read_comments(opened.store, sources=sources):
            sentiment = scorer.score(comment.text)
            found.append(
                TaggedComment(
                    comment.response,
                    comment.response_id,
                    comment.respondent_id,
                    mask(comment.text),
                    tagger.tag(comment.text),
                    sentiment.compound,
                    sentiment.label,
                )
            )
        return found


def text_sentiment(
    programme: ProgrammeLike = ".",
    *,
    metric: str = "nps",
    confidence: float | None = None,
    sources: Sequence[str] = (),
    host: PluginHost | None = None,
) -> SentimentReport:
    """Every comment's sentiment label, and how well it agrees with ``metric``'s promoters and detractors.

    The agreement's interval is at ``confidence``, by default the programme's ``[settings] confidence``.
    """
    _check_confidence(confidence)
    with open_programme(programme, host) as opened:
        definition = opened.registry.metrics.get(metric)
        check_metric(definition)
        scorer = SentimentScorer(_tagger(opened).segmenter)
        return sentiment_report(
            read_comments(opened.store, definition, sources=sources),
            scorer,
            definition,
            confidence=_confidence(opened, confidence),
        )


def text_themes(
    programme: ProgrammeLike = ".",
    *,
    metric: str | None = "nps",
    by: str | None = None,
    confidence: float | None = None,
    sample: int = UNTAGGED_SAMPLE,
    sources: Sequence[str] = (),
    host: PluginHost | None = None,
) -> ThemeReport | list[ThemeReport]:
    """Coverage, untagged comments and, per theme, mentions and ``metric`` with vs without it.

    ``metric=None`` counts mentions only. With ``by`` (a segment column, or
    touchpoint, channel, source, population), one report per value of that
    column, in the order of the values (comments without a value last).
    ``confidence`` defaults to the programme's ``[settings] confidence``; the
    minimum sample of the ``small_sample`` flag is the metric's or the
    programme's ``min_sample``; p-values are Holm-adjusted over every theme
    of every report returned.
    """
    _check_confidence(confidence)
    if sample < 0:
        raise InvalidInput([f"--sample: expected 0 or more, got {sample!r}"])
    with open_programme(programme, host) as opened:
        level = _confidence(opened, confidence)
        minimum = opened.programme.settings.min_sample
        tagger = _tagger(opened)
        definition = opened.registry.metrics.get(metric) if metric is not None else None
        comments = read_comments(opened.store, definition, by=by, sources=sources)
        if by is None:
            return theme_report(comments, tagger, definition, confidence=level, min_sample=minimum, sample=sample)
        groups: dict[str | None, list[Comment]] = {}
        for comment in comments:
            groups.setdefault(comment.segment, []).append(comment)
        order = sorted(groups, key=lambda value: (value is None, value or ""))
        reports = [
            theme_report(
                groups[value],
                tagger,
                definition,
                confidence=level,
                min_sample=minimum,
                sample=sample,
                segment={by: value},
            )
            for value in order
        ]
        # every segment's themes are one family, as every segment of ``measure --compare`` is
        return adjust_themes(reports, level)


def text_words(
    programme: ProgrammeLike = ".",
    *,
    metric: str = "nps",
    top: int = DEFAULT_TOP,
    prior: float = DEFAULT_PRIOR,
    sources: Sequence[str] = (),
    host: PluginHost | None = None,
) -> WordsReport:
    """The words most typical of detractors' and of promoters' comments (log-odds ratio, informative Dirichlet prior)."""
    with open_programme(programme, host) as opened:
        definition = opened.registry.metrics.get(metric)
        check_metric(definition)
        codeframe = load_codeframe(opened.programme)
        tagger = Tagger(codeframe)
        return words_report(
            read_comments(opened.store, definition, sources=sources),
            tagger.segmenter,
            stop_words=codeframe.stop_words,
            prior=prior,
            top=top,
        )


def text_discover(
    programme: ProgrammeLike = ".",
    *,
    topics: int = DEFAULT_TOPICS,
    terms: int = DEFAULT_TERMS,
    sources: Sequence[str] = (),
    host: PluginHost | None = None,
) -> list[DiscoveredTopic]:
    """Suggested themes from the comments no theme catches: NMF on TF-IDF, the same on every run."""
    with open_programme(programme, host) as opened:
        codeframe = load_codeframe(opened.programme)
        return discover(
            read_comments(opened.store, sources=sources),
            Tagger(codeframe),
            topics=topics,
            top_terms=terms,
            stop_words=codeframe.stop_words,
        )
