"""The insight section of the report: drivers as importance × performance, churn bands, the business link.

Rendered in every format and both languages from the assessment document,
with customer ids escaped, and shown only to the roles that see them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_insight_drivers import DRIVERS, survey_rows

from cxframe import ReportContext, SectionContent, api, testing
from cxframe_insight import report

#: A customer id that is markup: the report must show it as text.
MARKUP = '<script>alert("x")</script>&*bold*'


def everything() -> Any:
    """Every installed plugin (the maturity models included), as `cxframe assess` runs."""
    return testing.plugin_host(entry_points=True)


def programme(folder: Path, rows: list[dict[str, Any]], facts: list[str] | None = None) -> Path:
    sources: list[dict[str, Any]] = [
        {
            "id": "survey",
            "collector": "survey-csv",
            "path": "survey.csv",
            "columns": {
                "response_id": "response_id",
                "respondent_id": "customer",
                "timestamp": "submitted",
                "questions": {"nps": "nps", **{name: name for name in DRIVERS}},
            },
            "options": {"scales": {name: [1, 5] for name in DRIVERS}},
        }
    ]
    if facts is not None:
        sources.append(
            {
                "id": "finance",
                "collector": "kpi-csv",
                "path": "facts.csv",
                "columns": {"customer_id": "customer", "timestamp": "date", "kpis": {"retention": "retained"}},
            }
        )
        (folder / "facts.csv").parent.mkdir(parents=True, exist_ok=True)
        (folder / "facts.csv").write_text("\n".join(["customer,date,retained", *facts]) + "\n", encoding="utf-8")
    root = testing.make_programme(folder, sources=sources)
    header = ["response_id", "customer", "submitted", "nps", *DRIVERS]
    lines = [",".join(header), *(",".join(str(row[h]) for h in header) for row in rows)]
    (root / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    collected = testing.invoke(["-C", str(root), "collect"], host=everything())
    assert collected.exit_code == 0, collected.output
    (root / "assessment.json").write_text(json.dumps(api.assess(root, host=everything())), "utf-8")
    return root


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = survey_rows(400)
    rows[0] |= {"customer": MARKUP, "nps": 1}
    # retention follows the answer: detractors leave more often
    facts = [f"{row['customer']},2026-06-30,{int(row['nps'] >= 7 or i % 3 == 0)}" for i, row in enumerate(rows)]
    return programme(tmp_path_factory.mktemp("report"), rows, facts)


def rendered(folder: Path, role: str = "cx-lead", lang: str = "en") -> dict[str, str]:
    written = api.report(folder, role=role, lang=lang, formats=["html", "markdown", "json"], host=everything())
    return {path.suffix: path.read_text("utf-8") for path in written}


def evidence_of(folder: Path) -> dict[str, Any]:
    document = json.loads((folder / "assessment.json").read_text("utf-8"))
    found: dict[str, Any] = document["evidence"]["insight"]
    return found


def test_the_evidence_holds_drivers_churn_bands_and_the_business_link(assessed: Path) -> None:
    found = evidence_of(assessed)
    assert found["metric"] == "nps"
    drivers = found["drivers"]
    assert [d["driver"] for d in drivers["drivers"]] == list(DRIVERS)  # the generator's order of weights
    assert drivers["resamples"] == report.REPORT_BOOTSTRAP and drivers["n"] == 400
    assert all(0 <= d["position"] <= 1 and d["ci_low"] <= d["importance"] <= d["ci_high"] for d in drivers["drivers"])
    churn = found["churn"]
    assert churn["model"] == "rules" and churn["auc"] is None
    assert sum(churn["bands"].values()) == churn["customers"] == 400
    assert MARKUP in [row["customer"] for row in churn["at_risk"]]
    assert len(churn["at_risk"]) <= report.AT_RISK
    (link,) = found["business"]
    assert link["kpi"] == "retention" and link["customers"] == 400
    groups = {g["group"]: g["kpi"] for g in link["groups"]}
    assert groups["promoters"] == 1.0 and groups["detractors"] < 0.5


def test_every_format_shows_the_section_with_the_chart_and_text_escaped(assessed: Path) -> None:
    pages = rendered(assessed)
    html, markdown = pages[".html"], pages[".md"]
    assert '<section id="insight"' in html and "<h2>Insight: what drives the experience</h2>" in html
    assert 'id="chart-insight-drivers"' in html and "speed: " in html  # the importance × performance chart, named dots
    assert "Importance × performance of the drivers of Net Promoter Score" in html
    assert "fix first" in html or "keep" in html
    assert "Churn early warning" in html and "Customers at highest risk" in html
    assert "retention and Net Promoter Score" in html and "An association, not cause" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "## Insight: what drives the experience" in markdown and "<script>" not in markdown
    assert "| **speed** |" in markdown and "### Churn early warning" in markdown
    document = json.loads(pages[".json"])
    (section,) = [s for s in document["sections"] if s["id"] == "insight"]
    assert section["after"] == "findings" and section["plugin"] == "cxframe-insight"
    headings = [part["heading"] for part in section["content"]["parts"]]
    assert headings == ["What drives Net Promoter Score", "Churn early warning", ""]


def test_the_executive_sees_counts_never_a_customer(assessed: Path) -> None:
    pages = rendered(assessed, role="executive")
    for page in (pages[".html"], pages[".md"]):
        assert "Churn early warning" in page and "at high risk" in page
        assert "Customers at highest risk" not in page and "alert(" not in page


def test_a_frontline_manager_sees_ten_customers(assessed: Path) -> None:
    markdown = rendered(assessed, role="frontline-manager")[".md"]
    table = markdown.split("### Customers at highest risk")[1].split("\n\n")[1]
    assert len(table.splitlines()) == 2 + 10 and "more" in markdown.split("### Customers at highest risk")[1]


def test_a_chinese_report_says_it_in_chinese(assessed: Path) -> None:
    html = rendered(assessed, lang="zh-CN")[".html"]
    assert "<h2>洞察：体验的驱动因素</h2>" in html and "流失预警" in html and "净推荐值" in html
    assert "这是关联而非因果" in html


def test_too_little_data_says_why_without_figures(tmp_path: Path) -> None:
    root = programme(tmp_path / "small", survey_rows(12))
    found = evidence_of(root)
    assert found["drivers"]["problem"]["code"] == "too_few" and "drivers" not in found["drivers"]
    assert "business" not in found  # no KPI facts, no link
    html = rendered(root)[".html"]
    assert "Too little data for key drivers: 12 complete responses, at least 30 are needed" in html
    assert 'id="chart-insight-drivers"' not in html and "retention and Net Promoter Score" not in html
    assert "数据不足，无法分析关键驱动因素" in rendered(root, lang="zh-CN")[".html"]


# --- the builder, on its own ---------------------------------------------------------------------------------

[SECTION] = report.SECTIONS


def build(evidence: Any, lang: str = "en", role: str = "cx-lead") -> SectionContent | None:
    context = ReportContext(
        {"evidence": {"insight": evidence}}, SECTION, plugin="cxframe-insight", lang=lang, role=role
    )
    built = SECTION.build(context)
    assert built is None or isinstance(built, SectionContent)
    return built


@pytest.mark.parametrize(
    "evidence",
    [
        None,
        [],
        {"drivers": "x", "churn": 3, "business": "x"},
        {"drivers": {"problem": "x"}, "churn": {"problem": {}}, "business": [1, {"problem": {}}]},
        {"drivers": {"drivers": [{"driver": None, "position": "x", "importance": float("nan")}, 4]}},
        {"churn": {"bands": [1], "customers": True, "at_risk": [{"reasons": "x"}, 1], "model": 3}},
        {"business": [{"groups": [{}], "difference": {"value": 1.0, "between": "x"}, "per_point": {"slope": "x"}}]},
    ],
)
def test_the_section_survives_evidence_of_any_shape(evidence: Any) -> None:
    for role in ("executive", "cx-lead"):
        build(evidence, role=role)


def test_nothing_reported_leaves_the_section_out() -> None:
    assert build({}) is None and build({"drivers": {}}) is None


def test_a_model_says_its_auc() -> None:
    built = build({"churn": {"model": "logistic_regression", "auc": 0.7812, "customers": 4, "bands": {"high": 1}}})
    assert built is not None
    (part,) = built.parts
    assert "AUC 0.78 (0.5 is chance" in part.text[1]
    assert [row[1].text for row in part.rows] == [("1",), ("0",), ("0",)]


def test_every_text_has_every_language_with_the_same_placeholders() -> None:
    fields = re.compile(r"{(\w+)}")
    for key, languages in report.TEXTS.items():
        assert set(languages) == {"en", "zh-CN"}, key
        assert set(fields.findall(languages["en"])) == set(fields.findall(languages["zh-CN"])), key


# --- the maturity criteria the evidence feeds ------------------------------------------------------------------


def criterion(folder: Path, criterion_id: str) -> dict[str, Any]:
    document = json.loads((folder / "assessment.json").read_text("utf-8"))
    found = [c for d in document["model"]["dimensions"] for c in d["criteria"] if c["id"] == criterion_id]
    assert len(found) == 1, criterion_id
    result: dict[str, Any] = found[0]
    return result


def test_a_measured_kpi_link_ties_the_metric_to_the_business(assessed: Path) -> None:
    # the programme's objectives name no business_kpi: the link measured on customers' facts is the tie
    kpi_link = criterion(assessed, "iso.measure.kpi-link")
    assert (kpi_link["status"], kpi_link["source"]) == ("met", "evidence")
    (line,) = kpi_link["evidence"]
    # three promoters only: no group difference, the change per point of NPS instead
    assert line.startswith("retention measured against nps on 400 customers: +0.00588 per point of nps (+0.00478 … ")


def test_rules_alone_leave_predictive_insight_to_the_question(assessed: Path) -> None:
    predictive = criterion(assessed, "iso.info.predictive")
    assert predictive["source"] != "evidence" and predictive["question"]


@pytest.mark.slow
def test_a_validated_churn_model_is_predictive_insight_and_says_its_auc(tmp_path: Path) -> None:
    from test_insight_churn_model import programme as labelled

    root = labelled(tmp_path, signal=True)
    document = api.assess(root, host=everything())
    (root / "assessment.json").write_text(json.dumps(document), "utf-8")
    churn = evidence_of(root)["churn"]
    assert churn["model"] == "logistic_regression" and churn["auc"] > 0.7
    predictive = criterion(root, "iso.info.predictive")
    assert (predictive["status"], predictive["source"]) == ("met", "evidence")
    assert predictive["evidence"][0].startswith("a churn model (logistic_regression) validated on a time split: AUC 0.")
    html = rendered(root)[".html"]
    assert "The risk comes from a logistic regression learnt on the churn labels" in html and "AUC 0." in html


def test_key_drivers_computed_on_the_data_are_known(assessed: Path) -> None:
    found = criterion(assessed, "iso.measure.drivers")
    assert (found["status"], found["source"]) == ("met", "evidence")
    drivers = evidence_of(assessed)["drivers"]
    assert drivers["min_r_squared"] == 0.2 and drivers["r_squared"] >= 0.2
    (line,) = found["evidence"]
    top = ", ".join(f"{d['driver']} ({d['share']:.0%})" for d in drivers["drivers"][:3])
    assert line == (
        f"key drivers of nps on {drivers['n']} complete responses: R² = {drivers['r_squared']:.2f} (bar 0.20); "
        f"top drivers: {top}"
    )


def test_key_drivers_below_the_programmes_bar_are_not_known(assessed: Path, tmp_path: Path) -> None:
    root = tmp_path / "strict"
    shutil.copytree(assessed, root)
    with (root / "cxframe.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[plugins.cxframe-insight]\ndrivers_min_r_squared = 0.99\n")
    (root / "assessment.json").write_text(json.dumps(api.assess(root, host=everything())), "utf-8")
    found = criterion(root, "iso.measure.drivers")
    assert found["status"] == "unmet"
    assert "(bar 0.99)" in found["evidence"][0] and found["evidence"][1].startswith("an R² of ")


def test_without_attribute_ratings_the_drivers_are_not_known(tmp_path: Path) -> None:
    rows = [{k: v for k, v in row.items() if k not in DRIVERS} for row in survey_rows(60)]
    root = testing.make_programme(
        tmp_path,
        sources=[
            {
                "id": "survey",
                "collector": "survey-csv",
                "path": "survey.csv",
                "columns": {
                    "response_id": "response_id",
                    "respondent_id": "customer",
                    "timestamp": "submitted",
                    "questions": {"nps": "nps"},
                },
            }
        ],
    )
    header = ["response_id", "customer", "submitted", "nps"]
    lines = [",".join(header), *(",".join(str(row[h]) for h in header) for row in rows)]
    (root / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert testing.invoke(["-C", str(root), "collect"], host=everything()).exit_code == 0
    (root / "assessment.json").write_text(json.dumps(api.assess(root, host=everything())), "utf-8")
    found = criterion(root, "iso.measure.drivers")
    assert found["status"] == "unmet"
    assert found["evidence"] == ["no attribute rating is answered with nps: nothing to compute its drivers from"]
