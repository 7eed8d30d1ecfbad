"""Employee results cannot disclose a small group (issue #20): a check independent of the plugin's code.

The model
---------
Every eNPS answer is one row: an id, a UTC time, a team, a site, a role and a
score 0–10 (a promoter 9–10, a detractor 0–6). A **group** is a set of answers
given by

* a filter on any subset of the segment columns team, site and role (each with
  a value; the empty subset is everyone),
* optionally a calendar **period** of the answer's UTC time, labelled as
  cxframe labels it: day ``2026-03-02``, ISO week ``2026-W10`` (the ISO year
  and week of `datetime.date.isocalendar`), month ``2026-03``, quarter
  ``2026-Q1``, year ``2026``,
* optionally an objective's **deadline**: the answers given up to the end of
  that UTC day (with the objective's segment filter).

The **family** is every non-empty group the library can form: each subset of
{team, site, role} × each period in {none, day, week, month, quarter, year}
(``cxframe employee enps`` and ``cxframe measure --metric enps`` with those
``--by`` and ``--period``), and each objective's group.

The threat
----------
The attacker reads every output: `cxframe_employee.enps` and `cxframe.measure`
for every grouping above, and the objective (and overall) results a
``cxframe run`` stores in ``metric_results``. A **shown** row (not
suppressed, ``n`` given) of group G tells them ``|G|`` and, from value, n and
the interval, G's numbers of promoters and detractors (see `recover_counts`).
So they know ``1_G · x`` for x = 1, promoter, detractor over the answers, and
hence ``1_g · x`` for every group g whose indicator ``1_g`` lies in the row space
of S, the matrix whose rows are the indicators of the shown groups.

The properties
--------------
1. The model is the library's: every row's group is a non-empty group of the
   model, each output has exactly the model's groups, and a shown row's n,
   promoters and detractors are the model's.
2. No group of the family with 0 < size < k (k = ``anonymity_threshold``) has
   its indicator in the row space of S (exact arithmetic over the rationals,
   `RowSpace`).
3. Nothing is hidden without need: every group of size ≥ k that is suppressed
   (and shown by no output) would, added to S, put some small group's
   indicator in the row space — except a set of answers only a week or a day
   describes: the plugin never shows those, by policy. "Small group" is meant as in 2, a group of the
   family: a set of answers no output forms (two small months together) does
   not count, so this fails where the plugin hides a group only to keep such a
   union from being worked out (`JANUARY_BESIDE_TWO_SMALL_MONTHS`).

The solver works on **atoms**, the classes of answers that fall in exactly the
same groups of the family: a group is a union of atoms, so its indicator over
atoms has the same rank relations as over answers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
import itertools
import json
import math
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest
from employee_helpers import EMPLOYEE_SOURCE, host
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

import cxframe
import cxframe_employee
from cxframe import PluginHost, testing

SEGMENTS = ("team", "site", "role")
PERIODS: tuple[str | None, ...] = (None, "year", "quarter", "month", "week", "day")
#: Periods the plugin never shows employee results by (weeks cut across months; a day is rarely enough).
FINE_PERIODS = ("week", "day")
GROUPINGS = [
    (by, period)
    for by in (combo for size in range(len(SEGMENTS) + 1) for combo in itertools.combinations(SEGMENTS, size))
    for period in PERIODS
]


# -- the survey ---------------------------------------------------------------------------------------------------------


def period_label(day: dt.date, period: str) -> str:
    """The label of the calendar ``period`` (day, week, month, quarter, year) that holds ``day``."""
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    assert period == "year", period
    return f"{day.year:04d}"


@dataclass(frozen=True)
class Answer:
    """One employee's eNPS answer."""

    id: str
    when: dt.datetime  # UTC
    team: str
    site: str
    role: str
    score: int

    @property
    def promoter(self) -> bool:
        return self.score >= 9

    @property
    def detractor(self) -> bool:
        return self.score <= 6

    def segment(self, column: str) -> str:
        return {"team": self.team, "site": self.site, "role": self.role}[column]

    def csv_line(self) -> str:
        return f"{self.id},{self.when:%Y-%m-%dT%H:%M:%SZ},{self.team},{self.role},{self.site},{self.score},4"


