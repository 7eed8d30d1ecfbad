"""The insight plugin in the assessment and its reports: what drives the experience, who may leave, what it is worth.

``assessment_evidence`` (once per ``cxframe assess``) computes, from the store:

* ``drivers``: the key drivers of the programme's main metric (``nps`` where it
  is registered, else the first objective's survey metric), with at most
  `REPORT_BOOTSTRAP` bootstrap resamples (fewer than ``cxframe drivers``'
  default, so the assessment stays fast; the intervals are a little coarser),
  and ``min_r_squared``, the bar from which the core's ``iso.measure.drivers``
  counts them as known;
* ``churn``: the churn early warning's customers per risk band, how the risk
  was made (``rules`` or the model, with its AUC), and the `AT_RISK` customers
  at highest risk (their ids and reasons, no other personal data);
* ``business``: for each KPI of the ``kpi-csv`` facts, the KPI among the
  metric's groups and per point of it (only when KPI facts exist).

A part with too little data carries ``problem`` (a ``code``, its figures and
the English ``detail``) instead of numbers. The report section ``insight``
shows it from the assessment document alone, in both languages; the executive
sees the churn counts only, never customer ids. Every text (driver, KPI and
customer ids) is data: the core escapes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs

from cxframe import (
    Catalogue,
    Cell,
    Column,
    InvalidInput,
    MetricDefinition,
    ReportContext,
    ReportSection,
    RunContext,
    ScatterChart,
    ScatterPoint,
    SectionContent,
)
from cxframe_insight import business, drivers
from cxframe_insight.churn import BANDS, RULES_MODEL
from cxframe_insight.kpis import KPI
from cxframe_insight.settings import RESPONSES_PER_DRIVER, load_settings

#: Bootstrap resamples behind the report's driver intervals (``bootstrap`` in the settings when it is fewer).
REPORT_BOOTSTRAP = 100
#: Customers at highest risk the evidence keeps (ids and reasons), for the roles that see them.
AT_RISK = 20
#: KPIs the evidence links to the metric, at most (in the order of their ids).
MOST_KPIS = 5
#: The metric the report explains when it is registered; else the first objective's survey metric.
MAIN_METRIC = "nps"


# --- evidence ------------------------------------------------------------------------------------------------------


def _problem(code: str, detail: str, **values: Any) -> dict[str, Any]:
    return {"problem": {"code": code, "detail": detail, **values}}


def main_metric(run: RunContext) -> MetricDefinition | None:
    """``nps`` when registered, else the first objective's metric that scores answers; None without either."""
    metrics = run.registry.metrics
    candidates = [MAIN_METRIC, *(objective.metric for objective in run.programme.document.objectives)]
    for candidate in candidates:
        if candidate in metrics.ids():
            definition = metrics.get(candidate)
            if definition.table == "observations":
                return definition
    return None


def driver_evidence(run: RunContext, metric: MetricDefinition) -> dict[str, Any]:
    """The main metric's key drivers with each driver's performance as a share of its scale (for the chart)."""
    import numpy as np

    settings = load_settings(run.programme)
    settings = attrs.evolve(settings, bootstrap=min(settings.bootstrap, REPORT_BOOTSTRAP))
    try:
        chosen = drivers.choose_drivers(run.store, metric, None)
    except InvalidInput as exc:
        return {"min_r_squared": settings.drivers_min_r_squared, **_problem("no_drivers", "; ".join(exc.messages))}
    _, values = drivers.responses(run.store, metric, chosen, None)
    scales = drivers.scales_of(run.store, chosen)
    analysis = drivers.analyse(metric, chosen, values, scales, settings)
    found: dict[str, Any] = {
        "n": analysis.n,
        "incomplete": analysis.incomplete,
        "drivers_asked": len(chosen),
        "needed": max(settings.min_responses, RESPONSES_PER_DRIVER * len(chosen)),
        # the bar iso.measure.drivers judges the explained R² by (the core cannot read the plugin's settings)
        "min_r_squared": settings.drivers_min_r_squared,
    }
    if analysis.problem is not None:
        code = "too_few" if analysis.n < found["needed"] else "no_variance"
        return {**found, **_problem(code, analysis.problem)}
    complete = values[~np.isnan(values).any(axis=1)]
    position = dict(zip(chosen, (float(p) for p in drivers.positions(chosen, complete, scales)), strict=True))
    return {
        **found,
        "r_squared": analysis.r_squared,
        "resamples": analysis.resamples,
        "confidence": analysis.confidence,
        "drivers": [{**driver.to_json(), "position": position[driver.driver]} for driver in analysis.drivers],
    }


