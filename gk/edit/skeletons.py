"""New data files written from the schemas: every key present, German comments, editor hint.

Required keys carry the values given; optional keys stay as commented lines (the schemas
reject empty values) with an example, so that deleting the ``# `` at the start of a line
gives valid YAML. The first line names the file's JSON Schema for editors with the
yaml-language-server; the schemas are copied into ``.gk/schemas/`` of the data repository so
that editors validate offline.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gk.domain import SCHEMA_FOLDER, enum, path_of
from gk.edit.yaml_text import Raw, scalar
from gk.engine.model import Template

WIDTH = 88
_EXAMPLE = re.compile(r"z\. ?B\. „([^“]+)“")
_LIST_EXAMPLE = re.compile(r"z\. ?B\. (\[[^\]\n]+\])")

# Comment texts of the skeletons. They are German on purpose: the files are for the teams.
OPTIONAL = "optional"
REQUIRED = "Pflichtangabe"
ALLOWED = "Erlaubt"
ONE_OR_MORE = "Einer oder mehrere von"
EACH = "Jeweils"
FILE_HELP = (
    "Zeilen mit „#“ sind Kommentare. Optionale Angaben stehen auskommentiert darunter: "
    "zum Ausfüllen das „# “ am Zeilenanfang löschen und den Beispielwert ersetzen. "
    "Keine personenbezogenen Daten: Kontakte und Beteiligte als Rolle oder Stelle, nicht mit "
    "Namen. Vor dem Sichern (Commit) „gk check“ aufrufen."
)


# --- schema files for editors -------------------------------------------------------------

def schema_file(kind: str) -> str:
    """The path of a kind's schema inside the data repository (POSIX, relative to the root)."""
    return f"{SCHEMA_FOLDER}/{kind}.json"


def schema_hint(rel_file: str, kind: str) -> str:
    """The first line of a new file: the yaml-language-server modeline, path relative to it."""
    folder = posixpath.dirname(rel_file) or "."
    target = posixpath.relpath(schema_file(kind), folder)
    return f"# yaml-language-server: $schema={target}"


def write_schemas(root: Path, custom: dict[str, dict[str, Any]]) -> list[str]:
    """Write or refresh ``.gk/schemas/*.json`` (German titles); returns the paths that changed.

    The documents are the ones ``gk schema --vscode`` publishes, so both commands leave the
    same files. ``custom`` names the repository's usable templates (broken ones are skipped)."""
    from gk.edit.atomic import read_in_repository
    from gk.edit.editor_settings import published
    from gk.edit.roundtrip import write_file
    from gk.engine.schemas import KINDS
    from gk.errors import GkError

    changed = []
    for kind in [*KINDS, *(f"worksheet-{t}" for t in custom if f"worksheet-{t}" not in KINDS)]:
        text = json.dumps(published(kind, "de", root, custom), ensure_ascii=False,
                          indent=2) + "\n"
        rel = f"{SCHEMA_FOLDER}/{kind}.json"
        try:
            if read_in_repository(root, rel).raw == text.encode("utf-8"):
                continue
        except (OSError, GkError):
            pass
        write_file(root, rel, text.encode("utf-8"))
        changed.append(schema_file(kind))
    return changed


# --- scalars ------------------------------------------------------------------------------

def _comment(text: str, indent: int, width: int = WIDTH) -> list[str]:
    pad = " " * indent
    lines = textwrap.wrap(" ".join(text.split()), width=max(width - indent - 2, 30),
                          break_long_words=False, break_on_hyphens=False)
    return [f"{pad}# {line}" for line in lines]


# --- schema walking -----------------------------------------------------------------------