@dataclass(frozen=True)
class Group:
    """A set of answers: a segment filter, and optionally a period and a deadline."""

    segment: tuple[tuple[str, str], ...] = ()  # (column, value), columns in SEGMENTS order
    period: tuple[str, str] | None = None  # (kind, label)
    deadline: dt.date | None = None  # answers up to the end of this UTC day

    @property
    def plainness(self) -> tuple[int, int, str]:
        """Orders descriptions of the same answers, the plainest first: fewest conditions, coarsest period."""
        conditions = len(self.segment) + (self.period is not None) + (self.deadline is not None)
        return conditions, PERIODS.index(self.period[0] if self.period else None), str(self)

    def contains(self, answer: Answer) -> bool:
        if any(answer.segment(column) != value for column, value in self.segment):
            return False
        if self.period is not None and period_label(answer.when.date(), self.period[0]) != self.period[1]:
            return False
        return self.deadline is None or answer.when.date() <= self.deadline

    def __str__(self) -> str:
        parts = [f"{column}={value}" for column, value in self.segment] or ["everyone"]
        if self.period is not None:
            parts.append(f"{self.period[0]} {self.period[1]}")
        if self.deadline is not None:
            parts.append(f"up to {self.deadline}")
        return ", ".join(parts)


def group_of(segment: Mapping[str, str | None], period: str | None, label: str | None) -> Group:
    """The group of a result row with this segment and period."""
    assert set(segment) <= set(SEGMENTS), segment
    assert all(value is not None for value in segment.values()), segment
    assert (period is None) == (label is None), (period, label)
    return Group(
        tuple((column, str(segment[column])) for column in SEGMENTS if column in segment),
        None if period is None or label is None else (period, label),
    )


@dataclass(frozen=True)
class Objective:
    """An ``[[objectives]]`` entry on eNPS for one team or site, with or without a deadline."""

    id: str
    column: str
    value: str
    deadline: dt.date | None = None

    @property
    def group(self) -> Group:
        return Group(((self.column, self.value),), None, self.deadline)

    def toml(self) -> dict[str, object]:
        entry: dict[str, object] = {
            "id": self.id,
            "metric": "enps",
            "target": 0,
            "segment": {self.column: self.value},
        }
        if self.deadline is not None:
            entry["deadline"] = self.deadline
        return entry


@dataclass(frozen=True)
class Survey:
    """Employee answers, the anonymity threshold k, and the programme's eNPS objectives."""

    answers: tuple[Answer, ...]
    threshold: int
    objectives: tuple[Objective, ...] = ()

    def __repr__(self) -> str:
        lines = [f"Survey(threshold={self.threshold}, objectives={list(self.objectives)!r}, answers=["]
        lines += [f"    {answer.csv_line()}" for answer in self.answers]
        return "\n".join([*lines, "])"])

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # how Hypothesis prints a failing example
        printer.text(repr(self))

    def members(self, group: Group) -> frozenset[int]:
        """The answers (their indices) of ``group``."""
        found = self.family.get(group)
        if found is None:
            found = frozenset(index for index, answer in enumerate(self.answers) if group.contains(answer))
        return found

    def cells(self, by: Sequence[str], period: str | None) -> dict[Group, frozenset[int]]:
        """The non-empty groups of one grouping (``--by`` columns × ``--period``), with their answers."""
        found: dict[Group, set[int]] = defaultdict(set)
        for index, answer in enumerate(self.answers):
            label = None if period is None else period_label(answer.when.date(), period)
            found[group_of({column: answer.segment(column) for column in by}, period, label)].add(index)
        return {group: frozenset(members) for group, members in found.items()}

    @cached_property
    def family(self) -> dict[Group, frozenset[int]]:
        """Every non-empty group the library can form, with its answers."""
        groups: dict[Group, frozenset[int]] = {}
        for by, period in GROUPINGS:
            groups.update(self.cells(by, period))
        for objective in self.objectives:
            members = frozenset(i for i, answer in enumerate(self.answers) if objective.group.contains(answer))
            if members:
                groups[objective.group] = members
        return groups

    def promoters(self, members: Iterable[int]) -> int:
        return sum(self.answers[index].promoter for index in members)

    def detractors(self, members: Iterable[int]) -> int:
        return sum(self.answers[index].detractor for index in members)


