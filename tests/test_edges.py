"""Statistics at the edges (issue #23), each checked against an independent computation.

* all-equal answers of a mean: no collapsed interval, no test resting on a zero variance;
* small expected counts: Fisher's exact test for proportions, an exact permutation test for NPS;
* equal weights: Kish's effective n is n, not n minus float noise.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cxframe.contracts._records import IntervalMethod, MetricDefinition, Observation, Period
from cxframe.measurement._comparisons import (
    MIN_EXPECTED_COUNT,
    NO_TEST,
    NO_VARIANCE,
    GroupStats,
    compare_periods,
    compare_segments,
    difference,
    nps_exact_p,
    small_counts,
)
from cxframe.measurement._engine import SQLiteEngine, compute_metric
from cxframe.measurement._flags import NO_INTERVAL, SMALL_SAMPLE, WEIGHTED
from cxframe.measurement._intervals import effective_n, estimate
from cxframe.store._sqlite import Store, observation_row
from tests.metric_definitions import CSAT, NPS

CES = MetricDefinition(
    id="ces", title="CES", question="ces", value_sql="value", interval=IntervalMethod.MEAN, scale_min=1, scale_max=7
)
MARCH = dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)
APRIL = dt.datetime(2025, 4, 8, 9, 30, tzinfo=dt.UTC)
_keys = itertools.count()


def obs(value: float, when: dt.datetime = MARCH, question: str = "ces", **kwargs: object) -> Observation:
    return Observation(question=question, value=value, timestamp=when, source="test", **kwargs)  # type: ignore[arg-type]


def add(store: Store, observations: Sequence[Observation]) -> None:
    names = sorted({name for o in observations for name in o.segment})
    rows = [observation_row(o, f"e{next(_keys)}", 1, names) for o in observations]
    with store.db.atomic():
        store.ensure_segment_columns(names)
        store.insert_observations(rows, names)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "cxframe.db") as opened:
        yield opened


@pytest.fixture
def engine(store: Store) -> SQLiteEngine:
    return SQLiteEngine(store)


def proportion(successes: int, n: int) -> GroupStats:
    return GroupStats.from_values([1.0] * successes + [0.0] * (n - successes))


def nps_values(promoters: int, passives: int, detractors: int) -> list[float]:
    return [1.0] * promoters + [0.0] * passives + [-1.0] * detractors


# --- 1. all-equal answers ----------------------------------------------------------------------


def test_a_group_of_equal_answers_gets_no_interval_and_says_why(store: Store, engine: SQLiteEngine) -> None:
    # two CES answers of 7 in one region, forty that vary in the other
    add(store, [obs(7, segment={"region": "north"}) for _ in range(2)])
    add(store, [obs(v, segment={"region": "south"}) for v in [4, 5, 6, 3, 5] * 8])
    north, south = compute_metric(engine, CES, by=["region"])
    assert north.value == 7 and north.n == 2
    # not the zero-width [7, 7] shown as fact
    assert north.ci_low is None and north.ci_high is None
    assert north.flags == (SMALL_SAMPLE, NO_INTERVAL, NO_VARIANCE)
    expected = stats.ttest_1samp([4, 5, 6, 3, 5] * 8, 0).confidence_interval(0.95)
    assert (south.ci_low, south.ci_high) == pytest.approx((expected.low, expected.high))
    assert NO_VARIANCE not in south.flags
    # against the rest: scipy's Welch says p ≈ 2e-17 on a variance estimate of 0; cxframe runs no test
    with pytest.warns(RuntimeWarning, match="Precision loss"):
        assert stats.ttest_ind([7, 7], [4, 5, 6, 3, 5] * 8, equal_var=False).pvalue < 1e-15
    found = {c.segment["region"]: c for c in compare_segments(engine, CES, "region")}
    for comparison in found.values():
        assert comparison.p_value is None and comparison.ci_low is None and not comparison.significant
        assert NO_TEST in comparison.flags and NO_VARIANCE in comparison.flags
    assert found["north"].difference == pytest.approx(7 - 4.6)


def test_many_equal_answers_get_no_interval_either(store: Store, engine: SQLiteEngine) -> None:
    # the data show no spread at all: how far the mean could be is not something they can tell
    add(store, [obs(4) for _ in range(200)])
    (result,) = compute_metric(engine, CES)
    assert result.value == 4 and result.ci_low is None and NO_VARIANCE in result.flags


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 50), answer=st.integers(1, 7), weight=st.sampled_from([None, 0.7, 3.0]))
def test_equal_answers_never_get_a_point_interval(n: int, answer: int, weight: float | None) -> None:
    w = 1.0 if weight is None else weight
    found = estimate(
        IntervalMethod.MEAN, n, n * w, n * w * w, n * w * (answer - 1.0), n * w * (answer - 1.0) ** 2, 0.95, shift=1.0
    )
    assert found.value == pytest.approx(answer)
    assert found.no_variance and found.ci_low is None and found.ci_high is None


def test_two_different_answers_still_get_the_t_interval() -> None:
    found = estimate(IntervalMethod.MEAN, 2, 2.0, 2.0, 13.0, 85.0, 0.95)  # answers 6 and 7
    expected = stats.ttest_1samp([6, 7], 0).confidence_interval(0.95)
    assert not found.no_variance
    assert (found.ci_low, found.ci_high) == pytest.approx((expected.low, expected.high))


# --- 2. exact tests at small counts ------------------------------------------------------------


def test_csat_6_of_7_against_2_of_5_by_fisher() -> None:
    found = difference(IntervalMethod.PROPORTION, proportion(6, 7), proportion(2, 5))
    assert found is not None and found.method == "fisher_exact"
    assert found.p_value == pytest.approx(stats.fisher_exact([[6, 1], [2, 3]]).pvalue)
    assert found.p_value == pytest.approx(2 / 9)  # 0.222; the pooled z-test said 0.098
    # by hand: the hypergeometric tables no more likely than the observed one
    table = stats.hypergeom(12, 8, 7)
    observed = table.pmf(6)
    by_hand = sum(table.pmf(k) for k in range(3, 8) if table.pmf(k) <= observed * (1 + 1e-7))
    assert found.p_value == pytest.approx(by_hand)
    z = stats.norm.sf(abs((6 / 7 - 2 / 5) / math.sqrt(8 / 12 * 4 / 12 * (1 / 7 + 1 / 5)))) * 2
    assert z == pytest.approx(0.098, abs=5e-4)
    # Barnard's unconditional exact test, quoted in the docs beside it
    assert stats.barnard_exact([[6, 1], [2, 3]]).pvalue == pytest.approx(0.155, abs=5e-4)


def test_large_counts_keep_the_z_test() -> None:
    found = difference(IntervalMethod.PROPORTION, proportion(60, 100), proportion(45, 100))
    assert found is not None and found.method == "two_proportion_z"
    # the rule: every expected count at least 5 (here 52.5 and 47.5)
    assert not small_counts([60, 40], [45, 55])
    assert small_counts([6, 1], [2, 3]) and MIN_EXPECTED_COUNT == 5


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 25), st.integers(2, 25), st.data())
def test_proportions_at_small_counts_match_scipy_fisher(n1: int, n0: int, data: st.DataObject) -> None:
    x1, x0 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n0))
    found = difference(IntervalMethod.PROPORTION, proportion(x1, n1), proportion(x0, n0))
    assert found is not None
    columns = (x1 + x0, n1 + n0 - x1 - x0)
    small = any(r * c / (n1 + n0) < 5 for r in (n1, n0) for c in columns if c > 0)
    if small:
        assert found.method == "fisher_exact"
        assert found.p_value == pytest.approx(stats.fisher_exact([[x1, n1 - x1], [x0, n0 - x0]]).pvalue, rel=1e-9)
    else:
        assert found.method == "two_proportion_z"


def _permutation_p(first: list[float], second: list[float]) -> float:
    """scipy's exact permutation test of |mean difference| (all splits enumerated)."""
    result = stats.permutation_test(
        (np.array(first), np.array(second)),
        lambda x, y, axis: np.abs(np.mean(x, axis=axis) - np.mean(y, axis=axis)),
        permutation_type="independent",
        alternative="greater",
        n_resamples=np.inf,
        vectorized=True,
    )
    return float(result.pvalue)


