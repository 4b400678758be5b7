"""The handlers of ``gk serve``: each parses its request, calls the core and renders a page.

A file is named in the address by its place in the repository (``/file/worksheets/<alliance>/
<id>.yaml``); only places where gk keeps documents are accepted, every part must be an id,
and the file is read and written through gk.edit.atomic (no link is followed).
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import html
import os
import re
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from gk.errors import GkError
from gk.i18n import _, get_language, label
from gk.render.escape import html_attr, html_text
from gk.serve import forms, pages
from gk.serve.app import STATIC, Refused

if TYPE_CHECKING:
    from gk.serve.app import Handler

Query = dict[str, list[str]]
Form = dict[str, list[str]] | None


def static(handler: Handler, name: str) -> None:
    from gk.data import FOLDER

    if name not in STATIC:
        raise Refused(HTTPStatus.NOT_FOUND, _("There is no such page."))
    with open(os.path.join(FOLDER, "web", name), "rb") as handle:
        body = handle.read()
    handler.send(HTTPStatus.OK, body, STATIC[name])


def _notice(query: Query) -> str:
    if query.get("saved") == ["1"]:
        return pages.message("ok", _("Saved."))
    if query.get("saved") == ["0"]:
        return pages.message("ok", _("Nothing was changed, so nothing was saved."))
    if query.get("created") == ["1"]:
        return pages.message("ok", _("Created. Fill in the rest and save."))
    if query.get("committed") == ["1"]:
        return pages.message("ok", _("The changes are committed."))
    return ""


# --- overview, alliance, findings ---------------------------------------------------------

def overview(handler: Handler, path: str, query: Query, form: Form) -> None:
    from gk.serve import gitshare

    if path != "/":
        raise Refused(HTTPStatus.NOT_FOUND, _("There is no such page."))
    app = handler.app
    git: dict[str, Any] = {"repository": gitshare.is_repository(app.root)}
    if git["repository"]:
        changed = gitshare.changed_files(app.root)
        git["changed"] = changed
        names = {p for _s, p in changed}
        git["written"] = [p for p in app.written if p in names]
    body = pages.overview(app.load(), app.check(), app.day(), git, app.gate.form_token,
                          _notice(query))
    handler.page(_("Overview"), body)


def alliance(handler: Handler, path: str, query: Query, form: Form) -> None:
    parts = path.split("/")
    repo = handler.app.load()
    if len(parts) != 3 or parts[2] not in repo.alliances:
        raise Refused(HTTPStatus.NOT_FOUND, _("There is no such alliance."))
    body = pages.alliance_page(repo, handler.app.check(), parts[2], handler.app.day(),
                               handler.app.gate.form_token)
    handler.page(repo.alliances[parts[2]].name, _notice(query) + body)


def findings(handler: Handler, path: str, query: Query, form: Form) -> None:
    from gk.engine.load import load_file

    app = handler.app
    result = app.check()
    anchors: dict[tuple[str, int, int], str] = {}
    for rel in sorted({f.file for f in result.findings}):
        if _place(rel) is None:
            continue
        positions: dict[Any, Any] = {}
        load_file(app.root, rel, positions)
        for finding in result.findings:
            if finding.file == rel:
                anchors[(rel, finding.line, finding.column)] = forms.name_of(
                    _path_at(positions, finding.line, finding.column))
    handler.page(_("Findings"), pages.findings_page(result, anchors))


# --- files --------------------------------------------------------------------------------

def _place(rel: str) -> tuple[str, str | None, str] | None:
    from gk.domain import is_id, place_of

    place = place_of(rel)
    if place is None or place[0] not in ("alliance", "service", "worksheet"):
        return None
    if not is_id(place[2]) or (place[1] is not None and not is_id(place[1])):
        return None
    return place


def _file_rel(path: str) -> tuple[str, tuple[str, str | None, str]]:
    rel = path[len("/file/"):]
    place = _place(rel)
    if place is None:
        raise Refused(HTTPStatus.NOT_FOUND, _("gk shows only the files of alliances, services "
                                              "and worksheets."))
    return rel, place


def _read(root: FsPath, rel: str) -> bytes:
    from gk.edit.atomic import read_in_repository

    try:
        return read_in_repository(root, rel).raw
    except FileNotFoundError as exc:
        raise Refused(HTTPStatus.NOT_FOUND, _("The file '{path}' does not exist.").format(
            path=rel)) from exc
    except OSError as exc:
        raise GkError(_("The file '{path}' cannot be read ({error}).").format(
            path=rel, error=exc.strerror or exc)) from exc


def schema_for(root: FsPath, kind: str, data: Any) -> tuple[forms.SchemaView, dict[str, str]]:
    """The form's schema (localized) and the section title of each checklist item (in
    template order; a to-do's ``item`` is chosen from these items)."""
    from gk.domain import SHIPPED_TEMPLATES
    from gk.engine.model import Template
    from gk.engine.pipeline import custom_templates
    from gk.engine.schemas import localized, schema, worksheet_schema_for_template
    from gk.engine.shipped_templates import shipped

    sections: dict[str, str] = {}
    if kind != "worksheet":
        return forms.SchemaView(localized(schema(kind), get_language())), sections
    template_id = data.get("template") if isinstance(data, dict) else None
    template: Template | None = None
    if template_id in SHIPPED_TEMPLATES:
        bundled = schema(f"worksheet-{template_id}")
        template = shipped()[str(template_id)]
    else:
        custom, _results = custom_templates(root)
        if isinstance(template_id, str) and template_id in custom:
            bundled = worksheet_schema_for_template(custom[template_id])
            template = Template.from_data(custom[template_id])
        else:
            bundled = schema("worksheet")
    if template is not None:
        titles = dict(template.sections)
        for item in template.items:
            sections[item.id] = (label(titles.get(item.section)) or item.section
                                 if item.section else "")
    return forms.SchemaView(localized(bundled, get_language())), sections


