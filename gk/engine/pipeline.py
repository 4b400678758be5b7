"""The checking pipeline: discover -> load -> validate -> build model -> rules -> sorted findings.

Per-file work (read, parse, schema, file rules) is a pure function of the file's bytes and the
templates in force, so it can be cached and spread over worker processes. Cross-file rules
run once over the model. Problems are collected as values; nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gk import __version__
from gk import findings as F
from gk.domain import CHECKLIST_TEMPLATE, SHIPPED_TEMPLATES, path_of
from gk.engine.discover import MAX_BYTES, SourceFile, discover, discover_templates, read_data_file
from gk.i18n import _, get_language

if TYPE_CHECKING:  # the rest is imported where used: an unchanged repository needs none of it
    from gk.engine.model import Repository
    from gk.engine.schemas import Validator
    from gk.engine.validate import Located
    from gk.rules import Problem


@dataclass(slots=True)
class FileResult:
    """What one file yields on its own: its data (None when unusable) and its findings."""

    source: SourceFile
    data: Any
    findings: list[F.Finding]
    # A digest of the complete document, when asked for (see ``process_file``).
    digest: bytes | None = None


def document_digest(data: Any) -> bytes | None:
    """A digest of a loaded document's content (None for what marshal cannot write)."""
    import marshal

    try:
        return hashlib.blake2b(marshal.dumps(data, 2), digest_size=16).digest()
    except ValueError:
        return None


@dataclass(slots=True)
class CheckOptions:
    today: dt.date = field(default_factory=dt.date.today)
    stale_days: int | None = None
    use_cache: bool = True
    jobs: int | None = None
    # Called now and then with (files processed, files to process) while files are read;
    # the command line shows a progress bar with it. Never called for cached files.
    progress: Callable[[int, int], None] | None = None


@dataclass(slots=True)
class CheckResult:
    root: Path
    # None when the answer came whole from the cache; after a few changed files it holds
    # only what was checked again (``known_services`` is set then).
    repository: Repository | None
    findings: list[F.Finding]
    files: int
    # The source lines the findings point at, when the cache already has them.
    lines: dict[tuple[str, int], str] | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == F.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == F.WARNING)


_custom_validators: dict[str, Validator] = {}


def _validator_for(source: SourceFile, data: dict[str, Any],
                   custom: dict[str, dict[str, Any]]) -> Validator:
    from gk.engine.schemas import Validator, validator, worksheet_schema_for_template

    if source.kind == "config":
        return validator("gk")
    if source.kind != "worksheet":
        return validator(source.kind)
    template = data.get("template")
    if isinstance(template, str) and template in custom:
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
_UNKNOWN_KEY_CODES: dict[tuple[str | int, ...], str] = {("items",): "GK304"}


def process_file(root: str, source: SourceFile, custom: dict[str, dict[str, Any]],
                 lang: str, check: bool = True, digest: bool = False,
                 clean: bytes | None = None) -> FileResult:
    """Read, parse and validate one file; never raises for anything in the file.

    Without ``check`` (analyses, which report no findings) the file is only loaded: the
    schema and the file rules are skipped, and only findings that keep it from loading remain.
    With ``digest`` the result carries the document's digest. ``clean`` is the digest of
    the file's content when it last had no findings of its own: the same content (a
    comment or the layout changed, or only the modification time) has none now either,
    and is not validated again.

    A defect of gk itself while checking one file becomes a GK999 finding for that file, so
    the other files are still checked (``GK_DEBUG=1`` lets it through instead)."""
    from gk.i18n import set_language

    set_language(lang)
    try:
        return _process_file(root, source, custom, check, digest, clean)
    except Exception as exc:
        if os.environ.get("GK_DEBUG"):
            raise
        return FileResult(source, None, [F.make(
            "GK999", source.rel, 1, 1,
            _("gk itself failed while checking this file ({kind}: {message}).").format(
                kind=type(exc).__name__, message=str(exc)[:200]),
            _("Please report this; run 'gk --debug check' to see the details."))])


