"""Editing a JSON (with comments) settings file by changing only the bytes of one entry.

The text is scanned once into spans (where each value, key and member starts and ends);
an edit replaces the span of one value or inserts one member, so everything else — byte
order mark, line ends, indentation, comments, trailing commas, duplicate keys elsewhere,
number spellings such as ``1e400`` — stays as it was.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gk.edit.atomic import Original, read_in_repository
from gk.i18n import _


class JsoncError(ValueError):
    """The text cannot be edited safely; ``args[0]`` says why (in the user's language)."""


@dataclass(slots=True)
class Node:
    """A JSON value found in the text: its kind and span; members or elements inside."""

    kind: str  # object, array, scalar
    start: int
    end: int
    members: list[tuple[str, int, Node]] = field(default_factory=list)  # key, key start, value
    elements: list[Node] = field(default_factory=list)


_SCALAR = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"|[-+0-9.eEa-zA-Z]+')


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> JsoncError:
        line = self.text.count("\n", 0, self.pos) + 1
        column = self.pos - (self.text.rfind("\n", 0, self.pos) + 1) + 1
        return JsoncError(_("{what} at line {line}, column {column}").format(
            what=what, line=line, column=column))

    def skip(self) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r\n\ufeff":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail(_("a comment is not closed"))
                self.pos = end + 2
            else:
                return

    def value(self) -> Node:
        self.skip()
        start = self.pos
        ch = self.text[start:start + 1]
        if ch == "{":
            return self.container(start, "}", True)
        if ch == "[":
            return self.container(start, "]", False)
        match = _SCALAR.match(self.text, start)
        if match is None:
            raise self.fail(_("no JSON value"))
        self.pos = match.end()
        return Node("scalar", start, self.pos)

    def container(self, start: int, close: str, is_object: bool) -> Node:
        node = Node("object" if is_object else "array", start, start)
        self.pos += 1
        while True:
            self.skip()
            if self.text[self.pos:self.pos + 1] == close:
                self.pos += 1
                node.end = self.pos
                return node
            if is_object:
                key_start = self.pos
                key = self.value()
                if not self.text.startswith('"', key.start):
                    raise self.fail(_("a key that is not in quotes"))
                self.skip()
                if self.text[self.pos:self.pos + 1] != ":":
                    raise self.fail(_("a ':' is missing"))
                self.pos += 1
                node.members.append((json.loads(self.text[key.start:key.end]), key_start,
                                     self.value()))
            else:
                node.elements.append(self.value())
            self.skip()
            ch = self.text[self.pos:self.pos + 1]
            if ch == ",":
                self.pos += 1
            elif ch != close:
                raise self.fail(_("a ',' or a closing bracket is missing"))


def parse(text: str) -> Node:
    """The spans of the one JSON value in ``text`` (comments and trailing commas allowed)."""
    scanner = _Scanner(text)
    try:
        node = scanner.value()
        scanner.skip()
    except (IndexError, json.JSONDecodeError) as exc:
        raise scanner.fail(_("broken JSON")) from exc
    if scanner.pos != len(text):
        raise scanner.fail(_("text after the end"))
    return node


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _indent_at(text: str, pos: int) -> str:
    line_start = text.rfind("\n", 0, pos) + 1
    prefix = text[line_start:pos]
    return prefix if not prefix.strip() else ""


def _unit(text: str, node: Node) -> str:
    """One level of indentation as the file uses it (from the first member on its own line)."""
    for _key, key_start, _value in node.members:
        inner = _indent_at(text, key_start)
        outer = _indent_at(text, node.start)
        if inner.startswith(outer) and len(inner) > len(outer):
            return inner[len(outer):]
    return "    "


def _insert_member(text: str, node: Node, member: str, unit: str) -> str:
    """``text`` with ``member`` (``"key": value``) added as the last member of ``node``."""
    nl = _newline(text)
    if node.members:
        _key, key_start, last = node.members[-1]
        indent = _indent_at(text, key_start)
        if not indent:  # members on one line: stay on one line
            return text[:last.end] + ", " + member + text[last.end:]
        return text[:last.end] + "," + nl + indent + member + text[last.end:]
    outer = _indent_at(text, node.start)
    inner = text[node.start + 1:node.end - 1]
    if inner.strip():  # only comments inside: keep them, add after them
        return (text[:node.end - 1].rstrip(" \t") + nl + outer + unit + member + nl + outer
                + text[node.end - 1:])
    return text[:node.start + 1] + nl + outer + unit + member + nl + outer + text[node.end - 1:]


def _member(node: Node, key: str) -> Node | None:
    found = [value for name, _start, value in node.members if name == key]
    if len(found) > 1:
        raise JsoncError(_("'{key}' appears more than once").format(key=key))
    return found[0] if found else None


_UNREADABLE = object()


def _value_of(text: str, node: Node) -> Any:
    """The value of a span (one that holds comments compares as unreadable, never equal)."""
    try:
        return json.loads(text[node.start:node.end], parse_constant=str)
    except json.JSONDecodeError:
        return _UNREADABLE


def _top_object(text: str) -> tuple[str, Node]:
    """``text`` (an empty file read as ``{}``) and its parsed top level, which must be an
    object."""
    if not text.strip():
        text = "{}\n"
    top = parse(text)
    if top.kind != "object":
        raise JsoncError(_("the file does not hold a JSON object ({ … })"))
    return text, top


def set_entries(text: str, key: str, entries: dict[str, Any]) -> str:
    """``text`` with ``entries`` set inside the top-level object's ``key`` object; entries
    that already have the wanted value are left as they are written."""
    text, top = _top_object(text)
    target = _member(top, key)
    unit = _unit(text, top)
    if target is None:
        nl = _newline(text)
        indent = (_indent_at(text, top.members[-1][1]) if top.members
                  else _indent_at(text, top.start) + unit)
        body = "{" + nl + ("," + nl).join(
            f"{indent}{unit}{json.dumps(name, ensure_ascii=False)}: "
            f"{json.dumps(value, ensure_ascii=False)}" for name, value in entries.items()
        ) + nl + indent + "}"
        return _insert_member(text, top, json.dumps(key) + ": " + body, unit)
    if target.kind != "object":
        raise JsoncError(_("'{key}' is not a mapping of schema files to file patterns").format(
            key=key))
    for name, wanted in entries.items():
        current = _member(target, name)
        rendered = json.dumps(wanted, ensure_ascii=False)
        if current is None:
            text = _insert_member(text, target, json.dumps(name) + ": " + rendered, unit)
        elif _value_of(text, current) != wanted:
            text = text[:current.start] + rendered + text[current.end:]
        else:
            continue
        top = parse(text)
        target = _member(top, key) or target
    return text


def add_to_list(text: str, key: str, item: str) -> str:
    """``text`` with ``item`` appended to the top-level object's list ``key`` unless there."""
    text, top = _top_object(text)
    target = _member(top, key)
    rendered = json.dumps(item)
    if target is None:
        return _insert_member(text, top, json.dumps(key) + ": [" + rendered + "]",
                              _unit(text, top))
    if target.kind != "array":
        raise JsoncError(_("'{key}' is not a list").format(key=key))
    if any(_value_of(text, e) == item for e in target.elements):
        return text
    if not target.elements:
        return text[:target.start + 1] + rendered + text[target.end - 1:]
    last = target.elements[-1]
    indent = _indent_at(text, last.start)
    glue = ("," + _newline(text) + indent) if indent else ", "
    return text[:last.end] + glue + rendered + text[last.end:]


def read_json_file(root: Path, rel: str) -> tuple[Original | None, str, bool]:
    """(the file as read or None when missing, its text without BOM, whether it had a BOM)."""
    from gk.errors import GkError
    try:
        original = read_in_repository(root, rel)
    except FileNotFoundError:
        return None, "", False
    except OSError as exc:
        raise GkError(_("Cannot read '{file}': {error}").format(
            file=rel, error=exc.strerror or exc)) from exc
    raw = original.raw
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw[3 if bom else 0:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GkError(_("Cannot read '{file}': {error}").format(file=rel, error=exc)) from exc
    return original, text, bom
