"""The plugin pages (``docs/surveys.md``, ``docs/employee.md``) must not drift from the plugins.

* every collector, metric and check id a plugin registers is named on its page;
* every threshold of the employee context is listed with its default value,
  and every role, link and settings key is named;
* the worked examples are run: the files a section shows (code blocks with a
  ``title=``) are written to a temporary folder, each ``$ command`` of its
  ``console`` blocks is run, and what it prints must be what the page shows;
* every other ``cxframe …`` command on the pages exists with the options used;
* every TOML snippet parses and, put in a programme file, passes
  ``cxframe validate`` (apart from the data files it names not existing).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shlex
import textwrap
import tomllib
from collections.abc import Iterator
from pathlib import Path

import attrs
import click
import click.testing
import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]

from cxframe import testing
from cxframe.cli import State, cli
from cxframe.host._manager import PluginHost
from cxframe.measurement._intervals import effective_n

cxframe_nps = pytest.importorskip("cxframe_nps")
cxframe_employee = pytest.importorskip("cxframe_employee")

from cxframe_employee import checks as employee_checks  # noqa: E402
from cxframe_employee import metrics as employee_metrics  # noqa: E402
from cxframe_employee import settings as employee_settings  # noqa: E402
from cxframe_nps import collectors as nps_collectors  # noqa: E402
from cxframe_nps import evidence as nps_evidence  # noqa: E402
from cxframe_nps import metrics as nps_metrics  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FENCE = re.compile(r"^(?P<indent>[ ]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.M | re.S)
HEADING = re.compile(r"^#{2,3} ", re.M)
#: The width the examples' tables were printed at (``COLUMNS=120``).
COLUMNS = "120"


def page(name: str) -> str:
    return (DOCS / f"{name}.md").read_text(encoding="utf-8")


def blocks(text: str) -> list[tuple[str, str]]:
    """``(info string, body)`` of every fenced code block."""
    return [(m["info"].strip(), textwrap.dedent(m["body"])) for m in FENCE.finditer(text)]


def sections(text: str) -> list[str]:
    """The page cut at its ``##`` and ``###`` headings (code blocks never hold such a line here)."""
    starts = [m.start() for m in HEADING.finditer(text)]
    return [text[a:b] for a, b in zip([0, *starts], [*starts, len(text)], strict=True)]


def title(info: str) -> str | None:
    found = re.search(r'title="([^"]+)"', info)
    return found[1] if found else None


def hosts() -> dict[str, PluginHost]:
    return {
        "surveys": testing.plugin_host(cxframe_nps),
        "employee": testing.plugin_host(cxframe_nps, cxframe_employee),
    }


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def ticked(text: str) -> set[str]:
    """Everything written as inline code on a page, and the last part of dotted names (`link.team_column`)."""
    found = set(re.findall(r"`([^`\n]+)`", text))
    return found | {name.rsplit(".", 1)[-1] for name in found if re.fullmatch(r"[\w.-]+", name)}


# --- site structure ------------------------------------------------------------------------


def test_pages_are_in_the_nav_after_journeys() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    files = [next(iter(entry.values())) for entry in config["nav"]]
    at = files.index("journey.md")
    assert files[at + 1 : at + 3] == ["surveys.md", "employee.md"]


def test_nps_readme_points_to_the_page() -> None:
    readme = (ROOT / "plugins" / "nps" / "README.md").read_text(encoding="utf-8")
    assert "docs/surveys.md" in readme


# --- ids the plugins register --------------------------------------------------------------


def test_surveys_page_names_every_collector_metric_and_check() -> None:
    named = ticked(page("surveys"))
    ids = [
        *(collector.id for collector in nps_collectors.COLLECTORS),
        *(metric.id for metric in nps_metrics.survey_metrics({})),
        *(check.id for check in nps_evidence.CHECKS),
    ]
    assert [i for i in ids if i not in named] == []
    # the defaults the collectors rely on
    for column in (*nps_collectors.QUALTRICS_DEFAULTS.values(), *nps_collectors.SURVEYMONKEY_DEFAULTS.values()):
        assert f"`{column}`" in page("surveys")
    for question, (low, high) in nps_collectors.DEFAULT_SCALES.items():
        assert f"`{question}`" in page("surveys") and f"{low:g}–{high:g}" in page("surveys")


