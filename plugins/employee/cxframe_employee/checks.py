"""The employee-empowerment checks: each passes, warns or fails with evidence and a recommendation.

=============================  ==========================================================================
check                          what it looks at (thresholds in ``[plugins.cxframe-employee.thresholds]``)
=============================  ==========================================================================
employee.decision-authority    frontline roles resolve the common issues alone (``common_issues_resolvable``
                               vs ``min_resolvable_share`` 0.8 / ``fail_resolvable_share`` 0.5), may close
                               complaints, have a refund limit above 0; ``escalation_share`` where given
                               (``max_escalation_share`` 0.2 / ``fail_escalation_share`` 0.4)
employee.training              training hours per year (``min_training_hours`` 24 / ``fail_training_hours``
                               8) and CX-training coverage (``min_cx_trained_share`` 0.9 /
                               ``fail_cx_trained_share`` 0.5)
employee.staffing              occupancy (``max_occupancy`` 0.85 / ``fail_occupancy`` 0.92), service level vs
                               the role's target (else ``service_level_target`` 0.8; more than
                               ``fail_service_level_gap`` 0.1 below fails), contacts per agent-hour
                               (``max_contacts_per_agent_hour`` 12 / ``fail_contacts_per_agent_hour`` 20)
employee.systems               systems per interaction above ``max_systems_per_interaction`` (3) warns
employee.kpi-mix               a scorecard with efficiency KPIs only and no customer KPI fails
employee.voice-of-employee     a channel exists (else fail; warn when the programme has no employee
                               section at all); suggestions acted on (none: fail; a share below
                               ``min_acted_on_share`` 0.3: warn)
employee.enps-by-team          eNPS overall and by team with intervals and small-sample flags; a team whose
                               interval lies wholly below ``min_enps`` (0) warns, an overall interval
                               wholly below ``fail_enps`` (−20) fails
employee.survey-data           employee responses without a team or with a role the context does not know
=============================  ==========================================================================

Only frontline roles are checked. A figure a check needs and a role does not
give makes the check warn ("not given"), so a missing figure is never read as
a good one. Without any frontline role described, the role checks warn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from cxframe import Check, CheckResult, CheckStatus, InvalidInput, RunContext, Severity, Stage
from cxframe_employee.results import EMPLOYEE, EmployeeResult, employee_results, hidden_reason
from cxframe_employee.settings import PATH, EmployeeContext, Role, load_context
from cxframe_employee.texts import joined, say, sentences, titled

ENPS = "enps"
TEAM = "team"
ROLE = "role"

#: KPI names (normalised: lower case, ``_`` for spaces and dashes) that measure the customer's experience.
CUSTOMER_KPIS = frozenset(
    {
        "csat",
        "customer_satisfaction",
        "fcr",
        "first_contact_resolution",
        "first_call_resolution",
        "nps",
        "tnps",
        "transactional_nps",
        "ces",
        "customer_effort",
        "customer_effort_score",
        "resolution_rate",
        "repeat_contacts",
        "repeat_contact_rate",
        "complaints",
        "complaint_rate",
        "customer_retention",
        "retention",
        "churn",
    }
)
#: KPI names that measure efficiency (how much, how fast), not the customer's experience.
EFFICIENCY_KPIS = frozenset(
    {
        "aht",
        "average_handle_time",
        "handle_time",
        "handling_time",
        "talk_time",
        "hold_time",
        "after_call_work",
        "acw",
        "wrap_time",
        "wrap_up_time",
        "volume",
        "contacts_handled",
        "calls_handled",
        "calls_per_hour",
        "contacts_per_hour",
        "contacts_per_agent_hour",
        "productivity",
        "occupancy",
        "utilisation",
        "utilization",
        "adherence",
        "schedule_adherence",
        "asa",
        "average_speed_of_answer",
        "service_level",
        "abandon_rate",
        "abandonment_rate",
        "cost_per_contact",
    }
)


def normalise_kpi(name: str) -> str:
    return "_".join(name.strip().casefold().replace("-", " ").split())


class _Role:
    """What one role's assessment found: a status and evidence phrases."""

    def __init__(self, role: Role) -> None:
        self.role = role
        self.status = CheckStatus.PASS
        self.notes: list[str] = []  # cxframe.Text, said in the reader's language

    def note(self, text: str, status: CheckStatus = CheckStatus.PASS) -> None:
        self.notes.append(text)
        self.status = CheckStatus.worst([self.status, status])

    def evidence(self) -> str:
        return say("role.notes", role=self.role.label, notes=joined(self.notes))


