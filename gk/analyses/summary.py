"""The cross-site summary (``gk summarize``) over one or several data repositories.

The result is one JSON-ready document (``Summary.payload``, keys as in SPEC.md, documented in
docs/reports.md) plus the labels the Markdown and text renderers need. Counts of people are
protected here, once, so that every format shows the same suppressed figures. Decisions
where SPEC is silent (all documented in docs/reports.md):

* The period (``--from/--to``, else ``period`` of the first repository's gk.yaml) limits the
  worksheet returns and the consulting days used; everything else describes the current
  state: current sheets, open to-dos, Teilhabemanagement per year, latest target-group count.
* Checklist figures count the current ``prozessmanagement`` sheet of each alliance that has
  one; alliances without a sheet are not counted (``returns`` shows them as missing). An
  item left out, or with a status gk does not know, is ``unanswered``.
* ``todos.open`` counts every open to-do of every worksheet (older sheets included, as SPEC
  says); ``overdue`` are those among them with a due date before today.
* Consulting days granted: ``consulting_days`` of gk.yaml for every calendar year of the
  period from the year the alliance joined; ``null`` when the period is open-ended or the
  repository grants none.
* An alliance id found in two repositories that both pass the filters is an error unless
  the options say which copy counts (``gk.analyses.combine``): the same alliance counted
  twice would make every figure wrong.
* Counts of people (gk.analyses.disclosure): each alliance's cell is shown, ``<N``, ``x``
  (an overlapping target-group entry) or held at a number published for an earlier commit;
  every sum adds the cells shown as numbers only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gk.analyses.combine import Resolution, owners
from gk.analyses.disclosure import (
    WITHHELD_MARK,
    effective_min_count,
    hold,
    protect_status_counts,
    shown_sum,
    withheld,
)
from gk.analyses.gaps import AllianceGaps, ServiceIndex, analyse_gaps, unreadable_files
from gk.domain import (
    ANALYSIS_TEMPLATE,
    CHECKLIST_TEMPLATE,
    CONFIG_FILE,
    FOLDER_OF,
    PROTOCOL_TEMPLATE,
    SHIPPED_TEMPLATES,
    STATUSES_OF_INTEREST,
    alliance_types,
    current_sheets,
    is_open,
    is_overdue,
    item_statuses,
    number,
    parse_date,
    regions,
    residence_statuses,
    service_fields,
    whole_number,
)
from gk.engine.model import Alliance, Repository, Template, Worksheet

UNANSWERED = "unanswered"
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Period:
    start: str | None = None
    end: str | None = None

    def contains(self, date: str) -> bool:
        """Whether a day lies in the period; a text that is no date lies only in the
        period without bounds."""
        day = parse_date(date)
        if day is None:
            return self.start is None and self.end is None
        text = day.isoformat()  # ISO dates compare as text the way the days do
        return (self.start is None or text >= self.start) and (self.end is None or text <= self.end)

    def years(self) -> list[int] | None:
        first, last = parse_date(self.start), parse_date(self.end)
        if first is None or last is None:
            return None
        return list(range(first.year, last.year + 1))


def config_period(config: dict[str, Any]) -> Period:
    """``period`` of gk.yaml; a bound that is no date counts as absent (``gk check`` says so)."""
    period = config.get("period")
    if not isinstance(period, dict):
        return Period()
    start, end = parse_date(period.get("from")), parse_date(period.get("to"))
    return Period(start.isoformat() if start else None, end.isoformat() if end else None)


@dataclass(frozen=True, slots=True)
class Source:
    """A repository to summarise: the model, the label that prefixes its file names and the
    earlier states of its alliance documents (``gk.analyses.history.people_history``), from
    which counts of people are held steady over time (``gk.analyses.disclosure.hold``)."""

    label: str  # "" for a single repository: files are then shown relative to its root
    repository: Repository
    # alliance id -> the alliance document in earlier committed states, oldest first
    history: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(slots=True)
class SummaryOptions:
    period: Period = field(default_factory=Period)
    regions: frozenset[str] | None = None
    alliances: frozenset[str] | None = None
    today: dt.date = field(default_factory=dt.date.today)
    sources: bool = False
    notes: bool = False
    resolution: Resolution | None = None  # which copy of an alliance in two repositories counts


@dataclass(slots=True)
class Summary:
    """The figures (``payload``, as published) and what renderers need to label them."""

    payload: dict[str, Any]
    titles: list[str]  # the repositories' names
    names: dict[str, str]  # alliance id -> name
    checklist: Template | None  # the prozessmanagement template, for item texts and sections
    templates: dict[str, Template]
    owners: dict[str, str] = field(default_factory=dict)  # chosen alliance -> repository label


def _num(value: float) -> int | float:
    """Whole numbers as int (5, not 5.0); others rounded to two places against float noise."""
    rounded = round(value, 2)
    return int(rounded) if float(rounded).is_integer() else rounded


def _number(value: Any) -> float | None:
    """A number to add up; NaN, infinities and absurdly large numbers are left out (gk check
    reports them as GK109), so no sum overflows and no JSON holds NaN or Infinity."""
    found = number(value)
    return None if found is None else float(found)


def _join(label: str, rel: str) -> str:
    return f"{label}/{rel}" if label else rel


class _Collector:
    """Files behind each figure, for --sources. A figure is named by its JSON path in the
    payload (``checklist.core-group``, ``todos.by_alliance.nordstadt``); a row's figure
    and the total it goes into are added together."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.files: dict[str, set[str]] = {}

    def add(self, figures: str | Sequence[str], label: str, rel: str) -> None:
        if self.enabled:
            for figure in (figures,) if isinstance(figures, str) else figures:
                self.files.setdefault(figure, set()).add(_join(label, rel))

    def payload(self) -> dict[str, list[str]]:
        return {k: sorted(v) for k, v in sorted(self.files.items())}


