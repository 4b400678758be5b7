"""What a coordinator reads from the command line is German: click's own words, the errors of
options and arguments, and the prompts of ``gk new``, which take the German labels they show."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE, run_main

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "nrw"
    shutil.copytree(EXAMPLE, root)
    return root


def test_help_has_no_english_words() -> None:
    code, out = run_main("new", "worksheet", "--help")
    assert code == 0
    assert "Aufruf: gk new worksheet [OPTIONEN] ALLIANCE TEMPLATE" in out
    assert "[mindestens 0]" in out
    for english in ("[OPTIONS]", "x>=", "FLOAT", "INTEGER", "Usage", "Options:"):
        assert english not in out
    code, out = run_main("--help")
    assert "gk [OPTIONEN] BEFEHL [ANGABEN]..." in out


@pytest.mark.parametrize(("args", "german"), [
    (("new", "service"), "Fehler: Es fehlt die Angabe „ALLIANCE“. „ALLIANCE“ ist die Kennung "
     "des Bündnisses, z. B. meerbusch"),
    (("new", "worksheet", "meerbusch"), "„TEMPLATE“ ist die Vorlage, z. B. prozessmanagement"),
    (("new", "service", "meerbusch", "x", "y"), "Fehler: Eine Angabe zu viel: y."),
    (("check", "--jobs", "0"),
     "Ungültiger Wert für „--jobs“ / „-j“: 0 ist nicht erlaubt: Der Wert muss mindestens 1 sein."),
    (("check", "--jobs", "x"), "„x“ ist keine gültige Zahl."),
    (("chek",), "Den Befehl „chek“ gibt es nicht. Meinten Sie „check“?"),
    (("new", "alliance", "foo", "--type", "kreisfrei"),
     "„kreisfrei“ ist keiner der erlaubten Werte. Meinten Sie „kreisfreie-stadt“?"),
    (("new", "alliance", "foo", "--type", "Kreis", "--joined", "01.03.2019"),
     "„01.03.2019“ ist kein Datum (JJJJ-MM-TT). Meinten Sie 2019-03-01?"),
    (("new", "service", "meerbusch", "neu", "--field", "Sprachkurs"),
     "Erlaubt: language (Sprache), education (Schule und Bildung)"),
])
def test_usage_errors_in_german(example: Path, args: tuple[str, ...], german: str) -> None:
    code, out = run_main("-C", str(example), *args)
    assert code == 2
    assert german in out, out
    assert "is not" not in out and "Got unexpected" not in out and "Error:" not in out


def test_options_take_german_labels(example: Path) -> None:
    code, out = run_main("-C", str(example), "new", "service", "meerbusch", "neu", "--title",
                         "Neu", "--provider", "JMD", "--field", "Sprache, Wohnen", "--field",
                         "GESUNDHEIT",
                         "--open-to", "Duldung", "--status", "aktiv")
    assert code == 0, out
    text = (example / "services/meerbusch/neu.yaml").read_text(encoding="utf-8")
    assert "fields: [language, housing, health]" in text
    assert "open_to: [duldung]" in text
    assert "\nstatus: active" in text
    code, out = run_main("-C", str(example), "new", "alliance", "testort", "--name", "Testort",
                         "--type", "Kreisfreie Stadt", "--joined", "2019-03-01",
                         "--lead-office", "KI")
    assert code == 0, out
    assert "type: kreisfreie-stadt" in (example / "alliances/testort.yaml").read_text("utf-8")


def _answer_prompts(root: Path, args: list[str], answers: list[str]) -> str:
    """Run gk as a process whose standard input is a terminal, typing the answers."""
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    proc = subprocess.Popen([sys.executable, "-m", "gk", "-C", str(root), *args], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    os.close(slave)
    try:
        for answer in answers:
            time.sleep(0.5)
            os.write(master, (answer + "\n").encode())
        out, _err = proc.communicate(timeout=60)
    finally:
        os.close(master)
    return out.decode()


def test_prompts_take_german_labels_and_propose_dates(example: Path) -> None:
    out = _answer_prompts(example, ["new", "alliance", "testort"],
                          ["Testort", "Kreisfreie Stadt", "01.03.2019", "2019-03-01", "KI"])
    assert "Fehler: „01.03.2019“ ist kein Datum (JJJJ-MM-TT). Meinten Sie 2019-03-01?" in out
    text = (example / "alliances/testort.yaml").read_text(encoding="utf-8")
    assert "type: kreisfreie-stadt" in text and "joined: 2019-03-01" in text


def test_list_prompt_takes_labels_with_commas(example: Path) -> None:
    out = _answer_prompts(example, ["new", "service", "meerbusch", "neu"],
                          ["Neu", "JMD", "Sprache, Wohnen", "Duldung, Gestattung", "aktiv"])
    assert "neu.yaml angelegt" in out, out
    text = (example / "services/meerbusch/neu.yaml").read_text(encoding="utf-8")
    assert "fields: [language, housing]" in text
    assert "open_to: [duldung, gestattung]" in text


def test_english_stays_english(example: Path) -> None:
    code, out = run_main("-C", str(example), "--lang", "en", "new", "alliance", "foo",
                         "--type", "kreisfrei")
    assert code == 2
    assert "'kreisfrei' is not one of the allowed values. Did you mean 'kreisfreie-stadt'?" \
        in out


def test_new_checklist_takes_over_the_previous_sheet(example: Path) -> None:
    code, out = run_main("-C", str(example), "new", "worksheet", "meerbusch",
                         "prozessmanagement", "--date", "2026-11-20", "--from-previous")
    assert code == 0, out
    assert "Stand und Notiz von 18 Prüfpunkt(en) wurden aus prozessmanagement-2020 übernommen." \
        in out
    assert "Die 2 offenen To-dos bleiben in prozessmanagement-2020" in out
    rel = "worksheets/meerbusch/prozessmanagement-2026-11-20.yaml"
    text = (example / rel).read_text(encoding="utf-8")
    assert "  roles:\n    status: in-progress\n    note: \"Abgrenzung zur Geschäftsführenden " \
        "Stelle des Kreises noch zu klären.\"\n" in text
    assert "  thm-qualified:\n    status: open\n    # note: \"\"\n" in text  # not answered then
    code, out = run_main("-C", str(example), "check", rel)
    assert code == 0 and "Keine Probleme in " + rel in out, out
    code, out = run_main("-C", str(example), "checklist", "meerbusch")
    assert "Abgrenzung zur Geschäftsführenden" in out


def test_new_checklist_asks_in_a_terminal(example: Path) -> None:
    out = _answer_prompts(example, ["new", "worksheet", "meerbusch", "prozessmanagement",
                                    "--date", "2026-11-20"], ["vielleicht", "ja"])
    assert "Stand und Notiz jedes Prüfpunkts aus prozessmanagement-2020 (2020-07-09) " \
        "übernehmen? [J/n]" in out
    assert "Antworten Sie mit j (ja) oder n (nein)." in out
    text = (example / "worksheets/meerbusch/prozessmanagement-2026-11-20.yaml").read_text("utf-8")
    assert "  core-group:\n    status: done\n" in text


def test_new_checklist_blank(example: Path) -> None:
    code, out = run_main("-C", str(example), "new", "worksheet", "meerbusch",
                         "prozessmanagement", "--date", "2026-11-20", "--blank")
    assert code == 0, out
    text = (example / "worksheets/meerbusch/prozessmanagement-2026-11-20.yaml").read_text("utf-8")
    assert "  core-group:\n    status: open\n" in text
    code, out = run_main("-C", str(example), "new", "worksheet", "hamm", "prozessmanagement",
                         "--from-previous")
    assert code != 0
    assert "Es gibt keine frühere Arbeitshilfe „prozessmanagement“ für „hamm“" in out


@pytest.mark.parametrize("columns", [40, 60, 80, 120, 160])
def test_checklist_wraps_at_word_boundaries(example: Path, columns: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "COLUMNS": str(columns)}
    out = subprocess.run([sys.executable, "-m", "gk", "-C", str(example), "checklist",
                          "meerbusch"], capture_output=True, text=True, env=env,
                         check=True).stdout
    words = set(" ".join(line.strip() for line in out.splitlines()).split())
    for line in out.splitlines():
        # only a file name without spaces may be longer than the terminal
        assert len(line) < columns or " " not in line.strip(), line
        # every line ends and starts with whole words: each is a word of the text
        for word in line.split():
            assert word in words
    joined = " ".join(line.strip() for line in out.splitlines())
    assert "Die Rollen der Geschäftsführenden Stelle und der beteiligten Akteure sind " \
        "geklärt und abgestimmt. [roles]" in joined
    assert "Abgrenzung zur Geschäftsführenden Stelle des Kreises noch zu klären." in joined


def test_gaps_show_partial_age_coverage(example: Path) -> None:
    service = example / "services/rhein-kreis-neuss/einstiegsqualifizierung.yaml"
    text = service.read_text(encoding="utf-8")
    assert "age: {min: 18}" in text
    service.write_text(text.replace("age: {min: 18}", "age: {min: 16, max: 21}"), "utf-8")
    code, out = run_main("-C", str(example), "gaps", "meerbusch")
    assert code == 0, out
    assert "Arbeit           abgedeckt (1), nur für 18–21 Jahre  abgedeckt (1), nur für " \
        "18–21 Jahre" in out
    assert "Ausbildung       abgedeckt (2) " in out  # another service admits the other ages
    assert "„nur für … Jahre“: Die dort gezählten Angebote nehmen nur diese Altersjahre" in out
    code, out = run_main("-C", str(example), "gaps", "meerbusch", "--format", "json")
    import json
    payload = json.loads(out)
    assert {"alliance": "meerbusch", "field": "work", "status": "duldung",
            "ages": [[18, 21]]} in payload["partial_ages"]
    assert set(payload) >= {"gaps", "broken_chains"}
    code, out = run_main("-C", str(example), "gaps", "meerbusch", "--format", "csv")
    assert "partial-ages,meerbusch,work,duldung,,,,,,,,,,18-21" in out


def test_example_check_groups_overdue_todos(example: Path) -> None:
    """The README's first command: overdue to-dos are one block, a line per alliance."""
    code, out = run_main("-C", str(example), "check")
    assert code == 0, out
    assert out.count("Warnung GK405") == 1
    assert "Warnung GK405: 19 offene To-dos sind überfällig:\n" in out
    assert "  meerbusch          4 überfällig, das älteste seit 2021-06-30; anzeigen: " \
        "gk todo meerbusch\n" in out
    assert "  dormagen           1 überfällig seit 2020-12-31; anzeigen: gk todo dormagen\n" in out
    assert out.rstrip().endswith("0 Fehler, 23 Warnung(en) in 108 Dateien.")
    code, out = run_main("-C", str(example), "check", "--format", "json")
    import json
    assert sum(f["code"] == "GK405" for f in json.loads(out)["findings"]) == 19
    code, out = run_main("-C", str(example), "check", "--format", "github")
    assert out.count("::warning") == 23
    # a named file shows each overdue to-do with its line
    code, out = run_main("-C", str(example), "check",
                         "worksheets/meerbusch/prozessmanagement-2020.yaml")
    assert out.count("Warnung GK405") == 2
