"""cxframe-text: the voice of the customer in words.

* the **codeframe** in ``[[plugins.cxframe-text.themes]]`` (id, keywords in
  English and Chinese, optional title and parent), see `cxframe_text.settings`;
* every comment **tagged** with its themes (`cxframe_text.tagging`: jieba for
  Chinese, whole words for English, both for mixed comments);
* **score-linked themes**: ``cxframe text themes`` (`text_themes`), with
  sample sizes, the core's ``small_sample`` flag and p-values adjusted for
  the number of themes (Holm, `adjust_themes`);
* **sentiment** per comment, offline (`cxframe_text.sentiment`: VADER for
  English, a shipped lexicon for Chinese) and its agreement with the
  respondents' own scores: ``cxframe text sentiment`` (`text_sentiment`);
* **distinctive words** of detractors vs promoters: ``cxframe text words``
  (`text_words`, `cxframe_text.words`);
* **theme discovery** in the untagged comments: ``cxframe text discover``
  (`text_discover`, `cxframe_text.discover`: NMF on TF-IDF, deterministic);
* **privacy**: e-mail addresses, phone numbers and Chinese resident ID
  numbers masked before any comment is shown (the core's
  `cxframe.mask_personal_data`), and optionally in the
  store after each collect (``mask_stored = true``);
* **reviews and social posts** as a source: the collectors ``reviews-csv``
  and ``reviews-jsonl`` (`cxframe_text.reviews`), authors stored only as a
  keyed hash;
* the **report section** ``text`` (`cxframe_text.report`): the themes against
  NPS in every ``cxframe assess`` report, from the plugin's assessment evidence.
* the customer's **comments in their profile** (``cxframe customer ID``, where
  cxframe-insight is installed): the core's ``customer_profile`` hook
  (`customer_comments`, `cxframe_text.profile`), masked, with themes and sentiment.

Registered through the ``cxframe`` entry-point group like any third-party
plugin. jieba and VADER are imported only when a comment is read, scikit-learn
only by discovery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxframe import (
    Check,
    Collector,
    IngestSummary,
    MetricCatalogue,
    Programme,
    ReportSection,
    RunContext,
    Store,
    hookimpl,
)
from cxframe_text.agreement import SentimentReport
from cxframe_text.api import TaggedComment, tag_comments, text_discover, text_sentiment, text_themes, text_words
from cxframe_text.discover import DiscoveredTopic
from cxframe_text.profile import customer_comments
from cxframe_text.report import SECTIONS, text_evidence
from cxframe_text.reviews import COLLECTORS, author_hash
from cxframe_text.sentiment import Sentiment, SentimentScorer
from cxframe_text.settings import SETTINGS, Codeframe, Keyword, Theme, load_codeframe
from cxframe_text.stored import mask_stored_comments
from cxframe_text.tagging import Tagger
from cxframe_text.themes import ThemeReport, ThemeResult, adjust_themes
from cxframe_text.words import DistinctiveWord, WordsReport, log_odds_z

if TYPE_CHECKING:
    import click

__all__ = [
    "SETTINGS",
    "Codeframe",
    "DiscoveredTopic",
    "DistinctiveWord",
    "Keyword",
    "Sentiment",
    "SentimentReport",
    "SentimentScorer",
    "TaggedComment",
    "Tagger",
    "Theme",
    "ThemeReport",
    "ThemeResult",
    "WordsReport",
    "adjust_themes",
    "author_hash",
    "customer_comments",
    "load_codeframe",
    "log_odds_z",
    "mask_stored_comments",
    "tag_comments",
    "text_discover",
    "text_sentiment",
    "text_themes",
    "text_words",
]


@hookimpl
def register_collectors() -> list[Collector]:
    return list(COLLECTORS)


@hookimpl
def register_checks(programme: Programme | None) -> list[Check]:
    # raising here is how `cxframe validate` learns about a bad codeframe
    load_codeframe(programme)
    return []


@hookimpl
def collect_finished(
    programme: Programme, store: Store, catalogue: MetricCatalogue, summaries: list[IngestSummary]
) -> None:
    """With ``mask_stored = true``, mask personal data in the stored comments right after they are stored."""
    del catalogue, summaries  # every comment counts: a setting switched on later masks the older ones too
    if load_codeframe(programme).mask_stored:
        mask_stored_comments(store)


@hookimpl
def assessment_evidence(run: RunContext) -> dict[str, Any] | None:
    # comments in it are masked (cxframe_text.themes); None without a codeframe or comments
    return text_evidence(run)


@hookimpl
def customer_profile(programme: Programme, store: Store, customer: str) -> dict[str, Any] | None:
    # the customer's comments, masked, with their themes and sentiment: cxframe customer ID shows them
    return customer_comments(programme, store, customer)


@hookimpl
def register_report_sections() -> list[ReportSection]:
    return list(SECTIONS)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from cxframe_text.cli import text  # click and rich only when commands are wanted

    cli.add_command(text)
