"""Collecting files into the store: one columnar path for every collector.

* `_collect`: `ingest` — a source read once, checked, de-duplicated and stored, or left as it was;
* `_sources`: `SourceReader` — the file a collector reads, with its detected encoding;
* `_delimited`: the one reader of delimited text (pyarrow), lines and rejects included;
* `_cleaning`: the set-based checks of survey answers and events (scales, drops, required cells);
* `_timestamps`: timestamps in the formats and zones collectors declare, to UTC;
* `_staged`: the SQL side of survey ingest (staging table to responses and answers);
* `_background`: reading ahead on another thread or process while the store writes.
"""
