"""``cxframe forget SOURCE`` and the kept churn scores: learnt from every source, they all go with any of them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from test_insight_churn_model import cli, host, programme

import cxframe
import cxframe_insight
from cxframe import testing


def kept(root: Path) -> tuple[int, int]:
    with sqlite3.connect(root / "cxframe.db") as db:
        scores = db.execute("SELECT COUNT(*) FROM insight_churn_scores").fetchone()[0]
        state = db.execute("SELECT COUNT(*) FROM insight_churn_state").fetchone()[0]
    return scores, state


def test_forget_deletes_the_kept_scores_and_the_next_profile_predicts_on_what_is_left(tmp_path: Path) -> None:
    root = programme(tmp_path, signal=True, customers=300)
    prediction = cxframe_insight.predict_churn(root, host=host())
    scored = len(prediction.customers)
    assert kept(root) == (scored, 1)

    result = cli(root, "forget", "log", "--json")

    assert result.exit_code == 0, result.output
    forgotten = json.loads(result.stdout)
    assert forgotten["plugins"] == {
        "cxframe_insight": f"deleted the kept churn scores of {scored} customers (learnt from that source too; "
        "`cxframe predict churn` or the next `cxframe customer` computes them again)"
    }
    assert kept(root) == (0, 0)
    # the other sources are still stored, and the risk is learnt again from them alone
    customer = prediction.customers[0].customer
    again = cxframe_insight.customer_profile(root, customer, host=host())
    assert again.risk == cxframe_insight.predict_churn(root, host=host()).of(customer)
    assert again.events == ()
    assert kept(root)[0] > 0


def test_forget_without_kept_scores_says_nothing_for_the_insight_plugin(tmp_path: Path) -> None:
    root = programme(tmp_path, signal=False, customers=50)
    assert cxframe.forget(root, "outcomes", host=host()).plugins == {}
    # nor does it create the plugin's tables
    with sqlite3.connect(root / "cxframe.db") as db:
        assert db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'insight_%'").fetchall() == []
    assert testing.invoke(["-C", str(root), "forget", "survey"], host=host()).exit_code == 0
