"""Matrices and shares across alliances: checklist status per alliance and item, gap status per
alliance, field and residence status, and "x of y alliances" shares.

These are the tables the monitoring used to build by hand in a spreadsheet. They are values
(JSON-ready dicts); the renderers lay them out (gk.render.reports).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gk.analyses.gaps import COMPUTED_ONLY, CONFIRMED, AllianceGaps
from gk.domain import CHECKLIST_TEMPLATE, STATUSES_OF_INTEREST, service_fields
from gk.engine.model import Template, Worksheet

DONE = "done"  # the first of gk.domain.item_statuses()
NOT_APPLICABLE = "not-applicable"
NO_GAP = "none"  # a field looked at, no gap for that status
NOT_LOOKED_AT = "not-looked-at"  # a field not looked at and no declared gap


def checklist_matrix(alliances: Iterable[str], template: Template | None,
                     current: Mapping[tuple[str, str], Worksheet]) -> dict[str, dict[str, str]]:
    """alliance -> item -> status of the alliance's current prozessmanagement sheet (an item
    left out is ``unanswered``); alliances without a sheet are left out."""
    from gk.analyses.summary import item_status

    if template is None:
        return {}
    out: dict[str, dict[str, str]] = {}
    for alliance in alliances:
        sheet = current.get((alliance, CHECKLIST_TEMPLATE))
        if sheet is not None:
            out[alliance] = {item: item_status(sheet, item) for item in template.item_ids}
    return out


def gap_matrix(entries: Iterable[AllianceGaps]) -> dict[str, dict[str, dict[str, str]]]:
    """alliance -> field -> status (Duldung, Gestattung) -> the gap's kind (``confirmed``,
    ``computed-only``, ``declared-only``), ``none`` or ``not-looked-at``."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for entry in entries:
        row: dict[str, dict[str, str]] = {}
        for field_ in service_fields():
            cells = {}
            for status in STATUSES_OF_INTEREST:
                gap = entry.gap(field_, status)
                if gap is not None:
                    cells[status] = gap.kind
                else:
                    cells[status] = NO_GAP if field_ in entry.fields else NOT_LOOKED_AT
            row[field_] = cells
        out[entry.alliance] = row
    return out


def _share(count: int, of: int) -> dict[str, Any]:
    return {"count": count, "of": of, "percent": round(100 * count / of) if of else None}


def shares(alliances: Sequence[str], matrix: Mapping[str, Mapping[str, str]],
           gaps: Mapping[str, Mapping[str, Mapping[str, str]]],
           template: Template | None) -> dict[str, Any]:
    """"x of y alliances" shares.

    * ``checklist_done``: per item, the alliances whose current sheet says ``done``, of the
      alliances with a current sheet that do not mark the item ``not-applicable``;
    * ``with_checklist``: alliances with a current prozessmanagement sheet, of all counted;
    * ``with_computed_gap``: per field, the alliances with a computed gap there (for Duldung,
      Gestattung or both), of all counted; ``any`` for any field."""
    items = template.item_ids if template is not None else ()
    done = {}
    for item in items:
        answers = [row[item] for row in matrix.values() if item in row]
        applicable = [a for a in answers if a != NOT_APPLICABLE]
        done[item] = _share(sum(1 for a in applicable if a == DONE), len(applicable))
    computed_kinds = (CONFIRMED, COMPUTED_ONLY)
    with_gap = {}
    for field_ in service_fields():
        count = sum(1 for row in gaps.values()
                    if any(k in computed_kinds for k in row.get(field_, {}).values()))
        with_gap[field_] = _share(count, len(alliances))
    with_gap["any"] = _share(sum(1 for row in gaps.values() if any(
        k in computed_kinds for cells in row.values() for k in cells.values())), len(alliances))
    return {"with_checklist": _share(len(matrix), len(alliances)), "checklist_done": done,
            "with_computed_gap": with_gap}
