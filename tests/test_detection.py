"""What a `cxframe.Detection` writes — the ``[[sources]]`` entry and the explicit command — reads back as its mapping.

Column names in real exports hold anything (question texts with quotes,
``=``, line breaks, Chinese, leading digits), so both renderings are checked
for every text: the entry parses as TOML with the same columns, and the
command's ``--column`` values parse (as ``cxframe collect`` parses them) to
the same mapping.
"""

from __future__ import annotations

import shlex
import tomllib

from hypothesis import given
from hypothesis import strategies as st

from cxframe import Detection
from cxframe.cli.collect import parse_assignments

names = st.text(min_size=1, max_size=30).filter(lambda text: "\x00" not in text)
segment_names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)


@given(
    timestamp=names,
    nps=names,
    segments=st.dictionaries(segment_names, names, max_size=3),
    path=names,
)
def test_the_entry_and_the_command_read_back_as_the_mapping(
    timestamp: str, nps: str, segments: dict[str, str], path: str
) -> None:
    columns: dict[str, object] = {"timestamp": timestamp, "questions": {"nps": nps}}
    if segments:
        columns["segments"] = segments
    took = (f"timestamp = {timestamp}", f"questions.nps = {nps}")  # names in the comments, line breaks and all
    detection = Detection(layout="x", confidence=1.0, columns=columns, took=took, collector="survey-csv")
    entry = tomllib.loads(detection.source_entry("survey", path))["sources"][0]
    assert entry["columns"] == columns and entry["path"] == path and entry["collector"] == "survey-csv"
    words = shlex.split(detection.command("data/survey.csv"))
    assert words[:5] == ["cxframe", "collect", "data/survey.csv", "--collector", "survey-csv"]
    items = tuple(words[index + 1] for index, word in enumerate(words) if word == "--column")
    assert parse_assignments(items, "--column", column=True) == columns


def test_a_detection_with_needs_is_not_sure_and_shows_them() -> None:
    detection = Detection(layout="x", confidence=1.0, columns={"timestamp": "t"}, needs=("questions.nps",))
    assert not detection.sure
    assert detection.command("f.csv").endswith("--column timestamp=t --column questions.nps=COLUMN")
