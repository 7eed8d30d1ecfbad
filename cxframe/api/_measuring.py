"""Measuring metrics, their trends and comparisons."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from cxframe.api._opening import Opened, ProgrammeLike, _definitions, open_programme, running
from cxframe.api._scaling import check_engine, check_export_of, spark_engine
from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import IntervalMethod, MetricDefinition, MetricResult, Period, WeightedVariance
from cxframe.host._manager import PluginHost, load_plugins
from cxframe.host._registry import failed_before_registering, missing_note
from cxframe.lifecycle._protection import protect
from cxframe.lifecycle._run import Run
from cxframe.measurement._comparisons import (
    ComparisonResult,
    adjust_comparisons,
    check_adjustment,
    compare_periods,
    compare_segments,
)
from cxframe.measurement._engine import SQLEngine, SQLiteEngine, compute_metric
from cxframe.measurement._trend import TrendResult, flag_partial, trends


def measure(
    programme: ProgrammeLike = ".",
    metrics: str | Iterable[str] | None = None,
    *,
    by: Sequence[str] = (),
    period: str | Period | None = None,
    confidence: float | None = None,
    variance: str | WeightedVariance | None = None,
    respondent_clusters: bool | None = None,
    host: PluginHost | None = None,
    engine: str = "sqlite",
    parquet: str | Path | None = None,
    master: str | None = None,
) -> list[MetricResult]:
    """Compute metrics (one id, several, or all registered by default) by segment and period; store and return them.

    Partial periods are flagged ``partial_period``. On a read-only store (`Store.read_only`) the results are
    returned and not stored. ``variance`` (``linearised``, ``kish``, ``bootstrap``) and
    ``respondent_clusters`` override the programme's ``weighted_variance`` and ``respondent_clusters``
    for this call: how a weighted result, or one where respondents answered more than once, gets its
    interval (docs/surveys.md, "Weighted intervals").

    ``engine="spark"`` computes on Spark over ``parquet``, a folder `cxframe.export` wrote from this
    programme's store (``master``: the Spark master URL, default ``[settings] spark_master``, else
    ``local[*]``); the same results (docs/scale.md).

    >>> cxframe.measure("my-programme", "nps", by=["region"], variance="bootstrap")  # doctest: +SKIP
    >>> cxframe.measure("my-programme", "nps", period="month", engine="spark", parquet="lake/cx")  # doctest: +SKIP
    """
    chosen_variance = WeightedVariance.parse(variance)
    check_engine(engine, parquet, master)
    with open_programme(programme, host) as opened:
        definitions = _definitions(opened.registry, metrics)
        chosen_period = Period.parse(period)
        with running("measure", opened) as run:
            level = confidence if confidence is not None else run.confidence
            computing = _engine(opened, chosen_variance, respondent_clusters, engine, parquet, master)
            # partial periods are decided from every answer, whatever the clustering
            window = computing if engine == "spark" else SQLiteEngine(opened.store)
            results: list[MetricResult] = []
            for definition in definitions:
                here = _engine_for(opened, computing, definition)
                computed = compute_metric(
                    here,
                    definition,
                    by=by,
                    period=chosen_period,
                    confidence=level,
                    min_sample=run.min_sample,
                )
                shown = protect(run, definition, computed, by, chosen_period)
                results.extend(
                    flag_partial(here if here is not computing else window, definition, shown, chosen_period)
                )
            if not opened.store.read_only:  # a read-only programme folder is measured, not written to
                opened.store.write_metric_results(run.id, results)
        return results


def _engine(
    opened: Opened,
    variance: WeightedVariance | None,
    respondent_clusters: bool | None,
    engine: str = "sqlite",
    parquet: str | Path | None = None,
    master: str | None = None,
) -> SQLEngine:
    """The engine a call computes on, with the programme's settings unless overridden."""
    settings = opened.programme.settings
    clusters = settings.respondent_clusters if respondent_clusters is None else respondent_clusters
    if engine == "spark":
        assert parquet is not None  # check_engine has said so
        found = spark_engine(
            opened.programme, parquet, master=master, variance=variance, respondent_clusters=respondent_clusters
        )
        if opened.host.implementers("protect_metric_results"):
            check_export_of(opened.store, found)
        return found
    return SQLiteEngine(opened.store, variance=variance or settings.weighted_variance, respondent_clusters=clusters)


