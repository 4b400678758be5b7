"""Per-file results cached between runs, and spread over worker processes on large trees.

The cache lives in the user's cache folder (``GK_CACHE_DIR``, else ``$XDG_CACHE_HOME/gk``,
else ``~/.cache/gk``), never in the data repository: one file per repository and language,
keyed inside by each file's path, size and modification time, and as a whole by gk's
version, the schemas, the templates and the repository's own templates. It is written with
``marshal`` (plain data only, nothing that could run code) to a temporary file that is then
renamed, so concurrent runs never see half a file; a cache that does not read back is
ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gk import findings as F
from gk.repo import SourceFile

if TYPE_CHECKING:
    from gk.check import CheckOptions, FileResult

POOL_THRESHOLD = 1500  # files to process before a second process pays for its start-up
_FORMAT = 1


def cache_dir() -> Path:
    explicit = os.environ.get("GK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "gk"


def _cache_file(root: Path, key: str) -> Path:
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:20]
    return cache_dir() / f"{name}-{key}.marshal"


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            content = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(content, dict) or content.get("format") != _FORMAT:
        return {}
    entries = content.get("entries")
    return entries if isinstance(entries, dict) else {}


def _write(path: Path, entries: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gk-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                marshal.dump({"format": _FORMAT, "entries": entries}, handle)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):
        pass  # a cache that cannot be written only costs time


def _stat(root: Path, source: SourceFile) -> tuple[int, int] | None:
    try:
        st = os.stat(os.path.join(root, source.rel))
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _process_chunk(args: tuple[str, list[SourceFile], dict[str, dict[str, Any]], str]) -> list[Any]:
    from gk.check import process_file

    root, sources, custom, lang = args
    out = []
    for source in sources:
        result = process_file(root, source, custom, lang)
        out.append((result.data, [F.to_tuple(f) for f in result.findings]))
    return out


def process_many(root: Path, sources: Sequence[SourceFile], custom: dict[str, dict[str, Any]],
                 lang: str, jobs: int | None) -> list[FileResult]:
    """Process files in order; with a pool of worker processes when there are many."""
    from gk.check import FileResult, process_file

    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(sources) < POOL_THRESHOLD:
        return [process_file(str(root), s, custom, lang) for s in sources]
    import multiprocessing

    size = max(50, len(sources) // (workers * 8))
    chunks = [list(sources[i:i + size]) for i in range(0, len(sources), size)]
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers) as pool:
        parts = pool.map(_process_chunk, [(str(root), c, custom, lang) for c in chunks])
    results = []
    for chunk, part in zip(chunks, parts):
        for source, (data, found) in zip(chunk, part):
            results.append(FileResult(source, data, [F.from_tuple(t) for t in found]))
    return results


def run_cached(root: Path, sources: Sequence[SourceFile], custom: dict[str, dict[str, Any]],
               lang: str, options: CheckOptions) -> list[FileResult]:
    from gk.check import FileResult, cache_key_parts

    if not options.use_cache:
        return process_many(root, sources, custom, lang, options.jobs)
    path = _cache_file(root, cache_key_parts(custom, lang))
    entries = _read(path)
    stats = [_stat(root, s) for s in sources]
    results: list[FileResult | None] = []
    todo: list[int] = []
    for index, (source, stat) in enumerate(zip(sources, stats)):
        entry = entries.get(source.rel)
        if stat is not None and entry is not None and entry[0] == stat[0] and entry[1] == stat[1] \
                and entry[2] == source.kind:
            results.append(FileResult(source, entry[3], [F.from_tuple(t) for t in entry[4]]))
        else:
            results.append(None)
            todo.append(index)
    if todo:
        fresh = process_many(root, [sources[i] for i in todo], custom, lang, options.jobs)
        for index, result in zip(todo, fresh):
            results[index] = result
    complete: list[FileResult] = [r for r in results if r is not None]
    if todo or len(entries) != len(sources):
        new_entries = {}
        for source, stat, result in zip(sources, stats, complete):
            if stat is not None:
                new_entries[source.rel] = (stat[0], stat[1], source.kind, result.data,
                                           [F.to_tuple(f) for f in result.findings])
        _write(path, new_entries)
    return complete
