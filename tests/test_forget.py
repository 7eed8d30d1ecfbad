"""A file is counted once whatever name it was collected under, and `cxframe forget` removes a source."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import cxframe
from cxframe import ForgetFailed, InvalidInput, PluginHost, Store, hookimpl, init_programme, open_store, testing
from cxframe.host import _hookspecs as hookspecs

AD_HOC = ["--column", "timestamp=submitted_at", "--column", "questions.nps=likely_to_recommend"]
AD_HOC += ["--column", "response_id=response_id"]
DECLARED = """
[[sources]]
id = "extra"
collector = "survey-csv"
path = "data/extra.csv"
columns = { response_id = "response_id", timestamp = "submitted_at", questions = { nps = "likely_to_recommend" }, segments = ["region"] }
"""


@pytest.fixture
def programme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "shop"
    init_programme(root, example="starter")
    shutil.copy(root / "data" / "survey.csv", root / "data" / "extra.csv")
    monkeypatch.chdir(root)  # a file on the command line is a path from where the user is
    return root


def counts(root: Path) -> dict[str, int]:
    with open_store(root / "cxframe.db") as store:
        return {table: store.count(table) for table in ("responses", "ingests", "rejects")}


def test_a_file_collected_by_path_then_declared_is_not_counted_twice(programme: Path) -> None:
    collected = testing.invoke(
        ["-C", str(programme), "collect", "data/extra.csv", "--collector", "survey-csv", *AD_HOC]
    )
    assert collected.exit_code == 0, collected.output
    before = counts(programme)
    with (programme / "cxframe.toml").open("a", encoding="utf-8") as file:
        file.write(DECLARED)
    again = testing.invoke(["-C", str(programme), "collect", "extra"])
    assert again.exit_code == 1
    assert (
        "1195 answers of this file are already stored, with the same response ids and questions, as source 'data/extra.csv'"
        in again.stderr
    )
    assert "cxframe forget data/extra.csv" in again.stderr
    assert "Traceback" not in again.output
    assert counts(programme) == before  # nothing stored twice, nothing lost


def test_forget_removes_records_ingests_and_rejects_then_the_declared_source_collects(programme: Path) -> None:
    testing.invoke(["-C", str(programme), "collect", "data/extra.csv", "--collector", "survey-csv", *AD_HOC])
    forgotten = testing.invoke(["-C", str(programme), "forget", "data/extra.csv", "--json"])
    assert forgotten.exit_code == 0, forgotten.output
    assert json.loads(forgotten.stdout) == {
        "source": "data/extra.csv",
        "records": 1195,
        "ingests": 1,
        "rejects": 5,
        "plugins": {},  # the starter has no loop rules: no case to forget
        "assessments": 0,
    }
    assert counts(programme) == {"responses": 0, "ingests": 0, "rejects": 0}
    with (programme / "cxframe.toml").open("a", encoding="utf-8") as file:
        file.write(DECLARED)
    [summary] = cxframe.collect(programme, ["extra"])
    assert summary.rows_read == 1200
    assert counts(programme)["responses"] == 1195


def test_forget_leaves_other_sources_alone(programme: Path) -> None:
    cxframe.collect(programme)  # the starter's own source, "survey"
    testing.invoke(["-C", str(programme), "collect", "data/extra.csv", "--collector", "survey-csv", *AD_HOC])
    # the same bytes under two names, the same response ids and questions: the second is refused
    with open_store(programme / "cxframe.db") as store:
        assert [row[0] for row in store.db.execute("SELECT DISTINCT source FROM ingests")] == ["survey"]
    cxframe.forget(programme, "survey")
    assert counts(programme) == {"responses": 0, "ingests": 0, "rejects": 0}


def test_forget_removes_the_stored_assessments_that_may_quote_the_source_and_no_others(programme: Path) -> None:
    cxframe.collect(programme)  # the starter's own source, "survey"
    assert testing.invoke(["-C", str(programme), "assess"]).exit_code == 0  # run 1: reads "survey" only
    with open_store(programme / "cxframe.db") as store, store.writing():
        # stored times are to the second: as if "survey" had been collected two days ago and run 1 made yesterday
        for table, back in (("ingests", "-2 days"), ("runs", "-1 day")):
            for column in ("started_at", "finished_at"):
                store.db.execute(f"UPDATE {table} SET {column} = strftime('%Y-%m-%dT%H:%M:%SZ', {column}, '{back}')")
    extra = ["data/extra.csv", "--collector", "survey-csv", *AD_HOC]
    # other response ids, so that the file is not the same answers counted twice
    (programme / "data" / "extra.csv").write_text(
        (programme / "data" / "survey.csv").read_text(encoding="utf-8").replace("\nR", "\nX"), encoding="utf-8"
    )
    assert testing.invoke(["-C", str(programme), "collect", *extra]).exit_code == 0
    assert testing.invoke(["-C", str(programme), "assess"]).exit_code == 0  # run 2: reads both

    def documents() -> list[int]:
        with open_store(programme / "cxframe.db") as store:
            return [row[0] for row in store.db.execute("SELECT run_id FROM assessments ORDER BY run_id")]

    first, _ = documents()
    forgotten = testing.invoke(["-C", str(programme), "forget", "data/extra.csv"])
    assert forgotten.exit_code == 0, forgotten.output
    assert "also removed the stored documents of 1 assessment runs" in forgotten.stdout, forgotten.stdout
    assert documents() == [first]  # run 1 started before data/extra.csv was collected: it cannot quote it
    assert cxframe.forget(programme, "survey").assessments == 1
    assert documents() == []


def test_two_sources_reading_other_questions_of_one_file_are_both_stored(programme: Path) -> None:
    with (programme / "cxframe.toml").open("a", encoding="utf-8") as file:
        file.write(DECLARED.replace('nps = "likely_to_recommend"', 'loyalty = "likely_to_recommend"'))
    summaries = cxframe.collect(programme)
    assert [(s.source, s.records_stored > 0) for s in summaries] == [("survey", True), ("extra", True)]


def test_forgetting_an_unknown_source_names_the_stored_ones(programme: Path) -> None:
    cxframe.collect(programme)
    with pytest.raises(InvalidInput, match=r"no source 'nope' is stored \(stored sources: survey\)"):
        cxframe.forget(programme, "nope")


# --- the source_forgotten hook: plugins forget what they derived, in the same transaction ------------------------


class Notes:
    """A plugin keeping a table derived from the records: one note per response, with its source."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, bool]] = []

    @hookimpl
    def collect_finished(self, store: Store) -> None:
        store.apply_plugin_migrations("acme-notes", [("0001", ["CREATE TABLE acme_notes (source TEXT, note TEXT)"])])
        with store.writing():
            store.db.execute("DELETE FROM acme_notes")
            store.db.execute("INSERT INTO acme_notes SELECT source, comment FROM responses")

    @hookimpl
    def source_forgotten(self, store: Store, source: str) -> str | None:
        left = store.db.execute("SELECT COUNT(*) FROM responses WHERE source = ?", [source]).fetchone()[0]
        self.seen.append((source, left, store.db.conn.in_transaction))
        deleted = store.db.execute("DELETE FROM acme_notes WHERE source = ?", [source]).rowcount
        return f"deleted {deleted} notes" if deleted else None


