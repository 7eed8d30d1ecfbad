"""The HTML reporter: self-contained, escaped, shaped by role and language, charts when there is data.

One realistic document is assessed once per module (a programme with a
year of monthly answers, a small maturity model with its own Chinese
texts), then given the journey and employee evidence the plugins report
(maps with emotions and pain points, a funnel, the EX ↔ CX link) with
hostile names in it. Each test renders a copy shaped the way it needs, with
the report sections the journey and employee plugins build from that
evidence (through the ``register_report_sections`` hook, as reports get them).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import sys
import types
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import cxframe.reporters
from cxframe import Criterion, Dimension, MaturityModel, Stage, Verdict, api, hookimpl, testing
from cxframe.host._registry import build_registry
from cxframe.reporters import _charts as charts
from cxframe.reporters import _html
from cxframe.reporters._i18n import CATALOG, LANGUAGES, text
from cxframe.reporters._sections import build_sections
from tests import acme_evidence, toy_plugin
from tests.conftest import write_answers

cxframe_journey = pytest.importorskip("cxframe_journey")
cxframe_employee = pytest.importorskip("cxframe_employee")

#: Every section in report order: the core's, with the journey and employee plugins' after the objectives.
ALL_SECTIONS = (
    "summary",
    "maturity",
    "criteria",
    "metrics",
    "trend",
    "objectives",
    "journeys",
    "funnel",
    "painpoints",
    "employee",
    "findings",
    "actions",
    "checks",
    "verbatims",
    "questions",
    "provenance",
)
SECTIONS: dict[str, tuple[str, ...]] = {
    "executive": ("summary", "maturity", "metrics", "trend", "objectives", "actions"),
    "cx-lead": ALL_SECTIONS,
    "frontline-manager": (
        "summary",
        "metrics",
        "journeys",
        "funnel",
        "painpoints",
        "employee",
        "actions",
        "checks",
        "verbatims",
    ),
}
PLUGIN_SECTIONS = {s.id: s for s in (*cxframe_journey.report.SECTIONS, *cxframe_employee.report.SECTIONS)}


def with_sections(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the journey and employee plugins' sections built for its view, as a report gets it."""
    host = testing.plugin_host(cxframe_journey, cxframe_employee)
    built = build_sections(document, build_registry(host).report_sections.registered(), host.failures)
    assert host.failures == []
    return {**document, "sections": built}


def render_html(document: dict[str, Any]) -> str:
    return _html.render_html(with_sections(document))


def section_ids(document: dict[str, Any]) -> list[str]:
    return list(_html.section_ids(with_sections(document)))


def section_heading(section: str, lang: str = "en") -> str:
    """A section's heading: the core's from its catalogue, a plugin's from its own translations."""
    if section in PLUGIN_SECTIONS:
        return PLUGIN_SECTIONS[section].title_in(lang)
    return text("section." + section, lang)


HOSTILE = "<script>alert(1)</script>"
TAGGED = "<b>&\"'"


