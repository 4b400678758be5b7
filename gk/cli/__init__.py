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

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        """As click does, and for a mistyped command name the one that was probably meant."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            from gk.errors import did_you_mean

            guess = did_you_mean(args[0], self.list_commands(ctx)) \
                if args and self.get_command(ctx, args[0]) is None else ""
            if not guess:
                raise
            raise click.UsageError(exc.message + guess, ctx) from exc

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
    "required", "[OPTIONS]", "Missing parameter", "Option {name!r} does not take a value.",
    "Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})",
    "{value!r} is not {choice}.", "{value!r} is not one of {choices}.",
    "{value!r} is not a valid {number_type}.", "{value} is not in the range {range}.",
    "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.",
    "Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)",
    "integer", "float", "Error: The two entered values do not match.", "Error: invalid input",
    "Repeat for confirmation",
)
def _ngettext(singular: str, plural: str, n: int) -> str:
    return _(singular if n == 1 else plural)


_click_range: Any = None


def _describe_range(self: Any) -> str:
    """A number range in words ('at least 0') instead of click's 'x>=0' (kept in English)."""
    from gk.i18n import get_language

    if get_language() == "en":
        return str(_click_range(self))
    low = None if self.min is None else (
        _("more than {n}") if self.min_open else _("at least {n}")).format(n=self.min)
    high = None if self.max is None else (
        _("less than {n}") if self.max_open else _("at most {n}")).format(n=self.max)
    return _(" and ").join(part for part in (low, high) if part)


def _error_hint(self: Any, ctx: click.Context | None) -> str:
    """The name of a parameter in an error message, quoted as the language quotes."""
    from gk.i18n import quote

    if isinstance(self, click.Argument):
        return quote(self.make_metavar(ctx) if ctx is not None else self.human_readable_name)
    return " / ".join(quote(name) for name in (self.opts or [self.human_readable_name]))


def _translate_click() -> None:
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.termui, click.types):
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
    # The rest of what click shows in words of its own: '[OPTIONS]' in the usage line, a
    # range as 'x>=0', parameter names in English quotes, the names of number types.
    usage_pieces = click.core.Command.collect_usage_pieces

    def collect_usage_pieces(self: click.Command, ctx: click.Context) -> list[str]:
        return [_(piece) if piece == "[OPTIONS]" else piece
                for piece in usage_pieces(self, ctx)]

    click.core.Command.collect_usage_pieces = collect_usage_pieces  # type: ignore[method-assign]
    global _click_range
    if _click_range is None:
        _click_range = click.types._NumberRangeBase._describe_range
    click.types._NumberRangeBase._describe_range = _describe_range  # type: ignore[method-assign]
    click.core.Parameter.get_error_hint = _error_hint  # type: ignore[method-assign]
    click.core.Option.get_error_hint = _error_hint  # type: ignore[method-assign]
    click.core.Argument.get_error_hint = _error_hint  # type: ignore[method-assign]
    from gk.i18n import get_language

    if get_language() != "en":  # English keeps click's own names ('INTEGER RANGE')
        for kind, name in ((click.types.IntParamType, "integer"), (click.types.IntRange,
                                                                   "integer"),
                           (click.types.FloatParamType, "float"), (click.types.FloatRange,
                                                                   "float")):
            kind.name = _(name)


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
             subcommand_metavar=_("COMMAND [ARGS]..."),
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
        _explain_missing(exc)
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


# What a missing argument is, in words, by the argument's name (click names only its metavar).
_ARGUMENTS = {
    "alliance": "the id of the alliance, e.g. meerbusch (the name of its file in alliances/)",
    "alliance_id": "the id of the new alliance, e.g. musterstadt (lower-case letters a–z, "
                   "digits and hyphens)",
    "service_id": "the id of the new service, e.g. sprachcafe (lower-case letters a–z, digits "
                  "and hyphens)",
    "template_id": "the template, e.g. prozessmanagement, bedarfs-angebotsanalyse or "
                   "begleitprotokoll",
}


def _explain_missing(exc: click.exceptions.ClickException) -> None:
    """Add to 'Missing argument ALLIANCE' what ALLIANCE is."""
    if isinstance(exc, click.MissingParameter) and isinstance(exc.param, click.Argument) \
            and not exc.message and exc.param.name in _ARGUMENTS:
        from gk.i18n import quote

        what = _(_ARGUMENTS[exc.param.name])
        setattr(exc, "message", _("{name} is {what}.").format(  # noqa: B010
            name=quote(exc.param.human_readable_name), what=what))


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
