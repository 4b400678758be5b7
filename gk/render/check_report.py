"""Renderers of a check result: text (terminal or plain), json, github annotations."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gk import findings as F
from gk.engine.pipeline import CheckResult
from gk.i18n import _
from gk.render.escape import github_message, github_property, json_document, terminal


def _severity_word(severity: str) -> str:
    return _("error") if severity == F.ERROR else _("warning")


@dataclass(frozen=True)
class Scope:
    """What ``gk check PATH...`` was asked about: the named paths, and the findings of the
    repository's other files (read for references, not shown)."""

    paths: tuple[str, ...]
    other_errors: int = 0
    other_warnings: int = 0
    other_files: int = 0


def scope_of(full: CheckResult, shown: CheckResult, paths: Sequence[str]) -> Scope:
    """The scope of ``shown``, the part of ``full`` that lies in ``paths``."""
    kept = set(shown.findings)
    others = [f for f in full.findings if f not in kept]
    return Scope(tuple(paths), sum(1 for f in others if f.severity == F.ERROR),
                 sum(1 for f in others if f.severity == F.WARNING),
                 len({f.file for f in others}))


def _scoped_summary(result: CheckResult, scope: Scope) -> str:
    what = scope.paths[0] if len(scope.paths) == 1 else _("the {n} named paths").format(
        n=len(scope.paths))
    if not result.findings:
        line = _("No problems found in {what} (references checked against all {n} files of "
                 "the data repository).").format(what=what, n=result.files)
    else:
        line = _("{errors} error(s), {warnings} warning(s) in {what} (references checked "
                 "against all {n} files of the data repository).").format(
                     errors=result.errors, warnings=result.warnings, what=what, n=result.files)
    if scope.other_files:
        line += "\n" + _("Other files have findings too: {errors} error(s), {warnings} "
                          "warning(s) in {files} file(s). 'gk check' without a file name shows "
                          "them.").format(errors=scope.other_errors,
                                          warnings=scope.other_warnings,
                                          files=scope.other_files)
    return line


def summary_line(result: CheckResult, scope: Scope | None = None) -> str:
    if scope is not None:
        return _scoped_summary(result, scope)
    if result.files == 1:
        if not result.findings:
            return _("No problems found in 1 file.")
        return _("{errors} error(s), {warnings} warning(s) in 1 file.").format(
            errors=result.errors, warnings=result.warnings)
    if not result.findings:
        return _("No problems found in {n} files.").format(n=result.files)
    return _("{errors} error(s), {warnings} warning(s) in {n} files.").format(
        errors=result.errors, warnings=result.warnings, n=result.files)


OVERDUE = "GK405"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def overdue_block(findings: list[F.Finding], excerpts: dict[tuple[str, int], str]) -> str:
    """The overdue to-dos of a whole check in one block: a line per alliance with how many,
    the oldest due date and the command that lists them (instead of a block each)."""
    from gk.domain import place_of

    by_alliance: dict[str, list[str]] = {}
    for finding in findings:
        place = place_of(finding.file)
        alliance = (place[1] if place is not None else None) or finding.file
        found = _DATE.search(excerpts.get((finding.file, finding.line), ""))
        by_alliance.setdefault(alliance, []).append(found.group(0) if found else "")
    lines = [_("warning {code}: {n} open to-dos are overdue:").format(
        code=OVERDUE, n=len(findings))]
    width = max(len(terminal(a)) for a in by_alliance)
    for alliance, dues in sorted(by_alliance.items()):
        oldest = min((d for d in dues if d), default="?")
        text = _("{n} overdue, the oldest due on {date}; list them: gk todo {alliance}") \
            if len(dues) > 1 else _("1 overdue, due on {date}; list it: gk todo {alliance}")
        lines.append("  " + terminal(alliance).ljust(width) + "  " + text.format(
            n=len(dues), date=oldest, alliance=terminal(alliance)))
    lines.append("  " + _("Mark each done (gk todo done), give it a new due date or drop it "
                          "('status: dropped'). 'gk check --format json' lists every finding."))
    return "\n".join(lines)


def render_text(result: CheckResult, excerpts: dict[tuple[str, int], str], color: bool,
                scope: Scope | None = None, group_overdue: bool = False) -> str:
    """hledger-style: file:line:column, the line with a marker, what is wrong, how to fix it.
    With ``group_overdue`` (a check of the whole repository), overdue to-dos are one block."""
    blocks: list[str] = []
    overdue = [f for f in result.findings if f.code == OVERDUE] if group_overdue else []
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
        if overdue and finding.code == OVERDUE:
            continue
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
    if len(overdue) > 1:
        blocks.append(overdue_block(overdue, excerpts))
    elif overdue:  # a single one is shown as it is
        return render_text(result, excerpts, color, scope)
    blocks.append(summary_line(result, scope))
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


def render_github(result: CheckResult, scope: Scope | None = None) -> str:
    out = []
    for f in result.findings:
        kind = "error" if f.severity == F.ERROR else "warning"
        out.append(f"::{kind} file={github_property(f.file)},line={f.line},col={f.column}::"
                   + github_message(f"{f.code}: {f.text}"))
    out.append(summary_line(result, scope))
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[..., str]] = {
    "json": render_json,
    "github": render_github,
}
