"""Loop cases closed from the journey log: a rule's ``closed_by`` activities resolve open cases at the event's time."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from test_improve_loop import NOW, programme, stamp

import cxframe
import cxframe_improve
import cxframe_journey
import cxframe_nps
from cxframe import InvalidInput, testing

RULES: list[dict[str, Any]] = [
    # the first rule takes the answers at or below 1: its cases close by no event
    {"metric": "nps", "at_or_below": 1, "owners": {"default": "Complaints"}},
    {
        "metric": "nps",
        "at_or_below": 6,
        "sla_hours": 48,
        "owners": {"default": "CX team"},
        "closed_by": ["outcome-call", "Complaint closed"],
    },
]
ROWS: list[tuple[Any, ...]] = [
    # response, customer, hours ago, touchpoint, region, comment, nps, csat
    ("r1", "c1", 100, "contact-centre", "North", "", 3, 3),  # case 2: outcome call 10 h later (and again later)
    ("r2", "c2", 100, "contact-centre", "North", "", 5, 3),  # case 3: outcome call 90 h later (past its SLA)
    ("r3", "c3", 100, "web", "South", "", 6, 3),  # case 4: only a contact-centre event after: stays open
    ("r4", "c4", 100, "web", "South", "", 2, 3),  # case 5: contacted by hand before its outcome call is logged
    ("r5", "c5", 100, "web", "South", "", 9, 5),  # a promoter: no case
    ("r6", "c6", 50, "web", "South", "", 4, 3),  # case 7: its outcome call came before the answer: stays open
    ("r7", "c7", 100, "web", "South", "", 1, 3),  # case 1: the first rule's, whose cases no event closes
    ("r8", "c8", 100, "web", "North", "", 6, 3),  # case 6: "Complaint closed" 40 h later
]
#: customer, activity, hours ago
EVENTS: list[tuple[str, str, float]] = [
    ("c1", "outcome-call", 90),
    ("c1", "outcome-call", 20),
    ("c2", "outcome-call", 10),
    ("c3", "contact-centre", 80),
    ("c6", "outcome-call", 60),
    ("c7", "outcome-call", 90),
    ("c8", "Complaint closed", 60),
]
#: what the log gains later: c4's outcome call (after its hand update), c3's, and an earlier one of c2's
LATE: list[tuple[str, str, float]] = [("c4", "outcome-call", 5), ("c3", "outcome-call", 2), ("c2", "outcome-call", 50)]


LOG = {
    "id": "log",
    "collector": "event-csv",
    "path": "data/events.csv",
    "columns": {"case": "customer", "activity": "activity", "timestamp": "at"},
}


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_journey, cxframe_improve)


def cli(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=host())


def write_events(root: Path, events: list[tuple[str, str, float]]) -> None:
    lines = ["customer,activity,at"] + [f"{c},{a},{stamp(h)}" for c, a, h in events]
    (root / "data" / "events.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def with_log(tmp_path: Path, rules: list[dict[str, Any]] = RULES) -> Path:
    root = programme(tmp_path, rules=rules, rows=ROWS)
    with (root / "cxframe.toml").open("rb") as file:
        sources = [*tomllib.load(file)["sources"], LOG]
    testing.make_programme(root, sources=sources, plugins={"cxframe-improve": {"loop": rules}})
    write_events(root, EVENTS)
    return root


def collect(root: Path) -> None:
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output


def cases(root: Path) -> dict[str, dict[str, Any]]:
    return {c.respondent_id: c.to_json() for c in cxframe_improve.loop_cases(root, host=host())}


def measured(root: Path, metric: str) -> dict[str, Any]:
    result = cli(root, "measure", "--metric", metric, "--json")
    assert result.exit_code == 0, result.output
    (only,) = json.loads(result.stdout)
    return only


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = with_log(tmp_path)
    collect(root)
    return root


def test_a_closing_event_after_the_answer_resolves_the_case_at_its_time(root: Path) -> None:
    found = cases(root)
    assert {c: (v["case"], v["status"]) for c, v in found.items()} == {
        "c1": (2, "resolved"),
        "c2": (3, "resolved"),
        "c3": (4, "open"),
        "c4": (5, "open"),
        "c6": (7, "open"),
        "c7": (1, "open"),
        "c8": (6, "resolved"),
    }
    # the first closing event after the answer, not a later one; its time, not the collect's
    assert found["c1"]["closed"] == stamp(90)
    assert found["c2"]["closed"] == stamp(10)
    assert found["c8"]["closed"] == stamp(60)
    assert found["c1"]["root_cause"] is None and found["c1"]["resolution"] is None


def test_the_closing_is_kept_in_the_history_with_a_note_naming_the_event(root: Path) -> None:
    case = cases(root)["c8"]["case"]
    opening, closing = cxframe_improve.case_history(root, case, host=host())
    assert opening.status == "open"
    assert (closing.status, closing.at) == ("resolved", cxframe_improve.cases.stored_time(NOW - dt.timedelta(hours=60)))
    assert closing.note == f"closed by the event 'Complaint closed' in log at {stamp(60)}"


def test_a_re_collect_changes_nothing_twice_and_a_hand_update_is_kept(root: Path) -> None:
    cxframe_improve.update_case(root, cases(root)["c4"]["case"], "contacted", note="left a voicemail", host=host())
    before = cases(root)
    write_events(root, EVENTS + LATE)
    collect(root)
    collect(root)
    after = cases(root)
    assert after["c4"]["status"] == "contacted" and after["c4"]["closed"] is None  # the hand update is kept
    assert (after["c3"]["status"], after["c3"]["closed"]) == ("resolved", stamp(2))  # open: closed on arrival
    # resolved cases keep their first closing, although the log now has an earlier closing event for c2
    assert {c: (v["status"], v["closed"]) for c, v in after.items() if c not in ("c3",)} == {
        c: (v["status"], v["closed"]) for c, v in before.items() if c not in ("c3",)
    }
    lengths = {v["case"]: len(cxframe_improve.case_history(root, v["case"], host=host())) for v in after.values()}
    assert lengths == {1: 1, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 1}


def test_a_hand_closed_case_is_never_reopened_by_the_log(tmp_path: Path) -> None:
    root = with_log(tmp_path)
    write_events(root, [("c3", "contact-centre", 80)])
    collect(root)
    case = cases(root)["c1"]["case"]
    cxframe_improve.update_case(root, case, "no_response", host=host())
    write_events(root, EVENTS)
    collect(root)
    assert cases(root)["c1"]["status"] == "no_response"
    assert cases(root)["c2"]["status"] == "resolved"  # the other cases close from the log as it arrives


def test_the_loop_metrics_count_the_closed_cases_by_hand(root: Path) -> None:
    # 7 cases; c1, c2 and c8 closed from the log
    found = cases(root)
    closed = [v for v in found.values() if v["status"] == "resolved"]
    hours = sorted(
        (dt.datetime.fromisoformat(v["closed"]) - dt.datetime.fromisoformat(v["opened"])).total_seconds() / 3600
        for v in closed
    )
    assert hours == [10.0, 40.0, 90.0]
    share = measured(root, "loop_closed")
    assert (share["n"], share["value"]) == (7, pytest.approx(300 / 7))
    # within 48 h: c1 (10 h) and c8 (40 h); late: c2 (90 h); open past due: c3, c4, c6, c7 → 2 of 7
    sla = measured(root, "loop_within_sla")
    assert (sla["n"], sla["value"]) == (7, pytest.approx(200 / 7))
    median = measured(root, "loop_hours_to_close")
    assert (median["n"], median["value"]) == (3, pytest.approx(40.0, abs=1e-3))


def test_open_loop_cases_from_python_also_closes_and_close_loop_cases_says_how_many(tmp_path: Path) -> None:
    root = with_log(tmp_path)
    assert cxframe.collect(root, host=host())
    assert cxframe_improve.close_loop_cases(root, host=host()) == 0  # the collect closed them already
    assert sum(v["status"] == "resolved" for v in cases(root).values()) == 3


@pytest.mark.parametrize(
    "closed_by",
    [[], "outcome-call", ["outcome-call", ""], [3], {"activity": "outcome-call"}],
)
def test_a_bad_closed_by_is_an_error_naming_the_key(tmp_path: Path, closed_by: Any) -> None:
    root = with_log(tmp_path, rules=[{"metric": "nps", "at_or_below": 6, "closed_by": closed_by}])
    result = cli(root, "validate")
    assert result.exit_code == 1
    assert "plugins.cxframe-improve.loop[0].closed_by: expected a list of event activities" in result.output
    with pytest.raises(InvalidInput, match=r"loop\[0\]\.closed_by"):
        cxframe_improve.load_rules(cxframe.load_programme(root))


def test_an_activity_no_map_or_log_knows_is_a_warning_naming_the_key(tmp_path: Path) -> None:
    rules = [{"metric": "nps", "at_or_below": 6, "closed_by": ["outcome-call", "Outcome call"]}]
    root = with_log(tmp_path, rules=rules)
    collect(root)
    result = cli(root, "check", "--json")
    assert result.exit_code == 0, result.output
    (found,) = [r for r in json.loads(result.stdout) if r["check"] == "improve.loop-closing"]
    assert found["status"] == "warn"
    assert any(
        "plugins.cxframe-improve.loop[0].closed_by: 'Outcome call' is no touchpoint of the journey maps" in line
        for line in found["evidence"]
    ), found["evidence"]
    assert any("'outcome-call' — 5 event(s)" in line for line in found["evidence"]), found["evidence"]


def test_without_closed_by_there_is_no_closing_check(tmp_path: Path) -> None:
    root = with_log(tmp_path, rules=[{"metric": "nps", "at_or_below": 6}])
    collect(root)
    result = cli(root, "check", "--json")
    assert result.exit_code == 0, result.output
    assert not [r for r in json.loads(result.stdout) if r["check"] == "improve.loop-closing"]
    assert all(v["status"] == "open" for v in cases(root).values())


def test_the_closing_check_speaks_every_report_language() -> None:
    from cxframe_improve import checks

    assert checks.say.missing() == []
    from cxframe_improve import metrics

    assert metrics.say.missing() == []
