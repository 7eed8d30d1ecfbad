"""Comments in the loop's outputs are masked as everywhere else; the store keeps them, and import never writes back.

New-user report, item 8: ``loop list`` (table and JSON) and ``loop export``
showed a phone number and an e-mail address as typed, while alerts masked them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest
from test_improve_loop import ROWS, cli, collected, host, listed

import cxframe_improve
from cxframe import testing

TYPED = "call me on 07700 900123 or a@b.com"
MASKED = "call me on [phone] or [email]"
# r1 (nps 3, contact-centre) carries the personal data
PERSONAL = [(*ROWS[0][:5], TYPED, *ROWS[0][6:]), *ROWS[1:]]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return collected(tmp_path, rows=PERSONAL)


def test_loop_list_masks_the_comment_in_the_table_and_the_json(root: Path) -> None:
    [case] = [case for case in listed(root) if case["response_id"] == "r1"]
    assert case["comment"] == MASKED
    result = cli(root, "loop", "list")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "07700" not in text and "a@b.com" not in text
    assert "[phone]" in text and "[email]" in text
    # the store keeps the comment as collected: the masking is on the way out
    [stored] = testing.read_table(root, "improve_cases", "response_id = ?", ["r1"])
    assert stored["comment"] == TYPED
    # so does the Python object; its `shown_comment` is what outputs show
    [found] = [c for c in cxframe_improve.loop_cases(root, host=host()) if c.response_id == "r1"]
    assert (found.comment, found.shown_comment) == (TYPED, MASKED)


def test_loop_update_json_masks_the_comment(root: Path) -> None:
    case = next(c["case"] for c in listed(root) if c["response_id"] == "r1")
    result = cli(root, "loop", "update", str(case), "--status", "contacted", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["comment"] == MASKED


def test_loop_export_masks_the_comment_and_is_readable_by_its_owner_only(root: Path) -> None:
    target = root / "cases.csv"
    result = cli(root, "loop", "export", str(target))
    assert result.exit_code == 0, result.output
    content = target.read_text(encoding="utf-8")
    assert "07700" not in content and "a@b.com" not in content
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    assert next(row for row in rows if row["response_id"] == "r1")["comment"] == MASKED
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_export_imported_back_never_writes_the_masked_comment_over_the_stored_one(root: Path) -> None:
    before = testing.read_table(root, "improve_cases"), testing.read_table(root, "improve_case_history")
    target = root / "cases.csv"
    assert cli(root, "loop", "export", str(target)).exit_code == 0
    result = cli(root, "loop", "import", str(target))
    assert result.exit_code == 0, result.output
    assert "0 of 5 case(s) changed" in result.stdout
    assert (testing.read_table(root, "improve_cases"), testing.read_table(root, "improve_case_history")) == before
    # a comment edited in the CRM is not read back either: import reads case, status, root cause and resolution
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    for row in rows:
        row["comment"] = "edited in the CRM"
    row = next(row for row in rows if row["response_id"] == "r1")
    row["status"] = "contacted"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    assert cli(root, "loop", "import", str(target)).exit_code == 0
    [stored] = testing.read_table(root, "improve_cases", "response_id = ?", ["r1"])
    assert (stored["comment"], stored["status"]) == (TYPED, "contacted")
    assert {case["comment"] for case in testing.read_table(root, "improve_cases")} == {c["comment"] for c in before[0]}


def test_alerts_mask_the_same_comment_the_same_way(root: Path) -> None:
    case = next(c for c in cxframe_improve.loop_cases(root, host=host()) if c.response_id == "r1")
    from cxframe_improve import notify

    assert notify.case_item(case, 160)["comment"] == MASKED
