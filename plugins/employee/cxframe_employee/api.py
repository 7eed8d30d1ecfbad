"""The plugin's Python API: one function per task, each taking the programme folder.

>>> import cxframe_employee
>>> cxframe_employee.enps("my-programme", by=["team"])      # doctest: +SKIP
>>> cxframe_employee.link("my-programme").statement        # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from cxframe import Period, PluginHost, Programme, open_programme
from cxframe_employee.link import Link, compute_link
from cxframe_employee.results import EmployeeResult, check_employee_metric, employee_results, engine_for
from cxframe_employee.settings import load_context

ProgrammeLike = str | Path | Programme


def enps(
    programme: ProgrammeLike = ".",
    *,
    by: Sequence[str] = (),
    period: str | Period | None = None,
    metrics: Iterable[str] = ("enps",),
    confidence: float | None = None,
    host: PluginHost | None = None,
) -> list[EmployeeResult]:
    """Employee metrics (eNPS by default) by segment and period, under the anonymity rule.

    Nothing is stored: employee results are computed when asked for, so that
    every one of them goes through the rule.
    """
    chosen = Period.parse(period)
    with open_programme(programme, host) as opened:
        context = load_context(opened.programme)
        definitions = [opened.registry.metrics.get(metric) for metric in metrics]
        for definition in definitions:
            check_employee_metric(definition)
        settings = opened.programme.settings
        engine = engine_for(opened.programme, opened.store)
        results: list[EmployeeResult] = []
        for definition in definitions:
            results.extend(
                employee_results(
                    opened.store,
                    definition,
                    threshold=context.anonymity_threshold,
                    objectives=context.objectives,
                    by=by,
                    period=chosen,
                    confidence=confidence if confidence is not None else settings.confidence,
                    min_sample=settings.min_sample,
                    engine=engine,
                )
            )
        return results


def link(programme: ProgrammeLike = ".", *, confidence: float | None = None, host: PluginHost | None = None) -> Link:
    """The EX ↔ CX link: each team's employee result against its customers', with Pearson's r."""
    with open_programme(programme, host) as opened:
        context = load_context(opened.programme)
        settings = context.settings.link
        return compute_link(
            opened.store,
            opened.registry.metrics.get(settings.employee_metric),
            opened.registry.metrics.get(settings.customer_metric),
            context,
            confidence=confidence if confidence is not None else opened.programme.settings.confidence,
            min_sample=opened.programme.settings.min_sample,
            engine=engine_for(opened.programme, opened.store),
        )
