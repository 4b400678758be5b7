"""Gaps between needs and services per alliance, and broken follow-up chains.

The rules are those of SPEC.md, "Gaps: the rules". Where SPEC is silent, this module decides
(and docs/reports.md documents):

* Fields looked at are those rated ``medium`` or ``high`` in the current (latest by date)
  ``bedarfs-angebotsanalyse``; all eight when the alliance has no such worksheet, or when
  its current one rates no field at all (no ``needs``).
* A declared gap whose field is not looked at (e.g. rated ``low``) is still listed as
  declared; it is never computed, because computed gaps are defined on the fields looked at.
  It therefore shows as "declared only". Declared statuses other than ``duldung`` and
  ``gestattung`` are not part of the matrix and are left out.
* Broken chains start only from services that are ``active`` or ``planned``: an ended
  service sends nobody anywhere any more. The target must exist, be ``active`` and be open
  to the status; the target's age range is not looked at (SPEC does not ask for it).

Everything is built from indexes made in one pass over the repository, so the work grows
linearly with the number of files.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field

from gk.domain import (
    ANALYSIS_TEMPLATE,
    STATUSES_OF_INTEREST,
    TARGET_AGE,
    current_sheets,
    need_levels,
    place_of,
    service_fields,
)
from gk.engine.model import Repository, Service, Worksheet

LOOKED_AT_RATINGS = ("medium", "high")
ORIGIN_STATUSES = ("active", "planned")

CONFIRMED = "confirmed"
COMPUTED_ONLY = "computed-only"
DECLARED_ONLY = "declared-only"

MISSING = "missing"
NOT_ACTIVE = "not-active"
NOT_OPEN = "not-open"


@dataclass(frozen=True, slots=True)
class Gap:
    """A (field, status) pair of an alliance that is declared, computed, or both."""

    alliance: str
    field: str
    status: str
    declared: bool
    computed: bool
    looked_at: bool

    @property
    def kind(self) -> str:
        if self.declared and self.computed:
            return CONFIRMED
        return COMPUTED_ONLY if self.computed else DECLARED_ONLY


@dataclass(frozen=True, slots=True)
class BrokenChain:
    """A follow-up link that leaves young people of one status with nowhere to go next."""

    origin: Service
    target_ref: str  # always 'alliance/service'
    target: Service | None
    status: str
    reason: str  # MISSING, NOT_ACTIVE or NOT_OPEN

    @property
    def origin_ref(self) -> str:
        return self.origin.ref


@dataclass(slots=True)
class AllianceGaps:
    """The field x status matrix of one alliance."""

    alliance: str
    name: str
    analysis: Worksheet | None
    fields: tuple[str, ...]  # fields looked at, in SPEC order
    all_fields: bool  # True when all eight are looked at for want of ratings
    district: str | None  # whose services count here too
    district_name: str | None
    offers: dict[tuple[str, str], int]  # counting services per (field, status)
    gaps: list[Gap] = dc_field(default_factory=list)
    # The ages of 18 to 27 the counting services of a (field, status) admit, where they do
    # not admit all of them (a programme for 16 to 21 covers only 18 to 21).
    partial_ages: dict[tuple[str, str], tuple[tuple[int, int], ...]] = dc_field(
        default_factory=dict)

    def gap(self, field_: str, status: str) -> Gap | None:
        for gap in self.gaps:
            if gap.field == field_ and gap.status == status:
                return gap
        return None


@dataclass(slots=True)
class GapReport:
    alliances: list[AllianceGaps]
    broken_chains: list[BrokenChain]
    # Data files that did not load (``Repository.unloaded``) and may bear on this report: the
    # report is incomplete without them and says so.
    unreadable: list[str] = dc_field(default_factory=list)

    @property
    def gaps(self) -> list[Gap]:
        return [gap for entry in self.alliances for gap in entry.gaps]


class ServiceIndex:
    """Services grouped by alliance folder, and what counts per (field, status)."""

    def __init__(self, repository: Repository) -> None:
        self.by_alliance: dict[str, list[Service]] = {}
        self.counting: dict[str, Counter[tuple[str, str]]] = {}
        # the target ages each (field, status) admits, per alliance folder
        self.ages: dict[str, dict[tuple[str, str], set[int]]] = {}
        for (alliance, _sid), service in sorted(repository.services.items()):
            self.by_alliance.setdefault(alliance, []).append(service)
            if counts(service):
                opens = service.open_to
                statuses = [s for s in STATUSES_OF_INTEREST if s in opens]
                if not statuses:
                    continue
                counter = self.counting.setdefault(alliance, Counter())
                ages = self.ages.setdefault(alliance, {})
                admitted = target_ages(service)
                for field_ in set(service.fields):
                    for status in statuses:
                        counter[(field_, status)] += 1
                        ages.setdefault((field_, status), set()).update(admitted)

    def offers(self, alliance: str, district: str | None) -> dict[tuple[str, str], int]:
        own = self.counting.get(alliance, Counter())
        extra = self.counting.get(district, Counter()) if district else Counter()
        return {(f, s): own[(f, s)] + extra[(f, s)]
                for f in service_fields() for s in STATUSES_OF_INTEREST}


    def partial_ages(self, alliance: str, district: str | None
                     ) -> dict[tuple[str, str], tuple[tuple[int, int], ...]]:
        """The (field, status) pairs whose counting services admit only part of the ages of
        18 to 27, with the ranges they admit."""
        full = set(range(TARGET_AGE[0], TARGET_AGE[1] + 1))
        out: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {}
        own = self.ages.get(alliance, {})
        extra = self.ages.get(district, {}) if district else {}
        for key in {*own, *extra}:
            admitted = own.get(key, set()) | extra.get(key, set())
            if admitted and admitted != full:
                out[key] = _ranges(admitted)
        return out


def target_ages(service: Service) -> set[int]:
    """The whole years of 18 to 27 a service admits by its age range."""
    low, high = TARGET_AGE
    age = service.data.get("age")
    if isinstance(age, dict):
        lo, hi = age.get("min"), age.get("max")
        if isinstance(lo, (int, float)) and not isinstance(lo, bool) and lo == lo:
            low = max(low, math.ceil(min(lo, high + 1)))
        if isinstance(hi, (int, float)) and not isinstance(hi, bool) and hi == hi:
            high = min(high, math.floor(max(hi, low - 1)))
    return set(range(low, high + 1))


def _ranges(ages: set[int]) -> tuple[tuple[int, int], ...]:
    """Whole years as ranges: {18, 19, 20, 25} -> ((18, 20), (25, 25))."""
    out: list[tuple[int, int]] = []
    for age in sorted(ages):
        if out and out[-1][1] == age - 1:
            out[-1] = (out[-1][0], age)
        else:
            out.append((age, age))
    return tuple(out)


def counts(service: Service) -> bool:
    """Whether a service counts at all: active and open to ages 18 to 27."""
    return service.status == "active" and service.age_overlaps()


def looked_at_fields(analysis: Worksheet | None) -> tuple[tuple[str, ...], bool]:
    """The fields rated medium or high; all eight (and True) when nothing is rated."""
    needs = analysis.data.get("needs") if analysis is not None else None
    fields = service_fields()
    if not isinstance(needs, dict) or not any(needs.get(f) in need_levels() for f in fields):
        return fields, True
    return tuple(f for f in fields if needs.get(f) in LOOKED_AT_RATINGS), False


def declared_pairs(analysis: Worksheet | None) -> set[tuple[str, str]]:
    """(field, status) pairs of the analysis's ``gaps`` with a status of interest."""
    if analysis is None:
        return set()
    entries = analysis.data.get("gaps")
    pairs: set[tuple[str, str]] = set()
    if not isinstance(entries, list):
        return pairs
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("field") not in service_fields():
            continue
        statuses = entry.get("statuses")
        if isinstance(statuses, list):
            pairs.update((entry["field"], s) for s in statuses if s in STATUSES_OF_INTEREST)
    return pairs