def _no_roles(context: EmployeeContext, what: str) -> CheckResult:
    return CheckResult(
        status=CheckStatus.WARN,
        evidence=(say("roles.none") if context.described else say("roles.none.no_table", path=PATH),),
        recommendation=say("recommend.describe_roles", path=PATH, what=say(what)),
    )


def _role_check(
    run: RunContext,
    what: str,
    assess: Callable[[_Role, EmployeeContext], None],
    recommend: Callable[[list[_Role]], str],
    summary: Callable[[EmployeeContext], list[str]] | None = None,
) -> CheckResult:
    context = load_context(run.programme)
    if not context.frontline:
        return _no_roles(context, what)
    assessed = []
    for role in context.frontline:
        found = _Role(role)
        assess(found, context)
        assessed.append(found)
    status = CheckStatus.worst(found.status for found in assessed)
    evidence = [*(summary(context) if summary else []), *(found.evidence() for found in assessed)]
    problems = [found for found in assessed if found.status is not CheckStatus.PASS]
    return CheckResult(
        status=status,
        evidence=tuple(evidence),
        recommendation=recommend(problems) if problems else "",
    )


def _labels(found: list[_Role]) -> list[str]:
    return [item.role.id for item in found]


# -- 1 decision authority ----------------------------------------------------------------------------------------------


def _decision_authority(found: _Role, context: EmployeeContext) -> None:
    role, limits = found.role, context.thresholds
    share = role.common_issues_resolvable
    if share is None:
        found.note(say("authority.resolvable.none"), CheckStatus.WARN)
    else:
        status = (
            CheckStatus.FAIL
            if share < limits.fail_resolvable_share
            else CheckStatus.WARN
            if share < limits.min_resolvable_share
            else CheckStatus.PASS
        )
        found.note(say("authority.resolvable", share=share, target=limits.min_resolvable_share), status)
    if role.can_close_complaints is False:
        found.note(say("authority.no_complaints"), CheckStatus.WARN)
    elif role.can_close_complaints:
        found.note(say("authority.complaints"))
    if role.refund_limit is not None:
        if role.refund_limit <= 0:
            found.note(say("authority.no_refund"), CheckStatus.WARN)
        else:
            found.note(say("authority.refund", limit=role.refund_limit))
    if role.escalation_share is not None:
        share = role.escalation_share
        status = (
            CheckStatus.FAIL
            if share > limits.fail_escalation_share
            else CheckStatus.WARN
            if share > limits.max_escalation_share
            else CheckStatus.PASS
        )
        found.note(say("authority.escalates", share=share, limit=limits.max_escalation_share), status)


def check_decision_authority(run: RunContext) -> CheckResult:
    return _role_check(
        run,
        "what.authority",
        _decision_authority,
        lambda found: say("recommend.authority", roles=_labels(found)),
    )


# -- 2 training --------------------------------------------------------------------------------------------------------


def _training(found: _Role, context: EmployeeContext) -> None:
    role, limits = found.role, context.thresholds
    hours = role.training_hours_per_year
    if hours is None:
        found.note(say("training.hours.none"), CheckStatus.WARN)
    else:
        status = (
            CheckStatus.FAIL
            if hours < limits.fail_training_hours
            else CheckStatus.WARN
            if hours < limits.min_training_hours
            else CheckStatus.PASS
        )
        found.note(say("training.hours", hours=hours, target=limits.min_training_hours), status)
    trained = role.cx_trained_share
    if trained is None:
        found.note(say("training.cx.none"), CheckStatus.WARN)
    else:
        status = (
            CheckStatus.FAIL
            if trained < limits.fail_cx_trained_share
            else CheckStatus.WARN
            if trained < limits.min_cx_trained_share
            else CheckStatus.PASS
        )
        found.note(say("training.cx", share=trained, target=limits.min_cx_trained_share), status)


