"""The bad-input corpus: every folder under ``tests/cases/`` is a case, collected automatically.

A case is ``repo/`` (a small data repository: ``gk.yaml``, usually one valid alliance and
one defect) and ``expected.json``::

    {"exit": 1,
     "findings": [{"code": "GK001", "file": "services/musterstadt/sprachcafe.yaml", "line": 3}],
     "allow_extra": false,        # optional: other findings may come on top
     "args": ["--strict"],        # optional: more arguments for gk check
     "setup": [...],              # optional: made at test time (links, pipes, large files)
     "isolate": true,             # optional: run only in a subprocess with time/memory limits
     "unless_root": true,         # optional: skipped when running as root
     "description": "…"}

``setup`` entries: ``{"write": REL, "text": T, "repeat": R, "times": N, "then": R2,
"then_times": N2}`` writes T + R*N + R2*N2; ``{"outside": REL, "text": T}`` writes a file
beside (not inside) the repository; ``{"symlink": REL, "to": TARGET}`` (``{outside}`` in the
target is that folder); ``{"fifo": REL}``; ``{"chmod": REL, "mode": M}``. Cases with a setup
are copied to a temporary folder first; the others are checked where they lie.

Every case must give exactly its findings (code, file, line) and exit status, valid JSON and
no traceback; a few run as a real ``gk`` process as well.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import run_gk

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "expected.json").is_file())
# Cases also run as a separate process: what users type, and the ones that could hang.
IN_SUBPROCESS = ("alias-bomb", "deep-nesting-flow-100000", "deep-nesting-block-10000",
                 "encoding-utf16-with-bom", "tag-python-object-apply", "large-file-50mb",
                 "yaml-unclosed-bracket", "symlink-outside-repository")
TIMEOUT = 30  # seconds; a case that needs more has hung
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for a case run as a process


def expected_of(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CASES_DIR / name / "expected.json").read_text("utf-8"))
    return data


def prepare(name: str, tmp_path: Path) -> Path:
    """The repository of a case, ready to check (copied and set up when it needs a setup)."""
    expected = expected_of(name)
    source = CASES_DIR / name / "repo"
    if expected.get("unless_root") and hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root reads every file; 'symlink-dangling' covers unreadable files for root")
    if not expected.get("setup"):
        return source
    root = tmp_path / "repo"
    shutil.copytree(source, root, symlinks=True)
    outside = tmp_path / "outside"
    for step in expected["setup"]:
        if "write" in step:
            path = root / step["write"]
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(step.get("text", ""))
                for _i in range(step.get("times", 0)):
                    handle.write(step["repeat"])
                handle.write(step.get("then", "") * step.get("then_times", 0))
        elif "outside" in step:
            path = outside / step["outside"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(step["text"], encoding="utf-8")
        elif "symlink" in step:
            path = root / step["symlink"]
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() or path.is_symlink():
                path.unlink()
            os.symlink(step["to"].replace("{outside}", str(outside)), path)
        elif "fifo" in step:
            path = root / step["fifo"]
            path.parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(path)
        elif "chmod" in step:
            os.chmod(root / step["chmod"], step["mode"])
        else:
            raise AssertionError(f"unknown setup step in {name}: {step}")
    return root


def gk_command() -> list[str]:
    """The installed ``gk`` script, as users run it (or its entry point where none is)."""
    script = Path(sys.executable).parent / ("gk.exe" if os.name == "nt" else "gk")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from gk.cli import main; sys.exit(main())"]


def run_process(root: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """gk check as its own process, with a time limit and a bound on its memory."""
    def limit() -> None:  # pragma: no cover - runs in the child
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run(
        [*gk_command(), "-C", str(root), "check", "--format", "json", *args],
        capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd,
        preexec_fn=limit if os.name == "posix" else None, check=False)


def assert_report(name: str, root: Path, code: int, output: str) -> None:
    expected = expected_of(name)
    assert "Traceback" not in output
    report = json.loads(output)
    got = sorted((f["code"], f["file"], f["line"]) for f in report["findings"])
    want = sorted((f["code"], f["file"], f["line"]) for f in expected["findings"])
    if expected.get("allow_extra"):
        missing = [w for w in want if w not in got]
        assert missing == [], f"{name}: missing {missing}; got {got}"
    else:
        assert got == want, name
    assert code == expected["exit"], (name, got)
    assert report["errors"] == sum(1 for f in report["findings"] if f["severity"] == "error")
    for finding in report["findings"]:
        assert finding["line"] >= 1 and finding["column"] >= 1, finding
        path = root / finding["file"]
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 5 * 1024 * 1024:
            lines = path.read_bytes().decode("utf-8", "replace").splitlines()
            assert finding["line"] <= max(len(lines), 1), finding


def test_corpus_is_complete() -> None:
    assert len(CASES) >= 60
    for name in CASES:
        folder = CASES_DIR / name
        assert (folder / "repo").is_dir() or expected_of(name).get("setup"), name
        expected = expected_of(name)
        assert expected["exit"] in (0, 1), name
        for finding in expected["findings"]:
            assert set(finding) >= {"code", "file", "line"}, name
    stray = [p.name for p in CASES_DIR.iterdir() if p.is_dir() and p.name not in CASES]
    assert stray == []


@pytest.mark.parametrize("name", CASES)
def test_case(name: str, tmp_path: Path) -> None:
    root = prepare(name, tmp_path)
    expected = expected_of(name)
    args = list(expected.get("args", []))
    if expected.get("isolate"):
        proc = run_process(root, args, tmp_path)
        assert "Traceback" not in proc.stderr
        assert_report(name, root, proc.returncode, proc.stdout)
        return
    result = run_gk("-C", str(root), "check", "--format", "json", *args)
    assert_report(name, root, result.exit_code, result.output)


@pytest.mark.parametrize("name", IN_SUBPROCESS)
def test_case_as_a_process(name: str, tmp_path: Path) -> None:
    root = prepare(name, tmp_path)
    proc = run_process(root, list(expected_of(name).get("args", [])), tmp_path)
    assert proc.stderr == ""
    assert_report(name, root, proc.returncode, proc.stdout)
