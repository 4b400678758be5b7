"""The JSON Schemas as gk publishes them for editors and other validators, and the VS Code setup.

A published schema is the bundled, self-contained schema of a kind, in one language, with an
``$id`` under ``https://gk.invalid/`` (the ``.invalid`` top-level domain is reserved and never
resolves, so no tool will try to download anything: the schemas travel as files).
"""

from __future__ import annotations

import json
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
    """Write ``<kind>.json`` for every kind (or the ``only`` ones) into ``folder`` (``--out``:
    a folder of the user's choice, written like ``-o``)."""
    from gk.edit.atomic import write_output

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    custom = publishable_templates(root)
    for kind in only or kinds(root, custom):
        path = folder / f"{kind}.json"
        write_output(path, render(published(kind, lang, root, custom)).encode("utf-8"))
        written.append(path)
    return written


# --- VS Code settings ---------------------------------------------------------------------

def schema_mapping(folder: str = SCHEMA_FOLDER) -> dict[str, list[str]]:
    """The ``yaml.schemas`` entries gk maintains: schema file -> file patterns."""
    return {f"./{folder}/{kind}.json": list(patterns) for kind, patterns in VSCODE_PATTERNS.items()}


def snippet(mapping: dict[str, list[str]]) -> str:
    """The settings to add by hand when gk cannot merge them itself."""
    return json.dumps({"yaml.schemas": mapping}, indent=4)


def setup_vscode(root: Path, lang: str) -> tuple[list[Path], list[Path]]:
    """Write the schemas into ``.gk/schemas/`` and merge the VS Code settings of ``root``.

    Only gk's entries of ``yaml.schemas`` (and the YAML extension in ``recommendations``)
    change; every other byte of the settings files stays as it was (byte order mark, line
    ends, indentation, comments, duplicate keys, number spellings). Both files are read and
    merged first; if either cannot be merged safely nothing at all is written. Returns
    (schema files written, settings files written)."""
    from gk.edit.atomic import write_in_repository
    from gk.edit.jsonc import JsoncError, add_to_list, read_json_file, set_entries

    mapping = schema_mapping()
    pending = []
    for rel, edit in ((VSCODE_SETTINGS, lambda t: set_entries(t, "yaml.schemas", mapping)),
                      (VSCODE_EXTENSIONS,
                       lambda t: add_to_list(t, "recommendations", YAML_EXTENSION))):
        original, text, bom = read_json_file(root, rel)
        try:
            new = edit(text)
        except JsoncError as exc:
            raise _cannot_merge(_("'{file}' cannot be changed without losing something "
                                  "({problem}); gk changes nothing.").format(
                                      file=rel, problem=exc.args[0])) from exc
        if original is None or new != text:
            pending.append((rel, (b"\xef\xbb\xbf" if bom else b"") + new.encode("utf-8"),
                            original))
    schemas = []
    custom = publishable_templates(root)
    for kind in kinds(root, custom):
        rel = f"{SCHEMA_FOLDER}/{kind}.json"
        write_in_repository(root, rel, render(published(kind, lang, root, custom))
                            .encode("utf-8"))
        schemas.append(root / rel)
    for rel, payload, original in pending:
        if original is None:
            write_in_repository(root, rel, payload, create_only=True)
        else:
            write_in_repository(root, rel, payload, original=original)
    return schemas, [root / rel for rel, _payload, _original in pending]
