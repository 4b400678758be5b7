"""``gk serve`` over real HTTP: the token and its cookie, the Host check, the form token and
the origin check, refused paths, saving, conflicts and the git commit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from test_serve_support import Client, git, served

__all__ = ["served"]

SHEET = "worksheets/meerbusch/prozessmanagement-2020.yaml"


def fields_of(html: str) -> list[tuple[str, str]]:
    """The values a browser would submit for the form on a page (inputs, selected options,
    textareas, checked boxes), without any button."""
    form = html[html.index('<form method="post" action="/file/'):]
    out: list[tuple[str, str]] = []
    for tag in re.finditer(r"<input ([^>]*)>", form):
        attrs = dict((k, unescape(v)) for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag[1]))
        if "name" not in attrs:
            continue
        if attrs.get("type") == "checkbox" and " checked" not in tag[1]:
            continue
        out.append((attrs["name"], attrs.get("value", "")))
    for select in re.finditer(r'<select id="[^"]*" name="([^"]*)"[^>]*>(.*?)</select>', form,
                              re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', select[2])
        out.append((unescape(select[1]), unescape(chosen[1]) if chosen else ""))
    for area in re.finditer(r'<textarea id="[^"]*" name="([^"]*)"[^>]*>\n(.*?)</textarea>', form,
                            re.S):
        out.append((unescape(area[1]), unescape(area[2])))
    return out


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of a page as a browser's parser sees it."""
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str | None]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def set_field(pairs: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    assert any(n == name for n, _v in pairs), name
    return [(n, value if n == name else v) for n, v in pairs]


# --- the gate -----------------------------------------------------------------------------

def test_without_token_everything_is_refused(served: tuple[Path, Client]) -> None:
    _root, client = served
    for path in ("/", "/findings", f"/file/{SHEET}", "/static/gk.css", "/nothing"):
        assert client.request("GET", path).status == 403, path
    assert client.request("GET", "/?token=wrong").status == 403
    assert client.request("GET", "/", headers={"Cookie": f"gk_{client.port}=wrong"}).status == 403


def test_token_becomes_a_strict_http_only_cookie_and_leaves_the_address(
        served: tuple[Path, Client]) -> None:
    _root, client = served
    answer = client.request("GET", f"/alliance/meerbusch?token={client.token}")
    assert answer.status == 200  # a page that moves on to the address without the token
    assert '<meta http-equiv="refresh" content="0;url=/alliance/meerbusch">' in answer.body
    assert client.token not in answer.body
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    client.cookie = cookie.split(";")[0]
    page = client.request("GET", "/alliance/meerbusch")
    assert page.status == 200
    assert "Stadt Meerbusch" in page.body
    assert client.token not in page.body


def test_security_headers(served: tuple[Path, Client]) -> None:
    _root, client = served
    client.login()
    answer = client.request("GET", "/")
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    # no address outside the server in any page
    assert not re.search(r'(src|href|action)="(https?:)?//', answer.body)


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1", "localhost:1",
                                  "127.0.0.1.nip.io:{port}", None])
def test_other_host_names_are_refused(served: tuple[Path, Client], host: str | None) -> None:
    _root, client = served
    client.login()
    value = host.format(port=client.port) if host else None
    if value is None:  # no Host header at all
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
        conn.putrequest("GET", "/", skip_host=True)
        conn.putheader("Cookie", client.cookie or "")
        conn.endheaders()
        assert conn.getresponse().status == 403
        conn.close()
        return
    assert client.request("GET", "/", headers={"Host": value}).status == 403
    assert client.request("GET", f"/?token={client.token}", headers={"Host": value}).status == 403


def test_localhost_is_accepted(served: tuple[Path, Client]) -> None:
    _root, client = served
    client.login()
    assert client.request("GET", "/", headers={"Host": f"localhost:{client.port}"}).status == 200


def _save_form(client: Client) -> list[tuple[str, str]]:
    page = client.request("GET", f"/file/{SHEET}")
    assert page.status == 200
    return fields_of(page.body)


