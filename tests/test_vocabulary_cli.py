"""The commands share one vocabulary: the same "overdue", the same id rule, the same safe reading
of a repository's own templates (no command hangs on a pipe under templates/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import VALID_ALLIANCE, check_json, run_gk

# GK_TODAY is 2026-11-21 in every test (conftest).
PROTOCOL = """\
template: begleitprotokoll
date: 2025-01-10
consultant: ISR
days: 1
todos:
  - {id: kein-tag, title: Termin am 30. Februar, owner: GfS, due: 2025-02-30, status: open}
  - {id: ueberfaellig, title: Längst fällig, owner: GfS, due: 2025-01-31, status: open}
  - {id: spaeter, title: Später, owner: GfS, due: 2027-01-31, status: open}
  - {id: erledigt, title: Erledigt, owner: GfS, due: 2025-01-15, status: done}
"""


def test_todo_summarize_and_check_agree_on_overdue(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "worksheets/musterstadt/protokoll.yaml": PROTOCOL})

    listed = run_gk("-C", str(root), "todo", "--format", "json")
    assert listed.exit_code == 0, listed.output
    todos = {t["id"]: t for t in json.loads(listed.output)["todos"]}
    assert set(todos) == {"kein-tag", "ueberfaellig", "spaeter"}
    assert todos["kein-tag"]["overdue"] is False  # 30 February is no day, so never overdue
    assert todos["ueberfaellig"]["overdue"] is True

    summary = run_gk("-C", str(root), "summarize", "--format", "json")
    assert summary.exit_code == 0, summary.output
    figures = json.loads(summary.output)["todos"]
    assert figures["open"] == len(todos) == 3
    assert figures["overdue"] == sum(t["overdue"] for t in todos.values()) == 1

    _code, report = check_json(root)
    overdue = [f for f in report["findings"] if f["code"] == "GK405"]
    assert len(overdue) == 1 and "Längst fällig" in overdue[0]["message"]
    # The impossible date itself is reported, with its line.
    assert any(f["code"] == "GK105" and f["line"] == 6 for f in report["findings"])


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else b"<dir>"
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("bad", ["abd\n", "abd\r\n", "abd ", "Abd", "a" * 65])
def test_new_alliance_refuses_an_id_gk_check_would_reject(make_repo, bad: str) -> None:  # type: ignore[no-untyped-def]
    root = make_repo({})
    before = _tree(root)
    result = run_gk("-C", str(root), "new", "alliance", bad, "--name", "Stadt Abd", "--type",
                    "kreisfreie-stadt", "--joined", "2019-01-15", "--lead-office", "KI")
    assert result.exit_code == 2
    assert "ist keine gültige Kennung für ein Bündnis" in result.output
    assert "zum Beispiel „abd“" in result.output or "a" * 64 in result.output
    if bad != bad.strip():
        assert "Sie beginnt oder endet mit einem Leerzeichen oder einem Zeilenumbruch." \
            in result.output
    assert _tree(root) == before  # nothing written, not even the editor schemas


def test_new_alliance_and_check_accept_the_same_ids(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo({})
    result = run_gk("-C", str(root), "new", "alliance", "abd", "--name", "Stadt Abd", "--type",
                    "kreisfreie-stadt", "--joined", "2019-01-15", "--lead-office", "KI")
    assert result.exit_code == 0, result.output
    code, report = check_json(root)
    assert code == 0, report


def test_check_reads_the_id_pattern_as_gk_new_does(make_repo) -> None:  # type: ignore[no-untyped-def]
    """An id with a trailing line break is refused with the id hint (GK107) at its place, not
    with the catch-all GK108 that came when the two schema validators disagreed on '$'."""
    root = make_repo({"alliances/abd.yaml": 'id: "abd\\n"\n' + VALID_ALLIANCE
                      + 'district: "kreis\\n"\n'})
    code, report = check_json(root)
    assert code == 1
    found = {(f["code"], f["line"]) for f in report["findings"]}
    assert ("GK107", 1) in found and ("GK107", 9) in found
    assert "GK108" not in {c for c, _line in found}
    assert all("Kleinbuchstaben a–z" in f["message"] for f in report["findings"]
               if f["code"] == "GK107")


@pytest.mark.parametrize("option", ["--due-before", "--today"])
def test_dates_on_the_command_line_are_strict(make_repo, option: str) -> None:  # type: ignore[no-untyped-def]
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "worksheets/musterstadt/protokoll.yaml": PROTOCOL})
    for text in ("2025-02-30", "20250301"):
        result = run_gk("-C", str(root), "todo", option, text)
        assert result.exit_code == 2, result.output
        assert "kein Datum" in result.output


# --- a pipe under templates/ ----------------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
TIMEOUT = 60  # seconds; a command that opens the pipe waits for ever


def _gk(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run gk in its own process, so that a hang ends in a timeout instead of a stuck test."""
    try:
        return subprocess.run([sys.executable, "-m", "gk", *args], cwd=root, capture_output=True,
                              text=True, timeout=TIMEOUT, env={**os.environ, **env}, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gk {' '.join(args)} hangs on the pipe under templates/")


@pytest.fixture
def piped(make_repo) -> Path:  # type: ignore[no-untyped-def]
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "worksheets/musterstadt/protokoll.yaml": PROTOCOL})
    (root / "templates").mkdir()
    os.mkfifo(root / "templates" / "kurzcheck.yaml")
    os.mkfifo(root / "alliances" / "rohr.yaml")
    os.mkfifo(root / "worksheets" / "musterstadt" / "rohr.yaml")
    return root


