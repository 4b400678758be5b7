"""Robust loading and privacy: limits in time and memory, no code execution, no reading
outside the repository, files that must never be opened, and the privacy heuristics."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, VALID_ALLIANCE, VALID_SERVICE, check_json, codes_at, run_gk, run_main

from gk import findings as F
from gk.engine.discover import FileTooLarge, SourceFile, UnsafeFile, discover, read_data_file
from gk.engine.load import MAX_BYTES, MAX_DEPTH, MAX_NODES, load_bytes, load_file
from gk.rules import privacy

SERVICE_FILE = "services/musterstadt/sprachcafe.yaml"
POSIX = os.name == "posix"


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: an alarm interrupts a blocked open() or read()."""
    def expire(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(autouse=True)
def _german() -> Iterator[None]:
    """Messages read here are the German ones (the loader is called directly, too)."""
    from gk.i18n import get_language, set_language

    previous = get_language()
    set_language("de")
    yield
    set_language(previous)


def base_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "alliances").mkdir(parents=True)
    (root / "services" / "musterstadt").mkdir(parents=True)
    (root / "gk.yaml").write_text("gk: 1\nname: Test\n", encoding="utf-8")
    (root / "alliances" / "musterstadt.yaml").write_text(VALID_ALLIANCE, encoding="utf-8")
    return root


def codes(found: list[F.Finding]) -> list[tuple[str, str, int, int]]:
    return [(f.code, f.file, f.line, f.column) for f in found]


# --- files that must never be opened ----------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_fifo_is_refused_without_opening(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    os.mkfifo(root / "services" / "musterstadt" / "kurs.yaml")
    os.mkfifo(root / "alliances" / "pipe.yaml")
    with deadline(10):
        files, problems = discover(root)
        with pytest.raises(UnsafeFile):
            read_data_file(root, "services/musterstadt/kurs.yaml", MAX_BYTES)
        loaded = load_file(root, "alliances/pipe.yaml")
    assert [f.rel for f in files] == ["gk.yaml", "alliances/musterstadt.yaml"]
    assert codes(problems) == [("GK010", "alliances/pipe.yaml", 1, 1),
                               ("GK010", "services/musterstadt/kurs.yaml", 1, 1)]
    assert codes(loaded.findings) == [("GK010", "alliances/pipe.yaml", 1, 1)]
    assert loaded.data is None


@pytest.mark.skipif(not POSIX, reason="device files and sockets are POSIX")
def test_devices_and_sockets_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    root = base_repo(tmp_path)
    folder = root / "services" / "musterstadt"
    os.symlink("/dev/zero", folder / "null.yaml")
    monkeypatch.chdir(folder)  # a socket path must be short
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("sock.yaml")
        with deadline(10):
            files, problems = discover(root)
            with pytest.raises(UnsafeFile):
                read_data_file(root, "services/musterstadt/null.yaml", MAX_BYTES)
            with pytest.raises(UnsafeFile):
                read_data_file(root, "services/musterstadt/sock.yaml", MAX_BYTES)
    assert [f.rel for f in files] == ["gk.yaml", "alliances/musterstadt.yaml"]
    assert [(p.code, p.file, p.message) for p in problems] == [
        ("GK010", "services/musterstadt/null.yaml",
         "Diese Datei ist eine Verknüpfung zu einem Ort außerhalb der Datenablage; gk folgt "
         "ihr nicht."),
        ("GK010", "services/musterstadt/sock.yaml",
         "Das ist keine gewöhnliche Datei, sondern eine Pipe, ein Gerät oder ein Socket; gk "
         "öffnet sie nicht.")]


