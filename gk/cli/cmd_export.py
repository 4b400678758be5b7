"""``gk export``: the services as Open Referral HSDS JSON or as CSV."""

from __future__ import annotations

import click

from gk.cli.cmd_schema import write_or_fail
from gk.cli.common import (
    apply_language,
    common_options,
    emit,
    format_option,
    output_option,
    repository_root,
    resolve_today,
    today_option,
)
from gk.cli.completion import complete_alliance
from gk.i18n import _

_HELP = _("""Export the services for other tools.

--format hsds writes them as JSON in the Open Referral Human Services Data Specification
(HSDS 3.0): services with their organisations (providers), eligibility (residence statuses,
ages), languages and funding, so that service directories can take them over. --format csv
writes one row per service for spreadsheets. Name alliances to export only their services.
Files with errors are exported as far as they can be read: run 'gk check' first.
""") + "\n\b\n" + _("Examples:") + """
  gk export --format hsds -o angebote.json
  gk export --format csv -o angebote.csv
  gk export --format csv meerbusch dormagen
"""


@click.command(help=_HELP)
@click.argument("alliances", nargs=-1, metavar="[ALLIANCE]...", shell_complete=complete_alliance)
@format_option(["hsds", "csv"], default="hsds")
@output_option
@today_option
@common_options
@click.pass_context
def export(ctx: click.Context, alliances: tuple[str, ...], fmt: str | None, output: str | None,
           today: str | None) -> None:
    from gk.analyses.export import EXPORTERS
    from gk.engine.pipeline import CheckOptions, load_repository

    root = repository_root(ctx)
    apply_language(ctx, root)
    repository = load_repository(root, CheckOptions(today=resolve_today(today)))
    unknown = [a for a in alliances if a not in repository.alliances]
    if unknown:
        from gk.engine.validate import suggest
        from gk.render.escape import terminal

        message = _("There is no alliance '{alliance}' in this data repository.").format(
            alliance=unknown[0])
        guess = suggest(unknown[0], list(repository.alliances))
        if guess:
            message += " " + _("Did you mean '{guess}'?").format(guess=guess)
        raise click.UsageError(terminal(message))
    text = EXPORTERS[fmt or "hsds"](repository, alliances)
    write_or_fail(output, lambda: emit(text, output))
