"""Report sections: a plugin's own part of the assessment report, in every format, for the readers it names.

A plugin returns `ReportSection` objects from the ``register_report_sections``
hook. Whenever a report is rendered — by ``cxframe assess``, and again by
``cxframe report`` for another role or language, from the stored assessment
document without re-running anything — the core calls each section's
``build(report)`` with a `ReportContext` (the assessment document, the
reader's role and language, the section's own translations and row limits)
and shows the `SectionContent` it returns in the HTML and Markdown reports,
and in the document's ``sections`` key for machines.

Content is data, never markup: the core escapes every text it shows, draws
the charts (`CurveChart`, `StepChart`, `ScatterChart`) itself from numbers
and labels, and shows a plugin's own SVG drawing only as an image, where no
script in it can run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from cxframe.contracts._maturity import evidence_key
from cxframe.contracts._plugins import valid_id
from cxframe.contracts._texts import FLAG_WORDS

__all__ = [
    "CORE_SECTIONS",
    "ROLES",
    "Cell",
    "Chart",
    "Column",
    "CurveChart",
    "CurvePoint",
    "ReportContext",
    "ReportSection",
    "ScatterChart",
    "ScatterPoint",
    "SectionContent",
    "StepBar",
    "StepChart",
    "section_json",
]

T = TypeVar("T")

#: The readers a report is shaped for (``--role``).
ROLES = ("executive", "cx-lead", "frontline-manager")

#: The core's own sections, in the order reports show them; a plugin's section follows one of them (``after``).
CORE_SECTIONS = (
    "summary",
    "maturity",
    "criteria",
    "metrics",
    "trend",
    "objectives",
    "findings",
    "actions",
    "checks",
    "verbatims",
    "questions",
    "provenance",
)

TONES = ("good", "bad")


# --- validators and converters ----------------------------------------------------------------------------------


def _strings(value: str | Iterable[str]) -> tuple[str, ...]:
    """One text or several, as a tuple (an empty text is none)."""
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(value)


# typed converters (attrs' mypy plugin takes a field's parameter type from its converter)


def _curve_points(value: Iterable[CurvePoint]) -> tuple[CurvePoint, ...]:
    return tuple(value)


def _step_bars(value: Iterable[StepBar]) -> tuple[StepBar, ...]:
    return tuple(value)


def _scatter_points(value: Iterable[ScatterPoint]) -> tuple[ScatterPoint, ...]:
    return tuple(value)


def _chart_list(value: Iterable[Chart]) -> tuple[Chart, ...]:
    return tuple(value)


def _content_list(value: Iterable[SectionContent]) -> tuple[SectionContent, ...]:
    return tuple(value)


def _role_list(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _three_labels(value: Iterable[str]) -> tuple[str, str, str]:
    labels = tuple(value)
    if len(labels) != 3:
        raise ValueError(f"scale_labels: expected three texts (bottom, middle, top), got {labels!r}")
    return labels[0], labels[1], labels[2]


def _all_text(instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    wrong = [item for item in value if not isinstance(item, str)]
    if wrong:
        raise TypeError(f"{attribute.name}: expected texts, got {wrong[0]!r}")


def _text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{attribute.name}: expected a text, got {value!r}")


def _finite_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{attribute.name}: expected a finite number or None, got {value!r}")


def _guides(value: Iterable[float] | None) -> tuple[float, float] | None:
    if value is None:
        return None
    found = tuple(value)
    if len(found) != 2 or any(
        isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) for v in found
    ):
        raise ValueError(f"guides: expected (x, y), two finite numbers, got {value!r}")
    return float(found[0]), float(found[1])


def _finite(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        raise ValueError(f"{attribute.name}: expected a finite number, got None")
    _finite_or_none(instance, attribute, value)


def _count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{attribute.name}: expected a whole number of at least 0, got {value!r}")


def _items(cls: type) -> Callable[[object, attrs.Attribute[Any], tuple[Any, ...]], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        wrong = [item for item in value if not isinstance(item, cls)]
        if wrong:
            raise TypeError(f"{attribute.name}: expected {cls.__name__}, got {wrong[0]!r}")

    return check


def _roles(instance: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    unknown = [role for role in value if role not in ROLES]
    if unknown or not value:
        raise ValueError(f"{attribute.name}: expected some of {', '.join(ROLES)}, got {list(value)!r}")


# --- charts: the core draws them from these numbers and labels ------------------------------------------------


@attrs.frozen
class CurvePoint:
    """One step of a `CurveChart`: its label, its value on −2 … +2 (``None``: not known) and a count to mark."""

    label: str = attrs.field(validator=_text)
    value: float | None = attrs.field(validator=_finite_or_none)
    marks: int = attrs.field(default=0, validator=_count)


@attrs.frozen
class CurveChart:
    """A line across named steps on a scale of −2 … +2, green above 0 and red below (a journey's emotion curve).

    A step without a value breaks the line; a step with ``marks`` gets a red
    marker with that count under it, named ``mark_label`` in its tooltip.
    ``scale_labels`` name the bottom, middle and top of the scale.
    """

    id: str = attrs.field(validator=valid_id)
    title: str = attrs.field(validator=_text)
    points: tuple[CurvePoint, ...] = attrs.field(converter=_curve_points, validator=_items(CurvePoint))
    desc: str = attrs.field(default="", validator=_text)
    scale_labels: tuple[str, str, str] = attrs.field(
        default=("negative", "neutral", "positive"), converter=_three_labels
    )
    mark_label: str = attrs.field(default="", validator=_text)

    @scale_labels.validator
    def _three(self, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
        _all_text(self, attribute, value)


@attrs.frozen
class StepBar:
    """One step of a `StepChart`: how many reached it, and the shares kept and lost since the step before (0 … 1)."""

    label: str = attrs.field(validator=_text)
    count: int = attrs.field(validator=_count)
    conversion: float | None = attrs.field(default=None, validator=_finite_or_none)
    drop_off: float | None = attrs.field(default=None, validator=_finite_or_none)


@attrs.frozen
class StepChart:
    """One bar per step, its length the step's count against the largest, with the drop-off after it (a funnel)."""

    id: str = attrs.field(validator=valid_id)
    title: str = attrs.field(validator=_text)
    steps: tuple[StepBar, ...] = attrs.field(converter=_step_bars, validator=_items(StepBar))
    desc: str = attrs.field(default="", validator=_text)
    count_label: str = attrs.field(default="", validator=_text)
    drop_label: str = attrs.field(default="", validator=_text)


@attrs.frozen
class ScatterPoint:
    """One dot of a `ScatterChart`: its label and its two values."""

    label: str = attrs.field(validator=_text)
    x: float = attrs.field(validator=_finite)
    y: float = attrs.field(validator=_finite)


@attrs.frozen
class ScatterChart:
    """One dot per point, ``x`` across and ``y`` up, with the least-squares line through them.

    ``guides`` ``(x, y)`` draws a dashed line across at ``y`` and one up at
    ``x`` instead of the fitted line: the boundaries of quadrants (an
    importance × performance chart splits at the averages), where a fitted
    line would mean nothing.
    """

    id: str = attrs.field(validator=valid_id)
    title: str = attrs.field(validator=_text)
    points: tuple[ScatterPoint, ...] = attrs.field(converter=_scatter_points, validator=_items(ScatterPoint))
    desc: str = attrs.field(default="", validator=_text)
    x_label: str = attrs.field(default="", validator=_text)
    y_label: str = attrs.field(default="", validator=_text)
    guides: tuple[float, float] | None = attrs.field(default=None, converter=_guides)


Chart = CurveChart | StepChart | ScatterChart

_CHART_KINDS: dict[type, str] = {CurveChart: "curve", StepChart: "steps", ScatterChart: "scatter"}


def _charts(instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    wrong = [chart for chart in value if type(chart) not in _CHART_KINDS]
    if wrong:
        raise TypeError(f"{attribute.name}: expected CurveChart, StepChart or ScatterChart, got {wrong[0]!r}")


# --- tables ------------------------------------------------------------------------------------------------------


@attrs.frozen
class Column:
    """A table column: its heading, whether it holds figures (aligned right), whether it names the row (bold)."""

    title: str = attrs.field(validator=_text)
    numeric: bool = False
    strong: bool = False


@attrs.frozen
class Cell:
    """A table cell: one line of text or several (shown as a list), a muted note under it, a tone.

    ``tone`` is ``"good"`` (green) or ``"bad"`` (red), or ``None``. A plain text
    or a tuple of texts in a row is turned into a `Cell` for you.
    """

    text: tuple[str, ...] = attrs.field(converter=_strings, validator=_all_text)
    note: str = attrs.field(default="", validator=_text)
    tone: str | None = attrs.field(default=None)

    @tone.validator
    def _tone(self, attribute: attrs.Attribute[Any], value: str | None) -> None:
        if value is not None and value not in TONES:
            raise ValueError(f"tone: expected 'good', 'bad' or None, got {value!r}")


def _cell(value: Cell | str | Iterable[str]) -> Cell:
    return value if isinstance(value, Cell) else Cell(value)


def _rows(value: Iterable[Iterable[Cell | str | Iterable[str]]]) -> tuple[tuple[Cell, ...], ...]:
    return tuple(tuple(_cell(cell) for cell in row) for row in value)


def _columns(value: Iterable[Column | str]) -> tuple[Column, ...]:
    return tuple(column if isinstance(column, Column) else Column(column) for column in value)


@attrs.frozen
class SectionContent:
    """What a section shows, in this order: a heading, paragraphs, charts, a picture, a table, notes, then parts.

    * ``heading`` titles a part (the section itself is titled by `ReportSection.title`);
    * ``text``: paragraphs (one text or several);
    * ``charts``: `CurveChart`, `StepChart` or `ScatterChart`, drawn by the core as inline SVG
      at a desktop and a phone width (HTML only);
    * ``svg``: a drawing of the plugin's own, shown as an image (``<img>``) so that no script
      in it runs, with ``svg_alt`` as its text alternative (HTML only; anything that is not SVG
      text is left out);
    * ``columns`` and ``rows``: a table; a row has one cell per column, each a text, a tuple
      of texts or a `Cell`; ``caption`` says what the table holds;
    * ``more``: how many rows `ReportContext.limit` left out ("… and 3 more");
    * ``notes``: small print under the table;
    * ``parts``: more `SectionContent`, each usually with a heading (one per journey, say).

    Every text is shown as text: escaped in HTML, HTML and Markdown syntax escaped in Markdown.
    """

    heading: str = attrs.field(default="", validator=_text)
    text: tuple[str, ...] = attrs.field(default=(), converter=_strings, validator=_all_text)
    charts: tuple[Chart, ...] = attrs.field(default=(), converter=_chart_list, validator=_charts)
    svg: str | None = None
    svg_alt: str = attrs.field(default="", validator=_text)
    columns: tuple[Column, ...] = attrs.field(default=(), converter=_columns)
    rows: tuple[tuple[Cell, ...], ...] = attrs.field(default=(), converter=_rows)
    caption: str = attrs.field(default="", validator=_text)
    more: int = attrs.field(default=0, validator=_count)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_strings, validator=_all_text)
    parts: tuple[SectionContent, ...] = attrs.field(default=(), converter=_content_list)

    def __attrs_post_init__(self) -> None:
        if self.svg is not None and not isinstance(self.svg, str):
            raise TypeError(f"svg: expected SVG text or None, got {type(self.svg).__name__}")
        if self.rows and not self.columns:
            raise ValueError("rows: a table needs columns")
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"rows[{index}]: {len(row)} cells for {len(self.columns)} columns")
        wrong = [part for part in self.parts if not isinstance(part, SectionContent)]
        if wrong:
            raise TypeError(f"parts: expected SectionContent, got {wrong[0]!r}")


