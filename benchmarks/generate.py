#!/usr/bin/env python3
"""Generate a synthetic, state-wide gk data repository.

The tree follows the data repository layout of SPEC.md::

    gk.yaml
    alliances/<alliance>.yaml
    services/<alliance>/<service>.yaml
    worksheets/<alliance>/<worksheet>.yaml

Output is deterministic for a given seed and set of options. Files are
written with plain string formatting (no YAML library) so that generating
100,000 files takes seconds. By default the data is valid: it is meant to
produce no errors in ``gk check`` (some warnings, such as overdue to-dos, are
realistic and expected). ``--defects K`` injects K realistic defects and
lists them in ``defects.json``.

Usage::

    python benchmarks/generate.py OUT_DIR --alliances 400 --seed 1
    python benchmarks/generate.py OUT_DIR --alliances 40 --seed 7 --defects 25
"""

# ruff: noqa: E501  (text material is kept on one line per sentence)
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------
# Vocabulary of SPEC.md (the contract: ids and enumerations)
# ---------------------------------------------------------------------------

REFERENCE_DAY = dt.date(2026, 11, 21)  # no worksheet is dated after this day

SERVICE_FIELDS = [
    "language",
    "education",
    "vocational-training",
    "work",
    "housing",
    "health",
    "counselling",
    "social-participation",
]
STATUSES = ["gestattung", "duldung", "aufenthaltserlaubnis", "other"]
ACTOR_FIELDS = [
    "migration-integration",
    "education",
    "social",
    "labour-market",
    "economy",
    "civil-society",
    "other",
]
LEGAL_AREAS = ["sgb2", "sgb3", "sgb8", "sgb12", "asylblg", "aufenthg", "none"]
REGIONS = ["arnsberg", "detmold", "duesseldorf", "koeln", "muenster"]
# Regierungsbezirk digit of the AGS (05 = NRW, then 1/3/5/7/9)
REGION_AGS = {"duesseldorf": "1", "koeln": "3", "muenster": "5", "detmold": "7", "arnsberg": "9"}
ITEM_SECTIONS = {
    "alliance": ["core-group", "roles", "decisions", "existing-networks", "foreigners-authority"],
    "foundations": ["legal-situation", "data-flow", "needs-analysis", "service-analysis"],
    "transitions": ["transitions", "funding-gaps", "education-chains", "offer-for-everyone"],
    "case-management": ["thm-staffed", "thm-qualified", "thm-embedded", "case-to-structure"],
    "participation": ["users-involved", "volunteers", "documentation"],
}
ITEM_IDS = [item for items in ITEM_SECTIONS.values() for item in items]
ITEM_STATUSES = ["done", "in-progress", "open", "not-applicable"]
TODO_STATUSES = ["open", "done", "dropped"]
NEEDS = ["none", "low", "medium", "high"]
COVERAGE = ["covered", "partly", "not-covered", "unknown"]
PRIORITIES = ["low", "medium", "high"]
LANGUAGES = ["de", "en", "ar", "fa", "ps", "ti", "ku", "so", "fr", "ru", "uk", "tr", "sq", "ur"]

DEFECT_KINDS = [
    "unknown-key",
    "wrong-enum",
    "dangling-follow-up",
    "end-before-start",
    "bad-date",
    "duplicate-todo-id",
]

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


# ---------------------------------------------------------------------------
# German text material
# ---------------------------------------------------------------------------

NAME_HEADS = [
    "Mer", "Dorn", "Hollen", "Lim", "Wester", "Esch", "Haller", "Sonn", "Bruch", "Lipp",
    "Wupper", "Emscher", "Lenne", "Volme", "Ahse", "Werre", "Kalt", "Ber", "Gel", "Kref",
    "Mett", "Ratin", "Velb", "Dülm", "Coes", "Bork", "Stein", "Lind", "Eich", "Buch",
    "Tann", "Birken", "Hasel", "Wald", "Heide", "Moor", "Brunn", "Quell", "Ross", "Falken",
    "Wolfs", "Hirsch", "Bieber", "Kranich", "Lerchen", "Rosen", "Linden", "Erlen", "Ulmen",
    "Espel", "Ober", "Nieder", "Alten", "Neuen", "Hohen", "Schön", "Grün", "Weiß", "Roth",
    "Schwarzen", "Marien", "Johannis", "Martins", "Georgs", "Kloster", "Burg", "Mühl",
    "Brücken", "Hagen", "Ems", "Ruhr", "Sieg", "Erft", "Agger", "Wurm", "Rur", "Niers",
    "Issel", "Berkel", "Stever", "Ennepe", "Möhne", "Sorpe", "Eder", "Diemel", "Nethe",
]
NAME_TAILS = [
    "berg", "brück", "hausen", "feld", "kirchen", "dorf", "heim", "born", "bach", "hagen",
    "stein", "werth", "hövel", "lohe", "rath", "scheid", "winkel", "beck", "holz", "au",
    "burg", "horst", "loh", "rode", "stedt", "thal", "wald", "weiler", "furt", "büren",
    "ingen", "kamp", "mar", "siepen", "trup", "wede", "lar", "ohl", "ich",
]
GIVEN_PREFIXES = ["", "", "", "", "", "Bad ", "Alt-", "Neu-", "Groß-", "Klein-"]

