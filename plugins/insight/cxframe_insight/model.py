"""The churn model with labels: a logistic regression on the customer features, validated on a time split.

Labels are ``churned`` KPI facts (`cxframe_insight.kpis`): a customer's churn
date is the first fact ``churned = 1``; the labelled period ends at the last
``churned`` fact of any value (``L``). With ``H`` = ``horizon_days``, the
*snapshots* are the moments ``S_j = L − j·H`` (j = 1 … `MAX_SNAPSHOTS`) that
have data before them. A snapshot's rows are the customers with an answer or
event before ``S_j`` who had not churned by then; its features are read
strictly before ``S_j``; its label is whether the customer churned in
``[S_j, S_j + H)``. So no feature sees the period it predicts.

Validation is rolling-origin: each fold tests one snapshot with a model
trained on the snapshots before it only (whose label windows end where the
tested one starts), up to `MAX_FOLDS` folds, most recent first. ``auc`` is
the folds' mean AUC; ``calibration`` the Brier score and the observed churn
rate per bin of predicted risk, over every fold's test predictions. The
model that scores the customers is then trained on every snapshot, and
applied to features read up to the store's latest record.

A customer's reasons are the features' contributions to the log-odds
relative to the average customer (coefficient × standardised value); the
three that raise the risk most.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from cxframe import Store
from cxframe_insight.churn import (
    TOP_REASONS,
    Calibration,
    CalibrationBin,
    ChurnPrediction,
    CustomerRisk,
    Reason,
    band,
)
from cxframe_insight.features import FEATURES, FeatureTable
from cxframe_insight.kpis import CHURNED, KPI

MODEL = "logistic_regression"
MAX_SNAPSHOTS = 4
MAX_FOLDS = 3
#: Fewest churned and fewest staying customers over the snapshots for a model to be learnt at all.
MIN_EACH_CLASS = 10
CALIBRATION_BINS = 10

Array = Any


def _shift(stored: str, days: float) -> str:
    moment = dt.datetime.fromisoformat(stored.replace("Z", "+00:00")) + dt.timedelta(days=days)
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def snapshot_moments(end: str, horizon_days: float, count: int = MAX_SNAPSHOTS) -> Sequence[str]:
    """The prediction dates the model learns from: one horizon apart, back from the labels' end."""
    return [_shift(end, -j * horizon_days) for j in range(1, count + 1)]


def labels(store: Store) -> tuple[dict[str, str], str | None, int]:
    """Each churned customer's churn date, the end of the labelled period, and how many labelled customers there are."""
    churn_dates = dict(
        store.db.execute(
            "SELECT respondent_id, MIN(timestamp) FROM observations WHERE population = ? AND question = ? "
            "AND value = 1 AND respondent_id IS NOT NULL GROUP BY respondent_id",
            [KPI, CHURNED],
        ).fetchall()
    )
    end, labelled = store.db.execute(
        "SELECT MAX(timestamp), COUNT(DISTINCT respondent_id) FROM observations WHERE population = ? AND question = ?",
        [KPI, CHURNED],
    ).fetchone()
    return churn_dates, end, int(labelled or 0)


def label_days(store: Store) -> list[str]:
    """The dates the ``churned`` facts are on (at most two: one date is a snapshot, which no time split can use)."""
    rows = store.db.execute(
        "SELECT DISTINCT substr(timestamp, 1, 10) FROM observations WHERE population = ? AND question = ? LIMIT 2",
        [KPI, CHURNED],
    ).fetchall()
    return sorted(row[0] for row in rows)


def snapshot_problem(store: Store, labelled: int) -> str | None:
    """Why labels that are all on one date cannot train the model, or None when they are on two dates or more.

    A snapshot (every customer's flag on one export date) says who has left,
    not when: no prediction date has a label window with churners in it, and
    reading the features up to the snapshot would let them see the churn.
    """
    days = label_days(store)
    if len(days) != 1:
        return None
    return (
        f"all {labelled} customers' churn labels are on one date ({days[0]}): a snapshot says who has left, not "
        "when, and the model's time split needs labels on at least two dates (each churner's churn date; "
        "see docs/insight.md, 'Churn labels on one date')"
    )


