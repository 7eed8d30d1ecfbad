"""The one cattrs converter for every contract, strict about types.

cattrs on its own is lenient in ways that lose data quietly (``"abc"`` becomes
``["a", "b", "c"]`` for a list, ``5`` becomes ``"5"`` for a string). Here every
primitive and collection must arrive as what it claims to be, and every problem
in a document is collected with its path:
``journeys[2].stages[0].touchpoints: expected a list``.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn
from cattrs.v import transform_error

from cxframe.contracts._errors import InvalidInput

T = TypeVar("T")
_VALIDATOR_MESSAGE = re.compile(r"^'(?P<name>[A-Za-z_][A-Za-z0-9_]*)' (?P<rest>must .*)$", re.DOTALL)
_KEY_INDEX = re.compile(r"\['([A-Za-z0-9_\-]+)'\]")

_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}


class _Expected(TypeError):
    """A value of the wrong kind; the message says what was expected."""


def _describe(value: object) -> str:
    kind = {
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        list: "list",
        dict: "table",
        type(None): "null",
    }
    return kind.get(type(value), type(value).__name__)


def _strict_primitive(cls: type) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if cls is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, cls) or (cls is int and isinstance(value, bool)):
            raise _Expected(f"expected {_TYPE_NAMES[cls]}, got {_describe(value)} {value!r}")
        return value

    return structure


def _structure_date(value: Any, _: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _Expected(f"expected a date (YYYY-MM-DD), got {value!r}")


def _structure_datetime(value: Any, _: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise _Expected(f"expected an ISO-8601 timestamp, got {value!r}") from None
    else:
        raise _Expected(f"expected an ISO-8601 timestamp, got {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _is_sequence_type(cls: Any) -> bool:
    origin = typing.get_origin(cls)
    return origin in (list, tuple) or cls in (list, tuple)


def _sequence_hook(cls: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    origin = typing.get_origin(cls) or cls
    args = typing.get_args(cls)
    item_type = args[0] if args else Any

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise _Expected(f"expected a list, got {_describe(value)} {value!r}")
        items, errors = [], []
        for index, item in enumerate(value):
            try:
                items.append(converter.structure(item, item_type))
            except Exception as exc:  # collected with its index, like cattrs does
                note = IterableValidationNote(f"Structuring {cls} @ index {index}", index, item_type)
                exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                errors.append(exc)
        if errors:
            raise IterableValidationError("invalid items", errors, cls)
        return origin(items)

    return structure


def _is_mapping_type(cls: Any) -> bool:
    return typing.get_origin(cls) is dict or cls is dict


def _mapping_hook(cls: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    args = typing.get_args(cls)
    value_type = args[1] if len(args) == 2 else Any

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise _Expected(f"expected a table of key = value, got {_describe(value)} {value!r}")
        result, errors = {}, []
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Expected(f"expected string keys, got {key!r}")
            if value_type is Any:
                result[key] = item
            elif _is_scalar_type(value_type):
                result[key] = _structure_scalar_union(item, value_type, key)
            else:
                try:
                    result[key] = converter.structure(item, value_type)
                except Exception as exc:  # collected with its key, like list items
                    note = IterableValidationNote(f"Structuring {cls} @ key {key!r}", key, value_type)
                    exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                    errors.append(exc)
        if errors:
            raise IterableValidationError("invalid values", errors, cls)
        return result

    return structure


def _is_scalar_type(tp: Any) -> bool:
    allowed = typing.get_args(tp) if _is_union(tp) else (tp,)
    return all(a in (str, int, float, bool, type(None)) for a in allowed)


def _structure_scalar_union(value: Any, value_type: Any, key: str) -> Any:
    allowed = typing.get_args(value_type) if _is_union(value_type) else (value_type,)
    if value is None and type(None) in allowed:
        return None
    for candidate in allowed:
        if candidate is type(None):
            continue
        if candidate is float and isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if isinstance(value, candidate) and not (candidate is int and isinstance(value, bool)):
            return value
    names = " or ".join(_TYPE_NAMES.get(a, getattr(a, "__name__", str(a))) for a in allowed if a is not type(None))
    raise _Expected(f"{key}: expected {names}, got {_describe(value)} {value!r}")


def _is_union(cls: Any) -> bool:
    return typing.get_origin(cls) in (typing.Union, types.UnionType)


def _enum_hook(cls: type[enum.Enum]) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, cls):
            return value
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(repr(member.value) for member in cls)
            raise _Expected(f"expected one of {allowed}, got {value!r}") from None

    return structure


def _is_literal(cls: Any) -> bool:
    origin: Any = typing.get_origin(cls)
    return origin is typing.Literal


def _literal_hook(cls: Any) -> Callable[[Any, Any], Any]:
    allowed = typing.get_args(cls)

    def structure(value: Any, _: Any) -> Any:
        if value in allowed and type(value) in {type(a) for a in allowed}:
            return value
        raise _Expected(f"expected one of {', '.join(repr(a) for a in allowed)}, got {value!r}")

    return structure


def _optional_hook(cls: Any, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    args = [a for a in typing.get_args(cls) if a is not type(None)]
    inner: Any = args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007

    def structure(value: Any, _: Any) -> Any:
        if value is None:
            return None
        return converter.structure(value, inner)

    return structure


def _attrs_hook(cls: type, converter: cattrs.Converter) -> Callable[[Any, Any], Any]:
    structure_fields: Callable[[Any, Any], Any] = make_dict_structure_fn(
        cls, converter, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
    )

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise _Expected(f"expected a table, got {_describe(value)} {value!r}")
        try:
            return structure_fields(value, cls)
        except ClassValidationError as exc:
            # a field that failed to convert stops the class's validators from running: run those of the
            # fields that did convert, so that every problem of the table is reported at once
            raise ClassValidationError(exc.message, [*exc.exceptions, *_field_problems(cls, value, exc)], cls) from None

    return structure


def _field_problems(cls: type, value: dict[str, Any], failed: ClassValidationError) -> list[Exception]:
    """The validator errors of the fields of ``value`` that convert on their own (not already in ``failed``)."""
    reported = {
        note.name for error in failed.exceptions for note in getattr(error, "__notes__", []) if hasattr(note, "name")
    }
    if not reported:
        return []  # no field failed to convert: the class was built, and its validators have spoken
    problems: list[Exception] = []
    for field in attrs.fields(cls):
        if field.validator is None or field.name in reported or field.name not in value:
            continue
        try:
            converted = converter.structure(value[field.name], field.type)
            field.validator(None, field, converted)
        except (ValueError, TypeError) as problem:
            # attrs names the attribute in the message, which `_messages` moves to the path
            problems.append(problem)
        except Exception:
            continue
    return problems


def make_converter() -> cattrs.Converter:
    """Build the strict converter (public so that plugins can extend a copy)."""
    converter = cattrs.Converter(forbid_extra_keys=True)
    for cls in (str, int, float, bool):
        converter.register_structure_hook(cls, _strict_primitive(cls))
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_structure_hook(dt.datetime, _structure_datetime)
    converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    converter.register_unstructure_hook(dt.datetime, lambda d: d.isoformat())
    converter.register_structure_hook_factory(_is_sequence_type, lambda cls: _sequence_hook(cls, converter))
    converter.register_structure_hook_factory(_is_mapping_type, lambda cls: _mapping_hook(cls, converter))
    converter.register_structure_hook_factory(
        lambda cls: isinstance(cls, type) and issubclass(cls, enum.Enum), _enum_hook
    )
    converter.register_structure_hook_factory(attrs.has, lambda cls: _attrs_hook(cls, converter))
    converter.register_structure_hook_factory(_is_literal, _literal_hook)
    converter.register_structure_hook_factory(
        lambda cls: _is_union(cls) and type(None) in typing.get_args(cls),
        lambda cls: _optional_hook(cls, converter),
    )
    return converter


converter = make_converter()


def _format_exception(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, _Expected):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required key is missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        known = ""
        if hasattr(exc.cl, "__attrs_attrs__"):
            known = "; expected one of " + ", ".join(a.name for a in exc.cl.__attrs_attrs__)
        return f"unknown key(s) {', '.join(sorted(exc.extra_fields))}{known}"
    if isinstance(exc, ValueError | TypeError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _messages(exc: Exception, path: str) -> list[str]:
    messages = []
    for line in transform_error(exc, path="$", format_exception=_format_exception):
        message, _, where = line.rpartition(" @ ")
        where = _KEY_INDEX.sub(r".\1", where.removeprefix("$")).removeprefix(".")
        if path:
            where = f"{path}.{where}" if where and not where.startswith("[") else f"{path}{where}"
        # attrs validators name their attribute first ("'score' must be <= 2: 7"): move it to the path
        named = _VALIDATOR_MESSAGE.match(message)
        if named:
            where = f"{where}.{named['name']}" if where else named["name"]
            message = named["rest"]
        messages.append(f"{where}: {message}" if where else message)
    return messages


def structure(data: Any, cls: type[T], *, where: str | None = None, path: str = "") -> T:
    """Build ``cls`` from plain data, or raise `InvalidInput` listing every problem.

    ``where`` prefixes each message (usually a file name); ``path`` is the key
    path of ``data`` inside a larger document.
    """
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError, _Expected, ValueError, TypeError, KeyError) as exc:
        raise InvalidInput(_messages(exc, path), where=where) from None


def unstructure(obj: Any) -> Any:
    """Turn a contract (or a list of them) into plain JSON-ready data."""
    return converter.unstructure(obj)
