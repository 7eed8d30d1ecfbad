"""The quick start shows what its commands print (#21).

Its outputs are written by ``scripts/docs_outputs.py`` from real runs of its
commands on the worked example and included into docs/quickstart.md; this test
runs them again and fails when a committed output no longer matches, so a
change to cxframe or to the example cannot leave the page explaining other
figures than it shows.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("docs_outputs", REPOSITORY / "scripts" / "docs_outputs.py")
assert _spec is not None and _spec.loader is not None
docs_outputs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(docs_outputs)

QUICKSTART = REPOSITORY / "docs" / "quickstart.md"


def test_the_quickstart_shows_what_its_commands_print() -> None:
    for plugin in ("cxframe_nps", "cxframe_journey", "cxframe_employee"):  # the demo's example uses all three
        pytest.importorskip(plugin)
    stale = docs_outputs.differences(REPOSITORY)
    assert not stale, f"{', '.join(stale)}: run `python scripts/docs_outputs.py` and commit what it writes"


def test_the_quickstart_includes_every_output() -> None:
    page = QUICKSTART.read_text(encoding="utf-8")
    outputs = sorted(path.name for path in (REPOSITORY / docs_outputs.OUTPUTS).iterdir())
    assert outputs == ["demo.txt", "keep-going.txt", "reading.md"]
    for name in outputs:
        assert f'--8<-- "{(docs_outputs.OUTPUTS / name).as_posix()}"' in page, name


def test_the_quickstart_prose_quotes_no_figure_of_its_own() -> None:
    """Figures of a run come from the generated files only; the page's own words state none."""
    page = QUICKSTART.read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", page, flags=re.DOTALL)
    assert re.findall(r"[+-]?\d+\.\d+", prose.replace("Python 3.11", "")) == []


def test_due_dates_are_shown_as_of_a_fixed_day() -> None:
    shown = docs_outputs.as_of(
        "    4.5  Staff frontline roles. — unassigned, 2027-02-04\n 3.0 Resource it — Head of CX,\n2027-03-06",
        today=dt.date(2026, 12, 6),
        shown=dt.date(2026, 12, 1),
    )
    assert (
        shown == "    4.5  Staff frontline roles. — unassigned, 2027-01-30\n 3.0 Resource it — Head of CX,\n2027-03-01"
    )
