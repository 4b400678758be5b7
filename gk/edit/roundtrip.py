"""Changing a data file without losing a byte: read once, edit minimally, verify, write atomically.

An edit replaces one scalar or inserts a few lines at a place located through the loader's
positions; every other byte of the file stays as it was. Where that is not possible (a to-do
list in flow style, an unusual layout) gk refuses and says how to make the change by hand —
it never rewrites a whole document. The new text is parsed again and must give exactly the
data that was meant, and the file must not have changed on disk since it was read;
otherwise nothing is written. All writing goes through gk.edit.atomic.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gk.edit.atomic import Original, read_in_repository, write_in_repository
from gk.engine.load import Positions, load_bytes, load_text
from gk.errors import NOTHING, GkError
from gk.i18n import _

BOM = b"\xef\xbb\xbf"
# The line breaks of YAML 1.2 and of editors; positions from the loader count these alone.
_BREAK = re.compile(r"\r\n|[\r\n]")


def _refused(message: str) -> GkError:
    """A change that was not written (the message says why; the file on disk is unchanged):
    exit status 1, as for findings, since it is the file's state that stops it."""
    return GkError(message, NOTHING)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A data file as read: the repository, its path there, its bytes and identity on disk."""

    root: Path
    rel: str
    original: Original

    @property
    def path(self) -> Path:
        return self.root / self.rel

    @property
    def raw(self) -> bytes:
        return self.original.raw

    @property
    def bom(self) -> bool:
        return self.raw.startswith(BOM)

    @property
    def newline(self) -> str:
        """The file's line ending: the one most of its lines end with (LF when none)."""
        crlf = self.raw.count(b"\r\n")
        cr = self.raw.count(b"\r") - crlf
        lf = self.raw.count(b"\n") - crlf
        if cr > crlf and cr > lf:
            return "\r"
        return "\r\n" if crlf and crlf >= lf else "\n"


def _repository_of(path: Path) -> tuple[Path, str]:
    """The repository holding ``path`` and the path relative to it, found without resolving
    links (a link on the way must be seen by the writer, not resolved away)."""
    from gk.domain import CONFIG_FILE

    absolute = Path(os.path.abspath(path))
    for folder in absolute.parents:
        if (folder / CONFIG_FILE).is_file():
            return folder, absolute.relative_to(folder).as_posix()
    return absolute.parent, absolute.name


def read_snapshot(root: Path, rel: str) -> Snapshot:
    try:
        original = read_in_repository(root, rel)
    except OSError as exc:
        raise _refused(_("The file '{path}' cannot be read ({error}).").format(
            path=rel, error=exc.strerror or exc)) from exc
    return Snapshot(root, rel, original)


@dataclass(slots=True)
class Document:
    """A data file opened for editing: its snapshot, text (without BOM), plain data, positions."""

    snapshot: Snapshot
    text: str
    data: dict[str, Any]
    positions: Positions = field(default_factory=dict)

    @property
    def newline(self) -> str:
        return self.snapshot.newline

    def encode(self, text: str) -> bytes:
        return (BOM if self.snapshot.bom else b"") + text.encode("utf-8")


def open_document(path: Path, display: str | None = None, root: Path | None = None) -> Document:
    """Read and parse a file for editing; refuse links (the file or a folder on the way from
    the repository's root) and files that do not load cleanly."""
    if root is None:
        root, rel = _repository_of(path)
    else:
        rel = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
    snapshot = read_snapshot(root, rel)
    positions: Positions = {}
    loaded = load_bytes(snapshot.raw, display or path.name, positions)
    if loaded.data is None or loaded.text is None or not isinstance(loaded.data, dict):
        first = loaded.findings[0] if loaded.findings else None
        detail = f"{first.line}:{first.column}: {first.message}" if first else "?"
        raise _refused(_("'{path}' cannot be changed because it does not load ({detail}). "
                             "Run 'gk check' and fix it first.").format(
                                 path=display or path, detail=detail))
    return Document(snapshot, loaded.text, loaded.data, positions)


# --- line-level edits ---------------------------------------------------------------------

