"""--format html: structure, figures and escaping of the self-contained report pages.

The pages of the hand-computed fixture (tests/fixtures/reports, figures derived in its
README.md and in test_summarize.py / test_gaps.py) and of the shipped example are parsed
with html.parser into a small tree; the figures in the tables and in the charts' text
alternatives are compared with the hand-computed ones. A real headless Chromium prints the
pages to PDF (skipped only when no chromium is installed): nothing may stand beyond the
page's right margin, and a table running over several pages repeats its header.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EXAMPLE, run_gk
from test_gaps import FIXTURE

VOID = {"meta", "br", "wbr", "col", "img", "hr", "input", "link"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def words(self) -> str:
        return " ".join(self.text().split())

    def all(self, tag: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found += child.all(tag)
        return found

    def first(self, tag: str) -> Node:
        return self.all(tag)[0]


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def html_of(*args: str) -> str:
    result = run_gk(*args, "--format", "html")
    assert result.exit_code == 0, result.output
    return str(result.output)


def table_by_caption(doc: Node, start: str) -> Node:
    found = [t for t in doc.all("table") if t.first("caption").words().startswith(start)]
    assert len(found) == 1, [t.first("caption").words() for t in doc.all("table")]
    return found[0]


def rows(table: Node) -> list[list[str]]:
    return [[cell.words() for cell in tr.children if isinstance(cell, Node)]
            for tr in table.first("tbody").all("tr")]


def headers(table: Node) -> list[str]:
    return [th.words() for th in table.first("thead").all("th")]


def chart_labels(doc: Node) -> dict[str, str]:
    """Each chart's caption and the text alternative of its SVG."""
    out = {}
    for figure in doc.all("figure"):
        svg = figure.first("svg")
        out[figure.first("figcaption").words()] = svg.attrs["aria-label"]
    return out


def check_structure(doc: Node, lang: str = "de") -> None:
    """What every page has: a language, a title, real tables, charts with words."""
    html = doc.first("html")
    assert html.attrs["lang"] == lang
    assert doc.first("title").words() and doc.first("h1").words()
    assert doc.first("meta").attrs.get("charset") == "utf-8"
    for table in doc.all("table"):
        assert table.first("caption").words()
        heads = table.first("thead").all("th")
        assert heads and all(th.attrs.get("scope") == "col" for th in heads)
        body = table.first("tbody").all("tr")
        for tr in body:
            cells = [c for c in tr.children if isinstance(c, Node)]
            assert cells[0].tag == "th" and cells[0].attrs.get("scope") == "row"
            assert len(cells) == len(heads)
        widths = [float(c.attrs["style"].split()[1].rstrip("%")) for c in table.all("col")]
        assert len(widths) == len(heads) and abs(sum(widths) - 100) < 1
    for figure in doc.all("figure"):
        svg = figure.first("svg")
        assert svg.attrs["role"] == "img"
        assert svg.attrs["aria-label"].strip()
        assert svg.first("title").words() == " ".join(svg.attrs["aria-label"].split())
        assert figure.first("figcaption").words()
        # text is text: the labels are <text> elements, not outlines
        assert svg.all("text")


EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?!#)[^"'\s>]"""
                      r"""|url\(\s*["']?\s*(?!#)|@import|<link\b|<script\b|<iframe\b|<img\b"""
                      r"""|<object\b|<embed\b)""", re.I)


def assert_self_contained(page: str) -> None:
    """No request leaves the machine: no source, link, script, import or url() to anything
    but an anchor inside the page; and no address at all outside plain text."""
    assert EXTERNAL.search(page) is None, EXTERNAL.search(page)
    doc = parse(page)
    stack = [doc]
    while stack:
        node = stack.pop()
        for name, value in node.attrs.items():
            if name.startswith("xmlns"):
                continue  # a namespace name, never fetched
            assert not re.search(r"(?:https?:|//|ftp:|file:)", value), (name, value)
        stack += [c for c in node.children if isinstance(c, Node)]
    for style in doc.all("style"):
        assert "url(" not in style.text() and "@import" not in style.text()
        assert "@font-face" not in style.text()


# --- the hand-computed fixture -------------------------------------------------------------

