"""Failures that stop a command: one line on standard error and the exit status, the same
words for the same problem in every command, and gk's own defects named as such."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import VALID_ALLIANCE, VALID_SERVICE, run_gk, run_main, write_repo

from gk.engine import load

SHEET = "worksheets/musterstadt/protokoll.yaml"
SHEET_TEXT = """\
template: begleitprotokoll
date: 2026-01-10
todos:
  - id: termin
    title: Termin vereinbaren
    status: open
"""
UNKNOWN_ALLIANCE = {
    "checklist": ["checklist", "musterstad"],
    "gaps": ["gaps", "musterstad"],
    "export": ["export", "musterstad"],
    "todo": ["todo", "musterstad"],
    "summarize": ["summarize", "--alliance", "musterstad"],
}


@pytest.fixture
def repo(make_repo: Any) -> Path:
    return make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "alliances/beispielheim.yaml": VALID_ALLIANCE,
                      "services/musterstadt/sprachcafe.yaml": VALID_SERVICE,
                      SHEET: SHEET_TEXT})


@pytest.mark.parametrize(("lang", "line"), [
    ("de", "gk: In dieser Datenablage gibt es kein Bündnis „musterstad“. "
           "Meinten Sie „musterstadt“?\n"),
    ("en", "gk: There is no alliance 'musterstad' in this data repository. "
           "Did you mean 'musterstadt'?\n"),
])
@pytest.mark.parametrize("command", sorted(UNKNOWN_ALLIANCE))
def test_unknown_alliance_is_the_same_line_in_every_command(repo: Path, command: str,
                                                            lang: str, line: str) -> None:
    result = run_gk("-C", str(repo), "--lang", lang, *UNKNOWN_ALLIANCE[command])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line)


def test_unknown_alliance_without_a_close_one_lists_the_known(repo: Path) -> None:
    result = run_gk("-C", str(repo), "gaps", "xyz")
    assert (result.exit_code, result.stderr) == (
        2, "gk: In dieser Datenablage gibt es kein Bündnis „xyz“. "
           "Bekannte Bündnisse: beispielheim, musterstadt.\n")


def test_a_broken_setup_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code, output = run_main("-C", str(tmp_path / "fehlt"), "gaps")
    assert (code, output) == (2, f"gk: Den Ordner „{tmp_path / 'fehlt'}“ gibt es nicht.\n")
    code, output = run_main("-C", str(tmp_path), "--lang", "en", "todo")
    assert code == 2
    assert output.startswith(f"gk: No gk data repository found at '{tmp_path}' or above it")
    assert output.count("\n") == 1


def test_the_installed_gk_says_it_in_one_line(repo: Path) -> None:
    script = Path(sys.executable).parent / "gk"
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "gk"]
    proc = subprocess.run([*command, "-C", str(repo), "todo", "done", "musterstadt/protokoll/x"],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "GK_LANG": "en"})
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "gk: The worksheet 'musterstadt/protokoll' has no to-do 'x'.\n"


def test_nothing_to_show_is_exit_1(repo: Path) -> None:
    result = run_gk("-C", str(repo), "--lang", "en", "checklist", "beispielheim")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "gk: The alliance 'beispielheim' has no worksheet 'prozessmanagement' yet. Start one "
        "with: gk new worksheet beispielheim prozessmanagement\n")


@pytest.mark.parametrize(("args", "option"), [
    (["todo", "--due-before", "31.13.2026"], "--due-before"),
    (["todo", "--due-within", "31.13.2026"], "--due-within"),
    (["todo", "add", "musterstadt/protokoll", "--title", "Neu", "--due", "31.13.2026"], "--due"),
    (["todo", "edit", "musterstadt/protokoll/x", "--due", "31.13.2026"], "--due"),
])
def test_a_to_do_date_that_is_no_date_is_the_same_usage_error(repo: Path, args: list[str],
                                                               option: str) -> None:
    """The to-do commands also take German dates and +N, heute, diese-woche; they say so."""
    result = run_gk("-C", str(repo), *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Fehler: {option}: „31.13.2026“ ist kein Datum. Schreiben Sie JJJJ-MM-TT (oder "
        "TT.MM.JJJJ), +N für N Tage ab heute, heute, morgen oder diese-woche.")
    assert (repo / SHEET).read_text(encoding="utf-8") == SHEET_TEXT


@pytest.mark.parametrize(("args", "option"), [
    (["summarize", "--from", "31.12.2026"], "--from"),
    (["summarize", "--to", "31.12.2026"], "--to"),
])
def test_a_date_option_that_is_no_date_is_the_same_usage_error(repo: Path, args: list[str],
                                                               option: str) -> None:
    result = run_gk("-C", str(repo), *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Fehler: {option}: „31.12.2026“ ist kein Datum (JJJJ-MM-TT).")
    assert (repo / SHEET).read_text(encoding="utf-8") == SHEET_TEXT


def test_summarize_refuses_to_count_an_alliance_twice(tmp_path: Path) -> None:
    write_repo(tmp_path / "a", {"alliances/musterstadt.yaml": VALID_ALLIANCE})
    write_repo(tmp_path / "b", {"alliances/musterstadt.yaml": VALID_ALLIANCE})
    result = run_gk("-C", str(tmp_path), "--lang", "en", "summarize", "a", "b")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "gk: 1 alliance(s) are in more than one data repository and would be counted twice: "
        "musterstadt (in a, b). Say whose copies count with --prefer REPO, or leave a copy "
        "out with --skip-alliance REPO:ALLIANCE.\n")
    result = run_gk("-C", str(tmp_path), "summarize", "a", "a/")
    assert (result.exit_code, result.stderr) == (
        2, "gk: Dieselbe Datenablage ist zweimal genannt.\n")


# --- defects of gk itself --------------------------------------------------------------------

def _defect(*_args: Any, **_kwargs: Any) -> Any:
    return 1 / 0


@pytest.fixture
def broken_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    """A programming error inside the YAML builder (not a problem of the user's files)."""
    monkeypatch.setattr(load, "resolve_plain", _defect)


@pytest.mark.usefixtures("broken_builder")
def test_a_defect_in_the_builder_is_no_finding_about_the_file() -> None:
    with pytest.raises(ZeroDivisionError):
        load.load_text("name: Stadt Musterstadt\n", "alliances/musterstadt.yaml")


@pytest.mark.usefixtures("broken_builder")
@pytest.mark.parametrize(("lang", "line"), [
    ("de", "gk: interner Fehler (ZeroDivisionError: division by zero). Starten Sie den Befehl "
           "noch einmal mit --debug, um die Einzelheiten zu sehen, und melden Sie den Fehler "
           "bitte.\n"),
    ("en", "gk: internal error (ZeroDivisionError: division by zero). Run again with --debug "
           "to see the details, and please report it.\n"),
])
def test_a_defect_in_the_builder_is_an_internal_error(repo: Path, lang: str, line: str) -> None:
    ref = "musterstadt/protokoll/termin"
    code, output = run_main("-C", str(repo), "--lang", lang, "todo", "done", ref)
    assert (code, output) == (2, line)
    result = run_gk("-C", str(repo), "--lang", lang, "todo", "done", ref)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line)
    assert (repo / SHEET).read_text(encoding="utf-8") == SHEET_TEXT


@pytest.mark.usefixtures("broken_builder")
def test_a_defect_while_reading_the_settings_is_an_internal_error(repo: Path) -> None:
    """Without --lang, gk.yaml is read first: the defect shows there, in German."""
    code, output = run_main("-C", str(repo), "gaps")
    assert code == 2
    assert output.startswith("gk: interner Fehler (ZeroDivisionError: division by zero).")
    assert "GK005" not in output and output.count("\n") == 1


@pytest.mark.usefixtures("broken_builder")
def test_check_names_a_defect_in_the_builder_as_gk_s_own(repo: Path) -> None:
    """gk check stops with the internal error: never a finding (no GK005, no report)."""
    for extra in ((), ("--no-cache",)):
        result = run_gk("-C", str(repo), "--lang", "en", "check", "--format", "json", *extra)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == ("gk: internal error (ZeroDivisionError: division by zero). "
                                 "Run again with --debug to see the details, and please "
                                 "report it.\n")


@pytest.mark.usefixtures("broken_builder")
def test_debug_shows_the_defect_itself(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GK_DEBUG", "")  # main() sets it for --debug: removed again after the test
    with pytest.raises(ZeroDivisionError):
        run_main("--debug", "-C", str(repo), "gaps")
