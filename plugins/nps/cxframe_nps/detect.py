"""Recognising survey exports: which layout a file is, and the mapping its ``[[sources]]`` entry needs.

Each survey collector's ``detect`` (`cxframe.Collector`) is one of the
functions here; the core asks them all and takes the single sure answer.
They read the header rows and the first `SAMPLE_ROWS` responses with the
layout's own reader, so a file is recognised the way it will be read.

What is recognised (layout facts in `cxframe_nps.formats`):

* a **Qualtrics** export by its third header row of ImportIds; its NPS
  question by the ``_NPS_GROUP`` column Qualtrics adds beside it, the
  response id by ImportId ``_recordId``, the time by ``recordedDate``;
* a **SurveyMonkey** export by its second header row, blank under the first
  column and ``Response`` / ``Open-Ended Response`` under questions; its NPS
  question as the one answer column whose question asks how likely the
  respondent is to recommend ("recommend", "推荐") with answers 0–10;
* a plain **CSV, workbook or JSON Lines** file with one header row only when
  exactly one column is named like NPS ("nps", "recommend", "推荐") with
  answers 0–10 and one column holds ISO-8601 times.

A few spoiled answers do not stop it: one answer in `TOLERATED_ONE_IN` of
the sample may be off the scale (an NPS of 11, an "N/A") or not a time; what
it took says so, and each becomes a reject with its line when collected.
More than that, in a column that otherwise fits, is a doubt that names the
column, the answers and their lines.

Segments are taken only when obvious: a column named like a segment (region,
channel, language, 地区, 渠道, 语言 …) with 2 to `MAX_SEGMENT_VALUES` text
values. Every other column is listed as left out, with why and how to map it.
Anything uncertain becomes a doubt, and the core then asks for the mapping.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from cxframe import Detection, SourceReader, check_segment_name
from cxframe_nps.formats import (
    SURVEYMONKEY_TIME_FORMATS,
    SurveyColumn,
    SurveyTable,
    choice_value,
    header_rows,
    parse_timestamp,
    read_qualtrics,
    read_surveymonkey,
)

#: Responses read to judge a column by its answers.
SAMPLE_ROWS = 500
#: One answer in this many may be off a column's scale (an NPS of 11, an "N/A") without stopping detection:
#: a real export nearly always has a spoiled row, and it becomes a reject with its line when collected.
#: A file with fewer answers than this has none to spare, so a bad one there is named as a doubt.
TOLERATED_ONE_IN = 50
#: At most this many distinct values for a column to be a segment.
MAX_SEGMENT_VALUES = 20
#: A question that asks how likely the respondent is to recommend (English, Chinese simplified and traditional).
RECOMMEND = re.compile(r"recommend|推荐|推薦", re.IGNORECASE)
#: A plain file's column named like an NPS answer.
NPS_NAME = re.compile(r"(?:^|[^a-z])nps(?:$|[^a-z])|recommend|推荐|推薦", re.IGNORECASE)
#: Words that name a segment, and the segment name a column named by them gets.
SEGMENT_WORDS = {
    **{
        word: word
        for word in (
            "region", "country", "city", "state", "province", "market", "channel", "language", "segment",
            "branch", "store", "shop", "site", "product", "plan", "tier", "team", "department", "division", "area",
        )
    },
    "地区": "region", "区域": "region", "大区": "region", "地區": "region", "国家": "country", "國家": "country",
    "城市": "city", "省份": "province", "市场": "market", "渠道": "channel", "语言": "language", "語言": "language",
    "门店": "store", "網點": "branch", "网点": "branch", "分行": "branch", "产品": "product", "部门": "department",
}  # fmt: skip
#: Qualtrics' own columns, by ImportId; of these only the distribution channel and language may be segments.
QUALTRICS_META = frozenset(
    {
        "startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished", "recordedDate",
        "_recordId", "recipientLastName", "recipientFirstName", "recipientEmail", "externalDataReference",
        "locationLatitude", "locationLongitude", "distributionChannel", "userLanguage",
    }
)  # fmt: skip
QUALTRICS_SEGMENT_META = frozenset({"distributionChannel", "userLanguage"})
SURVEYMONKEY_META = re.compile(
    r"Respondent ID|Collector ID|Start Date|End Date|IP Address|Email Address|First Name|Last Name|Custom Data \d+"
)
_QUESTION_ID = re.compile(r"^(?:\d+_)?QID\d+")
#: Row-2 cells of a SurveyMonkey export that mean "the question's only answer".
_ONE_ANSWER = {"Response", "Open-Ended Response"}
#: Cells that mean "no answer" whatever the scale (Qualtrics' "seen but not answered").
_NO_ANSWER = {"-99"}


@attrs.frozen
class _Column:
    """One column and what the first responses hold in it."""

    column: SurveyColumn
    #: the non-blank cells of the sample, stripped
    values: list[str]
    #: the file line of each of ``values``
    lines: list[int] = attrs.field(factory=list)
    #: one of the export's own columns (not an answer)
    meta: bool = False
    #: an answer to a question (not an export's column or embedded data)
    question: bool = False
    #: SurveyMonkey: the question's only answer column (row 2 "Response"), not a sub-question's
    single: bool = True

    @property
    def name(self) -> str:
        return self.column.id

    @property
    def shown(self) -> str:
        """The column for people: its id, and its question text when that says more."""
        text = self.column.text
        if text and text != self.name:
            return f"{self.name} ({_short(text)})"
        return self.name

    def scores(self) -> list[float] | None:
        """The answers as numbers (a choice text by its leading number), or None when one is not."""
        scores = []
        for value in self.values:
            if value in _NO_ANSWER:
                continue
            try:
                scores.append(float(value))
            except ValueError:
                number = choice_value(value)
                if number is None:
                    return None
                scores.append(number)
        return scores

    def off_scale(self) -> tuple[int, list[tuple[int, str]]]:
        """How many answers are whole numbers 0–10, and the ``(line, answer)`` of those that are not."""
        good, bad = 0, []
        for line, value in zip(self.lines, self.values, strict=True):
            if value in _NO_ANSWER:
                continue
            try:
                score: float | None = float(value)
            except ValueError:
                score = choice_value(value)
            if score is not None and score.is_integer() and 0 <= score <= 10:
                good += 1
            else:
                bad.append((line, value))
        return good, bad

    def zero_to_ten(self) -> bool:
        """Whether the answers are whole numbers 0–10, but for a few (`TOLERATED_ONE_IN`) that will be rejects."""
        good, bad = self.off_scale()
        return good > 0 and len(bad) <= (good + len(bad)) // TOLERATED_ONE_IN

    def nearly_zero_to_ten(self) -> bool:
        """Most answers are whole numbers 0–10, but too many others for `zero_to_ten`: worth a doubt naming them."""
        good, bad = self.off_scale()
        return good > 0 and good >= len(bad) and not self.zero_to_ten()

    def scale_note(self) -> str:
        """The tolerated answers off the 0–10 scale, for what detection took: `` (1 answer off 0–10: …)``."""
        _, bad = self.off_scale()
        if not bad:
            return ""
        return f" ({_off_scale(bad)}: a reject each when collected)"

    def scale_doubt(self, why: str) -> str:
        """A doubt naming the column, how many answers are off 0–10 and where."""
        good, bad = self.off_scale()
        are = "is not a whole number" if len(bad) == 1 else "are not whole numbers"
        return (
            f"column {self.name!r} {why}, but {len(bad)} of its first {good + len(bad)} answers {are} 0–10 "
            f"({_off_scale(bad)}); with the mapping given, each is a reject with its line"
        )

    def distinct(self) -> list[str]:
        return sorted(set(self.values))


def _off_scale(bad: list[tuple[int, str]], shown: int = 3) -> str:
    """``'11' on line 152, 'N/A' on line 480``: the first few answers off the scale, where they are."""
    listed = ", ".join(f"{value!r} on line {line}" for line, value in bad[:shown])
    more = f" and {len(bad) - shown} more" if len(bad) > shown else ""
    return f"{listed}{more}"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- layouts ---------------------------------------------------------------------------------------------------------


def _import_row(cells: Sequence[str]) -> bool:
    """Whether a row is Qualtrics' third header row: every non-blank cell an ``{"ImportId": …}`` object."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    if len(filled) < 2:
        return False
    for cell in filled:
        try:
            parsed = json.loads(cell)
        except json.JSONDecodeError:
            return False
        if not (isinstance(parsed, dict) and isinstance(parsed.get("ImportId"), str)):
            return False
    return True


