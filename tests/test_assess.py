"""``cxframe assess`` end to end on a consultancy-style model from a test plugin, and its parts."""

from __future__ import annotations

import datetime as dt
import json
import sys
import types
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cxframe.reporters
from cxframe import (
    Criterion,
    CriterionResult,
    CriterionStatus,
    Dimension,
    Finding,
    InvalidInput,
    MaturityModel,
    Severity,
    Stage,
    api,
    hookimpl,
    testing,
)
from cxframe.assessment._questionnaire import load_answers
from cxframe.assessment._schema import DOCUMENT_SCHEMA
from cxframe.contracts._maturity import score_dimension
from cxframe.lifecycle._actions import priority, propose_actions
from tests import acme_evidence, toy_plugin
from tests.conftest import write_answers

ACME = MaturityModel(
    id="acme",
    title="Acme CX maturity",
    dimensions=(
        Dimension("leadership", "Leadership", Stage.CONTEXT),
        Dimension("insight", "Insight", Stage.MEASURE),
    ),
    criteria=(
        Criterion(
            "acme.sponsor",
            "leadership",
            1,
            "A sponsor is named",
            acme_evidence.sponsor,
            recommendation="Name a sponsor.",
        ),
        Criterion(
            "acme.funding",
            "leadership",
            2,
            "CX alignment is a funding criterion",
            question="Is CX alignment a funding criterion for projects?",
            recommendation="Make CX alignment a funding criterion.",
        ),
        Criterion(
            "acme.deadlines",
            "insight",
            1,
            "Objectives have deadlines",
            acme_evidence.deadlines,
            "Do objectives have deadlines?",
        ),
        Criterion(
            "acme.data",
            "insight",
            2,
            "Survey data is collected",
            acme_evidence.has_data,
            recommendation="Collect data.",
        ),
        Criterion(
            "acme.drivers",
            "insight",
            3,
            "Key-driver analysis is run",
            question="Do you run key-driver analysis?",
            recommendation="Run a key-driver analysis.",
        ),
    ),
    translations={"zh-CN": {"title": "Acme 客户体验成熟度", "leadership": "领导力"}},
)


def _plugin() -> types.ModuleType:
    """A consultancy's plugin, as a module: it registers the model like any plugin would."""
    module = types.ModuleType("cxframe_acme_test")

    @hookimpl
    def register_assessments() -> list[object]:
        return [ACME.assessment()]

    module.register_assessments = register_assessments  # type: ignore[attr-defined]
    sys.modules.setdefault(module.__name__, module)
    return module


@pytest.fixture
def acme_host():
    return testing.plugin_host(toy_plugin, _plugin(), cxframe.reporters)


@pytest.fixture
def collected(programme: Path, acme_host) -> Path:
    api.collect(programme, host=acme_host)
    return programme


def test_assess_scores_each_criterion_from_evidence_and_lists_what_it_cannot_decide(collected, acme_host):
    document = api.assess(collected, host=acme_host, today=dt.date(2026, 1, 1))
    assert document["kind"] == "cxframe.assessment" and document["version"] == 2
    dimensions = {d["id"]: d for d in document["model"]["dimensions"]}
    leadership = {c["id"]: c for c in dimensions["leadership"]["criteria"]}
    assert leadership["acme.sponsor"]["status"] == "met" and leadership["acme.sponsor"]["source"] == "evidence"
    assert leadership["acme.sponsor"]["evidence"] == ["sponsor: CCO"]
    assert leadership["acme.funding"]["status"] == "unknown"
    assert dimensions["leadership"]["level"] == 1 and dimensions["leadership"]["score"] == 1.0
    insight = {c["id"]: c for c in dimensions["insight"]["criteria"]}
    assert insight["acme.deadlines"]["status"] == "met" and insight["acme.data"]["status"] == "met"
    assert dimensions["insight"]["level"] == 2
    assert {q["criterion"] for q in document["questions"]} == {"acme.funding", "acme.drivers"}


