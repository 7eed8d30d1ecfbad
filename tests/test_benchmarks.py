"""The benchmark scripts still run (on a few hundred rows; no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_benchmark(script: str, tmp_path: Path, *arguments: str) -> dict[str, Any]:
    """Run ``benchmarks/<script>`` with its data in ``tmp_path`` and return the results it writes."""
    out = tmp_path / "result.json"
    command = [sys.executable, str(ROOT / "benchmarks" / script), *arguments]
    subprocess.run([*command, "--folder", str(tmp_path / "data"), "--out", str(out)], check=True, capture_output=True)
    result: dict[str, Any] = json.loads(out.read_text())
    return result


@pytest.mark.slow
def test_survey_ingest_benchmark_runs_on_a_small_file(tmp_path: Path) -> None:
    result = run_benchmark("survey_ingest.py", tmp_path, "--rows", "300")
    assert result["reference"]["rows"] == 300
    assert result["ingest"]["rows"] == 300 and result["ingest"]["records_stored"] == 600
    assert result["measure"]["groups"] == result["measure"]["results"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["qualtrics", "surveymonkey"])
def test_survey_ingest_benchmark_runs_on_a_small_export(tmp_path: Path, layout: str) -> None:
    result = run_benchmark("survey_ingest.py", tmp_path, "--rows", "450", "--layout", layout)
    assert result["layout"] == layout
    # the reference reads every data row past the header rows; the ingest leaves out only the deliberate previews
    # and unfinished responses (Qualtrics), counted in its notes and not rejected, and stores the rest
    excluded = result["excluded_expected"]
    assert result["reference"]["rows"] == 450
    assert (sum(excluded.values()) > 0) == (layout == "qualtrics")
    ingest = result["ingest"]
    assert ingest["notes"] == excluded
    assert ingest["rows_rejected"] == 0
    assert ingest["rows"] == ingest["records_stored"] == 450 - sum(excluded.values())
    assert result["measure"]["groups"] == result["measure"]["results"] > 0


@pytest.mark.slow
def test_journey_log_benchmark_runs_on_a_small_log(tmp_path: Path) -> None:
    result = run_benchmark(
        "journey_log.py", tmp_path, "--events", "300", "--cases", "30", "--xes-events", "200", "--skip-pm4py"
    )
    assert result["cxframe-load"]["events"] == 300
    # the XES file: the first cases of the same log, cut to exactly 200 events, all collected
    assert result["cxframe-xes-load"]["events"] == 200
    assert result["cxframe-xes-load"]["rows_rejected"] == 0
    assert "pm4py-xes-load" not in result and "ratios" not in result


@pytest.mark.slow
def test_journey_log_benchmark_agrees_with_pm4py_on_a_small_log(tmp_path: Path) -> None:
    pytest.importorskip("pm4py")
    result = run_benchmark("journey_log.py", tmp_path, "--events", "400", "--cases", "40", "--xes-events", "300")
    assert result["cxframe-xes-load"]["events"] == result["pm4py-xes-load"]["events"] == 300
    expected = {"variants": True, "dfg": True}
    assert result["agree"] == result["agree-direct"] == result["agree-xes"] == expected
    assert set(result["ratios"]) == {
        "store collect+variants+dfg / pm4py load+variants+dfg",
        "no-store read+variants+dfg / pm4py load+variants+dfg",
        "xes collect / pm4py read_xes",
    }


@pytest.mark.slow
def test_interval_coverage_benchmark_runs_on_a_few_samples(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    script = ROOT / "benchmarks" / "interval_coverage.py"
    subprocess.run([sys.executable, str(script), "--samples", "20", "--out", str(out)], check=True, capture_output=True)
    result = json.loads(out.read_text())
    assert set(result["scenarios"]) == {"unrelated", "polarised", "repeat"}
    for methods in result["scenarios"].values():
        assert set(methods) == {"kish", "linearised", "linearised_clustered", "bootstrap", "bootstrap_clustered"}
        assert all(0 <= found["coverage"] <= 1 and found["mean_width"] > 0 for found in methods.values())


@pytest.mark.slow
def test_trend_coverage_benchmark_runs_with_a_few_repetitions(tmp_path: Path) -> None:
    result = run_benchmark("trend_coverage.py", tmp_path, "--reps", "20")
    assert len(result["scenarios"]) == 16
    for scenario in result["scenarios"]:
        for method in ("random_effects_wls", "modified_knapp_hartung", "fixed_effect_wls", "ols"):
            assert 0 <= scenario[method]["coverage"] <= 1
            assert ("false_positive" in scenario[method]) == (scenario["slope"] == 0)


@pytest.mark.slow
def test_text_tagging_benchmark_runs_on_a_few_comments(tmp_path: Path) -> None:
    result = run_benchmark("text_tagging.py", tmp_path, "--comments", "400")
    assert result["themes"] == 50
    assert result["tag"]["comments"] == result["mask"]["comments"] == 400
    assert 0 < result["tag"]["tagged_share"] < 1
    assert result["mask"]["masked"] == 20  # one comment in twenty carries a phone number or an e-mail address


def test_spark_benchmark_generates_the_same_store_every_time(tmp_path: Path) -> None:
    """The Spark benchmark's generated store is reproducible (its Spark steps are not run here: each starts a JVM)."""
    import importlib.util

    import cxframe

    spec = importlib.util.spec_from_file_location("spark_measure", ROOT / "benchmarks" / "spark_measure.py")
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    first = cxframe.measure(benchmark.generate(tmp_path / "a", 400), "nps", by=["region"], period="month")
    second = cxframe.measure(benchmark.generate(tmp_path / "b", 400), "nps", by=["region"], period="month")
    assert sum(result.n for result in first) == 400
    assert [(r.segment, r.period, r.n, r.value) for r in first] == [(r.segment, r.period, r.n, r.value) for r in second]
    assert len({r.segment["region"] for r in first}) == len(benchmark.REGIONS)


