"""Comparisons between periods and segments: the maths, Holm, the engine wiring, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import statistics
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from cxframe import api, hookimpl, testing
from cxframe.contracts._errors import InvalidInput, UnknownId
from cxframe.contracts._records import IntervalMethod, MetricDefinition, Observation, Period, WeightedVariance
from cxframe.contracts._shapes import COMPARISON_KEYS, comparison_json
from cxframe.host._manager import PluginHost
from cxframe.measurement._comparisons import (
    FDR_BH,
    NO_TEST,
    NO_VARIANCE,
    REST,
    ComparisonResult,
    GroupStats,
    benjamini_hochberg,
    compare_periods,
    compare_segments,
    difference,
    holm,
)
from cxframe.measurement._engine import SQLiteEngine, compute_metric
from cxframe.measurement._flags import SMALL_SAMPLE, WEIGHTED
from cxframe.measurement._intervals import MOMENT_METHODS
from cxframe.store._sqlite import Store, observation_row
from tests import toy_plugin
from tests.conftest import write_answers
from tests.metric_definitions import CSAT, NPS, Z95

CES = MetricDefinition(id="ces", title="CES", question="ces", value_sql="value", interval=IntervalMethod.MEAN)
_keys = itertools.count()


def proportion(successes: int, n: int) -> GroupStats:
    return GroupStats.from_values([1.0] * successes + [0.0] * (n - successes))


def nps_values(promoters: int, passives: int, detractors: int) -> list[float]:
    return [1.0] * promoters + [0.0] * passives + [-1.0] * detractors


def nps_scores(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors


# --- two proportions ---------------------------------------------------------------------------


def test_two_proportions_by_hand_60_of_100_vs_45_of_100() -> None:
    found = difference(IntervalMethod.PROPORTION, proportion(60, 100), proportion(45, 100))
    assert found is not None
    assert found.difference == pytest.approx(0.15)
    pooled = 105 / 200
    z = 0.15 / math.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 100))
    assert z == pytest.approx(2.1240, abs=1e-4)
    assert found.p_value == pytest.approx(2 * stats.norm.sf(z))
    assert found.p_value == pytest.approx(0.034, abs=5e-4)
    assert found.ci_low < 0.15 < found.ci_high
    assert found.method == "two_proportion_z"


def test_newcombe_hybrid_score_interval_matches_newcombe_1998() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 − 48/80, method 10
    found = difference(IntervalMethod.PROPORTION, proportion(56, 70), proportion(48, 80))
    assert found is not None
    assert found.difference == pytest.approx(0.2)
    assert (found.ci_low, found.ci_high) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_newcombe_interval_at_the_extremes_stays_in_range() -> None:
    # Newcombe's example (h): 0/10 − 0/20 → −0.1611 … 0.2775
    found = difference(IntervalMethod.PROPORTION, proportion(0, 10), proportion(0, 20))
    assert found is not None
    assert found.difference == 0 and found.p_value == 1.0
    assert (found.ci_low, found.ci_high) == pytest.approx((-0.1611, 0.2775), abs=1e-4)


# --- means: Welch ------------------------------------------------------------------------------

samples = st.lists(st.integers(min_value=1, max_value=7), min_size=2, max_size=60)


@pytest.mark.filterwarnings("ignore:Precision loss occurred in moment calculation")
@settings(max_examples=200, deadline=None)
@given(samples, samples)
def test_welch_matches_scipy_on_raw_samples(first: list[int], second: list[int]) -> None:
    assume(len(set(first)) > 1 and len(set(second)) > 1)
    found = difference(IntervalMethod.MEAN, GroupStats.from_values(first), GroupStats.from_values(second))
    expected = stats.ttest_ind(first, second, equal_var=False)
    interval = expected.confidence_interval(0.95)
    assert found is not None
    assert found.difference == pytest.approx(stats.tmean(first) - stats.tmean(second), abs=1e-9)
    assert found.p_value == pytest.approx(expected.pvalue, rel=1e-6, abs=1e-12)
    assert (found.ci_low, found.ci_high) == pytest.approx((interval.low, interval.high), rel=1e-6, abs=1e-9)
    assert found.method == "welch_t"


def test_welch_by_hand() -> None:
    first, second = [5.0, 6.0, 7.0, 6.0, 6.0], [3.0, 4.0, 5.0, 8.0]
    found = difference(IntervalMethod.MEAN, GroupStats.from_values(first), GroupStats.from_values(second))
    assert found is not None
    v1, v0 = 0.5 / 5, 14.0 / 3 / 4  # sample variance over n
    df = (v1 + v0) ** 2 / (v1**2 / 4 + v0**2 / 3)
    t = 1.0 / math.sqrt(v1 + v0)
    assert found.difference == pytest.approx(1.0)
    assert found.std_error == pytest.approx(math.sqrt(v1 + v0))
    assert found.p_value == pytest.approx(2 * stats.t.sf(t, df))


@pytest.mark.filterwarnings("ignore:Precision loss occurred in moment calculation")
def test_welch_without_variance_on_either_side_is_no_test() -> None:
    # issue #23: two CES answers of 7 against 40 that vary; scipy's Welch says p = 2e-17, resting
    # entirely on a variance estimate of 0 from two answers. That is no test.
    sevens, others = [7.0, 7.0], [4.0, 5.0, 6.0, 3.0, 5.0] * 8
    welch_says = stats.ttest_ind(sevens, others, equal_var=False).pvalue
    assert welch_says < 1e-15
    assert difference(IntervalMethod.MEAN, GroupStats.from_values(sevens), GroupStats.from_values(others)) is None
    assert difference(IntervalMethod.MEAN, GroupStats.from_values(others), GroupStats.from_values(sevens)) is None
    same = difference(IntervalMethod.MEAN, GroupStats.from_values([7.3] * 5), GroupStats.from_values([7.3] * 9))
    apart = difference(IntervalMethod.MEAN, GroupStats.from_values([7.3] * 5), GroupStats.from_values([2.0] * 9))
    assert same is None and apart is None


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=2, max_value=40),
    st.integers(min_value=1, max_value=7),
    st.lists(st.integers(min_value=1, max_value=7), min_size=2, max_size=40),
)
def test_a_constant_side_is_never_tested(n: int, answer: int, other: list[int]) -> None:
    constant = GroupStats.from_values([float(answer)] * n)
    assert difference(IntervalMethod.MEAN, constant, GroupStats.from_values(other)) is None
    assert difference(IntervalMethod.MEAN, GroupStats.from_values(other), constant) is None


@settings(max_examples=100, deadline=None)
@given(samples, samples, st.floats(min_value=0.1, max_value=50))
def test_scaling_every_weight_changes_nothing(first: list[int], second: list[int], weight: float) -> None:
    plain = difference(IntervalMethod.MEAN, GroupStats.from_values(first), GroupStats.from_values(second))
    scaled = difference(
        IntervalMethod.MEAN,
        GroupStats.from_values(first, [weight] * len(first)),
        GroupStats.from_values(second, [weight] * len(second)),
    )
    assert (plain is None) == (scaled is None)
    if plain is not None and scaled is not None:
        assert scaled.difference == pytest.approx(plain.difference, abs=1e-9)
        assert scaled.p_value == pytest.approx(plain.p_value, rel=1e-6, abs=1e-9)


def test_unequal_weights_shrink_the_effective_n() -> None:
    values = [1.0, 0.0] * 50
    weights = [1.0, 3.0] * 50
    weighted = GroupStats.from_values(values, weights)
    assert weighted.effective_n == pytest.approx(200**2 / 500)
    found = difference(IntervalMethod.PROPORTION, weighted, proportion(50, 100))
    assert found is not None
    assert found.difference == pytest.approx(0.25 - 0.5)
    n1 = 80.0
    pooled = (0.25 * n1 + 0.5 * 100) / (n1 + 100)
    z = -0.25 / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / 100))
    assert found.p_value == pytest.approx(2 * stats.norm.sf(abs(z)))


# --- NPS ---------------------------------------------------------------------------------------


def test_nps_difference_and_variance_against_a_direct_computation() -> None:
    # 50 promoters, 30 passives, 20 detractors (NPS 30) against 30, 40, 30 (NPS 0)
    found = difference(
        IntervalMethod.NPS,
        GroupStats.from_values(nps_values(50, 30, 20)),
        GroupStats.from_values(nps_values(30, 40, 30)),
    )
    assert found is not None
    assert found.difference == pytest.approx(0.30)
    p1, d1 = 50.75 / 103, 20.75 / 103
    p0, d0 = 30.75 / 103, 30.75 / 103
    variance = (p1 + d1 - (p1 - d1) ** 2) / 103 + (p0 + d0 - (p0 - d0) ** 2) / 103
    centre = (p1 - d1) - (p0 - d0)
    assert found.std_error == pytest.approx(math.sqrt(variance))
    assert found.p_value == pytest.approx(2 * stats.norm.sf(centre / math.sqrt(variance)))
    assert (found.ci_low, found.ci_high) == pytest.approx(
        (centre - Z95 * math.sqrt(variance), centre + Z95 * math.sqrt(variance))
    )
    assert found.method == "nps_adjusted_wald_z"


def test_nps_difference_of_all_promoters_still_has_a_test() -> None:
    found = difference(
        IntervalMethod.NPS, GroupStats.from_values(nps_values(10, 0, 0)), GroupStats.from_values(nps_values(10, 0, 0))
    )
    assert found is not None and found.difference == 0 and found.p_value == pytest.approx(1.0)
    assert found.ci_low < 0 < found.ci_high


nps_counts = st.tuples(
    st.integers(min_value=0, max_value=80),
    st.integers(min_value=0, max_value=80),
    st.integers(min_value=0, max_value=80),
).filter(lambda c: sum(c) >= 2)


@settings(max_examples=300, deadline=None)
@given(nps_counts, nps_counts)
def test_nps_interval_contains_the_difference_and_stays_in_range(
    first: tuple[int, ...], second: tuple[int, ...]
) -> None:
    found = difference(
        IntervalMethod.NPS, GroupStats.from_values(nps_values(*first)), GroupStats.from_values(nps_values(*second))
    )
    assert found is not None
    assert -2 <= found.ci_low <= found.difference <= found.ci_high <= 2
    assert 0 <= found.p_value <= 1


# --- properties shared by every method ---------------------------------------------------------

methods = st.sampled_from(MOMENT_METHODS)


def values_for(method: IntervalMethod) -> st.SearchStrategy[list[float]]:
    element = {
        IntervalMethod.MEAN: st.integers(min_value=0, max_value=10).map(float),
        IntervalMethod.PROPORTION: st.sampled_from([0.0, 1.0]),
        IntervalMethod.NPS: st.sampled_from([-1.0, 0.0, 1.0]),
    }[method]
    return st.lists(element, min_size=2, max_size=80)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_interval_contains_the_difference(data: st.DataObject) -> None:
    method = data.draw(methods)
    first, second = data.draw(values_for(method)), data.draw(values_for(method))
    found = difference(method, GroupStats.from_values(first), GroupStats.from_values(second))
    if method is IntervalMethod.MEAN and (len(set(first)) == 1 or len(set(second)) == 1):
        assert found is None  # a side without spread: no test (issue #23)
        return
    assert found is not None
    assert found.ci_low <= found.difference + 1e-12 and found.difference - 1e-12 <= found.ci_high
    assert 0 <= found.p_value <= 1


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_identical_groups_differ_by_nothing_with_p_1(data: st.DataObject) -> None:
    method = data.draw(methods)
    values = data.draw(values_for(method))
    found = difference(method, GroupStats.from_values(values), GroupStats.from_values(values))
    if method is IntervalMethod.MEAN and len(set(values)) == 1:
        assert found is None  # no spread: no test (issue #23)
        return
    assert found is not None
    assert found.difference == 0
    assert found.p_value == pytest.approx(1.0)
    assert found.ci_low <= 0 <= found.ci_high


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_test_and_interval_agree_where_they_are_dual(data: st.DataObject) -> None:
    # Welch: always dual. NPS adjusted Wald: dual when both sides have the same n (the adjusted and
    # plain differences then share their sign). Proportions (pooled z vs Newcombe) are not dual.
    method = data.draw(st.sampled_from([IntervalMethod.MEAN, IntervalMethod.NPS]))
    first = data.draw(values_for(method))
    if method is IntervalMethod.NPS:
        second = data.draw(st.lists(st.sampled_from([-1.0, 0.0, 1.0]), min_size=len(first), max_size=len(first)))
    else:
        second = data.draw(values_for(method))
    found = difference(method, GroupStats.from_values(first), GroupStats.from_values(second))
    # a mean side without spread has no test (issue #23)
    assume(found is not None and abs(found.p_value - 0.05) > 1e-9)
    assert found is not None
    # the exact test used at small counts is not the dual of the adjusted-Wald interval
    assume(found.method != "nps_exact_permutation")
    excludes_zero = found.ci_low > 0 or found.ci_high < 0
    assert (found.p_value < 0.05) == excludes_zero


def test_a_side_below_two_observations_has_no_test() -> None:
    for method in MOMENT_METHODS:
        assert difference(method, GroupStats.from_values([1.0]), GroupStats.from_values([1.0, 0.0, 1.0])) is None
        assert difference(method, GroupStats.from_values([1.0, 0.0]), GroupStats()) is None


def test_confidence_must_be_inside_0_1() -> None:
    with pytest.raises(InvalidInput, match="confidence: 1.5"):
        difference(IntervalMethod.MEAN, GroupStats.from_values([1, 2]), GroupStats.from_values([1, 2]), 1.5)


# --- Holm --------------------------------------------------------------------------------------


def test_holm_by_hand() -> None:
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.2, None, 0.01]) == [pytest.approx(0.2), None, pytest.approx(0.02)]
    assert holm([]) == []
    assert holm([0.7, 0.6]) == pytest.approx([1.0, 1.0])


@given(st.lists(st.floats(min_value=0, max_value=1), max_size=30))
def test_holm_properties(p_values: list[float]) -> None:
    adjusted = holm(p_values)
    assert len(adjusted) == len(p_values)
    for raw, adj in zip(p_values, adjusted, strict=True):
        assert adj is not None and raw <= adj <= 1
    ranked = sorted(zip(p_values, adjusted, strict=True))
    for (_, lower), (_, higher) in itertools.pairwise(ranked):
        assert lower is not None and higher is not None and lower <= higher
    if p_values:
        assert min(a for a in adjusted if a is not None) == pytest.approx(min(1.0, len(p_values) * min(p_values)))


# --- over the engine ---------------------------------------------------------------------------

MARCH = dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)
APRIL = dt.datetime(2025, 4, 8, 9, 30, tzinfo=dt.UTC)
MAY = dt.datetime(2025, 5, 6, 9, 30, tzinfo=dt.UTC)


def obs(value: float, when: dt.datetime, question: str = "nps", **kwargs: object) -> Observation:
    return Observation(question=question, value=value, timestamp=when, source="test", **kwargs)  # type: ignore[arg-type]


def add(store: Store, observations: Sequence[Observation]) -> None:
    names = sorted({name for o in observations for name in o.segment})
    rows = [observation_row(o, f"k{next(_keys)}", 1, names) for o in observations]
    with store.db.atomic():
        store.ensure_segment_columns(names)
        store.insert_observations(rows, names)


def region_answers(region: str, when: dt.datetime, counts: tuple[int, int, int]) -> list[Observation]:
    return [obs(s, when, segment={"region": region}) for s in nps_scores(*counts)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "cxframe.db") as opened:
        yield opened


@pytest.fixture
def engine(store: Store) -> SQLiteEngine:
    return SQLiteEngine(store)


def test_periods_each_against_the_previous_one(store: Store, engine: SQLiteEngine) -> None:
    add(
        store,
        [
            *region_answers("north", MARCH, (40, 30, 30)),
            *region_answers("north", APRIL, (60, 25, 15)),
            *region_answers("north", MAY, (58, 27, 15)),
        ],
    )
    march_april, april_may = compare_periods(engine, NPS, Period.MONTH)
    assert (march_april.period, march_april.baseline) == ("2025-04", "2025-03")
    assert (april_may.period, april_may.baseline) == ("2025-05", "2025-04")
    assert march_april.compare == "period" and march_april.segment == {}
    assert march_april.value == pytest.approx(45.0) and march_april.baseline_value == pytest.approx(10.0)
    assert march_april.difference == pytest.approx(35.0)
    assert (march_april.n, march_april.baseline_n) == (100, 100)
    expected = difference(
        IntervalMethod.NPS,
        GroupStats.from_values(nps_values(60, 25, 15)),
        GroupStats.from_values(nps_values(40, 30, 30)),
    )
    assert expected is not None
    assert march_april.p_value == pytest.approx(expected.p_value)
    assert (march_april.ci_low, march_april.ci_high) == pytest.approx((100 * expected.ci_low, 100 * expected.ci_high))
    # two comparisons, one family (the whole set asked for): Holm-adjusted together
    assert [march_april.p_adjusted, april_may.p_adjusted] == pytest.approx(
        holm([march_april.p_value, april_may.p_value])
    )
    assert march_april.significant
    assert not april_may.significant and april_may.difference == pytest.approx(-2.0)
    assert march_april.flags == () and march_april.method == "nps_adjusted_wald_z"
    assert march_april.confidence == 0.95


def test_periods_by_segment_use_each_segments_previous_period_and_one_family(
    store: Store, engine: SQLiteEngine
) -> None:
    add(
        store,
        [
            *region_answers("north", MARCH, (40, 30, 30)),
            *region_answers("north", APRIL, (60, 25, 15)),
            *region_answers("south", MARCH, (20, 10, 10)),
            # south has nothing in April
            *region_answers("south", MAY, (30, 5, 5)),
        ],
    )
    found = compare_periods(engine, NPS, Period.MONTH, by=["region"])
    assert [(c.segment, c.period, c.baseline) for c in found] == [
        ({"region": "north"}, "2025-04", "2025-03"),
        ({"region": "south"}, "2025-05", "2025-03"),
    ]
    # different periods, still one family: all comparisons asked for (issue #23)
    assert [c.p_adjusted for c in found] == pytest.approx(holm([c.p_value for c in found]))


def test_segments_against_the_rest_pooled(store: Store, engine: SQLiteEngine) -> None:
    add(
        store,
        [
            *region_answers("north", MARCH, (60, 25, 15)),
            *region_answers("south", MARCH, (40, 30, 30)),
            *region_answers("west", MARCH, (45, 30, 25)),
            obs(10, MARCH),  # no region: its own group, and part of everyone's rest
        ],
    )
    found = compare_segments(engine, NPS, "region")
    assert [c.segment for c in found] == [
        {"region": "north"},
        {"region": "south"},
        {"region": "west"},
        {"region": None},
    ]
    north = found[0]
    assert north.compare == "region" and north.baseline == REST and north.period is None
    assert (north.n, north.baseline_n) == (100, 201)
    rest = nps_values(40, 30, 30) + nps_values(45, 30, 25) + [1.0]
    expected = difference(
        IntervalMethod.NPS, GroupStats.from_values(nps_values(60, 25, 15)), GroupStats.from_values(rest)
    )
    assert expected is not None
    assert north.difference == pytest.approx(100 * expected.difference)
    assert north.baseline_value == pytest.approx(100 * sum(rest) / len(rest))
    assert north.p_value == pytest.approx(expected.p_value)
    # a family of four: Holm-adjusted together
    raw = [c.p_value for c in found]
    assert [c.p_adjusted for c in found] == pytest.approx(holm(raw))
    assert all(c.significant == (c.p_adjusted is not None and c.p_adjusted < 0.05) for c in found)
    lonely = found[-1]
    assert lonely.n == 1 and lonely.flags == (SMALL_SAMPLE, NO_TEST)
    assert lonely.p_value is None and lonely.p_adjusted is None and lonely.ci_low is None and not lonely.significant


def test_two_values_are_one_test_counted_once_by_holm(store: Store, engine: SQLiteEngine) -> None:
    # "north vs rest" is "south vs rest" reversed: one hypothesis, so Holm must not double its p-value
    add(store, [*region_answers("north", MARCH, (60, 25, 15)), *region_answers("south", MARCH, (40, 30, 30))])
    north, south = compare_segments(engine, NPS, "region")
    assert north.p_value == pytest.approx(south.p_value)
    assert north.p_adjusted == pytest.approx(north.p_value) and south.p_adjusted == pytest.approx(south.p_value)
    assert north.difference == pytest.approx(-south.difference)


def test_segment_values_match_measure(store: Store, engine: SQLiteEngine) -> None:
    add(store, [*region_answers("north", MARCH, (6, 2, 2)), *region_answers("south", APRIL, (3, 3, 4))])
    measured = {r.segment["region"]: r.value for r in compute_metric(engine, NPS, by=["region"])}
    found = compare_segments(engine, NPS, "region")
    assert {c.segment["region"]: c.value for c in found} == pytest.approx(measured)
    assert all(SMALL_SAMPLE in c.flags for c in found)


def test_segments_of_every_period_are_one_family(store: Store, engine: SQLiteEngine) -> None:
    add(
        store,
        [
            *region_answers("north", MARCH, (60, 25, 15)),
            *region_answers("south", MARCH, (40, 30, 30)),
            *region_answers("north", APRIL, (50, 25, 25)),
            *region_answers("south", APRIL, (50, 25, 25)),
            *region_answers("west", APRIL, (50, 25, 25)),
        ],
    )
    found = compare_segments(engine, NPS, "region", period=Period.MONTH)
    assert [(c.period, c.segment["region"]) for c in found] == [
        ("2025-03", "north"),
        ("2025-03", "south"),
        ("2025-04", "north"),
        ("2025-04", "south"),
        ("2025-04", "west"),
    ]
    # March has two values: one test seen from both sides, counted once; with April's three, a
    # family of four across both periods (issue #23: not one family per period label)
    march = [c for c in found if c.period == "2025-03"]
    april = [c for c in found if c.period == "2025-04"]
    family = holm([march[0].p_value, *(c.p_value for c in april)])
    assert [c.p_adjusted for c in march] == pytest.approx([family[0], family[0]])
    assert [c.p_adjusted for c in april] == pytest.approx(family[1:])
    # equal NPS everywhere: no difference; the adjusted-Wald centre shrinks each side by n/(n + 3),
    # so sides of unequal size (100 vs the rest's 200) give p a little below 1
    april = [c for c in found if c.period == "2025-04"]
    for c in april:
        assert c.difference == pytest.approx(0) and c.p_value is not None and 0.95 < c.p_value <= 1
        assert not c.significant


def test_segments_within_by_cells(store: Store, engine: SQLiteEngine) -> None:
    add(
        store,
        [
            *(obs(s, MARCH, channel="web", segment={"region": "north"}) for s in nps_scores(10, 5, 5)),
            *(obs(s, MARCH, channel="web", segment={"region": "south"}) for s in nps_scores(5, 5, 10)),
            *(obs(s, MARCH, channel="phone", segment={"region": "north"}) for s in nps_scores(1, 1, 1)),
        ],
    )
    found = compare_segments(engine, NPS, "region", by=["channel"])
    assert [(c.segment, c.baseline_n) for c in found] == [
        ({"channel": "phone", "region": "north"}, 0),
        ({"channel": "web", "region": "north"}, 20),
        ({"channel": "web", "region": "south"}, 20),
    ]
    assert NO_TEST in found[0].flags and found[0].baseline_value is None and found[0].difference is None


def test_proportion_and_mean_metrics_and_their_minimum_sample(store: Store, engine: SQLiteEngine) -> None:
    add(
        store,
        [
            *(obs(5 if i < 60 else 1, MARCH, question="csat") for i in range(100)),
            *(obs(5 if i < 45 else 1, APRIL, question="csat") for i in range(100)),
            *(obs(v, MARCH, question="ces") for v in (4, 5, 6)),
            *(obs(v, APRIL, question="ces") for v in (2, 3, 3, 4)),
        ],
    )
    (csat,) = compare_periods(engine, CSAT, Period.MONTH)
    assert csat.difference == pytest.approx(-15.0) and csat.p_value == pytest.approx(0.0337, abs=1e-4)
    assert csat.method == "two_proportion_z" and csat.significant and csat.flags == ()
    (ces,) = compare_periods(engine, CES, Period.MONTH)
    assert ces.difference == pytest.approx(3.0 - 5.0) and ces.flags == (SMALL_SAMPLE,)
    expected = stats.ttest_ind([2, 3, 3, 4], [4, 5, 6], equal_var=False)
    assert ces.p_value == pytest.approx(expected.pvalue)
    lenient = attrs.evolve(CES, min_sample=3)
    assert compare_periods(engine, lenient, Period.MONTH)[0].flags == ()
    assert compare_periods(engine, CES, Period.MONTH, min_sample=3)[0].flags == ()
    assert compare_periods(engine, attrs.evolve(CES, min_sample=4), Period.MONTH, min_sample=3)[0].flags == (
        SMALL_SAMPLE,
    )


def test_constant_means_are_flagged_without_variance(store: Store, engine: SQLiteEngine) -> None:
    add(store, [*(obs(4, MARCH, question="ces") for _ in range(3)), *(obs(4, APRIL, question="ces") for _ in range(3))])
    (found,) = compare_periods(engine, CES, Period.MONTH)
    assert found.flags == (SMALL_SAMPLE, NO_TEST, NO_VARIANCE) and found.p_value is None and not found.significant
    assert found.ci_low is None and found.ci_high is None and found.p_adjusted is None


def test_weighted_comparisons_are_flagged(store: Store, engine: SQLiteEngine) -> None:
    add(
        store,
        [
            *(obs(s, MARCH, weight=2.0 if s == 10 else 0.5) for s in nps_scores(30, 20, 20)),
            *(obs(s, APRIL) for s in nps_scores(30, 20, 20)),
        ],
    )
    (found,) = compare_periods(engine, NPS, Period.MONTH, variance=WeightedVariance.KISH)
    assert WEIGHTED in found.flags and "kish_effective_n" in found.flags
    (linearised,) = compare_periods(engine, NPS, Period.MONTH)
    assert "linearised_variance" in linearised.flags and linearised.p_value != pytest.approx(found.p_value)
    weights = [2.0] * 30 + [0.5] * 40
    expected = difference(
        IntervalMethod.NPS,
        GroupStats.from_values(nps_values(30, 20, 20)),
        GroupStats.from_values(nps_values(30, 20, 20), weights),
    )
    assert expected is not None and found.p_value == pytest.approx(expected.p_value)


def test_unknown_or_doubled_column_is_refused(store: Store, engine: SQLiteEngine) -> None:
    add(store, region_answers("north", MARCH, (1, 1, 1)))
    with pytest.raises(InvalidInput, match=r"unknown segment column 'colour' \(known: period, touchpoint, .*region"):
        compare_segments(engine, NPS, "colour")
    with pytest.raises(InvalidInput, match="also in --by"):
        compare_segments(engine, NPS, "region", by=["region"])
    with pytest.raises(InvalidInput, match="unknown segment column"):
        compare_periods(engine, NPS, Period.MONTH, by=["colour"])


def test_no_data_no_comparisons(engine: SQLiteEngine) -> None:
    assert compare_periods(engine, NPS, Period.MONTH) == []
    assert compare_segments(engine, NPS, "channel") == []


# --- the Python API and the CLI -----------------------------------------------------------------


class NpsPlugin:
    """Registers an NPS metric over the toy collector's ``nps`` question."""

    @hookimpl
    def register_metrics(self) -> list[MetricDefinition]:
        return [NPS]


