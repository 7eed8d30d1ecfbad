"""Flags in terminal tables: each one readable in full, with what decided it, and a legend under the table.

A result's ``flags`` (``small_sample``, ``kish_effective_n`` …) are words a
script reads in ``--json``; a person reading a table needs them whole (a
``flags`` column that folds rather than cuts them) and explained (the legend
lines `flag_legend` gives, the same words as docs/surveys.md, 'Flags').
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.table import Column

from cxframe.measurement._engine import DEFAULT_MIN_SAMPLE
from cxframe.measurement._intervals import BOOTSTRAP_RESAMPLES

__all__ = ["FLAGS_DOC", "FLAG_MEANINGS", "flag_label", "flag_legend", "flags_column"]

#: Where every flag is explained at length.
FLAGS_DOC = "docs/surveys.md#flags"

#: What each flag of the core's results means, in a line (the legend under a table that shows it).
FLAG_MEANINGS: dict[str, str] = {
    "small_sample": "the (effective) sample is below the minimum sample (the metric's min_sample, else "
    f"[settings] min_sample, else {DEFAULT_MIN_SAMPLE}): read the interval, not the value",
    "weighted": "survey weights were used; the sample counts as its effective n",
    "linearised_variance": "the interval's variance is the linearised variance of the weighted (or clustered) mean",
    "kish_effective_n": "the interval uses Kish's effective n of the weights, (Σw)²/Σw² (weighted_variance = kish, "
    "or answers with no spread for the linearised variance to measure)",
    "bootstrap_variance": f"the interval's variance comes from {BOOTSTRAP_RESAMPLES:,} resamples of the answers "
    "(or respondents)",
    "repeat_respondents": "some respondents answered more than once in the group; their answers count as one "
    "cluster in its interval",
    "no_interval": "no interval can be computed (a mean of fewer than two answers, or a trend of too few periods)",
    "no_variance": "the answers are all the same: no interval (or test) rather than a zero-width one",
    "no_test": "no test could be run between the two sides (one has no answers, or neither varies)",
    "fdr_bh": "p-values adjusted by Benjamini–Hochberg (false discovery rate) rather than Holm",
    "partial_period": "a period the data do not cover in full: left out of the trend",
    "too_few_periods": "fewer than three whole periods: no slope interval and no p-value",
    "weights_ignored": "a median of a weighted group: the median of the values as they are, without the weights",
    "suppressed": "hidden: too few respondents, or showing it would reveal a group that small (a privacy rule)",
}


def flag_label(
    flag: str, *, n: int | None = None, effective_n: float | None = None, repeat_respondents: int | None = None
) -> str:
    """A flag as a table shows it: with the count that decided it when there is one.

    ``small_sample`` says the effective n when that, not n, put the group
    below the minimum (a weighted group, or one with repeat respondents:
    ``small_sample (effective n 24.3)``); ``repeat_respondents`` says how
    many respondents repeat.
    """
    if flag == "small_sample" and effective_n is not None and n is not None and effective_n < n - 0.05:
        return f"{flag} (effective n {effective_n:.1f})"
    if flag == "repeat_respondents" and repeat_respondents:
        return f"{flag} ({repeat_respondents})"
    return flag


def flag_legend(
    flags: Iterable[str], *, skip: Iterable[str] = (), meanings: Mapping[str, str] | None = None
) -> list[str]:
    """One line per flag the table shows (in the order first seen), saying what it means; none without flags.

    ``skip``: flags the caller explains in its own words; ``meanings``: a
    plugin's own flags (they win over the core's). A flag with no meaning is
    listed by name, pointing at the docs. The last line says where to read more.
    """
    known = {**FLAG_MEANINGS, **(meanings or {})}
    left_out = set(skip)
    shown = [flag for flag in dict.fromkeys(flags) if flag not in left_out]
    if not shown:
        return []
    width = max(len(flag) for flag in shown)
    lines = [f"{flag:<{width}}  {known.get(flag, 'see the docs')}" for flag in shown]
    return ["flags:", *(f"  {line}" for line in lines), f"  (every flag: {FLAGS_DOC})"]


def flags_column(header: str = "flags") -> Column:
    """The flags column: flags wrap between words and fold inside a word when the table is narrow, never cut off.

    No minimum width: a table already at its narrowest would be cropped at
    the terminal's edge instead (its other columns cannot give way).
    """
    return Column(header, overflow="fold")


def common_flags(rows: Sequence[Sequence[str]]) -> list[str]:
    """The flags every row carries (in the first row's order): a table says them once, under it, not on every row."""
    if len(rows) < 2:
        return []
    return [flag for flag in rows[0] if all(flag in row for row in rows[1:])]
