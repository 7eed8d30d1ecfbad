"""Score-linked themes: per theme, how often comments mention it and what the metric is with and without it.

For a theme T and metric M, the comments (with an answer to M) split in two:
those that mention T and **the rest** (never the overall: it contains the
theme's own comments, and the two sides would not be independent).
``mean_with`` and ``mean_without`` are M on each side in its own units
(× the definition's multiplier: NPS points for ``nps``, percentage points
for CSAT), ``diff`` their difference, and the interval and p-value are the
core's two-sample comparison for M's interval method
(`cxframe.difference`): for NPS the adjusted-Wald z on the trinomial
(exact permutation test where counts are small), for proportions
Newcombe's interval with a pooled z (Fisher's exact test where counts are
small), for means Welch's t. Survey weights count as in ``measure`` (Kish's
effective n).

Many themes are many tests: ``p_adjusted`` is Holm's adjustment
(`cxframe.holm`) over every theme of the call (every segment of ``--by``
too), the family ``measure --compare`` uses, and ``significant`` is
``p_adjusted < 1 − confidence``. Holm rather than Benjamini–Hochberg: the
themes' tests share comments (a comment mentions several themes, and every
theme's "rest" holds the other themes' comments), so they depend on each
other both ways, and Holm holds under any dependence while
Benjamini–Hochberg's guarantee needs positive dependence; it is also the
core's default, so "significant" means the same in ``measure --compare``.

``n_with`` and ``n_without`` count the comments with an answer to M on
each side; a row is flagged ``small_sample`` (`cxframe.SMALL_SAMPLE`) when
either side's effective n is below the minimum sample, by the rule
``measure --compare`` uses: M's own ``min_sample``, else the programme's
``settings.min_sample``, else `cxframe.DEFAULT_MIN_SAMPLE`.

``mentions`` counts every comment that mentions the theme (with an answer
to M or not); ``share`` is mentions over all comments; ``coverage`` the share
of comments with at least one theme.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from cxframe import DEFAULT_MIN_SAMPLE, SMALL_SAMPLE, GroupStats, MetricDefinition, difference, holm
from cxframe import mask_personal_data as mask
from cxframe_text.comments import Comment
from cxframe_text.tagging import Tagger

#: How many untagged comments the report shows by default.
UNTAGGED_SAMPLE = 5


@attrs.frozen
class ThemeResult:
    """One theme's row of ``cxframe text themes``."""

    theme: str
    mentions: int
    share: float | None
    metric: str | None
    mean_with: float | None
    mean_without: float | None
    diff: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    #: Holm-adjusted over every theme of the call (None without a test)
    p_adjusted: float | None = None
    #: ``p_adjusted < 1 − confidence``: the only ground on which a theme is called significant
    significant: bool = False
    #: comments on each side with an answer to the metric
    n_with: int = 0
    n_without: int = 0
    #: ``small_sample`` when either side's effective n is below the minimum sample
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The public shape (DESIGN §11): ``{theme, mentions, share, metric, mean_with, mean_without, diff, ci_low,
        ci_high, p_value}``, then the keys added since: ``p_adjusted, significant, n_with, n_without, flags``."""
        return {
            "theme": self.theme,
            "mentions": self.mentions,
            "share": self.share,
            "metric": self.metric,
            "mean_with": self.mean_with,
            "mean_without": self.mean_without,
            "diff": self.diff,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "significant": self.significant,
            "n_with": self.n_with,
            "n_without": self.n_without,
            "flags": list(self.flags),
        }


@attrs.frozen
class ThemeReport:
    """``cxframe text themes``: coverage, a sample of untagged comments and one row per theme."""

    coverage: float | None
    untagged_sample: tuple[str, ...]
    themes: tuple[ThemeResult, ...]
    comments: int = 0
    #: the ``--by`` column and its value, None for the whole
    segment: dict[str, str | None] | None = None
    #: the confidence level of the intervals and of ``significant`` (not in the public JSON)
    confidence: float = 0.95
    #: how many untagged comments read as each of ``untagged_sample`` (not in the public JSON)
    untagged_counts: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{coverage, untagged_sample, themes: [...]}`` (DESIGN §11), and ``segment`` when grouped with ``--by``."""
        shape: dict[str, Any] = {
            "coverage": self.coverage,
            "untagged_sample": list(self.untagged_sample),
            "themes": [theme.to_json() for theme in self.themes],
        }
        if self.segment is not None:
            shape["segment"] = self.segment
        return shape


def distinct_texts(texts: Iterable[str]) -> list[tuple[str, int]]:
    """Each distinct text, masked, in the order first seen, with how many of ``texts`` read as it.

    Texts that differ only in case, spacing or a masked number are one: the
    same comment shown three times tells the reader nothing more.
    """
    first: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for text in texts:
        shown = mask(text)
        key = " ".join(shown.split()).casefold()
        first.setdefault(key, " ".join(shown.split()))
        counts[key] += 1
    return [(shown, counts[key]) for key, shown in first.items()]


def counted(text: str, count: int) -> str:
    """``text ×12`` for a text written more than once (the CLI's and the report's way of showing it)."""
    return f"{text} ×{count}" if count > 1 else text


