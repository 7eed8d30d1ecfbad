"""Comparisons under the survey design: the variance of a difference against statsmodels (#23).

Each side's mean gets the variance ``measure`` gives it (linearised over
respondent clusters by default); respondents on both sides add a covariance.
statsmodels' WLS on two side dummies, clustered by respondent without the
small-sample correction, gives the 2 × 2 matrix ``Σ_r z_r z_rᵀ`` of the
respondents' linearised contributions; cxframe scales it by each side's
``G/(G − 1)``, as its single-group variance is, so the expected variance of
the difference is ``f₁S₁₁ + f₀S₀₀ − 2√(f₁f₀)S₁₀``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cxframe.contracts._records import IntervalMethod, MetricDefinition, Observation, Period, WeightedVariance
from cxframe.measurement._comparisons import GroupStats, compare_periods, compare_segments, difference
from cxframe.measurement._engine import SQLiteEngine
from cxframe.measurement._pair_design import Sides, pair_design, side_variance
from cxframe.store._sqlite import Store, observation_row

CES = MetricDefinition(
    id="ces", title="CES", question="ces", value_sql="value", interval=IntervalMethod.MEAN, scale_min=1, scale_max=7
)
MONTHS = (dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC), dt.datetime(2025, 4, 4, 9, 30, tzinfo=dt.UTC))
_keys = itertools.count()

#: (value, weight, respondent, side): side 0 is March (the baseline) or channel "a", side 1 April or "b"
rows_strategy = st.lists(
    st.tuples(st.integers(1, 7), st.floats(0.2, 5.0), st.integers(0, 9), st.integers(0, 1)), min_size=8, max_size=60
).filter(
    lambda rows: all(
        len({v for v, _, _, s in rows if s == side}) > 1 and len({r for _, _, r, s in rows if s == side}) > 2
        for side in (0, 1)
    )
)


def store_rows(store: Store, rows: Sequence[tuple[int, float, int, int]], *, by_channel: bool) -> None:
    observations = [
        Observation(
            question="ces",
            value=v,
            timestamp=MONTHS[0] if by_channel else MONTHS[side],
            source="test",
            weight=w,
            respondent_id=f"r{r}",
            channel=("a", "b")[side] if by_channel else None,
        )
        for v, w, r, side in rows
    ]
    with store.db.atomic():
        store.insert_observations([observation_row(o, f"k{next(_keys)}", 1, []) for o in observations], [])


def statsmodels_difference_variance(rows: Sequence[tuple[int, float, int, int]]) -> float:
    """Var(mean₁ − mean₀) from statsmodels' clustered WLS on two side dummies, with cxframe's G/(G − 1) per side."""
    y = np.array([v for v, _, _, _ in rows], dtype=float)
    w = np.array([w for _, w, _, _ in rows], dtype=float)
    side = np.array([s for _, _, _, s in rows])
    groups = np.array([r for _, _, r, _ in rows])
    design = np.column_stack([side == 1, side == 0]).astype(float)
    fitted = sm.WLS(y, design, weights=w).fit(cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})
    s = np.asarray(fitted.cov_params())
    f1, f0 = (len(set(groups[side == k])) for k in (1, 0))
    f1, f0 = f1 / (f1 - 1), f0 / (f0 - 1)
    return float(f1 * s[0, 0] + f0 * s[1, 1] - 2 * math.sqrt(f1 * f0) * s[0, 1])


def _design(engine: SQLiteEngine, by_channel: bool):  # type: ignore[no-untyped-def]
    """The pair design the engine's comparison builds for April vs March (or b vs a)."""
    by, period, across = (["channel"], None, "channel") if by_channel else ([], Period.MONTH, None)
    aggregates = engine.aggregate(CES, by=by, period=period)
    baseline, group = (GroupStats.of(a) for a in aggregates)  # ordered: March (a) first
    keys = [(tuple(a.segment[c] for c in by), a.period) for a in aggregates]
    sides = Sides(engine, CES, WeightedVariance.LINEARISED, by, period, across)
    first, second = sides.shared.get(keys[1], {}), sides.shared.get(keys[0], {})
    shared = {r: (first[r], second[r]) for r in first.keys() & second.keys()}
    return group, baseline, pair_design(group, baseline, WeightedVariance.LINEARISED, shared=shared)


