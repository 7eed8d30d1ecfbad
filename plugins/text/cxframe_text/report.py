"""The text plugin in the assessment and its reports: what customers write about, tied to the metric.

``assessment_evidence`` (once per ``cxframe assess``) tags every comment
and compares the metric (``nps`` where it is registered) with and without
each theme, as ``cxframe text themes`` does, at the programme's confidence
and minimum sample; the report section ``text`` shows it for the CX lead and
frontline managers (the executive sees the five most mentioned themes). A
theme is coloured only when it is significant on its Holm-adjusted p-value,
and a small sample is said beside it. Comments in the evidence are masked.
Nothing is added when the programme has no codeframe or no comments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxframe import SMALL_SAMPLE, Cell, Column, ReportContext, ReportSection, RunContext, SectionContent
from cxframe_text.comments import read_comments
from cxframe_text.settings import load_codeframe
from cxframe_text.tagging import Tagger
from cxframe_text.themes import counted, theme_report

#: the metric the report ties themes to, when a plugin registers it
REPORT_METRIC = "nps"

TRANSLATIONS: dict[str, dict[str, str]] = {
    "en": {
        "text": "What customers write about",
        "summary": "{comments} comments; {coverage} mention at least one theme of the codeframe.",
        "summary.metric": "Per theme: {metric} among the comments that mention it against the rest, with its "
        "{confidence} interval; red where the theme pulls the score down beyond chance, green where it lifts it, "
        "judged on the p-value adjusted for the number of themes.",
        "column.theme": "Theme",
        "column.mentions": "Mentions",
        "column.share": "Share",
        "column.with": "With",
        "column.without": "Without",
        "column.diff": "Difference",
        "column.p": "p (adjusted)",
        "note.p": "p-values are adjusted for testing {themes} themes at once (Holm); a theme is significant when its "
        "adjusted p is below {alpha}. The intervals are not adjusted.",
        "note.small": "{flag}: with or without the theme, fewer than {min_sample} answers (the minimum "
        "sample); read it with care.",
        "note.masked": "Phone numbers, e-mail addresses and ID numbers in comments are masked.",
        "untagged": "Comments no theme catches, for example",
    },
    "zh-CN": {
        "text": "客户在说什么",
        "summary": "共 {comments} 条评论；{coverage} 提到编码框架中的至少一个主题。",
        "summary.metric": "每个主题：提到该主题的评论与其余评论的 {metric} 对比及其 {confidence} 区间；"
        "红色表示该主题显著拉低得分，绿色表示显著提升，显著性按主题数量校正后的 p 值判断。",
        "column.theme": "主题",
        "column.mentions": "提及",
        "column.share": "占比",
        "column.with": "提及者",
        "column.without": "其余",
        "column.diff": "差异",
        "column.p": "p 值（校正）",
        "note.p": "p 值已按同时检验的 {themes} 个主题校正（Holm 法）；校正后 p 值低于 {alpha} 的主题才算显著。区间未校正。",
        "note.small": "{flag}：提及或未提及该主题的回答少于 {min_sample} 条，请谨慎解读。",
        "note.masked": "评论中的电话号码、电子邮件地址和身份证号码已被遮蔽。",
        "untagged": "未被任何主题覆盖的评论示例",
    },
}


def text_evidence(run: RunContext) -> dict[str, Any] | None:
    """The themes of the programme's comments against ``nps`` (mentions only without it); None without either."""
    codeframe = load_codeframe(run.programme)
    if not codeframe.themes:
        return None
    metrics = run.registry.metrics
    metric = metrics.get(REPORT_METRIC) if REPORT_METRIC in metrics else None
    report = theme_report(
        read_comments(run.store, metric),
        Tagger(codeframe),
        metric,
        confidence=run.confidence,
        min_sample=run.min_sample,
    )
    if not report.comments:
        return None
    titles = {theme.id: theme.title for theme in codeframe.themes}
    return {
        "comments": report.comments,
        "coverage": report.coverage,
        "metric": metric.id if metric is not None else None,
        "metric_title": metric.title if metric is not None else None,
        "higher_is_better": metric.higher_is_better if metric is not None else True,
        "confidence": run.confidence,
        "min_sample": (metric.min_sample if metric is not None else None) or run.min_sample,
        "untagged_sample": list(report.untagged_sample),
        "untagged_counts": list(report.untagged_counts),
        "themes": [{**row.to_json(), "title": titles[row.theme]} for row in report.themes],
    }


