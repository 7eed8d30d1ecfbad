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


def _pct(value: float) -> str:
    return f"{value:.0%}"


def normalise_kpi(name: str) -> str:
    return "_".join(name.strip().casefold().replace("-", " ").split())


class _Role:
    """What one role's assessment found: a status and evidence phrases."""

    def __init__(self, role: Role) -> None:
        self.role = role
        self.status = CheckStatus.PASS
        self.notes: list[str] = []

    def note(self, text: str, status: CheckStatus = CheckStatus.PASS) -> None:
        self.notes.append(text)
        self.status = CheckStatus.worst([self.status, status])

    def evidence(self) -> str:
        return f"{self.role.label}: {'; '.join(self.notes)}"


def _no_roles(context: EmployeeContext, what: str) -> CheckResult:
    where = "" if context.described else f" (the programme file has no [{PATH}] table)"
    return CheckResult(
        status=CheckStatus.WARN,
        evidence=(f"no frontline roles are described{where}",),
        recommendation=(
            f"Describe the frontline roles in [[{PATH}.roles]] (or a roles_file CSV) with their {what}, "
            "so that this can be checked."
        ),
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


def _labels(found: list[_Role]) -> str:
    return ", ".join(item.role.id for item in found)


# -- 1 decision authority ----------------------------------------------------------------------------------------------


def _decision_authority(found: _Role, context: EmployeeContext) -> None:
    role, limits = found.role, context.thresholds
    share = role.common_issues_resolvable
    if share is None:
        found.note("share of common issues resolvable without escalation not given", CheckStatus.WARN)
    else:
        status = (
            CheckStatus.FAIL
            if share < limits.fail_resolvable_share
            else CheckStatus.WARN
            if share < limits.min_resolvable_share
            else CheckStatus.PASS
        )
        found.note(
            f"resolves {_pct(share)} of common issues alone (target {_pct(limits.min_resolvable_share)})", status
        )
    if role.can_close_complaints is False:
        found.note("may not close a complaint itself", CheckStatus.WARN)
    elif role.can_close_complaints:
        found.note("may close complaints")
    if role.refund_limit is not None:
        if role.refund_limit <= 0:
            found.note("may grant no refund or compensation without escalation", CheckStatus.WARN)
        else:
            found.note(f"refund limit {role.refund_limit:g} without escalation")
    if role.escalation_share is not None:
        share = role.escalation_share
        status = (
            CheckStatus.FAIL
            if share > limits.fail_escalation_share
            else CheckStatus.WARN
            if share > limits.max_escalation_share
            else CheckStatus.PASS
        )
        found.note(f"escalates {_pct(share)} of contacts (at most {_pct(limits.max_escalation_share)})", status)


def check_decision_authority(run: RunContext) -> CheckResult:
    return _role_check(
        run,
        "decision authority (common_issues_resolvable, can_close_complaints, refund_limit, escalation_share)",
        _decision_authority,
        lambda found: (
            f"Empower {_labels(found)} to resolve the common issues at first contact: a refund/compensation "
            "limit that covers them, the right to close complaints, and fewer reasons to escalate."
        ),
    )


# -- 2 training --------------------------------------------------------------------------------------------------------


def _training(found: _Role, context: EmployeeContext) -> None:
    role, limits = found.role, context.thresholds
    hours = role.training_hours_per_year
    if hours is None:
        found.note("training hours per year not given", CheckStatus.WARN)
    else:
        status = (
            CheckStatus.FAIL
            if hours < limits.fail_training_hours
            else CheckStatus.WARN
            if hours < limits.min_training_hours
            else CheckStatus.PASS
        )
        found.note(f"{hours:g} training hours per year (target {limits.min_training_hours:g})", status)
    trained = role.cx_trained_share
    if trained is None:
        found.note("share trained in CX not given", CheckStatus.WARN)
    else:
        status = (
            CheckStatus.FAIL
            if trained < limits.fail_cx_trained_share
            else CheckStatus.WARN
            if trained < limits.min_cx_trained_share
            else CheckStatus.PASS
        )
        found.note(f"{_pct(trained)} trained in CX (target {_pct(limits.min_cx_trained_share)})", status)


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
    lines = []
    hours = _weighted(context.frontline, "training_hours_per_year")
    if hours is not None:
        lines.append(f"frontline: {hours[0]:.1f} training hours per employee per year ({hours[1]} people)")
    trained = _weighted(context.frontline, "cx_trained_share")
    if trained is not None:
        lines.append(f"frontline: {_pct(trained[0])} trained in CX ({trained[1]} people)")
    return lines


def check_training(run: RunContext) -> CheckResult:
    return _role_check(
        run,
        "training (training_hours_per_year, cx_trained_share, headcount)",
        _training,
        lambda found: (
            f"Train {_labels(found)}: enough hours a year for the products, systems and customer situations they "
            "face, and CX training for everyone at the front line."
        ),
        _training_summary,
    )


# -- 3 resources and staffing ------------------------------------------------------------------------------------------


def _staffing(found: _Role, context: EmployeeContext) -> None:
    role, limits = found.role, context.thresholds
    if role.occupancy is None and role.service_level is None and role.contacts_per_agent_hour is None:
        found.note("no staffing figures given (occupancy, service_level, contacts_per_agent_hour)", CheckStatus.WARN)
        return
    if role.occupancy is not None:
        status = (
            CheckStatus.FAIL
            if role.occupancy > limits.fail_occupancy
            else CheckStatus.WARN
            if role.occupancy > limits.max_occupancy
            else CheckStatus.PASS
        )
        found.note(f"occupancy {_pct(role.occupancy)} (at most {_pct(limits.max_occupancy)})", status)
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
        found.note(f"service level {_pct(role.service_level)} (target {_pct(target)})", status)
    if role.contacts_per_agent_hour is not None:
        rate = role.contacts_per_agent_hour
        status = (
            CheckStatus.FAIL
            if rate > limits.fail_contacts_per_agent_hour
            else CheckStatus.WARN
            if rate > limits.max_contacts_per_agent_hour
            else CheckStatus.PASS
        )
        found.note(f"{rate:g} contacts per agent-hour (at most {limits.max_contacts_per_agent_hour:g})", status)


def check_staffing(run: RunContext) -> CheckResult:
    return _role_check(
        run,
        "staffing figures (occupancy, service_level, service_level_target, contacts_per_agent_hour)",
        _staffing,
        lambda found: (
            f"Resource {_labels(found)} for the demand: staff to the service-level target and keep occupancy "
            "and contacts per hour at a level people can sustain with care."
        ),
    )


# -- 4 systems juggled -------------------------------------------------------------------------------------------------


def _systems(found: _Role, context: EmployeeContext) -> None:
    systems, limit = found.role.systems_per_interaction, context.thresholds.max_systems_per_interaction
    if systems is None:
        found.note("systems per interaction not given", CheckStatus.WARN)
    else:
        found.note(
            f"{systems:g} systems per interaction (at most {limit:g})",
            CheckStatus.WARN if systems > limit else CheckStatus.PASS,
        )


def check_systems(run: RunContext) -> CheckResult:
    return _role_check(
        run,
        "systems per interaction (systems_per_interaction)",
        _systems,
        lambda found: (
            f"Give {_labels(found)} a unified agent desktop: one screen with the customer's history, orders "
            "and cases, instead of switching between systems during a contact."
        ),
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
        found.note("scorecard KPIs not given", CheckStatus.WARN)
        return
    customer = [k for k in kpis if normalise_kpi(k) in customer_names]
    efficiency = [k for k in kpis if normalise_kpi(k) in efficiency_names and k not in customer]
    other = [k for k in kpis if k not in customer and k not in efficiency]
    parts = [
        f"customer KPIs: {', '.join(customer) or 'none'}",
        f"efficiency KPIs: {', '.join(efficiency) or 'none'}",
    ]
    if other:
        parts.append(f"other: {', '.join(other)}")
    if customer:
        found.note("; ".join(parts))
    elif other:
        found.note(
            "; ".join(parts) + " (no customer KPI recognised; name yours in thresholds.customer_kpis)",
            CheckStatus.WARN,
        )
    else:
        found.note("; ".join(parts) + " (efficiency only)", CheckStatus.FAIL)


def check_kpi_mix(run: RunContext) -> CheckResult:
    return _role_check(
        run,
        "scorecards (scorecard_kpis)",
        _kpi_mix,
        lambda found: (
            f"Put a customer KPI (CSAT, first-contact resolution, NPS) on the scorecard of {_labels(found)}; "
            "efficiency KPIs alone (handle time, volume) reward rushing customers."
        ),
    )


# -- 6 voice of employee -----------------------------------------------------------------------------------------------


def check_voice_of_employee(run: RunContext) -> CheckResult:
    context = load_context(run.programme)
    voice = context.settings.voice_of_employee
    share_min = context.thresholds.min_acted_on_share
    if not context.described:
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=(f"no employee context is described (the programme file has no [{PATH}] table)",),
            recommendation=(
                f"Describe the voice-of-employee channel in [{PATH}.voice_of_employee] (channel, suggestions, "
                "acted_on), so that this can be checked."
            ),
        )
    if voice is None or not voice.channel.strip():
        return CheckResult(
            status=CheckStatus.FAIL,
            evidence=(f"no voice-of-employee channel is described ({PATH}.voice_of_employee.channel)",),
            recommendation=(
                "Open a channel for frontline employees to suggest improvements (a forum, a suggestion system, "
                "regular listening sessions), and record how many suggestions arrive and are acted on."
            ),
        )
    evidence = [f"channel: {voice.channel}"]
    if voice.suggestions is None or voice.acted_on is None:
        evidence.append("suggestions received and acted on are not recorded")
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=tuple(evidence),
            recommendation="Record the suggestions received and how many were acted on (suggestions, acted_on).",
        )
    if voice.suggestions == 0:
        evidence.append("no suggestions received")
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=tuple(evidence),
            recommendation="Invite suggestions actively and show employees what came of earlier ones.",
        )
    share = voice.acted_on / voice.suggestions
    evidence.append(
        f"{voice.acted_on} of {voice.suggestions} suggestions acted on ({_pct(share)}; target {_pct(share_min)})"
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
        recommendation=""
        if status is CheckStatus.PASS
        else "Act on more employee suggestions, and tell employees what was done with each one.",
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
        )
    return overall, teams


