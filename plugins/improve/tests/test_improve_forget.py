"""``cxframe forget SOURCE`` and the loop: the source's cases go, and their numbers are never given again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import cxframe
import cxframe_improve
import cxframe_nps
from cxframe import testing

HEADER = "response_id,customer_id,submitted_at,touchpoint,comment,likely_to_recommend"
RULES = [{"metric": "nps", "at_or_below": 6, "since": "3650d", "owners": {"default": "CX team"}}]


def source(name: str) -> dict[str, Any]:
    return {
        "id": name,
        "collector": "survey-csv",
        "path": f"data/{name}.csv",
        "columns": {
            "response_id": "response_id",
            "respondent_id": "customer_id",
            "timestamp": "submitted_at",
            "touchpoint": "touchpoint",
            "comment": "comment",
            "questions": {"nps": "likely_to_recommend"},
        },
    }


def programme(tmp_path: Path) -> Path:
    root = testing.make_programme(
        tmp_path / "p", sources=[source("survey"), source("extra")], plugins={"cxframe-improve": {"loop": RULES}}
    )
    (root / "data").mkdir()
    (root / "data" / "survey.csv").write_text(
        f"{HEADER}\n"
        "r1,c1,2026-03-01T10:00:00Z,web,Call me on 13812345678,2\n"
        "r2,c2,2026-03-02T10:00:00Z,store,Rude staff,3\n"
        "r3,c3,2026-03-03T10:00:00Z,web,Slow,4\n"
        "r4,c4,2026-03-04T10:00:00Z,web,Fine,9\n",
        encoding="utf-8",
    )
    (root / "data" / "extra.csv").write_text(
        f"{HEADER}\nx1,c9,2026-03-05T10:00:00Z,app,Crashed on login,1\n", encoding="utf-8"
    )
    return root


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_improve)


def cli(root: Path, *args: str) -> Any:
    result = testing.invoke(["-C", str(root), *args], host=host())
    assert result.exit_code == 0, result.output
    return result


def rows(root: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(root / "cxframe.db") as db:
        return db.execute(sql).fetchall()


def worked_on(root: Path) -> Path:
    """Cases 1–3 from ``survey`` (1 resolved, 2 contacted, 3 open and alerted), case 4 from ``extra``."""
    cli(root, "collect")
    cli(root, "loop", "update", "1", "--status", "resolved", "--root-cause", "Understaffed shift",
        "--resolution", "Called c1 back, credit", "--note", "c1 says thanks")  # fmt: skip
    cli(root, "loop", "update", "2", "--status", "contacted", "--note", "left a message for c2")
    with sqlite3.connect(root / "cxframe.db") as db:  # as `loop notify` records an alert it delivered
        db.execute(
            "INSERT INTO improve_alert_sends (id, at, owner, notifier, recipient, cases, sent) "
            "VALUES (1, '2026-03-06T00:00:00Z', 'CX team', 'email', 'cx@example.com', '[3, 4]', 1)"
        )
        db.executemany(
            "INSERT INTO improve_alerts_sent VALUES (?, 'new', 'email', 'cx@example.com', '2026-03-06T00:00:00Z', 1)",
            [(3,), (4,)],
        )
    return root


def test_forget_deletes_the_sources_cases_with_their_history_and_alerts_and_no_other(tmp_path: Path) -> None:
    root = worked_on(programme(tmp_path))
    before = json.loads(cli(root, "loop", "list", "--json").stdout)
    assert [(c["case"], c["source"], c["response_id"], c["status"]) for c in before] == [
        (1, "survey", "r1", "resolved"),
        (2, "survey", "r2", "contacted"),
        (3, "survey", "r3", "open"),
        (4, "extra", "x1", "open"),
    ]

    forgotten = json.loads(cli(root, "forget", "survey", "--json").stdout)

    assert forgotten["plugins"] == {"cxframe_improve": "deleted 3 loop cases with their history and alert records"}
    assert json.loads(cli(root, "loop", "list", "--json").stdout) == before[3:]  # the other source's case, as it was
    # nothing of the forgotten customers in any of the loop's tables
    stored = repr(
        rows(root, "SELECT * FROM improve_cases")
        + rows(root, "SELECT * FROM improve_case_history")
        + rows(root, "SELECT * FROM improve_alerts_sent")
        + rows(root, "SELECT * FROM improve_alert_claims")
    )
    for personal in ("c1", "c2", "c3", "r1", "r2", "r3", "13812345678", "Rude", "Slow", "Understaffed", "survey"):
        assert personal not in stored, personal
    assert rows(root, "SELECT case_id FROM improve_alerts_sent") == [(4,)]
    assert rows(root, "SELECT DISTINCT case_id FROM improve_case_history") == [(4,)]


def test_the_loop_metrics_read_as_if_the_source_was_never_collected(tmp_path: Path) -> None:
    root = worked_on(programme(tmp_path))
    closed = cxframe.measure(root, metrics=["loop_closed"], host=host())
    assert [(r.n, r.value) for r in closed] == [(4, 25.0)]
    cli(root, "forget", "survey")
    # not 100 %: the source's closed case goes with its open ones
    closed = cxframe.measure(root, metrics=["loop_closed"], host=host())
    assert [(r.n, r.value) for r in closed] == [(1, 0.0)]


def test_a_forgotten_case_number_is_never_given_again(tmp_path: Path) -> None:
    root = worked_on(programme(tmp_path))
    exported = root / "crm.csv"
    cli(root, "loop", "export", str(exported))
    cli(root, "forget", "extra")  # case 4, the highest number, goes
    cli(root, "forget", "survey")
    cli(root, "collect")  # both sources come back: their answers open new cases
    cases = cxframe_improve.loop_cases(root, host=host())
    assert [(c.case, c.response_id, c.status) for c in cases] == [
        (5, "r1", "open"),
        (6, "r2", "open"),
        (7, "r3", "open"),
        (8, "x1", "open"),
    ]
    # the CRM's rows of the forgotten cases name no case of the new ones
    imported = testing.invoke(["-C", str(root), "loop", "import", str(exported)], host=host())
    assert imported.exit_code == 1
    assert "line 2: case 1: no such case" in imported.stderr


def test_cases_of_a_source_forgotten_before_the_hook_go_at_the_next_forget(tmp_path: Path) -> None:
    root = worked_on(programme(tmp_path))
    # as an older cxframe left them: the source's records gone, its cases in place
    with pytest.warns(cxframe.UnknownPluginSettingsWarning):  # the loop's settings, without the loop
        plain = cxframe.forget(root, "survey", host=testing.plugin_host(cxframe_nps))
    assert plain.plugins == {}
    assert [c.case for c in cxframe_improve.loop_cases(root, host=host())] == [1, 2, 3, 4]
    forgotten = cxframe.forget(root, "extra", host=host())
    assert forgotten.plugins == {"cxframe_improve": "deleted 4 loop cases with their history and alert records"}
    assert cxframe_improve.loop_cases(root, host=host()) == []


def test_a_programme_without_loop_cases_forgets_without_a_line_from_the_loop(tmp_path: Path) -> None:
    root = programme(tmp_path)
    (root / "cxframe.toml").write_text(
        (root / "cxframe.toml").read_text(encoding="utf-8").replace("at_or_below = 6", "at_or_below = 0"),
        encoding="utf-8",
    )
    cli(root, "collect")
    assert cxframe.forget(root, "survey", host=host()).plugins == {}
