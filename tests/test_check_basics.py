"""gk check on small repositories: exit codes, positions, languages, formats, root finding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, VALID_ALLIANCE, VALID_SERVICE, check_json, codes_at, run_gk


def test_example_repository_has_no_errors() -> None:
    code, report = check_json(EXAMPLE)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == []
    assert code == 0
    assert report["errors"] == 0


def test_valid_repository_exits_zero(make_repo) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "services/musterstadt/sprachcafe.yaml": VALID_SERVICE})
    code, report = check_json(root)
    assert (code, report["findings"]) == (0, [])


def test_wrong_enum_value_names_line_column_and_suggests(make_repo) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "services/musterstadt/sprachcafe.yaml":
                          VALID_SERVICE.replace("status: active", "status: aktiv")})
    code, report = check_json(root, "--lang", "en")
    assert code == 1
    [finding] = report["findings"]
    assert (finding["file"], finding["line"], finding["column"], finding["code"]) == (
        "services/musterstadt/sprachcafe.yaml", 5, 9, "GK102")
    assert "Did you mean 'active'?" in finding["message"]


def test_german_word_for_slug_is_recognised(make_repo) -> None:
    service = VALID_SERVICE.replace("open_to: [duldung, gestattung]", "open_to: [Duldung]")
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "services/musterstadt/sprachcafe.yaml": service})
    _code, report = check_json(root, "--lang", "en")
    [finding] = report["findings"]
    assert (finding["line"], finding["column"], finding["code"]) == (4, 11, "GK102")
    assert "Did you mean 'duldung'?" in finding["message"]


def test_text_output_shows_line_with_marker(make_repo) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE.replace(
        "type: kreisfreie-stadt", "type: kreisfreie-stat")})
    result = run_gk("-C", str(root), "--lang", "en", "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "alliances/musterstadt.yaml:2:7: error GK102"
    assert lines[1] == "  2 | type: kreisfreie-stat"
    assert lines[2] == "    |       ^"
    assert "Did you mean 'kreisfreie-stadt'?" in result.output


def test_github_format(make_repo) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE + "foo: 1\n"})
    result = run_gk("-C", str(root), "--lang", "en", "check", "--format", "github")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith("::error file=alliances/musterstadt.yaml,line=8,col=1::GK101: ")


def test_github_format_is_automatic_in_actions(make_repo) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE + "foo: 1\n"})
    result = run_gk("-C", str(root), "check", env={"GITHUB_ACTIONS": "true"})
    assert result.output.startswith("::error file=alliances/musterstadt.yaml,line=8,col=1::")


def test_warnings_fail_only_with_strict(make_repo) -> None:
    sheet = """\
    template: begleitprotokoll
    date: 2025-01-10
    todos:
      - {id: termin, title: Termin vereinbaren, owner: GfS, due: 2025-02-01, status: open}
    """
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "worksheets/musterstadt/protokoll-1.yaml": sheet})
    code, report = check_json(root)
    assert code == 0 and report["warnings"] == 1 and report["findings"][0]["code"] == "GK405"
    code, _report = check_json(root, "--strict")
    assert code == 1


def test_named_file_resolves_references_against_whole_repository(make_repo) -> None:
    good = VALID_SERVICE + "follow_up: [beratung]\n"
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "services/musterstadt/sprachcafe.yaml": good,
                      "services/musterstadt/beratung.yaml": VALID_SERVICE,
                      "services/musterstadt/kaputt.yaml": VALID_SERVICE + "follow_up: [fehlt]\n"})
    code, report = check_json(root, str(root / "services/musterstadt/sprachcafe.yaml"))
    assert (code, report["findings"]) == (0, [])
    code, report = check_json(root)
    assert codes_at(report) == {("GK301", "services/musterstadt/kaputt.yaml", 7)}


def test_root_found_from_subfolder(make_repo, monkeypatch) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE + "foo: 1\n"})
    monkeypatch.chdir(root / "alliances")
    result = run_gk("check", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.output)["findings"][0]["file"] == "alliances/musterstadt.yaml"


def test_no_repository_is_exit_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "gk", "-C", str(tmp_path), "check"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "gk.yaml" in proc.stderr


def test_german_is_default(make_repo) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE + "foo: 1\n"})
    result = run_gk("-C", str(root), "check")
    assert "Unbekannter Schlüssel „foo“." in result.output
    result = run_gk("-C", str(root), "check", env={"GK_LANG": "en"})
    assert "Unknown key 'foo'." in result.output


def test_installed_gk_runs_end_to_end(make_repo) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE.replace("2019-01-15",
                                                                           "2019-02-30")})
    gk = Path(sys.executable).parent / "gk"
    if not gk.exists():
        pytest.skip("the gk command is not installed next to this Python (a plain checkout)")
    env = {**os.environ, "GK_LANG": "en"}
    proc = subprocess.run([str(gk), "check", str(root / "alliances/musterstadt.yaml")],
                          capture_output=True, text=True, env=env, cwd=root)
    assert proc.returncode == 1
    assert proc.stdout.startswith("alliances/musterstadt.yaml:4:9: error GK105")
