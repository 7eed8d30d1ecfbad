"""A run: one pass of work over a programme, recorded in the store's ``runs`` table.

`Run` is what hooks, checks and assessments receive: the programme,
the store, the engine, the registry of everything plugins contributed, and
the run's id for provenance. `start_run` opens one and
`finish_run` records how it ended, with the plugins and versions used
and the content hashes of the inputs.
"""

from __future__ import annotations

from typing import Any

import attrs

from cxframe._version import __version__
from cxframe.contracts._records import CheckResult, Finding, MetricResult
from cxframe.contracts._stages import StageOutcome
from cxframe.host._manager import PluginHost
from cxframe.host._registry import Registry
from cxframe.measurement._engine import Engine, SQLiteEngine
from cxframe.programme._file import Programme
from cxframe.store._sqlite import Store

#: The id of a run that a read-only store could not record.
NOT_RECORDED = 0


@attrs.define
class Run:
    """The context of one piece of work (a lifecycle run, a check, a measure)."""

    id: int
    command: str
    programme: Programme
    store: Store
    host: PluginHost
    registry: Registry
    engine: Engine
    outcomes: list[StageOutcome] = attrs.field(factory=list)
    #: What this run computed so far, for later stages and reporters.
    metric_results: list[MetricResult] = attrs.field(factory=list)
    check_results: list[CheckResult] = attrs.field(factory=list)
    findings: list[Finding] = attrs.field(factory=list)

    @property
    def confidence(self) -> float:
        return self.programme.settings.confidence

    @property
    def min_sample(self) -> int:
        return self.programme.settings.min_sample


def run_inputs(programme: Programme, store: Store) -> dict[str, Any]:
    """Content hashes of everything a run reads: the programme file(s) and every collected source."""
    ingests = [
        {"source": row["source"], "collector": row["collector"], "content_hash": row["content_hash"]}
        for row in store.db.query(
            "SELECT source, collector, content_hash FROM ingests WHERE finished_at IS NOT NULL ORDER BY id"
        )
    ]
    return {"programme": programme.content_hash, "ingests": ingests}


def start_run(command: str, programme: Programme, store: Store, host: PluginHost, registry: Registry) -> Run:
    plugins = [{"name": info.name, "version": info.version} for info in host.plugin_infos()]
    # a read-only store cannot record the run: it still reads and computes, as run 0 (`NOT_RECORDED`)
    run_id = (
        NOT_RECORDED
        if store.read_only
        else store.start_run(command, plugins, run_inputs(programme, store), __version__)
    )
    return Run(
        id=run_id,
        command=command,
        programme=programme,
        store=store,
        host=host,
        registry=registry,
        engine=SQLiteEngine(
            store,
            variance=programme.settings.weighted_variance,
            respondent_clusters=programme.settings.respondent_clusters,
        ),
    )


def finish_run(run: Run, status: str = "done") -> None:
    if run.id == NOT_RECORDED:
        return
    run.store.finish_run(
        run.id,
        status,
        [outcome.stage.value for outcome in run.outcomes],
        [str(failure) for failure in run.host.failures],
    )
