"""A report (:class:`gk.render.reports.Document`) as an Excel workbook (``--format xlsx``).

The first sheet holds the title, the opening sentences (period, "as of", repositories,
unreadable files), every section's sentences (the suppression note among them) and a list of
the sheets; each table follows on a sheet of its own: a title and a line of reading help above
the header row, the header row frozen, an autofilter, column widths from the contents.
Figures (:class:`gk.render.reports.Figure`) are stored as numbers, everything else as text —
a protected count stays the text ``<3`` or ``x``. Charts are drawn as PNG images beside their
table when ``gk.render.charts`` is there, and left out otherwise.

User text goes through :func:`gk.render.escape.spreadsheet_text` and is written with
``write_string`` only: a title starting with ``=`` is a text cell, never a formula.
XlsxWriter is imported here and nowhere else, so no other command pays for it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

from gk.i18n import _
from gk.render.escape import sheet_name, spreadsheet_text
from gk.render.reports import Chart, Document, Figure, Para, Table

MIN_WIDTH = 6
MAX_WIDTH = 60
HEADER_ROW = 2  # title in row 0, reading help in row 1, the header below
ROW_HEIGHT = 15  # points per line of text
FRONT_WIDTH = 75  # characters: the first sheet's text column
SHEET_NAME_WIDTH = 32  # a sheet name is at most 31 characters


def chart_png() -> Callable[[Chart], bytes] | None:
    """``gk.render.charts.png`` when the charts module (and its plotting library) is there."""
    import importlib
    import importlib.util

    if importlib.util.find_spec("gk.render.charts") is None:
        return None
    try:
        charts = importlib.import_module("gk.render.charts")
    except ImportError:  # the plotting library is not installed
        return None
    png: Callable[[Chart], bytes] | None = getattr(charts, "png", None)
    return png


class _Formats:
    def __init__(self, book: Any) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.heading = book.add_format({"bold": True, "font_size": 12})
        self.text = book.add_format({"text_wrap": True, "valign": "top"})
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                       "bottom": 1, "bg_color": "#E8E8E8"})
        self.header_right = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                             "bottom": 1, "bg_color": "#E8E8E8",
                                             "align": "right"})
        self.cell = book.add_format({"valign": "top", "text_wrap": True})
        self.right = book.add_format({"valign": "top", "align": "right"})
        self.centre = book.add_format({"valign": "top", "align": "center"})
        self.integer = book.add_format({"valign": "top", "num_format": "#,##0"})
        self.decimal = book.add_format({"valign": "top", "num_format": "#,##0.0#"})


def _width(texts: list[str], numeric: bool) -> int:
    longest = max((max((len(line) for line in t.split("\n")), default=0) for t in texts),
                  default=0)
    # a number column leaves room before the next column's text
    return max(MIN_WIDTH + 4 * numeric, min(MAX_WIDTH, longest + 2 + 2 * numeric))


def _lines(text: str, width: int) -> int:
    """How many lines a wrapped cell takes at a column width (in characters)."""
    return sum(max(1, math.ceil(len(line) / max(1, width - 1))) for line in text.split("\n"))


def _write_table(sheet: Any, table: Table, title: str, formats: _Formats) -> None:
    sheet.write_string(0, 0, spreadsheet_text(title), formats.heading)
    widths = [_width([header, *(str(r[col]) for r in table.rows if col < len(r))],
                     col in table.numeric) for col, header in enumerate(table.headers)]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    if table.help:  # wrapped within the table's width, so it does not widen the printed page
        shown = spreadsheet_text(table.help)
        if len(widths) > 1:
            sheet.merge_range(1, 0, 1, len(widths) - 1, "", formats.text)
        sheet.write_string(1, 0, shown, formats.text)
        sheet.set_row(1, ROW_HEIGHT * _lines(shown, max(sum(widths), MAX_WIDTH)))
    header_lines = max((_lines(h, w) for h, w in zip(table.headers, widths, strict=True)),
                       default=1)
    sheet.set_row(HEADER_ROW, ROW_HEIGHT * header_lines)
    for col, header in enumerate(table.headers):
        shown = formats.header_right if col in table.numeric else formats.header
        sheet.write_string(HEADER_ROW, col, spreadsheet_text(header), shown)
    # columns of signs (a matrix's ✓ ◐ ○) are centred under their short headers
    signs = {col for col in range(len(table.headers)) if table.rows and all(
        len(r[col]) <= 1 for r in table.rows if col < len(r))}
    for index, row in enumerate(table.rows, start=HEADER_ROW + 1):
        lines = 1
        for col, cell in enumerate(row):
            if isinstance(cell, Figure):
                value = cell.value
                whole = isinstance(value, int) or float(value).is_integer()
                sheet.write_number(index, col, value,
                                   formats.integer if whole else formats.decimal)
            elif cell:
                text = spreadsheet_text(cell)
                shown = formats.right if col in table.numeric else \
                    formats.centre if col in signs else formats.cell
                sheet.write_string(index, col, text, shown)
                lines = max(lines, _lines(text, widths[col]) if col < len(widths) else 1)
        if lines > 1:  # spreadsheet programs do not grow a row for wrapped text themselves
            sheet.set_row(index, ROW_HEIGHT * lines)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    if table.rows:
        sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(table.rows), len(table.headers) - 1)
    _page_setup(sheet)
    sheet.repeat_rows(HEADER_ROW)  # the header on every printed page


def _page_setup(sheet: Any) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # as wide as the page, as many pages down as needed


def _insert_chart(sheet: Any, chart: Chart, row: int, col: int,
                  png: Callable[[Chart], bytes]) -> int:
    """The chart as an image at (row, col); returns the first row below it."""
    data = png(chart)
    sheet.insert_image(row, col, "chart.png", {"image_data": io.BytesIO(data),
                                                "x_scale": 0.5, "y_scale": 0.5,
                                                "object_position": 3})
    return row + 22


def render_xlsx(doc: Document, *, charts: bool = True,
                png: Callable[[Chart], bytes] | None = None) -> bytes:
    """The whole workbook as bytes; charts drawn by ``png`` (default: ``gk.render.charts``),
    none with ``charts=False``."""
    import xlsxwriter

    buffer = io.BytesIO()
    # Text is never read as a formula, number or link: user text stays what it is.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"title": spreadsheet_text(doc.title)})
    formats = _Formats(book)
    png = (png or chart_png()) if charts else None
    taken: set[str] = set()
    front = book.add_worksheet(sheet_name(_("About this report"), taken))
    front.set_column(0, 0, SHEET_NAME_WIDTH)
    front.set_column(1, 1, FRONT_WIDTH)
    front.write_string(0, 0, spreadsheet_text(doc.title), formats.title)
    row = 2

    def sentence(text: str) -> None:
        nonlocal row
        shown = spreadsheet_text(text)
        front.merge_range(row, 0, row, 1, "", formats.text)
        front.write_string(row, 0, shown, formats.text)
        front.set_row(row, ROW_HEIGHT * _lines(shown, SHEET_NAME_WIDTH + FRONT_WIDTH))
        row += 1

    for line in doc.intro:
        sentence(line)
    contents: list[tuple[str, str]] = []
    for section in doc.sections:
        paras = [b for b in section.blocks if isinstance(b, Para)]
        if paras:
            row += 1
            front.write_string(row, 0, spreadsheet_text(section.title), formats.heading)
            row += 1
            for para in paras:
                sentence(para.text)
        _section_sheets(book, section, taken, formats, png, contents)
    row += 1
    front.write_string(row, 0, spreadsheet_text(_("Sheets of this workbook")), formats.heading)
    for name, what in contents:
        row += 1
        shown = spreadsheet_text(what)
        front.write_string(row, 0, spreadsheet_text(name), formats.text)
        front.write_string(row, 1, shown, formats.text)
        front.set_row(row, ROW_HEIGHT * _lines(shown, FRONT_WIDTH))
    front.set_portrait()
    front.set_paper(9)
    front.fit_to_pages(1, 0)
    front.activate()
    book.close()
    return buffer.getvalue()


def _section_sheets(book: Any, section: Any, taken: set[str], formats: _Formats,
                    png: Callable[[Chart], bytes] | None,
                    contents: list[tuple[str, str]]) -> None:
    """A sheet per table of a section; each chart beside the table before it (or on a sheet
    of its own when the section has no table before it)."""
    sheet: Any = None
    width = 0
    chart_row = HEADER_ROW
    for block in section.blocks:
        if isinstance(block, Table):
            name = sheet_name(block.name or section.title, taken)
            sheet = book.add_worksheet(name)
            _write_table(sheet, block, block.name or section.title, formats)
            contents.append((name, block.help or section.title))
            width = len(block.headers) + 1
            chart_row = HEADER_ROW
        elif isinstance(block, Chart) and png is not None:
            if sheet is None:
                name = sheet_name(section.title, taken)
                sheet = book.add_worksheet(name)
                sheet.write_string(0, 0, spreadsheet_text(section.title), formats.heading)
                contents.append((name, block.title))
            chart_row = _insert_chart(sheet, block, chart_row, width, png)
