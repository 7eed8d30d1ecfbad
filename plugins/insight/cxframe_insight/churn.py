"""The churn early warning: each customer's risk of leaving, with its reasons.

Without outcome labels the risk is **rule-based** (`RULES`, documented in
docs/insight.md): points for what is known to come before churn — an unhappy
latest score, a falling score, complaints, repeat contacts, going quiet, open
or overdue loop cases, unfinished journeys — added up and capped at 1. It is
a ranking to act on, not a probability: ``auc`` and ``calibration`` are null
and the output says ``model: "rules"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from cxframe import MetricDefinition
from cxframe_insight.features import FEATURES, FeatureTable, unhappy_threshold
from cxframe_insight.settings import InsightSettings

RULES_MODEL = "rules"
HIGH = "high"
MEDIUM = "medium"
LOW = "low"
#: Risk at or above which a customer is in the band (the same cut-offs for rules and model).
BANDS: tuple[tuple[float, str], ...] = ((0.5, HIGH), (0.25, MEDIUM), (0.0, LOW))
#: A customer's reasons: the features that raise the risk most, at most this many.
TOP_REASONS = 3
#: Answers below this share of the scale, and above the unhappy share, are lukewarm (7–8 on 0–10: a passive).
LUKEWARM_SHARE = 0.8


@attrs.frozen
class Reason:
    """One feature behind a customer's risk: its value and how much it adds."""

    feature: str
    value: float | None
    contribution: float

    def to_json(self) -> dict[str, Any]:
        return {"feature": self.feature, "value": self.value, "contribution": self.contribution}


@attrs.frozen
class CustomerRisk:
    """A customer's risk of churning (0–1), its band and its top reasons."""

    customer: str
    risk: float
    band: str
    reasons: tuple[Reason, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "customer": self.customer,
            "risk": self.risk,
            "band": self.band,
            "reasons": [reason.to_json() for reason in self.reasons],
        }


@attrs.frozen
class CalibrationBin:
    """Customers whose predicted risk fell in one bin: their mean prediction and the share who churned."""

    predicted: float
    observed: float
    n: int

    def to_json(self) -> dict[str, Any]:
        return {"predicted": self.predicted, "observed": self.observed, "n": self.n}


@attrs.frozen
class Calibration:
    brier: float
    bins: tuple[CalibrationBin, ...]

    def to_json(self) -> dict[str, Any]:
        return {"brier": self.brier, "bins": [b.to_json() for b in self.bins]}


@attrs.frozen
class ChurnPrediction:
    """Every customer's churn risk, highest first, with how the risk was made and how good it is."""

    #: ``rules``, or the model's name (``logistic_regression``)
    model: str
    #: the time-split validation's AUC; None for rules
    auc: float | None
    calibration: Calibration | None
    customers: tuple[CustomerRisk, ...]
    #: the moment the features were read up to (the store's latest answer or event)
    as_of: str
    #: what the reader must know (rules are no probability; the model's validation)
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The public shape of ``cxframe predict churn --json`` (DESIGN §11)."""
        return {
            "model": self.model,
            "auc": self.auc,
            "calibration": None if self.calibration is None else self.calibration.to_json(),
            "customers": [customer.to_json() for customer in self.customers],
        }

    def of(self, customer: str) -> CustomerRisk | None:
        return next((found for found in self.customers if found.customer == customer), None)


def band(risk: float) -> str:
    return next(name for cut, name in BANDS if risk >= cut)


Rule = Callable[[dict[str, float | None]], float]


def _capped(feature: str, each: float, most: float) -> tuple[str, Rule]:
    return feature, lambda values: min(most, each * (values[feature] or 0.0))


def rules(metric: MetricDefinition | None, settings: InsightSettings) -> list[tuple[str, Rule]]:
    """The rule-based risk's points: ``(feature, points(features))`` (see docs/insight.md)."""
    unhappy = unhappy_threshold(metric)
    lukewarm = None
    if metric is not None and metric.scale_min is not None and metric.scale_max is not None:
        lukewarm = metric.scale_min + LUKEWARM_SHARE * (metric.scale_max - metric.scale_min)

    def latest(values: dict[str, float | None]) -> float:
        score = values["latest_score"]
        if score is None or unhappy is None or lukewarm is None:
            return 0.0
        return 0.30 if score <= unhappy else 0.10 if score < lukewarm else 0.0

    def quiet(values: dict[str, float | None]) -> float:
        days = values["days_since_last"]
        return 0.10 if days is not None and days > settings.horizon_days else 0.0

    return [
        ("latest_score", latest),
        ("score_trend", lambda values: 0.15 if (values["score_trend"] or 0.0) < 0 else 0.0),
        ("unhappy_answers", lambda values: 0.10 if (values["unhappy_answers"] or 0.0) >= 2 else 0.0),
        _capped("complaints", 0.10, 0.20),
        _capped("repeat_contacts", 0.05, 0.15),
        ("days_since_last", quiet),
        _capped("open_cases", 0.05, 0.10),
        _capped("overdue_cases", 0.10, 0.20),
        _capped("journey_dropoffs", 0.10, 0.20),
    ]


NO_LABELS = "no churn labels (a kpi-csv source with a 'churned' KPI)"


def _top(reasons: Sequence[Reason]) -> tuple[Reason, ...]:
    raised = sorted((r for r in reasons if r.contribution > 0), key=lambda r: (-r.contribution, r.feature))
    return tuple(raised[:TOP_REASONS])


def by_rules(
    table: FeatureTable, metric: MetricDefinition | None, settings: InsightSettings, why: str | None = None
) -> ChurnPrediction:
    """The rule-based risk of every customer in ``table``; ``why``: why the labels gave no model, if there are any."""
    points = rules(metric, settings)
    found = []
    for customer, row in zip(table.customers, table.rows, strict=True):
        values = dict(zip(FEATURES, row, strict=True))
        reasons = [Reason(feature, values[feature], round(rule(values), 4)) for feature, rule in points]
        risk = round(min(1.0, sum(reason.contribution for reason in reasons)), 4)
        found.append(CustomerRisk(customer, risk, band(risk), _top(reasons)))
    found.sort(key=lambda c: (-c.risk, c.customer))
    return ChurnPrediction(
        RULES_MODEL,
        None,
        None,
        tuple(found),
        table.as_of,
        # one note, naming the rules once: the labels' problem when there are labels, else their absence
        (f"{why or NO_LABELS}: the risk is rule-based points, a ranking to act on, not a probability",),
    )


def after(stored: str, seconds: float = 1.0) -> str:
    """A stored time moved on by ``seconds`` (the moment just after the store's latest record)."""
    moment = dt.datetime.fromisoformat(stored.replace("Z", "+00:00")) + dt.timedelta(seconds=seconds)
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
