"""Per-file results cached between runs, and spread over worker processes on large trees.

The cache lives in the user's cache folder (``GK_CACHE_DIR``, else ``$XDG_CACHE_HOME/gk``,
else ``~/.cache/gk``), never in the data repository. For each repository and cache key (gk's
version, the shipped schemas and templates, the repository's own templates, the language)
it keeps:

* shards of per-file entries, keyed by path and checked against size and modification time:
  the part of the document the cross-file rules read, the file's own findings, the
  positions found for cross-file findings and a digest of the document;
* the state the last ``gk check`` leaves for the next one (``gk.engine.pipeline._State``), with which
  a few changed files are checked without the others;
* the final findings of the last run and their source lines, keyed by the signature of every
  file and the options, so that an unchanged repository is answered without loading anything;
* the output of ``gk gaps`` and ``gk summarize`` while no file has changed (``remembered``).

Files of other cache keys are deleted after a day (``Store.prune``). ``spread`` shares work
between this process and forked workers.

Everything is written with ``marshal`` (plain data only, nothing that could run code) to a
temporary file that is then renamed, so concurrent runs never see half a file; a file that
does not read back is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gk import findings as F
from gk.engine.discover import SourceFile

if TYPE_CHECKING:
    from gk.engine.pipeline import CheckOptions, FileResult

POOL_THRESHOLD = 1500  # files; below, a second process does not pay for its start-up
_PROGRESS_STEP = 64
SHARDS = 16
_FORMAT = 4

Stat = tuple[int, int]


def cache_dir() -> Path:
    explicit = os.environ.get("GK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "gk"


def read_marshal(path: Path) -> Any:
    """Plain data written by ``write_marshal``; None when missing, broken or of another format."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()  # marshal.load on a file reads piece by piece: far slower
        content = marshal.loads(raw)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(content, dict) or content.get("format") != _FORMAT:
        return None
    return content.get("body")


