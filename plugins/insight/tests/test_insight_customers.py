"""The churn early warning's features and rule-based risk, and the customer's profile, on a small programme."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import cxframe_improve
import cxframe_insight
import cxframe_journey
import cxframe_nps
from cxframe import InvalidInput, hookimpl, testing

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
SURVEY = [
    # response, customer, days ago, touchpoint, comment, nps
    ("r1", "c1", 60, "web", "Fine", 9),
    ("r2", "c1", 20, "contact-centre", "Nobody <b>called</b> back", 3),
    ("r3", "c2", 10, "web", "", 10),
    ("r4", "e1", 5, "web", "", 8),
]
EVENTS = [
    # customer, activity, days ago, channel
    ("c1", "contact-centre", 21, "phone"),
    ("c3", "complaint", 30, "phone"),
    ("c3", "contact-centre", 29, "phone"),
    ("c3", "contact-centre", 27, "phone"),  # a repeat within 7 days
    ("c3", "complaint", 26, "email"),  # follows a contact-centre call: not a repeat
    ("c4", "web", 40, "web"),
    ("c4", "app-onboarding", 39, "app"),  # never reaches mobile-banking: a drop-off
    ("c5", "web", 3, "web"),
    ("c5", "app-onboarding", 2, "app"),
    ("c5", "mobile-banking", 1, "app"),
    ("c2", "web", 0.5, "web"),  # the store's latest record
]
JOURNEYS = [
    {
        "id": "open-account",
        "name": "Open an account",
        "stages": [
            {"id": "discover", "name": "Discover", "touchpoints": ["web"]},
            {"id": "apply", "name": "Apply", "touchpoints": ["app-onboarding"]},
            {"id": "use", "name": "Use", "touchpoints": ["mobile-banking"], "final": True},
        ],
    }
]


def stamp(days_ago: float) -> str:
    return (NOW - dt.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def programme(tmp_path: Path, *, events: bool = True, plugins: dict[str, Any] | None = None) -> Path:
    root = write_programme(tmp_path / "p", events=events, plugins=plugins)
    (root / "data").mkdir()
    lines = ["response_id,customer,submitted,touchpoint,comment,nps"]
    lines += [f"{r},{c},{stamp(d)},{t},{m},{n}" for r, c, d, t, m, n in SURVEY]
    (root / "data" / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["customer,activity,at,channel"] + [f"{c},{a},{stamp(d)},{ch}" for c, a, d, ch in EVENTS]
    (root / "data" / "events.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    return root


def write_programme(root: Path, *, events: bool = True, plugins: dict[str, Any] | None = None) -> Path:
    sources: list[dict[str, Any]] = [
        {
            "id": "survey",
            "collector": "survey-csv",
            "path": "data/survey.csv",
            "columns": {
                "response_id": "response_id",
                "respondent_id": "customer",
                "timestamp": "submitted",
                "touchpoint": "touchpoint",
                "comment": "comment",
                "questions": {"nps": "nps"},
            },
        }
    ]
    if events:
        sources.append(
            {
                "id": "log",
                "collector": "event-csv",
                "path": "data/events.csv",
                "columns": {"case": "customer", "activity": "activity", "timestamp": "at", "channel": "channel"},
            }
        )
    return testing.make_programme(
        root,
        sources=sources,
        touchpoints=[
            {"id": name, "name": name, "channel": "web", "environment": "digital"}
            for name in ("web", "app-onboarding", "mobile-banking", "contact-centre")
        ],
        journeys=JOURNEYS,
        actions=[
            {"id": "callback", "title": "Call every detractor back within a day", "owner": "CX lead", "metric": "nps"},
            {"id": "fees", "title": "Explain fees on one page", "metric": "csat"},
        ],
        plugins={
            "cxframe-improve": {"loop": [{"metric": "nps", "at_or_below": 6, "since": 3650}]},
            **(plugins or {}),
        },
    )


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_journey, cxframe_improve, cxframe_insight)


def cli(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=host())


def features_of(root: Path) -> dict[str, dict[str, Any]]:
    from cxframe import open_programme
    from cxframe_insight import churn, features

    with open_programme(root, host()) as opened:
        latest = opened.store.db.execute("SELECT MAX(timestamp) FROM events").fetchone()[0]
        arguments: dict[str, Any] = {
            "store": opened.store,
            "metric": opened.registry.metrics.get("nps"),
            "journeys": features.final_touchpoints(opened.programme),
            "as_of": churn.after(latest),
            "complaint_words": ["complaint"],
            "repeat_days": 7,
        }
        table = features.build(**arguments)
        # the events' previous-event columns computed once beforehand give the same features
        features.prepare(opened.store)
        assert features.build(**arguments, prepared=True) == table
    return {customer: table.of(customer) or {} for customer in table.customers}


def test_features_are_built_per_customer_from_answers_events_cases_and_journeys(tmp_path: Path) -> None:
    found = features_of(programme(tmp_path))
    assert sorted(found) == ["c1", "c2", "c3", "c4", "c5", "e1"]
    c1 = found["c1"]
    assert (c1["latest_score"], c1["score_trend"], c1["unhappy_answers"]) == (3.0, -6.0, 1.0)
    assert c1["open_cases"] == 1 and c1["overdue_cases"] == 1  # answered 20 days ago, due in 48 h
    assert found["c2"]["score_trend"] == 0 and found["c2"]["open_cases"] == 0
    c3 = found["c3"]
    assert (c3["latest_score"], c3["complaints"], c3["repeat_contacts"]) == (None, 2.0, 1.0)
    assert c3["days_since_last"] == pytest.approx(25.5, abs=0.05)
    assert found["c4"]["journey_dropoffs"] == 1
    assert found["c5"]["journey_dropoffs"] == 0  # reached the final stage
    assert found["c3"]["journey_dropoffs"] == 0  # never started the journey


def test_rule_based_churn_says_so_and_ranks_the_unhappy_first(tmp_path: Path) -> None:
    root = programme(tmp_path)
    result = cli(root, "predict", "churn", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert list(found) == ["model", "auc", "calibration", "customers"]
    assert (found["model"], found["auc"], found["calibration"]) == ("rules", None, None)
    customers = {c["customer"]: c for c in found["customers"]}
    assert set(customers) == {"c1", "c2", "c3", "c4", "c5", "e1"}  # everyone with an answer or an event
    assert found["customers"][0]["customer"] == "c1"
    c1 = customers["c1"]
    # latest 3 (+0.30), falling (+0.15), one open case (+0.05), overdue (+0.10)
    assert c1["risk"] == pytest.approx(0.60) and c1["band"] == "high"
    assert [r["feature"] for r in c1["reasons"]] == ["latest_score", "score_trend", "overdue_cases"]
    assert list(c1["reasons"][0]) == ["feature", "value", "contribution"]
    assert customers["c3"]["risk"] == pytest.approx(0.25) and customers["c3"]["band"] == "medium"
    assert customers["c2"]["risk"] == 0 and customers["c2"]["reasons"] == []
    for customer in found["customers"]:
        assert 0 <= customer["risk"] <= 1
    table = cli(root, "predict", "churn", "--top", "2")
    assert table.exit_code == 0, table.output
    assert "rule-based" in table.stdout and "6 customer(s) scored: 1 high, 1 medium, 4 low" in table.stdout


def test_churn_on_an_empty_store_is_a_clear_error(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "empty")
    result = cli(root, "predict", "churn")
    assert result.exit_code == 1 and "run cxframe collect first" in result.stderr


def test_the_customer_profile_has_everything_in_order(tmp_path: Path) -> None:
    root = programme(tmp_path)
    result = cli(root, "customer", "c1", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert list(found) == [
        "customer",
        "observations",
        "events",
        "journey_stage",
        "metrics",
        "risk",
        "cases",
        "actions",
    ]
    assert found["observations"] == [
        {
            "timestamp": stamp(60),
            "source": "survey",
            "response_id": "r1",
            "metric": "nps",
            "value": 9.0,
            "comment": "Fine",
        },
        {
            "timestamp": stamp(20),
            "source": "survey",
            "response_id": "r2",
            "metric": "nps",
            "value": 3.0,
            "comment": "Nobody <b>called</b> back",
        },
    ]
    assert found["events"] == [{"timestamp": stamp(21), "activity": "contact-centre", "channel": "phone"}]
    nps = next(m for m in found["metrics"] if m["metric"] == "nps")
    assert [(p["answer"], p["value"]) for p in nps["history"]] == [(9.0, 100.0), (3.0, -100.0)]
    assert nps["latest"] == -100.0
    assert found["risk"]["model"] == "rules" and found["risk"]["risk"] == pytest.approx(0.6)
    assert [(c["response_id"], c["status"], c["metric"]) for c in found["cases"]] == [("r2", "open", "nps")]
    assert [a["id"] for a in found["actions"]] == ["callback"]  # the nps case's metric; not the csat action


def test_journey_stage_is_the_latest_event_in_a_journey(tmp_path: Path) -> None:
    root = programme(tmp_path)
    c4 = cxframe_insight.customer_profile(root, "c4", host=host())
    assert c4.journey_stage == {"journey": "open-account", "stage": "apply", "name": "Apply"}
    assert c4.observations == () and c4.cases == ()
    c3 = cxframe_insight.customer_profile(root, "c3", host=host())
    assert c3.journey_stage is None
    assert [e["activity"] for e in c3.events] == ["complaint", "contact-centre", "contact-centre", "complaint"]


def test_profile_table_shows_comments_as_text(tmp_path: Path) -> None:
    root = programme(tmp_path)
    result = cli(root, "customer", "c1")
    assert result.exit_code == 0, result.output
    assert "<b>called</b>" in result.stdout  # as written: neither markup nor escaped
    assert "journey stage" not in result.stdout  # c1's one event is in no journey
    assert "churn risk: 0.60 (high, rules)" in result.stdout


@pytest.mark.parametrize("customer", ["nobody", "C1", " c1", ""])
def test_an_unknown_customer_is_a_clear_error(tmp_path: Path, customer: str) -> None:
    root = programme(tmp_path)
    result = cli(root, "customer", customer)
    assert result.exit_code == 1
    assert "customer" in result.stderr and "Traceback" not in result.output
    with pytest.raises(InvalidInput):
        cxframe_insight.customer_profile(root, customer, host=host())


def test_a_bad_churn_metric_setting_is_named(tmp_path: Path) -> None:
    root = programme(tmp_path)
    write_programme(root, plugins={"cxframe-insight": {"churn_metric": "loyalty", "repeat_days": 0}})
    result = cli(root, "predict", "churn")
    assert result.exit_code == 1
    assert "plugins.cxframe-insight.repeat_days: expected a number of days more than 0" in result.stderr
    write_programme(root, plugins={"cxframe-insight": {"churn_metric": "loyalty"}})
    result = cli(root, "predict", "churn")
    assert result.exit_code == 1 and "churn_metric: unknown metric 'loyalty'" in result.stderr


def test_each_profile_has_the_risk_predict_churn_gives_that_customer(tmp_path: Path) -> None:
    # without labels the profile reads one customer's features (the customer a parameter of the query)
    root = programme(tmp_path)
    prediction = cxframe_insight.predict_churn(root, host=host())
    assert prediction.model == "rules"
    for expected in prediction.customers:
        found = cxframe_insight.customer_profile(root, expected.customer, host=host())
        assert (found.risk, found.risk_model) == (expected, "rules")


def test_one_customers_features_are_their_row_of_everyones(tmp_path: Path) -> None:
    from cxframe import open_programme
    from cxframe_insight import features

    root = programme(tmp_path)
    with open_programme(root, host()) as opened:
        metric = opened.registry.metrics.get("nps")
        journeys = features.final_touchpoints(opened.programme)
        settings: dict[str, Any] = {"complaint_words": ["complaint"], "repeat_days": 7.0}
        everyone = features.build(opened.store, metric, journeys, stamp(0), **settings)
        for customer in everyone.customers:
            one = features.build(opened.store, metric, journeys, stamp(0), customer=customer, **settings)
            assert one.customers == (customer,) and one.of(customer) == everyone.of(customer)
        assert features.build(opened.store, metric, journeys, stamp(0), customer="nobody", **settings).customers == ()


# --- other plugins' parts of the profile (the core's customer_profile hook) ----------------------------------------


class Loyalty:
    """A plugin adding the customer's loyalty tier, and trying to replace the risk."""

    @hookimpl
    def customer_profile(self, customer: str) -> dict[str, Any]:
        return {
            "loyalty": [{"tier": "[bold]gold[/bold]", "points": 1.5, "perks": ["lounge", "upgrade"], "since": None}],
            "risk": "none",
            "member": customer == "c1",
        }


