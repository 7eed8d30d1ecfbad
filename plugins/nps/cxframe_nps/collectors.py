"""Survey collectors: every export layout, one mapping from columns to a survey's meaning.

Each collector reads its layout with a reader from `cxframe_nps.formats`
(batches of raw columns) and :func:`survey_batches` applies the source's
column mapping; the core checks and stores the records::

    [sources.columns]
    response_id = "response_id"        # optional; de-duplicates re-exports
    respondent_id = "customer_id"      # optional
    timestamp = "submitted_at"         # required (defaults for Qualtrics and SurveyMonkey)
    touchpoint = "touchpoint"          # optional
    channel = "channel"                # optional
    comment = "comment"                # optional free text
    weight = "weight"                  # optional survey weight
    segments = ["region"]              # or { region = "Region" }
    [sources.columns.questions]        # question id = column
    nps = "likely_to_recommend"

A column may be named by its id, by its Qualtrics ImportId or by its question
text. Each (row, question) with a usable score becomes an observation; a
non-numeric or out-of-scale score, an unparsable timestamp, a bad weight or a
repeated response id is a reject with its line and reason. A blank answer
(and Qualtrics' ``-99``, "seen but not answered") is skipped and counted,
unless the row has no usable answer at all (then it is rejected).

Scores: a number; else, for choice-text exports, the number a label starts
with (``10 - Extremely likely`` → 10); else the value given for that label in
``options.labels.<question>`` (``{ "Very satisfied" = 5, … }``).
Timestamps: ISO-8601; else ``options.timestamp_format`` (a ``strptime``
format); a time without offset is read in the column's time zone (Qualtrics
names it), else ``options.time_zone``, else UTC.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from cxframe import (
    Collector,
    Detection,
    InvalidInput,
    SourceReader,
    SurveyBatches,
    SurveyQuestion,
    TimestampRule,
    check_segment_name,
    option_problems,
)
from cxframe_nps.detect import detect_qualtrics, detect_surveymonkey, generic_detector, layout_of
from cxframe_nps.formats import (
    SURVEYMONKEY_TIME_FORMATS,
    SurveyColumn,
    SurveyTable,
    check_format_options,
    choice_value,
    label_value,
    parse_timestamp,
    read_csv,
    read_jsonl,
    read_qualtrics,
    read_surveymonkey,
    read_xlsx,
)
from cxframe_nps.metrics import plugin_scale

#: Scales of the well-known questions; others are checked only when ``options.scales`` names them.
DEFAULT_SCALES: dict[str, tuple[float, float]] = {"nps": (0, 10), "enps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
#: Questions asked as one of eleven whole numbers: 9.5 is no answer to them (and would count as a promoter).
WHOLE_NUMBER_QUESTIONS = frozenset({"nps", "enps"})
OPTIONAL_FIELDS = ("response_id", "respondent_id", "touchpoint", "channel", "comment", "weight")
#: Qualtrics' code for a question seen and not answered (its export option "recode seen but unanswered as -99")
QUALTRICS_UNANSWERED = frozenset({"-99"})
#: Column defaults for the platforms whose exports always carry them.
QUALTRICS_DEFAULTS = {"response_id": "ResponseId", "timestamp": "RecordedDate"}
SURVEYMONKEY_DEFAULTS = {"response_id": "Respondent ID", "timestamp": "End Date"}


def _segments(columns: dict[str, Any]) -> dict[str, str]:
    segments = columns.get("segments", {})
    if isinstance(segments, list):
        return {str(name).lower(): str(name) for name in segments}
    return {str(name): str(column) for name, column in segments.items()}


#: Options every survey collector reads; each layout adds its own (`_collector`'s ``options``).
COMMON_OPTIONS = ("scales", "labels", "time_zone", "timestamp_format", "population")
#: Options under an old name, still read: old → new (one spelling with the journey plugin's collectors).
RENAMED_OPTIONS = {"timezone": "time_zone"}


def _checker(
    reader: Callable[[SourceReader], SurveyTable],
    defaults: dict[str, str],
    options: Iterable[str] = (),
    *,
    plain: str | None = None,
) -> Callable[[SourceReader], Iterable[str]]:
    """The ``check_options`` of a collector; ``plain``, the id of a one-header-row collector, refuses platform exports.

    Once the mapping itself is sound, the file's header is read with the
    collector's own ``reader`` (only the header: its rows are read lazily) and
    every mapped column it lacks is a problem, so ``cxframe validate`` finds
    a typo in a column name before ``collect`` does.
    """
    known_options = (*COMMON_OPTIONS, *options)

    def check_options(source: SourceReader) -> Iterable[str]:
        problems = list(_mapping_problems(source, defaults, known_options, plain))
        yield from problems
        if not problems:
            yield from missing_columns(source, reader, defaults)

    return check_options


def _mapped(source: SourceReader, defaults: dict[str, str]) -> Iterator[tuple[str, str]]:
    """``(key, column)`` for every column the source's mapping (or a layout default it relies on) names."""
    columns = {**defaults, **source.columns}
    yield "timestamp", columns["timestamp"]
    for field in OPTIONAL_FIELDS:
        if field in source.columns:  # a default column the export lacks is simply not used
            yield field, source.columns[field]
    for question, ref in columns["questions"].items():
        yield f"questions.{question}", ref
    segments = columns.get("segments", {})
    if isinstance(segments, list):
        for index, ref in enumerate(segments):
            yield f"segments[{index}]", str(ref)
    else:
        for name, ref in segments.items():
            yield f"segments.{name}", str(ref)


