"""Renderers of the gap report (``gk gaps``) and the cross-site summary (``gk summarize``).

Both reports are first laid out as a document of sections, tables, sentences and charts;
the Markdown and text renderers then draw that one layout, so the two never drift apart.
The layout holds raw text; the renderer of each medium passes every title, sentence, header
and cell through that medium's function of :mod:`gk.render.escape`, so user text (names,
titles, notes) can never reach a report unescaped, whatever section it is in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gk.analyses.gaps import (
    COMPUTED_ONLY,
    CONFIRMED,
    DECLARED_ONLY,
    MISSING,
    NOT_ACTIVE,
    AllianceGaps,
    BrokenChain,
    Gap,
    GapReport,
)
from gk.analyses.matrices import NO_GAP, gap_matrix
from gk.analyses.summary import UNANSWERED, Summary
from gk.analyses.worksheets import TodoRow
from gk.domain import STATUSES_OF_INTEREST, item_statuses, service_fields
from gk.domain import enum_label as _enum_label
from gk.engine.model import Repository, Template
from gk.i18n import _, get_language, label
from gk.render.escape import csv_excel_table, csv_table, json_document, markdown, mermaid, terminal_line


class Figure(str):
    """A number as shown to people (``"1.120"``) that keeps its value (``1120``), so a
    spreadsheet stores a number while every text medium shows the formatted figure."""

    value: int | float

    def __new__(cls, shown: str, value: int | float) -> Figure:
        made = super().__new__(cls, shown)
        made.value = value
        return made


def number(value: Any) -> str:
    """A figure as shown to people: '<3' and 'x' as they are; thousands separated and decimals
    in the language's way (German 1.120 and 1,5; English 1,120 and 1.5). Numbers come back
    as :class:`Figure`, which keeps the value for spreadsheets."""
    if value is None:
        return "–"
    if isinstance(value, str | bool):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        shown = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        shown = f"{int(value):,}"
    if get_language() == "de":
        shown = shown.translate(_GERMAN_DIGITS)
    return Figure(shown, value)


_GERMAN_DIGITS = str.maketrans({",": ".", ".": ","})


def shorten(text: str, width: int) -> str:
    """A text cut at a word to at most ``width`` characters, with "…" where it was cut."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[:width - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


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
    name: str = ""  # a short name where a section has several tables (a workbook's sheet)


@dataclass(slots=True)
class Series:
    """One row of values of a chart; ``None`` is a value that is not drawn (a protected or a
    missing figure) — a chart never plots a suppressed count."""

    name: str
    values: list[float | None]


@dataclass(slots=True)
class Chart:
    """A chart as data, drawn by each renderer in its own medium (Mermaid in Markdown).

    ``kind`` is ``"bar"`` (one bar per category; several series side by side) or
    ``"stacked"`` (the series stacked within each category). Labels are plain user text; each
    renderer escapes them. Every figure a chart shows is also in a table next to it."""

    kind: str
    title: str
    categories: list[str]
    series: list[Series]
    unit: str = ""  # what the values count, e.g. "%" or "Lücken"


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


def mermaid_chart(chart: Chart) -> str:
    """A chart as Mermaid code (GitHub and GitLab draw it): horizontal bars, so long labels
    stay readable, each with its count (``showDataLabel``). Mermaid cannot stack and has no
    legend, so a stacked chart shows its series side by side, in the order its title names
    them; values that are not drawn (``None``) are 0 in Mermaid, and their category label
    says "not shown"."""
    from gk.render.charts import category_labels

    names = ", ".join(f'"{mermaid(c)}"' for c in category_labels(chart))
    top = max((v for s in chart.series for v in s.values if v is not None), default=0)
    title = chart.title
    if len(chart.series) > 1:
        title += " (" + ", ".join(s.name for s in chart.series) + ")"
    lines = ["---", "config:", "  xyChart:", "    showDataLabel: true", "---",
             "xychart-beta horizontal", f'    title "{mermaid(title)}"',
             f"    x-axis [{names}]",
             f'    y-axis "{mermaid(chart.unit or "n")}" 0 --> {_axis_top(top, chart.unit)}']
    for series in chart.series:
        values = ", ".join(_mermaid_number(v) for v in series.values)
        lines.append(f"    bar [{values}]")
    return "\n".join(lines)


