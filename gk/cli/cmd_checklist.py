"""``gk checklist``: an alliance's process checklist (the current prozessmanagement sheet)."""

from __future__ import annotations

from typing import Any

import click

from gk.cli.common import (
    apply_language,
    as_of_option,
    common_options,
    emit,
    format_option,
    no_cache_option,
    output_option,
    repository_root,
    today_option,
    use_color,
)
from gk.cli.completion import complete_alliance
from gk.errors import NOTHING, GkError, did_you_mean, require_alliances
from gk.i18n import _


@click.command(help=_("""Show an alliance's process checklist: the current (latest) worksheet
'prozessmanagement' with its sections, a mark per item, notes and the progress per section
and overall. Items marked not-applicable do not count; unanswered items are shown as such.

Exit status: 0 shown, 1 the alliance has no such worksheet, 2 unknown alliance or worksheet.""")
             + "\n\n\b\n" + _("Examples:") + """
  gk checklist meerbusch
  gk checklist meerbusch --worksheet prozessmanagement-2020 --format markdown -o stand.md
  gk checklist meerbusch --as-of 2020-12-31
""")
@click.argument("alliance", shell_complete=complete_alliance)
@click.option("--worksheet", "worksheet_id", metavar="ID",
              help=_("Show this worksheet instead of the latest one."))
@format_option(["text", "markdown", "json", "html"])
@output_option
@as_of_option
@no_cache_option
@today_option
@common_options
@click.pass_context
def checklist(ctx: click.Context, alliance: str, worksheet_id: str | None, fmt: str | None,
              output: str | None, as_of: str | None, no_cache: bool, today: str | None
              ) -> None:
    from gk.analyses.worksheets import build_checklist
    from gk.cli.common import load_state, report_state, stamped
    from gk.domain import CHECKLIST_TEMPLATE
    from gk.render.worksheet_report import CHECKLIST_RENDERERS

    root = repository_root(ctx)
    apply_language(ctx, root, cache=not no_cache)
    state = report_state([root], [""], as_of, today)
    repo = load_state(state.states[0], cache=not no_cache)
    require_alliances([alliance], set(repo.alliances) | repo.alliance_folders)
    if worksheet_id is not None:
        sheet = repo.worksheets.get((alliance, worksheet_id))
        if sheet is None:
            ids = [w.id for w in repo.worksheets_of(alliance)]
            raise GkError(_("The alliance '{alliance}' has no worksheet '{id}'.").format(
                alliance=alliance, id=worksheet_id) + did_you_mean(worksheet_id, ids))
        template = repo.templates.get(sheet.template or "")
        if template is not None and template.answer == "none":  # a protocol: shown as one
            _show_protocol(repo, sheet, template, fmt or "text", output, state)
            return
        if template is None or not any(i.answer == "status" for i in template.items):
            raise GkError(_("The worksheet '{id}' (template '{template}') has no checklist "
                            "items.").format(id=worksheet_id, template=sheet.template or "?"))
    else:
        sheet = repo.current_worksheet(alliance, CHECKLIST_TEMPLATE)
        if sheet is None:
            raise GkError(_("The alliance '{alliance}' has no worksheet '{template}' yet. Start "
                            "one with: gk new worksheet {alliance} {template}").format(
                                alliance=alliance, template=CHECKLIST_TEMPLATE), NOTHING)
    result = build_checklist(repo, sheet)
    if fmt == "html":  # the document handed to the alliance: with the sheet's to-dos
        from gk.render.worksheet_report import checklist_html

        todos, items = _sheet_todos(repo, sheet, state.day)
        emit(stamped(checklist_html(result, todos=todos, items=items), "html", state), output)
        return
    emit(stamped(CHECKLIST_RENDERERS[fmt or "text"](result, use_color(output)), fmt or "text",
                 state), output)


def _sheet_todos(repo: Any, sheet: Any, day: Any) -> tuple[list[Any], dict[str, dict[str, str]]]:
    from gk.analyses.worksheets import item_texts, sort_key, todo_rows

    rows = [r for r in todo_rows(repo, day)
            if r.alliance == sheet.alliance and r.worksheet == sheet.id]
    return sorted(rows, key=sort_key), item_texts(repo)


def _show_protocol(repo: Any, sheet: Any, template: Any, fmt: str, output: str | None,
                   state: Any) -> None:
    from gk.cli.common import stamped
    from gk.render.worksheet_report import protocol_document, protocol_json, render_protocol

    todos, items = _sheet_todos(repo, sheet, state.day)
    if fmt == "json":
        emit(stamped(protocol_json(sheet, todos), fmt, state), output)
        return
    alliance = repo.alliances.get(sheet.alliance)
    doc = protocol_document(sheet, alliance.name if alliance else sheet.alliance,
                            dict(template.title), todos, items)
    emit(stamped(render_protocol(fmt, doc, use_color(output)), fmt, state), output)
