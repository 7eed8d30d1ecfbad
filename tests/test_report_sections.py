"""Report sections from plugins (``register_report_sections``): the path an outside plugin takes into the report.

An outside plugin (`tests.inventory_plugin`, the example of "Writing a
plugin") adds a section; ``cxframe assess`` and ``cxframe report`` show it
in the HTML and Markdown reports of the roles it names and keep it in the
assessment document, its text escaped. Conflicting ids are errors naming both
plugins; a section that fails is its plugin's failure and the report is still
written. The core's reporters know no built-in plugin.
"""

from __future__ import annotations

import base64
import json
import re
import types
from pathlib import Path
from typing import Any

import pytest

import cxframe.reporters
from cxframe import (
    Cell,
    Column,
    CurveChart,
    CurvePoint,
    ReportContext,
    ReportSection,
    ScatterChart,
    ScatterPoint,
    SectionContent,
    StepBar,
    StepChart,
    hookimpl,
    testing,
)
from cxframe.contracts._sections import CORE_SECTIONS, section_json
from cxframe.host._registry import Registered, build_registry
from cxframe.reporters._html import render_html
from cxframe.reporters._markdown import render_markdown
from cxframe.reporters._sections import build_sections, place
from tests import acme_model, inventory_plugin, toy_plugin
from tests.conftest import write_answers

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script>"

DIGITAL = [{"id": f"d{i}", "name": f"Digital {i}", "environment": "digital", "owner": "Digital"} for i in range(7)]
TOUCHPOINTS = [
    {"id": "branch", "name": f"Branch {HOSTILE}", "environment": "physical", "owner": "Retail"},
    {"id": "phone", "name": "Phone line", "environment": "remote"},  # no owner
    *DIGITAL,
]


@pytest.fixture
def programme(tmp_path: Path) -> Path:
    root = testing.make_programme(
        tmp_path / "programme",
        context={"organisation": "Acme", "scope": "all customers", "sponsor": "CCO"},
        touchpoints=TOUCHPOINTS,
        sources=[{"id": "answers", "collector": "toy-csv", "path": "answers.csv"}],
    )
    write_answers(root / "answers.csv", [("r1", "score", "7", "2026-01-05T10:00:00Z", "north")])
    return root


def plugins(*extra: object) -> list[object]:
    return [toy_plugin, acme_model, cxframe.reporters, inventory_plugin, *extra]


def assess(programme: Path, *extra: object, args: tuple[str, ...] = ()) -> Any:
    host = testing.plugin_host(*plugins(*extra))
    return testing.invoke(["-C", str(programme), "assess", *args], host=host)


def report(programme: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(programme), "report", *args], host=testing.plugin_host(*plugins()))


def written(programme: Path, suffix: str, stem: str = "assessment") -> str:
    return (programme / "reports" / f"{stem}{suffix}").read_text(encoding="utf-8")


