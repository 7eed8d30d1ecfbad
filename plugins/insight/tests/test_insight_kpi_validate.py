"""``cxframe validate`` reads a kpi-csv source's header and names every mapped column it lacks (new-user item 4)."""

from __future__ import annotations

from pathlib import Path

import cxframe_insight
from cxframe import testing


def test_validate_names_each_kpi_column_missing_from_the_header(tmp_path: Path) -> None:
    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {
                "id": "finance",
                "collector": "kpi-csv",
                "path": "facts.csv",
                "columns": {"customer_id": "customer", "timestamp": "date", "kpis": {"churned": "Churnd"}},
            }
        ],
    )
    (root / "facts.csv").write_text("customer,Date,Churned\nC1,2026-01-01,0\n", encoding="utf-8")
    result = testing.invoke(["-C", str(root), "validate"], host=testing.plugin_host(cxframe_insight))
    assert result.exit_code == 1
    problems = result.stderr + result.stdout
    assert (
        "sources[0].columns.timestamp: no column 'date' in facts.csv; did you mean 'Date'? "
        "its columns, closest first: Date," in problems
    )
    assert "sources[0].columns.kpis.churned: no column 'Churnd' in facts.csv; did you mean 'Churned'?" in problems
    assert "columns.customer_id" not in problems
    # with the header fixed, the programme is valid and the facts are collected
    (root / "facts.csv").write_text("customer,date,Churnd\nC1,2026-01-01,0\n", encoding="utf-8")
    result = testing.invoke(["-C", str(root), "validate"], host=testing.plugin_host(cxframe_insight))
    assert result.exit_code == 0, result.output