def has_labels(store: Store) -> bool:
    """Whether any ``churned`` fact is stored: the prediction then tries the model (`labels` reads them all)."""
    found = store.db.execute(
        "SELECT EXISTS (SELECT 1 FROM observations WHERE population = ? AND question = ?)", [KPI, CHURNED]
    ).fetchone()[0]
    return bool(found)


def unknown_customers(store: Store) -> int:
    """Customers with KPI facts but no survey answer and no event: they cannot be scored or learnt from."""
    # set differences, not a NOT EXISTS per customer: responses has no index on respondent_id
    return int(
        store.db.execute(
            "SELECT COUNT(*) FROM (SELECT respondent_id FROM responses WHERE population = ? AND respondent_id IS NOT NULL "
            "EXCEPT SELECT respondent_id FROM responses WHERE population <> ? EXCEPT SELECT case_id FROM events)",
            [KPI, KPI],
        ).fetchone()[0]
    )


def _matrix(table: FeatureTable) -> Array:
    import numpy as np

    values = np.array([[np.nan if v is None else v for v in row] for row in table.rows], dtype=float)
    return values.reshape(len(table.rows), len(FEATURES))


def _design(values: Array, means: Array | None = None) -> tuple[Array, Array]:
    """Features with the never-answered score filled by the training mean, plus a never-answered indicator."""
    import numpy as np

    missing = np.isnan(values[:, 0]).astype(float)
    if means is None:
        answered = values[~np.isnan(values[:, 0]), 0]
        means = np.array([answered.mean() if answered.size else 0.0])
    filled = values.copy()
    filled[np.isnan(filled[:, 0]), 0] = means[0]
    filled = np.nan_to_num(filled)
    return np.column_stack([filled, missing]), means


def snapshot(table: FeatureTable, churn_dates: dict[str, str], horizon_end: str) -> tuple[Array, Array, list[str]]:
    """A snapshot's features and labels: customers not yet churned at its moment; churned within the horizon."""
    import numpy as np

    keep = [i for i, c in enumerate(table.customers) if churn_dates.get(c) is None or churn_dates[c] >= table.as_of]
    values = _matrix(table)[keep]
    target = np.array(
        [1.0 if (churn_dates.get(table.customers[i]) or "~") < horizon_end else 0.0 for i in keep], dtype=float
    )
    return values, target, [table.customers[i] for i in keep]


def _fit(values: Array, target: Array, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    design, means = _design(values)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=seed))
    model.fit(design, target)
    return model, means


def _predict(fitted: tuple[Any, Array], values: Array) -> Array:
    model, means = fitted
    design, _ = _design(values, means)
    return model.predict_proba(design)[:, 1]


def _calibration(predicted: Array, observed: Array) -> Calibration:
    import numpy as np
    from sklearn.metrics import brier_score_loss

    edges = np.linspace(0, 1, CALIBRATION_BINS + 1)
    index = np.clip(np.digitize(predicted, edges[1:-1]), 0, CALIBRATION_BINS - 1)
    bins = []
    for b in range(CALIBRATION_BINS):
        chosen = index == b
        if chosen.any():
            bins.append(
                CalibrationBin(float(predicted[chosen].mean()), float(observed[chosen].mean()), int(chosen.sum()))
            )
    return Calibration(float(brier_score_loss(observed, predicted)), tuple(bins))


def _reasons(fitted: tuple[Any, Array], values: Array) -> list[list[Reason]]:
    import numpy as np

    model, means = fitted
    design, _ = _design(values, means)
    scaler, regression = model[0], model[-1]
    contributions = scaler.transform(design) * regression.coef_[0]
    # the never-answered indicator is part of the score's story: its contribution goes to latest_score
    per_feature = contributions[:, : len(FEATURES)].copy()
    per_feature[:, 0] += contributions[:, len(FEATURES)]
    found = []
    for row, raw in zip(per_feature, values, strict=True):
        order = np.argsort(-row, kind="stable")[:TOP_REASONS]
        found.append(
            [
                Reason(FEATURES[j], None if np.isnan(raw[j]) else float(raw[j]), round(float(row[j]), 4))
                for j in order
                if row[j] > 0
            ]
        )
    return found


