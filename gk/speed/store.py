"""Cache files: where they live, how they are written and read back without ever being trusted.

The cache lives in the user's cache folder (``GK_CACHE_DIR``, else ``$XDG_CACHE_HOME/gk``,
else ``~/.cache/gk``), never in the data repository. Every file is plain data (``marshal``:
nothing that could run code) behind a header and a digest of the payload; it is written to a
temporary file and renamed, so a concurrent run never sees half a file. Reading opens only a
regular file (never blocks on a FIFO or a device), and anything that is not exactly what
gk wrote — missing, truncated, a flipped byte, another format, data of the wrong shape — is
ignored, so the caller computes the answer again.

A file's state is its ``FileStat``: size, modification and change time (nanoseconds) and
inode. Tools that restore a modification time (``cp -p``, ``tar x``, ``rsync -t``,
``touch -r``) cannot set the change time, so a replaced file always shows a new state —
unless it was changed within the clock tick of the state seen (git's "racy" case). A state
is therefore trusted only when it is older than the run by ``RACY_MARGIN``; a younger one
is verified by a digest of the content (see ``gk.speed.cached``).
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import stat
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_MAGIC = b"gk-cache-7\n"
_DIGEST = 32
_MAX_FILE = 1 << 31  # a cache file larger than this was not written by gk
SHARDS = 16

# (size, modification time ns, change time ns, inode); None when the file is gone.
FileStat = tuple[int, int, int, int]
# States younger than this (by change or modification time) are verified by content: it
# covers timestamp granularity (2 s on FAT) and a little clock skew of network file systems.
RACY_MARGIN = 2_000_000_000


def long_lived() -> None:
    """Tell the garbage collector that what exists now stays until the run ends (results
    read from the cache: plain data without reference cycles, freed by reference counting
    when dropped), so its collections stop walking it again and again: a check of one
    changed file in 10,000 spent about 55 ms of 400 in such walks. Not used while files are
    parsed: garbage cycles the parsers leave would be kept for good (measured: 3 times the
    memory)."""
    gc.freeze()


def cache_dir() -> Path:
    explicit = os.environ.get("GK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "gk"


def stat_key(st: os.stat_result) -> FileStat:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def trusted(state: FileStat | None, since: int) -> bool:
    """Whether a file state seen at time ``since`` (ns) can stand for the content: a later
    change would show as a different state."""
    return state is not None and max(state[1], state[2]) < since - RACY_MARGIN


def _digest(raw: bytes | memoryview) -> bytes:
    """SHA-256: computed by the processor's own instructions on current x86 and ARM machines
    (through OpenSSL), where Python's bundled BLAKE2 runs portable C code (40 MB: 31 ms
    against 58 ms; BLAKE2 was about 40 % of the extra instructions of filling the cache)."""
    return hashlib.sha256(raw).digest()


def content_digest(raw: bytes) -> bytes:
    return _digest(raw)[:16]


def data_digest(data: Any) -> bytes:
    """A digest of plain data (equal digests: equal data); empty for data marshal refuses.
    Marshal's format 0: later formats mark an object shared when other references to it
    exist anywhere, so equal data could give different bytes from one run to the next."""
    try:
        return _digest(marshal.dumps(data, 0))[:16]
    except ValueError:
        return b""


def packed(data: Any) -> tuple[bytes, bytes]:
    """Plain data as the cache keeps it (``marshal`` bytes, made while the data is fresh in
    memory: marshalling 10,000 documents scattered over a large heap when the cache is
    written cost three times as much) and its ``data_digest``; both empty for data marshal
    refuses."""
    try:
        blob = marshal.dumps(data, 4)
    except ValueError:
        return b"", b""
    return blob, data_digest(data)


def pack_entry(entry: tuple[Any, ...]) -> bytes:
    """A file's entry as the store keeps it (see ``_valid_entry``)."""
    return marshal.dumps(entry, 4)


def unpacked(blob: bytes) -> tuple[bool, Any]:
    """What ``packed`` or ``pack_entry`` made, read back, and whether that worked."""
    try:
        return True, marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return False, None


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def read_cache_file(path: Path) -> Any:
    """The body ``write_cache_file`` wrote; None for anything else."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None  # a FIFO, a device, a folder or a link: never opened
        fd = os.open(path, _OPEN_FLAGS | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_FILE:
            return None
        chunks = []
        while chunk := os.read(fd, max(st.st_size, 1 << 16)):
            chunks.append(chunk)
            if sum(map(len, chunks)) > _MAX_FILE:
                return None
    except OSError:
        return None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    head = len(_MAGIC) + _DIGEST
    if not raw.startswith(_MAGIC) or len(raw) < head:
        return None
    payload = memoryview(raw)[head:]
    if _digest(payload) != raw[len(_MAGIC):head]:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def write_cache_file(path: Path, body: Any) -> None:
    """Write plain data atomically (temporary file, rename); failures only cost time."""
    try:
        payload = marshal.dumps(body, 4)
    except ValueError:
        return  # not plain data: nothing to remember
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gk-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_MAGIC)
                handle.write(_digest(payload))
                handle.write(payload)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a cache that cannot be written only costs time


def repository_base(root: Path) -> str:
    """The prefix of one repository's cache files: two repositories never share one."""
    return hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:20]


