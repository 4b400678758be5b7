"""Personal data is looked for in every text of a file: comments and keys too.

All names, numbers and addresses here are invented for the tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import EXAMPLE, VALID_ALLIANCE, VALID_SERVICE, check_json

from gk.engine.discover import SourceFile
from gk.engine.load import load_text
from gk.rules import privacy
from gk.rules.privacy import _comments, _in_values, line_and_column

# Invented: no such person, number or address exists.
ISSUE_COMMENT = "# Ahmad Rahimi, geb. 01.02.2003, Handy 0176 12345678, ahmad.r@gmail.com\n"


def privacy_findings(root: Path, *args: str) -> tuple[int, list[tuple[str, int, int, str]]]:
    status, report = check_json(root, *args)
    return status, sorted((f["file"], f["line"], f["column"], f["code"])
                          for f in report["findings"] if f["code"].startswith("GK5"))


def test_the_comment_of_the_issue_is_found_at_its_line_and_column(make_repo) -> None:
    rel = "services/musterstadt/sprachcafe.yaml"
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      rel: VALID_SERVICE + "  " + ISSUE_COMMENT})
    status, found = privacy_findings(root, "--strict")
    assert found == [(rel, 7, 3, code) for code in ("GK501", "GK502", "GK503", "GK505")]
    assert status == 1  # warnings fail the check with --strict


def test_a_comment_after_a_value_points_at_its_hash(make_repo) -> None:
    rel = "services/musterstadt/sprachcafe.yaml"
    service = VALID_SERVICE.replace("status: active",
                                    "status: active  # Rückruf Herr Yilmaz, Lindenweg")
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE, rel: service})
    assert privacy_findings(root)[1] == [(rel, 5, 17, "GK505")]


def test_ignore_mark_on_the_comment_line_keeps_it_quiet(make_repo) -> None:
    rel = "services/musterstadt/sprachcafe.yaml"
    root = make_repo({
        "alliances/musterstadt.yaml": VALID_ALLIANCE,
        rel: VALID_SERVICE + "# Stiftung Anna Schmidt fördert das Café  # gk: ignore GK505\n"})
    assert privacy_findings(root)[1] == []


def test_a_hash_inside_a_value_is_no_comment_and_gives_one_finding(make_repo) -> None:
    rel = "services/musterstadt/sprachcafe.yaml"
    service = VALID_SERVICE + (
        'title_note: "Kurs #2 mit Herrn Yilmaz"\n'
        "description: |\n"
        "  # Liste\n"
        "  Treffpunkt mit Frau Haidari\n"
        "  'Kevin's # Zeile\n"
        "contact: 'Büro # 3, Herr Özdemir'\n")
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE, rel: service})
    found = [f for f in privacy_findings(root)[1] if f[3] == "GK505"]
    assert [(line, column) for _file, line, column, _code in found] == [(7, 13), (8, 14),
                                                                        (12, 10)]


def test_a_name_in_a_key_is_found_at_the_key(make_repo) -> None:
    rel = "services/musterstadt/sprachcafe.yaml"
    service = VALID_SERVICE + "notes:\n  Ahmad Rahimi: kommt dienstags\n"
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE, rel: service})
    assert (rel, 8, 3, "GK505") in privacy_findings(root)[1]


def test_the_example_repository_raises_no_privacy_warning() -> None:
    # The shipped example is full of comments that explain the keys ('gk new' files are
    # held to the same in tests/test_new.py).
    assert privacy_findings(EXAMPLE)[1] == []


def test_a_text_known_to_be_clean_outside_a_role_field_is_still_looked_at_inside_one() -> None:
    source = SourceFile("worksheets/musterstadt/x.yaml", "worksheet", "musterstadt", "x")
    text = "Weber, Katharina"  # invented; a name only where a role belongs
    for _ in range(2):  # the second time, the text is remembered as clean outside
        assert [p.code for p in privacy.check(source, {"summary": text})] == []
        assert [p.code for p in privacy.check(source, {"owner": text})] == ["GK505"]


# --- the comment scanner, held to the parser --------------------------------------------------

TRICKY = [
    "a: 1 # Kommentar eins\n",
    "# ganz oben\na: x\n",
    "a: 'it''s # kein Kommentar'  # aber das hier\n",
    'a: "x \\" # kein" # doch einer\n',
    "a: C#-Kurs und Kurs#2  # Kommentar\n",
    "a: |\n  # Inhalt\n  mehr\n# Kommentar danach\nb: 1\n",
    "a: >-\n    # Inhalt\n  # Kommentar, weniger eingerückt\nb: 1\n",
    "list:\n  - |\n    # Inhalt\n  - x  # Kommentar zwei\n",
    "a:\n  - key: |\n      # Inhalt\n    other: 1  # Kommentar drei\n",
    "a: [x, y]  # flow eins\nb: {k: v}  # flow zwei\n",
    "a: 'mehrzeilig\n  # noch Text\n  ende'\nb: 1  # Kommentar vier\n",
    'a: "mehrzeilig\n  # noch Text\n  ende"  # Kommentar fünf\n',
    "a: Kevin's Kurs  # Kommentar sechs\n",
    "a: x\r# Kommentar bei CR\rb: y\r",
    "a: x\r\n# Kommentar bei CRLF\r\nb: y\r\n",
    "a: &anker |2\n    # Inhalt\n# Kommentar sieben\n",
]


def _without(text: str, line: int, column: int) -> str:
    lines = re.split(r"(\r\n|\r|\n)", text)  # text and breaks alternate
    index = 2 * (line - 1)
    lines[index] = lines[index][:column - 1]
    return "".join(lines)


@pytest.mark.parametrize("text", TRICKY)
def test_every_comment_found_is_one_and_none_is_missed(text: str) -> None:
    data = load_text(text, "x.yaml").data
    assert data is not None
    found = comments(text, _strings(data))
    for line, column, _body in found:  # deleting a comment does not change the data
        assert load_text(_without(text, line, column), "x.yaml").data == data, (line, column)
    bodies = [body for _line, _column, body in found]
    wanted = re.findall(r"#\s*((?:Kommentar|ganz|aber|doch|flow)[^\r\n]*)", text)
    assert bodies == [w.strip() for w in wanted]


def comments(text: str, strings: list[str]) -> list[tuple[int, int, str]]:
    """(line, column, text) of the comments the privacy rule looks at."""
    values = "\n".join(strings)
    return [(*line_and_column(text, offset), body) for offset, body in _comments(text)
            if not _in_values(body, values)]


def _strings(data: object) -> list[str]:
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in (k, *_strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


def _yaml_files() -> list[Path]:
    here = Path(__file__).resolve().parent
    return sorted(path for path in [*EXAMPLE.rglob("*.yaml"), *(here / "cases").rglob("*.yaml")]
                  if path.is_file() and not path.is_symlink())


def test_comments_found_in_the_shipped_files_are_comments() -> None:
    checked = 0
    for path in _yaml_files():
        text = path.read_bytes().decode("utf-8", "replace")
        loaded = load_text(text, path.name)
        if loaded.data is None:
            continue
        for line, column, _body in comments(text, _strings(loaded.data)):
            assert load_text(_without(text, line, column), path.name).data == loaded.data, \
                (path, line)
            checked += 1
    assert checked > 50
