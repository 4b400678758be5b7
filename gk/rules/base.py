"""What a rule yields and what it is given: the only names a rule module imports from here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from gk.engine.load import Path


class Problem(NamedTuple):
    """A problem a rule found. The engine turns it into a ``Finding``: it finds line and
    column of ``path`` in the file and stamps the severity of ``code``."""

    code: str
    file: str
    path: Path
    message: str
    hint: str = ""
    key: bool = False  # point at the key of ``path`` rather than its value
    # (line, column) where the problem is not in a value but in the text around the values
    # (a comment); ``path`` is then ``()`` and the engine uses this position as it is.
    at: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What a repository rule may know besides the model: the run's options."""

    today: dt.date
    stale_days: int | None = None


class _Lazy:
    """A pattern compiled when first used; its methods are then the compiled pattern's own."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # only while a method is not bound yet
        compiled = re.compile(*self._source)
        for method in ("search", "match", "fullmatch", "finditer", "findall", "sub", "split"):
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def lazy_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile``, deferred to the first use: a rule's patterns for rare cases cost
    nothing in a run that never needs them (compiling all of the privacy rule's takes about
    40 ms, which a check of one changed file would otherwise pay)."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))