def test_surveys_page_names_every_declared_metric_key_and_assessment_fact() -> None:
    text = page("surveys")
    for field in attrs.fields(cxframe_nps.declared.DeclaredMetric):
        assert re.search(rf"^{field.name} = ", text, re.M), f"declared-metric key {field.name} has no example"
    for key in ("metrics_with_data", "beyond_headline", "stages", "segment_columns", "kpi_links", "closed_loop"):
        assert f"`{key}`" in text


def test_employee_page_names_every_collector_metric_and_check() -> None:
    named = ticked(page("employee"))
    ids = [
        employee_checks_collector_id(),
        *(metric.id for metric in employee_metrics.employee_metrics()),
        "enps",
        *(check.id for check in employee_checks.CHECKS),
    ]
    assert [i for i in ids if i not in named] == []


def employee_checks_collector_id() -> str:
    from cxframe_employee.collector import employee_survey

    return employee_survey.id


def _number(text: str) -> float:
    return float(text.strip().strip("`").replace("−", "-"))


def test_employee_page_lists_every_threshold_with_its_default() -> None:
    [text] = [section for section in sections(page("employee")) if section.startswith("### Thresholds")]
    rows = dict(re.findall(r"^\|\s*`(\w+)`\s*\|\s*([^|]+?)\s*\|", text, re.M))
    for field in attrs.fields(employee_settings.Thresholds):
        assert field.name in rows, f"threshold {field.name} is not in a table row on docs/employee.md"
        default = field.default
        if isinstance(default, int | float) and not isinstance(default, bool):
            assert math.isclose(_number(rows[field.name]), float(default)), (
                f"{field.name}: the page says {rows[field.name]}, the code's default is {default}"
            )


def test_employee_page_names_every_context_key() -> None:
    named = ticked(page("employee"))
    for cls in (
        employee_settings.Role,
        employee_settings.VoiceOfEmployee,
        employee_settings.LinkSettings,
        employee_settings.EmployeeSettings,
    ):
        missing = [field.name for field in attrs.fields(cls) if field.name not in named]
        assert missing == [], f"{cls.__name__}: {missing}"
    link = employee_settings.LinkSettings()
    assert f'employee_metric = "{link.employee_metric}"' in page("employee")
    assert f'customer_metric = "{link.customer_metric}"' in page("employee")


def test_employee_page_quotes_the_association_statement() -> None:
    from cxframe_employee.link import ASSOCIATION_NOT_CAUSE

    assert ASSOCIATION_NOT_CAUSE in page("employee")


def test_kish_example_is_right() -> None:
    assert round(effective_n(4, 1 + 1 + 2 + 4, 1 + 1 + 4 + 16), 1) == 2.9
    assert "(8)² / 22 = 2.9" in page("surveys")


# --- worked examples -----------------------------------------------------------------------


def _examples(name: str) -> list[tuple[int, str]]:
    """The sections of a page that show a command with its output, by index."""
    found = []
    for index, section in enumerate(sections(page(name))):
        for info, body in blocks(section):
            if info.split(" ")[0] == "console" and any(not line.startswith("$ ") for line in body.splitlines()):
                found.append((index, section))
                break
    return found


def _run(line: str, host: PluginHost) -> str:
    runner = click.testing.CliRunner(env={"COLUMNS": COLUMNS})
    words = shlex.split(line)
    if words[0] == "sqlite-utils":
        from sqlite_utils.cli import cli as sqlite_utils

        result = runner.invoke(sqlite_utils, words[1:])
    else:
        assert words[0] == "cxframe", line
        result = runner.invoke(cli, words[1:], obj=State(host=host))
    # what a reader sees in the terminal: both streams (errors go to stderr)
    return result.output


def _programme_text(section: str) -> str | None:
    """A programme file made of the section's TOML snippets, when it shows data files of its own."""
    titled = {title(info): body for info, body in blocks(section) if title(info)}
    if not titled or "cxframe.toml" in titled:
        return None
    snippets = [body for info, body in blocks(section) if info.split(" ")[0] == "toml" and not title(info)]
    return 'name = "Example"\n\n' + "\n".join(snippets)


