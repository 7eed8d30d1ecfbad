"""The closed-loop rules: ``[[plugins.cxframe-improve.loop]]`` in the programme file.

::

    [[plugins.cxframe-improve.loop]]
    metric = "nps"                  # a registered metric; its question's answers are read
    at_or_below = 6                 # an answer at or below this (on the question's scale) opens a case
    sla_hours = 48                  # due this long after the answer (default 48)
    since = 30                      # days (or "12h", "2w", "30d"), or a date: 2025-12-01; older answers open no case
    owners = { "touchpoint:contact-centre" = "Head of Contact Centre", "region:North" = "North lead", default = "CX team" }
    closed_by = ["outcome-call"]    # event activities that resolve an open case when the customer's log shows one

Owner routes are tried in the order written: ``COLUMN:VALUE`` matches an
answer whose ``COLUMN`` (``touchpoint``, ``channel``, ``source`` or a segment
column such as ``region``) is ``VALUE``; ``default`` takes the rest. Every
problem is reported at once, naming the file and the key.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from typing import Any

import attrs

from cxframe import InvalidInput, Programme

#: The plugin's table in the programme file (and the owner of its store tables).
SETTINGS = "cxframe-improve"
#: Where a case starts, what ``cxframe loop update`` may set, and which statuses count as open.
NEW_STATUS = "open"
UPDATE_STATUSES: tuple[str, ...] = ("contacted", "resolved", "no_response")
OPEN_STATUSES: tuple[str, ...] = ("open", "contacted")
DEFAULT_SLA_HOURS = 48.0
DEFAULT_SINCE_HOURS = 30 * 24.0

_RULE_KEYS = ("metric", "at_or_below", "sla_hours", "since", "owners", "closed_by")
_SINCE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|hours?|d|days?|w|weeks?)\s*$", re.IGNORECASE)
_HOURS_PER = {"h": 1.0, "d": 24.0, "w": 168.0}
_COLUMN = re.compile(r"^[a-z][a-z0-9_]*$")


@attrs.frozen
class OwnerRoute:
    """``COLUMN:VALUE = OWNER``: answers whose ``column`` is ``value`` go to ``owner``."""

    column: str
    value: str
    owner: str


@attrs.frozen
class LoopRule:
    """One ``[[plugins.cxframe-improve.loop]]`` rule."""

    metric: str
    at_or_below: float
    sla_hours: float = DEFAULT_SLA_HOURS
    since_hours: float = DEFAULT_SINCE_HOURS
    routes: tuple[OwnerRoute, ...] = ()
    default_owner: str | None = None
    #: ``since`` given as a date or time (UTC): answers before it open no case, whatever the collect's time
    since_time: dt.datetime | None = None
    #: event activities that resolve the rule's open cases: the customer's first such event after the answer
    closed_by: tuple[str, ...] = ()

    def cutoff(self, now: dt.datetime) -> dt.datetime:
        """The earliest answer time that opens a case at ``now``: the ``since`` date, or ``since`` counted back."""
        return self.since_time if self.since_time is not None else now - dt.timedelta(hours=self.since_hours)

    def owner_for(self, answer: dict[str, Any]) -> str | None:
        """The owner of a case for ``answer`` (a row of ``observations``): the first route that matches, else the default."""
        for route in self.routes:
            value = answer.get(route.column)
            if value is not None and str(value) == route.value:
                return route.owner
        return self.default_owner


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _since(value: Any, key: str, problems: list[str]) -> tuple[float, dt.datetime | None]:
    """``(hours back from the collect, fixed time)``: a duration, or a TOML date/datetime (or its ISO text)."""
    if isinstance(value, str) and not _SINCE.match(value):
        with contextlib.suppress(ValueError):
            value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        # a local date-time (no offset) is read as UTC, like the answers' stored times
        moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return DEFAULT_SINCE_HOURS, moment.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return DEFAULT_SINCE_HOURS, dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    if isinstance(value, dt.time):
        problems.append(f"{key}: a time of day alone is not a date, got {value.isoformat()}; write 2025-12-01")
        return DEFAULT_SINCE_HOURS, None
    number = _number(value)
    if number is not None:
        if number <= 0:
            problems.append(f"{key}: must be more than 0 days, got {value!r}")
        return number * 24.0, None
    match = _SINCE.match(value) if isinstance(value, str) else None
    if match is None or float(match.group(1)) <= 0:
        problems.append(
            f"{key}: expected a number of days, a text such as '30d', '12h', '2w', or a date such as 2025-12-01, "
            f"got {value!r}"
        )
        return DEFAULT_SINCE_HOURS, None
    return float(match.group(1)) * _HOURS_PER[match.group(2)[0].lower()], None


def _owners(value: Any, key: str, problems: list[str]) -> tuple[tuple[OwnerRoute, ...], str | None]:
    if not isinstance(value, dict):
        problems.append(f'{key}: expected a table such as {{ "touchpoint:web" = "Web lead", default = "CX team" }}')
        return (), None
    routes: list[OwnerRoute] = []
    default: str | None = None
    for route, owner in value.items():
        where = f"{key}.{route!r}" if not _COLUMN.match(route) else f"{key}.{route}"
        if not isinstance(owner, str) or not owner.strip():
            problems.append(f"{where}: expected the owner's name, got {owner!r}")
            continue
        if route == "default":
            default = owner.strip()
            continue
        column, colon, wanted = route.partition(":")
        column = column.strip()
        if not colon or not wanted.strip() or not _COLUMN.match(column):
            problems.append(
                f"{where}: expected 'default' or COLUMN:VALUE (e.g. 'touchpoint:contact-centre', 'region:North')"
            )
            continue
        routes.append(OwnerRoute(column, wanted.strip(), owner.strip()))
    return tuple(routes), default


def _closed_by(value: Any, key: str, problems: list[str]) -> tuple[str, ...]:
    """The event activities that close a case: a list of non-empty texts, as the event log writes them."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(
            f'{key}: expected a list of event activities, as the event log names them (e.g. ["outcome-call"]), '
            f"got {value!r}"
        )
        return ()
    return tuple(dict.fromkeys(v.strip() for v in value))


