"""`cxframe run` and `cxframe assess` mark a lifecycle stage by one rule: ✓ only when it ran ok with nothing to say."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cxframe import testing
from cxframe.cli._render import stage_mark, stage_status


def test_the_rule() -> None:
    assert stage_mark("ok", 0) == "✓" and stage_mark("ok", 3) == "!" and stage_mark("failed", 0) == "!"
    assert stage_status("ok", 0) == "✓ ok"
    assert stage_status("ok", 1) == "! 1 note" and stage_status("ok", 3) == "! 3 notes"
    assert stage_status("failed", 0) == "! failed"


def test_run_and_assess_agree_on_a_stage_with_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    root = testing.make_programme(tmp_path / "p")  # no context stated: the context stage has notes
    host = testing.plugin_host(entry_points=True)  # the built-in maturity models, for assess
    ran = testing.invoke(["-C", str(root), "run", "--json"], host=host)
    assert ran.exit_code == 0, ran.output
    stages = {stage["stage"]: stage for stage in json.loads(ran.stdout)}
    notes = len(stages["context"]["messages"])
    assert notes > 0
    table = testing.invoke(["-C", str(root), "run"], host=host)
    row = next(line for line in table.stdout.splitlines() if line.startswith("│ context"))
    assert f"! {notes} notes" in row and "ok" not in row.split("│")[2]
    assessed = testing.invoke(["-C", str(root), "assess"], host=host)
    assert assessed.exit_code == 0, assessed.output
    line = " ".join(assessed.stdout.split())
    assert re.search(rf"context ! .*\({notes} notes\)", line), line
    # a clean stage is ✓ in both
    clean = [name for name, stage in stages.items() if not stage["messages"]]
    for name in clean:
        shown = next(line for line in table.stdout.splitlines() if line.startswith(f"│ {name} "))
        assert "✓ ok" in shown
