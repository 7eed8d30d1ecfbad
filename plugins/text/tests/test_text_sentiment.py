"""Sentiment per comment (VADER for English, the shipped lexicon for Chinese) and its agreement with the score."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from text_helpers import cli, cli_json, collect

import cxframe_text
from cxframe_text.sentiment import NEGATION_SCALAR, SentimentScorer, label, load_lexicon, normalise_sum

SCORER = SentimentScorer()


def test_the_lexicon_ships_with_its_source_and_sane_valences() -> None:
    lexicon = load_lexicon()
    assert len(lexicon) > 150
    assert all(-4 <= valence <= 4 and valence != 0 for valence in lexicon.values())
    assert lexicon["满意"] > 0 and lexicon["失望"] < 0
    from importlib import resources

    header = resources.files("cxframe_text").joinpath("data/sentiment_zh.tsv").read_text(encoding="utf-8")
    assert "Source:" in header and "Licence: Apache-2.0" in header


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["满意"], 2.5),
        (["非常", "满意"], 2.5 * 1.5),
        (["不", "满意"], 2.5 * NEGATION_SCALAR),
        (["不是", "很", "满意"], 2.5 * 1.3 * NEGATION_SCALAR),  # negator two words back, degree word next to it
        (["没有", "问题"], -1.0 * NEGATION_SCALAR),
        (["不", "，", "满意"], 2.5),  # negation stops at a comma
        (["太慢", "但是", "很", "耐心"], -2.0 * 0.5 + 2.0 * 1.3 * 1.5),  # after "but" counts more
        (["还可以", "吧"], 0.0),
    ],
)
def test_chinese_rules(words: list[str], expected: float) -> None:
    assert SCORER.chinese(words) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("comment", "tone"),
    [
        ("非常满意，客服很耐心", "positive"),
        ("不满意，快递太慢了", "negative"),
        ("没有问题", "positive"),
        ("服务不太好", "negative"),
        ("The agent was great", "positive"),
        ("The app is not good at all", "negative"),
        ("😀😀😀", "positive"),
        ("", "neutral"),
        ("   ", "neutral"),
        ("还可以吧", "neutral"),
        ("App crashes every time, 我的APP总是闪退", "negative"),
    ],
)
def test_comment_tone(comment: str, tone: str) -> None:
    assert SCORER.score(comment).label == tone


def test_a_mixed_comment_weighs_each_language_by_its_words() -> None:
    english = SCORER.score("great")
    chinese = SCORER.score("失望")
    mixed = SCORER.score("great 失望")
    assert (mixed.english_words, mixed.chinese_words) == (1, 1)
    assert mixed.compound == pytest.approx((english.compound + chinese.compound) / 2)


@given(st.text(max_size=200))
@settings(max_examples=100, deadline=None)
def test_compound_is_between_minus_one_and_one_and_labelled_by_the_thresholds(comment: str) -> None:
    found = SCORER.score(comment)
    assert -1.0 <= found.compound <= 1.0
    assert found.label == label(found.compound)


@given(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda total: total == 0 or abs(total) > 1e-150)
)
def test_normalised_sums_keep_their_sign_within_one(total: float) -> None:
    value = normalise_sum(total)
    assert -1.0 < value < 1.0 or total == 0
    assert (value > 0) == (total > 0) and (value < 0) == (total < 0)


def test_sentiment_report_crosses_labels_with_promoters_and_detractors(tmp_path: Path) -> None:
    root = collect(tmp_path)
    report = cli_json(root, "text", "sentiment")
    assert list(report) == ["comments", "positive", "neutral", "negative", "agreement"]
    assert report["comments"] == 15
    assert report["positive"] + report["neutral"] + report["negative"] == 15
    agreement = report["agreement"]
    table = agreement["table"]
    assert sum(sum(labels.values()) for labels in table.values()) == 15  # every comment here has an answer
    assert sum(table["promoter"].values()) == 6 and sum(table["detractor"].values()) == 7
    hits = table["promoter"]["positive"] + table["detractor"]["negative"]
    assert agreement["agreement"] == pytest.approx(hits / 13)
    assert agreement["ci_low"] < agreement["agreement"] < agreement["ci_high"]
    assert -1 <= agreement["spearman"] <= 1
    api = cxframe_text.text_sentiment(root)
    assert api.to_json() == report
    table_output = cli(root, "text", "sentiment").output
    assert "agreement with promoters/detractors" in table_output
    result = cli(root, "text", "sentiment", "--metric", "csat")
    assert result.exit_code == 1


def test_tagged_comments_carry_their_sentiment(tmp_path: Path) -> None:
    tagged = {row["response_id"]: row for row in cli_json(collect(tmp_path), "text", "tag")}
    assert tagged["r05"]["tone"] == "positive" and tagged["r05"]["sentiment"] > 0.05
    assert tagged["r03"]["tone"] == "negative"
