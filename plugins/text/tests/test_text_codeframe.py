"""The codeframe: validated with errors naming the theme and key; comments tagged in Chinese, English and both."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from text_helpers import THEMES, cli, cli_json, collect, make

import cxframe_text
from cxframe import InvalidInput, load_programme
from cxframe_text import Codeframe, Tagger, load_codeframe


def codeframe(themes: list[dict[str, Any]], tmp_path: Path, **settings: Any) -> Codeframe:
    return load_codeframe(load_programme(make(tmp_path, {"themes": themes, **settings})))


@pytest.fixture
def tagger(tmp_path: Path) -> Tagger:
    return Tagger(codeframe(THEMES, tmp_path))


@pytest.mark.parametrize(
    ("comment", "themes"),
    [
        ("Delivery was late", ("delivery",)),
        ("The LATE DELIVERIES again", ("delivery",)),  # phrase with a prefix word, any case
        ("late   delivered", ("delivery",)),  # any spacing between a phrase's words
        ("The courier's van", ("delivery",)),
        ("I'm happy", ()),  # "app" is not a word of "happy"
        ("apps", ()),  # nor of "apps": keywords are whole words unless they end in *
        ("It crashed twice", ("app",)),
        ("客服态度很差，送货慢", ("delivery", "service")),  # 送货慢 segments whole
        ("包装破损了", ("delivery", "damage")),  # a sub-theme mentions its parent
        ("我的APP总是闪退", ("app",)),  # English word inside Chinese text, full-width too
        ("ＡＰＰ crashes", ("app",)),
        ("Customer  Service was great", ("service",)),
        ("send it to app@example.com", ()),  # masked first: no keyword inside an e-mail address
        ("", ()),
        ("   \t\n", ()),
        ("😀😀😀", ()),
        ("🚚 delivery 🚚", ("delivery",)),
    ],
)
def test_tagging_in_both_languages(tagger: Tagger, comment: str, themes: tuple[str, ...]) -> None:
    assert tagger.tag(comment) == themes


def test_a_very_long_comment_is_tagged_whole(tagger: Tagger) -> None:
    comment = "还可以吧。" * 20_000 + "价格太贵了" + " fine" * 20_000 + " crash"
    assert tagger.tag(comment) == ("price", "app")


def test_a_chinese_keyword_phrase_segments_as_one_word(tagger: Tagger) -> None:
    words = list(tagger.segmenter.words("这次送货慢得离谱"))
    assert "送货慢" in words


def test_bad_codeframe_is_listed_by_validate_naming_each_theme_and_key(tmp_path: Path) -> None:
    themes = [
        {"id": "delivery", "keywords": ["delivery"]},
        {"id": "delivery", "keywords": ["courier"]},
        {"id": "price", "keywords": ["(cheap|expensive)", "too *much", "太*", ""]},
        {"id": "app", "keywords": "crash", "colour": "red"},
        {"id": "Bad Id", "keywords": ["x"]},
        {"id": "child", "parent": "nowhere", "keywords": ["y"]},
        {"id": "a", "parent": "b", "keywords": ["p"]},
        {"id": "b", "parent": "a", "keywords": ["q"]},
    ]
    root = make(tmp_path, {"themes": themes, "mask_stored": "yes", "colour": 1})
    result = cli(root, "validate")
    assert result.exit_code == 1
    for expected in [
        "plugins.cxframe-text.themes[1] (delivery).id: duplicate theme 'delivery' (first defined at "
        "plugins.cxframe-text.themes[0])",
        "plugins.cxframe-text.themes[2] (price).keywords[0]: invalid pattern '(cheap|expensive)': keywords are words "
        "or phrases, not regular expressions",
        "plugins.cxframe-text.themes[2] (price).keywords[1]: invalid pattern 'too *much': * may only end a keyword",
        "plugins.cxframe-text.themes[2] (price).keywords[2]: invalid pattern '太*': a Chinese keyword is one word",
        "plugins.cxframe-text.themes[2] (price).keywords[3]: expected a word or phrase, got ''",
        "plugins.cxframe-text.themes[3] (app).colour: unknown key",
        "plugins.cxframe-text.themes[3] (app).keywords: expected a list of words or phrases, got 'crash'",
        "plugins.cxframe-text.themes[4] (Bad Id).id: expected an id of lower-case letters",
        "plugins.cxframe-text.themes (child).parent: no theme 'nowhere'",
        "plugins.cxframe-text.themes (a).parent: 'b' leads back to 'a': parents may not form a cycle",
        "plugins.cxframe-text.mask_stored: expected true or false, got 'yes'",
        "plugins.cxframe-text.colour: unknown key",
    ]:
        assert expected in result.output, (expected, result.output)
    assert "cxframe.toml" in result.output
    assert "Traceback" not in result.output


def test_a_bad_codeframe_stops_the_text_commands_and_keeps_the_store(tmp_path: Path) -> None:
    root = collect(tmp_path)
    (root / "cxframe.toml").write_text(
        (root / "cxframe.toml").read_text(encoding="utf-8").replace('"courier"', '"cour[ier"'), encoding="utf-8"
    )
    result = cli(root, "text", "themes")
    assert result.exit_code == 1
    assert "(delivery).keywords[2]: invalid pattern 'cour[ier'" in result.output
    assert "no theme 'delivery'" not in result.output  # no second error from the first
    with sqlite3.connect(root / "cxframe.db") as db:  # nothing lost
        assert db.execute("SELECT count(*) FROM responses WHERE comment LIKE '%courier%'").fetchone() == (1,)


def test_codeframe_parses_titles_parents_and_keywords(tmp_path: Path) -> None:
    found = codeframe(THEMES, tmp_path, stop_words=["Acme"])
    assert [theme.id for theme in found.themes] == ["delivery", "damage", "service", "price", "app"]
    assert found.theme("service").title == "Customer service"
    assert found.theme("price").title == "price"
    assert found.ancestors("damage") == ("delivery",)
    late = found.theme("delivery").keywords[1]
    assert (late.words, late.prefix, late.chinese) == (("late", "deliver"), True, False)
    assert found.theme("delivery").keywords[4].chinese
    assert found.stop_words == frozenset({"acme"})
    assert not found.mask_stored


def test_tag_command_lists_every_comment_with_its_themes(tmp_path: Path) -> None:
    root = collect(tmp_path)
    tagged = cli_json(root, "text", "tag")
    by_id = {row["response_id"]: row for row in tagged}
    assert list(tagged[0]) == ["response", "response_id", "respondent_id", "text", "themes", "sentiment", "tone"]
    assert by_id["r03"]["themes"] == ["delivery", "damage"]
    assert by_id["r09"]["themes"] == ["app"]
    assert "r13" not in by_id and "r14" not in by_id  # blank comments are no comments
    assert by_id["r15"]["themes"] == []  # emoji only: a comment, untagged
    assert by_id["r04"]["text"] == "The box arrived damaged, call me on [phone]"
    assert [row["response_id"] for row in cli_json(root, "text", "tag", "--theme", "service")] == ["r05", "r06"]
    # r17 had no answer, so the survey collector stored no response for it
    assert [row["response_id"] for row in cli_json(root, "text", "tag", "--untagged")] == ["r11", "r12", "r15", "r18"]
    assert [comment.themes for comment in cxframe_text.tag_comments(root, host=None)][:1] == [("delivery",)]


def test_jieba_is_not_imported_with_the_plugin() -> None:
    import subprocess
    import sys

    code = "import cxframe_text, sys; print('jieba' in sys.modules, 'sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() == [
        "False",
        "False",
    ]


def test_invalid_input_from_the_api(tmp_path: Path) -> None:
    root = make(tmp_path, {"themes": [{"id": "x", "keywords": ["a|b"]}]})
    with pytest.raises(InvalidInput, match=r"themes\[0\] \(x\)\.keywords\[0\]: invalid pattern 'a\|b'"):
        cxframe_text.text_themes(root)