def _path_at(positions: dict[Any, Any], line: int, column: int) -> tuple[Any, ...]:
    """The JSON path a finding at (line, column) points at (the deepest one there)."""
    best: tuple[Any, ...] = ()
    for path, where in positions.items():
        at = (line, column) in ((where[0], where[1]), (where[2], where[3]))
        if at and len(path) >= len(best):
            best = path
    if best:
        return best
    for path, where in positions.items():
        if where[0] == line and len(path) > len(best):
            best = path
    return best


_IDS = re.compile(r'id="f-([^"]*)"')


def _render_form(view: forms.SchemaView, data: dict[str, Any], sections: dict[str, str],
                 origins: dict[str, list[int | None]], found: list[Any],
                 positions: dict[Any, Any], only: frozenset[str] | None = None
                 ) -> tuple[str, list[tuple[Any, str | None]]]:
    """The form's fields, with each finding next to its field (or its nearest shown parent);
    returns the HTML and the findings with the field name each was put at."""
    ctx = forms.Context(view, sections={k: v for k, v in sections.items() if v},
                        origins=origins, only=only,
                        last=("todos",))  # as gk new writes worksheets: the to-dos at the end
    if sections:  # a to-do serves one of the template's items
        items = view.properties(view.properties(view.root).get("items", {}))
        ctx.references["item"] = [(item, view.title(items[item], item) if item in items
                                   else item) for item in sections]
    first = forms.render_object(ctx, view.root, (), data)
    shown = {html.unescape(m) for m in _IDS.findall(first)}
    placed: list[tuple[Any, str | None]] = []
    for finding in found:
        path = _path_at(positions, finding.line, finding.column) if finding.line else ()
        name: str | None = None
        while path:
            candidate = forms.name_of(path)
            if candidate in shown:
                name = candidate
                break
            path = path[:-1]
        placed.append((finding, name))
        if name is not None:
            ctx.findings.setdefault(name, []).append((finding.severity, finding.text))
    return forms.render_object(ctx, view.root, (), data), placed


