"""The churn model with labels: the kpi-csv collector, the time split, AUC with and without a signal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import cxframe_insight
import cxframe_journey
import cxframe_nps
from cxframe import testing

START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
DAYS = 365


def stamp(days: float) -> str:
    return (START + dt.timedelta(days=float(days))).strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(
    root: Path, *, signal: bool, customers: int = 1500, seed: int = 5, extra_labels: int = 0, snapshot: bool = False
) -> None:
    """A year of answers and contacts; churn driven by each customer's unhappiness, or by nothing at all.

    ``snapshot``: every label on the last day (an export of the current churn flags), not on each churn date.
    """
    rng = np.random.default_rng(seed)
    survey = ["response_id,customer,submitted,nps"]
    events = ["customer,activity,at,channel"]
    labels = ["Customer,Date,Churned,Revenue"]
    response = 0
    for c in range(customers):
        name = f"C{c:05d}"
        unhappy = rng.uniform()
        joined = rng.uniform(0, 60)
        hazard = 0.0003 + 0.012 * unhappy**2 if signal else 0.003
        left = joined + rng.exponential(1 / hazard)
        active_until = min(left, DAYS)
        t = joined
        while True:
            t += rng.exponential(30)
            if t >= active_until:
                break
            response += 1
            score = int(np.clip(round(10 - 8 * unhappy + rng.normal(0, 1)), 0, 10))
            survey.append(f"s{response},{name},{stamp(t)},{score}")
        t = joined
        while True:
            t += rng.exponential(20)
            if t >= active_until:
                break
            activity = "complaint" if rng.uniform() < 0.3 * unhappy else rng.choice(["web", "contact-centre"])
            events.append(f"{name},{activity},{stamp(t)},web")
        if left < DAYS:
            labels.append(f"{name},{stamp(DAYS if snapshot else left)[:10]},1,0")
        else:
            labels.append(f"{name},{stamp(DAYS)[:10]},0,{rng.integers(10, 200)}")
    for extra in range(extra_labels):  # customers the store has never heard of
        labels.append(f"X{extra},{stamp(DAYS)[:10]},0,5")
    (root / "data").mkdir(exist_ok=True)
    for name, lines in (("survey", survey), ("events", events), ("labels", labels)):
        (root / "data" / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def programme(tmp_path: Path, *, signal: bool, labels: bool = True, **kwargs: Any) -> Path:
    sources: list[dict[str, Any]] = [
        {
            "id": "survey",
            "collector": "survey-csv",
            "path": "data/survey.csv",
            "columns": {
                "response_id": "response_id",
                "respondent_id": "customer",
                "timestamp": "submitted",
                "questions": {"nps": "nps"},
            },
        },
        {
            "id": "log",
            "collector": "event-csv",
            "path": "data/events.csv",
            "columns": {"case": "customer", "activity": "activity", "timestamp": "at", "channel": "channel"},
        },
    ]
    if labels:
        sources.append(
            {
                "id": "outcomes",
                "collector": "kpi-csv",
                "path": "data/labels.csv",
                "columns": {
                    "customer_id": "Customer",
                    "timestamp": "Date",
                    "kpis": {"churned": "Churned", "revenue": "Revenue"},
                },
            }
        )
    root = testing.make_programme(tmp_path / ("signal" if signal else "noise"), sources=sources)
    generate(root, signal=signal, **kwargs)
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    return root


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_journey, cxframe_insight)


def cli(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=host())


def predicted(root: Path) -> dict[str, Any]:
    result = cli(root, "predict", "churn", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def scored_customers(root: Path) -> int:
    from cxframe import open_programme

    with open_programme(root, host()) as opened:
        return int(
            opened.store.db.execute(
                "SELECT COUNT(*) FROM (SELECT respondent_id FROM responses WHERE population = 'customer' "
                "UNION SELECT case_id FROM events)"
            ).fetchone()[0]
        )


@pytest.mark.slow
def test_the_model_finds_a_known_signal_on_a_time_split(tmp_path: Path) -> None:
    root = programme(tmp_path, signal=True)
    found = predicted(root)
    assert list(found) == ["model", "auc", "calibration", "customers"]
    assert found["model"] == "logistic_regression"
    assert found["auc"] > 0.7
    calibration = found["calibration"]
    assert list(calibration) == ["brier", "bins"]
    assert 0 < calibration["brier"] < 0.25
    assert all(list(b) == ["predicted", "observed", "n"] for b in calibration["bins"])
    # the bins are ordered by risk, and the riskiest churn more than the safest
    assert calibration["bins"][-1]["observed"] > calibration["bins"][0]["observed"]
    customers = found["customers"]
    assert len(customers) == scored_customers(root)  # everyone with an answer or an event
    assert all(0 <= c["risk"] <= 1 for c in customers)
    assert [c["risk"] for c in customers] == sorted((c["risk"] for c in customers), reverse=True)
    top = customers[0]
    assert top["band"] == "high" and top["reasons"]
    assert {r["feature"] for c in customers[:50] for r in c["reasons"]} & {"latest_score", "complaints"}
    assert all(r["contribution"] > 0 for c in customers for r in c["reasons"])


@pytest.mark.slow
def test_the_model_is_no_better_than_chance_without_a_signal(tmp_path: Path) -> None:
    found = predicted(programme(tmp_path, signal=False))
    assert found["model"] == "logistic_regression"
    assert 0.4 < found["auc"] < 0.6


def test_snapshots_never_see_their_future() -> None:
    """A snapshot's label window starts at its moment; the model's dates are one horizon apart from the labels' end."""
    from cxframe_insight import model
    from cxframe_insight.features import FeatureTable

    moments = model.snapshot_moments("2026-01-01T00:00:00.000000Z", 90, 2)
    assert moments == ["2025-10-03T00:00:00.000000Z", "2025-07-05T00:00:00.000000Z"]
    table = FeatureTable(moments[0], ("a", "b", "c", "d"), tuple((5.0,) + (0.0,) * 8 for _ in range(4)))
    dates = {"a": "2025-09-01T00:00:00.000000Z", "b": "2025-11-01T00:00:00.000000Z", "c": "2026-02-01T00:00:00.000000Z"}
    _, target, kept = model.snapshot(table, dates, "2026-01-01T00:00:00.000000Z")
    # a left before the snapshot (not a row), b within the horizon, c after it, d never
    assert kept == ["b", "c", "d"] and list(target) == [1.0, 0.0, 0.0]


