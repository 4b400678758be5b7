"""``gk check``: validate the repository or named files."""

from __future__ import annotations

import os
from pathlib import Path

import click

from gk.cli.common import (
    ProgressBar,
    apply_language,
    common_options,
    emit,
    format_option,
    output_option,
    repository_root,
    resolve_today,
    today_option,
    use_color,
)
from gk.i18n import _


@click.command(help=_(
    "Check the data repository, or only the named files, for problems.\n\n"
    "Checks YAML syntax, the schemas, the layout of folders, references between files, "
    "plausibility (dates, ages) and signs of personal data. References are always resolved "
    "against the whole repository, also when only some files are named.\n\n"
    "Exit status: 0 no errors, 1 errors found (or warnings with --strict), 2 usage or "
    "setup problem.") + "\n\n\b\n" + _("Examples:") + """
  gk check
  gk check services/meerbusch/sprachcafe.yaml
  gk -C ~/daten check --format json
""")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--strict", is_flag=True, help=_("Warnings also make the exit status 1."))
@format_option(["text", "json", "github"])
@output_option
@click.option("--stale", "stale", metavar="DAYS", type=click.IntRange(min=0), default=None,
              help=_("Warn about services not verified for more than DAYS days."))
@click.option("--no-cache", is_flag=True, help=_("Do not use or update the cache of earlier runs."))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=_("Worker processes for large repositories (default: all cores)."))
@today_option
@common_options
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], strict: bool, fmt: str | None,
          output: str | None, stale: int | None, no_cache: bool, jobs: int | None,
          today: str | None) -> None:
    from gk.engine.discover import shown_name
    from gk.engine.pipeline import CheckOptions
    from gk.errors import GkError
    from gk.speed.cached import Speed
    from gk.speed.cached import check as cached_check

    root = repository_root(ctx, paths[0] if paths else None)
    apply_language(ctx, root, cache=not no_cache)
    only = None
    if paths:
        base = Path((ctx.find_root().obj or {}).get("directory") or ".")
        only = []
        root_real = root.resolve()
        for raw in paths:
            candidate = (base / raw).resolve()
            try:
                rel = candidate.relative_to(root_real).as_posix()
            except ValueError as exc:
                raise GkError(_("'{path}' lies outside the data repository {root}.")
                                      .format(path=raw, root=root)) from exc
            if not candidate.exists():
                raise GkError(_("'{path}' does not exist.").format(path=raw))
            only.append(shown_name(rel))  # a name that is not UTF-8 as its finding shows it
    bar = ProgressBar(_("Checking files"))
    options = CheckOptions(today=resolve_today(today), stale_days=stale)
    speed = Speed(cache=not no_cache, jobs=jobs, progress=bar.update if bar.enabled else None)
    try:
        result = cached_check(root, options, speed)
    finally:
        bar.close()
    from gk.render.check_report import RENDERERS, Scope, render_github, render_text, scope_of

    scope: Scope | None = None
    if only is not None:
        full, result = result, result.limited_to(only)
        scope = scope_of(full, result, [shown_name(p) for p in only])
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if fmt == "text":
        text = render_text(result, result.lines, use_color(output), scope,
                           group_overdue=only is None)
    elif fmt == "github":
        text = render_github(result, scope)
    else:
        text = RENDERERS[fmt](result)
    emit(text, output)
    failed = result.errors > 0 or (strict and result.warnings > 0)
    ctx.exit(1 if failed else 0)
