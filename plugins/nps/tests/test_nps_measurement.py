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
    # no spread: no interval rather than the point 10 … 10 (issue #23)
    assert found["wait", "south"].ci_low is None and found["wait", "south"].ci_high is None
    assert {"no_interval", "no_variance"} <= set(found["wait", "south"].flags)
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
    # whether every journey stage is measured is the journey plugin's check alone (one owner, one finding)
    assert "nps.stage-measures" not in checks
    assert checks["nps.beyond-headline"]["status"] == "pass"
    assert checks["nps.segmented"]["status"] == "pass" and checks["nps.segmented"]["evidence"] == ["region: 2 values"]
    assert checks["nps.kpi-link"]["status"] == "pass" and checks["nps.kpi-link"]["evidence"] == ["o: nps → churn"]
    assert {r["plugin"] for r in checks.values()} == {"cxframe_nps"}


def test_without_data_the_checks_warn(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "empty")
    checks = {r.check: r for r in cxframe.check(root, host=testing.plugin_host(cxframe_nps))}
    assert {c.status.value for c in checks.values()} == {"warn"}


def test_an_invalid_declaration_stops_measure_rather_than_dropping_the_plugins_metrics(tmp_path: Path) -> None:
    root = programme(tmp_path, metrics=[{"id": "x", "title": "X", "question": "q", "kind": "ratio"}])
    result = testing.invoke(["-C", str(root), "measure"], host=testing.plugin_host(cxframe_nps))
    assert result.exit_code == 1
    assert "plugins.cxframe-nps.metrics[0].kind: expected one of 'share', 'mean', got 'ratio'" in result.output
    assert "Traceback" not in result.output and "no results" not in result.output


@pytest.mark.parametrize("scale", [[5], [5, 1], ["1", "5"], [1, True]])
def test_a_bad_metric_scale_is_an_error_naming_the_key(tmp_path: Path, scale: list[object]) -> None:
    root = testing.make_programme(tmp_path / "p", sources=[SURVEY], plugins={"cxframe-nps": {"csat_scale": scale}})
    (root / "s.csv").write_text("id,when,region,ltr,fcr,wait_minutes\nr1,2026-04-01,north,9,1,2\n", encoding="utf-8")
    expected = "[plugins.cxframe-nps] csat_scale: expected [min, max], two numbers with min < max"
    assert any(expected in problem for problem in cxframe.validate(root, host=testing.plugin_host(cxframe_nps)))
    for command in (["collect"], ["measure"]):
        result = testing.invoke(["-C", str(root), *command], host=testing.plugin_host(cxframe_nps))
        assert result.exit_code == 1 and expected in result.output, command
        assert "Traceback" not in result.output


def test_a_source_scale_that_differs_from_its_metrics_is_an_error(tmp_path: Path) -> None:
    # answers 6 and 7 on a 1-7 csat would silently fall outside the 1-5 scale the csat metric reads
    survey = {**SURVEY, "columns": {**SURVEY["columns"], "questions": {"csat": "fcr"}}}  # type: ignore[dict-item]
    survey["options"] = {"scales": {"csat": [1, 7], "nps": [1, 10]}}
    root = testing.make_programme(tmp_path / "p", sources=[survey])
    (root / "s.csv").write_text("id,when,region,ltr,fcr,wait_minutes\nr1,2026-04-01,north,9,7,2\n", encoding="utf-8")
    problems = "\n".join(cxframe.validate(root, host=testing.plugin_host(cxframe_nps)))
    assert "options.scales.csat: 1–7 is not the 1–5 scale the csat metric reads" in problems
    assert "set csat_scale = [1, 7] in [plugins.cxframe-nps] instead" in problems
    assert "options.scales.nps: 1–10 is not the 0–10 scale the nps metric reads" in problems
    with pytest.raises(cxframe.InvalidInput, match="options.scales.csat"):
        cxframe.collect(root, host=testing.plugin_host(cxframe_nps))
    # set where the metric reads it, the scale is one for both, and every answer counts
    root2 = testing.make_programme(
        tmp_path / "q", sources=[{**survey, "options": {}}], plugins={"cxframe-nps": {"csat_scale": [1, 7]}}
    )
    rows = "".join(f"r{i},2026-04-01,north,9,{v},2\n" for i, v in enumerate([7, 6, 5, 4, 3]))
    (root2 / "s.csv").write_text("id,when,region,ltr,fcr,wait_minutes\n" + rows, encoding="utf-8")
    cxframe.collect(root2, host=testing.plugin_host(cxframe_nps))
    [result] = cxframe.measure(root2, ["csat"], host=testing.plugin_host(cxframe_nps))
    assert (result.value, result.n) == (pytest.approx(40.0), 5)


