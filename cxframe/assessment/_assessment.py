"""``cxframe assess``: the lifecycle, the maturity model, findings → actions, and the assessment document.

`assess` walks the lifecycle (so metrics and checks are fresh), asks every
plugin for its ``assessment_evidence``, scores the chosen maturity model
(evidence first, questionnaire answers second), turns missed objectives,
failed checks and the next level's unmet criteria into findings, proposes
prioritised actions (`cxframe.lifecycle._actions`), builds the plugins' report
sections for the default reader (`cxframe.reporters._sections`), stores all of
it, and returns the **assessment document**: a versioned, JSON-serialisable
dict that every reporter renders and ``cxframe report`` renders again from the
store (building the sections again for its reader). Its JSON Schema is
`DOCUMENT_SCHEMA` (also in the docs).
"""

from __future__ import annotations

import datetime as dt
import enum
import errno
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from cxframe._version import __version__
from cxframe.assessment._questionnaire import ANSWERS_FILE, Answers, interview, load_answers, save_answers
from cxframe.contracts._convert import unstructure
from cxframe.contracts._errors import InvalidInput, ReadOnlyError
from cxframe.contracts._maturity import LEVELS, Assessment, Facts, MaturityModel, evidence_key
from cxframe.contracts._privacy import mask_personal_data
from cxframe.contracts._records import (
    Action,
    CriterionStatus,
    Finding,
    MaturityResult,
    MetricResult,
    Period,
    Severity,
)
from cxframe.contracts._sections import ROLES
from cxframe.contracts._stages import Stage
from cxframe.contracts._texts import texts_of
from cxframe.host._manager import PluginFailure
from cxframe.lifecycle._actions import propose_actions
from cxframe.lifecycle._protection import protect
from cxframe.lifecycle._run import Run, run_inputs
from cxframe.lifecycle._walk import walk
from cxframe.measurement._engine import compute_metric
from cxframe.reporters._sections import build_sections
from cxframe.store._files import open_private

__all__ = [
    "DEFAULT_MODEL",
    "DOCUMENT_VERSION",
    "ROLES",
    "choose_assessment",
    "collect_evidence",
    "maturity_findings",
]

#: Bump on any change a reader of ``assessment.json`` would notice; say so in the changelog.
DOCUMENT_VERSION = 2
DEFAULT_MODEL = "iso-cx"

#: Respondent comments shown in the report (lowest scores first), at most this many.
VERBATIMS = 12

Progress = Callable[[str], None]
Ask = Callable[[str, str], tuple[str, str]]


def choose_assessment(run: Run, model: str | None) -> Assessment:
    """The assessment ``model`` names, else the built-in default, else the only one installed."""
    available = run.registry.assessments
    if model is not None:
        if model not in available:
            known = ", ".join(available.ids()) or "none (install a plugin that registers one)"
            raise InvalidInput([f"--model: no maturity model {model!r} (models: {known})"])
        return available.get(model)
    if DEFAULT_MODEL in available:
        return available.get(DEFAULT_MODEL)
    ids = available.ids()
    if not ids:
        raise InvalidInput(["no maturity model is installed: install cxframe with its built-in plugins"])
    return available.get(ids[0])


