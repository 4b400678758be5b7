"""Spreadsheets, CSV for German Excel, matrices and shares, development over time, German numbers.

The figures are those of the hand-computed fixture tests/fixtures/reports (see its README.md,
tests/test_summarize.py and tests/test_gaps.py); the matrices were read off the worksheets by
hand (the letters below: D done, P in progress, O open, N not applicable, U unanswered, in the
catalogue's item order, one group per section). Workbooks are read back with openpyxl, cell by
cell; CSV files with the csv module.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import VALID_ALLIANCE, VALID_SERVICE, run_gk, write_repo
from test_gaps import EXPECTED_GAPS, FIXTURE
from test_summarize import EXPECTED_CHECKLIST

ITEMS = ["core-group", "roles", "decisions", "existing-networks", "foreigners-authority",
         "legal-situation", "data-flow", "needs-analysis", "service-analysis", "transitions",
         "funding-gaps", "education-chains", "offer-for-everyone", "thm-staffed",
         "thm-qualified", "thm-embedded", "case-to-structure", "users-involved", "volunteers",
         "documentation"]
LETTERS = {"D": "done", "P": "in-progress", "O": "open", "N": "not-applicable",
           "U": "unanswered"}
# the current prozessmanagement sheets, read by hand (suedheim has none)
CHECKLIST_MATRIX = {
    "hafenstadt": "DDUPD DUDD PODP DPDP OUO",
    "nordstadt": "DDPDO DPOO OOOO NNNN ODP",
    "rhein-kreis": "DDDDD DDDD DPPO DDPO OND",
    "westfeld": "POOOO OOOO OOOO OOOO OOU",
}
# fields looked at (tests/test_gaps.py): rated medium or high, all eight without an analysis
LOOKED_AT = {
    "hafenstadt": {"language", "counselling", "work", "housing"},
    "nordstadt": None,
    "rhein-kreis": {"language", "work", "counselling"},
    "suedheim": {"education", "vocational-training", "health", "counselling"},
    "westfeld": None,
}
FIELDS = ["language", "education", "vocational-training", "work", "housing", "health",
          "counselling", "social-participation"]


def expected_gap_matrix() -> dict:
    kinds = {}
    for g in EXPECTED_GAPS:
        kind = "confirmed" if g["declared"] and g["computed"] else \
            "computed-only" if g["computed"] else "declared-only"
        kinds[(g["alliance"], g["field"], g["status"])] = kind
    out: dict = {}
    for alliance, looked in LOOKED_AT.items():
        out[alliance] = {f: {s: kinds.get((alliance, f, s), "none" if looked is None or f in looked
                                          else "not-looked-at")
                             for s in ("duldung", "gestattung")} for f in FIELDS}
    return out


def summary(*args: str) -> dict:
    result = run_gk("-C", str(FIXTURE), "summarize", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# --- matrices and shares ------------------------------------------------------------------

def test_alliance_item_matrix_is_what_the_sheets_say() -> None:
    expected = {a: dict(zip(ITEMS, (LETTERS[c] for c in code.replace(" ", "")), strict=True))
                for a, code in CHECKLIST_MATRIX.items()}
    assert summary()["checklist_matrix"] == expected


def test_gap_matrix_in_summary_and_in_gaps() -> None:
    assert summary()["gap_matrix"] == expected_gap_matrix()
    result = run_gk("-C", str(FIXTURE), "gaps", "--format", "json")
    report = json.loads(result.output)
    assert list(report) == ["gaps", "broken_chains", "unreadable", "matrix", "partial_ages", "as_of"]
    assert report["matrix"] == expected_gap_matrix()


def test_shares_x_of_y_alliances() -> None:
    shares = summary()["shares"]
    assert shares["with_checklist"] == {"count": 4, "of": 5, "percent": 80}
    # done of the alliances with a sheet that do not mark the item not applicable
    for item, counts in EXPECTED_CHECKLIST.items():
        of = 4 - counts["not-applicable"]
        assert shares["checklist_done"][item] == {
            "count": counts["done"], "of": of, "percent": round(100 * counts["done"] / of)}
    # alliances with a computed gap per field (from the gap list of tests/test_gaps.py)
    assert {f: v["count"] for f, v in shares["with_computed_gap"].items()} == {
        "language": 1, "education": 3, "vocational-training": 3, "work": 3, "housing": 3,
        "health": 3, "counselling": 1, "social-participation": 2, "any": 5}
    assert all(v["of"] == 5 for v in shares["with_computed_gap"].values())


def test_shares_and_matrices_in_markdown() -> None:
    result = run_gk("-C", str(FIXTURE), "summarize", "--format", "markdown")
    text = result.output
    assert "## Anteile der Bündnisse" in text
    assert "| haben einen aktuellen Prozessmanagement-Bogen" in text
    assert "4 von 5 Bündnissen" in text
    # the matrix row of Westfeld with short column labels 1.1 … 5.3 and the legend
    assert "| Bündnis" in text and "| 5.3" in text
    row = next(line for line in text.splitlines()
               if line.startswith("| Stadt Westfeld (erfunden)") and "◐" in line)
    assert [c.strip() for c in row.split("|")[2:-1]] == ["◐", *["○"] * 18, "?"]
    assert "| 1.1 " in text and "Eine Bündniskerngruppe ist eingerichtet" in text
    result = run_gk("-C", str(FIXTURE), "--lang", "en", "summarize", "--format", "markdown")
    assert "4 of 5 alliances" in result.output


# --- development over time ----------------------------------------------------------------

def test_development_of_the_fixture() -> None:
    figures = summary()["development"]
    nordstadt = figures["checklist"]["nordstadt"]
    assert [(r["date"], r["counts"]) for r in nordstadt] == [
        ("2024-06-01", {"done": 0, "in-progress": 0, "open": 2, "not-applicable": 0,
                        "unanswered": 18}),
        ("2025-09-15", {"done": 5, "in-progress": 3, "open": 8, "not-applicable": 4,
                        "unanswered": 0})]
    assert nordstadt[1]["moves"] == {"forward": 2, "back": 0, "other": 18}
    assert "moves" not in nordstadt[0]
    moved = [(t["item"], t["from"], t["to"]) for t in figures["transitions"]
             if t["from"] != "unanswered"]
    assert moved == [("core-group", "open", "done"), ("roles", "open", "done")]
    hafenstadt = figures["gaps"]["hafenstadt"]
    assert [r["date"] for r in hafenstadt] == ["2023-02-01", "2025-02-15"]
    assert hafenstadt[1]["opened"] == [{"field": "housing", "status": "duldung"},
                                       {"field": "housing", "status": "gestattung"}]
    assert hafenstadt[1]["closed"] == [{"field": "health", "status": "duldung"}]
    rhein = figures["gaps"]["rhein-kreis"][1]
    assert rhein["opened"] == [{"field": "work", "status": "duldung"},
                               {"field": "work", "status": "gestattung"},
                               {"field": "housing", "status": "duldung"}]
    assert rhein["closed"] == [{"field": "housing", "status": "gestattung"}]
    # suedheim's only analysis declares 4 pairs (aufenthaltserlaubnis left out)
    assert [len(r["declared"]) for r in figures["gaps"]["suedheim"]] == [4]
    assert figures["overall"] == {
        "2023": {"checklist_sheets": 0, "checklist": {"done": 0, "in-progress": 0, "open": 0,
                                                      "not-applicable": 0, "unanswered": 0},
                 "analyses": 2, "declared_gaps": 2, "gaps_opened": 0, "gaps_closed": 0},
        "2024": {"checklist_sheets": 1, "checklist": {"done": 0, "in-progress": 0, "open": 2,
                                                      "not-applicable": 0, "unanswered": 18},
                 "analyses": 2, "declared_gaps": 2, "gaps_opened": 0, "gaps_closed": 0},
        "2025": {"checklist_sheets": 4, "checklist": {"done": 27, "in-progress": 12,
                                                      "open": 32, "not-applicable": 5,
                                                      "unanswered": 4},
                 "analyses": 3, "declared_gaps": 9, "gaps_opened": 5, "gaps_closed": 2},
    }


def _sheet(date: str, items: dict[str, str]) -> str:
    lines = ["template: prozessmanagement", f"date: {date}", "items:"]
    lines += [f"  {item}: {{status: {status}}}" for item, status in items.items()]
    return "\n".join(lines) + "\n"


def test_development_over_three_sheets(tmp_path: Path) -> None:
    """2019 -> 2020 -> 2025 of one alliance: forward, back and other moves counted apart."""
    write_repo(tmp_path, {
        "alliances/musterstadt.yaml": VALID_ALLIANCE,
        "worksheets/musterstadt/prozessmanagement-2019.yaml": _sheet(
            "2019-05-01", {"core-group": "open", "roles": "open", "decisions": "open"}),
        "worksheets/musterstadt/prozessmanagement-2020.yaml": _sheet(
            "2020-05-01", {"core-group": "in-progress", "roles": "done",
                           "decisions": "not-applicable"}),
        "worksheets/musterstadt/prozessmanagement-2025.yaml": _sheet(
            "2025-05-01", {"core-group": "done", "roles": "in-progress", "decisions": "open"}),
    })
    result = run_gk("-C", str(tmp_path), "summarize", "--format", "json")
    figures = json.loads(result.output)["development"]
    rows = figures["checklist"]["musterstadt"]
    assert [r["date"] for r in rows] == ["2019-05-01", "2020-05-01", "2025-05-01"]
    assert [r["counts"]["done"] for r in rows] == [0, 1, 1]
    assert [r["counts"]["open"] for r in rows] == [3, 0, 1]
    assert rows[1]["moves"] == {"forward": 2, "back": 0, "other": 1}
    assert rows[2]["moves"] == {"forward": 1, "back": 1, "other": 1}
    assert list(figures["overall"]) == ["2019", "2020", "2025"]
    result = run_gk("-C", str(tmp_path), "summarize", "--format", "markdown")
    section = result.output.split("## Entwicklung über die Zeit")[1]
    row = next(line for line in section.splitlines() if "| 2025-05-01" in line)
    assert [c.strip() for c in row.split("|")[1:-1]] == [
        "Stadt Musterstadt", "2025-05-01", "1", "1", "1", "0", "17", "1", "1", "1"]
    assert "Stand der Prüfpunkte am Ende jedes Jahres" in section  # the chart's title


# --- names and numbers --------------------------------------------------------------------

def test_german_and_english_numbers() -> None:
    from gk.i18n import set_language
    from gk.render.reports import Figure, number

    try:
        set_language("de")
        assert [number(v) for v in (1120, 1.5, 4690, 1234567.25, 0, "<3", None)] == [
            "1.120", "1,5", "4.690", "1.234.567,25", "0", "<3", "–"]
        assert isinstance(number(1120), Figure) and number(1120).value == 1120
        assert not isinstance(number("<3"), Figure)
        set_language("en")
        assert [number(v) for v in (1120, 1.5, 1234567.25)] == ["1,120", "1.5", "1,234,567.25"]
    finally:
        set_language("de")


def test_report_prose_names_alliances_and_not_gk_yaml(tmp_path: Path) -> None:
    result = run_gk("-C", str(FIXTURE), "summarize", "--format", "markdown")
    text = result.output
    returns = text.split("## Rücklauf der Arbeitshilfen")[1].split("##")[0]
    assert "Gemeinde Südheim (erfunden)" in returns and "suedheim" not in returns
    assert "Summe der ausgewiesenen Angaben für genau Duldung und Gestattung zusammen" in text
    assert "gk.yaml" not in text
    write_repo(tmp_path, {"alliances/musterstadt.yaml": VALID_ALLIANCE})
    result = run_gk("-C", str(tmp_path), "summarize", "--format", "markdown")
    assert "kein Berichtszeitraum festgelegt" in result.output
    assert "gk.yaml" not in result.output


# --- XLSX ---------------------------------------------------------------------------------

def workbook(tmp_path: Path, *args: str, root: Path = FIXTURE) -> openpyxl.Workbook:
    target = tmp_path / "report.xlsx"
    result = run_gk("-C", str(root), *args, "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(target)


def rows(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=4, values_only=True))


def test_summary_workbook_cell_by_cell(tmp_path: Path) -> None:
    book = workbook(tmp_path, "summarize")
    assert book.sheetnames == [
        "Zu diesem Bericht", "Bündnisse nach Art", "Bündnisse nach Regierungsbezirk",
        "Rücklauf der Arbeitshilfen", "Checkliste je Abschnitt", "Checkliste Prozessmanagement",
        "Bündnisse × Prüfpunkte",
        "Prüfpunkte (Legende)", "Bündnisse × Handlungsfelder", "Anteile der Bündnisse", "Lücken",
        "Aufgaben (To-dos)", "Beratungstage", "Teilhabemanagement", "Zielgruppe",
        "Entwicklung je Jahr", "Checkliste je Bogen", "Checkliste je Prüfpunkt",
        "Lücken je Analyse"]
    front = [c for c in (r[0] for r in book["Zu diesem Bericht"].iter_rows(values_only=True)) if c]
    assert front[0] == "Zusammenfassung: Testablage Berichte (erfunden)"
    assert "Zeitraum: 2025-01-01 bis 2025-12-31. Stand: 2026-11-21." in front
    assert any(c.startswith("Personenzahlen unter 3 stehen als „<3“") for c in front)
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "A4", name
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A3:"), name
    # numbers are numbers; protected figures stay text
    assert rows(book["Lücken"]) == [
        ("Sprache", 1), ("Schule und Bildung", 5), ("Ausbildung", 6), ("Arbeit", 6),
        ("Wohnen", 6), ("Gesundheit", 6), ("Beratung", 2), ("Soziale Teilhabe", 4)]
    assert rows(book["Beratungstage"])[-1] == ("Summe", 5, 25)
    assert rows(book["Beratungstage"])[2] == ("Rhein-Kreis (erfunden) (rhein-kreis)", 1.5, 5)
    reach = rows(book["Teilhabemanagement"])
    # counts of people: small ones protected, sums of the values shown only (test_summarize)
    assert reach[1] == ("Stadt Nordstadt (erfunden) (nordstadt)", 0.5, "–", "<3", 7)
    assert reach[-1] == ("Summe der ausgewiesenen Werte", 4.5, 40, 52, 50)
    assert rows(book["Zielgruppe"])[-1] == (
        "Summe der ausgewiesenen Angaben für genau Duldung und Gestattung zusammen", None, None,
        390)
    assert rows(book["Zielgruppe"])[5][3] == "<3"
    assert rows(book["Rücklauf der Arbeitshilfen"])[0] == (
        "Prozessmanagement", 4, 5, "Gemeinde Südheim (erfunden)")
    checklist = rows(book["Checkliste Prozessmanagement"])
    assert [r[2:] for r in checklist] == [tuple(c.values()) for c in EXPECTED_CHECKLIST.values()]
    matrix = book["Bündnisse × Prüfpunkte"]
    assert [c.value for c in matrix[3]][:3] == ["Bündnis", "1.1", "1.2"]
    assert rows(matrix)[3] == ("Stadt Westfeld (erfunden)", "◐", *["○"] * 18, "?")
    gaps = rows(book["Bündnisse × Handlungsfelder"])
    assert gaps[0][:6] == ("Stadt Hafenstadt (erfunden)", "Duldung", "–", "·", "·",
                           "nur berechnet")
    shares = rows(book["Anteile der Bündnisse"])
    assert shares[0] == ("haben einen aktuellen Prozessmanagement-Bogen", "4 von 5 Bündnissen",
                         4, 5, 80)
    per_year = rows(book["Entwicklung je Jahr"])
    assert per_year[-1] == ("2025", 4, 27, 12, 32, 5, 4, 3, 9, 5, 2)


def test_gaps_and_todo_workbooks(tmp_path: Path) -> None:
    book = workbook(tmp_path, "gaps")
    assert book.sheetnames[:4] == ["Zu diesem Bericht", "Überblick", "Lücken je Feld und Status",
                                   "Bündnisse × Handlungsfelder"]
    overview = rows(book["Überblick"])
    assert overview[0] == ("Stadt Hafenstadt (erfunden) (hafenstadt)", 2, 2, 0, 0)
    matrix = rows(book["Bündnisse × Handlungsfelder"])
    assert len(matrix) == 10
    assert matrix[-1] == ("Stadt Westfeld (erfunden) (westfeld)", "Aufenthaltsgestattung", "–",
                          *["nur berechnet"] * 7)
    book = workbook(tmp_path, "todo")
    todos = rows(book[book.sheetnames[1]])
    assert len(todos) == 9  # open to-dos of the fixture
    first = todos[0]
    assert first[1] == "ja"  # overdue first
    assert {r[6] for r in todos} == {"Stadt Hafenstadt (erfunden)", "Stadt Nordstadt (erfunden)",
                                     "Rhein-Kreis (erfunden)", "Gemeinde Südheim (erfunden)"}
    assert any(r[4] and r[4].startswith("Die Ausländerbehörde") for r in todos)  # item names


def test_xlsx_needs_a_file_and_never_goes_to_a_terminal(tmp_path: Path) -> None:
    for command in ("summarize", "gaps", "todo"):
        result = run_gk("-C", str(FIXTURE), command, "--format", "xlsx")
        assert result.exit_code == 2
        assert "-o DATEI" in result.output
    runner_pipe = run_gk("-C", str(FIXTURE), "gaps", "--format", "xlsx", "-o", "-")
    assert runner_pipe.exit_code == 0
    assert runner_pipe.stdout_bytes[:2] == b"PK"  # a zip archive, into the pipe


HOSTILE = "=HYPERLINK(\"http://example.invalid\",\"klick\")"


def test_formula_text_stays_text_and_sheet_names_are_valid(tmp_path: Path) -> None:
    alliance = VALID_ALLIANCE.replace("name: Stadt Musterstadt",
                                      "name: '" + HOSTILE.replace("'", "''") + "'")
    write_repo(tmp_path, {
        "alliances/musterstadt.yaml": alliance,
        "alliances/zweite.yaml": VALID_ALLIANCE.replace(
            "name: Stadt Musterstadt", "name: \"[Kreis]: a/b\\\\c*?d' sehr langer Name der Stadt\""),
        "services/musterstadt/cafe.yaml": VALID_SERVICE.replace("Sprachcafé", "'=1+1'"),
    })
    book = workbook(tmp_path, "gaps", root=tmp_path)
    overview = rows(book["Überblick"])
    cell = book["Überblick"]["A4"]
    assert cell.data_type == "s" and cell.value == f"{HOSTILE} (musterstadt)"
    assert overview[0][0].startswith("=HYPERLINK")
    for name in book.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\"), name
    assert len({n.casefold() for n in book.sheetnames}) == len(book.sheetnames)
    with zipfile.ZipFile(tmp_path / "report.xlsx") as archive:
        sheets = "".join(archive.read(n).decode() for n in archive.namelist()
                         if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets  # no formula anywhere


def test_sheet_names_and_spreadsheet_text() -> None:
    from gk.render.escape import sheet_name, spreadsheet_text

    taken: set[str] = set()
    assert sheet_name("Lücken", taken) == "Lücken"
    assert sheet_name("LÜCKEN", taken) == "LÜCKEN (2)"  # Excel ignores case
    assert sheet_name("a[b]:c*d?e/f\\g", taken) == "a b c d e f g"
    long = sheet_name("x" * 40, taken)
    assert long == "x" * 31
    assert sheet_name("x" * 40, taken) == "x" * 27 + " (2)"
    assert sheet_name("'quoted'", taken) == "quoted"
    assert sheet_name("Participation management (Teilhabemanagement)", taken) == \
        "Participation management"  # cut after a word
    assert sheet_name("History", taken) == "Sheet"
    assert sheet_name("", taken) == "Sheet (2)"
    assert spreadsheet_text("a\x1b[31mb\u202ec\nd") == "a\\x1b[31mb\\u202ec\nd"
    assert len(spreadsheet_text("y" * 40000)) == 32767


def _png(width: int, height: int) -> bytes:
    """A real (grey) PNG image of the given size."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_charts_are_placed_beside_their_table(tmp_path: Path) -> None:
    from gk.render.reports import Chart, Document, Para, Section, Series, Table
    from gk.render.xlsx import render_xlsx

    drawn: list[str] = []

    def png(chart: Chart) -> bytes:
        drawn.append(chart.title)
        return _png(40 * len(drawn), 30)

    doc = Document("T", ["intro"], [
        Section("Eins", [Table(["a", "n"], [["x", "1"]], (1,)),
                         Chart("bar", "Bild 1", ["x"], [Series("n", [1.0])])]),
        Section("Zwei", [Para("p"), Chart("bar", "Bild 2", ["y"], [Series("n", [None])])])])
    target = tmp_path / "charts.xlsx"
    target.write_bytes(render_xlsx(doc, png=png))
    assert drawn == ["Bild 1", "Bild 2"]
    drawn.clear()
    assert openpyxl.load_workbook(target).sheetnames == ["Zu diesem Bericht", "Eins", "Zwei"]
    with zipfile.ZipFile(target) as archive:  # openpyxl reads images only with Pillow
        names = archive.namelist()
        assert sorted(n for n in names if n.startswith("xl/media/")) == [
            "xl/media/image1.png", "xl/media/image2.png"]
        assert archive.read("xl/media/image1.png") == _png(40, 30)
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    # sheet "Eins": at the header row (2), right of the two table columns and a gap (3)
    assert "<xdr:from><xdr:col>3</xdr:col>" in drawing
    assert "<xdr:row>2</xdr:row>" in drawing
    target.write_bytes(render_xlsx(doc, png=png, charts=False))
    assert drawn == []  # not called at all
    with zipfile.ZipFile(target) as archive:
        assert not [n for n in archive.namelist() if n.startswith("xl/media/")]


