"""Shared fixtures: a small in-repo plugin (``toy``) so core tests need no built-in plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxframe import testing
from cxframe.host._manager import PluginHost
from tests import toy_plugin


@pytest.fixture
def host() -> PluginHost:
    """A fresh host with only the toy plugin."""
    return testing.plugin_host(toy_plugin)


@pytest.fixture
def programme(tmp_path: Path) -> Path:
    """A programme with one toy source and one objective."""
    root = testing.make_programme(
        tmp_path / "programme",
        context={"organisation": "Acme", "scope": "all customers", "sponsor": "CCO"},
        objectives=[{"id": "score-up", "metric": "mean_score", "target": 5, "deadline": "2027-01-01"}],
        touchpoints=[{"id": "web", "name": "Website", "environment": "digital", "owner": "Digital"}],
        sources=[{"id": "answers", "collector": "toy-csv", "path": "answers.csv"}],
    )
    write_answers(root / "answers.csv", [("r1", "score", "7", "2026-01-05T10:00:00Z", "north")])
    return root


def write_answers(path: Path, rows: list[tuple[str, ...]]) -> Path:
    lines = ["response,question,value,timestamp,region"] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
