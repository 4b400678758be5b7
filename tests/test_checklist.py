"""gk checklist: sections in template order, marks, notes, progress without not-applicable items."""

from __future__ import annotations

import json

from conftest import EXAMPLE, VALID_ALLIANCE, run_gk

SHEET = """\
template: prozessmanagement
date: 2026-03-01
author: GfS
items:
  core-group: {status: done, note: "Tagt monatlich."}
  roles: {status: in-progress}
  decisions: {status: not-applicable, note: "Kleine Kommune."}
  existing-networks: {status: open}
  legal-situation: {status: done}
  data-flow: {status: done}
  needs-analysis: {status: not-applicable}
  service-analysis: {status: done}
"""
OLDER = """\
template: prozessmanagement
date: 2025-03-01
items:
  core-group: {status: open}
"""


def _repo(make_repo):  # type: ignore[no-untyped-def]
    return make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "alliances/leerstadt.yaml": VALID_ALLIANCE,
                      "worksheets/musterstadt/pm-2026.yaml": SHEET,
                      "worksheets/musterstadt/pm-2025.yaml": OLDER})


def test_progress_per_section_and_overall(make_repo) -> None:
    root = _repo(make_repo)
    result = run_gk("-C", str(root), "checklist", "musterstadt", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["worksheet"] == "pm-2026"  # the latest by date, not by name
    assert [s["id"] for s in report["sections"]] == [
        "alliance", "foundations", "transitions", "case-management", "participation"]
    progress = {s["id"]: (s["progress"]["done"], s["progress"]["applicable"],
                          s["progress"]["percent"]) for s in report["sections"]}
    assert progress == {"alliance": (1, 4, 25), "foundations": (3, 3, 100),
                        "transitions": (0, 4, 0), "case-management": (0, 4, 0),
                        "participation": (0, 3, 0)}
    assert report["progress"] == {
        "done": 4, "applicable": 18, "percent": 22,
        "counts": {"done": 4, "in-progress": 1, "open": 1, "not-applicable": 2,
                   "unanswered": 12}}
    assert report["unanswered"][:2] == ["foreigners-authority", "transitions"]
    assert len(report["unanswered"]) == 12
    first = report["sections"][0]["items"][0]
    assert first["id"] == "core-group" and first["status"] == "done"
    assert first["note"] == "Tagt monatlich."
    assert first["text"].startswith("Eine Bündniskerngruppe ist eingerichtet")
    unanswered = report["sections"][0]["items"][4]
    assert (unanswered["id"], unanswered["status"], unanswered["note"]) == (
        "foreigners-authority", None, None)


def test_text_shows_marks_notes_and_progress(make_repo) -> None:
    root = _repo(make_repo)
    # wide enough that no item is wrapped (tests/test_coord_cli.py wraps at several widths)
    result = run_gk("-C", str(root), "checklist", "musterstadt", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Checkliste „Prozessmanagement“ – Stadt Musterstadt"
    assert lines[1] == ("Arbeitshilfe pm-2026 vom 2026-03-01 "
                        "(worksheets/musterstadt/pm-2026.yaml)")
    assert lines[3] == "Bündnis und Steuerung — 1 von 4 erledigt (25 %)"
    assert lines[4].startswith("  ✓ Eine Bündniskerngruppe ist eingerichtet")
    assert lines[4].endswith("[core-group]")
    assert lines[5] == "      Tagt monatlich."
    assert lines[6].startswith("  ◐ ") and lines[6].endswith("[roles]")
    assert lines[7].startswith("  – ") and lines[8] == "      Kleine Kommune."
    assert lines[9].startswith("  ○ ") and lines[10].startswith("  ? ")
    assert ("Insgesamt: 4 von 18 erledigt (22 %); 1 in Arbeit, 1 offen, 2 trifft nicht zu, "
            "12 ohne Antwort.") in lines
    assert lines[-1] == "✓ erledigt  ◐ in Arbeit  ○ offen  – trifft nicht zu  ? ohne Antwort"


def test_english_item_texts(make_repo) -> None:
    root = _repo(make_repo)
    result = run_gk("-C", str(root), "--lang", "en", "checklist", "musterstadt")
    assert "Alliance and steering — 1 of 4 done (25 %)" in result.output
    assert "✓ A core group of the alliance is set up" in result.output


def test_markdown_table(make_repo) -> None:
    root = _repo(make_repo)
    result = run_gk("-C", str(root), "checklist", "musterstadt", "--format", "markdown")
    assert result.exit_code == 0
    assert result.output.startswith("## Checkliste „Prozessmanagement“ – Stadt Musterstadt\n")
    assert "### Grundlagen\n\n3 von 3 erledigt (100 %)\n" in result.output
    assert "| ✓  | Eine Bündniskerngruppe" in result.output
    assert "| erledigt        | Tagt monatlich. |" in result.output


def test_older_sheet_with_option(make_repo) -> None:
    root = _repo(make_repo)
    result = run_gk("-C", str(root), "checklist", "musterstadt", "--worksheet", "pm-2025",
                    "--format", "json")
    report = json.loads(result.output)
    assert (report["worksheet"], report["progress"]["done"], report["progress"]["applicable"]) \
        == ("pm-2025", 0, 20)


def test_no_sheet_is_exit_1(make_repo) -> None:
    root = _repo(make_repo)
    result = run_gk("-C", str(root), "checklist", "leerstadt")
    assert result.exit_code == 1
    assert ("Das Bündnis „leerstadt“ hat noch keine Arbeitshilfe „prozessmanagement“. Legen Sie "
            "eine an mit: gk new worksheet leerstadt prozessmanagement") in result.output


def test_unknown_alliance_is_exit_2_with_suggestion(make_repo) -> None:
    root = _repo(make_repo)
    result = run_gk("-C", str(root), "--lang", "en", "checklist", "musterstadtt")
    assert result.exit_code == 2
    assert "There is no alliance 'musterstadtt' in this data repository. Did you mean " \
           "'musterstadt'?" in result.output


def test_unknown_worksheet_is_exit_2(make_repo) -> None:
    root = _repo(make_repo)
    result = run_gk("-C", str(root), "--lang", "en", "checklist", "musterstadt",
                    "--worksheet", "pm-2024")
    assert result.exit_code == 2
    assert "has no worksheet 'pm-2024'." in result.output


def test_example_repository(tmp_path) -> None:
    result = run_gk("-C", str(EXAMPLE), "checklist", "meerbusch", "--format", "json")
    report = json.loads(result.output)
    assert report["worksheet"] == "prozessmanagement-2020"
    assert report["unanswered"] == ["thm-qualified", "case-to-structure"]
    assert (report["progress"]["done"], report["progress"]["applicable"]) == (7, 20)
