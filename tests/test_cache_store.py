"""Cache files are never trusted: corrupt, truncated, hostile or foreign ones are ignored
and rebuilt — never an internal error, a hang or a wrong figure."""

from __future__ import annotations

import marshal
import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import EXAMPLE, TODAY, run_gk

from gk.engine import pipeline
from gk.engine.pipeline import CheckOptions
from gk.speed import cached, store

OPTIONS = CheckOptions(today=__import__("datetime").date.fromisoformat(TODAY))


def _aged_copy(tmp_path: Path, name: str = "repo") -> Path:
    """A copy of the example repository (its file states are trusted at once: the racy
    margin is zero in these tests, so the paths that trust states are the ones tested)."""
    root = tmp_path / name
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture(autouse=True)
def _no_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "RACY_MARGIN", 0)


def _cache(_tmp_path: Path) -> Path:
    return Path(os.environ["GK_CACHE_DIR"])


def test_round_trip_and_every_damage_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "c.cache"
    store.write_cache_file(path, {"a": [1, 2, "x"]})
    assert store.read_cache_file(path) == {"a": [1, 2, "x"]}
    raw = path.read_bytes()
    for damaged in (raw[:-1], raw[:10], b"", raw[:-1] + bytes([raw[-1] ^ 1]),
                    raw[:20] + bytes([raw[20] ^ 0x40]) + raw[21:],
                    marshal.dumps({"a": 1}),  # valid marshal data without gk's header
                    b"\x00garbage" * 100):
        path.write_bytes(damaged)
        assert store.read_cache_file(path) is None


def test_fifo_device_folder_and_link_in_the_cache_folder_never_block(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.cache"
    os.mkfifo(fifo)
    assert store.read_cache_file(fifo) is None  # would block forever if opened for reading
    folder = tmp_path / "folder.cache"
    folder.mkdir()
    assert store.read_cache_file(folder) is None
    link = tmp_path / "link.cache"
    link.symlink_to("/dev/zero")
    assert store.read_cache_file(link) is None
    if os.geteuid() == 0:
        device = tmp_path / "zero.cache"
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 5))
        assert store.read_cache_file(device) is None


def _every_cache_file(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.name.endswith(".cache"))


