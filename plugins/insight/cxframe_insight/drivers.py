"""Key drivers: which attribute ratings move the overall metric, read from the store's responses.

One response's answers are read side by side in one set-based query (the
outcome question and each driver question pivoted by response); a response
that answered the outcome and every driver is *complete* and counts. The
outcome is the metric's question on its own scale (0–10 likelihood to
recommend for NPS, not the ±100 score: the regression keeps the scale's
information). Importance is Johnson's relative weight
(`cxframe_insight.weights`), with a percentile bootstrap interval from a fixed
seed; ``share`` is the importances normalised to sum to 1; ``performance`` the
driver's mean on its own scale over the complete responses. The quadrant
compares each driver's importance and performance (as a share of its scale, so
that 1–5, 0–10 and yes/no ratings compare; a question stored without a scale
spans the range of its answers) with the drivers' averages; a higher rating
counts as better, as it does for every built-in rating:

* important and performing below average: ``fix first``;
* important and performing at or above average: ``keep``;
* less important, performing at or above average: ``maintain``;
* less important, performing below average: ``lower priority``.

Answers are not weighted (a driver analysis explains the answers as given).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from cxframe import InvalidInput, MetricDefinition, Store
from cxframe_insight.settings import RESPONSES_PER_DRIVER, InsightSettings

FIX_FIRST = "fix first"
KEEP = "keep"
MAINTAIN = "maintain"
LOWER_PRIORITY = "lower priority"
#: Columns of ``responses`` that ``--by`` accepts besides the programme's segment columns.
FIXED_SEGMENTS = ("touchpoint", "channel", "source")
#: A default driver is answered together with the metric in at least this share of its responses.
DEFAULT_COVERAGE = 0.5


@attrs.frozen
class Driver:
    """One driver's importance for the metric, with its interval, share, performance and quadrant."""

    driver: str
    importance: float
    ci_low: float
    ci_high: float
    share: float
    performance: float
    quadrant: str

    def to_json(self) -> dict[str, Any]:
        """The public shape of ``cxframe drivers --json`` (DESIGN §11)."""
        return {
            "driver": self.driver,
            "importance": self.importance,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "share": self.share,
            "performance": self.performance,
            "quadrant": self.quadrant,
        }


@attrs.frozen
class DriverAnalysis:
    """The key drivers of one metric (in one segment with ``--by``), most important first.

    ``problem`` says why there are no numbers (too few complete responses, a
    driver without variance); ``drivers`` is then empty.
    """

    metric: str
    question: str
    drivers: tuple[Driver, ...]
    #: complete responses behind the figures (the outcome and every driver answered)
    n: int
    #: responses that answered the outcome but not every driver (left out)
    incomplete: int
    r_squared: float | None
    resamples: int
    confidence: float
    segment: dict[str, str | None] | None = None
    problem: str | None = None

    def to_json(self) -> list[dict[str, Any]]:
        """The drivers as ``cxframe drivers --json`` prints them; with ``--by`` each also names its segment."""
        rows = [driver.to_json() for driver in self.drivers]
        if self.segment is not None:
            return [{**row, "segment": self.segment} for row in rows]
        return rows


def _quoted(column: str) -> str:
    return "[" + column.replace("]", "]]") + "]"


def _questions_with(store: Store, metric: MetricDefinition) -> tuple[int, dict[str, int]]:
    """How many responses answered the metric, and each other question with how many of them it was answered in."""
    db = store.db
    total = db.execute(
        "SELECT count(*) FROM answers AS a JOIN responses AS r ON r.id = a.response "
        "WHERE a.question = ? AND r.population = ?",
        [metric.question, metric.population],
    ).fetchone()[0]
    rows = db.execute(
        "SELECT d.question, count(*) FROM answers AS m JOIN responses AS r ON r.id = m.response "
        "JOIN answers AS d ON d.response = m.response AND d.question <> m.question "
        "WHERE m.question = ? AND r.population = ? GROUP BY d.question ORDER BY d.question",
        [metric.question, metric.population],
    ).fetchall()
    return total, {question: count for question, count in rows}


