"""Load one YAML file safely into plain JSON types, turning every problem into a finding.

The C parser of ruamel.yaml delivers events; this module builds dicts, lists and scalars
from them with an explicit stack, so that depth, aliases, tags and duplicate keys are
checked while building and nothing can recurse or expand without bound. Scalars follow
the YAML 1.2 core schema except that dates stay strings (JSON Schema checks them).
On request it records the line and column of every value and key, keyed by JSON path.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from gk import findings as F
from gk.engine.discover import CONFIG_FILE, MAX_BYTES, FileTooLarge, UnsafeFile, read_data_file
from gk.i18n import _

MAX_DEPTH = 64  # documented (GK008); real files nest to depth 5
MAX_NODES = 200_000  # expanded size limit, aliases included (GK007)

Path = tuple[str | int, ...]
# path -> (value line, value column, key line, key column), all 1-based
Positions = dict[Path, tuple[int, int, int, int]]

_CORE_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE_TAG + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}

_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}
_NINF = {"-.inf", "-.Inf", "-.INF"}
_NAN = {".nan", ".NaN", ".NAN"}
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_MAYBE_SPECIAL = set("0123456789+-.~nNtTfF")
_MAX_DIGITS = 4000
# Characters YAML does not allow anywhere (outside its printable set); libyaml refuses them
# with a byte offset, so gk finds them itself to name the right line and column.
_NOT_PRINTABLE = re.compile(
    r"[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def resolve_plain(value: str) -> Any:
    """Resolve a plain (unquoted) scalar by the YAML 1.2 core schema; dates stay strings."""
    if not value:
        return None
    if value[0] not in _MAYBE_SPECIAL:
        # Short plain words (statuses, fields, ids) repeat across documents: one copy each.
        return intern(value) if len(value) <= 40 else value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        if len(value) > _MAX_DIGITS:  # Python refuses longer ones; no count is that long
            return value
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16) if len(value) <= _MAX_DIGITS else value
    if value in _INF:
        return float("inf")
    if value in _NINF:
        return float("-inf")
    if value in _NAN:
        return float("nan")
    return intern(value) if len(value) <= 40 else value  # dates, mostly


def _short_tag(tag: str) -> str:
    """A tag as it was written: ``!!python/object`` rather than its long form."""
    return "!!" + tag[len(_CORE_TAG):] if tag.startswith(_CORE_TAG) else tag


def _tagged(tag: str, value: str) -> Any:
    """A scalar with an explicit core tag such as ``!!str`` or ``!!int``."""
    name = tag[len(_CORE_TAG) :]
    if name in ("str", "timestamp"):
        return value
    resolved = resolve_plain(value)
    if name == "int" and isinstance(resolved, int) and not isinstance(resolved, bool):
        return resolved
    if name == "float" and isinstance(resolved, (int, float)) and not isinstance(resolved, bool):
        return float(resolved)
    if name == "bool" and isinstance(resolved, bool):
        return resolved
    if name == "null" and resolved is None:
        return None
    return value


@dataclass(slots=True)
class Loaded:
    """The result of loading one file: the data (None when unusable) and file-level findings."""

    data: Any = None
    findings: list[F.Finding] = field(default_factory=list)
    text: str | None = None


class _Refused(Exception):
    """Stops building a document; carries the finding that explains why."""

    def __init__(self, finding: F.Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _position(text: str, index: int) -> tuple[int, int]:
    """Line and column (1-based) of ``text[index]``, counting line breaks as YAML does."""
    lines = (text[:index] + "x").splitlines()
    return len(lines), len(lines[-1])


def _byte_position(raw: bytes, index: int) -> tuple[int, int]:
    """Line and column (1-based, in characters) of the byte ``raw[index]``."""
    before = raw[:index].decode("utf-8", "replace")
    return _position(before, len(before))


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte order mark: every other byte of ordinary text is zero."""
    sample = raw[:1024]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return even.count(0) >= 0.7 * len(even) or odd.count(0) >= 0.7 * len(odd)


