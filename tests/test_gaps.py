"""gk gaps: the rules of SPEC on a hand-computed fixture, the edge cases, and safe output.

The fixture tests/fixtures/reports (see its README.md) was worked through by hand:

* rhein-kreis (kreis), analysis 2025-04-01 rates language/work high, counselling medium.
  Counting services: jmd-beratung (counselling, d+g), sprachkurs-kreis (language, g only);
  teilhabe-alt (work) has ended. -> language/duldung computed only; work d+g declared and
  computed (confirmed); housing/duldung declared in a field rated low: declared only.
* nordstadt (kreisangehoerige-kommune of rhein-kreis), no analysis: all eight fields.
  Own: sprachcafe (language d+g), jobstart (work d+g, age min 27: overlaps), jugendtreff
  (16-17: does not count), wohnhilfe (planned: does not count); district: counselling d+g,
  language g. -> education, vocational-training, housing, health, social-participation
  computed for both statuses (10).
* suedheim (Kommune of rhein-kreis), analysis rates education high, vocational-training,
  health, counselling medium. lernwerkstatt (education d), ausbildung-plus planned; the
  district's jmd-beratung covers counselling. Declared: education g (+aufenthaltserlaubnis,
  ignored), health d+g, counselling d. -> education/g confirmed, vocational-training d+g
  computed only, health d+g confirmed, counselling/d declared only.
* hafenstadt, latest analysis 2025-02-15 (the 2023 one no longer counts): language,
  counselling high, work, housing medium. sprachkurs-b1 (age max 25) and beratung count;
  altes-projekt has ended, wohnprojekt is planned. -> work d+g computed only, housing d+g
  confirmed.
* westfeld, no analysis, one language service -> 14 computed gaps.

Broken chains (origins active or planned only): jobstart -> teilhabe-alt (ended) for both
statuses; sprachcafe -> sprachkurs-kreis (not open to duldung); wohnhilfe (planned, open to
gestattung) -> teilhabe-alt; lernwerkstatt -> ausbildung-plus (planned) for duldung.
altes-projekt (ended) -> wohnprojekt is not reported; sprachkurs-b1 -> beratung and
ausbildung-plus -> nordstadt/jobstart are intact.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from conftest import VALID_ALLIANCE, run_gk

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "reports"
EXPECTED = FIXTURE / "expected"


def gap(alliance: str, field: str, status: str, declared: bool, computed: bool) -> dict:
    return {"alliance": alliance, "field": field, "status": status, "declared": declared,
            "computed": computed}


def both(alliance: str, field: str, declared: bool = False, computed: bool = True) -> list[dict]:
    return [gap(alliance, field, "duldung", declared, computed),
            gap(alliance, field, "gestattung", declared, computed)]


EXPECTED_GAPS = [
    *both("hafenstadt", "work"),
    *both("hafenstadt", "housing", declared=True),
    *both("nordstadt", "education"),
    *both("nordstadt", "vocational-training"),
    *both("nordstadt", "housing"),
    *both("nordstadt", "health"),
    *both("nordstadt", "social-participation"),
    gap("rhein-kreis", "language", "duldung", False, True),
    *both("rhein-kreis", "work", declared=True),
    gap("rhein-kreis", "housing", "duldung", True, False),
    gap("suedheim", "education", "gestattung", True, True),
    *both("suedheim", "vocational-training"),
    *both("suedheim", "health", declared=True),
    gap("suedheim", "counselling", "duldung", True, False),
    *both("westfeld", "education"),
    *both("westfeld", "vocational-training"),
    *both("westfeld", "work"),
    *both("westfeld", "housing"),
    *both("westfeld", "health"),
    *both("westfeld", "counselling"),
    *both("westfeld", "social-participation"),
]

EXPECTED_CHAINS = [
    {"from": "nordstadt/jobstart", "to": "rhein-kreis/teilhabe-alt", "status": "duldung"},
    {"from": "nordstadt/jobstart", "to": "rhein-kreis/teilhabe-alt", "status": "gestattung"},
    {"from": "nordstadt/sprachcafe", "to": "rhein-kreis/sprachkurs-kreis", "status": "duldung"},
    {"from": "nordstadt/wohnhilfe", "to": "rhein-kreis/teilhabe-alt", "status": "gestattung"},
    {"from": "suedheim/lernwerkstatt", "to": "suedheim/ausbildung-plus", "status": "duldung"},
]


def gaps_json(root: Path, *args: str) -> dict:
    result = run_gk("-C", str(root), "gaps", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def golden(name: str, text: str) -> None:
    """Compare whole with the stored output; GK_UPDATE_GOLDEN=1 rewrites it after a change."""
    path = EXPECTED / name
    if os.environ.get("GK_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_fixture_repository_passes_check() -> None:
    result = run_gk("-C", str(FIXTURE), "check", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["errors"] == 0


def test_gaps_json_matches_hand_computed_figures() -> None:
    report = gaps_json(FIXTURE)
    assert list(report) == ["gaps", "broken_chains", "unreadable", "matrix", "partial_ages", "as_of"]
    assert report["unreadable"] == []
    assert report["gaps"] == EXPECTED_GAPS
    assert report["broken_chains"] == EXPECTED_CHAINS
    assert all(list(row) == ["alliance", "field", "status", "declared", "computed"]
               for row in report["gaps"])


def test_one_alliance_counts_its_district_services() -> None:
    report = gaps_json(FIXTURE, "nordstadt")
    assert report["gaps"] == [g for g in EXPECTED_GAPS if g["alliance"] == "nordstadt"]
    # counselling and language/gestattung are covered only by rhein-kreis services
    assert not any(g["field"] in ("counselling", "language") for g in report["gaps"])
    assert report["broken_chains"] == EXPECTED_CHAINS[:4]


def test_unknown_alliance_is_exit_2_with_suggestion() -> None:
    result = run_gk("-C", str(FIXTURE), "gaps", "nordstad")
    assert result.exit_code == 2
    assert "„nordstad“" in result.output
    assert "Meinten Sie „nordstadt“?" in result.output
    result = run_gk("-C", str(FIXTURE), "--lang", "en", "gaps", "nordstad")
    assert "Did you mean 'nordstadt'?" in result.output


def test_gaps_markdown_golden() -> None:
    result = run_gk("-C", str(FIXTURE), "gaps", "--format", "markdown")
    assert result.exit_code == 0
    golden("gaps.md", result.output)


def test_gaps_text_is_plain_without_terminal() -> None:
    result = run_gk("-C", str(FIXTURE), "gaps")
    assert result.exit_code == 0
    assert "\x1b" not in result.output
    assert result.output.startswith("Lücken: Testablage Berichte (erfunden)\n")
    assert "LÜCKE (bestätigt)" in result.output


def test_gaps_csv_has_a_row_per_gap_and_chain() -> None:
    result = run_gk("-C", str(FIXTURE), "gaps", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    partial = [row for row in rows if row["kind"] == "partial-ages"]
    assert {(r["alliance"], r["field"], r["ages"]) for r in partial} >= {
        ("hafenstadt", "language", "18-25"), ("nordstadt", "work", "27-27")}
    rows = [row for row in rows if row["kind"] != "partial-ages"]
    assert len(rows) == len(EXPECTED_GAPS) + len(EXPECTED_CHAINS)
    assert rows[0] == {"kind": "gap", "alliance": "hafenstadt", "field": "work",
                       "status": "duldung", "declared": "false", "computed": "true",
                       "classification": "computed-only", "from": "", "from_title": "",
                       "to": "", "to_title": "", "reason": "", "file": "", "ages": ""}
    assert rows[-1]["kind"] == "broken-chain"
    assert rows[-1]["from"] == "suedheim/lernwerkstatt"
    assert rows[-1]["reason"] == "not-active"


# --- the rules at their edges, each in a small repository ---------------------------------

KOMMUNE = VALID_ALLIANCE.replace("kreisfreie-stadt", "kreisangehoerige-kommune") \
    + "district: kreis\n"
KREIS = VALID_ALLIANCE.replace("kreisfreie-stadt", "kreis")


def service(fields: str, open_to: str, status: str = "active", extra: str = "") -> str:
    return (f"title: Angebot\nprovider: Träger\nfields: [{fields}]\nopen_to: [{open_to}]\n"
            f"status: {status}\n{extra}")


def analysis(date: str, needs: str = "", gaps: str = "") -> str:
    text = f"template: bedarfs-angebotsanalyse\ndate: {date}\n"
    if needs:
        text += "needs:\n" + "".join(f"  {n}\n" for n in needs.split(";"))
    if gaps:
        text += "gaps:\n" + gaps
    return text


def pairs(report: dict, alliance: str = "stadt") -> set[tuple[str, str, bool, bool]]:
    return {(g["field"], g["status"], g["declared"], g["computed"]) for g in report["gaps"]
            if g["alliance"] == alliance}


def test_age_bounds(make_repo) -> None:
    root = make_repo({
        "alliances/stadt.yaml": VALID_ALLIANCE,
        "worksheets/stadt/analyse.yaml": analysis("2025-01-01", "language: high;work: high;"
                                                  "health: high;housing: high;education: high"),
        # 16-17: no overlap; min 27: overlaps at 27; max 18: overlaps at 18; 28+: no overlap
        "services/stadt/a.yaml": service("language", "duldung, gestattung",
                                         extra="age: {min: 16, max: 17}\n"),
        "services/stadt/b.yaml": service("work", "duldung, gestattung", extra="age: {min: 27}\n"),
        "services/stadt/c.yaml": service("health", "duldung, gestattung", extra="age: {max: 18}\n"),
        "services/stadt/d.yaml": service("housing", "duldung, gestattung",
                                         extra="age: {min: 28, max: 64}\n"),
        "services/stadt/e.yaml": service("education", "duldung, gestattung",
                                         extra="age: {min: 10}\n"),
    })
    assert pairs(gaps_json(root)) == {
        ("language", "duldung", False, True), ("language", "gestattung", False, True),
        ("housing", "duldung", False, True), ("housing", "gestattung", False, True)}


def test_only_active_services_count(make_repo) -> None:
    root = make_repo({
        "alliances/stadt.yaml": VALID_ALLIANCE,
        "worksheets/stadt/analyse.yaml": analysis("2025-01-01", "language: high;work: medium"),
        "services/stadt/a.yaml": service("language", "duldung", "planned"),
        "services/stadt/b.yaml": service("language", "gestattung", "ended"),
        "services/stadt/c.yaml": service("work", "duldung, aufenthaltserlaubnis"),
    })
    assert pairs(gaps_json(root)) == {
        ("language", "duldung", False, True), ("language", "gestattung", False, True),
        ("work", "gestattung", False, True)}


def test_latest_analysis_decides_and_low_fields_are_not_looked_at(make_repo) -> None:
    gaps = ("  - field: housing\n    statuses: [duldung, aufenthaltserlaubnis]\n"
            "  - field: language\n    statuses: [gestattung]\n")
    root = make_repo({
        "alliances/stadt.yaml": VALID_ALLIANCE,
        "worksheets/stadt/alt.yaml": analysis("2024-01-01", "work: high",
                                              "  - field: work\n    statuses: [duldung]\n"),
        "worksheets/stadt/neu.yaml": analysis("2025-01-01", "language: medium;housing: low;"
                                              "work: low", gaps),
        "services/stadt/a.yaml": service("language", "duldung, gestattung"),
    })
    # housing is declared although rated low: listed as declared, never computed;
    # language/gestattung is declared but a service exists: declared only
    assert pairs(gaps_json(root)) == {("housing", "duldung", True, False),
                                      ("language", "gestattung", True, False)}


def test_analysis_without_ratings_looks_at_all_fields(make_repo) -> None:
    root = make_repo({
        "alliances/stadt.yaml": VALID_ALLIANCE,
        "worksheets/stadt/analyse.yaml": analysis("2025-01-01"),
    })
    assert len(pairs(gaps_json(root))) == 16


def test_analysis_rating_nothing_medium_has_no_computed_gaps(make_repo) -> None:
    root = make_repo({
        "alliances/stadt.yaml": VALID_ALLIANCE,
        "worksheets/stadt/analyse.yaml": analysis("2025-01-01", "language: low;work: none"),
    })
    assert gaps_json(root)["gaps"] == []


def test_district_services_count_only_for_a_kreisangehoerige_kommune(make_repo) -> None:
    root = make_repo({
        "alliances/kreis.yaml": KREIS,
        "alliances/stadt.yaml": KOMMUNE,
        # a kreisfreie Stadt naming a district does not get its services
        "alliances/frei.yaml": VALID_ALLIANCE + "district: kreis\n",
        "services/kreis/a.yaml": service(", ".join(
            ["language", "education", "vocational-training", "work", "housing", "health",
             "counselling", "social-participation"]), "duldung, gestattung"),
    })
    report = gaps_json(root)
    assert pairs(report, "stadt") == set()
    assert pairs(report, "kreis") == set()
    assert len(pairs(report, "frei")) == 16


def test_broken_chain_reasons_and_origins(make_repo) -> None:
    root = make_repo({
        "alliances/stadt.yaml": VALID_ALLIANCE,
        "alliances/nachbar.yaml": VALID_ALLIANCE,
        "services/stadt/start.yaml": service("language", "duldung, gestattung, other",
                                             extra="follow_up: [fehlt, nachbar/kurs, ziel, "
                                                   "ziel]\n"),
        "services/stadt/ziel.yaml": service("work", "gestattung"),
        "services/stadt/alt.yaml": service("work", "duldung", "ended",
                                           extra="follow_up: [fehlt]\n"),
        "services/stadt/plan.yaml": service("work", "duldung", "planned",
                                            extra="follow_up: [nachbar/kurs]\n"),
        "services/nachbar/kurs.yaml": service("language", "duldung, gestattung", "planned"),
    })
    assert gaps_json(root)["broken_chains"] == [
        {"from": "stadt/plan", "to": "nachbar/kurs", "status": "duldung"},
        {"from": "stadt/start", "to": "nachbar/kurs", "status": "duldung"},
        {"from": "stadt/start", "to": "nachbar/kurs", "status": "gestattung"},
        {"from": "stadt/start", "to": "stadt/fehlt", "status": "duldung"},
        {"from": "stadt/start", "to": "stadt/fehlt", "status": "gestattung"},
        {"from": "stadt/start", "to": "stadt/ziel", "status": "duldung"},
    ]


# --- user text cannot break the output ----------------------------------------------------

HOSTILE = 'Kurs | A\nB <script>alert(1)</script> `x` # & *y*'


def hostile_repo(make_repo, title: str) -> Path:
    return make_repo({
        "alliances/stadt.yaml": VALID_ALLIANCE.replace("Stadt Musterstadt",
                                                       "Stadt | <b>Muster</b>"),
        "services/stadt/start.yaml": service("language", "duldung",
                                             extra="follow_up: [ziel]\n").replace(
            "title: Angebot", "title: " + json.dumps(title)),
        "services/stadt/ziel.yaml": service("work", "gestattung").replace(
            "title: Angebot", "title: " + json.dumps(title)),
    })


def test_markdown_escapes_user_text(make_repo) -> None:
    root = hostile_repo(make_repo, HOSTILE)
    result = run_gk("-C", str(root), "gaps", "--format", "markdown")
    assert result.exit_code == 0
    out = result.output
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "Kurs \\| A B &lt;script&gt;alert(1)&lt;/script&gt; \\`x\\` # &amp; \\*y\\*" in out
    assert "## Stadt \\| &lt;b&gt;Muster&lt;/b&gt; (stadt)" in out
    chain_rows = [line for line in out.splitlines() if line.startswith("| stadt/start")]
    assert len(chain_rows) == 1
    # every row of the table has exactly the columns of its header: no cell broke out
    table = [line for line in out.split("## ")[-1].splitlines() if line.startswith("|")]
    widths = {line.replace("\\|", "").count("|") for line in table}
    assert widths == {7}


def test_markdown_escapes_leading_hash_and_heading_markup() -> None:
    from gk.render.escape import markdown

    assert markdown("# Titel") == "\\# Titel"
    assert markdown("#") == "\\#" and markdown("Titel #") == "Titel \\#"
    assert markdown("1. Punkt") == "1\\. Punkt" and markdown("1.5") == "1.5"
    assert markdown("a\r\nb\n\nc") == "a b c"
    assert markdown("[link](javascript:x)") == "\\[link\\](javascript:x)"
    assert markdown("\x1b[31mrot") == "\\\\x1b\\[31mrot"


def test_text_output_shows_control_characters(make_repo) -> None:
    root = hostile_repo(make_repo, "Kurs\x1b[31m rot")
    result = run_gk("-C", str(root), "gaps")
    assert "\x1b" not in result.output
    assert "Kurs\\x1b[31m rot" in result.output


def test_csv_neutralises_formulas(make_repo) -> None:
    root = hostile_repo(make_repo, "=HYPERLINK(\"http://x.example\",\"klick\")")
    result = run_gk("-C", str(root), "gaps", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    chain = next(r for r in rows if r["kind"] == "broken-chain")
    assert chain["from_title"] == "'=HYPERLINK(\"http://x.example\",\"klick\")"
    assert chain["to_title"] == chain["from_title"]


def test_csv_cell_rules() -> None:
    from gk.render.escape import csv_cell

    assert [csv_cell(v) for v in ("=1+1", "+49 211", "-2", "@SUM(A1)", "\tx", "\rx", "a=b",
                                  "", None, True, 3)] == [
        "'=1+1", "'+49 211", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "a=b", "", "", "true", "3"]


def test_csv_keeps_newlines_inside_quoted_cells(make_repo) -> None:
    root = hostile_repo(make_repo, "Zeile 1\nZeile 2")
    result = run_gk("-C", str(root), "gaps", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[-1]["to_title"] == "Zeile 1\nZeile 2"


def test_gaps_writes_file_with_output_option(tmp_path: Path) -> None:
    target = tmp_path / "luecken.json"
    result = run_gk("-C", str(FIXTURE), "gaps", "--format", "json", "-o", str(target))
    assert result.exit_code == 0
    assert result.output == ""
    assert json.loads(target.read_text(encoding="utf-8"))["broken_chains"] == EXPECTED_CHAINS
