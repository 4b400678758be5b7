"""``gk summarize``: the cross-site summary over one or several data repositories."""

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
from gk.domain import regions
from gk.errors import GkError, require_alliances
from gk.i18n import _


@click.command(help=_("""Summarise one or several data repositories for the monitoring:
alliances by type and region, worksheet returns in the period, checklist status per item,
gaps per field, broken chains, open and overdue to-dos, consulting days, Teilhabemanagement
and target-group counts. Counts of people below privacy.min_count are shown as '<N'.

REPO names data repositories (default: the current one). The period comes from --from/--to,
else from the period in gk.yaml.""") + "\n\n\b\n" + _("Examples:") + """
  gk summarize --format markdown -o bericht.md
  gk summarize ../kreis-a ../kreis-b --region duesseldorf --format json
  gk summarize --since 2025-01-01""")
@click.argument("repos", nargs=-1, type=click.Path(file_okay=False), metavar="[REPO]...")
@click.option("--from", "start", metavar="DATE", default=None,
              help=_("First day of the period (YYYY-MM-DD)."))
@click.option("--to", "end", metavar="DATE", default=None,
              help=_("Last day of the period (YYYY-MM-DD)."))
@click.option("--region", "regions", multiple=True, type=click.Choice(regions()),
              help=_("Only alliances of this administrative region (repeatable)."))
@click.option("--alliance", "alliances", multiple=True, metavar="ID",
              help=_("Only this alliance (repeatable)."))
@click.option("--since", "since", metavar="REV", default=None,
              help=_("Also show what changed since a git commit, branch, tag or date."))
@click.option("--sources", is_flag=True, help=_("Name the files behind every figure."))
@click.option("--notes", is_flag=True,
              help=_("Include the free-text notes of the worksheets (left out by default)."))
@click.option("--allow-incomplete", is_flag=True,
              help=_("Exit with status 0 even when some data files could not be read (the "
                     "report names them either way; without this option the status is 1)."))
@format_option(["text", "markdown", "json"])
@output_option
@today_option
@common_options
@click.pass_context
def summarize(ctx: click.Context, repos: tuple[str, ...], start: str | None, end: str | None,
              regions: tuple[str, ...], alliances: tuple[str, ...], since: str | None,
              sources: bool, notes: bool, allow_incomplete: bool, fmt: str | None,
              output: str | None, today: str | None) -> None:
    from gk.engine.discover import find_root
    from gk.engine.pipeline import CheckOptions

    start = date_option(start, "--from").isoformat() if start is not None else None
    end = date_option(end, "--to").isoformat() if end is not None else None
    if start and end and start > end:
        raise click.UsageError(_("--from {start} lies after --to {end}.").format(
            start=start, end=end))
    if repos:
        base = Path((ctx.find_root().obj or {}).get("directory") or ".")
        roots = [find_root(base / repo) for repo in repos]
    else:
        roots = [repository_root(ctx)]
    apply_language(ctx, roots[0])
    options = CheckOptions(today=resolve_today(today))
    if len(set(r.resolve() for r in roots)) != len(roots):
        raise GkError(_("The same data repository is named twice."))
    color = use_color(output)

    def render() -> str:
        return _render(roots, options, start, end, regions, alliances, since, sources, notes,
                       fmt, color)

    if since is None:  # a comparison with git history is not remembered
        from gk.analyses.history import history_head
        from gk.speed.cached import remembered

        # "counted": the text starts with the count of unreadable files (see below), so a
        # text remembered by an earlier gk, without it, is never taken for one. The history
        # too: counts of people are held steady against earlier commits.
        key = repr((start, end, regions, alliances, sources, notes, fmt, color,
                    options.today.isoformat(), "counted", [history_head(r) for r in roots]))
        text = remembered(roots, "summarize", key, render)
    else:
        text = render()
    # The first line of what _render returns is the number of unreadable files (the report
    # is remembered whole, so the exit status must be remembered with it).
    count, _newline, text = text.partition("\n")
    emit(text, output)
    if int(count) and not allow_incomplete:
        raise GkError(_("The summary is incomplete: {n} data file(s) could not be read (the "
                        "report names them). Correct them ('gk check' shows why), or pass "
                        "--allow-incomplete to accept the summary as it is.").format(
                            n=int(count)), exit_code=1)


def _render(roots: list[Path], options: Any, start: str | None, end: str | None,
            regions: tuple[str, ...], alliances: tuple[str, ...], since: str | None,
            sources: bool, notes: bool, fmt: str | None, color: bool) -> str:
    from gk.analyses.history import people_history
    from gk.analyses.summary import Period, Source, SummaryOptions, config_period
    from gk.analyses.summary import (
        summarize as build_summary,
    )
    from gk.cli.common import load_repository, require_readable
    from gk.render.reports import SUMMARY_RENDERERS
    from gk.speed.cached import parse_blobs

    labels = [str(r) for r in roots] if len(roots) > 1 else [""]
    loaded = [Source(label, load_repository(root), people_history(root, parse_blobs))
              for label, root in zip(labels, roots, strict=True)]
    require_readable(alliances, (s.repository for s in loaded))
    require_alliances(alliances, {a for s in loaded for a in s.repository.alliances})
    period = config_period(loaded[0].repository.config)
    period = Period(start or period.start, end or period.end)
    summary_options = SummaryOptions(
        period=period, regions=frozenset(regions) or None,
        alliances=frozenset(alliances) or None, today=options.today, sources=sources,
        notes=notes)
    summary = build_summary(loaded, summary_options)
    if since is not None:
        from gk.analyses.history import Changes, compare
        from gk.engine.git_history import load_repository_at, resolve
        from gk.speed.cached import parse_blobs

        changes = Changes()
        commits = {}
        chosen = set(summary.names)
        for source, root in zip(loaded, roots, strict=True):
            revision = resolve(root, since, options.today)
            commits[source.label or "."] = revision.commit
            before = load_repository_at(root, revision, parse_blobs)
            changes.extend(compare(before, source.repository, chosen))
        summary.payload["changes"] = {"since": since, "commits": commits, **changes.payload()}
        if "sources" in summary.payload:  # keep sources last, as documented
            summary.payload["sources"] = summary.payload.pop("sources")
    unreadable = len(summary.payload["unreadable"])
    return f"{unreadable}\n" + SUMMARY_RENDERERS[fmt or "text"](summary, color)
