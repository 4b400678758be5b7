"""What changed since a git revision: checklist items, to-dos, services and gaps compared
between the repository as it was then (``gk.engine.git_history``) and as it is; and the
earlier states of the alliance documents, from which counts of people are held steady."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gk.domain import (
    CHECKLIST_TEMPLATE,
    FOLDER_OF,
    current_sheets,
    service_fields,
)
from gk.engine.model import Repository

if TYPE_CHECKING:
    from gk.engine.git_history import BlobsStep

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


# --- counts of people over time ---------------------------------------------------------


def people_history(root: Path, blobs: BlobsStep | None = None,
                   revision: str = "HEAD") -> dict[str, list[Any]]:
    """Each alliance document of the data repository at ``root`` in the committed states
    along the first-parent history up to ``revision``, oldest first (a state is kept when
    the file changed). Empty without git, outside a git repository or before the first
    commit: counts of people are then shown as they are (gk.analyses.disclosure.hold)."""
    from gk.engine.git_history import _git, _toplevel, classify, parse_blobs
    from gk.errors import GkError

    try:
        top, prefix = _toplevel(root)
        out = _git(top, "log", "--first-parent", "--reverse", "--no-renames", "--no-abbrev",
                   "--raw", "--format=%x00", revision, "--", f"{prefix}{FOLDER_OF['alliance']}/")
    except GkError:
        return {}
    files: dict[str, list[str]] = {}  # path in the data repository -> blob ids, oldest first
    for commit in out.decode("utf-8", "replace").split("\x00")[1:]:
        for line in commit.splitlines():
            meta, _tab, path = line.partition("\t")
            fields_ = meta.split()
            if not line.startswith(":") or len(fields_) < 5 or not path.startswith(prefix):
                continue
            rel, blob, status = path[len(prefix):], fields_[3], fields_[4]
            if status != "D":
                files.setdefault(rel, []).append(blob)
    wanted = [(source, blob) for rel, blobs_ in sorted(files.items())
              if (source := classify(rel)) is not None and source.kind == "alliance"
              for blob in blobs_]
    parsed = (blobs or parse_blobs)(top, wanted) if wanted else []
    states: dict[str, list[Any]] = {}
    for (source, _blob), data in zip(wanted, parsed, strict=True):
        states.setdefault(source.stem, []).append(data)
    return states


def history_head(root: Path) -> str:
    """The commit ``people_history`` reads up to ('' without one): a report remembered for
    the same files is only the same report for the same history."""
    from gk.engine.git_history import _git, _toplevel
    from gk.errors import GkError

    try:
        top, _prefix = _toplevel(root)
        return _git(top, "rev-parse", "--verify", "--quiet", "HEAD").decode().strip()
    except GkError:
        return ""
