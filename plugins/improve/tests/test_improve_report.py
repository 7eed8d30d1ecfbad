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


# --- the measured effect of finished actions ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def effected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CSAT at the web touchpoint 60 % → 80 % after a done action titled with markup; store and app flat."""
    from test_improve_effect import ACTION, jump

    root = jump(tmp_path_factory.mktemp("effect"), actions=[{**ACTION, "title": MARKUP}])
    (root / "assessment.json").write_text(json.dumps(api.assess(root, host=everything())), "utf-8")
    return root


def test_the_evidence_holds_each_effect_as_actions_effect_gives_it(effected: Path) -> None:
    document = json.loads((effected / "assessment.json").read_text("utf-8"))
    (effect,) = document["evidence"]["improve"]["effects"]
    expected = cxframe_improve.action_effect(effected, "fix-web-checkout", host=everything()).to_json()
    assert {key: effect[key] for key in expected} == expected
    assert (effect["before"]["n"], effect["after"]["n"]) == (200, 200)
    assert effect["difference"] == pytest.approx(20.0) and effect["did"]["difference"] == pytest.approx(20.0)
    assert effect["did"]["control"] == ["app", "store"]
    assert effect["significant"] is True and effect["did_significant"] is True and effect["measured"] is True
    assert (effect["title"], effect["where"], effect["window_days"]) == (MARKUP, {"touchpoint": "web"}, 90)


def test_every_format_shows_the_effect_with_text_escaped(effected: Path) -> None:
    pages = rendered(effected)
    html, markdown = pages[".html"], pages[".md"]
    for page in (html, markdown):
        assert "Effect of finished actions" in page and "fix-web-checkout" in page
        assert "60.0 in the 90 days before, 80.0 in the 90 days from it; a change of +20.0" in page
        assert "Significant: better." in page and "53.1 … 66.5, n = 200" in page
        assert "<script>" not in page
    assert "Against the control (app, store): +20.0" in html and "&lt;script&gt;" in html
    assert r"Against the control \(app, store\): +20.0" in markdown  # Markdown escapes its punctuation
    document = json.loads(pages[".json"])
    (section,) = [s for s in document["sections"] if s["id"] == "improve"]
    assert section["content"]["parts"][-1]["heading"] == "Effect of finished actions"


def test_a_chinese_report_gives_the_effect_in_chinese(effected: Path) -> None:
    html = rendered(effected, lang="zh-CN")[".html"]
    assert "已完成改进措施的效果" in html and "差异显著：变好。" in html and "相对对照组（app, store）" in html


def test_no_effect_is_said_plainly_in_the_report(tmp_path: Path) -> None:
    from test_improve_effect import jump

    root = jump(tmp_path, after_web=0.6)
    api.assess(root, host=everything())
    markdown = rendered(root)[".md"]
    assert "a change of +0.0" in markdown
    assert "Not significant: no evidence that the metric moved." in markdown


def test_an_action_whose_effect_cannot_be_measured_says_why(tmp_path: Path) -> None:
    from test_improve_effect import ACTION, jump

    late = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    root = jump(tmp_path, actions=[{**ACTION, "done": late}])
    document = api.assess(root, host=everything())
    (effect,) = document["evidence"]["improve"]["effects"]
    assert effect["measured"] is False and "no answers for csat" in effect["reason"]
    assert str(root) not in effect["reason"]  # the report does not carry the machine's paths
    assert "fix-web-checkout (Fix the web checkout), done " in rendered(root)[".html"]


def test_the_effects_are_measured_once_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_improve_effect import jump

    from cxframe_improve import effect

    root = jump(tmp_path)
    calls = []
    measure = effect.measure_effect
    monkeypatch.setattr(effect, "measure_effect", lambda *a, **k: calls.append(1) or measure(*a, **k))
    document = api.assess(root, host=everything())
    assert len(calls) == 1 and document["evidence"]["improve"]["effects"][0]["measured"] is True


EFFECT = {
    "action": "fix-ivr",
    "title": "Fix the IVR",
    "done": "2026-03-01",
    "metric": "csat",
    "before": {"value": 70.0, "n": 40, "ci_low": 55.0, "ci_high": 82.0},
    "after": {"value": 72.5, "n": 40, "ci_low": 57.0, "ci_high": 84.0},
    "difference": 2.5,
    "ci_low": -17.0,
    "ci_high": 22.0,
    "p_value": 0.8,
    "did": None,
    "significant": False,
    "did_significant": None,
    "higher_is_better": True,
    "where": {},
    "window_days": 90,
    "confidence": 0.95,
    "flags": ["small_sample"],
    "measured": True,
}


def test_an_effect_that_is_not_significant_is_said_plainly_and_in_a_table() -> None:
    built = build({"effects": [EFFECT]})
    assert built is not None
    (part,) = built.parts
    assert part.heading == "Effect of finished actions"
    ((action, metric, before, after, change, did),) = part.rows
    assert (action.text, metric.text, before.text, after.text, did.text) == (
        ("fix-ivr",), ("csat",), ("70.0",), ("72.5",), ("—",)
    )  # fmt: skip
    assert (before.note, after.note) == ("55.0 … 82.0, n = 40", "57.0 … 84.0, n = 40")
    assert (change.text, change.note, change.tone) == (("+2.5",), "−17.0 … +22.0, p 0.800", None)
    (sentence,) = part.text
    assert "csat (all answers): 70.0 in the 90 days before, 72.5 in the 90 days from it" in sentence
    assert "Not significant: no evidence that the metric moved." in sentence
    assert "No control group" in sentence and "fewer answers than the minimum sample" in sentence


def test_a_significant_fall_of_a_metric_where_higher_is_better_is_worse() -> None:
    row = {**EFFECT, "difference": -12.0, "ci_low": -20.0, "ci_high": -4.0, "p_value": 0.002, "significant": True}
    built = build({"effects": [row]}, lang="zh-CN")
    assert built is not None
    assert "差异显著：变差。" in built.parts[0].text[0]
    assert built.parts[0].rows[0][4].tone == "bad"


@pytest.mark.parametrize(
    "effects",
    [
        "x",
        [1, None],
        [{"measured": False}],
        [{**EFFECT, "before": "x", "after": None, "did": {"control": "x"}, "flags": "x", "where": "x"}],
        [{**EFFECT, "difference": float("nan"), "confidence": "x", "window_days": 2.5}],
    ],
)
def test_the_effects_part_survives_evidence_of_any_shape(effects: Any) -> None:
    build({"effects": effects})
