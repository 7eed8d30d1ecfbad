"""The employee plugin's section of the assessment report (the ``register_report_sections`` hook).

``employee`` shows eNPS overall and by team (as the anonymity rule left them:
a suppressed group says so and shows no figure), and the EX ↔ CX link: r
with its interval, what it means, and the scatter of teams with the numbers
behind it. A CX lead and a frontline manager see it, after the journey
plugin's sections when those are installed.

It is built from this plugin's evidence in the assessment document
(`cxframe_employee.evidence`), which already obeys the anonymity rule, so
``cxframe report`` shows it again for another role or language without
re-running anything. Every value is read defensively: the document may be old
or edited by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cxframe import (
    REPORT_LANGUAGES,
    Catalogue,
    Column,
    ReportContext,
    ReportSection,
    ScatterChart,
    ScatterPoint,
    SectionContent,
)

__all__ = ["SECTIONS", "TRANSLATIONS", "build_employee"]

#: Who sees the section: the CX lead and the frontline manager (not the executive).
READERS = ("cx-lead", "frontline-manager")

#: The section's words, ``key: {lang: text}``; ``employee`` (the section's id) is its title.
TEXTS: dict[str, dict[str, str]] = {
    "employee": {"en": "Employees", "zh-CN": "员工"},
    "enps": {"en": "Employee NPS (eNPS)", "zh-CN": "员工净推荐值（eNPS）"},
    "overall": {"en": "all employees", "zh-CN": "全体员工"},
    "segment.all": {"en": "all", "zh-CN": "全部"},
    "link": {"en": "The EX ↔ CX link", "zh-CN": "员工体验与客户体验的关联"},
    "correlation": {
        "en": "Correlation across {teams} teams: r = {r} ({confidence} interval {low} … {high}).",
        "zh-CN": "{teams} 个团队间的相关系数 r = {r}（{confidence} 置信区间 {low} … {high}）。",
    },
    "association": {
        "en": "An association between team averages, not evidence of cause.",
        "zh-CN": "这只是团队平均值之间的关联，并不能证明因果关系。",
    },
    "link_missing": {"en": "The link could not be computed: {reason}", "zh-CN": "无法计算关联：{reason}"},
    "column.segment": {"en": "Segment", "zh-CN": "细分"},
    "column.value": {"en": "Value", "zh-CN": "数值"},
    "column.interval": {"en": "Interval", "zh-CN": "置信区间"},
    "column.n": {"en": "n", "zh-CN": "样本量"},
    "column.flags": {"en": "Flags", "zh-CN": "标记"},
    "column.team": {"en": "Team", "zh-CN": "团队"},
    "column.employee_value": {"en": "Employees' {metric}", "zh-CN": "员工 {metric}"},
    "column.customer_value": {"en": "Customers' {metric}", "zh-CN": "客户 {metric}"},
    "flag.suppressed": {
        "en": "hidden: fewer than {threshold} respondents, or showing it would reveal a group that small",
        "zh-CN": "已隐藏：回答者少于 {threshold} 人，或显示它会推算出这样的小群组",
    },
    # the same, for a document that does not say the threshold (old or edited): no number rather than a wrong one
    "flag.suppressed.no_threshold": {
        "en": "hidden: too few respondents, or showing it would reveal a group that small",
        "zh-CN": "已隐藏：回答者太少，或显示它会推算出这样的小群组",
    },
    "chart.link.title": {"en": "Employee and customer experience by team", "zh-CN": "各团队的员工体验与客户体验"},
    "chart.link.desc": {
        "en": "One dot per team: its employees' {employee} across, its customers' {customer} up; "
        "the dashed line is the least-squares fit.",
        "zh-CN": "每个点代表一个团队：横轴为员工 {employee}，纵轴为客户 {customer}；虚线为最小二乘拟合线。",
    },
    "chart.link.x": {"en": "employees' {metric}", "zh-CN": "员工 {metric}"},
    "chart.link.y": {"en": "customers' {metric}", "zh-CN": "客户 {metric}"},
    "chart.data": {"en": "The numbers behind the chart", "zh-CN": "图表数据"},
}

LANGUAGES = REPORT_LANGUAGES

#: `TEXTS` as a `cxframe.Catalogue` (the one mechanism, checked at import), which a `ReportSection` takes as
#: its ``translations``: ``{lang: {key: text}}``.
TRANSLATIONS = Catalogue.by_key(TEXTS)

# --- the document is plain JSON, maybe old or edited: read it defensively ------------------------------------


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value if item is not None] if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _figure(value: float | None, digits: int = 1) -> str:
    """A figure to read: fixed digits and a real minus sign; a dash when there is none."""
    return "—" if value is None else f"{value:.{digits}f}".replace("-", "−")


def _interval(row: Mapping[str, Any]) -> str:
    low, high = _number(row.get("ci_low")), _number(row.get("ci_high"))
    return "—" if low is None or high is None else f"{_figure(low)} … {_figure(high)}"


# --- the section -----------------------------------------------------------------------------------------------


def _segment(report: ReportContext, segment: Any) -> str:
    """A segment as a reader names it: ``North`` for one column, ``team=North, region=EU`` for several."""
    if not segment:
        return report.text("overall")
    if not isinstance(segment, Mapping):
        return report.text("segment.all")
    if len(segment) == 1:
        return _value(next(iter(segment.values())))
    return ", ".join(f"{key}={_value(value)}" for key, value in segment.items())


def _value(value: Any) -> str:
    """A segment's value as text; a dash for a missing one (never ``None``)."""
    return "—" if value is None or (isinstance(value, float) and not math.isfinite(value)) else str(value)


