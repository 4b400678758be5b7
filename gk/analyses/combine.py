"""Several data repositories in one report: which repository's copy of an alliance counts.

An alliance counted twice would make every figure wrong, so an alliance id found in two
repositories must be resolved: only copies that pass the report's filters compete, the
user names the repository whose copies count (``--prefer``) or leaves a copy out
(``--skip-alliance``), and every clash left is named at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gk.engine.model import Alliance
from gk.errors import GkError
from gk.i18n import _

if TYPE_CHECKING:
    from gk.analyses.summary import Source


@dataclass(frozen=True, slots=True)
class Resolution:
    """How to resolve alliances found in several repositories (repositories by label)."""

    prefer: tuple[str, ...] = ()  # whose copies count, the first named first
    skip: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (label, alliance)


def owners(sources: Sequence[Source], wanted: Callable[[Alliance], bool],
           resolution: Resolution | None = None) -> dict[str, Source]:
    """The repository of every alliance id. Where several copies pass ``wanted``, the one of
    a preferred repository; copies left out by ``resolution.skip`` do not compete. Raises a
    GkError naming every alliance still found in more than one repository."""
    resolution = resolution or Resolution()
    copies: dict[str, list[Source]] = {}
    for source in sources:
        for alliance in source.repository.alliances:
            if (source.label, alliance) not in resolution.skip:
                copies.setdefault(alliance, []).append(source)
    owner: dict[str, Source] = {}
    clashes: list[tuple[str, list[Source]]] = []
    for alliance, found in sorted(copies.items()):
        counted = [s for s in found if wanted(s.repository.alliances[alliance])]
        preferred = [s for label in resolution.prefer for s in counted if s.label == label]
        if len(counted) > 1 and not preferred:
            clashes.append((alliance, counted))
        owner[alliance] = (preferred or counted or found)[0]
    if clashes:
        listed = "; ".join(_("{alliance} (in {repositories})").format(
            alliance=alliance, repositories=", ".join(s.label for s in found))
            for alliance, found in clashes)
        raise GkError(_("{n} alliance(s) are in more than one data repository and would be "
                        "counted twice: {list}. Say whose copies count with --prefer REPO, or "
                        "leave a copy out with --skip-alliance REPO:ALLIANCE.").format(
                            n=len(clashes), list=listed))
    return owner
