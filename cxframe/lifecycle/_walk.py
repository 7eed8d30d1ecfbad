"""The lifecycle runner: walks context → plan → design → measure → improve.

Around each stage it fires ``stage_started`` and ``stage_finished`` (each
plugin isolated), and in between does the core's own work for that stage:

* context: check that the programme states its organisation, scope and sponsor;
* plan: check every objective names a registered metric;
* design: write the programme's design (touchpoints, personas, journeys,
  objectives) to the store;
* measure: compute every objective's metric for its segment, with its target
  status, and every registered metric over all data;
* improve: run every check and turn missed objectives and failed or warning
  checks into findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from cxframe.contracts._errors import CxframeError
from cxframe.contracts._records import CheckResult, CheckStatus, Finding, MetricResult, Severity, TargetStatus
from cxframe.contracts._stages import Stage, StageOutcome
from cxframe.contracts._texts import Catalogue
from cxframe.lifecycle._checks import is_problem, run_checks
from cxframe.lifecycle._protection import protect
from cxframe.lifecycle._run import Run
from cxframe.measurement._engine import compute_metric, evaluate_objective

StageWork = Callable[[Run], StageOutcome]


def _context(run: Run) -> StageOutcome:
    context = run.programme.document.context
    messages = []
    for field, label in (("organisation", "organisation"), ("scope", "scope"), ("sponsor", "leadership sponsor")):
        if not getattr(context, field):
            messages.append(f"context.{field}: no {label} stated")
    counts = {"stakeholders": len(context.stakeholders)}
    return StageOutcome(Stage.CONTEXT, counts=counts, messages=tuple(messages))


def _plan(run: Run) -> StageOutcome:
    messages = []
    if not run.programme.document.objectives:
        # nothing planned is not a plan done: a note, so the stage is marked like any other incomplete one
        messages.append("objectives: none set; add [[objectives]] with a metric and a target")
    for index, objective in enumerate(run.programme.document.objectives):
        if objective.metric not in run.registry.metrics:
            messages.append(f"objectives[{index}].metric: no plugin provides metric {objective.metric!r}")
        if objective.deadline is None:
            messages.append(f"objectives[{index}] ({objective.id}): no deadline")
    return StageOutcome(
        Stage.PLAN, counts={"objectives": len(run.programme.document.objectives)}, messages=tuple(messages)
    )


def _design(run: Run) -> StageOutcome:
    counts = run.store.sync_design(run.programme)
    # the action register is stored with each run, so its history (status, effect) can be followed
    run.store.write_actions(run.id, run.programme.document.actions)
    counts["actions"] = len(run.programme.document.actions)
    return StageOutcome(Stage.DESIGN, counts=counts)


def measure_objectives(run: Run) -> tuple[list[MetricResult], list[str]]:
    results, messages = [], []
    for objective in run.programme.document.objectives:
        if objective.metric not in run.registry.metrics:
            continue
        metric = run.registry.metrics.get(objective.metric)
        try:
            result = evaluate_objective(run.engine, metric, objective, run.confidence, run.min_sample)
            results.extend(protect(run, metric, [result], list(objective.segment)))
        except CxframeError as exc:
            messages.append(f"objective {objective.id}: {exc}")
    return results, messages


def _measure(run: Run) -> StageOutcome:
    results, messages = measure_objectives(run)
    for metric in run.registry.metrics:
        computed = compute_metric(run.engine, metric, confidence=run.confidence, min_sample=run.min_sample)
        results.extend(protect(run, metric, computed))
    run.store.write_metric_results(run.id, results)
    run.metric_results.extend(results)
    counts = {
        "observations": run.store.count("observations"),
        "events": run.store.count("events"),
        "metric_results": len(results),
    }
    return StageOutcome(Stage.MEASURE, counts=counts, messages=tuple(messages))


#: The improve stage's own sentences (`cxframe.Text`: the reports say them in the reader's language).
_SAY = Catalogue.by_key(
    {
        "objective.result": {
            "en": "{metric} = {value:.1f} (n={n}, {confidence:.0%} CI {low:.1f}…{high:.1f}) against a target of {target:g}",
            "zh-CN": "{metric} = {value:.1f}（n={n}，{confidence:.0%} 置信区间 {low:.1f}…{high:.1f}），目标为 {target:g}",
        },
    }
)

_SEVERITY_OF_STATUS = {CheckStatus.FAIL: Severity.HIGH, CheckStatus.WARN: Severity.MEDIUM}


def findings_from(
    objective_results: Iterable[MetricResult],
    check_results: Iterable[CheckResult],
    titles: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Missed objectives and failed or warning checks, as findings.

    ``titles`` names each metric by its definition's title (a reader knows
    "First-contact resolution", not ``fcr``); a metric without one keeps its id.
    """
    titles = titles or {}
    findings = []
    for result in objective_results:
        if result.target_status is TargetStatus.NOT_MET:
            findings.append(
                Finding(
                    id=f"objective:{result.objective}",
                    source=f"objective:{result.objective}",
                    stage=Stage.PLAN,
                    severity=Severity.HIGH,
                    title=f"Objective {result.objective} is not met",
                    evidence=(
                        _SAY(
                            "objective.result",
                            metric=titles.get(result.metric, result.metric),
                            value=result.value,
                            n=result.n,
                            confidence=result.confidence,
                            low=result.ci_low,
                            high=result.ci_high,
                            target=result.target,
                        ),
                    ),
                    recommendation="Find the journeys and touchpoints that drive the gap and plan actions on them.",
                    metric=result.metric,
                    # a programme-wide target reaches everyone; a segment's target, that segment
                    breadth=2 if result.segment else 3,
                    effort=2,
                )
            )
    seen: dict[str, int] = {}
    for check in check_results:
        if is_problem(check):
            # a check may return several results (one per pain point, per team …): keep each finding's id unique
            seen[check.check] = seen.get(check.check, 0) + 1
            suffix = f"#{seen[check.check]}" if seen[check.check] > 1 else ""
            findings.append(
                Finding(
                    id=f"check:{check.check}{suffix}",
                    source=f"check:{check.plugin}:{check.check}",
                    stage=check.stage or Stage.IMPROVE,
                    severity=(check.severity or Severity.MEDIUM)
                    if check.status is CheckStatus.FAIL
                    else Severity.MEDIUM,
                    title=check.title or check.check,
                    evidence=check.evidence,
                    recommendation=check.recommendation,
                    breadth=2,
                )
            )
    return findings


