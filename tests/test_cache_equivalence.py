"""The cache never changes an answer.

Hypothesis draws sequences of edits to a copy of the example repository — content changes
that keep size and modification time (what ``cp -p``, ``tar x`` and ``touch -r`` leave),
renames, deletions, new files, an alliance retyped, a template changed, gk.yaml changed —
and after each edit ``gk check``, ``gk summarize`` and ``gk gaps`` through the cache must
give what the plain engine (or a run on an empty cache) gives. A throwaway cross-file rule
that reads keys no shipped rule reads is registered for the run and held to the same
equality.

The racy margin is set to zero here so that the cache trusts file states as soon as it can
(the path where a wrong key would show); ``test_breaking_the_key_is_caught`` shows that a
key without the change time fails this test.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import EXAMPLE, TODAY, run_gk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gk.rules
import gk.speed.store
from gk import findings as F
from gk.engine import pipeline
from gk.engine.pipeline import CheckOptions
from gk.rules.base import Problem
from gk.speed import cached

OPTIONS = CheckOptions(today=__import__("datetime").date.fromisoformat(TODAY))

TEMPLATE = """\
id: kurzcheck
version: 1
title: {de: "Kurzcheck", en: "Quick check"}
answer: status
sections:
  - {id: basis, title: {de: "Basis"}}
items:
  - {id: rollen, section: basis, text: {de: "Rollen geklärt"}}
  - {id: daten, section: basis, text: {de: "Daten geklärt"}}
"""
SHEET = """\
template: kurzcheck
date: 2025-03-01
items:
  rollen: {status: done}
  daten: {status: open}
"""


class FundingRule:
    """A throwaway cross-file rule: a service's ``funding`` names a legal area that no
    core-group member of its alliance covers. It reads ``funding``, ``core_group`` and
    ``legal_area``, which no shipped rule reads."""

    CODES = ("GK699",)
    READS: ClassVar[dict[str, tuple[str, ...]]] = {"service": ("funding",),
                                                   "alliance": ("core_group",)}
    AREAS = ("sgb2", "sgb3", "sgb8", "sgb12", "asylblg", "aufenthg")

    @staticmethod
    def check(repo: Any, context: Any) -> Iterator[Problem]:
        for service in repo.services.values():
            funding = service.data.get("funding")
            alliance = repo.alliances.get(service.alliance)
            if funding not in FundingRule.AREAS or alliance is None:
                continue
            members = alliance.data.get("core_group")
            covered = {m.get("legal_area") for m in members if isinstance(m, dict)} \
                if isinstance(members, list) else set()
            if funding not in covered:
                yield Problem("GK699", service.file, ("funding",),
                              f"No core-group member covers {funding}.")


@pytest.fixture(autouse=True)
def _throwaway_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = gk.rules.repository_rules
    monkeypatch.setattr(gk.rules, "repository_rules", lambda: (*shipped(), FundingRule))
    monkeypatch.setitem(F.CODES, "GK699", F.Code("GK699", F.WARNING, "Funding", "test"))
    monkeypatch.setattr(gk.speed.store, "RACY_MARGIN", 0)


@contextlib.contextmanager
def _cache_dir(path: Path) -> Iterator[None]:
    old = os.environ.get("GK_CACHE_DIR")
    os.environ["GK_CACHE_DIR"] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("GK_CACHE_DIR", None)
        else:
            os.environ["GK_CACHE_DIR"] = old


# --- edits --------------------------------------------------------------------------------------

def _files(root: Path, folder: str) -> list[Path]:
    return sorted((root / folder).rglob("*.yaml"))


def _keep_times(path: Path, change: Any) -> None:
    """Change a file's bytes, then restore its access and modification times."""
    before = path.stat()
    change()
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def same_size(root: Path, pick: int) -> None:
    """One byte pair swapped for another of the same length, times restored: 14 -> 41,
    active -> activ_ (what ``cp -p`` of an edited copy leaves)."""
    path = _files(root, "")[pick % len(_files(root, ""))]
    text = path.read_bytes()
    for old, new in ((b"active", b"activ_"), (b"activ_", b"active"), (b"sgb2", b"sgb3"),
                     (b"sgb3", b"sgb2"), (b"done", b"open"), (b"open", b"done"),
                     (b"2025", b"2052"), (b"14", b"41"), (b"duldung", b"dulding")):
        if old in text:
            _keep_times(path, lambda o=old, n=new: path.write_bytes(text.replace(o, n, 1)))
            return


def copy_over(root: Path, pick: int) -> None:
    """``cp -p`` one service over another of the same alliance."""
    services = _files(root, "services")
    source = services[pick % len(services)]
    siblings = [p for p in services if p.parent == source.parent and p != source]
    if siblings:
        shutil.copy2(source, siblings[pick % len(siblings)])


