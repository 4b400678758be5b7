"""gk.render.charts: charts drawn by matplotlib as SVG (HTML) and PNG (spreadsheets), and
the Mermaid code of the same Chart; matplotlib is loaded only when a chart is drawn."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import EXAMPLE

from gk.i18n import set_language
from gk.render import charts
from gk.render.reports import Chart, Series, mermaid_chart

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _german() -> None:
    set_language("de")


def status_chart() -> Chart:
    return Chart("stacked", "Stand je Abschnitt", ["Bündnis und Steuerung", "Grundlagen"],
                 [Series("erledigt", [3, 1]), Series("in Arbeit", [1, 2]),
                  Series("offen", [0, 4])], unit="Prüfpunkte")


def tree(svg_text: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg_text)


def texts(root: ElementTree.Element) -> list[str]:
    return [" ".join("".join(t.itertext()).split()) for t in root.iter(f"{SVG}text")]


def bar_paths(root: ElementTree.Element, colour: str) -> list[ElementTree.Element]:
    return [p for p in root.iter(f"{SVG}path") if f"fill: {colour.lower()}" in
            p.get("style", "")]


def test_svg_is_deterministic_text_as_text_and_refers_to_nothing_outside() -> None:
    first, second = charts.svg(status_chart()), charts.svg(status_chart())
    assert first == second
    assert first.startswith("<svg ") and "<?xml" not in first and "<!DOCTYPE" not in first
    assert "<metadata" not in first and "dc:date" not in first and "Matplotlib" not in first
    root = tree(first)
    assert root.get("role") == "img"
    shown = texts(root)
    assert "Bündnis und Steuerung" in shown and "Grundlagen" in shown
    assert {"erledigt", "in Arbeit", "offen"} <= set(shown)  # the legend, as text
    # references only to its own ids, each id unique and prefixed for this chart
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    prefix = ids[0].split("-", 1)[0] + "-"
    assert all(i.startswith(prefix) for i in ids)
    refs = re.findall(r'(?:href="|url\()([^")]*)', first)
    assert refs and all(r.startswith("#" + prefix) and r[1:] in ids for r in refs)
    assert not re.search(r"(?:src|href)=\"(?!#)", first)


def test_stacked_bars_carry_counts_totals_and_patterns() -> None:
    root = tree(charts.svg(status_chart()))
    shown = texts(root)
    # totals at the bar ends (3 + 1 + 0 = 4, 1 + 2 + 4 = 7); counts in wide segments
    assert "4" in shown and "7" in shown
    # every series but the first has a hatching, so colour alone carries no meaning
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) >= 2
    # Okabe–Ito colours, one per series
    assert all(bar_paths(root, colour) for colour in charts.STACK_PALETTE[:3])


def test_a_value_that_is_none_is_never_drawn_and_its_label_says_so() -> None:
    chart = Chart("bar", "Erreichte junge Menschen", ["2024", "2025", "2026"],
                  [Series("erreicht", [5, None, 12])], unit="junge Menschen")
    root = tree(charts.svg(chart))
    assert len(bar_paths(root, "#0072B2")) == 2
    assert "2025 (nicht ausgewiesen)" in texts(root)
    assert root.get("aria-label") == ("Erreichte junge Menschen. 2024: 5; "
                                      "2025 (nicht ausgewiesen); 2026: 12.")
    several = Chart("stacked", "T", ["a"], [Series("x", [1]), Series("y", [None])])
    assert charts.category_labels(several) == ["a (y: nicht ausgewiesen)"]


def test_hostile_labels_stay_text() -> None:
    chart = Chart("bar", 'Titel <script>alert("x")</script>', ["$x^2$ & <b>", "a\u202eb\x07"],
                  [Series("n", [1, 2])])
    text = charts.svg(chart, title=True)
    assert "<script" not in text and "<b>" not in text and "\u202e" not in text
    root = tree(text)  # well-formed XML
    shown = texts(root)
    assert "$x^2$ & <b>" in shown  # no mathematics, no markup: the characters as written
    assert "a\\u202eb\\x07" in shown
    assert 'Titel <script>alert("x")</script>' in shown


def test_png_is_a_deterministic_image_of_the_requested_resolution() -> None:
    data = charts.png(status_chart(), dpi=100)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == round(charts.WIDTH_INCHES * 100) and 150 < height < 600
    assert charts.png(status_chart(), dpi=100) == data
    assert b"Software" not in data and b"matplotlib" not in data.lower()
    bigger = charts.png(status_chart(), dpi=200)
    assert struct.unpack(">I", bigger[16:20])[0] == round(charts.WIDTH_INCHES * 200)


def test_mermaid_chart_is_horizontal_with_counts_and_named_series() -> None:
    code = mermaid_chart(status_chart())
    assert code.startswith("---\nconfig:\n  xyChart:\n    showDataLabel: true\n---\n"
                           "xychart-beta horizontal\n")
    assert 'title "Stand je Abschnitt (erledigt, in Arbeit, offen)"' in code
    assert "bar [3, 1]" in code and "bar [0, 4]" in code
    hidden = Chart("bar", "R", ["2024", "2025"], [Series("n", [5, None])])
    assert 'x-axis ["2024", "2025 (nicht ausgewiesen)"]' in mermaid_chart(hidden)
    assert "bar [5, 0]" in mermaid_chart(hidden)


LOADED = """
import sys
from gk.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("matplotlib loaded:", "matplotlib" in sys.modules, file=sys.stderr)
"""


def loads_matplotlib(*args: str) -> bool:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    result = subprocess.run([sys.executable, "-c", LOADED, *args], capture_output=True,
                            text=True, env=env, timeout=300, check=False)
    found = re.search(r"matplotlib loaded: (True|False)", result.stderr)
    assert found, result.stderr[-2000:]
    return found.group(1) == "True"


def test_matplotlib_is_imported_only_when_a_chart_is_drawn() -> None:
    assert not loads_matplotlib("--help")
    assert not loads_matplotlib("-C", str(EXAMPLE), "check")
    assert not loads_matplotlib("-C", str(EXAMPLE), "summarize", "--format", "markdown")
    assert not loads_matplotlib("-C", str(EXAMPLE), "checklist", "meerbusch")
    assert loads_matplotlib("-C", str(EXAMPLE), "gaps", "--format", "html")
