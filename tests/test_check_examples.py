"""The check of docs/writing-a-plugin.md that reads the store copes with a segment column that is not there yet."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cxframe
from cxframe import CollectedRow, Collector, Observation, SourceReader, hookimpl, testing

_spec = importlib.util.spec_from_file_location(
    "branch_coverage", Path(__file__).parents[1] / "examples/checks/branch_coverage.py"
)
assert _spec is not None and _spec.loader is not None
branch_coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(branch_coverage)


def _read(source: SourceReader) -> Iterator[CollectedRow]:
    """``question;score;branch`` a line; a blank branch stores the answer without the segment."""
    with source.open_text() as handle:
        for line, text in enumerate(handle, start=1):
            question, score, branch = text.rstrip("\n").split(";")
            yield (
                line,
                Observation(
                    question=question,
                    value=float(score),
                    timestamp=dt.datetime(2026, 3, 1, 9, line, tzinfo=dt.UTC),
                    source=source.id,
                    segment={"branch": branch} if branch else {},
                ),
            )


class Answers:
    @hookimpl
    def register_collectors(self) -> list[Collector]:
        return [Collector(id="answers", description="question;score;branch lines", read=_read)]


def _check(root: Path, *lines: str) -> dict[str, Any]:
    """The example check's result, after collecting ``lines`` (nothing collected when there are none)."""
    if lines:
        (root / "answers.csv").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        host = testing.plugin_host(Answers())
        cxframe.collect(root, [str(root / "answers.csv")], collector="answers", host=host)
    result = testing.invoke(["-C", str(root), "check", "--json"], host=testing.plugin_host(branch_coverage, Answers()))
    assert result.exit_code == 0, result.output
    [found] = [r for r in json.loads(result.stdout) if r["check"] == "acme.branch-coverage"]
    return dict(found)


def test_before_any_collect_the_check_says_what_is_missing_rather_than_failing(tmp_path: Path) -> None:
    found = _check(testing.make_programme(tmp_path / "p"))
    assert found["status"] == "warn" and found["evidence"] == ["no answer has a branch yet"]


def test_answers_without_the_segment_leave_the_column_missing(tmp_path: Path) -> None:
    found = _check(testing.make_programme(tmp_path / "p"), "acme_sat;4;", "acme_sat;5;")
    assert found["status"] == "warn" and found["evidence"] == ["no answer has a branch yet"]


def test_a_branch_column_of_other_questions_only(tmp_path: Path) -> None:
    found = _check(testing.make_programme(tmp_path / "p"), "acme_effort;2;north", "acme_sat;4;")
    assert found["status"] == "warn" and found["evidence"] == ["no answer to acme_sat has a branch"]


def test_a_thin_branch_warns_and_names_it(tmp_path: Path) -> None:
    lines = [*["acme_sat;4;north"] * 5, *["acme_sat;2;south"] * 2, "acme_effort;1;south", "acme_sat;5;"]
    found = _check(testing.make_programme(tmp_path / "p"), *lines)
    assert found["status"] == "warn"
    assert found["evidence"] == ["1 of 2 branches with at least 5 answers", "too few answers: south (2)"]
    assert found["title"] == "Some branches have too few answers to compare"


def test_every_branch_with_enough_answers_passes(tmp_path: Path) -> None:
    lines = [*["acme_sat;4;north"] * 5, *["acme_sat;2;south"] * 6]
    found = _check(testing.make_programme(tmp_path / "p"), *lines)
    assert found["status"] == "pass" and found["evidence"] == ["2 of 2 branches with at least 5 answers"]