def write_programme(directory: Path, survey: Survey) -> Path:
    """A programme with the employee survey, its threshold and objectives; collected."""
    sections: dict[str, Any] = {
        "sources": [EMPLOYEE_SOURCE],
        "plugins": {"cxframe-employee": {"thresholds": {"anonymity_threshold": survey.threshold}}},
    }
    if survey.objectives:
        sections["objectives"] = [objective.toml() for objective in survey.objectives]
    root = testing.make_programme(directory, **sections)
    lines = ["id,when,team,role,site,enps,empowerment", *(answer.csv_line() for answer in survey.answers)]
    (root / "staff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [summary] = cxframe.collect(root, host=host())
    assert summary.rows_rejected == 0 and summary.records_stored == 2 * len(survey.answers), summary
    return root


# -- what the library shows ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """One result row of one output, as the attacker reads it."""

    output: str
    group: Group
    n: int | None
    value: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    suppressed: bool

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.n is not None


def command(name: str, by: Sequence[str], period: str | None) -> str:
    """The command line that shows the same rows (for messages)."""
    options = [f"--by {column}" for column in by] + ([f"--period {period}"] if period else [])
    return " ".join([name, *options])


def employee_enps(root: Path, by: Sequence[str], period: str | None, plugins: PluginHost) -> list[Published]:
    """``cxframe employee enps --by … --period …`` through the Python API."""
    output = command("employee enps", by, period)
    return [
        Published(
            output,
            group_of(result.segment, period, result.period),
            result.n,
            result.value,
            result.ci_low,
            result.ci_high,
            result.confidence,
            result.suppressed,
        )
        for result in cxframe_employee.enps(root, by=list(by), period=period, host=plugins)
    ]


def measure_enps(root: Path, by: Sequence[str], period: str | None, plugins: PluginHost) -> list[Published]:
    """``cxframe measure --metric enps --by … --period …`` through the Python API."""
    output = command("measure --metric enps", by, period)
    return [
        Published(
            output,
            group_of(result.segment, period, result.period),
            result.n,
            result.value,
            result.ci_low,
            result.ci_high,
            result.confidence,
            "suppressed" in result.flags or result.n is None,
        )
        for result in cxframe.measure(root, metrics=["enps"], by=list(by), period=period, host=plugins)
    ]


def stored_run(root: Path, survey: Survey, plugins: PluginHost) -> list[Published]:
    """The eNPS rows (objectives and the overall result) that ``cxframe run`` stores in ``metric_results``."""
    cxframe.run_lifecycle(root, host=plugins)
    objectives = {objective.id: objective for objective in survey.objectives}
    rows = testing.read_table(
        root, "metric_results", "metric = 'enps' AND run_id = (SELECT MAX(id) FROM runs WHERE command = 'run')"
    )
    published = []
    for row in rows:
        flags = json.loads(row["flags"])
        if row["objective"] is not None:
            output, group = f"run: objective {row['objective']}", objectives[row["objective"]].group
        else:
            output, group = "run: measure stage", group_of(json.loads(row["segment"]), None, row["period"])
        published.append(
            Published(
                output,
                group,
                row["n"],
                row["value"],
                row["ci_low"],
                row["ci_high"],
                row["confidence"],
                "suppressed" in flags or row["n"] is None,
            )
        )
    return published


def publish_everything(root: Path, survey: Survey) -> list[Published]:
    """Every employee eNPS row the attacker can read: both commands for every grouping, and a run's results."""
    plugins = host()
    rows: list[Published] = []
    for by, period in GROUPINGS:
        rows += employee_enps(root, by, period, plugins)
        rows += measure_enps(root, by, period, plugins)
    return rows + stored_run(root, survey, plugins)


# -- promoters and detractors from a shown row --------------------------------------------------------------------------


def adjusted_wald(promoters: int, detractors: int, n: int, confidence: float) -> tuple[float, float]:
    """The eNPS interval (in points) of ``promoters`` and ``detractors`` among ``n`` answers.

    The adjusted Wald interval on the trinomial (Rocks 2016), as docs/employee.md
    and ``cxframe.measurement._intervals`` describe it: add 0.75 to each count
    and 3 to n, take the trinomial variance ``(p + d − (p − d)²) / n``, clip to
    ±100, and widen to take in the plain value if needed.
    """
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    total = n + 3
    p, d = (promoters + 0.75) / total, (detractors + 0.75) / total
    half = z * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / total)
    plain = (promoters - detractors) / n
    low, high = max(p - d - half, -1.0), min(p - d + half, 1.0)
    return 100 * min(low, plain), 100 * max(high, plain)


def recover_counts(row: Published) -> tuple[int, int]:
    """The promoters and detractors a shown row gives away.

    ``value = 100 · (P − D) / n`` gives P − D; the interval's width grows with
    P + D (the trinomial variance for a fixed P − D), and one bound is never
    clipped (the half-width is below 1 for n ≥ 1), so exactly one (P, D)
    reproduces value and interval: found by trying every D from 0 to n.
    """
    assert row.shown and row.n is not None
    if row.n == 0:
        return 0, 0
    assert row.value is not None and row.ci_low is not None and row.ci_high is not None, row
    net = row.value * row.n / 100
    assert abs(net - round(net)) < 1e-6, ("P − D is not a whole number", row)
    matches = []
    for detractors in range(row.n + 1):
        promoters = round(net) + detractors
        if promoters < 0 or promoters + detractors > row.n:
            continue
        low, high = adjusted_wald(promoters, detractors, row.n, row.confidence)
        if abs(low - row.ci_low) < 1e-6 and abs(high - row.ci_high) < 1e-6:
            matches.append((promoters, detractors))
    assert len(matches) == 1, ("value, n and interval do not give one (P, D)", row, matches)
    return matches[0]


