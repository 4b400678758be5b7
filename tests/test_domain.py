"""gk.domain: the one vocabulary agrees with the schemas, and its definitions hold at the edges."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gk import domain
from gk.i18n import LANGUAGES

DATA = Path(domain.__file__).resolve().parent / "data"
DEFS = json.loads((DATA / "schemas" / "defs.json").read_text(encoding="utf-8"))["$defs"]
TODAY = dt.date(2026, 11, 21)


# --- the lists are the schema's lists -----------------------------------------------------

@pytest.mark.parametrize(("function", "definition"), [
    (domain.service_fields, "field"),
    (domain.core_group_fields, "core-group-field"),
    (domain.legal_areas, "legal-area"),
    (domain.residence_statuses, "residence-status"),
    (domain.regions, "region"),
    (domain.alliance_types, "alliance-type"),
    (domain.service_statuses, "service-status"),
    (domain.todo_statuses, "todo-status"),
    (domain.item_statuses, "item-status"),
    (domain.need_levels, "rating"),
    (domain.coverage_levels, "coverage"),
    (domain.priorities, "priority"),
    (domain.answer_kinds, "answer-kind"),
])
def test_enumerations_are_the_schemas_enums(function: Any, definition: str) -> None:
    assert list(function()) == DEFS[definition]["enum"]


def test_every_enumeration_of_the_schemas_is_reachable() -> None:
    for name, definition in DEFS.items():
        if "enum" in definition:
            assert list(domain.enum(name)) == definition["enum"]


def test_labels_are_the_schemas_labels() -> None:
    assert domain.labels("region")["koeln"] == {"de": "Köln", "en": "Cologne"}
    assert set(domain.labels("field")) == set(domain.service_fields())


def test_shipped_templates_are_the_shipped_files() -> None:
    files = {p.stem for p in (DATA / "templates").glob("*.yaml")}
    assert set(domain.SHIPPED_TEMPLATES) == files
    for template in domain.SHIPPED_TEMPLATES:
        schema = json.loads((DATA / "schemas" / f"worksheet-{template}.json").read_text("utf-8"))
        assert schema["properties"]["template"]["const"] == template
    assert {domain.CHECKLIST_TEMPLATE, domain.ANALYSIS_TEMPLATE,
            domain.PROTOCOL_TEMPLATE} == set(domain.SHIPPED_TEMPLATES)


def test_target_group_and_languages_fit_the_schemas() -> None:
    assert set(domain.STATUSES_OF_INTEREST) <= set(domain.residence_statuses())
    assert list(LANGUAGES) == DEFS["ui-language"]["enum"]


def test_the_id_rule_is_the_schemas() -> None:
    assert domain.id_pattern() == DEFS["slug"]["pattern"]


# --- ids ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "a", "0", "meerbusch", "sprachcafe-2", "rhein-kreis-neuss", "a" * 64, "a-" * 31 + "ab",
])
def test_ids(value: str) -> None:
    assert domain.is_id(value)


@pytest.mark.parametrize("value", [
    "", "abd\n", "abd\r\n", "\nabd", "abd ", " abd", "a" * 65, "-abd", "abd-", "a--b", "Abd",
    "müller", "sprach_cafe", "a/b", "a.yaml", "١٢", "ａｂ", "a\tb", "a\x00",
    None, 5, b"abd", ["abd"],
])
def test_not_ids(value: Any) -> None:
    assert not domain.is_id(value)


def test_slugify_makes_ids() -> None:
    assert domain.slugify("Sprachcafé Müller-Straße") == "sprachcafe-mueller-strasse"
    assert domain.is_id(domain.slugify("abd\n", 64))
    assert domain.slugify("!!!") == ""
    assert domain.unique_id("kurs", ["kurs", "kurs-2"]) == "kurs-3"


# --- dates --------------------------------------------------------------------------------

GOOD_DATES = [
    ("2025-03-01", dt.date(2025, 3, 1)),
    ("2024-02-29", dt.date(2024, 2, 29)),
    ("0001-01-01", dt.date(1, 1, 1)),
    ("9999-12-31", dt.date(9999, 12, 31)),
]
BAD_DATES = [
    "2025-02-30", "2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31",
    "20250301", "2025-W09-6", "2025-060", "2025-3-1", "25-03-01", " 2025-03-01",
    "2025-03-01 ", "2025-03-01\n", "2025-03-01T10:00", "２０２５-03-01", "2025/03/01",
    "01.03.2025", "",
]


@pytest.mark.parametrize(("text", "day"), GOOD_DATES)
def test_dates(text: str, day: dt.date) -> None:
    assert domain.parse_date(text) == day


@pytest.mark.parametrize("text", [*BAD_DATES, "0000-01-01", None, 20250301, dt.date(2025, 3, 1)])
def test_not_dates(text: Any) -> None:
    assert domain.parse_date(text) is None


@pytest.mark.parametrize("text", [*(t for t, _day in GOOD_DATES), *BAD_DATES, "0000-01-01"])
def test_gk_check_takes_the_same_dates(text: str) -> None:
    """The schemas' "date" format (what gk check reports as GK105) accepts exactly the texts
    parse_date reads, so that a date gk check lets through is never ignored by a report."""
    from gk.engine.schemas import validator

    check = validator("worksheet")
    sheet = {"template": "eigene-vorlage", "date": text}
    valid = domain.parse_date(text) is not None
    assert check.is_valid(sheet) is valid
    assert (not list(check.errors(sheet))) is valid


# --- open and overdue ---------------------------------------------------------------------

@pytest.mark.parametrize(("todo", "overdue"), [
    ({"status": "open", "due": "2026-11-20"}, True),
    ({"status": "open", "due": "2026-11-21"}, False),  # due today is not late yet
    ({"status": "open", "due": "2026-11-22"}, False),
    ({"status": "open", "due": "2025-02-30"}, False),  # no such day: never overdue
    ({"status": "open", "due": "20250101"}, False),
    ({"status": "open"}, False),
    ({"status": "done", "due": "2020-01-01"}, False),
    ({"status": "dropped", "due": "2020-01-01"}, False),
    ({"due": "2020-01-01"}, True),  # without a status a to-do counts as open
    ({"status": "erledigt", "due": "2020-01-01"}, True),
])
def test_overdue(todo: dict[str, Any], overdue: bool) -> None:
    assert domain.is_overdue(todo, TODAY) is overdue


def test_open() -> None:
    assert domain.is_open({"status": "open"})
    assert domain.is_open({})
    assert not domain.is_open({"status": "done"})
    assert domain.todo_status({"status": 3}) == "open"


# --- the current sheet --------------------------------------------------------------------

@dataclass
class Sheet:
    alliance: str
    id: str
    date: str
    template: str | None = domain.CHECKLIST_TEMPLATE


def test_latest_sheet_by_date_then_id() -> None:
    sheets = [Sheet("a", "b", "2025-01-01"), Sheet("a", "a", "2025-06-01"),
              Sheet("a", "c", "2025-06-01")]
    assert domain.latest_sheet(sheets) is sheets[2]
    assert domain.latest_sheet([]) is None


def test_a_date_that_does_not_exist_is_never_the_latest() -> None:
    good = Sheet("a", "good", "2025-02-28")
    broken = Sheet("a", "broken", "2025-02-30")
    assert domain.latest_sheet([broken, good]) is good
    assert domain.latest_sheet([broken]) is broken  # the only one is still the current one


def test_current_sheets_per_alliance_and_template() -> None:
    sheets = [Sheet("a", "pm-1", "2025-01-01"), Sheet("a", "pm-2", "2025-02-01"),
              Sheet("a", "ba", "2024-01-01", domain.ANALYSIS_TEMPLATE),
              Sheet("b", "pm", "2023-01-01"), Sheet("b", "none", "2026-01-01", None)]
    current = domain.current_sheets(sheets)
    assert {k: v.id for k, v in current.items()} == {
        ("a", domain.CHECKLIST_TEMPLATE): "pm-2", ("a", domain.ANALYSIS_TEMPLATE): "ba",
        ("b", domain.CHECKLIST_TEMPLATE): "pm"}


# --- did you mean -------------------------------------------------------------------------

def test_suggest() -> None:
    assert domain.suggest("dnoe", ["done", "open"]) == "done"
    assert domain.suggest("Köln", domain.regions()) == "koeln"
    synonyms = DEFS["todo-status"]["x-synonyms"]
    assert domain.suggest("erledigt", domain.todo_statuses(), synonyms) == "done"
    assert domain.suggest("xyz", ["done"]) is None
    assert domain.suggest("x", []) is None


# --- the folder layout --------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "alliance", "ident", "rel"), [
    ("alliance", None, "meerbusch", "alliances/meerbusch.yaml"),
    ("service", "meerbusch", "sprachcafe", "services/meerbusch/sprachcafe.yaml"),
    ("worksheet", "meerbusch", "pm-2020", "worksheets/meerbusch/pm-2020.yaml"),
    ("template", None, "kurzcheck", "templates/kurzcheck.yaml"),
])
def test_path_of_and_back(kind: str, alliance: str | None, ident: str, rel: str) -> None:
    assert domain.path_of(kind, alliance, ident) == rel
    assert domain.place_of(rel) == (kind, alliance, ident)


def test_layout_edges() -> None:
    with pytest.raises(ValueError):
        domain.path_of("service", None, "kurs")
    assert domain.place_of("gk.yaml") == ("config", None, "gk")
    for rel in ("services/kurs.yaml", "alliances/a/b.yaml", "worksheets/a/b.yml",
                "other/a.yaml", "README.md"):
        assert domain.place_of(rel) is None
    assert set(domain.KIND_FOLDERS) == {"alliances", "services", "worksheets", "templates"}
