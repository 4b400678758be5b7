"""Property-based fuzzing: random documents and random corruptions of the example repository.

Whatever the bytes, ``gk.engine.load.load_bytes`` returns data or findings (never raises) with
positions inside the file, and ``gk check --format json`` exits 0 or 1 with valid JSON whose
findings name existing files and lines within them.

CI runs a bounded number of examples. A long run on demand::

    GK_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py

(``GK_FUZZ_SEED=<n>`` repeats a run; hypothesis prints the failing example.)
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, run_gk
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from gk.engine.load import load_bytes

LONG = int(os.environ.get("GK_FUZZ_EXAMPLES", "0"))
SEED = os.environ.get("GK_FUZZ_SEED")


def fuzz_settings(examples: int) -> settings:
    return settings(max_examples=LONG or examples, deadline=None, database=None,
                    derandomize=not (LONG or SEED), print_blob=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


def seeded(test: Any) -> Any:
    return seed(int(SEED))(test) if SEED else test


# Characters that mean something to YAML, plus the troublemakers from real files.
YAML_ALPHABET = [*"abcxyz ABC:-_[]{}#&*!|>'\",?%@`\\.0123456789\n\n\n  \t",
    "é", "ä", "ß", "€", "\r", "\r\n", "\ufeff", "\x00", "\x07", "\x1b", "\x85", "\u2028",
    "\ud7ff", "😀", "---", "...", "- ", ": ", "&a ", "*a", "!!str ", "!!python/object:x ",
    "<<: ", "? ", "'", '"', "\\x", "\\u00", "2019-02-30", "0o17", "0x1F", ".inf", "~",
]
yamlish = st.lists(st.sampled_from(YAML_ALPHABET), max_size=120).map("".join)


def lines_of(raw: bytes) -> int:
    """Lines as editors count them (NEL, U+2028, U+2029 end none)."""
    from gk.engine.load import split_lines

    return len(split_lines(raw.decode("utf-8", "replace").lstrip("\ufeff")))


def assert_loaded_sanely(raw: bytes) -> None:
    loaded = load_bytes(raw, "x.yaml")
    assert loaded.data is None or isinstance(loaded.data, dict)
    assert loaded.data is not None or loaded.findings
    for finding in loaded.findings:
        assert finding.file == "x.yaml"
        assert finding.code.startswith("GK0"), finding
        assert 1 <= finding.line <= lines_of(raw) + 1, (finding, raw)
        assert finding.column >= 1, finding
        assert finding.message and finding.hint


@fuzz_settings(100)
@seeded
@given(st.binary(max_size=600))
def test_random_bytes_never_break_the_loader(raw: bytes) -> None:
    assert_loaded_sanely(raw)


@fuzz_settings(100)
@seeded
@given(st.text(max_size=400))
def test_random_text_never_breaks_the_loader(text: str) -> None:
    assert_loaded_sanely(text.encode("utf-8", "surrogatepass"))


@fuzz_settings(150)
@seeded
@given(yamlish)
def test_yaml_like_text_never_breaks_the_loader(text: str) -> None:
    assert_loaded_sanely(text.encode("utf-8", "surrogatepass"))


# --- documents gk must read back exactly ------------------------------------------------------

keys = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
)
documents = st.dictionaries(
    keys, st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=12),
    min_size=1, max_size=6)


@fuzz_settings(100)
@seeded
@given(documents, st.sampled_from([None, True, False]))
def test_documents_read_back_as_written(document: dict[str, Any], flow: bool | None) -> None:
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")  # libyaml's emitter: what it writes, libyaml must read
    yaml.default_flow_style = flow
    out = io.StringIO()
    yaml.dump(document, out)
    loaded = load_bytes(out.getvalue().encode("utf-8"), "x.yaml")
    assert loaded.findings == []
    assert loaded.data == document


# --- corruptions of the example repository -----------------------------------------------------

# The example repository plus a template of its own and a worksheet that uses it.
EXTRA_FILES = {
    "templates/sprechstunde.yaml": """\
id: sprechstunde
version: 1
title: {de: Sprechstunde, en: Consultation hour}
answer: text
sections:
  - {id: ablauf, title: {de: Ablauf, en: Procedure}}
items:
  - {id: themen, section: ablauf, text: {de: "Welche Themen kamen vor?", en: "Topics?"}}
  - {id: termine, section: ablauf, text: {de: "Wie viele Termine?", en: "How many?"}}
""",
    "worksheets/koeln/sprechstunde-2025.yaml": """\
template: sprechstunde
date: 2025-06-02
author: Geschäftsführende Stelle
items:
  themen: {text: Wohnungssuche und Ausbildungsplätze}
  termine: {text: vier im Quartal, note: ohne Ferien}
todos:
  - {id: liste, title: Liste der Wohnprojekte teilen, owner: GfS, due: 2027-01-31, status: open}
