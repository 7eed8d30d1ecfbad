"""The data contracts every part of cxframe and every plugin speaks.

All classes are attrs classes, frozen and slotted, validated when built. They are
(un)structured with the one converter in `cxframe.contracts._convert`; their JSON
Schema comes from `cxframe.contracts._jsonschema` (``cxframe schema NAME``).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Iterable
from typing import Any, TypeVar

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._stages import Stage

__all__ = [
    "SUPPRESSED",
    "Action",
    "ActionStatus",
    "CheckResult",
    "CheckStatus",
    "Comparison",
    "CriterionResult",
    "CriterionStatus",
    "Emotion",
    "Environment",
    "Event",
    "ExperienceElement",
    "Finding",
    "IntervalMethod",
    "Journey",
    "JourneyStage",
    "MaturityResult",
    "MetricDefinition",
    "MetricResult",
    "Objective",
    "Observation",
    "Period",
    "Persona",
    "Severity",
    "Stage",
    "TargetStatus",
    "Touchpoint",
]


class Environment(enum.Enum):
    """Where a customer meets the organisation (ISO 23592 contact environments)."""

    INTERPERSONAL = "interpersonal"
    PHYSICAL = "physical"
    REMOTE = "remote"
    DIGITAL = "digital"
    THIRD_PARTY = "third-party"


class ExperienceElement(enum.Enum):
    """The part of the experience a touchpoint shapes."""

    PRODUCT_SERVICE = "product-service"
    SERVICE_PROCESS = "service-process"
    PLATFORM_APPS = "platform-apps"
    BRAND = "brand"


class Comparison(enum.Enum):
    """How a metric value is compared with an objective's target."""

    AT_LEAST = ">="
    AT_MOST = "<="
    ABOVE = ">"
    BELOW = "<"


class TargetStatus(enum.Enum):
    """Where a result stands against its objective, taking its interval into account."""

    MET = "met"
    NOT_MET = "not_met"
    INCONCLUSIVE = "inconclusive"


class IntervalMethod(enum.Enum):
    """Which confidence interval is right for a metric.

    ``mean``: Student t on the per-observation values (CES, any mean score).
    ``proportion``: Wilson score interval; per-observation values are 0 or 1.
    ``nps``: adjusted Wald on the trinomial; per-observation values are −1, 0 or +1.
    ``median``: the median of the per-observation values, with the distribution-free
    order-statistic interval (binomial ranks); for skewed values such as hours to close.
    """

    MEAN = "mean"
    PROPORTION = "proportion"
    NPS = "nps"
    MEDIAN = "median"


_Member = TypeVar("_Member", bound=enum.Enum)


def _member(cls: type[_Member], value: str | _Member | None, key: str, noun: str) -> _Member | None:
    """``value`` as a member of ``cls`` (``None`` stays ``None``), or `InvalidInput` naming ``key`` and the known values."""
    if value is None or isinstance(value, cls):
        return value
    try:
        return cls(value)
    except ValueError:
        known = ", ".join(str(member.value) for member in cls)
        raise InvalidInput([f"{key}: unknown {noun} {value!r} (known: {known})"]) from None


class WeightedVariance(enum.Enum):
    """How the interval of a weighted (or respondent-clustered) estimate gets its variance.

    ``linearised``: the Taylor-linearised variance of the ratio mean
    ``Σwx / Σw`` (clusters: respondents where a respondent id is stored), the
    default. ``kish``: Kish's effective sample size ``(Σw)² / Σw²`` in the
    unweighted formula, which assumes the weights are unrelated to the answers.
    ``bootstrap``: a fixed-seed resampling of the answers (or respondents).
    """

    LINEARISED = "linearised"
    KISH = "kish"
    BOOTSTRAP = "bootstrap"

    @classmethod
    def parse(cls, variance: str | WeightedVariance | None) -> WeightedVariance | None:
        """``variance`` as a `WeightedVariance` (``None`` stays ``None``), or `InvalidInput` naming the methods."""
        return _member(cls, variance, "variance", "method")