@pytest.mark.parametrize("damage", ["fifo", "wrong-shape", "flipped", "truncated", "foreign"])
def test_damaged_cache_files_are_rebuilt_with_the_same_answer(tmp_path: Path, damage: str) -> None:
    root = _aged_copy(tmp_path)
    cache = _cache(tmp_path)
    first = run_gk("-C", str(root), "check", "--format", "json", "--today", TODAY).output
    summary = run_gk("-C", str(root), "summarize", "--format", "json", "--today", TODAY).output
    files = _every_cache_file(cache)
    assert any("report-" in p.name for p in files) and any("check-" in p.name for p in files)
    for path in files:
        raw = path.read_bytes()
        path.unlink()
        if damage == "fifo":
            os.mkfifo(path)
        elif damage == "wrong-shape":  # gk's own header and a right digest, wrong content
            store.write_cache_file(path, {"signature": 1, "answer": [[("x",)]], "0": (1, 2)})
        elif damage == "flipped":
            path.write_bytes(raw[:-3] + bytes([raw[-3] ^ 0x01]) + raw[-2:])
        elif damage == "truncated":
            path.write_bytes(raw[: len(raw) // 2])
        else:
            path.write_bytes(marshal.dumps({"format": 4, "body": {}}))
    again = run_gk("-C", str(root), "check", "--format", "json", "--today", TODAY)
    assert again.exit_code == 0 and again.output == first
    again_summary = run_gk("-C", str(root), "summarize", "--format", "json", "--today", TODAY)
    assert again_summary.output == summary


def test_a_remembered_answer_with_a_valid_digest_but_the_wrong_shape_is_ignored(
        tmp_path: Path) -> None:
    root = _aged_copy(tmp_path)
    first = cached.check(root, OPTIONS)
    remembered = [p for p in _every_cache_file(_cache(tmp_path)) if "check-" in p.name]
    assert len(remembered) == 1
    body = store.read_cache_file(remembered[0])
    for answer in (None, [], ([("a", "b")], 3, []), ([], "3", []), ([], 3, [(1,)])):
        store.write_cache_file(remembered[0], {**body, "answer": answer})
        assert cached.check(root, OPTIONS).findings == first.findings


def test_remembered_rule_findings_of_the_wrong_shape_are_ignored(tmp_path: Path) -> None:
    """The repository rules' remembered findings, with gk's header and a right digest and
    the right signature, but garbage inside: the rules run again, the answer is the same."""
    root = _aged_copy(tmp_path)
    service = root / "services" / "duisburg" / "sprachfoerderung-a1-b1.yaml"
    service.write_text(service.read_text(encoding="utf-8").replace("follow_up: [",
                                                                   "follow_up: [fehlt, "),
                       encoding="utf-8")
    plain = pipeline.check(root, OPTIONS)
    assert any(f.code == "GK301" for f in plain.findings)  # a repository rule's finding
    cached.check(root, OPTIONS)
    rules = [p for p in _every_cache_file(_cache(tmp_path)) if "-rules-" in p.name]
    assert len(rules) == 1
    body = store.read_cache_file(rules[0])
    good = body["answer"]
    assert good
    for answer in (None, [("GK301",)], [(*good[0][:6], ("x",))], [("GK999", *good[0][1:])],
                   [(good[0][0], 1, *good[0][2:])], [(*good[0][:2], ("a", 1.5), *good[0][3:])]):
        store.write_cache_file(rules[0], {**body, "answer": answer})
        for path in _every_cache_file(_cache(tmp_path)):
            if "-check-" in path.name:
                path.unlink()  # no whole answer: the rules' findings must be read
        assert cached.check(root, OPTIONS).findings == plain.findings


def test_two_repositories_with_the_same_paths_share_a_cache_folder(tmp_path: Path) -> None:
    one = _aged_copy(tmp_path, "one")
    two = _aged_copy(tmp_path, "two")
    service = two / "services" / "meerbusch" / "lernpaten.yaml"
    service.write_text(service.read_text(encoding="utf-8").replace("status: active",
                                                                   "status: aktiv"),
                       encoding="utf-8")
    for _round in range(2):
        assert cached.check(one, OPTIONS).findings == pipeline.check(one, OPTIONS).findings
        assert cached.check(two, OPTIONS).findings == pipeline.check(two, OPTIONS).findings
    assert cached.check(one, OPTIONS).errors == 0
    assert cached.check(two, OPTIONS).errors == 1


def test_a_repository_replaced_at_the_same_place_is_not_mixed_up(tmp_path: Path) -> None:
    """Deleted and created again from other content (git clone into the same folder): same
    paths, possibly same sizes and times, other inodes and change times."""
    root = _aged_copy(tmp_path)
    cached.check(root, OPTIONS)
    shutil.rmtree(root)
    shutil.copytree(EXAMPLE, root, copy_function=shutil.copy2)
    service = root / "services" / "meerbusch" / "lernpaten.yaml"
    before = service.stat()
    service.write_bytes(service.read_bytes().replace(b"status: active", b"status: activ_"))
    os.utime(service, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cached.check(root, OPTIONS).findings == pipeline.check(root, OPTIONS).findings
    assert cached.check(root, OPTIONS).errors == 1


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    root = _aged_copy(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("GK_CACHE_DIR", str(blocker / "cache"))
    assert cached.check(root, OPTIONS).findings == pipeline.check(root, OPTIONS).findings


def test_young_files_are_verified_by_content(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """With the real margin, a file changed within it in the same size and times is seen."""
    monkeypatch.setattr(store, "RACY_MARGIN", 2_000_000_000)
    root = _aged_copy(tmp_path)
    cached.check(root, OPTIONS)
    service = root / "services" / "meerbusch" / "lernpaten.yaml"
    before = service.stat()
    service.write_bytes(service.read_bytes().replace(b"status: active", b"status: activ_"))
    os.utime(service, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cached.check(root, OPTIONS).errors == 1


def test_entries_of_the_right_shape_with_broken_insides_are_not_used(tmp_path: Path) -> None:
    """Per-file entries whose state matches but whose findings or positions are garbage
    (written with gk's own header and a right digest): the files are checked again."""
    root = _aged_copy(tmp_path)
    plain = pipeline.check(root, OPTIONS)
    cached.check(root, OPTIONS)
    shards = [p for p in _every_cache_file(_cache(tmp_path)) if p.name[-9:-6].startswith("-")]
    assert shards
    for path in shards:
        body = store.read_cache_file(path)
        entries = {rel: marshal.loads(kept) for rel, kept in body.items()}
        broken = {rel: marshal.dumps((*entry[:5], [("only", 1)], {("x",): "nowhere", 3: 7},
                                      entry[7]))
                  for rel, entry in entries.items()}
        store.write_cache_file(path, broken)
    for path in _every_cache_file(_cache(tmp_path)):
        if "check-" in path.name:
            path.unlink()  # no whole answer: the per-file entries must be read
    again = cached.check(root, OPTIONS)
    assert again.findings == plain.findings and again.lines == plain.lines
