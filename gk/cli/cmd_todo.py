"""``gk todo``: list to-dos across worksheets, alliances and data repositories; mark them done,
change them, add one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from gk.cli.common import (
    apply_language,
    as_of_option,
    common_options,
    directories,
    emit,
    format_option,
    no_cache_option,
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
from gk.errors import GkError
from gk.i18n import _


class TodoGroup(click.Group):
    """A group that also takes ALLIANCE arguments: ``gk todo meerbusch dormagen`` lists, while
    ``gk todo done …``, ``gk todo edit …`` and ``gk todo add …`` run the sub-commands. An
    alliance named like a sub-command is written after ``--`` (``gk todo -- done``)."""

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
        out: list[str] = []
        index = 0
        first = True
        while index < len(args):
            arg = args[index]
            if arg == "--":
                for named in args[index + 1:]:
                    out += ["--alliance", named]
                break
            if arg.startswith("-") and arg != "-":
                step = 2 if arg in takes_value else 1
                out += args[index:index + step]
                index += step
                continue
            if first and arg in self.commands:  # a sub-command: it parses the rest itself
                out += args[index:]
                break
            if first:
                later = [a for a in args[index + 1:] if not a.startswith("-")]
                guess = suggest(arg, self.commands)
                if guess and any("/" in a for a in later):  # 'gk todo dnoe a/b/c' is a typo
                    raise click.UsageError(_("There is no sub-command '{name}'. Did you mean "
                                             "'{guess}'?").format(name=arg, guess=guess),
                                           ctx)
            first = False
            out += ["--alliance", arg]
            index += 1
        return super().parse_args(ctx, out)


STATUS_CHOICES = [*todo_statuses(), "all"]
DAY_HELP = _("DATE is YYYY-MM-DD or DD.MM.YYYY, +N (N days from today), heute, morgen, "
             "diese-woche or naechste-woche.")


def _period(value: str, option: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days an option's value names (see ``gk.domain.period``), or a usage error."""
    from gk.domain import period

    found = period(value, today)
    if found is None:
        raise click.UsageError(_("{option}: '{value}' is not a date. Write YYYY-MM-DD (or "
                                 "DD.MM.YYYY), +N for N days from today, heute, morgen or "
                                 "diese-woche.").format(option=option, value=value))
    return found


def _due_within(value: str, today: dt.date) -> dt.date:
    """The last day ``--due-within`` keeps: N (days), +N, or a day or week."""
    value = value.strip()
    if value.isdigit():
        value = "+" + value
    last = _period(value, "--due-within", today)[1]
    if last < today:
        raise click.UsageError(_("--due-within: '{value}' lies in the past; to see what is "
                                 "overdue, use --due-before heute.").format(value=value))
    return last


def _sites(ctx: click.Context) -> list[Any]:
    """The data repositories to read: each -C folder (several for a view across sites), else
    the one around the current folder. ``gk todo --no-cache`` holds for its sub-commands."""
    cache = not any(c.params.get("no_cache") for c in (ctx, ctx.parent) if c is not None)
    from gk.analyses.todos import Site
    from gk.engine.discover import find_root

    named = list(dict.fromkeys(directories(ctx)))
    if len(named) <= 1:
        root = repository_root(ctx)
        apply_language(ctx, root, cache=cache)
        return [Site(root)]
    roots = [find_root(Path(folder)) for folder in named]
    apply_language(ctx, roots[0], cache=cache)
    if len({r.resolve() for r in roots}) != len(roots):
        raise GkError(_("The same data repository is named twice."))
    return [Site(root, folder) for root, folder in zip(roots, named, strict=True)]


@click.group(cls=TodoGroup, invoke_without_command=True,
             subcommand_metavar="[ALLIANCE]... | done REF... | edit REF... | add REF",
             help=_("""List the to-dos of all worksheets: open ones by default, overdue first,
then by due date (no due date last). Each to-do shows its reference
ALLIANCE/WORKSHEET/TODO, which 'gk todo done' and 'gk todo edit' take.

Name several alliances to see only theirs, or choose them by --consultant (the
'consultant' of the alliance). -C DIR may be given several times to read several
data repositories at once. --owner and --consultant match any part, ignoring case.
An alliance named like a sub-command goes after '--' (gk todo -- done).""")
             + "\n\n" + DAY_HELP
             + "\n\n\b\n" + _("Examples:") + """
  gk todo
  gk todo meerbusch dormagen --owner gfs
  gk todo --consultant westfalen --due-within 14
  gk todo -C ../kreis-a -C ../kreis-b --due-before diese-woche
  gk todo --as-of 2025-06-30
  gk todo done meerbusch/prozessmanagement-2020/rollen-kreis-klaeren
  gk todo edit rollen-kreis-klaeren --due +14 --owner Jobcenter
  gk todo add meerbusch/prozessmanagement-2020 --title "ABH einladen" --due 2026-12-15
""")
@click.option("--alliance", "alliances", hidden=True, multiple=True)
@click.option("--consultant", metavar="TEXT",
              help=_("Only alliances whose consultant contains TEXT."))
