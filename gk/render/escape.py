"""Making user text safe to show: control characters and terminal escapes become visible."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Replace control characters (ANSI escapes included) by visible ``\\xNN`` sequences."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
