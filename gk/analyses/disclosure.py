"""Small-count suppression for published counts of people, as official statistics do it.

A count below the minimum is shown as ``<N`` (primary suppression). Where a total is
published together with its parts, a single hidden number in "total = sum of parts" could
be worked back out; so the smallest part still shown is hidden as well (secondary, or
complementary, suppression, shown as ``x``), or the total when no part is left. This
repeats until no sum has exactly one hidden number, also across nested totals.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

SECONDARY_MARK = "x"


def primary_mark(min_count: int) -> str:
    """How a count below the minimum is shown, e.g. ``<3``."""
    return f"<{min_count}"


@dataclass(frozen=True, slots=True)
class Group(Generic[K]):
    """A published total and the cells it adds up."""

    total: K
    members: tuple[K, ...]


@dataclass(slots=True)
class Protected(Generic[K]):
    """The cells as they may be published: numbers, ``<N`` or ``x``."""

    values: dict[K, int | str]
    primary: frozenset[K]
    secondary: frozenset[K]

    @property
    def suppressed(self) -> int:
        return len(self.primary) + len(self.secondary)


def protect(cells: Mapping[K, int], groups: Sequence[Group[K]], min_count: int) -> Protected[K]:
    """Suppress small cells and, where a total is published, enough others to keep them hidden.

    ``cells`` holds every cell, totals included; each total is a key of ``cells`` too. The
    order of ``cells`` breaks ties between equally small candidates for secondary
    suppression, so the result is deterministic.
    """
    order = {key: index for index, key in enumerate(cells)}
    primary = {key for key, value in cells.items() if value < min_count}
    hidden = set(primary)
    secondary: set[K] = set()
    changed = True
    while changed:
        changed = False
        for group in groups:
            # total = sum of members: with exactly one unknown, that one can be worked out
            members = [m for m in group.members if m in cells]
            unknown = sum(1 for m in members if m in hidden) + (group.total in hidden)
            if unknown != 1:
                continue
            shown = [m for m in members if m not in hidden]
            if shown:
                pick = min(shown, key=lambda m: (cells[m], order[m]))
            elif group.total not in hidden:
                pick = group.total
            else:  # an empty group with a hidden total: nothing can be worked out
                continue
            hidden.add(pick)
            secondary.add(pick)
            changed = True
    mark = primary_mark(min_count)
    values: dict[K, int | str] = {}
    for key, value in cells.items():
        if key in primary:
            values[key] = mark
        elif key in secondary:
            values[key] = SECONDARY_MARK
        else:
            values[key] = value
    return Protected(values, frozenset(primary), frozenset(secondary))
