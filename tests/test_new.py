"""gk new: complete, commented files that gk check accepts at once; never overwriting."""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import VALID_ALLIANCE, run_gk

from gk.cli import cli
from gk.engine.load import load_text
from gk.engine.pipeline import CheckOptions, check
from gk.engine.shipped_templates import shipped

ALLIANCE_OPTIONS = ("--name", "Stadt Musterstadt", "--type", "kreisfreie-stadt", "--joined",
                    "2019-01-15", "--lead-office", "Kommunales Integrationszentrum")

CUSTOM_TEMPLATE = """\
id: kurzcheck
version: 1
title: {de: "Kurzcheck", en: "Quick check"}
answer: status
sections:
  - id: basis
    title: {de: "Basis"}
items:
  - id: treffen
    section: basis
    text: {de: "Das Bündnis trifft sich regelmäßig."}
  - id: einschaetzung
    section: basis
    text: {de: "Wie groß ist der Bedarf?"}
    answer: rating
"""


def _findings_in(root: Path, rel: str) -> list[tuple[str, str, int]]:
    result = check(root, CheckOptions(today=dt.date(2026, 11, 21)))
    return [(f.code, f.severity, f.line) for f in result.findings if f.file == rel]


def _schema_target(root: Path, rel: str) -> Path:
    first = (root / rel).read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    return root / posixpath.normpath(posixpath.join(posixpath.dirname(rel), first[len(prefix):]))


@pytest.fixture
def repo(make_repo) -> Path:  # type: ignore[no-untyped-def]
    return make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE + "consultant: ISR\n",
                      "templates/kurzcheck.yaml": CUSTOM_TEMPLATE})


def test_new_alliance(repo: Path) -> None:
    result = run_gk("-C", str(repo), "new", "alliance", "neustadt", *ALLIANCE_OPTIONS,
                    "--region", "koeln", "--contact", "integration@neustadt.example")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "alliances/neustadt.yaml angelegt."
    rel = "alliances/neustadt.yaml"
    assert _findings_in(repo, rel) == []
    text = (repo / rel).read_text(encoding="utf-8")
    assert _schema_target(repo, rel) == repo / ".gk/schemas/alliance.json"
    assert _schema_target(repo, rel).is_file()
    data = load_text(text, rel).data
    assert data == {"name": "Stadt Musterstadt", "type": "kreisfreie-stadt", "region": "koeln",
                    "joined": "2019-01-15",
                    "lead_office": {"organisation": "Kommunales Integrationszentrum",
                                    "contact": "integration@neustadt.example"}}
    # every key of the schema is there, the optional ones as comments with explanations
    for key in ("# id: neustadt", "# district: rhein-kreis-neuss", "# core_group:",
                "#   - organisation:", "# target_group:", "# participation_management:",
                "# consultant:", "# ags:"):
        assert f"\n{key}" in text, key
    assert ("# Art der Kommune (Pflichtangabe): Erlaubt: kreisfreie-stadt (kreisfreie Stadt), "
            "kreis\n# (Kreis), kreisangehoerige-kommune (kreisangehörige Kommune).\n"
            "type: kreisfreie-stadt\n") in text


def test_new_service(repo: Path) -> None:
    result = run_gk("-C", str(repo), "new", "service", "musterstadt", "sprachcafe", "--title",
                    "Sprachcafé im Jugendzentrum", "--provider", "Jugendmigrationsdienst",
                    "--field", "language", "--field", "social-participation",
                    "--open-to", "duldung", "--open-to", "gestattung")
    assert result.exit_code == 0, result.output
    rel = "services/musterstadt/sprachcafe.yaml"
    assert _findings_in(repo, rel) == []
    text = (repo / rel).read_text(encoding="utf-8")
    assert _schema_target(repo, rel) == repo / ".gk/schemas/service.json"
    assert "\nfields: [language, social-participation]\n" in text
    assert "\nopen_to: [duldung, gestattung]\n" in text
    assert "\nstatus: active\n" in text
    assert "\n# follow_up:\n#   - sprachcafe\n" in text


