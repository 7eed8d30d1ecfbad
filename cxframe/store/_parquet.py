"""The store's observations and events as Parquet, for an engine beyond one machine (Spark).

``export_parquet(store, DIR)`` writes ``DIR/observations/`` and
``DIR/events/``: the contract's columns (observations as the store's
``observations`` view shows them, segments included; events with their
collection order ``id``), one row per stored row. Timestamps become Parquet
``TIMESTAMP(MICROS, UTC)`` (exact: the store keeps microseconds), numbers
doubles, ids and texts strings. Rows are read and written `CHUNK` at a time
(one row group each), so memory stays flat whatever the store's size; a new
file starts every `FILE_ROWS` rows, which lets a cluster read them in
parallel. ``DIR/_cxframe.json`` records the row counts (Spark skips files
starting with ``_``). Files hold individual answers: they are created
readable by their owner only (`cxframe.store._files.open_private`).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cxframe.contracts._errors import InvalidInput
from cxframe.store._files import open_private
from cxframe.store._sqlite import Store

__all__ = ["CHUNK", "FILE_ROWS", "MANIFEST", "export_parquet"]

#: rows read from the store and written as one row group at a time
CHUNK = 200_000
#: rows per Parquet file
FILE_ROWS = 2_000_000
#: the export's own record: what it holds, read by people and checks (Spark ignores ``_`` files)
MANIFEST = "_cxframe.json"

_TEXT = pa.string()
_NUMBER = pa.float64()
_INTEGER = pa.int64()
_TIME = pa.timestamp("us", tz="UTC")

OBSERVATION_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("key", _TEXT),
    ("ingest_id", _INTEGER),
    ("source", _TEXT),
    ("question", _TEXT),
    ("value", _NUMBER),
    ("timestamp", _TIME),
    ("tz_offset", _TEXT),
    ("respondent_id", _TEXT),
    ("response_id", _TEXT),
    ("population", _TEXT),
    ("scale_min", _NUMBER),
    ("scale_max", _NUMBER),
    ("touchpoint", _TEXT),
    ("channel", _TEXT),
    ("comment", _TEXT),
    ("weight", _NUMBER),
    ("response", _INTEGER),
)
EVENT_COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("id", _INTEGER),
    ("key", _TEXT),
    ("ingest_id", _INTEGER),
    ("source", _TEXT),
    ("case_id", _TEXT),
    ("activity", _TEXT),
    ("timestamp", _TIME),
    ("tz_offset", _TEXT),
    ("touchpoint", _TEXT),
    ("channel", _TEXT),
    ("resource", _TEXT),
    ("outcome", _TEXT),
    ("attributes", _TEXT),
)


def export_parquet(store: Store, folder: str | Path, *, force: bool = False) -> dict[str, int]:
    """Write the store's observations and events under ``folder``; return the rows written per table.

    A ``folder`` that exists and is not empty is refused unless ``force``,
    which replaces its ``observations/``, ``events/`` and manifest (and
    nothing else in it). The new export is written beside the old one first
    and swapped in only once complete, so a failed or interrupted export
    leaves the previous one as it was (or, interrupted during the swap
    itself, without a manifest, which readers refuse) and removes what it
    wrote.
    """
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise InvalidInput([f"{target} is a file: name a folder for the Parquet export"])
    if target.is_dir() and any(target.iterdir()) and not force:
        raise InvalidInput(
            [
                f"{target} is not empty: export into a new or empty folder, or pass --force to replace "
                "its observations/, events/ and _cxframe.json"
            ]
        )
    segments = store.segment_columns()
    observation_columns = (*OBSERVATION_COLUMNS, *((name, _TEXT) for name in segments))
    tables = {
        "observations": (observation_columns, "observations", "response"),
        "events": (EVENT_COLUMNS, "events", "id"),
    }
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    # inside the target, so that the swap is a rename on one file system; "_" keeps Spark from reading it
    staging = Path(tempfile.mkdtemp(prefix="_cxframe-export-", dir=target))
    try:
        counts = {
            name: _write_table(store.db.conn, table, columns, order, staging / name)
            for name, (columns, table, order) in tables.items()
        }
        manifest = {"format": "cxframe-parquet", "version": 1, "rows": counts, "segments": segments}
        with open_private(staging / MANIFEST) as handle:
            json.dump(manifest, handle, indent=2)
        # the manifest goes first and comes back last: a reader never pairs it with another export's files
        (target / MANIFEST).unlink(missing_ok=True)
        for name in tables:
            shutil.rmtree(target / name, ignore_errors=True)
            (staging / name).rename(target / name)
        (staging / MANIFEST).rename(target / MANIFEST)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


def _write_table(
    conn: sqlite3.Connection,
    table: str,
    columns: Sequence[tuple[str, pa.DataType]],
    order: str,
    folder: Path,
) -> int:
    folder.mkdir(mode=0o700)
    schema = pa.schema([pa.field(name, kind) for name, kind in columns])
    selected = ", ".join(f"[{name}]" for name, _ in columns)
    # in the store's own order (a response's answers together, events in collection order): a reader
    # that keeps file order sees them as collected
    cursor = conn.execute(f"SELECT {selected} FROM {table} ORDER BY {order}")
    chunks = _chunks(cursor)
    pending = next(chunks, None)
    written = part = 0
    while True:  # one file per FILE_ROWS rows; a table without rows still gets one (its columns)
        with (
            open_private(folder / f"part-{part:05d}.parquet", "wb") as handle,
            pq.ParquetWriter(handle, schema) as writer,
        ):
            in_file = 0
            while pending is not None and in_file < FILE_ROWS:
                writer.write_table(_batch(pending, columns, schema), row_group_size=CHUNK)
                in_file += len(pending)
                pending = next(chunks, None)
        written += in_file
        part += 1
        if pending is None:
            return written


def _chunks(cursor: sqlite3.Cursor) -> Iterator[list[tuple[Any, ...]]]:
    while rows := cursor.fetchmany(CHUNK):
        yield rows


def _batch(rows: list[tuple[Any, ...]], columns: Sequence[tuple[str, pa.DataType]], schema: pa.Schema) -> pa.Table:
    arrays = []
    for values, (_, kind) in zip(zip(*rows, strict=True), columns, strict=True):
        if kind == _TIME:
            arrays.append(utc_timestamps(pa.array(values, _TEXT)))
        else:
            arrays.append(pa.array(values, kind))
    return pa.Table.from_arrays(arrays, schema=schema)


def utc_timestamps(texts: pa.Array) -> pa.Array:
    """Stored UTC text (``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``) as exact microsecond UTC timestamps."""
    seconds = pc.strptime(pc.utf8_slice_codeunits(texts, 0, 19), format="%Y-%m-%dT%H:%M:%S", unit="s")
    whole = pc.cast(seconds, _INTEGER).to_numpy(zero_copy_only=False) * 1_000_000
    fraction = pc.utf8_slice_codeunits(texts, 20, 26)
    digits = pc.if_else(pc.equal(pc.utf8_length(fraction), 6), fraction, "0")
    micros = whole + pc.cast(digits, _INTEGER).to_numpy(zero_copy_only=False)
    return pa.array(np.asarray(micros, np.int64), _INTEGER).cast(_TIME)
