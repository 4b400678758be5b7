"""The worksheet and the to-do a reference (ALLIANCE/WORKSHEET/TODO) names, and new to-dos,
for the commands that change to-dos; what cannot be found stops with a GkError."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gk.analyses.worksheets import item_ids_for
from gk.domain import is_id, slugify, unique_id
from gk.errors import GkError, did_you_mean
from gk.i18n import _

if TYPE_CHECKING:
    from gk.engine.model import Repository


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
        todo_id = unique_id(slugify(title) or "aufgabe", taken)
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
