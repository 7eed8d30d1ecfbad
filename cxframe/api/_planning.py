"""Planning a survey: the sample size for a margin, the detectable difference for a sample."""

from __future__ import annotations

from collections.abc import Mapping

from cxframe.api._opening import ProgrammeLike
from cxframe.contracts._records import MetricDefinition
from cxframe.host._manager import PluginHost, load_plugins
from cxframe.host._registry import build_registry
from cxframe.measurement._planning import (
    DetectablePlan,
    SampleSizePlan,
    detectable_difference,
    parse_expected,
    sample_size,
)
from cxframe.programme._file import Programme, load_programme


def _planned_metric(
    programme: ProgrammeLike, metric: str, confidence: float | None, host: PluginHost | None
) -> tuple[MetricDefinition, float]:
    """The metric's definition from the programme's registry, and the confidence level (default: the programme's)."""
    loaded = programme if isinstance(programme, Programme) else load_programme(programme)
    host = host if host is not None else load_plugins()
    registry = build_registry(host, loaded)
    registry.raise_conflicts()
    level = confidence if confidence is not None else loaded.settings.confidence
    return registry.metrics.get(metric), level


def _expected(expected: str | Mapping[str, float] | None) -> Mapping[str, float] | None:
    return parse_expected(expected) if isinstance(expected, str) else expected


def plan_sample_size(
    programme: ProgrammeLike = ".",
    metric: str = "nps",
    margin: float = 5,
    *,
    expected: str | Mapping[str, float] | None = None,
    confidence: float | None = None,
    population: int | None = None,
    sd: float | None = None,
    host: PluginHost | None = None,
) -> SampleSizePlan:
    """The answers a survey needs for ``metric`` to have an interval of half-width ``margin``.

    ``margin`` is on the metric's reported scale (NPS points, % for shares,
    the scale's units for means). ``expected`` are the shares the sample is
    expected to show (``{"promoters": 0.45, "detractors": 0.2}`` for NPS,
    ``{"share": 0.8}`` for a share, or the same as ``"key=value,…"``); without
    them, the worst case. A mean takes ``sd``, the expected standard
    deviation of one answer (default: the worst case on its scale,
    (max − min) / 2). ``population`` applies the finite-population
    correction. ``confidence`` defaults to the programme's setting. Nothing
    is read from the store. See `cxframe.measurement._planning` for the formulas.

    >>> cxframe.plan_sample_size("my-programme", "nps", 5).n  # doctest: +SKIP
    1537
    """
    definition, level = _planned_metric(programme, metric, confidence, host)
    return sample_size(definition, margin, confidence=level, expected=_expected(expected), population=population, sd=sd)


def plan_mdd(
    programme: ProgrammeLike = ".",
    metric: str = "nps",
    n: int = 400,
    *,
    power: float = 0.8,
    expected: str | Mapping[str, float] | None = None,
    confidence: float | None = None,
    sd: float | None = None,
    host: PluginHost | None = None,
) -> DetectablePlan:
    """The minimum detectable difference of ``metric`` between two periods or segments of ``n`` answers each.

    A two-sided test at level 1 − ``confidence`` (default: the programme's
    setting) detects a true difference of at least ``mdd`` (on the metric's
    reported scale) with probability ``power``. ``expected`` and ``sd`` are
    as for `plan_sample_size`.

    >>> round(cxframe.plan_mdd("my-programme", "nps", 400).mdd, 1)  # doctest: +SKIP
    19.8
    """
    definition, level = _planned_metric(programme, metric, confidence, host)
    return detectable_difference(definition, n, confidence=level, power=power, expected=_expected(expected), sd=sd)
