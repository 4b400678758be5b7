"""What changed since a git revision: checklist items, to-dos, services and gaps compared
between the repository as it was then (``gk.engine.git_history``) and as it is."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, fields
from typing import Any

from gk.domain import (
    CHECKLIST_TEMPLATE,
    current_sheets,
    service_fields,
)
from gk.engine.model import Repository

# --- the comparison ---------------------------------------------------------------------


@dataclass(slots=True)
class Changes:
    """What moved between two states of the same data repository."""

    checklist: list[dict[str, Any]] = field(default_factory=list)
    todos_done: list[dict[str, Any]] = field(default_factory=list)
    todos_added: list[dict[str, Any]] = field(default_factory=list)
    services_added: list[str] = field(default_factory=list)
    services_ended: list[str] = field(default_factory=list)
    services_removed: list[str] = field(default_factory=list)
    gaps_opened: list[dict[str, str]] = field(default_factory=list)
    gaps_closed: list[dict[str, str]] = field(default_factory=list)

    def extend(self, other: Changes) -> None:
        for entry in fields(self):
            getattr(self, entry.name).extend(getattr(other, entry.name))

    def payload(self) -> dict[str, Any]:
        return {entry.name: getattr(self, entry.name) for entry in fields(self)}


def compare(before: Repository, after: Repository,
            alliances: Collection[str] | None = None) -> Changes:
    """Checklist items that moved, to-dos done and added, services added and ended, and
    computed gaps opened and closed, for the alliances named (default: all)."""
    from gk.analyses.gaps import analyse_gaps
    from gk.analyses.summary import item_status

    def chosen(alliance: str) -> bool:
        return alliances is None or alliance in alliances

    changes = Changes()
    old_current = current_sheets(before.worksheets.values())
    new_current = current_sheets(after.worksheets.values())
    template = after.templates.get(CHECKLIST_TEMPLATE) or before.templates.get(CHECKLIST_TEMPLATE)
    items = template.item_ids if template is not None else ()
    names = sorted({a for a, t in (*old_current, *new_current) if t == CHECKLIST_TEMPLATE and chosen(a)})
    for alliance in names:
        old = old_current.get((alliance, CHECKLIST_TEMPLATE))
        new = new_current.get((alliance, CHECKLIST_TEMPLATE))
        for item in items:
            was = item_status(old, item) if old is not None else None
            now = item_status(new, item) if new is not None else None
            if was != now:
                changes.checklist.append({"alliance": alliance, "item": item, "from": was,
                                          "to": now})

    old_todos = {(t.alliance, t.worksheet, t.id): t.status
                 for w in before.worksheets.values() if chosen(w.alliance) for t in w.todos}
    for key in sorted(after.worksheets):
        sheet = after.worksheets[key]
        if not chosen(sheet.alliance):
            continue
        for todo in sheet.todos:
            ident = (todo.alliance, todo.worksheet, todo.id)
            entry = {"alliance": todo.alliance, "worksheet": todo.worksheet, "id": todo.id,
                     "title": todo.data.get("title") if isinstance(todo.data.get("title"), str)
                     else None}
            if ident not in old_todos:
                changes.todos_added.append({**entry, "status": todo.status})
            elif todo.status == "done" and old_todos[ident] != "done":
                changes.todos_done.append(entry)

    for key in sorted(after.services):
        service = after.services[key]
        if not chosen(service.alliance):
            continue
        old_service = before.services.get(key)
        if old_service is None:
            changes.services_added.append(service.ref)
        elif service.status == "ended" and old_service.status != "ended":
            changes.services_ended.append(service.ref)
    changes.services_removed = [s.ref for k, s in sorted(before.services.items())
                                if k not in after.services and chosen(s.alliance)]

    def computed(repository: Repository) -> set[tuple[str, str, str]]:
        wanted = [a for a in repository.alliances if chosen(a)]
        return {(g.alliance, g.field, g.status) for g in analyse_gaps(repository, wanted).gaps
                if g.computed}

    order = {f: i for i, f in enumerate(service_fields())}
    was_open, now_open = computed(before), computed(after)

    def rows(pairs: set[tuple[str, str, str]]) -> list[dict[str, str]]:
        return [{"alliance": a, "field": f, "status": s}
                for a, f, s in sorted(pairs, key=lambda p: (p[0], order.get(p[1], 99), p[2]))]

    changes.gaps_opened = rows(now_open - was_open)
    changes.gaps_closed = rows(was_open - now_open)
    return changes
