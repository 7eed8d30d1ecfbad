"""Respondent clusters gathered in the one-pass query (SQLite's aggregate) against the two-level SQL (#18).

`SQLiteEngine` sums each group's respondent clusters with a Python aggregate
inside its plain ``GROUP BY`` (`cxframe.measurement._clusters`); the two-level
query (by respondent, then by group) is what every other SQL engine runs. Both
must give the same sums up to floating-point rounding, the same cluster and
repeat-respondent counts, and so the same results.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cxframe.contracts._records import IntervalMethod, MetricDefinition, Observation, Period, WeightedVariance
from cxframe.measurement import _clusters
from cxframe.measurement._clusters import RespondentClusters, unpack
from cxframe.measurement._comparisons import compare_segments
from cxframe.measurement._engine import Aggregate, SQLiteEngine, compute_metric
from cxframe.store._sqlite import Store, observation_row
from tests.metric_definitions import NPS

T0 = dt.datetime(2025, 1, 30, 12, tzinfo=dt.UTC)
_keys = itertools.count()

#: a mean of large values: its sums are taken about each group's average (the centred query)
AMOUNT = MetricDefinition(
    id="amount", title="Amount", question="amount", value_sql="value", interval=IntervalMethod.MEAN
)
CES = MetricDefinition(
    id="ces", title="CES", question="ces", value_sql="value", interval=IntervalMethod.MEAN, scale_min=1, scale_max=7
)


class TwoLevel(SQLiteEngine):
    """The engine without its cluster aggregate: the two-level SQL every other SQL engine runs."""

    def cluster_sums(self, value: str) -> str | None:
        return None


#: (value 0–10, weight or none, respondent 0–7 or none, region, day offset)
answer = st.tuples(
    st.integers(0, 10),
    st.one_of(st.none(), st.floats(0.1, 20.0)),
    st.one_of(st.none(), st.integers(0, 7)),
    st.sampled_from(["north", "south", None]),
    st.sampled_from([0, 1, 3, 40]),
)


def store_answers(store: Store, rows: list[tuple[int, float | None, int | None, str | None, int]]) -> None:
    observations = [
        Observation(
            question=question,
            value=value * scale + offset,
            timestamp=T0 + dt.timedelta(days=day),
            source="test",
            weight=weight,
            respondent_id=None if respondent is None else f"r{respondent}",
            segment={} if region is None else {"region": region},
        )
        for value, weight, respondent, region, day in rows
        for question, scale, offset in (("nps", 1, 0), ("ces", 0.5, 1), ("amount", 1.5, 1e7))
        if question != "ces" or 1 <= value * 0.5 + 1 <= 7
    ]
    rows_out = [observation_row(o, f"k{next(_keys)}", 1, ["region"]) for o in observations]
    with store.db.atomic():
        store.ensure_segment_columns(["region"])
        store.insert_observations(rows_out, ["region"])


def assert_same(found: list[Aggregate], expected: list[Aggregate]) -> None:
    assert len(found) == len(expected)
    for one, two in zip(found, expected, strict=True):
        assert (one.segment, one.period, one.n, one.repeat_respondents) == (
            two.segment,
            two.period,
            two.n,
            two.repeat_respondents,
        )
        assert one.design is not None and two.design is not None
        assert one.design.clusters == two.design.clusters
        # the sums are added in another order: equal within rounding of the largest term they hold
        scale = 1e-9 * (1.0 + two.design.sum_w2 + abs(two.design.sum_wd2) + abs(two.sum_wd2))
        for left, right in [
            (one.sum_w, two.sum_w),
            (one.sum_w2, two.sum_w2),
            (one.sum_wd, two.sum_wd),
            (one.sum_wd2, two.sum_wd2),
            (one.shift, two.shift),
            (one.design.sum_w2, two.design.sum_w2),
            (one.design.sum_w_wd, two.design.sum_w_wd),
            (one.design.sum_wd2, two.design.sum_wd2),
        ]:
            assert left == pytest.approx(right, rel=1e-9, abs=scale)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(answer, min_size=1, max_size=40))
# all detractors, weights summed in other orders: a variance of rounding is no spread, and neither path
# takes the sums again about the mean (the two would not compare)
@example(rows=[(0, None, None, "north", 0)] * 13 + [(0, 1.9208811454192696, None, "north", 0), (0, 0.1, 0, "north", 0)])
def test_the_one_pass_cluster_sums_are_the_two_level_sums(rows):
    with Store(":memory:") as store:
        store_answers(store, rows)
        one, two = SQLiteEngine(store), TwoLevel(store)
        for metric in (NPS, CES, AMOUNT):
            for by, period in [((), None), (("region",), None), (("region",), Period.MONTH), ((), Period.DAY)]:
                assert_same(one.aggregate(metric, by=by, period=period), two.aggregate(metric, by=by, period=period))


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(answer, min_size=2, max_size=40))
def test_results_and_comparisons_are_the_same_either_way(rows):
    with Store(":memory:") as store:
        store_answers(store, rows)
        one, two = SQLiteEngine(store), TwoLevel(store)
        for metric in (NPS, CES):
            found = compute_metric(one, metric, by=["region"], period=Period.MONTH)
            expected = compute_metric(two, metric, by=["region"], period=Period.MONTH)
            assert [(r.segment, r.period, r.n, r.repeat_respondents) for r in found] == [
                (r.segment, r.period, r.n, r.repeat_respondents) for r in expected
            ]
            for left, right in zip(found, expected, strict=True):
                assert left.value == pytest.approx(right.value, rel=1e-9, abs=1e-9)
                if left.std_error is not None and right.std_error is not None and right.std_error > 1e-6:
                    assert left.std_error == pytest.approx(right.std_error, rel=1e-6)
            # the comparisons read the same aggregates (and the respondents shared by two groups)
            compared = compare_segments(one, metric, "region")
            reference = compare_segments(two, metric, "region")
            assert [(c.segment, c.period, c.n, c.baseline_n) for c in compared] == [
                (c.segment, c.period, c.n, c.baseline_n) for c in reference
            ]
            for left_c, right_c in zip(compared, reference, strict=True):
                if right_c.difference is not None:
                    assert left_c.difference == pytest.approx(right_c.difference, rel=1e-9, abs=1e-9)


def test_answers_of_one_respondent_are_one_cluster_and_those_without_one_their_own():
    clusters = RespondentClusters()
    for respondent, response, weight, value in [
        ("a", 1, 2.0, 1.0),
        ("a", 2, 1.0, -1.0),
        (None, 3, 1.0, 1.0),
        (None, 4, 3.0, 0.0),
    ]:
        clusters.step(respondent, response, weight, value)
    w_a, a_a, count, w_w, identified, repeated = unpack(clusters.finalize())
    # clusters: a (W 3, A 1), response 3 (W 1, A 1), response 4 (W 3, A 0)
    assert (count, identified, repeated) == (3, 1, 1)
    assert (w_w, w_a, a_a) == (9.0 + 1.0 + 9.0, 3.0 + 1.0 + 0.0, 1.0 + 1.0 + 0.0)


def test_a_bootstrap_resamples_the_same_clusters_the_aggregate_counts(tmp_path):
    with Store(tmp_path / "cxframe.db") as store:
        store_answers(store, [(v % 11, 1.0 + v % 3, v % 5, None, 0) for v in range(40)])
        engine = SQLiteEngine(store, variance=WeightedVariance.BOOTSTRAP)
        (aggregate,) = engine.aggregate(NPS)
        units = engine.resampling_units(NPS)
    weights, sums = units[((), None)]
    assert aggregate.design is not None and len(weights) == aggregate.design.clusters == 5
    assert math.fsum(weights) == pytest.approx(aggregate.sum_w)
    assert math.fsum(sums) == pytest.approx(aggregate.sum_wx)


def test_a_group_of_more_clusters_than_kept_in_memory_is_summed_by_the_two_level_query(monkeypatch):
    rows = [(v % 11, 1.0 + v % 4, v % 9, "north" if v % 3 else "south", 0) for v in range(60)]
    with Store(":memory:") as store:
        store_answers(store, rows)
        expected = TwoLevel(store).aggregate(NPS, by=["region"])
        monkeypatch.setattr(_clusters, "MAX_CLUSTERS", 4)
        asked: list[str] = []
        engine = SQLiteEngine(store)
        original = engine.rows
        monkeypatch.setattr(engine, "rows", lambda sql, parameters=(): asked.append(sql) or original(sql, parameters))
        found = engine.aggregate(NPS, by=["region"])
    assert_same(found, expected)
    # the one-pass query gave up (9 respondents in a group, 4 kept), and the two GROUP BYs ran after it
    assert _clusters.CLUSTER_SUMS in asked[-2] and _clusters.CLUSTER_SUMS not in asked[-1]


def test_without_groups_the_clusters_take_the_two_level_query(monkeypatch):
    # one GROUP BY by respondent then: SQLite's sort is as fast as the aggregate's dicts and bounded in memory
    with Store(":memory:") as store:
        store_answers(store, [(v % 11, None, v % 3, None, 0) for v in range(12)])
        engine = SQLiteEngine(store)
        asked: list[str] = []
        original = engine.rows
        monkeypatch.setattr(engine, "rows", lambda sql, parameters=(): asked.append(sql) or original(sql, parameters))
        (overall,) = engine.aggregate(NPS)
        (monthly,) = engine.aggregate(NPS, period=Period.MONTH)
    assert _clusters.CLUSTER_SUMS not in asked[-2] and _clusters.CLUSTER_SUMS in asked[-1]
    assert overall.repeat_respondents == monthly.repeat_respondents == 3