# --- the section and what its build receives --------------------------------------------------------------------


def _limits(instance: object, attribute: attrs.Attribute[Any], value: Mapping[str, int | None]) -> None:
    for role, most in value.items():
        if role not in ROLES:
            raise ValueError(f"limits: unknown role {role!r} (roles: {', '.join(ROLES)})")
        if most is not None:
            _count(instance, attribute, most)


def _translations(instance: object, attribute: attrs.Attribute[Any], value: Mapping[str, Mapping[str, str]]) -> None:
    for lang, texts in value.items():
        wrong = [key for key, text in texts.items() if not isinstance(text, str)]
        if wrong:
            raise TypeError(f"translations[{lang!r}][{wrong[0]!r}]: expected a text")


@attrs.frozen
class ReportSection:
    """A plugin's own section of the report, for the roles it names.

    ``build(report)`` gets a `ReportContext` and returns a `SectionContent`,
    or ``None`` when there is nothing to show (the section is then left out).
    It is called each time a report is rendered, once per role and language,
    from the assessment document alone: read what your plugin found through
    ``report.evidence()`` (what it returned from ``assessment_evidence``), not
    from the store. A build that raises is reported as the plugin's failure
    and the report goes on without the section.

    * ``roles``: who sees it: some of ``executive``, ``cx-lead``, ``frontline-manager``;
    * ``after``: the section it follows: one of the core's (`CORE_SECTIONS`, default
      ``objectives``) or another plugin's section id; when that one is not installed, it
      follows ``objectives``. Sections that follow the same one are ordered by plugin name,
      then in the order the plugin returned them;
    * ``limits``: how many rows of its list each role sees (role → count; absent or ``None``: all),
      applied by ``report.limit(rows)``;
    * ``translations``: ``{lang: {key: text}}`` for ``report.text(key)``; the section's own id
      is the key of its title in each language. English texts may live here too (``"en"``), or
      be given as ``report.text``'s default.
    """

    id: str = attrs.field(validator=valid_id)
    title: str = attrs.field(validator=_text)
    roles: tuple[str, ...] = attrs.field(converter=_role_list, validator=_roles)
    build: Callable[[ReportContext], SectionContent | None] = attrs.field(validator=attrs.validators.is_callable())
    after: str = attrs.field(default="objectives", kw_only=True, validator=valid_id)
    limits: Mapping[str, int | None] = attrs.field(factory=dict, kw_only=True, validator=_limits)
    translations: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict, kw_only=True, validator=_translations)

    def __attrs_post_init__(self) -> None:
        if self.id in CORE_SECTIONS:
            raise ValueError(f"report section id {self.id!r} is one of the core's sections; choose another")
        if self.after == self.id:
            raise ValueError(f"report section {self.id!r} cannot follow itself")

    def title_in(self, lang: str) -> str:
        """The section's title in ``lang`` (its own id is the key), else as given."""
        return self.translations.get(lang, {}).get(self.id, self.title)


