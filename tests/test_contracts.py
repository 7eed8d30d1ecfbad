"""The contracts and the strict converter: round trips, strictness, error paths, validators."""

from __future__ import annotations

import datetime as dt
import json
import math

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxframe.contracts import _records as c
from cxframe.contracts._convert import structure, unstructure
from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._stages import Stage

# --- strategies ---------------------------------------------------------------

ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12)
texts = st.text(max_size=20)
opt_texts = st.none() | texts
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
opt_finite = st.none() | finite
positive = st.floats(min_value=0, exclude_min=True, allow_infinity=False)
str_tuples = st.lists(texts, max_size=3).map(tuple)
segments = st.dictionaries(ids, texts, max_size=3)
offsets = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=-5, minutes=-30))]
)
aware = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=offsets)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1))
attribute_values = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | finite | texts

touchpoints = st.builds(
    c.Touchpoint,
    id=ids,
    name=texts,
    channel=texts,
    environment=st.none() | st.sampled_from(c.Environment),
    elements=st.lists(st.sampled_from(c.ExperienceElement), max_size=3).map(tuple),
    owner=opt_texts,
    description=texts,
    moment_of_truth=st.booleans(),
)
personas = st.builds(c.Persona, id=ids, name=texts, description=texts, goals=str_tuples, segment=segments)
emotions = st.builds(c.Emotion, score=st.floats(-2, 2), note=texts)
journey_stages = st.builds(
    c.JourneyStage,
    id=ids,
    name=texts,
    touchpoints=str_tuples,
    scenarios=str_tuples,
    expectations=str_tuples,
    behaviours=str_tuples,
    emotion=st.none() | emotions,
    pain_points=str_tuples,
    opportunities=str_tuples,
    departments=str_tuples,
    measures=str_tuples,
    moments_of_truth=str_tuples,
    optional=st.booleans(),
    final=st.none() | st.booleans(),
)
journeys = st.builds(
    c.Journey,
    id=ids,
    name=texts,
    stages=st.lists(journey_stages, max_size=3).map(tuple),
    persona=opt_texts,
    frequency=texts,
    departments=str_tuples,
    description=texts,
)
objectives = st.builds(
    c.Objective,
    id=ids,
    metric=ids,
    target=finite,
    comparison=st.sampled_from(c.Comparison),
    segment=segments,
    deadline=st.none() | dates,
    owner=opt_texts,
    business_kpi=opt_texts,
    description=texts,
)
observations = st.builds(
    c.Observation,
    question=ids,
    value=finite,
    timestamp=aware,
    source=texts,
    respondent_id=opt_texts,
    response_id=opt_texts,
    population=texts,
    scale_min=opt_finite,
    scale_max=opt_finite,
    touchpoint=opt_texts,
    channel=opt_texts,
    segment=segments,
    comment=opt_texts,
    weight=st.none() | positive,
    key=opt_texts,
)
events = st.builds(
    c.Event,
    case_id=ids,
    activity=ids,
    timestamp=aware,
    source=texts,
    touchpoint=opt_texts,
    channel=opt_texts,
    resource=opt_texts,
    outcome=opt_texts,
    attributes=st.dictionaries(ids, attribute_values, max_size=4),
    key=opt_texts,
)
metric_definitions = st.builds(
    c.MetricDefinition,
    id=ids,
    title=texts,
    question=ids,
    value_sql=st.sampled_from(["value", "CASE WHEN value >= 9 THEN 1.0 ELSE 0.0 END"]),
    interval=st.sampled_from(c.IntervalMethod),
    multiplier=positive,
    unit=texts,
    higher_is_better=st.booleans(),
    min_sample=st.none() | st.integers(1, 10_000),
    population=texts,
    scale_min=opt_finite,
    scale_max=opt_finite,
    description=texts,
)
metric_results = st.builds(
    c.MetricResult,
    metric=ids,
    value=opt_finite,
    n=st.none() | st.integers(0, 10**9),
    ci_low=opt_finite,
    ci_high=opt_finite,
    confidence=st.floats(0.5, 0.999),
    segment=st.dictionaries(ids, st.none() | texts, max_size=3),
    period=opt_texts,
    std_error=opt_finite,
    effective_n=opt_finite,
    flags=str_tuples,
    objective=opt_texts,
    target=opt_finite,
    target_status=st.none() | st.sampled_from(c.TargetStatus),
)
check_results = st.builds(
    c.CheckResult,
    check=ids,
    plugin=ids,
    status=st.sampled_from(c.CheckStatus),
    severity=st.sampled_from(c.Severity),
    title=texts,
    evidence=str_tuples,
    recommendation=texts,
    stage=st.none() | st.sampled_from(Stage),
)
findings = st.builds(
    c.Finding,
    id=ids,
    source=texts,
    stage=st.sampled_from(Stage),
    severity=st.sampled_from(c.Severity),
    title=texts,
    evidence=str_tuples,
    recommendation=texts,
    touchpoint=opt_texts,
    metric=opt_texts,
    breadth=st.integers(1, 3),
    effort=st.integers(1, 3),
)
criterion_results = st.builds(
    c.CriterionResult,
    id=ids,
    dimension=ids,
    level=st.integers(1, 5),
    title=texts,
    status=st.sampled_from(c.CriterionStatus),
    source=st.sampled_from(["evidence", "answer", "none"]),
    evidence=str_tuples,
    recommendation=texts,
)
maturity_results = st.builds(
    c.MaturityResult,
    model=ids,
    dimension=ids,
    level=st.integers(0, 5),
    score=finite,
    evidence=str_tuples,
    criteria_met=str_tuples,
    criteria_unmet=str_tuples,
    criteria=st.lists(criterion_results, max_size=3).map(tuple),
)
actions = st.builds(
    c.Action,
    id=ids,
    title=texts,
    stage=st.sampled_from(Stage),
    owner=opt_texts,
    due=st.none() | dates,
    status=st.sampled_from(c.ActionStatus),
    finding=opt_texts,
    touchpoint=opt_texts,
    metric=opt_texts,
    priority=opt_finite,
    baseline=opt_finite,
    effect=opt_finite,
)