def by_model(
    build: Callable[[str], FeatureTable],
    churn_dates: dict[str, str],
    end: str,
    start: str,
    now: str,
    horizon_days: float,
    seed: int,
) -> ChurnPrediction | str:
    """The model's prediction, or why no model could be learnt (the caller falls back to rules, saying so).

    ``build(as_of)`` reads the features as of a moment; ``start`` is the
    store's earliest record, ``now`` the moment customers are scored at.
    """
    import numpy as np
    from sklearn.metrics import roc_auc_score

    snapshots = []
    for moment in snapshot_moments(end, horizon_days):
        if moment <= start:
            break
        values, target, _ = snapshot(build(moment), churn_dates, _shift(moment, horizon_days))
        if len(target):
            snapshots.append((moment, values, target))
    churned = int(sum(t.sum() for _, _, t in snapshots))
    stayed = int(sum(len(t) - t.sum() for _, _, t in snapshots))
    if churned < MIN_EACH_CLASS or stayed < MIN_EACH_CLASS:
        # churn on the labels' last date falls in no window: every window ends where the labels end
        at_end = sum(1 for day in churn_dates.values() if day >= end)
        late = f"; {at_end} churned on the labels' last date ({end[:10]}), after every window" if at_end else ""
        return (
            f"churn labels found, but too few to learn from: {churned} churned and {stayed} stayed within "
            f"{horizon_days:g} days of {len(snapshots)} prediction date(s) (need {MIN_EACH_CLASS} of each){late}"
        )
    aucs: list[float] = []
    tested: list[Array] = []
    observed: list[Array] = []
    # rolling origin: test a snapshot with a model of the earlier snapshots only (index 0 is the most recent)
    for k in range(min(MAX_FOLDS, len(snapshots) - 1)):
        train = snapshots[k + 1 :]
        x = np.vstack([v for _, v, _ in train])
        y = np.concatenate([t for _, _, t in train])
        test_x, test_y = snapshots[k][1], snapshots[k][2]
        # a fold learnt from a handful of churners says nothing about the model: left out
        if min(y.sum(), len(y) - y.sum()) < MIN_EACH_CLASS or len(set(test_y)) < 2:
            continue
        predicted = _predict(_fit(x, y, seed), test_x)
        aucs.append(float(roc_auc_score(test_y, predicted)))
        tested.append(predicted)
        observed.append(test_y)
    if not aucs:
        return (
            "churn labels found, but no time split has churned and staying customers on both sides "
            f"(labels cover {len(snapshots)} prediction date(s) {horizon_days:g} days apart)"
        )
    x = np.vstack([v for _, v, _ in snapshots])
    y = np.concatenate([t for _, _, t in snapshots])
    fitted = _fit(x, y, seed)
    current = build(now)
    values = _matrix(current)
    risks = _predict(fitted, values)
    reasons = _reasons(fitted, values)
    customers = [
        CustomerRisk(customer, round(float(risk), 4), band(float(risk)), tuple(why))
        for customer, risk, why in zip(current.customers, risks, reasons, strict=True)
    ]
    customers.sort(key=lambda c: (-c.risk, c.customer))
    return ChurnPrediction(
        MODEL,
        round(float(np.mean(aucs)), 4),
        _calibration(np.concatenate(tested), np.concatenate(observed)),
        tuple(customers),
        now,
        (
            f"logistic regression on {len(y)} customer-snapshots ({int(y.sum())} churned within {horizon_days:g} days); "
            f"AUC and calibration from {len(aucs)} time-split fold(s): each tested on a later date than it learnt from",
        ),
    )