def _weighted(roles: Iterable[Role], field: str) -> tuple[float, int] | None:
    """Headcount-weighted mean of a role figure over roles that give both, and the people it covers."""
    pairs = [
        (getattr(role, field), role.headcount) for role in roles if getattr(role, field) is not None and role.headcount
    ]
    people = sum(count for _, count in pairs)
    if not people:
        return None
    return sum(value * count for value, count in pairs) / people, people


def _training_summary(context: EmployeeContext) -> list[str]:
    lines: list[str] = []
    hours = _weighted(context.frontline, "training_hours_per_year")
    if hours is not None:
        lines.append(say("training.frontline.hours", hours=hours[0], people=hours[1]))
    trained = _weighted(context.frontline, "cx_trained_share")
    if trained is not None:
        lines.append(say("training.frontline.cx", share=trained[0], people=trained[1]))
    return lines


def check_training(run: RunContext) -> CheckResult:
    return _role_check(
        run,
        "what.training",
        _training,
        lambda found: say("recommend.training", roles=_labels(found)),
        _training_summary,
    )


# -- 3 resources and staffing ------------------------------------------------------------------------------------------


def _staffing(found: _Role, context: EmployeeContext) -> None:
    role, limits = found.role, context.thresholds
    if role.occupancy is None and role.service_level is None and role.contacts_per_agent_hour is None:
        found.note(say("staffing.none"), CheckStatus.WARN)
        return
    if role.occupancy is not None:
        status = (
            CheckStatus.FAIL
            if role.occupancy > limits.fail_occupancy
            else CheckStatus.WARN
            if role.occupancy > limits.max_occupancy
            else CheckStatus.PASS
        )
        found.note(say("staffing.occupancy", share=role.occupancy, limit=limits.max_occupancy), status)
    if role.service_level is not None:
        target = role.service_level_target if role.service_level_target is not None else limits.service_level_target
        gap = target - role.service_level
        status = (
            CheckStatus.FAIL
            if gap > limits.fail_service_level_gap + 1e-9
            else CheckStatus.WARN
            if gap > 1e-9
            else CheckStatus.PASS
        )
        found.note(say("staffing.service_level", share=role.service_level, target=target), status)
    if role.contacts_per_agent_hour is not None:
        rate = role.contacts_per_agent_hour
        status = (
            CheckStatus.FAIL
            if rate > limits.fail_contacts_per_agent_hour
            else CheckStatus.WARN
            if rate > limits.max_contacts_per_agent_hour
            else CheckStatus.PASS
        )
        found.note(say("staffing.contacts", rate=rate, limit=limits.max_contacts_per_agent_hour), status)


def check_staffing(run: RunContext) -> CheckResult:
    return _role_check(
        run,
        "what.staffing",
        _staffing,
        lambda found: say("recommend.staffing", roles=_labels(found)),
    )


# -- 4 systems juggled -------------------------------------------------------------------------------------------------


def _systems(found: _Role, context: EmployeeContext) -> None:
    systems, limit = found.role.systems_per_interaction, context.thresholds.max_systems_per_interaction
    if systems is None:
        found.note(say("systems.none"), CheckStatus.WARN)
    else:
        found.note(
            say("systems", systems=systems, limit=limit),
            CheckStatus.WARN if systems > limit else CheckStatus.PASS,
        )


def check_systems(run: RunContext) -> CheckResult:
    return _role_check(
        run,
        "what.systems",
        _systems,
        lambda found: say("recommend.systems", roles=_labels(found)),
    )