def test_unmet_criteria_of_the_next_level_become_findings_and_prioritised_actions(programme, acme_host):
    # no data collected: toy.has-data fails, so insight stays at level 1 and acme.data is the next step
    document = api.assess(programme, host=acme_host, today=dt.date(2026, 1, 1))
    finding_ids = {f["id"] for f in document["findings"]}
    assert "maturity:acme.data" in finding_ids
    assert "maturity:acme.funding" not in finding_ids  # unknown is a question, not a finding
    priorities = [a["priority"] for a in document["actions"]]
    assert priorities == sorted(priorities, reverse=True)
    data_action = next(a for a in document["actions"] if a["finding"] == "maturity:acme.data")
    assert data_action["title"] == "Collect data." and data_action["due"] == "2026-03-02"


def test_answers_decide_questions_and_never_overrule_evidence(collected, acme_host):
    (collected / "answers.toml").write_text(
        '"acme.funding" = "yes"\n["acme.sponsor"]\nanswer = "no"\nnote = "we think not"\n', encoding="utf-8"
    )
    document = api.assess(collected, host=acme_host)
    leadership = {c["id"]: c for c in document["model"]["dimensions"][0]["criteria"]}
    assert leadership["acme.funding"]["status"] == "met" and leadership["acme.funding"]["source"] == "answer"
    assert leadership["acme.sponsor"]["status"] == "met"
    assert "the questionnaire answer says not met" in leadership["acme.sponsor"]["evidence"][-1]
    assert document["model"]["dimensions"][0]["level"] == 2