""",
}
EXAMPLE_FILES = sorted([*(p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*.yaml")),
                        *EXTRA_FILES])


@pytest.fixture(scope="module")
def example_copy() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="gk-fuzz-"))
    root = folder / "nrw"
    shutil.copytree(EXAMPLE, root)
    for rel, text in EXTRA_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (folder / "outside.yaml").write_text("title: von draußen\n", encoding="utf-8")
    yield root
    shutil.rmtree(folder, ignore_errors=True)


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, tuple[Any, ...]]:
    rel = draw(st.sampled_from(EXAMPLE_FILES))
    kind = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate", "flip",
                                 "indent", "replace", "remove", "move", "folder", "link-out"]))
    args = (draw(st.integers(0, 10**6)), draw(st.integers(0, 10**6)), draw(yamlish),
            draw(st.integers(1, 255)))
    return rel, kind, args


def mutate(raw: bytes, kind: str, args: tuple[Any, ...]) -> bytes:
    a, b, text, byte = args
    lines = raw.splitlines(keepends=True) or [b""]
    i, j = a % len(lines), b % len(lines)
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "indent":
        lines[i] = b" " * (b % 5) + lines[i]
    elif kind == "replace":
        lines[i] = text.encode("utf-8", "surrogatepass") + b"\n"
    else:
        data = b"".join(lines)
        k = a % (len(data) + 1)
        if kind == "insert":
            return data[:k] + text.encode("utf-8", "surrogatepass") + data[k:]
        if kind == "truncate":
            return data[:k]
        if data:  # flip
            k = a % len(data)
            return data[:k] + bytes([data[k] ^ byte]) + data[k + 1:]
        return data
    return b"".join(lines)


_clock = [0]


def touch(path: Path) -> None:
    """A new, distinct modification time, so that no cache mistakes the file for the old one."""
    _clock[0] += 1
    stamp = 1_700_000_000_000_000_000 + _clock[0] * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


MOVE_TARGETS = ["gk-kopie.yaml", "services/kopie.yaml", "services/koeln/kopie.yaml",
                "worksheets/nirgendwo/kopie.yaml", "alliances/Kopie Datei.yaml",
                "templates/kopie.yaml", "services/koeln/kopie.yml"]


def clear(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def corrupt(root: Path, rel: str, kind: str, args: tuple[Any, ...],
            originals: dict[str, bytes], made: list[Path]) -> None:
    """Apply one corruption; remember what to restore and what to remove afterwards."""
    path = root / rel
    if rel not in originals:
        if not path.is_file() or path.is_symlink():
            return  # already replaced by an earlier corruption of this example
        originals[rel] = path.read_bytes()
    if not path.is_file() or path.is_symlink():
        return
    if rel == "gk.yaml" and kind in ("remove", "move", "folder"):
        kind = "truncate"  # without gk.yaml there is no repository: exit 2, rightly
    if kind == "remove":
        path.unlink()
    elif kind == "move":
        target = root / MOVE_TARGETS[args[0] % len(MOVE_TARGETS)]
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
            made.append(target)
    elif kind == "folder":
        path.unlink()
        path.mkdir()
        (path / "notiz.txt").write_text("x\n", encoding="utf-8")
    elif kind == "link-out":
        path.unlink()
        os.symlink(root.parent / "outside.yaml", path)
    else:
        path.write_bytes(mutate(path.read_bytes(), kind, args))
        touch(path)


@fuzz_settings(50)
@seeded
@given(st.lists(mutation(), min_size=1, max_size=3))
def test_corrupted_example_gives_findings_not_crashes(
        example_copy: Path, mutations: list[tuple[str, str, tuple[Any, ...]]]) -> None:
    root = example_copy
    originals: dict[str, bytes] = {}
    made: list[Path] = []
    try:
        for rel, kind, args in mutations:
            corrupt(root, rel, kind, args, originals, made)
        result = run_gk("-C", str(root), "check", "--format", "json")
        assert result.exit_code in (0, 1), result.output[-2000:]
        assert "Traceback" not in result.output
        report = json.loads(result.output)
        assert set(report) == {"findings", "errors", "warnings"}
        assert report["errors"] == sum(f["severity"] == "error" for f in report["findings"])
        assert (result.exit_code == 1) == (report["errors"] > 0)
        for finding in report["findings"]:
            path = root / finding["file"]
            assert path.exists(), finding
            assert finding["line"] >= 1 and finding["column"] >= 1, finding
            if path.is_file():
                assert finding["line"] <= lines_of(path.read_bytes()) + 1, finding
    finally:
        for path in made:
            clear(path)
        for rel, raw in originals.items():
            clear(root / rel)
            (root / rel).write_bytes(raw)
            touch(root / rel)


def test_example_copy_is_restored(example_copy: Path) -> None:
    """The corruptions are undone after each example (the next ones start from a clean copy)."""
    code = run_gk("-C", str(example_copy), "check", "--format", "json").exit_code
    assert code == 0
    for rel in EXAMPLE_FILES:
        original = EXTRA_FILES[rel].encode() if rel in EXTRA_FILES else (EXAMPLE / rel).read_bytes()
        assert (example_copy / rel).read_bytes() == original
