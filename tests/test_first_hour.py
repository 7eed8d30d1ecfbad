"""Small things that cost a newcomer their first hour (#21): each one as it went wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

import cxframe
from cxframe import InvalidInput, init_programme, testing


def test_validate_reports_every_problem_of_the_settings_table(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path / "p")
    text = (root / "cxframe.toml").read_text(encoding="utf-8")
    (root / "cxframe.toml").write_text(text + '\n[settings]\nconfidence = 2\nmin_sample = "x"\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        cxframe.load_programme(root)
    messages = raised.value.messages
    assert any("settings.min_sample: expected an integer" in m for m in messages), messages
    assert any("settings.confidence: must be < 1: 2.0" in m for m in messages), messages


def test_a_folder_given_as_a_source_file_is_a_folder_not_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "shop"
    init_programme(root, example="starter")
    (root / "data" / "exports.csv").mkdir()
    monkeypatch.chdir(root)
    result = testing.invoke(
        [
            "collect",
            "data/exports.csv",
            "--collector",
            "survey-csv",
            "--column",
            "timestamp=t",
            "--column",
            "questions.nps=q",
        ]
    )
    assert result.exit_code == 1
    assert "is a folder, expected a file" in result.stderr and "not found" not in result.stderr


def test_counts_of_one_are_singular() -> None:
    from cxframe.reporters._i18n import text

    assert text("count.journeys", "en", n=1) == "1 journey"
    assert text("count.objectives", "en", n=1) == "1 objective"
    assert text("count.notes", "en", n=2) == "2 notes"
    assert text("count.journeys", "zh-CN", n=1) == "1 条旅程"


def test_the_lifecycle_line_says_one_journey_in_the_singular() -> None:
    # the terminal summary formats its counts ("1,234") before they reach the catalogue
    from cxframe.cli.assess import _lifecycle_line

    stages = [{"stage": "design", "status": "ok", "counts": {"touchpoints": 4, "journeys": 1, "actions": 1200}}]
    assert "4 touchpoints, 1 journey, 1,200 actions" in _lifecycle_line({"stages": stages}, "en")


def test_command_help_shows_no_raw_markup() -> None:
    from cxframe.cli import BUILTIN_COMMANDS

    for command in BUILTIN_COMMANDS:
        shown = testing.invoke([str(command.name), "--help"])
        assert shown.exit_code == 0, shown.output
        assert "``" not in shown.output and ":param" not in shown.output, (command.name, shown.output)


def test_demo_of_another_example_gets_its_own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cxframe.cli import programme as programme_commands

    monkeypatch.chdir(tmp_path)
    # the demo's own work (collect, assess, report) is covered elsewhere: here, only which folder it uses
    monkeypatch.setattr(programme_commands.api, "collect", lambda *a, **k: [])
    monkeypatch.setattr(programme_commands.api, "assess", lambda *a, **k: {})
    monkeypatch.setattr(programme_commands.api, "report", lambda *a, **k: [])
    monkeypatch.setattr(programme_commands.assess_command, "summary", lambda *a, **k: None)
    init_programme(tmp_path / "cxframe-demo", example="retail-bank")
    telecom = testing.invoke(["demo", "--example", "telecom"])
    assert telecom.exit_code == 0, telecom.output
    assert "wrote the 'telecom' example to cxframe-demo-telecom" in telecom.output
    assert cxframe.api.is_example(tmp_path / "cxframe-demo-telecom", "telecom")
    assert cxframe.api.is_example(tmp_path / "cxframe-demo", "retail-bank")  # the bank is left as it was
    clash = testing.invoke(["demo", "--example", "telecom", "cxframe-demo"])
    assert clash.exit_code == 2
    assert "holds another programme than the 'telecom' example" in clash.output


def test_a_survey_file_with_only_a_header_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "shop"
    init_programme(root, example="starter")
    (root / "data" / "empty.csv").write_text("response_id,submitted_at,nps\n", encoding="utf-8")
    monkeypatch.chdir(root)
    mapping = ["--column", "timestamp=submitted_at", "--column", "questions.nps=nps"]
    result = testing.invoke(["collect", "data/empty.csv", "--collector", "survey-csv", *mapping])
    assert result.exit_code == 0, result.output
    assert "warning: the file has no rows after its header" in result.output


def test_the_init_templates_source_stub_validates_when_uncommented(tmp_path: Path) -> None:
    root = tmp_path / "new"
    init_programme(root)
    text = (root / "cxframe.toml").read_text(encoding="utf-8")
    start = text.index("# [[sources]]")
    stub = text[start : text.index("\n\n", start)]
    uncommented = "\n".join(line.removeprefix("# ") for line in stub.splitlines())
    (root / "cxframe.toml").write_text(text.replace(stub, uncommented), encoding="utf-8")
    assert cxframe.validate(root) == []
    [summary] = cxframe.collect(root)
    assert summary.rows_read == 0  # the header only, until the user adds responses


@pytest.mark.parametrize("width", [80, 120])
def test_the_plugin_list_is_readable_at_terminal_widths(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    shown = testing.invoke(["plugins"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines), shown.output
    assert "…" not in shown.output  # no name cut short
    assert "register_report_sections" in shown.output and "survey-csv" in shown.output


def test_unknown_format_is_the_same_usage_error_for_assess_and_report(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    init_programme(root, example="starter")
    cxframe.collect(root)
    assess = testing.invoke(["-C", str(root), "assess", "--format", "pdf"])
    report = testing.invoke(["-C", str(root), "report", "--format", "pdf"])
    assert assess.exit_code == report.exit_code == 2, (assess.output, report.output)
    assert "--format: no reporter 'pdf'" in report.output