def _template_order(sources: Sequence[Source]) -> dict[str, Template]:
    found: dict[str, Template] = {}
    for source in sources:
        for tid, template in source.repository.templates.items():
            found.setdefault(tid, template)
    order = [t for t in SHIPPED_TEMPLATES if t in found] + sorted(
        t for t in found if t not in SHIPPED_TEMPLATES)
    return {t: found[t] for t in order}


def summarize(sources: Sequence[Source], options: SummaryOptions) -> Summary:
    """Compute every figure of the summary for the chosen alliances of all repositories."""
    def wanted(alliance: Alliance) -> bool:
        return ((options.regions is None or alliance.region in options.regions)
                and (options.alliances is None or alliance.id in options.alliances))

    owner = owners(sources, wanted, options.resolution)
    chosen: list[tuple[Alliance, Source]] = []
    for alliance_id in sorted(owner):
        alliance = owner[alliance_id].repository.alliances[alliance_id]
        if wanted(alliance):
            chosen.append((alliance, owner[alliance_id]))
    ids = [a.id for a, _s in chosen]
    chosen_ids = frozenset(ids)
    collect = _Collector(options.sources)
    templates = _template_order(sources)
    min_count = effective_min_count(max((s.repository.min_count for s in sources), default=3))

    # indexes, built once per repository
    current: dict[int, dict[tuple[str, str], Worksheet]] = {}
    sheets_of: dict[str, list[Worksheet]] = {}
    for source in sources:
        repo = source.repository
        current[id(source)] = current_sheets(repo.worksheets.values())
        for (alliance_id, _wid), sheet in sorted(repo.worksheets.items()):
            if alliance_id in chosen_ids and owner.get(alliance_id) is source:
                sheets_of.setdefault(alliance_id, []).append(sheet)

    payload: dict[str, Any] = {
        "repositories": [s.repository.config.get("name") if isinstance(
            s.repository.config.get("name"), str) else s.label for s in sources],
        "period": {"from": options.period.start, "to": options.period.end},
        "filters": {"regions": sorted(options.regions or ()),
                    "alliances": sorted(options.alliances or ())},
        "today": options.today.isoformat(),
        "unreadable": _unreadable(sources, options, owner, chosen),
    }
    payload["alliances"] = _alliances(chosen, collect)
    payload["returns"] = _returns(chosen, templates, sheets_of, options.period, collect)
    checklist_template = templates.get(CHECKLIST_TEMPLATE)
    payload["checklist"] = _checklist(chosen, checklist_template, current, collect)
    gap_entries: list[AllianceGaps] = []
    gap_figures, chain_count = _gaps(sources, chosen_ids, owner, current, collect, gap_entries)
    payload["gaps"] = gap_figures
    payload["broken_chains"] = chain_count
    payload["todos"] = _todos(ids, sheets_of, options.today, owner, collect)
    payload["consulting_days"] = _consulting(chosen, sheets_of, options.period, collect)
    suppressed = 0
    payload["participation_management"], count = _participation(chosen, min_count, collect)
    suppressed += count
    payload["target_group"], count = _target_group(chosen, min_count, collect)
    suppressed += count
    payload["privacy"] = {"min_count": min_count, "suppressed": suppressed,
                          "totals": "shown-values-only"}
    _matrices(payload, sources, ids, owner, current, checklist_template, gap_entries)
    from gk.analyses.development import development

    payload["development"] = development(sheets_of, checklist_template)
    if options.notes:
        payload["notes"] = _notes(chosen, current, sheets_of, options.period)
    if options.sources:
        payload["sources"] = collect.payload()
    names = {a.id: a.name for a, _s in chosen}
    titles = [t for t in payload["repositories"] if t]
    return Summary(payload, titles, names, checklist_template, templates,
                   {a.id: s.label for a, s in chosen})


