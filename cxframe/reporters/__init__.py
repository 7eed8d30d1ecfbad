"""The built-in reporters, a plugin like any other (entry point ``reports`` of the cxframe distribution).

* ``json`` — the assessment document as it is: stable, versioned, schema'd;
* ``markdown`` — for wikis and e-mail (`cxframe.reporters.markdown`);
* ``html`` — one self-contained page with inline SVG charts, to mail or print (`cxframe.reporters.html`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cxframe.extensions import Reporter
from cxframe.hookspecs import hookimpl
from cxframe.reporters.html import render_html
from cxframe.reporters.markdown import render_markdown


def render_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


@hookimpl
def register_reporters() -> list[Reporter]:
    return [
        Reporter(
            id="json",
            title="Assessment document (JSON)",
            suffix=".json",
            render=render_json,
            description="The versioned assessment document; its JSON Schema is in the docs.",
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
