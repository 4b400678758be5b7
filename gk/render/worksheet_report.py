"""Renderers of the checklist and the to-do list: text (rich on a terminal), markdown, json, csv."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Callable, Sequence
from typing import Any

from gk.analyses.worksheets import Checklist, ChecklistEntry, Progress, TodoRow
from gk.domain import enum_label, item_statuses
from gk.i18n import _, get_language, label
from gk.render.escape import (
    csv_table,
    json_document,
    markdown,
    markdown_code,
    terminal,
    terminal_line,
)

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
    width = text_width()
    first, second = _heading(checklist)
    _wrapped(out, terminal_line(first), 0, width, "bold")
    _wrapped(out, terminal_line(second), 0, width)
    for section in checklist.sections:
        out.append("\n")
        title = terminal_line(_section_title(section.title, section.id))
        _wrapped(out, title + " — " + progress_line(section.progress), 0, width, "bold")
        for entry in section.entries:
            out.append("  ")
            out.append(MARKS[entry.status], style=_STYLES[entry.status])
            _wrapped(out, terminal_line(_entry_text(entry)) + f" [{terminal(entry.id)}]", 4,
                     width, first_indent=1, dim_tail=f"[{terminal(entry.id)}]", written=3)
            if entry.invalid is not None:
                _wrapped(out, _("Status '{value}' is not one of the allowed values.")
                         .format(value=terminal(entry.invalid)), 6, width, "magenta")
            if entry.note:
                _wrapped(out, terminal_line(entry.note), 6, width, "italic")
    out.append("\n")
    detail = _detail(checklist.progress)
    _wrapped(out, _("Overall: ") + progress_line(checklist.progress)
             + ("; " + detail if detail else "") + ".", 0, width, "bold")
    if checklist.unanswered:
        _wrapped(out, _("Unanswered: {ids}").format(
            ids=terminal(", ".join(checklist.unanswered))), 0, width, "magenta")
    _wrapped(out, legend(), 0, width, "dim")
    return _finish(out, color)


def text_width() -> int:
    """The width text reports wrap at: the terminal's (COLUMNS), at least 40 columns."""
    return max(40, shutil.get_terminal_size((100, 24)).columns)


def _wrapped(out: Any, text: str, indent: int, width: int, style: str = "",
             first_indent: int | None = None, dim_tail: str = "", written: int = 0) -> None:
    """Append ``text`` broken at spaces (never inside a word) to stay below ``width``
    columns, its first line indented by ``first_indent`` (default ``indent``) spaces after the
    ``written`` columns already on it, the others by ``indent``. ``dim_tail``: a last part
    (an id) shown dim."""
    import textwrap

    start = written + (indent if first_indent is None else first_indent)
    lines = textwrap.wrap(text, width=max(width - 1, indent + 20), initial_indent=" " * start,
                          subsequent_indent=" " * indent, break_long_words=False,
                          break_on_hyphens=False) or [" " * start]
    lines[0] = lines[0][written:]
    for number, line in enumerate(lines):
        if number == len(lines) - 1 and dim_tail and line.endswith(dim_tail):
            out.append(line[: -len(dim_tail)], style=style)
            out.append(dim_tail, style="dim")
        else:
            out.append(line, style=style)
        out.append("\n")


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


def checklist_markdown(checklist: Checklist, color: bool = False) -> str:
    from tabulate import tabulate

    first, second = _heading(checklist)
    parts = [f"## {markdown(first)}", "", markdown(second), ""]
    headers = ["", _("Item"), _("Status"), _("Note")]
    for section in checklist.sections:
        parts.append(f"### {markdown(_section_title(section.title, section.id))}")
        parts.append("")
        parts.append(progress_line(section.progress))
        parts.append("")
        rows = [[MARKS[e.status], f"{markdown(_entry_text(e))} ({markdown_code(e.id)})",
                 status_label(e.status) if e.invalid is None else markdown(e.invalid),
                 markdown(e.note or "")]
                for e in section.entries]
        parts.append(tabulate(rows, headers=headers, tablefmt="pipe", disable_numparse=True))
        parts.append("")
    detail = _detail(checklist.progress)
    parts.append("**" + _("Overall: ") + progress_line(checklist.progress) + "**"
                 + ("; " + detail if detail else "") + ".")
    if checklist.unanswered:
        parts.append("")
        parts.append(_("Unanswered: {ids}").format(
            ids=", ".join(markdown_code(i) for i in checklist.unanswered)))
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
    return json_document(payload)


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
        out.append(terminal(row.due or _("no due date")), style="bold red" if row.overdue else "bold")
        if row.overdue:
            out.append("  " + _("overdue"), style="bold red")
        if row.status != "open":
            out.append("  " + terminal(todo_status_label(row.status)), style="dim")
        out.append("  " + terminal(row.ref) + "\n", style="cyan")
        out.append("  " + (terminal_line(row.title or "") or "–") + "\n")
        details = [_("Owner: {owner}").format(owner=terminal_line(row.owner or "") or "–")]
        if row.item:
            text = label((items or {}).get(row.item)) if items else ""
            short = " ".join(text.split())
            if len(short) > 70:
                short = short[:69].rstrip() + "…"
            details.append(_("Item: {item}").format(item=terminal(row.item))
                           + (f" ({terminal_line(short)})" if short else ""))
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
        due = markdown(row.due or "–")
        if row.overdue:
            due = f"**{due}** ({_('overdue')})"
        table.append([due, markdown(row.title or ""), markdown(row.owner or ""),
                      markdown_code(row.item or ""), markdown(todo_status_label(row.status)),
                      markdown_code(row.ref)])
    return ("**" + _todo_heading(rows, status, today) + "**\n\n"
            + tabulate(table, headers=headers, tablefmt="pipe", disable_numparse=True) + "\n")


def todos_json(rows: Sequence[TodoRow], color: bool = False, **_options: Any) -> str:
    return json_document({"todos": [r.as_json() for r in rows]})


def todos_csv(rows: Sequence[TodoRow], color: bool = False, **_options: Any) -> str:
    return csv_table(TODO_KEYS, ([row.as_json()[k] for k in TODO_KEYS] for row in rows))


TODO_RENDERERS: dict[str, Callable[..., str]] = {
    "text": todos_text,
    "markdown": todos_markdown,
    "json": todos_json,
    "csv": todos_csv,
}
