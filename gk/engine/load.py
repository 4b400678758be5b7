"""Load one YAML file safely into plain JSON types, turning every problem into a finding.

The C parser of ruamel.yaml delivers events (ruamel's Python parser those of the few files
the bundled libyaml 0.1.7 wrongly refuses); this module builds dicts, lists and scalars
from them with an explicit stack, so that depth, aliases, tags and duplicate keys are
checked while building and nothing can recurse or expand without bound. Scalars follow
the YAML 1.2 core schema except that dates stay strings (JSON Schema checks them).
On request it records the line and column of every value and key, keyed by JSON path;
lines are counted as editors count them (only LF, CRLF and CR end a line).
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
# Largest text (characters) the Python parser reads again when libyaml refuses it: at most
# half a second of its time. Real files are a few kilobytes; a larger one gets libyaml's verdict.
MAX_SECOND_OPINION = 64 * 1024

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
# Written as the complement of YAML's printable set ([^\x09\x0a\x0d\x20-\x7e\x85
# \xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]), which takes ten times longer to compile.
_NOT_PRINTABLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# The only line breaks of YAML 1.2 and of editors. libyaml (YAML 1.1) also breaks lines at
# NEL, U+2028 and U+2029; gk hides those from the parser (see _hide_breaks).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_YAML11_BREAKS = re.compile("[\x85\u2028\u2029]")


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


# YAML 1.1 timestamps, the form the !!timestamp tag accepts (the value stays a string).
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*Z|[-+][0-9]{1,2}(?::[0-9]{2})?)?)?\Z")
# Returned by _tagged for a value its tag does not allow.
_MISFIT = object()


def _tagged(tag: str, value: str) -> Any:
    """A scalar with an explicit core tag such as ``!!str`` or ``!!int``, resolved as the tag
    says; ``_MISFIT`` when the value is not of the tag's kind (``!!int abc``, ``!!bool yes``)."""
    name = tag[len(_CORE_TAG) :]
    if name == "str":
        return value
    if name == "timestamp":
        return value if _TIMESTAMP.match(value) else _MISFIT
    resolved = resolve_plain(value)
    if isinstance(resolved, str) and name in ("int", "float") and _INT.match(value):
        return value  # too many digits for a number: kept as text, like an untagged one
    if name == "int" and isinstance(resolved, int) and not isinstance(resolved, bool):
        return resolved
    if name == "float" and isinstance(resolved, (int, float)) and not isinstance(resolved, bool):
        return float(resolved)
    if name == "bool" and isinstance(resolved, bool):
        return resolved
    if name == "null" and resolved is None:
        return None
    return _MISFIT


def _tag_wants(name: str) -> str:
    """What a core tag demands, in words (nominative: 'the value must be ...')."""
    wants = {
        "str": _("a text"), "int": _("a whole number"), "float": _("a number"),
        "bool": _("true or false"), "null": _("an empty value (null)"),
        "timestamp": _("a date"), "map": _("a mapping"), "seq": _("a list"),
    }
    return wants.get(name, name)


@dataclass(slots=True)
class Loaded:
    """The result of loading one file: the data (None when unusable) and file-level findings."""

    data: Any = None
    findings: list[F.Finding] = field(default_factory=list)
    text: str | None = None


class _Refused(Exception):
    """Stops building a document; carries the finding that explains why. ``parser_may_err``:
    what was refused may be a misreading of libyaml 0.1.7 (an anchor ``&a:`` read as ``&a``
    and an empty key), so the Python parser gets to read the file, too."""

    def __init__(self, finding: F.Finding, parser_may_err: bool = False) -> None:
        super().__init__(finding.message)
        self.finding = finding
        self.parser_may_err = parser_may_err


def split_lines(text: str) -> list[str]:
    """The lines of a text as editors show them: only LF, CRLF and CR end a line.

    ``str.splitlines`` also breaks at NEL, U+2028, U+2029 and a few control characters,
    which YAML 1.2 and editors treat as ordinary text; counting them shifts every line.
    (The same as splitting at ``\r\n|\r|\n``, five times faster.)"""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _position(text: str, index: int) -> tuple[int, int]:
    """Line and column (1-based) of ``text[index]``, counting lines as editors do."""
    before = text[:index]
    breaks = _LINE_BREAK.findall(before)
    last = max(before.rfind("\n"), before.rfind("\r"))
    return len(breaks) + 1, index - last


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