def _surveymonkey_rows(questions: Sequence[str], subs: Sequence[str]) -> bool:
    """Whether two rows are SurveyMonkey's header: row 2 blank under the first column, "Response" under a question."""
    if not questions or not questions[0].strip() or not subs or subs[0].strip():
        return False
    return any(cell.strip() in _ONE_ANSWER for cell in subs)


def layout_of(source: SourceReader) -> str | None:
    """``"qualtrics"`` or ``"surveymonkey"`` when the file's header rows are that platform's, else None."""
    rows = header_rows(source, 3)
    if len(rows) >= 3 and _import_row(rows[2]):
        return "qualtrics"
    if len(rows) >= 2 and _surveymonkey_rows(rows[0], rows[1]):
        return "surveymonkey"
    return None


def _sample(table: SurveyTable) -> list[tuple[int, list[str]]]:
    """The first `SAMPLE_ROWS` responses' lines and cells, those the layout leaves out skipped; then the file closed."""
    rows: list[tuple[int, list[str]]] = []
    width = len(table.columns)
    with table:
        for batch in table.batches:
            cells = [column.to_pylist() for column in batch.columns[:width]]
            lines = batch.lines.to_pylist() if hasattr(batch.lines, "to_pylist") else list(batch.lines)
            for index in range(len(lines)):
                row = [cells[column][index] or "" for column in range(width)]
                # a survey preview's answers are not responses: they would count as a segment's values
                if any(row[drop.column].strip().casefold() in drop.values for drop in table.drops):
                    continue
                rows.append((lines[index], row))
                if len(rows) >= SAMPLE_ROWS:
                    return rows
    return rows