@pytest.fixture
def nps_host() -> PluginHost:
    return testing.plugin_host(toy_plugin, NpsPlugin())


def nps_rows() -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    plan = {
        ("north", "2026-01"): (40, 30, 30),
        ("north", "2026-02"): (60, 25, 15),
        ("south", "2026-01"): (30, 40, 30),
        ("south", "2026-02"): (32, 38, 30),
    }
    for (region, month), counts in plan.items():
        for i, score in enumerate(nps_scores(*counts)):
            rows.append((f"{region}-{month}-{i}", "nps", str(score), f"{month}-10T10:00:00Z", region))
    return rows


@pytest.fixture
def collected(programme: Path, nps_host: PluginHost) -> Path:
    write_answers(programme / "answers.csv", nps_rows())
    result = testing.invoke(["-C", str(programme), "collect"], host=nps_host)
    assert result.exit_code == 0, result.output
    return programme


KEYS = {
    "metric",
    "compare",
    "segment",
    "period",
    "baseline",
    "value",
    "baseline_value",
    "n",
    "baseline_n",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "p_adjusted",
    "significant",
    "confidence",
    "method",
    "flags",
}


def test_api_compare_periods_and_segments(collected: Path, nps_host: PluginHost) -> None:
    periods = api.compare(collected, "nps", period="month", by=["region"], host=nps_host)
    assert all(isinstance(c, ComparisonResult) for c in periods)
    assert [(c.segment["region"], c.period, c.baseline) for c in periods] == [
        ("north", "2026-02", "2026-01"),
        ("south", "2026-02", "2026-01"),
    ]
    assert [c.p_adjusted for c in periods] == pytest.approx(holm([c.p_value for c in periods]))
    north, south = periods
    assert north.difference == pytest.approx(35.0) and north.significant
    assert south.difference == pytest.approx(2.0) and not south.significant
    segments = api.compare(collected, "nps", against="region", confidence=0.9, host=nps_host)
    assert {c.segment["region"] for c in segments} == {"north", "south"}
    assert all(c.baseline == REST and c.confidence == 0.9 for c in segments)
    # the two sides swap: the differences are opposite
    first, second = (c.difference for c in segments)
    assert first is not None and second is not None and first == pytest.approx(-second)


