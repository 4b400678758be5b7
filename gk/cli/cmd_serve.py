"""``gk serve``: the browser front end for the data repository (loopback only, with a token)."""

from __future__ import annotations

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
    if not no_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        click.echo(_("gk serve stopped."))
    finally:
        server.server_close()
