"""Development over time, read from the worksheets as they are now (no git needed).

An alliance fills in the prozessmanagement checklist again and again (2019, 2020, 2025 …) and
keeps the older sheets; the same holds for the bedarfs- und angebotsanalyse. Compared sheet by
sheet they show how checklist statuses moved and how declared gaps opened and closed:

* ``checklist``: per alliance, each prozessmanagement sheet (oldest first) with its status
  counts and, from the second sheet on, how many items moved forward (open → in progress →
  done), moved back, or changed otherwise (to or from not applicable or unanswered);
* ``transitions``: every item whose status differs from the alliance's previous sheet;
* ``gaps``: per alliance, each analysis sheet with its declared gaps (field × Duldung or
  Gestattung) and those opened and closed since the previous analysis;
* ``overall``: per calendar year, the state at the year's end summed over the alliances (each
  alliance's latest sheet dated in or before that year), and the gaps opened and closed by
  the analyses dated in that year.

Sheets without a valid date are left out (``gk check`` reports them). Computed gaps need the
services as they were at each date; they are compared between revisions by ``--since``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gk.analyses.summary import UNANSWERED, item_status
from gk.domain import (
    ANALYSIS_TEMPLATE,
    CHECKLIST_TEMPLATE,
    STATUSES_OF_INTEREST,
    item_statuses,
    parse_date,
    service_fields,
    sheet_order,
)
from gk.engine.model import Template, Worksheet

# The way forward; not-applicable and unanswered are off this scale.
PROGRESS = {"open": 0, "in-progress": 1, "done": 2}


def _dated(sheets: Iterable[Worksheet], template: str) -> list[Worksheet]:
    return sorted((s for s in sheets if s.template == template and parse_date(s.date) is not None),
                  key=sheet_order)


def move_kind(before: str, after: str) -> str:
    """``forward``, ``back`` (along open -> in-progress -> done) or ``other``."""
    if before in PROGRESS and after in PROGRESS:
        return "forward" if PROGRESS[after] > PROGRESS[before] else "back"
    return "other"


def _counts(statuses: Mapping[str, str]) -> dict[str, int]:
    counts = dict.fromkeys((*item_statuses(), UNANSWERED), 0)
    for status in statuses.values():
        counts[status] += 1
    return counts


def declared_gaps(sheet: Worksheet) -> list[tuple[str, str]]:
    """The (field, status) pairs an analysis declares, Duldung and Gestattung only, in SPEC
    order of fields and statuses."""
    gaps = sheet.data.get("gaps")
    found: set[tuple[str, str]] = set()
    for gap in gaps if isinstance(gaps, list) else []:
        if not isinstance(gap, dict) or gap.get("field") not in service_fields():
            continue
        statuses = gap.get("statuses")
        for status in statuses if isinstance(statuses, list) else []:
            if status in STATUSES_OF_INTEREST:
                found.add((gap["field"], status))
    return [(f, s) for f in service_fields() for s in STATUSES_OF_INTEREST if (f, s) in found]


def _pairs(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"field": f, "status": s} for f, s in pairs]


def _checklist(alliance: str, sheets: Sequence[Worksheet], items: Sequence[str],
               transitions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    previous: tuple[Worksheet, dict[str, str]] | None = None
    for sheet in sheets:
        statuses = {item: item_status(sheet, item) for item in items}
        row: dict[str, Any] = {"worksheet": sheet.id, "date": sheet.date,
                               "counts": _counts(statuses)}
        if previous is not None:
            moves = {"forward": 0, "back": 0, "other": 0}
            old_sheet, old = previous
            for item in items:
                if old[item] != statuses[item]:
                    moves[move_kind(old[item], statuses[item])] += 1
                    transitions.append({
                        "alliance": alliance, "item": item, "from_worksheet": old_sheet.id,
                        "from_date": old_sheet.date, "from": old[item],
                        "to_worksheet": sheet.id, "to_date": sheet.date, "to": statuses[item]})
            row["moves"] = moves
        rows.append(row)
        previous = (sheet, statuses)
    return rows


def _gaps(sheets: Sequence[Worksheet]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    previous: list[tuple[str, str]] | None = None
    for sheet in sheets:
        pairs = declared_gaps(sheet)
        row: dict[str, Any] = {"worksheet": sheet.id, "date": sheet.date,
                               "declared": _pairs(pairs)}
        if previous is not None:
            row["opened"] = _pairs(p for p in pairs if p not in previous)
            row["closed"] = _pairs(p for p in previous if p not in pairs)
        rows.append(row)
        previous = pairs
    return rows


def _year(date: str) -> int:
    day = parse_date(date)
    assert day is not None  # _dated keeps dated sheets only
    return day.year


def _overall(checklists: Mapping[str, list[dict[str, Any]]],
             gaps: Mapping[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    years = sorted({_year(r["date"]) for rows in (*checklists.values(), *gaps.values())
                    for r in rows})
    out: dict[str, dict[str, Any]] = {}
    for year in years:
        counts = dict.fromkeys((*item_statuses(), UNANSWERED), 0)
        sheets = 0
        for rows in checklists.values():
            upto = [r for r in rows if _year(r["date"]) <= year]
            if upto:
                sheets += 1
                for status, n in upto[-1]["counts"].items():
                    counts[status] += n
        declared = opened = closed = analyses = 0
        for rows in gaps.values():
            upto = [r for r in rows if _year(r["date"]) <= year]
            if upto:
                analyses += 1
                declared += len(upto[-1]["declared"])
            for row in rows:
                if _year(row["date"]) == year:
                    opened += len(row.get("opened", ()))
                    closed += len(row.get("closed", ()))
        out[str(year)] = {"checklist_sheets": sheets, "checklist": counts,
                          "analyses": analyses, "declared_gaps": declared,
                          "gaps_opened": opened, "gaps_closed": closed}
    return out


def development(sheets_of: Mapping[str, Sequence[Worksheet]],
                template: Template | None) -> dict[str, Any]:
    """The development of the alliances named in ``sheets_of`` (alliance -> its worksheets)."""
    items = template.item_ids if template is not None else ()
    transitions: list[dict[str, Any]] = []
    checklists: dict[str, list[dict[str, Any]]] = {}
    gaps: dict[str, list[dict[str, Any]]] = {}
    for alliance in sorted(sheets_of):
        sheets = sheets_of[alliance]
        checklist_sheets = _dated(sheets, CHECKLIST_TEMPLATE)
        if checklist_sheets and items:
            checklists[alliance] = _checklist(alliance, checklist_sheets, items, transitions)
        analyses = _dated(sheets, ANALYSIS_TEMPLATE)
        if analyses:
            gaps[alliance] = _gaps(analyses)
    return {"checklist": checklists, "transitions": transitions, "gaps": gaps,
            "overall": _overall(checklists, gaps)}
