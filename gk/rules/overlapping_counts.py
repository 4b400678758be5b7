"""Target-group entries whose overlaps give a small count away.

* GK509 (warning): target-group entries of one date overlap (they name some of the same
  residence statuses) in a way that pins a count of fewer than ``privacy.min_count`` people:
  ``[duldung, gestattung]: 40`` next to ``[gestattung]: 38`` says that 2 people have a
  Duldung, although no entry says so. ``gk summarize`` shows only one of overlapping
  entries anyway (gk.analyses.disclosure); the warning asks for entries that do not
  overlap, since the repository itself is read by many.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gk.analyses.disclosure import effective_min_count, revealing_overlaps, status_entries
from gk.domain import enum_label, parse_date, residence_statuses, whole_number
from gk.engine.model import Repository
from gk.i18n import _
from gk.rules.base import Context, Problem

CODES = ("GK509",)
# What this rule reads of each kind of document (top-level keys): the engine gives it
# nothing else (see gk.rules.project).
READS = {"alliance": ("target_group",)}


def _statuses(entry: dict[str, Any]) -> list[str]:
    named = entry.get("statuses")
    return [s for s in residence_statuses() if isinstance(named, list) and s in named]


def _described(index: int, entry: dict[str, Any]) -> str:
    statuses = _statuses(entry)
    shown = ", ".join(enum_label("residence-status", s) for s in statuses) or _("all statuses")
    return _("entry {n} ({statuses})").format(n=index + 1, statuses=shown)


def check(repo: Repository, context: Context) -> Iterator[Problem]:
    min_count = effective_min_count(repo.min_count)
    for alliance in repo.alliances.values():
        entries = alliance.data.get("target_group")
        if not isinstance(entries, list):
            continue
        by_date: dict[str, list[int]] = {}
        for index, entry in enumerate(entries):
            if isinstance(entry, dict) and parse_date(entry.get("as_of")) is not None:
                by_date.setdefault(str(entry["as_of"]), []).append(index)
        for date, indexes in sorted(by_date.items()):
            found = status_entries([(_statuses(entries[i]), whole_number(entries[i].get("count")))
                                    for i in indexes])
            for cluster in revealing_overlaps(found, min_count):
                where = [indexes[i] for i in cluster]
                yield Problem(
                    "GK509", alliance.file, ("target_group", where[-1], "statuses"),
                    _("The target-group entries of {date} overlap: {entries} count some of the "
                      "same people, and together they reveal a number of fewer than {n} "
                      "people. Reports show only one of these entries.").format(
                          date=date, entries=_(" and ").join(
                              _described(i, entries[i]) for i in where), n=min_count),
                    _("Enter counts that do not overlap: either one entry for Duldung and "
                      "Gestattung together, or one entry for each status on its own, not "
                      "both."))