def _engine_for(opened: Opened, computing: SQLEngine, definition: MetricDefinition) -> SQLEngine:
    """The engine ``definition`` is computed on: a metric over a plugin's own table always on the store.

    A Parquet export holds observations and events only; a plugin's tables
    (the loop's cases: one row per case, far fewer than answers) stay in the
    store, where the same queries read them, with the same settings.
    """
    if isinstance(computing, SQLiteEngine) or definition.table == "observations":
        return computing
    return SQLiteEngine(opened.store, variance=computing.variance, respondent_clusters=computing.respondent_clusters)


def trend(
    programme: ProgrammeLike = ".",
    metrics: str | Iterable[str] | None = None,
    *,
    period: str | Period = "month",
    by: Sequence[str] = (),
    confidence: float | None = None,
    variance: str | WeightedVariance | None = None,
    respondent_clusters: bool | None = None,
    host: PluginHost | None = None,
    engine: str = "sqlite",
    parquet: str | Path | None = None,
    master: str | None = None,
) -> list[TrendResult]:
    """Each metric's trend per ``by`` segment: slope per period, interval, p (model: `cxframe.measurement._trend`).

    Measures and stores the period results as `measure` does (on ``engine``, as there); each `TrendResult`
    holds its segment's.

    >>> cxframe.trend("my-programme", "nps", period="month", by=["region"])  # doctest: +SKIP
    """
    chosen_period = Period.parse(period) or Period.MONTH
    results = measure(
        programme,
        metrics,
        by=by,
        period=chosen_period,
        confidence=confidence,
        variance=variance,
        respondent_clusters=respondent_clusters,
        host=host,
        engine=engine,
        parquet=parquet,
        master=master,
    )
    return trends(results, chosen_period)


def why_no_results(
    programme: ProgrammeLike,
    metrics: str | Iterable[str],
    results: Iterable[MetricResult] = (),
    *,
    host: PluginHost | None = None,
) -> list[str]:
    """For each of ``metrics`` without a result in ``results``: what it reads, and what is stored instead.

    One line per such metric, naming the question and population it reads
    and how many answers to that question the store holds from other
    populations (or that it holds none). ``cxframe measure --metric …``
    prints these when a metric it was asked for has no result. With no
    ``metrics`` (every registered one) and no result, one line when a plugin
    failed before registering its metrics (the likelier cause than no data).

    >>> results = cxframe.measure("my-programme", ["enps"])            # doctest: +SKIP
    >>> cxframe.why_no_results("my-programme", ["enps"], results)     # doctest: +SKIP
    ["enps: no answers to question 'enps' from population 'employee' (40 from population 'customer': ...)"]
    """
    measured = {result.metric for result in results}
    wanted = [metrics] if isinstance(metrics, str) else list(metrics)
    if not wanted and not measured:
        return _why_no_metric(programme, host)
    missing = [metric for metric in wanted if metric not in measured]
    if not missing:
        return []
    hints = []
    with open_programme(programme, host) as opened:
        for metric in missing:
            definition = opened.registry.metrics.get(metric)
            if definition.table != "observations":
                hints.append(
                    f"{metric}: no rows in {definition.table} (its plugin's table) for {definition.question!r}"
                )
                continue
            stored = opened.store.answers_by_population(definition.question)
            hint = f"{metric}: no answers to question {definition.question!r} from population {definition.population!r}"
            if stored:
                found = ", ".join(f"{count} from population {population!r}" for population, count in stored)
                hint += f" ({found}: set options.population of the source that collects them)"
            else:
                hint += " (map a source's column to that question and run `cxframe collect`)"
            hints.append(hint)
    return hints


def _why_no_metric(programme: ProgrammeLike, host: PluginHost | None) -> list[str]:
    """Why measuring every metric gave nothing, when a plugin's failure is the likelier cause than no data.

    From the failures ``host`` recorded while measuring: building the registry again would call a
    failing hook twice, and report it twice.
    """
    if host is None:
        host = load_plugins()
        with open_programme(programme, host):
            pass
    failed = failed_before_registering(host, "metrics")
    if not failed:
        return []  # no data: the usual "no observations yet" says it
    return [f"no results: {missing_note('metrics', failed)} (and no other metric has observations yet)"]


