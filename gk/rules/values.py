"""Values that no report can show faithfully (each reported at the value itself).

* GK109: a number that is not a number (``.nan``), infinite (``.inf``, or ``1e400``, which is
  too large to be stored and becomes infinite) or absurdly large (16 digits or more, such as a
  400-digit ``positions``). No count, place, day or year comes near that; such a number is a
  slip of the keyboard, and reports would show it as nonsense or invalid JSON. Analyses leave
  it out.
* GK110 (a warning: the text stays usable): an invisible control character in a text or a
  key: a terminal control such as the escape character (``"\\e[2J"`` clears the screen),
  another C0 or C1 control character, or a bidirectional control (U+202E and its kin) that
  shows text in another order than it is stored. They are usually written as YAML escapes in
  double quotes, or pasted by accident. Tabs and line breaks are ordinary text. Reports show
  such characters as ``\\x1b`` or ``\\u202e`` and never pass them on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from gk.domain import LARGEST_NUMBER
from gk.engine.discover import SourceFile
from gk.engine.load import Path
from gk.i18n import _
from gk.rules.base import Problem

CODES = ("GK109", "GK110")

# C0 controls but tab and line feed, DEL, C1 controls; the bidi controls (embeddings,
# overrides, isolates, marks) and the Arabic letter mark. The same characters that
# gk.render.escape shows as \xNN or \uNNNN in every output.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The same characters below U+0100, as Latin-1 bytes: a text of only such characters (most
# German text) is looked through as bytes, several times faster than with the pattern.
_HIDDEN_LATIN1 = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)])
_NAMES = {
    "\x1b": "ESC", "\r": "CR", "\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x7f": "DEL",
    "\u061c": "ALM", "\u200e": "LRM", "\u200f": "RLM", "\u202a": "LRE", "\u202b": "RLE",
    "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO", "\u2066": "LRI", "\u2067": "RLI",
    "\u2068": "FSI", "\u2069": "PDI",
}


def check(source: SourceFile, data: Any, text: str | None = None) -> Iterator[Problem]:
    if _suspicious(data):  # almost never: only then are the paths worked out
        yield from _walk(source.rel, data, ())


def _hides(text: str) -> bool:
    """Whether ``_HIDDEN`` finds a character in the text (the same answer, quicker)."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:  # a character above U+00FF (or a lone surrogate)
        return _HIDDEN.search(text) is not None
    return len(raw.translate(None, _HIDDEN_LATIN1)) != len(raw)


def _suspicious(data: Any) -> bool:
    """Whether the document holds anything this rule reports (a quick walk without paths).
    Multi-line texts are never printable (their line breaks): ``_hides`` looks closer."""
    hidden = _hides
    stack = [data]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:
            if not value.isprintable() and hidden(value):
                return True
        elif kind is dict:
            for key in value:
                if type(key) is str and not key.isprintable() and hidden(key):
                    return True
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
        elif (kind is int or kind is float) \
                and not -LARGEST_NUMBER < value < LARGEST_NUMBER:  # NaN fails this too
            return True
    return False


def _walk(file: str, value: Any, path: Path) -> Iterator[Problem]:
    if isinstance(value, str):
        if not value.isprintable():  # tabs, line breaks and every control character
            yield from _text(file, value, path, key=False)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and not key.isprintable():
                yield from _text(file, key, (*path, key), key=True)
            yield from _walk(file, item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(file, item, (*path, index))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield from _number(file, value, path)


def _text(file: str, text: str, path: Path, key: bool) -> Iterator[Problem]:
    found = _HIDDEN.search(text)
    if found is None:
        return
    char = found.group(0)
    code = f"U+{ord(char):04X}"
    shown = f"{code} ({_NAMES[char]})" if char in _NAMES else code
    what = _("This key") if key else _("This text")
    yield Problem(
        "GK110", file, path,
        _("{what} holds an invisible control character, {char}: it can clear or recolour a "
          "terminal, or show the text in another order than it is stored.").format(
              what=what, char=shown),
        _("Delete the character (in double quotes it is written as an escape such as '\\e' "
          "or '\\u202e'); retype the text if you cannot see where it is."),
        key=key)


def _number(file: str, value: int | float, path: Path) -> Iterator[Problem]:
    if isinstance(value, float) and math.isnan(value):
        message = _("This is not a number ('.nan').")
    elif isinstance(value, float) and math.isinf(value):
        message = _("This number is infinite ('.inf', or too large to be stored).")
    elif -LARGEST_NUMBER < value < LARGEST_NUMBER:
        return
    else:
        message = _("This number is absurdly large ({digits} digits before the decimal "
                    "point).").format(digits=_digits(value))
    yield Problem("GK109", file, path, message,
                  _("Write the real value: a number with fewer than 16 digits."))


def _digits(value: int | float) -> int:
    """Digits before the decimal point (exact for whole numbers Python can print)."""
    try:
        return len(str(abs(int(value))))
    except ValueError:  # more digits than Python converts to text
        return int(math.log10(abs(value))) + 1
