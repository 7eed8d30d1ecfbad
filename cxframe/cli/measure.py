"""``cxframe measure``: metrics by segment and period, with intervals."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Column, Table

from cxframe import api
from cxframe.cli import _render
from cxframe.cli._common import (
    EngineChoice,
    common_options,
    console,
    emit_json,
    engine_options,
    handle_errors,
    json_option,
    state,
)
from cxframe.cli._flags import common_flags, flags_column
from cxframe.contracts._records import Period, WeightedVariance
from cxframe.contracts._shapes import comparison_json, metric_json, trend_json
from cxframe.measurement._comparisons import ADJUSTMENTS, FDR_BH, ComparisonResult
from cxframe.measurement._trend import TrendResult


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    return "—" if value is None else ("<0.001" if value < 0.001 else f"{value:.3f}")


def _comparisons_table(results: list[ComparisonResult]) -> None:
    out = console()
    if not results:
        out.print("no comparisons: too few periods or segments with observations for these metrics")
        return
    segment_keys = list(dict.fromkeys(key for result in results for key in result.segment))
    show_period = any(result.period for result in results)
    levels = {result.confidence for result in results}
    level = f"{levels.pop():.0%}" if len(levels) == 1 else "CI"
    # flags on every row (linearised_variance …) are said once under the table: the column keeps the rest
    common = common_flags([result.flags for result in results])
    shown = [", ".join(flag for flag in result.flags if flag not in common) for result in results]
    show_flags = any(shown)
    adjustment = "BH" if any(FDR_BH in result.flags for result in results) else "Holm"
    labels = ["metric", *segment_keys, *(["period"] if show_period else []), "vs"]
    table = Table(
        *(Column(label, no_wrap=True) for label in labels),
        *(
            Column(label, overflow="fold")
            for label in ["value (n)", "vs value (n)", f"difference ({level})", f"p ({adjustment})", "sig."]
        ),
        *([flags_column()] if show_flags else []),
    )
    for result, flags in zip(results, shown, strict=True):
        difference = _signed(result.difference)
        if result.ci_low is not None:
            difference += f" ({_signed(result.ci_low)} … {_signed(result.ci_high)})"
        p_values = "—" if result.p_value is None else f"{_p(result.p_value)} ({_p(result.p_adjusted)})"
        table.add_row(
            escape(result.metric),
            *(escape(result.segment.get(key) or "—") for key in segment_keys),
            *([escape(result.period or "")] if show_period else []),
            escape(result.baseline),
            f"{_number(result.value)} ({result.n})",
            f"{_number(result.baseline_value)} ({result.baseline_n})",
            difference,
            p_values,
            "yes" if result.significant else "no",
            *([escape(flags)] if show_flags else []),
        )
    out.print(table)
    # the interval next to "sig. no" may exclude zero: say which of the two numbers the adjustment touched
    out.print(
        f"Only p is adjusted ({adjustment}, over the {len(results)} comparisons shown); the intervals of the "
        "differences are not, so an interval can exclude zero while sig. says no."
    )
    if common:
        out.print(f"every row: {escape(', '.join(common))}", soft_wrap=True)
    _render.legend(out, (flag for result in results for flag in result.flags))


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def _trends_table(trends: list[TrendResult]) -> None:
    out = console()
    if not trends:
        return
    segment_keys = list(dict.fromkeys(key for trend in trends for key in trend.segment))
    levels = {trend.confidence for trend in trends}
    level = f"{levels.pop():.0%}" if len(levels) == 1 else "CI"
    per = trends[0].period.value
    table = Table(
        *(Column(label, no_wrap=True) for label in ["metric", *segment_keys, "periods"]),
        *(Column(label, overflow="fold") for label in [f"slope a {per} ({level})", "p (Holm)", "left out"]),
        flags_column(),
        title="trend",
    )
    for trend in trends:
        slope = _signed(trend.slope)
        if trend.ci_low is not None:
            slope += f" ({_signed(trend.ci_low)} … {_signed(trend.ci_high)})"
        periods = f"{trend.periods[0]} … {trend.periods[-1]} ({len(trend.periods)})" if trend.periods else "—"
        p_values = "—" if trend.p_value is None else f"{_p(trend.p_value)} ({_p(trend.p_adjusted)})"
        table.add_row(
            escape(trend.metric),
            *(escape(trend.segment.get(key) or "—") for key in segment_keys),
            escape(periods),
            slope,
            p_values,
            escape(", ".join(f"{label} ({reason})" for label, reason in trend.excluded)),
            escape(", ".join(trend.flags)),
        )
    out.print(table)
    _render.legend(out, (flag for trend in trends for flag in trend.flags))


@click.command()
@click.option("--metric", "metrics", multiple=True, help="Metric id (repeatable; default: every registered metric).")
@click.option("--by", "by", multiple=True, help="Segment column to group by (repeatable).")
@click.option("--period", type=click.Choice([p.value for p in Period]), help="Group by calendar period (UTC).")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), help="Confidence level.")
@click.option(
    "--compare",
    "compare",
    metavar="period|COLUMN",
    help="Compare instead of measuring: each period with the previous one (needs --period), "
    "or each value of a segment COLUMN with the rest of the data.",
)
@click.option(
    "--adjust",
    type=click.Choice(list(ADJUSTMENTS)),
    help="With --compare: adjust p-values over all the comparisons by Holm-Bonferroni (holm, the default) "
    "or Benjamini-Hochberg, the false discovery rate (bh).",
)
@click.option(
    "--trend",
    is_flag=True,
    help="Add each metric's trend across the periods (needs --period), per --by segment: "
    "the slope per period with its interval and p-value; partial periods are flagged and left out.",
)
@click.option(
    "--variance",
    type=click.Choice([v.value for v in WeightedVariance]),
    help="How weighted results (and repeat respondents') get their interval, and comparisons their test: linearised (Taylor, the default), "
    "kish (effective n; assumes the weights are unrelated to the answers) or bootstrap (1,000 resamples, fixed "
    "seed). Default: the programme's weighted_variance setting.",
)
@click.option(
    "--respondent-clusters/--no-respondent-clusters",
    default=None,
    help="Treat the answers of one respondent id as one cluster (not independent) in the intervals. "
    "Default: the programme's respondent_clusters setting (on).",
)
@engine_options
@json_option
@common_options
@handle_errors
def measure(
    metrics: tuple[str, ...],
    by: tuple[str, ...],
    period: str | None,
    confidence: float | None,
    compare: str | None,
    adjust: str | None,
    trend: bool,
    variance: str | None,
    respondent_clusters: bool | None,
    as_json: bool,
    engine: EngineChoice,
) -> None:
    """Compute metrics with sample sizes and confidence intervals; small samples are flagged.

    The flags column is explained in a legend under the table (every flag
    in docs/surveys.md#flags); small_sample shows the effective n when
    that, not n, put the group below the minimum sample (weights or repeat
    respondents), and --compare says the flags every row carries once,
    under the table. --json keeps the bare flags.

    With --compare, print differences instead, each with its interval, a
    two-sided test (Welch t for means, pooled z with a Newcombe interval for
    proportions, adjusted-Wald z for NPS; Fisher's exact test for proportions
    and an exact permutation test for NPS where an expected count is below 5)
    and p-values adjusted over all the comparisons printed (--adjust holm or
    bh); nothing is stored. --compare period compares
    each period with the previous one that has data (within each --by
    segment); --compare COLUMN compares each value of COLUMN with all other
    observations pooled ("rest"), per --period if given. Each side's
    variance is the one measure gives it (--variance, --respondent-clusters);
    respondents on both sides add their covariance.

    \b
    JSON with --compare: a list of {metric, compare, segment: {col: value},
    period, baseline, value, baseline_value, n, baseline_n, difference,
    ci_low, ci_high, p_value, p_adjusted, significant, confidence, method,
    flags}; values and differences are on the metric's scale.

    With --trend, each segment's period rows are followed by one trend row:
    the same keys with period, value, ci_low and ci_high null, n the answers
    in the periods fitted, and a "trend" object {per, slope, ci_low, ci_high,
    p_value, p_adjusted, periods, excluded, between_period_sd, method}: a
    random-effects weighted least squares line on the period index
    (Paule-Mandel between-period variance, Knapp-Hartung t on periods - 2
    degrees of freedom). A period the data start or end inside (or a
    quarter or year with a month without answers) is flagged
    partial_period and left out, as are hidden periods and periods without
    a standard error; "excluded" names each with its reason.

    With --engine spark --parquet DIR the groups are computed by Spark SQL
    over the Parquet folder `cxframe export --format parquet DIR` wrote from
    this store (--master URL, or [settings] spark_master, else local[*]);
    the intervals on this machine; the same JSON (docs/scale.md).
    """
    current = state()
    if adjust is not None and compare is None:
        raise click.UsageError("--adjust needs --compare: it adjusts the p-values of comparisons")
    if trend and (period is None or compare is not None):
        raise click.UsageError("--trend needs --period (day, week, month, quarter or year) and no --compare")
    if trend:
        trends = api.trend(
            current.programme,
            metrics or None,
            by=by,
            period=period or "month",
            confidence=confidence,
            variance=variance,
            respondent_clusters=respondent_clusters,
            host=current.plugins(),
            **engine.keywords(),
        )
        if as_json:
            emit_json([row for t in trends for row in [*(metric_json(r) for r in t.results), trend_json(t)]])
            return
        _render.metrics(console(), [result for t in trends for result in t.results])
        _trends_table(trends)
        return
    if compare is not None:
        if compare == "period" and period is None:
            raise click.UsageError("--compare period needs --period (day, week, month, quarter or year)")
        comparisons = api.compare(
            current.programme,
            metrics or None,
            against=compare,
            period=period,
            by=by,
            confidence=confidence,
            adjust=adjust or "holm",
            variance=variance,
            respondent_clusters=respondent_clusters,
            host=current.plugins(),
            **engine.keywords(),
        )
        if as_json:
            emit_json([comparison_json(result) for result in comparisons])
        else:
            _comparisons_table(comparisons)
        return
    results = api.measure(
        current.programme,
        metrics or None,
        by=by,
        period=period,
        confidence=confidence,
        variance=variance,
        respondent_clusters=respondent_clusters,
        host=current.plugins(),
        **engine.keywords(),
    )
    if as_json:
        emit_json([metric_json(result) for result in results])
        return
    out = console()
    hints = api.why_no_results(current.programme, metrics, results, host=current.plugins())
    if results or not hints:
        _render.metrics(out, results)
    for hint in hints:
        out.print(escape(hint), soft_wrap=True)
