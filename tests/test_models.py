"""The built-in maturity models: every criterion judged on a programme that meets it and one that does not.

``rich`` is a programme built to meet every criterion the data can decide;
``bare`` is a programme with nothing in it. Both run the whole lifecycle with
the built-in plugins, then the plugins' ``assessment_evidence`` feeds the
models, as ``cxframe assess`` does.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

import cxframe
import cxframe.assessment.models
from cxframe import testing
from cxframe.api import open_programme, running
from cxframe.assessment._questionnaire import Answer, Answers
from cxframe.assessment.models import MODELS, cx2030, iso_cx
from cxframe.contracts._maturity import Facts
from cxframe.contracts._records import Action, ActionStatus, CheckResult, CheckStatus, CriterionResult, CriterionStatus
from cxframe.host._manager import PluginHost
from cxframe.lifecycle._walk import walk

cxframe_nps = pytest.importorskip("cxframe_nps")
cxframe_employee = pytest.importorskip("cxframe_employee")
cxframe_journey = pytest.importorskip("cxframe_journey")
cxframe_text = pytest.importorskip("cxframe_text")

MET, UNMET, UNKNOWN = CriterionStatus.MET, CriterionStatus.UNMET, CriterionStatus.UNKNOWN
ALL = [c for model in MODELS.values() for c in model.criteria]
QUESTION_ONLY = {c.id for c in ALL if c.evidence is None}
#: criteria whose evidence needs data this test cannot give (a journey.handoffs check), tested on their own
# iso.info.predictive needs a validated churn model, iso.measure.drivers a key-driver analysis (cxframe-insight):
# tests/test_models_insight.py and the insight plugin's tests
NOT_IN_RICH = {"cx2030.handoffs.seamless", "iso.info.predictive", "iso.measure.drivers"}
#: criteria whose evidence says "cannot tell" on an empty programme (no follow-up or outcome data)
UNKNOWN_WHEN_BARE = {
    "iso.improve.inner-loop",
    "cx2030.adaptability.inner-loop",
    "cx2030.speed.follow-up",
    "cx2030.speed.resolution-time",
    "iso.info.predictive",  # no churn model: the question decides
    "iso.measure.drivers",  # no cxframe-insight here: the question decides
    # (cx2030.handoffs.seamless is unmet on a bare programme: the journey plugin says no journey is mapped)
}
#: criteria read from the nps or employee plugin's evidence: unknown (then answered) without the plugins
FROM_PLUGINS = {
    "iso.design.validated",
    "iso.measure.regular",
    "iso.measure.samples",
    "iso.measure.beyond",
    "iso.measure.segmented",
    "iso.measure.drivers",
    "iso.culture.enps",
    "iso.culture.training",
    "iso.culture.resourced",
    "iso.culture.empowered",
    "iso.culture.link",
    "iso.culture.acted-on",
    "cx2030.predictive.series",
    "cx2030.empowerment.heard",
    "cx2030.empowerment.equipped",
    "cx2030.empowerment.authority",
}

GOOD_ROLE: dict[str, Any] = {
    "id": "agent",
    "name": "Contact-centre agent",
    "headcount": 100,
    "refund_limit": 50.0,
    "can_close_complaints": True,
    "common_issues_resolvable": 0.9,
    "escalation_share": 0.1,
    "training_hours_per_year": 30,
    "cx_trained_share": 0.95,
    "systems_per_interaction": 2,
    "scorecard_kpis": ["aht", "csat", "fcr"],
    "contacts_per_agent_hour": 8,
    "occupancy": 0.8,
    "service_level": 0.82,
    "service_level_target": 0.8,
}

TOUCHPOINTS = [
    {"id": "app", "name": "App", "environment": "digital", "elements": ["platform-apps"], "owner": "Digital"},
    {"id": "branch", "name": "Branch", "environment": "physical", "elements": ["product-service"], "owner": "Retail"},
    {"id": "phone", "name": "Phone", "environment": "remote", "elements": ["service-process"], "owner": "Care"},
    {"id": "advisor", "name": "Advisor", "environment": "interpersonal", "elements": ["brand"], "owner": "Sales"},
    {"id": "social", "name": "Social", "environment": "third-party", "elements": ["brand"], "owner": "Marketing"},
]


def stage(id: str, touchpoints: list[str]) -> dict[str, Any]:
    return {
        "id": id,
        "name": id.title(),
        "touchpoints": touchpoints,
        "expectations": ["quick and clear"],
        "emotion": {"score": -1, "note": "waiting"},
        "pain_points": ["slow"],
        "opportunities": ["faster"],
        "departments": ["Care", "IT"],
        "measures": ["nps"],
        "moments_of_truth": touchpoints[:1],
    }


RICH_PROGRAMME: dict[str, Any] = {
    # 16 detractors are followed up: enough to judge the closed loop at this minimum sample
    "settings": {"min_sample": 10},
    "context": {
        "organisation": "Acme Bank",
        "scope": "Retail customers",
        "sponsor": "Chief Customer Officer",
        "strategy": "Be the easiest bank to deal with, from the brand promise 'simply there'.",
        "internal_factors": ["legacy core system"],
        "external_factors": ["open banking"],
        "stakeholders": [{"name": "Customers", "needs": ["fast answers"]}],
    },
    "objectives": [
        {
            "id": "nps-2027",
            "metric": "nps",
            "target": -90,
            "deadline": dt.date(2027, 1, 1),
            "owner": "CCO",
            "business_kpi": "retention",
        }
    ],
    "personas": [{"id": "saver", "name": "Saver", "segment": {"region": "north"}}],
    "touchpoints": TOUCHPOINTS,
    "journeys": [
        {
            "id": "service",
            "name": "Get help",
            "persona": "saver",
            "stages": [stage("ask", ["app"]), stage("fix", ["phone"])],
        }
    ],
    "sources": [
        {
            "id": "customers",
            "collector": "survey-csv",
            "path": "customers.csv",
            "columns": {
                "response_id": "id",
                "respondent_id": "id",
                "timestamp": "when",
                "touchpoint": "touchpoint",
                "comment": "comment",
                "segments": ["region", "team"],
                "questions": {"nps": "ltr", "ces": "effort"},
            },
        },
        {
            "id": "staff",
            "collector": "employee-survey",
            "path": "staff.csv",
            "columns": {
                "response_id": "id",
                "timestamp": "when",
                "segments": ["team", "role", "site"],
                "questions": {"enps": "enps"},
            },
        },
        {
            "id": "events",
            "collector": "event-csv",
            "path": "events.csv",
            "columns": {
                "case": "case",
                "activity": "activity",
                "timestamp": "when",
                "touchpoint": "touchpoint",
                "outcome": "outcome",
            },
        },
    ],
    "plugins": {
        "cxframe-nps": {"closed_loop": {"activities": ["callback"]}},
        # a codeframe that codes every comment ("said thing N"): iso.info.coded
        "cxframe-text": {"themes": [{"id": "things", "keywords": ["thing"]}]},
        "cxframe-employee": {
            "roles": [GOOD_ROLE],
            "voice_of_employee": {"channel": "monthly forum", "suggestions": 40, "acted_on": 20},
        },
    },
}

#: team → (staff eNPS answers, customers' NPS answers): teams differ so the EX ↔ CX link has variance
TEAMS = {
    "t1": ([10] * 6 + [8] * 2, [10] * 8 + [3] * 2),
    "t2": ([10] * 4 + [8] * 2 + [2] * 2, [10] * 6 + [8] * 2 + [3] * 2),
    "t3": ([10] * 3 + [8] * 2 + [2] * 3, [10] * 5 + [8] * 2 + [3] * 3),
    "t4": ([10] * 2 + [8] * 2 + [2] * 4, [10] * 4 + [8] * 2 + [3] * 4),
    "t5": ([10] * 1 + [8] * 2 + [2] * 5, [10] * 3 + [8] * 2 + [3] * 5),
}
MONTHS = ["2026-01", "2026-02", "2026-03"]


def write_data(root: Path) -> None:
    customers, staff, events = (
        ["id,when,touchpoint,comment,region,team,ltr,effort"],
        ["id,when,team,role,site,enps"],
        [],
    )
    events.append("case,activity,when,touchpoint,outcome")
    number = 0
    for team, (enps, nps) in TEAMS.items():
        staff += [f"{team}-s{i},2026-02-01T09:00:00Z,{team},agent,north,{score}" for i, score in enumerate(enps)]
        for score in nps:
            number += 1
            who, day = f"c{number}", f"{MONTHS[number % 3]}-{10 + number % 15:02d}"
            region = "north" if number % 2 else "south"
            customers.append(f"{who},{day}T10:00:00Z,app,said thing {number},{region},{team},{score},6")
            events.append(f"{who},open,{day}T08:00:00Z,app,")
            events.append(f"{who},close,{day}T09:30:00Z,app,resolved")
            if score <= 6:  # the inner loop: every detractor called back within 2 hours
                events.append(f"{who},callback,{day}T12:00:00Z,phone,")
    for name, lines in (("customers.csv", customers), ("staff.csv", staff), ("events.csv", events)):
        (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def host(*, plugins: bool = True) -> PluginHost:
    chosen = (cxframe_nps, cxframe_employee, cxframe_journey, cxframe_text) if plugins else ()
    return testing.plugin_host(*chosen, cxframe.assessment.models)


Judge = Callable[..., dict[str, CriterionResult]]


def judge(
    root: Path,
    chosen: PluginHost,
    *,
    actions: tuple[Action, ...] = (),
    checks: tuple[CheckResult, ...] = (),
    answers: Mapping[str, str] | None = None,
) -> dict[str, CriterionResult]:
    """Walk the lifecycle, gather the plugins' evidence and judge every criterion of both models."""
    with open_programme(root, chosen) as opened, running("test", opened) as run:
        walk(run)
        run.check_results.extend(checks)
        if actions:
            run.store.write_actions(run.id, actions)
        evidence = {name: found for name, found in chosen.call("assessment_evidence", run=run) if found is not None}
        json.dumps(evidence)  # what the assessment document keeps must be plain data
        facts = Facts(run, evidence)
        given = Answers({k: Answer(v) for k, v in (answers or {}).items()})
        results = {}
        for model in MODELS.values():
            for dimension in model.judge(facts, given):
                results.update({c.id: c for c in dimension.criteria})
        assert not chosen.failures, chosen.failures
        return results


