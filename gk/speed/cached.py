"""Speed wrapped around the engine: per-file results from the cache, worker processes, and
answers remembered while nothing changed.

``check`` and ``remembered`` give exactly what the plain engine gives
(``gk.engine.pipeline.check``, or computing the report) — the tests compare
them after every kind of edit. Nothing here knows a rule, a template or a key:

* a file's result (its document and its own findings) is a function of its bytes, its path,
  the repository's templates, gk's code and data, and the language of messages. The last
  four make up the store's key; the bytes are recognised by the file's state (size,
  modification and change time, inode) when that state is old enough to be trusted, else
  by a digest of the content (see ``gk.speed.store``);
* the cache keeps what the engine keeps of each document (derived by the engine from the
  rules' declarations, which are part of the key), so every rule sees what it would see
  without the cache;
* what the cross-file rules find is a function of what they are given: every file's place,
  kind and kept data (by a digest taken when its result is made), the templates, the
  options and the rules themselves. It is remembered under a signature of all that, and
  the rules run again, over the cached results, whenever the signature differs;
* a whole answer is remembered under a signature of every file's state, the layout
  findings (which cover what is in the folders besides data files) and the options, and
  only while every state is trusted.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gk import findings as F
from gk.engine import pipeline
from gk.engine.discover import SourceFile
from gk.engine.pipeline import CheckOptions, CheckResult, FileResult
from gk.speed import parallel
from gk.speed.store import (
    FileStat,
    Remembered,
    Store,
    content_digest,
    data_digest,
    pack_entry,
    packed,
    prune,
    stat_key,
    trusted,
    unpacked,
)

if TYPE_CHECKING:
    from gk.rules.base import Problem

_RULES = "rules-"  # the name of the remembered problems of the repository rules
_BLOCK = 64  # files per block that one process claims at a time
_LOCATE_THRESHOLD = 200  # files to parse again for positions above which workers help


@dataclass(frozen=True, slots=True)
class Speed:
    """How to get the engine's answer quickly; never what the answer is."""

    cache: bool = True
    jobs: int | None = None  # processes; None: one per core on large trees
    # Called now and then with (files done, files to do) while files are read.
    progress: Callable[[int, int], None] | None = None


@functools.cache
def fingerprint() -> str:
    """A digest of gk's code and data (every module, schema, template and catalogue), by
    content: a changed installation never answers from an older one's cache (reading them
    costs about 2 ms)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json", ".yaml", ".po")):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, package).encode() + b"\0")
                with open(path, "rb") as handle:
                    digest.update(handle.read())
    return digest.hexdigest()


def _context() -> str:
    """gk's code and data and the language: what every cached thing depends on."""
    from gk import __version__
    from gk.i18n import get_language

    return f"{__version__}|{fingerprint()}|{get_language()}"


def _key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The repository as it stands: its files (discovered), their states, when they were
    taken, and a signature of it all. ``stats`` is None when the states were not taken
    before the run (nothing remembered to compare them with): the run then takes each
    file's state as it opens it, and ``completed`` adds them."""

    discovered: pipeline.Discovered
    stats: dict[str, FileStat | None] | None
    started: int
    signature: str

    @property
    def steady(self) -> bool:
        """Whether every state is known and trusted: only then may an answer be remembered."""
        return self.stats is not None and all(trusted(st, self.started)
                                              for st in self.stats.values())

    def completed(self, root: Path, what: str, stats: dict[str, FileStat | None]) -> Snapshot:
        """This snapshot with the states taken during the run (when it had none)."""
        if self.stats is not None:
            return self
        sources, layout = self.discovered
        known = {s.rel: stats.get(s.rel) for s in sources}
        return Snapshot(self.discovered, known, self.started,
                        _signature(root, what, sources, layout, known))


def snapshot(root: Path, what: str, states: bool = True) -> Snapshot:
    """The files of the repository and, with ``states``, their states (one ``stat`` each)."""
    from gk.engine.discover import discover, discover_states

    started = time.time_ns()
    if not states:
        return Snapshot(discover(root), None, started, "")
    sources, layout, found = discover_states(root)
    stats = {s.rel: None if st is None else stat_key(st)
             for s, st in zip(sources, found, strict=True)}
    return Snapshot((sources, layout), stats, started,
                    _signature(root, what, sources, layout, stats))


