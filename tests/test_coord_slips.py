"""Beginners' YAML slips in a real worksheet of the example repository: each is named at the
line of the slip, with a fix that, followed literally, makes the file valid again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE, run_gk
from hypothesis import given, settings
from hypothesis import strategies as st

SHEET = "worksheets/meerbusch/prozessmanagement-2020.yaml"

# (id, text replaced, replacement, "file:line:column", German message part, the fixed text)
SLIPS = [
    ("unclosed-quote",
     'note: "Analyse 2019 abgeschlossen."\n  service-analysis:\n',
     'note: "Analyse 2019 abgeschlossen.\n  # note: ""\n  service-analysis:\n',
     f"{SHEET}:32:11:", "Das Anführungszeichen in Zeile 32 wird nicht geschlossen",
     'note: "Analyse 2019 abgeschlossen."\n  # note: ""\n  service-analysis:\n'),
    ("key-at-parent-level",
     "  roles:\n    status: in-progress\n    note:",
     "  roles:\n  status: in-progress\n    note:",
     f"{SHEET}:12:3:", "„status:“ in Zeile 12 steht auf derselben Ebene wie „roles:“",
     "  roles:\n    status: in-progress\n    note:"),
    ("typographic-quotes",
     'note: "Übersicht des Kreises übernommen."',
     "note: „Übersicht: des Kreises übernommen.“",
     f"{SHEET}:26:11:", "nur das gerade Anführungszeichen",
     'note: "Übersicht: des Kreises übernommen."'),
    ("missing-colon", "    status: open\n    note: \"Einwilligung",
     "    status open\n    note: \"Einwilligung",
     f"{SHEET}:28:11:", "Dem Schlüssel „status“ in Zeile 28 fehlt der Doppelpunkt.",
     "    status: open\n    note: \"Einwilligung"),
    ("missing-colon-before-block", "  roles:\n", "  roles\n",
     f"{SHEET}:11:8:", "Dem Schlüssel „roles“ in Zeile 11 fehlt der Doppelpunkt.",
     "  roles:\n"),
    ("title-beside-entry", '    title: "Einwilligungserklärung',
     '  title: "Einwilligungserklärung',
     f"{SHEET}:67:3:", "„title:“ in Zeile 67 gehört zum Listeneintrag aus Zeile 66",
     '    title: "Einwilligungserklärung'),
    ("title-one-space-less", '    title: "Einwilligungserklärung',
     '   title: "Einwilligungserklärung',
     f"{SHEET}:67:4:", "so ein, dass „title:“ in Spalte 5 beginnt",
     '    title: "Einwilligungserklärung'),
    ("entry-one-space-off", "  - id: rollen-kreis-klaeren", "   - id: rollen-kreis-klaeren",
     f"{SHEET}:72:4:", "Der Listeneintrag in Zeile 72 beginnt in Spalte 4, der Eintrag davor "
     "(Zeile 66) in Spalte 3.", None),
]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "nrw"
    shutil.copytree(EXAMPLE, root)
    return root


def check_with_one_error(example: Path, old: str, new: str, where: str, german: str) -> str:
    """Replace ``old`` by ``new`` in the sheet, check it, and return the text output after
    asserting one error at ``where`` with ``german`` in its message."""
    path = example / SHEET
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run_gk("-C", str(example), "check", SHEET)
    assert result.exit_code == 1
    assert where in result.output, result.output
    assert german in result.output, result.output
    assert result.output.count("Fehler GK") == 1
    return str(result.output)


@pytest.mark.parametrize("slip", SLIPS, ids=[s[0] for s in SLIPS])
def test_slip_named_at_its_line(example: Path, slip: tuple[str | None, ...]) -> None:
    _id, old, new, where, german, fixed = slip
    assert "GK001" in check_with_one_error(example, old, new, where, german)
    if fixed is not None:  # the fix the message names, done as it says, is enough
        path = example / SHEET
        path.write_text(path.read_text(encoding="utf-8").replace(new, fixed, 1), "utf-8")
        assert "Fehler GK" not in run_gk("-C", str(example), "check", SHEET).output


def test_fixes_followed_literally_make_the_file_valid(example: Path) -> None:
    """The advice for a list entry one space off: moving the '- ' and its lines back."""
    path = example / SHEET
    text = path.read_text(encoding="utf-8")
    broken = text.replace("  - id: rollen-kreis-klaeren\n    title:",
                          "   - id: rollen-kreis-klaeren\n     title:", 1)
    path.write_text(broken, encoding="utf-8")
    first = run_gk("-C", str(example), "check", SHEET)
    assert "Rücken Sie das „- “ in Zeile 72 in Spalte 3" in first.output
    path.write_text(text, encoding="utf-8")
    assert "Fehler GK" not in run_gk("-C", str(example), "check", SHEET).output


def test_multi_line_quoted_text_is_fine(example: Path) -> None:
    """A quoted text over two lines is valid YAML: no slip is reported for it."""
    path = example / SHEET
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('note: "Analyse 2019 abgeschlossen."',
                                 'note: "Analyse 2019\n      abgeschlossen."', 1), encoding="utf-8")
    result = run_gk("-C", str(example), "check", SHEET)
    assert "Fehler GK" not in result.output, result.output


def test_slip_in_english(example: Path) -> None:
    path = example / SHEET
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  roles:\n", "  roles\n", 1), encoding="utf-8")
    result = run_gk("-C", str(example), "--lang", "en", "check", SHEET)
    assert "The key 'roles' in line 11 has no colon." in result.output


# (id, text replaced, replacement, "file:line:column", German message part, must not appear)
SCHEMA_CASES = [
    ("key-at-parent-level-parsed",
     "  roles:\n    status: in-progress\n    note:", "  roles:\n  status: in-progress\n  note:",
     f"{SHEET}:12:3:", "„status:“ in Zeile 12 steht auf derselben Ebene wie „roles:“ darüber "
     "statt eingerückt darunter; dadurch ist „roles“ leer.\n  Rücken Sie die Zeilen 12 bis 13 "
     "um zwei Leerzeichen weiter ein (bis Spalte 5)", "Unbekannter Prüfpunkt"),
    ("empty-required-status", "    status: open\n    note: \"Einwilligung",
     "    status:\n    note: \"Einwilligung", f"{SHEET}:28:5:",
     "Prüfpunkt „Datenfluss“, „Stand“ (status) ist leer.\n  Tragen Sie hinter dem Doppelpunkt "
     "einen dieser Werte ein: done (erledigt), in-progress (in Arbeit)", "None"),
    ("todo-place-and-german-date", "    due: 2021-06-30", "    due: 30.06.2021",
     f"{SHEET}:77:10:", "2. Aufgabe, „Fällig am“ (due): „30.06.2021“ ist kein gültiges Datum.\n"
     "  Meinten Sie 2021-06-30?", "todos["),
]


@pytest.mark.parametrize("case", SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_schema_message_in_users_words(example: Path, case: tuple[str, ...]) -> None:
    _id, old, new, where, german, absent = case
    output = check_with_one_error(example, old, new, where, german)
    assert absent not in output
    assert "löschen" not in output  # the keys are required: never 'delete the line'


def test_check_of_one_file_says_what_was_checked(example: Path) -> None:
    alliance = example / "alliances/bielefeld.yaml"
    alliance.write_text(alliance.read_text(encoding="utf-8").replace(
        "type: kreisfreie-stadt", "type: stadt"), encoding="utf-8")
    result = run_gk("-C", str(example), "check", "services/meerbusch/")
    assert result.exit_code == 0
    assert "Keine Probleme in services/meerbusch (Verweise gegen alle" in result.output
    assert "Auch andere Dateien haben Befunde: 1 Fehler," in result.output
    assert "„gk check“ ohne Dateinamen zeigt sie." in result.output
    clean = run_gk("-C", str(example), "check", "alliances/bielefeld.yaml")
    assert "1 Fehler, 0 Warnung(en) in alliances/bielefeld.yaml" in clean.output


LINE_PARTS = ["items:", "roles:", "status: open", "status open", "note: \"a", "note: „b“",
              "note: 'c", "- id: x", "title: y", "-", "# note: \"\"", "\"", "'", "a: b: c",
              "note: >-", "text", "- [a, b", "key", ""]


@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from(LINE_PARTS)), max_size=12))
@settings(max_examples=300, deadline=None, database=None, derandomize=True)
def test_slip_hints_never_break_the_loader(lines: list[tuple[int, str]]) -> None:
    """Whatever the slips, loading gives data or findings with a place in the file."""
    from gk.engine.load import load_text, split_lines

    text = "".join(" " * indent + part + "\n" for indent, part in lines)
    loaded = load_text(text, "x.yaml")
    for finding in loaded.findings:
        assert 1 <= finding.line <= max(1, len(split_lines(text)) + 1)
        assert finding.message