@click.option("--owner", metavar="TEXT", help=_("Only to-dos whose owner contains TEXT."))
@click.option("--status", type=click.Choice(STATUS_CHOICES), default=OPEN, show_default=True,
              help=_("Which to-dos to show."))
@click.option("--due-before", metavar="DATE",
              help=_("Only to-dos due before DATE (a week: before its end)."))
@click.option("--due-within", metavar="N",
              help=_("Only to-dos due from today to N days from now (not yet overdue); N may "
                     "also be a DATE such as diese-woche."))
@format_option(["text", "markdown", "json", "csv", "csv-excel", "html", "xlsx"])
@output_option
@as_of_option
@no_cache_option
@today_option
@common_options
@click.pass_context
def todo(ctx: click.Context, alliances: tuple[str, ...], consultant: str | None,
         owner: str | None, status: str, due_before: str | None, due_within: str | None,
         fmt: str | None, output: str | None, as_of: str | None, no_cache: bool,
         today: str | None) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from gk.analyses.todos import Site, TodoFilter, consulted, require_known, select_todos
    from gk.analyses.worksheets import item_texts
    from gk.cli.common import load_state, report_state, require_file_output, stamped
    from gk.render.worksheet_report import TODO_RENDERERS

    require_file_output(fmt, output)
    sites = _sites(ctx)  # also sets the language of the messages below
    state = report_state([s.root for s in sites], [s.label or "" for s in sites], as_of, today)
    day = state.day
    if state.from_history:
        sites = [Site(site.root, site.label, load_state(at, cache=not no_cache))
                 for site, at in zip(sites, state.states, strict=True)]
    before = None
    if due_before is not None:
        first, last = _period(due_before, "--due-before", day)
        before = first if first == last else last + dt.timedelta(days=1)
    until = _due_within(due_within, day) if due_within is not None else None
    wanted = tuple(dict.fromkeys(alliances))
    require_known(sites, wanted, todo.commands)
    if consultant is not None and not consultant.strip():
        raise click.UsageError(_("--consultant: give a part of the consultant's name."))
    rows = select_todos(sites, day, TodoFilter(
        alliances=wanted, consultant=consultant, owner=owner, status=status,
        due_before=before, due_from=day if until else None, due_to=until))
    if consultant is not None and not any(
            consulted(site.repository, consultant) for site in sites):
        click.echo(_("No alliance has a consultant matching '{text}'.").format(text=consultant),
                   err=True)
    items: dict[str, dict[str, str]] = {}
    for site in sites:
        items.update(item_texts(site.repository))
    if fmt == "xlsx":
        from gk.cli.common import emit_binary
        from gk.render.reports import todo_table_document
        from gk.render.state_note import stamp_document as stamped_document
        from gk.render.xlsx import render_xlsx

        document = todo_table_document([site.repository for site in sites], rows, status, day)
        emit_binary(render_xlsx(stamped_document(document, state)), output)
        return
    if fmt == "html":  # a document for people: alliances by name
        from gk.render.worksheet_report import todos_html

        names = {a.id: a.name for site in sites for a in site.repository.alliances.values()
                 if a.name}
        text = todos_html(rows, status=status, today=day, items=items, names=names)
    else:
        text = TODO_RENDERERS[fmt or "text"](rows, use_color(output), status=status, today=day,
                                             items=items)
    emit(stamped(text, fmt or "text", state), output)


