"""The metric engine seam: set-based aggregation where the data lives.

A metric definition carries a per-observation SQL expression. An
`Engine` turns a definition plus a grouping (segment columns, period)
into one ``GROUP BY`` query that returns the sufficient statistics of every
group (`Aggregate`, with the value sums taken about a per-group shift for
means); `compute_metric` turns those into
`cxframe.contracts._records.MetricResult` with the right interval. Only the
engine knows SQL dialects, so a Spark engine is an added class, not a rewrite:
`SQLEngine` builds the queries, `cxframe.measurement._dialect` says how the
two dialects differ, and `SQLiteEngine` and
`cxframe.measurement._spark.SparkEngine` only run them.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, overload

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import (
    Comparison,
    IntervalMethod,
    MetricDefinition,
    MetricResult,
    Objective,
    Period,
    TargetStatus,
    WeightedVariance,
)
from cxframe.measurement._clusters import CLUSTER_SUMS, register, unpack
from cxframe.measurement._dialect import SQLITE, Dialect
from cxframe.measurement._flags import (
    NO_INTERVAL,
    NO_VARIANCE,
    REPEAT_RESPONDENTS,
    SMALL_SAMPLE,
    WEIGHTED,
)
from cxframe.measurement._intervals import Design, bootstrap_variance, cancels, estimate, linearised_variance
from cxframe.measurement._median import GroupValues, check_comparable, median_results
from cxframe.store._sqlite import Store

DEFAULT_MIN_SAMPLE = 30


@attrs.frozen
class Aggregate:
    """Sufficient statistics of one group: enough for any of the intervals.

    ``n``, ``Σw`` and ``Σw²`` (``w`` the survey weight, 1 without one), and the
    value sums taken about ``shift``: ``sum_wd = Σw(x − shift)`` and
    ``sum_wd2 = Σw(x − shift)²``. The shift is any number the engine picks
    (ideally near the group's values; 0 gives the raw moments): the variance
    is a difference of the two moments and cancels catastrophically when they
    are taken about a point far from the values (see `cxframe.measurement._intervals`).
    Built positionally without a shift, the sums are the raw ``Σwx``, ``Σwx²``.
    """

    segment: dict[str, str | None]
    period: str | None
    n: int
    sum_w: float
    sum_w2: float
    sum_wd: float
    sum_wd2: float
    shift: float = 0.0
    #: the cluster sums of the linearised variance (see `cxframe.measurement._intervals.Design`);
    #: None from an engine that does not compute them (its weighted groups use Kish's effective n)
    design: Design | None = None
    #: respondents with more than one answer in the group; None when no answer of it has a respondent id
    #: (or answers were not clustered by respondent)
    repeat_respondents: int | None = None

    @property
    def sum_wx(self) -> float:
        """The raw weighted sum ``Σwx`` (fine for means and pooling them, not for a variance)."""
        return self.sum_wd + self.shift * self.sum_w

    @property
    def mean(self) -> float | None:
        """The weighted mean of the values; None without weight."""
        return self.shift + self.sum_wd / self.sum_w if self.n and self.sum_w > 0 else None


class Engine(Protocol):
    """Runs metric aggregates. Implementations: `SQLiteEngine`, `cxframe.measurement._spark.SparkEngine`."""

    name: str

    def segment_columns(self, metric: MetricDefinition | None = None) -> list[str]:
        """Columns results can be grouped and filtered by (with ``metric``: its table's own `segments` too)."""
        ...

    def aggregate(
        self,
        metric: MetricDefinition,
        *,
        by: Sequence[str] = (),
        period: Period | None = None,
        where: Mapping[str, str] | None = None,
        until: dt.datetime | None = None,
    ) -> list[Aggregate]:
        """Sufficient statistics of ``metric`` per group of ``by`` × ``period``, of observations before ``until``."""
        ...


#: Built-in observation columns that make sense as segments.
FIXED_SEGMENTS = ("touchpoint", "channel", "source", "population")


class SQLEngine(abc.ABC):
    """The queries of an SQL engine over an ``observations`` table, in its `dialect`; a subclass runs them.

    One ``GROUP BY`` per metric (two with respondent clusters, unless `cluster_sums` gives an aggregate). A subclass
    gives the `dialect`, `rows` (run one query with ``?`` parameters) and
    `segment_columns`.
    """

    name = "sql"
    dialect: Dialect = SQLITE

    def __init__(
        self,
        *,
        variance: WeightedVariance = WeightedVariance.LINEARISED,
        respondent_clusters: bool = True,
    ) -> None:
        #: how weighted (or clustered) groups get their variance: the programme's ``weighted_variance``
        self.variance = variance
        #: whether answers with the same respondent id are one cluster (``respondent_clusters``)
        self.respondent_clusters = respondent_clusters

    @abc.abstractmethod
    def segment_columns(self, metric: MetricDefinition | None = None) -> list[str]:
        """The columns answers can be grouped or filtered by (with ``metric``'s own, when it reads its own table)."""

    def has_rows(self, metric: MetricDefinition) -> bool:
        """Whether ``metric``'s table exists here; only ``observations`` unless the engine knows better."""
        return metric.table == "observations"

    @abc.abstractmethod
    def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Every row of one query, its ``?`` bound to ``parameters`` in order."""

    def answer_window(self, metric: MetricDefinition) -> tuple[dt.date, dt.date, frozenset[str]] | None:
        """The first and last day (UTC) of the answers to ``metric``'s question from its population, and their months.

        All segments together, whatever their values, in one pass (see
        `cxframe.measurement._trend.collection_window`); None without any.
        """
        if not self.has_rows(metric):
            return None
        d = self.dialect
        sql = (
            f"SELECT {d.day('MIN(timestamp)')}, {d.day('MAX(timestamp)')}, {d.distinct_list(d.months())}"
            f" FROM {metric.table} WHERE question = ? AND population = ?"
        )
        first, last, months = self.rows(sql, [metric.question, metric.population])[0]
        if first is None:
            return None
        return dt.date.fromisoformat(first), dt.date.fromisoformat(last), frozenset(months.split(","))

    @staticmethod
    def answers_of(metric: MetricDefinition) -> tuple[list[str], list[object]]:
        """SQL conditions (and their parameters) on ``observations`` selecting the answers ``metric`` reads.

        Its question and population, within its scale; an answer whose value
        expression is NULL is left out later, by the query that computes it.
        """
        conditions = ["question = ?", "population = ?"]
        parameters: list[object] = [metric.question, metric.population]
        if metric.scale_min is not None:
            conditions.append("value >= ?")
            parameters.append(metric.scale_min)
        if metric.scale_max is not None:
            conditions.append("value <= ?")
            parameters.append(metric.scale_max)
        return conditions, parameters

    def _check_columns(self, columns: Sequence[str], what: str, metric: MetricDefinition | None = None) -> None:
        known = self.segment_columns(metric)
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise InvalidInput([f"{what}: unknown segment column(s) {', '.join(unknown)} (known: {', '.join(known)})"])

    def aggregate(
        self,
        metric: MetricDefinition,
        *,
        by: Sequence[str] = (),
        period: Period | None = None,
        where: Mapping[str, str] | None = None,
        until: dt.datetime | None = None,
    ) -> list[Aggregate]:
        # a median has no sufficient statistics: compute_metric reads its values, and comparisons stop here
        check_comparable(metric)
        query = self._query(metric, by, period, where, until)
        if not self.has_rows(metric):
            return []
        clustered = self.respondent_clusters and self._identified(query)
        raw = ("_cx_x", "0.0")
        source = query.plain(clustered)
        found: list[tuple[Aggregate, tuple[Any, ...] | None]]
        if metric.interval is IntervalMethod.MEAN:
            # a mean's values may be large relative to their spread (1e8 + {0, 1, 2}): the extremes come with
            # the same pass, for `cancels`
            found = list(self._aggregates(query, source, raw, clustered, extremes=True))
        else:
            # NPS (−1/0/+1) and proportions (0/1) are bounded: shares, no extremes needed
            found = [(aggregate, None) for aggregate in self._aggregates(query, source, raw, clustered)]
        # A variance is a difference of sums: raw moments are exact for everyday scales, and the one pass is
        # all it takes. Where they are not (large values, or near-cancelling respondents' totals: `cancels`),
        # the query runs once more with the sums about each group's weighted mean (a window: about twice the cost)
        if not any(cancels(a.sum_w, a.sum_wd, a.sum_wd2, a.design, extremes) for a, extremes in found):
            return [aggregate for aggregate, _ in found]
        partition = f"OVER (PARTITION BY {', '.join(query.outer)})" if query.outer else "OVER ()"
        mean = f"SUM(_cx_w * _cx_x) {partition} / SUM(_cx_w) {partition}"
        centred = f"SELECT *, {mean} AS _cx_c FROM ({query.rows(clustered)}) WHERE _cx_x IS NOT NULL"
        return self._aggregates(query, centred, ("(_cx_x - _cx_c)", "MIN(_cx_c)"), clustered)

    def resampling_units(
        self,
        metric: MetricDefinition,
        *,
        by: Sequence[str] = (),
        period: Period | None = None,
        where: Mapping[str, str] | None = None,
        until: dt.datetime | None = None,
    ) -> dict[tuple[tuple[str | None, ...], str | None], tuple[list[float], list[float]]]:
        """Each group's clusters as the bootstrap resamples them: ``(Σw per cluster, Σwx per cluster)``.

        Keyed by the group's ``by`` values and period. A cluster is a
        respondent when answers are clustered by respondent id (as in
        `aggregate`), otherwise one answer; clusters come in a fixed order
        so that a seeded resample is the same on every run.
        """
        query = self._query(metric, by, period, where, until)
        if not self.has_rows(metric):
            return {}
        outer = list(query.outer)
        if self.respondent_clusters and self._identified(query):
            keys = [*outer, "_cx_r", "_cx_u"]
            sql = (
                f"SELECT {', '.join([*outer, 'SUM(_cx_w)', 'SUM(_cx_w * _cx_x)'])} FROM ({query.plain(True)}) "
                f"GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}"
            )
        else:
            keys = [*outer, "_cx_response"]
            sql = f"SELECT {', '.join([*outer, '_cx_w', '_cx_w * _cx_x'])} FROM ({query.plain(True)}) ORDER BY {', '.join(keys)}"
        units: dict[tuple[tuple[str | None, ...], str | None], tuple[list[float], list[float]]] = {}
        width = len(by)
        for row in self.rows(sql, query.parameters):
            group = tuple(row[:width])
            period_value = row[width] if period is not None else None
            weights, sums = units.setdefault((group, period_value), ([], []))
            weights.append(row[-2])
            sums.append(row[-1])
        return units

    def respondent_sums(
        self,
        metric: MetricDefinition,
        *,
        by: Sequence[str] = (),
        period: Period | None = None,
        across: str | None = None,
    ) -> dict[tuple[tuple[str | None, ...], str | None], dict[str, tuple[float, float]]]:
        """``(Σw, Σwx)`` per respondent id and group, of respondents in more than one group of a cell.

        Groups are ``by`` × ``period`` as in `aggregate`; a cell is a group
        without the ``across`` column (a period when ``across`` is None). These
        respondents make two groups of a cell correlated (comparisons use them
        for the covariance). Empty when answers are not clustered by respondent.
        """
        query = self._query(metric, by, period, None, None)
        if not (self.has_rows(metric) and self.respondent_clusters and self._identified(query)):
            return {}
        outer = list(query.outer)
        side = "_cx_period" if across is None else self.dialect.quote(across)
        cell = [column for column in outer if column != side]
        keys = ", ".join([*outer, "_cx_r"])
        # one pass: each respondent's sums per group, kept where the respondent is in another group of its cell
        # (the window counts its groups in the cell; a NULL segment value is a cell of its own, as in GROUP BY)
        partition = ", ".join([*cell, "_cx_r"])
        per_group = (
            f"SELECT {keys}, SUM(_cx_w) AS _cx_sw, SUM(_cx_w * _cx_x) AS _cx_swx, "
            f"COUNT(*) OVER (PARTITION BY {partition}) AS _cx_groups "
            f"FROM ({query.plain(True)}) WHERE _cx_r IS NOT NULL GROUP BY {keys}"
        )
        sql = f"SELECT {keys}, _cx_sw, _cx_swx FROM ({per_group}) WHERE _cx_groups > 1"
        found: dict[tuple[tuple[str | None, ...], str | None], dict[str, tuple[float, float]]] = {}
        width = len(by)
        for row in self.rows(sql, query.parameters):
            period_value = row[width] if period is not None else None
            found.setdefault((tuple(row[:width]), period_value), {})[str(row[-3])] = (row[-2], row[-1])
        return found

    def values(
        self,
        metric: MetricDefinition,
        *,
        by: Sequence[str] = (),
        period: Period | None = None,
        where: Mapping[str, str] | None = None,
        until: dt.datetime | None = None,
    ) -> list[GroupValues]:
        """Each group's values of ``metric`` in ascending order (what a median needs), groups as in `aggregate`.

        One ordered pass; the values are held in memory group by group, so a
        median suits per-case or per-process values more than ten million answers.
        """
        query = self._query(metric, by, period, where, until)
        if not self.has_rows(metric):
            return []
        outer = list(query.outer)
        order = ", ".join([*outer, "_cx_x"])
        sql = f"SELECT {', '.join([*outer, '_cx_x', '_cx_weight IS NOT NULL'])} FROM ({query.plain()}) ORDER BY {order}"
        values: dict[tuple[Any, ...], list[float]] = {}
        weighted: set[tuple[Any, ...]] = set()
        for row in self.rows(sql, query.parameters):
            key = tuple(row[: len(outer)])
            values.setdefault(key, []).append(float(row[-2]))
            if row[-1]:
                weighted.add(key)
        width = len(by)
        return [
            GroupValues(dict(zip(by, key[:width], strict=True)), key[width] if period else None, found, key in weighted)
            for key, found in values.items()
        ]

    def _query(
        self,
        metric: MetricDefinition,
        by: Sequence[str],
        period: Period | None,
        where: Mapping[str, str] | None,
        until: dt.datetime | None,
    ) -> _Query:
        where = dict(where or {})
        self._check_columns(by, "--by", metric)
        self._check_columns(list(where), f"segment filter of {metric.id}", metric)
        conditions, parameters = self.answers_of(metric)
        d = self.dialect
        for column, value in where.items():
            conditions.append(f"{d.quote(column)} = ?")
            parameters.append(value)
        if until is not None:
            conditions.append("timestamp < ?")
            parameters.append(d.time_bound(until))
        group = [d.quote(c) for c in by]
        # segment names start with a letter, so these aliases cannot collide with one; an answer without a
        # respondent id is a cluster of its own (_cx_u: its response, unique within one question)
        inner = [
            *group,
            "weight AS _cx_weight",
            "COALESCE(weight, 1.0) AS _cx_w",
            f"{d.value(metric.value_sql)} AS _cx_x",
        ]
        outer = list(group)
        if period is not None:
            inner.append(f"{self.period_label(period)} AS _cx_period")
            outer.append("_cx_period")
        return _Query(
            table=metric.table,
            columns=tuple(inner),
            outer=tuple(outer),
            by=tuple(by),
            period=period,
            conditions=tuple(conditions),
            parameters=tuple(parameters),
            barrier=d.barrier,
        )

    def period_label(self, period: Period) -> str:
        """The SQL of an answer's period label; a view of the engine may bucket answers its own way (windows)."""
        return self.dialect.period(period)

    def cluster_sums(self, value: str) -> str | None:
        """SQL of one aggregate of a group's respondent clusters (`cxframe.measurement._clusters`), or None.

        Its arguments are the row query's ``_cx_r``, ``_cx_u``, ``_cx_w`` and
        ``value`` (the value about its shift). None: this engine's SQL has no
        such aggregate, and the clusters take a second ``GROUP BY``.
        """
        return None

    def _identified(self, query: _Query) -> bool:
        """Whether any answer the query reads carries a respondent id (only then can answers cluster)."""
        sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {query.table} WHERE {' AND '.join(query.conditions)} AND respondent_id IS NOT NULL LIMIT 1)"
        return bool(self.rows(sql, query.parameters)[0][0])

    @overload
    def _aggregates(self, query: _Query, source: str, value: tuple[str, str], clustered: bool) -> list[Aggregate]: ...

    @overload
    def _aggregates(
        self, query: _Query, source: str, value: tuple[str, str], clustered: bool, extremes: bool, one_pass: bool = True
    ) -> list[tuple[Aggregate, tuple[Any, ...]]]: ...

    def _aggregates(
        self,
        query: _Query,
        source: str,
        value: tuple[str, str],
        clustered: bool,
        extremes: bool = False,
        one_pass: bool = True,
    ) -> list[Aggregate] | list[tuple[Aggregate, tuple[Any, ...]]]:
        """One GROUP BY over ``source`` (with clusters and no `cluster_sums`, two: by respondent, then by group).

        ``value`` is the SQL of the value about its shift (``d``) and of the
        shift. With ``extremes``, the values' minimum and maximum come back
        beside each aggregate.
        """
        d, shift = value
        outer = list(query.outer)
        # Σw and Σw² from the weights where given (TOTAL and COUNT skip NULL) and 1 for each observation
        # without one: cheaper than a COALESCE per observation and per use
        total = self.dialect.total
        sum_w = f"{total('_cx_weight')} + (COUNT(*) - COUNT(_cx_weight))"
        sum_w2 = f"{total('_cx_weight * _cx_weight')} + (COUNT(*) - COUNT(_cx_weight))"
        sums = [sum_w, sum_w2, f"SUM(_cx_w * {d})", f"SUM(_cx_w * {d} * {d})", shift]
        limits = ["MIN(_cx_x)", "MAX(_cx_x)"] if extremes else []
        # without groups the two-level query sorts once (by respondent), as fast as the aggregate's dicts
        packed = self.cluster_sums(d) if clustered and one_pass and outer else None
        if not clustered:
            # each answer its own cluster: Σw², Σw²d, Σw²d² (the design's sums) are plain sums too
            squared = [f"SUM(_cx_w * _cx_w * {d})", f"SUM(_cx_w * _cx_w * {d} * {d})"]
            columns = [*outer, "COUNT(*)", *sums, *squared, *limits]
            sql = f"SELECT {', '.join(columns)} FROM ({source})"
        elif packed is not None:
            # the clusters gathered by the engine's aggregate in the same pass (one sort instead of two)
            columns = [*outer, "COUNT(*)", *sums, packed, *limits]
            sql = f"SELECT {', '.join(columns)} FROM ({source})"
        else:
            # per respondent (an answer without one alone), then per group: the cluster sums of the design
            names = ["_cn", "_cw", "_cw2", "_ca", "_ca2", "_cs"]
            inner = [
                *outer,
                "COUNT(*) AS _cn",
                *(f"{sql} AS {name}" for sql, name in zip(sums, names[1:], strict=True)),
            ]
            inner += [
                "COUNT(_cx_r) AS _cr",
                *(f"{sql} AS _cx_{name}" for sql, name in zip(limits, ["lo", "hi"], strict=False)),
            ]
            keys = [*outer, "_cx_r", "_cx_u"]
            per_respondent = f"SELECT {', '.join(inner)} FROM ({source}) GROUP BY {', '.join(keys)}"
            columns = [*outer, "SUM(_cn)", "SUM(_cw)", "SUM(_cw2)", "SUM(_ca)", "SUM(_ca2)", "MIN(_cs)"]
            columns += [
                "SUM(_cw * _ca)",
                "SUM(_ca * _ca)",
                "COUNT(*)",
                "SUM(_cw * _cw)",
                self.dialect.count_true("_cr > 0"),
                self.dialect.count_true("_cr > 1"),
            ]
            columns += ["MIN(_cx_lo)", "MAX(_cx_hi)"] if extremes else []
            sql = f"SELECT {', '.join(columns)} FROM ({per_respondent})"
        if outer:
            sql += f" GROUP BY {', '.join(outer)} ORDER BY {', '.join(outer)}"
        plain: list[Aggregate] = []
        paired: list[tuple[Aggregate, tuple[Any, ...]]] = []
        by = query.by
        found = self.rows(sql, query.parameters)
        if packed is not None and any(row[len(outer) + 6] is None for row in found):
            # a group of more clusters than the aggregate keeps in memory: two GROUP BYs, whose sorts spill to disk
            return self._aggregates(query, source, value, clustered, extremes, one_pass=False)
        for row in found:
            segment = dict(zip(by, row[: len(by)], strict=True))
            offset = len(by)
            period_value = None
            if query.period is not None:
                period_value = row[offset]
                offset += 1
            values = row[offset:]
            if packed is not None:
                # in the order of the two-level query's columns
                values = (*values[:6], *unpack(values[6]), *values[7:])
            n, total_w, total_w2, sum_wd, sum_wd2, shift_value, w_wd, wd2 = values[:8]
            if not n:
                continue
            repeats = None
            if clustered:
                clusters, cluster_w2, identified, repeated = values[8:12]
                design = Design(clusters, cluster_w2, w_wd, wd2)
                repeats = int(repeated) if identified else None
                rest = tuple(values[12:])
            else:
                design = Design(n, total_w2, w_wd, wd2)
                rest = tuple(values[8:])
            aggregate = Aggregate(
                segment,
                period_value,
                n,
                total_w,
                total_w2,
                sum_wd,
                sum_wd2,
                float(shift_value),
                design=design,
                repeat_respondents=repeats,
            )
            if extremes:
                paired.append((aggregate, rest))
            else:
                plain.append(aggregate)
        return paired if extremes else plain


class SQLiteEngine(SQLEngine):
    """The embedded engine: the queries of `SQLEngine` over the store's ``observations``."""

    name = "sqlite"
    dialect = SQLITE

    def __init__(
        self,
        store: Store,
        *,
        variance: WeightedVariance = WeightedVariance.LINEARISED,
        respondent_clusters: bool = True,
    ) -> None:
        super().__init__(variance=variance, respondent_clusters=respondent_clusters)
        self.store = store
        register(store.db.conn)

    def cluster_sums(self, value: str) -> str | None:
        # SQLite sorts for every GROUP BY: a Python aggregate gathers the clusters in the one-pass sort instead
        return f"{CLUSTER_SUMS}(_cx_r, _cx_u, _cx_w, {value})"

    def segment_columns(self, metric: MetricDefinition | None = None) -> list[str]:
        known = [*FIXED_SEGMENTS, *self.store.segment_columns()]
        if metric is not None:
            known += [column for column in metric.segments if column not in known]
        return known

    def has_rows(self, metric: MetricDefinition) -> bool:
        """Whether ``metric``'s table is in the store (a plugin's view comes with the plugin's first use)."""
        if metric.table == "observations":
            return True
        found = self.rows("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", [metric.table])
        return bool(found)

    def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return list(self.store.db.execute(sql, list(parameters)).fetchall())

    @staticmethod
    def period_sql(period: Period, column: str = "timestamp") -> str:
        """The period label of ``column`` in SQLite (`cxframe.measurement._dialect.SQLiteDialect.period`)."""
        return SQLITE.period(period, column)


@attrs.frozen
class _Query:
    """The answers one `SQLEngine.aggregate` call reads, as SQL: rows, groups and their parameters."""

    #: where the rows come from: ``observations`` or the metric's own table (`MetricDefinition.table`)
    table: str
    #: the columns of one answer: segments, weight, value (NULL when the value expression gives none), period
    columns: tuple[str, ...]
    #: the GROUP BY columns: segments, then the period
    outer: tuple[str, ...]
    by: tuple[str, ...]
    period: Period | None
    conditions: tuple[str, ...]
    parameters: tuple[object, ...]
    #: the dialect's `barrier` after the row query
    barrier: str = ""

    def rows(self, respondents: bool = False) -> str:
        """One row per answer; with ``respondents``, its respondent id and response (the clusters' keys)."""
        columns = list(self.columns)
        if respondents:
            # an answer without a respondent id is a cluster of its own: _cx_u is its response, unique within a
            # question (only asked for where clusters are, as every column costs on every row)
            columns += [
                "respondent_id AS _cx_r",
                "CASE WHEN respondent_id IS NULL THEN response END AS _cx_u",
                "response AS _cx_response",
            ]
        # the barrier (SQLite: LIMIT -1) keeps this a co-routine under the GROUP BY above it, so value_sql
        # runs once a row, not once per use
        return f"SELECT {', '.join(columns)} FROM {self.table} WHERE {' AND '.join(self.conditions)}{self.barrier}"

    def plain(self, respondents: bool = False) -> str:
        """`rows` without the answers whose value is NULL."""
        return f"SELECT * FROM ({self.rows(respondents)}) WHERE _cx_x IS NOT NULL"


#: the variance method of a weighted (or respondent-clustered) result, one flag each
VARIANCE_FLAGS = {
    WeightedVariance.LINEARISED: "linearised_variance",
    WeightedVariance.KISH: "kish_effective_n",
    WeightedVariance.BOOTSTRAP: "bootstrap_variance",
}


def compute_metric(
    engine: Engine,
    metric: MetricDefinition,
    *,
    by: Sequence[str] = (),
    period: Period | None = None,
    where: Mapping[str, str] | None = None,
    confidence: float = 0.95,
    min_sample: int | None = None,
    until: dt.datetime | None = None,
    variance: WeightedVariance | None = None,
) -> list[MetricResult]:
    """``metric`` per group, each with n, interval and flags; of observations before ``until`` if given.

    ``min_sample`` is the programme's minimum sample, used when the definition
    sets none (default 30). A group is
    flagged ``small_sample`` when its (effective) sample is below it,
    ``weighted`` when survey weights were used, and ``no_interval`` when no
    interval can be computed (fewer than two observations for a mean), with
    ``no_variance`` beside it when a mean's answers are all the same (a
    zero-width interval would be shown as fact).

    ``variance`` (default: the engine's, which is the programme's
    ``weighted_variance``) chooses how a weighted group, or one where a
    respondent answered more than once, gets its variance; such a result
    carries the flag of the method used (``linearised_variance``,
    ``kish_effective_n`` or ``bootstrap_variance``), and ``repeat_respondents``
    when respondents repeat (their count in `MetricResult.repeat_respondents`).
    """
    minimum = metric.min_sample or min_sample or DEFAULT_MIN_SAMPLE
    # ``until`` only when given: an engine written before it keeps working for everything else
    limit = {} if until is None else {"until": until}
    if metric.interval is IntervalMethod.MEDIAN:
        return median_results(engine, metric, by, period, where, confidence, minimum, limit)
    chosen = variance or getattr(engine, "variance", WeightedVariance.LINEARISED)
    results = []
    aggregates = engine.aggregate(metric, by=by, period=period, where=where, **limit)
    units = None
    if chosen is WeightedVariance.BOOTSTRAP and any(_designed(a) for a in aggregates):
        resampling = getattr(engine, "resampling_units", None)
        if resampling is not None:
            units = resampling(metric, by=by, period=period, where=where, **limit)
    for aggregate in aggregates:
        weighted = abs(aggregate.sum_w2 - aggregate.n) > 1e-9 or abs(aggregate.sum_w - aggregate.n) > 1e-9
        designed = _designed(aggregate)
        method = chosen if designed else None
        variance_of_mean = None
        if method is WeightedVariance.BOOTSTRAP:
            key = (tuple(aggregate.segment[c] for c in by), aggregate.period)
            if units is not None and key in units:
                weights, sums = units[key]
                variance_of_mean = bootstrap_variance(weights, sums, repr(key))
            else:  # an engine that cannot list its clusters: the linearised variance stands in
                method = WeightedVariance.LINEARISED
        if method is WeightedVariance.LINEARISED and aggregate.design is not None:
            variance_of_mean = linearised_variance(aggregate.sum_w, aggregate.sum_wd, aggregate.design)
        found = estimate(
            metric.interval,
            aggregate.n,
            aggregate.sum_w,
            aggregate.sum_w2,
            aggregate.sum_wd,
            aggregate.sum_wd2,
            confidence,
            shift=aggregate.shift,
            variance_of_mean=variance_of_mean,
            clusters=aggregate.design.clusters if aggregate.design is not None else None,
        )
        flags = []
        if found.effective_n < minimum:
            flags.append(SMALL_SAMPLE)
        if weighted:
            flags.append(WEIGHTED)
        if method is not None:
            # no spread leaves a design variance of 0: Kish's n stands in, and the flag says so
            flags.append(VARIANCE_FLAGS[method if found.designed else WeightedVariance.KISH])
        if aggregate.repeat_respondents:
            flags.append(REPEAT_RESPONDENTS)
        if found.ci_low is None:
            flags.append(NO_INTERVAL)
        if found.no_variance:
            flags.append(NO_VARIANCE)

        def scaled(value: float | None) -> float | None:
            return None if value is None else value * metric.multiplier

        segment: dict[str, str | None] = {
            **(where or {}),
            **{k: (None if v is None else str(v)) for k, v in aggregate.segment.items()},
        }
        results.append(
            MetricResult(
                metric=metric.id,
                value=scaled(found.value),
                n=aggregate.n,
                ci_low=scaled(found.ci_low),
                ci_high=scaled(found.ci_high),
                confidence=confidence,
                segment=segment,
                period=aggregate.period,
                std_error=scaled(found.std_error),
                effective_n=found.effective_n if designed else None,
                flags=tuple(flags),
                repeat_respondents=aggregate.repeat_respondents,
            )
        )
    return results


def _designed(aggregate: Aggregate) -> bool:
    """Whether a group's answers are not a simple random sample: weighted, or respondents answering more than once."""
    weighted = abs(aggregate.sum_w2 - aggregate.n) > 1e-9 or abs(aggregate.sum_w - aggregate.n) > 1e-9
    return weighted or bool(aggregate.repeat_respondents)


def target_status(result: MetricResult, objective: Objective) -> TargetStatus:
    """``met`` or ``not_met`` only with enough answers and the whole interval on one side of the target.

    A result below its minimum sample (flagged ``small_sample``) is
    ``inconclusive`` whatever its interval says: the minimum sample is the
    programme's own rule for how many answers it takes to judge, and an
    interval from a handful of answers describes those answers, not what the
    next ones will be. A result with no interval is ``inconclusive`` too.
    """
    low, high, target = result.ci_low, result.ci_high, objective.target
    if low is None or high is None or SMALL_SAMPLE in result.flags:
        return TargetStatus.INCONCLUSIVE
    comparison = objective.comparison
    if comparison in (Comparison.AT_LEAST, Comparison.ABOVE):
        met = low >= target if comparison is Comparison.AT_LEAST else low > target
        missed = high < target if comparison is Comparison.AT_LEAST else high <= target
    else:
        met = high <= target if comparison is Comparison.AT_MOST else high < target
        missed = low > target if comparison is Comparison.AT_MOST else low >= target
    if met:
        return TargetStatus.MET
    if missed:
        return TargetStatus.NOT_MET
    return TargetStatus.INCONCLUSIVE


def evaluate_objective(
    engine: Engine, metric: MetricDefinition, objective: Objective, confidence: float, min_sample: int | None = None
) -> MetricResult:
    """The objective's metric over its segment, with the target status filled in.

    With a deadline, only what was observed by the end of that day (UTC)
    counts: answers given after it say nothing about whether it was met.
    """
    until = None
    if objective.deadline is not None:
        until = dt.datetime.combine(objective.deadline + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    results = compute_metric(
        engine, metric, where=objective.segment, confidence=confidence, min_sample=min_sample, until=until
    )
    result = (
        results[0]
        if results
        else MetricResult(
            metric=metric.id,
            value=None,
            n=0,
            ci_low=None,
            ci_high=None,
            confidence=confidence,
            segment=dict(objective.segment),
            flags=(SMALL_SAMPLE, NO_INTERVAL),
        )
    )
    return attrs.evolve(
        result,
        objective=objective.id,
        target=objective.target,
        target_status=target_status(result, objective),
    )