@attrs.frozen
class ReportContext:
    """What a section's ``build`` receives: the assessment document and who it is rendered for.

    ``document`` is the versioned assessment document (see "Assessment" in the
    docs) as stored: plain JSON, possibly from an older run, so read it
    defensively. ``role`` and ``lang`` say who reads this rendering.
    """

    document: Mapping[str, Any]
    section: ReportSection
    plugin: str = ""
    role: str = "cx-lead"
    lang: str = "en"

    def evidence(self, plugin: str | None = None) -> Mapping[str, Any]:
        """What ``plugin`` (default: the one that registered this section) returned from ``assessment_evidence``.

        ``plugin`` is the distribution name with or without ``cxframe-``; an absent
        or malformed entry is an empty mapping.
        """
        evidence = self.document.get("evidence")
        if not isinstance(evidence, Mapping):
            return {}
        found = evidence.get(evidence_key(plugin if plugin is not None else self.plugin))
        return found if isinstance(found, Mapping) else {}

    def text(self, key: str, default: str | None = None, /, **values: Any) -> str:
        """``key`` from the section's translations in the report's language, else in English, else ``default``.

        ``{placeholders}`` are filled in from ``values``. A key found nowhere, with no default, is a
        ``KeyError`` (a bug in the plugin, reported as its failure).
        """
        translations = self.section.translations
        template = translations.get(self.lang, {}).get(key)
        if template is None:
            template = translations.get("en", {}).get(key, default)
        if template is None:
            raise KeyError(f"report section {self.section.id!r}: no text {key!r}")
        return template.format(**values) if values else template

    def flag(self, flag: str) -> str:
        """A result's flag (``small_sample``, ``repeat_respondents`` …) in words in the report's language.

        The section's own ``flag.<flag>`` text comes first (a plugin may say more, e.g. its anonymity
        threshold), then the words the core's reports use; a flag known to neither is shown as it is.
        """
        key = "flag." + flag
        own = self.section.translations
        words = own.get(self.lang, {}).get(key) or own.get("en", {}).get(key)
        if words is None and key in FLAG_WORDS:
            words = FLAG_WORDS[key].get(self.lang) or FLAG_WORDS[key]["en"]
        return words if words is not None else flag

    def translate(self, value: object) -> str:
        """A generated text of the document (a check's evidence, a finding's title …) in the report's language.

        The document keeps its generated texts said in every language (its ``texts``, made
        from `cxframe.Text`); anything else — a name, a respondent's words — comes back as it is.
        """
        shown = str(value)
        texts = self.document.get("texts")
        found = texts.get(self.lang) if isinstance(texts, Mapping) else None
        translated = found.get(shown) if isinstance(found, Mapping) else None
        return translated if isinstance(translated, str) else shown

    def limit(self, rows: Sequence[T]) -> tuple[list[T], int]:
        """The rows this role sees (`ReportSection.limits`), and how many were left out (for ``more``)."""
        most = self.section.limits.get(self.role)
        if most is None or len(rows) <= most:
            return list(rows), 0
        return list(rows[:most]), len(rows) - most