def _axis_top(top: float, unit: str) -> str:
    if unit == "%":
        return "100"
    return _mermaid_number(max(1, top))


def _mermaid_number(value: float | None) -> str:
    if value is None:
        return "0"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _field_chart(by_field: dict[str, int]) -> Chart | None:
    """Computed gaps per field as a bar chart (fields without a gap left out)."""
    shown = {f: n for f, n in by_field.items() if n}
    if not shown:
        return None
    return Chart("bar", _("Computed gaps per field"),
                 [enum_label("field", f) for f in shown],
                 [Series(_("computed gaps"), [float(n) for n in shown.values()])],
                 unit=_("gaps"))


def _field_status_blocks(counts: dict[tuple[str, str], int]) -> list[Block]:
    """Computed gaps per field and residence status: a table and a stacked chart of the
    fields that have one."""
    fields = [f for f in service_fields() if any(counts[(f, s)] for s in STATUSES_OF_INTEREST)]
    if not fields:
        return []
    statuses = [enum_label("residence-status", s) for s in STATUSES_OF_INTEREST]
    table = Table([_("Field"), *statuses, _("Sum")],
                  [[enum_label("field", f), *(number(counts[(f, s)]) for s in STATUSES_OF_INTEREST),
                    number(sum(counts[(f, s)] for s in STATUSES_OF_INTEREST))] for f in fields],
                  tuple(range(1, len(statuses) + 2)),
                  _("Computed gaps of all alliances shown, per field and residence status."),
                  name=_("Gaps per field and status"))
    chart = Chart("stacked", _("Computed gaps per field and residence status"),
                  [enum_label("field", f) for f in fields],
                  [Series(name, [float(counts[(f, s)]) for f in fields])
                   for name, s in zip(statuses, STATUSES_OF_INTEREST, strict=True)],
                  unit=_("gaps"))
    return [table, chart]