def test_summary_html_of_the_fixture_has_the_hand_computed_figures() -> None:
    page = html_of("-C", str(FIXTURE), "summarize")
    assert_self_contained(page)
    doc = parse(page)
    check_structure(doc)
    assert doc.first("h1").words() == "Zusammenfassung: Testablage Berichte (erfunden)"
    returns = table_by_caption(doc, "Ein Bündnis hat eine Arbeitshilfe zurückgegeben")
    assert rows(returns) == [
        ["Prozessmanagement", "4", "5", "Gemeinde Südheim (erfunden)"],
        ["Bedarfs- und Angebotsanalyse", "3", "5",
         "Stadt Nordstadt (erfunden), Stadt Westfeld (erfunden)"],
        ["Begleitprotokoll", "3", "5", "Stadt Hafenstadt (erfunden), Stadt Westfeld (erfunden)"]]
    # numbers are right-aligned cells of their own class
    assert [c.attrs.get("class") for c in returns.first("tbody").first("tr").children
            if isinstance(c, Node)][:3] == [None, "num", "num"]
    # per section, summed from EXPECTED_CHECKLIST of test_summarize
    sections = table_by_caption(doc, "Antworten aller aktuellen Bögen je Abschnitt")
    assert rows(sections)[0] == ["Bündnis und Steuerung", "11", "3", "5", "0", "1"]
    assert rows(sections)[3] == ["Teilhabemanagement", "4", "3", "5", "4", "0"]
    # the item table: long item texts as P1 … P20, explained in a legend below
    items = table_by_caption(doc, "Wie viele aktuelle Bögen")
    assert headers(items)[-1] == "ohne Antwort"
    first = rows(items)[0]
    assert first[1:] == ["P1", "3", "1", "0", "0", "0"]  # core-group
    assert rows(items)[-1][1:] == ["P20", "1", "1", "1", "0", "1"]  # documentation
    legend = doc.all("dl")
    assert legend and legend[0].all("dt")[0].words() == "P1"
    assert legend[0].all("dd")[0].words().startswith("Eine Bündniskerngruppe ist eingerichtet")
    assert legend[0].all("dd")[0].words().endswith("(core-group)")
    todos = table_by_caption(doc, "Offene Aufgaben aller Arbeitshilfen")
    assert rows(todos)[-1] == ["Summe", "9", "5"]
    reach = table_by_caption(doc, "Stellen und erreichte junge Menschen")
    assert headers(reach) == ["Bündnis", "Stellen", "2023", "2024", "2025"]
    assert rows(reach)[-1] == ["Summe der ausgewiesenen Werte", "4,5", "40", "52", "50"]
    charts = chart_labels(doc)
    assert set(charts) >= {
        "Rücklauf der Arbeitshilfen im Zeitraum", "Stand der Checkliste je Abschnitt",
        "Berechnete Lücken je Handlungsfeld",
        "Erreichte junge Menschen je Jahr (Summe der ausgewiesenen Werte)",
        "Stand je Prüfpunkt: Bündnis und Steuerung"}
    assert charts["Erreichte junge Menschen je Jahr (Summe der ausgewiesenen Werte)"].endswith(
        "2023: 40; 2024: 52; 2025: 50.")
    assert "Prozessmanagement: zurückgegeben 4, nicht zurückgegeben 1" in \
        charts["Rücklauf der Arbeitshilfen im Zeitraum"]
    assert "Bündnis und Steuerung: erledigt 11, in Arbeit 3, offen 5, trifft nicht zu 0, " \
        "ohne Antwort 1" in charts["Stand der Checkliste je Abschnitt"]
    # gaps per field (test_summarize: language 1, education 5, ...)
    assert "Sprache: 1; Schule und Bildung: 5; Ausbildung: 6" in \
        charts["Berechnete Lücken je Handlungsfeld"]


def test_a_protected_figure_is_shown_as_such_and_never_drawn() -> None:
    # suedheim reached one young person in 2025: shown as '<3' (test_summarize)
    doc = parse(html_of("-C", str(FIXTURE), "summarize", "--alliance", "suedheim"))
    reach = table_by_caption(doc, "Stellen und erreichte junge Menschen")
    assert rows(reach)[-1] == ["Summe der ausgewiesenen Werte", "0,5", "5", "0"]
    figure = next(f for f in doc.all("figure")
                  if f.first("figcaption").words().startswith("Erreichte junge Menschen"))
    label = figure.first("svg").attrs["aria-label"]
    assert label.endswith("2024: 5; 2025 (nicht ausgewiesen).")
    texts = [t.words() for t in figure.first("svg").all("text")]
    assert "2025 (nicht ausgewiesen)" in texts
    assert "<3" not in texts
    # one bar drawn (2024), none for 2025
    bars = [p for p in figure.first("svg").all("path")
            if "fill: #0072b2" in p.attrs.get("style", "")]
    assert len(bars) == 1


