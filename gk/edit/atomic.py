"""The one writer: every file gk writes goes through here, in one step or not at all.

Inside a data repository (``write_in_repository``) the target is reached from the root one
folder at a time without following links, must be a regular file (or not exist yet), must be
writable, and keeps its mode and owner; the new bytes go to a locked temporary file in the
same folder, are read back, and replace the old file only if that file is still what was
read. Reports written with ``-o`` (``write_output``) go atomically to regular files and
straight into pipes and devices. Temporary files left by a killed gk are removed by the next
write into the same folder. What remains of the "changed since read" window is described in
docs/robustness.md.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gk.errors import NOTHING, GkError
from gk.i18n import _

TEMP_SUFFIX = ".tmp"
# ".<name>.<16 hex digits>.tmp"; in the repository also the mkstemp names of older gk
# versions (".<name>.<8 of [a-z0-9_]>.tmp"), which no data file can have.
_TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{16}\.tmp")
_OLD_TEMP_NAME = re.compile(r"\..+\.[0-9a-z_]{8}\.tmp")
STALE_SECONDS = 2.0  # a temporary file this old and unlocked belongs to a killed gk
LOCK_SECONDS = 10.0  # how long to wait for another gk writing the same file

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_DIR_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC
_DIR_FD = os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd


def _refused(message: str) -> GkError:
    """A write gk refuses: the message says why; nothing was changed (exit status 1)."""
    return GkError(message, NOTHING)


def default_mode() -> int:
    """The permissions a newly created file gets under the current umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@dataclass(frozen=True, slots=True)
