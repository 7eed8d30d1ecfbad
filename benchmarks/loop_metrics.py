"""Benchmark: the closed loop at scale — loop metrics, recovery, CSV export and import.

Generates a survey of ``--customers`` customers answering NPS (0–10) and CSAT
(1–5) twice each over 29 days (fixed seed), with one loop rule (NPS at or
below 6, owners by region), collects it (which opens the cases), then closes
about half the cases through ``cxframe loop import`` of an edited export
(resolved or no_response), and times, each as a whole CLI command in its own
process (start-up included):

* ``measure --metric M --by owner`` for ``loop_closed``, ``loop_within_sla``,
  ``loop_hours_to_close`` (a median) and ``loop_recovery_nps``;
* ``measure --metric loop_recovery_nps --compare outcome``;
* ``loop export`` of every case and ``loop import`` of the edited file (the
  changes) and of the same file again (nothing changes).

Usage::

    python benchmarks/loop_metrics.py --customers 50000 [--out benchmarks/results/loop_metrics.json]

Nothing is asserted; the output has the core count and the load average, as
the machine may be shared. Data goes to ``benchmarks/data/loop/`` (ignored by git).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: the ``cxframe`` command, run by this interpreter (its console script may not be on PATH)
CLI = "import sys; from cxframe.cli import main; sys.argv[0] = 'cxframe'; main()"
PROGRAMME = """\
name = "Loop benchmark"

[[sources]]
id = "survey"
collector = "survey-csv"
path = "survey.csv"

[sources.columns]
response_id = "response_id"
respondent_id = "customer_id"
timestamp = "submitted_at"
touchpoint = "touchpoint"
segments = ["region"]
questions = { nps = "likely_to_recommend", csat = "satisfaction" }

[[plugins.cxframe-improve.loop]]
metric = "nps"
at_or_below = 6
owners = { "region:North" = "North lead", "region:South" = "South lead", default = "CX team" }
"""


def generate(folder: Path, customers: int) -> None:
    rng = random.Random(24)
    now = dt.datetime.now(dt.UTC)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cxframe.toml").write_text(PROGRAMME, encoding="utf-8")
    with (folder / "survey.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "response_id",
                "customer_id",
                "submitted_at",
                "touchpoint",
                "region",
                "likely_to_recommend",
                "satisfaction",
            ]
        )
        number = 0
        for customer in range(customers):
            for _ in range(2):
                number += 1
                answered = now - dt.timedelta(hours=rng.uniform(1, 700))
                writer.writerow(
                    [
                        f"r{number}",
                        f"c{customer}",
                        answered.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        rng.choice(["web", "store", "contact-centre"]),
                        rng.choice(["North", "South", "East"]),
                        rng.randint(0, 10),
                        rng.randint(1, 5),
                    ]
                )


def cxframe(folder: Path, *arguments: str) -> dict[str, float | str]:
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, "-C", str(folder), *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"cxframe {' '.join(arguments)} failed:\n{done.stderr}")
    return {"seconds": round(time.perf_counter() - began, 2), "output": done.stdout.strip().splitlines()[-1][:200]}


def close_half(export: Path, edited: Path) -> int:
    """The export with about half the open cases closed, as a CRM would send it back."""
    rng = random.Random(7)
    with export.open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    changed = 0
    for row in rows:
        if rng.random() < 0.5:
            row["status"] = rng.choice(["resolved", "resolved", "no_response"])
            row["root_cause"] = rng.choice(["Waiting time", "Billing error", "=formula-like text", "Product fault"])
            changed += 1
    with edited.open("w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--folder", type=Path, default=ROOT / "benchmarks" / "data" / "loop")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    folder: Path = args.folder
    for stale in ("cxframe.db", "cases.csv", "edited.csv"):
        (folder / stale).unlink(missing_ok=True)
    generate(folder, args.customers)
    results: dict[str, object] = {
        "customers": args.customers,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
    }
    results["collect"] = cxframe(folder, "collect")
    results["export"] = cxframe(folder, "loop", "export", str(folder / "cases.csv"))
    results["edited_rows"] = close_half(folder / "cases.csv", folder / "edited.csv")
    results["import"] = cxframe(folder, "loop", "import", str(folder / "edited.csv"))
    results["import_again"] = cxframe(folder, "loop", "import", str(folder / "edited.csv"))
    for metric in ("loop_closed", "loop_within_sla", "loop_hours_to_close", "loop_recovery_nps"):
        results[f"measure {metric} --by owner"] = cxframe(folder, "measure", "--metric", metric, "--by", "owner")
    results["measure loop_recovery_nps --compare outcome"] = cxframe(
        folder, "measure", "--metric", "loop_recovery_nps", "--compare", "outcome", "--json"
    )
    results["load_after"] = os.getloadavg()[0]
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
