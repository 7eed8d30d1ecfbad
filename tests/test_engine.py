"""The SQLite metric engine: grouped aggregates, periods, flags, targets, and safety of segment values."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import sqlite3
import statistics
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import (
    Comparison,
    IntervalMethod,
    MetricDefinition,
    MetricResult,
    Objective,
    Observation,
    TargetStatus,
    WeightedVariance,
)
from cxframe.measurement._engine import (
    DEFAULT_MIN_SAMPLE,
    NO_INTERVAL,
    SMALL_SAMPLE,
    WEIGHTED,
    Period,
    SQLiteEngine,
    compute_metric,
    evaluate_objective,
    target_status,
)
from cxframe.store._sqlite import Store, observation_row, utc_text
from tests.metric_definitions import CSAT, NPS, NPS_SQL, Z95

CES = MetricDefinition(
    id="ces", title="CES", question="ces", value_sql="value", interval=IntervalMethod.MEAN, scale_min=1, scale_max=7
)
T0 = dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)

_keys = itertools.count()


def obs(value: float, question: str = "nps", timestamp: dt.datetime = T0, **kwargs: object) -> Observation:
    return Observation(
        question=question, value=value, timestamp=timestamp, source=kwargs.pop("source", "test"), **kwargs
    )  # type: ignore[arg-type]


def add(store: Store, observations: Sequence[Observation]) -> int:
    names = sorted({name for o in observations for name in o.segment})
    rows = [observation_row(o, f"k{next(_keys)}", 1, names) for o in observations]
    with store.db.atomic():
        store.ensure_segment_columns(names)
        return store.insert_observations(rows, names)


def nps_scores(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors


def adjusted_wald(promoters: float, detractors: float, n: float) -> tuple[float, float]:
    n_adj = n + 3
    p, d = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
    se = math.sqrt((p + d - (p - d) ** 2) / n_adj)
    return 100 * max(p - d - Z95 * se, -1), 100 * min(p - d + Z95 * se, 1)


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    with Store(tmp_path / "cxframe.db") as opened:
        yield opened


@pytest.fixture
def engine(store: Store) -> SQLiteEngine:
    return SQLiteEngine(store)


# --- values -----------------------------------------------------------------------------


def test_nps_by_hand_5_promoters_3_passives_2_detractors(store, engine):
    assert add(store, [obs(s) for s in nps_scores(5, 3, 2)]) == 10
    (result,) = compute_metric(engine, NPS)
    assert result.metric == "nps"
    assert result.value == pytest.approx(30.0)
    assert result.n == 10
    assert result.segment == {} and result.period is None
    assert (result.ci_low, result.ci_high) == pytest.approx((-19.050615, 65.204462), abs=1e-5)
    assert (result.ci_low, result.ci_high) == pytest.approx(adjusted_wald(5, 2, 10))
    assert result.std_error == pytest.approx(21.49403702597772)
    assert result.flags == (SMALL_SAMPLE,)
    assert result.effective_n is None
    assert result.confidence == 0.95


def test_every_score_0_to_10_is_classified(store, engine):
    scores = list(range(11)) * 4  # 0–6 detractors, 7–8 passives, 9–10 promoters
    add(store, [obs(s) for s in scores])
    (result,) = compute_metric(engine, NPS)
    assert result.n == 44
    assert result.value == pytest.approx(100 * (8 - 28) / 44)


def test_scale_question_and_population_filter_rows(store, engine):
    add(
        store,
        [
            *(obs(s) for s in nps_scores(2, 1, 1)),
            obs(11),  # out of scale
            obs(-1),  # out of scale
            obs(10, question="csat"),  # another question
            obs(0, population="employee"),  # another population
        ],
    )
    (result,) = compute_metric(engine, NPS)
    assert result.n == 4
    assert result.value == pytest.approx(25.0)


def test_proportion_metric_uses_wilson(store, engine):
    add(store, [obs(5 if i < 81 else 2, question="csat") for i in range(263)])
    (result,) = compute_metric(engine, CSAT)
    assert result.n == 263
    assert result.value == pytest.approx(100 * 81 / 263)
    assert result.ci_low == pytest.approx(25.53, abs=0.01)
    assert result.ci_high == pytest.approx(36.62, abs=0.01)
    assert result.flags == ()


def test_mean_metric_matches_scipy(store, engine):
    answers = [1, 2, 2, 3, 5, 5, 6, 7, 7, 7, 4, 4, 3, 6, 5, 5, 2, 7, 6, 6, 5, 4, 3, 7, 7, 6, 5, 5, 4, 6, 7]
    add(store, [obs(a, question="ces") for a in answers])
    (result,) = compute_metric(engine, CES)
    mean = statistics.fmean(answers)
    low, high = stats.t.interval(0.95, len(answers) - 1, loc=mean, scale=stats.sem(answers))
    assert result.value == pytest.approx(mean)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=1e-9)
    assert result.flags == ()


def test_a_single_answer_has_no_interval_for_a_mean(store, engine):
    add(store, [obs(5, question="ces")])
    (result,) = compute_metric(engine, CES)
    assert result.value == 5.0 and result.ci_low is None and result.ci_high is None
    assert NO_INTERVAL in result.flags and SMALL_SAMPLE in result.flags


def test_confidence_level_is_passed_through(store, engine):
    add(store, [obs(s) for s in nps_scores(20, 10, 10)])
    (at_95,) = compute_metric(engine, NPS)
    (at_80,) = compute_metric(engine, NPS, confidence=0.80)
    assert at_80.confidence == 0.80
    assert at_95.ci_low < at_80.ci_low < at_80.value < at_80.ci_high < at_95.ci_high


def test_no_data_gives_no_results(engine):
    assert compute_metric(engine, NPS) == []
    assert compute_metric(engine, NPS, by=["channel"], period=Period.MONTH) == []


def test_null_value_sql_leaves_rows_out(store, engine):
    add(store, [obs(s) for s in (10, 9, 8, 3)])
    promoters_only = MetricDefinition(
        id="p", title="P", question="nps", value_sql="CASE WHEN value >= 9 THEN 1.0 END", interval=IntervalMethod.MEAN
    )
    (result,) = compute_metric(engine, promoters_only)
    assert result.n == 2 and result.value == 1.0


# --- grouping ------------------------------------------------------------------------------


def test_grouping_by_a_segment_column(store, engine):
    add(
        store,
        [
            *(obs(s, segment={"region": "eu"}) for s in nps_scores(6, 2, 2)),
            *(obs(s, segment={"region": "us"}) for s in nps_scores(1, 1, 3)),
        ],
    )
    results = compute_metric(engine, NPS, by=["region"])
    assert [r.segment for r in results] == [{"region": "eu"}, {"region": "us"}]
    assert [r.n for r in results] == [10, 5]
    assert [r.value for r in results] == pytest.approx([40.0, -40.0])
    assert (results[1].ci_low, results[1].ci_high) == pytest.approx(adjusted_wald(1, 3, 5))


def test_grouping_by_a_fixed_column_and_a_segment(store, engine):
    add(
        store,
        [
            obs(10, channel="web", segment={"tier": "gold"}),
            obs(9, channel="web", segment={"tier": "gold"}),
            obs(3, channel="web", segment={"tier": "basic"}),
            obs(8, channel="phone", segment={"tier": "gold"}),
        ],
    )
    results = compute_metric(engine, NPS, by=["channel", "tier"])
    assert {(r.segment["channel"], r.segment["tier"]): (r.n, r.value) for r in results} == {
        ("phone", "gold"): (1, 0.0),
        ("web", "basic"): (1, -100.0),
        ("web", "gold"): (2, 100.0),
    }


@settings(max_examples=20, deadline=None)
@given(
    answers=st.lists(
        st.tuples(st.integers(0, 10), st.sampled_from(["north", "south", "east"]), st.sampled_from([None, 0.5, 2.0])),
        min_size=1,
        max_size=60,
    )
)
def test_grouped_nps_equals_a_direct_computation(answers):
    with Store(":memory:") as memory:
        add(memory, [obs(s, segment={"region": r}, weight=w) for s, r, w in answers])
        results = compute_metric(SQLiteEngine(memory), NPS, by=["region"])
    expected = {}
    for region in sorted({r for _, r, _ in answers}):
        group = [(s, 1.0 if w is None else w) for s, r, w in answers if r == region]
        total = sum(w for _, w in group)
        promoters = sum(w for s, w in group if s >= 9) / total
        detractors = sum(w for s, w in group if s <= 6) / total
        expected[region] = (len(group), 100 * (promoters - detractors))
    assert [r.segment["region"] for r in results] == sorted(expected)
    for result in results:
        n, value = expected[result.segment["region"]]
        assert result.n == n
        assert result.value == pytest.approx(value, abs=1e-9)
    for result in results:
        assert -100 <= result.ci_low <= result.value <= result.ci_high <= 100


def test_where_filters_and_is_reported_in_the_segment(store, engine):
    add(
        store,
        [
            *(obs(s, channel="web", segment={"region": "eu"}) for s in nps_scores(3, 0, 1)),
            *(obs(s, channel="web", segment={"region": "us"}) for s in nps_scores(0, 0, 4)),
            *(obs(s, channel="phone", segment={"region": "eu"}) for s in nps_scores(0, 4, 0)),
        ],
    )
    (result,) = compute_metric(engine, NPS, where={"region": "eu", "channel": "web"})
    assert result.n == 4 and result.value == pytest.approx(50.0)
    assert result.segment == {"region": "eu", "channel": "web"}
    by_channel = compute_metric(engine, NPS, by=["channel"], where={"region": "eu"})
    assert [(r.segment, r.n) for r in by_channel] == [
        ({"region": "eu", "channel": "phone"}, 4),
        ({"region": "eu", "channel": "web"}, 4),
    ]
    assert compute_metric(engine, NPS, where={"region": "asia"}) == []


def test_unknown_by_column_names_the_known_ones(store, engine):
    add(store, [obs(9, segment={"region": "eu"})])
    with pytest.raises(InvalidInput) as caught:
        compute_metric(engine, NPS, by=["regoin"])
    (message,) = caught.value.messages
    assert "regoin" in message
    for known in ("touchpoint", "channel", "source", "population", "region"):
        assert known in message.split("known:", 1)[1]


def test_unknown_where_column_is_rejected(store, engine):
    add(store, [obs(9)])
    with pytest.raises(InvalidInput, match="colour"):
        compute_metric(engine, NPS, where={"colour": "red"})


@pytest.mark.parametrize("column", ["value; DROP TABLE observations", "question", "weight", "timestamp"])
def test_non_segment_columns_cannot_be_grouped_by(store, engine, column):
    add(store, [obs(9)])
    with pytest.raises(InvalidInput):
        compute_metric(engine, NPS, by=[column])
    assert store.count("observations") == 1


def test_segment_columns_list_fixed_and_stored_ones(store, engine):
    add(store, [obs(9, segment={"region": "eu", "age_band": "18-24"})])
    assert engine.segment_columns() == ["touchpoint", "channel", "source", "population", "age_band", "region"]


@pytest.mark.parametrize("column", ["x", "w"])
def test_segment_columns_named_like_the_engine_aliases(store, engine, column):
    # the engine's inner query once aliased the weight and value as w and x, which a segment could shadow
    add(
        store,
        [
            *(obs(s, segment={column: "a"}) for s in nps_scores(2, 2, 1)),
            *(obs(s, segment={column: "b"}) for s in nps_scores(3, 1, 1)),
        ],
    )
    results = compute_metric(engine, NPS, by=[column])
    assert [r.segment for r in results] == [{column: "a"}, {column: "b"}]
    assert [r.value for r in results] == pytest.approx([20.0, 40.0])
    (filtered,) = compute_metric(engine, NPS, where={column: "a"})
    assert filtered.value == pytest.approx(20.0)


def test_every_group_has_a_distinct_segment_label(store, engine):
    add(store, [obs(10, channel=None), obs(0, channel=""), obs(9, channel="web")])
    results = compute_metric(engine, NPS, by=["channel"])
    labels = [tuple(sorted(r.segment.items())) for r in results]
    assert len(labels) == len(set(labels)) == 3
    # a missing value is None, not the empty string
    assert {r.segment["channel"]: r.value for r in results} == {None: 100.0, "": -100.0, "web": 100.0}


# --- periods -------------------------------------------------------------------------------------


def _period(connection: sqlite3.Connection, period: Period, timestamp: str) -> str:
    sql = f"SELECT {SQLiteEngine.period_sql(period)} FROM (SELECT ? AS timestamp)"
    return connection.execute(sql, [timestamp]).fetchone()[0]


@pytest.fixture(scope="module")
def sqlite() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    yield connection
    connection.close()


@settings(max_examples=300)
@given(
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 12, 31)),
    time=st.times(),
)
def test_iso_week_labels_equal_python_isocalendar(sqlite, day, time):
    moment = dt.datetime.combine(day, time, tzinfo=dt.UTC)
    timestamp, _ = utc_text(moment)  # the store's own text form
    year, week, _ = day.isocalendar()
    assert _period(sqlite, Period.WEEK, timestamp) == f"{year}-W{week:02d}"
    assert _period(sqlite, Period.DAY, timestamp) == day.isoformat()
    assert _period(sqlite, Period.MONTH, timestamp) == f"{day.year}-{day.month:02d}"
    assert _period(sqlite, Period.QUARTER, timestamp) == f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    assert _period(sqlite, Period.YEAR, timestamp) == str(day.year)


@pytest.mark.parametrize(
    ("day", "week"),
    [
        ("2024-12-30", "2025-W01"),  # Monday of week 1 lies in the previous year
        ("2021-01-03", "2020-W53"),  # Sunday of a 53-week year
        ("2026-12-31", "2026-W53"),
        ("2027-01-03", "2026-W53"),
        ("2027-01-04", "2027-W01"),
        ("2025-03-04", "2025-W10"),
    ],
)
def test_iso_week_year_boundaries(sqlite, day, week):
    assert _period(sqlite, Period.WEEK, f"{day}T23:59:59Z") == week


def test_grouping_by_month_quarter_week_day(store, engine):
    moments = [
        (dt.datetime(2024, 12, 30, 12, tzinfo=dt.UTC), 10),
        (dt.datetime(2025, 1, 2, 12, tzinfo=dt.UTC), 3),
        (dt.datetime(2025, 3, 31, 23, 59, tzinfo=dt.UTC), 10),
        (dt.datetime(2025, 4, 1, 0, 0, tzinfo=dt.UTC), 8),
        # 23:30 at −02:00 is 01:30 UTC the next day: periods are UTC
        (dt.datetime(2025, 4, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2))), 9),
    ]
    add(store, [obs(score, timestamp=moment) for moment, score in moments])

    def periods(period: Period) -> dict[str, tuple[int, float]]:
        return {r.period: (r.n, r.value) for r in compute_metric(engine, NPS, period=period)}

    assert periods(Period.MONTH) == {
        "2024-12": (1, 100.0),
        "2025-01": (1, -100.0),
        "2025-03": (1, 100.0),
        "2025-04": (2, 50.0),
    }
    assert periods(Period.QUARTER) == {"2024-Q4": (1, 100.0), "2025-Q1": (2, 0.0), "2025-Q2": (2, 50.0)}
    assert periods(Period.WEEK) == {"2025-W01": (2, 0.0), "2025-W14": (3, pytest.approx(100 * 2 / 3))}
    assert periods(Period.DAY) == {
        "2024-12-30": (1, 100.0),
        "2025-01-02": (1, -100.0),
        "2025-03-31": (1, 100.0),
        "2025-04-01": (1, 0.0),
        "2025-04-02": (1, 100.0),
    }
    assert periods(Period.YEAR) == {"2024": (1, 100.0), "2025": (4, 25.0)}


def test_grouping_by_segment_and_period_together(store, engine):
    add(
        store,
        [
            obs(10, timestamp=dt.datetime(2025, 1, 5, tzinfo=dt.UTC), channel="web"),
            obs(2, timestamp=dt.datetime(2025, 2, 5, tzinfo=dt.UTC), channel="web"),
            obs(9, timestamp=dt.datetime(2025, 2, 6, tzinfo=dt.UTC), channel="app"),
        ],
    )
    results = compute_metric(engine, NPS, by=["channel"], period=Period.MONTH)
    assert [(r.segment["channel"], r.period, r.value) for r in results] == [
        ("app", "2025-02", 100.0),
        ("web", "2025-01", 100.0),
        ("web", "2025-02", -100.0),
    ]


# --- flags -----------------------------------------------------------------------------------------


def test_weighted_metric_is_flagged_and_unweighted_is_not(store, engine):
    add(store, [obs(10, weight=3.0, segment={"g": "w"}), obs(3, weight=1.0, segment={"g": "w"})])
    add(store, [obs(10, segment={"g": "u"}), obs(3, segment={"g": "u"})])
    add(store, [obs(10, weight=1.0, segment={"g": "ones"}), obs(3, weight=1.0, segment={"g": "ones"})])
    results = {r.segment["g"]: r for r in compute_metric(engine, NPS, by=["g"], variance=WeightedVariance.KISH)}
    weighted, unweighted, ones = results["w"], results["u"], results["ones"]
    assert WEIGHTED in weighted.flags and "kish_effective_n" in weighted.flags
    assert weighted.value == pytest.approx(100 * (3 - 1) / 4)
    assert weighted.effective_n == pytest.approx(16 / 10)  # Kish: (3 + 1)² / (9 + 1)
    # linearised (the default): s² / V with s² = σ²·n/(n − 1) = 0.75·2 and V = 2·(9·0.25 + 2.25)/16
    (linearised,) = (r for r in compute_metric(engine, NPS, by=["g"]) if r.segment["g"] == "w")
    assert linearised.effective_n == pytest.approx(1.5 / (2 * 4.5 / 16))
    assert "linearised_variance" in linearised.flags
    assert WEIGHTED not in unweighted.flags and unweighted.effective_n is None
    assert unweighted.value == 0.0
    assert WEIGHTED not in ones.flags and ones.effective_n is None
    assert (ones.value, ones.ci_low, ones.ci_high) == (unweighted.value, unweighted.ci_low, unweighted.ci_high)


def test_an_observation_without_a_weight_weighs_one_beside_weighted_ones(store, engine):
    add(store, [obs(10, weight=2.0), obs(3), obs(8, weight=0.5)])
    (result,) = compute_metric(engine, NPS, variance=WeightedVariance.KISH)
    assert result.value == pytest.approx(100 * (2.0 - 1.0) / 3.5)
    assert result.effective_n == pytest.approx(3.5**2 / (4 + 1 + 0.25))  # Kish: (Σw)² / Σw²


def test_equal_weights_other_than_one_change_nothing_but_the_flag(store, engine):
    add(store, [obs(s, weight=2.5, segment={"g": "w"}) for s in nps_scores(7, 2, 3)])
    add(store, [obs(s, segment={"g": "u"}) for s in nps_scores(7, 2, 3)])
    weighted, unweighted = sorted(compute_metric(engine, NPS, by=["g"]), key=lambda r: r.segment["g"] == "u")
    assert weighted.flags == (SMALL_SAMPLE, WEIGHTED, "linearised_variance") and unweighted.flags == (SMALL_SAMPLE,)
    assert weighted.effective_n == 12
    assert weighted.value == pytest.approx(unweighted.value)
    assert weighted.ci_low == pytest.approx(unweighted.ci_low)
    assert weighted.ci_high == pytest.approx(unweighted.ci_high)


def test_small_sample_below_the_default_minimum_only(store, engine):
    add(store, [obs(9, segment={"g": "small"}) for _ in range(DEFAULT_MIN_SAMPLE - 1)])
    add(store, [obs(9, segment={"g": "enough"}) for _ in range(DEFAULT_MIN_SAMPLE)])
    results = {r.segment["g"]: r for r in compute_metric(engine, NPS, by=["g"])}
    assert results["small"].flags == (SMALL_SAMPLE,)
    assert results["enough"].flags == ()


def test_min_sample_from_definition_then_programme(store, engine):
    add(store, [obs(9) for _ in range(10)])
    assert compute_metric(engine, NPS)[0].flags == (SMALL_SAMPLE,)
    assert compute_metric(engine, NPS, min_sample=10)[0].flags == ()
    assert compute_metric(engine, NPS, min_sample=11)[0].flags == (SMALL_SAMPLE,)
    own = MetricDefinition(
        id="nps5", title="NPS", question="nps", value_sql=NPS_SQL, interval=IntervalMethod.NPS, min_sample=5
    )
    assert compute_metric(engine, own, min_sample=50)[0].flags == ()


def test_small_sample_uses_the_effective_n_of_weighted_data(store, engine):
    # 40 answers, but one weight dominates: Kish's n is far below 30
    add(store, [obs(9, weight=50.0)] + [obs(9, weight=1.0) for _ in range(39)])
    (result,) = compute_metric(engine, NPS)
    assert result.n == 40
    assert result.effective_n == pytest.approx(89**2 / (2500 + 39))
    # every answer a promoter: no spread for a design variance, so Kish's n decides (and the flag says so)
    assert result.flags == (SMALL_SAMPLE, WEIGHTED, "kish_effective_n")


# --- targets ----------------------------------------------------------------------------------


def result_with(low: float | None, high: float | None, value: float | None = 40.0) -> MetricResult:
    return MetricResult(metric="nps", value=value, n=100, ci_low=low, ci_high=high)


def objective(target: float, comparison: Comparison, **kwargs: object) -> Objective:
    return Objective(id="o", metric="nps", target=target, comparison=comparison, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("comparison", "low", "high", "expected"),
    [
        (Comparison.AT_LEAST, 42, 50, TargetStatus.MET),
        (Comparison.AT_LEAST, 40, 50, TargetStatus.MET),  # low == target: at least
        (Comparison.AT_LEAST, 30, 39, TargetStatus.NOT_MET),
        (Comparison.AT_LEAST, 30, 40, TargetStatus.INCONCLUSIVE),
        (Comparison.AT_LEAST, 35, 45, TargetStatus.INCONCLUSIVE),
        (Comparison.ABOVE, 41, 50, TargetStatus.MET),
        (Comparison.ABOVE, 40, 50, TargetStatus.INCONCLUSIVE),  # low == target: not above
        (Comparison.ABOVE, 30, 40, TargetStatus.NOT_MET),  # high == target: cannot be above
        (Comparison.ABOVE, 35, 45, TargetStatus.INCONCLUSIVE),
        (Comparison.AT_MOST, 30, 40, TargetStatus.MET),
        (Comparison.AT_MOST, 41, 50, TargetStatus.NOT_MET),
        (Comparison.AT_MOST, 40, 50, TargetStatus.INCONCLUSIVE),
        (Comparison.AT_MOST, 35, 45, TargetStatus.INCONCLUSIVE),
        (Comparison.BELOW, 30, 39, TargetStatus.MET),
        (Comparison.BELOW, 30, 40, TargetStatus.INCONCLUSIVE),
        (Comparison.BELOW, 40, 50, TargetStatus.NOT_MET),
        (Comparison.BELOW, 35, 45, TargetStatus.INCONCLUSIVE),
    ],
)
def test_target_status_takes_the_interval_into_account(comparison, low, high, expected):
    assert target_status(result_with(low, high), objective(40, comparison)) is expected


@pytest.mark.parametrize("comparison", list(Comparison))
def test_no_interval_is_inconclusive(comparison):
    assert target_status(result_with(None, None), objective(40, comparison)) is TargetStatus.INCONCLUSIVE
    assert target_status(result_with(None, None, value=None), objective(40, comparison)) is TargetStatus.INCONCLUSIVE


@settings(max_examples=100)
@given(
    bounds=st.tuples(st.floats(-100, 100), st.floats(-100, 100)).map(sorted),
    target=st.floats(-100, 100),
    comparison=st.sampled_from(list(Comparison)),
)
def test_target_status_is_met_only_if_every_value_in_the_interval_meets_it(bounds, target, comparison):
    low, high = bounds
    check = {
        Comparison.AT_LEAST: lambda v: v >= target,
        Comparison.ABOVE: lambda v: v > target,
        Comparison.AT_MOST: lambda v: v <= target,
        Comparison.BELOW: lambda v: v < target,
    }[comparison]
    status = target_status(result_with(low, high), objective(target, comparison))
    ends = (check(low), check(high))
    if status is TargetStatus.MET:
        assert ends == (True, True)
    elif status is TargetStatus.NOT_MET:
        assert ends == (False, False)
    else:
        assert ends[0] != ends[1]


def test_evaluate_objective_without_data(engine):
    result = evaluate_objective(engine, NPS, objective(30, Comparison.AT_LEAST), 0.95)
    assert result.n == 0
    assert result.value is None and result.ci_low is None
    assert result.target_status is TargetStatus.INCONCLUSIVE
    assert result.objective == "o" and result.target == 30
    assert SMALL_SAMPLE in result.flags and NO_INTERVAL in result.flags


def test_a_small_sample_is_inconclusive_whatever_its_interval_and_keeps_its_flag(store, engine):
    # 20 answers of 0: NPS -100, adjusted Wald interval about -100 ... -69.7, all below 50 and all
    # below -60; still below the minimum sample of 30, so neither "not met" nor "met" (issue #23)
    add(store, [obs(0) for _ in range(20)])
    small = evaluate_objective(engine, NPS, objective(50, Comparison.AT_LEAST), 0.95, min_sample=30)
    assert SMALL_SAMPLE in small.flags and small.n == 20
    assert small.ci_high == pytest.approx(adjusted_wald(0, 20, 20)[1]) and small.ci_high < 50
    assert small.target_status is TargetStatus.INCONCLUSIVE
    below = evaluate_objective(engine, NPS, objective(-60, Comparison.AT_MOST), 0.95, min_sample=30)
    assert below.ci_high < -60 and below.target_status is TargetStatus.INCONCLUSIVE
    # the same interval with the minimum sample reached is judged by it
    judged = evaluate_objective(engine, NPS, objective(50, Comparison.AT_LEAST), 0.95, min_sample=20)
    assert SMALL_SAMPLE not in judged.flags and judged.target_status is TargetStatus.NOT_MET


def test_an_objective_with_a_deadline_counts_what_was_observed_by_its_end(store, engine):
    deadline = dt.date(2025, 3, 31)
    on_time = dt.datetime(2025, 3, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
    late = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
    add(store, [obs(10, timestamp=on_time) for _ in range(40)] + [obs(0, timestamp=late) for _ in range(40)])
    by_then = evaluate_objective(engine, NPS, objective(50, Comparison.AT_LEAST, deadline=deadline), 0.95)
    assert (by_then.n, by_then.value, by_then.target_status) == (40, pytest.approx(100.0), TargetStatus.MET)
    overall = evaluate_objective(engine, NPS, objective(50, Comparison.AT_LEAST), 0.95)
    assert (overall.n, overall.value, overall.target_status) == (80, pytest.approx(0.0), TargetStatus.NOT_MET)


def test_evaluate_objective_with_data_and_segment(store, engine):
    add(store, [obs(s, segment={"region": "eu"}) for s in nps_scores(80, 15, 5)])
    add(store, [obs(s, segment={"region": "us"}) for s in nps_scores(10, 10, 80)])
    met = evaluate_objective(engine, NPS, objective(50, Comparison.AT_LEAST, segment={"region": "eu"}), 0.95)
    assert met.n == 100 and met.value == pytest.approx(75.0)
    assert met.segment == {"region": "eu"}
    assert met.target_status is TargetStatus.MET
    assert met.ci_low >= 50
    missed = evaluate_objective(engine, NPS, objective(0, Comparison.AT_LEAST, segment={"region": "us"}), 0.95)
    assert missed.value == pytest.approx(-70.0)
    assert missed.target_status is TargetStatus.NOT_MET
    overall = evaluate_objective(engine, NPS, objective(2.5, Comparison.ABOVE), 0.95)
    assert overall.n == 200 and overall.value == pytest.approx(2.5)
    assert overall.target_status is TargetStatus.INCONCLUSIVE
    empty = evaluate_objective(engine, NPS, objective(0, Comparison.AT_LEAST, segment={"region": "asia"}), 0.95)
    assert empty.n == 0 and empty.target_status is TargetStatus.INCONCLUSIVE
    assert empty.segment == {"region": "asia"}


# --- safety -----------------------------------------------------------------------------------------

HOSTILE = "x'); DROP TABLE observations; --"


def test_hostile_segment_values_are_data(store, engine):
    add(
        store,
        [
            obs(10, segment={"region": HOSTILE}, channel='"]; DELETE FROM observations; --'),
            obs(3, segment={"region": HOSTILE}, channel="web"),
            obs(9, segment={"region": "eu"}, channel="web"),
        ],
    )
    assert store.count("observations") == 3
    results = compute_metric(engine, NPS, by=["region"])
    assert [(r.segment["region"], r.n) for r in results] == [("eu", 1), (HOSTILE, 2)]
    (filtered,) = compute_metric(engine, NPS, where={"region": HOSTILE})
    assert filtered.n == 2 and filtered.value == 0.0
    by_channel = compute_metric(engine, NPS, by=["channel"])
    assert '"]; DELETE FROM observations; --' in [r.segment["channel"] for r in by_channel]
    assert store.count("observations") == 3
    assert "observations" in store.db.view_names() and "responses" in store.db.table_names()


def test_hostile_segment_names_are_refused(store):
    with pytest.raises(InvalidInput):
        add(store, [obs(9, segment={"region]; DROP TABLE observations; --": "eu"})])
    assert "observations" in store.db.view_names() and "responses" in store.db.table_names()
    assert store.count("observations") == 0


# --- numerics: means of large values --------------------------------------------------------

SPEND = MetricDefinition(id="spend", title="Spend", question="spend", value_sql="value", interval=IntervalMethod.MEAN)


def test_mean_of_large_values_with_a_small_spread_keeps_its_standard_error(store, engine):
    # the raw moments Σx²/n − mean² are ~1e16 apart by 0.67: summed about 0 the spread is lost
    values = [1e8 + v for v in (0.0, 1.0, 2.0)] * 10
    add(store, [obs(v, question="spend") for v in values])
    (result,) = compute_metric(engine, SPEND)
    sem = statistics.stdev(values) / math.sqrt(len(values))
    assert result.value == pytest.approx(1e8 + 1, rel=1e-15)
    assert result.std_error == pytest.approx(sem, rel=1e-9)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=1e8 + 1, scale=sem)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=1e-15)
    assert NO_INTERVAL not in result.flags


def test_each_group_is_summed_about_its_own_values(store, engine):
    # one shift for the whole query would leave the far group cancelling
    near = [1.0, 2.0, 3.0, 4.0]
    far = [1e12 + v for v in (0.0, 0.5, 1.0, 1.5)]
    add(store, [*(obs(v, question="spend", channel="web") for v in near)])
    add(store, [*(obs(v, question="spend", channel="shop") for v in far)])
    results = {r.segment["channel"]: r for r in compute_metric(engine, SPEND, by=["channel"])}
    for channel, values in (("web", near), ("shop", far)):
        assert results[channel].std_error == pytest.approx(statistics.stdev(values) / 2, rel=1e-9)
        assert results[channel].value == pytest.approx(statistics.fmean(values), rel=1e-15)


@settings(max_examples=25, deadline=None)
@given(
    answers=st.lists(
        st.tuples(st.integers(-20, 20), st.sampled_from(["north", "south"]), st.sampled_from([None, 0.5, 2.0])),
        min_size=2,
        max_size=40,
    ),
    offset=st.sampled_from([1e6, -3e9, 2.5e11, 7e13]),
    months=st.lists(st.sampled_from([3, 4, 5]), min_size=40, max_size=40),
)
def test_shifting_every_value_moves_the_mean_and_keeps_the_interval(answers, offset, months):
    def results(shifted: float) -> list[MetricResult]:
        with Store(":memory:") as memory:
            add(
                memory,
                [
                    obs(x + shifted, question="spend", timestamp=T0.replace(month=m), segment={"region": r}, weight=w)
                    for (x, r, w), m in zip(answers, months, strict=False)
                ],
            )
            return compute_metric(SQLiteEngine(memory), SPEND, by=["region"], period=Period.MONTH)

    base, moved = results(0.0), results(offset)
    assert [(r.segment, r.period, r.n, r.flags) for r in base] == [(r.segment, r.period, r.n, r.flags) for r in moved]
    for plain, shifted in zip(base, moved, strict=True):
        assert shifted.value == pytest.approx(plain.value + offset, rel=1e-14)
        if plain.std_error is None:
            assert shifted.std_error is None
        else:
            # a few ulps of the (large) values is all the shift may cost
            assert shifted.std_error == pytest.approx(plain.std_error, rel=1e-6, abs=1e-6 * math.ulp(offset))


def test_a_period_is_parsed_from_its_name_or_named_as_unknown() -> None:
    assert Period.parse("month") is Period.MONTH
    assert Period.parse(Period.WEEK) is Period.WEEK
    assert Period.parse(None) is None
    with pytest.raises(
        InvalidInput, match=r"period: unknown period 'fortnight' \(known: day, week, month, quarter, year\)"
    ):
        Period.parse("fortnight")
