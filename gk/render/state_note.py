"""The sentence every report carries about the state it shows (``gk.engine.state``): which
files, which git commit, which day — added to a rendered report after it is made, so a
remembered report (``gk.speed.cached.remembered``) never shows an outdated commit."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from gk.engine.state import (
    AS_OF,
    CURRENT,
    HISTORY_LATER,
    NO_GIT,
    PERIOD_END,
    AsOf,
    State,
    described,
)
from gk.i18n import _
from gk.render.escape import html, json_document, markdown, terminal_line

if TYPE_CHECKING:
    from gk.render.reports import Document

SHORT = 7  # characters of a commit id shown to people (git's own short form)


def _what(state: State) -> str:
    if state.from_history:
        return _("git commit {commit} of {date}, read from the history").format(
            commit=(state.commit or "")[:SHORT],
            date=state.committed.isoformat() if state.committed else "?")
    if not state.git:
        return _("the current files (not under git)")
    if state.commit is None:
        return _("the current files (git, no commit yet)")
    if state.dirty:
        return _("the current files: git commit {commit} with uncommitted changes").format(
            commit=state.commit[:SHORT])
    return _("the current files: git commit {commit}, no uncommitted changes").format(
        commit=state.commit[:SHORT])


def _why(as_of: AsOf) -> str:
    if as_of.basis == AS_OF:
        return _("Chosen with --as-of {value}.").format(value=as_of.requested)
    if as_of.basis == PERIOD_END:
        return _("This is the state at the end of the period; --as-of chooses another one.")
    if as_of.fallback == NO_GIT:
        return _("The state at the end of the period ({date}) cannot be read, because the data "
                 "repository is not under git: all figures describe the current files."
                 ).format(date=as_of.requested)
    if as_of.fallback == HISTORY_LATER:
        return _("The state at the end of the period ({date}) cannot be read, because the git "
                 "history begins later ({first}): all figures describe the current files."
                 ).format(date=as_of.requested,
                          first=as_of.history_from.isoformat() if as_of.history_from else "–")
    return ""


def sentences(as_of: AsOf) -> list[str]:
    """What the report shows, in the user's language: one sentence for the state (one per
    repository when there are several) and one for why it was chosen, when it was."""
    as_of = described(as_of)
    day = as_of.day.isoformat()
    if len(as_of.states) == 1:
        out = [_("Data as of {day}: {what}.").format(day=day, what=_what(as_of.states[0]))]
    else:
        out = [_("Data as of {day}:").format(day=day)] + [
            _("{repository}: {what}.").format(repository=s.label, what=_what(s))
            for s in as_of.states]
    why = _why(as_of)
    return [*out, why] if why else out


def _insert_after_heading(text: str, block: list[str], heading: Callable[[list[str]], int]
                          ) -> str:
    lines = text.split("\n")
    at = heading(lines)
    return "\n".join([*lines[:at], *block, *lines[at:]])


def _markdown_heading(lines: list[str]) -> int:
    return 2 if lines and lines[0].startswith("#") and len(lines) > 1 and not lines[1] else 0


def _text_heading(lines: list[str]) -> int:
    underlined = len(lines) > 2 and lines[1] and set(lines[1]) == {"="} and not lines[2]
    return 3 if underlined else 0


def worth_saying(as_of: AsOf) -> bool:
    """Whether a report for people names its state: always, unless it shows the current files
    of one repository (what everyone expects; its date is in the report already)."""
    return as_of.basis != CURRENT or as_of.requested is not None or len(as_of.states) > 1


def stamp(text: str, fmt: str, as_of: AsOf, always: bool = False) -> str:
    """The rendered report with the state added: a key ``as_of`` in JSON, always (before
    ``sources``, which stays last); a paragraph after the title in Markdown, text and HTML
    when it is ``worth_saying`` or ``always`` (the summary, which goes into reports). CSV
    has no place for it and stays as it is."""
    if fmt != "json" and not (always or worth_saying(as_of)):
        return text
    as_of = described(as_of)
    if fmt == "json":
        document = json.loads(text)
        if not isinstance(document, dict):
            return text
        tail = {"sources": document.pop("sources")} if "sources" in document else {}
        return json_document({**document, "as_of": as_of.payload(), **tail})
    if fmt == "markdown":
        block = [markdown(s) for s in sentences(as_of)]
        return _insert_after_heading(text, ["  \n".join(block), ""], _markdown_heading)
    if fmt == "text":
        block = [terminal_line(s) for s in sentences(as_of)]
        return _insert_after_heading(text, [*block, ""], _text_heading)
    if fmt == "html" and "</h1>" in text:
        para = "<p class=\"as-of\">" + "<br>".join(html(s) for s in sentences(as_of)) + "</p>"
        return text.replace("</h1>", "</h1>\n" + para, 1)
    return text


def stamp_document(document: Document, as_of: AsOf, always: bool = False) -> Document:
    """A report layout (for the spreadsheet, which is made from the layout, not from text)
    with the sentences about its state first in its introduction — under the same rule as
    :func:`stamp`."""
    if not (always or worth_saying(as_of)):
        return document
    return dataclasses.replace(document, intro=[*sentences(as_of), *document.intro])
