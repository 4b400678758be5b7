"""Hostile user text through every command and format: gk.render.escape neutralises it.

A repository built in tmp_path carries the same payload in an alliance name, service titles
and providers, a checklist note, a to-do's title and owner, a gap description and a FILE
NAME; each command's output is then read the way its medium is read (a terminal, a Markdown
table, a spreadsheet, a JSON parser, the GitHub workflow-command parser). Property tests
check each escape function on its own.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import VALID_ALLIANCE, run_gk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gk.render import escape

HOSTILE = ("=HYPERLINK(\"http://x.example\") \x1b[31mROT\x1b]0;Titel\x07 \u202eevil\u202c "
           "\u2066iso\u2069 \x9b2J \x7f [bold]fett[/bold] <script>alert(1)</script> | a | b "
           "[link](http://evil.example) ![bild](x.png) `code` *em* _u_ \r\n# heading\n> quote"
           "\n1. list")
BAD_NAME = "evil\x1b[2J\u202e|,:%\n"  # a service file name: no slug, so a layout finding
BAD_SHEET = "p`|=x\x1b[1m\u202e"  # a worksheet file name: its to-dos' references carry it
# What a terminal must never receive from user text: C0 controls other than line feed, DEL,
# C1 controls, bidi controls, line and paragraph separators.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                    "\u202a-\u202e\u2066-\u2069]")
SGR = re.compile("\x1b\\[[0-9;]*m")  # colours gk itself paints on a terminal


def _yaml(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


@pytest.fixture
def hostile(make_repo) -> Path:  # type: ignore[no-untyped-def]
    q = _yaml(HOSTILE)
    return make_repo({
        "alliances/stadt.yaml": VALID_ALLIANCE.replace("name: Stadt Musterstadt",
                                                       f"name: {_yaml('Stadt ' + HOSTILE)}"),
        "services/stadt/start.yaml": (
            f"title: {q}\nprovider: {q}\nfields: [language]\nopen_to: [duldung, gestattung]\n"
            f"status: active\nfollow_up: [ziel]\nfunding: {q}\n"),
        "services/stadt/ziel.yaml": (
            f"title: {q}\nprovider: Träger\nfields: [work]\nopen_to: [gestattung]\n"
            "status: active\n"),
        f"services/stadt/{BAD_NAME}.yaml": f"title: {q}\n",
        "worksheets/stadt/pm.yaml": (
            "template: prozessmanagement\ndate: 2026-03-01\nitems:\n"
            f"  core-group: {{status: done, note: {q}}}\ntodos:\n"
            f"  - {{id: eins, title: {q}, owner: {q}, due: 2026-01-01, status: open, "
            "item: core-group}\n"),
        f"worksheets/stadt/{BAD_SHEET}.yaml": (
            "template: begleitprotokoll\ndate: 2026-02-01\n"
            "todos:\n  - {id: zwei, title: Zwei, status: open}\n"),
        "worksheets/stadt/bap.yaml": (
            "template: bedarfs-angebotsanalyse\ndate: 2026-03-01\n"
            "needs: {language: high, work: high}\ngaps:\n"
            f"  - {{field: work, statuses: [duldung], description: {q}, priority: high}}\n"
            f"development_needs: {q}\n"),
    })


def gk(root: Path, *args: str) -> str:
    """Standard output exactly as written (click's ``output`` would turn CR LF into LF)."""
    result = run_gk("-C", str(root), *args)
    assert result.exit_code in (0, 1), result.output
    return result.stdout_bytes.decode("utf-8")


# --- how each medium is read ------------------------------------------------------------------

def assert_terminal_safe(text: str) -> None:
    found = UNSAFE.search(SGR.sub("", text))
    assert found is None, f"raw {found.group(0)!r} near {text[max(found.start() - 40, 0):found.end() + 10]!r}"


def unescaped(text: str) -> str:
    """Markdown text with every backslash-escaped character replaced by an inert one: what
    stays is live."""
    return re.sub(r"\\.", "\N{MIDDLE DOT}", text)


def cells(row: str) -> list[str]:
    """The cells of a Markdown table row, split at unescaped pipes (GitHub's rule)."""
    parts, current, index = [], "", 0
    while index < len(row):
        char = row[index]
        if char == "\\" and index + 1 < len(row):
            current += row[index:index + 2]
            index += 2
            continue
        if char == "|":
            parts.append(current)
            current = ""
        else:
            current += char
        index += 1
    parts.append(current)
    return parts[1:-1] if row.startswith("|") and row.rstrip().endswith("|") else parts


def tables(text: str) -> list[list[str]]:
    found: list[list[str]] = []
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
        elif block:
            found.append(block)
            block = []
    return found


def assert_markdown_safe(text: str) -> None:
    assert "ROT" in text  # the payload is there, shown as text
    live = unescaped(text)
    assert "<script" not in live.lower()
    assert re.search(r"<[A-Za-z/!?]", live) is None, "live HTML"
    assert "](" not in live and "[link" not in live, "live link or image"
    assert "`code`" not in live and "*em*" not in live, "live code span or emphasis"
    for line in text.splitlines():
        assert not line.startswith(("> ", "1. ", "# heading", "\\x1b")), line
        if "ROT" in line:  # user text stays in its table row, heading or sentence
            assert line.startswith(("|", "#")) or "ROT" not in line.split()[0], line
    for table in tables(text):
        widths = {len(cells(row)) for row in table}
        assert len(widths) == 1, f"a cell broke out of its column: {table}"
    assert_terminal_safe(text)
    assert_renders_inert(text)


def assert_renders_inert(text: str) -> None:
    """Render with a real CommonMark parser (GFM tables; markdown-it-py comes with rich): the
    payload's markup stays text, and a cell holding the payload holds all of it (GFM drops
    cells beyond the header's, so a split would lose its tail)."""
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    for live in ("<script", "<a ", "<img", "<em>", "<code>code", "<blockquote", "<ol",
                 "<h1>heading", "<s>"):
        assert live not in page, f"{live} in the rendered Markdown"
    assert "[bold]fett[/bold]" in page and "&lt;script&gt;" in page
    for table in re.findall(r"<table>.*?</table>", page, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
        assert len({len(re.findall(r"<t[hd][ >]", row)) for row in rows}) == 1, table
    for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", page, re.S):
        if "ROT" in cell:
            assert "| a | b" in cell and "1. list" in cell, cell


FORMULA = ("=", "+", "-", "@", "\t", "\r")


def read_csv(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA), f"formula cell {cell!r}"
    return rows


def assert_json_exact(text: str) -> object:
    assert UNSAFE.search(text.replace("\n", "")) is None, "raw control character in JSON"
    return json.loads(text)


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


# --- gk check --------------------------------------------------------------------------------

def test_check_text_shows_the_file_name_and_messages_harmlessly(hostile: Path) -> None:
    out = gk(hostile, "check")
    assert_terminal_safe(out)
    assert "services/stadt/evil\\x1b[2J\\u202e|,:%\\x0a.yaml:1:1:" in out
    assert "\\x1b[31mROT" in out  # the overdue to-do's title, quoted in a message


def test_check_text_in_colour_adds_only_gks_own_colours(hostile: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gk.cli.cmd_check.use_color", lambda _output: True)
    out = gk(hostile, "check")
    assert "\x1b[1;31m" in out  # painted by gk
    assert_terminal_safe(out)


def test_check_json_keeps_the_exact_text(hostile: Path) -> None:
    report = assert_json_exact(gk(hostile, "check", "--format", "json"))
    assert isinstance(report, dict)
    files = {f["file"] for f in report["findings"]}
    assert f"services/stadt/{BAD_NAME}.yaml" in files  # not escaped twice, not mangled
    assert any(HOSTILE in f["message"] for f in report["findings"])


def test_check_github_annotations_stay_one_line_each(hostile: Path) -> None:
    out = gk(hostile, "check", "--format", "github")
    report = json.loads(gk(hostile, "check", "--format", "json"))
    lines = out.splitlines()
    assert len(lines) == len(report["findings"]) + 1  # one per finding, then the summary
    assert_terminal_safe(out)
    for line in lines[:-1]:
        match = re.fullmatch(r"::(error|warning) (?P<props>[^:]*)::(?P<message>.*)", line)
        assert match, line
        props = match["props"].split(",")
        assert [p.split("=", 1)[0] for p in props] == ["file", "line", "col"]
        assert "\r" not in match["message"]
    bad = next(line for line in lines if "evil" in line)
    assert "file=services/stadt/evil\\x1b[2J\\u202e|%2C%3A%25%0A.yaml," in bad


# --- gk todo ---------------------------------------------------------------------------------

def test_todo_text(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = gk(hostile, "todo")
    assert_terminal_safe(out)
    assert "[bold]fett[/bold]" in out
    assert "stadt/p`|=x\\x1b[1m\\u202e/zwei" in out
    monkeypatch.setattr("gk.cli.cmd_todo.use_color", lambda _output: True)
    coloured = gk(hostile, "todo")
    assert "[bold]fett[/bold]" in SGR.sub("", coloured)  # rich did not read it as markup
    assert_terminal_safe(coloured)


def test_todo_markdown(hostile: Path) -> None:
    out = gk(hostile, "todo", "--format", "markdown")
    assert_markdown_safe(out)
    (table,) = tables(out)
    assert len(cells(table[0])) == 6 and len(table) == 4
    assert "``stadt/p`\\|=x\\x1b[1m\\u202e/zwei``" in out


def test_todo_json(hostile: Path) -> None:
    payload = assert_json_exact(gk(hostile, "todo", "--format", "json"))
    assert isinstance(payload, dict)
    eins, zwei = payload["todos"]
    assert eins["title"] == HOSTILE and eins["owner"] == HOSTILE
    assert zwei["worksheet"] == BAD_SHEET


def test_todo_csv(hostile: Path) -> None:
    header, eins, zwei = read_csv(gk(hostile, "todo", "--format", "csv"))
    record = dict(zip(header, eins, strict=True))
    assert record["title"] == "'" + HOSTILE and record["owner"] == "'" + HOSTILE
    assert dict(zip(header, zwei, strict=True))["worksheet"] == BAD_SHEET


def test_todo_dry_run_diff_is_terminal_safe(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo({"alliances/stadt.yaml": VALID_ALLIANCE,
                      "worksheets/stadt/pm.yaml": (
                          "template: prozessmanagement\ndate: 2026-03-01\ntodos:\n"
                          "  - {id: eins, title: Titel \u202eevil\u202c, status: open}\n")})
    result = run_gk("-C", str(root), "todo", "done", "stadt/pm/eins", "--dry-run")
    assert result.exit_code == 0
    assert "\\u202eevil" in result.output
    assert_terminal_safe(result.output)


# --- gk checklist ----------------------------------------------------------------------------

def test_checklist_text(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = gk(hostile, "checklist", "stadt")
    assert_terminal_safe(out)
    assert "\\x1b[31mROT" in out
    monkeypatch.setattr("gk.cli.cmd_checklist.use_color", lambda _output: True)
    assert_terminal_safe(gk(hostile, "checklist", "stadt"))


def test_checklist_markdown(hostile: Path) -> None:
    out = gk(hostile, "checklist", "stadt", "--format", "markdown")
    assert_markdown_safe(out)
    assert all(len(cells(row)) == 4 for table in tables(out) for row in table)


def test_checklist_json(hostile: Path) -> None:
    payload = assert_json_exact(gk(hostile, "checklist", "stadt", "--format", "json"))
    assert HOSTILE in strings(payload)


# --- gk gaps ---------------------------------------------------------------------------------

def test_gaps_text(hostile: Path) -> None:
    out = gk(hostile, "gaps")
    assert_terminal_safe(out)
    assert "\\u202eevil" in out


def test_gaps_markdown(hostile: Path) -> None:
    out = gk(hostile, "gaps", "--format", "markdown")
    assert_markdown_safe(out)
    chains = tables(out.split("\n## ")[-1])[0]
    assert len(chains) == 3 and all(len(cells(row)) == 6 for row in chains)


def test_gaps_csv_and_json(hostile: Path) -> None:
    header, *rows = read_csv(gk(hostile, "gaps", "--format", "csv"))
    chain = next(dict(zip(header, r, strict=True)) for r in rows if r[0] == "broken-chain")
    assert chain["from_title"] == "'" + HOSTILE
    assert_json_exact(gk(hostile, "gaps", "--format", "json"))


# --- gk summarize ----------------------------------------------------------------------------

def test_summarize_markdown_with_notes_and_sources(hostile: Path) -> None:
    out = gk(hostile, "summarize", "--format", "markdown", "--notes", "--sources")
    assert_markdown_safe(out)
    notes = tables(out.split("\n## ")[-2])[0]
    assert len(notes) > 2 and all(len(cells(row)) == 4 for row in notes)


def test_summarize_text_and_json(hostile: Path) -> None:
    out = gk(hostile, "summarize", "--notes")
    assert_terminal_safe(out)
    assert "\\x1b[31mROT" in out
    payload = assert_json_exact(gk(hostile, "summarize", "--format", "json", "--notes"))
    assert HOSTILE in strings(payload)


# --- gk export -------------------------------------------------------------------------------

def test_export_csv(hostile: Path) -> None:
    header, *rows = read_csv(gk(hostile, "export", "--format", "csv"))
    by_id = {r[1]: dict(zip(header, r, strict=True)) for r in rows}
    start = by_id["start"]
    assert start["title"] == start["provider"] == start["funding"] == "'" + HOSTILE


def test_export_hsds_json(hostile: Path) -> None:
    payload = assert_json_exact(gk(hostile, "export", "--format", "hsds"))
    assert HOSTILE in strings(payload)


# --- messages that quote ids and file names --------------------------------------------------

def test_unknown_alliance_messages_are_terminal_safe(hostile: Path) -> None:
    (hostile / "alliances" / "b\x1b[2Jse\u202e.yaml").write_text(VALID_ALLIANCE, encoding="utf-8")
    for args in (("checklist", "xyz"), ("gaps", "xyz"), ("todo", "xyz")):
        result = run_gk("-C", str(hostile), *args)
        assert result.exit_code == 2
        assert_terminal_safe(result.output)


# --- the escape functions, one property each -------------------------------------------------

PROPERTY = settings(max_examples=300, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
# Text that leans on what matters: markup, controls, bidi, line breaks, formula starts.
nasty = st.text(alphabet=st.one_of(
    st.sampled_from(list("|\\`*_[]()!<>&#=+-@~:,%\t\r\n\x1b\x07\x7f\x9b\u202e\u2066\u2028"
                         "\u200f 1.aZ")),
    st.characters()), max_size=60)


@PROPERTY
@given(nasty, st.booleans())
def test_terminal_never_lets_a_control_through(text: str, lines: bool) -> None:
    shown = escape.terminal(text, lines=lines)
    assert UNSAFE.search(shown.replace("\t", "") if lines else shown) is None
    assert ("\n" in shown) == (lines and "\n" in text)
    assert "\n" not in escape.terminal_line(text) and UNSAFE.search(escape.terminal_line(text)) is None


@PROPERTY
@given(nasty)
def test_markdown_cell_stays_one_cell_and_inert(text: str) -> None:
    from tabulate import tabulate

    cell = escape.markdown(text)
    assert "\n" not in cell and "\r" not in cell
    live = unescaped(cell)
    assert not set(live) & set("|`*_[]~>")
    assert re.search(r"<([A-Za-z/!?]|$)", live) is None
    assert not re.match(r"[#>+\-=]|\d+[.)](\s|$)", live)
    assert not live.endswith("#")
    table = tabulate([[cell, "x"]], headers=["a", "b"], tablefmt="github", disable_numparse=True)
    assert {len(cells(row)) for row in table.splitlines()} == {2}


@PROPERTY
@given(nasty)
def test_markdown_code_is_one_closed_code_span(text: str) -> None:
    span = escape.markdown_code(text)
    if not span:
        assert not text.strip()
        return
    fence = re.match("`+", span)
    assert fence is not None and span.endswith(fence.group(0))
    inner = span[len(fence.group(0)):-len(fence.group(0))]
    assert fence.group(0) not in re.findall("`+", inner)
    assert "\n" not in span and re.search(r"(?<!\\)\|", span) is None


@PROPERTY
@given(st.one_of(nasty, st.integers(), st.none(), st.booleans()))
def test_csv_cell_never_starts_a_formula_and_reads_back(value: object) -> None:
    cell = escape.csv_cell(value)
    if isinstance(value, str):
        assert not cell.startswith(escape.FORMULA_START)
        assert cell in (value, "'" + value)
    (header, row) = list(csv.reader(io.StringIO(escape.csv_table(["a", "b"], [[value, "x"]]),
                                    newline="")))
    assert header == ["a", "b"] and row == [cell, "x"]


@PROPERTY
@given(st.recursive(st.one_of(nasty, st.integers(), st.none()),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(nasty, inner, max_size=3), max_leaves=8))
def test_json_document_is_exact_and_terminal_safe(payload: object) -> None:
    text = escape.json_document(payload)
    assert json.loads(text) == payload
    assert UNSAFE.search(text.replace("\n", "")) is None


@PROPERTY
@given(nasty)
def test_github_annotation_parts_stay_on_one_line(text: str) -> None:
    message, prop = escape.github_message(text), escape.github_property(text)
    for part in (message, prop):
        assert "\n" not in part and "\r" not in part
        assert UNSAFE.search(part.replace("\t", "")) is None
    assert "," not in prop and ":" not in prop
    assert re.search("%(?!25|0D|0A|3A|2C)", prop) is None


@PROPERTY
@given(nasty)
def test_html_and_mermaid(text: str) -> None:
    import html

    shown = escape.html(text)
    assert html.unescape(shown) == escape.terminal(text, lines=True)
    assert not set(shown) & set("<>\"'")
    assert UNSAFE.search(html.unescape(shown).replace("\t", "").replace("\n", "")) is None
    assert re.fullmatch(r"[\w .,:()/+'%-]+", escape.mermaid(text))


def test_check_marker_stays_under_the_offending_value(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo({"alliances/stadt.yaml": VALID_ALLIANCE.replace(
        "lead_office:\n", "lead_office: {organisation: \"\u202e\u202e\", contact: GfS, rolle: x}\nx:\n")})
    out = gk(root, "check")
    assert_terminal_safe(out)
    lines = out.splitlines()
    # Two findings on the line: the bidi controls (GK110, at the value) and 'rolle' (GK101).
    sources = [i for i, line in enumerate(lines) if "| lead_office:" in line]
    assert all("\\u202e\\u202e" in lines[i] for i in sources)
    shown = lines[sources[0]]
    assert {lines[i + 1].index("^") for i in sources} == {
        shown.index("rolle"), shown.index('"\\u202e')}


def test_completion_leaves_out_names_a_shell_would_act_on(hostile: Path) -> None:
    import click

    from gk.cli import cli, completion

    (hostile / "alliances" / "b\x1b[2Jse\u202e.yaml").write_text(VALID_ALLIANCE, encoding="utf-8")
    ctx = click.Context(cli, obj={"directory": str(hostile)})
    found = [i.value for i in completion.complete_alliance(ctx, click.Argument(["x"]), "")]
    assert found == ["stadt"]
    found = [i.value for i in completion.complete_alliance(ctx, click.Argument(["x"]), "b")]
    assert found == []
    refs = [i.value for i in completion.complete_todo_ref(ctx, click.Argument(["x"]), "stadt/")]
    assert refs == ["stadt/pm/eins"]


@PROPERTY
@given(nasty)
def test_inert_is_what_terminal_leaves_alone(text: str) -> None:
    assert escape.inert(text) == (escape.terminal(text) == text)


def test_schema_lists_and_prints_a_repository_template_harmlessly(make_repo) -> None:  # type: ignore[no-untyped-def]
    title = _yaml("Sprech\x1b[2Jstunde \u202eevil\x9b")
    root = make_repo({"templates/sprechstunde.yaml": (
        f"id: sprechstunde\nversion: 1\ntitle: {{de: {title}}}\nanswer: text\n"
        "sections:\n  - {id: ablauf, title: {de: Ablauf}}\n"
        f"items:\n  - {{id: themen, section: ablauf, text: {{de: {title}}}}}\n")})
    listing = gk(root, "schema")
    assert_terminal_safe(listing)
    assert "Sprech\\x1b[2Jstunde \\u202eevil\\x9b" in listing
    printed = gk(root, "schema", "worksheet-sprechstunde")
    assert "\\u202eevil" in printed  # the JSON escape, not the raw character
    assert "Sprech\x1b[2Jstunde \u202eevil\x9b" in strings(assert_json_exact(printed))


# --- spreadsheets: XLSX and the CSV for German Excel ------------------------------------------

def read_workbook(root: Path, tmp_path: Path, *args: str) -> list[str]:
    """Every text cell of the workbook ``gk ARGS --format xlsx`` writes: all of them stored as
    text (no formula in any sheet), none with a raw control or bidi character."""
    import zipfile

    import openpyxl

    target = tmp_path / f"{args[0]}.xlsx"
    result = run_gk("-C", str(root), *args, "--format", "xlsx", "-o", str(target))
    assert result.exit_code in (0, 1), result.output
    with zipfile.ZipFile(target) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in archive.read(name).decode()
    texts = []
    for sheet in openpyxl.load_workbook(target):
        assert len(sheet.title) <= 31 and not set(sheet.title) & set("[]:*?/\\")
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert UNSAFE.search(cell.value.replace("\t", "")) is None, cell.value
                    texts.append(cell.value)
    return texts


@pytest.mark.parametrize("command", [("summarize", "--notes"), ("gaps",), ("todo",)])
def test_xlsx_keeps_user_text_as_inert_text(hostile: Path, tmp_path: Path,
                                           command: tuple[str, ...]) -> None:
    texts = read_workbook(hostile, tmp_path, *command)
    assert any(t.startswith("=HYPERLINK(") for t in texts)  # text, never a formula
    assert any("\\x1b[31mROT" in t and "\\u202eevil" in t for t in texts)


@pytest.mark.parametrize("command", ["todo", "gaps", "export"])
def test_csv_excel_guards_formulas(hostile: Path, command: str) -> None:
    data = run_gk("-C", str(hostile), command, "--format", "csv-excel").stdout_bytes
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len({len(r) for r in rows}) == 1
    cells_ = [c for r in rows for c in r]
    assert not [c for c in cells_ if c.startswith(FORMULA)]
    assert any(c.startswith("'=HYPERLINK(") for c in cells_)