def _findings_list(placed: list[tuple[Any, str | None]]) -> str:
    if not placed:
        return ""
    items = []
    for finding, name in placed:
        word = _("Error") if finding.severity == "error" else _("Warning")
        where = _("line {line}").format(line=finding.line)
        text = f"{word} ({where}, {finding.code}): {finding.text}"
        items.append(f'<li class="{html_attr(finding.severity)}">'
                     + (f'<a href="#{html_attr("f-" + name)}">{html_text(text)}</a>' if name
                        else html_text(text)) + "</li>")
    return (f'<section class="findings" aria-labelledby="findings-title">'
            f'<h2 id="findings-title">{html_text(_("What gk check finds in this file"))}</h2>'
            f'<ul>{"".join(items)}</ul></section>')


def _file_findings(handler: Handler, rel: str) -> list[Any]:
    return list(handler.app.check().limited_to([rel]).findings)


def _title_of(kind: str, place: tuple[str, str | None, str]) -> str:
    what = {"alliance": _("Alliance"), "service": _("Service"), "worksheet": _("Worksheet")}
    return f"{what[kind]} {place[2]}"


def file_page(handler: Handler, path: str, query: Query, form: Form) -> None:
    from gk.engine.load import load_bytes

    app = handler.app
    rel, place = _file_rel(path)
    raw = _read(app.root, rel)
    positions: dict[Any, Any] = {}
    loaded = load_bytes(raw, rel, positions)
    found = _file_findings(handler, rel)
    if not isinstance(loaded.data, dict):
        placed: list[tuple[Any, str | None]] = [(f, None) for f in (found or loaded.findings)]
        body = (f"<h1>{html_text(_title_of(place[0], place))}</h1>"
                + pages.message("error", _("This file does not load, so gk cannot show it as a "
                                           "form. Fix it in a text editor first."))
                + _findings_list(placed))
        handler.page(_title_of(place[0], place), body)
        return
    view, sections = schema_for(app.root, place[0], loaded.data)
    base = app.remember(raw)
    fields, placed = _render_form(view, loaded.data, sections, {}, found, positions)
    if "focus" in query:
        wanted = query["focus"][0]
        shown = {html.unescape(m) for m in _IDS.findall(fields)}
        while wanted and wanted not in shown:
            wanted = wanted.rpartition("/")[0]
        handler.redirect(pages.file_url(rel) + ("#" + quote("f-" + wanted) if wanted else ""))
        return
    handler.page(_title_of(place[0], place), _file_body(handler, rel, place, base, fields, placed,
                                                            _notice(query)))


def _file_body(handler: Handler, rel: str, place: tuple[str, str | None, str], base: str,
               fields: str, placed: list[tuple[Any, str | None]], notice: str) -> str:
    alliance_id = place[1] if place[0] != "alliance" else place[2]
    back = pages.link(f"/alliance/{alliance_id}", _("Back to the alliance")) if alliance_id \
        else ""
    save = f'<button type="submit" name="action" value="save">{html_text(_("Save"))}</button>'
    return (f"<h1>{html_text(_title_of(place[0], place))}</h1>"
            f'<p class="file">{back} · <code>{html_text(rel)}</code></p>{notice}'
            f"{_findings_list(placed)}"
            f'<p id="live-status" class="sr-only" role="status" aria-live="polite"></p>'
            f'<form method="post" action="{html_attr(pages.file_url(rel))}" class="doc" '
            f'data-check="{html_attr("/check/" + quote(rel))}">'
            f'{pages.hidden("form_token", handler.app.gate.form_token)}'
            f'{pages.hidden("base", base)}<div class="actions">{save}</div>{fields}'
            f'<div class="actions">{save}</div></form>')