# -- the attacker's algebra ---------------------------------------------------------------------------------------------

Vector = dict[int, Fraction]


class RowSpace:
    """The span over the rationals of vectors added to it, exactly (`fractions.Fraction`).

    Kept in echelon form: each row has its own leading column (entry 1) and
    nothing before it. Reducing a vector column by column, smallest first,
    leaves its **residual**: zero on every leading column, and equal to the
    vector minus an element of the span. The residual does not depend on how
    the span was built, and it is empty exactly when the vector is in the span.
    With ``track``, every row also carries how it is made of the added vectors.
    """

    def __init__(self, *, track: bool = False) -> None:
        self.track = track
        self._rows: dict[int, tuple[Vector, Vector]] = {}  # leading column → (row, combination of added vectors)
        self._added = 0

    @property
    def rank(self) -> int:
        return len(self._rows)

    def reduce(self, vector: Mapping[int, Fraction | int]) -> tuple[Vector, Vector]:
        """The residual of ``vector`` and (with ``track``) the combination of added vectors it was reduced by."""
        left: Vector = {column: Fraction(value) for column, value in vector.items() if value}
        used: Vector = {}
        pending = list(left)
        heapq.heapify(pending)
        while pending:
            column = heapq.heappop(pending)
            factor = left.get(column)
            if not factor or column not in self._rows:
                continue
            row, combination = self._rows[column]
            for other, entry in row.items():
                if other not in left:
                    heapq.heappush(pending, other)
                updated = left.get(other, 0) - factor * entry
                if updated:
                    left[other] = updated
                else:
                    left.pop(other, None)
            if self.track:
                for index, entry in combination.items():
                    used[index] = used.get(index, 0) + factor * entry
        return left, {index: entry for index, entry in used.items() if entry}

    def add(self, vector: Mapping[int, Fraction | int]) -> int:
        """Add ``vector`` to the span; its index among the added vectors."""
        index = self._added
        self._added += 1
        left, used = self.reduce(vector)
        if left:
            lead = min(left)
            scale = left[lead]
            combination = {index: Fraction(1)} if self.track else {}
            for other, entry in used.items():
                combination[other] = combination.get(other, 0) - entry
            self._rows[lead] = (
                {column: entry / scale for column, entry in left.items()},
                {other: entry / scale for other, entry in combination.items() if entry},
            )
        return index

    def __contains__(self, vector: Mapping[int, Fraction | int]) -> bool:
        return not self.reduce(vector)[0]


def atoms(groups: Iterable[frozenset[int]], rank: Mapping[int, int]) -> dict[int, int]:
    """Answer → atom (a column): answers in exactly the same groups share one; columns follow the answers' rank."""
    groups_of: dict[int, list[int]] = defaultdict(list)
    for number, members in enumerate(groups):
        for index in members:
            groups_of[index].append(number)
    classes: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for index, numbers in groups_of.items():
        classes[tuple(numbers)].append(index)
    ranked = sorted(classes.values(), key=lambda members: min(rank[index] for index in members))
    return {index: column for column, members in enumerate(ranked) for index in members}


def normalised(residual: Vector) -> tuple[tuple[int, Fraction], ...]:
    """The residual scaled to lead with 1: two residuals are proportional exactly when these are equal."""
    lead = residual[min(residual)]
    return tuple(sorted((column, entry / lead) for column, entry in residual.items()))