def test_nps_at_small_n_by_exact_permutation() -> None:
    first, second = nps_values(4, 2, 1), nps_values(1, 2, 3)
    found = difference(IntervalMethod.NPS, GroupStats.from_values(first), GroupStats.from_values(second))
    assert found is not None and found.method == "nps_exact_permutation"
    assert found.p_value == pytest.approx(_permutation_p(first, second), rel=1e-9)
    assert found.p_value == pytest.approx(0.1958, abs=1e-4)


# at most 8 answers a side: scipy enumerates every split (C(16, 8) = 12,870), cxframe the tables
small_side = st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 3)).filter(lambda c: sum(c) >= 2)


@settings(max_examples=40, deadline=None)
@given(small_side, small_side)
def test_nps_exact_p_matches_scipy_permutation_test(first: tuple[int, ...], second: tuple[int, ...]) -> None:
    exact = nps_exact_p(first, second)
    assert exact is not None
    assert exact == pytest.approx(_permutation_p(nps_values(*first), nps_values(*second)), rel=1e-9, abs=1e-12)
    found = difference(
        IntervalMethod.NPS, GroupStats.from_values(nps_values(*first)), GroupStats.from_values(nps_values(*second))
    )
    assert found is not None and found.method == "nps_exact_permutation" and found.p_value == pytest.approx(exact)


