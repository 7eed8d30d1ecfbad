"""cxframe-nps: survey collectors, the survey metrics (NPS, CSAT, CES, eNPS and
metrics declared in the programme file) and the measurement evidence checks.

Registered through the ``cxframe`` entry-point group like any third-party plugin.
"""

from __future__ import annotations

from typing import Any

from cxframe import Check, Collector, InvalidInput, MetricDefinition, Programme, RunContext, hookimpl
from cxframe_nps.collectors import COLLECTORS
from cxframe_nps.declared import declared_metrics
from cxframe_nps.evidence import CHECKS, assessment_facts, measurement_evidence
from cxframe_nps.metrics import survey_metrics

#: The plugin's table in the programme file: ``[plugins.cxframe-nps]``.
SETTINGS = "cxframe-nps"
#: The keys of ``[plugins.cxframe-nps]``.
SETTING_KEYS = frozenset({"csat_scale", "ces_scale", "metrics", "closed_loop"})

__all__ = ["assessment_facts", "measurement_evidence"]


@hookimpl
def register_collectors() -> list[Collector]:
    return list(COLLECTORS)


@hookimpl
def register_metrics(programme: Programme | None) -> list[MetricDefinition]:
    if programme is None:
        return survey_metrics({})
    settings = programme.plugin_settings(SETTINGS)
    where = str(programme.file)
    unknown = sorted(set(settings) - SETTING_KEYS)
    if unknown:  # a misspelt csat_scale would otherwise leave the default scale in place without a word
        raise InvalidInput(
            [
                f"[plugins.{SETTINGS}] {key}: unknown setting (known: {', '.join(sorted(SETTING_KEYS))})"
                for key in unknown
            ],
            where=where,
        )
    return survey_metrics(settings, where) + declared_metrics(settings, where=where)


@hookimpl
def register_checks() -> list[Check]:
    return list(CHECKS)


@hookimpl
def assessment_evidence(run: RunContext) -> dict[str, Any]:
    return assessment_facts(run)
