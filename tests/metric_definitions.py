"""Metric definitions shared by the engine and comparison tests (the same maths as cxframe-nps)."""

from __future__ import annotations

from cxframe import IntervalMethod, MetricDefinition

Z95 = 1.959963984540054
NPS_SQL = "CASE WHEN value >= 9 THEN 1.0 WHEN value <= 6 THEN -1.0 ELSE 0.0 END"
NPS = MetricDefinition(
    id="nps",
    title="NPS",
    question="nps",
    value_sql=NPS_SQL,
    interval=IntervalMethod.NPS,
    multiplier=100,
    scale_min=0,
    scale_max=10,
)
CSAT = MetricDefinition(
    id="csat",
    title="CSAT",
    question="csat",
    value_sql="CASE WHEN value >= 4 THEN 1.0 ELSE 0.0 END",
    interval=IntervalMethod.PROPORTION,
    multiplier=100,
    scale_min=1,
    scale_max=5,
)
