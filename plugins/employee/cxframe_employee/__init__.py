"""cxframe-employee: employee experience and frontline empowerment.

* the ``employee-survey`` collector (any cxframe-nps survey layout, population
  ``employee``, team/role/site checked) and the ``empowerment`` and
  ``engagement`` metrics (eNPS itself is cxframe-nps's ``enps``);
* the employee context in ``[plugins.cxframe-employee]`` (frontline roles,
  inline or from a CSV; voice of employee; thresholds), see
  `cxframe_employee.settings`;
* the empowerment checks (``employee.*``), see `cxframe_employee.checks`;
* the anonymity rule applied to every employee output, see
  `cxframe_employee.privacy`;
* the EX ↔ CX link (Pearson's r over teams, Fisher-z interval, SVG chart),
  see `cxframe_employee.link`;
* ``cxframe employee enps`` and ``cxframe employee link``;
* `employee_evidence` for the people-oriented-culture dimension of an assessment;
* the report section ``employee``, built from that evidence (`cxframe_employee.report`).

Registered through the ``cxframe`` entry-point group like any third-party plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxframe import (
    SUPPRESSED,
    Check,
    Collector,
    InvalidInput,
    MetricDefinition,
    MetricResult,
    Period,
    Programme,
    ReportSection,
    RunContext,
    hookimpl,
)
from cxframe_employee.api import enps, link
from cxframe_employee.checks import CHECKS
from cxframe_employee.collector import employee_survey
from cxframe_employee.evidence import employee_evidence
from cxframe_employee.link import Link
from cxframe_employee.metrics import employee_metrics
from cxframe_employee.privacy import Disclosure, disclosure
from cxframe_employee.report import SECTIONS
from cxframe_employee.results import EMPLOYEE, EmployeeResult, apply_anonymity, employee_results, engine_for
from cxframe_employee.settings import SETTINGS, EmployeeContext, load_context

if TYPE_CHECKING:
    import click

__all__ = [
    "SETTINGS",
    "SUPPRESSED",
    "Disclosure",
    "EmployeeContext",
    "EmployeeResult",
    "Link",
    "apply_anonymity",
    "disclosure",
    "employee_evidence",
    "employee_results",
    "engine_for",
    "enps",
    "link",
    "load_context",
]


@hookimpl
def register_collectors() -> list[Collector]:
    return [employee_survey]


@hookimpl
def register_metrics(programme: Programme | None) -> list[MetricDefinition]:
    # settings problems are reported once, by register_checks; here the default scale stands in
    try:
        low, high = load_context(programme).settings.item_scale
    except (InvalidInput, ValueError):
        return employee_metrics()
    return employee_metrics((low, high))


@hookimpl
def register_checks(programme: Programme | None) -> list[Check]:
    # raising here is how `cxframe validate` learns about a bad employee context
    load_context(programme)
    return list(CHECKS)


@hookimpl
def register_report_sections() -> list[ReportSection]:
    return list(SECTIONS)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from cxframe_employee.cli import employee  # click and the CLI helpers only when commands are wanted

    cli.add_command(employee)


@hookimpl
def protect_metric_results(
    metric: MetricDefinition, results: list[MetricResult], by: list[str], period: Period | None, run: RunContext
) -> list[MetricResult] | None:
    """The anonymity rule for employee metrics wherever the core shows them (``cxframe measure``, objectives, reports)."""
    if metric.population != EMPLOYEE:
        return None
    # the grouping is in each result (segment, period, objective): the rule decides every group the same way
    context = load_context(run.programme)
    shown = apply_anonymity(
        run.store, metric, results, threshold=context.anonymity_threshold, objectives=context.objectives
    )
    protected = [
        original.as_suppressed() if employee.suppressed else original
        for original, employee in zip(results, shown, strict=True)
    ]
    return protected


@hookimpl
def assessment_evidence(run: RunContext) -> dict[str, Any]:
    # everything in it went through the anonymity rule (see cxframe_employee.evidence)
    return employee_evidence(run)