def missing_columns(
    source: SourceReader, reader: Callable[[SourceReader], SurveyTable], defaults: dict[str, str] | None = None
) -> Iterator[str]:
    """Every mapped column the file's header lacks (``columns.KEY: no column … in FILE``); nothing when it is not there.

    The header is read as `survey_batches` reads it, by the same reader, so
    the two cannot disagree. A header that cannot be read (the wrong
    encoding, an empty file) is left to the reading, which says why with the
    line, as `platform_export_problems` leaves it.
    """
    if not source.path.is_file():
        return  # said by whoever checks the path (validate, the ingest), not as a column problem
    shown = source.display_path()
    try:
        table = reader(source)
    except InvalidInput:
        return
    with table:
        for key, ref in _mapped(source, defaults or {}):
            found = table.lookup(ref, shown)
            if isinstance(found, str):
                yield f"columns.{key}: {found}"


def _mapping_problems(
    source: SourceReader, defaults: dict[str, str], known_options: Iterable[str], plain: str | None
) -> Iterator[str]:
    """Problems with the mapping and options themselves, before the file is looked at."""
    if plain is not None:
        yield from platform_export_problems(source, plain)
    yield from option_problems(source, known_options, RENAMED_OPTIONS)
    columns = {**defaults, **source.columns}
    known = {"timestamp", "questions", "segments", *OPTIONAL_FIELDS}
    for key in columns:
        if key not in known:
            yield f"columns.{key}: unknown key; expected one of {', '.join(sorted(known))}"
    if not isinstance(columns.get("timestamp"), str):
        yield "columns.timestamp: expected the name of the timestamp column"
    for key in OPTIONAL_FIELDS:
        if key in columns and not isinstance(columns[key], str):
            yield f"columns.{key}: expected the name of a column, got {columns[key]!r}"
    questions = columns.get("questions")
    if not isinstance(questions, dict) or not questions:
        yield 'columns.questions: expected a table of question id = column name, e.g. { nps = "Q1" }'
    else:
        for question, column in questions.items():
            if not isinstance(column, str):
                yield f"columns.questions.{question}: expected the name of a column, got {column!r}"
    segments = columns.get("segments", {})
    if not isinstance(segments, list | dict):
        yield "columns.segments: expected a list of column names or a table of segment = column"
    else:
        for name in _segments(columns):
            problem = check_segment_name(name)
            if problem:
                yield f"columns.segments: {problem}"
    # the scales the built-in metrics read: an answer outside its metric's scale would be left out of it
    metric_scales = {**DEFAULT_SCALES, **_plugin_scales(source)}
    for name, scale in source.option("scales", {}).items():
        if not (isinstance(scale, list) and len(scale) == 2 and all(isinstance(v, int | float) for v in scale)):
            yield f"options.scales.{name}: expected [min, max]"
        elif name in metric_scales and (float(scale[0]), float(scale[1])) != metric_scales[name]:
            low, high = metric_scales[name]
            setting = f"set {name}_scale = [{scale[0]}, {scale[1]}] in [plugins.cxframe-nps] instead"
            fix = "NPS is asked on 0–10" if name in ("nps", "enps") else setting
            yield (
                f"options.scales.{name}: {scale[0]}–{scale[1]} is not the {low:g}–{high:g} scale the {name} "
                f"metric reads, which would leave answers outside it out of the metric; {fix}"
            )
    for name in ("timestamp_format", "population"):
        if name in source.options and not isinstance(source.options[name], str):
            yield f"options.{name}: expected a text, got {source.options[name]!r}"
    for name, labels in source.option("labels", {}).items():
        if not isinstance(labels, dict) or not all(isinstance(v, int | float) for v in labels.values()):
            yield f'options.labels.{name}: expected a table of answer = number, e.g. {{ "Yes" = 1, "No" = 0 }}'
    zone = source.option("time_zone", formerly="timezone")
    if zone is not None and _zone(zone) is None:
        key = source.option_name("time_zone", formerly="timezone")
        yield f"options.{key}: unknown time zone {zone!r} (expected an IANA name such as Europe/Berlin)"
    yield from check_format_options(source)


