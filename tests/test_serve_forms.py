"""Forms generated from the schemas: every kind and template gets one, every control has a
label, and form -> file -> form loses nothing (changing one field changes only its lines)."""

from __future__ import annotations

import copy
import difflib
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from test_serve_handlers import fields_of
from test_serve_support import EXAMPLE

from gk.edit.form_edit import changed_text
from gk.edit.roundtrip import open_document
from gk.engine.load import load_text
from gk.i18n import set_language
from gk.serve import forms
from gk.serve.handlers import _render_form, schema_for

EXAMPLE_FILES = sorted(p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*.yaml")
                       if p.parts[len(EXAMPLE.parts)] in ("alliances", "services", "worksheets"))


def form_html(root: Path, kind: str, data: dict[str, Any]) -> str:
    set_language("de")
    view, sections = schema_for(root, kind, data)
    fields, _placed = _render_form(view, data, sections, {}, [], {})
    return ('<form method="post" action="/file/x">' + fields + "</form>")


def labelled(html: str) -> None:
    """Every visible control has a label that names it."""
    controls = re.findall(r'<(?:input|select|textarea) ([^>]*)>', html)
    labels = set(re.findall(r'<label[^>]* for="([^"]*)"', html))
    for attrs in controls:
        if 'type="hidden"' in attrs:
            continue
        ident = re.search(r'id="([^"]*)"', attrs)
        assert ident is not None, attrs
        assert ident[1] in labels, attrs


def kind_of(rel: str) -> str:
    return {"alliances": "alliance", "services": "service", "worksheets": "worksheet"}[
        rel.split("/")[0]]


@pytest.mark.parametrize("kind,data", [
    ("alliance", {}), ("service", {}), ("worksheet", {"template": "prozessmanagement"}),
    ("worksheet", {"template": "bedarfs-angebotsanalyse"}),
    ("worksheet", {"template": "begleitprotokoll"}), ("worksheet", {"template": "eigene"}),
])
def test_every_kind_and_template_gets_a_form(kind: str, data: dict[str, Any]) -> None:
    from gk.engine.schemas import schema

    html = form_html(EXAMPLE, kind, data)
    labelled(html)
    name = f"worksheet-{data['template']}" if data.get("template") in (
        "prozessmanagement", "bedarfs-angebotsanalyse", "begleitprotokoll") else kind
    view = forms.SchemaView(schema(name))
    for key in view.properties(view.root):
        if key != "id":
            assert f'id="f-{key}"' in html or f'id="f-{key}-0"' in html, key
    if data.get("template") == "prozessmanagement":
        from gk.engine.shipped_templates import shipped

        for item in shipped()["prozessmanagement"].items:  # one row per item: status and note
            assert f'<select id="f-items/{item.id}/status"' in html
            assert f'<textarea id="f-items/{item.id}/note"' in html
        assert "Bündnis und Steuerung" in html  # the section headings of the template
        assert '<option value="in-progress">in Arbeit</option>' in html  # German labels
    if kind == "service":
        assert 'type="checkbox"' in html and "Ausbildung" in html
        assert '<input type="date" id="f-start"' in html


def test_a_repositorys_own_template_gets_a_form(tmp_path: Path) -> None:
    root = tmp_path / "ablage"
    root.mkdir()
    (root / "gk.yaml").write_text("gk: 1\nname: Test (erfunden)\n", encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "jahresgespraech.yaml").write_text(
        "id: jahresgespraech\nversion: 1\ntitle: {de: Jahresgespräch}\nanswer: status\nitems:\n"
        "  - id: ziele\n    text: {de: Ziele vereinbart}\n"
        "  - id: bedarf\n    text: {de: Bedarf eingeschätzt}\n    answer: rating\n",
        encoding="utf-8")
    html = form_html(root, "worksheet", {"template": "jahresgespraech"})
    labelled(html)
    assert '<select id="f-items/ziele/status"' in html
    assert '<select id="f-items/bedarf/rating"' in html
    assert "Ziele vereinbart" in html


@pytest.mark.parametrize("rel", EXAMPLE_FILES)
def test_an_unchanged_form_reads_back_to_the_same_data(rel: str) -> None:
    doc = open_document(EXAMPLE / rel, rel, EXAMPLE)
    html = form_html(EXAMPLE, kind_of(rel), doc.data)
    labelled(html)
    view, _sections = schema_for(EXAMPLE, kind_of(rel), doc.data)
    pairs = fields_of(html)
    form: dict[str, list[str]] = {}
    for name, value in pairs:
        form.setdefault(name, []).append(value)
    data, reading = forms.read_form(view, doc.data, form)
    assert forms.prune(data, reading, view) == doc.data
    assert changed_text(doc, doc.data, rel) == doc.text


