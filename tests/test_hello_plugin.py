"""The example plugin ``examples/cxframe-hello`` works through the ``cxframe`` entry-point group.

Nothing is pip-installed: each test that needs the entry point writes a
``cxframe_hello-0.1.0.dist-info`` folder (``METADATA`` + ``entry_points.txt``,
what ``pip install`` would write) into a temporary folder and puts that folder
and ``examples/cxframe-hello`` on the import path, so ``importlib.metadata``
finds the distribution exactly as it finds an installed one.

The subprocess tests run the real console script (``cxframe.cli:main``) in
fresh interpreters. Starting one takes about 2 s, so they are marked ``slow``
and all started at once by one module-scoped fixture.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

from cxframe import Stage, testing
from cxframe.host._manager import load_plugins

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "cxframe-hello"
STAGES = [stage.value for stage in Stage]
CRASH = "hello crashed on purpose"
CLI = [sys.executable, "-c", "from cxframe.cli import main; main()"]


# --8<-- [start:dist-info]
def install_dist_info(site: Path) -> Path:
    """Write the metadata ``pip install`` would write for cxframe-hello 0.1.0 into ``site``."""
    dist_info = site / "cxframe_hello-0.1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cxframe-hello\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text("[cxframe]\nhello = cxframe_hello\n", encoding="utf-8")
    return site


# --8<-- [end:dist-info]


def programme(directory: Path, sponsor: str | None = None) -> Path:
    context = {"organisation": "Acme", "scope": "all customers"}
    if sponsor is not None:
        context["sponsor"] = sponsor
    return testing.make_programme(directory, name="Acme CX", context=context)


def log_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


# --8<-- [start:fixture]
@pytest.fixture
def hello(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The example plugin module, importable from ``examples/cxframe-hello``, with its switches off."""
    monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.delenv("CXFRAME_HELLO_CRASH", raising=False)
    monkeypatch.delenv("CXFRAME_HELLO_LOG", raising=False)
    return importlib.import_module("cxframe_hello")


# --8<-- [end:fixture]


# --- in process: cxframe.testing, the way a plugin author tests -----------------


# --8<-- [start:tutorial]
def test_sponsor_check_fails_without_a_sponsor(tmp_path: Path, hello: ModuleType) -> None:
    host = testing.plugin_host(hello)  # a fresh host with only this plugin registered
    root = testing.make_programme(tmp_path / "programme", context={"organisation": "Acme"})
    testing.run_stage(root, "improve", host=host)  # checks run in the improve stage
    [row] = testing.read_table(root, "check_results")
    assert (row["check"], row["status"], row["stage"]) == ("hello.sponsor", "fail", "context")
    [finding] = testing.read_table(root, "findings")  # a failed check becomes a finding
    assert finding["title"] == "The programme names no leadership sponsor"  # titled with the problem


def test_stage_hooks_see_the_five_stages_in_order(
    tmp_path: Path, hello: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "hello.log"
    monkeypatch.setenv("CXFRAME_HELLO_LOG", str(log))
    root = testing.make_programme(tmp_path / "programme", context={"sponsor": "Chief Customer Officer"})
    result = testing.invoke(["-C", str(root), "run"], host=testing.plugin_host(hello))  # the real CLI, in-process
    assert result.exit_code == 0, result.output
    assert log.read_text(encoding="utf-8").splitlines() == [
        *("started context", "finished context ok", "started plan", "finished plan ok"),
        *("started design", "finished design ok", "started measure", "finished measure ok"),
        *("started improve", "finished improve ok"),
    ]


def test_a_crashing_hook_is_reported_and_the_run_goes_on(
    tmp_path: Path, hello: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXFRAME_HELLO_CRASH", "stage_finished")
    root = testing.make_programme(tmp_path / "programme")
    result = testing.invoke(["-C", str(root), "run", "--json"], host=testing.plugin_host(hello))
    assert result.exit_code == 0
    stages = [outcome["stage"] for outcome in json.loads(result.stdout)]
    assert stages == ["context", "plan", "design", "measure", "improve"]  # every stage ran
    assert "hook stage_finished failed: RuntimeError: hello crashed on purpose" in result.stderr

    strict = testing.invoke(["-C", str(root), "run", "--strict"], host=testing.plugin_host(hello))
    assert strict.exit_code == 3


# --8<-- [end:tutorial]


def test_entry_point_is_found_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hello: ModuleType) -> None:
    monkeypatch.syspath_prepend(str(install_dist_info(tmp_path / "site")))  # also invalidates import caches
    host = load_plugins()
    assert host.failures == []
    info = {info.name: info for info in host.plugin_infos()}["cxframe-hello"]
    assert info.version == "0.1.0"
    assert info.module == "cxframe_hello"
    assert set(info.hooks) == {"register_checks", "register_commands", "stage_started", "stage_finished"}


def test_entry_point_respects_cxframe_load_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hello: ModuleType
) -> None:
    monkeypatch.syspath_prepend(str(install_dist_info(tmp_path / "site")))
    monkeypatch.setenv("CXFRAME_LOAD_PLUGINS", "cxframe-hello")
    assert [info.name for info in load_plugins().plugin_infos()] == ["cxframe-hello"]
    monkeypatch.setenv("CXFRAME_LOAD_PLUGINS", "")
    assert load_plugins().plugin_infos() == []


