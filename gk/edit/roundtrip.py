"""Changing a data file without losing a byte: read once, edit minimally, verify, write atomically.

Edits come in two strengths. A line-level edit replaces one scalar or inserts a few lines at
a place located through the loader's positions; everything else stays byte for byte. Where
that is not possible (flow style, unusual layouts), ruamel.yaml's round-trip mode rewrites
the document keeping comments, key order, quotes and blank lines. Either way the new text is
parsed again and must give exactly the data that was meant, and the file must not have
changed on disk since it was read; otherwise nothing is written.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gk.edit.atomic import default_mode, write_bytes_atomic
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
    """The bytes of a file as read, with what is needed to notice a later change."""

    path: Path
    raw: bytes
    mtime_ns: int
    size: int

    @property
    def bom(self) -> bool:
        return self.raw.startswith(BOM)

    @property
    def newline(self) -> str:
        """The file's line ending: CRLF when most lines end so, else LF."""
        crlf = self.raw.count(b"\r\n")
        return "\r\n" if crlf and crlf * 2 >= self.raw.count(b"\n") else "\n"


def read_snapshot(path: Path) -> Snapshot:
    try:
        stat = path.stat()
        raw = path.read_bytes()
    except OSError as exc:
        raise _refused(_("The file '{path}' cannot be read ({error}).").format(
            path=path, error=exc.strerror or exc)) from exc
    return Snapshot(path, raw, stat.st_mtime_ns, stat.st_size)


def changed_since(snapshot: Snapshot) -> bool:
    """True when the file on disk is no longer what was read (bytes or modification time)."""
    try:
        stat = snapshot.path.stat()
        if stat.st_mtime_ns != snapshot.mtime_ns or stat.st_size != snapshot.size:
            return True
        return snapshot.path.read_bytes() != snapshot.raw
    except OSError:
        return True


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


def open_document(path: Path, display: str | None = None) -> Document:
    """Read and parse a file for editing; refuse links and files that do not load cleanly."""
    if path.is_symlink():
        # replacing a link by a file would change the repository's layout behind its back
        raise _refused(_("'{path}' is a link; gk changes only regular files.").format(
            path=display or path))
    snapshot = read_snapshot(path)
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


def replace_scalar(doc: Document, path: tuple[str | int, ...], value: str) -> str | None:
    """The text with the scalar at ``path`` replaced by ``value`` in the same quoting style.

    Returns None when the scalar cannot be replaced on its own line (block scalars, multi-line
    quoted text); the caller then falls back to a round-trip rewrite."""
    where = doc.positions.get(path)
    if where is None:
        return None
    starts = line_starts(doc.text)
    start = offset_of(doc.text, where[0], where[1], starts)
    first = doc.text[start:start + 1]
    if first in ("|", ">", "&", "!", "*", "[", "{"):
        return None
    end = scalar_end(doc.text, start)
    if end <= start:
        return None
    line_end = starts[where[0]] if where[0] < len(starts) else len(doc.text)
    if end > line_end:
        return None
    if first == "'":
        new = "'" + value.replace("'", "''") + "'"
    elif first == '"':
        new = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        new = value
    return doc.text[:start] + new + doc.text[end:]


def insert_text(doc: Document, line: int, lines: list[str]) -> str:
    """The text with ``lines`` inserted before 1-based ``line`` (or at the end), in the file's
    line ending."""
    nl = doc.newline
    text = doc.text
    starts = line_starts(text)
    block = "".join(part + nl for part in lines)
    if line > len(starts) or (line == len(starts) and starts[-1] == len(text)):
        if text and not text.endswith(("\n", "\r")):
            block = nl + block
        return text + block
    at = starts[line - 1]
    return text[:at] + block + text[at:]


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


# --- round-trip rewrite -------------------------------------------------------------------

