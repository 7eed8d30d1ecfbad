"""Labels, headings and generated sentences of the reports, in English and Simplified Chinese.

`text(key, lang, **values)` looks a label up and fills in ``{placeholders}``;
an unknown key is a bug and raises ``KeyError`` (a test checks that every
key has every language). Respondent text is never translated. A maturity
model carries its own translations (`cxframe.MaturityModel.translations`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["CATALOG", "LANGUAGES", "model_text", "text"]

LANGUAGES = ("en", "zh-CN")

CATALOG: dict[str, dict[str, str]] = {
    "report.title": {"en": "CX programme assessment", "zh-CN": "客户体验项目评估"},
    "report.generated": {
        "en": "Generated {generated_at} by cxframe {version}, run {run}.",
        "zh-CN": "由 cxframe {version} 于 {generated_at} 生成（运行 {run}）。",
    },
    "report.view": {"en": "View: {role}.", "zh-CN": "视图：{role}。"},
    "role.executive": {"en": "executive", "zh-CN": "高管"},
    "role.cx-lead": {"en": "CX lead", "zh-CN": "客户体验负责人"},
    "role.frontline-manager": {"en": "frontline manager", "zh-CN": "一线经理"},
    "section.summary": {"en": "Summary", "zh-CN": "摘要"},
    "section.maturity": {"en": "Maturity by dimension", "zh-CN": "各维度成熟度"},
    "section.criteria": {"en": "Criteria and evidence", "zh-CN": "评估标准与证据"},
    "section.metrics": {"en": "Key metrics", "zh-CN": "关键指标"},
    "section.trend": {"en": "Trend", "zh-CN": "趋势"},
    "section.objectives": {"en": "Objectives", "zh-CN": "目标"},
    "section.findings": {"en": "Findings", "zh-CN": "发现的问题"},
    "section.actions": {"en": "Next actions", "zh-CN": "后续行动"},
    "section.checks": {"en": "Checks", "zh-CN": "检查"},
    "section.journeys": {"en": "Journeys", "zh-CN": "客户旅程"},
    "section.painpoints": {"en": "Pain points", "zh-CN": "痛点"},
    "section.funnel": {"en": "Stage funnel", "zh-CN": "阶段漏斗"},
    "section.employee": {"en": "Employees", "zh-CN": "员工"},
    "section.verbatims": {"en": "What customers said", "zh-CN": "客户原话"},
    "section.questions": {"en": "Open questions", "zh-CN": "待回答的问题"},
    "section.provenance": {"en": "Provenance", "zh-CN": "数据来源"},
    "summary.maturity": {
        "en": "Overall maturity on {model}: level {level} of 5 (average score {score}).",
        "zh-CN": "按{model}评估，整体成熟度为第 {level} 级（共 5 级，平均得分 {score}）。",
    },
    "summary.objectives": {
        "en": "Objectives: {met} met, {not_met} not met, {inconclusive} inconclusive.",
        "zh-CN": "目标：{met} 个已达成，{not_met} 个未达成，{inconclusive} 个尚无定论。",
    },
    "summary.findings": {
        "en": "{findings} findings lead to {actions} proposed actions.",
        "zh-CN": "共 {findings} 项发现，对应 {actions} 项建议行动。",
    },
    "summary.none": {"en": "Nothing to report here.", "zh-CN": "此处暂无内容。"},
    "column.dimension": {"en": "Dimension", "zh-CN": "维度"},
    "column.level": {"en": "Level", "zh-CN": "级别"},
    "column.score": {"en": "Score", "zh-CN": "得分"},
    "column.criterion": {"en": "Criterion", "zh-CN": "标准"},
    "column.status": {"en": "Status", "zh-CN": "状态"},
    "column.source": {"en": "Decided by", "zh-CN": "判定依据"},
    "column.evidence": {"en": "Evidence", "zh-CN": "证据"},
    "column.metric": {"en": "Metric", "zh-CN": "指标"},
    "column.value": {"en": "Value", "zh-CN": "数值"},
    "column.interval": {"en": "Interval", "zh-CN": "置信区间"},
    "column.n": {"en": "n", "zh-CN": "样本量"},
    "column.flags": {"en": "Flags", "zh-CN": "标记"},
    "column.objective": {"en": "Objective", "zh-CN": "目标"},
    "column.target": {"en": "Target", "zh-CN": "目标值"},
    "column.deadline": {"en": "Deadline", "zh-CN": "截止日期"},
    "column.severity": {"en": "Severity", "zh-CN": "严重程度"},
    "column.stage": {"en": "Stage", "zh-CN": "阶段"},
    "column.finding": {"en": "Finding", "zh-CN": "发现"},
    "column.recommendation": {"en": "Recommendation", "zh-CN": "建议"},
    "column.action": {"en": "Action", "zh-CN": "行动"},
    "column.owner": {"en": "Owner", "zh-CN": "负责人"},
    "column.due": {"en": "Due", "zh-CN": "到期日"},
    "column.priority": {"en": "Priority", "zh-CN": "优先级"},
    "column.check": {"en": "Check", "zh-CN": "检查项"},
    "column.plugin": {"en": "Plugin", "zh-CN": "插件"},
    "column.comment": {"en": "Comment", "zh-CN": "评论"},
    "column.touchpoint": {"en": "Touchpoint", "zh-CN": "触点"},
    "column.question": {"en": "Question", "zh-CN": "问题"},
    "status.met": {"en": "met", "zh-CN": "已满足"},
    "status.unmet": {"en": "not met", "zh-CN": "未满足"},
    "status.unknown": {"en": "unknown", "zh-CN": "未知"},
    "status.not_met": {"en": "not met", "zh-CN": "未达成"},
    "status.inconclusive": {"en": "inconclusive", "zh-CN": "尚无定论"},
    "status.pass": {"en": "pass", "zh-CN": "通过"},
    "status.warn": {"en": "warn", "zh-CN": "警告"},
    "status.fail": {"en": "fail", "zh-CN": "不通过"},
    "status.error": {"en": "error", "zh-CN": "出错"},
    "source.evidence": {"en": "evidence", "zh-CN": "数据证据"},
    "source.answer": {"en": "answer", "zh-CN": "问卷回答"},
    "source.none": {"en": "nothing", "zh-CN": "无"},
    "severity.info": {"en": "info", "zh-CN": "提示"},
    "severity.low": {"en": "low", "zh-CN": "低"},
    "severity.medium": {"en": "medium", "zh-CN": "中"},
    "severity.high": {"en": "high", "zh-CN": "高"},
    "severity.critical": {"en": "critical", "zh-CN": "严重"},
    "stage.context": {"en": "context", "zh-CN": "背景"},
    "stage.plan": {"en": "plan", "zh-CN": "规划"},
    "stage.design": {"en": "design", "zh-CN": "设计"},
    "stage.measure": {"en": "measure", "zh-CN": "测量"},
    "stage.improve": {"en": "improve", "zh-CN": "改进"},
    "flag.small_sample": {"en": "small sample", "zh-CN": "样本量小"},
    "flag.weighted": {"en": "weighted", "zh-CN": "已加权"},
    "flag.no_interval": {"en": "no interval", "zh-CN": "无区间"},
    "note.interval": {
        "en": "Intervals are {confidence} confidence intervals; a small sample is flagged, not hidden.",
        "zh-CN": "区间为 {confidence} 置信区间；样本量小的结果会被标记，而非隐藏。",
    },
    "note.questions": {
        "en": "Answer these in {file} (or run `cxframe assess --interview`) to score them.",
        "zh-CN": "请在 {file} 中回答这些问题（或运行 `cxframe assess --interview`）以完成评分。",
    },
    "note.suppressed": {
        "en": "suppressed to protect anonymity",
        "zh-CN": "为保护匿名性已隐藏",
    },
    "note.unassigned": {"en": "unassigned", "zh-CN": "未指派"},
    "note.more": {"en": "… and {count} more", "zh-CN": "……另有 {count} 项"},
}


def text(key: str, lang: str = "en", **values: Any) -> str:
    """The label ``key`` in ``lang`` (English when that language lacks it), with ``values`` filled in."""
    entry = CATALOG[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template


def model_text(document_model: Mapping[str, Any], key: str, lang: str, default: str) -> str:
    """A maturity model's own text (dimension or criterion title …) in ``lang``, from the document."""
    translations: Mapping[str, Mapping[str, str]] = document_model.get("translations", {})
    return translations.get(lang, {}).get(key, default)
