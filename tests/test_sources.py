"""gk summarize --sources: the files behind every figure (row), named in German, with paths
inside the data repository, services included for computed gaps."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_gk
from test_gaps import FIXTURE
from test_summarize import second_repo


def sources(*args: str) -> tuple[dict, dict]:
    result = run_gk("summarize", "--format", "json", "--sources", *args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    return report, report["sources"]


def test_every_row_with_a_figure_names_its_files() -> None:
    report, found = sources("-C", str(FIXTURE))
    for group in ("by_type", "by_region"):
        for key, count in report["alliances"][group].items():
            files = found.get(f"alliances.{group}.{key}", [])
            assert len(files) == count, (group, key)  # one alliance file per alliance
    for alliance, row in report["todos"]["by_alliance"].items():
        assert (f"todos.by_alliance.{alliance}" in found) == (row["open"] > 0)
    for field, count in report["gaps"]["by_field"].items():
        assert (f"gaps.by_field.{field}" in found) == (count > 0)
    for year in report["participation_management"]["reached"]:
        assert f"participation_management.reached.{year}" in found
    for alliance in report["target_group"]["by_alliance"]:
        assert found[f"target_group.by_alliance.{alliance}"] == [f"alliances/{alliance}.yaml"]
    # the sum holds the alliances with an entry for exactly Duldung and Gestattung (nordstadt
    # counts them apart, westfeld does not know)
    assert found["target_group.total"] == [
        "alliances/hafenstadt.yaml", "alliances/rhein-kreis.yaml", "alliances/suedheim.yaml"]
    assert all(not f.startswith("/") for files in found.values() for f in files)


def test_computed_gaps_name_the_services_looked_at() -> None:
    _report, found = sources("-C", str(FIXTURE))
    # rhein-kreis rates language high; its language course is open to Gestattung only
    assert found["gaps.by_field.language"] == [
        "alliances/rhein-kreis.yaml", "services/rhein-kreis/sprachkurs-kreis.yaml",
        "worksheets/rhein-kreis/bedarfs-angebotsanalyse-2025.yaml"]
    # westfeld has no analysis and no service for counselling: its services folder is named
    assert found["gaps.by_field.counselling"] == ["alliances/westfeld.yaml", "services/westfeld/"]
    # nordstadt belongs to the rhein-kreis: the district's file counts too
    assert "alliances/rhein-kreis.yaml" in found["gaps.by_field.health"]
    assert "services/nordstadt/" in found["gaps.by_field.health"]


def test_reports_name_the_figures_in_german() -> None:
    text = run_gk("-C", str(FIXTURE), "summarize", "--sources", "--format", "markdown").output
    section = text[text.index("## Quellen"):]
    assert "| Offene Aufgaben: Stadt Nordstadt (erfunden) (nordstadt) " in section
    assert "| Berechnete Lücken im Handlungsfeld: Sprache " in section
    assert "| Zielgruppe: Summe der Zahlen für Duldung und Gestattung zusammen " in section
    assert "todos.by_alliance" not in section and "gaps.by_field" not in section
    # the checklist items come from the same current sheets: one row for all of them
    assert section.count("Prüfpunkt der Checkliste") == 1
    assert ("| Jeder Prüfpunkt der Checkliste (20 Prüfpunkte) | worksheets/hafenstadt/"
            "prozessmanagement-2025.yaml, worksheets/nordstadt/prozessmanagement-2025.yaml,"
            ) in " ".join(section.split())


def test_several_repositories_name_files_by_relative_paths(tmp_path: Path, monkeypatch) -> None:
    second_repo(tmp_path / "zwei")
    monkeypatch.chdir(tmp_path)
    _report, found = sources(str(FIXTURE), "zwei")
    assert found["returns.begleitprotokoll"][-1] == \
        "zwei/worksheets/bergstadt/begleitprotokoll-2025-03-03.yaml"