def _process_file(root: str, source: SourceFile, custom: dict[str, dict[str, Any]],
                  check: bool = True, digest: bool = False,
                  clean: bytes | None = None) -> FileResult:
    from gk.engine.load import load_file

    loaded = load_file(root, source.rel)
    if loaded.data is None or not check:
        return FileResult(source, loaded.data, loaded.findings)
    data = loaded.data
    known = document_digest(data) if digest or clean is not None else None
    if clean is not None and known == clean and not loaded.findings:
        return FileResult(source, data, [], known)
    from gk.engine.validate import Located, validate
    from gk.rules import FILE_RULES

    located = Located(loaded.text)  # parses again with positions only if a finding needs them
    problems = validate(data, _validator_for(source, data, custom), source.rel, loaded.text,
                        _UNKNOWN_KEY_CODES if source.kind == "worksheet" else None, located)
    for rule in FILE_RULES:
        for problem in rule.check(source, data):
            problems.append(_stamp(problem, located))
    return FileResult(source, data, problems, known)


def _stamp(problem: Problem, located: Located) -> F.Finding:
    line, column = located.at(problem.path, key=problem.key)
    return F.make(problem.code, problem.file, line, column, problem.message, problem.hint)


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
        result = process_file(str(root), source, {}, get_language())
        results.append(result)
        if result.data is not None and not any(f.severity == F.ERROR for f in result.findings):
            usable[source.stem] = result.data
    return usable, results


def build_repository(root: Path, results: Iterable[FileResult],
                     custom: dict[str, dict[str, Any]]) -> Repository:
    from gk.engine.model import Alliance, Repository, Service, Template, Worksheet

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
    from gk.engine.shipped_templates import shipped

    templates: dict[str, Template] = dict(shipped())
    for tid, data in custom.items():
        templates[tid] = Template.from_data(data, path_of("template", None, tid))
    return Repository(str(root), config, alliances, services, worksheets, templates, folders,
                      unloaded)


_IGNORE = re.compile(r"#\s*gk:\s*ignore\b[ \t]*([A-Z0-9, \t]*)", re.IGNORECASE)


def _apply_ignores(root: Path, found: list[F.Finding]) -> list[F.Finding]:
    """Drop findings on lines marked '# gk: ignore GK501' (or a bare '# gk: ignore')."""
    lines_of: dict[str, list[str] | None] = {}
    kept = []
    for finding in found:
        if finding.file not in lines_of:
            try:
                text = read_data_file(root, finding.file, MAX_BYTES).decode("utf-8")
                lines_of[finding.file] = text.splitlines() if "gk:" in text or "gk :" in text \
                    else None
            except (OSError, UnicodeDecodeError, ValueError):
                lines_of[finding.file] = None
        lines = lines_of[finding.file]
        if lines and 0 < finding.line <= len(lines):
            match = _IGNORE.search(lines[finding.line - 1])
            if match:
                codes = {c.upper() for c in re.split(r"[,\s]+", match.group(1)) if c}
                if not codes or finding.code in codes:
                    continue
        kept.append(finding)
    return kept


@dataclass(slots=True)
class Loading:
    """Everything read from the repository for one run."""

    results: list[FileResult]
    custom: dict[str, dict[str, Any]]
    layout: list[F.Finding]
    store: Any  # gk.speed.cache.Store or None


def _store(root: Path, custom: dict[str, dict[str, Any]], options: CheckOptions) -> Any:
    if not options.use_cache:
        return None
    from gk.speed.cache import Store

    return Store(root, cache_key_parts(custom, get_language()))


def load_results(root: Path, options: CheckOptions,
                 discovered: tuple[list[SourceFile], list[F.Finding]] | None = None,
                 stats: Sequence[Any] | None = None, complete: bool = True,
                 store: Any = None) -> Loading:
    """Every file of the repository processed. ``complete`` documents (for analyses) are
    always read from the files; slim ones (for ``gk check``) come through the cache."""
    sources, layout = discovered or discover(root)
    custom, template_results = custom_templates(root, sources)
    if store is None and not complete:
        store = _store(root, custom, options)
    others = [s for s in sources if s.kind != "template"]
    other_stats = None
    if stats is not None:
        other_stats = [st for s, st in zip(sources, stats, strict=True) if s.kind != "template"]
    from gk.speed.cache import run_cached

    results = run_cached(root, others, custom, get_language(), options, store, other_stats,
                         slim=not complete)
    return Loading([*results, *template_results], custom, layout, store)


