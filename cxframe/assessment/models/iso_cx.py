"""``iso-cx``: CX management maturity over the six key areas of the ISO service-excellence family.

The dimensions are the six areas in DOMAIN ("The lifecycle and the six key
areas"); the criteria follow the assessors' checklist by rising level
(early 1–2, defined 3, advanced 4–5). Every dimension has a criterion at each
of the five levels, so a level is never reached by an empty rung. Evidence
decides wherever the programme file, the store, the checks or the plugins'
facts can; a ``question`` is asked where a person must answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxframe.assessment.models import _evidence as ev
from cxframe.assessment.models._texts import listing, say
from cxframe.contracts._maturity import Criterion, Dimension, Facts, MaturityModel, Verdict
from cxframe.contracts._records import ActionStatus, ExperienceElement, TargetStatus
from cxframe.contracts._stages import Stage
from cxframe.contracts._texts import Text

# --- framework, context and leadership --------------------------------------------------


def sponsor(facts: Facts) -> Verdict:
    name = facts.programme.document.context.sponsor
    if name and name.strip():
        return Verdict.yes(say("sponsor", name=name))
    return Verdict.no(say("sponsor.none"))


def context_understood(facts: Facts) -> Verdict:
    context = facts.programme.document.context
    missing = []
    if not context.scope.strip():
        missing.append(say("context.no_scope"))
    if not context.internal_factors:
        missing.append(say("context.no_internal"))
    if not context.external_factors:
        missing.append(say("context.no_external"))
    if not context.stakeholders:
        missing.append(say("context.no_stakeholders"))
    without_needs = [s.name for s in context.stakeholders if not s.needs]
    if without_needs:
        missing.append(say("stakeholders.without_needs", names=listing(without_needs)))
    lines = [
        say(
            "context.summary",
            internal=len(context.internal_factors),
            external=len(context.external_factors),
            count=len(context.stakeholders) - len(without_needs),
            total=len(context.stakeholders),
        )
    ]
    if missing:
        return Verdict.no(*lines, *(say("context.missing", items=m) for m in missing))
    return Verdict.yes(*lines, say("context.scope", scope=context.scope))


def strategy_and_objectives(facts: Facts) -> Verdict:
    strategy = facts.programme.document.context.strategy.strip()
    gaps = ev.objective_gaps(facts)
    complete = [o for o, missing in gaps if not missing]
    lines = [
        say("strategy.written") if strategy else say("strategy.none"),
        say("objectives.complete", count=len(complete), total=len(gaps)),
    ]
    incomplete = [say("objective.lacks", objective=o, what=missing) for o, missing in gaps if missing]
    if incomplete:
        lines.append(say("missing", items=listing(incomplete)))
    if not gaps:
        lines.append(say("objectives.none"))
    return Verdict(bool(strategy) and bool(gaps) and not incomplete, tuple(lines))


# --- planning and design of the experience ----------------------------------------------


def journeys_mapped(facts: Facts) -> Verdict:
    journeys = facts.programme.journeys
    if not journeys:
        return Verdict.no(say("journeys.none"))
    lines = [
        say("journey.stages_pains", journey=j.id, stages=len(j.stages), pains=sum(len(s.pain_points) for s in j.stages))
        for j in journeys
    ]
    with_pain = [j.id for j in journeys if j.stages and any(s.pain_points for s in j.stages)]
    return Verdict(bool(with_pain), (*lines, say("journeys.with_pains", count=len(with_pain), total=len(journeys))))


def touchpoint_inventory(facts: Facts) -> Verdict:
    touchpoints = facts.programme.document.touchpoints
    if not touchpoints:
        return Verdict.no(say("touchpoints.none"))
    gaps = []
    for t in touchpoints:
        missing = [
            what
            for what, absent in (
                (say("touchpoint.environment"), t.environment is None),
                (say("touchpoint.elements"), not t.elements),
                (say("touchpoint.owner"), not t.owner),
            )
            if absent
        ]
        if missing:
            gaps.append(say("touchpoint.lacks", touchpoint=t.id, what=missing))
    line = say("touchpoints.complete", count=len(touchpoints) - len(gaps), total=len(touchpoints))
    return Verdict(not gaps, (line, say("missing", items=listing(gaps))) if gaps else (line,))


def _covered(line: str, missing: list[str]) -> str:
    return say("covered.missing", covered=line, missing=missing) if missing else line


def _status(status: str) -> str:
    """An action's status in the reader's language (its value where the catalogue does not have it)."""
    return say("action_status." + status) if status in _ACTION_STATUSES else status


_ACTION_STATUSES = {"proposed", "planned", "in_progress", "done", "dropped"}


def touchpoint_coverage(facts: Facts) -> Verdict:
    touchpoints = facts.programme.document.touchpoints
    environments = {t.environment.value for t in touchpoints if t.environment is not None}
    elements = {e.value for t in touchpoints for e in t.elements}
    missing_env = [e for e in ev.all_environments() if e not in environments]
    missing_el = [e.value for e in ExperienceElement if e.value not in elements]
    lines = [
        _covered(say("environments.covered", count=len(environments), total=5), missing_env),
        _covered(say("elements.covered", count=len(elements), total=4), missing_el),
    ]
    return Verdict(not missing_env and not missing_el, tuple(lines))


def stages_measured(facts: Facts) -> Verdict | None:
    nps = ev.plugin(facts, "nps")
    if nps is None:
        return None
    stages = nps.get("stages", [])
    if not stages:
        return Verdict.no(say("stages.none"))
    unmeasured = [f"{s['journey']}/{s['stage']}" for s in stages if not s["with_data"]]
    line = say("stages.measured", count=len(stages) - len(unmeasured), total=len(stages))
    return Verdict(not unmeasured, (line, say("unmeasured", items=listing(unmeasured))) if unmeasured else (line,))


def emotional_design(facts: Facts) -> Verdict:
    journeys = facts.programme.journeys
    if not journeys:
        return Verdict.no(say("journeys.none"))
    moment_touchpoints = {t.id for t in facts.programme.document.touchpoints if t.moment_of_truth}
    gaps, lines = [], []
    for j in journeys:
        with_emotion = sum(s.emotion is not None for s in j.stages)
        pains = sum(len(s.pain_points) for s in j.stages)
        opportunities = sum(len(s.opportunities) for s in j.stages)
        moments = sum(len(s.moments_of_truth) for s in j.stages) + sum(
            1 for s in j.stages for t in s.touchpoints if t in moment_touchpoints
        )
        lines.append(
            say(
                "journey.emotions",
                journey=j.id,
                emotions=with_emotion,
                stages=len(j.stages),
                pains=pains,
                opportunities=opportunities,
                moments=moments,
            )
        )
        missing = [
            what
            for what, absent in (
                (say("lacks.emotion"), with_emotion < len(j.stages) or not j.stages),
                (say("lacks.pains"), pains == 0),
                (say("lacks.opportunities"), opportunities == 0),
                (say("lacks.moments"), moments == 0),
            )
            if absent
        ]
        if missing:
            gaps.append(say("journey.lacks", journey=j.id, what=missing))
    return Verdict(not gaps, (*lines, *gaps))


# --- improvement actions -------------------------------------------------------------------


def actions_recorded(facts: Facts) -> Verdict:
    actions = ev.latest_actions(facts)
    if not actions:
        return Verdict.no(say("actions.none"))
    by_status: dict[str, int] = {}
    for action in actions:
        by_status[action["status"]] = by_status.get(action["status"], 0) + 1
    counts = [say("actions.status", count=count, status=_status(status)) for status, count in sorted(by_status.items())]
    return Verdict.yes(say("actions.recorded", count=len(actions), statuses=counts))


def owned_backlog(facts: Facts) -> Verdict:
    accepted = [a for a in ev.latest_actions(facts) if a["status"] in ev.ACCEPTED]
    if not accepted:
        return Verdict.no(say("backlog.none"))
    gaps = [
        say(
            "action.lacks",
            action=a["id"],
            what=[
                w
                for w, absent in ((say("action.no_owner"), not a["owner"]), (say("action.no_due"), not a["due"]))
                if absent
            ],
        )
        for a in accepted
        if not a["owner"] or not a["due"]
    ]
    line = say("backlog.owned", count=len(accepted) - len(gaps), total=len(accepted))
    return Verdict(not gaps, (line, say("missing", items=listing(gaps))) if gaps else (line,))


def inner_loop(facts: Facts) -> Verdict | None:
    """At least 80% of detractors followed up within 48 hours: the improve loop's cases, else follow-up events."""
    return ev.follow_up_verdict(facts, hours=48, share=0.8)


