"""What a rule yields and what it is given: the only names a rule module imports from here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

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
