"""Shared helpers of the cxframe-journey tests (not a test module)."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

import pytest

import cxframe_journey
from cxframe import IngestSummary, PluginHost, Store, load_programme, testing
from cxframe_journey import api

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The repository root (…/plugins/journey/tests → …).
ROOT = Path(__file__).resolve().parents[3]
#: The shared real event logs, kept next to the repository, never in it.
EVENTLOGS = ROOT.parent / "shared" / "data" / "eventlogs"

ORDERS_COLUMNS = {
    "case": "order_id",
    "activity": "step",
    "timestamp": "at",
    "channel": "channel",
    "resource": "agent",
    "outcome": "result",
    "attributes": ["amount", "note"],
}


def eventlog(name: str) -> Path:
    """A real event log from the shared folder; skips the test when it is not there."""
    path = EVENTLOGS / name
    if not path.is_file():
        pytest.skip(f"{name} is not in {EVENTLOGS} (the shared event logs live next to the repository)")
    return path


def host() -> PluginHost:
    return testing.plugin_host(cxframe_journey)


def programme(directory: Path, **sections: Any) -> Path:
    return testing.make_programme(directory, **sections)


def collect(root: Path, log: Path | str, mapping: api.Mapping | None = None) -> api.Selection:
    """Collect a log file (or source) into the programme at ``root`` as the journey commands do."""
    with api.open_log(root, str(log), mapping or api.Mapping(), host=host()) as (_, selection):
        return selection


def summary(selection: api.Selection) -> IngestSummary:
    result = selection.summary
    assert result is not None
    return result


def store(root: Path) -> Store:
    return Store(load_programme(root).store_path)


#: Holds the programmes of `collected`, removed when the test process ends.
_SHARED = tempfile.TemporaryDirectory(prefix="cxframe-journey-tests-")


@functools.cache
def collected(name: str) -> tuple[Path, api.Selection]:
    """A programme holding the real log ``name``, collected once per test run (read it, never change it).

    Several test modules read the same logs; collecting helpdesk's 21k events
    once keeps the suite fast.
    """
    path = eventlog(name)
    root = programme(Path(_SHARED.name) / name)
    return root, collect(root, path)
