"""Writes stay inside the repository, and nothing is lost in a file gk edits (issue 12).

Every test builds a real repository in tmp_path, runs the real command and compares files
byte for byte; links, FIFOs, devices, owners and modes are real (the owner tests need root).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import VALID_ALLIANCE, VALID_CONFIG, run_gk, run_main
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT_ONLY = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                               reason="changing a file's owner needs root")
STRANGER = 12345  # an invented user id

SHEET = ("template: begleitprotokoll\n"
         "date: 2026-01-10\n"
         "todos:\n"
         "  - id: a\n"
         "    title: Erste Aufgabe\n"
         "    status: open\n")


def _repo(make_repo: Any, sheet: str | bytes = SHEET) -> Path:
    return make_repo({"alliances/bonn.yaml": VALID_ALLIANCE,
                      "worksheets/bonn/protokoll.yaml": sheet})


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _gk(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
        **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    """The installed gk as a real process (for /dev/null, /dev/stdout and pipes)."""
    return subprocess.run([sys.executable, "-m", "gk", *args], cwd=cwd, capture_output=True,
                          timeout=120, env={**os.environ, **(env or {})}, **kwargs)


# --- links ------------------------------------------------------------------------------------

def test_todo_commands_do_not_follow_a_linked_alliance_folder(make_repo: Any,
                                                              tmp_path: Path) -> None:
    root = _repo(make_repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "victim.yaml").write_text(SHEET, encoding="utf-8")
    (root / "alliances/evil.yaml").write_text(VALID_ALLIANCE, encoding="utf-8")
    (root / "worksheets/evil").symlink_to(elsewhere)
    before = _tree(elsewhere)
    done = run_gk("-C", str(root), "--lang", "en", "todo", "done", "evil/victim/a")
    add = run_gk("-C", str(root), "--lang", "en", "todo", "add", "evil/victim", "--title", "X")
    for result in (done, add):
        assert result.exit_code != 0
        assert "Traceback" not in result.output
        assert "link" in result.output
    assert _tree(elsewhere) == before


@pytest.mark.parametrize("args", [["service", "evil", "neu", "--title", "T", "--provider", "P",
                                   "--field", "work", "--open-to", "duldung"],
                                  ["worksheet", "evil", "begleitprotokoll"]])
def test_new_does_not_create_files_behind_a_linked_folder(make_repo: Any, tmp_path: Path,
                                                          args: list[str]) -> None:
    root = _repo(make_repo)
    (root / "alliances/evil.yaml").write_text(VALID_ALLIANCE, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = root / ("services" if args[0] == "service" else "worksheets")
    folder.mkdir(exist_ok=True)
    (folder / "evil").symlink_to(elsewhere)
    code, output = run_main("-C", str(root), "--lang", "en", "new", *args)
    assert code != 0, output
    assert "Traceback" not in output
    assert "without links" in output
    assert list(elsewhere.iterdir()) == []


def test_a_linked_gk_folder_is_not_written_through(make_repo: Any, tmp_path: Path) -> None:
    root = _repo(make_repo)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "schemas").mkdir(parents=True)
    (elsewhere / "schemas/alliance.json").write_text("precious", encoding="utf-8")
    (root / ".gk").symlink_to(elsewhere)
    code, output = run_main("-C", str(root), "--lang", "en", "new", "alliance", "neu",
                            "--name", "Neu (erfunden)", "--type", "kreis", "--joined",
                            "2020-01-01", "--lead-office", "Amt (erfunden)")
    assert code != 0 and "without links" in output, output
    assert not (root / "alliances/neu.yaml").exists()  # refused before anything was written
    code, output = run_main("-C", str(root), "schema", "--vscode")
    assert code != 0, output
    assert _tree(elsewhere) == {"schemas/alliance.json": b"precious"}


def test_init_does_not_write_through_a_linked_gk_folder(tmp_path: Path) -> None:
    target = tmp_path / "neu"
    target.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (target / ".gk").symlink_to(elsewhere)
    code, output = run_main("--lang", "en", "init", str(target), "--no-git")
    assert code != 0 and "without links" in output, output
    assert list(elsewhere.iterdir()) == []
    assert not (target / "gk.yaml").exists()


@pytest.mark.parametrize("linked", ["alliances", "README.md"])
def test_init_with_a_link_in_the_way_writes_nothing(tmp_path: Path, linked: str) -> None:
    target = tmp_path / "neu"
    target.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (target / linked).symlink_to(elsewhere if linked == "alliances" else elsewhere / "x.md")
    code, output = run_main("--lang", "en", "init", str(target), "--no-git")
    assert code != 0 and "without links" in output, output
    assert sorted(p.name for p in target.iterdir()) == [linked]
    assert list(elsewhere.iterdir()) == []


def test_a_linked_worksheet_file_is_not_replaced(make_repo: Any, tmp_path: Path) -> None:
    root = _repo(make_repo)
    outside = tmp_path / "outside.yaml"
    outside.write_text(SHEET, encoding="utf-8")
    sheet = root / "worksheets/bonn/protokoll.yaml"
    sheet.unlink()
    sheet.symlink_to(outside)
    result = run_gk("-C", str(root), "--lang", "en", "todo", "done", "bonn/protokoll/a")
    assert result.exit_code == 1
    assert "is a link" in result.output
    assert outside.read_text(encoding="utf-8") == SHEET and sheet.is_symlink()


# --- a gk.yaml of another user above the current folder -----------------------------------------

@ROOT_ONLY
def test_a_parent_repository_of_another_user_is_refused(tmp_path: Path) -> None:
    parent = tmp_path / "shared"
    child = parent / "somewhere" / "deeper"
    child.mkdir(parents=True)
    (parent / "gk.yaml").write_text(VALID_CONFIG, encoding="utf-8")
    os.chown(parent, STRANGER, STRANGER)
    os.chown(parent / "gk.yaml", STRANGER, STRANGER)
    refused = _gk("--lang", "en", "check", cwd=child)
    assert refused.returncode == 2
    message = refused.stderr.decode()
    assert "belongs to another user (user id 12345)" in message
    assert f"GK_SAFE_DIRECTORIES={parent}" in message
    assert "Traceback" not in message
    allowed = _gk("check", cwd=child, env={"GK_SAFE_DIRECTORIES": str(parent)})
    assert allowed.returncode == 0, allowed.stderr
    named = _gk("-C", str(parent), "check", cwd=child)
    assert named.returncode == 0, named.stderr


def test_a_parent_repository_of_the_same_user_is_used(tmp_path: Path) -> None:
    child = tmp_path / "a" / "b"
    child.mkdir(parents=True)
    (tmp_path / "gk.yaml").write_text(VALID_CONFIG, encoding="utf-8")
    assert _gk("check", cwd=child).returncode == 0


# --- -o FILE -------------------------------------------------------------------------------------

def test_output_into_a_fifo_writes_in_place(make_repo: Any, tmp_path: Path) -> None:
    root = _repo(make_repo)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(0.1)
    result = _gk("-C", str(root), "check", "--format", "json", "-o", str(fifo))
    reader.join(10)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(received[0])["errors"] == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_output_into_a_fifo_nobody_reads_is_refused_at_once(make_repo: Any,
                                                            tmp_path: Path) -> None:
    root = _repo(make_repo)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = _gk("-C", str(root), "--lang", "en", "check", "-o", str(fifo))
    assert time.monotonic() - started < 30
    assert result.returncode != 0
    assert b"Nothing reads from the pipe" in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_to_dev_null_leaves_the_device(make_repo: Any) -> None:
    root = _repo(make_repo)
    before = os.stat("/dev/null")
    result = _gk("-C", str(root), "check", "-o", "/dev/null")
    assert result.returncode == 0, result.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev, after.st_mode) == \
        (before.st_ino, before.st_rdev, before.st_mode)


def test_output_to_dev_stdout_reaches_standard_output(make_repo: Any) -> None:
    root = _repo(make_repo)
    result = _gk("-C", str(root), "check", "--format", "json", "-o", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["findings"] == []


@pytest.mark.parametrize("target", ["gk.yaml", "alliances/bonn.yaml",
                                    "worksheets/bonn/protokoll.yaml", "worksheets/bonn/new.md"])
def test_output_over_a_data_file_is_refused(make_repo: Any, target: str) -> None:
    root = _repo(make_repo)
    before = _tree(root)
    code, output = run_main("-C", str(root), "--lang", "en", "check", "-o", str(root / target))
    assert code != 0
    assert "is a file of the data repository" in output
    assert _tree(root) == before


def test_output_through_a_link_keeps_the_link(make_repo: Any, tmp_path: Path) -> None:
    root = _repo(make_repo)
    real = tmp_path / "report.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert run_gk("-C", str(root), "check", "--format", "json", "-o", str(link)).exit_code == 0
    assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["errors"] == 0


@ROOT_ONLY
def test_output_keeps_mode_and_owner_and_refuses_read_only(make_repo: Any,
                                                           tmp_path: Path) -> None:
    root = _repo(make_repo)
    report = tmp_path / "report.txt"
    report.write_text("old", encoding="utf-8")
    os.chown(report, STRANGER, STRANGER)
    report.chmod(0o640)
    assert run_gk("-C", str(root), "check", "-o", str(report)).exit_code == 0
    st = report.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (STRANGER, STRANGER, 0o640)
    report.chmod(0o444)
    code, output = run_main("-C", str(root), "--lang", "en", "check", "-o", str(report))
    assert code != 0 and "is read-only" in output
    assert report.read_bytes() != b"old" and stat.S_IMODE(report.stat().st_mode) == 0o444


# --- mode, owner, read-only files in the repository ---------------------------------------------

@ROOT_ONLY
def test_an_edit_keeps_mode_and_owner(make_repo: Any) -> None:
    root = _repo(make_repo)
    sheet = root / "worksheets/bonn/protokoll.yaml"
    os.chown(sheet, STRANGER, STRANGER)
    sheet.chmod(0o660)
    assert run_gk("-C", str(root), "todo", "done", "bonn/protokoll/a").exit_code == 0
    st = sheet.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (STRANGER, STRANGER, 0o660)
    assert sheet.read_text(encoding="utf-8") == SHEET.replace(
        "status: open", "status: done\n    done_on: 2026-11-21")


@ROOT_ONLY
def test_a_read_only_file_of_another_user_is_not_replaced(make_repo: Any) -> None:
    root = _repo(make_repo)
    sheet = root / "worksheets/bonn/protokoll.yaml"
    os.chown(sheet, STRANGER, STRANGER)
    sheet.chmod(0o444)
    inode = sheet.stat().st_ino
    result = run_gk("-C", str(root), "--lang", "en", "todo", "done", "bonn/protokoll/a")
    assert result.exit_code == 1
    assert "'worksheets/bonn/protokoll.yaml' is read-only; gk changed nothing." in result.output
    st = sheet.stat()
    assert (st.st_ino, st.st_uid, st.st_gid) == (inode, STRANGER, STRANGER)
    assert sheet.read_text(encoding="utf-8") == SHEET


# --- temporary files of a killed gk --------------------------------------------------------------

def _leftover(folder: Path, age: float = 60.0) -> Path:
    tmp = folder / ".protokoll.yaml.0123456789abcdef.tmp"
    tmp.write_text("half a file", encoding="utf-8")
    then = time.time() - age
    os.utime(tmp, (then, then))
    return tmp


def test_leftover_temporary_files_are_ignored_and_cleaned_up(make_repo: Any) -> None:
    root = _repo(make_repo)
    folder = root / "worksheets/bonn"
    stale = _leftover(folder)
    code, output = run_main("-C", str(root), "check", "--format", "json")
    assert code == 0 and json.loads(output)["findings"] == []
    assert run_gk("-C", str(root), "todo", "done", "bonn/protokoll/a").exit_code == 0
    assert not stale.exists()
    assert sorted(p.name for p in folder.iterdir()) == ["protokoll.yaml"]


def test_leftovers_of_older_versions_go_but_files_of_the_user_next_to_a_report_stay(
        make_repo: Any, tmp_path: Path) -> None:
    root = _repo(make_repo)
    folder = root / "worksheets/bonn"
    old_style = folder / ".protokoll.yaml.k2j_9xq1.tmp"  # tempfile.mkstemp, older gk
    old_style.write_text("half", encoding="utf-8")
    os.utime(old_style, (time.time() - 60, time.time() - 60))
    assert run_gk("-C", str(root), "todo", "done", "bonn/protokoll/a").exit_code == 0
    assert not old_style.exists()
    reports = tmp_path / "reports"
    reports.mkdir()
    mine = reports / ".backup.20240101.tmp"
    mine.write_text("the user's", encoding="utf-8")
    os.utime(mine, (time.time() - 60, time.time() - 60))
    stale = _leftover(reports)
    assert run_gk("-C", str(root), "check", "-o", str(reports / "report.txt")).exit_code == 0
    assert mine.read_text(encoding="utf-8") == "the user's"
    assert not stale.exists()


def test_a_temporary_file_in_use_is_not_removed(make_repo: Any) -> None:
    root = _repo(make_repo)
    busy = _leftover(root / "worksheets/bonn")
    with open(busy, "rb") as handle:  # a gk still writing holds this lock
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert run_gk("-C", str(root), "todo", "done", "bonn/protokoll/a").exit_code == 0
        assert busy.exists()


def test_init_ignores_temporary_files_in_git(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    target = tmp_path / "neu"
    assert run_main("init", str(target))[0] == 0
    assert ".*.tmp" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    (target / "worksheets/x").mkdir()
    (target / "worksheets/x/.a.yaml.0123456789abcdef.tmp").write_text("x", encoding="utf-8")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=target, capture_output=True, text=True, check=True)
    assert ".tmp" not in status.stdout


def test_init_adds_the_entry_to_an_existing_gitignore(tmp_path: Path) -> None:
    target = tmp_path / "neu"
    target.mkdir()
    (target / ".gitignore").write_bytes(b"*.docx\r\n/private")
    assert run_main("init", str(target), "--no-git")[0] == 0
    assert (target / ".gitignore").read_bytes() == (
        b"*.docx\r\n/private\r\n# temporary files of a gk write that was interrupted (the next "
        b"write removes them)\r\n.*.tmp\r\n")


# --- changed since read ---------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["in place", "by rename"])
def test_an_editor_save_during_the_write_is_kept(make_repo: Any, how: str) -> None:
    from gk.edit import roundtrip

    root = _repo(make_repo)
    rel = "worksheets/bonn/protokoll.yaml"
    sheet = root / rel
    doc = roundtrip.open_document(sheet, rel, root)
    edit = roundtrip.set_todo_status(doc, 0, "done")
    saved = SHEET.replace("Erste", "Gespeicherte").encode("utf-8")

    def editor_saves(_tmp: str) -> None:  # runs after gk's temporary file is complete
        if how == "in place":
            with open(sheet, "r+b") as handle:
                handle.write(saved)
                handle.truncate()
        else:
            other = sheet.with_name("editor.swp")
            other.write_bytes(saved)
            os.replace(other, sheet)

    with pytest.raises(roundtrip.GkError, match=r"gk read it|gelesen hat"):
        roundtrip.commit(doc, edit.text, edit.expected, rel, accept=editor_saves)
    assert sheet.read_bytes() == saved
    assert sorted(p.name for p in sheet.parent.iterdir()) == ["protokoll.yaml"]


@pytest.mark.parametrize("how", ["in place", "by rename"])
def test_a_save_between_the_check_and_the_swap_is_given_back(make_repo: Any, how: str,
                                                             monkeypatch: Any) -> None:
    """The narrowest window: an editor saves after gk compared the file, right before the
    two files are swapped. gk notices it under the temporary name and swaps back."""
    from gk.edit import atomic, roundtrip

    root = _repo(make_repo)
    rel = "worksheets/bonn/protokoll.yaml"
    sheet = root / rel
    doc = roundtrip.open_document(sheet, rel, root)
    edit = roundtrip.set_todo_status(doc, 0, "done")
    saved = SHEET.replace("Erste", "Gespeicherte").encode("utf-8")
    real_exchange = atomic._exchange
    calls: list[str] = []

    def editor_saves_first(fd: int, first: str, second: str) -> bool:
        if not calls:
            if how == "in place":
                with open(sheet, "r+b") as handle:
                    handle.write(saved)
                    handle.truncate()
            else:
                other = sheet.with_name("editor.swp")
                other.write_bytes(saved)
                os.replace(other, sheet)
        calls.append(first)
        return real_exchange(fd, first, second)

    monkeypatch.setattr(atomic, "_exchange", editor_saves_first)
    with pytest.raises(roundtrip.GkError, match=r"gk read it|gelesen hat"):
        roundtrip.commit(doc, edit.text, edit.expected, rel)
    assert len(calls) == 2  # swapped, noticed, swapped back
    assert sheet.read_bytes() == saved
    assert sorted(p.name for p in sheet.parent.iterdir()) == ["protokoll.yaml"]


def test_output_to_dev_null_as_a_normal_user(tmp_path: Path) -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root to become another user")
    import tempfile

    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o755)
        (folder / "gk.yaml").write_text(VALID_CONFIG, encoding="utf-8")
        (folder / "gk.yaml").chmod(0o644)
        try:
            result = _gk("-C", str(folder), "check", "-o", "/dev/null",
                         env={"HOME": str(folder), "XDG_CACHE_HOME": str(folder / ".cache")},
                         preexec_fn=lambda: os.setuid(65534))
        except PermissionError:
            pytest.skip("the user 65534 may not run this Python")
        assert result.returncode == 0, result.stderr
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    finally:
        shutil.rmtree(folder)


# --- nothing lost: the to-do edits, byte for byte -------------------------------------------------

def _done(root: Path, ref: str) -> Any:
    return run_gk("-C", str(root), "--lang", "en", "todo", "done", ref)


def _add(root: Path, ref: str, *extra: str) -> Any:
    return run_gk("-C", str(root), "--lang", "en", "todo", "add", ref, "--title", "Neu", *extra)


ODD = ("template: begleitprotokoll   # aligned   comment\n"
       "date:     2026-01-10\n"
       "participants: [GfS,   # a comment inside a flow list\n"
       "  ABH]\n"
       "topics: {a: 1, # inside a flow mapping\n"
       "  b: 2}\n"
       "summary: 'one\n"
       "  two'\n"
       "consultant: \"Tab\\there \\u00e4 \\x41\"\n"
       "days: +1\n"
       "author: ~\n"
       "x_null: Null\n"
       "x_long: " + "a" * 5000 + "\n")


def _odd_repo(make_repo: Any, todos: str, tail: str = "") -> tuple[Path, Path]:
    root = _repo(make_repo, ODD + todos + tail)
    return root, root / "worksheets/bonn/protokoll.yaml"


def test_add_to_an_empty_flow_list_keeps_everything_else(make_repo: Any) -> None:
    root, sheet = _odd_repo(make_repo, "todos: []   # none yet\n", "# end\n")
    result = _add(root, "bonn/protokoll", "--due", "2027-01-31")
    assert result.exit_code == 0, result.output
    assert sheet.read_bytes() == (ODD + "todos:   # none yet\n"
                                  "  - id: neu\n"
                                  "    title: \"Neu\"\n"
                                  "    due: 2027-01-31\n"
                                  "    status: open\n"
                                  "# end\n").encode("utf-8")
    assert "(worksheets/bonn/protokoll.yaml, line 15)" in result.output


@pytest.mark.parametrize(("line", "kept"), [
    ("todos:", "todos:"),
    ("todos:   # none yet", "todos:   # none yet"),
    ("todos: ~", "todos:"),
    ("todos: Null  # leer", "todos:       # leer"),
])
def test_add_below_an_empty_todos_key(make_repo: Any, line: str, kept: str) -> None:
    root, sheet = _odd_repo(make_repo, line + "\n", "# end\nauthor_x: 1\n")
    result = _add(root, "bonn/protokoll")
    assert result.exit_code == 0, result.output
    assert sheet.read_bytes() == (ODD + kept + "\n"
                                  "  - id: neu\n"
                                  "    title: \"Neu\"\n"
                                  "    status: open\n"
                                  "# end\nauthor_x: 1\n").encode("utf-8")
    assert "line 15)" in result.output


def test_add_keeps_wide_dashes_and_names_the_new_line(make_repo: Any) -> None:
    todos = ("todos:\n"
             "-   id: a\n"
             "    title: Eins\n"
             "    status: open\n")
    root, sheet = _odd_repo(make_repo, todos, "...\n")
    result = _add(root, "bonn/protokoll")
    assert result.exit_code == 0, result.output
    assert sheet.read_bytes() == (ODD + todos + "-   id: neu\n"
                                  "    title: \"Neu\"\n"
                                  "    status: open\n"
                                  "...\n").encode("utf-8")
    assert "line 18)" in result.output


def test_add_a_first_list_before_the_document_end(make_repo: Any) -> None:
    root, sheet = _odd_repo(make_repo, "", "...\n")
    result = _add(root, "bonn/protokoll")
    assert result.exit_code == 0, result.output
    assert sheet.read_bytes() == (ODD + "todos:\n"
                                  "  - id: neu\n"
                                  "    title: \"Neu\"\n"
                                  "    status: open\n"
                                  "...\n").encode("utf-8")
    assert "line 15)" in result.output


def test_done_behind_an_anchor_and_a_tag_changes_only_the_value(make_repo: Any) -> None:
    todos = ("todos:\n"
             "  - id: a\n"
             "    status: &s !!str open   # anchored\n")
    root, sheet = _odd_repo(make_repo, todos)
    result = _done(root, "bonn/protokoll/a")
    assert result.exit_code == 0, result.output
    assert sheet.read_bytes() == (ODD + todos.replace("open", "done")
                                  + "    done_on: 2026-11-21\n").encode("utf-8")
    assert "line 16)" in result.output


@pytest.mark.parametrize(("todos", "command"), [
    ("todos:\n  - id: a\n    status: &s open\n  - id: b\n    status: *s\n", "done"),
    ("todos: [{id: a, title: x}]   # flow\n", "add"),
    ("todos: [  # none yet\n]\n", "add"),
])
def test_what_cannot_be_edited_in_place_is_refused_with_the_way_by_hand(
        make_repo: Any, todos: str, command: str) -> None:
    root, sheet = _odd_repo(make_repo, todos)
    before = sheet.read_bytes()
    result = _done(root, "bonn/protokoll/a") if command == "done" else _add(root,
                                                                             "bonn/protokoll")
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert ("write 'status: done'" in result.output if command == "done"
            else "Add it by hand at the end of the list 'todos':\ntodos:\n  - id: neu\n"
            in result.output)
    assert sheet.read_bytes() == before


def test_cr_only_line_ends_are_kept(make_repo: Any) -> None:
    text = SHEET.replace("\n", "\r")
    root = _repo(make_repo, text.encode("utf-8"))
    sheet = root / "worksheets/bonn/protokoll.yaml"
    assert _add(root, "bonn/protokoll").exit_code == 0
    assert _done(root, "bonn/protokoll/a").exit_code == 0
    assert sheet.read_bytes() == (text.replace("status: open", "status: done\r    done_on: "
                                               "2026-11-21")
                                  + "  - id: neu\r    title: \"Neu\"\r    status: open\r"
                                  ).encode("utf-8")


# --- gk schema --vscode ---------------------------------------------------------------------------

SETTINGS = ("\ufeff{\r\n"
            "\t// my settings\r\n"
            "\t\"editor.tabSize\": 1e400,\r\n"
            "\t\"files.eol\": \"\\n\",\r\n"
            "\t\"files.eol\": \"\\r\\n\",\r\n"
            "\t\"yaml.schemas\": {\r\n"
            "\t\t\"./other.json\": [ \"/x/*.yaml\" ],\r\n"
            "\t\t\"./.gk/schemas/gk.json\": [\"/gk.yaml\"]\r\n"
            "\t},\r\n"
            "}\r\n")


def test_vscode_changes_only_the_schema_entries(make_repo: Any) -> None:
    from gk.edit.editor_settings import schema_mapping

    root = _repo(make_repo)
    (root / ".vscode").mkdir()
    settings = root / ".vscode/settings.json"
    settings.write_bytes(SETTINGS.encode("utf-8"))
    code, output = run_main("-C", str(root), "schema", "--vscode")
    assert code == 0, output
    added = "".join(f",\r\n\t\t{json.dumps(k)}: {json.dumps(v)}"
                    for k, v in schema_mapping().items() if k != "./.gk/schemas/gk.json")
    expected = SETTINGS.replace('[\"/gk.yaml\"]', '[\"/gk.yaml\"]' + added)
    assert settings.read_bytes() == expected.encode("utf-8")
    assert run_main("-C", str(root), "schema", "--vscode")[0] == 0
    assert settings.read_bytes() == expected.encode("utf-8")  # nothing more to change


# --- property: an edit inserts or changes only its own lines -------------------------------------

FRAGMENTS = ["a_x: 1      # aligned\n", "b_x: [1,  # inside\n  2]\n", "c_x: 'one\n  two'\n",
             'd_x: "\\e\\t\\u00e4 \\x41"\n', "e_x: +1\n", "f_x: Null\n", "g_x: ~\n",
             "h_x: " + "z" * 5000 + "\n", "i_x: &anchor {k: v}   # flow\n", "# comment\n",
             "\n", "j_x: >-\n  folded\n  text\n"]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(FRAGMENTS), unique=True, max_size=8),
       st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_edits_touch_only_their_own_lines(parts: list[str], nl: str, wide: bool) -> None:
    import tempfile

    from gk.edit import roundtrip

    dash = "-   " if wide else "  - "
    body = "    "
    text = ("template: begleitprotokoll\ndate: 2026-01-10\n" + "".join(parts)
            + f"todos:\n{dash}id: a\n{body}status: open\n").replace("\n", nl)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "gk.yaml").write_text(VALID_CONFIG, encoding="utf-8")
        (root / "worksheets/bonn").mkdir(parents=True)
        sheet = root / "worksheets/bonn/protokoll.yaml"
        sheet.write_bytes(text.encode("utf-8"))
        doc = roundtrip.open_document(sheet, "worksheets/bonn/protokoll.yaml", root)
        added = roundtrip.add_todo(doc, {"id": "neu", "title": "Neu", "status": "open"})
        block = f'{dash}id: neu{nl}{body}title: "Neu"{nl}{body}status: open{nl}'
        assert added.text == text + block
        assert added.text.split(nl)[added.line - 1] == f"{dash}id: neu"
        done = roundtrip.set_todo_status(doc, 0, "done")
        assert done.text == text[:text.rindex("open")] + "done" + nl
        assert done.text.split(nl)[done.line - 1] == f"{body}status: done"


def test_a_full_disk_during_gk_new_is_one_clear_line(make_repo: Any) -> None:
    """RLIMIT_FSIZE makes every write past 64 bytes fail with EFBIG, as a full disk would."""
    import resource
    import signal

    root = _repo(make_repo)
    run_gk("-C", str(root), "schema", "--vscode")  # schemas in place: only the new file is left
    before = _tree(root)

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    result = _gk("-C", str(root), "--lang", "en", "new", "service", "bonn", "neu", "--title",
                 "T", "--provider", "P", "--field", "work", "--open-to", "duldung",
                 preexec_fn=small_files)
    assert result.returncode == 2, result.stderr
    message = result.stderr.decode()
    assert message.startswith("gk: Cannot write 'services/bonn/neu.yaml': File too large")
    assert "Traceback" not in message and "internal" not in message
    assert _tree(root) == before
    assert not (root / "services/bonn").exists()  # the folder made for it is gone again


def test_vscode_refuses_a_linked_vscode_folder(make_repo: Any, tmp_path: Path) -> None:
    root = _repo(make_repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "settings.json").write_text("{}", encoding="utf-8")
    (root / ".vscode").symlink_to(elsewhere)
    code, output = run_main("-C", str(root), "--lang", "en", "schema", "--vscode")
    assert code != 0 and "without links" in output, output
    assert _tree(elsewhere) == {"settings.json": b"{}"}
    assert not (root / ".gk").exists()


_JSON_SCALARS = st.one_of(st.integers(), st.booleans(), st.none(), st.text(max_size=5),
                          st.sampled_from(["1e400", "-0.0", "1E+2"]).map(float))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.dictionaries(st.text(min_size=1, max_size=6).filter(lambda k: k != "yaml.schemas"),
                       st.one_of(_JSON_SCALARS, st.lists(_JSON_SCALARS, max_size=3)),
                       max_size=5),
       st.sampled_from(["  ", "    ", "\t", None]), st.sampled_from(["\n", "\r\n"]),
       st.booleans())
def test_vscode_settings_only_grow_by_gk_entries(data: dict[str, Any], indent: str | None,
                                                 nl: str, with_schemas: bool) -> None:
    import difflib

    from gk.edit.editor_settings import schema_mapping
    from gk.edit.jsonc import set_entries

    if with_schemas:
        data = {**data, "yaml.schemas": {"./mine.json": ["/x.yaml"]}}
    text = json.dumps(data, indent=indent, ensure_ascii=False).replace("\n", nl) + nl
    new = set_entries(text, "yaml.schemas", schema_mapping())
    opcodes = difflib.SequenceMatcher(None, text, new, autojunk=False).get_opcodes()
    assert {op for op, *_rest in opcodes} <= {"equal", "insert"}
    loaded = json.loads(new)
    assert {k: v for k, v in loaded.items() if k != "yaml.schemas"} == \
        {k: v for k, v in json.loads(text).items() if k != "yaml.schemas"}
    assert loaded["yaml.schemas"] == {**data.get("yaml.schemas", {}), **schema_mapping()}