# The parsers' English problem texts (libyaml's, and where they differ, those of ruamel's
# Python parser), turned into plain-language explanations.
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
     "Put the '- ' of each entry in the column of the entries before it; the other lines "
     "of an entry stand below its first key, without a '- '."),
    ("expected ',' or ']'",
     "A list in square brackets is not closed.",
     "Add the closing ']' or separate the entries with commas."),
    ("expected ',' or '}'",
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
    ("that cannot start any token",
     "This character cannot start a value.",
     "Put the text in quotes (for example when it starts with @ or `)."),
    ("expected <block end>",
     "The indentation does not fit the lines above.",
     "Indent the line exactly like the other keys of the same level."),
    ("found unexpected ':'",
     "A colon is not allowed at this place of a list or mapping in brackets.",
     'Put the entry in quotes, for example ["Beginn 10:30", "Ende 12:00"].'),
)


def _line_starts(text: str) -> list[int]:
    """The index at which each line starts (lines as editors count them)."""
    return [0, *(found.end() for found in _LINE_BREAK.finditer(text))]


def _offset(text: str, line: int, column: int) -> int:
    """The index in ``text`` of a 1-based line and column."""
    starts = _line_starts(text)
    return starts[min(line, len(starts)) - 1] + column - 1


def _colon_in_closed_flow(text: str, line: int, column: int, opened: Any) -> bool:
    """Whether the parser stopped at a colon inside brackets that open and close on its line
    (``[a, b: c: d]``): the entry needs quotes; the brackets are fine."""
    rest = split_lines(text[_offset(text, line, column):] + "\n")[0]
    return (rest.startswith(":") and opened is not None and opened.line + 1 == line
            and ("]" in rest or "}" in rest))


def _tab_indentation(file: str, line: int, column: int, in_block: bool = False) -> F.Finding:
    return F.make(
        "GK006", file, line, column,
        _("A tab character is used for indentation; YAML allows only spaces."),
        _("Indent every line of the text block with spaces, like its first line; tabs may "
          "follow after the spaces.") if in_block else
        _("Replace the tab at the start of the line with spaces (two per level)."),
    )