MODEL = MaturityModel(
    id="acme-html",
    title="Acme CX maturity",
    dimensions=(
        Dimension("leadership", "Leadership and strategy", Stage.CONTEXT),
        Dimension("insight", "Customer insight and measurement", Stage.MEASURE),
    ),
    criteria=(
        Criterion(
            "acme.sponsor",
            "leadership",
            1,
            "A sponsor is named",
            acme_evidence.sponsor,
            recommendation="Name a sponsor.",
        ),
        Criterion(
            "acme.funding",
            "leadership",
            2,
            "CX alignment is a funding criterion",
            question="Is CX alignment a funding criterion for projects?",
            recommendation="Make CX alignment a funding criterion.",
        ),
        Criterion(
            "acme.data",
            "insight",
            1,
            "Survey data is collected",
            acme_evidence.has_data,
            recommendation="Collect data.",
        ),
        Criterion(
            "acme.journeys",
            "insight",
            2,
            "The main journeys are mapped",
            lambda facts: Verdict.no("no journey in the programme file") if not facts.programme.journeys else None,
            recommendation="Map the main journeys.",
        ),
        Criterion(
            "acme.drivers",
            "insight",
            2,
            "Key-driver analysis is run",
            question="Do you run key-driver analysis?",
            recommendation="Run a key-driver analysis.",
        ),
    ),
    translations={
        "zh-CN": {
            "title": "Acme 客户体验成熟度",
            "leadership": "领导力与战略",
            "insight": "客户洞察与测量",
            "acme.sponsor": "已指定发起人",
            "acme.funding": "客户体验一致性是立项资金的评判标准",
            "acme.funding.question": "客户体验一致性是否是项目资金的评判标准？",
            "acme.funding.recommendation": "将客户体验一致性纳入资金评判标准。",
            "acme.data": "已收集调查数据",
            "acme.drivers": "已开展关键驱动因素分析",
            "acme.journeys": "已绘制主要客户旅程",
            "acme.journeys.recommendation": "绘制主要客户旅程。",
            "acme.drivers.question": "是否开展关键驱动因素分析？",
            "acme.drivers.recommendation": "开展关键驱动因素分析。",
            "level.1": "初始",
            "level.2": "发展中",
            "level.3": "已定义",
            "level.4": "已管理",
            "level.5": "优化",
        }
    },
)


def _model_plugin() -> types.ModuleType:
    module = types.ModuleType("cxframe_acme_html_test")

    @hookimpl
    def register_assessments() -> list[object]:
        return [MODEL.assessment()]

    module.register_assessments = register_assessments  # type: ignore[attr-defined]
    sys.modules.setdefault(module.__name__, module)
    return module


def journey_evidence() -> dict[str, Any]:
    """What the journey plugin reports: maps with emotions and pain points, the funnel, the pain points."""
    stages = [
        ("discover", "Discover", ["web", "ads"], 1.0, [], ["Clear pricing page"], []),
        ("apply", "Apply online", ["web"], 0.5, ["Form asks for data twice"], [], ["First impression"]),
        (
            "verify",
            f"Verify ID {TAGGED}",
            ["branch", "app"],
            -1.5,
            ["Branch visit needed", "Wait 5 days"],
            [],
            ["ID check"],
        ),
        ("fund", "Fund the account", ["app"], None, [], ["Instant transfer"], []),
        ("use", "First use", ["app", "card"], 1.5, [], [], []),
        ("help", "Get help", ["contact-centre"], -0.5, ["Long hold times"], ["Call-back"], ["First call"]),
    ]
    return {
        "maps": [
            {
                "journey": "onboarding",
                "name": "Open a current account",
                "persona": "Young professional",
                "stages": [
                    {
                        "id": sid,
                        "name": name,
                        "touchpoints": touchpoints,
                        "emotion": emotion,
                        "emotion_note": "anxious" if emotion is not None and emotion < 0 else "",
                        "pain_points": pains,
                        "opportunities": opportunities,
                        "moments_of_truth": moments,
                    }
                    for sid, name, touchpoints, emotion, pains, opportunities, moments in stages
                ],
            }
        ],
        "funnel": [
            {
                "journey": "onboarding",
                "stage": "discover",
                "stage_name": "Discover",
                "cases": 4200,
                "conversion": None,
                "drop_off": None,
            },
            {
                "journey": "onboarding",
                "stage": "apply",
                "stage_name": "Apply online",
                "cases": 2650,
                "conversion": 0.631,
                "drop_off": 0.369,
            },
            {
                "journey": "onboarding",
                "stage": "verify",
                "stage_name": f"Verify ID {TAGGED}",
                "cases": 1710,
                "conversion": 0.645,
                "drop_off": 0.355,
            },
            {
                "journey": "onboarding",
                "stage": "fund",
                "stage_name": "Fund the account",
                "cases": 1490,
                "conversion": 0.871,
                "drop_off": 0.129,
            },
        ],
        "painpoints": [
            {
                "touchpoint": "branch",
                "name": f"Branch {TAGGED}",
                "evidence": ["mean score 4.1 over 212 answers", "18 % of volume"],
            },
            {"touchpoint": "contact-centre", "name": "Contact centre", "evidence": ["mean score 5.0 over 540 answers"]},
            {"touchpoint": "web", "name": "Website", "evidence": ["mean score 6.2"]},
            {"touchpoint": "app", "name": "Mobile app", "evidence": ["mean score 6.8"]},
        ],
    }