class Severity(enum.Enum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class CheckStatus(enum.Enum):
    """A check's outcome, from best to worst."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"

    @classmethod
    def worst(cls, statuses: Iterable[CheckStatus]) -> CheckStatus:
        """The worst of ``statuses`` (pass < warn < fail < error), or ``PASS`` when there are none."""
        order = list(cls)
        return max(statuses, key=order.index, default=cls.PASS)


class CriterionStatus(enum.Enum):
    MET = "met"
    UNMET = "unmet"
    #: neither the evidence nor an answer decides it
    UNKNOWN = "unknown"


class ActionStatus(enum.Enum):
    PROPOSED = "proposed"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value or not value.strip():
        raise ValueError(f"'{attribute.name}' must not be empty")


_non_empty.json_schema = {"minLength": 1, "pattern": "\\S"}  # type: ignore[attr-defined]

_SQL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _sql_name(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    # written into SQL as a name: only letters, digits and underscores
    if not isinstance(value, str) or not _SQL_NAME.match(value):
        raise ValueError(f"{attribute.name}: expected a table or column name (letters, digits, _), got {value!r}")


_sql_name.json_schema = {"pattern": _SQL_NAME.pattern}  # type: ignore[attr-defined]


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _finite(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not math.isfinite(value):
        raise ValueError(f"'{attribute.name}' must be a finite number, got {value!r}")


def _aware(instance: object, attribute: attrs.Attribute[Any], value: dt.datetime | None) -> None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"'{attribute.name}' must carry a time zone (collectors read naive timestamps as UTC)")


def _positive(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not value > 0:
        raise ValueError(f"'{attribute.name}' must be greater than 0, got {value!r}")


_positive.json_schema = {"exclusiveMinimum": 0}  # type: ignore[attr-defined]


def _unit_interval(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0 < value < 1:
        raise ValueError(f"'{attribute.name}' must be between 0 and 1, got {value!r}")


_unit_interval.json_schema = {"exclusiveMinimum": 0, "exclusiveMaximum": 1}  # type: ignore[attr-defined]


Segment = dict[str, str]
Attributes = dict[str, str | int | float | bool | None]


# --- design ---------------------------------------------------------------


@attrs.frozen
class Touchpoint:
    """A point where the customer meets the organisation."""

    id: str = attrs.field(validator=_non_empty)
    name: str
    channel: str = ""
    environment: Environment | None = None
    elements: tuple[ExperienceElement, ...] = ()
    owner: str | None = None
    description: str = ""
    moment_of_truth: bool = False


@attrs.frozen
class Persona:
    """A customer archetype a journey is drawn for."""

    id: str = attrs.field(validator=_non_empty)
    name: str
    description: str = ""
    goals: tuple[str, ...] = ()
    segment: Segment = attrs.field(factory=dict)


@attrs.frozen
class Emotion:
    """How the customer feels at a stage: a score from −2 (very negative) to +2."""

    score: float = attrs.field(validator=[attrs.validators.ge(-2), attrs.validators.le(2)])
    note: str = ""


@attrs.frozen
class JourneyStage:
    """One stage of a journey map with the elements CX practice maps per stage."""

    id: str = attrs.field(validator=_non_empty)
    name: str
    touchpoints: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    expectations: tuple[str, ...] = ()
    behaviours: tuple[str, ...] = ()
    emotion: Emotion | None = None
    pain_points: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    moments_of_truth: tuple[str, ...] = ()
    #: customers may pass this stage by: not reaching it is no drop-off
    optional: bool = False
    #: customers who end here have completed the journey; None: only when it is the journey's last stage
    final: bool | None = None


@attrs.frozen
class Journey:
    """A journey map: a persona travelling through ordered stages."""

    id: str = attrs.field(validator=_non_empty)
    name: str
    stages: tuple[JourneyStage, ...]
    persona: str | None = None
    frequency: str = ""
    departments: tuple[str, ...] = ()
    description: str = ""

    def is_final(self, position: int) -> bool:
        """Whether ending the journey at stage ``position`` completes it (declared, else the last stage)."""
        declared = self.stages[position].final
        return declared if declared is not None else position == len(self.stages) - 1

    def is_skippable(self, position: int) -> bool:
        """Whether not reaching stage ``position`` is no drop-off: it is optional, or comes after a final stage."""
        return self.stages[position].optional or any(self.is_final(i) for i in range(position))

    def final_touchpoints(self) -> frozenset[str]:
        """The touchpoints of the final stages: a case with an event at one has completed the journey."""
        return frozenset(
            tp for position, stage in enumerate(self.stages) if self.is_final(position) for tp in stage.touchpoints
        )


# --- plan -------------------------------------------------------------------


@attrs.frozen
class Objective:
    """A planned target for a metric, optionally for one segment, by a deadline."""

    id: str = attrs.field(validator=_non_empty)
    metric: str = attrs.field(validator=_non_empty)
    target: float = attrs.field(validator=_finite)
    comparison: Comparison = Comparison.AT_LEAST
    segment: Segment = attrs.field(factory=dict)
    deadline: dt.date | None = None
    owner: str | None = None
    business_kpi: str | None = None
    description: str = ""


# --- measure ----------------------------------------------------------------


@attrs.frozen
class Observation:
    """One measured answer or value (a survey answer, an operational figure).

    ``question`` names what was measured; metric definitions read observations
    by question. ``key`` names the response the observation belongs to, across
    re-collections (the observation is ``<key>|<question>``: one answer per
    response and question); the ingest machinery derives one — source and
    response id, else source and line — when the collector leaves it empty.
    """

    question: str = attrs.field(validator=_non_empty)
    value: float = attrs.field(validator=_finite)
    timestamp: dt.datetime = attrs.field(validator=_aware)
    source: str
    respondent_id: str | None = None
    response_id: str | None = None
    population: str = "customer"
    scale_min: float | None = None
    scale_max: float | None = None
    touchpoint: str | None = None
    channel: str | None = None
    segment: Segment = attrs.field(factory=dict)
    comment: str | None = None
    weight: float | None = attrs.field(default=None, validator=[_finite, _positive])
    key: str | None = None


@attrs.frozen
class Event:
    """One interaction of a customer (a case) with a touchpoint or activity."""

    case_id: str = attrs.field(validator=_non_empty)
    activity: str = attrs.field(validator=_non_empty)
    timestamp: dt.datetime = attrs.field(validator=_aware)
    source: str
    touchpoint: str | None = None
    channel: str | None = None
    resource: str | None = None
    outcome: str | None = None
    attributes: Attributes = attrs.field(factory=dict)
    key: str | None = None


class Period(enum.Enum):
    """Calendar periods results can be grouped by (UTC)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @classmethod
    def parse(cls, period: str | Period | None) -> Period | None:
        """``period`` as a `Period` (``None`` stays ``None``), or `InvalidInput` naming the known periods."""
        return _member(cls, period, "period", "period")


@attrs.frozen
class MetricDefinition:
    """What a metric is and how the engine computes it.

    ``value_sql`` is a SQL expression over one row of ``observations`` (columns
    ``value``, ``scale_min``, ``scale_max``, ``weight`` …) giving that
    observation's contribution; NULL leaves the row out. The metric's value is
    ``multiplier`` × the (weighted) mean of that expression, computed in one
    set-based query with its variance, so the same definition runs on any
    engine. With ``interval = median`` the value is the median of that
    expression instead (unweighted), with its order-statistic interval.

    ``table`` is where the rows come from: ``observations``, or a table or
    view of a plugin's own that has the columns the engine reads (``question``,
    ``population``, ``timestamp``, ``respondent_id``, ``response``, ``weight``,
    ``value`` when a scale is set, the segment columns asked for, and whatever
    ``value_sql`` reads), e.g. a view with one row per closed-loop case.
    ``segments`` names the table's own columns that results may be grouped
    and filtered by besides the observations' (a case's ``owner``). A metric
    whose table is not in the store (yet) has no results.
    """

    id: str = attrs.field(validator=_non_empty)
    title: str
    question: str = attrs.field(validator=_non_empty)
    value_sql: str = attrs.field(validator=_non_empty)
    interval: IntervalMethod = IntervalMethod.MEAN
    multiplier: float = attrs.field(default=1.0, validator=[_finite, _positive])
    unit: str = ""
    higher_is_better: bool = True
    min_sample: int | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.ge(1)))
    population: str = "customer"
    scale_min: float | None = None
    scale_max: float | None = None
    description: str = ""
    table: str = attrs.field(default="observations", validator=_sql_name)
    segments: tuple[str, ...] = attrs.field(
        default=(), converter=_names, validator=attrs.validators.deep_iterable(_sql_name)
    )

    def require_answers(self, option: str = "--metric") -> None:
        """`InvalidInput` unless this metric scores respondents' answers (``observations``).

        Analyses that read answers per response or per customer (drivers,
        comment themes, a customer's history) call it for the metric they
        were given: a metric over a plugin's own table (the loop's cases)
        has no answers to read.
        """
        if self.table != "observations":
            raise InvalidInput(
                [
                    f"{option} {self.id}: computed over {self.table}, not over respondents' answers; choose a survey metric"
                ]
            )