def _unreadable(sources: Sequence[Source], options: SummaryOptions, owner: dict[str, Source],
                chosen: Sequence[tuple[Alliance, Source]]) -> list[str]:
    """The data files that did not load and may bear on the figures (the summary is
    incomplete without them): those of a chosen alliance or its district, of an alliance that
    is unknown because its own file did not load (it may lie in the chosen regions), and
    those that belong to no alliance."""
    near = {a.id for a, _s in chosen} | {a.district for a, _s in chosen if a.district}

    def relevant(alliance: str) -> bool:
        if alliance in near:
            return True
        if options.alliances is not None:
            return False
        return alliance not in owner

    return [_join(source.label, rel) for source in sources
            for rel in unreadable_files(source.repository, relevant)]


def _alliances(chosen: Sequence[tuple[Alliance, Source]], collect: _Collector) -> dict[str, Any]:
    by_type = dict.fromkeys(alliance_types(), 0)
    by_region = dict.fromkeys(regions(), 0)
    for alliance, source in chosen:
        kind = alliance.type if alliance.type in by_type else UNKNOWN
        by_type[kind] = by_type.get(kind, 0) + 1
        region = alliance.region if alliance.region in by_region else UNKNOWN
        by_region[region] = by_region.get(region, 0) + 1
        collect.add(("alliances.total", f"alliances.by_type.{kind}",
                     f"alliances.by_region.{region}"), source.label, alliance.file)
    return {"total": len(chosen), "by_type": by_type, "by_region": by_region}


def _returns(chosen: Sequence[tuple[Alliance, Source]], templates: dict[str, Template],
             sheets_of: dict[str, list[Worksheet]], period: Period,
             collect: _Collector) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for template in templates:
        returned = []
        missing = []
        for alliance, source in chosen:
            found = [s for s in sheets_of.get(alliance.id, [])
                     if s.template == template and period.contains(s.date)]
            if found:
                returned.append(alliance.id)
                for sheet in found:
                    collect.add(f"returns.{template}", source.label, sheet.file)
            else:
                missing.append(alliance.id)
        out[template] = {"count": len(returned), "of": len(chosen), "missing": missing}
    return out


