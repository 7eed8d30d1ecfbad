"""``cxframe forget SOURCE`` and the loop: the source's open cases go, its closed ones stay without the customer."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

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


def test_forget_deletes_open_cases_and_strips_closed_ones_of_the_source_only(tmp_path: Path) -> None:
    root = worked_on(programme(tmp_path))
    before = {c["case"]: c for c in json.loads(cli(root, "loop", "list", "--json").stdout)}
    assert [(c["source"], c["response_id"], c["status"]) for c in before.values()] == [
        ("survey", "r1", "resolved"),
        ("survey", "r2", "contacted"),
        ("survey", "r3", "open"),
        ("extra", "x1", "open"),
    ]

    forgotten = json.loads(cli(root, "forget", "survey", "--json").stdout)

    assert forgotten["plugins"] == {
        "cxframe_improve": "deleted 2 open loop cases with their history and alerts; kept 1 closed case without "
        "the customer's data (ids, score, comment, resolution and notes removed; still counted by the loop metrics)"
    }
    after = json.loads(cli(root, "loop", "list", "--json").stdout)
    # the closed case stays, anonymous; the other source's case is untouched
    assert [c["case"] for c in after] == [1, 4]
    kept, other = after
    assert {k: kept[k] for k in ("source", "response_id", "respondent_id", "score", "comment", "resolution")} == {
        "source": None,
        "response_id": None,
        "respondent_id": None,
        "score": None,
        "comment": None,
        "resolution": None,
    }
    assert {k: kept[k] for k in ("metric", "touchpoint", "owner", "status", "root_cause", "opened", "closed")} == {
        k: before[1][k] for k in ("metric", "touchpoint", "owner", "status", "root_cause", "opened", "closed")
    }
    assert other == before[4]
    # nothing of the customer in any of the loop's tables
    stored = repr(
        rows(root, "SELECT * FROM improve_cases")
        + rows(root, "SELECT * FROM improve_case_history")
        + rows(root, "SELECT * FROM improve_alerts_sent")
    )
    for personal in ("c1", "c2", "c3", "r1", "r2", "r3", "13812345678", "Rude", "Slow", "survey"):
        assert personal not in stored, personal
    assert rows(root, "SELECT answer_key FROM improve_cases WHERE id = 1") == [("forgotten:1",)]
    assert [status for (status,) in rows(root, "SELECT status FROM improve_case_history WHERE case_id = 1")] == [
        "open",
        "resolved",
    ]
    assert rows(root, "SELECT case_id FROM improve_alerts_sent") == [(4,)]
    assert rows(root, "SELECT COUNT(*) FROM improve_case_history WHERE case_id IN (2, 3)") == [(0,)]


def test_the_kept_case_still_counts_in_the_loop_metrics_and_forgetting_again_changes_nothing(tmp_path: Path) -> None:
    root = worked_on(programme(tmp_path))
    cli(root, "forget", "survey")
    closed = cxframe.measure(root, metrics=["loop_closed"], host=host())
    assert [(r.n, r.value) for r in closed] == [(2, 50.0)]  # case 1 (closed) and case 4 (open)
    # the other source forgotten too: its open case goes, the kept case is not counted again
    forgotten = cxframe.forget(root, "extra", host=host())
    assert forgotten.plugins == {"cxframe_improve": "deleted 1 open loop case with their history and alerts"}
    assert [c.case for c in cxframe_improve.loop_cases(root, host=host())] == [1]


def test_a_forgotten_source_collected_again_opens_its_cases_afresh(tmp_path: Path) -> None:
    root = worked_on(programme(tmp_path))
    cli(root, "forget", "survey")
    cli(root, "collect")
    cases = cxframe_improve.loop_cases(root, host=host())
    assert [(c.case, c.response_id, c.status) for c in cases] == [
        (1, None, "resolved"),
        (4, "x1", "open"),
        (5, "r1", "open"),
        (6, "r2", "open"),
        (7, "r3", "open"),
    ]


def test_a_programme_without_loop_cases_forgets_without_a_line_from_the_loop(tmp_path: Path) -> None:
    root = programme(tmp_path)
    (root / "cxframe.toml").write_text(
        (root / "cxframe.toml").read_text(encoding="utf-8").replace("at_or_below = 6", "at_or_below = 0"),
        encoding="utf-8",
    )
    cli(root, "collect")
    assert cxframe.forget(root, "survey", host=host()).plugins == {}