@needs_fifo
def test_check_reports_the_pipe(piped: Path) -> None:
    proc = _gk(piped, "check", "--format", "json")
    report = json.loads(proc.stdout)
    assert ("GK010", "templates/kurzcheck.yaml") in {(f["code"], f["file"])
                                                     for f in report["findings"]}


@needs_fifo
@pytest.mark.parametrize("args", [
    ("schema", "--vscode"),
    ("schema",),
    ("schema", "worksheet-kurzcheck"),
    ("schema", "--out", "schemas-out"),
    ("new", "worksheet", "musterstadt", "prozessmanagement"),
    ("new", "worksheet", "musterstadt", "kurzcheck"),
    ("new", "alliance", "neustadt", "--name", "Neustadt", "--type", "kreisfreie-stadt",
     "--joined", "2019-01-15", "--lead-office", "KI"),
    ("new", "service", "musterstadt", "kurs", "--title", "Kurs", "--provider", "VHS",
     "--field", "language", "--open-to", "duldung"),
    ("todo", "add", "musterstadt/protokoll", "--title", "Neu"),
])
def test_no_command_hangs_on_a_pipe_under_templates(piped: Path, args: tuple[str, ...]) -> None:
    proc = _gk(piped, *args)
    assert "Traceback" not in proc.stderr
    if args[:2] == ("new", "worksheet") and args[-1] == "kurzcheck":
        assert proc.returncode == 2 and "unbekannt" in proc.stderr  # the pipe is no template
    elif args == ("schema", "worksheet-kurzcheck"):
        assert proc.returncode == 2
    else:
        assert proc.returncode == 0, proc.stderr


@needs_fifo
def test_a_pipe_named_as_the_alliance_does_not_hang_new_worksheet(piped: Path) -> None:
    # gk new worksheet reads the alliance for the consultant of a begleitprotokoll. A pipe
    # is no alliance file (gk check reports it as GK010): refused in one line, never opened.
    proc = _gk(piped, "new", "worksheet", "rohr", "begleitprotokoll")
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 2, proc.stderr
    assert "kein Bündnis „rohr“" in proc.stderr and proc.stderr.count("\n") == 1


@needs_fifo
@pytest.mark.parametrize(("words", "expected"), [
    ("gk new worksheet musterstadt ", "prozessmanagement"),
    ("gk schema ", "worksheet-prozessmanagement"),
    ("gk todo done musterstadt/", "musterstadt/protokoll/"),
    ("gk todo done musterstadt/rohr/", ""),
])
def test_completion_does_not_hang_on_pipes(piped: Path, words: str, expected: str) -> None:
    proc = _gk(piped, _GK_COMPLETE="bash_complete", COMP_WORDS=words,
               COMP_CWORD=str(len(words.split()) - (0 if words.endswith(" ") else 1)))
    assert proc.returncode == 0, proc.stderr
    assert expected in proc.stdout
    assert "kurzcheck" not in proc.stdout  # a pipe is no template
