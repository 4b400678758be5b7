"""The SPEC's vocabulary, once: template ids, enumerated values, the id pattern, dates,
"open" and "overdue", the current sheet of a template, "did you mean" and the folder layout.

Enumerated values are read from the shipped JSON Schemas (``gk/data/schemas/defs.json``) the
first time they are asked for: the schemas are what ``gk check`` enforces, so a list typed
here a second time would sooner or later disagree with them. Importing this module reads
nothing, because ``gk --version`` and shell completion must stay fast.
"""

from __future__ import annotations

import datetime as dt  # already loaded at start-up (click needs it): costs nothing here
import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for annotations: defining protocols at run time costs start-up
    from collections.abc import Iterable, Mapping
    from typing import Protocol, TypeVar

    class Dated(Protocol):
        """What ordering worksheets needs (``gk.engine.model.Worksheet`` is one)."""

        @property
        def id(self) -> str: ...

        @property
        def date(self) -> str: ...

    class Templated(Dated, Protocol):
        @property
        def alliance(self) -> str: ...

        @property
        def template(self) -> str | None: ...

    S = TypeVar("S", bound=Dated)
    T = TypeVar("T", bound=Templated)

# --- templates ----------------------------------------------------------------------------

# The worksheet templates shipped with gk (gk/data/templates/<id>.yaml and
# schemas/worksheet-<id>.json); the order is the one reports list them in.
CHECKLIST_TEMPLATE = "prozessmanagement"
ANALYSIS_TEMPLATE = "bedarfs-angebotsanalyse"
PROTOCOL_TEMPLATE = "begleitprotokoll"
SHIPPED_TEMPLATES = (CHECKLIST_TEMPLATE, ANALYSIS_TEMPLATE, PROTOCOL_TEMPLATE)

# --- the target group ---------------------------------------------------------------------

# The initiative is for young adults with a Duldung or an Aufenthaltsgestattung aged 18 to 27
# (SPEC, "The world"); the schemas enumerate every residence status, not this choice.
STATUSES_OF_INTEREST = ("duldung", "gestattung")
TARGET_AGE = (18, 27)

# --- enumerated values, read from the schemas ---------------------------------------------


@cache
def _defs() -> dict[str, Any]:
    """The shared definitions of the schemas (``gk/data/schemas/defs.json``), read here
    directly: the vocabulary sits below the engine."""
    import json
    import os

    from gk.data import SCHEMAS

    with open(os.path.join(SCHEMAS, "defs.json"), encoding="utf-8") as handle:
        found: dict[str, Any] = json.load(handle)["$defs"]
    return found


@cache
def enum(definition: str) -> tuple[str, ...]:
    """The values of an enumeration of ``defs.json`` (e.g. ``"field"``), in schema order."""
    return tuple(str(value) for value in _defs()[definition]["enum"])


@cache
def labels(definition: str) -> dict[str, dict[str, str]]:
    """The German and English labels (``{de, en}``) of an enumeration's values, by value
    (shared between callers: read it, do not change it)."""
    raw = _defs()[definition].get("x-labels", {})
    return {str(k): v for k, v in raw.items() if isinstance(v, dict)}


def enum_label(definition: str, value: str) -> str:
    """The label of an enumerated value in the current language; the value itself when the
    schema has none (an unknown value is shown as written)."""
    from gk.i18n import label

    return label(labels(definition).get(value)) or value


def service_fields() -> tuple[str, ...]:
    """The eight fields of services (Handlungsfelder)."""
    return enum("field")


def core_group_fields() -> tuple[str, ...]:
    """The areas a core group member comes from."""
    return enum("core-group-field")


def legal_areas() -> tuple[str, ...]:
    return enum("legal-area")


def residence_statuses() -> tuple[str, ...]:
    return enum("residence-status")


def regions() -> tuple[str, ...]:
    """The five Regierungsbezirke of NRW."""
    return enum("region")


def alliance_types() -> tuple[str, ...]:
    return enum("alliance-type")


def service_statuses() -> tuple[str, ...]:
    return enum("service-status")


def todo_statuses() -> tuple[str, ...]:
    return enum("todo-status")


def item_statuses() -> tuple[str, ...]:
    """The answers to a checklist item (``prozessmanagement`` and templates answered by status)."""
    return enum("item-status")


def need_levels() -> tuple[str, ...]:
    """How great a need is (``needs`` of a ``bedarfs-angebotsanalyse``)."""
    return enum("rating")


def coverage_levels() -> tuple[str, ...]:
    return enum("coverage")


def priorities() -> tuple[str, ...]:
    return enum("priority")


def answer_kinds() -> tuple[str, ...]:
    return enum("answer-kind")


# --- ids ----------------------------------------------------------------------------------


@cache
def _id_rule() -> tuple[re.Pattern[str], int]:
    slug = _defs()["slug"]
    return re.compile(slug["pattern"]), int(slug["maxLength"])


def id_pattern() -> str:
    """The id pattern as the schemas write it (JSON Schema, ECMA regular expression)."""
    return _id_rule()[0].pattern