def _number(value: object, digits: int = 1) -> str:
    return f"{value:.{digits}f}" if isinstance(value, int | float) else "—"


def _tone(row: Mapping[str, Any], higher_is_better: bool) -> str | None:
    """Red or green only for a theme significant on its adjusted p-value (an older document without it: never)."""
    diff = row.get("diff")
    if row.get("significant") is not True or not isinstance(diff, int | float) or diff == 0:
        return None
    return "good" if (diff > 0) == higher_is_better else "bad"


def _flags(row: Mapping[str, Any]) -> list[str]:
    flags = row.get("flags")
    return [str(flag) for flag in flags] if isinstance(flags, list) else []


def build_text(report: ReportContext) -> SectionContent | None:
    evidence = report.evidence()
    themes = evidence.get("themes")
    comments = evidence.get("comments")
    if not isinstance(themes, list) or not isinstance(comments, int) or not comments:
        return None
    coverage = evidence.get("coverage")
    text = [report.text("summary", comments=comments, coverage=f"{_number((coverage or 0) * 100)}%")]
    metric = evidence.get("metric_title") or evidence.get("metric")
    higher = evidence.get("higher_is_better", True) is not False
    # an assessment document from before the confidence was kept: the level its intervals were computed at
    stored = evidence.get("confidence")
    confidence = float(stored) if isinstance(stored, int | float) and 0 < stored < 1 else 0.95
    rows = sorted(
        (row for row in themes if isinstance(row, Mapping)),
        key=lambda row: (-(row.get("mentions") or 0), str(row.get("theme"))),
    )
    shown, more = report.limit(rows)
    columns = [Column(report.text("column.theme"), strong=True), Column(report.text("column.mentions"), numeric=True)]
    columns.append(Column(report.text("column.share"), numeric=True))
    table: list[list[Cell | str]] = []
    for row in shown:
        share = row.get("share")
        cells: list[Cell | str] = [
            str(row.get("title") or row.get("theme")),
            str(row.get("mentions", 0)),
            f"{_number(share * 100 if isinstance(share, int | float) else None)}%",
        ]
        if metric:
            interval = f"{_number(row.get('ci_low'))} … {_number(row.get('ci_high'))}"
            cells += [
                _number(row.get("mean_with")),
                _number(row.get("mean_without")),
                Cell(
                    _number(row.get("diff")),
                    note=interval if row.get("ci_low") is not None else "",
                    tone=_tone(row, higher),
                ),
                Cell(_number(row.get("p_adjusted"), 3), note=", ".join(report.flag(f) for f in _flags(row))),
            ]
        table.append(cells)
    notes = [report.text("note.masked")]
    if metric:
        text.append(report.text("summary.metric", metric=str(metric), confidence=f"{confidence * 100:g}%"))
        columns += [
            Column(report.text("column.with"), numeric=True),
            Column(report.text("column.without"), numeric=True),
            Column(report.text("column.diff"), numeric=True),
            Column(report.text("column.p"), numeric=True),
        ]
        tested = sum(isinstance(row.get("p_adjusted"), int | float) for row in themes if isinstance(row, Mapping))
        alpha = 1 - confidence
        notes.insert(0, report.text("note.p", themes=tested, alpha=f"{alpha:.3g}"))
        minimum = evidence.get("min_sample")
        if isinstance(minimum, int) and any(SMALL_SAMPLE in _flags(row) for row in shown):
            notes.insert(1, report.text("note.small", flag=report.flag(SMALL_SAMPLE), min_sample=minimum))
    sample = [str(comment) for comment in evidence.get("untagged_sample", []) if isinstance(comment, str)]
    counts = evidence.get("untagged_counts")
    if isinstance(counts, list) and len(counts) == len(sample) and all(isinstance(c, int) for c in counts):
        sample = [counted(comment, count) for comment, count in zip(sample, counts, strict=True)]
    parts = (
        (SectionContent(heading=report.text("untagged"), text=sample),) if sample and report.role != "executive" else ()
    )
    return SectionContent(text=text, columns=columns, rows=table, more=more, notes=notes, parts=parts)


SECTIONS = (
    ReportSection(
        "text",
        TRANSLATIONS["en"]["text"],
        ("executive", "cx-lead", "frontline-manager"),
        build_text,
        after="painpoints",
        limits={"executive": 5},
        translations=TRANSLATIONS,
    ),
)