def _zone(name: str) -> dt.tzinfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _plugin_scales(source: SourceReader) -> dict[str, tuple[float, float]]:
    """The scales set for the metrics in ``[plugins.cxframe-nps]``, so answers and metrics agree."""
    if source.programme is None:
        return {}
    settings = source.programme.plugin_settings("cxframe-nps")
    scales = {}
    for question, key in (("csat", "csat_scale"), ("ces", "ces_scale")):
        if key in settings:
            scales[question] = plugin_scale(settings, key, DEFAULT_SCALES[question], where=str(source.programme.file))
    return scales


def _score(text: str, labels: dict[str, float] | None) -> float | None:
    try:
        return float(text)
    except ValueError:
        pass
    value = choice_value(text)
    if value is None and labels:
        value = label_value(text, labels)
    return value


def _find(table: SurveyTable, ref: str, key: str) -> SurveyColumn:
    """The column ``ref`` names, or an error that also names the mapping key."""
    try:
        return table.find(ref)
    except InvalidInput as exc:
        raise InvalidInput([f"{message} (mapped as columns.{key})" for message in exc.messages]) from None


def _question_column(table: SurveyTable, question: str, ref: str) -> SurveyColumn:
    """The column a question is mapped to; not a Qualtrics NPS group, whose codes 1–3 would read as scores."""
    column = _find(table, ref, f"questions.{question}")
    if column.id.upper().endswith("_NPS_GROUP"):
        score = column.id[: -len("_NPS_GROUP")]
        raise InvalidInput(
            [
                f"columns.questions.{question}: column {column.id!r} holds Qualtrics' NPS group (1 detractor, "
                f"2 passive, 3 promoter), not the 0–10 answer; map the question to {score!r} instead"
            ]
        )
    return column


@attrs.frozen
class _Mapping:
    """The source's column mapping resolved against a table's columns."""

    optional: dict[str, SurveyColumn]
    stamp: SurveyColumn
    population: str
    #: (question id, column index, scale or None, labels or None)
    questions: list[tuple[str, int, tuple[float, float] | None, dict[str, float] | None]]
    segments: list[tuple[str, int]]
    zone: dt.tzinfo | None
    #: the IANA name of ``zone``
    zone_name: str | None
    formats: tuple[str, ...]


