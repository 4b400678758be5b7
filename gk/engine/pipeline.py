"""The engine: discover -> load -> validate -> model -> rules -> sorted findings.

``check(root, options)`` and ``load(root)`` are plain functions of the files. They import no
cache and start no process; ``gk.speed`` wraps them from outside by handing in its own
``Steps``: ``files`` (how the per-file step is done: from a cache, by worker processes),
``problems`` (what the repository rules find), ``locate`` (where positions of cross-file
findings come from) and ``lines`` (the lines findings point at). Whatever is handed in must
give what the plain functions here give. Problems in the data are collected as values; nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from gk import findings as F
from gk.domain import SHIPPED_TEMPLATES, path_of
from gk.engine.discover import MAX_BYTES, SourceFile, discover, discover_templates, read_data_file

if TYPE_CHECKING:  # the rest is imported where used: start-up stays small
    from gk.engine.model import Repository
    from gk.engine.schemas import Validator
    from gk.engine.validate import Located
    from gk.rules.base import Problem


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What a check depends on besides the files."""

    today: dt.date = field(default_factory=dt.date.today)
    stale_days: int | None = None


@dataclass(slots=True)
class FileResult:
    """What one file yields on its own: its data (None when unusable) and its findings."""

    source: SourceFile
    data: Any
    findings: list[F.Finding]


@dataclass(frozen=True, slots=True)
class CheckResult:
    root: Path
    # None when the answer was remembered whole (see gk.speed.cached).
    repository: Repository | None
    findings: list[F.Finding]
    files: int
    # The source line each finding points at, by (file, line), for showing it with a marker.
    lines: dict[tuple[str, int], str]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == F.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == F.WARNING)

    def limited_to(self, paths: Sequence[str]) -> CheckResult:
        """The findings in the named files or folders (paths relative to the root, POSIX;
        ``.`` is the whole repository). References were resolved against every file."""
        wanted = [p.rstrip("/") for p in paths]

        def named(file: str) -> bool:
            return any(p in (".", "") or file == p or file.startswith(p + "/") for p in wanted)

        found = [f for f in self.findings if named(f.file)]
        lines = {k: v for k, v in self.lines.items() if named(k[0])}
        return CheckResult(self.root, self.repository, found, self.files, lines)


# The keys kept of each kind of document for the repository rules (``gk.rules.reads``);
# None keeps documents whole (analyses).
Keep: TypeAlias = "dict[str, frozenset[str]] | None"
# How the per-file step is done for a list of files: (root, sources, custom templates, keep)
# -> one result per source, in order. ``check_files`` and ``load_files`` are the plain ones.
FilesStep = Callable[[Path, Sequence[SourceFile], "dict[str, dict[str, Any]]", Keep],
                     list[FileResult]]
# Where positions come from: (root, [(file, [(path, at the key), ...]), ...]) -> {(file, path,
# at the key): (line, column)}. ``locate`` is the plain one.
LocateStep = Callable[[Path, Sequence[tuple[str, list[tuple[Any, bool]]]]],
                      "dict[tuple[str, Any, bool], tuple[int, int]]"]
# How the repository rules' problems are found: (root, every file's result, custom templates,
# options) -> (the model, or None when it was not built, and the problems).
# ``model_problems`` is the plain one.
ProblemsStep = Callable[[Path, "list[FileResult]", "dict[str, dict[str, Any]]", CheckOptions],
                        "tuple[Repository | None, list[Problem]]"]
# Where the lines findings point at come from: (root, {file: [line numbers]}) -> {(file,
# line): text}. ``source_lines`` is the plain one.
LinesStep = Callable[[Path, "dict[str, list[int]]"], "dict[tuple[str, int], str]"]


# --- one file ---------------------------------------------------------------------------------

_custom_validators: dict[str, Validator] = {}


def validator_for(source: SourceFile, data: dict[str, Any],
                  custom: dict[str, dict[str, Any]]) -> Validator:
    """The schema a document is checked against: by kind, and for worksheets by template."""
    from gk.engine.schemas import Validator, validator, worksheet_schema_for_template

    if source.kind == "config":
        return validator("gk")
    if source.kind != "worksheet":
        return validator(source.kind)
    template = data.get("template")
    if isinstance(template, str) and template in custom:
        # Compiled once per template content (a repository's templates rarely change).
        key = template + ":" + hashlib.sha1(repr(custom[template]).encode()).hexdigest()
        found = _custom_validators.get(key)
        if found is None:
            found = Validator(worksheet_schema_for_template(custom[template]))
            _custom_validators[key] = found
        return found
    if isinstance(template, str) and template in SHIPPED_TEMPLATES:
        return validator(f"worksheet-{template}")
    return validator("worksheet")


