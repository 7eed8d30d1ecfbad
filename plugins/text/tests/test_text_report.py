"""The themes in the assessment's reports: the ``text`` section from the plugin's evidence, masked and escaped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from text_helpers import ROWS, collect

import cxframe.assessment.models
import cxframe.reporters
import cxframe_nps
import cxframe_text
from cxframe import testing

HOSTILE = "<script>alert(1)</script> ok"


def assess(root: Path, *args: str) -> Any:
    host = testing.plugin_host(cxframe_nps, cxframe_text, cxframe.reporters, cxframe.assessment.models)
    result = testing.invoke(["-C", str(root), *args], host=host)
    assert result.exit_code == 0, result.output
    return result


def test_the_section_shows_themes_against_nps_masked_and_escaped(tmp_path: Path) -> None:
    root = collect(tmp_path, rows=[*ROWS, ("r19", 8, "North", HOSTILE)])
    assess(root, "assess")
    document = json.loads((root / "reports" / "assessment.json").read_text(encoding="utf-8"))
    evidence = document["evidence"]["text"]
    assert evidence["comments"] == 16 and evidence["metric"] == "nps"
    assert evidence["themes"][0]["title"] == "Delivery" and evidence["themes"][0]["mean_with"] == -100.0
    assert "Everything fine, write to me at [email]" in evidence["untagged_sample"]
    html = (root / "reports" / "assessment.html").read_text(encoding="utf-8")
    assert "<h2>What customers write about</h2>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ok" in html and "<script>alert(1)" not in html
    ours = html[html.index('<section id="text"') :]
    ours = ours[: ours.index("</section>")]
    assert "[email]" in ours and "jane.doe@example.com" not in ours
    # the core's own verbatims section masks them too, without mask_stored
    assert "jane.doe@example.com" not in html and "13812345678" not in html
    markdown = (root / "reports" / "assessment.md").read_text(encoding="utf-8")
    assert "| **Delivery** | 5 | 31.2% | -100.0 |" in markdown


@pytest.mark.parametrize("mask_stored", [False, True])
def test_no_report_shows_personal_data_with_or_without_mask_stored(tmp_path: Path, mask_stored: bool) -> None:
    from text_helpers import THEMES

    root = collect(tmp_path, {"themes": THEMES, "mask_stored": mask_stored})
    assess(root, "assess")
    for suffix in (".html", ".md", ".json"):
        page = (root / "reports" / f"assessment{suffix}").read_text(encoding="utf-8")
        assert "jane.doe@example.com" not in page and "13812345678" not in page


def test_the_section_in_chinese_and_for_the_executive(tmp_path: Path) -> None:
    root = collect(tmp_path)
    assess(root, "assess")
    assess(root, "report", "--role", "executive", "--lang", "zh-CN")
    page = (root / "reports" / "assessment.executive.zh-CN.html").read_text(encoding="utf-8")
    assert "客户在说什么" in page and "提到编码框架中的至少一个主题" in page
    assert "未被任何主题覆盖的评论示例" not in page  # the executive sees the table, not the comments
    ours = page[page.index('<section id="text"') :]
    assert "还可以吧" not in ours[: ours.index("</section>")]  # no comment text in the executive's view


def test_no_codeframe_no_section(tmp_path: Path) -> None:
    root = collect(tmp_path, {})
    assess(root, "assess")
    document = json.loads((root / "reports" / "assessment.json").read_text(encoding="utf-8"))
    assert "text" not in document.get("evidence", {})
    assert "What customers write about" not in (root / "reports" / "assessment.html").read_text(encoding="utf-8")