def _signature(root: Path, what: str, sources: Sequence[SourceFile],
               layout: Sequence[F.Finding], stats: dict[str, FileStat | None]) -> str:
    digest = hashlib.sha256(f"{_context()}|{what}|{os.path.realpath(root)}".encode())
    digest.update(marshal.dumps([(s.rel, s.kind, stats[s.rel]) for s in sources], 2))
    digest.update(marshal.dumps([F.to_tuple(f) for f in layout], 2))
    return digest.hexdigest()


# --- per-file results ---------------------------------------------------------------------------

def _rows(value: Any, make: Callable[..., Any], valid: Callable[[Any], bool]) -> list[Any] | None:
    """Rows read back from the cache: a list of 7-tuples, each made into ``make``; None
    unless every one has that shape and is ``valid``."""
    if type(value) is not list:
        return None
    out = []
    for t in value:
        if type(t) is not tuple or len(t) != 7:
            return None
        row = make(*t)
        if not valid(row):
            return None
        out.append(row)
    return out


def _finding_ok(finding: F.Finding) -> bool:
    return type(finding.line) is int and type(finding.column) is int and all(
        type(v) is str for v in (finding.file, finding.code, finding.severity, finding.message,
                                 finding.hint))


def _restored(tuples: Any) -> list[F.Finding] | None:
    """Findings read back from the cache; None unless every one has the right shape."""
    return _rows(tuples, F.Finding, _finding_ok)


def _place(value: Any) -> tuple[int, int] | None:
    if type(value) is tuple and len(value) == 2 and all(type(v) is int for v in value):
        return (value[0], value[1])
    return None