# Unknown keys directly under a worksheet's ``items`` are unknown checklist items (GK304).
UNKNOWN_KEY_CODES: dict[tuple[str | int, ...], str] = {("items",): "GK304"}


def check_bytes(source: SourceFile, raw: bytes, custom: dict[str, dict[str, Any]],
                keep: dict[str, frozenset[str]] | None = None) -> FileResult:
    """Parse and validate one file's bytes and run the file rules: a pure function of the
    bytes, the path, the templates, ``keep`` and the language of messages. With ``keep``,
    the document is cut down to what the repository rules read afterwards."""
    from gk.engine.load import load_bytes

    loaded = load_bytes(raw, source.rel)
    if loaded.data is None:
        return FileResult(source, None, loaded.findings)
    result = _validated(source, loaded.data, loaded.text, custom)
    if keep is not None:
        from gk.rules import project

        result.data = project(source.kind, result.data, keep)
    return result


def _validated(source: SourceFile, data: Any, text: str | None,
               custom: dict[str, dict[str, Any]]) -> FileResult:
    from gk.engine.validate import Located, validate
    from gk.rules import file_rules

    located = Located(text)  # parses again with positions only if a finding needs them
    found = validate(data, validator_for(source, data, custom), source.rel, text,
                     UNKNOWN_KEY_CODES if source.kind == "worksheet" else None, located)
    for rule in file_rules():
        for problem in rule.check(source, data, text):
            found.append(_stamp(problem, located))
    return FileResult(source, data, found)


def read_file(root: Path | str, source: SourceFile) -> bytes | FileResult:
    """The bytes of a data file, or a result with the finding that says why it cannot be read."""
    return read_file_state(root, source)[0]


def read_file_state(root: Path | str, source: SourceFile
                    ) -> tuple[bytes | FileResult, os.stat_result | None]:
    """``read_file``, and the file's status when it was opened (None when it was not)."""
    from gk.engine.discover import FileTooLarge, read_data_file_state
    from gk.engine.load import too_large, unreadable

    try:
        return read_data_file_state(root, source.rel, MAX_BYTES)
    except FileTooLarge as exc:
        return FileResult(source, None, [too_large(source.rel, exc.size)]), None
    except OSError as exc:
        return FileResult(source, None, [unreadable(source.rel, exc)]), None


def check_file(root: Path | str, source: SourceFile, custom: dict[str, dict[str, Any]],
               keep: dict[str, frozenset[str]] | None = None) -> FileResult:
    """Read, parse and validate one file; never raises for anything in the file."""
    raw = read_file(root, source)
    return raw if isinstance(raw, FileResult) else check_bytes(source, raw, custom, keep)


def load_file(root: Path | str, source: SourceFile) -> FileResult:
    """Read and parse one file without checking it (for analyses): only findings that keep
    it from loading."""
    from gk.engine.load import load_file as load_data

    loaded = load_data(root, source.rel)
    return FileResult(source, loaded.data, loaded.findings if loaded.data is None else [])


def check_files(root: Path, sources: Sequence[SourceFile], custom: dict[str, dict[str, Any]],
                keep: dict[str, frozenset[str]] | None) -> list[FileResult]:
    return [check_file(root, source, custom, keep) for source in sources]


def load_files(root: Path, sources: Sequence[SourceFile], custom: dict[str, dict[str, Any]],
               keep: dict[str, frozenset[str]] | None = None) -> list[FileResult]:
    return [load_file(root, source) for source in sources]


def _stamp(problem: Problem, located: Located) -> F.Finding:
    line, column = problem.at or located.at(problem.path, key=problem.key)
    return F.make(problem.code, problem.file, line, column, problem.message, problem.hint)


# --- the repository ---------------------------------------------------------------------------

def custom_templates(root: Path, sources: Sequence[SourceFile] | None = None) -> tuple[
        dict[str, dict[str, Any]], list[FileResult]]:
    """Templates a repository adds under templates/, read safely and validated: the usable
    ones (no errors) by id, and the result of every template file (those not usable are
    broken). Without ``sources`` only ``templates/`` is walked; pipes, devices and links out
    of the repository are never opened (``discover`` reports them as GK010)."""
    if sources is None:
        sources, _layout = discover_templates(root)
    results: list[FileResult] = []
    usable: dict[str, dict[str, Any]] = {}
    for source in sources:
        if source.kind != "template":
            continue
        result = check_file(root, source, {})
        results.append(result)
        if result.data is not None and not any(f.severity == F.ERROR for f in result.findings):
            usable[source.stem] = result.data
    return usable, results


