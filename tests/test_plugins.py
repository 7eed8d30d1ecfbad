"""Plugin loading, isolation of failures, the registry and ``cxframe plugins``."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import Any

import click
import pytest

import cxframe
from cxframe import (
    Check,
    CheckResult,
    CheckStatus,
    Collector,
    MetricDefinition,
    PluginConflict,
    Stage,
    hookimpl,
    testing,
)
from cxframe.contracts._shapes import PLUGIN_KINDS, InstalledPlugin, plugin_json
from cxframe.host import _hookspecs as hookspecs
from cxframe.host._manager import load_plugins
from cxframe.host._registry import KINDS, build_registry
from tests import toy_plugin


class Duplicate:
    """Registers the toy plugin's collector id again."""

    @hookimpl
    def register_collectors(self) -> list[Collector]:
        return [Collector(id="toy-csv", description="again", read=toy_plugin.read)]


class Raising:
    @hookimpl
    def register_metrics(self) -> list[MetricDefinition]:
        raise RuntimeError("metrics exploded")

    @hookimpl
    def stage_started(self, stage: Stage) -> None:
        raise ValueError(f"cannot start {stage}")


class WrongType:
    @hookimpl
    def register_checks(self) -> list[object]:
        return ["not a check"]


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []

    @hookimpl
    def stage_started(self, stage: Stage, run: Any) -> None:
        self.events.append(f"started {stage.value} run={run.id}")

    @hookimpl
    def stage_finished(self, stage: Stage, outcome: Any) -> None:
        self.events.append(f"finished {stage.value} {outcome.stage.value}")


def test_every_hookspec_has_a_docstring_saying_what_to_return() -> None:
    names = [name for name in dir(hookspecs) if name.startswith(("register_", "stage_", "collect_", "customer_"))]
    assert set(names) == {
        "register_collectors",
        "register_metrics",
        "register_assessments",
        "register_checks",
        "register_reporters",
        "register_report_sections",
        "register_notifiers",
        "register_commands",
        "stage_started",
        "stage_finished",
        "collect_finished",
        "customer_profile",
    }
    for name in names:
        doc = getattr(hookspecs, name).__doc__
        assert doc and ":return:" in doc and "Called" in doc, name


def test_registry_indexes_contributions_by_plugin() -> None:
    registry = build_registry(testing.plugin_host(toy_plugin))
    assert registry.collectors.ids() == ["toy-csv"]
    assert registry.metrics.plugin_of("mean_score") == "tests.toy_plugin"
    assert registry.checks.by_plugin("tests.toy_plugin") == ["toy.has-data"]


def test_same_id_from_two_plugins_is_an_error_naming_both() -> None:
    registry = build_registry(testing.plugin_host(toy_plugin, Duplicate()))
    with pytest.raises(
        PluginConflict, match="collector id 'toy-csv' is registered by both Duplicate and tests.toy_plugin"
    ):
        registry.raise_conflicts()


def test_a_raising_hook_is_recorded_and_the_others_still_answer() -> None:
    host = testing.plugin_host(toy_plugin, Raising())
    registry = build_registry(host)
    assert registry.metrics.ids() == ["mean_score"]
    [failure] = host.failures
    assert failure.plugin == "Raising" and failure.hook == "register_metrics"
    assert "RuntimeError: metrics exploded" in str(failure)


def test_a_contribution_of_the_wrong_type_is_a_failure_of_that_plugin() -> None:
    host = testing.plugin_host(WrongType())
    registry = build_registry(host)
    assert len(registry.checks) == 0
    assert "expected Check" in str(host.failures[0])


def test_a_plugin_with_a_misspelled_hook_is_refused_and_named() -> None:
    class Misspelled:
        @hookimpl
        def register_colectors(self) -> list[Collector]:
            return []

    host = testing.plugin_host(Misspelled())
    assert [f.plugin for f in host.failures] == ["Misspelled"]
    assert not host.pm.has_plugin("Misspelled")


def test_stage_hooks_see_the_five_stages_in_order(programme: Path) -> None:
    recorder = Recorder()
    host = testing.plugin_host(toy_plugin, recorder)
    testing.run_stage(programme, list(reversed(list(Stage))), host=host)
    stages = [e.split()[1] for e in recorder.events if e.startswith("started")]
    assert stages == ["context", "plan", "design", "measure", "improve"]
    assert recorder.events[1] == "finished context context"
    [run] = testing.read_table(programme, "runs")
    assert json.loads(run["stages"]) == stages and run["status"] == "done"
    assert {"name": "Recorder", "version": None} in json.loads(run["plugins"])
    assert json.loads(run["inputs"])["programme"]