class _Run:
    """One cached run of the per-file step and of locating cross-file findings."""

    def __init__(self, speed: Speed, seen: Snapshot) -> None:
        self.speed = speed
        self.seen = seen
        self.started = seen.started
        self.store: Store | None = None
        # The entry of each file that describes its current content in this run: as the
        # store keeps it (bytes, made where the file was read) or read back (a tuple).
        self.current: dict[str, Any] = {}
        # The digest of each file's kept data, for the signature of the repository rules.
        self.kept: dict[str, bytes] = {}
        # Each file's state as this run saw it (taken before its content was read).
        self.states: dict[str, FileStat | None] = {}

    def files(self, root: Path, sources: Sequence[SourceFile],
              custom: dict[str, dict[str, Any]], keep: pipeline.Keep) -> list[FileResult]:
        from gk.i18n import get_language

        # A result depends on the templates and on what is kept of the document.
        store = self.store = Store(root, _key(
            _context(), repr(sorted((k, repr(v)) for k, v in custom.items())),
            repr(None if keep is None else sorted((k, sorted(v)) for k, v in keep.items()))))
        seen = self.seen.stats
        results: list[FileResult | None] = [None] * len(sources)
        todo: list[int] = []
        known: dict[str, tuple[Any, ...] | None] = {}
        for index, source in enumerate(sources):
            entry = store.entry(source.rel, source.kind)
            if seen is not None:
                state = seen.get(source.rel)
            elif entry is not None:  # states not taken yet: this one is compared now
                state = _state(root, source.rel)
            else:
                state = None  # taken when the file is opened
            self.states[source.rel] = state
            if entry is not None and state is not None and entry[0] == state and entry[1]:
                results[index] = self._use(source, entry)
            if results[index] is None:
                todo.append(index)
                known[source.rel] = entry  # verified by content in _check_one
        fresh = _check_many(root, [sources[i] for i in todo], custom, keep, get_language(),
                            self.speed, known, self.states, self.started,
                            taken=seen is None)
        for index, (result, packed_entry, kept, state) in zip(todo, fresh, strict=True):
            rel = sources[index].rel
            results[index] = result
            self.states[rel] = state
            if kept:
                self.kept[rel] = kept
            if packed_entry:  # read, and plain data: its result stands for this content
                store.put(rel, packed_entry)
                self.current[rel] = packed_entry
        store.keep_only({s.rel for s in sources})
        return [r for r in results if r is not None]

    def _use(self, source: SourceFile, entry: tuple[Any, ...]) -> FileResult | None:
        found = _restored(entry[5])
        readable, data = unpacked(entry[4])
        if found is None or not readable:
            return None
        self.current[source.rel] = entry
        self.kept[source.rel] = entry[7]
        return FileResult(source, data, found)

    def _entry(self, rel: str) -> tuple[Any, ...] | None:
        """The entry that describes the current content of a file, as a tuple."""
        entry = self.current.get(rel)
        if type(entry) is bytes:
            entry = self.current[rel] = unpacked(entry)[1]
        return entry

    def problems(self, root: Path, results: list[FileResult], custom: dict[str, dict[str, Any]],
                 options: CheckOptions) -> tuple[Any, list[Problem]]:
        """What the repository rules find, remembered under a signature of all they are
        given: a change that no rule reads (a comment, a description, a note) needs no
        model and no rule, and the model is then not built (None)."""
        signature = self._rules_signature(root, results, custom, options)
        store = Remembered(root, _RULES + _key(_context()))
        if signature is not None:
            found = _problem_tuples(store.get(signature))
            if found is not None:
                return None, found
        repository, problems = pipeline.model_problems(root, results, custom, options)
        if signature is not None:
            store.put(signature, [tuple(p) for p in problems])
        return repository, problems

    def _rules_signature(self, root: Path, results: Sequence[FileResult],
                         custom: dict[str, dict[str, Any]], options: CheckOptions) -> str | None:
        """A digest of everything the repository rules are given: every file's place, kind
        and kept data (by the digests taken when each result was made), the repository's
        templates, the options and which rules run (gk's own code is in ``_context``; a rule
        from elsewhere is named). None when some data is not plain."""
        from gk import rules

        kept = self.kept
        facts = [(r.source.rel, r.source.kind, r.source.alliance, r.source.stem,
                  kept.get(r.source.rel) or data_digest(r.data)) for r in results]
        if any(not fact[4] for fact in facts):
            return None
        named = [(getattr(rule, "__module__", ""),
                  getattr(rule, "__qualname__", getattr(rule, "__name__", "")),
                  sorted((kind, sorted(keys)) for kind, keys in rule.READS.items()))
                 for rule in rules.repository_rules()]
        try:
            body = marshal.dumps((facts, sorted(custom.items()), named,
                                  options.today.isoformat(), options.stale_days), 0)
        except ValueError:
            return None
        digest = hashlib.sha256(f"{_context()}|{os.path.realpath(root)}".encode())
        digest.update(body)
        return digest.hexdigest()

    def lines(self, root: Path, wanted: dict[str, list[int]]) -> dict[tuple[str, int], str]:
        """Lines remembered with each file's entry (under their numbers, beside the
        positions), the others read (and remembered when the file still has the content
        its entry describes)."""
        out: dict[tuple[str, int], str] = {}
        for file, numbers in wanted.items():
            entry = self._entry(file)
            known = entry[6] if entry is not None else {}
            remembered = [known.get(number, False) for number in numbers]
            if any(text is not None and type(text) is not str for text in remembered):
                digest, remembered = _lines_in(str(root), file, numbers)
                if entry is not None and entry[2] == digest and self.store is not None:
                    known.update(zip(numbers, remembered, strict=True))
                    self.store.put(file, pack_entry(entry))
            for number, text in zip(numbers, remembered, strict=True):
                if type(text) is str:
                    out[(file, number)] = text
        return out

    def locate(self, root: Path, wanted: Sequence[tuple[str, list[tuple[Any, bool]]]]
               ) -> dict[tuple[str, Any, bool], tuple[int, int]]:
        """Positions remembered with each file's entry, the others found (and remembered
        when the file still has the content its entry describes)."""
        out: dict[tuple[str, Any, bool], tuple[int, int]] = {}
        missing: list[tuple[str, list[tuple[Any, bool]]]] = []
        for rel, paths in wanted:
            entry = self._entry(rel)
            known = entry[6] if entry is not None else {}
            remembered = [_place(known.get((path, key))) for path, key in paths]
            if all(place is not None for place in remembered):
                for (path, key), place in zip(paths, remembered, strict=True):
                    out[(rel, path, key)] = place  # type: ignore[assignment]
            else:
                missing.append((rel, paths))
        paths_of = dict(missing)
        for rel, digest, found in _locate_many(root, missing, self.speed.jobs):
            paths = paths_of[rel]
            for (path, key), where in zip(paths, found, strict=True):
                out[(rel, path, key)] = where
            entry = self._entry(rel)
            if entry is not None and entry[2] == digest and self.store is not None:
                entry[6].update(zip(paths, found, strict=True))
                self.store.put(rel, pack_entry(entry))
        return out