def _mapping(
    source: SourceReader, table: SurveyTable, defaults: dict[str, str] | None, time_formats: Iterable[str]
) -> _Mapping:
    columns = {**(defaults or {}), **source.columns}
    # a default column the export lacks is simply not used; a mapped one must exist
    optional: dict[str, SurveyColumn] = {}
    for field in OPTIONAL_FIELDS:
        if field in source.columns:
            optional[field] = _find(table, source.columns[field], field)
        elif field in columns:
            with contextlib.suppress(InvalidInput):
                optional[field] = table.find(columns[field])
    stamp = _find(table, columns["timestamp"], "timestamp")
    scales = {
        **DEFAULT_SCALES,
        **_plugin_scales(source),
        **{k: (float(v[0]), float(v[1])) for k, v in source.option("scales", {}).items()},
    }
    labels: dict[str, dict[str, float]] = source.option("labels", {})
    questions = [
        (question, _question_column(table, question, ref).index, scales.get(question), labels.get(question))
        for question, ref in columns["questions"].items()
    ]
    segments = [(name, _find(table, ref, f"segments.{name}").index) for name, ref in _segments(columns).items()]
    zone_name = stamp.time_zone or None
    zone = _zone(zone_name) if zone_name else None
    if zone is None and source.option("time_zone", formerly="timezone"):
        zone_name = source.option("time_zone", formerly="timezone")
        zone = _zone(zone_name)
    formats = (source.option("timestamp_format"),) if source.option("timestamp_format") else tuple(time_formats)
    return _Mapping(
        optional=optional,
        stamp=stamp,
        population=source.option("population", "customer"),
        questions=questions,
        segments=segments,
        zone=zone,
        zone_name=zone_name if zone is not None else None,
        formats=formats,
    )


def _answer(
    question: str, text: str, scale: tuple[float, float] | None, labels: dict[str, float] | None
) -> tuple[float | None, str | None]:
    """A stripped, non-blank answer's ``(score, None)`` or ``(None, reason)``."""
    score = _score(text, labels)
    if score is None:
        return None, f"{question}: not a number: {text!r}"
    if not math.isfinite(score) or (scale is not None and not scale[0] <= score <= scale[1]):
        shown = f"{scale[0]:g}–{scale[1]:g}" if scale else "finite numbers"
        return None, f"{question}: {text} is outside the scale {shown}"
    if question in WHOLE_NUMBER_QUESTIONS and not score.is_integer():
        return None, f"{question}: {text} is not one of the whole numbers 0–10"
    return score, None


def survey_batches(
    source: SourceReader,
    table: SurveyTable,
    defaults: dict[str, str] | None = None,
    time_formats: Iterable[str] = (),
    unanswered: frozenset[str] = frozenset(),
) -> SurveyBatches:
    """A layout's table with the source's column mapping applied, for the core's ingest.

    Answers, weights and timestamps are the core's to check; the rules it
    checks them by are these: `_answer` scores an answer (once per distinct
    text), `parse_timestamp` reads what is not plain ISO-8601.
    """
    try:
        mapping = _mapping(source, table, defaults, time_formats)
    except BaseException:
        table.close()
        raise
    zone, formats = mapping.zone, mapping.formats

    def scorer(
        question: str, scale: tuple[float, float] | None, labels: dict[str, float] | None
    ) -> Callable[[str], tuple[float | None, str | None]]:
        return lambda text: _answer(question, text, scale, labels)

    return SurveyBatches(
        width=table.width,
        batches=table.batches,
        timestamp=mapping.stamp.index,
        parse_timestamp=lambda text: parse_timestamp(text, zone, formats),
        naive_utc=zone is None,
        timestamp_expected=_expected_time(mapping.formats),
        questions=tuple(
            SurveyQuestion(
                id=question,
                column=index,
                score=scorer(question, scale, labels),
                scale_min=scale[0] if scale else None,
                scale_max=scale[1] if scale else None,
            )
            for question, index, scale, labels in mapping.questions
        ),
        fields={field: column.index for field, column in mapping.optional.items()},
        segments=dict(mapping.segments),
        population=mapping.population,
        close=table.close,
        drops=table.drops,
        timestamp_rule=TimestampRule(formats=formats, time_zone=mapping.zone_name),
        unanswered=unanswered,
    )


def _expected_time(formats: Iterable[str]) -> str:
    """What a timestamp cell should hold, for a reject's reason: ISO-8601, or one of the source's formats."""
    return " or ".join(["ISO-8601", *(repr(pattern) for pattern in formats)])


