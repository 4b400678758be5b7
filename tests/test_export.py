"""gk export: HSDS 3.0 JSON and CSV of the services."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, VALID_ALLIANCE, run_gk, run_main

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://gk.invalid/hsds")

ALLIANCE_B = VALID_ALLIANCE.replace("Stadt Musterstadt", "Stadt Beispielheim")

SPRACHCAFE = """\
title: Sprachcafé
provider: Jugendmigrationsdienst Musterstadt
fields: [language, social-participation]
open_to: [duldung, gestattung]
age: {min: 18, max: 27}
status: active
start: 2020-01-01
capacity: 15
languages: [de, ar]
funding: Landesprogramm
follow_up: [werkstatt, beispielheim/beratung]
description: Deutsch üben bei Kaffee und Tee.
contact: Funktionsadresse des Trägers
verified: 2026-10-01
"""
WERKSTATT = """\
title: "=HYPERLINK(\\"http://x.example\\")"
provider: "+49 Werkstatt gGmbH"
fields: [work]
open_to: [duldung]
age: {min: 16}
status: planned
funding: "-"
"""
BERATUNG = """\
title: "@Beratung"
provider: "  jugendmigrationsdienst   musterstadt "
fields: [counselling]
open_to: [gestattung]
age: {max: 26}
status: ended
start: 2015-01-01
end: 2019-12-31
funding: "\\tSGB VIII"
"""


@pytest.fixture
def repo(make_repo: Any) -> Path:
    root: Path = make_repo({
        "alliances/musterstadt.yaml": VALID_ALLIANCE,
        "alliances/beispielheim.yaml": ALLIANCE_B,
        "services/musterstadt/sprachcafe.yaml": SPRACHCAFE,
        "services/musterstadt/werkstatt.yaml": WERKSTATT,
        "services/beispielheim/beratung.yaml": BERATUNG,
    })
    return root


def sid(ref: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"service:{ref}"))


def oid(provider: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"organization:{provider}"))


# --- CSV -----------------------------------------------------------------------------------

def test_csv_is_one_row_per_service_with_neutralised_formulas(repo: Path) -> None:
    result = run_gk("-C", str(repo), "export", "--format", "csv")
    assert result.exit_code == 0
    assert result.output == (
        "alliance,id,title,provider,fields,open_to,age_min,age_max,status,start,end,capacity,"
        "languages,funding,follow_up,verified\n"
        "beispielheim,beratung,'@Beratung,  jugendmigrationsdienst   musterstadt ,counselling,"
        "gestattung,,26,ended,2015-01-01,2019-12-31,,,'\tSGB VIII,,\n"
        "musterstadt,sprachcafe,Sprachcafé,Jugendmigrationsdienst Musterstadt,"
        "language; social-participation,duldung; gestattung,18,27,active,2020-01-01,,15,de; ar,"
        "Landesprogramm,musterstadt/werkstatt; beispielheim/beratung,2026-10-01\n"
        "musterstadt,werkstatt,\"'=HYPERLINK(\"\"http://x.example\"\")\",'+49 Werkstatt gGmbH,"
        "work,duldung,16,,planned,,,,,'-,,\n"
    )
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["title"] for r in rows] == ["'@Beratung", "Sprachcafé",
                                          "'=HYPERLINK(\"http://x.example\")"]


@pytest.mark.parametrize(("cell", "shown"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (" =x", " =x"),
])
def test_csv_cell_neutralises_formulas(cell: str, shown: str) -> None:
    from gk.render.escape import csv_cell

    assert csv_cell(cell) == shown


def test_csv_of_the_example_repository() -> None:
    result = run_gk("-C", str(EXAMPLE), "export", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == len(list(EXAMPLE.glob("services/*/*.yaml")))
    row = next(r for r in rows
               if (r["alliance"], r["id"]) == ("meerbusch", "jugendintegrationskurs"))
    assert row == {
        "alliance": "meerbusch", "id": "jugendintegrationskurs", "title": "Jugendintegrationskurs",
        "provider": "Volkshochschule Beispielstadt", "fields": "language",
        "open_to": "aufenthaltserlaubnis; gestattung", "age_min": "", "age_max": "27",
        "status": "active", "start": "2018-01-08", "end": "", "capacity": "20", "languages": "de",
        "funding": "Bundesamt für Migration und Flüchtlinge (Integrationskursverordnung)",
        "follow_up": "rhein-kreis-neuss/berufskolleg-foerderklasse", "verified": "2026-04-02",
    }


def test_only_named_alliances(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "angebote.csv"
    result = run_gk("-C", str(repo), "export", "--format", "csv", "beispielheim", "-o", str(target))
    assert result.exit_code == 0
    assert result.output == ""
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in lines] == ["alliance", "beispielheim"]


def test_unknown_alliance_is_a_usage_error(repo: Path) -> None:
    code, output = run_main("-C", str(repo), "export", "--format", "csv", "musterstad")
    assert code == 2
    assert "In dieser Datenablage gibt es kein Bündnis „musterstad“. Meinten Sie „musterstadt“?" \
        in output


# --- HSDS ----------------------------------------------------------------------------------

def test_hsds_service_mapping(repo: Path) -> None:
    result = run_gk("-C", str(repo), "export", "--format", "hsds")
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert list(document) == ["hsds_version", "generator", "name", "organizations", "services"]
    assert document["hsds_version"] == "3.0"
    assert document["name"] == "Testablage (erfunden)"
    services = {s["gk"]["alliance"] + "/" + s["gk"]["id"]: s for s in document["services"]}
    assert list(services) == ["beispielheim/beratung", "musterstadt/sprachcafe",
                              "musterstadt/werkstatt"]
    cafe = sid("musterstadt/sprachcafe")
    assert services["musterstadt/sprachcafe"] == {
        "id": cafe,
        "organization_id": oid("jugendmigrationsdienst musterstadt"),
        "name": "Sprachcafé",
        "description": "Deutsch üben bei Kaffee und Tee.",
        "status": "active",
        "eligibility_description": "Offen für: Duldung, Aufenthaltsgestattung. "
                                   "Alter: 18 bis 27 Jahre.",
        "minimum_age": 18,
        "maximum_age": 27,
        "assured_date": "2026-10-01",
        "languages": [
            {"id": str(uuid.uuid5(NAMESPACE, "language:musterstadt/sprachcafe:de")),
             "service_id": cafe, "code": "de"},
            {"id": str(uuid.uuid5(NAMESPACE, "language:musterstadt/sprachcafe:ar")),
             "service_id": cafe, "code": "ar"},
        ],
        "funding": [{"id": str(uuid.uuid5(NAMESPACE, "funding:musterstadt/sprachcafe")),
                     "service_id": cafe, "source": "Landesprogramm"}],
        "service_areas": [{"id": str(uuid.uuid5(NAMESPACE, "service_area:musterstadt/sprachcafe")),
                           "service_id": cafe, "name": "Stadt Musterstadt"}],
        "gk": {
            "alliance": "musterstadt", "id": "sprachcafe",
            "fields": ["language", "social-participation"], "open_to": ["duldung", "gestattung"],
            "status": "active", "start": "2020-01-01", "contact": "Funktionsadresse des Trägers",
            "capacity": 15,
            "follow_up": ["musterstadt/werkstatt", "beispielheim/beratung"],
        },
    }


def test_hsds_status_and_age_bounds(repo: Path) -> None:
    document = json.loads(run_gk("-C", str(repo), "export", "--lang", "en").output)
    by_id = {s["gk"]["id"]: s for s in document["services"]}
    assert [by_id[k]["status"] for k in ("sprachcafe", "werkstatt", "beratung")] == [
        "active", "inactive", "defunct"]
    assert by_id["werkstatt"]["eligibility_description"] == \
        "Open to: Tolerated stay (Duldung). Age: from 16 years."
    assert by_id["beratung"]["eligibility_description"] == \
        "Open to: Permission to stay (asylum pending). Age: up to 26 years."
    assert "minimum_age" not in by_id["beratung"]
    assert by_id["beratung"]["maximum_age"] == 26
    assert by_id["beratung"]["gk"]["end"] == "2019-12-31"
    assert by_id["werkstatt"]["name"] == '=HYPERLINK("http://x.example")'  # JSON needs no escape


def test_hsds_organizations_are_shared_by_provider_name(repo: Path) -> None:
    document = json.loads(run_gk("-C", str(repo), "export").output)
    assert document["organizations"] == [
        {"id": oid("+49 werkstatt ggmbh"), "name": "+49 Werkstatt gGmbH",
         "description": "Träger von Angeboten für junge volljährige Geflüchtete in: "
                        "Stadt Musterstadt."},
        # the same name with other spacing and case is the same organisation
        {"id": oid("jugendmigrationsdienst musterstadt"),
         "name": "jugendmigrationsdienst musterstadt",
         "description": "Träger von Angeboten für junge volljährige Geflüchtete in: "
                        "Stadt Beispielheim, Stadt Musterstadt."},
    ]
    org_ids = {o["id"] for o in document["organizations"]}
    assert {s["organization_id"] for s in document["services"]} == org_ids


def test_hsds_ids_are_stable_between_runs(repo: Path) -> None:
    first = run_gk("-C", str(repo), "export").output
    second = run_gk("-C", str(repo), "export").output
    assert first == second


# The parts of the HSDS 3.0 JSON schemas (openreferral/specification, schema/*.json) that the
# export uses: required keys, the status list, types and uuid ids.
_UUID = {"type": "string", "format": "uuid"}
HSDS_SUBSET = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["organizations", "services"],
    "properties": {
        "organizations": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "description"],
            "properties": {"id": _UUID, "name": {"type": "string"},
                           "description": {"type": "string"}}}},
        "services": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "status"],
            "properties": {
                "id": _UUID, "organization_id": _UUID, "name": {"type": "string"},
                "description": {"type": "string"},
                "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]},
                "eligibility_description": {"type": "string"},
                "minimum_age": {"type": "number"}, "maximum_age": {"type": "number"},
                "assured_date": {"type": "string", "format": "date"},
                "languages": {"type": "array", "items": {
                    "type": "object", "required": ["id"],
                    "properties": {"id": _UUID, "service_id": _UUID,
                                   "code": {"type": "string", "pattern": "^[a-z]{2,3}$"}}}},
                "funding": {"type": "array", "items": {
                    "type": "object", "required": ["id"],
                    "properties": {"id": _UUID, "service_id": _UUID,
                                   "source": {"type": "string"}}}},
                "service_areas": {"type": "array", "items": {
                    "type": "object", "required": ["id"],
                    "properties": {"id": _UUID, "service_id": _UUID,
                                   "name": {"type": "string"}}}},
            }}},
    },
}


def test_hsds_of_the_example_repository_meets_the_hsds_requirements() -> None:
    from jsonschema import Draft202012Validator, FormatChecker

    result = run_gk("-C", str(EXAMPLE), "export", "--format", "hsds")
    assert result.exit_code == 0
    document = json.loads(result.output)
    validator = Draft202012Validator(HSDS_SUBSET, format_checker=FormatChecker())
    assert [e.message for e in validator.iter_errors(document)] == []
    assert len(document["services"]) == len(list(EXAMPLE.glob("services/*/*.yaml")))
    ids = [s["id"] for s in document["services"]]
    assert len(set(ids)) == len(ids)
    assert all(s["organization_id"] in {o["id"] for o in document["organizations"]}
               for s in document["services"])


def test_service_with_schema_errors_is_exported_as_far_as_readable(make_repo: Any) -> None:
    root = make_repo({
        "alliances/musterstadt.yaml": VALID_ALLIANCE,
        "services/musterstadt/kaputt.yaml": "provider: [keine, zeichenkette]\nfields: sprache\n"
                                            "status: läuft\nage: {min: achtzehn}\n",
    })
    result = run_gk("-C", str(root), "export", "--format", "csv")
    assert result.output.splitlines()[1] == "musterstadt,kaputt,,,,,,,läuft,,,,,,,"
    document = json.loads(run_gk("-C", str(root), "export").output)
    assert document["organizations"] == []
    service = document["services"][0]
    assert (service["name"], service["status"]) == ("kaputt", "inactive")
    assert "organization_id" not in service


def test_empty_repository_exports_empty_lists(make_repo: Any) -> None:
    root = make_repo({})
    document = json.loads(run_gk("-C", str(root), "export").output)
    assert (document["organizations"], document["services"]) == ([], [])
    assert run_gk("-C", str(root), "export", "--format", "csv").output == (
        "alliance,id,title,provider,fields,open_to,age_min,age_max,status,start,end,capacity,"
        "languages,funding,follow_up,verified\n")


def test_output_into_a_missing_folder_is_one_clean_line(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "fehlt" / "angebote.csv"
    code, output = run_main("-C", str(repo), "export", "--format", "csv", "-o", str(target))
    assert code == 2
    assert output.startswith(f"gk: „{target}“ kann nicht geschrieben werden: ")
    assert "Traceback" not in output
    assert not target.parent.exists()