def _problem_ok(problem: Problem) -> bool:
    return (all(type(v) is str for v in (problem.code, problem.file, problem.message,
                                         problem.hint))
            and problem.code in F.CODES
            and type(problem.path) is tuple
            and all(type(p) in (str, int) for p in problem.path)
            and type(problem.key) is bool
            and (problem.at is None or _place(problem.at) is not None))


def _problem_tuples(found: Any) -> list[Problem] | None:
    """Problems read back from the cache; None unless every one has the right shape."""
    from gk.rules.base import Problem

    return _rows(found, Problem, _problem_ok)


# What ``_check_one`` gives: the result, the entry the store keeps for it (``pack_entry``;
# empty when there is none to keep), the digest of its kept data (see ``_Run.problems``)
# and the file's state that the entry holds.
_Checked = tuple[FileResult, bytes, bytes, FileStat | None]
_NO_STATE = (-1, -1, -1, -1)


def _lines_in(root: str, file: str, numbers: Sequence[int]) -> tuple[bytes, list[str | None]]:
    """The content digest of a file (empty when it cannot be read) and the text of each
    numbered line (None for a line it does not have, as ``pipeline.source_lines`` leaves
    it out), read once, with the digest that tells which content the lines belong to."""
    from gk.engine.discover import MAX_BYTES, read_data_file

    try:
        raw = read_data_file(root, file, MAX_BYTES)
    except OSError:
        return b"", [None] * len(numbers)
    lines = pipeline.text_lines(raw) or []
    return content_digest(raw), [lines[number - 1] if 0 < number <= len(lines) else None
                                 for number in numbers]


def _state(root: Path | str, rel: str) -> FileStat | None:
    try:
        return stat_key(os.stat(os.path.join(root, rel)))
    except OSError:
        return None


def _check_one(root: str, source: SourceFile, custom: dict[str, dict[str, Any]],
               keep: pipeline.Keep, known: tuple[Any, ...] | None, state: FileStat | None,
               started: int, taken: bool, digests: bool = True) -> _Checked:
    """A file's result and, with ``digests`` (there is a cache to fill), the entry to keep
    for it, the digest of its kept data and its state: the one given, or with ``taken`` the
    one it had when it was opened. The result of ``known`` when the content is still what
    it describes. Made here, where the file is read (in a worker on large trees), so that
    the main process only files them."""
    raw, opened = pipeline.read_file_state(root, source)
    if not digests:
        result = raw if isinstance(raw, FileResult) else pipeline.check_bytes(source, raw,
                                                                              custom, keep)
        return result, b"", b"", None
    if taken:  # a file that could not be opened has a state all the same (a mode, a size)
        state = _state(root, source.rel) if opened is None else stat_key(opened)
    if isinstance(raw, FileResult):
        return raw, b"", data_digest(raw.data), state
    digest = content_digest(raw)
    head = (state or _NO_STATE, trusted(state, started), digest, source.kind)
    if known is not None and known[2] == digest:
        found = _restored(known[5])
        readable, data = unpacked(known[4])
        if found is not None and readable:
            return (FileResult(source, data, found), pack_entry((*head, *known[4:])),
                    known[7], state)
    result = pipeline.check_bytes(source, raw, custom, keep)
    blob, kept = packed(result.data)
    entry = pack_entry((*head, blob, [F.to_tuple(f) for f in result.findings], {}, kept)) \
        if blob else b""
    return result, entry, kept, state