def test_gaps_html_of_the_fixture() -> None:
    page = html_of("-C", str(FIXTURE), "gaps")
    assert_self_contained(page)
    doc = parse(page)
    check_structure(doc)
    by_status = table_by_caption(doc, "Berechnete Lücken aller gezeigten Bündnisse")
    assert headers(by_status) == ["Handlungsfeld", "Duldung", "Aufenthaltsgestattung", "Summe"]
    figures = {row[0]: row[1:] for row in rows(by_status)}
    # test_summarize: language 1, education 5, vocational-training 6, work 6, housing 6,
    # health 6, counselling 2, social-participation 4 (36 in all)
    assert {k: v[2] for k, v in figures.items()} == {
        "Sprache": "1", "Schule und Bildung": "5", "Ausbildung": "6", "Arbeit": "6",
        "Wohnen": "6", "Gesundheit": "6", "Beratung": "2", "Soziale Teilhabe": "4"}
    assert figures["Sprache"][:2] == ["1", "0"]  # rhein-kreis: language, Duldung only
    assert sum(int(v[0]) + int(v[1]) for v in figures.values()) == 36
    overview = table_by_caption(doc, "Bestätigte Lücken sind benannt und berechnet")
    westfeld = [row[1:] for row in rows(overview) if "Westfeld" in row[0]]
    assert westfeld == [["0", "14", "0", "0"]]
    chains = doc.all("section")[-1]
    assert len(rows(chains.first("table"))) == 5
    chart = chart_labels(doc)["Berechnete Lücken je Handlungsfeld und Aufenthaltsstatus"]
    assert "Sprache: Duldung 1, Aufenthaltsgestattung 0" in chart


def test_checklist_html_is_the_document_for_the_alliance() -> None:
    page = html_of("-C", str(FIXTURE), "checklist", "nordstadt")
    assert_self_contained(page)
    doc = parse(page)
    check_structure(doc)
    titles = [h.words() for h in doc.all("h2")]
    assert titles[0] == "Überblick" and titles[-1] == "Aufgaben dieser Arbeitshilfe"
    items = [row for table in doc.all("table")[1:-1] for row in rows(table)]
    assert [row[0] for row in items] == [f"P{n}" for n in range(1, 21)]
    assert all(row[2].split(" ", 1)[0] in "✓◐○–?" for row in items)  # a mark, not colour
    todos = rows(doc.all("table")[-1])
    sheet = (FIXTURE / "worksheets" / "nordstadt" / "prozessmanagement-2025.yaml").read_text(
        encoding="utf-8")
    assert len(todos) == sheet.count("\n  - id:")
    assert all(row[0] for row in todos)