def test_a_bad_answers_file_names_the_file_and_the_key(tmp_path):
    path = tmp_path / "answers.toml"
    path.write_text('"acme.sponsor" = "maybe"\n"acme.typo" = "yes"\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_answers(path, known=[c.id for c in ACME.criteria])
    text = str(caught.value)
    assert "answers.toml" in text and "acme.sponsor: got 'maybe'" in text and "acme.typo: no criterion" in text


@pytest.mark.parametrize("with_data", [True, False])
def test_the_document_is_stored_and_matches_its_schema(programme, acme_host, with_data):
    jsonschema = pytest.importorskip("jsonschema")
    if with_data:
        api.collect(programme, host=acme_host)
    document = api.assess(programme, host=acme_host)
    jsonschema.validate(document, DOCUMENT_SCHEMA)
    rows = testing.read_table(programme, "maturity_results")
    assert {r["dimension"] for r in rows} == {"leadership", "insight"}
    assert json.loads(rows[0]["criteria"])
    assert len(testing.read_table(programme, "actions")) == len(document["actions"])
    assert bool(document["actions"]) is not with_data  # without data, the failed check proposes an action
    assert len(testing.read_table(programme, "assessments")) == 1


def test_cli_writes_reports_and_report_renders_them_again(collected, acme_host):
    result = testing.invoke(["-C", str(collected), "assess", "--model", "acme"], host=acme_host)
    assert result.exit_code == 0, result.output
    assert "Acme CX maturity" in result.output
    reports = collected / "reports"
    assert json.loads((reports / "assessment.json").read_text())["model"]["id"] == "acme"
    markdown = (reports / "assessment.md").read_text()
    assert "## Maturity by dimension" in markdown and "| Leadership | 1 · initial | 1.00 |" in markdown
    result = testing.invoke(
        ["-C", str(collected), "report", "--role", "executive", "--lang", "zh-CN", "--format", "markdown"],
        host=acme_host,
    )
    assert result.exit_code == 0, result.output
    again = (reports / "assessment.executive.zh-CN.md").read_text()
    assert "各维度成熟度" in again and "领导力" in again
    assert "## 检查" not in again  # the executive view leaves the checks out
    assert (reports / "assessment.md").read_text() == markdown  # the complete report is still there


def test_another_readers_reports_do_not_overwrite_the_complete_ones(collected, acme_host):
    """Issue #22: `cxframe report --role executive --lang zh-CN` (the README's command) overwrote assessment.*."""
    result = testing.invoke(["-C", str(collected), "assess", "--model", "acme"], host=acme_host)
    assert result.exit_code == 0, result.output
    reports = collected / "reports"
    complete = {path.name: path.read_bytes() for path in reports.iterdir()}
    assert sorted(complete) == ["assessment.html", "assessment.json", "assessment.md"]

    result = testing.invoke(["-C", str(collected), "report", "--role", "executive", "--lang", "zh-CN"], host=acme_host)
    assert result.exit_code == 0, result.output
    assert "assessment.executive.zh-CN.html" in result.output
    assert {path.name: path.read_bytes() for path in reports.iterdir() if path.name in complete} == complete
    executive = json.loads((reports / "assessment.executive.zh-CN.json").read_text(encoding="utf-8"))
    assert (executive["view"]["role"], executive["view"]["lang"]) == ("executive", "zh-CN")
    assert executive["view"]["left_out"]  # the executive's JSON holds what their reports show (#25)
    assert '<html lang="zh-CN">' in (reports / "assessment.executive.zh-CN.html").read_text(encoding="utf-8")
    assert (reports / "assessment.executive.zh-CN.md").is_file()

    # one of role and language differs: still its own files, named by both
    for args, name in [
        (["--lang", "zh-CN", "--format", "markdown"], "assessment.cx-lead.zh-CN.md"),
        (["--role", "frontline-manager", "--format", "markdown"], "assessment.frontline-manager.en.md"),
    ]:
        result = testing.invoke(["-C", str(collected), "report", *args], host=acme_host)
        assert result.exit_code == 0, result.output
        assert (reports / name).is_file(), name
    assert {path.name: path.read_bytes() for path in reports.iterdir() if path.name in complete} == complete

    # --out still wins: the folder is the caller's, the files in it are assessment.*
    out = collected / "for-the-board"
    result = testing.invoke(
        ["-C", str(collected), "report", "--role", "executive", "--format", "html", "--out", str(out)], host=acme_host
    )
    assert result.exit_code == 0, result.output
    assert [path.name for path in out.iterdir()] == ["assessment.html"]


def test_assess_for_another_reader_writes_its_own_files(collected, acme_host):
    result = testing.invoke(
        ["-C", str(collected), "assess", "--model", "acme", "--role", "executive", "--lang", "zh-CN"], host=acme_host
    )
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in (collected / "reports").iterdir())
    assert names == [f"assessment.executive.zh-CN.{suffix}" for suffix in ("html", "json", "md")]
    # the default reader's reports are where DESIGN §11 says
    result = testing.invoke(["-C", str(collected), "assess", "--model", "acme"], host=acme_host)
    assert result.exit_code == 0, result.output
    assert json.loads((collected / "reports" / "assessment.json").read_text())["view"] == {
        "role": "cx-lead",
        "lang": "en",
    }


def test_unknown_model_is_a_clear_error(collected, acme_host):
    result = testing.invoke(["-C", str(collected), "assess", "--model", "nope"], host=acme_host)
    assert result.exit_code == 2  # a usage error, found before any work
    assert "no maturity model 'nope'" in result.output and "acme" in result.output
    result = testing.invoke(["-C", str(collected), "assess", "--format", "pdf"], host=acme_host)
    assert result.exit_code == 2 and "no reporter 'pdf'" in result.output
    assert testing.read_table(collected, "assessments") == []


