"""The data repository as it was at a git revision, read from git history.

The old state is read with ``git ls-tree`` and ``git cat-file --batch`` straight from the
object store, so the working tree, the index and the checked-out branch are never touched.
The files are parsed with the same loader as ``gk check`` (without schema validation: the
comparison uses the values as far as they have usable types) and built into the same model.

A date (``YYYY-MM-DD``) as revision means the last commit before that day began.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gk.domain import (
    parse_date,
    place_of,
)
from gk.engine.discover import MAX_BYTES, SourceFile
from gk.engine.load import load_bytes
from gk.engine.model import Repository
from gk.engine.pipeline import FileResult, build_repository
from gk.errors import GkError
from gk.i18n import _


@dataclass(frozen=True, slots=True)
class Revision:
    given: str  # what the user typed
    commit: str  # the full commit id


def classify(rel: str) -> SourceFile | None:
    """The kind of a data file from its path relative to the repository root, or None.

    The same layout ``gk.engine.discover.discover`` reads from folders; files out of place, hidden
    files and non-YAML files are left out (``gk check`` reports those)."""
    parts = rel.split("/")
    if any(p.startswith(".") or p.startswith("~$") or p.endswith("~") for p in parts):
        return None
    place = place_of(rel)
    return SourceFile(rel, *place) if place is not None else None


def _git(root: Path, *args: str, stdin: bytes | None = None,
         failed: str | None = None) -> bytes:
    """The output of a git command; when it fails, a GkError with ``failed`` (the meaning
    in the user's words) or else git's own last line."""
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], input=stdin,
                              capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GkError(_("git is not installed, so gk cannot read the history of the "
                        "repository for --since.")) from exc
    if proc.returncode != 0:
        raise GkError(failed or (proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1]
                                 if proc.stderr.strip() else "git " + " ".join(args)))
    return proc.stdout


def _toplevel(root: Path, failed: str | None = None) -> tuple[Path, str]:
    """The git work tree holding ``root`` and the path of ``root`` inside it ('' or 'a/b/')."""
    out = _git(root, "rev-parse", "--show-toplevel", "--show-prefix", failed=failed or _(
        "The data repository '{path}' is not under git version control, so there is no "
        "history to compare with. Leave out --since, or put the repository under git (git "
        "init, git add, git commit).").format(path=root))
    lines = out.decode("utf-8", "replace").splitlines()
    top = Path(lines[0])
    prefix = lines[1] if len(lines) > 1 else ""
    return top, prefix


_DATE_LIKE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_FIRST_YEAR = 1970  # git keeps commit times from 1970 on; it misreads years after 2099


def resolve(root: Path, given: str, today: dt.date | None = None, end_of_day: bool = False,
            not_git: str | None = None) -> Revision:
    """The commit a revision (or a date) names in the git repository holding ``root``.

    A date names the last commit before that day began, or with ``end_of_day`` (``--as-of``)
    the last commit before the next day began. A date that does not exist (``2020-13-45``,
    ``0000-00-00``) or lies after ``today`` is refused with a message that says so, before
    git is asked. ``not_git``: the message when ``root`` is not in a git repository."""
    top, _prefix = _toplevel(root, not_git)
    if given.startswith("-") or not given.strip():
        raise GkError(_("'{rev}' is not a git revision.").format(rev=given))
    day = parse_date(given)
    if day is None and _DATE_LIKE.fullmatch(given):
        raise GkError(_("'{date}' is not a valid date: write it as YYYY-MM-DD with a month "
                        "from 01 to 12 and a day that exists in that month, for example "
                        "2025-01-31.").format(date=given))
    if day is not None:
        if day > (today or dt.date.today()):
            raise GkError(_("{date} lies in the future: there is no state of the repository "
                            "on that day to compare with. Choose a day up to today.").format(
                                date=given))
        limit = day + dt.timedelta(days=1) if end_of_day else day
        out = b"" if day.year < _FIRST_YEAR or not _has_head(top) else \
            _git(top, "rev-list", "-1", f"--before={limit.isoformat()} 00:00:00", "HEAD")
        commit = out.decode().strip()
        if not commit and end_of_day:
            raise GkError(_("There is no commit up to the end of {date}: the history of the "
                            "repository starts later. Choose a later date.").format(date=given))
        if not commit:
            raise GkError(_("There is no commit before {date}: the history of the "
                            "repository starts later. Choose a later date.").format(date=given))
        return Revision(given, commit)
    out = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", given + "^{commit}",
               failed=_("'{rev}' is not a commit of the git repository at '{path}'. Name a "
                        "commit, a branch, a tag or a date (YYYY-MM-DD).").format(
                            rev=given, path=top))
    return Revision(given, out.decode().strip())


def _has_head(top: Path) -> bool:
    """Whether the repository has a commit yet (``git init`` without a commit has none)."""
    proc = subprocess.run(["git", "-C", str(top), "rev-parse", "--verify", "--quiet", "HEAD"],
                          capture_output=True, check=False)
    return proc.returncode == 0


@dataclass(frozen=True, slots=True)
class WorkTree:
    """Where the files of a data repository stand in git: the commit checked out (None
    before the first commit) and whether the repository's folder differs from it."""

    commit: str | None
    dirty: bool


def work_tree(root: Path) -> WorkTree | None:
    """The git state of the files under ``root``, or None when ``root`` is in no git
    repository (or git is missing). Untracked data files count as a difference; files git
    is told to ignore do not."""
    try:
        proc = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"],
                              capture_output=True, check=False)
    except FileNotFoundError:
        return None
    if proc.returncode != 0:
        return None
    top = Path(proc.stdout.decode("utf-8", "replace").strip())
    commit = None
    if _has_head(top):
        commit = _git(top, "rev-parse", "--verify", "HEAD").decode().strip()
    status = _git(root, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".")
    return WorkTree(commit, bool(status.strip(b"\0")))


