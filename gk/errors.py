"""The one exception for a broken set-up or a refused action, and the words for common ones.

Problems in the data are findings (values, see gk.findings). Whatever stops a command instead
(no data repository, an unknown alliance, a file gk will not write) is a ``GkError``; the
command line turns it into one line on standard error and its exit status, in one place
(gk.cli). Everything else that escapes a command is a defect of gk itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from gk.i18n import _

USAGE = 2  # usage or repository errors (the default)
NOTHING = 1  # nothing to show, or an action refused because of the data


class GkError(Exception):
    """A broken set-up or a refused action: ``message`` (already translated) and ``exit_code``."""

    def __init__(self, message: str, exit_code: int = USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def did_you_mean(value: str, candidates: Collection[str]) -> str:
    """A sentence naming the candidate ``value`` was probably meant to be (with a leading
    space, to append to a message), or "" when none is close."""
    from gk.domain import suggest

    found = suggest(value, candidates)
    return (" " + _("Did you mean '{guess}'?").format(guess=found)) if found else ""


def unknown_alliance(alliance: str, known: Collection[str]) -> GkError:
    """The error for an alliance the data repository does not hold, the same in every command."""
    ids = sorted(known)
    message = _("There is no alliance '{alliance}' in this data repository.").format(
        alliance=alliance)
    guess = did_you_mean(alliance, ids)
    if guess:
        message += guess
    elif ids:
        message += " " + _("Known alliances: {alliances}.").format(
            alliances=", ".join(ids[:20]) + (" …" if len(ids) > 20 else ""))
    return GkError(message)


def require_alliances(wanted: Iterable[str], known: Collection[str]) -> None:
    """Stop with ``unknown_alliance`` at the first of ``wanted`` that is not ``known``."""
    for alliance in wanted:
        if alliance not in known:
            raise unknown_alliance(alliance, known)
