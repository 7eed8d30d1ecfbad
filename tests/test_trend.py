"""Trends across periods (#23): the random-effects line against statsmodels, partial periods, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize

import cxframe
from cxframe import hookimpl, testing
from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import IntervalMethod, MetricDefinition, MetricResult, Observation, Period
from cxframe.contracts._shapes import metric_json, trend_json
from cxframe.host._manager import PluginHost
from cxframe.measurement._engine import SQLiteEngine, compute_metric
from cxframe.measurement._flags import SMALL_SAMPLE
from cxframe.measurement._intervals import z_value
from cxframe.measurement._trend import (
    PARTIAL_PERIOD,
    TOO_FEW_PERIODS,
    TREND_METHOD,
    CollectionWindow,
    collection_window,
    fit_trend,
    flag_partial,
    is_partial,
    period_index,
    trends,
)
from cxframe.store._sqlite import Store, observation_row
from tests import toy_plugin
from tests.conftest import write_answers
from tests.metric_definitions import CSAT, NPS

KEYS_11 = ["metric", "segment", "period", "value", "n", "ci_low", "ci_high", "confidence", "flags"]
_keys = itertools.count()


def reference(y: Sequence[float], v: Sequence[float], x: Sequence[float], confidence: float = 0.95) -> dict[str, float]:
    """The same model computed independently: Paule–Mandel τ² by scipy's root finder, the line by statsmodels WLS."""
    y_, v_ = np.asarray(y, float), np.asarray(v, float)
    design = sm.add_constant(np.asarray(x, float) - min(x))
    expected = len(y) - 2

    def q(tau2: float) -> float:
        return float(sm.WLS(y_, design, weights=1 / (v_ + tau2)).fit().ssr)

    tau2 = 0.0 if q(0.0) <= expected else optimize.brentq(lambda t: q(t) - expected, 0.0, 1e6 * (np.var(y_) + 1))
    # Knapp–Hartung: the scale estimated from the weighted residuals, t on k − 2 (statsmodels' default)
    fitted = sm.WLS(y_, design, weights=1 / (v_ + tau2)).fit()
    low, high = fitted.conf_int(alpha=1 - confidence)[1]
    return {
        "slope": fitted.params[1],
        "ci_low": low,
        "ci_high": high,
        "p_value": fitted.pvalues[1],
        "std_error": fitted.bse[1],
        "tau2": tau2,
    }


def assert_matches(found: object, expected: dict[str, float], rel: float = 1e-7) -> None:
    for key in ("slope", "ci_low", "ci_high", "p_value"):
        assert getattr(found, key) == pytest.approx(expected[key], rel=rel, abs=1e-9), key


# --- the line -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("k", [3, 4, 7, 12])
def test_slope_interval_and_p_equal_statsmodels(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.integers(1, 3, size=k)) + 24_300  # calendar indexes, with gaps
    v = rng.uniform(5, 80, size=k)
    wobble = rng.normal(0, 6 if seed % 2 else 0.1, size=k)
    y = 20 + 1.5 * (x - x[0]) + rng.normal(0, np.sqrt(v)) + wobble
    confidence = (0.9, 0.95, 0.99)[seed % 3]
    found = fit_trend(list(y), list(v), list(x), confidence)
    expected = reference(y, v, x, confidence)
    assert_matches(found, expected)
    assert found.std_error == pytest.approx(expected["std_error"], rel=1e-7)
    assert found.between_period_variance == pytest.approx(expected["tau2"], rel=1e-6, abs=1e-9)


def test_the_between_period_variance_solves_paule_mandel() -> None:
    # months that scatter far more than their sampling error: τ² > 0, and the weighted
    # residual sum of squares at τ² is k − 2 (statsmodels' ssr of the weighted fit)
    y = [10.0, 30.0, 5.0, 40.0, 20.0, 45.0]
    v = [9.0, 16.0, 9.0, 25.0, 9.0, 16.0]
    x = list(range(6))
    found = fit_trend(y, v, x)
    tau2 = found.between_period_variance
    assert tau2 is not None and tau2 > 50
    refit = sm.WLS(np.array(y), sm.add_constant(np.array(x, float)), weights=1 / (np.array(v) + tau2)).fit()
    assert refit.ssr == pytest.approx(4.0, rel=1e-9)
    # without it, the interval would be that of the sampling error alone: far narrower
    fixed = sm.WLS(np.array(y), sm.add_constant(np.array(x, float)), weights=1 / np.array(v)).fit(
        cov_type="fixed scale"
    )
    assert found.std_error is not None and found.std_error > 2 * fixed.bse[1]


