"""The one escaping layer: user text (anything from the YAML files or from file names) made safe
for each medium gk writes — terminal, Markdown, Mermaid, CSV, spreadsheets, JSON, GitHub
annotations, HTML.

Every renderer passes user text through the function of its medium here and nowhere else, so
a renderer cannot forget a rule and two renderers cannot disagree. The module imports only
``re`` at start-up (shell completion and error messages use it too). Each function takes the raw
text and returns text for exactly one medium: never feed the result of one into another (that
would escape twice). The structure a renderer adds itself (its own ANSI colours, table pipes,
``::error`` prefixes) is not user text and is not passed through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# C0 controls (tab and line feed are handled apart), DEL and the C1 controls: in a terminal
# they move the cursor, change colours, set the window title (ESC ] ...) or clear the screen.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidirectional controls reorder what is shown (the "Trojan Source" trick): a file name or a
# title could look like something it is not. Line and paragraph separators break lines.
_INVISIBLE = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_LINE = re.compile(f"[\t\n{_CONTROLS}{_INVISIBLE}]")
_UNSAFE_LINES = re.compile(f"[{_CONTROLS}{_INVISIBLE}]")
_SPACE_RUN = re.compile(r"\s+")  # Python's white space: line and paragraph separators too


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """Runs of white space, line breaks included, become one space (free text in one line)."""
    return _SPACE_RUN.sub(" ", text).strip()


# --- terminal ------------------------------------------------------------------------------

def terminal(text: str, *, lines: bool = False) -> str:
    """Text for a terminal: control, escape and bidi characters shown as ``\\xNN``/``\\uNNNN``.

    Without ``lines`` a tab or line break is shown too (a file name stays one line and cannot
    fake the next finding); with ``lines`` line breaks and tabs are kept (multi-line messages).
    The result is plain text: put it in a ``rich.text.Text``, never in a markup string (rich's
    own markup escaping leaves a backslash before a bracket open to reading)."""
    return (_UNSAFE_LINES if lines else _UNSAFE_LINE).sub(_visible, text)


def inert(text: str) -> bool:
    """True when :func:`terminal` would leave the text as it is (nothing for a terminal or a
    shell to act on): for values that cannot be escaped, such as shell completions."""
    return _UNSAFE_LINE.search(text) is None


def terminal_line(text: str) -> str:
    """Free text (a title, a note) for one line of a terminal: white space folded, then
    :func:`terminal`."""
    return terminal(one_line(text))


# --- Markdown ------------------------------------------------------------------------------

# Characters that start markup anywhere in a line: emphasis, code, links and images, tables,
# strike-through, and the backslash itself. ``<`` ``>`` ``&`` become entities (no HTML).
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
# What starts a block at the start of a line: heading, quote, list, setext underline.
_MD_BLOCK_START = re.compile(r"^([#>+\-=])|^(\d+)([.)])(?=\s|$)")
# ``<`` starts HTML or an autolink only before a letter, ``/``, ``!`` or ``?``: "<3" stays.
_MD_HTML_START = re.compile(r"<(?=[A-Za-z/!?]|$)")


def markdown(text: str) -> str:
    """User text for Markdown: a table cell, a heading or a sentence.

    One line (line breaks would end a table row), no HTML, no link, image, emphasis or code
    span, ``|`` escaped so it cannot add a table column, nothing that starts a block, a
    heading's closing ``#`` kept; control and bidi characters shown as in :func:`terminal`."""
    text = terminal(one_line(text))
    text = _MD_HTML_START.sub("&lt;", text.replace("&", "&amp;")).replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    if text.endswith("#"):  # would close an ATX heading
        text = text[:-1] + "\\#"
    return _MD_BLOCK_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1)
                               else f"{m.group(2)}\\{m.group(3)}", text)


def markdown_code(text: str) -> str:
    """User text as a code span in a Markdown table cell (ids, references, paths).

    The fence is longer than any run of backticks inside; ``|`` is escaped, which GitHub
    Markdown removes again inside table cells before it reads the code span."""
    text = terminal(one_line(text)).replace("|", "\\|")
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_MERMAID_UNSAFE = re.compile(r"[^\w .,:()/+'%-]")


def mermaid(text: str) -> str:
    """A label for a Mermaid chart: no quotes, brackets, markup or line breaks."""
    return re.sub(r"\s+", " ", _MERMAID_UNSAFE.sub(" ", text)).strip() or "-"


