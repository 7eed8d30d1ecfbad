"""The plugin's Python API: one function per task, each taking the programme folder.

>>> import cxframe_insight
>>> cxframe_insight.key_drivers("my-programme", metric="nps")                     # doctest: +SKIP
>>> cxframe_insight.key_drivers("my-programme", metric="nps", drivers=["speed", "staff"], by="region")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cxframe import InvalidInput, PluginHost, Programme, open_programme
from cxframe_insight import drivers as driver_analysis
from cxframe_insight.drivers import DriverAnalysis
from cxframe_insight.settings import load_settings

ProgrammeLike = str | Path | Programme


def key_drivers(
    programme: ProgrammeLike = ".",
    *,
    metric: str,
    drivers: Sequence[str] | None = None,
    by: str | None = None,
    host: PluginHost | None = None,
) -> list[DriverAnalysis]:
    """The key drivers of ``metric``: one `DriverAnalysis` overall, or one per value of segment column ``by``.

    ``drivers`` names the driver questions (default: every other rating
    answered in at least half of the metric's responses). Without ``by``, too
    few complete responses or a driver without variance raises
    `cxframe.InvalidInput` saying so; with ``by``, such a segment's analysis
    carries the reason in ``problem`` and no figures.
    """
    with open_programme(programme, host) as opened:
        settings = load_settings(opened.programme)
        known = opened.registry.metrics.ids()
        if metric not in known:
            raise InvalidInput([f"--metric {metric}: unknown metric (known: {', '.join(sorted(known))})"])
        definition = opened.registry.metrics.get(metric)
        found = driver_analysis.key_drivers(opened.store, definition, settings, drivers=drivers, by=by)
    if by is None and found[0].problem is not None:
        raise InvalidInput([found[0].problem])
    return found
