"""Saving a whole form: the differences between a document's data and the data the form gave,
made to the file's text one small edit at a time, so that every line no change touches stays
byte for byte (comments, key order, quoting, blank lines).

Each edit replaces a scalar, inserts the lines of a new key or list entry next to its
neighbours, deletes the lines of a removed one, or rewrites a one-line flow collection
(``fields: [language, work]``). After every edit the text is parsed again for positions; at
the end it must load to exactly the data the form gave, or nothing is written
(``gk.edit.roundtrip.commit`` writes). Where a layout does not allow a local edit (anchors,
aliases, multi-line flow collections), the change is refused with the field it concerns.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from gk.edit.roundtrip import Document, _refused, guess_indent, line_starts, offset_of, scalar_end
from gk.engine.load import Positions, load_text
from gk.i18n import _

Path = tuple[str | int, ...]
_BREAK = re.compile(r"\r\n|[\r\n]")


class _Text:
    """The text being edited and its positions, parsed again after every edit."""

    def __init__(self, text: str, newline: str) -> None:
        self.newline = newline
        self.set(text)

    def set(self, text: str) -> None:
        positions: Positions = {}
        loaded = load_text(text, "", positions)
        if loaded.findings or loaded.data is None:
            raise _Unplaceable(())
        self.text = text
        self.data = loaded.data
        self.positions = positions
        self.starts = line_starts(text)
        self.lines = _BREAK.split(text)

    def offset(self, line: int, column: int) -> int:
        return offset_of(self.text, line, column, self.starts)

    def line_end(self, line: int) -> int:
        """Offset of the end of 1-based ``line``, before its line break."""
        return self.starts[line - 1] + len(self.lines[line - 1])


class _Unplaceable(Exception):
    """An edit that cannot be made locally; carries the path it concerns."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.path = path


def changed_text(doc: Document, new: dict[str, Any], display: str) -> str:
    """The document's text changed so that it loads to ``new``; refused (GkError) where gk
    cannot make a change without touching other lines."""
    work = _Text(doc.text, doc.newline)
    try:
        _apply(work, (), doc.data, new)
    except _Unplaceable as exc:
        where = "/".join(str(p) for p in exc.path) or "/"
        raise _refused(_("gk cannot save the change to '{field}' in '{path}' without touching "
                         "other parts of the file (an anchor, an alias or a layout gk does "
                         "not edit); nothing was written. Change it in the file by hand."
                         ).format(field=where, path=display)) from exc
    if load_text(work.text, display).data != new:
        raise _refused(_("The change to '{path}' would not read back as intended; nothing "
                         "was written.").format(path=display))
    return work.text


# --- the walk over both values ------------------------------------------------------------

def _apply(work: _Text, path: Path, old: Any, new: Any) -> None:
    if old == new and type(old) is type(new):
        return
    if isinstance(old, dict) and isinstance(new, dict) and not _is_flow(work, path):
        _apply_mapping(work, path, old, new)
    elif isinstance(old, list) and isinstance(new, list) and old and new \
            and not _is_flow(work, path):
        _apply_list(work, path, old, new)
    else:
        _replace_value(work, path, new)


def _apply_mapping(work: _Text, path: Path, old: dict[str, Any], new: dict[str, Any]) -> None:
    for key in list(old):
        if key not in new:
            _remove(work, (*path, key))
    for key in new:
        if key in old:
            _apply(work, (*path, key), old[key], new[key])
    order = list(new)
    for index, key in enumerate(order):
        if key in old:
            continue
        before = next((k for k in reversed(order[:index]) if k in work_keys(work, path)), None)
        _add_key(work, path, key, new[key], before)


def work_keys(work: _Text, path: Path) -> list[str]:
    node = _node(work.data, path)
    return list(node) if isinstance(node, dict) else []