def _profile(
    table: SurveyTable,
    meta: Callable[[SurveyColumn], bool],
    question: Callable[[SurveyColumn], bool],
    single: Callable[[SurveyColumn], bool] = lambda column: True,
) -> list[_Column]:
    rows = _sample(table)
    return [
        _Column(
            column=column,
            values=[row[column.index].strip() for _, row in rows if row[column.index].strip()],
            lines=[line for line, row in rows if row[column.index].strip()],
            meta=meta(column),
            question=question(column),
            single=single(column),
        )
        for column in table.columns
    ]


# -- what the columns are ------------------------------------------------------------------------------------------


@attrs.define
class _Found:
    """A detection being put together."""

    columns: dict[str, Any] = attrs.field(factory=dict)
    took: list[str] = attrs.field(factory=list)
    doubts: list[str] = attrs.field(factory=list)
    needs: list[str] = attrs.field(factory=list)
    used: set[str] = attrs.field(factory=set)

    def take(self, key: str, column: _Column, why: str) -> None:
        self.columns[key] = column.name
        self.used.add(column.name)
        self.took.append(f"{key} = {column.shown}: {why}")

    def detection(self, layout: str, confidence: float, left_out: list[str]) -> Detection:
        return Detection(
            layout=layout,
            confidence=confidence,
            columns=self.columns,
            took=tuple(self.took),
            left_out=tuple(left_out),
            doubts=tuple(self.doubts),
            needs=tuple(self.needs),
        )


def _recommend_question(found: _Found, columns: Iterable[_Column]) -> None:
    """Take the one answer column whose question asks about recommending, with answers 0–10; else a doubt."""
    asking = [c for c in columns if RECOMMEND.search(c.column.text or c.name) and c.single]
    fits = [c for c in asking if c.zero_to_ten()]
    if len(fits) == 1:
        nps = fits[0]
        found.columns["questions"] = {"nps": nps.name}
        found.used.add(nps.name)
        found.took.append(
            f"questions.nps = {nps.shown}: asks how likely the respondent is to recommend, 0–10{nps.scale_note()}"
        )
        _small_scale(found, nps)
        return
    found.needs.append("questions.nps")
    if len(fits) > 1:
        names = ", ".join(c.shown for c in fits)
        found.doubts.append(
            f"{len(fits)} questions ask about recommending with 0–10 answers: {names}; say which is nps"
        )
    elif nearly := [c for c in asking if c.nearly_zero_to_ten()]:
        found.doubts.extend(c.scale_doubt("asks about recommending") for c in nearly)
    elif asking:
        names = ", ".join(c.shown for c in asking)
        found.doubts.append(f"no answers 0–10 in the question(s) that ask about recommending: {names}")
    else:
        found.doubts.append('no question asks how likely the respondent is to recommend ("recommend", "推荐")')


