"""One renderer of every report document as a self-contained HTML file (``--format html``).

:func:`render_html` draws a :class:`gk.render.reports.Document` — the same layout the Markdown
and text renderers draw — so every section of every report appears here without more code.
The file asks for nothing when it is opened: the styles are inline, the fonts are the
system's, the charts are inline SVG drawn by :mod:`gk.render.charts`, and there is no URL in
it. It prints on A4 (page margins, a page break before each section where wanted, table
headers repeated on each page, rows kept whole, numbers right-aligned in tabular figures).
Tables of figures keep their rows short: a long text in such a table (a checklist item, a
section title) becomes a short label (P1, P2 …) explained in a legend below the table.

Every text of the document passes through :func:`gk.render.escape.html` once.
"""

from __future__ import annotations

from gk.i18n import _, get_language
from gk.render.escape import html as esc
from gk.render.reports import Chart, Document, Para, Section, Table

# A column's share of the table width follows the length of its texts up to this many
# characters, and is never less than its longest word (or number).
WIDE_TEXT = 30
# A section of about this many lines (table rows, paragraphs) is kept on one page.
KEEP_LINES = 24
# A table of this many columns is set in a smaller type (8.5 instead of 9.5 pt).
WIDE_COLUMNS = 6
WIDE_FONT = 9.5 / 8.5
# Characters of table text (9.5 pt) in a line of the A4 text width (17.6 cm); a section
# with a table of WIDE_COLUMNS columns is printed across the page (26.3 cm).
PAGE_CHARS = 80
LANDSCAPE = 263 / 176
LONG_WORD = 22

# A text column of a table with at least this many number columns is shortened to labels
# when one of its texts is longer than LONG_TEXT characters.
FIGURE_COLUMNS = 3
LONG_TEXT = 40

STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
       "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
       font-size: 11pt; line-height: 1.4; color: #111; background: #fff;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.55em; margin: 0 0 .6em; }
