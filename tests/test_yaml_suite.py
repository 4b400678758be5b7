"""gk's loader over the official YAML test suite (yaml/yaml-test-suite, 402 cases).

Valid YAML 1.2 is read with the values the suite gives, invalid YAML is refused, and no
case makes the loader crash or name a line the file does not have. Where gk differs on
purpose (it refuses tags and complex keys) or libyaml 0.1.7 does, the case is listed below
with the reason; a listed case that starts to pass fails the test, so the lists only shrink.
The cases are packed into ``fixtures/yaml-test-suite/cases.json`` (MIT licence, see there).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gk.engine.load import load_text, split_lines

SUITE = Path(__file__).resolve().parent / "fixtures" / "yaml-test-suite" / "cases.json"


@cache
def cases() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(SUITE.read_text(encoding="utf-8"))
    return data


def documents(case: dict[str, Any]) -> list[Any] | None:
    """The JSON documents the suite expects (``in.json`` may hold several)."""
    if "json" not in case:
        return None
    decoder, text, index, out = json.JSONDecoder(), case["json"], 0, []
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return out
        value, index = decoder.raw_decode(text, index)
        out.append(value)


def same(a: Any, b: Any) -> bool:
    """Equal as JSON data: key order does not matter, 1.0 equals 1, NaN equals NaN."""
    if isinstance(a, float) and isinstance(b, (int, float)):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def mapping_cases() -> list[str]:
    """Valid cases whose one document is a mapping: what a gk file is."""
    out = []
    for name, case in cases().items():
        docs = documents(case)
        if not case["error"] and docs is not None and len(docs) == 1 \
                and isinstance(docs[0], dict):
            out.append(name)
    return out


# Valid mappings gk does not read as the suite gives them, and why.
NOT_READ = {
    # gk reads plain data: tags beyond the YAML core ones are GK011 (SPEC: no code runs).
    **dict.fromkeys(["2XXW", "565N", "7FWL", "CUP7", "M5C3", "UGM3", "Z67P"], "GK011 tag"),
    # libyaml 0.1.7 reads '!!str,' as a tag with the comma in it.
    "WZ62": "GK011 tag",
    # Both parsers refuse a colon on the line after a flow mapping key.
    **dict.fromkeys(["4MUZ/00", "4MUZ/01", "4MUZ/02", "5MUD", "K3WX", "VJP3/01"], "GK001"),
    # A tab before a value at the start of a line: separation in YAML 1.2, but refused by
    # both parsers, and GK006 is the useful message for what looks like tab indentation.
    **dict.fromkeys(["DK95/00", "Q5MG"], "GK006"),
    # libyaml 0.1.7 reads these without an error, but not as YAML 1.2 says: '&an:chor' as
    # '&an', '?foo' in a flow mapping as an explicit key, a last line of spaces dropped.
    **dict.fromkeys(["Y2GN", "652Z", "L24T/01"], "different value"),
}
# The valid cases that get GK006: the two above, and a top-level list after a tab.
GK006_ON_VALID = {"6CA3", "Q5MG", "DK95/00"}
# Invalid YAML that libyaml 0.1.7 accepts: indentation of continuation lines in flow
# context, comments without a space before '#'. gk reads what libyaml reads.
ACCEPTED_INVALID = {"9C9N", "DK95/01", "QB6E", "S98Z", "SU5Z", "X4QW"}


def loaded(name: str) -> Any:
    return load_text(cases()[name]["yaml"], "in.yaml")


@pytest.mark.parametrize("name", mapping_cases())
def test_valid_mapping_is_read_as_the_suite_says(name: str) -> None:
    result = loaded(name)
    [expected] = documents(cases()[name]) or [None]
    read = result.data is not None and same(result.data, expected)
    if name in NOT_READ:
        assert not read, f"{name} is read right now: remove it from NOT_READ"
        reason = NOT_READ[name]
        assert reason == "different value" or reason.split()[0] == result.findings[0].code
    else:
        assert read, (cases()[name]["name"], result.findings)


def test_tabs_in_valid_yaml_are_not_called_indentation() -> None:
    gk006 = {name for name, case in cases().items()
             if not case["error"] and [f.code for f in loaded(name).findings] == ["GK006"]}
    assert gk006 == GK006_ON_VALID


def test_invalid_yaml_is_refused() -> None:
    accepted = {name for name, case in cases().items()
                if case["error"] and loaded(name).data is not None}
    assert accepted == ACCEPTED_INVALID


@pytest.mark.parametrize("name", sorted(cases()))
def test_every_case_gives_data_or_a_finding_in_the_file(name: str) -> None:
    result = loaded(name)
    assert (result.data is None) == bool(result.findings)
    lines = len(split_lines(cases()[name]["yaml"]))
    for finding in result.findings:
        assert finding.code.startswith("GK0")
        assert 1 <= finding.line <= lines + 1 and finding.column >= 1, finding
