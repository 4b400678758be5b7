"""The registry of checks beyond the schema; nothing else.

A rule is a module with a docstring (its user documentation), ``CODES`` (the codes it may
emit, each in ``gk.findings.CODES``) and a ``check`` generator of ``gk.rules.base.Problem``
values. File rules see one document at a time: ``check(source, data, text)`` (``text`` is the
file's decoded text, for what is not in the data, such as comments; a problem found there
carries its own position in ``Problem.at``). Repository rules
see the whole model, built once from every file: ``check(repository, context)``. The
engine stamps severity and position; rules never read files and never know about caching
(a cache keeps whole documents, so a rule may read any key of any file).

To add a rule, see "How to add a rule" in docs/architecture.md.
"""

from __future__ import annotations

from types import ModuleType


def file_rules() -> tuple[ModuleType, ...]:
    """Rules run on each file alone (imported when first used: a warm run needs none)."""
    from gk.rules import privacy

    return (privacy,)


def repository_rules() -> tuple[ModuleType, ...]:
    """Rules run once over the model of the whole repository."""
    from gk.rules import layout, plausibility, references, templates

    return (layout, references, templates, plausibility)
