"""Shared by the tests of ``gk serve``: a copy of the example repository (a git repository)
served on a free port in a thread, and a small HTTP client that keeps the cookie."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "nrw"
TODAY = dt.date(2026, 11, 21)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Client:
    port: int
    token: str
    cookie: str | None = None
    form_token: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: dict[str, object] | list[tuple[str, str]]
                | None = None, headers: dict[str, str] | None = None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": f"127.0.0.1:{self.port}", **self.extra}
        if self.cookie:
            sent["Cookie"] = self.cookie
        payload = None
        if body is not None:
            payload = urlencode(body, doseq=True).encode("utf-8")
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"http://127.0.0.1:{self.port}"
        sent.update(headers or {})
        sent = {k: v for k, v in sent.items() if v is not None}
        conn.request(method, path, body=payload, headers=sent)
        response = conn.getresponse()
        text = response.read().decode("utf-8")
        conn.close()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)

    def login(self) -> None:
        answer = self.request("GET", f"/?token={self.token}")
        assert answer.status == 200
        self.cookie = answer.headers["set-cookie"].split(";")[0]


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


def make_repository(tmp_path: Path) -> Path:
    root = tmp_path / "ablage"
    shutil.copytree(EXAMPLE, root)
    git(root, "init", "-q")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "config", "user.name", "Test")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    return root


@contextlib.contextmanager
def running(root: Path) -> Iterator[Any]:
    """``gk serve`` for ``root`` on a free port in a thread; yields the server."""
    from gk.serve.app import make_server

    server = make_server(root, 0, "de", today=TODAY)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Client]]:
    root = make_repository(tmp_path)
    with running(root) as server:
        gate = server.app.gate
        yield root, Client(gate.port, gate.token, form_token=gate.form_token)
