"""Findings: problems in the data, kept as values with file, line, column, code and severity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

ERROR = "error"
WARNING = "warning"


class Code(NamedTuple):
    code: str
    severity: str
    title: str  # English, short; translated for display
    area: str


# The catalogue of finding codes. Ranges: 0xx files and YAML, 1xx schema, 2xx layout,
# 3xx references, 4xx plausibility, 5xx privacy, 6xx templates. A defect of gk itself is
# never a finding: it stops the run as an internal error (see gk.cli.main).
CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code("GK001", ERROR, "YAML syntax error", "yaml"),
        Code("GK002", ERROR, "Duplicate key", "yaml"),
        Code("GK003", ERROR, "More than one YAML document", "yaml"),
        Code("GK004", ERROR, "Top level is not a mapping", "yaml"),
        Code("GK005", ERROR, "Not UTF-8 text", "yaml"),
        Code("GK006", ERROR, "Tab character used for indentation", "yaml"),
        Code("GK007", ERROR, "Aliases refused (alias bomb or recursion)", "yaml"),
        Code("GK008", ERROR, "Nesting too deep", "yaml"),
        Code("GK009", ERROR, "File too large", "yaml"),
        Code("GK010", ERROR, "File cannot be read", "yaml"),
        Code("GK011", ERROR, "Unsupported YAML tag", "yaml"),
        Code("GK012", ERROR, "Empty file", "yaml"),
        Code("GK101", ERROR, "Unknown key", "schema"),
        Code("GK102", ERROR, "Value not allowed", "schema"),
        Code("GK103", ERROR, "Required key missing", "schema"),
        Code("GK104", ERROR, "Wrong type of value", "schema"),
        Code("GK105", ERROR, "Invalid date", "schema"),
        Code("GK106", ERROR, "Value out of range", "schema"),
        Code("GK107", ERROR, "Value has the wrong form", "schema"),
        Code("GK108", ERROR, "Schema violation", "schema"),
        Code("GK109", ERROR, "Number not finite or absurdly large", "schema"),
        Code("GK110", WARNING, "Invisible control character in text", "schema"),
        Code("GK201", ERROR, "File in a place where no kind belongs", "layout"),
        Code("GK202", ERROR, "File name does not match the id", "layout"),
        Code("GK203", ERROR, "Folder names no alliance", "layout"),
        Code("GK204", ERROR, "File name is not a valid id", "layout"),
        Code("GK205", WARNING, "Stray file in a data folder", "layout"),
        Code("GK206", ERROR, "File name is not UTF-8", "layout"),
        Code("GK301", ERROR, "Follow-up service not found", "references"),
        Code("GK302", ERROR, "District not found or not a Kreis", "references"),
        Code("GK303", ERROR, "Unknown worksheet template", "references"),
        Code("GK304", ERROR, "Unknown checklist item", "references"),
        Code("GK305", ERROR, "To-do names an unknown item", "references"),
        Code("GK306", ERROR, "Duplicate to-do id", "references"),
        Code("GK401", ERROR, "End date before start date", "plausibility"),
        Code("GK402", ERROR, "Age range reversed", "plausibility"),
        Code("GK403", ERROR, "Active service has ended", "plausibility"),
        Code("GK404", ERROR, "Worksheet dated in the future", "plausibility"),
        Code("GK405", WARNING, "Open to-do is overdue", "plausibility"),
        Code("GK406", WARNING, "Checklist item unanswered", "plausibility"),
        Code("GK407", WARNING, "Service entry not verified recently", "plausibility"),
        Code("GK408", WARNING, "District set for an alliance that is not kreisangehörig", "plausibility"),
        Code("GK501", WARNING, "Private e-mail address", "privacy"),
        Code("GK502", WARNING, "Phone number", "privacy"),
        Code("GK503", WARNING, "Date of birth", "privacy"),
        Code("GK504", WARNING, "File number (Aktenzeichen)", "privacy"),
        Code("GK505", WARNING, "Name of a person where a role belongs", "privacy"),
        Code("GK506", WARNING, "Bank account (IBAN)", "privacy"),
        Code("GK507", WARNING, "Where a person lives", "privacy"),
        Code("GK508", WARNING, "Health details about a person", "privacy"),
        Code("GK509", WARNING, "Overlapping target-group counts reveal a small number", "privacy"),
        Code("GK601", ERROR, "Template file is broken", "templates"),
    )
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one file. ``line`` and ``column`` are 1-based; 0 means 'whole file'."""

    file: str
    line: int
    column: int
    code: str
    severity: str
    message: str
    hint: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)

    @property
    def text(self) -> str:
        """Message and fix as one sentence pair (the JSON ``message``)."""
        return f"{self.message} {self.hint}".strip()


def make(code: str, file: str, line: int, column: int, message: str, hint: str = "") -> Finding:
    """Create a finding; the severity comes from the code catalogue, never from the caller."""
    return Finding(file, line, column, code, CODES[code].severity, message, hint)


def to_tuple(f: Finding) -> tuple[str, int, int, str, str, str, str]:
    return (f.file, f.line, f.column, f.code, f.severity, f.message, f.hint)


def from_tuple(t: tuple[str, int, int, str, str, str, str]) -> Finding:
    return Finding(*t)