def test_the_choices_are_checked_by_the_api_before_any_work(collected, acme_host):
    assert api.validate_choices(collected, model="acme", formats=["markdown"], host=acme_host) == []
    problems = api.validate_choices(
        collected, model="nope", formats=["pdf", "markdown", "doc"], role="ceo", lang="fr", host=acme_host
    )
    assert problems == [
        "--role: expected one of executive, cx-lead, frontline-manager, got 'ceo'",
        "--lang: expected one of en, zh-CN, got 'fr'",
        "--model: no maturity model 'nope' (models: acme)",
        "--format: no reporter 'pdf', 'doc' (reporters: json, markdown, html)",
    ]
    # report raises the same, worded the same
    with pytest.raises(InvalidInput) as raised:
        api.report(collected, document={}, formats=["pdf", "doc"], host=acme_host)
    assert raised.value.messages == problems[-1:]
    assert testing.read_table(collected, "runs") == []


def test_report_without_an_assessment_says_what_to_do(programme, acme_host):
    result = testing.invoke(["-C", str(programme), "report"], host=acme_host)
    assert result.exit_code == 1 and "run `cxframe assess` first" in result.output


def test_interview_asks_the_undecided_questions_and_saves_the_answers(collected, acme_host):
    result = testing.invoke(
        ["-C", str(collected), "assess", "--interview", "--format", "json"],
        host=acme_host,
        input="yes\nfunding board minutes\nno\n\n",
    )
    assert result.exit_code == 0, result.output
    answers = load_answers(collected / "answers.toml")
    assert answers["acme.funding"].met is True and answers["acme.funding"].note == "funding board minutes"
    assert answers["acme.drivers"].met is False


def test_respondent_text_is_escaped_in_markdown(programme, acme_host):
    write_answers(
        programme / "answers.csv",
        [("r1", "score", "2", "2026-01-05T10:00:00Z", "north")],
    )
    api.collect(programme, host=acme_host)
    with api.open_programme(programme, host=acme_host) as opened:
        opened.store.db.execute("UPDATE responses SET comment = '<script>alert(1)</script> | pipe'")
        opened.store.db.conn.commit()
    document = api.assess(programme, host=acme_host)
    assert document["verbatims"][0]["comment"] == "<script>alert(1)</script> | pipe"
    api.report(programme, document=document, formats=["markdown"], host=acme_host)
    markdown = (programme / "reports" / "assessment.md").read_text()
    assert "<script>" not in markdown and "&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| pipe" in markdown


def test_personal_data_in_comments_reaches_no_report(programme, acme_host):
    """An e-mail, a Chinese mobile and a resident ID typed in a comment are masked in every report (#26)."""
    write_answers(programme / "answers.csv", [("r1", "score", "2", "2026-01-05T10:00:00Z", "north")])
    api.collect(programme, host=acme_host)
    typed = "Call 138-1234-5678 or li.lei@example.cn, 身份证 11010519491231002X"
    with api.open_programme(programme, host=acme_host) as opened:
        opened.store.db.execute("UPDATE responses SET comment = ?", [typed])
        opened.store.db.conn.commit()
    document = api.assess(programme, host=acme_host)
    assert document["verbatims"][0]["comment"] == "Call [phone] or [email], 身份证 [id]"
    api.report(programme, document=document, formats=["markdown", "html", "json"], host=acme_host)
    written = {path.name: path.read_text(encoding="utf-8") for path in (programme / "reports").iterdir()}
    assert {"assessment.md", "assessment.html", "assessment.json"} <= set(written)
    for name, text in written.items():
        for personal in ("1234-5678", "13812345678", "li.lei@example.cn", "11010519491231002X"):
            assert personal not in text, (name, personal)
    assert "phone\\]" in written["assessment.md"] and "[email]" in written["assessment.html"]  # Markdown escapes [ ]


# --- the rules ------------------------------------------------------------------------

statuses = st.sampled_from(list(CriterionStatus))


