"""The improve plugin's evidence and report section: the closed loop (closure, SLA, recovery) and action effects.

``cxframe assess`` asks every plugin for its evidence (``assessment_evidence``);
this plugin answers ``{"loop": …}`` from the cases and the loop metrics the
measure stage computed (`loop_evidence`), and the report's ``improve``
section shows it in every format, from the assessment document alone, so
``cxframe report`` renders it again for another role or language.

Both are built from lists of parts (the loop; the measured effect of
finished actions), so that more of the improve stage adds a part and changes
nothing else:

* `EVIDENCE_PARTS`: ``(key, build(run))`` — each builder's result (when not
  ``None``) is the evidence's ``key``;
* `SECTION_PARTS`: ``build(report, evidence)`` — each builder's
  `cxframe.SectionContent` (when not ``None``) is a part of the section, in order.

Every text the section shows (owner names, metric titles) is data: the core
escapes it in HTML and Markdown.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

from cxframe import (
    Catalogue,
    Cell,
    Column,
    ComparisonResult,
    MetricResult,
    ReportContext,
    ReportSection,
    RunContext,
    SectionContent,
    compare_segments,
    compute_metric,
)
from cxframe_improve import cases
from cxframe_improve import effect as effect_module
from cxframe_improve.metrics import CASE_METRIC, CLOSED, HOURS_TO_CLOSE, OUTCOME, RECOVERY_PREFIX, WITHIN_SLA

# --- evidence ------------------------------------------------------------------------------------------------------

#: The loop metrics the evidence reports overall, in the order the report shows them.
LOOP_METRICS = (CLOSED, WITHIN_SLA, HOURS_TO_CLOSE)


def _result(result: MetricResult) -> dict[str, Any]:
    return {
        "metric": result.metric,
        "segment": dict(result.segment),
        "value": result.value,
        "n": result.n,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "confidence": result.confidence,
        "flags": list(result.flags),
    }


def _recovery(result: ComparisonResult, followed: str) -> dict[str, Any]:
    return {
        "metric": result.metric,
        "followed": followed,
        "resolved": result.value,
        "n": result.n,
        "not_resolved": result.baseline_value,
        "baseline_n": result.baseline_n,
        "difference": result.difference,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "p_value": result.p_value,
        "significant": result.significant,
        "confidence": result.confidence,
        "flags": list(result.flags),
    }


def loop_evidence(run: RunContext) -> dict[str, Any] | None:
    """The loop's figures for the report: case counts, the loop metrics overall, SLA by owner, recovery.

    ``None`` without cases. The metrics are those the measure stage computed
    (``run.metric_results``); SLA by owner and the recovery are computed here.
    """
    if not cases.ready(run.store):
        return None
    now = dt.datetime.now(dt.UTC)
    found = cases.list_cases(run.store, now)
    if not found:
        return None
    known = set(run.registry.metrics.ids())
    overall = {
        result.metric: result
        for result in run.metric_results
        if result.metric in LOOP_METRICS and not result.segment and result.period is None and result.objective is None
    }
    by_owner: list[dict[str, Any]] = []
    by_metric: list[dict[str, Any]] = []
    if WITHIN_SLA in known:
        sla = run.registry.metrics.get(WITHIN_SLA)
        results = compute_metric(run.engine, sla, by=["owner"], confidence=run.confidence, min_sample=run.min_sample)
        by_owner = [_result(result) for result in results]
        by_metric = _within_sla_by_metric(run)
    recovery = []
    for metric in sorted(known):
        if not metric.startswith(RECOVERY_PREFIX):
            continue
        definition = run.registry.metrics.get(metric)
        compared = compare_segments(
            run.engine, definition, OUTCOME, confidence=run.confidence, min_sample=run.min_sample
        )
        recovery += [
            _recovery(result, definition.question) for result in compared if result.segment.get(OUTCOME) == "resolved"
        ]
    return {
        "cases": len(found),
        "open": sum(case.is_open for case in found),
        "overdue": sum(case.overdue(now) for case in found),
        "metrics": [_result(overall[metric]) for metric in LOOP_METRICS if metric in overall],
        "within_sla_by_owner": by_owner,
        "within_sla_by_metric": by_metric,
        "recovery": recovery,
    }


def _within_sla_by_metric(run: RunContext) -> list[dict[str, Any]]:
    """Closed within SLA per followed metric, with the longest SLA its cases were given (``sla_hours``).

    What the maturity models' follow-up criteria read (``iso.improve.inner-loop``: detractors contacted within
    48 hours): a share within an SLA says nothing about a shorter time, so each share comes with its SLA.
    """
    hours = cases.sla_hours_by_metric(run.store)
    sla = run.registry.metrics.get(WITHIN_SLA)
    results = compute_metric(run.engine, sla, by=[CASE_METRIC], confidence=run.confidence, min_sample=run.min_sample)
    found = []
    for result in results:
        followed = result.segment.get(CASE_METRIC)
        if followed is None or followed not in hours:
            continue
        found.append({**_result(result), "followed": followed, "sla_hours": hours[followed]})
    return found


def effects_evidence(run: RunContext) -> list[dict[str, Any]] | None:
    """Each done action with a metric: its effect as ``actions effect --json`` gives it, or why it has none.

    The effects are those `cxframe_improve.effect.run_effects` measured for
    this run (the design stage records them with the register); ``None``
    when no action is done with a metric.
    """
    found = []
    for action, effect in effect_module.run_effects(run):
        common: dict[str, Any] = {
            "title": action.title,
            "done": None if action.done is None else action.done.isoformat(),
        }
        if isinstance(effect, str):
            found.append({"action": action.id, "metric": action.metric, **common, "measured": False, "reason": effect})
            continue
        definition = run.registry.metrics.get(effect.metric)
        did = effect.did
        found.append(
            {
                **effect.to_json(),
                **common,
                "measured": effect.measured,
                "significant": effect_module.significant(effect.p_value, effect.confidence),
                "did_significant": None if did is None else effect_module.significant(did.p_value, effect.confidence),
                "higher_is_better": definition.higher_is_better,
                "unit": definition.unit,
                "where": dict(effect.where),
                "window_days": effect.window_days,
                "confidence": effect.confidence,
                "flags": list(effect.flags),
            }
        )
    return found or None


#: The evidence's parts: ``(key, build)``.
EVIDENCE_PARTS: list[tuple[str, Callable[[RunContext], Any]]] = [
    ("loop", loop_evidence),
    ("effects", effects_evidence),
]


def evidence(run: RunContext) -> dict[str, Any] | None:
    """The plugin's ``assessment_evidence``: every part that has something to say."""
    found = {}
    for key, build in EVIDENCE_PARTS:
        value = build(run)
        if value is not None:
            found[key] = value
    return found or None