def churn_evidence(run: RunContext) -> dict[str, Any]:
    """Customers per risk band, the method (and AUC), and the customers at highest risk."""
    from cxframe_insight.api import predict_in

    try:
        prediction = predict_in(run)
    except InvalidInput as exc:
        return _problem("no_customers", "; ".join(exc.messages))
    bands = {name: 0 for _, name in BANDS}
    for customer in prediction.customers:
        bands[customer.band] += 1
    at_risk = [c for c in prediction.customers if c.band != BANDS[-1][1]][:AT_RISK]
    return {
        "model": prediction.model,
        "auc": prediction.auc,
        "brier": None if prediction.calibration is None else prediction.calibration.brier,
        "as_of": prediction.as_of,
        "customers": len(prediction.customers),
        "bands": bands,
        "at_risk": [
            {"customer": c.customer, "risk": c.risk, "band": c.band, "reasons": [r.feature for r in c.reasons]}
            for c in at_risk
        ],
        "notes": list(prediction.notes),
    }


def business_evidence(run: RunContext, metric: MetricDefinition) -> list[dict[str, Any]]:
    """Each KPI of the store's ``kpi-csv`` facts against the metric (none without KPI facts)."""
    kpis = [
        kpi
        for (kpi,) in run.store.db.execute(
            "SELECT DISTINCT question FROM observations WHERE population = ? ORDER BY question LIMIT ?",
            [KPI, MOST_KPIS],
        )
    ]
    found = []
    for kpi in kpis:
        try:
            found.append(business.link(run.store, kpi, metric, run.confidence).to_json())
        except InvalidInput as exc:
            found.append({"kpi": kpi, "metric": metric.id, **_problem("unmatched", "; ".join(exc.messages))})
    return found


def evidence(run: RunContext) -> dict[str, Any] | None:
    """The plugin's ``assessment_evidence``: drivers and business link of the main metric, and the churn warning."""
    metric = main_metric(run)
    found: dict[str, Any] = {}
    if metric is not None:
        found["metric"] = metric.id
        found["metric_title"] = metric.title
        found["drivers"] = driver_evidence(run, metric)
    churn = churn_evidence(run)
    if "problem" not in churn or found:
        found["churn"] = churn
    if metric is not None:
        links = business_evidence(run, metric)
        if links:
            found["business"] = links
    return found or None


# --- the section ---------------------------------------------------------------------------------------------------

