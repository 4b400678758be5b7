"""``gk export`` written out: HSDS as JSON, the services as CSV (values made safe by
gk.render.escape)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from gk.analyses.export import CSV_COLUMNS, csv_rows, hsds
from gk.engine.model import Repository
from gk.i18n import get_language
from gk.render.escape import csv_excel_table, csv_table, json_document


def render_csv(repository: Repository, alliances: Iterable[str] = ()) -> str:
    return csv_table(CSV_COLUMNS, csv_rows(repository, alliances))


def render_csv_excel(repository: Repository, alliances: Iterable[str] = ()) -> str:
    """The CSV for German Excel (semicolons, UTF-8 with BOM; see csv_excel_table)."""
    return csv_excel_table(CSV_COLUMNS, csv_rows(repository, alliances),
                           decimal_comma=get_language() == "de")


def render_hsds(repository: Repository, alliances: Iterable[str] = ()) -> str:
    return json_document(hsds(repository, alliances))


EXPORTERS: dict[str, Callable[[Repository, Iterable[str]], str]] = {
    "hsds": render_hsds,
    "csv": render_csv,
    "csv-excel": render_csv_excel,
}
