"""The customer's profile: everything the store knows about one customer, on one page.

A customer id is the ``respondent_id`` of survey answers and the case id of
events. Employee-survey answers are never shown per respondent (their
anonymity rule), so only the other populations' answers are read. Personal
fields appear only where the programme maps them: the profile shows the
store's columns, nothing else; e-mail addresses, phone and ID numbers in
comments are masked (`cxframe.mask_personal_data`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from cxframe import Action, InvalidInput, MetricDefinition, Programme, Store
from cxframe import mask_personal_data as mask
from cxframe_insight.churn import CustomerRisk
from cxframe_insight.features import CASES, OPEN_STATUSES

#: Answers of this population are anonymous by design: never listed per respondent.
EMPLOYEE = "employee"
_CASE_COLUMNS = (
    "id",
    "source",
    "response_id",
    "respondent_id",
    "metric",
    "score",
    "comment",
    "touchpoint",
    "opened",
    "due",
    "owner",
    "status",
    "root_cause",
    "resolution",
    "closed",
)


def shown(stored: str | None) -> str | None:
    """A stored time as JSON and tables show it: ``2026-03-01T08:30:00Z``."""
    if stored is None:
        return None
    moment = dt.datetime.fromisoformat(stored.replace("Z", "+00:00"))
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@attrs.frozen
class CustomerProfile:
    """One customer's answers, events, journey stage, metric history, churn risk, loop cases and actions."""

    customer: str
    observations: tuple[dict[str, Any], ...]
    events: tuple[dict[str, Any], ...]
    journey_stage: dict[str, str] | None
    metrics: tuple[dict[str, Any], ...]
    risk: CustomerRisk | None
    risk_model: str | None
    cases: tuple[dict[str, Any], ...]
    actions: tuple[dict[str, Any], ...]
    #: what other plugins contributed through the ``customer_profile`` hook, by key (e.g. ``comments``)
    parts: dict[str, Any] = attrs.field(factory=dict)
    #: contributions left out, and why (a key the profile already has, a value that is not JSON)
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The shape of ``cxframe customer ID --json``; the plugins' parts are added after ``actions``."""
        risk = None
        if self.risk is not None:
            risk = {"model": self.risk_model, **self.risk.to_json()}
            del risk["customer"]
        return {
            "customer": self.customer,
            "observations": list(self.observations),
            "events": list(self.events),
            "journey_stage": self.journey_stage,
            "metrics": list(self.metrics),
            "risk": risk,
            "cases": list(self.cases),
            "actions": list(self.actions),
            **self.parts,
        }


#: The profile's own keys: a plugin's part cannot replace them.
KEYS = ("customer", "observations", "events", "journey_stage", "metrics", "risk", "cases", "actions")