def item_status(sheet: Worksheet, item: str) -> str:
    """The status of a checklist item in a sheet; ``unanswered`` when absent or unknown."""
    items = sheet.data.get("items")
    entry = items.get(item) if isinstance(items, dict) else None
    status = entry.get("status") if isinstance(entry, dict) else None
    return status if status in item_statuses() else UNANSWERED


def _checklist(chosen: Sequence[tuple[Alliance, Source]], template: Template | None,
               current: dict[int, dict[tuple[str, str], Worksheet]],
               collect: _Collector) -> dict[str, Any]:
    if template is None:
        return {}
    out: dict[str, dict[str, int]] = {
        item: dict.fromkeys((*item_statuses(), UNANSWERED), 0) for item in template.item_ids}
    for alliance, source in chosen:
        sheet = current[id(source)].get((alliance.id, CHECKLIST_TEMPLATE))
        if sheet is None:
            continue
        collect.add([f"checklist.{item}" for item in out], source.label, sheet.file)
        for item, counts in out.items():
            counts[item_status(sheet, item)] += 1
    return out


def _matrices(payload: dict[str, Any], sources: Sequence[Source], ids: Sequence[str],
              owner: dict[str, Source], current: dict[int, dict[tuple[str, str], Worksheet]],
              template: Template | None, gap_entries: Sequence[AllianceGaps]) -> None:
    """The alliance x item and alliance x field x status matrices and the shares
    (gk.analyses.matrices), under the keys ``checklist_matrix``, ``gap_matrix``, ``shares``."""
    from gk.analyses import matrices

    checklist: dict[str, dict[str, str]] = {}
    for source in sources:
        mine = [a for a in ids if owner.get(a) is source]
        if mine:
            checklist.update(matrices.checklist_matrix(mine, template, current[id(source)]))
    gaps = matrices.gap_matrix(gap_entries)
    payload["checklist_matrix"] = {a: checklist[a] for a in ids if a in checklist}
    payload["gap_matrix"] = {a: gaps[a] for a in ids if a in gaps}
    payload["shares"] = matrices.shares(ids, payload["checklist_matrix"], payload["gap_matrix"],
                                        template)


def _gaps(sources: Sequence[Source], chosen: frozenset[str], owner: dict[str, Source],
          current: dict[int, dict[tuple[str, str], Worksheet]], collect: _Collector,
          entries: list[AllianceGaps]) -> tuple[dict[str, Any], int]:
    """The gap figures and the number of broken chains; each alliance's gaps are added to
    ``entries`` (for the matrices)."""
    computed = declared = confirmed = 0
    by_field = dict.fromkeys(service_fields(), 0)
    chains = 0
    for source in sources:
        repo = source.repository
        mine = [a for a in chosen if owner.get(a) is source]
        if not mine:
            continue
        index = ServiceIndex(repo)
        report = analyse_gaps(repo, mine, index, current[id(source)])
        entries.extend(report.alliances)
        for entry in report.alliances:
            analysis = [entry.analysis.file] if entry.analysis is not None else []
            for gap in entry.gaps:
                computed += gap.computed
                declared += gap.declared
                confirmed += gap.computed and gap.declared
                if gap.declared:
                    for rel in analysis:
                        collect.add("gaps.declared", source.label, rel)
                if gap.computed:
                    by_field[gap.field] += 1
                    figures = ["gaps.computed", f"gaps.by_field.{gap.field}"]
                    figures += ["gaps.confirmed"] if gap.declared else []
                    for rel in (repo.alliances[entry.alliance].file, *analysis,
                                *services_looked_at(repo, entry, gap.field, index)):
                        collect.add(figures, source.label, rel)
        chains += len(report.broken_chains)
        for chain in report.broken_chains:
            collect.add("broken_chains", source.label, chain.origin.file)
            if chain.target is not None:
                collect.add("broken_chains", source.label, chain.target.file)
    return ({"computed": computed, "declared": declared, "confirmed": confirmed,
             "by_field": by_field}, chains)


