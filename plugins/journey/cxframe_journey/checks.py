"""Touchpoint-inventory and journey checks (``journey.*``), each pass/warn/fail with evidence.

==========================  ======  ==============================================================
check                       stage   passes when … (warns / fails otherwise, see each function)
==========================  ======  ==============================================================
journey.stage-touchpoints   design  every journey stage names at least one touchpoint
journey.stage-measures      design  every journey stage names a measure (a metric id) that has data
journey.touchpoint-owners   design  every touchpoint has an owner
journey.environments        design  every contact environment has a touchpoint
journey.elements            design  every experience element has a touchpoint
journey.event-coverage      design  the touchpoints in the event data and in the maps are the same
journey.handoffs            design  no change of owner between consecutive touchpoints of a journey
journey.painpoints          improve no touchpoint's pain ``rank_score`` reaches the threshold
==========================  ======  ==============================================================

Nothing described yet (no journey, no touchpoint inventory, no events) warns,
as the other built-in plugins do for what a programme has not described; a
described design that lacks the property throughout (a journey with no
touchpoint in any stage, no stage measured, no touchpoint owned or placed in
an environment) fails.

The inventory facts behind them (`inventory`) also feed the assessment
evidence. Check functions read the programme as written (``run.programme``),
not the design last synced to the store, so ``cxframe check`` sees edits at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import attrs

from cxframe import (
    Check,
    CheckResult,
    CheckStatus,
    Environment,
    ExperienceElement,
    Journey,
    MetricCatalogue,
    Programme,
    RunContext,
    Severity,
    Stage,
    Store,
    Touchpoint,
)
from cxframe_journey import overlay
from cxframe_journey.settings import load_settings

PASS, WARN, FAIL = CheckStatus.PASS, CheckStatus.WARN, CheckStatus.FAIL


@attrs.frozen
class Handoff:
    """A change of owner between two consecutive touchpoints of a journey."""

    journey: str
    stage: str
    source: str
    target: str
    from_owner: str
    to_owner: str

    def describe(self) -> str:
        return f"{self.journey} ({self.stage}): {self.source} [{self.from_owner}] → {self.target} [{self.to_owner}]"


def _stages(programme: Programme) -> list[tuple[Journey, int]]:
    return [(journey, index) for journey in programme.journeys for index in range(len(journey.stages))]


def _no_journeys() -> CheckResult:
    # nothing described yet warns (as the other built-in plugins do); a map that contradicts itself fails
    return CheckResult(
        status=WARN,
        evidence=("the programme maps no journey (no [[journeys]] and no journey_files)",),
        recommendation="Map the main journeys: `cxframe journey template lifecycle` prints one to start from.",
    )


def journey_handoffs(journey: Journey, touchpoints: Sequence[Touchpoint]) -> tuple[list[Handoff], list[str]]:
    """The handoffs along ``journey``, and the touchpoints on it without an owner (which hide any).

    The journey's touchpoints are read in map order (stage by stage, each
    stage's in the order given); a touchpoint repeated right after itself is
    one step.
    """
    owners = {t.id: t.owner for t in touchpoints}
    path: list[tuple[str, str]] = []
    for stage in journey.stages:
        for tp in stage.touchpoints:
            if not path or path[-1][1] != tp:
                path.append((stage.id, tp))
    handoffs, unowned = [], []
    for (_, before), (at, after) in itertools.pairwise(path):
        first, second = owners.get(before), owners.get(after)
        if first and second and first != second:
            handoffs.append(Handoff(journey.id, at, before, after, first, second))
    for _, tp in path:
        if not owners.get(tp) and tp not in unowned:
            unowned.append(tp)
    return handoffs, unowned


def inventory(programme: Programme) -> dict[str, Any]:
    """The inventory facts of the assessment evidence (key names are public: the report charts them)."""
    touchpoints = programme.document.touchpoints
    environments = {t.environment for t in touchpoints if t.environment is not None}
    elements = {e for t in touchpoints for e in t.elements}
    stages = [stage for journey in programme.journeys for stage in journey.stages]
    handoffs = sum(len(journey_handoffs(j, touchpoints)[0]) for j in programme.journeys)
    return {
        "environments_covered": [e.value for e in Environment if e in environments],
        "environments_missing": [e.value for e in Environment if e not in environments],
        "elements_covered": [e.value for e in ExperienceElement if e in elements],
        "elements_missing": [e.value for e in ExperienceElement if e not in elements],
        "stages_total": len(stages),
        "stages_with_touchpoint": sum(1 for s in stages if s.touchpoints),
        "stages_with_measure": sum(1 for s in stages if s.measures),
        "touchpoints_total": len(touchpoints),
        "touchpoints_with_owner": sum(1 for t in touchpoints if t.owner),
        "handoffs": handoffs,
    }


def check_stage_touchpoints(run: RunContext) -> CheckResult:
    """Warn for stages without a touchpoint; fail when a whole journey has none."""
    if not run.programme.journeys:
        return _no_journeys()
    missing = [
        f"{j.id}: stage {j.stages[i].id!r} ({j.stages[i].name})"
        for j, i in _stages(run.programme)
        if not j.stages[i].touchpoints
    ]
    empty = [j.id for j in run.programme.journeys if not any(s.touchpoints for s in j.stages)]
    total = len(_stages(run.programme))
    if not missing:
        return CheckResult(status=PASS, evidence=(f"all {total} stages name at least one touchpoint",))
    return CheckResult(
        status=FAIL if empty else WARN,
        evidence=(
            f"{len(missing)} of {total} stages name no touchpoint",
            *(f"journey {j} has no touchpoint in any stage" for j in empty),
            *missing,
        ),
        recommendation="Name the touchpoints where the customer meets you at each stage (stages[].touchpoints).",
    )


def _questions_with_data(store: Store) -> set[str]:
    return {row[0] for row in store.db.execute("SELECT DISTINCT question FROM observations")}


def check_stage_measures(run: RunContext) -> CheckResult:
    """Warn for stages without a measure, with a measure no plugin provides, or whose measures have no data yet;
    fail when no stage names a measure.

    The one owner of "every journey stage is measured": a stage is measured when it names a metric that a
    plugin provides and that has data.
    """
    if not run.programme.journeys:
        return _no_journeys()
    stages = _stages(run.programme)
    metrics = {m.id: m for m in run.registry.metrics}
    answered = _questions_with_data(run.store)
    missing = [f"{j.id}: stage {j.stages[i].id!r} ({j.stages[i].name})" for j, i in stages if not j.stages[i].measures]
    unknown = [
        f"{j.id}: stage {j.stages[i].id!r} measures {m!r}, which no plugin provides"
        for j, i in stages
        for m in j.stages[i].measures
        if m not in metrics
    ]
    no_data = [
        f"{j.id}: stage {j.stages[i].id!r} measures {', '.join(j.stages[i].measures)}, with no data yet"
        for j, i in stages
        if j.stages[i].measures
        and not any(m in metrics and metrics[m].question in answered for m in j.stages[i].measures)
        and not any(m not in metrics for m in j.stages[i].measures)
    ]
    if not missing and not unknown and not no_data:
        return CheckResult(status=PASS, evidence=(f"all {len(stages)} stages name a measure that has data",))
    status = FAIL if len(missing) == len(stages) else WARN
    evidence = [f"{len(missing)} of {len(stages)} stages name no measure", *missing, *unknown, *no_data]
    known = ", ".join(run.registry.metrics.ids()) or "none installed"
    advice = f"Give every stage a measure (stages[].measures) from the registered metrics: {known}"
    if no_data:
        advice += "; collect data for the measures the stages name"
    return CheckResult(status=status, evidence=tuple(evidence), recommendation=advice + ".")


def check_touchpoint_owners(run: RunContext) -> CheckResult:
    """Warn for touchpoints without an owner (or no inventory at all); fail when nobody owns any."""
    touchpoints = run.programme.document.touchpoints
    if not touchpoints:
        return CheckResult(
            status=WARN,
            evidence=("the programme has no touchpoint inventory ([[touchpoints]] is empty)",),
            recommendation="List every touchpoint with its channel, environment, elements and owner.",
        )
    missing = [f"{t.id} ({t.name})" for t in touchpoints if not t.owner]
    if not missing:
        return CheckResult(status=PASS, evidence=(f"all {len(touchpoints)} touchpoints have an owner",))
    return CheckResult(
        status=FAIL if len(missing) == len(touchpoints) else WARN,
        evidence=(f"{len(missing)} of {len(touchpoints)} touchpoints have no owner: {', '.join(missing)}",),
        recommendation="Name an owner (a department or role) for every touchpoint, accountable for its experience.",
    )


def _coverage(kind: str, covered: list[str], missing: list[str], without: list[str]) -> CheckResult:
    evidence = [f"covered: {', '.join(covered) or 'none'}"]
    if missing:
        evidence.append(f"no touchpoint in: {', '.join(missing)}")
    if without:
        evidence.append(f"touchpoints without {kind}: {', '.join(without)}")
    if not missing:
        return CheckResult(status=PASS, evidence=tuple(evidence))
    return CheckResult(
        # fail only when an inventory exists and none of it says where (or what) it is
        status=FAIL if not covered and without else WARN,
        evidence=tuple(evidence),
        recommendation=(
            f"Check whether customers meet you in {', '.join(missing)} without a touchpoint in the inventory; "
            f"add those touchpoints (or note why the {kind} does not apply)."
        ),
    )


def check_environments(run: RunContext) -> CheckResult:
    """Warn for contact environments without a touchpoint; fail when no touchpoint names one."""
    facts = inventory(run.programme)
    without = [t.id for t in run.programme.document.touchpoints if t.environment is None]
    return _coverage("an environment", facts["environments_covered"], facts["environments_missing"], without)


def check_elements(run: RunContext) -> CheckResult:
    """Warn for experience elements without a touchpoint; fail when no touchpoint names one."""
    facts = inventory(run.programme)
    without = [t.id for t in run.programme.document.touchpoints if not t.elements]
    return _coverage("elements", facts["elements_covered"], facts["elements_missing"], without)


def check_event_coverage(run: RunContext) -> CheckResult:
    """Compare the touchpoints in the event data with the maps.

    Warns for touchpoints seen in events but on no journey map (or not in the
    inventory at all), and for mapped touchpoints never seen in the events.
    Without events it says so at severity info (not a finding).
    """
    touchpoints = run.programme.document.touchpoints
    seen = overlay.seen_touchpoints(run.store, touchpoints)
    if not seen:
        events = run.store.count("events")
        reason = "no events in the store" if not events else f"none of the {events} events is at a known touchpoint"
        return CheckResult(
            status=WARN,
            severity=Severity.INFO,
            evidence=(reason,),
            recommendation=(
                "Collect interaction events whose touchpoint (or activity) is a touchpoint id, "
                "to validate the journey maps with customer data."
            ),
        )
    inventory_ids = {t.id for t in touchpoints}
    mapped = {tp for journey in run.programme.journeys for stage in journey.stages for tp in stage.touchpoints}
    unknown = [f"{tp} ({n} events)" for tp, n in seen.items() if tp not in inventory_ids]
    unmapped = [f"{tp} ({n} events)" for tp, n in seen.items() if tp in inventory_ids and tp not in mapped]
    unseen = sorted(tp for tp in mapped if tp not in seen)
    evidence = [f"{len(seen)} touchpoints in the event data, {len(mapped)} on the journey maps"]
    if unknown:
        evidence.append(f"in the events but not in the touchpoint inventory: {', '.join(unknown)}")
    if unmapped:
        evidence.append(f"in the events but on no journey map: {', '.join(unmapped)}")
    if unseen:
        evidence.append(f"on a journey map but never in the events: {', '.join(unseen)}")
    if not (unknown or unmapped or unseen):
        return CheckResult(status=PASS, evidence=tuple(evidence))
    return CheckResult(
        status=WARN,
        evidence=tuple(evidence),
        recommendation=(
            "Bring the maps in line with what customers do: add the touchpoints they use to the inventory and "
            "the maps, and find out why mapped touchpoints leave no trace (not instrumented, or not used)."
        ),
    )


def check_handoffs(run: RunContext) -> CheckResult:
    """Warn listing every department handoff along each journey (the "seamless handoffs" principle)."""
    if not run.programme.journeys:
        return _no_journeys()
    touchpoints = run.programme.document.touchpoints
    handoffs: list[Handoff] = []
    unowned: list[str] = []
    for journey in run.programme.journeys:
        found, missing = journey_handoffs(journey, touchpoints)
        handoffs.extend(found)
        unowned.extend(tp for tp in missing if tp not in unowned)
    note = (f"owner unknown, so handoffs there cannot be seen: {', '.join(unowned)}",) if unowned else ()
    if not handoffs:
        return CheckResult(status=PASS, evidence=("no change of owner between consecutive touchpoints", *note))
    return CheckResult(
        status=WARN,
        evidence=(f"{len(handoffs)} handoffs between departments", *(h.describe() for h in handoffs), *note),
        recommendation=(
            "Make each handoff seamless: a shared case history, a named receiving owner and a service level "
            "for the handoff, so that the customer never has to repeat themselves."
        ),
    )


def painpoint_list(
    store: Store, programme: Programme, registry: MetricCatalogue, *, source: str | None = None
) -> list[overlay.PainPoint]:
    """The ranked pain points in ``store``, with the programme's settings and the metrics' directions."""
    settings = load_settings(programme)
    lower = {m.question for m in registry.metrics if not m.higher_is_better}
    return overlay.painpoints(
        store,
        programme.journeys,
        programme.document.touchpoints,
        window_seconds=settings.repeat_window_seconds,
        min_sample=programme.settings.min_sample,
        lower_is_better=lower,
        question=settings.question,
        source=source,
        confidence=programme.settings.confidence,
    )


def check_painpoints(run: RunContext) -> list[CheckResult]:
    """One warning per pain point whose ``rank_score`` reaches ``painpoint_threshold`` (so each is a finding)."""
    threshold = load_settings(run.programme).painpoint_threshold
    ranked = painpoint_list(run.store, run.programme, run.registry)
    if not ranked:
        return [
            CheckResult(
                status=WARN,
                severity=Severity.INFO,
                evidence=("no events at a known touchpoint: pain points cannot be located",),
                recommendation="Collect interaction events with their touchpoint to overlay volume and experience.",
            )
        ]
    # a pain score of 0 means nothing is worse than typical: never a finding, whatever the threshold
    above = [p for p in ranked if p["rank_score"] >= threshold and p["rank_score"] > 0]
    if not above:
        top = ranked[0]
        return [
            CheckResult(
                status=PASS,
                evidence=(
                    f"no touchpoint's pain score reaches {threshold:g}; the highest is {top['name']} "
                    f"at {top['rank_score']:.3f}",
                ),
            )
        ]
    return [
        CheckResult(
            status=WARN,
            title=f"Pain point at {point['name']}",
            evidence=(point["reason"], *point["evidence"]),
            recommendation=_painpoint_advice(point),
        )
        for point in above
    ]


#: What to do about a pain point, by the signal that ranks it (``{name}``: the touchpoint, ``{facts}``: its figures).
_ADVICE = {
    "repeats": (
        "Repeat contacts at {name} ({facts}): walk a sample of them back to the first contact with the "
        "touchpoint's owner, fix what left customers unresolved, and measure the repeat share against this baseline."
    ),
    "drop_off": (
        "Drop-off at {name} ({facts}): walk a sample of the cases that ended there back to their cause with the "
        "touchpoint's owner, remove the obstacle, and measure the drop-off against this baseline."
    ),
    "score": (
        "Low scores at {name} ({facts}): read the comments of its low scorers with the touchpoint's owner, plan an "
        "action on the main cause, and measure the score against this baseline."
    ),
}


def _painpoint_advice(point: overlay.PainPoint) -> str:
    main = overlay.main_signal(point)
    assert main is not None  # a point at or above a positive threshold has a signal worse than typical
    kind, facts = main
    return _ADVICE[kind].format(name=point["name"], facts=facts)


CHECKS: tuple[Check, ...] = (
    Check(
        "journey.stage-touchpoints",
        "Every journey stage has a touchpoint",
        check_stage_touchpoints,
        Severity.MEDIUM,
        Stage.DESIGN,
        problem="Journey stages without a touchpoint",
    ),
    Check(
        "journey.stage-measures",
        "Every journey stage is measured",
        check_stage_measures,
        Severity.MEDIUM,
        Stage.DESIGN,
        problem="Journey stages not measured",
    ),
    Check(
        "journey.touchpoint-owners",
        "Every touchpoint has an owner",
        check_touchpoint_owners,
        Severity.MEDIUM,
        Stage.DESIGN,
        problem="Touchpoints without an owner",
    ),
    Check(
        "journey.environments",
        "Every contact environment has a touchpoint",
        check_environments,
        Severity.LOW,
        Stage.DESIGN,
        problem="Contact environments without a touchpoint",
    ),
    Check(
        "journey.elements",
        "Every experience element has a touchpoint",
        check_elements,
        Severity.LOW,
        Stage.DESIGN,
        problem="Experience elements without a touchpoint",
    ),
    Check(
        "journey.event-coverage",
        "The journey maps match the event data",
        check_event_coverage,
        Severity.MEDIUM,
        Stage.DESIGN,
        problem="The journey maps do not match the event data",
    ),
    Check(
        "journey.handoffs",
        "Handoffs between departments along the journeys",
        check_handoffs,
        Severity.LOW,
        Stage.DESIGN,
        problem="Customers are handed off between departments along the journeys",
    ),
    # each pain point's result carries its own title ("Pain point at …"), which states the problem
    Check("journey.painpoints", "Pain points on the journeys", check_painpoints, Severity.HIGH, Stage.IMPROVE),
)
