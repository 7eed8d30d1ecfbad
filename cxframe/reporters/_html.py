"""The HTML report: one self-contained file a CX lead can mail to an executive.

Everything is in the file: CSS inline, charts as inline SVG built by
`cxframe.reporters._charts`, no script, no font, no image from elsewhere, so
it opens offline, on a phone and on paper alike. Sections, their order and
how many rows each role sees are the Markdown report's (`views`); plugins'
sections (the document's ``sections``) come between the core's, where each says.

The page is rendered by jinja2 with autoescape **on**, so every value from
the document (respondents' comments, names from the programme file, plugins'
evidence and sections) is escaped when it is shown. The one exception is the
charts' SVG, which `charts` builds from escaped text and the template marks
safe; nothing taken from the document is ever marked safe as it is. A
plugin's section hands over its charts as numbers and labels, which `charts`
draws like the core's own; a drawing of its own (``svg``) is shown as an
image (`_svg_image`), where no script in it runs. Plugins may also send
ready-made SVG in their evidence: it is not used, because the report cannot
vouch for it.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cxframe.contracts._sections import CurvePoint, ScatterPoint, StepBar
from cxframe.reporters import _charts as charts
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

if TYPE_CHECKING:
    import jinja2

__all__ = ["render_html"]


@functools.cache
def _environment() -> jinja2.Environment:
    # imported here, not with the module: every command loads the reporters, few render HTML (docs/performance.md)
    import jinja2

    # autoescape=True for every template, whatever its file name: the report is HTML throughout
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("cxframe.reporters", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["number"] = number
    environment.filters["percent"] = percent
    environment.filters["count"] = count
    return environment


def number(value: Any, digits: int = 1) -> str:
    """A figure to read: fixed digits, a real minus sign, a dash when there is none."""
    shown = as_float(value)  # None for NaN and infinities too: a dash, never "nan"
    return "—" if shown is None else f"{shown:.{digits}f}".replace("-", "−")


def count(value: Any) -> str:
    """A whole number with thousands separated, as the charts write it."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "—"


