"""Questionnaire answers for maturity criteria the data cannot decide.

Answers live in ``answers.toml`` in the programme folder (``cxframe assess
--answers FILE`` reads another). Each criterion id is a key; its value is an
answer or a table with ``answer`` and an optional ``note``::

    "iso.framework.sponsor" = "yes"

    ["iso.framework.strategy"]
    answer = "no"
    note = "The CX strategy is still a draft"

An answer is ``yes``/``no``/``unknown`` (``true``/``false`` also work).
``cxframe assess --interview`` asks the unanswered questions in the
terminal and writes this file.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import attrs

from cxframe.contracts._errors import InvalidInput

__all__ = ["ANSWERS_FILE", "Answer", "Answers", "interview", "load_answers", "save_answers"]

ANSWERS_FILE = "answers.toml"

_YES = {"yes", "y", "true", "met", "是"}
_NO = {"no", "n", "false", "unmet", "否"}
_UNKNOWN = {"unknown", "?", "", "skip", "不知道"}


@attrs.frozen
class Answer:
    """One answer: ``met`` is True, False or None (unknown); ``text`` as written."""

    text: str
    note: str = ""

    @property
    def met(self) -> bool | None:
        word = self.text.strip().lower()
        return True if word in _YES else False if word in _NO else None


def parse_answer(value: object) -> Answer | None:
    """An answer from a TOML value, or None when it is not one."""
    if isinstance(value, bool):
        return Answer("yes" if value else "no")
    if isinstance(value, str) and value.strip().lower() in _YES | _NO | _UNKNOWN:
        return Answer(value.strip())
    return None


@attrs.frozen
class Answers(Mapping[str, Answer]):
    """Answers by criterion id, and the file they came from."""

    by_criterion: dict[str, Answer] = attrs.field(factory=dict)
    path: Path | None = None

    def __getitem__(self, key: str) -> Answer:
        return self.by_criterion[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_criterion)

    def __len__(self) -> int:
        return len(self.by_criterion)


_EXPECTED = 'expected "yes", "no" or "unknown" (or a table with answer = ... and note = ...)'


def load_answers(path: str | Path, known: Iterable[str] | None = None) -> Answers:
    """Read an answers file; every problem names the file and the key.

    A missing file is no answers. With ``known`` criterion ids, an answer to
    an unknown criterion is an error (a typo would otherwise be lost silently).
    """
    file = Path(path)
    if not file.exists():
        return Answers(path=file)
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput([f"not valid TOML: {exc}"], where=str(file)) from exc
    answers: dict[str, Answer] = {}
    problems: list[str] = []
    known_ids = set(known) if known is not None else None
    for key, value in document.items():
        if known_ids is not None and key not in known_ids:
            problems.append(f"{key}: no criterion with this id in the model being assessed")
            continue
        note = ""
        if isinstance(value, dict):
            extra = sorted(set(value) - {"answer", "note"})
            if extra:
                problems.append(f"{key}: unknown key(s) {', '.join(extra)}; {_EXPECTED}")
                continue
            note = value.get("note", "")
            if not isinstance(note, str):
                problems.append(f"{key}.note: expected text")
                continue
            value = value.get("answer")
        answer = parse_answer(value)
        if answer is None:
            problems.append(f"{key}: got {value!r}; {_EXPECTED}")
            continue
        answers[key] = Answer(answer.text, note)
    if problems:
        raise InvalidInput(problems, where=str(file))
    return Answers(answers, file)


def _toml_string(text: str) -> str:
    # a JSON string is a valid TOML basic string (same escapes)
    return json.dumps(text, ensure_ascii=False)


def save_answers(path: str | Path, answers: Mapping[str, Answer], questions: Mapping[str, str]) -> Path:
    """Write answers as TOML, each under its question as a comment; atomically (temp file, then rename)."""
    file = Path(path)
    lines = [
        "# Answers to the maturity questionnaire, read by `cxframe assess`.",
        '# answer = "yes" | "no" | "unknown"; note = anything that shows why.',
        "",
    ]
    for key in sorted(answers):
        answer = answers[key]
        question = questions.get(key)
        if question:
            lines.append(f"# {question}")
        lines.append(f"[{_toml_string(key)}]")
        lines.append(f"answer = {_toml_string(answer.text)}")
        if answer.note:
            lines.append(f"note = {_toml_string(answer.note)}")
        lines.append("")
    temporary = file.with_suffix(file.suffix + ".tmp")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    temporary.replace(file)
    return file


def interview(
    questions: Mapping[str, str],
    answers: Answers,
    ask: Callable[[str, str], tuple[str, str]],
) -> dict[str, Answer]:
    """Ask every question not yet answered; ``ask(id, question)`` returns ``(answer, note)``.

    Returns all answers, old and new. Answers that are not understood are asked again by ``ask``'s caller.
    """
    collected = dict(answers.by_criterion)
    for criterion_id, question in questions.items():
        if criterion_id in collected and collected[criterion_id].met is not None:
            continue
        text, note = ask(criterion_id, question)
        answer = parse_answer(text)
        if answer is not None and answer.met is not None:
            collected[criterion_id] = Answer(answer.text, note)
    return collected
