"""Forms made from the JSON Schemas: one walk renders a document as HTML fields, the same walk
reads a submitted form back into data.

Nothing here knows a kind of document: labels and help come from the schemas' titles and
descriptions (German, or ``x-en``), choices from their enumerations and ``x-labels``, dates
from ``format: date``; lists become rows with add and remove buttons (a submit button each,
so that no script is needed); an object whose properties are all answers of one or two
values (the checklist) becomes a table with one row per item. A field the user did not touch
keeps its value exactly as it was read (type included), so that saving an unchanged form
changes no byte; keys the schema does not know are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gk.i18n import _, label
from gk.render.escape import html_attr, html_text

MISSING: Any = object()
Path = tuple[str | int, ...]
Form = Mapping[str, list[str]]


def name_of(path: Path) -> str:
    return "/".join(str(p) for p in path) or "."


def field_id(path: Path) -> str:
    return "f-" + name_of(path)


# --- the schema ---------------------------------------------------------------------------

class SchemaView:
    """A bundled (and localized) schema, with ``$ref`` and ``allOf`` resolved on the way."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def resolve(self, node: Any) -> dict[str, Any]:
        if not isinstance(node, dict):
            return {}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = self.resolve(self.root.get("$defs", {}).get(ref[len("#/$defs/"):], {}))
            merged = dict(target)
            merged.update({k: v for k, v in node.items() if k != "$ref"})
            return merged
        return node

    def properties(self, node: Any) -> dict[str, dict[str, Any]]:
        node = self.resolve(node)
        found: dict[str, Any] = {}
        for part in node.get("allOf", []):
            for key, sub in self.properties(part).items():
                found.setdefault(key, sub)
        out: dict[str, dict[str, Any]] = {}
        for key, sub in node.get("properties", {}).items():
            if sub is True:
                if key in found:
                    out[key] = found[key]
                continue
            if isinstance(sub, dict):
                merged = dict(found.get(key, {}))
                merged.update(self.resolve(sub))
                out[key] = merged
        for key, sub in found.items():
            out.setdefault(key, sub)
        return out

    def required(self, node: Any) -> set[str]:
        node = self.resolve(node)
        wanted = set(node.get("required", []))
        for part in node.get("allOf", []):
            wanted |= self.required(part)
        return wanted

    def kind(self, node: Any) -> str:
        """What a value is for a form: const, enum, date, integer, number, count (a number or
        a word), text, object, choices (a list of enumerated values), rows, answers."""
        node = self.resolve(node)
        if "const" in node:
            return "const"
        if "enum" in node:
            return "enum"
        if "anyOf" in node or "oneOf" in node:
            return "count"
        kind = node.get("type")
        if kind == "string":
            return "date" if node.get("format") == "date" else "text"
        if kind in ("integer", "number"):
            return str(kind)
        if kind == "array":
            items = self.resolve(node.get("items", {}))
            return "choices" if "enum" in items else "rows"
        if kind == "object" or "properties" in node or "allOf" in node:
            props = self.properties(node)
            if props and all(self._is_answer(p) for p in props.values()):
                return "answers"
            if len(props) >= 3 and all("enum" in self.resolve(p) for p in props.values()):
                return "ratings"
            return "object"
        return "text"

    def _is_answer(self, node: Any) -> bool:
        node = self.resolve(node)
        if node.get("type") != "object":
            return False
        props = self.properties(node)
        return 1 <= len(props) <= 2 and all(
            self.kind(p) in ("enum", "text", "date", "integer", "number") for p in props.values())

    def title(self, node: Any, fallback: str) -> str:
        return str(self.resolve(node).get("title") or fallback)

    def help(self, node: Any) -> str:
        return str(self.resolve(node).get("description") or "")

    def options(self, node: Any) -> list[tuple[str, str]]:
        node = self.resolve(node)
        labels = node.get("x-labels", {})
        return [(str(v), label(labels.get(v)) or str(v)) for v in node.get("enum", [])]


SCALARS = ("const", "enum", "date", "integer", "number", "count", "text")


def shown(value: Any) -> str:
    """A value as it stands in a field."""
    if value is None or value is MISSING:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- reading a submitted form -------------------------------------------------------------