def touch_r(root: Path, pick: int) -> None:
    """Edit a worksheet, then give it another file's modification time (``touch -r``)."""
    sheets = _files(root, "worksheets")
    path = sheets[pick % len(sheets)]
    reference = sheets[(pick + 1) % len(sheets)].stat()
    path.write_text(path.read_text(encoding="utf-8").replace("status: done", "status: open", 1),
                    encoding="utf-8")
    os.utime(path, ns=(reference.st_atime_ns, reference.st_mtime_ns))


def rename(root: Path, pick: int) -> None:
    services = _files(root, "services")
    path = services[pick % len(services)]
    path.rename(path.with_name(f"umbenannt-{pick % 7}.yaml"))


def delete(root: Path, pick: int) -> None:
    files = _files(root, "services") + _files(root, "worksheets")
    files[pick % len(files)].unlink()


def add_service(root: Path, pick: int) -> None:
    folders = sorted(p for p in (root / "services").iterdir() if p.is_dir())
    folder = folders[pick % len(folders)]
    area = FundingRule.AREAS[pick % len(FundingRule.AREAS)]
    (folder / f"neu-{pick % 5}.yaml").write_text(
        f"title: Neues Angebot (erfunden)\nprovider: Träger\nfields: [housing]\n"
        f"open_to: [duldung]\nstatus: active\nfunding: {area}\n"
        f"follow_up: [gibt-es-{pick % 3}]\n", encoding="utf-8")


def retype_alliance(root: Path, pick: int) -> None:
    alliances = _files(root, "alliances")
    path = alliances[pick % len(alliances)]
    text = path.read_text(encoding="utf-8")
    for old, new in (("type: kreisangehoerige-kommune", "type: kreisfreie-stadt"),
                     ("type: kreisfreie-stadt", "type: kreis"),
                     ("type: kreis\n", "type: kreisangehoerige-kommune\n")):
        if old in text:
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
            return


def legal_area(root: Path, pick: int) -> None:
    alliances = _files(root, "alliances")
    path = alliances[pick % len(alliances)]
    text = path.read_text(encoding="utf-8")
    area = FundingRule.AREAS[pick % len(FundingRule.AREAS)]
    path.write_text(text.replace("legal_area: none", f"legal_area: {area}", 1), encoding="utf-8")


def change_template(root: Path, pick: int) -> None:
    path = root / "templates" / "kurzcheck.yaml"
    if pick % 2:
        path.write_text(TEMPLATE.replace("  - {id: daten", "  - {id: datum"), encoding="utf-8")
    else:
        path.write_text(TEMPLATE, encoding="utf-8")


def change_config(root: Path, pick: int) -> None:
    path = root / "gk.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"min_count: {3 + pick % 2}", f"min_count: {3 + (pick + 1) % 2}")
                    .replace("name: \"Beispiel", "name: \"Anderes Beispiel", pick % 2),
                    encoding="utf-8")


def add_comment(root: Path, pick: int) -> None:
    """A comment line above everything: nothing any rule reads changes, but every line
    below moves (the remembered findings of the repository rules must move with it)."""
    files = _files(root, "")
    path = files[pick % len(files)]
    path.write_bytes(b"# Notiz (erfunden)\n" + path.read_bytes())


def edit_text(root: Path, pick: int) -> None:
    """A title changed: a key no repository rule reads."""
    files = _files(root, "services") + _files(root, "alliances")
    path = files[pick % len(files)]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", f"title: Neu {pick % 3} ", 1), encoding="utf-8")


def ignore_mark(root: Path, pick: int) -> None:
    """'# gk: ignore' put on (or taken off) a line that may hold a finding."""
    files = _files(root, "")
    path = files[pick % len(files)]
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines):
        if line.strip().startswith(("due:", "status:", "verified:", "follow_up:")):
            lines[number] = line.split("  # gk: ignore")[0] if "# gk: ignore" in line \
                else line + "  # gk: ignore"
            path.write_text("\n".join(lines), encoding="utf-8")
            return


EDITS = [same_size, copy_over, touch_r, rename, delete, add_service, retype_alliance,
         legal_area, change_template, change_config, add_comment, edit_text, ignore_mark]


# --- the comparison -----------------------------------------------------------------------------

def _report(root: Path, *args: str) -> str:
    result = run_gk("-C", str(root), *args, "--format", "json")
    return result.output


def assert_same_answers(root: Path, cache: Path, scratch: Path) -> None:
    with _cache_dir(cache):
        fast = cached.check(root, OPTIONS)
        fast_summary = _report(root, "summarize", "--today", TODAY)
        fast_gaps = _report(root, "gaps")
    plain = pipeline.check(root, OPTIONS)
    assert fast.findings == plain.findings
    assert fast.lines == plain.lines
    with _cache_dir(Path(tempfile.mkdtemp(dir=scratch))):
        assert fast_summary == _report(root, "summarize", "--today", TODAY)
        assert fast_gaps == _report(root, "gaps")