def line_starts(text: str) -> list[int]:
    """Offsets at which each line starts (line 1 at index 0), by YAML's idea of a line break."""
    starts = [0]
    starts.extend(m.end() for m in _BREAK.finditer(text))
    return starts


def offset_of(text: str, line: int, column: int, starts: list[int] | None = None) -> int:
    """The character offset of a 1-based line and column."""
    starts = starts or line_starts(text)
    return starts[line - 1] + column - 1


def scalar_end(text: str, start: int) -> int:
    """End offset of the single-line scalar that begins at ``start`` (quoted or plain)."""
    first = text[start:start + 1]
    if first == "'":
        pos = start + 1
        while True:
            found = text.find("'", pos)
            if found < 0:
                return -1
            if text[found + 1:found + 2] == "'":
                pos = found + 2
                continue
            return found + 1
    if first == '"':
        pos = start + 1
        while pos < len(text):
            ch = text[pos]
            if ch == "\\":
                pos += 2
                continue
            if ch == '"':
                return pos + 1
            pos += 1
        return -1
    match = re.compile(r"[^\s,\]\}#]+(?:[ \t]+[^\s,\]\}#]+)*").match(text, start)
    return match.end() if match else start


def replace_scalar(doc: Document, path: tuple[str | int, ...], value: str,
                   plain: str | None = None) -> str | None:
    """The text with the scalar at ``path`` replaced by ``value`` in the same quoting style
    (``plain``, when given, is written instead of ``value`` where the old scalar was plain).

    Returns None when the scalar cannot be replaced on its own line (block scalars, multi-line
    quoted text); the caller then falls back to a round-trip rewrite."""
    where = doc.positions.get(path)
    if where is None:
        return None
    starts = line_starts(doc.text)
    line_end = starts[where[0]] if where[0] < len(starts) else len(doc.text)
    start = _after_properties(doc.text, offset_of(doc.text, where[0], where[1], starts),
                              line_end)
    if start < 0:
        return None
    first = doc.text[start:start + 1]
    if first in ("|", ">", "&", "!", "*", "[", "{", "\r", "\n", "#", ""):
        return None
    end = scalar_end(doc.text, start)
    if end <= start:
        return None
    if end > line_end:
        return None
    if first == "'":
        new = "'" + value.replace("'", "''") + "'"
    elif first == '"':
        new = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        new = value if plain is None else plain
    return doc.text[:start] + new + doc.text[end:]


_PROPERTY = re.compile(r"(?:&[^\s,\[\]{}]+|!<[^>\s]*>|![^\s,\[\]{}]*)[ \t]+")


def _after_properties(text: str, start: int, line_end: int) -> int:
    """Where the scalar starts behind its anchor and tag (``&a !!str open``), on the same
    line; -1 when they are followed by a line break."""
    while text[start:start + 1] in ("&", "!"):
        match = _PROPERTY.match(text, start, line_end)
        if match is None:
            return -1
        start = match.end()
    return start


def insert_text(doc: Document, line: int, lines: list[str]) -> str:
    """The text with ``lines`` inserted before 1-based ``line`` (or at the end), in the file's
    line ending."""
    return _insert_at(doc.text, doc.newline, line, lines)


def guess_indent(text: str) -> tuple[int, int]:
    """(mapping indent, sequence dash offset) as the file uses them; (2, 2) when it does not say."""
    mapping: int | None = None
    offset: int | None = None
    lines = [ln for ln in _BREAK.split(text)]
    for index, line in enumerate(lines):
        stripped = line.split(" #", 1)[0].rstrip()
        if not stripped.endswith(":") or stripped.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.lstrip(" ")
        if body.startswith("- "):
            indent += 2
        for following in lines[index + 1:]:
            if not following.strip() or following.lstrip().startswith("#"):
                continue
            inner = len(following) - len(following.lstrip(" "))
            if inner < indent:
                break
            if following.lstrip(" ").startswith("-"):
                if offset is None:
                    offset = inner - indent
            elif inner > indent and mapping is None:
                mapping = inner - indent
            break
        if mapping is not None and offset is not None:
            break
    return (mapping or 2, 2 if offset is None else offset)


