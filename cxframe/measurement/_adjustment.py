"""Adjusting the p-values of many comparisons at once: Holm–Bonferroni or Benjamini–Hochberg."""

from __future__ import annotations

from collections.abc import Sequence

from cxframe.contracts._errors import InvalidInput


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm–Bonferroni adjusted p-values, in the input order; ``None`` stays out of the family."""
    ranked = sorted((p, index) for index, p in enumerate(p_values) if p is not None)
    m = len(ranked)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(ranked):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini–Hochberg (FDR) adjusted p-values, in the input order; ``None`` stays out of the family.

    Sort the m p-values; the i-th smallest becomes ``min over j ≥ i of min(1, m·p(j)/j)``.
    """
    ranked = sorted((p, index) for index, p in enumerate(p_values) if p is not None)
    m = len(ranked)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        p, index = ranked[rank]
        running = min(running, min(1.0, m * p / (rank + 1)))
        adjusted[index] = running
    return adjusted


#: The p-value adjustments a comparison can ask for, by name: ``holm`` (Holm–Bonferroni, the
#: family-wise error rate; the default) and ``bh`` (Benjamini–Hochberg, the false discovery rate).
ADJUSTMENTS = {"holm": holm, "bh": benjamini_hochberg}
#: Flag of comparisons whose ``p_adjusted`` is Benjamini–Hochberg's (no flag: Holm's).
FDR_BH = "fdr_bh"


def check_adjustment(adjust: str) -> None:
    if adjust not in ADJUSTMENTS:
        raise InvalidInput([f"adjust: {adjust!r} is not one of {', '.join(ADJUSTMENTS)}"])