def _flag(report: ReportContext, flag: str) -> str:
    """A flag in words: the anonymity rule's with the threshold the plugin reported, others as the core says them."""
    if flag != "suppressed":
        return report.flag(flag)
    threshold = report.evidence().get("anonymity_threshold")
    if isinstance(threshold, int) and not isinstance(threshold, bool):
        return report.text("flag.suppressed", threshold=threshold)
    return report.text("flag.suppressed.no_threshold")


def _enps(report: ReportContext, evidence: Mapping[str, Any]) -> SectionContent | None:
    enps = evidence.get("enps")
    rows = [*([enps] if isinstance(enps, Mapping) else _mappings(enps)), *_mappings(evidence.get("enps_by_team"))]
    if not rows:
        return None
    n = [row.get("n") for row in rows]
    return SectionContent(
        heading=report.text("enps"),
        columns=(
            Column(report.text("column.segment")),
            Column(report.text("column.value"), numeric=True),
            Column(report.text("column.interval"), numeric=True),
            Column(report.text("column.n"), numeric=True),
            Column(report.text("column.flags")),
        ),
        rows=[
            (
                _segment(report, row.get("segment")),
                _figure(_number(row.get("value"))),
                _interval(row),
                str(count) if isinstance(count, int) and not isinstance(count, bool) else "—",
                ", ".join(_flag(report, f) for f in _strings(row.get("flags"))) or "—",
            )
            for row, count in zip(rows, n, strict=True)
        ],
    )


def _link(report: ReportContext, link: Mapping[str, Any]) -> SectionContent:
    """The EX ↔ CX link: r with its interval, the plugin's statement, and the scatter when teams are given."""
    employee_metric = str(link.get("employee_metric") or "eNPS")
    customer_metric = str(link.get("customer_metric") or "NPS")
    # the plugin sends ``teams`` pairs; ``points`` is the simpler shape of older documents
    points = []
    for pair in _mappings(link.get("points")) or _mappings(link.get("teams")):
        x = _number(pair.get("enps", pair.get("employee_value")))
        y = _number(pair.get("customer_score", pair.get("customer_value")))
        if x is not None and y is not None:
            points.append(ScatterPoint(str(pair.get("team") or ""), x, y))
    text = []
    r = _number(link.get("r"))
    if r is not None:
        confidence = _number(link.get("confidence")) or 0.95
        teams = link.get("n_teams") or len(points)
        text.append(
            report.text(
                "correlation",
                teams=teams,
                r=_figure(r, 2),
                confidence=f"{confidence:.0%}",
                low=_figure(_number(link.get("ci_low")), 2),
                high=_figure(_number(link.get("ci_high")), 2),
            )
            + " "
            + report.text("association")
        )
    # The statement, in the reader's language (the document keeps it translated): in full when the sentence
    # above (r with its interval) is missing, so that its reason is not lost; else only in English, as before.
    statement = str(link.get("statement") or "")
    if statement and (r is None or report.lang == "en"):
        text.append(report.translate(statement))
    notes = [report.text("link_missing", reason=str(link["error"]))] if link.get("error") else []
    if len(points) < 2:
        return SectionContent(heading=report.text("link"), text=text, notes=notes)
    return SectionContent(
        heading=report.text("link"),
        text=text,
        charts=[
            ScatterChart(
                id="link",
                title=report.text("chart.link.title"),
                desc=report.text("chart.link.desc", employee=employee_metric, customer=customer_metric),
                points=points,
                x_label=report.text("chart.link.x", metric=employee_metric),
                y_label=report.text("chart.link.y", metric=customer_metric),
            )
        ],
        columns=(
            Column(report.text("column.team")),
            Column(report.text("column.employee_value", metric=employee_metric), numeric=True),
            Column(report.text("column.customer_value", metric=customer_metric), numeric=True),
        ),
        rows=[(point.label, _figure(point.x), _figure(point.y)) for point in points],
        caption=report.text("chart.data"),
        notes=notes,
    )


def build_employee(report: ReportContext) -> SectionContent | None:
    """eNPS overall and by team, and the EX ↔ CX link; ``None`` when the plugin reported neither."""
    evidence = report.evidence()
    link = evidence.get("link")
    parts = [
        part
        for part in (_enps(report, evidence), _link(report, link) if isinstance(link, Mapping) else None)
        if part is not None
    ]
    return SectionContent(parts=parts) if parts else None


SECTIONS = (
    ReportSection(
        "employee", TEXTS["employee"]["en"], READERS, build_employee, after="painpoints", translations=TRANSLATIONS
    ),
)
