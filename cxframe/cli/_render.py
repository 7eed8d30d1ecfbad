"""Terminal renderings shared by several commands (rich tables, never markup from data)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cxframe.contracts._records import CheckResult, CheckStatus, MetricResult
from cxframe.contracts._stages import StageOutcome
from cxframe.store._sqlite import Store

STATUS_STYLE = {
    CheckStatus.PASS: "green",
    CheckStatus.WARN: "yellow",
    CheckStatus.FAIL: "red",
    CheckStatus.ERROR: "magenta",
}


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def metrics(out: Console, results: Sequence[MetricResult]) -> None:
    if not results:
        out.print("no results: no observations for these metrics yet (run `cxframe collect`)")
        return
    segment_keys = sorted({key for result in results for key in result.segment})
    show_period = any(result.period for result in results)
    table = Table("metric", *segment_keys, *(["period"] if show_period else []), "value", "n", "interval", "flags")
    for result in results:
        interval = (
            f"{_number(result.ci_low)} … {_number(result.ci_high)} ({result.confidence:.0%})"
            if result.ci_low is not None
            else "—"
        )
        table.add_row(
            escape(result.metric),
            *(escape(result.segment.get(key) or "—") for key in segment_keys),
            *([escape(result.period or "")] if show_period else []),
            _number(result.value),
            "—" if result.n is None else str(result.n),
            interval,
            escape(", ".join(result.flags)),
        )
    out.print(table)


def checks(out: Console, results: Iterable[CheckResult]) -> None:
    table = Table("status", "check", "plugin", "evidence", "recommendation")
    rows = 0
    for result in results:
        rows += 1
        style = STATUS_STYLE[result.status]
        table.add_row(
            f"[{style}]{result.status.value}[/]",
            escape(result.title or result.check),
            escape(result.plugin),
            escape("; ".join(result.evidence)),
            escape(result.recommendation),
        )
    out.print(table if rows else "no checks registered (install a plugin that provides some)")


def outcomes(out: Console, stage_outcomes: Iterable[StageOutcome]) -> None:
    table = Table("stage", "status", "counts", "notes")
    for outcome in stage_outcomes:
        counts = ", ".join(f"{key} {value}" for key, value in outcome.counts.items())
        table.add_row(outcome.stage.value, outcome.status, counts, escape("\n".join(outcome.messages)))
    out.print(table)


def latest_run(out: Console, store: Store) -> None:
    """The metric, objective and check results of the newest lifecycle run."""
    row = next(store.db.query("SELECT id FROM runs WHERE command = 'run' ORDER BY id DESC LIMIT 1"), None)
    if row is None:
        return
    run_id = row["id"]
    results = [
        MetricResult(
            metric=r["metric"],
            value=r["value"],
            n=r["n"],
            ci_low=r["ci_low"],
            ci_high=r["ci_high"],
            confidence=r["confidence"],
            segment=json.loads(r["segment"]),
            period=r["period"],
            flags=tuple(json.loads(r["flags"])),
        )
        for r in store.db.query("SELECT * FROM metric_results WHERE run_id = ? AND objective IS NULL", [run_id])
    ]
    out.print("\n[bold]Metrics[/]")
    metrics(out, results)
    objectives = list(
        store.db.query("SELECT * FROM metric_results WHERE run_id = ? AND objective IS NOT NULL", [run_id])
    )
    if objectives:
        table = Table("objective", "metric", "value", "interval", "target", "status")
        for r in objectives:
            interval = "—" if r["ci_low"] is None else f"{r['ci_low']:.1f} … {r['ci_high']:.1f}"
            table.add_row(
                escape(r["objective"]),
                escape(r["metric"]),
                _number(r["value"]),
                interval,
                f"{r['target']:g}",
                r["target_status"],
            )
        out.print("\n[bold]Objectives[/]")
        out.print(table)
    findings = list(store.db.query("SELECT * FROM findings WHERE run_id = ? ORDER BY severity", [run_id]))
    out.print(f"\n[bold]Findings[/]: {len(findings)}")
    for finding in findings:
        evidence = "; ".join(json.loads(finding["evidence"]))
        out.print(f"- {escape('[' + finding['severity'] + ']')} {escape(finding['title'])}: {escape(evidence)}")
