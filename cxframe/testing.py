"""Helpers for testing a cxframe plugin without installing it.

Use them from plain pytest tests::

    from cxframe import testing
    import my_plugin

    def test_my_check(tmp_path):
        host = testing.plugin_host(my_plugin)            # fresh host, only my_plugin
        programme = testing.make_programme(tmp_path, touchpoints=[{"id": "web", "name": "Web"}])
        outcome = testing.run_stage(programme, "improve", host=host)
        rows = testing.read_table(programme, "check_results")
        assert rows[0]["status"] == "pass"

or enable the fixtures with ``pytest_plugins = ["cxframe.testing"]`` in a
``conftest.py``: ``cxframe_host`` (an empty host) and ``cxframe_programme``
(a minimal programme in a temporary folder).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click.testing

from cxframe import api
from cxframe.cli import State, cli
from cxframe.contracts._stages import Stage, StageOutcome
from cxframe.host._manager import PluginHost, load_plugins
from cxframe.programme._file import PROGRAMME_FILE, load_programme
from cxframe.store._sqlite import Store

__all__ = [
    "invoke",
    "make_programme",
    "plugin_host",
    "read_table",
    "run_stage",
    "toml_document",
]


def plugin_host(*plugins: object, entry_points: bool = False) -> PluginHost:
    """A fresh plugin host with ``plugins`` registered (and, if asked, the installed ones).

    A plugin in ``plugins`` that is installed as well (your plugin's own tests, with
    ``entry_points=True``) is registered once, by its entry point: named after its
    distribution, with its version.
    """
    return load_plugins(entry_points=entry_points, extra=plugins)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    raise TypeError(f"cannot write {value!r} as TOML")


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else _toml_value(key)


def toml_document(sections: dict[str, Any]) -> str:
    """A TOML document from plain data (tables and arrays of tables as inline values)."""
    lines = []
    for key, value in sections.items():
        lines.append(f"{_key(key)} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def make_programme(directory: str | Path, text: str | None = None, **sections: Any) -> Path:
    """Write a programme folder and return its path.

    Pass the whole ``cxframe.toml`` as ``text``, or top-level sections as
    keyword arguments (``touchpoints=[{...}]``); ``name`` defaults to "Test programme".
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    if text is None:
        text = toml_document({"name": "Test programme", **sections})
    (root / PROGRAMME_FILE).write_text(text, encoding="utf-8")
    return root


def run_stage(
    programme: str | Path, stages: str | Stage | Sequence[str | Stage], *, host: PluginHost
) -> list[StageOutcome]:
    """Run one or more lifecycle stages with ``host``; return their outcomes."""
    chosen = [stages] if isinstance(stages, str | Stage) else list(stages)
    return api.run_lifecycle(programme, chosen, host=host)


def read_table(
    programme: str | Path, table: str, where: str | None = None, params: Iterable[Any] = ()
) -> list[dict[str, Any]]:
    """Rows of a store table (``observations``, ``check_results`` …) as dicts."""
    loaded = load_programme(programme)
    with Store(loaded.store_path) as store:
        return list(store.db[table].rows_where(where, list(params)))


def invoke(args: Sequence[str], *, host: PluginHost | None = None, input: str | None = None) -> click.testing.Result:
    """Run the ``cxframe`` CLI in-process with ``host`` as its plugins."""
    runner = click.testing.CliRunner()
    return runner.invoke(cli, list(args), obj=State(host=host), input=input, catch_exceptions=False)


try:  # the fixtures need pytest, which only test environments have
    import pytest
except ImportError:  # pragma: no cover
    pass
else:

    @pytest.fixture
    def cxframe_host() -> PluginHost:
        """A fresh plugin host with no plugin registered; register yours with ``host.register``."""
        return plugin_host()

    @pytest.fixture
    def cxframe_programme(tmp_path: Path) -> Iterator[Path]:
        """A minimal valid programme folder in a temporary directory."""
        yield make_programme(tmp_path / "programme")