def _new_value(name: str, value: str, html: str) -> str | None:
    """Another value for a field, as a user would choose it (None: a box or a fixed value)."""
    if re.search(r'type="checkbox" id="[^"]*" name="' + re.escape(name) + '"', html):
        return None
    select = re.search(r'<select id="f-' + re.escape(name) + r'"[^>]*>(.*?)</select>', html, re.S)
    if select:
        options = [unescape(o) for o in re.findall(r'<option value="([^"]+)"', select[1])]
        others = [o for o in options if o != value]
        return others[-1] if others else None
    if re.search(r'type="date" id="f-' + re.escape(name) + '"', html):
        return "2027-03-01" if value == "2027-02-28" else "2027-02-28"
    if re.search(r'inputmode="(numeric|decimal)" id="f-' + re.escape(name) + '"', html):
        return "8" if value == "7" else "7"
    if re.search(r'id="f-' + re.escape(name) + r'" name="[^"]*" value="[^"]*" readonly', html):
        return None
    return value + " – ergänzt „neu“: #1"


def shown_in_file(text: str, value: str) -> str:
    """The value as written in the file: its line, or more than one line (a block) when the
    value does not appear whole on one line."""
    return "" if any(value in line for line in text.splitlines()) else "\n"


SAMPLES = [r for r in EXAMPLE_FILES if r.startswith(("alliances/meerbusch", "services/meerbusch/",
                                                    "worksheets/meerbusch/", "worksheets/koeln/"))]


@pytest.mark.parametrize("rel", SAMPLES)
def test_changing_one_field_changes_only_its_lines(rel: str) -> None:
    doc = open_document(EXAMPLE / rel, rel, EXAMPLE)
    html = form_html(EXAMPLE, kind_of(rel), doc.data)
    view, _sections = schema_for(EXAMPLE, kind_of(rel), doc.data)
    pairs = fields_of(html)
    tried = 0
    for index, (name, value) in enumerate(pairs):
        if "/__" in name or "\n" in value:
            continue
        new = _new_value(name, value, html)
        if new is None:
            continue
        changed = list(pairs)
        changed[index] = (name, new)
        form: dict[str, list[str]] = {}
        for key, item in changed:
            form.setdefault(key, []).append(item)
        data, reading = forms.read_form(view, doc.data, form)
        data = forms.prune(data, reading, view)
        text = changed_text(doc, data, rel)
        assert load_text(text, rel).data == data
        before, after = doc.text.splitlines(), text.splitlines()
        hunks = [op for op in difflib.SequenceMatcher(None, before, after,
                                                      autojunk=False).get_opcodes()
                 if op[0] != "equal"]
        assert len(hunks) == 1, (name, new, hunks)  # one place in the file changes
        if value and "\n" not in shown_in_file(doc.text, value):
            # a one-line value replaced: exactly one line differs
            assert hunks[0][0] == "replace" and hunks[0][2] - hunks[0][1] == 1, (name, new)
        elif not value:  # a value added: lines inserted, or its one-line flow mapping rewritten
            assert hunks[0][0] == "insert" or (hunks[0][2] - hunks[0][1] == 1
                                               and hunks[0][4] - hunks[0][3] == 1), (name, new)
        # form -> file -> form: the new form shows the new value
        again = fields_of(form_html(EXAMPLE, kind_of(rel), copy.deepcopy(data)))
        assert (name, new) in again, name
        tried += 1
    assert tried >= 3


def test_lists_add_and_remove_rows() -> None:
    rel = "worksheets/meerbusch/prozessmanagement-2020.yaml"
    doc = open_document(EXAMPLE / rel, rel, EXAMPLE)
    view, _sections = schema_for(EXAMPLE, "worksheet", doc.data)
    form: dict[str, list[str]] = {}
    for name, value in fields_of(form_html(EXAMPLE, "worksheet", doc.data)):
        form.setdefault(name, []).append(value)
    data, reading = forms.read_form(view, doc.data, form)
    forms.remove_row(data, reading, view, "todos/1")
    forms.add_row(data, reading, view, "todos")
    assert reading.origins["todos"] == [0, 2, None]
    # an added row left empty is not saved; the removed one is gone
    saved = forms.prune(data, reading, view)
    assert [t["id"] for t in saved["todos"]] == ["einwilligung-nutzen", "uebergang-ausbildung"]
    text = changed_text(doc, saved, rel)
    removed = [line for line in doc.text.splitlines() if line not in text.splitlines()]
    assert removed and all(line.startswith("    ") or line.startswith("  - ") for line in removed)


def _form_of(html: str) -> dict[str, list[str]]:
    form: dict[str, list[str]] = {}
    for name, value in fields_of(html):
        form.setdefault(name, []).append(value)
    return form