def test_api_compare_bad_inputs(collected: Path, nps_host: PluginHost) -> None:
    with pytest.raises(InvalidInput, match="comparing periods needs a period"):
        api.compare(collected, "nps", host=nps_host)
    with pytest.raises(InvalidInput, match="unknown period 'fortnight'"):
        api.compare(collected, "nps", period="fortnight", host=nps_host)
    with pytest.raises(InvalidInput, match=r"unknown segment column 'colour' \(known: period, .*region"):
        api.compare(collected, "nps", against="colour", host=nps_host)


def test_api_compare_takes_one_metric_several_or_all(collected: Path, nps_host: PluginHost) -> None:
    one = api.compare(collected, "nps", against="region", period="month", host=nps_host)
    both = api.compare(collected, ["mean_score", "nps"], against="region", period="month", host=nps_host)
    every = api.compare(collected, None, against="region", period="month", host=nps_host)
    # mean_score has no observations: the results are nps's, metric by metric
    assert one and both == one and every == one
    runs = testing.read_table(collected, "runs", "command = ?", ["compare"])
    assert len(runs) == 3  # one recorded run a call, however many metrics
    with pytest.raises(UnknownId, match="unknown metric 'nope'"):
        api.compare(collected, ["nps", "nope"], against="region", host=nps_host)


