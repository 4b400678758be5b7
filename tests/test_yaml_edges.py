"""Valid YAML is accepted, invalid YAML is named where it is (issue 12).

Each test writes a small repository and runs ``gk check`` on it, or loads one file: flow
lists with colons that libyaml 0.1.7 refuses, tabs that are not indentation, NEL/U+2028/
U+2029 in text, aliases of anchored keys, and explicit tags with values they do not allow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import VALID_ALLIANCE, VALID_SERVICE, check_json, run_gk
from hypothesis import given
from hypothesis import strategies as st

from gk.engine.load import MAX_BYTES, MAX_SECOND_OPINION, load_bytes, load_text, split_lines

ALLIANCE = "alliances/musterstadt.yaml"
SERVICE = "services/musterstadt/sprachcafe.yaml"
SHEET = "worksheets/musterstadt/begleitprotokoll-2025-03-11.yaml"
PROTOCOL = """\
template: begleitprotokoll
date: 2025-03-11
author: Prozessbegleitung
consultant: Beratungsteam (Beispiel-Institut)
days: 1
participants: [Geschäftsführende Stelle, Jobcenter]
"""


@pytest.fixture(autouse=True)
def _german() -> Iterator[None]:
    """Messages of the loader called directly are the German ones, as in gk check."""
    from gk.i18n import get_language, set_language

    previous = get_language()
    set_language("de")
    yield
    set_language(previous)


def repository(make_repo: Any, files: dict[str, str | bytes]) -> Path:
    root: Path = make_repo({ALLIANCE: VALID_ALLIANCE, SERVICE: VALID_SERVICE, **files})
    return root


def findings_of(root: Path, *args: str) -> tuple[int, list[tuple[str, str, int, int]],
                                                 list[dict[str, Any]]]:
    status, report = check_json(root, *args)
    found = report["findings"]
    return status, [(f["code"], f["file"], f["line"], f["column"]) for f in found], found


def loaded(text: str) -> Any:
    result = load_text(text, "x.yaml")
    assert result.findings == [], result.findings
    return result.data


def refused(text: str) -> tuple[str, int, int, str, str]:
    result = load_text(text, "x.yaml")
    assert result.data is None
    [finding] = result.findings
    return finding.code, finding.line, finding.column, finding.message, finding.hint


# --- flow collections with ':' inside a plain entry --------------------------------------------

def test_flow_list_with_times_and_addresses_is_accepted(make_repo: Any) -> None:
    root = repository(make_repo, {SHEET: PROTOCOL + (
        "topics: [Beginn 10:30, Ende 12:00, https://example.org/angebote?ort=neuss]\n"
        "summary: {Ort: Rathaus, Beginn: 10:30}\n")})
    status, found, _ = findings_of(root)
    # The summary is a mapping where text belongs: the schema says so, the parser did not.
    assert (status, found) == (1, [("GK104", SHEET, 8, 10)])
    data = load_bytes((root / SHEET).read_bytes(), SHEET).data
    assert data["topics"] == ["Beginn 10:30", "Ende 12:00", "https://example.org/angebote?ort=neuss"]
    assert data["summary"] == {"Ort": "Rathaus", "Beginn": "10:30"}


@pytest.mark.parametrize(("text", "value"), [
    ("links: [https://example.org]\n", {"links": ["https://example.org"]}),
    ("a: [x:y, {k:v}]\n", {"a": ["x:y", {"k:v": None}]}),
    ("a: {url: http://x.de:8080/a}\n", {"a": {"url": "http://x.de:8080/a"}}),
    ("a: [10:30 Uhr, '12:00']\n", {"a": ["10:30 Uhr", "12:00"]}),
])
def test_plain_colons_in_flow_collections_read_as_yaml_1_2(text: str, value: Any) -> None:
    assert loaded(text) == value


def test_an_error_after_an_accepted_flow_list_is_named_where_it_is(make_repo: Any) -> None:
    root = repository(make_repo, {SHEET: PROTOCOL + (
        "topics: [Beginn 10:30, Ende 12:00]\n"
        'summary: "Der Kurs beginnt\n')})
    status, found, raw = findings_of(root)
    assert status == 1
    assert found == [("GK001", SHEET, 8, 10)]  # where the quote opens, not at 10:30
    assert "Die Datei endet mitten in einem Text in Anführungszeichen." in raw[0]["message"]


def test_a_second_colon_in_an_entry_says_put_it_in_quotes(make_repo: Any) -> None:
    root = repository(make_repo, {SHEET: PROTOCOL + "topics: [Beginn: 10:30 Uhr: Begrüßung]\n"})
    status, found, raw = findings_of(root)
    assert status == 1
    assert found == [("GK001", SHEET, 7, 27)]
    assert raw[0]["message"].startswith(
        "An dieser Stelle einer Liste oder Zuordnung in Klammern ist kein Doppelpunkt erlaubt.")
    assert 'Setzen Sie den Eintrag in Anführungszeichen, zum Beispiel ["Beginn 10:30"' \
        in raw[0]["message"]
    _status, _found, english = findings_of(root, "--lang", "en")
    assert 'Put the entry in quotes, for example ["Beginn 10:30", "Ende 12:00"].' \
        in english[0]["message"]


def _long_text(size: int) -> str:
    """A valid file of about ``size`` characters whose first line libyaml refuses."""
    line = "k{:07d}: Ein längerer Text über das Sprachcafé am Markt\n"
    lines = ["topics: [Beginn 10:30, Ende 12:00]\n"]
    while sum(map(len, lines)) < size:
        lines.append(line.format(len(lines)))
    return "".join(lines)


def test_the_second_parser_reads_files_up_to_its_limit() -> None:
    text = _long_text(MAX_SECOND_OPINION - 100)
    assert len(text) <= MAX_SECOND_OPINION
    assert loaded(text)["topics"] == ["Beginn 10:30", "Ende 12:00"]


@pytest.mark.parametrize("size", [MAX_SECOND_OPINION + 1, MAX_BYTES - 1000])
def test_larger_files_keep_libyaml_s_verdict_quickly(size: int) -> None:
    import time

    text = _long_text(size)
    start = time.process_time()
    code, line, column, _message, hint = refused(text)
    assert time.process_time() - start < 5  # the C parser stops at line 1
    assert (code, line, column) == ("GK001", 1, 19)
    assert "Setzen Sie den Eintrag in Anführungszeichen" in hint


def test_errors_both_parsers_see_keep_libyaml_words_and_place() -> None:
    # libyaml stops at the backslash, the Python parser at the letter after it: the first
    # error stands, since the Python parser did not get past it.
    code, line, column, _message, _hint = refused('title: "Sprach\\qcafe"\n')
    assert (code, line, column) == ("GK001", 1, 15)


# --- tabs ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    # a tab-separated table pasted into a text block, indented with spaces
    ("description: |\n  Tag\tUhrzeit\n  Mo\t10:30\nstatus: active\n",
     {"description": "Tag\tUhrzeit\nMo\t10:30\n", "status": "active"}),
    ("description: |\n  \tTag\tUhrzeit\nstatus: active\n",
     {"description": "\tTag\tUhrzeit\n", "status": "active"}),
    ("description: >\n  eins\n  \tzwei\n", {"description": "eins\n\tzwei\n"}),
    # quoted text over several lines, continued after tabs
    ('title: "Sprach\n\tcafé"\n', {"title": "Sprach café"}),
    ("title: 'Sprach\n  \t\tcafé'\n", {"title": "Sprach café"}),
    # white space lines and comments after a tab, a tab after '- ' and after a colon
    ("a: 1\n\t\nb: 2\n", {"a": 1, "b": 2}),
    ("a: 1\n\t# Kommentar\nb: 2\n", {"a": 1, "b": 2}),
    ("fields:\n-\tlanguage\n-\t-1\n", {"fields": ["language", -1]}),
    ("status:\tactive\n", {"status": "active"}),
])
def test_tabs_that_are_not_indentation_are_accepted(text: str, value: Any) -> None:
    assert loaded(text) == value


@pytest.mark.parametrize(("text", "where", "in_block"), [
    ("title: x\nage:\n\tmin: 18\n", (3, 1), False),
    ("title: x\nage:\n  min: 18\n  \tmax: 27\n", (4, 3), False),
    ("fields:\n\t- language\n", (2, 1), False),
    ("fields:\n-\t- language\n", (2, 2), False),
    ("age:\n-\tmin: 18\n", (2, 2), False),
    ("description: |\n  Tag\tUhrzeit\n\tMo\t10:30\nstatus: active\n", (3, 1), True),
    ("description: |\n\tTag\tUhrzeit\n\tMo\t10:30\nstatus: active\n", (2, 1), True),
    # a tab in an empty line inside a text block is indentation of that block
    ("description: |\n  eins\n\t\n  zwei\n", (3, 1), False),
])
def test_tabs_used_as_indentation_are_gk006_at_the_tab(
        text: str, where: tuple[int, int], in_block: bool) -> None:
    code, line, column, message, hint = refused(text)
    assert (code, (line, column)) == ("GK006", where)
    assert message == "Zum Einrücken wird ein Tabulatorzeichen verwendet; YAML erlaubt nur " \
        "Leerzeichen."
    if in_block:
        assert hint == "Rücken Sie jede Zeile des Textblocks wie seine erste Zeile mit " \
            "Leerzeichen ein; nach den Leerzeichen dürfen Tabulatoren folgen."
    else:
        assert hint.startswith("Ersetzen Sie")


def test_pasted_table_in_a_description_through_gk_check(make_repo: Any) -> None:
    table = ("Tag\tUhrzeit\tOrt\n"
             "Montag\t10:30\tRathaus\n")
    good = VALID_SERVICE + "description: |\n" + "".join(f"  {row}\n" for row in
                                                        table.splitlines())
    root = repository(make_repo, {SERVICE: good})
    status, found, _ = findings_of(root)
    assert (status, found) == (0, [])
    bad = VALID_SERVICE + "description: |\n  Tag\tUhrzeit\tOrt\n\tMontag\t10:30\n"
    root = repository(make_repo, {SERVICE: bad})
    status, found, raw = findings_of(root)
    assert (status, found) == (1, [("GK006", SERVICE, 9, 1)])
    assert "Rücken Sie jede Zeile des Textblocks" in raw[0]["message"]
    _status, _found, english = findings_of(root, "--lang", "en")
    assert "Indent every line of the text block with spaces, like its first line; tabs may " \
        "follow after the spaces." in english[0]["message"]


# --- NEL, U+2028, U+2029 -------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_unicode_line_separators_do_not_shift_lines(make_repo: Any, char: str) -> None:
    text = (f"title: Sprach{char}café\n"
            "provider: Jugendmigrationsdienst Musterstadt\n"
            f'description: "eins{char}zwei"\n'
            f"summary: |\n  drei{char}vier\n"
            "fields: [language]\n"
            "open_to: [duldung]\n"
            "status: aktiv\n"
            "start: 2020-01-01\n")
    root = repository(make_repo, {SERVICE: text})
    status, found, _raw = findings_of(root)
    # 'summary' is unknown (line 4), 'aktiv' is not a status (line 8): as an editor counts.
    # (NEL is a C1 control character as well: GK110 warns about each text holding one.)
    assert (status, [f for f in found if f[0] != "GK110"]) == (
        1, [("GK101", SERVICE, 4, 1), ("GK102", SERVICE, 8, 9)])
    assert all(f[0] != "GK110" for f in found) == (char != "\x85")
    data = load_bytes(text.encode("utf-8"), SERVICE).data
    assert data["title"] == f"Sprach{char}café"
    assert data["description"] == f"eins{char}zwei"
    assert data["summary"] == f"drei{char}vier\n"
    assert len(split_lines(text)) == 9


def test_separator_does_not_end_a_plain_text_or_a_key() -> None:
    assert loaded("a: x\u2028b\nc: 1\n") == {"a": "x\u2028b", "c": 1}
    assert loaded("k\u2029ey: 1\n") == {"k\u2029ey": 1}
    # libyaml (YAML 1.1) would end the line at U+2028 and read 'b' as a second key; in
    # YAML 1.2 the ': ' is inside the plain text of line 1, column 7.
    code, line, column, _message, _hint = refused("a: x\u2028b: 1\n")
    assert (code, line, column) == ("GK001", 1, 7)


def test_syntax_error_after_a_separator_is_on_the_right_line() -> None:
    code, line, column, _message, _hint = refused("a: x\u2028y\u2028z\nb: [1, 2\nc: 3\n")
    assert (code, line, column) == ("GK001", 2, 4)


def test_ignore_comment_and_excerpt_use_the_same_lines(make_repo: Any) -> None:
    text = VALID_SERVICE.replace("title: Sprachcafé", "title: Sprach\u2028café") + \
        "capacity: -1  # gk: ignore GK106\nage: {min: 30, max: 20}\n"
    root = repository(make_repo, {SERVICE: text})
    status, found, _ = findings_of(root)
    assert (status, [f[:3] for f in found]) == (1, [("GK402", SERVICE, 8)])
    result = run_gk("-C", str(root), "check", "--lang", "en")
    assert "age: {min: 30, max: 20}" in result.output


# --- aliases of anchored keys --------------------------------------------------------------

def test_alias_of_an_anchored_key_is_the_key() -> None:
    assert loaded("&k title: Sprachcafé\nprovider: *k\n") == {
        "title": "Sprachcafé", "provider": "title"}
    assert loaded("title: &t Sprachcafé\n*t : 1\n") == {"title": "Sprachcafé", "Sprachcafé": 1}
    assert loaded("a: &n 007\n*n : x\n") == {"a": 7, "007": "x"}


def test_alias_without_anchor_still_says_so() -> None:
    code, line, column, message, _hint = refused("title: x\n*k : 1\n")
    assert (code, line, column) == ("GK001", 2, 1)
    assert message == "Zum Verweis „*k“ gibt es keinen Anker „&k“."


def test_alias_of_a_list_as_key_is_refused_as_such() -> None:
    code, line, column, message, _hint = refused("a: &l [1, 2]\n*l : x\n")
    assert (code, line, column) == ("GK001", 2, 1)
    assert message.startswith("Ein Schlüssel muss ein einfacher Text sein")


def test_alias_of_an_anchored_key_passes_gk_check(make_repo: Any) -> None:
    text = VALID_SERVICE.replace("provider: ", "&p provider: ") + "description: *p\n"
    root = repository(make_repo, {SERVICE: text})
    assert findings_of(root)[:2] == (0, [])


# --- explicit tags -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "where", "de", "en"), [
    ("capacity: !!int abc\n", (1, 11),
     "Mit der Markierung „!!int“ muss der Wert eine ganze Zahl sein; „abc“ ist das nicht.",
     "With the tag '!!int' the value must be a whole number; 'abc' is not."),
    ("verified: !!bool yes\n", (1, 11),
     "Mit der Markierung „!!bool“ muss der Wert true oder false sein; „yes“ ist das nicht.",
     "With the tag '!!bool' the value must be true or false; 'yes' is not."),
    ("capacity: !!float zwölf\n", (1, 11), "muss der Wert eine Zahl sein; „zwölf“",
     "the value must be a number; 'zwölf' is not."),
    ("end: !!null 2020\n", (1, 6), "muss der Wert ein leerer Wert (null) sein",
     "the value must be an empty value (null)"),
    ("end: !!timestamp morgen\n", (1, 6), "muss der Wert ein Datum sein; „morgen“",
     "the value must be a date; 'morgen' is not."),
    ("fields: !!map [language]\n", (1, 9),
     "Mit der Markierung „!!map“ muss der Wert eine Zuordnung (schlüssel: wert) sein, hier "
     "ist er aber eine Liste.",
     "With the tag '!!map' the value must be a mapping, but here it is a list."),
    ("age: !!seq {min: 18}\n", (1, 6), "hier ist er aber eine Zuordnung.",
     "but here it is a mapping."),
    ("age: !!str {min: 18}\n", (1, 6), "muss der Wert ein Text sein",
     "the value must be a text"),
    ("title: !!seq Sprachcafé\n", (1, 8), "muss der Wert eine Liste sein; „Sprachcafé“",
     "the value must be a list; 'Sprachcafé' is not."),
    ("capacity: !!int mapping\n", (1, 11), "muss der Wert eine ganze Zahl sein; „mapping“",
     "the value must be a whole number; 'mapping' is not."),
])
def test_tagged_value_that_does_not_fit_is_gk011_at_the_value(
        make_repo: Any, text: str, where: tuple[int, int], de: str, en: str) -> None:
    key = text.split(":", 1)[0]
    lines = [x for x in VALID_SERVICE.splitlines(keepends=True) if not x.startswith(key + ":")]
    root = repository(make_repo, {SERVICE: "".join(lines) + text})
    status, found, raw = findings_of(root)
    assert (status, found) == (1, [("GK011", SERVICE, len(lines) + 1, where[1])])
    assert de in raw[0]["message"]
    assert "Entfernen Sie die Markierung „!!" in raw[0]["message"]
    _status, _found, english = findings_of(root, "--lang", "en")
    assert en in english[0]["message"]


@pytest.mark.parametrize(("text", "value"), [
    ("a: !!int '42'\n", {"a": 42}),
    ("a: !!int 0x1F\n", {"a": 31}),
    ("a: !!float 1\n", {"a": 1.0}),
    ("a: !!bool 'true'\n", {"a": True}),
    ("a: !!null ''\n", {"a": None}),
    ("a: !!str 12\n", {"a": "12"}),
    ("a: !!timestamp 2020-01-01\n", {"a": "2020-01-01"}),
    ("a: !!map {b: 1}\nc: !!seq [1]\n", {"a": {"b": 1}, "c": [1]}),
    ("a: ! 12\n", {"a": "12"}),
    ("!!str a: 1\n", {"a": 1}),
    ("!!int 1: x\n", {"1": "x"}),
])
def test_tagged_value_that_fits_is_read_as_the_tag_says(text: str, value: Any) -> None:
    assert loaded(text) == value


@pytest.mark.parametrize(("text", "where", "tag"), [
    ("!!python/object:os.system key: 1\n", (1, 1), "!!python/object:os.system"),
    ("title: x\n? !!python/name:os.system k\n: 1\n", (2, 3), "!!python/name:os.system"),
    ("title: x\n{!!python/object/apply:os.system [id]: 1}: 2\n", (2, 1), "?"),
    ("a:\n  !custom key: 1\n", (2, 3), "!custom"),
    ("a: {!!binary eA==: 1}\n", (1, 5), "!!binary"),
    ("!!int abc: 1\n", (1, 1), "!!int"),
])
def test_tags_on_keys_are_checked_like_tags_on_values(
        text: str, where: tuple[int, int], tag: str) -> None:
    code, line, column, message, _hint = refused(text)
    if tag == "?":  # a mapping as key is refused before its tag matters
        assert code == "GK001"
        return
    assert (code, (line, column)) == ("GK011", where)
    assert f"„{tag}“" in message


def test_tag_on_a_key_through_gk_check(make_repo: Any) -> None:
    text = VALID_SERVICE.replace("provider:", "!!python/object:os.system provider:")
    root = repository(make_repo, {SERVICE: text})
    status, found, raw = findings_of(root)
    assert (status, found) == (1, [("GK011", SERVICE, 2, 1)])
    assert raw[0]["message"].startswith(
        "Die YAML-Markierung „!!python/object:os.system“ wird nicht unterstützt.")


@given(st.text(alphabet="ab \r\n\x85\u2028\u2029\x0b\x0c", max_size=30))
def test_lines_break_only_at_lf_crlf_and_cr(text: str) -> None:
    """Lines as editors count them: the same as splitting at CRLF, CR or LF (NEL, the
    Unicode separators and vertical tab or form feed are text)."""
    expected = re.split(r"\r\n|\r|\n", text)
    if expected[-1] == "":
        expected.pop()
    assert split_lines(text) == expected
