"""``employee-survey``: an employee survey through the cxframe-nps survey collectors.

Reads any layout the survey collectors read (``options.layout``: ``survey-csv``
by default, or ``survey-jsonl``, ``survey-xlsx``, ``qualtrics``,
``surveymonkey``) with the same column mapping, and on top of them:

* every observation gets population ``employee``;
* the ``empowerment`` and ``engagement`` items are checked against the
  plugin's ``item_scale`` (unless ``options.scales`` sets theirs);
* the source must map a ``team`` segment (``segments = ["team", "role", "site"]``);
* a response without a team id, or whose ``role`` is not a role of the
  employee context (by id, or by id or name in any case; checked only when
  roles are described), is rejected with its line and the reason. The
  rejected answer is kept in the ``rejects`` table as JSON, nothing is lost;
  fix the source or the roles and collect again.

``survey-csv`` with ``options.population = "employee"`` works as well, without
these checks; the ``employee.survey-data`` check then reports responses
without a team or with an unknown role.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from cxframe import Collector, Observation, Reject, SourceReader, unstructure
from cxframe.extensions import CollectedRow
from cxframe_employee.metrics import ITEMS
from cxframe_employee.results import EMPLOYEE
from cxframe_employee.settings import PATH, EmployeeContext, load_context
from cxframe_nps.collectors import COLLECTORS  # type: ignore[import-not-found,unused-ignore]
from cxframe_nps.collectors import reading_settings as survey_reading_settings  # type: ignore[import-not-found,unused-ignore]

LAYOUTS: dict[str, Collector] = {collector.id: collector for collector in COLLECTORS}
DEFAULT_LAYOUT = "survey-csv"
TEAM = "team"
ROLE = "role"


def _context(source: SourceReader) -> EmployeeContext:
    return load_context(source.programme)


def _layout(source: SourceReader) -> Collector:
    return LAYOUTS[source.option("layout", DEFAULT_LAYOUT)]


def _segment_names(source: SourceReader) -> set[str]:
    segments = source.columns.get("segments", {})
    if isinstance(segments, list):
        return {str(name).lower() for name in segments}
    if isinstance(segments, dict):
        return {str(name) for name in segments}
    return set()


def check_options(source: SourceReader) -> Iterable[str]:
    layout = source.option("layout", DEFAULT_LAYOUT)
    if layout not in LAYOUTS:
        yield f"options.layout: unknown layout {layout!r} (known: {', '.join(sorted(LAYOUTS))})"
        return
    population = source.option("population", EMPLOYEE)
    if population != EMPLOYEE:
        yield f"options.population: an employee survey's population is 'employee', got {population!r}"
    if TEAM not in _segment_names(source):
        yield (
            'columns.segments: map the team column (segments = ["team", "role", "site"], or { team = "Team" }); '
            "eNPS by team and the anonymity rule need every response's team"
        )
    base = LAYOUTS[layout]
    if base.check_options is not None:
        yield from base.check_options(source)


def _problem(observation: Observation, context: EmployeeContext) -> str | None:
    problems = []
    if not observation.segment.get(TEAM):
        problems.append(f"{TEAM}: missing team id (every employee response needs its team)")
    role = observation.segment.get(ROLE)
    if role and context.roles and context.find_role(role) is None:
        known = ", ".join(sorted(context.role_ids()))
        problems.append(f"{ROLE}: {role!r} is not a role of the employee context ({PATH}.roles: {known})")
    return "; ".join(problems) or None


def read(source: SourceReader) -> Iterator[CollectedRow]:
    context = _context(source)
    low, high = context.settings.item_scale
    # the reader's options are its own copy (see cxframe.api); the base collector reads them from it
    scales = dict(source.option("scales", {}))
    for item in ITEMS:
        scales.setdefault(item, [low, high])
    source.options["scales"] = scales
    source.options["population"] = EMPLOYEE
    for line, record in _layout(source).read(source):
        if isinstance(record, Observation):
            problem = _problem(record, context)
            if problem is not None:
                yield line, Reject(problem, json.dumps(unstructure(record), ensure_ascii=False, sort_keys=True))
                continue
        yield line, record


def _reading_settings(source: SourceReader) -> dict[str, object]:
    """The employee context (roles, the item scale) decides what is kept and rejected, as do the survey scales."""
    employee = source.programme.plugin_settings("cxframe-employee") if source.programme else {}
    return {**({"employee": employee} if employee else {}), **survey_reading_settings(source)}


employee_survey = Collector(
    id="employee-survey",
    description="Employee survey responses (eNPS, empowerment, engagement) with team, role and site; "
    "any survey layout (options.layout), population employee.",
    read=read,
    check_options=check_options,
    settings=_reading_settings,
)