def merge_parts(answers: Sequence[tuple[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """The plugins' ``customer_profile`` answers merged into one dict of new keys, and what was left out, and why.

    In the order the plugins answered: the first plugin to contribute a key keeps it.
    """
    parts: dict[str, Any] = {}
    notes: list[str] = []
    for plugin, answer in answers:
        if not isinstance(answer, Mapping):
            notes.append(f"plugin {plugin}: customer_profile returned {type(answer).__name__}, not a dict: left out")
            continue
        for key, value in answer.items():
            if not isinstance(key, str) or key in KEYS or key in parts:
                notes.append(f"plugin {plugin}: profile key {key!r} is already there: its part is left out")
                continue
            try:
                json.dumps(value)
            except (TypeError, ValueError) as exc:
                notes.append(f"plugin {plugin}: profile key {key!r} is not JSON ({exc}): left out")
                continue
            parts[key] = value
    return parts, notes


def known(store: Store, customer: str) -> bool:
    found = store.db.execute(
        "SELECT EXISTS (SELECT 1 FROM responses WHERE respondent_id = ? AND population <> ?) "
        "OR EXISTS (SELECT 1 FROM events WHERE case_id = ?)",
        [customer, EMPLOYEE, customer],
    ).fetchone()[0]
    return bool(found)


def require(store: Store, customer: str) -> None:
    if not customer.strip():
        raise InvalidInput(
            ["customer: expected a customer id (a respondent id of the surveys, a case id of the events)"]
        )
    if not known(store, customer):
        raise InvalidInput(
            [
                f"customer {customer!r}: no survey answer (respondent id) and no event (case id) with this id "
                "in the store; ids are matched exactly, case and spaces included"
            ]
        )


def _metric_of(metrics: Sequence[MetricDefinition], question: str, population: str) -> str:
    reading = sorted(m.id for m in metrics if m.question == question and m.population == population)
    if question in reading:
        return question
    return reading[0] if reading else question


def _observations(store: Store, customer: str, metrics: Sequence[MetricDefinition]) -> list[dict[str, Any]]:
    rows = store.db.execute(
        "SELECT timestamp, source, response_id, question, population, value, comment FROM observations "
        "WHERE respondent_id = ? AND population <> ? ORDER BY timestamp, response, question",
        [customer, EMPLOYEE],
    ).fetchall()
    return [
        {
            "timestamp": shown(timestamp),
            "source": source,
            "response_id": response_id,
            "metric": _metric_of(metrics, question, population),
            "value": value,
            # e-mails, phone and ID numbers masked, as in every comment cxframe shows
            "comment": None if comment is None else mask(comment),
        }
        for timestamp, source, response_id, question, population, value, comment in rows
    ]


def _history(store: Store, customer: str, metrics: Sequence[MetricDefinition]) -> list[dict[str, Any]]:
    """Each metric the customer's answers count in: its per-answer values over time (the metric's own scoring)."""
    found = []
    for metric in sorted(metrics, key=lambda m: m.id):
        if metric.population == EMPLOYEE or metric.table != "observations":
            continue  # employees stay anonymous; a metric over a plugin's table (loop cases) is no answer of theirs
        conditions = ["respondent_id = ?", "question = ?", "population = ?"]
        params: list[Any] = [customer, metric.question, metric.population]
        if metric.scale_min is not None:
            conditions.append("value >= ?")
            params.append(metric.scale_min)
        if metric.scale_max is not None:
            conditions.append("value <= ?")
            params.append(metric.scale_max)
        # value_sql is the registered metric's own per-answer expression (a plugin's code, not user text)
        rows = store.db.execute(
            f"SELECT timestamp, value, ({metric.value_sql}) FROM observations WHERE {' AND '.join(conditions)} "
            "ORDER BY timestamp, response",
            params,
        ).fetchall()
        history = [
            {"timestamp": shown(t), "answer": answer, "value": None if v is None else v * metric.multiplier}
            for t, answer, v in rows
        ]
        if history:
            found.append(
                {
                    "metric": metric.id,
                    "title": metric.title,
                    "unit": metric.unit,
                    "latest": history[-1]["value"],
                    "n": len(history),
                    "history": history,
                }
            )
    return found


def _events(store: Store, customer: str) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (t, activity, channel, touchpoint)
        for t, activity, channel, touchpoint in store.db.execute(
            "SELECT timestamp, activity, channel, touchpoint FROM events WHERE case_id = ? ORDER BY timestamp, id",
            [customer],
        ).fetchall()
    ]


def _stage(programme: Programme, events: Sequence[tuple[str, str, str | None, str | None]]) -> dict[str, str] | None:
    """The journey stage of the customer's latest event that belongs to one (by its activity or touchpoint)."""
    for _, activity, _, touchpoint in reversed(events):
        for journey in programme.journeys:
            for stage in journey.stages:
                if activity in stage.touchpoints or (touchpoint is not None and touchpoint in stage.touchpoints):
                    return {"journey": journey.id, "stage": stage.id, "name": stage.name}
    return None


def _cases(store: Store, customer: str) -> list[dict[str, Any]]:
    has = store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [CASES]).fetchone()
    if has is None:
        return []
    rows = store.db.execute(
        f"SELECT {', '.join(_CASE_COLUMNS)} FROM {CASES} WHERE respondent_id = ? ORDER BY id", [customer]
    ).fetchall()
    found = []
    for row in rows:
        case = dict(zip(_CASE_COLUMNS, row, strict=True))
        case["case"] = case.pop("id")
        for key in ("opened", "due", "closed"):
            case[key] = shown(case[key])
        found.append({"case": case.pop("case"), **case})
    return found


def _action(action: Action) -> dict[str, Any]:
    return {
        "id": action.id,
        "title": action.title,
        "owner": action.owner,
        "due": None if action.due is None else action.due.isoformat(),
        "status": action.status.value,
        "touchpoint": action.touchpoint,
        "metric": action.metric,
    }


def build(
    store: Store,
    programme: Programme,
    metrics: Sequence[MetricDefinition],
    customer: str,
    risk: CustomerRisk | None,
    risk_model: str | None,
) -> CustomerProfile:
    require(store, customer)
    events = _events(store, customer)
    cases = _cases(store, customer)
    open_cases = [case for case in cases if case["status"] in OPEN_STATUSES]
    touchpoints = {case["touchpoint"] for case in open_cases if case["touchpoint"]}
    case_metrics = {case["metric"] for case in open_cases}
    actions = [
        _action(action)
        for action in programme.document.actions
        if (action.touchpoint is not None and action.touchpoint in touchpoints)
        or (action.metric is not None and action.metric in case_metrics)
    ]
    return CustomerProfile(
        customer=customer,
        observations=tuple(_observations(store, customer, metrics)),
        events=tuple(
            {"timestamp": shown(t), "activity": activity, "channel": channel} for t, activity, channel, _ in events
        ),
        journey_stage=_stage(programme, events),
        metrics=tuple(_history(store, customer, metrics)),
        risk=risk,
        risk_model=risk_model,
        cases=tuple(cases),
        actions=tuple(actions),
    )
