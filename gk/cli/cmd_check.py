"""``gk check``: validate the repository or named files."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

import click

from gk.cli.common import (
    ProgressBar,
    apply_language,
    common_options,
    emit,
    format_option,
    no_cache_option,
    output_option,
    repository_root,
    resolve_today,
    today_option,
    use_color,
    working_folder,
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
@click.option("--fail-on", "fail_on", metavar="CODE", multiple=True,
              help=_("Warnings whose code starts with CODE also make the exit status 1, e.g. "
                     "GK5 for the privacy warnings (repeatable)."))
@click.option("-q", "--quiet", is_flag=True,
              help=_("Show in full only what makes the check fail; the other warnings as one "
                     "line counting them per code (for pre-commit)."))
@format_option(["text", "json", "github"])
@output_option
@click.option("--stale", "stale", metavar="DAYS", type=click.IntRange(min=0), default=None,
              help=_("Warn about services not verified for more than DAYS days."))
@no_cache_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=_("Worker processes for large repositories (default: all cores)."))
@today_option
@common_options
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], strict: bool, fail_on: tuple[str, ...],
          quiet: bool, fmt: str | None, output: str | None, stale: int | None, no_cache: bool,
          jobs: int | None, today: str | None) -> None:
    from gk.engine.discover import shown_name
    from gk.engine.pipeline import CheckOptions
    from gk.errors import GkError
    from gk.speed.cached import Speed
    from gk.speed.cached import check as cached_check

    root = repository_root(ctx, paths[0] if paths else None)
    apply_language(ctx, root, cache=not no_cache)
    prefixes = _code_prefixes(fail_on)
    only = None
    if paths:
        base = working_folder(ctx)
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
    from gk import findings as F

    def fails(finding: F.Finding) -> bool:
        return finding.severity == F.ERROR or (finding.severity == F.WARNING and (
            strict or finding.code.startswith(prefixes)))

    shown, left_out = result, list[F.Finding]()
    if quiet and fmt != "json":  # json stays whole: it is read by programs
        left_out = [f for f in result.findings if not fails(f)]
        shown = dataclasses.replace(result, findings=[f for f in result.findings if fails(f)])
    if fmt == "text":
        text = render_text(shown, shown.lines, use_color(output), scope,
                           group_overdue=only is None)
    elif fmt == "github":
        text = render_github(shown, scope)
    else:
        text = RENDERERS[fmt](shown)
    if left_out and fmt == "text":
        text += _left_out_line(left_out) + "\n"
    emit(text, output)
    ctx.exit(1 if any(fails(f) for f in result.findings) else 0)


def _code_prefixes(values: tuple[str, ...]) -> tuple[str, ...]:
    """The codes --fail-on names (GK5, GK405, …), in capitals; a usage error for others."""
    import re

    found = []
    for value in values:
        code = value.strip().upper()
        if not re.fullmatch(r"GK[0-9]{1,3}", code):
            raise click.UsageError(_("--fail-on: '{value}' is not a code or the start of one, "
                                     "such as GK5 or GK505.").format(value=value))
        found.append(code)
    return tuple(found)


def _left_out_line(left_out: Sequence[object]) -> str:
    """One line for the warnings --quiet does not show: how many, per code."""
    from collections import Counter

    counts = Counter(getattr(f, "code", "") for f in left_out)
    listed = ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items()))
    return _("Not shown: {n} warning(s) that do not make the check fail ({codes}); "
             "'gk check' without --quiet shows them.").format(n=len(left_out), codes=listed)