def district_of(repository: Repository, alliance: str) -> str | None:
    found = repository.alliances.get(alliance)
    if found is None or found.type != "kreisangehoerige-kommune":
        return None
    district = found.district
    return district if district and district != alliance else None


def analyse_gaps(repository: Repository, only: Collection[str] | None = None,
                 index: ServiceIndex | None = None,
                 current: dict[tuple[str, str], Worksheet] | None = None) -> GapReport:
    """Gaps and broken chains of every alliance (or of those named in ``only``)."""
    index = index or ServiceIndex(repository)
    current = current if current is not None else current_sheets(repository.worksheets.values())
    chosen = sorted(a for a in repository.alliances if only is None or a in only)
    entries = []
    for alliance in chosen:
        analysis = current.get((alliance, ANALYSIS_TEMPLATE))
        fields, all_fields = looked_at_fields(analysis)
        district = district_of(repository, alliance)
        offers = index.offers(alliance, district)
        declared = declared_pairs(analysis)
        found = repository.alliances.get(district) if district else None
        entry = AllianceGaps(alliance, repository.alliances[alliance].name, analysis, fields,
                             all_fields, district, found.name if found else None, offers,
                             partial_ages=index.partial_ages(alliance, district))
        looked = set(fields)
        for field_ in service_fields():
            for status in STATUSES_OF_INTEREST:
                computed = field_ in looked and offers[(field_, status)] == 0
                is_declared = (field_, status) in declared
                if computed or is_declared:
                    entry.gaps.append(Gap(alliance, field_, status, is_declared, computed,
                                          field_ in looked))
        entries.append(entry)
    chains = broken_chains(repository, (s for a in chosen for s in index.by_alliance.get(a, [])))
    if only is None:
        unread = unreadable_files(repository)
    else:
        near = {*chosen, *(e.district for e in entries if e.district)}
        unread = unreadable_files(repository, near.__contains__)
    return GapReport(entries, chains, unread)


