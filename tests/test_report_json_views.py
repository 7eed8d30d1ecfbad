"""The JSON report for a reader: complete for the CX lead, what their reports show for anyone else (#25).

The executive's HTML and Markdown leave out verbatims and the plugins' lists of
customers; their ``assessment.executive.<lang>.json`` did not, so the same
document mailed as JSON named the at-risk customers and quoted comments. The
JSON reporter now applies the same `View` to the document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cxframe import api, testing
from cxframe.assessment._schema import DOCUMENT_SCHEMA
from cxframe.reporters import render_json
from cxframe.reporters._views import LIMITS, SECTION_LISTS, View, reader_document

pytest.importorskip("cxframe_insight")
pytest.importorskip("cxframe_nps")

#: customers ids and comment words that must not reach a reader who does not see them
CUSTOMER = "cust-"
COMMENT = "comment number"


def _programme(folder: Path) -> Path:
    root = testing.make_programme(
        folder,
        sources=[
            {
                "id": "survey",
                "collector": "survey-csv",
                "path": "survey.csv",
                "columns": {
                    "response_id": "rid",
                    "respondent_id": "customer",
                    "timestamp": "at",
                    "comment": "comment",
                    "questions": {"nps": "nps"},
                },
            }
        ],
    )
    lines = ["rid,customer,at,nps,comment"]
    lines += [f"r{i},{CUSTOMER}{i:03d},2026-03-{i % 28 + 1:02d}T10:00:00Z,{i % 11},{COMMENT} {i}" for i in range(60)]
    (root / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    host = testing.plugin_host(entry_points=True)
    for args in (["collect"], ["assess"]):
        result = testing.invoke(["-C", str(root), *args], host=host)
        assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _programme(tmp_path_factory.mktemp("views") / "p")


def _report(root: Path, role: str, lang: str = "en") -> tuple[dict[str, Any], str]:
    result = testing.invoke(["-C", str(root), "report", "--role", role, "--lang", lang], host=_host())
    assert result.exit_code == 0, result.output
    text = (root / "reports" / f"assessment.{role}.{lang}.json").read_text(encoding="utf-8")
    return json.loads(text), text


def _host() -> Any:
    return testing.plugin_host(entry_points=True)


def test_the_executive_json_has_counts_but_no_customer_ids_or_verbatims(assessed: Path) -> None:
    complete = json.loads((assessed / "reports" / "assessment.json").read_text(encoding="utf-8"))
    # the CX lead's document names them: the insight plugin's at-risk customers, the core's verbatims
    assert any(CUSTOMER in row["customer"] for row in complete["evidence"]["insight"]["churn"]["at_risk"])
    assert complete["verbatims"] and COMMENT in complete["verbatims"][0]["comment"]
    executive, text = _report(assessed, "executive")
    assert CUSTOMER not in text and COMMENT not in text
    assert executive["verbatims"] == [] and executive["evidence"] == {}
    left_out = executive["view"]["left_out"]
    assert left_out["verbatims"] == len(complete["verbatims"])
    assert left_out["evidence"] == sorted(complete["evidence"])
    assert left_out["findings"] == len(complete["findings"])  # the summary's count still reads from the JSON
    assert len(executive["actions"]) == LIMITS["executive"]["actions"]
    assert len(executive["actions"]) + left_out["actions"] == len(complete["actions"])
    # the counts the executive sees: the churn bands of the insight section, built for them
    (insight,) = [section for section in executive["sections"] if section["id"] == "insight"]
    churn = next(part for part in insight["content"]["parts"] if part["heading"] == "Churn early warning")
    assert "60 customers scored" in churn["text"][0]
    assert executive["metrics"] == complete["metrics"] and executive["model"] == complete["model"]
    jsonschema.validate(executive, DOCUMENT_SCHEMA)
    # the same document on standard output (`cxframe assess --json --role executive`)
    printed = api.report_document(assessed, complete, role="executive", host=_host())
    assert printed["evidence"] == {} and printed["verbatims"] == [] and CUSTOMER not in json.dumps(printed)


def test_the_analyst_json_is_unchanged(assessed: Path) -> None:
    complete = (assessed / "reports" / "assessment.json").read_text(encoding="utf-8")
    document = json.loads(complete)
    assert "left_out" not in document["view"]
    assert render_json(document) == complete  # the DESIGN §11 document, as it always was
    chinese, _ = _report(assessed, "cx-lead", "zh-CN")  # the CX lead in another language: complete too
    assert chinese["evidence"] == document["evidence"] and chinese["verbatims"] == document["verbatims"]
    assert "left_out" not in chinese["view"]


def test_a_frontline_manager_gets_what_their_reports_show(assessed: Path) -> None:
    complete = json.loads((assessed / "reports" / "assessment.json").read_text(encoding="utf-8"))
    frontline, _ = _report(assessed, "frontline-manager")
    view = View("frontline-manager")
    assert frontline["verbatims"] == complete["verbatims"]  # they act on customers' words
    assert frontline["findings"] == [] and frontline["evidence"] == {}
    assert frontline["actions"] == view.limit(view.actions(complete["actions"]), "actions")[0]
    assert frontline["checks"] == view.checks(complete["checks"], frontline["sections"])
    jsonschema.validate(frontline, DOCUMENT_SCHEMA)


def _document(role: str) -> dict[str, Any]:
    return {
        "view": {"role": role, "lang": "en"},
        "metrics": [{"metric": "nps"}],
        "trend": [],
        "objectives": [],
        "findings": [{"id": f"f{i}"} for i in range(7)],
        "actions": [{"id": f"a{i}", "touchpoint": "web" if i % 2 else None} for i in range(12)],
        "checks": [{"check": "c", "plugin": "cxframe-journey"}, {"check": "d", "plugin": "acme"}],
        "verbatims": [{"comment": "x"}],
        "questions": [{"criterion": "q"}],
        "evidence": {"insight": {"churn": {"at_risk": [{"customer": "c1"}]}}},
        "sections": [{"id": "journeys", "plugin": "cxframe-journey", "content": {}}],
    }


@pytest.mark.parametrize("role", ["executive", "cx-lead", "frontline-manager"])
def test_one_rule_the_views_and_idempotent(role: str) -> None:
    document = _document(role)
    shaped = reader_document(document)
    view = View(role)
    if view.complete:
        assert shaped is document  # nothing is copied or changed for the complete view
        return
    for section in SECTION_LISTS:
        rows = document[section] if view.shows(section) else []
        rows = view.actions(rows) if section == "actions" else rows
        rows = view.checks(rows, document["sections"]) if section == "checks" else rows
        assert shaped[section] == view.limit(rows, section)[0], section
        missing = len(document[section]) - len(shaped[section])
        assert shaped["view"]["left_out"].get(section, 0) == missing
    assert shaped["evidence"] == {} and shaped["view"]["left_out"]["evidence"] == ["insight"]
    assert reader_document(shaped) is shaped  # shaped once: the counts are not lost by shaping again
    assert document["evidence"]  # the stored document is not changed


def test_only_the_cx_lead_is_complete() -> None:
    assert [role for role in ("executive", "cx-lead", "frontline-manager") if View(role).complete] == ["cx-lead"]
