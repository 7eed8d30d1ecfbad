"""``cx-2030``: readiness for the eight CX-2030 pillars of contact-centre research.

One dimension per pillar (DOMAIN "CX 2030 pillars"), three criteria each at
levels 1, 3 and 5: the level reached is 0 (the first rung is missing), 2,
4 or 5. Evidence decides where the programme, the store, the checks and the
plugins' facts can; the rest is asked.
"""

from __future__ import annotations

import statistics

from cxframe.assessment.models import _evidence as ev
from cxframe.assessment.models import iso_cx
from cxframe.assessment.models._texts import listing, say
from cxframe.contracts._maturity import Criterion, Dimension, Facts, MaturityModel, Verdict
from cxframe.contracts._stages import Stage

#: Share of identified survey respondents that must be found in the event log for data to count as integrated.
JOIN_SHARE = 0.5


def digital_touchpoint(facts: Facts) -> Verdict:
    digital = ev.digital_touchpoints(facts)
    total = len(facts.programme.document.touchpoints)
    if not digital:
        return Verdict.no(say("digital.none", total=total))
    return Verdict.yes(say("digital.touchpoints", count=len(digital), total=total, names=listing(digital)))


def digital_interactions(facts: Facts) -> Verdict:
    digital = ev.digital_touchpoints(facts)
    if not digital:
        return Verdict.no(say("digital.inventory"))
    marks = ", ".join("?" * len(digital))
    events = ev.event_count(facts)
    answers = ev.survey_answers(facts)
    digital_events = int(ev.scalar(facts, f"SELECT COUNT(*) FROM events WHERE touchpoint IN ({marks})", digital) or 0)
    survey, params = ev.solicited(facts)  # a review about the app is no answer after an interaction
    digital_answers = int(
        ev.scalar(
            facts,
            f"SELECT COUNT(*) FROM observations WHERE {survey} AND touchpoint IN ({marks})",
            [*params, *digital],
        )
        or 0
    )
    lines = [
        say("digital.events.share", count=digital_events, total=events, share=digital_events / events)
        if events
        else say("digital.events", count=digital_events, total=events),
        say("digital.answers", count=digital_answers, total=answers),
    ]
    return Verdict(digital_events > 0 and digital_answers > 0, tuple(lines))


def personas(facts: Facts) -> Verdict:
    found = facts.programme.document.personas
    with_segment = [p.id for p in found if p.segment]
    if not found:
        return Verdict.no(say("personas.none"))
    line = say("personas.segment", count=len(found), tied=len(with_segment), names=listing(with_segment))
    return Verdict(bool(with_segment), (line,))


def trend_data(facts: Facts) -> Verdict | None:
    nps = ev.plugin(facts, "nps")
    if nps is None:
        return None
    metrics = nps.get("metrics", {})
    if not metrics:
        return Verdict.no(say("metrics.none"))
    months = {m: len(f["months"]) for m, f in metrics.items()}
    best = max(months, key=lambda m: months[m])
    lines = [say("metric.months", metric=m, months=n) for m, n in sorted(months.items())]
    return Verdict(months[best] >= 3, (*lines, say("trend.bar")))


def departments_mapped(facts: Facts) -> Verdict:
    journeys = facts.programme.journeys
    if not journeys:
        return Verdict.no(say("departments.none"))
    gaps, lines = [], []
    for j in journeys:
        departments = {d for s in j.stages for d in s.departments} | set(j.departments)
        lines.append(say("departments.journey", journey=j.id, names=listing(sorted(departments))))
        if not all(s.departments for s in j.stages):
            gaps.append(j.id)
    if gaps:
        lines.append(say("departments.gaps", names=listing(gaps)))
    return Verdict(not gaps, tuple(lines))


def handoffs(facts: Facts) -> Verdict | None:
    verdict = ev.check_verdict(facts, ["journey.handoffs"], employee_fallback=False)
    if verdict is not None:
        return verdict
    journey = ev.plugin(facts, "journey") or {}
    found = journey.get("handoffs")
    if isinstance(found, dict) and "ok" in found:
        return Verdict(bool(found["ok"]), tuple(str(line) for line in found.get("evidence", [])))
    return None


def data_present(facts: Facts) -> Verdict:
    answers, events = ev.survey_answers(facts), ev.event_count(facts)
    return Verdict(answers > 0 and events > 0, (say("data.present", answers=answers, events=events),))