class Attack:
    """What an attacker who reads ``rows`` can work out about the ``family``'s groups."""

    def __init__(self, survey: Survey, rows: Sequence[Published]) -> None:
        self.survey = survey
        self.threshold = survey.threshold
        self.family = survey.family
        self.shown: dict[frozenset[int], Published] = {}  # each shown set of answers, with its plainest row
        for row in sorted((row for row in rows if row.shown), key=lambda row: row.group.plainness, reverse=True):
            self.shown[survey.members(row.group)] = row
        # hidden: suppressed wherever it appears, shown by no output
        self.hidden = {survey.members(row.group) for row in rows if row.suppressed} - set(self.shown)
        # columns by site, team, time: a team's or a site's groups then mostly lie side by side (less fill-in)
        answers = survey.answers
        order = sorted(range(len(answers)), key=lambda i: (answers[i].site, answers[i].team, answers[i].when))
        self.atom = atoms([*self.family.values(), *self.shown], {index: rank for rank, index in enumerate(order)})
        self.space = RowSpace()
        for members in self.shown:
            self.space.add(self.vector(members))
        self._residuals: dict[frozenset[int], Vector] = {}

    def vector(self, members: frozenset[int]) -> dict[int, int]:
        """The group's indicator over atoms."""
        return {self.atom[index]: 1 for index in members}

    def residual(self, members: frozenset[int]) -> Vector:
        """What of the group's indicator the shown groups do not span (empty: the attacker knows its counts)."""
        if members not in self._residuals:
            self._residuals[members] = self.space.reduce(self.vector(members))[0]
        return self._residuals[members]

    def small_groups(self) -> dict[frozenset[int], list[Group]]:
        small: dict[frozenset[int], list[Group]] = defaultdict(list)
        for group, members in self.family.items():
            if 0 < len(members) < self.threshold:
                small[members].append(group)
        return small

    def disclosed(self) -> list[frozenset[int]]:
        """The small groups whose indicator is in the row space of the shown groups."""
        return [members for members in self.small_groups() if not self.residual(members)]

    def needlessly_hidden(self) -> list[frozenset[int]]:
        """Hidden groups of size ≥ k whose showing would disclose no small group."""
        protected = set()
        for members in self.small_groups():
            residual = self.residual(members)
            if residual:
                protected.add(normalised(residual))
        # weeks and days are never shown for employee metrics, by policy (cxframe_employee.privacy):
        # a set of answers only a week or a day describes is hidden whatever it would disclose
        describable = {
            found for group, found in self.family.items() if group.period is None or group.period[0] not in FINE_PERIODS
        }
        needless = []
        for members in self.hidden:
            if len(members) < self.threshold or members not in describable:
                continue
            residual = self.residual(members)
            if not residual or normalised(residual) not in protected:
                needless.append(members)
        return needless

    def names(self, members: frozenset[int]) -> str:
        """The plainest description of a group of the family, and how many others the same answers have."""
        groups = sorted(
            (group for group, found in self.family.items() if found == members), key=lambda group: group.plainness
        )
        if not groups:
            return "a group outside the family"
        others = f" (and {len(groups) - 1} other descriptions of the same answers)" if len(groups) > 1 else ""
        return f"[{groups[0]}]{others}"

    def derivation(self, target: frozenset[int]) -> list[tuple[Fraction, Published]]:
        """How the shown rows add up to ``target``: the coefficient of each row (empty if they do not)."""
        space = RowSpace(track=True)
        rows = list(self.shown.items())
        for members, _ in rows:
            space.add(self.vector(members))
        residual, combination = space.reduce(self.vector(target))
        if residual:
            return []
        return [(coefficient, rows[index][1]) for index, coefficient in sorted(combination.items())]

    def explain(self, target: frozenset[int]) -> str:
        """``team=b (3 answers: 1 promoter, 2 detractors) = +1 × [site=north …] − 1 × [team=a …]``."""
        survey = self.survey
        truth = f"{len(target)} answers: {survey.promoters(target)} promoters, {survey.detractors(target)} detractors"
        terms = [
            f"{'+' if coefficient > 0 else '−'} {abs(coefficient)} × [{row.group}: n={row.n}, from {row.output}]"
            for coefficient, row in self.derivation(target)
        ]
        return f"{self.names(target)} ({truth}) = " + " ".join(terms)


# -- the checks ---------------------------------------------------------------------------------------------------------


def assert_outputs_follow_the_model(survey: Survey, rows: Sequence[Published]) -> None:
    """Property 1: the library's groups, sizes and counts are the model's."""
    by_output: dict[str, set[Group]] = defaultdict(set)
    for row in rows:
        by_output[row.output].add(row.group)
    for by, period in GROUPINGS:
        expected = set(survey.cells(by, period))
        for name in ("employee enps", "measure --metric enps"):
            output = command(name, by, period)
            assert by_output.get(output, set()) == expected, output
    for row in rows:
        members = survey.members(row.group)
        if not row.output.startswith("run: objective"):  # an objective is reported even on no answers
            assert members, ("a row for a group with no answers", row)
        if row.shown:
            assert row.n == len(members), ("n is not the size of the group", row)
            assert recover_counts(row) == (survey.promoters(members), survey.detractors(members)), row


