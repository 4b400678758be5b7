"""Sharing the work through git: which files are changed and not committed, and a commit of
exactly the files gk wrote (never other files, never a push)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from gk.errors import GkError
from gk.i18n import _


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=60, check=False)


def is_repository(root: Path) -> bool:
    if shutil.which("git") is None:
        return False
    done = _git(root, "rev-parse", "--is-inside-work-tree")
    return done.returncode == 0 and done.stdout.strip() == "true"


def changed_files(root: Path) -> list[tuple[str, str]]:
    """(status, path relative to the data repository) of files changed and not committed."""
    done = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all",
                "--relative", "--", ".")
    if done.returncode != 0:
        done = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
    if done.returncode != 0:
        return []
    out = []
    entries = done.stdout.split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if status[0] in "RC":
            index += 1  # the old name follows
        out.append((status.strip() or "?", path))
    return out


def commit(root: Path, paths: list[str], message: str) -> str:
    """Commit ``paths`` (and nothing else) with ``message``; returns git's one-line summary."""
    message = message.strip()
    if not message:
        raise GkError(_("Please describe the change in a few words; nothing was committed."))
    if not paths:
        raise GkError(_("There is nothing gk changed that could be committed."))
    added = _git(root, "add", "--", *paths)
    if added.returncode != 0:
        raise GkError(_("git could not add the files: {error}").format(
            error=added.stderr.strip()[:300]))
    done = _git(root, "commit", "-m", message, "--only", "--", *paths)
    if done.returncode != 0:
        raise GkError(_("git could not commit: {error}").format(
            error=(done.stderr or done.stdout).strip()[:300]))
    return done.stdout.strip().splitlines()[0] if done.stdout.strip() else ""