def data_joined(facts: Facts) -> Verdict:
    respondents, joined = ev.respondents_joined(facts)
    if not respondents:
        return Verdict.no(say("join.no_ids"))
    share = joined / respondents
    return Verdict(
        share >= JOIN_SHARE,
        (say("join.share.bar", joined=joined, respondents=respondents, share=share, bar=JOIN_SHARE),),
    )


def resolution_time(facts: Facts) -> Verdict | None:
    """Time from a case's first event to its first event with an outcome; None when no event has an outcome."""
    hours = [
        row[0]
        for row in ev.rows(
            facts,
            """
            SELECT (julianday(MIN(CASE WHEN outcome IS NOT NULL AND outcome != '' THEN timestamp END))
                    - julianday(MIN(timestamp))) * 24.0
            FROM events GROUP BY case_id
            """,
        )
        if row[0] is not None
    ]
    if not hours:
        return None
    cases = int(ev.scalar(facts, "SELECT COUNT(DISTINCT case_id) FROM events") or 0)
    return Verdict.yes(say("resolution.time", count=len(hours), total=cases, hours=statistics.median(hours)))


def fast_loop(facts: Facts) -> Verdict | None:
    """At least 80% of detractors followed up within 24 hours: the same sources as `iso_cx.inner_loop`."""
    return ev.follow_up_verdict(facts, hours=24, share=0.8)


def enps_or_survey(facts: Facts) -> Verdict | None:
    return iso_cx.enps_measured(facts)


def trained_and_equipped(facts: Facts) -> Verdict | None:
    return ev.check_verdict(facts, ["employee.training", "employee.systems", "employee.staffing"])


def empowered(facts: Facts) -> Verdict | None:
    return ev.check_verdict(facts, ["employee.decision-authority", "employee.kpi-mix"])


DIMENSIONS = (
    Dimension("digital", "Digital interaction", Stage.DESIGN, "Digital touchpoints designed and used."),
    Dimension(
        "personalisation",
        "Personalisation",
        Stage.DESIGN,
        "From reactive, to customer-chosen, to proactive service.",
    ),
    Dimension(
        "predictive",
        "Predictive analytics",
        Stage.MEASURE,
        "Fill missing data, next best action, churn alerts.",
    ),
    Dimension(
        "empowerment",
        "Employee empowerment",
        Stage.PLAN,
        "Training, resources and systems for the frontline; customer KPIs beside efficiency.",
    ),
    Dimension("handoffs", "Seamless handoffs", Stage.DESIGN, "No customer repeats themselves across teams."),
    Dimension("integration", "Data integration", Stage.MEASURE, "Experience and operational data joined."),
    Dimension("adaptability", "Adaptability", Stage.IMPROVE, "The closed loop: learn and change."),
    Dimension("speed", "Speed", Stage.IMPROVE, "Time to resolution and to follow-up."),
)

