"""Odd names, numbers and text never crash gk (issue 12): file names that are not UTF-8,
numbers that are not finite or absurdly large, invisible control characters written as YAML
escapes, data files that do not load (named in every report), impossible dates for --since,
huge blobs in history, and gk new / gk init on a disk that refuses writes.

Everything here runs on real files, real YAML and real git; the invented data is labelled.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import VALID_ALLIANCE, VALID_SERVICE, run_gk, write_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gk.engine.discover import MAX_BYTES
from gk.engine.git_history import read_blobs

ALLIANCE = "alliances/musterstadt.yaml"
SERVICE = "services/musterstadt/sprachcafe.yaml"
LATIN1_NAME = "services/musterstadt/caf\udce9.yaml"  # the bytes b"caf\xe9.yaml" (Latin-1)
LATIN1_SHOWN = "services/musterstadt/caf\\xe9.yaml"
PROTOCOL = "worksheets/musterstadt/begleitprotokoll-2025-03-11.yaml"
PROTOCOL_TEXT = """\
template: begleitprotokoll
date: 2025-03-11
consultant: Beratungsinstitut (erfunden)
days: {days}
todos:
  - id: liste
    title: "{title}"
    owner: Geschäftsführende Stelle
    due: 2025-12-31
    status: open
"""
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def strict_json(text: str) -> Any:
    """JSON as the standard reads it: NaN and Infinity are no JSON."""
    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in JSON output")
    return json.loads(text, parse_constant=refuse)


def gk(root: Path, *args: str) -> Any:
    return run_gk("-C", str(root), *args)


def git(cwd: Path, *args: str, date: str = "2025-03-01T12:00:00") -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd),
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


# --- file names that are not UTF-8 ------------------------------------------------------------

@pytest.fixture
def latin1_repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "repo", {
        ALLIANCE: VALID_ALLIANCE, SERVICE: VALID_SERVICE,
        LATIN1_NAME: VALID_SERVICE,
        "worksheets/k\udcf6ln/notiz.yaml": "template: begleitprotokoll\n",
        # a finding elsewhere shows that the check goes on past the odd names
        "services/musterstadt/kurs.yaml": VALID_SERVICE.replace("status: active", "status: aktiv"),
    })


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_check_reports_a_name_that_is_not_utf8_and_goes_on(latin1_repo: Path, fmt: str) -> None:
    result = gk(latin1_repo, "check", "--format", fmt)
    assert result.exit_code == 1, result.output
    assert "interner Fehler" not in result.output
    result.stdout.encode("utf-8")  # no lone surrogate reached the output
    assert "GK206" in result.stdout and "GK102" in result.stdout  # and the rest was checked
    if fmt != "json":  # (in JSON the backslash is escaped: read below)
        assert LATIN1_SHOWN in result.stdout and "worksheets/k\\xf6ln" in result.stdout
    if fmt == "json":
        found = {(f["file"], f["code"]) for f in strict_json(result.stdout)["findings"]}
        assert {(LATIN1_SHOWN, "GK206"), ("worksheets/k\\xf6ln", "GK206"),
                ("services/musterstadt/kurs.yaml", "GK102")} <= found
    if fmt == "github":
        assert f"::error file={LATIN1_SHOWN},line=1,col=1::GK206: " in result.stdout


def test_check_of_the_odd_file_alone_reports_it(latin1_repo: Path) -> None:
    result = run_gk("check", "--format", "json", str(latin1_repo / LATIN1_NAME))
    assert result.exit_code == 1, result.output
    assert [(f["file"], f["code"]) for f in strict_json(result.stdout)["findings"]] == [
        (LATIN1_SHOWN, "GK206")]


def test_reports_name_a_skipped_file_with_an_odd_name(latin1_repo: Path) -> None:
    report = strict_json(gk(latin1_repo, "gaps", "--format", "json").stdout)
    assert report["unreadable"] == [LATIN1_SHOWN]
    result = gk(latin1_repo, "summarize", "--format", "json", "--allow-incomplete")
    assert result.exit_code == 0
    assert strict_json(result.stdout)["unreadable"] == [LATIN1_SHOWN]


@needs_git
def test_summarize_since_with_an_odd_name_in_history_writes_clean_text(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {ALLIANCE: VALID_ALLIANCE, SERVICE: VALID_SERVICE,
                                          LATIN1_NAME: VALID_SERVICE})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "mit Latin-1-Namen")
    os.unlink(root / LATIN1_NAME)  # gone from the working tree, still in history
    for fmt in ("text", "markdown", "json"):
        target = tmp_path / f"bericht.{fmt}"
        result = gk(root, "summarize", "--since", "HEAD", "--format", fmt, "-o", str(target))
        assert result.exit_code == 0, result.output
        text = target.read_bytes().decode("utf-8")  # strict: no raw Latin-1 byte
        assert "\udce9" not in text and "\xe9.yaml" not in text
        if fmt == "json":
            assert strict_json(text)["changes"]["services_removed"] == []


# --- numbers --------------------------------------------------------------------------------

ODD_NUMBERS = [".nan", ".inf", "-.inf", "1e400", "9" * 400, "-" + "9" * 400, "1e20"]


def numbers_repo(root: Path, odd: str) -> Path:
    alliance = VALID_ALLIANCE + (
        "participation_management:\n"
        f"  positions: {odd}\n"
        "  reached:\n"
        f"    - {{year: 2025, persons: {odd}}}\n"
        f"    - {{year: {odd}, persons: 12}}\n"
        "target_group:\n"
        f"  - {{as_of: 2025-09-30, count: {odd}, statuses: [gestattung, duldung]}}\n")
    service = VALID_SERVICE + f"capacity: {odd}\nage: {{min: {odd}, max: {odd}}}\n"
    return write_repo(root, {
        "gk.yaml": f"gk: 1\nname: Zahlen (erfunden)\nconsulting_days: {odd}\n",
        ALLIANCE: alliance, SERVICE: service,
        PROTOCOL: PROTOCOL_TEXT.format(days=odd, title="Angebotsliste")})


@pytest.mark.parametrize("odd", ODD_NUMBERS, ids=lambda v: v[:12])
def test_odd_numbers_get_a_finding_at_the_value(tmp_path: Path, odd: str) -> None:
    root = numbers_repo(tmp_path / "repo", odd)
    result = gk(root, "check", "--format", "json")
    assert result.exit_code == 1
    at = {(f["file"], f["line"], f["column"]) for f in strict_json(result.stdout)["findings"]
          if f["code"] == "GK109"}
    assert (ALLIANCE, 9, 14) in at  # positions
    assert (ALLIANCE, 11, 29) in at  # persons
    assert (SERVICE, 7, 11) in at  # capacity
    assert ("gk.yaml", 3, 18) in at  # consulting_days
    assert (PROTOCOL, 4, 7) in at  # days
    assert all(f["code"] != "GK108" for f in strict_json(result.stdout)["findings"])


@pytest.mark.parametrize("odd", ODD_NUMBERS, ids=lambda v: v[:12])
def test_reports_never_crash_on_odd_numbers_and_json_stays_json(tmp_path: Path, odd: str
                                                                ) -> None:
    root = numbers_repo(tmp_path / "repo", odd)
    for fmt in ("text", "markdown", "json"):
        result = gk(root, "summarize", "--format", fmt)
        assert result.exit_code == 0, result.output
        if fmt == "json":
            payload = strict_json(result.stdout)
            json.dumps(payload, allow_nan=False)
            assert payload["participation_management"]["positions"] == 0  # left out
            assert payload["consulting_days"]["used"] == 0
            assert payload["unreadable"] == []
    for fmt in ("text", "markdown", "json", "csv"):
        result = gk(root, "gaps", "--format", fmt)
        assert result.exit_code == 0, result.output
        if fmt == "json":
            strict_json(result.stdout)
    result = gk(root, "export", "--format", "hsds")
    assert result.exit_code == 0, result.output
    assert odd.lstrip("-")[:20] not in result.stdout.replace(".", "")  # capacity left out
    strict_json(result.stdout)
    result = gk(root, "export", "--format", "csv")
    assert result.exit_code == 0 and odd.lstrip("-")[:20] not in result.stdout


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.floats(), st.integers(min_value=-10**600, max_value=10**600)),
                min_size=5, max_size=5))
def test_summary_json_is_json_whatever_the_numbers(tmp_path: Path, values: list[Any]) -> None:
    """Any float (NaN and infinities included) or integer of up to 600 digits, in every
    number the summary adds up: gk summarize ends normally and writes standard JSON."""
    def yaml(value: Any) -> str:
        if isinstance(value, float) and value != value:
            return ".nan"
        if isinstance(value, float) and value in (float("inf"), float("-inf")):
            return "-.inf" if value < 0 else ".inf"
        return repr(value)

    positions, persons, year, count, days = map(yaml, values)
    root = write_repo(tmp_path / f"repo-{abs(hash(tuple(map(str, values))))}", {
        ALLIANCE: VALID_ALLIANCE + (
            f"participation_management:\n  positions: {positions}\n"
            f"  reached:\n    - {{year: {year}, persons: {persons}}}\n"
            f"target_group:\n  - {{as_of: 2025-09-30, count: {count}, "
            "statuses: [gestattung, duldung]}\n"),
        PROTOCOL: PROTOCOL_TEXT.format(days=days, title="Liste")})
    result = gk(root, "summarize", "--format", "json")
    assert result.exit_code == 0, result.output
    json.dumps(strict_json(result.stdout), allow_nan=False)


def test_one_repository_with_odd_numbers_does_not_spoil_a_summary_over_many(tmp_path: Path
                                                                           ) -> None:
    odd = numbers_repo(tmp_path / "a", "9" * 400)
    (odd / ALLIANCE).rename(odd / "alliances/andere.yaml")
    (odd / "services/musterstadt").rename(odd / "services/andere")
    (odd / "worksheets/musterstadt").rename(odd / "worksheets/andere")
    good = write_repo(tmp_path / "b", {ALLIANCE: VALID_ALLIANCE + (
        "participation_management:\n  positions: 1.5\n")})
    result = run_gk("summarize", str(odd), str(good), "--format", "json")
    assert result.exit_code == 0, result.output
    payload = strict_json(result.stdout)
    assert payload["alliances"]["total"] == 2
    assert payload["participation_management"]["positions"] == 1.5


# --- invisible control characters written as YAML escapes -------------------------------------

HOSTILE = r"Stadt\e[2J\e]0;pwned\a Muster\u202Etxt.exe\u0085"


def test_control_characters_as_yaml_escapes_are_reported_and_never_output(tmp_path: Path
                                                                         ) -> None:
    root = write_repo(tmp_path / "repo", {
        ALLIANCE: VALID_ALLIANCE.replace("name: Stadt Musterstadt", f'name: "{HOSTILE}"'),
        SERVICE: VALID_SERVICE.replace("title: Sprachcafé", f'title: "{HOSTILE}"')
        + "follow_up: [fehlt]\n",
        PROTOCOL: PROTOCOL_TEXT.format(days=1, title=HOSTILE)})
    result = gk(root, "check", "--format", "json")
    found = {(f["file"], f["line"], f["code"]) for f in strict_json(result.stdout)["findings"]}
    assert {(ALLIANCE, 1, "GK110"), (SERVICE, 1, "GK110"), (PROTOCOL, 7, "GK110")} <= found
    # CSV is left out: gk.render.escape keeps CSV cells exact (only formulas are guarded).
    runs = [("check",), ("check", "--format", "github"),
            *(("summarize", "--format", f, "--notes") for f in ("text", "markdown", "json")),
            *(("gaps", "--format", f) for f in ("text", "markdown", "json")),
            *(("todo", "--format", f) for f in ("text", "markdown", "json")),
            ("export", "--format", "hsds")]
    for args in runs:
        out = gk(root, *args).stdout
        for raw in ("\x1b", "\x07", "\u202e", "\x85"):
            assert raw not in out, (args, raw)
        if args[-1] in ("json", "hsds") or "json" in args:
            assert strict_json(out)


# --- data files that do not load: named in the report ------------------------------------------

@pytest.fixture
def tab_repo(tmp_path: Path) -> Path:
    """Two alliances; one has a single tab where spaces belong and does not load."""
    return write_repo(tmp_path / "repo", {
        ALLIANCE: VALID_ALLIANCE,
        "alliances/nachbarstadt.yaml": VALID_ALLIANCE.replace(
            "  organisation:", "\torganisation:"),
        SERVICE: VALID_SERVICE})


def test_summarize_names_the_unreadable_file_in_every_format_and_fails(tab_repo: Path) -> None:
    for fmt in ("text", "markdown", "json"):
        result = gk(tab_repo, "summarize", "--format", fmt)
        assert result.exit_code == 1, result.output
        assert "alliances/nachbarstadt.yaml" in result.stdout
        assert "unvollständig" in result.stderr and "--allow-incomplete" in result.stderr
        if fmt == "json":
            payload = strict_json(result.stdout)
            assert payload["unreadable"] == ["alliances/nachbarstadt.yaml"]
            assert payload["alliances"]["total"] == 1
        else:
            assert "UNVOLLSTÄNDIG: 1 Datei(en)" in result.stdout
    allowed = gk(tab_repo, "summarize", "--allow-incomplete")
    assert allowed.exit_code == 0 and "alliances/nachbarstadt.yaml" in allowed.stdout


def test_summarize_to_a_file_writes_the_report_and_still_fails(tab_repo: Path, tmp_path: Path
                                                              ) -> None:
    target = tmp_path / "bericht.md"
    result = gk(tab_repo, "summarize", "--format", "markdown", "-o", str(target))
    assert result.exit_code == 1
    assert "alliances/nachbarstadt.yaml" in target.read_text(encoding="utf-8")
    again = gk(tab_repo, "summarize", "--format", "markdown", "-o", str(target))  # remembered
    assert again.exit_code == 1


def test_gaps_names_the_unreadable_file_in_every_format(tab_repo: Path) -> None:
    for fmt in ("text", "markdown", "json", "csv"):
        result = gk(tab_repo, "gaps", "--format", fmt)
        assert result.exit_code == 0, result.output
        if fmt == "json":
            assert strict_json(result.stdout)["unreadable"] == ["alliances/nachbarstadt.yaml"]
        elif fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(result.stdout)))
            assert [r["file"] for r in rows if r["kind"] == "unreadable"] == [
                "alliances/nachbarstadt.yaml"]
        else:
            assert "UNVOLLSTÄNDIG" in result.stdout
            assert "alliances/nachbarstadt.yaml" in result.stdout


def test_a_file_of_another_alliance_does_not_make_a_filtered_report_incomplete(
        tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {
        ALLIANCE: VALID_ALLIANCE, SERVICE: VALID_SERVICE,
        "alliances/nachbarstadt.yaml": VALID_ALLIANCE,
        "services/nachbarstadt/kurs.yaml": "title: [kaputt\n"})
    assert strict_json(gk(root, "gaps", "musterstadt", "--format", "json").stdout)[
        "unreadable"] == []
    result = gk(root, "summarize", "--alliance", "musterstadt", "--format", "json")
    assert result.exit_code == 0 and strict_json(result.stdout)["unreadable"] == []
    result = gk(root, "summarize", "--alliance", "nachbarstadt", "--format", "json")
    assert result.exit_code == 1
    assert strict_json(result.stdout)["unreadable"] == ["services/nachbarstadt/kurs.yaml"]


def test_a_link_out_of_the_repository_is_named_as_unreadable(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {ALLIANCE: VALID_ALLIANCE})
    elsewhere = tmp_path / "woanders.yaml"
    elsewhere.write_text(VALID_ALLIANCE, encoding="utf-8")
    (root / "alliances/fremd.yaml").symlink_to(elsewhere)
    assert strict_json(gk(root, "gaps", "--format", "json").stdout)["unreadable"] == [
        "alliances/fremd.yaml"]


def test_several_repositories_label_the_unreadable_files(tab_repo: Path, tmp_path: Path) -> None:
    other = write_repo(tmp_path / "zweite", {"alliances/drittstadt.yaml": VALID_ALLIANCE})
    result = run_gk("summarize", str(tab_repo), str(other), "--format", "json")
    assert result.exit_code == 1
    # repositories are named relative to the folder gk runs in
    assert strict_json(result.stdout)["unreadable"] == [
        f"{os.path.relpath(tab_repo)}/alliances/nachbarstadt.yaml"]


# --- --since: impossible dates and huge blobs ---------------------------------------------------

@pytest.fixture
def committed(tmp_path: Path) -> Path:
    root = write_repo(tmp_path / "repo", {ALLIANCE: VALID_ALLIANCE, SERVICE: VALID_SERVICE})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Anfang")
    return root


@needs_git
@pytest.mark.parametrize(("since", "words"), [
    ("2999-01-01", "liegt in der Zukunft"),
    ("2026-11-22", "liegt in der Zukunft"),  # the day after today (GK_TODAY)
    ("0000-00-00", "ist kein gültiges Datum"),
    ("2020-13-45", "ist kein gültiges Datum"),
    ("2025-02-29", "ist kein gültiges Datum"),
])
def test_since_names_an_impossible_date(committed: Path, since: str, words: str) -> None:
    result = gk(committed, "summarize", "--since", since)
    assert result.exit_code == 2
    assert words in result.stderr and since in result.stderr
    assert "beginnt später" not in result.stderr and "Traceback" not in result.output


@needs_git
def test_since_a_day_before_the_first_commit_still_says_so(committed: Path) -> None:
    result = gk(committed, "summarize", "--since", "1000-01-01")
    assert result.exit_code == 2 and "beginnt später" in result.stderr


@needs_git
def test_a_blob_over_the_limit_is_never_read(committed: Path) -> None:
    big = committed / "services/musterstadt/riesig.yaml"
    big.write_bytes(b"title: " + b"x" * (MAX_BYTES + 10) + b"\n")
    git(committed, "add", "-A")
    git(committed, "commit", "-q", "-m", "riesig")
    listing = git(committed, "ls-tree", "-r", "HEAD").split("\n")
    oids = {line.split("\t")[1]: line.split()[2] for line in listing if line}
    wanted = [oids["services/musterstadt/riesig.yaml"], oids[SERVICE]]
    assert list(read_blobs(committed, wanted)) == [b"", VALID_SERVICE.encode()]
    big.unlink()
    result = gk(committed, "summarize", "--since", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    # The blob did not load then (too large), so the service was never there to remove.
    assert strict_json(result.stdout)["changes"]["services_removed"] == []


_PEAK = """\
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _peak_kib(root: Path, *args: str) -> int:
    env = {**os.environ, "GK_LANG": "de"}
    out = subprocess.run([sys.executable, "-c", _PEAK, sys.executable, "-m", "gk", "-C",
                          str(root), *args], capture_output=True, text=True, check=True, env=env)
    return int(out.stdout)


