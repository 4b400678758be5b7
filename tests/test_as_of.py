"""--as-of: every report as the data repository stood at a git revision or at the end of a day,
read from git objects, equals the same report made from a real checkout of that revision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import run_gk
from test_history import copy_fixture, edit, git, make_changes

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FIRST_DAY = "2025-03-01"


def build_history(root: Path) -> Path:
    """The fixture committed on 2025-03-01; changed (to-dos done, services ended and added,
    Teilhabemanagement reach, a target-group count) and committed on 2025-09-01; then changed
    again without a commit."""
    root = copy_fixture(root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Anfang", date=f"{FIRST_DAY}T12:00:00")
    make_changes(root)
    edit(root / "alliances/nordstadt.yaml", "persons: ", "persons: 1")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Änderungen", date="2025-09-01T12:00:00")
    edit(root / "worksheets/rhein-kreis/prozessmanagement-2025.yaml", "status: open",
         "status: dropped")
    return root


@pytest.fixture
def history(tmp_path: Path) -> Path:
    return build_history(tmp_path / "daten")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One history and a real checkout (git worktree) of its first commit, for the many
    comparisons below: none of them changes either."""
    base = tmp_path_factory.mktemp("as-of")
    root = build_history(base / "daten")
    return root, checkout(root, "HEAD~1", base / "checkout")


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.parts}


def checkout(root: Path, rev: str, target: Path) -> Path:
    git(root, "worktree", "add", "-q", "--detach", str(target), rev)
    return target


def without_state(text: str, fmt: str) -> Any:
    """The report without what it says about its state (the only part that may differ)."""
    if fmt == "json":
        document = json.loads(text)
        state = document.pop("as_of") if isinstance(document, dict) else None
        return document, state
    lines = [line for line in text.split("\n")
             if not line.startswith(("Datenstand ", "Gewählt mit --as-of"))]
    return "\n".join(lines).replace("\n\n\n", "\n\n").lstrip("\n"), None


COMMANDS = [
    ("summarize", "json"), ("summarize", "markdown"), ("summarize", "text"),
    ("gaps", "json"), ("gaps", "markdown"), ("gaps", "csv"),
    ("todo", "json"), ("todo", "markdown"), ("todo", "text"),
    ("checklist nordstadt", "json"), ("checklist nordstadt", "markdown"),
    ("todo --status all", "json"),
    ("export", "hsds"), ("export", "csv"),
]


@pytest.mark.parametrize(("command", "fmt"), COMMANDS)
@pytest.mark.parametrize("as_of", ["2025-06-30", "HEAD~1"])
def test_as_of_equals_a_checkout_of_that_revision(shared: tuple[Path, Path], command: str,
                                                  fmt: str, as_of: str) -> None:
    history, copy = shared
    before = snapshot(history)
    status = git(history, "status", "--porcelain")
    args = [*command.split(), "--format", fmt]
    result = run_gk("-C", str(history), *args, "--as-of", as_of)
    assert result.exit_code == 0, result.output
    # the state of HEAD~1 stands for the day of its commit
    day = as_of if as_of[0].isdigit() else FIRST_DAY
    expected = run_gk("-C", str(copy), *args, "--today", day)
    assert expected.exit_code == 0, expected.output
    got, state = without_state(result.output, fmt)
    want, current = without_state(expected.output, fmt)
    assert got == want
    if fmt == "json" and command != "export":
        commit = git(history, "rev-parse", "HEAD~1").strip()
        assert state == {
            "date": day, "basis": "as-of", "requested": as_of, "fallback": None,
            "repositories": [{"path": ".", "git": True, "read_from": "history",
                              "commit": commit, "commit_date": FIRST_DAY, "dirty": None}]}
        assert current["repositories"][0]["commit"] == commit
        assert current["repositories"][0]["read_from"] == "files"
        assert current["basis"] == "current"
    # the working tree, the index and the checked-out branch are untouched
    assert snapshot(history) == before
    assert git(history, "status", "--porcelain") == status


