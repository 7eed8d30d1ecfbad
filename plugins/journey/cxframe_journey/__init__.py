"""cxframe-journey: event logs and journey analytics.

* collectors ``event-csv`` (a CSV with a column mapping) and ``xes`` (IEEE 1849
  XES, plain or gzipped, streamed) that read event logs into the store's
  ``events`` table;
* `variants` and `dfg` (directly-follows graph), computed in SQL over that
  table, in the process-mining convention (events of a case ordered by
  timestamp, ties in file order) and checked against pm4py in the tests;
* ``cxframe journey variants [LOG]`` and ``cxframe journey dfg [LOG]``;
* the direct file path: ``cxframe journey variants LOG --no-store`` (and
  ``dfg``), `read_log` → `EventLog`, which reads a log file once into memory
  and stores nothing, with the same results (`cxframe_journey.logfile`);
* stage templates (``lifecycle``, ``sale``) and ``cxframe journey template NAME``,
  see `cxframe_journey.templates`;
* touchpoint-inventory and journey checks (``journey.*``), see `cxframe_journey.checks`;
* the stage funnel with time between stages, repeat contacts and the
  pain-point overlay (`cxframe_journey.overlay`), with ``cxframe journey
  funnel``, ``repeats`` and ``painpoints``;
* the journey-map picture (`journey_map_svg`, ``cxframe journey map``);
* the ``assessment_evidence`` hook (`cxframe_journey.evidence`);
* the report sections ``journeys``, ``funnel`` and ``painpoints``, built from
  that evidence (`cxframe_journey.report`).

Registered through the ``cxframe`` entry-point group like any third-party plugin.

>>> import cxframe_journey
>>> cxframe_journey.variants("my-programme", "orders.xes")[0]   # doctest: +SKIP
{'activities': ['register', 'check', 'pay'], 'count': 812, 'share': 0.41}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxframe import Check, Collector, Programme, ReportSection, RunContext, hookimpl
from cxframe_journey.api import (
    Mapping,
    Selection,
    collect_log,
    dfg,
    funnel,
    journey_map,
    open_log,
    painpoints,
    read_log,
    repeats,
    variants,
)
from cxframe_journey.checks import CHECKS
from cxframe_journey.csvlog import event_csv
from cxframe_journey.evidence import journey_evidence
from cxframe_journey.logfile import EventLog, LogSummary
from cxframe_journey.picture import journey_map_html, journey_map_svg
from cxframe_journey.report import SECTIONS
from cxframe_journey.settings import load_settings
from cxframe_journey.templates import TEMPLATES, template, template_toml
from cxframe_journey.xes import xes

if TYPE_CHECKING:
    import click

__all__ = [
    "TEMPLATES",
    "EventLog",
    "LogSummary",
    "Mapping",
    "Selection",
    "assessment_evidence",
    "collect_log",
    "dfg",
    "funnel",
    "journey_evidence",
    "journey_map",
    "journey_map_html",
    "journey_map_svg",
    "open_log",
    "painpoints",
    "read_log",
    "register_checks",
    "register_collectors",
    "register_commands",
    "register_report_sections",
    "repeats",
    "template",
    "template_toml",
    "variants",
]


@hookimpl
def register_collectors() -> list[Collector]:
    return [event_csv, xes]


@hookimpl
def register_checks(programme: Programme | None) -> list[Check]:
    # raising here is how `cxframe validate` learns about bad [plugins.cxframe-journey] settings
    load_settings(programme)
    return list(CHECKS)


@hookimpl
def assessment_evidence(run: RunContext) -> dict[str, Any]:
    return journey_evidence(run)


@hookimpl
def register_report_sections() -> list[ReportSection]:
    return list(SECTIONS)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from cxframe_journey.cli import journey  # click and the CLI helpers only when commands are wanted

    cli.add_command(journey)
