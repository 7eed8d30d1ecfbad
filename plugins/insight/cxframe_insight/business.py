"""Experience to business: a KPI among the metric's groups, and what a point of the metric is worth in it.

Per customer, one row, read in one SQL query: the KPI is the mean of the
customer's facts of that KPI (`cxframe_insight.kpis`; a 0/1 KPI such as
``retention`` becomes the customer's share of 1s, usually just their one
fact); the metric is the metric's own score of the customer's latest answer
(+100/0/−100 for NPS, 100/0 for a top-two-box CSAT). Only customers with
both count; KPI customers without an answer are counted and reported.

* **groups**: the KPI's mean among the customers whose latest answer scored
  the same (for NPS: detractors, passives, promoters), each with its
  interval (Wilson for a 0/1 KPI, t otherwise), and the difference between
  the highest- and lowest-scoring group with Welch's t test;
* **per point**: the least-squares slope of the KPI on the customer's score,
  with its t interval: how much the KPI differs per point of the metric
  (for NPS: per NPS point, since NPS is the mean of the per-answer scores).

Both are **associations**, not effects: customers who score high may differ
in other ways (tenure, product, income) that drive the KPI; the output says so.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from cxframe import InvalidInput, MetricDefinition, Store
from cxframe_insight.kpis import KPI

CAVEAT = (
    "association, not cause: customers who score high may differ in other ways (tenure, product, region) "
    "that move the KPI; use it to size the link, not to promise a return"
)
#: Fewest matched customers per group for it to be shown with an interval, and overall for a slope.
MIN_GROUP = 5
MIN_CUSTOMERS = 10


@attrs.frozen
class KpiGroup:
    group: str
    score: float
    n: int
    kpi: float
    ci_low: float | None
    ci_high: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "score": self.score,
            "n": self.n,
            "kpi": self.kpi,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }


@attrs.frozen
class BusinessLink:
    """The KPI by the metric's groups and per point of the metric, for the customers who have both."""

    kpi: str
    metric: str
    customers: int
    kpi_customers: int
    #: KPI customers with no answer to the metric (counted, not used)
    unmatched: int
    groups: tuple[KpiGroup, ...]
    difference: dict[str, Any] | None
    per_point: dict[str, Any] | None
    confidence: float
    caveat: str = CAVEAT

    def to_json(self) -> dict[str, Any]:
        """The shape of ``cxframe business --json``."""
        return {
            "kpi": self.kpi,
            "metric": self.metric,
            "customers": self.customers,
            "kpi_customers": self.kpi_customers,
            "unmatched": self.unmatched,
            "confidence": self.confidence,
            "groups": [group.to_json() for group in self.groups],
            "difference": self.difference,
            "per_point": self.per_point,
            "caveat": self.caveat,
        }


def _group_name(metric: MetricDefinition, score: float, scores: set[float]) -> str:
    top = max(abs(s) for s in scores) or 1.0
    if scores <= {-top, 0.0, top} and -top in scores:
        return {-top: "detractors", 0.0: "passives", top: "promoters"}[score]
    return f"scored {score:g}"


