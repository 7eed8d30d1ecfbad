"""What the HTML and Markdown reports say alike: labels, generated texts in the reader's language, metrics by name.

`Wording` is the base of both reporters' renderers. Every word a report
shows goes through it: the core's labels (`text`), the maturity model's own
texts (`model_text`), and the generated texts of the document — criteria
evidence, checks' and findings' titles and evidence, actions — which the
document keeps said in each language (``texts``, see `cxframe.Text`).
Anything it does not know (a name from the programme file, a respondent's
words) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxframe.contracts._texts import LIST_SEPARATORS
from cxframe.reporters._i18n import FLAG_KEYS, model_text, text
from cxframe.reporters._views import View, as_float, mappings, strings, texts_in, view_of

__all__ = ["Wording"]

#: Units the reports say in words (others are shown as the metric's definition writes them).
_UNITS = {"%": "unit.percent", "points": "unit.points"}


class Wording:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.doc = document
        self.view: View = view_of(document)
        self.lang = self.view.lang
        self.model: Mapping[str, Any] = document["model"]
        self.texts = texts_in(document, self.lang)
        self.metric_rows: dict[str, Mapping[str, Any]] = {}
        for row in [*mappings(document.get("metrics")), *mappings(document.get("trend"))]:
            self.metric_rows.setdefault(str(row.get("metric")), row)

    def t(self, key: str, **values: Any) -> str:
        return text(key, self.lang, **values)

    def mt(self, key: str, default: str) -> str:
        return model_text(self.model, key, self.lang, default)

    def tr(self, value: Any) -> str:
        """A generated text of the document in the reader's language (`cxframe.Text`); other text as it is."""
        shown = str(value)
        return self.texts.get(shown, shown)

    def evidence(self, lines: Any) -> str:
        """Evidence lines on one line, each in the reader's language, with the language's separator."""
        return self.t("separator.evidence").join(self.tr(line) for line in strings(lines))

    # --- the maturity model ---------------------------------------------------------------------------------

    def overall(self) -> tuple[int, float]:
        """The lowest dimension level (a chain is as strong as its weakest link) and the mean score."""
        dimensions = self.model["dimensions"]
        if not dimensions:
            return 0, 0.0
        return min(d["level"] for d in dimensions), sum(d["score"] for d in dimensions) / len(dimensions)

    def how_level(self) -> str:
        """How the overall level and the average score are derived (the summary says it next to them)."""
        return self.t("summary.how_level")

    def criterion_title(self, criterion: str) -> str | None:
        for dimension in self.model["dimensions"]:
            for c in dimension["criteria"]:
                if c["id"] == criterion:
                    return self.mt(criterion, c["title"])
        return None

    # --- findings and actions --------------------------------------------------------------------------------

    def finding_title(self, finding: Mapping[str, Any]) -> str:
        """Findings the core wrote itself are said again in the report's language; others from ``texts``."""
        ident = str(finding.get("id", ""))
        if ident.startswith("maturity:"):
            title = self.criterion_title(ident.removeprefix("maturity:"))
            if title is not None:
                return self.t("finding.not_yet", title=title)
        if ident.startswith("objective:"):
            return self.t("finding.objective_not_met", objective=ident.removeprefix("objective:"))
        return self.tr(finding["title"])

    def action_title(self, action: Mapping[str, Any]) -> str:
        finding = str(action.get("finding") or "")
        if finding.startswith("maturity:"):
            return self.mt(finding.removeprefix("maturity:") + ".recommendation", self.tr(action["title"]))
        if finding.startswith("objective:"):
            return self.t("action.objective_gap")
        return self.tr(action["title"])

    def priority_note(self) -> str:
        """What an action's priority is, and its range (the actions' tables show it under them)."""
        return self.t("note.priority")

    # --- metrics ---------------------------------------------------------------------------------------------

    def metric_title(self, metric: str) -> str:
        """A metric's title in the reader's language (its definition's), else its id."""
        title = self.metric_rows.get(metric, {}).get("title")
        return self.tr(title) if isinstance(title, str) and title else metric

    def flag(self, flag: str) -> str:
        """A result's flag in words where the core knows it (``flag.<flag>``), else as it is."""
        return self.t("flag." + flag) if flag in FLAG_KEYS else flag

    def flags(self, flags: Any) -> str:
        """A result's flags in words, joined with the language's list separator."""
        return LIST_SEPARATORS.get(self.lang, ", ").join(self.flag(f) for f in strings(flags))

    def metric_name(self, metric: str) -> str:
        """Title and id, for the tables where the id is useful (to find the metric in ``cxframe measure``)."""
        title = self.metric_title(metric)
        return title if title == metric else self.t("metric.named", title=title, metric=metric)

    def unit(self, metric: str) -> str:
        """The unit of a metric's values, in words: "%", "points", "score on 1–7" …; empty when it has none."""
        row = self.metric_rows.get(metric, {})
        unit = str(row.get("unit") or "")
        if unit in _UNITS:
            return self.t(_UNITS[unit])
        scale = row.get("scale")
        low, high = (
            (as_float(scale[0]), as_float(scale[1])) if isinstance(scale, list) and len(scale) == 2 else (None, None)
        )
        if low is not None and high is not None and unit in ("score", ""):
            return self.t("unit.scale", low=f"{low:g}", high=f"{high:g}")
        return self.t("unit.score") if unit == "score" else unit