@settings(max_examples=60, deadline=None)
@given(
    st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40)).filter(lambda c: sum(c) >= 1),
    st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)).filter(lambda c: sum(c) >= 1),
)
def test_nps_exact_p_is_a_probability_and_symmetric(first: tuple[int, ...], second: tuple[int, ...]) -> None:
    p = nps_exact_p(first, second)
    assert p is not None and 0 < p <= 1
    assert nps_exact_p(second, first) == pytest.approx(p, rel=1e-9)
    # the same shares on both sides: nothing more extreme than no difference, p = 1
    assert nps_exact_p(first, first) == pytest.approx(1.0)


def test_nps_at_large_n_keeps_the_adjusted_wald_z() -> None:
    found = difference(
        IntervalMethod.NPS,
        GroupStats.from_values(nps_values(60, 25, 15)),
        GroupStats.from_values(nps_values(40, 30, 30)),
    )
    assert found is not None and found.method == "nps_adjusted_wald_z"


def test_the_exact_method_is_named_in_comparisons(store: Store, engine: SQLiteEngine) -> None:
    add(store, [obs(5, MARCH, "csat") for _ in range(2)] + [obs(1, MARCH, "csat") for _ in range(3)])
    add(store, [obs(5, APRIL, "csat") for _ in range(6)] + [obs(1, APRIL, "csat")])
    (found,) = compare_periods(engine, CSAT, Period.MONTH)
    assert found.method == "fisher_exact" and found.p_value == pytest.approx(2 / 9)
    add(store, [obs(10, MARCH, "nps"), obs(3, MARCH, "nps"), obs(10, APRIL, "nps"), obs(10, APRIL, "nps")])
    (nps,) = compare_periods(engine, NPS, Period.MONTH)
    assert nps.method == "nps_exact_permutation"
    assert nps.p_value == pytest.approx(_permutation_p([1.0, 1.0], [1.0, -1.0]))


# --- 3. equal weights --------------------------------------------------------------------------


@pytest.mark.parametrize("weight", [0.7, 1e12, 0.1, 3.0, 1 / 3])
def test_equal_weights_keep_the_whole_sample(store: Store, engine: SQLiteEngine, weight: float) -> None:
    # in floats (30 × 0.7)² / (30 × 0.49) is 29.999999999999964: not a small sample
    if weight == 0.7:
        assert sum([0.7] * 30) ** 2 / sum(w * w for w in [0.7] * 30) == 29.999999999999964
    assert effective_n(30, sum([weight] * 30), sum([weight * weight] * 30)) == 30
    add(store, [obs(v, weight=weight) for v in [3, 4, 5] * 10])
    (result,) = compute_metric(engine, CES, min_sample=30)
    assert result.effective_n == 30 and SMALL_SAMPLE not in result.flags and WEIGHTED in result.flags


@settings(max_examples=100)
@given(n=st.integers(1, 500), w=st.floats(1e-6, 1e12))
def test_equal_weights_give_exactly_n(n: int, w: float) -> None:
    assert effective_n(n, math.fsum([w] * n), math.fsum([w * w] * n)) == n
    assert effective_n(n, sum([w] * n), sum(x * x for x in [w] * n)) == n


def test_unequal_weights_still_shrink_the_sample() -> None:
    weights = [1.0] * 29 + [1.0001]
    kish = math.fsum(weights) ** 2 / math.fsum(w * w for w in weights)
    assert kish < 30 and effective_n(30, math.fsum(weights), math.fsum(w * w for w in weights)) == pytest.approx(kish)