# --- the section ---------------------------------------------------------------------------------------------------

#: The section's words, ``key: {lang: text}``; ``improve`` (the section's id) is its title.
TEXTS: dict[str, dict[str, str]] = {
    "improve": {"en": "Improve: the closed loop", "zh-CN": "改进：闭环跟进"},
    "loop": {"en": "Follow-up of unhappy customers", "zh-CN": "不满意客户的跟进"},
    "counts": {
        "en": "{cases} cases opened for unhappy answers: {open} still open, {overdue} of them past their due time.",
        "zh-CN": "共为不满意的回答开立 {cases} 个个案：{open} 个仍未关闭，其中 {overdue} 个已超过期限。",
    },
    "metric.loop_closed": {"en": "Cases closed (%)", "zh-CN": "已关闭个案（%）"},
    "metric.loop_within_sla": {"en": "Closed within SLA (%)", "zh-CN": "在服务时限内关闭（%）"},
    "metric.loop_hours_to_close": {"en": "Median hours to close", "zh-CN": "关闭所需时间中位数（小时）"},
    "sla_note": {
        "en": "Within SLA counts the cases closed or past due: an open case past due is missed; one not yet "
        "due is not counted. Hours to close: the median of closed cases, with a distribution-free interval.",
        "zh-CN": "服务时限内关闭的比例只计已关闭或已过期的个案：超过期限仍未关闭的算作未达成，尚未到期的不计入。"
        "关闭时间为已关闭个案的中位数，置信区间不依赖分布假设。",
    },
    "owners": {"en": "Closed within SLA, by owner", "zh-CN": "各负责人在服务时限内关闭的比例"},
    "recovery": {"en": "Recovery", "zh-CN": "客户挽回"},
    "recovery.result": {
        "en": "Customers whose {metric} case was resolved answered {resolved} next time, the others {other}: "
        "a difference of {difference} ({confidence} interval {low} … {high}, p = {p}), on {n} and {baseline_n} "
        "customers.",
        "zh-CN": "{metric} 个案已解决的客户下一次回答为 {resolved}，其余客户为 {other}：差异为 {difference}"
        "（{confidence} 置信区间 {low} … {high}，p = {p}），样本量分别为 {n} 和 {baseline_n} 位客户。",
    },
    "recovery.missing": {
        "en": "Customers whose {metric} case was resolved: {n} answered again; the others: {baseline_n}. "
        "Too few to compare.",
        "zh-CN": "{metric} 个案已解决并再次回答的客户 {n} 位，其余客户 {baseline_n} 位，数量太少，无法比较。",
    },
    "recovery.significant": {"en": "Significant.", "zh-CN": "差异显著。"},
    "recovery.not_significant": {
        "en": "Not significant: the data cannot tell this difference from chance.",
        "zh-CN": "不显著：这些数据无法把这一差异与偶然波动区分开。",
    },
    "recovery.small": {
        "en": "At least one group is below the minimum sample: read it as a first sign.",
        "zh-CN": "至少一组低于最小样本量：只能作为初步迹象。",
    },
    "recovery.association": {
        "en": "An association, not proof: customers whose problem could be resolved may differ from the others.",
        "zh-CN": "这只是关联，并非因果证明：问题能够解决的客户可能本来就与其他客户不同。",
    },
    "column.metric": {"en": "Metric", "zh-CN": "指标"},
    "column.owner": {"en": "Owner", "zh-CN": "负责人"},
    "column.value": {"en": "Value", "zh-CN": "数值"},
    "column.interval": {"en": "Interval", "zh-CN": "置信区间"},
    "column.n": {"en": "n", "zh-CN": "样本量"},
    "column.flags": {"en": "Flags", "zh-CN": "标记"},
    "no_owner": {"en": "(no owner)", "zh-CN": "（无负责人）"},
    # the measured effect of finished actions
    "effects": {"en": "Effect of finished actions", "zh-CN": "已完成改进措施的效果"},
    "column.action": {"en": "Action", "zh-CN": "措施"},
    "column.before": {"en": "Before", "zh-CN": "之前"},
    "column.after": {"en": "After", "zh-CN": "之后"},
    "column.change": {"en": "Change", "zh-CN": "变化"},
    "column.p": {"en": "p", "zh-CN": "p 值"},
    "column.did": {"en": "Against the control", "zh-CN": "相对对照组"},
    "effect.window": {"en": "{interval}, n = {n}", "zh-CN": "{interval}，样本量 {n}"},
    "effect.change": {
        "en": "{action} ({title}), done {done}, {metric} {where}: {before} in the {days} days before, {after} in the "
        "{days} days from it; a change of {difference} ({confidence} interval {low} … {high}, p = {p}).",
        "zh-CN": "{action}（{title}）于 {done} 完成，{metric} {where}：之前 {days} 天为 {before}，之后 {days} 天为 "
        "{after}；变化 {difference}（{confidence} 置信区间 {low} … {high}，p = {p}）。",
    },
    "effect.all": {"en": "(all answers)", "zh-CN": "（全部回答）"},
    "effect.better": {"en": "Significant: better.", "zh-CN": "差异显著：变好。"},
    "effect.worse": {"en": "Significant: worse.", "zh-CN": "差异显著：变差。"},
    "effect.not_significant": {
        "en": "Not significant: no evidence that the metric moved.",
        "zh-CN": "不显著：没有证据表明该指标发生了变化。",
    },
    "effect.untested": {"en": "Too little data to test it.", "zh-CN": "数据太少，无法检验。"},
    "effect.did": {
        "en": "Against the control ({control}): {difference} ({confidence} interval {low} … {high}, p = {p}).",
        "zh-CN": "相对对照组（{control}）：{difference}（{confidence} 置信区间 {low} … {high}，p = {p}）。",
    },
    "effect.no_control": {
        "en": "No control group: the action names no touchpoint or segment, or no other has data in both windows.",
        "zh-CN": "没有对照组：该措施未指定触点或细分，或者没有其他触点/细分在两个时间窗内都有数据。",
    },
    "effect.pre_trend_violated": {
        "en": "Before the action the treated group was already moving apart from the control: the comparison "
        "with the control may be biased.",
        "zh-CN": "措施实施之前，处理组已经在与对照组拉开差距：与对照组的比较可能有偏差。",
    },
    "effect.pre_trend_untested": {
        "en": "The trends before the action could not be checked (too little data).",
        "zh-CN": "无法检验措施之前的趋势（数据太少）。",
    },
    "effect.small": {
        "en": "A window has fewer answers than the minimum sample: read it as a first sign.",
        "zh-CN": "某个时间窗的回答数低于最小样本量：只能作为初步迹象。",
    },
    "effect.provisional": {
        "en": "Provisional: the after-window ends on {ends}, after this report, so answers still to come may change "
        "the effect; it does not count as measured yet.",
        "zh-CN": "暂定结果：之后的时间窗到 {ends} 才结束，晚于本报告，后续回答可能改变该效果；目前尚不计为已测得的效果。",
    },
    "effect.provisional.cell": {"en": "provisional, until {ends}", "zh-CN": "暂定，至 {ends}"},
    "effect.unmeasured": {
        "en": "{action} ({title}), done {done}: no effect measured. {reason}",
        "zh-CN": "{action}（{title}）于 {done} 完成：未能测量效果。{reason}",
    },
    "effect.note": {
        "en": "Each change is after against before, with the test of measure --compare; against the control is "
        "the difference-in-differences with the other touchpoints (or segment values) pooled.",
        "zh-CN": "每项变化为之后与之前的比较，检验方法与 measure --compare 相同；相对对照组为与其他触点"
        "（或细分值）合并后的双重差分。",
    },
}