STRATEGIES = {
    c.Touchpoint: touchpoints,
    c.Persona: personas,
    c.Emotion: emotions,
    c.JourneyStage: journey_stages,
    c.Journey: journeys,
    c.Objective: objectives,
    c.Observation: observations,
    c.Event: events,
    c.MetricDefinition: metric_definitions,
    c.MetricResult: metric_results,
    c.CheckResult: check_results,
    c.Finding: findings,
    c.CriterionResult: criterion_results,
    c.MaturityResult: maturity_results,
    c.Action: actions,
}


def messages(data, cls, **kwargs) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        structure(data, cls, **kwargs)
    assert str(caught.value) == "\n".join(caught.value.messages)
    return caught.value.messages


# --- round trips ------------------------------------------------------------------


def test_every_public_contract_has_a_strategy():
    public = {getattr(c, name) for name in c.__all__ if attrs.has(getattr(c, name))}
    assert public == set(STRATEGIES)


@pytest.mark.parametrize("cls", list(STRATEGIES), ids=lambda cls: cls.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_round_trip_through_json(cls, data):
    original = data.draw(STRATEGIES[cls])
    plain = unstructure(original)
    assert structure(plain, cls) == original
    # and through JSON text, as non-Python tools would send it
    again = structure(json.loads(json.dumps(plain)), cls)
    assert again == original
    assert unstructure(again) == json.loads(json.dumps(plain))


def test_unstructure_gives_plain_json_values():
    journey = c.Journey(
        id="onboard",
        name="Onboarding",
        stages=(c.JourneyStage(id="s1", name="Sign up", touchpoints=("web",), emotion=c.Emotion(-1.5, "slow")),),
    )
    assert unstructure(journey)["stages"][0]["emotion"] == {"score": -1.5, "note": "slow"}
    action = c.Action(id="a", title="Fix", due=dt.date(2025, 6, 30), status=c.ActionStatus.IN_PROGRESS)
    plain = unstructure(action)
    assert plain["due"] == "2025-06-30"
    assert plain["status"] == "in_progress"
    assert plain["stage"] == "improve"
    observation = c.Observation(
        question="nps", value=9, timestamp=dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC), source="survey"
    )
    assert unstructure(observation)["timestamp"] == "2025-03-04T09:30:00+00:00"


