"""The journey plugin's generated sentences, in every language of the reports (`cxframe.Catalogue`).

Checks and the pain-point overlay write their titles, evidence and
recommendations as ``say(key, **values)``: a `cxframe.Text` whose English is what
``cxframe check`` prints and the assessment document stores, and which the
reports say in the reader's language. Names from the programme file go in as
values and are never translated. A check's title is keyed ``<check id>.title``
(`titled` uses it while the English is the check's own).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from cxframe import Catalogue, Check

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
        "stages.all_measured": {"en": "all {total} stages name a measure", "zh-CN": "全部 {total} 个阶段都写明了测量"},
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
        "painpoint.rank": {
            "en": "rank {rank} of {total}, pain score {score:.3f}",
            "zh-CN": "在 {total} 个中排第 {rank}，痛点得分 {score:.3f}",
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
        "overlay.last_stage": {
            "en": "in a journey's last stage: cases ending here completed it, so no drop-off is counted",
            "zh-CN": "位于旅程的最后阶段：在此结束的案例已完成旅程，因此不计流失",
        },
        "overlay.drop_off": {
            "en": "drop-off: {ended} of {over} finished cases that came here ended here ({share:.0%})",
            "zh-CN": "流失：到过此处的 {over} 个已结束案例中有 {ended} 个在此结束（{share:.0%}）",
        },
        "overlay.drop_off.unknown": {
            "en": "drop-off unknown: every case that came here had events in the last {window}",
            "zh-CN": "流失未知：到过此处的每个案例在最近 {window} 内都有事件",
        },
        "overlay.repeats": {
            "en": "repeat contacts: {repeats} of {volume} events ({share:.0%}) came within {window} of the case's "
            "previous contact here, from {cases} cases",
            "zh-CN": "重复联系：{volume} 条事件中有 {repeats} 条（{share:.0%}）发生在该案例上次在此联系后的 {window} 内，"
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
        "recommend.overlay": {
            "en": "Collect interaction events with their touchpoint to overlay volume and experience.",
            "zh-CN": "收集带触点的互动事件，以叠加查看访问量与体验。",
        },
        "recommend.painpoint": {
            "en": "Look into {name} with its owner: read the comments of its low scorers, walk its "
            "repeat contacts and drop-offs back to their cause, and plan an action with a measured baseline.",
            "zh-CN": "与负责人一起调查 {name}：阅读低分客户的评论，追溯重复联系和流失的原因，并制定带有测量基线的行动。",
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


def titled(checks: Iterable[Check]) -> tuple[Check, ...]:
    """The checks with their titles as `cxframe.Text` (said in the reader's language), where the catalogue has them.

    A title the catalogue does not have in the same English (renamed since) stays as written.
    """
    english = say["en"]
    return tuple(
        attrs.evolve(check, title=say(f"{check.id}.title"))
        if english.get(f"{check.id}.title") == check.title
        else check
        for check in checks
    )
