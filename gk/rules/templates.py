"""Templates a repository adds under ``templates/``: sound enough to check worksheets against.

* GK601: the template's id differs from its file name, it reuses the id of a template shipped
  with gk, two items share an id, or an item names a section the template does not have.
  (Schema errors in a template file are reported with the schema codes GK101–GK108.)
"""

from __future__ import annotations

from collections.abc import Iterator

from gk.domain import SHIPPED_TEMPLATES
from gk.engine.model import Repository
from gk.i18n import _
from gk.rules.base import Context, Problem

CODES = ("GK601",)
# It reads the templates only, no document (see gk.rules.project).
READS: dict[str, tuple[str, ...]] = {}


def check(repo: Repository, context: Context) -> Iterator[Problem]:
    for template in repo.templates.values():
        if template.file is None:
            continue
        stem = template.file.rsplit("/", 1)[-1][: -len(".yaml")]
        if template.id != stem:
            yield Problem("GK601", template.file, ("id",),
                          _("The template id '{id}' does not match the file name '{stem}.yaml'.")
                          .format(id=template.id, stem=stem),
                          _("Make them equal: worksheets name the template by its file name."))
        if stem in SHIPPED_TEMPLATES:
            yield Problem("GK601", template.file, ("id",),
                          _("The template '{id}' is shipped with gk and cannot be replaced.")
                          .format(id=stem),
                          _("Give your template an id of its own, for example '{id}-lokal'.")
                          .format(id=stem))
        sections = {s for s, _title in template.sections}
        seen: set[str] = set()
        for index, item in enumerate(template.items):
            if item.id in seen:
                yield Problem("GK601", template.file, ("items", index, "id"),
                              _("The item id '{id}' appears twice in the template.").format(id=item.id),
                              _("Give every item its own id."))
            seen.add(item.id)
            if item.section is not None and sections and item.section not in sections:
                yield Problem("GK601", template.file, ("items", index, "section"),
                              _("The item '{id}' names the section '{section}', which the template "
                                "does not have.").format(id=item.id, section=item.section),
                              _("Sections: {ids}.").format(ids=", ".join(sorted(sections))))
