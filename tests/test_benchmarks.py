"""The benchmark scripts still run (on a few hundred rows; no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_survey_ingest_benchmark_runs_on_a_small_file(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "survey_ingest.py"),
            "--rows",
            "300",
            "--folder",
            str(tmp_path / "data"),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    result = json.loads(out.read_text())
    assert result["reference"]["rows"] == 300
    assert result["ingest"]["rows"] == 300 and result["ingest"]["records_stored"] == 600
    assert result["measure"]["groups"] == result["measure"]["results"] > 0


@pytest.mark.slow
def test_journey_log_benchmark_runs_on_a_small_log(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "journey_log.py"),
            "--events",
            "300",
            "--cases",
            "30",
            "--skip-pm4py",
            "--folder",
            str(tmp_path / "data"),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    result = json.loads(out.read_text())
    assert "cxframe-load" in json.dumps(result)