def test_a_stage_hook_that_raises_does_not_stop_the_run(programme: Path) -> None:
    host = testing.plugin_host(toy_plugin, Raising())
    outcomes = testing.run_stage(programme, list(Stage), host=host)
    assert [o.stage for o in outcomes] == list(Stage)
    assert sum(f.hook == "stage_started" for f in host.failures) == 5


def test_a_check_that_raises_becomes_an_error_result(programme: Path) -> None:
    class BadCheck:
        @hookimpl
        def register_checks(self) -> list[Check]:
            def run(run: Any) -> CheckResult:
                raise KeyError("missing")

            return [Check(id="bad", title="Bad check", run=run)]

    host = testing.plugin_host(toy_plugin, BadCheck())
    result = testing.invoke(["-C", str(programme), "check", "--json"], host=host)
    assert result.exit_code == 0, result.output
    results = {r["check"]: r for r in json.loads(result.stdout)}
    assert results["bad"]["status"] == "error" and results["bad"]["plugin"] == "BadCheck"
    assert "KeyError" in results["bad"]["evidence"][0]
    assert results["toy.has-data"]["status"] == CheckStatus.WARN.value
    assert "plugin BadCheck: hook check bad failed" in result.stderr
    strict = testing.invoke(
        ["-C", str(programme), "check", "--strict"], host=testing.plugin_host(toy_plugin, BadCheck())
    )
    assert strict.exit_code == 3


def test_plugins_json_has_the_public_shape() -> None:
    host = testing.plugin_host(toy_plugin)
    result = testing.invoke(["plugins", "--json"], host=host)
    assert result.exit_code == 0
    [entry] = json.loads(result.stdout)
    assert set(entry) == {"name", "version", "hooks", "collectors", "metrics", "assessments", "checks", "reporters"}
    assert entry["name"] == "tests.toy_plugin"
    assert entry["collectors"] == ["toy-csv"] and entry["metrics"] == ["mean_score"]
    assert entry["hooks"] == ["register_checks", "register_collectors", "register_metrics"]


class Extras:
    """Registers a check, and what ``plugins --json`` has no key for: a report section, a notifier and a command."""

    @hookimpl
    def register_checks(self) -> list[Check]:
        return [Check(id="acme.branch-coverage", title="Branch coverage", run=lambda run: [])]

    @hookimpl
    def register_report_sections(self) -> list[cxframe.ReportSection]:
        return [cxframe.ReportSection("acme-branches", "Branches", ("cx-lead",), lambda report: None)]

    @hookimpl
    def register_notifiers(self) -> list[cxframe.Notifier]:
        return [cxframe.Notifier("acme-pager", "Pager", lambda messages: [])]

    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        @cli.command("acme")
        def acme() -> None:
            """An acme command."""


def test_plugins_table_shows_report_sections_notifiers_and_commands_but_json_keeps_its_shape() -> None:
    host = testing.plugin_host(toy_plugin, Extras())
    result = testing.invoke(["plugins"], host=testing.plugin_host(toy_plugin, Extras()))
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "report sections acme-branches" in lines
    assert "notifiers acme-pager" in lines and "commands acme" in lines
    # after the kinds the JSON has too, in the plugin's own block
    order = [
        "Extras",
        "checks acme.branch-coverage",
        "report sections acme-branches",
        "notifiers acme-pager",
        "commands acme",
        "tests.toy_plugin",
    ]
    assert [lines.index(line) for line in order] == sorted(lines.index(line) for line in order)
    [extras] = [plugin for plugin in cxframe.plugins(host=host).plugins if plugin.name == "Extras"]
    assert (extras.report_sections, extras.notifiers, extras.commands) == (
        ("acme-branches",),
        ("acme-pager",),
        ("acme",),
    )
    printed = testing.invoke(["plugins", "--json"], host=testing.plugin_host(toy_plugin, Extras()))
    for entry in json.loads(printed.stdout):
        assert list(entry) == ["name", "version", "hooks", *PLUGIN_KINDS]


def test_a_plugin_whose_register_commands_raises_is_still_listed() -> None:
    class BrokenCommands:
        @hookimpl
        def register_commands(self, cli: click.Group) -> None:
            raise RuntimeError("no commands today")

    result = testing.invoke(["plugins"], host=testing.plugin_host(toy_plugin, BrokenCommands()))
    assert result.exit_code == 0
    assert "BrokenCommands" in result.stdout and "toy-csv" in result.stdout
    assert "plugin BrokenCommands: hook register_commands failed: RuntimeError: no commands today" in result.stderr


