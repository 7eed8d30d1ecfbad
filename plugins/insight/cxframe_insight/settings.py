"""The plugin's settings: ``[plugins.cxframe-insight]`` in the programme file.

::

    [plugins.cxframe-insight]
    bootstrap = 200        # resamples behind each driver's interval (default 200)
    seed = 2025            # the resampling's seed: the same data give the same intervals (default 2025)
    confidence = 0.95      # the intervals' confidence (default 0.95)
    min_responses = 30     # fewest complete responses for a driver analysis (default 30; and 10 per driver)
    churn_metric = "nps"   # the metric whose answers give the churn features' scores (default nps)
    complaint_activities = ["complaint"]  # an event whose activity or touchpoint contains one is a complaint
    repeat_days = 7        # an event repeating the same activity this soon is a repeat contact (default 7)
    horizon_days = 90      # churn within this many days of the prediction date (default 90)
    drivers_min_r_squared = 0.2  # drivers count as known (iso.measure.drivers) from this explained R² (default 0.2)

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

_KEYS = (
    "bootstrap",
    "seed",
    "confidence",
    "min_responses",
    "churn_metric",
    "complaint_activities",
    "repeat_days",
    "horizon_days",
    "drivers_min_r_squared",
)


@attrs.frozen
class InsightSettings:
    """``[plugins.cxframe-insight]``, checked."""

    bootstrap: int = 200
    seed: int = 2025
    confidence: float = 0.95
    min_responses: int = 30
    churn_metric: str = "nps"
    complaint_activities: tuple[str, ...] = ("complaint",)
    repeat_days: float = 7.0
    horizon_days: float = 90.0
    drivers_min_r_squared: float = 0.2


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
    metric = settings.get("churn_metric", default.churn_metric)
    if not isinstance(metric, str) or not metric.strip():
        problems.append(f"{prefix}.churn_metric: expected a metric id such as 'nps', got {metric!r}")
    words = settings.get("complaint_activities", list(default.complaint_activities))
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        problems.append(f'{prefix}.complaint_activities: expected a list of texts such as ["complaint"], got {words!r}')
        words = []
    repeat = _days(settings.get("repeat_days", default.repeat_days), f"{prefix}.repeat_days", problems)
    horizon = _days(settings.get("horizon_days", default.horizon_days), f"{prefix}.horizon_days", problems)
    bar = settings.get("drivers_min_r_squared", default.drivers_min_r_squared)
    if isinstance(bar, bool) or not isinstance(bar, int | float) or not math.isfinite(bar) or not 0 <= bar < 1:
        problems.append(f"{prefix}.drivers_min_r_squared: expected a number from 0 to below 1 (e.g. 0.2), got {bar!r}")
    if problems:
        raise InvalidInput(problems, where=str(programme.file))
    assert bootstrap is not None and seed is not None and minimum is not None and isinstance(metric, str)
    return InsightSettings(
        bootstrap,
        seed,
        float(confidence),
        minimum,
        metric.strip(),
        tuple(w.strip() for w in words),
        repeat,
        horizon,
        float(bar),
    )


def _days(value: Any, key: str, problems: list[str]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        problems.append(f"{key}: expected a number of days more than 0, got {value!r}")
        return 1.0
    return float(value)