#: The section's words, ``key: {lang: text}``; ``insight`` (the section's id) is its title.
TEXTS: dict[str, dict[str, str]] = {
    "insight": {"en": "Insight: what drives the experience", "zh-CN": "洞察：体验的驱动因素"},
    "drivers": {"en": "What drives {metric}", "zh-CN": "{metric} 的关键驱动因素"},
    "drivers.summary": {
        "en": "{n} complete responses (the metric and every driver answered; {incomplete} incomplete left out). "
        "Together the drivers explain R² = {r2} of the answers' variance; each driver's importance is its share "
        "of it (Johnson's relative weights), with a {confidence} bootstrap interval from {resamples} resamples.",
        "zh-CN": "共 {n} 份完整回答（指标及所有驱动因素均已作答；另有 {incomplete} 份不完整，未计入）。"
        "这些驱动因素合计解释了回答方差的 R² = {r2}；每个因素的重要性为其所占份额（Johnson 相对权重），"
        "附 {confidence} 自助法置信区间（{resamples} 次重抽样）。",
    },
    "drivers.too_few": {
        "en": "Too little data for key drivers: {n} complete responses, at least {needed} are needed "
        "({drivers} drivers, 10 per driver). No figures are shown.",
        "zh-CN": "数据不足，无法分析关键驱动因素：完整回答 {n} 份，至少需要 {needed} 份"
        "（{drivers} 个驱动因素，每个 10 份）。因此不显示数字。",
    },
    "drivers.no_variance": {
        "en": "Key drivers cannot be computed: a rating has the same answer everywhere, so its importance is "
        "undefined. No figures are shown.",
        "zh-CN": "无法计算关键驱动因素：某项评分的所有回答都相同，其重要性无从定义。因此不显示数字。",
    },
    "drivers.no_drivers": {
        "en": "No key drivers: no other rating is answered with the metric often enough to explain it.",
        "zh-CN": "没有关键驱动因素：没有其他评分与该指标一起被足够多地作答，无法解释它。",
    },
    "chart.title": {
        "en": "Importance × performance of the drivers of {metric}",
        "zh-CN": "{metric} 驱动因素的重要性 × 表现",
    },
    "chart.desc": {
        "en": "One dot per driver: its performance (mean as a share of its scale) across, its importance up, named "
        "with its quadrant. The quadrants split at the drivers' average importance ({importance}) and "
        "performance ({performance}), drawn as the dashed lines.",
        "zh-CN": "每个点代表一个驱动因素：横轴为表现（平均分占量表的比例），纵轴为重要性，并标注其象限。"
        "象限以各驱动因素的平均重要性（{importance}）和平均表现（{performance}）划分，即图中的虚线。",
    },
    "chart.x": {"en": "Performance (share of the scale, %)", "zh-CN": "表现（占量表比例，%）"},
    "chart.y": {"en": "Importance (relative weight)", "zh-CN": "重要性（相对权重）"},
    "quadrant.fix first": {"en": "fix first", "zh-CN": "优先改进"},
    "quadrant.keep": {"en": "keep", "zh-CN": "保持优势"},
    "quadrant.maintain": {"en": "maintain", "zh-CN": "维持"},
    "quadrant.lower priority": {"en": "lower priority", "zh-CN": "次要"},
    "column.driver": {"en": "Driver", "zh-CN": "驱动因素"},
    "column.importance": {"en": "Importance", "zh-CN": "重要性"},
    "column.interval": {"en": "Interval", "zh-CN": "置信区间"},
    "column.share": {"en": "Share", "zh-CN": "份额"},
    "column.performance": {"en": "Performance", "zh-CN": "表现"},
    "column.quadrant": {"en": "Quadrant", "zh-CN": "象限"},
    "drivers.note": {
        "en": "Fix first: more important than average and performing below average; keep: important and "
        "performing well; maintain: less important, performing well; lower priority: neither. Importance says "
        "how much of the explained variance a rating carries: an association, not proof that changing it moves "
        "the metric.",
        "zh-CN": "优先改进：重要性高于平均且表现低于平均；保持优势：重要且表现好；维持：重要性较低但表现好；"
        "次要：两者皆否。重要性表示该评分承载了多少被解释的方差：这是关联，并不证明改变它就能推动指标。",
    },
    "churn": {"en": "Churn early warning", "zh-CN": "流失预警"},
    "churn.counts": {
        "en": "{customers} customers scored on their data up to {as_of}: {high} at high risk, {medium} at medium "
        "risk, {low} at low risk.",
        "zh-CN": "根据截至 {as_of} 的数据为 {customers} 位客户打分：高风险 {high} 位，中风险 {medium} 位，低风险 {low} 位。",
    },
    "churn.rules": {
        "en": "The risk is rule-based points (no churn model: the kpi-csv churn labels are missing, too few or all "
        "on one date; cxframe predict churn says which): a ranking to act on, not a probability, and there is no "
        "AUC to judge it by.",
        "zh-CN": "风险按规则计分（没有流失模型：kpi-csv 流失标签缺失、太少或全部在同一日期；cxframe predict churn "
        "会说明是哪一种）：只是供采取行动的排序，并非概率，也没有可用于评判的 AUC。",
    },
    "churn.model": {
        "en": "The risk comes from a logistic regression learnt on the churn labels and validated on a time split: "
        "AUC {auc} (0.5 is chance, 1 is perfect).",
        "zh-CN": "风险来自基于流失标签训练、按时间切分验证的逻辑回归：AUC 为 {auc}（0.5 为随机水平，1 为完美）。",
    },
    "churn.model_no_auc": {
        "en": "The risk comes from a model ({model}) learnt on the churn labels.",
        "zh-CN": "风险来自基于流失标签训练的模型（{model}）。",
    },
    "churn.no_customers": {
        "en": "No churn warning: no survey answers and no events to score customers on.",
        "zh-CN": "没有流失预警：没有可用于为客户打分的调查回答或事件。",
    },
    "churn.bands_note": {
        "en": "Bands: high from a risk of 0.5, medium from 0.25, low below.",
        "zh-CN": "风险等级：0.5 及以上为高，0.25 及以上为中，其余为低。",
    },
    "band.high": {"en": "high", "zh-CN": "高"},
    "band.medium": {"en": "medium", "zh-CN": "中"},
    "band.low": {"en": "low", "zh-CN": "低"},
    "column.band": {"en": "Risk band", "zh-CN": "风险等级"},
    "column.customers": {"en": "Customers", "zh-CN": "客户数"},
    "at_risk": {"en": "Customers at highest risk", "zh-CN": "风险最高的客户"},
    "column.customer": {"en": "Customer", "zh-CN": "客户"},
    "column.risk": {"en": "Risk", "zh-CN": "风险"},
    "column.reasons": {"en": "Reasons", "zh-CN": "原因"},
    "at_risk.note": {
        "en": "Customer ids only; open one with `cxframe customer ID`.",
        "zh-CN": "仅显示客户编号；可用 `cxframe customer ID` 查看详情。",
    },
    "feature.latest_score": {"en": "unhappy latest score", "zh-CN": "最近一次评分不满意"},
    "feature.score_trend": {"en": "falling score", "zh-CN": "评分下降"},
    "feature.unhappy_answers": {"en": "repeated unhappy answers", "zh-CN": "多次不满意"},
    "feature.complaints": {"en": "complaints", "zh-CN": "投诉"},
    "feature.repeat_contacts": {"en": "repeat contacts", "zh-CN": "重复联系"},
    "feature.days_since_last": {"en": "gone quiet", "zh-CN": "长期无互动"},
    "feature.open_cases": {"en": "open cases", "zh-CN": "未关闭个案"},
    "feature.overdue_cases": {"en": "overdue cases", "zh-CN": "逾期个案"},
    "feature.journey_dropoffs": {"en": "unfinished journeys", "zh-CN": "未完成的旅程"},
    "business": {"en": "{kpi} and {metric}", "zh-CN": "{kpi} 与 {metric}"},
    "business.customers": {
        "en": "{customers} customers have both a {kpi} fact and an answer to {metric} ({unmatched} more have the "
        "KPI only and are not used).",
        "zh-CN": "{customers} 位客户同时有 {kpi} 数据和 {metric} 回答（另有 {unmatched} 位只有该 KPI，未使用）。",
    },
    "business.difference": {
        "en": "{kpi} differs by {value} between {high} and {low} ({confidence} interval {ci_low} … {ci_high}, "
        "p = {p}).",
        "zh-CN": "{high} 与 {low} 之间的 {kpi} 相差 {value}（{confidence} 置信区间 {ci_low} … {ci_high}，p = {p}）。",
    },
    "business.per_point": {
        "en": "Per point of {metric}, {kpi} differs by {slope} ({confidence} interval {ci_low} … {ci_high}, "
        "p = {p}, n = {n}).",
        "zh-CN": "{metric} 每变化 1 分，{kpi} 相差 {slope}（{confidence} 置信区间 {ci_low} … {ci_high}，p = {p}，n = {n}）。",
    },
    "business.unmatched": {
        "en": "No link: none of the {kpi} customers answered {metric} (customer ids must match the surveys' "
        "respondent ids).",
        "zh-CN": "无法关联：{kpi} 的客户均未回答 {metric}（客户编号须与调查的受访者编号一致）。",
    },
    "business.caveat": {
        "en": "An association, not cause: customers who score high may differ in other ways (tenure, product, "
        "region) that move the KPI. Use it to size the link, not to promise a return.",
        "zh-CN": "这是关联而非因果：评分高的客户可能在其他方面（客户年限、产品、地区）本就不同，这些因素也会影响该 KPI。"
        "可用来衡量关联的大小，而不应据此承诺回报。",
    },
    "group.detractors": {"en": "detractors", "zh-CN": "贬损者"},
    "group.passives": {"en": "passives", "zh-CN": "被动者"},
    "group.promoters": {"en": "promoters", "zh-CN": "推荐者"},
    "column.group": {"en": "Group", "zh-CN": "组别"},
    "column.kpi": {"en": "{kpi} (mean)", "zh-CN": "{kpi}（均值）"},
}

