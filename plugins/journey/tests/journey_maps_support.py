"""A worked programme for the map-aware journey tests: touchpoints, one journey, events and answers.

The numbers the tests expect are worked out by hand in the comments of `EVENTS`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import cxframe_journey
from cxframe import MetricDefinition, Observation, PluginHost, Store, hookimpl, load_programme, testing
from cxframe.store._sqlite import observation_row
from cxframe_journey import api

TOUCHPOINTS = [
    {"id": "web", "name": "Website", "channel": "web", "environment": "digital", "elements": ["brand"],
     "owner": "Digital"},
    {"id": "shop-chat", "name": "Shop chat", "channel": "chat", "environment": "remote",
     "elements": ["service-process"], "owner": "Sales"},
    {"id": "store-visit", "name": "Store visit", "channel": "store", "environment": "physical",
     "elements": ["product-service"], "owner": "Retail"},
    {"id": "checkout", "name": "Checkout", "channel": "web", "environment": "digital",
     "elements": ["service-process", "platform-apps"], "owner": "Digital"},
    {"id": "hotline", "name": "Hotline", "channel": "phone", "environment": "remote",
     "elements": ["service-process"], "owner": "Service"},
    {"id": "catalogue", "name": "Printed catalogue"},
]  # fmt: skip

JOURNEY = {
    "id": "buy",
    "name": "Buy a bike",
    "persona": "commuter",
    "stages": [
        {"id": "discover", "name": "Discover", "touchpoints": ["web"], "measures": ["csat"],
         "emotion": {"score": 1, "note": "curious"}},
        {"id": "decide", "name": "Decide", "touchpoints": ["shop-chat", "store-visit"],
         "emotion": {"score": -1.5, "note": "unsure <which> & \"why\""},
         "pain_points": ["no stock <script>alert(1)</script>"], "opportunities": ["reserve online"],
         "moments_of_truth": ["store-visit"]},
        {"id": "buy", "name": "Buy", "touchpoints": ["checkout"], "measures": ["csat"]},
        {"id": "support", "name": "Support", "touchpoints": ["hotline"], "measures": ["csat"],
         "emotion": {"score": 0.5}},
    ],
}  # fmt: skip

# case, step, at, touchpoint, region
EVENTS = [
    ("c1", "web", "2025-03-01T09:00:00Z", "", "north"),
    ("c1", "ask a question", "2025-03-01T10:00:00Z", "shop-chat", "north"),  # discover → decide: 1 h
    ("c1", "pay", "2025-03-02T09:00:00Z", "checkout", "north"),
    ("c1", "call", "2025-03-03T09:00:00Z", "hotline", "north"),
    ("c2", "web", "2025-03-01T09:00:00Z", "", "north"),
    ("c2", "pay", "2025-03-01T10:00:00Z", "checkout", "north"),  # skips decide, ends at checkout
    ("c3", "web", "2025-03-01T09:00:00Z", "", "south"),
    ("c3", "visit", "2025-03-02T09:00:00Z", "store-visit", "south"),  # discover → decide: 1 day; ends here
    ("c4", "web", "2025-03-01T09:00:00Z", "", "south"),
    ("c4", "web", "2025-03-01T10:00:00Z", "", "south"),  # repeat (1 h later)
    ("c4", "web", "2025-03-03T09:00:00Z", "", "south"),  # repeat (2 days later); c4 ends at web
    ("c5", "ask a question", "2025-03-01T09:00:00Z", "shop-chat", "south"),
    ("c5", "post", "2025-03-01T11:00:00Z", "instagram", "south"),  # a touchpoint not in the inventory
    ("c6", "web", "2025-03-30T09:00:00Z", "", ""),  # the log's last event: c6 may still be going on
]

SOURCES = [
    {
        "id": "visits",
        "collector": "event-csv",
        "path": "visits.csv",
        "columns": {
            "case": "case",
            "activity": "step",
            "timestamp": "at",
            "touchpoint": "touchpoint",
            "attributes": ["region"],
        },
    }
]


class EffortMetric:
    """A metric whose question is lower-is-better, so that its answers are reversed in the score."""

    @staticmethod
    @hookimpl
    def register_metrics() -> list[MetricDefinition]:
        return [
            MetricDefinition(id="effort", title="Effort", question="effort", value_sql="value", higher_is_better=False),
            MetricDefinition(id="csat", title="CSAT", question="csat", value_sql="value"),
        ]


def host() -> PluginHost:
    return testing.plugin_host(cxframe_journey, EffortMetric())


def write_programme(root: Path, *, journeys: list[dict[str, Any]] | None = None, **extra: Any) -> Path:
    sections: dict[str, Any] = {
        "touchpoints": TOUCHPOINTS,
        "personas": [{"id": "commuter", "name": "Commuter"}],
        "journeys": [JOURNEY] if journeys is None else journeys,
        "sources": SOURCES,
        "settings": {"min_sample": 1},
        **extra,
    }
    folder = testing.make_programme(root, **sections)
    lines = ["case,step,at,touchpoint,region"] + [",".join(row) for row in EVENTS]
    (folder / "visits.csv").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def answer(respondent: str, touchpoint: str, question: str, value: float, scale: tuple[float, float]) -> Observation:
    return Observation(
        question=question,
        value=value,
        timestamp=dt.datetime(2025, 3, 5, tzinfo=dt.UTC),
        source="survey",
        respondent_id=respondent,
        touchpoint=touchpoint,
        scale_min=scale[0],
        scale_max=scale[1],
    )


ANSWERS = [
    answer("c1", "checkout", "csat", 5, (1, 5)),  # 1.0
    answer("c2", "checkout", "csat", 2, (1, 5)),  # 0.25
    answer("c3", "store-visit", "csat", 1, (1, 5)),  # 0.0
    answer("c3", "store-visit", "effort", 7, (1, 7)),  # lower is better: 0.0
    answer("c9", "checkout", "csat", 1, (1, 5)),  # not a case of the log: left out
    answer("c4", "checkout", "csat", 1, (1, 5)),  # c4 never was at checkout: left out
]


def populated(root: Path, **extra: Any) -> Path:
    """The worked programme with its events collected and its answers stored."""
    folder = write_programme(root, **extra)
    with api.open_log(folder, "visits", host=host()):
        pass
    with Store(load_programme(folder).store_path) as store, store.db.atomic():
        rows = [observation_row(o, f"survey|{i}", 0, []) for i, o in enumerate(ANSWERS)]
        store.insert_observations(rows, [])
    return folder
