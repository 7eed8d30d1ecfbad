"""What a plugin developer ran into with plugin names and loading (the plugindev report).

A client plugin is installed here as pip would install it: a ``*.dist-info``
folder (distribution ``cxframe-acme``, entry point ``acme = "cxframe_acmetest"``)
and its module, both on the import path, so ``importlib.metadata`` finds it
as it finds an installed distribution.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import cxframe
from cxframe import testing
from cxframe.api._opening import open_programme
from cxframe.host._manager import load_plugins

ACME = """
from cxframe import Check, CheckResult, CheckStatus, hookimpl

NAME = "cxframe-acme"


def _min(run):
    settings = run.programme.plugin_settings(NAME)
    return CheckResult(status=CheckStatus.PASS, evidence=(f"min_per_branch {settings.get('min_per_branch', 5)}",))


@hookimpl
def register_checks(programme):
    return [Check(id="acme.coverage", title="Every branch has answers", run=_min)]
"""


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """cxframe-acme "pip-installed" in a temporary site folder (only it and the built-ins load)."""
    site = tmp_path / "site"
    dist_info = site / "cxframe_acme-0.1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: cxframe-acme\nVersion: 0.1.0\n", encoding="utf-8")
    (dist_info / "entry_points.txt").write_text("[cxframe]\nacme = cxframe_acmetest\n", encoding="utf-8")
    (site / "cxframe_acmetest.py").write_text(ACME, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("CXFRAME_LOAD_PLUGINS", "cxframe-acme,cxframe-nps")
    monkeypatch.delitem(sys.modules, "cxframe_acmetest", raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # tests rewrite the module: never a stale .pyc
    yield site
    sys.modules.pop("cxframe_acmetest", None)


def _programme(directory: Path, tables: str) -> Path:
    root = testing.make_programme(directory)
    with (root / "cxframe.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n" + tables)
    return root


@pytest.mark.parametrize("spelling", ["cxframe-acme", "cxframe_acme", "CXFrame.Acme", "cxframe__acme"])
def test_a_plugins_settings_are_found_under_any_spelling_of_its_name(tmp_path: Path, spelling: str) -> None:
    root = _programme(tmp_path, f'[plugins."{spelling}"]\nmin_per_branch = 15\n')
    programme = cxframe.load_programme(root)
    assert programme.plugin_settings("cxframe-acme") == {"min_per_branch": 15}
    assert programme.plugin_settings("cxframe_acme") == {"min_per_branch": 15}
    assert programme.plugin_settings("cxframe-other") == {}


def test_an_underscore_table_reaches_the_plugin_through_the_cli(tmp_path: Path, acme: Path) -> None:
    root = _programme(tmp_path, "[plugins.cxframe_acme]\nmin_per_branch = 15\n")
    validated = testing.invoke(["-C", str(root), "validate"], host=load_plugins())
    assert validated.exit_code == 0, validated.output
    assert "warning" not in validated.stderr
    checked = testing.invoke(["-C", str(root), "check", "--json"], host=load_plugins())
    assert checked.exit_code == 0, checked.output
    [result] = [row for row in json.loads(checked.stdout) if row["check"] == "acme.coverage"]
    assert result["evidence"] == ["min_per_branch 15"]


def test_a_built_in_plugins_underscore_table_is_read(tmp_path: Path, acme: Path) -> None:
    root = _programme(tmp_path, "[plugins.cxframe_nps]\ncsat_scale = [1, 7]\n")
    with open_programme(root, load_plugins()) as opened:
        assert opened.registry.metrics.get("csat").scale_max == 7


def test_two_tables_of_one_plugin_are_a_validate_problem(tmp_path: Path) -> None:
    root = _programme(tmp_path, '[plugins.cxframe-acme]\ntop_box = 4\n\n[plugins."cxframe_acme"]\ntop_box = 5\n')
    problems = cxframe.validate(root, host=testing.plugin_host())
    assert problems == [
        f"{root / 'cxframe.toml'}: plugins.cxframe_acme: the same plugin's settings as plugins.cxframe-acme (names "
        "compare as package names do: case, '-', '_' and '.' are alike), so only one table would be read; "
        "merge them into one"
    ]
    result = testing.invoke(["-C", str(root), "validate"], host=testing.plugin_host())
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "plugins.cxframe_acme: the same plugin's settings as plugins.cxframe-acme" in result.stderr


def test_a_table_named_after_the_entry_point_gets_a_did_you_mean(tmp_path: Path, acme: Path) -> None:
    root = _programme(tmp_path, "[plugins.acme]\nmin_per_branch = 15\n")
    [problem] = cxframe.validate(root, host=load_plugins())
    assert "plugins.acme: no installed plugin is called 'acme', so nothing reads these settings" in problem
    assert "did you mean 'cxframe-acme'?" in problem
    result = testing.invoke(["-C", str(root), "validate"], host=load_plugins())
    assert result.exit_code == 1 and "did you mean 'cxframe-acme'?" in result.stderr


# --- a plugin that fails to load is named first, once, and by what follows (plugindev findings 3 and 4) ---

BROKEN_HOOK = """

