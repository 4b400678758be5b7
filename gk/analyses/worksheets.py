"""Analyses of filled-in worksheets: the checklist of a sheet and the to-dos across sheets.

Pure functions of the repository model; they neither read files nor print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gk.domain import CHECKLIST_TEMPLATE, is_overdue, item_statuses, parse_date, todo_status
from gk.engine.model import Repository, Template, Worksheet


@dataclass(frozen=True, slots=True)
class Progress:
    """Counts of a set of checklist items; not-applicable items do not count as applicable."""

    done: int = 0
    in_progress: int = 0
    open: int = 0
    not_applicable: int = 0
    unanswered: int = 0

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.open + self.not_applicable + self.unanswered

    @property
    def applicable(self) -> int:
        return self.total - self.not_applicable

    @property
    def percent(self) -> int | None:
        """Done of applicable, rounded to whole percent; None when nothing applies."""
        if self.applicable == 0:
            return None
        return round(100 * self.done / self.applicable)

    def add(self, status: str | None) -> Progress:
        counts = self.as_dict()
        counts[status if status in item_statuses() else "unanswered"] += 1
        return Progress(counts["done"], counts["in-progress"], counts["open"],
                        counts["not-applicable"], counts["unanswered"])

    def as_dict(self) -> dict[str, int]:
        return {"done": self.done, "in-progress": self.in_progress, "open": self.open,
                "not-applicable": self.not_applicable, "unanswered": self.unanswered}


@dataclass(frozen=True, slots=True)
class ChecklistEntry:
    id: str
    text: dict[str, str]
    status: str | None  # None: unanswered (or a value that is not a status)
    note: str | None
    invalid: str | None = None  # an answer that is not one of the statuses, shown as is


@dataclass(frozen=True, slots=True)
class ChecklistSection:
    id: str | None
    title: dict[str, str]
    entries: tuple[ChecklistEntry, ...]
    progress: Progress


@dataclass(frozen=True, slots=True)
class Checklist:
    alliance: str
    alliance_name: str
    worksheet: str
    file: str
    date: str
    template: str
    template_title: dict[str, str]
    sections: tuple[ChecklistSection, ...]
    progress: Progress

    @property
    def unanswered(self) -> list[str]:
        return [e.id for s in self.sections for e in s.entries if e.status is None]


def build_checklist(repo: Repository, sheet: Worksheet) -> Checklist:
    """The checklist of one worksheet: sections in template order, each item's status and note."""
    template = repo.templates.get(sheet.template or "")
    if template is None:
        template = Template(sheet.template or "", {}, "status", (), ())
    items = sheet.data.get("items")
    answers: dict[str, Any] = items if isinstance(items, dict) else {}
    by_section: dict[str | None, list[ChecklistEntry]] = {}
    for item in template.items:
        if item.answer != "status":
            continue
        answer = answers.get(item.id)
        status = note = invalid = None
        if isinstance(answer, dict):
            raw = answer.get("status")
            if raw in item_statuses():
                status = raw
            elif raw is not None:
                invalid = str(raw)
            note = answer.get("note") if isinstance(answer.get("note"), str) else None
        by_section.setdefault(item.section, []).append(
            ChecklistEntry(item.id, dict(item.text), status, note, invalid))
    order = [sid for sid, _title in template.sections]
    titles = dict(template.sections)
    section_ids: list[str | None] = [s for s in order if s in by_section]
    section_ids += [s for s in by_section if s not in order]
    sections = []
    overall = Progress()
    for sid in section_ids:
        progress = Progress()
        for entry in by_section[sid]:
            progress = progress.add(entry.status)
            overall = overall.add(entry.status)
        sections.append(ChecklistSection(sid, dict(titles.get(sid or "", {})) if sid else {},
                                         tuple(by_section[sid]), progress))
    alliance = repo.alliances.get(sheet.alliance)
    return Checklist(sheet.alliance, alliance.name if alliance else sheet.alliance, sheet.id,
                     sheet.file, sheet.date, template.id, dict(template.title), tuple(sections),
                     overall)


# --- to-dos -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TodoRow:
    alliance: str
    worksheet: str
    id: str
    title: str | None
    owner: str | None
    due: str | None
    status: str
    item: str | None
    overdue: bool
    file: str
    done_on: str | None = None
    # the data repository (as named on the command line) when 'gk todo' reads several
    repository: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.alliance}/{self.worksheet}/{self.id}"

    def as_json(self) -> dict[str, Any]:
        found = {"alliance": self.alliance, "worksheet": self.worksheet, "id": self.id,
                 "title": self.title, "owner": self.owner, "due": self.due,
                 "status": self.status, "item": self.item, "overdue": self.overdue,
                 "done_on": self.done_on}
        if self.repository is not None:
            found["repository"] = self.repository
        return found


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def todo_rows(repo: Repository, today: dt.date) -> list[TodoRow]:
    """Every to-do of every worksheet as a row; a to-do without status counts as open."""
    rows = []
    for sheet in repo.worksheets.values():
        for todo in sheet.todos:
            rows.append(TodoRow(
                sheet.alliance, sheet.id, todo.id, _text(todo.data.get("title")),
                _text(todo.data.get("owner")), _text(todo.data.get("due")), todo_status(todo.data),
                _text(todo.data.get("item")), is_overdue(todo.data, today), sheet.file,
                _text(todo.data.get("done_on"))))
    return rows


def sort_key(row: TodoRow) -> tuple[Any, ...]:
    """Overdue first, then by due date (none last), then alliance, worksheet, id."""
    due = parse_date(row.due)
    return (not row.overdue, due is None, due or dt.date.min, row.alliance, row.worksheet, row.id)


def list_todos(repo: Repository, today: dt.date, alliance: str | None = None,
               owner: str | None = None, status: str = "open",
               due_before: dt.date | None = None) -> list[TodoRow]:
    """To-dos filtered and sorted for the to-do list.

    ``owner`` matches case-insensitively anywhere in the owner ("gfs" finds "GfS mit Jobcenter");
    ``status`` is one of the to-do statuses or "all"; ``due_before`` keeps to-dos due strictly
    before that day (to-dos without a due date drop out)."""
    wanted_owner = owner.casefold() if owner else None
    out = []
    for row in todo_rows(repo, today):
        if alliance is not None and row.alliance != alliance:
            continue
        if status != "all" and row.status != status:
            continue
        if wanted_owner is not None and wanted_owner not in (row.owner or "").casefold():
            continue
        if due_before is not None:
            due = parse_date(row.due)
            if due is None or due >= due_before:
                continue
        out.append(row)
    out.sort(key=sort_key)
    return out


def item_ids_for(repo: Repository, sheet: Worksheet) -> tuple[str, ...]:
    """Item ids a to-do of this sheet may name: its own template's and the checklist's."""
    own = repo.templates.get(sheet.template or "")
    checklist = repo.templates.get(CHECKLIST_TEMPLATE)
    ids = [*(own.item_ids if own else ()), *(checklist.item_ids if checklist else ())]
    return tuple(dict.fromkeys(ids))


def item_texts(repo: Repository) -> dict[str, dict[str, str]]:
    """Checklist item texts by id (for showing which item a to-do serves)."""
    texts: dict[str, dict[str, str]] = {}
    for template in repo.templates.values():
        for item in template.items:
            texts.setdefault(item.id, dict(item.text))
    checklist = repo.templates.get(CHECKLIST_TEMPLATE)
    if checklist is not None:
        texts.update({item.id: dict(item.text) for item in checklist.items})
    return texts
