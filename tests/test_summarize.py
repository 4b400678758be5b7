"""gk summarize: every figure of the hand-computed fixture, privacy, filters, several repositories.

The figures below were worked out by hand from tests/fixtures/reports (period 2025-01-01 to
2025-12-31, today 2026-11-21, privacy.min_count 3, consulting_days 5); the derivation of
each is in the comments and in the fixture's README.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import VALID_ALLIANCE, run_gk, write_repo
from test_gaps import FIXTURE, golden


def c(done: int = 0, progress: int = 0, open_: int = 0, na: int = 0, un: int = 0) -> dict:
    return {"done": done, "in-progress": progress, "open": open_, "not-applicable": na,
            "unanswered": un}


# Current prozessmanagement sheets: rhein-kreis 2025-03-01, nordstadt 2025-09-15 (its 2024
# sheet is older), hafenstadt 2025-11-01 (decisions, data-flow, volunteers left out),
# westfeld 2025-12-31 (documentation left out). suedheim has none and is not counted.
EXPECTED_CHECKLIST = {
    "core-group": c(done=3, progress=1),
    "roles": c(done=3, open_=1),
    "decisions": c(done=1, progress=1, open_=1, un=1),
    "existing-networks": c(done=2, progress=1, open_=1),
    "foreigners-authority": c(done=2, open_=2),
    "legal-situation": c(done=3, open_=1),
    "data-flow": c(done=1, progress=1, open_=1, un=1),
    "needs-analysis": c(done=2, open_=2),
    "service-analysis": c(done=2, open_=2),
    "transitions": c(done=1, progress=1, open_=2),
    "funding-gaps": c(progress=1, open_=3),
    "education-chains": c(done=1, progress=1, open_=2),
    "offer-for-everyone": c(progress=1, open_=3),
    "thm-staffed": c(done=2, open_=1, na=1),
    "thm-qualified": c(done=1, progress=1, open_=1, na=1),
    "thm-embedded": c(done=1, progress=1, open_=1, na=1),
    "case-to-structure": c(progress=1, open_=2, na=1),
    "users-involved": c(open_=4),
    "volunteers": c(done=1, open_=1, na=1, un=1),
    "documentation": c(done=1, progress=1, open_=1, un=1),
}

EXPECTED = {
    "repositories": ["Testablage Berichte (erfunden)"],
    "period": {"from": "2025-01-01", "to": "2025-12-31"},
    "filters": {"regions": [], "alliances": []},
    "today": "2026-11-21",
    "unreadable": [],
    "alliances": {
        "total": 5,
        "by_type": {"kreisfreie-stadt": 2, "kreis": 1, "kreisangehoerige-kommune": 2},
        "by_region": {"arnsberg": 0, "detmold": 0, "duesseldorf": 3, "koeln": 1,
                      "muenster": 1},
    },
    # a worksheet of the template dated 2025-01-01..2025-12-31
    "returns": {
        "prozessmanagement": {"count": 4, "of": 5, "missing": ["suedheim"]},
        "bedarfs-angebotsanalyse": {"count": 3, "of": 5, "missing": ["nordstadt", "westfeld"]},
        # hafenstadt's protocol is dated 2026-01-20, rhein-kreis has one in 2024 and 2025
        "begleitprotokoll": {"count": 3, "of": 5, "missing": ["hafenstadt", "westfeld"]},
    },
    "checklist": EXPECTED_CHECKLIST,
    # computed: rhein-kreis 3 + nordstadt 10 + suedheim 5 + hafenstadt 4 + westfeld 14 = 36;
    # declared: 3 + 0 + 4 + 2 + 0 = 9; confirmed: 2 + 0 + 3 + 2 + 0 = 7
    "gaps": {
        "computed": 36, "declared": 9, "confirmed": 7,
        "by_field": {"language": 1, "education": 5, "vocational-training": 6, "work": 6,
                     "housing": 6, "health": 6, "counselling": 2, "social-participation": 4},
    },
    "broken_chains": 5,
    # open to-dos of all sheets, older ones included; overdue: due before 2026-11-21
    "todos": {
        "open": 9, "overdue": 5,
        "by_alliance": {
            "hafenstadt": {"open": 1, "overdue": 1},   # finanzierung 2026-06-30
            # auslaenderbehoerde-einladen (2024 sheet, 2025-06-30) and angebotsliste
            # (2025-07-31) overdue; bedarfe-erheben (2027) and ketten-planen (no due) not
            "nordstadt": {"open": 4, "overdue": 2},
            "rhein-kreis": {"open": 2, "overdue": 1},  # thm-einbinden 2026-03-31
            "suedheim": {"open": 2, "overdue": 1},     # due 2026-11-20; 2026-11-21 is today
            "westfeld": {"open": 0, "overdue": 0},
        },
    },
    # protocols dated in 2025: rhein-kreis 1.5, nordstadt 1 + 2, suedheim 0.5
    "consulting_days": {
        "used": 5,
        "by_alliance": {"hafenstadt": 0, "nordstadt": 3, "rhein-kreis": 1.5, "suedheim": 0.5,
                        "westfeld": 0},
        "granted": 25,
        "granted_per_year": 5,
        "granted_by_alliance": {"hafenstadt": 5, "nordstadt": 5, "rhein-kreis": 5,
                                "suedheim": 5, "westfeld": 5},
    },
    # Each (alliance, year) is an atomic cell, shown or "<3"; a year's sum adds the shown cells
    # only (docs/datenschutz.md), so no other cell needs withholding. 2024: 35 + 5 + 12 = 52
    # (nordstadt's 2 is <3 and not in the sum); 2025: 28 + 7 + 15 = 50 (suedheim's 1 is <3).
    "participation_management": {
        "positions": 4.5,
        "reached": {"2023": 40, "2024": 52, "2025": 50},
        "not_in_sum": {"2023": 0, "2024": 1, "2025": 1},
        "by_alliance": {
            "hafenstadt": {"positions": 1.5, "reached": {"2024": 12, "2025": 15}},
            "nordstadt": {"positions": 0.5, "reached": {"2024": "<3", "2025": 7}},
            "rhein-kreis": {"positions": 2, "reached": {"2023": 40, "2024": 35, "2025": 28}},
            "suedheim": {"positions": 0.5, "reached": {"2024": 5, "2025": "<3"}},
        },
    },
    # the entries of the latest date, as written; the total adds the shown counts of those for
    # exactly Duldung and Gestattung: 210 + 180 = 390 (suedheim's 2 is <3 and not in the sum;
    # nordstadt counts the two statuses apart, westfeld does not know)
    "target_group": {
        "total": 390,
        "not_in_sum": 1,
        "by_alliance": {
            "hafenstadt": [
                {"as_of": "2024-12-31", "statuses": ["gestattung", "duldung"], "count": 180},
                {"as_of": "2024-12-31", "statuses": ["aufenthaltserlaubnis"],
                 "count": "unknown"}],
            "nordstadt": [
                {"as_of": "2025-03-31", "statuses": ["gestattung"], "count": 14},
                {"as_of": "2025-03-31", "statuses": ["duldung"], "count": 9}],
            "rhein-kreis": [
                {"as_of": "2025-03-31", "statuses": ["gestattung", "duldung"], "count": 210}],
            "suedheim": [
                {"as_of": "2025-03-31", "statuses": ["gestattung", "duldung"], "count": "<3"}],
            "westfeld": [
                {"as_of": "2025-06-30", "statuses": ["gestattung", "duldung"],
                 "count": "unknown"}],
        },
    },
    "privacy": {"min_count": 3, "suppressed": 3, "totals": "shown-values-only"},
}


# Keys added after the first published ones (their figures: tests/test_tables.py).
TABLE_KEYS = ["checklist_matrix", "gap_matrix", "shares", "development"]


def summary_json(*args: str, keep_tables: bool = False) -> dict:
    result = run_gk("summarize", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    state = report.pop("as_of")  # which state the figures show: tests/test_as_of.py
    assert state["basis"] in ("current", "as-of", "period-end")
    assert [k for k in report if k in TABLE_KEYS] == TABLE_KEYS
    if not keep_tables:
        for key in TABLE_KEYS:
            del report[key]
    return report


def test_every_figure_matches_the_hand_computed_ones() -> None:
    assert summary_json("-C", str(FIXTURE)) == EXPECTED


def test_keys_are_in_a_stable_order() -> None:
    report = summary_json("-C", str(FIXTURE), keep_tables=True)
    assert list(report) == [*EXPECTED, *TABLE_KEYS]
    assert list(report["checklist"]) == list(EXPECTED_CHECKLIST)


def test_repository_as_argument_gives_the_same_figures(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert summary_json(str(FIXTURE)) == EXPECTED


def test_summary_markdown_golden() -> None:
    result = run_gk("-C", str(FIXTURE), "summarize", "--format", "markdown")
    assert result.exit_code == 0
    # the state names the commit of the git repository the fixture lies in: it changes with
    # every commit, so it is checked here and left out of the golden file
    title, state, rest = result.output.split("\n\n", 2)
    assert state.startswith("Datenstand 2026-11-21: die aktuellen Dateien")
    golden("summary.md", f"{title}\n\n{rest}")


def test_summary_english_markdown_has_english_headings() -> None:
    result = run_gk("-C", str(FIXTURE), "--lang", "en", "summarize", "--format", "markdown")
    assert result.output.startswith("# Summary: Testablage Berichte (erfunden)\n")
    assert "\n## Participation management (Teilhabemanagement)\n" in result.output
    assert "| Total" not in result.output and "| Sum of the values shown " in result.output
    assert "1.5" in result.output and "1,5" not in result.output


def test_small_counts_never_appear_in_any_format() -> None:
    report = summary_json("-C", str(FIXTURE))
    people = [*report["participation_management"]["reached"].values(),
              *(v for row in report["participation_management"]["by_alliance"].values()
                for v in row["reached"].values()),
              report["target_group"]["total"],
              *(entry["count"] for entries in report["target_group"]["by_alliance"].values()
                for entry in entries)]
    assert not [v for v in people if isinstance(v, int) and v < 3]
    for fmt in ("markdown", "text"):
        out = run_gk("-C", str(FIXTURE), "summarize", "--format", fmt).output
        part = out[out.index("Teilhabemanagement\n"):]
        for value in (" 2 ", " 1 "):  # the suppressed cells
            rows = [line for line in part.splitlines()
                    if ("nordstadt" in line or "suedheim" in line or "hafenstadt" in line)
                    and value in line + " "]
            assert rows == [], (fmt, value, rows)
        # no secondary suppression: the other cells stay exact, the sums leave the small out
        assert "<3" in part and " x " not in part + " "
        assert all(re.search(rf"\b{n}\b", part) for n in (52, 50, 390)), fmt


def test_no_notes_unless_asked() -> None:
    plain = run_gk("-C", str(FIXTURE), "summarize", "--format", "markdown").output
    assert "Kerngruppe tagt monatlich" not in plain
    assert "Seit dem Ende des Teilhabemanagements" not in plain
    assert "notes" not in summary_json("-C", str(FIXTURE))
    report = summary_json("-C", str(FIXTURE), "--notes")
    assert {"alliance": "rhein-kreis", "worksheet": "prozessmanagement-2025",
            "key": "items.core-group.note", "text": "Kerngruppe tagt monatlich."} \
        in report["notes"]
    assert {"alliance": "rhein-kreis", "worksheet": "bedarfs-angebotsanalyse-2025",
            "key": "development_needs",
            "text": "Ein Arbeitsangebot für Geduldete und Gestattete schaffen."} \
        in report["notes"]
    # protocols only from the period, analyses only the current one
    texts = [n["text"] for n in report["notes"]]
    assert "Vor dem Berichtszeitraum." not in texts
    assert "Alte Analyse." not in texts
    assert "Nach dem Berichtszeitraum." not in texts
    assert "Gespräch über die Lücke bei Arbeit." in texts
    with_notes = run_gk("-C", str(FIXTURE), "summarize", "--notes", "--format",
                        "markdown").output
    assert "Kerngruppe tagt monatlich." in with_notes


def test_sources_name_the_files_of_each_figure() -> None:
    report = summary_json("-C", str(FIXTURE), "--sources")
    sources = report.pop("sources")
    assert report == EXPECTED
    assert sources["returns.begleitprotokoll"] == [
        "worksheets/nordstadt/begleitprotokoll-2025-05-20.yaml",
        "worksheets/nordstadt/begleitprotokoll-2025-10-02.yaml",
        "worksheets/rhein-kreis/begleitprotokoll-2025-02-10.yaml",
        "worksheets/suedheim/begleitprotokoll-2025-08-12.yaml",
    ]
    current_sheets = [
        "worksheets/hafenstadt/prozessmanagement-2025.yaml",
        "worksheets/nordstadt/prozessmanagement-2025.yaml",
        "worksheets/rhein-kreis/prozessmanagement-2025.yaml",
        "worksheets/westfeld/prozessmanagement-2025.yaml",
    ]
    assert all(sources[f"checklist.{item}"] == current_sheets for item in EXPECTED_CHECKLIST)
    assert sources["consulting_days.granted_by_alliance.westfeld"] == [
        "alliances/westfeld.yaml", "gk.yaml"]
    assert "worksheets/nordstadt/prozessmanagement-2024.yaml" in sources["todos.open"]
    assert "services/rhein-kreis/teilhabe-alt.yaml" in sources["broken_chains"]
    assert sources["participation_management.positions"] == [
        "alliances/hafenstadt.yaml", "alliances/nordstadt.yaml", "alliances/rhein-kreis.yaml",
        "alliances/suedheim.yaml"]
    # tests/test_sources.py checks every figure and the computed gaps' services


def test_period_options_override_gk_yaml() -> None:
    report = summary_json("-C", str(FIXTURE), "--from", "2024-01-01", "--to", "2024-12-31")
    assert report["period"] == {"from": "2024-01-01", "to": "2024-12-31"}
    assert report["returns"]["begleitprotokoll"] == {
        "count": 1, "of": 5,
        "missing": ["hafenstadt", "nordstadt", "suedheim", "westfeld"]}
    assert report["returns"]["prozessmanagement"]["missing"] == [
        "hafenstadt", "rhein-kreis", "suedheim", "westfeld"]
    # westfeld joined in 2025: no days granted for 2024
    assert report["consulting_days"] == {
        "used": 2, "by_alliance": {"hafenstadt": 0, "nordstadt": 0, "rhein-kreis": 2,
                                   "suedheim": 0, "westfeld": 0},
        "granted": 20, "granted_per_year": 5,
        "granted_by_alliance": {"hafenstadt": 5, "nordstadt": 5, "rhein-kreis": 5,
                                "suedheim": 5, "westfeld": 0}}
    # the current state does not depend on the period
    assert report["checklist"] == EXPECTED_CHECKLIST
    assert report["todos"] == EXPECTED["todos"]
    two_years = summary_json("-C", str(FIXTURE), "--from", "2024-01-01")
    assert two_years["period"] == {"from": "2024-01-01", "to": "2025-12-31"}
    assert two_years["consulting_days"]["granted_by_alliance"]["hafenstadt"] == 10
    assert two_years["consulting_days"]["granted_by_alliance"]["westfeld"] == 5
    assert two_years["consulting_days"]["used"] == 7


def test_bad_period_is_a_usage_error() -> None:
    result = run_gk("-C", str(FIXTURE), "summarize", "--from", "2025-13-01")
    assert result.exit_code == 2
    result = run_gk("-C", str(FIXTURE), "summarize", "--from", "2025-06-01", "--to", "2025-01-01")
    assert result.exit_code == 2


def test_region_and_alliance_filters() -> None:
    report = summary_json("-C", str(FIXTURE), "--region", "koeln")
    assert report["alliances"]["total"] == 1
    assert report["filters"] == {"regions": ["koeln"], "alliances": []}
    assert report["gaps"] == {"computed": 4, "declared": 2, "confirmed": 2, "by_field": {
        "language": 0, "education": 0, "vocational-training": 0, "work": 2, "housing": 2,
        "health": 0, "counselling": 0, "social-participation": 0}}
    assert report["broken_chains"] == 0
    # one alliance alone: 180 stays, it is no small count
    assert report["target_group"]["total"] == 180
    assert report["target_group"]["by_alliance"]["hafenstadt"][0]["count"] == 180
    assert report["privacy"]["suppressed"] == 0

    report = summary_json("-C", str(FIXTURE), "--alliance", "nordstadt", "--alliance",
                          "suedheim")
    assert report["alliances"]["total"] == 2
    assert report["broken_chains"] == 5
    # the sums add the shown cells only: 2024 nordstadt <3 + suedheim 5; 2025 7 + suedheim <3
    assert report["participation_management"]["reached"] == {"2024": 5, "2025": 7}
    assert report["participation_management"]["not_in_sum"] == {"2024": 1, "2025": 1}
    # only suedheim counts Duldung and Gestattung together: its 2 is <3 and adds nothing, so
    # the sum of the shown values is 0; nordstadt's separate counts are no part of the sum
    assert report["target_group"]["total"] == 0
    assert report["target_group"]["not_in_sum"] == 1
    assert report["target_group"]["by_alliance"]["suedheim"][0]["count"] == "<3"
    assert [e["count"] for e in report["target_group"]["by_alliance"]["nordstadt"]] == [14, 9]


def test_unknown_alliance_filter_is_exit_2() -> None:
    result = run_gk("-C", str(FIXTURE), "summarize", "--alliance", "hafenstdt")
    assert result.exit_code == 2
    assert "Meinten Sie „hafenstadt“?" in result.output


def test_text_format_is_plain() -> None:
    result = run_gk("-C", str(FIXTURE), "summarize")
    assert result.exit_code == 0
    assert "\x1b" not in result.output
    assert result.output.startswith("Zusammenfassung: Testablage Berichte (erfunden)\n")
    assert "Zurückgehaltene Werte in diesem Bericht: 3." in result.output


# --- several repositories ----------------------------------------------------------------

def second_repo(root: Path, alliance: str = "bergstadt") -> Path:
    return write_repo(root, {
        "gk.yaml": "gk: 1\nname: Zweite Ablage (erfunden)\nprivacy: {min_count: 5}\n"
                   "consulting_days: 3\n",
        f"alliances/{alliance}.yaml": VALID_ALLIANCE.replace("koeln", "arnsberg")
        + "participation_management:\n  positions: 1\n  reached:\n"
          "    - {year: 2025, persons: 4}\n",
        f"worksheets/{alliance}/begleitprotokoll-2025-03-03.yaml":
            "template: begleitprotokoll\ndate: 2025-03-03\ndays: 2\n",
    })


def test_several_repositories(tmp_path: Path) -> None:
    other = second_repo(tmp_path / "zwei")
    report = summary_json(str(FIXTURE), str(other))
    assert report["repositories"] == ["Testablage Berichte (erfunden)",
                                      "Zweite Ablage (erfunden)"]
    assert report["alliances"]["total"] == 6
    assert report["alliances"]["by_region"]["arnsberg"] == 1
    assert report["returns"]["begleitprotokoll"]["count"] == 4
    assert report["returns"]["begleitprotokoll"]["of"] == 6
    # each repository grants its own days: 5 x 5 + 3
    assert report["consulting_days"]["granted"] == 28
    assert report["consulting_days"]["granted_per_year"] is None
    assert report["consulting_days"]["used"] == 7
    # the strictest minimum (5) applies to all: 2025 cells 28, 7, 1, 15, 4 -> 1 and 4 are
    # <5; 2024 cells 35, 2, 5, 12 -> 2 is <5
    assert report["privacy"]["min_count"] == 5
    reached = report["participation_management"]
    # sums of the shown cells: 2024 35 + 5 + 12; 2025 28 + 7 + 15
    assert reached["reached"] == {"2023": 40, "2024": 52, "2025": 50}
    assert reached["by_alliance"]["bergstadt"]["reached"] == {"2025": "<5"}
    assert reached["by_alliance"]["suedheim"]["reached"] == {"2024": 5, "2025": "<5"}
    assert reached["by_alliance"]["nordstadt"]["reached"] == {"2024": "<5", "2025": 7}
    # gaps of the second repository: no analysis, no services: 16 computed
    assert report["gaps"]["computed"] == 36 + 16


def test_sources_of_several_repositories_name_the_repository(tmp_path: Path) -> None:
    other = second_repo(tmp_path / "zwei")
    report = summary_json(str(FIXTURE), str(other), "--sources")
    # paths relative to the current folder, like the repositories typed
    listed = report["sources"]["alliances.total"]
    assert f"{os.path.relpath(other)}/alliances/bergstadt.yaml" in listed
    assert f"{os.path.relpath(FIXTURE)}/alliances/nordstadt.yaml" in listed


def test_same_alliance_in_two_repositories_is_an_error(tmp_path: Path) -> None:
    other = second_repo(tmp_path / "zwei", "nordstadt")
    result = run_gk("summarize", str(FIXTURE), str(other))
    assert result.exit_code == 2
    assert "nordstadt (in " in result.output and "doppelt" in result.output


def test_same_repository_twice_is_an_error() -> None:
    result = run_gk("summarize", str(FIXTURE), str(FIXTURE / "alliances" / ".."))
    assert result.exit_code == 2


def test_no_repository_is_exit_2(tmp_path: Path) -> None:
    result = run_gk("summarize", str(tmp_path))
    assert result.exit_code == 2
    assert "gk.yaml" in result.output


def test_example_repository_summarises(tmp_path: Path) -> None:
    from conftest import EXAMPLE

    copy = shutil.copytree(EXAMPLE, tmp_path / "nrw")
    report = summary_json("-C", str(copy))
    assert report["alliances"]["total"] == 9
    people = [*report["participation_management"]["reached"].values(),
              *(v for row in report["participation_management"]["by_alliance"].values()
                for v in row["reached"].values()),
              report["target_group"]["total"],
              *(entry["count"] for entries in report["target_group"]["by_alliance"].values()
                for entry in entries)]
    assert "<3" in people
    assert not [v for v in people if isinstance(v, int) and v < 3]
    markdown = run_gk("-C", str(copy), "summarize", "--format", "markdown").output
    # returns, checklist per section, gaps per field, Teilhabemanagement reach per year, and
    # the development: statuses and gaps per year
    assert markdown.count("```mermaid\n---\nconfig:\n  xyChart:\n    showDataLabel: true\n"
                          "---\nxychart-beta horizontal") == 6


def test_only_unknown_target_group_counts(make_repo) -> None:
    root = make_repo({"alliances/stadt.yaml": VALID_ALLIANCE + (
        "target_group:\n  - {as_of: 2025-01-01, count: unknown}\n")})
    report = summary_json("-C", str(root))
    assert report["target_group"] == {"total": None, "not_in_sum": 0, "by_alliance": {"stadt": [
        {"as_of": "2025-01-01", "statuses": [], "count": "unknown"}]}}
    assert report["participation_management"] == {"positions": 0, "reached": {},
                                                  "not_in_sum": {}, "by_alliance": {}}
    assert report["privacy"]["suppressed"] == 0
    assert report["consulting_days"]["granted"] is None
    assert report["period"] == {"from": None, "to": None}


@pytest.mark.parametrize("minimum", [1, 5])
def test_min_count_from_gk_yaml(tmp_path: Path, minimum: int) -> None:
    copy = shutil.copytree(FIXTURE, tmp_path / "repo")
    config = copy / "gk.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "min_count: 3", f"min_count: {minimum}"), encoding="utf-8")
    report = summary_json("-C", str(copy))
    nordstadt = report["participation_management"]["by_alliance"]["nordstadt"]["reached"]
    if minimum == 1:
        # "<1" would say "exactly 0": a minimum of 1 works as 2, so suedheim's 1 is "<2"
        assert nordstadt == {"2024": 2, "2025": 7}
        assert report["participation_management"]["by_alliance"]["suedheim"]["reached"] == {
            "2024": 5, "2025": "<2"}
        assert report["privacy"] == {"min_count": 2, "suppressed": 1,
                                     "totals": "shown-values-only"}
    else:
        # no secondary suppression: 7 stays, the sum of 2025 leaves suedheim's 1 out
        assert nordstadt == {"2024": "<5", "2025": 7}
        assert report["privacy"]["min_count"] == 5
