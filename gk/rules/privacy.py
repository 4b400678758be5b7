"""Privacy (warnings): what looks like personal data about people in any text of a file.

* GK501: an e-mail address that looks private (a free-mail provider, or first.last@).
* GK502: a mobile phone number (organisations are reached through their switchboard).
* GK503: a date of birth ("geb. 01.02.2003", "Geburtsdatum", "born").
* GK504: a file number (Aktenzeichen, BAMF case number).
* GK505: the name of a person where a role belongs ("Herr …", "Frau …", "Klient …", a first
  name followed by a surname in a role field).

The repository must hold roles and organisations only. A deliberate exception, such as the
public address of an office, is marked on its line with ``# gk: ignore GK501``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from gk.i18n import _
from gk.loader import Path
from gk.repo import SourceFile
from gk.rules import Problem

CODES = ("GK501", "GK502", "GK503", "GK504", "GK505")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_FREEMAIL = re.compile(
    r"@(gmail|googlemail|web|gmx|hotmail|outlook|live|yahoo|icloud|me|t-online|posteo|"
    r"freenet|aol|mail|protonmail|proton|arcor|online|yandex)\.", re.IGNORECASE)
_ROLE_LOCAL = re.compile(
    r"^(info|kontakt|contact|team|office|buero|büro|post|poststelle|mail|service|beratung|"
    r"integration|ki|jmd|migration|verwaltung|sekretariat|anmeldung|zentrale|geschaeftsstelle|"
    r"gfs|teilhabe|thm|jobcenter|ausbildung|bildung|sprache|wohnen|hilfe|netzwerk|"
    r"koordination|bündnis|buendnis|gemeinsam-klappts|noreply|presse)\b", re.IGNORECASE)
_PERSON_LOCAL = re.compile(r"^[a-z]+[._][a-z]+$", re.IGNORECASE)
_MOBILE = re.compile(r"(?<![\d/])(?:\+49[\s/-]?|0049[\s/-]?|0)1[5-7][0-9][\s/-]?[0-9][0-9\s/-]{5,12}[0-9]")
_BIRTH = re.compile(
    r"(geb\.|geboren|geburtsdatum|geburtstag|date of birth|\bdob\b|\bborn\b)[\s:]*(am\s+|on\s+)?"
    r"(\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}-\d{2}-\d{2})", re.IGNORECASE)
_FILE_NUMBER = re.compile(
    r"(\bAz\.?\s*[:.]?\s*[A-Z0-9][\w/.-]*\d|\bAktenzeichen\b\s*[:.]?\s*[\w/.-]*\d|"
    r"\b\d{7}\s?-\s?\d{3}\b|\bBAMF[- ]?(Nr|Nummer)\.?\s*[:.]?\s*\d)", re.IGNORECASE)
_HONORIFIC = re.compile(
    r"\b(Herrn?|Frau|Hr\.|Fr\.|Mr\.?|Mrs\.?|Ms\.?|Klient(?:in)?|Teilnehmer(?:in)?|Bewohner(?:in)?|"
    r"Schüler(?:in)?)\s+[A-ZÄÖÜ][a-zäöüß]+")
# Fields that should hold a role or organisation, never a person's name.
_ROLE_KEYS = {"author", "owner", "contact", "participants", "consultant"}
_FIRST_NAMES = frozenset(["ahmad", "ahmed", "ali", "amir", "anna", "andreas", "bernd", "christian", "claudia", "daniel", "david", "elena", "emma", "fatima", "frank", "hamid", "hassan", "ibrahim", "jan", "jana", "jens", "julia", "karin", "katrin", "klaus", "lea", "leon", "lena", "lisa", "marco", "maria", "mariam", "markus", "martin", "max", "michael", "mohamed", "mohammed", "muhammad", "nadia", "omar", "peter", "petra", "ralf", "sabine", "sandra", "sara", "sarah", "simon", "stefan", "susanne", "thomas", "tobias", "ursula", "yusuf", "zainab"])
_NAME_PAIR = re.compile(r"^([A-ZÄÖÜ][a-zäöüß]+)\s+[A-ZÄÖÜ][a-zäöüß]+\.?$")
_ANY = re.compile("|".join(p.pattern for p in (_EMAIL, _MOBILE, _BIRTH, _FILE_NUMBER, _HONORIFIC)),
                  re.IGNORECASE)


def _strings(data: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))


def _role_key(path: Path) -> bool:
    return any(isinstance(p, str) and p in _ROLE_KEYS for p in path)


def check(source: SourceFile, data: Any) -> Iterator[Problem]:
    file = source.rel
    for path, text in _strings(data):
        if len(text) < 5:
            continue
        if _role_key(path):
            match = _NAME_PAIR.match(text.strip())
            if match and match.group(1).lower() in _FIRST_NAMES:
                yield Problem("GK505", file, path,
                              _("'{text}' looks like the name of a person.").format(text=text),
                              _("Write the role or organisation instead (for example "
                                "'Jobcenter, Team U25')."))
                continue
        if not _ANY.search(text):
            continue
        yield from _scan(file, path, text)


def _scan(file: str, path: Path, text: str) -> Iterator[Problem]:
    keep = _("If it is meant to be here, mark the line with '# gk: ignore {code}'.")
    for match in _EMAIL.finditer(text):
        address = match.group(0)
        local = address.split("@", 1)[0]
        if _FREEMAIL.search(address) or (_PERSON_LOCAL.match(local) and not _ROLE_LOCAL.match(local)):
            yield Problem("GK501", file, path,
                          _("'{address}' looks like a private e-mail address.").format(address=address),
                          _("Use the address of the office (for example info@…).") + " "
                          + keep.format(code="GK501"))
    for match in _MOBILE.finditer(text):
        yield Problem("GK502", file, path,
                      _("'{number}' looks like a private mobile number.").format(
                          number=match.group(0).strip()),
                      _("Give the switchboard or office number instead.") + " "
                      + keep.format(code="GK502"))
    if _BIRTH.search(text):
        yield Problem("GK503", file, path, _("The text contains a date of birth."),
                      _("Delete it: dates of birth of clients do not belong in the repository."))
    if _FILE_NUMBER.search(text):
        yield Problem("GK504", file, path, _("The text contains what looks like a file number "
                                              "(Aktenzeichen)."),
                      _("Delete it: case numbers identify people.") + " " + keep.format(code="GK504"))
    for match in _HONORIFIC.finditer(text):
        yield Problem("GK505", file, path,
                      _("'{text}' looks like the name of a person.").format(text=match.group(0)),
                      _("Write roles, not names (for example 'ein Teilnehmer', 'die Fachkraft "
                        "des Jobcenters')."))
        break
