"""The JSON Schemas as gk publishes them for editors and other validators, and the VS Code setup.

A published schema is the bundled, self-contained schema of a kind, in one language, with an
``$id`` under ``https://gk.invalid/`` (the ``.invalid`` top-level domain is reserved and never
resolves, so no tool will try to download anything: the schemas travel as files).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from gk.domain import CONFIG_FILE, KIND_FOLDERS, SCHEMA_FOLDER, SHIPPED_TEMPLATES, path_of
from gk.engine.schemas import KINDS, localized, schema, worksheet_schema_for_template
from gk.errors import GkError, did_you_mean
from gk.i18n import _

SCHEMA_BASE = "https://gk.invalid/schemas/"
VSCODE_SETTINGS = ".vscode/settings.json"
VSCODE_EXTENSIONS = ".vscode/extensions.json"
YAML_EXTENSION = "redhat.vscode-yaml"

# kind -> file patterns of the VS Code YAML extension; a leading '/' means the workspace root.
# Worksheets of different templates share one folder, so they get the common worksheet
# schema; a file's own schema line (`# yaml-language-server: $schema=...`) refines that.
VSCODE_PATTERNS: dict[str, list[str]] = {
    "gk": [f"/{CONFIG_FILE}"],
    **{kind: [f"/{path_of(kind, '*', '*')}"] for kind in KIND_FOLDERS.values()},
}


def unknown_kind(kind: str, known: list[str]) -> GkError:
    """The error for a schema kind gk does not publish (``known`` are the ones it does)."""
    return GkError(_("There is no schema of the kind '{kind}'.").format(kind=kind)
                   + did_you_mean(kind, known)
                   + " " + _("Known kinds: {kinds}.").format(kinds=", ".join(known)))


def _cannot_merge(message: str) -> GkError:
    """An editor settings file gk cannot merge into without losing something: why, and the
    lines to add by hand instead."""
    return GkError(message + "\n" + _("Add these lines to it by hand instead:") + "\n"
                   + snippet(schema_mapping()))


def schema_id(kind: str) -> str:
    return f"{SCHEMA_BASE}{kind}.json"


def publishable_templates(root: Path | None) -> dict[str, dict[str, Any]]:
    """The repository's usable templates by id (``gk check`` finds no errors in them), except
    those that take a shipped template's id (which cannot be replaced)."""
    if root is None:
        return {}
    from gk.engine.pipeline import custom_templates

    usable, _results = custom_templates(root)
    return {tid: data for tid, data in usable.items() if tid not in SHIPPED_TEMPLATES}


