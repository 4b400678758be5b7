"""The ``gk`` command line: a thin click layer that parses options, calls the core, renders.

Sub-commands live in one module each and are imported only when used, so ``gk --help`` and
``gk --version`` stay fast.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from typing import Any

import click

from gk import __version__
from gk.i18n import LANGUAGES, _

# command name -> (module, attribute, short help in English; translated when shown)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("gk.cli.cmd_init", "init", "Create a new data repository."),
    "new": ("gk.cli.cmd_new", "new", "Write a new alliance, service or worksheet file."),
    "check": ("gk.cli.cmd_check", "check", "Check the data repository (or named files) for problems."),
    "checklist": ("gk.cli.cmd_checklist", "checklist", "Show an alliance's process checklist."),
    "todo": ("gk.cli.cmd_todo", "todo", "List, add and complete to-dos."),
    "gaps": ("gk.cli.cmd_gaps", "gaps", "Show declared and computed gaps and broken chains."),
    "summarize": ("gk.cli.cmd_summarize", "summarize", "Cross-site summary over data repositories."),
    "schema": ("gk.cli.cmd_schema", "schema", "Print or export the JSON Schemas."),
    "export": ("gk.cli.cmd_export", "export", "Export the services for other tools."),
    "serve": ("gk.cli.cmd_serve", "serve", "Open the data repository in the web browser."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _attr, _help) in COMMANDS.items()
                if importlib.util.find_spec(module) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        try:
            module = importlib.import_module(entry[0])
        except ModuleNotFoundError:
            return None
        command: click.Command = getattr(module, entry[1])
        return command

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command line; whatever stops it goes through ``error_handler``, both for the
        ``gk`` script and for click's test runner."""
        argv = kwargs.get("args", args[0] if args else None)
        with error_handler(debug="--debug" in (sys.argv[1:] if argv is None else argv)):
            return super().main(*args, **kwargs)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _(COMMANDS[name][2])) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)


# click's own words (usage line, headings, its error messages), which click looks up through
# gettext: gk answers them from its catalogue, so that they follow --lang too.
CLICK_MESSAGES = (
    "Usage:", "Options", "Show this message and exit.", "Show the version and exit.",
    "Error: {message}", "Try '{command} {option}' for help.", "No such option {name!r}.",
    "No such command {name!r}.", "Missing argument", "Missing option", "Missing command.",
    "Invalid value for {param_hint}: {message}", "Invalid value: {message}", "Aborted!",
    "default: {default}", "env var: {var}",
)


def _translate_click() -> None:
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.types):
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]


def _early_language() -> None:
    """Pick the help language before click renders anything: --lang, GK_LANG, else German."""
    from gk.i18n import language_from_env, set_language

    lang = language_from_env()
    argv = sys.argv[1:]
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            lang = argv[index + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    set_language(lang or "de")


_early_language()
_translate_click()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=_("gk: checks and reports for the data repositories of 'Gemeinsam klappt's'.")
             + "\n\n" + _("Example:") + " gk -C examples/nrw check")
@click.version_option(__version__, "--version", "-V", prog_name="gk", message="%(prog)s %(version)s")
@click.option("-C", "directory", metavar="DIR", type=click.Path(file_okay=False), multiple=True,
              help=_("Run as if gk was started in DIR."))
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help=_("Language of messages and reports (default: GK_LANG, gk.yaml, else de)."))
# --debug is read from the arguments before click parses them (main, LazyGroup.main): it
# must be known when the error handler around everything decides.
@click.option("--debug", is_flag=True, expose_value=False,
              help=_("Show the full error on internal errors."))
@click.pass_context
def cli(ctx: click.Context, directory: tuple[str, ...], lang: str | None) -> None:
    ctx.ensure_object(dict)
    ctx.obj["directories"] = list(directory)
    ctx.obj["directory"] = directory[-1] if directory else None
    ctx.obj["lang"] = lang
    if lang is not None:
        from gk.i18n import set_language

        set_language(lang)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``gk`` script."""
    _early_language()
    if "--debug" in (argv if argv is not None else sys.argv[1:]):
        os.environ["GK_DEBUG"] = "1"  # lets per-file defects through too (gk.engine.pipeline)
    return cli.main(args=argv, prog_name="gk", standalone_mode=False)


@contextlib.contextmanager
def error_handler(debug: bool = False) -> Iterator[None]:
    """The one place where failures become one line on standard error and an exit status:
    a GkError says what is wrong itself; anything else unexpected is a defect of gk, named as
    such (``--debug`` shows the traceback instead)."""
    from gk.errors import GkError

    try:
        yield
    except GkError as exc:
        from gk.render.escape import terminal

        # The message may quote ids, file names and values: terminal-safe, its lines kept.
        click.echo(_("gk: {message}").format(message=terminal(exc.message, lines=True)),
                   err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(_("Aborted."), err=True)
        sys.exit(2)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code not in (0, 1) else exc.exit_code)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(1)
    except KeyboardInterrupt:
        _silence_stdout()
        sys.exit(130)
    except Exception as exc:
        if debug or os.environ.get("GK_DEBUG"):
            raise
        from gk.render.escape import terminal

        click.echo(_("gk: internal error ({kind}: {message}). Run again with --debug to see "
                     "the details, and please report it.").format(
                         kind=type(exc).__name__, message=terminal(str(exc)[:200])), err=True)
        sys.exit(2)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