# --- verify and write ---------------------------------------------------------------------

def verify_text(text: str, expected: Any, display: str = "") -> None:
    """Refuse unless ``text`` loads without problems to exactly ``expected``."""
    loaded = load_text(text, display)
    if loaded.findings or loaded.data != expected:
        raise _refused(_("The change to '{path}' would not read back as intended; nothing "
                             "was written.").format(path=display))


def expected_data(doc: Document, change: Callable[[Any], None]) -> Any:
    """What the data should be after the change: a deep copy of the old data, changed."""
    data = copy.deepcopy(doc.data)
    change(data)
    return data


def unified_diff(doc: Document, new_text: str, display: str) -> str:
    old = doc.text.splitlines(keepends=True)
    new = new_text.splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, fromfile=f"a/{display}", tofile=f"b/{display}")
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n")
    return "".join(out).replace("\r\n", "\n")


def commit(doc: Document, new_text: str, expected: Any, display: str,
           accept: Callable[[str], None] | None = None) -> None:
    """Write ``new_text`` over the document's file, or refuse and leave the file untouched.

    Steps: parse the new text and compare with ``expected``; write a temporary file in the
    same folder (gk.edit.atomic) and read it back; let ``accept`` inspect the temporary file
    (by its path relative to the root; it raises a GkError to stop); replace the original
    only if it still holds what was read."""
    verify_text(new_text, expected, display)
    payload = doc.encode(new_text)
    reread = load_bytes(payload, display)
    if reread.findings or reread.data != expected:
        raise _refused(_("The change to '{path}' would not read back as intended; "
                             "nothing was written.").format(path=display))
    snapshot = doc.snapshot
    try:
        write_in_repository(snapshot.root, snapshot.rel, payload, original=snapshot.original,
                            accept=accept)
    except OSError as exc:
        raise _refused(_("Writing '{path}' failed ({error}); the file was left as it "
                             "was.").format(path=display, error=exc.strerror or exc)) from exc


# --- edits of worksheet files -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Edit:
    """A planned change: the new text, the data it must read back as, where it starts."""

    text: str
    expected: Any
    line: int


def _verified(text: str | None, expected: Any) -> bool:
    if text is None:
        return False
    loaded = load_text(text, "")
    return not loaded.findings and loaded.data == expected


def set_todo_status(doc: Document, index: int, status: str) -> Edit:
    """Set ``status`` of the to-do at ``index``, changing one line; refuse (saying how to do
    it by hand) where the layout does not allow that."""
    def change(data: Any) -> None:
        data["todos"][index]["status"] = status

    expected = expected_data(doc, change)
    path: tuple[str | int, ...] = ("todos", index, "status")
    line = doc.positions.get(path, doc.positions.get(("todos", index), (1, 1, 1, 1)))[0]
    text: str | None = None
    if path in doc.positions:
        text = replace_scalar(doc, path, status)
    else:
        text, line = _insert_status(doc, index, status)
    if _verified(text, expected):
        return Edit(str(text), expected, line)
    todo = doc.data["todos"][index]
    raise _refused(_("gk cannot change the status of the to-do '{todo}' without touching "
                     "other parts of the file (line {line}: an anchor, an alias or a layout "
                     "gk does not edit); nothing was written. Change it by hand: write "
                     "'status: {status}' in this to-do.").format(
                         todo=todo.get("id", index + 1) if isinstance(todo, dict) else index + 1,
                         line=line, status=status))


# Where a key that a to-do lacks is written: after the first of these keys the to-do has.
_INSERT_AFTER = {"status": ("due", "owner", "title", "id"), "title": ("id",),
                 "owner": ("title", "id"),
                 "due": ("owner", "title", "id"), "done_on": ("status", "due", "id")}


