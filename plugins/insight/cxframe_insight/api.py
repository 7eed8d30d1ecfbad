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

from cxframe import InvalidInput, MetricDefinition, Opened, PluginHost, Programme, open_programme
from cxframe_insight import churn, features, profile
from cxframe_insight import drivers as driver_analysis
from cxframe_insight.churn import ChurnPrediction
from cxframe_insight.drivers import DriverAnalysis
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
        found = driver_analysis.key_drivers(opened.store, definition, settings, drivers=drivers, by=by)
    if by is None and found[0].problem is not None:
        raise InvalidInput([found[0].problem])
    return found


def _score_metric(opened: Opened, settings: InsightSettings) -> MetricDefinition | None:
    """The metric whose answers give the churn features' scores; None when the default nps is not registered."""
    ids = opened.registry.metrics.ids()
    if settings.churn_metric in ids:
        return opened.registry.metrics.get(settings.churn_metric)
    if "churn_metric" in opened.programme.plugin_settings(SETTINGS):
        raise InvalidInput(
            [
                f"plugins.{SETTINGS}.churn_metric: unknown metric {settings.churn_metric!r} (known: {', '.join(sorted(ids))})"
            ],
            where=str(opened.programme.file),
        )
    return None


def _latest(opened: Opened) -> str | None:
    found = opened.store.db.execute(
        "SELECT MAX(t) FROM (SELECT MAX(timestamp) AS t FROM responses UNION ALL SELECT MAX(timestamp) FROM events)"
    ).fetchone()[0]
    return None if found is None else str(found)


def _predict(opened: Opened) -> ChurnPrediction:
    settings = load_settings(opened.programme)
    metric = _score_metric(opened, settings)
    latest = _latest(opened)
    if latest is None:
        raise InvalidInput(["no survey answers and no events in the store yet: run cxframe collect first"])
    table = features.build(
        opened.store,
        metric,
        features.final_touchpoints(opened.programme),
        churn.after(latest),
        complaint_words=settings.complaint_activities,
        repeat_days=settings.repeat_days,
    )
    return churn.by_rules(table, metric, settings)


def predict_churn(programme: ProgrammeLike = ".", *, host: PluginHost | None = None) -> ChurnPrediction:
    """Every customer's churn risk (0–1), highest first, with its band and top reasons.

    A customer is anyone with a survey answer (respondent id) or an event
    (case id); features are read up to the store's latest record. Without
    churn labels the risk is rule-based (``model == "rules"``, ``auc`` and
    ``calibration`` None): see docs/insight.md.
    """
    with open_programme(programme, host) as opened:
        return _predict(opened)


def customer_profile(programme: ProgrammeLike, customer: str, *, host: PluginHost | None = None) -> CustomerProfile:
    """Everything known about one customer: answers, events, journey stage, metric history, risk, cases, actions.

    An id that is neither a respondent id nor an event case id raises `cxframe.InvalidInput`.
    """
    with open_programme(programme, host) as opened:
        profile.require(opened.store, customer)
        prediction = _predict(opened)
        metrics = [opened.registry.metrics.get(metric) for metric in opened.registry.metrics.ids()]
        return profile.build(
            opened.store, opened.programme, metrics, customer, prediction.of(customer), prediction.model
        )