def listing(lines: Sequence[str], most: int = 5) -> str:
    more = [f"… and {len(lines) - most} more"] if len(lines) > most else []
    return "\n".join([*lines[:most], *more])


def assert_nothing_disclosed(attack: Attack) -> None:
    """Property 2: no small group's indicator is in the row space of the shown groups."""
    disclosed = attack.disclosed()
    assert not disclosed, f"k={attack.threshold}, disclosed:\n" + listing([attack.explain(m) for m in disclosed])


def assert_nothing_needlessly_hidden(attack: Attack) -> None:
    """Property 3: every hidden group of size ≥ k protects a small group."""
    needless = attack.needlessly_hidden()
    assert not needless, f"k={attack.threshold}, hidden without need:\n" + listing(
        [f"{attack.names(members)} ({len(members)} answers)" for members in needless]
    )


# -- random surveys -----------------------------------------------------------------------------------------------------

SITES = ("north", "south", "east")
ROLES = ("agent", "lead", "coach")


@st.composite
def surveys(draw: st.DrawFn) -> Survey:
    """1–3 sites, 1–4 teams a site, 1–3 roles, 0–12 answers a team a month over 1–6 months of one year."""
    threshold = draw(st.integers(3, 10), label="threshold")
    year = draw(st.sampled_from([2025, 2026]), label="year")
    months = draw(st.integers(1, 6), label="months")
    first = draw(st.integers(1, 13 - months), label="first month")
    roles = ROLES[: draw(st.integers(1, 3), label="roles")]
    answers: list[Answer] = []
    teams: list[tuple[str, str]] = []
    for site in SITES[: draw(st.integers(1, 3), label="sites")]:
        for number in range(draw(st.integers(1, 4), label=f"teams in {site}")):
            team = f"{site[0]}{number}"
            teams.append((team, site))
            for month in range(first, first + months):
                last_day = calendar.monthrange(year, month)[1]
                for _ in range(draw(st.integers(0, 12), label=f"answers of {team} in month {month}")):
                    day = draw(st.integers(1, last_day))
                    hour = draw(st.sampled_from([0, 12, 23]))
                    answers.append(
                        Answer(
                            id=f"a{len(answers)}",
                            when=dt.datetime(year, month, day, hour, 30, tzinfo=dt.UTC),
                            team=team,
                            site=site,
                            role=draw(st.sampled_from(roles)),
                            score=draw(st.integers(0, 10)),
                        )
                    )
    assume(answers)
    start, end = dt.date(year, first, 1), dt.date(year, first + months - 1, 28)
    objectives = []
    for number in range(draw(st.integers(0, 3), label="objectives")):
        team, site = draw(st.sampled_from(teams))
        column, value = draw(st.sampled_from([("team", team), ("site", site)]))
        deadline = draw(st.none() | st.dates(start, end))
        objectives.append(Objective(f"enps-{number}", column, value, deadline))
    return Survey(tuple(answers), threshold, tuple(objectives))


def survey_from_lines(threshold: int, lines: str) -> Survey:
    """A survey from lines as `Survey` prints them: ``id,time,team,role,site,enps,empowerment``."""
    answers = []
    for line in lines.split():
        id_, when, team, role, site, score, _ = line.split(",")
        answers.append(Answer(id_, dt.datetime.fromisoformat(when), team, site, role, int(score)))
    return Survey(tuple(answers), threshold)


#: Found by `test_no_output_discloses_a_small_group` on the code of issue #20, shrunk: the south
#: (4 answers, by site) minus March (3, by month) is s0's one answer of February.
SOUTH_MINUS_MARCH = survey_from_lines(
    3,
    """
    a0,2025-02-01T00:30:00Z,n0,agent,north,0,4
    a1,2025-02-01T00:30:00Z,n0,agent,north,0,4
    a2,2025-02-01T00:30:00Z,n0,agent,north,0,4
    a3,2025-02-01T00:30:00Z,s0,agent,south,0,4
    a4,2025-03-01T00:30:00Z,s0,agent,south,0,4
    a5,2025-03-01T00:30:00Z,s0,agent,south,0,4
    a6,2025-03-01T00:30:00Z,s0,agent,south,0,4
    """,
)

#: Found by `test_nothing_is_hidden_without_need` on the code of issue #20, shrunk: January (3) is
#: hidden beside February (1) and March (1), yet shown it would disclose no group of the family
#: (everyone minus January is February and March together, which no output forms).
JANUARY_BESIDE_TWO_SMALL_MONTHS = survey_from_lines(
    3,
    """
    a0,2025-02-01T00:30:00Z,n0,agent,north,0,4
    a1,2025-01-01T00:30:00Z,s0,agent,south,0,4
    a2,2025-01-01T00:30:00Z,s0,agent,south,0,4
    a3,2025-01-01T00:30:00Z,s0,agent,south,0,4
    a4,2025-03-01T00:30:00Z,s0,agent,south,0,4
    """,
)