def test_structure_a_list_of_contracts():
    data = [{"id": "web", "name": "Website"}, {"id": "shop", "name": "Shop", "environment": "physical"}]
    found = structure(data, list[c.Touchpoint])
    assert found == [
        c.Touchpoint(id="web", name="Website"),
        c.Touchpoint("shop", "Shop", environment=c.Environment.PHYSICAL),
    ]


def test_ints_are_accepted_where_numbers_are_expected():
    objective = structure({"id": "o", "metric": "nps", "target": 40}, c.Objective)
    assert objective.target == 40.0 and isinstance(objective.target, float)


def test_tuples_and_enums_are_built_from_lists_and_values():
    touchpoint = structure({"id": "t", "name": "T", "elements": ["brand", "platform-apps"]}, c.Touchpoint)
    assert touchpoint.elements == (c.ExperienceElement.BRAND, c.ExperienceElement.PLATFORM_APPS)
    objective = structure({"id": "o", "metric": "csat", "target": 80, "comparison": "<"}, c.Objective)
    assert objective.comparison is c.Comparison.BELOW


def test_event_attributes_keep_their_scalar_types():
    attributes = {"a": True, "b": 1, "c": 1.5, "d": None, "e": "s"}
    event = structure(
        {
            "case_id": "1",
            "activity": "call",
            "timestamp": "2025-01-01T00:00:00Z",
            "source": "crm",
            "attributes": attributes,
        },
        c.Event,
    )
    assert event.attributes == attributes
    assert type(event.attributes["a"]) is bool and type(event.attributes["b"]) is int


# --- timestamps ---------------------------------------------------------------------

OBSERVATION = {"question": "nps", "value": 9, "source": "survey"}


@pytest.mark.parametrize(
    "text", ["2025-03-04T09:30:00", "2025-03-04 09:30:00", "2025-03-04T09:30:00Z", "2025-03-04T09:30:00+00:00"]
)
def test_naive_and_utc_timestamps_become_utc(text):
    observation = structure({**OBSERVATION, "timestamp": text}, c.Observation)
    assert observation.timestamp == dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)
    assert observation.timestamp.utcoffset() == dt.timedelta(0)


def test_naive_datetime_objects_become_utc():
    observation = structure({**OBSERVATION, "timestamp": dt.datetime(2025, 3, 4, 9, 30)}, c.Observation)
    assert observation.timestamp.tzinfo is not None
    assert observation.timestamp == dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)


def test_offsets_are_kept():
    observation = structure({**OBSERVATION, "timestamp": "2025-03-04T11:30:00+02:00"}, c.Observation)
    assert observation.timestamp.utcoffset() == dt.timedelta(hours=2)
    assert observation.timestamp == dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01T00:00:00", 1700000000, True, ["2025-01-01"]])
def test_bad_timestamps_are_rejected(bad):
    assert messages({**OBSERVATION, "timestamp": bad}, c.Observation) == [
        f"timestamp: expected an ISO-8601 timestamp, got {bad!r}"
    ]


def test_bad_dates_are_rejected():
    assert messages({"id": "o", "metric": "m", "target": 1, "deadline": "2025-02-30"}, c.Objective) == [
        "deadline: expected a date (YYYY-MM-DD), got '2025-02-30'"
    ]


# --- strictness ---------------------------------------------------------------------


def test_string_where_a_list_is_expected():
    assert messages({"id": "s", "name": "S", "touchpoints": "web"}, c.JourneyStage) == [
        "touchpoints: expected a list, got string 'web'"
    ]


def test_table_where_a_list_is_expected():
    assert messages({"id": "j", "name": "J", "stages": {"id": "s"}}, c.Journey) == [
        "stages: expected a list, got table {'id': 's'}"
    ]


def test_int_where_a_string_is_expected():
    assert messages({"id": "t", "name": 5}, c.Touchpoint) == ["name: expected a string, got integer 5"]


def test_int_in_a_list_of_strings():
    assert messages({"id": "s", "name": "S", "touchpoints": ["web", 7]}, c.JourneyStage) == [
        "touchpoints[1]: expected a string, got integer 7"
    ]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("n", True, "n: expected an integer, got boolean True"),
    ("n", 2.0, "n: expected an integer, got number 2.0"),
    ("n", "3", "n: expected an integer, got string '3'"),
    ("value", False, "value: expected a number, got boolean False"),
    ("value", "1.5", "value: expected a number, got string '1.5'"),
])  # fmt: skip
def test_numbers_are_strict(field, value, expected):
    base = {"metric": "m", "value": 1.0, "n": 3, "ci_low": None, "ci_high": None}
    assert messages({**base, field: value}, c.MetricResult) == [expected]


