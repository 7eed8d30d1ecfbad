"""The CX programme lifecycle: context → plan → design → measure → improve.

``Stage`` is the ordered enum every part of cxframe speaks in; `StageOutcome`
is what one stage produced, and `COUNT_LABELS` how readers name its counts.
The walk over the stages lives in `cxframe.lifecycle._walk`.
"""

from __future__ import annotations

import enum
import functools

import attrs


@functools.total_ordering
class Stage(enum.Enum):
    """One stage of the CX-programme lifecycle, in the order a run walks them."""

    CONTEXT = "context"
    PLAN = "plan"
    DESIGN = "design"
    MEASURE = "measure"
    IMPROVE = "improve"

    @property
    def index(self) -> int:
        return list(Stage).index(self)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Stage):
            return NotImplemented
        return self.index < other.index

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class StageOutcome:
    """What one lifecycle stage produced: counts by kind and messages for people."""

    stage: Stage
    status: str = "ok"
    counts: dict[str, int] = attrs.field(factory=dict)
    messages: tuple[str, ...] = ()


#: How readers name a stage's counts (`StageOutcome.counts`), as ``count.<key>`` → language → text;
#: the terminal summary of ``cxframe assess`` says them in its lifecycle line (``plan ✓ 6 objectives``).
COUNT_LABELS: dict[str, dict[str, str]] = {
    "count.stakeholders": {"en": "{n} stakeholders", "zh-CN": "{n} 个利益相关方"},
    "count.objectives": {"en": "{n} objectives", "zh-CN": "{n} 个目标"},
    "count.touchpoints": {"en": "{n} touchpoints", "zh-CN": "{n} 个触点"},
    "count.journeys": {"en": "{n} journeys", "zh-CN": "{n} 条旅程"},
    "count.actions": {"en": "{n} actions", "zh-CN": "{n} 项行动"},
    "count.observations": {"en": "{n} observations", "zh-CN": "{n} 条观测"},
    "count.events": {"en": "{n} events", "zh-CN": "{n} 个事件"},
    "count.checks": {"en": "{n} check results", "zh-CN": "{n} 项检查结果"},
    "count.findings": {"en": "{n} findings", "zh-CN": "{n} 项发现"},
    "count.notes": {"en": "{n} notes", "zh-CN": "{n} 条提示"},
    # English says one of each in the singular: ``<key>.one`` is used when n is 1
    "count.stakeholders.one": {"en": "1 stakeholder", "zh-CN": "1 个利益相关方"},
    "count.objectives.one": {"en": "1 objective", "zh-CN": "1 个目标"},
    "count.touchpoints.one": {"en": "1 touchpoint", "zh-CN": "1 个触点"},
    "count.journeys.one": {"en": "1 journey", "zh-CN": "1 条旅程"},
    "count.actions.one": {"en": "1 action", "zh-CN": "1 项行动"},
    "count.observations.one": {"en": "1 observation", "zh-CN": "1 条观测"},
    "count.events.one": {"en": "1 event", "zh-CN": "1 个事件"},
    "count.checks.one": {"en": "1 check result", "zh-CN": "1 项检查结果"},
    "count.findings.one": {"en": "1 finding", "zh-CN": "1 项发现"},
    "count.notes.one": {"en": "1 note", "zh-CN": "1 条提示"},
}