#: Found by `test_nothing_is_hidden_without_need` on the rule of commit e80f184 (#20), shrunk: team n1's
#: three answers of 2025-01-01 are hidden, as every day and week is, though showing them would
#: disclose no small group of the family. Weeks and days are never shown by policy, so the property
#: leaves sets of answers only a week or a day describes out; this example keeps that exemption honest.
A_DAY_OF_THREE = survey_from_lines(
    3,
    """
    a0,2025-01-01T00:30:00Z,n0,agent,north,0,4
    a1,2025-01-01T00:30:00Z,n1,agent,north,0,4
    a2,2025-01-01T00:30:00Z,n1,agent,north,0,4
    a3,2025-01-01T00:30:00Z,n1,agent,north,0,4
    a4,2025-01-02T00:30:00Z,n1,agent,north,0,4
    """,
)

#: Random surveys, and the shrunk cases above first. An example costs about a second (96 library
#: calls, then the solver), so shrinking, which takes minutes, is left out: a failing random survey
#: is printed whole, and the assertion names the group and the rows that give it away. Add
#: ``Phase.shrink`` to the phases to have Hypothesis shrink one.
RANDOM_SURVEYS = settings(
    max_examples=20,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def attack_everything(survey: Survey) -> Attack:
    """Every output of ``survey``'s programme, checked against the model, and the attack on them."""
    with tempfile.TemporaryDirectory() as directory:
        rows = publish_everything(write_programme(Path(directory) / "p", survey), survey)
    assert_outputs_follow_the_model(survey, rows)
    return Attack(survey, rows)


@RANDOM_SURVEYS
@given(surveys())
@example(SOUTH_MINUS_MARCH)
def test_no_output_discloses_a_small_group(survey: Survey) -> None:
    assert_nothing_disclosed(attack_everything(survey))


@RANDOM_SURVEYS
@given(surveys())
@example(JANUARY_BESIDE_TWO_SMALL_MONTHS)
@example(A_DAY_OF_THREE)
def test_nothing_is_hidden_without_need(survey: Survey) -> None:
    assert_nothing_needlessly_hidden(attack_everything(survey))


# -- the five leaks of issue #20 ----------------------------------------------------------------------------------------


def team_answers(team: str, site: str, scores: Sequence[int], day: str, role: str = "agent") -> list[Answer]:
    """One answer per score, for one team on one day (at noon UTC)."""
    when = dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=dt.UTC)
    return [Answer(f"{team}-{day}-{i}", when, team, site, role, score) for i, score in enumerate(scores)]


def survey_of(*answers: Iterable[Answer], threshold: int = 5, objectives: Sequence[Objective] = ()) -> Survey:
    return Survey(tuple(itertools.chain.from_iterable(answers)), threshold, tuple(objectives))


def four_teams(day: str, sizes: Mapping[str, int]) -> list[Answer]:
    """Teams a and b in the north, c and d in the south, with ``sizes`` answers on ``day`` (varied scores)."""
    sites = {"a": "north", "b": "north", "c": "south", "d": "south"}
    return [
        answer
        for offset, (team, size) in enumerate(sizes.items())
        for answer in team_answers(team, sites[team], [(3 * i + 7 * offset) % 11 for i in range(size)], day)
    ]


#: Leak 1: in the north, team b (3) is under the threshold beside a (8); in the south, c (6) and d (9).
TEAMS_IN_SITES = survey_of(four_teams("2026-03-02", {"a": 8, "b": 3, "c": 6, "d": 9}))

READERS = {"employee enps": employee_enps, "measure": measure_enps}


def attack_on(survey: Survey, directory: Path, reader: str, *groupings: tuple[tuple[str, ...], str | None]) -> Attack:
    """The attack on exactly the outputs of ``groupings``, read through ``reader`` (after checking the model)."""
    root = write_programme(directory / "p", survey)
    plugins = host()
    rows = [row for by, period in groupings for row in READERS[reader](root, by, period, plugins)]
    assert_outputs_follow_the_model(survey, publish_everything(root, survey))
    return Attack(survey, rows)


def assert_not_derivable(attack: Attack, group: Group) -> None:
    members = attack.survey.members(group)
    assert 0 < len(members) < attack.threshold, group
    assert attack.residual(members), "worked out by subtraction: " + attack.explain(members)


