"""Versioned schema migrations for the store, as named transactional steps.

Each step runs inside one transaction together with the row that records it
in ``_cxframe_migrations``, so a store is always at a known version. The core's
schema version is the number of core steps applied; a store that records a
core step this cxframe does not know was written by a newer cxframe and is
refused rather than guessed at.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

import attrs
import sqlite_utils

from cxframe.contracts._errors import StoreError
from cxframe.store._locking import writing

MIGRATIONS_TABLE = "_cxframe_migrations"


@attrs.frozen
class Migration:
    owner: str
    name: str
    apply: Callable[[sqlite_utils.Database], None]


def _0001_initial(db: sqlite_utils.Database) -> None:
    text, integer, real = str, int, float
    db.table("ingests").create(
        {
            "id": integer,
            "source": text,
            "path": text,
            "collector": text,
            "content_hash": text,
            "started_at": text,
            "finished_at": text,
            "rows_read": integer,
            "rows_accepted": integer,
            "rows_partial": integer,
            "rows_rejected": integer,
            "records_stored": integer,
            "records_duplicate": integer,
        },
        pk="id",
    )
    db.table("ingests").create_index(["content_hash", "collector"])
    db.table("rejects").create(
        {"id": integer, "ingest_id": integer, "source": text, "line": integer, "raw": text, "reason": text},
        pk="id",
        foreign_keys=[("ingest_id", "ingests", "id")],
    )
    db.table("rejects").create_index(["ingest_id"])
    db.table("observations").create(
        {
            "id": integer,
            "key": text,
            "ingest_id": integer,
            "source": text,
            "question": text,
            "value": real,
            "timestamp": text,
            "tz_offset": text,
            "respondent_id": text,
            "response_id": text,
            "population": text,
            "scale_min": real,
            "scale_max": real,
            "touchpoint": text,
            "channel": text,
            "comment": text,
            "weight": real,
        },
        pk="id",
        not_null={"key", "question", "value", "timestamp"},
    )
    db.table("observations").create_index(["key"], unique=True)
    db.table("observations").create_index(["question", "population", "timestamp"])
    db.table("events").create(
        {
            "id": integer,
            "key": text,
            "ingest_id": integer,
            "source": text,
            "case_id": text,
            "activity": text,
            "timestamp": text,
            "tz_offset": text,
            "touchpoint": text,
            "channel": text,
            "resource": text,
            "outcome": text,
            "attributes": text,
        },
        pk="id",
        not_null={"key", "case_id", "activity", "timestamp"},
    )
    db.table("events").create_index(["key"], unique=True)
    db.table("events").create_index(["case_id", "timestamp", "id"])
    db.table("runs").create(
        {
            "id": integer,
            "command": text,
            "started_at": text,
            "finished_at": text,
            "status": text,
            "stages": text,
            "cxframe_version": text,
            "plugins": text,
            "inputs": text,
            "failures": text,
        },
        pk="id",
    )
    db.table("metric_results").create(
        {
            "id": integer,
            "run_id": integer,
            "metric": text,
            "segment": text,
            "period": text,
            "value": real,
            "n": integer,
            "ci_low": real,
            "ci_high": real,
            "confidence": real,
            "std_error": real,
            "effective_n": real,
            "flags": text,
            "objective": text,
            "target": real,
            "target_status": text,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("check_results").create(
        {
            "id": integer,
            "run_id": integer,
            "check": text,
            "plugin": text,
            "status": text,
            "severity": text,
            "title": text,
            "evidence": text,
            "recommendation": text,
            "stage": text,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("findings").create(
        {
            "id": text,
            "run_id": integer,
            "source": text,
            "stage": text,
            "severity": text,
            "title": text,
            "evidence": text,
            "recommendation": text,
            "touchpoint": text,
            "metric": text,
        },
        pk=("run_id", "id"),
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("actions").create(
        {
            "id": text,
            "run_id": integer,
            "title": text,
            "stage": text,
            "owner": text,
            "due": text,
            "status": text,
            "finding": text,
            "touchpoint": text,
            "metric": text,
            "priority": real,
            "baseline": real,
            "effect": real,
        },
        pk=("run_id", "id"),
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("maturity_results").create(
        {
            "id": integer,
            "run_id": integer,
            "model": text,
            "dimension": text,
            "level": integer,
            "score": real,
            "evidence": text,
            "criteria_met": text,
            "criteria_unmet": text,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    # The design as it stood at the last run, so that SQL over the store can
    # join observations and events to touchpoints and journeys.
    db.table("touchpoints").create(
        {
            "id": text,
            "name": text,
            "channel": text,
            "environment": text,
            "elements": text,
            "owner": text,
            "description": text,
            "moment_of_truth": integer,
        },
        pk="id",
    )
    db.table("personas").create(
        {"id": text, "name": text, "description": text, "goals": text, "segment": text}, pk="id"
    )
    db.table("journeys").create(
        {"id": text, "name": text, "persona": text, "frequency": text, "departments": text, "description": text},
        pk="id",
    )
    db.table("journey_stages").create(
        {
            "journey_id": text,
            "position": integer,
            "id": text,
            "name": text,
            "touchpoints": text,
            "emotion_score": real,
            "emotion_note": text,
            "detail": text,
        },
        pk=("journey_id", "id"),
    )
    db.table("objectives").create(
        {
            "id": text,
            "metric": text,
            "target": real,
            "comparison": text,
            "segment": text,
            "deadline": text,
            "owner": text,
            "business_kpi": text,
            "description": text,
        },
        pk="id",
    )


def _0002_assessment_detail(db: sqlite_utils.Database) -> None:
    """Findings carry breadth and effort (for action priority); maturity results keep each criterion."""
    db.table("findings").add_column("breadth", int)
    db.table("findings").add_column("effort", int)
    db.table("maturity_results").add_column("criteria", str)
    # the answers and evidence plugins contributed to an assessment, for `cxframe report`
    db.table("assessments").create(
        {"run_id": int, "model": str, "document": str, "created_at": str},
        pk="run_id",
        foreign_keys=[("run_id", "runs", "id")],
    )


def _0003_timestamp_fractions(db: sqlite_utils.Database) -> None:
    """Give every stored timestamp six fraction digits.

    Until now a whole second was written without a fraction
    (``…T10:00:00Z``) and any other time with six digits
    (``…T10:00:00.500000Z``); ``.`` sorts before ``Z``, so text order was not
    time order. Only those two forms were ever written.
    """
    for table in ("observations", "events"):
        db.execute(
            f"UPDATE [{table}] SET timestamp = substr(timestamp, 1, 19) || '.000000Z' "
            "WHERE length(timestamp) = 20 AND substr(timestamp, 20, 1) = 'Z'"
        )


def _0004_ingest_settings(db: sqlite_utils.Database) -> None:
    """Record a hash of how each ingest read its source (collector, columns, options, encoding).

    A source is unchanged only when its bytes *and* its settings are; a changed
    mapping re-reads it and replaces its records. Ingests from before have no
    hash: their source counts as unchanged while its bytes are.
    """
    db.table("ingests").add_column("settings_hash", str)
    db.table("ingests").add_column("records_replaced", int)
    db.execute("CREATE INDEX ingests_source ON ingests (source, finished_at)")


#: The columns of ``responses`` besides ``id`` and the segment columns: what all answers of one response share.
RESPONSE_COLUMNS: tuple[str, ...] = (
    "key",
    "ingest_id",
    "source",
    "timestamp",
    "tz_offset",
    "respondent_id",
    "response_id",
    "population",
    "touchpoint",
    "channel",
    "comment",
    "weight",
)


def create_observations_view(db: sqlite_utils.Database, segments: list[str]) -> None:
    """(Re)create the ``observations`` view: one row per answer, with its response's columns and segments.

    The view has the columns the ``observations`` table had before migration
    0005 (but ``id``; ``response`` names the response instead), so SQL over
    the store reads observations as before. An observation's ``key`` is its
    response's key and its question. Called again whenever a segment column
    is added, since the view lists its columns.
    """
    columns = [
        "r.key || '|' || a.question AS key",
        "a.ingest_id",
        "r.source",
        "a.question",
        "a.value",
        "r.timestamp",
        "r.tz_offset",
        "r.respondent_id",
        "r.response_id",
        "r.population",
        "a.scale_min",
        "a.scale_max",
        "r.touchpoint",
        "r.channel",
        "r.comment",
        "r.weight",
        "a.response",
        *(f"r.[{name}]" for name in segments),
    ]
    db.execute("DROP VIEW IF EXISTS observations")
    db.execute(
        f"CREATE VIEW observations AS SELECT {', '.join(columns)} FROM answers AS a JOIN responses AS r ON r.id = a.response"
    )


def _0005_responses_and_answers(db: sqlite_utils.Database) -> None:
    """Store a survey response once and its answers narrowly; ``observations`` becomes a view of the two.

    Why: one wide row per answer repeated the response's dozen columns for
    each question and indexed a long text key per answer; collecting a
    million two-question responses spent most of its time on that. Now
    ``responses`` has one row per response (unique ``key``: source and
    response id, or source and line, or the collector's own key) and
    ``answers`` one small row per answer, keyed by response and question.
    Existing observations are moved: an observation's key less its
    ``|question`` ending is its response's key.
    """
    conn = db.conn
    old = {"id", "key", "ingest_id", "source", "question", "value", "timestamp", "tz_offset", "respondent_id"}
    old |= {"response_id", "population", "scale_min", "scale_max", "touchpoint", "channel", "comment", "weight"}
    segments = [c.name for c in db.table("observations").columns if c.name not in old]
    conn.execute(
        "CREATE TABLE responses (id INTEGER PRIMARY KEY, key TEXT NOT NULL, "
        "ingest_id INTEGER, source TEXT, timestamp TEXT NOT NULL, tz_offset TEXT, "
        "respondent_id TEXT, response_id TEXT, population TEXT, touchpoint TEXT, channel TEXT, comment TEXT, "
        f"weight REAL{''.join(f', [{name}] TEXT' for name in segments)})"
    )
    conn.execute("CREATE UNIQUE INDEX responses_key ON responses (key)")
    # by response, then question: a large ingest appends in that order; `measure` filters the question as it
    # scans. No foreign keys: each would cost a lookup per inserted row, and the ingest writes both tables itself.
    conn.execute(
        "CREATE TABLE answers (question TEXT NOT NULL, response INTEGER NOT NULL, "
        "value REAL NOT NULL, scale_min REAL, scale_max REAL, ingest_id INTEGER, "
        "PRIMARY KEY (response, question)) WITHOUT ROWID"
    )
    stem = (
        "CASE WHEN substr(key, -length(question) - 1) = '|' || question "
        "THEN substr(key, 1, length(key) - length(question) - 1) ELSE key END"
    )
    shared = [c for c in RESPONSE_COLUMNS if c != "key"] + [f"[{name}]" for name in segments]
    # one response per key, with the columns of its first observation (SQLite's min() takes that row's)
    conn.execute(
        f"INSERT INTO responses (key, {', '.join(shared)}) "
        f"SELECT stem, {', '.join(shared)} FROM (SELECT {stem} AS stem, min(id), {', '.join(shared)} "
        "FROM observations GROUP BY stem ORDER BY min(id))"
    )
    conn.execute(
        "INSERT OR IGNORE INTO answers (question, response, value, scale_min, scale_max, ingest_id) "
        "SELECT o.question, r.id, o.value, o.scale_min, o.scale_max, o.ingest_id "
        f"FROM (SELECT {stem} AS stem, * FROM observations) AS o JOIN responses AS r ON r.key = o.stem "
        "ORDER BY r.id, o.question"
    )
    conn.execute("DROP TABLE observations")
    create_observations_view(db, segments)


def _0006_ingest_sizes(db: sqlite_utils.Database) -> None:
    """Record the size of the file each ingest read.

    A record keyed by its line (a row without a response id, an event without
    a key of its own) stays right while its file only grows. When the file is
    rewritten (a row inserted, removed or moved), the same line holds another
    row, so such records are replaced: whether the file only grew is whether
    its first (old size) bytes hash as the old file did. Ingests from before
    have no size: a change to their file counts as a rewrite.
    """
    db.table("ingests").add_column("content_bytes", int)


def _0007_repeat_respondents(db: sqlite_utils.Database) -> None:
    """Record, with each stored metric result, how many of its respondents answered more than once."""
    db.table("metric_results").add_column("repeat_respondents", int)


def _0008_action_effects(db: sqlite_utils.Database) -> None:
    """Record when an action was done and the segment it acts on, and its measured effect's interval and test."""
    actions = db.table("actions")
    actions.add_column("done", str)
    actions.add_column("segment", str)
    for column in ("effect_ci_low", "effect_ci_high", "effect_p_value"):
        actions.add_column(column, float)


CORE_MIGRATIONS: tuple[Migration, ...] = (
    Migration("cxframe", "0001_initial", _0001_initial),
    Migration("cxframe", "0002_assessment_detail", _0002_assessment_detail),
    Migration("cxframe", "0003_timestamp_fractions", _0003_timestamp_fractions),
    Migration("cxframe", "0004_ingest_settings", _0004_ingest_settings),
    Migration("cxframe", "0005_responses_and_answers", _0005_responses_and_answers),
    Migration("cxframe", "0006_ingest_sizes", _0006_ingest_sizes),
    Migration("cxframe", "0007_repeat_respondents", _0007_repeat_respondents),
    Migration("cxframe", "0008_action_effects", _0008_action_effects),
)
SCHEMA_VERSION = len(CORE_MIGRATIONS)


def _ensure_table(db: sqlite_utils.Database) -> None:
    if MIGRATIONS_TABLE not in db.table_names():
        db.table(MIGRATIONS_TABLE).create(
            {"owner": str, "name": str, "applied_at": str},
            pk=("owner", "name"),
            if_not_exists=True,
        )


def applied(db: sqlite_utils.Database, owner: str = "cxframe") -> list[str]:
    if MIGRATIONS_TABLE not in db.table_names():
        return []
    return [row["name"] for row in db.table(MIGRATIONS_TABLE).rows_where("owner = ?", [owner], order_by="name")]


def migrate(db: sqlite_utils.Database, migrations: tuple[Migration, ...] = CORE_MIGRATIONS) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; return their names."""
    with writing(db):
        _ensure_table(db)
    done: list[str] = []
    _refuse_newer(db, migrations)
    for migration in migrations:
        if migration.name in applied(db, migration.owner):
            continue
        with writing(db):
            if migration.name in applied(db, migration.owner):
                continue  # another command opening the store at the same time applied it first
            try:
                migration.apply(db)
            except sqlite3.Error as exc:
                if migration.owner == "cxframe":
                    raise
                # a plugin's step is the plugin author's SQL: say which step, or "duplicate column" names nothing
                raise StoreError(
                    f"migration {migration.owner}/{migration.name} failed: {type(exc).__name__}: {exc} "
                    "(rolled back: the plugin's tables are as they were before this step)"
                ) from exc
            db.table(MIGRATIONS_TABLE).insert(
                {
                    "owner": migration.owner,
                    "name": migration.name,
                    "applied_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
            )
        done.append(f"{migration.owner}:{migration.name}")
    if done:
        db.execute(f"PRAGMA user_version = {len(applied(db, 'cxframe'))}")
    return done


def _refuse_newer(db: sqlite_utils.Database, migrations: tuple[Migration, ...]) -> None:
    """Raise `StoreError` when the store has schema steps these migrations do not know (a newer cxframe wrote it)."""
    for owner in sorted({m.owner for m in migrations}):
        known = {m.name for m in migrations if m.owner == owner}
        unknown = [name for name in applied(db, owner) if name not in known]
        if unknown:
            raise StoreError(
                f"{db.conn.execute('PRAGMA database_list').fetchone()[2]}: the store was written by a newer "
                f"version (schema step(s) {', '.join(unknown)} of {owner} are unknown here); upgrade cxframe "
                "or its plugins to open it"
            )


def pending(db: sqlite_utils.Database, migrations: tuple[Migration, ...] = CORE_MIGRATIONS) -> list[str]:
    """The schema steps a store opened read-only still lacks (``owner:name``), without writing anything.

    Raises `StoreError` as `migrate` does when a newer cxframe wrote the store.
    """
    _refuse_newer(db, migrations)
    return [f"{m.owner}:{m.name}" for m in migrations if m.name not in applied(db, m.owner)]