h2 { font-size: 1.25em; margin: 1.8em 0 .5em; padding-bottom: .15em;
     border-bottom: 1px solid #777; }
h1, h2, caption, .legend-title { break-after: avoid; page-break-after: avoid; }
p { margin: .4em 0 .7em; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: .3em 0 1.2em;
        font-size: 9.5pt; }
table.wide { font-size: 8.5pt; }
caption { caption-side: top; text-align: left; padding: 0 0 .35em; color: #333; }
th, td { border: 1px solid #aaa; padding: .2em .4em; vertical-align: top; text-align: left; }
th, td { overflow-wrap: break-word; hyphens: manual; }
thead th { background: #e8e8e8; font-weight: 600; }
tbody th { font-weight: normal; }
.nw { white-space: nowrap; }
tbody tr:nth-child(even) > * { background: #f6f6f6; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
abbr { text-decoration: none; }
figure.chart { margin: .6em 0 1.2em; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { display: block; width: 100%; max-width: 16cm; height: auto; }
figure.chart figcaption { font-size: 9.5pt; color: #333; margin-top: .2em; }
.legend-title { font-size: 9.5pt; font-weight: 600; margin: -.6em 0 .2em; }
dl.legend { display: grid; grid-template-columns: max-content 1fr; gap: .1em .6em;
            font-size: 9pt; margin: 0 0 1.2em; }
dl.legend dt { font-weight: 600; font-variant-numeric: tabular-nums; }
dl.legend dd { margin: 0; }
@page { size: A4; margin: 18mm 17mm 20mm 17mm; }
@page landscape { size: A4 landscape; margin: 17mm 17mm 17mm 17mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  .breaks section + section > h2 { break-before: page; page-break-before: always; }
  section.keep { break-inside: avoid-page; page-break-inside: avoid; }
  .landscape { page: landscape; }
  tbody tr:nth-child(even) > * { background: none; }
}
"""


def _label_prefix(header: str, taken: set[str]) -> str:
    letters = [c for c in header.upper() if c.isalpha()] or ["T"]
    for size in range(1, len(letters) + 1):
        prefix = "".join(letters[:size])
        if prefix not in taken:
            return prefix
    return "".join(letters) + str(len(taken))


def short_labels(table: Table) -> dict[int, dict[str, str]]:
    """For each column to be shortened: its texts (in order of first use) and their labels."""
    numeric = [i for i in table.numeric if i < len(table.headers)]
    if len(numeric) < FIGURE_COLUMNS:
        return {}
    out: dict[int, dict[str, str]] = {}
    taken: set[str] = set()
    for column, header in enumerate(table.headers):
        if column in table.numeric:
            continue
        cells = [row[column] for row in table.rows if column < len(row)]
        if not any(len(cell) > LONG_TEXT for cell in cells):
            continue
        prefix = _label_prefix(header, taken)
        taken.add(prefix)
        labels: dict[str, str] = {}
        for cell in cells:
            if cell and cell not in labels:
                labels[cell] = f"{prefix}{len(labels) + 1}"
        out[column] = labels
    return out


def column_widths(table: Table, labels: dict[int, dict[str, str]]) -> list[float]:
    """Each column's share of the table's width in percent.

    The table is laid out with fixed widths, so it never grows wider than the page whatever
    its texts. Like a browser's own table layout, but decided here: each column first gets
    room for its longest word (dates, numbers, labels and status words stay whole), then the
    room left is shared after how much longer the column's texts are (up to WIDE_TEXT
    characters)."""
    needs, wants = [], []
    for column, header in enumerate(table.headers):
        cells = [row[column] for row in table.rows if column < len(row)]
        if column in labels:
            cells = [labels[column].get(cell, cell) for cell in cells]

        def words(text: str) -> list[int]:
            return [len(w) for w in text.replace("/", " ").split()]

        # header words are set in bold: a little wider; a word longer than LONG_WORD
        # characters (a reference, a compound) may break anywhere
        longest_word = max([*(w * 1.2 for w in words(header)),
                            *(w for cell in cells for w in words(cell))], default=1)
        longest_cell = max((len(c) for c in cells), default=0)
        need = min(max(longest_word, 3), LONG_WORD) * 1.1 + 2.5  # + the cell's padding
        needs.append(need)
        wants.append(max(need, min(max(longest_cell, len(header)), WIDE_TEXT) + 2.5))
    room = PAGE_CHARS * (WIDE_FONT * LANDSCAPE if len(table.headers) >= WIDE_COLUMNS else 1)
    if sum(needs) >= room:
        widths = needs
    else:
        extra = [w - n for w, n in zip(wants, needs, strict=True)]
        share = (room - sum(needs)) / (sum(extra) or 1)
        widths = [n + e * min(share, 1) for n, e in zip(needs, extra, strict=True)]
    total = sum(widths)
    return [round(100 * w / total, 1) for w in widths]


def _table(table: Table, fallback_caption: str) -> list[str]:
    labels = short_labels(table)
    caption = table.help or fallback_caption
    wide = ' class="wide"' if len(table.headers) >= WIDE_COLUMNS else ""
    out = [f"<table{wide}>", f"<caption>{esc(caption)}</caption>", "<colgroup>"]
    out += [f'<col style="width: {width}%">' for width in column_widths(table, labels)]
    out += ["</colgroup>", "<thead><tr>"]
    for column, header in enumerate(table.headers):
        cls = ' class="num"' if column in table.numeric else ""
        out.append(f'<th scope="col"{cls}>{esc(header)}</th>')
    out.append("</tr></thead>")
    out.append("<tbody>")
    for row in table.rows:
        cells = []
        for column, cell in enumerate(row):
            shown = _breakable(esc(cell))
            short = column in labels and cell in labels[column]
            if short:
                shown = f'<abbr title="{esc(cell)}">{esc(labels[column][cell])}</abbr>'
            cls = ' class="num"' if column in table.numeric else \
                ' class="nw"' if short or _unbroken(cell) else ""
            tag = "th" if column == 0 else "td"
            scope = ' scope="row"' if column == 0 else ""
            cells.append(f"<{tag}{scope}{cls}>{shown}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    for column, mapping in labels.items():
        title = _("Legend: {column}").format(column=table.headers[column])
        out.append(f'<p class="legend-title">{esc(title)}</p>')
        out.append('<dl class="legend">')
        for text, label in mapping.items():
            out.append(f"<dt>{esc(label)}</dt><dd>{esc(text)}</dd>")
        out.append("</dl>")
    return out


def _unbroken(text: str) -> bool:
    """A short word (a date, a status, a label): kept on one line."""
    return len(text) <= 16 and not any(c.isspace() for c in text)


def _breakable(escaped: str) -> str:
    """Escaped text with a line-break opportunity after each '/' (references and paths
    such as alliance/worksheet/to-do would otherwise widen a column past the page)."""
    return escaped.replace("/", "/<wbr>")


def _chart(chart: Chart) -> list[str]:
    from gk.render.charts import svg

    return ['<figure class="chart">', svg(chart).rstrip("\n"),
            f"<figcaption>{esc(chart.title)}</figcaption>", "</figure>"]


def _wide(section: Section) -> bool:
    return any(isinstance(b, Table) and len(b.headers) >= WIDE_COLUMNS for b in section.blocks)


def render_html(doc: Document, *, breaks: bool = True) -> str:
    """The document as one HTML page; ``breaks`` starts each section on a new printed page
    (reports of many sections) or lets them flow (a checklist, a protocol)."""
    lang = "en" if get_language() == "en" else "de"
    out = ["<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{esc(doc.title)}</title>", f"<style>{STYLE}</style>", "</head>",
           f'<body class="{"breaks" if breaks else "flow"}">']
    # Sections with a wide table print across the page; when every table is wide, so does
    # the whole document (the title does not stand alone on an upright page).
    wide = [_wide(section) for section in doc.sections]
    tables = [any(isinstance(b, Table) for b in s.blocks) for s in doc.sections]
    across = any(wide) and all(w for w, t in zip(wide, tables, strict=True) if t)
    out += ['<main class="landscape">' if across else "<main>", f"<h1>{esc(doc.title)}</h1>"]
    out += [f"<p>{esc(line)}</p>" for line in doc.intro]
    for section, is_wide in zip(doc.sections, wide, strict=True):
        # a short section is kept on one page (its heading never stands alone at a page's
        # foot); a long one starts where it is and runs on (it would not fit a page anyway)
        lines = sum(len(b.rows) + 3 if isinstance(b, Table) else 12 if isinstance(b, Chart)
                    else 2 for b in section.blocks)
        classes = [*(["keep"] if lines <= KEEP_LINES else []),
                   *(["landscape"] if is_wide and not across else [])]
        attr = f' class="{" ".join(classes)}"' if classes else ""
        out += [f"<section{attr}>", f"<h2>{esc(section.title)}</h2>"]
        for block in section.blocks:
            if isinstance(block, Table):
                out += _table(block, section.title)
            elif isinstance(block, Chart):
                out += _chart(block)
            elif isinstance(block, Para):
                out.append(f"<p>{esc(block.text)}</p>")
        out.append("</section>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
