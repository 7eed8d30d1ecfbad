"""Metrics declared in the programme file, for questions the built-ins do not cover.

::

    [[plugins.cxframe-nps.metrics]]
    id = "fcr"
    title = "First-contact resolution"
    question = "resolved"      # the question id the survey source maps
    kind = "share"             # "share" of answers in `values`, or "mean" of the answers
    values = [1]               # for a share: the answers that count
    scale = [0, 1]             # optional: answers outside are left out
    unit = "%"
    higher_is_better = true
    min_sample = 30            # optional; default: the programme's setting

A share is computed with a Wilson interval and shown in %, a mean with a t
interval on the answers' own scale.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from cxframe import IntervalMethod, MetricDefinition, structure


def _finite_list(instance: object, attribute: attrs.Attribute[Any], value: tuple[float, ...]) -> None:
    if any(v != v or v in (float("inf"), float("-inf")) for v in value):
        raise ValueError(f"'{attribute.name}' must hold finite numbers")


@attrs.frozen
class DeclaredMetric:
    id: str
    title: str
    question: str
    kind: Literal["share", "mean"]
    values: tuple[float, ...] = attrs.field(default=(), validator=_finite_list)
    scale: tuple[float, ...] = attrs.field(default=(), validator=_finite_list)
    unit: str = ""
    higher_is_better: bool = True
    min_sample: int | None = None
    description: str = ""

    def problems(self, path: str) -> list[str]:
        found = []
        if self.kind == "share" and not self.values:
            found.append(f"{path}.values: a share needs the answers that count, e.g. values = [1]")
        if self.scale and (len(self.scale) != 2 or self.scale[0] > self.scale[1]):
            found.append(f"{path}.scale: expected [min, max]")
        return found

    def definition(self) -> MetricDefinition:
        low, high = (self.scale[0], self.scale[1]) if len(self.scale) == 2 else (None, None)
        if self.kind == "share":
            # numbers only (validated finite), so formatting them into SQL is safe
            answers = ", ".join(repr(float(v)) for v in self.values)
            return MetricDefinition(
                id=self.id,
                title=self.title,
                question=self.question,
                value_sql=f"CASE WHEN value IN ({answers}) THEN 1.0 ELSE 0.0 END",
                interval=IntervalMethod.PROPORTION,
                multiplier=100,
                unit=self.unit or "%",
                higher_is_better=self.higher_is_better,
                min_sample=self.min_sample,
                scale_min=low,
                scale_max=high,
                description=self.description or f"Share of {self.question} answers in {list(self.values)}.",
            )
        return MetricDefinition(
            id=self.id,
            title=self.title,
            question=self.question,
            value_sql="value",
            interval=IntervalMethod.MEAN,
            unit=self.unit,
            higher_is_better=self.higher_is_better,
            min_sample=self.min_sample,
            scale_min=low,
            scale_max=high,
            description=self.description or f"Mean of the {self.question} answers.",
        )


def declared_metrics(settings: dict[str, Any], where: str) -> list[MetricDefinition]:
    """The metrics in ``[[plugins.cxframe-nps.metrics]]``; raises InvalidInput listing every problem."""
    raw = settings.get("metrics", [])
    path = "plugins.cxframe-nps.metrics"
    declared = structure(raw, list[DeclaredMetric], where=where, path=path)
    problems = [p for index, metric in enumerate(declared) for p in metric.problems(f"{path}[{index}]")]
    if problems:
        from cxframe import InvalidInput

        raise InvalidInput(problems, where=where)
    return [metric.definition() for metric in declared]