def build_repository(root: Path, results: Iterable[FileResult],
                     custom: dict[str, dict[str, Any]]) -> Repository:
    """The model, built once from every file's result; it is not changed afterwards."""
    from gk.engine.model import Alliance, Repository, Service, Template, Worksheet
    from gk.engine.shipped_templates import shipped

    config: dict[str, Any] = {}
    alliances: dict[str, Alliance] = {}
    services: dict[tuple[str, str], Service] = {}
    worksheets: dict[tuple[str, str], Worksheet] = {}
    folders: set[str] = set()
    unloaded: set[str] = set()
    for result in results:
        src = result.source
        if src.alliance:
            folders.add(src.alliance)
        data = result.data
        if not isinstance(data, dict):
            unloaded.add(src.rel)
            continue
        if src.kind == "config":
            config = data
        elif src.kind == "alliance":
            alliances[src.stem] = Alliance(src.stem, src.rel, data)
        elif src.kind == "service" and src.alliance:
            services[(src.alliance, src.stem)] = Service(src.alliance, src.stem, src.rel, data)
        elif src.kind == "worksheet" and src.alliance:
            worksheets[(src.alliance, src.stem)] = Worksheet(src.alliance, src.stem, src.rel, data)
    templates: dict[str, Template] = dict(shipped())
    for tid, data in custom.items():
        templates[tid] = Template.from_data(data, path_of("template", None, tid))
    return Repository(str(root), config, alliances, services, worksheets, templates, folders,
                      unloaded)


def repository_problems(repository: Repository, options: CheckOptions) -> list[Problem]:
    from gk import rules
    from gk.rules.base import Context

    context = Context(today=options.today, stale_days=options.stale_days)
    return [problem for rule in rules.repository_rules()
            for problem in rule.check(repository, context)]


def model_problems(root: Path, results: list[FileResult], custom: dict[str, dict[str, Any]],
                   options: CheckOptions) -> tuple[Repository, list[Problem]]:
    """The model and what the repository rules find in it."""
    repository = build_repository(root, results, custom)
    return repository, repository_problems(repository, options)


def locate(root: Path, wanted: Sequence[tuple[str, list[tuple[Any, bool]]]]
           ) -> dict[tuple[str, Any, bool], tuple[int, int]]:
    """Line and column of each (file, [(path, at the key), ...]): each file is parsed once
    more, with positions on."""
    out: dict[tuple[str, Any, bool], tuple[int, int]] = {}
    for rel, paths in wanted:
        for (path, key), where in zip(paths, locate_in(_read_text(root, rel), paths),
                                      strict=True):
            out[(rel, path, key)] = where
    return out


def locate_in(text: str | None, paths: Sequence[tuple[Any, bool]]) -> list[tuple[int, int]]:
    from gk.engine.validate import Located

    located = Located(text)
    return [located.at(path, key=key) for path, key in paths]