SERVICE_KINDS = [
    # (title, fields, open_to, age (min, max) or None, funding, capacity range)
    ("Integrationskurs mit Alphabetisierung", ["language"], ["gestattung", "duldung", "aufenthaltserlaubnis"], (18, None), "Integrationskursverordnung", (12, 25)),
    ("Sprachkurs für junge Geflüchtete", ["language"], ["gestattung", "duldung"], (18, 27), "Gemeinsam klappt's", (10, 20)),
    ("Berufssprachkurs B2", ["language", "work"], ["aufenthaltserlaubnis", "gestattung"], (18, None), "DeuFöV", (15, 25)),
    ("Sprachcafé", ["language", "social-participation"], ["gestattung", "duldung", "aufenthaltserlaubnis", "other"], None, "Ehrenamt, Spenden", (0, 40)),
    ("Lernwerkstatt Schulabschluss", ["education", "language"], ["gestattung", "duldung"], (18, 27), "Landesmittel", (8, 16)),
    ("Nachholen des Hauptschulabschlusses", ["education"], ["gestattung", "duldung", "aufenthaltserlaubnis"], (18, 25), "sgb2", (12, 20)),
    ("Internationale Förderklasse am Berufskolleg", ["education", "language"], ["gestattung", "duldung", "aufenthaltserlaubnis"], (16, 21), "Schulgesetz NRW", (15, 24)),
    ("Einstiegsqualifizierung Handwerk", ["vocational-training", "work"], ["duldung", "aufenthaltserlaubnis"], (18, 27), "sgb3", (5, 12)),
    ("Assistierte Ausbildung", ["vocational-training"], ["gestattung", "duldung", "aufenthaltserlaubnis"], (18, 27), "sgb3", (10, 30)),
    ("Ausbildungsbegleitung durch Ehrenamtliche", ["vocational-training", "social-participation"], ["duldung", "gestattung"], None, "Stiftungsmittel", (5, 20)),
    ("Berufsorientierung Perspektive Pflege", ["vocational-training", "health"], ["gestattung", "duldung", "aufenthaltserlaubnis"], (18, 27), "ESF Plus", (8, 15)),
    ("Praktikumsbörse für junge Erwachsene", ["work", "vocational-training"], ["gestattung", "duldung", "aufenthaltserlaubnis"], (18, 27), "Kommune", (0, 60)),
    ("Beschäftigungsduldung: Beratung für Betriebe", ["work", "counselling"], ["duldung"], (18, None), "Gemeinsam klappt's", (0, 30)),
    ("Jobcoaching im Betrieb", ["work"], ["aufenthaltserlaubnis", "duldung"], (18, 35), "sgb2", (10, 25)),
    ("Werkstattjahr Metall", ["vocational-training", "work"], ["gestattung", "duldung"], (18, 25), "Landesmittel", (6, 12)),
    ("Wohnraumberatung", ["housing", "counselling"], ["gestattung", "duldung", "aufenthaltserlaubnis", "other"], None, "Kommune", (0, 50)),
    ("Wohnpatenschaften", ["housing", "social-participation"], ["aufenthaltserlaubnis", "duldung"], (18, 30), "Spenden", (5, 15)),
    ("Betreutes Wohnen für junge Volljährige", ["housing", "social-participation"], ["gestattung", "duldung", "aufenthaltserlaubnis"], (18, 21), "sgb8", (4, 10)),
    ("Gesundheitslotsen", ["health", "counselling"], ["gestattung", "duldung", "aufenthaltserlaubnis", "other"], None, "Gesundheitsamt", (0, 80)),
    ("Psychosoziale Beratung für Geflüchtete", ["health", "counselling"], ["gestattung", "duldung", "aufenthaltserlaubnis"], (16, None), "Landesmittel", (10, 30)),
    ("Asylverfahrensberatung", ["counselling"], ["gestattung"], None, "Landesmittel", (0, 100)),
    ("Bleibeperspektive und Aufenthaltsrecht", ["counselling"], ["duldung", "gestattung"], (18, 27), "Gemeinsam klappt's", (0, 60)),
    ("Jugendmigrationsdienst", ["counselling", "education"], ["gestattung", "duldung", "aufenthaltserlaubnis", "other"], (12, 27), "Kinder- und Jugendplan des Bundes", (0, 120)),
    ("Schuldnerberatung für junge Menschen", ["counselling"], ["aufenthaltserlaubnis", "duldung", "gestattung"], (18, 27), "sgb12", (0, 40)),
    ("Sportangebot Ankommen", ["social-participation", "health"], ["gestattung", "duldung", "aufenthaltserlaubnis", "other"], None, "Stadtsportbund", (10, 30)),
    ("Mentoring-Programm Tandem", ["social-participation", "education"], ["gestattung", "duldung"], (18, 27), "Gemeinsam klappt's", (10, 25)),
    ("Offener Treff im Quartier", ["social-participation"], ["gestattung", "duldung", "aufenthaltserlaubnis", "other"], None, "Kommune", (0, 50)),
    ("Teilhabemanagement", ["counselling", "work", "education"], ["gestattung", "duldung"], (18, 27), "Gemeinsam klappt's", (20, 60)),
    ("Bewerbungswerkstatt", ["work", "vocational-training"], ["gestattung", "duldung", "aufenthaltserlaubnis"], (18, 27), "sgb3", (8, 16)),
    ("Fahrradwerkstatt und Mobilitätstraining", ["social-participation", "work"], ["gestattung", "duldung"], None, "Ehrenamt", (6, 12)),
]

PROVIDERS = [
    "Caritasverband {kreis} e.V.",
    "Diakonisches Werk {place}",
    "AWO Unterbezirk {place}",
    "DRK-Kreisverband {place} e.V.",
    "Jobcenter {kreis}",
    "Agentur für Arbeit {place}",
    "Volkshochschule {place}",
    "Jugendmigrationsdienst {place}",
    "Kommunales Integrationszentrum {kreis}",
    "Berufskolleg {place}",
    "Handwerkskammer Region {place}",
    "Flüchtlingsrat {place} e.V.",
    "Stadtsportbund {place} e.V.",
    "Gesundheitsamt {kreis}",
    "Internationaler Bund, Standort {place}",
    "Bildungswerk der Wirtschaft {place}",
    "Verein für Integration und Bildung {place} e.V.",
    "Paritätischer Wohlfahrtsverband, Kreisgruppe {place}",
]

CONTACT_ROLES = [
    "Koordination Sprachförderung",
    "Fachbereich Migration, Teamleitung",
    "Beratungsstelle, Sekretariat",
    "Projektleitung",
    "Geschäftsführende Stelle Gemeinsam klappt's",
    "Fachdienst Integration, Anmeldung",
    "Kursbüro",
    "Ausbildungsberatung",
    "Teilhabemanagement, Koordination",
    "Ehrenamtskoordination",
]

LEAD_OFFICES = [
    "Kommunales Integrationszentrum {kreis}",
    "Stadt {place}, Amt für Migration und Integration",
    "Stadt {place}, Fachbereich Jugend und Soziales",
    "Verwaltung {kreis}, Stabsstelle Integration",
    "Gemeinde {place}, Sozialamt",
]
LEAD_CONTACTS = [
    "Geschäftsführende Stelle, Koordination",
    "Leitung Kommunales Integrationszentrum",
    "Sachgebietsleitung Integration",
    "Koordinierungsstelle Gemeinsam klappt's",
]
CORE_MEMBERS = [
    ("Ausländerbehörde {kreis}", "migration-integration", "aufenthg"),
    ("Jobcenter {kreis}", "labour-market", "sgb2"),
    ("Agentur für Arbeit {place}", "labour-market", "sgb3"),
    ("Jugendamt {place}", "social", "sgb8"),
    ("Sozialamt {place}", "social", "asylblg"),
    ("Kommunales Integrationszentrum {kreis}", "migration-integration", "none"),
    ("Berufskolleg {place}", "education", "none"),
    ("Volkshochschule {place}", "education", "none"),
    ("Kreishandwerkerschaft {kreis}", "economy", "none"),
    ("Industrie- und Handelskammer", "economy", "none"),
    ("Caritasverband {kreis} e.V.", "civil-society", "none"),
    ("Diakonisches Werk {place}", "civil-society", "sgb12"),
    ("Flüchtlingsinitiative {place}", "civil-society", "none"),
    ("Grundsicherungsamt {place}", "social", "sgb12"),
    ("Integrationsrat {place}", "other", "none"),
]
CONSULTANTS = [
    "Beratungsgesellschaft für Prozessbegleitung",
    "Institut für Organisationsentwicklung Rhein-Ruhr",
    "Prozessbegleitung Westfalen",
    "Netzwerkberatung NRW",
]
TG_SOURCES = [
    "Ausländerzentralregister, Auszug der Ausländerbehörde",
    "Schätzung der Geschäftsführenden Stelle",
    "Statistik des Sozialamts (AsylbLG)",
    "Abfrage bei den Trägern",
]

