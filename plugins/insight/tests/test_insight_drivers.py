"""Key drivers: Johnson's relative weights checked by hand and against Shapley, recovered from generated surveys."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxframe_insight
import cxframe_nps
from cxframe import InvalidInput, testing
from cxframe_insight.weights import bootstrap_weights, correlations, r_squared, relative_weights, shapley_r2

DRIVERS = ("speed", "staff", "price")


def survey_rows(n: int, seed: int = 7, weights: tuple[float, ...] = (0.6, 0.3, 0.1)) -> list[dict[str, Any]]:
    """Responses whose 0–10 recommendation is set by correlated 1–5 driver ratings with known weights."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=n)
    # the drivers share a common factor (correlated ~0.5), as ratings of one visit do
    latent = np.column_stack([common + rng.normal(size=n) for _ in DRIVERS])
    outcome = latent @ np.array(weights) + rng.normal(size=n) * 0.6
    nps = np.clip(np.round(5 + 1.5 * (outcome - outcome.mean()) / outcome.std()), 0, 10)
    ratings = np.clip(np.round(3 + latent), 1, 5)
    rows = []
    for i in range(n):
        rows.append(
            {
                "response_id": f"r{i}",
                "customer": f"c{i}",
                "submitted": f"2026-03-{1 + i % 28:02d}T10:00:00Z",
                "region": "North" if i % 2 else "South",
                "nps": int(nps[i]),
                **{name: int(ratings[i, j]) for j, name in enumerate(DRIVERS)},
            }
        )
    return rows


def true_shares(weights: tuple[float, ...]) -> list[float]:
    """The population shares of `survey_rows`' latent model: var(driver) 2, cov 1, noise variance 0.36."""
    w = np.array(weights)
    cov_x = np.eye(len(w)) + np.ones((len(w), len(w)))
    full = np.zeros((len(w) + 1, len(w) + 1))
    full[0, 0] = w @ cov_x @ w + 0.36
    full[0, 1:] = full[1:, 0] = cov_x @ w
    full[1:, 1:] = cov_x
    scale = np.sqrt(np.diag(full))
    raw = relative_weights(full / np.outer(scale, scale))
    return list(raw / raw.sum())


def programme(
    tmp_path: Path, rows: list[dict[str, Any]], plugins: dict[str, Any] | None = None, collect: bool = True
) -> Path:
    root = testing.make_programme(
        tmp_path / "p",
        sources=[
            {
                "id": "survey",
                "collector": "survey-csv",
                "path": "data/survey.csv",
                "columns": {
                    "response_id": "response_id",
                    "respondent_id": "customer",
                    "timestamp": "submitted",
                    "segments": ["region"],
                    "questions": {"nps": "nps", **{name: name for name in DRIVERS}},
                },
                "options": {"scales": {name: [1, 5] for name in DRIVERS}},
            }
        ],
        plugins=plugins or {},
    )
    header = ["response_id", "customer", "submitted", "region", "nps", *DRIVERS]
    lines = [",".join(header)]
    lines += [",".join("" if row[h] is None else str(row[h]) for h in header) for row in rows]
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if collect:
        result = cli(root, "collect")
        assert result.exit_code == 0, result.output
    return root


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_insight)


def cli(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=host())


# --- the maths ---------------------------------------------------------------------------------------------------


def test_two_drivers_match_the_closed_form() -> None:
    """With two drivers Λ = [[a, b], [b, a]], a, b = (√(1+r) ± √(1−r))/2: Johnson's weights by hand."""
    r12, r1y, r2y = 0.5, 0.6, 0.4
    corr = np.array([[1, r1y, r2y], [r1y, 1, r12], [r2y, r12, 1]], dtype=float)
    a = (math.sqrt(1 + r12) + math.sqrt(1 - r12)) / 2
    b = (math.sqrt(1 + r12) - math.sqrt(1 - r12)) / 2
    # Λ⁻¹ r_xy for the symmetric 2×2 Λ, then ε_j = Σ_k Λ_jk² β_k²
    det = a * a - b * b
    beta1 = (a * r1y - b * r2y) / det
    beta2 = (a * r2y - b * r1y) / det
    expected = [a * a * beta1**2 + b * b * beta2**2, b * b * beta1**2 + a * a * beta2**2]
    assert relative_weights(corr) == pytest.approx(expected, abs=1e-12)
    # and they add up to R² = (r1y² + r2y² − 2 r1y r2y r12) / (1 − r12²)
    r2 = (r1y**2 + r2y**2 - 2 * r1y * r2y * r12) / (1 - r12**2)
    assert sum(expected) == pytest.approx(r2, abs=1e-12)
    assert r_squared(corr) == pytest.approx(r2, abs=1e-12)


