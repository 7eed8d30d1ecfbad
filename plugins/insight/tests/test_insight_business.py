"""Experience to business: a KPI by NPS group and per NPS point, on generated customers with a known link."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import cxframe_insight
import cxframe_nps
from cxframe import InvalidInput, testing

#: Retention by group and revenue per NPS point that the generator sets.
RETENTION = {"detractors": 0.6, "passives": 0.8, "promoters": 0.9}
REVENUE_PER_POINT = 0.2


def programme(tmp_path: Path, *, customers: int = 3000, linked: bool = True, unmatched: int = 0) -> Path:
    rng = np.random.default_rng(11)
    survey = ["response_id,customer,submitted,nps"]
    facts = ["customer,date,retained,revenue"]
    for c in range(customers):
        # an older answer first: only the latest one counts
        survey.append(f"old{c},C{c},2025-01-01T00:00:00Z,{rng.integers(0, 11)}")
        answer = int(rng.integers(0, 11))
        survey.append(f"r{c},C{c},2025-06-01T00:00:00Z,{answer}")
        group = "promoters" if answer >= 9 else "passives" if answer >= 7 else "detractors"
        score = {"promoters": 100, "passives": 0, "detractors": -100}[group]
        retained = int(rng.uniform() < (RETENTION[group] if linked else 0.75))
        revenue = 100 + (REVENUE_PER_POINT * score if linked else 0) + rng.normal(0, 10)
        facts.append(f"C{c},2025-12-31,{retained},{revenue:.2f}")
    for extra in range(unmatched):
        facts.append(f"X{extra},2025-12-31,1,50")
    root = testing.make_programme(
        tmp_path / ("linked" if linked else "none"),
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
            },
            {
                "id": "finance",
                "collector": "kpi-csv",
                "path": "facts.csv",
                "columns": {
                    "customer_id": "customer",
                    "timestamp": "date",
                    "kpis": {"retention": "retained", "revenue": "revenue"},
                },
            },
        ],
    )
    (root / "survey.csv").write_text("\n".join(survey) + "\n", encoding="utf-8")
    (root / "facts.csv").write_text("\n".join(facts) + "\n", encoding="utf-8")
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    return root


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_insight)


def cli(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=host())


def business(root: Path, *args: str) -> dict[str, Any]:
    result = cli(root, "business", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_retention_by_nps_group_recovers_the_set_shares(tmp_path: Path) -> None:
    root = programme(tmp_path, unmatched=7)
    found = business(root, "--kpi", "retention")
    assert (found["kpi"], found["metric"], found["customers"], found["unmatched"]) == ("retention", "nps", 3000, 7)
    groups = {g["group"]: g for g in found["groups"]}
    assert [g["group"] for g in found["groups"]] == ["detractors", "passives", "promoters"]
    for name, share in RETENTION.items():
        assert groups[name]["ci_low"] <= share <= groups[name]["ci_high"]
    difference = found["difference"]
    assert difference["between"] == ["promoters", "detractors"]
    assert difference["ci_low"] <= 0.3 <= difference["ci_high"] and difference["p_value"] < 1e-6
    assert found["per_point"]["slope"] > 0
    assert "association, not cause" in found["caveat"]


def test_a_point_of_nps_is_worth_the_set_revenue(tmp_path: Path) -> None:
    found = business(programme(tmp_path), "--kpi", "revenue")
    per_point = found["per_point"]
    assert per_point["ci_low"] <= REVENUE_PER_POINT <= per_point["ci_high"]
    assert per_point["slope"] == pytest.approx(REVENUE_PER_POINT, abs=0.01)


def test_no_link_gives_no_significant_difference(tmp_path: Path) -> None:
    found = business(programme(tmp_path, linked=False, customers=1500), "--kpi", "revenue")
    assert found["per_point"]["ci_low"] <= 0 <= found["per_point"]["ci_high"]
    assert found["difference"]["p_value"] > 0.001


def test_the_table_says_it_is_an_association(tmp_path: Path) -> None:
    root = programme(tmp_path, customers=300, unmatched=2)
    result = cli(root, "business", "--kpi", "retention")
    assert result.exit_code == 0, result.output
    assert "promoters" in result.stdout and "per point of nps" in result.stdout
    assert "2 without an answer left out" in result.stdout
    assert "association, not cause" in result.stdout


def test_unknown_kpi_and_unmatched_customers_are_clear(tmp_path: Path) -> None:
    root = programme(tmp_path, customers=50)
    result = cli(root, "business", "--kpi", "profit")
    assert result.exit_code == 1
    assert "--kpi profit: no facts of this KPI in the store (known: retention, revenue)" in result.stderr
    result = cli(root, "business", "--kpi", "retention", "--metric", "loyalty")
    assert result.exit_code == 1 and "--metric loyalty: unknown metric" in result.stderr
    with pytest.raises(InvalidInput, match="answered 'csat'"):
        cxframe_insight.business_link(root, kpi="retention", metric="csat", host=host())
