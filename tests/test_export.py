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

def hsds_page(root: Path, *args: str) -> dict:
    result = run_gk("-C", str(root), "export", "--format", "hsds", *args)
    assert result.exit_code == 0, result.output
    page: dict = json.loads(result.output)
    return page


def oid(alliance: str, provider: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"organization:{alliance}:{provider}"))


def term(taxonomy: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy_term:{taxonomy}:{code}"))


def test_hsds_is_one_page_of_the_services_api(repo: Path) -> None:
    page = hsds_page(repo)
    assert list(page) == ["total_items", "total_pages", "page_number", "size", "first_page",
                          "last_page", "empty", "contents"]
    assert (page["total_items"], page["size"], page["total_pages"], page["empty"]) == (
        3, 3, 1, False)
    assert [s["gk"]["alliance"] + "/" + s["gk"]["id"] for s in page["contents"]] == [
        "beispielheim/beratung", "musterstadt/sprachcafe", "musterstadt/werkstatt"]


def test_hsds_service_mapping(repo: Path) -> None:
    services = {s["gk"]["id"]: s for s in hsds_page(repo)["contents"]}
    cafe = sid("musterstadt/sprachcafe")
    service = services["sprachcafe"]
    attributes = service.pop("attributes")
    assert service == {
        "id": cafe,
        "organization_id": oid("musterstadt", "jugendmigrationsdienst musterstadt"),
        "name": "Sprachcafé",
        "description": "Deutsch üben bei Kaffee und Tee.",
        "status": "active",
        "eligibility_description": "Offen für: Duldung, Aufenthaltsgestattung. "
                                   "Alter: 18 bis 27 Jahre.",
        "minimum_age": 18,
        "maximum_age": 27,
        "assured_date": "2026-10-01",
        "contacts": [{"id": str(uuid.uuid5(NAMESPACE, "contact:musterstadt/sprachcafe")),
                      "service_id": cafe, "name": "Funktionsadresse des Trägers"}],
        "languages": [
            {"id": str(uuid.uuid5(NAMESPACE, "language:musterstadt/sprachcafe:de")),
             "service_id": cafe, "code": "de", "name": "Deutsch"},
            {"id": str(uuid.uuid5(NAMESPACE, "language:musterstadt/sprachcafe:ar")),
             "service_id": cafe, "code": "ar", "name": "Arabisch"},
        ],
        "organization": {
            "id": oid("musterstadt", "jugendmigrationsdienst musterstadt"),
            "name": "Jugendmigrationsdienst Musterstadt",
            "description": "Träger von Angeboten für junge volljährige Geflüchtete in: "
                           "Stadt Musterstadt."},
        "funding": [{"id": str(uuid.uuid5(NAMESPACE, "funding:musterstadt/sprachcafe")),
                     "service_id": cafe, "source": "Landesprogramm"}],
        "service_areas": [{"id": str(uuid.uuid5(NAMESPACE, "service_area:musterstadt/sprachcafe")),
                           "service_id": cafe, "name": "Stadt Musterstadt"}],
        # only what HSDS has no term for
        "gk": {"alliance": "musterstadt", "id": "sprachcafe", "status": "active",
               "start": "2020-01-01", "capacity": 15,
               "follow_up": ["musterstadt/werkstatt", "beispielheim/beratung"]},
    }
    # fields and admitted statuses as attributes with terms of gk's taxonomies
    assert [(a["link_type"], a["taxonomy_term"]["code"], a["taxonomy_term"]["name"])
            for a in attributes] == [
        ("service_field", "language", "Sprache"),
        ("service_field", "social-participation", "Soziale Teilhabe"),
        ("eligibility", "duldung", "Duldung"),
        ("eligibility", "gestattung", "Aufenthaltsgestattung")]
    first = attributes[0]
    assert first["link_id"] == cafe and first["link_entity"] == "service"
    assert first["taxonomy_term_id"] == first["taxonomy_term"]["id"] == term("service-field",
                                                                             "language")
    assert first["taxonomy_term"]["term_uri"] == \
        "https://gk.invalid/hsds/taxonomies/service-field#language"
    assert first["taxonomy_term"]["taxonomy_detail"]["id"] == \
        str(uuid.uuid5(NAMESPACE, "taxonomy:service-field"))
    assert attributes[2]["taxonomy_term"]["taxonomy_detail"]["uri"] == \
        "https://gk.invalid/hsds/taxonomies/residence-status"


def test_hsds_contact_goes_where_hsds_has_a_place(make_repo: Any) -> None:
    root = make_repo({
        "alliances/musterstadt.yaml": VALID_ALLIANCE,
        "services/musterstadt/sprachcafe.yaml": SPRACHCAFE.replace(
            "contact: Funktionsadresse des Trägers",
            "contact: 'Sekretariat, Tel. 02131 / 12 34 56, jmd@traeger.example'"),
    })
    service = hsds_page(root)["contents"][0]
    cafe = sid("musterstadt/sprachcafe")
    contact_id = str(uuid.uuid5(NAMESPACE, "contact:musterstadt/sprachcafe"))
    phone_id = str(uuid.uuid5(NAMESPACE, "phone:musterstadt/sprachcafe:0"))
    assert service["email"] == "jmd@traeger.example"
    assert service["phones"] == [{"id": phone_id, "number": "02131 / 12 34 56",
                                  "service_id": cafe}]
    assert service["contacts"] == [{
        "id": contact_id, "service_id": cafe,
        "name": "Sekretariat, Tel. 02131 / 12 34 56, jmd@traeger.example",
        "email": "jmd@traeger.example",
        "phones": [{"id": phone_id, "number": "02131 / 12 34 56", "contact_id": contact_id}]}]


def test_hsds_language_names_follow_the_language_of_the_run(repo: Path) -> None:
    services = {s["gk"]["id"]: s for s in hsds_page(repo, "--lang", "en")["contents"]}
    assert [(x["code"], x["name"]) for x in services["sprachcafe"]["languages"]] == [
        ("de", "German"), ("ar", "Arabic")]
    assert services["sprachcafe"]["attributes"][0]["taxonomy_term"]["language"] == "en"


def test_hsds_status_and_age_bounds(repo: Path) -> None:
    by_id = {s["gk"]["id"]: s for s in hsds_page(repo, "--lang", "en")["contents"]}
    assert [by_id[k]["status"] for k in ("sprachcafe", "werkstatt", "beratung")] == [
        "active", "inactive", "defunct"]
    assert by_id["werkstatt"]["gk"]["status"] == "planned"  # HSDS "inactive" says less
    assert by_id["werkstatt"]["eligibility_description"] == \
        "Open to: Tolerated stay (Duldung). Age: from 16 years."
    assert by_id["beratung"]["eligibility_description"] == \
        "Open to: Permission to stay (asylum pending). Age: up to 26 years."
    assert "minimum_age" not in by_id["beratung"]
    assert by_id["beratung"]["maximum_age"] == 26
    assert by_id["beratung"]["gk"]["end"] == "2019-12-31"
    assert by_id["werkstatt"]["name"] == '=HYPERLINK("http://x.example")'  # JSON needs no escape


def test_hsds_providers_of_different_alliances_are_kept_apart(repo: Path) -> None:
    by_id = {s["gk"]["id"]: s for s in hsds_page(repo)["contents"]}
    # the same provider name (other spacing and case) in two alliances: two organisations
    assert by_id["beratung"]["organization"] == {
        "id": oid("beispielheim", "jugendmigrationsdienst musterstadt"),
        "name": "jugendmigrationsdienst musterstadt",
        "description": "Träger von Angeboten für junge volljährige Geflüchtete in: "
                       "Stadt Beispielheim."}
    assert by_id["sprachcafe"]["organization_id"] != by_id["beratung"]["organization_id"]


def test_hsds_one_provider_in_one_alliance_is_one_organisation(make_repo: Any) -> None:
    root = make_repo({
        "alliances/musterstadt.yaml": VALID_ALLIANCE,
        "services/musterstadt/a.yaml": SPRACHCAFE,
        "services/musterstadt/b.yaml": SPRACHCAFE.replace(
            "provider: Jugendmigrationsdienst Musterstadt",
            "provider: '  JUGENDMIGRATIONSDIENST  Musterstadt'"),
    })
    first, second = hsds_page(root)["contents"]
    assert first["organization"] == second["organization"]  # written alike, first name kept
    assert first["organization"]["name"] == "Jugendmigrationsdienst Musterstadt"


def test_hsds_ids_are_stable_between_runs(repo: Path) -> None:
    first = run_gk("-C", str(repo), "export").output
    second = run_gk("-C", str(repo), "export").output
    assert first == second


# --- validation against the official HSDS 3.0 schemas (vendored in tests/hsds/) ---------------

HSDS_SCHEMAS = Path(__file__).parent / "hsds"
HSDS_BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def hsds_validator() -> Any:
    """A validator of one page of ``GET /services?full=true``: the API's ``Page`` object
    (schema/openapi.json) whose ``contents`` are services as in schema/service.json, every
    reference resolved among the vendored schemas."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for path in sorted(HSDS_SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((HSDS_BASE + path.name,
                          Resource.from_contents(schema, default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    openapi = json.loads((HSDS_SCHEMAS / "openapi.json").read_text(encoding="utf-8"))
    page = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [openapi["components"]["schemas"]["Page"]],
        "type": "object",
        "required": ["contents"],
        "properties": {"contents": {"type": "array", "items": {"$ref": HSDS_BASE + "service.json"}}},
    }
    return Draft202012Validator(page, registry=registry, format_checker=FormatChecker())


def hsds_errors(document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}"
            for e in hsds_validator().iter_errors(document)]


def test_the_validator_finds_what_hsds_forbids(repo: Path) -> None:
    """The validation below could fail: a wrong status, a missing required key, an id that
    is no UUID, a taxonomy term without its description are all found."""
    page = hsds_page(repo)
    service = page["contents"][1]
    service["status"] = "planned"
    del service["organization"]["description"]
    service["languages"][0]["id"] = "de"
    del service["attributes"][0]["taxonomy_term"]["description"]
    page["total_items"] = "3"
    errors = hsds_errors(page)
    assert len(errors) == 5, errors


def test_hsds_of_the_example_repository_validates_against_the_hsds_schemas() -> None:
    page = hsds_page(EXAMPLE)
    assert hsds_errors(page) == []
    assert page["total_items"] == len(list(EXAMPLE.glob("services/*/*.yaml")))
    ids = [s["id"] for s in page["contents"]]
    assert len(set(ids)) == len(ids)
    assert all(s["organization_id"] == s["organization"]["id"] for s in page["contents"])
    assert all(language.get("name") for s in page["contents"]
               for language in s.get("languages", []))
    assert all("fields" not in s["gk"] and "open_to" not in s["gk"] for s in page["contents"])


def test_hsds_of_the_test_repository_validates_in_both_languages(repo: Path) -> None:
    assert hsds_errors(hsds_page(repo)) == []
    assert hsds_errors(hsds_page(repo, "--lang", "en")) == []


def test_service_with_schema_errors_is_exported_as_far_as_readable(make_repo: Any) -> None:
    root = make_repo({
        "alliances/musterstadt.yaml": VALID_ALLIANCE,
        "services/musterstadt/kaputt.yaml": "provider: [keine, zeichenkette]\nfields: sprache\n"
                                            "status: läuft\nage: {min: achtzehn}\n",
    })
    result = run_gk("-C", str(root), "export", "--format", "csv")
    assert result.output.splitlines()[1] == "musterstadt,kaputt,,,,,,,läuft,,,,,,,"
    document = json.loads(run_gk("-C", str(root), "export").output)
    assert hsds_errors(document) == []
    service = document["contents"][0]
    assert (service["name"], service["status"]) == ("kaputt", "inactive")
    assert "organization_id" not in service and "organization" not in service


def test_empty_repository_exports_empty_lists(make_repo: Any) -> None:
    root = make_repo({})
    document = json.loads(run_gk("-C", str(root), "export").output)
    assert (document["contents"], document["empty"], document["total_items"]) == ([], True, 0)
    assert hsds_errors(document) == []
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


def test_the_taxonomy_table_of_the_docs_is_what_gk_writes() -> None:
    from gk.analyses.export import taxonomy_terms
    from gk.i18n import set_language

    text = (Path(__file__).parent.parent / "docs" / "export.md").read_text(encoding="utf-8")
    rows = [line.strip("|").split("|") for line in text.splitlines()
            if line.startswith("| `service-field` |") or line.startswith("| `residence-status` |")]
    documented = [tuple(cell.strip().strip("`") for cell in row) for row in rows]
    written = []
    for lang in ("de", "en"):
        set_language(lang)
        written.append([(t["term_uri"].rsplit("/", 1)[1].split("#")[0], t["code"], t["name"])
                        for t in taxonomy_terms()])
    set_language("de")
    assert documented == [(*de, en[2]) for de, en in zip(*written, strict=True)]