def _figure_value(value: Any) -> float | None:
    """A figure as a chart value: numbers as they are, a protected figure ('<3', 'x') or a
    missing one as ``None`` (not drawn)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


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
                out += ["```mermaid", mermaid_chart(block), "```", ""]
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
    by_status = {(f, s): 0 for f in service_fields() for s in STATUSES_OF_INTEREST}
    for entry in report.alliances:
        kinds = [g.kind for g in entry.gaps]
        overview.rows.append([
            f"{entry.name} ({entry.alliance})", number(kinds.count(CONFIRMED)),
            number(kinds.count(COMPUTED_ONLY)), number(len(kinds) - kinds.count(CONFIRMED)
                                                       - kinds.count(COMPUTED_ONLY)),
            number(chains_by_alliance.get(entry.alliance, 0))])
        for gap in entry.gaps:
            if gap.computed:
                by_field[gap.field] += 1
                if (gap.field, gap.status) in by_status:
                    by_status[(gap.field, gap.status)] += 1
    blocks: list[Block] = [overview, *_field_status_blocks(by_status)]
    sections.append(Section(_("Overview"), blocks))
    if report.alliances:
        names = {e.alliance: f"{e.name} ({e.alliance})" for e in report.alliances}
        sections.append(Section(_("Alliances × fields"), [
            gap_matrix_table(names, gap_matrix(report.alliances))]))
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
        "matrix": gap_matrix(report.alliances),
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


def render_gaps_html(report: GapReport, title: str = "", color: bool = False) -> str:
    from gk.render.html import render_html

    return render_html(gaps_document(report, title))


GAPS_CSV_COLUMNS = ("kind", "alliance", "field", "status", "declared", "computed",
                    "classification", "from", "from_title", "to", "to_title", "reason", "file",
                    "ages")


def render_gaps_csv(report: GapReport, title: str = "", color: bool = False) -> str:
    """One table: a row per gap (kind 'gap'), per broken chain (kind 'broken-chain') and per
    data file that could not be read (kind 'unreadable', the path in 'file')."""
    return csv_table(GAPS_CSV_COLUMNS, _gaps_csv_rows(report), lineterminator="\r\n")


def _gaps_csv_rows(report: GapReport) -> list[tuple[Any, ...]]:
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
    return rows


def render_gaps_csv_excel(report: GapReport, title: str = "", color: bool = False) -> str:
    """The rows of :func:`render_gaps_csv` for German Excel (see escape.csv_excel_table)."""
    return csv_excel_table(GAPS_CSV_COLUMNS, _gaps_csv_rows(report))


GAPS_RENDERERS: dict[str, Callable[[GapReport, str, bool], str]] = {
    "text": render_gaps_text,
    "markdown": render_gaps_markdown,
    "json": render_gaps_json,
    "csv": render_gaps_csv,
    "csv-excel": render_gaps_csv_excel,
    "html": render_gaps_html,
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
        text = _("Period: all dates (no reporting period set).")
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
        Para(_("{n} alliances in this summary.").format(n=number(figures["total"]))),
        Table([_("Type"), _("Alliances")],
              [[enum_label("alliance-type", k) if k != "unknown" else _("not given"), number(v)]
               for k, v in figures["by_type"].items()], (1,),
              _("How many alliances of each type are counted."), name=_("Alliances by type")),
        Table([_("Region"), _("Alliances")],
              [[enum_label("region", k) if k != "unknown" else _("not given"), number(v)]
               for k, v in figures["by_region"].items()], (1,),
              _("How many alliances lie in each administrative region (Regierungsbezirk)."),
              name=_("Alliances by region")),
    ])


def _section_returns(summary: Summary) -> Section:
    rows = []
    for template, figures in summary.payload["returns"].items():
        found = summary.templates.get(template)
        name = label(found.title) if found is not None and found.title else template
        rows.append([name, number(figures["count"]), number(figures["of"]),
                     ", ".join(summary.names.get(a) or a for a in figures["missing"]) or "–"])
    blocks: list[Block] = [Table(
        [_("Worksheet"), _("returned"), _("of"), _("still missing")], rows, (1, 2),
        _("An alliance has returned a worksheet when it has at least one of that template dated "
          "in the period."))]
    returns = summary.payload["returns"]
    if returns:
        blocks.append(Chart(
            "stacked", _("Worksheet returns in the period"), [row[0] for row in rows],
            [Series(_("returned"), [_figure_value(f["count"]) for f in returns.values()]),
             Series(_("not returned"), [
                 _figure_value(f["of"] - f["count"]) if isinstance(f["of"], int)
                 and isinstance(f["count"], int) else None for f in returns.values()])],
            unit=_("alliances")))
    return Section(_("Worksheet returns"), blocks)


def _section_checklist(summary: Summary, for_markdown: bool,
                       item_charts: bool = False) -> Section:
    figures: dict[str, dict[str, int]] = summary.payload["checklist"]
    template = summary.checklist
    section = Section(_("Process management checklist"))
    if not figures:
        section.blocks.append(Para(_("No checklist template.")))
        return section
    sheets = sum(next(iter(figures.values())).values())
    section.blocks.append(Para(_("{n} alliances have a current process management sheet; "
                                 "alliances without one are not counted here.").format(n=number(sheets))))
    texts = {i.id: i for i in template.items} if template is not None else {}
    sections = dict(template.sections) if template is not None else {}
    statuses = (*item_statuses(), UNANSWERED)
    status_names = [enum_label("item-status", s) if s != UNANSWERED else _("unanswered")
                    for s in statuses]
    groups: list[tuple[str, list[str]]] = []
    if for_markdown and template is not None and sheets:
        for section_id, title in template.sections:
            ids = [i.id for i in template.items if i.section == section_id and i.id in figures]
            if ids:
                groups.append((label(title) or section_id, ids))
    if groups:
        totals = [[sum(figures[i][s] for i in ids) for s in statuses] for _t, ids in groups]
        section.blocks.append(Table(
            [_("Section"), *status_names], [[t, *(number(n) for n in row)]
                                           for (t, _ids), row in zip(groups, totals, strict=True)],
            tuple(range(1, len(statuses) + 1)),
            _("Answers of all current sheets per checklist section: each item of each sheet "
              "counts once."), name=_("Checklist per section")))
        section.blocks.append(Chart(
            "stacked", _("Checklist status per section"), [t for t, _ids in groups],
            [Series(name, [float(row[n]) for row in totals])
             for n, name in enumerate(status_names)], unit=_("answers")))
    headers = [_("Section"), _("Item"), *(enum_label("item-status", s) for s in item_statuses()),
               _("unanswered")]
    rows = []
    for item, counts in figures.items():
        entry = texts.get(item)
        where = label(sections.get(entry.section or "", {})) or entry.section or "" \
            if entry is not None else ""
        if entry is None:
            shown = item
        elif for_markdown:
            shown = f"{label(entry.text)} ({item})"
        else:  # a terminal line: the text shortened
            shown = shorten(label(entry.text) or item, 50)
        rows.append([where, shown, *(number(counts[s]) for s in (*item_statuses(), UNANSWERED))])
    section.blocks.append(Table(headers, rows, (2, 3, 4, 5, 6),
                                _("How many alliances' current sheets give each status to the "
                                  "item.")))
    if item_charts:
        for heading, ids in groups:
            section.blocks.append(Chart(
                "stacked", _("Checklist status per item: {section}").format(section=heading),
                [_short(label(texts[i].text)) or i for i in ids],
                [Series(name, [float(figures[i][s]) for i in ids])
                 for name, s in zip(status_names, statuses, strict=True)],
                unit=_("alliances")))
    return section


def _short(text: str, size: int = 64) -> str:
    """A long text cut to about ``size`` characters at a word boundary, for a chart label."""
    text = " ".join(text.split())
    if len(text) <= size:
        return text
    return text[:size].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _section_gaps(payload: dict[str, Any]) -> Section:
    figures = payload["gaps"]
    blocks: list[Block] = [Para(_(
        "Computed gaps: {computed}; declared gaps: {declared}; of them confirmed (declared and "
        "computed): {confirmed}. Broken chains: {chains}.").format(
            computed=number(figures["computed"]), declared=number(figures["declared"]),
            confirmed=number(figures["confirmed"]), chains=number(payload["broken_chains"])))]
    blocks.append(Table([_("Field"), _("computed gaps")],
                        [[enum_label("field", f), number(n)]
                         for f, n in figures["by_field"].items()],
                        (1,), _("Each alliance can count twice per field: once for Duldung, "
                                "once for Aufenthaltsgestattung.")))
    chart = _field_chart(figures["by_field"])
    if chart is not None:
        blocks.append(chart)
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
          "granted per year in the data repository's settings for the years of the period."))])


def _shown_values_sentence(n: int) -> str:
    """What every published sum of people is (gk.analyses.disclosure), said next to it."""
    return _("The sum adds the values shown only; values below {n} are not included.").format(n=n)


def _section_participation(summary: Summary) -> Section:
    figures = summary.payload["participation_management"]
    n = summary.payload["privacy"]["min_count"]
    years = list(figures["reached"])
    rows = []
    for alliance, row in figures["by_alliance"].items():
        rows.append([_named(summary, alliance), number(row["positions"]),
                     *(number(row["reached"].get(y)) for y in years)])
    rows.append([_("Sum of the values shown"), number(figures["positions"]),
                 *(number(figures["reached"][y]) for y in years)])
    blocks: list[Block] = [Table(
        [_("Alliance"), _("positions"), *years], rows, tuple(range(1, len(years) + 2)),
        _("Positions and young people reached per year.") + " "
        + _shown_values_sentence(n))]
    # a year whose every value is withheld has a sum of 0 shown values: not drawn as 0 people
    values = [None if figures.get("not_in_sum", {}).get(y) and not figures["reached"][y]
              else _figure_value(figures["reached"][y]) for y in years]
    if any(v is not None for v in values):
        blocks.append(Chart("bar", _("Young people reached per year (sum of the values shown)"),
                            years, [Series(_("reached"), values)], unit=_("young people")))
    return Section(_("Participation management (Teilhabemanagement)"), blocks)


def _section_target_group(summary: Summary) -> Section:
    figures = summary.payload["target_group"]
    n = summary.payload["privacy"]["min_count"]
    rows = []
    for alliance, entries in figures["by_alliance"].items():
        for entry in entries:
            rows.append([_named(summary, alliance), entry["as_of"],
                         ", ".join(enum_label("residence-status", s) for s in entry["statuses"])
                         or "–",
                         _("unknown") if entry["count"] == "unknown" else number(entry["count"])])
    rows.append([_("Sum of the values shown for exactly Duldung and Gestattung together"), "", "",
                 number(figures["total"])])
    return Section(_("Target group"), [Table(
        [_("Alliance"), _("as of"), _("Residence status"), _("people")], rows, (3,),
        _("The latest counts of young adults in the target group per alliance, as written; "
          "the sum adds the counts given for Duldung and Gestattung together. A district's "
          "count may include its municipalities.") + " " + _shown_values_sentence(n))])


def _section_privacy(payload: dict[str, Any]) -> Section:
    privacy = payload["privacy"]
    return Section(_("Privacy"), [Para(_(
        "Counts of people below {n} are shown as '<{n}'; 'x' marks a target-group count "
        "withheld because entries of the same date overlap and together could give a small "
        "count away. Every sum of people adds only the values shown, so no sum and no "
        "comparison of reports reveals a withheld count. A count that has changed by fewer "
        "than {n} since a value published for an earlier commit is shown with that value. "
        "Values withheld in this report: {suppressed}.").format(
            n=privacy["min_count"], suppressed=privacy["suppressed"]))])


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
            [[_named(summary, c["alliance"]), item_name(summary.checklist, c["item"]),
              status(c["from"]), status(c["to"])] for c in changes["checklist"]], (),
            _("Checklist items of the current process management sheets whose status moved.")))
    todo_rows = [[_named(summary, t["alliance"]), t["worksheet"], t.get("title") or t["id"],
                  _("done")] for t in changes["todos_done"]]
    todo_rows += [[_named(summary, t["alliance"]), t["worksheet"], t.get("title") or t["id"],
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
    from gk.render.figure_labels import rows

    return Section(_("Sources"), [Table(
        [_("Figure"), _("Files")],
        [[name, ", ".join(files)] for name, files in rows(summary, summary.payload["sources"])],
        (),
        _("The files each figure was computed from."))])


# --- matrices, shares, development (gk.analyses.matrices, gk.analyses.development) --------

def item_status_mark(status: str) -> str:
    """A checklist status as one sign for a matrix cell, the signs of ``gk checklist``."""
    from gk.render.worksheet_report import MARKS

    return MARKS.get(None if status == UNANSWERED else status, MARKS[None])


def status_legend() -> str:
    from gk.render.worksheet_report import legend

    return _("Signs: {legend}.").format(legend=legend())


def item_labels(template: Template | None) -> dict[str, tuple[str, str, str]]:
    """item id -> (short label "section.item", section title, item text), in template order."""
    if template is None:
        return {}
    out: dict[str, tuple[str, str, str]] = {}
    for number_, (section_id, title) in enumerate(template.sections, start=1):
        ids = [i for i in template.items if i.section == section_id]
        for index, item in enumerate(ids, start=1):
            out[item.id] = (f"{number_}.{index}", label(title) or section_id,
                            label(item.text) or item.id)
    return out


def item_name(template: Template | None, item: str) -> str:
    """An item's text as a person reads it (its id when the template does not know it)."""
    found = item_labels(template).get(item)
    return found[2] if found is not None else item