def effects_measured(facts: Facts) -> Verdict:
    done = [a for a in ev.latest_actions(facts) if a["status"] == ActionStatus.DONE.value]
    if not done:
        return Verdict.no(say("effects.none"))
    gaps = [a["id"] for a in done if a["baseline"] is None or a["effect"] is None]
    line = say("effects.measured", count=len(done) - len(gaps), total=len(done))
    # each measured effect is evidence in itself: what moved, by how much, and how sure (cxframe-improve measures it)
    effects = [_effect_line(a) for a in done if a["id"] not in gaps][:6]
    return Verdict(not gaps, (line, *effects, say("without", items=listing(gaps))) if gaps else (line, *effects))


def _effect_line(action: dict[str, Any]) -> Text:
    metric = action["metric"] or "metric"
    values = {"action": action["id"], "metric": metric, "baseline": action["baseline"], "effect": action["effect"]}
    low, high, p = action["effect_ci_low"], action["effect_ci_high"], action["effect_p_value"]
    if low is None or high is None or p is None:
        return say("effect.recorded", **values)
    return say("effect.tested", **values, low=low, high=high, p=p)


def objectives_met(facts: Facts) -> Verdict:
    objectives = facts.programme.document.objectives
    if not objectives:
        return Verdict.no(say("objectives.none"))
    results = {r.objective: r for r in facts.metric_results() if r.objective is not None}
    lines, met = [], 0
    for objective in objectives:
        result = results.get(objective.id)
        if result is None or result.value is None:
            lines.append(say("objective.no_result", objective=objective.id, metric=objective.metric))
            continue
        status = result.target_status.value if result.target_status else "unknown"
        met += result.target_status is TargetStatus.MET
        lines.append(
            say(
                "objective.result",
                objective=objective.id,
                metric=facts.metric_title(result.metric),
                value=result.value,
                n=result.n,
                comparison=objective.comparison.value,
                target=objective.target,
                status=say("status." + status),
            )
        )
    return Verdict(met == len(objectives), (say("objectives.met", count=met, total=len(objectives)), *lines))


# --- collecting and understanding customer information -------------------------------------


def survey_collected(facts: Facts) -> Verdict:
    answers = ev.survey_answers(facts)
    if not answers:
        return Verdict.no(say("survey.none"))
    return Verdict.yes(say("survey.collected", answers=answers, respondents=ev.survey_respondents(facts)))


