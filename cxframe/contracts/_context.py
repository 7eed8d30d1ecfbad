"""`RunContext`: what hooks, checks and assessments receive, as a protocol.

The runtime's `cxframe.lifecycle._run.Run` satisfies it; the contracts name
only this protocol, so they do not depend on the runtime that calls them.
Plugins type their ``run`` parameters with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from cxframe.contracts._records import CheckResult, Finding, MetricDefinition, MetricResult

if TYPE_CHECKING:
    from cxframe.measurement._engine import Engine
    from cxframe.programme._file import Programme
    from cxframe.store._sqlite import Store

__all__ = ["MetricCatalogue", "RegisteredMetrics", "RunContext"]


class RegisteredMetrics(Protocol):
    """The metric definitions plugins registered, by id."""

    def __contains__(self, id: str) -> bool: ...

    def __iter__(self) -> Iterator[MetricDefinition]: ...

    def ids(self) -> list[str]: ...

    def get(self, id: str) -> MetricDefinition:
        """The definition with this id; `cxframe.UnknownId` (listing the known ones) otherwise."""
        ...


class MetricCatalogue(Protocol):
    """The part of the registry a plugin reads while it runs: the metrics."""

    @property
    def metrics(self) -> RegisteredMetrics: ...


class RunContext(Protocol):
    """One pass of work over a programme: a lifecycle run, an assessment, a check, a measure.

    ``metric_results``, ``check_results`` and ``findings`` hold what the run has
    computed so far, for later stages, assessments and reporters.
    """

    @property
    def id(self) -> int:
        """The run's id in the store's ``runs`` table, for provenance."""
        ...

    @property
    def programme(self) -> Programme: ...

    @property
    def store(self) -> Store: ...

    @property
    def engine(self) -> Engine:
        """Computes metric definitions where the data lives."""
        ...

    @property
    def registry(self) -> MetricCatalogue: ...

    @property
    def metric_results(self) -> list[MetricResult]: ...

    @property
    def check_results(self) -> list[CheckResult]: ...

    @property
    def findings(self) -> list[Finding]: ...

    @property
    def confidence(self) -> float:
        """The confidence level of intervals and tests, from the programme's settings."""
        ...

    @property
    def min_sample(self) -> int:
        """The sample below which results are flagged, from the programme's settings."""
        ...
