"""The loop metrics against hand counts: closure, SLA, median hours to close and recovery, through measure."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest
from test_improve_loop import NOW, cli, collected, host

import cxframe
import cxframe_improve

# one nps rule, routed by region; each customer has one case, so the cases are independent
RULES = [{"metric": "nps", "at_or_below": 6, "owners": {"region:North": "North lead", "default": "South lead"}}]
ROWS: list[tuple[Any, ...]] = [
    # response, customer, hours ago, touchpoint, region, comment, nps, csat
    ("r1", "c1", 200, "web", "North", "", 3, 2),  # case 1: resolved 10 h later (within SLA)
    ("r2", "c2", 200, "store", "North", "", 5, 2),  # case 2: resolved 100 h later (late)
    ("r3", "c3", 150, "web", "South", "", 6, 3),  # case 3: no_response 20 h later (within SLA)
    ("r6", "c6", 150, "store", "North", "", 0, 1),  # case 4: contacted, open past due (missed)
    ("r4", "c4", 100, "web", "South", "", 2, 1),  # case 5: open past due (missed)
    ("r5", "c5", 10, "web", "South", "", 4, 1),  # case 6: open, not yet due (not counted for the SLA)
    # later answers: the recovery reads each customer's next nps answer after the case closed (or was opened)
    ("r7", "c1", 50, "web", "North", "", 9, 5),  # c1 after its resolution: 9
    ("r8", "c2", 150, "web", "North", "", 7, 5),  # c2 before its resolution: not its next answer
    ("r9", "c2", 20, "web", "North", "", 8, 5),  # c2 after its resolution: 8
    ("r10", "c3", 5, "web", "South", "", 7, 5),  # c3 after no_response: 7 (not resolved)
    ("r11", "c4", 30, "web", "South", "", 8, 5),  # c4 still open: its next answer after the case's answer, 8
]
CLOSINGS = [(1, "resolved", 190), (2, "resolved", 100), (3, "no_response", 130), (4, "contacted", 140)]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = collected(tmp_path_factory.mktemp("metrics"), rules=RULES, rows=ROWS)
    for case, status, hours_ago in CLOSINGS:
        cxframe_improve.update_case(root, case, status, now=NOW - dt.timedelta(hours=hours_ago), host=host())
    return root


def measured(root: Path, *args: str) -> list[dict[str, Any]]:
    result = cli(root, "measure", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_the_cases_are_as_counted_by_hand(root: Path) -> None:
    cases = cxframe_improve.loop_cases(root, host=host())
    assert [(c.case, c.response_id, c.status) for c in cases] == [
        (1, "r1", "resolved"),
        (2, "r2", "resolved"),
        (3, "r3", "no_response"),
        (4, "r6", "contacted"),
        (5, "r4", "open"),
        (6, "r5", "open"),
    ]


def test_share_closed_and_closed_within_sla_with_wilson_intervals(root: Path) -> None:
    closed, sla = measured(root, "--metric", "loop_closed", "--metric", "loop_within_sla")
    # 3 of 6 cases closed (resolved or no_response)
    assert (closed["metric"], closed["n"], closed["value"]) == ("loop_closed", 6, pytest.approx(50.0))
    assert (closed["ci_low"], closed["ci_high"]) == pytest.approx(wilson(3, 6))
    # within SLA: cases 1 and 3 yes; 2 late, 4 and 5 open past due; 6 not yet due is left out: 2 of 5
    assert (sla["n"], sla["value"]) == (5, pytest.approx(40.0))
    assert (sla["ci_low"], sla["ci_high"]) == pytest.approx(wilson(2, 5))
    assert "small_sample" in sla["flags"] and "weighted" not in sla["flags"]


def test_by_segment_owner_and_period(root: Path) -> None:
    by_region = {r["segment"]["region"]: r for r in measured(root, "--metric", "loop_within_sla", "--by", "region")}
    # North: 1 yes, 2 late, 4 past due → 1 of 3; South: 3 yes, 5 past due (6 not due) → 1 of 2
    assert {k: (v["value"], v["n"]) for k, v in by_region.items()} == {
        "North": (pytest.approx(100 / 3), 3),
        "South": (pytest.approx(50.0), 2),
    }
    by_owner = measured(root, "--metric", "loop_closed", "--by", "owner", "--by", "touchpoint")
    assert {(r["segment"]["owner"], r["segment"]["touchpoint"]): (r["value"], r["n"]) for r in by_owner} == {
        ("North lead", "store"): (pytest.approx(50.0), 2),
        ("North lead", "web"): (pytest.approx(100.0), 1),
        ("South lead", "web"): (pytest.approx(100 / 3), 3),
    }
    monthly = measured(root, "--metric", "loop_closed", "--period", "month")
    opened = [200, 200, 150, 150, 100, 10]
    months: dict[str, int] = {}
    for hours in opened:
        month = (NOW - dt.timedelta(hours=hours)).strftime("%Y-%m")
        months[month] = months.get(month, 0) + 1
    assert {r["period"]: r["n"] for r in monthly} == months


def test_median_hours_to_close(root: Path) -> None:
    (result,) = measured(root, "--metric", "loop_hours_to_close")
    # closed after 10, 100 and 20 hours: median 20; three values give no 95 % interval (n < 6)
    assert result["n"] == 3 and result["value"] == pytest.approx(20.0, abs=1e-3)
    assert result["ci_low"] is None and {"small_sample", "no_interval"} <= set(result["flags"])
    by_owner = {r["segment"]["owner"]: r for r in measured(root, "--metric", "loop_hours_to_close", "--by", "owner")}
    assert by_owner["North lead"]["value"] == pytest.approx(55.0, abs=1e-3)  # 10 and 100
    assert by_owner["South lead"]["value"] == pytest.approx(20.0, abs=1e-3)


def test_recovery_is_the_next_answer_resolved_against_not_resolved(root: Path) -> None:
    by_outcome = {
        r["segment"]["outcome"]: r for r in measured(root, "--metric", "loop_recovery_nps", "--by", "outcome")
    }
    # resolved: c1 next 9, c2 next 8 (its 7 came before the resolution); not resolved: c3 7, c4 8
    assert (by_outcome["resolved"]["value"], by_outcome["resolved"]["n"]) == (pytest.approx(8.5), 2)
    assert (by_outcome["not_resolved"]["value"], by_outcome["not_resolved"]["n"]) == (pytest.approx(7.5), 2)
    (recovery,) = cxframe_improve.loop_recovery(root, host=host())
    assert recovery.metric == "loop_recovery_nps" and recovery.segment == {"outcome": "resolved"}
    assert recovery.difference == pytest.approx(1.0)
    assert (recovery.n, recovery.baseline_n) == (2, 2)
    # Welch on {9, 8} against {7, 8}: both variances 0.5, se = sqrt(0.5/2 + 0.5/2)
    assert recovery.ci_low is not None and recovery.ci_high is not None
    assert recovery.ci_low < 1.0 < recovery.ci_high
    assert "small_sample" in recovery.flags
    compared = measured(root, "--metric", "loop_recovery_nps", "--compare", "outcome")
    assert {r["segment"]["outcome"]: r["difference"] for r in compared} == {
        "resolved": pytest.approx(1.0),
        "not_resolved": pytest.approx(-1.0),
    }


def test_a_median_metric_is_not_compared_and_not_planned(root: Path) -> None:
    result = cli(root, "measure", "--metric", "loop_hours_to_close", "--compare", "owner")
    assert result.exit_code == 1 and "a median; --compare tests differences of means" in result.stderr
    # every metric at once: the median is left out of the comparisons, not an error
    assert cli(root, "measure", "--compare", "region", "--json").exit_code == 0
    with pytest.raises(cxframe.InvalidInput, match="a median metric; sample sizes are planned for means"):
        cxframe.plan_sample_size(root, "loop_hours_to_close", 5, host=host())


def test_loop_metrics_are_registered_per_followed_metric(tmp_path: Path) -> None:
    root = collected(tmp_path, rules=[*RULES, {"metric": "csat", "at_or_below": 2}])
    result = cli(root, "plugins", "--json")
    assert result.exit_code == 0
    improve = next(p for p in json.loads(result.stdout) if p["name"] == "cxframe_improve")
    assert improve["metrics"] == [
        "loop_closed",
        "loop_within_sla",
        "loop_hours_to_close",
        "loop_recovery_nps",
        "loop_recovery_csat",
    ]


def test_without_cases_the_loop_metrics_have_no_results(tmp_path: Path) -> None:
    root = collected(tmp_path, rules=[])
    assert measured(root, "--metric", "loop_closed") == []
    # nor does a store the plugin never touched (its views are not there)
    bare = cxframe.testing.make_programme(tmp_path / "bare")
    assert cxframe.measure(bare, "loop_within_sla", host=host()) == []
