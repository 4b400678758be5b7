"""Plain-language explanations of the YAML slips beginners make, read from the source lines.

The parsers notice a slip where they can no longer go on, which is often a line or five
later than the slip itself: a quote that is not closed runs on until the next quotation mark,
a key without its colon joins the next line, a key written at its parent's level leaves the
parent empty. These functions look at the lines around the place where the parser stopped
and, for the slips they recognise, name the line of the slip and what to change there. They
run only for a file that failed to parse (never on the hot path of a valid file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gk import findings as F
from gk.i18n import _

# Typographic quotation marks a word processor writes instead of '"'.
TYPOGRAPHIC_QUOTES = "„“”«»‚‘’‹›"
# A line holding a key: indentation, optional list indicators, the key and its colon.
_KEY_LINE = re.compile(r"( *)((?:- +)*)([^\s#:\"'][^:#]*?|\"[^\"]*\"|'[^']*'):(?: +(.*)|)\s*\Z")
_ENTRY = re.compile(r"( *)- +")
# A line that is a bare word (or words) with no colon: a key missing its colon.
_NO_COLON = re.compile(r"( *)((?:- +)*)([A-Za-z_][\w-]*)(?: +([^:#]*?))?\s*\Z")


@dataclass(frozen=True, slots=True)
class Hint:
    """Where the slip is (1-based line and column), what is wrong and how to fix it."""

    line: int
    column: int
    message: str
    fix: str

    def finding(self, file: str) -> F.Finding:
        return F.make("GK001", file, self.line, self.column, self.message, self.fix)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _block_scalar_lines(lines: list[str]) -> set[int]:
    """0-based numbers of the lines that belong to a text block ('|' or '>')."""
    inside: set[int] = set()
    block_indent: int | None = None
    for number, line in enumerate(lines):
        if block_indent is not None:
            if not line.strip() or _indent(line) > block_indent:
                inside.add(number)
                continue
            block_indent = None
        match = _KEY_LINE.match(line)
        value = (match.group(4) or "") if match else ""
        if match and re.match(r"[|>][-+0-9]*\s*(#.*)?\Z", value):
            block_indent = len(match.group(1)) + len(match.group(2))
    return inside


def quoted_spans(text_lines: list[str]) -> list[tuple[int, int, int, int, str]]:
    """The quoted texts of a file as a simple reader sees them: (start line, start column,
    end line, end column of the closing mark, the mark), 0-based. A quotation mark opens a
    text only where a value begins (after 'key: ', '- ', '[', ',' or at the line start)."""
    spans: list[tuple[int, int, int, int, str]] = []
    blocks = _block_scalar_lines(text_lines)
    open_at: tuple[int, int, str] | None = None
    for number, line in enumerate(text_lines):
        column = 0
        if open_at is None and number in blocks:
            continue
        value_may_start = True
        while column < len(line):
            char = line[column]
            if open_at is not None:
                mark = open_at[2]
                if mark == '"' and char == "\\":
                    column += 2
                    continue
                if char == mark:
                    if mark == "'" and line[column + 1 : column + 2] == "'":
                        column += 2
                        continue
                    spans.append((open_at[0], open_at[1], number, column, mark))
                    open_at = None
                    value_may_start = False
                column += 1
                continue
            if char == "#" and (column == 0 or line[column - 1] in " \t"):
                break
            if char in " \t":
                column += 1
                continue
            if value_may_start and char in "\"'":
                open_at = (number, column, char)
                column += 1
                continue
            # A value may begin after '[', '{', ',' and after '- ' or ': '.
            value_may_start = char in "[{," or (
                char in "-:" and line[column + 1 : column + 2] in (" ", ""))
            column += 1
    return spans


def _unclosed_quote(lines: list[str], line: int, column: int) -> Hint | None:
    """A quoted text that ran on over key or comment lines to a later quotation mark."""
    for start_line, start_column, end_line, end_column, mark in quoted_spans(lines):
        if end_line != line - 1 or end_column >= column - 1 or start_line == end_line:
            continue
        between = lines[start_line + 1 : end_line + 1]
        if not any(_KEY_LINE.match(x) or x.strip().startswith("#") for x in between):
            continue
        return Hint(start_line + 1, start_column + 1,
                    _("The quotation mark in line {line} is not closed: the text runs on to "
                      "line {end}, where the next quotation mark stands.").format(
                          line=start_line + 1, end=end_line + 1),
                    _("Add the closing {mark} at the end of the text in line {line}.").format(
                        mark=mark, line=start_line + 1))
    return None


def _typographic(lines: list[str], line: int) -> Hint | None:
    """A value in „typographic“ quotes, which YAML reads as ordinary letters."""
    for number in (line - 1, line - 2):
        if not 0 <= number < len(lines):
            continue
        match = _KEY_LINE.match(lines[number])
        value = (match.group(4) or "") if match else ""
        if value[:1] and value[0] in TYPOGRAPHIC_QUOTES:
            start = lines[number].index(value) + 1
            return Hint(number + 1, start,
                        _("The text starts with a typographic quotation mark ({mark}); YAML "
                          "understands only the straight quotation mark \".").format(
                              mark=value[0]),
                        _("Replace the typographic quotation marks at the start and end of the "
                          "text with straight ones: \"…\" (Shift+2 on a German keyboard)."))
    return None


def _previous_content(lines: list[str], number: int) -> int | None:
    """0-based number of the nearest line above ``number`` with content (not a comment)."""
    for above in range(number - 1, -1, -1):
        if _content(lines[above]):
            return above
    return None


def _missing_colon(lines: list[str], line: int, problem: str) -> Hint | None:
    """A key written without its colon: the parser notices it a line later."""
    if not any(p in problem for p in ("could not find expected ':'",
                                      "mapping values are not allowed",
                                      "did not find expected key", "expected <block end>")):
        return None
    here = min(line - 1, len(lines))
    above = _previous_content(lines, here) if here >= 0 else None
    candidates = [n for n in (above, here) if n is not None and 0 <= n < len(lines)]
    for number in candidates:
        text = lines[number]
        match = _NO_COLON.match(text)
        if match is None or ":" in text:
            continue
        if number == here and "could not find expected ':'" not in problem:
            continue
        if number == above and here < len(lines) and _indent(lines[here]) < _indent(text):
            continue
        key, value = match.group(3), (match.group(4) or "").strip()
        written = f"{key}: {value}" if value else f"{key}:"
        return Hint(number + 1, len(match.group(1)) + len(match.group(2)) + len(key) + 1,
                    _("The key '{key}' in line {line} has no colon.").format(
                        key=key, line=number + 1),
                    _("Write a colon right after the key: '{written}'.").format(written=written))
    return None


def _list_entry(lines: list[str], here: int) -> tuple[int, int] | None:
    """The list entry ('- ') that line ``here`` continues: (0-based line, column of its
    first key), looking upwards past its other lines."""
    own = _indent(lines[here])
    for above in range(here - 1, -1, -1):
        text = lines[above]
        if not _content(text):
            continue
        entry = _ENTRY.match(text)
        if entry is not None:
            return (above, entry.end()) if _indent(text) <= own else None
        if _indent(text) < own:
            return None
    return None


def _indentation(lines: list[str], line: int, column: int) -> Hint | None:
    """The common indentation slips: a key beside the list entry it belongs to, a list entry
    a space off its siblings, a key at its parent's level, a line deeper than its sibling."""
    here = line - 1
    if not 0 <= here < len(lines) or not _content(lines[here]):
        return None
    text = lines[here]
    own = _indent(text)
    entry = _ENTRY.match(text)
    if entry is not None:
        # A list entry whose '- ' is not in the column of the entries before it.
        for above in range(here - 1, -1, -1):
            other = lines[above]
            if not _content(other):
                continue
            distance = _indent(other) - own
            if _ENTRY.match(other) is not None and distance == 0:
                return None
            if _ENTRY.match(other) is not None and abs(distance) <= 2:
                return Hint(line, own + 1,
                            _("The list entry in line {line} starts in column {column}, the "
                              "entry before it (line {other}) in column {expected}.").format(
                                  line=line, column=own + 1, other=above + 1,
                                  expected=_indent(other) + 1),
                            _("Move the '- ' of line {line} to column {expected}, and the "
                              "lines of this entry by as many spaces.").format(
                                  line=line, expected=_indent(other) + 1))
            if _indent(other) < own - 2:
                return None
        return None
    key = _KEY_LINE.match(text)
    if key is None:
        return None
    name = key.group(3)
    owner = _list_entry(lines, here)
    if owner is not None and owner[1] != own:
        first = lines[owner[0]][owner[1]:].split(":", 1)[0]
        return Hint(line, own + 1,
                    _("'{key}:' in line {line} belongs to the list entry of line {entry}, but "
                      "it is not aligned with '{first}:'.").format(
                          key=name, line=line, entry=owner[0] + 1, first=first),
                    _("Indent line {line} so that '{key}:' starts in column {column}, exactly "
                      "below '{first}:' (do not add another '- ').").format(
                          line=line, key=name, column=owner[1] + 1, first=first))
    found = _previous_content(lines, here)
    if found is None or _indent(lines[found]) >= own:
        return None
    above = found
    # Deeper than the line above, which already has a value: a key slipped to its parent's
    # level above it ('roles:' / 'status: x' / '    note: y'), or this line is too deep.
    parent_match = _KEY_LINE.match(lines[above])
    if parent_match is None or not (parent_match.group(4) or "").strip():
        return None
    before = _previous_content(lines, above)
    slipped = _KEY_LINE.match(lines[before]) if before is not None else None
    if before is not None and slipped is not None and not (slipped.group(4) or "").strip() \
            and _indent(lines[before]) == _indent(lines[above]) and not slipped.group(2):
        above_key = parent_match.group(3)
        return Hint(above + 1, _indent(lines[above]) + 1,
                    _("'{key}:' in line {line} stands at the level of '{parent}:' above it "
                      "instead of below it, so '{parent}' is empty.").format(
                          key=above_key, line=above + 1, parent=slipped.group(3)),
                    _("Indent line {line} to column {column}, like line {next}.").format(
                        line=above + 1, column=own + 1, next=line))
    return Hint(line, own + 1,
                _("Line {line} is indented deeper than line {above}, whose value is already "
                  "given.").format(line=line, above=above + 1),
                _("Indent '{key}:' like '{other}:' in line {above} (column {column}); if the "
                  "line continues the text above, put the whole text in quotes.").format(
                    key=name, other=parent_match.group(3), above=above + 1,
                    column=_indent(lines[above]) + 1))


def explain(lines: list[str], line: int, column: int, problem: str) -> Hint | None:
    """A plain explanation of the slip behind a parser's error at (``line``, ``column``),
    1-based, or None when it is none of the slips recognised here."""
    for found in (_unclosed_quote(lines, line, column), _typographic(lines, line),
                  _missing_colon(lines, line, problem)):
        if found is not None:
            return found
    if any(p in problem for p in ("mapping values are not allowed", "did not find expected key",
                                  "expected <block end>", "expected '-' indicator")):
        return _indentation(lines, line, column)
    return None
