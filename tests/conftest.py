"""Shared fixtures: small data repositories built in tmp_path from dicts or YAML text."""

from __future__ import annotations

import contextlib
import io
import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gk.cli import cli
from gk.cli import main as gk_main

TODAY = "2026-11-21"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "nrw"

VALID_CONFIG = "gk: 1\nname: Testablage (erfunden)\nlanguage: de\n"
VALID_ALLIANCE = """\
name: Stadt Musterstadt
type: kreisfreie-stadt
region: koeln
joined: 2019-01-15
lead_office:
  organisation: Kommunales Integrationszentrum Musterstadt
  contact: Geschäftsführende Stelle
"""
VALID_SERVICE = """\
title: Sprachcafé
provider: Jugendmigrationsdienst Musterstadt
fields: [language, social-participation]
open_to: [duldung, gestattung]
status: active
start: 2020-01-01
"""


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own cache folder, a fixed 'today' and German unless it says otherwise;
    gk run as a process imports this checkout's package, installed or not."""
    project = str(Path(__file__).resolve().parent.parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        p for p in (project, os.environ.get("PYTHONPATH")) if p))
    monkeypatch.setenv("GK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("GK_TODAY", TODAY)
    monkeypatch.delenv("GK_LANG", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def write_repo(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a repository: paths relative to root mapped to text (dedented) or bytes."""
    files = {"gk.yaml": VALID_CONFIG, **files}
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    def make(files: dict[str, str | bytes]) -> Path:
        return write_repo(tmp_path / "repo", files)
    return make


def run_gk(*args: str, env: dict[str, str] | None = None) -> Any:
    """Run the CLI in-process through click's CliRunner; returns the click Result."""
    runner = CliRunner()
    return runner.invoke(cli, list(args), env=env, catch_exceptions=False)


def run_main(*args: str) -> tuple[int, str]:
    """Run gk's real entry point in-process (setup errors become one line and exit 2)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = int(gk_main(list(args)) or 0)  # a command's ctx.exit(N) comes back as N
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue()


def check_json(root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = run_gk("-C", str(root), "check", "--format", "json", *extra)
    return result.exit_code, json.loads(result.output)


def codes_at(report: dict[str, Any]) -> set[tuple[str, str, int]]:
    return {(f["code"], f["file"], f["line"]) for f in report["findings"]}


def env_without_cache() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "GK_CACHE_DIR"}