def _small_scale(found: _Found, column: _Column) -> None:
    """A doubt when many answers are all 1–5: a recommend question on a five-point scale is not NPS."""
    read = (float(v) if _is_number(v) else choice_value(v) for v in column.values if v not in _NO_ANSWER)
    scores = [score for score in read if score is not None and 0 <= score <= 10]  # the spoiled answers aside
    if len(scores) >= 20 and min(scores) >= 1 and max(scores) <= 5:
        found.doubts.append(f"{column.name}: its first {len(scores)} answers are all 1–5; is it asked on 0–10?")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _segment_name(column: _Column, word: str) -> str:
    """The column's own name as a segment (``DistributionChannel`` → ``distribution_channel``), else ``word``."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", column.name).lower()
    snake = re.sub(r"[^a-z0-9]+", "_", snake).strip("_")
    if snake and snake.count("_") <= 2 and check_segment_name(snake) is None:
        return snake
    return word


def _segment_word(column: _Column) -> str | None:
    for text in (column.name, column.column.text):
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).lower()
        for token in re.split(r"[^a-z]+", words):
            if token in SEGMENT_WORDS:
                return SEGMENT_WORDS[token]
        for word, name in SEGMENT_WORDS.items():
            if not word.isascii() and word in text:
                return name
    return None


def _segments(found: _Found, columns: Iterable[_Column], allowed: Callable[[_Column], bool]) -> None:
    """Take the obvious segments: a segment's name, a few text values."""
    segments: dict[str, str] = {}
    for column in columns:
        word = _segment_word(column)
        if column.name in found.used or word is None or not allowed(column):
            continue
        values = column.distinct()
        if not 2 <= len(values) <= MAX_SEGMENT_VALUES or column.scores() is not None:
            continue
        name = _segment_name(column, word)
        if check_segment_name(name) is not None and name in ("channel", "touchpoint") and name not in found.columns:
            found.take(name, column, f"the {name} of each response ({_values(values)})")
            continue
        base, number = name, 1
        while name in segments or check_segment_name(name) is not None:
            number += 1
            name = f"{base}_{number}"
        segments[name] = column.name
        found.used.add(column.name)
        found.took.append(f"segments.{name} = {column.shown}: a segment ({_values(values)})")
    if segments:
        found.columns["segments"] = segments


def _free_text(column: _Column) -> bool:
    """Answers people wrote: a Qualtrics text entry, or long answers of several words."""
    if column.column.import_id.endswith("_TEXT"):
        return True
    words = [len(value.split()) for value in column.values]
    # Chinese is written without spaces: there, length tells a sentence from a label
    wide = [len(value) for value in column.values if not value.isascii()]
    long_words = sum(words) > 3 * len(words) or (bool(wide) and sum(wide) > 8 * len(wide))
    return any(len(value) > 40 for value in column.values) or long_words


def _values(values: list[str]) -> str:
    shown = ", ".join(values[:4]) + (", …" if len(values) > 4 else "")
    return f"{len(values)} values: {shown}"


def _left_out(found: _Found, columns: Iterable[_Column]) -> list[str]:
    """The columns not taken, grouped by why, each group with how to map it."""
    groups: dict[str, list[str]] = {}
    for column in columns:
        if column.name in found.used:
            continue
        values = column.distinct()
        if column.name.upper().endswith("_NPS_GROUP"):
            kind = "NPS groups (derived from the 0–10 answer)"
        elif column.meta:
            kind = "the export's own columns"
        elif not values:
            kind = f"no answers in the first {SAMPLE_ROWS} responses"
        elif len(values) == 1:
            kind = "one value in every response"
        elif _free_text(column):
            kind = "free text (map a comment with --column comment=COLUMN)"
        elif all(parse_timestamp(value) for value in values):
            kind = "times"
        elif len(values) == len(column.values) and (len(values) >= 5 or re.search(r"id$", column.name.lower())):
            kind = "a different value in every response (a customer id: --column respondent_id=COLUMN)"
        elif column.scores() is not None:
            kind = "answers on a scale (map one with --column questions.ID=COLUMN, e.g. questions.csat=…)"
        elif len(values) <= MAX_SEGMENT_VALUES and not column.question:
            kind = "few text values, could be segments (add with --column 'segments={name = \"COLUMN\"}')"
        elif len(values) <= MAX_SEGMENT_VALUES:
            kind = "choice answers (map with --column questions.ID=COLUMN and options.labels)"
        else:
            kind = "many values"
        groups.setdefault(kind, []).append(column.name if column.meta else column.shown)
    return [f"{kind}: {', '.join(names)}" for kind, names in groups.items()]


