"""The documentation keeps its promises.

Generated references match their sources (regenerate with the scripts in docs/), every
command and sub-command has a help text with an example, links between the documents
resolve, and what docs/ci.md and the guides say about CI and colours is what gk does.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import pytest
from conftest import VALID_ALLIANCE, VALID_SERVICE, run_gk

from gk.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# The documents whose links this file checks (others keep their own tests).
OWN_DOCS = ("anleitung-koordination.md", "anleitung-monitoring.md", "ci.md", "editors.md",
            "export.md", "changelog.md", "data-format.md", "cli-reference.md")


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _assert_same(path: Path, expected: str, command: str) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if current != expected:
        diff = "".join(list(difflib.unified_diff(
            current.splitlines(True), expected.splitlines(True), "in the file", "generated"))[:60])
        pytest.fail(f"{path.relative_to(ROOT)} is out of date; run: {command}\n{diff}")


# --- generated references -------------------------------------------------------------------

def test_data_format_reference_matches_the_schemas() -> None:
    _assert_same(DOCS / "data-format.md", _load("gen_data_format").render(),
                 "python docs/gen_data_format.py")


def test_cli_reference_matches_the_help_texts() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GK_LANG", "COLUMNS")}
    done = subprocess.run([sys.executable, str(DOCS / "gen_cli_reference.py"), "--stdout"],
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    _assert_same(DOCS / "cli-reference.md", done.stdout, "python docs/gen_cli_reference.py")


def test_cli_reference_covers_every_existing_command() -> None:
    text = (DOCS / "cli-reference.md").read_text(encoding="utf-8")
    ctx = click.Context(cli, info_name="gk")
    for name in cli.list_commands(ctx):
        assert f"## `gk {name}`" in text


def test_data_format_reference_names_every_kind_and_value() -> None:
    from gk.engine.schemas import KINDS, defs

    text = (DOCS / "data-format.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f'<a id="kind-{kind}"></a>' in text
    for value in defs()["residence-status"]["enum"]:
        assert f"| `{value}` |" in text
    assert "| `services/<alliance>/<service>.yaml` |" in text


# --- help texts -----------------------------------------------------------------------------

def _all_commands() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = [("gk", cli)]
    ctx = click.Context(cli, info_name="gk")
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None, name
        found.append((f"gk {name}", command))
        if isinstance(command, click.Group):
            sub_ctx = click.Context(command, info_name=name, parent=ctx)
            for sub in command.list_commands(sub_ctx):
                sub_command = command.get_command(sub_ctx, sub)
                assert sub_command is not None, sub
                found.append((f"gk {name} {sub}", sub_command))
    return found


COMMANDS = _all_commands()


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _c in COMMANDS])
def test_every_command_has_help_with_an_example(path: str, command: click.Command) -> None:
    text = command.help or ""
    assert text.strip(), f"{path} has no help text"
    example = path if path != "gk" else "gk "
    assert example in text, f"the help of {path} shows no example ('{example} …')"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _c in COMMANDS])
def test_every_option_has_help(path: str, command: click.Command) -> None:
    missing = [param.name for param in command.params
               if isinstance(param, click.Option) and not param.hidden and not param.help]
    assert missing == [], f"options of {path} without help: {missing}"


# --- links ----------------------------------------------------------------------------------

_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    found = set(re.findall(r'<a id="([^"]+)"', text))
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


@pytest.mark.parametrize("name", OWN_DOCS)
def test_links_between_documents_resolve(name: str) -> None:
    source = DOCS / name
    broken = []
    for target in _LINK.findall(source.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue
        file_part, _hash, anchor = target.partition("#")
        path = (source.parent / file_part) if file_part else source
        missing_anchor = bool(anchor) and path.suffix == ".md" and path.exists() \
            and anchor not in _anchors(path)
        if not path.exists() or missing_anchor:
            broken.append(target)
    assert broken == []


def test_changelog_names_the_current_version() -> None:
    from gk import __version__

    assert f"## [{__version__}]" in (DOCS / "changelog.md").read_text(encoding="utf-8")


# --- CI: what docs/ci.md promises ------------------------------------------------------------

BROKEN_SERVICE = VALID_SERVICE.replace("status: active", "status: aktiv")


def test_github_format_is_chosen_inside_github_actions(make_repo: Any) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "services/musterstadt/sprachcafe.yaml": BROKEN_SERVICE})
    inside = run_gk("-C", str(root), "check", env={"GITHUB_ACTIONS": "true"})
    assert inside.exit_code == 1
    lines = inside.output.splitlines()
    assert lines[0].startswith("::error file=services/musterstadt/sprachcafe.yaml,line=5,col=9::")
    assert all(line.startswith(("::error ", "::warning ")) for line in lines[:-1])
    assert lines[-1] == "1 Fehler, 0 Warnung(en) in 3 Dateien."
    explicit = run_gk("-C", str(root), "check", "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert explicit.output.startswith("services/musterstadt/sprachcafe.yaml:5:9: Fehler GK102")
    outside = run_gk("-C", str(root), "check")
    assert not outside.output.startswith("::")
    other_ci = run_gk("-C", str(root), "check", env={"GITHUB_ACTIONS": "false"})
    assert not other_ci.output.startswith("::")


def _gitlab_converter() -> str:
    text = (DOCS / "ci.md").read_text(encoding="utf-8")
    match = re.search(r"python3 - <<'PY'\n(.*?)\n\s*PY\n", text, flags=re.DOTALL)
    assert match is not None, "the GitLab code quality snippet is missing from docs/ci.md"
    return textwrap.dedent(match.group(1))


def test_gitlab_code_quality_snippet_converts_the_json_report(make_repo: Any,
                                                              tmp_path: Path) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "services/musterstadt/sprachcafe.yaml": BROKEN_SERVICE
                      + "contact: max.mustermann@gmail.com\n"})
    work = tmp_path / "ci"
    work.mkdir()
    result = run_gk("-C", str(root), "check", "--format", "json", "-o", str(work / "gk-check.json"))
    assert result.exit_code == 1
    findings = json.loads((work / "gk-check.json").read_text(encoding="utf-8"))["findings"]
    done = subprocess.run([sys.executable, "-c", _gitlab_converter()], cwd=work,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    issues = json.loads((work / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert len(issues) == len(findings) >= 2
    first = findings[0]
    where = f"{first['file']}:{first['line']}:{first['column']}:{first['code']}"
    assert issues[0] == {
        "description": f"{first['code']} {first['message']}",
        "check_name": first["code"],
        "fingerprint": hashlib.sha256(where.encode()).hexdigest(),
        "severity": "major" if first["severity"] == "error" else "minor",
        "location": {"path": first["file"], "lines": {"begin": first["line"]}},
    }
    assert {i["severity"] for i in issues} == {"major", "minor"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)


# --- terminal manners: colour only on a terminal, never with NO_COLOR ------------------------

def _run_on_terminal(args: list[str], extra_env: dict[str, str]) -> str:
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(extra_env)
    try:
        proc = subprocess.run([sys.executable, "-m", "gk", *args], stdout=slave,
                              stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=60)
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.returncode in (0, 1), proc.stderr
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_but_not_with_no_color(make_repo: Any) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "services/musterstadt/sprachcafe.yaml": BROKEN_SERVICE})
    coloured = _run_on_terminal(["-C", str(root), "check"], {})
    assert "\x1b[" in coloured
    plain = _run_on_terminal(["-C", str(root), "check"], {"NO_COLOR": "1"})
    assert "Fehler GK102" in plain
    assert "\x1b[" not in plain
    piped = run_gk("-C", str(root), "check")
    assert "\x1b[" not in piped.output
