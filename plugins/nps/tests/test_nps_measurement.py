"""cxframe-nps: metrics declared in the programme file, and the measurement evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cxframe
import cxframe_nps
from cxframe import testing

SURVEY = {
    "id": "survey",
    "collector": "survey-csv",
    "path": "s.csv",
    "columns": {
        "response_id": "id",
        "timestamp": "when",
        "segments": ["region"],
        "questions": {"nps": "ltr", "resolved": "fcr", "wait": "wait_minutes"},
    },
    "options": {"scales": {"resolved": [0, 1]}},
}
DECLARED = [
    {"id": "fcr", "title": "First-contact resolution", "question": "resolved", "kind": "share", "values": [1]},
    {
        "id": "wait",
        "title": "Minutes waited",
        "question": "wait",
        "kind": "mean",
        "unit": "min",
        "higher_is_better": False,
    },
]


def programme(tmp_path: Path, metrics: list[dict] | None = None, **sections: object) -> Path:
    root = testing.make_programme(
        tmp_path / "p", sources=[SURVEY], plugins={"cxframe-nps": {"metrics": metrics or DECLARED}}, **sections
    )
    rows = ["id,when,region,ltr,fcr,wait_minutes"]
    # fcr: 3 of 4 resolved in north, 1 of 4 in south; waits 2,4,6,8 and 10,10,10,10
    for i, (region, fcr, wait) in enumerate(
        [
            *[("north", 1, 2), ("north", 1, 4), ("north", 1, 6), ("north", 0, 8)],
            *[("south", 1, 10), ("south", 0, 10), ("south", 0, 10), ("south", 0, 10)],
        ]
    ):
        rows.append(f"r{i},2026-04-0{1 + i % 7},{region},{9 if fcr else 5},{fcr},{wait}")
    (root / "s.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_declared_share_and_mean_metrics_are_computed(tmp_path: Path) -> None:
    root = programme(tmp_path)
    cxframe.collect(root, host=testing.plugin_host(cxframe_nps))
    results = cxframe.measure(root, ["fcr", "wait"], by=["region"], host=testing.plugin_host(cxframe_nps))
    found = {(r.metric, r.segment["region"]): r for r in results}
    assert found["fcr", "north"].value == pytest.approx(75.0)
    assert found["fcr", "south"].value == pytest.approx(25.0)
    assert found["wait", "north"].value == pytest.approx(5.0)
    assert found["wait", "south"].value == pytest.approx(10.0)
    assert found["wait", "south"].ci_low == pytest.approx(10.0)  # no spread, no width
    assert all("small_sample" in r.flags for r in results)


def test_an_invalid_declaration_is_reported_by_validate_with_its_path(tmp_path: Path) -> None:
    root = programme(tmp_path, metrics=[{"id": "x", "title": "X", "question": "q", "kind": "total"}])
    problems = "\n".join(cxframe.validate(root, host=testing.plugin_host(cxframe_nps)))
    assert "plugins.cxframe-nps.metrics[0].kind: expected one of 'share', 'mean', got 'total'" in problems
    root2 = programme(tmp_path / "b", metrics=[{"id": "x", "title": "X", "question": "q", "kind": "share"}])
    problems = "\n".join(cxframe.validate(root2, host=testing.plugin_host(cxframe_nps)))
    assert "plugins.cxframe-nps.metrics[0].values: a share needs the answers that count" in problems


def test_measurement_checks_report_the_evidence(tmp_path: Path) -> None:
    root = programme(
        tmp_path,
        objectives=[{"id": "o", "metric": "nps", "target": 10, "business_kpi": "churn"}],
        touchpoints=[{"id": "call", "name": "Call"}],
        journeys=[
            {
                "id": "support",
                "name": "Support",
                "stages": [
                    {"id": "ask", "name": "Ask", "touchpoints": ["call"], "measures": ["fcr"]},
                    {"id": "wait", "name": "Wait", "touchpoints": ["call"], "measures": ["ces"]},
                ],
            }
        ],
    )
    host = testing.plugin_host(cxframe_nps)
    cxframe.collect(root, host=host)
    result = testing.invoke(["-C", str(root), "check", "--json"], host=testing.plugin_host(cxframe_nps))
    checks = {r["check"]: r for r in json.loads(result.stdout)}
    assert checks["nps.stage-measures"]["status"] == "warn"
    assert "support/wait: ces (no data yet for ces)" in checks["nps.stage-measures"]["evidence"]
    assert "support/wait" in checks["nps.stage-measures"]["recommendation"]
    assert checks["nps.beyond-headline"]["status"] == "pass"
    assert checks["nps.segmented"]["status"] == "pass" and checks["nps.segmented"]["evidence"] == ["region: 2 values"]
    assert checks["nps.kpi-link"]["status"] == "pass" and checks["nps.kpi-link"]["evidence"] == ["o: nps → churn"]
    assert {r["plugin"] for r in checks.values()} == {"cxframe_nps"}


def test_without_data_the_checks_warn(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "empty")
    checks = {r.check: r for r in cxframe.check(root, host=testing.plugin_host(cxframe_nps))}
    assert {c.status.value for c in checks.values()} == {"warn"}
    assert checks["nps.stage-measures"].evidence == ("no journey stages are mapped",)
