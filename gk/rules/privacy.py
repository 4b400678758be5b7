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
  "Klientin Mariam", a first name and surname in free text ("Ahmad Rahimi", "Mehmet Ali",
  "Ahmad R.", a first name or a surname from the lists in gk/data/names.txt beside any
  other name), or a name in a field that holds a role (``author``, ``owner``, ``contact``,
  ``participants``, ``consultant``: "Anna Schmidt", "Weber, Katharina", "Dr. Weber").
* GK506: a bank account: an IBAN whose check digits are right (mod 97).
* GK507: where a person lives: a street address with house number next to "wohnt",
  "Wohnadresse", "Meldeadresse" and the like, or a room number in an accommodation
  ("Unterkunft Gartenweg, Zimmer 214").
* GK508: a person's health: a diagnosis or condition said of someone ("hat Diabetes",
  "leidet an", "PTBS-Diagnose", "ist schwanger", "HIV-positiv", "Suizidversuch").

Every text of a file is looked at: values, keys, and comments (reported at the comment's
line and column).

The repository must hold roles and organisations only. A deliberate exception, such as the
public address of an office, is marked on its line with ``# gk: ignore GK501`` (several
codes separated by commas).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from gk.engine.discover import SourceFile
from gk.engine.load import Path
from gk.i18n import _
from gk.rules.base import Problem, lazy_pattern

CODES = ("GK501", "GK502", "GK503", "GK504", "GK505", "GK506", "GK507", "GK508")

def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- e-mail ---------------------------------------------------------------------------------