def employee_evidence() -> dict[str, Any]:
    """What the employee plugin reports: eNPS overall and by team, and the EX ↔ CX link with its team pairs."""
    teams = [
        ("North", 32.0, 41.0),
        ("South", 12.0, 22.0),
        ("East", -5.0, 8.0),
        ("West", 20.0, 35.0),
        (f"Team {TAGGED}", 45.0, 48.0),
        ("Central", 2.0, 18.0),
    ]
    enps = {
        "metric": "enps",
        "segment": {},
        "period": None,
        "value": 17.7,
        "n": 184,
        "ci_low": 6.2,
        "ci_high": 29.1,
        "confidence": 0.95,
        "flags": [],
    }
    return {
        "anonymity_threshold": 5,
        "enps": enps,
        "enps_by_team": [
            {**enps, "segment": {"team": team}, "value": x, "n": 30, "ci_low": x - 25, "ci_high": x + 25}
            for team, x, _ in teams
        ],
        "link": {
            "employee_metric": "enps",
            "customer_metric": "nps",
            "n_teams": len(teams),
            "r": 0.93,
            "ci_low": 0.49,
            "ci_high": 0.99,
            "confidence": 0.95,
            "statement": "Teams with a higher eNPS tend to have customers with a higher NPS (strong association).",
            "teams": [
                {"team": team, "employee_value": x, "employee_n": 30, "customer_value": y, "customer_n": 120}
                for team, x, y in teams
            ],
            "chart_svg": "<svg><script>alert('plugin svg')</script></svg>",
        },
    }


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real assessment of a programme with a year of answers, plus the plugins' journey and employee evidence."""
    root = testing.make_programme(
        tmp_path_factory.mktemp("html") / "programme",
        name=f"Retail banking {TAGGED}",
        context={"organisation": "Acme Bank", "scope": "retail customers", "sponsor": "Chief Customer Officer"},
        objectives=[
            {"id": "score-up", "metric": "mean_score", "target": 8, "deadline": "2027-01-01"},
            {"id": "score-floor", "metric": "mean_score", "target": 3, "deadline": "2026-12-31"},
        ],
        touchpoints=[{"id": "web", "name": "Website", "environment": "digital", "owner": "Digital"}],
        sources=[{"id": "answers", "collector": "toy-csv", "path": "answers.csv"}],
    )
    rows = []
    for month in range(1, 13):
        # a small sample in two months, so the trend marks them
        for k in range(1 if month in {4, 9} else 6):
            rows.append(
                (
                    f"r{month}-{k}",
                    "score",
                    str((month + k) % 10 + 1),
                    f"2025-{month:02d}-{k + 3:02d}T10:00:00Z",
                    "north",
                )
            )
    write_answers(root / "answers.csv", rows)
    host = testing.plugin_host(toy_plugin, _model_plugin(), cxframe.reporters)
    api.collect(root, host=host)
    with api.open_programme(root, host=host) as opened:
        opened.store.db.execute(
            "UPDATE responses SET comment = ? WHERE response_id = 'r1-0'", [f"{HOSTILE} the app crashed"]
        )
        opened.store.db.execute("UPDATE responses SET comment = 'Waited 40 minutes on hold' WHERE response_id = 'r2-0'")
        opened.store.db.conn.commit()
    assessed = api.assess(root, host=host, today=dt.date(2026, 1, 1))
    assessed["evidence"]["journey"] = journey_evidence()
    assessed["evidence"]["employee"] = employee_evidence()
    return assessed


def shaped(document: dict[str, Any], role: str = "cx-lead", lang: str = "en") -> dict[str, Any]:
    copied = copy.deepcopy(document)
    copied["view"] = {"role": role, "lang": lang}
    return copied


