"""Names of the summary's figures for people: ``--sources`` names each figure by its JSON path
(``todos.by_alliance.nordstadt``); a report shows it as the row a reader sees ("Offene
Aufgaben: Nordstadt")."""

from __future__ import annotations

from collections.abc import Callable

from gk.analyses.summary import Summary
from gk.domain import enum_label
from gk.i18n import _, label


def _alliance(summary: Summary, alliance: str) -> str:
    name = summary.names.get(alliance)
    return f"{name} ({alliance})" if name else alliance


def _template(summary: Summary, template: str) -> str:
    found = summary.templates.get(template)
    return label(found.title) if found is not None and found.title else template


SHORT_TEXT = 60  # characters of an item's text shown before it is cut


def _item(summary: Summary, item: str) -> str:
    template = summary.checklist
    for entry in template.items if template is not None else ():
        if entry.id == item:
            text = " ".join((label(entry.text) or "").split())
            if len(text) > SHORT_TEXT:
                text = text[:SHORT_TEXT - 1].rstrip() + "…"
            return f"{text} ({item})" if text else item
    return item


# (first part, second part) of a figure's path -> its name; the rest of the path (an
# alliance, a type, a year) goes in as {part}.
_NAMES: dict[tuple[str, str], Callable[[Summary, str], str]] = {
    ("alliances", "total"): lambda s, p: _("Alliances in the summary"),
    ("alliances", "by_type"): lambda s, p: _("Alliances of the type: {type}").format(
        type=enum_label("alliance-type", p) if p != "unknown" else _("unknown")),
    ("alliances", "by_region"): lambda s, p: _("Alliances in the region: {region}").format(
        region=enum_label("region", p) if p != "unknown" else _("unknown")),
    ("returns", ""): lambda s, p: _("Returns: {worksheet}").format(worksheet=_template(s, p)),
    ("checklist", ""): lambda s, p: _("Checklist item: {item}").format(item=_item(s, p)),
    ("gaps", "computed"): lambda s, p: _("Computed gaps (all fields)"),
    ("gaps", "declared"): lambda s, p: _("Declared gaps"),
    ("gaps", "confirmed"): lambda s, p: _("Confirmed gaps (declared and computed)"),
    ("gaps", "by_field"): lambda s, p: _("Computed gaps in the field: {field}").format(
        field=enum_label("field", p)),
    ("broken_chains", ""): lambda s, p: _("Broken chains"),
    ("todos", "open"): lambda s, p: _("Open to-dos (sum)"),
    ("todos", "overdue"): lambda s, p: _("Overdue to-dos (sum)"),
    ("todos", "by_alliance"): lambda s, p: _("Open to-dos: {alliance}").format(
        alliance=_alliance(s, p)),
    ("consulting_days", "used"): lambda s, p: _("Consulting days used (sum)"),
    ("consulting_days", "granted"): lambda s, p: _("Consulting days granted (sum)"),
    ("consulting_days", "by_alliance"): lambda s, p: _("Consulting days used: {alliance}").format(
        alliance=_alliance(s, p)),
    ("consulting_days", "granted_by_alliance"): lambda s, p: _(
        "Consulting days granted: {alliance}").format(alliance=_alliance(s, p)),
    ("participation_management", "positions"): lambda s, p: _(
        "Teilhabemanagement positions (sum)"),
    ("participation_management", "reached"): lambda s, p: _(
        "Teilhabemanagement: young people reached in {year} (sum)").format(year=p),
    ("participation_management", "by_alliance"): lambda s, p: _(
        "Teilhabemanagement: {alliance}").format(alliance=_alliance(s, p)),
    ("target_group", "total"): lambda s, p: _(
        "Target group: sum of the counts for Duldung and Gestattung together"),
    ("target_group", "by_alliance"): lambda s, p: _("Target group: {alliance}").format(
        alliance=_alliance(s, p)),
}


def in_report_order(summary: Summary, paths: list[str]) -> list[str]:
    """Figure paths in the order of the report's sections (the payload's keys)."""
    order = {key: index for index, key in enumerate(summary.payload)}
    return sorted(paths, key=lambda p: order.get(p.partition(".")[0], len(order)))


def rows(summary: Summary, sources: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """(name, files) per figure in report order; the checklist items share one row when
    every item comes from the same files (the current sheets), as they normally do."""
    out: list[tuple[str, list[str]]] = []
    items = [p for p in sources if p.startswith("checklist.")]
    same = len(items) > 1 and all(sources[p] == sources[items[0]] for p in items)
    for path in in_report_order(summary, list(sources)):
        if same and path in items:
            if path == items[0]:
                out.append((_("Every checklist item ({n} items)").format(n=len(items)),
                            sources[path]))
            continue
        out.append((figure_label(summary, path), sources[path]))
    return out


def figure_label(summary: Summary, path: str) -> str:
    """The name of the figure at ``path`` (a key of the payload's ``sources``)."""
    head, _dot, rest = path.partition(".")
    sub, _dot, part = rest.partition(".")
    for key, part_of in (((head, sub), part), ((head, ""), rest)):
        name = _NAMES.get(key)
        if name is not None:
            return name(summary, part_of)
    return path
