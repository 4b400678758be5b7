"""Repository rules read only what they declare in ``READS``: the engine keeps nothing else of
the documents for them, so an undeclared key would be silently absent. Each rule runs here
over whole documents that record every key read, on the example repository and on a
generated one full of defects."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import EXAMPLE

from gk import rules
from gk.engine import pipeline
from gk.rules.base import Context

ROOT = Path(__file__).resolve().parent.parent


class Recording(dict):  # type: ignore[type-arg]
    """A document that notes each top-level key read."""

    def __init__(self, data: dict[str, Any], kind: str, seen: set[tuple[str, str]]) -> None:
        super().__init__(data)
        self.kind, self.seen = kind, seen

    def _note(self, key: object) -> None:
        self.seen.add((self.kind, str(key)))

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)

    def _all(self) -> None:
        self._note("*every key*")

    def keys(self) -> Any:
        self._all()
        return super().keys()

    def items(self) -> Any:
        self._all()
        return super().items()

    def values(self) -> Any:
        self._all()
        return super().values()

    def __iter__(self) -> Any:
        self._all()
        return super().__iter__()


@pytest.fixture(scope="module")
def defects(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("defects") / "tree"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(tree),
                    "--alliances", "12", "--seed", "7", "--defects", "25"],
                   check=True, capture_output=True)
    return tree


@pytest.mark.parametrize("which", ["example", "defects"])
def test_rules_read_only_what_they_declare(which: str, defects: Path) -> None:
    root = EXAMPLE if which == "example" else defects
    from gk.engine.discover import discover

    sources, _layout = discover(root)
    custom, templates = pipeline.custom_templates(root, sources)
    results = pipeline.check_files(root, [s for s in sources if s.kind != "template"], custom,
                                   None)
    found_any = 0
    for rule in rules.repository_rules():
        seen: set[tuple[str, str]] = set()
        recorded = [pipeline.FileResult(r.source, Recording(r.data, r.source.kind, seen)
                                        if isinstance(r.data, dict) and r.source.kind != "config"
                                        else r.data, r.findings) for r in results]
        repository = pipeline.build_repository(root, [*recorded, *templates], custom)
        found_any += len(list(rule.check(repository, Context(dt.date(2026, 11, 21), 30))))
        declared = {(kind, key) for kind, keys in rule.READS.items() for key in keys}
        assert seen <= declared, f"{rule.__name__} reads {sorted(seen - declared)} undeclared"
    assert found_any > 0  # the rules did look at something


def test_a_key_not_declared_is_absent_with_and_without_the_cache(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    """What is not declared is not there — in the engine and through the cache alike."""
    from gk.speed import cached

    class Greedy:
        CODES = ("GK401",)
        READS: ClassVar[dict[str, tuple[str, ...]]] = {"service": ("status",)}

        @staticmethod
        def check(repo: Any, context: Any) -> Any:
            for service in repo.services.values():
                assert "title" not in service.data  # undeclared: never given
                assert "status" in service.data or not service.data
            return iter(())

    shipped = rules.repository_rules
    monkeypatch.setattr(rules, "repository_rules", lambda: (*shipped(), Greedy))
    options = pipeline.CheckOptions(today=dt.date(2026, 11, 21))
    assert pipeline.check(EXAMPLE, options).findings == cached.check(EXAMPLE, options).findings
