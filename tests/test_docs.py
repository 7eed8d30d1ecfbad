"""The documentation must not drift from the code.

Each test reads a page under ``docs/`` and compares it with what the code
declares: hook names and docstrings, programme-file keys, CLI commands, the
quick start's commands and output, and the examples shown on the pages (which
are run here). ``mkdocs build --strict`` itself runs in CI, not here.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import textwrap
import tomllib
import types
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]

import cxframe
from cxframe import testing
from cxframe.cli import BUILTIN_COMMANDS
from cxframe.cli._common import EXIT_PLUGIN_FAILED
from cxframe.contracts import _maturity as maturity
from cxframe.contracts import _plugins as extensions
from cxframe.contracts import _records as contracts
from cxframe.contracts import _sections as sections
from cxframe.host import _hookspecs as hookspecs
from cxframe.host import _manager as plugins
from cxframe.host._registry import build_registry
from cxframe.programme import _file as programme
from cxframe.programme.examples import starter
from tests import toy_plugin

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = ("index", "quickstart", "concepts", "programme", "cli", "hooks", "api", "testing")

FENCE = re.compile(r"^(?P<indent>[ ]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.M | re.S)


def page(name: str) -> str:
    return (DOCS / f"{name}.md").read_text(encoding="utf-8")


def code_blocks(text: str, language: str | None = None) -> list[tuple[str, str]]:
    """``(info string, body)`` of every fenced block, optionally of one language."""
    blocks = []
    for match in FENCE.finditer(text):
        info = match["info"].strip()
        if language is not None and info.split(" ")[0] != language:
            continue
        blocks.append((info, textwrap.dedent(match["body"])))
    return blocks


def titled_blocks(text: str) -> dict[str, str]:
    """Blocks with ``title="file.py"``, by title."""
    titled = {}
    for info, body in code_blocks(text):
        found = re.search(r'title="([^"]+)"', info)
        if found:
            titled[found[1]] = body
    return titled


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


# --- site structure -----------------------------------------------------------


def test_every_page_is_in_the_nav_and_exists() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["strict"] is True
    nav_files = [next(iter(entry.values())) for entry in config["nav"]]
    for name in PAGES:
        assert f"{name}.md" in nav_files, f"docs/{name}.md is not in the nav of mkdocs.yml"
    for file in nav_files:
        assert (DOCS / file).is_file(), f"mkdocs.yml's nav names docs/{file}, which does not exist"


# --- hooks ----------------------------------------------------------------------


def hook_specs() -> dict[str, object]:
    return {
        name: function
        for name, function in vars(hookspecs).items()
        if inspect.isfunction(function) and hasattr(function, "cxframe_spec")
    }


def test_every_hook_documents_what_it_returns() -> None:
    specs = hook_specs()
    assert "register_collectors" in specs and "stage_finished" in specs
    for name, function in specs.items():
        doc = inspect.getdoc(function) or ""
        assert ":return:" in doc, f"hook {name} has no ':return:' in its docstring"


def test_hook_reference_is_generated_from_the_hookspecs() -> None:
    text = page("hooks")
    assert "::: cxframe.host._hookspecs" in text
    for name in hook_specs():
        assert f"- {name}" in text, f"hook {name} is missing from the members list in docs/hooks.md"
    for name in ("Collector", "Check", "Reporter"):
        assert name in extensions.__all__
    assert "Assessment" in maturity.__all__
    # what plugins register is documented under the public names plugins import
    for name in ("Collector", "Check", "Assessment", "Reporter"):
        assert f"::: cxframe.{name}\n" in text, f"{name} is missing from docs/hooks.md"
    aliases = {"CORE_SECTIONS": "CORE_REPORT_SECTIONS", "ROLES": "REPORT_ROLES"}
    for name in sections.__all__:
        if name not in ("Chart", "section_json"):  # a type alias, and the JSON the core writes
            public = aliases.get(name, name)
            assert getattr(cxframe, public) is getattr(sections, name)
            assert f"::: cxframe.{public}\n" in text, f"{public} is missing from docs/hooks.md"


def test_reference_pages_name_public_objects_only() -> None:
    """The API and hook pages document what plugins import: ``cxframe.Name``, not a private module's path."""
    for name in ("api", "hooks"):
        for line in page(name).splitlines():
            if line.startswith("::: cxframe."):
                target = line.removeprefix("::: ").strip()
                assert "._" not in target or target == "cxframe.host._hookspecs", f"docs/{name}.md: {line}"
                if "._" not in target:
                    assert hasattr(cxframe, target.removeprefix("cxframe.")), f"docs/{name}.md: {line}"


def test_hook_page_example_registers_a_metric() -> None:
    example = code_blocks(page("hooks"), "python")[0][1]
    namespace: dict[str, object] = {}
    exec(example, namespace)
    register_metrics = namespace["register_metrics"]
    assert callable(register_metrics)
    [metric] = register_metrics(None)
    assert isinstance(metric, contracts.MetricDefinition)


def test_hook_page_wrapper_example_wraps_the_other_plugins(capsys: pytest.CaptureFixture[str]) -> None:
    [_, (_, example)] = code_blocks(page("hooks"), "python")
    wrapper = types.ModuleType("timing_wrapper")
    exec(example, vars(wrapper))
    host = testing.plugin_host(toy_plugin, wrapper)
    registry = build_registry(host)
    assert host.failures == []
    assert registry.metrics.plugin_of("mean_score") == "tests.toy_plugin"
    assert "1 metric(s) in " in capsys.readouterr().err


# --- programme file -------------------------------------------------------------

