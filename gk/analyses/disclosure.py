"""Disclosure control for published counts of people: no count below the minimum can be read
or worked out from any combination of gk's reports.

The method (reasoned out, with the attacks it answers, in docs/datenschutz.md):

* **Atomic cells.** A count of people is published per *atomic cell*, the finest grain any
  filter of gk can reach (an alliance and a year for Teilhabemanagement; an alliance's
  target-group entry). A cell below the minimum — 0 included — is shown as ``<N``.
* **Totals are sums of shown cells only.** Every total, breakdown or chart value is the sum
  of the cells shown as numbers; a cell shown as ``<N`` adds nothing to any published
  figure. So every published number is a sum of published numbers: differencing two
  reports (other ``--alliance``/``--region`` choices, other repositories) gives back only
  shown cells, and no total narrows a ``<N`` below what ``<N`` says. No secondary
  suppression is needed, and none is done.
* **Overlapping entries.** Target-group entries of one date may count the same people
  (``[duldung, gestattung]`` and ``[gestattung]``): their difference is a count of people
  too. Of entries that overlap, only one is shown, chosen by their statuses alone; the
  others are withheld (``x``) (:func:`protect_entries`). :func:`revealing_overlaps` audits
  which overlaps would pin a small count (interval bounds over the statuses), for the
  warning of ``gk check`` (GK509).
* **Time.** A cell's published number only moves by at least the minimum from every number
  published for it in an earlier committed state (:func:`hold`), so two reports of two
  states never show a change of fewer than the minimum people. ``--since`` shows no count
  of people at all.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

WITHHELD_MARK = "x"
# More overlapping entries of one date than this are not audited (the audit's cost grows
# with the fourth power of their number): GK509 then warns without it.
MAX_AUDITED = 8


def effective_min_count(min_count: int) -> int:
    """The minimum in force: at least 2, since ``<1`` would say "exactly 0"."""
    return max(min_count, 2)


def primary_mark(min_count: int) -> str:
    """How a count below the minimum is shown, e.g. ``<3``."""
    return f"<{min_count}"


def shown(value: int, min_count: int) -> int | str:
    """One atomic cell as it may be published: the number, or ``<N`` below the minimum."""
    return value if value >= min_count else primary_mark(min_count)


def is_shown(value: object) -> bool:
    """Whether a published count is a number (not ``<N``, ``x``, unknown or absent)."""
    return isinstance(value, int) and not isinstance(value, bool)


def shown_sum(values: Iterable[object]) -> int:
    """A published total: the sum of the shown numbers only (withheld cells add nothing)."""
    return sum(v for v in values if is_shown(v))  # type: ignore[misc]


def withheld(values: Iterable[object]) -> int:
    """How many of the values are withheld (``<N`` or ``x``) and so missing from a sum."""
    return sum(1 for v in values if isinstance(v, str) and (v.startswith("<") or v == "x"))


# --- overlapping entries ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """A count over a set of categories (a target-group entry over residence statuses);
    ``count`` is ``None`` when unknown. Entries of one date are assumed to count the people
    of each category once: an entry over a set is the sum over its categories."""

    categories: frozenset[str]
    count: int | None


def overlap_clusters(entries: Sequence[Entry]) -> list[list[int]]:
    """Indexes of the entries with a known count, grouped where their categories overlap
    (connected through shared categories), in order of first entry."""
    known = [i for i, e in enumerate(entries) if e.count is not None]
    parent = {i: i for i in known}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in itertools.combinations(known, 2):
        if entries[a].categories & entries[b].categories:
            parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for i in known:
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values())


def _solve(rows: Sequence[tuple[tuple[int, ...], int]]) -> tuple[Fraction, ...] | None:
    """The one solution of a square system ``row . x = rhs``, or None when it is singular."""
    size = len(rows)
    matrix = [[Fraction(v) for v in row] + [Fraction(rhs)] for row, rhs in rows]
    for col in range(size):
        pivot = next((r for r in range(col, size) if matrix[r][col] != 0), None)
        if pivot is None:
            return None
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        for r in range(size):
            if r != col and matrix[r][col] != 0:
                factor = matrix[r][col] / matrix[col][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[col], strict=True)]
    return tuple(matrix[i][size] / matrix[i][i] for i in range(size))


def _vertices(atoms: int, equal: list[tuple[tuple[int, ...], int]],
              upper: list[tuple[tuple[int, ...], int]]) -> list[tuple[Fraction, ...]]:
    """Corners of {x >= 0, row . x = rhs (equal), row . x <= rhs (upper)}; none when empty.

    Every atom lies in some row, so the set is bounded and, when not empty, the corners span
    it: the least and the greatest value of any sum over the atoms are taken at corners."""
    unit = [tuple(int(i == j) for j in range(atoms)) for i in range(atoms)]
    bounds: list[tuple[tuple[int, ...], int]] = [*upper, *((u, 0) for u in unit)]
    found: set[tuple[Fraction, ...]] = set()
    for chosen in itertools.combinations(equal + bounds, atoms):
        point = _solve(chosen)
        if point is None or any(v < 0 for v in point):
            continue
        if all(sum(a * v for a, v in zip(row, point, strict=True)) == rhs for row, rhs in equal) \
                and all(sum(a * v for a, v in zip(row, point, strict=True)) <= rhs
                        for row, rhs in upper):
            found.add(point)
    return sorted(found)


def small_count_derivable(entries: Sequence[Entry], min_count: int) -> bool:
    """Whether the published form of overlapping entries pins a count of people below the
    minimum: a number for an entry at or above it, ``<N`` (0 to N-1) for one below.

    For every set of categories the least and greatest total that the published figures
    allow are found (over the corners of the feasible region); when they leave exactly one
    whole number below the minimum, or none at all (contradicting entries), it is derivable.
    """
    atoms = sorted(set().union(*(e.categories for e in entries)))
    index = {a: i for i, a in enumerate(atoms)}

    def row(entry: Entry) -> tuple[int, ...]:
        return tuple(int(a in entry.categories) for a in index)

    equal = [(row(e), e.count) for e in entries if e.count is not None and e.count >= min_count]
    upper = [(row(e), min_count - 1) for e in entries
             if e.count is not None and e.count < min_count]
    corners = _vertices(len(atoms), equal, upper)
    if not corners:
        return True  # contradicting entries: some reading of them may pin anything
    for size in range(1, len(atoms) + 1):
        for subset in itertools.combinations(range(len(atoms)), size):
            totals = [sum(point[i] for i in subset) for point in corners]
            low, high = math.ceil(min(totals)), math.floor(max(totals))
            if low >= high and low < min_count:
                return True
    return False


def protect_entries(entries: Sequence[Entry], min_count: int,
                    preferred: frozenset[str] | None = None) -> list[int | str | None]:
    """The entries as they may be published: a number, ``<N``, ``x`` (withheld) or ``None``
    for an unknown count.

    Of entries whose categories overlap, only one is shown: the one over exactly
    ``preferred`` if there is one, else the one over the most categories (the first of
    equals); the others are withheld as ``x``, whatever their counts. The choice depends on
    the categories only: had it depended on the counts (withholding only where a difference
    is small), the withholding itself would tell that the difference is small — with
    ``[duldung, gestattung]: 3`` shown and ``[duldung]`` withheld, that nobody has a
    Gestattung. Give an entry that names no category all of them (:func:`with_universe`).
    """
    values: list[int | str | None] = [
        None if e.count is None else shown(e.count, min_count) for e in entries]
    for cluster in overlap_clusters(entries):
        keep = min(cluster, key=lambda i: (entries[i].categories != preferred,
                                           -len(entries[i].categories), i))
        for i in cluster:
            if i != keep:
                values[i] = WITHHELD_MARK
    return values


def revealing_overlaps(entries: Sequence[Entry], min_count: int) -> list[list[int]]:
    """The groups of overlapping entries that, were all of them published (numbers, ``<N``
    below the minimum), would pin a count of people below the minimum (``gk check``: GK509).
    More than ``MAX_AUDITED`` overlapping entries count as revealing without an audit."""
    return [cluster for cluster in overlap_clusters(entries) if len(cluster) > 1 and (
        len(cluster) > MAX_AUDITED
        or small_count_derivable([entries[i] for i in cluster], min_count))]


def with_universe(categories: Iterable[frozenset[str]], universe: Sequence[str]) -> list[frozenset[str]]:
    """Category sets with an empty one read as all of ``universe`` (an entry that names no
    status is taken to count everyone)."""
    whole = frozenset(universe)
    return [c if c else whole for c in categories]


def status_entries(entries: Sequence[tuple[Iterable[str], int | None]]) -> list[Entry]:
    """Target-group entries of one date — (residence statuses, count or None) — as entries
    over statuses; one naming no (known) status counts everyone."""
    from gk.domain import residence_statuses

    known = set(residence_statuses())
    sets = with_universe((frozenset(s for s in statuses if s in known)
                          for statuses, _count in entries), residence_statuses())
    return [Entry(c, count) for c, (_s, count) in zip(sets, entries, strict=True)]


def protect_status_counts(entries: Sequence[tuple[Iterable[str], int | None]],
                          min_count: int) -> list[int | str | None]:
    """Target-group entries of one date as they may be published; of overlapping entries the
    one for exactly Duldung and Gestattung (the target group) is the one kept."""
    from gk.domain import STATUSES_OF_INTEREST

    return protect_entries(status_entries(entries), min_count, frozenset(STATUSES_OF_INTEREST))


# --- time ---------------------------------------------------------------------------------


def hold(values: Sequence[int | None], min_count: int) -> int | str:
    """The published form of the last of a cell's values over successive states (oldest
    first; ``None`` where a state published no number for it).

    A number is published only when it differs by at least the minimum from every number
    published for the cell in an earlier state; otherwise the nearest of those is shown again
    (the earliest of equally near ones). So two reports of any two states show the same
    number, or numbers at least the minimum apart, or ``<N`` on one side: no change of fewer
    than the minimum people can be read from them. The rule is a function of the states
    alone, so every report of a state shows what any other report of that state showed.
    """
    published: list[int] = []
    out: int | str = primary_mark(min_count)
    for value in values:
        if value is None:
            continue
        if value < min_count:
            out = primary_mark(min_count)
            continue
        near = [p for p in published if abs(value - p) < min_count]
        if near:
            out = min(near, key=lambda p: (abs(value - p), published.index(p)))
        else:
            published.append(value)
            out = value
    return out