def expectations_identified(facts: Facts) -> Verdict:
    stages = [(j.id, s) for j in facts.programme.journeys for s in j.stages]
    if not stages:
        return Verdict.no(say("expectations.none"))
    missing = [f"{j}/{s.id}" for j, s in stages if not s.expectations]
    line = say("expectations.recorded", count=len(stages) - len(missing), total=len(stages))
    return Verdict(not missing, (line, say("without", items=listing(missing))) if missing else (line,))


def information_sources(facts: Facts) -> Verdict:
    answers, comments, events = ev.survey_answers(facts), ev.comment_count(facts), ev.event_count(facts)
    line = say("sources.counts", answers=answers, comments=comments, events=events)
    return Verdict(answers > 0 and comments > 0 and events > 0, (line,))


#: The share of comments a codeframe must code (tag with at least one theme) for the comments to count as
#: understood, not only collected: below it, most of what customers write is read by nobody.
CODED_COVERAGE = 0.7


def comments_coded(facts: Facts) -> Verdict | None:
    """Comments are coded against a codeframe (the text plugin's themes) covering at least `CODED_COVERAGE` of them.

    Unknown, then asked, where there are comments but no themes to read (no
    text plugin, or no codeframe in it): coding may be done outside cxframe.
    """
    comments = ev.comment_count(facts)
    if not comments:
        return Verdict.no(say("coded.no_comments"))
    text = ev.plugin(facts, "text")
    if text is None or not isinstance(text.get("coverage"), int | float):
        return None
    coverage = float(text["coverage"])
    line = say(
        "coded.coverage",
        comments=text.get("comments", comments),
        themes=len(text.get("themes", [])),
        coverage=coverage,
        threshold=CODED_COVERAGE,
    )
    return Verdict(coverage >= CODED_COVERAGE, (line,))


def experience_joined(facts: Facts) -> Verdict:
    respondents, joined = ev.respondents_joined(facts)
    events = ev.event_count(facts)
    if not respondents or not events:
        return Verdict.no(say("join.nothing", respondents=respondents, events=events))
    share = joined / respondents
    return Verdict(
        share >= 0.5,
        (say("join.share", joined=joined, respondents=respondents, share=share),),
    )


# --- measurement ---------------------------------------------------------------------------


def headline_regular(facts: Facts) -> Verdict | None:
    nps = ev.plugin(facts, "nps")
    if nps is None:
        return None
    metrics = nps.get("metrics", {})
    lines, regular = [], []
    for metric in ("nps", "csat"):
        found = metrics.get(metric)
        if found is None:
            lines.append(say("metric.no_data", metric=metric))
            continue
        months = len(found["months"])
        has_interval = found["ci_low"] is not None and found["ci_high"] is not None
        lines.append(
            say(
                "metric.regular" if has_interval else "metric.regular.no_interval",
                metric=metric,
                n=found["n"],
                months=months,
            )
        )
        if months >= 2 and has_interval:
            regular.append(metric)
    return Verdict(bool(regular), tuple(lines))


def samples_sufficient(facts: Facts) -> Verdict | None:
    nps = ev.plugin(facts, "nps")
    if nps is None:
        return None
    metrics = nps.get("metrics", {})
    if not metrics:
        return Verdict.no(say("metrics.none"))
    minimum = nps.get("min_sample", facts.run.min_sample)
    # a mean whose answers are all the same has no interval (flag no_variance), not too few answers
    small = [
        say("metric.n", metric=m, n=f["n"])
        for m, f in metrics.items()
        if "small_sample" in f["flags"] or (f["ci_low"] is None and "no_variance" not in f["flags"])
    ]
    line = say("metrics.sufficient", count=len(metrics) - len(small), total=len(metrics), minimum=minimum)
    return Verdict(not small, (line, say("flagged", items=listing(small))) if small else (line,))


def beyond_headline(facts: Facts) -> Verdict | None:
    nps = ev.plugin(facts, "nps")
    if nps is None:
        return None
    beyond = nps.get("beyond_headline", [])
    return Verdict(
        bool(beyond),
        (
            say("metrics.with_data", names=listing(nps.get("metrics_with_data", []))),
            say("metrics.beyond", names=listing(beyond)),
        ),
    )


def segmented(facts: Facts) -> Verdict | None:
    nps = ev.plugin(facts, "nps")
    if nps is None:
        return None
    columns = nps.get("segment_columns", {})
    usable = sorted(c for c, n in columns.items() if n >= 2)
    lines = [say("segment.values", column=c, count=n) for c, n in sorted(columns.items())] or [say("segments.none")]
    return Verdict(bool(usable), tuple(lines))


def kpi_linked(facts: Facts) -> Verdict:
    # an objective naming its KPI ties them on paper; a link measured on customers' facts (cxframe-insight) ties them
    # in the data: either is the tie, and both are shown
    links = [o for o in facts.programme.document.objectives if o.business_kpi]
    measured = _measured_links(facts)
    if not links and not measured:
        return Verdict.no(say("kpi.none"))
    named = (say("kpi.link", objective=o.id, metric=o.metric, kpi=o.business_kpi) for o in links)
    return Verdict.yes(*named, *measured)