def test_a_begleitprotokoll_renders_as_a_document() -> None:
    page = html_of("-C", str(FIXTURE), "checklist", "rhein-kreis", "--worksheet",
                   "begleitprotokoll-2025-02-10")
    assert_self_contained(page)
    doc = parse(page)
    check_structure(doc)
    assert doc.first("h1").words().startswith("Begleitprotokoll – ")
    assert doc.first("h1").words().endswith(", 2025-02-10")
    assert [h.words() for h in doc.all("h2")] == [
        "Termin", "Teilnehmende", "Themen", "Zusammenfassung", "Vereinbarungen"]
    meeting = rows(doc.first("table"))
    assert meeting[0] == ["Datum", "2025-02-10"]
    # the same document as Markdown and text, with the same parts
    for fmt in ("markdown", "text"):
        result = run_gk("-C", str(FIXTURE), "checklist", "rhein-kreis", "--worksheet",
                        "begleitprotokoll-2025-02-10", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "Teilnehmende" in result.output and "Vereinbarungen" in result.output
    result = run_gk("-C", str(FIXTURE), "checklist", "rhein-kreis", "--worksheet",
                    "begleitprotokoll-2025-02-10", "--format", "json")
    assert json.loads(result.output)["date"] == "2025-02-10"


def test_todo_html() -> None:
    page = html_of("-C", str(FIXTURE), "todo")
    assert_self_contained(page)
    doc = parse(page)
    check_structure(doc)
    # 9 open to-dos, 5 overdue (test_summarize); each overdue one says so in words
    assert doc.all("p")[0].words().startswith("9 offene Aufgabe(n), davon 5 überfällig")
    due = [row[0] for table in doc.all("table") for row in rows(table)]
    assert len(due) == 9 and sum("(überfällig)" in d for d in due) == 5
    # a section per alliance, named as people know it (the id beside: gk todo ALLIANCE)
    titles = [h.words() for h in doc.all("h2")]
    assert "Stadt Nordstadt (erfunden) (nordstadt)" in titles
    assert not [t for t in titles if "(" not in t]


def test_english_pages_say_so() -> None:
    doc = parse(html_of("--lang", "en", "-C", str(FIXTURE), "gaps"))
    check_structure(doc, lang="en")
    assert doc.first("h1").words().startswith("Gaps: ")


# --- the shipped example -------------------------------------------------------------------

@pytest.mark.parametrize("args", [("summarize",), ("gaps",), ("checklist", "meerbusch"),
                                  ("checklist", "duisburg", "--worksheet",
                                   "begleitprotokoll-2025-11-18"), ("todo",)])
def test_example_pages(args: tuple[str, ...]) -> None:
    page = html_of("-C", str(EXAMPLE), *args)
    assert_self_contained(page)
    check_structure(parse(page))


# --- hostile text ------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script> "Zitat" \'a\' & \u202egnp.exe\u202c \x07'


def hostile_repo(tmp_path: Path) -> Path:
    root = shutil.copytree(FIXTURE, tmp_path / "repo")
    alliance = root / "alliances" / "nordstadt.yaml"
    text = alliance.read_text(encoding="utf-8")
    quoted = json.dumps(HOSTILE)  # a YAML double-quoted scalar with \u escapes
    alliance.write_text(re.sub(r"(?m)^name: .*$", lambda _m: f"name: {quoted}", text, count=1),
                        encoding="utf-8")
    sheet = root / "worksheets" / "nordstadt" / "prozessmanagement-2025.yaml"
    text = sheet.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(    title: ).*$", lambda m: m.group(1) + quoted, text, count=1)
    sheet.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("args", [("summarize",), ("gaps",), ("checklist", "nordstadt"),
                                  ("todo",)])
def test_hostile_text_from_yaml_is_escaped(tmp_path: Path, args: tuple[str, ...]) -> None:
    root = hostile_repo(tmp_path)
    page = html_of("-C", str(root), *args)
    assert_self_contained(page)  # no <script> element came through
    doc = parse(page)
    assert not doc.all("script")
    assert "\u202e" not in page and "\x07" not in page
    shown = '<script>alert("x")</script> "Zitat" \'a\' & \\u202egnp.exe\\u202c \\x07'
    assert shown in doc.text()  # readable as written, bidi and bell visible
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/" in page


# --- printing with a real Chromium -----------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed")

A4_WIDTH_PT = 595.28
A4_HEIGHT_PT = 841.89
RIGHT_MARGIN_PT = 17 / 25.4 * 72  # @page margin of gk.render.html
CONTENT_PX = round((210 - 2 * 17) / 25.4 * 96)  # the A4 text width in CSS pixels

CHECK_SCRIPT = """<script>
addEventListener("load", () => {
  document.body.style.maxWidth = "none"; document.body.style.margin = "0";
  document.body.style.padding = "0";
  const out = [];
  for (const e of document.querySelectorAll("table, figure, svg, p, h1, h2, dl")) {
    out.push([e.tagName, e.scrollWidth, Math.ceil(e.getBoundingClientRect().right)]);
  }
  document.body.setAttribute("data-widths", JSON.stringify(
    {page: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth,
     elements: out}));
});
</script>"""


def chromium(*args: str) -> str:
    assert CHROMIUM is not None
    result = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                             "--no-first-run", *args], capture_output=True, text=True,
                            timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def print_pdf(page: str, tmp_path: Path, name: str) -> list[str]:
    """The page printed to PDF; per page the words and their right edges (pdftotext -bbox)."""
    source = tmp_path / f"{name}.html"
    source.write_text(page, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", source.as_uri())
    assert pdf.stat().st_size > 1000
    return [str(pdf)]


def pdf_pages(pdf: Path) -> list[list[tuple[str, float]]]:
    """Per page its words, each with its right edge measured from the page's right edge."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages: list[list[tuple[str, float]]] = []
    for chunk in out.split("<page ")[1:]:
        width = float(re.search(r'width="([\d.]+)"', chunk).group(1))  # type: ignore[union-attr]
        assert min(abs(width - A4_WIDTH_PT), abs(width - A4_HEIGHT_PT)) < 1, "not A4"
        words = re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" '
                           r'yMax="[\d.]+">([^<]*)</word>', chunk)
        pages.append([(text, float(x) - width) for x, text in words])
    return pages


def assert_fits(page: str, tmp_path: Path, name: str) -> list[list[tuple[str, float]]]:
    """Printed: no word beyond the right margin. On screen at the A4 text width: no element
    wider than the page."""
    print_pdf(page, tmp_path, name)
    pages = pdf_pages(tmp_path / f"{name}.pdf")
    beyond = [(n, word, x) for n, words in enumerate(pages, 1) for word, x in words
              if x > -RIGHT_MARGIN_PT + 1]
    assert not beyond, beyond[:10]
    checked = tmp_path / f"{name}-check.html"
    checked.write_text(page.replace("</body>", CHECK_SCRIPT + "</body>"), encoding="utf-8")
    dom = chromium(f"--window-size={CONTENT_PX},1200", "--virtual-time-budget=5000",
                   "--dump-dom", checked.as_uri())
    found = re.search(r'data-widths="([^"]*)"', dom)
    assert found, dom[-500:]
    import html

    widths = json.loads(html.unescape(found.group(1)))
    assert widths["scroll"] <= widths["page"], widths["scroll"]
    too_wide = [e for e in widths["elements"] if e[2] > widths["page"]]
    assert not too_wide, too_wide[:5]
    return pages


@needs_chromium
@pytest.mark.parametrize("args", [("summarize",), ("gaps",), ("checklist", "meerbusch"),
                                  ("checklist", "duisburg", "--worksheet",
                                   "begleitprotokoll-2025-11-18")])
def test_example_pages_print_on_a4_without_overflow(tmp_path: Path,
                                                    args: tuple[str, ...]) -> None:
    pages = assert_fits(html_of("-C", str(EXAMPLE), *args), tmp_path, args[0])
    assert pages and all(words for words in pages)  # no blank page


@needs_chromium
def test_fixture_summary_prints_without_overflow(tmp_path: Path) -> None:
    pages = assert_fits(html_of("-C", str(FIXTURE), "summarize"), tmp_path, "summary")
    text = [" ".join(w for w, _x in words) for words in pages]
    # a page break before each section: "Rücklauf der Arbeitshilfen" starts page 2
    assert text[1].startswith("Rücklauf der Arbeitshilfen")


@needs_chromium
def test_a_long_table_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    root = shutil.copytree(FIXTURE, tmp_path / "repo")
    sheet = root / "worksheets" / "westfeld" / "prozessmanagement-2025.yaml"
    text = sheet.read_text(encoding="utf-8")
    assert "\ntodos:" not in text
    todos = "".join(
        f"  - id: aufgabe-{n}\n    title: \"Aufgabe Nummer {n} mit einem etwas längeren "
        f"Titel, der umbricht\"\n    owner: \"Geschäftsführende Stelle\"\n"
        f"    due: 2027-01-{n % 28 + 1:02d}\n    item: transitions\n" for n in range(70))
    sheet.write_text(text.rstrip("\n") + "\ntodos:\n" + todos, encoding="utf-8")
    page = html_of("-C", str(root), "todo", "westfeld")
    pages = assert_fits(page, tmp_path, "todo")
    assert len(pages) >= 3
    # six columns: printed across the page
    info = subprocess.run(["pdfinfo", "-l", "99", str(tmp_path / "todo.pdf")],
                          capture_output=True, text=True, check=True).stdout
    sizes = re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert len(sizes) == len(pages) and all(float(w) > float(h) for w, h in sizes)
    for number, words in enumerate(pages, 1):
        shown = [w for w, _x in words]
        assert "Verweis" in shown, f"page {number} has no header of the last column"
        assert "Fällig" in shown
