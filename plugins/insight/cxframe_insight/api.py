"""The plugin's Python API: one function per task, each taking the programme folder.

>>> import cxframe_insight
>>> cxframe_insight.key_drivers("my-programme", metric="nps")                     # doctest: +SKIP
>>> cxframe_insight.key_drivers("my-programme", metric="nps", drivers=["speed", "staff"], by="region")  # doctest: +SKIP
>>> cxframe_insight.predict_churn("my-programme").customers[:10]               # doctest: +SKIP
>>> cxframe_insight.customer_profile("my-programme", "C038146").to_json()      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs

from cxframe import InvalidInput, MetricDefinition, Opened, PluginHost, Programme, RunContext, open_programme
from cxframe_insight import business, churn, features, model, profile, scores
from cxframe_insight import drivers as driver_analysis
from cxframe_insight.business import BusinessLink
from cxframe_insight.churn import ChurnPrediction, CustomerRisk
from cxframe_insight.drivers import DriverAnalysis
from cxframe_insight.kpis import KPI
from cxframe_insight.profile import CustomerProfile
from cxframe_insight.settings import SETTINGS, InsightSettings, load_settings

ProgrammeLike = str | Path | Programme


def key_drivers(
    programme: ProgrammeLike = ".",
    *,
    metric: str,
    drivers: Sequence[str] | None = None,
    by: str | None = None,
    host: PluginHost | None = None,
) -> list[DriverAnalysis]:
    """The key drivers of ``metric``: one `DriverAnalysis` overall, or one per value of segment column ``by``.

    ``drivers`` names the driver questions (default: every other rating
    answered in at least half of the metric's responses). Without ``by``, too
    few complete responses or a driver without variance raises
    `cxframe.InvalidInput` saying so; with ``by``, such a segment's analysis
    carries the reason in ``problem`` and no figures.
    """
    with open_programme(programme, host) as opened:
        settings = load_settings(opened.programme)
        known = opened.registry.metrics.ids()
        if metric not in known:
            raise InvalidInput([f"--metric {metric}: unknown metric (known: {', '.join(sorted(known))})"])
        definition = opened.registry.metrics.get(metric)
        definition.require_answers()
        found = driver_analysis.key_drivers(opened.store, definition, settings, drivers=drivers, by=by)
    if by is None and found[0].problem is not None:
        raise InvalidInput([found[0].problem])
    return found


def _score_metric(opened: Opened | RunContext, settings: InsightSettings) -> MetricDefinition | None:
    """The metric whose answers give the churn features' scores; None when the default nps is not registered."""
    ids = opened.registry.metrics.ids()
    if settings.churn_metric in ids:
        found = opened.registry.metrics.get(settings.churn_metric)
        found.require_answers(f"plugins.{SETTINGS}.churn_metric =")
        return found
    if "churn_metric" in opened.programme.plugin_settings(SETTINGS):
        raise InvalidInput(
            [
                f"plugins.{SETTINGS}.churn_metric: unknown metric {settings.churn_metric!r} (known: {', '.join(sorted(ids))})"
            ],
            where=str(opened.programme.file),
        )
    return None


def _span(opened: Opened | RunContext) -> tuple[str | None, str | None]:
    """The store's earliest and latest answer or event (KPI facts are outcomes, not contacts: left out)."""
    first, last = opened.store.db.execute(
        "SELECT MIN(f), MAX(l) FROM (SELECT MIN(timestamp) AS f, MAX(timestamp) AS l FROM responses "
        "WHERE population <> ? UNION ALL SELECT MIN(timestamp), MAX(timestamp) FROM events)",
        [KPI],
    ).fetchone()
    return (None if first is None else str(first)), (None if last is None else str(last))


def _churn_inputs(
    opened: Opened | RunContext,
) -> tuple[InsightSettings, MetricDefinition | None, str, str, list[tuple[str, str, bool]]]:
    """Settings, score metric, the store's first and latest record, and the journeys' touchpoints."""
    settings = load_settings(opened.programme)
    metric = _score_metric(opened, settings)
    first, latest = _span(opened)
    if first is None or latest is None:
        raise InvalidInput(["no survey answers and no events in the store yet: run cxframe collect first"])
    return settings, metric, first, latest, features.final_touchpoints(opened.programme)


def predict_in(opened: Opened | RunContext, *, keep: bool = False) -> ChurnPrediction:
    """The churn prediction over an opened programme or an assessment's run (the same store and registry).

    ``keep``: keep the scores of a prediction over labelled data in the store
    (`cxframe_insight.scores`), for `customer_profile` to read while the data
    are unchanged.
    """
    settings, metric, first, latest, journeys = _churn_inputs(opened)
    churn_dates, end, labelled = model.labels(opened.store)
    current = scores.state(opened.store, settings, metric, journeys) if keep and labelled else None
    features.prepare(opened.store)

    def build(as_of: str) -> features.FeatureTable:
        return features.build(
            opened.store,
            metric,
            journeys,
            as_of,
            complaint_words=settings.complaint_activities,
            repeat_days=settings.repeat_days,
            prepared=True,
        )

    now = churn.after(latest)
    notes: list[str] = []
    unknown = model.unknown_customers(opened.store)
    if unknown:
        notes.append(f"{unknown} customer(s) of the KPI facts have no survey answer and no event: not scored")
    prediction: ChurnPrediction | None = None
    why: str | None = None
    if labelled and end is not None:
        found = model.snapshot_problem(opened.store, labelled) or model.by_model(
            build, churn_dates, end, first, now, settings.horizon_days, settings.seed
        )
        if isinstance(found, churn.ChurnPrediction):
            prediction = attrs.evolve(found, notes=(*found.notes, *notes))
        else:
            why = found
    if prediction is None:
        rules = churn.by_rules(build(now), metric, settings, why)
        prediction = attrs.evolve(rules, notes=(*rules.notes, *notes))
    if current is not None:
        scores.keep(opened.store, current, prediction)
    return prediction


def predict_churn(programme: ProgrammeLike = ".", *, host: PluginHost | None = None) -> ChurnPrediction:
    """Every customer's churn risk (0–1), highest first, with its band and top reasons.

    A customer is anyone with a survey answer (respondent id) or an event
    (case id); features are read up to the store's latest record. With
    ``churned`` KPI facts (a ``kpi-csv`` source) a logistic regression learnt
    and validated on a time split (``auc``, ``calibration``); without them,
    or with too few, the rule-based risk (``model == "rules"``, ``auc`` and
    ``calibration`` None, and one note saying why: no labels, too few, or all on one date):
    see docs/insight.md. With
    labels, the scores are kept in the store for `customer_profile`.
    """
    with open_programme(programme, host) as opened:
        return predict_in(opened, keep=True)


def customer_risk(opened: Opened | RunContext, customer: str) -> tuple[CustomerRisk | None, str]:
    """One customer's churn risk and the model behind it: what `predict_in` gives them, without scoring everyone.

    Without churn labels, the rules over this customer's features alone (read
    with the customer as a parameter of the query). With labels, the scores
    `predict churn` kept while the store's state is the one they were computed
    on; else the prediction is made again, and kept.
    """
    if not model.has_labels(opened.store):
        settings, metric, _, latest, journeys = _churn_inputs(opened)
        table = features.build(
            opened.store,
            metric,
            journeys,
            churn.after(latest),
            complaint_words=settings.complaint_activities,
            repeat_days=settings.repeat_days,
            customer=customer,
        )
        return churn.by_rules(table, metric, settings).of(customer), churn.RULES_MODEL
    settings = load_settings(opened.programme)
    metric = _score_metric(opened, settings)
    current = scores.state(opened.store, settings, metric, features.final_touchpoints(opened.programme))
    found = scores.kept(opened.store, current, customer)
    if found is not None:
        return found.risk, found.model
    prediction = predict_in(opened, keep=True)
    return prediction.of(customer), prediction.model


def customer_profile(programme: ProgrammeLike, customer: str, *, host: PluginHost | None = None) -> CustomerProfile:
    """Everything known about one customer: answers, events, journey stage, metric history, risk, cases, actions.

    The risk is the one `predict_churn` gives the customer (see
    `customer_risk`). Other plugins add their parts through the core's
    ``customer_profile`` hook (the text plugin: ``comments``), in ``parts``.
    An id that is neither a respondent id nor an event case id raises
    `cxframe.InvalidInput`.
    """
    with open_programme(programme, host) as opened:
        profile.require(opened.store, customer)
        risk, risk_model = customer_risk(opened, customer)
        metrics = [opened.registry.metrics.get(metric) for metric in opened.registry.metrics.ids()]
        found = profile.build(opened.store, opened.programme, metrics, customer, risk, risk_model)
        answers = opened.host.call(
            "customer_profile", programme=opened.programme, store=opened.store, customer=customer
        )
        parts, notes = profile.merge_parts(answers)
        return attrs.evolve(found, parts=parts, notes=tuple(notes))


def business_link(
    programme: ProgrammeLike = ".", *, kpi: str, metric: str = "nps", host: PluginHost | None = None
) -> BusinessLink:
    """The KPI among the metric's groups (promoters, passives, detractors) and per point of the metric.

    Customers with both a ``kpi`` fact (a ``kpi-csv`` source) and an answer
    to ``metric``'s question count; the others are counted in
    ``unmatched``. An association, not an effect (``caveat``).
    """
    with open_programme(programme, host) as opened:
        settings = load_settings(opened.programme)
        known = opened.registry.metrics.ids()
        if metric not in known:
            raise InvalidInput([f"--metric {metric}: unknown metric (known: {', '.join(sorted(known))})"])
        definition = opened.registry.metrics.get(metric)
        definition.require_answers()
        return business.link(opened.store, kpi, definition, settings.confidence)