def _check_many(root: Path, sources: Sequence[SourceFile], custom: dict[str, dict[str, Any]],
                keep: pipeline.Keep, lang: str, speed: Speed,
                known: dict[str, tuple[Any, ...] | None], states: dict[str, FileStat | None],
                started: int, taken: bool = False, digests: bool = True) -> list[_Checked]:
    """``_check_one`` for each file, in order; on large trees worker processes take blocks
    of files while this process works through others. Without ``digests`` (no cache to
    fill), the files' contents are not digested."""
    folder = str(root)

    def one(source: SourceFile) -> _Checked:
        return _check_one(folder, source, custom, keep, known.get(source.rel),
                          states.get(source.rel), started, taken, digests)

    def plain(checked: _Checked) -> Any:
        # With an entry, the result is sent once, inside it.
        result, entry, kept, state = checked
        if entry:
            return None, None, entry, kept, state
        return result.data, [F.to_tuple(f) for f in result.findings], entry, kept, state

    def restored(source: SourceFile, data: Any) -> _Checked:
        doc, found, entry, kept, state = data
        if entry:
            made = unpacked(entry)[1]
            doc, found = unpacked(made[4])[1], made[5]
        return FileResult(source, doc, [F.from_tuple(t) for t in found]), entry, kept, state

    return _in_blocks(sources, one, plain, restored, lang, speed)


def _load_many(root: Path, sources: Sequence[SourceFile], lang: str, speed: Speed
               ) -> list[FileResult]:
    """``pipeline.load_file`` for each file (read and parse, for analyses), in order; on
    large trees worker processes help as for ``_check_many``."""
    folder = str(root)

    def plain(result: FileResult) -> Any:
        return result.data, [F.to_tuple(f) for f in result.findings]

    def restored(source: SourceFile, data: Any) -> FileResult:
        return FileResult(source, data[0], [F.from_tuple(t) for t in data[1]])

    return _in_blocks(sources, lambda source: pipeline.load_file(folder, source), plain,
                      restored, lang, speed)


def _in_blocks(sources: Sequence[SourceFile], one: Callable[[SourceFile], Any],
               plain: Callable[[Any], Any], restored: Callable[[SourceFile, Any], Any],
               lang: str, speed: Speed) -> list[Any]:
    """``one`` for each file, in order, in blocks; on large trees worker processes take
    blocks while this process works through others. A worker sends ``plain`` of each
    result (data for ``marshal``), which ``restored`` turns back."""
    from gk.i18n import set_language

    total = len(sources)

    def local(chunk: Sequence[SourceFile]) -> list[Any]:
        return [one(source) for source in chunk]

    def remote(chunk: Sequence[SourceFile]) -> Any:
        set_language(lang)  # a forked worker keeps it, but say so
        return [plain(result) for result in local(chunk)]

    def restore(chunk: Sequence[SourceFile], data: Any) -> list[Any]:
        return [restored(source, item) for source, item in zip(chunk, data, strict=True)]

    chunks = [sources[i:i + _BLOCK] for i in range(0, total, _BLOCK)]
    progress = speed.progress
    report = None if progress is None else (lambda n: progress(min(n * _BLOCK, total), total))

    def in_turn(done: list[Any], start: int) -> list[Any]:
        """The blocks from ``start`` (0-based) in this process alone."""
        for number, chunk in enumerate(chunks[start:], start + 1):
            done.extend(local(chunk))
            if report is not None:
                report(number)
        return done

    if not parallel.may_spread(speed.jobs, total):
        return in_turn([], 0)
    # The first block here before forking: it imports the parser, the validators and the
    # rules once, and the workers inherit them instead of each importing them again. While
    # it runs, the programs running besides gk are counted: how many processes to use is
    # then known without waiting.
    queue = parallel.RunQueue()
    count = speed.jobs is None  # a number asked for needs no counting
    first = []
    for number, source in enumerate(chunks[0]):
        first.append(one(source))
        if count and number % 4 == 0:
            queue.sample()
    if report is not None:
        report(1)
    workers = speed.jobs or queue.free_cores()
    if workers == 1:
        return in_turn(first, 1)
    later = None if report is None else (lambda n: report(n + 1))
    return [*first, *parallel.spread(chunks[1:], workers, local, remote, restore, later)]