def _interval(values: Any, confidence: float, binary: bool) -> tuple[float | None, float | None]:
    from scipy import stats

    n = len(values)
    mean = float(values.mean())
    if binary:
        z = float(stats.norm.ppf(0.5 + confidence / 2))
        centre = (mean + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(mean * (1 - mean) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return centre - half, centre + half
    if n < 2:
        return None, None
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * float(values.std(ddof=1)) / math.sqrt(n)
    return mean - half, mean + half


def _welch(high: Any, low: Any, confidence: float) -> dict[str, Any]:
    from scipy import stats

    difference = float(high.mean() - low.mean())
    va, vb = float(high.var(ddof=1)) / len(high), float(low.var(ddof=1)) / len(low)
    se = math.sqrt(va + vb)
    if se == 0:
        return {"value": difference, "ci_low": difference, "ci_high": difference, "p_value": None, "method": "welch_t"}
    df = (va + vb) ** 2 / (va**2 / (len(high) - 1) + vb**2 / (len(low) - 1))
    t = float(stats.t.ppf(0.5 + confidence / 2, df))
    p = float(2 * stats.t.sf(abs(difference / se), df))
    return {
        "value": difference,
        "ci_low": difference - t * se,
        "ci_high": difference + t * se,
        "p_value": p,
        "method": "welch_t",
    }


def link(store: Store, kpi: str, metric: MetricDefinition, confidence: float) -> BusinessLink:
    """The KPI ``kpi`` against ``metric``; `InvalidInput` for a KPI with no facts in the store."""
    import numpy as np
    from scipy import stats

    known = [
        k
        for (k,) in store.db.execute(
            "SELECT DISTINCT question FROM observations WHERE population = ? ORDER BY question", [KPI]
        )
    ]
    if kpi not in known:
        raise InvalidInput(
            [
                f"--kpi {kpi}: no facts of this KPI in the store (known: {', '.join(known) or 'none; collect a kpi-csv source'})"
            ]
        )
    bounds = ""
    params: list[Any] = [KPI, kpi, metric.multiplier, metric.question, metric.population]
    if metric.scale_min is not None:
        bounds += " AND value >= ?"
        params.append(metric.scale_min)
    if metric.scale_max is not None:
        bounds += " AND value <= ?"
        params.append(metric.scale_max)
    # value_sql is the registered metric's own per-answer expression (a plugin's code, not user text)
    rows = store.db.execute(
        "WITH k AS (SELECT respondent_id AS customer, AVG(value) AS kpi FROM observations "
        "WHERE population = ? AND question = ? AND respondent_id IS NOT NULL GROUP BY respondent_id), "
        f"m AS (SELECT respondent_id AS customer, ({metric.value_sql}) * ? AS score, "
        "ROW_NUMBER() OVER (PARTITION BY respondent_id ORDER BY timestamp DESC, response DESC) AS k "
        f"FROM observations WHERE question = ? AND population = ? AND respondent_id IS NOT NULL{bounds}) "
        "SELECT k.kpi, m.score FROM k LEFT JOIN m ON m.customer = k.customer AND m.k = 1",
        params,
    ).fetchall()
    kpi_customers = len(rows)
    pairs = np.array([(a, b) for a, b in rows if b is not None], dtype=float).reshape(-1, 2)
    values, scores = pairs[:, 0], pairs[:, 1]
    if not len(values):
        raise InvalidInput(
            [
                f"--kpi {kpi}: none of its {kpi_customers} customer(s) answered {metric.id!r} "
                "(customer ids must match the surveys' respondent ids): nothing to link"
            ]
        )
    binary = bool(np.isin(values, (0.0, 1.0)).all())
    distinct = {float(s) for s in scores}
    groups: list[KpiGroup] = []
    difference = None
    if 0 < len(distinct) <= 3:
        for score in sorted(distinct):
            chosen = values[scores == score]
            low, high = _interval(chosen, confidence, binary) if len(chosen) >= MIN_GROUP else (None, None)
            groups.append(
                KpiGroup(_group_name(metric, score, distinct), score, len(chosen), float(chosen.mean()), low, high)
            )
        if len(groups) >= 2 and min(groups[0].n, groups[-1].n) >= MIN_GROUP:
            difference = {
                "between": [groups[-1].group, groups[0].group],
                **_welch(values[scores == groups[-1].score], values[scores == groups[0].score], confidence),
            }
    per_point = None
    if len(values) >= MIN_CUSTOMERS and len(distinct) >= 2:
        fit = stats.linregress(scores, values)
        t = float(stats.t.ppf(0.5 + confidence / 2, len(values) - 2))
        per_point = {
            "slope": float(fit.slope),
            "ci_low": float(fit.slope - t * fit.stderr),
            "ci_high": float(fit.slope + t * fit.stderr),
            "p_value": float(fit.pvalue),
            "n": len(values),
        }
    return BusinessLink(
        kpi,
        metric.id,
        len(values),
        kpi_customers,
        kpi_customers - len(values),
        tuple(groups),
        difference,
        per_point,
        confidence,
    )
