"""Errors and output lines a new user tripped over: each says its thing once, in the right words (new-user walkthrough)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cxframe import testing
from cxframe.cli import cli


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-C", str(root), *args])


def errors(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize(
    "options",
    [
        (),
        ("--collector", "survey-csv"),
        ("--collector", "survey-csv", "--column", "timestamp=Date", "--column", "questions.nps=Q1"),
    ],
)
@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf\r\n\n"])
def test_an_empty_file_is_one_error_naming_it(tmp_path: Path, options: tuple[str, ...], content: bytes) -> None:
    root = testing.make_programme(tmp_path / "p", 'name = "Empty"\n')
    (root / "empty.csv").write_bytes(content)
    result = run(root, "collect", str(root / "empty.csv"), *options)
    assert result.exit_code == 1, result.output
    assert len(errors(result)) == 1, result.stderr
    assert "empty.csv: the file is empty" in errors(result)[0]
    assert "not recognised" not in result.stderr and "columns." not in result.stderr
