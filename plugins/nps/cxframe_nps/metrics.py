"""The survey metrics, each a per-observation SQL expression the engine averages.

* ``nps``: +1 for 9–10, −1 for 0–6, 0 otherwise, × 100 (−100…100); adjusted Wald interval.
* ``csat``: share of top-two-box answers (default scale 1–5), in %; Wilson interval.
* ``ces``: mean Customer Effort Score (CES 2.0: 1–7 agreement that it was easy); t interval.
* ``ces_easy``: share agreeing it was easy (above the midpoint: 5–7 on 1–7), in %; Wilson interval.
* ``enps``: NPS over employees (population ``employee``).

Scales can be changed in ``[plugins.cxframe-nps]``: ``csat_scale = [1, 5]``,
``ces_scale = [1, 7]``.
"""

from __future__ import annotations

import math
from typing import Any

from cxframe import IntervalMethod, InvalidInput, MetricDefinition
from cxframe_nps.texts import say

NPS_SQL = "CASE WHEN value >= 9 THEN 1.0 WHEN value <= 6 THEN -1.0 ELSE 0.0 END"


def plugin_scale(
    settings: dict[str, Any], key: str, default: tuple[float, float], where: str = ""
) -> tuple[float, float]:
    """``[plugins.cxframe-nps] key = [min, max]``, checked: two numbers, the first the smaller."""
    value = settings.get(key, default)
    if not (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value)
        and value[0] < value[1]
    ):
        raise InvalidInput(
            [
                f"[plugins.cxframe-nps] {key}: expected [min, max], two numbers with min < max (e.g. [1, 5]), got {value!r}"
            ],
            where=where or None,
        )
    return float(value[0]), float(value[1])


def survey_metrics(settings: dict[str, Any], where: str = "") -> list[MetricDefinition]:
    csat_low, csat_high = plugin_scale(settings, "csat_scale", (1, 5), where)
    ces_low, ces_high = plugin_scale(settings, "ces_scale", (1, 7), where)
    # "easy": agreeing, i.e. above the scale's midpoint (5–7 on CES 2.0's 1–7; 4–5 on a 1–5 scale, not the
    # neutral 3 with them)
    ces_easy = math.floor((ces_low + ces_high) / 2) + 1
    return [
        MetricDefinition(
            id="nps",
            title=say("metric.nps"),
            question="nps",
            value_sql=NPS_SQL,
            interval=IntervalMethod.NPS,
            multiplier=100,
            unit="points",
            scale_min=0,
            scale_max=10,
            description="% promoters (9–10) − % detractors (0–6) on the 0–10 likelihood-to-recommend question.",
        ),
        MetricDefinition(
            id="csat",
            title=say("metric.csat"),
            question="csat",
            value_sql=f"CASE WHEN value >= {csat_high - 1:g} THEN 1.0 ELSE 0.0 END",
            interval=IntervalMethod.PROPORTION,
            multiplier=100,
            unit="%",
            scale_min=csat_low,
            scale_max=csat_high,
            description=f"Share of answers in the top two boxes of the {csat_low:g}–{csat_high:g} scale.",
        ),
        MetricDefinition(
            id="ces",
            title=say("metric.ces"),
            question="ces",
            value_sql="value",
            interval=IntervalMethod.MEAN,
            unit="score",
            scale_min=ces_low,
            scale_max=ces_high,
            description=f"Mean agreement ({ces_low:g}–{ces_high:g}) that the company made it easy; higher is easier.",
        ),
        MetricDefinition(
            id="ces_easy",
            title=say("metric.ces_easy"),
            question="ces",
            value_sql=f"CASE WHEN value >= {ces_easy:g} THEN 1.0 ELSE 0.0 END",
            interval=IntervalMethod.PROPORTION,
            multiplier=100,
            unit="%",
            scale_min=ces_low,
            scale_max=ces_high,
            description=f"Share answering {ces_easy:g} or more on the effort question.",
        ),
        MetricDefinition(
            id="enps",
            title=say("metric.enps"),
            question="enps",
            value_sql=NPS_SQL,
            interval=IntervalMethod.NPS,
            multiplier=100,
            unit="points",
            population="employee",
            scale_min=0,
            scale_max=10,
            description="NPS asked of employees: would you recommend us as a place to work?",
        ),
    ]
