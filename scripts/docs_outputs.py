"""Write the outputs the quick start shows, from real runs of its commands on the worked example.

    python scripts/docs_outputs.py           # rewrite docs/snippets/quickstart/*
    python scripts/docs_outputs.py --check   # exit 1 if a committed output differs (what the tests run)

docs/quickstart.md includes these files (``--8<--``, pymdownx.snippets), so what
the page shows is what the commands print, and
``tests/test_docs_outputs.py`` fails when a change to cxframe or to the example
changes an output without the files being written again.

Each command runs as a user would run it: ``cxframe`` (this interpreter's) in
a new temporary folder, on a terminal 120 columns wide. Two things are made
independent of the day and the machine: the due dates of proposed actions
count from the day of the run, so they are shown as if the run was on
`AS_OF`; and the rejects query is answered by Python's ``sqlite3`` module in
the ``sqlite3`` shell's default output (``value|value``), so no shell needs to
be installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
#: Where the outputs go, relative to the repository (docs/quickstart.md includes them from there).
OUTPUTS = Path("docs/snippets/quickstart")
#: The day the shown runs are dated: the day after the example's year of data ends.
AS_OF = dt.date(2026, 12, 1)
COLUMNS = 120
#: The rows of the grouped measure table shown (the rest is cut, with an ellipsis).
MEASURE_ROWS = 4
REJECTS_QUERY = "select source, line, reason from rejects order by source, line"


def _cxframe(folder: Path, *args: str) -> str:
    """What ``cxframe ARGS`` prints (stdout then stderr), run in ``folder`` on a terminal COLUMNS wide."""
    # the console script's entry point, with this interpreter: the cxframe of this checkout, wherever it is installed
    command = [sys.executable, "-c", "from cxframe.cli import main; main()", *args]
    environment = {**os.environ, "COLUMNS": str(COLUMNS), "NO_COLOR": "1", "TERM": "dumb", "PYTHONUTF8": "1"}
    for name in [name for name in environment if name.startswith("CXFRAME_") or name == "FORCE_COLOR"]:
        del environment[name]  # a developer's settings (CXFRAME_LOAD_PLUGINS hides plugins) are not a reader's
    done = subprocess.run(
        command, cwd=folder, env=environment, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"`cxframe {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return _tidy(done.stdout + done.stderr)


def _tidy(text: str) -> str:
    """Without the spaces a terminal pads lines with, ending in one newline."""
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines()) + "\n"


_DUE = re.compile(r"(— [^,\n]+,\s)(\d{4}-\d{2}-\d{2})")


def as_of(text: str, today: dt.date, shown: dt.date = AS_OF) -> str:
    """``text`` with the actions' due dates (``— owner, 2027-01-29``) counted from ``shown`` instead of ``today``."""

    def shift(match: re.Match[str]) -> str:
        due = dt.date.fromisoformat(match.group(2)) - today + shown
        return match.group(1) + due.isoformat()

    return _DUE.sub(shift, text)


def _rejects(store: Path) -> str:
    with sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True) as conn:
        rows = conn.execute(REJECTS_QUERY).fetchall()
    return "".join("|".join(str(value) for value in row) + "\n" for row in rows)


def _first_rows(table: str, rows: int) -> str:
    """The heading and the first ``rows`` rows of a table rich drew, then an ellipsis line."""
    lines = table.splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("┡"))
    return "\n".join(lines[: header + 1 + rows]) + "\n…\n"


def _number(value: float) -> str:
    return f"{value:,.1f}"


