"""The employee plugin's report section: eNPS by team and the EX ↔ CX link, built through the hook.

End to end, with the installed plugins as a user has them: a programme with
six teams (and one too small to show) is assessed, then rendered for each
role and language. The builder is also fed evidence of any shape, and its
words are checked in every language.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest
from employee_helpers import GOOD_VOICE, customer_rows, programme, role, scores, staff_rows

import cxframe
from cxframe import ReportContext, SectionContent, api, testing
from cxframe_employee import report

TEAMS = {
    "a": (6, 2, 2, 12),
    "b": (4, 3, 3, 8),
    "c": (3, 3, 4, 6),
    "d": (2, 3, 5, 4),
    "e": (5, 3, 2, 10),
    "f": (4, 4, 2, 9),
}


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    staff, customers = [], []
    for team, (p, n, d, happy) in TEAMS.items():
        staff += staff_rows(team, scores(p, n, d))
        customers += customer_rows(team, scores(happy, 4, 20 - happy))
    staff += staff_rows("tiny", [10, 10])  # below the anonymity threshold: never shown
    folder = programme(
        tmp_path_factory.mktemp("report") / "p",
        {"roles": [role()], "voice_of_employee": GOOD_VOICE},
        staff=staff,
        customers=customers,
    )
    host = testing.plugin_host(entry_points=True)
    cxframe.collect(folder, host=host)
    api.assess(folder, host=host)
    return folder


def rendered(folder: Path, role: str = "cx-lead", lang: str = "en") -> tuple[str, str]:
    host = testing.plugin_host(entry_points=True)
    written = {
        path.suffix: path for path in api.report(folder, role=role, lang=lang, formats=["html", "markdown"], host=host)
    }
    assert not [f for f in host.failures if "employee" in f.plugin], host.failures
    return written[".html"].read_text("utf-8"), written[".md"].read_text("utf-8")


def sections(page: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', page)


def test_the_cx_lead_sees_enps_by_team_and_the_link(assessed: Path) -> None:
    page, markdown = rendered(assessed)
    assert "employee" in sections(page)
    assert "<h3>Employee NPS (eNPS)</h3>" in page and "<h3>The EX ↔ CX link</h3>" in page
    assert 'id="chart-link"' in page and "<caption>The numbers behind the chart</caption>" in page
    assert "An association between team averages, not evidence of cause." in page
    # the small team is hidden: named, with no figure, and why in words
    reason = "hidden: fewer than 5 respondents, or showing it would reveal a group that small"
    assert re.search(r'<td data-label="Segment">tiny</td><td class="num" data-label="Value">—</td>.*?' + reason, page)
    assert f"| tiny | — | — | — | {reason} |" in markdown
    assert "### The EX ↔ CX link" in markdown


@pytest.mark.parametrize(("role", "shown"), [("executive", False), ("frontline-manager", True)])
def test_the_section_is_for_the_cx_lead_and_the_frontline_manager(assessed: Path, role: str, shown: bool) -> None:
    page, markdown = rendered(assessed, role)
    assert ("employee" in sections(page)) is shown
    assert ("## Employees" in markdown) is shown


def test_a_chinese_report_says_it_in_chinese(assessed: Path) -> None:
    page, markdown = rendered(assessed, lang="zh-CN")
    assert "<h2>员工</h2>" in page and "## 员工" in markdown
    assert "员工净推荐值（eNPS）" in page and "各团队的员工体验与客户体验" in page
    assert "个团队间的相关系数 r = " in page and "已隐藏：回答者少于 5 人，或显示它会推算出这样的小群组" in page


# --- the builder, on its own -------------------------------------------------------------------------------------

[SECTION] = report.SECTIONS


def build(evidence: Any, lang: str = "en") -> SectionContent | None:
    context = ReportContext({"evidence": {"employee": evidence}}, SECTION, plugin="cxframe-employee", lang=lang)
    built = SECTION.build(context)
    assert built is None or isinstance(built, SectionContent)
    return built


@pytest.mark.parametrize(
    "evidence",
    [
        None,
        [],
        {"enps": "x", "enps_by_team": "x", "link": {"statement": 3}},
        {"enps": [{"segment": "x", "n": True, "flags": "small_sample"}], "link": {"r": "high", "teams": [1, {}]}},
        {"link": {"r": 0.5, "points": [{"team": "a", "enps": 1, "customer_score": float("inf")}], "error": 3}},
    ],
)
def test_the_section_survives_evidence_of_any_shape(evidence: Any) -> None:
    build(evidence)


def test_nothing_reported_leaves_the_section_out() -> None:
    assert build({}) is None and build({"anonymity_threshold": 5}) is None


def test_a_link_that_could_not_be_computed_says_why() -> None:
    built = build({"link": {"error": "too few teams"}})
    assert built is not None and built.parts[0].notes == ("The link could not be computed: too few teams",)


def test_the_plugins_english_sentence_is_kept_only_where_it_adds_something() -> None:
    link = {"r": 0.9, "ci_low": 0.5, "ci_high": 0.99, "statement": "Strong."}
    english, chinese = build({"link": link}), build({"link": link}, "zh-CN")
    assert english is not None and "Strong." in english.parts[0].text
    assert chinese is not None and "Strong." not in chinese.parts[0].text
    without_r = build({"link": {"statement": "Only 3 teams."}}, "zh-CN")
    assert without_r is not None and without_r.parts[0].text == ("Only 3 teams.",)


def test_every_text_has_every_language_with_the_same_placeholders() -> None:
    for key, texts in report.TEXTS.items():
        assert set(texts) == set(report.LANGUAGES), key
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f} for lang, text in texts.items()}
        assert len({frozenset(f) for f in fields.values()}) == 1, key
    assert SECTION.title_in("zh-CN") == "员工"


def _shown(content: SectionContent) -> list[str]:
    """Every text the section's tables and sentences show."""
    texts = [*content.text, *content.notes]
    for row in content.rows:
        for cell in row:
            texts += [*cell.text, cell.note]
    for part in content.parts:
        texts += _shown(part)
    return texts


LEAKED = re.compile(r"(?<![A-Za-z])(None|nan|NaN|null)(?![A-Za-z])")


@pytest.mark.parametrize("lang", report.LANGUAGES)
@pytest.mark.parametrize(
    "evidence",
    [
        # a suppressed team as the plugin reports it, and as an old or hand-edited document may hold it
        {
            "anonymity_threshold": 5,
            "enps": {"segment": {}, "value": 20.0, "n": 40, "ci_low": 5.0, "ci_high": 33.0, "flags": []},
            "enps_by_team": [
                {
                    "segment": {"team": "tiny"},
                    "value": None,
                    "n": None,
                    "ci_low": None,
                    "ci_high": None,
                    "flags": ["suppressed"],
                },
            ],
        },
        {
            "anonymity_threshold": None,
            "enps_by_team": [
                {
                    "segment": {"team": None},
                    "value": float("nan"),
                    "n": None,
                    "ci_low": float("nan"),
                    "ci_high": None,
                    "flags": ["suppressed", None],
                },
                {"segment": None, "value": None, "n": None, "flags": None},
            ],
        },
        {"enps_by_team": [{"segment": {"team": "t", "site": None}, "value": None, "flags": ["suppressed"]}]},
    ],
)
def test_a_suppressed_group_shows_no_none_nan_or_null(evidence: Any, lang: str) -> None:
    """Issue #22: suppressed groups printed ``None`` in the eNPS table."""
    built = build(evidence, lang)
    assert built is not None
    shown = _shown(built)
    assert [text for text in shown if LEAKED.search(text)] == []
    hidden = "hidden: " if lang == "en" else "已隐藏："
    assert any(text.startswith(hidden) for text in shown), shown