@dataclass(slots=True)
class Reading:
    """What a form said: the data, and for each list which original entry each row is."""

    origins: dict[str, list[int | None]] = field(default_factory=dict)


def _one(form: Form, name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None


def _converted(kind: str, text: str) -> Any:
    text = text.strip() if kind != "text" else text
    if kind in ("integer", "number", "count"):
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if kind == "number" and re.fullmatch(r"-?\d+[.,]\d+", text):
            return float(text.replace(",", "."))
    return text


def read_value(view: SchemaView, node: Any, path: Path, original: Any, form: Form,
               reading: Reading) -> Any:
    kind = view.kind(node)
    name = name_of(path)
    if kind in SCALARS:
        if isinstance(original, (dict, list)):
            return original  # not shown as a field: kept as it is
        raw = _one(form, name)
        if raw is None:
            return original if original is not None else MISSING
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
        if original is not MISSING and original is not None and raw == shown(original):
            return original
        if raw.strip() == "":
            return MISSING
        return _converted(kind, raw)
    if kind == "choices":
        if not isinstance(original, (list, type(None))) or original is MISSING:
            original = None if original is MISSING else original
        if _one(form, name + "/__choices") is None:
            return original if original is not None else MISSING
        picked = form.get(name, [])
        kept = [v for v in (original or []) if v in picked]
        new = [v for v, _l in view.options(view.resolve(node).get("items", {}))
               if v in picked and v not in kept]
        result = kept + new
        if not result:
            return MISSING
        return original if original == result else result
    if kind == "rows":
        return _read_rows(view, node, path, original, form, reading)
    return _read_object(view, node, path, original, form, reading)


def _read_rows(view: SchemaView, node: Any, path: Path, original: Any, form: Form,
               reading: Reading) -> Any:
    name = name_of(path)
    count = _one(form, name + "/__n")
    if count is None or not count.isdigit() or not isinstance(original, (list, type(None))):
        return original if original not in (None,) else MISSING
    old = original or []
    items_node = view.resolve(node).get("items", {})
    rows = []
    origins: list[int | None] = []
    for index in range(min(int(count), 500)):
        marker = _one(form, f"{name}/{index}/__o") or ""
        origin = int(marker) if marker.isdigit() and int(marker) < len(old) else None
        before = old[origin] if origin is not None else MISSING
        value = read_value(view, items_node, (*path, index), before, form, reading)
        if value is MISSING:
            value = {} if view.kind(items_node) in ("object", "answers") else ""
        rows.append(value)
        origins.append(origin)
    reading.origins[name] = origins
    if not rows and not old:
        return MISSING if original is None else original
    if not rows:
        return MISSING
    return rows


def _read_object(view: SchemaView, node: Any, path: Path, original: Any, form: Form,
                 reading: Reading) -> Any:
    if original is not MISSING and original is not None and not isinstance(original, dict):
        return original
    old: dict[str, Any] = original if isinstance(original, dict) else {}
    props = view.properties(node)
    values = {}
    for key, sub in props.items():
        values[key] = read_value(view, sub, (*path, key), old.get(key, MISSING), form, reading)
    result: dict[str, Any] = {}
    for key in old:  # the file's order first; unknown keys kept
        value = values.get(key, old[key])
        if value is not MISSING:
            result[key] = value
    order = list(props)
    for key in order:
        if key in result or values[key] is MISSING:
            continue
        # a new key goes after the last key before it in the schema's order
        before = [k for k in order[:order.index(key)] if k in result]
        items = list(result.items())
        at = (max(i for i, (k, _v) in enumerate(items) if k in before) + 1) if before else \
            (0 if path else len(items))
        items.insert(at, (key, values[key]))
        result = dict(items)
    if not result and not isinstance(original, dict):
        return MISSING
    if not result and path and isinstance(original, dict) and original:
        return MISSING
    return result


def read_form(view: SchemaView, original: dict[str, Any], form: Form) -> tuple[dict[str, Any],
                                                                               Reading]:
    reading = Reading()
    data = read_value(view, view.root, (), original, form, reading)
    return (data if isinstance(data, dict) else {}), reading


def _blank(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_blank(v) for v in value.values())
    return value in ("", None, [])


def prune(data: Any, reading: Reading, view: SchemaView | None = None,
          path: Path = ()) -> Any:
    """The data to save: rows added and left empty (or holding only what a new row starts
    with) are dropped, and the reading's origins follow; a row that was in the file stays,
    even if emptied."""
    if isinstance(data, dict):
        return {k: prune(v, reading, view, (*path, k)) for k, v in data.items()}
    if isinstance(data, list):
        name = name_of(path)
        origins = reading.origins.get(name)
        defaults: dict[str, Any] = {}
        if view is not None and origins is not None:
            defaults = new_row(view, view.resolve(_schema_at(view, path)).get("items", {}))
        out = []
        kept: list[int | None] = []
        for index, value in enumerate(data):
            origin = origins[index] if origins is not None and index < len(origins) else index
            rest = ({k: v for k, v in value.items() if defaults.get(k) != v}
                    if isinstance(value, dict) else value)
            if origins is not None and origin is None and _blank(rest):
                continue
            out.append(prune(value, reading, view, (*path, index)))
            kept.append(origin)
        if origins is not None:
            reading.origins[name] = kept
        return out
    return data


def _schema_at(view: SchemaView, path: Path) -> Any:
    node: Any = view.root
    for part in path:
        if isinstance(part, int):
            node = view.resolve(node).get("items", {})
        else:
            node = view.properties(node).get(part, {})
    return node


# --- rendering ----------------------------------------------------------------------------

@dataclass(slots=True)
class Context:
    """What a form is rendered with: the schema, findings by field, template sections."""

    view: SchemaView
    findings: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # name -> (sev, msg)
    sections: dict[str, str] = field(default_factory=dict)  # item id -> section title
    origins: dict[str, list[int | None]] = field(default_factory=dict)
    hidden_keys: frozenset[str] = frozenset({"id"})
    last: tuple[str, ...] = ()  # top-level keys shown at the end (a worksheet's to-dos)
    # Keys of list entries whose value names something of the repository (a to-do's
    # checklist item): chosen from a list, by their German (or English) text.
    references: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    only: frozenset[str] | None = None  # top-level keys to show (a new file: the required)


def _findings_html(ctx: Context, name: str) -> tuple[str, str]:
    """The findings of a field as HTML and the ids to name in aria-describedby."""
    found = ctx.findings.get(name, [])
    if not found:
        return "", ""
    parts = []
    ids = []
    for index, (severity, message) in enumerate(found):
        ident = f"e-{name}-{index}"
        ids.append(ident)
        word = _("Error") if severity == "error" else _("Warning")
        parts.append(f'<p class="finding {html_attr(severity)}" id="{html_attr(ident)}">'
                     f'<strong>{html_text(word)}:</strong> {html_text(message)}</p>')
    return "".join(parts), " ".join(ids)


def _described(help_id: str | None, finding_ids: str) -> str:
    ids = " ".join(i for i in (help_id or "", finding_ids) if i)
    return f' aria-describedby="{html_attr(ids)}"' if ids else ""


def _control(ctx: Context, node: Any, path: Path, value: Any, described: str,
             compact: bool = False, invalid: bool = False, long: bool = False) -> str:
    """The input, select or textarea of a scalar field."""
    view = ctx.view
    kind = view.kind(node)
    name = html_attr(name_of(path))
    ident = html_attr(field_id(path))
    extra = described + (' aria-invalid="true"' if invalid else "")
    text = shown(value)
    if kind == "const":
        return (f'<input id="{ident}" name="{name}" value="{html_attr(text)}" readonly'
                f'{extra}>')
    references = ctx.references.get(str(path[-1])) if path and len(path) > 1 else None
    if kind == "enum" or (kind == "text" and references is not None):
        options = view.options(node) if kind == "enum" else list(references or [])
        out = [f'<select id="{ident}" name="{name}"{extra}>',
               f'<option value="">{html_text(_("– not given –"))}</option>']
        known = {v for v, _l in options}
        if text and text not in known:
            out.append(f'<option value="{html_attr(text)}" selected>'
                       f'{html_text(_("{value} (not allowed)").format(value=text))}</option>')
        for option, shown_label in options:
            selected = " selected" if option == text else ""
            out.append(f'<option value="{html_attr(option)}"{selected}>'
                       f'{html_text(shown_label)}</option>')
        out.append("</select>")
        return "".join(out)
    if kind == "date":
        from gk.domain import parse_date

        typ = "date" if not text or parse_date(text) is not None else "text"
        return f'<input type="{typ}" id="{ident}" name="{name}" value="{html_attr(text)}"{extra}>'
    if kind in ("integer", "number", "count"):
        mode = "numeric" if kind == "integer" else "decimal"
        return (f'<input type="text" inputmode="{mode}" id="{ident}" name="{name}" '
                f'value="{html_attr(text)}" size="8"{extra}>')
    if "\n" in text or (kind == "text" and (long or (not compact and len(text) > 80))):
        rows = max(2, min(12, text.count("\n") + 1 + len(text) // 70))
        return (f'<textarea id="{ident}" name="{name}" rows="{rows}"{extra}>\n'
                f'{html_text(text)}</textarea>')
    return f'<input type="text" id="{ident}" name="{name}" value="{html_attr(text)}"{extra}>'


def render_value(ctx: Context, node: Any, path: Path, value: Any, key: str,
                 required: bool) -> str:
    view = ctx.view
    kind = view.kind(node)
    name = name_of(path)
    title = view.title(node, key)
    help_text = view.help(node)
    mark = f' <span class="req">{html_text(_("(required)"))}</span>' if required else ""
    found_html, found_ids = _findings_html(ctx, name)
    help_id = f"h-{name}" if help_text else None
    help_html = (f'<p class="help" id="{html_attr(help_id)}">{html_text(help_text)}</p>'
                 if help_id else "")
    anchor = html_attr(field_id(path))
    if kind in SCALARS:
        if isinstance(value, (dict, list)):
            return (f'<div class="field"><p>{html_text(title)}: '
                    f'{html_text(_("this value has a form gk does not show; change it in the file."))}'
                    f"</p>{found_html}</div>")
        control = _control(ctx, node, path, None if value is MISSING else value,
                           _described(help_id, found_ids), invalid=bool(found_ids))
        return (f'<div class="field"><label for="{anchor}">{html_text(title)}{mark}</label>'
                f"{control}{help_html}{found_html}</div>")
    if kind == "choices":
        return _choices(ctx, node, path, value, title, mark, help_html, found_html)
    if kind == "rows":
        return _rows(ctx, node, path, value, title, mark, help_html, found_html)
    if kind == "answers":
        return _answers(ctx, node, path, value, title, help_html, found_html)
    if kind == "ratings":
        return _ratings(ctx, node, path, value, title, help_html, found_html)
    inner = render_object(ctx, node, path, value if isinstance(value, dict) else {})
    return (f'<fieldset class="group" id="{anchor}"><legend>{html_text(title)}{mark}</legend>'
            f"{help_html}{found_html}{inner}</fieldset>")


def render_object(ctx: Context, node: Any, path: Path, value: dict[str, Any]) -> str:
    view = ctx.view
    required = view.required(node)
    parts = []
    props = view.properties(node)
    if not path and ctx.last:
        props = {**{k: v for k, v in props.items() if k not in ctx.last},
                 **{k: v for k, v in props.items() if k in ctx.last}}
    for key, sub in props.items():
        if not path and (key in ctx.hidden_keys or (ctx.only is not None
                                                     and key not in ctx.only)):
            continue
        parts.append(render_value(ctx, sub, (*path, key), value.get(key, MISSING), key,
                                  key in required))
    return "".join(parts)


def _choices(ctx: Context, node: Any, path: Path, value: Any, title: str, mark: str,
             help_html: str, found_html: str) -> str:
    view = ctx.view
    name = name_of(path)
    items = view.resolve(node).get("items", {})
    picked = [shown(v) for v in value] if isinstance(value, list) else []
    options = view.options(items)
    known = {v for v, _l in options}
    boxes = []
    for index, (option, option_label) in enumerate(
            [*((v, _("{value} (not allowed)").format(value=v)) for v in picked
               if v not in known), *options]):
        ident = html_attr(f"{field_id(path)}-{index}")
        checked = " checked" if option in picked else ""
        boxes.append(f'<label class="choice" for="{ident}"><input type="checkbox" id="{ident}" '
                     f'name="{html_attr(name)}" value="{html_attr(option)}"{checked}> '
                     f"{html_text(option_label)}</label>")
    return (f'<fieldset class="choices" id="{html_attr(field_id(path))}">'
            f"<legend>{html_text(title)}{mark}</legend>"
            f'<input type="hidden" name="{html_attr(name)}/__choices" value="1">'
            f'{help_html}{found_html}<div class="boxes">{"".join(boxes)}</div></fieldset>')


def _origins(ctx: Context, name: str, rows: list[Any]) -> list[int | None]:
    known = ctx.origins.get(name)
    if known is not None and len(known) == len(rows):
        return known
    return list(range(len(rows)))


def _rows(ctx: Context, node: Any, path: Path, value: Any, title: str, mark: str,
          help_html: str, found_html: str) -> str:
    view = ctx.view
    name = name_of(path)
    rows = value if isinstance(value, list) else []
    origins = _origins(ctx, name, rows)
    items = view.resolve(node).get("items", {})
    item_kind = view.kind(items)
    item_title = view.title(items, _("Entry"))
    props = view.properties(items) if item_kind == "object" else {}
    as_table = item_kind == "object" and props and all(
        view.kind(p) in SCALARS for p in props.values()) and len(props) <= 8
    out = [f'<fieldset class="rows" id="{html_attr(field_id(path))}">'
           f"<legend>{html_text(title)}{mark}</legend>{help_html}{found_html}",
           f'<input type="hidden" name="{html_attr(name)}/__n" value="{len(rows)}">']
    if as_table:
        out.append(_row_table(ctx, items, props, path, rows, origins, item_title))
    elif item_kind in SCALARS:
        out.append('<ul class="scalars">')
        for index, row in enumerate(rows):
            row_path = (*path, index)
            row_label = f"{item_title} {index + 1}"
            found_row, found_ids = _findings_html(ctx, name_of(row_path))
            control = _control(ctx, items, row_path, row, _described(None, found_ids),
                               compact=True, invalid=bool(found_ids))
            out.append(f'<li><label for="{html_attr(field_id(row_path))}">'
                       f"{html_text(row_label)}</label> {control}"
                       f"{_origin_field(row_path, origins[index])}"
                       f" {_remove_button(row_path, row_label)}{found_row}</li>")
        out.append("</ul>")
    else:
        for index, row in enumerate(rows):
            row_path = (*path, index)
            row_label = f"{item_title} {index + 1}"
            out.append(f'<fieldset class="row" id="{html_attr(field_id(row_path))}">'
                       f"<legend>{html_text(row_label)}</legend>"
                       + _origin_field(row_path, origins[index]))
            if item_kind in SCALARS:
                out.append(render_value(ctx, items, row_path, row, row_label, False))
            else:
                out.append(render_object(ctx, items, row_path, row if isinstance(row, dict)
                                         else {}))
            out.append(_remove_button(row_path, row_label))
            out.append("</fieldset>")
    out.append(f'<button type="submit" class="add" name="action" value="add:{html_attr(name)}">'
               f'{html_text(_("Add: {what}").format(what=item_title))}</button></fieldset>')
    return "".join(out)


def _origin_field(path: Path, origin: int | None) -> str:
    return (f'<input type="hidden" name="{html_attr(name_of(path))}/__o" '
            f'value="{"" if origin is None else origin}">')


def _remove_button(path: Path, row_label: str) -> str:
    return (f'<button type="submit" class="remove" name="action" '
            f'value="remove:{html_attr(name_of(path))}">'
            f'{html_text(_("Remove {what}").format(what=row_label))}</button>')


def _row_table(ctx: Context, items: Any, props: dict[str, Any], path: Path, rows: list[Any],
               origins: list[int | None], item_title: str) -> str:
    view = ctx.view
    required = view.required(items)
    head = "".join(f'<th scope="col">{html_text(view.title(sub, key))}'
                   + (f' <span class="req">{html_text(_("(required)"))}</span>'
                      if key in required else "")
                   + "</th>" for key, sub in props.items())
    out = [f'<div class="scroll"><table class="rows"><thead><tr>{head}'
           f'<th scope="col">{html_text(_("Remove"))}</th></tr></thead><tbody>']
    for index, row in enumerate(rows):
        row_path = (*path, index)
        row = row if isinstance(row, dict) else {}
        row_label = f"{item_title} {index + 1}"
        cells = []
        # Findings go in a line of their own below the row, so that columns stay narrow.
        row_found, _row_ids = _findings_html(ctx, name_of(row_path))
        found_all = [row_found]
        for key, sub in props.items():
            cell_path = (*row_path, key)
            name = name_of(cell_path)
            found_html, found_ids = _findings_html(ctx, name)
            found_all.append(found_html)
            hidden_label = (f'<label class="sr-only" for="{html_attr(field_id(cell_path))}">'
                            f"{html_text(view.title(sub, key))}, {html_text(row_label)}</label>")
            value = row.get(key, MISSING)
            control = _control(ctx, sub, cell_path, None if value is MISSING else value,
                               _described(None, found_ids), compact=True,
                               invalid=bool(found_ids))
            cells.append(f'<td id="w-{html_attr(name)}">{hidden_label}{control}</td>')
        out.append(f'<tr id="{html_attr(field_id(row_path))}">{"".join(cells)}'
                   f"<td>{_origin_field(row_path, origins[index])}"
                   f"{_remove_button(row_path, row_label)}</td></tr>")
        if any(found_all):
            out.append(f'<tr class="found"><td colspan="{len(props) + 1}">'
                       f'{"".join(found_all)}</td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


def _answers(ctx: Context, node: Any, path: Path, value: Any, title: str, help_html: str,
             found_html: str) -> str:
    """The checklist: one table row per item, its answer and note side by side."""
    view = ctx.view
    answers = value if isinstance(value, dict) else {}
    props = view.properties(node)
    columns: list[tuple[str, dict[str, Any]]] = []
    for sub in props.values():
        for key, inner in view.properties(sub).items():
            if key not in [c for c, _n in columns]:
                columns.append((key, inner))
    head = "".join(f'<th scope="col">{html_text(view.title(inner, key))}</th>'
                   for key, inner in columns)
    out = [f'<section class="answers" id="{html_attr(field_id(path))}" '
           f'aria-labelledby="t-{html_attr(name_of(path))}">'
           f'<h2 id="t-{html_attr(name_of(path))}">{html_text(title)}</h2>{help_html}{found_html}'
           f'<div class="scroll"><table class="answers"><thead><tr><th scope="col">'
           f'{html_text(_("Item"))}</th>{head}</tr></thead><tbody>']
    section = None
    for item, sub in props.items():
        heading = ctx.sections.get(item)
        if heading and heading != section:
            section = heading
            out.append(f'<tr class="section"><th colspan="{len(columns) + 1}" scope="colgroup">'
                       f"{html_text(heading)}</th></tr>")
        item_path = (*path, item)
        item_title = view.title(sub, item)
        item_help = view.help(sub)
        answer = answers.get(item)
        answer = answer if isinstance(answer, dict) else {}
        item_found, item_ids = _findings_html(ctx, name_of(item_path))
        help_id = f"h-{name_of(item_path)}"
        cells = [f'<th scope="row" id="{html_attr(field_id(item_path))}">{html_text(item_title)}'
                 f'<details><summary>{html_text(_("Explanation"))}</summary>'
                 f'<p class="help" id="{html_attr(help_id)}">{html_text(item_help)}</p></details>'
                 f"{item_found}</th>"]
        inner_props = view.properties(sub)
        for key, _inner in columns:
            cell_path = (*item_path, key)
            name = name_of(cell_path)
            if key not in inner_props:
                cells.append("<td></td>")
                continue
            found_html_c, found_ids = _findings_html(ctx, name)
            value_c = answer.get(key, MISSING)
            label_html = (f'<label class="sr-only" for="{html_attr(field_id(cell_path))}">'
                          f"{html_text(view.title(inner_props[key], key))}: "
                          f"{html_text(item_title)}</label>")
            control = _control(ctx, inner_props[key], cell_path,
                               None if value_c is MISSING else value_c,
                               _described(help_id, " ".join(i for i in (item_ids, found_ids)
                                                            if i)),
                               invalid=bool(found_ids), long=True)
            cells.append(f"<td>{label_html}{control}{found_html_c}</td>")
        out.append(f"<tr>{''.join(cells)}</tr>")
    out.append("</tbody></table></div></section>")
    return "".join(out)


def add_row(data: dict[str, Any], reading: Reading, view: SchemaView, name: str) -> None:
    """Append an empty row to the list named ``name`` (an "add" button)."""
    node, target = _locate(view, data, name, create=True)
    if node is None or not isinstance(target, list):
        return
    items = view.resolve(node).get("items", {})
    target.append(new_row(view, items) if view.kind(items) in ("object", "answers") else "")
    reading.origins.setdefault(name, list(range(len(target) - 1))).append(None)


def remove_row(data: dict[str, Any], reading: Reading, view: SchemaView, name: str) -> None:
    """Remove the row ``name`` (``list/index``) from its list (a "remove" button)."""
    parent, _sep, index = name.rpartition("/")
    if not index.isdigit():
        return
    _node, target = _locate(view, data, parent, create=False)
    if not isinstance(target, list) or int(index) >= len(target):
        return
    target.pop(int(index))
    origins = reading.origins.get(parent)
    if origins is not None and int(index) < len(origins):
        origins.pop(int(index))


def _locate(view: SchemaView, data: dict[str, Any], name: str,
            create: bool) -> tuple[Any, Any]:
    """The schema node and the value of the list named ``name``."""
    node: Any = view.root
    value: Any = data
    parts = name.split("/")
    for number, part in enumerate(parts):
        last = number == len(parts) - 1
        kind = view.kind(node)
        if kind == "rows" and isinstance(value, list) and part.isdigit() \
                and int(part) < len(value):
            node = view.resolve(node).get("items", {})
            value = value[int(part)]
            continue
        if not isinstance(value, dict):
            return None, None
        props = view.properties(node)
        if part not in props:
            return None, None
        node = props[part]
        if part not in value:
            if not (create and last and view.kind(node) == "rows"):
                return None, None
            value[part] = []
        value = value[part]
    return node, value


def _ratings(ctx: Context, node: Any, path: Path, value: Any, title: str, help_html: str,
             found_html: str) -> str:
    """An object of choices (the needs per field): one table row per key with its select."""
    view = ctx.view
    answers = value if isinstance(value, dict) else {}
    out = [f'<fieldset class="ratings" id="{html_attr(field_id(path))}">'
           f"<legend>{html_text(title)}</legend>{help_html}{found_html}"
           f'<div class="scroll"><table class="ratings"><tbody>']
    for key, sub in view.properties(node).items():
        item_path = (*path, key)
        name = name_of(item_path)
        found_c, found_ids = _findings_html(ctx, name)
        help_text = view.help(sub)
        help_id = f"h-{name}"
        current = answers.get(key, MISSING)
        control = _control(ctx, sub, item_path, None if current is MISSING else current,
                           _described(help_id if help_text else None, found_ids),
                           invalid=bool(found_ids))
        details = (f'<details><summary>{html_text(_("Explanation"))}</summary>'
                   f'<p class="help" id="{html_attr(help_id)}">{html_text(help_text)}</p>'
                   f"</details>" if help_text else "")
        out.append(f'<tr><th scope="row"><label for="{html_attr(field_id(item_path))}">'
                   f"{html_text(view.title(sub, key))}</label>{details}</th>"
                   f"<td>{control}{found_c}</td></tr>")
    out.append("</tbody></table></div></fieldset>")
    return "".join(out)


def new_row(view: SchemaView, items: Any) -> dict[str, Any]:
    """What a new list entry starts with: a required ``status`` has its first allowed value
    (a new to-do is open, as ``gk todo add`` makes it)."""
    props = view.properties(items)
    if "status" in view.required(items) and "status" in props:
        options = view.options(props["status"])
        if options:
            return {"status": options[0][0]}
    return {}