def _rule(entry: Any, key: str, problems: list[str]) -> LoopRule | None:
    if not isinstance(entry, dict):
        problems.append(f"{key}: expected a table with metric and at_or_below")
        return None
    before = len(problems)
    for unknown in sorted(set(entry) - set(_RULE_KEYS)):
        problems.append(f"{key}.{unknown}: unknown key (known: {', '.join(_RULE_KEYS)})")
    metric = entry.get("metric")
    if not isinstance(metric, str) or not metric.strip():
        problems.append(f"{key}.metric: expected a metric id such as 'nps' or 'csat', got {metric!r}")
    threshold = _number(entry.get("at_or_below"))
    if threshold is None:
        problems.append(
            f"{key}.at_or_below: expected the score at or below which an answer opens a case (e.g. 6 for nps), "
            f"got {entry.get('at_or_below')!r}"
        )
    sla = _number(entry.get("sla_hours", DEFAULT_SLA_HOURS))
    if sla is None or sla <= 0:
        problems.append(f"{key}.sla_hours: expected a number of hours more than 0, got {entry.get('sla_hours')!r}")
    since, since_time = (
        _since(entry["since"], f"{key}.since", problems) if "since" in entry else (DEFAULT_SINCE_HOURS, None)
    )
    routes, default = _owners(entry["owners"], f"{key}.owners", problems) if "owners" in entry else ((), None)
    closed_by = _closed_by(entry["closed_by"], f"{key}.closed_by", problems) if "closed_by" in entry else ()
    if len(problems) > before or not isinstance(metric, str) or threshold is None or sla is None:
        return None
    return LoopRule(metric.strip(), threshold, sla, since, routes, default, since_time, closed_by)


def load_rules(programme: Programme | None) -> list[LoopRule]:
    """The loop rules of ``programme`` (none without a programme); `InvalidInput` naming every bad key."""
    if programme is None:
        return []
    settings = programme.plugin_settings(SETTINGS)
    prefix = f"plugins.{SETTINGS}"
    problems: list[str] = []
    for unknown in sorted(set(settings) - {"loop", "notify"}):
        problems.append(f"{prefix}.{unknown}: unknown key (known: loop, notify)")
    entries = settings.get("loop", [])
    if not isinstance(entries, list):
        problems.append(f"{prefix}.loop: expected [[{prefix}.loop]] tables")
        entries = []
    rules = [_rule(entry, f"{prefix}.loop[{index}]", problems) for index, entry in enumerate(entries)]
    if problems:
        raise InvalidInput(problems, where=str(programme.file))
    return [rule for rule in rules if rule is not None]
