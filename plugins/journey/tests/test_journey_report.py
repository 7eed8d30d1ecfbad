"""The journey plugin's report sections: journeys, stage funnel and pain points, built through the hook.

End to end, with the installed plugins as a user has them: the worked
programme is assessed, then rendered for each role and language. The
sections' builders are also fed evidence of any shape, and their words are
checked in every language.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest
from journey_maps_support import populated

from cxframe import ReportContext, SectionContent, api, testing
from cxframe_journey import report


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = populated(tmp_path_factory.mktemp("report") / "p")
    api.assess(folder, host=testing.plugin_host(entry_points=True))
    return folder


def rendered(folder: Path, role: str = "cx-lead", lang: str = "en") -> tuple[str, str]:
    host = testing.plugin_host(entry_points=True)
    written = {
        path.suffix: path for path in api.report(folder, role=role, lang=lang, formats=["html", "markdown"], host=host)
    }
    assert not [f for f in host.failures if "journey" in f.plugin], host.failures
    return written[".html"].read_text("utf-8"), written[".md"].read_text("utf-8")


def sections(page: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', page)


def test_the_cx_lead_sees_the_journey_its_funnel_and_pain_points(assessed: Path) -> None:
    page, markdown = rendered(assessed)
    shown = sections(page)
    at = shown.index("objectives")
    assert shown[at + 1 : at + 4] == ["journeys", "funnel", "painpoints"]
    assert "<h3>Buy a bike · Persona: commuter</h3>" in page
    assert 'id="chart-emotion-0"' in page and 'id="chart-funnel-0"' in page
    assert '<img src="data:image/svg+xml;base64,' in page  # the map picture, as an image
    # the hostile pain point from the programme file, escaped in the table and in the chart
    assert "<script" not in page and "no stock &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert (
        '<td class="num tone-bad" data-label="Emotion">−1.5<br><span class="muted">unsure &lt;which&gt; &amp; &#34;why&#34;</span>'
        in page
    )
    assert "## Journeys" in markdown and "### Buy a bike · Persona: commuter" in markdown
    assert '| **Decide** | −1.5 (unsure &lt;which&gt; &amp; "why") |' in markdown
    assert "## Stage funnel" in markdown and "## Pain points" in markdown
    assert "<script" not in markdown


@pytest.mark.parametrize(("role", "shown"), [("executive", False), ("frontline-manager", True)])
def test_the_sections_are_for_the_cx_lead_and_the_frontline_manager(assessed: Path, role: str, shown: bool) -> None:
    page, markdown = rendered(assessed, role)
    ours = {"journeys", "funnel", "painpoints"}
    assert (ours & set(sections(page))) == (ours if shown else set())
    assert ("## Journeys" in markdown) is shown


def test_a_chinese_report_has_the_sections_words_in_chinese(assessed: Path) -> None:
    page, markdown = rendered(assessed, lang="zh-CN")
    for title in ("客户旅程", "阶段漏斗", "痛点"):
        assert f"<h2>{title}</h2>" in page and f"## {title}" in markdown
    assert "情绪曲线：Buy a bike" in page and "<th>阶段</th>" in page and "用户画像" in page


# --- the builders, on their own ---------------------------------------------------------------------------------

SECTIONS = {section.id: section for section in report.SECTIONS}


def build(section: str, evidence: Any, role: str = "cx-lead", lang: str = "en") -> SectionContent | None:
    document = {"evidence": {"journey": evidence}}
    context = ReportContext(document, SECTIONS[section], plugin="cxframe-journey", role=role, lang=lang)
    built = SECTIONS[section].build(context)
    assert built is None or isinstance(built, SectionContent)
    return built


@pytest.mark.parametrize(
    "evidence",
    [
        None,
        "nonsense",
        [],
        {"maps": [], "funnel": None, "painpoints": "x"},
        {
            "maps": [{"stages": [{"emotion": "low", "pain_points": "one"}, 3], "svg": 7}, "x"],
            "funnel": [{"stage": "s", "cases": "many", "conversion": "half"}, 3],
            "painpoints": ["a", {"evidence": None}],
        },
        {"maps": [{"stages": [{"emotion": float("nan")}, {"emotion": 1e308 * 10}]}], "funnel": [{"cases": -3}]},
    ],
)
def test_the_sections_survive_evidence_of_any_shape(evidence: Any) -> None:
    for section in SECTIONS:
        build(section, evidence)


def test_nothing_to_show_leaves_the_sections_out() -> None:
    assert [build(section, {}) for section in SECTIONS] == [None, None, None]


@pytest.mark.parametrize(("role", "rows"), [("executive", 3), ("cx-lead", 12), ("frontline-manager", 10)])
def test_pain_points_are_limited_per_role(role: str, rows: int) -> None:
    points = [{"name": f"Touchpoint {i}", "evidence": [f"{i}"]} for i in range(12)]
    built = build("painpoints", {"painpoints": points}, role)
    assert built is not None and len(built.rows) == rows and built.more == 12 - rows


def test_every_text_has_every_language_with_the_same_placeholders() -> None:
    for key, texts in report.TEXTS.items():
        assert set(texts) == set(report.LANGUAGES), key
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f} for lang, text in texts.items()}
        assert len({frozenset(f) for f in fields.values()}) == 1, key
    for section in report.SECTIONS:
        assert section.title_in("zh-CN") != section.title, section.id