# -- 5 frontline KPI mix -----------------------------------------------------------------------------------------------


def _kpi_mix(found: _Role, context: EmployeeContext) -> None:
    limits = context.thresholds
    customer_names = CUSTOMER_KPIS | {normalise_kpi(k) for k in limits.customer_kpis}
    efficiency_names = (EFFICIENCY_KPIS | {normalise_kpi(k) for k in limits.efficiency_kpis}) - {
        normalise_kpi(k) for k in limits.customer_kpis
    }
    kpis = found.role.scorecard_kpis
    if not kpis:
        found.note(say("kpi.none"), CheckStatus.WARN)
        return
    customer = [k for k in kpis if normalise_kpi(k) in customer_names]
    efficiency = [k for k in kpis if normalise_kpi(k) in efficiency_names and k not in customer]
    other = [k for k in kpis if k not in customer and k not in efficiency]
    parts = [
        say("kpi.customer", names=customer or say("none")),
        say("kpi.efficiency", names=efficiency or say("none")),
    ]
    if other:
        parts.append(say("kpi.other", names=other))
    if customer:
        found.note(joined(parts))
    elif other:
        found.note(say("kpi.unrecognised", kpis=joined(parts)), CheckStatus.WARN)
    else:
        found.note(say("kpi.efficiency_only", kpis=joined(parts)), CheckStatus.FAIL)


def check_kpi_mix(run: RunContext) -> CheckResult:
    return _role_check(
        run,
        "what.scorecards",
        _kpi_mix,
        lambda found: say("recommend.kpi", roles=_labels(found)),
    )


# -- 6 voice of employee -----------------------------------------------------------------------------------------------


def check_voice_of_employee(run: RunContext) -> CheckResult:
    context = load_context(run.programme)
    voice = context.settings.voice_of_employee
    share_min = context.thresholds.min_acted_on_share
    if not context.described:
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=(say("voice.no_context", path=PATH),),
            recommendation=say("recommend.voice.describe", path=PATH),
        )
    if voice is None or not voice.channel.strip():
        return CheckResult(
            status=CheckStatus.FAIL,
            evidence=(say("voice.no_channel", path=PATH),),
            recommendation=say("recommend.voice.open"),
        )
    evidence = [say("voice.channel", channel=voice.channel)]
    if voice.suggestions is None or voice.acted_on is None:
        evidence.append(say("voice.not_recorded"))
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=tuple(evidence),
            recommendation=say("recommend.voice.record"),
        )
    if voice.suggestions == 0:
        evidence.append(say("voice.no_suggestions"))
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=tuple(evidence),
            recommendation=say("recommend.voice.invite"),
        )
    share = voice.acted_on / voice.suggestions
    evidence.append(
        say("voice.acted_on", acted_on=voice.acted_on, suggestions=voice.suggestions, share=share, target=share_min)
    )
    if voice.acted_on == 0:
        status = CheckStatus.FAIL
    elif share < share_min:
        status = CheckStatus.WARN
    else:
        status = CheckStatus.PASS
    return CheckResult(
        status=status,
        evidence=tuple(evidence),
        recommendation="" if status is CheckStatus.PASS else say("recommend.voice.act"),
    )


# -- 7 eNPS by team ----------------------------------------------------------------------------------------------------


def enps_overview(run: RunContext, context: EmployeeContext) -> tuple[list[EmployeeResult], list[EmployeeResult]]:
    """eNPS overall and by team (empty lists when there is none), after the anonymity rule."""
    if ENPS not in run.registry.metrics:
        return [], []
    metric = run.registry.metrics.get(ENPS)
    threshold = context.anonymity_threshold
    objectives = context.objectives
    overall = employee_results(
        run.store,
        metric,
        threshold=threshold,
        objectives=objectives,
        confidence=run.confidence,
        min_sample=run.min_sample,
        engine=run.engine,
    )
    teams: list[EmployeeResult] = []
    if TEAM in run.store.segment_columns():
        teams = employee_results(
            run.store,
            metric,
            threshold=threshold,
            objectives=objectives,
            by=[TEAM],
            confidence=run.confidence,
            min_sample=run.min_sample,
            engine=run.engine,
        )
    return overall, teams