def test_loop_metrics_benchmark_runs_on_a_few_customers(tmp_path: Path) -> None:
    result = run_benchmark("loop_metrics.py", tmp_path, "--customers", "60")
    assert result["customers"] == 60 and result["edited_rows"] > 0
    assert result["import"]["output"].startswith(f"{result['edited_rows']} of ")
    assert result["import_again"]["output"].startswith("0 of ")
    assert all(step["seconds"] > 0 for key, step in result.items() if key.startswith("measure"))


def test_insight_benchmark_runs_on_a_small_programme(tmp_path: Path) -> None:
    pytest.importorskip("cxframe_insight")
    result = run_benchmark("insight.py", tmp_path, "--responses", "400", "--customers", "300", "--events", "3000")
    assert result["drivers"]["responses"] == 400 and len(result["drivers"]["order"]) == 12
    assert result["churn"]["customers_scored"] > 0 and result["churn"]["model"] in ("logistic_regression", "rules")
    assert result["customer"]["seconds"] > 0 and result["customer_rules"]["model"] == "rules"


def test_schema_floor_benchmark_writes_every_row_in_the_stores_own_tables() -> None:
    command = [sys.executable, str(ROOT / "benchmarks" / "schema_floor.py"), "--rows", "450"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    steps = [json.loads(line) for line in output.splitlines()]
    assert [(step["step"], step["rows"]) for step in steps] == [("survey", 450), ("events", 450)]
    assert all(step["seconds"] > 0 and step["cpu_seconds"] >= 0 for step in steps)


@pytest.mark.slow
def test_the_ways_of_summing_clusters_agree_on_a_small_store(tmp_path: Path) -> None:
    result = run_benchmark("cluster_ways.py", tmp_path, "--rows", "300", "--repeat", "1")
    assert result["answers"] == 300
    assert set(result["seconds"]) == {
        "bare",
        "carried",
        "noop_aggregate",
        "python_aggregate",
        "group_concat_arrow",
        "fetch_arrow",
    }
    assert result["agree"] is True


def test_the_ingest_line_count_leaves_out_blank_lines_comments_and_docstrings(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        '"""A module\n\nover lines."""\n\n# a comment\nSQL = (\n    "SELECT 1 "\n    "FROM t"\n)\n\n\n'
        'def f() -> int:\n    """Docstring."""\n    return 1  # why\n',
        encoding="utf-8",
    )
    command = [sys.executable, str(ROOT / "benchmarks" / "ingest_lines.py"), str(module)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    # SQL = ( … ) over four lines, def, return
    assert output.splitlines()[-1].split() == ["6", "total"]


def test_the_ingest_line_count_by_function_counts_methods_under_their_class(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        'class Reader:\n    """Docstring."""\n\n    def read(self) -> int:\n        # why\n        return 1\n\n\n'
        "def f() -> int:\n    return 2\n",
        encoding="utf-8",
    )
    command = [sys.executable, str(ROOT / "benchmarks" / "ingest_lines.py"), "--by-function", str(module)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()
    assert output[1].split() == ["5", "total"]
    assert [line.split() for line in output[2:]] == [
        ["3", "module.py:Reader"],
        ["2", "module.py:f"],
        ["2", "module.py:Reader.read"],
    ]