def roundtrip_text(doc: Document, change: Callable[[Any], None]) -> str:
    """The document rewritten by ruamel.yaml's round-trip mode after ``change`` edits it."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping, offset = guess_indent(doc.text)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    data = yaml.load(doc.text)
    change(data)
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue()
    if doc.newline != "\n":
        text = text.replace("\n", doc.newline)
    return text


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
           accept: Callable[[Path], None] | None = None) -> None:
    """Write ``new_text`` over the document's file, or refuse and leave the file untouched.

    Steps: parse the new text and compare with ``expected``; write a temporary file in the
    same folder and fsync it; read it back and compare bytes and data again; let ``accept``
    inspect the temporary file (it raises a GkError to stop); make sure the original did
    not change since it was read; rename the temporary file over the original."""
    verify_text(new_text, expected, display)
    path = doc.snapshot.path
    payload = doc.encode(new_text)
    folder = path.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _refused(_("Cannot write in the folder of '{path}' ({error}).").format(
            path=display, error=exc.strerror or exc)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        written = tmp.read_bytes()
        if written != payload:
            raise _refused(_("The temporary file for '{path}' does not hold what was "
                                 "written; nothing was changed.").format(path=display))
        reread = load_bytes(written, display)
        if reread.findings or reread.data != expected:
            raise _refused(_("The change to '{path}' would not read back as intended; "
                                 "nothing was written.").format(path=display))
        if accept is not None:
            accept(tmp)
        if changed_since(doc.snapshot):
            raise _refused(_("'{path}' was changed by someone else since gk read it; "
                                 "nothing was written. Run the command again.").format(
                                     path=display))
        os.chmod(tmp, doc.snapshot.path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise _refused(_("Writing '{path}' failed ({error}); the file was left as it "
                             "was.").format(path=display, error=exc.strerror or exc)) from exc
    except BaseException:
        _remove(tmp)
        raise
    _sync_folder(folder)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
    """Set ``status`` of the to-do at ``index``, changing one line where the layout allows."""
    def change(data: Any) -> None:
        data["todos"][index]["status"] = status

    expected = expected_data(doc, change)
    path: tuple[str | int, ...] = ("todos", index, "status")
    line = doc.positions.get(path, doc.positions.get(("todos", index), (1, 1, 1, 1)))[0]
    text: str | None = None
    if path in doc.positions:
        text = replace_scalar(doc, path, status)
    else:
        text = _insert_status(doc, index, status)
        line = line + 1
    if _verified(text, expected):
        return Edit(str(text), expected, line)
    return Edit(roundtrip_text(doc, change), expected, line)


def _insert_status(doc: Document, index: int, status: str) -> str | None:
    """A ``status:`` line right after the to-do's ``id`` line (block style only)."""
    where = doc.positions.get(("todos", index, "id"))
    entry = doc.positions.get(("todos", index))
    if where is None or entry is None:
        return None
    starts = line_starts(doc.text)
    if doc.text[offset_of(doc.text, entry[0], entry[1], starts)] == "{":
        return None
    # the line after the id value (a quoted id could in theory span lines: refuse those)
    end = scalar_end(doc.text, offset_of(doc.text, where[0], where[1], starts))
    next_start = starts[where[0]] if where[0] < len(starts) else len(doc.text)
    if end < 0 or end > next_start:
        return None
    return insert_text(doc, where[0] + 1, [" " * (where[3] - 1) + f"status: {status}"])


def add_todo(doc: Document, todo: dict[str, Any]) -> Edit:
    """Append a to-do (keys in the order given) at the end of ``todos`` (made if missing)."""
    from gk.edit.skeletons import scalar

    def change(data: Any) -> None:
        todos = data.get("todos")
        if isinstance(todos, list):
            todos.append(_fresh(todo, data))
        else:
            data["todos"] = [_fresh(todo, data)]

    expected = expected_data(doc, change)
    # free text always in double quotes, like the examples and gk new write it
    body = [f"{key}: {json.dumps(value, ensure_ascii=False)}" if key == "title"
            else f"{key}: {scalar(value)}" for key, value in todo.items()]
    text, line = _append_entry(doc, body)
    if _verified(text, expected):
        return Edit(str(text), expected, line)
    return Edit(roundtrip_text(doc, change), expected, line)


def _fresh(todo: dict[str, Any], data: Any) -> Any:
    """A mapping of the kind the document uses (ruamel's when it is a round-trip document)."""
    if type(data) is dict:
        return dict(todo)
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap(todo)


def _append_entry(doc: Document, body: list[str]) -> tuple[str | None, int]:
    todos = doc.data.get("todos")
    starts = line_starts(doc.text)
    lines = _BREAK.split(doc.text)
    if "todos" not in doc.data:
        _mapping, offset = guess_indent(doc.text)
        dash = " " * offset
        block = ["todos:", f"{dash}- {body[0]}", *(f"{dash}  {b}" for b in body[1:])]
        first = len(starts) if starts[-1] == len(doc.text) else len(starts) + 1
        return insert_text(doc, len(starts) + 1, block), first
    if not isinstance(todos, list) or not todos:
        return None, 1
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
    block = [" " * dash_indent + "- " + body[0], *(content + b for b in body[1:])]
    return insert_text(doc, end + 1, block), end + 1


def no_new_errors(root: Path, rel: str) -> Callable[[Path], None]:
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

    def accept(tmp: Path) -> None:
        before = Counter(f.code for f in errors(rel))
        after_findings = errors(tmp.relative_to(root).as_posix())
        added = Counter(f.code for f in after_findings) - before
        if added:
            first = next(f for f in after_findings if f.code in added)
            raise _refused(_("The change would add an error to '{path}' ({code}: {message}); "
                                 "nothing was written.").format(
                                     path=rel, code=first.code, message=first.message))
    return accept


def create_new(path: Path, payload: bytes) -> None:
    """Create ``path`` with ``payload`` in one step, never replacing an existing file.

    The content goes to a temporary file first (fsynced); a hard link then gives it its name,
    which fails with FileExistsError if the name is taken. Where hard links are not
    available, an exclusive create is used instead."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise FileExistsError(str(path))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if tmp.read_bytes() != payload:
            raise _refused(_("The temporary file for '{path}' does not hold what was "
                                 "written; nothing was changed.").format(path=path.name))
        os.chmod(tmp, default_mode())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            with open(path, "xb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
    finally:
        _remove(tmp)
    _sync_folder(path.parent)


def write_file(path: Path, payload: bytes) -> None:
    """Create or replace a generated file atomically (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, payload)