def unreadable_files(repository: Repository,
                     relevant: Callable[[str], bool] | None = None) -> list[str]:
    """The data files of the repository that did not load, sorted; with ``relevant``, only
    those that belong to no alliance (``gk.yaml``, templates) or to an alliance for which
    ``relevant(alliance id)`` holds."""
    out = []
    for rel in sorted(repository.unloaded):
        place = place_of(rel)
        if relevant is not None and place is not None and place[0] != "template":
            alliance = place[2] if place[0] == "alliance" else place[1]
            if alliance is not None and not relevant(alliance):
                continue
        out.append(rel)
    return out


def broken_chains(repository: Repository, origins: Iterable[Service]) -> list[BrokenChain]:
    """Follow-up links from active or planned services that end nowhere for a status."""
    found: list[BrokenChain] = []
    for origin in origins:
        if origin.status not in ORIGIN_STATUSES:
            continue
        opens = origin.open_to
        statuses = [s for s in STATUSES_OF_INTEREST if s in opens]
        if not statuses:
            continue
        for ref in dict.fromkeys(origin.follow_up):
            full = ref if "/" in ref else f"{origin.alliance}/{ref}"
            target = repository.resolve_service(origin.alliance, ref)
            active = target is not None and target.status == "active"
            target_open = target.open_to if active and target is not None else ()
            for status in statuses:
                if target is None:
                    reason = MISSING
                elif not active:
                    reason = NOT_ACTIVE
                elif status not in target_open:
                    reason = NOT_OPEN
                else:
                    continue
                found.append(BrokenChain(origin, full, target, status, reason))
    found.sort(key=lambda c: (c.origin.ref, c.target_ref, c.status))
    return found