def test_post_needs_form_token_and_same_origin(served: tuple[Path, Client]) -> None:
    root, client = served
    client.login()
    before = (root / SHEET).read_bytes()
    pairs = set_field(_save_form(client), "items/roles/status", "done")
    no_token = [(n, v) for n, v in pairs if n != "form_token"]
    assert client.request("POST", f"/file/{SHEET}", no_token).status == 403
    wrong = set_field(pairs, "form_token", "x" * 43)
    assert client.request("POST", f"/file/{SHEET}", wrong).status == 403
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Origin": None, "Sec-Fetch-Site": "cross-site"},
                    {"Origin": None, "Referer": "http://evil.example/x"},
                    {"Origin": None}):
        assert client.request("POST", f"/file/{SHEET}", pairs, headers).status == 403, headers
    assert (root / SHEET).read_bytes() == before
    # the same form from our own origin is saved
    answer = client.request("POST", f"/file/{SHEET}", pairs,
                            {"Origin": None, "Sec-Fetch-Site": "same-origin"})
    assert answer.status == 303
    assert (root / SHEET).read_bytes() != before


def test_paths_outside_the_documents_are_refused(served: tuple[Path, Client],
                                                 tmp_path: Path) -> None:
    root, client = served
    client.login()
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: geheim\n")
    for path in ("/file/../secret.yaml", "/file/%2e%2e/secret.yaml", "/file/gk.yaml",
                 "/file/worksheets/../../secret.yaml", "/file//etc/passwd",
                 "/file/worksheets/meerbusch/Nicht-ID.yaml", "/static/../gk.yaml",
                 "/file/templates/x.yaml", "/file/.git/config"):
        answer = client.request("GET", path)
        assert answer.status == 404, path
        assert "geheim" not in answer.body
    # a link inside the repository is refused too (gk never follows links)
    os.symlink(secret, root / "alliances" / "verlinkt.yaml")
    answer = client.request("GET", "/file/alliances/verlinkt.yaml")
    assert answer.status in (404, 409)
    assert "geheim" not in answer.body


# --- saving -------------------------------------------------------------------------------

def test_saving_an_unchanged_form_changes_nothing(served: tuple[Path, Client]) -> None:
    root, client = served
    client.login()
    for rel in (SHEET, "alliances/meerbusch.yaml", "services/meerbusch/bewerbungswerkstatt.yaml",
                "worksheets/meerbusch/bedarfs-angebotsanalyse-2025.yaml",
                "worksheets/meerbusch/begleitprotokoll-2025-10-14.yaml"):
        before = (root / rel).read_bytes()
        page = client.request("GET", f"/file/{rel}")
        answer = client.request("POST", f"/file/{rel}", fields_of(page.body))
        assert answer.status == 303, (rel, answer.body[:2000])
        assert answer.headers["location"].endswith("?saved=0"), rel
        assert (root / rel).read_bytes() == before


def test_save_changes_only_the_changed_lines(served: tuple[Path, Client]) -> None:
    root, client = served
    client.login()
    before = (root / SHEET).read_text(encoding="utf-8").splitlines()
    pairs = set_field(_save_form(client), "items/roles/status", "done")
    pairs = set_field(pairs, "items/roles/note", "Geklärt im Mai.")
    answer = client.request("POST", f"/file/{SHEET}", pairs)
    assert answer.status == 303
    after = (root / SHEET).read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("    status: in-progress", "    status: done"),
                       ('    note: "Abgrenzung zur Geschäftsführenden Stelle des Kreises noch zu '
                        'klären."', '    note: "Geklärt im Mai."')]
    page = client.request("GET", answer.headers["location"])
    assert "Gespeichert" in page.body


