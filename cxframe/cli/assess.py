"""``cxframe assess`` and ``cxframe report``: the main job, and rendering it again."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cxframe import api
from cxframe.cli._common import common_options, console, emit_json, handle_errors, json_option, state
from cxframe.cli._render import stage_mark
from cxframe.reporters._i18n import LANGUAGES, model_text, text
from cxframe.reporters._markdown import objective_counts, overall_level
from cxframe.reporters._views import ROLES, View, severity_rank
from cxframe.reporters._wording import Wording


def _report_options(command: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--role",
                type=click.Choice(ROLES),
                default="cx-lead",
                show_default=True,
                help="Who the reports are for: what they show and how deep.",
            ),
            click.option(
                "--lang", type=click.Choice(LANGUAGES), default="en", show_default=True, help="Report language."
            ),
            click.option(
                "--format",
                "formats",
                multiple=True,
                help="Reporter id (repeatable; default: every installed reporter).",
            ),
            click.option(
                "--out",
                type=click.Path(file_okay=False, path_type=Path),
                help="Folder for the reports, named assessment.<suffix> there (default: reports/ in the programme "
                "folder, where a --role or --lang other than cx-lead and en writes assessment.<role>.<lang>.<suffix>).",
            ),
        ]
    ):
        command = option(command)
    return command


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def summary(out: Console, document: Mapping[str, Any], lang: str = "en", role: str = "cx-lead") -> None:
    """The terminal summary: maturity by dimension, key metrics, top findings, next actions (those ``role`` acts on)."""
    model = document["model"]
    # the same words as the reports: metric titles, flags, findings and actions in the reader's language
    words = Wording({**document, "view": {"role": role, "lang": lang}})
    level, score = overall_level(document)
    out.print(
        f"\n[bold]{escape(document['programme']['name'])}[/] — "
        + escape(
            text(
                "summary.maturity",
                lang,
                model=model_text(model, "title", lang, model["title"]),
                level=level,
                score=f"{score:.2f}",
            )
        )
    )
    out.print(escape(_lifecycle_line(document, lang)))
    table = Table(text("column.dimension", lang), text("column.level", lang), text("column.score", lang), "")
    for dimension in model["dimensions"]:
        bar = "█" * int(dimension["level"]) + "░" * (5 - int(dimension["level"]))
        table.add_row(
            escape(model_text(model, dimension["id"], lang, dimension["title"])),
            str(dimension["level"]),
            f"{dimension['score']:.2f}",
            bar,
        )
    out.print(table)
    if document["metrics"]:
        metrics = Table(
            text("column.metric", lang),
            text("column.value", lang),
            text("column.interval", lang),
            "n",
            text("column.flags", lang),
        )
        for row in document["metrics"]:
            interval = f"{_number(row['ci_low'])} … {_number(row['ci_high'])}" if row["ci_low"] is not None else "—"
            metrics.add_row(
                escape(words.metric_title(row["metric"])),
                _number(row["value"]),
                interval,
                "—" if row["n"] is None else str(row["n"]),
                escape(words.flags(row["flags"])),
            )
        out.print(metrics)
    out.print(escape(text("summary.objectives", lang, **objective_counts(document))))
    findings = sorted(document["findings"], key=lambda f: -severity_rank(f))[:5]
    if findings:
        out.print(f"\n[bold]{escape(text('section.findings', lang))}[/] ({escape(_findings_count(document, lang))})")
        for finding in findings:
            out.print(
                f"  {escape('[' + text('severity.' + finding['severity'], lang) + ']')} {escape(words.finding_title(finding))}"
            )
    actions = list(View(role, lang).actions(document["actions"]))[:5]
    if actions:
        out.print(f"\n[bold]{escape(text('section.actions', lang))}[/] ({len(document['actions'])})")
        for action in actions:
            owner = action["owner"] or text("note.unassigned", lang)
            out.print(
                f"  {action['priority']:>5.1f}  {escape(words.action_title(action))} — {escape(owner)}, {action['due']}"
            )
    questions = document.get("questions", [])
    if questions:
        where = Path(document.get("answers_file") or "answers.toml").name
        out.print("\n" + escape(text("summary.questions", lang, count=len(questions), file=where)))


def _findings_count(document: Mapping[str, Any], lang: str) -> str:
    """The findings' total; with the maturity model's next steps counted apart, so that the total agrees with
    the improve stage's findings (from objectives and checks) in the lifecycle line."""
    total = len(document["findings"])
    maturity = sum(1 for finding in document["findings"] if str(finding["id"]).startswith("maturity:"))
    if not maturity:
        return f"{total:,}"
    return text("summary.findings_split", lang, total=f"{total:,}", run=f"{total - maturity:,}", maturity=maturity)


#: The counts worth a word in the lifecycle line, per stage.
_STAGE_COUNTS = {
    "context": ("stakeholders",),
    "plan": ("objectives",),
    "design": ("touchpoints", "journeys", "actions"),
    "measure": ("observations", "events"),
    "improve": ("checks", "findings"),
}