@pytest.mark.parametrize(
    ("name", "index"),
    [(name, index) for name in ("surveys", "employee") for index, _ in _examples(name)],
)
def test_worked_example_prints_what_the_page_shows(tmp_path: Path, name: str, index: int) -> None:
    section = sections(page(name))[index]
    # a section's example builds on the files of the page's first worked example, unless it has its own
    base_index = _examples(name)[0][0]
    base = sections(page(name))[base_index]
    files: dict[str, str] = {}
    for source in (base, section) if index != base_index else (section,):
        files.update({title(info): body for info, body in blocks(source) if title(info)})  # type: ignore[misc]
    programme = _programme_text(section)
    if programme is not None:
        files["cxframe.toml"] = programme
    for path, body in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(body, encoding="utf-8")
    host = hosts()[name]
    with working_directory(tmp_path):
        if programme is None and index != base_index:
            _run("cxframe collect", host)  # the data of the worked example, as a reader who followed it has it
        for info, body in blocks(section):
            if info.split(" ")[0] != "console":
                continue
            commands: list[tuple[str, list[str]]] = []
            for line in body.splitlines():
                if line.startswith("$ "):
                    commands.append((line[2:], []))
                else:
                    commands[-1][1].append(line)
            for command, expected in commands:
                if not expected:
                    continue  # a command shown without output is checked by test_commands_exist
                printed = [line.rstrip() for line in _run(command, host).strip("\n").splitlines()]
                assert printed == [line.rstrip() for line in expected], (
                    f"docs/{name}.md: `{command}` prints something else now; paste the new output "
                    f"(COLUMNS={COLUMNS}) and check the text around it.\n" + "\n".join(printed)
                )


# --- commands and snippets -----------------------------------------------------------------


def _command_lines(name: str) -> list[str]:
    lines = []
    for info, body in blocks(page(name)):
        if info.split(" ")[0] not in ("console", "bash", "sh"):
            continue
        for line in body.splitlines():
            line = line.removeprefix("$ ").strip()
            if line.startswith("cxframe "):
                lines.append(line.split(" #")[0].strip())
    return lines


@pytest.mark.parametrize("name", ["surveys", "employee"])
def test_commands_exist_with_the_options_used(name: str) -> None:
    host = hosts()[name]
    context = click.Context(cli, obj=State(host=host))
    lines = _command_lines(name)
    assert lines
    for line in lines:
        words = line.split()[1:]
        command: click.Command = cli
        path = []
        while isinstance(command, click.Group) and words and not words[0].startswith(("-", "[")):
            found = command.get_command(context, words[0])
            assert found is not None, f"docs/{name}.md: `{line}`: no command {words[0]!r}"
            command, path = found, [*path, words.pop(0)]
        options = {opt for param in command.params for opt in param.opts}
        used = set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", " ".join(words)))
        assert used <= options, f"docs/{name}.md: `{line}`: unknown option(s) {sorted(used - options)}"
        result = click.testing.CliRunner().invoke(cli, [*path, "--help"], obj=State(host=host))
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", ["surveys", "employee"])
def test_toml_snippets_are_valid_programme_files(tmp_path: Path, name: str) -> None:
    host = hosts()[name]
    for number, (info, body) in enumerate(blocks(page(name))):
        if info.split(" ")[0] != "toml":
            continue
        data = tomllib.loads(body)  # every snippet is TOML on its own
        text = body if "name" in data else 'name = "Example"\n\n' + body
        folder = tmp_path / f"snippet{number}"
        folder.mkdir()
        (folder / "cxframe.toml").write_text(text, encoding="utf-8")
        for path in re.findall(r'^(?:roles_file|agents_file)\s*=\s*"([^"]+)"', body, re.M):
            (folder / path).write_text(_csv_for(path), encoding="utf-8")
        result = click.testing.CliRunner().invoke(cli, ["-C", str(folder), "validate"], obj=State(host=host))
        problems = [
            line
            for line in result.output.splitlines()
            if line.strip()
            and not re.search(r"file '[^']+' not found$", line)
            and not re.fullmatch(r"error: \d+ problem\(s\) found", line.strip())
            and not line.endswith("cxframe.toml: valid")
        ]
        assert problems == [], f"docs/{name}.md, TOML block {number}:\n{body}"


def _csv_for(path: str) -> str:
    if "agent" in path:
        return "agent,team\na1,alpha\n"
    return "id,name,frontline,headcount\nsupervisor,Team supervisor,false,12\n"