def _apply(ctx: click.Context, refs: tuple[str, ...], alliances: tuple[str, ...],
           consultant: str | None, change: Any, dry_run: bool, report: str) -> None:
    """Resolve ``refs``, ask ``change(target, entry)`` for each to-do's new values (an empty
    dict when nothing is to change), and write every file once through the lossless writer
    (all edits are prepared and verified before the first file is written); then ``report``
    ({ref}, {file}, {line}) for each changed to-do, or, with ``dry_run``, only the diffs."""
    from gk.analyses.todos import consulted, resolve, todo_index, worksheet_file
    from gk.edit.roundtrip import open_document, set_todo_fields

    sites = _sites(ctx)
    chosen: set[str] | None = set(alliances) if alliances else None
    if alliances:
        from gk.analyses.todos import require_known

        require_known(sites, alliances)
    if consultant is not None:
        found: set[str] = set()
        for site in sites:
            found |= consulted(site.repository, consultant)
        chosen = found if chosen is None else chosen & found
    targets = list(dict.fromkeys(resolve(sites, ref, chosen) for ref in refs))
    by_file: dict[tuple[Path, str], list[Any]] = {}
    for target in targets:
        by_file.setdefault((target.root, f"{target.alliance}/{target.worksheet}"), []).append(
            target)
    planned = []
    changed: list[tuple[str, str, int]] = []
    for (root, _sheet), group in by_file.items():
        first = group[0]
        path, rel = worksheet_file(root, first.alliance, first.worksheet)
        doc = open_document(path, rel, root)
        changes: dict[int, dict[str, str | None]] = {}
        for target in group:
            index = todo_index(doc.data, f"{target.alliance}/{target.worksheet}", target.todo,
                               rel)
            wanted = change(target, doc.data["todos"][index])
            if wanted:
                changes[index] = wanted
                lines = [doc.positions[("todos", index, key)][0] for key in wanted
                         if ("todos", index, key) in doc.positions]
                entry_line = doc.positions.get(("todos", index), (1,))[0]
                changed.append((target.ref, rel, min(lines, default=entry_line)))
        if changes:
            planned.append((root, rel, doc, set_todo_fields(doc, changes)))
    for root, rel, doc, edit in planned:
        _write(root, doc, edit, rel, dry_run)
    if dry_run:
        if changed:
            click.echo(_("Dry run: nothing was written."), err=True)
        return
    for ref, rel, line in changed:
        click.echo(report.format(ref=ref, file=rel, line=line))


def _write(root: Path, doc: Any, edit: Any, rel: str, dry_run: bool) -> None:
    from gk.edit.roundtrip import commit, no_new_errors, unified_diff
    from gk.render.escape import terminal

    if dry_run:  # the diff quotes the file: bidi characters are allowed in YAML
        click.echo(terminal(unified_diff(doc, edit.text, rel), lines=True), nl=False)
        return
    commit(doc, edit.text, edit.expected, rel, accept=no_new_errors(root, rel))


def _selection(func: Any) -> Any:
    """--alliance and --consultant: where a bare to-do id is looked for."""
    func = click.option("--consultant", metavar="TEXT",
                        help=_("Look for bare to-do ids only in alliances whose consultant "
                               "contains TEXT."))(func)
    return click.option("--alliance", "alliances", metavar="ID", multiple=True,
                        help=_("Look for bare to-do ids only in this alliance (repeatable)."))(
                            func)


@todo.command("done", help=_("""Mark to-dos as done and record the day (done_on). Only their
'status' line changes and a 'done_on' line is added; the rest of the file (comments, order,
quotes, blank lines) stays byte for byte. REF is ALLIANCE/WORKSHEET/TODO as 'gk todo' shows
it, ALLIANCE/TODO, or only TODO when no other to-do has that id. With --dry-run the change
is shown as a diff and nothing is written.""")
             + "\n\n\b\n" + _("Examples:") + """
  gk todo done meerbusch/prozessmanagement-2020/rollen-kreis-klaeren
  gk todo done angebotsuebersicht meerbusch/uebergang-ausbildung --dry-run
""")
@click.argument("refs", nargs=-1, required=True, metavar="REF...",
                shell_complete=complete_todo_ref)
@_selection
@click.option("--dry-run", is_flag=True, help=_("Show the change as a diff; write nothing."))
@today_option
@common_options
@click.pass_context
def done(ctx: click.Context, refs: tuple[str, ...], alliances: tuple[str, ...],
         consultant: str | None, dry_run: bool, today: str | None) -> None:
    day = resolve_today(today).isoformat()

    def change(target: Any, entry: dict[str, Any]) -> dict[str, str | None]:
        if entry.get("status") == "done":
            click.echo(_("'{ref}' is already done; nothing to change.").format(ref=target.ref))
            return {}
        return {"status": "done", "done_on": day}

    _apply(ctx, refs, alliances, consultant, change, dry_run,
           _("Marked '{ref}' as done ({file}, line {line})."))


