"""``cxframe text``: comment themes from the codeframe, score-linked; tagged comments."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Column, Table

from cxframe import common_options, emit_json, handle_errors, json_option, state
from cxframe_text import api
from cxframe_text.themes import UNTAGGED_SAMPLE, ThemeReport, counted


def _out() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _level(confidence: float) -> str:
    return f"{confidence * 100:g}%"


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


@click.group()
@common_options
def text() -> None:
    """Comments in words: themes from the codeframe, tied to a metric.

    The codeframe is [[plugins.cxframe-text.themes]] (id, keywords, optional
    title and parent) in the programme file; see docs/text.md. E-mail
    addresses, phone numbers and resident ID numbers in comments are masked
    in everything shown.
    """


_source_option = click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="ID",
    help="Only the comments of this source (a [[sources]] id, e.g. a reviews source); repeat for several.",
)


@text.command("themes")
@click.option(
    "--metric", default="nps", show_default=True, metavar="ID", help="The metric compared with and without each theme."
)
@click.option(
    "--by", metavar="COL", help="One report per value of this column (a segment, touchpoint, channel, source)."
)
@click.option(
    "--confidence", type=float, help="Confidence of the intervals and tests [default: the programme's confidence]."
)
@click.option(
    "--sample", type=int, default=UNTAGGED_SAMPLE, show_default=True, help="How many untagged comments to show."
)
@_source_option
@json_option
@common_options
@handle_errors
def themes_command(
    metric: str, by: str | None, confidence: float | None, sample: int, sources: tuple[str, ...], as_json: bool
) -> None:
    """Coverage of the codeframe and, per theme, mentions and the metric among comments with it vs the rest.

    \b
    JSON: {coverage, untagged_sample, themes: [{theme, mentions, share, metric,
    mean_with, mean_without, diff, ci_low, ci_high, p_value, p_adjusted,
    significant, n_with, n_without, flags}]}; with --by, a list of those, each
    with segment: {COL: value}. Means are in the metric's own units (NPS points
    for nps). p_adjusted is Holm's over every theme shown; a theme is
    significant only when p_adjusted < 1 - confidence. flags: small_sample
    when either side is below the minimum sample (min_sample).
    """
    current = state()
    found = api.text_themes(
        current.programme,
        metric=metric,
        by=by,
        confidence=confidence,
        sample=sample,
        sources=sources,
        host=current.plugins(),
    )
    reports = found if isinstance(found, list) else [found]
    if as_json:
        emit_json([report.to_json() for report in reports] if isinstance(found, list) else reports[0].to_json())
        return
    for report in reports:
        _themes_table(report)
    tested = sum(row.p_value is not None for report in reports for row in report.themes)
    if tested:
        # the interval next to "sig. no" may exclude zero: say which of the two numbers the adjustment touched
        _out().print(
            f"p (Holm): the p-value, adjusted in brackets over the {tested} theme(s) tested; sig. is on the "
            "adjusted p only (the intervals are not adjusted, so one can exclude zero while sig. says no). "
            "small_sample: a side below the minimum sample (min_sample).",
            markup=False,
        )


def _themes_table(report: ThemeReport) -> None:
    out = _out()
    if report.segment is not None:
        ((column, value),) = report.segment.items()
        out.print(f"{column} = {value if value is not None else '(none)'}", markup=False)
    if not report.comments:
        out.print("no comments")
        return
    metric = next((row.metric for row in report.themes if row.metric is not None), None)
    against = f"; {metric} with vs without each theme" if metric is not None else ""
    out.print(
        f"{report.comments} comment(s); coverage {_number((report.coverage or 0) * 100)}% tagged{against}",
        markup=False,
    )
    if not report.themes:
        out.print("no themes: add [[plugins.cxframe-text.themes]] to the programme file", markup=False)
    elif metric is None:
        table = Table("theme", "mentions", "share")
        for row in report.themes:
            table.add_row(row.theme, str(row.mentions), _share(row.share))
        out.print(table, markup=False)
    else:
        headers = ["with (n)", "without (n)", f"difference ({_level(report.confidence)})", "p (Holm)", "sig."]
        show_flags = any(row.flags for row in report.themes)
        headers = ["theme", "mentions", "share", *headers, *(["flags"] * show_flags)]
        table = Table(*(Column(header, overflow="fold") for header in headers))
        for row in report.themes:
            difference = _number(row.diff)
            if row.ci_low is not None:
                difference += f" ({_number(row.ci_low)} … {_number(row.ci_high)})"
            table.add_row(
                row.theme,
                str(row.mentions),
                _share(row.share),
                f"{_number(row.mean_with)} ({row.n_with})",
                f"{_number(row.mean_without)} ({row.n_without})",
                difference,
                "—" if row.p_value is None else f"{_p(row.p_value)} ({_p(row.p_adjusted)})",
                "yes" if row.significant else "no",
                *([", ".join(row.flags)] * show_flags),
            )
        out.print(table, markup=False)
    if report.untagged_sample:
        out.print("untagged, for example:")
        counts = report.untagged_counts or (1,) * len(report.untagged_sample)
        for comment, count in zip(report.untagged_sample, counts, strict=True):
            out.print(f"  • {counted(comment, count)}", markup=False)


def _share(share: float | None) -> str:
    return _number(None if share is None else share * 100) + "%"


@text.command("tag")
@click.option("--theme", metavar="ID", help="Only comments that mention this theme.")
@click.option("--untagged", is_flag=True, help="Only comments without any theme.")
@_source_option
@json_option
@common_options
@handle_errors
def tag_command(theme: str | None, untagged: bool, sources: tuple[str, ...], as_json: bool) -> None:
    """Every comment with its themes (masked), in the order stored.

    \b
    JSON: a list of {response, response_id, respondent_id, text, themes,
    sentiment, tone} (response: the store's response row; sentiment: -1…1;
    tone: positive, neutral or negative).
    """
    current = state()
    found = api.tag_comments(current.programme, sources=sources, host=current.plugins())
    if theme is not None:
        found = [comment for comment in found if theme in comment.themes]
    if untagged:
        found = [comment for comment in found if not comment.themes]
    if as_json:
        emit_json([comment.to_json() for comment in found])
        return
    out = _out()
    table = Table()
    for header in ("response", "themes", "tone", "comment"):
        table.add_column(header, overflow="fold")
    for comment in found:
        table.add_row(
            comment.response_id or str(comment.response),
            ", ".join(comment.themes) or "—",
            f"{comment.tone} {comment.sentiment:+.2f}",
            comment.text,
        )
    out.print(table, markup=False)
    out.print(f"{len(found)} comment(s)")


@text.command("sentiment")
@click.option(
    "--metric", default="nps", show_default=True, metavar="ID", help="An NPS-type metric to check agreement against."
)
@click.option(
    "--confidence", type=float, help="Confidence of the agreement's interval [default: the programme's confidence]."
)
@_source_option
@json_option
@common_options
@handle_errors
def sentiment_command(metric: str, confidence: float | None, sources: tuple[str, ...], as_json: bool) -> None:
    """Comment sentiment (VADER for English, a lexicon for Chinese) and its agreement with the respondents' scores.

    \b
    JSON: {comments, positive, neutral, negative, agreement: {metric, table:
    {promoter|passive|detractor: {positive, neutral, negative}}, agreement,
    ci_low, ci_high, polar_agreement, spearman, spearman_p}}.
    """
    current = state()
    report = api.text_sentiment(
        current.programme, metric=metric, confidence=confidence, sources=sources, host=current.plugins()
    )
    if as_json:
        emit_json(report.to_json())
        return
    out = _out()
    if not report.comments:
        out.print("no comments")
        return
    out.print(
        f"{report.comments} comment(s): {report.positive} positive, {report.neutral} neutral, {report.negative} negative"
    )
    table = Table(title=f"sentiment by {report.metric} group")
    for header in ("group", "positive", "neutral", "negative"):
        table.add_column(header)
    for group, labels in report.table.items():
        table.add_row(group, *(str(labels[name]) for name in ("positive", "neutral", "negative")))
    out.print(table)
    if report.agreement is not None:
        out.print(
            f"agreement with promoters/detractors: {report.agreement * 100:.1f}% "
            f"({_level(report.confidence)} {_number((report.ci_low or 0) * 100)}–{_number((report.ci_high or 0) * 100)}%)"
            + (f"; when not neutral {report.polar_agreement * 100:.1f}%" if report.polar_agreement is not None else "")
        )
    if report.spearman is not None:
        out.print(f"rank correlation with the score: {report.spearman:.2f} (p {_p(report.spearman_p)})")


@text.command("words")
@click.option(
    "--metric",
    default="nps",
    show_default=True,
    metavar="ID",
    help="An NPS-type metric: its detractors vs its promoters.",
)
@click.option("--top", type=int, default=20, show_default=True, help="Words on each side.")
@click.option(
    "--prior", type=float, default=1000.0, show_default=True, help="Weight of the background prior, in words."
)
@_source_option
@json_option
@common_options
@handle_errors
def words_command(metric: str, top: int, prior: float, sources: tuple[str, ...], as_json: bool) -> None:
    """The words that set detractors' comments apart from promoters' (log-odds ratio with an informative prior).

    \b
    JSON: {detractors: [{word, z, count}], promoters: [{word, z, count}]},
    strongest first; z is towards that side, count its uses on that side.
    """
    current = state()
    report = api.text_words(
        current.programme, metric=metric, top=top, prior=prior, sources=sources, host=current.plugins()
    )
    if as_json:
        emit_json(report.to_json())
        return
    out = _out()
    if not report.detractors and not report.promoters:
        out.print("no words: distinctive words need comments from both detractors and promoters")
        return
    table = Table()
    for header in ("detractors' word", "z", "count", "promoters' word", "z ", "count "):
        table.add_column(header, overflow="fold")
    for index in range(max(len(report.detractors), len(report.promoters))):
        left = report.detractors[index] if index < len(report.detractors) else None
        right = report.promoters[index] if index < len(report.promoters) else None
        table.add_row(
            left.word if left else "",
            f"{left.z:.2f}" if left else "",
            str(left.count) if left else "",
            right.word if right else "",
            f"{right.z:.2f}" if right else "",
            str(right.count) if right else "",
        )
    out.print(table, markup=False)


@text.command("discover")
@click.option("--topics", type=int, default=5, show_default=True, help="At most this many suggested themes.")
@click.option("--terms", type=int, default=8, show_default=True, help="Top terms shown per theme.")
@_source_option
@json_option
@common_options
@handle_errors
def discover_command(topics: int, terms: int, sources: tuple[str, ...], as_json: bool) -> None:
    """Suggest new themes from the comments the codeframe does not catch (NMF on TF-IDF, deterministic).

    \b
    JSON: a list of {topic, terms, examples, example_counts}: the topic's
    number, its top terms, its three most representative distinct comments
    (masked) and how many comments read as each.
    """
    current = state()
    found = api.text_discover(current.programme, topics=topics, terms=terms, sources=sources, host=current.plugins())
    if as_json:
        emit_json([topic.to_json() for topic in found])
        return
    out = _out()
    if not found:
        out.print("no suggestions: discovery needs at least two untagged comments with words")
        return
    for topic in found:
        out.print(f"topic {topic.topic} ({topic.comments} comment(s)): {', '.join(topic.terms)}", markup=False)
        counts = topic.example_counts or (1,) * len(topic.examples)
        for example, count in zip(topic.examples, counts, strict=True):
            out.print(f"  • {counted(example, count)}", markup=False)