DESCRIPTION_SENTENCES = [
    "Das Angebot richtet sich an junge volljährige Geflüchtete in {place}, die bisher keinen Zugang zu Regelangeboten haben.",
    "Die Teilnahme ist freiwillig und kostenfrei; eine Anmeldung über die Beratungsstellen im Bündnis ist erwünscht.",
    "{provider} führt das Angebot in enger Abstimmung mit der Geschäftsführenden Stelle durch.",
    "Die Gruppen umfassen in der Regel zehn bis fünfzehn Personen, damit individuelle Förderung möglich bleibt.",
    "Zu Beginn steht ein Erstgespräch, in dem Vorkenntnisse, Ziele und die aktuelle Lebenssituation besprochen werden.",
    "Für Menschen mit Duldung klären wir vorab gemeinsam mit der Ausländerbehörde, ob eine Beschäftigungserlaubnis erforderlich ist.",
    "Termine finden vormittags statt, damit eine Kombination mit Sprachkursen am Nachmittag möglich ist.",
    "Bei Bedarf stehen Sprachmittlerinnen und Sprachmittler für Arabisch, Dari, Farsi und Tigrinya zur Verfügung.",
    "Die Fahrtkosten können im Rahmen der Förderung erstattet werden; Einzelheiten regelt die Förderrichtlinie.",
    "Nach Abschluss erhalten die Teilnehmenden eine Bescheinigung, die bei Bewerbungen vorgelegt werden kann.",
    "Ein fester Ansprechpartner begleitet die jungen Menschen auch über das Ende der Maßnahme hinaus.",
    "Die Inhalte orientieren sich an den Anforderungen der regionalen Betriebe aus Handwerk, Pflege und Logistik.",
    "Wer noch keinen Schulabschluss hat, kann parallel an einem Vorbereitungskurs für den Hauptschulabschluss teilnehmen.",
    "Die Räume sind mit öffentlichen Verkehrsmitteln gut erreichbar und barrierefrei zugänglich.",
    "Kinderbetreuung kann nach Absprache während der Kurszeiten organisiert werden.",
    "Das Angebot wird regelmäßig im Bündnis ausgewertet; Rückmeldungen der Teilnehmenden fließen in die Planung ein.",
    "Die Zusammenarbeit mit dem Teilhabemanagement sorgt dafür, dass Übergänge in Ausbildung und Arbeit geplant werden.",
    "Fehlzeiten wegen Terminen bei Behörden oder Ärzten werden berücksichtigt und gemeinsam nachgeholt.",
    "Die Lernenden üben Alltagssituationen wie Behördengänge, Arztbesuche und Telefonate mit Vermietern.",
    "In Kooperation mit der Volkshochschule werden Prüfungen zum Sprachniveau A2 und B1 vor Ort angeboten.",
    "Praktika in Betrieben der Region ermöglichen einen ersten Einblick in den Arbeitsalltag.",
    "Die Betriebe erhalten auf Wunsch Beratung zu aufenthaltsrechtlichen Fragen und zu Fördermöglichkeiten.",
    "Ehrenamtliche Lernbegleiterinnen und Lernbegleiter unterstützen bei Hausaufgaben und der Prüfungsvorbereitung.",
    "Für Personen im Asylverfahren ist der Zugang abhängig vom Stand des Verfahrens; wir beraten dazu im Einzelfall.",
    "Das Angebot ist Teil der Integrations- und Bildungskette im Bündnis und schließt an die Erstberatung an.",
    "Die Finanzierung ist zunächst bis zum Ende des laufenden Förderjahres gesichert; eine Verlängerung ist beantragt.",
    "Die Teilnehmenden lernen Rechte und Pflichten in Ausbildung und Beschäftigung kennen.",
    "Digitale Lernangebote ergänzen den Präsenzunterricht, Leihgeräte stehen in begrenzter Zahl bereit.",
    "Einmal im Monat findet ein offenes Austauschtreffen für Teilnehmende und Ehemalige statt.",
    "Die Anmeldung erfolgt über das Kursbüro; Wartelisten werden nach Dringlichkeit und Eingangsdatum geführt.",
    "Fragen zur Wohnsitzauflage und zu Umzügen klären wir gemeinsam mit den zuständigen Stellen.",
    "Die Beratung ist vertraulich; personenbezogene Daten werden nur mit schriftlicher Einwilligung weitergegeben.",
    "Ein Schwerpunkt liegt auf der Stärkung der Selbstständigkeit im Alltag und im Umgang mit Behörden.",
    "Die Kursleitungen verfügen über Erfahrung in Deutsch als Zweitsprache und in der Arbeit mit jungen Erwachsenen.",
    "Im Anschluss ist ein Wechsel in weiterführende Angebote des Bündnisses vorgesehen.",
    "Gesundheitliche Fragen werden mit Unterstützung des Gesundheitsamts und niedergelassener Praxen geklärt.",
    "Die Teilnehmenden werden bei der Anerkennung ausländischer Zeugnisse und Berufsabschlüsse unterstützt.",
    "Für junge Menschen mit Aufenthaltsgestattung prüfen wir gemeinsam mit dem Sozialamt die Leistungen nach dem AsylbLG.",
    "Das Angebot kann auch in Teilzeit besucht werden, wenn parallel eine Beschäftigung oder ein Praktikum läuft.",
    "In regelmäßigen Fallbesprechungen stimmen sich die beteiligten Fachkräfte über nächste Schritte ab.",
    "Die Kurse beginnen fortlaufend; ein Einstieg ist nach einem kurzen Einstufungstest jederzeit möglich.",
    "Materialkosten werden übernommen, Lehrbücher werden für die Dauer des Kurses ausgeliehen.",
    "Die Sozialpädagogische Begleitung hilft bei Anträgen, Terminen und Konflikten im Betrieb oder in der Schule.",
    "Wir arbeiten eng mit den Unterkünften zusammen, damit Informationen zum Angebot alle Bewohnerinnen und Bewohner erreichen.",
    "Für Geduldete mit Ausbildungsduldung begleiten wir den Übergang in ein Aufenthaltsrecht nach erfolgreichem Abschluss.",
    "Die Gruppen werden nach Möglichkeit so zusammengesetzt, dass unterschiedliche Herkunftssprachen vertreten sind.",
    "Im Sommer finden zusätzliche Kompaktkurse statt, um Wartezeiten zu überbrücken.",
    "Die Maßnahme wird von einem Beirat aus Vertreterinnen und Vertretern der Kerngruppe begleitet.",
    "Informationsmaterial liegt in einfacher Sprache sowie auf Arabisch, Farsi, Englisch und Französisch vor.",
    "Eine aufsuchende Beratung in den Stadtteilen ergänzt die festen Sprechzeiten in der Beratungsstelle.",
    "Die Zahl der verfügbaren Plätze wird zu Beginn jedes Halbjahres mit den Kooperationspartnern abgestimmt.",
    "Teilnehmende, die die Maßnahme abbrechen, werden aktiv kontaktiert und bei Bedarf an andere Angebote vermittelt.",
    "Der Unterricht verbindet fachliche Inhalte mit Sprachförderung, etwa beim Fachwortschatz für Metall und Pflege.",
    "Die Ergebnisse der Maßnahme werden jährlich in einem kurzen Bericht an die Geschäftsführende Stelle dokumentiert.",
    "Bei Fragen zur Arbeitserlaubnis stellen wir den Kontakt zur Ausländerbehörde und zur Agentur für Arbeit her.",
    "Ein Teil der Plätze ist für junge Frauen reserviert; die Kurszeiten sind mit der Kinderbetreuung abgestimmt.",
    "Die Ehrenamtlichen werden vor ihrem Einsatz geschult und erhalten regelmäßige Supervision.",
    "Ein Wechsel aus anderen Kommunen ist nach Klärung der Zuständigkeiten und der Wohnsitzauflage möglich.",
    "Die Träger tauschen sich zweimal im Jahr in einem Netzwerktreffen über Erfahrungen und freie Plätze aus.",
]

