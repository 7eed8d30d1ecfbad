"""The text plugin's part of a customer's profile (the core's ``customer_profile`` hook): comments, themes, sentiment."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

from text_helpers import cli, host, make

import cxframe_text
from cxframe import open_programme

#: (response id, customer, day, nps, comment): c1 commented three times (one blank), c2 never
ANSWERS = [
    ("a1", "c1", 3, 2, "Delivery was late and the courier was rude, call me on 13812345678"),
    ("a2", "c1", 1, 9, "客服态度很好，解决得很快"),
    ("a3", "c1", 5, 5, "   "),
    ("a4", "c2", 2, 10, ""),
    ("a5", "c3", 4, 3, "[bold]Broken[/bold] box, 包装破损"),
]


def collected(tmp_path: Path, settings: dict[str, Any] | None = None) -> Path:
    root = make(tmp_path, settings)
    with (root / "data" / "survey.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "customer_id", "submitted_at", "region", "comment", "likely_to_recommend"])
        for response, customer, day, nps, comment in ANSWERS:
            writer.writerow([response, customer, f"2026-03-{day:02d}T10:00:00Z", "North", comment, nps])
    assert cli(root, "collect").exit_code == 0
    return root


def part(root: Path, customer: str) -> Any:
    with open_programme(root, host()) as opened:
        answers = opened.host.call(
            "customer_profile", programme=opened.programme, store=opened.store, customer=customer
        )
    assert [plugin for plugin, _ in answers] == ["cxframe_text"]  # registered as a module here
    return answers[0][1]


def test_a_customers_comments_come_masked_with_their_themes_and_sentiment_oldest_first(tmp_path: Path) -> None:
    root = collected(tmp_path)
    comments = part(root, "c1")["comments"]
    assert [c["response_id"] for c in comments] == ["a2", "a1"]  # by time; the blank comment is none
    first, second = comments
    assert list(first) == ["timestamp", "source", "response_id", "comment", "themes", "sentiment"]
    assert (first["timestamp"], first["source"]) == ("2026-03-01T10:00:00Z", "survey")
    assert first["themes"] == ["service"] and first["sentiment"]["label"] == "positive"
    assert second["comment"] == "Delivery was late and the courier was rude, call me on [phone]"
    assert second["themes"] == ["delivery"] and second["sentiment"]["label"] == "negative"
    assert -1 <= second["sentiment"]["score"] < -0.05
    # a child theme brings its parent, as in cxframe text themes
    assert part(root, "c3")["comments"][0]["themes"] == ["delivery", "damage"]


def test_a_customer_without_comments_has_an_empty_list(tmp_path: Path) -> None:
    root = collected(tmp_path)
    assert part(root, "c2") == {"comments": []}
    assert cxframe_text.customer_comments is not None


def test_without_a_codeframe_comments_have_no_themes_but_a_sentiment(tmp_path: Path) -> None:
    root = collected(tmp_path, {})
    with open_programme(root, host()) as opened:
        found = cxframe_text.customer_comments(opened.programme, opened.store, "c1")
    assert [c["themes"] for c in found["comments"]] == [[], []]
    assert found["comments"][0]["sentiment"]["label"] == "positive"


def test_employees_comments_are_never_a_profiles(tmp_path: Path) -> None:
    # staff comments stay behind the employee plugin's anonymity threshold: only customers' are read
    root = collected(tmp_path)
    with sqlite3.connect(root / "cxframe.db") as db:
        db.execute("UPDATE responses SET population = 'employee' WHERE response_id = 'a1'")
    assert [c["response_id"] for c in part(root, "c1")["comments"]] == ["a2"]
