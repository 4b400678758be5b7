"""``gk summarize``: the cross-site summary over one or several data repositories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from gk.cli.common import (
    apply_language,
    as_of_option,
    common_options,
    date_option,
    emit,
    format_option,
    no_cache_option,
    output_option,
    report_state,
    repository_root,
    stamped,
    today_option,
    use_color,
    working_folder,
)
from gk.domain import regions
from gk.errors import GkError, require_alliances
from gk.i18n import _


@click.command(help=_("""Summarise one or several data repositories for the monitoring:
alliances by type and region, worksheet returns in the period, checklist status per item,
gaps per field, broken chains, open and overdue to-dos, consulting days, Teilhabemanagement
and target-group counts. Counts of people below privacy.min_count are shown as '<N'.

REPO names data repositories (default: the current one). The period comes from --from/--to,
else from the period in gk.yaml.""") + "\n\n" + _("""A period that ends before today (--to) is
shown as the repositories stood at its end, read from git; --as-of chooses another state
('aktuell': the current files). An alliance found in two repositories must be resolved with
--prefer or --skip-alliance.""") + "\n\n\b\n" + _("Examples:") + """
  gk summarize --format markdown -o bericht.md
  gk summarize ../kreis-a ../kreis-b --region duesseldorf --format json
  gk summarize --from 2019-01-01 --to 2020-12-31
  gk summarize ../kreis-a ../kreis-b --prefer ../kreis-b
  gk summarize --since 2025-01-01
  gk summarize --format xlsx -o bericht.xlsx""")
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
@click.option("--prefer", "prefer", multiple=True, metavar="REPO",
              help=_("An alliance found in several repositories counts with its copy in REPO "
                     "(repeatable: the first named first)."))
@click.option("--skip-alliance", "skip", multiple=True, metavar="REPO:ALLIANCE",
              help=_("Leave out the copy of ALLIANCE in REPO (repeatable)."))
@click.option("--sources", is_flag=True, help=_("Name the files behind every figure."))
@click.option("--notes", is_flag=True,
              help=_("Include the free-text notes of the worksheets (left out by default)."))
@click.option("--allow-incomplete", is_flag=True,
              help=_("Exit with status 0 even when some data files could not be read (the "
                     "report names them either way; without this option the status is 1)."))
@format_option(["text", "markdown", "json", "html", "xlsx"])
@output_option
@as_of_option
@no_cache_option
@today_option
@common_options
@click.pass_context
def summarize(ctx: click.Context, repos: tuple[str, ...], start: str | None, end: str | None,
              regions: tuple[str, ...], alliances: tuple[str, ...], since: str | None,
              prefer: tuple[str, ...], skip: tuple[str, ...], sources: bool, notes: bool,
              allow_incomplete: bool, fmt: str | None, output: str | None, as_of: str | None,
              no_cache: bool, today: str | None) -> None:
    from gk.cli.common import emit_binary, require_file_output
    from gk.engine.discover import find_root
    from gk.engine.pipeline import CheckOptions

    require_file_output(fmt, output)

    start = date_option(start, "--from").isoformat() if start is not None else None
    end = date_option(end, "--to").isoformat() if end is not None else None
    if start and end and start > end:
        raise click.UsageError(_("--from {start} lies after --to {end}.").format(
            start=start, end=end))
    here = working_folder(ctx)
    roots = [find_root(here / repo) for repo in repos] if repos else [repository_root(ctx)]
    apply_language(ctx, roots[0], cache=not no_cache)
    if len(set(r.resolve() for r in roots)) != len(roots):
        raise GkError(_("The same data repository is named twice."))
    # Several repositories are told apart by their paths, relative to the folder gk runs in
    # like the paths typed (a report names no more of the computer's folders than needed).
    labels = [_relative(r, here) for r in roots] if len(roots) > 1 else [""]
    resolution = _resolution(ctx, roots, labels, prefer, skip)
    state = report_state(roots, labels, as_of, today, end)
    options = CheckOptions(today=state.day)
    color = use_color(output)

    def render() -> str:
        return _render(state, options, start, end, regions, alliances, since, sources, notes,
                       fmt, color, resolution, not no_cache)

    if fmt == "xlsx":  # bytes: not remembered as text
        from gk.render.reports import summary_document
        from gk.render.state_note import stamp_document
        from gk.render.xlsx import render_xlsx

        summary = _build(state, options, start, end, regions, alliances, since, sources, notes,
                         resolution, not no_cache)
        document = stamp_document(summary_document(summary, True), state, always=True)
        emit_binary(render_xlsx(document), output)
        text = f"{len(summary.payload['unreadable'])}\n"
    elif since is None and not state.from_history:  # history is not remembered here
        from gk.analyses.history import history_head
        from gk.speed.cached import remembered

        # "counted": the text starts with the count of unreadable files (see below), so a
        # text remembered by an earlier gk, without it, is never taken for one. The history
        # too: counts of people are held steady against earlier commits.
        key = repr((start, end, regions, alliances, sources, notes, fmt, color,
                    options.today.isoformat(), "counted", resolution, labels,
                    [history_head(r) for r in roots]))
        text = remembered(roots, "summarize", key, render, cache=not no_cache)
    else:
        text = render()
    # The first line of what _render returns is the number of unreadable files (the report
    # is remembered whole, so the exit status must be remembered with it).
    count, _newline, text = text.partition("\n")
    if fmt != "xlsx":
        # The summary goes into reports: it always names the state (the revision) it shows.
        emit(stamped(text, fmt or "text", state, always=True), output)
    if int(count) and not allow_incomplete:
        raise GkError(_("The summary is incomplete: {n} data file(s) could not be read (the "
                        "report names them). Correct them ('gk check' shows why), or pass "
                        "--allow-incomplete to accept the summary as it is.").format(
                            n=int(count)), exit_code=1)


def _relative(root: Path, start: Path) -> str:
    """The path of a repository relative to the folder gk runs in (-C DIR counts)."""
    import os

    try:
        return os.path.relpath(root, start.resolve())
    except ValueError:  # another drive (Windows)
        return str(root)


def _resolution(ctx: click.Context, roots: list[Path], labels: list[str],
                prefer: tuple[str, ...], skip: tuple[str, ...]) -> Any:
    """--prefer and --skip-alliance with each REPO turned into the label of one of ``roots``."""
    from gk.analyses.combine import Resolution
    from gk.engine.discover import find_root

    base = working_folder(ctx)
    where = {root.resolve(): label for root, label in zip(roots, labels, strict=True)}

    def label_of(repo: str) -> str:
        found = where.get((base / repo).resolve()) if repo else None
        if found is None and repo:
            try:  # a folder inside a repository names that repository, as REPO does
                found = where.get(find_root(base / repo).resolve())
            except GkError:
                found = None
        if found is None:
            raise GkError(_("'{repo}' is not one of the data repositories of this summary: "
                            "name one of {repos}.").format(
                                repo=repo, repos=", ".join(str(r) for r in roots)))
        return found

    skipped = set()
    for entry in skip:
        repo, colon, alliance = entry.rpartition(":")
        if not colon or not alliance:
            raise click.UsageError(_("--skip-alliance: '{value}' is not REPO:ALLIANCE.").format(
                value=entry))
        skipped.add((label_of(repo), alliance))
    return Resolution(tuple(label_of(r) for r in prefer), frozenset(skipped))


def _render(state: Any, options: Any, start: str | None, end: str | None,
            regions: tuple[str, ...], alliances: tuple[str, ...], since: str | None,
            sources: bool, notes: bool, fmt: str | None, color: bool, resolution: Any,
            cache: bool) -> str:
    from gk.render.reports import SUMMARY_RENDERERS

    summary = _build(state, options, start, end, regions, alliances, since, sources, notes,
                     resolution, cache)
    unreadable = len(summary.payload["unreadable"])
    return f"{unreadable}\n" + SUMMARY_RENDERERS[fmt or "text"](summary, color)


def _build(state: Any, options: Any, start: str | None, end: str | None,
           regions: tuple[str, ...], alliances: tuple[str, ...], since: str | None,
           sources: bool, notes: bool, resolution: Any, cache: bool) -> Any:
    from gk.analyses.history import people_history
    from gk.analyses.summary import Period, Source, SummaryOptions, config_period
    from gk.analyses.summary import (
        summarize as build_summary,
    )
    from gk.cli.common import blobs_step, load_state, require_readable

    roots = [s.root for s in state.states]
    # the committed states up to the one shown: counts of people are held steady over time
    parse_blobs = blobs_step(cache)
    loaded = [Source(s.label, load_state(s, cache),
                     people_history(s.root, parse_blobs,
                                    s.commit if s.from_history and s.commit else "HEAD"))
              for s in state.states]
    require_readable(alliances, (s.repository for s in loaded))
    require_alliances(alliances, {a for s in loaded for a in s.repository.alliances})
    period = config_period(loaded[0].repository.config)
    period = Period(start or period.start, end or period.end)
    summary_options = SummaryOptions(
        period=period, regions=frozenset(regions) or None,
        alliances=frozenset(alliances) or None, today=options.today, sources=sources,
        notes=notes, resolution=resolution)
    summary = build_summary(loaded, summary_options)
    if since is not None:
        from gk.analyses.history import Changes, compare
        from gk.engine.git_history import load_repository_at, resolve

        changes = Changes()
        commits = {}
        for source, root in zip(loaded, roots, strict=True):
            revision = resolve(root, since, options.today)
            commits[source.label or "."] = revision.commit
            before = load_repository_at(root, revision, parse_blobs)
            mine = {a for a, label in summary.owners.items() if label == source.label}
            changes.extend(compare(before, source.repository, mine))
        summary.payload["changes"] = {"since": since, "commits": commits, **changes.payload()}
        if "sources" in summary.payload:  # keep sources last, as documented
            summary.payload["sources"] = summary.payload.pop("sources")
    return summary
