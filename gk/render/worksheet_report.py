"""Renderers of the checklist and the to-do list: text (rich on a terminal), markdown, json, csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from collections.abc import Callable, Sequence
from typing import Any

from gk.analyses.worksheets import Checklist, ChecklistEntry, Progress, TodoRow
from gk.domain import enum_label, item_statuses
from gk.i18n import _, get_language, label
from gk.render.escape import clean

MARKS = {"done": "✓", "in-progress": "◐", "open": "○", "not-applicable": "–", None: "?"}
_STYLES = {"done": "green", "in-progress": "yellow", "open": "red", "not-applicable": "dim",
           None: "magenta"}
TODO_KEYS = ("alliance", "worksheet", "id", "title", "owner", "due", "status", "item", "overdue")


def status_label(status: str | None) -> str:
    if status is None:
        return _("unanswered")
    return enum_label("item-status", status)


def todo_status_label(status: str) -> str:
    return enum_label("todo-status", status)


def _percent(progress: Progress) -> str:
    return "–" if progress.percent is None else f"{progress.percent} %"


def progress_line(progress: Progress) -> str:
    return _("{done} of {applicable} done ({percent})").format(
        done=progress.done, applicable=progress.applicable, percent=_percent(progress))


def _detail(progress: Progress) -> str:
    parts = []
    for count, text in ((progress.in_progress, _("{n} in progress")),
                        (progress.open, _("{n} open")),
                        (progress.not_applicable, _("{n} not applicable")),
                        (progress.unanswered, _("{n} unanswered"))):
        if count:
            parts.append(text.format(n=count))
    return ", ".join(parts)


def legend() -> str:
    return "  ".join(f"{MARKS[s]} {status_label(s)}"
                     for s in (*item_statuses(), None))


def _entry_text(entry: ChecklistEntry) -> str:
    return " ".join(label(entry.text).split()) or entry.id


def _section_title(titles: dict[str, str], sid: str | None) -> str:
    return label(titles) or sid or _("Other items")


def _heading(checklist: Checklist) -> tuple[str, str]:
    title = label(checklist.template_title) or checklist.template
    first = _("Checklist '{template}' – {alliance}").format(
        template=title, alliance=checklist.alliance_name)
    second = _("Worksheet {worksheet} of {date} ({file})").format(
        worksheet=checklist.worksheet, date=checklist.date or "?", file=checklist.file)
    return first, second


# --- checklist ----------------------------------------------------------------------------

def checklist_text(checklist: Checklist, color: bool = False) -> str:
    """The checklist for reading: sections, a mark per item, notes, progress."""
    from rich.text import Text

    out = Text()
    first, second = _heading(checklist)
    out.append(clean(first) + "\n", style="bold")
    out.append(clean(second) + "\n")
    for section in checklist.sections:
        out.append("\n")
        out.append(clean(_section_title(section.title, section.id)), style="bold")
        out.append(" — " + progress_line(section.progress) + "\n")
        for entry in section.entries:
            out.append("  ")
            out.append(MARKS[entry.status], style=_STYLES[entry.status])
            out.append(" " + clean(_entry_text(entry)))
            out.append(f" [{entry.id}]", style="dim")
            out.append("\n")
            if entry.invalid is not None:
                out.append("      " + _("Status '{value}' is not one of the allowed values.")
                           .format(value=clean(entry.invalid)) + "\n", style="magenta")
            if entry.note:
                out.append("      " + clean(" ".join(entry.note.split())) + "\n", style="italic")
    out.append("\n")
    out.append(_("Overall: ") + progress_line(checklist.progress), style="bold")
    detail = _detail(checklist.progress)
    out.append(("; " + detail if detail else "") + ".\n")
    if checklist.unanswered:
        out.append(_("Unanswered: {ids}").format(ids=", ".join(checklist.unanswered)) + "\n",
                   style="magenta")
    out.append(legend() + "\n", style="dim")
    return _finish(out, color)


def _finish(text: Any, color: bool) -> str:
    if not color:
        return str(text.plain)
    from rich.console import Console

    width = shutil.get_terminal_size((100, 24)).columns
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=width, highlight=False,
                      soft_wrap=True)
    console.print(text, end="")
    return buffer.getvalue()


def _md(text: str | None) -> str:
    """A table cell: one line, pipes escaped."""
    if not text:
        return ""
    return " ".join(clean(text).split()).replace("|", "\\|")


def checklist_markdown(checklist: Checklist, color: bool = False) -> str:
    from tabulate import tabulate

    first, second = _heading(checklist)
    parts = [f"## {_md(first)}", "", _md(second), ""]
    headers = ["", _("Item"), _("Status"), _("Note")]
    for section in checklist.sections:
        parts.append(f"### {_md(_section_title(section.title, section.id))}")
        parts.append("")
        parts.append(progress_line(section.progress))
        parts.append("")
        rows = [[MARKS[e.status], f"{_md(_entry_text(e))} (`{e.id}`)",
                 status_label(e.status) if e.invalid is None else _md(e.invalid), _md(e.note)]
                for e in section.entries]
        parts.append(tabulate(rows, headers=headers, tablefmt="pipe", disable_numparse=True))
        parts.append("")
    detail = _detail(checklist.progress)
    parts.append("**" + _("Overall: ") + progress_line(checklist.progress) + "**"
                 + ("; " + detail if detail else "") + ".")
    if checklist.unanswered:
        parts.append("")
        parts.append(_("Unanswered: {ids}").format(
            ids=", ".join(f"`{i}`" for i in checklist.unanswered)))
    parts.append("")
    parts.append(legend())
    return "\n".join(parts) + "\n"


def _progress_json(progress: Progress) -> dict[str, Any]:
    return {"done": progress.done, "applicable": progress.applicable,
            "percent": progress.percent, "counts": progress.as_dict()}


def checklist_json(checklist: Checklist, color: bool = False) -> str:
    lang = get_language()
    payload = {
        "alliance": checklist.alliance,
        "worksheet": checklist.worksheet,
        "file": checklist.file,
        "date": checklist.date,
        "template": checklist.template,
        "sections": [
            {"id": s.id, "title": label(s.title, lang) or None,
             "items": [{"id": e.id, "text": label(e.text, lang), "status": e.status,
                        "note": e.note} for e in s.entries],
             "progress": _progress_json(s.progress)}
            for s in checklist.sections
        ],
        "progress": _progress_json(checklist.progress),
        "unanswered": checklist.unanswered,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


CHECKLIST_RENDERERS: dict[str, Callable[..., str]] = {
    "text": checklist_text,
    "markdown": checklist_markdown,
    "json": checklist_json,
}


# --- to-dos -------------------------------------------------------------------------------

def _todo_heading(rows: Sequence[TodoRow], status: str, today: dt.date) -> str:
    overdue = sum(1 for r in rows if r.overdue)
    if status == "open":
        head = _("{n} open to-do(s), {overdue} of them overdue (as of {today})")
    elif status == "all":
        head = _("{n} to-do(s), {overdue} of them overdue (as of {today})")
    else:
        head = _("{n} to-do(s) with status '{status}' (as of {today})")
    return head.format(n=len(rows), overdue=overdue, today=today.isoformat(),
                       status=todo_status_label(status))


def todos_text(rows: Sequence[TodoRow], color: bool = False, *, status: str = "open",
               today: dt.date | None = None,
               items: dict[str, dict[str, str]] | None = None) -> str:
    """One block per to-do: due date and reference, the title, owner and checklist item."""
    from rich.text import Text

    today = today or dt.date.today()
    out = Text()
    if not rows:
        out.append((_("No open to-dos.") if status == "open" else _("No to-dos found."))
                   + "\n")
        return _finish(out, color)
    out.append(_todo_heading(rows, status, today) + "\n", style="bold")
    for row in rows:
        out.append("\n")
        out.append(row.due or _("no due date"), style="bold red" if row.overdue else "bold")
        if row.overdue:
            out.append("  " + _("overdue"), style="bold red")
        if row.status != "open":
            out.append("  " + todo_status_label(row.status), style="dim")
        out.append("  " + clean(row.ref) + "\n", style="cyan")
        out.append("  " + clean(" ".join((row.title or "").split()) or "–") + "\n")
        details = [_("Owner: {owner}").format(owner=clean(row.owner or "–"))]
        if row.item:
            text = label((items or {}).get(row.item)) if items else ""
            short = " ".join(text.split())
            if len(short) > 70:
                short = short[:69].rstrip() + "…"
            details.append(_("Item: {item}").format(item=clean(row.item))
                           + (f" ({clean(short)})" if short else ""))
        out.append("  " + " · ".join(details) + "\n", style="dim")
    return _finish(out, color)


def todos_markdown(rows: Sequence[TodoRow], color: bool = False, *, status: str = "open",
                   today: dt.date | None = None,
                   items: dict[str, dict[str, str]] | None = None) -> str:
    from tabulate import tabulate

    today = today or dt.date.today()
    if not rows:
        return (_("No open to-dos.") if status == "open" else _("No to-dos found.")) + "\n"
    headers = [_("Due"), _("To-do"), _("Owner"), _("Item"), _("Status"), _("Reference")]
    table = []
    for row in rows:
        due = row.due or "–"
        if row.overdue:
            due = f"**{due}** ({_('overdue')})"
        table.append([due, _md(row.title), _md(row.owner), f"`{row.item}`" if row.item else "",
                      todo_status_label(row.status), f"`{_md(row.ref)}`"])
    return ("**" + _todo_heading(rows, status, today) + "**\n\n"
            + tabulate(table, headers=headers, tablefmt="pipe", disable_numparse=True) + "\n")


def todos_json(rows: Sequence[TodoRow], color: bool = False, **_options: Any) -> str:
    return json.dumps({"todos": [r.as_json() for r in rows]}, ensure_ascii=False,
                      indent=2) + "\n"


def todos_csv(rows: Sequence[TodoRow], color: bool = False, **_options: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TODO_KEYS)
    for row in rows:
        data = row.as_json()
        writer.writerow(["true" if data[k] is True else "false" if data[k] is False
                         else "" if data[k] is None else data[k] for k in TODO_KEYS])
    return buffer.getvalue()


TODO_RENDERERS: dict[str, Callable[..., str]] = {
    "text": todos_text,
    "markdown": todos_markdown,
    "json": todos_json,
    "csv": todos_csv,
}
