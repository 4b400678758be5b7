"""The registry of checks beyond the schema.

A rule is a module with a docstring (its user documentation), the codes it may emit and a
``check`` generator of ``Problem`` values. File rules see one document at a time (their
results are cached with the file); repository rules see the whole model. The engine turns
problems into findings: it finds line and column and stamps the severity of the code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import ModuleType
from typing import NamedTuple

from gk.engine.load import Path


class Problem(NamedTuple):
    code: str
    file: str
    path: Path
    message: str
    hint: str = ""
    key: bool = False  # point at the key of ``path`` rather than its value


@dataclass(frozen=True, slots=True)
class Context:
    today: dt.date
    stale_days: int | None = None


# The keys the repository rules read, per kind of file. ``gk check`` keeps only these in
# memory (and in the cache) for the cross-file stage; a rule that reads another key must
# add it here (tests compare the results with a run on the complete documents).
RULE_KEYS: dict[str, frozenset[str]] = {
    "config": frozenset({"gk", "name", "language", "period", "privacy", "consulting_days"}),
    "alliance": frozenset({"id", "name", "type", "district", "region"}),
    "service": frozenset({"id", "status", "start", "end", "age", "verified", "follow_up"}),
    "worksheet": frozenset({"id", "template", "date", "items", "todos"}),
}
_TODO_KEYS = frozenset({"id", "title", "status", "due", "item"})


def project(kind: str, data: object) -> object:
    """The part of a document the repository rules read (see ``RULE_KEYS``)."""
    keys = RULE_KEYS.get(kind)
    if keys is None or not isinstance(data, dict):
        return data
    slim = {k: v for k, v in data.items() if k in keys}
    if kind == "worksheet":
        items = slim.get("items")
        if isinstance(items, dict):
            slim["items"] = {k: (None if isinstance(v, dict) else v) for k, v in items.items()}
        todos = slim.get("todos")
        if isinstance(todos, list):
            slim["todos"] = [{k: v for k, v in t.items() if k in _TODO_KEYS}
                             if isinstance(t, dict) else t for t in todos]
    return slim


def _repository_rules() -> tuple[ModuleType, ...]:
    from gk.rules import layout, plausibility, references, templates

    return (layout, references, templates, plausibility)


REPOSITORY_RULES = _repository_rules()
FILE_RULES: tuple[ModuleType, ...]  # see __getattr__


def __getattr__(name: str) -> object:
    """``FILE_RULES`` is imported when first used: a run that reads no file needs none."""
    if name == "FILE_RULES":
        from gk.rules import privacy

        rules = (privacy,)
        globals()["FILE_RULES"] = rules
        return rules
    raise AttributeError(name)