CRITERIA = (
    Criterion(
        "cx2030.digital.touchpoints",
        "digital",
        1,
        "Digital touchpoints are in the inventory",
        evidence=digital_touchpoint,
        recommendation="Add the digital touchpoints (app, web, chat) to the inventory with environment = digital.",
    ),
    Criterion(
        "cx2030.digital.measured",
        "digital",
        3,
        "Digital touchpoints carry interaction events and feedback",
        evidence=digital_interactions,
        recommendation="Collect events and feedback at the digital touchpoints (touchpoint ids in both sources).",
    ),
    Criterion(
        "cx2030.digital.end-to-end",
        "digital",
        5,
        "The main journeys can be completed digitally end to end",
        question="Can customers complete the main journeys end to end in digital channels?",
        recommendation="Remove the steps that force customers out of the digital channel.",
    ),
    Criterion(
        "cx2030.personalisation.personas",
        "personalisation",
        1,
        "Personas are tied to customer segments",
        evidence=personas,
        recommendation="Describe personas and tie each to the customer segment it stands for.",
    ),
    Criterion(
        "cx2030.personalisation.chosen",
        "personalisation",
        3,
        "Customers choose how and when they are served",
        question="Can customers choose the channel, time and frequency of contact?",
        recommendation="Let customers set their channel and contact preferences, and honour them.",
    ),
    Criterion(
        "cx2030.personalisation.proactive",
        "personalisation",
        5,
        "Service is proactive",
        question="Do you contact customers proactively, before they ask, based on what you know about them?",
        recommendation="Trigger proactive contact from known events (delays, renewals, failed payments).",
    ),
    Criterion(
        "cx2030.predictive.series",
        "predictive",
        1,
        "A metric has a series long enough to predict from (3 months)",
        evidence=trend_data,
        question="Do you keep at least three months of CX data to predict from?",
        recommendation="Measure continuously so that every key metric has a monthly series.",
    ),
    Criterion(
        "cx2030.predictive.alerts",
        "predictive",
        3,
        "Churn or dissatisfaction alerts reach someone who acts",
        question="Do churn or dissatisfaction alerts from a model reach someone who acts on them?",
        recommendation="Score churn risk from joined data and route high-risk customers to a team that acts.",
    ),
    Criterion(
        "cx2030.predictive.next-best-action",
        "predictive",
        5,
        "A next-best-action model guides the frontline",
        question="Does a next-best-action model guide frontline staff during the interaction?",
        recommendation="Give the frontline a next-best-action prompt built on the customer's history.",
    ),
    Criterion(
        "cx2030.empowerment.heard",
        "empowerment",
        1,
        "Employees are surveyed (eNPS)",
        evidence=enps_or_survey,
        question="Do you survey frontline employees (eNPS or similar) at least yearly?",
        recommendation="Survey frontline employees (eNPS) by team, under an anonymity threshold.",
    ),
    Criterion(
        "cx2030.empowerment.equipped",
        "empowerment",
        3,
        "The frontline is trained, staffed and has unified tools",
        evidence=trained_and_equipped,
        question="Are frontline staff trained, staffed for demand and working in one unified desktop?",
        recommendation="Close the gaps the employee.training, employee.staffing and employee.systems checks show.",
    ),
    Criterion(
        "cx2030.empowerment.authority",
        "empowerment",
        5,
        "The frontline resolves issues alone and is judged on customer KPIs",
        evidence=empowered,
        question="Can frontline staff resolve common issues alone, with a customer KPI on their scorecard?",
        recommendation="Extend frontline decision authority and put a customer KPI on every scorecard.",
    ),
    Criterion(
        "cx2030.handoffs.departments",
        "handoffs",
        1,
        "Every journey stage names the departments behind it",
        evidence=departments_mapped,
        recommendation="Blueprint the journeys: name the back-stage departments at every stage.",
    ),
    Criterion(
        "cx2030.handoffs.seamless",
        "handoffs",
        3,
        "Handoffs between teams and channels are designed",
        evidence=handoffs,
        question="Are handoffs between teams and channels designed so that customers never repeat themselves?",
        recommendation="Design each handoff: who receives the case, with which context, within what time.",
    ),
    Criterion(
        "cx2030.handoffs.context",
        "handoffs",
        5,
        "Context travels with the customer across every channel",
        question="Does the next agent or channel see the customer's history at every handoff?",
        recommendation="Give every channel the customer's recent history and open cases.",
    ),
    Criterion(
        "cx2030.integration.present",
        "integration",
        1,
        "Experience and behavioural data are both collected",
        evidence=data_present,
        recommendation="Collect both feedback (surveys) and an interaction event log.",
    ),
    Criterion(
        "cx2030.integration.joined",
        "integration",
        3,
        "Feedback joins to behaviour by customer id",
        evidence=data_joined,
        recommendation="Use one customer id in surveys and event logs so they can be joined.",
    ),
    Criterion(
        "cx2030.integration.single-view",
        "integration",
        5,
        "A single customer view joins experience, operational and transaction data",
        question="Is there a single customer view joining experience, operational and transaction data?",
        recommendation="Build a single customer view on the shared customer id.",
    ),
    Criterion(
        "cx2030.adaptability.actions",
        "adaptability",
        1,
        "Improvement actions are recorded",
        evidence=iso_cx.actions_recorded,
        recommendation="Record improvement actions for the findings.",
    ),
    Criterion(
        "cx2030.adaptability.inner-loop",
        "adaptability",
        3,
        "Detractors are followed up within 48 hours",
        evidence=iso_cx.inner_loop,
        question="Are at least 80% of detractors contacted within 48 hours?",
        recommendation="Follow up detractors within 48 hours: a closed-loop rule with an SLA of at most 48 hours and "
        "its cases closed in time, or the follow-up recorded as an event.",
    ),
    Criterion(
        "cx2030.adaptability.effects",
        "adaptability",
        5,
        "Finished changes have a measured effect",
        evidence=iso_cx.effects_measured,
        recommendation="Measure the effect of every finished action against its baseline.",
    ),
    Criterion(
        "cx2030.speed.resolution-time",
        "speed",
        1,
        "Time to resolution is measured",
        evidence=resolution_time,
        question="Do you measure the time from a customer's first contact to resolution?",
        recommendation="Record an outcome on the event that resolves a case, so time to resolution is measured.",
    ),
    Criterion(
        "cx2030.speed.target",
        "speed",
        3,
        "Time-to-resolution targets are set and met",
        question="Is there a time-to-resolution target per contact type, and is it met?",
        recommendation="Set a time-to-resolution target per contact type and track it.",
    ),
    Criterion(
        "cx2030.speed.follow-up",
        "speed",
        5,
        "Detractors are followed up within 24 hours",
        evidence=fast_loop,
        question="Are at least 80% of detractors contacted within 24 hours?",
        recommendation="Follow up detractors within 24 hours, as the leaders do.",
    ),
)

