"""The churn scores `cxframe predict churn` computed, kept in the store with the state they were computed on.

Learning the churn model reads every customer's features at several moments
and fits the model on all of them (about 17 s at 100,000 customers and 1M
events); one customer's profile needs one customer's risk. So every prediction
over labelled data keeps its scores (risk, band, reasons per customer) in the
plugin's tables, with the *state* it was computed on: a digest of what the
prediction reads — the store's ingests and the size of its responses, answers
and events (a collect or a forget changes them), the loop cases' rows, the
plugin's settings, the score metric and the journeys' touchpoints. `cxframe
customer` reads its customer's row while the state is unchanged and predicts
again (keeping the new scores) when it has changed: the risk it shows is
always the one `cxframe predict churn` gives on the same data. Kept scores
rather than the model's coefficients, so that the risk and its reasons are
the very numbers the prediction printed, not a recomputation of them.

A forgotten source (``cxframe forget``) takes every kept score with it
(`forget`): each was computed by a model that learnt from the source's
records, so none is only the other sources' any more, and a customer of the
source keeps no risk of it. A read-only store keeps nothing: each profile
then predicts again. Tables
(through `cxframe.Store.apply_plugin_migrations`, owner ``cxframe-insight``):
``insight_churn_state`` (one row: ``state``, ``model``) and
``insight_churn_scores`` (``customer``, ``risk``, ``band``, ``reasons`` as JSON).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import attrs

from cxframe import MetricDefinition, Store
from cxframe_insight.churn import ChurnPrediction, CustomerRisk, Reason
from cxframe_insight.features import CASES
from cxframe_insight.settings import SETTINGS, InsightSettings

STATE = "insight_churn_state"
SCORES = "insight_churn_scores"
MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "churn-scores",
        (
            f"CREATE TABLE {STATE} (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL, model TEXT NOT NULL)",
            f"CREATE TABLE {SCORES} (customer TEXT PRIMARY KEY, risk REAL NOT NULL, band TEXT NOT NULL, "
            "reasons TEXT NOT NULL)",
        ),
    ),
)
#: Part of every state: raise it when the prediction's computation changes, so older scores count as stale.
VERSION = 1


def _has_table(store: Store, name: str) -> bool:
    found = store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone()
    return found is not None


def state(
    store: Store,
    settings: InsightSettings,
    metric: MetricDefinition | None,
    journeys: Sequence[tuple[str, str, bool]],
) -> str:
    """A digest of everything a churn prediction reads: equal digests, equal predictions."""
    db = store.db
    facts: list[object] = [VERSION, attrs.asdict(settings), list(journeys)]
    if metric is not None:
        facts.append([metric.id, metric.question, metric.population, metric.scale_min, metric.scale_max])
    # a collect adds an ingest, a forget removes its ingests; the sizes catch anything else that adds or deletes
    facts.append(db.execute("SELECT COUNT(*), MAX(id) FROM ingests").fetchone())
    facts.append(db.execute("SELECT COUNT(*), MAX(id) FROM responses").fetchone())
    facts.append(db.execute("SELECT COUNT(*) FROM answers").fetchone())
    facts.append(db.execute("SELECT COUNT(*), MAX(id) FROM events").fetchone())
    if _has_table(store, CASES):
        # cases change in place (status, closing): their rows themselves are part of the state
        digest = hashlib.sha256()
        for row in db.execute(f"SELECT id, respondent_id, opened, due, status, closed FROM {CASES} ORDER BY id"):
            digest.update(repr(row).encode())
        facts.append(digest.hexdigest())
    return hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()


def _ready(store: Store) -> bool:
    """Whether the plugin's tables are there and can be written (never on a read-only store)."""
    return not store.read_only and not store.apply_plugin_migrations(SETTINGS, MIGRATIONS)


def keep(store: Store, current: str, prediction: ChurnPrediction) -> bool:
    """Replace the kept scores with ``prediction``'s, computed on ``current``; False on a read-only store."""
    if not _ready(store):
        return False
    rows = [(c.customer, c.risk, c.band, json.dumps([r.to_json() for r in c.reasons])) for c in prediction.customers]
    with store.writing():
        store.db.execute(f"DELETE FROM {SCORES}")
        store.db.conn.executemany(f"INSERT INTO {SCORES} VALUES (?, ?, ?, ?)", rows)
        store.db.execute(
            f"INSERT OR REPLACE INTO {STATE} (id, state, model) VALUES (1, ?, ?)", [current, prediction.model]
        )
    return True


@attrs.frozen
class Kept:
    """A customer's kept score: the risk (None when the prediction did not score them) and the model that made it."""

    risk: CustomerRisk | None
    model: str


def kept(store: Store, current: str, customer: str) -> Kept | None:
    """The customer's kept score when the kept scores were computed on ``current``; None when none are, or stale."""
    if not _has_table(store, STATE):
        return None
    found = store.db.execute(f"SELECT state, model FROM {STATE} WHERE id = 1").fetchone()
    if found is None or found[0] != current:
        return None
    row = store.db.execute(f"SELECT risk, band, reasons FROM {SCORES} WHERE customer = ?", [customer]).fetchone()
    if row is None:
        return Kept(None, found[1])
    reasons = tuple(Reason(r["feature"], r["value"], r["contribution"]) for r in json.loads(row[2]))
    return Kept(CustomerRisk(customer, row[0], row[1], reasons), found[1])


def forget(store: Store) -> int:
    """Delete the kept scores and their state (``source_forgotten``); return how many customers' scores that was.

    Called inside the forget's transaction; a store where none were ever kept is left as it is.
    """
    if not _has_table(store, SCORES):
        return 0
    with store.writing():
        scored = int(store.db.execute(f"SELECT COUNT(*) FROM {SCORES}").fetchone()[0])
        store.db.execute(f"DELETE FROM {SCORES}")
        store.db.execute(f"DELETE FROM {STATE}")
    return scored
