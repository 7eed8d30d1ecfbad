"""The issue's bad input, end to end: empty, white-space-only, emoji-only and very long comments and posts; a
codeframe with a duplicate theme or an invalid pattern. Each gets a clear message or is read as it is; nothing is
lost (#26, tests and bad input)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from text_helpers import THEMES, cli, cli_json, collect, make

import cxframe_text
from cxframe import InvalidInput, testing

LONG = "还可以吧。" * 20_000 + "价格太贵了" + " fine" * 20_000 + " crash, call 13812345678"
#: (response id, nps answer, region, comment): every kind of comment the issue lists
ODD: list[tuple[str, int | None, str, str]] = [
    ("e1", 3, "North", ""),
    ("e2", 4, "North", "   "),
    ("e3", 5, "South", "\t\u3000\n "),  # tabs, an ideographic space and a newline: still nothing written
    ("e4", 10, "South", "😀🎉👍"),
    ("e5", 2, "North", LONG),
    ("e6", 9, "South", "🚚 delivery 🚚"),
]


def test_odd_comments_keep_their_answers_and_count_as_comments_only_when_something_is_written(
    tmp_path: Path,
) -> None:
    root = collect(tmp_path, rows=ODD)
    with sqlite3.connect(root / "cxframe.db") as db:
        stored = dict(
            db.execute(
                "SELECT r.response_id, o.value FROM observations o JOIN responses r ON o.response = r.id "
                "WHERE o.question = 'nps'"
            ).fetchall()
        )
        long_text = db.execute("SELECT comment FROM responses WHERE response_id = 'e5'").fetchone()[0]
        assert db.execute("SELECT count(*) FROM rejects").fetchone() == (0,)
    assert stored == {"e1": 3, "e2": 4, "e3": 5, "e4": 10, "e5": 2, "e6": 9}  # every answer kept
    assert long_text == LONG  # stored whole, not cut
    tagged = {row["response_id"]: row for row in cli_json(root, "text", "tag")}
    assert set(tagged) == {"e4", "e5", "e6"}  # empty and white-space-only texts are no comment
    assert tagged["e4"]["themes"] == [] and tagged["e4"]["text"] == "😀🎉👍"
    assert tagged["e5"]["themes"] == ["price", "app"]
    assert len(tagged["e5"]["text"]) > 200_000 and "13812345678" not in tagged["e5"]["text"]
    assert tagged["e6"]["themes"] == ["delivery"]
    report = cli_json(root, "text", "themes")
    assert report["coverage"] == pytest.approx(2 / 3)
    assert report["untagged_sample"] == ["😀🎉👍"]
    assert cli_json(root, "text", "discover") == []  # no words to find topics in: an empty list, no error
    sentiment = cli_json(root, "text", "sentiment")
    assert sentiment["comments"] == 3


def with_posts(tmp_path: Path, collector: str, name: str) -> Path:
    """A programme whose only source is a file of posts, ``data/NAME``."""
    root = testing.make_programme(
        tmp_path / "p",
        sources=[{"id": "posts", "collector": collector, "path": f"data/{name}"}],
        plugins={"cxframe-text": {"themes": THEMES}},
    )
    (root / "data").mkdir(exist_ok=True)
    return root


def test_odd_posts_are_kept_or_rejected_with_their_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXFRAME_AUTHOR_SECRET", "secret")
    root = with_posts(tmp_path, "reviews-jsonl", "posts.jsonl")
    (root / "data" / "posts.jsonl").write_text(
        "\n".join(
            [
                '{"platform": "weibo", "post_id": "1", "text": "😀😀", "time": "2026-03-01T10:00:00Z"}',
                '{"platform": "weibo", "post_id": "2", "text": "   ", "time": "2026-03-01T10:00:00Z", "rating": 4}',
                '{"platform": "weibo", "post_id": "3", "text": "\\u3000 ", "time": "2026-03-01T10:00:00Z"}',
                '{"platform": "weibo", "post_id": "4", "text": "' + "很好" * 50_000 + '", "time": "1772600000"}',
                "",
            ]
        ),
        encoding="utf-8",
    )
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(root / "cxframe.db") as db:
        kept = dict(db.execute("SELECT response_id, length(comment) FROM responses WHERE source = 'posts'").fetchall())
        rejects = db.execute("SELECT line, reason FROM rejects").fetchall()
    assert kept == {"weibo:1": 2, "weibo:2": None, "weibo:4": 100_000}  # a rating with blank text keeps the rating
    assert rejects == [(3, "the post has neither text nor a rating")]


def test_an_empty_reviews_file_is_a_clear_error(tmp_path: Path) -> None:
    root = with_posts(tmp_path, "reviews-csv", "posts.csv")
    (root / "data" / "posts.csv").write_text("", encoding="utf-8")
    result = cli(root, "collect")
    assert result.exit_code != 0
    assert "the file is empty; there is nothing to collect" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("themes", "message"),
    [
        (
            [{"id": "price", "keywords": ["price"]}, {"id": "price", "keywords": ["cost"]}],
            "themes[1] (price).id: duplicate theme 'price' (first defined at plugins.cxframe-text.themes[0])",
        ),
        (
            [{"id": "delivery", "keywords": ["deliver[y"]}],
            "themes[0] (delivery).keywords[0]: invalid pattern 'deliver[y'",
        ),
    ],
)
def test_a_bad_codeframe_names_the_theme_everywhere_and_loses_nothing(
    tmp_path: Path, themes: list[dict[str, object]], message: str
) -> None:
    root = collect(tmp_path)  # collected with a good codeframe; then the codeframe goes bad
    bad = make(tmp_path / "bad", {"themes": themes})
    (root / "cxframe.toml").write_text((bad / "cxframe.toml").read_text(encoding="utf-8"), encoding="utf-8")
    for command in (["validate"], ["text", "themes"], ["text", "tag"], ["text", "discover"]):
        result = cli(root, *command)
        assert result.exit_code == 1, (command, result.output)
        assert message in result.output and "Traceback" not in result.output, (command, result.output)
    with pytest.raises(InvalidInput) as raised:
        cxframe_text.text_themes(root, host=testing.plugin_host(cxframe_text))
    assert any(message in line for line in raised.value.messages)
    with sqlite3.connect(root / "cxframe.db") as db:  # the store is as it was: nothing lost
        assert db.execute("SELECT count(*) FROM responses").fetchone() == (17,)


def test_the_fixture_themes_are_valid() -> None:
    assert len({theme["id"] for theme in THEMES}) == len(THEMES)