def commit_day(root: Path, commit: str) -> dt.date:
    """The day of a commit (its committer date, in the time zone it was made in)."""
    out = _git(root, "show", "-s", "--format=%cI", commit).decode().strip()
    day = parse_date(out[:10])
    if day is None:
        raise GkError(_("git could not read an object of the history."))
    return day


def first_commit_day(root: Path) -> dt.date | None:
    """The day of the oldest commit reachable from HEAD, or None without commits."""
    top, _prefix = _toplevel(root)
    if not _has_head(top):
        return None
    out = _git(top, "rev-list", "--max-parents=0", "--format=%cI", "--no-commit-header", "HEAD")
    days = [d for d in (parse_date(line[:10]) for line in out.decode().split()) if d]
    return min(days) if days else None


def _tree(top: Path, commit: str, prefix: str) -> list[tuple[str, str]]:
    """(path relative to the data repository, blob id) of every regular file at ``commit``."""
    args = ["ls-tree", "-r", "-z", "--full-tree", commit]
    if prefix:
        args += ["--", prefix]
    out = _git(top, *args)
    files = []
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _tab, path = record.partition(b"\t")
        mode, kind, oid = meta.decode().split(" ")
        if kind != "blob" or mode not in ("100644", "100755"):
            continue  # links and submodules are not data files
        try:
            rel = path.decode("utf-8")
        except UnicodeDecodeError:
            continue  # a name that is not UTF-8 names no data file (gk check: GK206)
        if prefix:
            if not rel.startswith(prefix):
                continue
            rel = rel[len(prefix):]
        files.append((rel, oid))
    return files


def blob_sizes(top: Path, oids: list[str]) -> dict[str, int]:
    """The size of each blob, from ``git cat-file --batch-check`` (nothing else is read)."""
    out = _git(top, "cat-file", "--batch-check", stdin=("\n".join(oids) + "\n").encode())
    sizes: dict[str, int] = {}
    for line, oid in zip(out.decode("ascii", "replace").splitlines(), oids, strict=False):
        parts = line.split(" ")
        if len(parts) != 3 or parts[1] != "blob" or not parts[2].isdigit():
            raise GkError(_("git could not read an object of the history."))
        sizes[oid] = int(parts[2])
    return sizes


def read_blobs(top: Path, oids: list[str]) -> Iterator[bytes]:
    """The contents of the blobs, in order, through one ``git cat-file --batch``.

    A blob larger than the loader's ``MAX_BYTES`` is never read: its sizes are asked first,
    and it is given as empty bytes, so it does not load (like a file too large in the working
    tree) and memory stays bounded by the data files gk reads anyway."""
    if not oids:
        return
    sizes = blob_sizes(top, oids)
    small = [oid for oid in dict.fromkeys(oids) if sizes.get(oid, 0) <= MAX_BYTES]
    contents = dict(zip(small, _read_small_blobs(top, small), strict=True))
    for oid in oids:
        yield contents.get(oid, b"")


def _read_small_blobs(top: Path, oids: list[str]) -> Iterator[bytes]:
    if not oids:
        return
    out = _git(top, "cat-file", "--batch", stdin=("\n".join(oids) + "\n").encode())
    pos = 0
    for _oid in oids:
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        if len(header) < 3 or header[1] != b"blob":
            raise GkError(_("git could not read an object of the history."))
        size = int(header[2])
        start = end + 1
        yield out[start:start + size]
        pos = start + size + 1


# How blobs become data: (git top folder, [(file, blob id)...]) -> each file's data.
BlobsStep = Callable[[Path, list[tuple[SourceFile, str]]], list[Any]]


def parse_blobs(top: Path, wanted: list[tuple[SourceFile, str]]) -> list[Any]:
    """The data of each file's blob, parsed with the loader of ``gk check``."""
    oids = list(dict.fromkeys(oid for _s, oid in wanted))
    names = {oid: source.rel for source, oid in wanted}
    parsed = {oid: load_bytes(raw, names[oid]).data
              for oid, raw in zip(oids, read_blobs(top, oids), strict=True)}
    return [parsed[oid] for _s, oid in wanted]


def load_repository_at(root: Path, revision: Revision, blobs: BlobsStep = parse_blobs
                       ) -> Repository:
    """The model of the data repository at ``root`` as it was at a commit (``blobs``: how
    blobs are parsed; ``gk.speed.cached.parse_blobs`` remembers them)."""
    top, prefix = _toplevel(root)
    wanted: list[tuple[SourceFile, str]] = []
    for rel, oid in _tree(top, revision.commit, prefix):
        source = classify(rel)
        if source is not None:
            wanted.append((source, oid))
    results: list[FileResult] = []
    for (source, _oid), data in zip(wanted, blobs(top, wanted), strict=True):
        results.append(FileResult(source, data, []))
    return build_repository(root, results, _usable_templates(top, wanted))


def _usable_templates(top: Path, wanted: list[tuple[SourceFile, str]]) -> dict[str, dict[str, Any]]:
    """The repository's own templates at the commit that ``gk.engine.pipeline.load`` would use
    from a checkout of it: those that load and validate without errors."""
    from gk import findings as F
    from gk.engine.pipeline import check_bytes

    mine = [(source, oid) for source, oid in wanted if source.kind == "template"]
    usable: dict[str, dict[str, Any]] = {}
    for (source, _oid), raw in zip(mine, read_blobs(top, [oid for _s, oid in mine]),
                                   strict=True):
        result = check_bytes(source, raw, {})
        if result.data is not None and not any(f.severity == F.ERROR for f in result.findings):
            usable[source.stem] = result.data
    return usable
