"""Every finding code `gk check` can produce, shown by a small repository with exactly that defect.

Each case names the file, line and column the finding must point at and a key part of its
message: German by default, English for the cases that give an English text too. The messages
are the user interface for coordinators, so their wording is asserted, not only their code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import VALID_ALLIANCE, VALID_SERVICE, check_json, run_gk

from gk.engine.load import MAX_BYTES, MAX_DEPTH, MAX_NODES

ALLIANCE = "alliances/musterstadt.yaml"
SERVICE = "services/musterstadt/sprachcafe.yaml"
SHEET = "worksheets/musterstadt/protokoll-2025-03.yaml"
CHECKLIST = "worksheets/musterstadt/prozessmanagement-2025.yaml"
KREIS = """\
name: Rhein-Kreis Neuss
type: kreis
region: duesseldorf
joined: 2019-01-15
lead_office: {organisation: Kommunales Integrationszentrum, contact: GfS}
"""
TEMPLATE = """\
id: wohnen
version: 1
title: {de: Checkliste Wohnen, en: Housing checklist}
answer: status
sections:
  - {id: suche, title: {de: Wohnungssuche, en: Finding a flat}}
items:
  - {id: makler, section: suche, text: {de: Makler angesprochen, en: Agents contacted}}
  - {id: wg, section: suche, text: {de: WG-Zimmer gesucht, en: Shared flats searched}}
