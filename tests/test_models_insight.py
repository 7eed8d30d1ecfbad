"""The ISO criteria that cxframe-insight's evidence feeds: predictive insight and the CX–KPI tie.

The verdicts read the evidence as the assessment document keeps it (plain
JSON), so they are checked here on evidence of every shape, without the plugin.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from cxframe.assess.models import iso_cx
from cxframe.contracts._maturity import Facts


def facts(insight: Any, objectives: list[Any] | None = None) -> Facts:
    programme = SimpleNamespace(document=SimpleNamespace(objectives=objectives or []))
    evidence = {} if insight is None else {"cxframe-insight": insight}
    return Facts(SimpleNamespace(programme=programme), evidence)


def churn(model: str, auc: Any) -> dict[str, Any]:
    return {"churn": {"model": model, "auc": auc, "customers": 900, "bands": {"high": 40, "medium": 100, "low": 760}}}


def test_a_validated_churn_model_is_predictive_insight() -> None:
    verdict = iso_cx.predictive_insight(facts(churn("logistic_regression", 0.74)))
    assert verdict is not None and verdict.met
    (line,) = verdict.evidence
    assert str(line) == (
        "a churn model (logistic_regression) validated on a time split: AUC 0.74; 900 customers scored, 40 at high risk"
    )


def test_a_model_near_chance_is_not() -> None:
    verdict = iso_cx.predictive_insight(facts(churn("logistic_regression", 0.55)))
    assert verdict is not None and not verdict.met
    assert "better than chance" in str(verdict.evidence[-1])


@pytest.mark.parametrize(
    "insight",
    [None, {}, {"churn": "x"}, churn("rules", None), churn("logistic_regression", None), churn("x", True)],
)
def test_rules_or_no_model_leave_it_to_the_question(insight: Any) -> None:
    assert iso_cx.predictive_insight(facts(insight)) is None


LINK = {
    "kpi": "retention",
    "metric": "nps",
    "customers": 400,
    "difference": {"between": ["promoters", "detractors"], "value": 0.31, "ci_low": 0.22, "ci_high": 0.4},
}


def test_a_measured_link_ties_the_metric_to_a_kpi() -> None:
    slope = {
        "kpi": "revenue",
        "metric": "nps",
        "customers": 90,
        "per_point": {"slope": 0.2, "ci_low": 0.1, "ci_high": 0.3},
    }
    bare = {"kpi": "cost", "metric": "nps", "customers": 12}
    verdict = iso_cx.kpi_linked(facts({"business": [LINK, slope, bare]}))
    assert verdict.met
    assert [str(line) for line in verdict.evidence] == [
        "retention measured against nps on 400 customers: promoters against detractors differ by +0.31 "
        "(+0.22 … +0.4), an association",
        "revenue measured against nps on 90 customers: +0.2 per point of nps (+0.1 … +0.3), an association",
        "cost measured against nps on 12 customers (cxframe-insight)",
    ]


@pytest.mark.parametrize(
    "business",
    [None, "x", [1], [{"kpi": "retention", "customers": 0}], [{"kpi": "x", "customers": 3, "problem": {}}]],
)
def test_no_measured_link_and_no_named_kpi_is_not_a_tie(business: Any) -> None:
    assert not iso_cx.kpi_linked(facts({"business": business})).met


def test_a_named_kpi_still_ties_them_and_a_measured_link_adds_to_it() -> None:
    objective = SimpleNamespace(id="nps-2026", metric="nps", business_kpi="attrition")
    verdict = iso_cx.kpi_linked(facts({"business": [LINK]}, [objective]))
    assert verdict.met and len(verdict.evidence) == 2 and str(verdict.evidence[0]) == "nps-2026: nps → attrition"