ITEM_NOTES = [
    "Im Bündnis besprochen, Umsetzung läuft.",
    "Vereinbarung liegt schriftlich vor und wurde im Kernteam abgestimmt.",
    "Noch offen, Termin mit der Verwaltungsspitze ist angefragt.",
    "Bestehende Netzwerke der Integrationsarbeit werden genutzt, keine Doppelstrukturen.",
    "Ausländerbehörde nimmt regelmäßig an den Sitzungen der Kerngruppe teil.",
    "Rechtliche Lage wurde in einer Fachveranstaltung aufbereitet.",
    "Datenfluss mit Einwilligungserklärung geregelt, Datenschutzbeauftragte beteiligt.",
    "Bedarfsanalyse liegt vor, Aktualisierung für das nächste Jahr geplant.",
    "Angebotsübersicht ist erstellt und wird halbjährlich gepflegt.",
    "Übergänge zwischen Sprachkurs und Ausbildungsvorbereitung sind noch nicht verbindlich geregelt.",
    "Förderlücke bei über 25-Jährigen ohne Gestattung festgestellt.",
    "Bildungskette für Geduldete in Arbeit, erste Abstimmung mit dem Jobcenter erfolgt.",
    "Für diesen Punkt gibt es derzeit keine Zuständigkeit im Bündnis.",
    "Stellen im Teilhabemanagement sind besetzt.",
    "Qualifizierung im Case Management ist für das Frühjahr geplant.",
    "Fallerkenntnisse werden quartalsweise in die Kerngruppe eingebracht.",
    "Junge Geflüchtete wurden zu einem Workshop eingeladen.",
    "Ehrenamtliche werden durch die Freiwilligenagentur begleitet.",
    "Dokumentation erfolgt in einer gemeinsamen Tabelle der Geschäftsführenden Stelle.",
]
TODO_TITLES = [
    "Kerngruppe um Vertretung der Ausländerbehörde erweitern",
    "Angebotsübersicht aktualisieren und an alle Träger versenden",
    "Termin mit dem Jobcenter zur Förderlücke vereinbaren",
    "Einwilligungserklärung für den Datenaustausch abstimmen",
    "Workshop mit jungen Geflüchteten vorbereiten",
    "Bedarfsanalyse für das kommende Jahr anstoßen",
    "Übergang Sprachkurs zu Ausbildungsvorbereitung klären",
    "Ehrenamtliche zur Fortbildung einladen",
    "Protokoll der Kerngruppe an alle Mitglieder senden",
    "Kooperationsvereinbarung mit dem Berufskolleg entwerfen",
    "Zahlen zur Zielgruppe bei der Ausländerbehörde abfragen",
    "Wohnraumakquise mit der Wohnungsbaugesellschaft besprechen",
    "Fachtag zur Beschäftigungsduldung planen",
    "Rückmeldung an die wissenschaftliche Begleitung senden",
]
OWNERS = [
    "Geschäftsführende Stelle",
    "Teilhabemanagement",
    "Kerngruppe",
    "Ausländerbehörde",
    "Jobcenter, Teamleitung Markt und Integration",
    "Kommunales Integrationszentrum",
    "Prozessbegleitung",
]
PARTICIPANT_ROLES = [
    "Geschäftsführende Stelle",
    "Leitung Kommunales Integrationszentrum",
    "Teilhabemanagerin",
    "Teilhabemanager",
    "Ausländerbehörde, Sachgebietsleitung",
    "Jobcenter, Teamleitung",
    "Jugendamt, Jugendberufshilfe",
    "Vertretung der Wohlfahrtsverbände",
    "Berufskolleg, Abteilungsleitung",
    "Dezernentin für Soziales",
]
TOPICS = [
    "Rollenklärung zwischen Geschäftsführender Stelle und Kerngruppe",
    "Ergebnisse der Bedarfs- und Angebotsanalyse",
    "Einbindung der Ausländerbehörde",
    "Datenfluss und Datenschutz",
    "Übergänge in Ausbildung",
    "Verstetigung des Teilhabemanagements",
    "Beteiligung der jungen Menschen",
    "Planung des Fachtags",
    "Förderlücken bei Geduldeten",
    "Zusammenarbeit mit den Betrieben",
]
SUMMARY_SENTENCES = [
    "Die Kerngruppe hat die Aufgabenverteilung überprüft und Zuständigkeiten schriftlich festgehalten.",
    "Die Ergebnisse der Bedarfsanalyse wurden vorgestellt und Lücken im Bereich Wohnen diskutiert.",
    "Es wurde vereinbart, die Ausländerbehörde enger in die Fallbesprechungen einzubinden.",
    "Die Teilnehmenden sehen Fortschritte bei der Vernetzung, der Übergang in Ausbildung bleibt schwierig.",
    "Zum Datenaustausch liegt ein Entwurf vor, der noch mit dem Datenschutz abgestimmt werden muss.",
    "Die Prozessbegleitung hat eine Moderation für den nächsten Fachtag angeboten.",
    "Das Teilhabemanagement berichtet von steigenden Fallzahlen und langen Wartezeiten bei Sprachkursen.",
    "Für das kommende Halbjahr wurden drei Schwerpunkte festgelegt.",
]
GAP_DESCRIPTIONS = [
    "Kein Sprachkurs für Geduldete über 25 Jahre im Kreisgebiet.",
    "Wohnraum für junge Volljährige fehlt, lange Wartezeiten in den Unterkünften.",
    "Psychosoziale Versorgung nur mit Wartezeiten von mehreren Monaten erreichbar.",
    "Ausbildungsvorbereitung für Personen im Asylverfahren nicht zugänglich.",
    "Beratung zur Beschäftigungsduldung nur sporadisch verfügbar.",
    "Freizeitangebote für die Altersgruppe fehlen in den Ortsteilen.",
    "Nachholen von Schulabschlüssen nur für unter 25-Jährige möglich.",
]
DEVELOPMENT_NEEDS = [
    "Das Bündnis sieht Entwicklungsbedarf vor allem bei den Übergängen in Ausbildung und bei Wohnraum.",
    "Angebote für Geduldete sollen in der Kerngruppe systematisch erfasst werden.",
    "Eine engere Zusammenarbeit mit den Betrieben der Region ist geplant.",
    "Die Finanzierung der Sprachförderung nach dem Ende der Landesmittel ist ungeklärt.",
    "Die Zahl der erreichten jungen Menschen soll mit den Trägern abgeglichen werden.",
]


# ---------------------------------------------------------------------------
# Minimal YAML writer (block style, plain scalars where safe)
# ---------------------------------------------------------------------------


class Date(str):
    """An ISO date written unquoted."""


class Block(str):
    """Multi-line text written as a literal block scalar."""


class Flow(list):
    """A short list of slugs written in flow style: [a, b]."""


_SPECIAL_PLAIN = re.compile(
    r"""^(?:
        ~|null|Null|NULL|
        [yY]|[nN]|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|
        on|On|ON|off|Off|OFF|=|<<|
        [-+]?(?:\.[0-9]+|[0-9][0-9_,]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|
        [-+]?0[xob][0-9a-fA-F_]+|
        [-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|
        [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|
        [0-9:]+
    )$""",
    re.X,
)


def scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Date):
        return str(value)
    if isinstance(value, (int, float)):
        return repr(value)
    s = str(value)
    if (
        s
        and s == s.strip()
        and s[0] not in "-?:,[]{}#&*!|>'\"%@`"
        and ": " not in s
        and " #" not in s
        and not s.endswith(":")
        and "\n" not in s
        and "\t" not in s
        and not _SPECIAL_PLAIN.match(s)
    ):
        return s
    return json.dumps(s, ensure_ascii=False)