@hookimpl
def stage_startd(stage, run):
    pass
"""

WITH_COLLECTOR = """

from cxframe import Collector


def _rows(source):
    return iter(())


@hookimpl
def register_collectors():
    return [Collector(id="acme-csv", description="Acme CRM exports", read=_rows)]
"""


def _break(site: Path, extra: str) -> None:
    (site / "cxframe_acmetest.py").write_text(ACME + WITH_COLLECTOR + extra, encoding="utf-8")


def _acme_programme(directory: Path) -> Path:
    root = testing.make_programme(directory, sources=[{"id": "acme", "collector": "acme-csv", "path": "export.csv"}])
    (root / "export.csv").write_text("id\n1\n", encoding="utf-8")
    with (root / "cxframe.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[plugins.cxframe-acme]\nmin_per_branch = 15\n")
    return root


def test_a_load_failure_comes_first_once_and_is_named_by_the_unknown_collector(tmp_path: Path, acme: Path) -> None:
    _break(acme, BROKEN_HOOK)
    root = _acme_programme(tmp_path / "p")
    result = testing.invoke(["-C", str(root), "collect"], host=load_plugins())
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    failure = (
        "warning: plugin cxframe-acme: failed to load: unknown hook 'stage_startd' (did you mean 'stage_started'?)"
    )
    assert lines[0] == failure and lines.count(failure) == 1
    assert "in plugin <module" not in result.stderr
    # installed, though not loaded: its settings table is not "a plugin nobody is called"
    assert "no installed plugin is called" not in result.stderr
    assert (
        "unknown collector 'acme-csv' (known: qualtrics, survey-csv, survey-jsonl, survey-xlsx, surveymonkey); "
        "plugin cxframe-acme failed to load, so the collectors it registers are missing" in result.stderr
    )
    problems = cxframe.validate(root, host=load_plugins())
    assert problems == [
        failure.removeprefix("warning: "),
        f"{root / 'cxframe.toml'}: sources[0].collector: unknown collector 'acme-csv' (known: survey-csv, "
        "survey-jsonl, survey-xlsx, qualtrics, surveymonkey); plugin cxframe-acme failed to load, so the collectors it "
        "registers are missing",
    ]
    # validate lists it first among its problems, once, and not also as a warning
    strict = testing.invoke(["--strict", "-C", str(root), "validate"], host=load_plugins())
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[0] == failure.removeprefix("warning: ") and "warning" not in strict.stderr


def test_plugins_json_lists_a_plugin_that_failed_to_load_with_its_error(tmp_path: Path, acme: Path) -> None:
    _break(acme, BROKEN_HOOK)
    result = testing.invoke(["-C", str(tmp_path), "plugins", "--json"], host=load_plugins())
    assert result.exit_code == 0, result.output
    [entry] = [entry for entry in json.loads(result.stdout) if entry["name"] == "cxframe-acme"]
    assert entry == {
        "name": "cxframe-acme",
        "version": "0.1.0",
        "hooks": [],
        "collectors": [],
        "metrics": [],
        "assessments": [],
        "checks": [],
        "reporters": [],
        "error": "unknown hook 'stage_startd' (did you mean 'stage_started'?)",
    }
    # the loaded plugins keep the public shape, with no error key
    assert all("error" not in other for other in json.loads(result.stdout) if other["name"] != "cxframe-acme")
    table = testing.invoke(["-C", str(tmp_path), "plugins"], host=load_plugins())
    assert "failed to load" in table.stdout and "stage_startd" in table.stdout


def test_a_misspelt_hook_argument_is_one_line_with_a_did_you_mean(acme: Path) -> None:
    _break(acme, "\n\n@hookimpl\ndef register_assessments(programm):\n    return []\n")
    [failure] = [failure for failure in load_plugins().failures if failure.plugin == "cxframe-acme"]
    assert failure.error == (
        "hook register_assessments: register_assessments(programm) takes 'programm', which register_assessments "
        "does not pass (it passes programme) (did you mean 'programme'?)"
    )


def test_measure_says_a_plugins_metrics_are_missing_rather_than_to_collect(tmp_path: Path, acme: Path) -> None:
    _break(acme, "\n\n@hookimpl\ndef register_metrics(programme):\n    raise RuntimeError('acme crashed')\n")
    root = _acme_programme(tmp_path / "p")
    result = testing.invoke(["-C", str(root), "measure"], host=load_plugins())
    assert result.exit_code == 0, result.output
    assert "run `cxframe collect`" not in result.stdout
    assert (
        "no results: plugin cxframe-acme failed in register_metrics, so the metrics it registers are missing"
        in result.stdout
    )
    assert result.stderr.count("hook register_metrics failed: RuntimeError: acme crashed") == 1


# --- the docs' test recipe with the plugin pip-installed (plugindev finding 5) ---


def test_a_plugin_given_in_code_and_installed_is_registered_once(tmp_path: Path, acme: Path) -> None:
    import cxframe_acmetest  # the installed plugin's own module, as its tests import it

    host = testing.plugin_host(cxframe_acmetest, entry_points=True)
    assert host.failures == []
    [info] = [info for info in host.plugin_infos() if info.module == "cxframe_acmetest"]
    assert (info.name, info.version) == ("cxframe-acme", "0.1.0")  # the entry point's registration
    root = testing.make_programme(tmp_path / "p")
    result = testing.invoke(
        ["--strict", "-C", str(root), "check"], host=testing.plugin_host(cxframe_acmetest, entry_points=True)
    )
    assert result.exit_code == 0, result.output
    assert "already registered" not in result.stderr


def test_registering_one_plugin_object_twice_by_hand_is_still_a_failure() -> None:
    from tests import toy_plugin

    host = testing.plugin_host(toy_plugin)
    assert not host.register(toy_plugin, "again")
    assert [str(failure) for failure in host.failures] == [
        "plugin again: failed to load: already registered as tests.toy_plugin"
    ]


# --- smaller findings: settings errors in `plugins` and `validate`, CXFRAME_LOAD_PLUGINS names (8, 9) ---

BAD_SETTING = """