def test_plugins_table_lists_failures_and_strict_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    result = testing.invoke(["plugins"], host=testing.plugin_host(toy_plugin, Raising()))
    assert result.exit_code == 0
    assert "warning: plugin Raising: hook register_metrics failed: RuntimeError: metrics exploded" in result.stderr
    strict = testing.invoke(["plugins", "--strict"], host=testing.plugin_host(toy_plugin, Raising()))
    assert strict.exit_code == 3


class _EntryPoint:
    """Stands in for an importlib entry point whose module fails to import."""

    name = "broken"
    group = "cxframe"

    class dist:
        name = "cxframe-broken"
        version = "9.9"

    def load(self) -> object:
        raise ImportError("No module named 'cxframe_broken_dependency'")


def test_a_plugin_that_fails_to_import_is_reported_and_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.metadata.entry_points(group="cxframe")
    monkeypatch.setattr("cxframe.host._manager._entry_points", lambda: [*real, _EntryPoint()])
    host = load_plugins()
    [failure] = [f for f in host.failures if f.plugin == "cxframe-broken"]
    assert failure.hook == "load" and "cxframe_broken_dependency" in failure.error
    assert "failed to load" in str(failure)


def test_load_plugins_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cxframe.host._manager._entry_points", lambda: [_EntryPoint()])
    monkeypatch.setenv("CXFRAME_LOAD_PLUGINS", "")
    assert load_plugins().failures == []
    monkeypatch.setenv("CXFRAME_LOAD_PLUGINS", "cxframe-broken")
    assert [f.plugin for f in load_plugins().failures] == ["cxframe-broken"]


def test_built_in_plugins_load_through_entry_points() -> None:
    names = {ep.dist.name for ep in importlib.metadata.entry_points(group="cxframe") if ep.dist}
    assert "cxframe-nps" in names
    host = load_plugins()
    assert "cxframe-nps" in {info.name for info in host.plugin_infos()}
    assert {info.name: info.version for info in host.plugin_infos()}["cxframe-nps"] == "0.1.0"


def test_api_plugins_is_what_plugins_json_prints() -> None:
    listing = cxframe.plugins(host=testing.plugin_host(toy_plugin))
    [plugin] = listing.plugins
    assert plugin == InstalledPlugin(
        name="tests.toy_plugin",
        version=None,
        hooks=("register_checks", "register_collectors", "register_metrics"),
        collectors=("toy-csv",),
        metrics=("mean_score",),
        checks=("toy.has-data",),
    )
    assert listing.conflicts == [] and listing.programme_problems == []
    printed = testing.invoke(["plugins", "--json"], host=testing.plugin_host(toy_plugin))
    assert json.loads(printed.stdout) == [plugin_json(plugin)]


def test_plugin_kinds_are_the_registrys_kinds() -> None:
    assert tuple(KINDS) == PLUGIN_KINDS


def test_plugins_lists_conflicting_plugins_then_exits_1(tmp_path: Path) -> None:
    listing = cxframe.plugins(tmp_path, host=testing.plugin_host(toy_plugin, Duplicate()))
    assert sorted(plugin.name for plugin in listing.plugins) == ["Duplicate", "tests.toy_plugin"]
    assert listing.conflicts == ["collector id 'toy-csv' is registered by both Duplicate and tests.toy_plugin"]
    result = testing.invoke(
        ["-C", str(tmp_path), "plugins", "--json"], host=testing.plugin_host(toy_plugin, Duplicate())
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [plugin_json(plugin) for plugin in listing.plugins]
    assert "error: collector id 'toy-csv' is registered by both Duplicate and tests.toy_plugin" in result.stderr


def test_plugins_are_listed_while_the_programme_file_is_broken(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p", text="name = 5\n")
    listing = cxframe.plugins(root, host=testing.plugin_host(toy_plugin))
    assert [plugin.name for plugin in listing.plugins] == ["tests.toy_plugin"]
    assert listing.programme_problems and "name: expected a string" in listing.programme_problems[0]
    result = testing.invoke(["-C", str(root), "plugins", "--json"], host=testing.plugin_host(toy_plugin))
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 1
    assert "warning: ignoring the programme: " in result.stderr and "name: expected a string" in result.stderr