def percent(value: Any) -> str:
    """A share 0…1 as a percentage."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—"
    return number(100 * value) + " %"


def _interval(row: Mapping[str, Any]) -> str:
    low, high = as_float(row.get("ci_low")), as_float(row.get("ci_high"))
    return "—" if low is None or high is None else f"{number(low)} … {number(high)}"


class _Report(Wording):
    """Turns the document into what the template shows: labels resolved, rows limited, charts drawn."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        super().__init__(document)
        self.plugins = plugin_sections(document)
        self.chart_ids: set[str] = set()

    def chart(self, builder: Callable[..., str], chart_id: str, *args: Any, **kwargs: Any) -> dict[str, str]:
        """A chart drawn twice: wide for desktop and print, narrow for a phone (CSS shows one).

        Scaling one drawing down to a phone's width would shrink its text to
        about 6 px; a drawing laid out for the narrow width keeps it readable.
        An id already used in the page gets a number, so that every element's id stays unique.
        """
        unique, number = chart_id, 1
        while not self.chart_ids.isdisjoint(_chart_element_ids(unique)):
            number += 1
            unique = f"{chart_id}-{number}"
        self.chart_ids.update(_chart_element_ids(unique))
        chart_id = unique
        return {
            "wide": builder(*args, chart_id=chart_id, width=charts.WIDTH, **kwargs),
            "narrow": builder(*args, chart_id=chart_id + "-narrow", width=charts.NARROW, **kwargs),
        }

    def context(self) -> dict[str, Any]:
        sections = []
        for section in ALL_SECTIONS:
            if self.view.shows(section):
                content = getattr(self, "section_" + section)()
                if content is not None:
                    sections.append(
                        {
                            "id": section,
                            "heading": self.t("section." + section),
                            "empty": False,
                            "more": 0,
                            **content,
                            "content": None,
                        }
                    )
            for plugin_section in self.plugins.get(section, []):
                sections.append(
                    {
                        "id": plugin_section["id"],
                        "heading": str(plugin_section.get("title") or plugin_section["id"]),
                        "plugin": str(plugin_section.get("plugin") or ""),
                        "content": self.content(plugin_section["content"]),
                    }
                )
        programme = self.doc["programme"]
        return {
            "lang": self.lang,
            "t": self.t,
            "title": self.t("report.title"),
            "programme": programme,
            "generated": self.t(
                "report.generated",
                generated_at=self.doc["generated_at"],
                version=self.doc["cxframe_version"],
                run=self.doc["run"]["id"],
            ),
            "view_line": self.t("report.view", role=self.t("role." + self.view.role)),
            "sections": sections,
        }

    # --- sections: each returns the section's content, or None to leave it out --------------

    def level_name(self, level: int) -> str:
        if not 1 <= level <= len(self.model["levels"]):
            return ""
        return self.mt(f"level.{level}", self.model["levels"][level - 1])

    def section_summary(self) -> dict[str, Any]:
        level, score = self.overall()
        counts = {"met": 0, "not_met": 0, "inconclusive": 0}
        for objective in self.doc["objectives"]:
            if objective.get("status") in counts:
                counts[objective["status"]] += 1
        model_title = self.mt("title", self.model["title"])
        findings, actions = len(self.doc["findings"]), len(self.doc["actions"])
        cards = [
            {
                "label": self.t("card.maturity"),
                "value": f"{level} / 5",
                "note": " · ".join(
                    part for part in (self.level_name(level), self.t("card.average", score=number(score, 2))) if part
                ),
                "tone": "bad" if level <= 1 else "ok" if level <= 3 else "good",
            },
            {
                "label": self.t("card.objectives"),
                "value": self.t("card.of", count=counts["met"], total=len(self.doc["objectives"])),
                "note": self.t("summary.objectives", **counts),
                "tone": "bad" if counts["not_met"] else "good" if counts["met"] else "ok",
            },
            {
                "label": self.t("card.actions"),
                "value": str(actions),
                "note": self.t("card.findings", findings=findings),
                "tone": "ok",
            },
        ]
        # the cards carry the objectives and the findings; the sentence adds which model was used
        sentences = [
            self.t("summary.maturity", model=model_title, level=level, score=number(score, 2)),
            self.how_level(),
        ]
        return {"cards": cards, "sentences": sentences}

    def section_maturity(self) -> dict[str, Any] | None:
        dimensions = self.model["dimensions"]
        if not dimensions:
            return {"empty": True}
        rows = [
            {
                "title": self.mt(d["id"], d["title"]),
                "level": d["level"],
                "level_name": self.level_name(d["level"]),
                "score": number(d["score"], 2),
            }
            for d in dimensions
        ]
        chart = self.chart(
            charts.maturity_bars,
            "chart-maturity",
            [
                charts.MaturityBar(r["title"], d["level"], float(d["score"]))
                for r, d in zip(rows, dimensions, strict=True)
            ],
            title=self.t("chart.maturity.title"),
            desc=self.t("chart.maturity.desc"),
            axis=self.t("chart.maturity.axis"),
            level_names=[self.level_name(level) for level in range(1, 6)],
        )
        return {"rows": rows, "chart": chart}

    def section_criteria(self) -> dict[str, Any]:
        groups = []
        for dimension in self.model["dimensions"]:
            groups.append(
                {
                    "title": self.mt(dimension["id"], dimension["title"]),
                    "criteria": [
                        {
                            "id": c["id"],
                            "title": self.mt(c["id"], c["title"]),
                            "level": c["level"],
                            "status": c["status"],
                            "status_label": self.t("status." + c["status"]),
                            "source": self.t("source." + c["source"]),
                            "evidence": [self.tr(e) for e in strings(c.get("evidence"))],
                        }
                        for c in dimension["criteria"]
                    ],
                }
            )
        return {"groups": groups, "empty": not groups}

    def section_metrics(self) -> dict[str, Any]:
        metrics = self.doc["metrics"]
        rows = [
            {
                "metric": self.metric_title(m["metric"]),
                "id": m["metric"] if self.metric_title(m["metric"]) != m["metric"] else "",
                "unit": self.unit(m["metric"]),
                "value": number(m["value"]),
                "interval": _interval(m),
                "n": count(m.get("n")),
                "flags": self.flags(m.get("flags")),
                "small": "small_sample" in m.get("flags", []),
            }
            for m in metrics
        ]
        note = self.t("note.interval", confidence=f"{metrics[0]['confidence']:.0%}") if metrics else ""
        return {"rows": rows, "note": note, "empty": not rows}

    def section_trend(self) -> dict[str, Any] | None:
        by_metric: dict[str, list[Mapping[str, Any]]] = {}
        for row in mappings(self.doc.get("trend")):
            by_metric.setdefault(str(row.get("metric")), []).append(row)
        if not by_metric:
            return None
        series = []
        for i, (metric, rows) in enumerate(by_metric.items()):
            rows = sorted(rows, key=lambda r: str(r.get("period")))
            confidence = f"{rows[0].get('confidence', 0.95):.0%}"
            points = [
                charts.TrendPoint(
                    period=str(r.get("period") or ""),
                    value=as_float(r.get("value")),
                    ci_low=as_float(r.get("ci_low")),
                    ci_high=as_float(r.get("ci_high")),
                    n=int(r.get("n") or 0),
                    small="small_sample" in strings(r.get("flags")),
                )
                for r in rows
            ]
            chart = self.chart(
                charts.trend_chart,
                f"chart-trend-{i}",
                points,
                title=self.t("chart.trend.title", metric=self.metric_title(metric)),
                desc=self.t("chart.trend.desc", confidence=confidence),
                value_label=self.t("chart.trend.value"),
                band_label=self.t("chart.trend.band", confidence=confidence),
                small_label=self.t("flag.small_sample"),
            )
            table = [
                {
                    "period": p.period,
                    "value": number(p.value),
                    "interval": _interval(r),
                    "n": count(r.get("n")),  # a dash for a suppressed month, not its 0 in the chart
                    "flags": self.flags(r.get("flags")),
                }
                for p, r in zip(points, rows, strict=True)
            ]
            series.append(
                {
                    "metric": self.metric_title(metric),
                    "unit": self.unit(metric),
                    "chart": chart,
                    "rows": table,
                    "small": any(p.small for p in points),
                }
            )
        return {"series": series}

    def section_objectives(self) -> dict[str, Any]:
        rows = [
            {
                "id": o["id"],
                "metric": self.metric_title(o["metric"]),
                "unit": self.unit(o["metric"]),
                "segment": ", ".join(f"{k}={plain(v)}" for k, v in (o.get("segment") or {}).items()),
                "target": f"{o['comparison']} {o['target']:g}",
                "value": number(o["value"]),
                "interval": _interval(o),
                "n": count(o.get("n")),
                "status": o["status"] or "",
                "status_label": self.t("objective." + o["status"]) if o["status"] else "—",
                "deadline": o.get("deadline") or "—",
            }
            for o in self.doc["objectives"]
        ]
        return {"rows": rows, "empty": not rows}

    # --- a plugin's section: its content as the template shows it -----------------------------------

    def content(self, content: Mapping[str, Any]) -> dict[str, Any]:
        """A plugin section's content (JSON from the document) with its charts drawn; malformed parts are left out."""
        columns = [
            {"title": str(c.get("title") or ""), "numeric": c.get("numeric") is True, "strong": c.get("strong") is True}
            for c in mappings(content.get("columns"))
        ]
        rows = []
        listed = content.get("rows")
        for row in listed if isinstance(listed, list) else []:
            cells = mappings(row)
            if columns and len(cells) == len(columns):
                rows.append(
                    [
                        {
                            "lines": strings(cell.get("text")),
                            "note": str(cell.get("note") or ""),
                            "tone": cell.get("tone") if cell.get("tone") in ("good", "bad") else "",
                        }
                        for cell in cells
                    ]
                )
        more = content.get("more")
        return {
            "heading": str(content.get("heading") or ""),
            "text": strings(content.get("text")),
            "charts": [chart for chart in map(self.plugin_chart, mappings(content.get("charts"))) if chart],
            "picture": _svg_image(content.get("svg")),
            "picture_alt": str(content.get("svg_alt") or ""),
            "columns": columns if rows else [],
            "rows": rows,
            "caption": str(content.get("caption") or ""),
            "more": more if isinstance(more, int) and not isinstance(more, bool) and more > 0 else 0,
            "notes": strings(content.get("notes")),
            "parts": [self.content(part) for part in mappings(content.get("parts"))],
        }

    def plugin_chart(self, chart: Mapping[str, Any]) -> dict[str, str] | None:
        """A chart a plugin's section asked for, drawn here from its numbers; ``None`` when it cannot be."""
        kind = chart.get("kind")
        chart_id = "chart-" + str(chart.get("id") or "plugin")
        title, desc = str(chart.get("title") or ""), str(chart.get("desc") or "")
        try:
            if kind == "curve":
                points = [
                    CurvePoint(str(p.get("label") or ""), as_float(p.get("value")), _whole(p.get("marks")))
                    for p in mappings(chart.get("points"))
                ]
                labels = [str(label) for label in strings(chart.get("scale_labels"))]
                return self.chart(
                    charts.curve_chart,
                    chart_id,
                    points,
                    title=title,
                    desc=desc,
                    scale_labels=labels if len(labels) == 3 else [],
                    mark_label=str(chart.get("mark_label") or ""),
                )
            if kind == "steps":
                steps = [
                    StepBar(
                        str(p.get("label") or ""),
                        _whole(p.get("count")),
                        as_float(p.get("conversion")),
                        as_float(p.get("drop_off")),
                    )
                    for p in mappings(chart.get("steps"))
                ]
                return self.chart(
                    charts.step_chart,
                    chart_id,
                    steps,
                    title=title,
                    desc=desc,
                    count_label=str(chart.get("count_label") or ""),
                    drop_label=str(chart.get("drop_label") or ""),
                    rise_label=self.t("chart.steps.rise"),
                )
            if kind == "scatter":
                dots = [
                    ScatterPoint(str(p.get("label") or ""), x, y)
                    for p in mappings(chart.get("points"))
                    if (x := as_float(p.get("x"))) is not None and (y := as_float(p.get("y"))) is not None
                ]
                return self.chart(
                    charts.scatter_chart,
                    chart_id,
                    dots,
                    title=title,
                    desc=desc,
                    x_label=str(chart.get("x_label") or ""),
                    y_label=str(chart.get("y_label") or ""),
                    guides=_guides(chart.get("guides")),
                )
        except (TypeError, ValueError):  # numbers the contracts refuse (a document edited by hand)
            return None
        return None

    def section_findings(self) -> dict[str, Any]:
        ordered = sorted(self.doc["findings"], key=lambda f: -severity_rank(f))
        shown, more = self.view.limit(ordered, "findings")
        rows = [
            {
                "severity": f["severity"],
                "severity_label": self.t("severity." + f["severity"]),
                "stage": self.t("stage." + f["stage"]),
                "title": self.finding_title(f),
                "evidence": [self.tr(e) for e in strings(f.get("evidence"))],
            }
            for f in shown
        ]
        return {"rows": rows, "more": more, "empty": not rows}

    def section_actions(self) -> dict[str, Any]:
        shown, more = self.view.limit(list(self.view.actions(self.doc["actions"])), "actions")
        rows = [
            {
                "priority": number(a.get("priority")),
                "title": self.action_title(a),
                "owner": a.get("owner") or self.t("note.unassigned"),
                "due": a.get("due") or "—",
                "stage": self.t("stage." + a["stage"]),
            }
            for a in shown
        ]
        every = list(self.view.actions(self.doc["actions"]))
        by_stage = " · ".join(f"{self.t('stage.' + stage)} {count}" for stage, count in actions_by_stage(every))
        return {
            "rows": rows,
            "more": more,
            "empty": not rows,
            "by_stage": self.t("note.by_stage", stages=by_stage),
            "priority_note": self.priority_note(),
        }

    def section_checks(self) -> dict[str, Any] | None:
        checks = self.view.checks(self.doc["checks"], [s for shown in self.plugins.values() for s in shown])
        if not checks:
            return None
        rows = [
            {
                "check": c["check"],
                "title": self.tr(c.get("title") or ""),
                "plugin": c["plugin"],
                "status": c["status"],
                "status_label": self.t("status." + c["status"]),
                "evidence": [self.tr(e) for e in strings(c.get("evidence"))],
            }
            for c in checks
        ]
        return {"rows": rows}

    def section_verbatims(self) -> dict[str, Any] | None:
        verbatims, _ = self.view.limit(mappings(self.doc.get("verbatims")), "verbatims")
        if not verbatims:
            return None
        rows = [
            {
                "comment": v.get("comment", ""),
                "question": v.get("question", ""),
                "value": number(as_float(v.get("value")), 0),
                "scale_max": number(as_float(v.get("scale_max")), 0) if v.get("scale_max") is not None else "",
                "where": v.get("touchpoint") or v.get("channel") or "",
                "when": str(v.get("timestamp") or "")[:10],
            }
            for v in verbatims
        ]
        return {"rows": rows}

    def section_questions(self) -> dict[str, Any] | None:
        questions = mappings(self.doc.get("questions"))
        if not questions:
            return None
        rows = [
            {
                "criterion": q["criterion"],
                "question": self.mt(f"{q['criterion']}.question", q.get("question") or ""),
            }
            for q in questions
        ]
        return {"rows": rows, "note": self.t("note.questions", file=self.doc.get("answers_file") or "answers.toml")}

    def section_provenance(self) -> dict[str, Any]:
        run = self.doc["run"]
        inputs = run.get("inputs", {})
        return {
            "run": run["id"],
            "plugins": [f"{p['name']} {p.get('version') or ''}".strip() for p in mappings(run.get("plugins"))],
            "programme_hash": inputs.get("programme") or "—",
            "ingests": [
                {
                    "source": i.get("source", ""),
                    "collector": i.get("collector", ""),
                    "hash": i.get("content_hash", ""),
                }
                for i in mappings(inputs.get("ingests"))
            ],
            "failures": strings(run.get("plugin_failures")),
        }


