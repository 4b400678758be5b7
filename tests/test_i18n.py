"""The German catalogue covers every message of the code, and only those.

Every ``_("...")`` literal anywhere in ``gk/`` (found with ``ast``) plus the texts that reach
``_()`` through a table (finding-code titles, the command list, the YAML syntax explanations)
must have a German translation with the same ``{placeholders}``; a ``.po`` entry whose msgid
appears nowhere in the code is stale; every ``.po`` file must parse.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import gk
from gk import i18n
from gk.cli import CLICK_MESSAGES, COMMANDS
from gk.engine.load import _SYNTAX_HELP
from gk.findings import CODES

PACKAGE = Path(gk.__file__).resolve().parent
LOCALE = PACKAGE / "data" / "locale"


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)


def _translation_calls(tree: ast.Module) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "_" and node.args:
            yield node


@cache
def literal_msgids() -> dict[str, tuple[str, ...]]:
    """msgid -> the places (file:line) where ``_()`` is called with it as a literal."""
    found: dict[str, list[str]] = {}
    for rel, tree in _sources():
        for call in _translation_calls(tree):
            arg = call.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, []).append(f"{rel}:{call.lineno}")
    return {k: tuple(v) for k, v in found.items()}


def table_msgids() -> dict[str, tuple[str, ...]]:
    """Texts that are translated through a variable: ``_(code.title)``, ``_(what)``."""
    found: dict[str, list[str]] = {}
    for code in CODES.values():
        found.setdefault(code.title, []).append(f"gk/findings.py CODES[{code.code}]")
    for message in CLICK_MESSAGES:
        found.setdefault(message, []).append("gk/cli/__init__.py CLICK_MESSAGES")
    for name, (_module, _attr, help_text) in COMMANDS.items():
        found.setdefault(help_text, []).append(f"gk/cli/__init__.py COMMANDS[{name}]")
    for needle, what, fix in _SYNTAX_HELP:
        for text in (what, fix):
            found.setdefault(text, []).append(f"gk/loader.py _SYNTAX_HELP[{needle!r}]")
    return {k: tuple(v) for k, v in found.items()}


def wanted_msgids() -> dict[str, tuple[str, ...]]:
    merged = dict(table_msgids())
    for msgid, places in literal_msgids().items():
        merged[msgid] = merged.get(msgid, ()) + places
    return merged


@cache
def string_constants() -> frozenset[str]:
    """Every string literal in the package: a msgid found here is used somewhere."""
    out: set[str] = set()
    for _rel, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value)
    return frozenset(out)


def po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/*.po"))


# --- a strict reading of the .po files, stricter than the runtime parser ------------------

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"\Z')


class PoError(ValueError):
    pass


def read_po(path: Path) -> list[tuple[int, str, str]]:
    """(line, msgid, msgstr) for every entry, header included; raises PoError when malformed."""
    text = path.read_text(encoding="utf-8")
    entries: list[tuple[int, str, str]] = []
    state = "start"
    msgid: list[str] = []
    msgstr: list[str] = []
    start = 0

    def flush() -> None:
        if state == "msgid":
            raise PoError(f"{path.name}:{start}: msgid without msgstr")
        if state == "msgstr":
            entries.append((start, "".join(msgid), "".join(msgstr)))

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _sep, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid_plural") or keyword.startswith("msgstr["):
            raise PoError(f"{path.name}:{number}: '{keyword}' is not supported by gk.i18n")
        if keyword == "msgid":
            flush()
            state, start, msgid, msgstr = "msgid", number, [], []
            target = msgid
        elif keyword == "msgstr":
            if state != "msgid":
                raise PoError(f"{path.name}:{number}: msgstr without msgid")
            state = "msgstr"
            target = msgstr
        elif line.startswith('"') and state in ("msgid", "msgstr"):
            rest = line
        else:
            raise PoError(f"{path.name}:{number}: cannot read {line[:40]!r}")
        if not _QUOTED.match(rest.strip()):
            raise PoError(f"{path.name}:{number}: not a properly quoted string")
        target.append(i18n._unquote(rest))
    flush()
    return entries


def placeholders(text: str) -> set[tuple[str, str, str]] | None:
    """The ``{name:spec!conv}`` fields of a format string; None when it is no format string."""
    try:
        return {(name, spec or "", conv or "") for _lit, name, spec, conv
                in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


# --- the tests ----------------------------------------------------------------------------


def test_po_files_exist_and_parse() -> None:
    files = po_files()
    assert LOCALE / "de" / "core.po" in files
    problems = []
    for path in files:
        try:
            entries = read_po(path)
        except (PoError, ValueError) as exc:
            problems.append(str(exc))
            continue
        headers = [e for e in entries if e[1] == ""]
        if not headers or "charset=UTF-8" not in headers[0][2]:
            problems.append(f"{path.name}: header with 'Content-Type: text/plain; "
                            "charset=UTF-8' missing")
        seen: dict[str, int] = {}
        for line, msgid, msgstr in entries:
            if msgid in seen:
                problems.append(f"{path.name}:{line}: msgid {msgid!r} repeated (first at "
                                f"line {seen[msgid]})")
            seen[msgid] = line
            if msgid and not msgstr:
                problems.append(f"{path.name}:{line}: empty msgstr for {msgid!r}")
    assert problems == []


def test_runtime_parser_reads_what_the_strict_reader_reads() -> None:
    for path in po_files():
        strict = {msgid: msgstr for _line, msgid, msgstr in read_po(path) if msgid}
        assert i18n.parse_po(path.read_text(encoding="utf-8")) == strict, path.name


def test_files_do_not_contradict_each_other() -> None:
    """The catalogue merges all files of a language; one msgid must not mean two things."""
    by_msgid: dict[str, dict[str, str]] = {}
    for path in po_files():
        lang = path.parent.name
        for _line, msgid, msgstr in read_po(path):
            if msgid:
                by_msgid.setdefault(f"{lang}|{msgid}", {})[path.name] = msgstr
    clashes = {key: files for key, files in by_msgid.items() if len(set(files.values())) > 1}
    assert clashes == {}


def test_every_message_has_a_german_translation() -> None:
    catalogue = i18n.catalogue("de")
    missing = [f"{msgid!r}  ({', '.join(places[:3])})"
               for msgid, places in sorted(wanted_msgids().items()) if msgid not in catalogue]
    assert missing == [], "no German translation for:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders() -> None:
    wrong = []
    for path in po_files():
        for line, msgid, msgstr in read_po(path):
            if not msgid:
                continue
            expected, got = placeholders(msgid), placeholders(msgstr)
            if expected is None:  # braces as text, not a format string: keep them as they are
                same = all(msgid.count(b) == msgstr.count(b) for b in "{}")
            else:
                # A translation may quote a value in its own quotes instead of click's repr
                # ('{name!r}' -> '„{name}“'); names and formats must stay the same.
                same = expected == got or {(n, s, "" if c == "r" else c)
                                           for n, s, c in expected} == got
            if not same:
                wrong.append(f"{path.name}:{line}: {msgid!r} -> {msgstr!r}")
    assert wrong == [], "placeholders differ:\n" + "\n".join(wrong)


def test_no_stale_entries() -> None:
    wanted = wanted_msgids()
    constants = string_constants()
    stale = [f"{path.name}:{line}: {msgid!r}"
             for path in po_files() for line, msgid, _msgstr in read_po(path)
             if msgid and msgid not in wanted and msgid not in constants]
    assert stale == [], "msgids used nowhere in gk/:\n" + "\n".join(stale)


def test_german_texts_use_typographic_quotes() -> None:
    """'…' in the English source becomes „…“ in German."""
    straight = re.compile(r"(?<![\w’])'[^'\n]+'(?![\w’])")
    offenders = [f"{path.name}:{line}: {msgstr!r}"
                 for path in po_files() if path.parent.name == "de"
                 for line, msgid, msgstr in read_po(path)
                 if msgid and straight.search(msgstr)]
    assert offenders == []


def test_translated_text_is_never_built_before_translation() -> None:
    """``_(f"...")`` or ``_("..." % x)`` can never match a catalogue entry."""
    bad = []
    for rel, tree in _sources():
        for call in _translation_calls(tree):
            if isinstance(call.args[0], (ast.JoinedStr, ast.BinOp)):
                bad.append(f"{rel}:{call.lineno}")
    assert bad == []


@pytest.mark.parametrize(("msgid", "german"), [
    ("Unknown key '{key}'.", "Unbekannter Schlüssel „{key}“."),
    ("Did you mean '{guess}'?", "Meinten Sie „{guess}“?"),
    ("YAML syntax error", "Fehler in der YAML-Schreibweise"),
], ids=["unknown-key", "did-you-mean", "code-title"])
def test_language_switch(msgid: str, german: str) -> None:
    i18n.set_language("de")
    try:
        assert i18n._(msgid) == german
        i18n.set_language("en")
        assert i18n._(msgid) == msgid
    finally:
        i18n.set_language("de")
