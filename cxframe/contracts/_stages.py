"""The CX programme lifecycle: context → plan → design → measure → improve.

``Stage`` is the ordered enum every part of cxframe speaks in; `StageOutcome`
is what one stage produced. The walk over the stages lives in
`cxframe.lifecycle._walk`.
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