def services_looked_at(repository: Repository, entry: AllianceGaps, field_: str,
                       index: ServiceIndex | None = None) -> list[str]:
    """Where a computed gap of a field comes from besides the alliance and its analysis: the
    district's file and the services of the alliance and its district that name the field
    (none of them counts), or the alliance's services folder when none names it."""
    index = index or ServiceIndex(repository)
    places = sorted({entry.alliance, *([entry.district] if entry.district else [])})
    district = repository.alliances.get(entry.district) if entry.district else None
    found = [service.file for place in places for service in index.by_alliance.get(place, [])
             if field_ in service.fields]
    return [*([district.file] if district else []),
            *(found or [f"{FOLDER_OF['service']}/{entry.alliance}/"])]


def _todos(ids: Sequence[str], sheets_of: dict[str, list[Worksheet]], today: dt.date,
           owner: dict[str, Source], collect: _Collector) -> dict[str, Any]:
    by_alliance: dict[str, dict[str, int]] = {}
    total_open = total_overdue = 0
    for alliance_id in ids:
        open_count = overdue = 0
        for sheet in sheets_of.get(alliance_id, []):
            for todo in sheet.todos:
                if not is_open(todo.data):
                    continue
                open_count += 1
                overdue += is_overdue(todo.data, today)
                collect.add(["todos.open", f"todos.by_alliance.{alliance_id}",
                             *(["todos.overdue"] if is_overdue(todo.data, today) else [])],
                            owner[alliance_id].label, sheet.file)
        by_alliance[alliance_id] = {"open": open_count, "overdue": overdue}
        total_open += open_count
        total_overdue += overdue
    return {"open": total_open, "overdue": total_overdue, "by_alliance": by_alliance}


def _granted_years(alliance: Alliance, period: Period) -> int | None:
    years = period.years()
    if years is None:
        return None
    joined = parse_date(alliance.data.get("joined"))
    return sum(1 for y in years if joined is None or y >= joined.year)


def _consulting(chosen: Sequence[tuple[Alliance, Source]], sheets_of: dict[str, list[Worksheet]],
                period: Period, collect: _Collector) -> dict[str, Any]:
    by_alliance: dict[str, int | float] = {}
    granted_by: dict[str, int | float | None] = {}
    used_total = 0.0
    per_year: set[float] = set()
    for alliance, source in chosen:
        used = 0.0
        for sheet in sheets_of.get(alliance.id, []):
            if sheet.template != PROTOCOL_TEMPLATE or not period.contains(sheet.date):
                continue
            days = _number(sheet.data.get("days"))
            if days is not None:
                used += days
                collect.add(("consulting_days.used",
                             f"consulting_days.by_alliance.{alliance.id}"),
                            source.label, sheet.file)
        by_alliance[alliance.id] = _num(used)
        used_total += used
        granted = _number(source.repository.config.get("consulting_days"))
        years = _granted_years(alliance, period)
        if granted is None or years is None:
            granted_by[alliance.id] = None
        else:
            per_year.add(granted)
            granted_by[alliance.id] = _num(granted * years)
            for rel in (CONFIG_FILE, alliance.file):  # days per year; the year joined
                collect.add(("consulting_days.granted",
                             f"consulting_days.granted_by_alliance.{alliance.id}"),
                            source.label, rel)
    known = [v for v in granted_by.values() if v is not None]
    return {
        "used": _num(used_total),
        "by_alliance": by_alliance,
        "granted": _num(sum(known)) if known else None,
        "granted_per_year": _num(next(iter(per_year))) if len(per_year) == 1 else None,
        "granted_by_alliance": granted_by,
    }


