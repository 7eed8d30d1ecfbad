"""The JSON Schema of the assessment document (``reports/assessment.json``), version 2.

Tools that read ``assessment.json`` can validate against it; ``cxframe schema
assessment`` prints it and the docs include it. The top level is closed
(``additionalProperties: false``) so that any change to the document's shape
fails the tests until the schema, `cxframe.assessment._assessment.DOCUMENT_VERSION` and the
changelog say so; the plugins' ``evidence`` is open by design. Version 2 added
``sections``, the plugins' report sections as built for the document's ``view``,
and later the optional ``texts`` (the generated texts in the other languages; a
document without it is shown in English, as before).
"""

from __future__ import annotations

from typing import Any

__all__ = ["DOCUMENT_SCHEMA"]

_NUMBER_OR_NULL = {"type": ["number", "null"]}
_STRING_OR_NULL = {"type": ["string", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_STAGE = {"enum": ["context", "plan", "design", "measure", "improve"]}
_SEVERITY = {"enum": ["info", "low", "medium", "high", "critical"]}

_METRIC = {
    "type": "object",
    "required": ["metric", "segment", "period", "value", "n", "ci_low", "ci_high", "confidence", "flags"],
    "properties": {
        "metric": {"type": "string"},
        "segment": {"type": "object", "additionalProperties": _STRING_OR_NULL},
        "period": _STRING_OR_NULL,
        "value": _NUMBER_OR_NULL,
        "n": {"type": "integer", "minimum": 0},
        "ci_low": _NUMBER_OR_NULL,
        "ci_high": _NUMBER_OR_NULL,
        "confidence": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "flags": _STRINGS,
        "title": {"type": "string", "description": "the metric's title (its definition's)"},
        "unit": {"type": "string"},
        "scale": {"type": ["array", "null"], "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    },
}

_CRITERION = {
    "type": "object",
    "required": ["id", "dimension", "level", "title", "status", "source", "evidence", "recommendation", "question"],
    "properties": {
        "id": {"type": "string"},
        "dimension": {"type": "string"},
        "level": {"type": "integer", "minimum": 1, "maximum": 5},
        "title": {"type": "string"},
        "status": {"enum": ["met", "unmet", "unknown"]},
        "source": {"enum": ["evidence", "answer", "none"]},
        "evidence": _STRINGS,
        "recommendation": {"type": "string"},
        "question": _STRING_OR_NULL,
    },
}

_FINDING = {
    "type": "object",
    "required": ["id", "source", "stage", "severity", "title", "evidence", "recommendation", "breadth", "effort"],
    "properties": {
        "id": {"type": "string"},
        "source": {"type": "string"},
        "stage": _STAGE,
        "severity": _SEVERITY,
        "title": {"type": "string"},
        "evidence": _STRINGS,
        "recommendation": {"type": "string"},
        "touchpoint": _STRING_OR_NULL,
        "metric": _STRING_OR_NULL,
        "breadth": {"type": "integer", "minimum": 1, "maximum": 3},
        "effort": {"type": "integer", "minimum": 1, "maximum": 3},
    },
}

_ACTION = {
    "type": "object",
    "required": ["id", "title", "stage", "owner", "due", "status", "finding", "priority"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "stage": _STAGE,
        "owner": _STRING_OR_NULL,
        "due": {"type": ["string", "null"], "format": "date"},
        "status": {"enum": ["proposed", "planned", "in_progress", "done", "dropped"]},
        "finding": _STRING_OR_NULL,
        "touchpoint": _STRING_OR_NULL,
        "metric": _STRING_OR_NULL,
        "priority": _NUMBER_OR_NULL,
        "baseline": _NUMBER_OR_NULL,
        "effect": _NUMBER_OR_NULL,
        "effect_ci_low": _NUMBER_OR_NULL,
        "effect_ci_high": _NUMBER_OR_NULL,
        "effect_p_value": _NUMBER_OR_NULL,
        "done": {"type": ["string", "null"], "format": "date"},
        "segment": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}

_CHECK = {
    "type": "object",
    "required": ["check", "plugin", "status", "severity", "title", "evidence", "recommendation"],
    "properties": {
        "check": {"type": "string"},
        "plugin": {"type": "string"},
        "status": {"enum": ["pass", "warn", "fail", "error"]},
        "severity": {"anyOf": [_SEVERITY, {"type": "null"}]},
        "title": {"type": "string"},
        "evidence": _STRINGS,
        "recommendation": {"type": "string"},
        "stage": {"anyOf": [_STAGE, {"type": "null"}]},
    },
}

_CHART = {
    "type": "object",
    "required": ["kind", "id", "title", "desc"],
    "properties": {
        "kind": {"enum": ["curve", "steps", "scatter"]},
        "id": {"type": "string"},
        "title": {"type": "string"},
        "desc": {"type": "string"},
        "points": {"type": "array", "items": {"type": "object"}},
        "steps": {"type": "array", "items": {"type": "object"}},
    },
}

#: a plugin section's content (`cxframe.SectionContent`); ``parts`` nest
_CONTENT = {
    "type": "object",
    "required": [
        "heading",
        "text",
        "charts",
        "svg",
        "svg_alt",
        "columns",
        "rows",
        "caption",
        "more",
        "notes",
        "parts",
    ],
    "properties": {
        "heading": {"type": "string"},
        "text": _STRINGS,
        "charts": {"type": "array", "items": _CHART},
        "svg": _STRING_OR_NULL,
        "svg_alt": {"type": "string"},
        "columns": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["title", "numeric", "strong"],
                "properties": {
                    "title": {"type": "string"},
                    "numeric": {"type": "boolean"},
                    "strong": {"type": "boolean"},
                },
            },
        },
        "rows": {
            "type": "array",
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["text", "note", "tone"],
                    "properties": {
                        "text": _STRINGS,
                        "note": {"type": "string"},
                        "tone": {"enum": ["good", "bad", None]},
                    },
                },
            },
        },
        "caption": {"type": "string"},
        "more": {"type": "integer", "minimum": 0},
        "notes": _STRINGS,
        "parts": {"type": "array", "items": {"$ref": "#/$defs/content"}},
    },
}

_SECTION = {
    "type": "object",
    "required": ["id", "plugin", "title", "roles", "after", "content"],
    "properties": {
        "id": {"type": "string"},
        "plugin": {"type": "string"},
        "title": {"type": "string"},
        "roles": {"type": "array", "items": {"enum": ["executive", "cx-lead", "frontline-manager"]}},
        "after": {"type": "string"},
        "content": {"$ref": "#/$defs/content"},
    },
}

DOCUMENT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://cxframe.readthedocs.io/schemas/assessment-2.json",
    "title": "cxframe assessment document",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "kind",
        "version",
        "generated_at",
        "cxframe_version",
        "view",
        "run",
        "programme",
        "stages",
        "model",
        "metrics",
        "trend",
        "objectives",
        "checks",
        "findings",
        "actions",
        "questions",
        "answers_file",
        "verbatims",
        "evidence",
        "sections",
    ],
    "properties": {
        "kind": {"const": "cxframe.assessment"},
        "version": {"const": 2},
        "generated_at": {"type": "string", "format": "date-time"},
        "cxframe_version": {"type": "string"},
        "view": {
            "type": "object",
            "required": ["role", "lang"],
            "properties": {
                "role": {"enum": ["executive", "cx-lead", "frontline-manager"]},
                "lang": {"enum": ["en", "zh-CN"]},
                # only in another reader's JSON than the complete one: what was left out of it
                "left_out": {
                    "type": "object",
                    "properties": {"evidence": _STRINGS},
                    "additionalProperties": {"type": "integer", "minimum": 1},
                },
            },
        },
        "run": {
            "type": "object",
            "required": ["id", "plugins", "inputs", "plugin_failures"],
            "properties": {
                "id": {"type": "integer"},
                "plugins": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "version"],
                        "properties": {"name": {"type": "string"}, "version": _STRING_OR_NULL},
                    },
                },
                "inputs": {"type": "object"},
                "plugin_failures": _STRINGS,
            },
        },
        "programme": {
            "type": "object",
            "required": ["name", "organisation", "scope", "sponsor", "strategy"],
            "properties": {
                "name": {"type": "string"},
                "organisation": {"type": "string"},
                "scope": {"type": "string"},
                "sponsor": _STRING_OR_NULL,
                "strategy": {"type": "string"},
            },
        },
        "stages": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["stage", "status", "counts", "messages"],
                "properties": {
                    "stage": _STAGE,
                    "status": {"type": "string"},
                    "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "messages": _STRINGS,
                },
            },
        },
        "model": {
            "type": "object",
            "required": ["id", "title", "description", "levels", "dimensions", "translations"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "levels": {"type": "array", "items": {"type": "string"}, "minItems": 5, "maxItems": 5},
                "dimensions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "title", "stage", "level", "score", "criteria"],
                        "properties": {
                            "id": {"type": "string"},
                            "title": {"type": "string"},
                            "stage": {"anyOf": [_STAGE, {"type": "null"}]},
                            "level": {"type": "integer", "minimum": 0, "maximum": 5},
                            "score": {"type": "number", "minimum": 0, "maximum": 5},
                            "criteria": {"type": "array", "items": _CRITERION},
                        },
                    },
                },
                "translations": {
                    "type": "object",
                    "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
        "metrics": {"type": "array", "items": _METRIC},
        "trend": {"type": "array", "items": _METRIC},
        "objectives": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "metric", "comparison", "target", "value", "n", "ci_low", "ci_high", "status"],
                "properties": {
                    "id": {"type": "string"},
                    "metric": {"type": "string"},
                    "comparison": {"type": "string"},
                    "target": {"type": "number"},
                    "segment": {"type": "object"},
                    "deadline": _STRING_OR_NULL,
                    "owner": _STRING_OR_NULL,
                    "business_kpi": _STRING_OR_NULL,
                    "value": _NUMBER_OR_NULL,
                    "n": {"type": "integer", "minimum": 0},
                    "ci_low": _NUMBER_OR_NULL,
                    "ci_high": _NUMBER_OR_NULL,
                    "confidence": {"type": "number"},
                    "flags": _STRINGS,
                    "status": {"enum": ["met", "not_met", "inconclusive", None]},
                },
            },
        },
        "checks": {"type": "array", "items": _CHECK},
        "findings": {"type": "array", "items": _FINDING},
        "actions": {"type": "array", "items": _ACTION},
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["criterion", "dimension", "level", "question"],
                "properties": {
                    "criterion": {"type": "string"},
                    "dimension": {"type": "string"},
                    "level": {"type": "integer"},
                    "question": _STRING_OR_NULL,
                },
            },
        },
        "answers_file": _STRING_OR_NULL,
        "verbatims": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["question", "value", "comment"],
                "properties": {
                    "question": {"type": "string"},
                    "value": {"type": "number"},
                    "scale_max": _NUMBER_OR_NULL,
                    "touchpoint": _STRING_OR_NULL,
                    "channel": _STRING_OR_NULL,
                    "timestamp": {"type": "string"},
                    "comment": {"type": "string"},
                },
            },
        },
        "evidence": {"type": "object", "additionalProperties": {"type": "object"}},
        "sections": {"type": "array", "items": _SECTION},
        "texts": {
            "type": "object",
            "description": "The generated texts of the document said in the other languages: {lang: {English: text}}.",
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    },
    "$defs": {"content": _CONTENT},
}