def _collector(
    id: str,
    description: str,
    reader: Callable[[SourceReader], SurveyTable],
    defaults: dict[str, str] | None = None,
    time_formats: Iterable[str] = (),
    options: Iterable[str] = (),
    unanswered: frozenset[str] = frozenset(),
    *,
    detect: Callable[[SourceReader], Detection | None],
    plain: bool = False,
) -> Collector:
    formats = tuple(time_formats)

    def batches(source: SourceReader) -> SurveyBatches:
        return survey_batches(source, reader(source), defaults, formats, unanswered)

    return Collector(
        id=id,
        description=description,
        batches=batches,
        check_options=_checker(reader, defaults or {}, options, plain=id if plain else None),
        settings=reading_settings,
        detect=detect,
    )


#: What reading a platform's export as a plain file would get wrong, by platform.
_MISREAD = {
    "qualtrics": (
        "a Qualtrics export (three header rows: column ids, question texts, ImportIds)",
        "its second and third header rows would be read as responses, survey previews, spam and unfinished "
        "responses counted as real ones, and its times read without the time zone the export names",
    ),
    "surveymonkey": (
        "a SurveyMonkey export (two header rows: questions, then Response and sub-questions)",
        "its second header row would be read as a response and its sub-questions' columns named by their "
        "position instead of their question",
    ),
}


def platform_export_problems(source: SourceReader, collector: str) -> Iterator[str]:
    """A problem when a one-header-row collector is given a Qualtrics or SurveyMonkey export.

    A problem (so ``validate`` and ``collect`` stop), not a warning: read as a
    plain file, the export would be stored with wrong numbers (`_MISREAD`),
    and nothing later could tell. A file that is missing or cannot be read is
    left to the reading, which says why.
    """
    if not source.path.is_file():
        return
    try:
        platform = layout_of(source)
    except InvalidInput:
        return
    if platform is None:
        return
    layout, wrong = _MISREAD[platform]
    yield (
        f"this is {layout}, not a plain file for {collector}: {wrong}. "
        f'Read it with collector = "{platform}" in its [[sources]] entry, or cxframe collect FILE '
        f"--collector {platform} (or without --collector and --column, to have the mapping recognised)"
    )


def reading_settings(source: SourceReader) -> dict[str, Any]:
    """The plugin settings a survey source is read with: the csat and ces scales set for the metrics.

    Part of what makes a source "unchanged": with another ``csat_scale``, its
    answers are checked against another scale, so it is read again.
    """
    scales = {question: list(scale) for question, scale in _plugin_scales(source).items()}
    return {"scales": scales} if scales else {}


survey_csv = _collector(
    "survey-csv",
    "Survey responses from a CSV file, mapped with [sources.columns].",
    read_csv,
    options=("delimiter", "sheet"),
    detect=generic_detector(read_csv, (".csv", ".tsv", ".txt")),
    plain=True,
)
survey_jsonl = _collector(
    "survey-jsonl",
    "Survey responses from JSON Lines, one object per response.",
    read_jsonl,
    options=("fields",),
    detect=generic_detector(read_jsonl, (".jsonl", ".ndjson")),
)
survey_xlsx = _collector(
    "survey-xlsx",
    "Survey responses from an Excel sheet (.xlsx), header in row 1.",
    read_xlsx,
    options=("sheet",),
    detect=generic_detector(read_xlsx, (".xlsx", ".xlsm")),
    plain=True,
)
qualtrics = _collector(
    "qualtrics",
    "A Qualtrics CSV/XLSX export (numeric or choice text); previews, spam and unfinished responses left out.",
    read_qualtrics,
    QUALTRICS_DEFAULTS,
    options=("delimiter", "sheet", "include_previews", "include_spam", "include_unfinished"),
    unanswered=QUALTRICS_UNANSWERED,
    detect=detect_qualtrics,
)
surveymonkey = _collector(
    "surveymonkey",
    "A SurveyMonkey CSV/XLSX export (question row, then sub-question row).",
    read_surveymonkey,
    SURVEYMONKEY_DEFAULTS,
    SURVEYMONKEY_TIME_FORMATS,
    options=("delimiter", "sheet"),
    detect=detect_surveymonkey,
)

COLLECTORS = [survey_csv, survey_jsonl, survey_xlsx, qualtrics, surveymonkey]