def check_repository(root: Path, options: CheckOptions | None = None,
                     only: Sequence[str] | None = None) -> CheckResult:
    """Check the whole repository; ``only`` limits the reported findings to those files.

    With the cache, an unchanged repository is answered from the last run's findings, and
    after a few changed files only those are checked again (see ``_check_changed``)."""
    options = options or CheckOptions()
    if not options.use_cache:
        discovered = discover(root)
        repository, found = _check_all(root, options, discovered, None)
        return _finish(root, repository, found, len(discovered[0]), only)
    from gk.engine.discover import discover_stat
    from gk.speed.cache import Store
    from gk.speed.cache import signature as make_signature

    sources, layout, stats = discover_stat(root)
    discovered = (sources, layout)
    signature = make_signature(
        list(zip([s.rel for s in discovered[0]], stats, strict=True)),
        f"{__version__}|{get_language()}|{options.today}|{options.stale_days}|"
        + "|".join(f"{f.file}:{f.code}:{f.message}" for f in discovered[1]))
    final = Store(root, _final_key())
    answer = final.final(signature)
    if answer is not None:
        found = [F.from_tuple(t) for t in answer[0]]
        return _finish(root, None, found, answer[1], only,
                       excerpts(root, found, answer[2] if len(answer) > 2 else None))
    current = {s.rel: st for s, st in zip(sources, stats, strict=True)}
    repository, found = _check_changed(root, options, discovered, stats, current)
    # The lines to show with the findings are kept too (a warm run reads no file at all).
    last = final.last()
    lines = excerpts_of(root, found, current,
                        last[2] if isinstance(last, tuple | list) and len(last) > 2 else None)
    final.save_final(signature, ([F.to_tuple(f) for f in found], len(sources), lines))
    return _finish(root, repository, found, len(sources), only, excerpts(root, found, lines))


def _final_key() -> str:
    return "final-" + cache_key_parts({}, get_language())


def _save(store: Any, state: _State) -> None:
    """Keep the per-file results and the state; drop cache files of other keys."""
    store.save()
    store.save_state(state.body())
    store.prune([store.key, _final_key()])


def _context_key(options: CheckOptions) -> str:
    return f"{options.today}|{options.stale_days}"


def _check_all(root: Path, options: CheckOptions,
               discovered: tuple[list[SourceFile], list[F.Finding]],
               stats: Sequence[Any] | None, store: Any = None) -> tuple[Repository, list[F.Finding]]:
    """Every file checked, the repository rules run over all of them."""
    loading = load_results(root, options, discovered, stats, complete=False, store=store)
    store = loading.store
    found: list[F.Finding] = []
    for result in loading.results:
        found.extend(result.findings)
    repository = build_repository(root, loading.results, loading.custom)
    found.extend(_repository_findings(root, repository, options, store, None))
    found = _apply_ignores(root, found)
    if store is not None and stats is not None:
        _save(store, _State.of(discovered[0], stats, loading.results, found, options))
    found.extend(_apply_ignores(root, loading.layout))
    found.sort(key=F.Finding.sort_key)
    return repository, found


def _repository_findings(root: Path, repository: Repository, options: CheckOptions, store: Any,
                         files: set[str] | None) -> list[F.Finding]:
    """The findings of the repository rules (on ``files`` only, when named), located in the
    files (positions found earlier come from the cache)."""
    from gk.rules import REPOSITORY_RULES, Context

    context = Context(today=options.today, stale_days=options.stale_days)
    problems = [problem for rule in REPOSITORY_RULES for problem in rule.check(repository, context)
                if files is None or problem.file in files]
    places: list[tuple[int, int] | None] = [
        store.position(p.file, p.path, p.key) if store is not None else None for p in problems]
    wanted: dict[str, list[tuple[Any, bool]]] = {}
    for problem, where in zip(problems, places, strict=True):
        if where is None:
            wanted.setdefault(problem.file, []).append((problem.path, problem.key))
    located = locate_many(root, list(wanted.items()), options.jobs)
    found = []
    for problem, where in zip(problems, places, strict=True):
        if where is None:
            where = located[(problem.file, problem.path, problem.key)]
            if store is not None:
                store.remember_position(problem.file, problem.path, problem.key, where)
        found.append(F.make(problem.code, problem.file, where[0], where[1],
                            problem.message, problem.hint))
    return found


# Files to parse again for positions above which worker processes help.
_LOCATE_THRESHOLD = 200


def _locate_chunk(root: Path, chunk: Sequence[tuple[str, list[tuple[Any, bool]]]]
                  ) -> list[list[tuple[int, int]]]:
    from gk.engine.validate import Located

    out = []
    for rel, paths in chunk:
        located = Located(_read_text(root, rel))
        out.append([located.at(path, key=key) for path, key in paths])
    return out


