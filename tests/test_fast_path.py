"""The fast path (C parser, compiled validator, cache, worker processes) finds exactly what the
plain reference path (round-trip parser, jsonschema) finds, at the same places."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE
from reference import check_reference

import gk.speed.cached
import gk.speed.parallel
from gk.engine.pipeline import CheckOptions, CheckResult
from gk.engine.pipeline import check as engine_check
from gk.speed.cached import Speed

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 21)
CASES = sorted(p / "repo" for p in (ROOT / "tests" / "cases").glob("*") if (p / "repo").is_dir())


def check_repository(root: Path, options: CheckOptions, cache: bool = True,
                     jobs: int | None = None, progress=None) -> CheckResult:
    return gk.speed.cached.check(root, options, Speed(cache=cache, jobs=jobs, progress=progress))


def _key(result) -> list[tuple[str, int, int, str]]:
    """What must agree. Syntax errors (GK001) are placed by each parser in its own way (the
    C parser and the pure-Python one stop at different tokens): there file and code agree."""
    return sorted((f.file, 0, 0, f.code) if f.code == "GK001" else (f.file, f.line, f.column, f.code)
                  for f in result.findings)


def _same(root: Path, **options) -> None:
    reference = check_reference(root, CheckOptions(today=TODAY))
    fast = check_repository(root, CheckOptions(today=TODAY), **options)
    assert _key(fast) == _key(reference)
    # Messages are the same too wherever the file parsed in both paths.
    parsed = {f.file for f in reference.findings if f.code != "GK001"}
    assert [f.message for f in fast.findings if f.file in parsed and f.code != "GK001"] == \
        [f.message for f in reference.findings if f.file in parsed and f.code != "GK001"]


def test_example_repository_same_findings() -> None:
    _same(EXAMPLE, cache=False)


@pytest.mark.parametrize("case", CASES, ids=[c.parent.name for c in CASES])
def test_corpus_case_same_findings(case: Path) -> None:
    _same(case, cache=False)


def test_generated_tree_with_defects_same_findings_cached_and_parallel(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(tree),
                    "--alliances", "12", "--seed", "7", "--defects", "25"],
                   check=True, capture_output=True)
    reference = check_reference(tree, CheckOptions(today=TODAY))
    assert reference.errors > 0
    single = check_repository(tree, CheckOptions(today=TODAY), cache=False, jobs=1)
    assert _key(single) == _key(reference)
    plain = engine_check(tree, CheckOptions(today=TODAY))
    assert plain.findings == single.findings and plain.lines == single.lines
    # Force the worker processes even on a small tree (for reading the files and for finding
    # the positions of cross-file findings): identical output, ordering included.
    threshold, locate = gk.speed.parallel.POOL_THRESHOLD, gk.speed.cached._LOCATE_THRESHOLD
    gk.speed.parallel.POOL_THRESHOLD = gk.speed.cached._LOCATE_THRESHOLD = 10
    try:
        parallel = check_repository(tree, CheckOptions(today=TODAY), cache=False, jobs=2)
        three = check_repository(tree, CheckOptions(today=TODAY), cache=False, jobs=3)
        filling = check_repository(tree, CheckOptions(today=TODAY), jobs=2)
        default = check_repository(tree, CheckOptions(today=TODAY), cache=False)
    finally:
        gk.speed.parallel.POOL_THRESHOLD, gk.speed.cached._LOCATE_THRESHOLD = threshold, locate
    assert parallel.findings == single.findings == three.findings == filling.findings
    assert default.findings == single.findings and default.lines == single.lines
    assert len({f.file for f in single.findings if f.code == "GK405"}) > 10
    cold = check_repository(tree, CheckOptions(today=TODAY))
    warm = check_repository(tree, CheckOptions(today=TODAY))
    assert cold.findings == single.findings == warm.findings
    assert warm.lines == cold.lines == single.lines
    assert len(warm.lines) > 10
    changed = next(iter(sorted((tree / "services").glob("*/*.yaml"))))
    changed.write_text(changed.read_text(encoding="utf-8") + "bogus_key: 1\n", encoding="utf-8")
    again = check_repository(tree, CheckOptions(today=TODAY))
    fresh = check_repository(tree, CheckOptions(today=TODAY))
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
    assert not any((tmp_path / "cache").glob("*report-*"))  # files just written: not yet
    _settle(repo)
    again = run_gk("-C", str(repo), "gaps", "--format", "json").output
    assert again == first
    assert any((tmp_path / "cache").glob("*report-*"))
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
        threshold = gk.speed.parallel.POOL_THRESHOLD
        gk.speed.parallel.POOL_THRESHOLD = 10
        try:
            check_repository(tree, CheckOptions(today=TODAY), cache=False, jobs=jobs,
                             progress=lambda d, t, s=seen: s.append((d, t)))
        finally:
            gk.speed.parallel.POOL_THRESHOLD = threshold
        total = seen[-1][1]
        assert total > 64
        assert seen[-1] == (total, total)
        assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    # Nothing is read from files the cache answers for: no progress at all.
    _settle(tree)
    check_repository(tree, CheckOptions(today=TODAY))
    quiet: list[tuple[int, int]] = []
    check_repository(tree, CheckOptions(today=TODAY), progress=lambda d, t: quiet.append((d, t)))
    assert quiet == []


def test_after_each_edit_the_cached_check_equals_the_engine(tmp_path: Path) -> None:
    """Edits that move findings between files (follow-ups, the current checklist sheet,
    overdue to-dos, '# gk: ignore', alliance types, syntax errors, other options): after
    each, the cached check finds exactly what the engine finds."""
    import os
    import re

    tree = tmp_path / "tree"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(tree),
                    "--alliances", "12", "--seed", "7", "--defects", "25"],
                   check=True, capture_output=True)
    clock = [os.stat(tree / "gk.yaml").st_mtime_ns]

    def write(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        clock[0] += 1_000_000_000  # a distinct time for every write, as an editor gives
        os.utime(path, ns=(clock[0], clock[0]))

    def run(partial: bool, today: dt.date = TODAY, stale: int | None = None) -> list:
        cached = check_repository(tree, CheckOptions(today=today, stale_days=stale))
        fresh = engine_check(tree, CheckOptions(today=today, stale_days=stale))
        assert cached.findings == fresh.findings
        assert cached.lines == fresh.lines
        return cached.findings

    def codes(found: list, rel: str) -> list[str]:
        return [f.code for f in found if f.file == rel]

    first = run(partial=False)  # the first run checks everything and leaves its state
    services = sorted((tree / "services").glob("*/*.yaml"))
    service = services[0]
    rel = service.relative_to(tree).as_posix()
    text = service.read_text(encoding="utf-8")
    write(service, text + "# nur ein Kommentar\n")
    run(partial=True)
    write(service, re.sub(r"(?m)^end: .*$", "end: 2020-01-01", text) + "bogus_key: 1\n")
    found = run(partial=True)
    assert "GK101" in codes(found, rel)
    write(service, re.sub(r"(?m)^follow_up:\n(  - .*\n)+", "follow_up:\n  - gibt-es-nicht\n",
                          text))
    assert "GK301" in codes(run(partial=True), rel)
    # Services added to and deleted from the alliance the follow-up points into: the hint
    # offers the new one, then the follow-up resolves, then it is dangling again.
    other = next(p for p in sorted(service.parent.glob("*.yaml")) if p != service)
    close = service.with_name("gibt-es-nichts.yaml")
    write(close, other.read_text(encoding="utf-8"))
    found = run(partial=True)
    assert any(f.code == "GK301" and "gibt-es-nichts" in f.hint for f in found if f.file == rel)
    close.unlink()
    write(service.with_name("gibt-es-nicht.yaml"), other.read_text(encoding="utf-8"))
    assert "GK301" not in codes(run(partial=True), rel)
    service.with_name("gibt-es-nicht.yaml").unlink()
    assert "GK301" in codes(run(partial=True), rel)

    # A newer prozessmanagement sheet takes over the open checklist items (GK406) from the
    # alliance's current one; an older one does not.
    folder = sorted((tree / "worksheets").iterdir())[0]
    sheet = sorted(folder.glob("*-prozessmanagement.yaml"))[-1]  # the current one
    srel = sheet.relative_to(tree).as_posix()
    assert "GK406" not in codes(first, srel)
    write(sheet, re.sub(r"(?m)^  core-group:\n(    .*\n)*", "",
                        sheet.read_text(encoding="utf-8")))
    assert "GK406" in codes(run(partial=True), srel)
    for date, takes_over in (("2026-11-20", True), ("2001-01-01", False)):
        added = sheet.with_name(f"{date}-prozessmanagement.yaml")
        arel = added.relative_to(tree).as_posix()
        write(added, f"template: prozessmanagement\ndate: {date}\nitems:\n"
                     "  core-group:\n    status: done\n")
        found = run(partial=True)
        assert ("GK406" in codes(found, arel)) == takes_over
        assert ("GK406" in codes(found, srel)) == (not takes_over)
        added.unlink()
        assert "GK406" in codes(run(partial=True), srel)

    # An overdue to-do, then silenced on its line.
    protocol = next(iter(sorted((tree / "worksheets").glob("*/*-begleitprotokoll.yaml"))))
    lines = protocol.read_text(encoding="utf-8").splitlines(keepends=True)
    due = next(i for i, line in enumerate(lines) if line.strip().startswith("due:"))
    status = next(i for i in range(due, len(lines)) if lines[i].strip().startswith("status:"))
    lines[due] = re.sub(r"due: .*", "due: 2020-01-01", lines[due])
    lines[status] = re.sub(r"status: .*", "status: open", lines[status])
    write(protocol, "".join(lines))
    prel = protocol.relative_to(tree).as_posix()
    assert "GK405" in codes(run(partial=True), prel)
    lines[due] = lines[due].replace("2020-01-01", "2020-01-02")  # same place, other text
    write(protocol, "".join(lines))
    assert "GK405" in codes(run(partial=True), prel)
    lines[due] = lines[due].rstrip("\n") + "  # gk: ignore GK405\n"
    write(protocol, "".join(lines))
    before = codes(run(partial=True), prel).count("GK405")
    lines[due] = lines[due].replace("  # gk: ignore GK405", "")
    write(protocol, "".join(lines))
    assert codes(run(partial=True), prel).count("GK405") == before + 1

    # A service that others name as their follow-up is deleted.
    def targets(path: Path) -> list[Path]:
        return [path.parent / f"{m}.yaml" for m in re.findall(
            r"(?m)^  - ([a-z0-9-]+)$", path.read_text(encoding="utf-8"))]

    referring, gone = next((p, t) for p in services[1:] for t in targets(p)
                           if t.exists() and t != service)
    gone.unlink()
    assert "GK301" in codes(run(partial=True), referring.relative_to(tree).as_posix())

    # Changes other files depend on: everything is checked again.
    alliance = next(p for p in sorted((tree / "alliances").glob("*.yaml"))
                    if "type: kreisangehoerige-kommune" in p.read_text(encoding="utf-8"))
    original = alliance.read_text(encoding="utf-8")
    write(alliance, original.replace("type: kreisangehoerige-kommune", "type: kreisfreie-stadt"))
    assert "GK408" in codes(run(partial=False), alliance.relative_to(tree).as_posix())
    write(alliance, original)
    run(partial=False)
    write(protocol, "".join(lines) + "items: [\n")  # a syntax error: the file does not load
    assert codes(run(partial=False), prel) == ["GK001"]
    write(protocol, "".join(lines))
    run(partial=False)
    # Another day or other options: everything again.
    run(partial=False, today=TODAY + dt.timedelta(days=1))
    run(partial=False, today=TODAY + dt.timedelta(days=1), stale=30)
    write(service, text)
    run(partial=True, today=TODAY + dt.timedelta(days=1), stale=30)


def test_work_spread_over_processes_comes_back_in_order_even_when_a_worker_dies() -> None:
    import os
    import time

    from gk.speed.parallel import spread

    chunks = [[n * 10 + i for i in range(10)] for n in range(40)]
    expected = [x * x for chunk in chunks for x in chunk]

    def local(chunk):
        return [x * x for x in chunk]

    assert spread(chunks, 3, local, local, lambda _c, data: data) == expected
    here = os.getpid()
    done_here: list[int] = []

    def counted(chunk):
        if os.getpid() == here:
            done_here.append(chunk[0])
            time.sleep(0.02)  # this process is slow: the worker gets to take chunks
        return local(chunk)

    def dying(chunk):
        if chunk[0] < 300:
            os._exit(3)  # a worker that dies halfway, holding the chunk it claimed
        return counted(chunk)

    assert spread(chunks, 2, counted, dying, lambda _c, data: data) == expected
    assert 300 not in done_here  # the worker did the last chunks before it died ...
    assert 290 in done_here  # ... and the one it held when it died was done here



def test_cache_files_of_other_keys_are_removed_after_a_day(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import time

    from gk.speed.store import repository_base

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    cache = tmp_path / "cache"
    monkeypatch.setenv("GK_CACHE_DIR", str(cache))
    check_repository(repo, CheckOptions(today=TODAY))
    current = sorted(p.name for p in cache.iterdir())
    base = repository_base(repo)  # the part of the names that stands for the repository
    assert all(name.startswith(base) for name in current)
    old = time.time() - 2 * 86400
    stale = [cache / f"{base}-0123456789abcdef01234567-03.cache",  # an older gk's shard
             cache / ".gk-interrupted"]
    recent = cache / f"{base}-fedcba9876543210fedcba98-03.cache"  # e.g. the other language
    other_repository = cache / "0000000000aaaaaaaaaa-0123456789abcdef01234567-03.cache"
    for path in (*stale, recent, other_repository):
        path.write_bytes(b"x")
    for path in (*stale, other_repository):
        os.utime(path, (old, old))
    service = repo / "services" / "meerbusch" / "bewerbungswerkstatt.yaml"
    service.write_text(service.read_text(encoding="utf-8") + "# geändert\n", encoding="utf-8")
    check_repository(repo, CheckOptions(today=TODAY))
    left = {p.name for p in cache.iterdir()}
    assert not any(p.name in left for p in stale)
    assert recent.name in left and other_repository.name in left
    assert set(current) <= left


def _settle(root: Path) -> None:
    """Date every file back a minute, as files are that were not written just now (younger
    ones are verified by content, see gk.speed.store.RACY_MARGIN)."""
    import os
    import time

    then = time.time() - 60
    for path in root.rglob("*"):
        os.utime(path, (then, then), follow_symlinks=False)
    time.sleep(2.1)  # the change times were set just now; let them age past the margin


def test_the_first_run_takes_the_states_as_it_reads_and_the_next_answers_without_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty cache has no answer to compare states with, so the first run takes each
    file's state when it opens it; those states must be the ones the next run sees, so the
    next run answers from the remembered answer without opening a file. A file changed
    afterwards (same size, time put back) is still seen."""
    import gk.engine.pipeline

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    _settle(repo)
    monkeypatch.setenv("GK_CACHE_DIR", str(tmp_path / "cache"))
    options = CheckOptions(today=TODAY)
    took: list[bool] = []
    real_snapshot = gk.speed.cached.snapshot

    def recording(root, what, states=True):
        taken = real_snapshot(root, what, states)
        took.append(taken.stats is not None)
        return taken

    monkeypatch.setattr(gk.speed.cached, "snapshot", recording)
    first = check_repository(repo, options)
    assert took == [False]
    opened: list[str] = []
    real = gk.engine.pipeline.read_file_state

    def counting(root, source):
        opened.append(source.rel)
        return real(root, source)

    monkeypatch.setattr(gk.engine.pipeline, "read_file_state", counting)
    assert check_repository(repo, options).findings == first.findings
    assert took == [False, True] and opened == []
    service = repo / "services" / "meerbusch" / "lernpaten.yaml"
    before = service.stat()
    service.write_bytes(service.read_bytes().replace(b"status: active", b"status: activ_"))
    os.utime(service, ns=(before.st_atime_ns, before.st_mtime_ns))
    changed = check_repository(repo, options)
    assert opened == [service.relative_to(repo).as_posix()]
    assert changed.findings == engine_check(repo, options).findings != first.findings