def test_new_prozessmanagement_lists_every_item_as_open(repo: Path) -> None:
    result = run_gk("-C", str(repo), "new", "worksheet", "musterstadt", "prozessmanagement")
    assert result.exit_code == 0, result.output
    rel = "worksheets/musterstadt/prozessmanagement-2026-11-21.yaml"
    assert _findings_in(repo, rel) == []
    text = (repo / rel).read_text(encoding="utf-8")
    assert _schema_target(repo, rel) == repo / ".gk/schemas/worksheet-prozessmanagement.json"
    data = load_text(text, rel).data
    template = shipped()["prozessmanagement"]
    assert data["items"] == {i: {"status": "open"} for i in template.item_ids}
    assert (data["template"], data["date"]) == ("prozessmanagement", "2026-11-21")
    lines = text.splitlines()
    for item in template.items:
        index = lines.index(f"  {item.id}:")
        comment = []
        for line in reversed(lines[:index]):
            if not line.startswith("  # ") or line.startswith("  # –––"):
                break
            comment.insert(0, line[4:])
        assert " ".join(comment) == " ".join(item.text["de"].split()), item.id
        assert lines[index + 1] == "    status: open"


def test_new_begleitprotokoll_takes_the_consultant_of_the_alliance(repo: Path) -> None:
    result = run_gk("-C", str(repo), "new", "worksheet", "musterstadt", "begleitprotokoll",
                    "--date", "2026-11-20", "--author", "Prozessbegleitung", "--days", "0.5")
    assert result.exit_code == 0, result.output
    rel = "worksheets/musterstadt/begleitprotokoll-2026-11-20.yaml"
    assert _findings_in(repo, rel) == []
    data = load_text((repo / rel).read_text(encoding="utf-8"), rel).data
    assert data == {"template": "begleitprotokoll", "date": "2026-11-20",
                    "author": "Prozessbegleitung", "consultant": "ISR", "days": 0.5}


def test_new_analysis_and_custom_template(repo: Path) -> None:
    for template in ("bedarfs-angebotsanalyse", "kurzcheck"):
        result = run_gk("-C", str(repo), "new", "worksheet", "musterstadt", template,
                        "--id", f"{template}-1")
        assert result.exit_code == 0, result.output
        rel = f"worksheets/musterstadt/{template}-1.yaml"
        assert _findings_in(repo, rel) == [], template
        assert _schema_target(repo, rel).is_file()
    text = (repo / "worksheets/musterstadt/kurzcheck-1.yaml").read_text(encoding="utf-8")
    assert "  treffen:\n    status: open\n" in text
    assert "  # einschaetzung:\n  #   rating: none" in text
    assert (repo / ".gk/schemas/worksheet-kurzcheck.json").is_file()


def test_never_overwrites(repo: Path) -> None:
    before = (repo / "alliances/musterstadt.yaml").read_bytes()
    result = run_gk("-C", str(repo), "--lang", "en", "new", "alliance", "musterstadt",
                    *ALLIANCE_OPTIONS)
    assert result.exit_code == 2
    assert "'alliances/musterstadt.yaml' already exists; gk new never overwrites a file." \
        in result.output
    assert (repo / "alliances/musterstadt.yaml").read_bytes() == before
    assert run_gk("-C", str(repo), "new", "worksheet", "musterstadt", "kurzcheck").exit_code == 0
    again = run_gk("-C", str(repo), "new", "worksheet", "musterstadt", "kurzcheck")
    assert again.exit_code == 2
    assert "--id" in again.output


def test_missing_values_outside_a_terminal(repo: Path) -> None:
    result = run_gk("-C", str(repo), "--lang", "en", "new", "alliance", "neustadt", "--name", "X")
    assert result.exit_code == 2
    assert "Missing: --type, --joined, --lead-office." in result.output
    assert not (repo / "alliances/neustadt.yaml").exists()


@pytest.mark.parametrize(("args", "message"), [
    (("alliance", "Neu Stadt"), "'Neu Stadt' is not a valid id for an alliance"),
    (("service", "musterstat", "x"), "Did you mean 'musterstadt'?"),
    (("worksheet", "musterstadt", "prozesmanagement"), "Did you mean 'prozessmanagement'?"),
    (("worksheet", "musterstadt", "begleitprotokoll", "--date", "20.11.2026"),
     "'20.11.2026' is not a date (YYYY-MM-DD)."),
])
def test_usage_errors(repo: Path, args: tuple[str, ...], message: str) -> None:
    result = run_gk("-C", str(repo), "--lang", "en", "new", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_prompts_in_a_terminal(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gk.cli.cmd_new.interactive", lambda: True)
    answers = "Sprachcafé\nJMD\nlanguage, bogus\nlanguage work\nduldung\n\n"
    result = CliRunner().invoke(cli, ["-C", str(repo), "new", "service", "musterstadt", "cafe"],
                                input=answers, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = load_text((repo / "services/musterstadt/cafe.yaml").read_text(encoding="utf-8"),
                     "x").data
    assert data == {"title": "Sprachcafé", "provider": "JMD", "fields": ["language", "work"],
                    "open_to": ["duldung"], "status": "active"}