def _reading(folder: Path, demo: str) -> str:
    """The quick start's "How to read it" notes that quote figures, with the figures of this run."""
    document = json.loads((folder / "cxframe-demo" / "reports" / "assessment.json").read_text(encoding="utf-8"))
    survey = re.search(
        r"^customer-survey: read (\d+) rows: (\d+) accepted, (\d+) accepted in part, (\d+) rejected; (\d+) records",
        demo,
        re.MULTILINE,
    )
    assert survey is not None, "the demo's output has no line for the customer-survey source"
    rows, _, partial, rejected, records = (f"{int(count):,}" for count in survey.groups())
    nps = next(m for m in document["metrics"] if m["metric"] == "nps" and not m["segment"] and not m["period"])
    objectives = {o["status"]: o for o in reversed(document["objectives"])}
    lines = [
        f"- **`customer-survey: read {rows} rows …`** — the survey file's {rows} rows, one response each, gave "
        f"{records} records (the responses and their answers); {partial} rows were accepted in part and "
        f"{rejected} rejected: the `rejects` query [below](#keep-going) shows why.",
        f"- **Metrics** — NPS is {_number(nps['value'])} from {nps['n']:,} answers, and with 95 % confidence "
        f"the true value lies between {_number(nps['ci_low'])} and {_number(nps['ci_high'])}. Each metric has "
        "its own *n*: a respondent may skip a question.",
    ]
    described = {
        "met": "the whole interval is on the target's side",
        "not_met": "the whole interval misses the target",
        "inconclusive": "the interval reaches both sides of the target, so the data cannot tell yet",
    }
    examples = []
    for status in ("met", "not_met", "inconclusive"):
        objective = objectives.get(status)
        if objective is None:
            continue
        segment = ", ".join(f"{key} {value}" for key, value in objective["segment"].items())
        examples.append(
            f"`{objective['id']}` ({objective['metric']} {objective['comparison']} {objective['target']:g}"
            f"{' for ' + segment if segment else ''}): {_number(objective['value'])}, interval "
            f"{_number(objective['ci_low'])} … {_number(objective['ci_high'])} — `{status}`, {described[status]}"
        )
    lines.append(
        "- **Objectives** — cxframe calls an objective `met` or `not_met` only when the whole confidence "
        "interval is on one side of the target. Here: " + "; ".join(examples) + "."
    )
    return "\n".join(lines) + "\n"


def generate(*, today: Callable[[], dt.date] = dt.date.today) -> dict[str, str]:
    """Run the quick start's commands in a new folder; return each output file's name and text."""
    with tempfile.TemporaryDirectory(prefix="cxframe-quickstart-") as name:
        folder = Path(name)
        while True:  # the due dates count from the run's day: run again if midnight passed during it
            started = today()
            demo = _cxframe(folder, "demo")
            if today() == started:
                break
            shutil.rmtree(folder / "cxframe-demo")
        outputs = {"demo.txt": as_of(demo, started), "reading.md": _reading(folder, demo)}
        measure = ("-C", "cxframe-demo", "measure", "--metric", "nps", "--by", "region", "--period", "quarter")
        steps = [
            ("validate", _cxframe(folder, "-C", "cxframe-demo", "validate")),
            (" ".join(measure[2:]), _first_rows(_cxframe(folder, *measure), MEASURE_ROWS)),
            ("collect", _cxframe(folder, "-C", "cxframe-demo", "collect")),
        ]
        session = "".join(f"$ cxframe -C cxframe-demo {command}\n{output}" for command, output in steps)
        session += f"$ sqlite3 cxframe-demo/cxframe.db '{REJECTS_QUERY}'\n"
        session += _rejects(folder / "cxframe-demo" / "cxframe.db")
        outputs["keep-going.txt"] = session
    return outputs


def differences(repository: Path = REPOSITORY) -> list[str]:
    """The output files whose committed text differs from what the commands print now."""
    found = generate()
    stale = []
    for name, text in found.items():
        path = repository / OUTPUTS / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(str(OUTPUTS / name))
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say which outputs differ (exit 1 if any)")
    arguments = parser.parse_args(argv)
    if arguments.check:
        stale = differences()
        for name in stale:
            print(f"{name} differs from what the commands print now: run python scripts/docs_outputs.py")
        return 1 if stale else 0
    folder = REPOSITORY / OUTPUTS
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in generate().items():
        (folder / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUTPUTS / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
