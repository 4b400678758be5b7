"""How gk writes a single value as YAML text, for new files and for edits alike."""

from __future__ import annotations

import json
import re
from typing import Any

from gk.domain import parse_date
from gk.engine.load import resolve_plain

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


class Raw(str):
    """YAML text to be written as it is (an example taken from a schema description)."""


def scalar(value: Any) -> str:
    """A value as YAML text: slugs, dates and numbers plain, other text double-quoted."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = str(value)
    # A date stays a plain scalar: gk's loader reads dates as text anyway.
    if parse_date(text) is not None or (_PLAIN.match(text) and resolve_plain(text) == text):
        return text
    return json.dumps(text, ensure_ascii=False)