def item_caption(template: Template | None, item: str) -> str:
    """An item in a table row: its short label and its text cut to a line ("1.1 Eine
    Bündniskerngruppe ist eingerichtet; …"); the legend beside the matrix has the full text."""
    found = item_labels(template).get(item)
    return f"{found[0]} {shorten(found[2], 60)}" if found is not None else item


def _gap_mark(kind: str) -> str:
    return {CONFIRMED: _("confirmed"), COMPUTED_ONLY: _("computed only"),
            DECLARED_ONLY: _("declared only"), NO_GAP: "–"}.get(kind, "·")


def gap_matrix_table(names: dict[str, str], matrix: dict[str, Any]) -> Table:
    """Alliance x residence status rows, one column per field: the gap status of each cell."""
    rows = []
    for alliance, row in matrix.items():
        for status in STATUSES_OF_INTEREST:
            rows.append([names.get(alliance) or alliance, enum_label("residence-status", status),
                         *(_gap_mark(row[f][status]) for f in service_fields())])
    return Table([_("Alliance"), _("Residence status"),
                  *(enum_label("field", f) for f in service_fields())], rows, (),
                 _("Gaps per alliance, residence status and field: confirmed (declared and "
                   "computed), computed only, declared only; – no gap; · field not looked at "
                   "and no gap declared."), name=_("Alliances × fields"))