def test_chart_images_when_the_charts_module_is_there(tmp_path: Path) -> None:
    pytest.importorskip("gk.render.charts")
    workbook(tmp_path, "gaps")
    with zipfile.ZipFile(tmp_path / "report.xlsx") as archive:
        images = [n for n in archive.namelist() if n.startswith("xl/media/")]
    assert images and all(n.endswith(".png") for n in images)


# --- CSV for German Excel -----------------------------------------------------------------

def excel_csv(*args: str, root: Path = FIXTURE) -> tuple[bytes, list[list[str]]]:
    result = run_gk("-C", str(root), *args, "--format", "csv-excel")
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    text = data.decode("utf-8-sig")
    return data, list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_excel_for_todo_gaps_and_export(tmp_path: Path) -> None:
    for command in ("todo", "gaps", "export"):
        data, table = excel_csv(command)
        assert data.startswith(b"\xef\xbb\xbf"), command  # UTF-8 byte order mark
        assert b"\r\n" in data and b";" in data.splitlines()[0]
        assert len({len(row) for row in table}) == 1, command  # every row has every column
        plain = run_gk("-C", str(FIXTURE), command, "--format", "csv").output
        comma = list(csv.reader(io.StringIO(plain, newline="")))
        assert table == comma, command  # the same cells, only the dialect differs
    _data, table = excel_csv("export")
    header = table[0]
    fields = [row[header.index("fields")] for row in table[1:]]
    assert any("; " in f for f in fields)  # a list stays one cell
    assert "ü" in "".join(c for row in table for c in row)