def set_todo_fields(doc: Document, changes: dict[int, dict[str, str | None]]) -> Edit:
    """Set (or, for None, remove) keys of to-dos, ``changes`` by index in ``todos``: an
    existing value is replaced on its line in its quoting style, a missing key gets one line
    of its own (in a flow mapping ``{…}``, an entry at its end), a removed key loses its line.
    Every other byte stays; refuse (saying what to write by hand) where the layout does not
    allow that. The returned line is the first changed one."""
    def change(data: Any) -> None:
        for index, keys in changes.items():
            entry = data["todos"][index]
            for key, value in keys.items():
                if value is None:
                    entry.pop(key, None)
                else:
                    entry[key] = value

    expected = expected_data(doc, change)
    current = doc
    line: int | None = None
    for index, keys in changes.items():
        first = doc.positions.get(("todos", index), (1, 1, 1, 1))[0]
        for key, value in keys.items():
            text, at = _set_field(current, index, key, value)
            following = _reparsed(current, text) if text is not None else None
            entry = following.data["todos"][index] if following is not None else None
            done = isinstance(entry, dict) and (key not in entry if value is None
                                                 else entry.get(key) == value)
            if following is None or not done:
                raise _cannot_edit(doc, index, first, key, value)
            current = following
            line = at if line is None else min(line, at)
    if not _verified(current.text, expected):  # e.g. an anchored value that an alias repeats
        index, keys = next(iter(changes.items()))
        key, value = next(iter(keys.items()))
        raise _cannot_edit(doc, index, doc.positions.get(("todos", index), (1,))[0], key, value)
    return Edit(current.text, expected, line or 1)


def _cannot_edit(doc: Document, index: int, line: int, key: str, value: str | None) -> GkError:
    from gk.edit.yaml_text import scalar

    todo = doc.data["todos"][index]
    name = todo.get("id", index + 1) if isinstance(todo, dict) else index + 1
    if value is None:
        return _refused(_("gk cannot remove '{key}' from the to-do '{todo}' without touching "
                          "other parts of the file (near line {line}); nothing was written. "
                          "Delete the line '{key}: …' of this to-do by hand.").format(
                              key=key, todo=name, line=line))
    return _refused(_("gk cannot change the to-do '{todo}' without touching other parts of the "
                      "file (near line {line}: an anchor, an alias or a layout gk does not "
                      "edit); nothing was written. Change it by hand: write '{key}: {value}' "
                      "in this to-do.").format(todo=name, line=line, key=key,
                                               value=scalar(value)))


def _reparsed(doc: Document, text: str) -> Document | None:
    """The document as it reads with ``text`` (same file on disk), or None if it does not load."""
    positions: Positions = {}
    loaded = load_text(text, "", positions)
    if loaded.findings or not isinstance(loaded.data, dict):
        return None
    return Document(doc.snapshot, text, loaded.data, positions)


def _set_field(doc: Document, index: int, key: str, value: str | None) -> tuple[str | None, int]:
    """The text with one key of the to-do set or removed, and the line of the change."""
    from gk.edit.yaml_text import scalar

    entry = doc.data["todos"][index]
    path: tuple[str | int, ...] = ("todos", index, key)
    if value is None:
        return (_remove_key(doc, path) if key in entry else doc.text,
                doc.positions.get(path, (1,))[0])
    written = json.dumps(value, ensure_ascii=False) if key == "title" else scalar(value)
    if key in entry:
        line = doc.positions.get(path, (1,))[0]
        # the value as typed where the old one was plain, if it reads back as the same text
        text = replace_scalar(doc, path, value)
        again = _reparsed(doc, text) if text is not None else None
        if again is None or again.data["todos"][index].get(key) != value:
            text = replace_scalar(doc, path, value, plain=written)
        if text is None:  # a block scalar (title: >-) or text over several lines
            text = _replace_lines(doc, path, json.dumps(value, ensure_ascii=False))
        return text, line
    for anchor in _INSERT_AFTER.get(key, ("id",)):
        if anchor in entry:
            return _insert_after(doc, index, anchor, f"{key}: {written}")
    return None, doc.positions.get(("todos", index), (1,))[0]


