"""The employee context: ``[plugins.cxframe-employee]`` in the programme file.

Frontline roles are described inline or in a CSV file the section points to::

    [plugins.cxframe-employee]
    roles_file = "roles.csv"          # optional; columns are the role keys below
    item_scale = [1, 5]               # scale of the empowerment / engagement items
    trend_period = "quarter"          # month | quarter | year, for the eNPS trend

    [[plugins.cxframe-employee.roles]]
    id = "agent"
    name = "Contact-centre agent"
    frontline = true                  # default true; only frontline roles are checked
    headcount = 120
    refund_limit = 50.0               # what the role may grant without escalation (0: nothing)
    can_close_complaints = true
    common_issues_resolvable = 0.85   # share (0–1) of the common issues it can resolve alone
    escalation_share = 0.12           # share of contacts escalated, where measured
    training_hours_per_year = 30
    cx_trained_share = 0.95           # share of the role's people trained in CX
    systems_per_interaction = 4
    scorecard_kpis = ["aht", "csat", "fcr"]
    contacts_per_agent_hour = 9
    occupancy = 0.82
    service_level = 0.78
    service_level_target = 0.80

    [plugins.cxframe-employee.voice_of_employee]
    channel = "monthly frontline forum"
    suggestions = 40
    acted_on = 14

    [plugins.cxframe-employee.thresholds]   # every threshold has a default, see `Thresholds`
    anonymity_threshold = 5

    [plugins.cxframe-employee.link]          # the EX ↔ CX link, see `LinkSettings`
    customer_metric = "nps"

Every problem is reported at once with the file and the key
(``cxframe.toml: plugins.cxframe-employee.roles[0].occupancy: must be a share
between 0 and 1 …``), or the CSV file and its line.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal, TypeVar

import attrs

from cxframe import InvalidInput, Objective, Programme, structure

T = TypeVar("T")

#: The plugin's table in the programme file.
SETTINGS = "cxframe-employee"
#: Its key path, the prefix of every message about it.
PATH = f"plugins.{SETTINGS}"


# -- validators --------------------------------------------------------------------------------------------------------


def _non_empty(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value or not value.strip():
        raise ValueError(f"'{attribute.name}' must not be empty")


def _share(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and 0 <= value <= 1):
        raise ValueError(f"'{attribute.name}' must be a share between 0 and 1 (0.8 for 80%), got {value!r}")


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise ValueError(f"'{attribute.name}' must be 0 or more, got {value!r}")


def _at_least(minimum: int) -> Callable[[object, attrs.Attribute[Any], int], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
        if value < minimum:
            raise ValueError(f"'{attribute.name}' must be at least {minimum}, got {value!r}")

    return check


# -- the context -------------------------------------------------------------------------------------------------------


@attrs.frozen
class Role:
    """A role in the organisation, described for the empowerment checks.

    Every figure is optional; a check that needs a figure a frontline role
    lacks warns that it is not given.
    """

    id: str = attrs.field(validator=_non_empty)
    name: str = ""
    frontline: bool = True
    headcount: int | None = attrs.field(default=None, validator=_non_negative)
    #: the refund / compensation a person in the role may grant without escalation (0: none)
    refund_limit: float | None = attrs.field(default=None, validator=_non_negative)
    can_close_complaints: bool | None = None
    #: share (0–1) of the common customer issues the role can resolve without escalation
    common_issues_resolvable: float | None = attrs.field(default=None, validator=_share)
    #: share (0–1) of the role's contacts that are escalated, where measured
    escalation_share: float | None = attrs.field(default=None, validator=_share)
    training_hours_per_year: float | None = attrs.field(default=None, validator=_non_negative)
    #: share (0–1) of the role's people trained in customer experience
    cx_trained_share: float | None = attrs.field(default=None, validator=_share)
    #: systems (applications, screens) used in a typical interaction
    systems_per_interaction: float | None = attrs.field(default=None, validator=_non_negative)
    #: the KPIs on the role's scorecard (e.g. ``["aht", "csat"]``)
    scorecard_kpis: tuple[str, ...] = ()
    contacts_per_agent_hour: float | None = attrs.field(default=None, validator=_non_negative)
    #: share (0–1) of logged-in time spent handling contacts
    occupancy: float | None = attrs.field(default=None, validator=_share)
    #: share (0–1) of contacts answered within the service-level time
    service_level: float | None = attrs.field(default=None, validator=_share)
    service_level_target: float | None = attrs.field(default=None, validator=_share)

    @property
    def label(self) -> str:
        return f"{self.id} ({self.name})" if self.name and self.name != self.id else self.id


@attrs.frozen
class VoiceOfEmployee:
    """A channel through which employees suggest improvements, and what came of it."""

    channel: str = ""
    suggestions: int | None = attrs.field(default=None, validator=_non_negative)
    acted_on: int | None = attrs.field(default=None, validator=_non_negative)


@attrs.frozen
class Thresholds:
    """What the checks compare against. Every value can be set in ``[plugins.cxframe-employee.thresholds]``.

    Shares are 0–1. "min" values warn below them, "fail" values fail beyond
    them; a "max" value warns above it.
    """

    #: Employee results are never shown for a group with fewer respondents than this.
    anonymity_threshold: int = attrs.field(default=5, validator=_at_least(3))
    #: Decision authority: share of common issues a frontline role resolves alone.
    min_resolvable_share: float = attrs.field(default=0.8, validator=_share)
    fail_resolvable_share: float = attrs.field(default=0.5, validator=_share)
    #: Decision authority: share of contacts escalated.
    max_escalation_share: float = attrs.field(default=0.2, validator=_share)
    fail_escalation_share: float = attrs.field(default=0.4, validator=_share)
    #: Training: hours per frontline employee per year.
    min_training_hours: float = attrs.field(default=24.0, validator=_non_negative)
    fail_training_hours: float = attrs.field(default=8.0, validator=_non_negative)
    #: Training: share of frontline people trained in CX.
    min_cx_trained_share: float = attrs.field(default=0.9, validator=_share)
    fail_cx_trained_share: float = attrs.field(default=0.5, validator=_share)
    #: Staffing: occupancy above this warns, above the fail value fails (burn-out risk).
    max_occupancy: float = attrs.field(default=0.85, validator=_share)
    fail_occupancy: float = attrs.field(default=0.92, validator=_share)
    #: Staffing: the service-level target of roles that set none; more than the gap below target fails.
    service_level_target: float = attrs.field(default=0.8, validator=_share)
    fail_service_level_gap: float = attrs.field(default=0.1, validator=_share)
    #: Staffing: contacts handled per agent-hour (voice defaults; set them for chat or e-mail).
    max_contacts_per_agent_hour: float = attrs.field(default=12.0, validator=_non_negative)
    fail_contacts_per_agent_hour: float = attrs.field(default=20.0, validator=_non_negative)
    #: Systems: more systems per interaction than this warns.
    max_systems_per_interaction: float = attrs.field(default=3.0, validator=_non_negative)
    #: Voice of employee: share of suggestions acted on below this warns (none acted on fails).
    min_acted_on_share: float = attrs.field(default=0.3, validator=_share)
    #: eNPS: a team whose whole interval lies below this warns.
    min_enps: float = 0.0
    #: eNPS: an overall interval wholly below this fails.
    fail_enps: float = -20.0
    #: EX ↔ CX link: fewer teams than this and no correlation is reported.
    min_link_teams: int = attrs.field(default=5, validator=_at_least(4))
    #: EX ↔ CX link: a team with fewer customer answers than this is left out of the correlation.
    min_link_customers: int = attrs.field(default=10, validator=_at_least(1))
    #: KPI names counted as customer KPIs, on top of `CUSTOMER_KPIS`.
    customer_kpis: tuple[str, ...] = ()
    #: KPI names counted as efficiency KPIs, on top of `EFFICIENCY_KPIS`.
    efficiency_kpis: tuple[str, ...] = ()

    def problems(self, at: str) -> list[str]:
        found = []
        for low, high, word in (
            ("fail_resolvable_share", "min_resolvable_share", "above"),
            ("max_escalation_share", "fail_escalation_share", "above"),
            ("fail_training_hours", "min_training_hours", "above"),
            ("fail_cx_trained_share", "min_cx_trained_share", "above"),
            ("max_occupancy", "fail_occupancy", "above"),
            ("max_contacts_per_agent_hour", "fail_contacts_per_agent_hour", "above"),
            ("fail_enps", "min_enps", "above"),
        ):
            if getattr(self, low) > getattr(self, high):
                found.append(f"{at}.{low}: must not be {word} {high} ({getattr(self, high):g})")
        for name in ("min_enps", "fail_enps"):
            value = getattr(self, name)
            if not (math.isfinite(value) and -100 <= value <= 100):
                found.append(f"{at}.{name}: must be between -100 and 100, got {value!r}")
        return found


@attrs.frozen
class LinkSettings:
    """How team experience is joined with customer experience.

    Each team's ``employee_metric`` (from employee responses carrying
    ``team``) is paired with its customers' ``customer_metric``, read from
    customer observations that carry ``team_column`` — or ``agent_column``,
    mapped to teams by ``agents_file`` (a CSV with columns ``agent,team``).
    """

    employee_metric: str = "enps"
    customer_metric: str = "nps"
    team_column: str = "team"
    agent_column: str | None = None
    agents_file: str | None = None


@attrs.frozen
class EmployeeSettings:
    """The ``[plugins.cxframe-employee]`` table as written."""

    roles: tuple[Role, ...] = ()
    roles_file: str | None = None
    voice_of_employee: VoiceOfEmployee | None = None
    thresholds: Thresholds = Thresholds()
    link: LinkSettings = LinkSettings()
    item_scale: tuple[float, ...] = (1.0, 5.0)
    trend_period: Literal["month", "quarter", "year"] = "quarter"


@attrs.frozen
class EmployeeContext:
    """The loaded, checked context: settings plus the roles from the file they point to."""

    settings: EmployeeSettings
    roles: tuple[Role, ...] = ()
    #: agent id → team id, from ``link.agents_file``
    agents: dict[str, str] = attrs.field(factory=dict)
    #: whether the programme file has a ``[plugins.cxframe-employee]`` table at all
    described: bool = False
    #: the programme's objectives: the groups they measure are outputs the anonymity rule weighs
    objectives: tuple[Objective, ...] = ()

    @property
    def thresholds(self) -> Thresholds:
        return self.settings.thresholds

    @property
    def frontline(self) -> tuple[Role, ...]:
        return tuple(role for role in self.roles if role.frontline)

    @property
    def anonymity_threshold(self) -> int:
        return self.settings.thresholds.anonymity_threshold

    def role_ids(self) -> set[str]:
        return {role.id for role in self.roles}

    def find_role(self, value: str) -> Role | None:
        """The role ``value`` names: its id, or its id or name in any case."""
        folded = value.strip().casefold()
        for role in self.roles:
            if value == role.id:
                return role
        for role in self.roles:
            if folded in (role.id.casefold(), role.name.casefold()):
                return role
        return None


# -- reading -----------------------------------------------------------------------------------------------------------

_SHARE_FIELDS = frozenset(
    {
        "common_issues_resolvable",
        "escalation_share",
        "cx_trained_share",
        "occupancy",
        "service_level",
        "service_level_target",
    }
)
_BOOL_FIELDS = frozenset({"frontline", "can_close_complaints"})
_INT_FIELDS = frozenset({"headcount"})
_TEXT_FIELDS = frozenset({"id", "name"})
_LIST_FIELDS = frozenset({"scorecard_kpis"})
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


def _cell(field: str, text: str) -> Any:
    """A CSV cell as the value of a role key; raises ValueError saying what was expected."""
    if field in _TEXT_FIELDS:
        return text
    if field in _LIST_FIELDS:
        return [item.strip() for item in text.replace("|", ";").split(";") if item.strip()]
    if field in _BOOL_FIELDS:
        folded = text.casefold()
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
        raise ValueError(f"expected true or false (yes/no), got {text!r}")
    if field in _INT_FIELDS:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected a whole number, got {text!r}") from None
    percent = field in _SHARE_FIELDS and text.endswith("%")
    try:
        number = float(text[:-1] if percent else text)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None
    return number / 100 if percent else number


def _read_csv(path: Path, shown: str, key: str, where: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and ``(line, cells)`` rows of a small CSV file; InvalidInput when it cannot be read."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput([f"{where}: {PATH}.{key}: file {shown!r} not found"]) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput([f"{shown}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if header is None:
                header = [cell.strip() for cell in cells]
                continue
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise InvalidInput([f"{shown}: line {reader.line_num}: not valid CSV ({exc})"]) from None
    if not header:
        raise InvalidInput([f"{shown}: the file is empty; expected a header line"])
    return header, rows


def read_roles_csv(path: Path, shown: str, where: str) -> tuple[list[Role], list[str]]:
    """Roles from a CSV file whose columns are role keys; problems name the file and line."""
    header, rows = _read_csv(path, shown, "roles_file", where)
    known = [field.name for field in attrs.fields(Role)]
    problems = []
    unknown = [column for column in header if column not in known]
    if unknown:
        problems.append(f"{shown}: line 1: unknown column(s) {', '.join(unknown)}; expected some of {', '.join(known)}")
    if "id" not in header:
        problems.append(f"{shown}: line 1: an id column is required")
    if problems:
        return [], problems
    roles = []
    for line, cells in rows:
        at = f"{shown}: line {line}"
        if len(cells) != len(header):
            problems.append(f"{at}: has {len(cells)} values, the header has {len(header)}")
            continue
        data: dict[str, Any] = {}
        for column, cell in zip(header, cells, strict=True):
            text = cell.strip()
            if not text:
                continue
            try:
                data[column] = _cell(column, text)
            except ValueError as exc:
                problems.append(f"{at}: {column}: {exc}")
        if "id" not in data:
            problems.append(f"{at}: id: required, got an empty cell")
            continue
        try:
            roles.append(_structure(data, Role, at, "", _range_problems(data, Role, "")))
        except InvalidInput as exc:
            problems.extend(exc.messages)
    return roles, problems


def read_agents_csv(path: Path, shown: str, where: str) -> tuple[dict[str, str], list[str]]:
    """``agent → team`` from a CSV file with columns ``agent`` and ``team``."""
    header, rows = _read_csv(path, shown, "link.agents_file", where)
    if "agent" not in header or "team" not in header:
        return {}, [f"{shown}: line 1: expected columns agent and team, got {', '.join(header) or 'none'}"]
    agent_at, team_at = header.index("agent"), header.index("team")
    agents: dict[str, str] = {}
    first: dict[str, int] = {}
    problems = []
    for line, cells in rows:
        agent = cells[agent_at].strip() if agent_at < len(cells) else ""
        team = cells[team_at].strip() if team_at < len(cells) else ""
        if not agent or not team:
            problems.append(f"{shown}: line {line}: {'agent' if not agent else 'team'}: required, got an empty cell")
            continue
        if agent in agents and agents[agent] != team:
            problems.append(
                f"{shown}: line {line}: agent {agent!r} is already in team {agents[agent]!r} (line {first[agent]})"
            )
            continue
        agents[agent] = team
        first.setdefault(agent, line)
    return agents, problems


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    duplicated: list[str] = []
    for id in ids:
        if id in seen and id not in duplicated:
            duplicated.append(id)
        seen.add(id)
    return duplicated


def _range_problems(data: Any, cls: type, at: str) -> list[str]:
    """Every range problem of the numbers in ``data`` for ``cls``, with its key path.

    attrs stops at the first failing validator of an instance; this runs each
    one, so that a role with two bad figures gets two messages at once.
    """
    if not isinstance(data, dict):
        return []
    found = []
    for field in attrs.fields(cls):
        value = data.get(field.name)
        if field.validator is None or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if "float" in str(field.type):
            value = float(value)
        try:
            field.validator(None, field, value)
        except ValueError as exc:
            key = f"{at}.{field.name}" if at else field.name
            message = str(exc).removeprefix(f"'{field.name}' ")
            found.append(f"{key}: {message}")
    return found


def _structure(data: Any, cls: type[T], where: str, path: str, ranges: list[str]) -> T:
    """`cxframe.structure`, with ``ranges`` (from `_range_problems`) reported as well."""
    prefixes = tuple(f"{where}: {problem.split(': ', 1)[0]}:" for problem in ranges)
    try:
        built = structure(data, cls, where=where, path=path)
    except InvalidInput as exc:
        others = [message for message in exc.messages if not message.startswith(prefixes)]
        raise InvalidInput([*(f"{where}: {problem}" for problem in ranges), *others]) from None
    if ranges:  # cannot happen: a range problem fails its validator too
        raise InvalidInput([f"{where}: {problem}" for problem in ranges])
    return built


def _settings_range_problems(raw: dict[str, Any]) -> list[str]:
    found = []
    roles = raw.get("roles")
    if isinstance(roles, list):
        for index, item in enumerate(roles):
            found.extend(_range_problems(item, Role, f"{PATH}.roles[{index}]"))
    found.extend(_range_problems(raw.get("thresholds"), Thresholds, f"{PATH}.thresholds"))
    found.extend(_range_problems(raw.get("voice_of_employee"), VoiceOfEmployee, f"{PATH}.voice_of_employee"))
    return found


def _roles_file_problems(programme: Programme, roles_file: str, where: str) -> list[str]:
    try:
        path = programme.resolve(roles_file)
        return read_roles_csv(path, str(path), where)[1]
    except InvalidInput as exc:
        return exc.messages


def load_context(programme: Programme | None) -> EmployeeContext:
    """The employee context of ``programme``; raises `InvalidInput` listing every problem.

    Without a programme (or without the section) the context is empty and
    every threshold has its default.
    """
    if programme is None:
        return EmployeeContext(EmployeeSettings())
    raw = programme.plugin_settings(SETTINGS)
    where = str(programme.file)
    try:
        settings = _structure(raw, EmployeeSettings, where, PATH, _settings_range_problems(raw))
    except InvalidInput as exc:
        # report the roles file's problems with the table's, not one round later
        roles_file = raw.get("roles_file")
        if isinstance(roles_file, str):
            exc.messages.extend(_roles_file_problems(programme, roles_file, where))
        raise InvalidInput(exc.messages) from None
    problems = [f"{where}: {p}" for p in settings.thresholds.problems(f"{PATH}.thresholds")]
    if len(settings.item_scale) != 2 or not settings.item_scale[0] < settings.item_scale[1]:
        problems.append(f"{where}: {PATH}.item_scale: expected [min, max] with min < max, e.g. [1, 5]")
    voe = settings.voice_of_employee
    if voe is not None and voe.suggestions is not None and voe.acted_on is not None and voe.acted_on > voe.suggestions:
        problems.append(
            f"{where}: {PATH}.voice_of_employee.acted_on: {voe.acted_on} is more than the "
            f"{voe.suggestions} suggestions received"
        )
    roles = list(settings.roles)
    if settings.roles_file is not None:
        try:
            path = programme.resolve(settings.roles_file)
            from_file, file_problems = read_roles_csv(path, str(path), where)
        except InvalidInput as exc:
            from_file, file_problems = [], exc.messages
        roles.extend(from_file)
        problems.extend(file_problems)
    for duplicate in _duplicates(role.id for role in roles):
        problems.append(f"{where}: {PATH}.roles: role id {duplicate!r} is used more than once")
    link = settings.link
    agents: dict[str, str] = {}
    if (link.agent_column is None) != (link.agents_file is None):
        problems.append(
            f"{where}: {PATH}.link: agent_column and agents_file go together "
            "(the column customer observations carry, and the CSV mapping agents to teams)"
        )
    elif link.agents_file is not None:
        try:
            path = programme.resolve(link.agents_file)
            agents, agent_problems = read_agents_csv(path, str(path), where)
        except InvalidInput as exc:
            agent_problems = exc.messages
        problems.extend(agent_problems)
    if problems:
        raise InvalidInput(problems)
    return EmployeeContext(
        settings=settings,
        roles=tuple(roles),
        agents=agents,
        described=bool(raw),
        objectives=tuple(programme.document.objectives),
    )
