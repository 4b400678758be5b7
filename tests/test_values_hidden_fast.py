"""GK110's quick test for hidden characters gives the same answer as its pattern, for every
text: Latin-1 texts (looked through as bytes) and any other."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gk.rules.values import _HIDDEN, _hides

HIDDEN = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))] + [
    "\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]


def test_every_hidden_character_is_found_in_latin1_and_wider_texts() -> None:
    for char in HIDDEN:
        for text in (char, "Zeile eins\n" + char + " für", "„Zitat“ " + char + "\n"):
            assert _hides(text), repr(text)
    for text in ("", "Einmal im Monat\nfür Teilnehmende\t(ß, é, ü)", "„Zitat“\n", "\xa0\xad\n",
                 "\u2028\u2029 \U0001f600", "\ud800 lone surrogate"):
        assert _hides(text) is (_HIDDEN.search(text) is not None), repr(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xFF)) | st.text())
def test_same_answer_as_the_pattern(text: str) -> None:
    assert _hides(text) is (_HIDDEN.search(text) is not None)