def _decode(raw: bytes, file: str) -> tuple[str | None, F.Finding | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in raw[:1024] and _looks_utf16(raw)):
        return None, F.make(
            "GK005", file, 1, 1,
            _("The file is saved as UTF-16, not as UTF-8."),
            _("Save it again with the encoding 'UTF-8' (in most editors: 'Save as' → encoding)."),
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _byte_position(raw, nul)
        return None, F.make(
            "GK005", file, line, column,
            _("The file contains a NUL byte: it is a binary file, not YAML text."),
            _("Only YAML text files belong here; move other files out of the data folders."),
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        return None, F.make(
            "GK005", file, line, column,
            _("The file is not valid UTF-8 text (byte 0x{byte:02x}).").format(byte=raw[exc.start]),
            _("It was probably saved as Latin-1 or Windows-1252. Save it again with the "
              "encoding 'UTF-8'."),
        )
    # A UTF-8 byte order mark is harmless (Windows editors write it); it is dropped so that
    # columns in the first line stay right. Writing commands keep the file's own bytes.
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def _control_finding(text: str, file: str) -> F.Finding | None:
    """A character YAML does not allow (a control character, often pasted in unseen)."""
    match = _NOT_PRINTABLE.search(text)
    if match is None:
        return None
    line, column = _position(text, match.start())
    return F.make(
        "GK005", file, line, column,
        _("The file contains a control character that YAML does not allow."),
        _("Delete the invisible character at this place (it was probably pasted in)."),
    )


def _tab_finding(text: str, file: str) -> F.Finding | None:
    """A tab in the indentation of a line (YAML forbids it; editors hide it)."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" -")
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith("\t") or "\t" in indent:
            column = line.index("\t") + 1
            return F.make(
                "GK006", file, number, column,
                _("A tab character is used for indentation; YAML allows only spaces."),
                _("Replace the tab at the start of the line with spaces (two per level)."),
            )
    return None


# libyaml's English problem texts, turned into plain-language explanations.
_SYNTAX_HELP: tuple[tuple[str, str, str], ...] = (
    ("mapping values are not allowed",
     "A colon is not allowed at this place.",
     "If the text itself contains ': ', put the whole text in quotes; otherwise check the "
     "indentation of this line."),
    ("could not find expected ':'",
     "A key is missing its colon, or a line is broken in the wrong place.",
     "Write 'key: value'; put long texts in quotes."),
    ("did not find expected key",
     "The indentation does not fit the lines above.",
     "Indent the line exactly like the other keys of the same level."),
    ("did not find expected '-' indicator",
     "A list entry is indented differently from the entries before it.",
     "Start every entry of the list with '- ' at the same column."),
    ("did not find expected ',' or ']'",
     "A list in square brackets is not closed.",
     "Add the closing ']' or separate the entries with commas."),
    ("did not find expected ',' or '}'",
     "A mapping in curly braces is not closed.",
     "Add the closing '}' or separate the entries with commas."),
    ("found unexpected end of stream",
     "The file ends inside a quoted text.",
     "Close the quotes that were opened."),
    ("found undefined alias",
     "An alias (*name) refers to an anchor (&name) that does not exist.",
     "Write the value itself instead of the alias."),
    ("found unknown escape character",
     "A backslash in a double-quoted text starts an unknown escape sequence.",
     "Use single quotes, or write a double backslash."),
    ("block sequence entries are not allowed in this context",
     "A list entry ('- ') stands where a value was expected.",
     "Put the list on the next line, indented below its key."),
    ("found character that cannot start any token",
     "This character cannot start a value.",
     "Put the text in quotes (for example when it starts with @ or `)."),
    ("expected <block end>",
     "The indentation does not fit the lines above.",
     "Indent the line exactly like the other keys of the same level."),
    ("found a tab character",
     "A tab character is used for indentation; YAML allows only spaces.",
     "Replace tabs with spaces."),
)


def _syntax_finding(exc: Exception, text: str, file: str,
                    open_flows: list[Any] | None = None) -> F.Finding:
    problem = str(getattr(exc, "problem", "") or "")
    from ruamel.yaml.reader import ReaderError

    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, ReaderError):  # a character YAML does not allow, at a byte offset
        found = _control_finding(text, file)
        if found is not None:
            return found
        raw = text.encode("utf-8", "surrogatepass")
        line, column = _byte_position(raw, min(int(getattr(exc, "position", 0) or 0), len(raw)))
        return F.make(
            "GK005", file, line, column,
            _("The file contains a control character that YAML does not allow."),
            _("Delete the invisible character at this place (it was probably pasted in)."),
        )
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    context = str(getattr(exc, "context", "") or "")
    context_mark = getattr(exc, "context_mark", None)
    if context_mark is not None and (
            ("end of stream" in problem and "quoted scalar" in context)
            or "did not find expected ','" in problem):
        # An unclosed quote or bracket is noticed later; the fix belongs where it opened.
        line, column = context_mark.line + 1, context_mark.column + 1
    elif "expected node content" in problem and "flow" in context and open_flows \
            and not "".join(text.splitlines(keepends=True)[line - 1:])[column - 1:].strip():
        # The file ends inside '[' or '{': point at the innermost one still open.
        opened = open_flows[-1]
        line, column = opened.line + 1, opened.column + 1
        lines = text.splitlines()
        here = lines[line - 1] if 0 < line <= len(lines) else ""
        problem = ("did not find expected ',' or '}'" if here[column - 1 : column] == "{"
                   else "did not find expected ',' or ']'")
    elif "did not find expected key" in problem or "expected <block end>" in problem:
        lines = text.splitlines()
        here = lines[line - 1] if 0 < line <= len(lines) else ""
        if here[column - 1 : column + 1] in ("- ", "-"):
            above = [x for x in lines[: line - 1] if x.strip() and not x.lstrip().startswith("#")]
            if above and above[-1].lstrip().startswith("- "):
                problem = "did not find expected '-' indicator"  # a list indented unevenly
            else:
                return F.make(
                    "GK001", file, line, column,
                    _("A list entry ('- ') stands where a key was expected."),
                    _("Write 'key: value' here, or indent the list below the key it belongs to."),
                )
        elif here[column - 1 : column] == ":" and not here[: column - 1].strip():
            return F.make(
                "GK001", file, line, column,
                _("A value stands here without a key (the line starts with a colon)."),
                _("Write the key before the colon, or delete the line."),
            )
        elif here[: column - 1].strip():
            return F.make(
                "GK001", file, line, column,
                _("Unexpected text after the value."),
                _("If the text belongs to the value, put the whole value in quotes; otherwise "
                  "start a new line for the next key."),
            )
    for needle, what, fix in _SYNTAX_HELP:
        if needle in problem:
            return F.make("GK001", file, line, column, _(what), _(fix))
    return F.make(
        "GK001", file, line, column,
        _("The YAML syntax is broken here ({problem}).").format(problem=problem or "?"),
        _("Compare the line with the lines around it: indentation, colons, quotes."),
    )


class _Builder:
    """Builds plain data from parser events; all limits are checked on the way."""

    def __init__(self, file: str, positions: Positions | None) -> None:
        self.file = file
        self.positions = positions
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.nodes = 0
        # Where the open flow collections ('[' or '{') start: an unclosed one at the end of
        # the file is reported there.
        self.open_flows: list[Any] = []

    def refuse(self, code: str, mark: Any, message: str, hint: str) -> _Refused:
        return _Refused(F.make(code, self.file, mark.line + 1, mark.column + 1, message, hint))

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
            raise self.refuse(
                "GK011", event.start_mark,
                _("The YAML tag '{tag}' is not supported.").format(tag=_short_tag(tag)),
                _("Remove the tag (the word starting with '!'); gk reads only plain data."),
            )
        value = event.value
        if tag is not None and tag.startswith(_CORE_TAG):
            return _tagged(tag, value)
        if event.style or tag == "!":
            return value
        return resolve_plain(value)

    def build(self, loader: Any) -> Any:
        positions = self.positions
        # Each frame: [container, path, pending key or marker, key mark, anchor,
        #              node count at start, flow style]
        stack: list[list[Any]] = []
        root: Any = None
        no_key = object()
        get_event = loader.get_event
        scalar_event = _event_class("ScalarEvent")
        while True:
            event: Any = get_event()
            if type(event) is scalar_event and positions is None and event.tag is None \
                    and not event.anchor and self.nodes < MAX_NODES and stack:
                # The common case, kept short: a plain or quoted scalar as key or value.
                self.nodes += 1
                frame = stack[-1]
                container: Any = frame[0]
                if type(container) is dict:
                    if frame[2] is no_key:
                        key = intern(event.value)  # keys repeat in every document
                        if key in container:
                            raise self.refuse(
                                "GK002", event.start_mark,
                                _("The key '{key}' appears twice in the same mapping.").format(
                                    key=key),
                                _("Delete one of the two entries or merge them; YAML keeps only "
                                  "one."),
                            )
                        frame[2] = key
                        continue
                    value = event.value
                    container[frame[2]] = value if event.style else resolve_plain(value)
                    frame[2] = no_key
                else:
                    value = event.value
                    container.append(value if event.style else resolve_plain(value))
                continue
            kind = type(event).__name__
            if kind in ("ScalarEvent", "AliasEvent", "MappingStartEvent", "SequenceStartEvent"):
                self.nodes += 1
                if self.nodes > MAX_NODES:
                    raise self.refuse(
                        "GK009", event.start_mark,
                        _("The document has more than {n} values.").format(n=MAX_NODES),
                        _("Split the content into several files."),
                    )
                top = stack[-1] if stack else None
                # A scalar in key position of a mapping is a key, not a value.
                if top is not None and type(top[0]) is dict and top[2] is no_key:
                    if kind != "ScalarEvent":
                        raise self.refuse(
                            "GK001", event.start_mark,
                            _("A key must be a simple text, not a list or mapping."),
                            _("Write keys as plain words followed by a colon."),
                        )
                    key = intern(event.value)
                    if key in top[0]:
                        raise self.refuse(
                            "GK002", event.start_mark,
                            _("The key '{key}' appears twice in the same mapping.").format(key=key),
                            _("Delete one of the two entries or merge them; YAML keeps only one."),
                        )
                    top[2] = key
                    top[3] = event.start_mark
                    continue
                if top is None:
                    path: Path = ()
                elif type(top[0]) is dict:
                    path = (*top[1], top[2])
                else:
                    path = (*top[1], len(top[0]))
                mark = event.start_mark
                if positions is not None:
                    key_mark = top[3] if top is not None and type(top[0]) is dict else mark
                    positions[path] = (mark.line + 1, mark.column + 1,
                                       key_mark.line + 1, key_mark.column + 1)
                if kind == "ScalarEvent":
                    value = self.scalar(event)
                    if event.anchor:
                        self.anchors[event.anchor] = (value, 1)
                    self._attach(stack, root_holder := [root], value, no_key)
                    root = root_holder[0]
                    if not stack:
                        return root
                elif kind == "AliasEvent":
                    anchor = event.anchor
                    if anchor in self.open_anchors:
                        raise self.refuse(
                            "GK007", mark,
                            _("The alias '*{name}' refers to itself.").format(name=anchor),
                            _("Write the values out instead of using anchors and aliases."),
                        )
                    if anchor not in self.anchors:
                        raise self.refuse(
                            "GK001", mark,
                            _("The alias '*{name}' has no anchor '&{name}'.").format(name=anchor),
                            _("Write the value itself instead of the alias."),
                        )
                    value, size = self.anchors[anchor]
                    self.nodes += size
                    if self.nodes > MAX_NODES:
                        raise self.refuse(
                            "GK007", mark,
                            _("Aliases expand this document to more than {n} values "
                              "(an 'alias bomb').").format(n=MAX_NODES),
                            _("Write the values out instead of using anchors and aliases."),
                        )
                    self._attach(stack, root_holder := [root], value, no_key)
                    root = root_holder[0]
                    if not stack:
                        return root
                else:
                    tag = event.tag
                    if tag is not None and tag not in _ALLOWED_TAGS and tag != "!":
                        raise self.refuse(
                            "GK011", mark,
                            _("The YAML tag '{tag}' is not supported.").format(
                                tag=_short_tag(tag)),
                            _("Remove the tag (the word starting with '!'); gk reads only "
                              "plain data."),
                        )
                    if len(stack) >= MAX_DEPTH:
                        raise self.refuse(
                            "GK008", mark,
                            _("The data is nested more than {n} levels deep.").format(n=MAX_DEPTH),
                            _("gk files need only a few levels; check the indentation."),
                        )
                    container = {} if kind == "MappingStartEvent" else []
                    if event.anchor:
                        self.open_anchors.add(event.anchor)
                    flow = bool(event.flow_style)
                    stack.append([container, path, no_key, None, event.anchor, self.nodes, flow])
                    if flow:
                        self.open_flows.append(mark)
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                frame = stack.pop()
                if frame[6]:
                    self.open_flows.pop()
                container = frame[0]
                if frame[4]:
                    self.open_anchors.discard(frame[4])
                    self.anchors[frame[4]] = (container, self.nodes - frame[5] + 1)
                if stack:
                    parent = stack[-1]
                    if type(parent[0]) is dict:
                        parent[0][parent[2]] = container
                        parent[2] = no_key
                    else:
                        parent[0].append(container)
                else:
                    return container
            elif kind in ("StreamEndEvent",):
                return root

    @staticmethod
    def _attach(stack: list[list[Any]], root_holder: list[Any], value: Any, no_key: object) -> None:
        if not stack:
            root_holder[0] = value
            return
        top = stack[-1]
        if type(top[0]) is dict:
            top[0][top[2]] = value
            top[2] = no_key
        else:
            top[0].append(value)


def _event_class(name: str) -> Any:
    from ruamel.yaml import events

    return getattr(events, name)


def _yaml_error() -> type[Exception]:
    from ruamel.yaml.error import YAMLError

    return YAMLError


def _parser(text: str) -> Any:
    from ruamel.yaml.cyaml import CBaseLoader

    return CBaseLoader(text)


def load_text(text: str, file: str, positions: Positions | None = None) -> Loaded:
    """Parse YAML text that is already known to be clean UTF-8."""
    result = Loaded(text=text)
    open_flows: list[Any] = []
    if "\t" in text:
        # Control characters first: some of them count as line breaks for splitlines().
        # Without tabs, libyaml's reader finds them (and _syntax_finding places them).
        control = _control_finding(text, file)
        if control is not None:
            result.findings.append(control)
            return result
        tab = _tab_finding(text, file)
        if tab is not None:
            result.findings.append(tab)
            return result
    loader = _parser(text)
    try:
        loader.get_event()  # StreamStart
        event = loader.get_event()
        if type(event).__name__ == "StreamEndEvent":
            result.findings.append(F.make(
                "GK012", file, 1, 1,
                _("The file contains only comments, no data.") if text.strip()
                else _("The file is empty."),
                _("Fill it in (gk new writes a complete skeleton) or delete it."),
            ))
            return result
        builder = _Builder(file, positions)
        open_flows = builder.open_flows
        data = builder.build(loader)
        loader.get_event()  # DocumentEnd
        event = loader.get_event()
        if type(event).__name__ != "StreamEndEvent":
            mark = event.start_mark
            result.findings.append(F.make(
                "GK003", file, mark.line + 1, mark.column + 1,
                _("The file holds more than one YAML document ('---' starts a second one)."),
                _("Keep one document per file: delete the '---' line and what follows, or "
                  "move it to a file of its own."),
            ))
            return result
    except _Refused as refused:
        result.findings.append(refused.finding)
        return result
    except Exception as exc:
        # Only the parser's own errors (scanner, parser, reader) are about the file; anything
        # else is a defect of gk and must not be reported as a problem in the data.
        if not isinstance(exc, _yaml_error()):
            raise
        result.findings.append(_syntax_finding(exc, text, file, open_flows))
        return result
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    if not isinstance(data, dict):
        what = _("a list") if isinstance(data, list) else _("a single value")
        if data is None:
            result.findings.append(F.make(
                "GK012", file, 1, 1,
                _("The file contains no data, only comments or an empty document."),
                _("Fill it in (gk new writes a complete skeleton) or delete it."),
            ))
        else:
            result.findings.append(F.make(
                "GK004", file, 1, 1,
                _("The file must contain a mapping of keys and values, but it contains {what}.")
                .format(what=what),
                _("Start the file with 'key: value' lines, as in the examples."),
            ))
        return result
    result.data = data
    return result


def too_large(file: str, size: int) -> F.Finding:
    """The finding for a file beyond ``MAX_BYTES`` (which is never read)."""
    megabytes = -(-size // (1024 * 1024))  # rounded up: 5 MB and a byte is more than 5 MB
    return F.make(
        "GK009", file, 1, 1,
        _("The file is {size} MB large; gk reads files up to {limit} MB.").format(
            size=megabytes, limit=MAX_BYTES // (1024 * 1024)),
        _("Data files are small; this is probably not a gk file. Split or remove it."),
    )


def load_bytes(raw: bytes, file: str, positions: Positions | None = None) -> Loaded:
    """Load the bytes of one file: decoding, syntax and limits checked, findings as values."""
    if len(raw) > MAX_BYTES:
        return Loaded(findings=[too_large(file, len(raw))])
    text, problem = _decode(raw, file)
    if problem is not None or text is None:
        return Loaded(findings=[problem] if problem else [])
    return load_text(text, file, positions)


def load_file(root: str | os.PathLike[str], rel: str,
              positions: Positions | None = None) -> Loaded:
    """Read and load the data file ``rel`` of the repository at ``root``.

    Never opens what is not a regular file inside the repository, never reads more than
    ``MAX_BYTES``; every problem, reading included, comes back as a finding."""
    try:
        raw = read_data_file(root, rel, MAX_BYTES)
    except FileTooLarge as exc:
        return Loaded(findings=[too_large(rel, exc.size)])
    except OSError as exc:
        return Loaded(findings=[unreadable(rel, exc)])
    return load_bytes(raw, rel, positions)


def config_language(root: str | os.PathLike[str]) -> str | None:
    """The language the repository's gk.yaml sets, if it is one gk speaks."""
    try:
        return language_in(read_data_file(root, CONFIG_FILE, MAX_BYTES))
    except OSError:
        return None


def language_in(raw: bytes) -> str | None:
    """The language set in the bytes of a gk.yaml, if it is one gk speaks."""
    from gk.i18n import LANGUAGES

    data = load_bytes(raw, CONFIG_FILE).data
    value = data.get("language") if isinstance(data, dict) else None
    return value if value in LANGUAGES else None


def unreadable(file: str, exc: OSError) -> F.Finding:
    """GK010 for a file that could not be read, in words a person understands."""
    if isinstance(exc, UnsafeFile):
        if exc.errno == errno.EXDEV:
            message = _("This file is a link to a place outside the data repository; gk does "
                        "not follow it.")
            hint = _("Copy the file into the repository instead of linking to it.")
        else:
            message = _("This is not an ordinary file but a pipe, a device or a socket; gk "
                        "does not open it.")
            hint = _("Remove it from the data folders; only YAML text files belong here.")
        return F.make("GK010", file, 1, 1, message, hint)
    reasons = {
        errno.ENOENT: _("it does not exist (any more)"),
        errno.EACCES: _("you are not allowed to read it"),
        errno.EPERM: _("you are not allowed to read it"),
        errno.ELOOP: _("its links go round in a circle"),
        errno.EISDIR: _("it is a folder"),
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return F.make(
        "GK010", file, 1, 1,
        _("The file cannot be read ({error}).").format(error=reason),
        _("Check that the file exists and that you may read it."))
