"""The CRM round trip: loop export writes the cases as CSV, loop import reads them back, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_improve_loop import NOW, cli, collected, host, listed

import cxframe_improve
from cxframe import InvalidInput, testing
from cxframe_improve import exchange

HEADER = (
    "case,source,response_id,respondent_id,metric,score,comment,touchpoint,opened,due,owner,status,"
    "root_cause,resolution,closed"
)


def exported(root: Path, *args: str) -> tuple[Path, list[dict[str, str]]]:
    target = root / "cases.csv"
    result = cli(root, "loop", "export", str(target), *args)
    assert result.exit_code == 0, result.output
    return target, list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))


def write(target: Path, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def state(root: Path) -> tuple[Any, ...]:
    return listed(root), testing.read_table(root, "improve_case_history")


def test_export_writes_the_loop_list_columns_in_order_with_a_header(tmp_path: Path) -> None:
    root = collected(tmp_path)
    target, rows = exported(root)
    assert target.read_text(encoding="utf-8").splitlines()[0] == HEADER
    cases = listed(root)
    assert len(rows) == len(cases) == 5
    for row, case in zip(rows, cases, strict=True):
        assert row["case"] == str(case["case"]) and row["opened"] == case["opened"] and row["due"] == case["due"]
        assert row["score"] == f"{case['score']:g}" and row["status"] == "open"
        assert row["root_cause"] == row["resolution"] == row["closed"] == ""
    # free text as it is, quoted by CSV where needed
    assert rows[2]["comment"] == "[/b] not [red]markup"
    assert [row["case"] for row in exported(root, "--owner", "Quality")[1]] == ["4", "5"]
    assert cxframe_improve.export_cases(root, tmp_path / "open.csv", open_only=True, host=host()) == 5


def test_an_unchanged_export_imports_as_no_change(tmp_path: Path) -> None:
    root = collected(tmp_path)
    assert cli(root, "loop", "update", "2", "--status", "resolved", "--resolution", "=1+1, called").exit_code == 0
    before = state(root)
    target, _ = exported(root)
    result = cli(root, "loop", "import", str(target))
    assert result.exit_code == 0, result.output
    assert "0 of 5 case(s) changed" in result.stdout
    assert state(root) == before


def test_a_crm_round_trip_applies_the_changed_rows_and_keeps_them_in_the_history(tmp_path: Path) -> None:
    root = collected(tmp_path)
    target, rows = exported(root)
    rows[0].update(status="contacted")
    rows[1].update(status="resolved", root_cause="Long queue, 3 agents off", resolution='Called back, "sorry" credit')
    rows[3].update(root_cause="Checkout bug\nline two")  # only the root cause: the status stays open
    write(target, rows)
    when = NOW + dt.timedelta(hours=3)
    result = cxframe_improve.import_cases(root, target, now=when, host=host())
    assert result.changed == (1, 2, 4) and result.rows == 5
    cases = {case["case"]: case for case in listed(root)}
    assert cases[1]["status"] == "contacted" and cases[1]["closed"] is None
    assert cases[2]["status"] == "resolved" and cases[2]["closed"] == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (cases[2]["root_cause"], cases[2]["resolution"]) == (
        "Long queue, 3 agents off",
        'Called back, "sorry" credit',
    )
    assert (cases[4]["status"], cases[4]["root_cause"]) == ("open", "Checkout bug\nline two")
    history = json.loads(cli(root, "loop", "history", "2", "--json").stdout)
    assert [(h["status"], h["at"]) for h in history][1:] == [("resolved", cases[2]["closed"])]
    assert history[1]["note"] == "imported from cases.csv, line 3"
    # the multi-line cell starts on line 5, so the next row is on line 7
    assert (
        json.loads(cli(root, "loop", "history", "4", "--json").stdout)[1]["note"] == "imported from cases.csv, line 5"
    )
    # exported again and imported again: nothing more changes, and a resolved case keeps its closing time
    again, _ = exported(root)
    later = cli(root, "loop", "import", str(again), "--json")
    assert later.exit_code == 0 and json.loads(later.stdout) == {"file": str(again), "rows": 5, "changed": []}
    assert listed(root)[1]["closed"] == cases[2]["closed"]


def test_an_empty_root_cause_keeps_what_was_recorded(tmp_path: Path) -> None:
    root = collected(tmp_path)
    cxframe_improve.update_case(root, 3, "contacted", root_cause="Bug", host=host())
    target, rows = exported(root)
    rows[2].update(root_cause="")
    write(target, rows)
    assert cxframe_improve.import_cases(root, target, host=host()).changed == ()
    assert listed(root)[2]["root_cause"] == "Bug"


def test_formula_like_text_is_guarded_in_the_file_and_read_back_as_it_was(tmp_path: Path) -> None:
    root = collected(tmp_path)
    texts = ['=HYPERLINK("http://x")', "+1", "-2 days", "@SUM(A1)", "'quoted", "plain"]
    for case, text in zip([1, 2, 3, 4, 5], texts, strict=False):
        cxframe_improve.update_case(root, case, "contacted", root_cause=text, host=host())
    cxframe_improve.update_case(root, 5, "contacted", resolution=texts[5], host=host())
    target, rows = exported(root)
    assert [row["root_cause"] for row in rows] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2 days",
        "'@SUM(A1)",
        "''quoted",
    ]
    assert rows[4]["resolution"] == "plain"
    before = state(root)
    assert cxframe_improve.import_cases(root, target, host=host()).changed == ()
    assert state(root) == before


@given(st.text())
def test_the_formula_guard_is_undone_exactly(text: str) -> None:
    guarded = exchange.guard(text)
    assert exchange.unguard(guarded) == text
    assert not guarded.startswith(("=", "+", "-", "@", "\t", "\r"))


def bad(tmp_path: Path, edit: Any) -> tuple[Path, Path, tuple[Any, ...]]:
    root = collected(tmp_path)
    target, rows = exported(root)
    rows[0].update(status="resolved")  # a good change: it must not be applied either
    edit(target, rows)
    return root, target, state(root)


def test_every_problem_is_listed_with_its_line_and_nothing_is_applied(tmp_path: Path) -> None:
    def edit(target: Path, rows: list[dict[str, str]]) -> None:
        rows[1].update(case="99")
        rows[2].update(status="done")
        rows[3].update(case="abc")
        rows.append(dict(rows[4]))
        write(target, rows)

    root, target, before = bad(tmp_path, edit)
    result = cli(root, "loop", "import", str(target))
    assert result.exit_code == 1 and "Traceback" not in result.output
    # every problem at once, in file order, each with its line (the header is line 1)
    assert result.stderr.splitlines() == [
        f"error: {target}: line 3: case 99: no such case (cases are numbered 1 to 5)",
        f"error: {target}: line 4: case 3: status 'done': expected one of open, contacted, resolved, no_response",
        f"error: {target}: line 5: case 'abc': expected a case number such as 12",
        f"error: {target}: line 7: case 5 is also on line 6 (one row per case)",
    ]
    assert state(root) == before
    with pytest.raises(InvalidInput, match=r"line 3: case 99: no such case \(cases are numbered 1 to 5\)"):
        cxframe_improve.import_cases(root, target, host=host())
    assert state(root) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "line 1: no header"),
        (b"case,status,root_cause\r\n1,open,\r\n", "line 1: missing column(s) resolution"),
        (b"case,status,root_cause,resolution\r\n1,open,,\r\n2,open\r\n", "line 3: 2 cell(s), the header has 4"),
        (b"case,status,root_cause,resolution\r\n1,open,,\r\n2,open,caf\xe9,\r\n", "line 3: byte 0xe9 is not UTF-8"),
        (b'case,status,root_cause,resolution\r\n1,open,"x"y,\r\n', "line 2: not CSV"),
        (b"case,status,root_cause,resolution\r\n2,open,,\r\n", "case 2: status 'open': the case is contacted"),
    ],
)
def test_a_bad_file_is_a_clear_error_that_changes_nothing(tmp_path: Path, content: bytes, message: str) -> None:
    root = collected(tmp_path)
    cxframe_improve.update_case(root, 2, "contacted", host=host())
    cxframe_improve.update_case(root, 1, "resolved", host=host())
    before = state(root)
    target = root / "crm.csv"
    target.write_bytes(content)
    result = cli(root, "loop", "import", str(target))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert message in result.stderr, result.stderr
    assert str(target) in result.stderr
    assert state(root) == before


def test_a_byte_order_mark_and_reordered_columns_are_read(tmp_path: Path) -> None:
    root = collected(tmp_path)
    target = root / "crm.csv"
    target.write_text("\ufeffresolution,status,case,root_cause,notes\r\nRefund,resolved,2,,extra\r\n", encoding="utf-8")
    assert cxframe_improve.import_cases(root, target, host=host()).changed == (2,)
    assert listed(root)[1]["resolution"] == "Refund"


def test_an_import_interrupted_halfway_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = collected(tmp_path)
    target, rows = exported(root)
    for row in rows:
        row.update(status="resolved")
    write(target, rows)
    before = state(root)
    calls = {"n": 0}
    original = exchange._changes

    def failing(row: Any, current: Any) -> bool:
        calls["n"] += 1
        if calls["n"] == 3:  # two cases already updated in the transaction
            raise KeyboardInterrupt
        return original(row, current)

    monkeypatch.setattr(exchange, "_changes", failing)
    with pytest.raises(KeyboardInterrupt):
        cxframe_improve.import_cases(root, target, host=host())
    assert state(root) == before
    monkeypatch.undo()
    assert cxframe_improve.import_cases(root, target, host=host()).changed == (1, 2, 3, 4, 5)


@given(st.lists(st.tuples(st.text(min_size=1), st.text(min_size=1), st.text()), min_size=1, max_size=5))
def test_any_text_reads_back_as_it_was_written(texts: list[tuple[str, str, str]]) -> None:
    import tempfile

    found = [
        cxframe_improve.LoopCase(
            number,
            "survey",
            "r",
            "c",
            "nps",
            3.0,
            comment,
            "web",
            "2026-03-01T08:00:00.000000Z",
            "2026-03-03T08:00:00.000000Z",
            "CX team",
            "contacted",
            root_cause,
            resolution or None,
            None,
        )
        for number, (root_cause, comment, resolution) in enumerate(texts, start=1)
    ]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "cases.csv"
        exchange.write_csv(found, target)
        rows, problems = exchange.read_rows(target)
    assert problems == []
    assert [(row.case, row.status, row.root_cause, row.resolution) for row in rows] == [
        (case.case, "contacted", case.root_cause, case.resolution) for case in found
    ]
