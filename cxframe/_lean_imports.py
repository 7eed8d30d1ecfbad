"""Imported first by ``cxframe``: sqlite-utils without pandas, for a faster start-up of every command.

Why: sqlite-utils imports pandas at its own import whenever pandas is
installed (pm4py and pyspark bring it), only to give pandas' ``Timestamp`` a
column type; the store never hands it pandas values. That import took about
a third of every command's start-up (docs/performance.md). So sqlite-utils
is imported here with pandas hidden, and pandas stays importable for whoever
needs it afterwards. When either is already imported, nothing changes.
"""

from __future__ import annotations

import sys


def _import_sqlite_utils_without_pandas() -> None:
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]  # an import of it now raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["pandas"]


_import_sqlite_utils_without_pandas()
