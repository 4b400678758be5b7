"""``gk todo``: list to-dos across worksheets, mark one done, add one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from gk.cli.common import (
    apply_language,
    common_options,
    date_option,
    emit,
    format_option,
    output_option,
    repository_root,
    resolve_today,
    today_option,
    use_color,
)
from gk.cli.completion import complete_todo_ref, complete_worksheet_ref
from gk.domain import (
    OPEN,
    suggest,
    todo_statuses,
)
from gk.errors import require_alliances
from gk.i18n import _


class TodoGroup(click.Group):
    """A group that also takes an optional ALLIANCE: ``gk todo meerbusch`` lists, while
    ``gk todo done …`` and ``gk todo add …`` run the sub-commands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from gk.i18n import set_language

        lang = (ctx.find_root().obj or {}).get("lang")
        if lang:  # messages of the parsing below already in the chosen language
            set_language(lang)
        args = list(args)
        takes_value: set[str] = set()
        for param in self.get_params(ctx):
            if isinstance(param, click.Option) and not param.is_flag and not param.count:
                takes_value.update(param.opts)
        index = 0
        while index < len(args):
            arg = args[index]
            if arg == "--":
                if index + 1 < len(args):
                    args[index:index + 2] = ["--alliance", args[index + 1]]
                break
            if arg.startswith("-") and arg != "-":
                index += 2 if arg in takes_value else 1
                continue
            if arg not in self.commands:
                rest = [a for a in args[index + 1:] if not a.startswith("-")]
                guess = suggest(arg, self.commands)
                if rest and guess:  # 'gk todo dnoe a/b/c' is a typo, not an alliance
                    raise click.UsageError(_("There is no sub-command '{name}'. Did you mean "
                                             "'{guess}'?").format(name=arg, guess=guess),
                                           ctx)
                args[index:index + 1] = ["--alliance", arg]
            break
        return super().parse_args(ctx, args)


STATUS_CHOICES = [*todo_statuses(), "all"]


@click.group(cls=TodoGroup, invoke_without_command=True,
             subcommand_metavar="[ALLIANCE] | done REF | add REF",
             help=_("""List the to-dos of all worksheets: open ones by default, overdue first,
then by due date (no due date last). Each to-do shows its reference
ALLIANCE/WORKSHEET/TODO, which 'gk todo done' takes.

--owner matches any part of the owner, ignoring case.""")
             + "\n\n\b\n" + _("Examples:") + """
  gk todo
  gk todo meerbusch --owner gfs
  gk todo --due-before 2026-12-31 --format markdown
  gk todo done meerbusch/prozessmanagement-2020/rollen-kreis-klaeren
  gk todo add meerbusch/prozessmanagement-2020 --title "ABH einladen" --due 2026-12-15
""")
@click.option("--alliance", "alliance", hidden=True, default=None)
@click.option("--owner", metavar="TEXT", help=_("Only to-dos whose owner contains TEXT."))
@click.option("--status", type=click.Choice(STATUS_CHOICES), default=OPEN, show_default=True,
              help=_("Which to-dos to show."))
@click.option("--due-before", metavar="DATE",
              help=_("Only to-dos due before DATE (YYYY-MM-DD)."))
@format_option(["text", "markdown", "json", "csv", "html"])
@output_option
@today_option
@common_options
@click.pass_context
def todo(ctx: click.Context, alliance: str | None, owner: str | None, status: str,
         due_before: str | None, fmt: str | None, output: str | None, today: str | None) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from gk.analyses.worksheets import item_texts, list_todos
    from gk.cli.common import load_repository
    from gk.render.worksheet_report import TODO_RENDERERS

    root = repository_root(ctx)
    apply_language(ctx, root)
    day = resolve_today(today)
    before = date_option(due_before, "--due-before") if due_before else None
    repo = load_repository(root)
    if alliance is not None:
        require_alliances([alliance], set(repo.alliances) | repo.alliance_folders)
    rows = list_todos(repo, day, alliance=alliance, owner=owner, status=status,
                      due_before=before)
    text = TODO_RENDERERS[fmt or "text"](rows, use_color(output), status=status, today=day,
                                         items=item_texts(repo))
    emit(text, output)