@pytest.mark.parametrize("value", [1, "true", "yes"])
def test_booleans_are_strict(value):
    assert messages({"id": "t", "name": "T", "moment_of_truth": value}, c.Touchpoint) == [
        f"moment_of_truth: expected true or false, got {'integer' if value == 1 else 'string'} {value!r}"
    ]


def test_segment_values_must_be_strings():
    found = messages({**OBSERVATION, "timestamp": "2025-01-01T00:00:00Z", "segment": {"region": 5}}, c.Observation)
    assert len(found) == 1
    assert found[0].startswith("segment")
    assert "region" in found[0] and "expected a string, got integer 5" in found[0]


def test_event_attributes_reject_nested_values():
    found = messages(
        {"case_id": "1", "activity": "a", "timestamp": "2025-01-01T00:00:00Z", "source": "s", "attributes": {"f": [1]}},
        c.Event,
    )
    assert len(found) == 1 and found[0].startswith("attributes") and "f" in found[0] and "list [1]" in found[0]


def test_unknown_keys_are_named_with_the_known_ones():
    (message,) = messages({"id": "t", "name": "T", "colour": "red", "chanel": "web"}, c.Touchpoint)
    assert message.startswith("unknown key(s) chanel, colour")
    for field in attrs.fields(c.Touchpoint):
        assert field.name in message.split("expected one of", 1)[1]


def test_missing_required_keys_are_each_named():
    assert sorted(messages({"value": 3}, c.Observation)) == [
        "question: required key is missing",
        "source: required key is missing",
        "timestamp: required key is missing",
    ]


def test_bad_enum_values_list_the_allowed_ones():
    (message,) = messages({"id": "t", "name": "T", "environment": "moon"}, c.Touchpoint)
    assert message.startswith("environment: expected one of ")
    for member in c.Environment:
        assert repr(member.value) in message
    assert message.endswith("got 'moon'")


def test_enum_names_are_not_values():
    (message,) = messages({"id": "o", "metric": "m", "target": 1, "comparison": "AT_LEAST"}, c.Objective)
    assert message == "comparison: expected one of '>=', '<=', '>', '<', got 'AT_LEAST'"


def test_bad_enum_inside_a_list_has_its_index():
    assert messages({"id": "t", "name": "T", "elements": ["brand", "nope"]}, c.Touchpoint) == [
        "elements[1]: expected one of 'product-service', 'service-process', 'platform-apps', 'brand', got 'nope'"
    ]


def test_several_errors_are_reported_at_once():
    found = messages(
        {"id": "a", "title": 3, "stage": "later", "status": "maybe", "due": "soon", "extra": 1},
        c.Action,
    )
    assert len(found) == 5
    assert "title: expected a string, got integer 3" in found
    assert any(m.startswith("stage: expected one of 'context'") for m in found)
    assert any(m.startswith("status: expected one of 'proposed'") for m in found)
    assert "due: expected a date (YYYY-MM-DD), got 'soon'" in found
    assert any(m.startswith("unknown key(s) extra") for m in found)


def test_nested_paths_carry_indices():
    data = [
        {"id": "j0", "name": "J0", "stages": []},
        {"id": "j1", "name": "J1", "stages": [{"id": "s", "name": "S", "touchpoints": "x"}]},
    ]
    assert messages(data, list[c.Journey], path="journeys") == [
        "journeys[1].stages[0].touchpoints: expected a list, got string 'x'"
    ]


def test_nested_errors_in_several_items_are_all_reported():
    data = [
        {"id": "j0", "name": "J0", "stages": [{"id": "s", "name": "S"}, {"id": "t", "name": 1}]},
        {"id": "j1", "name": "J1", "stages": [{"id": "s", "name": "S", "emotion": {"score": "bad"}}]},
        {"id": "j2", "name": "J2"},
    ]
    assert sorted(messages(data, list[c.Journey], path="journeys")) == [
        "journeys[0].stages[1].name: expected a string, got integer 1",
        "journeys[1].stages[0].emotion.score: expected a number, got string 'bad'",
        "journeys[2].stages: required key is missing",
    ]


