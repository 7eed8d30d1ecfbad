"""Metrics over a plugin's own table or view (`MetricDefinition.table`) and median metrics (interval = median)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import IntervalMethod, MetricDefinition, Period
from cxframe.measurement._comparisons import compare_segments
from cxframe.measurement._engine import SQLiteEngine, compute_metric
from cxframe.measurement._flags import NO_INTERVAL, SMALL_SAMPLE, WEIGHTS_IGNORED
from cxframe.measurement._median import median, median_interval, median_rank
from cxframe.store._sqlite import Store
from tests.test_engine import T0, add, obs

HANDLING = MetricDefinition(
    id="handling",
    title="Median handling minutes",
    question="minutes",
    value_sql="value",
    interval=IntervalMethod.MEDIAN,
    unit="min",
)
TICKETS = MetricDefinition(
    id="tickets_solved",
    title="Tickets solved",
    question="ticket",
    value_sql="solved",
    interval=IntervalMethod.PROPORTION,
    multiplier=100.0,
    table="plugin_tickets",
    segments=("team",),
)


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    with Store(tmp_path / "cxframe.db") as opened:
        yield opened


def tickets(store: Store, rows: list[tuple[str, int, str | None]]) -> None:
    """A plugin's table with the columns the engine reads, one row per ticket."""
    store.db.execute(
        "CREATE TABLE plugin_tickets (question TEXT, population TEXT, timestamp TEXT, respondent_id TEXT, "
        "response INTEGER, weight REAL, touchpoint TEXT, channel TEXT, source TEXT, team TEXT, solved REAL)"
    )
    for number, (team, solved, customer) in enumerate(rows, start=1):
        day = (T0 + dt.timedelta(days=40 * (number % 2))).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        store.db.execute(
            "INSERT INTO plugin_tickets VALUES ('ticket', 'customer', ?, ?, ?, NULL, 'web', NULL, 'crm', ?, ?)",
            [day, customer, number, team, solved],
        )


# --- a metric over a plugin's table --------------------------------------------------------------


def test_a_metric_reads_its_own_table_grouped_by_its_own_segment(store: Store) -> None:
    tickets(store, [("a", 1, "c1"), ("a", 0, "c2"), ("a", 1, "c3"), ("b", 1, "c4"), ("b", 1, None)])
    engine = SQLiteEngine(store)
    (total,) = compute_metric(engine, TICKETS)
    assert (total.value, total.n) == (pytest.approx(80.0), 5)
    by_team = {r.segment["team"]: (r.value, r.n) for r in compute_metric(engine, TICKETS, by=["team"])}
    assert by_team == {"a": (pytest.approx(200 / 3), 3), "b": (pytest.approx(100.0), 2)}
    months = compute_metric(engine, TICKETS, period=Period.MONTH)
    assert sorted(r.n for r in months) == [2, 3]
    filtered = compute_metric(engine, TICKETS, where={"team": "b"})
    assert [(r.segment, r.n) for r in filtered] == [({"team": "b"}, 2)]
    # its own segment is known for this metric only
    assert "team" in engine.segment_columns(TICKETS) and "team" not in engine.segment_columns()
    with pytest.raises(InvalidInput, match="--by: unknown segment column"):
        compute_metric(engine, TICKETS, by=["region"])
    compared = compare_segments(engine, TICKETS, "team")
    assert {r.segment["team"]: r.difference for r in compared} == {
        "a": pytest.approx(200 / 3 - 100.0),
        "b": pytest.approx(100.0 - 200 / 3),
    }


def test_a_metric_whose_table_is_not_there_has_no_results(store: Store) -> None:
    engine = SQLiteEngine(store)
    assert compute_metric(engine, TICKETS) == []
    assert compute_metric(engine, TICKETS, by=["team"], period=Period.MONTH) == []