@needs_git
def test_memory_stays_bounded_with_a_huge_blob_in_history(committed: Path) -> None:
    """A 64 MB blob in history costs no memory: gk asks its size and never reads it."""
    baseline = _peak_kib(committed, "summarize", "--since", "HEAD")
    big = committed / "services/musterstadt/riesig.yaml"
    with big.open("wb") as out:
        out.write(b"title: ")
        for _ in range(64):
            out.write(b"x" * (1 << 20))
    git(committed, "add", "-A")
    git(committed, "commit", "-q", "-m", "riesig")
    big.unlink()
    peak = _peak_kib(committed, "summarize", "--since", "HEAD")
    assert peak < baseline + 16 * 1024, (baseline, peak)


# --- gk new and gk init when writes fail --------------------------------------------------------

_LIMITED = """\
import resource, sys
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from gk.cli import main
sys.exit(main(sys.argv[2:]))
"""


def gk_limited(limit: int, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """gk with every file write beyond ``limit`` bytes refused (EFBIG), as on a full disk;
    works as root too, where permissions do not stop writes."""
    env = {**os.environ, "GK_LANG": "de"}
    return subprocess.run([sys.executable, "-c", _LIMITED, str(limit), *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=120)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("limit", [0, 200, 3000])
def test_init_on_a_full_disk_says_so_in_one_line_and_leaves_nothing(tmp_path: Path,
                                                                    limit: int) -> None:
    result = gk_limited(limit, tmp_path, "init", "neu/ablage", "--no-git")
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("gk: ")
    assert "interner Fehler" not in result.stderr
    assert "kann nicht angelegt werden" in result.stderr
    assert not (tmp_path / "neu").exists()


def test_init_on_a_full_disk_keeps_what_was_there(tmp_path: Path) -> None:
    target = tmp_path / "ablage"
    target.mkdir()
    (target / "README.md").write_text("Eigene Notizen (erfunden)\n", encoding="utf-8")
    result = gk_limited(3000, tmp_path, "init", "ablage", "--no-git")
    assert result.returncode == 2
    assert _files(target) == {"README.md": b"Eigene Notizen (erfunden)\n"}


@pytest.mark.parametrize("args", [
    ("new", "alliance", "neustadt", "--name", "Neustadt", "--type", "kreis",
     "--joined", "2020-01-01", "--lead-office", "Kreisverwaltung"),
    ("new", "service", "musterstadt", "beratung", "--title", "Beratung", "--provider", "JMD",
     "--field", "counselling", "--open-to", "duldung", "--status", "active"),
    ("new", "worksheet", "musterstadt", "prozessmanagement"),
])
def test_new_on_a_full_disk_says_so_in_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    root = write_repo(tmp_path / "repo", {ALLIANCE: VALID_ALLIANCE, SERVICE: VALID_SERVICE})
    before = _files(root)
    result = gk_limited(0, root, *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "interner Fehler" not in result.stderr
    assert "kann nicht geschrieben werden" in result.stderr
    assert {k: v for k, v in _files(root).items() if not k.startswith(".gk/")} == before


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root may write into a read-only folder")
def test_new_and_init_in_a_read_only_folder(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {ALLIANCE: VALID_ALLIANCE})
    (root / "services").mkdir()
    os.chmod(root / "services", 0o555)
    locked = tmp_path / "gesperrt"
    locked.mkdir(mode=0o555)
    try:
        result = gk(root, "new", "service", "musterstadt", "kurs", "--title", "Kurs",
                    "--provider", "VHS", "--field", "language", "--open-to", "duldung",
                    "--status", "active")
        assert result.exit_code == 2 and "kann nicht geschrieben werden" in result.stderr
        result = run_gk("init", str(locked / "ablage"), "--no-git")
        assert result.exit_code == 2 and "kann nicht angelegt werden" in result.stderr
    finally:
        os.chmod(root / "services", 0o755)
        os.chmod(locked, 0o755)


def test_the_limit_of_the_test_helper_is_real(tmp_path: Path) -> None:
    """The full-disk stand-in refuses writes (else the tests above would prove nothing)."""
    probe = tmp_path / "probe"
    code = ("import resource; resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0)); "
            f"f = open({str(probe)!r}, 'w'); f.write('x'); f.close()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0 and "File too large" in result.stderr
    assert resource.RLIMIT_FSIZE >= 0


def test_naming_an_alliance_whose_file_does_not_load_says_so(tab_repo: Path) -> None:
    for args in (("gaps", "nachbarstadt"), ("summarize", "--alliance", "nachbarstadt")):
        result = gk(tab_repo, *args)
        assert result.exit_code == 1, result.output
        assert "alliances/nachbarstadt.yaml" in result.stderr
        assert "ließ sich nicht lesen" in result.stderr and "gk check" in result.stderr
        assert "gibt es kein Bündnis" not in result.stderr and result.stdout == ""


# --- the GK110 rule and the escaping layer agree ----------------------------------------------

HIDDEN_SAMPLES = ["\x1b", "\x00", "\x07", "\r", "\x7f", "\x85", "\x9b", "\u061c", "\u200e",
                  "\u200f", "\u202a", "\u202e", "\u2066", "\u2069"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), st.sampled_from(HIDDEN_SAMPLES), st.text(max_size=20))
def test_gk110_finds_a_hidden_character_anywhere_in_a_text(before: str, char: str,
                                                          after: str) -> None:
    from gk.engine.discover import SourceFile
    from gk.rules import values

    source = SourceFile(SERVICE, "service", "musterstadt", "sprachcafe")
    data = {"title": "Kurs", "todos": [{"title": before + char + after}]}
    assert [(p.code, p.path) for p in values.check(source, data)] == [
        ("GK110", ("todos", 0, "title"))]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs")), max_size=40))
def test_gk110_is_quiet_on_ordinary_text(text: str) -> None:
    from gk.engine.discover import SourceFile
    from gk.rules import values

    source = SourceFile(SERVICE, "service", "musterstadt", "sprachcafe")
    assert list(values.check(source, {"title": text, "note": "Zeile\n\tzwei"})) == []


def test_every_character_gk110_reports_is_one_every_report_escapes() -> None:
    from gk.render import escape
    from gk.rules.values import _HIDDEN

    flagged = [chr(c) for c in range(0x3000) if _HIDDEN.match(chr(c))]
    assert len(flagged) > 60
    for char in flagged:
        assert escape.terminal(char, lines=True) != char, hex(ord(char))
        assert char not in escape.markdown("a" + char + "b"), hex(ord(char))


def test_the_meant_name_keeps_the_utf8_part_and_reads_the_rest_as_windows_text(
        tmp_path: Path) -> None:
    name = os.fsdecode("Grüße-".encode() + b"caf\xe9 \x80.yaml")  # UTF-8, then cp1252 bytes
    root = write_repo(tmp_path / "repo", {ALLIANCE: VALID_ALLIANCE,
                                          f"services/musterstadt/{name}": VALID_SERVICE})
    [finding] = strict_json(gk(root, "check", "--format", "json").stdout)["findings"]
    assert finding["file"] == "services/musterstadt/Grüße-caf\\xe9 \\x80.yaml"
    assert "gemeint war wohl „Grüße-café €.yaml“" in finding["message"]