def _replace_lines(doc: Document, path: tuple[str | int, ...], written: str) -> str | None:
    """The text with a value that spans several lines (a block scalar ``>-``/``|`` or a
    folded plain or quoted text) replaced by ``written`` on the key's line: the lines of the
    old value go, nothing else changes. Block style only (the key alone at the start of its
    line, or after the entry's ``-``)."""
    where = doc.positions.get(path)
    if where is None:
        return None
    starts = line_starts(doc.text)
    key_line = where[2]
    key_indent = where[3] - 1
    value_at = offset_of(doc.text, where[0], where[1], starts)
    if where[0] != key_line:  # the value starts on a later line: not written by gk, refuse
        return None
    lines = _BREAK.split(doc.text)
    last = key_line
    for number in range(key_line + 1, len(lines) + 1):
        line = lines[number - 1]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip(" ")) <= key_indent:
            break
        last = number
    if last == key_line:
        return None
    end = starts[last] if last < len(starts) else len(doc.text)
    # keep the line break that ends the value's last line
    while end > value_at and doc.text[end - 1] in "\r\n":
        end -= 1
    return doc.text[:value_at] + written + doc.text[end:]


def _insert_after(doc: Document, index: int, anchor: str, line_text: str) -> tuple[str | None, int]:
    """``line_text`` as a key of the to-do, right after its key ``anchor`` (whose value must be
    a scalar on one line): a line of its own in block style, ``, key: value`` in a flow mapping."""
    where = doc.positions.get(("todos", index, anchor))
    entry = doc.positions.get(("todos", index))
    if where is None or entry is None:
        return None, (entry or (1,))[0]
    starts = line_starts(doc.text)
    end = scalar_end(doc.text, offset_of(doc.text, where[0], where[1], starts))
    next_start = starts[where[0]] if where[0] < len(starts) else len(doc.text)
    if end < 0 or end > next_start:
        return None, where[0]
    if doc.text[offset_of(doc.text, entry[0], entry[1], starts)] == "{":
        return doc.text[:end] + ", " + line_text + doc.text[end:], where[0]
    if where[2] != where[0]:  # the key and its value on different lines
        return None, where[0]
    return (insert_text(doc, where[0] + 1, [" " * (where[3] - 1) + line_text]), where[0] + 1)


def _remove_key(doc: Document, path: tuple[str | int, ...]) -> str | None:
    """The text without the line of a key (block style, key and value alone on one line, not
    the first key after the ``-``)."""
    where = doc.positions.get(path)
    if where is None or where[0] != where[2]:
        return None
    starts = line_starts(doc.text)
    line_start = starts[where[2] - 1]
    key_at = offset_of(doc.text, where[2], where[3], starts)
    if doc.text[line_start:key_at].strip(" "):
        return None  # '- key:' or a flow mapping
    end = scalar_end(doc.text, offset_of(doc.text, where[0], where[1], starts))
    next_start = starts[where[0]] if where[0] < len(starts) else len(doc.text)
    rest = doc.text[end:next_start].strip()
    if end < 0 or end > next_start or (rest and not rest.startswith("#")):
        return None
    return doc.text[:line_start] + doc.text[next_start:]


def _insert_status(doc: Document, index: int, status: str) -> tuple[str | None, int]:
    """A ``status:`` line right after the to-do's ``id`` line (block style only), and the
    number of the new line."""
    where = doc.positions.get(("todos", index, "id"))
    entry = doc.positions.get(("todos", index))
    if where is None or entry is None:
        return None, (entry or (1,))[0]
    starts = line_starts(doc.text)
    if doc.text[offset_of(doc.text, entry[0], entry[1], starts)] == "{":
        return None, entry[0]
    # the line after the id value (a quoted id could in theory span lines: refuse those)
    end = scalar_end(doc.text, offset_of(doc.text, where[0], where[1], starts))
    next_start = starts[where[0]] if where[0] < len(starts) else len(doc.text)
    if end < 0 or end > next_start:
        return None, where[0]
    return (insert_text(doc, where[0] + 1, [" " * (where[3] - 1) + f"status: {status}"]),
            where[0] + 1)


