"""Labels, headings and generated sentences of the reports, in English and Simplified Chinese.

`text(key, lang, **values)` looks a label up and fills in ``{placeholders}``;
an unknown key is a bug and raises ``KeyError`` (a test checks that every
key has every language). Respondent text is never translated. A maturity
model carries its own translations (`cxframe.MaturityModel.translations`),
and so does a plugin's report section (`cxframe.ReportSection.translations`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxframe.contracts._stages import COUNT_LABELS
from cxframe.contracts._texts import FLAG_WORDS, LANGUAGES

__all__ = ["CATALOG", "LANGUAGES", "model_text", "text"]

_REPORT: dict[str, dict[str, str]] = {
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
    "summary.findings_split": {
        "en": "{total}: {run} from objectives and checks, {maturity} from the maturity model",
        "zh-CN": "{total}：{run} 项来自目标与检查，{maturity} 项来自成熟度模型",
    },
    "summary.questions": {
        "en": "{count} criteria could not be scored from the data: answer them in {file} or run "
        "`cxframe assess --interview`.",
        "zh-CN": "有 {count} 项标准无法根据数据评分：请在 {file} 中回答，或运行 `cxframe assess --interview`。",
    },
    "summary.none": {"en": "Nothing to report here.", "zh-CN": "此处暂无内容。"},
    "summary.how_level": {
        "en": "The overall level is the lowest level of any dimension: a programme is only as mature as its "
        "weakest dimension. The average score is the mean of the dimensions' scores; each is its level plus the "
        "share of the next level's criteria already met, so it shows progress the level does not show yet.",
        "zh-CN": "整体级别取各维度中的最低级别：项目的成熟度取决于最薄弱的维度。平均得分是各维度得分的均值；"
        "每个维度的得分等于其级别加上下一级标准中已满足的比例，因此能体现级别尚未反映的进展。",
    },
    "note.priority": {
        "en": "Priority = impact (severity: low 2, medium 3, high 4, critical 5) × breadth (1 one touchpoint, team or "
        "criterion, 2 several or a segment, 3 the whole programme) ÷ effort (1 a quick fix, 2 a project, 3 a change across the "
        "organisation): from 0.67 to 15, the highest first.",
        "zh-CN": "优先级 = 影响（严重程度：低 2、中 3、高 4、严重 5）× 范围（1 单个触点、团队或标准，2 多个或一个细分群体，"
        "3 整个项目）÷ 投入（1 快速修复，2 一个项目，3 全组织的变革）：取值 0.67 到 15，最高的排在最前。",
    },
    "separator.evidence": {"en": "; ", "zh-CN": "；"},
    "metric.named": {"en": "{title} ({metric})", "zh-CN": "{title}（{metric}）"},
    "unit.percent": {"en": "share in %", "zh-CN": "百分比（%）"},
    "unit.points": {"en": "points", "zh-CN": "分"},
    "unit.score": {"en": "score", "zh-CN": "得分"},
    "unit.scale": {"en": "mean on a {low}–{high} scale", "zh-CN": "{low}–{high} 分量表的均值"},
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
    "objective.met": {"en": "met", "zh-CN": "已达成"},
    "objective.not_met": {"en": "not met", "zh-CN": "未达成"},
    "objective.inconclusive": {"en": "inconclusive", "zh-CN": "尚无定论"},
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
    "note.interval": {
        "en": "Intervals are {confidence} confidence intervals; a small sample is flagged, not hidden.",
        "zh-CN": "区间为 {confidence} 置信区间；样本量小的结果会被标记，而非隐藏。",
    },
    "note.questions": {
        "en": "Answer these in {file} (or run `cxframe assess --interview`) to score them.",
        "zh-CN": "请在 {file} 中回答这些问题（或运行 `cxframe assess --interview`）以完成评分。",
    },
    "note.by_stage": {"en": "By lifecycle stage: {stages}.", "zh-CN": "按生命周期阶段：{stages}。"},
    "note.unassigned": {"en": "unassigned", "zh-CN": "未指派"},
    "note.more": {"en": "… and {count} more", "zh-CN": "……另有 {count} 项"},
    # --- the HTML report ---------------------------------------------------------------
    "report.contents": {"en": "Contents", "zh-CN": "目录"},
    "report.organisation": {"en": "Organisation", "zh-CN": "组织"},
    "report.scope": {"en": "Scope", "zh-CN": "范围"},
    "report.sponsor": {"en": "Sponsor", "zh-CN": "发起人"},
    "report.footer": {
        "en": "A self-contained report: it needs no network connection and runs no scripts.",
        "zh-CN": "本报告为独立文件：无需联网，也不运行任何脚本。",
    },
    "card.maturity": {"en": "Overall maturity", "zh-CN": "整体成熟度"},
    "card.level_of": {"en": "level {level} of 5", "zh-CN": "第 {level} 级（共 5 级）"},
    "card.average": {"en": "average score {score}", "zh-CN": "平均得分 {score}"},
    "card.objectives": {"en": "Objectives met", "zh-CN": "已达成目标"},
    "card.of": {"en": "{count} of {total}", "zh-CN": "{total} 个中的 {count} 个"},
    "card.actions": {"en": "Proposed actions", "zh-CN": "建议行动"},
    "card.findings": {"en": "from {findings} findings", "zh-CN": "来自 {findings} 项发现"},
    "chart.data": {"en": "The numbers behind the chart", "zh-CN": "图表数据"},
    "chart.maturity.title": {"en": "Maturity by dimension, 0 to 5", "zh-CN": "各维度成熟度（0–5 级）"},
    "chart.maturity.desc": {
        "en": "Each bar is a dimension: solid up to the level reached, lighter up to the score.",
        "zh-CN": "每个条形代表一个维度：深色部分为已达到的级别，浅色部分延伸至得分。",
    },
    "chart.maturity.axis": {"en": "level (0–5)", "zh-CN": "级别（0–5）"},
    "chart.trend.title": {"en": "{metric} by month", "zh-CN": "{metric} 月度趋势"},
    "chart.trend.desc": {
        "en": "The line is the monthly value; the shaded band its {confidence} confidence interval.",
        "zh-CN": "折线为月度数值；阴影带为其 {confidence} 置信区间。",
    },
    "chart.trend.value": {"en": "value", "zh-CN": "数值"},
    "chart.trend.band": {"en": "{confidence} interval", "zh-CN": "{confidence} 置信区间"},
    "chart.steps.rise": {"en": "more", "zh-CN": "增加"},
    "column.period": {"en": "Period", "zh-CN": "周期"},
    "note.small_sample": {
        "en": "Hollow points are periods with a small sample: read them with care.",
        "zh-CN": "空心点表示样本量小的周期，解读时需谨慎。",
    },
    "provenance.run": {"en": "Run", "zh-CN": "运行编号"},
    "provenance.plugins": {"en": "Plugins", "zh-CN": "插件"},
    "provenance.programme": {"en": "Programme file (SHA-256)", "zh-CN": "项目文件（SHA-256）"},
    "provenance.ingests": {"en": "Ingested sources (SHA-256)", "zh-CN": "已导入的数据源（SHA-256）"},
    "provenance.failures": {"en": "Plugin failures", "zh-CN": "插件故障"},
    "finding.objective_not_met": {"en": "Objective {objective} is not met", "zh-CN": "目标 {objective} 未达成"},
    "finding.not_yet": {"en": "Not yet: {title}", "zh-CN": "尚未做到：{title}"},
    "action.objective_gap": {
        "en": "Find the stages and touchpoints that drive the gap and plan actions on them.",
        "zh-CN": "找出造成差距的旅程与触点，并针对它们制定行动计划。",
    },
    "lang.en": {"en": "English", "zh-CN": "英文"},
    "lang.zh-CN": {"en": "Simplified Chinese", "zh-CN": "简体中文"},
}

#: Every label: the reports' own, and the lifecycle stages' counts (the terminal summary says them)
CATALOG: dict[str, dict[str, str]] = {**_REPORT, **FLAG_WORDS, **COUNT_LABELS}


def text(key: str, lang: str = "en", **values: Any) -> str:
    """The label ``key`` in ``lang`` (English when that language lacks it), with ``values`` filled in.

    With ``n=1`` (or ``n="1"``, a count already formatted) and a ``<key>.one``
    in the catalogue, that one (the singular) is used.
    """
    if values.get("n") in (1, "1") and f"{key}.one" in CATALOG:
        key = f"{key}.one"
    entry = CATALOG[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template


def model_text(document_model: Mapping[str, Any], key: str, lang: str, default: str) -> str:
    """A maturity model's own text (dimension or criterion title …) in ``lang``, from the document."""
    translations: Mapping[str, Mapping[str, str]] = document_model.get("translations", {})
    return translations.get(lang, {}).get(key, default)


#: The flags of results that the reports say in words (``flag.<flag>``); any other flag is shown as it is.
FLAG_KEYS = frozenset(key.removeprefix("flag.") for key in FLAG_WORDS)
