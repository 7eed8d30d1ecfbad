"""The interval maths, checked against textbook values and independent computations.

References are computed here from the formulas in DOMAIN.md ("Statistics") and
from scipy on the raw samples, never by calling the code under test twice.
"""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from cxframe.contracts._records import IntervalMethod
from cxframe.measurement._intervals import (
    MOMENT_METHODS,
    effective_n,
    estimate,
    mean_interval,
    nps_interval,
    wilson_interval,
    z_value,
)

Z95 = 1.959963984540054


# --- helpers: sufficient statistics and independent references ---------------


def sufficient(
    values: list[float], weights: list[float] | None = None, shift: float = 0.0
) -> tuple[int, float, float, float, float]:
    """(n, Σw, Σw², Σw(x − shift), Σw(x − shift)²) of raw values, as the engine's SQL computes them."""
    if weights is None:
        weights = [1.0] * len(values)
    return (
        len(values),
        sum(weights),
        sum(w * w for w in weights),
        sum(w * (x - shift) for w, x in zip(weights, values, strict=True)),
        sum(w * (x - shift) * (x - shift) for w, x in zip(weights, values, strict=True)),
    )


def nps_value(score: int) -> float:
    return 1.0 if score >= 9 else -1.0 if score <= 6 else 0.0


def adjusted_wald_reference(promoters: float, detractors: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Rocks (2016): add 0.75 to each count and 3 to n, then Wald on the trinomial."""
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    se = math.sqrt((p + d - (p - d) ** 2) / n_adj)
    return max(p - d - z * se, -1.0), min(p - d + z * se, 1.0)


def plain_wald(promoters: int, detractors: int, n: int, z: float = Z95) -> tuple[float, float]:
    p, d = promoters / n, detractors / n
    se = math.sqrt((p + d - (p - d) ** 2) / n)
    return p - d - z * se, p - d + z * se


def wilson_reference(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


counts = st.integers(min_value=0, max_value=400)


@st.composite
def nps_counts(draw: st.DrawFn, min_n: int = 1) -> tuple[int, int, int]:
    """(promoters, passives, detractors) with at least ``min_n`` answers."""
    promoters, passives, detractors = draw(counts), draw(counts), draw(counts)
    assume(promoters + passives + detractors >= min_n)
    return promoters, passives, detractors


def nps_estimate(promoters: int, passives: int, detractors: int, confidence: float = 0.95):
    values = [1.0] * promoters + [0.0] * passives + [-1.0] * detractors
    return estimate(IntervalMethod.NPS, *sufficient(values), confidence)


def width(result) -> float:
    return result.ci_high - result.ci_low


# --- z and Kish ------------------------------------------------------------


def test_z_values_are_the_normal_quantiles():
    assert z_value(0.95) == pytest.approx(Z95, rel=1e-12)
    assert z_value(0.90) == pytest.approx(1.6448536269514722, rel=1e-12)
    assert z_value(0.99) == pytest.approx(2.5758293035489004, rel=1e-12)


@given(n=st.integers(1, 500), w=st.floats(0.01, 100))
def test_kish_effective_n_equals_n_for_equal_weights(n, w):
    assert effective_n(n, n * w, n * w * w) == pytest.approx(n, rel=1e-9)


@given(weights=st.lists(st.floats(0.1, 10), min_size=2, max_size=50))
def test_kish_effective_n_is_smaller_for_unequal_weights(weights):
    assume(max(weights) - min(weights) > 1e-3)
    n = len(weights)
    found = effective_n(n, sum(weights), sum(w * w for w in weights))
    assert found == pytest.approx(sum(weights) ** 2 / sum(w * w for w in weights), rel=1e-12)
    assert 1 <= found < n


def test_kish_effective_n_hand_value():
    # weights 1, 1, 4: (6)² / (1 + 1 + 16) = 2
    assert effective_n(3, 6.0, 18.0) == pytest.approx(2.0)
    assert effective_n(0, 0.0, 0.0) == 0.0


# --- Wilson ------------------------------------------------------------------


def test_wilson_textbook_value():
    # 81 successes out of 263: the classic example (95% CI ≈ 0.2553 … 0.3662)
    low, high, se = wilson_interval(81 / 263, 263, 0.95)
    ref_low, ref_high = wilson_reference(81, 263)
    assert (low, high) == pytest.approx((ref_low, ref_high), rel=1e-12)
    assert low == pytest.approx(0.2553, abs=1e-4)
    assert high == pytest.approx(0.3662, abs=1e-4)
    assert se == pytest.approx(math.sqrt((81 / 263) * (182 / 263) / 263))


@given(n=st.integers(1, 2000), data=st.data())
def test_wilson_matches_the_formula_and_contains_the_estimate(n, data):
    k = data.draw(st.integers(0, n))
    low, high, _ = wilson_interval(k / n, n, 0.95)
    ref_low, ref_high = wilson_reference(k, n)
    assert low == pytest.approx(ref_low, abs=1e-12)
    assert high == pytest.approx(ref_high, abs=1e-12)
    assert low <= k / n <= high
    assert low >= -1e-12 and high <= 1 + 1e-12


def test_wilson_bounds_never_leave_the_unit_interval():
    # at k = 0 and k = n float error used to leave the bounds just outside (10/10 at 80%: 1.0000000000000002)
    outside = []
    for confidence in (0.8, 0.9, 0.95, 0.99):
        for n in range(1, 200):
            for k in (0, n):
                low, high, _ = wilson_interval(k / n, n, confidence)
                if low < 0.0 or high > 1.0:
                    outside.append((confidence, k, n, low, high))
    assert outside == []


def test_wilson_is_not_degenerate_at_zero_and_all():
    # Wald gives a zero-width interval at 0/n and n/n; Wilson must not.
    low, high, _ = wilson_interval(0.0, 10, 0.95)
    assert low == pytest.approx(0.0, abs=1e-15)
    assert high == pytest.approx(Z95**2 / (10 + Z95**2))
    low, high, _ = wilson_interval(1.0, 10, 0.95)
    assert low == pytest.approx(10 / (10 + Z95**2))
    assert high == pytest.approx(1.0)


@pytest.mark.parametrize("n", [10, 30])
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.9])
def test_wilson_exact_coverage_is_close_to_nominal(n, p):
    coverage = 0.0
    for k in range(n + 1):
        low, high, _ = wilson_interval(k / n, n, 0.95)
        coverage += math.comb(n, k) * p**k * (1 - p) ** (n - k) * (low <= p <= high)
    assert coverage >= 0.92


def test_proportion_estimate_from_raw_answers():
    answers = [1.0] * 81 + [0.0] * 182
    result = estimate(IntervalMethod.PROPORTION, *sufficient(answers), 0.95)
    assert result.value == pytest.approx(81 / 263)
    assert (result.ci_low, result.ci_high) == pytest.approx(wilson_reference(81, 263), rel=1e-12)
    assert result.effective_n == 263


# --- t interval for means ------------------------------------------------------


@settings(max_examples=60)
@given(values=st.lists(st.integers(1, 7).map(float), min_size=2, max_size=200))
def test_mean_interval_matches_scipy_t_interval_on_raw_samples(values):
    result = estimate(IntervalMethod.MEAN, *sufficient(values), 0.95)
    mean = statistics.fmean(values)
    sem = statistics.stdev(values) / math.sqrt(len(values))
    assert result.value == pytest.approx(mean)
    if sem > 0:
        assert result.std_error == pytest.approx(sem, rel=1e-7, abs=1e-9)
        low, high = stats.t.interval(0.95, len(values) - 1, loc=mean, scale=sem)
        assert result.ci_low == pytest.approx(low, rel=1e-7)
        assert result.ci_high == pytest.approx(high, rel=1e-7)
    else:
        # all answers the same: no interval rather than the point [mean, mean] (issue #23)
        assert result.no_variance and result.ci_low is None and result.ci_high is None


@settings(max_examples=40)
@given(values=st.lists(st.floats(-1000, 1000), min_size=2, max_size=60), confidence=st.sampled_from([0.8, 0.9, 0.99]))
def test_mean_interval_matches_scipy_for_real_values(values, confidence):
    sem = stats.sem(values)
    assume(sem > 1e-3)
    result = estimate(IntervalMethod.MEAN, *sufficient(values), confidence)
    low, high = stats.t.interval(confidence, len(values) - 1, loc=statistics.fmean(values), scale=sem)
    assert result.ci_low == pytest.approx(low, rel=1e-6, abs=1e-6)
    assert result.ci_high == pytest.approx(high, rel=1e-6, abs=1e-6)


def test_mean_interval_hand_value():
    # CES answers 4, 5, 6, 7: mean 5.5, s² = 5/3, se = sqrt(5/12), t(0.975, 3) = 3.182446
    result = estimate(IntervalMethod.MEAN, *sufficient([4.0, 5.0, 6.0, 7.0]), 0.95)
    se = math.sqrt(5 / 12)
    assert result.value == 5.5
    assert result.std_error == pytest.approx(se)
    assert result.ci_low == pytest.approx(5.5 - 3.182446305284263 * se)
    assert result.ci_high == pytest.approx(5.5 + 3.182446305284263 * se)


def test_mean_needs_two_observations_for_an_interval():
    result = estimate(IntervalMethod.MEAN, *sufficient([5.0]), 0.95)
    assert result.value == 5.0
    assert result.ci_low is None and result.ci_high is None and result.std_error is None
    assert mean_interval(1.0, 5.0, 0.0, 0.95) is None


def test_empty_group_has_no_value():
    for method in MOMENT_METHODS:
        result = estimate(method, 0, 0.0, 0.0, 0.0, 0.0, 0.95)
        assert result.value is None and result.ci_low is None and result.ci_high is None


def test_mean_interval_survives_large_values_with_small_spread():
    # the engine sums about a value of the data (here the first); about 0 the
    # moments are ~1e16 and their difference, the spread, is lost to rounding
    values = [1e8 + v for v in (0.0, 1.0, 2.0)] * 10
    sem = statistics.stdev(values) / math.sqrt(len(values))
    result = estimate(IntervalMethod.MEAN, *sufficient(values, shift=values[0]), 0.95, shift=values[0])
    assert result.value == pytest.approx(1e8 + 1, rel=1e-15)
    assert result.std_error == pytest.approx(sem, rel=1e-9)
    low, high = stats.t.interval(0.95, len(values) - 1, loc=1e8 + 1, scale=sem)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=1e-15)
    # the raw moments (shift 0) show why: the spread cancels away entirely
    raw = estimate(IntervalMethod.MEAN, *sufficient(values), 0.95)
    assert raw.std_error != pytest.approx(sem, rel=1e-3)


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(st.integers(-50, 50).map(float), min_size=2, max_size=80),
    offset=st.floats(1e3, 1e12) | st.floats(-1e12, -1e3),
    pick=st.integers(0, 79),
)
def test_shifting_every_value_moves_the_mean_and_keeps_the_standard_error(values, offset, pick):
    # any value of the data as the shift (the engine uses the group's average)
    index = pick % len(values)
    moved = [x + offset for x in values]
    base = estimate(IntervalMethod.MEAN, *sufficient(values, shift=values[index]), 0.95, shift=values[index])
    found = estimate(IntervalMethod.MEAN, *sufficient(moved, shift=moved[index]), 0.95, shift=moved[index])
    assert found.value == pytest.approx(base.value + offset, rel=1e-14)
    if base.no_variance:
        assert found.no_variance and found.std_error is None
    else:
        assert found.std_error == pytest.approx(base.std_error, rel=1e-6)
        # the bounds themselves are large numbers: their difference is good to a few of their ulps
        bound_ulp = math.ulp(abs(found.value))
        assert found.ci_high - found.ci_low == pytest.approx(base.ci_high - base.ci_low, rel=1e-6, abs=8 * bound_ulp)


@settings(max_examples=60)
@given(
    values=st.lists(st.integers(0, 10).map(float), min_size=1, max_size=80),
    weights=st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=80, max_size=80),
    shift=st.sampled_from([-1.0, 0.0, 1.0, 7.0]),
    method=st.sampled_from(MOMENT_METHODS),
)
def test_the_shift_changes_nothing_for_small_values(values, weights, shift, method):
    # NPS and proportions rebuild their shares from the shifted sums; means use them directly
    if method is IntervalMethod.NPS:
        values = [nps_value(int(x)) for x in values]
    elif method is IntervalMethod.PROPORTION:
        values = [float(x >= 9) for x in values]
    ws = weights[: len(values)]
    plain = estimate(method, *sufficient(values, ws), 0.95)
    shifted = estimate(method, *sufficient(values, ws, shift=shift), 0.95, shift=shift)
    for field in ("value", "ci_low", "ci_high", "std_error", "effective_n"):
        expected = getattr(plain, field)
        if expected is None:
            assert getattr(shifted, field) is None
        else:
            assert getattr(shifted, field) == pytest.approx(expected, rel=1e-9, abs=1e-12), field


# --- NPS: adjusted Wald ----------------------------------------------------------


def test_nps_hand_value_5_3_2():
    # 5 promoters, 3 passives, 2 detractors: NPS 0.30; adjusted p = 5.75/13, d = 2.75/13
    result = nps_estimate(5, 3, 2)
    assert result.value == pytest.approx(0.30)
    p, d = 5.75 / 13, 2.75 / 13
    se = math.sqrt((p + d - (p - d) ** 2) / 13)
    assert se == pytest.approx(0.2149403702597772)
    assert result.std_error == pytest.approx(se)
    assert result.ci_low == pytest.approx(p - d - Z95 * se)
    assert result.ci_high == pytest.approx(p - d + Z95 * se)
    assert (result.ci_low, result.ci_high) == pytest.approx((-0.19050615, 0.65204462), abs=1e-7)


@settings(max_examples=80)
@given(nps_counts())
def test_nps_matches_adjusted_wald_formula(answers):
    promoters, passives, detractors = answers
    n = promoters + passives + detractors
    result = nps_estimate(promoters, passives, detractors)
    assert result.value == pytest.approx((promoters - detractors) / n, abs=1e-12)
    ref_low, ref_high = adjusted_wald_reference(promoters, detractors, n)
    plain = (promoters - detractors) / n
    # the interval is the adjusted Wald one, widened (if at all) only to include the plain estimate
    assert result.ci_low == pytest.approx(min(ref_low, plain), abs=1e-9)
    assert result.ci_high == pytest.approx(max(ref_high, plain), abs=1e-9)


@settings(max_examples=80)
@given(nps_counts(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_nps_value_and_interval_stay_on_scale_and_contain_the_estimate(answers, confidence):
    result = nps_estimate(*answers, confidence=confidence)
    assert -1.0 <= result.value <= 1.0
    assert -1.0 <= result.ci_low <= result.value <= result.ci_high <= 1.0
    assert result.std_error > 0


@settings(max_examples=60)
@given(nps_counts())
def test_nps_interval_narrows_as_n_grows(answers):
    small = nps_estimate(*answers)
    large = nps_estimate(*(4 * c for c in answers))
    assert large.value == pytest.approx(small.value)
    assert width(large) < width(small)


@settings(max_examples=60)
@given(nps_counts(), st.floats(0.05, 50))
def test_nps_equal_weights_equal_unweighted(answers, w):
    promoters, passives, detractors = answers
    values = [1.0] * promoters + [0.0] * passives + [-1.0] * detractors
    unweighted = estimate(IntervalMethod.NPS, *sufficient(values), 0.95)
    ones = estimate(IntervalMethod.NPS, *sufficient(values, [1.0] * len(values)), 0.95)
    scaled = estimate(IntervalMethod.NPS, *sufficient(values, [w] * len(values)), 0.95)
    assert ones == unweighted
    assert scaled.value == pytest.approx(unweighted.value, abs=1e-9)
    assert scaled.ci_low == pytest.approx(unweighted.ci_low, abs=1e-9)
    assert scaled.ci_high == pytest.approx(unweighted.ci_high, abs=1e-9)
    assert scaled.effective_n == pytest.approx(len(values))


def test_weighted_nps_from_raw_scores():
    scores = [10, 9, 9, 8, 7, 6, 3, 0, 10, 5]
    weights = [1.0, 2.0, 0.5, 1.0, 1.5, 3.0, 1.0, 0.5, 2.0, 1.0]
    values = [nps_value(s) for s in scores]
    result = estimate(IntervalMethod.NPS, *sufficient(values, weights), 0.95)
    total = sum(weights)
    p = sum(w for s, w in zip(scores, weights, strict=True) if s >= 9) / total
    d = sum(w for s, w in zip(scores, weights, strict=True) if s <= 6) / total
    kish = total**2 / sum(w * w for w in weights)
    assert result.value == pytest.approx(p - d)
    assert result.effective_n == pytest.approx(kish)
    assert kish < len(scores)
    ref_low, ref_high = adjusted_wald_reference(p * kish, d * kish, kish)
    assert result.ci_low == pytest.approx(min(ref_low, p - d))
    assert result.ci_high == pytest.approx(max(ref_high, p - d))


def test_nps_scores_0_to_10_through_the_metric_path():
    scores = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] * 3 + [10, 10, 9]
    values = [nps_value(s) for s in scores]
    result = estimate(IntervalMethod.NPS, *sufficient(values), 0.95)
    n = len(scores)
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    assert (promoters, detractors, n) == (9, 21, 36)
    assert result.value * 100 == pytest.approx(100 * (promoters - detractors) / n)
    assert (result.ci_low, result.ci_high) == pytest.approx(adjusted_wald_reference(promoters, detractors, n))


@pytest.mark.parametrize(("promoters", "detractors", "n"), [(5, 0, 5), (9, 0, 10), (10, 0, 10), (0, 8, 8), (9, 0, 12)])
def test_nps_small_n_interval_is_wider_than_plain_wald(promoters, detractors, n):
    # Plain Wald is too narrow at small n, degenerate when every answer is the same.
    low, high, _ = nps_interval(promoters / n, detractors / n, n, 0.95)
    wald_low, wald_high = plain_wald(promoters, detractors, n)
    assert high - low > wald_high - wald_low
    assert high - low > 0.1


@pytest.mark.parametrize("n", [5, 10, 20, 40])
@pytest.mark.parametrize(("p", "d"), [(0.5, 0.2), (0.8, 0.05), (0.3, 0.3), (0.9, 0.02), (0.6, 0.1)])
def test_nps_exact_coverage_is_near_nominal_and_beats_wald(n, p, d):
    """Exact coverage over every trinomial outcome (Rocks 2016's argument for adjusted Wald)."""
    truth = p - d
    covered = wald_covered = 0.0
    for promoters in range(n + 1):
        for detractors in range(n - promoters + 1):
            passives = n - promoters - detractors
            prob = (
                math.factorial(n)
                / (math.factorial(promoters) * math.factorial(detractors) * math.factorial(passives))
                * p**promoters
                * d**detractors
                * (1 - p - d) ** passives
            )
            low, high, _ = nps_interval(promoters / n, detractors / n, n, 0.95)
            covered += prob * (low <= truth <= high)
            wald_low, wald_high = plain_wald(promoters, detractors, n)
            wald_covered += prob * (wald_low <= truth <= wald_high)
    assert covered >= 0.91
    assert covered >= wald_covered


# --- all methods -----------------------------------------------------------------


@settings(max_examples=80)
@given(
    method=st.sampled_from(MOMENT_METHODS),
    values=st.lists(st.sampled_from([-1.0, 0.0, 1.0]), min_size=2, max_size=80),
)
def test_every_interval_contains_its_estimate(method, values):
    if method is IntervalMethod.PROPORTION:
        values = [abs(v) for v in values]
    result = estimate(method, *sufficient(values), 0.95)
    if method is IntervalMethod.MEAN and len(set(values)) == 1:
        assert result.no_variance and result.ci_low is None  # no spread: no interval (issue #23)
        return
    assert result.ci_low <= result.value <= result.ci_high


@settings(max_examples=60)
@given(values=st.lists(st.sampled_from([0.0, 1.0]), min_size=1, max_size=100))
def test_proportion_interval_narrows_as_n_grows(values):
    small = estimate(IntervalMethod.PROPORTION, *sufficient(values), 0.95)
    large = estimate(IntervalMethod.PROPORTION, *sufficient(values * 4), 0.95)
    assert large.value == pytest.approx(small.value)
    assert width(large) < width(small)


@settings(max_examples=60)
@given(values=st.lists(st.integers(1, 7).map(float), min_size=2, max_size=100))
def test_mean_interval_narrows_as_n_grows(values):
    assume(len(set(values)) > 1)
    small = estimate(IntervalMethod.MEAN, *sufficient(values), 0.95)
    large = estimate(IntervalMethod.MEAN, *sufficient(values * 4), 0.95)
    assert large.value == pytest.approx(small.value)
    assert width(large) < width(small)


@settings(max_examples=60)
@given(values=st.lists(st.integers(1, 7).map(float), min_size=2, max_size=60))
def test_higher_confidence_gives_wider_intervals(values):
    assume(len(set(values)) > 1)
    for method in (IntervalMethod.MEAN, IntervalMethod.NPS):
        xs = values if method is IntervalMethod.MEAN else [nps_value(int(v) + 3) for v in values]
        narrow = estimate(method, *sufficient(xs), 0.80)
        wide = estimate(method, *sufficient(xs), 0.99)
        assert wide.ci_low <= narrow.ci_low and narrow.ci_high <= wide.ci_high


@settings(max_examples=60)
@given(
    method=st.sampled_from(MOMENT_METHODS),
    values=st.lists(st.sampled_from([0.0, 1.0]), min_size=2, max_size=60),
)
def test_unit_weights_equal_unweighted_for_every_method(method, values):
    assert estimate(method, *sufficient(values, [1.0] * len(values)), 0.95) == estimate(
        method, *sufficient(values), 0.95
    )
