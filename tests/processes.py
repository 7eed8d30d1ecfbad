"""Helpers for the tests that stop a process midway (the ``kill -9`` tests), shared with the plugins' tests.

Plugin tests import them as ``from tests.processes import wait_for_marker``: the
repository root is on the test path (``pythonpath`` in ``pyproject.toml``).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any


def wait_for_marker(process: subprocess.Popen[Any], marker: Path, timeout: float = 60) -> None:
    """Wait until ``process`` creates ``marker``: the point a kill test stops it at.

    Fails if the process ends first, or after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert process.poll() is None, "the process ended before it reached its marker"
        assert time.monotonic() < deadline, f"no {marker} after {timeout:g} s"
        time.sleep(0.05)
