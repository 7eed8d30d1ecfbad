"""Johnson's relative weights: each driver's part of the explained variance, robust to correlated drivers.

Johnson (2000), *Multivariate Behavioral Research* 35(1): the drivers' correlation
matrix ``R = Q diag(λ) Qᵀ`` gives ``Λ = Q diag(√λ) Qᵀ``, the correlations between
the drivers and their closest orthogonal counterparts ``Z``. The outcome is
regressed on ``Z`` (``β = Λ⁻¹ r_xy``, since the ``Z`` are uncorrelated) and each
driver gets back its share of every ``Z``'s explained variance:
``ε_j = Σ_k Λ_jk² β_k²``. The weights sum to the model's R² and, unlike
regression coefficients, never turn negative because two drivers overlap.
They approximate the Shapley decomposition of R² (the average gain of each
driver over every order of entry, `shapley_r2`), exactly so when the drivers
are uncorrelated, at the cost of one eigen-decomposition instead of 2ᵏ regressions.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

#: Below this a driver (or the outcome) counts as having no variance.
NO_VARIANCE = 1e-12

Array = Any  # numpy arrays: numpy's own typing is too loose to say more here


def correlations(data: Array) -> Array:
    """The correlation matrix of ``data``'s columns (outcome first, then the drivers)."""
    centred = data - data.mean(axis=0)
    scale = np.sqrt((centred * centred).sum(axis=0))
    standard = centred / scale
    result: Array = standard.T @ standard
    return result


def relative_weights(corr: Array) -> Array:
    """Johnson's raw relative weights from a correlation matrix whose first row/column is the outcome.

    Returns one weight per driver; they sum to the R² of the outcome on all drivers.
    """
    rxx = corr[1:, 1:]
    rxy = corr[1:, 0]
    values, vectors = np.linalg.eigh(rxx)
    # a singular R (a driver that is a copy of another) has eigenvalues at rounding level, some just below 0
    values = np.clip(values, 0.0, None)
    lam = vectors @ np.diag(np.sqrt(values)) @ vectors.T
    beta = np.linalg.lstsq(lam, rxy, rcond=None)[0]
    weights: Array = (lam * lam) @ (beta * beta)
    return weights


def r_squared(corr: Array, drivers: tuple[int, ...] | list[int] | None = None) -> float:
    """R² of the outcome (index 0) on the drivers at ``drivers`` (indices into the drivers, 0-based; all by default)."""
    chosen = list(range(corr.shape[0] - 1)) if drivers is None else list(drivers)
    if not chosen:
        return 0.0
    index = [d + 1 for d in chosen]
    rxx = corr[np.ix_(index, index)]
    rxy = corr[index, 0]
    return float(rxy @ np.linalg.lstsq(rxx, rxy, rcond=None)[0])


def shapley_r2(corr: Array) -> Array:
    """The Shapley decomposition of R² by brute force: each driver's mean gain over all 2ᵏ subsets, weighted.

    The reference that `relative_weights` approximates (kept for tests and small k).
    """
    k = corr.shape[0] - 1
    cache: dict[tuple[int, ...], float] = {}

    def fit(subset: tuple[int, ...]) -> float:
        if subset not in cache:
            cache[subset] = r_squared(corr, subset)
        return cache[subset]

    result = np.zeros(k)
    for j in range(k):
        others = [d for d in range(k) if d != j]
        for size in range(k):
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for subset in itertools.combinations(others, size):
                with_j = tuple(sorted((*subset, j)))
                result[j] += weight * (fit(with_j) - fit(subset))
    return result


def bootstrap_weights(data: Array, resamples: int, seed: int) -> Array:
    """Relative weights of ``resamples`` bootstrap resamples of ``data``'s rows (one row of weights per resample).

    The resamples are drawn from ``numpy.random.default_rng(seed)``, so the
    same data and seed give the same intervals. A resample in which a column
    happens to have no variance is left out (its weights are undefined).
    """
    rng = np.random.default_rng(seed)
    n = data.shape[0]
    # centred once, so that the raw moments below lose nothing to cancellation
    centred = data - data.mean(axis=0)
    found = []
    for _ in range(resamples):
        # a resample as how often each row was drawn: its moments are count-weighted sums, one matrix product
        counts = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
        mean = counts @ centred / n
        cov = (centred.T * counts) @ centred / n - np.outer(mean, mean)
        scale = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        if float(scale.min()) <= NO_VARIANCE:
            continue
        found.append(relative_weights(cov / np.outer(scale, scale)))
    return np.array(found).reshape(len(found), data.shape[1] - 1)
