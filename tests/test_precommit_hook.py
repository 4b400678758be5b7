"""The pre-commit hooks of .pre-commit-hooks.yaml, run by git in a real data repository.

A commit that only deletes a file must be checked too (a dangling follow_up must not get in),
and a failing hook shows the errors and one line counting the other warnings, not every
overdue to-do. With pre-commit installed, pre-commit itself runs the hook as the manifest
describes it (as a local hook, so nothing is downloaded); without it, git's own hook does."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE
from ruamel.yaml import YAML

PROJECT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


def _manifest() -> dict[str, dict[str, object]]:
    hooks = YAML(typ="safe").load((PROJECT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    return {hook["id"]: hook for hook in hooks}


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=t@example.org",
                           *args], cwd=root, check=check, capture_output=True, text=True)


def _gk_command(entry: str) -> str:
    """The manifest's entry ('gk check …') run with this checkout's gk."""
    words = shlex.split(entry)
    assert words[0] == "gk"
    return shlex.join([sys.executable, "-m", "gk", *words[1:]])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "ablage"
    shutil.copytree(EXAMPLE, root)
    _git(root, "init", "-q")
    return root


def test_the_whole_repository_hook_runs_on_every_commit() -> None:
    hook = _manifest()["gk-check-all"]
    assert hook["always_run"] is True
    assert hook["pass_filenames"] is False
    assert "--quiet" in shlex.split(str(hook["entry"]))


def _assert_blocked_deletion(root: Path, run_commit: object) -> None:
    # the target of a follow_up goes; nothing else changes
    _git(root, "rm", "-q", "services/duisburg/berufsvorbereitung-werkstatt.yaml")
    result = run_commit()  # type: ignore[operator]
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "services/duisburg/sprachfoerderung-a1-b1.yaml:12:" in out
    assert "GK30" in out  # the dangling reference, in full
    # the old overdue to-dos are counted, not listed one by one
    assert "Warnung GK405" not in out
    assert "Nicht gezeigt: 23 Warnung(en), an denen die Prüfung nicht scheitert " \
           "(GK405 ×19, GK406 ×4)" in out
    assert _git(root, "log", "--oneline").stdout.count("\n") == 1  # no second commit


def test_pre_commit_runs_the_manifest_hooks(data: Path, tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit") or shutil.which(
        "pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    hook = dict(_manifest()["gk-check-all"])
    hook.update(language="system", entry=_gk_command(str(hook["entry"])))
    hook.pop("minimum_pre_commit_version", None)
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    import json

    (data / ".pre-commit-config.yaml").write_text(json.dumps(config), encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    subprocess.run([pre_commit, "install"], cwd=data, check=True, capture_output=True, env=env)
    _git(data, "add", "-A")
    first = subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org",
                            "commit", "-qm", "Beispiel"], cwd=data, capture_output=True,
                           text=True, env=env)
    assert first.returncode == 0, first.stdout + first.stderr

    def commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org",
                               "commit", "-qm", "Angebot entfernt"], cwd=data,
                              capture_output=True, text=True, env=env)

    _assert_blocked_deletion(data, commit)
    # a commit without any YAML file is checked as well, and passes
    _git(data, "reset", "-q", "--hard")
    (data / "NOTIZ.md").write_text("Notiz\n", encoding="utf-8")
    _git(data, "add", "NOTIZ.md")
    result = commit()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "gk check (whole data repository)" in result.stdout + result.stderr
    assert "Passed" in result.stdout + result.stderr


def test_git_hook_with_the_manifest_entry(data: Path) -> None:
    """The same with git's own pre-commit hook (no pre-commit needed)."""
    hook = data / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexec " + _gk_command(str(_manifest()["gk-check-all"]["entry"]))
                    + "\n", encoding="utf-8")
    hook.chmod(0o755)
    _git(data, "add", "-A")
    _git(data, "commit", "-qm", "Beispiel")

    def commit() -> subprocess.CompletedProcess[str]:
        return _git(data, "commit", "-qm", "Angebot entfernt", check=False)

    _assert_blocked_deletion(data, commit)


def test_quiet_and_fail_on(make_repo) -> None:  # type: ignore[no-untyped-def]
    """--fail-on GK5 makes a privacy warning fail the check; --quiet shows it in full and
    counts the other warnings; '# gk: ignore GK502' lets the line through again."""
    from conftest import VALID_ALLIANCE, VALID_SERVICE, run_gk

    sheet = ("template: begleitprotokoll\ndate: 2026-01-10\ntodos:\n"
             "  - {id: alt, title: Alt, due: 2020-01-01, status: open}\n")
    service = VALID_SERVICE + "contact: Frau am Empfang, 0171 2345678\n"
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "services/musterstadt/sprachcafe.yaml": service,
                      "worksheets/musterstadt/p.yaml": sheet})
    plain = run_gk("-C", str(root), "check")
    assert plain.exit_code == 0
    assert "Warnung GK502" in plain.stdout and "Warnung GK405" in plain.stdout
    result = run_gk("-C", str(root), "check", "--quiet", "--fail-on", "gk5")
    assert result.exit_code == 1
    assert "services/musterstadt/sprachcafe.yaml:7:10: Warnung GK502" in result.stdout
    assert "GK405" not in result.stdout.split("Nicht gezeigt:")[0]
    assert result.stdout.endswith(
        "Nicht gezeigt: 1 Warnung(en), an denen die Prüfung nicht scheitert (GK405 ×1); "
        "„gk check“ ohne --quiet zeigt sie.\n")
    # json stays whole, whatever --quiet says; the exit status follows --fail-on
    result = run_gk("-C", str(root), "check", "--quiet", "--fail-on", "GK502", "--format",
                    "json")
    assert result.exit_code == 1
    import json

    assert sorted(f["code"] for f in json.loads(result.stdout)["findings"]) == [
        "GK405", "GK502"]
    assert run_gk("-C", str(root), "check", "--fail-on", "GK4").exit_code == 1
    assert run_gk("-C", str(root), "check", "--fail-on", "GK6").exit_code == 0
    path = root / "services/musterstadt/sprachcafe.yaml"
    path.write_text(service.replace("2345678\n", "2345678  # gk: ignore GK502\n"),
                    encoding="utf-8")
    assert run_gk("-C", str(root), "check", "--quiet", "--fail-on", "GK5").exit_code == 0
    result = run_gk("-C", str(root), "check", "--fail-on", "Telefon")
    assert result.exit_code == 2
    assert "--fail-on: „Telefon“ ist kein Code" in result.output