def write_marshal(path: Path, body: Any) -> None:
    """Write plain data atomically (temporary file, rename); failures only cost time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gk-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                marshal.dump({"format": _FORMAT, "body": body}, handle)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        pass  # a cache that cannot be written only costs time


def stat_of(root: Path, source: SourceFile) -> Stat | None:
    try:
        st = os.stat(os.path.join(root, source.rel))
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _shard(rel: str) -> int:
    return zlib.crc32(rel.encode()) % SHARDS


class Store:
    """The cache of one repository under one cache key.

    A shard holds, per file, the stat it was made from, the slim document the repository
    rules read (``gk.rules.project``), the file's findings and the positions found for
    cross-file findings. Complete documents are not cached: analyses read the files (and
    remember their output while nothing changes, see ``remembered``)."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.base = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:20]
        self.key = key
        self.folder = cache_dir()
        self._shards: dict[int, dict[str, Any]] = {}
        self._dirty: set[int] = set()
        self._final: Any = None

    def _shard_path(self, index: int) -> Path:
        return self.folder / f"{self.base}-{self.key}-{index:02d}.marshal"

    def _final_path(self) -> Path:
        return self.folder / f"{self.base}-{self.key}.marshal"

    def shard(self, index: int) -> dict[str, Any]:
        found = self._shards.get(index)
        if found is None:
            body = read_marshal(self._shard_path(index))
            found = body if isinstance(body, dict) else {}
            self._shards[index] = found
        return found

    def get(self, rel: str, stat: Stat | None, kind: str) -> Any:
        """(slim document, findings) of an unchanged file, else None."""
        if stat is None:
            return None
        entry = self.shard(_shard(rel)).get(rel)
        if entry is None or entry[0] != stat[0] or entry[1] != stat[1] or entry[2] != kind:
            return None
        return entry[3], entry[4]

    def clean(self, rel: str, kind: str) -> bytes | None:
        """The content digest of a file that had no findings of its own when last read."""
        entry = self.shard(_shard(rel)).get(rel)
        if entry is None or entry[2] != kind or entry[4] or len(entry) < 7:
            return None
        digest: bytes | None = entry[6]
        return digest

    def put(self, rel: str, stat: Stat, kind: str, data: Any, found: list[F.Finding],
            digest: bytes | None = None) -> None:
        """Remember a processed file (its document is projected to what the rules read;
        positions are found again when needed)."""
        from gk.rules import project

        index = _shard(rel)
        self.shard(index)[rel] = (stat[0], stat[1], kind, project(kind, data),
                                  [F.to_tuple(f) for f in found], {}, digest)
        self._dirty.add(index)

    def drop(self, gone: Sequence[str]) -> None:
        for rel in gone:
            index = _shard(rel)
            if self.shard(index).pop(rel, None) is not None:
                self._dirty.add(index)

    def drop_missing(self, present: set[str]) -> None:
        for index in range(SHARDS):
            shard = self.shard(index)
            gone = [rel for rel in shard if rel not in present]
            for rel in gone:
                del shard[rel]
            if gone:
                self._dirty.add(index)

    def position(self, rel: str, path: tuple[Any, ...], key: bool) -> tuple[int, int] | None:
        entry = self.shard(_shard(rel)).get(rel)
        if entry is None:
            return None
        found: tuple[int, int] | None = entry[5].get((path, key))
        return found

    def remember_position(self, rel: str, path: tuple[Any, ...], key: bool,
                          where: tuple[int, int]) -> None:
        index = _shard(rel)
        entry = self.shard(index).get(rel)
        if entry is not None:
            entry[5][(path, key)] = where
            self._dirty.add(index)

    def save(self) -> None:
        for index in sorted(self._dirty):
            write_marshal(self._shard_path(index), self._shards[index])
        self._dirty.clear()

    def prune(self, keep: Sequence[str], age: float = 86400.0) -> None:
        """Delete this repository's cache files of other keys (another gk version, other
        templates, another language) that were not written for ``age`` seconds, and
        temporary files that interrupted runs left behind. ``keep``: keys in use."""
        import time

        prefix = f"{self.base}-"
        kept = (*(f"{key}-" for key in keep), *(f"{key}." for key in keep), "report-")
        limit = time.time() - age
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name.startswith(".gk-") or (name.startswith(prefix) and name.endswith(".marshal")
                                           and not name[len(prefix):].startswith(kept)):
                path = self.folder / name
                try:
                    if path.stat().st_mtime < limit:
                        path.unlink()
                except OSError:
                    pass  # another run removed it, or it cannot be removed: both are fine

    def state(self) -> Any:
        """What the last ``gk check`` left for the next one (see ``gk.engine.pipeline._State``)."""
        return read_marshal(self.folder / f"{self.base}-{self.key}-state.marshal")

    def save_state(self, body: Any) -> None:
        write_marshal(self.folder / f"{self.base}-{self.key}-state.marshal", body)

    def _final_body(self) -> Any:
        if self._final is None:
            self._final = read_marshal(self._final_path())
        return self._final

    def final(self, signature: str) -> Any:
        body = self._final_body()
        if isinstance(body, dict) and body.get("signature") == signature:
            return body.get("result")
        return None

    def last(self) -> Any:
        """The result ``save_final`` saved last, whatever its signature."""
        body = self._final_body()
        return body.get("result") if isinstance(body, dict) else None

    def save_final(self, signature: str, result: Any) -> None:
        self._final = {"signature": signature, "result": result}
        write_marshal(self._final_path(), self._final)


def signature(stats: Sequence[tuple[str, Stat | None]], extra: str) -> str:
    """A digest of every file's path, size and modification time, plus the run's options."""
    digest = hashlib.sha256(extra.encode())
    digest.update(marshal.dumps(list(stats), 2))  # version 2: no references, only values
    return digest.hexdigest()


def _process(root: str, source: SourceFile, custom: dict[str, dict[str, Any]], lang: str,
             slim: bool, clean: dict[str, bytes] | None = None) -> FileResult:
    """One file processed. ``slim`` is for ``gk check``: the file is validated and only the
    part of its document the repository rules read is kept, so that large trees need memory
    for that part only. Otherwise (analyses) the complete document is loaded, not checked.
    With ``clean`` (for the cache) the result has a digest of the document, and a file whose
    digest is in ``clean`` is taken as it was (see ``gk.engine.pipeline.process_file``)."""
    from gk.engine.pipeline import process_file

    result = process_file(root, source, custom, lang, check=slim, digest=clean is not None,
                          clean=clean.get(source.rel) if clean else None)
    if slim and result.data is not None:
        from gk.rules import project

        result.data = project(source.kind, result.data)
    return result


