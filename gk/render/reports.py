"""Renderers of the gap report (``gk gaps``) and the cross-site summary (``gk summarize``).

Both reports are first laid out as a document of sections, tables, sentences and charts;
the Markdown and text renderers then draw that one layout, so the two never drift apart.
The layout holds raw text; the renderer of each medium passes every title, sentence, header
and cell through that medium's function of :mod:`gk.render.escape`, so user text (names,
titles, notes) can never reach a report unescaped, whatever section it is in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gk.analyses.gaps import (
    COMPUTED_ONLY,
    CONFIRMED,
    MISSING,
    NOT_ACTIVE,
    AllianceGaps,
    BrokenChain,
    Gap,
    GapReport,
)
from gk.analyses.summary import UNANSWERED, Summary
from gk.domain import STATUSES_OF_INTEREST, item_statuses, service_fields
from gk.domain import enum_label as _enum_label
from gk.i18n import _, get_language, label
from gk.render.escape import csv_table, json_document, markdown, mermaid, terminal_line


def number(value: Any) -> str:
    """A figure as shown to people: '<3' and 'x' as they are, decimals with a German comma."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        shown = f"{value:g}"
        return shown.replace(".", ",") if get_language() == "de" else shown
    return str(value)


def enum_label(kind: str, value: str | None) -> str:
    """The label of an enumerated value (field, status, type, region); "–" for none."""
    return _enum_label(kind, value) if value else "–"


# --- the layout ---------------------------------------------------------------------------


