"""The store: one SQLite file (``cxframe.db``) beside the programme file.

Plain SQLite through sqlite-utils, in WAL mode, so Datasette, the sqlite3
shell and pandas read it as it is. Every write that belongs together happens
in one transaction (``with store.writing():``), so a failed or killed
command leaves what was stored before it untouched. Its file (and so its
WAL) is created readable by its owner only: it holds every individual
answer (`cxframe.store._files`).

Timestamps are stored as UTC ISO-8601 text with six fraction digits
(``2025-03-04T09:30:00.000000Z``, so text order is time order), with the
source's original offset kept in ``tz_offset`` where it had one; a time the
source gave without an offset is read as UTC and its ``tz_offset`` is NULL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from cxframe.contracts._convert import unstructure
from cxframe.contracts._errors import InvalidInput, ReadOnlyError, StoreError
from cxframe.contracts._records import (
    Action,
    CheckResult,
    Event,
    Finding,
    MaturityResult,
    MetricResult,
    Observation,
)
from cxframe.store._files import StoreAccess, create_private, store_access, warn_if_store_is_shared
from cxframe.store._locking import BUSY_SECONDS, writing
from cxframe.store._migrations import (
    CORE_MIGRATIONS,
    RESPONSE_COLUMNS,
    Migration,
    create_observations_view,
    migrate,
    pending,
)

if TYPE_CHECKING:
    from cxframe.programme._file import Programme

OBSERVATION_COLUMNS: tuple[str, ...] = (
    "key",
    "ingest_id",
    "source",
    "question",
    "value",
    "timestamp",
    "tz_offset",
    "respondent_id",
    "response_id",
    "population",
    "scale_min",
    "scale_max",
    "touchpoint",
    "channel",
    "comment",
    "weight",
)
EVENT_COLUMNS: tuple[str, ...] = (
    "key",
    "ingest_id",
    "source",
    "case_id",
    "activity",
    "timestamp",
    "tz_offset",
    "touchpoint",
    "channel",
    "resource",
    "outcome",
    "attributes",
)
#: Segment columns must be plain lower-case identifiers that are not a fixed column.
SEGMENT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RESERVED_SEGMENTS = frozenset({"id", *OBSERVATION_COLUMNS, "response", "period", "segment"})


#: The zone a collector gives a timestamp that had no offset in the source and is
#: read as UTC: it converts like UTC, but `utc_text` stores its offset as NULL,
#: so "no offset given" stays distinguishable from an explicit ``Z``/``+00:00``.
NAIVE_UTC = dt.timezone(dt.timedelta(0), "UTC (no offset given)")


def utc_text(timestamp: dt.datetime) -> tuple[str, str | None]:
    """``(UTC ISO-8601 text, original offset or None)`` for an aware timestamp.

    The text always has six fraction digits (``2026-03-01T08:30:00.000000Z``):
    with a varying width ``.`` sorts before ``Z`` and text order would not be
    time order. The offset is None for `NAIVE_UTC` (the source gave none).
    """
    offset = timestamp.utcoffset()
    utc = timestamp.astimezone(dt.UTC).replace(tzinfo=None)
    text = utc.isoformat(timespec="microseconds") + "Z"
    if offset is None or timestamp.tzinfo is NAIVE_UTC:
        return text, None
    if offset == dt.timedelta(0):
        return text, "+00:00"
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return text, f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def check_segment_name(name: str) -> str | None:
    """Why ``name`` cannot be a segment column, or None if it can."""
    if not SEGMENT_NAME.match(name):
        return f"segment name {name!r} must be lower-case letters, digits and _ (starting with a letter)"
    if name in RESERVED_SEGMENTS:
        return f"segment name {name!r} is reserved for a built-in column"
    return None


class Store:
    """An open store. Use `open_store` (or ``Store(path)``) and close it when done."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        """Open the store at ``path``, creating and migrating it as needed.

        A store this account cannot write (its file or folder is read-only;
        `store_access`) or ``read_only=True`` is opened read-only: reading
        works, and anything that would write raises `ReadOnlyError` saying
        why (`writing`, `require_writable`). Nothing is created beside it.
        """
        self.path = Path(path)
        in_memory = str(path) in ("", ":memory:")  # SQLite's names for a database without a file
        access = StoreAccess("write") if in_memory else store_access(self.path)
        if read_only and not access.read_only:
            access = StoreAccess("read", "it was opened read-only")
        #: why this store cannot be written ("the folder … is read-only"); empty when it can
        self.read_only_reason = access.reason
        try:
            if access.mode == "write" and not in_memory:
                self._private_file()
            elif access.mode in ("read", "immutable"):
                warn_if_store_is_shared(self.path, stacklevel=2)
            deadline = time.monotonic() + BUSY_SECONDS
            for attempt in itertools.count():
                try:
                    self._open(access)
                    break
                except sqlite3.OperationalError as exc:
                    # SQLite answers "locked" at once, without waiting, where waiting could deadlock: commands
                    # opening a new store together (its journal mode set, its tables made) each try again
                    if hasattr(self, "db"):
                        self.db.conn.close()
                    if "locked" not in str(exc) or time.monotonic() >= deadline:
                        raise
                    time.sleep(min(0.01 * 2**attempt, 0.5) * random.uniform(0.5, 1.0))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None

    def _open(self, access: StoreAccess) -> None:
        """Connect, set the connection up and bring the schema up to date (in write modes)."""
        self.db = sqlite_utils.Database(self._connect(access))
        if access.mode in ("write", "missing"):
            self.db.enable_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")
        # a bigger page cache keeps index inserts of a large ingest off the disk (32 MiB)
        self.db.execute("PRAGMA cache_size = -32768")
        self.db.execute("PRAGMA foreign_keys = ON")
        if access.mode in ("write", "missing"):
            migrate(self.db)
        else:
            self._refuse_if_older()

    def _connect(self, access: StoreAccess) -> sqlite3.Connection:
        if access.mode == "write":
            target: str | Path = self.path
        elif access.mode == "missing":
            target = ":memory:"  # nothing stored yet and nowhere to store it: an empty store to read
        else:
            # mode=ro opens without writing; immutable=1 also creates no WAL or shared-memory file beside it
            query = "mode=ro" if access.mode == "read" else "mode=ro&immutable=1"
            target = f"{self.path.resolve().as_uri()}?{query}"
        return sqlite3.connect(
            target,
            uri=access.mode in ("read", "immutable"),
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_SECONDS,
        )

    def _refuse_if_older(self) -> None:
        """On a read-only store, refuse one that needs schema steps: applying them would write to it."""
        missing = pending(self.db)
        if not missing:
            return
        state = (
            "was never set up"
            if len(missing) == len(CORE_MIGRATIONS)
            else f"was written by an older cxframe and must be upgraded ({', '.join(missing)})"
        )
        raise ReadOnlyError(
            f"{self.path}: the store {state} before it can be read, but {self.read_only_reason}; "
            "make it writable and run any cxframe command once"
        )

    @property
    def read_only(self) -> bool:
        """Whether this store can only be read (`read_only_reason` says why)."""
        return bool(self.read_only_reason)

    def require_writable(self, what: str = "this command") -> None:
        """Raise `ReadOnlyError` when the store is read-only, saying that ``what`` writes to it."""
        if self.read_only:
            raise ReadOnlyError(
                f"{self.path}: {what} writes to the store, but {self.read_only_reason}; make the folder and its "
                "store writable for you, or work on a copy of the programme folder (reading commands such as "
                "measure, check and report --out DIR work on a read-only folder)"
            )

    def _private_file(self) -> None:
        """Create the store's file with mode 0600 before SQLite opens it; warn if an existing one is shared.

        SQLite gives the journal, WAL and SHM files it creates beside the
        database the database file's mode, so they are private too, in both
        journal modes the store uses (WAL, and DELETE during a large first ingest).
        """
        try:
            created = create_private(self.path)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the store: {exc.strerror}") from None
        if not created:
            warn_if_store_is_shared(self.path, stacklevel=3)

    # -- lifecycle ---------------------------------------------------------

    def writing(self) -> contextlib.AbstractContextManager[None]:
        """A write transaction that holds the store's write lock (see `cxframe.store._locking`).

        Raises `ReadOnlyError` on a read-only store, before anything is written.
        """
        self.require_writable()
        return writing(self.db)

    @contextlib.contextmanager
    def indexes_built_after(self, table: str) -> Iterator[None]:
        """Inside a write transaction: when ``table`` is empty, write into it without its indexes, built after.

        Why: a large first ingest that updates an index row by row, with keys
        arriving in no order, spends much of its time there; building the
        index once at the end sorts them instead (docs/performance.md). Only
        for writes whose rows cannot clash on a unique index (the caller
        knows). When the body raises, the indexes are not built again here:
        the transaction's rollback brings them back with everything else.
        """
        conn = self.db.conn
        assert conn.in_transaction, "drop indexes only inside the transaction that builds them again"
        if conn.execute(f"SELECT EXISTS (SELECT 1 FROM [{table}])").fetchone()[0]:
            yield
            return
        found = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table]
        ).fetchall()
        for name, _ in found:
            conn.execute(f"DROP INDEX [{name}]")
        yield
        for _, sql in found:
            conn.execute(sql)

    def apply_plugin_migrations(self, owner: str, steps: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
        """Create or update a plugin's own tables; call it each time before using them (it is idempotent).

        ``owner`` is the plugin's distribution name (``cxframe-improve``);
        ``steps`` its schema steps in order, each ``(name, SQL statements)``,
        never changed once released (add a step instead). Each step not yet
        applied runs in one transaction with the row recording it in
        ``_cxframe_migrations``, as the core's own steps do, so a plugin's
        tables are always at a known version. Returns the steps still missing:
        none on a writable store; on a read-only store, the steps it would need
        (the plugin then reads as if its tables were empty). A store holding a
        step of ``owner`` that ``steps`` does not name was written by a newer
        version of the plugin: `StoreError`.
        """
        if owner == "cxframe" or not owner.strip():
            raise ValueError(f"a plugin's migrations need the plugin's own name as owner, not {owner!r}")
        migrations = tuple(Migration(owner, name, _statements(sql)) for name, sql in steps)
        if self.read_only:
            return pending(self.db, migrations)
        migrate(self.db, migrations)
        return []

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- observations and events -----------------------------------------

    def segment_columns(self) -> list[str]:
        """The segment columns observations carry so far (columns of ``responses``).

        Read from the schema each time (cheap), not cached: a rolled-back
        ingest takes the columns it added with it.
        """
        fixed = {"id", *RESPONSE_COLUMNS}
        return sorted(c.name for c in self.db.table("responses").columns if c.name not in fixed)

    def ensure_segment_columns(self, names: Iterable[str]) -> None:
        """Add segment columns to ``responses`` (and the ``observations`` view); call inside the transaction."""
        known = set(self.segment_columns())
        new = sorted(set(names) - known)
        for name in new:
            problem = check_segment_name(name)
            if problem:
                raise InvalidInput([problem])
        if not new:
            return
        for name in new:
            # no index per segment: grouping reads every row anyway, and each index slows ingest
            self.db.execute(f"ALTER TABLE responses ADD COLUMN [{name}] TEXT")
        create_observations_view(self.db, sorted(known | set(new)))

    def insert_observations(self, rows: Sequence[tuple[Any, ...]], segment_names: Sequence[str]) -> int:
        """Insert prepared observation rows (see `observation_row`); return how many answers were new.

        A row's first field is its response's key: the first row of a key
        stores the response (timestamp, respondent, segments …), every row
        its answer. An answer whose response already has that question is
        skipped. Call inside a transaction.
        """
        conn = self.db.conn
        columns = [*RESPONSE_COLUMNS, *segment_names]
        conn.executemany(
            f"INSERT OR IGNORE INTO responses ({', '.join(f'[{c}]' for c in columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})",
            [(*row[:3], *row[5:10], *row[12:]) for row in rows],
        )
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO answers (question, response, value, scale_min, scale_max, ingest_id) "
            "SELECT ?, id, ?, ?, ?, ? FROM responses WHERE key = ?",
            [(row[3], row[4], row[10], row[11], row[1], row[0]) for row in rows],
        )
        return conn.total_changes - before

    def insert_events(self, rows: Sequence[tuple[Any, ...]]) -> int:
        """Insert prepared event rows (see `event_row`); return how many were new."""
        sql = (
            f"INSERT OR IGNORE INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
        )
        before = self.db.conn.total_changes
        self.db.conn.executemany(sql, rows)
        return self.db.conn.total_changes - before

    def count(self, table: str) -> int:
        return self.db[table].count  # a table or a view (observations)

    def answers_by_population(self, question: str) -> list[tuple[str, int]]:
        """``(population, number of observations)`` of the answers to ``question``, the most first."""
        return [
            (population, count)
            for population, count in self.db.execute(
                "SELECT population, count(*) FROM observations WHERE question = ? GROUP BY population ORDER BY 2 DESC",
                [question],
            )
        ]

    # -- runs and results --------------------------------------------------

    def start_run(self, command: str, plugins: list[dict[str, Any]], inputs: dict[str, Any], version: str) -> int:
        with self.writing():
            row = self.db.table("runs").insert(
                {
                    "command": command,
                    "started_at": now_text(),
                    "status": "running",
                    "stages": "[]",
                    "cxframe_version": version,
                    "plugins": _json(plugins),
                    "inputs": _json(inputs),
                    "failures": "[]",
                }
            )
        assert row.last_pk is not None
        return int(row.last_pk)

    def finish_run(self, run_id: int, status: str, stages: list[str], failures: list[str]) -> None:
        with self.writing():
            self.db.table("runs").update(
                run_id,
                {"finished_at": now_text(), "status": status, "stages": _json(stages), "failures": _json(failures)},
            )

    def write_metric_results(self, run_id: int, results: Iterable[MetricResult]) -> None:
        rows = []
        for result in results:
            row = unstructure(result)
            row.update(run_id=run_id, segment=_json(row["segment"]), flags=_json(row["flags"]))
            rows.append(row)
        with self.writing():
            self.db.table("metric_results").insert_all(rows)

    def write_check_results(self, run_id: int, results: Iterable[CheckResult]) -> None:
        rows = []
        for result in results:
            row = unstructure(result)
            row.update(run_id=run_id, evidence=_json(row["evidence"]))
            rows.append(row)
        with self.writing():
            self.db.table("check_results").insert_all(rows)

    def write_findings(self, run_id: int, findings: Iterable[Finding]) -> None:
        rows = [{**unstructure(f), "run_id": run_id, "evidence": _json(list(f.evidence))} for f in findings]
        with self.writing():
            self.db.table("findings").insert_all(rows, replace=True)

    def write_actions(self, run_id: int, actions: Iterable[Action]) -> None:
        rows = [{**unstructure(a), "run_id": run_id, "segment": _json(a.segment)} for a in actions]
        with self.writing():
            self.db.table("actions").insert_all(rows, replace=True)

    def write_maturity_results(self, run_id: int, results: Iterable[MaturityResult]) -> None:
        rows = []
        for result in results:
            row = unstructure(result)
            for key in ("evidence", "criteria_met", "criteria_unmet", "criteria"):
                row[key] = _json(row[key])
            rows.append({**row, "run_id": run_id})
        with self.writing():
            self.db.table("maturity_results").insert_all(rows)

    def write_assessment(self, run_id: int, model: str, document: dict[str, Any]) -> None:
        """Keep the assessment document of a run, so reports can be rendered again without recomputing."""
        with self.writing():
            self.db.table("assessments").insert(
                {"run_id": run_id, "model": model, "document": _json(document), "created_at": now_text()},
                replace=True,
            )

    def assessment_document(self, run_id: int | None = None) -> dict[str, Any] | None:
        """The stored assessment document of ``run_id``, or of the latest assessment; ``None`` if there is none."""
        if run_id is None:
            row = self.db.execute("SELECT document FROM assessments ORDER BY run_id DESC LIMIT 1").fetchone()
        else:
            row = self.db.execute("SELECT document FROM assessments WHERE run_id = ?", [run_id]).fetchone()
        if row is None:
            return None
        document: dict[str, Any] = json.loads(row[0])
        return document

    def sync_design(self, programme: Programme) -> dict[str, int]:
        """Replace the stored design (touchpoints, personas, journeys, objectives) with the programme's."""
        doc = programme.document
        touchpoints = [
            {
                **unstructure(t),
                "elements": _json([e.value for e in t.elements]),
                "moment_of_truth": int(t.moment_of_truth),
            }
            for t in doc.touchpoints
        ]
        personas = [
            {**unstructure(p), "goals": _json(list(p.goals)), "segment": _json(p.segment)} for p in doc.personas
        ]
        journeys, stages = [], []
        for journey in programme.journeys:
            journeys.append(
                {
                    "id": journey.id,
                    "name": journey.name,
                    "persona": journey.persona,
                    "frequency": journey.frequency,
                    "departments": _json(list(journey.departments)),
                    "description": journey.description,
                }
            )
            for position, stage in enumerate(journey.stages):
                detail = unstructure(stage)
                stages.append(
                    {
                        "journey_id": journey.id,
                        "position": position,
                        "id": stage.id,
                        "name": stage.name,
                        "touchpoints": _json(list(stage.touchpoints)),
                        "emotion_score": stage.emotion.score if stage.emotion else None,
                        "emotion_note": stage.emotion.note if stage.emotion else None,
                        "detail": _json(detail),
                    }
                )
        objectives = [{**unstructure(o), "segment": _json(o.segment)} for o in doc.objectives]
        tables = {
            "touchpoints": touchpoints,
            "personas": personas,
            "journeys": journeys,
            "journey_stages": stages,
            "objectives": objectives,
        }
        with self.writing():
            for table, rows in tables.items():
                self.db.execute(f"DELETE FROM {table}")
                if rows:
                    self.db.table(table).insert_all(rows)
        return {table: len(rows) for table, rows in tables.items()}


