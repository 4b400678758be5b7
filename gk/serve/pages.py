"""The pages of ``gk serve`` as HTML: overview, alliance, findings, the form of a file.

Every value from the files goes through ``gk.render.escape.html_text``/``html_attr``; the
numbers come from the same analyses the command line uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from gk.i18n import _, get_language, label
from gk.render.escape import html_attr, html_text


def layout(title: str, body: str, repo_name: str = "") -> str:
    heading = html_text(repo_name or "gk")
    return (f'<!doctype html><html lang="{get_language()}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html_text(title)} – {heading}</title>"
            f'<link rel="stylesheet" href="/static/gk.css">'
            f'<script src="/static/gk.js" defer></script></head><body>'
            f'<a class="skip" href="#main">{html_text(_("Skip to content"))}</a>'
            f'<header><nav aria-label="{html_attr(_("Main"))}"><ul>'
            f'<li><a href="/">{html_text(_("Overview"))}</a></li>'
            f'<li><a href="/findings">{html_text(_("Findings"))}</a></li>'
            f'</ul></nav><p class="repo">{heading}</p></header>'
            f'<main id="main">{body}</main></body></html>')


def link(href: str, text: str) -> str:
    return f'<a href="{html_attr(href)}">{html_text(text)}</a>'


def file_url(rel: str) -> str:
    return "/file/" + quote(rel)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "") -> str:
    """A table of cells that are already HTML."""
    head = "".join(f'<th scope="col">{html_text(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(rows_cells(row)) + "</tr>" for row in rows)
    cap = f"<caption>{html_text(caption)}</caption>" if caption else ""
    return (f'<div class="scroll"><table>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def rows_cells(row: Sequence[str]) -> list[str]:
    return [f'<th scope="row">{row[0]}</th>', *(f"<td>{cell}</td>" for cell in row[1:])]


def message(kind: str, text: str) -> str:
    role = "alert" if kind == "error" else "status"
    return f'<div class="msg {html_attr(kind)}" role="{role}"><p>{html_text(text)}</p></div>'


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{html_attr(name)}" value="{html_attr(value)}">'


def count_findings(findings: Iterable[Any], files: set[str] | None = None) -> tuple[int, int]:
    errors = warnings = 0
    for finding in findings:
        if files is not None and finding.file not in files:
            continue
        if finding.severity == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def findings_cell(errors: int, warnings: int) -> str:
    if not errors and not warnings:
        return html_text(_("none"))
    parts = []
    if errors:
        parts.append(f'<span class="error">{html_text(_("errors: {n}").format(n=errors))}</span>')
    if warnings:
        parts.append(html_text(_("warnings: {n}").format(n=warnings)))
    return ", ".join(parts)


# --- overview -----------------------------------------------------------------------------

def overview(repo: Any, result: Any, today: dt.date, git: dict[str, Any], form_token: str,
             notice: str = "") -> str:
    from gk.analyses.worksheets import list_todos
    from gk.domain import SHIPPED_TEMPLATES
    from gk.render.reports import enum_label

    templates = [*SHIPPED_TEMPLATES, *sorted(t for t in repo.templates
                                             if t not in SHIPPED_TEMPLATES)]
    todos = list_todos(repo, today)
    rows = []
    for alliance_id in sorted(repo.alliances):
        alliance = repo.alliances[alliance_id]
        files = {alliance.file, *(s.file for s in repo.services_of(alliance_id)),
                 *(w.file for w in repo.worksheets_of(alliance_id))}
        errors, warnings = count_findings(result.findings, files)
        mine = [t for t in todos if t.alliance == alliance_id]
        overdue = sum(1 for t in mine if t.overdue)
        rows.append([link(f"/alliance/{alliance_id}", alliance.name),
                     html_text(enum_label("alliance-type", alliance.type)),
                     findings_cell(errors, warnings), str(len(mine)),
                     f'<span class="error">{overdue}</span>' if overdue else "0",
                     *(str(len(repo.worksheets_of(alliance_id, t))) for t in templates)])
    titles = [label(repo.templates[t].title) if t in repo.templates else t for t in templates]
    errors, warnings = count_findings(result.findings)
    body = [f"<h1>{html_text(_('Overview'))}</h1>", notice,
            f"<p>{html_text(_('Findings in the whole repository:'))} "
            f'{findings_cell(errors, warnings)} – {link("/findings", _("show all findings"))}</p>',
            table([_("Alliance"), _("Type"), _("Findings"), _("Open to-dos"), _("Overdue"),
                   *titles], rows, _("Alliances, their findings, to-dos and worksheets")),
            f'<p>{link("/new/alliance", _("Create a new alliance"))}</p>',
            share_section(git, form_token)]
    return "".join(body)


def share_section(git: dict[str, Any], form_token: str) -> str:
    if not git.get("repository"):
        return (f"<h2>{html_text(_('Sharing the work'))}</h2><p>"
                + html_text(_("This folder is no git repository: changes are saved in the "
                              "files only.")) + "</p>")
    changed = git.get("changed", [])
    written = git.get("written", [])
    out = [f"<h2>{html_text(_('Sharing the work'))}</h2>"]
    if not changed:
        out.append(f"<p>{html_text(_('All changes are committed.'))}</p>")
        return "".join(out)
    out.append(f"<p>{html_text(_('Changed and not yet committed:'))}</p><ul class='files'>")
    out.extend(f"<li><code>{html_text(path)}</code> ({html_text(status)})</li>"
               for status, path in changed)
    out.append("</ul>")
    if written:
        out.append(
            f'<form method="post" action="/commit">{hidden("form_token", form_token)}'
            f"<p>{html_text(_('These files were changed here and will be committed:'))} "
            + ", ".join(f"<code>{html_text(p)}</code>" for p in written) + "</p>"
            f'<div class="field"><label for="commit-message">'
            f'{html_text(_("What did you change? (commit message)"))}</label>'
            f'<input type="text" id="commit-message" name="message" required></div>'
            f'<button type="submit">{html_text(_("Save changes (commit)"))}</button></form>')
    return "".join(out)


# --- an alliance --------------------------------------------------------------------------

def alliance_page(repo: Any, result: Any, alliance_id: str, today: dt.date,
                  form_token: str) -> str:
    from gk.analyses.worksheets import build_checklist, list_todos
    from gk.domain import CHECKLIST_TEMPLATE, SHIPPED_TEMPLATES
    from gk.render.reports import enum_label

    alliance = repo.alliances[alliance_id]
    out = [f"<h1>{html_text(alliance.name)}</h1>",
           f"<p>{link(file_url(alliance.file), _('Edit the alliance'))}</p>"]
    files = {alliance.file, *(s.file for s in repo.services_of(alliance_id)),
             *(w.file for w in repo.worksheets_of(alliance_id))}
    errors, warnings = count_findings(result.findings, files)
    out.append(f"<p>{html_text(_('Findings:'))} {findings_cell(errors, warnings)}</p>")
    # services
    services = sorted(repo.services_of(alliance_id), key=lambda s: s.title.casefold())
    out.append(f"<h2>{html_text(_('Services'))}</h2>")
    if services:
        out.append(table([_("Service"), _("Status"), _("Fields")], (
            [link(file_url(s.file), s.title), html_text(enum_label("service-status", s.status)),
             html_text(", ".join(enum_label("field", f) for f in s.fields))]
            for s in services)))
    else:
        out.append(f"<p>{html_text(_('No services yet.'))}</p>")
    out.append(f'<p>{link(f"/new/service/{alliance_id}", _("Create a new service"))}</p>')
    # worksheets
    out.append(f"<h2>{html_text(_('Worksheets'))}</h2>")
    sheets = list(reversed(repo.worksheets_of(alliance_id)))
    if sheets:
        out.append(table([_("Worksheet"), _("Template"), _("Date"), _("Open to-dos")], (
            [link(file_url(w.file), w.id),
             html_text(label(repo.templates[w.template].title) if w.template in repo.templates
                       else (w.template or "–")),
             html_text(w.date or "–"),
             str(sum(1 for t in w.todos if t.status in (None, "open")))] for w in sheets)))
    out.append(new_sheet_form(alliance_id, [*SHIPPED_TEMPLATES, *sorted(
        t for t in repo.templates if t not in SHIPPED_TEMPLATES)], repo, today, form_token))
    # checklist progress
    current = repo.current_worksheet(alliance_id, CHECKLIST_TEMPLATE)
    if current is not None:
        checklist = build_checklist(repo, current)
        out.append(f"<h2>{html_text(_('Checklist progress'))}</h2>"
                   f"<p>{link(file_url(current.file), current.id)}</p>")
        rows = []
        for section in checklist.sections:
            p = section.progress
            rows.append([html_text(label(section.title) or (section.id or "–")),
                         str(p.done), str(p.in_progress), str(p.open), str(p.not_applicable),
                         str(p.unanswered),
                         "–" if p.percent is None else f"{p.percent} %"])
        out.append(table([_("Section"), enum_label("item-status", "done"),
                          enum_label("item-status", "in-progress"),
                          enum_label("item-status", "open"),
                          enum_label("item-status", "not-applicable"), _("unanswered"),
                          _("done of applicable")], rows))
    out.append(gap_matrix(repo, alliance_id))
    # to-dos
    todos = list_todos(repo, today, alliance=alliance_id)
    out.append(f"<h2>{html_text(_('Open to-dos'))}</h2>")
    if todos:
        out.append(table([_("To-do"), _("Owner"), _("Due"), _("Worksheet")], (
            [link(file_url(t.file) + "#" + quote("f-todos"), t.title or t.id),
             html_text(t.owner or "–"),
             (f'<span class="error">{html_text(t.due or "")} ({html_text(_("overdue"))})</span>'
              if t.overdue else html_text(t.due or "–")),
             html_text(t.worksheet)] for t in todos)))
    else:
        out.append(f"<p>{html_text(_('No open to-dos.'))}</p>")
    return "".join(out)


def gap_matrix(repo: Any, alliance_id: str) -> str:
    from gk.analyses.gaps import analyse_gaps
    from gk.domain import STATUSES_OF_INTEREST, service_fields
    from gk.render.reports import _gap_cell, enum_label

    report = analyse_gaps(repo, only=[alliance_id])
    if not report.alliances:
        return ""
    entry = report.alliances[0]
    rows = []
    for field_ in service_fields():
        cells = [html_text(enum_label("field", field_))]
        for status in STATUSES_OF_INTEREST:
            text = _gap_cell(entry, entry.gap(field_, status), field_, status)
            gap = entry.gap(field_, status)
            cells.append(f'<strong class="error">{html_text(text)}</strong>' if gap is not None
                         else html_text(text))
        rows.append(cells)
    return (f"<h2>{html_text(_('Gaps'))}</h2>"
            + table([_("Field"), *(enum_label("residence-status", s)
                                   for s in STATUSES_OF_INTEREST)], rows))


def new_sheet_form(alliance_id: str, templates: list[str], repo: Any, today: dt.date,
                   form_token: str) -> str:
    options = "".join(
        f'<option value="{html_attr(t)}">'
        f'{html_text(label(repo.templates[t].title) if t in repo.templates else t)}</option>'
        for t in templates)
    return (f'<form method="post" action="/new/worksheet/{html_attr(alliance_id)}" class="new">'
            f"<h3>{html_text(_('New worksheet'))}</h3>{hidden('form_token', form_token)}"
            f'<div class="field"><label for="new-template">{html_text(_("Template"))}</label>'
            f'<select id="new-template" name="template">{options}</select></div>'
            f'<div class="field"><label for="new-date">{html_text(_("Date"))}</label>'
            f'<input type="date" id="new-date" name="date" value="{today.isoformat()}"></div>'
            f'<div class="field"><label class="choice" for="new-previous">'
            f'<input type="checkbox" id="new-previous" name="previous" value="1"> '
            f'{html_text(_("Start from the latest sheet of this template (its answers and notes)"))}'
            f"</label></div>"
            f'<button type="submit">{html_text(_("Create worksheet"))}</button></form>')


# --- findings -----------------------------------------------------------------------------

def findings_page(result: Any, anchors: dict[tuple[str, int, int], str]) -> str:
    rows = []
    for finding in result.findings:
        name = anchors.get((finding.file, finding.line, finding.column))
        where = f"{finding.file}:{finding.line}:{finding.column}"
        target = (link(file_url(finding.file) + "?focus=" + quote(name), where)
                  if name is not None else html_text(where))
        severity = _("Error") if finding.severity == "error" else _("Warning")
        rows.append([target, f'<span class="{html_attr(finding.severity)}">'
                     f"{html_text(severity)}</span>", html_text(finding.code),
                     html_text(finding.text)])
    if not rows:
        return f"<h1>{html_text(_('Findings'))}</h1><p>{html_text(_('gk check finds nothing.'))}</p>"
    return (f"<h1>{html_text(_('Findings'))}</h1>"
            + table([_("Where"), _("Severity"), _("Code"), _("Message")], rows))
