"""Scaling out: the store exported as Parquet, and the Spark engine that reads it (docs/scale.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cxframe.api._opening import ProgrammeLike, open_programme
from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import WeightedVariance
from cxframe.host._manager import PluginHost
from cxframe.measurement._spark import DEFAULT_MASTER, SparkEngine
from cxframe.programme._file import Programme
from cxframe.store._parquet import MANIFEST, export_parquet
from cxframe.store._sqlite import Store

#: the engines ``--engine`` names
ENGINES = ("sqlite", "spark")


def export(
    programme: ProgrammeLike = ".",
    folder: str | Path = "export",
    *,
    format: str = "parquet",
    force: bool = False,
    host: PluginHost | None = None,
) -> dict[str, int]:
    """Write the store's observations and events as Parquet under ``folder``; return the rows per table.

    ``folder/observations/`` and ``folder/events/`` hold the contract's
    columns (`cxframe.store._parquet`), as ``--engine spark --parquet folder``
    reads them. A non-empty ``folder`` is refused unless ``force``.

    >>> cxframe.export("my-programme", "lake/cx", format="parquet")  # doctest: +SKIP
    {'observations': 1200000, 'events': 5400000}
    """
    if format != "parquet":
        raise InvalidInput([f"unknown export format {format!r}; expected parquet"])
    with open_programme(programme, host) as opened:
        return export_parquet(opened.store, folder, force=force)


def on_spark_start(notice: Callable[[str], object] | None) -> None:
    """Have ``notice(master)`` called just before cxframe starts a Spark session (``--engine spark``).

    Starting the JVM takes seconds to tens of seconds; the CLI prints
    "starting Spark (local JVM)…" so the wait has a reason. ``None`` says
    nothing. Not called when a session is already active (spark-submit).
    """
    from cxframe.measurement import _spark

    _spark.on_start = notice


def spark_master(programme: Programme, master: str | None = None) -> str:
    """The Spark master: ``master`` if given, else ``[settings] spark_master``, else ``local[*]``."""
    return master or programme.settings.spark_master or DEFAULT_MASTER


def check_engine(engine: str, parquet: str | Path | None, master: str | None) -> None:
    """``engine`` is known, and ``parquet`` and ``master`` go with ``spark`` only (``--parquet`` required there)."""
    if engine not in ENGINES:
        raise InvalidInput([f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}"])
    if engine == "spark" and parquet is None:
        raise InvalidInput(
            ["--engine spark needs --parquet DIR (write one with `cxframe export --format parquet DIR`)"]
        )
    if engine != "spark" and (parquet is not None or master is not None):
        raise InvalidInput(["--parquet and --master go with --engine spark"])


def spark_engine(
    programme: Programme,
    parquet: str | Path,
    *,
    master: str | None = None,
    variance: WeightedVariance | None = None,
    respondent_clusters: bool | None = None,
) -> SparkEngine:
    """A `SparkEngine` over the export ``parquet`` with ``programme``'s settings and master (`spark_master`).

    >>> engine = cxframe.spark_engine(cxframe.load_programme("my-programme"), "lake/cx")  # doctest: +SKIP
    >>> engine.rows("SELECT COUNT(*) FROM observations")                                  # doctest: +SKIP
    """
    settings = programme.settings
    return SparkEngine(
        parquet,
        # None lets spark-submit's master stand (under it), else local[*] (`spark_session`)
        master=master or programme.settings.spark_master,
        variance=variance or settings.weighted_variance,
        respondent_clusters=settings.respondent_clusters if respondent_clusters is None else respondent_clusters,
    )


def check_export_of(store: Store, engine: SparkEngine) -> None:
    """Refuse an export that is not this store's: privacy rules decide from the store what may be shown.

    The export's manifest must count as many observations as the store
    holds; otherwise a group the store does not know could be shown
    unprotected. Export again to bring the two together.
    """
    text = engine.manifest_text()
    stored = store.count("answers")  # one answer per observation (the view joins each to its response)
    exported: object = None
    if text is not None:
        try:
            exported = json.loads(text)["rows"]["observations"]
        except (ValueError, KeyError, TypeError):
            exported = None
    if exported != stored:
        found = "no readable manifest" if exported is None else f"{exported} observations"
        raise InvalidInput(
            [
                f"--parquet {engine.parquet}: {found} in {MANIFEST}, the store holds {stored}: privacy rules "
                "decide from the store, so the export must be this store's; run "
                f"`cxframe export --format parquet {engine.parquet} --force`"
            ]
        )