TRANSLATIONS = Catalogue.by_key(TEXTS)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _figure(value: Any, digits: int = 2, signed: bool = False) -> str:
    number = _number(value)
    if number is None:
        return "—"
    return (f"{number:+.{digits}f}" if signed else f"{number:.{digits}f}").replace("-", "−")


def _p(value: Any) -> str:
    p = _number(value)
    return "—" if p is None else ("<0.001" if p < 0.001 else f"{p:.3f}")


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _texts(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _confidence(value: Any) -> str:
    return f"{_number(value) or 0.95:.0%}"


def _metric(report: ReportContext, evidence: Mapping[str, Any]) -> str:
    """The metric's title in the report's language (the document keeps the core's metric titles translated)."""
    return report.translate(evidence.get("metric_title") or evidence.get("metric") or "")


def drivers_part(report: ReportContext, evidence: Mapping[str, Any]) -> SectionContent | None:
    """The importance × performance chart and the drivers' table; the reason when there are no figures."""
    found = evidence.get("drivers")
    if not isinstance(found, Mapping):
        return None
    metric = _metric(report, evidence)
    heading = report.text("drivers", metric=metric)
    problem = found.get("problem")
    if isinstance(problem, Mapping):
        code = str(problem.get("code"))
        key = f"drivers.{code}" if code in ("too_few", "no_variance", "no_drivers") else "drivers.no_drivers"
        text = report.text(
            key,
            n=_count(found.get("n")),
            needed=_count(found.get("needed")),
            drivers=_count(found.get("drivers_asked")),
        )
        return SectionContent(heading=heading, text=text)
    rows = _mappings(found.get("drivers"))
    if not rows:
        return None
    quadrant = {
        name: report.text(f"quadrant.{name}", name)
        for name in (drivers.FIX_FIRST, drivers.KEEP, drivers.MAINTAIN, drivers.LOWER_PRIORITY)
    }
    points = [
        ScatterPoint(
            f"{row.get('driver')}: {quadrant.get(str(row.get('quadrant')), str(row.get('quadrant')))}",
            (_number(row.get("position")) or 0.0) * 100,
            _number(row.get("importance")) or 0.0,
        )
        for row in rows
        if _number(row.get("position")) is not None and _number(row.get("importance")) is not None
    ]
    importances = [p.y for p in points]
    performances = [p.x for p in points]
    chart = ScatterChart(
        "insight-drivers",
        report.text("chart.title", metric=metric),
        points,
        desc=report.text(
            "chart.desc",
            importance=_figure(sum(importances) / len(importances), 3) if points else "—",
            performance=f"{sum(performances) / len(performances):.0f}%" if points else "—",
        ),
        x_label=report.text("chart.x"),
        y_label=report.text("chart.y"),
        # the quadrants' boundaries, not a fitted line (which means nothing on this chart)
        guides=(sum(performances) / len(performances), sum(importances) / len(importances)) if points else None,
    )
    table = []
    for row in rows:
        name = str(row.get("quadrant"))
        tone = "bad" if name == drivers.FIX_FIRST else "good" if name == drivers.KEEP else None
        share = _number(row.get("share"))
        table.append(
            (
                str(row.get("driver")),
                _figure(row.get("importance"), 3),
                f"{_figure(row.get('ci_low'), 3)} … {_figure(row.get('ci_high'), 3)}",
                "—" if share is None else f"{share:.0%}",
                _figure(row.get("performance")),
                Cell(quadrant.get(name, name), tone=tone),
            )
        )
    columns = (
        Column(report.text("column.driver"), strong=True),
        Column(report.text("column.importance"), numeric=True),
        Column(report.text("column.interval"), numeric=True),
        Column(report.text("column.share"), numeric=True),
        Column(report.text("column.performance"), numeric=True),
        Column(report.text("column.quadrant")),
    )
    summary = report.text(
        "drivers.summary",
        n=_count(found.get("n")),
        incomplete=_count(found.get("incomplete")),
        r2=_figure(found.get("r_squared"), 3),
        confidence=_confidence(found.get("confidence")),
        resamples=_count(found.get("resamples")),
    )
    return SectionContent(
        heading=heading, text=summary, charts=(chart,), columns=columns, rows=table, notes=report.text("drivers.note")
    )


def churn_part(report: ReportContext, evidence: Mapping[str, Any]) -> SectionContent | None:
    """Customers per risk band and how the risk was made; the customers at highest risk for the roles that see ids."""
    found = evidence.get("churn")
    if not isinstance(found, Mapping):
        return None
    heading = report.text("churn")
    if isinstance(found.get("problem"), Mapping):
        return SectionContent(heading=heading, text=report.text("churn.no_customers"))
    stored = found.get("bands")
    bands: Mapping[str, Any] = stored if isinstance(stored, Mapping) else {}
    counts = {name: _count(bands.get(name)) for _, name in BANDS}
    customers = _count(found.get("customers"))
    text = [report.text("churn.counts", customers=customers, as_of=str(found.get("as_of") or "—")[:10], **counts)]
    model = str(found.get("model") or RULES_MODEL)
    if model == RULES_MODEL:
        text.append(report.text("churn.rules"))
    elif _number(found.get("auc")) is not None:
        text.append(report.text("churn.model", auc=_figure(found.get("auc"))))
    else:
        text.append(report.text("churn.model_no_auc", model=model))
    rows = [
        (
            Cell(report.text(f"band.{name}", name), tone="bad" if name == BANDS[0][1] else None),
            str(count),
            f"{count / customers:.0%}" if customers else "—",
        )
        for name, count in counts.items()
    ]
    columns = (
        Column(report.text("column.band"), strong=True),
        Column(report.text("column.customers"), numeric=True),
        Column(report.text("column.share"), numeric=True),
    )
    parts: tuple[SectionContent, ...] = ()
    at_risk = _mappings(found.get("at_risk"))
    if at_risk and report.role != "executive":  # the executive sees counts, never a customer
        shown, more = report.limit(at_risk)
        parts = (
            SectionContent(
                heading=report.text("at_risk"),
                columns=(
                    Column(report.text("column.customer"), strong=True),
                    Column(report.text("column.risk"), numeric=True),
                    Column(report.text("column.band")),
                    Column(report.text("column.reasons")),
                ),
                rows=[
                    (
                        str(row.get("customer")),
                        _figure(row.get("risk")),
                        report.text(f"band.{row.get('band')}", str(row.get("band"))),
                        tuple(report.text(f"feature.{reason}", str(reason)) for reason in _texts(row.get("reasons"))),
                    )
                    for row in shown
                ],
                more=more,
                notes=report.text("at_risk.note"),
            ),
        )
    return SectionContent(
        heading=heading, text=text, columns=columns, rows=rows, notes=report.text("churn.bands_note"), parts=parts
    )


def business_part(report: ReportContext, evidence: Mapping[str, Any]) -> SectionContent | None:
    """Each KPI among the metric's groups and per point of it, said as an association."""
    links = _mappings(evidence.get("business"))
    if not links:
        return None
    metric = _metric(report, evidence)
    parts = []
    for link in links:
        kpi = str(link.get("kpi"))
        heading = report.text("business", kpi=kpi, metric=metric)
        if isinstance(link.get("problem"), Mapping):
            parts.append(
                SectionContent(heading=heading, text=report.text("business.unmatched", kpi=kpi, metric=metric))
            )
            continue
        confidence = _confidence(link.get("confidence"))
        text = [
            report.text(
                "business.customers",
                customers=_count(link.get("customers")),
                kpi=kpi,
                metric=metric,
                unmatched=_count(link.get("unmatched")),
            )
        ]
        groups = _mappings(link.get("groups"))
        names = {str(g.get("group")): report.text(f"group.{g.get('group')}", str(g.get("group"))) for g in groups}
        difference = link.get("difference")
        if isinstance(difference, Mapping) and _number(difference.get("value")) is not None:
            between = _texts(difference.get("between")) or ["", ""]
            text.append(
                report.text(
                    "business.difference",
                    kpi=kpi,
                    value=_figure(difference.get("value"), 3, signed=True),
                    high=names.get(str(between[0]), str(between[0])),
                    low=names.get(str(between[-1]), str(between[-1])),
                    confidence=confidence,
                    ci_low=_figure(difference.get("ci_low"), 3, signed=True),
                    ci_high=_figure(difference.get("ci_high"), 3, signed=True),
                    p=_p(difference.get("p_value")),
                )
            )
        per_point = link.get("per_point")
        if isinstance(per_point, Mapping) and _number(per_point.get("slope")) is not None:
            text.append(
                report.text(
                    "business.per_point",
                    kpi=kpi,
                    metric=metric,
                    slope=_figure(per_point.get("slope"), 4, signed=True),
                    confidence=confidence,
                    ci_low=_figure(per_point.get("ci_low"), 4, signed=True),
                    ci_high=_figure(per_point.get("ci_high"), 4, signed=True),
                    p=_p(per_point.get("p_value")),
                    n=_count(per_point.get("n")),
                )
            )
        rows = [
            (
                names.get(str(g.get("group")), str(g.get("group"))),
                str(_count(g.get("n"))),
                _figure(g.get("kpi"), 3),
                "—"
                if _number(g.get("ci_low")) is None
                else f"{_figure(g.get('ci_low'), 3)} … {_figure(g.get('ci_high'), 3)}",
            )
            for g in groups
        ]
        columns = (
            (
                Column(report.text("column.group"), strong=True),
                Column(report.text("column.customers"), numeric=True),
                Column(report.text("column.kpi", kpi=kpi), numeric=True),
                Column(report.text("column.interval"), numeric=True),
            )
            if rows
            else ()
        )
        parts.append(
            SectionContent(heading=heading, text=text, columns=columns, rows=rows, notes=report.text("business.caveat"))
        )
    return SectionContent(parts=parts)


def build_insight(report: ReportContext) -> SectionContent | None:
    """The drivers, the churn warning and the business link, each when the evidence has it; None when none has."""
    evidence = report.evidence()
    parts = [
        part for build in (drivers_part, churn_part, business_part) if (part := build(report, evidence)) is not None
    ]
    return SectionContent(parts=parts) if parts else None


SECTIONS = (
    ReportSection(
        "insight",
        TEXTS["insight"]["en"],
        ("executive", "cx-lead", "frontline-manager"),
        build_insight,
        after="findings",
        limits={"executive": 0, "cx-lead": AT_RISK, "frontline-manager": 10},
        translations=TRANSLATIONS,
    ),
)