def check_enps_by_team(run: RunContext) -> CheckResult:
    context = load_context(run.programme)
    limits = context.thresholds
    if ENPS not in run.registry.metrics:
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=(say("enps.no_metric"),),
            recommendation=say("recommend.install_nps"),
        )
    overall, teams = enps_overview(run, context)
    if not overall:
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=(say("enps.no_responses"),),
            recommendation=say("recommend.enps.survey"),
        )
    total = overall[0]
    evidence = [say("enps.overall", result=total.describe(threshold=context.anonymity_threshold))]
    statuses = [CheckStatus.PASS]
    if total.suppressed:
        statuses.append(CheckStatus.WARN)
    elif total.ci_high is not None and total.ci_high < limits.fail_enps:
        statuses.append(CheckStatus.FAIL)
        evidence[0] = say("enps.below", line=evidence[0], limit=limits.fail_enps)
    elif total.ci_high is not None and total.ci_high < limits.min_enps:
        statuses.append(CheckStatus.WARN)
        evidence[0] = say("enps.below", line=evidence[0], limit=limits.min_enps)
    low_teams = []
    for result in teams:
        name = result.segment.get(TEAM) or say("enps.no_team_name")
        line = say("enps.team", team=name, result=result.describe(threshold=context.anonymity_threshold))
        if not result.suppressed and result.ci_high is not None and result.ci_high < limits.min_enps:
            low_teams.append(name)
            line = say("enps.below", line=line, limit=limits.min_enps)
        evidence.append(line)
    if not teams:
        evidence.append(say("enps.no_teams"))
        statuses.append(CheckStatus.WARN)
    if low_teams:
        statuses.append(CheckStatus.WARN)
    hidden = sum(1 for result in teams if result.suppressed)
    if hidden:
        evidence.append(say("enps.hidden", count=hidden, reason=hidden_reason(context.anonymity_threshold)))
    status = CheckStatus.worst(statuses)
    recommendations = []
    if not teams:
        recommendations.append(say("recommend.enps.map"))
    if low_teams:
        recommendations.append(say("recommend.enps.listen", teams=low_teams))
    if status is not CheckStatus.PASS and not recommendations:
        recommendations.append(say("recommend.enps.detractors"))
    return CheckResult(status=status, evidence=tuple(evidence), recommendation=sentences(recommendations))


# -- data quality ------------------------------------------------------------------------------------------------------


def check_survey_data(run: RunContext) -> CheckResult:
    context = load_context(run.programme)
    db = run.store.db
    columns = set(run.store.segment_columns())
    total = db.execute("SELECT COUNT(*) FROM observations WHERE population = ?", [EMPLOYEE]).fetchone()[0]
    rejected = db.execute(
        "SELECT COUNT(*) FROM rejects JOIN ingests ON ingests.id = rejects.ingest_id "
        "WHERE ingests.collector = 'employee-survey'"
    ).fetchone()[0]
    if not total and not rejected:
        return CheckResult(status=CheckStatus.PASS, evidence=(say("survey.none"),))
    evidence = [say("survey.stored", count=total)]
    problems = []
    if TEAM not in columns:
        problems.append(say("survey.no_team"))
    else:
        missing = db.execute(
            f"SELECT COUNT(*) FROM observations WHERE population = ? AND ([{TEAM}] IS NULL OR [{TEAM}] = '')",
            [EMPLOYEE],
        ).fetchone()[0]
        if missing:
            problems.append(say("survey.missing_team", count=missing))
    if ROLE in columns and context.roles:
        values = [
            row[0]
            for row in db.execute(
                f"SELECT DISTINCT [{ROLE}] FROM observations WHERE population = ? AND [{ROLE}] IS NOT NULL",
                [EMPLOYEE],
            ).fetchall()
        ]
        unknown = sorted(str(value) for value in values if context.find_role(str(value)) is None)
        if unknown:
            problems.append(
                say("survey.unknown_roles", roles=[repr(u) for u in unknown], known=sorted(context.role_ids()))
            )
    if rejected:
        problems.append(say("survey.rejected", count=rejected))
    return CheckResult(
        status=CheckStatus.WARN if problems else CheckStatus.PASS,
        evidence=tuple([*evidence, *problems]),
        recommendation=say("recommend.survey", path=PATH) if problems else "",
    )