def _section_matrices(summary: Summary) -> Section:
    payload = summary.payload
    section = Section(_("Alliances × items and fields"))
    labels = item_labels(summary.checklist)
    matrix = payload["checklist_matrix"]
    if labels and matrix:
        section.blocks.append(Table(
            [_("Alliance"), *(short for short, _s, _t in labels.values())],
            [[summary.names.get(a) or a, *(item_status_mark(row[i]) for i in labels)]
             for a, row in matrix.items()], (),
            _("The status of each checklist item in the alliances' current process management "
              "sheets (columns: items, see the legend below).") + " " + status_legend(),
            name=_("Alliances × items")))
        section.blocks.append(Table(
            [_("Short label"), _("Section"), _("Item")],
            [[short, where, text] for short, where, text in labels.values()], (),
            _("Legend of the item columns."), name=_("Items (legend)")))
    if payload["gap_matrix"]:
        section.blocks.append(gap_matrix_table(summary.names, payload["gap_matrix"]))
    if not section.blocks:
        section.blocks.append(Para(_("No current sheets to show.")))
    return section


def _share_text(share: dict[str, Any]) -> str:
    return _("{count} of {of} alliances").format(count=number(share["count"]),
                                                 of=number(share["of"]))


def _share_row(what: str, share: dict[str, Any]) -> list[str]:
    return [what, _share_text(share), number(share["count"]), number(share["of"]),
            number(share["percent"])]


