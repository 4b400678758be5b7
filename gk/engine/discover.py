"""Finding the data repository and the files in it, and telling what kind each file is."""

from __future__ import annotations

import errno
import operator
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gk import findings as F
from gk.domain import CONFIG_FILE, FOLDER_OF, KIND_FOLDERS, NESTED_FOLDERS
from gk.errors import GkError
from gk.i18n import _

MAX_BYTES = 5 * 1024 * 1024  # largest data file read; documented in docs/codes.md (GK009)


# The name gk/cli/cmd_check.py still imports; it is the one error type, gk.errors.GkError.


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A data file: its path relative to the root (POSIX), kind, alliance folder and stem."""

    rel: str
    kind: str  # config, alliance, service, worksheet, template
    alliance: str | None
    stem: str


SAFE_DIRECTORIES = "GK_SAFE_DIRECTORIES"  # folders whose gk.yaml may belong to another user


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding a ``gk.yaml``, like git finds its root.

    A ``gk.yaml`` found in a folder *above* ``start`` that belongs to another user (neither
    the current one nor root) is refused, as git's ``safe.directory`` refuses such a
    repository: someone else could otherwise make gk read and write in their folder on the
    current user's behalf. Naming the folder itself (``-C DIR``) or listing it in the
    environment variable ``GK_SAFE_DIRECTORIES`` (separated by ``os.pathsep``; ``*`` for
    all) allows it."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            if folder != here:
                _check_owner(folder)
            return folder
    raise GkError(
        _("No gk data repository found at '{path}' or above it (no {config}). "
          "Create one with 'gk init' or name it with -C DIR.").format(
              path=start, config=CONFIG_FILE)
    )


def _check_owner(folder: Path) -> None:
    """Refuse a repository found above the start folder that belongs to another user."""
    if not hasattr(os, "geteuid"):
        return  # Windows: no owners to compare
    me = os.geteuid()
    try:
        owners = {os.stat(folder).st_uid, os.stat(folder / CONFIG_FILE).st_uid}
    except OSError:
        return
    strangers = owners - {me, 0}
    if not strangers:
        return
    allowed = [p for p in os.environ.get(SAFE_DIRECTORIES, "").split(os.pathsep) if p]
    if "*" in allowed or any(_same_folder(p, folder) for p in allowed):
        return
    raise GkError(_(
        "The data repository '{path}' (found above the current folder) belongs to another "
        "user (user id {uid}); gk does not use it unasked. If you trust it, name it with "
        "'-C {path}' or allow it with the environment variable {variable}={path}.").format(
            path=folder, uid=min(strangers), variable=SAFE_DIRECTORIES))


def _same_folder(allowed: str, folder: Path) -> bool:
    try:
        return Path(allowed).expanduser().resolve() == folder
    except OSError:
        return False


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name.endswith("~")


def _is_utf8(name: str) -> bool:
    """Whether a name from the file system is UTF-8 text (Python keeps the bytes of any other
    name as lone surrogates, which cannot be written to a terminal, a cache or a report)."""
    if name.isascii():
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(name: str) -> str:
    """A file name from the file system as text that can be shown and written anywhere: bytes
    that are not UTF-8 appear as ``\\xNN`` (``caf\\xe9.yaml``)."""
    return os.fsencode(name).decode("utf-8", "backslashreplace") if not _is_utf8(name) else name


def _meant_name(name: str) -> str:
    """What a non-UTF-8 name most likely said: each byte that is not UTF-8 read as Windows
    (cp1252) or, where cp1252 has no character, Latin-1 text; the rest as it is."""
    out = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, kept by Python as a surrogate
            byte = bytes([code - 0xDC00])
            try:
                char = byte.decode("cp1252")
            except UnicodeDecodeError:
                char = byte.decode("latin-1")
        out.append(char)
    return "".join(out)


_entry_name = operator.attrgetter("name")


def _inside(root_real: str, path: str) -> bool:
    real = os.path.realpath(path)
    return real == root_real or real.startswith(root_real + os.sep)


@lru_cache(maxsize=4096)
def _real(root: str) -> str:
    return os.path.realpath(root)


class UnsafeFile(OSError):
    """A path gk refuses to open: no regular file, or outside the repository."""


class FileTooLarge(OSError):
    """A data file larger than the limit; ``size`` holds its size in bytes."""

    def __init__(self, size: int) -> None:
        super().__init__(errno.EFBIG, "file too large")
        self.size = size


_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def read_data_file(root: str | os.PathLike[str], rel: str, limit: int) -> bytes:
    """The bytes of the data file ``rel`` under ``root``, read without surprises.

    Only a regular file inside the repository (links resolved) is opened: a FIFO, a device,
    a socket or a link that leads out of the repository raises ``UnsafeFile`` before anything
    is opened, so nothing can block, read endlessly or show a file from elsewhere. A file
    larger than ``limit`` bytes raises ``FileTooLarge``; other problems raise ``OSError``.
    """
    return read_data_file_state(root, rel, limit)[0]


def read_data_file_state(root: str | os.PathLike[str], rel: str, limit: int
                         ) -> tuple[bytes, os.stat_result]:
    """``read_data_file``, and the file's status taken when it was opened, before it was
    read (a change while it is read shows as a later change time)."""
    root_real = _real(os.fspath(root))
    path = os.path.join(root_real, rel)
    folder, name = os.path.split(path)
    leaf = os.lstat(path)
    # Resolving every path component costs a system call each; folders are resolved once
    # (cached) and the file itself only when it is a link.
    real = os.path.realpath(path) if stat.S_ISLNK(leaf.st_mode) \
        else os.path.join(_real(folder), name)
    if not (real == root_real or real.startswith(root_real + os.sep)):
        raise UnsafeFile(errno.EXDEV, "outside the repository")
    if not stat.S_ISREG((os.stat(path) if stat.S_ISLNK(leaf.st_mode) else leaf).st_mode):
        raise UnsafeFile(errno.EINVAL, "not a regular file")
    # O_NONBLOCK: should the path have become a FIFO since the stat, open does not wait.
    fd = os.open(path, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(errno.EINVAL, "not a regular file")
        if st.st_size > limit:
            raise FileTooLarge(st.st_size)
        chunks = []
        left = limit + 1
        # Ask for the size the file has (plus one byte to notice growth): a larger request
        # makes every read allocate a large buffer, which costs more than the read itself.
        want = min(left, st.st_size + 1)
        while left > 0:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
            want = min(left, 1 << 16)
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > limit:  # it grew while being read
        raise FileTooLarge(len(raw))
    return raw, st


class _Discovery:
    """One walk over the repository: the data files found and the layout findings."""

    def __init__(self, root: Path) -> None:
        self.root_real = os.path.realpath(root)
        self.files: list[SourceFile] = []
        self.problems: list[F.Finding] = []
        self.found: dict[str, os.DirEntry[str]] = {}  # each data file's entry, by path

    def entries(self, path: str, rel: str) -> list[os.DirEntry[str]]:
        """The visible entries of a folder, sorted; an unreadable folder is reported, and so
        is an entry whose name is not UTF-8 (left out)."""
        try:
            with os.scandir(path) as listing:
                found = sorted((e for e in listing if not _is_hidden(e.name)), key=_entry_name)
        except OSError as exc:
            self.problems.append(F.make(
                "GK010", rel, 1, 1,
                _("The folder cannot be read ({error}).").format(error=exc.strerror or exc),
                _("Check that the folder exists and that you may read it.")))
            return []
        return [e for e in found if _is_utf8(e.name) or self.not_utf8(e, rel)]

    def not_utf8(self, entry: os.DirEntry[str], folder: str) -> bool:
        """Report an entry whose name is not UTF-8 text (GK206); always False (left out)."""
        rel = f"{folder}/{shown_name(entry.name)}" if folder else shown_name(entry.name)
        meant = _meant_name(entry.name)
        folder_entry = entry.is_dir(follow_symlinks=False)
        if not folder_entry and not _looks_yaml(entry.name):
            self.stray(rel, False, "")  # a document that is no data file: its name is moot
            return False
        if folder_entry:
            message = _("The name of this folder is not UTF-8 text (it was probably made on an "
                        "older Windows system or unpacked from a ZIP file); gk skips the "
                        "folder and everything in it.")
        else:
            message = _("The name of this file is not UTF-8 text (it was probably made on an "
                        "older Windows system or unpacked from a ZIP file); gk skips the file.")
        self.problems.append(F.make(
            "GK206", rel, 1, 1, message,
            _("Rename it; it was probably meant to be called '{name}'. Use only lower-case "
              "letters a–z, digits and hyphens in names.").format(name=meant)))
        return False

    def stray(self, rel: str, is_yaml: bool, expected: str) -> None:
        if is_yaml:
            self.problems.append(F.make(
                "GK201", rel, 1, 1, _("No kind of gk file belongs at this place."), expected))
        else:
            self.problems.append(F.make(
                "GK205", rel, 1, 1,
                _("This is not a YAML file; gk ignores it."),
                _("Keep documents (Word, PDF, spreadsheets) outside the data folders.")))

    def linked_folder(self, rel: str) -> None:
        self.problems.append(F.make(
            "GK010", rel, 1, 1,
            _("This folder is a link; gk does not follow links to folders."),
            _("Move the folder itself into the repository instead of linking to it.")))

    def refused(self, entry: os.DirEntry[str], rel: str) -> bool:
        """Report and refuse an entry that must not be opened as a data file.

        Uses what ``scandir`` already knows, so only links cost a ``stat``."""
        message = hint = ""
        if entry.is_symlink():
            try:
                os.stat(entry.path)
            except OSError:
                message = _("This file is a link that leads nowhere (its target is missing, or "
                            "the links go round in a circle).")
                hint = _("Delete the link, or copy the file itself into the repository.")
            else:
                if not _inside(self.root_real, entry.path):
                    message = _("This file is a link to a place outside the data repository; "
                                "gk does not follow it.")
                    hint = _("Copy the file into the repository instead of linking to it.")
        if not message:
            try:
                regular = entry.is_file()
            except OSError:
                regular = False
            if not regular:
                message = _("This is not an ordinary file but a pipe, a device or a socket; gk "
                            "does not open it.")
                hint = _("Remove it from the data folders; only YAML text files belong here.")
        if message:
            self.problems.append(F.make("GK010", rel, 1, 1, message, hint))
            return True
        return False

    def accept(self, entry: os.DirEntry[str], rel: str, kind: str, alliance: str | None) -> None:
        name = entry.name
        if not _looks_yaml(name):
            self.stray(rel, False, "")
        elif self.refused(entry, rel):
            return
        elif name.endswith(".yml"):
            self.problems.append(F.make(
                "GK201", rel, 1, 1,
                _("The file ends in '.yml'; gk reads only files ending in '.yaml'."),
                _("Rename it to '{name}'.").format(name=name[:-4] + ".yaml")))
        elif not name.endswith(".yaml"):  # .YAML, .Yaml, .YML: not read on every system
            stem, _dot, ending = name.rpartition(".")
            self.problems.append(F.make(
                "GK201", rel, 1, 1,
                _("The file ends in '.{ending}'; gk reads only files ending in '.yaml' "
                  "(in small letters).").format(ending=ending),
                _("Rename it to '{name}'.").format(name=stem + ".yaml")))
        else:
            self.files.append(SourceFile(rel, kind, alliance, name[:-5]))
            self.found[rel] = entry

    def walk(self, root: Path, only: str | None = None) -> None:
        """Walk the repository; with ``only`` (a folder name) just that folder."""
        try:
            with os.scandir(root) as listing:
                top = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            raise GkError(_("Cannot read the folder '{path}': {error}").format(
                path=root, error=exc.strerror)) from exc
        for entry in top:
            if _is_hidden(entry.name) or (only is not None and entry.name != only):
                continue
            if not _is_utf8(entry.name):
                if _looks_yaml(entry.name):  # no folder of gk has such a name: not looked at
                    self.not_utf8(entry, "")
                continue
            if entry.name == CONFIG_FILE:
                if not self.refused(entry, CONFIG_FILE):
                    self.files.append(SourceFile(CONFIG_FILE, "config", None, "gk"))
            elif entry.name in KIND_FOLDERS:
                if entry.is_dir(follow_symlinks=False):
                    self.walk_kind_folder(entry, KIND_FOLDERS[entry.name])
                elif entry.is_symlink():
                    self.linked_folder(entry.name)
                else:
                    self.stray(entry.name, True, _("'{name}' must be a folder.").format(
                        name=entry.name))
            elif _looks_yaml(entry.name):
                self.stray(entry.name, True, _(
                    "Alliances belong in 'alliances/', services in 'services/<alliance>/', "
                    "worksheets in 'worksheets/<alliance>/'."))

    def walk_kind_folder(self, folder: os.DirEntry[str], kind: str) -> None:
        nested = folder.name in NESTED_FOLDERS
        for entry in self.entries(folder.path, folder.name):
            rel = f"{folder.name}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                if not nested:
                    self.stray(rel, True, _("'{folder}/' holds files only, no sub-folders.")
                               .format(folder=folder.name))
                    continue
                for sub in self.entries(entry.path, rel):
                    sub_rel = f"{rel}/{sub.name}"
                    if sub.name.endswith(".yaml") and sub.is_file(follow_symlinks=False):
                        # The common case, decided from the listing alone: a plain file.
                        self.files.append(SourceFile(sub_rel, kind, entry.name, sub.name[:-5]))
                        self.found[sub_rel] = sub
                    elif sub.is_dir(follow_symlinks=False):
                        self.stray(sub_rel, True, _("'{folder}/<alliance>/' holds files only, "
                                                    "no sub-folders.").format(folder=folder.name))
                    elif _is_linked_folder(sub):
                        self.linked_folder(sub_rel)
                    else:
                        self.accept(sub, sub_rel, kind, entry.name)
            elif _is_linked_folder(entry):
                self.linked_folder(rel)
            elif entry.is_symlink() and not os.path.exists(entry.path):
                self.refused(entry, rel)  # a link into nothing where a folder may belong
            elif nested:
                if _looks_yaml(entry.name):
                    self.stray(rel, True, _("Put the file into the folder of its alliance: "
                                            "'{folder}/<alliance>/{name}'.").format(
                                                folder=folder.name, name=entry.name))
                else:
                    self.stray(rel, False, "")
            else:
                self.accept(entry, rel, kind, None)


def _looks_yaml(name: str) -> bool:
    return name.lower().endswith((".yaml", ".yml"))


def _is_linked_folder(entry: os.DirEntry[str]) -> bool:
    if not entry.is_symlink():
        return False
    try:
        return entry.is_dir()
    except OSError:
        return False


def discover(root: Path) -> tuple[list[SourceFile], list[F.Finding]]:
    """All data files of the repository, sorted (``gk.yaml`` first), plus layout findings.

    Entries that must not be opened (links out of the repository or into nothing, pipes,
    devices) are left out of the list and reported as GK010 instead.
    """
    files, problems, _walk = _discover(root)
    return files, problems


def discover_templates(root: Path) -> tuple[list[SourceFile], list[F.Finding]]:
    """``discover`` for the repository's own templates only (``templates/``): the same
    refusals (GK010) without walking every other folder."""
    walk = _Discovery(root)
    walk.walk(root, only=FOLDER_OF["template"])
    return sorted(walk.files, key=lambda f: f.rel), walk.problems


def discover_states(root: Path) -> tuple[list[SourceFile], list[F.Finding],
                                         list[os.stat_result | None]]:
    """``discover``, plus each file's status (None when it is gone), taken through the folder
    listing's entries: one system call per file, no path to build."""
    files, problems, walk = _discover(root)
    states: list[os.stat_result | None] = []
    for source in files:
        entry = walk.found.get(source.rel)
        try:
            states.append(entry.stat() if entry is not None
                          else os.stat(os.path.join(root, source.rel)))
        except OSError:
            states.append(None)
    return files, problems, states


def _discover(root: Path) -> tuple[list[SourceFile], list[F.Finding], _Discovery]:
    walk = _Discovery(root)
    walk.walk(root)
    config = [f for f in walk.files if f.kind == "config"]
    others = sorted((f for f in walk.files if f.kind != "config"), key=lambda f: f.rel)
    return [*config, *others], walk.problems, walk
