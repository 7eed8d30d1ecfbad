"""The action register: listed with the last assessment's proposals, edited in cxframe.toml with its comments kept."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import cxframe_improve
import cxframe_nps
from cxframe import InvalidInput, testing

TODAY = dt.date.today()
PAST = (TODAY - dt.timedelta(days=10)).isoformat()
LATER = (TODAY + dt.timedelta(days=10)).isoformat()

PROGRAMME = f"""\
# The retail programme: kept in git, reviewed by the CX team.
name = "Retail"

[[touchpoints]]
id = "web"   # the website
name = "Website"

[[touchpoints]]
id = "store"
name = "Store"

# --- the improvement register ---------------------------------------------------

[[actions]]
id = "fix-ivr"          # agreed at the March review
title = "Shorten the phone menu"
owner = "Head of Contact Centre"
due = {PAST}
status = "in_progress"
metric = "csat"

[[actions]]
id = "web-faq"
title = "Rewrite the web FAQ"
owner = "Head of Digital"
due = {LATER}
status = "planned"
touchpoint = "web"

[settings]
min_sample = 30   # a team's own rule
"""


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_improve)


def cli(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=host())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return testing.make_programme(tmp_path / "p", PROGRAMME)


def listed(root: Path, *args: str) -> list[dict[str, Any]]:
    result = cli(root, "actions", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_shows_the_register_with_status_owner_due_and_overdue(root: Path) -> None:
    found = listed(root)
    assert [(a["id"], a["kind"], a["status"], a["owner"], a["due"], a["overdue"]) for a in found] == [
        ("fix-ivr", "register", "in_progress", "Head of Contact Centre", PAST, True),
        ("web-faq", "register", "planned", "Head of Digital", LATER, False),
    ]
    assert list(found[0]) == [
        "id",
        "title",
        "kind",
        "status",
        "owner",
        "due",
        "overdue",
        "done",
        "metric",
        "touchpoint",
        "segment",
        "finding",
        "priority",
    ]
    assert [a["id"] for a in listed(root, "--overdue")] == ["fix-ivr"]
    table = cli(root, "actions", "list")
    assert "overdue" in table.stdout and "2 in the register, 0 proposed" in table.stdout


def test_list_adds_the_last_assessments_proposals(root: Path) -> None:
    import cxframe.assessment.models
    import cxframe.reporters

    plugins = testing.plugin_host(cxframe_nps, cxframe_improve, cxframe.assessment.models, cxframe.reporters)
    result = testing.invoke(["-C", str(root), "assess", "--model", "iso-cx"], host=plugins)
    assert result.exit_code == 0, result.output
    found = cxframe_improve.action_register(root, host=host())
    proposed = [a for a in found if a.kind == "proposed"]
    assert proposed and all(a.id.startswith("action:") and a.status == "proposed" for a in proposed)
    assert [a.id for a in found[:2]] == ["fix-ivr", "web-faq"]
    # proposals are due in the future: none of them is overdue today, all of them are a year from now
    assert not any(a.overdue for a in proposed)
    later = cxframe_improve.action_register(root, overdue=True, today=TODAY + dt.timedelta(days=400), host=host())
    assert {a.id for a in proposed} <= {a.id for a in later}


def test_update_keeps_comments_and_layout_and_changes_only_what_is_asked(root: Path) -> None:
    before = (root / "cxframe.toml").read_text(encoding="utf-8")
    result = cli(root, "actions", "update", "fix-ivr", "--done", PAST)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"action fix-ivr: done, done {PAST}"
    after = (root / "cxframe.toml").read_text(encoding="utf-8")
    assert after == before.replace(
        'status = "in_progress"\nmetric = "csat"', f'status = "done"\nmetric = "csat"\ndone = {PAST}'
    )
    assert "# agreed at the March review" in after and "# a team's own rule" in after
    [entry] = [a for a in listed(root) if a["id"] == "fix-ivr"]
    assert (entry["status"], entry["done"], entry["overdue"]) == ("done", PAST, False)


def test_add_appends_an_action_after_the_last_one(root: Path) -> None:
    result = cli(
        root,
        "actions",
        "add",
        "store-queue",
        "--title",
        "Open a second till",
        "--owner",
        "Store lead",
        "--due",
        LATER,
        "--touchpoint",
        "store",
        "--metric",
        "csat",
        "--segment",
        "region=North",
    )
    assert result.exit_code == 0, result.output
    text = (root / "cxframe.toml").read_text(encoding="utf-8")
    assert text.index('id = "store-queue"') > text.index('id = "web-faq"')
    assert 'touchpoint = "web"\n\n[[actions]]\nid = "store-queue"\ntitle = "Open a second till"\n' in text
    assert 'segment = {region = "North"}\n\n[settings]\nmin_sample = 30   # a team\'s own rule\n' in text
    assert "# the website" in text and "# agreed at the March review" in text
    [entry] = [a for a in listed(root) if a["id"] == "store-queue"]
    assert entry["segment"] == {"region": "North"} and entry["status"] == "proposed"
    assert (entry["owner"], entry["due"], entry["touchpoint"], entry["metric"]) == (
        "Store lead",
        LATER,
        "store",
        "csat",
    )


def test_add_to_a_programme_without_actions(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p", 'name = "Bare"  # nothing yet\n')
    cxframe_improve.add_action(root, "first", title="A first action", host=host())
    assert [a.id for a in cxframe_improve.action_register(root, host=host())] == ["first"]
    assert "# nothing yet" in (root / "cxframe.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["update", "nope", "--status", "done"],
            "action 'nope': no such action in [[actions]] (actions: fix-ivr, web-faq)",
        ),
        (["update", "fix-ivr", "--done", LATER], f"actions[0].done: {LATER} is in the future"),
        (["update", "fix-ivr", "--status", "finished"], "--status 'finished': expected one of proposed, planned"),
        (["update", "fix-ivr", "--due", "soon"], "--due: expected a date YYYY-MM-DD, got 'soon'"),
        (["update", "web-faq", "--touchpoint", "kiosk"], "actions[1].touchpoint: unknown touchpoint 'kiosk'"),
        (["update", "web-faq", "--metric", "cast"], "actions[1].metric: unknown metric 'cast'"),
        (["update", "fix-ivr"], "action 'fix-ivr': nothing to update"),
        (["add", "fix-ivr", "--title", "Again"], "action 'fix-ivr': already in the register"),
        (["add", "new-one"], "--title is required"),
        (["add", "new-one", "--title", "X", "--segment", "North"], "--segment 'North': expected COLUMN=VALUE"),
    ],
)
def test_a_bad_edit_is_a_clear_error_and_leaves_the_file_untouched(root: Path, args: list[str], message: str) -> None:
    before = (root / "cxframe.toml").read_bytes()
    result = cli(root, "actions", *args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert (root / "cxframe.toml").read_bytes() == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".cxframe-edit-")] == []


def test_the_python_api_edits_too(root: Path) -> None:
    updated = cxframe_improve.update_action(root, "web-faq", status="dropped", owner="Nobody", host=host())
    [faq] = [a for a in updated.document.actions if a.id == "web-faq"]
    assert (faq.status.value, faq.owner) == ("dropped", "Nobody")
    with pytest.raises(InvalidInput, match="unknown field"):
        cxframe_improve.update_action(root, "web-faq", colour="red", host=host())


def test_an_edit_from_inside_the_programme_folder_ignores_what_was_wrong_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a source whose file is not there yet is the file's problem, not the edit's, also when the programme
    # is the current folder (the CLI's default -C .): its problems read "cxframe.toml: …" there
    source = (
        '\n[[sources]]\nid = "survey"\ncollector = "survey-csv"\npath = "data/later.csv"\n'
        '[sources.columns]\ntimestamp = "at"\nquestions = { csat = "q1" }\n'
    )
    root = testing.make_programme(tmp_path / "p", PROGRAMME + source)
    monkeypatch.chdir(root)
    result = testing.invoke(["actions", "update", "web-faq", "--owner", "Web lead"], host=host())
    assert result.exit_code == 0, result.output
    added = testing.invoke(["actions", "add", "new-one", "--title", "A new one"], host=host())
    assert added.exit_code == 0, added.output
    text = (root / "cxframe.toml").read_text(encoding="utf-8")
    assert 'owner = "Web lead"' in text and 'id = "new-one"' in text


# --- adopting the last assessment's proposals (new-user report, item 7) ------------------------------------------


def assessed(root: Path) -> list[dict[str, Any]]:
    import cxframe.assessment.models
    import cxframe.reporters

    plugins = testing.plugin_host(cxframe_nps, cxframe_improve, cxframe.assessment.models, cxframe.reporters)
    result = testing.invoke(["-C", str(root), "assess", "--model", "iso-cx"], host=plugins)
    assert result.exit_code == 0, result.output
    return [a for a in listed(root) if a["kind"] == "proposed"]


def test_update_on_a_proposal_adopts_it_into_the_register_keeping_the_file(root: Path) -> None:
    proposals = assessed(root)
    chosen = proposals[0]
    assert chosen["id"].startswith("action:") and chosen["finding"]
    new_id = chosen["id"].removeprefix("action:")
    before = (root / "cxframe.toml").read_text(encoding="utf-8")
    result = cli(root, "actions", "update", chosen["id"], "--owner", "Head of CX", "--status", "planned")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert f"action {chosen['id']}: adopted into" in said
    assert f"as {new_id}: planned, owner Head of CX, due {chosen['due']}" in said
    after = (root / "cxframe.toml").read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n").split("[settings]")[0].rstrip("\n"))  # nothing before it moved
    assert "# agreed at the March review" in after and "# a team's own rule" in after
    entry = next(a for a in listed(root) if a["id"] == new_id)
    assert (entry["kind"], entry["status"], entry["owner"], entry["due"]) == (
        "register",
        "planned",
        "Head of CX",
        chosen["due"],
    )
    assert (entry["title"], entry["finding"]) == (chosen["title"], chosen["finding"])
    # the proposal is no longer listed as one, and the next assessment does not propose it again
    assert chosen["id"] not in [a["id"] for a in listed(root)]
    assert chosen["id"] not in [a["id"] for a in assessed(root)]
    # the adopted action is updated under its own id from now on
    result = cli(root, "actions", "update", new_id, "--status", "in_progress")
    assert result.exit_code == 0 and result.stdout.strip() == f"action {new_id}: in_progress"


def test_adopt_takes_a_proposal_in_as_planned_and_refuses_it_twice_or_unknown(root: Path) -> None:
    chosen = assessed(root)[-1]
    new_id = chosen["id"].removeprefix("action:")
    result = cli(root, "actions", "adopt", chosen["id"], "--due", LATER)
    assert result.exit_code == 0, result.output
    entry = next(a for a in listed(root) if a["id"] == new_id)
    assert (entry["status"], entry["due"]) == ("planned", LATER)
    # the stored assessment still holds the proposal: adopting it again is refused, naming the action to update
    again = cli(root, "actions", "adopt", chosen["id"])
    assert again.exit_code == 1
    assert f"already adopted as {new_id!r}; change it with cxframe actions update {new_id}" in again.output
    unknown = cli(root, "actions", "update", "action:no-such-finding", "--owner", "X")
    assert unknown.exit_code == 1
    assert "'action:no-such-finding': not proposed by the last assessment (proposals: action:" in unknown.output
    assert "Traceback" not in unknown.output


def test_update_action_from_python_adopts_a_proposal_with_no_field_as_planned(root: Path) -> None:
    chosen = assessed(root)[0]
    updated = cxframe_improve.update_action(root, chosen["id"], host=host())
    [action] = [a for a in updated.document.actions if a.id == chosen["id"].removeprefix("action:")]
    assert (action.status.value, action.finding, action.title) == ("planned", chosen["finding"], chosen["title"])


def test_adopting_without_an_assessment_says_to_run_one(root: Path) -> None:
    with pytest.raises(
        InvalidInput, match=r"not proposed by the last assessment \(proposals: none: run cxframe assess"
    ):
        cxframe_improve.adopt_action(root, "action:check:x", owner="A", host=host())


def test_the_backlog_criterion_speaks_of_the_statuses_it_counts() -> None:
    """The proposal a missed backlog criterion makes names real statuses, not 'accepted' (which is none)."""
    from cxframe.assessment.models import iso_cx

    [criterion] = [c for c in iso_cx.CRITERIA if c.id == "iso.improve.backlog"]
    assert "accepted" not in criterion.title and "accepted" not in criterion.recommendation
    assert "planned, in-progress or done" in criterion.recommendation