def _measured_links(facts: Facts) -> list[Text]:
    """The KPI links cxframe-insight measured on customers with both a KPI fact and an answer."""
    insight = ev.plugin(facts, "insight")
    found = insight.get("business") if insight is not None else None
    lines = []
    for link in found if isinstance(found, list) else []:
        customers = link.get("customers") if isinstance(link, Mapping) else None
        if not isinstance(customers, int) or not customers or "problem" in link:
            continue
        values = {"kpi": link.get("kpi"), "metric": link.get("metric"), "customers": customers}
        difference = link.get("difference")
        if isinstance(difference, Mapping) and isinstance(difference.get("value"), int | float):
            between = difference.get("between") or ["", ""]
            lines.append(
                say(
                    "kpi.measured.difference",
                    **values,
                    high=between[0],
                    low=between[-1],
                    value=difference["value"],
                    ci_low=difference.get("ci_low") or 0.0,
                    ci_high=difference.get("ci_high") or 0.0,
                )
            )
        elif isinstance(per_point := link.get("per_point"), Mapping) and isinstance(
            per_point.get("slope"), int | float
        ):
            lines.append(
                say(
                    "kpi.measured.per_point",
                    **values,
                    slope=per_point["slope"],
                    ci_low=per_point.get("ci_low") or 0.0,
                    ci_high=per_point.get("ci_high") or 0.0,
                )
            )
        else:
            lines.append(say("kpi.measured", **values))
    return lines


def drivers_known(facts: Facts) -> Verdict | None:
    """The main metric's key drivers computed on the data at hand (cxframe-insight), explaining enough of it.

    Read from the key-driver analysis the plugin ran once for the assessment:
    known when it has figures and its explained R² reaches the plugin's
    ``drivers_min_r_squared`` (`DRIVERS_R_SQUARED` when the evidence does not
    say); without the plugin the question decides.
    """
    insight = ev.plugin(facts, "insight")
    if insight is None:
        return None
    found = insight.get("drivers")
    if not isinstance(found, Mapping):
        return Verdict.no(say("drivers.no_metric"))
    metric = insight.get("metric") or "?"
    bar = found.get("min_r_squared")
    if isinstance(bar, bool) or not isinstance(bar, int | float):
        bar = DRIVERS_R_SQUARED
    n = found.get("n") if isinstance(found.get("n"), int) else 0
    problem = found.get("problem")
    if isinstance(problem, Mapping):
        code = problem.get("code")
        if code == "too_few":
            return Verdict.no(say("drivers.too_few", metric=metric, n=n, needed=found.get("needed") or 0))
        if code == "no_variance":
            return Verdict.no(say("drivers.no_variance", metric=metric, n=n))
        return Verdict.no(say("drivers.no_ratings", metric=metric))
    r2 = found.get("r_squared")
    rows = [row for row in found.get("drivers") or () if isinstance(row, Mapping)]
    if isinstance(r2, bool) or not isinstance(r2, int | float) or not rows:
        return Verdict.no(say("drivers.no_ratings", metric=metric))
    top = [
        say("drivers.share", driver=row.get("driver"), share=row.get("share") or 0.0) for row in rows[:DRIVERS_SHOWN]
    ]
    line = say("drivers.found", metric=metric, n=n, r2=r2, bar=bar, top=listing(top, DRIVERS_SHOWN))
    if r2 >= bar:
        return Verdict.yes(line)
    return Verdict.no(line, say("drivers.weak", r2=r2, bar=bar, metric=metric))


#: The explained R² from which key drivers count as known when the evidence names no bar (the plugin's default).
DRIVERS_R_SQUARED = 0.2
#: Drivers the evidence line names, most important first.
DRIVERS_SHOWN = 3


def predictive_insight(facts: Facts) -> Verdict | None:
    """A churn model validated on a time split (cxframe-insight) is predictive insight; rules alone ask the question."""
    insight = ev.plugin(facts, "insight")
    churn = insight.get("churn") if insight is not None else None
    if not isinstance(churn, Mapping) or churn.get("model") in (None, "rules"):
        return None
    auc = churn.get("auc")
    if isinstance(auc, bool) or not isinstance(auc, int | float):
        return None
    stored = churn.get("bands")
    bands: Mapping[str, Any] = stored if isinstance(stored, Mapping) else {}
    line = say(
        "predictive.model",
        model=churn["model"],
        auc=auc,
        customers=churn.get("customers") or 0,
        high=bands.get("high") or 0,
    )
    # a model no better than a coin's toss predicts nothing, whatever it is called
    return Verdict(auc >= PREDICTIVE_AUC, (line,) if auc >= PREDICTIVE_AUC else (line, say("predictive.weak")))


#: The time-split AUC from which a churn model counts as predictive insight (0.5 is chance).
PREDICTIVE_AUC = 0.6


# --- people-oriented culture ---------------------------------------------------------------


def enps_measured(facts: Facts) -> Verdict | None:
    employee = ev.plugin(facts, "employee")
    if employee is None:
        return None
    overall = employee.get("enps")
    if not overall or overall.get("value") is None:
        return Verdict.no(say("enps.none"))
    teams = [r for r in employee.get("enps_by_team", []) if r.get("value") is not None]
    return Verdict.yes(
        say(
            "enps.measured",
            value=overall["value"],
            n=overall["n"],
            teams=len(teams),
            threshold=employee.get("anonymity_threshold"),
        )
    )


def training(facts: Facts) -> Verdict | None:
    return ev.check_verdict(facts, ["employee.training"])


def resourced(facts: Facts) -> Verdict | None:
    return ev.check_verdict(facts, ["employee.staffing", "employee.systems"])


def empowered(facts: Facts) -> Verdict | None:
    return ev.check_verdict(facts, ["employee.decision-authority", "employee.kpi-mix"])


def ex_cx_link(facts: Facts) -> Verdict | None:
    employee = ev.plugin(facts, "employee")
    if employee is None:
        return None
    link = employee.get("link", {})
    if "error" in link:
        return Verdict.no(say("link.error", error=link["error"]))
    # the statement without its caveat; a document from before "summary" cut it off by its words
    statement = str(link.get("summary") or str(link.get("statement", "")).split(" This is an association")[0])
    return Verdict(link.get("r") is not None, (statement,))


