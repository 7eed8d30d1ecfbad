"""The criteria tables of ``docs/maturity.md``, generated from the models so the page cannot drift.

``python -m cxframe.assessment.models._docs`` rewrites the tables between the
``<!-- criteria:ID -->`` and ``<!-- /criteria:ID -->`` markers;
``tests/test_models.py`` fails when the page differs from the models.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from cxframe.contracts._maturity import MaturityModel


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def criteria_table(model: MaturityModel) -> str:
    """One Markdown table per dimension: level, id, criterion, how it is decided, recommendation."""
    parts = []
    for dimension in model.dimensions:
        parts.append(f"**{dimension.title}** (`{dimension.id}`, stage {dimension.stage.value})\n")
        parts.append("| level | id | criterion | decided by | recommendation |")
        parts.append("|---|---|---|---|---|")
        for criterion in model.criteria_of(dimension.id):
            decided = ["evidence"] if criterion.evidence is not None else []
            if criterion.question:
                decided.append(f"question: {criterion.question}")
            parts.append(
                f"| {criterion.level} | `{criterion.id}` | {_cell(criterion.title)} | "
                f"{_cell('; else '.join(decided))} | {_cell(criterion.recommendation)} |"
            )
        parts.append("")
    return "\n".join(parts).rstrip("\n")


def update(page: Path) -> None:
    from cxframe.assessment.models import MODELS

    text = page.read_text(encoding="utf-8")
    for model in MODELS.values():
        name = re.escape(model.id)
        pattern = re.compile(rf"(<!-- criteria:{name} -->\n)(?:.*?\n)?(<!-- /criteria:{name} -->)", re.S)
        table = criteria_table(model)
        # the table goes in literally (a replacement string would read its backslashes as escapes)
        replacement = table.replace("\\", "\\\\")
        text, count = pattern.subn(rf"\g<1>{replacement}\n\g<2>", text)
        if count != 1:
            raise SystemExit(f"{page}: no markers for model {model.id}")
    page.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    update(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/maturity.md"))
