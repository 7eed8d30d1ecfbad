"""The worked examples' comments fit their touchpoint and their score (#22, item 8).

A passport-photo complaint under the contact centre, or a complaint from a
promoter, makes a reader distrust every verbatim of the report. Each
generated comment comes from its touchpoint's pool for what its score says
(promoter 9–10, passive 7–8, detractor 0–6); the few special comments
(characters reports must escape, Chinese) are put on a response they fit.
Read from the files the examples write, as collectors and reports see them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import ModuleType

import pytest

from cxframe.programme._scaffold import init_programme
from cxframe.programme.examples import retail_bank, telecom
from cxframe.programme.examples._generate import sentiment

EXAMPLES: dict[str, ModuleType] = {"retail-bank": retail_bank, "telecom": telecom}


def _survey(name: str, root: Path) -> list[tuple[str, str, str]]:
    """``(touchpoint, score, comment)`` of every response with a touchpoint in the example's survey file."""
    if name == "retail-bank":
        with (root / "data" / "customer_survey.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return [(r["touchpoint"], r["likely_to_recommend"], r["comment"] or "") for r in rows if r["touchpoint"]]
    with (root / "data" / "qualtrics_export.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    answers = [dict(zip(header, row, strict=False)) for row in rows[3:]]  # below Qualtrics' three header rows
    return [(r["Touchpoint"], r["Q1"], r["Q5"]) for r in answers if r.get("Touchpoint")]


@pytest.fixture(scope="module", params=sorted(EXAMPLES))
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    root = tmp_path_factory.mktemp(request.param)
    init_programme(root, example=request.param)
    return request.param, root


def test_every_comment_fits_its_touchpoint_and_score(written: tuple[str, Path]) -> None:
    name, root = written
    module = EXAMPLES[name]
    specials = {special.text: special for special in module.SPECIAL_COMMENTS}
    checked = 0
    for touchpoint, score, comment in _survey(name, root):
        if not comment or not score.isdigit() or not 0 <= int(score) <= 10:
            continue  # no comment, or a score spoiled on purpose after the comment was chosen
        said = sentiment(int(score))
        if comment in specials:
            special = specials[comment]
            assert not special.touchpoints or touchpoint in special.touchpoints, (comment, touchpoint)
            assert special.sentiment in (None, said), (comment, score)
        else:
            assert comment in module.COMMENTS[touchpoint][said], (touchpoint, score, comment)
        checked += 1
    assert checked > 500  # about a third of the responses leave a comment


def test_every_special_comment_is_written(written: tuple[str, Path]) -> None:
    name, root = written
    comments = [comment for _, _, comment in _survey(name, root)]
    for special in EXAMPLES[name].SPECIAL_COMMENTS:
        assert comments.count(special.text) == 1, special.text


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_touchpoint_has_as_many_comments_per_score_as_the_others(name: str) -> None:
    """Choosing among as many comments draws the random stream alike, so the example's figures stay as documented."""
    module = EXAMPLES[name]
    assert set(module.COMMENTS) == set(module.SURVEYED)
    sizes = {
        touchpoint: {said: len(pool) for said, pool in pools.items()} for touchpoint, pools in module.COMMENTS.items()
    }
    assert len({tuple(sorted(size.items())) for size in sizes.values()}) == 1, sizes
    for pools in module.COMMENTS.values():
        for pool in pools.values():
            assert len(set(pool)) == len(pool)


def test_no_comment_is_about_another_touchpoint() -> None:
    """The complaint the review found: the passport photo is the app's ID check, nowhere else."""
    for touchpoint, pools in retail_bank.COMMENTS.items():
        texts = [text for pool in pools.values() for text in pool]
        if touchpoint != "app-onboarding":
            assert not any("passport" in text for text in texts), touchpoint