def _locate_many(root: Path, wanted: Sequence[tuple[str, list[tuple[Any, bool]]]],
                 jobs: int | None, digests: bool = True
                 ) -> list[tuple[str, bytes, list[tuple[int, int]]]]:
    """Each file's content digest (empty without ``digests``) and the positions of its
    paths (parsed once more)."""
    from gk.engine.discover import MAX_BYTES, read_data_file

    folder = str(root)

    def local(chunk: Sequence[tuple[str, list[tuple[Any, bool]]]]) -> list[Any]:
        out = []
        for rel, paths in chunk:
            try:
                raw = read_data_file(folder, rel, MAX_BYTES)
                text: str | None = raw.decode("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                raw, text = b"", None
            out.append((rel, content_digest(raw) if raw and digests else b"",
                        pipeline.locate_in(text, paths)))
        return out

    workers = parallel.workers_for(jobs, len(wanted), _LOCATE_THRESHOLD)
    if workers == 1:
        return local(wanted)
    chunks = [wanted[i:i + 16] for i in range(0, len(wanted), 16)]
    return parallel.spread(chunks, workers, local, local, lambda _chunk, data: list(data))


def load_files(speed: Speed | None = None) -> pipeline.FilesStep:
    """The analyses' per-file step (``pipeline.load_files``: read and parse), shared over
    worker processes on large trees."""
    speed = speed or Speed(cache=False)

    def files(root: Path, sources: Sequence[SourceFile],
              custom: dict[str, dict[str, Any]], keep: pipeline.Keep) -> list[FileResult]:
        from gk.i18n import get_language

        return _load_many(root, sources, get_language(), speed)
    return files


def _plain_files(speed: Speed) -> pipeline.FilesStep:
    """The per-file step without a cache, shared over worker processes on large trees."""
    def files(root: Path, sources: Sequence[SourceFile],
              custom: dict[str, dict[str, Any]], keep: pipeline.Keep) -> list[FileResult]:
        from gk.i18n import get_language

        done = _check_many(root, sources, custom, keep, get_language(), speed, {}, {}, 0,
                           digests=False)
        return [checked[0] for checked in done]
    return files


# --- whole answers ------------------------------------------------------------------------------

def _answer_of(result: CheckResult) -> Any:
    return ([F.to_tuple(f) for f in result.findings], result.files,
            [(file, line, text) for (file, line), text in sorted(result.lines.items())])


def _result_of(root: Path, answer: Any) -> CheckResult | None:
    """A remembered answer turned back into a result; None unless it has the right shape."""
    try:
        found, files, lines = answer
        findings = _restored(found)
        if findings is None or type(files) is not int:
            return None
        shown = {(str(file), int(line)): str(text) for file, line, text in lines}
    except (TypeError, ValueError):
        return None
    return CheckResult(root, None, findings, files, shown)


def check(root: Path, options: CheckOptions | None = None, speed: Speed | None = None
          ) -> CheckResult:
    """``gk.engine.pipeline.check``, quickly."""
    options = options or CheckOptions()
    speed = speed or Speed()
    if not speed.cache:
        return pipeline.check(root, options, pipeline.Steps(
            files=_plain_files(speed), locate=lambda r, wanted: _located(r, wanted, speed.jobs)))
    what = f"check|{options.today}|{options.stale_days}"
    answer_name = "check-" + _key(_context())
    remembered = Remembered(root, answer_name)
    # Without a remembered answer there is nothing to compare the files' states with
    # before the run: each file's state is then taken as it is opened (in the workers).
    seen = snapshot(root, what, states=remembered.exists())
    if seen.steady:
        result = _result_of(root, remembered.get(seen.signature))
        if result is not None:
            return result
    run = _Run(speed, seen)
    result = pipeline.check(root, options, pipeline.Steps(run.files, run.locate, run.problems,
                                                          run.lines), seen.discovered)
    if run.store is not None:
        run.store.save()
        # Other keys' files (another gk, language, set of templates) and remembered
        # reports go after a day unused.
        prune(root, [run.store.key, answer_name, _RULES + _key(_context())])
    seen = seen.completed(root, what, run.states)
    if seen.steady:
        remembered.put(seen.signature, _answer_of(result))
    return result


def _located(root: Path, wanted: Sequence[tuple[str, list[tuple[Any, bool]]]],
             jobs: int | None) -> dict[tuple[str, Any, bool], tuple[int, int]]:
    out = {}
    paths_of = dict(wanted)
    for rel, _digest, places in _locate_many(root, wanted, jobs, digests=False):
        for (path, key), where in zip(paths_of[rel], places, strict=True):
            out[(rel, path, key)] = where
    return out


def remembered(roots: Sequence[Path], name: str, key: str, compute: Callable[[], str],
               cache: bool = True) -> str:
    """The text of a report (``gk gaps``, ``gk summarize``), remembered while no file of the
    repositories has changed. ``key`` names everything else the text depends on (options,
    format, date); a report that fails is not remembered."""
    if not cache:
        return compute()
    seen = [snapshot(root, f"{name}|{key}") for root in roots]
    sign = _key(*(s.signature for s in seen))
    steady = all(s.steady for s in seen)
    store = Remembered(roots[0], "report-" + _key(name, key, *map(str, roots)))
    if steady:
        text = store.get(sign)
        if isinstance(text, str):
            return text
    text = compute()
    if steady:
        store.put(sign, text)
    return text


_BLOB_LIMIT = 60_000  # parsed blobs kept between runs


def parse_blobs(top: Path, wanted: list[tuple[SourceFile, str]]) -> list[Any]:
    """``gk.engine.git_history.parse_blobs``, each blob parsed once: a blob id names its
    content, so parsed blobs are kept and reused by later comparisons."""
    from gk.engine.git_history import read_blobs
    from gk.engine.load import load_bytes
    from gk.speed.store import cache_dir, read_cache_file, write_cache_file

    path = cache_dir() / f"history-{_key(_context(), os.path.realpath(top))}.cache"
    body = read_cache_file(path)
    known: dict[str, Any] = body if isinstance(body, dict) else {}
    missing = list(dict.fromkeys(oid for _s, oid in wanted if oid not in known))
    if missing:
        names = {oid: source.rel for source, oid in wanted}
        for oid, raw in zip(missing, read_blobs(top, missing), strict=True):
            known[oid] = load_bytes(raw, names[oid]).data
        if len(known) > _BLOB_LIMIT:
            used = {oid for _s, oid in wanted}
            known = {oid: data for oid, data in known.items() if oid in used}
        write_cache_file(path, known)
    return [known[oid] for _s, oid in wanted]


def config_language(root: Path) -> str | None:
    """``gk.engine.load.config_language``, remembered by the digest of gk.yaml's bytes
    (reading them is cheap; parsing them needs the YAML library)."""
    from gk.engine.discover import CONFIG_FILE, MAX_BYTES, read_data_file
    from gk.speed.store import cache_dir, read_cache_file, write_cache_file

    try:
        raw = read_data_file(root, CONFIG_FILE, MAX_BYTES)
    except OSError:
        return None
    digest = content_digest(raw).hex()
    path = cache_dir() / "config-language.cache"
    body = read_cache_file(path)
    known: dict[str, Any] = body if isinstance(body, dict) and len(body) < 64 else {}
    value = known.get(digest)
    if value in ("de", "en", ""):
        return value or None
    from gk.engine.load import language_in

    language = language_in(raw)
    known[digest] = language or ""
    write_cache_file(path, known)
    return language