def file_post(handler: Handler, path: str, query: Query, form: Form) -> None:
    from gk.engine.load import load_bytes

    assert form is not None
    app = handler.app
    rel, place = _file_rel(path)
    digest = (form.get("base") or [""])[0]
    base_raw = app.bases.get(digest)
    if base_raw is None:
        raise GkError(_("gk no longer knows the version this form was opened from (was gk "
                        "serve restarted?); nothing was saved. Open the file again."))
    positions: dict[Any, Any] = {}
    base_loaded = load_bytes(base_raw, rel, positions)
    if not isinstance(base_loaded.data, dict):
        raise GkError(_("This file does not load, so gk cannot save the form."))
    view, sections = schema_for(app.root, place[0], base_loaded.data)
    data, reading = forms.read_form(view, base_loaded.data, form)
    action = (form.get("action") or ["save"])[0]
    if action.startswith(("add:", "remove:")):
        change = forms.add_row if action.startswith("add:") else forms.remove_row
        change(data, reading, view, action.partition(":")[2])
        fields, placed = _render_form(view, data, sections, reading.origins,
                                      _file_findings(handler, rel), positions)
        handler.page(_title_of(place[0], place), _file_body(handler, rel, place, digest,
                                                            fields, placed, ""))
        return
    new = complete_new_rows(view, forms.prune(data, reading, view), reading)
    _save(handler, rel, place, base_raw, digest, base_loaded.data, new,
          (view, sections, data, reading, positions))


def check_route(handler: Handler, path: str, query: Query, form: Form) -> None:
    """Findings while typing: the form as it stands, checked as ``gk check`` checks one file
    (YAML, schema, the file's own rules), without saving; answered as JSON by field name."""
    import json

    from gk.domain import place_of
    from gk.edit.form_edit import changed_text
    from gk.edit.roundtrip import Document, Snapshot
    from gk.engine.discover import SourceFile
    from gk.engine.load import load_bytes, load_text
    from gk.engine.pipeline import check_bytes, custom_templates

    assert form is not None
    app = handler.app
    rel, place = _file_rel("/file/" + path[len("/check/"):])
    base_raw = app.bases.get((form.get("base") or [""])[0])
    if base_raw is None:
        raise Refused(HTTPStatus.CONFLICT, _("There is no such page."))
    positions: dict[Any, Any] = {}
    loaded = load_bytes(base_raw, rel, positions)
    if not isinstance(loaded.data, dict) or loaded.text is None:
        raise Refused(HTTPStatus.CONFLICT, _("This file does not load, so gk cannot save the form."))
    view, _sections = schema_for(app.root, place[0], loaded.data)
    data, reading = forms.read_form(view, loaded.data, form)
    new = complete_new_rows(view, forms.prune(data, reading, view), reading)
    from gk.edit.atomic import Original

    doc = Document(Snapshot(app.root, rel, Original(base_raw, 0, 0, 0, 0)), loaded.text,
                   copy.deepcopy(loaded.data), positions)
    fields: dict[str, list[tuple[str, str]]] = {}
    other: list[str] = []
    try:
        text = changed_text(doc, new, rel)
    except GkError as exc:
        other.append(exc.message)
        text = None
    if text is not None:
        kind_place = place_of(rel)
        assert kind_place is not None
        custom, _results = custom_templates(app.root)
        result = check_bytes(SourceFile(rel, place[0], kind_place[1], kind_place[2]),
                             doc.encode(text), custom)
        new_positions: dict[Any, Any] = {}
        load_text(text, rel, new_positions)
        for finding in result.findings:
            found_at = _path_at(new_positions, finding.line, finding.column)
            fields.setdefault(forms.name_of(found_at), []).append((finding.severity,
                                                                    finding.text))
    errors = sum(1 for items in fields.values() for sev, _t in items if sev == "error")
    warnings = sum(len(items) for items in fields.values()) - errors
    summary = _("Not saved yet – errors: {errors}, warnings: {warnings}.").format(
        errors=errors, warnings=warnings)
    words = {"error": _("Error"), "warning": _("Warning")}
    body = json.dumps({"fields": fields, "other": other, "summary": summary, "words": words},
                      ensure_ascii=False)
    handler.send(HTTPStatus.OK, body.encode("utf-8"), "application/json; charset=utf-8")