def _lifecycle_line(document: Mapping[str, Any], lang: str) -> str:
    """``context ✓ · plan ✓ 6 objectives · …``: what each stage of the run found, with its notes counted."""
    parts = []
    for stage in document.get("stages", []):
        counts = stage.get("counts", {})
        shown = [
            text(f"count.{key}", lang, n=f"{counts[key]:,}")
            for key in _STAGE_COUNTS.get(stage["stage"], ())
            if key in counts
        ]
        notes = len(stage.get("messages", []))
        mark = stage_mark(stage["status"], notes)  # the rule `cxframe run` marks its stages by
        parts.append(
            f"{text('stage.' + stage['stage'], lang)} {mark}"
            + (f" {', '.join(shown)}" if shown else "")
            + (f" ({text('count.notes', lang, n=notes)})" if notes else "")
        )
    return " · ".join(parts)


class _Interviewer:
    """Asks in the terminal; at the end of input (Ctrl-D, a closed pipe) it stops asking and keeps what was said."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self, criterion_id: str, question: str) -> tuple[str, str]:
        if self.done:
            return "unknown", ""
        click.echo(f"\n{criterion_id}\n  {question}")
        try:
            while True:
                answer = click.prompt("  yes / no / skip", default="skip", show_default=False).strip().lower()
                if answer in {"yes", "y", "no", "n", "skip", "s", ""}:
                    break
                click.echo("  please answer yes, no or skip")
        except click.exceptions.Abort:
            return self._stop("unknown")
        if answer in {"skip", "s", ""}:
            return "unknown", ""
        said = "yes" if answer.startswith("y") else "no"
        try:
            note = click.prompt("  note (optional: what shows it)", default="", show_default=False)
        except click.exceptions.Abort:
            return self._stop(said)
        return said, note

    def _stop(self, answer: str) -> tuple[str, str]:
        self.done = True
        click.echo("\n  (end of input: the remaining questions are left unanswered)")
        return answer, ""


@click.command()
@click.option("--model", help="Maturity model id (default: iso-cx). See `cxframe plugins`.")
@click.option(
    "--answers",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Questionnaire answers file (default: answers.toml in the programme folder).",
)
@click.option("--interview", is_flag=True, help="Ask in the terminal what neither the data nor the answers decide.")
@_report_options
@json_option
@common_options
@handle_errors
def assess(
    model: str | None,
    answers: Path | None,
    interview: bool,
    role: str,
    lang: str,
    formats: tuple[str, ...],
    out: Path | None,
    as_json: bool,
) -> None:
    """Assess the programme: maturity per dimension with its evidence, metrics, findings and actions.

    Writes reports/assessment.json (versioned; schema in the docs), .md and .html,
    and prints a summary. For another reader (--role, --lang) the reports are
    reports/assessment.<role>.<lang>.json, .md and .html. The assessment is stored, so `cxframe report` can render it again.
    """
    current = state()
    host = current.plugins()
    problems = api.validate_choices(current.programme, model=model, formats=formats, host=host)
    if problems:  # a usage error, found before any work is done
        raise click.UsageError("\n".join(problems))
    out_console = console()
    with out_console.status("assessing…") as status:

        def progress(message: str) -> None:
            status.update(f"assessing: {message}")

        if interview:
            status.stop()
        document = api.assess(
            current.programme,
            model=model,
            answers=answers,
            host=host,
            progress=None if interview else progress,
            ask=_Interviewer() if interview else None,
        )
    written = api.report(
        current.programme, document=document, formats=formats or None, role=role, lang=lang, out=out, host=host
    )
    if as_json:
        emit_json(api.report_document(current.programme, document, role=role, lang=lang, host=host))
        return
    summary(out_console, document, lang, role)
    for path in written:
        out_console.print(f"wrote {escape(str(path))}")


@click.command()
@click.option("--run", "run_id", type=int, help="The run whose assessment to render (default: the latest).")
@_report_options
@common_options
@handle_errors
def report(run_id: int | None, role: str, lang: str, formats: tuple[str, ...], out: Path | None) -> None:
    """Render a stored assessment again (another role, language or format) without recomputing it.

    The default reader's reports are reports/assessment.json, .md and .html; another
    role or language gets its own files, e.g. reports/assessment.executive.zh-CN.html,
    so the complete reports are never overwritten. --out DIR writes DIR/assessment.*.
    """
    current = state()
    host = current.plugins()
    problems = api.validate_choices(current.programme, formats=formats, host=host)
    if problems:  # a usage error, as for `cxframe assess --format`
        raise click.UsageError("\n".join(problems))
    written = api.report(
        current.programme, run_id=run_id, formats=formats or None, role=role, lang=lang, out=out, host=host
    )
    for path in written:
        console().print(f"wrote {escape(str(path))}")