def _shard(rel: str) -> int:
    return zlib.crc32(rel.encode()) % SHARDS


def _valid_entry(entry: Any) -> bool:
    """An entry: (state, state trusted, content digest, kind, the data ``packed``, finding
    tuples, positions, digest of the data). Checked for its shape here; what is inside is
    checked where it is used."""
    return (type(entry) is tuple and len(entry) == 8 and type(entry[0]) is tuple
            and len(entry[0]) == 4 and type(entry[1]) is bool and type(entry[2]) is bytes
            and type(entry[3]) is str and type(entry[4]) is bytes and type(entry[5]) is list
            and type(entry[6]) is dict and type(entry[7]) is bytes)


class Store:
    """Per-file results of one repository under one key (gk's code and data, the language,
    the repository's own templates), in shards read when first needed."""

    def __init__(self, root: Path, key: str) -> None:
        self.base = repository_base(root)
        self.key = key
        self.folder = cache_dir()
        self._shards: dict[int, dict[str, Any]] = {}
        self._dirty: set[int] = set()

    def _path(self, index: int) -> Path:
        return self.folder / f"{self.base}-{self.key}-{index:02d}.cache"

    def _shard(self, index: int) -> dict[str, Any]:
        found = self._shards.get(index)
        if found is None:
            body = read_cache_file(self._path(index))
            found = body if isinstance(body, dict) else {}
            self._shards[index] = found
            long_lived()
        return found

    def entry(self, rel: str, kind: str) -> tuple[Any, ...] | None:
        """The entry of a file, if any of the right shape and kind."""
        kept = self._shard(_shard(rel)).get(rel)
        if type(kept) is not bytes:
            return None
        readable, entry = unpacked(kept)
        if not readable or not _valid_entry(entry) or entry[3] != kind:
            return None
        return entry  # type: ignore[no-any-return]

    def put(self, rel: str, entry: bytes) -> None:
        """Keep a file's entry (``pack_entry``)."""
        index = _shard(rel)
        self._shard(index)[rel] = entry
        self._dirty.add(index)

    def keep_only(self, present: set[str]) -> None:
        """Forget files that are gone (every shard is read for that)."""
        for index in range(SHARDS):
            shard = self._shard(index)
            gone = [rel for rel in shard if rel not in present]
            for rel in gone:
                del shard[rel]
            if gone:
                self._dirty.add(index)

    def save(self) -> None:
        for index in sorted(self._dirty):
            write_cache_file(self._path(index), self._shards[index])
        self._dirty.clear()


class Remembered:
    """One remembered answer (a check's findings, a report's text) of one repository,
    valid while its signature is the same."""

    def __init__(self, root: Path, name: str) -> None:
        self.path = cache_dir() / f"{repository_base(root)}-{name}.cache"

    def exists(self) -> bool:
        """Whether an answer may be remembered (something is at its place)."""
        return os.path.lexists(self.path)

    def get(self, signature: str) -> Any:
        body = read_cache_file(self.path)
        if isinstance(body, dict) and body.get("signature") == signature:
            return body.get("answer")
        return None

    def put(self, signature: str, answer: Any) -> None:
        write_cache_file(self.path, {"signature": signature, "answer": answer})


def prune(root: Path, keep: Sequence[str], age: float = 86400.0) -> None:
    """Delete this repository's cache files of keys not in use (another gk version, other
    templates, another language) unwritten for ``age`` seconds, and temporary files that
    interrupted runs left behind."""
    folder = cache_dir()
    prefix = f"{repository_base(root)}-"
    limit = time.time() - age
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        ours = name.startswith(prefix) and not name[len(prefix):].startswith(tuple(keep))
        if name.startswith(".gk-") or (ours and name.endswith(".cache")):
            try:
                path = folder / name
                if path.lstat().st_mtime < limit:
                    path.unlink()
            except OSError:
                pass  # another run removed it, or it cannot be removed: both are fine