def _section_shares(summary: Summary) -> Section:
    shares = summary.payload["shares"]
    headers = [_("What"), _("Share"), _("alliances"), _("of"), "%"]
    rows = [_share_row(_("have a current process management sheet"), shares["with_checklist"])]
    for item, share in shares["checklist_done"].items():
        rows.append(_share_row(_("item done: {item}").format(
            item=item_caption(summary.checklist, item)), share))
    for field_, share in shares["with_computed_gap"].items():
        what = _("have a computed gap in any field") if field_ == "any" else \
            _("have a computed gap in the field {field}").format(field=enum_label("field", field_))
        rows.append(_share_row(what, share))
    return Section(_("Shares of alliances"), [Table(
        headers, rows, (2, 3, 4),
        _("How many of the alliances counted do something. For checklist items, the alliances "
          "with a current sheet that do not mark the item as not applicable are counted."))])


def _status_counts(counts: dict[str, int]) -> list[str]:
    return [number(counts[s]) for s in (*item_statuses(), UNANSWERED)]


def _status_headers() -> list[str]:
    return [*(enum_label("item-status", s) for s in item_statuses()), _("unanswered")]


def _development_checklist(summary: Summary, figures: dict[str, Any]) -> list[Block]:
    rows = []
    for alliance, sheets in figures["checklist"].items():
        for sheet in sheets:
            moves = sheet.get("moves")
            rows.append([summary.names.get(alliance) or alliance, sheet["date"],
                         *_status_counts(sheet["counts"]),
                         *((number(moves["forward"]), number(moves["back"]),
                            number(moves["other"])) if moves else ("–", "–", "–"))])
    if not rows:
        return [Para(_("No process management sheets."))]
    blocks: list[Block] = [Table(
        [_("Alliance"), _("Sheet of"), *_status_headers(), _("forward"), _("back"),
         _("other change")], rows, tuple(range(2, 10)),
        _("Each process management sheet of each alliance, oldest first: how many items have "
          "each status, and how many moved forward (open → in progress → done), back, or "
          "otherwise (to or from not applicable or unanswered) since the alliance's previous "
          "sheet."), name=_("Checklist per sheet"))]
    from gk.analyses.development import move_kind

    moved: dict[str, dict[str, int]] = {}
    for change in figures["transitions"]:
        kind = move_kind(change["from"], change["to"])
        moved.setdefault(change["item"], {"forward": 0, "back": 0, "other": 0})[kind] += 1
    if moved:
        order = list(item_labels(summary.checklist)) or sorted(moved)
        blocks.append(Table(
            [_("Item"), _("forward"), _("back"), _("other change")],
            [[item_caption(summary.checklist, i), number(moved[i]["forward"]),
              number(moved[i]["back"]), number(moved[i]["other"])]
             for i in order if i in moved], (1, 2, 3),
            _("Per item: how often its status moved from one sheet of an alliance to the "
              "next."), name=_("Checklist per item")))
    return blocks


