"""The JSON Schema of the contracts: shape, required fields, enums, bounds, and agreement with the converter.

Documents are validated with ``jsonschema`` (a dev dependency), draft 2020-12.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import typing
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxframe.contracts import _records as c
from cxframe.contracts._convert import structure, unstructure
from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._jsonschema import CONTRACTS, SCHEMA_DIALECT, json_schema

try:
    from test_contracts import STRATEGIES
except ImportError:  # pragma: no cover - when tests/ is a package
    from tests.test_contracts import STRATEGIES

DESIGNED = {
    "Touchpoint",
    "Persona",
    "Journey",
    "JourneyStage",
    "Objective",
    "Observation",
    "Event",
    "MetricDefinition",
    "MetricResult",
    "Finding",
    "MaturityResult",
    "CheckResult",
    "Action",
}


# --- helpers --------------------------------------------------------------------------

#: Keywords that only annotate (jsonschema has no validator function for them).
ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "default"}


def validator(cls: type) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json_schema(cls), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def schema_errors(document: Any, cls: type) -> list[jsonschema.ValidationError]:
    return list(validator(cls).iter_errors(document))


def converter_accepts(document: Any, cls: type) -> bool:
    try:
        structure(document, cls)
    except InvalidInput:
        return False
    return True


def keywords(schema: dict[str, Any]) -> set[str]:
    """Every keyword used in ``schema`` and its subschemas (property names are not keywords)."""
    found = set(schema)
    subschemas = [*schema.get("properties", {}).values(), *schema.get("$defs", {}).values(), *schema.get("anyOf", [])]
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            subschemas.append(schema[key])
    for sub in subschemas:
        found |= keywords(sub)
    return found


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def enums(node: Any) -> list[list[Any]]:
    if isinstance(node, dict):
        own = [node["enum"]] if "enum" in node else []
        return own + [e for v in node.values() for e in enums(v)]
    if isinstance(node, list):
        return [e for v in node for e in enums(v)]
    return []


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


# --- shape ----------------------------------------------------------------------------


def test_every_designed_contract_is_exported():
    assert set(CONTRACTS) >= DESIGNED
    assert set(CONTRACTS) == {name for name in c.__all__ if attrs.has(getattr(c, name))}


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_every_contract_yields_a_schema(name):
    cls = CONTRACTS[name]
    schema = json_schema(cls)
    assert json.loads(json.dumps(schema)) == schema  # plain JSON
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["$id"] == f"cxframe:{name}"
    assert schema["type"] == "object"
    assert schema["title"] == name
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == [f.name for f in attrs.fields(cls)]
    assert schema["description"]
    for ref in refs(schema):
        assert ref.removeprefix("#/$defs/") in schema.get("$defs", {}), ref
    assert name not in schema.get("$defs", {})


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_required_fields_are_the_fields_without_defaults(name):
    cls = CONTRACTS[name]
    schema = json_schema(cls)
    assert schema["required"] == [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING]
    # and structuring without them fails naming each one
    with pytest.raises(InvalidInput) as caught:
        structure({}, cls)
    assert sorted(caught.value.messages) == sorted(f"{key}: required key is missing" for key in schema["required"])


def test_required_fields_by_hand():
    assert json_schema(c.Touchpoint)["required"] == ["id", "name"]
    assert json_schema(c.Journey)["required"] == ["id", "name", "stages"]
    assert json_schema(c.Observation)["required"] == ["question", "value", "timestamp", "source"]
    assert json_schema(c.Event)["required"] == ["case_id", "activity", "timestamp", "source"]
    assert json_schema(c.Objective)["required"] == ["id", "metric", "target"]
    assert json_schema(c.MetricResult)["required"] == ["metric", "value", "n", "ci_low", "ci_high"]


def test_enums_list_their_values():
    touchpoint = json_schema(c.Touchpoint)["properties"]
    assert touchpoint["environment"]["anyOf"] == [
        {"enum": ["interpersonal", "physical", "remote", "digital", "third-party"]},
        {"type": "null"},
    ]
    assert touchpoint["elements"]["items"] == {"enum": [e.value for e in c.ExperienceElement]}
    objective = json_schema(c.Objective)["properties"]
    assert objective["comparison"] == {"enum": [">=", "<=", ">", "<"], "default": ">="}
    action = json_schema(c.Action)["properties"]
    assert action["status"]["enum"] == [s.value for s in c.ActionStatus]
    assert action["stage"] == {"enum": ["context", "plan", "design", "measure", "improve"], "default": "improve"}


def _enum_types(tp: Any) -> list[type[enum.Enum]]:
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return [tp]
    return [e for arg in typing.get_args(tp) for e in _enum_types(arg)]


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_every_enum_field_lists_every_value(name):
    cls = CONTRACTS[name]
    schema = json_schema(cls)
    for field in attrs.fields(cls):
        listed = enums(schema["properties"][field.name])
        assert listed == [[m.value for m in e] for e in _enum_types(typing.get_type_hints(cls)[field.name])]


def test_types_of_fields():
    observation = json_schema(c.Observation)["properties"]
    assert observation["value"] == {"type": "number"}
    assert observation["timestamp"] == {"type": "string", "format": "date-time"}
    assert observation["segment"] == {"type": "object", "additionalProperties": {"type": "string"}}
    assert observation["weight"] == {
        "anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"type": "null"}],
        "default": None,
    }
    # n is null when a privacy rule (such as the employee anonymity threshold) suppressed the group
    assert json_schema(c.MetricResult)["properties"]["n"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    assert json_schema(c.Touchpoint)["properties"]["moment_of_truth"] == {"type": "boolean", "default": False}
    assert json_schema(c.Action)["properties"]["due"]["anyOf"][0] == {"type": "string", "format": "date"}
    attributes = json_schema(c.Event)["properties"]["attributes"]
    assert attributes["type"] == "object"
    assert {b.get("type") for b in attributes["additionalProperties"]["anyOf"]} == {
        "string",
        "integer",
        "number",
        "boolean",
        "null",
    }


def test_nested_contracts_are_referenced():
    schema = json_schema(c.Journey)
    assert schema["properties"]["stages"] == {"type": "array", "items": {"$ref": "#/$defs/JourneyStage"}}
    assert set(schema["$defs"]) == {"JourneyStage", "Emotion"}
    assert schema["$defs"]["JourneyStage"]["properties"]["emotion"]["anyOf"][0] == {"$ref": "#/$defs/Emotion"}
    assert "$defs" not in json_schema(c.Touchpoint)


def test_defaults_are_json_values():
    touchpoint = json_schema(c.Touchpoint)["properties"]
    assert touchpoint["elements"]["default"] == []
    assert touchpoint["channel"]["default"] == ""
    assert "default" not in json_schema(c.Persona)["properties"]["segment"]  # a factory, not a value
    assert json_schema(c.MetricResult)["properties"]["confidence"]["default"] == 0.95
    assert json_schema(c.MetricDefinition)["properties"]["interval"]["default"] == "mean"


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_defaults_are_accepted_by_the_converter(name):
    """Filling every default the schema states into a minimal document gives the default instance."""
    cls = CONTRACTS[name]
    schema = json_schema(cls)
    minimal = {"id": "x", "name": "x", "question": "q", "metric": "m", "case_id": "1", "activity": "a"}
    samples = {
        "string": "x",
        "number": 1.0,
        "integer": 1,
        "array": [],
    }
    document: dict[str, Any] = {}
    for key in schema["required"]:
        prop = schema["properties"][key]
        hint = typing.get_type_hints(cls)[key]
        if hint is dt.datetime:
            document[key] = "2025-01-01T00:00:00Z"
        elif "enum" in prop:
            document[key] = prop["enum"][0]
        elif "anyOf" in prop:
            document[key] = None
        elif key in minimal:
            document[key] = minimal[key]
        else:
            document[key] = samples[prop["type"]]
    plain = structure(document, cls)
    filled = structure(
        {**document, **{k: p["default"] for k, p in schema["properties"].items() if "default" in p}}, cls
    )
    assert filled == plain


# --- validity of the schemas themselves ---------------------------------------------


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_schemas_are_valid_draft_2020_12(name):
    jsonschema.Draft202012Validator.check_schema(json_schema(CONTRACTS[name]))


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_schemas_use_only_keywords_jsonschema_knows(name):
    """Draft 2020-12 ignores unknown keywords, so a misspelt bound would silently accept anything."""
    known = set(jsonschema.Draft202012Validator.VALIDATORS) | ANNOTATIONS
    assert keywords(json_schema(CONTRACTS[name])) <= known


# --- validator bounds -----------------------------------------------------------------


def test_schema_carries_the_validator_bounds():
    assert json_schema(c.Emotion)["properties"]["score"] == {"type": "number", "minimum": -2, "maximum": 2}
    assert json_schema(c.MaturityResult)["properties"]["level"] == {"type": "integer", "minimum": 0, "maximum": 5}
    non_empty = {"type": "string", "minLength": 1, "pattern": "\\S"}
    assert json_schema(c.Touchpoint)["properties"]["id"] == non_empty
    assert json_schema(c.Event)["properties"]["case_id"] == non_empty
    assert json_schema(c.Objective)["properties"]["metric"] == non_empty
    assert json_schema(c.MetricResult)["properties"]["confidence"] == {
        "type": "number",
        "exclusiveMinimum": 0,
        "exclusiveMaximum": 1,
        "default": 0.95,
    }
    definition = json_schema(c.MetricDefinition)["properties"]
    assert definition["multiplier"] == {"type": "number", "exclusiveMinimum": 0, "default": 1.0}
    # on an optional field the bound sits on the non-null branch
    assert definition["min_sample"] == {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}], "default": None}
    assert json_schema(c.Observation)["properties"]["weight"]["anyOf"][0] == {"type": "number", "exclusiveMinimum": 0}


def test_fields_without_validators_have_no_bounds():
    assert json_schema(c.Touchpoint)["properties"]["name"] == {"type": "string"}
    assert json_schema(c.MaturityResult)["properties"]["score"] == {"type": "number"}
    assert json_schema(c.Observation)["properties"]["value"] == {"type": "number"}  # finite only: JSON has no NaN


def test_nested_bounds_are_in_the_definitions():
    stage = json_schema(c.Journey)["$defs"]["JourneyStage"]["properties"]
    assert stage["id"] == {"type": "string", "minLength": 1, "pattern": "\\S"}
    assert json_schema(c.Journey)["$defs"]["Emotion"]["properties"]["score"]["maximum"] == 2


# --- agreement with the converter ---------------------------------------------------


@pytest.mark.parametrize("cls", list(STRATEGIES), ids=lambda cls: cls.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_real_instances_validate_against_their_schema(cls, data):
    instance = as_json(unstructure(data.draw(STRATEGIES[cls])))
    assert [e.message for e in schema_errors(instance, cls)] == []


TIMESTAMP = "2025-01-01T00:00:00Z"
OBSERVATION = {"question": "q", "value": 1, "timestamp": TIMESTAMP, "source": "s"}
METRIC_RESULT = {"metric": "m", "value": 1.0, "n": 3, "ci_low": None, "ci_high": None}
METRIC_DEFINITION = {"id": "m", "title": "M", "question": "q", "value_sql": "value"}
MATURITY_RESULT = {"model": "m", "dimension": "d", "level": 3, "score": 1.0}

BAD_DOCUMENTS = [
    # types, keys, enums
    (c.JourneyStage, {"id": "s", "name": "S", "touchpoints": "web"}),
    (c.Touchpoint, {"id": "t", "name": 5}),
    (c.Touchpoint, {"id": "t", "name": "T", "colour": "red"}),
    (c.Touchpoint, {"id": "t"}),
    (c.Touchpoint, {"id": "t", "name": "T", "environment": "moon"}),
    (c.Touchpoint, {"id": "t", "name": "T", "moment_of_truth": 1}),
    (c.MetricResult, {**METRIC_RESULT, "n": True}),
    (c.Objective, {"id": "o", "metric": "m", "target": "40"}),
    (c.Observation, {**OBSERVATION, "segment": {"r": 1}}),
    (c.Journey, {"id": "j", "name": "J", "stages": [{"id": "s", "name": "S", "emotion": {"score": "x"}}]}),
    (c.Journey, {"id": "j", "name": "J", "stages": ["s1"]}),
    (c.JourneyStage, {"id": "s", "name": "S", "emotion": "happy"}),
    (c.Event, {"case_id": "1", "activity": "a", "timestamp": TIMESTAMP, "source": "s", "attributes": {"a": [1]}}),
    (c.Action, {"id": "a", "title": "A", "due": "2025-02-30"}),
    # validator bounds
    (c.Touchpoint, {"id": "", "name": "T"}),
    (c.Touchpoint, {"id": " \t", "name": "T"}),
    (c.Objective, {"id": "o", "metric": "", "target": 1}),
    (c.Event, {"case_id": "\n", "activity": "a", "timestamp": TIMESTAMP, "source": "s"}),
    (c.MetricDefinition, {**METRIC_DEFINITION, "value_sql": " "}),
    (c.Emotion, {"score": 2.5}),
    (c.Emotion, {"score": -3}),
    (c.Journey, {"id": "j", "name": "J", "stages": [{"id": "s", "name": "S", "emotion": {"score": 3.0}}]}),
    (c.Journey, {"id": "j", "name": "J", "stages": [{"id": " ", "name": "S"}]}),
    (c.MaturityResult, {**MATURITY_RESULT, "level": 6}),
    (c.MaturityResult, {**MATURITY_RESULT, "level": -1}),
    (c.MetricResult, {**METRIC_RESULT, "confidence": 0}),
    (c.MetricResult, {**METRIC_RESULT, "confidence": 1}),
    (c.MetricResult, {**METRIC_RESULT, "confidence": 95.0}),
    (c.Observation, {**OBSERVATION, "weight": 0}),
    (c.Observation, {**OBSERVATION, "weight": -1.5}),
    (c.MetricDefinition, {**METRIC_DEFINITION, "multiplier": 0.0}),
    (c.MetricDefinition, {**METRIC_DEFINITION, "multiplier": -100}),
    (c.MetricDefinition, {**METRIC_DEFINITION, "min_sample": 0}),
]


def _converter_field(message: str) -> str:
    """The top-level field a converter message is about: ``stages[0].emotion.score: …`` → ``stages``."""
    if message.startswith("unknown key(s) "):
        return message.removeprefix("unknown key(s) ").split(";")[0].split(",")[0].strip()
    return message.split(":")[0].split(".")[0].split("[")[0]


def _schema_fields(error: jsonschema.ValidationError) -> set[str]:
    """The top-level fields a schema error is about (``required`` and ``additionalProperties`` sit at the root)."""
    if error.absolute_path:
        return {str(error.absolute_path[0])}
    if error.validator == "required":
        return {key for key in error.validator_value if key not in error.instance}
    if error.validator == "additionalProperties":
        return {key for key in error.instance if key not in error.schema["properties"]}
    raise AssertionError(f"unexpected root error {error.message}")


@pytest.mark.parametrize(
    ("cls", "document"), BAD_DOCUMENTS, ids=[f"{cls.__name__}-{i}" for i, (cls, _) in enumerate(BAD_DOCUMENTS)]
)
def test_documents_the_converter_rejects_fail_the_schema_too(cls, document):
    with pytest.raises(InvalidInput) as caught:
        structure(document, cls)
    found = schema_errors(document, cls)
    assert found
    # and for the same field, not by accident
    rejected = {_converter_field(m) for m in caught.value.messages}
    assert rejected == {field for error in found for field in _schema_fields(error)}


# The bounds agree at and around their edges. NaN and infinities are left out: JSON
# has no such numbers, so only the converter (``_finite``) can reject them.
numbers = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([-2, 0, 1, 2, 5, 0.0, 1.0, 2.0, -2.0])
BOUNDED = [
    (c.Emotion, {}, "score", numbers),
    (c.MaturityResult, MATURITY_RESULT, "level", st.integers(-3, 8)),
    (c.MetricResult, METRIC_RESULT, "confidence", numbers | st.floats(0, 1)),
    (c.Observation, OBSERVATION, "weight", st.none() | numbers),
    (c.MetricDefinition, METRIC_DEFINITION, "multiplier", numbers),
    (c.MetricDefinition, METRIC_DEFINITION, "min_sample", st.none() | st.integers(-2, 3)),
    (c.Touchpoint, {"name": "T"}, "id", st.text(max_size=4) | st.sampled_from(["", " ", "\t\n", "\xa0", " a "])),
    (c.Objective, {"id": "o", "target": 1}, "metric", st.text(max_size=4)),
]


@pytest.mark.parametrize(
    ("cls", "base", "field", "values"), BOUNDED, ids=[f"{cls.__name__}.{field}" for cls, _, field, _ in BOUNDED]
)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_schema_and_converter_agree_on_bounds(cls, base, field, values, data):
    document = {**base, field: data.draw(values, label=field)}
    assert converter_accepts(document, cls) == (not schema_errors(document, cls))
