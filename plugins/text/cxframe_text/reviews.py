"""Reviews and social posts as a source: ``reviews-csv`` and ``reviews-jsonl``.

An app-store or marketplace review, a Weibo or Xiaohongshu post, a tweet:
what customers say where they were not asked. Each record is stored like a
survey response, with its source, so every report and ``cxframe text``
command reads it beside the survey comments::

    [[sources]]
    id = "app-reviews"
    collector = "reviews-csv"            # or reviews-jsonl
    path = "data/reviews.csv"
    [sources.columns]                    # these are the defaults
    platform = "platform"                # or options.platform = "app-store" for a one-platform file
    post_id = "post_id"
    author = "author"                    # optional: stored only as a keyed hash
    text = "text"
    time = "time"                        # ISO-8601, or Unix seconds
    rating = "rating"                    # optional star rating
    [sources.options]
    author_secret_env = "CXFRAME_AUTHOR_SECRET"   # the environment variable holding the hashing key
    rating_scale = [1, 5]
    touchpoint = "app"                   # optional: the touchpoint every post is about

**A post is a ``mention``.** The core stores a response only with at least
one usable answer (a row with none is rejected as blank), and most posts
have no rating. So every post is stored as an answer ``mention`` = 1 (no
scale: it counts, it scores nothing, and no metric reads it), with the
post's text as the comment, and its star rating, when it has one, as a
second answer ``rating``. A post without a rating is never lost, a bad
rating is rejected with its line and reason while the post itself is kept,
and the core needs no special case.

**Authors** are never stored: ``respondent_id`` is ``a:`` and the first 32
hex digits of HMAC-SHA256(key, platform + NUL + handle), the key read from
the environment variable the source names. A plain hash of a handle would be
reversible — handles are public, so hashing every known handle finds it —
while the keyed hash is not without the key, yet the same author gets the
same id on every collect (their posts can be counted together). A source
that maps ``author`` and whose variable is unset is an error naming it.

``response_id`` is ``platform:post_id``: a post collected again, from this
export or the next, is stored once.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from cxframe import (
    NAIVE_UTC,
    Collector,
    InvalidInput,
    Reject,
    SourceReader,
    SurveyBatches,
    SurveyQuestion,
    batches_from_rows,
    option_problems,
)

#: The question every post answers 1, so a post without a rating is still a response.
MENTION = "mention"
#: The question a post's star rating is stored under.
RATING = "rating"
DEFAULT_SECRET_ENV = "CXFRAME_AUTHOR_SECRET"
DEFAULT_RATING_SCALE = (1.0, 5.0)
#: The source's columns (mapping key → default column name); ``author`` and ``rating`` may be absent from the file.
COLUMNS = {"platform": "platform", "post_id": "post_id", "author": "author", "text": "text", "time": "time"}
OPTIONAL_COLUMNS = {"author": "author", "rating": "rating"}
OPTIONS = ("platform", "author_secret_env", "rating_scale", "touchpoint", "delimiter")
#: The cells of a stored record, in this order.
_CELLS = ("time", "response_id", "respondent_id", "channel", "comment", "mention", "rating", "touchpoint")
_WIDTH = len(_CELLS)
_AT = {name: index for index, name in enumerate(_CELLS)}


def author_hash(key: bytes, platform: str, handle: str) -> str:
    """An author's stored id: keyed (HMAC-SHA256), so it cannot be reversed by hashing known handles."""
    digest = hmac.new(key, f"{platform}\0{handle}".encode(), hashlib.sha256).hexdigest()
    return f"a:{digest[:32]}"


def _mapping(source: SourceReader) -> dict[str, str]:
    return {**COLUMNS, **OPTIONAL_COLUMNS, **{str(k): v for k, v in source.columns.items()}}


def _rating_scale(source: SourceReader) -> tuple[float, float]:
    scale = source.option("rating_scale", list(DEFAULT_RATING_SCALE))
    return float(scale[0]), float(scale[1])