def complete_new_rows(view: forms.SchemaView, data: dict[str, Any],
                      reading: forms.Reading) -> dict[str, Any]:
    """New list rows that need an ``id`` get one made from their title (unique in the list),
    and a required ``status`` they lack gets the first allowed value (a new to-do is open)."""
    from gk.domain import slugify, unique_id

    for name, origins in reading.origins.items():
        node, rows = forms._locate(view, data, name, create=False)
        if node is None or not isinstance(rows, list):
            continue
        items = view.resolve(node).get("items", {})
        required = view.required(items)
        taken = [str(r["id"]) for r in rows if isinstance(r, dict) and isinstance(r.get("id"), str)]
        for index, row in enumerate(rows):
            new = index >= len(origins) or origins[index] is None
            if not new or not isinstance(row, dict):
                continue
            if "id" in required and "id" not in row:
                base = slugify(str(row.get("title") or ""), 40) or "aufgabe"
                row_id = unique_id(base, taken)
                taken.append(row_id)
                rows[index] = row = {"id": row_id, **row}
            for key, value in forms.new_row(view, items).items():
                row.setdefault(key, value)
    return data


def _save(handler: Handler, rel: str, place: tuple[str, str | None, str], base_raw: bytes,
          digest: str, base_data: dict[str, Any], new: dict[str, Any], state: tuple[Any, ...]
          ) -> None:
    from gk.edit.form_edit import changed_text
    from gk.edit.roundtrip import commit, open_document

    app = handler.app
    doc = open_document(app.root / rel, rel, app.root)
    if hashlib.sha256(doc.snapshot.raw).hexdigest() != digest:
        _conflict(handler, rel, place, base_raw, doc.text, new, state)
        return
    if new == doc.data:
        handler.redirect(pages.file_url(rel) + "?saved=0")
        return
    text = changed_text(doc, new, rel)
    commit(doc, text, new, rel)
    if rel in app.written:
        app.written.remove(rel)
    app.written.append(rel)
    handler.redirect(pages.file_url(rel) + "?saved=1")


def _conflict(handler: Handler, rel: str, place: tuple[str, str | None, str], base_raw: bytes,
              current: str, new: dict[str, Any], state: tuple[Any, ...]) -> None:
    from gk.edit.form_edit import changed_text
    from gk.edit.roundtrip import Document, Snapshot
    from gk.engine.load import load_bytes

    view, sections, data, reading, positions = state
    base_positions: dict[Any, Any] = {}
    loaded = load_bytes(base_raw, rel, base_positions)
    from gk.edit.atomic import Original

    doc = Document(Snapshot(handler.app.root, rel, Original(base_raw, 0, 0, 0, 0)),
                   loaded.text or "", copy.deepcopy(loaded.data), base_positions)
    try:
        mine = changed_text(doc, new, rel)
    except GkError as exc:
        mine = exc.message
    base_text = loaded.text or ""

    def diff(after: str, label_text: str) -> str:
        lines = difflib.unified_diff(base_text.splitlines(), after.splitlines(),
                                     "", "", lineterm="", n=1)
        shown = "\n".join(list(lines)[2:]) or _("(no difference)")
        return (f"<h3>{html_text(label_text)}</h3><pre class='diff'>{html_text(shown)}</pre>")

    fields, placed = _render_form(view, data, sections, reading.origins,
                                  _file_findings(handler, rel), positions)
    message = pages.message("error", _("The file was changed by someone else (or another "
                                       "program) since you opened this form; nothing was "
                                       "saved. Both versions are shown below. Open the file "
                                       "again and enter your changes once more."))
    versions = (diff(current, _("Changed in the file since you opened the form"))
                + diff(mine, _("Your changes")))
    reload_link = f"<p>{pages.link(pages.file_url(rel), _('Open the current version'))}</p>"
    body = _file_body(handler, rel, place, hashlib.sha256(base_raw).hexdigest(), fields,
                      placed, message + versions + reload_link)
    handler.page(_title_of(place[0], place), body, HTTPStatus.CONFLICT)


def file_route(handler: Handler, path: str, query: Query, form: Form) -> None:
    (file_post if form is not None else file_page)(handler, path, query, form)


# --- new files ----------------------------------------------------------------------------