# --- the public JSON shape ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        return {field.name: _plain(getattr(value, field.name)) for field in attrs.fields(type(value))}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _chart_json(chart: Chart) -> dict[str, Any]:
    return {"kind": _CHART_KINDS[type(chart)], **_plain(chart)}


def content_json(content: SectionContent) -> dict[str, Any]:
    """A `SectionContent` as plain JSON (the ``content`` of a section in the assessment document)."""
    return {
        "heading": content.heading,
        "text": list(content.text),
        "charts": [_chart_json(chart) for chart in content.charts],
        "svg": content.svg,
        "svg_alt": content.svg_alt,
        "columns": [{"title": c.title, "numeric": c.numeric, "strong": c.strong} for c in content.columns],
        "rows": [[{"text": list(c.text), "note": c.note, "tone": c.tone} for c in row] for row in content.rows],
        "caption": content.caption,
        "more": content.more,
        "notes": list(content.notes),
        "parts": [content_json(part) for part in content.parts],
    }


def section_json(
    section: ReportSection, plugin: str, content: SectionContent, *, lang: str, after: str
) -> dict[str, Any]:
    """One entry of the assessment document's ``sections``: who made it, where it goes, what it shows."""
    return {
        "id": section.id,
        "plugin": plugin,
        "title": section.title_in(lang),
        "roles": list(section.roles),
        "after": after,
        "content": content_json(content),
    }
