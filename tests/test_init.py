"""gk init: a new data repository that gk check accepts; never over an existing one."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import check_json, run_gk

from gk.engine.schemas import KINDS


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git/" not in
            p.relative_to(root).as_posix() + "/"}


def test_init_makes_a_repository_that_passes_check(tmp_path: Path) -> None:
    target = tmp_path / "daten"
    result = run_gk("-C", str(tmp_path), "init", "daten", "--name", "Testablage Neuss")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Neue Datenablage in {target.resolve()} angelegt:\n")
    files = _tree(target)
    for rel in ("gk.yaml", "README.md", ".gitattributes", ".editorconfig",
                "alliances/.gitkeep", "services/.gitkeep", "worksheets/.gitkeep",
                "templates/.gitkeep"):
        assert rel in files, rel
    assert {f".gk/schemas/{kind}.json" for kind in KINDS} <= set(files)
    assert json.loads(files[".gk/schemas/alliance.json"])["title"] == "Bündnis"
    config = files["gk.yaml"].decode("utf-8")
    assert config.startswith("# yaml-language-server: $schema=.gk/schemas/gk.json\n")
    assert "\ngk: 1\n" in config and '\nname: "Testablage Neuss"\n' in config
    assert "\nlanguage: de\n" in config
    assert "\n# consulting_days: 0\n" in config and "\n#   min_count: 3  # Mindestzahl\n" in config
    assert b"*.yaml text eol=lf" in files[".gitattributes"]
    assert b"indent_size = 2" in files[".editorconfig"]
    readme = files["README.md"].decode("utf-8")
    assert readme.startswith("# Testablage Neuss\n")
    assert "keine Daten über einzelne junge Menschen" in readme and "gk check" in readme
    assert check_json(target) == (0, {"findings": [], "errors": 0, "warnings": 0})
    assert (target / "gk.yaml").stat().st_mode & 0o077 != 0o000  # not private to the owner


def test_init_refuses_an_existing_repository(tmp_path: Path) -> None:
    assert run_gk("init", str(tmp_path / "a"), "--no-git").exit_code == 0
    (tmp_path / "a" / "gk.yaml").write_text("gk: 1\nname: Eigenes\n", encoding="utf-8")
    (tmp_path / "a" / "README.md").unlink()
    before = _tree(tmp_path / "a")
    result = run_gk("--lang", "en", "init", str(tmp_path / "a"))
    assert result.exit_code == 2
    assert "is already a gk data repository (it has a gk.yaml); nothing was written." \
        in result.output
    assert _tree(tmp_path / "a") == before


def test_init_keeps_existing_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("Unser Text\n", encoding="utf-8")
    result = run_gk("-C", str(tmp_path), "init", "--no-git")
    assert result.exit_code == 0
    assert "README.md (war schon vorhanden, bleibt unverändert)" in result.output
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "Unser Text\n"
    assert (tmp_path / "gk.yaml").is_file()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_init_only_outside_a_work_tree(tmp_path: Path) -> None:
    assert run_gk("init", str(tmp_path / "neu")).exit_code == 0
    assert (tmp_path / "neu" / ".git").is_dir()
    outer = tmp_path / "outer"
    outer.mkdir()
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    result = run_gk("init", str(outer / "daten"))
    assert result.exit_code == 0
    assert not (outer / "daten" / ".git").exists()
    assert "git-Repository" not in result.output


def test_new_files_after_init_pass_check(tmp_path: Path) -> None:
    root = tmp_path / "r"
    assert run_gk("init", str(root), "--no-git").exit_code == 0
    assert run_gk("-C", str(root), "new", "alliance", "musterstadt", "--name", "Musterstadt",
                  "--type", "kreisfreie-stadt", "--joined", "2019-01-15", "--lead-office",
                  "KI").exit_code == 0
    assert run_gk("-C", str(root), "new", "worksheet", "musterstadt",
                  "prozessmanagement").exit_code == 0
    assert check_json(root) == (0, {"findings": [], "errors": 0, "warnings": 0})