def new_route(handler: Handler, path: str, query: Query, form: Form) -> None:
    from gk.edit import skeletons

    parts = path.split("/")[2:]
    app = handler.app
    around = skeletons.surroundings(app.root)
    if not parts or parts[0] not in ("alliance", "service", "worksheet"):
        raise Refused(HTTPStatus.NOT_FOUND, _("There is no such page."))
    kind = parts[0]
    alliance_id = parts[1] if len(parts) > 1 else None
    if kind != "alliance" and (alliance_id is None or alliance_id not in around.alliances):
        raise Refused(HTTPStatus.NOT_FOUND, _("There is no such alliance."))
    if kind == "worksheet":
        if form is None:
            raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, _("There is no such page."))
        _new_worksheet(handler, str(alliance_id), form, around)
        return
    _new_document(handler, kind, alliance_id, form, around)


def _new_document(handler: Handler, kind: str, alliance_id: str | None, form: Form,
                  around: Any) -> None:
    """A new alliance or service: its id and required keys in the generated form."""
    from gk.domain import is_id, path_of
    from gk.edit import skeletons

    app = handler.app
    view, sections = schema_for(app.root, kind, {})
    only = frozenset(view.required(view.root)) - {"id"}
    data: dict[str, Any] = {}
    origins: dict[str, list[int | None]] = {}
    errors: list[str] = []
    new_id = ""
    if form is not None:
        data, reading = forms.read_form(view, {}, form)
        origins = reading.origins
        new_id = (form.get("new_id") or [""])[0].strip()
        action = (form.get("action") or ["create"])[0]
        if action.startswith(("add:", "remove:")):
            (forms.add_row if action.startswith("add:") else forms.remove_row)(
                data, reading, view, action.partition(":")[2])
        else:
            data = forms.prune(data, reading, view)
            if not is_id(new_id):
                errors.append(_("'{value}' is not a valid id: use lower-case letters a–z, "
                                "digits and single hyphens, for example 'sprachcafe'.").format(
                                    value=new_id))
            else:
                rel = path_of(kind, alliance_id, new_id)
                if os.path.lexists(app.root / rel):
                    errors.append(_("'{path}' already exists.").format(path=rel))
                else:
                    today = app.day().isoformat()
                    text = (skeletons.alliance(new_id, data, today) if kind == "alliance"
                            else skeletons.service(str(alliance_id), new_id, data, today))
                    problems = _problems(app.root, rel, text, kind)
                    if not problems:
                        skeletons.create(app.root, rel, text, kind, around.templates)
                        app.written.append(rel)
                        handler.redirect(pages.file_url(rel) + "?created=1")
                        return
                    errors.extend(problems)
    fields, _placed = _render_form(view, data, sections, origins, [], {}, only)
    heading = _("New alliance") if kind == "alliance" else _("New service")
    target = "/new/" + kind + (f"/{alliance_id}" if alliance_id else "")
    body = (f"<h1>{html_text(heading)}</h1>"
            + "".join(pages.message("error", e) for e in errors)
            + f'<form method="post" action="{html_attr(target)}" class="doc">'
            + pages.hidden("form_token", app.gate.form_token)
            + f'<div class="field"><label for="new-id">{html_text(_("Id (short name)"))} '
            f'<span class="req">{html_text(_("(required)"))}</span></label>'
            f'<input type="text" id="new-id" name="new_id" value="{html_attr(new_id)}" '
            f'aria-describedby="new-id-help" autocomplete="off">'
            f'<p class="help" id="new-id-help">'
            + html_text(_("Lower-case letters a–z, digits and single hyphens, e.g. sprachcafe. "
                          "It becomes the file name."))
            + "</p></div>"
            + fields
            + f'<div class="actions"><button type="submit" name="action" value="create">'
            f'{html_text(_("Create"))}</button></div></form>')
    handler.page(heading, body)


def _problems(root: FsPath, rel: str, text: str, kind: str) -> list[str]:
    """The errors ``gk check`` would find in a new file's text (its own words)."""
    from gk.domain import place_of
    from gk.engine.discover import SourceFile
    from gk.engine.pipeline import check_bytes, custom_templates

    place = place_of(rel)
    assert place is not None
    custom, _results = custom_templates(root)
    result = check_bytes(SourceFile(rel, kind, place[1], place[2]), text.encode("utf-8"),
                         custom)
    return [f.message for f in result.findings if f.severity == "error"]