def render_html(document: Mapping[str, Any]) -> str:
    """The assessment document as one self-contained HTML page, for the role and language in ``document["view"]``."""
    return _environment().get_template("report.html.j2").render(_Report(document).context())


def section_ids(document: Mapping[str, Any]) -> Sequence[str]:
    """The sections the HTML report of ``document`` shows, in order (for tests and tools)."""
    return [s["id"] for s in _Report(document).context()["sections"]]


def _chart_element_ids(chart_id: str) -> set[str]:
    """The ids a chart gives elements of the page: its two drawings, each with a title and a description."""
    return {f"{chart_id}{width}{part}" for width in ("", "-narrow") for part in ("", "-title", "-desc")}


def _whole(value: object) -> int:
    """A count from a document: a whole number of at least 0, else 0."""
    number = as_float(value)
    return int(number) if number is not None and number >= 0 and float(number).is_integer() else 0


def _svg_image(svg: object) -> str | None:
    """A plugin's SVG picture as a ``data:`` URI for an ``<img>``.

    An SVG shown through ``<img>`` is a static image: browsers run no script in it
    and fetch nothing it names, so a plugin's drawing cannot reach into the page.
    """
    if not isinstance(svg, str) or not svg.lstrip().startswith(("<svg", "<?xml")):
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _guides(value: Any) -> tuple[float, float] | None:
    """A scatter chart's ``guides`` from the document, or None (absent, or not two numbers)."""
    if isinstance(value, list) and len(value) == 2:
        x, y = as_float(value[0]), as_float(value[1])
        if x is not None and y is not None:
            return x, y
    return None
