"""The anonymity rule: no employee result for a group smaller than the threshold.

Every employee output (``cxframe employee enps``, its JSON, the checks'
evidence, the EX ↔ CX link and its chart, `employee_evidence` for reports)
goes through `suppress`, and nothing else decides what is shown.

A *table* is a grouping of employee responses by some dimensions (segment
columns such as ``team``, ``role``, ``site``, and the period), mapping each
group's key to its number of respondents. For a table over dimensions D the
rule is applied to the tables of every subset of D, smallest first (the
overall total, then each dimension on its own, … up to D), because those
totals are public too: they are what ``cxframe employee enps`` prints with
fewer ``--by`` options.

In each table:

1. **Primary suppression** — a group with fewer respondents than the
   threshold is suppressed.
2. **Inherited suppression** — a group whose parent (the same key without
   one of its dimensions) is suppressed in the smaller table is suppressed
   too, so the parent cannot be rebuilt by adding its children up.
3. **Complementary suppression** — for each parent total and each
   dimension, look at the siblings (groups that differ only in that
   dimension). If some are suppressed, the suppressed ones must be at least
   two and together count at least the threshold; otherwise the smallest
   shown sibling is suppressed as well, and again until that holds (or all
   are). A lone suppressed group could be recovered by subtracting its
   shown siblings from the parent total. Steps 3 and 2 repeat until nothing
   changes.

Suppressed groups are **kept, with nulls**: value, n and the interval are
``None`` and the flags are exactly ``("suppressed",)`` — the same everywhere,
so a reader sees that a group exists without learning its size or result,
and cannot tell a primary from a complementary suppression. Groups with no
respondents at all do not appear (there is nothing to show).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence

#: The flag (and the only flag) of a suppressed group.
SUPPRESSED = "suppressed"

Key = tuple[Hashable, ...]
#: dimensions (in order) → group key (values in the same order) → respondents
Tables = Mapping[tuple[str, ...], Mapping[Key, int]]


def _order(key: Key) -> tuple[str, ...]:
    return tuple("" if value is None else str(value) for value in key)


def suppress_table(
    counts: Mapping[Key, int], threshold: int, forced: set[Key] | frozenset[Key] = frozenset()
) -> set[Key]:
    """The keys of one table to suppress: primary, ``forced`` and complementary suppression.

    ``counts`` maps each group's key (a tuple of dimension values) to its
    respondents; ``forced`` are keys suppressed for another reason (their
    parent is suppressed).
    """
    hidden = {key for key, count in counts.items() if count < threshold} | (set(forced) & set(counts))
    if not counts:
        return hidden
    dimensions = len(next(iter(counts)))
    changed = True
    while changed:
        changed = False
        for position in range(dimensions):
            families: dict[Key, list[Key]] = {}
            for key in counts:
                families.setdefault(key[:position] + key[position + 1 :], []).append(key)
            for members in families.values():
                hidden_here = [key for key in members if key in hidden]
                if not hidden_here:
                    continue
                total = sum(counts[key] for key in hidden_here)
                shown = sorted((key for key in members if key not in hidden), key=lambda k: (counts[k], _order(k)))
                while shown and (len(hidden_here) < 2 or total < threshold):
                    key = shown.pop(0)
                    hidden.add(key)
                    hidden_here.append(key)
                    total += counts[key]
                    changed = True
    return hidden


def suppress(tables: Tables, dimensions: Sequence[str], threshold: int) -> set[Key]:
    """The keys of the ``dimensions`` table to suppress, consistent with every smaller table.

    ``tables`` must hold the respondent counts of every subset of
    ``dimensions`` (in the same order), including the empty one (the overall
    total, key ``()``). See the module docstring for the rule.
    """
    dims = tuple(dimensions)
    hidden: dict[tuple[str, ...], set[Key]] = {}
    for size in range(len(dims) + 1):
        for subset in itertools.combinations(dims, size):
            counts = tables[subset]
            forced: set[Key] = set()
            for key in counts:
                for position in range(len(subset)):
                    parent = subset[:position] + subset[position + 1 :]
                    if key[:position] + key[position + 1 :] in hidden[parent]:
                        forced.add(key)
                        break
            hidden[subset] = suppress_table(counts, threshold, forced)
    return hidden[dims]


def subsets(dimensions: Sequence[str]) -> list[tuple[str, ...]]:
    """Every subset of ``dimensions`` in their order, the empty one first: the tables `suppress` needs."""
    dims = tuple(dimensions)
    return [subset for size in range(len(dims) + 1) for subset in itertools.combinations(dims, size)]
