"""Before/after windows around a date, and the difference-in-differences of two such changes."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxframe import ComparisonResult, InvalidInput, Observation, compare_windows, difference_in_differences
from cxframe.measurement._engine import SQLiteEngine
from cxframe.measurement._windows import WindowedEngine
from cxframe.store._sqlite import Store
from tests.metric_definitions import CSAT, Z95
from tests.test_compare import add, obs

DONE = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
BEFORE = (DONE - dt.timedelta(days=30), DONE)
AFTER = (DONE, DONE + dt.timedelta(days=30))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[SQLiteEngine]:
    with Store(tmp_path / "cxframe.db") as store:
        yield SQLiteEngine(store)


def answers(when: dt.datetime, top: int, bottom: int, region: str) -> list[Observation]:
    """``top`` CSAT answers of 5 and ``bottom`` of 2, a minute apart from ``when``."""
    return [
        obs(score, when + dt.timedelta(minutes=i), "csat", segment={"region": region})
        for i, score in enumerate([5] * top + [2] * bottom)
    ]


def test_windows_read_only_their_days_and_compare_each_group(engine: SQLiteEngine) -> None:
    add(
        engine.store,
        [
            *answers(DONE - dt.timedelta(days=10), 6, 4, "North"),  # before: 60 %
            *answers(DONE + dt.timedelta(days=10), 8, 2, "North"),  # after: 80 %
            *answers(DONE - dt.timedelta(days=40), 0, 10, "North"),  # outside both windows: not read
            *answers(DONE + dt.timedelta(days=30), 0, 10, "North"),  # the after window's end is not in it
            *answers(DONE - dt.timedelta(seconds=1), 1, 0, "South"),  # South: the last second before
            *answers(DONE, 0, 1, "South"),  # and the first moment of the done date
            *answers(DONE + dt.timedelta(days=3), 5, 0, "East"),  # East has no before: no row
        ],
    )
    found = compare_windows(engine, CSAT, BEFORE, AFTER, by=["region"])
    by_region = {w.segment["region"]: w for w in found}
    assert sorted(by_region) == ["North", "South"]
    north = by_region["North"]
    assert (north.before.value, north.before.n, north.after.value, north.after.n) == (60.0, 10, 80.0, 10)
    assert north.comparison.difference == pytest.approx(20)
    assert north.comparison.std_error == pytest.approx(100 * math.sqrt(0.8 * 0.2 / 10 + 0.6 * 0.4 / 10))
    assert (by_region["South"].before.n, by_region["South"].after.n) == (1, 1)
    [pooled] = compare_windows(engine, CSAT, BEFORE, AFTER, where_in={"region": ["North", "South"]})
    assert (pooled.before.n, pooled.after.n) == (11, 11)
    [none] = compare_windows(engine, CSAT, BEFORE, AFTER, where={"region": "North"})
    assert none.comparison.difference == pytest.approx(20)


def test_overlapping_windows_and_unknown_columns_are_errors(engine: SQLiteEngine) -> None:
    with pytest.raises(InvalidInput, match="windows overlap"):
        WindowedEngine(engine, [BEFORE, (DONE - dt.timedelta(days=1), DONE + dt.timedelta(days=5))])
    with pytest.raises(InvalidInput, match="unknown segment column"):
        compare_windows(engine, CSAT, BEFORE, AFTER, where={"area": "North"})


def change(difference: float | None, std_error: float | None) -> ComparisonResult:
    return ComparisonResult(
        metric="csat",
        compare="period",
        segment={},
        period="after",
        baseline="before",
        value=None,
        baseline_value=None,
        n=100,
        baseline_n=100,
        difference=difference,
        ci_low=None,
        ci_high=None,
        p_value=None,
        p_adjusted=None,
        significant=False,
        confidence=0.95,
        method="two_proportion_z",
        std_error=std_error,
    )


def test_did_by_hand() -> None:
    found = difference_in_differences(change(20.0, 3.0), change(2.0, 4.0))
    assert found.difference == pytest.approx(18) and found.std_error == pytest.approx(5)
    assert (found.ci_low, found.ci_high) == pytest.approx((18 - Z95 * 5, 18 + Z95 * 5))
    assert found.p_value == pytest.approx(math.erfc(18 / 5 / math.sqrt(2)))
    untested = difference_in_differences(change(20.0, None), change(2.0, 4.0))
    assert untested.difference == pytest.approx(18) and untested.p_value is None and untested.ci_low is None
    assert difference_in_differences(change(None, None), change(2.0, 4.0)).difference is None


finite = st.floats(min_value=-100, max_value=100, allow_nan=False)
positive = st.floats(min_value=0.01, max_value=50, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(treated=finite, control=finite, se_t=positive, se_c=positive)
def test_did_properties(treated: float, control: float, se_t: float, se_c: float) -> None:
    forward = difference_in_differences(change(treated, se_t), change(control, se_c))
    backward = difference_in_differences(change(control, se_c), change(treated, se_t))
    assert forward.difference == pytest.approx(-(backward.difference or 0.0), abs=1e-9)
    assert forward.p_value == pytest.approx(backward.p_value)
    assert forward.std_error is not None and forward.std_error >= max(se_t, se_c)
    assert forward.ci_low is not None and forward.ci_high is not None
    assert forward.ci_low <= (forward.difference or 0.0) <= forward.ci_high
    # the test and the interval are dual: the interval excludes 0 exactly when p < 0.05
    assert forward.p_value is not None
    if abs(forward.p_value - 0.05) > 1e-9:
        assert (forward.p_value < 0.05) == (forward.ci_low > 0 or forward.ci_high < 0)
    # a wider control variance never makes the result more certain
    wider = difference_in_differences(change(treated, se_t), attrs.evolve(change(control, se_c), std_error=se_c * 2))
    assert wider.p_value is not None and wider.p_value >= forward.p_value - 1e-12