@dataclass(slots=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()  # right-aligned columns
    help: str = ""  # one sentence of reading help, shown before the table


@dataclass(slots=True)
class Chart:
    mermaid: str  # only drawn in Markdown; labels already made safe with escape.mermaid


@dataclass(slots=True)
class Para:
    text: str


Block = Table | Chart | Para


@dataclass(slots=True)
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    title: str
    intro: list[str]
    sections: list[Section]


def _table(table: Table, fmt: str, esc: Callable[[str], str]) -> str:
    from tabulate import tabulate

    align = tuple("right" if i in table.numeric else "left" for i in range(len(table.headers)))
    return str(tabulate([[esc(cell) for cell in row] for row in table.rows],
                        headers=[esc(h) for h in table.headers], tablefmt=fmt,
                        disable_numparse=True, colalign=align))


def render_markdown(doc: Document) -> str:
    out = [f"# {markdown(doc.title)}", ""]
    for line in doc.intro:
        out += [markdown(line), ""]
    for section in doc.sections:
        out += [f"## {markdown(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                if block.help:
                    out += [markdown(block.help), ""]
                out += [_table(block, "github", markdown), ""]
            elif isinstance(block, Chart):
                out += ["```mermaid", block.mermaid, "```", ""]
            else:
                out += [markdown(block.text), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_plain(doc: Document, color: bool = False) -> str:
    def heading(text: str, underline: str) -> list[str]:
        text = terminal_line(text)
        shown = f"\x1b[1m{text}\x1b[0m" if color else text
        return [shown, underline * len(text)]

    out = [*heading(doc.title, "="), ""]
    for line in doc.intro:
        out += [terminal_line(line), ""]
    for section in doc.sections:
        out += [*heading(section.title, "-"), ""]
        for block in section.blocks:
            if isinstance(block, Table):
                if block.help:
                    out += [terminal_line(block.help), ""]
                out += [_table(block, "simple", terminal_line), ""]
            elif isinstance(block, Para):
                out += [terminal_line(block.text), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def unreadable_sentences(files: Sequence[str]) -> list[str]:
    """The warning that opens a report built without some data files: which ones."""
    if not files:
        return []
    return [_("INCOMPLETE: {n} data file(s) could not be read and are left out of every figure "
              "below: {files}. Run 'gk check' to see why, and correct them.").format(
                  n=len(files), files=", ".join(files))]


# --- gaps ---------------------------------------------------------------------------------

def ages_text(ranges: Iterable[tuple[int, int]]) -> str:
    """Age ranges in words: '18–21', '18–20 and 25'."""
    parts = [str(low) if low == high else f"{low}–{high}" for low, high in ranges]
    return _(" and ").join(parts)


def _gap_cell(entry: AllianceGaps, gap: Gap | None, field_: str, status: str) -> str:
    offers = entry.offers[(field_, status)]
    partial = entry.partial_ages.get((field_, status))
    only = ", " + _("only ages {ages}").format(ages=ages_text(partial)) if partial else ""
    if gap is None:
        if field_ not in entry.fields:
            return _("not looked at")
        return _("covered ({n})").format(n=offers) + only
    if gap.kind == CONFIRMED:
        return _("GAP (confirmed)")
    if gap.kind == COMPUTED_ONLY:
        return _("GAP (computed only)")
    if gap.looked_at:
        return _("declared only, covered ({n})").format(n=offers) + only
    return _("declared only (field not looked at)")


def _looked_at_sentence(entry: AllianceGaps) -> str:
    date = entry.analysis.date if entry.analysis is not None else ""
    if entry.all_fields and entry.analysis is None:
        text = _("All eight fields are looked at: there is no needs and services analysis.")
    elif entry.all_fields:
        text = _("All eight fields are looked at: the needs and services analysis of {date} "
                 "rates no field.").format(date=date)
    elif entry.fields:
        text = _("Fields looked at (need rated medium or high in the analysis of {date}): "
                 "{fields}.").format(date=date,
                                     fields=", ".join(enum_label("field", f) for f in entry.fields))
    else:
        text = _("No field is looked at: the analysis of {date} rates no need as medium or "
                 "high.").format(date=date)
    if entry.district:
        shown = f"{entry.district_name} ({entry.district})" if entry.district_name \
            else entry.district
        text += " " + _("Services of the district {district} count here too.").format(
            district=shown)
    return text


def _reason(chain: BrokenChain) -> str:
    if chain.reason == MISSING:
        return _("the follow-up service does not exist")
    if chain.reason == NOT_ACTIVE:
        status = chain.target.status if chain.target is not None else None
        return _("the follow-up service is not active ({status})").format(
            status=enum_label("service-status", status))
    return _("the follow-up service is not open to this status")


def gaps_document(report: GapReport, title: str) -> Document:
    intro = [_("Declared gaps come from the current needs and services analysis of each "
               "alliance; computed gaps are fields and statuses (Duldung, Aufenthaltsgestattung) "
               "for which no active service is open to young adults aged 18 to 27 in the "
               "alliance or its district.")]
    intro[:0] = unreadable_sentences(report.unreadable)
    sections: list[Section] = []
    overview = Table(
        [_("Alliance"), _("confirmed"), _("computed only"), _("declared only"),
         _("broken chains")],
        [], (1, 2, 3, 4),
        _("Confirmed gaps are declared and computed; computed-only gaps have not been noticed "
          "yet; declared-only gaps have a service on paper and are worth a look."))
    chains_by_alliance: dict[str, int] = {}
    for chain in report.broken_chains:
        chains_by_alliance[chain.origin.alliance] = chains_by_alliance.get(
            chain.origin.alliance, 0) + 1
    by_field = dict.fromkeys(service_fields(), 0)
    for entry in report.alliances:
        kinds = [g.kind for g in entry.gaps]
        overview.rows.append([
            f"{entry.name} ({entry.alliance})", str(kinds.count(CONFIRMED)),
            str(kinds.count(COMPUTED_ONLY)), str(len(kinds) - kinds.count(CONFIRMED)
                                                 - kinds.count(COMPUTED_ONLY)),
            str(chains_by_alliance.get(entry.alliance, 0))])
        for gap in entry.gaps:
            if gap.computed:
                by_field[gap.field] += 1
    blocks: list[Block] = [overview]
    pie = [f'    "{mermaid(enum_label("field", f))}" : {n}' for f, n in by_field.items() if n]
    if pie:
        blocks.append(Chart("\n".join(
            [f"pie title {mermaid(_('Computed gaps per field'))}", *pie])))
    sections.append(Section(_("Overview"), blocks))
    for entry in report.alliances:
        rows_fields = [f for f in service_fields() if f in entry.fields
                       or any(g.field == f for g in entry.gaps)]
        table = Table([_("Field"), *(enum_label("residence-status", s)
                                     for s in STATUSES_OF_INTEREST)], [], (),
                      _("Each cell shows whether the field has a gap for that status, and how "
                        "many services count there (active, open to the status, for ages 18 "
                        "to 27)."))
        for field_ in rows_fields:
            table.rows.append([enum_label("field", field_), *(
                _gap_cell(entry, entry.gap(field_, s), field_, s) for s in STATUSES_OF_INTEREST)])
        section = Section(f"{entry.name} ({entry.alliance})",
                          [Para(_looked_at_sentence(entry))])
        if table.rows:
            section.blocks.append(table)
            shown = [key for key in entry.partial_ages if key[0] in rows_fields]
            if shown:
                section.blocks.append(Para(_(
                    "'only ages …': the services counted there admit only these ages of 18 "
                    "to 27; for the other ages the field is not covered.")))
        else:
            section.blocks.append(Para(_("No field to look at and no declared gap.")))
        sections.append(section)
    chains = Section(_("Broken chains"))
    if report.broken_chains:
        chains.blocks.append(Table(
            [_("From"), _("Service"), _("To"), _("Service"), _("Residence status"), _("Why")],
            [[c.origin_ref, c.origin.title, c.target_ref,
              c.target.title if c.target is not None else "–",
              enum_label("residence-status", c.status), _reason(c)]
             for c in report.broken_chains], (),
            _("Each row is a follow-up link from an active or planned service that leaves "
              "young people of one status with nowhere to go next.")))
    else:
        chains.blocks.append(Para(_("No broken chains.")))
    sections.append(chains)
    return Document(_("Gaps: {title}").format(title=title), intro, sections)


def gaps_payload(report: GapReport) -> dict[str, Any]:
    return {
        "gaps": [{"alliance": g.alliance, "field": g.field, "status": g.status,
                  "declared": g.declared, "computed": g.computed} for g in report.gaps],
        "broken_chains": [{"from": c.origin_ref, "to": c.target_ref, "status": c.status}
                          for c in report.broken_chains],
        "unreadable": list(report.unreadable),
        "partial_ages": [{"alliance": entry.alliance, "field": field_, "status": status,
                          "ages": [list(r) for r in ranges]}
                         for entry in report.alliances
                         for (field_, status), ranges in sorted(entry.partial_ages.items())],
    }


def render_gaps_json(report: GapReport, title: str = "", color: bool = False) -> str:
    return json_document(gaps_payload(report))


def render_gaps_markdown(report: GapReport, title: str = "", color: bool = False) -> str:
    return render_markdown(gaps_document(report, title))


def render_gaps_text(report: GapReport, title: str = "", color: bool = False) -> str:
    return render_plain(gaps_document(report, title), color)


GAPS_CSV_COLUMNS = ("kind", "alliance", "field", "status", "declared", "computed",
                    "classification", "from", "from_title", "to", "to_title", "reason", "file",
                    "ages")


def render_gaps_csv(report: GapReport, title: str = "", color: bool = False) -> str:
    """One table: a row per gap (kind 'gap'), per broken chain (kind 'broken-chain') and per
    data file that could not be read (kind 'unreadable', the path in 'file')."""
    rows: list[tuple[Any, ...]] = [
        ("gap", g.alliance, g.field, g.status, g.declared, g.computed, g.kind, None, None, None,
         None, None, None, None) for g in report.gaps]
    rows += [("broken-chain", c.origin.alliance, None, c.status, None, None, None, c.origin_ref,
              c.origin.title, c.target_ref, c.target.title if c.target is not None else None,
              c.reason, None, None) for c in report.broken_chains]
    rows += [("unreadable", *(None,) * 11, rel, None) for rel in report.unreadable]
    rows += [("partial-ages", entry.alliance, field_, status, *(None,) * 9,
              " ".join(f"{low}-{high}" for low, high in ranges))
             for entry in report.alliances
             for (field_, status), ranges in sorted(entry.partial_ages.items())]
    return csv_table(GAPS_CSV_COLUMNS, rows, lineterminator="\r\n")


GAPS_RENDERERS: dict[str, Callable[[GapReport, str, bool], str]] = {
    "text": render_gaps_text,
    "markdown": render_gaps_markdown,
    "json": render_gaps_json,
    "csv": render_gaps_csv,
}


# --- summary ------------------------------------------------------------------------------

def _named(summary: Summary, alliance: str) -> str:
    name = summary.names.get(alliance)
    return f"{name} ({alliance})" if name else alliance


def _period_sentence(payload: dict[str, Any]) -> str:
    period = payload["period"]
    start, end = period.get("from"), period.get("to")
    if start and end:
        text = _("Period: {start} to {end}.").format(start=start, end=end)
    elif start:
        text = _("Period: from {start}.").format(start=start)
    elif end:
        text = _("Period: until {end}.").format(end=end)
    else:
        text = _("Period: all dates (no period set in gk.yaml).")
    text += " " + _("As of {today}.").format(today=payload["today"])
    filters = payload["filters"]
    if filters["regions"]:
        text += " " + _("Regions: {regions}.").format(
            regions=", ".join(enum_label("region", r) for r in filters["regions"]))
    if filters["alliances"]:
        text += " " + _("Alliances: {alliances}.").format(alliances=", ".join(filters["alliances"]))
    return text


def _section_alliances(payload: dict[str, Any]) -> Section:
    figures = payload["alliances"]
    return Section(_("Alliances"), [
        Para(_("{n} alliances in this summary.").format(n=figures["total"])),
        Table([_("Type"), _("Alliances")],
              [[enum_label("alliance-type", k) if k != "unknown" else _("not given"), number(v)]
               for k, v in figures["by_type"].items()], (1,),
              _("How many alliances of each type are counted.")),
        Table([_("Region"), _("Alliances")],
              [[enum_label("region", k) if k != "unknown" else _("not given"), number(v)]
               for k, v in figures["by_region"].items()], (1,),
              _("How many alliances lie in each administrative region (Regierungsbezirk).")),
    ])


def _section_returns(summary: Summary) -> Section:
    rows = []
    for template, figures in summary.payload["returns"].items():
        found = summary.templates.get(template)
        name = label(found.title) if found is not None and found.title else template
        rows.append([name, number(figures["count"]), number(figures["of"]),
                     ", ".join(a for a in figures["missing"]) or "–"])
    return Section(_("Worksheet returns"), [Table(
        [_("Worksheet"), _("returned"), _("of"), _("still missing")], rows, (1, 2),
        _("An alliance has returned a worksheet when it has at least one of that template dated "
          "in the period."))])


def _section_checklist(summary: Summary, for_markdown: bool) -> Section:
    figures: dict[str, dict[str, int]] = summary.payload["checklist"]
    template = summary.checklist
    section = Section(_("Process management checklist"))
    if not figures:
        section.blocks.append(Para(_("No checklist template.")))
        return section
    sheets = sum(next(iter(figures.values())).values())
    section.blocks.append(Para(_("{n} alliances have a current process management sheet; "
                                 "alliances without one are not counted here.").format(n=sheets)))
    texts = {i.id: i for i in template.items} if template is not None else {}
    sections = dict(template.sections) if template is not None else {}
    if for_markdown and template is not None and sheets:
        names, shares = [], []
        for section_id, title in template.sections:
            ids = [i.id for i in template.items if i.section == section_id and i.id in figures]
            if not ids:
                continue
            done = sum(figures[i]["done"] for i in ids)
            counted = sum(sheets - figures[i]["not-applicable"] for i in ids)
            names.append(f'"{mermaid(label(title) or section_id)}"')
            shares.append(str(round(100 * done / counted) if counted else 0))
        if names:
            section.blocks.append(Para(_("The chart shows per section the share of answers "
                                         "'done' (not applicable items left out).")))
            section.blocks.append(Chart("\n".join([
                "xychart-beta",
                f'    title "{mermaid(_("Checklist items done per section (%)"))}"',
                f"    x-axis [{', '.join(names)}]",
                '    y-axis "%" 0 --> 100',
                f"    bar [{', '.join(shares)}]",
            ])))
    headers = [_("Section"), _("Item"), *(enum_label("item-status", s) for s in item_statuses()),
               _("unanswered")]
    rows = []
    for item, counts in figures.items():
        entry = texts.get(item)
        where = label(sections.get(entry.section or "", {})) or entry.section or "" \
            if entry is not None else ""
        shown = f"{label(entry.text)} ({item})" if for_markdown and entry is not None \
            else item
        rows.append([where, shown, *(number(counts[s]) for s in (*item_statuses(), UNANSWERED))])
    section.blocks.append(Table(headers, rows, (2, 3, 4, 5, 6),
                                _("How many alliances' current sheets give each status to the "
                                  "item.")))
    return section


def _section_gaps(payload: dict[str, Any]) -> Section:
    figures = payload["gaps"]
    blocks: list[Block] = [Para(_(
        "Computed gaps: {computed}; declared gaps: {declared}; of them confirmed (declared and "
        "computed): {confirmed}. Broken chains: {chains}.").format(
            computed=figures["computed"], declared=figures["declared"],
            confirmed=figures["confirmed"], chains=payload["broken_chains"]))]
    blocks.append(Table([_("Field"), _("computed gaps")],
                        [[enum_label("field", f), number(n)]
                         for f, n in figures["by_field"].items()],
                        (1,), _("Each alliance can count twice per field: once for Duldung, "
                                "once for Aufenthaltsgestattung.")))
    pie = [f'    "{mermaid(enum_label("field", f))}" : {n}'
           for f, n in figures["by_field"].items() if n]
    if pie:
        blocks.append(Chart("\n".join(
            [f"pie title {mermaid(_('Computed gaps per field'))}", *pie])))
    return Section(_("Gaps"), blocks)


def _section_todos(summary: Summary) -> Section:
    figures = summary.payload["todos"]
    rows = [[_named(summary, a), number(v["open"]), number(v["overdue"])]
            for a, v in figures["by_alliance"].items()]
    rows.append([_("Sum"), number(figures["open"]), number(figures["overdue"])])
    return Section(_("To-dos"), [Table(
        [_("Alliance"), _("open"), _("overdue")], rows, (1, 2),
        _("Open to-dos of all worksheets, older ones included; overdue ones were due before "
          "today and are counted among the open ones too."))])


def _section_consulting(summary: Summary) -> Section:
    figures = summary.payload["consulting_days"]
    rows = [[_named(summary, a), number(used),
             number(figures["granted_by_alliance"].get(a))]
            for a, used in figures["by_alliance"].items()]
    rows.append([_("Sum"), number(figures["used"]), number(figures["granted"])])
    return Section(_("Consulting days"), [Table(
        [_("Alliance"), _("used"), _("granted")], rows, (1, 2),
        _("Days of the process consultants' protocols dated in the period, against the days "
          "granted per year in gk.yaml for the years of the period."))])


def _section_participation(summary: Summary) -> Section:
    figures = summary.payload["participation_management"]
    years = list(figures["reached"])
    rows = []
    for alliance, row in figures["by_alliance"].items():
        rows.append([_named(summary, alliance), number(row["positions"]),
                     *(number(row["reached"].get(y)) for y in years)])
    rows.append([_("Sum"), number(figures["positions"]),
                 *(number(figures["reached"][y]) for y in years)])
    return Section(_("Participation management (Teilhabemanagement)"), [Table(
        [_("Alliance"), _("positions"), *years], rows, tuple(range(1, len(years) + 2)),
        _("Positions and young people reached per year."))])


def _section_target_group(summary: Summary) -> Section:
    figures = summary.payload["target_group"]
    rows = []
    for alliance, entries in figures["by_alliance"].items():
        for entry in entries:
            rows.append([_named(summary, alliance), entry["as_of"],
                         ", ".join(enum_label("residence-status", s) for s in entry["statuses"])
                         or "–",
                         _("unknown") if entry["count"] == "unknown" else number(entry["count"])])
    rows.append([_("Sum (Duldung and Gestattung)"), "", "", number(figures["total"])])
    return Section(_("Target group"), [Table(
        [_("Alliance"), _("as of"), _("Residence status"), _("people")], rows, (3,),
        _("The latest counts of young adults in the target group per alliance, as written; "
          "the sum adds the counts given for Duldung and Gestattung together. A district's "
          "count may include its municipalities."))])


def _section_privacy(payload: dict[str, Any]) -> Section:
    privacy = payload["privacy"]
    return Section(_("Privacy"), [Para(_(
        "Counts of people below {n} are shown as '<{n}'; 'x' marks a count withheld so that a "
        "small count cannot be worked out from a total. Cells suppressed in this report: "
        "{suppressed}.").format(n=privacy["min_count"], suppressed=privacy["suppressed"]))])


def _section_changes(summary: Summary) -> Section:
    changes = summary.payload["changes"]
    section = Section(_("Changes since {rev}").format(rev=changes["since"]))

    def status(value: str | None) -> str:
        if value is None:
            return _("no sheet")
        if value == UNANSWERED:
            return _("unanswered")
        return enum_label("item-status", value)

    if changes["checklist"]:
        section.blocks.append(Table(
            [_("Alliance"), _("Item"), _("before"), _("now")],
            [[_named(summary, c["alliance"]), c["item"], status(c["from"]),
              status(c["to"])] for c in changes["checklist"]], (),
            _("Checklist items of the current process management sheets whose status moved.")))
    todo_rows = [[_named(summary, t["alliance"]), t["worksheet"], t["id"],
                  _("done")] for t in changes["todos_done"]]
    todo_rows += [[_named(summary, t["alliance"]), t["worksheet"], t["id"],
                   _("added")] for t in changes["todos_added"]]
    if todo_rows:
        section.blocks.append(Table(
            [_("Alliance"), _("Worksheet"), _("To-do"), _("change")], todo_rows, (),
            _("To-dos marked done or added since then.")))
    service_rows = [[s, _("added")] for s in changes["services_added"]]
    service_rows += [[s, _("ended")] for s in changes["services_ended"]]
    service_rows += [[s, _("removed")] for s in changes["services_removed"]]
    if service_rows:
        section.blocks.append(Table([_("Service"), _("change")], service_rows, (),
                                    _("Services added, ended or removed since then.")))
    gap_rows = [[_named(summary, g["alliance"]), enum_label("field", g["field"]),
                 enum_label("residence-status", g["status"]), _("opened")]
                for g in changes["gaps_opened"]]
    gap_rows += [[_named(summary, g["alliance"]), enum_label("field", g["field"]),
                  enum_label("residence-status", g["status"]), _("closed")]
                 for g in changes["gaps_closed"]]
    if gap_rows:
        section.blocks.append(Table([_("Alliance"), _("Field"), _("Residence status"),
                                     _("change")],
                                    gap_rows, (), _("Computed gaps opened or closed since then.")))
    if not section.blocks:
        section.blocks.append(Para(_("Nothing changed.")))
    return section


def _section_notes(summary: Summary) -> Section:
    notes = summary.payload["notes"]
    if not notes:
        return Section(_("Notes"), [Para(_("No notes."))])
    return Section(_("Notes"), [Table(
        [_("Alliance"), _("Worksheet"), _("Entry"), _("Note")],
        [[_named(summary, n["alliance"]), n["worksheet"], n["key"],
          n["text"]] for n in notes], (),
        _("Free text of the current worksheets and of the period's protocols, as written."))])


def _section_sources(summary: Summary) -> Section:
    sources: dict[str, list[str]] = summary.payload["sources"]
    return Section(_("Sources"), [Table(
        [_("Figure"), _("Files")],
        [[k, ", ".join(f for f in v)] for k, v in sources.items()], (),
        _("The files each figure was computed from."))])


def summary_document(summary: Summary, for_markdown: bool) -> Document:
    payload = summary.payload
    title = ", ".join(t for t in summary.titles) or _("data repository")
    sections = [
        _section_alliances(payload),
        _section_returns(summary),
        _section_checklist(summary, for_markdown),
        _section_gaps(payload),
        _section_todos(summary),
        _section_consulting(summary),
        _section_participation(summary),
        _section_target_group(summary),
        _section_privacy(payload),
    ]
    if "changes" in payload:
        sections.append(_section_changes(summary))
    if "notes" in payload:
        sections.append(_section_notes(summary))
    if "sources" in payload:
        sections.append(_section_sources(summary))
    return Document(_("Summary: {title}").format(title=title),
                    [*unreadable_sentences(payload["unreadable"]), _period_sentence(payload)],
                    sections)


def render_summary_json(summary: Summary, color: bool = False) -> str:
    return json_document(summary.payload)


def render_summary_markdown(summary: Summary, color: bool = False) -> str:
    return render_markdown(summary_document(summary, True))


def render_summary_text(summary: Summary, color: bool = False) -> str:
    return render_plain(summary_document(summary, False), color)


SUMMARY_RENDERERS: dict[str, Callable[[Summary, bool], str]] = {
    "text": render_summary_text,
    "markdown": render_summary_markdown,
    "json": render_summary_json,
}

__all__: Sequence[str] = ["GAPS_RENDERERS", "SUMMARY_RENDERERS"]