class Broken:
    """A plugin whose parts cannot go in: not a dict, or not JSON."""

    @hookimpl
    def customer_profile(self, programme: Any, store: Any, customer: str) -> Any:
        return ["not", "a", "dict"] if customer == "c2" else {"when": object(), "loyalty": "again"}


def with_parts(*plugins: Any) -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_journey, cxframe_improve, cxframe_insight, *plugins)


def test_other_plugins_add_their_parts_after_the_profiles_own_keys(tmp_path: Path) -> None:
    root = programme(tmp_path)
    result = testing.invoke(["-C", str(root), "customer", "c1", "--json"], host=with_parts(Loyalty()))
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert list(found)[8:] == ["loyalty", "member"]
    assert found["loyalty"][0]["perks"] == ["lounge", "upgrade"] and found["member"] is True
    assert found["risk"]["model"] == "rules"  # a part cannot replace the profile's own key
    assert "profile key 'risk' is already there: its part is left out" in result.stderr
    table = testing.invoke(["-C", str(root), "customer", "c1"], host=with_parts(Loyalty()))
    assert table.exit_code == 0, table.output
    assert "Loyalty" in table.stdout and "[bold]gold[/bold]" in table.stdout  # as text, not markup
    assert "lounge, upgrade" in table.stdout and "member: yes" in table.stdout


def test_parts_that_cannot_go_in_are_left_out_with_a_warning(tmp_path: Path) -> None:
    root = programme(tmp_path)
    # Loyalty answers first (registered last): its "loyalty" stays, Broken's is left out
    found = cxframe_insight.customer_profile(root, "c1", host=with_parts(Broken(), Loyalty()))
    assert found.to_json()["loyalty"][0]["points"] == 1.5 and "when" not in found.parts
    assert any("profile key 'when' is not JSON" in note for note in found.notes)
    assert any("profile key 'loyalty' is already there" in note for note in found.notes)
    assert any(
        "customer_profile returned list, not a dict" in note
        for note in cxframe_insight.customer_profile(root, "c2", host=with_parts(Broken())).notes
    )
    # without any plugin's part the profile is exactly its own keys
    assert list(cxframe_insight.customer_profile(root, "c1", host=host()).to_json())[-1] == "actions"
