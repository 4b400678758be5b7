"""A plain reference path for ``gk check``: ruamel.yaml round-trip parsing and jsonschema only.

No C parser, no compiled validator, no cache, no worker processes: positions come from the
round-trip parser's own line and column records. It is slow and exists so that tests can
show the fast path finds exactly the same problems at the same places.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from gk import findings as F
from gk.engine.discover import SourceFile, discover
from gk.engine.load import MAX_BYTES, Positions, load_bytes
from gk.engine.pipeline import (
    UNKNOWN_KEY_CODES,
    CheckOptions,
    CheckResult,
    FileResult,
    apply_ignores,
    build_repository,
    custom_templates,
    excerpts,
    source_lines,
    validator_for,
    wanted_lines,
)
from gk.engine.schemas import Validator
from gk.engine.validate import Located, validate
from gk.rules import file_rules, repository_rules
from gk.rules.base import Context


def _yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class _KeepDates(RoundTripConstructor):
        """Dates stay strings, as in the fast path (JSON Schema checks their format)."""

    _KeepDates.add_constructor("tag:yaml.org,2002:timestamp",
                               lambda c, node: c.construct_scalar(node))
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _KeepDates
    yaml.allow_duplicate_keys = False
    return yaml


def _plain(value: Any, path: tuple[Any, ...], positions: Positions) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, CommentedMap):
        out = {}
        for key in value:
            k_line, k_col = value.lc.key(key)
            v_line, v_col = value.lc.value(key)
            sub = (*path, str(key))
            positions[sub] = (v_line + 1, v_col + 1, k_line + 1, k_col + 1)
            out[str(key)] = _plain(value[key], sub, positions)
        return out
    if isinstance(value, CommentedSeq):
        items = []
        for index, item in enumerate(value):
            line, col = value.lc.item(index)
            sub = (*path, index)
            positions[sub] = (line + 1, col + 1, line + 1, col + 1)
            items.append(_plain(item, sub, positions))
        return items
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        from gk.engine.load import _MAX_DIGITS

        # gk keeps absurdly long numbers as text (the schema then rejects them)
        return int(value) if abs(int(value)) < 10**_MAX_DIGITS else "(long number)"
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


def _load(raw: bytes, file: str) -> tuple[Any, Positions, str | None, list[F.Finding]]:
    """Round-trip load; byte-level problems (encoding, size) are decided as in the fast path."""
    fast = load_bytes(raw, file)
    if fast.data is None:
        # Refused before any data exists (encoding, tabs, duplicates, depth, aliases, tags,
        # several documents, not a mapping): decided the same way on both paths.
        return None, {}, fast.text, fast.findings
    if fast.text is None or "<<" in fast.text:
        # '<<' merge keys are not YAML 1.2; gk reads them as an ordinary (unknown) key while
        # the round-trip parser merges them, so such files are not comparable.
        return _fast_only(fast)
    try:
        tree = _yaml().load(fast.text)
    except Exception as exc:  # the round-trip parser rejects what the fast path accepted
        from ruamel.yaml.error import MarkedYAMLError

        if not isinstance(exc, MarkedYAMLError):  # e.g. Python's limit on long integers
            return _fast_only(fast)
        if "\\t" in str(exc.problem or "") or "\t" in str(exc.problem or ""):
            # YAML 1.2 allows a tab as separating white space ('key:<TAB>value'); the
            # pure-Python parser does not, libyaml does: not a difference of gk's making.
            return _fast_only(fast)
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return None, {}, fast.text, [F.make("GK001", file, line, column, str(exc)[:200])]
    positions: Positions = {}
    data = _plain(tree, (), positions)
    return data, positions, fast.text, []


def _fast_only(fast: Any) -> tuple[Any, Positions, str | None, list[F.Finding]]:
    positions: Positions = {}
    if fast.text is not None:
        load_bytes(fast.text.encode("utf-8"), "", positions)
    return fast.data, positions, fast.text, []


def _process(root: Path, source: SourceFile, custom: dict[str, dict[str, Any]]) -> tuple[
        FileResult, Located]:
    path = os.path.join(root, source.rel)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError:
        return FileResult(source, None, [F.make("GK010", source.rel, 1, 1, "unreadable")]), \
            Located(None)
    data, positions, text, problems = _load(raw, source.rel)
    located = Located(text, positions)
    if data is None:
        return FileResult(source, None, problems), located
    fast = validator_for(source, data, custom)
    detailed = Validator(fast.schema)
    detailed._fast = None  # jsonschema only
    found = validate(data, detailed, source.rel, text,
                     UNKNOWN_KEY_CODES if source.kind == "worksheet" else None, located)
    for rule in file_rules():
        for problem in rule.check(source, data, text):
            line, column = problem.at or located.at(problem.path, key=problem.key)
            found.append(F.make(problem.code, problem.file, line, column, problem.message,
                                problem.hint))
    return FileResult(source, data, found), located


def check_reference(root: Path, options: CheckOptions | None = None) -> CheckResult:
    options = options or CheckOptions()
    sources, layout = discover(root)
    custom, template_results = custom_templates(root, sources)
    results: list[FileResult] = []
    where: dict[str, Located] = {}
    for source in sources:
        if source.kind == "template":
            continue
        result, located = _process(root, source, custom)
        results.append(result)
        where[source.rel] = located
    results.extend(template_results)
    found = list(layout)
    for result in results:
        found.extend(result.findings)
    repository = build_repository(root, results, custom)
    context = Context(today=options.today, stale_days=options.stale_days)
    for rule in repository_rules():
        for problem in rule.check(repository, context):
            located = where.get(problem.file) or Located(None)
            line, column = located.at(problem.path, key=problem.key)
            found.append(F.make(problem.code, problem.file, line, column, problem.message,
                                problem.hint))
    lines = source_lines(root, wanted_lines(found))
    found = apply_ignores(found, lines)
    found.sort(key=F.Finding.sort_key)
    return CheckResult(root, repository, found, len(results), excerpts(found, lines))