def locate_many(root: Path, wanted: Sequence[tuple[str, list[tuple[Any, bool]]]],
                jobs: int | None) -> dict[tuple[str, Any, bool], tuple[int, int]]:
    """Line and column of each (file, [(path, at the key)...]): every file is parsed once
    more with positions on (by worker processes too when there are many)."""
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers > 1 and len(wanted) >= _LOCATE_THRESHOLD and os.name == "posix":
        from gk.speed.cache import spread

        block = 16
        chunks = [wanted[i:i + block] for i in range(0, len(wanted), block)]

        def local(chunk: Sequence[tuple[str, list[tuple[Any, bool]]]]) -> list[Any]:
            return _locate_chunk(root, chunk)

        results = spread(chunks, workers, local, local, lambda _chunk, data: list(data))
    else:
        results = _locate_chunk(root, wanted)
    out: dict[tuple[str, Any, bool], tuple[int, int]] = {}
    for (rel, paths), places in zip(wanted, results, strict=True):
        for (path, key), where in zip(paths, places, strict=True):
            out[(rel, path, key)] = (where[0], where[1])
    return out


@dataclass(slots=True)
class _State:
    """What the last cached run of ``gk check`` leaves for the next one (as plain data).

    ``facts`` is a digest of what a repository rule reads about *other* files: which
    alliances exist and of which type, which files did not load. While it stays the same,
    a file's repository findings change only when the file itself changes, with two
    exceptions that are followed file by file:

    * the open checklist items (GK406) are reported on the latest ``prozessmanagement``
      sheet of an alliance, so a change to one such sheet concerns all of that alliance's
      sheets (``pm``);
    * a follow-up (GK301) names a service of some alliance (and its hint offers the
      alliance's services), so a service added to or deleted from an alliance concerns
      every service whose follow-ups point into that alliance (``follow``)."""

    context: str
    files: dict[str, Any]  # path -> (size, mtime) as the files were read
    findings: list[Any]  # finding tuples, '# gk: ignore' applied, discovery's own left out
    alliances: dict[str, Any]  # path -> slim document of each alliance that loaded
    unloaded: list[str]  # data files (not templates) that did not load
    pm: dict[str, str]  # path -> alliance folder of each prozessmanagement sheet
    follow: dict[str, list[str]]  # path -> alliances a service's follow-ups point into
    facts: str = ""

    @staticmethod
    def of(sources: Sequence[SourceFile], stats: Sequence[Any], results: Sequence[FileResult],
           found: Sequence[F.Finding], options: CheckOptions) -> _State:
        alliances: dict[str, Any] = {}
        unloaded: set[str] = set()
        pm: dict[str, str] = {}
        follow: dict[str, list[str]] = {}
        for result in results:
            if result.source.kind != "template":
                _State.note(result, alliances, unloaded, pm, follow)
        files = {s.rel: st for s, st in zip(sources, stats, strict=True) if st is not None}
        state = _State(_context_key(options), files, [F.to_tuple(f) for f in found],
                       alliances, sorted(unloaded), pm, follow)
        state.facts = state.digest(sources)
        return state

    @staticmethod
    def note(result: FileResult, alliances: dict[str, Any], unloaded: set[str],
             pm: dict[str, str], follow: dict[str, list[str]]) -> None:
        """Enter what other files depend on of one file's result."""
        src, data = result.source, result.data
        if not isinstance(data, dict):
            unloaded.add(src.rel)
        elif src.kind == "alliance":
            alliances[src.rel] = data
        elif src.kind == "worksheet" and src.alliance and data.get("template") == CHECKLIST_TEMPLATE:
            pm[src.rel] = src.alliance
        elif src.kind == "service" and src.alliance and isinstance(data.get("follow_up"), list):
            follow[src.rel] = sorted({ref.partition("/")[0] if "/" in ref else src.alliance
                                      for ref in data["follow_up"] if isinstance(ref, str)})

    def digest(self, sources: Sequence[SourceFile]) -> str:
        unloaded = set(self.unloaded)
        digest = hashlib.sha256()
        for src in sources:
            if src.kind == "alliance" and src.rel not in unloaded:
                kind = self.alliances.get(src.rel, {}).get("type")
                digest.update(f"a|{src.stem}|{kind if isinstance(kind, str) else ''}\n".encode())
        for rel in self.unloaded:
            digest.update(f"u|{rel}\n".encode())
        return digest.hexdigest()

    def body(self) -> dict[str, Any]:
        return {"context": self.context, "files": self.files, "findings": self.findings,
                "alliances": self.alliances, "unloaded": self.unloaded, "pm": self.pm,
                "follow": self.follow, "facts": self.facts}

    @staticmethod
    def load(body: Any) -> _State | None:
        """The state read back, or None when it is missing or not of the expected shape."""
        shape = {"context": str, "files": dict, "findings": list, "alliances": dict,
                 "unloaded": list, "pm": dict, "follow": dict, "facts": str}
        if not isinstance(body, dict) or any(not isinstance(body.get(k), t)
                                             for k, t in shape.items()):
            return None
        return _State(*(body[k] for k in shape))


