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

from gk.loader import Path


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


def _load() -> tuple[tuple[ModuleType, ...], tuple[ModuleType, ...]]:
    from gk.rules import layout, plausibility, privacy, references, templates

    return (privacy,), (layout, references, templates, plausibility)


FILE_RULES, REPOSITORY_RULES = _load()
