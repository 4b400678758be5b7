"""The registry of checks beyond the schema; nothing else.

A rule is a module with a docstring (its user documentation), ``CODES`` (the codes it may
emit, each in ``gk.findings.CODES``) and a ``check`` generator of ``gk.rules.base.Problem``
values. File rules see one whole document at a time: ``check(source, data, text)`` (``text``
is the file's decoded text, for what is not in the data, such as comments; a problem found
there carries its own position in ``Problem.at``). Repository rules see the model built once
from every file, ``check(repository, context)``, and declare in ``READS`` which top-level
keys of which kind of document they read: ``gk check`` keeps only those (``project``), with
or without a cache, so a large repository needs memory and cache space for what the rules
read only. A key a rule reads without declaring it is absent in every run (its message test
fails; ``tests/test_rules_declare.py`` records what each rule reads and compares). The
engine stamps severity and position; rules never read files and never know about caching.

To add a rule, see "How to add a rule" in docs/architecture.md.
"""

from __future__ import annotations

from types import ModuleType


def file_rules() -> tuple[ModuleType, ...]:
    """Rules run on each file alone (imported when first used: a warm run needs none)."""
    from gk.rules import privacy, values

    return (privacy, values)


# Kinds whose documents are kept whole: gk.yaml and the repository's templates are few and
# small, and the model reads them itself.
_WHOLE = frozenset({"config", "template"})


def reads() -> dict[str, frozenset[str]]:
    """The keys the repository rules declare to read, per kind of document."""
    out: dict[str, set[str]] = {}
    for rule in repository_rules():
        for kind, keys in rule.READS.items():
            out.setdefault(kind, set()).update(keys)
    return {kind: frozenset(keys) for kind, keys in out.items()}


def project(kind: str, data: object, keep: dict[str, frozenset[str]]) -> object:
    """The part of a document the repository rules read (``keep``, from ``reads()``)."""
    if kind in _WHOLE or not isinstance(data, dict):
        return data
    keys = keep.get(kind, frozenset())
    return {k: v for k, v in data.items() if k in keys}


def repository_rules() -> tuple[ModuleType, ...]:
    """Rules run once over the model of the whole repository."""
    from gk.rules import layout, overlapping_counts, plausibility, references, templates

    return (layout, references, templates, plausibility, overlapping_counts)
