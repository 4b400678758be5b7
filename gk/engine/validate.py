"""Schema validation of one document, with jsonschema errors turned into plain-language findings."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from gk import findings as F
from gk.domain import id_pattern, suggest
from gk.engine.load import Path
from gk.engine.schemas import Validator
from gk.i18n import _, get_language, quote


def path_label(path: Iterable[str | int]) -> str:
    """A JSON path as a user reads it: ``todos[2].status``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out or _("(whole file)")


def _title(schema: dict[str, Any]) -> str:
    if get_language() == "en":
        return str((schema.get("x-en") or {}).get("title") or schema.get("title") or "")
    return str(schema.get("title") or "")


def _resolve(schema: Any, root: dict[str, Any]) -> Any:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 20:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            break
        target = root.get("$defs", {}).get(ref[len("#/$defs/"):], {})
        merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        schema = merged
        seen += 1
    return schema


def allowed_keys(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Property names (with their schemas) a mapping may hold, following allOf and $ref."""
    schema = _resolve(schema, root)
    keys: dict[str, dict[str, Any]] = {}
    for part in schema.get("allOf", []):
        keys.update(allowed_keys(part, root))
    for name, sub in (schema.get("properties") or {}).items():
        resolved = _resolve(sub, root) if isinstance(sub, dict) else {}
        if name in keys and not resolved:
            continue  # 'name: true' re-admits a key defined in allOf; keep the real schema
        keys[name] = resolved if isinstance(resolved, dict) else {}
    return keys


def _expected(types: Any) -> str:
    names = {
        "string": _("a text"),
        "integer": _("a whole number"),
        "number": _("a number"),
        "array": _("a list"),
        "object": _("a mapping of keys and values"),
        "boolean": _("true or false"),
        "null": _("empty"),
    }
    if isinstance(types, str):
        types = [types]
    return _(" or ").join(names.get(t, t) for t in types)


def _actual(value: Any) -> str:
    if value is None:
        return _("nothing (the value is empty)")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int):
        return _("the whole number {v}").format(v=value)
    if isinstance(value, float):
        return _("the number {v}").format(v=value)
    if isinstance(value, str):
        return _("the text '{v}'").format(v=_short(value))
    if isinstance(value, list):
        return _("a list")
    return _("a mapping")


def _short(value: Any, limit: int = 60) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _enum_help(schema: dict[str, Any]) -> str:
    labels = schema.get("x-labels") or {}
    lang = get_language()
    parts = []
    for value in schema.get("enum", []):
        label = (labels.get(value) or {}).get(lang)
        parts.append(f"{value} ({label})" if label and label != value else str(value))
    return ", ".join(parts)


class Located:
    """Finds lines and columns for JSON paths, parsing the text once with positions on."""

    def __init__(self, text: str | None,
                 positions: dict[Path, tuple[int, int, int, int]] | None = None) -> None:
        self.text = text
        self._positions = positions

    def at(self, path: Path, key: bool = False) -> tuple[int, int]:
        if self.text is None:
            return (1, 1)
        if self._positions is None:
            from gk.engine.load import load_text

            self._positions = {}
            load_text(self.text, "", self._positions)
        probe = tuple(path)
        while True:
            found = self._positions.get(probe)
            if found is not None:
                return (found[2], found[3]) if key else (found[0], found[1])
            if not probe:
                return (1, 1)
            probe = probe[:-1]
            key = True


def _flatten(errors: Iterable[Any]) -> Iterator[Any]:
    """Replace anyOf/oneOf errors by the most telling error of their branches."""
    from jsonschema.exceptions import best_match

    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            # A value of the right form that breaks a limit (e.g. a negative count) gets that
            # limit's message; a value of no allowed form gets one message naming the forms
            # ('a whole number or "unknown"').
            specific = [e for e in error.context if e.validator not in ("type", "const", "enum")]
            best = best_match(specific) if specific else None
            if best is not None:
                yield best
                continue
        yield error


def validate(data: Any, validator: Validator, file: str, text: str | None,
             unknown_key_codes: dict[Path, str] | None = None,
             located: Located | None = None) -> list[F.Finding]:
    """Findings for every schema violation of ``data``; empty when it is valid.

    ``unknown_key_codes`` gives unknown keys under certain paths their own code (for example
    unknown checklist items under a worksheet's ``items``)."""
    if validator.is_valid(data):
        return []
    root = validator.schema
    where = located or Located(text)
    out: list[F.Finding] = []
    seen: set[tuple[str, int, int, str]] = set()
    for error in _flatten(validator.errors(data)):
        for finding in _to_findings(error, root, file, where, unknown_key_codes or {}):
            key = (finding.code, finding.line, finding.column, finding.message)
            if key not in seen:
                seen.add(key)
                out.append(finding)
    if not out and not _odd_numbers(data):
        # The fast and the detailed validator disagree: say so rather than stay silent. They
        # disagree on NaN and infinities (NaN compares false both ways); GK109 (gk.rules.values)
        # reports those at the value, so the vague GK108 at 1:1 is left out.
        out.append(F.make("GK108", file, 1, 1, _("The file does not match its schema."),
                          _("Compare it with a file written by 'gk new'.")))
    return out


def _to_findings(error: Any, root: dict[str, Any], file: str, where: Located,
                 unknown_key_codes: dict[Path, str]) -> Iterator[F.Finding]:
    path: Path = tuple(error.absolute_path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    name = path_label(path)
    title = _title(schema)
    same = title and title.casefold() == str(name).casefold()
    about = quote(name) + (f" ({title})" if title and not same else "")

    if kind in ("additionalProperties", "unevaluatedProperties"):
        keys = allowed_keys(schema, root)
        extras = [k for k in value if k not in keys] if isinstance(value, dict) else []
        titles = {
            k: [str(s.get("title", "")), str((s.get("x-en") or {}).get("title", ""))]
            for k, s in keys.items()
        }
        for extra in extras:
            line, column = where.at((*path, extra), key=True)
            guess = suggest(str(extra), keys, titles=titles)
            hint = (_("Did you mean '{guess}'?").format(guess=guess) + " ") if guess else ""
            hint += _("Allowed here: {keys}.").format(keys=", ".join(keys))
            if unknown_key_codes.get(path) == "GK304":
                yield F.make("GK304", file, line, column,
                             _("Unknown checklist item '{key}': the template has no item of "
                               "this id.").format(key=extra), hint)
            else:
                yield F.make("GK101", file, line, column,
                             _("Unknown key '{key}'.").format(key=extra), hint)
        return
    if kind == "required":
        missing = [k for k in error.validator_value if isinstance(value, dict) and k not in value]
        keys = allowed_keys(schema, root)
        line, column = where.at(path, key=True) if path else where.at(())
        for key in missing:
            sub_title = _title(keys.get(key, {}))
            label = quote(key) + (f" ({sub_title})" if sub_title else "")
            place = _(" in '{where}'").format(where=name) if path else ""
            yield F.make("GK103", file, line, column,
                         _("The required key {key} is missing{place}.").format(
                             key=label, place=place),
                         _("Add a line '{key}: …'.").format(key=key))
        return
    # An empty value has no place of its own (YAML puts it at the end of the line or on
    # the next one): point at its key.
    line, column = where.at(path, key=value is None)
    if kind in ("enum", "const"):
        allowed = schema.get("enum") or [schema.get("const")]
        shown = _enum_help(schema) if "enum" in schema else ", ".join(map(str, allowed))
        guess = suggest(str(value), [str(a) for a in allowed], schema.get("x-synonyms")) \
            if isinstance(value, str) else None
        hint = (_("Did you mean '{guess}'?").format(guess=guess) + " ") if guess else ""
        hint += _("Allowed values: {values}.").format(values=shown)
        yield F.make("GK102", file, line, column,
                     _("The value '{value}' is not allowed for {key}.").format(
                         value=_short(value), key=about), hint)
    elif kind == "type":
        if value is None:
            yield F.make("GK104", file, line, column,
                         _("{key} is empty.").format(key=about),
                         _("Enter {expected}, or delete the line if the key is optional.").format(
                             expected=_expected(error.validator_value)))
        else:
            yield F.make("GK104", file, line, column,
                         _("{key} must be {expected}, but it is {actual}.").format(
                             key=about, expected=_expected(error.validator_value),
                             actual=_actual(value)),
                         _type_hint(error.validator_value, value))
    elif kind == "format":
        if error.validator_value == "date":
            yield F.make("GK105", file, line, column,
                         _("'{value}' is not a valid date ({key}).").format(
                             value=_short(value), key=name),
                         _("Write dates as YYYY-MM-DD, for example 2025-03-31, and check that "
                           "the day exists in that month."))
        else:
            yield F.make("GK107", file, line, column,
                         _("'{value}' does not have the form of a {format} ({key}).").format(
                             value=_short(value), format=error.validator_value, key=name), "")
    elif kind == "pattern":
        if id_pattern() in (schema.get("pattern"), error.validator_value):
            hint = _("Ids use only lower-case letters a–z, digits and single hyphens, for "
                     "example 'sprachkurs-b1'.")
        else:
            hint = str(schema.get("description", "")) if get_language() == "de" else str(
                (schema.get("x-en") or {}).get("description", ""))
        yield F.make("GK107", file, line, column,
                     _("'{value}' does not have the required form for {key}.").format(
                         value=_short(value), key=about), hint)
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = error.validator_value
        if isinstance(bound, float) and math.isfinite(bound) and bound.is_integer():
            bound = int(bound)
        text = {
            "minimum": _("at least {bound}"),
            "maximum": _("at most {bound}"),
            "exclusiveMinimum": _("more than {bound}"),
            "exclusiveMaximum": _("less than {bound}"),
        }[kind].format(bound=bound)
        yield F.make("GK106", file, line, column,
                     _("{key} must be {limit}, but it is {value}.").format(
                         key=about, limit=text, value=_short(value)),
                     _("Correct the number."))
    elif kind in ("minItems", "maxItems"):
        if kind == "minItems":
            message = _("{key} needs at least {n} entries.").format(
                key=about, n=error.validator_value)
        else:
            message = _("{key} allows at most {n} entries.").format(
                key=about, n=error.validator_value)
        yield F.make("GK106", file, line, column, message,
                     _("Add the missing entries as '- value' lines.") if kind == "minItems" else "")
    elif kind in ("minLength", "maxLength"):
        if kind == "minLength":
            yield F.make("GK106", file, line, column, _("{key} is empty.").format(key=about),
                         _("Enter a text, or delete the line if the key is optional."))
        else:
            yield F.make("GK106", file, line, column,
                         _("{key} is longer than {n} characters.").format(
                             key=about, n=error.validator_value), _("Shorten it."))
    elif kind == "uniqueItems":
        yield F.make("GK106", file, line, column,
                     _("{key} lists the same entry twice.").format(key=about),
                     _("Delete the repeated entry."))
    elif kind in ("anyOf", "oneOf"):
        yield _alternatives(error, root, schema, about, value, file, line, column)
    else:
        yield F.make("GK108", file, line, column,
                     _("{key} does not match the schema ({detail}).").format(
                         key=about, detail=_short(error.message, 120)), "")


def _alternatives(error: Any, root: dict[str, Any], schema: dict[str, Any], about: str,
                  value: Any, file: str, line: int, column: int) -> F.Finding:
    """A value that may take one of several forms, e.g. a whole number or 'unknown'."""
    forms: list[str] = []
    words: list[str] = []
    for branch in error.validator_value or []:
        branch = _resolve(branch, root)
        if not isinstance(branch, dict):
            continue
        if "const" in branch:
            words.append(str(branch["const"]))
        elif "enum" in branch:
            words.extend(str(v) for v in branch["enum"])
        elif "type" in branch:
            forms.append(_expected(branch["type"]))
    forms.extend(quote(w) for w in words)
    expected = _(" or ").join(forms) if forms else "?"
    guess = suggest(str(value), words, schema.get("x-synonyms")) \
        if isinstance(value, str) and words else None
    hint = (_("Did you mean '{guess}'?").format(guess=guess) + " ") if guess else ""
    hint += _("Enter {expected}.").format(expected=expected)
    code = "GK102" if isinstance(value, str) else "GK104"
    return F.make(code, file, line, column,
                  _("{key} must be {expected}, but it is {actual}.").format(
                      key=about, expected=expected, actual=_actual(value)), hint)


def _type_hint(expected: Any, value: Any) -> str:
    expected = [expected] if isinstance(expected, str) else list(expected)
    if "array" in expected and not isinstance(value, list):
        return _("Write a list, one entry per line starting with '- ', or [a, b].")
    if "string" in expected and isinstance(value, (int, float, bool)):
        return _("Put the value in quotes to make it a text.")
    if "object" in expected:
        return _("Write the entries indented below the key, as 'key: value' lines.")
    if ("integer" in expected or "number" in expected) and isinstance(value, str):
        return _("Write the number without quotes and without units.")
    return ""


def _odd_numbers(value: Any) -> bool:
    """Whether a document holds a number that is NaN or infinite anywhere."""
    if isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    if isinstance(value, dict):
        return any(_odd_numbers(v) for v in value.values())
    if isinstance(value, list):
        return any(_odd_numbers(v) for v in value)
    return False
