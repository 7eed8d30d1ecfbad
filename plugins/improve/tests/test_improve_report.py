"""The improve section of the report: closure, SLA, hours to close and recovery, in every format, escaped."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from test_improve_loop import NOW, collected, host
from test_improve_metrics import CLOSINGS, ROWS, RULES

import cxframe_improve
from cxframe import ReportContext, SectionContent, api, testing
from cxframe_improve import report

MARKUP = '<script>alert("x")</script> & *bold*'


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rules = [{**RULES[0], "owners": {"region:North": MARKUP, "default": "South lead"}}]
    root = collected(tmp_path_factory.mktemp("report"), rules=rules, rows=ROWS)
    for case, status, hours_ago in CLOSINGS:
        cxframe_improve.update_case(root, case, status, now=NOW - dt.timedelta(hours=hours_ago), host=host())
    (root / "assessment.json").write_text(json.dumps(api.assess(root, host=everything())), "utf-8")
    return root


def everything() -> Any:
    """Every installed plugin (the maturity models included), as `cxframe assess` runs."""
    return testing.plugin_host(entry_points=True)


def rendered(folder: Path, role: str = "cx-lead", lang: str = "en") -> dict[str, str]:
    written = api.report(folder, role=role, lang=lang, formats=["html", "markdown", "json"], host=everything())
    return {path.suffix: path.read_text("utf-8") for path in written}


def test_the_evidence_holds_the_loop_figures(assessed: Path) -> None:
    document = json.loads((assessed / "assessment.json").read_text("utf-8"))
    loop = document["evidence"]["improve"]["loop"]
    assert (loop["cases"], loop["open"], loop["overdue"]) == (6, 3, 2)
    assert [(m["metric"], m["n"]) for m in loop["metrics"]] == [
        ("loop_closed", 6),
        ("loop_within_sla", 5),
        ("loop_hours_to_close", 3),
    ]
    assert {row["segment"]["owner"]: row["n"] for row in loop["within_sla_by_owner"]} == {MARKUP: 3, "South lead": 2}
    (recovery,) = loop["recovery"]
    assert (recovery["followed"], recovery["n"], recovery["baseline_n"]) == ("nps", 2, 2)
    assert recovery["difference"] == pytest.approx(1.0)


def test_every_format_shows_the_section_with_text_escaped(assessed: Path) -> None:
    pages = rendered(assessed)
    html, markdown = pages[".html"], pages[".md"]
    assert '<section id="improve"' in html and "<h2>Improve: the closed loop</h2>" in html
    assert "6 cases opened for unhappy answers: 3 still open, 2 of them past their due time." in html
    assert "Closed within SLA (%)" in html and "Median hours to close" in html
    assert "Customers whose nps case was resolved answered 8.5 next time, the others 7.5" in html
    assert "Not significant" in html or "Significant." in html
    # the owner's name is text, never markup
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "## Improve: the closed loop" in markdown and "<script>" not in markdown
    assert "Closed within SLA, by owner" in markdown
    document = json.loads(pages[".json"])
    (section,) = [s for s in document["sections"] if s["id"] == "improve"]
    assert section["after"] == "actions" and section["plugin"] == "cxframe-improve"
    assert [part["heading"] for part in section["content"]["parts"]] == [
        "Follow-up of unhappy customers",
        "Closed within SLA, by owner",
        "Recovery",
    ]


@pytest.mark.parametrize("role", ["executive", "frontline-manager"])
def test_every_role_sees_it(assessed: Path, role: str) -> None:
    assert '<section id="improve"' in rendered(assessed, role)[".html"]


def test_a_chinese_report_says_it_in_chinese(assessed: Path) -> None:
    html = rendered(assessed, lang="zh-CN")[".html"]
    assert "<h2>改进：闭环跟进</h2>" in html and "不满意客户的跟进" in html and "客户挽回" in html


def test_no_cases_no_section(tmp_path: Path) -> None:
    root = collected(tmp_path, rules=[])
    api.assess(root, host=everything())
    assert '<section id="improve"' not in rendered(root)[".html"]


# --- the builder, on its own ---------------------------------------------------------------------------------

[SECTION] = report.SECTIONS


def build(evidence: Any, lang: str = "en") -> SectionContent | None:
    context = ReportContext({"evidence": {"improve": evidence}}, SECTION, plugin="cxframe-improve", lang=lang)
    built = SECTION.build(context)
    assert built is None or isinstance(built, SectionContent)
    return built


@pytest.mark.parametrize(
    "evidence",
    [
        None,
        [],
        {"loop": "x"},
        {"loop": {"metrics": "x", "within_sla_by_owner": [1, {"segment": "x"}], "recovery": [{"difference": "big"}]}},
        {"loop": {"cases": True, "metrics": [{"metric": None, "flags": "x", "n": 2.5, "value": float("nan")}]}},
        {"loop": {"recovery": [{"difference": 1.0, "ci_low": 0.1, "ci_high": 2.0, "p_value": None, "flags": "x"}]}},
    ],
)
def test_the_section_survives_evidence_of_any_shape(evidence: Any) -> None:
    build(evidence)


def test_nothing_reported_leaves_the_section_out() -> None:
    assert build({}) is None and build({"loop": {}}) is None


def test_a_difference_that_is_not_significant_is_said_plainly() -> None:
    row = {"followed": "csat", "resolved": 4.1, "not_resolved": 3.9, "difference": 0.2, "ci_low": -0.5}
    row |= {"ci_high": 0.9, "p_value": 0.56, "significant": False, "n": 12, "baseline_n": 9, "flags": ["small_sample"]}
    built = build({"loop": {"recovery": [row]}})
    assert built is not None
    (part,) = built.parts
    (sentence,) = part.text
    assert "a difference of +0.2 (95% interval −0.5 … +0.9, p = 0.560), on 12 and 9 customers." in sentence
    assert "Not significant: the data cannot tell this difference from chance." in sentence
    assert "below the minimum sample" in sentence


def test_every_text_has_every_language_with_the_same_placeholders() -> None:
    fields = re.compile(r"{(\w+)}")
    for key, languages in report.TEXTS.items():
        assert set(languages) == {"en", "zh-CN"}, key
        assert set(fields.findall(languages["en"])) == set(fields.findall(languages["zh-CN"])), key


def test_more_parts_can_join_the_section(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = SectionContent(heading="Action effects")
    monkeypatch.setattr(report, "SECTION_PARTS", [*report.SECTION_PARTS, lambda context, evidence: extra])
    built = build({"loop": {"cases": 1, "open": 0, "overdue": 0}})
    assert built is not None and built.parts[-1] is extra


def test_the_evidence_of_a_programme_without_cases_is_none(tmp_path: Path) -> None:
    root = collected(tmp_path, rules=[])
    document = api.assess(root, host=everything())
    assert "improve" not in document.get("evidence", {})
