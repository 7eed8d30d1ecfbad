"""Reviews and social posts as a source (reviews-csv, reviews-jsonl): stored beside the survey, authors keyed-hashed (#26)."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from text_helpers import THEMES, cli, cli_json, write_survey

import cxframe_text
from cxframe import testing

SECRET = "a-long-random-test-secret"

#: platform, post_id, author, text, time, rating
POSTS: list[tuple[str, str, str, str, str, str]] = [
    ("app-store", "p1", "@lily", "App crashes on login, terrible", "2026-03-02T08:00:00Z", "1"),
    ("weibo", "w1", "小明", "快递太慢了，物流很差", "2026-03-03T09:00:00+08:00", ""),  # a post: no rating
    ("weibo", "w2", "小红", "客服态度很好", "1772600000", ""),  # Unix seconds
    ("tmall", "t1", "", "价格太贵了", "2026-03-04T10:00:00Z", "2"),  # no author
    ("app-store", "p2", "@bob", "", "2026-03-05T10:00:00Z", "5"),  # a rating without text
    ("app-store", "p3", "@eve", "Love it, call me 13812345678", "2026-03-06T10:00:00Z", "9"),  # bad rating
    ("", "x1", "@x", "no platform", "2026-03-06T10:00:00Z", ""),  # rejected: platform blank
    ("weibo", "w3", "@y", "   ", "2026-03-06T10:00:00Z", ""),  # rejected: no text, no rating
    ("weibo", "w4", "@z", "when?", "yesterday", ""),  # rejected: time
]


def programme(tmp_path: Path, collector: str = "reviews-csv", **options: Any) -> Path:
    suffix = "csv" if collector == "reviews-csv" else "jsonl"
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
            },
            {"id": "reviews", "collector": collector, "path": f"data/reviews.{suffix}", "options": options},
        ],
        plugins={"cxframe-text": {"themes": THEMES}},
    )
    write_survey(root)
    if suffix == "csv":
        with (root / "data" / "reviews.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["platform", "post_id", "author", "text", "time", "rating"])
            writer.writerows(POSTS)
    else:
        keys = ("platform", "post_id", "author", "text", "time", "rating")
        lines = []
        for post in POSTS:
            record: dict[str, Any] = dict(zip(keys, post, strict=True))
            record["rating"] = int(record["rating"]) if record["rating"] else None
            lines.append(json.dumps(record, ensure_ascii=False))
        lines.insert(3, "[1, 2]")
        lines.insert(5, "{not json")
        (root / "data" / "reviews.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def collected(root: Path) -> Any:
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    return result


def reviews(root: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(root / "cxframe.db") as db:
        return db.execute(
            "SELECT response_id, respondent_id, channel, comment FROM responses WHERE source = 'reviews' ORDER BY id"
        ).fetchall()


@pytest.mark.parametrize("collector", ["reviews-csv", "reviews-jsonl"])
def test_posts_are_stored_beside_the_survey_with_authors_hashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector: str
) -> None:
    monkeypatch.setenv("CXFRAME_AUTHOR_SECRET", SECRET)
    root = programme(tmp_path, collector)
    collected(root)
    stored = reviews(root)
    assert [row[0] for row in stored] == [
        "app-store:p1",
        "weibo:w1",
        "weibo:w2",
        "tmall:t1",
        "app-store:p2",
        "app-store:p3",
    ]
    by_id = {row[0]: row for row in stored}
    assert by_id["app-store:p1"][1] == cxframe_text.author_hash(SECRET.encode(), "app-store", "@lily")
    assert by_id["tmall:t1"][1] is None and by_id["weibo:w1"][2] == "weibo"
    # no handle is stored, and not its plain (dictionary-reversible) hash either
    dump = "\n".join(str(cell) for row in stored for cell in row)
    assert "@lily" not in dump and "小明" not in dump
    assert hashlib.sha256(b"@lily").hexdigest()[:32] not in dump
    with sqlite3.connect(root / "cxframe.db") as db:
        answers = dict(
            db.execute(
                "SELECT r.response_id || '/' || o.question, o.value FROM observations o JOIN responses r "
                "ON o.response = r.id WHERE r.source = 'reviews'"
            ).fetchall()
        )
        rejects = db.execute("SELECT line, reason FROM rejects ORDER BY line, reason").fetchall()
    assert answers["weibo:w1/mention"] == 1.0 and "weibo:w1/rating" not in answers  # a post without a rating is kept
    assert answers["app-store:p1/rating"] == 1.0 and answers["app-store:p2/rating"] == 5.0
    assert "app-store:p3/rating" not in answers and answers["app-store:p3/mention"] == 1.0
    reasons = [reason for _, reason in rejects]
    assert any("rating: 9 is outside the scale 1–5" in reason for reason in reasons)
    assert any("platform is blank" in reason for reason in reasons)
    assert any("neither text nor a rating" in reason for reason in reasons)
    assert any("yesterday" in reason or "timestamp" in reason for reason in reasons)
    if collector == "reviews-jsonl":
        assert any("expected a JSON object, got list" in reason for reason in reasons)
        assert any("not valid JSON" in reason for reason in reasons)
    # the same export again: every post stored once
    collected(root)
    assert len(reviews(root)) == 6


def test_a_gb18030_export_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXFRAME_AUTHOR_SECRET", SECRET)
    root = programme(tmp_path)
    text = (root / "data" / "reviews.csv").read_text(encoding="utf-8")
    (root / "data" / "reviews.csv").write_bytes(text.encode("gb18030"))
    collected(root)
    assert "快递太慢了，物流很差" in [row[3] for row in reviews(root)]


def test_an_author_column_without_its_secret_is_an_error_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVIEW_KEY", raising=False)
    root = programme(tmp_path, author_secret_env="REVIEW_KEY")
    result = cli(root, "collect")
    assert result.exit_code != 0
    assert "REVIEW_KEY" in result.output and "Traceback" not in result.output


def test_bad_options_and_a_missing_column_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXFRAME_AUTHOR_SECRET", SECRET)
    root = programme(tmp_path, rating_scale=[5, 1], colour="red")
    result = cli(root, "validate")
    assert result.exit_code != 0
    assert "options.rating_scale" in result.output and "colour" in result.output
    root = programme(tmp_path / "b")
    (root / "data" / "reviews.csv").write_text("platform,post_id,body,time\nweibo,1,hi,2026-03-01\n", encoding="utf-8")
    result = cli(root, "collect")
    assert result.exit_code != 0 and "columns.text: no column 'text'" in result.output


def test_text_commands_read_reviews_and_select_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXFRAME_AUTHOR_SECRET", SECRET)
    root = programme(tmp_path)
    collected(root)

    def mentions(*args: str) -> dict[str, int]:
        return {row["theme"]: row["mentions"] for row in cli_json(root, "text", "themes", *args)["themes"]}

    everything, only_reviews, only_survey = mentions(), mentions("--source", "reviews"), mentions("--source", "survey")
    assert only_reviews["app"] == 1 and only_reviews["delivery"] == 1
    assert all(everything[theme] == only_reviews.get(theme, 0) + only_survey.get(theme, 0) for theme in everything)
    tagged = cli_json(root, "text", "tag", "--source", "reviews")
    assert {row["response_id"] for row in tagged} == {
        "app-store:p1",
        "weibo:w1",
        "weibo:w2",
        "tmall:t1",
        "app-store:p3",
    }
    assert any(row["text"] == "Love it, call me [phone]" for row in tagged)
    assert {"app", "delivery"} <= {theme for row in tagged for theme in row["themes"]}
    assert cli_json(root, "text", "themes", "--by", "source")[1]["segment"] == {"source": "survey"}
    result = cli(root, "text", "themes", "--source", "nowhere")
    assert result.exit_code != 0 and "no responses from source 'nowhere'" in result.output
    found = cxframe_text.text_themes(root, metric=None, sources=["reviews"], host=testing.plugin_host(cxframe_text))
    assert not isinstance(found, list) and found.comments == 5  # the rating-only review has no comment


def test_reviews_reach_the_reports_beside_the_survey_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cxframe.assessment.models
    import cxframe.reporters
    import cxframe_nps

    monkeypatch.setenv("CXFRAME_AUTHOR_SECRET", SECRET)
    root = programme(tmp_path)
    collected(root)
    host = testing.plugin_host(cxframe_nps, cxframe_text, cxframe.reporters, cxframe.assessment.models)
    result = testing.invoke(["-C", str(root), "assess"], host=host)
    assert result.exit_code == 0, result.output
    document = json.loads((root / "reports" / "assessment.json").read_text(encoding="utf-8"))
    quoted = [(v["question"], v["channel"], v["comment"]) for v in document["verbatims"]]
    assert (
        "rating",
        "app-store",
        "App crashes on login, terrible",
    ) in quoted  # a 1-star review, beside survey comments
    assert ("nps", None, "包装破损，物流很差") in quoted
    assert document["evidence"]["text"]["comments"] == 15 + 5  # survey comments and review texts
    html = (root / "reports" / "assessment.html").read_text(encoding="utf-8")
    assert "App crashes on login, terrible" in html and "13812345678" not in html and "@lily" not in html


def _criteria(root: Path) -> dict[str, Any]:
    import cxframe.assessment.models
    import cxframe.reporters
    import cxframe_nps

    host = testing.plugin_host(cxframe_nps, cxframe_text, cxframe.reporters, cxframe.assessment.models)
    result = testing.invoke(["-C", str(root), "assess"], host=host)
    assert result.exit_code == 0, result.output
    document = json.loads((root / "reports" / "assessment.json").read_text(encoding="utf-8"))
    return {c["id"]: c for dimension in document["model"]["dimensions"] for c in dimension["criteria"]}


def test_reviews_are_not_survey_answers_or_respondents_in_the_maturity_tallies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review is feedback nobody asked for: its `mention` is no survey answer, its author no respondent."""
    monkeypatch.setenv("CXFRAME_AUTHOR_SECRET", SECRET)
    root = programme(tmp_path)
    collected(root)
    criteria = _criteria(root)
    # 17 survey answers from 17 customers; the 6 posts' 9 answers (mentions and ratings) and their
    # 5 hashed authors counted too before: 26 answers, 22 respondents
    assert criteria["iso.info.survey"]["evidence"] == [
        "17 customer survey answers collected (17 identified respondents)"
    ]
    assert criteria["iso.info.sources"]["evidence"][0].startswith("survey answers: 17; answers with a text comment: 20")
    assert "17 identified survey respondents" in criteria["iso.info.joined"]["evidence"][0]
    # reviews alone: customers' comments are collected, solicited feedback is not
    alone = testing.make_programme(
        tmp_path / "reviews-only",
        sources=[{"id": "reviews", "collector": "reviews-csv", "path": "data/reviews.csv"}],
        plugins={"cxframe-text": {"themes": THEMES}},
    )
    (alone / "data").mkdir()
    (root / "data" / "reviews.csv").replace(alone / "data" / "reviews.csv")
    collected(alone)
    criteria = _criteria(alone)
    assert criteria["iso.info.survey"]["status"] == "unmet"
    assert criteria["iso.info.sources"]["evidence"][0].startswith("survey answers: 0; answers with a text comment: 5")


def test_the_review_collectors_are_unsolicited() -> None:
    from cxframe_text.reviews import COLLECTORS

    assert [collector.solicited for collector in COLLECTORS] == [False, False]
