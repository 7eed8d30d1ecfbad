"""How well comment sentiment agrees with the respondent's own score, on the data at hand.

For an NPS-type metric (``nps``, ``enps``: interval method ``nps``, values
+1/0/−1), each comment with an answer is a promoter's, a passive's or a
detractor's; the cross-table with the comment's sentiment label says how far
the lexicon can be trusted on *these* customers:

* ``agreement`` — among promoters and detractors, the share whose comment
  has the sentiment their score implies (promoter → positive, detractor →
  negative); a neutral comment counts as a miss. Its interval is Wilson's
  (``scipy.stats.binomtest``), at the programme's ``[settings] confidence``
  (``confidence``, 0.95 by default).
* ``polar_agreement`` — the same among the promoters and detractors whose
  comment is not neutral: when the lexicon does take a side, how often it is
  the right one.
* ``spearman`` — the rank correlation of the comment's compound score with
  the raw answer (0–10), over every comment with an answer, and its p-value.

Passives are in the table but in neither share: a 7 or 8 may go with praise
or complaint.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from cxframe import IntervalMethod, InvalidInput, MetricDefinition
from cxframe_text.comments import Comment
from cxframe_text.sentiment import NEGATIVE, NEUTRAL, POSITIVE, SentimentScorer

GROUPS = ("promoter", "passive", "detractor")
LABELS = (POSITIVE, NEUTRAL, NEGATIVE)


@attrs.frozen
class SentimentReport:
    """``cxframe text sentiment``: labels of all comments and their agreement with the metric."""

    comments: int
    positive: int
    neutral: int
    negative: int
    metric: str | None
    #: group (promoter, passive, detractor) → label → comments
    table: dict[str, dict[str, int]]
    agreement: float | None
    ci_low: float | None
    ci_high: float | None
    polar_agreement: float | None
    spearman: float | None
    spearman_p: float | None
    #: the confidence level of ``ci_low``…``ci_high`` (not in the public JSON: the text says it)
    confidence: float = 0.95

    def to_json(self) -> dict[str, Any]:
        return {
            "comments": self.comments,
            "positive": self.positive,
            "neutral": self.neutral,
            "negative": self.negative,
            "agreement": {
                "metric": self.metric,
                "table": self.table,
                "agreement": self.agreement,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "polar_agreement": self.polar_agreement,
                "spearman": self.spearman,
                "spearman_p": self.spearman_p,
            },
        }


def check_metric(metric: MetricDefinition) -> None:
    """`InvalidInput` unless ``metric`` splits respondents into promoters and detractors (interval method nps)."""
    if metric.interval is not IntervalMethod.NPS:
        raise InvalidInput(
            [
                f"--metric: needs an NPS-type metric, whose answers make promoters and detractors, "
                f"and {metric.id!r} is not one (try nps or enps)"
            ]
        )


def _group(value: float) -> str:
    return "promoter" if value > 0 else "detractor" if value < 0 else "passive"


def sentiment_report(
    comments: Iterable[Comment], scorer: SentimentScorer, metric: MetricDefinition, *, confidence: float = 0.95
) -> SentimentReport:
    """Label every comment and cross it with ``metric``'s promoter/passive/detractor groups.

    ``confidence`` is the level of the agreement's Wilson interval (the programme's ``[settings] confidence``).
    """
    from scipy import stats  # only for the interval and the correlation

    check_metric(metric)
    counts = dict.fromkeys(LABELS, 0)
    table = {group: dict.fromkeys(LABELS, 0) for group in GROUPS}
    compounds: list[float] = []
    scores: list[float] = []
    for comment in comments:
        found = scorer.score(comment.text)
        counts[found.label] += 1
        if comment.value is not None:
            table[_group(comment.value)][found.label] += 1
            if comment.score is not None:
                compounds.append(found.compound)
                scores.append(comment.score)
    promoters, detractors = table["promoter"], table["detractor"]
    polar = promoters[POSITIVE] + detractors[NEGATIVE]
    both = sum(promoters.values()) + sum(detractors.values())
    taking_sides = both - promoters[NEUTRAL] - detractors[NEUTRAL]
    agreement = low = high = None
    if both:
        agreement = polar / both
        interval = stats.binomtest(polar, both).proportion_ci(confidence_level=confidence, method="wilson")
        low, high = float(interval.low), float(interval.high)
    rho = rho_p = None
    if len(scores) >= 3 and len(set(scores)) > 1 and len(set(compounds)) > 1:
        result = stats.spearmanr(compounds, scores)
        rho, rho_p = float(result.statistic), float(result.pvalue)
    return SentimentReport(
        comments=sum(counts.values()),
        positive=counts[POSITIVE],
        neutral=counts[NEUTRAL],
        negative=counts[NEGATIVE],
        metric=metric.id,
        table=table,
        agreement=agreement,
        ci_low=low,
        ci_high=high,
        polar_agreement=polar / taking_sides if taking_sides else None,
        spearman=rho,
        spearman_p=rho_p,
        confidence=confidence,
    )