def test_uncorrelated_drivers_get_their_squared_correlation_as_shapley_does() -> None:
    corr = np.array([[1, 0.5, 0.3, 0.2], [0.5, 1, 0, 0], [0.3, 0, 1, 0], [0.2, 0, 0, 1]], dtype=float)
    assert relative_weights(corr) == pytest.approx([0.25, 0.09, 0.04], abs=1e-12)
    assert shapley_r2(corr) == pytest.approx([0.25, 0.09, 0.04], abs=1e-12)


def test_correlated_drivers_are_close_to_the_brute_force_shapley_decomposition() -> None:
    rng = np.random.default_rng(3)
    n = 5000
    common = rng.normal(size=n)
    x = np.column_stack([common + rng.normal(size=n) * s for s in (1.0, 0.5, 2.0)])
    y = x @ np.array([0.5, 0.3, 0.2]) + rng.normal(size=n)
    corr = correlations(np.column_stack([y, x]))
    johnson, shapley = relative_weights(corr), shapley_r2(corr)
    assert johnson.sum() == pytest.approx(shapley.sum(), abs=1e-12)  # both decompose the same R²
    assert johnson == pytest.approx(shapley, abs=0.01)
    assert list(np.argsort(johnson)) == list(np.argsort(shapley))


matrices = st.integers(min_value=2, max_value=5).flatmap(
    lambda k: st.tuples(
        st.integers(min_value=0, max_value=2**32 - 1),
        st.just(k),
        st.lists(st.floats(min_value=0.1, max_value=100), min_size=k + 1, max_size=k + 1),
        st.permutations(list(range(k))),
    )
)


@given(matrices)
@settings(max_examples=60, deadline=None)
def test_weights_sum_to_r2_and_ignore_order_and_scale(case: tuple[int, int, list[float], list[int]]) -> None:
    seed, k, scales, order = case
    rng = np.random.default_rng(seed)
    n = 60
    x = rng.normal(size=(n, k)) + rng.normal(size=(n, 1)) * rng.uniform(0, 2)
    y = x @ rng.normal(size=k) + rng.normal(size=n) * rng.uniform(0.1, 3)
    data = np.column_stack([y, x])
    weights = relative_weights(correlations(data))
    r2 = r_squared(correlations(data))
    assert weights.sum() == pytest.approx(r2, abs=1e-9)
    assert (weights >= -1e-12).all()
    shares = weights / weights.sum()
    assert shares.sum() == pytest.approx(1.0, abs=1e-12)
    # rescaling any column (a 1–5 rating against a 0–100 one) changes nothing
    rescaled = relative_weights(correlations(data * np.array(scales) + 3.0))
    assert rescaled == pytest.approx(weights, abs=1e-9)
    # nor does the order the drivers are given in
    permuted = relative_weights(correlations(np.column_stack([y, x[:, order]])))
    assert permuted == pytest.approx(weights[order], abs=1e-9)


def test_bootstrap_is_reproducible_with_its_seed_and_varies_without() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 3))
    data = np.column_stack([x @ [0.5, 0.2, 0.1] + rng.normal(size=300), x])
    first = bootstrap_weights(data, 50, seed=9)
    assert first.shape == (50, 3)
    assert np.array_equal(first, bootstrap_weights(data, 50, seed=9))
    assert not np.array_equal(first, bootstrap_weights(data, 50, seed=10))


# --- the command and the API --------------------------------------------------------------------------------------