class _Page(HTMLParser):
    """Collects what a browser would fetch or run: tags, attributes, <style> text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def headings(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page, re.S)]


# --- self-contained and escaped ---------------------------------------------------------------


def test_the_page_is_self_contained(document):
    page = render_html(shaped(document))
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "xlink:href", "action", "srcset"):
            value = attrs.get(name)
            # the only source allowed: a plugin's SVG picture inlined as an image (static, no script runs in it)
            inline_picture = tag == "img" and name == "src" and str(value).startswith("data:image/svg+xml;base64,")
            assert value is None or value.startswith("#") or inline_picture, (
                f"<{tag} {name}={value!r}> would reach outside the page"
            )
        assert tag not in {"script", "link", "iframe", "object", "embed"}, f"<{tag}> in a self-contained page"
    css = "\n".join(parsed.styles)
    assert "url(" not in css and "@import" not in css
    # no address of anything to fetch anywhere, only the SVG namespace (a name, never fetched)
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {"http://www.w3.org/2000/svg"}


def test_respondent_and_plugin_text_is_escaped_everywhere_including_svg(document):
    page = render_html(shaped(document))
    assert "<script" not in page.lower()  # the report has no script of its own, so any would come from data
    assert "&lt;script&gt;alert(1)&lt;/script&gt; the app crashed" in page
    assert "<b>" not in page
    # the stage and team names reach tables and the SVG text, escaped both times
    escaped = "&lt;b&gt;&amp;&#34;&#39;"  # jinja2's escaping, in tables and headings
    assert page.count(escaped) >= 4
    svgs = "".join(re.findall(r"<svg.*?</svg>", page, re.S))
    # the charts' own escaping (html.escape): stage name in the emotion curve and funnel, team in the scatter
    assert svgs.count("&lt;b&gt;&amp;&quot;&#x27;") >= 3
    # the employee plugin's ready-made chart is never embedded
    assert "plugin svg" not in page
    assert "Retail banking &lt;b&gt;" in page


def test_autoescape_is_on_for_the_templates():
    from cxframe.reporters._html import _environment

    environment = _environment()
    assert environment.autoescape is True
    template = environment.from_string("{{ value }}")
    assert template.render(value=HOSTILE) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_every_svg_chart_is_well_formed_and_has_a_text_alternative(document):
    from xml.etree import ElementTree

    page = render_html(shaped(document))
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    # maturity, one trend, the emotion curve, the funnel, the scatter, each wide and narrow: no plugin SVG
    assert len(svgs) == 10
    for svg in svgs:
        root = ElementTree.fromstring(svg)  # parses: escaped text cannot break out of an element
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text
        assert root.get("role") == "img" and root.get("aria-labelledby")


# --- sections by role -------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(SECTIONS))
def test_each_role_sees_its_sections_in_order(document, role):
    page = render_html(shaped(document, role))
    shown = section_ids(shaped(document, role))
    assert list(shown) == [s for s in ALL_SECTIONS if s in shown]
    assert set(shown) <= set(SECTIONS[role])
    for section in ALL_SECTIONS:
        assert (f'<section id="{section}"' in page) is (section in shown)
    assert headings(page) == [section_heading(s) for s in shown]


def test_the_executive_sees_the_summary_and_charts_but_not_the_evidence(document):
    page = render_html(shaped(document, "executive"))
    shown = section_ids(shaped(document, "executive"))
    assert shown == ["summary", "maturity", "metrics", "trend", "objectives", "actions"]
    assert "the app crashed" not in page and "toy.has-data" not in page
    assert 'id="chart-maturity"' in page and 'id="chart-trend-0"' in page
    assert 'id="chart-emotion-0"' not in page


def test_the_cx_lead_sees_everything_with_the_journey_and_employee_charts(document):
    doc = shaped(document)
    assert section_ids(doc) == list(ALL_SECTIONS)
    page = render_html(doc)
    for chart in ("chart-maturity", "chart-trend-0", "chart-emotion-0", "chart-funnel-0", "chart-link"):
        assert f'id="{chart}"' in page
    assert "acme.funding" in page  # open questions
    assert "Long hold times" in page and "Young professional" in page


def test_the_frontline_manager_sees_journeys_teams_and_only_their_actions_and_checks(document):
    doc = shaped(document, "frontline-manager")
    extra = copy.deepcopy(doc["actions"][0])
    doc["actions"] = [
        {**extra, "id": "a-team", "title": "Coach the branch team", "touchpoint": "branch", "finding": "x"},
        {**extra, "id": "a-model", "title": "Write a CX strategy", "touchpoint": None, "finding": "maturity:x"},
    ]
    doc["checks"] = [
        {**doc["checks"][0], "check": "journey.owners", "plugin": "cxframe-journey"},  # as the host names it
        {**doc["checks"][0], "check": "toy.has-data", "plugin": "toy"},
    ]
    page = render_html(doc)
    assert section_ids(doc) == [
        "summary", "metrics", "journeys", "funnel", "painpoints", "employee", "actions", "checks", "verbatims",
    ]  # fmt: skip
    assert "Coach the branch team" in page and "Write a CX strategy" not in page
    assert "journey.owners" in page and "toy.has-data" not in page


@pytest.mark.parametrize(("role", "shown"), [("executive", 3), ("frontline-manager", 4), ("cx-lead", 4)])
def test_pain_points_are_limited_per_role(document, role, shown):
    doc = shaped(document, role)
    page = render_html(doc)
    names = ["Branch", "Contact centre", "Website", "Mobile app"]
    if role == "executive":  # an executive does not see the section at all
        assert '<section id="painpoints"' not in page
        return
    assert sum(f"<strong>{name}" in page for name in names) == shown


def test_long_lists_say_how_many_rows_were_left_out(document):
    doc = shaped(document, "executive")
    template = doc["actions"][0]
    doc["actions"] = [{**template, "id": f"a{i}", "title": f"Action number {i}"} for i in range(8)]
    page = render_html(doc)
    assert "Action number 4" in page and "Action number 5" not in page
    assert "… and 3 more" in page


# --- languages --------------------------------------------------------------------------------


def test_every_catalogue_key_has_every_language():
    missing = [f"{key} ({lang})" for key, entry in CATALOG.items() for lang in LANGUAGES if not entry.get(lang)]
    assert not missing
    # the same placeholders in every language, or a translation would fail to format
    for key, entry in CATALOG.items():
        names = {lang: set(re.findall(r"{(\w+)}", entry[lang])) for lang in LANGUAGES}
        assert len({frozenset(n) for n in names.values()}) == 1, key


@pytest.mark.parametrize("role", sorted(SECTIONS))
def test_a_chinese_report_has_chinese_headings_labels_and_chart_texts(document, role):
    page = render_html(shaped(document, role, "zh-CN"))
    assert '<html lang="zh-CN">' in page
    english = {section_heading(s) for s in ALL_SECTIONS}
    for heading in headings(page):
        assert heading not in english
        assert re.search(r"[\u4e00-\u9fff]", heading), heading
    for key in ("column.value", "chart.trend.value", "chart.maturity.axis"):
        assert CATALOG[key]["en"] not in re.findall(r">([^<>]+)<", page)
    assert "客户体验项目评估" in page
    if role == "cx-lead":
        assert "领导力与战略" in page and "尚未做到" in page  # the model's own texts, and a core finding retold
        assert "情绪曲线" in page and "员工体验与客户体验的关联" in page


def test_an_english_report_says_it_is_english(document):
    assert '<html lang="en">' in render_html(shaped(document))


# --- charts come and go with their data ---------------------------------------------------------


def test_sections_without_data_are_left_out_without_errors(document):
    doc = shaped(document)
    doc["evidence"] = {"journey": {"maps": [], "funnel": None}, "employee": {"link": {"error": "too few teams"}}}
    doc["trend"] = []
    doc["verbatims"] = []
    doc["questions"] = []
    page = render_html(doc)
    assert "<svg" in page  # maturity still has its chart
    for absent in ("chart-trend-0", "chart-emotion-0", "chart-funnel-0", "chart-link"):
        assert f'id="{absent}"' not in page
    for section in ("trend", "journeys", "funnel", "painpoints", "verbatims", "questions"):
        assert f'<section id="{section}"' not in page
    assert "too few teams" in page  # the employee section says why there is no link


def test_the_plugins_own_sentence_on_the_link_is_shown_only_where_it_adds_something(document):
    statement = employee_evidence()["link"]["statement"]
    assert statement in render_html(shaped(document))
    # in Chinese, the report's own translated sentence with r and its interval says it; the English one is left out
    chinese = render_html(shaped(document, lang="zh-CN"))
    assert statement not in chinese and "相关系数 r = 0.93" in chinese
    without_r = shaped(document, lang="zh-CN")
    without_r["evidence"]["employee"]["link"] |= {"r": None, "statement": "Only 3 teams: too few to say."}
    assert "Only 3 teams: too few to say." in render_html(without_r)


def test_a_document_with_no_evidence_and_no_model_dimensions_still_renders(document):
    doc = shaped(document)
    doc["evidence"] = {}
    doc["model"]["dimensions"] = []
    doc["trend"] = doc["metrics"] = doc["objectives"] = doc["findings"] = doc["actions"] = []
    page = render_html(doc)
    assert "<svg" not in page
    assert page.count(text("summary.none")) >= 4


def test_a_journey_without_emotions_shows_its_stages_but_no_curve(document):
    doc = shaped(document)
    for stage in doc["evidence"]["journey"]["maps"][0]["stages"]:
        stage["emotion"] = None
    page = render_html(doc)
    assert 'id="chart-emotion-0"' not in page and "Apply online" in page


def test_the_numbers_behind_the_charts_are_in_the_page(document):
    page = render_html(shaped(document))
    assert "<details>" in page
    assert re.search(r'<td class="num" data-label="[^"]+">4,200</td>', page) and "63.1 %" in page  # the funnel's table
    assert "2025-04" in page and "small sample" in page  # the trend's table marks the small month


def test_chart_builders_escape_text_and_handle_gaps():
    svg = charts.trend_chart(
        [
            charts.TrendPoint("2025-01", 10, 5, 15, 40),
            charts.TrendPoint("2025-02", None, None, None, 0),
            charts.TrendPoint("2025-03", 12, 2, 22, 3, small=True),
        ],
        chart_id='x"><script>',
        title=HOSTILE,
        desc="d",
        value_label="v",
        band_label="b",
        small_label="s",
    )
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert "<polyline" not in svg  # the gap splits the line into two lone points
    assert svg.count("<circle") == 3  # two points and the small-sample legend marker
    from xml.etree import ElementTree

    ElementTree.fromstring(svg)


def test_fit_shortens_long_labels_and_breaks_chinese_between_characters():
    assert charts.fit("Verify identity at the branch with two documents", 120, 13, lines=2)[-1].endswith("…")
    lines = charts.fit("身份验证需要到网点办理", 60, 13, lines=2)
    assert len(lines) == 2 and all(charts.text_width(line, 13) <= 60 for line in lines)


# --- the reporter as a plugin, through the CLI ----------------------------------------------------


def test_the_html_reporter_is_listed_under_the_core_reports_plugin():
    # through the installed entry points, the path every user's cxframe takes
    result = testing.invoke(["plugins", "--json"], host=testing.plugin_host(entry_points=True))
    assert result.exit_code == 0, result.output
    listed = {p["name"]: p for p in json.loads(result.output)}
    assert listed["cxframe:reports"]["reporters"] == ["json", "markdown", "html"]
    assert all("html" not in p["reporters"] for name, p in listed.items() if name != "cxframe:reports")


def test_cxframe_report_writes_the_html_file(document, tmp_path):
    host = testing.plugin_host(toy_plugin, _model_plugin(), cxframe.reporters)
    root = testing.make_programme(
        tmp_path / "p",
        context={"organisation": "Acme", "scope": "all", "sponsor": "CCO"},
        sources=[{"id": "answers", "collector": "toy-csv", "path": "answers.csv"}],
    )
    write_answers(root / "answers.csv", [("r1", "score", "7", "2026-01-05T10:00:00Z", "north")])
    result = testing.invoke(["-C", str(root), "assess", "--model", "acme-html", "--format", "html"], host=host)
    assert result.exit_code == 0, result.output
    page = (root / "reports" / "assessment.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Leadership and strategy" in page
    result = testing.invoke(
        ["-C", str(root), "report", "--role", "executive", "--lang", "zh-CN", "--format", "html"], host=host
    )
    assert result.exit_code == 0, result.output
    again = Path(root / "reports" / "assessment.executive.zh-CN.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in again and "领导力与战略" in again


def test_a_plugins_map_picture_is_shown_as_a_static_image(document):
    import base64
    import copy

    doc = copy.deepcopy(document)
    hostile = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><text>map</text></svg>'
    doc["evidence"]["journey"]["maps"][0]["svg"] = hostile
    page = render_html(shaped(doc))
    [source] = re.findall(r'<img src="(data:image/svg\+xml;base64,[^"]+)"', page)
    assert base64.b64decode(source.split(",", 1)[1]).decode() == hostile
    assert "<script>" not in page  # inside the image only, never in the page
    doc["evidence"]["journey"]["maps"][0]["svg"] = "javascript:alert(1)"
    assert "<img" not in render_html(shaped(doc))


LEAKED = re.compile(r"(?<![A-Za-z])(None|nan|NaN|null|undefined)(?![A-Za-z])")


def _page_text(page: str) -> str:
    """What a page shows as text, hidden or not: no style, no tags, entities decoded."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", " ", page, flags=re.S)))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ["executive", "cx-lead", "frontline-manager"])
