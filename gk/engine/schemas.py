"""The JSON Schemas shipped with gk: loading, bundling into self-contained documents, validators.

Source schemas in ``schemas/`` refer to shared definitions as ``defs.json#/$defs/NAME``;
``bundle`` copies every definition a schema needs into its own ``$defs`` so that the
result stands alone (for editors, check-jsonschema and gk's validators alike).
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from typing import Any

from gk.domain import SHIPPED_TEMPLATES, parse_date

DEFS_FILE = "defs.json"
_DEFS_PREFIX = DEFS_FILE + "#/$defs/"
# Kinds that `gk schema KIND` knows; worksheet kinds are 'worksheet-<template>'.
KINDS = (
    "gk", "alliance", "service", "worksheet",
    *(f"worksheet-{t}" for t in SHIPPED_TEMPLATES),
    "template",
)


@cache
def schema_folder() -> str:
    """The folder of the shipped schemas (``gk/data/schemas``)."""
    from gk.data import SCHEMAS

    return SCHEMAS


@cache
def _source(name: str) -> dict[str, Any]:
    with open(os.path.join(schema_folder(), f"{name}.json"), encoding="utf-8") as handle:
        text = handle.read()
    data: dict[str, Any] = json.loads(text)
    return data


def _rewrite_refs(node: Any, needed: set[str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS_PREFIX):
                name = value[len(_DEFS_PREFIX):]
                needed.add(name)
                out[key] = "#/$defs/" + name
            elif key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                needed.add(value[len("#/$defs/"):])
                out[key] = value
            else:
                out[key] = _rewrite_refs(value, needed)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, needed) for v in node]
    return node


def bundle(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A self-contained copy of ``schema`` with the shared definitions it uses inlined."""
    needed: set[str] = set()
    result = _rewrite_refs(schema, needed)
    local_defs = dict(result.get("$defs", {}))
    done: set[str] = set(local_defs)
    while needed - done:
        name = sorted(needed - done)[0]
        done.add(name)
        local_defs[name] = _rewrite_refs(defs[name], needed)
    if local_defs:
        result["$defs"] = dict(sorted(local_defs.items()))
    return result


@cache
def schema(kind: str) -> dict[str, Any]:
    """The bundled schema of a kind (shared; callers must not modify it)."""
    return bundle(_source(kind), _source("defs")["$defs"])


def defs() -> dict[str, Any]:
    result: dict[str, Any] = _source("defs")["$defs"]
    return result


def localized(node: Any, lang: str) -> Any:
    """A copy with ``title``/``description`` in ``lang`` (English texts live under ``x-en``)."""
    if isinstance(node, dict):
        out = {k: localized(v, lang) for k, v in node.items()}
        if lang == "en" and isinstance(node.get("x-en"), dict):
            for key in ("title", "description"):
                if key in node["x-en"]:
                    out[key] = node["x-en"][key]
        return out
    if isinstance(node, list):
        return [localized(v, lang) for v in node]
    return node


def worksheet_schema_for_template(template: dict[str, Any]) -> dict[str, Any]:
    """A worksheet schema for a template a repository adds under ``templates/``."""
    answers = {
        "status": {"$ref": "#/$defs/item-status"},
        "rating": {"$ref": "#/$defs/rating"},
        "coverage": {"$ref": "#/$defs/coverage"},
        "text": {"type": "string"},
    }
    properties: dict[str, Any] = {}
    default_answer = template.get("answer", "status")
    for item in template.get("items") or []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        answer = item.get("answer", default_answer)
        if answer not in answers:
            continue
        properties[item["id"]] = {
            "title": (item.get("text") or {}).get("de", item["id"]),
            "type": "object",
            "properties": {answer: answers[answer], "note": {"type": "string"}},
            "required": [answer],
            "additionalProperties": False,
        }
    source = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": (template.get("title") or {}).get("de", template.get("id", "")),
        "type": "object",
        "allOf": [{"$ref": _DEFS_PREFIX + "worksheet-common"}],
        "properties": {
            "id": True, "template": True, "date": True, "author": True, "todos": True,
            "items": {
                "type": "object",
                "properties": properties,
                "additionalProperties": False,
            },
        },
        "unevaluatedProperties": False,
    }
    return bundle(source, defs())


class Validator:
    """A fast validity test (compiled) plus detailed errors (jsonschema) for the failures."""

    def __init__(self, bundled: dict[str, Any]) -> None:
        self.schema = bundled
        self._fast: Any = None
        self._detailed: Any = None
        try:
            import jsonschema_rs

            self._fast = jsonschema_rs.validator_for(bundled, validate_formats=True,
                                                     formats={"date": is_date})
        except Exception:  # not installed or cannot compile: jsonschema does all the work
            self._fast = None

    def is_valid(self, data: Any) -> bool:
        if self._fast is not None:
            return bool(self._fast.is_valid(data))
        return not any(True for _ in self.errors(data))

    def errors(self, data: Any) -> Any:
        if self._detailed is None:
            from jsonschema import FormatChecker

            formats = FormatChecker()
            formats.checks("date")(is_date)
            self._detailed = _detailed_class()(copy.deepcopy(self.schema), format_checker=formats)
        return self._detailed.iter_errors(data)


def is_date(value: object) -> bool:
    """The schemas' ``date`` format is gk's one date rule (``gk.domain.parse_date``), so that
    every date ``gk check`` accepts is one the reports read (year 0000, which the compiled
    validator would take, included). Only texts are checked, as JSON Schema says."""
    return not isinstance(value, str) or parse_date(value) is not None


def _ecma_end(pattern: str) -> str:
    """A pattern's final ``$`` as JSON Schema (ECMA) means it: the end of the text. Python's
    ``$`` also matches before a final newline, so 'abd\\n' would pass as an id here while the
    compiled validator (and ``gk.domain.is_id``) refuse it."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + r"\Z"
    return pattern


@cache
def _detailed_class() -> Any:
    """Draft 2020-12 as jsonschema implements it, with ``pattern`` read the ECMA way."""
    import re

    from jsonschema import Draft202012Validator, ValidationError
    from jsonschema.validators import extend

    def pattern(validator: Any, wanted: str, instance: Any, schema: dict[str, Any]) -> Any:
        if validator.is_type(instance, "string") and not re.search(_ecma_end(wanted), instance):
            yield ValidationError(f"{instance!r} does not match {wanted!r}")

    return extend(Draft202012Validator, {"pattern": pattern})


@cache
def validator(kind: str) -> Validator:
    return Validator(schema(kind))
