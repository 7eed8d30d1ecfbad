"""Maturity models built from explicit criteria, each scored from evidence or an answer.

A `MaturityModel` has dimensions, five levels, and criteria. Each `Criterion`
belongs to one dimension and one level and is judged by

* its ``evidence`` function, which reads the run through `Facts` and returns a
  `Verdict` (met or not, with the evidence lines that show why), or ``None``
  when the programme and the store cannot tell; and otherwise by
* the questionnaire: the answer to its ``question`` (`cxframe.assessment._questionnaire`).

Evidence beats an answer; a criterion neither can decide is ``unknown`` and
counts as not met. The scoring rule (documented in "Assessment"):

* **level** of a dimension = the highest level L *that has criteria* such
  that every criterion at levels up to L is met (0 when the lowest level's
  criteria are not all met); a level nothing checks is never reported;
* **score** = level + the share of the next checked level's criteria that are
  met, times the distance to that level, so 2.5 reads "level 2, half-way to 3"
  (and, with criteria only at 1, 3 and 5, 2.0 reads "level 1, half of level 3's
  criteria met").

``MaturityModel.assessment()`` turns a model into the `cxframe.Assessment`
a plugin returns from ``register_assessments``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from cxframe.contracts._plugins import valid_id
from cxframe.contracts._records import (
    CheckResult,
    CheckStatus,
    CriterionResult,
    CriterionStatus,
    MaturityResult,
    MetricResult,
)
from cxframe.contracts._stages import Stage
from cxframe.contracts._texts import Catalogue

if TYPE_CHECKING:
    from cxframe.assessment._questionnaire import Answers
    from cxframe.contracts._context import RunContext
    from cxframe.programme._file import Programme
    from cxframe.store._sqlite import Store

__all__ = ["LEVELS", "Assessment", "Criterion", "Dimension", "Facts", "MaturityModel", "Verdict", "score_dimension"]

#: Level names used when a model does not name its own.
LEVELS = ("initial", "developing", "defined", "managed", "embedded")


@attrs.frozen
class Verdict:
    """What the evidence says about one criterion."""

    met: bool
    evidence: tuple[str, ...] = ()

    @classmethod
    def yes(cls, *evidence: str) -> Verdict:
        return cls(True, evidence)

    @classmethod
    def no(cls, *evidence: str) -> Verdict:
        return cls(False, evidence)


#: An evidence function: a `Verdict`, or ``None`` when the data cannot tell.
EvidenceFunction = Callable[["Facts"], Verdict | None]


@attrs.frozen
class Dimension:
    """One dimension (key area) of a model, with the lifecycle stage its findings belong to."""

    id: str
    title: str
    stage: Stage = Stage.IMPROVE
    description: str = ""


@attrs.frozen
class Criterion:
    """One checkable statement at one level of one dimension.

    Give ``evidence`` when the programme or the store can decide it, a
    ``question`` when a person must, or both (evidence wins when it decides).
    ``recommendation`` is what to do when it is not met; it becomes the
    finding's recommendation.
    """

    id: str
    dimension: str
    level: int = attrs.field(validator=[attrs.validators.ge(1), attrs.validators.le(5)])
    title: str
    evidence: EvidenceFunction | None = None
    question: str | None = None
    recommendation: str = ""

    def __attrs_post_init__(self) -> None:
        if self.evidence is None and self.question is None:
            raise ValueError(f"criterion {self.id!r} needs an evidence function, a question or both")


def evidence_key(plugin: str) -> str:
    """The key of a plugin's evidence: its distribution name without ``cxframe-`` (``cxframe-nps`` → ``nps``)."""
    return plugin.removeprefix("cxframe-").removeprefix("cxframe_")