def add_todo(doc: Document, todo: dict[str, Any]) -> Edit:
    """Append a to-do (keys in the order given) at the end of ``todos`` (made if missing);
    refuse, with the lines to add by hand, where that cannot be done by inserting lines."""
    from gk.edit.yaml_text import scalar

    def change(data: Any) -> None:
        todos = data.get("todos")
        if isinstance(todos, list):
            todos.append(dict(todo))
        else:
            data["todos"] = [dict(todo)]

    expected = expected_data(doc, change)
    # free text always in double quotes, like the examples and gk new write it
    body = [f"{key}: {json.dumps(value, ensure_ascii=False)}" if key == "title"
            else f"{key}: {scalar(value)}" for key, value in todo.items()]
    text, line = _append_entry(doc, body)
    if _verified(text, expected):
        return Edit(str(text), expected, line)
    by_hand = "\n".join(["todos:", f"  - {body[0]}", *(f"    {b}" for b in body[1:])])
    raise _refused(_("gk cannot add the to-do without touching other parts of the file (the "
                     "to-do list near line {line} is written in a way gk does not edit); "
                     "nothing was written. Add it by hand at the end of the list 'todos':"
                     ).format(line=line) + "\n" + by_hand)


def _insert_at(text: str, nl: str, line: int, lines: list[str]) -> str:
    """``text`` with ``lines`` inserted before 1-based ``line`` (or at the end)."""
    starts = line_starts(text)
    block = "".join(part + nl for part in lines)
    if line > len(starts) or (line == len(starts) and starts[-1] == len(text)):
        if text and not text.endswith(("\n", "\r")):
            block = nl + block
        return text + block
    at = starts[line - 1]
    return text[:at] + block + text[at:]


def _end_line(lines: list[str]) -> int:
    """The line before which new top-level lines go: after the last line, or before a
    closing document end marker (``...``) and what follows it."""
    for number in range(len(lines), 0, -1):
        line = lines[number - 1]
        if line.rstrip() == "..." or line.startswith("... "):
            return number
    return len(lines) + 1


def _append_entry(doc: Document, body: list[str]) -> tuple[str | None, int]:
    todos = doc.data.get("todos")
    starts = line_starts(doc.text)
    lines = _BREAK.split(doc.text)
    if lines and lines[-1] == "":
        lines.pop()
    if "todos" not in doc.data:
        _mapping, offset = guess_indent(doc.text)
        dash = " " * offset
        block = ["todos:", f"{dash}- {body[0]}", *(f"{dash}  {b}" for b in body[1:])]
        at = _end_line(lines)
        text = _insert_at(doc.text, doc.newline, at, block)
        return text, at + 1
    if todos == []:
        return _fill_empty_list(doc, body, starts)
    if todos is None:
        return _fill_null(doc, body, starts, lines)
    if not isinstance(todos, list):
        return None, doc.positions.get(("todos",), (1,))[0]
    last = doc.positions.get(("todos", len(todos) - 1))
    if last is None:
        return None, 1
    line_no, col = last[0], last[1]
    prefix = lines[line_no - 1][:col - 1]
    match = re.fullmatch(r"( *)- +", prefix)
    if match is None:
        return None, line_no
    dash_indent = len(match.group(1))
    content = " " * (col - 1)
    end = line_no
    for number in range(line_no + 1, len(lines) + 1):
        text_line = lines[number - 1]
        if not text_line.strip():
            continue
        if len(text_line) - len(text_line.lstrip(" ")) > dash_indent:
            end = number
            continue
        break
    # the new entry written like the last one (`-   id:` stays `-   id:`)
    block = [prefix + body[0], *(content + b for b in body[1:])]
    return insert_text(doc, end + 1, block), end + 1


_NULL_AFTER_KEY = re.compile(r":(?P<before>[ \t]*)(?P<null>~|null|Null|NULL)?"
                             r"(?P<after>[ \t]*(?:#.*)?)")


