"""Shared helpers of the text plugin's tests: a programme with comments in Chinese, English and both."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import cxframe_nps
import cxframe_text
from cxframe import testing

THEMES: list[dict[str, Any]] = [
    {
        "id": "delivery",
        "title": "Delivery",
        "keywords": ["delivery", "late deliver*", "courier", "快递", "送货慢", "物流"],
    },
    {"id": "damage", "parent": "delivery", "keywords": ["damaged", "broken", "破损"]},
    {"id": "service", "title": "Customer service", "keywords": ["customer service", "agent", "客服", "态度"]},
    {"id": "price", "keywords": ["price", "expensive", "cheap", "价格", "太贵"]},
    {"id": "app", "keywords": ["app", "crash*", "闪退", "卡顿"]},
]

#: (response id, nps answer, region, comment)
ROWS: list[tuple[str, int | None, str, str]] = [
    ("r01", 2, "North", "Delivery was late and the courier was rude"),
    ("r02", 3, "North", "快递太慢了，送货慢，等了一个星期"),
    ("r03", 1, "South", "包装破损，物流很差"),
    ("r04", 4, "South", "The box arrived damaged, call me on 13812345678"),
    ("r05", 9, "North", "客服态度很好，解决得很快"),
    ("r06", 10, "North", "Great customer service, the agent fixed it"),
    ("r07", 6, "South", "价格太贵了"),
    ("r08", 8, "South", "Too expensive for what it is"),
    ("r09", 0, "North", "App crashes every time, 我的APP总是闪退"),
    ("r10", 10, "South", "Love it, cheap and fast"),
    ("r11", 9, "North", "Everything fine, write to me at jane.doe@example.com"),
    ("r12", 7, "South", "还可以吧"),
    ("r13", 5, "North", "   "),
    ("r14", 9, "South", ""),
    ("r15", 10, "North", "😀😀😀"),
    ("r16", 3, "South", "Late deliveries every single week"),
    ("r17", None, "North", "快递员很负责"),
    ("r18", 9, "South", "Happy with the product"),
]


def write_survey(root: Path, rows: list[tuple[str, int | None, str, str]] = ROWS) -> None:
    (root / "data").mkdir(exist_ok=True)
    with (root / "data" / "survey.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["response_id", "customer_id", "submitted_at", "region", "comment", "likely_to_recommend"])
        for index, (rid, nps, region, comment) in enumerate(rows):
            stamp = f"2026-03-{index % 28 + 1:02d}T10:00:00Z"
            writer.writerow([rid, f"c{index}", stamp, region, comment, "" if nps is None else nps])


def make(
    tmp_path: Path,
    settings: dict[str, Any] | None = None,
    rows: list[Any] = ROWS,
    programme_settings: dict[str, Any] | None = None,
) -> Path:
    """A programme with the survey written; ``programme_settings`` is its ``[settings]`` table."""
    extra = {"settings": programme_settings} if programme_settings else {}
    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {
                "id": "survey",
                "collector": "survey-csv",
                "path": "data/survey.csv",
                "columns": {
                    "response_id": "response_id",
                    "respondent_id": "customer_id",
                    "timestamp": "submitted_at",
                    "comment": "comment",
                    "segments": ["region"],
                    "questions": {"nps": "likely_to_recommend"},
                },
            }
        ],
        plugins={"cxframe-text": {"themes": THEMES} if settings is None else settings},
        **extra,
    )
    write_survey(root, rows)
    return root


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_text)


def cli(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=host())


def cli_json(root: Path, *args: str) -> Any:
    result = cli(root, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def collect(
    tmp_path: Path,
    settings: dict[str, Any] | None = None,
    rows: list[Any] = ROWS,
    programme_settings: dict[str, Any] | None = None,
) -> Path:
    root = make(tmp_path, settings, rows, programme_settings)
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    return root