def _by_short_name(evidence: Mapping[str, Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {evidence_key(name): facts for name, facts in evidence.items()}


@attrs.define
class Facts:
    """What criteria read: the run (programme, store, metric and check results) and plugins' evidence."""

    run: RunContext
    #: keyed by distribution name; ``cxframe-nps`` and ``nps`` are the same key
    plugin_evidence: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict, converter=_by_short_name)

    @property
    def programme(self) -> Programme:
        return self.run.programme

    @property
    def store(self) -> Store:
        return self.run.store

    def evidence(self, plugin: str) -> Mapping[str, Any]:
        """What ``plugin`` returned from ``assessment_evidence`` (empty when it is not installed).

        ``plugin`` is the distribution name with or without ``cxframe-`` (``nps`` or ``cxframe-nps``).
        """
        return self.plugin_evidence.get(evidence_key(plugin), {})

    def has_plugin(self, plugin: str) -> bool:
        return evidence_key(plugin) in self.plugin_evidence

    def unsolicited_sources(self) -> list[str]:
        """The ids of the programme's sources whose collector is not ``solicited`` (reviews, social posts).

        Read from the run's registry of collectors; a run without one (a test's stand-in) has none.
        """
        collectors = getattr(self.run.registry, "collectors", None) if hasattr(self.run, "registry") else None
        if collectors is None:
            return []
        known = set(collectors.ids())
        return [
            source.id
            for source in self.programme.document.sources
            if source.collector in known and not collectors.get(source.collector).solicited
        ]

    def checks(self, check: str) -> list[CheckResult]:
        """The results of check ``check`` in this run (empty when no plugin provides it)."""
        return [r for r in self.run.check_results if r.check == check]

    def check_status(self, check: str) -> CheckStatus | None:
        """The worst status of check ``check``, or ``None`` when it did not run or only errored."""
        statuses = [r.status for r in self.checks(check) if r.status is not CheckStatus.ERROR]
        return CheckStatus.worst(statuses) if statuses else None

    def metric_results(self, metric: str | None = None) -> list[MetricResult]:
        return [r for r in self.run.metric_results if metric is None or r.metric == metric]

    def count(self, table: str) -> int:
        return self.run.store.count(table)

    def metric_title(self, metric: str) -> str:
        """The metric's title as its definition gives it (said in the reader's language), else its id."""
        if metric in self.run.registry.metrics:
            return self.run.registry.metrics.get(metric).title or metric
        return metric


@attrs.frozen
class Assessment:
    """A maturity model: scores each of its dimensions from the evidence in a run.

    Most plugins build one from a `cxframe.MaturityModel` (criteria scored from
    evidence or questionnaire answers) with ``MaturityModel.assessment()``,
    which sets ``model``. A plugin with its own scoring passes just ``assess``:
    ``assess(run)`` gets the current `cxframe.RunContext` and returns one `MaturityResult` per dimension.
    """

    id: str = attrs.field(validator=valid_id)
    title: str
    assess: Callable[[RunContext], Sequence[MaturityResult]]
    description: str = ""
    dimensions: tuple[str, ...] = ()
    model: MaturityModel | None = None


@attrs.frozen
class MaturityModel:
    """A maturity model: dimensions, level names and criteria."""

    id: str
    title: str
    dimensions: tuple[Dimension, ...]
    criteria: tuple[Criterion, ...]
    levels: tuple[str, ...] = LEVELS
    description: str = ""
    #: text in other languages, ``{lang: {key: text}}``; keys are dimension ids, criterion ids,
    #: ``<criterion id>.recommendation``, ``<criterion id>.question``, ``level.<1-5>`` and ``title``
    translations: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)

    def text(self, key: str, lang: str, default: str) -> str:
        """``key`` in ``lang`` when the model translates it, else ``default``."""
        return self.translations.get(lang, {}).get(key, default)

    def __attrs_post_init__(self) -> None:
        problems = []
        dimension_ids = [d.id for d in self.dimensions]
        if len(set(dimension_ids)) != len(dimension_ids):
            problems.append("dimension ids repeat")
        ids = [c.id for c in self.criteria]
        problems += [f"criterion id {i!r} repeats" for i in sorted({i for i in ids if ids.count(i) > 1})]
        problems += [
            f"criterion {c.id!r} names unknown dimension {c.dimension!r}"
            for c in self.criteria
            if c.dimension not in dimension_ids
        ]
        if len(self.levels) != 5:
            problems.append(f"a model has five levels, got {len(self.levels)}")
        if problems:
            raise ValueError(f"maturity model {self.id!r}: " + "; ".join(problems))

    def dimension(self, id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == id)

    def criteria_of(self, dimension: str) -> list[Criterion]:
        return sorted((c for c in self.criteria if c.dimension == dimension), key=lambda c: c.level)

    def judge(self, facts: Facts, answers: Answers | None = None) -> list[MaturityResult]:
        """Judge every criterion and score every dimension."""
        return [
            score_dimension(
                self.id,
                dimension.id,
                [judge_criterion(c, facts, answers, self.translations) for c in self.criteria_of(dimension.id)],
            )
            for dimension in self.dimensions
        ]

    def assessment(self) -> Assessment:
        """This model as the `cxframe.Assessment` a plugin registers."""
        return Assessment(
            id=self.id,
            title=self.title,
            assess=self._assess_run,
            description=self.description,
            dimensions=tuple(d.id for d in self.dimensions),
            model=self,
        )

    def _assess_run(self, run: RunContext) -> Sequence[MaturityResult]:
        return self.judge(Facts(run))


