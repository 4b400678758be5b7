"""--no-cache on every command that reads the data: nothing is read from the cache folder
and nothing is written to it, and the answer is the one a cached run gives."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE, TODAY, run_gk
from test_history import git

from gk.speed import store

COMMANDS = [
    ["check", "--format", "json"],
    ["gaps", "--format", "json"],
    ["summarize", "--format", "json"],
    ["checklist", "bielefeld", "--format", "json"],
    ["export", "--format", "csv"],
    ["todo", "--format", "json"],
]


@pytest.fixture(autouse=True)
def _no_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "RACY_MARGIN", 0)  # answers are remembered at once


def _cache() -> Path:
    return Path(os.environ["GK_CACHE_DIR"])


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _committed_copy(tmp_path: Path) -> Path:
    root = shutil.copytree(EXAMPLE, tmp_path / "repo")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Stand", date="2026-11-01T12:00:00")
    return root


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_no_cache_writes_nothing_and_answers_as_a_cached_run(tmp_path: Path,
                                                             command: list[str]) -> None:
    root = _committed_copy(tmp_path)
    for extra in ([], ["--as-of", "HEAD"]):
        if command[0] == "check" and extra:
            continue  # check shows the current files only
        plain = run_gk("-C", str(root), *command, *extra, "--no-cache", "--today", TODAY)
        assert plain.exit_code == 0, plain.output
        assert _files(_cache()) == [], (command, extra)
        cached = run_gk("-C", str(root), *command, *extra, "--today", TODAY)
        assert cached.output == plain.output
        assert _files(_cache()) != []  # the cached run did use the cache folder
        shutil.rmtree(_cache())


@pytest.mark.parametrize("command, planted", [
    (["gaps"], "Gepflanzter Bericht\n"),
    (["summarize"], "0\nGepflanzter Bericht\n"),  # its first line: unreadable files
])
def test_no_cache_does_not_read_a_remembered_report(tmp_path: Path, command: list[str],
                                                    planted: str) -> None:
    """A remembered report replaced by another text with gk's header and a right digest: a
    cached run shows it (so the report is remembered there), a run with --no-cache does not."""
    root = shutil.copytree(EXAMPLE, tmp_path / "repo")
    first = run_gk("-C", str(root), *command, "--today", TODAY)
    reports = [p for p in _cache().iterdir() if "-report-" in p.name]
    assert first.exit_code == 0 and len(reports) == 1
    body = store.read_cache_file(reports[0])
    store.write_cache_file(reports[0], {**body, "answer": planted})
    assert "Gepflanzter Bericht" in run_gk("-C", str(root), *command, "--today", TODAY).output
    plain = run_gk("-C", str(root), *command, "--no-cache", "--today", TODAY)
    assert plain.exit_code == 0
    assert "Gepflanzter Bericht" not in plain.output and plain.output == first.output


def test_todo_sub_commands_follow_the_groups_no_cache(tmp_path: Path) -> None:
    """`gk todo --no-cache done REF`: the option goes before the sub-command and holds for
    it (a cached run of the same writes the language of gk.yaml to the cache folder)."""
    root = shutil.copytree(EXAMPLE, tmp_path / "repo")
    ref = "dormagen/prozessmanagement-2020/angebotsuebersicht"
    before = (root / "worksheets/dormagen/prozessmanagement-2020.yaml").read_bytes()
    plain = run_gk("-C", str(root), "todo", "--no-cache", "done", ref, "--dry-run")
    assert plain.exit_code == 0, plain.output
    assert "+    status: done" in plain.output
    assert _files(_cache()) == []
    cached = run_gk("-C", str(root), "todo", "done", ref, "--dry-run")
    assert cached.output == plain.output and _files(_cache()) != []
    assert (root / "worksheets/dormagen/prozessmanagement-2020.yaml").read_bytes() == before