def _node(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _row_key(value: Any) -> str:
    """How list entries are matched: to-dos and other entries with an id by it, others by
    their whole value."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return "id:" + value["id"]
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _apply_list(work: _Text, path: Path, old: list[Any], new: list[Any]) -> None:
    matcher = difflib.SequenceMatcher(None, [_row_key(v) for v in old],
                                      [_row_key(v) for v in new], autojunk=False)
    # From the end backwards, so that the indices of earlier entries stay what they were.
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            pairs = list(zip(range(i1, i2), range(j1, j2), strict=True))
            for i, j in reversed(pairs):
                _apply(work, (*path, i), old[i], new[j])
            continue
        common = min(i2 - i1, j2 - j1)
        for i in reversed(range(i1 + common, i2)):
            _remove(work, (*path, i))
        for offset, j in enumerate(range(j1 + common, j2)):
            _insert_entry(work, path, i1 + common + offset, new[j])
        for k in reversed(range(common)):
            _apply(work, (*path, i1 + k), old[i1 + k], new[j1 + k])


# --- where nodes are in the text ----------------------------------------------------------

def _value_start(work: _Text, path: Path) -> int:
    where = work.positions.get(path)
    if where is None:
        raise _Unplaceable(path)
    start = work.offset(where[0], where[1])
    if work.text[start:start + 1] in ("&", "!", "*"):
        raise _Unplaceable(path)
    return start


def _is_flow(work: _Text, path: Path) -> bool:
    where = work.positions.get(path)
    if where is None:
        return False
    start = work.offset(where[0], where[1])
    return work.text[start:start + 1] in ("[", "{")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(work: _Text, first: int, indent: int) -> int:
    """The last line (1-based) of the node that starts on line ``first``: the following lines
    indented deeper than ``indent`` (and blank lines between them) belong to it; blank lines
    at its end do not."""
    last = first
    for number in range(first + 1, len(work.lines) + 1):
        line = work.lines[number - 1]
        if not line.strip():
            continue
        if _indent(line) > indent:
            last = number
            continue
        break
    return last


def _entry_prefix(work: _Text, path: Path) -> tuple[int, str]:
    """Line and ``- `` prefix of a block sequence entry."""
    where = work.positions.get(path)
    if where is None:
        raise _Unplaceable(path)
    line = work.lines[where[0] - 1]
    prefix = line[:where[1] - 1]
    if re.fullmatch(r" *- +", prefix) is None:
        raise _Unplaceable(path)
    return where[0], prefix


def _key_line(work: _Text, path: Path) -> tuple[int, int]:
    """Line and indentation of a mapping key that starts its own line (or follows ``- ``)."""
    where = work.positions.get(path)
    if where is None:
        raise _Unplaceable(path)
    line, column = where[2], where[3]
    before = work.lines[line - 1][:column - 1]
    if before.strip() not in ("", "-") or (before.strip() == "-" and
                                           re.fullmatch(r" *- +", before) is None):
        raise _Unplaceable(path)
    return line, column - 1


# --- the edits ----------------------------------------------------------------------------

def _delete_lines(work: _Text, first: int, last: int) -> None:
    start = work.starts[first - 1]
    end = work.starts[last] if last < len(work.starts) else len(work.text)
    work.set(work.text[:start] + work.text[end:])


def _insert_lines(work: _Text, before: int, lines: list[str]) -> None:
    """Insert ``lines`` before 1-based line ``before`` (after the last line when beyond)."""
    block = "".join(line + work.newline for line in lines)
    text = work.text
    if before > len(work.starts) or (before == len(work.starts) and work.starts[-1] == len(text)):
        if text and not text.endswith(("\n", "\r")):
            block = work.newline + block
        work.set(text + block)
        return
    at = work.starts[before - 1]
    work.set(text[:at] + block + text[at:])


def _remove(work: _Text, path: Path) -> None:
    if isinstance(path[-1], int):
        line, prefix = _entry_prefix(work, path)
        _delete_lines(work, line, _block_end(work, line, _indent(prefix)))
        return
    line, indent = _key_line(work, path)
    if work.lines[line - 1][:indent].strip() == "-":
        raise _Unplaceable(path)  # the first key of a list entry carries the entry's dash
    _delete_lines(work, line, _block_end(work, line, indent))


def _step(work: _Text) -> tuple[int, int]:
    return guess_indent(work.text)


def _value_lines(value: Any, indent: int, work: _Text) -> tuple[str, list[str]]:
    """How a value is written after ``key:``: the text on the key's line and the lines below
    (indented for a key at ``indent``)."""
    from gk.edit.yaml_text import scalar

    mapping, offset = _step(work)
    if isinstance(value, dict) and value:
        lines: list[str] = []
        for key, item in value.items():
            lines.extend(_key_lines(key, item, indent + mapping, work))
        return "", lines
    if isinstance(value, list) and value and not any(isinstance(v, (dict, list))
                                                     or (isinstance(v, str) and "\n" in v)
                                                     for v in value):
        return " " + scalar(value), []  # a list of words in one line, as gk new writes it
    if isinstance(value, list) and value:
        lines = []
        for item in value:
            lines.extend(_entry_lines(item, indent + offset, work))
        return "", lines
    if isinstance(value, dict):
        return " {}", []
    if isinstance(value, list):
        return " []", []
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        return _block_scalar(value, indent + mapping)
    if value is None:
        return "", []
    return " " + scalar(value), []


def _block_scalar(value: str, indent: int) -> tuple[str, list[str]]:
    body = value.replace("\r\n", "\n").replace("\r", "\n")
    chomp = "" if body.endswith("\n") and not body.endswith("\n\n") else "-"
    if body.endswith("\n\n") or body.startswith((" ", "\n")) or any(
            line != line.rstrip(" \t") for line in body.split("\n")):
        return " " + json.dumps(value, ensure_ascii=False), []
    parts = body[:-1].split("\n") if chomp == "" else body.split("\n")
    return f" |{chomp}", [(" " * indent + part) if part else "" for part in parts]


def _key_lines(key: str, value: Any, indent: int, work: _Text) -> list[str]:
    from gk.edit.yaml_text import scalar

    head, below = _value_lines(value, indent, work)
    return [" " * indent + scalar(key) + ":" + head, *below]


def _entry_lines(value: Any, dash: int, work: _Text) -> list[str]:
    """A list entry starting with ``- `` at column ``dash``."""
    if isinstance(value, dict) and value:
        inner = dash + 2
        lines: list[str] = []
        for key, item in value.items():
            lines.extend(_key_lines(key, item, inner, work))
        lines[0] = " " * dash + "- " + lines[0][inner:]
        return lines
    head, below = _value_lines(value, dash, work)
    if below:  # a nested list or a block scalar in a list: not what forms make
        raise _Unplaceable(())
    return [" " * dash + "-" + (head or " null")]


def _add_key(work: _Text, path: Path, key: str, value: Any, after: str | None) -> None:
    """A new key in the mapping at ``path``, after the key ``after`` (or before the first)."""
    parent = _node(work.data, path)
    if not isinstance(parent, dict):
        raise _Unplaceable((*path, key))
    if not parent:
        _fill_empty(work, path, {key: value})
        return
    first_key = next(iter(parent))
    if path and _is_flow(work, path):
        raise _Unplaceable((*path, key))
    _line, indent = _key_line(work, (*path, first_key))
    if after is None:
        line, _i = _key_line(work, (*path, first_key))
        lines = _key_lines(key, value, indent, work)
        if work.lines[line - 1][:indent].strip() == "-":  # before the first key of an entry
            raise _Unplaceable((*path, key))
        _insert_lines(work, line, lines)
        return
    line, _i = _key_line(work, (*path, after))
    end = _block_end(work, line, indent)
    _insert_lines(work, end + 1, _key_lines(key, value, indent, work))


def _fill_empty(work: _Text, path: Path, value: Any) -> None:
    """A mapping or list that is empty (``key:``, ``key: {}``, ``key: []``) gets its first
    content below the key."""
    if not path:
        _insert_lines(work, len(work.lines) + 1, _value_lines(value, 0, work)[1])
        return
    if isinstance(path[-1], int):
        raise _Unplaceable(path)
    line, indent = _key_line(work, path)
    text_line = work.lines[line - 1]
    colon = _colon_after_key(work, path)
    rest = text_line[colon + 1:]
    match = re.fullmatch(r"[ \t]*(\{\}|\[\]|~|null|Null|NULL)?(?P<comment>[ \t]*(?:#.*)?)", rest)
    if match is None:
        raise _Unplaceable(path)
    head, below = _value_lines(value, indent, work)
    comment = match["comment"] if match["comment"].strip() else ""
    new_line = text_line[:colon + 1] + head + comment
    start = work.starts[line - 1]
    text = work.text[:start] + new_line + work.text[start + len(text_line):]
    work.set(text)
    if below:
        _insert_lines(work, line + 1, below)


def _colon_after_key(work: _Text, path: Path) -> int:
    where = work.positions.get(path)
    if where is None:
        raise _Unplaceable(path)
    line = work.lines[where[2] - 1]
    key_start = where[3] - 1
    end = scalar_end(line, key_start)
    if end < 0:
        raise _Unplaceable(path)
    colon = line.find(":", end)
    if colon < 0 or line[end:colon].strip():
        raise _Unplaceable(path)
    return colon


def _insert_entry(work: _Text, path: Path, index: int, value: Any) -> None:
    """A new entry at ``index`` of the block list at ``path`` (written like its neighbour)."""
    items = _node(work.data, path)
    if not isinstance(items, list) or not items:
        _replace_value(work, path, [*(items or []), value])
        return
    neighbour = min(index, len(items) - 1)
    line, prefix = _entry_prefix(work, (*path, neighbour))
    dash = len(prefix) - len(prefix.lstrip(" "))
    lines = _entry_lines(value, dash, work)
    gap = len(prefix) - dash - 2  # `-   id:` stays `-   id:`
    if gap > 0 and isinstance(value, dict):
        lines = [lines[0][:dash + 1] + " " * (gap + 1) + lines[0][dash + 2:],
                 *(" " * gap + ln for ln in lines[1:])]
    if index < len(items):
        _insert_lines(work, line, lines)
    else:
        _insert_lines(work, _block_end(work, line, dash) + 1, lines)


def _replace_value(work: _Text, path: Path, new: Any) -> None:
    """Replace the value at ``path`` as a whole: a scalar in its quoting style, a one-line flow
    collection as a new one; a block collection's lines are replaced below its key."""
    if not path:
        raise _Unplaceable(path)
    old = _node(work.data, path)
    if isinstance(old, (dict, list)) and old and not _is_flow(work, path):
        if isinstance(path[-1], int):
            raise _Unplaceable(path)
        line, indent = _key_line(work, path)
        end = _block_end(work, line, indent)
        if end > line:
            _delete_lines(work, line + 1, end)
        _fill_empty(work, path, new)
        return
    if old is None or (isinstance(old, (dict, list)) and not old and not _is_flow(work, path)):
        _fill_empty(work, path, new) if isinstance(new, (dict, list)) and new \
            else _replace_token(work, path, new, old)
        return
    _replace_token(work, path, new, old)


def _replace_token(work: _Text, path: Path, new: Any, old: Any) -> None:
    where = work.positions.get(path)
    if where is None:
        raise _Unplaceable(path)
    if old is None and where[0] != where[2]:
        _fill_empty(work, path, new)
        return
    start = _value_start(work, path)
    first = work.text[start:start + 1]
    line = where[0]
    if first in ("|", ">"):
        indent = _parent_indent(work, path)
        end = work.line_end(_block_end(work, line, indent))
    elif first in ("[", "{"):
        end = _flow_end(work.text, start)
        if end < 0 or end > work.line_end(line):
            raise _Unplaceable(path)
    elif old is None and work.text[start:start + 1] in ("", "\r", "\n", "#"):
        end = start
    else:
        end = scalar_end(work.text, start)
        if end < 0 or end > work.line_end(line):
            raise _Unplaceable(path)
    if first in ("|", ">"):
        first = re.match(r"[|>][-+]?[0-9]?", work.text[start:]).group(0)  # type: ignore[union-attr]
    token = _token(new, first, _parent_indent(work, path), work)
    if token is None:
        raise _Unplaceable(path)
    before = work.text[:start]
    if old is None and end == start and not before.endswith((" ", "\t", "-")):
        token = " " + token
    work.set(before + token + work.text[end:])
    if _node(work.data, path) != new:
        raise _Unplaceable(path)


def _parent_indent(work: _Text, path: Path) -> int:
    where = work.positions.get(path)
    if where is None:
        raise _Unplaceable(path)
    if isinstance(path[-1], int):
        return _indent(work.lines[where[0] - 1])
    return where[3] - 1


def _flow_end(text: str, start: int) -> int:
    depth = 0
    pos = start
    while pos < len(text):
        ch = text[pos]
        if ch in "'\"":
            end = scalar_end(text, pos)
            if end < 0:
                return -1
            pos = end
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return pos + 1
        elif ch in "\r\n":
            return -1
        pos += 1
    return -1


def _token(new: Any, first: str, indent: int, work: _Text) -> str | None:
    """The text of a new value in place of an old one whose text began with ``first``."""
    from gk.edit.yaml_text import scalar

    if isinstance(new, (dict, list)):
        if any(isinstance(v, (dict, list)) for v in (new.values() if isinstance(new, dict)
                                                      else new)):
            return None
        if isinstance(new, dict):
            return "{" + ", ".join(f"{scalar(k)}: {scalar(v)}" for k, v in new.items()) + "}"
        return scalar(new)
    if isinstance(new, str):
        folded = _folded(new, first, indent + _step(work)[0], work.newline)
        if folded is not None:
            return folded
        if "\n" in new or "\r" in new:
            head, below = _block_scalar(new, indent + _step(work)[0])
            return head.lstrip(" ") + "".join(work.newline + b for b in below)
        if first == "'" and "\n" not in new:
            return "'" + new.replace("'", "''") + "'"
        if first == '"':
            return json.dumps(new, ensure_ascii=False)
        return scalar(new)
    if new is None:
        return "null"
    return scalar(new)


def _folded(value: str, indicator: str, indent: int, newline: str) -> str | None:
    """A paragraph written again as a folded block (``>-`` or ``>``) like the one it replaces,
    wrapped at spaces; None where folding would not give back exactly ``value``."""
    if indicator not in (">", ">-"):
        return None
    body = value[:-1] if indicator == ">" and value.endswith("\n") else value
    if indicator == ">" and not value.endswith("\n"):
        return None
    if (not body or "\n" in body or "\r" in body or "\t" in body or "  " in body
            or body != body.strip(" ")):
        return None
    width = max(40, 88 - indent)
    lines: list[str] = []
    current = ""
    for word in body.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return indicator + "".join(newline + " " * indent + line for line in lines)
