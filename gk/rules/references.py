"""References between files: follow-ups, districts, templates, checklist items and to-dos.

* GK301: a ``follow_up`` names a service that does not exist (``id`` in the same alliance,
  ``alliance/id`` in another).
* GK302: ``district`` names no alliance, or one that is not of type ``kreis``.
* GK303: a worksheet's ``template`` is neither shipped with gk nor in ``templates/``.
* GK304: a worksheet answers an item its template does not have (found while validating the
  worksheet against the schema made from its template).
* GK305: a to-do's ``item`` is neither an item of the worksheet's template nor of the
  ``prozessmanagement`` checklist.
* GK306: two to-dos of one worksheet share an ``id``.
"""

from __future__ import annotations

from collections.abc import Iterator

from gk.domain import CHECKLIST_TEMPLATE, path_of, suggest
from gk.engine.model import Repository
from gk.i18n import _
from gk.rules.base import Context, Problem

CODES = ("GK301", "GK302", "GK303", "GK304", "GK305", "GK306")
# What this rule reads of each kind of document (top-level keys): the engine gives it
# nothing else (see gk.rules.project).
READS = {"alliance": ("district", "type"), "service": ("follow_up",),
         "worksheet": ("date", "template", "todos")}


def _did_you_mean(guess: str | None) -> str:
    return (_("Did you mean '{guess}'?").format(guess=guess) + " ") if guess else ""


def check(repo: Repository, context: Context) -> Iterator[Problem]:
    for service in repo.services.values():
        follow = service.data.get("follow_up")
        if not isinstance(follow, list):
            continue
        for index, ref in enumerate(follow):
            if not isinstance(ref, str) or repo.has_service(service.alliance, ref):
                continue
            other, _sep, sid = ref.rpartition("/")
            if path_of("service", other or service.alliance, sid) in repo.unloaded:
                continue  # the service exists but does not load: its own finding says why
            if "/" in ref:
                other, _sep, sid = ref.partition("/")
                if other not in repo.alliances:
                    guess = suggest(other, repo.alliances)
                    hint = _did_you_mean(f"{guess}/{sid}" if guess else None)
                else:
                    guess = suggest(sid, repo.service_ids(other))
                    hint = _did_you_mean(f"{other}/{guess}" if guess else None)
            else:
                guess = suggest(ref, repo.service_ids(service.alliance))
                hint = _did_you_mean(guess)
            hint += _("Name a service of the same alliance by its id, one of another alliance "
                      "as 'alliance/id'.")
            yield Problem("GK301", service.file, ("follow_up", index),
                          _("The follow-up service '{ref}' does not exist.").format(ref=ref), hint)
    for alliance in repo.alliances.values():
        district = alliance.data.get("district")
        if not isinstance(district, str):
            continue
        target = repo.alliances.get(district)
        if target is None and path_of("alliance", None, district) in repo.unloaded:
            continue
        if target is None:
            kreise = [a.id for a in repo.alliances.values() if a.type == "kreis"]
            yield Problem("GK302", alliance.file, ("district",),
                          _("The district '{id}' is not an alliance of this repository.")
                          .format(id=district),
                          _did_you_mean(suggest(district, kreise or repo.alliances))
                          + _("Name the id of the Kreis alliance (its file in 'alliances/')."))
        elif target.type != "kreis":
            yield Problem("GK302", alliance.file, ("district",),
                          _("The district '{id}' is not a Kreis (its type is '{type}').")
                          .format(id=district, type=target.type),
                          _("A district must be an alliance of type 'kreis'."))
    checklist = repo.templates.get(CHECKLIST_TEMPLATE)
    checklist_ids = checklist.item_ids if checklist else ()
    for sheet in repo.worksheets.values():
        template_id = sheet.template
        template = repo.templates.get(template_id) if template_id else None
        if template_id and template is None:
            yield Problem("GK303", sheet.file, ("template",),
                          _("The template '{id}' is unknown.").format(id=template_id),
                          _did_you_mean(suggest(template_id, repo.templates))
                          + _("Known templates: {ids}.").format(ids=", ".join(repo.templates)))
        seen: dict[str, int] = {}
        for todo in sheet.todos:
            path = ("todos", todo.index)
            if todo.id:
                if todo.id in seen:
                    yield Problem("GK306", sheet.file, (*path, "id"),
                                  _("The to-do id '{id}' is used twice in this worksheet "
                                    "(also in entry {n}).").format(id=todo.id, n=seen[todo.id] + 1),
                                  _("Give every to-do its own id, for example "
                                    "'{id}-2'.").format(id=todo.id))
                else:
                    seen[todo.id] = todo.index
            item = todo.data.get("item")
            # A to-do serves an item of its own worksheet's template or of the checklist.
            known = (*(template.item_ids if template else ()), *checklist_ids)
            if isinstance(item, str) and template is not None and item not in known:
                yield Problem("GK305", sheet.file, (*path, "item"),
                              _("The to-do names the item '{item}', which neither template '{template}' "
                                "nor the checklist has.").format(item=item, template=template.id),
                              _did_you_mean(suggest(item, known))
                              + _("Use an item id of the template, or delete 'item'."))