def is_id(value: object) -> bool:
    """Whether ``value`` is an id: a slug of a–z, 0–9 and single hyphens, at most 64 characters.

    The whole text must match (``fullmatch``): with ``re.match`` the schema's ``$`` would also
    match before a trailing newline, and ``"abd\\n"`` would pass here but fail in ``gk check``.
    """
    if not isinstance(value, str):
        return False
    pattern, longest = _id_rule()
    return len(value) <= longest and pattern.fullmatch(value) is not None


_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe",
                         "Ü": "ue"})


def slugify(text: str, max_length: int = 40) -> str:
    """An id made from a title: German umlauts spelled out, other accents dropped ('é' ->
    'e', not the letter itself), words joined by hyphens; "" when no letter or digit is left."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.translate(_GERMAN).lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    words = re.findall(r"[a-z0-9]+", plain)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:max_length]
    return slug


def unique_id(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is not taken yet."""
    used = set(taken)
    if base not in used:
        return base
    number = 2
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"


# --- dates --------------------------------------------------------------------------------

@cache
def _iso_date() -> re.Pattern[str]:
    # ``date.fromisoformat`` alone also takes "20250301", "2025-W09-6" and digits of other
    # scripts; SPEC allows exactly YYYY-MM-DD. Compiled on first use, not at start-up.
    return re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: object) -> dt.date | None:
    """The day ``text`` names when it is an ISO date ``YYYY-MM-DD`` that exists, else None.

    ``"2025-02-30"`` is None: a date that does not exist is no date, not a late one."""
    return _parse_date(text) if isinstance(text, str) else None


@lru_cache(maxsize=8192)  # a repository repeats its dates many times over
def _parse_date(text: str) -> dt.date | None:
    if _iso_date().fullmatch(text) is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@cache
def _german_date() -> re.Pattern[str]:
    return re.compile(r"\s*([0-9]{1,2})\.\s*([0-9]{1,2})\.\s*([0-9]{4})\s*")


