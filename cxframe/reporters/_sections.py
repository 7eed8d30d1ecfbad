"""Plugins' report sections: placed among the core's, built for one reader, kept in the document as JSON.

`build_sections` is called each time reports are rendered (``cxframe assess``
for its document, ``cxframe report`` for another role or language): it calls
the ``build`` of every registered `cxframe.ReportSection` the reader's role
sees, in report order, and returns their JSON (the document's ``sections``).
A build that raises, or returns something else than a `cxframe.SectionContent`
or ``None``, is that plugin's failure; the report goes on without the section.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Mapping
from typing import Any

from cxframe.contracts._sections import CORE_SECTIONS, ReportContext, ReportSection, SectionContent, section_json
from cxframe.host._manager import PluginFailure
from cxframe.host._registry import Registered
from cxframe.reporters._views import view_of

__all__ = ["build_sections", "place"]

#: Where a section goes whose ``after`` names no installed section.
DEFAULT_PLACE = "objectives"


def place(entries: Iterable[Registered[ReportSection]]) -> list[tuple[Registered[ReportSection], str]]:
    """Every section in report order, each with the core section it comes after (directly or behind others).

    A section follows its ``after``: a core section, or another plugin's section
    when that is registered (and the two do not follow each other round in a
    circle); otherwise ``objectives``. Sections that follow the same one are
    ordered by plugin name, then in the order their plugin returned them.
    """
    entries = list(entries)
    by_id = {entry.item.id: entry for entry in entries}

    def circular(entry: Registered[ReportSection]) -> bool:
        seen: set[str] = set()
        anchor = entry.item.after
        while anchor in by_id and anchor not in seen:
            if anchor == entry.item.id:
                return True
            seen.add(anchor)
            anchor = by_id[anchor].item.after
        return False

    children: dict[str, list[tuple[str, int, Registered[ReportSection]]]] = {}
    for index, entry in enumerate(entries):
        after = entry.item.after
        known = after in CORE_SECTIONS or (after in by_id and not circular(entry))
        children.setdefault(after if known else DEFAULT_PLACE, []).append((entry.plugin, index, entry))

    ordered: list[tuple[Registered[ReportSection], str]] = []

    def follow(anchor: str, root: str) -> None:
        for _, _, entry in sorted(children.get(anchor, []), key=lambda child: child[:2]):
            ordered.append((entry, root))
            follow(entry.item.id, root)

    for core in CORE_SECTIONS:
        follow(core, core)
    return ordered


def build_sections(
    document: Mapping[str, Any], sections: Iterable[Registered[ReportSection]], failures: list[PluginFailure]
) -> list[dict[str, Any]]:
    """The JSON of every section the document's reader sees, built for their role and language, in report order.

    Failures are appended to ``failures`` (once: rendering the same document again
    does not report the same failure twice).
    """
    view = view_of(document)
    built = []
    for entry, root in place(sections):
        section = entry.item
        if view.role not in section.roles:
            continue
        report = ReportContext(document, section, plugin=entry.plugin, role=view.role, lang=view.lang)
        try:
            content = section.build(report)
            if content is not None and not isinstance(content, SectionContent):
                raise TypeError(f"returned {type(content).__name__}, expected SectionContent or None")
        except Exception as exc:  # a section's bug must not lose the report
            _record(
                failures,
                PluginFailure(
                    entry.plugin,
                    f"report section {section.id}",
                    f"{type(exc).__name__}: {exc}",
                    "".join(traceback.format_exception(exc)),
                ),
            )
            continue
        if content is not None:
            built.append(section_json(section, entry.plugin, content, lang=view.lang, after=root))
    return built


def _record(failures: list[PluginFailure], failure: PluginFailure) -> None:
    if not any((f.plugin, f.hook, f.error) == (failure.plugin, failure.hook, failure.error) for f in failures):
        failures.append(failure)
