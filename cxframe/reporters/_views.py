"""Role views: which report sections each reader sees, and how deep.

An executive sees where the programme stands and what to do next; a CX lead
sees everything with its evidence; a frontline manager sees the touchpoints,
teams and customer words they can act on. Plugins add sections of their own
for the roles they name (`cxframe.ReportSection`); the document's
``sections`` holds them as built for its view, each saying which core section
it follows.

The same view shapes the JSON (`reader_document`): the CX lead's document is
complete (DESIGN §11's ``assessment.json``), while another reader's JSON holds
what their HTML and Markdown show — by the same `View` methods — and says in
``view.left_out`` what was left out, counted. Plugins' raw ``evidence`` (which
may name customers: the insight plugin's at-risk customers, the text plugin's
comments) is for the complete view only; other readers get the plugins'
content as their sections were built for them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from cxframe.contracts._maturity import evidence_key
from cxframe.contracts._records import Severity
from cxframe.contracts._sections import CORE_SECTIONS, ROLES

__all__ = [
    "ROLES",
    "View",
    "actions_by_stage",
    "as_float",
    "mappings",
    "plain",
    "plugin_sections",
    "reader_document",
    "severity_rank",
    "strings",
    "texts_in",
    "view_of",
]

#: The core's section ids in the order reports show them (plugins' sections go in between, see `plugin_sections`).
ALL_SECTIONS = CORE_SECTIONS

SECTIONS: dict[str, tuple[str, ...]] = {
    "executive": ("summary", "maturity", "metrics", "trend", "objectives", "actions"),
    "cx-lead": ALL_SECTIONS,
    "frontline-manager": ("summary", "metrics", "actions", "checks", "verbatims"),
}

#: How many rows of a list a role sees (None: all). A plugin's section sets its own (`ReportSection.limits`).
LIMITS: dict[str, dict[str, int | None]] = {
    "executive": {"actions": 5, "findings": 5, "verbatims": 0},
    "cx-lead": {"actions": None, "findings": None, "verbatims": None},
    "frontline-manager": {"actions": 10, "findings": 10, "verbatims": None},
}


class View:
    """The role and language a report is rendered for."""

    __slots__ = ("lang", "role")

    def __init__(self, role: str = "cx-lead", lang: str = "en") -> None:
        self.role = role if role in ROLES else "cx-lead"
        self.lang = lang

    def shows(self, section: str) -> bool:
        return section in SECTIONS[self.role]

    @property
    def complete(self) -> bool:
        """Whether this reader sees everything: every core section, no list cut short (the CX lead)."""
        return all(self.shows(section) for section in ALL_SECTIONS) and all(
            most is None for most in LIMITS[self.role].values()
        )

    def limit(self, rows: list[Any], kind: str) -> tuple[list[Any], int]:
        """The rows this role sees, and how many were left out."""
        most = LIMITS[self.role].get(kind)
        if most is None or len(rows) <= most:
            return rows, 0
        return rows[:most], len(rows) - most

    def actions(self, actions: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """A frontline manager sees the actions on touchpoints, teams and checks; others see all."""
        if self.role != "frontline-manager":
            return actions
        return [a for a in actions if a.get("touchpoint") or str(a.get("finding", "")).startswith("check:")]

    def checks(self, checks: list[Mapping[str, Any]], sections: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """A frontline manager sees the checks of the plugins whose sections their report shows; others see all."""
        if self.role != "frontline-manager":
            return checks
        speaking = {evidence_key(str(s.get("plugin") or "")) for s in sections}
        return [c for c in checks if evidence_key(str(c.get("plugin") or "")) in speaking]


def view_of(document: Mapping[str, Any]) -> View:
    view = document.get("view", {})
    return View(view.get("role", "cx-lead"), view.get("lang", "en"))


#: The document's lists that one core section each shows, by that section's id (the JSON key is the same).
SECTION_LISTS = ("metrics", "trend", "objectives", "findings", "actions", "checks", "verbatims", "questions")


def reader_document(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """``document`` as its reader (``view``) may see it: what the JSON reporter writes.

    The complete view (the CX lead's) is the document itself, unchanged. For
    another reader, each list of `SECTION_LISTS` keeps what their HTML and
    Markdown show of it — empty where `View.shows` hides the section, cut by
    `View.limit`, `View.actions` and `View.checks` — and ``evidence`` (the
    plugins' raw evidence, which may name customers or quote them) is empty:
    their sections, built for their role, carry what they see. ``view.left_out``
    counts what was left out of each list and names the plugins whose evidence
    was (so "12 findings" still reads from the JSON). A document already shaped
    (with ``left_out``) is returned as it is.
    """
    view = view_of(document)
    stated = document.get("view")
    if view.complete or (isinstance(stated, Mapping) and "left_out" in stated):
        return document
    shaped = dict(document)
    left_out: dict[str, Any] = {}
    sections = mappings(document.get("sections"))
    for section in SECTION_LISTS:
        rows = document.get(section)
        if not isinstance(rows, list):
            continue
        kept = list(rows) if view.shows(section) else []
        if section == "actions":
            kept = view.actions(kept)
        elif section == "checks":
            kept = view.checks(kept, sections)
        kept, _ = view.limit(kept, section)
        if len(kept) < len(rows):
            shaped[section] = kept
            left_out[section] = len(rows) - len(kept)
    evidence = document.get("evidence")
    if isinstance(evidence, Mapping) and evidence:
        shaped["evidence"] = {}
        left_out["evidence"] = sorted(str(plugin) for plugin in evidence)
    shaped["view"] = {"role": view.role, "lang": view.lang, "left_out": left_out}
    return shaped


def texts_in(document: Mapping[str, Any], lang: str) -> Mapping[str, str]:
    """The document's generated texts said in ``lang`` (English text → text), from its ``texts``; none for English."""
    texts = document.get("texts")
    found = texts.get(lang) if isinstance(texts, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def plugin_sections(document: Mapping[str, Any]) -> dict[str, list[Mapping[str, Any]]]:
    """The plugins' sections the document's reader sees, by the core section each follows, in the document's order.

    A section that names no core section (a document edited by hand, say) follows ``objectives``,
    as a section does whose place is not installed.
    """
    role = view_of(document).role
    placed: dict[str, list[Mapping[str, Any]]] = {}
    for section in mappings(document.get("sections")):
        if not isinstance(section.get("id"), str) or not isinstance(section.get("content"), Mapping):
            continue
        if section["id"] in CORE_SECTIONS or role not in strings(section.get("roles")):
            continue
        after = section.get("after")
        placed.setdefault(after if after in CORE_SECTIONS else "objectives", []).append(section)
    return placed


_LIFECYCLE = ("context", "plan", "design", "measure", "improve")


def actions_by_stage(actions: list[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """How many actions act on each lifecycle stage, in lifecycle order (stages without any left out)."""
    counts = {stage: 0 for stage in _LIFECYCLE}
    for action in actions:
        if action.get("stage") in counts:
            counts[action["stage"]] += 1
    return [(stage, count) for stage, count in counts.items() if count]


# Plugins' evidence is open JSON: reporters read it through these, so a missing or
# malformed value shows as nothing rather than breaking the report.


def mappings(value: Any) -> list[Mapping[str, Any]]:
    """The dicts of a list from a plugin's evidence; anything else (absent, malformed) is no rows."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def strings(value: Any) -> list[str]:
    """A list of texts from a plugin's evidence (one text stands for a list of one)."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        return []
    return [str(item) for item in value if item is not None]


def as_float(value: Any) -> float | None:
    """A number from a plugin's evidence, or None (booleans, text, NaN and infinities are not numbers to show)."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return None
    return float(value)


def plain(value: Any) -> str:
    """A value from the document as text; a dash for a missing one (``None``, NaN), never the word."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return str(value)


def severity_rank(finding: Mapping[str, Any]) -> int:
    """A finding's severity as a number (info 0 … critical 4) for ordering; unknown text ranks lowest."""
    try:
        return Severity(finding.get("severity")).rank
    except ValueError:
        return 0
