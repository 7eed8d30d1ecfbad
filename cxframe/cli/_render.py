"""Terminal renderings shared by several commands (rich tables, never markup from data)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cxframe.contracts._records import SUPPRESSED, CheckResult, CheckStatus, MetricResult
from cxframe.contracts._stages import StageOutcome

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
            "hidden" if SUPPRESSED in result.flags else _number(result.value),
            "—" if result.n is None else str(result.n),
            interval,
            escape(", ".join(_flag(result, flag) for flag in result.flags)),
        )
    out.print(table)
    repeating = [result for result in results if result.repeat_respondents]
    if repeating:
        most = max(result.repeat_respondents or 0 for result in repeating)
        out.print(
            f"repeat_respondents (N): N respondents answered more than once in that group (up to {most}); "
            "their answers count as one cluster in its interval (--no-respondent-clusters treats them as independent)",
            soft_wrap=True,
        )
    if any(SUPPRESSED in result.flags for result in results):
        out.print(
            "hidden: too few respondents, or showing it would reveal a group that small (a privacy rule of a plugin)"
        )


def _flag(result: MetricResult, flag: str) -> str:
    """A flag as the table shows it: ``repeat_respondents`` with how many respondents repeat."""
    if flag == "repeat_respondents" and result.repeat_respondents:
        return f"{flag} ({result.repeat_respondents})"
    return flag


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
