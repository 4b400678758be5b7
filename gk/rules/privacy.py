"""Privacy (warnings): what looks like personal data about people in any text of a file.

* GK501: an e-mail address that looks private: at a free-mail provider (gmail.com, web.de,
  gmx.de, …), or personal (``anna.schmidt@``, ``a.schmidt@``) rather than an office's.
* GK502: a phone number that looks private: a German mobile number (015x, 016x, 017x), a
  foreign number, or one labelled "privat", "Handy", "mobil" or "WhatsApp". The switchboard
  or office number of an organisation is fine.
* GK503: a date of birth ("geb. 01.02.2003", "Geburtsdatum", "Jahrgang 2001", "born").
* GK504: a file number: an Aktenzeichen or Geschäftszeichen ("Az. 123-45/2019"), a BAMF case
  number (``1234567-423``), a Jobcenter BG number or a customer number of the employment
  agency (``123D456789``), an AZR number.
* GK505: the name of a person where a role belongs: "Herr Yilmaz", "Frau Dr. Weber",
  "Klientin Mariam", a first name and surname in free text, or a name in a field that holds a
  role (``author``, ``owner``, ``contact``, ``participants``, ``consultant``).

The repository must hold roles and organisations only. A deliberate exception, such as the
public address of an office, is marked on its line with ``# gk: ignore GK501`` (several
codes separated by commas).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from gk.engine.discover import SourceFile
from gk.engine.load import Path
from gk.i18n import _
from gk.rules.base import Problem

CODES = ("GK501", "GK502", "GK503", "GK504", "GK505")

def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- e-mail ---------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
# Free-mail providers: whole domains, so that mail.stadt-koeln.de is not taken for mail.de.
_FREEMAIL = _wordset("""
gmail.com googlemail.com web.de gmx.de gmx.net gmx.at gmx.ch gmx.com gmx.eu hotmail.com
hotmail.de hotmail.fr outlook.com outlook.de live.com live.de msn.com yahoo.com yahoo.de
yahoo.fr ymail.com icloud.com me.com mac.com t-online.de posteo.de posteo.net freenet.de
aol.com aol.de mail.de email.de online.de arcor.de protonmail.com protonmail.ch proton.me
pm.me yandex.com yandex.ru mail.ru gmx.org mailbox.org tutanota.com tutanota.de tuta.io
kabelmail.de vodafone.de unitybox.de 1und1.de outlook.at hotmail.co.uk
""")
# Local parts of office addresses: a person's name never looks like these.
_ROLE_WORDS = _wordset("""
info kontakt contact team office buero büro post poststelle mail service beratung
integration ki kim jmd mbe migration migrationsdienst verwaltung sekretariat anmeldung
zentrale geschaeftsstelle gfs teilhabe teilhabemanagement thm jobcenter ausbildung bildung
sprache wohnen hilfe netzwerk koordination koordinierung buendnis bündnis gemeinsam klappts
gemeinsam-klappts noreply no-reply presse jugend jugendamt sozialamt sozial soziales amt
stadt kreis gemeinde rathaus schule vhs projekt projekte fluechtlinge flüchtlinge
asyl auslaenderbehoerde auslaenderamt welcome willkommen kommunal ehrenamt support
anfragen empfang leitung vorstand personal bewerbung karriere fachbereich fachdienst
abteilung referat dezernat geschaeftsfuehrung ombudsstelle caritas diakonie awo drk
""")
_LOCAL_PARTS = re.compile(r"[._-]")

# --- first names ----------------------------------------------------------------------------

# Frequent first names in Germany and among young refugees (Syria, Afghanistan, Iraq,
# Eritrea, Somalia, Guinea, Turkey, Iran, Nigeria, Ukraine). A pair "first name + capitalised
# word" is taken for a person's name; single words are not, to keep notes about "Simon-
# Stiftung" or "St. Martin" quiet.
_FIRST_NAMES = _wordset("""
abdul abdullah abdullahi abdulrahman abdi abdirahman abdo abiola adam adama adel ahmad
ahmed ahmet aisha alexander alexandra ali alina amadou amani amina amir amira ana
andrea andreas angelika anja anna anne ansgar anton ayse aylin bakary bashir ben benjamin
bernd bilal birgit brigitte carina carsten chiara christian christina christine claudia
daniel daniela david dawit deniz dennis dieter dirk dominik elena elias elif emily emin
emma emre eric erik esra eva fabian fatema fatima fatma felix finn florian frank franziska
friedrich gabriele georg gerhard habib hadi hafiz hamid hamza hannah hans hassan heike
heinz helga helmut hussein ibrahim idris ina ines irina isa isabel issa jakob jamal jan
jana jannik jasmin jens jessica johanna johannes jonas josef julia julian jürgen kai karim
karin karl katharina kathrin katja katrin kerstin khaled khalid kevin klaus konstantin
lamin lara laura lea lena leon leonie lina lisa louis luca lukas maik malik mamadou manuel
manfred marc marcel maria mariam marie marina mario marius marko markus martin martina
marvin matthias max maxim melanie mehmet mesut michael michaela mike milad mirjam mohamed
mohammad mohammed monika moritz mousa muhammad muhammed murat musa mustafa nadia nadine
nasir natalia nicole niklas nils nina noah nora olga oliver omar omid osman pascal patrick
paul paula peter petra philipp rahel rainer ralf rami rania rashid reza robert robin sabine
sabrina sahar said salma sami samir samira sandra sara sarah sascha sebastian selin sevgi
shirin silke simon simone sofia sonja sophie stefan stefanie steffen stephan susanne sven
tanja tarek thomas tim timo tobias tom torsten ursula uwe vanessa viktor waltraud werner
wolfgang yasin yasmin yonas youssef yusuf zahra zainab zeynep
""")
# Words after a first name that make it part of an organisation or place ("Martin Luther",
# "Anne Frank" as school names come hyphenated or with one of these).
_NOT_SURNAMES = _wordset("""
schule gesamtschule grundschule realschule gymnasium berufskolleg stift stiftung haus
heim zentrum kirche gemeinde kita kindergarten klinik krankenhaus hospital straße strasse
platz weg allee park campus akademie institut werk werkstatt verein
""")
_NAME_WORD = r"[A-ZÄÖÜ][a-zäöüßéèç]+(?:-[A-ZÄÖÜ][a-zäöüßéèç]+)?"
# A lookahead, so that pairs overlap: "Sprachschule Thomas Becker" yields "Thomas Becker".
_NAME_PAIR = re.compile(rf"(?<![\w-])(?=({_NAME_WORD})\s+({_NAME_WORD})(?![\w-]))")
_SURNAME_FIRST = re.compile(rf"^\s*({_NAME_WORD}),\s+({_NAME_WORD})\s*$")
_INITIAL_NAME = re.compile(rf"^\s*(?:Dr\.\s*)?[A-ZÄÖÜ]\.\s*({_NAME_WORD})\s*$")

# Fields that hold a role or an organisation, never a person's name.
_ROLE_KEYS = frozenset({"author", "owner", "contact", "participants", "consultant"})

# --- people addressed by title ------------------------------------------------------------

_HONORIFIC = re.compile(
    rf"\b(?:Herrn?|Frau|Hr\.|Fr\.|Mr\.?|Mrs\.?|Ms\.?)\s+(?:(?:Dr|Prof)\.\s*)*({_NAME_WORD})")
# Titles of office after Herr/Frau: "Frau Bürgermeisterin" names an office, not a person.
_OFFICES = re.compile(
    r"(Bürgermeister|Oberbürgermeister|Landrat|Landrätin|Beigeordnete|Dezernent|Direktor|"
    r"Leiter|Minister|Staatssekretär|Präsident|Vorsitzende|Kolleg|Amtsleiter|Pfarrer|Pastor|"
    r"Abgeordnete|Stadtdirektor|Kreisdirektor|Sozialarbeiter|Koordinator|Beauftragte)",
    re.IGNORECASE)
_CLIENT_WORDS = ("Klient(?:in)?", "Teilnehmer(?:in)?", "Bewohner(?:in)?", "Schüler(?:in)?",
                 "Jugendliche[rn]?", "Geflüchtete[rn]?", "Azubi", "Auszubildende[rn]?", "Herr",
                 "Frau")
_CLIENT = re.compile(
    rf"\b({'|'.join(_CLIENT_WORDS)})\s+({_NAME_WORD}|[A-ZÄÖÜ]\.(?:\s?[A-ZÄÖÜ]\.)?)")
# The same, one pattern per word: a pattern that starts with a fixed word is searched for
# much faster than an alternation, and only the words present in a text need a search.
_CLIENT_EACH = tuple(
    (re.sub(r"[\[(].*", "", word), re.compile(
        rf"({word})\s+({_NAME_WORD}|[A-ZÄÖÜ]\.(?:\s?[A-ZÄÖÜ]\.)?)"))
    for word in _CLIENT_WORDS)  # no leading \b: it would cost the fast search for the word
_HONORIFIC_STARTS = ("Herr", "Frau", "Hr.", "Fr.", "Mr", "Ms")
# What every match of _HONORIFIC and _CLIENT starts with: one of their words, space and a
# capital letter. Words like "Jugendliche" or "Teilnehmer" are in most texts of the domain;
# this one search tells the few texts where they stand before a name-like word.
_PERSON_GATE = re.compile(
    rf"(?:{'|'.join(_CLIENT_WORDS)}|Herrn|Hr\.|Fr\.|Mrs?\.?|Ms\.?)\s+[A-ZÄÖÜ]")

_NOUN_ENDINGS = ("ung", "heit", "keit", "schaft", "ion", "tät", "kurs", "gruppe", "angebot",
                 "programm", "projekt", "maßnahme", "nis", "ment", "amt", "stelle", "zentrum",
                 "schule", "klasse", "innen", "gespräch", "termin", "akte", "daten")

# --- phone numbers --------------------------------------------------------------------------

_PHONE = r"\(?\+?[0-9][0-9 ()/.-]{6,20}[0-9]"
_MOBILE = re.compile(
    r"(?<![\d/])(?:\+49[\s/-]?(?:\(0\)\s?)?|0049[\s/-]?|\(?0)1[5-7][0-9]\)?[\s/-]?[0-9][0-9\s/-]{5,12}[0-9]")
_FOREIGN = re.compile(r"(?<![\w+])\+(?!49)[1-9][0-9]{0,2}[\s/-]?\(?[0-9][0-9\s/()-]{5,15}[0-9]")
_LABELLED_PHONE = re.compile(
    rf"\b(?:privat|private|handy|mobil|mobile|cell|whatsapp|signal|telegram)\b\.?\s*"
    rf"(?:tel\.?|telefon|nr\.?|nummer|number|:|-)*\s*({_PHONE})", re.IGNORECASE)

# --- dates of birth -------------------------------------------------------------------------

_MONTHS = (r"(?:januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|"
           r"november|dezember|january|february|march|may|june|july|october|december|jan|feb|"
           r"mär|apr|jun|jul|aug|sep|sept|okt|oct|nov|dez|dec)\.?")
_DATE = (rf"(?:\d{{1,2}}\.\s?\d{{1,2}}\.\s?(?:\d{{4}}|\d{{2}})\b|\d{{4}}-\d{{2}}-\d{{2}}|"
         rf"\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{1,2}}\.?\s+{_MONTHS}\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}})")
_BIRTH = re.compile(
    rf"(?:\bgeb\.|\bgeboren\b|\bgeburtsdatum\b|\bgeb\.-datum\b|\bgeburtstag\b|\bdate of birth\b|"
    rf"\bd\.o\.b\.|\bdob\b|\bborn\b|(?<![\w*])\*)[\s:]*(?:am\s+|on\s+|in\s+|im\s+jahr\s+)?"
    rf"(?:{_DATE}|(?:19|20)\d{{2}}\b)"
    rf"|\b(?:jahrgang|jg\.)\s*(?:19|20)\d{{2}}\b", re.IGNORECASE)

# --- file numbers ---------------------------------------------------------------------------

_FILE_NUMBER = re.compile(
    r"\b(?:Az|AZ|Gz|GZ)\.?\s*:?\s*[0-9][\w/.-]*[0-9]"
    r"|\b(?:Aktenzeichen|Geschäftszeichen|Geschaeftszeichen|Vorgangsnummer|Fallnummer|"
    r"Kundennummer|Kunden-Nr\.?|Kd\.-?Nr\.?|BG-Nummer|BG-Nr\.?|AZR-Nummer|AZR-Nr\.?|"
    r"Personenkennziffer|Steuer-ID|Versicherungsnummer|file number|case number)"
    r"\s*[:.]?\s*[A-Z]{0,3}[0-9][\w/.-]*"
    r"|\bBAMF[- ]?(?:Nr|Nummer|Az|Aktenzeichen)\.?\s*[:.]?\s*[0-9]",
    re.IGNORECASE)
# Without a keyword, only in their exact shapes: a BAMF file number (7654321-423), a Jobcenter
# number of a Bedarfsgemeinschaft (12345BG0012345), a customer number of the employment
# agency (123D456789).
_FILE_NUMBER_SHAPES = re.compile(r"(?<![\d-])[0-9]{7,8}\s?-\s?[0-9]{3}(?![\d-])"
                                 r"|\b[0-9]{5}BG[0-9]{7}\b|\b[0-9]{3}[A-Z][0-9]{6}\b")

# Cheap tests first: most texts of a repository are slugs, dates or short sentences without
# any of these; the expensive patterns run only where a keyword or enough digits appear.
_PLAIN_VALUE = re.compile(r"[a-z][a-z0-9-]*\Z|[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DIGITS = re.compile(r"[0-9][0-9 /()-]{4,}[0-9]")
_CAPITALISED = re.compile(r"[A-ZÄÖÜ][a-zäöüßéèç]+")


class _Gate(NamedTuple):
    """A quick test whether a lower-cased text can hold a match: each word is found with
    ``str.find`` (fast); a word written with '<' must start a word, with '>' end one, because
    as bare substrings some are everywhere ('geb' in 'Angebot', 'nr' in 'Anrede')."""

    plain: tuple[str, ...]  # words that count wherever they stand
    bounded: tuple[tuple[str, bool, bool], ...]  # (word, must start a word, must end one)


def _words(*words: str) -> _Gate:
    plain = tuple(w for w in words if not w.startswith("<") and not w.endswith(">"))
    bounded = tuple((w.strip("<>"), w.startswith("<"), w.endswith(">"))
                    for w in words if w.startswith("<") or w.endswith(">"))
    return _Gate(plain, bounded)


_BIRTH_WORDS = _words("<geb.", "geboren", "geburt", "date of birth", "d.o.b", "<dob>", "<born>",
                      "*", "jahrgang", "<jg.")
_FILE_WORDS = _words("<az>", "<gz>", "zeichen", "nummer", "<nr>", "bamf", "file number",
                     "case number", "steuer-id", "kennziffer")
_PHONE_WORDS = _words("privat", "handy", "mobil", "cell", "whatsapp", "signal", "telegram")

def _has(lower: str, gate: _Gate) -> bool:
    for word in gate.plain:
        if word in lower:
            return True
    for word, left, right in gate.bounded:
        at = lower.find(word)
        while at >= 0:
            end = at + len(word)
            if (not left or at == 0 or not lower[at - 1].isalnum()) and \
                    (not right or end == len(lower) or not lower[end].isalpha()):
                return True
            at = lower.find(word, at + 1)
    return False


def _texts(data: Any) -> list[tuple[Path, str, bool]]:
    """The texts worth a look, in document order: (path, text, inside a role field).

    Paths are made only for the texts kept (most values are short, dates or numbers); the
    depth is bounded by the loader."""
    out: list[tuple[Path, str, bool]] = []
    append = out.append
    plain = _PLAIN_VALUE.match

    def walk(path: Path, items: Iterable[tuple[Any, Any]], role: bool, keys: bool) -> None:
        for key, value in items:
            kind = type(value)
            if kind is str:
                if len(value) >= 5 and not plain(value):
                    append(((*path, key), value, role or (keys and key in _ROLE_KEYS)))
            elif kind is dict:
                walk((*path, key), value.items(), role or (keys and key in _ROLE_KEYS), True)
            elif kind is list:
                walk((*path, key), enumerate(value), role or (keys and key in _ROLE_KEYS), False)

    if type(data) is dict:
        walk((), data.items(), False, True)
    elif type(data) is list:
        walk((), enumerate(data), False, False)
    elif type(data) is str and len(data) >= 5 and not plain(data):
        append(((), data, False))
    return out


def _keep(code: str) -> str:
    return _("If it is meant to be here, mark the line with '# gk: ignore {code}'.").format(
        code=code)


def check(source: SourceFile, data: Any) -> Iterator[Problem]:
    file = source.rel
    strings = _texts(data)
    if not strings:
        return
    # One look at all texts of the file together decides which checks can find anything at
    # all; most files need none. Every pattern finds in the joined texts at least what it
    # finds in each text alone, so nothing is missed.
    blob = "\n".join(text for _path, text, _role in strings)
    lower_blob = blob.lower()
    # Dates of birth and file numbers always contain a digit; keywords alone ('geb' is in
    # 'Angebot') are no reason to look closer.
    any_digit = any(digit in blob for digit in "0123456789")
    digits = any_digit and _DIGITS.search(blob) is not None
    scan = ("@" in blob and _EMAIL.search(blob) is not None) or digits or (any_digit and (
        (_has(lower_blob, _BIRTH_WORDS) and _BIRTH.search(blob) is not None)
        or (_has(lower_blob, _FILE_WORDS) and _FILE_NUMBER.search(blob) is not None)))
    # What a single text holds, the joined texts hold too: when these find nothing there,
    # no text needs them.
    person = _PERSON_GATE.search(blob) is not None
    first = not _FIRST_NAMES.isdisjoint(map(str.lower, _CAPITALISED.findall(blob)))
    names = (person and _addressed_person(blob) is not None) or first
    if not (scan or names):
        strings = [entry for entry in strings if entry[2]]  # only role fields need a look
    for path, text, role in strings:
        lower = text.lower()
        name = _name_in(text, role, person, first) \
            if lower != text and (names or role) else None
        if name is not None:
            yield Problem("GK505", file, path,
                          _("'{text}' looks like the name of a person.").format(text=name),
                          (_("Write the role or organisation instead (for example "
                             "'Jobcenter, Team U25').") if role else
                           _("Write roles, not names (for example 'ein Teilnehmer', 'die "
                             "Fachkraft des Jobcenters').")) + " " + _keep("GK505"))
        if scan:
            yield from _scan(file, path, text, lower)


def _is_first_name(word: str) -> bool:
    return word.split("-")[0].lower() in _FIRST_NAMES


def _name_in(text: str, role: bool, addressed: bool = True, first_names: bool = True
             ) -> str | None:
    """A person's name in the text, as written; None when there is none. ``addressed`` and
    ``first_names`` False tell that the text has no word like "Herr" before a capital, and
    no first name (they were looked for in all texts of the file at once)."""
    if addressed and _PERSON_GATE.search(text) is not None:
        found = _addressed_person(text)
        if found is not None:
            return found
    if first_names and not _FIRST_NAMES.isdisjoint(map(str.lower, _CAPITALISED.findall(text))):
        for match in _NAME_PAIR.finditer(text):
            first, last = match.group(1), match.group(2)
            after = text[match.end(2):].split(None, 1)
            if _is_first_name(first) and not _is_first_name(last) \
                    and last.lower() not in _NOT_SURNAMES \
                    and not (after and after[0].strip(".,;:()").lower() in _NOT_SURNAMES):
                return text[match.start(1):match.end(2)]
    if role:
        reversed_name = _SURNAME_FIRST.match(text) if first_names else None
        if reversed_name and _is_first_name(reversed_name.group(2)):
            return reversed_name.group(0).strip()
        initial = _INITIAL_NAME.match(text)
        if initial and initial.group(1).lower() not in _ROLE_WORDS:
            return initial.group(0).strip()
    return None


def _addressed_person(text: str) -> str | None:
    """"Herr Yilmaz", "Frau Dr. Weber", "Klientin Mariam", "Teilnehmer A."."""
    if any(start in text for start in _HONORIFIC_STARTS):
        for match in _HONORIFIC.finditer(text):
            if not _OFFICES.match(match.group(1)):
                return match.group(0)
    matches = sorted((m for literal, pattern in _CLIENT_EACH if literal in text
                      for m in pattern.finditer(text)
                      if m.start() == 0 or not text[m.start() - 1].isalnum()),
                     key=lambda m: m.start())
    for match in matches:
        word = match.group(2)
        if word.endswith(".") or _is_first_name(word):
            return match.group(0)
        # After "Klient" a capitalised word is nearly always a surname ("Klient Ahmadi");
        # after "Teilnehmer" or "Schüler" it is as often a noun ("Teilnehmer Sprachkurs").
        if match.group(1).startswith("Klient") and not word.lower().endswith(_NOUN_ENDINGS):
            return match.group(0)
    return None


def _private_address(local: str, domain: str) -> bool:
    if domain.lower() in _FREEMAIL:
        return True
    parts = [p for p in _LOCAL_PARTS.split(local.lower()) if p]
    if len(parts) < 2 or any(p in _ROLE_WORDS or p.isdigit() for p in parts):
        return False
    # anna.schmidt@, a.schmidt@, schmidt.anna@
    if len(parts) == 2 and all(p.isalpha() for p in parts):
        return (len(parts[0]) == 1 or parts[0] in _FIRST_NAMES or parts[1] in _FIRST_NAMES)
    return False


def _scan(file: str, path: Path, text: str, lower: str) -> Iterator[Problem]:
    if "@" in text:
        for match in _EMAIL.finditer(text):
            if _private_address(match.group(1), match.group(2)):
                yield Problem("GK501", file, path,
                              _("'{address}' looks like a private e-mail address.").format(
                                  address=match.group(0)),
                              _("Use the address of the office (for example info@…).") + " "
                              + _keep("GK501"))
    digits = _DIGITS.search(text) is not None
    phone = _MOBILE.search(text) if digits else None
    if phone is not None:
        yield Problem("GK502", file, path,
                      _("'{number}' looks like a private mobile number.").format(
                          number=phone.group(0).strip()),
                      _("Give the switchboard or office number instead.") + " " + _keep("GK502"))
    elif digits:
        labelled = _LABELLED_PHONE.search(text) if _has(lower, _PHONE_WORDS) else None
        number = labelled.group(1) if labelled else None
        if number is None and "+" in text:
            foreign = _FOREIGN.search(text)
            number = foreign.group(0) if foreign else None
        if number is not None and sum(c.isdigit() for c in number) >= 7:
            yield Problem("GK502", file, path,
                          _("'{number}' looks like a private phone number.").format(
                              number=number.strip()),
                          _("Give the switchboard or office number instead.") + " "
                          + _keep("GK502"))
    if _has(lower, _BIRTH_WORDS) and _BIRTH.search(text):
        yield Problem("GK503", file, path, _("The text contains a date of birth."),
                      _("Delete it: dates of birth of clients do not belong in the repository.")
                      + " " + _keep("GK503"))
    if (_has(lower, _FILE_WORDS) and _FILE_NUMBER.search(text)) \
            or (digits and _FILE_NUMBER_SHAPES.search(text)):
        yield Problem("GK504", file, path, _("The text contains what looks like a file number "
                                              "(Aktenzeichen)."),
                      _("Delete it: case numbers identify people.") + " " + _keep("GK504"))
