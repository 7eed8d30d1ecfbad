"""The plugin's settings: ``[plugins.cxframe-insight]`` in the programme file.

::

    [plugins.cxframe-insight]
    bootstrap = 200        # resamples behind each driver's interval (default 200)
    seed = 2025            # the resampling's seed: the same data give the same intervals (default 2025)
    confidence = 0.95      # the intervals' confidence (default 0.95)
    min_responses = 30     # fewest complete responses for a driver analysis (default 30; and 10 per driver)

Every problem is reported at once, naming the file and the key.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from cxframe import InvalidInput, Programme

#: The plugin's table in the programme file (and the owner of anything it keeps in the store).
SETTINGS = "cxframe-insight"
#: Complete responses needed per driver, besides ``min_responses``: fewer, and the weights are noise.
RESPONSES_PER_DRIVER = 10

_KEYS = ("bootstrap", "seed", "confidence", "min_responses")


@attrs.frozen
class InsightSettings:
    """``[plugins.cxframe-insight]``, checked."""

    bootstrap: int = 200
    seed: int = 2025
    confidence: float = 0.95
    min_responses: int = 30


def _whole(value: Any, key: str, low: int, problems: list[str]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        problems.append(f"{key}: expected a whole number of at least {low}, got {value!r}")
        return None
    return value


def load_settings(programme: Programme | None) -> InsightSettings:
    """The settings of ``programme`` (the defaults without one); `InvalidInput` naming every bad key."""
    if programme is None:
        return InsightSettings()
    settings = programme.plugin_settings(SETTINGS)
    prefix = f"plugins.{SETTINGS}"
    problems: list[str] = []
    for unknown in sorted(set(settings) - set(_KEYS)):
        problems.append(f"{prefix}.{unknown}: unknown key (known: {', '.join(_KEYS)})")
    default = InsightSettings()
    bootstrap = _whole(settings.get("bootstrap", default.bootstrap), f"{prefix}.bootstrap", 20, problems)
    seed = _whole(settings.get("seed", default.seed), f"{prefix}.seed", 0, problems)
    minimum = _whole(settings.get("min_responses", default.min_responses), f"{prefix}.min_responses", 3, problems)
    confidence = settings.get("confidence", default.confidence)
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, int | float)
        or not math.isfinite(confidence)
        or not 0.5 <= confidence < 1
    ):
        problems.append(f"{prefix}.confidence: expected a number from 0.5 to below 1 (e.g. 0.95), got {confidence!r}")
    if problems:
        raise InvalidInput(problems, where=str(programme.file))
    assert bootstrap is not None and seed is not None and minimum is not None
    return InsightSettings(bootstrap, seed, float(confidence), minimum)
