"""Packaging: the wheel and the sdist carry the data files, the version lives in one place,
the installed package finds its data, and the pre-commit hooks are declared as documented.

The builds run offline on a copy of the project (``--no-build-isolation``, so setuptools and
wheel must be installed); without them the build tests are skipped.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gk"
_IGNORE = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", "build", "dist", ".venv",
                                 ".pytest_cache", ".ruff_cache", ".mypy_cache", ".gk")


def source_version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"$',
                      (PACKAGE / "__init__.py").read_text(encoding="utf-8"), re.MULTILINE)
    assert match, "gk/__init__.py must define __version__ = \"...\""
    return match.group(1)


def _data_files() -> dict[str, list[str]]:
    """What the package must ship: path pattern in the wheel -> the files in the source tree."""
    return {
        "gk/data/schemas": sorted(p.name for p in (PACKAGE / "data" / "schemas").glob("*.json")),
        "gk/data/templates": sorted(p.name for p in (PACKAGE / "data" / "templates").glob("*.yaml")),
        "gk/data/locale/de": sorted(p.name for p in (PACKAGE / "data" / "locale" / "de").glob("*.po")),
    }


def _can_build() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("setuptools", "wheel"))


needs_build_tools = pytest.mark.skipif(not _can_build(),
                                       reason="setuptools and wheel are needed to build offline")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A wheel and an sdist built from a clean copy of the project (never in the tree)."""
    base = tmp_path_factory.mktemp("build")
    source = base / "src"
    shutil.copytree(ROOT, source, ignore=_IGNORE)
    out = base / "dist"
    wheel = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-cache-dir", "--no-index", ".", "-w", str(out)],
        cwd=source, capture_output=True, text=True, timeout=300)
    assert wheel.returncode == 0, wheel.stdout + wheel.stderr
    sdist = subprocess.run(
        [sys.executable, "-c",
         f"from setuptools import build_meta; build_meta.build_sdist({str(out)!r})"],
        cwd=source, capture_output=True, text=True, timeout=300)
    assert sdist.returncode == 0, sdist.stdout + sdist.stderr
    return {"wheel": next(out.glob("gk-*.whl")), "sdist": next(out.glob("gk-*.tar.gz"))}


# --- version ---------------------------------------------------------------------------------

def test_version_is_kept_in_one_place() -> None:
    import gk

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^dynamic = \[.*"version".*\]$', pyproject, re.MULTILINE)
    assert re.search(r'^version = \{attr = "gk.__version__"\}$', pyproject, re.MULTILINE)
    assert not re.search(r'^version = "', pyproject, re.MULTILINE)
    assert gk.__version__ == source_version()