@attrs.frozen
class MetricResult:
    """A metric computed for one segment and period, with its uncertainty."""

    metric: str
    value: float | None
    #: respondents (or observations) behind the value; ``None`` when a privacy rule suppressed the group
    n: int | None
    ci_low: float | None
    ci_high: float | None
    confidence: float = attrs.field(default=0.95, validator=_unit_interval)
    #: segment column → value; ``None`` for observations without a value in that column
    segment: dict[str, str | None] = attrs.field(factory=dict)
    period: str | None = None
    std_error: float | None = None
    effective_n: float | None = None
    flags: tuple[str, ...] = ()
    objective: str | None = None
    target: float | None = None
    target_status: TargetStatus | None = None
    #: respondents who answered more than once in this group (flag ``repeat_respondents``); ``None`` when no
    #: answer of the group carries a respondent id
    repeat_respondents: int | None = None

    def as_suppressed(self) -> MetricResult:
        """This result as a privacy rule hides it (see the ``protect_metric_results`` hook).

        The group keeps its segment, period, objective and target; value, n,
        interval and every figure derived from them are ``None``, and the one
        flag is `SUPPRESSED`, so no reader can tell why it was hidden.
        """
        return MetricResult(
            metric=self.metric,
            value=None,
            n=None,
            ci_low=None,
            ci_high=None,
            confidence=self.confidence,
            segment=dict(self.segment),
            period=self.period,
            flags=(SUPPRESSED,),
            objective=self.objective,
            target=self.target,
        )