def feedback_acted_on(facts: Facts) -> Verdict | None:
    return ev.check_verdict(facts, ["employee.voice-of-employee"])


# --- the model -------------------------------------------------------------------------------

DIMENSIONS = (
    Dimension(
        "framework",
        "Framework, context and leadership",
        Stage.CONTEXT,
        "Context, stakeholders and their needs, scope, a leadership sponsor, strategy and governance.",
    ),
    Dimension(
        "design",
        "Planning and design of the experience",
        Stage.DESIGN,
        "Journeys, touchpoints across the contact environments and experience elements, emotional design.",
    ),
    Dimension(
        "improvement",
        "Improvement actions",
        Stage.IMPROVE,
        "Actions with owners, the inner and outer closed loop, measured effects.",
    ),
    Dimension(
        "information",
        "Collecting and understanding customer information",
        Stage.MEASURE,
        "Expectations first; solicited, unstructured and behavioural data; joined up.",
    ),
    Dimension(
        "measurement",
        "Measurement",
        Stage.MEASURE,
        "Regular, honest, beyond NPS/CSAT, segmented and tied to business results.",
    ),
    Dimension(
        "culture",
        "People-oriented culture",
        Stage.PLAN,
        "Employees heard, trained, resourced and empowered; employee experience linked to customer experience.",
    ),
)

