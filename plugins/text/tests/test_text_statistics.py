"""Honest statistics in ``cxframe text themes`` and ``text sentiment`` (#26): sample sizes and the core's
small-sample flag, p-values adjusted for the number of themes, and the programme's confidence level."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from text_helpers import ROWS, cli, cli_json, collect

import cxframe.assessment.models
import cxframe.reporters
import cxframe_nps
import cxframe_text
from cxframe import (
    DEFAULT_MIN_SAMPLE,
    SMALL_SAMPLE,
    GroupStats,
    IntervalMethod,
    MetricDefinition,
    ReportContext,
    difference,
    testing,
)
from cxframe_text.comments import Comment
from cxframe_text.report import SECTIONS
from cxframe_text.settings import Codeframe, Keyword, Theme
from cxframe_text.tagging import Tagger
from cxframe_text.themes import ThemeReport, ThemeResult, adjust_themes, theme_report

NPS = MetricDefinition("nps", "NPS", "nps", "1", interval=IntervalMethod.NPS, multiplier=100)
#: the fixture's raw p-values (delivery, damage, service, price; app has no test), checked in test_text_themes
RAW = {"delivery": 0.00899100899100897, "damage": 0.3428571428571409, "service": 0.14285714285714202, "price": 1.0}


def nps_value(answer: int) -> float:
    return 1.0 if answer >= 9 else -1.0 if answer <= 6 else 0.0


def _row(theme: str, p: float | None) -> ThemeResult:
    return ThemeResult(theme, 1, 0.5, "nps", 0.0, 0.0, 0.0, None, None, p)


def _report(p_values: list[float | None]) -> ThemeReport:
    return ThemeReport(0.5, (), tuple(_row(f"t{index}", p) for index, p in enumerate(p_values)))


def _adjusted(reports: list[ThemeReport]) -> list[float | None]:
    return [row.p_adjusted for report in reports for row in report.themes]


# --- the adjustment ------------------------------------------------------------------------------------------


def test_holm_by_hand() -> None:
    # sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, then 0.04·1 = 0.04 is raised to 0.06 (monotone)
    (report,) = adjust_themes([_report([0.01, 0.04, 0.03, 0.005, None])])
    adjusted = _adjusted([report])
    assert adjusted[:4] == pytest.approx([0.03, 0.06, 0.06, 0.02]) and adjusted[4] is None
    assert [row.significant for row in report.themes] == [True, False, False, True, False]
    # at 99%: nothing is below 0.01 once adjusted, though 0.005 was before
    (strict,) = adjust_themes([report], confidence=0.99)
    assert not any(row.significant for row in strict.themes)


probabilities = st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0, allow_nan=False))


@given(st.lists(st.lists(probabilities, max_size=8), min_size=1, max_size=4), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
@settings(max_examples=200, deadline=None)
def test_adjusted_p_values_are_holm_over_every_theme_of_every_report(
    groups: list[list[float | None]], confidence: float
) -> None:
    reports = adjust_themes([_report(group) for group in groups], confidence)
    raw = [p for group in groups for p in group]
    adjusted = _adjusted(reports)
    tested = [p for p in raw if p is not None]
    for p, q in zip(raw, adjusted, strict=True):
        if p is None:
            assert q is None  # no test, not in the family
            continue
        assert q is not None
        assert p - 1e-12 <= q <= 1.0  # never below the raw p, never above 1
        assert q <= min(1.0, len(tested) * p) + 1e-12  # never above Bonferroni's
    pairs = [(p, q) for p, q in zip(raw, adjusted, strict=True) if p is not None and q is not None]
    for p1, q1 in pairs:  # the order of the raw p-values is kept
        for p2, q2 in pairs:
            if p1 <= p2:
                assert q1 <= q2 + 1e-12
    # the family spans the reports: the same as one report holding every theme
    assert adjusted == _adjusted(adjust_themes([_report(raw)], confidence))
    for report in reports:
        for row in report.themes:
            assert row.significant == (row.p_adjusted is not None and row.p_adjusted < 1 - confidence)


def test_the_cli_marks_significance_on_the_adjusted_p_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per row, for the assertions on the table
    root = collect(tmp_path)
    rows = {row["theme"]: row for row in cli_json(root, "text", "themes")["themes"]}
    # Holm over the four themes with a test: 4·0.009, 3·0.143, 2·0.343, 1·1.0 (each at least the one before)
    assert rows["delivery"]["p_adjusted"] == pytest.approx(4 * RAW["delivery"])
    assert rows["service"]["p_adjusted"] == pytest.approx(3 * RAW["service"])
    assert rows["damage"]["p_adjusted"] == pytest.approx(2 * RAW["damage"])
    assert rows["price"]["p_adjusted"] == pytest.approx(1.0)
    assert rows["app"]["p_adjusted"] is None and rows["app"]["significant"] is False
    assert [theme for theme, row in rows.items() if row["significant"]] == ["delivery"]
    # at 99% delivery's raw p (0.009) is below 0.01, its adjusted p (0.036) is not: not significant
    strict = cli_json(root, "text", "themes", "--confidence", "0.99")["themes"][0]
    assert strict["p_value"] < 0.01 and strict["significant"] is False
    table = cli(root, "text", "themes", "--confidence", "0.99")
    assert table.exit_code == 0
    assert "difference (99%)" in table.output and "p (Holm)" in table.output
    assert "0.009 (0.036)" in table.output and "yes" not in table.output
    assert "adjusted in brackets over the 4 theme(s) tested" in table.output


def test_with_by_every_segment_is_one_family(tmp_path: Path) -> None:
    root = collect(tmp_path)
    grouped = cli_json(root, "text", "themes", "--by", "region")
    raw = [row["p_value"] for group in grouped for row in group["themes"]]
    expected = cxframe.holm(raw)
    assert [row["p_adjusted"] for group in grouped for row in group["themes"]] == expected
    assert sum(p is not None for p in raw) == 5  # two in North, three in South, adjusted together
    reports = cxframe_text.text_themes(root, by="region")
    assert isinstance(reports, list)
    assert [row.p_adjusted for report in reports for row in report.themes] == expected


# --- sample sizes and the small-sample flag -----------------------------------------------------------------


def test_rows_carry_their_sample_sizes_and_the_core_flag_at_the_programme_minimum(tmp_path: Path) -> None:
    root = collect(tmp_path, programme_settings={"min_sample": 3})
    rows = {row["theme"]: row for row in cli_json(root, "text", "themes")["themes"]}
    # delivery: 5 comments with an nps answer vs 10; damage 2 vs 13; app 1 vs 14
    assert (rows["delivery"]["n_with"], rows["delivery"]["n_without"]) == (5, 10)
    assert (rows["damage"]["n_with"], rows["damage"]["n_without"]) == (2, 13)
    assert (rows["price"]["n_with"], rows["price"]["n_without"]) == (3, 12)
    assert rows["delivery"]["flags"] == [] and rows["price"]["flags"] == []  # 3 is not below 3
    assert rows["damage"]["flags"] == [SMALL_SAMPLE] and rows["app"]["flags"] == [SMALL_SAMPLE]
    # the default minimum (30): every side of this 15-comment fixture is small
    default = cli_json(collect(tmp_path / "default"), "text", "themes")["themes"]
    assert all(row["flags"] == [SMALL_SAMPLE] for row in default)
    # mentions only: no metric, no sample sizes, no flags
    counted = cxframe_text.text_themes(root, metric=None)
    assert isinstance(counted, ThemeReport)
    assert all((row.n_with, row.n_without, row.flags) == (0, 0, ()) for row in counted.themes)


@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 10), st.floats(min_value=0.2, max_value=5.0)), min_size=1, max_size=40
    ),
    st.one_of(st.none(), st.integers(1, 25)),
    st.one_of(st.none(), st.integers(1, 25)),
)
@settings(max_examples=150, deadline=None)
def test_the_flag_is_the_core_rule_on_effective_n(
    answers: list[tuple[bool, int, float]], own: int | None, programme: int | None
) -> None:
    codeframe = Codeframe((Theme("late", "late", (Keyword("late", ("late",)),)),))
    comments = [
        Comment(index, "late" if mentioned else "fine", value=nps_value(answer), weight=weight)
        for index, (mentioned, answer, weight) in enumerate(answers)
    ]
    metric = MetricDefinition("nps", "NPS", "nps", "1", interval=IntervalMethod.NPS, multiplier=100, min_sample=own)
    (row,) = theme_report(comments, Tagger(codeframe), metric, min_sample=programme).themes
    inside = [(nps_value(a), w) for m, a, w in answers if m]
    rest = [(nps_value(a), w) for m, a, w in answers if not m]
    sides = [GroupStats.from_values([x for x, _ in side], [w for _, w in side]) for side in (inside, rest)]
    minimum = own or programme or DEFAULT_MIN_SAMPLE  # the metric's, else the programme's, else the core's
    assert (row.n_with, row.n_without) == (len(inside), len(rest))
    assert (SMALL_SAMPLE in row.flags) == (min(side.effective_n for side in sides) < minimum)


# --- the programme's confidence -----------------------------------------------------------------------------


def test_themes_and_sentiment_use_the_programme_confidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    from scipy import stats

    root = collect(tmp_path, programme_settings={"confidence": 0.9})
    delivery = cli_json(root, "text", "themes")["themes"][0]
    answers = {rid: nps for rid, nps, _, _ in ROWS}
    inside = [nps_value(answers[rid]) for rid in ("r01", "r02", "r03", "r04", "r16")]
    rest = [nps_value(answers[rid]) for rid in ("r05", "r06", "r07", "r08", "r09", "r10", "r11", "r12", "r15", "r18")]
    expected = difference(IntervalMethod.NPS, GroupStats.from_values(inside), GroupStats.from_values(rest), 0.9)
    assert expected is not None
    assert delivery["ci_low"] == pytest.approx(expected.ci_low * 100)
    assert delivery["ci_high"] == pytest.approx(expected.ci_high * 100)
    # --confidence still wins over the programme's
    wide = cli_json(root, "text", "themes", "--confidence", "0.99")["themes"][0]
    assert wide["ci_low"] < delivery["ci_low"]
    assert "difference (90%)" in cli(root, "text", "themes").output
    # sentiment: 12 of 13 promoters and detractors agree; Wilson's interval at 90%
    agreement = cli_json(root, "text", "sentiment")["agreement"]
    wilson = stats.binomtest(12, 13).proportion_ci(confidence_level=0.9, method="wilson")
    assert (agreement["ci_low"], agreement["ci_high"]) == pytest.approx((wilson.low, wilson.high))
    assert "(90% 71.8–98.3%)" in cli(root, "text", "sentiment").output
    at_99 = cli_json(root, "text", "sentiment", "--confidence", "0.99")["agreement"]
    assert at_99["ci_low"] < agreement["ci_low"]
    assert cxframe_text.text_sentiment(root).confidence == 0.9
    bad = cli(root, "text", "sentiment", "--confidence", "1.5")
    assert bad.exit_code == 1 and "--confidence: expected a number between 0 and 1, got 1.5" in bad.output


# --- the report ---------------------------------------------------------------------------------------------


def _section(rows: list[dict[str, Any]], role: str = "cx-lead") -> Any:
    evidence = {
        "comments": 100,
        "coverage": 0.8,
        "metric": "nps",
        "metric_title": "NPS",
        "higher_is_better": True,
        "confidence": 0.9,
        "min_sample": 30,
        "untagged_sample": [],
        "themes": rows,
    }
    context = ReportContext({"evidence": {"text": evidence}}, SECTIONS[0], plugin="cxframe-text", role=role)
    content = SECTIONS[0].build(context)
    assert content is not None
    return content


def _theme(theme: str, diff: float, p: float, p_adjusted: float, significant: bool, flags: list[str]) -> Any:
    return {
        "theme": theme,
        "title": theme,
        "mentions": 40,
        "share": 0.4,
        "metric": "nps",
        "mean_with": diff,
        "mean_without": 0.0,
        "diff": diff,
        "ci_low": diff - 10,
        "ci_high": diff + 10 if diff > 0 else -1.0,
        "p_value": p,
        "p_adjusted": p_adjusted,
        "significant": significant,
        "n_with": 40,
        "n_without": 60,
        "flags": flags,
    }


def test_the_report_colours_a_theme_only_when_significant_after_adjustment() -> None:
    content = _section(
        [
            _theme("late", -30.0, 0.001, 0.004, True, []),
            # its unadjusted interval excludes 0 (ci_high −1), but after adjustment it is not significant
            _theme("price", -20.0, 0.04, 0.12, False, []),
            _theme("staff", 25.0, 0.01, 0.03, True, [SMALL_SAMPLE]),
        ]
    )
    tones = [row[5].tone for row in content.rows]
    assert tones == ["bad", None, "good"]
    assert [row[6].text for row in content.rows] == [("0.004",), ("0.120",), ("0.030",)]
    assert content.rows[2][6].note == "small sample" and content.rows[0][6].note == ""
    assert content.columns[6].title == "p (adjusted)"
    assert "with its 90% interval" in content.text[1]
    assert content.notes[0].startswith("p-values are adjusted for testing 3 themes at once (Holm)")
    assert "below 0.1" in content.notes[0]
    assert content.notes[1].startswith("small sample: with or without the theme, fewer than 30 answers")


def test_an_older_document_without_adjusted_p_values_colours_nothing() -> None:
    old = _theme("late", -30.0, 0.001, 0.004, True, [])
    for key in ("p_adjusted", "significant", "n_with", "n_without", "flags"):
        del old[key]
    content = _section([old])
    assert content.rows[0][5].tone is None and content.rows[0][6].text == ("—",)


def test_the_assessment_uses_the_programme_confidence_and_minimum(tmp_path: Path) -> None:
    root = collect(tmp_path, programme_settings={"confidence": 0.9, "min_sample": 3})
    host = testing.plugin_host(cxframe_nps, cxframe_text, cxframe.reporters, cxframe.assessment.models)
    result = testing.invoke(["-C", str(root), "assess"], host=host)
    assert result.exit_code == 0, result.output
    document = json.loads((root / "reports" / "assessment.json").read_text(encoding="utf-8"))
    evidence = document["evidence"]["text"]
    assert (evidence["confidence"], evidence["min_sample"]) == (0.9, 3)
    rows = {row["theme"]: row for row in evidence["themes"]}
    assert rows["damage"]["flags"] == [SMALL_SAMPLE] and rows["delivery"]["flags"] == []
    assert rows["delivery"]["p_adjusted"] == pytest.approx(4 * RAW["delivery"])
    markdown = (root / "reports" / "assessment.md").read_text(encoding="utf-8")
    assert "with its 90% interval" in markdown and "adjusted for testing 4 themes at once" in markdown
    assert "| 0.686 (small sample) |" in markdown  # the flag beside the adjusted p