class Original:
    """A file as read for editing: its bytes and what identifies that version on disk."""

    raw: bytes
    dev: int
    ino: int
    size: int
    mtime_ns: int

    def same_as(self, st: os.stat_result, raw: bytes | None) -> bool:
        return ((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
                == (self.dev, self.ino, self.size, self.mtime_ns)
                and (raw is None or raw == self.raw))


# --- reaching a folder of the repository without links -------------------------------------

def _parts(rel: str) -> list[str]:
    parts = rel.replace(os.sep, "/").split("/")
    if not parts or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a plain relative path: {rel!r}")
    return parts


def _not_inside(rel: str) -> GkError:
    return _refused(_("'{path}' is not a regular file inside the data repository reached "
                      "without links (a folder on the way is a link or no folder); gk writes "
                      "only there and changed nothing.").format(path=rel))


@contextlib.contextmanager
def _folder(root: Path, folders: list[str], rel: str, create: bool) -> Iterator[int]:
    """A descriptor of the folder ``root/folders...``, each step opened without following a
    link (``O_NOFOLLOW``), so no link swapped in later can lead the write elsewhere. Folders
    made on the way are removed again (when still empty) if the write fails."""
    fd = os.open(os.path.realpath(root), os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    made: list[tuple[int, str]] = []  # (descriptor of the parent, name) of folders made
    try:
        for part in folders:
            try:
                step = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                try:
                    os.mkdir(part, 0o777, dir_fd=fd)
                    made.append((os.dup(fd), part))
                except FileExistsError:
                    pass
                step = _open_step(part, fd, rel)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise _not_inside(rel) from exc
                raise
            os.close(fd)
            fd = step
        yield fd
    except BaseException:
        for parent, name in reversed(made):
            with contextlib.suppress(OSError):
                os.rmdir(name, dir_fd=parent)
        raise
    finally:
        os.close(fd)
        for parent, _name in made:
            os.close(parent)


def _open_step(part: str, fd: int, rel: str) -> int:
    try:
        return os.open(part, _DIR_FLAGS, dir_fd=fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise _not_inside(rel) from exc
        raise


def _leaf(fd: int, name: str, rel: str) -> os.stat_result | None:
    """The target's own status (not following a link), or None when it does not exist;
    refuses a link, anything but a regular file, and a file gk may not or cannot keep as
    it is (read-only, owned by someone whose ownership gk cannot keep)."""
    try:
        st = os.stat(name, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise _refused(_("'{path}' is a link; gk changes only regular files.").format(
            path=rel))
    if not stat.S_ISREG(st.st_mode):
        raise _refused(_("'{path}' is not a regular file (a folder, pipe or device); gk "
                         "changed nothing.").format(path=rel))
    check_replaceable(st, rel)
    return st


def check_replaceable(st: os.stat_result, display: str) -> None:
    """Refuse a read-only file, and one whose owner gk could not keep when replacing it."""
    if not st.st_mode & 0o222 or not _may_write(st):
        raise _refused(_("'{path}' is read-only; gk changed nothing. Make it writable first "
                         "if it should change (chmod u+w).").format(path=display))
    if hasattr(os, "geteuid") and os.geteuid() not in (0, st.st_uid):
        raise _refused(_("'{path}' belongs to another user; replacing it would make it "
                         "yours. gk changed nothing: let its owner run the command.").format(
                             path=display))


def _may_write(st: os.stat_result) -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        return True
    if st.st_uid == os.geteuid():
        return bool(st.st_mode & stat.S_IWUSR)
    if st.st_gid in (os.getegid(), *os.getgroups()):
        return bool(st.st_mode & stat.S_IWGRP)
    return bool(st.st_mode & stat.S_IWOTH)


def check_target(root: Path, rel: str) -> None:
    """Refuse now what ``write_in_repository`` would refuse for ``rel`` because of the way
    there (a link or no folder on the way, a target that is a link or no regular file), so
    that a command writing several files can stop before the first one."""
    path = Path(os.path.realpath(root))
    *folders, name = _parts(rel)
    for part in folders:
        path = path / part
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return
        if not stat.S_ISDIR(st.st_mode):
            raise _not_inside(rel)
    try:
        st = os.lstat(path / name)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        raise _not_inside(rel)


# --- temporary files -----------------------------------------------------------------------

def _lock(fd: int, wait: float = 0.0) -> bool:
    """An exclusive advisory lock on ``fd``; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return True
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)


def temporary_name(name: str) -> str:
    return f".{name}.{secrets.token_hex(8)}{TEMP_SUFFIX}"


def is_temporary(name: str, old_versions: bool = False) -> bool:
    """A name gk gives its temporary files (hidden, so discovery never reports them);
    with ``old_versions`` also the names older versions of gk used."""
    return _TEMP_NAME.fullmatch(name) is not None or (
        old_versions and _OLD_TEMP_NAME.fullmatch(name) is not None)


def clean_temporaries(fd: int, old_versions: bool = True) -> None:
    """Remove temporary files a killed gk left in the folder ``fd``: ours by name, a few
    seconds old, and not locked (a running gk holds the lock on its file until it is done).
    Outside a repository (``-o``) only the names this version gives, to be sure no file of
    the user's is taken for one."""
    try:
        names = [n for n in os.listdir(fd) if is_temporary(n, old_versions)]
    except OSError:
        return
    now = time.time()
    for name in names:
        with contextlib.suppress(OSError):
            tmp = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | os.O_NONBLOCK, dir_fd=fd)
            try:
                st = os.fstat(tmp)
                old = now - st.st_mtime > STALE_SECONDS
                if stat.S_ISREG(st.st_mode) and old and _lock(tmp):
                    again = os.stat(name, dir_fd=fd, follow_symlinks=False)
                    if (again.st_dev, again.st_ino) == (st.st_dev, st.st_ino):
                        os.unlink(name, dir_fd=fd)
            finally:
                os.close(tmp)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        done = os.write(fd, view)
        view = view[done:]


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, 1 << 16, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


class _Temporary:
    """A locked, fsynced temporary file in folder ``fd`` holding ``payload``, with the mode
    and owner the target has (or a new file's)."""

    def __init__(self, fd: int, name: str, payload: bytes, like: os.stat_result | None) -> None:
        self.folder = fd
        self.name = temporary_name(name)
        self.fd = os.open(self.name, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                          0o600, dir_fd=fd)
        self.present = True
        try:
            self._fill(payload, like, name)
        except BaseException:
            self.close()
            raise

    def _fill(self, payload: bytes, like: os.stat_result | None, name: str) -> None:
        _lock(self.fd)
        _write_all(self.fd, payload)
        if like is not None:
            if hasattr(os, "fchown") and (like.st_uid, like.st_gid) != _owner(self.fd):
                os.fchown(self.fd, like.st_uid, like.st_gid)
            os.fchmod(self.fd, stat.S_IMODE(like.st_mode))
        else:
            os.fchmod(self.fd, default_mode())
        os.fsync(self.fd)
        if _read_all(self.fd) != payload:
            raise _refused(_("The temporary file for '{path}' does not hold what was "
                             "written; nothing was changed.").format(path=name))

    def remove(self) -> None:
        if self.present:
            with contextlib.suppress(OSError):
                os.unlink(self.name, dir_fd=self.folder)
            self.present = False

    def close(self) -> None:
        self.remove()
        os.close(self.fd)


def _owner(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_uid, st.st_gid


def _sync(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.fsync(fd)


# --- swapping in the new file --------------------------------------------------------------

_RENAME_EXCHANGE = 2
_renameat2: Callable[..., int] | None = None


def _exchange(fd: int, first: str, second: str) -> bool:
    """Swap two names in folder ``fd`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``);
    False where the platform or file system cannot."""
    global _renameat2
    if not sys.platform.startswith("linux"):
        return False
    if _renameat2 is None:
        import ctypes

        try:
            _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
        except (AttributeError, OSError):
            return False
    import ctypes

    if _renameat2(fd, os.fsencode(first), fd, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code))


def _changed(rel: str) -> GkError:
    return _refused(_("'{path}' was changed by someone else since gk read it; nothing was "
                      "written. Run the command again.").format(path=rel))


def _replace_if_unchanged(fd: int, name: str, tmp: _Temporary, original: Original,
                          rel: str) -> None:
    """Put ``tmp`` in the place of ``name`` only if ``name`` still holds ``original``.

    The file is opened and compared, then the two names are swapped in one step; the old
    file, now under the temporary name, is compared again and the swap undone if anything
    wrote to it (or put another file in its place) in between."""
    try:
        old = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | os.O_NONBLOCK, dir_fd=fd)
    except OSError as exc:
        raise _changed(rel) from exc
    try:
        if not _lock(old, LOCK_SECONDS) or not original.same_as(os.fstat(old), _read_all(old)):
            raise _changed(rel)
        if _exchange(fd, tmp.name, name):
            moved = os.stat(tmp.name, dir_fd=fd, follow_symlinks=False)
            if ((moved.st_dev, moved.st_ino) != (original.dev, original.ino)
                    or not original.same_as(os.fstat(old), _read_all(old))):
                _exchange(fd, tmp.name, name)  # give the other writer's version back
                raise _changed(rel)
            tmp.remove()  # the old version, now under the temporary name
        else:
            now = os.stat(name, dir_fd=fd, follow_symlinks=False)
            if not original.same_as(now, None) or (now.st_dev, now.st_ino) != _identity(old):
                raise _changed(rel)
            os.rename(tmp.name, name, src_dir_fd=fd, dst_dir_fd=fd)
            tmp.present = False
    finally:
        os.close(old)


def _identity(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


def _create(fd: int, name: str, tmp: _Temporary, payload: bytes) -> None:
    """Give ``tmp`` the name ``name``, failing with FileExistsError when it is taken."""
    try:
        os.link(tmp.name, name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some network and FAT file systems)
        new = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                      default_mode(), dir_fd=fd)
        try:
            _write_all(new, payload)
            os.fsync(new)
        finally:
            os.close(new)


# --- the writers ---------------------------------------------------------------------------

def read_in_repository(root: Path, rel: str) -> Original:
    """Read the data file ``rel`` for editing, reached from ``root`` without links."""
    *folders, name = _parts(rel)
    with _folder(root, folders, rel, create=False) as fd:
        st = _leaf(fd, name, rel)
        if st is None:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), rel)
        handle = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | os.O_NONBLOCK, dir_fd=fd)
        try:
            st = os.fstat(handle)
            if not stat.S_ISREG(st.st_mode):
                raise _not_inside(rel)
            raw = _read_all(handle)
            st = os.fstat(handle)
        finally:
            os.close(handle)
    return Original(raw, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def write_in_repository(root: Path, rel: str, payload: bytes, *,
                        original: Original | None = None, create_only: bool = False,
                        accept: Callable[[str], None] | None = None) -> None:
    """Write ``payload`` as the file ``rel`` of the repository at ``root``, in one step.

    * ``create_only``: make a new file, never replace one (FileExistsError when it exists);
    * ``original``: replace the file only while it still holds what was read;
    * otherwise create or replace it (generated files: schemas, editor settings).

    Folders on the way are made when missing, never followed when they are links. ``accept``
    sees the temporary file's path relative to ``root`` before it takes the place of the
    target and raises a GkError to stop. Without dir_fd support (Windows) the same checks
    are made on paths."""
    if not _DIR_FD:  # pragma: no cover - Windows
        _write_by_path(root, rel, payload, original, create_only, accept)
        return
    *folders, name = _parts(rel)
    with _folder(root, folders, rel, create=original is None) as fd:
        like = _leaf(fd, name, rel)
        if create_only and like is not None:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), rel)
        if original is not None and (like is None or (like.st_dev, like.st_ino)
                                     != (original.dev, original.ino)):
            raise _changed(rel)
        clean_temporaries(fd)
        tmp = _Temporary(fd, name, payload, like)
        try:
            if accept is not None:
                accept("/".join([*folders, tmp.name]))
            if create_only:
                _create(fd, name, tmp, payload)
            elif original is not None:
                _replace_if_unchanged(fd, name, tmp, original, rel)
            else:
                os.rename(tmp.name, name, src_dir_fd=fd, dst_dir_fd=fd)
                tmp.present = False
            _sync(fd)
        finally:
            tmp.close()


