"""Flags in the terminal tables: whole (never cut with an ellipsis), the effective n that decided small_sample, a legend."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import cxframe
import cxframe_nps
from cxframe import testing


def write(root: Path) -> None:
    """North: 31 answers with uneven weights (effective n below 30); south and east: 80 each, east's repeating."""
    rows = ["response_id,customer,submitted,region,weight,nps"]
    for i in range(31):
        rows.append(f"n{i},N{i},2026-0{1 + i % 2}-10,north,{1 if i % 2 else 3},{[10, 9, 7, 3, 0][i % 5]}")
    for region in ("south", "east"):
        for i in range(80):
            customer = f"{region[0].upper()}{i % 40 if region == 'east' else i}"
            rows.append(f"{region}{i},{customer},2026-0{1 + i % 2}-12,{region},1,{[10, 9, 8, 6, 2][i % 5]}")
    (root / "answers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture
def programme(tmp_path: Path) -> Path:
    root = testing.make_programme(
        tmp_path / "flags",
        sources=[
            {
                "id": "survey",
                "collector": "survey-csv",
                "path": "answers.csv",
                "columns": {
                    "response_id": "response_id",
                    "respondent_id": "customer",
                    "timestamp": "submitted",
                    "weight": "weight",
                    "segments": ["region"],
                    "questions": {"nps": "nps"},
                },
            }
        ],
    )
    write(root)
    result = run(root, "collect")
    assert result.exit_code == 0, result.output
    return root


def run(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=testing.plugin_host(cxframe_nps))


def test_small_sample_says_the_effective_n_that_decided_it(programme: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    found = json.loads(run(programme, "measure", "--metric", "nps", "--by", "region", "--json").stdout)
    north = next(row for row in found if row["segment"] == {"region": "north"})
    assert north["n"] == 31 and north["effective_n"] < 30 and "small_sample" in north["flags"]
    table = run(programme, "measure", "--metric", "nps", "--by", "region")
    assert table.exit_code == 0, table.output
    assert f"small_sample (effective n {north['effective_n']:.1f})" in table.stdout
    # the legend under the table: every flag shown, in words, and where to read more
    legend = table.stdout.split("flags:\n", 1)[1]
    assert "small_sample" in legend and "below the minimum sample" in legend
    assert "linearised_variance" in legend and "docs/surveys.md#flags" in legend


def test_json_keeps_its_shape_and_bare_flags(programme: Path) -> None:
    found = json.loads(run(programme, "measure", "--metric", "nps", "--by", "region", "--json").stdout)
    assert all(flag in cxframe.FLAG_MEANINGS for row in found for flag in row["flags"])
    assert not any("(" in flag for row in found for flag in row["flags"])


def test_compare_flags_are_never_cut_off(programme: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    for args in (("--compare", "region"), ("--compare", "period", "--period", "month", "--by", "region")):
        table = run(programme, "measure", "--metric", "nps", *args)
        assert table.exit_code == 0, table.output
        assert not re.search(r"[a-z_]…", table.stdout), table.stdout  # a flag word ending in an ellipsis
        rows = json.loads(run(programme, "measure", "--metric", "nps", *args, "--json").stdout)
        legend = table.stdout.split("flags:\n", 1)[1]
        for flag in {flag for row in rows for flag in row["flags"]}:
            assert re.search(rf"^  {flag} ", legend, re.MULTILINE), (flag, legend)


def test_flags_on_every_row_are_said_once_under_the_compare_table(programme: Path) -> None:
    table = run(programme, "measure", "--metric", "nps", "--compare", "region")
    rows = json.loads(run(programme, "measure", "--metric", "nps", "--compare", "region", "--json").stdout)
    common = [flag for flag in rows[0]["flags"] if all(flag in row["flags"] for row in rows)]
    assert common and f"every row: {', '.join(common)}" in table.stdout


def test_flag_label_and_legend() -> None:
    assert cxframe.flag_label("small_sample", n=31, effective_n=24.6) == "small_sample (effective n 24.6)"
    assert cxframe.flag_label("small_sample", n=12, effective_n=12.0) == "small_sample"
    assert cxframe.flag_label("repeat_respondents", repeat_respondents=3) == "repeat_respondents (3)"
    assert cxframe.flag_legend([]) == []
    lines = cxframe.flag_legend(["weighted", "odd_flag", "weighted"], meanings={"odd_flag": "a plugin's own"})
    assert lines[0] == "flags:" and len(lines) == 4 and "a plugin's own" in lines[2]
    assert cxframe.flag_legend(["suppressed"], skip=["suppressed"]) == []