def cancelled(rows: Sequence[tuple[int, float, int, int]], side: int) -> bool:
    """Whether each respondent's answers on ``side`` average that side's mean: their totals cancel exactly."""
    mine = [(v, w, r) for v, w, r, s in rows if s == side]
    mean = math.fsum(w * v for v, w, _ in mine) / math.fsum(w for _, w, _ in mine)
    totals = [math.fsum(w * (v - mean) for v, w, r in mine if r == k) for k in {r for _, _, r in mine}]
    return all(abs(t) <= 1e-12 * mean for t in totals)


@settings(max_examples=40, deadline=None)
@given(rows=rows_strategy, by_channel=st.booleans())
# March's three respondents each average its mean 3: no design variance there, Kish's n stands in (as in measure)
@example(
    rows=[
        *[(1, 1.0, 0, 1), (1, 1.0, 1, 1), (1, 1.0, 2, 1), (2, 1.0, 0, 1)],
        *[(2, 1.0, 1, 0), (3, 1.0, 0, 0), (3, 1.0, 2, 0), (4, 1.0, 1, 0)],
    ],
    by_channel=False,
)
def test_variance_of_a_difference_is_statsmodels_clustered_wls_with_a_side_dummy(rows, by_channel):
    with Store(":memory:") as store:
        store_rows(store, rows, by_channel=by_channel)
        engine = SQLiteEngine(store)
        group, baseline, design = _design(engine, by_channel)
        if by_channel:
            found = [r for r in compare_segments(engine, CES, "channel") if r.segment["channel"] == "b"]
        else:
            found = compare_periods(engine, CES, Period.MONTH)
    if cancelled(rows, 0) or cancelled(rows, 1):
        # a variance of 0 would make that side's mean certain: it keeps Kish's n, where statsmodels has 0
        for side, stats in ((0, baseline), (1, group)):
            if cancelled(rows, side):
                assert side_variance(stats, WeightedVariance.LINEARISED)[3] is WeightedVariance.KISH
        return
    expected = statsmodels_difference_variance(rows)
    assert (design.variance1 + design.variance0) * design.shrink == pytest.approx(expected, rel=1e-7, abs=1e-12)
    shared = {r for _, _, r, s in rows if s == 0} & {r for _, _, r, s in rows if s == 1}
    assert design.shared == len(shared)
    result = difference(IntervalMethod.MEAN, group, baseline, 0.95, design)
    (comparison,) = found
    if result is None:
        assert comparison.p_value is None
    else:
        assert result.std_error**2 == pytest.approx(expected, rel=1e-7, abs=1e-12)
        assert comparison.p_value == pytest.approx(result.p_value, rel=1e-9)
        assert comparison.ci_low == pytest.approx(result.ci_low, rel=1e-9, abs=1e-12)
        assert ("repeat_respondents" in comparison.flags) == bool(
            shared
            or any(sum(1 for _, _, r, s in rows if r == k and s == side) > 1 for k in range(10) for side in (0, 1))
        )


def test_a_respondent_on_both_sides_narrows_a_period_difference_when_answers_agree():
    # the same ten respondents in both months, each answering alike: the difference is far surer than
    # two independent samples would make it
    rows = [(v, 1.0, r, side) for r, v in enumerate([1, 2, 3, 4, 5, 6, 7, 2, 4, 6]) for side in (0, 1)]
    rows += [(7, 1.0, r, 1) for r in range(10, 13)]  # April adds three more answers
    with Store(":memory:") as store:
        store_rows(store, rows, by_channel=False)
        (paired,) = compare_periods(SQLiteEngine(store), CES, Period.MONTH)
        (kish,) = compare_periods(SQLiteEngine(store), CES, Period.MONTH, variance=WeightedVariance.KISH)
        (apart,) = compare_periods(SQLiteEngine(store, respondent_clusters=False), CES, Period.MONTH)
    assert paired.ci_high - paired.ci_low < apart.ci_high - apart.ci_low
    assert kish.ci_low == apart.ci_low and "kish_effective_n" not in apart.flags  # unweighted, no clusters
    assert {"linearised_variance", "repeat_respondents"} <= set(paired.flags)
    assert paired.method == "welch_t" and paired.p_value < kish.p_value


