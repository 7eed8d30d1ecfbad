"""Hooks are called through pluggy, each plugin isolated: wrappers, firstresult, historic, tracing."""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import Any

import attrs
import pluggy
import pytest

import cxframe
from cxframe import Check, InvalidInput, MetricDefinition, MetricResult, hookimpl, testing
from cxframe.host._hookspecs import hookspec
from cxframe.host._manager import PluginHost, load_plugins
from cxframe.host._registry import build_registry
from tests import toy_plugin
from tests.conftest import write_answers


def metric(id: str) -> MetricDefinition:
    return MetricDefinition(id=id, title=id.title(), question="score", value_sql="value")


class Audit:
    """A wrapper that sees every plugin's metrics and returns them with their titles marked."""

    def __init__(self) -> None:
        self.seen: list[list[list[MetricDefinition]]] = []

    @hookimpl(wrapper=True)
    def register_metrics(self) -> Generator[None, list[list[MetricDefinition]], list[list[MetricDefinition]]]:
        results = yield
        self.seen.append(results)
        return [[attrs.evolve(m, title=f"{m.title} (audited)") for m in contributed] for contributed in results]


class Adding:
    """A wrapper that adds a metric of its own to the results."""

    @hookimpl(wrapper=True)
    def register_metrics(self) -> Generator[None, list[list[MetricDefinition]], list[list[MetricDefinition]]]:
        results = yield
        return [*results, [metric("added")]]


