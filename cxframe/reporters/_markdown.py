"""The Markdown report: the assessment as text a CX lead can paste into a wiki or an e-mail.

Every piece of text that came from outside cxframe (respondent comments,
names from the programme file, plugins' evidence and sections) goes through
`md`, which escapes HTML and table syntax: Markdown renderers pass raw HTML
through, so a comment ``<script>`` must arrive as text. Plugins' sections
(the document's ``sections``) come between the core's, where each says; their
charts and drawings are for the HTML report, their text and tables are here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cxframe.contracts._texts import LIST_SEPARATORS
from cxframe.reporters._i18n import model_text
from cxframe.reporters._views import (
    ALL_SECTIONS,
    actions_by_stage,
    as_float,
    mappings,
    plain,
    plugin_sections,
    severity_rank,
    strings,
)
from cxframe.reporters._wording import Wording

__all__ = ["md", "render_markdown"]


#: Characters with a meaning in Markdown: backslash-escaped so that text stays text
#: (no link, image, emphasis, code span or table cell is made from a respondent's words).
_MARKDOWN_SPECIAL = "\\`*_[]()!#|~"


def md(value: object) -> str:
    """``value`` as inline Markdown text: HTML and Markdown syntax escaped, line breaks neutralised."""
    if value is None:
        return "—"
    escaped = html.escape(str(value), quote=False)
    escaped = "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in escaped)
    return escaped.replace("\r", " ").replace("\n", " ")


def number(value: float | None, digits: int = 1) -> str:
    """A figure with ``digits`` decimals; a dash for none (``None``, NaN: never the word)."""
    shown = as_float(value)
    return "—" if shown is None else f"{shown:.{digits}f}"


def count(value: object) -> str:
    """A sample size; "—" for a group a privacy rule suppressed."""
    shown = as_float(value)
    return "—" if shown is None else str(value)


def interval(row: Mapping[str, Any]) -> str:
    low, high = as_float(row.get("ci_low")), as_float(row.get("ci_high"))
    return "—" if low is None or high is None else f"{low:.1f} … {high:.1f}"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def overall_level(document: Mapping[str, Any]) -> tuple[int, float]:
    """The lowest dimension level (a chain is as strong as its weakest link) and the mean score."""
    dimensions = document["model"]["dimensions"]
    if not dimensions:
        return 0, 0.0
    return min(d["level"] for d in dimensions), round(sum(d["score"] for d in dimensions) / len(dimensions), 2)


def objective_counts(document: Mapping[str, Any]) -> dict[str, int]:
    counts = {"met": 0, "not_met": 0, "inconclusive": 0}
    for objective in document.get("objectives", []):
        if objective.get("status") in counts:
            counts[objective["status"]] += 1
    return counts


class _Markdown(Wording):
    def __init__(self, document: Mapping[str, Any]) -> None:
        super().__init__(document)
        self.plugins = plugin_sections(document)

    def heading(self, section: str) -> list[str]:
        return [f"## {self.t('section.' + section)}", ""]

    def render(self) -> str:
        doc = self.doc
        lines = [f"# {self.t('report.title')}: {md(doc['programme']['name'])}", ""]
        lines.append(
            self.t(
                "report.generated",
                generated_at=doc["generated_at"],
                version=doc["cxframe_version"],
                run=doc["run"]["id"],
            )
            + " "
            + self.t("report.view", role=self.t("role." + self.view.role))
        )
        lines.append("")
        for section in ALL_SECTIONS:
            if self.view.shows(section):
                lines += getattr(self, "section_" + section)()
            for plugin_section in self.plugins.get(section, []):
                title = plugin_section.get("title") or plugin_section["id"]
                lines += [f"## {md(title)}", "", *self.content(plugin_section["content"])]
        return "\n".join(lines).rstrip() + "\n"

    # --- sections -----------------------------------------------------------------

    def section_summary(self) -> list[str]:
        level, score = overall_level(self.doc)
        counts = objective_counts(self.doc)
        model_title = model_text(self.model, "title", self.lang, self.model["title"])
        return [
            *self.heading("summary"),
            "- " + self.t("summary.maturity", model=md(model_title), level=level, score=f"{score:.2f}"),
            "  " + self.how_level(),
            "- " + self.t("summary.objectives", **counts),
            "- " + self.t("summary.findings", findings=len(self.doc["findings"]), actions=len(self.doc["actions"])),
            "",
        ]

    def level_name(self, level: int) -> str:
        if level == 0:
            return "0"
        name = self.model["levels"][level - 1]
        return f"{level} · {md(model_text(self.model, f'level.{level}', self.lang, name))}"

    def section_maturity(self) -> list[str]:
        rows = [
            (
                md(model_text(self.model, d["id"], self.lang, d["title"])),
                self.level_name(d["level"]),
                f"{d['score']:.2f}",
            )
            for d in self.model["dimensions"]
        ]
        headers = [self.t("column.dimension"), self.t("column.level"), self.t("column.score")]
        return [*self.heading("maturity"), *table(headers, rows)]

    def section_criteria(self) -> list[str]:
        lines = self.heading("criteria")
        headers = [
            self.t("column.criterion"),
            self.t("column.level"),
            self.t("column.status"),
            self.t("column.source"),
            self.t("column.evidence"),
        ]
        for dimension in self.model["dimensions"]:
            lines += [f"### {md(model_text(self.model, dimension['id'], self.lang, dimension['title']))}", ""]
            rows = [
                (
                    md(model_text(self.model, c["id"], self.lang, c["title"])),
                    str(c["level"]),
                    self.t("status." + c["status"]),
                    self.t("source." + c["source"]),
                    md(self.evidence(c["evidence"])),
                )
                for c in dimension["criteria"]
            ]
            lines += table(headers, rows)
        return lines

    def section_metrics(self) -> list[str]:
        metrics = self.doc["metrics"]
        lines = self.heading("metrics")
        if not metrics:
            return [*lines, self.t("summary.none"), ""]
        rows = [
            (
                md(self.metric_name(m["metric"]))
                + (f" · {md(self.unit(m['metric']))}" if self.unit(m["metric"]) else ""),
                number(m["value"]),
                interval(m),
                count(m.get("n")),
                md(LIST_SEPARATORS.get(self.lang, ", ").join(self.flag(f) for f in strings(m.get("flags")))),
            )
            for m in metrics
        ]
        headers = [
            self.t("column.metric"),
            self.t("column.value"),
            self.t("column.interval"),
            self.t("column.n"),
            self.t("column.flags"),
        ]
        confidence = f"{metrics[0]['confidence']:.0%}"
        return [*lines, *table(headers, rows), self.t("note.interval", confidence=confidence), ""]

    def section_trend(self) -> list[str]:
        trend = self.doc.get("trend", [])
        if not trend:
            return []
        lines = self.heading("trend")
        by_metric: dict[str, list[Mapping[str, Any]]] = {}
        for row in trend:
            by_metric.setdefault(row["metric"], []).append(row)
        for metric, rows in by_metric.items():
            cells = ", ".join(f"{md(r['period'])}: {number(r['value'])} (n={count(r.get('n'))})" for r in rows[-12:])
            lines.append(f"- **{md(self.metric_title(metric))}**: {cells}")
        return [*lines, ""]

    def section_objectives(self) -> list[str]:
        objectives = self.doc["objectives"]
        lines = self.heading("objectives")
        if not objectives:
            return [*lines, self.t("summary.none"), ""]
        rows = [
            (
                md(o["id"]),
                md(self.metric_title(o["metric"]))
                + (
                    f" ({md(', '.join(f'{k}={plain(v)}' for k, v in o['segment'].items()))})"
                    if o.get("segment")
                    else ""
                ),
                f"{md(o['comparison'])} {o['target']:g}",
                number(o["value"]),
                interval(o),
                count(o.get("n")),
                self.t("objective." + o["status"]) if o["status"] else "—",
                md(o["deadline"]),
            )
            for o in objectives
        ]
        headers = [
            self.t("column.objective"),
            self.t("column.metric"),
            self.t("column.target"),
            self.t("column.value"),
            self.t("column.interval"),
            self.t("column.n"),
            self.t("column.status"),
            self.t("column.deadline"),
        ]
        return [*lines, *table(headers, rows)]

    def content(self, content: Mapping[str, Any]) -> list[str]:
        """A plugin section's content (JSON from the document): heading, paragraphs, table, notes, parts."""
        lines: list[str] = []
        if content.get("heading"):
            lines += [f"### {md(content['heading'])}", ""]
        for paragraph in strings(content.get("text")):
            lines += [md(paragraph), ""]
        columns = mappings(content.get("columns"))
        rows = [cells for cells in map(mappings, _list(content.get("rows"))) if columns and len(cells) == len(columns)]
        if rows:
            if content.get("caption"):
                lines += [f"*{md(content['caption'])}*", ""]
            lines += table(
                [md(c.get("title") or "") for c in columns],
                [[self.cell(cell, column) for cell, column in zip(cells, columns, strict=True)] for cells in rows],
            )
        for note in strings(content.get("notes")):
            lines += [md(note), ""]
        more = content.get("more")
        if isinstance(more, int) and not isinstance(more, bool) and more > 0:
            lines += [self.t("note.more", count=more), ""]
        for part in mappings(content.get("parts")):
            lines += self.content(part)
        return lines

    @staticmethod
    def cell(cell: Mapping[str, Any], column: Mapping[str, Any]) -> str:
        text = "; ".join(md(line) for line in strings(cell.get("text"))) or "—"
        if column.get("strong") is True:
            text = f"**{text}**"
        if cell.get("note"):
            text += f" ({md(cell['note'])})"
        return text

    def section_findings(self) -> list[str]:
        findings = self.doc["findings"]
        lines = self.heading("findings")
        if not findings:
            return [*lines, self.t("summary.none"), ""]
        ordered = sorted(findings, key=lambda f: -severity_rank(f))
        shown, more = self.view.limit(ordered, "findings")
        rows = [
            (
                self.t("severity." + f["severity"]),
                self.t("stage." + f["stage"]),
                md(self.finding_title(f)),
                md(self.evidence(f["evidence"])),
            )
            for f in shown
        ]
        headers = [
            self.t("column.severity"),
            self.t("column.stage"),
            self.t("column.finding"),
            self.t("column.evidence"),
        ]
        lines += table(headers, rows)
        return lines + ([self.t("note.more", count=more), ""] if more else [])

    def section_actions(self) -> list[str]:
        actions = self.view.actions(self.doc["actions"])
        lines = self.heading("actions")
        if not actions:
            return [*lines, self.t("summary.none"), ""]
        shown, more = self.view.limit(list(actions), "actions")
        rows = [
            (
                f"{a['priority']:.1f}" if a.get("priority") is not None else "—",
                md(self.action_title(a)),
                md(a["owner"]) if a.get("owner") else self.t("note.unassigned"),
                md(a["due"]),
                self.t("stage." + a["stage"]),
            )
            for a in shown
        ]
        headers = [
            self.t("column.priority"),
            self.t("column.action"),
            self.t("column.owner"),
            self.t("column.due"),
            self.t("column.stage"),
        ]
        lines += table(headers, rows)
        stages = " · ".join(f"{self.t('stage.' + stage)} {count}" for stage, count in actions_by_stage(list(actions)))
        lines += [self.priority_note(), "", self.t("note.by_stage", stages=stages), ""]
        return lines + ([self.t("note.more", count=more), ""] if more else [])

    def section_checks(self) -> list[str]:
        checks = self.view.checks(self.doc["checks"], [s for shown in self.plugins.values() for s in shown])
        if not checks:
            return []
        rows = [
            (
                md(self.tr(c["title"])) + f" ({md(c['check'])})" if c.get("title") else md(c["check"]),
                md(c["plugin"]),
                self.t("status." + c["status"]),
                md(self.evidence(c["evidence"])),
            )
            for c in checks
        ]
        headers = [self.t("column.check"), self.t("column.plugin"), self.t("column.status"), self.t("column.evidence")]
        return [*self.heading("checks"), *table(headers, rows)]

    def section_verbatims(self) -> list[str]:
        verbatims, _ = self.view.limit(list(self.doc.get("verbatims", [])), "verbatims")
        if not verbatims:
            return []
        lines = self.heading("verbatims")
        for v in verbatims:
            where = md(v.get("touchpoint") or v.get("channel") or "")
            lines.append(
                f"> {md(v['comment'])}  \n> — {md(v['question'])} {number(v['value'], 0)}"
                + (f", {where}" if where else "")
            )
            lines.append("")
        return lines

    def section_questions(self) -> list[str]:
        questions = self.doc.get("questions", [])
        if not questions:
            return []
        lines = [
            *self.heading("questions"),
            self.t("note.questions", file=md(self.doc.get("answers_file") or "answers.toml")),
            "",
        ]
        for q in questions:
            asked = model_text(self.model, f"{q['criterion']}.question", self.lang, q.get("question") or "")
            lines.append(f"- {md(q['criterion'])}" + (f": {md(asked)}" if asked else ""))
        return [*lines, ""]

    def section_provenance(self) -> list[str]:
        run = self.doc["run"]
        lines = self.heading("provenance")
        plugins = ", ".join(f"{md(p['name'])} {md(p['version'])}" for p in run["plugins"])
        lines.append(f"- {self.t('provenance.run')}: {run['id']}; {self.t('provenance.plugins')}: {plugins}")
        lines.append(f"- {self.t('provenance.programme')}: {md(run['inputs'].get('programme'))}")
        for ingest in run["inputs"].get("ingests", []):
            lines.append(f"- {md(ingest['source'])} ({md(ingest['collector'])}) sha256 {md(ingest['content_hash'])}")
        for failure in run.get("plugin_failures", []):
            lines.append(f"- ⚠ {md(failure)}")
        return [*lines, ""]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def render_markdown(document: Mapping[str, Any]) -> str:
    """The assessment document as Markdown, for the role and language in ``document["view"]``."""
    return _Markdown(document).render()
