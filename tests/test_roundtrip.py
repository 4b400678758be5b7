"""Writing without loss: byte-exact edits, verification, atomic replacement, refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import VALID_ALLIANCE, run_gk

from gk.edit import roundtrip
from gk.errors import GkError

# A commented worksheet with CRLF line endings, a BOM, quotes of both kinds, flow lists,
# blank lines, a folded scalar and comments at the ends of lines.
CRLF_SHEET = (
    "\ufeff# Begleitprotokoll – Testdaten\r\n"
    "template: begleitprotokoll\r\n"
    "date: 2026-01-10   # Termin vor Ort\r\n"
    "participants: [GfS, 'Jobcenter, Team U25', \"ABH\"]\r\n"
    "\r\n"
    "summary: >-\r\n"
    "  Lange Zusammenfassung,\r\n"
    "  über zwei Zeilen.\r\n"
    "\r\n"
    "todos:\r\n"
    "  # die wichtigste zuerst\r\n"
    "  - id: abh-einladen\r\n"
    "    title: 'ABH einladen'   # bis Jahresende\r\n"
    "    owner: \"GfS\"\r\n"
    "    status: \"open\"        # offen\r\n"
    "  - {id: flow, title: \"Im Fluss\", status: open, due: 2027-01-31}\r\n"
    "  - id: ohne-stand\r\n"
    "    title: Ohne Stand\r\n"
    "\r\n"
    "# Ende\r\n"
)


def _sheet(make_repo, text: str = CRLF_SHEET) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    root = make_repo({"alliances/bonn.yaml": VALID_ALLIANCE,
                      "worksheets/bonn/protokoll.yaml": text.encode("utf-8")})
    return root, root / "worksheets/bonn/protokoll.yaml"


def _diff(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


@pytest.mark.parametrize(("todo", "old", "new"), [
    ("abh-einladen", b'    status: "open"        # offen\r\n',
     b'    status: "done"        # offen\r\n    done_on: 2026-11-21\r\n'),
    ("flow", b'  - {id: flow, title: "Im Fluss", status: open, due: 2027-01-31}\r\n',
     b'  - {id: flow, title: "Im Fluss", status: done, done_on: 2026-11-21, due: 2027-01-31}'
     b'\r\n'),
])
def test_done_changes_only_its_lines_byte_for_byte(make_repo, todo: str, old: bytes,
                                                   new: bytes) -> None:
    """The status line changes and the day is recorded (a line of its own in block style, an
    entry after the status in a flow mapping); every other byte stays."""
    root, path = _sheet(make_repo)
    before = path.read_bytes()
    result = run_gk("-C", str(root), "todo", "done", f"bonn/protokoll/{todo}")
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert before.count(old) == 1
    assert after == before.replace(old, new)


def test_missing_status_is_added_after_the_title(make_repo) -> None:
    root, path = _sheet(make_repo)
    before = path.read_bytes()
    result = run_gk("-C", str(root), "todo", "done", "bonn/protokoll/ohne-stand")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before.replace(
        b"    title: Ohne Stand\r\n",
        b"    title: Ohne Stand\r\n    status: done\r\n    done_on: 2026-11-21\r\n")


def test_add_keeps_crlf_and_everything_else(make_repo) -> None:
    root, path = _sheet(make_repo)
    before = path.read_bytes()
    result = run_gk("-C", str(root), "todo", "add", "bonn/protokoll", "--title", "Neu",
                    "--owner", "GfS")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before.replace(
        b"    title: Ohne Stand\r\n",
        b"    title: Ohne Stand\r\n  - id: neu\r\n    title: \"Neu\"\r\n    owner: GfS\r\n"
        b"    status: open\r\n")


def test_flow_style_list_falls_back_to_round_trip(make_repo) -> None:
    text = ("template: begleitprotokoll  # Vorlage\n"
            "date: 2026-01-10\n"
            "topics: ['Rollen', \"Daten\"]\n"
            "\n"
            "# noch keine Aufgaben\n"
            "todos: []\n")
    root, path = _sheet(make_repo, text)
    result = run_gk("-C", str(root), "todo", "add", "bonn/protokoll", "--title", "Neu")
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    assert after.startswith("template: begleitprotokoll  # Vorlage\ndate: 2026-01-10\n"
                            "topics: ['Rollen', \"Daten\"]\n\n# noch keine Aufgaben\n")
    doc = roundtrip.open_document(path)
    assert doc.data["todos"] == [{"id": "neu", "title": "Neu", "status": "open"}]


def test_failing_rename_leaves_the_original(make_repo, monkeypatch) -> None:
    root, path = _sheet(make_repo)
    before = path.read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    from gk.edit import atomic

    monkeypatch.setattr(atomic, "_exchange", crash)  # the step that puts the new file in place
    monkeypatch.setattr(os, "rename", crash)
    result = run_gk("-C", str(root), "--lang", "en", "todo", "done", "bonn/protokoll/flow")
    assert result.exit_code == 1
    assert "Writing 'worksheets/bonn/protokoll.yaml' failed (Input/output error); the file " \
           "was left as it was." in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["protokoll.yaml"]


def test_file_changed_since_read_is_refused(make_repo) -> None:
    _root, path = _sheet(make_repo)
    doc = roundtrip.open_document(path, "worksheets/bonn/protokoll.yaml")
    edit = roundtrip.set_todo_status(doc, 0, "done")
    someone_else = CRLF_SHEET.replace("Ohne Stand", "Ohne Stand (geändert)").encode("utf-8")
    path.write_bytes(someone_else)
    with pytest.raises(GkError, match="was changed by someone else"):
        roundtrip.commit(doc, edit.text, edit.expected, "worksheets/bonn/protokoll.yaml")
    assert path.read_bytes() == someone_else
    assert sorted(p.name for p in path.parent.iterdir()) == ["protokoll.yaml"]


def test_same_bytes_but_touched_is_refused(make_repo) -> None:
    _root, path = _sheet(make_repo)
    doc = roundtrip.open_document(path)
    edit = roundtrip.set_todo_status(doc, 0, "done")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    with pytest.raises(GkError):
        roundtrip.commit(doc, edit.text, edit.expected, "protokoll.yaml")
    assert path.read_bytes() == CRLF_SHEET.encode("utf-8")


def test_text_that_does_not_read_back_as_meant_is_refused(make_repo) -> None:
    _root, path = _sheet(make_repo)
    doc = roundtrip.open_document(path)
    edit = roundtrip.set_todo_status(doc, 0, "done")
    wrong = edit.text.replace('status: "done"', 'status: "dropped"', 1)
    assert wrong != edit.text
    with pytest.raises(GkError, match="would not read back as intended"):
        roundtrip.commit(doc, wrong, edit.expected, "protokoll.yaml")
    broken = edit.text.replace("todos:", "todos: [", 1)
    with pytest.raises(GkError):
        roundtrip.commit(doc, broken, edit.expected, "protokoll.yaml")
    assert path.read_bytes() == CRLF_SHEET.encode("utf-8")


def test_a_change_that_adds_an_error_is_refused(make_repo) -> None:
    root, path = _sheet(make_repo)
    rel = "worksheets/bonn/protokoll.yaml"
    doc = roundtrip.open_document(path, rel)
    edit = roundtrip.set_todo_status(doc, 0, "erledigt")  # not a to-do status
    with pytest.raises(GkError, match="GK102"):
        roundtrip.commit(doc, edit.text, edit.expected, rel,
                         accept=roundtrip.no_new_errors(root, rel))
    assert path.read_bytes() == CRLF_SHEET.encode("utf-8")
    assert sorted(p.name for p in path.parent.iterdir()) == ["protokoll.yaml"]


def test_permissions_are_kept(make_repo) -> None:
    root, path = _sheet(make_repo)
    path.chmod(0o640)
    assert run_gk("-C", str(root), "todo", "done", "bonn/protokoll/flow").exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o640


def test_unloadable_file_is_not_touched(make_repo) -> None:
    text = "template: begleitprotokoll\ndate: 2026-01-10\ntodos:\n  - id: a\n   status: open\n"
    root, path = _sheet(make_repo, text)
    result = run_gk("-C", str(root), "--lang", "en", "todo", "done", "bonn/protokoll/a")
    assert result.exit_code == 1
    assert "cannot be changed because it does not load" in result.output
    assert path.read_text(encoding="utf-8") == text


def test_guess_indent() -> None:
    assert roundtrip.guess_indent("a:\n  b: 1\nc:\n  - x\n") == (2, 2)
    assert roundtrip.guess_indent("a:\n    b: 1\nc:\n- x\n") == (4, 0)
    assert roundtrip.guess_indent("a: 1\n") == (2, 2)


def test_line_starts_follow_yaml_line_breaks() -> None:
    assert roundtrip.line_starts("a\r\nb\rc\nd") == [0, 3, 5, 7]


def test_a_linked_file_is_not_replaced(make_repo, tmp_path: Path) -> None:
    root, path = _sheet(make_repo)
    outside = tmp_path / "woanders.yaml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    result = run_gk("-C", str(root), "--lang", "en", "todo", "done", "bonn/protokoll/flow")
    assert result.exit_code == 1
    assert "is a link; gk changes only regular files." in result.output
    assert path.is_symlink() and outside.read_bytes() == CRLF_SHEET.encode("utf-8")
