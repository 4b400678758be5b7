"""``gk serve``: the browser front end for the data repository (loopback only, with a token)."""

from __future__ import annotations

from pathlib import Path

import click

from gk.cli.common import apply_language, common_options, repository_root
from gk.i18n import _


@click.command("serve", help=_("""Open the data repository in the web browser: overview of the
alliances, forms for alliances, services and worksheets (generated from the schemas and
templates), the findings of 'gk check' next to each field, and saving that changes only the
lines you changed. The server listens on this computer only (127.0.0.1); the address it prints
carries a secret token, and nobody without it gets in. Stop it with Ctrl-C.""")
               + "\n\n\b\n" + _("Examples:") + """
  gk serve
  gk -C daten serve --port 8765 --no-browser
""")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help=_("Port to listen on (0: a free one)."))
@click.option("--no-browser", is_flag=True, help=_("Do not open the web browser."))
@common_options
@click.pass_context
def serve(ctx: click.Context, port: int, no_browser: bool) -> None:
    from gk.errors import GkError
    from gk.serve.app import make_server

    root = repository_root(ctx)
    lang = apply_language(ctx, root)
    try:
        server = make_server(root, port, lang)
    except OSError as exc:
        raise GkError(_("Cannot listen on port {port}: {error}").format(
            port=port, error=exc.strerror or exc)) from exc
    url = server.app.gate.url()
    click.echo(_("gk serve: the data repository {root} is open at").format(root=root))
    click.echo("  " + url)
    click.echo(_("Only this computer can reach it, and only with this address. Stop with "
                 "Ctrl-C."))
    opener = None if no_browser else _open_browser(url)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        click.echo(_("gk serve stopped."))
    finally:
        server.server_close()
        if opener is not None:
            opener.unlink(missing_ok=True)


def _open_browser(url: str) -> Path | None:
    """Open the address in the default browser through ``forwarding_file`` (the address
    itself only where no such file can be written)."""
    import webbrowser

    try:
        forward = forwarding_file(url)
    except OSError:
        webbrowser.open(url)
        return None
    webbrowser.open(forward.as_uri())
    return forward


def forwarding_file(url: str) -> Path:
    """A small page only this user can read that moves on to ``url`` (as Jupyter does): a
    browser started with the address itself would show the token in the process list to
    every user of the machine."""
    import html
    import os
    import tempfile

    fd, name = tempfile.mkstemp(prefix="gk-serve-", suffix=".html")  # mode 0600
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" '
                     f'content="0;url={html.escape(url)}"><a href="{html.escape(url)}">gk</a>')
    return Path(name)