def test_periods_that_scatter_less_than_their_sampling_error_have_no_between_period_variance() -> None:
    y = [10.0, 11.0, 12.5, 13.0]
    v = [25.0, 25.0, 25.0, 25.0]
    found = fit_trend(y, v, [0, 1, 2, 3])
    assert found.between_period_variance == 0.0
    # Knapp–Hartung's scale is then below 1: the periods lie closer to the line than their sampling error says
    fitted = sm.WLS(np.array(y), sm.add_constant(np.arange(4.0)), weights=1 / np.array(v)).fit()
    assert fitted.scale < 1 and found.std_error == pytest.approx(fitted.bse[1], rel=1e-12)
    fixed = sm.WLS(np.array(y), sm.add_constant(np.arange(4.0)), weights=1 / np.array(v)).fit(cov_type="fixed scale")
    assert found.std_error < fixed.bse[1]


def test_values_exactly_on_a_line_have_no_interval(store: Store) -> None:
    for month in (1, 2, 3, 4):
        add(store, [obs(5, dt.datetime(2026, month, 1, 9, tzinfo=dt.UTC), question="csat") for _ in range(20)])
    [trend] = trends(compute_metric(SQLiteEngine(store), CSAT, period=Period.MONTH), Period.MONTH)
    assert trend.slope == 0 and trend.ci_low is None and trend.p_value is None
    assert trend.flags == ("no_interval", SMALL_SAMPLE) and trend.excluded == ()


def test_fewer_than_three_periods_have_no_interval() -> None:
    two = fit_trend([10.0, 16.0], [4.0, 9.0], [5, 8])
    assert two.slope == pytest.approx(2.0) and two.ci_low is None and two.p_value is None
    assert fit_trend([10.0], [4.0], [5]).slope is None
    assert fit_trend([], [], []).slope is None
    assert fit_trend([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [4, 4, 4]).slope is None


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="variance must be positive"):
        fit_trend([1.0, 2.0, 3.0], [1.0, 0.0, 1.0], [0, 1, 2])
    with pytest.raises(InvalidInput, match="as many"):
        fit_trend([1.0, 2.0], [1.0], [0, 1])


points = st.lists(
    st.tuples(
        st.floats(-100, 100, allow_nan=False),
        st.floats(0.5, 400, allow_nan=False),
    ),
    min_size=3,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(points, st.integers(-5000, 30_000), st.floats(-50, 50), st.floats(0.1, 10))
def test_the_line_is_equivariant(data: list[tuple[float, float]], origin: int, shift: float, scale: float) -> None:
    y = [p[0] for p in data]
    v = [p[1] for p in data]
    x = list(range(len(data)))
    base = fit_trend(y, v, x)
    assert base.slope is not None
    # values on a line (all equal, say) have no interval; nearly so, an interval of rounding error
    assume(base.std_error is not None and base.std_error > 1e-6)
    assert base.p_value is not None and base.ci_low is not None and base.ci_high is not None
    assert 0 <= base.p_value <= 1 and base.ci_low <= base.slope <= base.ci_high
    # the interval and the test agree: 0 outside the interval exactly when p is below 1 − confidence
    if abs(base.p_value - 0.05) > 1e-6:
        assert (base.ci_low > 0 or base.ci_high < 0) == (base.p_value < 0.05)
    moved = fit_trend(y, v, [i + origin for i in x])  # where the index starts does not matter
    shifted = fit_trend([value + shift for value in y], v, x)  # nor the level
    scaled = fit_trend([value * scale for value in y], [w * scale * scale for w in v], x)  # units scale the slope
    for other, factor in ((moved, 1.0), (shifted, 1.0), (scaled, scale)):
        assert other.slope == pytest.approx(base.slope * factor, rel=1e-6, abs=1e-6)
        assert other.p_value == pytest.approx(base.p_value, rel=1e-5, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.floats(-50, 50),
    st.floats(-10, 10),
    st.lists(st.floats(0.5, 100), min_size=3, max_size=10),
)
def test_points_on_a_line_give_that_line(intercept: float, slope: float, variances: list[float]) -> None:
    x = [2 * i for i in range(len(variances))]
    found = fit_trend([intercept + slope * xi for xi in x], variances, x)
    assert found.slope == pytest.approx(slope, abs=1e-8)
    assert found.between_period_variance == 0.0


# --- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "before", "after"),
    [
        ("day", "2026-12-31", "2027-01-01"),
        ("week", "2026-W53", "2027-W01"),
        ("week", "2025-W52", "2026-W01"),
        ("month", "2026-12", "2027-01"),
        ("quarter", "2026-Q4", "2027-Q1"),
        ("year", "2026", "2027"),
    ],
)
def test_consecutive_periods_are_one_step_apart(period: str, before: str, after: str) -> None:
    assert period_index(after, period) - period_index(before, period) == 1


