"""The public JSON shapes of results (DESIGN §11), shared by the CLI and the assessment document.

What ``--json`` prints is public API: a key added, renamed or dropped here
needs a version bump and a note in the changelog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from cxframe.contracts._records import CheckResult, MetricResult

if TYPE_CHECKING:  # a plain record of the measurement package; only its attributes are read here
    from cxframe.measurement._comparisons import ComparisonResult
    from cxframe.measurement._trend import TrendResult

__all__ = [
    "COMPARISON_KEYS",
    "PLUGIN_KINDS",
    "InstalledPlugin",
    "check_json",
    "comparison_json",
    "metric_json",
    "plugin_json",
    "trend_json",
]


def metric_json(result: MetricResult) -> dict[str, Any]:
    """The public JSON shape of a metric result (DESIGN §11), plus optional extras."""
    data: dict[str, Any] = {
        "metric": result.metric,
        "segment": dict(result.segment),
        "period": result.period,
        "value": result.value,
        "n": result.n,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "confidence": result.confidence,
        "flags": list(result.flags),
    }
    if result.effective_n is not None:
        data["effective_n"] = result.effective_n
    if result.objective is not None:
        data.update(
            objective=result.objective,
            target=result.target,
            target_status=result.target_status.value if result.target_status else None,
        )
    return data


def trend_json(trend: TrendResult) -> dict[str, Any]:
    """The row of a trend in ``measure --trend --json``: the §11 metric keys, ``period`` null, and ``trend``.

    Its keys are those of `metric_json`, so a reader of the measure shape reads
    it as a result without a value (as a hidden one); the slope is in
    ``trend``, never in ``value``, which is on the metric's scale.
    """
    return {
        "metric": trend.metric,
        "segment": dict(trend.segment),
        "period": None,
        "value": None,
        "n": trend.n,
        "ci_low": None,
        "ci_high": None,
        "confidence": trend.confidence,
        "flags": list(trend.flags),
        "trend": {
            "per": trend.period.value,
            "slope": trend.slope,
            "ci_low": trend.ci_low,
            "ci_high": trend.ci_high,
            "p_value": trend.p_value,
            "p_adjusted": trend.p_adjusted,
            "periods": list(trend.periods),
            "excluded": [{"period": label, "reason": reason} for label, reason in trend.excluded],
            "between_period_sd": trend.between_period_sd,
            "method": trend.method,
        },
    }


def check_json(result: CheckResult) -> dict[str, Any]:
    """The public JSON shape of a check result (DESIGN §11)."""
    return {
        "check": result.check,
        "plugin": result.plugin,
        "status": result.status.value,
        "severity": result.severity.value if result.severity else None,
        "title": result.title,
        "evidence": list(result.evidence),
        "recommendation": result.recommendation,
    }


#: The keys of a comparison (``measure --compare … --json``), in the order they are printed.
COMPARISON_KEYS = (
    "metric",
    "compare",
    "segment",
    "period",
    "baseline",
    "value",
    "baseline_value",
    "n",
    "baseline_n",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adjusted",
    "significant",
    "confidence",
    "method",
    "flags",
)


def comparison_json(result: ComparisonResult) -> dict[str, Any]:
    """The public JSON shape of a comparison (``measure --compare … --json``, DESIGN §11)."""
    data: dict[str, Any] = {key: getattr(result, key) for key in COMPARISON_KEYS}
    data["segment"] = dict(result.segment)
    data["flags"] = list(result.flags)
    return data


#: What a plugin can register, in the order ``plugins --json`` lists them (the registry's kinds).
PLUGIN_KINDS = ("collectors", "metrics", "assessments", "checks", "reporters")


@attrs.frozen
class InstalledPlugin:
    """One loaded plugin as ``cxframe plugins`` lists it.

    ``name`` is its distribution name (or, for a plugin registered in code, its
    module or class name), ``version`` its distribution's version, ``hooks``
    the hooks it implements, and each of `PLUGIN_KINDS` the ids it registered.
    A plugin that failed to load is listed with its ``error`` and nothing
    registered; one that cannot read its settings in the programme file, with
    the problem as its ``error`` and what it registered all the same.

    ``report_sections``, ``notifiers`` and ``commands`` are what it registered
    besides: shown by ``cxframe plugins``, but not in ``--json``, whose shape
    (`PLUGIN_KINDS`) is public and stays as it is.
    """

    name: str
    version: str | None
    hooks: tuple[str, ...] = ()
    collectors: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    assessments: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    reporters: tuple[str, ...] = ()
    #: why it failed to load, for a plugin that is installed and was left out (it registered nothing), or
    #: the problem with its settings in the programme file, for one that cannot read them
    error: str | None = None
    #: ids of its report sections (``register_report_sections``); unique across plugins, like the kinds above
    report_sections: tuple[str, ...] = ()
    #: ids of its notifiers (``register_notifiers``): a plugin may register some only when its settings ask
    notifiers: tuple[str, ...] = ()
    #: names of the ``cxframe`` commands it adds (``register_commands``), top-level only
    commands: tuple[str, ...] = ()


def plugin_json(plugin: InstalledPlugin) -> dict[str, Any]:
    """The public JSON shape of an installed plugin (``plugins --json``, DESIGN §11)."""
    data: dict[str, Any] = {"name": plugin.name, "version": plugin.version, "hooks": list(plugin.hooks)}
    for kind in PLUGIN_KINDS:
        data[kind] = list(getattr(plugin, kind))
    if plugin.error is not None:  # after the public keys: a reader of the listed shape still reads it
        data["error"] = plugin.error
    return data