def test_plugins_json_in_process(hello: ModuleType) -> None:
    result = testing.invoke(["plugins", "--json"], host=testing.plugin_host(hello))
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)
    # registered by testing.plugin_host, the plugin is named after its module and has no version
    assert entry["name"] == "cxframe_hello"
    assert entry["checks"] == ["hello.sponsor"]
    assert set(entry["hooks"]) >= {"register_checks", "register_commands", "stage_started", "stage_finished"}


def test_plugins_table_is_what_the_tutorial_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hello: ModuleType
) -> None:
    monkeypatch.syspath_prepend(str(install_dist_info(tmp_path / "site")))
    monkeypatch.setenv("CXFRAME_LOAD_PLUGINS", "cxframe-hello")
    result = testing.invoke(["plugins"], host=load_plugins())
    assert result.exit_code == 0, result.output
    printed = [line.rstrip() for line in result.stdout.splitlines() if line.strip()]
    tutorial = (REPO / "docs" / "writing-a-plugin.md").read_text(encoding="utf-8")
    shown = tutorial.split("$ cxframe plugins\n", 1)[1].split("...\n", 1)[0].splitlines()
    assert printed == shown


@pytest.mark.parametrize(("sponsor", "status"), [("Chief Customer Officer", "pass"), (None, "fail")])
def test_sponsor_check(tmp_path: Path, hello: ModuleType, sponsor: str | None, status: str) -> None:
    root = programme(tmp_path / "programme", sponsor)
    result = testing.invoke(["-C", str(root), "check", "--json"], host=testing.plugin_host(hello))
    assert result.exit_code == 0, result.output
    [check] = json.loads(result.stdout)
    assert check["check"] == "hello.sponsor"
    assert check["plugin"] == "cxframe_hello"
    assert check["status"] == status
    assert check["severity"] == "high"
    # a pass reads as the check's title, a failure as the problem
    assert check["title"] == (
        "The programme names a leadership sponsor" if sponsor else "The programme names no leadership sponsor"
    )
    if sponsor:
        assert check["evidence"] == [f"context.sponsor is {sponsor!r}"]
        assert check["recommendation"] == ""
    else:
        assert "no sponsor" in check["evidence"][0]
        assert "sponsor =" in check["recommendation"]


