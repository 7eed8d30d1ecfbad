"""Helpers shared by the cxframe-employee tests: programmes, surveys and hosts."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import cxframe_employee
import cxframe_nps
from cxframe import PluginHost, testing

FIXTURES = Path(__file__).parent / "fixtures"

EMPLOYEE_SOURCE = {
    "id": "staff",
    "collector": "employee-survey",
    "path": "staff.csv",
    "columns": {
        "response_id": "id",
        "timestamp": "when",
        "segments": ["team", "role", "site"],
        "questions": {"enps": "enps", "empowerment": "empowerment"},
    },
}
CUSTOMER_SOURCE = {
    "id": "customers",
    "collector": "survey-csv",
    "path": "customers.csv",
    "columns": {"response_id": "id", "timestamp": "when", "segments": ["team"], "questions": {"nps": "ltr"}},
}

#: A frontline role that passes every role check with the default thresholds.
GOOD_ROLE: dict[str, Any] = {
    "id": "agent",
    "name": "Contact-centre agent",
    "headcount": 100,
    "refund_limit": 50.0,
    "can_close_complaints": True,
    "common_issues_resolvable": 0.9,
    "escalation_share": 0.1,
    "training_hours_per_year": 30,
    "cx_trained_share": 0.95,
    "systems_per_interaction": 2,
    "scorecard_kpis": ["aht", "csat", "fcr"],
    "contacts_per_agent_hour": 8,
    "occupancy": 0.8,
    "service_level": 0.82,
    "service_level_target": 0.8,
}
GOOD_VOICE = {"channel": "monthly frontline forum", "suggestions": 40, "acted_on": 20}


def host() -> PluginHost:
    return testing.plugin_host(cxframe_nps, cxframe_employee)


def role(**changes: Any) -> dict[str, Any]:
    return {**GOOD_ROLE, **changes}


_ids = itertools.count()


def staff_rows(
    team: str, scores: Sequence[int], *, role: str = "agent", site: str = "north", when: str = "2026-03-02"
) -> list[str]:
    """Survey lines for one team: one response per eNPS score (empowerment 4)."""
    return [f"s{next(_ids)},{when},{team},{role},{site},{score},4" for score in scores]


def write_staff(root: Path, rows: Iterable[str]) -> None:
    (root / "staff.csv").write_text(
        "id,when,team,role,site,enps,empowerment\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )


def customer_rows(team: str, scores: Sequence[int], when: str = "2026-03-05") -> list[str]:
    return [f"c{next(_ids)},{when},{team},{score}" for score in scores]


def write_customers(root: Path, rows: Iterable[str]) -> None:
    (root / "customers.csv").write_text("id,when,team,ltr\n" + "\n".join(rows) + "\n", encoding="utf-8")


def programme(
    directory: Path,
    settings: dict[str, Any] | None = None,
    *,
    staff: Iterable[str] | None = None,
    customers: Iterable[str] | None = None,
    sources: Sequence[dict[str, Any]] = (),
    text: str | None = None,
) -> Path:
    """A programme with the employee settings, the survey files given and their sources (plus ``sources``)."""
    sources = list(sources)
    if staff is not None:
        sources.append(EMPLOYEE_SOURCE)
    if customers is not None:
        sources.append(CUSTOMER_SOURCE)
    if text is not None:
        root = testing.make_programme(directory, text=text)
    else:
        plugins = {"cxframe-employee": settings} if settings is not None else {}
        root = testing.make_programme(directory, sources=sources, plugins=plugins)
    if staff is not None:
        write_staff(root, staff)
    if customers is not None:
        write_customers(root, customers)
    return root


def scores(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors
