"""cxframe text words: detractors' vs promoters' words by log-odds ratio with an informative Dirichlet prior."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from text_helpers import cli, cli_json, collect

import cxframe_text
from cxframe_text.comments import Comment
from cxframe_text.language import Segmenter, terms
from cxframe_text.words import log_odds_z, words_report


def test_log_odds_z_by_hand() -> None:
    # prior 20 words on background shares a 12/20, b 8/20: α_a = 12, α_b = 8; n = n' = 10
    z = log_odds_z({"a": 10}, {"a": 2, "b": 8}, {"a": 12, "b": 8}, prior=20)
    assert z["a"] == pytest.approx((math.log(22 / 8) - math.log(14 / 16)) / math.sqrt(1 / 22 + 1 / 14))
    assert z["a"] == pytest.approx(3.3494, abs=1e-4)
    assert z["b"] == pytest.approx((math.log(8 / 22) - math.log(16 / 14)) / math.sqrt(1 / 8 + 1 / 16))
    assert z["b"] < 0


counts = st.dictionaries(st.sampled_from("abcdefgh"), st.integers(min_value=1, max_value=50), min_size=1)


@given(counts, counts, st.floats(min_value=1, max_value=5000))
@settings(max_examples=100, deadline=None)
def test_swapping_the_groups_negates_z(first: dict[str, int], second: dict[str, int], prior: float) -> None:
    from collections import Counter

    background = Counter(first) + Counter(second)
    forward = log_odds_z(first, second, background, prior)
    backward = log_odds_z(second, first, background, prior)
    assert forward.keys() == backward.keys()
    for word, value in forward.items():
        assert value == pytest.approx(-backward[word], abs=1e-9)


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=5))
@settings(max_examples=60, deadline=None)
def test_the_same_share_on_both_sides_gives_z_zero(scale: int, count: int) -> None:
    z = log_odds_z({"a": count * scale, "b": scale}, {"a": count * scale, "b": scale}, {"a": 1, "b": 1}, prior=10)
    assert z["a"] == pytest.approx(0.0, abs=1e-9) and z["b"] == pytest.approx(0.0, abs=1e-9)


def test_the_prior_keeps_a_one_off_word_below_a_frequent_one() -> None:
    # "refund" said by 30 of 100 detractor words (and 3 of 100 promoter words); "zzz" once, by one detractor
    detractors = {"refund": 30, "zzz": 1, "ok": 69}
    promoters = {"refund": 3, "ok": 97}
    background = {"refund": 33, "zzz": 1, "ok": 166}
    shrunk = log_odds_z(detractors, promoters, background, prior=200)
    assert shrunk["refund"] > shrunk["zzz"]
    # the plain log-odds ratio (a negligible prior) puts the one-off word far above
    plain = {
        word: math.log((detractors.get(word, 0) + 1e-6) / 100) - math.log((promoters.get(word, 0) + 1e-6) / 100)
        for word in detractors
    }
    assert plain["zzz"] > plain["refund"]


def test_words_report_orients_both_sides_and_leaves_stop_words_out() -> None:
    segmenter = Segmenter()
    comments = [
        Comment(1, "The refund never came, refund please", value=-1.0),
        Comment(2, "退款太慢了，退款", value=-1.0),
        Comment(3, "Friendly staff, the staff were lovely", value=1.0),
        Comment(4, "员工很热情", value=1.0),
        Comment(5, "It was fine", value=0.0),
    ]
    report = words_report(comments, segmenter, prior=10)
    worst = [word.word for word in report.detractors]
    best = [word.word for word in report.promoters]
    assert worst[:2] == ["refund", "退款"] and best[0] == "staff"
    assert all(word.z > 0 for word in (*report.detractors, *report.promoters))
    assert report.detractors[0].count == 2
    assert "the" not in worst + best and "了" not in worst + best
    assert "热情" in best
    assert terms("Call 13812345678 or mail a@b.co", segmenter) == ["call", "mail"]


def test_words_command(tmp_path: Path) -> None:
    root = collect(tmp_path)
    report = cli_json(root, "text", "words", "--top", "5")
    assert list(report) == ["detractors", "promoters"]
    assert len(report["detractors"]) == 5 and len(report["promoters"]) == 5
    assert all(list(row) == ["word", "z", "count"] for row in report["detractors"] + report["promoters"])
    zs = [row["z"] for row in report["detractors"]]
    assert zs == sorted(zs, reverse=True)
    assert report == cxframe_text.text_words(root, top=5).to_json()
    assert report == cli_json(root, "text", "words", "--top", "5")  # the same every run
    assert cli(root, "text", "words", "--metric", "csat").exit_code == 1
    assert cli(root, "text", "words", "--top", "0").exit_code == 1
    assert "detractors' word" in cli(root, "text", "words").output
