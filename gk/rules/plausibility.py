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

from collections.abc import Iterator

from gk.domain import CHECKLIST_TEMPLATE, current_sheets, is_overdue, item_statuses, parse_date
from gk.engine.model import Repository
from gk.i18n import _
from gk.rules.base import Context, Problem

CODES = ("GK401", "GK402", "GK403", "GK404", "GK405", "GK406", "GK407", "GK408")
# What this rule reads of each kind of document (top-level keys): the engine gives it
# nothing else (see gk.rules.project).
READS = {"alliance": ("district", "type"),
         "service": ("age", "end", "start", "status", "verified"),
         "worksheet": ("date", "items", "template", "todos")}


def check(repo: Repository, context: Context) -> Iterator[Problem]:
    today = context.today
    for service in repo.services.values():
        data = service.data
        start, end = parse_date(data.get("start")), parse_date(data.get("end"))
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
        verified = parse_date(data.get("verified"))
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
    for sheet in repo.worksheets.values():
        date = parse_date(sheet.data.get("date"))
        if date and date > today:
            yield Problem("GK404", sheet.file, ("date",),
                          _("The worksheet is dated {date}, which lies in the future.").format(date=date),
                          _("Enter the date on which the worksheet was filled in."))
        for todo in sheet.todos:
            if is_overdue(todo.data, today):
                yield Problem("GK405", sheet.file, ("todos", todo.index, "due"),
                              _("The to-do '{title}' was due on {due} and is still open.")
                              .format(title=todo.data.get("title", todo.id), due=todo.due),
                              _("Mark it done (gk todo done), set a new due date, or drop it."))
    template = repo.templates.get(CHECKLIST_TEMPLATE)
    current = current_sheets(repo.worksheets.values())
    for (_alliance, template_id), sheet in current.items():
        if template_id != CHECKLIST_TEMPLATE:
            continue
        items = sheet.data.get("items")
        answered = items if isinstance(items, dict) else {}
        missing = [i for i in (template.item_ids if template else ()) if i not in answered]
        if missing:
            yield Problem("GK406", sheet.file, ("items",) if isinstance(items, dict) else (),
                          _("{n} checklist item(s) are unanswered: {ids}.")
                          .format(n=len(missing), ids=", ".join(missing)),
                          _("Add each with a status ({statuses}).").format(
                              statuses=", ".join(item_statuses())),
                          key=True)