DONE = Action(
    id="a1",
    title="Shorter callback wait",
    owner="Care lead",
    due=dt.date(2026, 6, 1),
    status=ActionStatus.DONE,
    baseline=10.0,
    effect=4.0,
)


@pytest.fixture(scope="module")
def rich_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = testing.make_programme(tmp_path_factory.mktemp("rich"), **RICH_PROGRAMME)
    write_data(root)
    summaries = cxframe.collect(root, host=host())
    assert all(s.rows_rejected == 0 for s in summaries), summaries
    return root


@pytest.fixture(scope="module")
def rich(rich_root: Path) -> dict[str, CriterionResult]:
    return judge(rich_root, host(), actions=(DONE,))


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CriterionResult]:
    return judge(testing.make_programme(tmp_path_factory.mktemp("bare")), host())


@pytest.mark.parametrize("criterion", sorted(c.id for c in ALL if c.id not in QUESTION_ONLY | NOT_IN_RICH))
def test_every_evidence_criterion_is_met_on_the_rich_programme(
    criterion: str, rich: dict[str, CriterionResult]
) -> None:
    result = rich[criterion]
    assert result.status is MET, result.evidence
    assert result.source == "evidence" and result.evidence and all(line.strip() for line in result.evidence)


@pytest.mark.parametrize("criterion", sorted(c.id for c in ALL if c.id not in QUESTION_ONLY))
def test_every_evidence_criterion_is_unmet_or_unknown_on_a_bare_programme(
    criterion: str, bare: dict[str, CriterionResult]
) -> None:
    result = bare[criterion]
    expected = UNKNOWN if criterion in UNKNOWN_WHEN_BARE else UNMET
    assert result.status is expected, result.evidence


