"""gk summarize --since: the repository as it was at a commit, read from git, compared with now."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_gk
from test_gaps import FIXTURE

from gk.engine.git_history import classify

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd)}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    proc = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return proc.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def copy_fixture(target: Path) -> Path:
    return shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("expected"))


def make_changes(root: Path) -> None:
    """One of each kind of change the comparison reports."""
    edit(root / "worksheets/nordstadt/prozessmanagement-2025.yaml",
         "foreigners-authority: {status: open}", "foreigners-authority: {status: done}")
    edit(root / "worksheets/nordstadt/begleitprotokoll-2025-05-20.yaml",
         "status: open", "status: done")
    edit(root / "worksheets/rhein-kreis/prozessmanagement-2025.yaml", "todos:\n",
         "todos:\n  - id: neue-aufgabe\n    title: Neu\n    status: open\n")
    (root / "services/westfeld/beratung.yaml").write_text(
        "title: Beratung\nprovider: Träger\nfields: [counselling]\n"
        "open_to: [duldung, gestattung]\nstatus: active\n", encoding="utf-8")
    edit(root / "services/hafenstadt/beratung.yaml", "status: active", "status: ended")
    (root / "services/nordstadt/jugendtreff.yaml").unlink()


EXPECTED_CHANGES = {
    "checklist": [{"alliance": "nordstadt", "item": "foreigners-authority", "from": "open",
                   "to": "done"}],
    "todos_done": [{"alliance": "nordstadt", "worksheet": "begleitprotokoll-2025-05-20",
                    "id": "angebotsliste", "title": "Angebotsliste aktualisieren"}],
    "todos_added": [{"alliance": "rhein-kreis", "worksheet": "prozessmanagement-2025",
                     "id": "neue-aufgabe", "title": "Neu", "status": "open"}],
    "services_added": ["westfeld/beratung"],
    "services_ended": ["hafenstadt/beratung"],
    "services_removed": ["nordstadt/jugendtreff"],
    # hafenstadt rates counselling high; its only counselling service has ended
    "gaps_opened": [{"alliance": "hafenstadt", "field": "counselling", "status": "duldung"},
                    {"alliance": "hafenstadt", "field": "counselling", "status": "gestattung"}],
    "gaps_closed": [{"alliance": "westfeld", "field": "counselling", "status": "duldung"},
                    {"alliance": "westfeld", "field": "counselling", "status": "gestattung"}],
}


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """The fixture committed on 2025-03-01, then changed and committed on 2025-09-01."""
    root = copy_fixture(tmp_path / "daten")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Anfang", date="2025-03-01T12:00:00")
    make_changes(root)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Änderungen", date="2025-09-01T12:00:00")
    return root


def changes(root: Path, since: str, *extra: str) -> dict:
    result = run_gk("-C", str(root), "summarize", "--format", "json", "--since", since, *extra)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)["changes"]
    assert report.pop("since") == since
    assert len(report.pop("commits")["."]) == 40
    return report


def test_changes_since_a_commit(history: Path) -> None:
    assert changes(history, "HEAD~1") == EXPECTED_CHANGES


def test_parsed_history_is_cached_and_a_broken_cache_is_ignored(history: Path) -> None:
    assert changes(history, "HEAD~1") == EXPECTED_CHANGES
    cached = sorted(Path(os.environ["GK_CACHE_DIR"]).glob("history-*.cache"))
    assert len(cached) == 1
    assert changes(history, "HEAD~1") == EXPECTED_CHANGES  # answered from the cache
    cached[0].write_bytes(b"\x00kaputt")
    assert changes(history, "HEAD~1") == EXPECTED_CHANGES
    assert history.joinpath(".git").is_dir() and not any(history.glob("history-*"))


def test_nothing_changed_since_head(history: Path) -> None:
    assert changes(history, "HEAD") == {key: [] for key in EXPECTED_CHANGES}


def test_a_date_means_the_last_commit_before_that_day(history: Path) -> None:
    assert changes(history, "2025-09-01") == EXPECTED_CHANGES
    assert changes(history, "2025-09-02") == {key: [] for key in EXPECTED_CHANGES}


def test_date_before_the_first_commit_is_exit_2(history: Path) -> None:
    result = run_gk("-C", str(history), "summarize", "--since", "2025-03-01")
    assert result.exit_code == 2
    assert "Vor dem 2025-03-01 gibt es keinen gespeicherten Stand" in result.output
    assert "Traceback" not in result.output


def test_unknown_revision_is_exit_2(history: Path) -> None:
    for rev in ("gibt-es-nicht", "--all"):
        result = run_gk("-C", str(history), "summarize", f"--since={rev}")
        assert result.exit_code == 2, rev
        assert "Traceback" not in result.output


def test_working_tree_and_index_are_not_touched(history: Path) -> None:
    # an uncommitted change counts as "now"; nothing in the folder or in git moves
    edit(history / "worksheets/suedheim/bedarfs-angebotsanalyse-2025.yaml",
         "due: 2026-11-20\n    status: open", "due: 2026-11-20\n    status: done")
    status_before = git(history, "status", "--porcelain")
    files_before = {p: p.read_bytes() for p in history.rglob("*") if p.is_file()
                    and ".git" not in p.parts}
    report = changes(history, "HEAD")
    assert report["todos_done"] == [{"alliance": "suedheim",
                                     "worksheet": "bedarfs-angebotsanalyse-2025",
                                     "id": "gesundheit-lotsen",
                                     "title": "Gesundheitslotsen beim Kreis anfragen"}]
    assert git(history, "status", "--porcelain") == status_before
    assert {p: p.read_bytes() for p in history.rglob("*") if p.is_file()
            and ".git" not in p.parts} == files_before


def test_alliance_filter_applies_to_changes(history: Path) -> None:
    report = changes(history, "HEAD~1", "--alliance", "westfeld")
    assert report == {**{key: [] for key in EXPECTED_CHANGES},
                      "services_added": ["westfeld/beratung"],
                      "gaps_closed": EXPECTED_CHANGES["gaps_closed"]}


def test_repository_in_a_subfolder_of_a_git_repository(tmp_path: Path) -> None:
    outer = tmp_path / "projekt"
    outer.mkdir()
    (outer / "README.md").write_text("Projekt\n", encoding="utf-8")
    root = copy_fixture(outer / "daten" / "nrw")
    git(outer, "init", "-q")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "Anfang", date="2025-03-01T12:00:00")
    make_changes(root)
    assert changes(root, "HEAD") == EXPECTED_CHANGES


def test_markdown_shows_the_changes(history: Path) -> None:
    result = run_gk("-C", str(history), "summarize", "--format", "markdown", "--since",
                    "HEAD~1")
    assert result.exit_code == 0
    out = result.output
    assert "\n## Veränderungen seit HEAD\\~1\n" in out
    rows = [line.split("|")[1:-1] for line in out[out.index("Veränderungen seit"):].splitlines()
            if line.startswith("| ")]
    cells = [[cell.strip() for cell in row] for row in rows]
    assert ["Stadt Nordstadt (erfunden) (nordstadt)",
            "Die Ausländerbehörde ist in die Arbeit des Bündnisses eingebunden.", "offen",
            "erledigt"] in cells
    assert ["Stadt Nordstadt (erfunden) (nordstadt)", "begleitprotokoll-2025-05-20",
            "Angebotsliste aktualisieren", "erledigt"] in cells
    assert ["westfeld/beratung", "hinzugekommen"] in cells
    assert ["nordstadt/jugendtreff", "entfernt"] in cells
    assert ["Stadt Hafenstadt (erfunden) (hafenstadt)", "Beratung", "Duldung", "neu"] in cells


def test_without_git_history_is_exit_2(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "daten")
    result = run_gk("-C", str(root), "summarize", "--since", "HEAD~1")
    assert result.exit_code == 2
    assert "nicht unter Versionsverwaltung mit git" in result.output
    assert "Traceback" not in result.output
    result = run_gk("-C", str(root), "--lang", "en", "summarize", "--since", "2025-01-01")
    assert result.exit_code == 2
    assert "is not under git version control" in result.output


def test_without_git_program_is_exit_2(history: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(history / "nirgends"))
    result = run_gk("-C", str(history), "summarize", "--since", "HEAD")
    assert result.exit_code == 2
    assert "git ist nicht installiert" in result.output


@pytest.mark.parametrize(("path", "expected"), [
    ("gk.yaml", ("config", None, "gk")),
    ("alliances/koeln.yaml", ("alliance", None, "koeln")),
    ("services/koeln/kurs.yaml", ("service", "koeln", "kurs")),
    ("worksheets/koeln/pm-2025.yaml", ("worksheet", "koeln", "pm-2025")),
    ("templates/eigene.yaml", ("template", None, "eigene")),
    ("services/kurs.yaml", None),
    ("services/koeln/alt/kurs.yaml", None),
    ("alliances/koeln.yml", None),
    ("alliances/.koeln.yaml", None),
    ("README.md", None),
    ("docs/alliances/koeln.yaml", None),
])
def test_classify(path: str, expected: tuple | None) -> None:
    found = classify(path)
    assert (None if found is None else (found.kind, found.alliance, found.stem)) == expected
