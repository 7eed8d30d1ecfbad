"""Role views: which report sections each reader sees, and how deep.

An executive sees where the programme stands and what to do next; a CX lead
sees everything with its evidence; a frontline manager sees the touchpoints,
teams and customer words they can act on. Plugins add sections of their own
for the roles they name (`cxframe.ReportSection`); the document's
``sections`` holds them as built for its view, each saying which core section
it follows. Machine-readable JSON is always complete; views shape the reports
people read.
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