def spread_sample(items: list[str], size: int) -> tuple[str, ...]:
    """``size`` items spread evenly through ``items`` (first and last included): deterministic, not clustered."""
    if size <= 0 or not items:
        return ()
    if len(items) <= size:
        return tuple(items)
    if size == 1:
        return (items[0],)
    return tuple(items[round(index * (len(items) - 1) / (size - 1))] for index in range(size))


def _scaled(value: float | None, multiplier: float) -> float | None:
    return None if value is None else value * multiplier


def theme_report(
    comments: Iterable[Comment],
    tagger: Tagger,
    metric: MetricDefinition | None,
    *,
    confidence: float = 0.95,
    min_sample: int | None = None,
    sample: int = UNTAGGED_SAMPLE,
    segment: dict[str, str | None] | None = None,
) -> ThemeReport:
    """The theme report of ``comments`` (tagged with ``tagger``), against ``metric`` (None: mentions only).

    ``min_sample`` is the programme's minimum sample (``metric.min_sample`` first, `cxframe.DEFAULT_MIN_SAMPLE`
    without either); p-values are adjusted over this report's themes (`adjust_themes` for several reports).
    """
    themes = [theme.id for theme in tagger.codeframe.themes]
    mentions = dict.fromkeys(themes, 0)
    values: list[tuple[float, float]] = []
    tagged_values: dict[str, list[int]] = {theme: [] for theme in themes}
    untagged: list[str] = []
    total = 0
    for comment in comments:
        total += 1
        found = tagger.tag(comment.text)
        if not found:
            untagged.append(comment.text)
        for theme in found:
            mentions[theme] += 1
        if comment.value is not None:
            for theme in found:
                tagged_values[theme].append(len(values))
            values.append((comment.value, comment.weight))
    minimum = (metric.min_sample if metric is not None else None) or min_sample or DEFAULT_MIN_SAMPLE
    results = []
    for theme in themes:
        row: dict[str, Any] = {"theme": theme, "mentions": mentions[theme], "metric": None}
        row |= dict.fromkeys(("mean_with", "mean_without", "diff", "ci_low", "ci_high", "p_value"))
        row["share"] = mentions[theme] / total if total else None
        if metric is not None:
            row.update(_compare(metric, values, tagged_values[theme], confidence, minimum))
        results.append(ThemeResult(**row))
    distinct = dict(distinct_texts(untagged))  # in first-seen order: the spread is over different comments
    chosen = spread_sample(list(distinct), sample)
    (report,) = adjust_themes(
        [
            ThemeReport(
                coverage=(total - len(untagged)) / total if total else None,
                untagged_sample=chosen,
                untagged_counts=tuple(distinct[text] for text in chosen),
                themes=tuple(results),
                comments=total,
                segment=segment,
                confidence=confidence,
            )
        ],
        confidence,
    )
    return report


def adjust_themes(reports: Sequence[ThemeReport], confidence: float = 0.95) -> list[ThemeReport]:
    """``reports`` with ``p_adjusted`` (Holm) and ``significant`` worked out over all their themes as one family.

    The family is every theme with a test in every report given (every segment of ``--by``), as
    ``measure --compare`` makes every segment of a call one family; themes without a test stay out.
    ``significant`` is ``p_adjusted < 1 − confidence``.
    """
    adjusted = iter(holm([row.p_value for report in reports for row in report.themes]))
    found = []
    for report in reports:
        rows = []
        for row in report.themes:
            p = next(adjusted)
            rows.append(attrs.evolve(row, p_adjusted=p, significant=p is not None and p < 1 - confidence))
        found.append(attrs.evolve(report, themes=tuple(rows)))
    return found


def _compare(
    metric: MetricDefinition, values: list[tuple[float, float]], inside: list[int], confidence: float, minimum: int
) -> dict[str, Any]:
    chosen = set(inside)
    with_ = [values[index] for index in inside]
    without = [value for index, value in enumerate(values) if index not in chosen]
    group = GroupStats.from_values([x for x, _ in with_], [w for _, w in with_])
    rest = GroupStats.from_values([x for x, _ in without], [w for _, w in without])
    m = metric.multiplier
    found: dict[str, Any] = {
        "metric": metric.id,
        "mean_with": _scaled(group.mean, m),
        "mean_without": _scaled(rest.mean, m),
        "n_with": len(with_),
        "n_without": len(without),
        # the rule of ``measure --compare``: either side's (Kish) effective n below the minimum
        "flags": (SMALL_SAMPLE,) if min(group.effective_n, rest.effective_n) < minimum else (),
        "diff": None,
        "ci_low": None,
        "ci_high": None,
        "p_value": None,
    }
    if group.mean is not None and rest.mean is not None:
        found["diff"] = (group.mean - rest.mean) * m
        compared = difference(metric.interval, group, rest, confidence)
        if compared is not None:
            found.update(
                diff=compared.difference * m,
                ci_low=compared.ci_low * m,
                ci_high=compared.ci_high * m,
                p_value=compared.p_value,
            )
    return found
