"""The built-in reporters, a plugin like any other (entry point ``reports`` of the cxframe distribution).

* ``json`` — the assessment document: stable, versioned, schema'd; complete for the CX lead, and for
  another reader what their reports show (`cxframe.reporters._views.reader_document`);
* ``markdown`` — for wikis and e-mail (`cxframe.reporters._markdown`);
* ``html`` — one self-contained page with inline SVG charts, to mail or print (`cxframe.reporters._html`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cxframe.contracts._plugins import Reporter
from cxframe.host._hookspecs import hookimpl
from cxframe.reporters._html import render_html
from cxframe.reporters._markdown import render_markdown
from cxframe.reporters._views import reader_document


def render_json(document: Mapping[str, Any]) -> str:
    """The document as its reader may see it (`reader_document`: the CX lead's is complete), as JSON."""
    return json.dumps(reader_document(document), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


@hookimpl
def register_reporters() -> list[Reporter]:
    return [
        Reporter(
            id="json",
            title="Assessment document (JSON)",
            suffix=".json",
            render=render_json,
            description="The versioned assessment document (its JSON Schema is in the docs); complete for the CX lead, "
            "what the reports show for another --role.",
        ),
        Reporter(
            id="markdown",
            title="Markdown report",
            suffix=".md",
            render=render_markdown,
            description="The report as Markdown, shaped by --role and --lang.",
        ),
        Reporter(
            id="html",
            title="HTML report",
            suffix=".html",
            render=render_html,
            description="One self-contained page with inline SVG charts (works offline), shaped by --role and --lang.",
        ),
    ]