def test_where_prefixes_every_message():
    data = [{"id": "j", "name": "J", "stages": "none", "departments": 3}]
    assert sorted(messages(data, list[c.Journey], where="cxframe.toml", path="journeys")) == [
        "cxframe.toml: journeys[0].departments: expected a list, got integer 3",
        "cxframe.toml: journeys[0].stages: expected a list, got string 'none'",
    ]


def test_path_on_a_single_table():
    assert messages({"id": "s", "name": "S", "touchpoints": "x"}, c.JourneyStage, path="stage") == [
        "stage.touchpoints: expected a list, got string 'x'"
    ]
    assert messages({"id": "t", "name": "T", "x": 1}, c.Touchpoint, path="touchpoints[3]")[0].startswith(
        "touchpoints[3]: unknown key(s) x"
    )


def test_a_table_where_a_list_of_contracts_is_expected():
    assert messages({"id": "t", "name": "T"}, list[c.Touchpoint], path="touchpoints") == [
        "touchpoints: expected a list, got table {'id': 't', 'name': 'T'}"
    ]


def test_none_for_a_non_optional_string():
    (message,) = messages({"id": "t", "name": "T", "description": None}, c.Touchpoint)
    assert message.startswith("description: expected a string")


@pytest.mark.parametrize(
    ("data", "cls", "path", "expected"),
    [
        ("x", c.Touchpoint, "", "expected a table, got string 'x'"),
        (None, c.Touchpoint, "touchpoints[0]", "touchpoints[0]: expected a table, got null None"),
        ([1], list[c.Touchpoint], "touchpoints", "touchpoints[0]: expected a table, got integer 1"),
        (
            {"id": "s", "name": "S", "emotion": "happy"},
            c.JourneyStage,
            "stages[0]",
            "stages[0].emotion: expected a table, got string 'happy'",
        ),
        (
            [{"id": "j", "name": "J", "stages": ["s1"]}],
            list[c.Journey],
            "journeys",
            "journeys[0].stages[0]: expected a table, got string 's1'",
        ),
        ([["t"]], list[c.Touchpoint], "", "[0]: expected a table, got list ['t']"),
    ],
)
def test_non_table_where_a_contract_is_expected(data, cls, path, expected):
    assert messages(data, cls, path=path) == [expected]


def test_non_table_errors_are_reported_with_the_others():
    data = [{"id": "j", "name": "J", "stages": [7, {"id": "s", "name": 1}]}]
    assert sorted(messages(data, list[c.Journey], path="journeys")) == [
        "journeys[0].stages[0]: expected a table, got integer 7",
        "journeys[0].stages[1].name: expected a string, got integer 1",
    ]


# --- validators -------------------------------------------------------------------


@pytest.mark.parametrize("score", [-2.01, 2.5, math.nan, -math.inf])
def test_emotion_score_outside_minus_2_to_2_is_rejected(score):
    with pytest.raises(ValueError):
        c.Emotion(score=score)
    (message,) = messages({"id": "s", "name": "S", "emotion": {"score": score}}, c.JourneyStage)
    assert message == f"emotion.score: must be {'<= 2' if score > 0 else '>= -2'}: {score!r}"


@pytest.mark.parametrize("score", [-2, -2.0, 0, 1.5, 2])
def test_emotion_score_bounds_are_inclusive(score):
    assert c.Emotion(score=score).score == score


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_ids_are_rejected(value):
    with pytest.raises(ValueError, match="must not be empty"):
        c.Touchpoint(id=value, name="T")
    assert messages({"id": value, "name": "T"}, c.Touchpoint) == ["id: must not be empty"]