"""


def service(extra: str = "", replace: tuple[str, str] | None = None) -> str:
    text = VALID_SERVICE if replace is None else VALID_SERVICE.replace(*replace)
    assert replace is None or replace[0] in VALID_SERVICE
    return text + extra


def sheet(body: str, template: str = "begleitprotokoll", date: str = "2025-03-12") -> str:
    return f"template: {template}\ndate: {date}\n{body}"


def todo(**fields: str) -> str:
    values = {"id": "termin", "title": "Termin vereinbaren", "owner": "GfS",
              "due": "2027-04-01", "status": "open", **fields}
    return "  - {" + ", ".join(f"{k}: {v}" for k, v in values.items()) + "}\n"


@dataclass
class Case:
    id: str
    files: dict[str, Any]
    where: tuple[str, int, int]
    code: str
    de: str
    en: str = ""
    args: tuple[str, ...] = ()
    also: frozenset[str] = field(default_factory=frozenset)  # other codes the defect causes
    base: bool = True  # add the valid alliance and service


CASES = [
    # --- files and YAML ---------------------------------------------------------------------
    Case("GK001-missing-colon",
         {SERVICE: "title: Sprachcafé\nprovider Jugendmigrationsdienst\nfields: [language]\n"},
         (SERVICE, 2, 9), "GK001",
         "Dem Schlüssel „provider“ in Zeile 2 fehlt der Doppelpunkt.",
         "The key 'provider' in line 2 has no colon."),
    Case("GK001-unclosed-quote", {SERVICE: 'title: "Sprachcafé\nprovider: JMD\n'},
         (SERVICE, 1, 8), "GK001",
         "Die Datei endet mitten in einem Text in Anführungszeichen.",
         "The file ends inside a quoted text."),
    Case("GK001-unclosed-bracket",
         {SERVICE: "title: Sprachcafé\nfields: [language, work\nstatus: active\n"},
         (SERVICE, 2, 9), "GK001",
         "Eine Liste in eckigen Klammern wird nicht geschlossen."),
    Case("GK001-colon-in-text", {SERVICE: "title: Sprachcafé: offen für alle\n"},
         (SERVICE, 1, 18), "GK001", "An dieser Stelle ist kein Doppelpunkt erlaubt.",
         "A colon is not allowed at this place."),
    Case("GK001-bad-indentation",
         {SERVICE: "title: Sprachcafé\nage:\n    min: 18\n  max: 27\n"},
         (SERVICE, 4, 3), "GK001", "Die Einrückung passt nicht zu den Zeilen darüber.",
         "The indentation does not fit the lines above."),
    Case("GK001-at-sign", {SERVICE: "title: @sprachcafe\n"}, (SERVICE, 1, 8), "GK001",
         "Mit diesem Zeichen kann ein Wert nicht beginnen."),
    Case("GK001-backslash", {SERVICE: 'title: "Sprach\\qcafe"\n'}, (SERVICE, 1, 15), "GK001",
         "umgekehrter Schrägstrich"),
    Case("GK001-undefined-alias", {SERVICE: "title: *name\n"}, (SERVICE, 1, 8), "GK001",
         "Zum Verweis „*name“ gibt es keinen Anker „&name“.",
         "The alias '*name' has no anchor '&name'."),
    Case("GK001-key-is-a-list", {SERVICE: "? [a, b]\n: c\n"}, (SERVICE, 1, 3), "GK001",
         "Ein Schlüssel muss ein einfacher Text sein, keine Liste und keine Zuordnung."),
    Case("GK002-duplicate-key", {SERVICE: service("status: ended\n")}, (SERVICE, 7, 1), "GK002",
         "Der Schlüssel „status“ kommt an derselben Stelle zweimal vor.",
         "The key 'status' appears twice in the same mapping."),
    Case("GK003-second-document", {SERVICE: service("---\ntitle: Zweites\n")},
         (SERVICE, 7, 1), "GK003", "Die Datei enthält mehr als ein YAML-Dokument",
         "more than one YAML document"),
    Case("GK004-list", {SERVICE: "- Sprachcafé\n- JMD\n"}, (SERVICE, 1, 1), "GK004",
         "sie enthält aber eine Liste.", "but it contains a list."),
    Case("GK004-single-value", {SERVICE: "Sprachcafé\n"}, (SERVICE, 1, 1), "GK004",
         "sie enthält aber einen einzelnen Wert."),
    Case("GK005-latin-1", {SERVICE: "title: Sprachcafé\n".encode("latin-1")}, (SERVICE, 1, 17),
         "GK005", "Die Datei ist kein gültiger UTF-8-Text (Byte 0xe9).",
         "The file is not valid UTF-8 text (byte 0xe9)."),
    Case("GK005-utf-16", {SERVICE: "title: Sprachcafé\n".encode("utf-16")}, (SERVICE, 1, 1),
         "GK005", "Die Datei ist als UTF-16 gespeichert, nicht als UTF-8."),
    Case("GK005-nul-byte", {SERVICE: b"title: Sprach\x00cafe\n"}, (SERVICE, 1, 14), "GK005",
         "Die Datei enthält ein NUL-Byte"),
    Case("GK005-control-character", {SERVICE: "title: Sprach\x07café\n"}, (SERVICE, 1, 14),
         "GK005", "Die Datei enthält ein Steuerzeichen, das YAML nicht erlaubt.",
         "The file contains a control character that YAML does not allow."),
    Case("GK006-tab", {SERVICE: "title: Sprachcafé\nage:\n\tmin: 18\n"}, (SERVICE, 3, 1),
         "GK006", "Zum Einrücken wird ein Tabulatorzeichen verwendet; YAML erlaubt nur "
         "Leerzeichen.", "A tab character is used for indentation"),
    Case("GK007-self-reference", {SERVICE: "title: &t [Sprachcafé, *t]\n"}, (SERVICE, 1, 24),
         "GK007", "Der Verweis „*t“ verweist auf sich selbst.",
         "The alias '*t' refers to itself."),
    Case("GK007-alias-bomb",
         {SERVICE: "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
             f"{k}: &{k} [{','.join(['*' + p] * 10)}]\n"
             for p, k in zip("abcdefgh", "bcdefghi", strict=True))},
         (SERVICE, 6, 8), "GK007",
         f"Verweise blähen dieses Dokument auf mehr als {MAX_NODES} Werte auf",
         f"Aliases expand this document to more than {MAX_NODES} values"),
    Case("GK008-deep-nesting", {SERVICE: "title: " + "[" * 70 + "]" * 70 + "\n"},
         (SERVICE, 1, 8 + MAX_DEPTH - 1), "GK008",
         f"Die Daten sind mehr als {MAX_DEPTH} Ebenen tief verschachtelt.",
         f"The data is nested more than {MAX_DEPTH} levels deep."),
    Case("GK009-too-many-values", {SERVICE: "title: [" + ",".join(["1"] * MAX_NODES) + "]\n"},
         # root mapping, key and list count too: the list entry that crosses the limit
         (SERVICE, 1, 9 + 2 * (MAX_NODES - 3)), "GK009",
         f"Das Dokument enthält mehr als {MAX_NODES} Werte."),
    Case("GK011-python-tag", {SERVICE: "title: !!python/object Sprachcafé\n"}, (SERVICE, 1, 8),
         "GK011", "wird nicht unterstützt", "is not supported"),
    Case("GK011-local-tag-on-list", {SERVICE: "title: Sprachcafé\nfields: !liste [language]\n"},
         (SERVICE, 2, 9), "GK011", "Die YAML-Markierung „!liste“ wird nicht unterstützt."),
    Case("GK012-empty", {SERVICE: ""}, (SERVICE, 1, 1), "GK012", "Die Datei ist leer.",
         "The file is empty."),
    Case("GK012-null-document", {SERVICE: "---\n...\n"}, (SERVICE, 1, 1), "GK012",
         "Die Datei enthält keine Daten, nur Kommentare oder ein leeres Dokument."),
    # --- schema -----------------------------------------------------------------------------
    Case("GK101-unknown-key", {SERVICE: service(replace=("provider:", "träger:"))},
         (SERVICE, 2, 1), "GK101", "Unbekannter Schlüssel „träger“. Meinten Sie „provider“?",
         "Unknown key 'träger'. Did you mean 'provider'?", also=frozenset({"GK103"})),
    Case("GK101-nested-unknown-key",
         {ALLIANCE: VALID_ALLIANCE.replace("  contact:", "  telefon: 0211 123\n  contact:")},
         (ALLIANCE, 7, 3), "GK101", "Unbekannter Schlüssel „telefon“.", base=False),
    Case("GK102-german-word", {SERVICE: service(replace=("status: active", "status: aktiv"))},
         (SERVICE, 5, 9), "GK102",
         "Der Wert „aktiv“ ist für „Stand“ (status) nicht erlaubt. "
         "Meinten Sie „active“? Erlaubte Werte: planned (geplant), active (aktiv), ended "
         "(beendet).",
         "The value 'aktiv' is not allowed for 'Status' (status)"),
    Case("GK102-in-list", {SERVICE: service(replace=("[duldung, gestattung]", "[Duldung]"))},
         (SERVICE, 4, 11), "GK102", "Meinten Sie „duldung“?"),
    Case("GK102-const", {"gk.yaml": "gk: 2\nname: Testablage\n"}, ("gk.yaml", 1, 5), "GK102",
         "Der Wert „2“ ist für „Formatversion“ (gk)"),
    Case("GK103-top-level", {SERVICE: service(replace=("provider: Jugendmigrationsdienst "
                                                       "Musterstadt\n", ""))},
         (SERVICE, 1, 1), "GK103",
         "Die Pflichtangabe „Träger“ (provider) fehlt. Ergänzen Sie eine Zeile „provider: …“.",
         "The required key 'Provider' (provider) is missing. Add a line 'provider: …'."),
    Case("GK103-nested",
         {ALLIANCE: VALID_ALLIANCE.replace("  organisation: Kommunales Integrationszentrum "
                                           "Musterstadt\n", "")},
         (ALLIANCE, 5, 1), "GK103",
         "Die Pflichtangabe „Organisation“ (organisation) fehlt bei „Geschäftsführende Stelle "
         "(GfS)“ (lead_office).", base=False),
    Case("GK104-text-for-number", {SERVICE: service("capacity: zwölf\n")}, (SERVICE, 7, 11),
         "GK104",
         "„Plätze“ (capacity) muss eine ganze Zahl sein, hier steht aber der Text „zwölf“. "
         "Schreiben Sie die Zahl ohne Anführungszeichen und ohne Einheit.",
         "'Capacity' (capacity) must be a whole number, but it is the text 'zwölf'."),
    Case("GK104-text-for-list", {SERVICE: service(replace=("[language, social-participation]",
                                                           "language"))},
         (SERVICE, 3, 9), "GK104",
         "„Handlungsfelder“ (fields) muss eine Liste sein, hier steht aber der Text "
         "„language“."),
    Case("GK104-empty", {ALLIANCE: VALID_ALLIANCE + "ags:\n"}, (ALLIANCE, 8, 1), "GK104",
         "„Amtlicher Gemeindeschlüssel (AGS)“ (ags) ist leer. Hier gehört ein Text hin",
         base=False),
    Case("GK105-german-date", {SERVICE: service(replace=("start: 2020-01-01",
                                                         "start: 15.03.2024"))},
         (SERVICE, 6, 8), "GK105",
         "„Beginn“ (start): „15.03.2024“ ist kein gültiges Datum. Meinten Sie 2024-03-15? "
         "Schreiben Sie ein Datum als JJJJ-MM-TT",
         "'Start' (start): '15.03.2024' is not a valid date. Did you mean 2024-03-15? "
         "Write dates as YYYY-MM-DD"),
    Case("GK105-no-such-day", {ALLIANCE: VALID_ALLIANCE.replace("2019-01-15", "2019-02-30")},
         (ALLIANCE, 4, 9), "GK105", "(joined): „2019-02-30“ ist kein gültiges Datum.",
         base=False),
    Case("GK106-negative", {SERVICE: service("capacity: -5\n")}, (SERVICE, 7, 11), "GK106",
         "„Plätze“ (capacity) muss mindestens 0 sein, hier steht aber -5.",
         "'Capacity' (capacity) must be at least 0, but it is -5."),
    Case("GK106-empty-list", {SERVICE: service(replace=("[duldung, gestattung]", "[]"))},
         (SERVICE, 4, 10), "GK106", "„Offen für“ (open_to) braucht mehr Einträge (mindestens 1)."),
    Case("GK106-repeated-entry",
         {SERVICE: service(replace=("[language, social-participation]",
                                    "[language, language]"))},
         (SERVICE, 3, 9), "GK106", "„Handlungsfelder“ (fields) enthält denselben Eintrag zweimal."),
    Case("GK106-empty-text", {SERVICE: service(replace=("title: Sprachcafé", 'title: ""'))},
         (SERVICE, 1, 8), "GK106",
         "„Titel“ (title) ist leer. Hier gehört ein Text hin; die Angabe ist Pflicht."),
    Case("GK107-language-code", {SERVICE: service("languages: [Deutsch, ar]\n")},
         (SERVICE, 7, 13), "GK107",
         "„Deutsch“ hat nicht die vorgeschriebene Form für 1. Sprachkürzel.",
         "'Deutsch' does not have the required form for 1. Language code"),
    Case("GK107-id", {SERVICE: "id: Sprach Café\n" + service()}, (SERVICE, 1, 5), "GK107",
         "Kennungen bestehen nur aus Kleinbuchstaben a–z", also=frozenset({"GK202"})),
    Case("GK102-count-number-or-word", {ALLIANCE: VALID_ALLIANCE
                                        + "target_group:\n  - {as_of: 2024-01-01, count: viele}\n"},
         (ALLIANCE, 9, 32), "GK102",
         "1. Zählung, „Anzahl“ (count) muss eine ganze Zahl oder „unknown“ sein", base=False),
    # --- layout -----------------------------------------------------------------------------
    Case("GK201-service-outside-alliance-folder", {"services/sprachcafe.yaml": VALID_SERVICE},
         ("services/sprachcafe.yaml", 1, 1), "GK201",
         "An diese Stelle gehört keine gk-Datei. Legen Sie die Datei in den Ordner ihres "
         "Bündnisses: „services/<bündnis>/sprachcafe.yaml“.",
         "Put the file into the folder of its alliance: 'services/<alliance>/sprachcafe.yaml'."),
    Case("GK201-yml", {"services/musterstadt/kurs.yml": VALID_SERVICE},
         ("services/musterstadt/kurs.yml", 1, 1), "GK201",
         "Die Datei endet auf „.yml“; gk liest nur Dateien mit der Endung „.yaml“. "
         "Benennen Sie sie in „kurs.yaml“ um."),
    Case("GK201-root", {"notizen.yaml": "x: 1\n"}, ("notizen.yaml", 1, 1), "GK201",
         "Bündnisse gehören in „alliances/“"),
    Case("GK202-id-differs", {SERVICE: "id: sprach-cafe\n" + VALID_SERVICE}, (SERVICE, 1, 5),
         "GK202", "Die Kennung „sprach-cafe“ passt nicht zum Dateinamen „sprachcafe.yaml“.",
         "The id 'sprach-cafe' does not match the file name 'sprachcafe.yaml'."),
    Case("GK203-no-such-alliance", {"services/musterstdt/sprachcafe.yaml": VALID_SERVICE},
         ("services/musterstdt/sprachcafe.yaml", 1, 1), "GK203",
         "Der Ordner „services/musterstdt/“ gehört zu keinem Bündnis: Es gibt keine Datei "
         "„alliances/musterstdt.yaml“. Meinten Sie „musterstadt“?",
         "The folder 'services/musterstdt/' names no alliance"),
    Case("GK204-file-name", {"services/musterstadt/Sprach_Cafe.yaml": VALID_SERVICE},
         ("services/musterstadt/Sprach_Cafe.yaml", 1, 1), "GK204",
         "Der Dateiname „Sprach_Cafe“ ist keine gültige Kennung. Kennungen bestehen nur aus "
         "Kleinbuchstaben a–z, Ziffern und einzelnen Bindestrichen (höchstens 64 Zeichen); "
         "ändern Sie den Namen, zum Beispiel in „sprach-cafe“.",
         "The file name 'Sprach_Cafe' is not a valid id."),
    Case("GK204-folder-name",
         {"alliances/Muster_Stadt.yaml": VALID_ALLIANCE,
          "services/Muster_Stadt/kurs.yaml": VALID_SERVICE},
         ("services/Muster_Stadt/kurs.yaml", 1, 1), "GK204",
         "Der Ordnername „Muster_Stadt“ ist keine gültige Kennung.", base=False),
    Case("GK205-document", {"services/musterstadt/flyer.pdf": b"%PDF-1.4\n"},
         ("services/musterstadt/flyer.pdf", 1, 1), "GK205",
         "Dies ist keine YAML-Datei; gk überspringt sie.",
         "This is not a YAML file; gk ignores it."),
    Case("GK206-latin-1-name", {"services/musterstadt/caf\udce9.yaml": VALID_SERVICE},
         ("services/musterstadt/caf\\xe9.yaml", 1, 1), "GK206",
         "Der Name dieser Datei ist kein UTF-8-Text",
         "gk skips the file. Rename it; it was probably meant to be called 'café.yaml'."),
    Case("GK206-latin-1-folder", {"worksheets/k\udcf6ln/notiz.yaml": "template: x\n"},
         ("worksheets/k\\xf6ln", 1, 1), "GK206",
         "gk überspringt den Ordner mit allem, was darin liegt.",
         "it was probably meant to be called 'köln'"),
    # --- values no report can show ----------------------------------------------------------
    Case("GK109-nan", {ALLIANCE: VALID_ALLIANCE + "participation_management:\n  positions: .nan\n"},
         (ALLIANCE, 9, 14), "GK109", "Das ist keine Zahl („.nan“).",
         "This is not a number ('.nan')."),
    Case("GK109-1e400", {ALLIANCE: VALID_ALLIANCE + "participation_management:\n  positions: 1e400\n"},
         (ALLIANCE, 9, 14), "GK109", "Diese Zahl ist unendlich",
         "This number is infinite"),
    Case("GK109-400-digits",
         {ALLIANCE: VALID_ALLIANCE + "participation_management:\n  positions: " + "9" * 400 + "\n"},
         (ALLIANCE, 9, 14), "GK109",
         "Diese Zahl ist unsinnig groß (400 Stellen vor dem Komma).",
         "Write the real value: a number with fewer than 16 digits."),
    Case("GK110-escape", {SERVICE: VALID_SERVICE.replace("title: Sprachcafé",
                                                         'title: "Sprach\\e[2Jcafé"')},
         (SERVICE, 1, 8), "GK110",
         "Dieser Text enthält ein unsichtbares Steuerzeichen, U+001B (ESC)",
         "This text holds an invisible control character, U+001B (ESC)"),
    Case("GK110-bidi-key", {SERVICE: VALID_SERVICE + '"\\u202Etitle": x\n'},
         (SERVICE, 7, 1), "GK110", "Dieser Schlüssel enthält ein unsichtbares Steuerzeichen, "
         "U+202E (RLO)", also=frozenset({"GK101"})),
    # --- references -------------------------------------------------------------------------
    Case("GK301-same-alliance", {SERVICE: service("follow_up: [beratng]\n"),
                                 "services/musterstadt/beratung.yaml": VALID_SERVICE},
         (SERVICE, 7, 13), "GK301",
         "Das Anschlussangebot „beratng“ gibt es nicht. Meinten Sie „beratung“?",
         "The follow-up service 'beratng' does not exist. Did you mean 'beratung'?"),
    Case("GK301-other-alliance", {SERVICE: service("follow_up: [koeln/kurs]\n")},
         (SERVICE, 7, 13), "GK301", "Das Anschlussangebot „koeln/kurs“ gibt es nicht."),
    Case("GK302-missing", {ALLIANCE: VALID_ALLIANCE.replace(
        "kreisfreie-stadt", "kreisangehoerige-kommune") + "district: rhein-kreis\n",
        "alliances/rhein-kreis-neuss.yaml": KREIS},
         (ALLIANCE, 8, 11), "GK302",
         "Den Kreis „rhein-kreis“ gibt es in dieser Datenablage nicht als Bündnis. "
         "Meinten Sie „rhein-kreis-neuss“?",
         "The district 'rhein-kreis' is not an alliance of this repository.", base=False),
    Case("GK302-not-a-kreis", {ALLIANCE: VALID_ALLIANCE.replace(
        "kreisfreie-stadt", "kreisangehoerige-kommune") + "district: koeln\n",
        "alliances/koeln.yaml": VALID_ALLIANCE},
         (ALLIANCE, 8, 11), "GK302",
         "Das Bündnis „koeln“ ist kein Kreis (sein Typ ist „kreisfreie-stadt“).", base=False),
    Case("GK303-unknown-template", {SHEET: sheet("", template="begleitprotokol")},
         (SHEET, 1, 11), "GK303",
         "Die Vorlage „begleitprotokol“ ist unbekannt. Meinten Sie „begleitprotokoll“?",
         "The template 'begleitprotokol' is unknown."),
    Case("GK304-unknown-item",
         {CHECKLIST: sheet("items:\n  kerngruppe: {status: done}\n", "prozessmanagement")},
         (CHECKLIST, 4, 3), "GK304",
         "Unbekannter Prüfpunkt „kerngruppe“: Die Vorlage hat keinen Punkt mit dieser Kennung.",
         "Unknown checklist item 'kerngruppe'", also=frozenset({"GK406"})),
    Case("GK305-unknown-item", {SHEET: sheet("todos:\n" + todo(item="rolen"))},
         (SHEET, 4, 94), "GK305",
         "Das To-do nennt den Prüfpunkt „rolen“, den weder die Vorlage „begleitprotokoll“ noch "
         "die Checkliste hat. Meinten Sie „roles“?",
         "The to-do names the item 'rolen', which neither template 'begleitprotokoll' nor the "
         "checklist has."),
    Case("GK306-duplicate-todo-id",
         {SHEET: sheet("todos:\n" + todo() + todo(title="Zweiter Termin"))},
         (SHEET, 5, 10), "GK306",
         "Die To-do-Kennung „termin“ kommt in dieser Arbeitshilfe zweimal vor (auch im 1. "
         "Eintrag). Geben Sie jedem To-do eine eigene Kennung, zum Beispiel „termin-2“.",
         "The to-do id 'termin' is used twice in this worksheet (also in entry 1)."),
    # --- plausibility -----------------------------------------------------------------------
    Case("GK401-end-before-start",
         {SERVICE: service("end: 2019-12-31\n", replace=("status: active", "status: ended"))},
         (SERVICE, 7, 6), "GK401", "Das Enddatum 2019-12-31 liegt vor dem Startdatum 2020-01-01.",
         "The end date 2019-12-31 lies before the start date 2020-01-01."),
    Case("GK402-age-reversed", {SERVICE: service("age: {min: 27, max: 18}\n")},
         (SERVICE, 7, 12), "GK402", "Das Mindestalter 27 ist größer als das Höchstalter 18.",
         "The lowest age 27 is greater than the highest age 18."),
    Case("GK403-active-but-ended", {SERVICE: service("end: 2024-12-31\n")}, (SERVICE, 5, 9),
         "GK403", "Das Angebot ist als laufend („active“) eingetragen, endete aber am 2024-12-31.",
         "The service is marked 'active', but it ended on 2024-12-31."),
    Case("GK404-future-date", {SHEET: sheet("", date="2052-03-12")}, (SHEET, 2, 7), "GK404",
         "Die Arbeitshilfe trägt das Datum 2052-03-12; das liegt in der Zukunft.",
         "The worksheet is dated 2052-03-12, which lies in the future."),
    Case("GK405-overdue", {SHEET: sheet("todos:\n" + todo(due="2025-04-30"))}, (SHEET, 4, 62),
         "GK405", "Das To-do „Termin vereinbaren“ war am 2025-04-30 fällig und ist noch offen.",
         "The to-do 'Termin vereinbaren' was due on 2025-04-30 and is still open."),
    Case("GK406-unanswered",
         {CHECKLIST: sheet("items:\n" + "".join(
             f"  {i}: {{status: done}}\n" for i in (
                 "core-group", "roles", "decisions", "existing-networks", "foreigners-authority",
                 "legal-situation", "data-flow", "needs-analysis", "service-analysis",
                 "transitions", "funding-gaps", "education-chains", "offer-for-everyone",
                 "thm-staffed", "thm-qualified", "thm-embedded", "case-to-structure",
                 "users-involved")), "prozessmanagement")},
         (CHECKLIST, 3, 1), "GK406",
         "Unbeantwortete Prüfpunkte der Checkliste (2): volunteers, documentation.",
         "2 checklist item(s) are unanswered: volunteers, documentation."),
    Case("GK407-stale", {SERVICE: service("verified: 2024-05-02\n")}, (SERVICE, 7, 11), "GK407",
         "Der Eintrag wurde zuletzt am 2024-05-02 bestätigt, vor 933 Tagen.",
         "The entry was last confirmed on 2024-05-02, 933 days ago.", args=("--stale", "365")),
    Case("GK408-district-of-kreisfreie-stadt",
         {ALLIANCE: VALID_ALLIANCE + "district: rhein-kreis-neuss\n",
          "alliances/rhein-kreis-neuss.yaml": KREIS},
         (ALLIANCE, 8, 11), "GK408",
         "Nur eine „kreisangehoerige-kommune“ gehört zu einem Kreis („district“); dieses "
         "Bündnis hat den Typ „kreisfreie-stadt“.",
         "Only a 'kreisangehoerige-kommune' belongs to a district", base=False),
    # --- privacy ----------------------------------------------------------------------------
    Case("GK501-freemail", {SERVICE: service("contact: lena.schmidt@web.de\n")},
         (SERVICE, 7, 10), "GK501",
         "„lena.schmidt@web.de“ sieht wie eine private E-Mail-Adresse aus. Verwenden Sie die "
         "Adresse der Dienststelle (zum Beispiel info@…). Wenn das so gewollt ist, markieren "
         "Sie die Zeile mit „# gk: ignore GK501“.",
         "'lena.schmidt@web.de' looks like a private e-mail address."),
    Case("GK502-mobile", {SERVICE: service("contact: Empfang, 0171 2345678\n")},
         (SERVICE, 7, 10), "GK502", "„0171 2345678“ sieht wie eine private Handynummer aus.",
         "'0171 2345678' looks like a private mobile number."),
    Case("GK503-birth-date",
         {SERVICE: service("description: Gestartet mit einem Teilnehmer, geb. 03.04.2004.\n")},
         (SERVICE, 7, 14), "GK503", "Der Text enthält ein Geburtsdatum.",
         "The text contains a date of birth."),
    Case("GK504-file-number",
         {SERVICE: service("description: Anfrage der Ausländerbehörde, Az. 32-1234/25\n")},
         (SERVICE, 7, 14), "GK504", "Der Text enthält etwas, das wie ein Aktenzeichen aussieht.",
         "The text contains what looks like a file number (Aktenzeichen)."),
    Case("GK505-honorific", {SERVICE: service("description: Begleitung von Frau Yilmaz\n")},
         (SERVICE, 7, 14), "GK505", "„Frau Yilmaz“ sieht wie der Name einer Person aus.",
         "'Frau Yilmaz' looks like the name of a person."),
    Case("GK505-name-in-role-field", {SHEET: sheet("todos:\n" + todo(owner="Thomas Becker"))},
         (SHEET, 4, 52), "GK505",
         "„Thomas Becker“ sieht wie der Name einer Person aus. Schreiben Sie stattdessen die "
         "Rolle oder die Organisation"),
    Case("GK505-in-a-comment",  # invented name
         {SERVICE: service("description: Offenes Angebot  # Rückruf an Herrn Haidari\n")},
         (SERVICE, 7, 31), "GK505", "„Herrn Haidari“ sieht wie der Name einer Person aus.",
         "'Herrn Haidari' looks like the name of a person."),
    Case("GK506-iban",  # invented account, check digits computed
         {SERVICE: service("description: Zuschuss an DE35 3704 0044 0532 0130 99\n")},
         (SERVICE, 7, 14), "GK506",
         "„DE35 3704 0044 0532 0130 99“ sieht wie eine Bankverbindung (IBAN) aus.",
         "'DE35 3704 0044 0532 0130 99' looks like a bank account (IBAN)."),
    Case("GK507-room-in-accommodation",
         {SERVICE: service("description: Abholung in der Unterkunft Gartenweg, Zimmer 214\n")},
         (SERVICE, 7, 14), "GK507", "„Zimmer 214“ sieht aus wie der Ort, an dem eine Person wohnt.",
         "'Zimmer 214' looks like where a person lives."),
    Case("GK508-health",
         {SERVICE: service("description: Der Jugendliche leidet an Epilepsie\n")},
         (SERVICE, 7, 14), "GK508", "Der Text enthält Angaben zur Gesundheit einer Person.",
         "The text contains details about a person's health."),
    Case("GK509-overlapping-target-group",
         {ALLIANCE: VALID_ALLIANCE + (
             "target_group:\n"
             "  - {as_of: 2025-03-31, statuses: [duldung, gestattung], count: 40}\n"
             "  - {as_of: 2025-03-31, statuses: [gestattung], count: 38}\n")},
         (ALLIANCE, 10, 35), "GK509",
         "Die Zielgruppen-Einträge vom 2025-03-31 überschneiden sich: Eintrag 1 "
         "(Aufenthaltsgestattung, Duldung) und Eintrag 2 (Aufenthaltsgestattung) zählen zum "
         "Teil dieselben Personen, und zusammen verraten sie eine Zahl von weniger als 3 "
         "Personen. Berichte zeigen nur einen dieser Einträge. Tragen Sie Zahlen ein, die sich "
         "nicht überschneiden",
         "The target-group entries of 2025-03-31 overlap: entry 1 (Permission to stay (asylum "
         "pending), Tolerated stay (Duldung)) and entry 2 (Permission to stay (asylum pending)) "
         "count some of the same people, and together they reveal a number of fewer than 3 "
         "people."),
    # --- templates --------------------------------------------------------------------------
    Case("GK601-id-differs", {"templates/wohnen.yaml": TEMPLATE.replace("id: wohnen",
                                                                        "id: wohnraum")},
         ("templates/wohnen.yaml", 1, 5), "GK601",
         "Die Kennung der Vorlage „wohnraum“ passt nicht zum Dateinamen „wohnen.yaml“.",
         "The template id 'wohnraum' does not match the file name 'wohnen.yaml'."),
    Case("GK601-shipped-id", {"templates/begleitprotokoll.yaml": TEMPLATE.replace(
        "id: wohnen", "id: begleitprotokoll")},
         ("templates/begleitprotokoll.yaml", 1, 5), "GK601",
         "Die Vorlage „begleitprotokoll“ gehört zu gk und kann nicht ersetzt werden. Geben Sie "
         "Ihrer Vorlage eine eigene Kennung, zum Beispiel „begleitprotokoll-lokal“."),
    Case("GK601-duplicate-item",
         {"templates/wohnen.yaml": TEMPLATE.replace("id: wg", "id: makler")},
         ("templates/wohnen.yaml", 9, 10), "GK601",
         "Die Punkt-Kennung „makler“ kommt in der Vorlage zweimal vor.",
         "The item id 'makler' appears twice in the template."),
    Case("GK601-unknown-section", {"templates/wohnen.yaml": TEMPLATE.replace(
        "id: wg, section: suche", "id: wg, section: umzug")},
         ("templates/wohnen.yaml", 9, 23), "GK601",
         "Der Punkt „wg“ nennt den Abschnitt „umzug“, den die Vorlage nicht hat. Abschnitte: "
         "suche."),
]

ENGLISH = [c for c in CASES if c.en]


def _repository(make_repo: Any, case: Case) -> Path:
    base = {ALLIANCE: VALID_ALLIANCE, SERVICE: VALID_SERVICE} if case.base else {}
    return make_repo({**base, **case.files})


def _check(root: Path, case: Case, *extra: str) -> dict[str, Any]:
    status, report = check_json(root, *case.args, *extra)
    file, line, column = case.where
    here = [f for f in report["findings"]
            if (f["file"], f["line"], f["column"], f["code"]) == (file, line, column, case.code)]
    assert here, report["findings"]
    codes = {f["code"] for f in report["findings"]}
    assert codes == {case.code} | case.also, report["findings"]
    errors = any(f["severity"] == "error" for f in report["findings"])
    assert status == (1 if errors else 0)
    assert len(here) == 1
    finding: dict[str, Any] = here[0]
    return finding


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_message_in_german(make_repo: Any, case: Case) -> None:
    finding = _check(_repository(make_repo, case), case)
    assert case.de in finding["message"]


@pytest.mark.parametrize("case", ENGLISH, ids=[c.id for c in ENGLISH])
def test_message_in_english(make_repo: Any, case: Case) -> None:
    finding = _check(_repository(make_repo, case), case, "--lang", "en")
    assert case.en in finding["message"]


def test_every_producible_code_has_a_case() -> None:
    from gk.findings import CODES

    covered = {c.code for c in CASES} | {"GK009", "GK010"}  # file size and links: below
    # GK108 is the schema catch-all that the shipped schemas never reach.
    assert set(CODES) - covered == {"GK108"}


def test_a_number_no_report_can_show_replaces_the_vague_gk108(make_repo: Any) -> None:
    """NaN used to give only 'does not match its schema' at 1:1; now one finding at the value."""
    root = make_repo({ALLIANCE: VALID_ALLIANCE + "participation_management:\n"
                      "  positions: .nan\n  reached:\n    - {year: 2024, persons: -.inf}\n"})
    _status, report = check_json(root)
    assert sorted((f["line"], f["column"], f["code"]) for f in report["findings"]) == [
        (9, 14, "GK109"), (11, 29, "GK104"), (11, 29, "GK106"), (11, 29, "GK109")]


# --- cases that need more than file contents ------------------------------------------------


def test_gk009_file_too_large(make_repo: Any) -> None:
    root = make_repo({ALLIANCE: VALID_ALLIANCE,
                      SERVICE: b"title: " + b"x" * MAX_BYTES + b"\n"})
    status, report = check_json(root)
    [finding] = report["findings"]
    assert (finding["file"], finding["line"], finding["column"], finding["code"]) == (
        SERVICE, 1, 1, "GK009")
    assert status == 1
    limit = MAX_BYTES // (1024 * 1024)
    assert f"gk liest Dateien bis {limit} MB." in finding["message"]
    assert "Datendateien sind klein" in finding["message"]


def test_gk010_link_outside_the_repository(make_repo: Any, tmp_path: Path) -> None:
    outside = tmp_path / "anderswo.yaml"
    outside.write_text(VALID_SERVICE, encoding="utf-8")
    root = make_repo({ALLIANCE: VALID_ALLIANCE})
    (root / "services" / "musterstadt").mkdir(parents=True)
    os.symlink(outside, root / SERVICE)
    status, report = check_json(root)
    [finding] = report["findings"]
    assert (finding["file"], finding["line"], finding["column"], finding["code"]) == (
        SERVICE, 1, 1, "GK010")
    assert finding["message"].startswith(
        "Diese Datei ist eine Verknüpfung zu einem Ort außerhalb der Datenablage; gk folgt ihr "
        "nicht.")
    assert status == 1
    status, report = check_json(root, "--lang", "en")
    assert report["findings"][0]["message"].startswith(
        "This file is a link to a place outside the data repository")


def test_gk010_file_that_is_a_folder(make_repo: Any, tmp_path: Path) -> None:
    root = make_repo({ALLIANCE: VALID_ALLIANCE})
    folder = root / "dokumente"
    folder.mkdir()
    (root / "services" / "musterstadt").mkdir(parents=True)
    os.symlink(folder, root / SERVICE)
    status, report = check_json(root)
    [finding] = report["findings"]
    assert (finding["file"], finding["line"], finding["column"], finding["code"]) == (
        SERVICE, 1, 1, "GK010")
    assert finding["severity"] == "error"
    assert status == 1


def test_gk407_needs_stale_option(make_repo: Any) -> None:
    root = make_repo({ALLIANCE: VALID_ALLIANCE,
                      SERVICE: service("verified: 2024-05-02\n")})
    assert check_json(root) == (0, {"findings": [], "errors": 0, "warnings": 0})
    status, report = check_json(root, "--stale", "1000")
    assert (status, report["findings"]) == (0, [])


# --- silencing, severities and the text layout ----------------------------------------------


@pytest.mark.parametrize(("comment", "kept"), [
    ("  # gk: ignore GK501", []),
    ("  # gk: ignore GK502, GK501", []),
    ("  # gk: ignore", []),
    ("  # gk: ignore GK502", ["GK501"]),
    ("", ["GK501"]),
], ids=["code", "list", "bare", "other-code", "none"])
def test_ignore_comment_on_the_line(make_repo: Any, comment: str, kept: list[str]) -> None:
    root = make_repo({ALLIANCE: VALID_ALLIANCE,
                      SERVICE: service(f"contact: lena.schmidt@web.de{comment}\n")})
    status, report = check_json(root)
    assert [f["code"] for f in report["findings"]] == kept
    assert status == 0


def test_ignore_comment_works_only_on_its_own_line(make_repo: Any) -> None:
    root = make_repo({ALLIANCE: VALID_ALLIANCE,
                      SERVICE: service("# gk: ignore GK501\ncontact: lena.schmidt@web.de\n")})
    _status, report = check_json(root)
    assert [(f["code"], f["line"]) for f in report["findings"]] == [("GK501", 8)]


def test_text_output_in_german(make_repo: Any) -> None:
    root = make_repo({ALLIANCE: VALID_ALLIANCE,
                      SERVICE: service(replace=("status: active", "status: aktiv"))
                      + "contact: lena.schmidt@web.de\n"})
    result = run_gk("-C", str(root), "check")
    assert result.exit_code == 1
    assert result.output == (
        "services/musterstadt/sprachcafe.yaml:5:9: Fehler GK102\n"
        "  5 | status: aktiv\n"
        "    |         ^\n"
        "  Der Wert „aktiv“ ist für „Stand“ (status) nicht erlaubt.\n"
        "  Meinten Sie „active“? Erlaubte Werte: planned (geplant), active (aktiv), ended "
        "(beendet).\n"
        "\n"
        "services/musterstadt/sprachcafe.yaml:7:10: Warnung GK501\n"
        "  7 | contact: lena.schmidt@web.de\n"
        "    |          ^\n"
        "  „lena.schmidt@web.de“ sieht wie eine private E-Mail-Adresse aus.\n"
        "  Verwenden Sie die Adresse der Dienststelle (zum Beispiel info@…). Wenn das so "
        "gewollt ist, markieren Sie die Zeile mit „# gk: ignore GK501“.\n"
        "\n"
        "1 Fehler, 1 Warnung(en) in 3 Dateien.\n")


def test_summary_without_findings(make_repo: Any) -> None:
    root = make_repo({ALLIANCE: VALID_ALLIANCE, SERVICE: VALID_SERVICE})
    result = run_gk("-C", str(root), "check")
    assert (result.exit_code, result.output) == (0, "Keine Probleme gefunden (3 Dateien "
                                                    "geprüft).\n")
    result = run_gk("-C", str(root), "check", "--lang", "en")
    assert result.output == "No problems found in 3 files.\n"


def test_github_output_in_german(make_repo: Any) -> None:
    root = make_repo({ALLIANCE: VALID_ALLIANCE,
                      SERVICE: service("contact: lena.schmidt@web.de\n")})
    result = run_gk("-C", str(root), "check", "--format", "github")
    lines = result.output.splitlines()
    assert lines[0].startswith("::warning file=services/musterstadt/sprachcafe.yaml,line=7,"
                               "col=10::GK501: „lena.schmidt@web.de“ sieht wie")
    assert lines[1] == "0 Fehler, 1 Warnung(en) in 3 Dateien."
    assert result.exit_code == 0


def _gk(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it (setup errors are mapped to exit 2 by its entry point)."""
    return subprocess.run([sys.executable, "-m", "gk", *args], capture_output=True, text=True,
                          env={**os.environ, "GK_LANG": "de"})