def test_question_only_criteria_are_unknown_until_answered(rich: dict[str, CriterionResult], tmp_path: Path) -> None:
    assert {rich[c].status for c in QUESTION_ONLY} == {UNKNOWN}
    root = testing.make_programme(tmp_path)
    answered = judge(root, host(), answers={c: "yes" for c in QUESTION_ONLY})
    assert {answered[c].status for c in QUESTION_ONLY} == {MET}
    assert answered["iso.framework.funding"].source == "answer"
    denied = judge(root, host(), answers={"iso.framework.funding": "no"})
    assert denied["iso.framework.funding"].status is UNMET


def test_without_the_plugins_their_criteria_are_decided_by_the_answers(tmp_path: Path) -> None:
    root = testing.make_programme(tmp_path)
    unanswered = judge(root, host(plugins=False))
    assert {unanswered[c].status for c in FROM_PLUGINS} == {UNKNOWN}
    answered = judge(root, host(plugins=False), answers={c: "yes" for c in FROM_PLUGINS})
    assert {answered[c].status for c in FROM_PLUGINS} == {MET}
    # evidence beats an answer where the store can decide
    contradicted = judge(root, host(plugins=False), answers={"iso.info.survey": "yes"})
    assert contradicted["iso.info.survey"].status is UNMET
    assert "the evidence above decides" in contradicted["iso.info.survey"].evidence[-1]