def test_a_file_changed_since_the_form_was_opened_is_not_overwritten(
        served: tuple[Path, Client]) -> None:
    root, client = served
    client.login()
    pairs = set_field(_save_form(client), "items/roles/note", "Meine Notiz")
    text = (root / SHEET).read_text(encoding="utf-8")
    changed = text.replace("status: open\n    note: \"Noch nicht begonnen.\"",
                           "status: done\n    note: \"Von anderer Stelle erledigt.\"")
    assert changed != text
    (root / SHEET).write_text(changed, encoding="utf-8")
    answer = client.request("POST", f"/file/{SHEET}", pairs)
    assert answer.status == 409
    assert (root / SHEET).read_text(encoding="utf-8") == changed
    assert "Von anderer Stelle erledigt." in answer.body  # the version on disk
    assert "Meine Notiz" in answer.body  # and the user's


def test_a_file_with_errors_can_be_saved_and_shows_them(served: tuple[Path, Client]) -> None:
    root, client = served
    client.login()
    pairs = set_field(_save_form(client), "date", "2020-13-45")
    answer = client.request("POST", f"/file/{SHEET}", pairs)
    assert answer.status == 303
    assert "date: 2020-13-45" in (root / SHEET).read_text(encoding="utf-8")
    page = client.request("GET", f"/file/{SHEET}")
    check = subprocess.run([sys.executable, "-m", "gk", "-C", str(root), "check", "--format",
                            "json", SHEET], capture_output=True, text=True, check=False,
                           env={**os.environ, "GK_TODAY": "2026-11-21", "GK_LANG": "de"})
    import json

    messages = [f["message"] for f in json.loads(check.stdout)["findings"]
                if f["severity"] == "error"]
    assert messages
    for message in messages:  # the same words as gk check
        assert message in unescape(page.body)
    assert 'aria-invalid="true"' in page.body


def test_add_and_remove_rows_without_script(served: tuple[Path, Client]) -> None:
    root, client = served
    client.login()
    pairs = _save_form(client)
    count = dict(pairs)["todos/__n"]
    added = client.request("POST", f"/file/{SHEET}", [*pairs, ("action", "add:todos")])
    assert added.status == 200
    new_pairs = fields_of(added.body)
    assert dict(new_pairs)["todos/__n"] == str(int(count) + 1)
    new_index = int(count)
    new_pairs = set_field(new_pairs, f"todos/{new_index}/title", "Ausländerbehörde einladen")
    new_pairs = set_field(new_pairs, f"todos/{new_index}/due", "2027-01-31")
    removed = client.request("POST", f"/file/{SHEET}", [*new_pairs, ("action", "remove:todos/0")])
    assert removed.status == 200
    assert (root / SHEET).read_text(encoding="utf-8").count("- id:") == int(count)  # not saved
    saved = client.request("POST", f"/file/{SHEET}", fields_of(removed.body))
    assert saved.status == 303
    text = (root / SHEET).read_text(encoding="utf-8")
    assert "einwilligung-nutzen" not in text
    assert ("  - id: auslaenderbehoerde-einladen\n    title: \"Ausländerbehörde einladen\"\n"
            "    due: 2027-01-31\n    status: open\n") in text


def test_commit_commits_only_what_gk_wrote(served: tuple[Path, Client]) -> None:
    root, client = served
    client.login()
    (root / "notizen.txt").write_text("nicht von gk\n")
    pairs = set_field(_save_form(client), "items/roles/status", "done")
    assert client.request("POST", f"/file/{SHEET}", pairs).status == 303
    overview = client.request("GET", "/")
    assert SHEET in overview.body and "notizen.txt" in overview.body
    assert client.request("POST", "/commit", {"form_token": client.form_token,
                                              "message": ""}).status == 409
    answer = client.request("POST", "/commit", {"form_token": client.form_token,
                                                "message": "Rollen geklärt"})
    assert answer.status == 303
    assert git(root, "log", "-1", "--format=%s").strip() == "Rollen geklärt"
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == [SHEET]
    assert "?? notizen.txt" in git(root, "status", "--porcelain")
    assert client.request("POST", "/commit", {"message": "x"}).status == 403


