"""The anonymity rule: no employee result for a small group, shown or derivable.

A **group** is a set of answers to one employee question that some output
can show: every answer, or those of one value of each of some segment
columns (``team``, ``site``, ``role`` and any other segment column, in any
combination), over all time or in one calendar year, quarter or month
(UTC), and the group an objective on the metric measures (its segment, up to
its deadline). A group is **small** when fewer respondents than the threshold
answered in it.

A shown group gives away more than its value: its n, value and interval
together give its respondents, promoters and detractors. So the rule reasons
about what a reader could compute from *all* shown groups together: a
reader who adds and subtracts shown groups' counts learns the counts of
exactly the groups whose answers are a linear combination of shown groups'
answers. The rule:

**A group is shown only if, with it and every group shown before it, no small
group is such a combination.**

Groups are decided once per question, threshold and stored data, in one
fixed order, whatever output asks: the whole population; the objectives'
groups; the whole population by year, quarter and month; then each segment
column on its own, pairs of them and so on, each over all time, then by
year, quarter and month; within one grouping, larger groups first. So the
same request always shows the same groups, every output of the programme
(``cxframe measure``, ``cxframe employee``, objectives, checks' evidence, the
EX ↔ CX link, reports) agrees, and a group is hidden only when showing it
would reveal a small one. Weeks and days are never shown: weeks cut across
months, and a day's answers are rarely enough.

The check is exact linear algebra on answers: answers that fall in the same
groups are one *atom* (their segment values, month and place between the
objectives' deadlines), each group is a 0/1 vector over atoms, and a small
group is derivable when its vector lies in the span of the shown groups'
vectors. A small week or day group made of whole atoms is protected as well.

What it does not protect against (see docs/employee.md): comparing the
outputs of two states of the store (before and after a collect adds a few
answers), a shown group whose respondents all answered alike, and what a
reader knows from elsewhere.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence

import attrs
import numpy as np

from cxframe import MetricDefinition, Objective, Period, SQLiteEngine, Store, utc_text

#: Periods a group may be shown by, coarse to fine; weeks and days never are.
SHOWN_PERIODS = (Period.YEAR, Period.QUARTER, Period.MONTH)
#: Residual norm below which a vector counts as in the span (0/1 vectors over at most a few thousand atoms).
_TOLERANCE = 1e-9

Key = tuple[Hashable, ...]
#: A group an output can show, its answers (positions) and its number of respondents.
_Candidate = tuple["Group", list[int], int]


@attrs.frozen
class Group:
    """Which answers a result is computed over: segment values, a calendar period, and a deadline."""

    #: (segment column, value) pairs, sorted by column; a value of None is "no value"
    segment: tuple[tuple[str, str | None], ...] = ()
    period: Period | None = None
    label: str | None = None
    #: answers before this stored UTC text (an objective's deadline: the end of its day)
    until: str | None = None

    @classmethod
    def of(
        cls,
        segment: Mapping[str, object],
        period: Period | None = None,
        label: str | None = None,
        until: dt.datetime | None = None,
    ) -> Group:
        return cls(
            tuple(sorted((column, None if value is None else str(value)) for column, value in segment.items())),
            period if label is not None else None,
            label,
            None if until is None else utc_text(until)[0],
        )


def deadline_end(objective: Objective) -> dt.datetime | None:
    """The end of an objective's deadline day (UTC), as the engine computes the objective until it."""
    if objective.deadline is None:
        return None
    return dt.datetime.combine(objective.deadline + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


@attrs.frozen
class _Answer:
    respondent: str
    segment: tuple[str | None, ...]
    timestamp: str
    labels: Mapping[Period, str]


class Disclosure:
    """Which groups of one employee metric's answers may be shown (see the module docstring)."""

    def __init__(
        self,
        answers: Sequence[_Answer],
        columns: Sequence[str],
        objectives: Sequence[Group],
        threshold: int,
        constant: Mapping[str, str | None] | None = None,
    ) -> None:
        self.columns = tuple(columns)
        #: columns with one value on every answer, left out of the groups
        self.constant = dict(constant or {})
        self.threshold = threshold
        self.answers = answers
        objectives = [self._normal(group) for group in objectives]
        self.cuts = sorted({group.until for group in objectives if group.until is not None})
        self._atoms: dict[Key, int] = {}
        self._atom_of = [self._atom(answer) for answer in answers]
        self.shown: set[Group] = set()
        self._decide(objectives)

    # -- groups and atoms -------------------------------------------------------------------------------

    def _atom(self, answer: _Answer) -> int:
        key = (answer.segment, answer.labels[Period.MONTH], bisect.bisect_right(self.cuts, answer.timestamp))
        return self._atoms.setdefault(key, len(self._atoms))

    def _members(self, group: Group) -> list[int]:
        """Indices of the answers in ``group``."""
        where = [(self.columns.index(column), value) for column, value in group.segment if column in self.columns]
        if len(where) != len(group.segment):
            return []  # a column no employee answer has
        return [
            position
            for position, answer in enumerate(self.answers)
            if all(answer.segment[index] == value for index, value in where)
            and (group.label is None or answer.labels.get(group.period) == group.label)  # type: ignore[arg-type]
            and (group.until is None or answer.timestamp < group.until)
        ]

    def _respondents(self, members: Iterable[int]) -> int:
        return len({self.answers[position].respondent for position in members})

    def _vector(self, members: Iterable[int]) -> np.ndarray:
        vector = np.zeros(len(self._atoms))
        vector[[self._atom_of[position] for position in members]] = 1.0
        return vector

    def _groupings(self, period: Period | None, columns: tuple[str, ...]) -> list[_Candidate]:
        """Every group of one grouping (``columns`` × ``period``) with its answers, larger groups first."""
        found: dict[tuple[tuple[str | None, ...], str | None], list[int]] = {}
        indices = [self.columns.index(column) for column in columns]
        for position, answer in enumerate(self.answers):
            values = tuple(answer.segment[index] for index in indices)
            found.setdefault((values, None if period is None else answer.labels[period]), []).append(position)
        groups = [
            self._candidate(Group(tuple(zip(columns, values, strict=True)), period, label), members)
            for (values, label), members in found.items()
        ]
        return sorted(groups, key=lambda item: (-item[2], repr(item[0])))

    def _candidate(self, group: Group, members: list[int]) -> _Candidate:
        return group, members, self._respondents(members)

    def candidates(self, objectives: Sequence[Group]) -> list[_Candidate]:
        """Every group an output can show with its answers and respondents, in the order they are decided."""
        ordered = self._groupings(None, ())
        ordered += [self._candidate(group, self._members(group)) for group in objectives]
        for calendar in SHOWN_PERIODS:
            ordered += self._groupings(calendar, ())
        for size in range(1, len(self.columns) + 1):
            for period in (None, *SHOWN_PERIODS):
                for columns in itertools.combinations(self.columns, size):
                    ordered += self._groupings(period, columns)
        return ordered

    def _fine_groups(self) -> list[_Candidate]:
        """Week and day groups (never shown) that are made of whole atoms: a shown combination could be one."""
        sizes = np.bincount(self._atom_of, minlength=len(self._atoms))
        found = []
        for period in (Period.WEEK, Period.DAY):
            for size in range(len(self.columns) + 1):
                for columns in itertools.combinations(self.columns, size):
                    for candidate in self._groupings(period, columns):
                        touched = np.bincount([self._atom_of[p] for p in candidate[1]], minlength=len(self._atoms))
                        if np.all((touched == 0) | (touched == sizes)):
                            found.append(candidate)
        return found

    # -- the decision ------------------------------------------------------------------------------------

    def _decide(self, objectives: Sequence[Group]) -> None:
        # imported here: scipy.sparse costs every command about 0.1 s at start-up, and only this needs it
        from scipy import sparse

        candidates = self.candidates(objectives)
        small = [m for _, m, people in [*candidates, *self._fine_groups()] if 0 < people < self.threshold]
        atoms = len(self._atoms)
        # each small group as a 0/1 row over atoms (sparse: a small group covers few atoms)
        rows = sorted({tuple(sorted({self._atom_of[p] for p in m})) for m in small})
        pattern = sparse.csr_matrix(
            (
                np.ones(sum(len(r) for r in rows)),
                [a for r in rows for a in r],
                np.cumsum([0, *(len(r) for r in rows)]),
            ),
            shape=(len(rows), atoms),
        )
        # how much of each small group a reader could still not compute: the squared length of its part
        # outside the span of the shown groups (its count of atoms, while nothing is shown)
        unknown = np.array([len(r) for r in rows], dtype=float)
        basis = np.zeros((atoms, atoms))
        shown = 0
        # groups of the same answers (a team that is its site's only team) are one decision: the first one's
        decided: dict[tuple[int, ...], bool] = {}
        for group, members, people in candidates:
            if group in self.shown or people < self.threshold:
                continue
            covered = tuple(sorted({self._atom_of[position] for position in members}))
            if covered in decided:
                if decided[covered]:
                    self.shown.add(group)
                continue
            direction = np.zeros(atoms)
            direction[list(covered)] = 1.0
            for _ in range(2):  # twice: one pass of Gram-Schmidt loses orthogonality
                direction -= basis[:shown].T @ (basis[:shown] @ direction)
            length = float(np.linalg.norm(direction))
            if length < _TOLERANCE:
                decided[covered] = True  # already a combination of shown groups: it reveals nothing new
                self.shown.add(group)
                continue
            direction /= length
            left = unknown - (pattern @ direction) ** 2
            # showing it would make a small group a combination of shown ones: hidden, now and for its equals
            decided[covered] = not np.any(left < _TOLERANCE)
            if decided[covered]:
                basis[shown] = direction
                shown += 1
                unknown = left
                self.shown.add(group)

    def shows(self, group: Group) -> bool:
        """Whether results for ``group`` may be shown."""
        return self._normal(group) in self.shown

    def _normal(self, group: Group) -> Group:
        """``group`` without the columns that have one value (those values select every answer)."""
        kept = tuple(pair for pair in group.segment if pair[0] not in self.constant)
        if any(self.constant[column] != value for column, value in group.segment if column in self.constant):
            return Group(group.segment, group.period, group.label, group.until)  # selects nothing: never shown
        return Group(kept, group.period, group.label, group.until)


_CACHE: dict[Key, Disclosure] = {}


def disclosure(store: Store, metric: MetricDefinition, objectives: Sequence[Objective], threshold: int) -> Disclosure:
    """The decisions for ``metric``'s answers in ``store``: computed once per stored data, objectives and threshold."""
    # what changes whenever the stored answers do: a collect, a replace or a forget
    version = store.db.execute("SELECT COUNT(*), MAX(id), MAX(finished_at) FROM ingests").fetchone()
    groups = tuple(
        Group.of(objective.segment, until=deadline_end(objective))
        for objective in objectives
        if objective.metric == metric.id
    )
    key = (str(store.path), tuple(version), metric.id, metric.question, metric.value_sql, groups, threshold)
    if key in _CACHE:
        return _CACHE[key]
    engine = SQLiteEngine(store)
    columns = engine.segment_columns()
    conditions, parameters = engine.answers_of(metric)
    conditions.append(f"({metric.value_sql}) IS NOT NULL")
    labels = [engine.period_sql(period) for period in Period]
    person = "COALESCE('p:' || respondent_id, 'r:' || source || '|' || response_id, 'k:' || key)"
    selected = [person, "timestamp", *labels, *(f"[{column}]" for column in columns)]
    rows = store.db.execute(
        f"SELECT {', '.join(selected)} FROM observations WHERE {' AND '.join(conditions)} ORDER BY key",
        parameters,
    ).fetchall()
    answers = [
        _Answer(
            respondent=row[0],
            segment=tuple(None if value is None else str(value) for value in row[2 + len(labels) :]),
            timestamp=row[1],
            labels=dict(zip(Period, row[2 : 2 + len(labels)], strict=True)),
        )
        for row in rows
    ]
    # a column with one value on every answer (the source, the population) groups nothing: by it, a
    # group is the group without it; only the others are decided over
    values = [{a.segment[i] for a in answers} for i in range(len(columns))]
    used = [i for i in range(len(columns)) if len(values[i]) > 1]
    constant = {columns[i]: next(iter(values[i])) for i in range(len(columns)) if len(values[i]) == 1}
    answers = [attrs.evolve(a, segment=tuple(a.segment[i] for i in used)) for a in answers]
    if len(_CACHE) > 16:  # a few metrics of one programme at a time; a new collect changes them all
        _CACHE.clear()
    _CACHE[key] = Disclosure(answers, [columns[i] for i in used], groups, threshold, constant)
    return _CACHE[key]