def kinds(root: Path | None = None,
          custom: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """The kinds gk publishes: the shipped ones, then worksheets of the repository's templates."""
    custom = publishable_templates(root) if custom is None else custom
    return [*KINDS, *(f"worksheet-{t}" for t in custom)]


def published(kind: str, lang: str, root: Path | None = None,
              custom: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The schema of ``kind`` as gk publishes it: self-contained, localized, with ``$id``.
    ``custom``: the repository's templates when already loaded (else read from ``root``)."""
    if kind in KINDS:
        source = schema(kind)
    else:
        custom = publishable_templates(root) if custom is None else custom
        template = kind.removeprefix("worksheet-") if kind.startswith("worksheet-") else None
        if template is None or template not in custom:
            raise unknown_kind(kind, kinds(root, custom))
        source = worksheet_schema_for_template(custom[template])
    body = localized(source, lang)
    out: dict[str, Any] = {
        "$schema": body.get("$schema", "https://json-schema.org/draft/2020-12/schema"),
        "$id": schema_id(kind),
    }
    out.update((k, v) for k, v in body.items() if k not in ("$schema", "$id"))
    return out


def render(document: dict[str, Any]) -> str:
    """A schema as JSON; a repository's own templates bring their texts into it."""
    from gk.render.escape import json_document

    return json_document(document)


def write_schemas(folder: Path, lang: str, root: Path | None = None,
                  only: list[str] | None = None) -> list[Path]:
    """Write ``<kind>.json`` for every kind (or the ``only`` ones) into ``folder``."""
    from gk.edit.atomic import write_atomic

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    custom = publishable_templates(root)
    for kind in only or kinds(root, custom):
        path = folder / f"{kind}.json"
        write_atomic(path, render(published(kind, lang, root, custom)))
        written.append(path)
    return written


# --- VS Code settings ---------------------------------------------------------------------

def _strip_jsonc(text: str) -> str:
    """JSON text with // and /* */ comments removed and trailing commas dropped."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        else:
            out.append(ch)
        i += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


def read_settings(path: Path, display: str) -> dict[str, Any]:
    """The settings in a VS Code JSON file, or {} when there is none.

    Raises a GkError when the file holds comments or trailing commas (writing it back
    would lose them) or is no JSON object at all."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise _cannot_merge(_("Cannot read '{file}': {error}").format(file=display, error=exc)) \
            from exc
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        try:
            json.loads(_strip_jsonc(text))
        except json.JSONDecodeError:
            raise _cannot_merge(
                _("'{file}' is not valid JSON (line {line}, column {column}: {error}); gk "
                  "changes nothing. Correct the file in VS Code or move it away, then run "
                  "the command again.").format(file=display, line=exc.lineno, column=exc.colno,
                                               error=exc.msg)) from exc
        raise _cannot_merge(
            _("'{file}' contains comments or trailing commas; gk would lose them when "
              "writing the file and so changes nothing.").format(file=display)) from exc
    if not isinstance(data, dict):
        raise _cannot_merge(_("'{file}' does not contain a JSON object ({{ … }}); gk changes "
                              "nothing.").format(file=display))
    return data


def schema_mapping(folder: str = SCHEMA_FOLDER) -> dict[str, list[str]]:
    """The ``yaml.schemas`` entries gk maintains: schema file -> file patterns."""
    return {f"./{folder}/{kind}.json": list(patterns) for kind, patterns in VSCODE_PATTERNS.items()}


def merge_settings(settings: dict[str, Any], mapping: dict[str, list[str]],
                   display: str) -> dict[str, Any]:
    """``settings`` with gk's ``yaml.schemas`` entries set; every other key and entry kept."""
    merged = dict(settings)
    current = merged.get("yaml.schemas", {})
    if not isinstance(current, dict):
        raise _cannot_merge(_("'yaml.schemas' in '{file}' is not a mapping of schema files to "
                              "file patterns; gk changes nothing.").format(file=display))
    schemas = dict(current)
    schemas.update(mapping)
    merged["yaml.schemas"] = schemas
    return merged


def merge_extensions(settings: dict[str, Any], display: str) -> dict[str, Any]:
    """``extensions.json`` recommending the YAML extension; other recommendations kept."""
    merged = dict(settings)
    current = merged.get("recommendations", [])
    if not isinstance(current, list):
        raise _cannot_merge(_("'recommendations' in '{file}' is not a list; gk changes "
                              "nothing.").format(file=display))
    if YAML_EXTENSION not in current:
        merged["recommendations"] = [*current, YAML_EXTENSION]
    return merged


def render_settings(settings: dict[str, Any]) -> str:
    text = json.dumps(settings, ensure_ascii=False, indent=4) + "\n"
    if json.loads(text) != settings:  # never write what would not read back the same
        raise _cannot_merge(_("The editor settings would not read back unchanged; gk changes "
                              "nothing."))
    return text


def snippet(mapping: dict[str, list[str]]) -> str:
    """The settings to add by hand when gk cannot merge them itself."""
    return json.dumps({"yaml.schemas": mapping}, indent=4)


def setup_vscode(root: Path, lang: str) -> tuple[list[Path], list[Path]]:
    """Write the schemas into ``.gk/schemas/`` and merge the VS Code settings of ``root``.

    Both settings files are read and merged first; if either cannot be merged safely nothing
    at all is written. Returns (schema files written, settings files written)."""
    from gk.edit.atomic import write_atomic

    mapping = schema_mapping()
    settings_path = root / VSCODE_SETTINGS
    extensions_path = root / VSCODE_EXTENSIONS
    old_settings = read_settings(settings_path, VSCODE_SETTINGS)
    old_extensions = read_settings(extensions_path, VSCODE_EXTENSIONS)
    new_settings = merge_settings(old_settings, mapping, VSCODE_SETTINGS)
    new_extensions = merge_extensions(old_extensions, VSCODE_EXTENSIONS)
    pending = [(settings_path, old_settings, new_settings, settings_path.exists()),
               (extensions_path, old_extensions, new_extensions, extensions_path.exists())]
    rendered = [(path, render_settings(new)) for path, old, new, exists in pending
                if new != old or not exists]
    schemas = write_schemas(root / SCHEMA_FOLDER, lang, root)
    (root / ".vscode").mkdir(exist_ok=True)
    for path, text in rendered:
        write_atomic(path, text)
    return schemas, [path for path, _text in rendered]
