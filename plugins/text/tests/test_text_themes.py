"""cxframe text themes: coverage, untagged sample and each theme's metric with vs without it (DESIGN §11 shape)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from text_helpers import ROWS, cli, cli_json, collect

import cxframe_text
from cxframe import GroupStats, IntervalMethod, difference
from cxframe_text.themes import spread_sample

#: DESIGN §11's keys, in order, then the keys added since (#26: sample sizes, flags, adjusted p-values)
KEYS = [
    *("theme", "mentions", "share", "metric", "mean_with", "mean_without", "diff", "ci_low", "ci_high", "p_value"),
    *("p_adjusted", "significant", "n_with", "n_without", "flags"),
]


def nps_value(answer: int) -> float:
    return 1.0 if answer >= 9 else -1.0 if answer <= 6 else 0.0


def test_themes_json_has_the_public_shape_and_hand_checked_nps(tmp_path: Path) -> None:
    report = cli_json(collect(tmp_path), "text", "themes")
    assert list(report) == ["coverage", "untagged_sample", "themes"]
    assert all(list(row) == KEYS for row in report["themes"])
    # 15 comments stored (two blank, one without an answer: not stored); 11 mention a theme
    assert report["coverage"] == pytest.approx(11 / 15)
    assert report["untagged_sample"] == [
        "Everything fine, write to me at [email]",  # masked
        "还可以吧",
        "😀😀😀",
        "Happy with the product",
    ]
    delivery = report["themes"][0]
    assert (delivery["theme"], delivery["mentions"], delivery["metric"]) == ("delivery", 5, "nps")
    assert delivery["share"] == pytest.approx(5 / 15)
    # with: 2, 3, 1, 4, 3 → all detractors; the rest: 6 promoters, 2 passives, 2 detractors of 10
    assert delivery["mean_with"] == pytest.approx(-100.0)
    assert delivery["mean_without"] == pytest.approx(40.0)
    assert delivery["diff"] == pytest.approx(-140.0)
    answers = {rid: nps for rid, nps, _, _ in ROWS}
    inside = [nps_value(answers[rid]) for rid in ("r01", "r02", "r03", "r04", "r16")]
    rest = [nps_value(answers[rid]) for rid in ("r05", "r06", "r07", "r08", "r09", "r10", "r11", "r12", "r15", "r18")]
    expected = difference(IntervalMethod.NPS, GroupStats.from_values(inside), GroupStats.from_values(rest))
    assert expected is not None
    assert delivery["ci_low"] == pytest.approx(expected.ci_low * 100)
    assert delivery["ci_high"] == pytest.approx(expected.ci_high * 100)
    assert delivery["p_value"] == pytest.approx(expected.p_value)
    assert delivery["ci_high"] < 0 and delivery["p_value"] < 0.05
    app = next(row for row in report["themes"] if row["theme"] == "app")
    # one comment: a mean, but no interval or test on one answer
    assert (app["mentions"], app["mean_with"], app["ci_low"], app["p_value"]) == (1, -100.0, None, None)


def test_themes_by_segment_and_other_metrics(tmp_path: Path) -> None:
    root = collect(tmp_path)
    grouped = cli_json(root, "text", "themes", "--by", "region")
    assert [group["segment"] for group in grouped] == [{"region": "North"}, {"region": "South"}]
    assert all(list(group) == ["coverage", "untagged_sample", "themes", "segment"] for group in grouped)
    assert sum(group["themes"][0]["mentions"] for group in grouped) == 5
    north = grouped[0]["themes"][0]
    assert (north["mentions"], north["mean_with"]) == (2, -100.0)
    result = cli(root, "text", "themes", "--metric", "nope")
    assert result.exit_code == 1 and "nope" in result.output and "nps" in result.output
    result = cli(root, "text", "themes", "--by", "colour")
    assert result.exit_code == 1 and "--by: unknown column 'colour' (known: touchpoint, channel" in result.output
    table = cli(root, "text", "themes")
    assert table.exit_code == 0 and "coverage 73.3% tagged" in table.output and "[email]" in table.output


def test_themes_without_comments_or_codeframe(tmp_path: Path) -> None:
    root = collect(tmp_path, {}, rows=[("r1", 9, "North", "")])
    report = cli_json(root, "text", "themes")
    assert report == {"coverage": None, "untagged_sample": [], "themes": []}
    assert "no comments" in cli(root, "text", "themes").output
    root = collect(tmp_path / "b", {}, rows=[("r1", 9, "North", "fine")])
    assert cli_json(root, "text", "themes") == {"coverage": 0.0, "untagged_sample": ["fine"], "themes": []}


def test_python_api_matches_the_cli(tmp_path: Path) -> None:
    root = collect(tmp_path)
    report = cxframe_text.text_themes(root, metric="nps")
    assert not isinstance(report, list)
    assert report.to_json() == cli_json(root, "text", "themes")
    assert report.comments == 15
    counted = cxframe_text.text_themes(root, metric=None)
    assert not isinstance(counted, list)
    assert [(row.theme, row.mentions, row.metric, row.diff) for row in counted.themes][:2] == [
        ("delivery", 5, None, None),
        ("damage", 2, None, None),
    ]


@given(st.lists(st.text(max_size=3), max_size=40), st.integers(min_value=0, max_value=8))
@settings(max_examples=60, deadline=None)
def test_spread_sample_is_deterministic_in_order_and_of_the_right_size(items: list[str], size: int) -> None:
    picked = spread_sample(items, size)
    assert len(picked) == min(size, len(items))
    assert picked == spread_sample(items, size)
    if picked and size > 1 and len(items) > size:
        assert picked[0] == items[0] and picked[-1] == items[-1]


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=4, max_size=60))
@settings(max_examples=60, deadline=None)
def test_a_theme_mentioned_everywhere_or_nowhere_has_no_comparison(answers: list[int]) -> None:
    from cxframe_text.comments import Comment
    from cxframe_text.settings import Codeframe, Keyword, Theme
    from cxframe_text.tagging import Tagger
    from cxframe_text.themes import theme_report

    codeframe = Codeframe((Theme("all", "all", (Keyword("yes", ("yes",)),)),))
    comments = [Comment(index, "yes", value=nps_value(answer)) for index, answer in enumerate(answers)]
    from cxframe import MetricDefinition

    metric = MetricDefinition("nps", "NPS", "nps", "1", interval=IntervalMethod.NPS, multiplier=100)
    row = theme_report(comments, Tagger(codeframe), metric).themes[0]
    assert row.mentions == len(answers) and row.share == 1.0
    assert row.mean_without is None and row.diff is None and row.p_value is None
    assert math.isclose(row.mean_with or 0.0, 100 * sum(map(nps_value, answers)) / len(answers), abs_tol=1e-9)


def test_the_untagged_sample_shows_distinct_comments_with_their_count(tmp_path: Path) -> None:
    """New-user report, item 13: the untagged sample repeated one comment."""
    same = "Paying friends and checking my balance takes seconds"
    texts = [same] * 9 + ["Nice branch staff", f"  {same.upper()} ", "call me on 13812345678", "call me on 13900001111"]
    rows = [(f"r{index}", 9, "North", text) for index, text in enumerate(texts)]
    root = collect(tmp_path, rows=rows)
    report = cli_json(root, "text", "themes")
    # distinct texts in first-seen order (case, spacing and masked numbers aside), spread over them: all 3 fit in 5
    assert report["untagged_sample"] == [same, "Nice branch staff", "call me on [phone]"]
    output = cli(root, "text", "themes").output
    assert f"• {same} ×10" in output and "• call me on [phone] ×2" in output
    assert "• Nice branch staff\n" in output and output.count(same) == 1
    # and from Python, with the counts
    found = cxframe_text.text_themes(root)
    assert not isinstance(found, list) and found.untagged_counts == (10, 1, 2)