def test_unchanged_content_is_not_processed_again(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A file touched, or replaced by the same bytes, is answered from its entry; a file
    whose bytes changed is processed again."""
    import gk.engine.pipeline

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    monkeypatch.setenv("GK_CACHE_DIR", str(tmp_path / "cache"))
    first = check_repository(repo, CheckOptions(today=TODAY))
    service = repo / "services" / "meerbusch" / "bewerbungswerkstatt.yaml"
    text = service.read_bytes()
    processed: list[str] = []
    real = gk.engine.pipeline.check_bytes

    def counting(source, raw, custom, keep=None):
        processed.append(source.rel)
        return real(source, raw, custom, keep)

    monkeypatch.setattr(gk.engine.pipeline, "check_bytes", counting)
    service.touch()
    assert check_repository(repo, CheckOptions(today=TODAY)).findings == first.findings
    service.write_bytes(text)
    assert check_repository(repo, CheckOptions(today=TODAY)).findings == first.findings
    assert processed == []
    service.write_bytes(text + b"# geaendert\n")
    assert check_repository(repo, CheckOptions(today=TODAY)).findings == first.findings
    assert processed == [service.relative_to(repo).as_posix()]


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="the run queue is read from /proc")
def test_cores_kept_busy_by_other_programs_are_left_to_them() -> None:
    # As many spinning programs as cores: by default gk then works in one process (a worker
    # on a busy core costs more than it saves), and decides so while it works.
    cores = os.cpu_count() or 1
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(cores)]
    try:
        time.sleep(0.5)
        queue = gk.speed.parallel.RunQueue()
        for _ in range(10):
            queue.sample()
            time.sleep(0.003)
        assert queue.others is not None and queue.others >= cores
        assert queue.free_cores() == 1
        # The decision is taken again for the next step of the same run, without sampling.
        assert gk.speed.parallel.workers_for(None, 10_000) == 1
        assert gk.speed.parallel.workers_for(3, 10_000) == 3
        assert gk.speed.parallel.workers_for(None, 10) == 1
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
        gk.speed.parallel._decided = None


def test_analyses_read_a_large_tree_in_several_processes_to_the_same_model(tmp_path) -> None:
    # gk summarize, gaps, todo, checklist and export read the files with worker processes on
    # large trees: the model is the same as the one the plain engine builds, broken files
    # included (the threshold is lowered so that a small tree takes that path).
    from gk.engine.pipeline import load

    tree = tmp_path / "tree"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(tree),
                    "--alliances", "8", "--seed", "3", "--defects", "12"],
                   check=True, capture_output=True)
    broken = next(iter(sorted((tree / "services").glob("*/*.yaml"))))
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    plain = load(tree)
    assert plain.unloaded == {broken.relative_to(tree).as_posix()}
    assert plain.services and plain.worksheets
    threshold = gk.speed.parallel.POOL_THRESHOLD
    gk.speed.parallel.POOL_THRESHOLD = 10
    try:
        shared = load(tree, gk.speed.cached.load_files(Speed(cache=False, jobs=2)))
        default = load(tree, gk.speed.cached.load_files())
    finally:
        gk.speed.parallel.POOL_THRESHOLD = threshold
    assert shared == plain
    assert default == plain


@pytest.mark.skipif(not Path("/proc/sys/fs/pipe-max-size").exists()
                    or int(Path("/proc/sys/fs/pipe-max-size").read_text())
                    < gk.speed.parallel._PIPE_BYTES, reason="Linux pipes of 1 MB")
def test_a_worker_can_send_many_results_before_they_are_taken() -> None:
    """This process takes results only between its own blocks; the pipe from a worker holds
    far more than one block's results, so the worker does not sit idle waiting for that."""
    import fcntl
    import multiprocessing

    ours, theirs = multiprocessing.get_context("fork").Pipe(duplex=False)
    try:
        assert fcntl.fcntl(ours.fileno(), fcntl.F_GETPIPE_SZ) < gk.speed.parallel._PIPE_BYTES
        gk.speed.parallel._widen(ours)
        assert fcntl.fcntl(ours.fileno(), fcntl.F_GETPIPE_SZ) == gk.speed.parallel._PIPE_BYTES
        # With nobody reading, almost a megabyte goes in without waiting (a full pipe
        # would raise BlockingIOError here).
        os.set_blocking(theirs.fileno(), False)
        theirs.send_bytes(b"x" * (gk.speed.parallel._PIPE_BYTES - 64))
    finally:
        ours.close()
        theirs.close()