# Above this share of changed files, checking everything again is as quick.
_CHANGED_SHARE = 0.05


def _check_changed(root: Path, options: CheckOptions,
                   discovered: tuple[list[SourceFile], list[F.Finding]],
                   stats: Sequence[Any], current: dict[str, Any]
                   ) -> tuple[Repository, list[F.Finding]]:
    """Check only the files changed since the last cached run, when that gives the same
    findings as checking everything: the other files keep their findings of the last run
    as long as nothing they depend on changed (``_State.facts``). Otherwise, or without a
    usable last run, everything is checked (``_check_all``). ``current``: each file's stat
    by path (``stats`` as a mapping)."""
    from gk.engine.model import Alliance

    sources, layout = discovered
    custom, template_results = custom_templates(root, sources)
    store = _store(root, custom, options)
    state = _State.load(store.state())
    if state is None or state.context != _context_key(options):
        return _check_all(root, options, discovered, stats, store)
    changed = [(s, st) for s, st in zip(sources, stats, strict=True)
               if s.kind != "template" and (st is None or state.files.get(s.rel) != st)]
    deleted = [rel for rel in state.files if rel not in current]
    if len(changed) + len(deleted) > max(16, _CHANGED_SHARE * len(sources)):
        return _check_all(root, options, discovered, stats, store)
    from gk.speed.cache import run_cached

    fresh = run_cached(root, [s for s, _st in changed], custom, get_language(), options, store,
                       [st for _s, st in changed], prune=False)
    # What the other files see of the repository now.
    gone = {*deleted, *(s.rel for s, _st in changed)}
    alliances = {rel: data for rel, data in state.alliances.items() if rel not in gone}
    unloaded = {rel for rel in state.unloaded if rel not in gone}
    pm = {rel: folder for rel, folder in state.pm.items() if rel not in gone}
    follow = {rel: targets for rel, targets in state.follow.items() if rel not in gone}
    for result in fresh:
        _State.note(result, alliances, unloaded, pm, follow)
    now = _State(state.context, {}, [], alliances, sorted(unloaded), pm, follow)
    now.facts = now.digest(sources)
    if now.facts != state.facts:
        return _check_all(root, options, discovered, stats, store)
    # The files checked again: the changed ones, the prozessmanagement sheets of alliances
    # where one of them changed (GK406 moves to the latest), the services that refer into
    # an alliance that gained or lost a service, and the templates.
    sheets = {folder for rel, folder in state.pm.items() if rel in gone}
    sheets.update(folder for rel, folder in pm.items() if rel in gone)
    by_rel = {s.rel: s for s in sources}
    moved = {by_rel[rel].alliance if rel in by_rel else rel.split("/")[1]
             for rel in (*deleted, *(s.rel for s, _st in changed if s.rel not in state.files))
             if rel.startswith("services/") and rel.count("/") == 2}
    done = {r.source.rel for r in fresh}
    again = [(rel, "worksheet") for rel, folder in pm.items() if folder in sheets]
    again += [(rel, "service") for rel, targets in follow.items() if moved.intersection(targets)]
    extra: list[FileResult] = []
    for rel, kind in again:
        if rel in done:
            continue
        entry = store.get(rel, current.get(rel), kind)
        if entry is None:
            return _check_all(root, options, discovered, stats, store)
        done.add(rel)
        extra.append(FileResult(by_rel[rel], entry[0], [F.from_tuple(t) for t in entry[1]]))
    checked = [*fresh, *extra, *template_results]
    repository = build_repository(root, checked, custom)
    repository.alliances = {
        s.stem: Alliance(s.stem, s.rel, alliances[s.rel]) for s in sources
        if s.kind == "alliance" and s.rel in alliances}
    repository.unloaded = unloaded | {r.source.rel for r in template_results
                                      if not isinstance(r.data, dict)}
    repository.known_services = [(s.alliance, s.stem) for s in sources
                                 if s.kind == "service" and s.alliance and s.rel not in unloaded]
    names = {r.source.rel for r in checked}
    found = [f for r in checked for f in r.findings]
    found.extend(_repository_findings(root, repository, options, store, names))
    found = _apply_ignores(root, found)
    found.extend(F.from_tuple(t) for t in state.findings if t[0] not in names and t[0] not in gone)
    store.drop(deleted)
    now.files = {rel: st for rel, st in current.items() if st is not None}
    now.findings = [F.to_tuple(f) for f in found]
    _save(store, now)
    found.extend(_apply_ignores(root, layout))
    found.sort(key=F.Finding.sort_key)
    return repository, found


