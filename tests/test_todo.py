"""gk todo: listing (order, filters, formats) and the two writing sub-commands done and add."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, VALID_ALLIANCE, check_json, run_gk

# GK_TODAY is 2026-11-21 in every test (conftest).
SHEET_A = """\
template: begleitprotokoll
date: 2026-01-10
todos:
  - {id: spaeter, title: Später, owner: GfS, due: 2027-03-01, status: open}
  - {id: ohne-datum, title: Ohne Datum, owner: Jobcenter, status: open}
  - {id: lange-her, title: Lange her, owner: GfS mit Jobcenter, due: 2026-02-01, status: open}
  - {id: erledigt, title: Erledigt, owner: GfS, due: 2026-01-20, status: done}
  - {id: verworfen, title: Verworfen, owner: ABH, due: 2026-12-01, status: dropped}
"""
SHEET_B = """\
template: prozessmanagement
date: 2026-02-01
items:
  core-group: {status: open}
todos:
  - {id: bald, title: Bald, owner: ABH, due: 2026-12-01, status: open, item: core-group}
  - {id: auch-lange-her, title: Auch lange her, owner: gfs, due: 2026-02-01, status: open}
"""


@pytest.fixture
def repo(make_repo) -> Path:  # type: ignore[no-untyped-def]
    return make_repo({"alliances/aachen.yaml": VALID_ALLIANCE,
                      "alliances/bonn.yaml": VALID_ALLIANCE,
                      "worksheets/bonn/protokoll.yaml": SHEET_A,
                      "worksheets/aachen/pm.yaml": SHEET_B})


def _json(root: Path, *args: str) -> list[dict[str, object]]:
    result = run_gk("-C", str(root), "todo", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    todos: list[dict[str, object]] = json.loads(result.output)["todos"]
    return todos


def _refs(todos: list[dict[str, object]]) -> list[str]:
    return [f"{t['alliance']}/{t['worksheet']}/{t['id']}" for t in todos]


def test_open_todos_overdue_first_then_by_due_date(repo: Path) -> None:
    assert _refs(_json(repo)) == [
        "aachen/pm/auch-lange-her",   # overdue, 2026-02-01; aachen before bonn on a tie
        "bonn/protokoll/lange-her",   # overdue, 2026-02-01
        "aachen/pm/bald",             # 2026-12-01
        "bonn/protokoll/spaeter",     # 2027-03-01
        "bonn/protokoll/ohne-datum",  # no due date: last
    ]


def test_json_keys_and_values(repo: Path) -> None:
    first = _json(repo)[0]
    assert first == {"alliance": "aachen", "worksheet": "pm", "id": "auch-lange-her",
                     "title": "Auch lange her", "owner": "gfs", "due": "2026-02-01",
                     "status": "open", "item": None, "overdue": True, "done_on": None}
    bald = _json(repo, "aachen")[1]
    assert (bald["item"], bald["overdue"]) == ("core-group", False)


def test_filters(repo: Path) -> None:
    assert _refs(_json(repo, "bonn")) == ["bonn/protokoll/lange-her", "bonn/protokoll/spaeter",
                                          "bonn/protokoll/ohne-datum"]
    assert _refs(_json(repo, "--owner", "GFS")) == [
        "aachen/pm/auch-lange-her", "bonn/protokoll/lange-her", "bonn/protokoll/spaeter"]
    assert _refs(_json(repo, "--status", "done")) == ["bonn/protokoll/erledigt"]
    assert _refs(_json(repo, "--status", "dropped")) == ["bonn/protokoll/verworfen"]
    assert len(_json(repo, "--status", "all")) == 7
    assert _refs(_json(repo, "--due-before", "2026-12-01")) == [
        "aachen/pm/auch-lange-her", "bonn/protokoll/lange-her"]
    assert _refs(_json(repo, "bonn", "--owner", "jobcenter")) == [
        "bonn/protokoll/lange-her", "bonn/protokoll/ohne-datum"]


def test_done_todo_is_not_overdue(repo: Path) -> None:
    [done] = _json(repo, "--status", "done")
    assert (done["due"], done["overdue"]) == ("2026-01-20", False)


def test_csv(repo: Path) -> None:
    result = run_gk("-C", str(repo), "todo", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["alliance", "worksheet", "id", "title", "owner", "due", "status", "item",
                       "overdue"]
    assert rows[1] == ["aachen", "pm", "auch-lange-her", "Auch lange her", "gfs", "2026-02-01",
                       "open", "", "true"]
    assert len(rows) == 6


def test_text_output(repo: Path) -> None:
    result = run_gk("-C", str(repo), "todo", "aachen")
    assert result.exit_code == 0
    assert result.output.splitlines()[:7] == [
        "2 offene Aufgabe(n), davon 1 überfällig (Stand 2026-11-21)",
        "",
        "2026-02-01  überfällig  aachen/pm/auch-lange-her",
        "  Auch lange her",
        "  Zuständig: gfs",
        "",
        "2026-12-01  aachen/pm/bald",
    ]
    assert "Prüfpunkt: core-group (Eine Bündniskerngruppe ist eingerichtet" in result.output


def test_markdown_output(repo: Path) -> None:
    result = run_gk("-C", str(repo), "todo", "--format", "markdown")
    lines = result.output.splitlines()
    assert lines[0] == "**5 offene Aufgabe(n), davon 2 überfällig (Stand 2026-11-21)**"
    assert lines[2].startswith("| Fällig")
    assert "**2026-02-01** (überfällig)" in lines[4]


def test_nothing_to_show(make_repo) -> None:
    root = make_repo({"alliances/aachen.yaml": VALID_ALLIANCE})
    result = run_gk("-C", str(root), "todo")
    assert (result.exit_code, result.output) == (0, "Keine offenen Aufgaben.\n")


def test_unknown_alliance(repo: Path) -> None:
    result = run_gk("-C", str(repo), "--lang", "en", "todo", "bon")
    assert result.exit_code == 2
    assert "There is no alliance 'bon' in this data repository. Did you mean 'bonn'?" \
        in result.output


def test_bad_date_option(repo: Path) -> None:
    result = run_gk("-C", str(repo), "todo", "--due-before", "31.13.2026")
    assert result.exit_code == 2
    assert "--due-before: „31.13.2026“ ist kein Datum." in result.output


# --- gk todo done -------------------------------------------------------------------------

@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "nrw"
    shutil.copytree(EXAMPLE, root)
    return root


def _changed_lines(before: bytes, after: bytes) -> list[tuple[int, bytes, bytes]]:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    return [(n + 1, a, b) for n, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]


def _line_diff(before: bytes, after: bytes) -> list[tuple[str, int, list[bytes], list[bytes]]]:
    """The changed lines as (operation, first line of the new file, old lines, new lines)."""
    import difflib

    old, new = before.split(b"\n"), after.split(b"\n")
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [(op, j1 + 1, old[i1:i2], new[j1:j2])
            for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def test_done_changes_only_its_lines(example: Path) -> None:
    path = example / "worksheets/meerbusch/prozessmanagement-2020.yaml"
    before = path.read_bytes()
    code_before, report_before = check_json(example)
    result = run_gk("-C", str(example), "todo", "done",
                    "meerbusch/prozessmanagement-2020/rollen-kreis-klaeren")
    assert result.exit_code == 0, result.output
    assert result.output == ("„meerbusch/prozessmanagement-2020/rollen-kreis-klaeren“ als "
                             "erledigt markiert (worksheets/meerbusch/prozessmanagement-2020.yaml, "
                             "Zeile 78).\n")
    # the status line changes and the day it was done is recorded below it (GK_TODAY)
    assert _line_diff(before, path.read_bytes()) == [
        ("replace", 78, [b"    status: open"], [b"    status: done", b"    done_on: 2026-11-21"])]
    code_after, report_after = check_json(example)
    assert (code_before, code_after) == (0, 0)
    # the overdue warning of that to-do is gone, nothing else changed (later lines of the
    # file moved down by one)
    rel = "worksheets/meerbusch/prozessmanagement-2020.yaml"
    moved = [dict(f, line=f["line"] - 1) if f["file"] == rel and f["line"] > 79 else f
             for f in report_after["findings"]]
    gone = [f for f in report_before["findings"] if f not in moved]
    assert [(f["code"], f["line"]) for f in gone] == [("GK405", 77)]
    assert [f for f in moved if f not in report_before["findings"]] == []
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_done_dry_run_writes_nothing(example: Path) -> None:
    path = example / "worksheets/meerbusch/prozessmanagement-2020.yaml"
    before = path.read_bytes()
    result = run_gk("-C", str(example), "todo", "done",
                    "meerbusch/prozessmanagement-2020/rollen-kreis-klaeren", "--dry-run")
    assert result.exit_code == 0
    assert path.read_bytes() == before
    assert "-    status: open\n+    status: done\n+    done_on: 2026-11-21\n" in result.stdout
    assert "Probelauf: Es wurde nichts geschrieben." in result.stderr
    assert result.stdout.startswith(
        "--- a/worksheets/meerbusch/prozessmanagement-2020.yaml\n"
        "+++ b/worksheets/meerbusch/prozessmanagement-2020.yaml\n@@ -75,7 +75,8 @@\n")


def test_done_twice_says_so(example: Path) -> None:
    ref = "meerbusch/prozessmanagement-2020/einwilligung-nutzen"  # done already
    path = example / "worksheets/meerbusch/prozessmanagement-2020.yaml"
    before = path.read_bytes()
    result = run_gk("-C", str(example), "--lang", "en", "todo", "done", ref)
    assert result.exit_code == 0
    assert result.output == f"'{ref}' is already done; nothing to change.\n"
    assert path.read_bytes() == before


@pytest.mark.parametrize(("ref", "message"), [
    ("meerbusch/prozessmanagement-2020/rollen-kreis", "Did you mean 'rollen-kreis-klaeren'?"),
    ("meerbusch/prozessmanagement-2021/x", "Did you mean 'prozessmanagement-2020'?"),
    ("meerbush/prozessmanagement-2020/x", "Did you mean 'meerbusch'?"),
    ("meerbusch/prozessmanagement-2020", "Write ALLIANCE/WORKSHEET/TODO"),
    ("a/b/c/d", "write ALLIANCE/WORKSHEET/TODO"),
])
def test_done_with_wrong_reference(example: Path, ref: str, message: str) -> None:
    result = run_gk("-C", str(example), "--lang", "en", "todo", "done", ref)
    assert result.exit_code == 2
    assert message in result.output


def test_done_an_alliance_may_follow_options(example: Path) -> None:
    """'gk todo --owner X meerbusch' lists; 'done' after options is still the sub-command."""
    todos = _json(example, "--owner", "GfS", "meerbusch")
    assert {t["alliance"] for t in todos} == {"meerbusch"}


# --- gk todo add --------------------------------------------------------------------------

def test_add_appends_after_the_last_todo(example: Path) -> None:
    path = example / "worksheets/meerbusch/prozessmanagement-2020.yaml"
    before = path.read_text(encoding="utf-8")
    result = run_gk("-C", str(example), "todo", "add", "meerbusch/prozessmanagement-2020",
                    "--title", "Termin mit der Ausländerbehörde vereinbaren", "--owner", "GfS",
                    "--due", "2026-12-15", "--item", "foreigners-authority")
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert after == before + (
        "  - id: termin-auslaenderbehoerde-vereinbaren\n"
        '    title: "Termin mit der Ausländerbehörde vereinbaren"\n'
        "    owner: GfS\n"
        "    due: 2026-12-15\n"
        "    status: open\n"
        "    item: foreigners-authority\n")
    code, report = check_json(example)
    assert code == 0
    assert not [f for f in report["findings"] if f["line"] > before.count("\n")
                and f["file"].endswith("meerbusch/prozessmanagement-2020.yaml")]
    listed = _refs(_json(example, "meerbusch", "--due-before", "2026-12-16"))
    assert "meerbusch/prozessmanagement-2020/termin-auslaenderbehoerde-vereinbaren" in listed


def test_add_makes_ids_unique_and_creates_the_list(make_repo) -> None:
    sheet = "# Protokoll\ntemplate: begleitprotokoll\ndate: 2026-01-10  # Termin\n"
    root = make_repo({"alliances/bonn.yaml": VALID_ALLIANCE,
                      "worksheets/bonn/protokoll.yaml": sheet})
    for _ in range(2):
        result = run_gk("-C", str(root), "todo", "add", "bonn/protokoll", "--title",
                        "Protokoll verschicken")
        assert result.exit_code == 0, result.output
    text = (root / "worksheets/bonn/protokoll.yaml").read_text(encoding="utf-8")
    assert text == sheet + (
        "todos:\n"
        "  - id: protokoll-verschicken\n"
        '    title: "Protokoll verschicken"\n'
        "    status: open\n"
        "  - id: protokoll-verschicken-2\n"
        '    title: "Protokoll verschicken"\n'
        "    status: open\n")
    assert check_json(root) == (0, {"findings": [], "errors": 0, "warnings": 0})


def test_add_rejects_unknown_item_and_taken_id(example: Path) -> None:
    path = example / "worksheets/meerbusch/prozessmanagement-2020.yaml"
    before = path.read_bytes()
    result = run_gk("-C", str(example), "--lang", "en", "todo", "add",
                    "meerbusch/prozessmanagement-2020", "--title", "X", "--item", "roless")
    assert result.exit_code == 2
    assert "'roless' is not a checklist item. Did you mean 'roles'?" in result.output
    result = run_gk("-C", str(example), "--lang", "en", "todo", "add",
                    "meerbusch/prozessmanagement-2020", "--title", "X", "--id",
                    "uebergang-ausbildung")
    assert result.exit_code == 2
    assert "already has a to-do 'uebergang-ausbildung'" in result.output
    result = run_gk("-C", str(example), "todo", "add", "meerbusch/prozessmanagement-2020",
                    "--title", "X", "--due", "irgendwann")
    assert result.exit_code == 2
    assert path.read_bytes() == before


def test_add_dry_run(example: Path) -> None:
    path = example / "worksheets/meerbusch/prozessmanagement-2020.yaml"
    before = path.read_bytes()
    result = run_gk("-C", str(example), "todo", "add", "meerbusch/prozessmanagement-2020",
                    "--title", "Neu", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.endswith("+  - id: neu\n+    title: \"Neu\"\n+    status: open\n")
    assert path.read_bytes() == before


def test_a_mistyped_sub_command_is_not_taken_for_an_alliance(repo: Path) -> None:
    result = run_gk("-C", str(repo), "--lang", "en", "todo", "dnoe", "bonn/protokoll/spaeter")
    assert result.exit_code == 2
    assert "There is no sub-command 'dnoe'. Did you mean 'done'?" in result.output


def test_every_command_has_help_with_an_example() -> None:
    """Run as users do (help texts are translated when gk starts)."""
    for args in (["init"], ["new"], ["new", "alliance"], ["new", "service"],
                 ["new", "worksheet"], ["checklist"], ["todo"], ["todo", "done"],
                 ["todo", "add"]):
        for lang, word in (("de", "Beispiel"), ("en", "Example")):
            proc = subprocess.run([sys.executable, "-m", "gk", "--lang", lang, *args, "--help"],
                                  capture_output=True, text=True, check=False)
            assert proc.returncode == 0, (args, proc.stderr)
            assert word in proc.stdout, (args, lang)
            assert ("\n    gk " + args[0]) in proc.stdout, (args, lang)
