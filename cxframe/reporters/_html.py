"""The HTML report: one self-contained file a CX lead can mail to an executive.

Everything is in the file: CSS inline, charts as inline SVG built by
`cxframe.reporters._charts`, no script, no font, no image from elsewhere, so
it opens offline, on a phone and on paper alike. Sections, their order and
how many rows each role sees are the Markdown report's (`views`).

The page is rendered by jinja2 with autoescape **on**, so every value from
the document (respondents' comments, names from the programme file, plugins'
evidence) is escaped when it is shown. The one exception is the charts'
SVG, which `charts` builds from escaped text and the template marks safe;
nothing taken from the document is ever marked safe as it is. Plugins may
send ready-made SVG in their evidence (the employee plugin's ``chart_svg``):
it is not used, because the report cannot vouch for it.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cxframe.reporters import _charts as charts
from cxframe.reporters._i18n import model_text, text
from cxframe.reporters._views import (
    ALL_SECTIONS,
    View,
    actions_by_stage,
    as_float,
    mappings,
    severity_rank,
    strings,
    view_of,
)

if TYPE_CHECKING:
    import jinja2

__all__ = ["render_html"]

_FLAG_KEYS = {"small_sample", "weighted", "no_interval"}


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
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—"
    return f"{value:.{digits}f}".replace("-", "−")


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


def _segment(segment: Any, lang: str) -> str:
    """A segment as a reader names it: ``North`` for one column, ``team=North, region=EU`` for several."""
    if not isinstance(segment, Mapping) or not segment:
        return text("segment.all", lang)
    if len(segment) == 1:
        return str(next(iter(segment.values())))
    return ", ".join(f"{key}={value}" for key, value in segment.items())


class _Report:
    """Turns the document into what the template shows: labels resolved, rows limited, charts drawn."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.doc = document
        self.view: View = view_of(document)
        self.lang = self.view.lang
        self.model: Mapping[str, Any] = document["model"]
        evidence = document.get("evidence")
        self.evidence: Mapping[str, Any] = evidence if isinstance(evidence, Mapping) else {}

    def t(self, key: str, **values: Any) -> str:
        return text(key, self.lang, **values)

    def mt(self, key: str, default: str) -> str:
        return model_text(self.model, key, self.lang, default)

    def plugin(self, name: str) -> Mapping[str, Any]:
        found = self.evidence.get(name)
        return found if isinstance(found, Mapping) else {}

    def chart(self, builder: Callable[..., str], chart_id: str, *args: Any, **kwargs: Any) -> dict[str, str]:
        """A chart drawn twice: wide for desktop and print, narrow for a phone (CSS shows one).

        Scaling one drawing down to a phone's width would shrink its text to
        about 6 px; a drawing laid out for the narrow width keeps it readable.
        """
        return {
            "wide": builder(*args, chart_id=chart_id, width=charts.WIDTH, **kwargs),
            "narrow": builder(*args, chart_id=chart_id + "-narrow", width=charts.NARROW, **kwargs),
        }

    def context(self) -> dict[str, Any]:
        sections = []
        for section in ALL_SECTIONS:
            if not self.view.shows(section):
                continue
            content = getattr(self, "section_" + section)()
            if content is not None:
                sections.append(
                    {"id": section, "heading": self.t("section." + section), "empty": False, "more": 0, **content}
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

    def overall(self) -> tuple[int, float]:
        dimensions = self.model["dimensions"]
        if not dimensions:
            return 0, 0.0
        return min(d["level"] for d in dimensions), sum(d["score"] for d in dimensions) / len(dimensions)

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
        sentences = [self.t("summary.maturity", model=model_title, level=level, score=number(score, 2))]
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
                            "evidence": strings(c.get("evidence")),
                        }
                        for c in dimension["criteria"]
                    ],
                }
            )
        return {"groups": groups, "empty": not groups}

    def flags(self, flags: Any) -> str:
        return ", ".join(self.t("flag." + f) if f in _FLAG_KEYS else f for f in strings(flags))

    def section_metrics(self) -> dict[str, Any]:
        metrics = self.doc["metrics"]
        rows = [
            {
                "metric": m["metric"],
                "value": number(m["value"]),
                "interval": _interval(m),
                "n": m["n"],
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
                title=self.t("chart.trend.title", metric=metric),
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
                    "n": p.n,
                    "flags": self.flags(r.get("flags")),
                }
                for p, r in zip(points, rows, strict=True)
            ]
            series.append({"metric": metric, "chart": chart, "rows": table, "small": any(p.small for p in points)})
        return {"series": series}

    def section_objectives(self) -> dict[str, Any]:
        rows = [
            {
                "id": o["id"],
                "metric": o["metric"],
                "segment": ", ".join(f"{k}={v}" for k, v in o.get("segment", {}).items()),
                "target": f"{o['comparison']} {o['target']:g}",
                "value": number(o["value"]),
                "interval": _interval(o),
                "n": o["n"],
                "status": o["status"] or "",
                "status_label": self.t("objective." + o["status"]) if o["status"] else "—",
                "deadline": o.get("deadline") or "—",
            }
            for o in self.doc["objectives"]
        ]
        return {"rows": rows, "empty": not rows}

    def section_journeys(self) -> dict[str, Any] | None:
        maps = mappings(self.plugin("journey").get("maps"))
        if not maps:
            return None
        journeys = []
        for i, journey in enumerate(maps):
            stages: list[dict[str, Any]] = [
                {
                    "name": str(s.get("name") or s.get("id") or ""),
                    "emotion": as_float(s.get("emotion")),
                    "emotion_note": str(s.get("emotion_note") or ""),
                    "touchpoints": strings(s.get("touchpoints")),
                    "pain_points": strings(s.get("pain_points")),
                    "opportunities": strings(s.get("opportunities")),
                    "moments_of_truth": strings(s.get("moments_of_truth")),
                }
                for s in mappings(journey.get("stages"))
            ]
            name = str(journey.get("name") or journey.get("journey") or "")
            chart = None
            if any(s["emotion"] is not None for s in stages):
                chart = self.chart(
                    charts.emotion_curve,
                    f"chart-emotion-{i}",
                    [charts.EmotionStage(s["name"], s["emotion"], len(s["pain_points"])) for s in stages],
                    title=self.t("chart.emotion.title", journey=name),
                    desc=self.t("chart.emotion.desc"),
                    scale_labels=[
                        self.t("chart.emotion.negative"),
                        self.t("chart.emotion.neutral"),
                        self.t("chart.emotion.positive"),
                    ],
                    pain_label=self.t("chart.emotion.pains"),
                )
            for stage in stages:
                stage["emotion_label"] = (
                    "—"
                    if stage["emotion"] is None
                    else ("+" if stage["emotion"] > 0 else "") + number(stage["emotion"])
                )
            journeys.append(
                {
                    "name": name,
                    "persona": str(journey.get("persona") or ""),
                    "stages": stages,
                    "chart": chart,
                    "picture": _svg_image(journey.get("svg")),
                    "picture_alt": self.t("chart.map.alt", journey=name),
                }
            )
        return {"journeys": journeys}

    def section_funnel(self) -> dict[str, Any] | None:
        rows = mappings(self.plugin("journey").get("funnel"))
        if not rows:
            return None
        by_journey: dict[str, list[Mapping[str, Any]]] = {}
        for row in rows:
            by_journey.setdefault(str(row.get("journey") or ""), []).append(row)
        names = {str(m.get("journey")): str(m.get("name")) for m in mappings(self.plugin("journey").get("maps"))}
        funnels = []
        for i, (journey, steps) in enumerate(by_journey.items()):
            name = names.get(journey) or journey
            table: list[dict[str, Any]] = [
                {
                    "stage": str(s.get("stage_name") or s.get("stage") or ""),
                    "cases": int(s.get("cases") or 0),
                    "conversion": as_float(s.get("conversion")),
                    "drop_off": as_float(s.get("drop_off")),
                }
                for s in steps
            ]
            chart = self.chart(
                charts.funnel_chart,
                f"chart-funnel-{i}",
                [charts.FunnelStep(r["stage"], r["cases"], r["conversion"], r["drop_off"]) for r in table],
                title=self.t("chart.funnel.title", journey=name),
                desc=self.t("chart.funnel.desc"),
                cases_label=self.t("chart.funnel.cases"),
                drop_label=self.t("chart.funnel.drop"),
            )
            funnels.append({"journey": name, "rows": table, "chart": chart})
        return {"funnels": funnels}

    def section_painpoints(self) -> dict[str, Any] | None:
        painpoints = mappings(self.plugin("journey").get("painpoints"))
        if not painpoints:
            return None
        shown, more = self.view.limit(painpoints, "painpoints")
        rows = [
            {"touchpoint": str(p.get("name") or p.get("touchpoint") or ""), "evidence": strings(p.get("evidence"))}
            for p in shown
        ]
        return {"rows": rows, "more": more}

    def section_employee(self) -> dict[str, Any] | None:
        employee = self.plugin("employee")
        if not employee:
            return None
        enps = employee.get("enps")
        overall = [enps] if isinstance(enps, Mapping) else mappings(enps)
        rows = [
            {
                "segment": _segment(r.get("segment"), self.lang) if r.get("segment") else self.t("employee.overall"),
                "value": number(r.get("value")),
                "interval": _interval(r),
                "n": r.get("n", "—"),
                "flags": self.flags(r.get("flags")),
            }
            for r in [*overall, *mappings(employee.get("enps_by_team"))]
        ]
        link = employee.get("link")
        link_content = self.link(link) if isinstance(link, Mapping) else None
        if not rows and link_content is None:
            return None
        return {"rows": rows, "link": link_content}

    def link(self, link: Mapping[str, Any]) -> dict[str, Any]:
        """The EX ↔ CX link: its statement, r with its interval, and the scatter when teams are given."""
        employee_metric = str(link.get("employee_metric") or "eNPS")
        customer_metric = str(link.get("customer_metric") or "NPS")
        # the employee plugin sends ``teams`` pairs; ``points`` is the simpler shape other plugins may send
        points = []
        for p in mappings(link.get("points")) or mappings(link.get("teams")):
            x = as_float(p.get("enps", p.get("employee_value")))
            y = as_float(p.get("customer_score", p.get("customer_value")))
            if x is not None and y is not None:
                points.append(charts.ScatterPoint(str(p.get("team") or ""), x, y))
        r = as_float(link.get("r"))
        correlation = None
        if r is not None:
            confidence = as_float(link.get("confidence")) or 0.95
            correlation = self.t(
                "employee.correlation",
                teams=link.get("n_teams") or len(points),
                r=number(r, 2),
                confidence=f"{confidence:.0%}",
                low=number(as_float(link.get("ci_low")), 2),
                high=number(as_float(link.get("ci_high")), 2),
            )
        chart = None
        if len(points) >= 2:
            chart = self.chart(
                charts.scatter_chart,
                "chart-link",
                points,
                title=self.t("chart.link.title"),
                desc=self.t("chart.link.desc", employee=employee_metric, customer=customer_metric),
                x_label=self.t("chart.link.x", metric=employee_metric),
                y_label=self.t("chart.link.y", metric=customer_metric),
            )
        # The plugin's statement is English prose: shown in English reports, and in others only when
        # the report's own translated sentence (r with its interval) is missing, so its reason is not lost.
        statement = str(link.get("statement") or "")
        if correlation and self.lang != "en":
            statement = ""
        return {
            "statement": statement,
            "error": self.t("employee.link_missing", reason=link["error"]) if link.get("error") else "",
            "correlation": correlation,
            "association": self.t("employee.association") if correlation else "",
            "chart": chart,
            "points": [{"team": p.label, "x": number(p.x), "y": number(p.y)} for p in points],
            "x_label": self.t("column.employee_value", metric=employee_metric),
            "y_label": self.t("column.customer_value", metric=customer_metric),
        }

    def finding_title(self, finding: Mapping[str, Any]) -> str:
        """Findings the core wrote itself are said again in the report's language; others as they are."""
        ident = str(finding.get("id", ""))
        if ident.startswith("maturity:"):
            criterion = ident.removeprefix("maturity:")
            title = self.criterion_title(criterion)
            if title is not None:
                return self.t("finding.not_yet", title=title)
        if ident.startswith("objective:"):
            return self.t("finding.objective_not_met", objective=ident.removeprefix("objective:"))
        return str(finding["title"])

    def criterion_title(self, criterion: str) -> str | None:
        for dimension in self.model["dimensions"]:
            for c in dimension["criteria"]:
                if c["id"] == criterion:
                    return self.mt(criterion, c["title"])
        return None

    def action_title(self, action: Mapping[str, Any]) -> str:
        finding = str(action.get("finding") or "")
        if finding.startswith("maturity:"):
            return self.mt(finding.removeprefix("maturity:") + ".recommendation", str(action["title"]))
        if finding.startswith("objective:"):
            return self.t("action.objective_gap")
        return str(action["title"])

    def section_findings(self) -> dict[str, Any]:
        ordered = sorted(self.doc["findings"], key=lambda f: -severity_rank(f))
        shown, more = self.view.limit(ordered, "findings")
        rows = [
            {
                "severity": f["severity"],
                "severity_label": self.t("severity." + f["severity"]),
                "stage": self.t("stage." + f["stage"]),
                "title": self.finding_title(f),
                "evidence": strings(f.get("evidence")),
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
        return {"rows": rows, "more": more, "empty": not rows, "by_stage": self.t("note.by_stage", stages=by_stage)}

    def section_checks(self) -> dict[str, Any] | None:
        checks = self.doc["checks"]
        if self.view.role == "frontline-manager":
            checks = [c for c in checks if c["plugin"].removeprefix("cxframe-") in {"employee", "journey"}]
        if not checks:
            return None
        rows = [
            {
                "check": c["check"],
                "title": c.get("title") or "",
                "plugin": c["plugin"],
                "status": c["status"],
                "status_label": self.t("status." + c["status"]),
                "evidence": strings(c.get("evidence")),
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


def _svg_image(svg: object) -> str | None:
    """A plugin's SVG picture as a ``data:`` URI for an ``<img>``.

    An SVG shown through ``<img>`` is a static image: browsers run no script in it
    and fetch nothing it names, so a plugin's drawing cannot reach into the page.
    """
    if not isinstance(svg, str) or not svg.lstrip().startswith(("<svg", "<?xml")):
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