def test_drivers_recover_the_known_order_and_shares(tmp_path: Path) -> None:
    root = programme(tmp_path, survey_rows(3000))
    result = cli(root, "drivers", "--metric", "nps", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [d["driver"] for d in found] == ["speed", "staff", "price"]
    assert list(found[0]) == ["driver", "importance", "ci_low", "ci_high", "share", "performance", "quadrant"]
    assert sum(d["share"] for d in found) == pytest.approx(1.0)
    for d in found:
        assert 0 <= d["ci_low"] <= d["importance"] <= d["ci_high"] <= 1
        assert 1 <= d["performance"] <= 5
    # the true shares: Johnson's weights of the generating model's own correlations (drivers correlated 0.5)
    assert [d["share"] for d in found] == pytest.approx(true_shares((0.6, 0.3, 0.1)), abs=0.05)
    # the intervals of the first and the last do not overlap: the order is not chance
    assert found[0]["ci_low"] > found[2]["ci_high"]


def test_quadrants_follow_importance_and_performance(tmp_path: Path) -> None:
    rows = survey_rows(2000)
    for row in rows:  # speed is the most important; rated low it is the one to fix first
        row["speed"] = max(1, row["speed"] - 1)
        row["price"] = min(5, row["price"] + 1)
    root = programme(tmp_path, rows)
    found = {d.driver: d for d in cxframe_insight.key_drivers(root, metric="nps", host=host())[0].drivers}
    assert found["speed"].quadrant == cxframe_insight.FIX_FIRST
    assert found["price"].quadrant == cxframe_insight.MAINTAIN
    mean_importance = sum(d.importance for d in found.values()) / 3
    mean_performance = sum(d.performance for d in found.values()) / 3
    for d in found.values():
        expected = {
            (True, False): "fix first",
            (True, True): "keep",
            (False, True): "maintain",
            (False, False): "lower priority",
        }[(d.importance >= mean_importance, d.performance >= mean_performance)]
        assert d.quadrant == expected


def test_named_drivers_and_by_segment(tmp_path: Path) -> None:
    root = programme(tmp_path, survey_rows(1200))
    result = cli(root, "drivers", "--metric", "nps", "--drivers", "staff,speed", "--by", "region", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [(d["segment"], d["driver"]) for d in found] == [
        ({"region": "North"}, "speed"),
        ({"region": "North"}, "staff"),
        ({"region": "South"}, "speed"),
        ({"region": "South"}, "staff"),
    ]
    table = cli(root, "drivers", "--metric", "nps")
    assert table.exit_code == 0, table.output
    assert "fix first" in table.stdout or "keep" in table.stdout
    assert "R² 0." in table.stdout and "from 1200 complete responses" in table.stdout


def test_incomplete_responses_are_left_out_and_counted(tmp_path: Path) -> None:
    rows = survey_rows(600)
    for row in rows[:100]:
        row["price"] = None
    root = programme(tmp_path, rows)
    analysis = cxframe_insight.key_drivers(root, metric="nps", drivers=["speed", "staff", "price"], host=host())[0]
    assert (analysis.n, analysis.incomplete) == (500, 100)


def test_too_few_complete_responses_say_so_without_figures(tmp_path: Path) -> None:
    root = programme(tmp_path, survey_rows(25))
    result = cli(root, "drivers", "--metric", "nps", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "25 complete response(s)" in result.stderr and "need at least 30" in result.stderr
    assert "no driver figures" in result.stderr


def test_a_driver_without_variance_says_so(tmp_path: Path) -> None:
    rows = survey_rows(400)
    for row in rows:
        row["staff"] = 4
    root = programme(tmp_path, rows)
    with pytest.raises(InvalidInput, match=r"no variance in 'staff'.*leave it out with --drivers"):
        cxframe_insight.key_drivers(root, metric="nps", host=host())
    by = cxframe_insight.key_drivers(root, metric="nps", by="region", host=host())
    assert all(a.problem and not a.drivers for a in by)
    result = cli(root, "drivers", "--metric", "nps", "--by", "region", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert "region=North: no variance" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--drivers", "region"], "driver 'region': is a text column of the responses, not a rating"),
        (["--drivers", "speed,wait"], "driver 'wait': no answers to this question"),
        (["--drivers", "nps"], "is the metric's own question"),
        (["--by", "colour"], "--by colour: unknown segment column"),
    ],
)
def test_bad_drivers_and_segments_are_clear_errors(tmp_path: Path, args: list[str], message: str) -> None:
    root = programme(tmp_path, survey_rows(100))
    result = cli(root, "drivers", "--metric", "nps", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_unknown_metric_and_bad_settings(tmp_path: Path) -> None:
    root = programme(
        tmp_path, survey_rows(100), plugins={"cxframe-insight": {"bootstrap": 5, "colour": 1}}, collect=False
    )
    result = cli(root, "drivers", "--metric", "nps")
    assert result.exit_code == 1
    assert "plugins.cxframe-insight.bootstrap: expected a whole number of at least 20" in result.stderr
    assert "plugins.cxframe-insight.colour: unknown key" in result.stderr
    other = programme(tmp_path / "b", survey_rows(100))
    result = cli(other, "drivers", "--metric", "loyalty")
    assert result.exit_code == 1 and "--metric loyalty: unknown metric" in result.stderr