def _reached(data: Any) -> dict[int, int]:
    """Persons reached per year in an alliance document (entries of one year added up)."""
    block = data.get("participation_management") if isinstance(data, dict) else None
    reached = block.get("reached") if isinstance(block, dict) else None
    cells: dict[int, int] = {}
    for entry in reached if isinstance(reached, list) else []:
        if not isinstance(entry, dict):
            continue
        year, persons = whole_number(entry.get("year")), whole_number(entry.get("persons"))
        if year is not None and persons is not None:
            cells[year] = cells.get(year, 0) + persons
    return cells


def _participation(chosen: Sequence[tuple[Alliance, Source]], min_count: int,
                   collect: _Collector) -> tuple[dict[str, Any], int]:
    """Positions, and persons reached per alliance and year (the atomic cells, each shown,
    held at an earlier published number, or ``<N``); the sum of a year adds the shown cells
    only (gk.analyses.disclosure)."""
    positions = 0.0
    published: dict[tuple[str, int], int | str] = {}
    rows: dict[str, dict[str, Any]] = {}
    for alliance, source in chosen:
        block = alliance.data.get("participation_management")
        if not isinstance(block, dict):
            continue
        collect.add(("participation_management.positions",
                     f"participation_management.by_alliance.{alliance.id}"),
                    source.label, alliance.file)
        own = _number(block.get("positions")) or 0.0
        positions += own
        rows[alliance.id] = {"positions": _num(own)}
        earlier = [_reached(data) for data in source.history.get(alliance.id, [])]
        for year, persons in _reached(alliance.data).items():
            collect.add(f"participation_management.reached.{year}", source.label, alliance.file)
            published[(alliance.id, year)] = hold(
                [*(cells.get(year) for cells in earlier), persons], min_count)
    years = sorted({y for _a, y in published})
    for alliance_id, row in rows.items():
        row["reached"] = {str(y): published[(alliance_id, y)] for y in years
                          if (alliance_id, y) in published}
    of_year = {y: [v for (_a, yy), v in published.items() if yy == y] for y in years}
    figures = {
        "positions": _num(positions),
        "reached": {str(y): shown_sum(of_year[y]) for y in years},
        "not_in_sum": {str(y): withheld(of_year[y]) for y in years},
        "by_alliance": rows,
    }
    return figures, withheld(published.values())


def latest_target_group(alliance: Alliance) -> list[dict[str, Any]]:
    """The alliance's target-group entries of the latest ``as_of`` date, as written.

    Entries of one date are not added up: one may be a part of another ("among them 2 with
    an Ausbildungsduldung") or come on top of it, and only the notes tell which."""
    return _latest_entries(alliance.data)


def _latest_entries(data: Any) -> list[dict[str, Any]]:
    entries = data.get("target_group") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    dated = [e for e in entries if isinstance(e, dict) and parse_date(e.get("as_of")) is not None]
    if not dated:
        return []
    latest = max(e["as_of"] for e in dated)
    out = []
    for entry in dated:
        if entry["as_of"] != latest:
            continue
        statuses = entry.get("statuses")
        named = set(statuses) if isinstance(statuses, list) else set()
        count = entry.get("count")
        known = whole_number(count) is not None
        out.append({"as_of": latest, "statuses": [s for s in residence_statuses() if s in named],
                    "count": count if known else UNKNOWN})
    return out


def _entry_key(entry: dict[str, Any]) -> tuple[str, frozenset[str]]:
    return entry["as_of"], frozenset(entry["statuses"])


def _protected_entries(entries: Sequence[dict[str, Any]], min_count: int) -> list[int | str]:
    values = protect_status_counts(
        [(e["statuses"], e["count"] if isinstance(e["count"], int) else None) for e in entries],
        min_count)
    return [UNKNOWN if v is None else v for v in values]