def test_setup_errors_in_german(tmp_path: Path, make_repo: Any) -> None:
    proc = _gk("-C", str(tmp_path), "check")
    assert proc.returncode == 2
    assert f"gk: Keine gk-Datenablage in „{tmp_path}“ oder darüber gefunden (keine Datei " \
        "gk.yaml). Legen Sie eine mit „gk init“ an" in proc.stderr
    root = make_repo({ALLIANCE: VALID_ALLIANCE})
    proc = _gk("-C", str(root), "check", "fehlt.yaml")
    assert (proc.returncode, proc.stderr) == (2, "gk: „fehlt.yaml“ gibt es nicht.\n")
    proc = _gk("-C", str(root), "check", "--today", "21.11.2026")
    assert proc.returncode == 2
    assert "„21.11.2026“ ist kein Datum (JJJJ-MM-TT)." in proc.stderr
    assert "Traceback" not in proc.stderr


# --- defects found while writing these tests, fixed since --------------------------------------


def test_count_either_number_or_unknown(make_repo: Any) -> None:
    root = make_repo({ALLIANCE: VALID_ALLIANCE
                      + "target_group:\n  - {as_of: 2024-01-01, count: unbekannt}\n"})
    _status, report = check_json(root)
    [finding] = report["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == (ALLIANCE, 9, 32)
    assert "is not valid" not in finding["message"]
    assert "Meinten Sie „unknown“?" in finding["message"]


def test_file_name_proposal_keeps_accented_letters(make_repo: Any) -> None:
    root = make_repo({ALLIANCE: VALID_ALLIANCE,
                      "services/musterstadt/Sprachcafé.yaml": VALID_SERVICE})
    _status, report = check_json(root)
    [finding] = report["findings"]
    assert finding["code"] == "GK204"
    assert "zum Beispiel in „sprachcafe“." in finding["message"]


def test_check_help_in_german() -> None:
    proc = _gk("check", "--help")
    assert proc.returncode == 0
    assert "Warnings also make the exit status 1." not in proc.stdout
    assert "Write to FILE instead of standard output." not in proc.stdout
