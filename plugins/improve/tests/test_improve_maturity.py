"""The loop feeds the maturity models: ``iso.improve.inner-loop`` is decided from the cases closed within SLA.

End to end: a programme with loop rules is collected, its cases are closed
by hand at chosen times, and ``cxframe assess`` (the Python API) judges the
criterion from the plugin's evidence (``loop.within_sla_by_metric``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from test_improve_loop import NOW, cli, programme
from test_improve_metrics import CLOSINGS, ROWS, RULES

import cxframe.assessment.models
import cxframe_improve
import cxframe_nps
from cxframe import api, testing

CASES_SOURCE = "decided from the improve plugin's closed-loop cases (loop_within_sla, per followed metric)"


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_improve, cxframe.assessment.models)


def loop_programme(tmp_path: Path, rules: list[dict[str, Any]], min_sample: int) -> Path:
    root = programme(tmp_path, rules=rules, rows=ROWS)
    with (root / "cxframe.toml").open("a", encoding="utf-8") as file:
        file.write(f"\n[settings]\nmin_sample = {min_sample}\n")
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    return root


def criteria(root: Path, model: str = "iso-cx") -> dict[str, dict[str, Any]]:
    document = api.assess(root, model=model, host=host())
    return {c["id"]: c for d in document["model"]["dimensions"] for c in d["criteria"]}


def test_the_cases_closed_within_sla_decide_the_inner_loop(tmp_path: Path) -> None:
    # five cases closed or past due, two of them within the 48-hour SLA (test_improve_metrics counts them by hand)
    root = loop_programme(tmp_path, RULES, min_sample=5)
    for case, status, hours_ago in CLOSINGS:
        cxframe_improve.update_case(root, case, status, now=NOW - dt.timedelta(hours=hours_ago), host=host())
    document = api.assess(root, host=host())
    (row,) = document["evidence"]["improve"]["loop"]["within_sla_by_metric"]
    assert (row["followed"], row["sla_hours"], row["n"], row["value"]) == ("nps", 48.0, 5, 40.0)
    assert row["ci_low"] is not None and row["ci_low"] < 40.0 < row["ci_high"]
    judged = {c["id"]: c for d in document["model"]["dimensions"] for c in d["criteria"]}
    loop = judged["iso.improve.inner-loop"]
    assert (loop["status"], loop["source"]) == ("unmet", "evidence")
    assert loop["evidence"][0].startswith("40.0% of 5 nps loop cases were closed within their 48 h SLA (95% interval ")
    assert loop["evidence"][-1] == CASES_SOURCE
    # the cx-2030 model reuses the criterion; its 24-hour follow-up cannot be met by a 48-hour SLA
    cx = criteria(root, "cx-2030")
    assert cx["cx2030.adaptability.inner-loop"]["evidence"] == loop["evidence"]
    assert "an SLA of 48 h, longer than the 24 h asked" in cx["cx2030.speed.follow-up"]["evidence"][0]


def test_every_case_closed_in_time_meets_it(tmp_path: Path) -> None:
    root = loop_programme(tmp_path, RULES, min_sample=5)
    for case, hours_ago in [(1, 190), (2, 190), (3, 140), (4, 140), (5, 90), (6, 5)]:
        cxframe_improve.update_case(root, case, "resolved", now=NOW - dt.timedelta(hours=hours_ago), host=host())
    loop = criteria(root)["iso.improve.inner-loop"]
    assert loop["status"] == "met", loop["evidence"]
    assert loop["evidence"][0].startswith("100.0% of 6 nps loop cases were closed within their 48 h SLA")


def test_a_72_hour_sla_cannot_meet_it_and_a_small_loop_is_asked(tmp_path: Path) -> None:
    slow = [{**RULES[0], "sla_hours": 72}]
    root = loop_programme(tmp_path / "slow", slow, min_sample=5)
    for case, hours_ago in [(1, 190), (2, 190), (3, 140), (4, 140), (5, 90), (6, 5)]:
        cxframe_improve.update_case(root, case, "resolved", now=NOW - dt.timedelta(hours=hours_ago), host=host())
    loop = criteria(root)["iso.improve.inner-loop"]
    assert loop["status"] == "unmet"
    assert loop["evidence"][0].startswith("nps loop cases have an SLA of 72 h, longer than the 48 h asked")
    # the default minimum sample (30): six cases cannot show a practice, and no follow-up events are set up
    small = loop_programme(tmp_path / "small", RULES, min_sample=30)
    cxframe_improve.update_case(small, 1, "resolved", now=NOW - dt.timedelta(hours=190), host=host())
    asked = criteria(small)["iso.improve.inner-loop"]
    assert (asked["status"], asked["source"]) == ("unknown", "none")