_BLOCK = 64  # files per block: what one process claims at a time


class _Blocks:
    """Blocks of files claimed from both ends: this process takes them from the front,
    workers from the back, until they meet. Shared through ``fork``, so every process
    keeps busy however fast the others are (a machine's cores are seldom equally free)."""

    def __init__(self, context: Any, count: int) -> None:
        self.ends = context.RawArray("i", [0, count])  # [next from the front, end of the back]
        self.lock = context.Lock()

    def front(self) -> int | None:
        with self.lock:
            first, end = self.ends
            if first >= end:
                return None
            self.ends[0] = first + 1
            return int(first)

    def back(self) -> int | None:
        with self.lock:
            first, end = self.ends
            if first >= end:
                return None
            self.ends[1] = end - 1
            return int(end - 1)


def _worker(conn: Any, blocks: _Blocks, chunks: Sequence[Sequence[Any]],
            remote: Callable[[Sequence[Any]], Any]) -> None:
    """Do blocks from the back and send each back as soon as it is done."""
    try:
        while (number := blocks.back()) is not None:
            conn.send_bytes(marshal.dumps((number, remote(chunks[number]))))
    except (Exception, KeyboardInterrupt):
        # Interrupted, the main process stopped listening, or a block cannot be sent: the
        # main process does what is missing itself (and shows any error from there).
        pass
    finally:
        conn.close()


