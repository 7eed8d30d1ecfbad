"""Row-level exports of a store's observations, as CSV and as Parquet (docs/writing-a-plugin.md).

One row per answer, with the respondent's id, comment and segments: the
same data as the store, so each file is written through
`cxframe.open_private` and is readable by its owner only. In the docs,
comments starting with ``# --8<--`` mark the part the page shows.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import cxframe

QUERY = "SELECT * FROM observations ORDER BY key"


# --8<-- [start:export]
def export_csv(store: cxframe.Store, out: str | Path) -> int:
    """Write every observation to the CSV file ``out`` (mode 0600); return how many rows."""
    cursor = store.db.execute(QUERY)
    with cxframe.open_private(out, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(column[0] for column in cursor.description)
        rows = 0
        for row in cursor:
            writer.writerow(row)
            rows += 1
    return rows


def export_parquet(store: cxframe.Store, out: str | Path) -> int:
    """Write every observation to the Parquet file ``out`` (mode 0600); return how many rows."""
    cursor = store.db.execute(QUERY)
    names = [column[0] for column in cursor.description]
    table = pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in cursor])
    with cxframe.open_private(out, "wb") as handle:
        pq.write_table(table, handle)
    return table.num_rows


# --8<-- [end:export]