def _read_text(root: Path, rel: str) -> str | None:
    try:
        return read_data_file(root, rel, MAX_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


_IGNORE = re.compile(r"#\s*gk:\s*ignore\b[ \t]*([A-Z0-9, \t]*)", re.IGNORECASE)


def text_lines(raw: bytes) -> list[str] | None:
    """A file's lines as editors count them; None for a file that is not text (a NUL)."""
    from gk.engine.load import split_lines

    if b"\x00" in raw:
        return None
    return split_lines(raw.decode("utf-8", "replace").lstrip("\ufeff"))


def source_lines(root: Path, wanted: dict[str, list[int]]) -> dict[tuple[str, int], str]:
    """The text of each wanted line (by file, 1-based numbers) as editors count lines; a line
    a file does not have, or a file that cannot be read as text, is left out."""
    out: dict[tuple[str, int], str] = {}
    for file, numbers in wanted.items():
        try:
            lines = text_lines(read_data_file(root, file, MAX_BYTES))
        except OSError:
            continue
        if lines is None:
            continue
        for number in numbers:
            if 0 < number <= len(lines):
                out[(file, number)] = lines[number - 1]
    return out


def wanted_lines(found: Iterable[F.Finding]) -> dict[str, list[int]]:
    """The lines the findings point at, by file: what ``source_lines`` is asked for."""
    wanted: dict[str, set[int]] = {}
    for finding in found:
        wanted.setdefault(finding.file, set()).add(finding.line)
    return {file: sorted(numbers) for file, numbers in sorted(wanted.items())}


def apply_ignores(found: list[F.Finding], lines: dict[tuple[str, int], str]
                  ) -> list[F.Finding]:
    """Drop findings on lines marked '# gk: ignore GK501' (or a bare '# gk: ignore')."""
    kept = []
    for finding in found:
        line = lines.get((finding.file, finding.line))
        if line is not None:
            match = _IGNORE.search(line)
            if match:
                codes = {c.upper() for c in re.split(r"[,\s]+", match.group(1)) if c}
                if not codes or finding.code in codes:
                    continue
        kept.append(finding)
    return kept


def excerpts(found: Iterable[F.Finding], lines: dict[tuple[str, int], str]
             ) -> dict[tuple[str, int], str]:
    """The source line each finding points at (long lines are left out)."""
    out: dict[tuple[str, int], str] = {}
    for finding in found:
        line = lines.get((finding.file, finding.line))
        if line is not None and len(line) <= 500:
            out[(finding.file, finding.line)] = line
    return out


@dataclass(frozen=True, slots=True)
class Steps:
    """The steps of a check that ``gk.speed`` does its own way (from a cache, in worker
    processes); the defaults are the plain ones, and whatever is handed in must give what
    they give."""

    files: FilesStep = check_files
    locate: LocateStep = locate
    problems: ProblemsStep = model_problems
    lines: LinesStep = source_lines


def assemble(root: Path, options: CheckOptions, layout: list[F.Finding],
             results: list[FileResult], custom: dict[str, dict[str, Any]], files: int,
             steps: Steps) -> CheckResult:
    """From every file's own result to the repository's findings: the model, the
    repository rules, positions, '# gk: ignore' marks, order, and the lines to show."""
    found = [*layout, *(f for result in results for f in result.findings)]
    repository, problems = steps.problems(root, results, custom, options)
    wanted: dict[str, list[tuple[Any, bool]]] = {}
    for problem in problems:
        wanted.setdefault(problem.file, []).append((problem.path, problem.key))
    places = steps.locate(root, list(wanted.items()))
    for problem in problems:
        line, column = places[(problem.file, problem.path, problem.key)]
        found.append(F.make(problem.code, problem.file, line, column, problem.message,
                            problem.hint))
    lines = steps.lines(root, wanted_lines(found))
    found = apply_ignores(found, lines)
    found.sort(key=F.Finding.sort_key)
    return CheckResult(root, repository, found, files, excerpts(found, lines))


Discovered = tuple[list[SourceFile], list[F.Finding]]

# Layout findings on data files that discovery refused to open (a link, a pipe, a name that
# is not UTF-8): such a file is in the model as one that did not load, so that every report
# can name it.
_REFUSED = ("GK010", "GK206")


def refused_results(layout: Iterable[F.Finding]) -> list[FileResult]:
    from gk.domain import place_of

    out = []
    for finding in layout:
        place = place_of(finding.file) if finding.code in _REFUSED else None
        if place is not None:
            out.append(FileResult(SourceFile(finding.file, *place), None, []))
    return out


def check(root: Path, options: CheckOptions | None = None, steps: Steps | None = None,
          discovered: Discovered | None = None) -> CheckResult:
    """Check the whole repository (``discovered``: what ``discover(root)`` returned, when
    the caller has just called it). The model it returns holds what the repository rules
    read of each document (``gk.rules.project``); analyses use ``load``."""
    from gk import rules

    sources, layout = discovered or discover(root)
    custom, template_results = custom_templates(root, sources)
    others = [s for s in sources if s.kind != "template"]
    steps = steps or Steps()
    results = [*steps.files(root, others, custom, rules.reads()), *template_results,
               *refused_results(layout)]
    return assemble(root, options or CheckOptions(), layout, results, custom, len(sources),
                    steps)


def load(root: Path, files: FilesStep = load_files, discovered: Discovered | None = None
         ) -> Repository:
    """The model of a repository for analyses (checklist, to-dos, gaps, summaries).

    Checks nothing: files that do not load (and data files that discovery refused to open)
    are left out and named in ``Repository.unloaded``, files with schema errors are kept as
    far as their values have usable types (their errors are ``gk check``'s business)."""
    sources, layout = discovered or discover(root)
    custom, template_results = custom_templates(root, sources)
    others = [s for s in sources if s.kind != "template"]
    return build_repository(root, [*files(root, others, custom, None), *template_results,
                                   *refused_results(layout)], custom)