def _earlier_entries(states: Sequence[Any], min_count: int) -> list[dict[tuple[str, frozenset[str]], int]]:
    """Per earlier state, the counts its report published as a number or ``<N`` (not those
    withheld as ``x``), by date and statuses."""
    out = []
    for data in states:
        entries = _latest_entries(data)
        found: dict[tuple[str, frozenset[str]], int] = {}
        for entry, value in zip(entries, _protected_entries(entries, min_count), strict=True):
            if isinstance(entry["count"], int) and value not in (UNKNOWN, WITHHELD_MARK):
                found.setdefault(_entry_key(entry), entry["count"])
        out.append(found)
    return out


def _target_group(chosen: Sequence[tuple[Alliance, Source]], min_count: int,
                  collect: _Collector) -> tuple[dict[str, Any], int]:
    """Latest entries per alliance (the atomic cells, protected and held over time); the
    total adds the shown counts of the entries for exactly the target group (Duldung and
    Gestattung)."""
    by_alliance: dict[str, list[dict[str, Any]]] = {}
    in_total: list[int | str] = []
    for alliance, source in chosen:
        entries = latest_target_group(alliance)
        if not entries:
            continue
        collect.add(f"target_group.by_alliance.{alliance.id}", source.label, alliance.file)
        if any(set(e["statuses"]) == set(STATUSES_OF_INTEREST) and isinstance(e["count"], int)
               for e in entries):
            collect.add("target_group.total", source.label, alliance.file)
        earlier = _earlier_entries(source.history.get(alliance.id, []), min_count)
        values = [hold([*(state.get(_entry_key(e)) for state in earlier), v], min_count)
                  if isinstance(v, int) else v
                  for e, v in zip(entries, _protected_entries(entries, min_count), strict=True)]
        by_alliance[alliance.id] = [{**e, "count": v} for e, v in zip(entries, values, strict=True)]
        in_total += [v for e, v in zip(entries, values, strict=True)
                     if set(e["statuses"]) == set(STATUSES_OF_INTEREST) and v != UNKNOWN]
    published = [v for rows in by_alliance.values() for v in (r["count"] for r in rows)]
    return ({"total": shown_sum(in_total) if in_total else None,
             "not_in_sum": withheld(in_total),
             "by_alliance": by_alliance}, withheld(published))


def _notes(chosen: Sequence[tuple[Alliance, Source]],
           current: dict[int, dict[tuple[str, str], Worksheet]],
           sheets_of: dict[str, list[Worksheet]], period: Period) -> list[dict[str, str]]:
    """Free text of the current sheets and of the period's protocols (only with --notes)."""
    notes: list[dict[str, str]] = []

    def add(sheet: Worksheet, key: str, text: Any) -> None:
        if isinstance(text, str) and text.strip():
            notes.append({"alliance": sheet.alliance, "worksheet": sheet.id, "key": key,
                          "text": text.strip()})

    for alliance, source in chosen:
        latest = current[id(source)]
        checklist = latest.get((alliance.id, CHECKLIST_TEMPLATE))
        if checklist is not None:
            items = checklist.data.get("items")
            for item, entry in (items.items() if isinstance(items, dict) else ()):
                if isinstance(entry, dict):
                    add(checklist, f"items.{item}.note", entry.get("note"))
        analysis = latest.get((alliance.id, ANALYSIS_TEMPLATE))
        if analysis is not None:
            gaps = analysis.data.get("gaps")
            for index, gap in enumerate(gaps if isinstance(gaps, list) else []):
                if isinstance(gap, dict):
                    add(analysis, f"gaps[{index}].description", gap.get("description"))
            add(analysis, "development_needs", analysis.data.get("development_needs"))
        for sheet in sheets_of.get(alliance.id, []):
            if sheet.template == PROTOCOL_TEMPLATE and period.contains(sheet.date):
                add(sheet, "summary", sheet.data.get("summary"))
    return notes