def check_options(source: SourceReader) -> Iterator[str]:
    """Problems with a reviews source's columns and options, before anything is read."""
    yield from option_problems(source, OPTIONS)
    known = {*COLUMNS, *OPTIONAL_COLUMNS}
    for key, column in source.columns.items():
        if key not in known:
            yield f"columns.{key}: unknown key; expected one of {', '.join(sorted(known))}"
        elif not isinstance(column, str) or not column.strip():
            yield f"columns.{key}: expected the name of a column, got {column!r}"
    scale = source.option("rating_scale", list(DEFAULT_RATING_SCALE))
    if not (
        isinstance(scale, list)
        and len(scale) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in scale)
        and scale[0] < scale[1]
    ):
        yield f"options.rating_scale: expected [min, max] with min < max, got {scale!r}"
    for name in ("platform", "author_secret_env", "touchpoint"):
        if name in source.options and (not isinstance(source.options[name], str) or not source.options[name].strip()):
            yield f"options.{name}: expected a text, got {source.options[name]!r}"


def _key(source: SourceReader) -> bytes:
    name = source.option("author_secret_env", DEFAULT_SECRET_ENV)
    secret = os.environ.get(name, "")
    if not secret:
        raise InvalidInput(
            [
                f"sources.{source.id}: authors are stored only as a keyed hash, and the key is read from the "
                f"environment variable {name}, which is not set; set it to a long random secret (the same on "
                "every collect, kept out of the programme file), or leave columns.author out"
            ],
            where=str(source.path),
        )
    return secret.encode("utf-8")


class _Records:
    """Turns a source's records (dicts of column → text) into stored cells, or a reject with its reason."""

    def __init__(self, source: SourceReader, header: Iterable[str]) -> None:
        mapping = _mapping(source)
        present = set(header)
        self.platform = source.option("platform")
        self.touchpoint = source.option("touchpoint", "")
        self.columns: dict[str, str | None] = {}
        missing = []
        for key in (*COLUMNS, *OPTIONAL_COLUMNS):
            column = mapping[key]
            if column in present:
                self.columns[key] = column
            elif key == "platform" and self.platform:
                self.columns[key] = None
            elif key in OPTIONAL_COLUMNS and key not in source.columns:
                self.columns[key] = None  # a default optional column the file lacks: not used
            else:
                missing.append(f"columns.{key}: no column {column!r} in the file (columns: {', '.join(header)})")
        if missing:
            raise InvalidInput(missing, where=str(source.path))
        self.key = _key(source) if self.columns["author"] is not None else b""

    def cells(self, record: dict[str, str]) -> list[str] | Reject:
        def cell(key: str) -> str:
            column = self.columns[key]
            return "" if column is None else record.get(column, "").strip()

        platform = cell("platform") or (self.platform or "")
        post = cell("post_id")
        text = record.get(self.columns["text"] or "", "")
        rating = cell("rating")
        problems = [f"{name} is blank" for name, value in (("platform", platform), ("post_id", post)) if not value]
        if not text.strip() and not rating:
            problems.append("the post has neither text nor a rating")
        if problems:
            return Reject("; ".join(problems), raw=json.dumps(record, ensure_ascii=False))
        author = cell("author")
        return [
            cell("time"),
            f"{platform}:{post}",
            author_hash(self.key, platform, author) if author else "",
            platform,
            text,
            "1",
            rating,
            self.touchpoint,
        ]


def parse_time(text: str) -> dt.datetime | None:
    """ISO-8601 (a time without offset is UTC), or Unix seconds as social platforms' APIs give them."""
    text = text.strip()
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            seconds = float(text)
        except ValueError:
            return None
        if not math.isfinite(seconds) or not 0 <= seconds < 32_503_680_000:  # before the year 3000
            return None
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=NAIVE_UTC)


def _score_rating(scale: tuple[float, float]) -> Callable[[str], tuple[float | None, str | None]]:
    def score(text: str) -> tuple[float | None, str | None]:
        try:
            value = float(text)
        except ValueError:
            return None, f"rating: not a number: {text!r}"
        if not math.isfinite(value) or not scale[0] <= value <= scale[1]:
            return None, f"rating: {text} is outside the scale {scale[0]:g}–{scale[1]:g}"
        return value, None

    return score