def _pair_names(pairs: list[dict[str, str]]) -> str:
    return "; ".join(f"{enum_label('field', p['field'])} "
                     f"({enum_label('residence-status', p['status'])})" for p in pairs) or "–"


def _development_gaps(summary: Summary, figures: dict[str, Any]) -> list[Block]:
    rows = []
    for alliance, sheets in figures["gaps"].items():
        for sheet in sheets:
            first = "opened" not in sheet
            rows.append([summary.names.get(alliance) or alliance, sheet["date"],
                         number(len(sheet["declared"])),
                         "–" if first else _pair_names(sheet["opened"]),
                         "–" if first else _pair_names(sheet["closed"])])
    if not rows:
        return [Para(_("No needs and services analyses."))]
    return [Table([_("Alliance"), _("Analysis of"), _("declared gaps"), _("opened"),
                   _("closed")], rows, (2,),
                  _("Each needs and services analysis, oldest first: the gaps it declares "
                    "(field and Duldung or Gestattung) and which of them opened or closed since "
                    "the alliance's previous analysis."), name=_("Gaps per analysis"))]


def _development_overall(figures: dict[str, Any]) -> list[Block]:
    overall = figures["overall"]
    if not overall:
        return []
    years = list(overall)
    table = Table(
        [_("Year"), _("sheets"), *_status_headers(), _("analyses"), _("declared gaps"),
         _("opened"), _("closed")],
        [[y, number(v["checklist_sheets"]), *_status_counts(v["checklist"]),
          number(v["analyses"]), number(v["declared_gaps"]), number(v["gaps_opened"]),
          number(v["gaps_closed"])] for y, v in overall.items()], tuple(range(1, 12)),
        _("All alliances together at the end of each year: the statuses of each alliance's "
          "latest process management sheet up to then, the gaps declared in each alliance's "
          "latest analysis up to then, and the gaps opened and closed by the analyses of that "
          "year."), name=_("Development per year"))
    shown = [s for s in ("done", "in-progress", "open") if s in item_statuses()]
    return [table,
            Chart("stacked", _("Checklist statuses at the end of each year"), years,
                  [Series(enum_label("item-status", s),
                          [float(overall[y]["checklist"][s]) for y in years]) for s in shown],
                  unit=_("items")),
            Chart("bar", _("Declared gaps opened and closed per year"), years,
                  [Series(_("opened"), [float(overall[y]["gaps_opened"]) for y in years]),
                   Series(_("closed"), [float(overall[y]["gaps_closed"]) for y in years])],
                  unit=_("gaps"))]