def _finish(root: Path, repository: Repository | None, found: list[F.Finding], files: int,
            only: Sequence[str] | None,
            lines: dict[tuple[str, int], str] | None = None) -> CheckResult:
    if only is not None:
        wanted = set(only)
        found = [f for f in found if f.file in wanted]
    return CheckResult(root, repository, found, files, lines)


def _read_text(root: Path, rel: str) -> str | None:
    try:
        return read_data_file(root, rel, MAX_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def cache_key_parts(custom: dict[str, dict[str, Any]], lang: str) -> str:
    from gk.engine.schemas import fingerprint

    digest = hashlib.sha256()
    digest.update(f"{__version__}|{fingerprint()}|{lang}|".encode())
    digest.update(repr(sorted((k, repr(v)) for k, v in custom.items())).encode())
    return digest.hexdigest()[:24]


__all__ = ["CheckOptions", "CheckResult", "FileResult", "check_repository",
           "process_file"]


# Source lines of findings per file: (size, modification time, {line: text or None}).
Excerpts = dict[str, tuple[int, int, dict[int, str | None]]]


def excerpts(root: Path, found: Sequence[F.Finding],
             remembered: Excerpts | None = None) -> dict[tuple[str, int], str]:
    """The source lines the findings point at, for showing them with a marker (from
    ``remembered`` when given, see ``excerpts_of``)."""
    by_file = remembered if remembered is not None else excerpts_of(root, found, {}, None)
    return {(file, number): text for file, (_size, _mtime, lines) in by_file.items()
            for number, text in lines.items() if text is not None}


def excerpts_of(root: Path, found: Sequence[F.Finding], stats: dict[str, Any],
                previous: Excerpts | None) -> Excerpts:
    """The lines the findings point at, per file; those of files unchanged since
    ``previous`` (same size and modification time in ``stats``) are not read again."""
    wanted: dict[str, set[int]] = {}
    for finding in found:
        wanted.setdefault(finding.file, set()).add(finding.line)
    out: Excerpts = {}
    for file, numbers in wanted.items():
        stat = stats.get(file)
        old = previous.get(file) if previous else None
        if stat is not None and old is not None and (old[0], old[1]) == tuple(stat) \
                and numbers.issubset(old[2]):
            out[file] = (stat[0], stat[1], {n: old[2][n] for n in numbers})
            continue
        lines: dict[int, str | None] = dict.fromkeys(numbers)
        try:
            raw = read_data_file(root, file, MAX_BYTES)
        except OSError:
            raw = b"\x00"
        if b"\x00" not in raw:
            text = raw.decode("utf-8", "replace").lstrip("\ufeff").splitlines()
            for number in numbers:
                if 0 < number <= len(text) and len(text[number - 1]) <= 500:
                    lines[number] = text[number - 1]
        size, mtime = stat if stat is not None else (-1, -1)  # never taken as unchanged
        out[file] = (size, mtime, lines)
    return out


def load_repository(root: Path, options: CheckOptions | None = None) -> Repository:
    """The model of a repository for analyses (checklist, to-dos, gaps, summaries).

    Reads every file (the cache holds only what the rules need) but checks none: files
    that do not load are left out, files with schema errors are kept as far as their values
    have usable types (their errors are ``gk check``'s business)."""
    options = options or CheckOptions()
    loading = load_results(root, options)
    return build_repository(root, loading.results, loading.custom)
