"""The fast path (C parser, compiled validator, cache, worker processes) finds exactly what the
plain reference path (round-trip parser, jsonschema) finds, at the same places."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE

from gk.check import CheckOptions, check_repository
from gk.reference import check_reference

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 21)
CASES = sorted(p / "repo" for p in (ROOT / "tests" / "cases").glob("*") if (p / "repo").is_dir())


def _key(result) -> list[tuple[str, int, int, str]]:
    """What must agree. Syntax errors (GK001) are placed by each parser in its own way (the
    C parser and the pure-Python one stop at different tokens): there file and code agree."""
    return sorted((f.file, 0, 0, f.code) if f.code == "GK001" else (f.file, f.line, f.column, f.code)
                  for f in result.findings)


def _same(root: Path, **options) -> None:
    reference = check_reference(root, CheckOptions(today=TODAY, use_cache=False))
    fast = check_repository(root, CheckOptions(today=TODAY, **options))
    assert _key(fast) == _key(reference)
    # Messages are the same too wherever the file parsed in both paths.
    parsed = {f.file for f in reference.findings if f.code != "GK001"}
    assert [f.message for f in fast.findings if f.file in parsed and f.code != "GK001"] == \
        [f.message for f in reference.findings if f.file in parsed and f.code != "GK001"]


def test_example_repository_same_findings() -> None:
    _same(EXAMPLE, use_cache=False)


@pytest.mark.parametrize("case", CASES, ids=[c.parent.name for c in CASES])
def test_corpus_case_same_findings(case: Path) -> None:
    _same(case, use_cache=False)


def test_generated_tree_with_defects_same_findings_cached_and_parallel(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(tree),
                    "--alliances", "12", "--seed", "7", "--defects", "25"],
                   check=True, capture_output=True)
    reference = check_reference(tree, CheckOptions(today=TODAY, use_cache=False))
    assert reference.errors > 0
    single = check_repository(tree, CheckOptions(today=TODAY, use_cache=False, jobs=1))
    assert _key(single) == _key(reference)
    # Force the worker process even on a small tree: identical output, ordering included.
    import gk.cache

    threshold = gk.cache.POOL_THRESHOLD
    gk.cache.POOL_THRESHOLD = 10
    try:
        parallel = check_repository(tree, CheckOptions(today=TODAY, use_cache=False, jobs=2))
    finally:
        gk.cache.POOL_THRESHOLD = threshold
    assert parallel.findings == single.findings
    cold = check_repository(tree, CheckOptions(today=TODAY))
    warm = check_repository(tree, CheckOptions(today=TODAY))
    assert cold.findings == single.findings == warm.findings
    assert warm.repository is None  # answered whole from the cache
    changed = next(iter(sorted((tree / "services").glob("*/*.yaml"))))
    changed.write_text(changed.read_text(encoding="utf-8") + "bogus_key: 1\n", encoding="utf-8")
    again = check_repository(tree, CheckOptions(today=TODAY))
    fresh = check_repository(tree, CheckOptions(today=TODAY, use_cache=False))
    assert again.findings == fresh.findings
    assert any(f.code == "GK101" and f.file == changed.relative_to(tree).as_posix()
               for f in again.findings)


def test_broken_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    cache = tmp_path / "cache"
    monkeypatch.setenv("GK_CACHE_DIR", str(cache))
    first = check_repository(repo, CheckOptions(today=TODAY))
    files = list(cache.iterdir())
    assert files
    for path in files:
        path.write_bytes(b"\x00garbage" * 10)
    second = check_repository(repo, CheckOptions(today=TODAY))
    assert second.findings == first.findings


def test_reports_are_remembered_until_a_file_changes(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import run_gk

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    monkeypatch.setenv("GK_CACHE_DIR", str(tmp_path / "cache"))
    first = run_gk("-C", str(repo), "gaps", "--format", "json").output
    again = run_gk("-C", str(repo), "gaps", "--format", "json").output
    assert again == first
    assert any((tmp_path / "cache").glob("*report-gaps*"))
    # Close a gap: Meerbusch's district gets an active housing service open to both statuses.
    service = repo / "services" / "rhein-kreis-neuss" / "wohnraum-test.yaml"
    service.write_text("title: Wohnraumhilfe\nprovider: Träger (erfunden)\nfields: [housing]\n"
                       "open_to: [duldung, gestattung]\nstatus: active\n", encoding="utf-8")
    changed = run_gk("-C", str(repo), "gaps", "--format", "json").output
    monkeypatch.setenv("GK_CACHE_DIR", str(tmp_path / "fresh"))
    fresh = run_gk("-C", str(repo), "gaps", "--format", "json").output
    assert changed == fresh != first
    summary = run_gk("-C", str(repo), "summarize", "--format", "json").output
    assert run_gk("-C", str(repo), "summarize", "--format", "json").output == summary


def test_progress_is_reported_in_order_up_to_the_total(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(tree),
                    "--alliances", "8", "--seed", "5"], check=True, capture_output=True)
    for jobs in (1, 2):
        seen: list[tuple[int, int]] = []
        import gk.cache

        threshold = gk.cache.POOL_THRESHOLD
        gk.cache.POOL_THRESHOLD = 10
        try:
            check_repository(tree, CheckOptions(today=TODAY, use_cache=False, jobs=jobs,
                                                progress=lambda d, t, s=seen: s.append((d, t))))
        finally:
            gk.cache.POOL_THRESHOLD = threshold
        total = seen[-1][1]
        assert total > 64
        assert seen[-1] == (total, total)
        assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    # Nothing is read from files the cache answers for: no progress at all.
    check_repository(tree, CheckOptions(today=TODAY))
    quiet: list[tuple[int, int]] = []
    check_repository(tree, CheckOptions(today=TODAY, progress=lambda d, t: quiet.append((d, t))))
    assert quiet == []