def test_stage_hooks_write_nothing_without_the_variable(
    tmp_path: Path, hello: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = programme(tmp_path / "programme")
    testing.run_stage(root, ["context", "plan"], host=testing.plugin_host(hello))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["programme"]


def test_a_crashing_register_checks_leaves_the_other_commands_working(
    tmp_path: Path, hello: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXFRAME_HELLO_CRASH", "register_checks")
    root = programme(tmp_path / "programme")
    result = testing.invoke(["-C", str(root), "check", "--json"], host=testing.plugin_host(hello))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert f"plugin cxframe_hello: hook register_checks failed: RuntimeError: {CRASH}" in result.stderr
    greeting = testing.invoke(["-C", str(root), "hello"], host=testing.plugin_host(hello))
    assert greeting.exit_code == 0
    assert "Hello from cxframe-hello, Acme CX!" in greeting.stdout


@pytest.mark.parametrize("where", ["before", "after"])
def test_hello_command(tmp_path: Path, hello: ModuleType, where: str) -> None:
    root = programme(tmp_path / "programme", "Ada Lovelace")
    args = ["-C", str(root), "hello"] if where == "before" else ["hello", "-C", str(root)]
    result = testing.invoke(args, host=testing.plugin_host(hello))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Hello from cxframe-hello, Acme CX!",
        "Your leadership sponsor is Ada Lovelace.",
    ]


def test_hello_command_is_listed_and_reports_a_missing_programme(tmp_path: Path, hello: ModuleType) -> None:
    listing = testing.invoke(["--help"], host=testing.plugin_host(hello))
    assert "hello" in listing.stdout
    result = testing.invoke(["hello", "-C", str(tmp_path)], host=testing.plugin_host(hello))
    assert result.exit_code == 1
    assert "error:" in result.stderr and "no programme file here" in result.stderr


# --- subprocesses: the installed-plugin path, end to end -------------------------


@attrs.frozen
class Ran:
    returncode: int
    stdout: str
    stderr: str
    log: list[str]

    def json(self) -> Any:
        return json.loads(self.stdout)


#: name → (arguments, programme sponsor or None, extra environment)
INVOCATIONS: dict[str, tuple[list[str], str | None, dict[str, str]]] = {
    "plugins": (["plugins", "--json"], None, {}),
    "run": (["run", "--json"], None, {}),
    "run-crash": (["run"], None, {"CXFRAME_HELLO_CRASH": "stage_finished"}),
    "run-crash-strict": (["run", "--strict"], None, {"CXFRAME_HELLO_CRASH": "stage_finished"}),
    "check-sponsor": (["check", "--json"], "CCO", {}),
    "check-no-sponsor": (["check", "--json"], None, {}),
    "hello": (["hello"], "Ada Lovelace", {}),
}


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Ran]]:
    """Run every invocation of :data:`INVOCATIONS` in its own process and programme, all at once."""
    base = tmp_path_factory.mktemp("hello-cli")
    site = install_dist_info(base / "site")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CXFRAME_")}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(site), str(EXAMPLE), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    started = {}
    for name, (args, sponsor, extra) in INVOCATIONS.items():
        root = programme(base / name, sponsor)
        env = {**environment, **extra, "CXFRAME_HELLO_LOG": str(base / f"{name}.log")}
        started[name] = subprocess.Popen(
            [*CLI, "-C", str(root), *args],
            env=env,
            cwd=base,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
    results = {}
    try:
        for name, process in started.items():
            stdout, stderr = process.communicate(timeout=120)
            results[name] = Ran(process.returncode, stdout, stderr, log_lines(base / f"{name}.log"))
        yield results
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()


@pytest.mark.slow
def test_cli_plugins_lists_the_installed_plugin(cli: dict[str, Ran]) -> None:
    ran = cli["plugins"]
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr == ""
    entry = {plugin["name"]: plugin for plugin in ran.json()}["cxframe-hello"]
    assert entry["version"] == "0.1.0"
    assert set(entry["hooks"]) >= {"register_checks", "register_commands", "stage_started", "stage_finished"}
    assert entry["checks"] == ["hello.sponsor"]
    assert entry["collectors"] == entry["metrics"] == entry["assessments"] == entry["reporters"] == []


@pytest.mark.slow
def test_cli_run_fires_the_stage_hooks_in_order(cli: dict[str, Ran]) -> None:
    ran = cli["run"]
    assert ran.returncode == 0, ran.stderr
    assert [line for line in ran.log if line.startswith("started ")] == [f"started {stage}" for stage in STAGES]
    assert [line for line in ran.log if line.startswith("finished ")] == [f"finished {stage} ok" for stage in STAGES]
    improve = ran.json()[-1]
    assert improve["stage"] == "improve"
    assert improve["counts"]["checks_fail"] == 1  # hello.sponsor, as the programme names no sponsor


@pytest.mark.slow
def test_cli_run_survives_a_crashing_hook(cli: dict[str, Ran]) -> None:
    ran = cli["run-crash"]
    assert ran.returncode == 0, ran.stderr
    warning = f"warning: plugin cxframe-hello: hook stage_finished failed: RuntimeError: {CRASH}"
    assert ran.stderr.splitlines() == [warning] * 5
    assert ran.log == [f"started {stage}" for stage in STAGES]
    assert "improve" in ran.stdout  # the table of outcomes lists every stage


@pytest.mark.slow
def test_cli_run_strict_exits_3_when_a_hook_crashed(cli: dict[str, Ran]) -> None:
    ran = cli["run-crash-strict"]
    assert ran.returncode == 3
    assert "plugin cxframe-hello: hook stage_finished failed" in ran.stderr
    assert "5 plugin failure(s) under --strict" in ran.stderr
    assert ran.log == [f"started {stage}" for stage in STAGES]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "status"), [("check-sponsor", "pass"), ("check-no-sponsor", "fail")])
def test_cli_check_reports_the_sponsor_check(cli: dict[str, Ran], name: str, status: str) -> None:
    ran = cli[name]
    assert ran.returncode == 0, ran.stderr
    [check] = [result for result in ran.json() if result["check"] == "hello.sponsor"]
    assert check["plugin"] == "cxframe-hello"
    assert check["status"] == status


@pytest.mark.slow
def test_cli_hello_command(cli: dict[str, Ran]) -> None:
    ran = cli["hello"]
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == ["Hello from cxframe-hello, Acme CX!", "Your leadership sponsor is Ada Lovelace."]


def test_example_declares_the_entry_point() -> None:
    """The pyproject of the example and the dist-info these tests fake say the same thing."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert (project["name"], project["version"]) == ("cxframe-hello", "0.1.0")
    assert project["entry-points"]["cxframe"] == {"hello": "cxframe_hello"}
    assert "cxframe" in project["dependencies"]
