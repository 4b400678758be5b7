"""``gk gaps``: declared and computed gaps per alliance, and broken follow-up chains."""

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
from gk.i18n import _


@click.command(help=_("""Show the gaps of each alliance: fields x statuses (Duldung,
Aufenthaltsgestattung) with declared gaps (from the current needs and services analysis)
beside computed gaps (no active service open to that status for ages 18 to 27 in the
alliance or its district), and the broken follow-up chains.""") + "\n\n\b\n" + _("Examples:")
               + """
  gk gaps
  gk gaps meerbusch --format markdown -o luecken.md
  gk gaps --format json
  gk gaps --format xlsx -o luecken.xlsx
  gk gaps --as-of 2024-12-31""")
@click.argument("alliance", required=False, shell_complete=complete_alliance)
@format_option(["text", "markdown", "json", "csv", "csv-excel", "html", "xlsx"])
@output_option
@as_of_option
@no_cache_option
@today_option
@common_options
@click.pass_context
def gaps(ctx: click.Context, alliance: str | None, fmt: str | None, output: str | None,
         as_of: str | None, no_cache: bool, today: str | None) -> None:
    from gk.analyses.gaps import analyse_gaps
    from gk.cli.common import (
        emit_binary,
        load_state,
        report_state,
        require_file_output,
        require_readable,
        stamped,
    )
    from gk.errors import require_alliances
    from gk.render.reports import GAPS_RENDERERS
    from gk.speed.cached import remembered

    require_file_output(fmt, output)
    root = repository_root(ctx)
    apply_language(ctx, root, cache=not no_cache)
    color = use_color(output)
    state = report_state([root], [""], as_of, today)

    def report() -> tuple[Any, str]:
        repository = load_state(state.states[0], cache=not no_cache)
        if alliance is not None:
            require_readable([alliance], [repository])
            require_alliances([alliance], repository.alliances)
        title = repository.config.get("name")
        return (analyse_gaps(repository, [alliance] if alliance else None),
                title if isinstance(title, str) else root.name)

    if fmt == "xlsx":
        from gk.render.reports import gaps_document
        from gk.render.state_note import stamp_document
        from gk.render.xlsx import render_xlsx

        emit_binary(render_xlsx(stamp_document(gaps_document(*report()), state)), output)
        return

    def render() -> str:
        return GAPS_RENDERERS[fmt or "text"](*report(), color)

    text = render() if state.from_history else \
        remembered([root], "gaps", repr((alliance, fmt, color)), render, cache=not no_cache)
    emit(stamped(text, fmt or "text", state), output)