def choose_drivers(store: Store, metric: MetricDefinition, drivers: Sequence[str] | None) -> list[str]:
    """The driver questions: those named (each checked), else every rating answered in most of the metric's responses.

    `InvalidInput` for a name that is a text column of the responses, a
    question never answered with the metric, the metric's own question, or no
    driver at all.
    """
    total, answered = _questions_with(store, metric)
    if total == 0:
        raise InvalidInput([f"metric {metric.id!r}: no answers to its question {metric.question!r} in the store yet"])
    if drivers is None:
        chosen = [q for q, count in answered.items() if count >= DEFAULT_COVERAGE * total]
        if not chosen:
            raise InvalidInput(
                [
                    f"metric {metric.id!r}: no other rating is answered in at least half of its {total} responses, "
                    "so there is nothing to explain it with; name the drivers with --drivers"
                ]
            )
        return chosen
    text_columns = set(FIXED_SEGMENTS) | {"comment", "respondent_id", "response_id", "timestamp"}
    text_columns |= set(store.segment_columns())
    problems: list[str] = []
    chosen = []
    known = ", ".join(answered) or "none"
    for name in drivers:
        if name == metric.question:
            problems.append(f"driver {name!r}: is the metric's own question; a driver must be another rating")
        elif name in answered:
            if name not in chosen:
                chosen.append(name)
        elif name in text_columns:
            problems.append(
                f"driver {name!r}: is a text column of the responses, not a rating; "
                f"drivers are rating questions answered with {metric.question!r} (known: {known})"
            )
        else:
            problems.append(
                f"driver {name!r}: no answers to this question in the responses that answered {metric.question!r} "
                f"(known: {known})"
            )
    if problems:
        raise InvalidInput(problems)
    if not chosen:
        raise InvalidInput(["--drivers: name at least one driver question"])
    return chosen


def _segment_expression(store: Store, by: str | None) -> str:
    if by is None:
        return "NULL"
    known = [*FIXED_SEGMENTS, *store.segment_columns()]
    if by not in known:
        raise InvalidInput([f"--by {by}: unknown segment column (known: {', '.join(known)})"])
    return f"r.{_quoted(by)}"


def responses(store: Store, metric: MetricDefinition, drivers: Sequence[str], by: str | None) -> tuple[list[Any], Any]:
    """One row per response that answered the metric: its segment, and outcome + drivers as floats (NaN: unanswered)."""
    questions = [metric.question, *drivers]
    pivot = ", ".join("MAX(CASE WHEN a.question = ? THEN a.value END)" for _ in questions)
    outcome = ["a.question = ?"]
    bounds: list[object] = [metric.question]
    if metric.scale_min is not None:
        outcome.append("a.value >= ?")
        bounds.append(metric.scale_min)
    if metric.scale_max is not None:
        outcome.append("a.value <= ?")
        bounds.append(metric.scale_max)
    sql = (
        f"SELECT {_segment_expression(store, by)}, {pivot} FROM answers AS a JOIN responses AS r ON r.id = a.response "
        f"WHERE r.population = ? AND a.question IN ({', '.join('?' * len(questions))}) "
        f"GROUP BY a.response HAVING SUM({' AND '.join(outcome)}) > 0"
    )
    import numpy as np  # numpy only when an analysis runs: `cxframe --help` stays fast

    rows = store.db.execute(sql, [*questions, metric.population, *questions, *bounds]).fetchall()
    segments = [row[0] for row in rows]
    values = np.array([row[1:] for row in rows], dtype=float).reshape(len(rows), len(questions))
    return segments, values


def scales_of(store: Store, drivers: Sequence[str]) -> dict[str, tuple[float, float] | None]:
    rows = store.db.execute(
        f"SELECT question, MIN(scale_min), MAX(scale_max) FROM answers WHERE question IN ({', '.join('?' * len(drivers))}) "
        "GROUP BY question",
        list(drivers),
    ).fetchall()
    found: dict[str, tuple[float, float] | None] = {name: None for name in drivers}
    for question, low, high in rows:
        if low is not None and high is not None and high > low:
            found[question] = (float(low), float(high))
    return found


def _quadrants(importance: Any, position: Any) -> list[str]:
    high_importance = importance >= importance.mean()
    high_performance = position >= position.mean()
    names = []
    for important, performing in zip(high_importance, high_performance, strict=True):
        if important:
            names.append(KEEP if performing else FIX_FIRST)
        else:
            names.append(MAINTAIN if performing else LOWER_PRIORITY)
    return names


