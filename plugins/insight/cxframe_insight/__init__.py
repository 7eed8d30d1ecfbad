"""cxframe-insight: explain the experience.

* key drivers: which attribute ratings move the overall metric (Johnson's
  relative weights with bootstrap intervals, importance × performance
  quadrants), see `cxframe_insight.drivers`; ``cxframe drivers`` and
  `key_drivers`.

Settings in ``[plugins.cxframe-insight]`` (`cxframe_insight.settings`).
Registered through the ``cxframe`` entry-point group like any third-party plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxframe import Check, Programme, hookimpl
from cxframe_insight.api import key_drivers
from cxframe_insight.drivers import FIX_FIRST, KEEP, LOWER_PRIORITY, MAINTAIN, Driver, DriverAnalysis
from cxframe_insight.settings import SETTINGS, InsightSettings, load_settings

if TYPE_CHECKING:
    import click

__all__ = [
    "FIX_FIRST",
    "KEEP",
    "LOWER_PRIORITY",
    "MAINTAIN",
    "SETTINGS",
    "Driver",
    "DriverAnalysis",
    "InsightSettings",
    "key_drivers",
    "load_settings",
]


@hookimpl
def register_checks(programme: Programme | None) -> list[Check]:
    # raising here is how `cxframe validate` learns about bad settings
    load_settings(programme)
    return []


@hookimpl
def register_commands(cli: click.Group) -> None:
    from cxframe_insight.cli import drivers  # click and the CLI helpers only when commands are wanted

    cli.add_command(drivers)