#: What deciding a criterion says about how it was decided (`cxframe.Text`, so the reports say it in every language).
_SAY = Catalogue.by_key(
    {
        "unreadable": {
            "en": "the evidence could not be read: {error}",
            "zh-CN": "无法读取证据：{error}",
        },
        "answer.disagrees.met": {
            "en": "the questionnaire answer says met; the evidence above decides",
            "zh-CN": "问卷回答为已满足；以上述证据为准",
        },
        "answer.disagrees.not_met": {
            "en": "the questionnaire answer says not met; the evidence above decides",
            "zh-CN": "问卷回答为未满足；以上述证据为准",
        },
        "answered": {"en": "answered {answer!r}", "zh-CN": "回答为 {answer!r}"},
        "answered.note": {"en": "answered {answer!r}: {note}", "zh-CN": "回答为 {answer!r}：{note}"},
        "unknown": {
            "en": "no evidence in the programme or the store, and no answer",
            "zh-CN": "项目文件和存储中都没有证据，问卷中也没有回答",
        },
        "unknown.question": {
            "en": "no evidence in the programme or the store, and no answer to: {question}",
            "zh-CN": "项目文件和存储中都没有证据，问卷中也没有回答：{question}",
        },
        "question": {"en": "{question}", "zh-CN": "{question}"},
    }
)


def _question(criterion: Criterion, question: str, translations: Mapping[str, Mapping[str, str]]) -> str:
    """The criterion's question as a `Text` said in the model's languages (the model translates its questions)."""
    key = f"{criterion.id}.question"
    said = {lang: {"question": texts[key]} for lang, texts in translations.items() if key in texts}
    try:
        return Catalogue({**said, "en": {"question": question}})("question")
    except ValueError:  # braces in a question that do not pair up alike in each language: said as written
        return question


def judge_criterion(
    criterion: Criterion,
    facts: Facts,
    answers: Answers | None,
    translations: Mapping[str, Mapping[str, str]] | None = None,
) -> CriterionResult:
    """Evidence first, then the questionnaire answer; otherwise unknown.

    ``translations`` are the model's (`MaturityModel.translations`): the criterion's question in other languages.
    """
    verdict = None
    problem = ""
    if criterion.evidence is not None:
        try:
            verdict = criterion.evidence(facts)
        except Exception as exc:  # a criterion's bug must not sink the assessment; it shows as unknown
            problem = _SAY("unreadable", error=f"{type(exc).__name__}: {exc}")
    answer = answers.get(criterion.id) if answers is not None else None

    def result(status: CriterionStatus, source: str, evidence: tuple[str, ...]) -> CriterionResult:
        return CriterionResult(
            id=criterion.id,
            dimension=criterion.dimension,
            level=criterion.level,
            title=criterion.title,
            status=status,
            source=source,
            evidence=evidence,
            recommendation=criterion.recommendation,
        )

    if verdict is not None:
        evidence = verdict.evidence
        if answer is not None and answer.met is not None and answer.met != verdict.met:
            evidence = (*evidence, _SAY("answer.disagrees.met" if answer.met else "answer.disagrees.not_met"))
        return result(CriterionStatus.MET if verdict.met else CriterionStatus.UNMET, "evidence", evidence)
    if answer is not None and answer.met is not None:
        evidence = (
            _SAY("answered.note", answer=answer.text, note=answer.note)
            if answer.note
            else _SAY("answered", answer=answer.text),
        )
        return result(CriterionStatus.MET if answer.met else CriterionStatus.UNMET, "answer", evidence)
    why = problem or (
        _SAY("unknown.question", question=_question(criterion, criterion.question, translations or {}))
        if criterion.question
        else _SAY("unknown")
    )
    return result(CriterionStatus.UNKNOWN, "none", (why,))


def score_dimension(model: str, dimension: str, criteria: Sequence[CriterionResult]) -> MaturityResult:
    """Level and score of one dimension from its judged criteria (the rule in the module docstring)."""
    by_level: dict[int, list[CriterionResult]] = {}
    for result in criteria:
        by_level.setdefault(result.level, []).append(result)
    # Only levels that have criteria can be reached: a model with criteria at levels 1, 3 and 5
    # reports 0, 1, 3 or 5, never a level nothing was checked for.
    levels = sorted(by_level)
    level = 0
    for candidate in levels:
        if any(r.status is not CriterionStatus.MET for r in by_level[candidate]):
            break
        level = candidate
    following = [candidate for candidate in levels if candidate > level]
    progress = 0.0
    if following:
        step = following[0]
        share = sum(r.status is CriterionStatus.MET for r in by_level[step]) / len(by_level[step])
        progress = share * (step - level)
    met = tuple(r.id for r in criteria if r.status is CriterionStatus.MET)
    unmet = tuple(r.id for r in criteria if r.status is not CriterionStatus.MET)
    evidence = tuple(f"{'✓' if r.status is CriterionStatus.MET else '✗'} {r.title}" for r in criteria)
    return MaturityResult(
        model=model,
        dimension=dimension,
        level=level,
        score=round(level + progress, 2),
        evidence=evidence,
        criteria_met=met,
        criteria_unmet=unmet,
        criteria=tuple(criteria),
    )