def test_a_gap_of_periods_is_a_gap_in_the_index() -> None:
    assert period_index("2026-04", "month") - period_index("2026-01", "month") == 3
    assert period_index("2027-Q2", "quarter") - period_index("2026-Q3", "quarter") == 3


@pytest.mark.parametrize("label", ["2026-Q5", "2026/04", "W14", "spring"])
def test_a_label_that_is_no_period_is_a_clear_error(label: str) -> None:
    period = "quarter" if "Q" in label else "month" if "/" in label or label == "spring" else "week"
    with pytest.raises(InvalidInput, match=f"{label!r} is not a {period}"):
        period_index(label, period)


def window(first: str, last: str, months: Sequence[str] | None = None) -> CollectionWindow:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    if months is None:
        months = [f"{y:04d}-{m:02d}" for y in range(start.year, end.year + 1) for m in range(1, 13)]
        months = [m for m in months if first[:7] <= m <= last[:7]]
    return CollectionWindow(start, end, frozenset(months))


def test_first_and_last_month_are_partial_when_the_data_start_or_end_inside_them() -> None:
    data = window("2026-01-15", "2026-06-30")
    assert is_partial("2026-01", "month", data)
    assert not any(is_partial(f"2026-0{m}", "month", data) for m in range(2, 7))
    assert is_partial("2026-06", "month", window("2026-01-01", "2026-06-29"))
    assert not is_partial("2026-01", "month", window("2026-01-01", "2026-06-29"))


def test_a_quarter_with_one_month_of_data_is_partial() -> None:
    # the data run from January to September, but between April and June only April has answers
    months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-07", "2026-08", "2026-09"]
    data = window("2026-01-01", "2026-09-30", months)
    assert [is_partial(f"2026-Q{q}", "quarter", data) for q in (1, 2, 3)] == [False, True, False]
    # and the quarter the data start in the middle of
    assert is_partial("2026-Q1", "quarter", window("2026-03-02", "2026-09-30"))
    assert is_partial("2026", "year", window("2026-01-01", "2026-09-30"))


def test_weeks_are_partial_by_day_and_days_never() -> None:
    data = window("2026-01-07", "2026-01-25")  # a Wednesday to a Sunday
    assert is_partial("2026-W02", "week", data)  # Monday 5 to Sunday 11 January
    assert not is_partial("2026-W03", "week", data)
    assert not is_partial("2026-W04", "week", data)
    assert not is_partial("2026-01-07", "day", data)


# --- the engine and the trend of a segment --------------------------------------------------


def obs(score: float, when: dt.datetime, question: str = "nps", **kwargs: object) -> Observation:
    return Observation(question=question, value=score, timestamp=when, source="test", **kwargs)  # type: ignore[arg-type]


def add(store: Store, observations: Sequence[Observation]) -> None:
    names = sorted({name for o in observations for name in o.segment})
    rows = [observation_row(o, f"k{next(_keys)}", 1, names) for o in observations]
    with store.db.atomic():
        store.ensure_segment_columns(names)
        store.insert_observations(rows, names)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "cxframe.db") as opened:
        yield opened


#: per month: (promoters, passives, detractors) of each region; the data run from 1 January to 30 June
MONTHS = {
    "north": [(40, 30, 30), (45, 30, 25), (50, 25, 25), (48, 32, 20), (60, 25, 15), (58, 27, 15)],
    "south": [(20, 10, 10), (22, 9, 9), (18, 12, 10), (25, 8, 7), (24, 10, 6), (9, 3, 2)],
}


def nps_month(store: Store, region: str, month: int, counts: tuple[int, int, int], day: int = 10) -> None:
    when = dt.datetime(2026, month, day, 9, 30, tzinfo=dt.UTC)
    scores = [10] * counts[0] + [8] * counts[1] + [3] * counts[2]
    add(store, [obs(s, when, segment={"region": region}) for s in scores])


