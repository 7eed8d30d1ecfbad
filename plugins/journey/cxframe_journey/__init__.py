"""cxframe-journey: event logs and journey analytics.

* collectors ``event-csv`` (a CSV with a column mapping) and ``xes`` (IEEE 1849
  XES, plain or gzipped, streamed) that read event logs into the store's
  ``events`` table;
* `variants` and `dfg` (directly-follows graph), computed in SQL over that
  table, in the process-mining convention (events of a case ordered by
  timestamp, ties in file order) and checked against pm4py in the tests;
* ``cxframe journey variants [LOG]`` and ``cxframe journey dfg [LOG]``.

Registered through the ``cxframe`` entry-point group like any third-party plugin.

>>> import cxframe_journey
>>> cxframe_journey.variants("my-programme", "orders.xes")[0]   # doctest: +SKIP
{'activities': ['register', 'check', 'pay'], 'count': 812, 'share': 0.41}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cxframe import Collector, hookimpl
from cxframe_journey.api import Mapping, Selection, collect_log, dfg, open_log, variants
from cxframe_journey.csvlog import event_csv
from cxframe_journey.xes import xes

if TYPE_CHECKING:
    import click

__all__ = [
    "Mapping",
    "Selection",
    "collect_log",
    "dfg",
    "open_log",
    "register_collectors",
    "register_commands",
    "variants",
]


@hookimpl
def register_collectors() -> list[Collector]:
    return [event_csv, xes]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from cxframe_journey.cli import journey  # click and the CLI helpers only when commands are wanted

    cli.add_command(journey)