def emit(obj: dict, out: list[str], indent: int = 0, comments: dict | None = None) -> None:
    """Append the block-style YAML lines of mapping ``obj`` to ``out``."""
    pad = " " * indent
    for key, value in obj.items():
        if comments and key in comments:
            for line in comments[key]:
                out.append(f"{pad}# {line}")
        _emit_value(f"{pad}{key}:", value, out, indent)


def _emit_value(head: str, value: object, out: list[str], indent: int) -> None:
    pad = " " * indent
    if isinstance(value, Block):
        out.append(f"{head} |")
        for line in value.split("\n"):
            out.append(f"{pad}  {line}" if line else "")
    elif isinstance(value, Flow):
        out.append(f"{head} [{', '.join(scalar(v) for v in value)}]")
    elif isinstance(value, dict):
        if not value:
            out.append(f"{head} {{}}")
        else:
            out.append(head)
            emit(value, out, indent + 2)
    elif isinstance(value, list):
        if not value:
            out.append(f"{head} []")
            return
        out.append(head)
        for item in value:
            if isinstance(item, dict):
                sub: list[str] = []
                emit(item, sub, indent + 4)
                sub[0] = f"{pad}  - {sub[0][indent + 4:]}"
                out.extend(sub)
            else:
                out.append(f"{pad}  - {scalar(item)}")
    else:
        out.append(f"{head} {scalar(value)}")


def render(doc: dict, header: list[str], comments: dict | None = None) -> str:
    out = [f"# {line}" if line else "#" for line in header]
    emit(doc, out, 0, comments)
    return "\n".join(out) + "\n"


_LINE_RE = re.compile(r"(\S.{0,71})(?:\s+|$)")  # greedy: up to 72 characters per line


def _fill(text: str, width: int = 72) -> str:
    if width != 72:
        return "\n".join(re.findall(rf"(\S.{{0,{width - 1}}})(?:\s+|$)", text))
    return "\n".join(_LINE_RE.findall(text))


def wrap(text: str, width: int = 72) -> Block:
    """Fold ``text`` into lines of at most ``width`` characters (paragraphs kept)."""
    return Block("\n\n".join(_fill(p, width) for p in text.split("\n\n")))


# ---------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------


def slugify(text: str) -> str:
    text = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("é", "e")):
        text = text.replace(a, b)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:64].rstrip("-")


SERVICE_BY_SLUG = {slugify(k[0]): k for k in SERVICE_KINDS}


def iso(day: dt.date) -> Date:
    return Date(day.isoformat())


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


@dataclass
class Alliance:
    id: str
    name: str
    type: str
    place: str
    region: str
    ags: str | None
    district: str | None = None
    kreis_name: str = ""
    services: list[str] = field(default_factory=list)


@dataclass
class Doc:
    kind: str  # alliance, service, worksheet
    path: str  # relative, with forward slashes
    data: dict
    header: list[str]
    comments: dict | None = None