def independent_nps(counts: Sequence[tuple[int, int, int]]) -> tuple[list[float], list[float]]:
    """NPS points and their adjusted-Wald variances, from the counts alone (Rocks 2016)."""
    values, variances = [], []
    for promoters, passives, detractors in counts:
        n = promoters + passives + detractors
        values.append(100 * (promoters - detractors) / n)
        p, d = (promoters + 0.75) / (n + 3), (detractors + 0.75) / (n + 3)
        variances.append(100**2 * (p + d - (p - d) ** 2) / (n + 3))
    return values, variances


def test_nps_trend_per_segment_equals_the_independent_computation(store: Store) -> None:
    for region, months in MONTHS.items():
        for month, counts in enumerate(months, start=1):
            nps_month(store, region, month, counts)
    add(
        store,
        [obs(10, dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)), obs(10, dt.datetime(2026, 6, 30, 20, tzinfo=dt.UTC))],
    )
    engine = SQLiteEngine(store)
    results = compute_metric(engine, NPS, by=["region"], period=Period.MONTH)
    found = {t.segment.get("region"): t for t in trends(flag_partial(engine, NPS, results, Period.MONTH), Period.MONTH)}
    assert set(found) == {"north", "south", None}
    p_values = []
    for region in ("north", "south"):
        values, variances = independent_nps(MONTHS[region])
        expected = reference(values, variances, list(range(6)))
        assert_matches(found[region], expected)
        assert found[region].periods == tuple(f"2026-0{m}" for m in range(1, 7))
        assert found[region].excluded == () and found[region].method == TREND_METHOD
        assert found[region].n == sum(map(sum, MONTHS[region]))
        p_values.append(expected["p_value"])
    # Holm over every trend of the call (the two regions; the two answers without a region have no p)
    assert found["north"].p_adjusted == pytest.approx(min(1, 2 * min(p_values)), rel=1e-7)
    assert found["south"].p_adjusted == pytest.approx(max(min(1, 2 * min(p_values)), max(p_values)), rel=1e-7)
    assert SMALL_SAMPLE in found["south"].flags  # June has 14 answers
    assert TOO_FEW_PERIODS in found[None].flags and found[None].p_value is None


def test_partial_periods_are_flagged_and_left_out_of_the_trend(store: Store) -> None:
    # the data start on 20 January and end on 12 June: both months are partial
    for month, counts in enumerate(MONTHS["north"], start=1):
        nps_month(store, "north", month, counts, day=20 if month == 1 else 12)
    engine = SQLiteEngine(store)
    assert collection_window(engine, NPS) == CollectionWindow(
        dt.date(2026, 1, 20), dt.date(2026, 6, 12), frozenset(f"2026-0{m}" for m in range(1, 7))
    )
    results = flag_partial(engine, NPS, compute_metric(engine, NPS, period=Period.MONTH), Period.MONTH)
    assert [PARTIAL_PERIOD in r.flags for r in results] == [True, False, False, False, False, True]
    [trend] = trends(results, Period.MONTH)
    assert trend.excluded == (("2026-01", PARTIAL_PERIOD), ("2026-06", PARTIAL_PERIOD))
    assert PARTIAL_PERIOD in trend.flags
    values, variances = independent_nps(MONTHS["north"][1:5])
    assert_matches(trend, reference(values, variances, [1, 2, 3, 4]))
    # by quarter: Q1 starts before the data, Q2 ends after them: nothing left to fit
    quarters = flag_partial(engine, NPS, compute_metric(engine, NPS, period=Period.QUARTER), Period.QUARTER)
    assert [r.flags for r in quarters] == [(PARTIAL_PERIOD,), (PARTIAL_PERIOD,)]
    [by_quarter] = trends(quarters, Period.QUARTER)
    assert by_quarter.slope is None and by_quarter.flags == (TOO_FEW_PERIODS, PARTIAL_PERIOD)