def positions(drivers: Sequence[str], complete: Any, scales: dict[str, tuple[float, float] | None]) -> Any:
    """Each driver's mean as a share of its scale (0–1), over ``complete`` responses (outcome first, then drivers).

    So that 1–5, 0–10 and yes/no ratings compare; a question stored without a
    scale (yes/no as 0/1) is placed within the range its answers span.
    """
    import numpy as np

    performance = complete[:, 1:].mean(axis=0)
    bounds = [
        scales.get(name) or (float(complete[:, j + 1].min()), float(complete[:, j + 1].max()))
        for j, name in enumerate(drivers)
    ]
    return np.array([(mean - low) / (high - low) for mean, (low, high) in zip(performance, bounds, strict=True)])


def analyse(
    metric: MetricDefinition,
    drivers: Sequence[str],
    values: Any,
    scales: dict[str, tuple[float, float] | None],
    settings: InsightSettings,
    segment: dict[str, str | None] | None = None,
) -> DriverAnalysis:
    """The key-driver analysis of ``values`` (outcome first, then ``drivers``; NaN for unanswered)."""
    import numpy as np

    from cxframe_insight.weights import NO_VARIANCE, bootstrap_weights, correlations, relative_weights

    complete = values[~np.isnan(values).any(axis=1)]
    n = int(complete.shape[0])
    incomplete = int(values.shape[0]) - n
    needed = max(settings.min_responses, RESPONSES_PER_DRIVER * len(drivers))

    def without(problem: str) -> DriverAnalysis:
        return DriverAnalysis(
            metric.id, metric.question, (), n, incomplete, None, 0, settings.confidence, segment, problem
        )

    where = "" if segment is None else " in " + ", ".join(f"{k}={v}" for k, v in segment.items())
    if n < needed:
        return without(
            f"{metric.id}{where}: {n} complete response(s) (the metric and all {len(drivers)} driver(s) answered; "
            f"{incomplete} incomplete), need at least {needed} "
            f"(min_responses {settings.min_responses}, {RESPONSES_PER_DRIVER} per driver): no driver figures"
        )
    spread = complete.std(axis=0)
    flat = [name for name, s in zip([metric.question, *drivers], spread, strict=True) if s <= NO_VARIANCE]
    if flat:
        return without(
            f"{metric.id}{where}: no variance in {', '.join(repr(name) for name in flat)} across the {n} complete "
            "responses (every answer the same), so the drivers' importance is undefined: no driver figures"
            + ("" if metric.question in flat else "; leave it out with --drivers")
        )
    corr = correlations(complete)
    weights = relative_weights(corr)
    r2 = float(weights.sum())
    resampled = bootstrap_weights(complete, settings.bootstrap, settings.seed)
    tail = (1 - settings.confidence) / 2 * 100
    low = np.percentile(resampled, tail, axis=0)
    high = np.percentile(resampled, 100 - tail, axis=0)
    performance = complete[:, 1:].mean(axis=0)
    position = positions(drivers, complete, scales)
    quadrants = _quadrants(weights, position)
    found = [
        Driver(
            driver=name,
            importance=float(weights[j]),
            ci_low=float(low[j]),
            ci_high=float(high[j]),
            share=float(weights[j] / r2) if r2 > 0 else 0.0,
            performance=float(performance[j]),
            quadrant=quadrants[j],
        )
        for j, name in enumerate(drivers)
    ]
    found.sort(key=lambda d: (-d.importance, d.driver))
    return DriverAnalysis(
        metric.id,
        metric.question,
        tuple(found),
        n,
        incomplete,
        r2,
        int(resampled.shape[0]),
        settings.confidence,
        segment,
    )


def key_drivers(
    store: Store,
    metric: MetricDefinition,
    settings: InsightSettings,
    *,
    drivers: Sequence[str] | None = None,
    by: str | None = None,
) -> list[DriverAnalysis]:
    """The key drivers of ``metric``, overall or one analysis per value of segment column ``by``."""
    chosen = choose_drivers(store, metric, drivers)
    segments, values = responses(store, metric, chosen, by)
    scales = scales_of(store, chosen)
    if by is None:
        return [analyse(metric, chosen, values, scales, settings)]
    groups: dict[str | None, list[int]] = {}
    for index, value in enumerate(segments):
        groups.setdefault(None if value is None else str(value), []).append(index)
    ordered = sorted(groups, key=lambda value: (value is None, value or ""))
    return [analyse(metric, chosen, values[groups[value]], scales, settings, {by: value}) for value in ordered]