class Broken:
    @hookimpl
    def source_forgotten(self) -> None:
        raise RuntimeError("the notes server is down")


class Refusing:
    @hookimpl
    def source_forgotten(self, source: str) -> None:
        raise InvalidInput([f"plugins.acme.keep: {source} is on legal hold"])


def with_surveys(*plugins: object) -> PluginHost:
    """A host with the survey collectors and ``plugins`` only (the built-ins' own forgetting has its own tests)."""
    return testing.plugin_host(pytest.importorskip("cxframe_nps"), *plugins)


def notes_of(root: Path) -> int:
    with open_store(root / "cxframe.db") as store:
        return store.count("acme_notes")


def test_the_hook_is_specified_for_the_hook_reference() -> None:
    doc = hookspecs.source_forgotten.__doc__ or ""
    assert "inside the" in doc and "rolled back" in doc and ":return:" in doc


def test_each_plugin_forgets_its_rows_inside_the_transaction_after_the_core(programme: Path) -> None:
    notes = Notes()
    host = with_surveys(notes)
    cxframe.collect(programme, host=host)
    stored = counts(programme)["responses"]
    assert notes_of(programme) == stored > 0
    forgotten = testing.invoke(["-C", str(programme), "forget", "survey", "--json"], host=host)
    assert forgotten.exit_code == 0, forgotten.output
    assert json.loads(forgotten.stdout)["plugins"] == {"Notes": f"deleted {stored} notes"}
    # called once, when the core's rows were gone already, before anything was committed
    assert notes.seen == [("survey", 0, True)]
    assert notes_of(programme) == 0
    shown = cxframe.Forgotten("s", 1, 1, 0, {"Notes": "deleted 1 note"}).describe()
    assert shown.splitlines()[1] == "Notes: deleted 1 note"


@pytest.mark.parametrize("registered_first", [True, False])
def test_a_plugin_that_fails_to_forget_rolls_the_whole_forget_back(programme: Path, registered_first: bool) -> None:
    notes = Notes()
    host = with_surveys(*((Broken(), notes) if registered_first else (notes, Broken())))
    cxframe.collect(programme, host=host)
    before = counts(programme)
    with pytest.raises(
        ForgetFailed, match="cannot forget 'survey': plugin Broken: RuntimeError: the notes server is down"
    ):
        cxframe.forget(programme, "survey", host=host)
    assert notes.seen  # the other plugin forgot its rows, and that is undone too
    assert counts(programme) == before
    assert notes_of(programme) == before["responses"]
    assert host.failures == []  # reported once, by the error


def test_the_cli_names_the_plugin_says_nothing_was_forgotten_and_shows_the_traceback_with_verbose(
    programme: Path,
) -> None:
    host = with_surveys(Broken())
    cxframe.collect(programme, host=host)
    failed = testing.invoke(["-C", str(programme), "forget", "survey"], host=host)
    assert failed.exit_code == 1
    assert failed.stderr.startswith(
        "error: cannot forget 'survey': plugin Broken: RuntimeError: the notes server is down. "
        "Nothing was forgotten: the store is as it was."
    )
    assert "warning: plugin" not in failed.stderr and "Traceback" not in failed.output
    verbose = testing.invoke(["-C", str(programme), "-v", "forget", "survey"], host=with_surveys(Broken()))
    assert verbose.exit_code == 1 and "Traceback" in verbose.stderr and "in source_forgotten" in verbose.stderr
    assert counts(programme)["responses"] == 1200


def test_a_plugin_raising_invalid_input_stops_the_forget_with_its_message(programme: Path) -> None:
    host = with_surveys(Refusing())
    cxframe.collect(programme, host=host)
    refused = testing.invoke(["-C", str(programme), "forget", "survey"], host=host)
    assert refused.exit_code == 1
    assert "error: plugins.acme.keep: survey is on legal hold" in refused.stderr
    assert counts(programme)["responses"] == 1200