def test_a_share_of_100_percent_enters_with_its_wilson_variance(store: Store) -> None:
    for month, satisfied in enumerate([6, 7, 8], start=1):
        when = dt.datetime(2026, month, 1, 9, tzinfo=dt.UTC)
        add(store, [obs(5 if i < satisfied else 1, when, question="csat") for i in range(8)])
    add(store, [obs(5, dt.datetime(2026, 3, 31, 9, tzinfo=dt.UTC), question="csat")])
    engine = SQLiteEngine(store)
    results = compute_metric(engine, CSAT, period=Period.MONTH)
    assert results[-1].value == 100.0 and results[-1].std_error == 0.0
    [trend] = trends(results, Period.MONTH)
    assert trend.excluded == ()
    half = (results[-1].ci_high - results[-1].ci_low) / (2 * z_value(0.95))  # type: ignore[operator]
    variances = [r.std_error**2 for r in results[:-1]] + [half * half]  # type: ignore[operator]
    assert_matches(trend, reference([r.value for r in results], variances, [0, 1, 2]))  # type: ignore[misc]


def test_a_period_without_a_standard_error_is_left_out(store: Store) -> None:
    ces = MetricDefinition(id="ces", title="CES", question="ces", value_sql="value", interval=IntervalMethod.MEAN)
    for month, scores in enumerate([[3, 4, 5], [4, 5, 6], [7, 7], [5, 6, 7]], start=1):
        add(store, [obs(s, dt.datetime(2026, month, 1, 9, tzinfo=dt.UTC), question="ces") for s in scores])
    engine = SQLiteEngine(store)
    [trend] = trends(compute_metric(engine, ces, period=Period.MONTH), Period.MONTH)
    assert trend.excluded == (("2026-03", "no_interval"),)
    assert trend.periods == ("2026-01", "2026-02", "2026-04")


# --- the API and the command line ---------------------------------------------------------