CHECKS = titled(
    [
        Check(
            id="employee.decision-authority",
            title="Frontline roles can resolve the common issues without escalation",
            problem="Frontline roles cannot resolve the common issues without escalation",
            run=check_decision_authority,
            severity=Severity.HIGH,
            stage=Stage.PLAN,
            description="Decision authority of frontline roles: resolvable share, complaints, refund limit, escalations.",
        ),
        Check(
            id="employee.training",
            title="Frontline employees are trained, in CX too",
            problem="Frontline employees lack training, in CX too",
            run=check_training,
            severity=Severity.MEDIUM,
            stage=Stage.PLAN,
            description="Training hours per frontline employee per year and CX-training coverage against targets.",
        ),
        Check(
            id="employee.staffing",
            title="Frontline roles are resourced for the demand",
            problem="Frontline roles are not resourced for the demand",
            run=check_staffing,
            severity=Severity.MEDIUM,
            stage=Stage.PLAN,
            description="Occupancy, service level against target and contacts per agent-hour against thresholds.",
        ),
        Check(
            id="employee.systems",
            title="Frontline staff do not juggle systems",
            problem="Frontline staff juggle systems",
            run=check_systems,
            severity=Severity.LOW,
            stage=Stage.PLAN,
            description="Systems used per interaction above the threshold warn (a unified agent desktop is the remedy).",
        ),
        Check(
            id="employee.kpi-mix",
            title="Frontline scorecards carry a customer KPI",
            problem="Frontline scorecards carry no customer KPI",
            run=check_kpi_mix,
            severity=Severity.HIGH,
            stage=Stage.PLAN,
            description="Scorecards with efficiency KPIs only (handle time, volume) and no customer KPI fail.",
        ),
        Check(
            id="employee.voice-of-employee",
            title="Employees are heard and their suggestions acted on",
            problem="Employees are not heard, or their suggestions not acted on",
            run=check_voice_of_employee,
            severity=Severity.MEDIUM,
            stage=Stage.IMPROVE,
            description="A voice-of-employee channel exists and its suggestions are acted on.",
        ),
        Check(
            id="employee.enps-by-team",
            title="eNPS by team",
            problem="eNPS is low, or not known, by team",
            run=check_enps_by_team,
            severity=Severity.MEDIUM,
            stage=Stage.MEASURE,
            description="eNPS overall and by team with intervals and small-sample flags, under the anonymity rule.",
        ),
        Check(
            id="employee.survey-data",
            title="Employee survey data are complete",
            problem="Employee survey data are incomplete",
            run=check_survey_data,
            severity=Severity.LOW,
            stage=Stage.MEASURE,
            description="Employee responses without a team, with an unknown role, or rejected at collection.",
        ),
    ]
)


def run_employee_checks(run: RunContext) -> list[CheckResult]:
    """Run this plugin's checks directly (ids and titles filled in), for evidence outside ``cxframe check``."""
    results: list[CheckResult] = []
    for check in CHECKS:
        try:
            produced = check.run(run)
        except InvalidInput as exc:
            produced = CheckResult(status=CheckStatus.ERROR, evidence=tuple(exc.messages))
        items = [produced] if isinstance(produced, CheckResult) else list(produced)
        results.extend(
            attrs.evolve(item, check=item.check or check.id, title=item.title or check.title_for(item.status))
            for item in items
        )
    return results
