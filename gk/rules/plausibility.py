"""Plausibility: values that are each valid but do not fit together or do not fit today.

* GK401: a service's ``end`` lies before its ``start``.
* GK402: ``age.min`` is greater than ``age.max``.
* GK403: a service is ``active`` although its ``end`` has passed.
* GK404: a worksheet is dated in the future.
* GK405 (warning): an open to-do is overdue.
* GK406 (warning): a checklist item of the current ``prozessmanagement`` sheet is unanswered.
* GK407 (warning): a service was last ``verified`` more than ``--stale DAYS`` days ago.
* GK408 (warning): an alliance names a ``district`` but is not a ``kreisangehoerige-kommune``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from gk.engine.model import Repository, Worksheet
from gk.i18n import _
from gk.rules.base import Context, Problem

CODES = ("GK401", "GK402", "GK403", "GK404", "GK405", "GK406", "GK407", "GK408")


def as_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def check(repo: Repository, context: Context) -> Iterator[Problem]:
    today = context.today
    for service in repo.services.values():
        data = service.data
        start, end = as_date(data.get("start")), as_date(data.get("end"))
        if start and end and end < start:
            yield Problem("GK401", service.file, ("end",),
                          _("The end date {end} lies before the start date {start}.")
                          .format(end=end, start=start),
                          _("Correct one of the two dates (YYYY-MM-DD)."))
        age = data.get("age")
        if isinstance(age, dict):
            low, high = age.get("min"), age.get("max")
            if isinstance(low, int) and isinstance(high, int) and low > high:
                yield Problem("GK402", service.file, ("age", "min"),
                              _("The lowest age {low} is greater than the highest age {high}.")
                              .format(low=low, high=high),
                              _("Swap the two numbers."))
        if service.status == "active" and end and end < today:
            yield Problem("GK403", service.file, ("status",),
                          _("The service is marked 'active', but it ended on {end}.").format(end=end),
                          _("Set 'status: ended', or correct the end date if it runs longer."))
        verified = as_date(data.get("verified"))
        if context.stale_days is not None and verified is not None \
                and (today - verified).days > context.stale_days:
            yield Problem("GK407", service.file, ("verified",),
                          _("The entry was last confirmed on {date}, {days} days ago.")
                          .format(date=verified, days=(today - verified).days),
                          _("Ask the provider whether it is still true and update 'verified'."))
    for alliance in repo.alliances.values():
        if isinstance(alliance.data.get("district"), str) and alliance.type in (
                "kreis", "kreisfreie-stadt"):
            yield Problem("GK408", alliance.file, ("district",),
                          _("Only a 'kreisangehoerige-kommune' belongs to a district; this "
                            "alliance is of type '{type}'.").format(type=alliance.type),
                          _("Delete 'district' or correct 'type'."))
    current_pm: dict[str, Worksheet] = {}
    for sheet in repo.worksheets.values():
        date = as_date(sheet.data.get("date"))
        if date and date > today:
            yield Problem("GK404", sheet.file, ("date",),
                          _("The worksheet is dated {date}, which lies in the future.").format(date=date),
                          _("Enter the date on which the worksheet was filled in."))
        for todo in sheet.todos:
            due = as_date(todo.due)
            if todo.status == "open" and due and due < today:
                yield Problem("GK405", sheet.file, ("todos", todo.index, "due"),
                              _("The to-do '{title}' was due on {due} and is still open.")
                              .format(title=todo.data.get("title", todo.id), due=due),
                              _("Mark it done (gk todo done), set a new due date, or drop it."))
        if sheet.template == "prozessmanagement":
            latest = current_pm.get(sheet.alliance)
            if latest is None or (sheet.date, sheet.id) > (latest.date, latest.id):
                current_pm[sheet.alliance] = sheet
    template = repo.templates.get("prozessmanagement")
    for sheet in current_pm.values():
        items = sheet.data.get("items")
        answered = items if isinstance(items, dict) else {}
        missing = [i for i in (template.item_ids if template else ()) if i not in answered]
        if missing:
            yield Problem("GK406", sheet.file, ("items",) if isinstance(items, dict) else (),
                          _("{n} checklist item(s) are unanswered: {ids}.")
                          .format(n=len(missing), ids=", ".join(missing)),
                          _("Add each with a status (done, in-progress, open, not-applicable)."),
                          key=True)
