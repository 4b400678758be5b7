"""Writing files without ever leaving a half-written one: temporary file, fsync, rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def default_mode() -> int:
    """The permissions a newly created file gets under the current umask (mkstemp uses 0600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_bytes_atomic(path: Path, payload: bytes) -> None:
    """Replace (or create) ``path`` with ``payload`` in one step: temporary file in the same
    folder, fsync, rename. On any failure the old file stays as it was and the temporary
    file is removed; an existing file keeps its permissions."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else default_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one step; on failure the old file stays."""
    write_bytes_atomic(path, text.encode("utf-8"))
