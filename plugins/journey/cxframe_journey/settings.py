"""The plugin's settings in the programme file: ``[plugins.cxframe-journey]``.

=======================  =========  ======================================================================
key                      default    what it sets
=======================  =========  ======================================================================
``repeat_window_days``   ``7``      a contact at the same touchpoint within this many days of the case's
                                    previous one there is a repeat contact; a case whose last event is
                                    more recent than this before the log's end may still be going on, so
                                    it is not counted as a drop-off
``painpoint_threshold``  ``0.1``    pain points whose ``rank_score`` reaches this become warnings of the
                                    ``journey.painpoints`` check (findings)
``question``             none       only answers to this question score the touchpoints (default: every
                                    customer answer with a known scale)
=======================  =========  ======================================================================
"""

from __future__ import annotations

from typing import Any

import attrs

from cxframe import InvalidInput, Programme

SETTINGS = "cxframe-journey"
KEYS = ("repeat_window_days", "painpoint_threshold", "question")


@attrs.frozen
class JourneySettings:
    repeat_window_days: float = 7.0
    painpoint_threshold: float = 0.1
    question: str | None = None

    @property
    def repeat_window_seconds(self) -> float:
        return self.repeat_window_days * 86400.0


def _number(raw: dict[str, Any], key: str, default: float, problems: list[str], where: str) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        problems.append(f"{where}.{key}: expected a number ≥ 0, got {value!r}")
        return default
    return float(value)


def load_settings(programme: Programme | None) -> JourneySettings:
    """The settings, checked; `InvalidInput` names the file and key of every problem."""
    if programme is None:
        return JourneySettings()
    raw = programme.plugin_settings(SETTINGS)
    where = f"{programme.file}: plugins.{SETTINGS}"
    problems = [f"{where}.{key}: unknown key; expected one of {', '.join(KEYS)}" for key in raw if key not in KEYS]
    window = _number(raw, "repeat_window_days", 7.0, problems, where)
    threshold = _number(raw, "painpoint_threshold", 0.1, problems, where)
    question = raw.get("question")
    if question is not None and (not isinstance(question, str) or not question.strip()):
        problems.append(f"{where}.question: expected a question name, got {question!r}")
        question = None
    if problems:
        raise InvalidInput(problems)
    return JourneySettings(repeat_window_days=window, painpoint_threshold=threshold, question=question)