def test_new_alliance_service_and_worksheet(served: tuple[Path, Client]) -> None:
    root, client = served
    client.login()
    page = client.request("GET", "/new/alliance")
    assert page.status == 200 and 'name="name"' in page.body
    bad = client.request("POST", "/new/alliance", {"form_token": client.form_token,
                                                   "new_id": "Neustadt", "name": "Neustadt"})
    assert bad.status == 200 and "Neustadt" in bad.body
    assert not (root / "alliances" / "Neustadt.yaml").exists()
    created = client.request("POST", "/new/alliance", {
        "form_token": client.form_token, "new_id": "neustadt", "name": "Stadt Neustadt",
        "type": "kreisfreie-stadt", "joined": "2026-01-01",
        "lead_office/organisation": "Kommunales Integrationszentrum"})
    assert created.status == 303, created.body[:3000]
    assert created.headers["location"] == "/file/alliances/neustadt.yaml?created=1"
    assert "name: \"Stadt Neustadt\"" in (root / "alliances/neustadt.yaml").read_text()
    service = client.request("POST", "/new/service/neustadt", {
        "form_token": client.form_token, "new_id": "sprachcafe", "title": "Sprachcafé",
        "provider": "JMD", "fields/__choices": "1", "fields": ["language"],
        "open_to/__choices": "1", "open_to": ["duldung", "gestattung"], "status": "active"})
    assert service.status == 303, service.body[:3000]
    assert (root / "services/neustadt/sprachcafe.yaml").is_file()
    sheet = client.request("POST", "/new/worksheet/neustadt", {
        "form_token": client.form_token, "template": "prozessmanagement", "date": "2026-11-21"})
    assert sheet.status == 303
    rel = "worksheets/neustadt/prozessmanagement-2026-11-21.yaml"
    assert (root / rel).is_file()
    assert client.request("GET", f"/file/{rel}").status == 200
    check = subprocess.run([sys.executable, "-m", "gk", "-C", str(root), "check", "alliances",
                            "services/neustadt", "worksheets/neustadt"], capture_output=True,
                           text=True, check=False, env={**os.environ, "GK_TODAY": "2026-11-21"})
    assert check.returncode == 0, check.stdout


def test_findings_page_links_to_the_field(served: tuple[Path, Client]) -> None:
    _root, client = served
    client.login()
    page = client.request("GET", "/findings")
    assert page.status == 200
    links = re.findall(r'href="(/file/[^"]+\?focus=[^"]+)"', page.body)
    assert links
    target = client.request("GET", unescape(links[0]))
    assert target.status == 303
    location = target.headers["location"]
    assert "#f-" in location
    path, fragment = location.split("#")
    form = client.request("GET", path)
    from urllib.parse import unquote

    assert f'id="{unquote(fragment)}"' in unescape(form.body)


@pytest.mark.parametrize("args", [["--help"], ["-C", "{example}", "check"]])
def test_serve_is_not_imported_by_check_or_help(args: list[str]) -> None:
    from test_serve_support import EXAMPLE

    code = ("import sys; from gk.cli import main\n"
            f"try:\n    main({[a.format(example=EXAMPLE) for a in args]!r})\n"
            "except SystemExit:\n    pass\n"
            "assert not [m for m in sys.modules if m.startswith(('gk.serve', 'http.server'))]")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env={**os.environ, "GK_TODAY": "2026-11-21"})
    assert done.returncode == 0, done.stderr


def test_hostile_values_are_escaped_everywhere(served: tuple[Path, Client]) -> None:
    root, client = served
    client.login()
    hostile = '<script>alert(1)</script>" onfocus="alert(2)'
    rel = "services/meerbusch/bewerbungswerkstatt.yaml"
    text = (root / rel).read_text(encoding="utf-8")
    (root / rel).write_text(text.replace('title: "Bewerbungswerkstatt für junge Geflüchtete"',
                                         "title: '" + hostile + "'"), encoding="utf-8")
    sheet = (root / SHEET).read_text(encoding="utf-8")
    (root / SHEET).write_text(sheet.replace('note: "Noch nicht begonnen."',
                                            "note: '" + hostile + "'"), encoding="utf-8")
    for path in ("/", "/alliance/meerbusch", "/findings", f"/file/{rel}", f"/file/{SHEET}"):
        body = client.request("GET", path).body
        tags = tags_of(body)
        scripts = [attrs for tag, attrs in tags if tag == "script"]
        assert scripts == [{"src": "/static/gk.js", "defer": None}], path  # gk's own only
        assert not [attrs for _tag, attrs in tags if any(k.startswith("on") for k in attrs)], path
    form = client.request("GET", f"/file/{SHEET}").body
    assert ("items/education-chains/note", hostile) in fields_of(form)  # shown as it is
    # and the value survives a save untouched
    answer = client.request("POST", f"/file/{SHEET}", fields_of(form))
    assert answer.headers["location"].endswith("?saved=0")