@pytest.mark.parametrize("reader", READERS)
def test_a_small_team_is_not_its_site_minus_its_shown_teams(tmp_path: Path, reader: str) -> None:
    attack = attack_on(TEAMS_IN_SITES, tmp_path, reader, (("site",), None), (("team",), None))
    assert_not_derivable(attack, Group((("team", "b"),)))
    assert_nothing_disclosed(attack)


@pytest.mark.parametrize("reader", READERS)
def test_a_small_team_month_is_not_its_site_month_minus_its_shown_teams(tmp_path: Path, reader: str) -> None:
    # February: four teams of 8; March: leak 1's teams. Over all time, every team is large enough to show.
    survey = survey_of(four_teams("2026-02-10", dict.fromkeys("abcd", 8)), TEAMS_IN_SITES.answers)
    attack = attack_on(survey, tmp_path, reader, (("site",), "month"), (("team",), "month"))
    assert_not_derivable(attack, Group((("team", "b"),), ("month", "2026-03")))
    assert_nothing_disclosed(attack)


@pytest.mark.parametrize("reader", READERS)
def test_a_small_month_is_not_its_quarter_minus_its_shown_months(tmp_path: Path, reader: str) -> None:
    # one team: March (3 answers) is hidden, and with it April (6), the smallest other month
    sizes = {"01": 10, "02": 10, "03": 3, "04": 6, "05": 10, "06": 10}
    survey = survey_of(
        *(
            team_answers("a", "north", [(7 * i + 3) % 11 for i in range(size)], f"2026-{month}-15")
            for month, size in sizes.items()
        )
    )
    attack = attack_on(survey, tmp_path, reader, ((), "quarter"), ((), "month"))
    assert_not_derivable(attack, Group((), ("month", "2026-03")))
    assert_nothing_disclosed(attack)


def test_an_objective_up_to_its_deadline_on_fewer_than_k_answers_is_suppressed(tmp_path: Path) -> None:
    # team a: 3 answers by the deadline, 12 in all; team b (north too): 12 answers, all before the deadline
    deadline = dt.date(2026, 3, 10)
    survey = survey_of(
        team_answers("a", "north", [10, 9, 3], "2026-03-10"),
        team_answers("a", "north", [10, 9, 8, 7, 6, 5, 4, 3, 2], "2026-03-11"),
        team_answers("b", "north", [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 10], "2026-03-05"),
        objectives=[Objective("enps-a", "team", "a", deadline), Objective("enps-north", "site", "north", deadline)],
    )
    root = write_programme(tmp_path / "p", survey)
    plugins = host()
    stored = stored_run(root, survey, plugins)
    [small] = [row for row in stored if row.output == "run: objective enps-a"]
    assert len(survey.members(small.group)) == 3
    assert small.suppressed and small.n is None and small.value is None and small.ci_low is None, small
    # nor may it be had as the north's objective (15 answers by the deadline) minus team b (12, all before it)
    by_team = employee_enps(root, ["team"], None, plugins) + measure_enps(root, ["team"], None, plugins)
    attack = Attack(survey, stored + by_team)
    assert_not_derivable(attack, small.group)
    assert_nothing_disclosed(attack)
    assert_outputs_follow_the_model(survey, publish_everything(root, survey))


def test_a_shown_row_gives_exact_counts_and_no_small_group_has_its_counts_derived(tmp_path: Path) -> None:
    """Value, n and interval give P and D exactly (`recover_counts`); no small group's n, P, D follow from them.

    `assert_outputs_follow_the_model` recovers (n, P, D) of every shown row and
    compares them with the model's. The attacker then applies the solver's
    combination of shown rows for a small group to their recovered counts.
    """
    survey = TEAMS_IN_SITES
    rows = publish_everything(write_programme(tmp_path / "p", survey), survey)
    assert_outputs_follow_the_model(survey, rows)
    attack = Attack(survey, rows)
    derived = {}
    for members in attack.small_groups():
        recipe = attack.derivation(members)
        if recipe:
            counts = [(row.n or 0, *recover_counts(row)) for _, row in recipe]
            derived[attack.names(members)] = tuple(
                int(sum(coefficient * count[i] for (coefficient, _), count in zip(recipe, counts, strict=True)))
                for i in range(3)
            )
            truth = (len(members), survey.promoters(members), survey.detractors(members))
            assert derived[attack.names(members)] == truth  # the attacker is right
    assert not derived, f"(n, promoters, detractors) of small groups worked out from the shown rows: {derived}"