def _fill_null(doc: Document, body: list[str], starts: list[int],
               lines: list[str]) -> tuple[str | None, int]:
    """``todos:`` without a value (or ``~``, ``null``) gets the new entry below it; a comment
    on the line stays."""
    where = doc.positions.get(("todos",))
    if where is None:
        return None, 1
    key_line = where[2]
    line = lines[key_line - 1]
    key_end = line.find(":", where[3] - 1)
    match = _NULL_AFTER_KEY.fullmatch(line, key_end) if key_end >= 0 else None
    if match is None:
        return None, key_line
    if match["null"] is None:
        new_line = line
    else:  # the explicit null goes; a comment after it stays where it was
        rest = match["before"] + " " * len(match["null"]) + match["after"]
        new_line = line[:key_end + 1] + (rest if match["after"].strip() else "")
    text = doc.text
    start = starts[key_line - 1]
    changed = text[:start] + new_line + text[start + len(line):]
    _mapping, offset = guess_indent(text)
    dash = " " * (where[3] - 1 + offset)
    block = [f"{dash}- {body[0]}", *(f"{dash}  {b}" for b in body[1:])]
    return _insert_at(changed, doc.newline, key_line + 1, block), key_line + 1


def _fill_empty_list(doc: Document, body: list[str],
                     starts: list[int]) -> tuple[str | None, int]:
    """``todos: []`` (a comment after it is kept) becomes ``todos:`` and the new entry."""
    where = doc.positions.get(("todos",))
    if where is None:
        return None, 1
    text = doc.text
    value = offset_of(text, where[0], where[1], starts)
    empty = re.compile(r"\[[ \t]*\]").match(text, value)
    key_line_start = starts[where[0] - 1]
    head = text[key_line_start:value]
    if empty is None or where[2] != where[0] or not head.rstrip(" \t").endswith(":") \
            or any(mark in head for mark in "&!"):
        return None, where[0]
    _mapping, offset = guess_indent(text)
    dash = " " * (where[3] - 1 + offset)
    block = [f"{dash}- {body[0]}", *(f"{dash}  {b}" for b in body[1:])]
    tail = text[empty.end():]
    changed = text[:key_line_start] + head.rstrip(" \t") + tail
    if not tail[:1].isspace() and tail[:1] not in ("", "#"):
        return None, where[0]
    return _insert_at(changed, doc.newline, where[0] + 1, block), where[0] + 1


def no_new_errors(root: Path, rel: str) -> Callable[[str], None]:
    """A check for ``commit``: the changed file may not have errors the original did not have.

    Runs the same per-file checks as ``gk check`` (YAML, schema, file rules) on the original
    and on the temporary file and compares the error codes."""
    from collections import Counter

    from gk import findings as F
    from gk.domain import place_of
    from gk.engine.discover import SourceFile
    from gk.engine.pipeline import check_file, custom_templates

    place = place_of(rel)
    if place is None:
        raise ValueError(f"{rel} is no place for a gk document")
    kind, alliance, stem = place

    def errors(file_rel: str) -> list[Any]:
        custom, _results = custom_templates(root)
        result = check_file(root, SourceFile(file_rel, kind, alliance, stem), custom)
        return [f for f in result.findings if f.severity == F.ERROR]

    def accept(tmp_rel: str) -> None:
        before = Counter(f.code for f in errors(rel))
        after_findings = errors(tmp_rel)
        added = Counter(f.code for f in after_findings) - before
        if added:
            first = next(f for f in after_findings if f.code in added)
            raise _refused(_("The change would add an error to '{path}' ({code}: {message}); "
                                 "nothing was written.").format(
                                     path=rel, code=first.code, message=first.message))
    return accept


def create_new(root: Path, rel: str, payload: bytes) -> None:
    """Create the file ``rel`` of the repository with ``payload`` in one step, never replacing
    an existing file (FileExistsError) and never through a link (see gk.edit.atomic)."""
    _write_or_refuse(root, rel, payload, create_only=True)


def write_file(root: Path, rel: str, payload: bytes) -> None:
    """Create or replace a generated file of the repository atomically."""
    _write_or_refuse(root, rel, payload, create_only=False)


def _write_or_refuse(root: Path, rel: str, payload: bytes, create_only: bool) -> None:
    """Write through gk.edit.atomic; a failing file system (full disk, no permission) becomes
    one clear line, and nothing is left behind."""
    try:
        write_in_repository(root, rel, payload, create_only=create_only)
    except FileExistsError:
        raise
    except OSError as exc:
        raise GkError(_("Cannot write '{path}': {error}").format(
            path=rel, error=exc.strerror or exc)) from exc
