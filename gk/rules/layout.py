"""Layout: every file where its kind belongs, named by its id, in the folder of an existing alliance.

* GK202: a document repeats its ``id`` and it differs from the file name.
* GK203: ``services/<folder>/`` or ``worksheets/<folder>/`` names no alliance.
* GK204: a file name (without ``.yaml``) is not a valid id (lower-case slug, at most 64 characters).
"""

from __future__ import annotations

from collections.abc import Iterator

from gk.domain import is_id, path_of, slugify, suggest
from gk.engine.model import Alliance, Repository, Service, Worksheet
from gk.i18n import _
from gk.rules.base import Context, Problem

CODES = ("GK202", "GK203", "GK204")
# What this rule reads of each kind of document (top-level keys): the engine gives it
# nothing else (see gk.rules.project).
READS = {"alliance": ("id",), "service": ("id",), "worksheet": ("id",)}


def slug_hint(name: str) -> str:
    proposal = slugify(name, 64)
    return _("Ids use only lower-case letters a–z, digits and single hyphens (at most 64 "
             "characters); rename it, for example to '{proposal}'.").format(proposal=proposal or "x")


def check(repo: Repository, context: Context) -> Iterator[Problem]:
    placed: list[Service | Worksheet] = [*repo.services.values(), *repo.worksheets.values()]
    documents: list[Alliance | Service | Worksheet] = [*repo.alliances.values(), *placed]
    for doc in documents:
        if not is_id(doc.id):
            yield Problem("GK204", doc.file, (),
                          _("The file name '{name}' is not a valid id.").format(name=doc.id),
                          slug_hint(doc.id))
        declared = doc.data.get("id")
        if isinstance(declared, str) and declared != doc.id:
            yield Problem("GK202", doc.file, ("id",),
                          _("The id '{declared}' does not match the file name '{name}.yaml'.")
                          .format(declared=declared, name=doc.id),
                          _("Make them equal: rename the file or correct the id."))
    reported: set[str] = set()
    for doc in placed:
        if doc.alliance not in repo.alliances and doc.file not in reported \
                and path_of("alliance", None, doc.alliance) not in repo.unloaded:
            reported.add(doc.file)
            folder = doc.file.split("/")[0]
            yield Problem("GK203", doc.file, (),
                          _("The folder '{folder}/{alliance}/' names no alliance: there is no "
                            "'alliances/{alliance}.yaml'.").format(folder=folder,
                                                                   alliance=doc.alliance),
                          _suggest_alliance(repo, doc.alliance))
    for folder in sorted(repo.alliance_folders):
        if not is_id(folder):
            for doc in placed:
                if doc.alliance == folder and doc.file not in reported:
                    reported.add(doc.file)
                    yield Problem("GK204", doc.file, (),
                                  _("The folder name '{name}' is not a valid id.").format(name=folder),
                                  slug_hint(folder))


def _suggest_alliance(repo: Repository, name: str) -> str:
    guess = suggest(name, repo.alliances)
    if guess:
        return _("Did you mean '{guess}'? Rename the folder, or create the alliance with "
                 "'gk new alliance {name}'.").format(guess=guess, name=name)
    return _("Rename the folder to the id of an alliance, or create the alliance with "
             "'gk new alliance {name}'.").format(name=name)