# -- the collectors' detect ----------------------------------------------------------------------------------------


def detect_qualtrics(source: SourceReader) -> Detection | None:
    """A Qualtrics export (CSV, TSV or XLSX): its third header row holds ImportIds."""
    if layout_of(source) != "qualtrics":
        return None
    columns = _profile(
        read_qualtrics(source),
        meta=lambda c: c.import_id in QUALTRICS_META,
        question=lambda c: bool(_QUESTION_ID.match(c.import_id)),
    )
    by_import = {c.column.import_id: c for c in columns if c.column.import_id}
    by_id = {c.name: c for c in columns}
    found = _Found()
    if "_recordId" in by_import:
        found.take("response_id", by_import["_recordId"], "the response id")
    stamp = by_import.get("recordedDate") or by_import.get("endDate")
    if stamp is None:
        found.doubts.append("no RecordedDate or EndDate column to take the time of each response from")
        found.needs.append("timestamp")
    else:
        zone = f", in {stamp.column.time_zone} as the export says" if stamp.column.time_zone else ""
        found.take("timestamp", stamp, f"when the response was recorded{zone}")
    pairs = [
        (by_id[c.name[: -len("_NPS_GROUP")]], c)
        for c in columns
        if c.name.upper().endswith("_NPS_GROUP") and c.name[: -len("_NPS_GROUP")] in by_id
    ]
    if len(pairs) == 1:
        nps, group = pairs[0]
        found.columns["questions"] = {"nps": nps.name}
        found.used.update({nps.name, group.name})
        found.took.append(
            f"questions.nps = {nps.shown}: Qualtrics' NPS question (its {group.name} companion){nps.scale_note()}"
        )
        if nps.values and not nps.zero_to_ten():
            found.doubts.append(nps.scale_doubt("is Qualtrics' NPS question"))
    elif pairs:
        names = ", ".join(nps.shown for nps, _ in pairs)
        found.doubts.append(f"{len(pairs)} NPS questions: {names}; say which is nps")
        found.needs.append("questions.nps")
    else:
        _recommend_question(found, [c for c in columns if c.question])
    _segments(found, columns, lambda c: not c.meta or c.column.import_id in QUALTRICS_SEGMENT_META)
    return found.detection("a Qualtrics export (three header rows)", 1.0, _left_out(found, columns))


def detect_surveymonkey(source: SourceReader) -> Detection | None:
    """A SurveyMonkey export (CSV or XLSX): questions in row 1, "Response" and sub-questions in row 2."""
    if layout_of(source) != "surveymonkey":
        return None
    columns = _profile(
        read_surveymonkey(source),
        meta=lambda c: bool(SURVEYMONKEY_META.fullmatch(c.id)),
        question=lambda c: not SURVEYMONKEY_META.fullmatch(c.id),
        single=lambda c: " | " not in c.id,
    )
    by_id = {c.name: c for c in columns}
    found = _Found()
    confidence = 0.9
    if "Respondent ID" in by_id:
        confidence = 1.0
        found.take("response_id", by_id["Respondent ID"], "the response id")
    stamp = by_id.get("End Date") or by_id.get("Start Date")
    if stamp is None:
        found.doubts.append("no End Date or Start Date column to take the time of each response from")
        found.needs.append("timestamp")
    else:
        found.take("timestamp", stamp, "when the response was completed" if stamp.name == "End Date" else "its start")
        if not all(parse_timestamp(value, None, SURVEYMONKEY_TIME_FORMATS) for value in stamp.values):
            found.doubts.append(f"{stamp.name}: not every time reads as SurveyMonkey's MM/DD/YYYY hh:mm:ss AM")
    _recommend_question(found, [c for c in columns if c.question])
    _segments(found, columns, lambda c: True)
    return found.detection("a SurveyMonkey export (two header rows)", confidence, _left_out(found, columns))


