"""JSON Schema for the contracts, so that non-Python tools can feed cxframe.

The schema is derived from the attrs classes themselves, so it cannot drift
from what `cxframe.contracts._convert.structure` accepts.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from typing import Any

import attrs

from cxframe.contracts import _records as contracts

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: The contracts ``cxframe schema`` knows, by the name users type.
CONTRACTS: dict[str, type] = {
    name: getattr(contracts, name) for name in contracts.__all__ if attrs.has(getattr(contracts, name))
}


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if tp is Any:
        return {}
    if tp is type(None):
        return {"type": "null"}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is dt.datetime:
        return {"type": "string", "format": "date-time"}
    if tp is dt.date:
        return {"type": "string", "format": "date"}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [member.value for member in tp]}
    if attrs.has(tp):
        if tp.__name__ not in defs:
            defs[tp.__name__] = {}  # placeholder guards against recursion
            defs[tp.__name__] = _class_schema(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return {"enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type_schema(arg, defs) for arg in args]}
    if origin in (list, tuple):
        return {"type": "array", "items": _type_schema(args[0], defs) if args else {}}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1], defs) if args else {}}
    raise TypeError(f"no JSON Schema mapping for {tp!r}")


_BOUND_KEYWORDS = {">=": "minimum", "<=": "maximum", ">": "exclusiveMinimum", "<": "exclusiveMaximum"}


def _validators(validator: Any) -> list[Any]:
    """The leaf validators inside attrs' ``and_``/``optional`` wrappers."""
    if validator is None:
        return []
    if hasattr(validator, "_validators"):
        return [leaf for inner in validator._validators for leaf in _validators(inner)]
    if type(validator).__name__ == "_OptionalValidator":
        return _validators(validator.validator)
    return [validator]


def _constraints(field: attrs.Attribute[Any]) -> dict[str, Any]:
    """JSON Schema keywords for a field's validators, so the schema accepts what ``structure`` does."""
    keywords: dict[str, Any] = {}
    for validator in _validators(field.validator):
        if hasattr(validator, "compare_op") and hasattr(validator, "bound"):
            keywords[_BOUND_KEYWORDS[validator.compare_op]] = validator.bound
        else:
            keywords.update(getattr(validator, "json_schema", {}))
    return keywords


def _with_constraints(schema: dict[str, Any], keywords: dict[str, Any]) -> dict[str, Any]:
    if not keywords:
        return schema
    if "anyOf" in schema:  # optional: constrain the non-null branch
        return {**schema, "anyOf": [b if b.get("type") == "null" else {**b, **keywords} for b in schema["anyOf"]]}
    return {**schema, **keywords}


def _class_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        prop = _with_constraints(_type_schema(hints[field.name], defs), _constraints(field))
        if field.default is attrs.NOTHING:
            required.append(field.name)
        elif not isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            default = field.default.value if isinstance(field.default, enum.Enum) else field.default
            prop = {**prop, "default": list(default) if isinstance(default, tuple) else default}
        properties[field.name] = prop
    schema: dict[str, Any] = {
        "type": "object",
        "title": cls.__name__,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if cls.__doc__:
        schema["description"] = " ".join(cls.__doc__.split("\n\n")[0].split())
    return schema


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one contract class."""
    defs: dict[str, Any] = {}
    schema = _class_schema(cls, defs)
    defs.pop(cls.__name__, None)
    result = {"$schema": SCHEMA_DIALECT, "$id": f"cxframe:{cls.__name__}", **schema}
    if defs:
        result["$defs"] = defs
    return result