def test_gk_version_prints_the_version() -> None:
    done = subprocess.run([sys.executable, "-m", "gk", "--version"], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0
    assert done.stdout == f"gk {source_version()}\n"


def test_installed_command_prints_the_version() -> None:
    script = Path(sys.executable).with_name("gk")
    if not script.exists():
        pytest.skip("the gk command is not installed next to this Python")
    done = subprocess.run([str(script), "-V"], capture_output=True, text=True, timeout=60)
    assert done.stdout == f"gk {source_version()}\n"


# --- wheel and sdist ---------------------------------------------------------------------------

@needs_build_tools
def test_wheel_contains_the_data_files(built: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    for folder, files in _data_files().items():
        assert files, folder
        missing = [f"{folder}/{name}" for name in files if f"{folder}/{name}" not in names]
        assert missing == []
    assert "gk/data/schemas/service.json" in names
    assert "gk/data/templates/prozessmanagement.yaml" in names
    assert "gk/data/locale/de/core.po" in names


@needs_build_tools
def test_wheel_contains_every_module(built: dict[str, Path]) -> None:
    """A new sub-package must be listed in pyproject.toml, or the wheel silently lacks it."""
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    modules = sorted(p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py")
                     if "__pycache__" not in p.parts)
    assert [m for m in modules if m not in names] == []


@needs_build_tools
def test_wheel_metadata(built: dict[str, Path]) -> None:
    archive = zipfile.ZipFile(built["wheel"])
    version = source_version()
    assert built["wheel"].name == f"gk-{version}-py3-none-any.whl"
    metadata = archive.read(f"gk-{version}.dist-info/METADATA").decode("utf-8")
    assert f"\nVersion: {version}\n" in metadata
    assert "\nRequires-Python: >=3.10\n" in metadata
    entry_points = archive.read(f"gk-{version}.dist-info/entry_points.txt").decode("utf-8")
    assert "gk = gk.cli:main" in entry_points


@needs_build_tools
def test_sdist_contains_sources_and_data(built: dict[str, Path]) -> None:
    version = source_version()
    with tarfile.open(built["sdist"]) as archive:
        names = set(archive.getnames())
    prefix = f"gk-{version}"
    for name in ("pyproject.toml", "README.md", "gk/__init__.py", "gk/cli/__init__.py"):
        assert f"{prefix}/{name}" in names
    for folder in ("gk/data/schemas", "gk/data/templates", "gk/data/locale/de"):
        for name in _data_files()[folder]:
            assert f"{prefix}/{folder}/{name}" in names


@needs_build_tools
def test_the_built_package_finds_its_data(built: dict[str, Path], tmp_path: Path) -> None:
    """Run gk from the unpacked wheel: schemas, templates and catalogues come from the package."""
    unpacked = tmp_path / "site"
    zipfile.ZipFile(built["wheel"]).extractall(unpacked)
    env = {"PYTHONPATH": str(unpacked), "GK_CACHE_DIR": str(tmp_path / "cache"),
           "PATH": "/usr/bin:/bin"}

    def gk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gk", *args], capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=120)

    where = subprocess.run([sys.executable, "-c", "import gk; print(gk.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert where.stdout.strip() == str(unpacked / "gk" / "__init__.py")
    assert gk("--version").stdout == f"gk {source_version()}\n"
    assert '"title": "Angebot"' in gk("schema", "service").stdout
    checked = gk("-C", str(ROOT / "examples" / "nrw"), "check", "--format", "json")
    assert '"errors": 0' in checked.stdout, checked.stdout + checked.stderr
    assert "Es gibt kein Schema der Art „x“." in gk("schema", "x").stderr


def test_a_plain_checkout_runs_itself(tmp_path: Path) -> None:
    """``python -m gk`` from a copy of the source tree, nothing installed from it."""
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=_IGNORE)
    env = {"GK_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "PYTHONSAFEPATH": ""}
    done = subprocess.run([sys.executable, "-m", "gk", "-C", "examples/nrw", "check", "--format",
                           "json"], capture_output=True, text=True, env=env, cwd=source, timeout=120)
    assert '"errors": 0' in done.stdout, done.stdout + done.stderr
    where = subprocess.run([sys.executable, "-c", "import gk; print(gk.__file__)"],
                           capture_output=True, text=True, env=env, cwd=source, timeout=60)
    assert where.stdout.strip() == str(source / "gk" / "__init__.py")


# --- pre-commit hooks ----------------------------------------------------------------------------

def test_pre_commit_hooks_are_declared() -> None:
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"gk-check", "gk-check-all"}
    check = by_id["gk-check"]
    assert (check["entry"], check["language"], check["pass_filenames"]) == (
        "gk check --quiet", "python", True)
    pattern = re.compile(check["files"])
    assert pattern.search("services/musterstadt/sprachcafe.yaml")
    # the whole-repository hook runs on every commit, also one that only deletes files
    whole = by_id["gk-check-all"]
    assert (whole["entry"], whole["pass_filenames"], whole["always_run"]) == (
        "gk check --quiet", False, True)
    assert pattern.search(".gitlab-ci.yml")
    assert not pattern.search("README.md")
    assert not pattern.search("notes.yaml.bak")
