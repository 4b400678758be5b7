"""Options and helpers shared by the sub-commands: repository lookup, language, output."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from gk.errors import GkError
from gk.i18n import LANGUAGES, _, language_from_env, set_language

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def output_option(func: F) -> F:
    return click.option("-o", "--output", "output", metavar="FILE",
                        type=click.Path(dir_okay=False, writable=True),
                        help=_("Write to FILE instead of standard output."))(func)


def format_option(choices: list[str], default: str = "text") -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option("--format", "fmt", type=click.Choice(choices), default=None,
                            help=_("Output format (default: {default}).").format(default=default))(func)
    return decorate


def today_option(func: F) -> F:
    return click.option("--today", metavar="DATE", default=None, hidden=True,
                        help=_("Pretend today is DATE (YYYY-MM-DD); also GK_TODAY."))(func)


def as_of_option(func: F) -> F:
    return click.option("--as-of", "as_of", metavar="DATE|REV", default=None,
                        help=_("Show the data as the repository stood at the end of DATE "
                               "(YYYY-MM-DD) or at a git commit, branch or tag, read from the "
                               "git history; 'aktuell' means the current files (the default)."
                               ))(func)


def no_cache_option(func: F) -> F:
    return click.option("--no-cache", "no_cache", is_flag=True,
                        help=_("Do not use or update the cache of earlier runs."))(func)


def report_state(roots: list[Path], labels: list[str], as_of: str | None, today: str | None,
                 period_end: str | None = None) -> Any:
    """The state (``gk.engine.state.AsOf``) a report shows: see ``gk.engine.state.choose``."""
    from gk.domain import parse_date
    from gk.engine.state import choose

    return choose(roots, labels, as_of, resolve_today(today), parse_date(period_end))


def load_state(state: Any, cache: bool = True) -> Any:
    """The model of one repository in its state (the files of a large working tree are read
    by several processes; with ``cache``, parsed history blobs are remembered)."""
    from gk.engine.state import load
    from gk.speed.cached import load_files

    return load(state, blobs_step(cache), load_files())


def blobs_step(cache: bool = True) -> Any:
    """How the blobs of the git history are parsed: remembered by blob id with ``cache``,
    else each time."""
    if cache:
        from gk.speed.cached import parse_blobs
    else:
        from gk.engine.git_history import parse_blobs  # type: ignore[assignment]
    return parse_blobs


def stamped(text: str, fmt: str, as_of: Any, always: bool = False) -> str:
    """A rendered report with the sentence (or JSON key) about the state it shows."""
    from gk.render.state_note import stamp

    return stamp(text, fmt, as_of, always)


def resolve_today(value: str | None) -> dt.date:
    raw = value or os.environ.get("GK_TODAY")
    if not raw:
        return dt.date.today()
    from gk.domain import parse_date

    day = parse_date(raw)
    if day is None:
        raise click.UsageError(_("'{value}' is not a date (YYYY-MM-DD).").format(value=raw))
    return day


def date_option(value: str, option: str) -> dt.date:
    """The date an option names, or a usage error in the same words for every option."""
    from gk.domain import parse_date

    day = parse_date(value)
    if day is None:
        raise click.UsageError(_("{option}: '{value}' is not a date (YYYY-MM-DD).").format(
            option=option, value=value))
    return day


def working_folder(ctx: click.Context) -> Path:
    """The folder gk runs in, which paths on the command line are relative to: -C DIR, else
    the current folder."""
    return Path((ctx.find_root().obj or {}).get("directory") or ".")


def directories(ctx: click.Context) -> list[str]:
    """Every folder named with -C (before and after the command's name), in order."""
    return list((ctx.find_root().obj or {}).get("directories") or [])


def repository_root(ctx: click.Context, hint_path: str | None = None) -> Path:
    """The data repository's root: from -C, else from a path argument, else from the cwd."""
    from gk.engine.discover import find_root

    named = directories(ctx)
    if len(set(named)) > 1:
        raise GkError(_("-C names {n} folders ({folders}), but this command works on one data "
                        "repository. Name one ('gk todo' and 'gk summarize' read several)."
                        ).format(n=len(set(named)), folders=", ".join(dict.fromkeys(named))))
    directory = (ctx.find_root().obj or {}).get("directory")
    base = Path(directory) if directory else Path.cwd()
    if directory and not base.is_dir():
        raise GkError(_("The folder '{path}' does not exist.").format(path=directory))
    if hint_path and not directory:
        start = Path(hint_path)
        return find_root(start if start.exists() else start.parent if start.parent.exists()
                         else Path.cwd())
    return find_root(base)


def apply_language(ctx: click.Context, root: Path | None, cache: bool = True) -> str:
    """--lang, else GK_LANG, else gk.yaml's language, else German. With ``cache``, gk.yaml's
    language is remembered by the digest of its bytes (parsing YAML costs more start-up than
    a whole unchanged ``gk check``)."""
    lang = (ctx.find_root().obj or {}).get("lang") or language_from_env()
    if lang is None and root is not None:
        if cache:
            from gk.speed.cached import config_language
        else:
            from gk.engine.load import config_language  # type: ignore[assignment]
        lang = config_language(root)
    lang = lang or "de"
    set_language(lang)
    return lang


def load_repository(root: Path) -> Any:
    """The model of the repository for an analysis (the files are read: the cache holds only
    what ``gk check``'s rules read; reports are remembered instead, see gk.speed)."""
    from gk.engine.pipeline import load

    return load(root)


def emit(text: str, output: str | None) -> None:
    """Write a rendered report to standard output or, atomically, to a file."""
    if output is None or output == "-":
        sys.stdout.write(text)
        if text and not text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return
    from gk.edit.atomic import write_output

    payload = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    write_or_fail(output, lambda: write_output(Path(output), payload))


BINARY_FORMATS = ("xlsx",)


def require_file_output(fmt: str | None, output: str | None) -> None:
    """A binary format (``--format xlsx``) is written to a file named with ``-o``, or with
    ``-o -`` into a pipe: never onto a terminal, where it would be garbage."""
    if fmt not in BINARY_FORMATS:
        return
    if output is None:
        raise GkError(_("--format {fmt} writes a file: name it with -o FILE (for example "
                        "-o report.{fmt}).").format(fmt=fmt))
    to_stdout = output == "-" or os.path.realpath(output) in ("/dev/stdout", "/proc/self/fd/1")
    if (to_stdout and sys.stdout.isatty()) or os.path.realpath(output).startswith(
            ("/dev/tty", "/dev/pts/")):
        raise GkError(_("--format {fmt} is a binary file and is not written to a terminal: "
                        "name a file with -o FILE.").format(fmt=fmt))


def emit_binary(data: bytes, output: str | None) -> None:
    """Write a binary report (see :func:`require_file_output`) to its file or pipe."""
    if output is None or output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from gk.edit.atomic import write_output

    write_or_fail(output, lambda: write_output(Path(output), data))


def write_or_fail(target: str | Path | None, action: Callable[[], T]) -> T:
    """Run a step that writes ``target``; a file system error becomes a GkError."""
    try:
        return action()
    except OSError as exc:
        raise GkError(_("Cannot write '{path}': {error}").format(
            path=target or exc.filename or "", error=exc.strerror or exc)) from exc


def use_color(output: str | None) -> bool:
    if output not in (None, "-") or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        if value is not None:
            root = ctx.find_root()
            root.ensure_object(dict)
            root.obj[name] = value
            if name == "lang":
                set_language(value)
        return value
    return callback


def remember_directories(ctx: click.Context, _param: click.Parameter,
                         value: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """-C (repeatable): every folder is kept in order; the last one is the 'directory'."""
    if value:
        root = ctx.find_root()
        root.ensure_object(dict)
        root.obj.setdefault("directories", []).extend(value)
        root.obj["directory"] = value[-1]
    return value


def common_options(func: F) -> F:
    """-C DIR and --lang on every sub-command too, so they work before or after its name."""
    func = click.option("--lang", type=click.Choice(LANGUAGES), default=None,
                        expose_value=False, is_eager=True, callback=_remember("lang"),
                        help=_("Language of messages and reports."))(func)
    func = click.option("-C", "directory", metavar="DIR", multiple=True, expose_value=False,
                        is_eager=True, type=click.Path(file_okay=False),
                        callback=remember_directories,
                        help=_("Run as if gk was started in DIR."))(func)
    return func


class ProgressBar:
    """A progress bar on standard error for long runs: only on a terminal, and only once a
    run has taken more than a second (short runs stay quiet)."""

    DELAY = 1.0

    def __init__(self, label: str) -> None:
        import time

        self.label = label
        self.enabled = sys.stderr.isatty() and not os.environ.get("GK_NO_PROGRESS")
        self.started = time.monotonic()
        self._bar: Any = None
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        import time

        if self._bar is None:
            if time.monotonic() - self.started < self.DELAY or done >= total:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            console = Console(stderr=True, no_color=bool(os.environ.get("NO_COLOR")))
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), console=console, transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=total)
        self._bar.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def require_readable(wanted: Iterable[str], repositories: Iterable[Any]) -> None:
    """Stop when an alliance named on the command line has a file that could not be read:
    say so (exit 1, nothing to show), rather than call the alliance unknown."""
    from gk.domain import path_of

    unread = {rel for repository in repositories for rel in repository.unloaded}
    for alliance in wanted:
        rel = path_of("alliance", None, alliance)
        if rel in unread:
            raise GkError(_("The file of the alliance '{alliance}', {path}, could not be read, "
                            "so there is nothing to show for it. Run 'gk check' to see why.")
                          .format(alliance=alliance, path=rel), exit_code=1)
