"""Renderers of a check result: text (terminal or plain), json, github annotations."""

from __future__ import annotations

from collections.abc import Callable

from gk import findings as F
from gk.engine.pipeline import CheckResult
from gk.i18n import _
from gk.render.escape import github_message, github_property, json_document, terminal


def _severity_word(severity: str) -> str:
    return _("error") if severity == F.ERROR else _("warning")


def summary_line(result: CheckResult) -> str:
    if result.files == 1:
        if not result.findings:
            return _("No problems found in 1 file.")
        return _("{errors} error(s), {warnings} warning(s) in 1 file.").format(
            errors=result.errors, warnings=result.warnings)
    if not result.findings:
        return _("No problems found in {n} files.").format(n=result.files)
    return _("{errors} error(s), {warnings} warning(s) in {n} files.").format(
        errors=result.errors, warnings=result.warnings, n=result.files)


def render_text(result: CheckResult, excerpts: dict[tuple[str, int], str], color: bool) -> str:
    """hledger-style: file:line:column, the line with a marker, what is wrong, how to fix it."""
    blocks: list[str] = []
    styles = {
        "loc": ("\x1b[1m", "\x1b[0m"), F.ERROR: ("\x1b[1;31m", "\x1b[0m"),
        F.WARNING: ("\x1b[1;33m", "\x1b[0m"), "dim": ("\x1b[2m", "\x1b[0m"),
        "hint": ("\x1b[36m", "\x1b[0m"),
    }

    def paint(style: str, text: str) -> str:
        if not color:
            return text
        start, end = styles[style]
        return f"{start}{text}{end}"

    for finding in result.findings:
        head = (paint("loc", f"{terminal(finding.file)}:{finding.line}:{finding.column}:") + " "
                + paint(finding.severity, f"{_severity_word(finding.severity)} {finding.code}"))
        lines = [head]
        source = excerpts.get((finding.file, finding.line))
        if source is not None:
            number = str(finding.line)
            raw = source.rstrip("\r\n").expandtabs(1)
            shown = terminal(raw)
            pad = " " * len(number)
            lines.append(paint("dim", f"  {number} | ") + shown)
            # under the same character: what precedes it may have grown when made visible
            marker = len(terminal(raw[:max(finding.column - 1, 0)]))
            lines.append(paint("dim", f"  {pad} | ") + " " * marker
                         + paint(finding.severity, "^"))
        lines.append("  " + terminal(finding.message))
        if finding.hint:
            lines.append("  " + paint("hint", terminal(finding.hint)))
        blocks.append("\n".join(lines))
    blocks.append(summary_line(result))
    return "\n\n".join(blocks) + "\n"


def render_json(result: CheckResult) -> str:
    payload = {
        "findings": [
            {"file": f.file, "line": f.line, "column": f.column, "severity": f.severity,
             "code": f.code, "message": f.text}
            for f in result.findings
        ],
        "errors": result.errors,
        "warnings": result.warnings,
    }
    return json_document(payload)


def render_github(result: CheckResult) -> str:
    out = []
    for f in result.findings:
        kind = "error" if f.severity == F.ERROR else "warning"
        out.append(f"::{kind} file={github_property(f.file)},line={f.line},col={f.column}::"
                   + github_message(f"{f.code}: {f.text}"))
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[..., str]] = {
    "json": render_json,
    "github": render_github,
}