@todo.command("edit", help=_("""Change to-dos: postpone (--due), reassign (--owner), rename
(--title) or set the status (--status; 'dropped' drops a to-do, 'done' also records the day
in done_on). Only the changed lines of the file differ afterwards; the rest stays byte for
byte. REF as for 'gk todo done'. With --dry-run the change is shown as a diff and nothing is
written.""") + "\n\n" + DAY_HELP
             + "\n\n\b\n" + _("Examples:") + """
  gk todo edit meerbusch/prozessmanagement-2020/rollen-kreis-klaeren --due 15.01.2027
  gk todo edit rollen-kreis-klaeren --owner Jobcenter --title "Rollen mit dem Kreis klären"
  gk todo edit angebotsuebersicht uebergang-ausbildung --status dropped
""")
@click.argument("refs", nargs=-1, required=True, metavar="REF...",
                shell_complete=complete_todo_ref)
@click.option("--due", metavar="DATE", help=_("The new due date."))
@click.option("--owner", metavar="TEXT",
              help=_("Who takes it on: a role or body, not a person's name."))
@click.option("--title", metavar="TEXT", help=_("What is to be done, in one sentence."))
@click.option("--status", type=click.Choice(todo_statuses()), help=_("The new status."))
@_selection
@click.option("--dry-run", is_flag=True, help=_("Show the change as a diff; write nothing."))
@today_option
@common_options
@click.pass_context
def edit_todos(ctx: click.Context, refs: tuple[str, ...], due: str | None, owner: str | None,
         title: str | None, status: str | None, alliances: tuple[str, ...],
         consultant: str | None, dry_run: bool, today: str | None) -> None:
    apply_language(ctx, None if len(set(directories(ctx))) > 1 else repository_root(ctx))
    day = resolve_today(today)
    if due is None and owner is None and title is None and status is None:
        raise click.UsageError(_("Say what to change: --due, --owner, --title or --status."))
    values: dict[str, str] = {}
    if due is not None:
        first, last = _period(due, "--due", day)
        if first != last:
            raise click.UsageError(_("--due: '{value}' names a week; give one day.").format(
                value=due))
        values["due"] = first.isoformat()
    for key, value in (("owner", owner), ("title", title)):
        if value is not None:
            value = " ".join(value.split())
            if not value:
                raise click.UsageError(_("--{option} must not be empty.").format(option=key))
            values[key] = value

    def change(target: Any, entry: dict[str, Any]) -> dict[str, str | None]:
        wanted: dict[str, str | None] = {k: v for k, v in values.items() if entry.get(k) != v}
        if status is not None and entry.get("status") != status:
            wanted["status"] = status
            if status == "done":
                wanted["done_on"] = day.isoformat()
            elif "done_on" in entry:
                wanted["done_on"] = None
        if not wanted:
            click.echo(_("'{ref}' already reads so; nothing to change.").format(ref=target.ref))
        return wanted

    _apply(ctx, refs, alliances, consultant, change, dry_run,
           _("Changed '{ref}' ({file}, line {line})."))


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
@click.option("--due", metavar="DATE", help=_("By when (YYYY-MM-DD, DD.MM.YYYY or +N days)."))
@click.option("--item", metavar="ITEM", help=_("The checklist item the to-do serves."))
@click.option("--id", "todo_id", metavar="ID", help=_("The to-do's id (default: from the title)."))
@click.option("--dry-run", is_flag=True, help=_("Show the change as a diff; write nothing."))
@today_option
@common_options
@click.pass_context
def add(ctx: click.Context, ref: str, title: str, owner: str | None, due: str | None,
        item: str | None, todo_id: str | None, dry_run: bool, today: str | None) -> None:
    from gk.analyses.todos import new_todo, sheet_items, split_ref, worksheet_file
    from gk.cli.common import load_repository
    from gk.edit.roundtrip import add_todo, open_document

    root = repository_root(ctx)
    apply_language(ctx, root)
    alliance, worksheet = split_ref(ref, 2)
    path, rel = worksheet_file(root, alliance, worksheet)
    if due is not None:
        first, last = _period(due, "--due", resolve_today(today))
        if first != last:
            raise click.UsageError(_("--due: '{value}' names a week; give one day.").format(
                value=due))
        due = first.isoformat()
    doc = open_document(path, rel, root)
    items = sheet_items(load_repository(root), alliance, worksheet) if item is not None else ()
    entry = new_todo(doc.data, title, owner, due, item, todo_id, items)
    todo_id = entry["id"]
    edit = add_todo(doc, entry)
    _write(root, doc, edit, rel, dry_run)
    if dry_run:
        click.echo(_("Dry run: nothing was written."), err=True)
    else:
        click.echo(_("Added the to-do '{ref}' ({file}, line {line}).").format(
            ref=f"{alliance}/{worksheet}/{todo_id}", file=rel, line=edit.line))