def check_enps_by_team(run: RunContext) -> CheckResult:
    context = load_context(run.programme)
    limits = context.thresholds
    if ENPS not in run.registry.metrics:
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=("no eNPS metric is registered",),
            recommendation="Install cxframe-nps, which provides the eNPS metric and the survey collectors.",
        )
    overall, teams = enps_overview(run, context)
    if not overall:
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=("no employee eNPS responses are collected",),
            recommendation=(
                "Run an employee survey with the eNPS question and collect it with the employee-survey collector "
                "(team, role and site mapped as segments)."
            ),
        )
    total = overall[0]
    evidence = [f"overall eNPS: {total.describe(threshold=context.anonymity_threshold)}"]
    statuses = [CheckStatus.PASS]
    if total.suppressed:
        statuses.append(CheckStatus.WARN)
    elif total.ci_high is not None and total.ci_high < limits.fail_enps:
        statuses.append(CheckStatus.FAIL)
        evidence[0] += f" — wholly below {limits.fail_enps:g}"
    elif total.ci_high is not None and total.ci_high < limits.min_enps:
        statuses.append(CheckStatus.WARN)
        evidence[0] += f" — wholly below {limits.min_enps:g}"
    low_teams = []
    for result in teams:
        name = result.segment.get(TEAM) or "(no team)"
        line = f"team {name}: {result.describe(threshold=context.anonymity_threshold)}"
        if not result.suppressed and result.ci_high is not None and result.ci_high < limits.min_enps:
            low_teams.append(name)
            line += f" — wholly below {limits.min_enps:g}"
        evidence.append(line)
    if not teams:
        evidence.append("employee responses carry no team: eNPS by team cannot be shown")
        statuses.append(CheckStatus.WARN)
    if low_teams:
        statuses.append(CheckStatus.WARN)
    hidden = sum(1 for result in teams if result.suppressed)
    if hidden:
        evidence.append(f"{hidden} team(s) {hidden_reason(context.anonymity_threshold)}")
    status = CheckStatus.worst(statuses)
    recommendations = []
    if not teams:
        recommendations.append("Map the team of every employee response so that eNPS can be shown by team.")
    if low_teams:
        recommendations.append(
            f"Listen to teams {', '.join(low_teams)}: follow up the survey with them and act on what they raise."
        )
    if status is not CheckStatus.PASS and not recommendations:
        recommendations.append(
            "Find out what drives employee detractors (workload, tools, authority) and act on it; "
            "measure again next wave."
        )
    return CheckResult(status=status, evidence=tuple(evidence), recommendation=" ".join(recommendations))


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
        return CheckResult(status=CheckStatus.PASS, evidence=("no employee responses are collected yet",))
    evidence = [f"{total} employee answers stored"]
    problems = []
    if TEAM not in columns:
        problems.append("no employee answer carries a team")
    else:
        missing = db.execute(
            f"SELECT COUNT(*) FROM observations WHERE population = ? AND ([{TEAM}] IS NULL OR [{TEAM}] = '')",
            [EMPLOYEE],
        ).fetchone()[0]
        if missing:
            problems.append(f"{missing} employee answers have no team (left out of every by-team result)")
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
                f"roles not in the employee context: {', '.join(repr(u) for u in unknown)} "
                f"(known: {', '.join(sorted(context.role_ids()))})"
            )
    if rejected:
        problems.append(
            f"{rejected} employee-survey rows or answers were rejected at collection (see the rejects table)"
        )
    return CheckResult(
        status=CheckStatus.WARN if problems else CheckStatus.PASS,
        evidence=tuple([*evidence, *problems]),
        recommendation=(
            "Fix the survey export (every response with its team and a known role) or add the missing roles "
            f"to {PATH}.roles, then collect again."
        )
        if problems
        else "",
    )


CHECKS = [
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