def _repository(scratch: Path) -> Path:
    root = Path(tempfile.mkdtemp(dir=scratch)) / "repo"
    shutil.copytree(EXAMPLE, root)
    (root / "templates").mkdir()
    (root / "templates" / "kurzcheck.yaml").write_text(TEMPLATE, encoding="utf-8")
    (root / "worksheets" / "meerbusch" / "kurzcheck-2025.yaml").write_text(SHEET,
                                                                           encoding="utf-8")
    return root


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 1000)), min_size=3, max_size=8))
def test_cached_answers_equal_the_engine_after_any_edits(tmp_path: Path,
                                                         edits: list[tuple[Any, int]]) -> None:
    scratch = Path(tempfile.mkdtemp(dir=tmp_path))
    root = _repository(scratch)
    cache = scratch / "cache"
    assert_same_answers(root, cache, scratch)  # fills the cache
    for edit, pick in edits:
        edit(root, pick)
        assert_same_answers(root, cache, scratch)
    shutil.rmtree(scratch)


def test_every_kind_of_edit_in_one_sequence(tmp_path: Path) -> None:
    """Each edit at least once, in a fixed order (the property test draws them at random)."""
    root = _repository(tmp_path)
    cache = tmp_path / "cache"
    assert_same_answers(root, cache, tmp_path)
    for number, edit in enumerate(EDITS):
        edit(root, number)
        assert_same_answers(root, cache, tmp_path)


def test_the_throwaway_rule_fires(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    legal_area(root, 0)
    add_service(root, 0)  # funding sgb2 in the first alliance
    found = [f for f in pipeline.check(root, OPTIONS).findings if f.code == "GK699"]
    assert found
    with _cache_dir(tmp_path / "cache"):
        assert [f for f in cached.check(root, OPTIONS).findings if f.code == "GK699"] == found


def test_breaking_the_key_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a state of size and modification time only (the old key), the same comparison
    finds the stale answer: the test above would catch such a key."""
    monkeypatch.setattr(cached, "stat_key", lambda st: (st.st_size, st.st_mtime_ns, 0, 0))
    root = _repository(tmp_path)
    cache = tmp_path / "cache"
    assert_same_answers(root, cache, tmp_path)
    with pytest.raises(AssertionError):
        for number in range(20):
            same_size(root, number)
            assert_same_answers(root, cache, tmp_path)


def test_breaking_the_rules_signature_is_caught(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository rules' findings are remembered under a signature of what they read;
    a signature that leaves out the documents' data gives stale findings, and the same
    comparison catches it."""
    signature = cached._Run._rules_signature

    def names_only(self: Any, root: Path, results: Any, custom: Any, options: Any) -> Any:
        self.kept = {}
        return signature(self, root, [pipeline.FileResult(r.source, None, r.findings)
                                      for r in results], custom, options)

    monkeypatch.setattr(cached._Run, "_rules_signature", names_only)
    root = _repository(tmp_path)
    cache = tmp_path / "cache"
    for number in range(3):
        add_service(root, number)
    assert_same_answers(root, cache, tmp_path)
    with pytest.raises(AssertionError):
        for number in range(12):
            legal_area(root, number)
            assert_same_answers(root, cache, tmp_path)


def test_remembered_rule_findings_follow_moved_lines(tmp_path: Path) -> None:
    """A comment above a finding of a repository rule: the rules are not run again (their
    findings are remembered), and the finding is reported at its new line."""
    root = _repository(tmp_path)
    legal_area(root, 0)
    add_service(root, 0)
    with _cache_dir(tmp_path / "cache"):
        before = [f for f in cached.check(root, OPTIONS).findings if f.code == "GK699"]
        path = root / before[0].file
        path.write_bytes(b"# Notiz\n# noch eine\n" + path.read_bytes())
        calls: list[int] = []
        model_problems = pipeline.model_problems

        def counted(*args: Any) -> Any:
            calls.append(1)
            return model_problems(*args)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pipeline, "model_problems", counted)
            after = [f for f in cached.check(root, OPTIONS).findings if f.code == "GK699"]
    assert not calls
    moved = [dataclasses.replace(f, line=f.line + 2) if f.file == before[0].file else f for f in before]
    assert sorted(after, key=F.Finding.sort_key) == sorted(moved, key=F.Finding.sort_key)
    assert after == [f for f in pipeline.check(root, OPTIONS).findings if f.code == "GK699"]


def test_same_size_and_time_is_seen_in_reports(tmp_path: Path) -> None:
    """The case from the field: a count 48 replaced by 84, times restored."""
    root = _repository(tmp_path)
    alliance = root / "alliances" / "bielefeld.yaml"
    with _cache_dir(tmp_path / "cache"):
        first = json.loads(_report(root, "summarize", "--today", TODAY))
        text = alliance.read_bytes()
        assert b"{year: 2025, persons: 48}" in text
        _keep_times(alliance, lambda: alliance.write_bytes(text.replace(
            b"{year: 2025, persons: 48}", b"{year: 2025, persons: 84}")))
        second = json.loads(_report(root, "summarize", "--today", TODAY))
    reached = [s["participation_management"]["reached"]["2025"] for s in (first, second)]
    assert reached[0] != reached[1]
    with _cache_dir(tmp_path / "empty"):
        assert json.loads(_report(root, "summarize", "--today", TODAY)) == second