@pytest.mark.parametrize(
    ("columns", "options", "expected"),
    [
        ({"weight": 7}, {}, "columns.weight: expected the name of a column, got 7"),
        ({"questions": {"nps": ["ltr"]}}, {}, "columns.questions.nps: expected the name of a column, got ['ltr']"),
        ({}, {"timestamp_format": 5}, "options.timestamp_format: expected a text, got 5"),
    ],
)
def test_mapping_values_of_the_wrong_type_are_named(
    tmp_path: Path, columns: dict[str, object], options: dict[str, object], expected: str
) -> None:
    survey = {**SURVEY, "columns": {**SURVEY["columns"], **columns}, "options": options}  # type: ignore[dict-item]
    root = testing.make_programme(tmp_path / "p", sources=[survey])
    (root / "s.csv").write_text("id,when,region,ltr,fcr,wait_minutes\nr1,2026-04-01,north,9,1,2\n", encoding="utf-8")
    assert any(expected in p for p in cxframe.validate(root, host=testing.plugin_host(cxframe_nps)))
    result = testing.invoke(["-C", str(root), "collect"], host=testing.plugin_host(cxframe_nps))
    assert result.exit_code == 1 and expected in result.output and "Traceback" not in result.output


def test_a_metric_without_answers_says_what_it_reads_and_what_is_stored(tmp_path: Path) -> None:
    # eNPS answers collected from a source left at the default population ("customer")
    survey = {**SURVEY, "columns": {**SURVEY["columns"], "questions": {"enps": "ltr"}}, "options": {}}
    root = testing.make_programme(tmp_path / "p", sources=[survey])
    rows = "".join(f"r{i},2026-04-01,north,{i % 11},1,2\n" for i in range(40))
    (root / "s.csv").write_text("id,when,region,ltr,fcr,wait_minutes\n" + rows, encoding="utf-8")
    host = testing.plugin_host(cxframe_nps)
    cxframe.collect(root, host=host)
    result = testing.invoke(["-C", str(root), "measure", "--metric", "enps"], host=host)
    assert result.exit_code == 0
    assert "enps: no answers to question 'enps' from population 'employee'" in result.output
    assert "40 from population 'customer': set options.population" in result.output


def test_an_unknown_period_is_invalid_input(tmp_path: Path) -> None:
    root = programme(tmp_path)
    with pytest.raises(cxframe.InvalidInput, match="period: unknown period 'fortnight'"):
        cxframe.measure(root, ["fcr"], period="fortnight", host=testing.plugin_host(cxframe_nps))


@pytest.mark.parametrize(("scale", "answers", "easy"), [([1, 7], [4, 5, 7], 2 / 3), ([1, 5], [3, 4, 5], 2 / 3)])
def test_ces_easy_counts_the_answers_above_the_midpoint(
    tmp_path: Path, scale: list[int], answers: list[int], easy: float
) -> None:
    # on 1-5 the neutral 3 is not "easy" (it was, as one of the top three points)
    survey = {**SURVEY, "columns": {**SURVEY["columns"], "questions": {"ces": "fcr"}}, "options": {}}
    root = testing.make_programme(tmp_path / "p", sources=[survey], plugins={"cxframe-nps": {"ces_scale": scale}})
    rows = "".join(f"r{i},2026-04-01,north,9,{v},2\n" for i, v in enumerate(answers))
    (root / "s.csv").write_text("id,when,region,ltr,fcr,wait_minutes\n" + rows, encoding="utf-8")
    host = testing.plugin_host(cxframe_nps)
    cxframe.collect(root, host=host)
    [result] = cxframe.measure(root, ["ces_easy"], host=host)
    assert result.value == pytest.approx(100 * easy)


def test_changing_a_metric_scale_reads_the_sources_again(tmp_path: Path) -> None:
    # answers 6 and 7 are rejected on 1-5; with csat_scale = [1, 7] they count, so the source is read again
    survey = {**SURVEY, "columns": {**SURVEY["columns"], "questions": {"csat": "fcr"}}, "options": {}}
    rows = "".join(f"r{i},2026-04-01,north,9,{v},2\n" for i, v in enumerate([7, 6, 5, 4, 2]))
    host = testing.plugin_host(cxframe_nps)
    root = testing.make_programme(tmp_path / "p", sources=[survey])
    (root / "s.csv").write_text("id,when,region,ltr,fcr,wait_minutes\n" + rows, encoding="utf-8")
    cxframe.collect(root, host=host)
    [before] = cxframe.measure(root, ["csat"], host=host)
    assert (before.value, before.n) == (pytest.approx(100 * 2 / 3), 3)
    testing.make_programme(root, sources=[survey], plugins={"cxframe-nps": {"csat_scale": [1, 7]}})
    [summary] = cxframe.collect(root, host=host)
    assert not summary.unchanged and summary.records_replaced == 3
    [after] = cxframe.measure(root, ["csat"], host=host)
    assert (after.value, after.n) == (pytest.approx(40.0), 5)


def test_a_misspelt_setting_is_an_error_naming_it(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p", sources=[SURVEY], plugins={"cxframe-nps": {"csat_scal": [1, 7]}})
    problems = "\n".join(cxframe.validate(root, host=testing.plugin_host(cxframe_nps)))
    assert "[plugins.cxframe-nps] csat_scal: unknown setting (known: ces_scale, closed_loop, csat_scale, metrics)" in (
        problems
    )