def collect_evidence(run: Run, texts: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, Any]]:
    """Every plugin's ``assessment_evidence``, by plugin name; unusable answers are reported as failures.

    The generated texts (`cxframe.Text`) among them are said in every language into ``texts``
    before the round trip to JSON turns them into their English.
    """
    evidence: dict[str, dict[str, Any]] = {}
    for plugin, contributed in run.host.call("assessment_evidence", run=run):
        if contributed is None:
            continue
        if not isinstance(contributed, dict):
            run.host.failures.append(
                PluginFailure(plugin, "assessment_evidence", f"returned {type(contributed).__name__}, expected a dict")
            )
            continue
        if texts is not None:
            texts_of(contributed, texts)
        try:
            # round-trip so the document holds plain JSON, whatever the plugin returned
            evidence[evidence_key(plugin)] = json.loads(json.dumps(contributed, default=_plain))
        except (TypeError, ValueError) as exc:
            run.host.failures.append(PluginFailure(plugin, "assessment_evidence", f"not JSON-serialisable: {exc}"))
    return evidence


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if attrs.has(type(value)) or isinstance(value, enum.Enum):
        return unstructure(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def maturity_findings(assessment: Assessment, results: Sequence[MaturityResult]) -> list[Finding]:
    """The next level's unmet criteria of each dimension, as findings.

    Only the step to the next level: a long list of everything a programme is
    not yet doing helps nobody. A missing basic (levels 1–2) is high severity;
    later steps are medium. Breadth is the whole programme; effort grows with
    the level (1–2: 1, 3: 2, 4–5: 3).
    """
    model = assessment.model
    findings = []
    for result in results:
        dimension = model.dimension(result.dimension) if model else None
        for criterion in result.criteria:
            if criterion.level != result.level + 1 or criterion.status is not CriterionStatus.UNMET:
                continue
            findings.append(
                Finding(
                    id=f"maturity:{criterion.id}",
                    source=f"maturity:{assessment.id}:{criterion.id}",
                    stage=dimension.stage if dimension else Stage.IMPROVE,
                    severity=Severity.HIGH if criterion.level <= 2 else Severity.MEDIUM,
                    title=f"Not yet: {criterion.title}",
                    evidence=criterion.evidence,
                    recommendation=criterion.recommendation,
                    breadth=3,
                    effort=1 if criterion.level <= 2 else 2 if criterion.level == 3 else 3,
                )
            )
    return findings


def _trend(run: Run, overall: Iterable[MetricResult]) -> list[dict[str, Any]]:
    """Monthly values of every metric that has data, for the trend chart."""
    from cxframe.contracts._shapes import metric_json

    rows: list[dict[str, Any]] = []
    for result in overall:
        if not result.n or result.metric not in run.registry.metrics:
            continue
        metric = run.registry.metrics.get(result.metric)
        monthly = compute_metric(
            run.engine, metric, period=Period.MONTH, confidence=run.confidence, min_sample=run.min_sample
        )
        rows.extend(_described(metric_json(result), run) for result in protect(run, metric, monthly, (), Period.MONTH))
    return rows


def _described(row: dict[str, Any], run: Run) -> dict[str, Any]:
    """A metric row with what its metric is: its ``title``, ``unit`` and ``scale`` ([min, max] of the answers).

    The reports name a metric by its title and say its unit, not by the id alone.
    """
    if row["metric"] not in run.registry.metrics:
        return row
    metric = run.registry.metrics.get(row["metric"])
    scale = (
        [metric.scale_min, metric.scale_max] if metric.scale_min is not None and metric.scale_max is not None else None
    )
    return row | {"title": metric.title, "unit": metric.unit, "scale": scale}


def _verbatims(run: Run) -> list[dict[str, Any]]:
    """The lowest-scored comments, each text once, personal data masked (reporters escape them).

    E-mail addresses, phone numbers and resident ID numbers are masked here,
    always (`mask_personal_data`): the assessment document is what every
    report is written from, so nothing a respondent typed about themselves
    reaches one, whatever the plugins or settings.

    A response's comment is repeated on each of its answers: each text is
    ranked by its lowest answer on a known scale (0 = the scale's bottom), so
    a comment counts once; answers without a scale (a 0/1 flag) come last, so
    they never pass for a worst score.
    """
    query = """
        SELECT question, value, scale_max, touchpoint, channel, timestamp, comment FROM (
            SELECT question, value, scale_max, touchpoint, channel, timestamp, comment,
                   position,
                   ROW_NUMBER() OVER (
                       PARTITION BY comment ORDER BY position IS NULL, position, timestamp DESC
                   ) AS rank_in_text
            FROM (
                SELECT *, CASE WHEN scale_max > scale_min
                               THEN (value - scale_min) / (scale_max - scale_min) END AS position
                FROM observations
                WHERE comment IS NOT NULL AND trim(comment) != '' AND population = 'customer'
            )
        )
        WHERE rank_in_text = 1
        ORDER BY position IS NULL, position, timestamp DESC
        LIMIT ?
    """
    keys = ("question", "value", "scale_max", "touchpoint", "channel", "timestamp", "comment")
    shown: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in run.store.db.execute(query, [VERBATIMS]).fetchall():
        verbatim = dict(zip(keys, row, strict=True))
        verbatim["comment"] = mask_personal_data(verbatim["comment"])
        if verbatim["comment"] not in seen:  # two comments differing only in a phone number are one once masked
            seen.add(verbatim["comment"])
            shown.append(verbatim)
    return shown


def _objective_json(result: MetricResult, run: Run) -> dict[str, Any]:
    objective = next(o for o in run.programme.document.objectives if o.id == result.objective)
    return {
        "id": objective.id,
        "metric": objective.metric,
        "comparison": objective.comparison.value,
        "target": objective.target,
        "segment": dict(objective.segment),
        "deadline": objective.deadline.isoformat() if objective.deadline else None,
        "owner": objective.owner,
        "business_kpi": objective.business_kpi,
        "value": result.value,
        "n": result.n,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "confidence": result.confidence,
        "flags": list(result.flags),
        "status": result.target_status.value if result.target_status else None,
    }


def _model_json(assessment: Assessment, results: Sequence[MaturityResult]) -> dict[str, Any]:
    model: MaturityModel | None = assessment.model
    dimensions = []
    for result in results:
        dimension = model.dimension(result.dimension) if model else None
        dimensions.append(
            {
                "id": result.dimension,
                "title": dimension.title if dimension else result.dimension,
                "stage": dimension.stage.value if dimension else None,
                "level": result.level,
                "score": result.score,
                "criteria": [
                    {**unstructure(c), "question": _question(model, c.id)}
                    for c in sorted(result.criteria, key=lambda c: (c.level, c.id))
                ],
            }
        )
    return {
        "id": assessment.id,
        "title": assessment.title,
        "description": assessment.description,
        "levels": list(model.levels if model else LEVELS),
        "dimensions": dimensions,
        "translations": {lang: dict(texts) for lang, texts in (model.translations if model else {}).items()},
    }


def _question(model: MaturityModel | None, criterion_id: str) -> str | None:
    if model is None:
        return None
    return next((c.question for c in model.criteria if c.id == criterion_id), None)


def build_document(
    run: Run,
    assessment: Assessment,
    results: Sequence[MaturityResult],
    findings: Sequence[Finding],
    actions: Sequence[Action],
    evidence: Mapping[str, Any],
    answers: Answers,
    texts: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The versioned assessment document (see `DOCUMENT_SCHEMA`).

    ``texts`` holds the generated texts already said in other languages (the plugins' evidence);
    those of the results, checks, findings and actions are added to it.
    """
    from cxframe.contracts._shapes import check_json, metric_json

    context = run.programme.document.context
    overall = [r for r in run.metric_results if r.objective is None and not r.segment and r.period is None]
    objectives = [r for r in run.metric_results if r.objective is not None]
    unknown = [
        {"criterion": c.id, "dimension": c.dimension, "level": c.level, "question": _question(assessment.model, c.id)}
        for result in results
        for c in result.criteria
        if c.status is CriterionStatus.UNKNOWN
    ]
    return {
        "kind": "cxframe.assessment",
        "version": DOCUMENT_VERSION,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cxframe_version": __version__,
        "view": {"role": "cx-lead", "lang": "en"},
        "run": {
            "id": run.id,
            "plugins": [{"name": i.name, "version": i.version} for i in run.host.plugin_infos()],
            "inputs": run_inputs(run.programme, run.store),
            "plugin_failures": [str(f) for f in run.host.failures],
        },
        "programme": {
            "name": run.programme.name,
            "organisation": context.organisation,
            "scope": context.scope,
            "sponsor": context.sponsor,
            "strategy": context.strategy,
        },
        "stages": [
            {"stage": o.stage.value, "status": o.status, "counts": dict(o.counts), "messages": list(o.messages)}
            for o in run.outcomes
        ],
        "model": _model_json(assessment, results),
        "metrics": [_described(metric_json(r), run) for r in overall],
        "trend": _trend(run, overall),
        "objectives": [_objective_json(r, run) for r in objectives],
        "checks": [check_json(r) | {"stage": r.stage.value if r.stage else None} for r in run.check_results],
        "findings": [unstructure(f) for f in findings],
        "actions": [unstructure(a) for a in actions],
        "questions": unknown,
        "answers_file": str(answers.path) if answers.path else None,
        "verbatims": _verbatims(run),
        "evidence": dict(evidence),
        "sections": [],
        "texts": texts_of(
            [
                results,
                run.check_results,
                findings,
                actions,
                [run.registry.metrics.get(m) for m in run.registry.metrics.ids()],
            ],
            texts,
        ),
    }


def add_sections(document: dict[str, Any], run: Run) -> None:
    """Build the plugins' report sections for the document's view into ``sections``.

    A section that fails is the plugin's failure: recorded on the host and in the
    document's ``run.plugin_failures``, like every other.
    """
    before = len(run.host.failures)
    document["sections"] = build_sections(document, run.registry.report_sections.registered(), run.host.failures)
    document["run"]["plugin_failures"] += [str(f) for f in run.host.failures[before:]]


def run_assessment(
    run: Run,
    *,
    model: str | None = None,
    answers_file: Path | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    ask: Ask | None = None,
) -> dict[str, Any]:
    """Do the whole assessment inside ``run`` and store it; return the document.

    ``answers_file`` is the questionnaire (default: ``answers.toml`` in the
    programme folder, which may be absent; a file named here must exist).

    With ``ask``, the questions of criteria that neither evidence nor an answer
    decides are asked (``ask(criterion_id, question) -> (answer, note)``), the
    answers saved to the answers file, and the model scored with them.
    """
    say = progress or (lambda _message: None)
    assessment = choose_assessment(run, model)
    if answers_file is not None and not answers_file.exists():
        raise InvalidInput([f"{answers_file}: no such answers file"])
    known = [c.id for c in assessment.model.criteria] if assessment.model else None
    answers = load_answers(answers_file or run.programme.root / ANSWERS_FILE, known)
    for stage in Stage:
        say(f"lifecycle: {stage.value}")
        walk(run, [stage])
    say("evidence from plugins")
    texts = texts_of(None)
    evidence = collect_evidence(run, texts)
    say(f"maturity model {assessment.id}")
    if assessment.model is not None:
        facts = Facts(run, evidence)
        results = assessment.model.judge(facts, answers)
        if ask is not None:
            answers = _interview(assessment.model, results, answers, ask, run)
            results = assessment.model.judge(facts, answers)
    else:
        results = _custom_results(run, assessment)
    # the improve stage found the missed objectives and failed checks; the model adds its next steps
    findings = [*run.findings, *maturity_findings(assessment, results)]
    actions = propose_actions(findings, run.programme, today=today)
    document = build_document(run, assessment, results, findings, actions, evidence, answers, texts)
    say("report sections")
    add_sections(document, run)
    say("storing results")
    # one transaction: a stored assessment always has its results, findings, actions and document
    with run.store.writing():
        run.store.write_maturity_results(run.id, results)
        run.store.write_findings(run.id, findings)
        run.store.write_actions(run.id, actions)
        run.store.write_assessment(run.id, assessment.id, document)
    return document


def _custom_results(run: Run, assessment: Assessment) -> list[MaturityResult]:
    """A model with its own scoring: its failure or a wrong answer is the plugin's, named, never a traceback."""
    plugin = run.registry.assessments.plugin_of(assessment.id)
    try:
        results = list(assessment.assess(run))
    except Exception as exc:
        run.host.failures.append(PluginFailure(plugin, "assess", f"{type(exc).__name__}: {exc}"))
        raise InvalidInput([f"--model {assessment.id}: the model of plugin {plugin} failed: {exc}"]) from exc
    wrong = [type(r).__name__ for r in results if not isinstance(r, MaturityResult)]
    if wrong:
        raise InvalidInput(
            [
                f"--model {assessment.id}: plugin {plugin} returned {', '.join(sorted(set(wrong)))}, expected MaturityResult"
            ]
        )
    return results


def _interview(
    model: MaturityModel, results: Sequence[MaturityResult], answers: Answers, ask: Ask, run: Run
) -> Answers:
    unknown = {c.id for r in results for c in r.criteria if c.status is CriterionStatus.UNKNOWN}
    questions = {c.id: c.question for c in model.criteria if c.question}
    to_ask = {cid: q for cid, q in questions.items() if cid in unknown}
    if not to_ask:
        return answers
    collected = interview(to_ask, answers, ask)
    path = answers.path or run.programme.root / ANSWERS_FILE
    save_answers(path, collected, questions)
    return Answers(collected, path)


#: The reader the plain ``assessment.*`` files are for (``reports/assessment.json`` is public, DESIGN §11).
DEFAULT_READER = ("cx-lead", "en")


def report_stem(role: str = "cx-lead", lang: str = "en") -> str:
    """The reports' file name without suffix: ``assessment`` for the default reader, else ``assessment.<role>.<lang>``.

    So rendering for an executive in Chinese (``assessment.executive.zh-CN.html``)
    never overwrites the CX lead's complete reports in the same folder.
    """
    return "assessment" if (role, lang) == DEFAULT_READER else f"assessment.{role}.{lang}"


def write_reports(
    document: Mapping[str, Any],
    reporters: Iterable[Any],
    folder: Path,
    stem: str = "assessment",
) -> list[Path]:
    """Render ``document`` with each reporter into ``folder/<stem><suffix>``; each file written atomically, 0600.

    Reports quote customers' comments and name at-risk customers, so each is
    created readable by its owner only, as the store and exports are
    (`open_private`). Raises `ReadOnlyError` when the folder cannot be
    created or written (a read-only programme folder).
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno not in _DENIED:
            raise
        raise _read_only_reports(folder, exc) from None
    written = []
    for reporter in reporters:
        text = reporter.render(document)
        target = folder / f"{stem}{reporter.suffix}"
        try:
            with open_private(target) as handle:
                handle.write(text)
        except OSError as exc:
            if exc.errno not in _DENIED:
                raise
            raise _read_only_reports(folder, exc) from None
        written.append(target)
    return written


#: What an operating system answers when a folder may not be written: no permission, or a read-only file system.
_DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)


def _read_only_reports(folder: Path, exc: OSError) -> ReadOnlyError:
    reason = "read-only file system" if exc.errno == errno.EROFS else "the folder is read-only for you"
    return ReadOnlyError(f"{folder}: cannot write the reports there ({reason}); write them elsewhere with --out DIR")
