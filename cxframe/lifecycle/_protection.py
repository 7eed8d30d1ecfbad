"""Privacy rules between the engine and every reader: `protect` runs the ``protect_metric_results`` hook.

The engine computes; before a result reaches a table, a JSON document, a
report or the store, plugins may suppress groups that must not be shown (the
employee plugin's anonymity threshold). Each plugin's answer feeds the next.
"""

from __future__ import annotations

from collections.abc import Sequence

from cxframe.contracts._records import MetricDefinition, MetricResult, Period
from cxframe.host._manager import PluginFailure
from cxframe.lifecycle._run import Run

__all__ = ["SUPPRESSED", "protect"]

SUPPRESSED = "suppressed"


def protect(
    run: Run,
    metric: MetricDefinition,
    results: Sequence[MetricResult],
    by: Sequence[str] = (),
    period: Period | None = None,
) -> list[MetricResult]:
    """``results`` after every plugin's privacy rule; a plugin returning the wrong shape is a reported failure."""
    shown = list(results)
    for impl in reversed(run.host.pm.hook.protect_metric_results.get_hookimpls()):
        try:
            answer = impl.function(
                **{
                    name: value
                    for name, value in {
                        "metric": metric,
                        "results": list(shown),
                        "by": list(by),
                        "period": period,
                        "run": run,
                    }.items()
                    if name in impl.argnames
                }
            )
        except Exception as exc:
            # a privacy rule that fails must not let the unprotected results through
            run.host.failures.append(
                PluginFailure(impl.plugin_name, "protect_metric_results", f"{type(exc).__name__}: {exc}")
            )
            return [_suppressed(result) for result in shown]
        if answer is None:
            continue
        if (
            not isinstance(answer, list)
            or len(answer) != len(shown)
            or not all(isinstance(r, MetricResult) for r in answer)
        ):
            run.host.failures.append(
                PluginFailure(impl.plugin_name, "protect_metric_results", "expected one MetricResult per result")
            )
            return [_suppressed(result) for result in shown]
        shown = answer
    return shown


def _suppressed(result: MetricResult) -> MetricResult:
    return MetricResult(
        metric=result.metric,
        value=None,
        n=None,
        ci_low=None,
        ci_high=None,
        confidence=result.confidence,
        segment=dict(result.segment),
        period=result.period,
        flags=(SUPPRESSED,),
        objective=result.objective,
        target=result.target,
    )
