"""Charts drawn by matplotlib: :func:`svg` for HTML reports, :func:`png` for spreadsheets.

A :class:`gk.render.reports.Chart` is data; this module draws it as horizontal bars (long
labels stay readable, the count is written at each bar's end) or as stacked horizontal bars
(each segment labelled with its count where it is wide enough, the total at the end).
Colours come from the Okabe–Ito palette, which stays distinguishable with the common colour
vision deficiencies, and every series also has its own hatching, so no meaning rests on
colour alone. A value of ``None`` (a protected or missing figure) is never drawn: its
category label says "not shown" instead.

matplotlib is imported inside the drawing functions only: ``gk --help``, ``gk check`` and
every report without a chart never load it. The output is deterministic (a fixed hash salt
for the SVG ids, no date or software metadata), and the SVG keeps text as text
(``svg.fonttype = 'none'``) and refers to nothing outside itself.
"""

from __future__ import annotations

import io
import re
import textwrap
from typing import TYPE_CHECKING, Any

from gk.i18n import _
from gk.render.escape import chart_label, html

if TYPE_CHECKING:
    from gk.render.reports import Chart

# Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, vermillion,
# sky blue, reddish purple, yellow, then grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
           "#999999")
# Stacked charts put the good news first (checklist: done, in progress, open, not applicable,
# unanswered): bluish green, orange, vermillion, grey, sky blue, reddish purple.
STACK_PALETTE = ("#009E73", "#E69F00", "#D55E00", "#999999", "#56B4E9", "#CC79A7")
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")
_DARK = {"#0072B2", "#009E73", "#D55E00", "#CC79A7", "#999999"}  # white text reads on these
WIDTH_INCHES = 6.3  # 16 cm: the text width of an A4 page with 2.5 cm margins
LABEL_WIDTH = 34  # characters per line of a category label