def _statements(sql: Sequence[str]) -> Callable[[sqlite_utils.Database], None]:
    """A migration step running ``sql`` statement by statement (inside the step's transaction)."""

    statements = (sql,) if isinstance(sql, str) else tuple(sql)  # one statement given as a bare string

    def apply(db: sqlite_utils.Database) -> None:
        for statement in statements:
            db.execute(statement)

    return apply


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def open_store(path: str | Path, *, read_only: bool = False) -> Store:
    """Open (creating and migrating as needed) the store at ``path``; read-only where it cannot be written."""
    return Store(path, read_only=read_only)


def observation_row(
    observation: Observation, key: str, ingest_id: int, segment_names: Sequence[str]
) -> tuple[Any, ...]:
    """The row tuple `Store.insert_observations` expects for ``segment_names``; ``key`` is the response's."""
    timestamp, offset = utc_text(observation.timestamp)
    segment = observation.segment
    return (
        key,
        ingest_id,
        observation.source,
        observation.question,
        observation.value,
        timestamp,
        offset,
        observation.respondent_id,
        observation.response_id,
        observation.population,
        observation.scale_min,
        observation.scale_max,
        observation.touchpoint,
        observation.channel,
        observation.comment,
        observation.weight,
        *(segment.get(name) for name in segment_names),
    )


def event_row(event: Event, key: str, ingest_id: int) -> tuple[Any, ...]:
    timestamp, offset = utc_text(event.timestamp)
    return (
        key,
        ingest_id,
        event.source,
        event.case_id,
        event.activity,
        timestamp,
        offset,
        event.touchpoint,
        event.channel,
        event.resource,
        event.outcome,
        _json(event.attributes) if event.attributes else None,
    )