def test_a_table_or_segment_name_must_be_a_plain_name() -> None:
    with pytest.raises(ValueError, match="table: expected a table or column name"):
        MetricDefinition(id="x", title="x", question="q", value_sql="1", table="t; DROP TABLE answers")
    with pytest.raises(ValueError, match="segments: expected a table or column name"):
        MetricDefinition(id="x", title="x", question="q", value_sql="1", segments=("team]",))


# --- median metrics ------------------------------------------------------------------------------


def test_a_median_metric_by_hand(store: Store) -> None:
    minutes = [3, 1, 40, 7, 5, 2, 9, 4]  # sorted: 1 2 3 4 5 7 9 40 → median 4.5
    add(store, [obs(m, question="minutes", segment={"team": "a"}) for m in minutes])
    add(store, [obs(m, question="minutes", segment={"team": "b"}) for m in [10, 12]])
    engine = SQLiteEngine(store)
    by_team = {r.segment["team"]: r for r in compute_metric(engine, HANDLING, by=["team"])}
    a = by_team["a"]
    assert (a.value, a.n) == (4.5, 8)
    # n = 8 at 95 %: rank 1 (P(B ≤ 0) = 1/256 ≤ 0.025, P(B ≤ 1) = 9/256 > 0.025) → [x(1), x(8)] = [1, 40]
    assert (a.ci_low, a.ci_high) == (1.0, 40.0)
    assert SMALL_SAMPLE in a.flags and NO_INTERVAL not in a.flags
    b = by_team["b"]
    assert (b.value, b.ci_low, b.flags) == (11.0, None, (SMALL_SAMPLE, NO_INTERVAL))
    # a median is not compared
    with pytest.raises(InvalidInput, match="handling: a median; --compare tests differences of means"):
        compare_segments(engine, HANDLING, "team")


def test_a_median_says_weights_were_not_used(store: Store) -> None:
    add(store, [obs(m, question="minutes", weight=2.0) for m in range(1, 8)])
    (result,) = compute_metric(SQLiteEngine(store), HANDLING)
    assert result.value == 4.0 and WEIGHTS_IGNORED in result.flags


def test_median_ranks_known_values() -> None:
    # the classic table of ranks for the 95 % interval of a median (e.g. Conover): n → j
    assert [median_rank(n, 0.95) for n in (5, 6, 10, 20, 50, 100)] == [None, 1, 2, 6, 18, 40]
    assert median([]) is None and median([1.0, 2.0, 9.0]) == 2.0


@given(st.integers(min_value=1, max_value=400), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_the_rank_is_the_narrowest_that_reaches_the_confidence(n: int, confidence: float) -> None:
    rank = median_rank(n, confidence)

    def coverage(j: int) -> float:
        return 1 - 2 * float(stats.binom.cdf(j - 1, n, 0.5))

    if rank is None:
        assert coverage(1) < confidence
        return
    assert 1 <= rank <= math.ceil(n / 2)
    assert coverage(rank) >= confidence - 1e-12
    if rank + 1 <= math.ceil(n / 2):
        assert coverage(rank + 1) < confidence


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=1, max_size=200))
def test_the_interval_holds_the_median_between_order_statistics(values: list[float]) -> None:
    ordered = sorted(values)
    found = median_interval(ordered, 0.95)
    assert found.value == pytest.approx(statistics.median(values))
    if found.ci_low is None:
        assert len(values) < 6
        return
    assert found.rank is not None and found.coverage is not None and found.coverage >= 0.95
    assert found.ci_low == ordered[found.rank - 1] and found.ci_high == ordered[len(values) - found.rank]
    assert found.ci_low <= found.value <= found.ci_high
    assert found.std_error is not None and found.std_error >= 0


def test_an_analysis_of_answers_refuses_a_metric_over_another_table() -> None:
    # drivers, comment themes and a customer's history read answers: a metric over cases has none to read
    with pytest.raises(InvalidInput, match=r"--metric tickets_solved: computed over .*not over respondents' answers"):
        TICKETS.require_answers()
    MetricDefinition(id="x", title="x", question="q", value_sql="1").require_answers()