# --- CSV -----------------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text and never runs as a formula.

    ``None`` is empty, booleans are ``true``/``false``, numbers stay numbers (``-1`` is no
    formula); text starting with a formula character gets a leading ``'`` (OWASP). Quoting
    of commas, quotes and line breaks is left to :func:`csv_table`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_table(header: Iterable[str], rows: Iterable[Iterable[Any]],
              lineterminator: str = "\n") -> str:
    """A whole CSV document: every cell through :func:`csv_cell`, quoted by the csv module.

    The writer always ends rows with CRLF, because the csv module quotes a cell with a line
    break only when that character is in its line terminator: with ``"\n"`` alone a bare CR
    would go out unquoted and start a new row (whose first cell escaped :func:`csv_cell`).
    Each row's own terminator is then replaced by ``lineterminator``."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    out = []
    for row in (list(header), *([csv_cell(value) for value in row] for row in rows)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        out.append(buffer.getvalue()[:-2] + lineterminator)
    return "".join(out)


def csv_excel_cell(value: Any, decimal_comma: bool = False) -> str:
    """A cell of the CSV for spreadsheet programs (:func:`csv_excel_table`): as
    :func:`csv_cell`, and with ``decimal_comma`` a decimal number written as German Excel
    reads it (``1,5``)."""
    if isinstance(value, float) and not isinstance(value, bool) and decimal_comma:
        return csv_cell(value).replace(".", ",")
    return csv_cell(value)


def csv_excel_table(header: Iterable[str], rows: Iterable[Iterable[Any]],
                    decimal_comma: bool = False) -> str:
    """A CSV document that Excel opens correctly by double-click in a German set-up: UTF-8
    with a byte order mark (else Excel reads it as Windows-1252: "BrÃ¼cke"), ``;`` between
    cells (German Excel's list separator; a comma would leave every row in one column), CRLF
    line ends; a cell holding ``;``, ``,``, a quote or a line break is quoted, so a list
    joined with "; " stays one cell. Every cell goes through the formula guard of
    :func:`csv_cell`."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([csv_excel_cell(value, decimal_comma) for value in row])
    return "\ufeff" + buffer.getvalue()


# --- spreadsheets (XLSX) -------------------------------------------------------------------

# Excel refuses these in a sheet name; a name is at most 31 characters and may not start or
# end with an apostrophe.
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
CELL_LENGTH = 32767  # the most characters a cell holds


def spreadsheet_text(text: str) -> str:
    """User text for a spreadsheet cell written as a string (``write_string``, never a
    formula): control and bidi characters shown as in :func:`terminal`, line breaks kept
    (cells wrap), cut to the 32,767 characters a cell holds."""
    shown = terminal(text, lines=True)
    return shown if len(shown) <= CELL_LENGTH else shown[:CELL_LENGTH - 1] + "…"


def _cut(text: str, length: int) -> str:
    """At most ``length`` characters, cut after a word where one ends in the second half
    ("Participation management", not "Participation management (Teilh")."""
    if len(text) > length:
        head = text[:length + 1]
        space = head.rfind(" ")
        text = head[:space] if space > length // 2 else text[:length]
    return text.rstrip(" ([{-–,;").rstrip("'")


def sheet_name(text: str, taken: set[str]) -> str:
    """A sheet name from user text: no ``[]:*?/\\``, one line, at most 31 characters, not
    starting or ending with ``'``, and unlike every name in ``taken`` (Excel compares them
    regardless of case; "History" is reserved). The name is added to ``taken``."""
    base = one_line(_SHEET_UNSAFE.sub(" ", terminal(one_line(text)))).strip("'").strip()
    if not base or base.casefold() == "history":
        base = "Sheet"
    number = 1
    while True:
        suffix = f" ({number})" if number > 1 else ""
        name = _cut(base, SHEET_NAME_LENGTH - len(suffix)) + suffix
        if name.casefold() not in {t.casefold() for t in taken}:
            taken.add(name)
            return name
        number += 1


# --- JSON ----------------------------------------------------------------------------------

_JSON_INVISIBLE = re.compile(f"[\x7f-\x9f{_INVISIBLE}]")


def json_document(payload: Any) -> str:
    """A JSON document (UTF-8, indented) of raw values: nothing is escaped beforehand.

    ``json.dumps`` already writes C0 controls as ``\\u00NN``; DEL, C1 and bidi characters are
    written as ``\\uNNNN`` too, so a JSON file shown in a terminal cannot move the cursor or
    reorder text, while every parser reads back exactly the original string."""
    import json

    text = json.dumps(payload, ensure_ascii=False, indent=2)
    return _JSON_INVISIBLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text) + "\n"


# --- GitHub workflow commands ----------------------------------------------------------------

def github_message(text: str) -> str:
    """The message of a ``::error ...::message`` workflow command: one line.

    ``%``, CR and LF are encoded as the workflow-command rules say; the log also shows ANSI
    colours, so other control and bidi characters are shown as in :func:`terminal`."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return terminal(text, lines=True)


def github_property(text: str) -> str:
    """A property value (``file=...``) of a workflow command: no ``,`` or ``:`` either."""
    return github_message(text).replace(":", "%3A").replace(",", "%2C")


# --- HTML ----------------------------------------------------------------------------------

def html(text: str) -> str:
    """User text for HTML, between tags or inside a double- or single-quoted attribute value.

    ``& < > " '`` become character references (``html.escape(quote=True)``); control and bidi
    characters are shown as ``\\xNN``/``\\uNNNN`` as in :func:`terminal` (a C0 control is not
    allowed in HTML, and a bidi override would reorder what the reader sees); tabs and line
    breaks stay (they are white space in HTML)."""
    import html as _html

    return _html.escape(terminal(text, lines=True), quote=True)


def html_text(text: str) -> str:
    """User text between HTML tags where it must come back exactly (the forms of ``gk
    serve``, whose values are saved again): only ``& < >`` become references; control and
    bidi characters stay as they are (a report shows them with :func:`html` instead)."""
    import html as _html

    return _html.escape(text, quote=False)


def html_attr(text: str) -> str:
    """User text inside a quoted HTML attribute value (a form field's value) that must come
    back exactly when the form is sent: ``& < > " '`` become references, nothing else."""
    import html as _html

    return _html.escape(text, quote=True)


# --- charts --------------------------------------------------------------------------------

def chart_label(text: str) -> str:
    """A title or label drawn on a chart: one line, control and bidi characters shown as in
    :func:`terminal`. The plotting library writes the SVG and escapes ``<`` ``&`` ``"``
    itself (and is told not to read ``$`` as mathematics)."""
    return terminal_line(text)
