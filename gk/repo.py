"""Finding the data repository and the files in it, and telling what kind each file is."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gk import findings as F
from gk.i18n import _

CONFIG_FILE = "gk.yaml"
KIND_FOLDERS = {"alliances": "alliance", "services": "service", "worksheets": "worksheet",
                "templates": "template"}
_NESTED = {"services", "worksheets"}  # folders with one sub-folder per alliance


class RepositoryError(Exception):
    """The setup is broken (no repository, unreadable config): one line and exit status 2."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A data file: its path relative to the root (POSIX), kind, alliance folder and stem."""

    rel: str
    kind: str  # config, alliance, service, worksheet, template
    alliance: str | None
    stem: str


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding a ``gk.yaml``, like git finds its root."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise RepositoryError(
        _("No gk data repository found at '{path}' or above it (no {config}). "
          "Create one with 'gk init' or name it with -C DIR.").format(path=start, config=CONFIG_FILE)
    )


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$") or name.endswith("~")


def _inside(root_real: str, path: str) -> bool:
    real = os.path.realpath(path)
    return real == root_real or real.startswith(root_real + os.sep)


def discover(root: Path) -> tuple[list[SourceFile], list[F.Finding]]:
    """All data files of the repository, sorted, plus layout findings for files out of place."""
    files: list[SourceFile] = [SourceFile(CONFIG_FILE, "config", None, "gk")]
    problems: list[F.Finding] = []
    root_real = os.path.realpath(root)

    def stray(rel: str, is_yaml: bool, expected: str) -> None:
        if is_yaml:
            problems.append(F.make(
                "GK201", rel, 1, 1,
                _("No kind of gk file belongs at this place."), expected))
        else:
            problems.append(F.make(
                "GK205", rel, 1, 1,
                _("This is not a YAML file; gk ignores it."),
                _("Keep documents (Word, PDF, spreadsheets) outside the data folders.")))

    def accept(path: str, rel: str, kind: str, alliance: str | None) -> None:
        name = os.path.basename(rel)
        if os.path.islink(path) and not _inside(root_real, path):
            problems.append(F.make(
                "GK010", rel, 1, 1,
                _("This file is a link to a place outside the data repository; gk does not "
                  "follow it."),
                _("Copy the file into the repository instead of linking to it.")))
            return
        if name.endswith(".yml"):
            problems.append(F.make(
                "GK201", rel, 1, 1,
                _("The file ends in '.yml'; gk reads only files ending in '.yaml'."),
                _("Rename it to '{name}'.").format(name=name[:-4] + ".yaml")))
            return
        if not name.endswith(".yaml"):
            stray(rel, False, "")
            return
        files.append(SourceFile(rel, kind, alliance, name[:-5]))

    try:
        top = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        raise RepositoryError(_("Cannot read the folder '{path}': {error}").format(
            path=root, error=exc.strerror)) from exc
    for entry in top:
        if _is_hidden(entry.name):
            continue
        if entry.name in KIND_FOLDERS and entry.is_dir(follow_symlinks=False):
            kind = KIND_FOLDERS[entry.name]
            _walk_kind_folder(entry, kind, accept, stray)
        elif entry.is_file() and entry.name.endswith((".yaml", ".yml")) and entry.name != CONFIG_FILE:
            stray(entry.name, True, _(
                "Alliances belong in 'alliances/', services in 'services/<alliance>/', "
                "worksheets in 'worksheets/<alliance>/'."))
    files[1:] = sorted(files[1:], key=lambda f: f.rel)
    return files, problems


def _walk_kind_folder(folder: os.DirEntry[str], kind: str, accept, stray) -> None:  # type: ignore[no-untyped-def]
    nested = folder.name in _NESTED
    for entry in sorted(os.scandir(folder.path), key=lambda e: e.name):
        if _is_hidden(entry.name):
            continue
        rel = f"{folder.name}/{entry.name}"
        is_yaml = entry.name.endswith((".yaml", ".yml"))
        if entry.is_dir(follow_symlinks=False):
            if not nested:
                stray(rel, True, _("'{folder}/' holds files only, no sub-folders.").format(
                    folder=folder.name))
                continue
            for sub in sorted(os.scandir(entry.path), key=lambda e: e.name):
                if _is_hidden(sub.name):
                    continue
                sub_rel = f"{rel}/{sub.name}"
                if sub.is_dir(follow_symlinks=False):
                    stray(sub_rel, True, _("'{folder}/<alliance>/' holds files only, no "
                                           "sub-folders.").format(folder=folder.name))
                else:
                    accept(sub.path, sub_rel, kind, entry.name)
        elif nested:
            if is_yaml:
                stray(rel, True, _("Put the file into the folder of its alliance: "
                                   "'{folder}/<alliance>/{name}'.").format(
                                       folder=folder.name, name=entry.name))
            else:
                stray(rel, False, "")
        else:
            accept(entry.path, rel, kind, None)