def _new_worksheet(handler: Handler, alliance_id: str, form: dict[str, list[str]],
                   around: Any) -> None:
    from gk.domain import SHIPPED_TEMPLATES, is_id, parse_date, path_of
    from gk.edit import skeletons
    from gk.engine.model import Template
    from gk.engine.schemas import schema, worksheet_schema_for_template
    from gk.engine.shipped_templates import shipped

    app = handler.app
    template_id = (form.get("template") or [""])[0]
    day = parse_date((form.get("date") or [""])[0]) or app.day()
    if template_id not in {*SHIPPED_TEMPLATES, *around.templates}:
        raise GkError(_("The template '{id}' is unknown.").format(id=template_id))
    sheet_id = f"{template_id}-{day.isoformat()}"
    rel = path_of("worksheet", alliance_id, sheet_id)
    if not is_id(sheet_id) or os.path.lexists(app.root / rel):
        raise GkError(_("'{path}' already exists; gk new never overwrites a file.").format(
            path=rel))
    if template_id in around.templates and template_id not in SHIPPED_TEMPLATES:
        template = Template.from_data(around.templates[template_id],
                                      path_of("template", None, template_id))
        kind_schema = worksheet_schema_for_template(around.templates[template_id])
        sheet_schema: dict[str, Any] | None = kind_schema
    else:
        template = shipped()[template_id]
        kind_schema = schema(f"worksheet-{template_id}")
        sheet_schema = None
    if form.get("previous") == ["1"]:
        previous = handler.app.load().current_worksheet(alliance_id, template_id)
        if previous is not None:
            _copy_sheet(handler, previous.file, rel, day.isoformat())
            return
    values = {"template": template_id, "date": day.isoformat()}
    text = skeletons.worksheet(alliance_id, sheet_id, template, dict(kind_schema), values,
                               app.day().isoformat())
    skeletons.create(app.root, rel, text, f"worksheet-{template_id}", around.templates,
                     sheet_schema)
    app.written.append(rel)
    handler.redirect(pages.file_url(rel) + "?created=1")


def _copy_sheet(handler: Handler, source: str, rel: str, day: str) -> None:
    """A new sheet that starts from the previous one: its answers and notes, the new date,
    no to-dos (the open ones stay on the old sheet, where they still count as open). Made
    with the same lossless edit as a save, so comments and layout come along."""
    from gk.edit.form_edit import changed_text
    from gk.edit.roundtrip import create_new, open_document

    app = handler.app
    doc = open_document(app.root / source, source, app.root)
    data = {k: copy.deepcopy(v) for k, v in doc.data.items() if k not in ("todos", "id")}
    data["date"] = day
    text = changed_text(doc, data, source)
    try:
        create_new(app.root, rel, doc.encode(text))
    except FileExistsError as exc:
        raise GkError(_("'{path}' already exists; gk new never overwrites a file.").format(
            path=rel)) from exc
    app.written.append(rel)
    handler.redirect(pages.file_url(rel) + "?created=1")


# --- git ----------------------------------------------------------------------------------

def commit_route(handler: Handler, path: str, query: Query, form: Form) -> None:
    from gk.serve import gitshare

    assert form is not None
    app = handler.app
    if not gitshare.is_repository(app.root):
        raise GkError(_("This folder is no git repository."))
    changed = {p for _s, p in gitshare.changed_files(app.root)}
    paths = [p for p in app.written if p in changed]
    gitshare.commit(app.root, paths, (form.get("message") or [""])[0])
    for committed in paths:
        app.written.remove(committed)
    handler.redirect("/?committed=1")


ROUTES: dict[tuple[str, str], Callable[[Handler, str, Query, Form], None]] = {
    ("GET", ""): overview,
    ("GET", "alliance"): alliance,
    ("GET", "findings"): findings,
    ("GET", "file"): file_route,
    ("POST", "file"): file_route,
    ("GET", "new"): new_route,
    ("POST", "new"): new_route,
    ("POST", "commit"): commit_route,
    ("POST", "check"): check_route,
}