class _Schema:
    """Reading a bundled schema: references, labels, examples."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    def resolve(self, node: Any) -> dict[str, Any]:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
                break
            target = self.root.get("$defs", {}).get(ref[len("#/$defs/"):], {})
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            seen += 1
        return node if isinstance(node, dict) else {}

    def properties(self, node: dict[str, Any]) -> dict[str, dict[str, Any]]:
        node = self.resolve(node)
        out: dict[str, dict[str, Any]] = {}
        for part in node.get("allOf", []):
            for key, sub in self.properties(part).items():
                out.setdefault(key, sub)
        for key, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict):
                base = out.get(key, {})
                out[key] = {**base, **sub} if base else sub
        return out

    def required(self, node: dict[str, Any]) -> list[str]:
        node = self.resolve(node)
        names = list(node.get("required", []))
        for part in node.get("allOf", []):
            names.extend(self.required(part))
        return names

    def enum(self, node: dict[str, Any]) -> list[Any] | None:
        node = self.resolve(node)
        if isinstance(node.get("enum"), list):
            return list(node["enum"])
        if "const" in node:
            return [node["const"]]
        return None

    def labels(self, node: dict[str, Any]) -> dict[str, str]:
        node = self.resolve(node)
        raw = node.get("x-labels") or {}
        return {k: (v.get("de") or k) for k, v in raw.items() if isinstance(v, dict)}

    def allowed(self, node: dict[str, Any]) -> str | None:
        """'Erlaubt: a (label), b (label)' for an enum, or for a list of enum values."""
        node = self.resolve(node)
        prefix = ALLOWED
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = self.resolve(node["items"])
            prefix = ONE_OR_MORE
        values = self.enum(node)
        if not values or len(values) < 2:
            return None
        labels = self.labels(node)
        parts = [f"{v} ({labels[v]})" if v in labels and labels[v] != v else str(v)
                 for v in values]
        return f"{prefix}: " + ", ".join(parts) + "."

    def explanation(self, node: dict[str, Any], required: bool) -> str:
        node = self.resolve(node)
        title = str(node.get("title") or "")
        mark = REQUIRED if required else OPTIONAL
        allowed = self.allowed(node)
        description = str(node.get("description") or "")
        body = allowed if allowed else description
        head = f"{title} ({mark})" if title else f"({mark})"
        return f"{head}: {body}" if body else head

    def example(self, node: dict[str, Any]) -> Any:
        """A value to show in a commented line."""
        node = self.resolve(node)
        values = self.enum(node)
        if "default" in node:
            return node["default"]
        if values:
            return values[0]
        if node.get("anyOf"):
            return self.example(node["anyOf"][0])
        kind = node.get("type")
        if node.get("format") == "date":
            return "JJJJ-MM-TT"
        if kind in ("integer", "number"):
            return node.get("minimum", 0) if node.get("minimum", 0) > 0 else 0
        if kind == "array":
            items = self.resolve(node.get("items") or {})
            listed = _LIST_EXAMPLE.search(str(node.get("description") or ""))
            if listed:
                return Raw(listed.group(1))
            if self.enum(items):
                return [self.example(items)]
            return []
        found = _EXAMPLE.search(str(node.get("description") or ""))
        if found:
            return found.group(1)
        return ""


class SkeletonWriter:
    """Lines of a new YAML document, written key by key from a schema."""

    def __init__(self, schema: dict[str, Any], examples: Mapping[str, Any] | None = None) -> None:
        self.schema = _Schema(schema)
        self.lines: list[str] = []
        self.examples = dict(examples or {})  # example values of optional top-level keys

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def comment(self, text: str, indent: int = 0) -> None:
        self.lines.extend(_comment(text, indent))

    def property(self, key: str, node: dict[str, Any], required: bool, indent: int = 0,
                 value: Any = None, explain: bool = True) -> None:
        """One key: an explaining comment, then the value or, without one, a commented example."""
        pad = " " * indent
        if explain:
            self.comment(self.schema.explanation(node, required), indent)
        resolved = self.schema.resolve(node)
        if value is not None:
            self.value_lines(key, resolved, value, indent)
            return
        if required and resolved.get("type") == "object" and "properties" in resolved:
            self.lines.append(f"{pad}{key}:")
            self.mapping(resolved, indent + 2, {})
            return
        if explain:
            notes: dict[str, list[str]] = {}
            for sub_key, allowed in self.enum_notes(resolved):
                notes.setdefault(allowed, []).append(sub_key)
            for allowed, keys in notes.items():
                if len(keys) > 2:
                    self.comment(f"{EACH} {allowed[:1].lower()}{allowed[1:]}", indent)
                else:
                    self.comment(", ".join(f"„{k}“" for k in keys) + f": {allowed}", indent)
        example = self.examples.get(key) if indent == 0 else None
        lines = ([f"{pad}{key}: {scalar(example)}"] if example is not None
                 else self.example_lines(key, resolved, indent))
        for line in lines:
            self.lines.append(f"{pad}# {line[indent:]}")

    def enum_notes(self, node: dict[str, Any]) -> list[tuple[str, str]]:
        """Allowed values of the enumerated keys inside a commented example block."""
        node = self.schema.resolve(node)
        if node.get("type") == "array":
            node = self.schema.resolve(node.get("items") or {})
        out: list[tuple[str, str]] = []
        for key, sub in self.schema.properties(node).items():
            allowed = self.schema.allowed(sub)
            if allowed:
                out.append((key, allowed))
            else:
                out.extend(self.enum_notes(sub))
        return out

    def mapping(self, node: dict[str, Any], indent: int, values: Mapping[str, Any],
                skip: Iterable[str] = ()) -> None:
        required = set(self.schema.required(node))
        skipped = set(skip)
        for key, sub in self.schema.properties(node).items():
            if key in skipped:
                continue
            self.property(key, sub, key in required, indent, values.get(key))

    def value_lines(self, key: str, node: dict[str, Any], value: Any, indent: int) -> None:
        pad = " " * indent
        if isinstance(value, Mapping):
            self.lines.append(f"{pad}{key}:")
            self.mapping(node, indent + 2, value)
        else:
            self.lines.append(f"{pad}{key}: {scalar(value)}")

    def example_lines(self, key: str, node: dict[str, Any], indent: int) -> list[str]:
        """The lines of an example value for ``key`` (uncommented, at ``indent``)."""
        pad = " " * indent
        node = self.schema.resolve(node)
        properties = self.schema.properties(node)
        if node.get("type") == "object" and properties:
            out = [f"{pad}{key}:"]
            out.extend(self._example_mapping(node, indent + 2, first_prefix=""))
            return out
        if node.get("type") == "array":
            items = self.schema.resolve(node.get("items") or {})
            if items.get("type") == "object" and self.schema.properties(items):
                out = [f"{pad}{key}:"]
                out.extend(self._example_mapping(items, indent + 2, first_prefix="- "))
                return out
            example = self.schema.example(node)
            if not isinstance(example, Raw) and not self.schema.enum(items):
                return [f"{pad}{key}:", f"{pad}  - {scalar(self.schema.example(items))}"]
        return [f"{pad}{key}: {scalar(self.schema.example(node))}"]

    def _example_mapping(self, node: dict[str, Any], indent: int, first_prefix: str) -> list[str]:
        """Example lines of a mapping; sub-keys explained by a short comment at the line end."""
        out: list[str] = []
        inner = indent + len(first_prefix)
        for number, (key, sub) in enumerate(self.schema.properties(node).items()):
            prefix = " " * indent + (first_prefix if number == 0 else " " * len(first_prefix))
            resolved = self.schema.resolve(sub)
            lines = self.example_lines(key, resolved, inner)
            lines[0] = prefix + lines[0][inner:]
            note = str(resolved.get("title") or "")
            if note:
                lines[0] = f"{lines[0]}  # {note}"
            out.extend(lines)
        return out

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"


def header(writer: SkeletonWriter, rel_file: str, kind: str, title: str,
            extra: Iterable[str] = ()) -> None:
    writer.lines.append(schema_hint(rel_file, kind))
    writer.comment(title)
    for paragraph in extra:
        writer.comment(paragraph)
    writer.comment(FILE_HELP)
    writer.blank()


def _body(writer: SkeletonWriter, node: dict[str, Any], values: Mapping[str, Any],
          keys: Iterable[str] | None = None, skip: Iterable[str] = ()) -> None:
    """Top-level keys, separated by blank lines."""
    schema = writer.schema
    required = set(schema.required(node))
    props = schema.properties(node)
    skipped = set(skip)
    for key in (keys if keys is not None else props):
        if key in skipped or key not in props:
            continue
        writer.property(key, props[key], key in required, 0, values.get(key))
        writer.blank()


# --- the kinds ----------------------------------------------------------------------------

def alliance(alliance_id: str, values: Mapping[str, Any], today: str) -> str:
    from gk.engine.schemas import schema

    rel = path_of("alliance", None, alliance_id)
    writer = SkeletonWriter(schema("alliance"), {"id": alliance_id})
    header(writer, rel, "alliance",
            f"Bündnis „{values.get('name') or alliance_id}“ – angelegt mit „gk new alliance“ "
            f"am {today}.")
    _body(writer, writer.schema.root, values)
    return writer.text()


def service(alliance_id: str, service_id: str, values: Mapping[str, Any], today: str) -> str:
    from gk.engine.schemas import schema

    rel = path_of("service", alliance_id, service_id)
    writer = SkeletonWriter(schema("service"), {"id": service_id})
    header(writer, rel, "service",
            f"Angebot „{values.get('title') or service_id}“ im Bündnis {alliance_id} – angelegt "
            f"mit „gk new service“ am {today}.")
    _body(writer, writer.schema.root, values)
    return writer.text()


def worksheet(alliance_id: str, sheet_id: str, template: Template,
              template_schema: dict[str, Any], values: Mapping[str, Any], today: str,
              previous: tuple[str, Mapping[str, Any]] | None = None) -> str:
    """A new worksheet. A template answered by status lists every item as ``open``, or with
    ``previous`` (the id of the previous sheet and its ``items``) with the status and note
    each item had there."""
    rel = path_of("worksheet", alliance_id, sheet_id)
    kind = f"worksheet-{template.id}"
    writer = SkeletonWriter(template_schema, {"id": sheet_id})
    title = template.title.get("de") or template.id
    header(writer, rel, kind,
            f"Arbeitshilfe „{title}“ für das Bündnis {alliance_id} – angelegt mit "
            f"„gk new worksheet“ am {today}.",
            [_template_description(template)] if _template_description(template) else [])
    root = writer.schema.root
    props = writer.schema.properties(root)
    _body(writer, root, values, keys=["id", "template", "date", "author"])
    body_keys = [k for k in props if k not in ("id", "template", "date", "author", "todos")]
    for key in body_keys:
        if key == "items":
            _items(writer, template, props[key], previous)
        else:
            writer.property(key, props[key], False, 0, values.get(key))
        writer.blank()
    if "todos" in props:
        writer.property("todos", props["todos"], False, 0, values.get("todos"))
    return writer.text()


_template_texts: dict[str, str] = {}


def _template_description(template: Template) -> str:
    from gk.data import TEMPLATES
    from gk.engine.load import load_text

    if template.file is not None:
        return ""
    if template.id not in _template_texts:
        with open(os.path.join(TEMPLATES, f"{template.id}.yaml"), encoding="utf-8") as handle:
            text = handle.read()
        data = load_text(text, template.id).data
        description = data.get("description") if isinstance(data, dict) else None
        _template_texts[template.id] = (description or {}).get("de", "") \
            if isinstance(description, dict) else ""
    return _template_texts[template.id]


def _items(writer: SkeletonWriter, template: Template, node: dict[str, Any],
           previous: tuple[str, Mapping[str, Any]] | None = None) -> None:
    """The items of a template: status items filled in as open (or as in the previous sheet),
    the others as comments."""
    schema = writer.schema
    item_props = schema.properties(node)
    status_items = [i for i in template.items if i.answer == "status" and i.id in item_props]
    status_labels = schema.allowed({"$ref": "#/$defs/item-status"}) or ""
    writer.comment(f"{schema.resolve(node).get('title') or 'Prüfpunkte'}: für jeden Prüfpunkt "
                   f"den Stand (status) eintragen, dazu bei Bedarf eine Notiz (note). "
                   f"{status_labels} Neu angelegte Prüfpunkte stehen auf „open“.")
    earlier: Mapping[str, Any] = {}
    if previous is not None:
        earlier = previous[1]
        writer.comment(f"Stand und Notizen sind aus der Arbeitshilfe „{previous[0]}“ übernommen: "
                       "Prüfen Sie jeden Punkt und tragen Sie den heutigen Stand ein.")
    statuses = enum("item-status")
    commented = not status_items
    writer.lines.append("# items:" if commented else "items:")
    titles = dict(template.sections)
    section: str | None = ""
    for item in template.items:
        if item.id not in item_props:
            continue
        if item.section != section:
            section = item.section
            heading = (titles.get(section or "") or {}).get("de") if section else None
            if heading:
                writer.lines.append(f"  # ––– {heading} –––")
        text = item.text.get("de") or item.id
        writer.comment(text, 2)
        answer = item.answer
        if answer == "status":
            before = earlier.get(item.id)
            before = before if isinstance(before, Mapping) else {}
            status = before.get("status") if before.get("status") in statuses else "open"
            note = before.get("note")
            writer.lines.append(f"  {item.id}:")
            writer.lines.append(f"    status: {status}")
            writer.lines.append(f"    note: {scalar(note.strip())}"
                                if isinstance(note, str) and note.strip() else '    # note: ""')
        else:
            answer_node = schema.properties(item_props[item.id]).get(answer, {})
            allowed = schema.allowed(answer_node)
            example = schema.example(answer_node)
            writer.lines.append(f"  # {item.id}:")
            writer.lines.append(f"  #   {answer}: {scalar(example)}"
                                + (f"  # {allowed}" if allowed else ""))
    if commented and writer.lines[-1] == "# items:":
        writer.lines.pop()


# What the folder .gk/ is, for whoever finds it in the data repository (German, like the
# README that gk init writes for the team).
GK_FOLDER = ".gk"
GK_FOLDER_README = f"{GK_FOLDER}/README.md"
GK_FOLDER_README_TEXT = """\
# Der Ordner `.gk/`

