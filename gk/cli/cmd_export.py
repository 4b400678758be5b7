"""``gk export``: the services as Open Referral HSDS JSON or as CSV."""

from __future__ import annotations

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
  gk export --format csv-excel -o angebote.csv
  gk export --as-of 2024-12-31 -o angebote-2024.json
"""


@click.command(help=_HELP)
@click.argument("alliances", nargs=-1, metavar="[ALLIANCE]...", shell_complete=complete_alliance)
@format_option(["hsds", "csv", "csv-excel"], default="hsds")
@output_option
@as_of_option
@no_cache_option
@today_option
@common_options
@click.pass_context
def export(ctx: click.Context, alliances: tuple[str, ...], fmt: str | None, output: str | None,
           as_of: str | None, no_cache: bool, today: str | None) -> None:
    from gk.cli.common import load_state, report_state
    from gk.errors import require_alliances
    from gk.render.export_formats import EXPORTERS

    root = repository_root(ctx)
    apply_language(ctx, root, cache=not no_cache)
    state = report_state([root], [""], as_of, today)
    repository = load_state(state.states[0], cache=not no_cache)
    require_alliances(alliances, repository.alliances)
    emit(EXPORTERS[fmt or "hsds"](repository, alliances), output)