def _slip(text: str, line: int, column: int, problem: str) -> Any:
    """A beginner's slip behind a parser's error, named at its own line (gk.engine.syntax_hints)."""
    from gk.engine import syntax_hints

    return syntax_hints.explain(split_lines(text), line, column, problem)


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
    if "tab character" in problem or "'\\t'" in problem:
        return _tab_indentation(file, line, column)
    slip = _slip(text, line, column, problem)
    if slip is not None:
        return slip.finding(file)
    context = str(getattr(exc, "context", "") or "")
    context_mark = getattr(exc, "context_mark", None)
    if "expected ','" in problem and _colon_in_closed_flow(text, line, column, context_mark):
        problem = "found unexpected ':'"  # a second colon in an entry: quotes are the fix
    elif context_mark is not None and (
            ("end of stream" in problem and "quoted scalar" in context)
            or "expected ','" in problem):
        # An unclosed quote or bracket is noticed later; the fix belongs where it opened.
        line, column = context_mark.line + 1, context_mark.column + 1
    elif "expected node content" in problem and "flow" in context and open_flows \
            and not text[_offset(text, line, column):].strip():
        # The file ends inside '[' or '{': point at the innermost one still open.
        opened = open_flows[-1]
        line, column = opened.line + 1, opened.column + 1
        lines = split_lines(text)
        here = lines[line - 1] if 0 < line <= len(lines) else ""
        problem = ("did not find expected ',' or '}'" if here[column - 1 : column] == "{"
                   else "did not find expected ',' or ']'")
    elif "did not find expected key" in problem or "expected <block end>" in problem:
        lines = split_lines(text)
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
        # anchor -> (value, node count, the scalar as written: what an alias used as a key is)
        self.anchors: dict[str, tuple[Any, int, str | None]] = {}
        self.open_anchors: set[str] = set()
        self.nodes = 0
        # Where the open flow collections ('[' or '{') start: an unclosed one at the end of
        # the file is reported there.
        self.open_flows: list[Any] = []

    def refuse(self, code: str, mark: Any, message: str, hint: str,
               parser_may_err: bool = False) -> _Refused:
        return _Refused(F.make(code, self.file, mark.line + 1, mark.column + 1, message, hint),
                        parser_may_err)

    def unsupported_tag(self, tag: str, mark: Any) -> _Refused:
        return self.refuse(
            "GK011", mark,
            _("The YAML tag '{tag}' is not supported.").format(tag=_short_tag(tag)),
            _("Remove the tag (the word starting with '!'); gk reads only plain data."),
        )

    def misfit_tag(self, tag: str, mark: Any, kind: str, value: str = "") -> _Refused:
        """A core tag on a value it does not allow: ``!!int abc``, ``!!map`` on a list.
        ``kind`` is "scalar" (then ``value`` is its text), "mapping" or "sequence"."""
        name = tag[len(_CORE_TAG):]
        short, wants = _short_tag(tag), _tag_wants(name)
        if kind == "mapping":
            message = _("With the tag '{tag}' the value must be {what}, but here it is a "
                        "mapping.")
        elif kind == "sequence":
            message = _("With the tag '{tag}' the value must be {what}, but here it is a list.")
        else:
            message = _("With the tag '{tag}' the value must be {what}; '{value}' is not.")
        value = value if len(value) <= 60 else value[:57] + "..."
        return self.refuse(
            "GK011", mark, message.format(tag=short, what=wants, value=value),
            _("Remove the tag '{tag}' (the word starting with '!!'), or correct the value.")
            .format(tag=short),
        )

    def scalar(self, event: Any) -> Any:
        """The value of a scalar (as a key, too: its tag is checked the same way)."""
        tag = event.tag
        value = event.value
        if tag is None:
            return value if event.style else resolve_plain(value)
        if tag == "!":
            return value
        if tag not in _ALLOWED_TAGS:
            raise self.unsupported_tag(tag, event.start_mark)
        resolved = _tagged(tag, value)
        if resolved is _MISFIT:
            raise self.misfit_tag(tag, event.start_mark, "scalar", value)
        return resolved

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
                        if not key and not event.style:
                            raise self.missing_key(event)
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
                    key = intern(self.key_text(event, kind))
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
                        self.anchors[event.anchor] = (value, 1, event.value)
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
                    value, size, _text = self.anchors[anchor]
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
                    if tag is not None and tag != "!":
                        if tag not in _ALLOWED_TAGS:
                            raise self.unsupported_tag(tag, mark)
                        found = "mapping" if kind == "MappingStartEvent" else "sequence"
                        if tag != _CORE_TAG + ("map" if found == "mapping" else "seq"):
                            raise self.misfit_tag(tag, mark, found)
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
                    self.anchors[frame[4]] = (container, self.nodes - frame[5] + 1, None)
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

    def missing_key(self, event: Any) -> _Refused:
        """An empty key (``: value``): YAML reads it as null, which no gk key is."""
        return self.refuse(
            "GK001", event.start_mark,
            _("A value stands here without a key (nothing before its colon)."),
            _("Write the key before the colon, or delete the line."),
            parser_may_err=True,
        )

    def key_text(self, event: Any, kind: str) -> str:
        """The text of a key: a scalar (its tag checked like a value's) or an alias of one."""
        if kind == "ScalarEvent":
            if not event.value and not event.style and event.tag is None:
                raise self.missing_key(event)
            if event.tag is not None or event.anchor:
                value = self.scalar(event)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1, event.value)
            text: str = event.value
            return text
        if kind == "AliasEvent":
            anchored = self.anchors.get(event.anchor)
            if anchored is None and event.anchor not in self.open_anchors:
                raise self.refuse(
                    "GK001", event.start_mark,
                    _("The alias '*{name}' has no anchor '&{name}'.").format(name=event.anchor),
                    _("Write the value itself instead of the alias."),
                )
            if anchored is not None and anchored[2] is not None:
                return anchored[2]
        raise self.refuse(
            "GK001", event.start_mark,
            _("A key must be a simple text, not a list or mapping."),
            _("Write keys as plain words followed by a colon."),
        )

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
    """ruamel.yaml's binding of libyaml, the parser alone: ``CBaseLoader`` adds a constructor
    and a resolver that gk does not use (setting them up cost a sixth of the parse)."""
    from _ruamel_yaml import CParser  # what ruamel.yaml.cyaml builds its loaders on

    return CParser(text)