#: The flag (and the only flag) of a result a privacy rule hid.
SUPPRESSED = "suppressed"


# --- improve ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CheckResult:
    """The outcome of one check over the programme and its data.

    A check returns results with just ``status``, ``evidence`` and
    ``recommendation``; the host fills in ``check``, ``plugin``, and the
    ``severity``, ``title`` and ``stage`` of the `cxframe.Check` when
    the result leaves them empty.
    """

    status: CheckStatus
    check: str = ""
    plugin: str = ""
    severity: Severity | None = None
    title: str = ""
    evidence: tuple[str, ...] = ()
    recommendation: str = ""
    stage: Stage | None = None


@attrs.frozen
class Finding:
    """Something the assessment, a check or an analysis found that needs attention."""

    id: str
    source: str
    stage: Stage
    severity: Severity
    title: str
    evidence: tuple[str, ...] = ()
    recommendation: str = ""
    touchpoint: str | None = None
    metric: str | None = None
    #: how far it reaches: 1 one touchpoint, team or criterion; 2 a journey or segment; 3 the whole programme
    breadth: int = attrs.field(default=1, validator=[attrs.validators.ge(1), attrs.validators.le(3)])
    #: what fixing it takes: 1 a quick fix; 2 a project; 3 a change across the organisation
    effort: int = attrs.field(default=2, validator=[attrs.validators.ge(1), attrs.validators.le(3)])


@attrs.frozen
class CriterionResult:
    """How one criterion of a maturity model was judged, and on what grounds.

    ``source`` says what decided it: ``evidence`` (computed from the programme
    and the store), ``answer`` (the questionnaire) or ``none``.
    """

    id: str
    dimension: str
    level: int = attrs.field(validator=[attrs.validators.ge(1), attrs.validators.le(5)])
    title: str
    status: CriterionStatus
    source: str = "none"
    evidence: tuple[str, ...] = ()
    recommendation: str = ""


@attrs.frozen
class MaturityResult:
    """The maturity level of one dimension of a model, with the evidence for it."""

    model: str
    dimension: str
    level: int = attrs.field(validator=[attrs.validators.ge(0), attrs.validators.le(5)])
    score: float
    evidence: tuple[str, ...] = ()
    criteria_met: tuple[str, ...] = ()
    criteria_unmet: tuple[str, ...] = ()
    #: every criterion of the dimension with its status and evidence
    criteria: tuple[CriterionResult, ...] = ()


@attrs.frozen
class Action:
    """An improvement action, traceable to what prompted it and to its effect."""

    id: str
    title: str
    stage: Stage = Stage.IMPROVE
    owner: str | None = None
    due: dt.date | None = None
    status: ActionStatus = ActionStatus.PROPOSED
    finding: str | None = None
    touchpoint: str | None = None
    metric: str | None = None
    priority: float | None = None
    #: the metric's value before the action (the effect's before window, when cxframe measured it)
    baseline: float | None = None
    #: the metric's change after the action: after − before on the metric's scale (when measured)
    effect: float | None = None
    #: the interval of ``effect`` and the p-value of its test (when cxframe measured it)
    effect_ci_low: float | None = None
    effect_ci_high: float | None = None
    effect_p_value: float | None = None
    #: the day the action was finished: its effect is the metric from this day against the days before
    done: dt.date | None = None
    #: the answers the action should move, besides its touchpoint (e.g. ``{region = "North"}``)
    segment: Segment = attrs.field(factory=dict)
