"""The to-do list over one or several data repositories (``gk todo``), the to-dos a reference
names (ALLIANCE/WORKSHEET/TODO, ALLIANCE/TODO or a bare TODO id), and new to-dos, for the
commands that show and change to-dos; what cannot be found stops with a GkError."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gk.analyses.worksheets import TodoRow, item_ids_for, sort_key, todo_rows
from gk.domain import is_id, parse_date, slugify, unique_id
from gk.errors import GkError, did_you_mean, unknown_alliance
from gk.i18n import _

if TYPE_CHECKING:
    from gk.engine.model import Repository


# --- the list -------------------------------------------------------------------------------

class Site:
    """A data repository read for the to-do list: its root, the label its rows carry (the
    folder as named on the command line; None when only one repository is read), and its
    model, read when first asked for (a full reference needs only the worksheet's file)."""

    def __init__(self, root: Path, label: str | None = None,
                 repository: Repository | None = None) -> None:
        self.root = root
        self.label = label
        self._repository = repository

    @property
    def repository(self) -> Repository:
        if self._repository is None:
            from gk.engine.pipeline import load

            self._repository = load(self.root)
        return self._repository


@dataclass(frozen=True, slots=True)
class TodoFilter:
    """Which to-dos to show. ``owner`` and ``consultant`` match any part, ignoring case;
    ``due_before`` keeps to-dos due strictly before that day; ``due_from``/``due_to`` keep
    to-dos due within those days (both included). To-dos without a due date drop out of
    every due filter."""

    alliances: tuple[str, ...] = ()
    consultant: str | None = None
    owner: str | None = None
    status: str = "open"
    due_before: dt.date | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None


def consulted(repository: Repository, consultant: str) -> set[str]:
    """The alliances whose ``consultant`` contains ``consultant`` (ignoring case)."""
    wanted = consultant.casefold().strip()
    found = set()
    for alliance in repository.alliances.values():
        value = alliance.data.get("consultant")
        if isinstance(value, str) and wanted in value.casefold():
            found.add(alliance.id)
    return found


def require_known(sites: Sequence[Site], alliances: Iterable[str],
                  commands: Iterable[str] = ()) -> None:
    """Stop at the first alliance that none of the repositories holds (with "did you mean",
    also for a mistyped sub-command among ``commands``)."""
    known: set[str] = set()
    for site in sites:
        known |= set(site.repository.alliances) | site.repository.alliance_folders
    for alliance in alliances:
        if alliance in known:
            continue
        from gk.domain import suggest

        if alliance in commands:
            raise GkError(_("'{command}' is a sub-command of 'gk todo': write it first, as in "
                            "'gk todo {command} …'. An alliance of that name goes after '--': "
                            "gk todo -- {command}").format(command=alliance))
        command = suggest(alliance, list(commands))
        if command is not None:
            raise GkError(_("There is no alliance '{alliance}' and no sub-command of that "
                            "name. Did you mean 'gk todo {command}'?").format(
                                alliance=alliance, command=command))
        raise unknown_alliance(alliance, known)


def select_todos(sites: Sequence[Site], today: dt.date, wanted: TodoFilter) -> list[TodoRow]:
    """The to-dos of all ``sites`` that pass ``wanted``, overdue first, then by due date."""
    owner = wanted.owner.casefold() if wanted.owner else None
    out = []
    for site in sites:
        allowed = set(wanted.alliances) if wanted.alliances else None
        if wanted.consultant is not None:
            chosen = consulted(site.repository, wanted.consultant)
            allowed = chosen if allowed is None else allowed & chosen
        for row in todo_rows(site.repository, today):
            if allowed is not None and row.alliance not in allowed:
                continue
            if wanted.status != "all" and row.status != wanted.status:
                continue
            if owner is not None and owner not in (row.owner or "").casefold():
                continue
            if not _due_wanted(row, wanted):
                continue
            out.append(dataclasses.replace(row, repository=site.label)
                       if site.label is not None else row)
    out.sort(key=lambda row: (*sort_key(row), row.repository or ""))
    return out


def _due_wanted(row: TodoRow, wanted: TodoFilter) -> bool:
    if wanted.due_before is None and wanted.due_from is None and wanted.due_to is None:
        return True
    due = parse_date(row.due)
    if due is None:
        return False
    if wanted.due_before is not None and due >= wanted.due_before:
        return False
    if wanted.due_from is not None and due < wanted.due_from:
        return False
    return wanted.due_to is None or due <= wanted.due_to


# --- references -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Target:
    """A to-do a reference names: the repository's root, alliance, worksheet and to-do id."""

    root: Path
    alliance: str
    worksheet: str
    todo: str

    @property
    def ref(self) -> str:
        return f"{self.alliance}/{self.worksheet}/{self.todo}"


def resolve(sites: Sequence[Site], ref: str, alliances: set[str] | None = None) -> Target:
    """The to-do ``ref`` names in one of ``sites``: ALLIANCE/WORKSHEET/TODO, or ALLIANCE/TODO
    or a bare TODO id when it is unique among the to-dos of ``alliances`` (all when None);
    several candidates stop with a list of them."""
    parts = ref.strip().strip("/").split("/")
    if len(parts) == 3 and all(parts):
        alliance, worksheet, todo = parts
        found = [site for site in sites
                 if (site.root / "worksheets" / alliance / f"{worksheet}.yaml").is_file()]
        if not found:
            worksheet_file(sites[0].root, alliance, worksheet)  # says what is missing
            raise GkError(_("The alliance '{alliance}' has no worksheet '{id}'.").format(
                alliance=alliance, id=worksheet))  # pragma: no cover - raised above
        if len(found) > 1:
            raise GkError(_("'{ref}' is in several data repositories ({folders}); name one "
                            "with -C.").format(ref=ref, folders=", ".join(
                                str(site.label or site.root) for site in found)))
        return Target(found[0].root, alliance, worksheet, todo)
    if len(parts) not in (1, 2) or not all(parts):
        raise GkError(_("'{ref}' is not a to-do reference; write ALLIANCE/WORKSHEET/TODO, as "
                        "'gk todo' shows it (or only the to-do's id, if no other to-do has "
                        "it).").format(ref=ref))
    todo = parts[-1]
    only = parts[0] if len(parts) == 2 else None
    candidates: list[Target] = []
    ids: set[str] = set()
    for site in sites:
        for sheet in site.repository.worksheets.values():
            if only is not None and sheet.alliance != only:
                continue
            if alliances is not None and sheet.alliance not in alliances:
                continue
            for entry in sheet.todos:
                ids.add(entry.id)
                if entry.id == todo:
                    candidates.append(Target(site.root, sheet.alliance, sheet.id, todo))
    if not candidates:
        if only is not None:
            require_known(sites, [only])
        raise GkError(_("No to-do has the id '{id}'.").format(id=todo)
                      + did_you_mean(todo, sorted(ids)) + " "
                      + _("Write ALLIANCE/WORKSHEET/TODO, as 'gk todo' shows it."))
    if len(candidates) > 1:
        listed = sorted({c.ref for c in candidates})
        raise GkError(_("Several to-dos have the id '{id}'; give the whole reference:").format(
            id=todo) + "".join(f"\n  {ref}" for ref in listed))
    return candidates[0]


# --- ids of new to-dos -------------------------------------------------------------------------

# Short words that say little in a to-do's title (German and English), left out of its id.
STOP_WORDS = frozenset((
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
    "und", "oder", "aber", "mit", "ohne", "fuer", "von", "vom", "zu", "zum", "zur", "im", "in",
    "ins", "am", "an", "auf", "aus", "bei", "bis", "nach", "ueber", "unter", "um", "vor",
    "durch", "gegen", "als", "wie", "auch", "noch", "nicht", "so", "dass", "ob", "sich", "ist",
    "sind", "wird", "werden", "soll", "sollen", "muss", "muessen", "kann", "koennen",
    "the", "a", "and", "or", "of", "to", "for", "on", "at", "by", "with", "from", "into",
    "about"))


def todo_id_from_title(title: str, taken: Iterable[str], words: int = 3) -> str:
    """A short, readable id for a new to-do: the first ``words`` meaningful words of its
    title (short filler words left out, umlauts spelled out), unique within the worksheet
    ('Termin für ABH-Sprechstunde im Januar' -> 'termin-abh-sprechstunde')."""
    every = slugify(title, max_length=200).split("-") if slugify(title) else []
    meaningful = [word for word in every if word not in STOP_WORDS] or every
    chosen: list[str] = []
    for word in meaningful:
        if len("-".join([*chosen, word])) > 40:
            break
        chosen.append(word)
        if len(chosen) == words:
            break
    base = "-".join(chosen) or (every[0][:40] if every else "") or "aufgabe"
    return unique_id(base, taken)


def split_ref(ref: str, parts: int) -> list[str]:
    """ALLIANCE/WORKSHEET (``parts`` 2) or ALLIANCE/WORKSHEET/TODO (3), split."""
    found = ref.strip("/").split("/")
    if len(found) == parts:
        return found
    if parts == 3:
        raise GkError(_("'{ref}' is not a to-do reference; write ALLIANCE/WORKSHEET/TODO, as "
                        "'gk todo' shows it.").format(ref=ref))
    raise GkError(_("'{ref}' is not a worksheet reference; write ALLIANCE/WORKSHEET.").format(
        ref=ref))


def worksheet_file(root: Path, alliance: str, worksheet: str) -> tuple[Path, str]:
    """The worksheet's file and its path relative to ``root``."""
    if not alliance or not is_id(alliance):
        raise GkError(_("'{value}' is not an alliance id.").format(value=alliance))
    folder = root / "worksheets" / alliance
    if not folder.is_dir():
        alliances = sorted(p.name for p in (root / "worksheets").glob("*") if p.is_dir()) \
            if (root / "worksheets").is_dir() else []
        raise GkError(_("The alliance '{id}' has no worksheets.").format(id=alliance)
                      + did_you_mean(alliance, alliances))
    rel = f"worksheets/{alliance}/{worksheet}.yaml"
    path = root / rel
    if not is_id(worksheet) or not path.is_file():
        sheets = sorted(p.name[:-5] for p in folder.glob("*.yaml") if not p.name.startswith("."))
        raise GkError(_("The alliance '{alliance}' has no worksheet '{id}'.").format(
            alliance=alliance, id=worksheet) + did_you_mean(worksheet, sheets))
    return path, rel


def _entries(data: dict[str, Any]) -> list[Any]:
    todos = data.get("todos")
    return todos if isinstance(todos, list) else []


def todo_index(data: dict[str, Any], sheet: str, todo_id: str, rel: str) -> int:
    """Where the to-do ``todo_id`` stands in the worksheet's ``todos`` (``sheet`` is
    ALLIANCE/WORKSHEET, ``rel`` the file, both for messages)."""
    entries = _entries(data)
    indexes = [i for i, t in enumerate(entries)
               if isinstance(t, dict) and str(t.get("id")) == todo_id]
    if not indexes:
        ids = [str(t.get("id")) for t in entries if isinstance(t, dict) and t.get("id")]
        raise GkError(_("The worksheet '{worksheet}' has no to-do '{id}'.").format(
            worksheet=sheet, id=todo_id) + did_you_mean(todo_id, ids))
    if len(indexes) > 1:
        raise GkError(_("The to-do id '{id}' is used {n} times in {file}; give each to-do its "
                        "own id first.").format(id=todo_id, n=len(indexes), file=rel))
    return indexes[0]


def new_todo(data: dict[str, Any], title: str, owner: str | None, due: str | None,
             item: str | None, todo_id: str | None, items: Sequence[str]) -> dict[str, Any]:
    """The entry for a new open to-do of the worksheet ``data``: the id checked against the
    ones taken (or made from the title), ``item`` against the worksheet's ``items``."""
    title = " ".join(title.split())
    if not title:
        raise GkError(_("--title must not be empty."))
    taken = [str(t.get("id")) for t in _entries(data)
             if isinstance(t, dict) and t.get("id") is not None]
    if todo_id is not None:
        if not is_id(todo_id):
            raise GkError(_("'{id}' is not a valid id: use lower-case letters a–z, digits and "
                            "single hyphens, for example '{example}'.").format(
                                id=todo_id, example=slugify(todo_id) or "termin-abh"))
        if todo_id in taken:
            raise GkError(_("The worksheet already has a to-do '{id}'.").format(id=todo_id))
    else:
        todo_id = todo_id_from_title(title, taken)
    if item is not None and item not in items:
        raise GkError(_("'{item}' is not a checklist item.").format(item=item)
                      + did_you_mean(item, list(items)))
    entry: dict[str, Any] = {"id": todo_id, "title": title}
    if owner:
        entry["owner"] = " ".join(owner.split())
    if due:
        entry["due"] = due
    entry["status"] = "open"
    if item:
        entry["item"] = item
    return entry


def sheet_items(repository: Repository, alliance: str, worksheet: str) -> tuple[str, ...]:
    """The ids of the checklist items the worksheet's template has."""
    sheet = repository.worksheets.get((alliance, worksheet))
    return item_ids_for(repository, sheet) if sheet is not None else ()
