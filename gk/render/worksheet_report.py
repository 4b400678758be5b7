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
    csv_excel_table,
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


def todos_csv_excel(rows: Sequence[TodoRow], color: bool = False, **_options: Any) -> str:
    """The rows of :func:`todos_csv` for German Excel (see escape.csv_excel_table)."""
    return csv_excel_table(TODO_KEYS, ([row.as_json()[k] for k in TODO_KEYS] for row in rows))


TODO_RENDERERS: dict[str, Callable[..., str]] = {
    "text": todos_text,
    "markdown": todos_markdown,
    "json": todos_json,
    "csv": todos_csv,
    "csv-excel": todos_csv_excel,
}


# --- documents (HTML) ---------------------------------------------------------------------

def _status_counts(progress: Progress) -> list[float]:
    counts = progress.as_dict()
    return [float(counts[s]) for s in (*item_statuses(), "unanswered")]


def checklist_document(checklist: Checklist, todos: Sequence[TodoRow] = (),
                       items: dict[str, dict[str, str]] | None = None) -> Any:
    """The checklist as a document to hand to the alliance: an overview (a table and a
    stacked chart of the statuses per section), each section's items with status and note,
    and the sheet's to-dos."""
    from gk.render.reports import Chart, Document, Para, Section, Series, Table

    first, second = _heading(checklist)
    detail = _detail(checklist.progress)
    intro = [second, _("Overall: ") + progress_line(checklist.progress)
             + ("; " + detail if detail else "") + ".",
             _("Overdue to-dos are marked as such after their date.")]
    names = [status_label(s) for s in (*item_statuses(), None)]
    titles = [_section_title(s.title, s.id) for s in checklist.sections]
    overview = Section(_("Overview"), [
        Table([_("Section"), *names, _("done (%)")],
              [[title, *(str(int(n)) for n in _status_counts(s.progress)), _percent(s.progress)]
               for title, s in zip(titles, checklist.sections, strict=True)],
              tuple(range(1, len(names) + 2)),
              _("Items per section and status; not applicable items do not count towards the "
                "share done.")),
        Chart("stacked", _("Checklist status per section"), titles,
              [Series(name, [_status_counts(s.progress)[n] for s in checklist.sections])
               for n, name in enumerate(names)], unit=_("items"))])
    sections = [overview]
    number = 0
    for title, section in zip(titles, checklist.sections, strict=True):
        rows = []
        for entry in section.entries:
            number += 1
            shown = status_label(entry.status) if entry.invalid is None else entry.invalid
            rows.append([f"P{number}", _entry_text(entry), f"{MARKS[entry.status]} {shown}",
                         entry.note or ""])
        sections.append(Section(title, [
            Para(progress_line(section.progress)),
            Table([_("No."), _("Item"), _("Status"), _("Note")], rows, (),
                  _("Items of the section '{section}' with status and note.").format(
                      section=title))]))
    sections.append(Section(_("To-dos of this worksheet"), [
        _todo_table(todos, items, with_reference=False) if todos
        else Para(_("This worksheet has no to-dos."))]))
    return Document(first, intro, sections)


def _todo_table(rows: Sequence[TodoRow], items: dict[str, dict[str, str]] | None,
                with_reference: bool = True) -> Any:
    from gk.render.reports import Table

    headers = [_("Due"), _("To-do"), _("Owner"), _("Status"), _("Item")]
    if with_reference:
        headers.append(_("Reference"))
    table = []
    for row in rows:
        due = row.due or _("no due date")
        if row.overdue:
            due += " (" + _("overdue") + ")"
        item = ""
        if row.item:
            text = " ".join(label((items or {}).get(row.item) or {}).split())
            if len(text) > 70:
                text = text[:69].rsplit(" ", 1)[0].rstrip(",;:") + " …"
            item = f"{text} ({row.item})" if text else row.item
        cells = [due, row.title or "–", row.owner or "–", todo_status_label(row.status), item]
        if with_reference:
            cells.append(row.ref)
        table.append(cells)
    return Table(headers, table, ())


def checklist_html(checklist: Checklist, color: bool = False, *,
                   todos: Sequence[TodoRow] = (),
                   items: dict[str, dict[str, str]] | None = None) -> str:
    from gk.render.html import render_html

    return render_html(checklist_document(checklist, todos, items), breaks=False)


