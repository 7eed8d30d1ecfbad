"""The journey plugin's generated sentences, in every language of the reports (`cxframe.Catalogue`).

Checks and the pain-point overlay write their titles, evidence and
recommendations as ``say(key, **values)``: a `cxframe.Text` whose English is what
``cxframe check`` prints and the assessment document stores, and which the
reports say in the reader's language. Names from the programme file go in as
values and are never translated. A check's title is keyed ``<check id>.title``
(`titled` uses it while the English is the check's own).
"""

from __future__ import annotations

from cxframe import Catalogue

__all__ = ["say", "titled"]

say = Catalogue.by_key(
    {
        # --- check titles -------------------------------------------------------------------------------------
        "journey.stage-touchpoints.title": {
            "en": "Every journey stage has a touchpoint",
            "zh-CN": "每个旅程阶段都有触点",
        },
        "journey.stage-measures.title": {"en": "Every journey stage is measured", "zh-CN": "每个旅程阶段都有测量"},
        "journey.touchpoint-owners.title": {"en": "Every touchpoint has an owner", "zh-CN": "每个触点都有负责人"},
        "journey.environments.title": {
            "en": "Every contact environment has a touchpoint",
            "zh-CN": "每种接触环境都有触点",
        },
        "journey.elements.title": {"en": "Every experience element has a touchpoint", "zh-CN": "每种体验要素都有触点"},
        "journey.event-coverage.title": {
            "en": "The journey maps match the event data",
            "zh-CN": "旅程地图与事件数据一致",
        },
        "journey.handoffs.title": {
            "en": "Handoffs between departments along the journeys",
            "zh-CN": "旅程中部门之间的交接",
        },
        "journey.painpoints.title": {"en": "Pain points on the journeys", "zh-CN": "旅程中的痛点"},
        "painpoint.title": {"en": "Pain point at {name}", "zh-CN": "痛点：{name}"},
        # --- evidence -----------------------------------------------------------------------------------------
        "no_journeys": {
            "en": "the programme maps no journey (no [[journeys]] and no journey_files)",
            "zh-CN": "项目中没有绘制任何旅程（没有 [[journeys]]，也没有 journey_files）",
        },
        "stage.named": {"en": "{journey}: stage {stage!r} ({name})", "zh-CN": "{journey}：阶段 {stage!r}（{name}）"},
        "stages.all_touchpoints": {
            "en": "all {total} stages name at least one touchpoint",
            "zh-CN": "全部 {total} 个阶段都至少写明一个触点",
        },
        "stages.no_touchpoint": {
            "en": "{count} of {total} stages name no touchpoint",
            "zh-CN": "{total} 个阶段中有 {count} 个未写明触点",
        },
        "journey.no_touchpoint": {
            "en": "journey {journey} has no touchpoint in any stage",
            "zh-CN": "旅程 {journey} 的所有阶段都没有触点",
        },
        "stage.unknown_measure": {
            "en": "{journey}: stage {stage!r} measures {metric!r}, which no plugin provides",
            "zh-CN": "{journey}：阶段 {stage!r} 的测量 {metric!r} 没有任何插件提供",
        },
        "stages.all_measured": {
            "en": "all {total} stages name a measure that has data",
            "zh-CN": "全部 {total} 个阶段都写明了有数据的测量",
        },
        "stages.no_measure": {
            "en": "{count} of {total} stages name no measure",
            "zh-CN": "{total} 个阶段中有 {count} 个未写明测量",
        },
        "none_installed": {"en": "none installed", "zh-CN": "未安装任何指标"},
        "touchpoints.none": {
            "en": "the programme has no touchpoint inventory ([[touchpoints]] is empty)",
            "zh-CN": "项目没有触点清单（[[touchpoints]] 为空）",
        },
        "touchpoint.named": {"en": "{touchpoint} ({name})", "zh-CN": "{touchpoint}（{name}）"},
        "touchpoints.all_owned": {
            "en": "all {total} touchpoints have an owner",
            "zh-CN": "全部 {total} 个触点都有负责人",
        },
        "touchpoints.unowned": {
            "en": "{count} of {total} touchpoints have no owner: {names}",
            "zh-CN": "{total} 个触点中有 {count} 个没有负责人：{names}",
        },
        "covered": {"en": "covered: {names}", "zh-CN": "已覆盖：{names}"},
        "none": {"en": "none", "zh-CN": "无"},
        "no_touchpoint_in": {"en": "no touchpoint in: {names}", "zh-CN": "没有触点的：{names}"},
        "without.environment": {
            "en": "touchpoints without an environment: {names}",
            "zh-CN": "没有接触环境的触点：{names}",
        },
        "without.elements": {"en": "touchpoints without elements: {names}", "zh-CN": "没有体验要素的触点：{names}"},
        "events.none": {"en": "no events in the store", "zh-CN": "存储中没有事件"},
        "events.unknown": {
            "en": "none of the {count} events is at a known touchpoint",
            "zh-CN": "{count} 条事件中没有一条发生在已知触点",
        },
        "touchpoint.events": {"en": "{touchpoint} ({count} events)", "zh-CN": "{touchpoint}（{count} 条事件）"},
        "events.coverage": {
            "en": "{seen} touchpoints in the event data, {mapped} on the journey maps",
            "zh-CN": "事件数据中有 {seen} 个触点，旅程地图上有 {mapped} 个",
        },
        "events.not_in_inventory": {
            "en": "in the events but not in the touchpoint inventory: {names}",
            "zh-CN": "出现在事件中但不在触点清单中：{names}",
        },
        "events.not_mapped": {
            "en": "in the events but on no journey map: {names}",
            "zh-CN": "出现在事件中但不在任何旅程地图上：{names}",
        },
        "events.unseen": {
            "en": "on a journey map but never in the events: {names}",
            "zh-CN": "在旅程地图上但从未出现在事件中：{names}",
        },
        "handoffs.owner_unknown": {
            "en": "owner unknown, so handoffs there cannot be seen: {names}",
            "zh-CN": "负责人未知，因此看不到那里的交接：{names}",
        },
        "handoffs.none": {
            "en": "no change of owner between consecutive touchpoints",
            "zh-CN": "相邻触点之间没有更换负责人",
        },
        "handoffs.count": {"en": "{count} handoffs between departments", "zh-CN": "部门之间有 {count} 次交接"},
        "handoff": {
            "en": "{journey} ({stage}): {source} [{from_owner}] → {target} [{to_owner}]",
            "zh-CN": "{journey}（{stage}）：{source} [{from_owner}] → {target} [{to_owner}]",
        },
        "painpoints.no_events": {
            "en": "no events at a known touchpoint: pain points cannot be located",
            "zh-CN": "已知触点上没有事件：无法定位痛点",
        },
        "painpoints.none": {
            "en": "no touchpoint's pain score reaches {threshold:g}; the highest is {name} at {score:.3f}",
            "zh-CN": "没有触点的痛点得分达到 {threshold:g}；最高的是 {name}，为 {score:.3f}",
        },
        # the pain-point overlay's evidence (cxframe_journey.overlay)
        "overlay.volume": {
            "en": "{volume} events from {cases} cases ({share:.0%} of the busiest touchpoint)",
            "zh-CN": "{cases} 个案例的 {volume} 条事件（为最繁忙触点的 {share:.0%}）",
        },
        "overlay.no_answers": {
            "en": "no answers linked to it (no survey answer at this touchpoint from its cases)",
            "zh-CN": "没有关联的答复（其案例在此触点没有调查答复）",
        },
        "overlay.score": {
            "en": "experience score {score:.2f} on 0–1 from {answers} linked answers ({questions})",
            "zh-CN": "体验得分 {score:.2f}（0–1），来自 {answers} 条关联答复（{questions}）",
        },
        "overlay.score.small": {
            "en": "experience score {score:.2f} on 0–1 from {answers} linked answers ({questions}), "
            "below the minimum sample of {minimum}: not used in the ranking",
            "zh-CN": "体验得分 {score:.2f}（0–1），来自 {answers} 条关联答复（{questions}），"
            "低于最小样本量 {minimum}：不用于排名",
        },
        "overlay.drop_off": {
            "en": "drop-off: {ended} of {over} finished cases that came here ended here ({share:.0%})",
            "zh-CN": "流失：到过此处的 {over} 个已结束案例中有 {ended} 个在此结束（{share:.0%}）",
        },
        "overlay.drop_off.unknown": {
            "en": "drop-off unknown: every case that came here had events in the last {window}",
            "zh-CN": "流失未知：到过此处的每个案例在最近{window}内都有事件",
        },
        "overlay.repeats": {
            "en": "repeat contacts: {repeats} of {volume} events ({share:.0%}) came within {window} of the case's "
            "previous contact here, from {cases} cases",
            "zh-CN": "重复联系：{volume} 条事件中有 {repeats} 条（{share:.0%}）发生在该案例上次在此联系后的{window}内，"
            "涉及 {cases} 个案例",
        },
        "days": {"en": "{days:g} days", "zh-CN": "{days:g} 天"},
        "days.one": {"en": "1 day", "zh-CN": "1 天"},
        # --- recommendations ----------------------------------------------------------------------------------
        "recommend.map": {
            "en": "Map the main journeys: `cxframe journey template lifecycle` prints one to start from.",
            "zh-CN": "绘制主要客户旅程：`cxframe journey template lifecycle` 会输出一个可作为起点的模板。",
        },
        "recommend.stage_touchpoints": {
            "en": "Name the touchpoints where the customer meets you at each stage (stages[].touchpoints).",
            "zh-CN": "为每个阶段写明客户与您接触的触点（stages[].touchpoints）。",
        },
        "recommend.stage_measures": {
            "en": "Give every stage a measure (stages[].measures) from the registered metrics: {metrics}.",
            "zh-CN": "从已注册的指标中为每个阶段指定一个测量（stages[].measures）：{metrics}。",
        },
        "recommend.inventory": {
            "en": "List every touchpoint with its channel, environment, elements and owner.",
            "zh-CN": "列出每个触点及其渠道、接触环境、体验要素和负责人。",
        },
        "recommend.owners": {
            "en": "Name an owner (a department or role) for every touchpoint, accountable for its experience.",
            "zh-CN": "为每个触点指定一个对其体验负责的负责人（部门或岗位）。",
        },
        "recommend.coverage.environment": {
            "en": "Check whether customers meet you in {names} without a touchpoint in the inventory; "
            "add those touchpoints (or note why the environment does not apply).",
            "zh-CN": "检查客户是否在 {names} 中与您接触而清单中没有相应触点；补充这些触点（或说明该接触环境为何不适用）。",
        },
        "recommend.coverage.elements": {
            "en": "Check whether customers meet you in {names} without a touchpoint in the inventory; "
            "add those touchpoints (or note why the elements do not apply).",
            "zh-CN": "检查客户是否在 {names} 中与您接触而清单中没有相应触点；补充这些触点（或说明该体验要素为何不适用）。",
        },
        "recommend.events": {
            "en": "Collect interaction events whose touchpoint (or activity) is a touchpoint id, "
            "to validate the journey maps with customer data.",
            "zh-CN": "收集触点（或活动）为触点 id 的互动事件，用客户数据验证旅程地图。",
        },
        "recommend.maps": {
            "en": "Bring the maps in line with what customers do: add the touchpoints they use to the inventory and "
            "the maps, and find out why mapped touchpoints leave no trace (not instrumented, or not used).",
            "zh-CN": "让旅程地图与客户的实际行为一致：把客户使用的触点加入清单和地图，并查明地图上的触点为何没有留下记录"
            "（未埋点，或未被使用）。",
        },
        "recommend.handoffs": {
            "en": "Make each handoff seamless: a shared case history, a named receiving owner and a service level "
            "for the handoff, so that the customer never has to repeat themselves.",
            "zh-CN": "让每次交接无缝衔接：共享的案例记录、明确的接收负责人和交接的服务水平，让客户无需重复陈述。",
        },
        # --- problems: a check's title when it warns or fails ----------------------------------------------------
        "journey.stage-touchpoints.problem": {
            "en": "Journey stages without a touchpoint",
            "zh-CN": "有旅程阶段没有触点",
        },
        "journey.stage-measures.problem": {"en": "Journey stages not measured", "zh-CN": "有旅程阶段未被测量"},
        "journey.touchpoint-owners.problem": {"en": "Touchpoints without an owner", "zh-CN": "有触点没有负责人"},
        "journey.environments.problem": {
            "en": "Contact environments without a touchpoint",
            "zh-CN": "有接触环境没有触点",
        },
        "journey.elements.problem": {"en": "Experience elements without a touchpoint", "zh-CN": "有体验要素没有触点"},
        "journey.event-coverage.problem": {
            "en": "The journey maps do not match the event data",
            "zh-CN": "旅程地图与事件数据不一致",
        },
        "journey.handoffs.problem": {
            "en": "Customers are handed off between departments along the journeys",
            "zh-CN": "客户在旅程中被在部门之间转手",
        },
        "stage.measures.no_data": {
            "en": "{journey}: stage {stage!r} measures {metrics}, with no data yet",
            "zh-CN": "{journey}：阶段 {stage!r} 的测量 {metrics} 尚无数据",
        },
        "recommend.stage_measures.no_data": {
            "en": "Give every stage a measure (stages[].measures) from the registered metrics: {metrics}; "
            "collect data for the measures the stages name.",
            "zh-CN": "从已注册的指标中为每个阶段指定一个测量（stages[].measures）：{metrics}；并为各阶段写明的测量收集数据。",
        },
        # --- pain points: figures, reasons and advice (cxframe_journey.overlay, checks) -------------------------
        "duration.days": {"en": "{days:.1f} days", "zh-CN": "{days:.1f} 天"},
        "duration.hours": {"en": "{hours:.1f} hours", "zh-CN": "{hours:.1f} 小时"},
        "duration.minutes": {"en": "{minutes:.0f} minutes", "zh-CN": "{minutes:.0f} 分钟"},
        "overlay.score.vs": {
            "en": "experience score {score:.2f} on 0–1 from {answers} linked answers ({questions}), "
            "against a typical {typical:.2f} on its journeys",
            "zh-CN": "体验得分 {score:.2f}（0–1），来自 {answers} 条关联答复（{questions}），其旅程上的典型值为 {typical:.2f}",
        },
        "overlay.score.small.vs": {
            "en": "experience score {score:.2f} on 0–1 from {answers} linked answers ({questions}), "
            "below the minimum sample of {minimum}: not used in the ranking, against a typical {typical:.2f} on its journeys",
            "zh-CN": "体验得分 {score:.2f}（0–1），来自 {answers} 条关联答复（{questions}），"
            "低于最小样本量 {minimum}：不用于排名，其旅程上的典型值为 {typical:.2f}",
        },
        "overlay.final_stage": {
            "en": "in a journey's final stage: cases ending here completed it, so no drop-off is counted",
            "zh-CN": "位于旅程的最终阶段：在此结束的案例已完成旅程，因此不计流失",
        },
        "overlay.drop_off.vs": {
            "en": "drop-off: {ended} of {over} finished cases that came here ended here without completing the "
            "journey ({share:.0%}), against a typical {typical:.0%} on its journeys",
            "zh-CN": "流失：到过此处的 {over} 个已结束案例中有 {ended} 个在此结束而未完成旅程（{share:.0%}）；"
            "其旅程上的典型值为 {typical:.0%}",
        },
        "overlay.repeats.vs": {
            "en": "repeat contacts: {repeats} of {volume} events ({share:.0%}) came within {window} of the case's "
            "previous contact here, from {cases} cases, against a typical {typical:.0%} on its journeys",
            "zh-CN": "重复联系：{volume} 条事件中有 {repeats} 条（{share:.0%}）发生在该案例上次在此联系后的{window}内，"
            "涉及 {cases} 个案例，其旅程上的典型值为 {typical:.0%}",
        },
        "overlay.wait": {
            "en": "time to get here: a median {median} after the case's previous contact ({cases} cases), against "
            "{usual} across its journeys (not ranked: compare it with the step's service level)",
            "zh-CN": "到达此处的时间：距该案例上次联系的中位数为{median}（{cases} 个案例），其旅程整体为{usual}"
            "（不参与排名：请与该步骤的服务水平比较）",
        },
        "count.repeats": {"en": "{n:,} contacts", "zh-CN": "{n:,} 次联系"},
        "count.repeats.one": {"en": "{n:,} contact", "zh-CN": "{n:,} 次联系"},
        "count.drop_off": {"en": "{n:,} finished cases", "zh-CN": "{n:,} 个已结束案例"},
        "count.drop_off.one": {"en": "{n:,} finished case", "zh-CN": "{n:,} 个已结束案例"},
        "count.score": {"en": "{n:,} answers", "zh-CN": "{n:,} 条答复"},
        "count.score.one": {"en": "{n:,} answer", "zh-CN": "{n:,} 条答复"},
        "count.events": {"en": "{n:,} events", "zh-CN": "{n:,} 条事件"},
        "count.events.one": {"en": "{n:,} event", "zh-CN": "{n:,} 条事件"},
        "reason.repeats": {
            "en": "{value:.0%} of its {count} were repeat contacts within {window} (typical on its journeys: "
            "{typical:.0%})",
            "zh-CN": "其{count}中有 {value:.0%} 是{window}内的重复联系（其旅程上的典型值：{typical:.0%}）",
        },
        "reason.drop_off": {
            "en": "{value:.0%} of the {count} that came here ended here without completing the journey "
            "(typical on its journeys: {typical:.0%})",
            "zh-CN": "到过此处的{count}中有 {value:.0%} 在此结束而未完成旅程（其旅程上的典型值：{typical:.0%}）",
        },
        "reason.score": {
            "en": "its experience score {value:.2f} from {count} is below the typical {typical:.2f} on its journeys",
            "zh-CN": "其体验得分 {value:.2f}（来自{count}）低于其旅程上的典型值 {typical:.2f}",
        },
        "also": {"en": "{first}; {rest}", "zh-CN": "{first}；{rest}"},
        "and": {"en": "{first}, and {rest}", "zh-CN": "{first}；{rest}"},
        "reason.ranked": {
            "en": "Ranks {rank} of {total}: {signals}, weighted by its {events} (pain score {score:.3f})",
            "zh-CN": "在 {total} 个中排第 {rank}：{signals}；按其{events}加权（痛点得分 {score:.3f}）",
        },
        "reason.none": {
            "en": "Ranks {rank} of {total}: nothing stands out against its journeys' other touchpoints — {notes}",
            "zh-CN": "在 {total} 个中排第 {rank}：与其旅程上的其他触点相比没有突出之处——{notes}",
        },
        "reason.quiet": {
            "en": "Ranks {rank} of {total}: nothing stands out against its journeys' other touchpoints — "
            "no signal is worse than typical on its journeys",
            "zh-CN": "在 {total} 个中排第 {rank}：与其旅程上的其他触点相比没有突出之处——没有任何信号差于其旅程上的典型值",
        },
        "reason.note.final": {
            "en": "cases that end here complete the journey, so ending here is no drop-off",
            "zh-CN": "在此结束的案例已完成旅程，因此在此结束不算流失",
        },
        "reason.note.few.repeats": {
            "en": "too few contacts ({n} < {minimum}) to judge its repeat share",
            "zh-CN": "联系次数太少（{n} < {minimum}），无法判断其重复联系比例",
        },
        "reason.note.few.drop_off": {
            "en": "too few finished cases ({n} < {minimum}) to judge its drop-off",
            "zh-CN": "已结束案例太少（{n} < {minimum}），无法判断其流失",
        },
        "reason.note.few.score": {
            "en": "too few answers ({n} < {minimum}) to judge its experience score",
            "zh-CN": "答复太少（{n} < {minimum}），无法判断其体验得分",
        },
        "reason.note.noise.repeats": {
            "en": "its repeat share is worse than typical but within the noise of {count}",
            "zh-CN": "其重复联系比例差于典型值，但在{count}的噪声范围内",
        },
        "reason.note.noise.drop_off": {
            "en": "its drop-off is worse than typical but within the noise of {count}",
            "zh-CN": "其流失差于典型值，但在{count}的噪声范围内",
        },
        "reason.note.noise.score": {
            "en": "its experience score is worse than typical but within the noise of {count}",
            "zh-CN": "其体验得分差于典型值，但在{count}的噪声范围内",
        },
        "signal.repeats": {
            "en": "{value:.0%} of {count:,} contacts were repeat contacts, typical {typical:.0%}",
            "zh-CN": "{count:,} 次联系中有 {value:.0%} 是重复联系，典型值 {typical:.0%}",
        },
        "signal.drop_off": {
            "en": "{value:.0%} of {count:,} finished cases ended here without completing the journey, "
            "typical {typical:.0%}",
            "zh-CN": "{count:,} 个已结束案例中有 {value:.0%} 在此结束而未完成旅程，典型值 {typical:.0%}",
        },
        "signal.score": {
            "en": "experience score {value:.2f} from {count:,} answers, typical {typical:.2f}",
            "zh-CN": "体验得分 {value:.2f}，来自 {count:,} 条答复，典型值 {typical:.2f}",
        },
        "recommend.painpoint.repeats": {
            "en": "Repeat contacts at {name} ({facts}): walk a sample of them back to the first contact with the "
            "touchpoint's owner, fix what left customers unresolved, and measure the repeat share against this "
            "baseline.",
            "zh-CN": "{name} 的重复联系（{facts}）：与该触点负责人一起把重复联系的样本追溯到首次联系，"
            "解决未能解决的问题，并以此为基线测量重复联系比例。",
        },
        "recommend.painpoint.drop_off": {
            "en": "Drop-off at {name} ({facts}): walk a sample of the cases that ended there back to their cause with "
            "the touchpoint's owner, remove the obstacle, and measure the drop-off against this baseline.",
            "zh-CN": "{name} 的流失（{facts}）：与该触点负责人一起把在此结束的案例样本追溯到原因，"
            "消除障碍，并以此为基线测量流失。",
        },
        "recommend.painpoint.score": {
            "en": "Low scores at {name} ({facts}): read the comments of its low scorers with the touchpoint's owner, "
            "plan an action on the main cause, and measure the score against this baseline.",
            "zh-CN": "{name} 的低分（{facts}）：与该触点负责人一起阅读低分客户的评论，针对主要原因制定行动，"
            "并以此为基线测量得分。",
        },
        "recommend.overlay": {
            "en": "Collect interaction events with their touchpoint to overlay volume and experience.",
            "zh-CN": "收集带触点的互动事件，以叠加查看访问量与体验。",
        },
        # --- the singular of the sentences above (used when count is 1) ----------------------------------------
        "stages.no_touchpoint.one": {
            "en": "{count} of {total} stages names no touchpoint",
            "zh-CN": "{total} 个阶段中有 {count} 个未写明触点",
        },
        "stages.no_measure.one": {
            "en": "{count} of {total} stages names no measure",
            "zh-CN": "{total} 个阶段中有 {count} 个未写明测量",
        },
        "touchpoints.unowned.one": {
            "en": "{count} of {total} touchpoints has no owner: {names}",
            "zh-CN": "{total} 个触点中有 {count} 个没有负责人：{names}",
        },
        "handoffs.count.one": {"en": "{count} handoff between departments", "zh-CN": "部门之间有 {count} 次交接"},
    }
)

#: The checks with their titles and problems said in the reader's language (`cxframe.Catalogue.titled`).
titled = say.titled
