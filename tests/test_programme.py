"""The programme folder: init, load, validate, errors with file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

import cxframe
from cxframe import InvalidInput, testing
from cxframe.host._manager import PluginHost


def test_init_writes_a_programme_that_validates(tmp_path: Path, host: PluginHost) -> None:
    file = cxframe.init_programme(tmp_path / "new")
    assert file.name == "cxframe.toml"
    assert cxframe.validate(tmp_path / "new", host=host) == []
    programme = cxframe.load_programme(tmp_path / "new")
    assert programme.name == "new" and programme.settings.confidence == 0.95


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    cxframe.init_programme(tmp_path)
    with pytest.raises(InvalidInput, match="already exists"):
        cxframe.init_programme(tmp_path)
    cxframe.init_programme(tmp_path, force=True)


def test_every_problem_is_reported_with_file_and_key_path(tmp_path: Path) -> None:
    testing.make_programme(
        tmp_path,
        text="""
name = "x"
[[touchpoints]]
id = "web"
name = 3
environment = "moon"

[[journeys]]
id = "j"
name = "J"
[[journeys.stages]]
id = "s"
name = "S"
touchpoints = "web"
[[journeys.stages]]
id = "t"
name = "T"
emotion = { score = 9 }
colour = "blue"
""",
    )
    with pytest.raises(InvalidInput) as caught:
        cxframe.load_programme(tmp_path)
    messages = caught.value.messages
    file = str(tmp_path / "cxframe.toml")
    assert all(m.startswith(file + ": ") for m in messages)
    text = "\n".join(messages)
    assert "touchpoints[0].name: expected a string, got integer 3" in text
    assert "touchpoints[0].environment: expected one of 'interpersonal'" in text
    assert "journeys[0].stages[0].touchpoints: expected a list, got string 'web'" in text
    assert "journeys[0].stages[1]: unknown key(s) colour" in text
    assert "journeys[0].stages[1].emotion" in text


def test_cross_references_are_checked(tmp_path: Path) -> None:
    testing.make_programme(
        tmp_path,
        touchpoints=[{"id": "web", "name": "Web"}, {"id": "web", "name": "Web again"}],
        journeys=[
            {"id": "j", "name": "J", "persona": "ghost", "stages": [{"id": "s", "name": "S", "touchpoints": ["app"]}]}
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        cxframe.load_programme(tmp_path)
    text = "\n".join(caught.value.messages)
    assert "touchpoints: id 'web' is used more than once" in text
    assert "journeys[0].persona: unknown persona 'ghost'" in text
    assert "journeys[0].stages[0].touchpoints[0]: unknown touchpoint 'app'" in text


def test_stages_can_be_optional_or_final_and_the_last_is_final_by_default(tmp_path: Path) -> None:
    stages = [
        {"id": "browse", "name": "Browse", "optional": True},
        {"id": "buy", "name": "Buy", "final": True},
        {"id": "review", "name": "Review"},
    ]
    testing.make_programme(tmp_path, journeys=[{"id": "j", "name": "J", "stages": stages}])
    (journey,) = cxframe.load_programme(tmp_path).journeys
    assert [journey.is_final(i) for i in range(3)] == [False, True, True]
    # browse is optional; review comes after the final stage buy: not reaching either is no drop-off
    assert [journey.is_skippable(i) for i in range(3)] == [True, False, True]
    assert journey.stages[0].optional and not journey.stages[1].optional


def test_the_init_templates_journey_stub_validates_when_uncommented(tmp_path: Path, host: PluginHost) -> None:
    root = tmp_path / "new"
    cxframe.init_programme(root)
    text = (root / "cxframe.toml").read_text(encoding="utf-8")
    for first in ("# [[journeys]]", "# [[touchpoints]]"):
        start = text.index(first)
        stub = text[start : text.index("\n\n", start)]
        text = text.replace(stub, "\n".join(line.removeprefix("# ") for line in stub.splitlines()))
    (root / "cxframe.toml").write_text(text, encoding="utf-8")
    assert cxframe.validate(root, host=host) == []
    (journey,) = cxframe.load_programme(root).journeys
    assert [journey.is_final(i) for i in range(3)] == [False, True, True]
    assert [journey.is_skippable(i) for i in range(3)] == [False, False, True]


def test_stage_flags_are_validated(tmp_path: Path) -> None:
    testing.make_programme(
        tmp_path,
        journeys=[
            {"id": "j", "name": "J", "stages": [{"id": "s", "name": "S", "optional": "yes"}]},
            {"id": "k", "name": "K", "stages": [{"id": "s", "name": "S"}, {"id": "t", "name": "T", "final": False}]},
        ],
    )
    with pytest.raises(InvalidInput) as caught:
        cxframe.load_programme(tmp_path)
    text = "\n".join(caught.value.messages)
    assert "journeys[0].stages[0].optional: expected true or false, got string 'yes'" in text
    (tmp_path / "cxframe.toml").write_text(
        (tmp_path / "cxframe.toml").read_text().replace('optional = "yes"', "optional = true"), encoding="utf-8"
    )
    with pytest.raises(InvalidInput) as caught:
        cxframe.load_programme(tmp_path)
    (message,) = caught.value.messages
    assert "journeys[1].stages[1].final: the journey has no final stage" in message


def test_malformed_toml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "cxframe.toml").write_text('name = "x"\n[context\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"cxframe\.toml: not valid TOML: .*line 2"):
        cxframe.load_programme(tmp_path)


def test_missing_programme_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cxframe init"):
        cxframe.load_programme(tmp_path)


def test_journey_files_are_merged_and_their_errors_name_the_file(tmp_path: Path) -> None:
    testing.make_programme(tmp_path, touchpoints=[{"id": "web", "name": "Web"}], journey_files=["journeys/*.toml"])
    (tmp_path / "journeys").mkdir()
    (tmp_path / "journeys" / "buy.toml").write_text(
        'id = "buy"\nname = "Buy"\n[[stages]]\nid = "s"\nname = "S"\ntouchpoints = ["web"]\n', encoding="utf-8"
    )
    assert [j.id for j in cxframe.load_programme(tmp_path).journeys] == ["buy"]
    (tmp_path / "journeys" / "bad.toml").write_text('id = "bad"\nname = "Bad"\nstages = 5\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"bad\.toml: stages: expected a list"):
        cxframe.load_programme(tmp_path)


def test_validate_checks_collectors_sources_and_metrics(programme: Path, host: PluginHost) -> None:
    assert cxframe.validate(programme, host=host) == []
    (programme / "answers.csv").unlink()
    text = (programme / "cxframe.toml").read_text().replace('"mean_score"', '"nps_typo"').replace('"toy-csv"', '"toy"')
    (programme / "cxframe.toml").write_text(text)
    problems = "\n".join(cxframe.validate(programme, host=host))
    assert "sources[0].collector: unknown collector 'toy' (known: toy-csv)" in problems
    assert "sources[0].path: file 'answers.csv' not found" in problems
    assert "objectives[0].metric: unknown metric 'nps_typo' (known: mean_score)" in problems


def test_validate_cli_prints_every_problem_and_exits_1(tmp_path: Path, host: PluginHost) -> None:
    testing.make_programme(tmp_path, touchpoints=[{"id": 1}])
    result = testing.invoke(["-C", str(tmp_path), "validate"], host=host)
    assert result.exit_code == 1
    assert "touchpoints[0].id: expected a string, got integer 1" in result.stderr
    assert "touchpoints[0].name: required key is missing" in result.stderr
    assert "Traceback" not in result.output


def test_a_plugin_settings_table_nobody_reads_is_a_problem_and_a_warning(programme: Path, host: PluginHost) -> None:
    # the toy plugin is registered as a module: its name is "tests.toy_plugin", read as "tests-toy-plugin"
    typo = "tests-toy-plugn"
    with (programme / "cxframe.toml").open("a", encoding="utf-8") as handle:
        handle.write(f"\n[plugins.{typo}]\nthreshold = 3\n\n[plugins.tests_toy_plugin]\nthreshold = 3\n")
    problems = cxframe.validate(programme, host=host)
    assert len(problems) == 1, problems
    assert f"plugins.{typo}: no installed plugin is called {typo!r}" in problems[0]
    assert "did you mean 'tests-toy-plugin'?" in problems[0]
    with pytest.warns(cxframe.UnknownPluginSettingsWarning, match=f"plugins.{typo}"):
        cxframe.measure(programme, host=host)
    result = testing.invoke(["-C", str(programme), "measure"], host=host)
    assert result.exit_code == 0 and f"warning: {programme / 'cxframe.toml'}: plugins.{typo}" in result.stderr


def test_a_command_in_a_programmes_subfolder_is_told_where_the_programme_is(programme: Path, host: PluginHost) -> None:
    data = programme / "data"
    data.mkdir()
    result = testing.invoke(["-C", str(data), "measure"], host=host)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"the nearest programme is in {programme.resolve()}" in result.stderr
    assert f"-C {programme.resolve()}" in result.stderr