def spread(chunks: Sequence[Sequence[Any]], workers: int,
           local: Callable[[Sequence[Any]], list[Any]],
           remote: Callable[[Sequence[Any]], Any],
           restore: Callable[[Sequence[Any], Any], list[Any]],
           progress: Callable[[int], None] | None = None) -> list[Any]:
    """``local`` over every chunk, the results in order, with ``workers - 1`` forked
    processes helping: they run ``remote`` (plain data for ``marshal``), which ``restore``
    turns into what ``local`` gives. A chunk a worker does not deliver (it died) is done
    here; the output is the same however the work was shared. ``progress`` is called with
    the number of chunks done so far."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    blocks = _Blocks(context, len(chunks))
    slots: list[list[Any] | None] = [None] * len(chunks)
    pipes = []
    for _n in range(workers - 1):
        ours, theirs = context.Pipe(duplex=False)
        process = context.Process(target=_worker, daemon=True,
                                  args=(theirs, blocks, chunks, remote))
        process.start()
        theirs.close()
        pipes.append((process, ours))
    open_pipes = [conn for _proc, conn in pipes]
    done = [0]  # chunks finished, here or by a worker

    def receive(conn: Any) -> None:
        """One chunk from a worker; at the end of its pipe the worker is done."""
        try:
            number, data = marshal.loads(conn.recv_bytes())
        except (EOFError, OSError, ValueError):
            open_pipes.remove(conn)
            return
        slots[number] = restore(chunks[number], data)
        done[0] += 1

    def report() -> None:
        if progress is not None:
            progress(done[0])

    try:
        while (number := blocks.front()) is not None:
            slots[number] = local(chunks[number])
            done[0] += 1
            for conn in list(open_pipes):
                while conn in open_pipes and conn.poll():
                    receive(conn)
            report()
        from multiprocessing.connection import wait

        while open_pipes:
            for ready in wait(open_pipes):
                receive(ready)
            report()
        for process, _conn in pipes:
            process.join()
    finally:
        for process, conn in pipes:
            conn.close()
            if process.is_alive():
                process.kill()
                process.join()
    out: list[Any] = []
    for number, slot in enumerate(slots):
        out.extend(slot if slot is not None else local(chunks[number]))
    return out


def process_many(root: Path, sources: Sequence[SourceFile], custom: dict[str, dict[str, Any]],
                 lang: str, jobs: int | None, slim: bool = False,
                 progress: Callable[[int, int], None] | None = None,
                 clean: dict[str, bytes] | None = None) -> list[FileResult]:
    """Process files in order; on large trees worker processes take blocks of files while
    this process works through others (results in order, identical to one process)."""
    from gk.engine.pipeline import FileResult

    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    total = len(sources)
    if workers <= 1 or total < POOL_THRESHOLD or os.name != "posix":
        out = []
        for done, source in enumerate(sources, 1):
            out.append(_process(str(root), source, custom, lang, slim, clean))
            if progress is not None and (done % _PROGRESS_STEP == 0 or done == total):
                progress(done, total)
        return out
    folder = str(root)

    def local(chunk: Sequence[SourceFile]) -> list[FileResult]:
        return [_process(folder, source, custom, lang, slim, clean) for source in chunk]

    def remote(chunk: Sequence[SourceFile]) -> Any:
        return [(r.data, [F.to_tuple(f) for f in r.findings], r.digest) for r in local(chunk)]

    def restore(chunk: Sequence[SourceFile], data: Any) -> list[FileResult]:
        return [FileResult(source, doc, [F.from_tuple(t) for t in found], digest)
                for source, (doc, found, digest) in zip(chunk, data, strict=True)]

    chunks = [sources[i:i + _BLOCK] for i in range(0, total, _BLOCK)]
    results: list[FileResult] = spread(
        chunks, workers, local, remote, restore,
        None if progress is None else lambda n: progress(min(n * _BLOCK, total - 1), total))
    if progress is not None:
        progress(total, total)
    return results


def run_cached(root: Path, sources: Sequence[SourceFile], custom: dict[str, dict[str, Any]],
               lang: str, options: CheckOptions, store: Store | None,
               stats: Sequence[Stat | None] | None = None, slim: bool = True,
               prune: bool = True) -> list[FileResult]:
    """Results of the files; with ``slim`` the documents are the projections the
    repository rules read (what ``gk check`` needs). With a store, unchanged files come from
    the cache (which holds slim documents only); without one every file is read. ``prune``
    (when ``sources`` are all files of the repository) drops the entries of files gone."""
    from gk.engine.pipeline import FileResult

    if store is None or not slim:  # the cache holds slim documents only
        return process_many(root, sources, custom, lang, options.jobs, slim=slim,
                            progress=options.progress)
    if stats is None:
        stats = [stat_of(root, s) for s in sources]
    results: list[FileResult | None] = []
    todo: list[int] = []
    for index, (source, stat) in enumerate(zip(sources, stats, strict=True)):
        entry = store.get(source.rel, stat, source.kind)
        if entry is not None:
            results.append(FileResult(source, entry[0], [F.from_tuple(t) for t in entry[1]]))
        else:
            results.append(None)
            todo.append(index)
    if todo:
        # Files changed on disk whose content may still be the same (only a comment, the
        # layout or the modification time changed): no need to validate them again.
        clean = {}
        for index in todo:
            known = store.clean(sources[index].rel, sources[index].kind)
            if known is not None:
                clean[sources[index].rel] = known
        fresh = process_many(root, [sources[i] for i in todo], custom, lang, options.jobs,
                             slim=True, progress=options.progress, clean=clean)
        for index, result in zip(todo, fresh, strict=True):
            results[index] = result
            stat = stats[index]
            if stat is not None:
                store.put(result.source.rel, stat, result.source.kind, result.data,
                          result.findings, result.digest)
    if prune:
        store.drop_missing({s.rel for s in sources})
    return [r for r in results if r is not None]


def remembered(roots: Sequence[Path], name: str, key: str, compute: Callable[[], str]) -> str:
    """The output of an analysis (``gk gaps``, ``gk summarize``), answered from the cache while
    no file of the repositories has changed. ``key`` names everything else the output
    depends on (options, format, date); an analysis that fails is not remembered."""
    from gk import __version__
    from gk.engine.discover import discover_stat
    from gk.engine.schemas import fingerprint
    from gk.i18n import get_language

    parts = []
    for root in roots:
        sources, layout, stats = discover_stat(root)
        parts.append(signature([(s.rel, st) for s, st in zip(sources, stats, strict=True)],
                               f"{root.resolve()}|{len(layout)}"))
    digest = signature([], "|".join([__version__, fingerprint(), get_language(), name, key,
                                     *parts]))
    store = Store(roots[0], "report-" + name)
    answer = store.final(digest)
    if isinstance(answer, str):
        return answer
    text = compute()
    store.save_final(digest, text)
    return text
