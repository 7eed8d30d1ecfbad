"""cxframe-insight: explain the experience.

* key drivers: which attribute ratings move the overall metric (Johnson's
  relative weights with bootstrap intervals, importance × performance
  quadrants), see `cxframe_insight.drivers`; ``cxframe drivers`` and
  `key_drivers`;
* the churn early warning: every customer's risk with its reasons, from
  customer-level features built set-based from the store
  (`cxframe_insight.features`, `cxframe_insight.churn`); ``cxframe predict
  churn`` and `predict_churn`;
* the ``kpi-csv`` collector: operational and financial facts per customer
  and date (``churned`` labels the churn model learns from), see
  `cxframe_insight.kpis`;
* the customer's profile: answers, events, journey stage, metric history,
  risk, loop cases and actions of one customer; ``cxframe customer ID`` and
  `customer_profile`;
* in ``cxframe assess`` and its reports: the ``insight`` section (key drivers
  as importance × performance, churn counts by band, the business link), from
  the evidence `cxframe_insight.report` gives;
* experience to business: a KPI among promoters, passives and detractors and
  per point of the metric (an association, said so); ``cxframe business`` and
  `business_link`;
* ``cxframe forget SOURCE`` deletes the kept churn scores (`cxframe_insight.scores`).

Settings in ``[plugins.cxframe-insight]`` (`cxframe_insight.settings`).
Registered through the ``cxframe`` entry-point group like any third-party plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxframe import Check, Collector, Programme, ReportSection, RunContext, Store, hookimpl
from cxframe_insight.api import business_link, customer_profile, key_drivers, predict_churn
from cxframe_insight.business import BusinessLink, KpiGroup
from cxframe_insight.churn import Calibration, CalibrationBin, ChurnPrediction, CustomerRisk, Reason
from cxframe_insight.drivers import FIX_FIRST, KEEP, LOWER_PRIORITY, MAINTAIN, Driver, DriverAnalysis
from cxframe_insight.features import FEATURES
from cxframe_insight.kpis import kpi_csv
from cxframe_insight.profile import CustomerProfile
from cxframe_insight.settings import SETTINGS, InsightSettings, load_settings

if TYPE_CHECKING:
    import click

__all__ = [
    "FEATURES",
    "FIX_FIRST",
    "KEEP",
    "LOWER_PRIORITY",
    "MAINTAIN",
    "SETTINGS",
    "BusinessLink",
    "Calibration",
    "CalibrationBin",
    "ChurnPrediction",
    "CustomerProfile",
    "CustomerRisk",
    "Driver",
    "DriverAnalysis",
    "InsightSettings",
    "KpiGroup",
    "Reason",
    "business_link",
    "customer_profile",
    "key_drivers",
    "load_settings",
    "predict_churn",
]


@hookimpl
def register_collectors() -> list[Collector]:
    return [kpi_csv]


@hookimpl
def register_checks(programme: Programme | None) -> list[Check]:
    # raising here is how `cxframe validate` learns about bad settings
    load_settings(programme)
    return []


@hookimpl
def assessment_evidence(run: RunContext) -> dict[str, Any] | None:
    """Drivers, churn bands and the business link for the report (#25); numpy and the model only when assessing."""
    from cxframe_insight import report

    return report.evidence(run)


@hookimpl
def register_report_sections() -> list[ReportSection]:
    from cxframe_insight.report import SECTIONS

    return list(SECTIONS)


@hookimpl
def source_forgotten(store: Store) -> str | None:
    """``cxframe forget``: the kept churn scores were learnt from the forgotten source too, so they go."""
    from cxframe_insight.scores import forget

    scored = forget(store)
    if not scored:
        return None
    return (
        f"deleted the kept churn scores of {scored} customer{'' if scored == 1 else 's'} (learnt from that source "
        "too; `cxframe predict churn` or the next `cxframe customer` computes them again)"
    )


@hookimpl
def register_commands(cli: click.Group) -> None:
    from cxframe_insight.cli import business_command, customer_command, drivers, predict  # the CLI only when wanted

    cli.add_command(drivers)
    cli.add_command(predict)
    cli.add_command(customer_command)
    cli.add_command(business_command)