CRITERIA = (
    # framework
    Criterion(
        "iso.framework.sponsor",
        "framework",
        1,
        "A leadership sponsor is named",
        evidence=sponsor,
        recommendation="Name an executive sponsor who owns the CX programme (context.sponsor).",
    ),
    Criterion(
        "iso.framework.context",
        "framework",
        2,
        "Scope, internal and external factors and stakeholders with their needs are stated",
        evidence=context_understood,
        recommendation="Write down the scope, the internal and external factors, and each stakeholder's needs.",
    ),
    Criterion(
        "iso.framework.strategy",
        "framework",
        3,
        "A written CX strategy with codified objectives (metric, target, deadline, owner)",
        evidence=strategy_and_objectives,
        recommendation="Write the CX strategy from the company strategy and brand, and give every objective a "
        "metric, target, deadline and owner.",
    ),
    Criterion(
        "iso.framework.funding",
        "framework",
        4,
        "CX alignment is a funding criterion for projects",
        question="Is CX alignment a funding criterion for projects?",
        recommendation="Make the expected effect on customers a criterion in the project funding decision.",
    ),
    Criterion(
        "iso.framework.review",
        "framework",
        5,
        "The CX strategy is reviewed yearly with stakeholders",
        question="Is the CX strategy and programme reviewed at least yearly with its stakeholders?",
        recommendation="Hold a yearly review of the CX strategy and results with the sponsor and stakeholders.",
    ),
    # design
    Criterion(
        "iso.design.journeys",
        "design",
        1,
        "The main journeys and their pain points are mapped",
        evidence=journeys_mapped,
        recommendation="Map the main customer journeys stage by stage and record their pain points.",
    ),
    Criterion(
        "iso.design.inventory",
        "design",
        2,
        "Every touchpoint has a contact environment, experience elements and an owner",
        evidence=touchpoint_inventory,
        recommendation="Complete the touchpoint inventory: environment, the elements each touches, and an owner.",
    ),
    Criterion(
        "iso.design.coverage",
        "design",
        3,
        "Touchpoints cover all five contact environments and all four experience elements",
        evidence=touchpoint_coverage,
        recommendation="Design the missing environments (e.g. third-party, remote) and elements (e.g. brand) "
        "into the journeys.",
    ),
    Criterion(
        "iso.design.validated",
        "design",
        3,
        "Every journey stage is measured with customer data",
        evidence=stages_measured,
        question="Is every journey stage validated with customer data (a measure with results)?",
        recommendation="Name a measure for every journey stage (stage measures) and collect data for it.",
    ),
    Criterion(
        "iso.design.emotions",
        "design",
        4,
        "Every journey maps emotions, pain points, opportunities and moments of truth",
        evidence=emotional_design,
        recommendation="Add the emotion at each stage, the opportunities and the moments of truth to every journey.",
    ),
    Criterion(
        "iso.design.surprise",
        "design",
        5,
        "Individual and surprising service is designed in",
        question="Are individual and surprising service (the top of the ISO 23592 pyramid) designed into the journeys?",
        recommendation="Design moments of individual and surprising service at the moments of truth.",
    ),
    # improvement
    Criterion(
        "iso.improve.actions",
        "improvement",
        1,
        "Improvement actions are recorded",
        evidence=actions_recorded,
        recommendation="Record improvement actions for the findings, so that fixes are visible and followed.",
    ),
    Criterion(
        "iso.improve.backlog",
        "improvement",
        2,
        "An owned backlog: planned, in-progress and done actions have an owner and a due date",
        evidence=owned_backlog,
        recommendation="Give every planned, in-progress or done action an owner and a due date.",
    ),
    Criterion(
        "iso.improve.inner-loop",
        "improvement",
        3,
        "Inner loop: detractors are contacted within 48 hours",
        evidence=inner_loop,
        question="Are at least 80% of detractors contacted within 48 hours?",
        recommendation="Contact detractors within 48 hours (leaders: 24): a closed-loop rule with an SLA of at most 48 "
        "hours and its cases closed in time, or the follow-up recorded as an event.",
    ),
    Criterion(
        "iso.improve.effects",
        "improvement",
        4,
        "Outer loop: finished actions have a measured effect against a baseline",
        evidence=effects_measured,
        recommendation="Record a baseline before and the measured effect after every finished action.",
    ),
    Criterion(
        "iso.improve.objectives-met",
        "improvement",
        5,
        "Every CX objective is met",
        evidence=objectives_met,
        recommendation="Find the journeys and touchpoints behind the objectives not met and act on them.",
    ),
    # information
    Criterion(
        "iso.info.survey",
        "information",
        1,
        "Customer feedback is collected",
        evidence=survey_collected,
        recommendation="Collect solicited customer feedback (a survey after the main interactions).",
    ),
    Criterion(
        "iso.info.expectations",
        "information",
        2,
        "Customer expectations are identified for every journey stage",
        evidence=expectations_identified,
        recommendation="Identify what customers expect at each journey stage before measuring it.",
    ),
    Criterion(
        "iso.info.sources",
        "information",
        3,
        "Survey answers, text comments and behavioural (interaction) data are all collected",
        evidence=information_sources,
        recommendation="Add the missing source: free-text comments in surveys, or an interaction event log.",
    ),
    Criterion(
        "iso.info.coded",
        "information",
        3,
        "Comments are coded against a codeframe that covers most of them",
        evidence=comments_coded,
        question="Are customers' comments coded against a codeframe (a theme taxonomy) that covers at least 70% of them?",
        recommendation="Keep a codeframe of themes for the comments ([[plugins.cxframe-text.themes]]) and extend it "
        "until it codes at least 70% of them (cxframe text discover suggests themes).",
    ),
    Criterion(
        "iso.info.joined",
        "information",
        4,
        "Experience data are joined with behavioural data by customer",
        evidence=experience_joined,
        recommendation="Carry the customer id in survey and event data so experience and behaviour can be joined.",
    ),
    Criterion(
        "iso.info.predictive",
        "information",
        5,
        "Customer data give predictive insight",
        evidence=predictive_insight,
        question="Do you use predictive insight from customer data (churn alerts, next best action)?",
        recommendation="Build a model on joined experience and behavioural data (e.g. churn risk) and act on it.",
    ),
    # measurement
    Criterion(
        "iso.measure.regular",
        "measurement",
        1,
        "NPS or CSAT is measured regularly, with intervals",
        evidence=headline_regular,
        question="Are NPS or CSAT measured regularly (every month or quarter) and reported with intervals?",
        recommendation="Measure NPS or CSAT every month and report it with its confidence interval.",
    ),
    Criterion(
        "iso.measure.samples",
        "measurement",
        2,
        "Every metric rests on a sample large enough to report",
        evidence=samples_sufficient,
        question="Do all reported CX metrics rest on samples of at least the minimum size?",
        recommendation="Collect more answers for the flagged metrics, or report them only as indicative.",
    ),
    Criterion(
        "iso.measure.beyond",
        "measurement",
        3,
        "Measures beyond NPS/CSAT have data",
        evidence=beyond_headline,
        question="Do you measure beyond NPS/CSAT (effort, resolution, accessibility) with data?",
        recommendation="Add effort (CES), first-contact resolution or accessibility measures.",
    ),
    Criterion(
        "iso.measure.segmented",
        "measurement",
        3,
        "Results can be compared by customer segment",
        evidence=segmented,
        question="Are CX results reported by customer segment?",
        recommendation="Collect segment columns (region, product, channel, value) with the feedback.",
    ),
    Criterion(
        "iso.measure.kpi-link",
        "measurement",
        4,
        "A CX metric is tied to a business KPI",
        evidence=kpi_linked,
        recommendation="Set business_kpi (retention, revenue) on objectives and track both together.",
    ),
    Criterion(
        "iso.measure.drivers",
        "measurement",
        4,
        "The key drivers of the main CX metric are known from the data",
        evidence=drivers_known,
        question="Do you know the key drivers of your main CX metric from a key-driver analysis of current "
        "survey data?",
        recommendation="Ask attribute ratings (speed, staff, clarity …) with the main metric and run a key-driver "
        "analysis (cxframe drivers) on enough complete responses.",
    ),
    Criterion(
        "iso.measure.management-review",
        "measurement",
        5,
        "CX results and their business effect are part of management review",
        question="Are CX results, their key drivers and their effect on revenue and retention part of management "
        "review?",
        recommendation="Put CX results, their drivers and their business effect on the management review agenda.",
    ),
    # culture
    Criterion(
        "iso.culture.enps",
        "culture",
        1,
        "Employees are heard: eNPS is measured",
        evidence=enps_measured,
        question="Do you survey employees (eNPS or similar) at least yearly?",
        recommendation="Survey employees (eNPS) at least yearly, by team, under an anonymity threshold.",
    ),
    Criterion(
        "iso.culture.training",
        "culture",
        2,
        "Frontline employees are trained, in CX too",
        evidence=training,
        question="Do all frontline employees receive CX training?",
        recommendation="Train every frontline employee, CX included (check employee.training).",
    ),
    Criterion(
        "iso.culture.resourced",
        "culture",
        3,
        "Frontline roles are resourced and do not juggle systems",
        evidence=resourced,
        question="Are frontline teams staffed for the demand, with tools that do not make them juggle systems?",
        recommendation="Staff frontline roles for the demand and reduce the systems used per interaction.",
    ),
    Criterion(
        "iso.culture.empowered",
        "culture",
        4,
        "The frontline is empowered to resolve issues and judged on customer KPIs",
        evidence=empowered,
        question="Can frontline staff resolve common issues themselves, and do their scorecards carry a customer KPI?",
        recommendation="Give frontline roles the authority to resolve common issues and a customer KPI on their "
        "scorecard.",
    ),
    Criterion(
        "iso.culture.link",
        "culture",
        4,
        "The link between employee and customer experience is measured",
        evidence=ex_cx_link,
        question="Do you measure the link between teams' employee experience and their customers' experience?",
        recommendation="Record the team with customer feedback and compute the EX ↔ CX link.",
    ),
    Criterion(
        "iso.culture.acted-on",
        "culture",
        5,
        "Employee feedback is acted on",
        evidence=feedback_acted_on,
        question="Is there a voice-of-employee channel whose suggestions are regularly acted on?",
        recommendation="Run a voice-of-employee channel and act on a good share of its suggestions.",
    ),
)

