"""The ``customer_profile`` hook: plugins add parts to one customer's profile without importing each other.

The insight plugin shows the profile (``cxframe customer ID``) and calls the
hook; the text plugin answers with the customer's comments, their themes and
sentiment. Here the hook on its own, and the two plugins together.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cxframe import hookimpl, open_programme, testing
from cxframe.host import _hookspecs as hookspecs


class Tier:
    """A plugin that needs only the customer's id (a hook gets the arguments it names)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    @hookimpl
    def customer_profile(self, customer: str) -> dict[str, Any]:
        self.asked.append(customer)
        return {"tier": "gold"}


class Quiet:
    @hookimpl
    def customer_profile(self, programme: Any, store: Any, customer: str) -> None:
        return None


def test_the_hook_is_specified_and_each_plugin_answers_with_the_arguments_it_names(tmp_path: Path) -> None:
    doc = hookspecs.customer_profile.__doc__ or ""
    assert "Called once per profile" in doc and ":return:" in doc
    root = testing.make_programme(tmp_path)
    tier = Tier()
    with open_programme(root, testing.plugin_host(tier, Quiet())) as opened:
        answers = opened.host.call("customer_profile", programme=opened.programme, store=opened.store, customer="c1")
    assert [answer for _, answer in answers] == [{"tier": "gold"}]  # None answers are left out
    assert tier.asked == ["c1"]


def test_the_profile_shows_the_customers_comments_with_themes_and_sentiment(tmp_path: Path) -> None:
    cxframe_insight = pytest.importorskip("cxframe_insight")
    cxframe_text = pytest.importorskip("cxframe_text")
    cxframe_nps = pytest.importorskip("cxframe_nps")
    root = testing.make_programme(
        tmp_path,
        sources=[
            {
                "id": "survey",
                "collector": "survey-csv",
                "path": "survey.csv",
                "columns": {
                    "response_id": "id",
                    "respondent_id": "customer",
                    "timestamp": "when",
                    "comment": "comment",
                    "questions": {"nps": "ltr"},
                },
            }
        ],
        plugins={"cxframe-text": {"themes": [{"id": "staff", "keywords": ["staff", "员工"]}]}},
    )
    (root / "survey.csv").write_text(
        "id,customer,when,comment,ltr\n"
        "r1,c1,2026-03-01T10:00:00Z,The staff were wonderful,10\n"
        "r2,c1,2026-03-02T10:00:00Z,员工态度很差 mail me at a@b.cn,2\n"
        "r3,c2,2026-03-02T10:00:00Z,Fine,8\n",
        encoding="utf-8",
    )
    host = testing.plugin_host(cxframe_nps, cxframe_text, cxframe_insight)
    assert testing.invoke(["-C", str(root), "collect"], host=host).exit_code == 0
    result = testing.invoke(["-C", str(root), "customer", "c1", "--json"], host=host)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert list(found)[-1] == "comments"
    assert [(c["response_id"], c["themes"], c["sentiment"]["label"]) for c in found["comments"]] == [
        ("r1", ["staff"], "positive"),
        ("r2", ["staff"], "negative"),
    ]
    assert found["comments"][1]["comment"] == "员工态度很差 mail me at [email]"
    assert [o["comment"] for o in found["observations"]][-1] == "员工态度很差 mail me at [email]"
    table = testing.invoke(["-C", str(root), "customer", "c1"], host=host)
    assert table.exit_code == 0, table.output
    assert "Comments" in table.stdout and "[email]" in table.stdout and "positive" in table.stdout
    assert "a@b.cn" not in table.stdout  # the answers' own comment column is masked too
    # without the text plugin there is no comments key (the observations still carry the comment)
    alone = testing.invoke(
        ["-C", str(root), "customer", "c1", "--json"], host=testing.plugin_host(cxframe_nps, cxframe_insight)
    )
    assert "comments" not in json.loads(alone.stdout)
