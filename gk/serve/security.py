"""Who may talk to ``gk serve``: the token in the address (exchanged for a cookie), the Host
header (no DNS rebinding), and for every change a form token and a same-origin request.

The server listens on 127.0.0.1 only, but any program or web page the user opens can send
requests there: the token keeps out every request that did not start from the address gk
printed, the Host check keeps out pages served under another name that resolves to the
loopback address, and the form token with the Origin check keeps out forms posted from
other sites (the cookie is SameSite=Strict as well).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Gate:
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    form_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def cookie_name(self) -> str:
        # Cookies do not tell ports apart: one name per server, so two can run side by side.
        return f"gk_{self.port}"

    @property
    def origins(self) -> tuple[str, str]:
        return (f"http://127.0.0.1:{self.port}", f"http://localhost:{self.port}")

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?token={self.token}"

    def host_ok(self, host: str | None) -> bool:
        return host in (f"127.0.0.1:{self.port}", f"localhost:{self.port}")

    def cookie_ok(self, cookie_header: str | None) -> bool:
        from http.cookies import CookieError, SimpleCookie

        if not cookie_header:
            return False
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(cookie_header)
        except CookieError:
            return False
        morsel = jar.get(self.cookie_name)
        return morsel is not None and hmac.compare_digest(morsel.value.encode(),
                                                          self.token.encode())

    def token_ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    def set_cookie(self) -> str:
        return (f"{self.cookie_name}={self.token}; HttpOnly; SameSite=Strict; Path=/")

    def form_ok(self, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value.encode(),
                                                         self.form_token.encode())

    def same_origin(self, headers: Mapping[str, str]) -> bool:
        """A change must come from a page of this server: Origin names it, or (where a
        browser sends no Origin) Sec-Fetch-Site says same-origin, or the Referer is ours."""
        origin = headers.get("Origin")
        if origin is not None:
            return origin in self.origins
        site = headers.get("Sec-Fetch-Site")
        if site is not None:
            return site == "same-origin"
        referer = headers.get("Referer")
        if referer:
            parts = urlsplit(referer)
            return f"{parts.scheme}://{parts.netloc}" in self.origins
        return False


# Sent with every answer: nothing loads from elsewhere, no framing, no guessing of types.
HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
