"""The journey plugin's sections of the assessment report (the ``register_report_sections`` hook).

* ``journeys``: each journey map — its emotion curve, its map picture, and its
  stages with emotions, touchpoints, pain points, opportunities and moments of truth;
* ``funnel``: the stage funnel of each journey, as a chart and a table;
* ``painpoints``: the ranked pain points with their evidence (a frontline
  manager sees the first 10).

A CX lead and a frontline manager see them; an executive does not. Each is
built from this plugin's evidence in the assessment document
(`cxframe_journey.evidence`), so ``cxframe report`` shows them again for
another role or language without re-running anything. The document may come
from an older run or be edited by hand: every value is read defensively, and
missing data leaves a chart, a part or the whole section out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cxframe import (
    REPORT_LANGUAGES,
    Catalogue,
    Cell,
    Column,
    CurveChart,
    CurvePoint,
    ReportContext,
    ReportSection,
    SectionContent,
    StepBar,
    StepChart,
)

__all__ = ["SECTIONS", "TRANSLATIONS", "build_funnel", "build_journeys", "build_painpoints"]

#: Who sees the journey sections: the CX lead and the frontline manager (not the executive).
READERS = ("cx-lead", "frontline-manager")

#: The sections' words, ``key: {lang: text}``; a section's own id is its title.
TEXTS: dict[str, dict[str, str]] = {
    "journeys": {"en": "Journeys", "zh-CN": "客户旅程"},
    "funnel": {"en": "Stage funnel", "zh-CN": "阶段漏斗"},
    "painpoints": {"en": "Pain points", "zh-CN": "痛点"},
    "column.stage": {"en": "Stage", "zh-CN": "阶段"},
    "column.persona": {"en": "Persona", "zh-CN": "用户画像"},
    "column.emotion": {"en": "Emotion", "zh-CN": "情绪"},
    "column.touchpoints": {"en": "Touchpoints", "zh-CN": "触点"},
    "column.pain_points": {"en": "Pain points", "zh-CN": "痛点"},
    "column.opportunities": {"en": "Opportunities", "zh-CN": "机会"},
    "column.moments_of_truth": {"en": "Moments of truth", "zh-CN": "关键时刻"},
    "column.cases": {"en": "Cases", "zh-CN": "案例数"},
    "column.conversion": {"en": "Conversion", "zh-CN": "转化率"},
    "column.drop_off": {"en": "Drop-off", "zh-CN": "流失率"},
    "column.touchpoint": {"en": "Touchpoint", "zh-CN": "触点"},
    "column.evidence": {"en": "Evidence", "zh-CN": "证据"},
    "chart.map.alt": {
        "en": "Journey map of {journey}: stages, touchpoints, emotion curve, pain points and opportunities",
        "zh-CN": "{journey}的旅程地图：阶段、触点、情绪曲线、痛点与机会",
    },
    "chart.emotion.title": {"en": "Emotion curve: {journey}", "zh-CN": "情绪曲线：{journey}"},
    "chart.emotion.desc": {
        "en": "How customers feel at each stage, from −2 (very negative) to +2 (very positive); "
        "a red triangle marks a stage's pain points.",
        "zh-CN": "客户在各阶段的感受，从 −2（非常负面）到 +2（非常正面）；红色三角形标出该阶段的痛点。",
    },
    "chart.emotion.negative": {"en": "negative", "zh-CN": "负面"},
    "chart.emotion.neutral": {"en": "neutral", "zh-CN": "中性"},
    "chart.emotion.positive": {"en": "positive", "zh-CN": "正面"},
    "chart.emotion.pains": {"en": "pain points:", "zh-CN": "痛点数："},
    "chart.funnel.title": {"en": "Stage funnel: {journey}", "zh-CN": "阶段漏斗：{journey}"},
    "chart.funnel.desc": {
        "en": "Cases reaching each stage, with the share converted from the stage before and the drop-off.",
        "zh-CN": "到达各阶段的案例数，以及相对上一阶段的转化率和流失率。",
    },
    "chart.funnel.cases": {"en": "cases", "zh-CN": "例"},
    "chart.funnel.drop": {"en": "drop-off", "zh-CN": "流失"},
    "note.funnel.passed_by": {
        "en": "Customers may skip “{stage}”, so it has no drop-off; the conversion and drop-off of “{next}” "
        "count from “{base}”, the bars from the stage above.",
        "zh-CN": "客户可以跳过“{stage}”，因此该阶段没有流失率；“{next}”的转化率和流失率从“{base}”算起，条形图则与上一阶段相比。",
    },
    "note.funnel.passed_by_first": {
        "en": "Customers may skip “{stage}”, so it has no drop-off; the conversion and drop-off of “{next}” "
        "count from all the journey's cases.",
        "zh-CN": "客户可以跳过“{stage}”，因此该阶段没有流失率；“{next}”的转化率和流失率按该旅程的全部案例计算。",
    },
    "note.emotion_scale": {
        "en": "Emotion runs from −2 (very negative) to +2 (very positive).",
        "zh-CN": "情绪取值从 −2（非常负面）到 +2（非常正面）。",
    },
}

LANGUAGES = REPORT_LANGUAGES

#: `TEXTS` as a `cxframe.Catalogue` (the one mechanism, checked at import), which a `ReportSection` takes as
#: its ``translations``: ``{lang: {key: text}}``.
TRANSLATIONS = Catalogue.by_key(TEXTS)


# --- the document is plain JSON, maybe old or edited: read it defensively ------------------------------------


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value if item is not None) if isinstance(value, list) else ()


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _whole(value: Any) -> int:
    number = _number(value)
    return int(number) if number is not None and number >= 0 else 0


def _figure(value: float | None, digits: int = 1) -> str:
    """A figure to read: fixed digits and a real minus sign; a dash when there is none."""
    return "—" if value is None else f"{value:.{digits}f}".replace("-", "−")


def _percent(value: float | None) -> str:
    return "—" if value is None else _figure(100 * value) + " %"


def _name(row: Mapping[str, Any], *keys: str) -> str:
    return next((str(row[key]) for key in keys if row.get(key)), "")


# --- the sections --------------------------------------------------------------------------------------------------


def build_journeys(report: ReportContext) -> SectionContent | None:
    """One part per journey map: the emotion curve, the map picture and the table of stages."""
    maps = _mappings(report.evidence().get("maps"))
    if not maps:
        return None
    columns = (
        Column(report.text("column.stage"), strong=True),
        Column(report.text("column.emotion"), numeric=True),
        Column(report.text("column.touchpoints")),
        Column(report.text("column.pain_points")),
        Column(report.text("column.opportunities")),
        Column(report.text("column.moments_of_truth")),
    )
    parts = []
    for index, journey in enumerate(maps):
        name = _name(journey, "name", "journey")
        stages = _mappings(journey.get("stages"))
        emotions = [_number(stage.get("emotion")) for stage in stages]
        charts = []
        if any(emotion is not None for emotion in emotions):
            charts.append(
                CurveChart(
                    id=f"emotion-{index}",
                    title=report.text("chart.emotion.title", journey=name),
                    desc=report.text("chart.emotion.desc"),
                    points=[
                        CurvePoint(_name(stage, "name", "id"), emotion, len(_strings(stage.get("pain_points"))))
                        for stage, emotion in zip(stages, emotions, strict=True)
                    ],
                    scale_labels=(
                        report.text("chart.emotion.negative"),
                        report.text("chart.emotion.neutral"),
                        report.text("chart.emotion.positive"),
                    ),
                    mark_label=report.text("chart.emotion.pains"),
                )
            )
        rows = [
            (
                _name(stage, "name", "id"),
                Cell(
                    "—" if emotion is None else ("+" if emotion > 0 else "") + _figure(emotion),
                    note=str(stage.get("emotion_note") or ""),
                    tone=None if not emotion else "good" if emotion > 0 else "bad",
                ),
                _strings(stage.get("touchpoints")),
                _strings(stage.get("pain_points")),
                _strings(stage.get("opportunities")),
                _strings(stage.get("moments_of_truth")),
            )
            for stage, emotion in zip(stages, emotions, strict=True)
        ]
        persona = str(journey.get("persona") or "")
        # the picture in the reader's language; a document from before pictures had languages has the English
        pictures = journey.get("svg_by_lang")
        picture = pictures.get(report.lang) if isinstance(pictures, Mapping) else None
        picture = picture if isinstance(picture, str) else journey.get("svg")
        parts.append(
            SectionContent(
                heading=f"{name} · {report.text('column.persona')}: {persona}" if persona else name,
                charts=charts,
                svg=picture if isinstance(picture, str) else None,
                svg_alt=report.text("chart.map.alt", journey=name),
                columns=columns,
                rows=rows,
                notes=report.text("note.emotion_scale") if rows else (),
            )
        )
    return SectionContent(parts=parts)


def build_funnel(report: ReportContext) -> SectionContent | None:
    """One part per journey: its stage funnel as a chart and a table."""
    evidence = report.evidence()
    steps_by_journey: dict[str, list[Mapping[str, Any]]] = {}
    for row in _mappings(evidence.get("funnel")):
        steps_by_journey.setdefault(str(row.get("journey") or ""), []).append(row)
    if not steps_by_journey:
        return None
    names = {str(m.get("journey")): str(m.get("name")) for m in _mappings(evidence.get("maps")) if m.get("name")}
    columns = (
        Column(report.text("column.stage")),
        Column(report.text("column.cases"), numeric=True),
        Column(report.text("column.conversion"), numeric=True),
        Column(report.text("column.drop_off"), numeric=True),
    )
    parts = []
    for index, (journey, rows) in enumerate(steps_by_journey.items()):
        name = names.get(journey) or journey
        steps = [
            StepBar(
                _name(row, "stage_name", "stage"),
                _whole(row.get("cases")),
                _number(row.get("conversion")),
                _number(row.get("drop_off")),
            )
            for row in rows
        ]
        chart = StepChart(
            id=f"funnel-{index}",
            title=report.text("chart.funnel.title", journey=name),
            desc=report.text("chart.funnel.desc"),
            steps=steps,
            count_label=report.text("chart.funnel.cases"),
            drop_label=report.text("chart.funnel.drop"),
        )
        parts.append(
            SectionContent(
                heading=name,
                charts=[chart],
                columns=columns,
                rows=[
                    (step.label, f"{step.count:,}", _percent(step.conversion), _percent(step.drop_off))
                    for step in steps
                ],
                notes=_passed_by(report, rows, [step.label for step in steps]),
            )
        )
    return SectionContent(parts=parts)


def _passed_by(report: ReportContext, rows: list[Mapping[str, Any]], names: list[str]) -> list[str]:
    """For each stage customers may pass by, what the next stage's conversion and drop-off count from.

    The bars compare each stage with the one above; the table counts from the last stage every case
    passes, so "+18.8 % more" at a stage can stand next to an 18.2 % drop-off: the note says why.
    """
    notes = []
    for index, row in enumerate(rows):
        later = next((j for j in range(index + 1, len(rows)) if not rows[j].get("optional")), None)
        if not row.get("optional") or later is None:  # after the final stage nothing counts from it
            continue
        base = next((j for j in range(index - 1, -1, -1) if not rows[j].get("optional")), None)
        values = {"stage": names[index], "next": names[later]}
        if base is None:
            notes.append(report.text("note.funnel.passed_by_first", **values))
        else:
            notes.append(report.text("note.funnel.passed_by", base=names[base], **values))
    return notes


def build_painpoints(report: ReportContext) -> SectionContent | None:
    """The ranked pain points with their evidence, as many as the reader's role sees."""
    painpoints = _mappings(report.evidence().get("painpoints"))
    if not painpoints:
        return None
    shown, more = report.limit(painpoints)
    return SectionContent(
        columns=(Column(report.text("column.touchpoint"), strong=True), Column(report.text("column.evidence"))),
        # why it ranks where it does first, then the figures behind it
        rows=[
            (
                _name(point, "name", "touchpoint"),
                [report.translate(line) for line in (*_strings(point.get("reason")), *_strings(point.get("evidence")))],
            )
            for point in shown
        ],
        more=more,
    )


SECTIONS = (
    ReportSection("journeys", TEXTS["journeys"]["en"], READERS, build_journeys, translations=TRANSLATIONS),
    ReportSection("funnel", TEXTS["funnel"]["en"], READERS, build_funnel, after="journeys", translations=TRANSLATIONS),
    ReportSection(
        "painpoints",
        TEXTS["painpoints"]["en"],
        READERS,
        build_painpoints,
        after="funnel",
        limits={"executive": 3, "cx-lead": None, "frontline-manager": 10},
        translations=TRANSLATIONS,
    ),
)