_EMAIL = lazy_pattern(
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

# --- names --------------------------------------------------------------------------------

def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """First names and surnames from gk/data/names.txt (its source and licence are written at
    its top). A pair "first name + capitalised word" is taken for a person's name; single
    words are not, to keep notes about "Simon-Stiftung" or "St. Martin" quiet."""
    lists: dict[str, set[str]] = {"first": set(), "surname": set()}
    current = lists["first"]
    names = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "names.txt")
    with open(names, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line.startswith("["):
                current = lists[line.strip("[]")]
            else:
                current.update(line.split())
    return frozenset(lists["first"]), frozenset(lists["surname"])


_FIRST_NAMES, _SURNAMES = _name_lists()
# Words after a first name that make it part of an organisation or place ("Martin Luther",
# "Anne Frank" as school names come hyphenated or with one of these), and the second words
# of church and hospital names ("Maria Hilf", "Maria Frieden").
_NOT_SURNAMES = _wordset("""
schule gesamtschule grundschule realschule gymnasium berufskolleg stift stiftung haus
heim zentrum kirche gemeinde kita kindergarten klinik krankenhaus hospital straße strasse
platz weg allee park campus akademie institut werk werkstatt verein
hilf frieden himmelfahrt königin heimsuchung empfängnis geburt rosenkranz
""")
# Endings of German nouns: a word with one of them after a first name is not a surname
# ("Christian Jugendwerk").
_NOUN_SUFFIXES = ("werk", "haus", "heim", "dienst", "hilfe", "schule", "stiftung", "zentrum",
                  "verein", "verband", "kreis", "bund", "netz", "netzwerk", "gruppe", "büro",
                  "stelle", "amt", "agentur", "kolleg", "akademie", "ung", "heit", "keit",
                  "schaft", "tion", "projekt", "treff", "café", "cafe", "laden", "garten",
                  "kurs", "wohnen", "arbeit", "bildung", "beratung", "kirche", "gemeinde")
# Words before a name that make it the name of an organisation, a place or a project
# ("Krankenhaus Maria Hilf", "Projekt Kevin Kann Kochen", "Kita St. Martin").
_ORGANISATION_BEFORE = _wordset("""
krankenhaus klinik klinikum hospital hospiz projekt programm initiative aktion stiftung
st. sankt kirche kirchengemeinde pfarrei pfarrgemeinde gemeinde kita kindergarten schule
grundschule gesamtschule realschule hauptschule gymnasium berufskolleg verein zentrum
haus mehrgenerationenhaus familienzentrum jugendhaus jugendzentrum seniorenheim apotheke
campus café cafe kolleg werk
""")
# Capitalised words that stand before a surname without making a name of it.
_NOT_FIRST_WORDS = _wordset("""
der die das den dem des ein eine einer einem einen mit für von vom bei beim an am auf aus
zu zum zur im in und oder nach vor über unter ohne durch gegen seit bis team stadt kreis
amt gemeinde jobcenter agentur schule frau herr herrn familie praxis
""")
_UPPER = "A-ZÄÖÜÇŞİĞÉ"
_LOWER = "a-zäöüßéèçğışñáíóúâêîôûëï"
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
# A lookahead, so that pairs overlap: "Sprachschule Thomas Becker" yields "Thomas Becker".
_NAME_PAIR = lazy_pattern(rf"(?<![\w-])(?=({_NAME_WORD})\s+({_NAME_WORD})(?![\w-]))")
_FIRST_INITIAL = lazy_pattern(rf"(?<![\w-])({_NAME_WORD})\s+[{_UPPER}]\.(?!\w)")
_SURNAME_FIRST = lazy_pattern(rf"^\s*({_NAME_WORD}),\s+({_NAME_WORD})\s*$")
_INITIAL_NAME = lazy_pattern(
    rf"^\s*(?:(?:(?:Dr|Prof)\.\s*)+(?:[{_UPPER}]\.\s*)?|[{_UPPER}]\.\s*)({_NAME_WORD})\s*$")
_SINGLE_NAME = lazy_pattern(rf"^\s*({_NAME_WORD})\s*$")

# Fields that hold a role or an organisation, never a person's name.
_ROLE_KEYS = frozenset({"author", "owner", "contact", "participants", "consultant"})

# --- people addressed by title ------------------------------------------------------------

_HONORIFIC = lazy_pattern(
    rf"\b(?:Herrn?|Frau|Hr\.|Fr\.|Mr\.?|Mrs\.?|Ms\.?)\s+(?:(?:Dr|Prof)\.\s*)*({_NAME_WORD})")
# Titles of office after Herr/Frau: "Frau Bürgermeisterin" names an office, not a person.
_OFFICES = lazy_pattern(
    r"(Bürgermeister|Oberbürgermeister|Landrat|Landrätin|Beigeordnete|Dezernent|Direktor|"
    r"Leiter|Minister|Staatssekretär|Präsident|Vorsitzende|Kolleg|Amtsleiter|Pfarrer|Pastor|"
    r"Abgeordnete|Stadtdirektor|Kreisdirektor|Sozialarbeiter|Koordinator|Beauftragte)",
    re.IGNORECASE)
_CLIENT_WORDS = ("Klient(?:in)?", "Teilnehmer(?:in)?", "Bewohner(?:in)?", "Schüler(?:in)?",
                 "Jugendliche[rn]?", "Geflüchtete[rn]?", "Azubi", "Auszubildende[rn]?", "Herr",
                 "Frau")
# The same, one pattern per word: a pattern that starts with a fixed word is searched for
# much faster than an alternation, and only the words present in a text need a search.
_CLIENT_EACH = tuple(
    (re.sub(r"[\[(].*", "", word), lazy_pattern(
        rf"({word})\s+({_NAME_WORD}|[A-ZÄÖÜ]\.(?:\s?[A-ZÄÖÜ]\.)?)"))
    for word in _CLIENT_WORDS)  # no leading \b: it would cost the fast search for the word
_HONORIFIC_STARTS = ("Herr", "Frau", "Hr.", "Fr.", "Mr", "Ms")
# What every match of _HONORIFIC and _CLIENT_EACH starts with: one of their words, space and a
# capital letter. Words like "Jugendliche" or "Teilnehmer" are in most texts of the domain;
# this one search tells the few texts where they stand before a name-like word.
_PERSON_GATE = re.compile(
    rf"(?:{'|'.join(_CLIENT_WORDS)}|Herrn|Hr\.|Fr\.|Mrs?\.?|Ms\.?)\s+[A-ZÄÖÜ]")

_NOUN_ENDINGS = ("ung", "heit", "keit", "schaft", "ion", "tät", "kurs", "gruppe", "angebot",
                 "programm", "projekt", "maßnahme", "nis", "ment", "amt", "stelle", "zentrum",
                 "schule", "klasse", "innen", "gespräch", "termin", "akte", "daten")

# --- phone numbers --------------------------------------------------------------------------

_PHONE = r"\(?\+?[0-9][0-9 ()/.-]{6,20}[0-9]"
_MOBILE = lazy_pattern(
    r"(?<![\d/])(?:\+49[\s/-]?(?:\(0\)\s?)?|0049[\s/-]?|\(?0)1[5-7][0-9]\)?[\s/-]?[0-9][0-9\s/-]{5,12}[0-9]")
_FOREIGN = lazy_pattern(r"(?<![\w+])\+(?!49)[1-9][0-9]{0,2}[\s/-]?\(?[0-9][0-9\s/()-]{5,15}[0-9]")
_LABELLED_PHONE = lazy_pattern(
    rf"\b(?:privat|private|handy|mobil|mobile|cell|whatsapp|signal|telegram)\b\.?\s*"
    rf"(?:tel\.?|telefon|nr\.?|nummer|number|:|-)*\s*({_PHONE})", re.IGNORECASE)

# --- dates of birth -------------------------------------------------------------------------

_MONTHS = (r"(?:januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|"
           r"november|dezember|january|february|march|may|june|july|october|december|jan|feb|"
           r"mär|apr|jun|jul|aug|sep|sept|okt|oct|nov|dez|dec)\.?")
_DATE = (rf"(?:\d{{1,2}}\.\s?\d{{1,2}}\.\s?(?:\d{{4}}|\d{{2}})\b|\d{{4}}-\d{{2}}-\d{{2}}|"
         rf"\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{1,2}}\.?\s+{_MONTHS}\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}})")
_BIRTH = lazy_pattern(
    rf"(?:\bgeb\.|\bgeboren\b|\bgeburtsdatum\b|\bgeb\.-datum\b|\bgeburtstag\b|\bdate of birth\b|"
    rf"\bgeburtsjahr\b|\bd\.o\.b\.|\bdob\b|\bborn\b)[\s:]*(?:am\s+|on\s+|in\s+|im\s+jahr\s+)?"
    rf"(?:{_DATE}|(?:19|20)\d{{2}}\b)"
    # '*' before a year is also how organisations give their founding ("* 2019 gegründet")
    rf"|(?<![\w*])\*[\s:]*(?:{_DATE}|(?:19|20)\d{{2}}\b(?!\s*(?:gegr|eröffnet|found|establ)))"
    rf"|(?:{_DATE}|\b(?:19|20)\d{{2}})\s+(?:in\s+\w+\s+)?geboren\b"
    rf"|\b(?:jahrgang|jg\.)\s*(?:19|20)\d{{2}}\b", re.IGNORECASE)

# --- file numbers ---------------------------------------------------------------------------

_FILE_NUMBER = lazy_pattern(
    r"\b(?:Az|AZ|Gz|GZ)\.?\s*:?\s*[0-9][\w/.-]*[0-9]"
    r"|\b(?:Aktenzeichen|Geschäftszeichen|Geschaeftszeichen|Vorgangsnummer|Fallnummer|"
    r"Kundennummer|Kunden-Nr\.?|Kd\.-?Nr\.?|BG-Nummer|BG-Nr\.?|AZR-Nummer|AZR-Nr\.?|"
    r"Personenkennziffer|Steuer-ID|(?:Sozial|Renten|Kranken)?versicherungsnummer|SV-Nummer|"
    r"SV-Nr\.?|file number|case number)"
    r"\s*[:.]?\s*[A-Z]{0,3}[0-9][\w/.-]*"
    r"|\bBAMF[- ]?(?:Nr|Nummer|Az|Aktenzeichen)\.?\s*[:.]?\s*[0-9]",
    re.IGNORECASE)
# Without a keyword, only in their exact shapes: a BAMF file number (7654321-423), a Jobcenter
# number of a Bedarfsgemeinschaft (12345BG0012345), a customer number of the employment
# agency (123D456789).
_FILE_NUMBER_SHAPES = lazy_pattern(r"(?<![\d-])[0-9]{7,8}\s?-\s?[0-9]{3}(?![\d-])"
                                 r"|\b[0-9]{5}BG[0-9]{7}\b|\b[0-9]{3}[A-Z][0-9]{6}\b"
                                 # a social insurance number: area, birth date, letter, serial
                                 r"|\b[0-9]{2}\s?[0-3][0-9][01][0-9]{3}\s?[A-Z]\s?[0-9]{3}\b")

# --- bank accounts, addresses, health -------------------------------------------------------

# An IBAN, written in groups of four or in one piece; the check digits decide (mod 97).
_IBAN = lazy_pattern(r"\b([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b")
_IBAN_GATE = re.compile(r"[A-Z]{2}[0-9]{2} ?[A-Z0-9]{4}")
# A street and house number ("Lindenstraße 14", "Am Mühlenweg 3a", "Bahnhofstr. 22").
_STREET = lazy_pattern(
    rf"(?:\b[{_UPPER}][{_LOWER}-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|"
    rf"ufer|chaussee|pfad|steig|stieg|markt|wall|graben|kamp)|\b(?:Am|An der|Auf dem|Im|In der|"
    rf"Zum|Zur)\s+[{_UPPER}][{_LOWER}-]+)\s+[0-9]{{1,4}}\s?[a-z]?\b")
# Words that say the address is where someone lives (an office's address is fine).
# ("Das Netzwerk lebt von …", "das Büro zieht um" are about organisations.)
_LIVES = lazy_pattern(
    r"\b(?:wohnt|wohnte|wohnhaft|lebt(?!\s+(?:von|vom|davon|durch))|lebte|wohnadresse|"
    r"wohnanschrift|meldeadresse|meldeanschrift|privatadresse|privatanschrift|heimadresse|"
    r"seine adresse|ihre adresse|seine anschrift|ihre anschrift)\b",
    re.IGNORECASE)
_NEAR = 60  # characters between the word and the street that count as one statement
# A room of a person ("Zimmer 214"); a 'Raum' is an office's unless someone lives there.
_ROOM = lazy_pattern(r"\b(?:Zimmer|Zi\.|Zimmernr\.?|Room|Whg\.|Wohnung)\s*(?:Nr\.?\s*)?"
                   r"[0-9][0-9./]*[a-z]?\b")
_RAUM = lazy_pattern(r"\bRaum\s*(?:Nr\.?\s*)?[0-9][0-9./]*[a-z]?\b")
# A room counts when the text is about accommodation, not about an office.
_ACCOMMODATION = lazy_pattern(
    r"unterkunft|unterkünfte|\bZUE\b|\bEAE\b|\bLEA\b|\bZAB\b|wohnheim|flüchtlingsheim|"
    r"übergangsheim|asylbewerberheim|\bGU\b|container|untergebracht|\bwohnt\b|notunterkunft",
    re.IGNORECASE)
_LIVES_THERE = lazy_pattern(r"untergebracht|\bwohnt\b|\blebt\b", re.IGNORECASE)
# Conditions and treatments; said of someone, they are health data (Art. 9 GDPR).
# What the health check needs to find something: a capitalised noun of this list (compared
# with the capitalised words of the file, which the name check collects anyway) or one of
# the lower-case words below. A short list keeps the common case (nothing) fast.
_HEALTH_NOUNS = _wordset("""
diabetes epilepsie depression depressionen psychose psychosen tuberkulose krebs
krebserkrankung tumor asthma dialyse diagnose diagnosen behinderung schwerbehinderung
schwangerschaft sucht suchterkrankung drogensucht alkoholsucht hepatitis suizid
suizidversuch suizidgedanken psychiatrie medikamente behandlung erkrankung operation
traumatisierung gd
""")
_HEALTH_ABBREVIATIONS = ("HIV", "PTBS", "PTSD", "AIDS", "TBC")
_ROOM_NOUNS = _wordset("zimmer zi raum room whg wohnung zimmernr")
_LIVES_NOUNS = _wordset("""
wohnadresse wohnanschrift meldeadresse meldeanschrift privatadresse privatanschrift
heimadresse adresse anschrift
""")
_CONDITION = lazy_pattern(
    r"diabetes|epilep|\bhiv\b|\baids\b|hepatitis|tuberkulose|\btbc\b|krebs|tumor|depressi|"
    r"\bptbs\b|\bptsd\b|posttraumatisch|psychos|psychotisch|schizophren|suizid|selbstverletz|"
    r"drogenabhängig|alkoholabhängig|suchterkrank|\bsucht\b|schwanger|behinder|\bgdb\b|asthma|"
    r"dialyse|traumatisiert", re.IGNORECASE)
# Phrases that say something about one person's health by themselves.
_HEALTH = lazy_pattern(
    r"\b(?:leidet|litt|leiden)\s+(?:an|unter)\b|\berkrankt\b|\bdiagnos(?:e|tiziert)\w*|"
    r"-diagnose\b|\bhiv-positiv|\bpositiv\s+getestet|\bist\s+schwanger|\bschwanger\s*\(|"
    r"\bim\s+[0-9]\.\s+monat\s+schwanger|suizidversuch|\bsuizidal|selbstverletz|"
    r"\bgdb\s*(?:von\s*)?[0-9]|\bschwerbehindert\b|\bwurde\s+operiert|\bnimmt\s+medikamente|"
    r"\bin\s+(?:psychiatrischer|psychotherapeutischer|stationärer|ärztlicher|"
    r"therapeutischer)\s+behandlung|\bin\s+die\s+psychiatrie|\beingewiesen\b",
    re.IGNORECASE)
# One person, as the subject of a condition ("Ein Teilnehmer hat Diabetes").
_ONE_PERSON = lazy_pattern(
    r"\b(?:er|ein|eine|der|die|sein|seine|ihr|ihre)\s+(?:teilnehmer(?:in)?|klient(?:in)?|"
    r"jugendliche[r]?|junge[r]?\s+(?:frau|mann)|bewohner(?:in)?|azubi|auszubildende[r]?|"
    r"schüler(?:in)?|betroffene[r]?|bruder|schwester|mutter|vater|sohn|tochter)\b"
    r"|\b(?:er|sie)\s+(?:hat|ist|war|hatte)\b",
    re.IGNORECASE)

# Cheap tests first: most texts of a repository are slugs, dates or short sentences without
# any of these; the expensive patterns run only where a keyword or enough digits appear.
_PLAIN_VALUE = re.compile(r"[a-z][a-z0-9-]*\Z|[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_DIGITS = re.compile(r"[0-9][0-9 /()-]{4,}[0-9]")
_CAPITALISED = re.compile(rf"[{_UPPER}][{_LOWER}]+")


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


# No word holds white space: a word of a text is then a word of one of its words (see
# _quiet_words); "date of birth" is found by "birth", "file number" by "number".
_BIRTH_WORDS = _words("<geb.", "geboren", "geburt", "birth", "d.o.b", "<dob>", "<born>",
                      "*", "jahrgang", "<jg.")
_FILE_WORDS = _words("<az>", "<gz>", "zeichen", "nummer", "<nr>", "bamf", "number",
                     "steuer-id", "kennziffer")
_PHONE_WORDS = _words("privat", "handy", "mobil", "cell", "whatsapp", "signal", "telegram")
_LIVES_WORDS = _words("<wohnt", "<wohnhaft", "<lebt")
_HEALTH_WORDS = _words("erkrankt", "diagnost", "schwanger", "suizid", "<leide", "positiv",
                       "depressiv", "traumatisiert")

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


# A text of the file worth a look: (path, text, inside a field that holds a role, the text
# is the key of ``path`` rather than its value). Plain tuples: there are many.
_Text = tuple[Path, str, bool, bool]


# Keys that hold nothing to look at ('title', 'core-group'): the same few in every file.
_PLAIN_KEYS: set[str] = set()


def _texts(data: Any) -> list[_Text]:
    """The values and keys worth a look, in document order.

    Paths are made only for the texts kept (most values are short, dates or numbers); the
    depth is bounded by the loader."""
    out: list[_Text] = []
    append = out.append
    plain = _PLAIN_VALUE.match

    def walk(path: Path, items: Iterable[tuple[Any, Any]], role: bool, keys: bool) -> None:
        for key, value in items:
            if keys and key not in _PLAIN_KEYS:  # keys are strings (the loader)
                if len(key) >= 5 and not plain(key):
                    append(((*path, key), key, role, True))
                elif len(_PLAIN_KEYS) < 4096:
                    _PLAIN_KEYS.add(key)
            kind = type(value)
            if kind is str:
                if len(value) >= 5 and not plain(value):
                    append(((*path, key), value, role or (keys and key in _ROLE_KEYS), False))
            elif kind is dict:
                walk((*path, key), value.items(), role or (keys and key in _ROLE_KEYS), True)
            elif kind is list:
                walk((*path, key), enumerate(value), role or (keys and key in _ROLE_KEYS), False)

    if type(data) is dict:
        walk((), data.items(), False, True)
    elif type(data) is list:
        walk((), enumerate(data), False, False)
    elif type(data) is str and len(data) >= 5 and not plain(data):
        append(((), data, False, False))
    return out


# --- comments -------------------------------------------------------------------------------

_DOUBLE_END = re.compile(r'(?:[^"\\]|\\.)*"')
_SINGLE_END = re.compile(r"(?:[^']|'')*'")
_LINE_END = re.compile(r"[\r\n]")
_IGNORE_MARK = re.compile(r"gk:\s*ignore\b[ \t]*[A-Z0-9, \t]*", re.IGNORECASE)


def _comment_in(line: str) -> int:
    """Where the comment of a line starts (-1: none). A '#' is a comment after white space
    or at the start, outside quoted texts; a quote opens a text only where a value or key
    starts ("Kevin's Kurs" is plain text)."""
    at, length, token_start = 0, len(line), True
    while at < length:
        char = line[at]
        if char == "#" and (at == 0 or line[at - 1] in " \t"):
            return at
        if char in "\"'" and token_start:
            end = (_DOUBLE_END if char == '"' else _SINGLE_END).match(line, at + 1)
            if end is None:
                return -1  # a quoted text that goes on on the next line
            at, token_start = end.end(), False
            continue
        if char not in " \t":
            token_start = char in "[{,?:-"
        at += 1
    return -1


def _comments(text: str) -> list[tuple[int, str]]:
    """The comments of a YAML text: (offset of the '#', text after it), without a
    '# gk: ignore' mark and without those too short to hold anything.

    A '#' at the start of a line or after white space starts a comment, unless a quoted
    text on its line is still open. This looks at one line at a time: a '#' in a block
    scalar or in a quoted text that spans lines can be taken for a comment, and
    ``_in_values`` tells those apart, as their words are in the data."""
    out: list[tuple[int, str]] = []
    returns = "\r" in text
    at = text.find("#")
    while at >= 0:
        if returns:
            end = _LINE_END.search(text, at)
            stop = end.start() if end is not None else len(text)
            start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
        else:
            stop = text.find("\n", at)
            stop = len(text) if stop < 0 else stop
            start = text.rfind("\n", 0, at) + 1
        before = text[start:at]
        if "'" in before or '"' in before or (before and before[-1] not in " \t"):
            found = _comment_in(text[start:stop])  # the whole line, in order
            at = start + found if found >= 0 else -1
        if at >= 0:
            body = _comment_body(text[at + 1:stop])
            if body:
                out.append((at, body))
        at = text.find("#", stop)
    return out


def _comment_body(comment: str) -> str:
    """The text of a comment worth a look ('' for none), without a '# gk: ignore' mark."""
    if len(comment) < 5:
        return ""
    body = _IGNORE_MARK.sub("", comment).strip() if "gk" in comment else comment.strip()
    return body if len(body) >= 5 else ""


def _in_values(body: str, values: str) -> bool:
    """Whether a comment's text is a line of a value (so not a comment at all)."""
    return body.rstrip("'\",]} ") in values


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """Line and column (1-based) of ``text[offset]``, with YAML 1.2 line breaks."""
    breaks = text.count("\n", 0, offset) + text.count("\r", 0, offset) \
        - text.count("\r\n", 0, offset)
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    return breaks + 1, offset - start + 1


def _keep(code: str) -> str:
    return _("If it is meant to be here, mark the line with '# gk: ignore {code}'.").format(
        code=code)


def check(source: SourceFile, data: Any, text: str | None = None) -> Iterator[Problem]:
    file = source.rel
    every = _texts(data)
    # Texts already known to hold nothing need no second look (see _remember).
    strings = [entry for entry in every
               if entry[1] not in (_CLEAN_ROLE_TEXTS if entry[2] else _CLEAN_TEXTS)]
    # Comments hold no data but may hold anything a person types ("# Ahmad, Handy 0176…").
    comments = [(at, body) for at, body in _comments(text) if body not in _CLEAN_TEXTS] \
        if text is not None and "#" in text else []
    if not strings and not comments:
        return
    # One look at all texts of the file together decides which checks can find anything at
    # all; most files need none.
    blob = "\n".join([*(entry[1] for entry in strings), *(body for _at, body in comments)])
    scan, details, names, person, first = _gates(blob)
    if not (scan or names or any(details)):
        _remember([entry[1] for entry in strings if not entry[2]], False)
        _remember([body for _at, body in comments], False)
        strings = [entry for entry in strings if entry[2]]  # only role fields need a look
        comments = []
    for entry in strings:
        found = list(_problems(file, entry, scan, details, names, person, first))
        if not found:
            _remember([entry[1]], entry[2])
        yield from found
    values = None
    for offset, body in comments:
        found = list(_problems(file, ((), body, False, False), scan, details, names, person,
                               first))
        if not found:
            _remember([body], False)
        elif text is not None:
            if values is None:
                values = "\n".join(entry[1] for entry in every)
            if not _in_values(body, values):
                at = line_and_column(text, offset)
                yield from (problem._replace(at=at) for problem in found)


# Texts (values, keys, comments) known to hold nothing, outside and inside role fields. Most
# texts come again and again: the explanations 'gk new' writes as comments, roles, titles.
# Whether a text holds something depends on the text alone (the looks at the whole file
# only decide which checks can find anything), so remembering it only saves time.
_CLEAN_TEXTS: set[str] = set()
_CLEAN_ROLE_TEXTS: set[str] = set()


def _remember(texts: list[str], role: bool) -> None:
    known = _CLEAN_ROLE_TEXTS if role else _CLEAN_TEXTS
    if len(known) < 50_000:
        known.update(text for text in texts if len(text) <= 2000)


class _Details(NamedTuple):
    """Which of the checks for other personal details can find anything in the file."""

    iban: bool
    home: bool
    room: bool
    health: bool


_NOTHING = _Details(False, False, False, False)


def _gates(blob: str, quick: bool = True) -> tuple[bool, _Details, bool, bool, bool]:
    """Which checks can find anything in the joined texts of a file: (scan, details, names,
    person, first names) for ``_problems``. Every pattern finds in the joined texts at least
    what it finds in each text alone, so nothing is missed. ``quick`` False: without the
    remembered words (the same answer, slower; for tests)."""
    # Dates of birth and file numbers always contain a digit; keywords alone ('geb' is in
    # 'Angebot') are no reason to look closer.
    any_digit = any(digit in blob for digit in "0123456789")
    digits = any_digit and _digit_run(blob)
    email = "@" in blob and _EMAIL.search(blob) is not None
    if quick and not (digits or email) and _quiet_words(blob, any_digit):
        # Most files: no word of them can start any other check (the common case, fast).
        return False, _NOTHING, False, False, False
    lower_blob = blob.lower()
    scan = email or digits or (any_digit and (
        (_has(lower_blob, _BIRTH_WORDS) and _BIRTH.search(blob) is not None)
        or (_has(lower_blob, _FILE_WORDS) and _FILE_NUMBER.search(blob) is not None)))
    # The capitalised words of the file, lower-cased: names, and nouns some checks need.
    capitalised = set(map(str.lower, _CAPITALISED.findall(blob)))
    details = _Details(
        iban=digits and _IBAN_GATE.search(blob) is not None,
        home=any_digit and (not _LIVES_NOUNS.isdisjoint(capitalised)
                            or _has(lower_blob, _LIVES_WORDS))
        and _LIVES.search(blob) is not None and _STREET.search(blob) is not None,
        room=any_digit and not _ROOM_NOUNS.isdisjoint(capitalised)
        and (_ROOM.search(blob) is not None or _RAUM.search(blob) is not None)
        and _ACCOMMODATION.search(blob) is not None,
        health=not _HEALTH_NOUNS.isdisjoint(capitalised) or _has(lower_blob, _HEALTH_WORDS)
        or any(word in blob for word in _HEALTH_ABBREVIATIONS))
    # What a single text holds, the joined texts hold too: when these find nothing there,
    # no text needs them.
    person = _PERSON_GATE.search(blob) is not None
    first = not (_FIRST_NAMES.isdisjoint(capitalised) and _SURNAMES.isdisjoint(capitalised))
    names = (person and _addressed_person(blob) is not None) or first
    return scan, details, names, person, first


def _digit_run(text: str) -> bool:
    """Whether ``_DIGITS`` finds anything in the text: a match starts at a digit, and digits
    are rare in prose, so it is tried at each digit (found by ``str.find``, fast) rather than
    searched for at every character."""
    tried = 0
    for digit in "0123456789":
        at = text.find(digit)
        while at >= 0:
            if _DIGITS.match(text, at) is not None:
                return True
            tried += 1
            if tried > 64:  # a text full of digits: one search is quicker
                return _DIGITS.search(text) is not None
            at = text.find(digit, at + 1)
    return False


# --- words that start a closer look -------------------------------------------------------

# What a word can start: a check that needs no digit (names, health), one that needs a digit
# somewhere in the file too (birth, file numbers, homes, rooms), or a look for a person
# addressed by a word like "Frau" or "Teilnehmer" (only before a capital: "Teilnehmer und").
_ALWAYS, _WITH_DIGIT, _ADDRESS = 1, 2, 4
# Where a person is addressed (_PERSON_GATE), the word before the name ends a word.
_PERSON_END = re.compile(
    rf"(?:{'|'.join(_CLIENT_WORDS)}|Herrn|Hr\.|Fr\.|Mrs?\.?|Ms\.?)(?=\s|\Z)")
# Words (split at white space, as written) known to start nothing, and what the others start.
# A word's kinds depend on the word alone, so remembering them only saves time.
_INERT_WORDS: set[str] = set()
_WORD_KINDS: dict[str, int] = {}
_MAX_WORDS = 200_000


def _word_kinds(text: str) -> int:
    """What the words of a text (or of several, joined by spaces) can start: the looks of
    ``_gates`` that do not span words. Each of them is true of a text exactly when it is
    true of one of its words: capitalised words and the key words of ``_has`` hold no white
    space (and ``_has`` takes white space as the end of a word), and a person is addressed
    with a word before white space (``_PERSON_END``)."""
    capitalised = set(map(str.lower, _CAPITALISED.findall(text)))
    lower = text.lower()
    kinds = 0
    if not (_FIRST_NAMES.isdisjoint(capitalised) and _SURNAMES.isdisjoint(capitalised)
            and _HEALTH_NOUNS.isdisjoint(capitalised)) or _has(lower, _HEALTH_WORDS) \
            or any(word in text for word in _HEALTH_ABBREVIATIONS):
        kinds |= _ALWAYS
    if _PERSON_END.search(text) is not None:
        kinds |= _ADDRESS
    if not (_LIVES_NOUNS.isdisjoint(capitalised) and _ROOM_NOUNS.isdisjoint(capitalised)) \
            or _has(lower, _BIRTH_WORDS) or _has(lower, _FILE_WORDS) \
            or _has(lower, _LIVES_WORDS):
        kinds |= _WITH_DIGIT
    return kinds


def _quiet_words(blob: str, any_digit: bool) -> bool:
    """Whether no word of the joined texts can start a check of ``_gates`` other than
    e-mail addresses and runs of digits (which the caller looks for), and no person is
    addressed. Texts are new in every file, their words are not: the words are remembered,
    and for a text of known words this is one set lookup per word. False also when it is
    not worth finding out (``_Learning``): the caller then takes the full look."""
    if _LEARNING.resting():
        return False
    words = blob.split()
    if _INERT_WORDS.issuperset(words):
        return True
    kinds = 0
    unknown = []
    distinct = set(words)
    for word in distinct.difference(_INERT_WORDS):
        known = _WORD_KINDS.get(word)
        if known is None:
            unknown.append(word)
        else:
            kinds |= known
    _LEARNING.count(len(distinct), len(unknown))
    if unknown:
        kinds |= _learn(unknown, len(_INERT_WORDS) + len(_WORD_KINDS) < _MAX_WORDS)
    if kinds & (_ALWAYS | _WITH_DIGIT if any_digit else _ALWAYS):
        return False
    return not kinds & _ADDRESS or _PERSON_GATE.search(blob) is None


def _learn(words: list[str], remember: bool) -> int:
    """What the words start together, from one look at all of them; the words are
    remembered (with ``remember``). Where some start something, halves are looked at until
    the words that do are known (a few words in a few hundred: a few looks more)."""
    kinds = _word_kinds(" ".join(words))
    if not remember:
        return kinds
    if not kinds:
        _INERT_WORDS.update(word for word in words if len(word) <= 100)
    elif len(words) <= 8:
        for word in words:
            own = _word_kinds(word)
            if own:
                _WORD_KINDS[word] = own
            elif len(word) <= 100:
                _INERT_WORDS.add(word)
    else:
        middle = len(words) // 2
        _learn(words[:middle], remember)
        _learn(words[middle:], remember)
    return kinds


class _Learning:
    """Whether remembering words pays in this repository: of the distinct words of the
    files looked at, how many were new (counts halved now and then, so that they follow the
    repository). Where most words are new in every file (numbers, codes, another language),
    the words are not looked up for a while and each file gets the full look at once: the
    look-ups and the learning cost about as much as that look again."""

    def __init__(self) -> None:
        self.words = self.new = self.rest = 0

    def count(self, words: int, new: int) -> None:
        self.words += words
        self.new += new
        if self.words >= 20_000:
            if self.new * 2 > self.words:
                self.rest = 500  # files
            self.words //= 2
            self.new //= 2

    def resting(self) -> bool:
        if self.rest:
            self.rest -= 1
            return True
        return False


_LEARNING = _Learning()


def _problems(file: str, entry: _Text, scan: bool, details: _Details, names: bool,
              person: bool, first: bool) -> Iterator[Problem]:
    path, text, role, key = entry
    lower = text.lower()
    found: list[tuple[str, str, str]] = []  # (code, message, hint)
    name = _name_in(text, role, person, first) if lower != text and (names or role) else None
    if name is not None:
        found.append(("GK505", _("'{text}' looks like the name of a person.").format(text=name),
                      (_("Write the role or organisation instead (for example "
                         "'Jobcenter, Team U25').") if role else
                       _("Write roles, not names (for example 'ein Teilnehmer', 'die "
                         "Fachkraft des Jobcenters').")) + " " + _keep("GK505")))
    if scan:
        found.extend(_scan(text, lower))
    if any(details):
        found.extend(_details(text, lower, details))
    for code, message, hint in found:
        yield Problem(code, file, path, message, hint, key)


def _iban(text: str) -> str | None:
    """An IBAN in the text whose check digits are right (ISO 13616: mod 97 is 1)."""
    for match in _IBAN.finditer(text):
        number = match.group(1).replace(" ", "")
        if 15 <= len(number) <= 34 and not number[4:].isalpha():
            digits = "".join(str(int(char, 36)) for char in number[4:] + number[:4])
            if int(digits) % 97 == 1:
                return match.group(1)
    return None


def _home(text: str) -> re.Match[str] | None:
    """A street address right after a word that says someone lives there."""
    for lives in _LIVES.finditer(text):
        street = _STREET.search(text, lives.end(), lives.end() + _NEAR)
        if street is not None:
            return street
    return None


def _room(text: str) -> re.Match[str] | None:
    """A room in an accommodation ('Raum' only where someone lives)."""
    if _ACCOMMODATION.search(text) is None:
        return None
    room = _ROOM.search(text)
    if room is None and _LIVES_THERE.search(text) is not None:
        room = _RAUM.search(text)
    return room


def _details(text: str, lower: str, details: _Details) -> Iterator[tuple[str, str, str]]:
    """Bank accounts (GK506), where someone lives (GK507) and health (GK508)."""
    iban = _iban(text) if details.iban else None
    if iban is not None:
        yield ("GK506", _("'{iban}' looks like a bank account (IBAN).").format(iban=iban),
               _("Delete it: bank details of persons do not belong in the repository.") + " "
               + _keep("GK506"))
    place = (_home(text) if details.home else None) or (_room(text) if details.room else None)
    if place is not None:
        yield ("GK507", _("'{place}' looks like where a person lives.").format(
                   place=place.group(0)),
               _("Delete it: home addresses and rooms in an accommodation identify people; "
                 "an office's address is fine.") + " " + _keep("GK507"))
    if details.health and (
            _HEALTH.search(text) is not None
            or (_CONDITION.search(text) is not None and _ONE_PERSON.search(text) is not None)):
        yield ("GK508", _("The text contains details about a person's health."),
               _("Delete it: health data are specially protected; describe what the group "
                 "needs instead (for example 'psychosocial counselling is missing').") + " "
               + _keep("GK508"))


def _is_first_name(word: str) -> bool:
    return word.split("-")[0].lower() in _FIRST_NAMES


def _known_name(words: Iterable[str]) -> bool:
    """Whether any of the capitalised words is on the first-name or the surname list."""
    lowered = set(map(str.lower, words))
    return not (_FIRST_NAMES.isdisjoint(lowered) and _SURNAMES.isdisjoint(lowered))


def _organisation_word(word: str) -> bool:
    lower = word.lower()
    return lower in _NOT_SURNAMES or lower.endswith(_NOUN_SUFFIXES)


def _word_before(text: str, at: int) -> str:
    before = text[:at].rstrip().rsplit(None, 1)
    return before[-1].lower() if before else ""


def _pair_is_a_name(text: str, match: re.Match[str]) -> bool:
    """A capitalised pair that names a person: a listed first name before a word that is no
    noun of an organisation, or any name-like word before a listed surname."""
    first, last = match.group(1), match.group(2)
    if _organisation_word(last) or _word_before(text, match.start(1)) in _ORGANISATION_BEFORE:
        return False
    after = text[match.end(2):].split(None, 1)
    next_word = after[0].strip(".,;:()") if after else ""
    if next_word.lower() in _NOT_SURNAMES:
        return False
    if _is_first_name(first):
        if not _is_first_name(last) or last.lower() in _SURNAMES:
            return True
        # Two first names ("Mehmet Ali"): a name when no third name-like word follows (that
        # pair is looked at next: "Mehmet Ali Yilmaz").
        return not (next_word[:1].isupper() and next_word[1:].islower()
                    and not _organisation_word(next_word))
    return last.lower() in _SURNAMES and first.lower() not in _NOT_FIRST_WORDS \
        and not _organisation_word(first)


def _name_in(text: str, role: bool, addressed: bool = True, first_names: bool = True
             ) -> str | None:
    """A person's name in the text, as written; None when there is none. ``addressed`` and
    ``first_names`` False tell that the text has no word like "Herr" before a capital, and
    no listed name (they were looked for in all texts of the file at once)."""
    if addressed and _PERSON_GATE.search(text) is not None:
        found = _addressed_person(text)
        if found is not None:
            return found
    if first_names and _known_name(_CAPITALISED.findall(text)):
        for match in _NAME_PAIR.finditer(text):
            if _pair_is_a_name(text, match):
                return text[match.start(1):match.end(2)]
        for match in _FIRST_INITIAL.finditer(text):  # "Ahmad R."
            if _is_first_name(match.group(1)) \
                    and _word_before(text, match.start()) not in _ORGANISATION_BEFORE:
                return match.group(0)
    if role:
        reversed_name = _SURNAME_FIRST.match(text) if first_names else None
        if reversed_name and _is_first_name(reversed_name.group(2)):
            return reversed_name.group(0).strip()
        initial = _INITIAL_NAME.match(text)
        if initial and initial.group(1).lower() not in _ROLE_WORDS:
            return initial.group(0).strip()
        single = _SINGLE_NAME.match(text) if first_names else None
        if single and single.group(1).lower() in _FIRST_NAMES:
            return single.group(1)
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


def _scan(text: str, lower: str) -> Iterator[tuple[str, str, str]]:
    if "@" in text:
        for match in _EMAIL.finditer(text):
            if _private_address(match.group(1), match.group(2)):
                yield ("GK501",
                              _("'{address}' looks like a private e-mail address.").format(
                                  address=match.group(0)),
                              _("Use the address of the office (for example info@…).") + " "
                              + _keep("GK501"))
    digits = _DIGITS.search(text) is not None
    phone = _MOBILE.search(text) if digits else None
    if phone is not None:
        yield ("GK502",
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
            yield ("GK502",
                          _("'{number}' looks like a private phone number.").format(
                              number=number.strip()),
                          _("Give the switchboard or office number instead.") + " "
                          + _keep("GK502"))
    if _has(lower, _BIRTH_WORDS) and _BIRTH.search(text):
        yield ("GK503", _("The text contains a date of birth."),
                      _("Delete it: dates of birth of clients do not belong in the repository.")
                      + " " + _keep("GK503"))
    if (_has(lower, _FILE_WORDS) and _FILE_NUMBER.search(text)) \
            or (digits and _FILE_NUMBER_SHAPES.search(text)):
        yield ("GK504", _("The text contains what looks like a file number "
                                              "(Aktenzeichen)."),
                      _("Delete it: case numbers identify people.") + " " + _keep("GK504"))
