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
  roles are described), is rejected with its line and the reason (the core
  checks these rules, `cxframe.Require`). The rejected record is kept in the
  ``rejects`` table, nothing is lost; fix the source or the roles and
  collect again.

``survey-csv`` with ``options.population = "employee"`` works as well, without
these checks; the ``employee.survey-data`` check then reports responses
without a team or with an unknown role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from cxframe import Collector, Require, SourceReader, SurveyBatches
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
        # the layout's own checks know its options; ``layout`` is this collector's
        yield from base.check_options(
            attrs.evolve(source, options={k: v for k, v in source.options.items() if k != "layout"})
        )


def _team_reason(cell: str) -> str | None:
    return None if cell else f"{TEAM}: missing team id (every employee response needs its team)"


def _role_rule(context: EmployeeContext) -> Callable[[str], str | None]:
    known = ", ".join(sorted(context.role_ids()))

    def reason(cell: str) -> str | None:
        if not cell or context.find_role(cell) is not None:
            return None
        return f"{ROLE}: {cell!r} is not a role of the employee context ({PATH}.roles: {known})"

    return reason


def batches(source: SourceReader) -> SurveyBatches:
    context = _context(source)
    low, high = context.settings.item_scale
    # the reader's options are its own copy (see cxframe.api); the base collector reads them from it
    scales = dict(source.option("scales", {}))
    for item in ITEMS:
        scales.setdefault(item, [low, high])
    source.options["scales"] = scales
    source.options["population"] = EMPLOYEE
    layout = _layout(source)
    assert layout.batches is not None, "every survey layout reads batches"
    survey = layout.batches(source)
    assert isinstance(survey, SurveyBatches), "a survey layout reads a survey"
    rules = [Require(survey.segments[TEAM], _team_reason)]
    if ROLE in survey.segments and context.roles:
        rules.append(Require(survey.segments[ROLE], _role_rule(context)))
    return attrs.evolve(survey, requires=(*survey.requires, *rules))


def _reading_settings(source: SourceReader) -> dict[str, object]:
    """The employee context (roles, the item scale) decides what is kept and rejected, as do the survey scales."""
    employee = source.programme.plugin_settings("cxframe-employee") if source.programme else {}
    return {**({"employee": employee} if employee else {}), **survey_reading_settings(source)}


employee_survey = Collector(
    id="employee-survey",
    description="Employee survey responses (eNPS, empowerment, engagement) with team, role and site; "
    "any survey layout (options.layout), population employee.",
    batches=batches,
    check_options=check_options,
    settings=_reading_settings,
)
