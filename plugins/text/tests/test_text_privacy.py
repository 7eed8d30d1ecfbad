"""Personal data in comments — e-mails, phone numbers, Chinese resident IDs — masked before any report, and in the store on request."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from text_helpers import THEMES, cli_json, collect

import cxframe_nps
import cxframe_text
from cxframe import InvalidInput, testing


# the masking itself is the core's (cxframe.mask_personal_data): tests/test_privacy.py
def test_comments_are_masked_in_reports_but_stored_as_given_by_default(tmp_path: Path) -> None:
    root = collect(tmp_path)
    assert "Everything fine, write to me at [email]" in cli_json(root, "text", "themes")["untagged_sample"]
    shown = {row["response_id"]: row["text"] for row in cli_json(root, "text", "tag")}
    assert shown["r04"].endswith("[phone]") and shown["r11"].endswith("[email]")
    with sqlite3.connect(root / "cxframe.db") as db:
        assert db.execute("SELECT count(*) FROM responses WHERE comment LIKE '%13812345678%'").fetchone() == (1,)


def test_mask_stored_masks_the_store_after_each_collect(tmp_path: Path) -> None:
    root = collect(tmp_path, {"themes": THEMES, "mask_stored": True})
    with sqlite3.connect(root / "cxframe.db") as db:
        comments = [row[0] for row in db.execute("SELECT comment FROM responses ORDER BY id")]
    assert "The box arrived damaged, call me on [phone]" in comments
    assert "Everything fine, write to me at [email]" in comments
    assert not any("13812345678" in text or "@example.com" in text for text in comments if text)
    assert "快递太慢了，送货慢，等了一个星期" in comments  # others untouched


def test_employees_comments_stay_out_of_comment_analysis(tmp_path: Path) -> None:
    # staff comments are behind the employee plugin's anonymity threshold; text analysis reads customers' only
    cxframe_employee = pytest.importorskip("cxframe_employee")
    root = collect(tmp_path)
    with sqlite3.connect(root / "cxframe.db") as db:
        db.execute("UPDATE responses SET population = 'employee' WHERE response_id = 'r01'")
    tagged = cli_json(root, "text", "tag")
    assert "r01" not in {row["response_id"] for row in tagged}
    assert "courier was rude" not in json.dumps(cli_json(root, "text", "themes"))
    staff = testing.plugin_host(cxframe_nps, cxframe_text, cxframe_employee)
    with pytest.raises(InvalidInput, match="reads customers' comments"):
        cxframe_text.text_themes(root, metric="enps", host=staff)
