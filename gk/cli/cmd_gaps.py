"""``gk gaps``: declared and computed gaps per alliance, and broken follow-up chains."""

from __future__ import annotations

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
from gk.i18n import _


@click.command(help=_("""Show the gaps of each alliance: fields x statuses (Duldung,
Aufenthaltsgestattung) with declared gaps (from the current needs and services analysis)
beside computed gaps (no active service open to that status for ages 18 to 27 in the
alliance or its district), and the broken follow-up chains.""") + "\n\n\b\n" + _("Examples:")
               + """
  gk gaps
  gk gaps meerbusch --format markdown -o luecken.md
  gk gaps --format json""")
@click.argument("alliance", required=False, shell_complete=complete_alliance)
@format_option(["text", "markdown", "json", "csv", "html"])
@output_option
@common_options
@click.pass_context
def gaps(ctx: click.Context, alliance: str | None, fmt: str | None, output: str | None) -> None:
    from gk.analyses.gaps import analyse_gaps
    from gk.cli.common import load_repository, require_readable
    from gk.errors import require_alliances
    from gk.render.reports import GAPS_RENDERERS
    from gk.speed.cached import remembered

    root = repository_root(ctx)
    apply_language(ctx, root)
    color = use_color(output)

    def render() -> str:
        repository = load_repository(root)
        if alliance is not None:
            require_readable([alliance], [repository])
            require_alliances([alliance], repository.alliances)
        report = analyse_gaps(repository, [alliance] if alliance else None)
        title = repository.config.get("name")
        return GAPS_RENDERERS[fmt or "text"](
            report, title if isinstance(title, str) else root.name, color)

    emit(remembered([root], "gaps", repr((alliance, fmt, color)), render), output)