def test_as_of_differs_from_the_current_state(history: Path) -> None:
    """The test above could not fail if the states were equal: they are not."""
    old = json.loads(run_gk("-C", str(history), "summarize", "--format", "json",
                            "--as-of", "2025-06-30").output)
    now = json.loads(run_gk("-C", str(history), "summarize", "--format", "json").output)
    assert old["todos"] != now["todos"]
    assert old["participation_management"] != now["participation_management"]
    assert now["as_of"]["repositories"][0]["dirty"] is True
    assert now["as_of"]["basis"] == "current"


def test_a_period_in_the_past_is_shown_as_it_stood_at_its_end(history: Path,
                                                              tmp_path: Path) -> None:
    args = ["summarize", "--format", "json", "--from", "2025-01-01", "--to", "2025-06-30"]
    report = json.loads(run_gk("-C", str(history), *args).output)
    assert report["as_of"]["basis"] == "period-end"
    assert report["as_of"]["date"] == "2025-06-30"
    assert report["today"] == "2025-06-30"
    copy = checkout(history, "HEAD~1", tmp_path / "checkout")
    expected = json.loads(run_gk("-C", str(copy), *args, "--today", "2025-06-30").output)
    report.pop("as_of"), expected.pop("as_of")
    assert report == expected
    # 'aktuell' names the current files explicitly: today's figures for the same period
    current = json.loads(run_gk("-C", str(history), *args, "--as-of", "aktuell").output)
    assert current["as_of"]["basis"] == "current"
    assert current["as_of"]["requested"] == "aktuell"
    assert current["todos"] != report["todos"]


def test_a_period_before_the_history_uses_the_current_files_and_says_so(history: Path) -> None:
    result = run_gk("-C", str(history), "summarize", "--to", "2024-12-31")
    assert result.exit_code == 0, result.output
    assert ("Der Stand am Ende des Zeitraums (2024-12-31) ist nicht lesbar, weil der "
            "git-Verlauf erst später beginnt (2025-03-01)") in result.output
    report = json.loads(run_gk("-C", str(history), "summarize", "--to", "2024-12-31",
                               "--format", "json").output)
    assert report["as_of"]["fallback"] == "history-later"
    assert report["as_of"]["basis"] == "current"


def test_the_report_says_which_state_it_shows(history: Path) -> None:
    commit = git(history, "rev-parse", "HEAD~1").strip()
    text = run_gk("-C", str(history), "gaps", "--as-of", "2025-06-30").output
    assert (f"Datenstand 2025-06-30: git-Commit {commit[:7]} vom 2025-03-01, aus dem Verlauf "
            "gelesen.") in text
    assert "Gewählt mit --as-of 2025-06-30." in text
    head = git(history, "rev-parse", "HEAD").strip()[:7]
    # the current files of one repository: what everyone expects, said in JSON only
    plain = run_gk("-C", str(history), "todo", "--format", "markdown").output
    assert "Datenstand" not in plain
    markdown = run_gk("-C", str(history), "todo", "--format", "markdown", "--as-of",
                      "aktuell").output
    assert markdown.startswith("Datenstand 2")
    assert f"git-Commit {head} mit nicht eingecheckten Änderungen" in markdown


def test_as_of_outside_git_is_a_clear_error(make_repo: Any) -> None:
    root = make_repo({})
    for command in (["summarize"], ["gaps"], ["todo"], ["export"]):
        result = run_gk("-C", str(root), *command, "--as-of", "2025-01-01")
        assert result.exit_code == 2, result.output
        assert "--as-of liest den git-Verlauf der Datenablage" in result.output
        assert "Traceback" not in result.output
    plain = run_gk("-C", str(root), "summarize", "--format", "json")
    assert json.loads(plain.output)["as_of"]["repositories"][0] == {
        "path": ".", "git": False, "read_from": "files", "commit": None, "commit_date": None,
        "dirty": None}


@pytest.mark.parametrize(("value", "words"), [
    ("2099-01-01", "in der Zukunft"),
    ("2020-01-01", "2020-01-01"),
    ("kein-zweig", "kein gespeicherter Stand"),
    ("2025-02-30", "kein gültiges Datum"),
])
def test_bad_as_of_values(history: Path, value: str, words: str) -> None:
    result = run_gk("-C", str(history), "todo", "--as-of", value)
    assert result.exit_code == 2
    assert words in result.output
