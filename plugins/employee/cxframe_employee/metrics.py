"""The employee-survey metrics this plugin adds (eNPS itself comes from cxframe-nps).

* ``empowerment``: mean answer to the ``empowerment`` item ("I can resolve
  customers' issues without asking for permission"), t interval;
* ``engagement``: mean answer to the ``engagement`` item;

both over employee responses, on ``item_scale`` (default 1–5). Map a survey
column (or a computed index of several items) to the question ids
``empowerment`` and ``engagement``.
"""

from __future__ import annotations

from cxframe import IntervalMethod, MetricDefinition
from cxframe_employee.results import EMPLOYEE
from cxframe_employee.texts import say

ITEMS = {
    "empowerment": (
        "Employee empowerment (mean)",
        "Mean agreement that one can resolve customers' issues without escalation.",
    ),
    "engagement": ("Employee engagement (mean)", "Mean answer to the engagement item."),
}


def employee_metrics(scale: tuple[float, float] = (1.0, 5.0)) -> list[MetricDefinition]:
    low, high = scale
    return [
        MetricDefinition(
            id=question,
            title=say(f"metric.{question}") if say["en"].get(f"metric.{question}") == title else title,
            question=question,
            value_sql="value",
            interval=IntervalMethod.MEAN,
            unit="score",
            population=EMPLOYEE,
            scale_min=low,
            scale_max=high,
            description=f"{description} Scale {low:g}–{high:g}; employee responses only.",
        )
        for question, (title, description) in ITEMS.items()
    ]