def monthly_answers() -> list[tuple[str, ...]]:
    """Scores for two regions from 1 January to 30 June 2026 (mean rising in the north), and a 2 July answer."""
    rows: list[tuple[str, ...]] = []
    for month in range(1, 7):
        for i in range(12):
            day = 1 if i == 0 else 30 if (month == 6 and i == 1) else 10 + i
            rows.append(
                (
                    f"n{month}-{i}",
                    "score",
                    str(3 + (i + month) % 4 + month // 3),
                    f"2026-{month:02d}-{day:02d}T10:00:00Z",
                    "north",
                )
            )
            rows.append(
                (f"s{month}-{i}", "score", str(2 + (i * 3) % 5), f"2026-{month:02d}-{day:02d}T11:00:00Z", "south")
            )
    rows.append(("late", "score", "4", "2026-07-02T10:00:00Z", "south"))
    return rows


@pytest.fixture
def collected(programme: Path, host: PluginHost) -> Path:
    write_answers(programme / "answers.csv", monthly_answers())
    result = testing.invoke(["-C", str(programme), "collect"], host=host)
    assert result.exit_code == 0, result.output
    return programme


def independent_means(region: str, months: Sequence[int]) -> tuple[list[float], list[float]]:
    values, variances = [], []
    for month in months:
        scores = [float(r[2]) for r in monthly_answers() if r[4] == region and r[3].startswith(f"2026-{month:02d}")]
        values.append(float(np.mean(scores)))
        variances.append(float(np.var(scores, ddof=1)) / len(scores))
    return values, variances


def test_measure_trend_json_keeps_the_measure_shape_and_adds_trend_rows(collected: Path, host: PluginHost) -> None:
    result = testing.invoke(
        [
            "measure",
            "-C",
            str(collected),
            "--metric",
            "mean_score",
            "--by",
            "region",
            "--period",
            "month",
            "--trend",
            "--json",
        ],
        host=host,
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    for row in rows:
        assert list(row)[: len(KEYS_11)] == KEYS_11
        assert set(row) - set(KEYS_11) <= {"trend", "effective_n"}
    trend_rows = [row for row in rows if "trend" in row]
    assert [row["segment"] for row in trend_rows] == [{"region": "north"}, {"region": "south"}]
    assert all(row["period"] is None and row["value"] is None and row["ci_low"] is None for row in trend_rows)
    # each segment's period rows come first, then its trend
    assert [row["period"] for row in rows[:7]] == [f"2026-0{m}" for m in range(1, 7)] + [None]
    north, south = (row["trend"] for row in trend_rows)
    assert north["per"] == "month" and north["method"] == "random_effects_wls"
    assert north["periods"] == [f"2026-0{m}" for m in range(1, 7)] and north["excluded"] == []
    values, variances = independent_means("north", range(1, 7))
    expected = reference(values, variances, list(range(6)))
    for key in ("slope", "ci_low", "ci_high", "p_value"):
        assert north[key] == pytest.approx(expected[key], rel=1e-7), key
    assert trend_rows[0]["n"] == 72
    # the data end on 2 July: July is partial, flagged on its row and left out of the south's trend
    july = next(row for row in rows if row["period"] == "2026-07")
    assert july["flags"][-1] == PARTIAL_PERIOD
    assert south["excluded"] == [{"period": "2026-07", "reason": PARTIAL_PERIOD}]
    assert PARTIAL_PERIOD in trend_rows[1]["flags"]
    values, variances = independent_means("south", range(1, 7))
    assert south["slope"] == pytest.approx(reference(values, variances, list(range(6)))["slope"], rel=1e-7)


def test_measure_trend_table_and_usage_errors(collected: Path, host: PluginHost) -> None:
    shown = testing.invoke(["measure", "-C", str(collected), "--period", "quarter", "--trend"], host=host)
    assert shown.exit_code == 0, shown.output
    assert "trend" in shown.stdout and "partial_period" in shown.stdout
    for args in (["--trend"], ["--trend", "--period", "month", "--compare", "period"]):
        refused = testing.invoke(["measure", "-C", str(collected), *args], host=host)
        assert refused.exit_code == 2 and "--trend needs --period" in refused.stderr


def test_without_trend_measure_is_unchanged_but_for_the_partial_flag(collected: Path, host: PluginHost) -> None:
    rows = json.loads(
        testing.invoke(["measure", "-C", str(collected), "--period", "quarter", "--json"], host=host).stdout
    )
    assert all(list(row) == KEYS_11 for row in rows)
    assert [(row["period"], PARTIAL_PERIOD in row["flags"]) for row in rows] == [
        ("2026-Q1", False),
        ("2026-Q2", False),
        ("2026-Q3", True),
    ]


class HideMarch:
    """A privacy rule hiding March."""

    @hookimpl
    def protect_metric_results(self, results: list[MetricResult]) -> list[MetricResult]:
        return [r.as_suppressed() if r.period == "2026-03" else r for r in results]


def test_api_trend_leaves_out_hidden_periods_and_stores_the_period_results(collected: Path) -> None:
    host = testing.plugin_host(toy_plugin, HideMarch())
    found = cxframe.trend(collected, "mean_score", period="month", by=["region"], confidence=0.9, host=host)
    assert host.failures == []
    north = found[0]
    assert north.excluded == (("2026-03", "suppressed"),) and north.confidence == 0.9
    march = next(r for r in north.results if r.period == "2026-03")
    assert march.flags == ("suppressed",)  # a hidden result keeps its one flag
    values, variances = independent_means("north", [1, 2, 4, 5, 6])
    assert_matches(north, reference(values, variances, [0, 1, 3, 4, 5], 0.9))
    row = trend_json(north)
    assert row["trend"]["excluded"] == [{"period": "2026-03", "reason": "suppressed"}]
    stored = testing.read_table(collected, "metric_results")
    assert len(stored) == len([r for t in found for r in t.results])
    assert [metric_json(r)["period"] for r in north.results] == [f"2026-0{m}" for m in range(1, 7)]


def test_trend_for_each_period_kind(collected: Path, host: PluginHost) -> None:
    for period in ("week", "month", "quarter"):
        found = cxframe.trend(collected, "mean_score", period=period, host=host)
        [only] = found
        assert only.period.value == period and only.periods
        assert all(
            (label, PARTIAL_PERIOD) in only.excluded
            for label in [r.period for r in only.results if PARTIAL_PERIOD in r.flags]
        )
    weeks = cxframe.trend(collected, "mean_score", period="week", host=host)[0]
    # 1 January 2026 is a Thursday, 2 July too: the first and last weeks are partial
    assert [label for label, reason in weeks.excluded if reason == PARTIAL_PERIOD] == ["2026-W01", "2026-W27"]
    # the week of 5 January has two answers, both 5: no standard error, left out too
    assert ("2026-W02", "no_interval") in weeks.excluded
    assert math.isfinite(weeks.slope or math.nan)


@given(st.sampled_from(list(Period)))
@settings(max_examples=5, deadline=None)
def test_is_partial_never_flags_a_period_inside_a_full_window(period: Period) -> None:
    data = window("2020-01-01", "2030-12-31")
    label = {"day": "2026-05-05", "week": "2026-W19", "month": "2026-05", "quarter": "2026-Q2", "year": "2026"}
    assert not is_partial(label[period.value], period, data)