from cxframe import InvalidInput


@hookimpl
def register_metrics(programme):
    top_box = programme.plugin_settings(NAME).get("top_box", 4) if programme is not None else 4
    if not 1 <= top_box <= 5:
        raise InvalidInput([f"plugins.{NAME}.top_box: {top_box!r} is not a whole number from 1 to 5"])
    return []
"""


DECLARED_METRIC = """
[[plugins.cxframe-nps.metrics]]
id = "branch_sat"
title = "Branch satisfaction"
question = "sat"
kind = "mean"
"""


def test_plugins_lists_every_plugin_with_the_settings_problem_on_its_own(tmp_path: Path, acme: Path) -> None:
    _break(acme, BAD_SETTING)
    root = _programme(tmp_path / "p", "[plugins.cxframe-acme]\ntop_box = 9\n" + DECLARED_METRIC)
    problem = f"{root / 'cxframe.toml'}: plugins.cxframe-acme.top_box: 9 is not a whole number from 1 to 5"
    listed = testing.invoke(["-C", str(root), "plugins", "--json"], host=load_plugins())
    assert listed.exit_code == 0, listed.output
    entries = {entry["name"]: entry for entry in json.loads(listed.stdout)}
    # the plugin with the problem: what it did register, and the problem in the trailing error key
    assert list(entries["cxframe-acme"]) == [
        "name", "version", "hooks", "collectors", "metrics", "assessments", "checks", "reporters", "error"
    ]  # fmt: skip
    assert entries["cxframe-acme"]["error"] == problem
    assert entries["cxframe-acme"]["checks"] == ["acme.coverage"]
    assert entries["cxframe-acme"]["collectors"] == ["acme-csv"]
    assert entries["cxframe-acme"]["metrics"] == []
    # the other plugins read the programme as usual (a metric declared in the file) and keep the §11 keys
    assert "branch_sat" in entries["cxframe-nps"]["metrics"]
    assert list(entries["cxframe-nps"]) == [
        "name", "version", "hooks", "collectors", "metrics", "assessments", "checks", "reporters"
    ]  # fmt: skip
    assert listed.stderr.splitlines() == [f"warning: {problem}"]
    table = testing.invoke(["-C", str(root), "plugins"], host=load_plugins())
    assert table.exit_code == 0, table.output
    acme_block = table.stdout[table.stdout.index("cxframe-acme") : table.stdout.index("cxframe-nps")]
    assert "settings" in acme_block and "top_box:9isnotawholenumber" in "".join(acme_block.split())
    assert "ignoring the programme" not in table.stderr


def test_validate_names_the_file_on_a_plugins_settings_problem(tmp_path: Path, acme: Path) -> None:
    _break(acme, BAD_SETTING)
    root = _programme(tmp_path / "p", "[plugins.cxframe-acme]\ntop_box = 9\n")
    problem = f"{root / 'cxframe.toml'}: plugins.cxframe-acme.top_box: 9 is not a whole number from 1 to 5"
    assert cxframe.validate(root, host=load_plugins()) == [problem]
    validated = testing.invoke(["-C", str(root), "validate"], host=load_plugins())
    assert validated.exit_code == 1
    assert validated.stderr.splitlines() == [problem, "error: 1 problem(s) found"]


def test_load_plugins_names_compare_as_package_names(acme: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXFRAME_LOAD_PLUGINS", "cxframe_acme")
    host = load_plugins()
    assert [info.name for info in host.plugin_infos()] == ["cxframe-acme"] and host.notes == []


def test_load_plugins_with_the_entry_point_name_says_so(
    tmp_path: Path, acme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXFRAME_LOAD_PLUGINS", "acme")
    result = testing.invoke(["-C", str(tmp_path), "plugins"], host=load_plugins())
    assert result.exit_code == 0 and "no plugins installed" in result.stdout
    assert (
        "warning: CXFRAME_LOAD_PLUGINS names no installed plugin: 'acme' (did you mean 'cxframe-acme'? installed: "
        in result.stderr
    )


# --- validate counts a plugin that failed to load as a problem: its collectors, metrics and checks cannot run ---


def test_validate_counts_a_plugin_that_failed_to_load_as_a_problem_named_once(tmp_path: Path, acme: Path) -> None:
    _break(acme, BROKEN_HOOK)
    root = testing.make_programme(tmp_path / "p")  # nothing in it names the plugin: its checks alone cannot run
    failed = "plugin cxframe-acme: failed to load: unknown hook 'stage_startd' (did you mean 'stage_started'?)"
    assert cxframe.validate(root, host=load_plugins()) == [failed]
    for strict in ([], ["--strict"]):
        result = testing.invoke([*strict, "-C", str(root), "validate"], host=load_plugins())
        assert result.exit_code == 1, result.output
        assert "valid" not in result.stdout
        # listed with the other problems, and not also as a warning before or after them
        assert result.stderr.splitlines() == [failed, "error: 1 problem(s) found"]


def test_validate_lists_a_load_failure_first_then_what_it_causes(tmp_path: Path, acme: Path) -> None:
    _break(acme, BROKEN_HOOK)
    root = _acme_programme(tmp_path / "p")
    problems = cxframe.validate(root, host=load_plugins())
    assert problems[0].startswith("plugin cxframe-acme: failed to load: unknown hook 'stage_startd'")
    assert problems[1].startswith(f"{root / 'cxframe.toml'}: sources[0].collector: unknown collector 'acme-csv'")
    assert len(problems) == 2


def test_validate_prints_a_hook_failure_once(tmp_path: Path) -> None:
    class Broken:
        __name__ = "broken"

        @cxframe.hookimpl
        def register_metrics(self) -> list[cxframe.MetricDefinition]:
            raise RuntimeError("boom")

    root = testing.make_programme(tmp_path / "p")
    result = testing.invoke(["-C", str(root), "validate"], host=testing.plugin_host(Broken()))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "plugin broken: hook register_metrics failed: RuntimeError: boom",
        "error: 1 problem(s) found",
    ]


def test_an_invalid_input_names_its_plugin_and_the_listing_leaves_only_that_plugin_out() -> None:
    from cxframe.host._registry import build_registry

    class Strict:
        __name__ = "strict-settings"

        @cxframe.hookimpl
        def register_checks(self) -> list[cxframe.Check]:
            raise cxframe.InvalidInput(["plugins.strict-settings.level: unknown level 'x'"])

    class Guard:
        """A wrapper that refuses what it wraps: the InvalidInput is its own, not the wrapped plugin's."""

        __name__ = "guard"

        @cxframe.hookimpl(wrapper=True, specname="register_checks")
        def refuse(self):  # type: ignore[no-untyped-def]
            yield
            raise cxframe.InvalidInput(["plugins.guard.mode: unknown mode"])

    from tests import toy_plugin

    host = testing.plugin_host(toy_plugin, Strict())
    with pytest.raises(cxframe.InvalidInput) as raised:
        host.call("register_checks", programme=None)
    assert raised.value.plugin == "strict-settings"
    settings: dict[str, list[str]] = {}
    registry = build_registry(host, None, settings_problems=settings)
    assert settings == {"strict-settings": ["plugins.strict-settings.level: unknown level 'x'"]}
    assert registry.checks.by_plugin("tests.toy_plugin") and host.failures == []
    guarded = testing.plugin_host(toy_plugin, Strict(), Guard())
    settings = {}
    registry = build_registry(guarded, None, settings_problems=settings)
    assert list(settings) == ["strict-settings", "guard"]
    assert registry.checks.by_plugin("tests.toy_plugin")