def test_validator_messages_name_the_field():
    assert messages({"id": "", "name": "T"}, c.Touchpoint) == ["id: must not be empty"]
    assert messages({"id": "o", "metric": "m", "target": math.nan}, c.Objective) == [
        "target: must be a finite number, got nan"
    ]
    assert messages(
        [{"id": "j", "name": "J", "stages": [{"id": " ", "name": "S"}]}], list[c.Journey], path="journeys"
    ) == ["journeys[0].stages[0].id: must not be empty"]
    assert messages({"id": "s", "name": "S", "emotion": {"score": 3.0}}, c.JourneyStage, path="stages[0]") == [
        "stages[0].emotion.score: must be <= 2: 3.0"
    ]
    result = {"metric": "m", "value": 1.0, "n": 3, "ci_low": None, "ci_high": None, "confidence": 95.0}
    assert messages(result, c.MetricResult, path="results[2]") == [
        "results[2].confidence: must be between 0 and 1, got 95.0"
    ]
    assert messages({"model": "m", "dimension": "d", "level": 6, "score": 1.0}, c.MaturityResult) == [
        "level: must be <= 5: 6"
    ]
    definition = {"id": "m", "title": "M", "question": "q", "value_sql": "value"}
    assert messages({**definition, "min_sample": 0}, c.MetricDefinition, where="cxframe.toml") == [
        "cxframe.toml: min_sample: must be >= 1: 0"
    ]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_observation_values_are_rejected(value):
    with pytest.raises(ValueError, match="finite"):
        c.Observation(question="nps", value=value, timestamp=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), source="s")
    found = messages({**OBSERVATION, "value": value, "timestamp": "2025-01-01T00:00:00Z"}, c.Observation)
    assert found == [f"value: must be a finite number, got {value!r}"]


def test_non_finite_weights_and_targets_are_rejected():
    with pytest.raises(ValueError, match="finite"):
        c.Observation(
            question="nps", value=1, timestamp=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), source="s", weight=math.inf
        )
    with pytest.raises(ValueError, match="finite"):
        c.Objective(id="o", metric="nps", target=math.nan)


def test_naive_timestamp_passed_directly_is_rejected():
    with pytest.raises(ValueError, match="time zone"):
        c.Observation(question="nps", value=9, timestamp=dt.datetime(2025, 1, 1), source="s")
    with pytest.raises(ValueError, match="time zone"):
        c.Event(case_id="1", activity="a", timestamp=dt.datetime(2025, 1, 1), source="s")


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1])
def test_confidence_must_be_strictly_between_0_and_1(confidence):
    with pytest.raises(ValueError):
        c.MetricResult(metric="m", value=None, n=0, ci_low=None, ci_high=None, confidence=confidence)


@pytest.mark.parametrize("level", [-1, 6])
def test_maturity_level_is_0_to_5(level):
    with pytest.raises(ValueError):
        c.MaturityResult(model="m", dimension="d", level=level, score=1.0)


def test_min_sample_must_be_positive():
    with pytest.raises(ValueError):
        c.MetricDefinition(id="m", title="M", question="q", value_sql="value", min_sample=0)


def test_contracts_are_frozen():
    touchpoint = c.Touchpoint(id="t", name="T")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        touchpoint.name = "U"  # type: ignore[misc]


@pytest.mark.parametrize("weight", [-1.0, 0.0, -0.0])
def test_weights_must_be_positive(weight):
    with pytest.raises(ValueError, match="greater than 0"):
        c.Observation(
            question="nps", value=9, timestamp=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), source="s", weight=weight
        )
    found = messages({**OBSERVATION, "timestamp": "2025-01-01T00:00:00Z", "weight": weight}, c.Observation)
    assert found == [f"weight: must be greater than 0, got {weight!r}"]


@pytest.mark.parametrize("multiplier", [-100.0, 0.0, math.inf, math.nan])
def test_multiplier_must_be_positive_and_finite(multiplier):
    with pytest.raises(ValueError):
        c.MetricDefinition(id="m", title="M", question="q", value_sql="value", multiplier=multiplier)


def test_severity_rank_orders_levels():
    assert [s.rank for s in c.Severity] == [0, 1, 2, 3, 4]
    assert c.Severity.CRITICAL.rank > c.Severity.HIGH.rank > c.Severity.INFO.rank


@given(st.lists(st.sampled_from(c.CheckStatus)))
def test_the_worst_status_is_the_last_in_order_and_pass_without_any(statuses: list[c.CheckStatus]) -> None:
    order = [c.CheckStatus.PASS, c.CheckStatus.WARN, c.CheckStatus.FAIL, c.CheckStatus.ERROR]
    worst = c.CheckStatus.worst(statuses)
    assert worst == (max(statuses, key=order.index) if statuses else c.CheckStatus.PASS)
    assert c.CheckStatus.worst(iter(statuses)) == worst