PROGRAMME_CLASSES = (
    programme.ProgrammeFile,
    programme.Context,
    programme.Stakeholder,
    programme.Source,
    programme.Settings,
    contracts.Objective,
    contracts.Persona,
    contracts.Touchpoint,
    contracts.Journey,
    contracts.JourneyStage,
    contracts.Emotion,
)


@pytest.mark.parametrize("cls", PROGRAMME_CLASSES, ids=lambda cls: cls.__name__)
def test_programme_reference_names_every_key(cls: type) -> None:
    text = page("programme")
    missing = [field.name for field in attrs.fields(cls) if f"| `{field.name}` |" not in text]
    assert not missing, f"docs/programme.md has no table row for {cls.__name__} key(s) {', '.join(missing)}"


@pytest.mark.parametrize(
    "enum", (contracts.Environment, contracts.ExperienceElement, contracts.Comparison), ids=lambda e: e.__name__
)
def test_programme_reference_lists_every_allowed_value(enum: type) -> None:
    text = page("programme")
    missing = [member.value for member in enum if f'`"{member.value}"`' not in text]  # type: ignore[attr-defined]
    assert not missing, f"docs/programme.md does not list {enum.__name__} value(s) {', '.join(missing)}"


def test_programme_reference_shows_the_starter_example_as_it_is() -> None:
    toml_blocks = [body for _, body in code_blocks(page("programme"), "toml")]
    assert starter.PROGRAMME in toml_blocks, (
        "docs/programme.md must reproduce cxframe/programme/examples/starter.toml in a toml block"
    )


def test_programme_reference_documents_every_survey_csv_column() -> None:
    collectors = pytest.importorskip("cxframe_nps.collectors")
    text = page("programme")
    for key in ("timestamp", "questions", "segments", *collectors.OPTIONAL_FIELDS):
        assert f"| `{key}` |" in text, f"survey-csv column key {key!r} is not documented in docs/programme.md"
    for question, (low, high) in collectors.DEFAULT_SCALES.items():
        assert f"`{question}`" in text and f"{low:g}–{high:g}" in text


# --- CLI --------------------------------------------------------------------------


def test_cli_reference_is_generated_and_names_every_builtin_command() -> None:
    text = page("cli")
    assert "::: mkdocs-click" in text
    assert ":module: cxframe.cli" in text
    assert ":command: cli" in text
    assert ":prog_name: cxframe" in text
    for command in BUILTIN_COMMANDS:
        assert f"`cxframe {command.name}" in text, f"cxframe {command.name} is missing from docs/cli.md"


def test_exit_codes_and_environment_variables_are_documented() -> None:
    text = page("cli")
    for code in (0, 1, 2, EXIT_PLUGIN_FAILED):
        assert f"| `{code}` |" in text, f"exit code {code} is not in docs/cli.md"
    for variable in ("CXFRAME_LOAD_PLUGINS", "CXFRAME_TRACE"):
        assert variable in (plugins.__doc__ or ""), f"{variable} is no longer described in cxframe/plugins.py"
        assert f"`{variable}`" in text, f"{variable} is not documented in docs/cli.md"


# --- quick start --------------------------------------------------------------------


def command_lines(blocks: list[tuple[str, str]]) -> list[str]:
    return [line.strip() for _, body in blocks for line in body.splitlines() if line.strip()]


def test_quick_start_commands_match_the_readme() -> None:
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("README.md does not exist yet")
    text = readme.read_text(encoding="utf-8")
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", text, re.M | re.S)
    assert section, "README.md has no '## Quick start' section"
    expected = command_lines(code_blocks(section[1], "bash")[:2])
    assert len(expected) == 2, "README.md's quick start should start with two one-line bash blocks"
    assert command_lines(code_blocks(page("quickstart"), "bash")[:2]) == expected


def test_readme_gives_the_quick_starts_light_install_and_the_docs_tools_of_the_dev_extra() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", readme, re.M | re.S)
    assert section
    light = command_lines(code_blocks(page("quickstart"), "bash")[2:3])
    assert light and light[0].startswith("pip install -e . "), (
        "docs/quickstart.md's third bash block is the light install"
    )
    assert light == command_lines(code_blocks(section[1], "bash")[2:3]), (
        "README.md's third bash block is the light install"
    )
    # the packages the README adds to the light install to serve the docs are the dev extra's mkdocs packages
    docs = re.search(r"^## Documentation\n(.*?)(?=^## )", readme, re.M | re.S)
    assert docs
    [serve] = command_lines(code_blocks(docs[1], "bash"))
    wanted = {re.split(r"[\[<>=]", name.strip('"'))[0] for name in serve.split("&&")[0].split()[2:]}
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"][
        "dev"
    ]
    assert wanted == {re.split(r"[\[<>=]", name)[0] for name in dev if name.startswith("mkdocs")}


# --- examples -------------------------------------------------------------------------


def test_api_page_example_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("cxframe_nps")
    [(_, example)] = code_blocks(page("api"), "python")
    with working_directory(tmp_path):
        exec(example, {})
    printed = capsys.readouterr().out
    assert "survey: read 1200 rows" in printed
    assert "{'region': 'East'} 2026-Q2" in printed


def test_testing_page_examples_pass(pytester: pytest.Pytester) -> None:
    pytest.importorskip("cxframe_nps")
    files = titled_blocks(page("testing"))
    assert {"cxframe_owners.py", "conftest.py", "test_cxframe_owners.py", "test_collecting.py"} <= set(files)
    for name, body in files.items():
        (pytester.path / name).write_text(body, encoding="utf-8")
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=5)