@given(st.lists(st.tuples(st.integers(1, 5), statuses), min_size=1, max_size=15))
def test_level_is_the_highest_level_whose_criteria_and_all_below_are_met(criteria):
    results = [
        CriterionResult(id=f"c{i}", dimension="d", level=level, title="t", status=status)
        for i, (level, status) in enumerate(criteria)
    ]
    scored = score_dimension("m", "d", results)
    checked = sorted({r.level for r in results})
    # only a level that has criteria is reported, and every criterion up to it is met
    assert scored.level == 0 or scored.level in checked
    assert all(r.status is CriterionStatus.MET for r in results if r.level <= scored.level)
    following = [level for level in checked if level > scored.level]
    if following:
        # the next checked level is where it stops: one of its criteria is not met
        assert any(r.status is not CriterionStatus.MET for r in results if r.level == following[0])
        assert scored.level <= scored.score < following[0]
    else:
        assert scored.score == scored.level
    assert set(scored.criteria_met) | set(scored.criteria_unmet) == {r.id for r in results}


def test_a_level_without_criteria_is_never_reported():
    met = CriterionStatus.MET
    results = [
        CriterionResult(id="a", dimension="d", level=1, title="t", status=met),
        CriterionResult(id="b", dimension="d", level=3, title="t", status=met),
        CriterionResult(id="c", dimension="d", level=3, title="t", status=CriterionStatus.UNMET),
        CriterionResult(id="e", dimension="d", level=5, title="t", status=met),
    ]
    scored = score_dimension("m", "d", results)
    assert (scored.level, scored.score) == (1, 2.0)  # level 1, half of level 3's criteria met


def _finding(severity: Severity, breadth: int, effort: int, id: str = "f") -> Finding:
    return Finding(id=id, source="s", stage=Stage.IMPROVE, severity=severity, title="t", breadth=breadth, effort=effort)


@given(st.sampled_from(list(Severity)), st.integers(1, 3), st.integers(1, 3))
def test_priority_is_impact_times_breadth_over_effort(severity, breadth, effort):
    impact = list(Severity).index(severity) + 1
    assert priority(_finding(severity, breadth, effort)) == round(impact * breadth / effort, 2)


def test_actions_come_highest_priority_first_and_info_proposes_nothing():
    findings = [
        _finding(Severity.MEDIUM, 1, 3, "slow"),
        _finding(Severity.HIGH, 3, 1, "urgent"),
        _finding(Severity.INFO, 3, 1, "fyi"),
    ]
    actions = propose_actions(findings, today=dt.date(2026, 1, 1))
    assert [a.finding for a in actions] == ["urgent", "slow"]
    assert actions[0].priority == 12.0 and actions[0].due == dt.date(2026, 3, 2)


def test_a_model_with_a_dangling_dimension_is_refused():
    with pytest.raises(ValueError, match="unknown dimension 'nowhere'"):
        MaturityModel(
            id="bad",
            title="Bad",
            dimensions=(Dimension("d", "D"),),
            criteria=(Criterion("c", "nowhere", 1, "t", question="q?"),),
        )


def test_the_schema_in_the_docs_is_the_one_the_code_checks_against():
    docs = Path(__file__).resolve().parent.parent / "docs" / "assessment-schema.json"
    assert json.loads(docs.read_text(encoding="utf-8")) == DOCUMENT_SCHEMA, (
        "regenerate it: cxframe schema assessment > docs/assessment-schema.json"
    )


# --- the action register ---------------------------------------------------------------


def _with_register(programme: Path, actions: list[dict[str, object]]) -> Path:
    text = (programme / "cxframe.toml").read_text(encoding="utf-8")
    (programme / "cxframe.toml").write_text(text + testing.toml_document({"actions": actions}), encoding="utf-8")
    return programme


def test_register_actions_are_stored_and_answer_their_findings(programme, acme_host):
    # without data the check toy.has-data fails; the register already answers that finding
    _with_register(
        programme,
        [{"id": "load-data", "title": "Load the survey", "status": "in_progress", "finding": "check:toy.has-data"}],
    )
    document = api.assess(programme, host=acme_host)
    assert "check:toy.has-data" in {f["id"] for f in document["findings"]}
    assert "check:toy.has-data" not in {a["finding"] for a in document["actions"]}
    stored = {row["id"]: row for row in testing.read_table(programme, "actions")}
    assert stored["load-data"]["status"] == "in_progress"


