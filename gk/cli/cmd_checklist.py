"""``gk checklist``: an alliance's process checklist (the current prozessmanagement sheet)."""

from __future__ import annotations

from typing import NoReturn

import click

from gk.cli.common import (
    apply_language,
    common_options,
    emit,
    format_option,
    output_option,
    repository_root,
    use_color,
)
from gk.cli.completion import complete_alliance
from gk.engine.model import Repository
from gk.i18n import _


def fail(message: str, code: int = 2) -> NoReturn:
    """One clean line on standard error and the exit status (2 usage, 1 nothing to show).
    The message may quote ids, file names and values, so it goes out terminal-safe."""
    from gk.render.escape import terminal

    click.echo(terminal(message), err=True)
    raise click.exceptions.Exit(code)


def did_you_mean(value: str, candidates: list[str]) -> str:
    from gk.engine.validate import suggest

    found = suggest(value, candidates)
    return (" " + _("Did you mean '{guess}'?").format(guess=found)) if found else ""


def known_alliance(repo: Repository, alliance: str) -> None:
    """Stop with exit status 2 when the repository has no such alliance."""
    alliances = sorted(set(repo.alliances) | repo.alliance_folders)
    if alliance not in alliances:
        fail(_("The alliance '{id}' is not in this repository.").format(id=alliance)
             + did_you_mean(alliance, alliances)
             + " " + _("Known alliances: {ids}.").format(ids=", ".join(alliances) or "–"))


@click.command(help=_("""Show an alliance's process checklist: the current (latest) worksheet
'prozessmanagement' with its sections, a mark per item, notes and the progress per section
and overall. Items marked not-applicable do not count; unanswered items are shown as such.

Exit status: 0 shown, 1 the alliance has no such worksheet, 2 unknown alliance or worksheet.""")
             + "\n\n\b\n" + _("Examples:") + """
  gk checklist meerbusch
  gk checklist meerbusch --worksheet prozessmanagement-2020 --format markdown -o stand.md
""")
@click.argument("alliance", shell_complete=complete_alliance)
@click.option("--worksheet", "worksheet_id", metavar="ID",
              help=_("Show this worksheet instead of the latest one."))
@format_option(["text", "markdown", "json"])
@output_option
@common_options
@click.pass_context
def checklist(ctx: click.Context, alliance: str, worksheet_id: str | None, fmt: str | None,
              output: str | None) -> None:
    from gk.analyses.worksheets import CHECKLIST_TEMPLATE, build_checklist
    from gk.engine.pipeline import load_repository
    from gk.render.worksheet_report import CHECKLIST_RENDERERS

    root = repository_root(ctx)
    apply_language(ctx, root)
    repo = load_repository(root)
    known_alliance(repo, alliance)
    if worksheet_id is not None:
        sheet = repo.worksheets.get((alliance, worksheet_id))
        if sheet is None:
            ids = [w.id for w in repo.worksheets_of(alliance)]
            fail(_("The alliance '{alliance}' has no worksheet '{id}'.").format(
                alliance=alliance, id=worksheet_id) + did_you_mean(worksheet_id, ids))
        template = repo.templates.get(sheet.template or "")
        if template is None or not any(i.answer == "status" for i in template.items):
            fail(_("The worksheet '{id}' (template '{template}') has no checklist items.")
                 .format(id=worksheet_id, template=sheet.template or "?"))
    else:
        sheet = repo.current_worksheet(alliance, CHECKLIST_TEMPLATE)
        if sheet is None:
            fail(_("The alliance '{alliance}' has no worksheet '{template}' yet. Start one "
                   "with: gk new worksheet {alliance} {template}").format(
                       alliance=alliance, template=CHECKLIST_TEMPLATE), 1)
    result = build_checklist(repo, sheet)
    emit(CHECKLIST_RENDERERS[fmt or "text"](result, use_color(output)), output)