ZH_CN = {
    "title": "客户体验管理成熟度（ISO 卓越服务领域）",
    "level.1": "初始",
    "level.2": "发展中",
    "level.3": "已定义",
    "level.4": "已管理",
    "level.5": "已内化",
    "framework": "框架、环境与领导力",
    "design": "体验的规划与设计",
    "improvement": "改进行动",
    "information": "客户信息的收集与理解",
    "measurement": "测量",
    "culture": "以人为本的文化",
    "iso.framework.sponsor": "已指定领导层发起人",
    "iso.framework.sponsor.recommendation": "指定一位负责客户体验项目的高管发起人（context.sponsor）。",
    "iso.framework.context": "已写明范围、内外部因素以及各利益相关方及其需求",
    "iso.framework.context.recommendation": "写明项目范围、内部和外部因素，以及每个利益相关方的需求。",
    "iso.framework.strategy": "有书面的客户体验战略和明确的目标（指标、目标值、期限、负责人）",
    "iso.framework.strategy.recommendation": "依据公司战略和品牌撰写客户体验战略，并为每个目标设定指标、目标值、期限和负责人。",
    "iso.framework.funding": "与客户体验的一致性是项目立项拨款的标准",
    "iso.framework.funding.question": "项目拨款时，是否把与客户体验的一致性作为评审标准？",
    "iso.framework.funding.recommendation": "在项目拨款决策中，把对客户的预期影响列为评审标准。",
    "iso.framework.review": "每年与利益相关方一起评审客户体验战略",
    "iso.framework.review.question": "客户体验战略和项目是否至少每年与利益相关方一起评审一次？",
    "iso.framework.review.recommendation": "每年与发起人和利益相关方一起评审客户体验战略及其成果。",
    "iso.design.journeys": "已绘制主要客户旅程及其痛点",
    "iso.design.journeys.recommendation": "逐阶段绘制主要客户旅程，并记录其中的痛点。",
    "iso.design.inventory": "每个触点都有接触环境、体验要素和负责人",
    "iso.design.inventory.recommendation": "完善触点清单：接触环境、涉及的体验要素以及负责人。",
    "iso.design.coverage": "触点覆盖全部五种接触环境和四种体验要素",
    "iso.design.coverage.recommendation": "把缺失的接触环境（如第三方、远程）和体验要素（如品牌）设计进客户旅程。",
    "iso.design.validated": "每个旅程阶段都用客户数据进行测量",
    "iso.design.validated.question": "每个旅程阶段是否都经过客户数据验证（有测量指标并有结果）？",
    "iso.design.validated.recommendation": "为每个旅程阶段指定测量指标（stage measures）并收集数据。",
    "iso.design.emotions": "每条旅程都标出情绪、痛点、机会和关键时刻",
    "iso.design.emotions.recommendation": "为每条旅程补充各阶段的情绪、改进机会和关键时刻。",
    "iso.design.surprise": "在设计中融入个性化和超出预期的服务",
    "iso.design.surprise.question": "客户旅程中是否设计了个性化和超出预期的服务（ISO 23592 金字塔的顶层）？",
    "iso.design.surprise.recommendation": "在关键时刻设计个性化和超出预期的服务。",
    "iso.improve.actions": "已记录改进行动",
    "iso.improve.actions.recommendation": "针对发现的问题记录改进行动，让改进可见、可跟踪。",
    "iso.improve.backlog": "有人负责的待办清单：已计划、进行中和已完成的行动都有负责人和截止日期",
    "iso.improve.backlog.recommendation": "为每个已计划、进行中或已完成的行动指定负责人和截止日期。",
    "iso.improve.inner-loop": "内循环：在 48 小时内联系贬损者",
    "iso.improve.inner-loop.question": "是否至少 80% 的贬损者在 48 小时内得到联系？",
    "iso.improve.inner-loop.recommendation": "在 48 小时内（领先者 24 小时内）联系贬损者：设置服务时限不超过 48 小时的闭环规则"
    "并按时关闭其个案，或把回访记录为事件。",
    "iso.improve.effects": "外循环：已完成的行动都有相对基线测得的效果",
    "iso.improve.effects.recommendation": "每个行动开始前记录基线，完成后记录测得的效果。",
    "iso.improve.objectives-met": "所有客户体验目标均已达成",
    "iso.improve.objectives-met.recommendation": "找出未达成目标背后的旅程和触点，并采取行动。",
    "iso.info.survey": "已收集客户反馈",
    "iso.info.survey.recommendation": "收集主动征询的客户反馈（在主要互动之后进行调查）。",
    "iso.info.expectations": "已识别每个旅程阶段的客户期望",
    "iso.info.expectations.recommendation": "在测量之前，先识别客户在每个旅程阶段的期望。",
    "iso.info.sources": "调查答复、文字评论和行为（互动）数据都已收集",
    "iso.info.sources.recommendation": "补充缺失的数据来源：调查中的文字评论，或互动事件日志。",
    "iso.info.coded": "评论已按编码框架编码，且框架覆盖大部分评论",
    "iso.info.coded.question": "客户评论是否按编码框架（主题分类）编码，且覆盖至少 70% 的评论？",
    "iso.info.coded.recommendation": "为评论维护一套主题编码框架（[[plugins.cxframe-text.themes]]），并不断扩充，"
    "直到覆盖至少 70% 的评论（cxframe text discover 可建议新主题）。",
    "iso.info.joined": "体验数据已按客户与行为数据关联",
    "iso.info.joined.recommendation": "在调查和事件数据中携带客户编号，以便关联体验与行为。",
    "iso.info.predictive": "客户数据能提供预测性洞察",
    "iso.info.predictive.question": "是否利用客户数据进行预测（流失预警、下一步最佳行动）？",
    "iso.info.predictive.recommendation": "基于关联后的体验与行为数据建立模型（如流失风险）并据此行动。",
    "iso.measure.regular": "定期测量 NPS 或 CSAT，并给出置信区间",
    "iso.measure.regular.question": "是否定期（每月或每季度）测量 NPS 或 CSAT，并附置信区间报告？",
    "iso.measure.regular.recommendation": "每月测量 NPS 或 CSAT，并连同置信区间一起报告。",
    "iso.measure.samples": "每个指标的样本量都足以报告",
    "iso.measure.samples.question": "所有报告的客户体验指标的样本量是否都达到最低要求？",
    "iso.measure.samples.recommendation": "为被标记的指标收集更多答复，或仅作为参考值报告。",
    "iso.measure.beyond": "有 NPS/CSAT 之外的测量数据",
    "iso.measure.beyond.question": "是否在 NPS/CSAT 之外还测量费力度、问题解决率、可及性等并有数据？",
    "iso.measure.beyond.recommendation": "增加客户费力度（CES）、首次联系解决率或可及性等指标。",
    "iso.measure.segmented": "可以按客户细分比较结果",
    "iso.measure.segmented.question": "客户体验结果是否按客户细分进行报告？",
    "iso.measure.segmented.recommendation": "随反馈一起收集细分字段（地区、产品、渠道、客户价值）。",
    "iso.measure.drivers": "已根据数据掌握主要客户体验指标的关键驱动因素",
    "iso.measure.drivers.question": "是否通过对当前调查数据的关键驱动因素分析，掌握了主要客户体验指标的关键驱动因素？",
    "iso.measure.drivers.recommendation": "在主要指标之外同时询问各项属性评分（速度、员工、清晰度……），"
    "并在足够多的完整回答上进行关键驱动因素分析（cxframe drivers）。",
    "iso.measure.kpi-link": "客户体验指标与业务 KPI 挂钩",
    "iso.measure.kpi-link.recommendation": "在目标上设置 business_kpi（留存、收入），并同时跟踪两者。",
    "iso.measure.management-review": "客户体验结果及其业务影响纳入管理评审",
    "iso.measure.management-review.question": "客户体验结果、其关键驱动因素及其对收入和留存的影响是否纳入管理评审？",
    "iso.measure.management-review.recommendation": "把客户体验结果、驱动因素及业务影响列入管理评审议程。",
    "iso.culture.enps": "倾听员工：已测量员工净推荐值（eNPS）",
    "iso.culture.enps.question": "是否至少每年开展一次员工调查（eNPS 或类似调查）？",
    "iso.culture.enps.recommendation": "至少每年按团队开展一次员工调查（eNPS），并设置匿名阈值。",
    "iso.culture.training": "一线员工接受培训，包括客户体验培训",
    "iso.culture.training.question": "所有一线员工是否都接受过客户体验培训？",
    "iso.culture.training.recommendation": "为每位一线员工提供培训，包括客户体验培训（见 employee.training 检查）。",
    "iso.culture.resourced": "一线岗位资源充足，无需在多个系统间来回切换",
    "iso.culture.resourced.question": "一线团队的人手是否足以应对需求，所用工具是否无需在多个系统间来回切换？",
    "iso.culture.resourced.recommendation": "按需求配置一线人员，并减少每次互动所需使用的系统数量。",
    "iso.culture.empowered": "一线员工有权解决问题，并以客户类 KPI 考核",
    "iso.culture.empowered.question": "一线员工能否自行解决常见问题，其考核指标中是否包含客户类 KPI？",
    "iso.culture.empowered.recommendation": "授权一线岗位自行解决常见问题，并在其考核表中加入客户类 KPI。",
    "iso.culture.link": "已测量员工体验与客户体验之间的关联",
    "iso.culture.link.question": "是否测量各团队的员工体验与其客户体验之间的关联？",
    "iso.culture.link.recommendation": "在客户反馈中记录所属团队，并计算员工体验与客户体验的关联。",
    "iso.culture.acted-on": "员工反馈得到落实",
    "iso.culture.acted-on.question": "是否有员工之声渠道，且其建议经常得到落实？",
    "iso.culture.acted-on.recommendation": "建立员工之声渠道，并落实相当比例的建议。",
}

MODEL = MaturityModel(
    id="iso-cx",
    title="CX management maturity (ISO service-excellence areas)",
    dimensions=DIMENSIONS,
    criteria=CRITERIA,
    description=(
        "The six key areas of CX management from the ISO service-excellence family (ISO 23592, ISO/TS 24082, "
        "ISO/TS 23686, ISO 10004), each judged on five levels from explicit criteria scored from the programme, "
        "the store, the checks and the questionnaire."
    ),
    translations={"zh-CN": ZH_CN},
)
