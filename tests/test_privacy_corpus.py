"""Precision and recall of the privacy rule on a labelled corpus of invented texts.

The corpus (tests/privacy_corpus.yaml, invented data only) holds texts that are personal data
and must raise a GK5xx warning, and organisational texts that must raise none. Each text is
written into a real YAML file (as a value, or as a comment) and checked by the engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gk.engine.discover import SourceFile
from gk.engine.load import load_bytes
from gk.engine.pipeline import check_bytes

CORPUS = Path(__file__).with_name("privacy_corpus.yaml")
SOURCE = SourceFile("worksheets/musterstadt/2025-03-01-begleitprotokoll.yaml", "worksheet",
                    "musterstadt", "2025-03-01-begleitprotokoll")
LIST_KEYS = {"participants", "topics"}

# Reached by this version of the rule (67 personal, 75 organisational samples); raise them
# when the rule gets better, never lower them. Before comments, IBANs, addresses and health
# were looked at, the same corpus gave precision 0.857 and recall 0.448.
MIN_PRECISION = 1.0
MIN_RECALL = 0.97
# Held-out samples the rule still misses: a bare first name with a role in brackets, and an
# address next to "WG" rather than "wohnt". Remove one from here when it is found.
KNOWN_MISSES = {"Yusuf (Teilnehmer)", "Omid und Reza aus der WG in der Marktstraße 3"}


def _corpus() -> dict[str, list[dict[str, Any]]]:
    loaded = load_bytes(CORPUS.read_bytes(), CORPUS.name)
    assert loaded.data is not None, loaded.findings
    data: dict[str, list[dict[str, Any]]] = loaded.data
    return data


def document(sample: dict[str, Any]) -> str:
    """A small worksheet holding the sample's text where the sample says."""
    head = "template: begleitprotokoll\ndate: 2025-03-01\n"
    if sample.get("key") != "author":
        head += "author: Prozessbegleitung\n"
    text = json.dumps(sample["text"], ensure_ascii=False)  # a JSON string is YAML too
    if sample.get("comment"):
        return head + "# " + sample["text"] + "\nsummary: Sitzung der Kerngruppe\n"
    key = sample["key"]
    if key in LIST_KEYS:
        return head + f"{key}:\n  - Geschäftsführende Stelle\n  - {text}\n"
    return head + f"{key}: {text}\n"


def privacy_codes(sample: dict[str, Any]) -> list[str]:
    result = check_bytes(SOURCE, document(sample).encode("utf-8"), {})
    return [f.code for f in result.findings if f.code.startswith("GK5")]


def scores() -> tuple[float, float, list[str], list[str]]:
    corpus = _corpus()
    missed = [s["text"] for s in corpus["personal"] if not privacy_codes(s)]
    alarms = [s["text"] for s in corpus["organisational"] if privacy_codes(s)]
    found = len(corpus["personal"]) - len(missed)
    precision = found / (found + len(alarms)) if found + len(alarms) else 0.0
    recall = found / len(corpus["personal"])
    return precision, recall, missed, alarms


def test_the_corpus_is_large_enough_and_labelled() -> None:
    corpus = _corpus()
    assert len(corpus["personal"]) >= 43
    assert len(corpus["organisational"]) >= 45
    assert "INVENTED DATA ONLY" in CORPUS.read_text(encoding="utf-8")
    kinds = {sample["kind"] for sample in corpus["personal"]}
    assert {"email", "phone", "birth", "file-number", "iban", "address", "room", "health",
            "name", "comment"} <= kinds


def test_precision_and_recall_stay_above_their_floors() -> None:
    precision, recall, missed, alarms = scores()
    print(f"privacy corpus: precision {precision:.3f}, recall {recall:.3f}")
    assert recall >= MIN_RECALL, f"missed: {missed}"
    assert precision >= MIN_PRECISION, f"false alarms: {alarms}"


@pytest.mark.parametrize("sample", _corpus()["personal"], ids=lambda s: s["text"][:40])
def test_each_personal_sample_is_noticed(sample: dict[str, Any]) -> None:
    assert bool(privacy_codes(sample)) is (sample["text"] not in KNOWN_MISSES)


@pytest.mark.parametrize("sample", _corpus()["organisational"], ids=lambda s: s["text"][:40])
def test_no_organisational_sample_raises_an_alarm(sample: dict[str, Any]) -> None:
    assert privacy_codes(sample) == []


@pytest.mark.parametrize(("text", "code"), [
    ("Überweisung auf DE35 3704 0044 0532 0130 99", "GK506"),
    ("Überweisung auf DE36 3704 0044 0532 0130 99", None),  # wrong check digits
    ("Wohnadresse: Am Mühlenweg 3a, 47799 Krefeld", "GK507"),
    ("Jobcenter Musterstadt, Hauptstraße 12, 40210 Düsseldorf", None),
    ("Die junge Frau ist schwanger (5. Monat)", "GK508"),
    ("Beratung zu Schwangerschaft und Familienplanung", None),
    ("01.02.2003 geboren", "GK503"),
    ("Jugendhilfe e.V. (* 2019 gegründet)", None),
    ("Sozialversicherungsnummer 12 150403 R 123", "GK504"),
    ("Mehmet Ali sucht einen Ausbildungsplatz", "GK505"),
    ("Gespräch mit Tesfaye Gebremedhin", "GK505"),
    ("Krankenhaus Maria Hilf", None),
    ("Projekt Kevin Kann Kochen", None),
    ("Christian Jugendwerk", None),
])
def test_the_kinds_named_in_the_issue(text: str, code: str | None) -> None:
    codes = privacy_codes({"key": "summary", "text": text})
    assert codes == ([code] if code else [])


if __name__ == "__main__":  # python tests/test_privacy_corpus.py: print the numbers
    p, r, m, a = scores()
    print(f"precision {p:.3f} recall {r:.3f}\nmissed ({len(m)}): {m}\nfalse alarms ({len(a)}): {a}")