def _improve(run: Run) -> StageOutcome:
    check_results = run_checks(run)
    run.store.write_check_results(run.id, check_results)
    run.check_results.extend(check_results)
    objective_results = [r for r in run.metric_results if r.objective is not None]
    if not any(outcome.stage is Stage.MEASURE for outcome in run.outcomes):
        objective_results, _ = measure_objectives(run)
    titles = {definition.id: definition.title for definition in run.registry.metrics if definition.title}
    findings = findings_from(objective_results, check_results, titles)
    run.store.write_findings(run.id, findings)
    run.findings.extend(findings)
    counts = {"checks": len(check_results), "findings": len(findings)}
    for status in CheckStatus:
        counts[f"checks_{status.value}"] = sum(1 for r in check_results if r.status is status)
    return StageOutcome(Stage.IMPROVE, counts=counts)


STAGE_WORK: dict[Stage, StageWork] = {
    Stage.CONTEXT: _context,
    Stage.PLAN: _plan,
    Stage.DESIGN: _design,
    Stage.MEASURE: _measure,
    Stage.IMPROVE: _improve,
}


def walk(run: Run, stages: Iterable[Stage] | None = None) -> list[StageOutcome]:
    """Walk ``stages`` (all by default) in lifecycle order, firing the stage hooks."""
    chosen = sorted(set(stages)) if stages is not None else list(Stage)
    for stage in chosen:
        run.host.call("stage_started", stage=stage, run=run)
        outcome = STAGE_WORK[stage](run)
        run.outcomes.append(outcome)
        run.host.call("stage_finished", stage=stage, run=run, outcome=outcome)
    return run.outcomes
