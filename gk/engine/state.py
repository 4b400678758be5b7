"""Which state of a data repository a report shows, and the day that counts as "today" for it.

A report shows the current files, or the files as they stood at a git commit: the one
``--as-of DATE|REV`` names, or, for a report whose period ends in the past (``--to``), the
last commit of the period's last day. Old states are read from git objects
(``gk.engine.git_history``); the working tree is never touched. docs/reports.md describes
the choices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from gk.domain import parse_date
from gk.engine.git_history import (
    BlobsStep,
    Revision,
    commit_day,
    first_commit_day,
    load_repository_at,
    parse_blobs,
    resolve,
    work_tree,
)
from gk.engine.model import Repository
from gk.i18n import _

if TYPE_CHECKING:
    from gk.engine.pipeline import FilesStep

# What ``--as-of`` takes for "the current files" (German, English and git's own word).
CURRENT_WORDS = ("aktuell", "current", "worktree")

CURRENT = "current"  # the files as they are (the default)
AS_OF = "as-of"  # the state --as-of names
PERIOD_END = "period-end"  # the state at the end of the report's period

NO_GIT = "no-git"  # why the state at the period's end could not be read
HISTORY_LATER = "history-later"


@dataclass(frozen=True, slots=True)
class State:
    """One repository's state: read from a commit (``from_history``), or its current files
    (then ``commit`` is the commit checked out, ``dirty`` whether the files differ from it;
    both None outside git)."""

    root: Path
    label: str  # how reports name the repository ('' for the only one)
    from_history: bool = False
    commit: str | None = None
    committed: dt.date | None = None  # the commit's day (read from history only)
    dirty: bool | None = None
    git: bool = False
    looked_up: bool = False  # the git fields are filled in (asking git costs a few 10 ms)


@dataclass(frozen=True, slots=True)
class AsOf:
    """The state every repository of a report is shown in, and the day it stands for."""

    day: dt.date
    basis: str  # CURRENT, AS_OF or PERIOD_END
    states: tuple[State, ...]
    requested: str | None = None  # --as-of as typed, or the period's end
    fallback: str | None = None  # NO_GIT or HISTORY_LATER: the period's end was not readable
    history_from: dt.date | None = None  # the first commit's day (with HISTORY_LATER)

    @property
    def from_history(self) -> bool:
        return any(s.from_history for s in self.states)

    def payload(self) -> dict[str, object]:
        """The ``as_of`` key of the JSON reports (docs/reports.md); the git state of current
        files must have been looked up (``described``)."""
        return {
            "date": self.day.isoformat(),
            "basis": self.basis,
            "requested": self.requested,
            "fallback": self.fallback,
            "repositories": [{
                "path": s.label or ".",
                "git": s.git,
                "read_from": "history" if s.from_history else "files",
                "commit": s.commit,
                "commit_date": s.committed.isoformat() if s.committed else None,
                "dirty": s.dirty,
            } for s in self.states],
        }


def _current(root: Path, label: str) -> State:
    tree = work_tree(root)
    if tree is None:
        return State(root, label, looked_up=True)
    return State(root, label, commit=tree.commit, dirty=tree.dirty, git=True, looked_up=True)


def described(as_of: AsOf) -> AsOf:
    """``as_of`` with the git state of its current files filled in: asked only when a report
    says it (``choose`` leaves it out where nothing needs it)."""
    if all(s.looked_up or s.from_history for s in as_of.states):
        return as_of
    return replace(as_of, states=tuple(s if s.looked_up or s.from_history
                                       else _current(s.root, s.label) for s in as_of.states))


def _not_git(root: Path) -> str:
    return _("--as-of reads the git history of the data repository, but '{path}' is not under "
             "git version control. Leave out --as-of (or write --as-of aktuell) to use the "
             "current files, or put the repository under git (git init, git add, git "
             "commit).").format(path=root)


def _at(root: Path, label: str, revision: Revision) -> State:
    return State(root, label, from_history=True, commit=revision.commit,
                 committed=commit_day(root, revision.commit), git=True)


def choose(roots: Sequence[Path], labels: Sequence[str], as_of: str | None, today: dt.date,
           period_end: dt.date | None = None) -> AsOf:
    """The state of each repository for a report.

    ``as_of`` (the option as typed) wins; a word of ``CURRENT_WORDS`` means the current
    files. Without it, a period that ends before ``today`` means the state at the end of its
    last day, read from git; where that state is not stored (no git, or a history that begins
    later) every repository is shown with its current files and the report says why.
    ``today`` is the real day (or ``--today``); the result's ``day`` is the one the figures
    stand for."""
    pairs = list(zip(roots, labels, strict=True))
    if as_of is not None and as_of.strip().casefold() in CURRENT_WORDS:
        return AsOf(today, CURRENT, tuple(State(r, n) for r, n in pairs), as_of)
    if as_of is not None:
        states = tuple(_at(r, n, resolve(r, as_of, today, end_of_day=True, not_git=_not_git(r)))
                       for r, n in pairs)
        day = parse_date(as_of)
        if day is None:  # a revision: the figures stand for the day of its (latest) commit
            day = max(s.committed for s in states if s.committed is not None)
        return AsOf(day, AS_OF, states, as_of)
    if period_end is not None and period_end < today:
        return _period_end(pairs, today, period_end)
    return AsOf(today, CURRENT, tuple(State(r, n) for r, n in pairs))


def _period_end(pairs: list[tuple[Path, str]], today: dt.date, end: dt.date) -> AsOf:
    current = tuple(_current(r, n) for r, n in pairs)
    if not all(s.git for s in current):
        return AsOf(today, CURRENT, current, end.isoformat(), NO_GIT)
    for root, _label in pairs:
        first = first_commit_day(root)
        if first is None or first > end:
            return AsOf(today, CURRENT, current, end.isoformat(), HISTORY_LATER, first)
    states = tuple(_at(r, n, resolve(r, end.isoformat(), today, end_of_day=True))
                   for r, n in pairs)
    return AsOf(end, PERIOD_END, states, end.isoformat())


def load(state: State, blobs: BlobsStep = parse_blobs,
         files: FilesStep | None = None) -> Repository:
    """The model of a repository in its state (``blobs``: how history blobs are parsed;
    ``files``: how the files of the working tree are read, ``pipeline.load_files`` unless
    told)."""
    if state.from_history and state.commit is not None:
        return load_repository_at(state.root, Revision(state.commit, state.commit), blobs)
    from gk.engine.pipeline import load as load_repository
    from gk.engine.pipeline import load_files

    return load_repository(state.root, files or load_files)