ZH_CN = {
    "title": "CX 2030 准备度（联络中心研究的八大支柱）",
    "level.1": "初始",
    "level.2": "发展中",
    "level.3": "已定义",
    "level.4": "已管理",
    "level.5": "已内化",
    "digital": "数字化互动",
    "personalisation": "个性化",
    "predictive": "预测分析",
    "empowerment": "员工赋能",
    "handoffs": "无缝交接",
    "integration": "数据整合",
    "adaptability": "适应能力",
    "speed": "速度",
    "cx2030.digital.touchpoints": "触点清单中包含数字触点",
    "cx2030.digital.touchpoints.recommendation": "把数字触点（应用、网站、在线客服）加入触点清单，环境设为 digital。",
    "cx2030.digital.measured": "数字触点有互动事件和客户反馈",
    "cx2030.digital.measured.recommendation": "在数字触点收集事件和反馈（两类数据都带触点编号）。",
    "cx2030.digital.end-to-end": "主要旅程可以全程在数字渠道完成",
    "cx2030.digital.end-to-end.question": "客户能否在数字渠道中全程完成主要旅程？",
    "cx2030.digital.end-to-end.recommendation": "去掉迫使客户离开数字渠道的环节。",
    "cx2030.personalisation.personas": "用户画像与客户细分相对应",
    "cx2030.personalisation.personas.recommendation": "描述用户画像，并把每个画像与其代表的客户细分对应起来。",
    "cx2030.personalisation.chosen": "客户可以选择服务方式和时间",
    "cx2030.personalisation.chosen.question": "客户能否选择联系的渠道、时间和频率？",
    "cx2030.personalisation.chosen.recommendation": "让客户设置渠道和联系偏好，并予以遵守。",
    "cx2030.personalisation.proactive": "提供主动服务",
    "cx2030.personalisation.proactive.question": "是否根据对客户的了解，在客户开口之前主动联系他们？",
    "cx2030.personalisation.proactive.recommendation": "根据已知事件（延误、续约、扣款失败）触发主动联系。",
    "cx2030.predictive.series": "有指标具备足以用于预测的时间序列（3 个月）",
    "cx2030.predictive.series.question": "是否保留至少三个月的客户体验数据用于预测？",
    "cx2030.predictive.series.recommendation": "持续测量，使每个关键指标都有按月的时间序列。",
    "cx2030.predictive.alerts": "流失或不满预警能送达负责处理的人",
    "cx2030.predictive.alerts.question": "模型产生的流失或不满预警是否送达会采取行动的人？",
    "cx2030.predictive.alerts.recommendation": "基于关联数据为流失风险打分，并把高风险客户转给负责跟进的团队。",
    "cx2030.predictive.next-best-action": "下一步最佳行动模型为一线员工提供指引",
    "cx2030.predictive.next-best-action.question": "在互动过程中，是否有下一步最佳行动模型为一线员工提供指引？",
    "cx2030.predictive.next-best-action.recommendation": "基于客户历史，为一线员工提供下一步最佳行动提示。",
    "cx2030.empowerment.heard": "开展员工调查（eNPS）",
    "cx2030.empowerment.heard.question": "是否至少每年对一线员工开展一次调查（eNPS 或类似调查）？",
    "cx2030.empowerment.heard.recommendation": "按团队对一线员工开展调查（eNPS），并设置匿名阈值。",
    "cx2030.empowerment.equipped": "一线员工训练有素、人手充足、工具统一",
    "cx2030.empowerment.equipped.question": "一线员工是否受过培训、人手足以应对需求，并在统一的工作台中工作？",
    "cx2030.empowerment.equipped.recommendation": "弥补 employee.training、employee.staffing 和 employee.systems 检查发现的差距。",
    "cx2030.empowerment.authority": "一线员工能独立解决问题，并以客户类 KPI 考核",
    "cx2030.empowerment.authority.question": "一线员工能否独立解决常见问题，其考核表中是否有客户类 KPI？",
    "cx2030.empowerment.authority.recommendation": "扩大一线员工的决策权限，并在每张考核表中加入客户类 KPI。",
    "cx2030.handoffs.departments": "每个旅程阶段都写明背后的部门",
    "cx2030.handoffs.departments.recommendation": "为旅程绘制服务蓝图：在每个阶段写明后台部门。",
    "cx2030.handoffs.seamless": "团队之间、渠道之间的交接经过设计",
    "cx2030.handoffs.seamless.question": "团队和渠道之间的交接是否经过设计，使客户无需重复陈述？",
    "cx2030.handoffs.seamless.recommendation": "设计每一次交接：由谁接手、带着哪些背景信息、在多长时间内完成。",
    "cx2030.handoffs.context": "客户背景信息在各渠道之间随客户流转",
    "cx2030.handoffs.context.question": "每次交接时，下一位坐席或下一个渠道能否看到客户的历史记录？",
    "cx2030.handoffs.context.recommendation": "让每个渠道都能看到客户近期的历史记录和未结案件。",
    "cx2030.integration.present": "体验数据和行为数据都已收集",
    "cx2030.integration.present.recommendation": "同时收集反馈（调查）和互动事件日志。",
    "cx2030.integration.joined": "反馈可按客户编号与行为数据关联",
    "cx2030.integration.joined.recommendation": "在调查和事件日志中使用同一个客户编号，以便关联。",
    "cx2030.integration.single-view": "统一客户视图整合了体验、运营和交易数据",
    "cx2030.integration.single-view.question": "是否有整合体验、运营和交易数据的统一客户视图？",
    "cx2030.integration.single-view.recommendation": "基于共享的客户编号建立统一客户视图。",
    "cx2030.adaptability.actions": "已记录改进行动",
    "cx2030.adaptability.actions.recommendation": "针对发现的问题记录改进行动。",
    "cx2030.adaptability.inner-loop": "在 48 小时内跟进贬损者",
    "cx2030.adaptability.inner-loop.question": "是否至少 80% 的贬损者在 48 小时内得到联系？",
    "cx2030.adaptability.inner-loop.recommendation": "在 48 小时内跟进贬损者：设置服务时限不超过 48 小时的闭环规则并按时关闭其个案，"
    "或把跟进记录为事件。",
    "cx2030.adaptability.effects": "已完成的改变有测得的效果",
    "cx2030.adaptability.effects.recommendation": "对照基线测量每个已完成行动的效果。",
    "cx2030.speed.resolution-time": "测量问题解决时长",
    "cx2030.speed.resolution-time.question": "是否测量从客户首次联系到问题解决的时长？",
    "cx2030.speed.resolution-time.recommendation": "在解决案件的事件上记录结果，以便测量解决时长。",
    "cx2030.speed.target": "设定并达成解决时长目标",
    "cx2030.speed.target.question": "是否按联系类型设定了解决时长目标，并且达成了？",
    "cx2030.speed.target.recommendation": "按联系类型设定解决时长目标并持续跟踪。",
    "cx2030.speed.follow-up": "在 24 小时内跟进贬损者",
    "cx2030.speed.follow-up.question": "是否至少 80% 的贬损者在 24 小时内得到联系？",
    "cx2030.speed.follow-up.recommendation": "像领先企业一样，在 24 小时内跟进贬损者。",
}

MODEL = MaturityModel(
    id="cx-2030",
    title="CX 2030 readiness (contact-centre pillars)",
    dimensions=DIMENSIONS,
    criteria=CRITERIA,
    description=(
        "The eight pillars contact-centre research expects of customer experience by 2030: digital interaction, "
        "personalisation, predictive analytics, employee empowerment, seamless handoffs, data integration, "
        "adaptability and speed. Three criteria per pillar, at levels 1, 3 and 5."
    ),
    translations={"zh-CN": ZH_CN},
)