def test_dangling_and_looping_links_are_unreadable_even_for_root(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    folder = root / "services" / "musterstadt"
    os.symlink("gibt-es-nicht.yaml", folder / "weg.yaml")
    os.symlink("kreis.yaml", folder / "kreis.yaml")
    files, problems = discover(root)
    assert "services/musterstadt/weg.yaml" not in [f.rel for f in files]
    assert codes(problems) == [("GK010", "services/musterstadt/kreis.yaml", 1, 1),
                               ("GK010", "services/musterstadt/weg.yaml", 1, 1)]
    assert "leads nowhere" in run_gk("-C", str(root), "--lang", "en", "check").output


def test_link_inside_the_repository_is_followed(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    (root / "services" / "musterstadt" / "sprachcafe.yaml").write_text(VALID_SERVICE, "utf-8")
    os.symlink("sprachcafe.yaml", root / "services" / "musterstadt" / "lerncafe.yaml")
    files, problems = discover(root)
    assert problems == []
    assert "services/musterstadt/lerncafe.yaml" in [f.rel for f in files]
    assert read_data_file(root, "services/musterstadt/lerncafe.yaml", MAX_BYTES) \
        == VALID_SERVICE.encode()


def test_link_leading_out_is_never_read(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    secret = tmp_path / "geheim.yaml"
    secret.write_text("title: GEHEIM-4711\n", encoding="utf-8")
    os.symlink(secret, root / "services" / "musterstadt" / "geheim.yaml")
    # a folder link and a relative climb out of the repository, too
    os.symlink(tmp_path, root / "services" / "nachbar")
    with pytest.raises(UnsafeFile):
        read_data_file(root, "services/musterstadt/geheim.yaml", MAX_BYTES)
    with pytest.raises(UnsafeFile):
        read_data_file(root, "../geheim.yaml", MAX_BYTES)
    code, report = check_json(root)
    assert code == 1
    assert codes_at(report) == {("GK010", "services/musterstadt/geheim.yaml", 1),
                                ("GK010", "services/nachbar", 1)}
    assert "GEHEIM" not in json.dumps(report)


def test_text_output_shows_nothing_from_outside(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    secret = tmp_path / "geheim.yaml"
    secret.write_text("title: GEHEIM-4711\n", encoding="utf-8")
    os.symlink(secret, root / "services" / "musterstadt" / "geheim.yaml")
    result = run_gk("-C", str(root), "check")
    assert result.exit_code == 1
    assert "GEHEIM" not in result.output


def test_directory_named_yaml_and_folder_links(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    (root / "services" / "musterstadt" / "kurs.yaml").mkdir()
    (root / "alliances" / "alt.yaml").mkdir()
    os.symlink(root / "alliances", root / "worksheets")
    _files, problems = discover(root)
    assert codes(problems) == [("GK201", "alliances/alt.yaml", 1, 1),
                               ("GK201", "services/musterstadt/kurs.yaml", 1, 1),
                               ("GK010", "worksheets", 1, 1)]


@pytest.mark.skipif(not POSIX or os.geteuid() == 0, reason="root may read every file")
def test_file_without_permission(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    path = root / "services" / "musterstadt" / "sprachcafe.yaml"
    path.write_text(VALID_SERVICE, encoding="utf-8")
    path.chmod(0)
    try:
        code, report = check_json(root)
    finally:
        path.chmod(0o644)
    assert code == 1
    assert [(f["code"], f["line"]) for f in report["findings"]] == [("GK010", 1)]
    assert "Sie dürfen sie nicht lesen" in report["findings"][0]["message"]


def test_dangling_link_where_a_folder_belongs(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    os.symlink("nirgendwo", root / "services" / "kaputt")
    code, report = check_json(root)
    assert code == 1
    assert codes_at(report) == {("GK010", "services/kaputt", 1)}


@pytest.mark.skipif(not POSIX or os.geteuid() == 0, reason="root may read every folder")
def test_unreadable_folder_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    folder = root / "services" / "musterstadt"
    (folder / "sprachcafe.yaml").write_text(VALID_SERVICE, encoding="utf-8")
    folder.chmod(0)
    try:
        code, report = check_json(root)
    finally:
        folder.chmod(0o755)
    assert code == 1
    assert codes_at(report) == {("GK010", "services/musterstadt", 1)}


def test_read_data_file_limits_the_size(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    big = root / "services" / "musterstadt" / "gross.yaml"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    with pytest.raises(FileTooLarge) as caught:
        read_data_file(root, "services/musterstadt/gross.yaml", MAX_BYTES)
    assert caught.value.size == 50 * 1024 * 1024
    loaded = load_file(root, "services/musterstadt/gross.yaml")
    assert codes(loaded.findings) == [("GK009", "services/musterstadt/gross.yaml", 1, 1)]
    assert loaded.findings[0].message == "Die Datei ist 50 MB groß; gk liest Dateien bis 5 MB."


def test_limits_are_the_documented_ones() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "robustness.md").read_text("utf-8")
    assert f"{MAX_BYTES // (1024 * 1024)} MB" in text
    assert f"{MAX_DEPTH} Ebenen" in text
    assert f"{MAX_NODES:,}".replace(",", " ") in text
    assert "GK_FUZZ_EXAMPLES" in text


# --- time and memory -----------------------------------------------------------------------------

_MEASURE = textwrap.dedent("""\
    import json, resource, sys, time
    from gk.engine.load import load_bytes
    raw = sys.stdin.buffer.read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    loaded = load_bytes(raw, "x.yaml")
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    print(json.dumps({"seconds": seconds, "grown": (after - before) * scale,
                      "codes": [f.code for f in loaded.findings]}))
""")


def _bomb(levels: int = 12) -> bytes:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


BOUNDED_INPUTS = {
    "alias-bomb": (_bomb(), "GK007"),
    "recursive-alias": (b"a: &a [*a]\n", "GK007"),
    "flow-100000-deep": (b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "GK008"),
    "flow-mappings-100000-deep": (b"a: " + b"{b: " * 100_000 + b"1" + b"}" * 100_000, "GK008"),
    "block-100000-deep": (b"a:\n" + b"- " * 100_000 + b"x\n", "GK008"),
    "unclosed-100000-deep": (b"a: " + b"[" * 100_000, "GK008"),
    "many-values": (b"a:\n" + b"- 1\n" * 1_200_000, "GK009"),  # 4.8 MB, just under the limit
    "long-line": (b"a: " + b"x" * (MAX_BYTES - 10) + b"\n", ""),
}


@pytest.mark.skipif(not POSIX, reason="resource.getrusage is POSIX")
@pytest.mark.parametrize("name", sorted(BOUNDED_INPUTS))
def test_loading_is_bounded_in_time_and_memory(name: str) -> None:
    raw, code = BOUNDED_INPUTS[name]
    proc = subprocess.run([sys.executable, "-c", _MEASURE], input=raw, capture_output=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-500:]  # a crash of the C parser: < 0
    measured = json.loads(proc.stdout)
    assert measured["codes"] == ([code] if code else [])
    assert measured["seconds"] < 5
    assert measured["grown"] < 300 * 1024 * 1024


@pytest.mark.skipif(not POSIX, reason="signals are POSIX")
def test_deep_nesting_does_not_crash_gk_check(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    path = root / "services" / "musterstadt" / "tief.yaml"
    path.write_bytes(VALID_SERVICE.encode() + b"notes: " + b"[" * 1_000_000 + b"]" * 1_000_000)
    gk = Path(sys.executable).parent / "gk"
    command = [str(gk)] if gk.is_file() else [sys.executable, "-m", "gk"]
    proc = subprocess.run([*command, "-C", str(root), "check", "--format", "json"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode in (0, 1), proc.stderr  # -11 would be a segmentation fault
    assert codes_at(json.loads(proc.stdout)) == {("GK008", "services/musterstadt/tief.yaml", 7)}


# --- no code execution ---------------------------------------------------------------------

DANGEROUS_TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
    "!!python/object/new:subprocess.Popen [[touch, {marker}]]",
    "!!python/name:os.system",
    "!!python/module:os",
    '!<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}"]',
    "!!python/object:subprocess.Popen {{args: [touch, {marker}]}}",
]


@pytest.mark.parametrize("tag", DANGEROUS_TAGS)
def test_python_tags_run_nothing(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "gk-was-here"
    root = base_repo(tmp_path)
    value = tag.format(marker=marker)
    (root / SERVICE_FILE).write_text(VALID_SERVICE + f"notes: {value}\n", encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "eigen.yaml").write_text(f"id: eigen\ntitle: {value}\n", "utf-8")
    code, report = check_json(root)
    assert code == 1
    assert ("GK011", SERVICE_FILE, 7) in codes_at(report)
    assert ("GK011", "templates/eigen.yaml", 2) in codes_at(report)
    loaded = load_bytes(f"a: {value}\n".encode(), "x.yaml")
    assert [f.code for f in loaded.findings] == ["GK011"]
    assert loaded.findings[0].message.startswith("Die YAML-Markierung „!!python/")
    assert not marker.exists()


@pytest.mark.parametrize("tag", DANGEROUS_TAGS)
def test_python_tags_run_nothing_in_any_command(tag: str, tmp_path: Path) -> None:
    """Every command that reads data files (settings, alliances, services, worksheets,
    templates; reports, edits and new files) leaves a Python tag unexecuted."""
    marker = tmp_path / "gk-was-here"
    value = tag.format(marker=marker)
    root = base_repo(tmp_path)
    (root / "gk.yaml").write_text(f"gk: 1\nname: {value}\n", encoding="utf-8")
    (root / "alliances" / "musterstadt.yaml").write_text(
        VALID_ALLIANCE + f"consultant: {value}\n", encoding="utf-8")
    (root / SERVICE_FILE).write_text(VALID_SERVICE + f"notes: {value}\n", encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "eigen.yaml").write_text(f"id: eigen\ntitle: {value}\n", "utf-8")
    sheet = root / "worksheets" / "musterstadt" / "protokoll.yaml"
    sheet.parent.mkdir(parents=True)
    sheet.write_text("template: begleitprotokoll\ndate: 2026-01-10\ntodos:\n"
                     f"  - id: a\n    title: {value}\n    status: open\n", encoding="utf-8")
    commands = [["check"], ["checklist", "musterstadt"], ["todo"], ["gaps"], ["summarize"],
                ["export"], ["schema", "--vscode"], ["todo", "done", "musterstadt/protokoll/a"],
                ["todo", "add", "musterstadt/protokoll", "--title", "Neu"],
                ["new", "worksheet", "musterstadt", "begleitprotokoll"]]
    before = sheet.read_bytes()
    for command in commands:
        code, output = run_main("-C", str(root), *command)
        assert code in (0, 1, 2), command
        assert "interner Fehler" not in output and "Traceback" not in output, command
        assert not marker.exists(), command
    assert sheet.read_bytes() == before  # a file that does not load is never edited


def test_round_trip_loader_keeps_tags_as_data(tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    marker = tmp_path / "gk-was-here"
    data = YAML(typ="rt").load(f'a: !!python/object/apply:os.system ["touch {marker}"]\n'
                               "b: !!python/name:os.system\n")
    assert list(data["a"]) == [f"touch {marker}"]
    assert not marker.exists()


def test_templates_are_data_even_with_format_fields(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "sprechstunde.yaml").write_text(textwrap.dedent("""\
        id: sprechstunde
        version: 1
        title: {de: "Sprechstunde {0.__class__}", en: "Consultation {__import__}"}
        answer: text
        sections:
          - {id: ablauf, title: {de: "Ablauf %s {x}"}}
        items:
          - {id: themen, section: ablauf, text: {de: "Welche {0.__class__.__mro__}?"}}
        """), encoding="utf-8")
    (root / "worksheets" / "musterstadt").mkdir(parents=True)
    (root / "worksheets" / "musterstadt" / "sprechstunde-1.yaml").write_text(
        "template: sprechstunde\ndate: 2025-01-01\nitems:\n  themen: \"{0.__globals__}\"\n",
        encoding="utf-8")
    result = run_gk("-C", str(root), "--lang", "en", "check", "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert [(f["code"], f["line"]) for f in report["findings"]] == [("GK104", 4)]
    assert "{0.__class__.__mro__}" in report["findings"][0]["message"]
    assert "{0.__globals__}" in report["findings"][0]["message"]


# --- encodings, line ends and positions -------------------------------------------------------

def test_bom_is_dropped_and_columns_stay_right() -> None:
    loaded = load_bytes(b"\xef\xbb\xbfa: 1\nb: [\n", "x.yaml")
    assert codes(loaded.findings) == [("GK001", "x.yaml", 2, 4)]
    assert load_bytes(b"\xef\xbb\xbfa: 1\n", "x.yaml").data == {"a": 1}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_ends_do_not_shift_positions(newline: str) -> None:
    text = newline.join(["a: 1", "b: 2", "c: 'x", ""])
    loaded = load_bytes(text.encode(), "x.yaml")
    assert codes(loaded.findings) == [("GK001", "x.yaml", 3, 4)]
    control = newline.join(["a: 1", "b: ä\x07", ""])
    assert codes(load_bytes(control.encode(), "x.yaml").findings) == [("GK005", "x.yaml", 2, 5)]


@pytest.mark.parametrize(("raw", "where"), [
    (b"a: 1\nb: caf\xe9\n", (2, 7)),  # Latin-1
    (b"a: 1\r\nb: \xc3\xa4\xc3\xa4 \x80\n", (2, 7)),  # a stray byte after two umlauts
    (b"a: 1\nb: x\x00y\n", (2, 5)),
    ("a: 1\nb: 2\n".encode("utf-16-le"), (1, 1)),
    ("a: 1\nb: 2\n".encode("utf-16-be"), (1, 1)),
    ("a: 1\n".encode("utf-32"), (1, 1)),
])
def test_encoding_problems_are_located(raw: bytes, where: tuple[int, int]) -> None:
    loaded = load_bytes(raw, "x.yaml")
    assert [(f.code, f.line, f.column) for f in loaded.findings] == [("GK005", *where)]


def test_utf16_is_named_as_such() -> None:
    loaded = load_bytes("a: 1\n".encode("utf-16-le"), "x.yaml")
    assert loaded.findings[0].message == "Die Datei ist als UTF-16 gespeichert, nicht als UTF-8."


def test_comment_only_file_says_so() -> None:
    loaded = load_bytes(b"# nur ein Kommentar\n", "x.yaml")
    assert [(f.code, f.message) for f in loaded.findings] == [
        ("GK012", "Die Datei enthält nur Kommentare, keine Daten.")]


def test_unclosed_quote_points_where_it_opened() -> None:
    loaded = load_bytes(b'a: 1\nb: "offen\nc: 3\nd: 4\n', "x.yaml")
    assert codes(loaded.findings) == [("GK001", "x.yaml", 2, 4)]


def test_very_long_number_stays_text() -> None:
    loaded = load_bytes(b"a: " + b"9" * 5000 + b"\n", "x.yaml")
    assert loaded.findings == [] and loaded.data == {"a": "9" * 5000}


# --- privacy ------------------------------------------------------------------------------------

PRIVATE = [
    ("GK501", "Kontakt: anna.schmidt@stadt-musterstadt.de"),
    ("GK501", "Rückfragen an m.yilmaz@awo-musterstadt.de"),
    ("GK501", "erreichbar unter ahmad1999@gmail.com"),
    ("GK501", "team-sprachcafe@web.de"),
    ("GK502", "Handy 0151 23456789"),
    ("GK502", "Tel. +49 (0)171 2345678"),
    ("GK502", "0176/12345678"),
    ("GK502", "privat: 02131 123456"),
    ("GK502", "Mutter in Syrien: +963 11 2233445"),
    ("GK503", "geb. 01.02.2003"),
    ("GK503", "Geburtsdatum: 2003-02-01"),
    ("GK503", "geboren am 3. März 2001 in Kabul"),
    ("GK503", "Jahrgang 2001"),
    ("GK503", "born on 1 February 2003"),
    ("GK504", "Az. 123-45/2019"),
    ("GK504", "Aktenzeichen 2.1-1234567"),
    ("GK504", "BAMF-Az. 7654321"),
    ("GK504", "Widerspruch zu 7654321-423"),
    ("GK504", "BG-Nummer 12345BG0012345"),
    ("GK504", "Kundennummer 123D456789"),
    ("GK505", "Gespräch mit Herrn Yilmaz"),
    ("GK505", "Frau Dr. Weber vom Jobcenter"),
    ("GK505", "Klientin Mariam hat abgebrochen"),
    ("GK505", "Teilnehmer A. aus Eritrea"),
    ("GK505", "Ahmad Rahimi hat die Ausbildung begonnen"),
]

ORGANISATIONAL = [
    "info@stadt-musterstadt.de", "integration@meerbusch.example", "jmd.duisburg@diakonie.de",
    "bildungsberatung.koeln@stadt-koeln.de", "kontakt@mail.stadt-koeln.de",
    "Zentrale 0211 899-0", "Telefon 02131 928-1234", "Fax 0211 12345678",
    "Die Mobile Beratung kommt 2025 dreimal", "Informationsvorlage FB2/0320/2019",
    "Drucksache 17/1234", "AGS 05162022", "Frau Bürgermeisterin eröffnet die Sitzung",
    "Herr Landrat lädt ein", "Angebote für Frauen und Mädchen", "Teilnehmer Sprachkurs B1",
    "Schüler der Klasse 10", "Martin Luther Gesamtschule", "Anne-Frank-Realschule",
    "AZAV-zertifiziert seit 2019", "Azubi-Wohnen 2025", "in Deutschland geboren",
    "keine Aktenzeichen eintragen", "Am 01.02.2025 trafen sich 12 Teilnehmende",
    "Kurs vom 01.09.2025 bis 31.01.2026", "Fr. 10-12 Uhr offene Sprechstunde",
    "Simon-Stiftung", "für 18- bis 27-Jährige mit Duldung", "1.000 Euro für 12 Plätze",
]


def _privacy(text: str, key: str = "note") -> list[str]:
    source = SourceFile("x.yaml", "service", "musterstadt", "x")
    return [p.code for p in privacy.check(source, {key: text})]


@pytest.mark.parametrize(("code", "text"), PRIVATE)
def test_personal_data_is_noticed(code: str, text: str) -> None:
    assert _privacy(text) == [code]


@pytest.mark.parametrize("text", ORGANISATIONAL)
def test_organisational_data_is_left_alone(text: str) -> None:
    assert _privacy(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Anna Schmidt", ["GK505"]), ("Schmidt, Anna", ["GK505"]), ("A. Schmidt", ["GK505"]),
    ("Jobcenter, Team U25", []), ("Geschäftsführende Stelle", []), ("Prozessbegleitung", []),
])
def test_names_where_a_role_belongs(text: str, expected: list[str]) -> None:
    assert _privacy(text, key="owner") == expected


def test_example_repository_raises_no_privacy_warning() -> None:
    code, report = check_json(EXAMPLE)
    assert code == 0
    assert [f for f in report["findings"] if f["code"].startswith("GK5")] == []


def test_privacy_finding_points_at_the_line_and_can_be_ignored(make_repo: Any) -> None:
    service = VALID_SERVICE + textwrap.dedent("""\
        contact: anna.schmidt@web.de
        description: >-
          Anmeldung bei Herrn Yilmaz,
          Handy 0151 23456789
        """)
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE, SERVICE_FILE: service})
    code, report = check_json(root)
    assert code == 0
    assert codes_at(report) == {("GK501", SERVICE_FILE, 7), ("GK502", SERVICE_FILE, 8),
                                ("GK505", SERVICE_FILE, 8)}
    assert check_json(root, "--strict")[0] == 1
    marked = service.replace("web.de\n", "web.de  # gk: ignore GK501\n").replace(
        "description: >-", "description: >-  # gk: ignore GK502, GK505")
    (root / SERVICE_FILE).write_text(marked, encoding="utf-8")
    code, report = check_json(root, "--strict")
    assert (code, report["findings"]) == (0, [])
    # an ignore comment for another code keeps the warning
    (root / SERVICE_FILE).write_text(service.replace("web.de\n", "web.de  # gk: ignore GK502\n"),
                                     encoding="utf-8")
    assert ("GK501", SERVICE_FILE, 7) in codes_at(check_json(root)[1])


def test_privacy_warning_names_the_way_out(make_repo: Any) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      SERVICE_FILE: VALID_SERVICE + "contact: Handy 0151 23456789\n"})
    _code, report = check_json(root)
    [finding] = report["findings"]
    assert finding["message"] == (
        "„0151 23456789“ sieht wie eine private Handynummer aus. Geben Sie stattdessen die "
        "Nummer der Zentrale oder des Büros an. Wenn das so gewollt ist, markieren Sie die "
        "Zeile mit „# gk: ignore GK502“.")


def test_the_exceptions_shown_in_the_privacy_page_work(make_repo: Any) -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "datenschutz.md").read_text("utf-8")
    [example] = [block for block in re.findall(r"```yaml\n(.*?)```", page, re.S)
                 if "gk: ignore" in block]
    marked = VALID_SERVICE.replace("provider: Jugendmigrationsdienst Musterstadt\n", "") + example
    unmarked = re.sub(r" *# gk: ignore[A-Z0-9, ]*", "", marked)
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE, SERVICE_FILE: unmarked})
    assert sorted((f["code"], f["line"]) for f in check_json(root)[1]["findings"]) == [
        ("GK501", 6), ("GK502", 8), ("GK505", 7), ("GK505", 8)]
    (root / SERVICE_FILE).write_text(marked, encoding="utf-8")
    assert check_json(root, "--strict") == (0, {"findings": [], "errors": 0, "warnings": 0})