def test_missing_values_never_show_as_none_nan_or_null(document, role, lang):
    """Issue #22: suppressed groups printed ``None``; a missing value (null, NaN) is a dash or a word."""
    from cxframe.reporters._markdown import render_markdown

    gappy = copy.deepcopy(document)
    gappy["view"] = {"role": role, "lang": lang}
    missing = {"value": None, "n": None, "ci_low": float("nan"), "ci_high": None, "flags": ["suppressed", None]}
    for row in gappy["metrics"][:1] + gappy["trend"][:2]:
        row.update(missing)
    gappy["metrics"].append({**gappy["metrics"][0], "metric": "hidden", "segment": {"team": None}, **missing})
    for objective in gappy["objectives"]:
        objective.update({**missing, "segment": {"region": None}, "status": None, "owner": None})
    gappy["evidence"]["employee"]["anonymity_threshold"] = None
    for team in gappy["evidence"]["employee"].get("enps_by_team", []):
        team.update(missing)
    for verbatim in gappy["verbatims"]:
        verbatim.update({"touchpoint": None, "channel": None, "scale_max": None, "timestamp": None})
    for action in gappy["actions"]:
        action.update({"owner": None, "due": None})
    with_them = with_sections(gappy)
    for shown in (_page_text(_html.render_html(with_them)), render_markdown(with_them)):
        assert [shown[max(0, m.start() - 50) : m.end() + 20] for m in LEAKED.finditer(shown)] == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ["executive", "cx-lead", "frontline-manager"])
def test_on_a_phone_every_table_row_is_a_card_with_labelled_values(document, role, lang):
    """Issue #22: at 390 px the objectives table hid Value and Status off-screen; rows become labelled cards."""
    page = render_html({**document, "view": {"role": role, "lang": lang}})
    cells = re.findall(r"<td[^>]*>", page)
    assert cells and [cell for cell in cells if 'data-label="' not in cell] == []
    if role != "frontline-manager":  # the objectives table: its value and status under their names
        assert f'data-label="{text("column.value", lang)}"' in page
        assert f'data-label="{text("column.status", lang)}"' in page
    narrow = page[page.index("@media (max-width: 600px)") :]
    assert "content: attr(data-label)" in narrow and "min-width: 0" in narrow
