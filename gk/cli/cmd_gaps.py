"""``gk gaps``: declared and computed gaps per alliance, and broken follow-up chains."""

from __future__ import annotations

from typing import Any

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


class ReportError(click.ClickException):
    """A usage or repository problem found while preparing a report: exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        from gk.render.escape import terminal

        click.echo(_("gk: {message}").format(message=terminal(self.format_message())), err=True)


def unknown_alliance(alliance: str, known: list[str]) -> ReportError:
    from gk.engine.validate import suggest

    message = _("There is no alliance '{alliance}' in this data repository.").format(
        alliance=alliance)
    guess = suggest(alliance, known)
    if guess:
        message += " " + _("Did you mean '{guess}'?").format(guess=guess)
    elif known:
        message += " " + _("Known alliances: {alliances}.").format(alliances=", ".join(known[:20])
                                                                   + (" …" if len(known) > 20
                                                                      else ""))
    return ReportError(message)


@click.command(help=_("""Show the gaps of each alliance: fields x statuses (Duldung,
Aufenthaltsgestattung) with declared gaps (from the current needs and services analysis)
beside computed gaps (no active service open to that status for ages 18 to 27 in the
alliance or its district), and the broken follow-up chains.""") + "\n\n\b\n" + _("Examples:")
               + """
  gk gaps
  gk gaps meerbusch --format markdown -o luecken.md
  gk gaps --format json""")
@click.argument("alliance", required=False, shell_complete=complete_alliance)
@format_option(["text", "markdown", "json", "csv"])
@output_option
@common_options
@click.pass_context
def gaps(ctx: click.Context, alliance: str | None, fmt: str | None, output: str | None) -> None:
    from gk.engine.discover import RepositoryError

    try:
        _gaps(ctx, alliance, fmt, output)
    except RepositoryError as exc:
        raise ReportError(str(exc)) from exc


def _gaps(ctx: click.Context, alliance: str | None, fmt: str | None, output: str | None) -> None:
    from gk.analyses.gaps import analyse_gaps
    from gk.engine.pipeline import CheckOptions, load_repository
    from gk.render.reports import GAPS_RENDERERS
    from gk.speed.cache import remembered

    root = repository_root(ctx)
    apply_language(ctx, root)
    color = use_color(output)

    def render() -> str:
        repository = load_repository(root, CheckOptions())
        if alliance is not None and alliance not in repository.alliances:
            raise unknown_alliance(alliance, sorted(repository.alliances))
        report = analyse_gaps(repository, [alliance] if alliance else None)
        title = repository.config.get("name")
        return GAPS_RENDERERS[fmt or "text"](
            report, title if isinstance(title, str) else root.name, color)

    emit(remembered([root], "gaps", repr((alliance, fmt, color)), render), output)
