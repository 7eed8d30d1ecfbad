"""cxframe-nps: survey collectors and the survey metrics (NPS, CSAT, CES, eNPS).

Registered through the ``cxframe`` entry-point group like any third-party plugin.
"""

from __future__ import annotations

from cxframe import Collector, MetricDefinition, Programme, hookimpl
from cxframe_nps.collectors import survey_csv
from cxframe_nps.metrics import survey_metrics


@hookimpl
def register_collectors() -> list[Collector]:
    return [survey_csv]


@hookimpl
def register_metrics(programme: Programme | None) -> list[MetricDefinition]:
    settings = programme.plugin_settings("cxframe-nps") if programme is not None else {}
    return survey_metrics(settings)