def test_without_labels_the_same_data_get_rules(tmp_path: Path) -> None:
    root = programme(tmp_path, signal=True, labels=False, customers=200)
    found = predicted(root)
    assert (found["model"], found["auc"], found["calibration"]) == ("rules", None, None)
    assert len(found["customers"]) == scored_customers(root)


def test_too_few_labels_fall_back_to_rules_and_say_why(tmp_path: Path) -> None:
    root = programme(tmp_path, signal=True, customers=12, extra_labels=3)
    result = cli(root, "predict", "churn")
    assert result.exit_code == 0, result.output
    assert "too few to learn from" in result.stdout and "rule-based" in result.stdout
    prediction = cxframe_insight.predict_churn(root, host=host())
    assert prediction.model == "rules" and prediction.auc is None
    assert prediction.notes[0].startswith("churn labels found, but too few to learn from")
    # the KPI source's customers the store does not know are counted, not scored
    assert "3 customer(s) of the KPI facts have no survey answer and no event: not scored" in prediction.notes
    assert len(prediction.customers) == 12


def test_labels_on_one_date_say_so_once_and_name_the_rules_once(tmp_path: Path) -> None:
    """A snapshot of churn flags cannot train a time-split model: one note says why, with no contradiction."""
    root = programme(tmp_path, signal=True, customers=300, snapshot=True)
    result = cli(root, "predict", "churn", "--top", "3")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "all 300 customers' churn labels are on one date (2026-01-01)" in out
    assert "needs labels on at least two dates" in out
    assert out.count("rule-based") == 1
    assert "no churn labels" not in out and "too few to learn from" not in out
    prediction = cxframe_insight.predict_churn(root, host=host())
    assert prediction.model == "rules" and prediction.auc is None
    assert prediction.notes[0].startswith("all 300 customers' churn labels are on one date")
    assert sum("rule-based" in note for note in prediction.notes) == 1
    # the same facts still link experience to churn
    business = cli(root, "business", "--kpi", "churned", "--json")
    assert business.exit_code == 0, business.output
    assert json.loads(business.stdout)


def test_churn_on_the_labels_last_date_is_counted_in_the_note(tmp_path: Path) -> None:
    """Churners dated on the labels' last date fall in no window: the note says how many, not just '0 churned'."""
    root = programme(tmp_path, signal=True, customers=40, snapshot=True, extra_labels=1)
    (root / "data" / "labels.csv").write_text(
        (root / "data" / "labels.csv").read_text(encoding="utf-8") + "X9,2025-06-01,0,5\n", encoding="utf-8"
    )
    assert cli(root, "collect").exit_code == 0
    prediction = cxframe_insight.predict_churn(root, host=host())
    assert prediction.model == "rules"
    assert prediction.notes[0].startswith("churn labels found, but too few to learn from: 0 churned")
    assert "churned on the labels' last date (2026-01-01), after every window" in prediction.notes[0]
    assert sum("rule-based" in note for note in prediction.notes) == 1


