"""Message catalogue: English source strings, translated through gettext ``.po`` files.

The catalogues live in ``gk/locale/<lang>/*.po`` (one file per area of the tool) and are
read with a small parser so that no compile step is needed; the files stay usable by
ordinary translation tools.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from functools import cache

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

_language: ContextVar[str] = ContextVar("gk_language", default=DEFAULT_LANGUAGE)


def set_language(lang: str) -> None:
    _language.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def get_language() -> str:
    return _language.get()


def language_from_env() -> str | None:
    value = os.environ.get("GK_LANG", "").strip().lower()[:2]
    return value if value in LANGUAGES else None


def _unquote(text: str) -> str:
    body = text.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    if "\\" not in body:
        return body[1:-1]  # most strings: no escape, nothing to decode
    out = []
    chars = iter(body[1:-1])
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "\\")
            out.append(escapes.get(nxt, "\\" + nxt))
        else:
            out.append(ch)
    return "".join(out)


def parse_po(text: str) -> dict[str, str]:
    """Parse the subset of the .po format gk uses: msgid/msgstr pairs, comments, continuations."""
    entries: dict[str, str] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    target: list[str] | None = None

    def flush() -> None:
        if msgid or msgstr:
            key = "".join(msgid)
            value = "".join(msgstr)
            if key and value:
                entries[key] = value
        msgid.clear()
        msgstr.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            target = msgid
            target.append(_unquote(line[6:]))
        elif line.startswith("msgstr "):
            target = msgstr
            target.append(_unquote(line[7:]))
        elif line.startswith('"') and target is not None:
            target.append(_unquote(line))
    flush()
    return entries


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, merged from every ``.po`` file of that language."""
    merged: dict[str, str] = {}
    if lang == "en":
        return merged
    # The catalogues are plain files of the installed package (importlib.resources would
    # cost more start-up than reading them).
    from gk.data import LOCALE

    folder = os.path.join(LOCALE, lang)
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".po"))
    except OSError:
        return merged
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            merged.update(parse_po(handle.read()))
    return merged


def _(msgid: str) -> str:
    """Translate an English message into the current language."""
    lang = _language.get()
    if lang == "en":
        return msgid
    return catalogue(lang).get(msgid, msgid)


def label(texts: dict[str, str] | str | None, lang: str | None = None) -> str:
    """Pick the text of the current language from a ``{de: ..., en: ...}`` mapping."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    lang = lang or _language.get()
    return texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()), "")


def quote(text: object) -> str:
    """Quote a word as the current language does: „Wort“ in German, 'word' in English."""
    return f"„{text}“" if _language.get() == "de" else f"'{text}'"
