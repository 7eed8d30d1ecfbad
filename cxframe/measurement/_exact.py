"""Exact tests for comparisons at small counts: Fisher's for two shares, a permutation test for NPS.

Used by `cxframe.measurement._comparisons` where Cochran's rule says the normal approximation is
poor (`small_counts`); the counts of a weighted side are its shares times its effective n, rounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: Cochran's rule: a normal-approximation test is used only when every expected cell count of the
#: 2×k table (2 sides × answer categories seen in either) is at least this under "no difference";
#: otherwise the exact test (``fisher_exact``, ``nps_exact_permutation``).
MIN_EXPECTED_COUNT = 5.0
#: Above this many tables the exact NPS test is not enumerated (the z-test is kept): it only
#: happens with thousands of answers a side, where the normal approximation is good.
MAX_EXACT_TABLES = 2_000_000


def whole_counts(shares: Sequence[float], n_eff: float) -> list[int]:
    """Whole answer counts per category from shares of an effective sample (weights: rounded)."""
    n = max(round(n_eff), 0)
    counts = [max(round(share * n_eff), 0) for share in shares[:-1]]
    return [*counts, max(n - sum(counts), 0)]


def small_counts(first: Sequence[int], second: Sequence[int]) -> bool:
    """Whether a 2×k table has an expected count below `MIN_EXPECTED_COUNT` (categories seen in either row)."""
    n1, n0 = sum(first), sum(second)
    total = n1 + n0
    if total == 0:
        return False
    columns = [a + b for a, b in zip(first, second, strict=True)]
    return any(row * column / total < MIN_EXPECTED_COUNT for row in (n1, n0) for column in columns if column > 0)


def fisher_exact_p(successes1: int, n1: int, successes0: int, n0: int) -> float:
    """Two-sided Fisher exact p of a 2×2 table (tables no more likely than the observed one)."""
    from scipy import stats  # imported late: costly at start-up (see cxframe.measurement._intervals)

    table = [[successes1, n1 - successes1], [successes0, n0 - successes0]]
    return float(stats.fisher_exact(table).pvalue)


def nps_exact_p(first: Sequence[int], second: Sequence[int]) -> float | None:
    """Exact permutation p for a difference of NPS, from ``(promoters, passives, detractors)`` counts.

    Under "no difference" the answers are exchangeable between the sides, so
    given both sides' sizes and the totals per category the first side's counts
    follow the multivariate hypergeometric distribution; p is the probability of
    a table whose NPS difference is at least as large (in absolute value) as the
    observed one. It is the exact permutation test of the difference of the
    ±100/0 scores' means. None when there are more than `MAX_EXACT_TABLES` tables.
    """
    import numpy as np
    from scipy.special import gammaln

    if sum(first) > sum(second):
        # |difference| is symmetric in the sides: enumerate the smaller one's tables
        first, second = second, first
    promoters, passives, detractors = (a + b for a, b in zip(first, second, strict=True))
    n1, n0 = sum(first), sum(second)
    total = n1 + n0
    a = np.arange(max(0, n1 - passives - detractors), min(promoters, n1) + 1)
    b = np.arange(0, min(detractors, n1) + 1)
    if len(a) * len(b) > MAX_EXACT_TABLES:
        return None
    p1, d1 = np.meshgrid(a, b, indexing="ij")
    a1 = n1 - p1 - d1
    valid = (a1 >= 0) & (a1 <= passives) & (d1 >= n1 - promoters - passives)
    p1, d1, a1 = p1[valid], d1[valid], a1[valid]

    def log_choose(n: Any, k: Any) -> Any:
        return gammaln(np.asarray(n) + 1) - gammaln(np.asarray(k) + 1) - gammaln(np.asarray(n) - np.asarray(k) + 1)

    log_p = log_choose(promoters, p1) + log_choose(passives, a1) + log_choose(detractors, d1) - log_choose(total, n1)
    statistic = (p1 - d1) / n1 - ((promoters - p1) - (detractors - d1)) / n0
    observed = (first[0] - first[2]) / n1 - (second[0] - second[2]) / n0
    # ties in exact arithmetic differ in floats by a few ulps
    extreme = np.abs(statistic) >= abs(observed) - 1e-9
    return float(min(1.0, np.exp(log_p[extreme]).sum()))
