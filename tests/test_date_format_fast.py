"""The compiled validator checks the schemas' ``date`` format with its own rule (no Python
call per date); it must still take exactly the dates gk's rule (``gk.domain.parse_date``)
takes, also for year 0000 written plainly, quoted or with escapes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gk import domain
from gk.engine.load import load_text
from gk.engine.schemas import validator
from gk.engine.validate import validate

CASES = [
    "2025-03-01", "2024-02-29", "0001-01-01", "9999-12-31", "0000-01-01", "0000-02-29",
    "0000-12-31", "2025-02-29", "1900-02-29", "2000-02-29", "2025-13-01", "2025-00-10",
    "2025-04-31", "2025-3-1", "２０２５-03-01", "2025-03-01T10:00",
]


def _valid_with_text(text: str) -> bool:
    loaded = load_text(text, "worksheets/a/b.yaml")
    assert loaded.data is not None, loaded.findings
    return validator("worksheet").is_valid(loaded.data, text)


@pytest.mark.parametrize("date", CASES)
@pytest.mark.parametrize("form", ["{}", "'{}'", '"{}"'])
def test_the_fast_format_takes_the_dates_gk_takes(date: str, form: str) -> None:
    text = "template: eigene-vorlage\ndate: " + form.format(date) + "\n"
    assert _valid_with_text(text) is (domain.parse_date(date) is not None)


@pytest.mark.parametrize("written", [
    r'"\x30000-01-01"', r'"\u0030000-01-01"', r'"0\x30\x300-01-01"', r'"000\U00000030-03-01"',
])
def test_year_0000_written_with_escapes_is_refused(written: str) -> None:
    text = f"template: eigene-vorlage\ndate: {written}\n"
    loaded = load_text(text, "worksheets/a/b.yaml")
    assert loaded.data == {"template": "eigene-vorlage", "date": loaded.data["date"]}
    assert loaded.data["date"].startswith("0000-")
    assert not validator("worksheet").is_valid(loaded.data, text)
    codes = [f.code for f in validate(loaded.data, validator("worksheet"), "b.yaml", text)]
    assert codes == ["GK105"]


def test_year_0000_in_a_list_is_refused() -> None:
    text = ("template: eigene-vorlage\ndate: &d 2025-01-01\n"
            "todos:\n  - {id: a, title: T, owner: Team, due: 0000-05-01, status: open}\n")
    loaded = load_text(text, "worksheets/a/b.yaml")
    found = validate(loaded.data, validator("worksheet"), "b.yaml", text)
    assert [(f.code, f.line) for f in found] == [("GK105", 4)]


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32))
def test_every_year_month_and_day(year: int, month: int, day: int) -> None:
    date = f"{year:04d}-{month:02d}-{day:02d}"
    text = f"template: eigene-vorlage\ndate: {date}\n"
    expected = domain.parse_date(date)
    assert _valid_with_text(text) is (expected is not None)
    if expected is not None:
        assert expected == dt.date(year, month, day)
