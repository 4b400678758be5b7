"""docs/codes.md documents every finding code, with the right severity, and its examples hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import VALID_ALLIANCE, VALID_SERVICE, check_json

from gk import i18n
from gk.engine.load import MAX_BYTES, MAX_DEPTH, MAX_NODES
from gk.findings import CODES, ERROR
from gk.rules import file_rules, repository_rules

DOC = Path(__file__).resolve().parent.parent / "docs" / "codes.md"
SEVERITY_WORDS = {"Fehler": "error", "Warnung": "warning"}
_SECTION = re.compile(r"^### (GK\d{3})\n(.*?)(?=^##)", re.MULTILINE | re.DOTALL)
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def sections() -> dict[str, str]:
    return {code: body for code, body in _SECTION.findall(doc_text() + "\n##")}


def test_every_code_has_a_section() -> None:
    documented = list(sections())
    assert sorted(documented) == sorted(CODES)
    assert len(documented) == len(set(documented)), "a code has two sections"


def test_doc_names_no_code_that_does_not_exist() -> None:
    named = set(re.findall(r"\bGK\d{3}\b", doc_text()))
    assert named - set(CODES) == set()


def test_severities_agree() -> None:
    wrong = {}
    for code, body in sections().items():
        found = re.search(r"Schwere: \*\*(\w+)\*\*", body)
        severity = SEVERITY_WORDS.get(found.group(1)) if found else None
        if severity != CODES[code].severity:
            wrong[code] = (found.group(1) if found else None, CODES[code].severity)
    assert wrong == {}


def test_overview_table_agrees_with_the_catalogue() -> None:
    rows = re.findall(r"^\| \[(GK\d{3})\]\(#gk\d{3}\) \| (\w+) \| (.+?) \|$", doc_text(),
                      re.MULTILINE)
    assert [code for code, _sev, _title in rows] == list(CODES)
    i18n.set_language("de")
    for code, severity, title in rows:
        assert SEVERITY_WORDS[severity] == CODES[code].severity, code
        assert title == i18n._(CODES[code].title), code


def test_rule_modules_only_use_catalogued_codes_and_all_are_documented() -> None:
    documented = sections()
    for module in (*file_rules(), *repository_rules()):
        in_docstring = set(re.findall(r"\bGK\d{3}\b", module.__doc__ or ""))
        assert set(module.CODES) <= set(CODES), module.__name__
        assert in_docstring <= set(CODES), module.__name__
        assert set(module.CODES) <= in_docstring, f"{module.__name__}: docstring misses a code"
        assert set(module.CODES) <= set(documented), module.__name__


def test_warnings_are_the_documented_warnings() -> None:
    warnings = {c for c, body in sections().items() if "Schwere: **Warnung**" in body}
    assert warnings == {c.code for c in CODES.values() if c.severity != ERROR}


def test_limits_are_stated_with_the_loader_values() -> None:
    text = doc_text()
    assert f"| {MAX_BYTES // (1024 * 1024)} MB | GK009 |" in text
    assert f"| {MAX_DEPTH} Ebenen | GK008 |" in text
    assert f"| {MAX_NODES:,} |".replace(",", " ") in text
    assert MAX_BYTES == 5 * 1024 * 1024  # the doc says "5 MB" in the GK009 section too


def test_ignore_comment_is_explained() -> None:
    text = doc_text()
    assert "# gk: ignore GK501" in text
    assert "# gk: ignore GK501, GK502" in text


def test_json_example_has_the_contract_keys() -> None:
    blocks = [body for lang, body in _BLOCK.findall(doc_text()) if lang == "json"]
    assert len(blocks) == 1
    payload = json.loads(blocks[0])
    assert set(payload) == {"findings", "errors", "warnings"}
    for finding in payload["findings"]:
        assert set(finding) == {"file", "line", "column", "severity", "code", "message"}


def test_github_example_has_the_contract_shape() -> None:
    assert re.search(r"^::error file=[^,]+,line=\d+,col=\d+::GK\d{3}: \S", doc_text(),
                     re.MULTILINE)


# --- every example with its files spelled out gives the documented finding -----------------

def _examples() -> list[tuple[str, dict[str, str], tuple[str, int, int, str], list[str]]]:
    out = []
    for code, body in sections().items():
        files = {}
        expected = None
        for lang, block in _BLOCK.findall(body):
            first = block.split("\n", 1)[0]
            if lang == "yaml" and first.startswith("# Datei: "):
                files[first[len("# Datei: "):]] = block
            elif lang == "text" and expected is None:
                head = re.match(r"(\S+):(\d+):(\d+): (?:Fehler|Warnung) (GK\d{3})$", first)
                if head:
                    expected = (head.group(1), int(head.group(2)), int(head.group(3)),
                                head.group(4))
        call = re.search(r"\(Aufruf: `gk check ([^`]*)`\)", body)
        if files and expected:
            out.append((code, files, expected, call.group(1).split() if call else []))
    return out


EXAMPLES = _examples()


def test_most_codes_have_a_checked_example() -> None:
    assert len(EXAMPLES) >= 35


@pytest.mark.parametrize(("code", "files", "expected", "args"), EXAMPLES,
                         ids=[e[0] for e in EXAMPLES])
def test_example_gives_the_documented_finding(make_repo, code: str, files: dict[str, str],
                                               expected: tuple[str, int, int, str],
                                               args: list[str]) -> None:
    base = {"alliances/musterstadt.yaml": VALID_ALLIANCE,
            "services/musterstadt/sprachcafe.yaml": VALID_SERVICE}
    root = make_repo({**base, **files})
    _status, report = check_json(root, *args)
    found = {(f["file"], f["line"], f["column"], f["code"]) for f in report["findings"]}
    assert expected[3] == code
    assert expected in found
