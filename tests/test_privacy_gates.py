"""The privacy rule's quick looks decide exactly what its full looks decide.

Most files hold no personal data, and the rule first decides from all texts of a file at once
which of its checks can find anything. Two quick ways replace slower ones there: runs of
digits are tried only at digits, and the words of a file are remembered (a word known to
start nothing needs no second look). The memory is shared by every file a process checks,
so these properties run long sequences of texts through one memory and compare every answer
with the full look that remembers nothing.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gk.rules import privacy

# Words of the domain and words that start a closer look, with punctuation attached, as
# they stand in texts: names, people addressed, health, birth, file numbers, homes, rooms.
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
@given(st.lists(texts, min_size=1, max_size=12))
def test_remembered_words_decide_what_the_full_look_decides(blobs: list[str]) -> None:
    # The memory grows over the examples of this test (and over every file checked before):
    # a word learnt in one text must never hide what it starts in another.
    for blob in blobs:
        assert privacy._gates(blob) == _full(blob), blob


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
