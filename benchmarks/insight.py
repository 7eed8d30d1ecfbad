"""Benchmark the insight plugin: key drivers, and churn features + model, on generated data.

    python benchmarks/insight.py                                  # 100k responses × 12 drivers; 100k customers, 1M events
    python benchmarks/insight.py --responses 20000 --customers 20000 --events 200000   # a quick run

Writes a programme folder per part into a temporary directory, collects it
(not timed: the ingest has its own benchmarks), then times, each in its own
process so that its peak RSS is its own:

* ``cxframe drivers --metric nps --json`` (200 bootstrap resamples, the default);
* ``cxframe predict churn --json`` with churn labels (features at up to five
  moments, the time-split validation, the final model, every customer scored);
* ``cxframe customer ID --json`` for the customer at highest risk, after it:
  the scores ``predict churn`` kept in the store, read for one customer;
* the same profile without labels (after ``cxframe forget`` of the labels):
  the rule-based risk from that customer's features alone.

Data come from a fixed seed. Prints and writes ``benchmarks/results/insight.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPOSITORY = Path(__file__).resolve().parents[1]
DRIVERS = [f"d{i:02d}" for i in range(1, 13)]
START = np.datetime64("2025-01-01T00:00:00")
#: Runs one cxframe command in this process and reports its peak RSS (kB on Linux) on the last stderr line.
RUNNER = (
    "import resource, sys\n"
    "from cxframe.cli import main\n"
    "try:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n    code = exit.code\nelse:\n    code = 0\n"
    "print(f'maxrss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code or 0)\n"
)


def toml(text: str, folder: Path) -> None:
    (folder / "cxframe.toml").write_text(text, encoding="utf-8")


def run(folder: Path, *args: str) -> tuple[float, float, str]:
    """Seconds and peak RSS (MB) of ``cxframe ARGS`` in ``folder``, and its stdout."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, "-C", str(folder), *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"cxframe {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    rss = int(done.stderr.strip().splitlines()[-1].split("=")[1]) / 1024
    return seconds, rss, done.stdout


def drivers_programme(folder: Path, responses: int, rng: np.random.Generator) -> None:
    folder.mkdir(parents=True)
    common = rng.normal(size=(responses, 1))
    latent = common + rng.normal(size=(responses, len(DRIVERS)))
    weights = np.linspace(1.0, 0.1, len(DRIVERS))
    outcome = latent @ weights + rng.normal(size=responses) * 2
    nps = np.clip(np.round(5 + 2 * (outcome - outcome.mean()) / outcome.std()), 0, 10).astype(int)
    ratings = np.clip(np.round(3 + latent), 1, 5).astype(int)
    with (folder / "survey.csv").open("w", encoding="utf-8") as out:
        out.write("response_id,customer,submitted,nps," + ",".join(DRIVERS) + "\n")
        for i in range(responses):
            cells = ",".join(map(str, ratings[i]))
            out.write(f"r{i},c{i % 50000},2026-03-01T10:00:00Z,{nps[i]},{cells}\n")
    questions = ", ".join(f'{d} = "{d}"' for d in DRIVERS)
    scales = ", ".join(f"{d} = [1, 5]" for d in DRIVERS)
    toml(
        f"""name = "Drivers benchmark"

[[sources]]
id = "survey"
collector = "survey-csv"
path = "survey.csv"

[sources.columns]
response_id = "response_id"
respondent_id = "customer"
timestamp = "submitted"
questions = {{ nps = "nps", {questions} }}

[sources.options]
scales = {{ {scales} }}
""",
        folder,
    )


def churn_programme(folder: Path, customers: int, events: int, rng: np.random.Generator) -> None:
    folder.mkdir(parents=True)
    unhappy = rng.uniform(size=customers)
    left = rng.exponential(1 / (0.0003 + 0.012 * unhappy**2))  # days after the start
    # drawn generously, then the first ``events`` that fall before their customer left: exactly that many stored
    who = rng.integers(0, customers, events * 3)
    when = rng.uniform(0, 365, events * 3)
    keep = np.flatnonzero(when < left[who])[:events]
    who, when = who[keep], when[keep]
    activities = np.array(["web", "app", "contact-centre", "branch", "complaint"])
    chosen = np.where(rng.uniform(size=who.size) < 0.2 * unhappy[who], 4, rng.integers(0, 4, who.size))
    stamps = (START + (when * 86400).astype("timedelta64[s]")).astype(str)
    with (folder / "events.csv").open("w", encoding="utf-8") as out:
        out.write("customer,activity,at,channel\n")
        for c, a, t in zip(who, activities[chosen], stamps, strict=True):
            out.write(f"C{c},{a},{t}Z,web\n")
    # two survey answers per customer on average, scored by their unhappiness
    answers = customers * 2
    who = rng.integers(0, customers, answers)
    when = rng.uniform(0, 365, answers)
    keep = when < left[who]
    who, when = who[keep], when[keep]
    scores = np.clip(np.round(10 - 8 * unhappy[who] + rng.normal(0, 1, who.size)), 0, 10).astype(int)
    stamps = (START + (when * 86400).astype("timedelta64[s]")).astype(str)
    with (folder / "survey.csv").open("w", encoding="utf-8") as out:
        out.write("response_id,customer,submitted,nps\n")
        for i, (c, t, s) in enumerate(zip(who, stamps, scores, strict=True)):
            out.write(f"s{i},C{c},{t}Z,{s}\n")
    with (folder / "labels.csv").open("w", encoding="utf-8") as out:
        out.write("customer,date,churned\n")
        for c in range(customers):
            day = min(left[c], 365)
            date = str(START + np.timedelta64(int(day * 86400), "s"))[:10]
            out.write(f"C{c},{date},{int(left[c] < 365)}\n")
    toml(
        """name = "Churn benchmark"

[[sources]]
id = "survey"
collector = "survey-csv"
path = "survey.csv"
[sources.columns]
response_id = "response_id"
respondent_id = "customer"
timestamp = "submitted"
questions = { nps = "nps" }

[[sources]]
id = "log"
collector = "event-csv"
path = "events.csv"
[sources.columns]
case = "customer"
activity = "activity"
timestamp = "at"
channel = "channel"

[[sources]]
id = "outcomes"
collector = "kpi-csv"
path = "labels.csv"
[sources.columns]
customer_id = "customer"
timestamp = "date"
kpis = { churned = "churned" }
""",
        folder,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--folder", type=Path, help="Where the programmes go (default: a temporary folder).")
    parser.add_argument("--out", type=Path, default=REPOSITORY / "benchmarks" / "results" / "insight.json")
    options = parser.parse_args()
    rng = np.random.default_rng(options.seed)
    results: dict[str, object] = {"machine": {"python": sys.version.split()[0]}}
    with tempfile.TemporaryDirectory() as temporary:
        root = options.folder or Path(temporary)
        drivers = root / "drivers"
        drivers_programme(drivers, options.responses, rng)
        collect, _, _ = run(drivers, "collect")
        seconds, rss, out = run(drivers, "drivers", "--metric", "nps", "--json")
        found = json.loads(out)
        results["drivers"] = {
            "responses": options.responses,
            "drivers": len(DRIVERS),
            "resamples": 200,
            "collect_seconds": round(collect, 2),
            "seconds": round(seconds, 2),
            "peak_rss_mb": round(rss),
            "order": [d["driver"] for d in found],
        }
        print(json.dumps(results["drivers"]))
        churn = root / "churn"
        churn_programme(churn, options.customers, options.events, rng)
        collect, _, _ = run(churn, "collect")
        seconds, rss, out = run(churn, "predict", "churn", "--json")
        found = json.loads(out)
        results["churn"] = {
            "customers": options.customers,
            "events": options.events,
            "collect_seconds": round(collect, 2),
            "seconds": round(seconds, 2),
            "peak_rss_mb": round(rss),
            "model": found["model"],
            "auc": found["auc"],
            "customers_scored": len(found["customers"]),
        }
        print(json.dumps(results["churn"]))
        customer = found["customers"][0]["customer"]
        seconds, rss, out = run(churn, "customer", customer, "--json")
        kept = json.loads(out)["risk"]
        assert kept["risk"] == found["customers"][0]["risk"], (kept, found["customers"][0])
        results["customer"] = {"customer": customer, "seconds": round(seconds, 2), "peak_rss_mb": round(rss)}
        run(churn, "forget", "outcomes")
        toml((churn / "cxframe.toml").read_text("utf-8").split('[[sources]]\nid = "outcomes"')[0], churn)
        seconds, rss, out = run(churn, "customer", customer, "--json")
        results["customer_rules"] = {
            "customer": customer,
            "model": json.loads(out)["risk"]["model"],
            "seconds": round(seconds, 2),
            "peak_rss_mb": round(rss),
        }
        print(json.dumps({"customer": results["customer"], "customer_rules": results["customer_rules"]}))
    options.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