def date_from_german(text: object) -> dt.date | None:
    """The day a German date such as ``01.03.2019`` or ``1.3.2019`` names (to propose its ISO
    form ``2019-03-01``), else None."""
    match = _german_date().fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    day, month, year = (int(group) for group in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_proposal(text: object) -> str | None:
    """The ISO date a date written another common way names (``01.03.2019``, ``1.3.2019``,
    ``2019-3-1``), as ``YYYY-MM-DD``; None when ``text`` is no such date (or already ISO)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    day = date_from_german(text)
    if day is None:
        loose = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text)
        if loose is None:
            return None
        try:
            day = dt.date(*(int(part) for part in loose.groups()))
        except ValueError:
            return None
    found = day.isoformat()
    return None if found == text else found


# Words for days and weeks on the command line (German and English; "ä" may be written "ae").
_DAY_WORDS = {"heute": 0, "today": 0, "morgen": 1, "tomorrow": 1, "uebermorgen": 2,
              "gestern": -1, "yesterday": -1}
_WEEK_WORDS = {"diese-woche": 0, "this-week": 0, "naechste-woche": 1, "next-week": 1,
               "letzte-woche": -1, "last-week": -1}


def period(text: object, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day ``text`` names, seen from ``today``: an ISO date, a German date
    (``01.03.2019``), ``+N``/``-N`` (days from today), ``heute``/``today``, ``morgen``/
    ``tomorrow``, ``gestern``, ``diese-woche``/``this-week`` (Monday to Sunday),
    ``naechste-woche``/``next-week``, ``letzte-woche``; None for anything else.

    A single day is ``(day, day)``."""
    if not isinstance(text, str):
        return None
    word = normalize(text)
    day = parse_date(word) or parse_date(date_proposal(word))
    if day is not None:
        return day, day
    offset = re.fullmatch(r"([+-])([0-9]{1,5})", word)
    if offset is not None:
        days = int(offset.group(2)) * (1 if offset.group(1) == "+" else -1)
        try:
            day = today + dt.timedelta(days=days)
        except OverflowError:
            return None
        return day, day
    if word in _DAY_WORDS:
        day = today + dt.timedelta(days=_DAY_WORDS[word])
        return day, day
    if word in _WEEK_WORDS:
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(
            weeks=_WEEK_WORDS[word])
        return monday, monday + dt.timedelta(days=6)
    return None


# --- to-dos -------------------------------------------------------------------------------

OPEN = "open"


def todo_status(todo: Mapping[str, Any]) -> str:
    """A to-do's status; one without a known status counts as open (nobody said it is done;
    ``gk check`` reports the status itself)."""
    status = todo.get("status")
    return status if isinstance(status, str) and status in todo_statuses() else OPEN


def is_open(todo: Mapping[str, Any]) -> bool:
    return todo_status(todo) == OPEN


def is_overdue(todo: Mapping[str, Any], today: dt.date) -> bool:
    """Open, with a due date that exists, before ``today``: the one meaning of "overdue"
    for ``gk todo``, ``gk summarize`` and ``gk check`` alike."""
    due = parse_date(todo.get("due"))
    return due is not None and due < today and is_open(todo)


# --- the current sheet of a template ------------------------------------------------------


def sheet_order(sheet: Dated) -> tuple[bool, str, str]:
    """Oldest first: by date, then by id. A date that does not exist sorts before every real
    one, so it never makes a sheet the current one over a correctly dated sheet."""
    return (parse_date(sheet.date) is not None, sheet.date, sheet.id)


def latest_sheet(sheets: Iterable[S]) -> S | None:
    """The latest of some worksheets of one template: the alliance's current one (SPEC,
    "Gaps: the rules"); older ones are history."""
    return max(sheets, key=sheet_order, default=None)


def current_sheets(sheets: Iterable[T]) -> dict[tuple[str, str], T]:
    """The current sheet per (alliance, template), in one pass (each sheet's date read once:
    a state-wide repository has tens of thousands)."""
    latest: dict[tuple[str, str], tuple[tuple[bool, str, str], T]] = {}
    for sheet in sheets:
        template = sheet.template
        if template is None:
            continue
        key = (sheet.alliance, template)
        order = sheet_order(sheet)
        found = latest.get(key)
        if found is None or order > found[0]:
            latest[key] = (order, sheet)
    return {key: sheet for key, (_order, sheet) in latest.items()}


# --- did you mean -------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-", "_": "-"})


def normalize(word: str) -> str:
    """A word as slugs spell it, for comparing what was typed with what is known."""
    return word.strip().casefold().translate(_UMLAUTS)


def suggest(value: str, candidates: Iterable[str], synonyms: Mapping[str, list[str]] | None = None,
            titles: Mapping[str, list[str]] | None = None) -> str | None:
    """The candidate a user probably meant: same slug spelled differently, a German word
    (from the schema's synonyms or titles), or a close spelling."""
    import difflib

    choices = list(candidates)
    if not choices:
        return None
    wanted = normalize(value)
    by_norm: dict[str, str] = {}
    for choice in choices:
        by_norm.setdefault(normalize(choice), choice)
    for table in (synonyms or {}, titles or {}):
        for target, words in table.items():
            if target in choices:
                for word in words:
                    by_norm.setdefault(normalize(word), target)
    if wanted in by_norm:
        return by_norm[wanted]
    close = difflib.get_close_matches(wanted, list(by_norm), n=1, cutoff=0.75)
    if close:
        return by_norm[close[0]]
    return None


# --- the folder layout --------------------------------------------------------------------

CONFIG_FILE = "gk.yaml"
# folder -> the kind of the files in it
KIND_FOLDERS = {"alliances": "alliance", "services": "service", "worksheets": "worksheet",
                "templates": "template"}
FOLDER_OF = {kind: folder for folder, kind in KIND_FOLDERS.items()}
# Folders with one sub-folder per alliance (named by the alliance's id).
NESTED_FOLDERS = frozenset({"services", "worksheets"})
# Where gk new and gk schema --vscode put the published schemas for editors.
SCHEMA_FOLDER = ".gk/schemas"


def path_of(kind: str, alliance: str | None, ident: str) -> str:
    """Where a document lives, relative to the repository root (POSIX):
    ``alliances/<id>.yaml``, ``services/<alliance>/<id>.yaml``,
    ``worksheets/<alliance>/<id>.yaml``, ``templates/<id>.yaml``."""
    folder = FOLDER_OF[kind]
    if folder in NESTED_FOLDERS:
        if not alliance:
            raise ValueError(f"a {kind} belongs to an alliance")
        return f"{folder}/{alliance}/{ident}.yaml"
    return f"{folder}/{ident}.yaml"


def place_of(rel: str) -> tuple[str, str | None, str] | None:
    """(kind, alliance folder, id) of a path where a document belongs, else None; the
    inverse of ``path_of`` (``gk.yaml`` is the kind ``config``)."""
    if rel == CONFIG_FILE:
        return "config", None, "gk"
    parts = rel.split("/")
    kind = KIND_FOLDERS.get(parts[0])
    if kind is None or not parts[-1].endswith(".yaml"):
        return None
    stem = parts[-1][: -len(".yaml")]
    if parts[0] in NESTED_FOLDERS:
        return (kind, parts[1], stem) if len(parts) == 3 else None
    return (kind, None, stem) if len(parts) == 2 else None


# --- numbers --------------------------------------------------------------------------------

# No count, place, day or year in gk's data comes near this; below it a number survives JSON,
# spreadsheets and floating point exactly. Larger numbers are refused (GK109).
LARGEST_NUMBER = 10**15


def number(value: object) -> int | float | None:
    """``value`` when it is a number an analysis may count with: an int or a float (not a
    bool), finite, and smaller in size than ``LARGEST_NUMBER``; else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or not -LARGEST_NUMBER < value < LARGEST_NUMBER:  # NaN, ±inf, huge
        return None
    return value


def whole_number(value: object) -> int | None:
    """``value`` when it is a whole number (an int) that ``number`` accepts; else None."""
    return value if isinstance(value, int) and number(value) is not None else None
