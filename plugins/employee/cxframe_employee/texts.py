"""The employee plugin's generated sentences, in every language of the reports (`cxframe.Catalogue`).

The empowerment checks write their titles, evidence and recommendations as
``say(key, **values)``: a `cxframe.Text` whose English is what ``cxframe check``
prints and the assessment document stores, and which the reports say in the
reader's language. Role ids and names, channels and KPI names go in as values
and are never translated. A check's title is keyed ``<check id>.title``
(`titled` uses it while the English is the check's own).
"""

from __future__ import annotations

from collections.abc import Sequence

from cxframe import Catalogue

__all__ = ["joined", "say", "sentences", "titled"]

say = Catalogue.by_key(
    {
        # --- check titles -------------------------------------------------------------------------------------
        "employee.decision-authority.problem": {
            "en": "Frontline roles cannot resolve the common issues without escalation",
            "zh-CN": "一线岗位无法在不升级的情况下解决常见问题",
        },
        "employee.training.problem": {
            "en": "Frontline employees lack training, in CX too",
            "zh-CN": "一线员工缺乏培训，包括客户体验培训",
        },
        "employee.staffing.problem": {
            "en": "Frontline roles are not resourced for the demand",
            "zh-CN": "一线岗位的人力配置跟不上需求",
        },
        "employee.systems.problem": {
            "en": "Frontline staff juggle systems",
            "zh-CN": "一线员工需要在多个系统之间来回切换",
        },
        "employee.kpi-mix.problem": {
            "en": "Frontline scorecards carry no customer KPI",
            "zh-CN": "一线计分卡没有客户指标",
        },
        "employee.voice-of-employee.problem": {
            "en": "Employees are not heard, or their suggestions not acted on",
            "zh-CN": "员工的声音未被倾听，或其建议未被采纳",
        },
        "employee.enps-by-team.problem": {
            "en": "eNPS is low, or not known, by team",
            "zh-CN": "按团队看 eNPS 偏低或未知",
        },
        "employee.survey-data.problem": {"en": "Employee survey data are incomplete", "zh-CN": "员工调查数据不完整"},
        "employee.decision-authority.title": {
            "en": "Frontline roles can resolve the common issues without escalation",
            "zh-CN": "一线岗位无需升级即可解决常见问题",
        },
        "employee.training.title": {
            "en": "Frontline employees are trained, in CX too",
            "zh-CN": "一线员工接受培训，包括客户体验培训",
        },
        "employee.staffing.title": {
            "en": "Frontline roles are resourced for the demand",
            "zh-CN": "一线岗位的人力资源满足需求",
        },
        "employee.systems.title": {
            "en": "Frontline staff do not juggle systems",
            "zh-CN": "一线员工无需在多个系统间切换",
        },
        "employee.kpi-mix.title": {
            "en": "Frontline scorecards carry a customer KPI",
            "zh-CN": "一线考核表包含客户类 KPI",
        },
        "employee.voice-of-employee.title": {
            "en": "Employees are heard and their suggestions acted on",
            "zh-CN": "员工的声音被倾听，建议得到落实",
        },
        "employee.enps-by-team.title": {"en": "eNPS by team", "zh-CN": "各团队的 eNPS"},
        "employee.survey-data.title": {"en": "Employee survey data are complete", "zh-CN": "员工调查数据完整"},
        "metric.empowerment": {"en": "Employee empowerment (mean)", "zh-CN": "员工授权感（均值）"},
        "metric.engagement": {"en": "Employee engagement (mean)", "zh-CN": "员工敬业度（均值）"},
        # --- joining phrases ------------------------------------------------------------------------------------
        "pair": {"en": "{first}; {rest}", "zh-CN": "{first}；{rest}"},
        "role.notes": {"en": "{role}: {notes}", "zh-CN": "{role}：{notes}"},
        "none": {"en": "none", "zh-CN": "无"},
        # --- roles ------------------------------------------------------------------------------------------------
        "roles.none": {"en": "no frontline roles are described", "zh-CN": "尚未描述任何一线岗位"},
        "roles.none.no_table": {
            "en": "no frontline roles are described (the programme file has no [{path}] table)",
            "zh-CN": "尚未描述任何一线岗位（项目文件中没有 [{path}] 表）",
        },
        "recommend.describe_roles": {
            "en": "Describe the frontline roles in [[{path}.roles]] (or a roles_file CSV) with their {what}, "
            "so that this can be checked.",
            "zh-CN": "在 [[{path}.roles]]（或 roles_file CSV）中描述一线岗位及其{what}，以便进行检查。",
        },
        "what.authority": {
            "en": "decision authority (common_issues_resolvable, can_close_complaints, refund_limit, escalation_share)",
            "zh-CN": "决策权限（common_issues_resolvable、can_close_complaints、refund_limit、escalation_share）",
        },
        "what.training": {
            "en": "training (training_hours_per_year, cx_trained_share, headcount)",
            "zh-CN": "培训（training_hours_per_year、cx_trained_share、headcount）",
        },
        "what.staffing": {
            "en": "staffing figures (occupancy, service_level, service_level_target, contacts_per_agent_hour)",
            "zh-CN": "人员配置数据（occupancy、service_level、service_level_target、contacts_per_agent_hour）",
        },
        "what.systems": {
            "en": "systems per interaction (systems_per_interaction)",
            "zh-CN": "每次互动使用的系统数（systems_per_interaction）",
        },
        "what.scorecards": {"en": "scorecards (scorecard_kpis)", "zh-CN": "考核表（scorecard_kpis）"},
        # --- decision authority -------------------------------------------------------------------------------
        "authority.resolvable.none": {
            "en": "share of common issues resolvable without escalation not given",
            "zh-CN": "未给出无需升级即可解决的常见问题比例",
        },
        "authority.resolvable": {
            "en": "resolves {share:.0%} of common issues alone (target {target:.0%})",
            "zh-CN": "可独立解决 {share:.0%} 的常见问题（目标 {target:.0%}）",
        },
        "authority.no_complaints": {"en": "may not close a complaint itself", "zh-CN": "不能自行结案投诉"},
        "authority.complaints": {"en": "may close complaints", "zh-CN": "可以结案投诉"},
        "authority.no_refund": {
            "en": "may grant no refund or compensation without escalation",
            "zh-CN": "未经升级不能给予任何退款或补偿",
        },
        "authority.refund": {
            "en": "refund limit {limit:g} without escalation",
            "zh-CN": "无需升级的退款上限为 {limit:g}",
        },
        "authority.escalates": {
            "en": "escalates {share:.0%} of contacts (at most {limit:.0%})",
            "zh-CN": "升级 {share:.0%} 的联系（最多 {limit:.0%}）",
        },
        "recommend.authority": {
            "en": "Empower {roles} to resolve the common issues at first contact: a refund/compensation "
            "limit that covers them, the right to close complaints, and fewer reasons to escalate.",
            "zh-CN": "授权 {roles} 在首次联系时解决常见问题：足以覆盖这些问题的退款/补偿额度、结案投诉的权限，以及更少的升级理由。",
        },
        # --- training -------------------------------------------------------------------------------------------
        "training.hours.none": {"en": "training hours per year not given", "zh-CN": "未给出每年培训时长"},
        "training.hours": {
            "en": "{hours:g} training hours per year (target {target:g})",
            "zh-CN": "每年培训 {hours:g} 小时（目标 {target:g}）",
        },
        "training.cx.none": {"en": "share trained in CX not given", "zh-CN": "未给出接受客户体验培训的比例"},
        "training.cx": {
            "en": "{share:.0%} trained in CX (target {target:.0%})",
            "zh-CN": "{share:.0%} 接受了客户体验培训（目标 {target:.0%}）",
        },
        "training.frontline.hours": {
            "en": "frontline: {hours:.1f} training hours per employee per year ({people} people)",
            "zh-CN": "一线：人均每年培训 {hours:.1f} 小时（{people} 人）",
        },
        "training.frontline.cx": {
            "en": "frontline: {share:.0%} trained in CX ({people} people)",
            "zh-CN": "一线：{share:.0%} 接受了客户体验培训（{people} 人）",
        },
        "recommend.training": {
            "en": "Train {roles}: enough hours a year for the products, systems and customer situations they "
            "face, and CX training for everyone at the front line.",
            "zh-CN": "培训 {roles}：每年有足够的时长学习所面对的产品、系统和客户情境，并让所有一线员工接受客户体验培训。",
        },
        # --- staffing -------------------------------------------------------------------------------------------
        "staffing.none": {
            "en": "no staffing figures given (occupancy, service_level, contacts_per_agent_hour)",
            "zh-CN": "未给出人员配置数据（occupancy、service_level、contacts_per_agent_hour）",
        },
        "staffing.occupancy": {
            "en": "occupancy {share:.0%} (at most {limit:.0%})",
            "zh-CN": "占用率 {share:.0%}（最多 {limit:.0%}）",
        },
        "staffing.service_level": {
            "en": "service level {share:.0%} (target {target:.0%})",
            "zh-CN": "服务水平 {share:.0%}（目标 {target:.0%}）",
        },
        "staffing.contacts": {
            "en": "{rate:g} contacts per agent-hour (at most {limit:g})",
            "zh-CN": "每坐席小时 {rate:g} 次联系（最多 {limit:g}）",
        },
        "recommend.staffing": {
            "en": "Resource {roles} for the demand: staff to the service-level target and keep occupancy "
            "and contacts per hour at a level people can sustain with care.",
            "zh-CN": "按需求为 {roles} 配置资源：按服务水平目标配置人员，并把占用率和每小时联系量保持在员工能用心持续的水平。",
        },
        # --- systems --------------------------------------------------------------------------------------------
        "systems.none": {"en": "systems per interaction not given", "zh-CN": "未给出每次互动使用的系统数"},
        "systems": {
            "en": "{systems:g} systems per interaction (at most {limit:g})",
            "zh-CN": "每次互动使用 {systems:g} 个系统（最多 {limit:g}）",
        },
        "recommend.systems": {
            "en": "Give {roles} a unified agent desktop: one screen with the customer's history, orders "
            "and cases, instead of switching between systems during a contact.",
            "zh-CN": "为 {roles} 提供统一的坐席桌面：在一个界面上查看客户的历史、订单和案例，而不是在联系过程中切换系统。",
        },
        # --- KPI mix --------------------------------------------------------------------------------------------
        "kpi.none": {"en": "scorecard KPIs not given", "zh-CN": "未给出考核表 KPI"},
        "kpi.customer": {"en": "customer KPIs: {names}", "zh-CN": "客户类 KPI：{names}"},
        "kpi.efficiency": {"en": "efficiency KPIs: {names}", "zh-CN": "效率类 KPI：{names}"},
        "kpi.other": {"en": "other: {names}", "zh-CN": "其他：{names}"},
        "kpi.unrecognised": {
            "en": "{kpis} (no customer KPI recognised; name yours in thresholds.customer_kpis)",
            "zh-CN": "{kpis}（未识别出客户类 KPI；请在 thresholds.customer_kpis 中写明）",
        },
        "kpi.efficiency_only": {"en": "{kpis} (efficiency only)", "zh-CN": "{kpis}（只有效率类）"},
        "recommend.kpi": {
            "en": "Put a customer KPI (CSAT, first-contact resolution, NPS) on the scorecard of {roles}; "
            "efficiency KPIs alone (handle time, volume) reward rushing customers.",
            "zh-CN": "在 {roles} 的考核表上加入客户类 KPI（CSAT、首次联系解决率、NPS）；只考核效率类 KPI（处理时长、处理量）会鼓励催促客户。",
        },
        # --- voice of employee ----------------------------------------------------------------------------------
        "voice.no_context": {
            "en": "no employee context is described (the programme file has no [{path}] table)",
            "zh-CN": "尚未描述员工背景（项目文件中没有 [{path}] 表）",
        },
        "recommend.voice.describe": {
            "en": "Describe the voice-of-employee channel in [{path}.voice_of_employee] (channel, suggestions, "
            "acted_on), so that this can be checked.",
            "zh-CN": "在 [{path}.voice_of_employee] 中描述员工之声渠道（channel、suggestions、acted_on），以便进行检查。",
        },
        "voice.no_channel": {
            "en": "no voice-of-employee channel is described ({path}.voice_of_employee.channel)",
            "zh-CN": "尚未描述员工之声渠道（{path}.voice_of_employee.channel）",
        },
        "recommend.voice.open": {
            "en": "Open a channel for frontline employees to suggest improvements (a forum, a suggestion system, "
            "regular listening sessions), and record how many suggestions arrive and are acted on.",
            "zh-CN": "为一线员工开设提出改进建议的渠道（论坛、建议系统、定期倾听会），并记录收到和落实的建议数量。",
        },
        "voice.channel": {"en": "channel: {channel}", "zh-CN": "渠道：{channel}"},
        "voice.not_recorded": {
            "en": "suggestions received and acted on are not recorded",
            "zh-CN": "没有记录收到和落实的建议",
        },
        "recommend.voice.record": {
            "en": "Record the suggestions received and how many were acted on (suggestions, acted_on).",
            "zh-CN": "记录收到的建议以及落实了多少（suggestions、acted_on）。",
        },
        "voice.no_suggestions": {"en": "no suggestions received", "zh-CN": "没有收到建议"},
        "recommend.voice.invite": {
            "en": "Invite suggestions actively and show employees what came of earlier ones.",
            "zh-CN": "主动征集建议，并让员工看到先前建议的结果。",
        },
        "voice.acted_on": {
            "en": "{acted_on} of {suggestions} suggestions acted on ({share:.0%}; target {target:.0%})",
            "zh-CN": "{suggestions} 条建议中有 {acted_on} 条得到落实（{share:.0%}；目标 {target:.0%}）",
        },
        "survey.none": {"en": "no employee responses are collected yet", "zh-CN": "尚未收集员工答复"},
        "survey.stored": {"en": "{count} employee answers stored", "zh-CN": "已存储 {count} 条员工答复"},
        "survey.no_team": {"en": "no employee answer carries a team", "zh-CN": "没有任何员工答复带有团队"},
        "survey.missing_team": {
            "en": "{count} employee answers have no team (left out of every by-team result)",
            "zh-CN": "{count} 条员工答复没有团队（不计入任何按团队的结果）",
        },
        "survey.unknown_roles": {
            "en": "roles not in the employee context: {roles} (known: {known})",
            "zh-CN": "不在员工背景中的岗位：{roles}（已知：{known}）",
        },
        "survey.rejected": {
            "en": "{count} employee-survey rows or answers were rejected at collection (see the rejects table)",
            "zh-CN": "收集时有 {count} 行员工调查数据或答复被拒绝（见 rejects 表）",
        },
        "recommend.survey": {
            "en": "Fix the survey export (every response with its team and a known role) or add the missing roles "
            "to {path}.roles, then collect again.",
            "zh-CN": "修正调查导出（每条答复都带团队和已知岗位），或把缺少的岗位加入 {path}.roles，然后重新收集。",
        },
        # --- eNPS by team ---------------------------------------------------------------------------------------
        "hidden": {
            "en": "hidden: fewer than {threshold} respondents, or showing it would reveal a group that small",
            "zh-CN": "已隐藏：回答者少于 {threshold} 人，或显示它会推算出这样的小群组",
        },
        "hidden.few": {
            "en": "hidden: too few respondents, or showing it would reveal a group that small",
            "zh-CN": "已隐藏：回答者太少，或显示它会推算出这样的小群组",
        },
        "result": {
            "en": "{value} ({confidence:.0%} CI {low}…{high}, n={n})",
            "zh-CN": "{value}（{confidence:.0%} 置信区间 {low}…{high}，n={n}）",
        },
        "result.no_interval": {"en": "{value} (no interval, n={n})", "zh-CN": "{value}（无区间，n={n}）"},
        "result.small": {"en": "{result} (small sample)", "zh-CN": "{result}（样本量小）"},
        "enps.overall": {"en": "overall eNPS: {result}", "zh-CN": "整体 eNPS：{result}"},
        "enps.team": {"en": "team {team}: {result}", "zh-CN": "团队 {team}：{result}"},
        "enps.below": {"en": "{line} — wholly below {limit:g}", "zh-CN": "{line}——整个区间低于 {limit:g}"},
        "enps.no_team_name": {"en": "(no team)", "zh-CN": "（无团队）"},
        "enps.no_teams": {
            "en": "employee responses carry no team: eNPS by team cannot be shown",
            "zh-CN": "员工答复不带团队：无法按团队显示 eNPS",
        },
        "enps.hidden": {"en": "{count} team(s) {reason}", "zh-CN": "{count} 个团队{reason}"},
        "enps.no_metric": {"en": "no eNPS metric is registered", "zh-CN": "没有注册 eNPS 指标"},
        "enps.no_responses": {"en": "no employee eNPS responses are collected", "zh-CN": "尚未收集员工 eNPS 答复"},
        "recommend.install_nps": {
            "en": "Install cxframe-nps, which provides the eNPS metric and the survey collectors.",
            "zh-CN": "安装 cxframe-nps，它提供 eNPS 指标和调查收集器。",
        },
        "recommend.enps.survey": {
            "en": "Run an employee survey with the eNPS question and collect it with the employee-survey collector "
            "(team, role and site mapped as segments).",
            "zh-CN": "开展带 eNPS 问题的员工调查，并用 employee-survey 收集器收集（团队、岗位和地点映射为细分列）。",
        },
        "recommend.enps.map": {
            "en": "Map the team of every employee response so that eNPS can be shown by team.",
            "zh-CN": "为每条员工答复映射团队，以便按团队显示 eNPS。",
        },
        "recommend.enps.listen": {
            "en": "Listen to teams {teams}: follow up the survey with them and act on what they raise.",
            "zh-CN": "倾听团队 {teams} 的声音：与他们跟进调查结果，并针对他们提出的问题采取行动。",
        },
        "recommend.enps.detractors": {
            "en": "Find out what drives employee detractors (workload, tools, authority) and act on it; "
            "measure again next wave.",
            "zh-CN": "找出导致员工成为贬损者的原因（工作量、工具、权限）并采取行动；下一轮再次测量。",
        },
        "sentences": {"en": "{first} {rest}", "zh-CN": "{first}{rest}"},
        # --- the EX ↔ CX link ---------------------------------------------------------------------------------
        "link.cannot": {"en": "The link cannot be computed: {reason}.", "zh-CN": "无法计算关联：{reason}。"},
        "link.no_employees": {
            "en": "No employee {metric} answers with a team are stored either: collect an employee survey "
            "(collector employee-survey) with a team column.",
            "zh-CN": "也没有存储任何带团队的员工 {metric} 答复：请收集带团队列的员工调查（采集器 employee-survey）。",
        },
        "link.agent_column": {
            "en": "agent column {column!r} mapped to a team",
            "zh-CN": "映射到团队的坐席列 {column!r}",
        },
        "link.team_column": {"en": "team column {column!r}", "zh-CN": "团队列 {column!r}"},
        "link.no_column": {
            "en": "no customer {metric} observation carries a {column}",
            "zh-CN": "没有任何客户 {metric} 观测带有{column}",
        },
        "link.no_team": {
            "en": "The link cannot be computed: no team has {metric} results to show "
            "(employee responses need a team, and a team at least {threshold} respondents).",
            "zh-CN": "无法计算关联：没有团队有可显示的 {metric} 结果（员工答复需要带团队，且每个团队至少 {threshold} 名回答者）。",
        },
        "link.too_few": {
            "en": "Only {count} team(s) have both {employee} (with at least {threshold} respondents) and customer "
            "{customer}; at least {minimum} are needed to estimate a correlation, so none is reported.",
            "zh-CN": "只有 {count} 个团队同时有 {employee}（至少 {threshold} 名回答者）和客户 {customer} 的结果；"
            "估计相关性至少需要 {minimum} 个，因此不报告相关性。",
        },
        "link.no_variance": {
            "en": "Across {teams} teams, {employee} or customer {customer} does not vary between teams, "
            "so no correlation can be estimated.",
            "zh-CN": "在 {teams} 个团队中，{employee} 或客户 {customer} 在团队之间没有差异，因此无法估计相关性。",
        },
        "link.none": {
            "en": "Across {teams} teams, there is no clear association between a team's {employee} and its "
            "customers' {customer}: Pearson r = {r:.2f} ({confidence:.0%} CI {low:.2f} to {high:.2f}, p = {p:.3g}).",
            "zh-CN": "在 {teams} 个团队中，团队的 {employee} 与其客户的 {customer} 之间没有明显的关联："
            "Pearson r = {r:.2f}（{confidence:.0%} 置信区间 {low:.2f} 至 {high:.2f}，p = {p:.3g}）。",
        },
        "link.correlation": {
            "en": "Across {teams} teams, there is {strength} {direction} association between a team's {employee} and "
            "its customers' {customer}: Pearson r = {r:.2f} ({confidence:.0%} CI {low:.2f} to {high:.2f}, p = {p:.3g}).",
            "zh-CN": "在 {teams} 个团队中，团队的 {employee} 与其客户的 {customer} 之间存在{strength}的{direction}关联："
            "Pearson r = {r:.2f}（{confidence:.0%} 置信区间 {low:.2f} 至 {high:.2f}，p = {p:.3g}）。",
        },
        "strength.weak": {"en": "a weak", "zh-CN": "弱"},
        "strength.moderate": {"en": "a moderate", "zh-CN": "中等"},
        "strength.strong": {"en": "a strong", "zh-CN": "强"},
        "direction.positive": {"en": "positive", "zh-CN": "正"},
        "direction.negative": {"en": "negative", "zh-CN": "负"},
        "link.includes_zero": {
            "en": "The interval includes zero: the data are also consistent with no association.",
            "zh-CN": "区间包含零：数据也与不存在关联相符。",
        },
        "link.thin": {
            "en": "{count} team(s) with fewer than {minimum} customer {metric} answers are left out: {teams}.",
            "zh-CN": "{count} 个客户 {metric} 答复少于 {minimum} 条的团队未计入：{teams}。",
        },
        "link.caveat": {
            "en": "This is an association between team averages, not evidence of cause: it does not show that a "
            "better employee experience causes a better customer experience (or the reverse); other differences "
            "between teams (their customers, channels, workload, managers) can drive both.",
            "zh-CN": "这是团队平均值之间的关联，而不是因果证据：它不能说明更好的员工体验导致更好的客户体验（或反之）；"
            "团队之间的其他差异（客户、渠道、工作量、管理者）可能同时影响两者。",
        },
        "recommend.voice.act": {
            "en": "Act on more employee suggestions, and tell employees what was done with each one.",
            "zh-CN": "落实更多员工建议，并告诉员工每条建议的处理结果。",
        },
        # --- the singular of the sentences above (used when count is 1) ----------------------------------------
        "survey.missing_team.one": {
            "en": "{count} employee answer has no team (left out of every by-team result)",
            "zh-CN": "{count} 条员工答复没有团队（不计入任何按团队的结果）",
        },
    }
)


def joined(items: Sequence[str]) -> str:
    """Phrases joined by the language's semicolon (``a; b; c``), each said in the reader's language."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return say("pair", first=items[0], rest=joined(items[1:]))


def sentences(items: Sequence[str]) -> str:
    """Sentences one after the other (a space between them in English, none in Chinese)."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return say("sentences", first=items[0], rest=sentences(items[1:]))


#: The checks with their titles and problems said in the reader's language (`cxframe.Catalogue.titled`).
titled = say.titled
