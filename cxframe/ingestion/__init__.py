"""Collecting files into the store: one columnar path for every collector.

* `_collect`: `ingest` — a source read once, checked, de-duplicated and stored, or left as it was;
* `_sources`: `SourceReader` — the file a collector reads, with its detected encoding;
* `_readers`: the sources a collect reads — declared ones, and files named with or without a mapping;
* `_detect`: a file's layout recognised by asking every collector's ``detect``;
* `_delimited`: the one reader of delimited text (pyarrow), lines and rejects included;
* `_cleaning`: the set-based checks of survey answers and events (scales, drops, required cells);
* `_timestamps`: timestamps in the formats and zones collectors declare, to UTC;
* `_staged`: the SQL side of survey ingest (staging table to responses and answers);
* `_background`: reading ahead on another thread or process while the store writes.
"""
