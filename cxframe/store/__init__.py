"""The store: ``cxframe.db``, plain SQLite, and its versioned migrations.

* `_sqlite`: `Store` — opening the database, writing runs and results, reading observations;
* `_migrations`: every schema change, numbered, applied in order;
* `_files`: files that hold row-level data (the store, exports), created readable by their owner only.
"""
