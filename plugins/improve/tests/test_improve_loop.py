"""The closed loop's cases: opened once per unhappy answer after a collect, routed, due, listed and updated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import cxframe
import cxframe_improve
import cxframe_nps
from cxframe import InvalidInput, testing

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
HEADER = "response_id,customer_id,submitted_at,touchpoint,region,comment,likely_to_recommend,satisfaction"
FIELDS = ["response_id", "customer_id", "hours_ago", "touchpoint", "region", "comment", "nps", "csat"]
ROWS: list[tuple[Any, ...]] = [
    ("r1", "c1", 10, "contact-centre", "North", "Waited an hour", 3, 4),
    ("r2", "c2", 20, "web", "North", "", 9, 1),
    ("r3", "c3", 60, "web", "South", "Page broke twice", 6, 2),
    ("r4", "c4", 40 * 24, "store", "South", "Too old to open", 2, 5),
    ("r5", "c5", 1, "web", "South", "Great", 10, 5),
    ("r6", "c6", 5, "web", "North", "[/b] not [red]markup", 5, 3),
]
RULES = [
    {
        "metric": "nps",
        "at_or_below": 6,
        "owners": {
            "touchpoint:contact-centre": "Head of Contact Centre",
            "region:North": "North lead",
            "default": "CX team",
        },
    },
    # overlaps the first rule: the answers it qualifies already have their case
    {"metric": "nps", "at_or_below": 4, "sla_hours": 24, "owners": {"default": "Nobody"}},
    {"metric": "csat", "at_or_below": 2, "sla_hours": 72, "since": "30d", "owners": {"default": "Quality"}},
]


def stamp(hours_ago: float) -> str:
    return (NOW - dt.timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_survey(root: Path, rows: list[tuple[Any, ...]]) -> None:
    lines = [HEADER]
    for rid, customer, hours, touchpoint, region, comment, nps, csat in rows:
        lines.append(f"{rid},{customer},{stamp(hours)},{touchpoint},{region},{comment},{nps},{csat}")
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def programme(tmp_path: Path, rules: list[dict[str, Any]] | None = None, rows: list[tuple[Any, ...]] = ROWS) -> Path:
    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {
                "id": "survey",
                "collector": "survey-csv",
                "path": "data/survey.csv",
                "columns": {
                    "response_id": "response_id",
                    "respondent_id": "customer_id",
                    "timestamp": "submitted_at",
                    "touchpoint": "touchpoint",
                    "comment": "comment",
                    "segments": ["region"],
                    "questions": {"nps": "likely_to_recommend", "csat": "satisfaction"},
                },
            }
        ],
        plugins={"cxframe-improve": {"loop": RULES if rules is None else rules}},
    )
    write_survey(root, rows)
    return root


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_improve)


def cli(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=host())


def listed(root: Path, *args: str) -> list[dict[str, Any]]:
    result = cli(root, "loop", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def collected(tmp_path: Path, **kwargs: Any) -> Path:
    root = programme(tmp_path, **kwargs)
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    return root


def test_collect_opens_one_case_per_qualifying_answer_with_owner_and_due(tmp_path: Path) -> None:
    cases = listed(collected(tmp_path))
    assert [(c["case"], c["response_id"], c["metric"], c["score"]) for c in cases] == [
        (1, "r3", "nps", 6.0),
        (2, "r1", "nps", 3.0),
        (3, "r6", "nps", 5.0),
        (4, "r3", "csat", 2.0),
        (5, "r2", "csat", 1.0),
    ]
    assert list(cases[1]) == [
        "case",
        "source",
        "response_id",
        "respondent_id",
        "metric",
        "score",
        "comment",
        "touchpoint",
        "opened",
        "due",
        "owner",
        "status",
        "root_cause",
        "resolution",
        "closed",
    ]
    first = cases[1]
    assert first["source"] == "survey" and first["respondent_id"] == "c1" and first["touchpoint"] == "contact-centre"
    assert first["comment"] == "Waited an hour"
    assert (first["status"], first["root_cause"], first["resolution"], first["closed"]) == ("open", None, None, None)
    # the SLA counts from the answer: its time + 48 h (first rule), + 72 h (csat rule)
    assert first["opened"] == stamp(10) and first["due"] == stamp(10 - 48)
    assert cases[2]["comment"] == "[/b] not [red]markup"
    assert cases[3]["opened"] == stamp(60) and cases[3]["due"] == stamp(60 - 72)
    # routes in the order written: the touchpoint route before the region route, then the default
    assert [c["owner"] for c in cases] == ["CX team", "Head of Contact Centre", "North lead", "Quality", "Quality"]


def test_answers_older_than_since_open_no_case(tmp_path: Path) -> None:
    cases = listed(collected(tmp_path))
    assert "r4" not in {c["response_id"] for c in cases}
    root = collected(tmp_path / "wide", rules=[{"metric": "nps", "at_or_below": 2, "since": 41}])
    assert [c["response_id"] for c in listed(root)] == ["r4"]
    collected(tmp_path / "hours", rules=[{"metric": "nps", "at_or_below": 6, "since": "12h"}])
    assert [c["response_id"] for c in listed(tmp_path / "hours" / "p")] == ["r1", "r6"]


def test_re_collects_and_overlapping_rules_never_open_a_case_twice(tmp_path: Path) -> None:
    root = collected(tmp_path)
    before = listed(root)
    assert cli(root, "collect").exit_code == 0
    assert cxframe_improve.open_loop_cases(root, host=host()) == 0
    assert listed(root) == before
    # a rewritten export with one more unhappy answer opens that answer's case only
    write_survey(root, [*ROWS, ("r7", "c7", 2, "store", "South", "", 0, 5)])
    assert cli(root, "collect").exit_code == 0
    after = listed(root)
    assert after[:5] == before
    assert [(c["case"], c["response_id"], c["owner"]) for c in after[5:]] == [(6, "r7", "CX team")]
    assert len(testing.read_table(root, "improve_case_history")) == 6


def test_list_filters_open_overdue_and_owner(tmp_path: Path) -> None:
    root = collected(tmp_path)
    # only r3's nps case is past due (60 h ago + 48 h); its csat case has 72 h
    assert [c["case"] for c in listed(root, "--overdue")] == [1]
    assert [c["case"] for c in listed(root, "--owner", "Quality")] == [4, 5]
    assert listed(root, "--owner", "Nobody") == []
    assert cli(root, "loop", "update", "4", "--status", "resolved").exit_code == 0
    assert [c["case"] for c in listed(root, "--open")] == [1, 2, 3, 5]
    assert [c["case"] for c in listed(root, "--open", "--owner", "Quality")] == [5]
    later = NOW + dt.timedelta(hours=100)
    assert [c.case for c in cxframe_improve.loop_cases(root, overdue=True, now=later, host=host())] == [1, 2, 3, 5]
    table = cli(root, "loop", "list")
    assert table.exit_code == 0 and "overdue" in table.stdout and "5 case(s)" in table.stdout
    # free text is shown as it is, never read as console markup
    assert "[/b]" in table.stdout and "[red]" in table.stdout


def test_updates_set_status_and_are_kept_in_the_history(tmp_path: Path) -> None:
    root = collected(tmp_path)
    result = cli(root, "loop", "update", "2", "--status", "contacted", "--note", "Left a voicemail")
    assert result.exit_code == 0 and "case 2: contacted" in result.stdout
    done = NOW + dt.timedelta(hours=5)
    case = cxframe_improve.update_case(
        root, "2", "resolved", root_cause="Understaffed shift", resolution="Called back, credit", now=done, host=host()
    )
    assert (case.status, case.root_cause, case.resolution) == ("resolved", "Understaffed shift", "Called back, credit")
    shown = case.to_json()
    assert shown["closed"] == done.strftime("%Y-%m-%dT%H:%M:%SZ")
    # contacted again re-opens it and keeps what was said before
    reopened = cxframe_improve.update_case(root, 2, "contacted", host=host())
    assert reopened.closed is None and reopened.root_cause == "Understaffed shift"
    history = json.loads(cli(root, "loop", "history", "2", "--json").stdout)
    assert [(h["status"], h["note"], h["root_cause"]) for h in history] == [
        ("open", None, None),
        ("contacted", "Left a voicemail", None),
        ("resolved", None, "Understaffed shift"),
        ("contacted", None, None),
    ]
    assert history[2]["at"] == shown["closed"]
    assert all(h["at"] for h in history)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99", "--status", "resolved"], "case 99: no such case (cases are numbered 1 to 5"),
        (["abc", "--status", "resolved"], "case 'abc': expected a case number"),
        (["0", "--status", "resolved"], "case '0': expected a case number"),
        (["1", "--status", "done"], "status 'done': expected one of contacted, resolved, no_response"),
        (["1", "--status", "open"], "status 'open': expected one of contacted, resolved, no_response"),
    ],
)
def test_a_bad_case_or_status_is_a_clear_error_and_changes_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    root = collected(tmp_path)
    before = (listed(root), testing.read_table(root, "improve_case_history"))
    result = cli(root, "loop", "update", *args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert (listed(root), testing.read_table(root, "improve_case_history")) == before


def test_history_of_a_missing_case_is_an_error(tmp_path: Path) -> None:
    root = collected(tmp_path)
    with pytest.raises(InvalidInput, match="case 7: no such case"):
        cxframe_improve.case_history(root, 7, host=host())


def test_no_rules_no_cases_and_loop_list_says_what_to_add(tmp_path: Path) -> None:
    root = collected(tmp_path, rules=[])
    assert listed(root) == []
    said = cli(root, "loop", "list").stdout
    assert said.startswith("no loop rules in cxframe.toml, so no cases")
    assert "[[plugins.cxframe-improve.loop]]" in said and 'metric = "nps"' in said and "at_or_below = 6" in said
    # the TOML shown works: added to the programme file (instead of its empty rules), the next collect opens cases
    file = root / "cxframe.toml"
    text = "\n".join(line for line in file.read_text(encoding="utf-8").splitlines() if "loop = []" not in line)
    file.write_text(text + "\n\n" + said.split("e.g.:")[1].split("then run")[0].strip() + "\n", encoding="utf-8")
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    assert len(listed(root)) == 3


def test_rules_that_opened_no_case_and_a_filter_that_keeps_none_are_said_so(tmp_path: Path) -> None:
    root = collected(tmp_path, rules=[{"metric": "nps", "at_or_below": 0}])
    assert cli(root, "loop", "list").stdout.strip() == (
        "no cases: no stored answer meets the loop rules (nps at or below 0) yet; cxframe collect opens them"
    )
    root = collected(tmp_path / "other")
    assert cli(root, "loop", "list", "--owner", "Nobody here").stdout.strip() == "no cases match"


def test_collect_says_in_one_line_what_the_loop_did(tmp_path: Path) -> None:
    root = programme(tmp_path)
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    line = "loop: 5 cases opened (owners: Quality 2, CX team 1, Head of Contact Centre 1, North lead 1); 5 open in all"
    assert line + " (cxframe loop list --open)" in result.stderr
    assert "loop:" not in result.stdout  # --json's standard output stays JSON
    again = cli(root, "collect", "--json")
    assert again.exit_code == 0 and isinstance(json.loads(again.stdout), list)
    assert "loop: no new cases; 5 open in all" in again.stderr
    # from Python the line is a cxframe.PluginNotice, silent unless asked for
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cxframe.PluginNotice)
        cxframe.collect(root, host=host())
    assert [str(w.message) for w in caught if w.category is cxframe.PluginNotice] == [
        "loop: no new cases; 5 open in all (cxframe loop list --open)"
    ]


def test_a_programme_without_rules_says_nothing_about_the_loop_at_collect(tmp_path: Path) -> None:
    result = cli(programme(tmp_path, rules=[]), "collect")
    assert result.exit_code == 0 and "loop:" not in result.output


def test_bad_rules_are_listed_by_validate_naming_each_key(tmp_path: Path) -> None:
    rules = [
        {"metric": "nps", "sla_hours": -1, "since": "soon", "colour": "red"},
        {"metric": "csat", "at_or_below": "2", "owners": {"web": "Web lead", "touchpoint:web": ""}},
    ]
    root = programme(tmp_path, rules=rules)
    result = cli(root, "validate")
    assert result.exit_code == 1
    for expected in [
        "plugins.cxframe-improve.loop[0].colour: unknown key",
        "plugins.cxframe-improve.loop[0].at_or_below: expected the score at or below which",
        "plugins.cxframe-improve.loop[0].sla_hours: expected a number of hours more than 0, got -1",
        "plugins.cxframe-improve.loop[0].since: expected a number of days, a text such as '30d'",
        "plugins.cxframe-improve.loop[1].at_or_below:",
        "plugins.cxframe-improve.loop[1].owners.web: expected 'default' or COLUMN:VALUE",
        "plugins.cxframe-improve.loop[1].owners.'touchpoint:web': expected the owner's name",
    ]:
        assert expected in result.output, (expected, result.output)


def test_an_unknown_metric_stops_the_collect_with_the_key_and_keeps_the_data(tmp_path: Path) -> None:
    root = programme(tmp_path, rules=[{"metric": "nsp", "at_or_below": 6}])
    result = cli(root, "collect")
    assert result.exit_code == 1
    assert "plugins.cxframe-improve.loop[0].metric: unknown metric 'nsp' (known: " in result.stderr
    assert testing.read_table(root, "observations")


def test_loop_rules_read_from_python() -> None:
    rules = cxframe_improve.load_rules(None)
    assert rules == []
    rule = cxframe_improve.LoopRule(
        "nps", 6, routes=(cxframe_improve.OwnerRoute("region", "North", "North lead"),), default_owner="CX team"
    )
    assert rule.owner_for({"region": "North"}) == "North lead"
    assert rule.owner_for({"region": None}) == "CX team"
    assert rule.sla_hours == 48 and rule.since_hours == 30 * 24


def _since_toml(root: Path, since: str) -> Path:
    """The programme file with the first rule's ``since`` written as raw TOML (a date, a datetime …)."""
    path = root / "cxframe.toml"
    text = path.read_text(encoding="utf-8")
    assert "since = 1" in text
    path.write_text(text.replace("since = 1", f"since = {since}", 1), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("since", "opened"),
    [
        # r4 (40 days ago) and r1 (10 hours ago) are the answers at or below 2 … 3
        ((NOW - dt.timedelta(days=41)).date().isoformat(), ["r1", "r4"]),
        ((NOW - dt.timedelta(days=39)).date().isoformat(), ["r1"]),
        ((NOW - dt.timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ"), ["r1"]),
        ((NOW - dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S"), []),  # a local date-time is UTC
        (f'"{(NOW - dt.timedelta(days=41)).date().isoformat()}"', ["r1", "r4"]),  # the same date as a text
        ((NOW + dt.timedelta(days=2)).date().isoformat(), []),
    ],
)
def test_since_as_a_date_opens_no_case_for_answers_before_it(tmp_path: Path, since: str, opened: list[str]) -> None:
    root = _since_toml(programme(tmp_path, rules=[{"metric": "nps", "at_or_below": 3, "since": 1}]), since)
    (rule,) = cxframe_improve.load_rules(cxframe.load_programme(root))
    assert rule.since_time is not None and rule.since_time.tzinfo is not None
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    assert sorted(c["response_id"] for c in listed(root)) == opened


def test_a_since_date_does_not_age_with_the_collect(tmp_path: Path) -> None:
    day = (NOW - dt.timedelta(days=41)).date()
    rule = cxframe_improve.LoopRule("nps", 6, since_time=dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC))
    later = NOW + dt.timedelta(days=365)
    assert rule.cutoff(NOW) == rule.cutoff(later) == dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    assert cxframe_improve.LoopRule("nps", 6, since_hours=24).cutoff(NOW) == NOW - dt.timedelta(days=1)


@pytest.mark.parametrize("since", ["08:00:00", '"next week"', '"2025-13-01"', "[2025-12-01]"])
def test_a_bad_since_is_an_error_naming_the_key(tmp_path: Path, since: str) -> None:
    root = _since_toml(programme(tmp_path, rules=[{"metric": "nps", "at_or_below": 3, "since": 1}]), since)
    result = cli(root, "validate")
    assert result.exit_code == 1
    assert "cxframe.toml" in result.output and "plugins.cxframe-improve.loop[0].since: " in result.output
    assert "Traceback" not in result.output