class OldStyle:
    """An old-style wrapper: it gets pluggy's Result and forces a new one."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    @hookimpl(hookwrapper=True)
    def register_checks(self) -> Generator[None, pluggy.Result[list[list[Check]]], None]:
        outcome = yield
        self.seen.append(outcome.get_result())
        extra = Check(id="old-style", title="Added by an old-style wrapper", run=lambda run: [])
        outcome.force_result([*outcome.get_result(), [extra]])


class Raising:
    @hookimpl
    def register_metrics(self) -> list[MetricDefinition]:
        raise RuntimeError("metrics exploded")


class Invalid:
    @hookimpl
    def register_metrics(self) -> list[MetricDefinition]:
        raise InvalidInput(["cxframe.toml: plugins.invalid.scale: expected a number"])


class Watcher:
    """A wrapper that sees an exception raised inside the call, as pluggy documents."""

    def __init__(self) -> None:
        self.raised: list[BaseException] = []

    @hookimpl(wrapper=True)
    def register_metrics(self) -> Generator[None, Any, Any]:
        try:
            return (yield)
        except InvalidInput as exc:
            self.raised.append(exc)
            raise


class BrokenWrapper:
    """A wrapper that raises before or after the call, or never yields."""

    def __init__(self, where: str) -> None:
        self.where = where

    @hookimpl(wrapper=True)
    def register_metrics(self) -> Generator[None, Any, Any]:
        if self.where == "before":
            raise RuntimeError("wrapper broke before")
        if self.where == "no yield":
            return []
        results = yield
        if self.where == "after":
            raise RuntimeError("wrapper broke after")
        yield  # "twice"
        return results


class BrokenOldStyle(BrokenWrapper):
    @hookimpl(hookwrapper=True)
    def register_metrics(self) -> Generator[None, Any, Any]:
        if self.where == "before":
            raise RuntimeError("wrapper broke before")
        if self.where == "no yield":
            return
        yield
        if self.where == "after":
            raise RuntimeError("wrapper broke after")
        yield  # "twice"


# --- wrappers ---------------------------------------------------------------------


def test_a_wrapper_sees_the_other_plugins_results_and_may_change_them() -> None:
    audit = Audit()
    host = testing.plugin_host(toy_plugin, audit)
    registry = build_registry(host)
    assert host.failures == []
    [[seen]] = audit.seen
    assert [m.id for m in seen] == ["mean_score"]
    assert registry.metrics.get("mean_score").title == "Mean score (audited)"
    assert registry.metrics.plugin_of("mean_score") == "tests.toy_plugin"  # still the plugin that made it


def test_a_result_a_wrapper_adds_is_the_wrappers() -> None:
    registry = build_registry(testing.plugin_host(toy_plugin, Adding()))
    assert registry.metrics.plugin_of("mean_score") == "tests.toy_plugin"
    assert registry.metrics.plugin_of("added") == "Adding"


def test_strict_plugins_passes_with_a_wrapper_among_the_installed_plugins() -> None:
    host = testing.plugin_host(Audit(), entry_points=True)
    result = testing.invoke(["--strict", "plugins", "--json"], host=host)
    assert result.exit_code == 0, result.output
    assert host.failures == []
    plugins = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert plugins["Audit"]["hooks"] == ["register_metrics"] and plugins["Audit"]["metrics"] == []
    assert "nps" in plugins["cxframe-nps"]["metrics"]  # the wrapper returned the built-ins' metrics


def test_an_old_style_hookwrapper_works_too() -> None:
    old = OldStyle()
    host = testing.plugin_host(toy_plugin, old)
    registry = build_registry(host)
    assert host.failures == []
    assert [[c.id for c in checks] for checks in old.seen[0]] == [["toy.has-data"]]
    assert registry.checks.ids() == ["toy.has-data", "old-style"]
    assert registry.checks.plugin_of("old-style") == "OldStyle"
    strict = testing.invoke(["--strict", "plugins"], host=testing.plugin_host(toy_plugin, OldStyle()))
    assert strict.exit_code == 0, strict.output


@pytest.mark.parametrize("style", [BrokenWrapper, BrokenOldStyle])
@pytest.mark.parametrize(
    ("where", "error"),
    [
        ("before", "RuntimeError: wrapper broke before"),
        ("after", "RuntimeError: wrapper broke after"),
        ("no yield", "RuntimeError: the wrapper did not yield"),
        ("twice", "RuntimeError: the wrapper yielded more than once"),
    ],
)
def test_a_wrapper_that_raises_is_named_and_left_out(style: type[BrokenWrapper], where: str, error: str) -> None:
    host = testing.plugin_host(toy_plugin, style(where))
    registry = build_registry(host)
    assert registry.metrics.ids() == ["mean_score"]
    assert registry.metrics.plugin_of("mean_score") == "tests.toy_plugin"
    [failure] = host.failures
    assert (failure.plugin, failure.hook, failure.error) == (style.__name__, "register_metrics", error)
    strict = testing.invoke(["--strict", "plugins"], host=testing.plugin_host(toy_plugin, style(where)))
    assert strict.exit_code == 3
    assert f"plugin {style.__name__}: hook register_metrics failed: {error}" in strict.stderr


# --- isolation --------------------------------------------------------------------


def test_a_raising_plugin_is_named_with_its_traceback_and_the_wrapper_sees_the_others() -> None:
    audit = Audit()
    host = testing.plugin_host(toy_plugin, Raising(), audit)
    registry = build_registry(host)
    assert registry.metrics.ids() == ["mean_score"]
    assert [[m.id for m in contributed] for contributed in audit.seen[0]] == [["mean_score"]]
    [failure] = host.failures
    assert (failure.plugin, failure.hook) == ("Raising", "register_metrics")
    assert failure.error == "RuntimeError: metrics exploded"
    assert "Traceback" in failure.detail and "metrics exploded" in failure.detail


def test_results_are_paired_with_plugins_in_pluggys_order() -> None:
    class First:
        @hookimpl(tryfirst=True)
        def register_metrics(self) -> list[MetricDefinition]:
            return [metric("first")]

    class Nothing:
        @hookimpl
        def register_metrics(self) -> None:
            return None

    host = testing.plugin_host(First(), toy_plugin, Nothing(), Raising())
    answers = host.call("register_metrics", programme=None)
    assert [(plugin, [m.id for m in metrics]) for plugin, metrics in answers] == [
        ("First", ["first"]),
        ("tests.toy_plugin", ["mean_score"]),
    ]
    assert [f.plugin for f in host.failures] == ["Raising"]


def test_invalid_input_from_a_plugin_is_raised_and_a_wrapper_sees_it() -> None:
    watcher = Watcher()
    with pytest.raises(InvalidInput, match="plugins.invalid.scale"):
        build_registry(testing.plugin_host(toy_plugin, Invalid(), watcher))
    assert [type(exc) for exc in watcher.raised] == [InvalidInput]
    # `cxframe plugins`, the diagnostic command, lists every plugin all the same: that one with its problem
    result = testing.invoke(["plugins", "--json"], host=testing.plugin_host(toy_plugin, Invalid(), Watcher()))
    assert result.exit_code == 0, result.output
    assert "warning: cxframe.toml: plugins.invalid.scale: expected a number" in result.stderr
    listed = {entry["name"]: entry.get("error") for entry in json.loads(result.stdout)}
    assert listed["Invalid"] == "cxframe.toml: plugins.invalid.scale: expected a number"
    assert listed["tests.toy_plugin"] is None


# --- firstresult and historic -----------------------------------------------------


class ExtraSpecs:
    @hookspec(firstresult=True)
    def choose_colour(self, programme: Any) -> str | None:
        """The first plugin that answers chooses."""

    @hookspec(historic=True)
    def programme_opened(self, name: str) -> str | None:
        """Every plugin hears it, including those registered afterwards."""


class Colour:
    def __init__(self, name: str, answer: str | None, called: list[str]) -> None:
        self.name, self.answer, self.called = name, answer, called

    @hookimpl
    def choose_colour(self) -> str | None:
        self.called.append(self.name)
        if self.answer == "raise":
            raise RuntimeError("no colour")
        return self.answer


def host_with_extra_specs() -> PluginHost:
    host = testing.plugin_host()
    host.pm.add_hookspecs(ExtraSpecs)
    return host


def test_a_firstresult_hook_stops_at_the_first_answer() -> None:
    host = host_with_extra_specs()
    called: list[str] = []
    # pluggy calls the last registered first
    for name, answer in [("red", "red"), ("blue", "blue"), ("broken", "raise"), ("silent", None)]:
        assert host.register(Colour(name, answer, called), name)
    assert host.call("choose_colour", programme=None) == [("blue", "blue")]
    assert called == ["silent", "broken", "blue"]  # a failing plugin does not answer: the next one is asked
    assert [(f.plugin, f.hook) for f in host.failures] == [("broken", "choose_colour")]


def test_a_wrapper_of_a_firstresult_hook_gets_the_one_result() -> None:
    class Shout:
        @hookimpl(wrapper=True)
        def choose_colour(self) -> Generator[None, str | None, str | None]:
            colour = yield
            return colour.upper() if colour else colour

    host = host_with_extra_specs()
    host.register(Colour("blue", "blue", []), "blue")
    host.register(Shout(), "shout")
    assert host.call("choose_colour", programme=None) == [("blue", "BLUE")]


def test_a_historic_hook_reaches_plugins_registered_later() -> None:
    heard: list[tuple[str, str]] = []

    class Listener:
        def __init__(self, label: str, fails: bool = False) -> None:
            self.label, self.fails = label, fails

        @hookimpl
        def programme_opened(self, name: str) -> str:
            if self.fails:
                raise RuntimeError("cannot listen")
            heard.append((self.label, name))
            return self.label

    host = host_with_extra_specs()
    host.register(Listener("early"), "early")
    assert host.call("programme_opened", name="acme") == [("early", "early")]
    assert host.register(Listener("late"), "late")
    assert heard == [("early", "acme"), ("late", "acme")]
    # replayed while registering, and still isolated: recorded, not raised out of register
    assert host.register(Listener("broken", fails=True), "broken")
    assert [(f.plugin, f.hook) for f in host.failures] == [("broken", "programme_opened")]


# --- privacy rules ----------------------------------------------------------------


class Hide:
    """A privacy rule that suppresses one region, or raises."""

    def __init__(self, region: str, fails: bool = False) -> None:
        self.region, self.fails = region, fails

    @hookimpl
    def protect_metric_results(self, results: list[MetricResult], by: list[str]) -> list[MetricResult] | None:
        if self.fails:
            raise RuntimeError("rule broke")
        if "region" not in by:
            return None
        # a suppressed group keeps its segment, with no value
        return [
            attrs.evolve(r, value=None, n=None, ci_low=None, ci_high=None, flags=("suppressed",))
            if r.segment.get("region") == self.region
            else r
            for r in results
        ]


class Seer:
    """A privacy rule that only looks: it sees what the rules before it left."""

    def __init__(self) -> None:
        self.seen: list[dict[str | None, float | None]] = []

    @hookimpl
    def protect_metric_results(self, results: list[MetricResult]) -> None:
        self.seen.append({r.segment.get("region"): r.value for r in results})


class CountCalls:
    def __init__(self) -> None:
        self.calls = 0

    @hookimpl(wrapper=True)
    def protect_metric_results(self) -> Generator[None, Any, Any]:
        self.calls += 1
        return (yield)


@pytest.fixture
def collected(programme: Path) -> Path:
    rows = [(f"r{i}", "score", str(3 + i % 5), "2026-01-05T10:00:00Z", ("north", "south")[i % 2]) for i in range(40)]
    write_answers(programme / "answers.csv", rows)
    cxframe.collect(programme, host=testing.plugin_host(toy_plugin))
    return programme


def test_privacy_rules_answer_in_turn_through_the_host(collected: Path) -> None:
    seer, counter = Seer(), CountCalls()
    host = testing.plugin_host(toy_plugin, seer, Hide("north"), counter)
    results = cxframe.measure(collected, ["mean_score"], by=["region"], host=host)
    assert host.failures == []
    shown = {r.segment["region"]: r for r in results}
    assert shown["north"].value is None and shown["north"].flags == ("suppressed",)
    assert shown["south"].value is not None
    assert seer.seen == [{"north": None, "south": shown["south"].value}]  # Hide (registered last) answered first
    assert counter.calls == 2  # the wrapper wraps each rule's call


def test_a_privacy_rule_that_raises_suppresses_every_result(collected: Path) -> None:
    host = testing.plugin_host(toy_plugin, Hide("north", fails=True))
    results = cxframe.measure(collected, ["mean_score"], by=["region"], host=host)
    assert [r.value for r in results] == [None, None]
    [failure] = host.failures
    assert (failure.plugin, failure.hook, failure.error) == (
        "Hide",
        "protect_metric_results",
        "RuntimeError: rule broke",
    )


# --- tracing ----------------------------------------------------------------------


def test_trace_reports_every_hook_call_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXFRAME_TRACE", "1")
    host = load_plugins(entry_points=False, extra=[toy_plugin, Raising(), Audit()])
    result = testing.invoke(["plugins"], host=host)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "cxframe: calling register_metrics on Audit (wrapper), Raising, tests.toy_plugin" in lines
    assert "cxframe: register_metrics returned 1 result; failed: Raising" in lines
    assert "cxframe: calling register_collectors on tests.toy_plugin" in lines


def test_trace_comes_from_pluggys_hook_call_monitoring(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CXFRAME_TRACE", "1")
    host = load_plugins(entry_points=False, extra=[toy_plugin])
    host.pm.hook.register_collectors(programme=None)  # not through PluginHost.call: traced all the same
    assert capsys.readouterr().err.splitlines() == [
        "cxframe: calling register_collectors on tests.toy_plugin",
        "cxframe: register_collectors returned 1 result",
    ]


def test_no_trace_without_the_variable(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CXFRAME_TRACE", raising=False)
    build_registry(load_plugins(entry_points=False, extra=[toy_plugin]))
    assert capsys.readouterr().err == ""
