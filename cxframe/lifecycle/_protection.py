"""Privacy rules between the engine and every reader: `protect` runs the ``protect_metric_results`` hook.

The engine computes; before a result reaches a table, a JSON document, a
report or the store, plugins may suppress groups that must not be shown (the
employee plugin's anonymity threshold). Each plugin's answer feeds the next;
a plugin that fails (or answers with the wrong shape) has every result
suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence

from cxframe.contracts._records import MetricDefinition, MetricResult, Period
from cxframe.host._manager import PluginFailure
from cxframe.lifecycle._run import Run

__all__ = ["protect"]


def protect(
    run: Run,
    metric: MetricDefinition,
    results: Sequence[MetricResult],
    by: Sequence[str] = (),
    period: Period | None = None,
) -> list[MetricResult]:
    """``results`` after every plugin's privacy rule; a plugin returning the wrong shape is a reported failure.

    Each plugin is called on its own through the host (`PluginHost.call_one`, so wrappers and tracing see
    every call), in pluggy's order, with what the previous plugins left.
    """
    hook = "protect_metric_results"
    shown = list(results)
    for plugin in run.host.implementers(hook):
        failed = len(run.host.failures)
        answers = run.host.call_one(
            plugin, hook, metric=metric, results=list(shown), by=list(by), period=period, run=run
        )
        if any(failure.hook == hook for failure in run.host.failures[failed:]):
            # a privacy rule that fails must not let the unprotected results through
            return [result.as_suppressed() for result in shown]
        for name, answer in answers:
            if (
                not isinstance(answer, list)
                or len(answer) != len(shown)
                or not all(isinstance(r, MetricResult) for r in answer)
            ):
                run.host.failures.append(PluginFailure(name, hook, "expected one MetricResult per result"))
                return [result.as_suppressed() for result in shown]
            shown = answer
    return shown
