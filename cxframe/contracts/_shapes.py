"""The public JSON shapes of results (DESIGN §11), shared by the CLI and the assessment document."""

from __future__ import annotations

from typing import Any

from cxframe.contracts._records import CheckResult, MetricResult

__all__ = ["check_json", "metric_json"]


def metric_json(result: MetricResult) -> dict[str, Any]:
    """The public JSON shape of a metric result (DESIGN §11), plus optional extras."""
    data: dict[str, Any] = {
        "metric": result.metric,
        "segment": dict(result.segment),
        "period": result.period,
        "value": result.value,
        "n": result.n,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "confidence": result.confidence,
        "flags": list(result.flags),
    }
    if result.effective_n is not None:
        data["effective_n"] = result.effective_n
    if result.objective is not None:
        data.update(
            objective=result.objective,
            target=result.target,
            target_status=result.target_status.value if result.target_status else None,
        )
    return data


def check_json(result: CheckResult) -> dict[str, Any]:
    """The public JSON shape of a check result (DESIGN §11)."""
    return {
        "check": result.check,
        "plugin": result.plugin,
        "status": result.status.value,
        "severity": result.severity.value if result.severity else None,
        "title": result.title,
        "evidence": list(result.evidence),
        "recommendation": result.recommendation,
    }
