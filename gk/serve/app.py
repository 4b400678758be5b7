"""The web application of ``gk serve``: the standard library's HTTP server, the gate of
gk.serve.security in front of every request, and handlers that parse the request, call the
core (check, load, analyses, lossless edits, new files) and render a page.

Requests are handled one at a time (a lock): there is one user, and the files and the cache
are never touched by two requests at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from gk.errors import GkError
from gk.i18n import _, set_language
from gk.render.escape import html_attr, html_text
from gk.serve import pages
from gk.serve.security import HEADERS, Gate

MAX_BODY = 4 * 1024 * 1024
STATIC = {"gk.css": "text/css; charset=utf-8", "gk.js": "text/javascript; charset=utf-8"}


@dataclass
class App:
    """What the server knows between requests."""

    root: Path
    lang: str
    gate: Gate
    today: dt.date | None = None
    written: list[str] = field(default_factory=list)  # files saved or created here, in order
    # The bytes each open form started from, by their digest (for "changed since opened").
    bases: OrderedDict[str, bytes] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    model: tuple[str, Any] | None = None  # (signature of the files, the model built from them)

    def day(self) -> dt.date:
        if self.today is not None:
            return self.today
        from gk.domain import parse_date

        return parse_date(os.environ.get("GK_TODAY", "")) or dt.date.today()

    def remember(self, raw: bytes) -> str:
        digest = hashlib.sha256(raw).hexdigest()
        self.bases[digest] = raw
        self.bases.move_to_end(digest)
        while len(self.bases) > 200:
            self.bases.popitem(last=False)
        return digest

    def check(self) -> Any:
        from gk.engine.pipeline import CheckOptions
        from gk.speed.cached import Speed
        from gk.speed.cached import check as cached_check

        return cached_check(self.root, CheckOptions(today=self.day()), Speed(jobs=1))

    def load(self) -> Any:
        """The model for the pages, kept between requests while no file has changed (by the
        same signature of the files' states that gk.speed trusts for remembered reports)."""
        from gk.engine.pipeline import load
        from gk.speed.cached import snapshot

        seen = snapshot(self.root, "serve-model")
        if seen.steady and self.model is not None and self.model[0] == seen.signature:
            return self.model[1]
        repository = load(self.root, discovered=seen.discovered)
        self.model = (seen.signature, repository) if seen.steady else None
        return repository

    def repo_name(self) -> str:
        from gk.engine.load import load_file

        data = load_file(self.root, "gk.yaml").data
        name = data.get("name") if isinstance(data, dict) else None
        return name if isinstance(name, str) else self.root.name


class Refused(Exception):
    def __init__(self, status: HTTPStatus, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


class Handler(BaseHTTPRequestHandler):
    server_version = "gk"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    @property
    def app(self) -> App:
        app: App = self.server.app  # type: ignore[attr-defined]
        return app

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal stays quiet; the token must not land in logs either

    # --- sending ------------------------------------------------------------------------

    def send(self, status: HTTPStatus, body: bytes, content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in {**HEADERS, **(headers or {})}.items():
            self.send_header(key, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def page(self, title: str, body: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        html = pages.layout(title, body, self.app.repo_name())
        self.send(status, html.encode("utf-8"))

    def redirect(self, target: str) -> None:
        self.send(HTTPStatus.SEE_OTHER, b"", headers={"Location": target})

    def refuse(self, status: HTTPStatus, text: str) -> None:
        body = (f'<!doctype html><html lang="{self.app.lang}"><meta charset="utf-8">'
                f"<title>{int(status)}</title><p>{html_text(text)}</p></html>")
        self.send(status, body.encode("utf-8"), headers={"Connection": "close"})
        self.close_connection = True

    # --- the gate -----------------------------------------------------------------------

    def admitted(self) -> bool:
        gate = self.app.gate
        if not gate.host_ok(self.headers.get("Host")):
            self.refuse(HTTPStatus.FORBIDDEN, _("Refused: this address is not gk's."))
            return False
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if "token" in query:
            if gate.token_ok(query["token"][0]):
                rest = [(k, v) for k, values in query.items() if k != "token" for v in values]
                target = parts.path + ("?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in rest)
                                       if rest else "")
                # Not a redirect: a page of this server that moves on, so that the next
                # request starts here (same-site) and carries the SameSite=Strict cookie
                # even when the address was opened from a file or another program.
                target = html_attr(target or "/")
                body = (f'<!doctype html><html lang="{self.app.lang}"><meta charset="utf-8">'
                        f'<meta http-equiv="refresh" content="0;url={target}">'
                        f'<title>gk</title><p><a href="{target}">gk</a></p></html>')
                self.send(HTTPStatus.OK, body.encode("utf-8"),
                          headers={"Set-Cookie": gate.set_cookie()})
                return False
            self.refuse(HTTPStatus.FORBIDDEN, _("Refused: the token is wrong. Open the address "
                                                "that 'gk serve' printed."))
            return False
        if not gate.cookie_ok(self.headers.get("Cookie")):
            self.refuse(HTTPStatus.FORBIDDEN, _("Refused: open the address with the token that "
                                                "'gk serve' printed."))
            return False
        return True

    def form(self) -> dict[str, list[str]] | None:
        """The body of a POST, after the form token and origin checks (None: refused)."""
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self.refuse(HTTPStatus.LENGTH_REQUIRED, _("Refused: not a form."))
            return None
        if int(length) > MAX_BODY:
            self.refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _("Refused: the request is too large."))
            return None
        raw = self.rfile.read(int(length))
        if not self.app.gate.same_origin({k.title(): v for k, v in self.headers.items()}):
            self.refuse(HTTPStatus.FORBIDDEN, _("Refused: the request does not come from a page "
                                                "of gk."))
            return None
        kind = self.headers.get("Content-Type", "").split(";")[0].strip()
        if kind != "application/x-www-form-urlencoded":
            self.refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, _("Refused: not a form."))
            return None
        try:
            form = parse_qs(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=20000)
        except (UnicodeDecodeError, ValueError):
            self.refuse(HTTPStatus.BAD_REQUEST, _("Refused: the form could not be read."))
            return None
        token = form.get("form_token", [None])[0]
        if not self.app.gate.form_ok(token):
            self.refuse(HTTPStatus.FORBIDDEN, _("Refused: the form is not from this gk session. "
                                                "Reload the page and try again."))
            return None
        return form

    # --- dispatch -----------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        set_language(self.app.lang)
        if not self.admitted():
            return
        with self.app.lock:
            try:
                self._route(method)
            except Refused as exc:
                self.refuse(exc.status, exc.text)
            except GkError as exc:
                self.page(_("Not possible"), pages.message("error", exc.message),
                          HTTPStatus.CONFLICT)
            except Exception as exc:  # a defect of gk: one line, as on the command line
                if os.environ.get("GK_DEBUG"):
                    raise
                self.refuse(HTTPStatus.INTERNAL_SERVER_ERROR, _(
                    "gk: internal error ({kind}: {message}). Run again with --debug to see "
                    "the details, and please report it.").format(
                        kind=type(exc).__name__, message=str(exc)[:200]))

    def _route(self, method: str) -> None:
        from gk.serve import handlers

        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        if method == "GET" and path.startswith("/static/"):
            handlers.static(self, path[len("/static/"):])
            return
        route = handlers.ROUTES.get((method, path.split("/")[1] if "/" in path else ""))
        if route is None:
            raise Refused(HTTPStatus.NOT_FOUND, _("There is no such page."))
        form = None
        if method == "POST":
            form = self.form()
            if form is None:
                return
        route(self, path, query, form)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, app: App, port: int) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.app = app


def make_server(root: Path, port: int = 0, lang: str = "de",
                today: dt.date | None = None) -> Server:
    """A server for ``root`` on 127.0.0.1 (port 0: a free one), not yet serving."""
    server = Server(App(root, lang, Gate(0), today), port)
    server.app.gate = Gate(server.server_address[1])
    return server