def test_comments_count_as_coded_only_above_the_coverage_bar(rich_root: Path, tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(rich_root, root)
    # a codeframe that codes 5 of the 50 comments ("said thing 1", "said thing 10" … "said thing 19")
    programme_file = root / "cxframe.toml"
    text = programme_file.read_text(encoding="utf-8")
    programme_file.write_text(text.replace('keywords = ["thing"]', 'keywords = ["1"]'), encoding="utf-8")
    low = judge(root, host())["iso.info.coded"]
    assert low.status is UNMET
    assert low.evidence[0].startswith("50 comments coded against a codeframe of 1 themes: ")
    assert low.evidence[0].endswith("; the bar is 70%")
    assert iso_cx.CODED_COVERAGE == 0.7
    # comments but no themes to read (no text plugin): asked, and the answer decides
    without = judge(root, testing.plugin_host(cxframe_nps, cxframe.assessment.models))["iso.info.coded"]
    assert without.status is UNKNOWN
    answered = judge(
        root, testing.plugin_host(cxframe_nps, cxframe.assessment.models), answers={"iso.info.coded": "yes"}
    )
    assert answered["iso.info.coded"].status is MET


def test_evidence_lines_name_what_was_counted(
    rich: dict[str, CriterionResult], bare: dict[str, CriterionResult]
) -> None:
    assert rich["iso.framework.strategy"].evidence[1] == "1 of 1 objectives has a metric, target, deadline and owner"
    assert rich["iso.design.coverage"].evidence == (
        "contact environments covered: 5 of 5",
        "experience elements covered: 4 of 4",
    )
    assert (
        rich["iso.improve.inner-loop"].evidence[0].startswith("16 of 16 detractors (100%) were contacted within 48 h")
    )
    assert rich["iso.info.joined"].evidence[0].startswith("50 of 50 identified survey respondents (100%)")
    assert bare["iso.framework.sponsor"].evidence == ("context.sponsor is not set in the programme file",)
    assert "no objectives are planned" in bare["iso.framework.strategy"].evidence


def test_partial_programmes_fall_short_with_the_gap_named(rich_root: Path, tmp_path: Path) -> None:
    text = (rich_root / "cxframe.toml").read_text(encoding="utf-8")
    root = tmp_path / "partial"
    root.mkdir()
    for name in ("customers.csv", "staff.csv", "events.csv"):
        (root / name).write_text((rich_root / name).read_text(encoding="utf-8"), encoding="utf-8")
    # only half the detractors called back, one touchpoint without owner, an objective without deadline
    events = (root / "events.csv").read_text(encoding="utf-8").splitlines()
    callbacks = [line for line in events if ",callback," in line]
    kept = [line for line in events if line not in callbacks[::2]]
    (root / "events.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    text = text.replace('owner = "Marketing"', 'owner = ""').replace("deadline = 2027-01-01, ", "")
    testing.make_programme(root, text=text)
    cxframe.collect(root, host=host())
    undone = Action(id="a2", title="New IVR", status=ActionStatus.PLANNED, owner=None, due=None)
    partial = judge(root, host(), actions=(DONE, undone, Action(id="a3", title="Chat", status=ActionStatus.DONE)))
    loop = partial["iso.improve.inner-loop"]
    assert loop.status is UNMET and loop.evidence[0].startswith("8 of 16 detractors (50%)")
    assert partial["iso.design.inventory"].status is UNMET
    assert "social (no owner)" in partial["iso.design.inventory"].evidence[-1]
    strategy = partial["iso.framework.strategy"]
    assert strategy.status is UNMET and "nps-2027 (no deadline)" in strategy.evidence[-1]
    backlog = partial["iso.improve.backlog"]
    assert backlog.status is UNMET and "a2 (no owner, no due date)" in backlog.evidence[-1]
    effects = partial["iso.improve.effects"]
    assert effects.status is UNMET and effects.evidence[-1] == "without: a3"


@pytest.mark.parametrize(("status", "expected"), [(CheckStatus.PASS, MET), (CheckStatus.FAIL, UNMET)])
def test_handoffs_follow_the_journey_check_when_it_runs(
    bare: dict[str, CriterionResult], tmp_path: Path, status: CheckStatus, expected: CriterionStatus
) -> None:
    result = CheckResult(status=status, check="journey.handoffs", evidence=("3 handoffs, 1 without a receiving team",))
    # without the journey plugin, so that only this result speaks for the check
    without_journey = testing.plugin_host(cxframe_nps, cxframe_employee, cxframe.assessment.models)
    judged = judge(testing.make_programme(tmp_path), without_journey, checks=(result,))
    assert judged["cx2030.handoffs.seamless"].status is expected
    assert judged["cx2030.handoffs.seamless"].evidence[0] == f"journey.handoffs: {status.value}"


def test_levels_stop_below_the_unanswered_questions(rich_root: Path, rich: dict[str, CriterionResult]) -> None:
    # ``rich`` ran first and left its done action in the store: actions persist across runs
    with open_programme(rich_root, host()) as opened, running("test", opened) as run:
        walk(run)
        facts = Facts(run, dict(run.host.call("assessment_evidence", run=run)))
        scores = {r.dimension: (r.level, r.score) for r in iso_cx.MODEL.judge(facts)}
    # every evidence criterion is met: a dimension stops just below its first question-only criterion
    assert scores["framework"] == (3, 3.0)  # funding (4) is asked
    assert scores["design"] == (4, 4.0)  # surprise (5) is asked
    # the key drivers (4) are asked here (no cxframe-insight in this host); kpi-link beside them is met
    assert scores["measurement"] == (3, 3.5)
    assert scores["information"] == (4, 4.0)  # predictive insight (5) is asked
    assert scores["improvement"] == scores["culture"] == (5, 5.0)


def test_models_are_complete() -> None:
    assert sorted(MODELS) == ["cx-2030", "iso-cx"]
    assert [len(m.dimensions) for m in (iso_cx.MODEL, cx2030.MODEL)] == [6, 8]
    for model in MODELS.values():
        zh = model.translations["zh-CN"]
        assert "title" in zh and all(f"level.{n}" in zh for n in range(1, 6))
        for dimension in model.dimensions:
            levels = {c.level for c in model.criteria_of(dimension.id)}
            # a level with no criterion is passed for free, so every dimension starts at level 1
            assert 1 in levels, dimension.id
            assert dimension.id in zh
        for criterion in model.criteria:
            assert criterion.recommendation, criterion.id
            assert zh.get(criterion.id), criterion.id
            assert zh.get(f"{criterion.id}.recommendation"), criterion.id
            if criterion.question:
                assert zh.get(f"{criterion.id}.question"), criterion.id
        unknown_keys = set(zh) - {"title", *(f"level.{n}" for n in range(1, 6))} - {d.id for d in model.dimensions}
        ids = {c.id for c in model.criteria}
        assert {key.rsplit(".", 1)[0] if key not in ids else key for key in unknown_keys} <= ids
    assert all(len({c.level for c in iso_cx.MODEL.criteria_of(d.id)}) == 5 for d in iso_cx.DIMENSIONS)


def test_the_models_register_through_the_entry_point() -> None:
    plugins = json.loads(testing.invoke(["plugins", "--json"]).stdout)
    [entry] = [p for p in plugins if p["assessments"]]
    assert entry["assessments"] == ["cx-2030", "iso-cx"]
    loaded = cxframe.host._manager.load_plugins()
    assert [info.module for info in loaded.plugin_infos() if info.name == entry["name"]] == [
        "cxframe.assessment.models"
    ]


def test_the_docs_list_every_criterion() -> None:
    page = (Path(__file__).parent.parent / "docs" / "maturity.md").read_text(encoding="utf-8")
    from cxframe.assessment.models._docs import criteria_table

    for model in MODELS.values():
        assert criteria_table(model) in page, (
            f"docs/maturity.md is stale for {model.id}: run python -m cxframe.assessment.models._docs"
        )


def test_the_documented_example_model_scores(tmp_path: Path) -> None:
    from tests import acme_model

    root = testing.make_programme(tmp_path)
    chosen = testing.plugin_host(acme_model)
    registry = cxframe.host._registry.build_registry(chosen)
    assert registry.assessments.ids() == ["acme-complaints"]
    with open_programme(root, chosen) as opened, running("test", opened) as run:
        facts = Facts(run)
        answers = Answers({"acme.complaints.answered": Answer("yes")})
        [result] = acme_model.MODEL.judge(facts, answers)
    assert result.level == 0 and result.criteria_unmet[0] == "acme.complaints.logged"
    assert result.criteria[1].status is MET and result.criteria[1].source == "answer"


def test_a_closed_loop_on_fewer_detractors_than_the_minimum_sample_is_left_to_the_questionnaire(
    rich_root: Path,
) -> None:
    text = (rich_root / "cxframe.toml").read_text(encoding="utf-8").replace("min_sample = 10", "min_sample = 30")
    root = rich_root.parent / "strict"
    shutil.copytree(rich_root, root)
    (root / "cxframe.toml").write_text(text, encoding="utf-8")
    judged = judge(root, host())
    assert judged["iso.improve.inner-loop"].status is UNKNOWN  # 16 detractors cannot show a practice


class ClientSatisfaction:
    """A client plugin's own satisfaction question (1–5) and top-box metric, as docs/writing-a-plugin.md describes."""

    @staticmethod
    def read(source: cxframe.SourceReader) -> Any:
        """``question;score;month`` a line."""
        with source.open_text() as handle:
            for line, text in enumerate(handle, start=1):
                question, score, month = text.strip().split(";")
                when = dt.datetime(2026, int(month), 1 + line % 27, tzinfo=dt.UTC)
                yield line, cxframe.Observation(question, float(score), when, source.id, scale_min=1, scale_max=5)

    @cxframe.hookimpl
    def register_collectors(self) -> list[cxframe.Collector]:
        return [cxframe.Collector(id="client", description="question;score;month", read=self.read)]

    @cxframe.hookimpl
    def register_metrics(self) -> list[cxframe.MetricDefinition]:
        top_box = "CASE WHEN value >= 4 THEN 1.0 ELSE 0.0 END"
        return [
            cxframe.MetricDefinition(
                id="acme_sat_top", title="Top box", question="acme_sat", value_sql=top_box, multiplier=100
            )
        ]


@pytest.mark.parametrize("question", ["acme_sat", "csat"])
def test_a_client_csat_counts_as_the_headline_only_under_question_csat(tmp_path: Path, question: str) -> None:
    # what docs/writing-a-plugin.md says: iso.measure.regular reads cxframe-nps's nps and csat metrics only, while
    # the plugin's own metric counts where every metric with data does (and as a measure beyond NPS/CSAT)
    root = testing.make_programme(tmp_path / question)
    (root / "answers.csv").write_text("".join(f"{question};{1 + i % 5};{1 + i % 3}\n" for i in range(90)))
    chosen = testing.plugin_host(ClientSatisfaction(), cxframe_nps, cxframe.assessment.models)
    cxframe.collect(root, [str(root / "answers.csv")], collector="client", host=chosen)
    judged = judge(root, testing.plugin_host(ClientSatisfaction(), cxframe_nps, cxframe.assessment.models))
    regular, beyond = judged["iso.measure.regular"], judged["iso.measure.beyond"]
    assert judged["iso.measure.samples"].status is MET
    if question == "csat":
        assert regular.status is MET and regular.evidence[1] == "csat: n=90 over 3 months, interval shown"
        assert beyond.status is UNMET
    else:
        assert regular.status is UNMET and regular.evidence == ("nps: no data", "csat: no data")
        assert beyond.status is MET and "acme_sat_top" in beyond.evidence[1]