def test_csv_excel_keeps_the_formula_guard_and_decimal_comma(tmp_path: Path) -> None:
    write_repo(tmp_path, {
        "alliances/musterstadt.yaml": VALID_ALLIANCE,
        "services/musterstadt/cafe.yaml": VALID_SERVICE.replace("Sprachcafé", "'=1+1; Brücke'"),
    })
    _data, table = excel_csv("export", root=tmp_path)
    titles = [row[table[0].index("title")] for row in table[1:]]
    assert titles == ["'=1+1; Brücke"]
    from gk.render.escape import csv_excel_table

    assert csv_excel_table(["a", "b"], [[1.5, 2]], decimal_comma=True) == "\ufeffa;b\r\n1,5;2\r\n"
    assert csv_excel_table(["a"], [["x;y"]]) == "\ufeffa\r\n\"x;y\"\r\n"


def test_check_and_help_do_not_import_the_spreadsheet_library() -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom gk.cli import main\n"
            "for args in (['--help'], ['-C', sys.argv[1], 'check'], "
            "['-C', sys.argv[1], 'summarize', '--format', 'markdown']):\n"
            "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
            "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in "
            "('xlsxwriter', 'openpyxl') or m == 'gk.render.xlsx'))\n")
    done = subprocess.run([sys.executable, "-c", code, str(FIXTURE)], capture_output=True,
                          text=True, timeout=120)
    assert "LOADED []" in done.stdout, done.stdout[-500:] + done.stderr[-500:]
