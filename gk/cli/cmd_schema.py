"""``gk schema``: print or write the JSON Schemas, and set up VS Code for a data repository."""

from __future__ import annotations

from pathlib import Path

import click

from gk.cli.common import (
    apply_language,
    common_options,
    emit,
    output_option,
    repository_root,
    write_or_fail,
)
from gk.cli.completion import complete_schema_kind
from gk.domain import SCHEMA_FOLDER
from gk.errors import GkError
from gk.i18n import _

_HELP = _("""Print or write the JSON Schemas of gk's files, for editors and other tools.

Without KIND, lists the kinds. With KIND, prints that kind's schema: self-contained (every
reference bundled), so that any JSON Schema validator can use it. --out DIR writes all of
them as KIND.json; --vscode sets up VS Code for the data repository: it writes the schemas
into .gk/schemas/ and adds them to .vscode/settings.json (keeping everything else there).
""") + "\n\b\n" + _("Examples:") + """
  gk schema
  gk schema service
  gk schema --out schemas/ --lang en
  gk schema --vscode
"""


def _root_or_none(ctx: click.Context) -> Path | None:
    try:
        return repository_root(ctx)
    except GkError:
        return None


@click.command(help=_HELP)
@click.argument("kind", required=False, shell_complete=complete_schema_kind)
@click.option("--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False),
              help=_("Write the schemas into DIR as KIND.json (all kinds unless KIND is given)."))
@click.option("--vscode", is_flag=True,
              help=_("Set up VS Code for this data repository: schemas into .gk/schemas/, "
                     "their file patterns into .vscode/settings.json."))
@output_option
@common_options
@click.pass_context
def schema(ctx: click.Context, kind: str | None, out_dir: str | None, vscode: bool,
           output: str | None) -> None:
    from gk.edit import editor_settings as editors

    if vscode and (kind or out_dir or output):
        raise click.UsageError(_("--vscode writes every schema into the data repository; "
                                 "use it without KIND, --out and -o."))
    if out_dir and output:
        raise click.UsageError(_("Use either --out DIR or -o FILE, not both."))
    if vscode:
        repo = repository_root(ctx)
        _setup_vscode(repo, apply_language(ctx, repo))
        return
    root = _root_or_none(ctx)
    lang = apply_language(ctx, root)
    known = editors.kinds(root)
    if kind is not None and kind not in known:
        raise editors.unknown_kind(kind, known)
    if out_dir:
        written = write_or_fail(out_dir, lambda: editors.write_schemas(
            Path(out_dir), lang, root, [kind] if kind else None))
        click.echo(_("Wrote {n} schema file(s) to {folder}.").format(
            n=len(written), folder=out_dir))
        return
    if kind is None:  # the repository's own templates bring their ids and titles
        from gk.render.escape import terminal, terminal_line

        shown = {k: terminal(k) for k in known}
        width = max(len(k) for k in shown.values())
        lines = [f"{shown[k].ljust(width)}  "
                 + terminal_line(str(editors.published(k, lang, root).get("title", "")))
                 for k in known]
        emit("\n".join(lines) + "\n", output)
        return
    emit(editors.render(editors.published(kind, lang, root)), output)


def _setup_vscode(root: Path, lang: str) -> None:
    from gk.edit import editor_settings as editors

    schemas, settings = write_or_fail(root, lambda: editors.setup_vscode(root, lang))
    click.echo(_("Wrote {n} schema file(s) to {folder}.").format(
        n=len(schemas), folder=SCHEMA_FOLDER))
    for path in settings:
        click.echo(_("Updated {file}.").format(file=path.relative_to(root).as_posix()))
    if not settings:
        click.echo(_("The VS Code settings were already up to date."))
    click.echo(_("Open the folder in VS Code with the extension 'YAML' (Red Hat) installed: "
                 "it now checks and completes gk files while you type."))