def _section_development(summary: Summary) -> Section:
    figures = summary.payload["development"]
    return Section(_("Development over time"), [
        Para(_("All worksheets of the alliances are compared, whatever their date (the period "
               "does not apply here).")),
        *_development_overall(figures),
        *_development_checklist(summary, figures),
        *_development_gaps(summary, figures)])


def todo_table_document(repositories: Sequence[Repository], rows: Sequence[TodoRow],
                        status: str, today: dt.date) -> Document:
    """The to-do list of ``gk todo`` (one or several data repositories) as one table, items
    and alliances by name, for the spreadsheet (one sheet to filter and sort; the printed
    list, a section per alliance, is ``gk.render.worksheet_report.todos_document``)."""
    from gk.analyses.worksheets import item_texts

    texts: dict[str, Any] = {}
    names: dict[str, str] = {}
    titles: list[str] = []
    for repository in repositories:
        texts.update(item_texts(repository))
        names.update({a.id: a.name for a in repository.alliances.values()})
        name = repository.config.get("name")
        if isinstance(name, str) and name not in titles:
            titles.append(name)
    title = ", ".join(titles)
    table = Table(
        [_("Due"), _("overdue"), _("To-do"), _("Owner"), _("Item"), _("Status"), _("Alliance"),
         _("Worksheet"), _("Reference")],
        [[row.due or "–", _("yes") if row.overdue else _("no"), row.title or "",
          row.owner or "", label(texts.get(row.item)) or row.item or "" if row.item else "",
          enum_label("todo-status", row.status), names.get(row.alliance) or row.alliance,
          row.worksheet, row.ref] for row in rows], (),
        _("Overdue to-dos first, then by due date; the reference is what 'gk todo done' "
          "takes."))
    heading = _("To-dos: {title}").format(title=title)
    return Document(heading, [_("As of {today}.").format(today=today.isoformat())],
                    [Section(_("To-dos"), [table])])


def summary_document(summary: Summary, for_markdown: bool,
                     item_charts: bool = False) -> Document:
    """The summary's layout; ``item_charts`` adds a stacked chart of the checklist items of
    each section (for media that draw stacked bars: HTML, spreadsheets)."""
    payload = summary.payload
    title = ", ".join(t for t in summary.titles) or _("data repository")
    sections = [
        _section_alliances(payload),
        _section_returns(summary),
        _section_checklist(summary, for_markdown, item_charts),
        _section_gaps(payload),
        _section_todos(summary),
        _section_consulting(summary),
        _section_participation(summary),
        _section_target_group(summary),
        _section_privacy(payload),
    ]
    if "checklist_matrix" in payload:
        sections[3:3] = [_section_matrices(summary), _section_shares(summary)]
    if "development" in payload:
        sections.append(_section_development(summary))
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


def render_summary_html(summary: Summary, color: bool = False) -> str:
    from gk.render.html import render_html

    return render_html(summary_document(summary, True, item_charts=True))


SUMMARY_RENDERERS: dict[str, Callable[[Summary, bool], str]] = {
    "text": render_summary_text,
    "markdown": render_summary_markdown,
    "json": render_summary_json,
    "html": render_summary_html,
}

__all__: Sequence[str] = ["GAPS_RENDERERS", "SUMMARY_RENDERERS"]
