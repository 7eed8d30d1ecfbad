"""The ISO criteria that cxframe-insight's evidence feeds: predictive insight and the CX–KPI tie.

The verdicts read the evidence as the assessment document keeps it (plain
JSON), so they are checked here on evidence of every shape, without the plugin.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from cxframe.assessment.models import iso_cx
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


# --- iso.measure.drivers: are the key drivers known? ---------------------------------------------------------------

DRIVERS = {
    "n": 400,
    "incomplete": 3,
    "drivers_asked": 4,
    "needed": 40,
    "min_r_squared": 0.2,
    "r_squared": 0.46,
    "drivers": [
        {"driver": "speed", "importance": 0.2, "share": 0.43},
        {"driver": "staff", "importance": 0.14, "share": 0.3},
        {"driver": "clarity", "importance": 0.08, "share": 0.17},
        {"driver": "price", "importance": 0.04, "share": 0.1},
    ],
}


def drivers(**changed: Any) -> dict[str, Any]:
    return {"metric": "nps", "drivers": {**DRIVERS, **changed}}


def test_drivers_explaining_enough_of_the_metric_are_known_and_named() -> None:
    verdict = iso_cx.drivers_known(facts(drivers()))
    assert verdict is not None and verdict.met
    assert [str(line) for line in verdict.evidence] == [
        "key drivers of nps on 400 complete responses: R² = 0.46 (bar 0.20); top drivers: speed (43%), staff (30%), "
        "clarity (17%)"
    ]


def test_drivers_below_the_bar_are_not_known() -> None:
    verdict = iso_cx.drivers_known(facts(drivers(r_squared=0.12)))
    assert verdict is not None and not verdict.met
    assert str(verdict.evidence[0]).startswith("key drivers of nps on 400 complete responses: R² = 0.12 (bar 0.20)")
    assert str(verdict.evidence[1]) == ("an R² of 0.12 is below the bar of 0.20: the ratings explain too little of nps")
    # the programme's own bar decides (drivers_min_r_squared in [plugins.cxframe-insight])
    lowered = iso_cx.drivers_known(facts(drivers(r_squared=0.12, min_r_squared=0.1)))
    assert lowered is not None and lowered.met
    # evidence without a bar (an older document) is judged by the default
    (unbarred := drivers(r_squared=0.19))["drivers"].pop("min_r_squared")
    assert iso_cx.DRIVERS_R_SQUARED == 0.2
    judged = iso_cx.drivers_known(facts(unbarred))
    assert judged is not None and not judged.met


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ({"code": "too_few"}, "too few responses for the drivers of nps: 400 complete, 40 needed"),
        ({"code": "no_variance"}, "the drivers of nps cannot be computed: a rating has the same answer in all 400"),
        ({"code": "no_drivers"}, "no attribute rating is answered with nps: nothing to compute its drivers from"),
    ],
)
def test_drivers_without_figures_say_why(problem: dict[str, Any], expected: str) -> None:
    found = {k: v for k, v in DRIVERS.items() if k not in ("r_squared", "drivers")}
    verdict = iso_cx.drivers_known(facts({"metric": "nps", "drivers": {**found, "problem": problem}}))
    assert verdict is not None and not verdict.met
    assert str(verdict.evidence[0]).startswith(expected)


def test_no_metric_to_explain_is_not_known_and_without_the_plugin_the_question_decides() -> None:
    verdict = iso_cx.drivers_known(facts({"churn": {"model": "rules"}}))
    assert verdict is not None and not verdict.met
    assert str(verdict.evidence[0]).startswith("no survey metric to explain")
    assert iso_cx.drivers_known(facts(None)) is None
    no_rows = iso_cx.drivers_known(facts(drivers(drivers=[])))
    assert no_rows is not None and not no_rows.met
