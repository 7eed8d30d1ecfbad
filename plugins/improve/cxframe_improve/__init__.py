"""cxframe-improve: the improve stage's closed loop.

* loop rules in ``[[plugins.cxframe-improve.loop]]`` (metric, at_or_below,
  sla_hours, since, owners), see `cxframe_improve.settings`;
* after every ``cxframe collect``, one case per qualifying answer, due at the
  answer's time + the SLA, routed to its owner, in the plugin's own store
  tables (`cxframe_improve.cases`);
* ``cxframe loop list`` and ``cxframe loop update`` (and ``loop history``),
  and the same from Python: `loop_cases`, `update_case`, `case_history`,
  `open_loop_cases`.

Registered through the ``cxframe`` entry-point group like any third-party plugin.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from cxframe import (
    Check,
    IngestSummary,
    InvalidInput,
    MetricCatalogue,
    MetricDefinition,
    Programme,
    ReportSection,
    RunContext,
    Store,
    hookimpl,
)
from cxframe_improve import cases
from cxframe_improve.api import case_history, loop_cases, open_loop_cases, update_case
from cxframe_improve.cases import CaseUpdate, LoopCase
from cxframe_improve.exchange import ImportResult, export_cases, import_cases
from cxframe_improve.metrics import loop_metrics, loop_recovery
from cxframe_improve.settings import (
    OPEN_STATUSES,
    SETTINGS,
    UPDATE_STATUSES,
    LoopRule,
    OwnerRoute,
    load_rules,
)

if TYPE_CHECKING:
    import click

__all__ = [
    "OPEN_STATUSES",
    "SETTINGS",
    "UPDATE_STATUSES",
    "CaseUpdate",
    "ImportResult",
    "LoopCase",
    "LoopRule",
    "OwnerRoute",
    "case_history",
    "export_cases",
    "import_cases",
    "load_rules",
    "loop_cases",
    "loop_metrics",
    "loop_recovery",
    "open_loop_cases",
    "update_case",
]


@hookimpl
def register_checks(programme: Programme | None) -> list[Check]:
    # raising here is how `cxframe validate` learns about bad loop rules
    load_rules(programme)
    return []


@hookimpl
def register_metrics(programme: Programme | None) -> list[MetricDefinition]:
    """The loop metrics (#24): closure, SLA, hours to close, and a recovery metric per followed metric."""
    try:
        rules = load_rules(programme)
    except InvalidInput:  # bad rules are reported by validate (register_checks); the fixed metrics still count
        rules = []
    return loop_metrics(rules)


@hookimpl
def assessment_evidence(run: RunContext) -> dict[str, Any] | None:
    """The loop's figures for the report (#24): built from `cxframe_improve.report.EVIDENCE_PARTS`."""
    from cxframe_improve import report

    return report.evidence(run)


@hookimpl
def register_report_sections() -> list[ReportSection]:
    """The report's ``improve`` section (#24): built from `cxframe_improve.report.SECTION_PARTS`."""
    from cxframe_improve import report

    return list(report.SECTIONS)


@hookimpl
def collect_finished(
    programme: Programme, store: Store, catalogue: MetricCatalogue, summaries: list[IngestSummary]
) -> None:
    """Open the cases the loop rules call for, counting ``since`` back from now."""
    del summaries  # every qualifying answer in the store counts, not only this collect's: re-collects catch up
    rules = load_rules(programme)
    if rules:
        metrics = cases.metric_questions(programme, rules, catalogue.metrics)
        cases.open_cases(store, rules, metrics, dt.datetime.now(dt.UTC))


@hookimpl
def register_commands(cli: click.Group) -> None:
    from cxframe_improve.cli import loop  # click and the CLI helpers only when commands are wanted

    cli.add_command(loop)
    # the CRM round trip (#24): loop export / loop import
    from cxframe_improve.cli_exchange import export_command, import_command

    loop.add_command(export_command)
    loop.add_command(import_command)