def _pure_parser(text: str) -> Any:
    """ruamel.yaml's parser in Python: slower, but it reads YAML 1.2 where the bundled libyaml
    0.1.7 refuses valid text (``[Beginn 10:30]``, ``[https://example.org]``)."""
    from ruamel.yaml.docinfo import DocInfo
    from ruamel.yaml.loader import BaseLoader

    loader = BaseLoader(text)
    loader.doc_infos = [DocInfo()]  # type: ignore[attr-defined]  # as ruamel's YAML() does
    return _Guarded(loader)


class _Guarded:
    """A parser whose own defects (an exception that is not a YAMLError) count as a syntax
    error without a place: the C parser's verdict stands, and gk does not end in an internal
    error because of a second opinion it asked for."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.reached = (-1, -1)  # where the last event ended (0-based line, column)

    def get_event(self) -> Any:
        error = _yaml_error()
        try:
            event = self.loader.get_event()
        except error:
            raise
        except Exception as exc:  # a defect of ruamel's Python parser, not of the file
            raise error(f"{type(exc).__name__}: {exc}") from exc
        end = event.end_mark
        if end is not None:
            self.reached = (end.line, end.column)
        return event

    def dispose(self) -> None:
        self.loader.dispose()


class _Events:
    """A parser's events as the builder reads them, with characters hidden from the parser
    put back into the scalars and, when asked, the span of every scalar recorded."""

    def __init__(self, loader: Any, restore: dict[int, int] | None,
                 spans: list[tuple[int, int, int, int, Any]] | None) -> None:
        self.loader = loader
        self.restore = restore
        self.spans = spans
        self.scalar_event = _event_class("ScalarEvent")

    def get_event(self) -> Any:
        event = self.loader.get_event()
        if type(event) is self.scalar_event:
            if self.restore:
                event.value = event.value.translate(self.restore)
            if self.spans is not None:
                start, end = event.start_mark, event.end_mark
                self.spans.append((start.line, start.column, end.line, end.column, event.style))
        return event


@dataclass(slots=True)
class _Failure:
    """A syntax error of one parser, with what is needed to explain it (or the finding
    already made, for a refusal that may be the parser's misreading)."""

    error: Exception | None
    open_flows: list[Any]
    reached: tuple[int, int] = (-1, -1)  # the end of the last event read (Python parser)
    finding: F.Finding | None = None

    @property
    def where(self) -> tuple[int, int]:
        """0-based line and column of the problem."""
        if self.finding is not None:
            return self.finding.line - 1, self.finding.column - 1
        mark = getattr(self.error, "problem_mark", None)
        return (mark.line, mark.column) if mark is not None else (0, 0)

    def explained(self, text: str, file: str) -> Loaded:
        if self.finding is not None:
            return Loaded(findings=[self.finding])
        assert self.error is not None
        return Loaded(findings=[_syntax_finding(self.error, text, file, self.open_flows)])


@dataclass(slots=True)
class _Attempt:
    """How to parse a text once: the text given to the parser and what to put back."""

    text: str
    file: str
    positions: Positions | None
    restore: dict[int, int] | None = None
    spans: list[tuple[int, int, int, int, Any]] | None = None

    def run(self, make_parser: Any) -> Loaded | _Failure:
        """Events of one parser through the builder; a syntax error comes back as a value."""
        if self.positions:
            self.positions.clear()  # left from an attempt that failed half-way
        if self.spans:
            self.spans.clear()
        loader = make_parser(self.text)
        builder = _Builder(self.file, self.positions)
        events = loader if self.restore is None and self.spans is None else \
            _Events(loader, self.restore, self.spans)
        try:
            return _document(events, builder, self.text, self.file)
        except _Refused as refused:
            if refused.parser_may_err:
                return _Failure(None, builder.open_flows, getattr(loader, "reached", (-1, -1)),
                                refused.finding)
            return Loaded(findings=[refused.finding])
        except Exception as exc:
            # Only the parser's own errors (scanner, parser, reader) are about the file;
            # anything else is a defect of gk and must not be reported as a problem in the data.
            if not isinstance(exc, _yaml_error()):
                raise
            return _Failure(exc, builder.open_flows, getattr(loader, "reached", (-1, -1)))
        finally:
            dispose = getattr(loader, "dispose", None)
            if dispose is not None:
                dispose()

    def run_both(self) -> Loaded | _Failure:
        """The C parser, and where it fails, the Python parser (libyaml 0.1.7 refuses some
        valid YAML 1.2 that it reads). When both fail, the C parser's error stands unless the
        Python parser read past it: then that error was a limit of libyaml, not of the file."""
        first = self.run(_parser)
        if not isinstance(first, _Failure) or len(self.text) > MAX_SECOND_OPINION or (
                first.error is not None and _is_reader_error(first.error)):
            return first
        second = self.run(_pure_parser)
        if isinstance(second, _Failure) and second.reached <= first.where:
            return first
        return second


def _is_reader_error(exc: Exception) -> bool:
    from ruamel.yaml.reader import ReaderError

    return isinstance(exc, ReaderError)


def _document(events: Any, builder: _Builder, text: str, file: str) -> Loaded:
    """The one document of a file, built from its events, or the finding why there is none."""
    events.get_event()  # StreamStart
    event = events.get_event()
    if type(event).__name__ == "StreamEndEvent":
        return Loaded(findings=[F.make(
            "GK012", file, 1, 1,
            _("The file contains only comments, no data.") if text.strip()
            else _("The file is empty."),
            _("Fill it in (gk new writes a complete skeleton) or delete it."),
        )])
    data = builder.build(events)
    events.get_event()  # DocumentEnd
    event = events.get_event()
    if type(event).__name__ != "StreamEndEvent":
        mark = event.start_mark
        return Loaded(findings=[F.make(
            "GK003", file, mark.line + 1, mark.column + 1,
            _("The file holds more than one YAML document ('---' starts a second one)."),
            _("Keep one document per file: delete the '---' line and what follows, or "
              "move it to a file of its own."),
        )])
    if isinstance(data, dict):
        return Loaded(data=data)
    if data is None:
        return Loaded(findings=[F.make(
            "GK012", file, 1, 1,
            _("The file contains no data, only comments or an empty document."),
            _("Fill it in (gk new writes a complete skeleton) or delete it."),
        )])
    what = _("a list") if isinstance(data, list) else _("a single value")
    return Loaded(findings=[F.make(
        "GK004", file, 1, 1,
        _("The file must contain a mapping of keys and values, but it contains {what}.")
        .format(what=what),
        _("Start the file with 'key: value' lines, as in the examples."),
    )])


def _hide_breaks(text: str) -> tuple[str, dict[int, int] | None]:
    """The text with NEL, U+2028 and U+2029 replaced by characters it does not contain, and
    the table that puts them back.

    libyaml reads them as line breaks (YAML 1.1); YAML 1.2 and editors do not, so parsing
    them as they are shifts every line after them and splits the text they are in. The
    stand-ins come from the private use area, which the parser reads as ordinary text."""
    # Three substring tests cost nanoseconds (a regular expression, microseconds per file).
    if text.isascii() or ("\x85" not in text and "\u2028" not in text
                          and "\u2029" not in text):
        return text, None
    hide: dict[int, int] = {}
    stand_in = 0xE000
    for char in sorted(set(_YAML11_BREAKS.findall(text))):
        while chr(stand_in) in text:
            stand_in += 1
        hide[ord(char)] = stand_in
        stand_in += 1
    return text.translate(hide), {new: old for old, new in hide.items()}


def load_text(text: str, file: str, positions: Positions | None = None) -> Loaded:
    """Parse YAML text that is already known to be clean UTF-8.

    The C parser reads nearly every file; only a file it refuses is read again by the
    Python parser, and only a file both refuse is looked at for tabs."""
    hidden, restore = _hide_breaks(text)
    attempt = _Attempt(hidden, file, positions, restore)
    outcome = attempt.run_both()
    if isinstance(outcome, _Failure) and "\t" in text:
        outcome = _tabs(attempt, outcome)
    if isinstance(outcome, _Failure):
        outcome = outcome.explained(text, file)
    outcome.text = text
    return outcome


# The start of a line: indentation, block indicators ('- ', '? ', ': ') with the white space
# after them, and the rest.
_LINE_START = re.compile(r"([ \t]*)((?:[-?:][ \t]+)*)(.*)", re.DOTALL)
# A rest that opens a block collection: another indicator, or a key ('key:' or 'key: value').
_OPENS_BLOCK = re.compile(r"[-?:](?:[ \t]|\Z)|.*?:(?:[ \t]|\Z)", re.DOTALL)


def _leading_tabs(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Tabs (0-based line, column) at the start of lines, in two kinds.

    Separation, which YAML 1.2 allows and libyaml refuses: white space before nothing or a
    comment, or after a '- ' before a single value (``-<tab>text``). Indentation, which YAML
    forbids: before content, or after '- ' before a nested list or mapping."""
    separating: list[tuple[int, int]] = []
    indenting: list[tuple[int, int]] = []
    for number, line in enumerate(split_lines(text)):
        if "\t" not in line:
            continue
        match = _LINE_START.match(line)
        assert match is not None  # the pattern matches every string
        lead, indicators, rest = match.groups()
        tabs = [(number, column) for column in range(match.end(2)) if line[column] == "\t"]
        if not tabs:
            continue
        empty = not rest or rest.startswith("#")
        if "\t" in lead:
            (separating if empty and not indicators else indenting).extend(tabs)
            continue
        # After the last indicator a tab separates, unless a list or mapping starts there;
        # between two indicators ('-<tab>- x') it indents the inner one.
        last = len(lead) + max(indicators.rstrip(" \t").rfind(c) for c in "-?:")
        opens = not empty and _OPENS_BLOCK.match(rest)
        for tab in tabs:
            (indenting if tab[1] < last or opens else separating).append(tab)
    return separating, indenting


def _as_spaces(text: str, tabs: list[tuple[int, int]]) -> str:
    """The text with the given tabs replaced by spaces: no line or column moves."""
    chars = list(text)
    starts = _line_starts(text)
    for line, column in tabs:
        chars[starts[line] + column] = " "
    return "".join(chars)


def _inside(spans: list[tuple[int, int, int, int, Any]], tab: tuple[int, int],
            styles: str | None = None) -> bool:
    """Whether a position lies inside one of the scalars (of the given styles)."""
    return any((sl, sc) <= tab < (el, ec) for sl, sc, el, ec, style in spans
               if styles is None or (style is not None and style in styles))


def _tabs(attempt: _Attempt, failure: _Failure) -> Loaded | _Failure:
    """A file both parsers refused that has tabs at the start of lines.

    Tabs that only separate (see ``_leading_tabs``) are read as the spaces they stand for,
    unless one of them turns out to lie inside a text value: libyaml refuses them, YAML 1.2
    does not. Then GK006 when turning the indenting tabs into spaces gets the parser past
    the place where it failed: the tab was the problem. Otherwise the failure stands."""
    separating, indenting = _leading_tabs(attempt.text)
    text, file = attempt.text, attempt.file
    if separating:
        spans: list[tuple[int, int, int, int, Any]] = []
        retry = _Attempt(_as_spaces(text, separating), file, attempt.positions,
                         attempt.restore, spans)
        outcome = retry.run_both()
        if not any(_inside(spans, tab) for tab in separating):
            if isinstance(outcome, Loaded):
                return outcome
            if outcome.where > failure.where:  # the problem lies further on
                failure, text = outcome, retry.text
    if not indenting or indenting[0][0] > failure.where[0]:
        return failure
    spans = []
    retry = _Attempt(_as_spaces(text, indenting), file, None, attempt.restore, spans)
    outcome = retry.run_both()
    if isinstance(outcome, _Failure) and outcome.where <= failure.where:
        return failure  # with spaces it fails all the same: the tab is not the problem
    line, column = [tab for tab in indenting if tab[0] <= failure.where[0]][-1]
    # In a text block ('|' or '>'), or in the line that ended one: meant as its content.
    in_block = any(sl <= line <= el for sl, _sc, el, _ec, style in spans if style in ("|", ">"))
    return Loaded(findings=[_tab_indentation(file, line + 1, column + 1, in_block)])


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
