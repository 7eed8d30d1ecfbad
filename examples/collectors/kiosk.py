"""Two ways to write a collector, for a made-up smiley-kiosk export (docs/writing-a-plugin.md).

The kiosk writes a header row, ``when;smiley;kiosk``, then one tap a line,
``2026-03-01T08:30:00Z;4;branch-12``: a time, a smiley from 1 to 5 and the
kiosk's id. Both collectors read that one layout, header row included. In the
docs, comments starting with ``# --8<--`` mark the parts the page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cxframe import (
    CollectedRow,
    Collector,
    Detection,
    InvalidInput,
    Observation,
    Reject,
    SourceReader,
    SurveyBatches,
    SurveyQuestion,
    read_delimited,
    read_header,
)


# --8<-- [start:rows]
def read_taps(source: SourceReader) -> Iterator[CollectedRow]:
    """One observation a line after the header row, or a reject with its reason: simple, fine for thousands of rows."""
    with source.open_text() as handle:
        for line, text in enumerate(handle, start=1):
            text = text.rstrip("\r\n")
            cells = text.split(";")  # no quoting in this export: a quote is text
            if line == 1:
                if [cell.strip() for cell in cells] != ["when", "smiley", "kiosk"]:
                    raise InvalidInput(["line 1: expected the header row when;smiley;kiosk"], where=str(source.path))
                continue
            if len(cells) != 3:
                yield line, Reject(f"expected 3 fields, found {len(cells)}", text)
                continue
            when, smiley, kiosk = cells
            try:
                timestamp = dt.datetime.fromisoformat(when)
            except ValueError:
                yield line, Reject(f"unparsable timestamp {when!r}", text)
                continue
            if smiley not in {"1", "2", "3", "4", "5"}:
                yield line, Reject(f"smiley: {smiley!r} is not 1–5", text)
                continue
            yield (
                line,
                Observation(
                    question="smiley",
                    value=float(smiley),
                    timestamp=timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=dt.UTC),
                    source=source.id,
                    touchpoint=kiosk,
                    scale_min=1,
                    scale_max=5,
                ),
            )


kiosk_rows = Collector(id="kiosk-rows", description="Smiley-kiosk taps, read row by row.", read=read_taps)
# --8<-- [end:rows]


# --8<-- [start:batches]
def _smiley(text: str) -> tuple[float | None, str | None]:
    """Called once per distinct answer text, not per row."""
    if text in {"1", "2", "3", "4", "5"}:
        return float(text), None
    return None, f"smiley: {text!r} is not 1–5"


def kiosk_batches(source: SourceReader) -> SurveyBatches:
    """The file's columns as they are, and what they mean: the core checks and stores them set-based."""
    header = read_header(source, 1, ";")
    if not header or [cell.strip() for cell in header[0][1]] != ["when", "smiley", "kiosk"]:
        raise InvalidInput(["line 1: expected the header row when;smiley;kiosk"], where=str(source.path))
    return SurveyBatches(
        width=3,
        batches=read_delimited(source, header_rows=1, width=3, delimiter=";"),
        timestamp=0,
        parse_timestamp=lambda text: None,  # ISO-8601 only: the core reads it
        questions=(SurveyQuestion(id="smiley", column=1, score=_smiley, scale_min=1, scale_max=5),),
        fields={"touchpoint": 2},
    )


kiosk_columns = Collector(id="kiosk", description="Smiley-kiosk exports, read as batches.", batches=kiosk_batches)
# --8<-- [end:batches]


# --8<-- [start:detect]
def detect_kiosk(source: SourceReader) -> Detection | None:
    """The kiosk's export, known by its header row; None for any other file."""
    header = read_header(source, 1, ";")
    if not header or [cell.strip() for cell in header[0][1]] != ["when", "smiley", "kiosk"]:
        return None
    return Detection(
        layout="a smiley-kiosk export",
        confidence=1.0,
        took=("when: the time of the tap", "smiley: the answer, 1–5", "kiosk: the touchpoint"),
    )


kiosk = Collector(id="kiosk", description="Smiley-kiosk exports.", batches=kiosk_batches, detect=detect_kiosk)
# --8<-- [end:detect]