def test_a_new_checklist_can_start_from_the_previous_one(served: tuple[Path, Client]) -> None:
    root, client = served
    client.login()
    answer = client.request("POST", "/new/worksheet/meerbusch", {
        "form_token": client.form_token, "template": "prozessmanagement", "date": "2026-11-21",
        "previous": "1"})
    assert answer.status == 303
    new = (root / "worksheets/meerbusch/prozessmanagement-2026-11-21.yaml").read_text("utf-8")
    old = (root / SHEET).read_text(encoding="utf-8")
    assert "date: 2026-11-21" in new and "todos" not in new
    assert new.splitlines()[:3] == [old.splitlines()[0], *old.splitlines()[1:2],
                                    "date: 2026-11-21"]
    old_items = old[old.index("items:"):old.index("todos:")]
    assert new.endswith(old_items.rstrip("\n") + "\n") or old_items in new


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is a POSIX signal")
def test_gk_serve_prints_the_address_and_ends_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    import signal
    import urllib.request

    from test_serve_support import make_repository

    root = make_repository(tmp_path)
    # A program started in the background by a shell ignores Ctrl-C, and so do its children
    # (an ignored signal stays ignored across exec): gk serve is started as from a terminal.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen([sys.executable, "-m", "gk", "-C", str(root), "serve",
                                    "--no-browser", "--lang", "en"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "GK_TODAY": "2026-11-21"})
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        assert process.stdout is not None
        process.stdout.readline()
        url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{40,}", url), url
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(url, timeout=60) as response:  # the cookie
            assert "refresh" in response.read().decode("utf-8")
        with opener.open(url.split("?")[0], timeout=60) as response:
            page = response.read().decode("utf-8")
        assert "<h1>Overview</h1>" in page  # --lang en
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "gk serve stopped." in out
    assert "Traceback" not in err


def test_check_while_typing_answers_by_field_without_saving(served: tuple[Path, Client]) -> None:
    import json

    root, client = served
    client.login()
    before = (root / SHEET).read_bytes()
    pairs = set_field(_save_form(client), "items/roles/status", "erledigt")
    answer = client.request("POST", f"/check/{SHEET}", pairs)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/json")
    found = json.loads(answer.body)
    messages = found["fields"]["items/roles/status"]
    assert messages[0][0] == "error"
    assert "„erledigt“" in messages[0][1] and "done" in messages[0][1]  # did you mean
    assert (root / SHEET).read_bytes() == before
    assert client.request("POST", f"/check/{SHEET}", pairs,
                          {"Origin": "http://evil.example"}).status == 403


def test_pages_follow_changes_made_outside_the_browser(served: tuple[Path, Client]) -> None:
    """The model is kept between requests only while no file changed: an edit in a text
    editor shows on the next page."""
    root, client = served
    client.login()
    assert "Sprachkurs im Nachbarort" not in client.request("GET", "/alliance/meerbusch").body
    rel = "services/meerbusch/bewerbungswerkstatt.yaml"
    text = (root / rel).read_text(encoding="utf-8")
    (root / rel).write_text(text.replace("Bewerbungswerkstatt für junge Geflüchtete",
                                         "Sprachkurs im Nachbarort"), encoding="utf-8")
    assert "Sprachkurs im Nachbarort" in client.request("GET", "/alliance/meerbusch").body