def test_exact_tests_stay_where_the_sides_share_no_respondent():
    shares = MetricDefinition(
        id="csat", title="CSAT", question="ces", value_sql="CASE WHEN value >= 4 THEN 1.0 ELSE 0.0 END",
        interval=IntervalMethod.PROPORTION, scale_min=1, scale_max=7,
    )  # fmt: skip
    # CSAT 6/7 against 2/5, every answer its own respondent: Fisher's exact test, as without a design
    rows = [(5 if i < 6 else 1, 1.0, i, 1) for i in range(7)] + [(5 if i < 2 else 1, 1.0, 100 + i, 0) for i in range(5)]
    with Store(":memory:") as store:
        observations = [
            Observation(question="ces", value=v, timestamp=MONTHS[s], source="t", weight=w, respondent_id=f"r{r}")
            for v, w, r, s in rows
        ]
        store.insert_observations([observation_row(o, f"k{next(_keys)}", 1, []) for o in observations], [])
        (found,) = compare_periods(SQLiteEngine(store), shares, Period.MONTH)
    assert found.method == "fisher_exact" and found.p_value == pytest.approx(0.2222, abs=1e-4)


def test_bootstrap_comparisons_are_reproducible_and_near_the_linearised_ones():
    rows = [(1 + (r * 3 + side) % 7, 0.5 + (r % 4), r, side) for r in range(120) for side in (0, 1)]
    with Store(":memory:") as store:
        store_rows(store, rows, by_channel=False)
        (boot,) = compare_periods(SQLiteEngine(store), CES, Period.MONTH, variance=WeightedVariance.BOOTSTRAP)
        (again,) = compare_periods(SQLiteEngine(store), CES, Period.MONTH, variance=WeightedVariance.BOOTSTRAP)
        (linear,) = compare_periods(SQLiteEngine(store), CES, Period.MONTH)
    assert boot == again and "bootstrap_variance" in boot.flags
    assert boot.ci_high - boot.ci_low == pytest.approx(linear.ci_high - linear.ci_low, rel=0.1)


def test_shares_and_nps_narrow_with_the_covariance_and_leave_the_exact_tests():
    shares = MetricDefinition(
        id="csat", title="CSAT", question="ces", value_sql="CASE WHEN value >= 4 THEN 1.0 ELSE 0.0 END",
        interval=IntervalMethod.PROPORTION, scale_min=1, scale_max=7,
    )  # fmt: skip
    nps = MetricDefinition(
        id="nps", title="NPS", question="ces", interval=IntervalMethod.NPS, scale_min=0, scale_max=10,
        value_sql="CASE WHEN value >= 9 THEN 1.0 WHEN value <= 6 THEN -1.0 ELSE 0.0 END",
    )  # fmt: skip
    # eight people in both months answering alike (a few more satisfied in April)
    rows = [(v, 1.0, r, 0) for r, v in enumerate([1, 2, 7, 7, 9, 10, 3, 8])]
    rows += [(v, 1.0, r, 1) for r, v in enumerate([1, 5, 7, 7, 10, 10, 5, 9])]
    with Store(":memory:") as store:
        store_rows(store, rows, by_channel=False)
        for metric, exact in ((shares, "fisher_exact"), (nps, "nps_exact_permutation")):
            (paired,) = compare_periods(SQLiteEngine(store), metric, Period.MONTH)
            (apart,) = compare_periods(SQLiteEngine(store, respondent_clusters=False), metric, Period.MONTH)
            assert apart.method == exact and paired.method != exact
            assert paired.ci_high - paired.ci_low < apart.ci_high - apart.ci_low
            assert "repeat_respondents" in paired.flags