def _write(root: Path, doc: Any, edit: Any, rel: str, dry_run: bool) -> None:
    from gk.edit.roundtrip import commit, no_new_errors, unified_diff
    from gk.render.escape import terminal

    if dry_run:  # the diff quotes the file: bidi characters are allowed in YAML
        click.echo(terminal(unified_diff(doc, edit.text, rel), lines=True), nl=False)
        click.echo(_("Dry run: nothing was written."), err=True)
        return
    commit(doc, edit.text, edit.expected, rel, accept=no_new_errors(root, rel))


@todo.command("done", help=_("""Mark one to-do as done. Only its 'status' line changes; the
rest of the file (comments, order, quotes, blank lines) stays byte for byte. With --dry-run
the change is shown as a diff and nothing is written.""")
             + "\n\n\b\n" + _("Examples:") + """
  gk todo done meerbusch/prozessmanagement-2020/rollen-kreis-klaeren
  gk todo done meerbusch/prozessmanagement-2020/rollen-kreis-klaeren --dry-run
""")
@click.argument("ref", metavar="ALLIANCE/WORKSHEET/TODO", shell_complete=complete_todo_ref)
@click.option("--dry-run", is_flag=True, help=_("Show the change as a diff; write nothing."))
@common_options
@click.pass_context
def done(ctx: click.Context, ref: str, dry_run: bool) -> None:
    from gk.analyses.todos import split_ref, todo_index, worksheet_file
    from gk.edit.roundtrip import open_document, set_todo_status

    root = repository_root(ctx)
    apply_language(ctx, root)
    alliance, worksheet, todo_id = split_ref(ref, 3)
    path, rel = worksheet_file(root, alliance, worksheet)
    doc = open_document(path, rel, root)
    index = todo_index(doc.data, f"{alliance}/{worksheet}", todo_id, rel)
    entries = doc.data["todos"]
    if entries[index].get("status") == "done":
        click.echo(_("'{ref}' is already done; nothing to change.").format(ref=ref))
        return
    edit = set_todo_status(doc, index, "done")
    _write(root, doc, edit, rel, dry_run)
    if not dry_run:
        click.echo(_("Marked '{ref}' as done ({file}, line {line}).").format(
            ref=ref, file=rel, line=edit.line))


@todo.command("add", help=_("""Add a to-do at the end of a worksheet's to-do list. Without
--id, the id is made from the title (unique within the worksheet). The rest of the file stays
as it is. With --dry-run the change is shown as a diff and nothing is written.""")
             + "\n\n\b\n" + _("Examples:") + """
  gk todo add meerbusch/prozessmanagement-2020 --title "Termin mit der ABH" \\
      --owner GfS --due 2026-12-15
  gk todo add koeln/begleitprotokoll-2025-03-11 --title "Protokoll verschicken" --item documentation
""")
@click.argument("ref", metavar="ALLIANCE/WORKSHEET", shell_complete=complete_worksheet_ref)
@click.option("--title", required=True, help=_("What is to be done, in one sentence."))
@click.option("--owner", help=_("Who takes it on: a role or body, not a person's name."))
@click.option("--due", metavar="DATE", help=_("By when (YYYY-MM-DD)."))
@click.option("--item", metavar="ITEM", help=_("The checklist item the to-do serves."))
@click.option("--id", "todo_id", metavar="ID", help=_("The to-do's id (default: from the title)."))
@click.option("--dry-run", is_flag=True, help=_("Show the change as a diff; write nothing."))
@common_options
@click.pass_context
def add(ctx: click.Context, ref: str, title: str, owner: str | None, due: str | None,
        item: str | None, todo_id: str | None, dry_run: bool) -> None:
    from gk.analyses.todos import new_todo, sheet_items, split_ref, worksheet_file
    from gk.cli.common import load_repository
    from gk.edit.roundtrip import add_todo, open_document

    root = repository_root(ctx)
    apply_language(ctx, root)
    alliance, worksheet = split_ref(ref, 2)
    path, rel = worksheet_file(root, alliance, worksheet)
    if due is not None:
        due = date_option(due, "--due").isoformat()
    doc = open_document(path, rel, root)
    items = sheet_items(load_repository(root), alliance, worksheet) if item is not None else ()
    entry = new_todo(doc.data, title, owner, due, item, todo_id, items)
    todo_id = entry["id"]
    edit = add_todo(doc, entry)
    _write(root, doc, edit, rel, dry_run)
    if not dry_run:
        click.echo(_("Added the to-do '{ref}' ({file}, line {line}).").format(
            ref=f"{alliance}/{worksheet}/{todo_id}", file=rel, line=edit.line))