def todos_document(rows: Sequence[TodoRow], *, status: str = "open",
                   today: dt.date | None = None,
                   items: dict[str, dict[str, str]] | None = None,
                   names: dict[str, str] | None = None) -> Any:
    """The to-do list as a document: a section per alliance, titled with its name (and id,
    which ``gk todo ALLIANCE`` takes) when ``names`` knows it."""
    from gk.render.reports import Document, Para, Section

    today = today or dt.date.today()
    if not rows:
        empty = _("No open to-dos.") if status == "open" else _("No to-dos found.")
        return Document(_("To-dos"), [], [Section(_("To-dos"), [Para(empty)])])
    by_alliance: dict[str, list[TodoRow]] = {}
    for row in rows:
        by_alliance.setdefault(row.alliance, []).append(row)
    names = names or {}
    sections = [Section(f"{names[alliance]} ({alliance})" if names.get(alliance) else alliance,
                        [_todo_table(group, items)])
                for alliance, group in by_alliance.items()]
    return Document(_("To-dos"), [_todo_heading(rows, status, today) + ".",
                                  _("Overdue to-dos are marked as such after their date.")],
                    sections)


def todos_html(rows: Sequence[TodoRow], color: bool = False, *, status: str = "open",
               today: dt.date | None = None,
               items: dict[str, dict[str, str]] | None = None,
               names: dict[str, str] | None = None) -> str:
    from gk.render.html import render_html

    return render_html(todos_document(rows, status=status, today=today, items=items,
                                      names=names), breaks=False)


CHECKLIST_RENDERERS["html"] = checklist_html
TODO_RENDERERS["html"] = todos_html


# --- a protocol (Begleitprotokoll) ----------------------------------------------------------

def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [" ".join(str(v).split()) for v in value if isinstance(v, str | int | float)]
    return [" ".join(value.split())] if isinstance(value, str) else []


def protocol_document(sheet: Any, alliance_name: str, template_title: dict[str, str],
                      todos: Sequence[TodoRow] = (),
                      items: dict[str, dict[str, str]] | None = None) -> Any:
    """A protocol worksheet (Begleitprotokoll) as a document: the meeting, who took part,
    the topics, the summary and what was agreed (the sheet's to-dos)."""
    from gk.render.reports import Document, Para, Section, Table

    data = sheet.data
    title = label(template_title) or sheet.template or sheet.id
    first = _("{title} – {alliance}, {date}").format(title=title, alliance=alliance_name,
                                                      date=sheet.date or "?")
    facts = [[_("Date"), sheet.date or "–"]]
    for key, name in (("consultant", _("Process consultancy")), ("author", _("Written by")),
                      ("days", _("Consulting days"))):
        value = data.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            facts.append([name, str(value).replace(".", ",") if get_language() == "de"
                          and isinstance(value, float) else str(value)])
    sections = [Section(_("Meeting"), [Table([_("Entry"), _("Value")], facts, (),
                                             _("When, with whom and how many consulting days."))])]
    participants = _texts(data.get("participants"))
    sections.append(Section(_("Participants"), [
        Table([_("Role or body")], [[p] for p in participants], (),
              _("Who took part (roles and bodies, no names)."))
        if participants else Para(_("No participants recorded."))]))
    topics = _texts(data.get("topics"))
    sections.append(Section(_("Topics"), [
        Table([_("Topic")], [[t] for t in topics], (), _("What was talked about."))
        if topics else Para(_("No topics recorded."))]))
    summary = _texts(data.get("summary"))
    sections.append(Section(_("Summary"), [Para(t) for t in summary]
                            or [Para(_("No summary recorded."))]))
    sections.append(Section(_("Agreements"), [
        _todo_table(todos, items, with_reference=False) if todos
        else Para(_("No agreements recorded as to-dos."))]))
    second = _("Worksheet {worksheet} of {date} ({file})").format(
        worksheet=sheet.id, date=sheet.date or "?", file=sheet.file)
    return Document(first, [second, _("Overdue to-dos are marked as such after their date.")]
                    if any(t.overdue for t in todos) else [second], sections)


def render_protocol(fmt: str, doc: Any, color: bool = False) -> str:
    """A protocol document in one of the document formats (text, markdown, html)."""
    from gk.render.reports import render_markdown, render_plain

    if fmt == "html":
        from gk.render.html import render_html

        return render_html(doc, breaks=False)
    if fmt == "markdown":
        return render_markdown(doc)
    return render_plain(doc, color)


def protocol_json(sheet: Any, todos: Sequence[TodoRow]) -> str:
    data = sheet.data
    payload = {"alliance": sheet.alliance, "worksheet": sheet.id, "file": sheet.file,
               "template": sheet.template, "date": sheet.date,
               **{key: data.get(key) for key in ("consultant", "author", "days",
                                                 "participants", "topics", "summary")},
               "todos": [row.as_json() for row in todos]}
    return json_document(payload)
