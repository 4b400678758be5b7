"""The privacy rule's quick looks decide exactly what its full looks decide.

Most files hold no personal data, and the rule first decides from all texts of a file at once
which of its checks can find anything. Two quick ways replace slower ones there: runs of
digits are tried only at digits, and the words of a file are remembered (a word known to
start nothing needs no second look). The memory is shared by every file a process checks,
so these properties run long sequences of texts through one memory and compare every answer
with the full look that remembers nothing.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from gk.rules import privacy

# Words of the domain and words that start a closer look, with punctuation attached, as
# they stand in texts: names, people addressed, health, birth, file numbers, homes, rooms.
# All invented (the names as in tests/privacy_corpus.yaml; the IBAN is the well-known
# example number of the German banks).
WORDS = [
    "Die", "Teilnehmenden", "und", "Bündnis", "Beratung", "im", "Jobcenter", "Team", "U25",
    "Ahmad", "Rahimi", "Mehmet", "Ali", "Yilmaz", "Weber,", "Anna", "Schmidt.", "Martin",
    "Luther", "Schule", "Frau", "Herr", "Herrn", "Dr.", "Hr.", "Fr.", "Mrs.", "Ms",
    "Klientin", "Teilnehmer", "Teilnehmerinnen", "Bewohner", "Geflüchtete", "Jugendliche",
    "junge", "Frauen", "Bürgermeisterin", "geb.", "geboren", "Geburtsdatum:", "date", "of",
    "birth", "born", "DOB", "*", "Jahrgang", "Jg.", "Az.", "Aktenzeichen", "file", "case",
    "number", "BAMF-Nr.", "Kundennummer", "wohnt", "lebt", "Wohnadresse:", "Lindenstraße",
    "Am", "Mühlenweg", "Zimmer", "Raum", "Unterkunft", "ZUE", "hat", "Diabetes", "HIV",
    "PTBS-Diagnose", "erkrankt", "leidet", "an", "ist", "schwanger", "Depression", "(Handy",
    "privat:", "0176", "1234567", "12/34", "-", "A2", "B1", "2019", "01.02.2003",
    "+90", "532", "DE89", "3704", "0044", "0532", "0130", "00", "anna.schmidt@web.de",
    "info@stadt.de", "Angebot", "Anrede", "Simon-Stiftung", "St.", "(Teilnehmer)",
]
SPACES = [" ", " ", " ", "\n", "\t", "  ", "\u00a0", "\r\n"]

texts = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SPACES)),
                 min_size=1, max_size=40).map(lambda pairs: "".join(w + s for w, s in pairs))


def _full(blob: str) -> tuple[object, ...]:
    """The look that remembers nothing."""
    return privacy._gates(blob, quick=False)


@settings(max_examples=600, deadline=None)
@given(st.booleans(), st.lists(texts, min_size=1, max_size=12))
def test_remembered_words_decide_what_the_full_look_decides(forget: bool,
                                                            blobs: list[str]) -> None:
    # The memory grows over the examples of this test (and over every file checked before):
    # a word learnt in one text must never hide what it starts in another. Now and then it
    # starts empty, so that texts of many new words are learnt in halves.
    if forget:
        privacy._INERT_WORDS.clear()
        privacy._WORD_KINDS.clear()
    for blob in blobs:
        assert privacy._gates(blob) == _full(blob), blob
        for word in set(blob.split()):  # what is remembered of a word is true of it
            if word in privacy._INERT_WORDS:
                assert privacy._word_kinds(word) == 0, word
            elif word in privacy._WORD_KINDS:
                assert privacy._WORD_KINDS[word] == privacy._word_kinds(word), word


def test_a_word_learnt_as_harmless_still_counts_in_a_harmful_pair() -> None:
    # "Frau" before a small letter starts nothing; before a capital it addresses a person.
    # "date", "of" and "birth" are harmless alone and together with a date.
    privacy._gates("Angebot für junge Frau und Mann, date of the meeting, birth of an idea")
    assert _full("Angebot: Frau Yilmaz")[2] is True
    assert privacy._gates("Angebot: Frau Yilmaz") == _full("Angebot: Frau Yilmaz")
    blob = "Angebot, date of birth 01.02.2003"
    assert privacy._gates(blob) == _full(blob)
    assert privacy._gates(blob)[0] is True  # the scan for numbers and dates runs


@given(st.text(alphabet="0123456789 /()-abc\n", max_size=200))
def test_runs_of_digits_are_found_as_the_pattern_finds_them(text: str) -> None:
    assert privacy._digit_run(text) == (privacy._DIGITS.search(text) is not None)


def test_runs_of_digits_in_a_text_full_of_digits() -> None:
    # More digits than are tried one by one: the whole text is searched instead.
    assert privacy._digit_run("Raum 1a, " * 100 + "Tel. 12 / 3456") is True
    assert privacy._digit_run("Raum 1a, " * 100) is False


def test_where_words_seldom_repeat_the_full_look_is_taken_and_answers_stay_the_same() -> None:
    # Texts of made-up words (codes, another language): remembering words does not pay, so
    # for a while every file gets the full look at once; the answers do not change.
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyzäöü"

    def word() -> str:
        made = "".join(rng.choice(letters) for _ in range(rng.randint(3, 10)))
        return made.capitalize() if rng.random() < 0.3 else made

    learning = privacy._LEARNING
    saved = (learning.words, learning.new, learning.rest)
    rested = False
    try:
        for _ in range(120):
            blob = " ".join(word() for _ in range(300)) + " Frau Yilmaz"
            rested = rested or learning.rest > 0
            quick = privacy._gates(blob)  # once: each file is looked at once
            assert quick == _full(blob)
            assert quick[2] is True  # the name is always found
    finally:
        learning.words, learning.new, learning.rest = saved
    assert rested


def test_no_key_word_of_the_quick_tests_holds_white_space() -> None:
    # Remembered words stand for the key words found in them: a key word with a space in it
    # ("date of birth") would be found in no single word, and texts holding it would be
    # passed as harmless once their words are known.
    gates = [value for name, value in vars(privacy).items()
             if isinstance(value, privacy._Gate) and name.endswith("_WORDS")]
    assert len(gates) >= 5
    for gate in gates:
        for word in (*gate.plain, *(bounded[0] for bounded in gate.bounded)):
            assert word == "".join(word.split()), word
    assert all(" " not in word for word in privacy._HEALTH_ABBREVIATIONS)
