"""``cxframe loop notify`` sends outside the store's write lock, and still never sends the same alert twice.

The alerts are picked and claimed in one short transaction, sent with no
transaction open, and recorded in another; a second run started while the
first is sending finds them claimed; a failed delivery marks nothing sent
and leaves no claim; a claim left by a run killed mid-send expires.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from test_improve_notify import SOLO, make_programme

import cxframe
import cxframe_improve
import cxframe_nps
from cxframe import AlertMessage, Delivery, Notifier, testing
from cxframe_improve import notify

SETTINGS = {"recipients": {"default": "probe:cx-team"}}


class Probe:
    """A notifier that, while it sends, checks what other commands can do with the store."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.sent: list[AlertMessage] = []
        self.lock_free: list[bool] = []
        self.nested: list[int] = []
        self.fail = False
        self.during: Any = None

    def send(self, messages: Sequence[AlertMessage]) -> list[Delivery]:
        assert self.root is not None
        # the write lock is free: another connection can start a write transaction at once
        conn = sqlite3.connect(self.root / "cxframe.db", timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            self.lock_free.append(True)
        except sqlite3.OperationalError:
            self.lock_free.append(False)
        finally:
            conn.close()
        if self.during is not None:
            self.during()
        if self.fail:
            return [Delivery(message, False, "server unavailable") for message in messages]
        self.sent += messages
        return [Delivery(message, True) for message in messages]


def host(probe: Probe) -> Any:
    plugin = types.ModuleType("cxframe_probe")
    plugin.register_notifiers = cxframe.hookimpl(lambda: [Notifier("probe", "A probe", probe.send)])  # type: ignore[attr-defined]
    return testing.plugin_host(cxframe_nps, cxframe_improve, plugin)


@pytest.fixture
def probe(tmp_path: Path) -> Probe:
    probe = Probe()
    probe.root = make_programme(tmp_path, SETTINGS, owners=SOLO)
    cxframe.collect(probe.root, host=host(probe))
    return probe


def claims(root: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(root / "cxframe.db") as conn:
        return conn.execute(f"SELECT case_id, kind, run FROM {notify.CLAIMS} ORDER BY case_id, kind").fetchall()


def test_sending_holds_no_write_lock_and_a_run_meanwhile_sends_nothing_twice(probe: Probe) -> None:
    assert probe.root is not None
    root = probe.root

    def meanwhile() -> None:
        # a second notify while the first is sending: the alerts are claimed, it has nothing to send
        probe.during = None
        second = cxframe_improve.notify_owners(root, host=host(probe))
        probe.nested.append(len(second.alerts))
        # and the loop's owners can update a case (a write) without waiting
        cxframe_improve.update_case(root, 1, "contacted", note="called while the alert was going out", host=host(probe))

    probe.during = meanwhile
    result = cxframe_improve.notify_owners(root, host=host(probe))
    assert [alert.status for alert in result.alerts] == ["sent"]
    assert probe.lock_free == [True]  # checked while sending (the nested run had nothing to send)
    assert probe.nested == [0]
    assert len(probe.sent) == 1 and claims(root) == []
    # recorded: the next run sends nothing
    assert cxframe_improve.notify_owners(root, host=host(probe)).alerts == ()
    assert len(probe.sent) == 1


def test_a_failed_delivery_marks_nothing_sent_and_leaves_no_claim(probe: Probe) -> None:
    assert probe.root is not None
    probe.fail = True
    failed = cxframe_improve.notify_owners(probe.root, host=host(probe))
    assert [(alert.status, alert.error) for alert in failed.alerts] == [("failed", "server unavailable")]
    assert claims(probe.root) == []
    assert [entry["sent"] for entry in cxframe_improve.alert_log(probe.root, host=host(probe))] == [False]
    probe.fail = False
    result = cxframe_improve.notify_owners(probe.root, host=host(probe))  # retried, and now delivered
    assert [alert.status for alert in result.alerts] == ["sent"] and len(probe.sent) == 1


def _claim_all(root: Path, hours_ago: float, probe: Probe) -> None:
    cases = [case.case for case in cxframe_improve.loop_cases(root, open_only=True, host=host(probe))]
    at = cxframe_improve.cases.stored_time(dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_ago))
    with sqlite3.connect(root / "cxframe.db") as conn:
        conn.executemany(
            f"INSERT INTO {notify.CLAIMS} (case_id, kind, notifier, recipient, claimed, run) VALUES (?, ?, ?, ?, ?, ?)",
            [(case, kind, "probe", "cx-team", at, "killed") for case in cases for kind in ("new", "overdue")],
        )


def test_alerts_another_run_is_sending_are_left_to_it(probe: Probe) -> None:
    assert probe.root is not None
    _claim_all(probe.root, 0.1, probe)
    assert cxframe_improve.notify_owners(probe.root, host=host(probe)).alerts == ()
    assert probe.sent == []


def test_a_claim_left_by_a_run_killed_while_sending_expires(probe: Probe) -> None:
    assert probe.root is not None
    _claim_all(probe.root, notify.CLAIM_LEASE.total_seconds() / 3600 + 0.5, probe)
    result = cxframe_improve.notify_owners(probe.root, host=host(probe))
    assert [alert.status for alert in result.alerts] == ["sent"] and len(probe.sent) == 1
    assert claims(probe.root) == []  # taken over by the run that sent them, then dropped