Diesen Ordner legt gk an (`gk init`, `gk new`, `gk schema --vscode`). Er enthält in
`schemas/` die Beschreibungen der Dateien für den Editor: Die erste Zeile jeder Datei, die
`gk new` schreibt, verweist darauf, und Editoren mit der YAML-Erweiterung (z. B. VS Code)
prüfen die Datei damit schon beim Tippen – auch ohne Internet.

* **Gehört in die Datenablage:** Nehmen Sie den Ordner mit auf (`git add .gk`), dann hat
  das ganze Team dieselbe Prüfung im Editor.
* **Nicht von Hand ändern:** gk schreibt die Dateien bei Bedarf neu.
* Einen Zwischenspeicher legt gk hier nicht ab; der liegt im Cache-Ordner des Benutzers
  (z. B. `~/.cache/gk`) und gehört nicht in die Datenablage.
"""


def write_folder_readme(root: Path) -> bool:
    """Write ``.gk/README.md`` unless there is one; whether it was written."""
    from gk.edit.roundtrip import create_new

    try:
        create_new(root, GK_FOLDER_README, GK_FOLDER_README_TEXT.encode("utf-8"))
    except FileExistsError:
        return False
    return True


def create(root: Path, rel: str, text: str, kind: str, custom: Mapping[str, Mapping[str, Any]],
           template_schema: dict[str, Any] | None = None) -> bool:
    """Create the new file ``rel`` (never over an existing one) and refresh the editor schemas;
    whether the folder ``.gk/`` was new (then its README explains it).

    The text must pass its own schema (``kind``'s, or ``template_schema`` for a worksheet of
    the repository's own template); a skeleton that does not is a defect of gk."""
    from gk.edit.roundtrip import create_new
    from gk.engine.load import load_text
    from gk.engine.schemas import Validator, validator
    from gk.errors import GkError
    from gk.i18n import _

    loaded = load_text(text, rel)
    check = Validator(template_schema) if template_schema is not None else validator(kind)
    if loaded.findings or not check.is_valid(loaded.data):
        raise RuntimeError(f"the skeleton for {rel} does not pass its own schema")
    # the schemas first: a '.gk' that gk may not write into stops it before the new file
    fresh = not (root / GK_FOLDER).exists()
    write_schemas(root, {tid: dict(data) for tid, data in custom.items()})
    try:
        create_new(root, rel, text.encode("utf-8"))
    except FileExistsError as exc:
        raise GkError(_("'{path}' already exists; gk new never overwrites a file.").format(
            path=rel)) from exc
    return write_folder_readme(root) and fresh


@dataclass(frozen=True, slots=True)
class Surroundings:
    """What a new file depends on in the repository: the alliances there are (by their
    files), the repository's usable templates by id and the ids of broken ones."""

    alliances: tuple[str, ...]
    templates: dict[str, dict[str, Any]]
    broken_templates: tuple[str, ...]


def surroundings(root: Path) -> Surroundings:
    from gk.engine.discover import discover
    from gk.engine.pipeline import custom_templates

    sources, _layout = discover(root)
    usable, results = custom_templates(root, sources)
    return Surroundings(
        alliances=tuple(sorted(s.stem for s in sources if s.kind == "alliance")),
        templates=usable,
        broken_templates=tuple(r.source.stem for r in results if r.source.stem not in usable))


def alliance_consultant(root: Path, alliance: str) -> str | None:
    """The process consultant an alliance's file names, if it can be read."""
    from gk.engine.load import load_file

    data = load_file(root, path_of("alliance", None, alliance)).data
    value = data.get("consultant") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else None