def test_the_compare_json_keys_are_the_public_ones(collected: Path, nps_host: PluginHost) -> None:
    assert set(COMPARISON_KEYS) == KEYS
    [first, *_] = api.compare(collected, "nps", against="region", host=nps_host)
    assert list(comparison_json(first)) == list(COMPARISON_KEYS)


def test_cli_compare_json_shape(collected: Path, nps_host: PluginHost) -> None:
    result = testing.invoke(
        ["-C", str(collected), "measure", "--metric", "nps", "--compare", "period", "--period", "month", "--by",
         "region", "--json"],
        host=nps_host,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 2
    for row in rows:
        assert set(row) == KEYS
        assert row["metric"] == "nps" and row["compare"] == "period"
        assert row["period"] == "2026-02" and row["baseline"] == "2026-01"
        assert row["ci_low"] <= row["difference"] <= row["ci_high"]
        assert isinstance(row["significant"], bool) and isinstance(row["flags"], list)
        assert row["difference"] == pytest.approx(row["value"] - row["baseline_value"])
    assert rows[0]["segment"] == {"region": "north"} and rows[0]["n"] == rows[0]["baseline_n"] == 100
    # nothing is stored by a comparison
    assert testing.read_table(collected, "metric_results") == []


def test_cli_compare_segments_json_and_table(collected: Path, nps_host: PluginHost) -> None:
    result = testing.invoke(
        ["-C", str(collected), "measure", "--compare", "region", "--period", "month", "--json"], host=nps_host
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    # every registered metric: mean_score has no observations, nps gives 2 months × 2 regions
    assert [(r["metric"], r["period"], r["segment"]) for r in rows] == [
        ("nps", "2026-01", {"region": "north"}),
        ("nps", "2026-01", {"region": "south"}),
        ("nps", "2026-02", {"region": "north"}),
        ("nps", "2026-02", {"region": "south"}),
    ]
    assert all(r["baseline"] == "rest" and r["compare"] == "region" for r in rows)
    table = testing.invoke(["-C", str(collected), "measure", "--metric", "nps", "--compare", "region"], host=nps_host)
    assert table.exit_code == 0, table.output
    assert "north" in table.stdout and "rest" in table.stdout and "Holm" in table.stdout


def test_cli_compare_with_nothing_to_compare(collected: Path, nps_host: PluginHost) -> None:
    result = testing.invoke(
        ["-C", str(collected), "measure", "--metric", "mean_score", "--compare", "period", "--period", "month"],
        host=nps_host,
    )
    assert result.exit_code == 0 and "no comparisons" in result.stdout


def test_cli_compare_bad_inputs(collected: Path, nps_host: PluginHost) -> None:
    no_period = testing.invoke(["-C", str(collected), "measure", "--compare", "period"], host=nps_host)
    assert no_period.exit_code == 2 and "--compare period needs --period" in no_period.stderr
    unknown = testing.invoke(["-C", str(collected), "measure", "--compare", "colour"], host=nps_host)
    assert unknown.exit_code == 1
    assert "unknown segment column 'colour' (known: period, touchpoint, channel" in unknown.stderr
    assert "region" in unknown.stderr
    doubled = testing.invoke(["-C", str(collected), "measure", "--compare", "region", "--by", "region"], host=nps_host)
    assert doubled.exit_code == 1 and "also in --by" in doubled.stderr
    metric = testing.invoke(["-C", str(collected), "measure", "--metric", "nope", "--compare", "region"], host=nps_host)
    assert metric.exit_code == 1 and "unknown metric 'nope'" in metric.stderr


def test_measure_without_compare_keeps_its_shape(collected: Path, nps_host: PluginHost) -> None:
    result = testing.invoke(["-C", str(collected), "measure", "--metric", "nps", "--json"], host=nps_host)
    [row] = json.loads(result.stdout)
    assert set(row) == {"metric", "segment", "period", "value", "n", "ci_low", "ci_high", "confidence", "flags"}


# --- numerics: shifted sums and pooling ----------------------------------------------------------

SPEND = MetricDefinition(id="spend", title="Spend", question="spend", value_sql="value", interval=IntervalMethod.MEAN)
spreads = st.lists(st.integers(-30, 30).map(float), min_size=1, max_size=40)


@settings(max_examples=100, deadline=None)
@given(first=spreads, second=spreads, offset=st.sampled_from([0.0, 1e3, -5e8, 3e11]), far=st.booleans())
def test_pooling_sides_summed_about_different_shifts_equals_summing_them_together(first, second, offset, far):
    # the second side may sit far from the first: re-centring must not cancel either side's spread
    left = [x + offset for x in first]
    right = [x + offset + (1e9 if far else 0.0) for x in second]
    pooled = GroupStats.from_values(left) + GroupStats.from_values(right, shift=right[-1])
    direct = GroupStats.from_values(left + right, shift=statistics.fmean(left + right))
    assert pooled.n == direct.n and pooled.sum_w == direct.sum_w
    # a mean is good to a few ulps of the values it averages, not of itself (it may be near 0)
    ulps = 8 * math.ulp(max(abs(x) for x in left + right))
    assert pooled.mean == pytest.approx(direct.mean, rel=1e-15, abs=ulps)
    expected = statistics.pvariance(left + right)
    assert pooled.variance() == pytest.approx(expected, rel=1e-9, abs=1e-9)
    # adding nothing changes nothing, and the order of pooling does not matter
    assert GroupStats() + pooled == pooled == pooled + GroupStats()
    swapped = GroupStats.from_values(right, shift=right[-1]) + GroupStats.from_values(left)
    assert swapped.mean == pytest.approx(pooled.mean, rel=1e-15, abs=ulps)
    assert swapped.variance() == pytest.approx(pooled.variance(), rel=1e-9, abs=1e-9)


def test_welch_on_large_values_with_a_small_spread() -> None:
    first = [1e8 + v for v in (0.0, 1.0, 2.0)] * 10
    second = [1e8 + v for v in (1.0, 2.0, 3.0)] * 10
    found = difference(IntervalMethod.MEAN, GroupStats.from_values(first), GroupStats.from_values(second))
    expected = stats.ttest_ind([v - 1e8 for v in first], [v - 1e8 for v in second], equal_var=False)
    assert found is not None
    assert found.difference == -1.0
    assert found.p_value == pytest.approx(expected.pvalue, rel=1e-9)


@settings(max_examples=20, deadline=None)
@given(
    answers=st.lists(
        st.tuples(st.integers(-20, 20), st.sampled_from(["north", "south", "east"]), st.sampled_from([3, 4, 5])),
        min_size=6,
        max_size=50,
    ),
    offset=st.sampled_from([1e6, -3e9, 2.5e11, 7e13]),
)
def test_shifting_every_value_leaves_comparisons_unchanged(answers, offset):
    months = {3: MARCH, 4: APRIL, 5: MAY}

    def compared(shifted: float) -> list[ComparisonResult]:
        with Store(":memory:") as memory:
            add(memory, [obs(x + shifted, months[m], question="spend", segment={"region": r}) for x, r, m in answers])
            engine = SQLiteEngine(memory)
            return [
                *compare_periods(engine, SPEND, Period.MONTH),
                *compare_periods(engine, SPEND, Period.MONTH, by=["region"]),
                *compare_segments(engine, SPEND, "region"),
                *compare_segments(engine, SPEND, "region", period=Period.MONTH),
            ]

    base, moved = compared(0.0), compared(offset)
    assert len(base) == len(moved)
    for plain, shifted in zip(base, moved, strict=True):
        assert (shifted.segment, shifted.period, shifted.baseline, shifted.n, shifted.baseline_n) == (
            plain.segment,
            plain.period,
            plain.baseline,
            plain.n,
            plain.baseline_n,
        )
        assert shifted.flags == plain.flags
        if plain.value is None or plain.baseline_value is None:
            # a segment without a rest (only one value in the cell): nothing to compare either way
            assert shifted.difference is None and shifted.p_value is None
            continue
        assert shifted.value == pytest.approx(plain.value + offset, rel=1e-14)
        assert shifted.baseline_value == pytest.approx(plain.baseline_value + offset, rel=1e-14)
        # differences are taken between the shifts first: no large numbers left to lose digits in
        assert shifted.difference == pytest.approx(plain.difference, rel=1e-9, abs=1e-9)
        if plain.p_value is None:
            assert shifted.p_value is None and shifted.ci_low is None
        else:
            assert shifted.p_value == pytest.approx(plain.p_value, rel=1e-6, abs=1e-12)
            assert shifted.ci_low == pytest.approx(plain.ci_low, rel=1e-6, abs=1e-9)
            assert shifted.ci_high == pytest.approx(plain.ci_high, rel=1e-6, abs=1e-9)
            assert shifted.significant == plain.significant


# --- adjusting over the whole set (issue #23) ------------------------------------------------------


@settings(max_examples=200)
@given(st.lists(st.floats(min_value=0, max_value=1) | st.none(), max_size=40))
def test_benjamini_hochberg_matches_scipy(p_values: list[float | None]) -> None:
    adjusted = benjamini_hochberg(p_values)
    tested = [p for p in p_values if p is not None]
    assert [a is None for a in adjusted] == [p is None for p in p_values]
    if tested:
        expected = stats.false_discovery_control(tested, method="bh")
        assert [a for a in adjusted if a is not None] == pytest.approx(list(expected), rel=1e-12, abs=1e-15)
        # never above Holm's, never below the raw p
        for raw, bh, fwer in zip(p_values, adjusted, holm(p_values), strict=True):
            if raw is not None:
                assert bh is not None and fwer is not None and raw <= bh + 1e-15 and bh <= fwer + 1e-15


def test_benjamini_hochberg_by_hand() -> None:
    assert benjamini_hochberg([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.04, 0.04])
    assert benjamini_hochberg([0.2, None, 0.01]) == [pytest.approx(0.2), None, pytest.approx(0.02)]
    assert benjamini_hochberg([]) == []


def test_fifty_two_weeks_are_one_family(store: Store, engine: SQLiteEngine) -> None:
    # --period week --compare period: 52 tests, adjusted together, not 52 families of one
    start = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)
    answers = []
    for week in range(53):
        promoters = 5 if week == 30 else 14 + (week * 7) % 17
        for i, score in enumerate(nps_scores(promoters, 10, 40 - promoters)):
            answers.append(obs(score, start + dt.timedelta(weeks=week, minutes=i)))
    add(store, answers)
    found = compare_periods(engine, NPS, Period.WEEK)
    assert len(found) == 52 and len({c.period for c in found}) == 52
    raw = [c.p_value for c in found]
    assert [c.p_adjusted for c in found] == pytest.approx(holm(raw))
    # some weeks look different one test at a time; fewer survive the adjustment over all 52
    assert 0 < sum(c.significant for c in found) < sum(p < 0.05 for p in raw)  # type: ignore[operator]
    bh = compare_periods(engine, NPS, Period.WEEK, adjust="bh")
    assert [c.p_adjusted for c in bh] == pytest.approx(list(stats.false_discovery_control(raw, method="bh")))
    assert all(c.flags[-1] == FDR_BH for c in bh) and not any(FDR_BH in c.flags for c in found)
    assert all(c.significant == (c.p_adjusted < 0.05) for c in bh)  # type: ignore[operator]
    with pytest.raises(InvalidInput, match="adjust: 'bonferroni' is not one of holm, bh"):
        compare_periods(engine, NPS, Period.WEEK, adjust="bonferroni")


def test_api_compare_adjusts_over_every_period_and_names_bh(collected: Path, nps_host: PluginHost) -> None:
    found = api.compare(collected, "nps", against="region", period="month", host=nps_host)
    # two months of a column with two values: two tests (each seen from both sides), one family
    assert len(found) == 4
    january = next(c for c in found if c.period == "2026-01")
    february = next(c for c in found if c.period == "2026-02")
    family = holm([january.p_value, february.p_value])
    for c in found:
        assert c.p_adjusted == pytest.approx(family[0] if c.period == "2026-01" else family[1])
    bh = api.compare(collected, "nps", against="region", period="month", adjust="bh", host=nps_host)
    expected = benjamini_hochberg([january.p_value, february.p_value])
    for c in bh:
        assert FDR_BH in c.flags
        assert c.p_adjusted == pytest.approx(expected[0] if c.period == "2026-01" else expected[1])
    with pytest.raises(InvalidInput, match="adjust: 'fdr'"):
        api.compare(collected, "nps", against="region", adjust="fdr", host=nps_host)


def test_cli_compare_adjust_option(collected: Path, nps_host: PluginHost) -> None:
    base = ["-C", str(collected), "measure", "--metric", "nps", "--compare", "period", "--period", "month"]
    holm_rows = json.loads(testing.invoke([*base, "--by", "region", "--json"], host=nps_host).stdout)
    result = testing.invoke([*base, "--by", "region", "--adjust", "bh", "--json"], host=nps_host)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(set(row) == KEYS for row in rows)
    assert [row["p_adjusted"] for row in rows] == pytest.approx(
        benjamini_hochberg([row["p_value"] for row in holm_rows])
    )
    assert all("fdr_bh" in row["flags"] for row in rows) and not any("fdr_bh" in r["flags"] for r in holm_rows)
    table = testing.invoke([*base, "--adjust", "bh"], host=nps_host)
    assert table.exit_code == 0 and "p (BH)" in table.stdout
    assert testing.invoke([*base, "--adjust", "nope"], host=nps_host).exit_code == 2
    # without --compare there is nothing to adjust: a usage error, not a silently ignored option
    alone = testing.invoke(["-C", str(collected), "measure", "--adjust", "bh"], host=nps_host)
    assert alone.exit_code == 2 and "--adjust needs --compare" in alone.output
