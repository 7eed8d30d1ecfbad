"""The ``starter`` example: a small retail programme with six months of survey data.

The data is generated from a fixed seed, so every run of ``cxframe demo``
gives the same figures. A few rows are deliberately unusable (a score of 11,
``N/A``) to show how rejects are recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from importlib import resources
from pathlib import Path

#: The programme file, kept as TOML next to this module (package data).
PROGRAMME = (resources.files("cxframe.programme.examples") / "starter.toml").read_text(encoding="utf-8")

REGIONS = {"North": 0.6, "South": 0.0, "East": -0.4, "West": 0.2}
TOUCHPOINTS = {"app-search": "app", "checkout": "app", "branch-visit": "branch", "support-call": "phone"}
COMMENTS = [
    "",
    "",
    "Quick and easy",
    'Staff were great, but the "express" till was closed',
    "Checkout failed twice, had to use the website",
    "Waited 25 minutes on the phone, then got cut off",
    "服务很好，送货很快",
    "Returns, refunds, exchanges: all painless",
]


def _score(rng: random.Random, shift: float) -> int:
    return max(0, min(10, round(rng.gauss(7.9 + shift, 1.9))))


def write(root: Path, responses: int = 1200, seed: int = 7) -> None:
    """Write the programme file and ``data/survey.csv`` into ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cxframe.toml").write_text(PROGRAMME, encoding="utf-8")
    data = root / "data"
    data.mkdir(exist_ok=True)
    rng = random.Random(seed)
    start = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    with (data / "survey.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "response_id",
                "customer_id",
                "submitted_at",
                "region",
                "touchpoint",
                "channel",
                "likely_to_recommend",
                "satisfaction",
                "effort",
                "comment",
            ]
        )
        for number in range(1, responses + 1):
            region = rng.choice(list(REGIONS))
            touchpoint = rng.choice(list(TOUCHPOINTS))
            month = (number - 1) * 6 // responses
            # the app improves month by month; phone support does not
            shift = REGIONS[region] + (0.25 * month if TOUCHPOINTS[touchpoint] == "app" else -0.6)
            recommend: object = _score(rng, shift)
            satisfaction = max(1, min(5, round(rng.gauss(3.9 + shift / 2, 0.9))))
            effort = max(1, min(7, round(rng.gauss(4.9 + shift / 2, 1.2))))
            if number % 397 == 0:
                recommend = 11  # out of range: rejected with its line
            elif number % 433 == 0:
                recommend = "N/A"
            submitted = start + dt.timedelta(days=month * 30 + rng.randrange(30), minutes=rng.randrange(1440))
            writer.writerow(
                [
                    f"R{number:05d}",
                    f"C{rng.randrange(1, 900):04d}",
                    submitted.isoformat().replace("+00:00", "Z"),
                    region,
                    touchpoint,
                    TOUCHPOINTS[touchpoint],
                    recommend,
                    satisfaction,
                    effort,
                    rng.choice(COMMENTS),
                ]
            )
