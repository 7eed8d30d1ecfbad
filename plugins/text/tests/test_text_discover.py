"""cxframe text discover: suggested themes from untagged comments, NMF on TF-IDF, the same on every run."""

from __future__ import annotations

from pathlib import Path

import pytest
from text_helpers import THEMES, cli, cli_json, collect

import cxframe_text
from cxframe import InvalidInput
from cxframe_text.comments import Comment
from cxframe_text.discover import discover
from cxframe_text.settings import Codeframe, Keyword, Theme
from cxframe_text.tagging import Tagger

PARKING = [
    "No parking near the store",
    "Parking was full again",
    "停车位太少，停车很难",
    "Hard to find parking on Saturday",
    "停车场收费太贵",
    "parking lot was closed",
]
WIFI = [
    "The wifi kept dropping",
    "WiFi password did not work",
    "店里的wifi连不上",
    "no wifi signal in the lounge",
    "wifi 信号很差",
    "slow wifi in the waiting area",
]
TAGGED = ["Delivery was late", "快递太慢了"]


def tagger() -> Tagger:
    return Tagger(
        Codeframe(
            (
                Theme(
                    "delivery",
                    "delivery",
                    (Keyword("delivery", ("delivery",)), Keyword("快递", ("快递",), chinese=True)),
                ),
            )
        )
    )


def comments() -> list[Comment]:
    texts = [text for pair in zip(PARKING, WIFI, strict=True) for text in pair] + TAGGED
    return [Comment(index, text) for index, text in enumerate(texts)]


def test_two_clusters_give_two_topics_with_their_terms_and_examples() -> None:
    found = discover(comments(), tagger(), topics=2, top_terms=3)
    assert len(found) == 2
    by_term = {topic.terms[0]: topic for topic in found}
    assert set(by_term) == {"parking", "wifi"}
    assert all(example in PARKING for example in by_term["parking"].examples)
    assert all(example in WIFI for example in by_term["wifi"].examples)
    assert [len(topic.examples) for topic in found] == [3, 3]
    assert [topic.topic for topic in found] == [1, 2]
    assert not any(example in TAGGED for topic in found for example in topic.examples)  # tagged ones are left out
    # a topic spans languages where comments share a word: "wifi" in Chinese comments brings 信号 along
    wide = {topic.terms[0]: topic for topic in discover(comments(), tagger(), topics=2, top_terms=8)}
    assert "信号" in wide["wifi"].terms


def test_discovery_is_the_same_on_every_run() -> None:
    first = [topic.to_json() for topic in discover(comments(), tagger(), topics=3)]
    assert all(first == [topic.to_json() for topic in discover(comments(), tagger(), topics=3)] for _ in range(3))
    assert list(first[0]) == ["topic", "terms", "examples", "example_counts"]


def test_too_little_to_discover() -> None:
    assert discover([Comment(1, "parking")], tagger()) == []
    assert discover([Comment(1, "the and"), Comment(2, "😀")], tagger()) == []  # no words left
    assert discover([Comment(1, "Delivery late"), Comment(2, "快递慢")], tagger()) == []  # all tagged
    with pytest.raises(InvalidInput, match="--topics: expected 1 or more"):
        discover(comments(), tagger(), topics=0)


def test_discover_command_masks_examples(tmp_path: Path) -> None:
    rows = [(f"r{index}", index % 11, "North", text) for index, text in enumerate([*PARKING, *WIFI])]
    rows.append(("rp", 3, "North", "parking was a mess, call 13812345678"))
    root = collect(tmp_path, {"themes": THEMES}, rows=rows)
    found = cli_json(root, "text", "discover", "--topics", "2")
    assert [list(topic) for topic in found] == [["topic", "terms", "examples", "example_counts"]] * 2
    examples = [example for topic in found for example in topic["examples"]]
    assert not any("13812345678" in example for example in examples)
    assert found == [topic.to_json() for topic in cxframe_text.text_discover(root, topics=2)]
    assert "topic 1" in cli(root, "text", "discover").output
    assert cli(root, "text", "discover", "--topics", "0").exit_code == 1


def test_a_comment_written_again_and_again_is_one_example_with_its_count(tmp_path: Path) -> None:
    """New-user report, item 13: a topic listed one comment three times."""
    repeated = "OK in the end, took longer than promised"
    texts = [
        *PARKING,
        *WIFI,
        *([repeated] * 12),
        "took longer than promised, OK in the end",
        "  ok IN the end, took longer than promised ",
    ]
    found = discover([Comment(i, text) for i, text in enumerate(texts)], tagger(), topics=3)
    for topic in found:
        keys = [" ".join(example.split()).casefold() for example in topic.examples]
        assert len(keys) == len(set(keys)), topic  # distinct texts only
        assert len(topic.example_counts) == len(topic.examples)
    [topic] = [t for t in found if repeated in t.examples]
    # the same text in other case and spacing counts as the same comment: 12 + 1
    assert topic.example_counts[topic.examples.index(repeated)] == 13
    assert "took longer than promised, OK in the end" in topic.examples  # a different text stays
    # and the command shows it once, with the count
    rows = [(f"r{index}", index % 11, "North", text) for index, text in enumerate(texts)]
    root = collect(tmp_path, {"themes": THEMES}, rows=rows)
    output = cli(root, "text", "discover", "--topics", "3").output
    assert output.count(repeated) == 1 and f"• {repeated} ×13" in output