def section_order(page: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', page)


# --- an outside plugin's section, through the command line ----------------------------------------------------


# --8<-- [start:tutorial]
def test_the_section_is_in_the_reports_of_the_roles_it_names(tmp_path: Path) -> None:
    programme = testing.make_programme(
        tmp_path / "programme",
        touchpoints=[
            {"id": "web", "name": "Website <b>new</b>", "environment": "digital", "owner": "Digital"},
            {"id": "phone", "name": "Phone line", "environment": "remote"},
        ],
    )
    host = testing.plugin_host(inventory_plugin, entry_points=True)  # with cxframe's reporters and models
    result = testing.invoke(["-C", str(programme), "assess"], host=host)
    assert result.exit_code == 0, result.output
    html = (programme / "reports" / "assessment.html").read_text(encoding="utf-8")
    assert "<h2>Touchpoint inventory</h2>" in html and "Website &lt;b&gt;new&lt;/b&gt;" in html
    markdown = (programme / "reports" / "assessment.md").read_text(encoding="utf-8")
    assert "## Touchpoint inventory" in markdown and "1 of 2 touchpoints have no owner." in markdown

    host = testing.plugin_host(inventory_plugin, entry_points=True)  # a new host for each command
    result = testing.invoke(["-C", str(programme), "report", "--role", "executive", "--lang", "zh-CN"], host=host)
    assert result.exit_code == 0, result.output
    assert "触点清单" not in (programme / "reports" / "assessment.executive.zh-CN.html").read_text(encoding="utf-8")


# --8<-- [end:tutorial]


def test_an_outside_plugins_section_is_in_the_html_and_markdown_reports_escaped(programme):
    result = assess(programme)
    assert result.exit_code == 0, result.output
    page = written(programme, ".html")
    order = section_order(page)
    assert order[order.index("metrics") + 1] == "inventory"  # where it asked to be: after the metrics
    assert "<h2>Touchpoint inventory</h2>" in page
    assert "1 of 9 touchpoints have no owner." in page
    assert "<script" not in page.lower()
    assert "Branch &lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the phone line has no owner: in red
    assert re.search(r'<td class="tone-bad" data-label="[^"]+">nobody</td>', page)
    markdown = written(programme, ".md")
    assert "## Touchpoint inventory" in markdown and "### digital" in markdown
    assert "<script" not in markdown and "Branch &lt;script&gt;alert\\(1\\)&lt;/script&gt;" in markdown
    assert (
        markdown.index("## Key metrics") < markdown.index("## Touchpoint inventory") < markdown.index("## Objectives")
    )


def test_the_section_shows_for_the_roles_it_names_and_not_for_others(programme):
    assert assess(programme).exit_code == 0
    result = report(programme, "--role", "executive")
    assert result.exit_code == 0, result.output
    executive = "assessment.executive.en"
    assert "inventory" not in section_order(written(programme, ".html", executive))
    assert "Touchpoint inventory" not in written(programme, ".md", executive)
    result = report(programme, "--role", "frontline-manager")
    assert result.exit_code == 0, result.output
    frontline = "assessment.frontline-manager.en"
    page = written(programme, ".html", frontline)
    assert section_order(page)[:3] == ["summary", "metrics", "inventory"]
    # its own row limit for the frontline manager: 5 of the 7 digital touchpoints, and a word on the rest
    assert "Digital 4" in page and "Digital 5" not in page and "… and 2 more" in page
    markdown = written(programme, ".md", frontline)
    assert "Digital 5" not in markdown and "… and 2 more" in markdown


def test_the_section_is_rendered_again_in_another_language_without_re_running(programme):
    assert assess(programme).exit_code == 0
    runs = len(testing.read_table(programme, "runs"))
    result = report(programme, "--lang", "zh-CN")
    assert result.exit_code == 0, result.output
    page = written(programme, ".html", "assessment.cx-lead.zh-CN")
    assert "<h2>触点清单</h2>" in page and "9 个触点中有 1 个没有负责人。" in page and "无人负责" in page
    assert "## 触点清单" in written(programme, ".md", "assessment.cx-lead.zh-CN")
    assert len(testing.read_table(programme, "runs")) == runs  # nothing was run again


def test_the_assessment_document_keeps_the_section_for_its_view(programme):
    jsonschema = pytest.importorskip("jsonschema")
    from cxframe.assessment._schema import DOCUMENT_SCHEMA

    result = assess(programme, args=("--json",))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    [section] = document["sections"]
    assert section["id"] == "inventory" and section["plugin"] == "tests.inventory_plugin"
    assert section["roles"] == ["cx-lead", "frontline-manager"] and section["after"] == "metrics"
    assert section["content"]["text"] == ["1 of 9 touchpoints have no owner."]
    jsonschema.validate(document, DOCUMENT_SCHEMA)
    on_disk = json.loads(written(programme, ".json"))
    assert on_disk["sections"] == document["sections"]
    jsonschema.validate(on_disk, DOCUMENT_SCHEMA)
    # for another reader, the document holds the sections that reader sees, in their language
    executive = json.loads(assess(programme, args=("--json", "--role", "executive")).stdout)
    assert executive["view"]["role"] == "executive" and executive["sections"] == []
    chinese = json.loads(assess(programme, args=("--json", "--lang", "zh-CN")).stdout)
    assert chinese["sections"][0]["title"] == "触点清单"


# --- conflicts and failures ---------------------------------------------------------------------------------------


def _module(name: str, **hooks: object) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook, function in hooks.items():
        setattr(module, hook, hookimpl(function))
    return module


def _section(id: str, build: Any = lambda report: SectionContent(text="hello"), **kwargs: Any) -> ReportSection:
    return ReportSection(id, id.title(), ("cx-lead",), build, **kwargs)


def test_two_plugins_with_the_same_section_id_are_a_conflict_naming_both(programme):
    rival = _module("cxframe_rival", register_report_sections=lambda: [_section("inventory")])
    result = assess(programme, rival)
    assert result.exit_code == 1
    assert "report section id 'inventory' is registered by both cxframe_rival and tests.inventory_plugin" in (
        result.output
    )


def test_a_section_that_fails_is_its_plugins_failure_and_the_report_is_still_written(programme):
    def explode(report: ReportContext) -> SectionContent:
        raise RuntimeError("the section exploded")

    broken = _module("cxframe_broken", register_report_sections=lambda: [_section("broken", explode)])
    result = assess(programme, broken)
    assert result.exit_code == 0, result.output
    assert "plugin cxframe_broken: hook report section broken failed: RuntimeError: the section exploded" in (
        result.stderr
    )
    assert result.stderr.count("the section exploded") == 1  # once, though assess renders twice
    page = written(programme, ".html")
    assert "inventory" in section_order(page) and "broken" not in section_order(page)
    assert "the section exploded" in page  # provenance lists the failure
    assert "the section exploded" in written(programme, ".md")
    strict = assess(programme, broken, args=("--strict",))
    assert strict.exit_code == 3
    assert (programme / "reports" / "assessment.html").is_file()


def test_a_section_that_returns_something_else_is_its_plugins_failure(programme):
    odd = _module("cxframe_odd", register_report_sections=lambda: [_section("odd", lambda report: "<b>hi</b>")])
    result = assess(programme, odd)
    assert result.exit_code == 0
    assert "hook report section odd failed: TypeError: returned str, expected SectionContent or None" in result.stderr
    assert "<b>hi</b>" not in written(programme, ".html")


def test_a_section_that_cannot_be_built_at_registration_is_the_hooks_failure(programme):
    core = _module("cxframe_core_id", register_report_sections=lambda: [_section("summary")])
    result = assess(programme, core)
    assert result.exit_code == 0
    assert "plugin cxframe_core_id: hook register_report_sections failed" in result.stderr
    assert "one of the core's sections" in result.stderr


# --- the contracts ----------------------------------------------------------------------------------------------


def test_contracts_refuse_what_could_not_be_shown():
    with pytest.raises(ValueError, match="roles"):
        ReportSection("x", "X", ("boss",), lambda r: None)
    with pytest.raises(ValueError, match="roles"):
        ReportSection("x", "X", (), lambda r: None)
    with pytest.raises(ValueError, match="core's sections"):
        ReportSection("findings", "X", ("cx-lead",), lambda r: None)
    with pytest.raises(ValueError, match="without spaces"):
        ReportSection("my section", "X", ("cx-lead",), lambda r: None)
    with pytest.raises(ValueError, match="unknown role"):
        ReportSection("x", "X", ("cx-lead",), lambda r: None, limits={"boss": 3})
    with pytest.raises(ValueError, match=r"rows\[0\]: 1 cells for 2 columns"):
        SectionContent(columns=["a", "b"], rows=[("only one",)])
    with pytest.raises(ValueError, match="needs columns"):
        SectionContent(rows=[("a",)])
    with pytest.raises(TypeError, match="charts"):
        SectionContent(charts=["<svg/>"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="tone"):
        Cell("x", tone="loud")
    with pytest.raises(ValueError, match="finite"):
        ScatterPoint("a", float("nan"), 1.0)
    with pytest.raises(ValueError, match="three texts"):
        CurveChart(id="c", title="C", points=[], scale_labels=("low", "high"))


def test_cells_and_columns_are_made_from_plain_texts():
    content = SectionContent(columns=["Name", Column("n", numeric=True)], rows=[("a", ("x", "y"))])
    assert content.columns == (Column("Name"), Column("n", numeric=True))
    assert content.rows == ((Cell(("a",)), Cell(("x", "y"))),)
    assert SectionContent(text="one").text == ("one",) and SectionContent(text="").text == ()


def test_the_context_translates_limits_and_reads_the_plugins_evidence():
    section = ReportSection(
        "x",
        "Ex",
        ("cx-lead", "frontline-manager"),
        lambda r: None,
        limits={"frontline-manager": 2},
        translations={"en": {"hello": "Hello {name}"}, "zh-CN": {"x": "例", "hello": "你好 {name}"}},
    )
    document = {"evidence": {"acme": {"n": 1}, "other": "not a mapping"}}
    english = ReportContext(document, section, plugin="cxframe-acme")
    chinese = ReportContext(document, section, plugin="cxframe-acme", role="frontline-manager", lang="zh-CN")
    assert english.text("hello", name="A") == "Hello A" and chinese.text("hello", name="A") == "你好 A"
    assert chinese.text("missing", "fallback") == "fallback"
    with pytest.raises(KeyError, match="missing"):
        english.text("missing")
    assert english.evidence() == {"n": 1} and english.evidence("cxframe-other") == {}
    assert english.evidence("nowhere") == {}
    assert english.limit([1, 2, 3]) == ([1, 2, 3], 0) and chinese.limit([1, 2, 3]) == ([1, 2], 1)
    assert section.title_in("zh-CN") == "例" and section.title_in("fr") == "Ex"


def test_the_context_says_a_results_flags_in_words_as_the_core_does():
    """#22: a plugin's table showed ``linearised_variance`` in a zh-CN report; its own words come first."""
    section = ReportSection(
        "x", "Ex", ("cx-lead",), lambda r: None, translations={"en": {"flag.weighted": "reweighted"}}
    )
    english = ReportContext({}, section)
    chinese = ReportContext({}, section, lang="zh-CN")
    assert english.flag("repeat_respondents") == "repeat respondents"
    assert chinese.flag("linearised_variance") == "线性化方差" and chinese.flag("small_sample") == "样本量小"
    assert english.flag("weighted") == chinese.flag("weighted") == "reweighted"  # the section's own, in English
    assert chinese.flag("acme_flag") == "acme_flag"  # known to neither: as it is


# --- placing, charts and pictures ------------------------------------------------------------------------------


def _placed(*entries: tuple[str, ReportSection]) -> list[tuple[str, str]]:
    return [(entry.item.id, root) for entry, root in place(Registered(p, s) for p, s in entries)]


def test_sections_follow_their_place_then_plugin_name_then_their_plugins_order():
    assert _placed(
        ("cxframe-b", _section("b1")),
        ("cxframe-a", _section("a1")),
        ("cxframe-b", _section("b2")),
        ("cxframe-a", _section("late", after="checks")),
        ("cxframe-c", _section("c1", after="a1")),  # behind another plugin's section
        ("cxframe-c", _section("lost", after="nowhere")),  # its place is not installed: after objectives
        ("cxframe-c", _section("p", after="q")),  # a circle: both after objectives
        ("cxframe-c", _section("q", after="p")),
    ) == [
        ("a1", "objectives"),
        ("c1", "objectives"),
        ("b1", "objectives"),
        ("b2", "objectives"),
        ("lost", "objectives"),
        ("p", "objectives"),
        ("q", "objectives"),
        ("late", "checks"),
    ]


def _document(**sections: Any) -> dict[str, Any]:
    """A small assessment document with plugin sections, as a reporter gets it."""
    return {
        "kind": "cxframe.assessment",
        "version": 2,
        "generated_at": "2026-01-01T00:00:00+00:00",
        "cxframe_version": "0",
        "view": {"role": "cx-lead", "lang": "en"},
        "run": {"id": 1, "plugins": [], "inputs": {}, "plugin_failures": []},
        "programme": {"name": "P", "organisation": "", "scope": "", "sponsor": None, "strategy": ""},
        "stages": [],
        "model": {
            "id": "m",
            "title": "M",
            "description": "",
            "levels": list("abcde"),
            "dimensions": [],
            "translations": {},
        },
        "metrics": [],
        "trend": [],
        "objectives": [],
        "checks": [],
        "findings": [],
        "actions": [],
        "questions": [],
        "answers_file": None,
        "verbatims": [],
        "evidence": {},
        "sections": [
            section_json(_section(id), "cxframe-acme", content, lang="en", after="objectives")
            for id, content in sections.items()
        ],
    }


def test_a_plugins_charts_are_drawn_by_the_core_inline_and_escaped():
    content = SectionContent(
        charts=[
            CurveChart(id="mood", title=f"Mood {HOSTILE}", points=[CurvePoint(HOSTILE, -1.0, 2), CurvePoint("b", 1.5)]),
            StepChart(id="steps", title="Steps", steps=[StepBar("one", 100), StepBar("two", 40, 0.4, 0.6)]),
            ScatterChart(id="dots", title="Dots", points=[ScatterPoint("x", 1, 2), ScatterPoint("y", 2, 3)]),
        ]
    )
    page = render_html(_document(charts=content))
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 6  # each chart for a wide and a narrow page
    for chart in ("mood", "steps", "dots"):
        assert f'id="chart-{chart}"' in page and f'id="chart-{chart}-narrow"' in page
    assert "<script" not in page and "&lt;script&gt;" in "".join(svgs)
    from xml.etree import ElementTree

    for svg in svgs:
        ElementTree.fromstring(svg)


def test_a_chart_id_already_in_the_page_is_made_unique():
    chart = ScatterChart(id="maturity", title="Dots", points=[ScatterPoint("x", 1, 2), ScatterPoint("y", 2, 3)])
    document = _document(one=SectionContent(charts=[chart]), two=SectionContent(charts=[chart]))
    document["model"]["dimensions"] = [
        {"id": "d", "title": "D", "stage": None, "level": 1, "score": 1.5, "criteria": []}
    ]
    page = render_html(document)
    ids = re.findall(r'<svg[^>]* id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 6
    assert {"chart-maturity", "chart-maturity-2", "chart-maturity-3"} <= set(ids)


def test_a_plugins_own_svg_is_only_ever_an_image():
    drawing = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><text>map</text></svg>'
    page = render_html(_document(picture=SectionContent(svg=drawing, svg_alt=f"A map {HOSTILE}")))
    [source] = re.findall(r'<img src="(data:image/svg\+xml;base64,[^"]+)"', page)
    assert base64.b64decode(source.split(",", 1)[1]).decode() == drawing
    assert "<script" not in page and 'alt="A map &lt;script&gt;' in page
    assert "<img" not in render_html(_document(picture=SectionContent(svg="javascript:alert(1)")))
    assert "data:image" not in render_markdown(_document(picture=SectionContent(svg=drawing)))


def test_every_text_of_a_section_is_escaped_in_html_and_markdown():
    content = SectionContent(
        heading=HOSTILE,
        text=HOSTILE,
        columns=[Column(HOSTILE, strong=True), HOSTILE],
        rows=[(HOSTILE, Cell(HOSTILE, note=HOSTILE, tone="good"))],
        caption=HOSTILE,
        notes=HOSTILE,
        parts=[SectionContent(heading=f"[link]({HOSTILE})", text="*not bold* | `code`")],
    )
    document = _document(hostile=content)
    document["sections"][0]["title"] = HOSTILE
    page = render_html(document)
    assert "<script" not in page and page.count("&lt;script&gt;") >= 8
    markdown = render_markdown(document)
    assert "<script" not in markdown and markdown.count("&lt;script&gt;") >= 8
    assert "](" not in markdown and "\\*not bold\\* \\| \\`code\\`" in markdown


def test_a_document_section_of_any_shape_does_not_break_the_reports():
    document = _document(fine=SectionContent(text="still here"))
    document["sections"] += [
        "nonsense",
        {"id": "no-content"},
        {"id": "bad", "roles": ["cx-lead"], "after": "nowhere", "content": {"rows": [[1, 2]], "columns": "x"}},
        {
            "id": "odd",
            "roles": ["cx-lead"],
            "content": {"rows": 5, "columns": [{}], "text": 3, "more": "x", "parts": 1},
        },
        {"id": "charts", "roles": ["cx-lead"], "content": {"charts": [{"kind": "curve", "points": [{"value": "x"}]}]}},
        {"id": "steps", "roles": ["cx-lead"], "content": {"charts": [{"kind": "steps", "steps": [{"count": -1}]}]}},
        {"id": "summary", "roles": ["cx-lead"], "content": {}},  # a core section's id is never a plugin's
    ]
    page = render_html(document)
    assert "still here" in page and section_order(page).count("summary") == 1
    assert "still here" in render_markdown(document)


def test_sections_are_built_for_the_documents_reader():
    host = testing.plugin_host(inventory_plugin)
    registered = build_registry(host).report_sections.registered()
    touchpoints = [{"name": "Web", "environment": "digital", "owner": ""}]
    document = {**_document(), "evidence": {"tests.inventory_plugin": {"touchpoints": touchpoints}}}
    [built] = build_sections(document, registered, host.failures)
    assert built["title"] == "Touchpoint inventory" and built["content"]["parts"][0]["heading"] == "digital"
    executive = {**document, "view": {"role": "executive", "lang": "en"}}
    assert build_sections(executive, registered, host.failures) == []
    assert host.failures == []


# --- the core knows no built-in plugin --------------------------------------------------------------------------

PLUGIN_WORDS = re.compile(r"journey|funnel|pain ?points?|employee|enps", re.IGNORECASE)


def test_the_core_reporters_name_no_built_in_plugin_concept():
    folder = ROOT / "cxframe" / "reporters"
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix in {".py", ".j2", ".css"}]
    assert {p.name for p in files} >= {"_html.py", "_markdown.py", "_views.py", "_i18n.py", "sections.html.j2"}
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PLUGIN_WORDS.search(line)
    ]
    assert found == [], "the core's reporters name a built-in plugin's concept:\n" + "\n".join(found)


def test_core_section_ids_are_the_reporters_own():
    from cxframe.reporters._views import ALL_SECTIONS, SECTIONS

    assert ALL_SECTIONS == CORE_SECTIONS
    assert all(set(shown) <= set(CORE_SECTIONS) for shown in SECTIONS.values())


# --- the tutorial on the docs page says what the code does ------------------------------------------------------


def _tutorial() -> str:
    text = (ROOT / "docs" / "writing-a-plugin.md").read_text(encoding="utf-8")
    return text.split("## A report section", 1)[1].split("\n## ", 1)[0]


def test_the_tutorial_includes_the_tested_example_files():
    included = re.findall(r'--8<-- "([^":]+):([\w-]+)"', _tutorial())
    assert {name for _, name in included} == {"evidence", "build", "register", "tutorial"}
    for path, name in included:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert f"# --8<-- [start:{name}]" in source and f"# --8<-- [end:{name}]" in source, (path, name)


def test_the_tutorials_json_is_the_sections_shape(programme):
    [shown] = [json.loads(body) for body in re.findall(r"```json\n(.*?)```", _tutorial(), re.S)]
    result = testing.invoke(["-C", str(programme), "assess", "--json"], host=testing.plugin_host(*plugins()))
    [real] = json.loads(result.stdout)["sections"]
    assert set(shown) == set(real) and set(shown["content"]) == set(real["content"])
    assert {k: shown[k] for k in ("id", "title", "roles", "after")} == {
        k: real[k] for k in ("id", "title", "roles", "after")
    }
    assert shown["plugin"] == "cxframe-inventory"  # installed, a plugin is named after its distribution
    assert shown["content"]["parts"][0]["heading"] == "digital"
    assert shown["content"]["parts"][0]["columns"][0] == real["content"]["parts"][0]["columns"][0]