def _write_by_path(root: Path, rel: str, payload: bytes,  # pragma: no cover - Windows
                   original: Original | None, create_only: bool,
                   accept: Callable[[str], None] | None) -> None:
    path = Path(root)
    for part in _parts(rel)[:-1]:
        path = path / part
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            raise _not_inside(rel)
        path.mkdir(exist_ok=True)
    path = path / _parts(rel)[-1]
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise _not_inside(rel)
    if create_only and path.exists():
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), rel)
    tmp = path.with_name(temporary_name(path.name))
    try:
        tmp.write_bytes(payload)
        if accept is not None:
            accept(tmp.relative_to(root).as_posix())
        if original is not None and not original.same_as(path.stat(), path.read_bytes()):
            raise _changed(rel)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


_STANDARD_STREAMS = {"/dev/stdout": 1, "/dev/fd/1": 1, "/proc/self/fd/1": 1,
                     "/dev/stderr": 2, "/dev/fd/2": 2, "/proc/self/fd/2": 2}


def write_output(path: Path, payload: bytes) -> None:
    """Write a report to ``path`` (``-o``): into a pipe, device or standard output as it
    is, atomically to a regular file (keeping its mode and owner); never over a data file
    of a gk repository or a gk.yaml."""
    target = os.path.abspath(path)
    if target in _STANDARD_STREAMS:  # the stream itself, whatever it is connected to
        stream = sys.stdout if _STANDARD_STREAMS[target] == 1 else sys.stderr
        stream.flush()
        stream.buffer.write(payload)
        stream.buffer.flush()
        return
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise _refused(_("'{path}' is a folder; name a file to write to.").format(path=path))
    if st is not None and stat.S_ISSOCK(st.st_mode):
        raise _refused(_("'{path}' is not a regular file (a folder, pipe or device); gk "
                         "changed nothing.").format(path=path))
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_in_place(target, payload, path)
        return
    real = os.path.realpath(target)
    protect_data_files(real, str(path))
    folder, name = os.path.split(real)
    if st is not None:
        check_replaceable(st, str(path))
    dir_fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        clean_temporaries(dir_fd, old_versions=False)
        like = None
        with contextlib.suppress(FileNotFoundError):
            like = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        tmp = _Temporary(dir_fd, name, payload, like)
        try:
            os.rename(tmp.name, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            tmp.present = False
            _sync(dir_fd)
        finally:
            tmp.close()
    finally:
        os.close(dir_fd)


def _write_in_place(target: str, payload: bytes, shown: Path) -> None:
    """Write into a pipe or a device without replacing it; a pipe nobody reads is refused
    at once instead of waiting."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | _CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise _refused(_("Nothing reads from the pipe '{path}'; start the reading program "
                             "first.").format(path=shown)) from exc
        raise
    try:
        os.set_blocking(fd, True)
        _write_all(fd, payload)
    finally:
        os.close(fd)


def protect_data_files(real: str, shown: str) -> None:
    """Refuse to write a report over gk.yaml or a file of a repository's data folders."""
    from gk.domain import CONFIG_FILE, KIND_FOLDERS

    folder = os.path.dirname(real)
    for top in (folder, *[str(p) for p in Path(folder).parents]):
        if os.path.isfile(os.path.join(top, CONFIG_FILE)):
            rel = Path(os.path.relpath(real, top)).as_posix()
            first = rel.split("/", 1)[0]
            if rel == CONFIG_FILE or first in KIND_FOLDERS:
                raise _refused(_("'{path}' is a file of the data repository in '{root}'; gk "
                                 "does not write a report over it. Choose another file with "
                                 "-o.").format(path=shown, root=top))
            return