@pytest.mark.parametrize("rel,rows,values", [
    ("worksheets/meerbusch/bedarfs-angebotsanalyse-2025.yaml", "gaps",
     {"field": ["health"], "statuses/__choices": ["1"], "statuses": ["duldung", "gestattung"],
      "description": ["Keine Sprachmittlung in Arztpraxen."], "priority": ["high"]}),
    ("worksheets/meerbusch/begleitprotokoll-2025-10-14.yaml", "participants",
     {"": ["Jobcenter"]}),
    ("alliances/meerbusch.yaml", "core_group",
     {"organisation": ["Jobcenter Rhein-Kreis Neuss"], "field": ["labour-market"],
      "legal_area": ["sgb2"]}),
])
def test_adding_a_row_only_inserts_its_lines(rel: str, rows: str,
                                             values: dict[str, list[str]]) -> None:
    doc = open_document(EXAMPLE / rel, rel, EXAMPLE)
    view, _sections = schema_for(EXAMPLE, kind_of(rel), doc.data)
    data, reading = forms.read_form(view, doc.data, _form_of(form_html(EXAMPLE, kind_of(rel),
                                                                       doc.data)))
    forms.add_row(data, reading, view, rows)
    ctx_html = form_html(EXAMPLE, kind_of(rel), data)
    form = _form_of(ctx_html)
    index = len(data[rows]) - 1
    form[f"{rows}/__n"] = [str(index + 1)]
    form[f"{rows}/{index}/__o"] = [""]
    for key, value in values.items():
        form[f"{rows}/{index}" + (f"/{key}" if key else "")] = value
    data, reading = forms.read_form(view, doc.data, form)
    data = forms.prune(data, reading, view)
    text = changed_text(doc, data, rel)
    assert load_text(text, rel).data == data
    ops = [op for op in difflib.SequenceMatcher(None, doc.text.splitlines(), text.splitlines(),
                                                autojunk=False).get_opcodes() if op[0] != "equal"]
    assert [op[0] for op in ops] == ["insert"], ops
    assert len(data[rows]) == len(doc.data[rows]) + 1


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_meet_wcag_aa() -> None:
    """Text colours of the style sheet against the backgrounds they are used on: 4.5:1 for
    text, 3:1 for the focus ring and borders of controls (WCAG 2.1 AA, 1.4.3 and 1.4.11)."""
    from gk.data import FOLDER

    css = (Path(FOLDER) / "web" / "gk.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", css))
    white, soft = "#ffffff", colours["soft"]
    for name in ("text", "muted", "link", "error", "warn", "ok", "button"):
        for background in (white, soft, "#fafafa", "#fbeeee", "#eef6ee", "#e3e8ef"):
            assert contrast(colours[name], background) >= 4.5, (name, background)
    assert contrast("#ffffff", colours["button"]) >= 4.5  # button text
    assert contrast(colours["focus"], white) >= 3
    assert contrast("#6b6b6b", white) >= 3  # borders of inputs


def test_crlf_comments_and_flow_style_survive_a_save(tmp_path: Path) -> None:
    root = tmp_path / "ablage"
    (root / "worksheets" / "x").mkdir(parents=True)
    (root / "gk.yaml").write_text("gk: 1\nname: Test (erfunden)\n", encoding="utf-8")
    rel = "worksheets/x/prozessmanagement-2026.yaml"
    text = ("\ufeff# Kopf\r\ntemplate: prozessmanagement\r\ndate: 2026-01-01  # Sitzung\r\n"
            "items:\r\n  roles: {status: open}   # Flow\r\n  core-group:\r\n"
            "    status: 'open'\r\n\r\n# Ende der Liste\r\ntodos:\r\n"
            "  - {id: a, title: \"A\", status: open}\r\n")
    (root / rel).write_bytes(text.encode("utf-8"))
    doc = open_document(root / rel, rel, root)
    new = copy.deepcopy(doc.data)
    new["items"]["roles"]["note"] = "mit Notiz, und Komma"
    new["items"]["core-group"]["status"] = "done"
    new["date"] = "2026-02-02"
    result = doc.encode(changed_text(doc, new, rel))
    assert result == ("\ufeff# Kopf\r\ntemplate: prozessmanagement\r\ndate: 2026-02-02  # Sitzung\r\n"
                      "items:\r\n  roles: {status: open, note: \"mit Notiz, und Komma\"}   # Flow\r\n"
                      "  core-group:\r\n    status: 'done'\r\n\r\n# Ende der Liste\r\ntodos:\r\n"
                      "  - {id: a, title: \"A\", status: open}\r\n").encode("utf-8")