TRANSLATIONS = Catalogue.by_key(TEXTS)


def _mappings(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _count(value: Any) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else "—"


def _figure(value: Any, digits: int = 1, signed: bool = False) -> str:
    number = _number(value)
    if number is None:
        return "—"
    return (f"{number:+.{digits}f}" if signed else f"{number:.{digits}f}").replace("-", "−")


def _interval(row: Mapping[str, Any], signed: bool = False) -> str:
    low, high = _number(row.get("ci_low")), _number(row.get("ci_high"))
    return "—" if low is None or high is None else f"{_figure(low, signed=signed)} … {_figure(high, signed=signed)}"


def _flags(report: ReportContext, row: Mapping[str, Any]) -> str:
    flags = row.get("flags")
    shown = [report.flag(str(flag)) for flag in flags] if isinstance(flags, list) else []
    return ", ".join(shown) or "—"


def _columns(report: ReportContext, first: str) -> tuple[Column, ...]:
    return (
        Column(report.text(first)),
        Column(report.text("column.value"), numeric=True),
        Column(report.text("column.interval"), numeric=True),
        Column(report.text("column.n"), numeric=True),
        Column(report.text("column.flags")),
    )


def loop_part(report: ReportContext, evidence: Mapping[str, Any]) -> SectionContent | None:
    """Case counts and the loop metrics overall."""
    loop = evidence.get("loop")
    if not isinstance(loop, Mapping):
        return None
    rows = [
        (
            report.text(f"metric.{row.get('metric')}", str(row.get("metric"))),
            _figure(row.get("value")),
            _interval(row),
            _count(row.get("n")),
            _flags(report, row),
        )
        for row in _mappings(loop.get("metrics"))
    ]
    text = []
    if all(isinstance(loop.get(key), int) for key in ("cases", "open", "overdue")):
        text.append(report.text("counts", cases=loop["cases"], open=loop["open"], overdue=loop["overdue"]))
    if not rows and not text:
        return None
    return SectionContent(
        heading=report.text("loop"),
        text=text,
        columns=_columns(report, "column.metric") if rows else (),
        rows=rows,
        notes=[report.text("sla_note")] if rows else [],
    )


def owners_part(report: ReportContext, evidence: Mapping[str, Any]) -> SectionContent | None:
    """Closed within SLA by owner (as many rows as the reader's role sees)."""
    loop = evidence.get("loop")
    owners = _mappings(loop.get("within_sla_by_owner")) if isinstance(loop, Mapping) else []
    if not owners:
        return None
    shown, more = report.limit(owners)
    rows = []
    for row in shown:
        segment = row.get("segment")
        owner = segment.get("owner") if isinstance(segment, Mapping) else None
        rows.append(
            (
                str(owner) if owner is not None else report.text("no_owner"),
                _figure(row.get("value")),
                _interval(row),
                _count(row.get("n")),
                _flags(report, row),
            )
        )
    return SectionContent(heading=report.text("owners"), columns=_columns(report, "column.owner"), rows=rows, more=more)


def recovery_part(report: ReportContext, evidence: Mapping[str, Any]) -> SectionContent | None:
    """Recovery per followed metric: resolved against not resolved, said plainly, significant or not."""
    loop = evidence.get("loop")
    found = _mappings(loop.get("recovery")) if isinstance(loop, Mapping) else []
    text = []
    for row in found:
        metric = str(row.get("followed") or row.get("metric") or "")
        if _number(row.get("difference")) is None or _number(row.get("ci_low")) is None:
            text.append(
                report.text(
                    "recovery.missing", metric=metric, n=_count(row.get("n")), baseline_n=_count(row.get("baseline_n"))
                )
            )
            continue
        p = _number(row.get("p_value"))
        sentence = report.text(
            "recovery.result",
            metric=metric,
            resolved=_figure(row.get("resolved")),
            other=_figure(row.get("not_resolved")),
            difference=_figure(row.get("difference"), signed=True),
            confidence=f"{_number(row.get('confidence')) or 0.95:.0%}",
            low=_figure(row.get("ci_low"), signed=True),
            high=_figure(row.get("ci_high"), signed=True),
            p="—" if p is None else ("<0.001" if p < 0.001 else f"{p:.3f}"),
            n=_count(row.get("n")),
            baseline_n=_count(row.get("baseline_n")),
        )
        verdict = "recovery.significant" if row.get("significant") is True else "recovery.not_significant"
        sentence += " " + report.text(verdict)
        flags = row.get("flags")
        if isinstance(flags, list) and "small_sample" in flags:
            sentence += " " + report.text("recovery.small")
        text.append(sentence)
    if not text:
        return None
    return SectionContent(heading=report.text("recovery"), text=text, notes=[report.text("recovery.association")])


def _p_value(value: Any) -> str:
    p = _number(value)
    return "—" if p is None else ("<0.001" if p < 0.001 else f"{p:.3f}")


def _window(report: ReportContext, value: Any) -> Cell | str:
    """The value in a window, its interval and ``n`` in a note under it (a narrow column)."""
    row = value if isinstance(value, Mapping) else {}
    if _number(row.get("value")) is None:
        return "—"
    low, high = _number(row.get("ci_low")), _number(row.get("ci_high"))
    shown = "—" if low is None or high is None else f"{_figure(low)} … {_figure(high)}"
    return Cell(_figure(row.get("value")), note=report.text("effect.window", interval=shown, n=_count(row.get("n"))))


def _after(report: ReportContext, row: Mapping[str, Any]) -> Cell | str:
    """The after-window's value; a provisional one (the window not over yet) says so in its note."""
    shown = _window(report, row.get("after"))
    if row.get("provisional") is not True:
        return shown
    mark = report.text("effect.provisional.cell", ends=str(row.get("window_ends")))
    if isinstance(shown, Cell):
        return Cell(shown.text, note=f"{shown.note}; {mark}" if shown.note else mark, tone=shown.tone)
    return Cell(shown, note=mark)


def _change(row: Mapping[str, Any], significant: Any, higher_is_better: Any) -> Cell:
    """A change, its interval and p-value in a note, green or red when significant."""
    number = _number(row.get("difference"))
    tone = None
    if significant is True and number is not None and number != 0:
        tone = "good" if (number > 0) == (higher_is_better is not False) else "bad"
    note = f"{_interval(row, signed=True)}, p {_p_value(row.get('p_value'))}"
    return Cell(_figure(row.get("difference"), signed=True), note=note, tone=tone)


def _verdict(report: ReportContext, significant: Any, difference: Any, higher_is_better: Any) -> str:
    number = _number(difference)
    if significant is True and number is not None:
        better = (number > 0) == (higher_is_better is not False)
        return report.text("effect.better" if better else "effect.worse")
    if significant is False:
        return report.text("effect.not_significant")
    return report.text("effect.untested")


def _effect_text(report: ReportContext, row: Mapping[str, Any]) -> str:
    confidence = f"{_number(row.get('confidence')) or 0.95:.0%}"
    where = row.get("where")
    place = (
        ", ".join(f"{key} = {value}" for key, value in where.items())
        if isinstance(where, Mapping) and where
        else report.text("effect.all")
    )
    sentence = report.text(
        "effect.change",
        action=str(row.get("action")),
        title=str(row.get("title") or ""),
        done=str(row.get("done")),
        metric=str(row.get("metric")),
        where=place,
        before=_figure((row.get("before") or {}).get("value") if isinstance(row.get("before"), Mapping) else None),
        after=_figure((row.get("after") or {}).get("value") if isinstance(row.get("after"), Mapping) else None),
        days=_count(row.get("window_days")),
        difference=_figure(row.get("difference"), signed=True),
        confidence=confidence,
        low=_figure(row.get("ci_low"), signed=True),
        high=_figure(row.get("ci_high"), signed=True),
        p=_p_value(row.get("p_value")),
    )
    sentence += " " + _verdict(report, row.get("significant"), row.get("difference"), row.get("higher_is_better"))
    did = row.get("did")
    if isinstance(did, Mapping):
        control = did.get("control")
        sentence += " " + report.text(
            "effect.did",
            control=", ".join(str(name) for name in control) if isinstance(control, list) else "—",
            difference=_figure(did.get("difference"), signed=True),
            confidence=confidence,
            low=_figure(did.get("ci_low"), signed=True),
            high=_figure(did.get("ci_high"), signed=True),
            p=_p_value(did.get("p_value")),
        )
        sentence += " " + _verdict(
            report, row.get("did_significant"), did.get("difference"), row.get("higher_is_better")
        )
    else:
        sentence += " " + report.text("effect.no_control")
    flags = row["flags"] if isinstance(row.get("flags"), list) else []
    for flag in ("pre_trend_violated", "pre_trend_untested"):
        if flag in flags:
            sentence += " " + report.text(f"effect.{flag}")
    if "small_sample" in flags:
        sentence += " " + report.text("effect.small")
    if row.get("provisional") is True:
        sentence += " " + report.text("effect.provisional", ends=str(row.get("window_ends")))
    return sentence


def effects_part(report: ReportContext, evidence: Mapping[str, Any]) -> SectionContent | None:
    """The measured effect of each finished action: a table, and each verdict in words, significant or not."""
    found = _mappings(evidence.get("effects"))
    if not found:
        return None
    shown, more = report.limit(found)
    rows, text = [], []
    for row in shown:
        if row.get("measured") is False and "reason" in row:
            text.append(
                report.text(
                    "effect.unmeasured",
                    action=str(row.get("action")),
                    title=str(row.get("title") or ""),
                    done=str(row.get("done")),
                    reason=str(row.get("reason")),
                )
            )
            continue
        did = row.get("did")
        rows.append(
            (
                str(row.get("action")),
                str(row.get("metric")),
                _window(report, row.get("before")),
                _after(report, row),
                _change(row, row.get("significant"), row.get("higher_is_better")),
                _change(did, row.get("did_significant"), row.get("higher_is_better"))
                if isinstance(did, Mapping)
                else "—",
            )
        )
        text.append(_effect_text(report, row))
    columns = (
        Column(report.text("column.action")),
        Column(report.text("column.metric")),
        Column(report.text("column.before"), numeric=True),
        Column(report.text("column.after"), numeric=True),
        Column(report.text("column.change"), numeric=True),
        Column(report.text("column.did"), numeric=True),
    )
    return SectionContent(
        heading=report.text("effects"),
        text=text,
        columns=columns if rows else (),
        rows=rows,
        notes=[report.text("effect.note")] if rows else [],
        more=more,
    )


#: The section's parts, in order; each gets the report and the plugin's evidence.
SECTION_PARTS: list[Callable[[ReportContext, Mapping[str, Any]], SectionContent | None]] = [
    loop_part,
    owners_part,
    recovery_part,
    effects_part,
]


def build_improve(report: ReportContext) -> SectionContent | None:
    """Every part that has something to show; ``None`` (no section) when none has."""
    evidence = report.evidence()
    parts = [part for build in SECTION_PARTS if (part := build(report, evidence)) is not None]
    return SectionContent(parts=parts) if parts else None


SECTIONS = (
    ReportSection(
        "improve",
        TEXTS["improve"]["en"],
        ("executive", "cx-lead", "frontline-manager"),
        build_improve,
        after="actions",
        limits={"executive": 5},
        translations=TRANSLATIONS,
    ),
)