def number_text(value: float) -> str:
    """A value as written on a chart: whole numbers without decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _unit_suffix(chart: Chart) -> str:
    return " %" if chart.unit == "%" else ""


def hidden_note(chart: Chart, index: int) -> str:
    """What a category label adds for values that are not drawn ('' when all are drawn)."""
    hidden = [s.name for s in chart.series if s.values[index] is None]
    if not hidden:
        return ""
    if len(chart.series) == 1:
        return _("not shown")
    return _("{series}: not shown").format(series=", ".join(hidden))


def category_labels(chart: Chart) -> list[str]:
    """The category labels as drawn: one line each, with the 'not shown' note."""
    out = []
    for index, category in enumerate(chart.categories):
        note = hidden_note(chart, index)
        text = chart_label(category)
        out.append(f"{text} ({note})" if note else text)
    return out


def alt_text(chart: Chart) -> str:
    """The chart in words, for screen readers: title, then each category with its values."""
    parts = []
    for index, name in enumerate(category_labels(chart)):
        values = []
        for series in chart.series:
            value = series.values[index]
            if value is None:
                continue
            shown = number_text(value) + _unit_suffix(chart)
            values.append(f"{chart_label(series.name)} {shown}" if len(chart.series) > 1
                          else shown)
        parts.append(f"{name}: {', '.join(values)}" if values else name)
    return f"{chart_label(chart.title)}. " + "; ".join(parts) + "."


def _figure(chart: Chart, title: bool = True) -> Any:
    from matplotlib.figure import Figure

    labels = [textwrap.fill(text, LABEL_WIDTH, break_long_words=True)
              for text in category_labels(chart)]
    lines = sum(label.count("\n") + 1 for label in labels)
    stacked = chart.kind == "stacked" or len(chart.series) == 1
    per_bar = 1 if stacked else len(chart.series)
    rows = max(len(labels) * per_bar * 0.9, lines * 0.55)
    legend = len(chart.series) > 1
    height = 0.7 + 0.28 * rows + (0.35 if legend else 0) + (0.25 if title else 0)
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    axes = figure.add_subplot()
    count = len(chart.categories)
    positions = list(range(count))
    top = 0.0
    if chart.kind == "stacked":
        left = [0.0] * count
        for number, series in enumerate(chart.series):
            colour = STACK_PALETTE[number % len(STACK_PALETTE)]
            hatch = HATCHES[number % len(HATCHES)]
            widths = [v or 0.0 for v in series.values]
            axes.barh(positions, widths, left=left, height=0.65, color=colour,
                             hatch=hatch, edgecolor="white" if not hatch else "#333333",
                             linewidth=0.6, label=chart_label(series.name))
            left = [a + b for a, b in zip(left, widths, strict=True)]
            _segment_labels(axes, series.values, left, colour)
        top = max(left, default=0.0)
        for position, total in zip(positions, left, strict=True):
            axes.text(total, position, " " + number_text(total) + _unit_suffix(chart),
                      va="center", ha="left", fontsize=8, color="#000000")
    else:
        width = 0.75 / len(chart.series)
        for number, series in enumerate(chart.series):
            colour, hatch = PALETTE[number % len(PALETTE)], HATCHES[number % len(HATCHES)]
            offset = (number - (len(chart.series) - 1) / 2) * width
            where = [p + offset for p in positions]
            drawn = [(p, v) for p, v in zip(where, series.values, strict=True) if v is not None]
            axes.barh([p for p, _v in drawn], [v for _p, v in drawn], height=width * 0.9,
                      color=colour, hatch=hatch, edgecolor="#333333" if hatch else colour,
                      linewidth=0.6, label=chart_label(series.name))
            for p, v in drawn:
                axes.text(v, p, " " + number_text(v) + _unit_suffix(chart), va="center",
                          ha="left", fontsize=8, color="#000000")
                top = max(top, v)
    axes.set_yticks(positions, labels, fontsize=8)
    axes.invert_yaxis()
    limit = 100.0 if chart.unit == "%" else max(top, 1.0)
    axes.set_xlim(0, limit * 1.12)
    if title:
        axes.set_title(chart_label(chart.title), fontsize=10, loc="left")
    if chart.unit:
        axes.set_xlabel(chart_label(chart.unit), fontsize=8)
    axes.tick_params(axis="x", labelsize=8)
    if limit >= 1 and chart.unit != "%":
        from matplotlib.ticker import MaxNLocator

        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="x", color="#dddddd", linewidth=0.5)
    axes.set_axisbelow(True)
    if legend:
        figure.legend(loc="outside lower center", ncols=min(len(chart.series), 5),
                      fontsize=8, frameon=False)
    return figure


def _segment_labels(axes: Any, values: list[float | None], ends: list[float],
                    colour: str) -> None:
    """The count inside each stacked segment that is wide enough to hold it."""
    total = max(ends, default=0.0) or 1.0
    for position, (value, end) in enumerate(zip(values, ends, strict=True)):
        if not value or value / total < 0.06:
            continue
        axes.text(end - value / 2, position, number_text(value), va="center", ha="center",
                  fontsize=7, color="#ffffff" if colour in _DARK else "#000000",
                  bbox={"boxstyle": "square,pad=0.1", "facecolor": colour, "linewidth": 0})


def _settings() -> Any:
    return {
        "svg.fonttype": "none",  # text stays text: searchable, selectable, read aloud
        "svg.hashsalt": "gk",  # the same chart gives the same ids, byte for byte
        "text.parse_math": False,  # a '$' in a label is a dollar sign
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
        "hatch.linewidth": 0.6,
        "axes.edgecolor": "#555555",
    }


_ID = re.compile(r'(\bid="|url\(#|href="#)([^"\)]+)')
_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def svg(chart: Chart, title: bool = False) -> str:
    """The chart as an inline SVG element (no XML prologue, no metadata) with ``role="img"``,
    a ``<title>`` and an ``aria-label`` that say in words what it shows. The title is drawn
    only with ``title`` (HTML shows it as the figure's caption)."""
    import matplotlib

    with matplotlib.rc_context(_settings()):
        figure = _figure(chart, title)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue()), count=1)
    # Several charts share one HTML page: their ids (figure_1, patterns, clip paths) get a
    # prefix made from the chart itself, so they stay unique and the output deterministic.
    import hashlib

    prefix = "c" + hashlib.sha256(text.encode()).hexdigest()[:8] + "-"
    text = _ID.sub(lambda m: m.group(1) + prefix + m.group(2), text)
    words = alt_text(chart)
    text = text.replace("<svg ", f'<svg role="img" aria-label="{html(words)}" ', 1)
    head, _sep, rest = text.partition(">")
    return f"{head}>\n <title>{html(words)}</title>{rest}".rstrip() + "\n"


def png(chart: Chart, dpi: int = 150) -> bytes:
    """The chart as a PNG image (for spreadsheets), 16 cm wide at ``dpi``."""
    import matplotlib

    with matplotlib.rc_context(_settings()):
        figure = _figure(chart)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None},
                       facecolor="white")
    return buffer.getvalue()