def generic_detector(
    reader: Callable[[SourceReader], SurveyTable], suffixes: Iterable[str]
) -> Callable[[SourceReader], Detection | None]:
    """The ``detect`` of a one-header-row collector reading files with ``suffixes``."""
    wanted = frozenset(suffixes)

    def detect(source: SourceReader) -> Detection | None:
        if source.path.suffix.lower() not in wanted:
            return None
        if source.path.suffix.lower() not in (".jsonl", ".ndjson") and layout_of(source) is not None:
            return None  # a Qualtrics or SurveyMonkey export: theirs to read
        columns = _profile(reader(source), meta=lambda c: False, question=lambda c: False)
        nps = [c for c in columns if NPS_NAME.search(c.name) and c.zero_to_ten()]
        found = _Found()
        if not nps:
            # named like NPS with mostly 0–10 answers: say which answers, on which lines, stood in the way
            nearly = [c for c in columns if NPS_NAME.search(c.name) and c.nearly_zero_to_ten()]
            if not nearly:
                return None
            found.doubts.extend(c.scale_doubt("is named like NPS") for c in nearly)
            if len(nearly) == 1:  # the command shown then has it filled in
                found.columns["questions"] = {"nps": nearly[0].name}
                found.used.add(nearly[0].name)
            else:
                found.needs.append("questions.nps")
        elif len(nps) > 1:
            names = ", ".join(c.name for c in nps)
            found.doubts.append(f"{len(nps)} columns are named like NPS with answers 0–10: {names}; say which is nps")
            found.needs.append("questions.nps")
        else:
            found.columns["questions"] = {"nps": nps[0].name}
            found.used.add(nps[0].name)
            found.took.append(f"questions.nps = {nps[0].name}: named like NPS, answers 0–10{nps[0].scale_note()}")
            _small_scale(found, nps[0])
        _response_id(found, columns)
        _timestamp(found, columns)
        _segments(found, columns, lambda c: True)
        return found.detection("a file with one header row and an NPS column", 0.9, _left_out(found, columns))

    return detect


def _response_id(found: _Found, columns: list[_Column]) -> None:
    ids = [
        c
        for c in columns
        if re.sub(r"[^a-z]", "", c.name.lower()) in ("responseid", "id") and len(set(c.values)) == len(c.values) > 0
    ]
    if len(ids) == 1:
        found.take("response_id", ids[0], "one value per response, so a re-export is not counted twice")


#: Names of a response's time, most telling first, to choose among several timestamp columns.
_TIME_NAMES = ("submitted", "recorded", "completed", "end", "timestamp", "created", "date", "time")


def _not_times(column: _Column) -> list[tuple[int, str]]:
    """The ``(line, value)`` of the column's values that are not ISO-8601 times."""
    return [
        (line, value) for line, value in zip(column.lines, column.values, strict=True) if not parse_timestamp(value)
    ]


def _timestamp(found: _Found, columns: list[_Column]) -> None:
    # a few values that are not times (`TOLERATED_ONE_IN`) are rejects when collected, not a reason to give up
    times = [c for c in columns if c.values and len(_not_times(c)) <= len(c.values) // TOLERATED_ONE_IN]
    if len(times) > 1:
        for name in _TIME_NAMES:
            named = [c for c in times if name in c.name.lower()]
            if len(named) == 1:
                times = named
                break
    if len(times) == 1:
        found.take("timestamp", times[0], "ISO-8601 times")
        return
    if times:
        found.needs.append("timestamp")
        names = ", ".join(c.name for c in times)
        found.doubts.append(f"{len(times)} columns hold times: {names}; say which is the time of the response")
        return
    nearly = [c for c in columns if c.values and len(_not_times(c)) * 2 <= len(c.values)]
    if len(nearly) == 1:  # the command shown then has it filled in
        found.columns["timestamp"] = nearly[0].name
        found.used.add(nearly[0].name)
    else:
        found.needs.append("timestamp")
    if nearly:
        for column in nearly:
            bad = _not_times(column)
            found.doubts.append(
                f"column {column.name!r} holds ISO-8601 times, but {len(bad)} of its first {len(column.values)} "
                f"values {'is' if len(bad) == 1 else 'are'} not ({_off_scale(bad)}); with the mapping given, "
                "each is a reject with its line"
            )
    else:
        found.doubts.append("no column holds ISO-8601 times for the time of each response")