def _batches(
    source: SourceReader, rows: Iterator[tuple[int, list[str] | Reject]], close: Callable[[], None]
) -> SurveyBatches:
    scale = _rating_scale(source)
    return SurveyBatches(
        width=_WIDTH,
        batches=batches_from_rows(rows, _WIDTH, source.bytes_done),
        timestamp=_AT["time"],
        parse_timestamp=parse_time,
        timestamp_expected="ISO-8601 or Unix seconds",
        questions=(
            SurveyQuestion(id=MENTION, column=_AT["mention"], score=lambda text: (1.0, None)),
            SurveyQuestion(
                id=RATING, column=_AT["rating"], score=_score_rating(scale), scale_min=scale[0], scale_max=scale[1]
            ),
        ),
        fields={
            "response_id": _AT["response_id"],
            "respondent_id": _AT["respondent_id"],
            "channel": _AT["channel"],
            "comment": _AT["comment"],
            "touchpoint": _AT["touchpoint"],
        },
        close=close,
    )


def _decode_problem(line: int, source: SourceReader, error: UnicodeDecodeError) -> InvalidInput:
    return InvalidInput(
        [
            f"at or after line {line}: the file is not valid {source.resolved_encoding()} ({error.reason}); "
            'set encoding = "..." in the source (e.g. "gb18030", "cp1252")'
        ],
        where=str(source.path),
    )


def read_reviews_csv(source: SourceReader) -> SurveyBatches:
    """A CSV of posts with one header row (``options.delimiter``, default ``,``)."""
    handle = source.open_text(newline="")
    try:
        reader = csv.reader(handle, delimiter=source.option("delimiter", ","))
        try:
            header = [cell.strip().lstrip("\ufeff") for cell in next(reader, [])]
        except UnicodeDecodeError as error:
            raise _decode_problem(1, source, error) from None
        if not any(header):
            raise InvalidInput(["the file is empty: expected a header row naming the columns"], where=str(source.path))
        records = _Records(source, header)
    except BaseException:
        handle.close()
        raise

    def rows() -> Iterator[tuple[int, list[str] | Reject]]:
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                raise _decode_problem(line + 1, source, error) from None
            except csv.Error as error:
                raise InvalidInput([f"line {reader.line_num}: {error}"], where=str(source.path)) from None
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                yield line, Reject(f"{len(cells)} cells, the header has {len(header)}", raw=",".join(cells))
                continue
            yield line, records.cells(dict(zip(header, cells, strict=False)))

    return _batches(source, rows(), handle.close)


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def read_reviews_jsonl(source: SourceReader) -> SurveyBatches:
    """JSON Lines of posts, one object a line; a line that is not an object is rejected with its line."""
    handle = source.open_text(newline=None)
    mapping = _mapping(source)
    try:
        records = _Records(source, [mapping[key] for key in (*COLUMNS, *OPTIONAL_COLUMNS)])
    except BaseException:
        handle.close()
        raise

    def rows() -> Iterator[tuple[int, list[str] | Reject]]:
        line = 0
        while True:
            try:
                text = handle.readline()
            except UnicodeDecodeError as error:
                raise _decode_problem(line + 1, source, error) from None
            if not text:
                return
            line += 1
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                yield line, Reject(f"not valid JSON: {error.msg} at column {error.colno}", raw=text.rstrip("\n"))
                continue
            if not isinstance(value, dict):
                yield line, Reject(f"expected a JSON object, got {type(value).__name__}", raw=text.rstrip("\n"))
                continue
            yield line, records.cells({str(k): _json_cell(v) for k, v in value.items()})

    return _batches(source, rows(), handle.close)


reviews_csv = Collector(
    id="reviews-csv",
    description="Social posts and app-store/marketplace reviews from a CSV file (platform, post id, text, time, rating).",
    batches=read_reviews_csv,
    check_options=check_options,
    solicited=False,  # feedback nobody asked for: no survey answer, no respondent in the maturity tallies
)
reviews_jsonl = Collector(
    id="reviews-jsonl",
    description="Social posts and app-store/marketplace reviews from JSON Lines, one object per post.",
    batches=read_reviews_jsonl,
    check_options=check_options,
    solicited=False,
)
COLLECTORS = [reviews_csv, reviews_jsonl]