def compare(
    programme: ProgrammeLike = ".",
    metrics: str | Iterable[str] | None = None,
    *,
    against: str = "period",
    period: str | Period | None = None,
    by: Sequence[str] = (),
    confidence: float | None = None,
    adjust: str = "holm",
    variance: str | WeightedVariance | None = None,
    respondent_clusters: bool | None = None,
    host: PluginHost | None = None,
    engine: str = "sqlite",
    parquet: str | Path | None = None,
    master: str | None = None,
) -> list[ComparisonResult]:
    """Differences of metrics between periods or between segments, each with its interval and test.

    ``metrics`` is one metric id, several, or none (every registered metric);
    the results come metric by metric, in that order. ``against="period"``
    compares each ``period`` (required) with the previous period that has
    data, within each ``by`` segment; ``against=COLUMN`` compares each value
    of that segment column with all other observations pooled ("rest"), per
    ``period`` if given. p-values are adjusted over every comparison
    returned, all metrics, periods and segments together, by ``adjust``:
    ``"holm"`` (Holm–Bonferroni, the default) or ``"bh"`` (Benjamini–Hochberg,
    the false discovery rate; each result is then flagged ``fdr_bh``). ``variance`` and
    ``respondent_clusters`` override the programme's settings as in `measure`: each side's
    mean gets the variance ``measure`` gives it, and respondents on both sides of a
    comparison add their covariance (docs/surveys.md, "Comparing periods and segments"). A group
    that a privacy rule hides is not compared (nor counted in the adjustment). Nothing is stored. See `cxframe.measurement._comparisons` for
    the statistics; ``cxframe measure --compare … --json`` prints these
    results as `cxframe.contracts._shapes.comparison_json` shapes them. ``engine``, ``parquet`` and
    ``master`` choose where the groups are computed, as in `measure`.

    >>> cxframe.compare("my-programme", "nps", period="month", by=["region"])  # doctest: +SKIP
    >>> cxframe.compare("my-programme", ["nps", "csat"], against="region")   # doctest: +SKIP
    >>> cxframe.compare("my-programme", "nps", period="week", adjust="bh")   # doctest: +SKIP
    """
    check_adjustment(adjust)
    check_engine(engine, parquet, master)
    chosen_period = Period.parse(period)
    chosen_variance = WeightedVariance.parse(variance)
    with open_programme(programme, host) as opened:
        definitions = _definitions(opened.registry, metrics)
        if metrics is None:  # every metric: those the tests cover (a median asked for by name is an error)
            definitions = [d for d in definitions if d.interval is not IntervalMethod.MEDIAN]
        settings = opened.programme.settings
        level = confidence if confidence is not None else settings.confidence
        computing = _engine(opened, chosen_variance, respondent_clusters, engine, parquet, master)
        compared = [
            (
                definition,
                _comparisons(
                    _engine_for(opened, computing, definition),
                    definition,
                    against,
                    chosen_period,
                    by,
                    level,
                    settings.min_sample,
                ),
            )
            for definition in definitions
        ]
        if not compared:
            return []
        groups = list(by) if against == "period" else list(dict.fromkeys([against, *by]))
        results: list[ComparisonResult] = []
        with running("compare", opened) as run:
            for definition, found in compared:
                hidden = _suppressed_groups(
                    run, _engine_for(opened, computing, definition), definition, groups, chosen_period
                )
                # a group a privacy rule hides is not compared either: its difference would give it away
                results.extend(result for result in found if _shown(result, hidden, against))
        # one family: everything the caller asked for
        return adjust_comparisons(results, adjust)


def _comparisons(
    engine: SQLEngine,
    definition: MetricDefinition,
    against: str,
    period: Period | None,
    by: Sequence[str],
    confidence: float,
    min_sample: int,
) -> list[ComparisonResult]:
    if against != "period":
        return compare_segments(
            engine, definition, against, by=by, period=period, confidence=confidence, min_sample=min_sample
        )
    if period is None:
        known = ", ".join(p.value for p in Period)
        raise InvalidInput([f"comparing periods needs a period to group by ({known})"])
    return compare_periods(engine, definition, period, by=by, confidence=confidence, min_sample=min_sample)


_Hidden = set[tuple[tuple[tuple[str, str | None], ...], str | None]]


def _shown(result: ComparisonResult, hidden: _Hidden, against: str) -> bool:
    """Whether neither side of ``result`` is a group that is ``hidden``."""
    segment = tuple(sorted(result.segment.items()))
    baseline_period = result.baseline if against == "period" else result.period
    return (segment, result.period) not in hidden and (segment, baseline_period) not in hidden


def _suppressed_groups(
    run: Run, engine: SQLEngine, definition: MetricDefinition, by: Sequence[str], period: Period | None
) -> _Hidden:
    computed = compute_metric(engine, definition, by=by, period=period, confidence=run.confidence)
    protected = protect(run, definition, computed, by, period)
    return {(tuple(sorted(r.segment.items())), r.period) for r in protected if "suppressed" in r.flags}
