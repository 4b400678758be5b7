"""gk summarize over several repositories: filters before duplicates, every duplicate named,
--prefer and --skip-alliance, and the repositories with their revisions in the report."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import run_gk
from test_gaps import FIXTURE
from test_history import git
from test_summarize import second_repo


def summary(*args: str) -> dict:
    result = run_gk("summarize", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_duplicate_is_named_at_once(tmp_path: Path) -> None:
    other = second_repo(tmp_path / "zwei", "nordstadt")
    (other / "alliances/hafenstadt.yaml").write_bytes(
        (other / "alliances/nordstadt.yaml").read_bytes())
    result = run_gk("summarize", str(FIXTURE), str(other))
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "2 Bündnis(se) stehen in mehr als einer Datenablage" in message
    where = f"{os.path.relpath(FIXTURE)}, {os.path.relpath(other)}"
    assert f"hafenstadt (in {where})" in message
    assert f"nordstadt (in {where})" in message
    assert "--prefer" in message and "--skip-alliance" in message


def test_filters_apply_before_duplicates_are_looked_for(tmp_path: Path) -> None:
    other = second_repo(tmp_path / "zwei", "nordstadt")  # region arnsberg there
    report = summary(str(FIXTURE), str(other), "--region", "duesseldorf")
    # only the fixture's copy lies in the region, so only it counts
    assert report["participation_management"]["by_alliance"]["nordstadt"]["positions"] == 0.5
    there = summary(str(FIXTURE), str(other), "--region", "arnsberg")
    assert there["alliances"]["total"] == 1
    assert there["participation_management"]["by_alliance"]["nordstadt"]["positions"] == 1
    only_other = summary(str(FIXTURE), str(other), "--alliance", "hafenstadt")
    assert only_other["alliances"]["total"] == 1


@pytest.mark.parametrize("how", ["prefer", "skip"])
def test_a_duplicate_resolved_explicitly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         how: str) -> None:
    second_repo(tmp_path / "zwei", "nordstadt")
    monkeypatch.chdir(tmp_path)
    fixture = str(FIXTURE)
    option = ["--prefer", "zwei"] if how == "prefer" else ["--skip-alliance",
                                                            f"{fixture}:nordstadt"]
    report = summary(fixture, "zwei", *option)
    assert report["alliances"]["total"] == 5
    assert report["participation_management"]["by_alliance"]["nordstadt"]["positions"] == 1
    # the other repository's copy: the fixture's figures
    flipped = summary(fixture, "zwei", "--prefer", fixture)
    assert flipped["participation_management"]["by_alliance"]["nordstadt"]["positions"] == 0.5
    assert flipped["returns"]["begleitprotokoll"]["count"] == 3


def test_prefer_names_one_of_the_repositories(tmp_path: Path) -> None:
    other = second_repo(tmp_path / "zwei", "nordstadt")
    result = run_gk("summarize", str(FIXTURE), str(other), "--prefer", str(tmp_path))
    assert result.exit_code == 2
    assert "ist keine der Datenablagen dieser Zusammenfassung" in result.output
    bad = run_gk("summarize", str(FIXTURE), str(other), "--skip-alliance", "nordstadt")
    assert bad.exit_code == 2 and "REPO:BÜNDNIS" in bad.output


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_report_lists_repositories_and_revisions(tmp_path: Path) -> None:
    other = second_repo(tmp_path / "zwei")
    third = second_repo(tmp_path / "drei", "talstadt")
    git(third, "init", "-q")
    git(third, "add", "-A")
    git(third, "commit", "-q", "-m", "x", date="2025-05-01T12:00:00")
    commit = git(third, "rev-parse", "HEAD").strip()
    report = summary(str(other), str(third))
    assert report["as_of"]["repositories"] == [
        {"path": os.path.relpath(other), "git": False, "read_from": "files", "commit": None,
         "commit_date": None, "dirty": None},
        {"path": os.path.relpath(third), "git": True, "read_from": "files", "commit": commit,
         "commit_date": None, "dirty": False}]
    text = run_gk("summarize", str(other), str(third)).output
    assert f"{os.path.relpath(other)}: die aktuellen Dateien (kein git)." in text
    assert (f"{os.path.relpath(third)}: die aktuellen Dateien: git-Commit {commit[:7]}, ohne nicht "
            "eingecheckte Änderungen.") in text
    (third / "alliances/talstadt.yaml").write_text("kaputt: [", encoding="utf-8")
    dirty = run_gk("summarize", str(other), str(third), "--allow-incomplete").output
    assert f"git-Commit {commit[:7]} mit nicht eingecheckten Änderungen" in dirty
