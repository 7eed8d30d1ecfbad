"""Terminal renderings shared by several commands (rich tables, never markup from data)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cxframe.cli._flags import flag_label, flag_legend, flags_column
from cxframe.contracts._records import SUPPRESSED, CheckResult, CheckStatus, MetricResult
from cxframe.contracts._stages import StageOutcome
from cxframe.measurement._flags import REPEAT_RESPONDENTS

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
    shown = [", ".join(_flag(result, flag) for flag in result.flags) for result in results]
    table = Table(
        "metric",
        *segment_keys,
        *(["period"] if show_period else []),
        "value",
        "n",
        "interval",
        flags_column(),
    )
    for result, flags in zip(results, shown, strict=True):
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
            escape(flags),
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
    # repeat respondents and hidden groups have their own lines above
    legend(out, (flag for result in results for flag in result.flags), skip=(REPEAT_RESPONDENTS, SUPPRESSED))


def _flag(result: MetricResult, flag: str) -> str:
    """A flag as the table shows it: ``small_sample`` with the effective n, ``repeat_respondents`` with its count."""
    return flag_label(flag, n=result.n, effective_n=result.effective_n, repeat_respondents=result.repeat_respondents)


def legend(out: Console, flags: Iterable[str], skip: Iterable[str] = ()) -> None:
    """The legend under a table that shows flags: what each one means (nothing when there are none)."""
    for line in flag_legend(flags, skip=skip):
        out.print(escape(line), soft_wrap=True)


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


def stage_mark(status: str, notes: int) -> str:
    """A stage's mark, one rule for `cxframe run` and `cxframe assess`: ✓ only when it ran ok with nothing to say."""
    return "✓" if status == "ok" and not notes else "!"


def stage_status(status: str, notes: int) -> str:
    """The run table's status: ``✓ ok``, or ``! 3 notes`` (the notes beside it), or ``! <status>``."""
    mark = stage_mark(status, notes)
    if status != "ok":
        return f"{mark} {status}"
    return f"{mark} ok" if not notes else f"{mark} {notes} note{'' if notes == 1 else 's'}"


def outcomes(out: Console, stage_outcomes: Iterable[StageOutcome]) -> None:
    table = Table("stage", "status", "counts", "notes")
    for outcome in stage_outcomes:
        counts = ", ".join(f"{key} {value}" for key, value in outcome.counts.items())
        status = stage_status(outcome.status, len(outcome.messages))
        table.add_row(outcome.stage.value, status, counts, escape("\n".join(outcome.messages)))
    out.print(table)