def test_kpi_csv_long_layout_and_bad_rows(tmp_path: Path) -> None:
    root = testing.make_programme(
        tmp_path / "kpi",
        sources=[
            {
                "id": "facts",
                "collector": "kpi-csv",
                "path": "facts.csv",
                "columns": {"customer_id": "customer", "timestamp": "date", "kpi": "kpi", "value": "value"},
            }
        ],
    )
    (root / "facts.csv").write_text(
        "customer,date,kpi,value\n"
        "C1,2026-01-31,churned,1\n"
        'C1,2026-01-31,revenue,"1,200.5"\n'
        "C2,2026-02-30,churned,0\n"
        "C3,2026-02-01,churned,maybe\n"
        "C4,2026-02-01,Revenue!,3\n"
        ",2026-02-01,churned,1\n",
        encoding="utf-8",
    )
    result = cli(root, "collect", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)[0]
    assert (summary["rows_accepted"], summary["rows_rejected"]) == (2, 4)
    from cxframe import open_programme

    with open_programme(root, host()) as opened:
        facts = opened.store.db.execute(
            "SELECT respondent_id, question, value, population FROM observations ORDER BY question"
        ).fetchall()
        reasons = [r for (r,) in opened.store.db.execute("SELECT reason FROM rejects ORDER BY line")]
    assert facts == [("C1", "churned", 1.0, "kpi"), ("C1", "revenue", 1200.5, "kpi")]
    assert reasons == [
        "timestamp: expected an ISO-8601 date or time, got '2026-02-30'",
        "churned: expected 0 or 1 (churned or not), got 'maybe'",
        "kpi: expected a KPI id such as churned or revenue, got 'Revenue!'",
        "customer_id: missing",
    ]


def test_kpi_csv_mapping_problems_are_named(tmp_path: Path) -> None:
    root = testing.make_programme(
        tmp_path / "bad",
        sources=[
            {
                "id": "facts",
                "collector": "kpi-csv",
                "path": "facts.csv",
                "columns": {"customer_id": "customer", "kpis": {"Churned!": "c"}},
            }
        ],
    )
    (root / "facts.csv").write_text("customer,date,c\nC1,2026-01-01,1\n", encoding="utf-8")
    result = cli(root, "validate")
    assert result.exit_code == 1
    assert "columns.timestamp: name the column that holds the timestamp" in result.output
    assert "columns.kpis.Churned!: a KPI id is lower case letters" in result.output


def test_the_profile_reads_the_kept_scores_and_predicts_again_when_the_data_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cxframe_insight import model

    root = programme(tmp_path, signal=True, customers=400)
    prediction = cxframe_insight.predict_churn(root, host=host())
    assert prediction.model == "logistic_regression"
    learnt = model.by_model

    def not_again(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the profile learnt the model again on unchanged data")

    monkeypatch.setattr(model, "by_model", not_again)
    chosen = [prediction.customers[0], prediction.customers[len(prediction.customers) // 2], prediction.customers[-1]]
    for expected in chosen:
        found = cxframe_insight.customer_profile(root, expected.customer, host=host())
        # the very risk, band and reasons predict churn gave this customer
        assert found.risk == expected and found.risk_model == "logistic_regression"
    # new data (another answer): the kept scores are stale, so the profile predicts again and keeps the new scores
    monkeypatch.setattr(model, "by_model", learnt)
    survey = root / "data" / "survey.csv"
    survey.write_text(survey.read_text("utf-8") + f"s-new,{chosen[-1].customer},{stamp(DAYS - 1)},0\n", "utf-8")
    assert cli(root, "collect").exit_code == 0
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return learnt(*args, **kwargs)

    monkeypatch.setattr(model, "by_model", counted)
    again = cxframe_insight.customer_profile(root, chosen[-1].customer, host=host())
    assert calls == [1]
    assert again.risk is not None and again.risk.risk > chosen[-1].risk  # a 0 answer raises the risk
    cxframe_insight.customer_profile(root, chosen[0].customer, host=host())
    assert calls == [1]  # the profile's own prediction was kept: the next profile reads it
    assert cxframe_insight.predict_churn(root, host=host()).of(chosen[-1].customer) == again.risk