def test_assessing_twice_gives_the_same_maturity(programme, acme_host):
    first = api.assess(programme, host=acme_host)
    second = api.assess(programme, host=acme_host)
    levels = [[(d["id"], d["level"], d["score"]) for d in doc["model"]["dimensions"]] for doc in (first, second)]
    assert levels[0] == levels[1]
    assert [a["id"] for a in first["actions"]] == [a["id"] for a in second["actions"]]


def test_a_register_action_on_an_unknown_touchpoint_is_reported(programme):
    _with_register(programme, [{"id": "fix", "title": "Fix it", "touchpoint": "nowhere"}])
    problems = api.validate(programme, host=testing.plugin_host(toy_plugin))
    assert any("actions[0].touchpoint: unknown touchpoint 'nowhere'" in p for p in problems)


def test_interview_keeps_the_answers_given_before_the_input_ends(collected, acme_host):
    result = testing.invoke(
        ["-C", str(collected), "assess", "--interview", "--format", "json"], host=acme_host, input="yes\n"
    )
    assert result.exit_code == 0, result.output
    assert "end of input" in result.output
    assert load_answers(collected / "answers.toml")["acme.funding"].met is True


def test_markdown_makes_no_link_image_or_code_from_respondent_text():
    from cxframe.reporters._markdown import md

    text = md("![px](http://evil/p.png) [x](javascript:alert(1)) `code` *bold* | cell")
    assert "![" not in text and "](" not in text.replace("\\]\\(", "")
    assert "\\`code\\`" in text and "\\*bold\\*" in text and "\\|" in text


class _Broken:
    @staticmethod
    @hookimpl
    def register_assessments() -> list[object]:
        from cxframe import Assessment

        def fail(run: object) -> list[object]:
            raise RuntimeError("boom")

        return [Assessment(id="broken", title="Broken", assess=fail)]


def test_a_custom_model_that_fails_is_named_not_a_traceback(collected):
    host = testing.plugin_host(toy_plugin, _Broken, cxframe.reporters)
    result = testing.invoke(["-C", str(collected), "assess", "--model", "broken"], host=host)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--model broken: the model of plugin" in result.output and "boom" in result.output


def test_an_objective_on_one_answer_is_inconclusive(programme, acme_host):
    # one answer of 7 against a target of 5: a mean of one answer has no interval, so it is not judged
    api.collect(programme, host=acme_host)
    document = api.assess(programme, host=acme_host)
    [objective] = document["objectives"]
    assert "small_sample" in objective["flags"] and objective["status"] == "inconclusive"


@pytest.mark.parametrize(
    "evidence",
    [
        {},
        {"journey": "nonsense", "employee": []},
        {
            "journey": {
                "maps": [{"stages": [{"emotion": "low", "pain_points": "one"}]}, "x"],
                "funnel": [{"stage": "s"}, 3],
                "painpoints": ["a", {"evidence": None}],
            },
            "employee": {"enps": "x", "enps_by_team": "x", "link": {"statement": 3}},
        },
    ],
)
def test_reports_survive_plugin_evidence_of_any_shape(collected, acme_host, evidence):
    from cxframe.reporters._html import render_html
    from cxframe.reporters._markdown import render_markdown

    document = {**api.assess(collected, host=acme_host), "evidence": evidence}
    assert render_markdown(document).startswith("# CX programme assessment")
    assert "<html" in render_html(document)


def test_a_stored_document_of_another_version_is_refused_clearly(collected, acme_host):
    api.assess(collected, host=acme_host)
    with api.open_programme(collected, host=acme_host) as opened:
        opened.store.db.execute("UPDATE assessments SET document = json_set(document, '$.version', 99)")
        opened.store.db.conn.commit()
    result = testing.invoke(["-C", str(collected), "report"], host=acme_host)
    assert result.exit_code == 1 and "is version 99; this cxframe renders version 2" in result.output