class Generator:
    def __init__(
        self,
        alliances: int,
        seed: int,
        services_per_alliance: int = 20,
        worksheets_per_alliance: int = 4,
    ) -> None:
        if alliances < 1:
            raise ValueError("--alliances must be at least 1")
        self.n = alliances
        self.seed = seed
        self.spa = max(0, services_per_alliance)
        self.wpa = max(0, worksheets_per_alliance)
        self.rng = random.Random(seed)
        self.alliances: list[Alliance] = []
        self.docs: list[Doc] = []
        self.defects: list[dict] = []

    # -- alliances ----------------------------------------------------------

    def _place_name(self, used: set[str]) -> str:
        rng = self.rng
        for _ in range(1000):
            head = rng.choice(NAME_HEADS)
            tail = rng.choice(NAME_TAILS)
            name = head + tail
            if rng.random() < 0.15:
                name = rng.choice(GIVEN_PREFIXES) + name
            if rng.random() < 0.05:
                name = f"{name} an der {rng.choice(['Ruhr', 'Lippe', 'Sieg', 'Ems', 'Wupper'])}"
            slug = slugify(name)
            if slug not in used and len(slug) <= 48:
                used.add(slug)
                return name
        # extremely large trees: fall back to numbered names
        i = len(used)
        while f"{slugify(head + tail)}-{i}" in used:
            i += 1
        used.add(f"{slugify(head + tail)}-{i}")
        return f"{head}{tail} {i}"

    def make_alliances(self) -> None:
        rng = self.rng
        n = self.n
        # proportions roughly as in NRW: 31 Kreise, 22 kreisfreie Städte, 373 others
        if n == 1:
            n_kreis, n_city = 0, 1
        elif n == 2:
            n_kreis, n_city = 1, 0
        else:
            n_kreis = max(1, round(n * 0.075))
            n_city = max(1, round(n * 0.055))
        n_member = n - n_kreis - n_city
        used: set[str] = set()
        ags_used: set[str] = set()

        def new_ags(prefix: str | None, length: int) -> str | None:
            """A free official key; None when the (tiny) key space is used up."""
            if prefix is None:
                return None
            free = length - len(prefix)
            for _ in range(200):
                code = prefix + "".join(rng.choice("0123456789") for _ in range(free))
                if code not in ags_used:
                    ags_used.add(code)
                    return code
            for i in range(10**free):
                code = f"{prefix}{i:0{free}d}"
                if code not in ags_used:
                    ags_used.add(code)
                    return code
            return None

        kreise: list[Alliance] = []
        for _ in range(n_kreis):
            place = self._place_name(used)
            region = rng.choice(REGIONS)
            # Kreis codes: 05 + RB digit + two digits from 54 upwards
            ags = new_ags("05" + REGION_AGS[region], 5)
            a = Alliance(
                id="kreis-" + slugify(place),
                name=f"Kreis {place}",
                type="kreis",
                place=place,
                region=region,
                ags=ags,
                kreis_name=f"Kreis {place}",
            )
            kreise.append(a)
        cities: list[Alliance] = []
        for _ in range(n_city):
            place = self._place_name(used)
            region = rng.choice(REGIONS)
            ags = new_ags("05" + REGION_AGS[region], 5)
            ags = ags + "000" if ags else None
            cities.append(
                Alliance(
                    id=slugify(place),
                    name=f"Stadt {place}",
                    type="kreisfreie-stadt",
                    place=place,
                    region=region,
                    ags=ags,
                    kreis_name=f"Stadt {place}",
                )
            )
        members: list[Alliance] = []
        for i in range(n_member):
            place = self._place_name(used)
            kreis = kreise[i % len(kreise)] if kreise else None
            if kreis is not None:
                region = kreis.region
                ags = new_ags(kreis.ags, 8)
            else:
                region = rng.choice(REGIONS)
                ags = new_ags("05" + REGION_AGS[region], 8)
            kind = "Stadt" if rng.random() < 0.6 else "Gemeinde"
            members.append(
                Alliance(
                    id=slugify(place),
                    name=f"{kind} {place}",
                    type="kreisangehoerige-kommune",
                    place=place,
                    region=region,
                    ags=ags,
                    district=kreis.id if kreis else None,
                    kreis_name=kreis.name if kreis else f"{kind} {place}",
                )
            )
        everyone = kreise + cities + members
        ids = [a.id for a in everyone]
        assert len(set(ids)) == len(ids), "alliance ids must be unique"
        self.alliances = sorted(everyone, key=lambda a: a.id)

    def alliance_doc(self, a: Alliance) -> Doc:
        rng = self.rng
        joined = rand_date(rng, dt.date(2018, 9, 1), dt.date(2021, 12, 31))
        fmt = {"place": a.place, "kreis": a.kreis_name}
        doc: dict = {"name": a.name, "type": a.type}
        if a.district:
            doc["district"] = a.district
        doc["region"] = a.region
        doc["joined"] = iso(joined)
        doc["lead_office"] = {
            "organisation": rng.choice(LEAD_OFFICES).format(**fmt),
            "contact": rng.choice(LEAD_CONTACTS),
        }
        members = rng.sample(CORE_MEMBERS, rng.randint(5, 9))
        doc["core_group"] = [
            {
                "organisation": org.format(**fmt),
                "field": fld,
                "legal_area": legal,
                "since": iso(rand_date(rng, joined, dt.date(2025, 12, 31))),
            }
            for org, fld, legal in members
        ]
        tg = []
        for year in sorted(rng.sample(range(2019, 2027), rng.randint(1, 3))):
            count: object = rng.randint(2, 400) if rng.random() > 0.1 else "unknown"
            entry = {
                "as_of": iso(dt.date(year, rng.choice([3, 6, 9, 12]), rng.choice([1, 15, 30]))
                              if year < 2026 else dt.date(year, rng.choice([3, 6, 9]), 30)),
                "count": count,
                "statuses": Flow(sorted(rng.sample(["gestattung", "duldung"], rng.randint(1, 2)))),
                "source": rng.choice(TG_SOURCES),
            }
            if rng.random() < 0.4:
                entry["note"] = "Nur Personen zwischen 18 und 27 Jahren."
            tg.append(entry)
        doc["target_group"] = tg
        since = dt.date(max(2019, joined.year), rng.choice([1, 4, 7, 10]), 1)
        doc["participation_management"] = {
            "positions": rng.choice([1, 1.5, 2, 2.5, 3]),
            "since": iso(since),
            "reached": [
                {"year": y, "persons": rng.randint(0, 150)} for y in range(since.year, 2026)
            ],
        }
        if rng.random() < 0.7:
            doc["consultant"] = rng.choice(CONSULTANTS)
        if a.ags:
            doc["ags"] = a.ags
        header = [
            f"Bündnis {a.name}",
            "Stammdaten des lokalen Bündnisses (Gemeinsam klappt's).",
            "Kontakte sind Rollen oder Funktionsadressen, keine Personen.",
            "",
        ]
        comments = {
            "type": ["Art: kreisfreie-stadt, kreis oder kreisangehoerige-kommune"],
            "region": ["Regierungsbezirk: arnsberg, detmold, duesseldorf, koeln, muenster"],
            "lead_office": ["Geschäftsführende Stelle (GfS)"],
            "core_group": [
                "Bündniskerngruppe; field: Handlungsfeld, legal_area: Rechtskreis",
            ],
            "target_group": ["Zielgruppe: Anzahl junger Geflüchteter (18 bis 27 Jahre)"],
            "participation_management": ["Teilhabemanagement: Stellen und erreichte Personen"],
            "ags": ["Amtlicher Gemeindeschlüssel"],
        }
        return Doc("alliance", f"alliances/{a.id}.yaml", doc, header, comments)

    # -- services -----------------------------------------------------------

    def plan_services(self) -> None:
        rng = self.rng
        for a in self.alliances:
            if self.spa == 0:
                continue
            low, high = max(1, round(self.spa * 0.75)), max(1, round(self.spa * 1.25))
            count = rng.randint(low, high)
            used: set[str] = set()
            for _ in range(count):
                kind = rng.randrange(len(SERVICE_KINDS))
                base = slugify(SERVICE_KINDS[kind][0])
                sid = base
                i = 2
                while sid in used:
                    sid = f"{base}-{i}"
                    i += 1
                used.add(sid)
                a.services.append(sid)

    def service_doc(self, a: Alliance, sid: str, by_id: dict[str, Alliance]) -> Doc:
        rng = self.rng
        base = re.sub(r"-[0-9]+$", "", sid)
        kind = SERVICE_BY_SLUG[base]
        title, fields, open_to, age, funding, cap = kind
        fmt = {"place": a.place, "kreis": a.kreis_name}
        provider = rng.choice(PROVIDERS).format(**fmt)
        suffix = sid[len(base):]
        doc: dict = {
            "title": f"{title} {a.place}" + (f" (Gruppe {suffix[1:]})" if suffix else ""),
            "provider": provider,
            "fields": Flow(fields),
            "open_to": Flow(open_to),
        }
        if age is not None:
            lo, hi = age
            doc["age"] = {"min": lo} if hi is None else {"min": lo, "max": hi}
        r = rng.random()
        status = "active" if r < 0.75 else ("planned" if r < 0.88 else "ended")
        doc["status"] = status
        if status == "active":
            start = rand_date(rng, dt.date(2018, 1, 1), dt.date(2026, 9, 30))
            doc["start"] = iso(start)
            if rng.random() < 0.5:
                doc["end"] = iso(rand_date(rng, dt.date(2027, 1, 31), dt.date(2029, 12, 31)))
        elif status == "planned":
            start = rand_date(rng, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
            doc["start"] = iso(start)
            if rng.random() < 0.6:
                doc["end"] = iso(start + dt.timedelta(days=rng.randint(90, 900)))
        else:
            start = rand_date(rng, dt.date(2018, 1, 1), dt.date(2024, 12, 31))
            doc["start"] = iso(start)
            doc["end"] = iso(start + dt.timedelta(days=rng.randint(60, 600)))
        doc["capacity"] = rng.randint(*cap)
        langs = ["de", *rng.sample(LANGUAGES[1:], rng.randint(0, 4))]
        doc["languages"] = Flow(langs)
        doc["funding"] = funding
        follow = [s for s in rng.sample(a.services, min(len(a.services), rng.randint(0, 3)))
                  if s != sid]
        if rng.random() < 0.15 and len(self.alliances) > 1:
            other = by_id[a.district] if a.district and rng.random() < 0.7 else rng.choice(self.alliances)
            if other is not a and other.services:
                follow.append(f"{other.id}/{rng.choice(other.services)}")
        if follow:
            doc["follow_up"] = follow
        sentences = rng.sample(DESCRIPTION_SENTENCES, rng.randint(25, 37))
        sentences = [s.format(place=a.place, provider=provider) for s in sentences]
        cut = len(sentences) // 2
        doc["description"] = wrap(" ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:]))
        doc["contact"] = rng.choice(CONTACT_ROLES)
        doc["verified"] = iso(rand_date(rng, dt.date(2023, 6, 1), dt.date(2026, 11, 1)))
        header = [
            f"Angebot im Bündnis {a.name}",
            "Eine Datei je Angebot. Schlüssel und Werte auf Englisch, Texte auf Deutsch.",
            "",
        ]
        comments = {
            "fields": [
                "Handlungsfelder: language, education, vocational-training, work,",
                "housing, health, counselling, social-participation",
            ],
            "open_to": ["Zugelassen für: gestattung, duldung, aufenthaltserlaubnis, other"],
            "age": ["Alter in Jahren; fehlende Grenze bedeutet keine Grenze"],
            "status": ["Stand: planned (geplant), active (läuft), ended (beendet)"],
            "start": ["Beginn und Ende als Datum JJJJ-MM-TT; Ende nicht vor Beginn"],
            "capacity": ["Plätze (ganze Zahl, 0 oder mehr)"],
            "languages": ["Sprachen nach ISO 639-1, z. B. de, en, ar, fa"],
            "funding": ["Rechtskreis oder Programm, das das Angebot finanziert"],
            "follow_up": ["Anschlussangebote: id im Bündnis oder buendnis/angebot"],
            "contact": ["Kontakt: Funktion oder Stelle, keine Privatperson"],
            "verified": ["Zuletzt geprüft am"],
        }
        return Doc("service", f"services/{a.id}/{sid}.yaml", doc, header, comments)

    # -- worksheets ---------------------------------------------------------

    def _todos(self, count: int, ws_date: dt.date, with_items: bool) -> list[dict]:
        rng = self.rng
        todos = []
        for i in range(count):
            due = ws_date + dt.timedelta(days=rng.randint(14, 240))
            if due < REFERENCE_DAY - dt.timedelta(days=60):
                status = rng.choices(TODO_STATUSES, weights=[1, 8, 1])[0]
            else:
                status = rng.choices(TODO_STATUSES, weights=[6, 3, 1])[0]
            todo = {
                "id": f"todo-{i + 1}",
                "title": rng.choice(TODO_TITLES),
                "owner": rng.choice(OWNERS),
                "due": iso(due),
                "status": status,
            }
            if with_items:
                todo["item"] = rng.choice(ITEM_IDS)
            todos.append(todo)
        return todos

    def worksheet_docs(self, a: Alliance) -> list[Doc]:
        rng = self.rng
        plan = []
        cycle = ["bedarfs-angebotsanalyse", "prozessmanagement", "begleitprotokoll",
                 "begleitprotokoll", "prozessmanagement", "bedarfs-angebotsanalyse"]
        for i in range(self.wpa):
            plan.append(cycle[i % len(cycle)])
        docs = []
        used: set[str] = set()
        seen: dict[str, int] = {}
        for template in plan:
            nth = seen.get(template, 0)
            seen[template] = nth + 1
            # the first of each template is the current one (2026), later ones are older
            year = 2026 - nth // 2 if template == "begleitprotokoll" else 2026 - nth
            year = max(2019, year)
            last = min(dt.date(year, 12, 31), REFERENCE_DAY - dt.timedelta(days=7))
            day = rand_date(rng, dt.date(year, 1, 10), last)
            wid = f"{day.isoformat()}-{template}"
            while wid in used:
                day -= dt.timedelta(days=1)
                wid = f"{day.isoformat()}-{template}"
            used.add(wid)
            docs.append(self._worksheet(a, wid, template, day))
        return docs

    def _worksheet(self, a: Alliance, wid: str, template: str, day: dt.date) -> Doc:
        rng = self.rng
        doc: dict = {
            "template": template,
            "date": iso(day),
            "author": rng.choice(["Geschäftsführende Stelle", "Prozessbegleitung",
                                  "Kommunales Integrationszentrum, Koordination"]),
        }
        comments: dict = {"template": ["Arbeitshilfe (Vorlage)"], "todos": ["To-dos"]}
        if template == "prozessmanagement":
            items = {}
            for item in ITEM_IDS:
                items[item] = {
                    "status": rng.choices(ITEM_STATUSES, weights=[4, 4, 3, 1])[0],
                    "note": rng.choice(ITEM_NOTES),
                }
            doc["items"] = items
            comments["items"] = ["Status je Punkt: done, in-progress, open, not-applicable"]
            doc["todos"] = self._todos(rng.randint(3, 7), day, with_items=True)
            title = "Prozessmanagement (Checkliste)"
        elif template == "bedarfs-angebotsanalyse":
            doc["needs"] = {f: rng.choices(NEEDS, weights=[1, 3, 4, 3])[0] for f in SERVICE_FIELDS}
            doc["coverage"] = {f: rng.choice(COVERAGE) for f in SERVICE_FIELDS}
            gaps = []
            for f in rng.sample(SERVICE_FIELDS, rng.randint(0, 4)):
                gaps.append({
                    "field": f,
                    "statuses": Flow(sorted(rng.sample(["gestattung", "duldung"], rng.randint(1, 2)))),
                    "description": rng.choice(GAP_DESCRIPTIONS),
                    "priority": rng.choice(PRIORITIES),
                })
            doc["gaps"] = gaps
            doc["development_needs"] = wrap(
                " ".join(rng.sample(DEVELOPMENT_NEEDS, rng.randint(2, 4)))
            )
            comments["needs"] = ["Bedarf je Handlungsfeld: none, low, medium, high"]
            comments["coverage"] = ["Abdeckung: covered, partly, not-covered, unknown"]
            comments["gaps"] = ["Lücken: field, statuses, description, priority"]
            doc["todos"] = self._todos(rng.randint(1, 4), day, with_items=False)
            title = "Bedarfs- und Angebotsanalyse"
        else:
            doc["consultant"] = rng.choice(CONSULTANTS)
            doc["days"] = rng.choice([0.5, 1, 1, 1.5, 2])
            doc["participants"] = rng.sample(PARTICIPANT_ROLES, rng.randint(3, 6))
            doc["topics"] = rng.sample(TOPICS, rng.randint(2, 4))
            doc["summary"] = wrap(" ".join(rng.sample(SUMMARY_SENTENCES, rng.randint(4, 8))))
            comments["days"] = ["Genutzte Beratungstage (Dezimalzahl)"]
            comments["participants"] = ["Teilnehmende als Rollen, keine Namen"]
            doc["todos"] = self._todos(rng.randint(2, 5), day, with_items=False)
            title = "Begleitprotokoll der Prozessbegleitung"
        header = [f"{title}, Bündnis {a.name}", ""]
        return Doc("worksheet", f"worksheets/{a.id}/{wid}.yaml", doc, header, comments)

    # -- assembly -----------------------------------------------------------

    def build(self) -> None:
        self.make_alliances()
        self.plan_services()
        by_id = {a.id: a for a in self.alliances}
        for a in self.alliances:
            self.docs.append(self.alliance_doc(a))
            for sid in a.services:
                self.docs.append(self.service_doc(a, sid, by_id))
            self.docs.extend(self.worksheet_docs(a))

    def settings(self) -> str:
        return (
            "# Einstellungen dieses Datenrepositoriums (gk)\n"
            "gk: 1\n"
            "name: Gemeinsam klappt's NRW (synthetische Testdaten)\n"
            "language: de\n"
            "# Berichtszeitraum\n"
            "period:\n"
            "  from: 2026-01-01\n"
            "  to: 2026-12-31\n"
            "privacy:\n"
            "  # Zahlen unter diesem Wert werden als <N angezeigt\n"
            "  min_count: 3\n"
            "# Beratungstage je Bündnis und Jahr\n"
            "consulting_days: 5\n"
        )

    # -- defects ------------------------------------------------------------

    def inject_defects(self, k: int) -> None:
        rng = random.Random(f"{self.seed}-defects-{k}")
        services = [d for d in self.docs if d.kind == "service"]
        worksheets = [d for d in self.docs if d.kind == "worksheet"]
        alliances = [d for d in self.docs if d.kind == "alliance"]
        with_todos = [d for d in worksheets if len(d.data.get("todos", [])) >= 2]
        with_dates = [d for d in services if "start" in d.data and "end" in d.data]
        taken: set[str] = set()

        def pick(pool: list[Doc]) -> Doc | None:
            free = [d for d in pool if d.path not in taken]
            if not free:
                free = pool
            if not free:
                return None
            d = rng.choice(free)
            taken.add(d.path)
            return d

        for i in range(k):
            kind = DEFECT_KINDS[i % len(DEFECT_KINDS)] if i < len(DEFECT_KINDS) else rng.choice(DEFECT_KINDS)
            for _attempt in range(len(DEFECT_KINDS)):
                record = self._inject(kind, rng, pick, services, worksheets, alliances,
                                      with_todos, with_dates)
                if record:
                    self.defects.append(record)
                    break
                kind = DEFECT_KINDS[(DEFECT_KINDS.index(kind) + 1) % len(DEFECT_KINDS)]

    def _inject(self, kind, rng, pick, services, worksheets, alliances, with_todos, with_dates):
        if kind == "unknown-key":
            d = pick(services + alliances + worksheets)
            if d is None:
                return None
            typos = {
                "capacity": "capacty", "languages": "langauges", "verified": "verifed",
                "funding": "fundig", "description": "descripton", "core_group": "coregroup",
                "consultant": "consultat", "region": "regoin", "ags": "agss",
                "participation_management": "participation-management",
                "author": "autor", "development_needs": "development_need",
                "summary": "sumary", "contact": "kontakt",
            }
            keys = [key for key in d.data if key in typos]
            if not keys:
                return None
            key = rng.choice(keys)
            d.data = {(typos[key] if k2 == key else k2): v for k2, v in d.data.items()}
            return {"file": d.path, "kind": kind, "detail": f"{key} -> {typos[key]}"}
        if kind == "wrong-enum":
            d = pick(services + worksheets + alliances)
            if d is None:
                return None
            if d.kind == "service":
                choice = rng.randrange(3)
                if choice == 0:
                    d.data["status"] = "aktiv"
                    detail = "status: aktiv"
                elif choice == 1:
                    d.data["fields"] = Flow([*list(d.data["fields"]), "sprache"])
                    detail = "fields: sprache"
                else:
                    d.data["open_to"] = Flow([*list(d.data["open_to"]), "geduldet"])
                    detail = "open_to: geduldet"
            elif d.kind == "worksheet":
                todos = d.data.get("todos") or []
                if d.data["template"] == "prozessmanagement" and rng.random() < 0.5:
                    item = rng.choice(list(d.data["items"]))
                    d.data["items"][item]["status"] = "teilweise"
                    detail = f"items.{item}.status: teilweise"
                elif todos:
                    todos[0]["status"] = "erledigt"
                    detail = "status of the first to-do: erledigt"
                else:
                    d.data["template"] = "prozess-management"
                    detail = "template: prozess-management"
            else:
                d.data["region"] = "muensterland"
                detail = "region: muensterland"
            return {"file": d.path, "kind": kind, "detail": detail}
        if kind == "dangling-follow-up":
            d = pick(services)
            if d is None:
                return None
            alliance = d.path.split("/")[1]
            target = "gibt-es-nicht" if rng.random() < 0.5 else f"{alliance}-alt/sprachkurs-entfallen"
            d.data = dict(d.data)
            follow = [*list(d.data.get("follow_up", [])), target]
            new: dict = {}
            for k2, v in d.data.items():
                if k2 in ("description", "contact", "verified") and "follow_up" not in new:
                    new["follow_up"] = follow
                if k2 != "follow_up":
                    new[k2] = v
            if "follow_up" not in new:
                new["follow_up"] = follow
            d.data = new
            return {"file": d.path, "kind": kind, "detail": f"follow_up: {target}"}
        if kind == "end-before-start":
            pool = [d for d in with_dates if d.data.get("status") != "active"] or with_dates
            d = pick(pool)
            if d is None:
                return None
            start = dt.date.fromisoformat(d.data["start"])
            d.data["end"] = iso(start - dt.timedelta(days=rng.randint(30, 400)))
            return {"file": d.path, "kind": kind, "detail": f"end {d.data['end']} < start {start}"}
        if kind == "bad-date":
            d = pick(services + worksheets)
            if d is None:
                return None
            key = "verified" if d.kind == "service" else "date"
            d.data[key] = Date("2019-02-30")
            return {"file": d.path, "kind": kind, "detail": f"{key}: 2019-02-30"}
        if kind == "duplicate-todo-id":
            d = pick(with_todos)
            if d is None:
                return None
            todos = d.data["todos"]
            todos[1]["id"] = todos[0]["id"]
            return {"file": d.path, "kind": kind,
                    "detail": f"the second to-do repeats the id {todos[0]['id']}"}
        raise ValueError(kind)

    # -- output -------------------------------------------------------------

    def write(self, out_dir: str) -> int:
        os.makedirs(out_dir, exist_ok=True)
        made: set[str] = set()
        with open(os.path.join(out_dir, "gk.yaml"), "w", encoding="utf-8", newline="\n") as f:
            f.write(self.settings())
        count = 1
        for d in self.docs:
            path = os.path.join(out_dir, *d.path.split("/"))
            folder = os.path.dirname(path)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(render(d.data, d.header, d.comments))
            count += 1
        if self.defects:
            with open(os.path.join(out_dir, "defects.json"), "w", encoding="utf-8") as f:
                json.dump({"seed": self.seed, "defects": self.defects}, f,
                          ensure_ascii=False, indent=2)
                f.write("\n")
        return count


def generate(
    out_dir: str,
    alliances: int,
    seed: int = 1,
    services_per_alliance: int = 20,
    worksheets_per_alliance: int = 4,
    defects: int = 0,
) -> dict:
    """Generate a tree into ``out_dir``; return a small report."""
    t0 = time.perf_counter()
    g = Generator(alliances, seed, services_per_alliance, worksheets_per_alliance)
    g.build()
    if defects:
        g.inject_defects(defects)
    files = g.write(out_dir)
    return {
        "out_dir": out_dir,
        "alliances": len(g.alliances),
        "files": files,
        "defects": len(g.defects),
        "seconds": round(time.perf_counter() - t0, 3),
    }


def alliances_for_files(files: int, services_per_alliance: int = 20,
                        worksheets_per_alliance: int = 4) -> int:
    """The number of alliances that gives about ``files`` files."""
    per = 1 + services_per_alliance + worksheets_per_alliance
    return max(1, round((files - 1) / per))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.add_argument("--alliances", type=int, default=None,
                   help="number of alliances (default 400, about 10,000 files)")
    p.add_argument("--files", type=int, default=None,
                   help="alternatively: approximate number of files wanted")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--services-per-alliance", type=int, default=20,
                   help="mean number of services per alliance (varies by +-25%%)")
    p.add_argument("--worksheets-per-alliance", type=int, default=4)
    p.add_argument("--defects", type=int, default=0, metavar="K",
                   help="inject K defects and list them in defects.json")
    p.add_argument("--force", action="store_true",
                   help="replace the generated parts of a non-empty OUT_DIR")
    args = p.parse_args(argv)
    if args.alliances is not None and args.files is not None:
        p.error("use either --alliances or --files")
    n = args.alliances
    if n is None:
        n = (alliances_for_files(args.files, args.services_per_alliance,
                                 args.worksheets_per_alliance) if args.files else 400)
    if n < 1:
        p.error("--alliances must be at least 1")
    if args.defects < 0:
        p.error("--defects must not be negative")
    if os.path.isdir(args.out_dir) and os.listdir(args.out_dir):
        if not args.force:
            print(f"{args.out_dir} is not empty (use --force to replace the generated parts)",
                  file=sys.stderr)
            return 2
        for part in ("alliances", "services", "worksheets"):
            shutil.rmtree(os.path.join(args.out_dir, part), ignore_errors=True)
        for part in ("gk.yaml", "defects.json"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(args.out_dir, part))
    report = generate(args.out_dir, n, args.seed, args.services_per_alliance,
                      args.worksheets_per_alliance, args.defects)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
