"""The built-in maturity models' evidence sentences, in every language of the reports (`cxframe.Catalogue`).

Each evidence line a criterion writes is ``say(key, **values)``: a `cxframe.Text`
whose English is what the document and ``cxframe check`` show, and which the
reports say in the reader's language. Names (touchpoints, journeys, metrics)
go in as values and are never translated.
"""

from __future__ import annotations

from collections.abc import Sequence

from cxframe.contracts._texts import Catalogue

__all__ = ["say"]

say = Catalogue.by_key(
    {
        # --- lists of names ---------------------------------------------------------------------------------
        "list.names": {"en": "{names}", "zh-CN": "{names}"},
        "list.more": {"en": "{names} and {count} more", "zh-CN": "{names}等（另有 {count} 项）"},
        "list.none": {"en": "none", "zh-CN": "无"},
        "missing": {"en": "missing: {items}", "zh-CN": "缺少：{items}"},
        "without": {"en": "without: {items}", "zh-CN": "未做到的：{items}"},
        "flagged": {"en": "flagged: {items}", "zh-CN": "被标记的：{items}"},
        "unmeasured": {"en": "unmeasured: {items}", "zh-CN": "未测量的：{items}"},
        "named": {"en": "{name} ({detail})", "zh-CN": "{name}（{detail}）"},
        # --- framework ----------------------------------------------------------------------------------------
        "sponsor": {"en": "leadership sponsor: {name}", "zh-CN": "领导层发起人：{name}"},
        "sponsor.none": {
            "en": "context.sponsor is not set in the programme file",
            "zh-CN": "项目文件中没有设置 context.sponsor",
        },
        "stakeholders.without_needs": {
            "en": "stakeholders without needs: {names}",
            "zh-CN": "未写明需求的利益相关方：{names}",
        },
        "context.summary": {
            "en": "{internal} internal and {external} external factors; {count} of {total} stakeholders with needs",
            "zh-CN": "内部因素 {internal} 项，外部因素 {external} 项；{total} 个利益相关方中有 {count} 个写明了需求",
        },
        "context.missing": {"en": "missing: {items}", "zh-CN": "缺少：{items}"},
        "context.no_scope": {"en": "no scope", "zh-CN": "没有范围"},
        "context.no_internal": {"en": "no internal factors", "zh-CN": "没有内部因素"},
        "context.no_external": {"en": "no external factors", "zh-CN": "没有外部因素"},
        "context.no_stakeholders": {"en": "no stakeholders", "zh-CN": "没有利益相关方"},
        "context.scope": {"en": "scope: {scope}", "zh-CN": "范围：{scope}"},
        "strategy.written": {"en": "a CX strategy is written", "zh-CN": "已有书面的客户体验战略"},
        "strategy.none": {
            "en": "context.strategy is empty: no written CX strategy",
            "zh-CN": "context.strategy 为空：没有书面的客户体验战略",
        },
        "objectives.complete": {
            "en": "{count} of {total} objectives have a metric, target, deadline and owner",
            "zh-CN": "{total} 个目标中有 {count} 个具备指标、目标值、期限和负责人",
        },
        "objective.metric_unknown": {
            "en": "metric {metric!r} is not provided by any plugin",
            "zh-CN": "没有任何插件提供指标 {metric!r}",
        },
        "objective.no_deadline": {"en": "no deadline", "zh-CN": "没有期限"},
        "objective.no_owner": {"en": "no owner", "zh-CN": "没有负责人"},
        # --- design ---------------------------------------------------------------------------------------------
        "journeys.none": {"en": "no journey is mapped", "zh-CN": "尚未绘制任何旅程"},
        "journey.stages_pains": {
            "en": "{journey}: {stages} stages, {pains} pain points",
            "zh-CN": "{journey}：{stages} 个阶段，{pains} 个痛点",
        },
        "journeys.with_pains": {
            "en": "{count} of {total} journeys record pain points",
            "zh-CN": "{total} 条旅程中有 {count} 条记录了痛点",
        },
        "touchpoints.none": {
            "en": "no touchpoint inventory: the programme lists no touchpoints",
            "zh-CN": "没有触点清单：项目中未列出任何触点",
        },
        "touchpoint.lacks": {"en": "{touchpoint} (no {what})", "zh-CN": "{touchpoint}（缺少{what}）"},
        "action.lacks": {"en": "{action} ({what})", "zh-CN": "{action}（{what}）"},
        "objective.lacks": {"en": "{objective} ({what})", "zh-CN": "{objective}（{what}）"},
        "touchpoint.environment": {"en": "environment", "zh-CN": "接触环境"},
        "touchpoint.elements": {"en": "experience elements", "zh-CN": "体验要素"},
        "touchpoint.owner": {"en": "owner", "zh-CN": "负责人"},
        "touchpoints.complete": {
            "en": "{count} of {total} touchpoints have an environment, elements and an owner",
            "zh-CN": "{total} 个触点中有 {count} 个具备接触环境、体验要素和负责人",
        },
        "environments.covered": {
            "en": "contact environments covered: {count} of {total}",
            "zh-CN": "已覆盖的接触环境：{count}/{total}",
        },
        "elements.covered": {
            "en": "experience elements covered: {count} of {total}",
            "zh-CN": "已覆盖的体验要素：{count}/{total}",
        },
        "covered.missing": {"en": "{covered} (missing: {missing})", "zh-CN": "{covered}（缺少：{missing}）"},
        "stages.none": {
            "en": "no journey stages are mapped, so none is measured",
            "zh-CN": "尚未绘制旅程阶段，因此没有阶段被测量",
        },
        "stages.measured": {
            "en": "{count} of {total} journey stages have a metric with data",
            "zh-CN": "{total} 个旅程阶段中有 {count} 个具有有数据的指标",
        },
        "journey.emotions": {
            "en": "{journey}: emotion at {emotions} of {stages} stages, {pains} pain points, "
            "{opportunities} opportunities, {moments} moments of truth",
            "zh-CN": "{journey}：{stages} 个阶段中有 {emotions} 个标出情绪，{pains} 个痛点，{opportunities} 个机会，"
            "{moments} 个关键时刻",
        },
        "journey.lacks": {"en": "{journey} lacks {what}", "zh-CN": "{journey} 缺少{what}"},
        "lacks.emotion": {"en": "an emotion at every stage", "zh-CN": "每个阶段的情绪"},
        "lacks.pains": {"en": "pain points", "zh-CN": "痛点"},
        "lacks.opportunities": {"en": "opportunities", "zh-CN": "机会"},
        "lacks.moments": {"en": "moments of truth", "zh-CN": "关键时刻"},
        # --- improvement ----------------------------------------------------------------------------------------
        "actions.none": {
            "en": "no improvement action is recorded in the store",
            "zh-CN": "存储中没有记录任何改进行动",
        },
        "actions.status": {"en": "{count} {status}", "zh-CN": "{status} {count} 项"},
        "actions.recorded": {
            "en": "{count} improvement actions recorded ({statuses})",
            "zh-CN": "已记录 {count} 项改进行动（{statuses}）",
        },
        "action_status.proposed": {"en": "proposed", "zh-CN": "已提议"},
        "action_status.planned": {"en": "planned", "zh-CN": "已计划"},
        "action_status.in_progress": {"en": "in_progress", "zh-CN": "进行中"},
        "action_status.done": {"en": "done", "zh-CN": "已完成"},
        "action_status.dropped": {"en": "dropped", "zh-CN": "已放弃"},
        "backlog.none": {
            "en": "no action is planned, in progress or done: there is no backlog anyone owns",
            "zh-CN": "没有已计划、进行中或已完成的行动：没有任何人负责的待办清单",
        },
        "action.no_owner": {"en": "no owner", "zh-CN": "没有负责人"},
        "action.no_due": {"en": "no due date", "zh-CN": "没有截止日期"},
        "backlog.owned": {
            "en": "{count} of {total} planned, in-progress or done actions have an owner and a due date",
            "zh-CN": "{total} 项已计划、进行中或已完成的行动中有 {count} 项具备负责人和截止日期",
        },
        "effects.none": {
            "en": "no action is done yet, so no effect is measured",
            "zh-CN": "尚无已完成的行动，因此没有测得的效果",
        },
        "effects.measured": {
            "en": "{count} of {total} done actions record a baseline and a measured effect",
            "zh-CN": "{total} 项已完成的行动中有 {count} 项记录了基线和测得的效果",
        },
        "effect.tested": {
            "en": "{action}: {metric} {baseline:.1f} before, {effect:+.1f} after (CI {low:+.1f} to {high:+.1f}, p = {p:.3g})",
            "zh-CN": "{action}：{metric} 之前为 {baseline:.1f}，之后变化 {effect:+.1f}（置信区间 {low:+.1f} 至 {high:+.1f}，p = {p:.3g}）",
        },
        "effect.recorded": {
            "en": "{action}: {metric} baseline {baseline:.1f}, effect {effect:+.1f} (no interval recorded)",
            "zh-CN": "{action}：{metric} 基线 {baseline:.1f}，效果 {effect:+.1f}（未记录置信区间）",
        },
        "objectives.none": {"en": "no objectives are planned", "zh-CN": "尚未规划任何目标"},
        "objective.no_result": {
            "en": "{objective}: no result (no data for {metric})",
            "zh-CN": "{objective}：没有结果（{metric} 没有数据）",
        },
        "objective.result": {
            "en": "{objective}: {metric} = {value:.1f} (n={n}) against {comparison} {target:g}: {status}",
            "zh-CN": "{objective}：{metric} = {value:.1f}（n={n}），目标 {comparison} {target:g}：{status}",
        },
        "objectives.met": {"en": "{count} of {total} objectives met", "zh-CN": "{total} 个目标中有 {count} 个已达成"},
        "status.met": {"en": "met", "zh-CN": "已达成"},
        "status.not_met": {"en": "not_met", "zh-CN": "未达成"},
        "status.inconclusive": {"en": "inconclusive", "zh-CN": "尚无定论"},
        "status.unknown": {"en": "unknown", "zh-CN": "未知"},
        "loop.contacted": {
            "en": "{within} of {detractors} detractors ({share:.0%}) were contacted within {hours} h "
            "(follow-up activities: {activities}; median {median} h; {never} never contacted); the bar is {bar:.0%}",
            "zh-CN": "{detractors} 名贬损者中有 {within} 名（{share:.0%}）在 {hours} 小时内得到联系（跟进活动：{activities}；"
            "中位数 {median} 小时；{never} 名从未被联系）；标准为 {bar:.0%}",
        },
        # the improve plugin's closed loop: cases closed within their SLA, per followed metric
        "loop.sla.within": {
            "en": "{share:.1f}% of {n} {metric} loop cases were closed within their {sla:g} h SLA "
            "({confidence:.0%} interval {interval}); the bar is {bar:.0%} within {hours} h",
            "zh-CN": "{n} 个 {metric} 闭环个案中有 {share:.1f}% 在 {sla:g} 小时的服务时限内关闭"
            "（{confidence:.0%} 置信区间 {interval}）；标准为 {hours} 小时内 {bar:.0%}",
        },
        "loop.sla.too_long": {
            "en": "{metric} loop cases have an SLA of {sla:g} h, longer than the {hours} h asked: closing within it "
            "cannot show a follow-up within {hours} h ({share} of {n} closed within the SLA)",
            "zh-CN": "{metric} 闭环个案的服务时限为 {sla:g} 小时，长于要求的 {hours} 小时：在该时限内关闭"
            "不能说明在 {hours} 小时内完成了跟进（{n} 个中 {share} 在服务时限内关闭）",
        },
        "loop.sla.too_long.none": {
            "en": "{metric} loop cases have an SLA of {sla:g} h, longer than the {hours} h asked: closing within it "
            "cannot show a follow-up within {hours} h (none closed or past due yet)",
            "zh-CN": "{metric} 闭环个案的服务时限为 {sla:g} 小时，长于要求的 {hours} 小时：在该时限内关闭"
            "不能说明在 {hours} 小时内完成了跟进（尚无已关闭或已过期的个案）",
        },
        "loop.sla.small": {
            "en": "{metric} loop cases: {n} closed or past due, fewer than the minimum sample of {min_sample}, "
            "too few to judge ({share:.1f}% within their {sla:g} h SLA)",
            "zh-CN": "{metric} 闭环个案：已关闭或已过期的只有 {n} 个，少于最小样本量 {min_sample}，"
            "不足以判断（{share:.1f}% 在 {sla:g} 小时的服务时限内关闭）",
        },
        "loop.sla.none": {
            "en": "{metric} loop cases: none closed or past due yet",
            "zh-CN": "{metric} 闭环个案：尚无已关闭或已过期的个案",
        },
        "loop.source.cases": {
            "en": "decided from the improve plugin's closed-loop cases (loop_within_sla, per followed metric)",
            "zh-CN": "依据改进插件的闭环个案判断（loop_within_sla，按所跟进的指标）",
        },
        "loop.source.events": {
            "en": "decided from the event log's follow-up activities ([plugins.cxframe-nps.closed_loop])",
            "zh-CN": "依据事件日志中的跟进活动判断（[plugins.cxframe-nps.closed_loop]）",
        },
        # --- information -----------------------------------------------------------------------------------------
        "survey.none": {"en": "no customer survey answer is collected", "zh-CN": "尚未收集任何客户调查答复"},
        "survey.collected": {
            "en": "{answers} customer survey answers collected ({respondents} identified respondents)",
            "zh-CN": "已收集 {answers} 条客户调查答复（{respondents} 名可识别的回答者）",
        },
        "expectations.none": {
            "en": "no journey stage is mapped, so no expectation is recorded",
            "zh-CN": "尚未绘制旅程阶段，因此没有记录任何期望",
        },
        "expectations.recorded": {
            "en": "{count} of {total} journey stages record customer expectations",
            "zh-CN": "{total} 个旅程阶段中有 {count} 个记录了客户期望",
        },
        "sources.counts": {
            "en": "survey answers: {answers}; answers with a text comment: {comments}; interaction events: {events}",
            "zh-CN": "调查答复：{answers}；带文字评论的答复：{comments}；互动事件：{events}",
        },
        "coded.no_comments": {"en": "no customer comment to code", "zh-CN": "没有可编码的客户评论"},
        "coded.coverage": {
            "en": "{comments} comments coded against a codeframe of {themes} themes: {coverage:.0%} carry at least "
            "one theme; the bar is {threshold:.0%}",
            "zh-CN": "{comments} 条评论按包含 {themes} 个主题的编码框架编码：{coverage:.0%} 至少带有一个主题；"
            "标准为 {threshold:.0%}",
        },
        "join.nothing": {
            "en": "nothing to join: {respondents} identified survey respondents, {events} interaction events",
            "zh-CN": "无可关联的数据：{respondents} 名可识别的调查回答者，{events} 条互动事件",
        },
        "join.share": {
            "en": "{joined} of {respondents} identified survey respondents ({share:.0%}) are cases in the event log "
            "(respondent id = case id); the bar is half",
            "zh-CN": "{respondents} 名可识别的调查回答者中有 {joined} 名（{share:.0%}）是事件日志中的案例"
            "（回答者 id = 案例 id）；标准为一半",
        },
        # --- measurement -----------------------------------------------------------------------------------------
        "metric.no_data": {"en": "{metric}: no data", "zh-CN": "{metric}：没有数据"},
        "metric.regular": {
            "en": "{metric}: n={n} over {months} months, interval shown",
            "zh-CN": "{metric}：{months} 个月共 n={n}，给出了置信区间",
        },
        "metric.regular.no_interval": {
            "en": "{metric}: n={n} over {months} months, interval missing",
            "zh-CN": "{metric}：{months} 个月共 n={n}，缺少置信区间",
        },
        "metrics.none": {"en": "no metric has data", "zh-CN": "没有任何指标有数据"},
        "metric.n": {"en": "{metric} (n={n})", "zh-CN": "{metric}（n={n}）"},
        "metrics.sufficient": {
            "en": "{count} of {total} metrics with data reach the minimum sample of {minimum}",
            "zh-CN": "{total} 个有数据的指标中有 {count} 个达到最小样本量 {minimum}",
        },
        "metrics.with_data": {"en": "metrics with data: {names}", "zh-CN": "有数据的指标：{names}"},
        "metrics.beyond": {"en": "beyond NPS/CSAT/eNPS: {names}", "zh-CN": "NPS/CSAT/eNPS 之外的指标：{names}"},
        "segment.values": {"en": "{column}: {count} values", "zh-CN": "{column}：{count} 个取值"},
        "segments.none": {"en": "observations carry no segment column", "zh-CN": "观测数据不带任何细分列"},
        "kpi.none": {"en": "no objective names a business_kpi", "zh-CN": "没有目标写明 business_kpi"},
        "kpi.link": {"en": "{objective}: {metric} → {kpi}", "zh-CN": "{objective}：{metric} → {kpi}"},
        "kpi.measured": {
            "en": "{kpi} measured against {metric} on {customers} customers (cxframe-insight)",
            "zh-CN": "已在 {customers} 位客户上测量 {kpi} 与 {metric} 的关联（cxframe-insight）",
        },
        "kpi.measured.difference": {
            "en": "{kpi} measured against {metric} on {customers} customers: {high} against {low} differ by "
            "{value:+.3g} ({ci_low:+.3g} … {ci_high:+.3g}), an association",
            "zh-CN": "已在 {customers} 位客户上测量 {kpi} 与 {metric} 的关联：{high} 与 {low} 相差 {value:+.3g}"
            "（{ci_low:+.3g} … {ci_high:+.3g}），属于关联",
        },
        "kpi.measured.per_point": {
            "en": "{kpi} measured against {metric} on {customers} customers: {slope:+.3g} per point of {metric} "
            "({ci_low:+.3g} … {ci_high:+.3g}), an association",
            "zh-CN": "已在 {customers} 位客户上测量 {kpi} 与 {metric} 的关联：{metric} 每变化 1 分，{kpi} 相差 {slope:+.3g}"
            "（{ci_low:+.3g} … {ci_high:+.3g}），属于关联",
        },
        "drivers.no_metric": {
            "en": "no survey metric to explain (neither nps nor an objective's metric is measured)",
            "zh-CN": "没有可解释的调查指标（既没有 nps，也没有目标所用的指标）",
        },
        "drivers.no_ratings": {
            "en": "no attribute rating is answered with {metric}: nothing to compute its drivers from",
            "zh-CN": "没有与 {metric} 一起作答的属性评分：无从计算其驱动因素",
        },
        "drivers.too_few": {
            "en": "too few responses for the drivers of {metric}: {n} complete, {needed} needed",
            "zh-CN": "{metric} 的驱动因素分析回答不足：完整回答 {n} 份，需要 {needed} 份",
        },
        "drivers.no_variance": {
            "en": "the drivers of {metric} cannot be computed: a rating has the same answer in all {n} complete "
            "responses",
            "zh-CN": "无法计算 {metric} 的驱动因素：某项评分在全部 {n} 份完整回答中都相同",
        },
        "drivers.share": {"en": "{driver} ({share:.0%})", "zh-CN": "{driver}（{share:.0%}）"},
        "drivers.found": {
            "en": "key drivers of {metric} on {n} complete responses: R² = {r2:.2f} (bar {bar:.2f}); top drivers: "
            "{top}",
            "zh-CN": "基于 {n} 份完整回答的 {metric} 关键驱动因素：R² = {r2:.2f}（门槛 {bar:.2f}）；主要驱动因素：{top}",
        },
        "drivers.weak": {
            "en": "an R² of {r2:.2f} is below the bar of {bar:.2f}: the ratings explain too little of {metric}",
            "zh-CN": "R² 为 {r2:.2f}，低于门槛 {bar:.2f}：这些评分对 {metric} 的解释力太弱",
        },
        "predictive.model": {
            "en": "a churn model ({model}) validated on a time split: AUC {auc:.2f}; {customers} customers scored, "
            "{high} at high risk",
            "zh-CN": "经时间切分验证的流失模型（{model}）：AUC {auc:.2f}；已为 {customers} 位客户打分，其中 {high} 位高风险",
        },
        "predictive.weak": {
            "en": "an AUC below 0.6 predicts little better than chance",
            "zh-CN": "AUC 低于 0.6，预测效果仅略好于随机",
        },
        # --- people ---------------------------------------------------------------------------------------------
        "enps.none": {
            "en": "no eNPS result can be shown (no employee answers, or fewer than the anonymity threshold)",
            "zh-CN": "无法显示 eNPS 结果（没有员工答复，或人数低于匿名阈值）",
        },
        "enps.measured": {
            "en": "eNPS {value:.1f} (n={n}); {teams} teams shown under the anonymity threshold of {threshold}",
            "zh-CN": "eNPS {value:.1f}（n={n}）；在匿名阈值 {threshold} 下显示了 {teams} 个团队",
        },
        "check.status": {"en": "{check}: {status}", "zh-CN": "{check}：{status}"},
        "check.pass": {"en": "pass", "zh-CN": "通过"},
        "check.warn": {"en": "warn", "zh-CN": "警告"},
        "check.fail": {"en": "fail", "zh-CN": "不通过"},
        "check.error": {"en": "error", "zh-CN": "出错"},
        "check.did_not_run": {"en": "did not run", "zh-CN": "未运行"},
        "link.error": {
            "en": "the EX ↔ CX link cannot be computed: {error}",
            "zh-CN": "无法计算员工体验与客户体验的关联：{error}",
        },
        # --- cx2030 -----------------------------------------------------------------------------------------------
        "digital.none": {
            "en": "none of the {total} touchpoints is in the digital contact environment",
            "zh-CN": "{total} 个触点中没有一个属于数字接触环境",
        },
        "digital.touchpoints": {
            "en": "{count} of {total} touchpoints are digital: {names}",
            "zh-CN": "{total} 个触点中有 {count} 个是数字触点：{names}",
        },
        "digital.inventory": {"en": "no digital touchpoint is in the inventory", "zh-CN": "触点清单中没有数字触点"},
        "digital.events": {
            "en": "interaction events at digital touchpoints: {count} of {total}",
            "zh-CN": "数字触点上的互动事件：{total} 条中的 {count} 条",
        },
        "digital.events.share": {
            "en": "interaction events at digital touchpoints: {count} of {total} ({share:.0%})",
            "zh-CN": "数字触点上的互动事件：{total} 条中的 {count} 条（{share:.0%}）",
        },
        "digital.answers": {
            "en": "survey answers about digital touchpoints: {count} of {total}",
            "zh-CN": "关于数字触点的调查答复：{total} 条中的 {count} 条",
        },
        "personas.none": {"en": "no persona is described", "zh-CN": "尚未描述任何用户画像"},
        "personas.segment": {
            "en": "{count} personas, {tied} tied to a customer segment: {names}",
            "zh-CN": "{count} 个用户画像，其中 {tied} 个对应客户细分群体：{names}",
        },
        "metric.months": {"en": "{metric}: data in {months} months", "zh-CN": "{metric}：{months} 个月有数据"},
        "trend.bar": {
            "en": "a series to predict from needs at least 3 months",
            "zh-CN": "用于预测的序列至少需要 3 个月的数据",
        },
        "departments.none": {
            "en": "no journey is mapped, so no department behind it",
            "zh-CN": "尚未绘制旅程，因此没有其背后的部门",
        },
        "departments.journey": {"en": "{journey}: departments {names}", "zh-CN": "{journey}：部门 {names}"},
        "departments.gaps": {
            "en": "journeys with a stage naming no department: {names}",
            "zh-CN": "有阶段未写明部门的旅程：{names}",
        },
        "data.present": {
            "en": "customer survey answers: {answers}; interaction events: {events}",
            "zh-CN": "客户调查答复：{answers}；互动事件：{events}",
        },
        "join.no_ids": {
            "en": "no survey answer carries a respondent id to join on",
            "zh-CN": "没有任何调查答复带有可用于关联的回答者 id",
        },
        "join.share.bar": {
            "en": "{joined} of {respondents} identified respondents ({share:.0%}) are cases in the event log; "
            "the bar is {bar:.0%}",
            "zh-CN": "{respondents} 名可识别的回答者中有 {joined} 名（{share:.0%}）是事件日志中的案例；标准为 {bar:.0%}",
        },
        "resolution.time": {
            "en": "{count} of {total} cases reach an outcome; median time to outcome {hours:.1f} h",
            "zh-CN": "{total} 个案例中有 {count} 个得到结果；得到结果的时间中位数为 {hours:.1f} 小时",
        },
        # --- the singular of the sentences above (used when count is 1) ----------------------------------------
        "objectives.complete.one": {
            "en": "{count} of {total} objectives has a metric, target, deadline and owner",
            "zh-CN": "{total} 个目标中有 {count} 个具备指标、目标值、期限和负责人",
        },
        "journeys.with_pains.one": {
            "en": "{count} of {total} journeys records pain points",
            "zh-CN": "{total} 条旅程中有 {count} 条记录了痛点",
        },
        "touchpoints.complete.one": {
            "en": "{count} of {total} touchpoints has an environment, elements and an owner",
            "zh-CN": "{total} 个触点中有 {count} 个具备接触环境、体验要素和负责人",
        },
        "stages.measured.one": {
            "en": "{count} of {total} journey stages has a metric with data",
            "zh-CN": "{total} 个旅程阶段中有 {count} 个具有有数据的指标",
        },
        "actions.recorded.one": {
            "en": "{count} improvement action recorded ({statuses})",
            "zh-CN": "已记录 {count} 项改进行动（{statuses}）",
        },
        "backlog.owned.one": {
            "en": "{count} of {total} planned, in-progress or done actions has an owner and a due date",
            "zh-CN": "{total} 项已计划、进行中或已完成的行动中有 {count} 项具备负责人和截止日期",
        },
        "effects.measured.one": {
            "en": "{count} of {total} done actions records a baseline and a measured effect",
            "zh-CN": "{total} 项已完成的行动中有 {count} 项记录了基线和测得的效果",
        },
        "expectations.recorded.one": {
            "en": "{count} of {total} journey stages records customer expectations",
            "zh-CN": "{total} 个旅程阶段中有 {count} 个记录了客户期望",
        },
        "metrics.sufficient.one": {
            "en": "{count} of {total} metrics with data reaches the minimum sample of {minimum}",
            "zh-CN": "{total} 个有数据的指标中有 {count} 个达到最小样本量 {minimum}",
        },
        "digital.touchpoints.one": {
            "en": "{count} of {total} touchpoints is digital: {names}",
            "zh-CN": "{total} 个触点中有 {count} 个是数字触点：{names}",
        },
        "resolution.time.one": {
            "en": "{count} of {total} cases reaches an outcome; median time to outcome {hours:.1f} h",
            "zh-CN": "{total} 个案例中有 {count} 个得到结果；得到结果的时间中位数为 {hours:.1f} 小时",
        },
    }
)


def listing(items: Sequence[str], limit: int = 6) -> str:
    """``a, b, c and 4 more``: names for an evidence line, never an unbounded one (``none`` for no names)."""
    names = list(items)
    if not names:
        return say("list.none")
    if len(names) <= limit:
        return say("list.names", names=names)
    return say("list.more", names=names[:limit], count=len(names) - limit)
