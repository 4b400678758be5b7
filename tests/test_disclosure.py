"""The building blocks of the disclosure control (gk.analyses.disclosure), on hand-made figures.

The attacks on gk's real outputs are in test_disclosure_attacks.py; these tests pin down the
rules the documentation states (docs/datenschutz.md) one by one."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gk.analyses.disclosure import (
    Entry,
    effective_min_count,
    hold,
    overlap_clusters,
    protect_entries,
    protect_status_counts,
    revealing_overlaps,
    shown,
    shown_sum,
    small_count_derivable,
    withheld,
)

DG = frozenset({"duldung", "gestattung"})
D, G, A = frozenset({"duldung"}), frozenset({"gestattung"}), frozenset({"aufenthaltserlaubnis"})


def test_small_cells_zero_included_are_marked_and_left_out_of_sums() -> None:
    cells = [shown(v, 3) for v in (0, 2, 3, 35)]
    assert cells == ["<3", "<3", 3, 35]
    assert shown_sum(cells) == 38 and withheld(cells) == 2


def test_a_minimum_of_one_works_as_two() -> None:
    assert effective_min_count(1) == 2 and effective_min_count(3) == 3
    assert shown(0, effective_min_count(1)) == "<2"


def test_overlapping_entries_keep_one_chosen_by_statuses_alone() -> None:
    for d in range(6):  # whatever the counts, the same entries are withheld
        entries = [Entry(DG, 40), Entry(G, 40 - d), Entry(D, d)]
        assert protect_entries(entries, 3, DG) == [40, "x", "x"]
    assert protect_entries([Entry(G, 14), Entry(D, 9)], 3, DG) == [14, 9]  # disjoint
    # without the target group itself: the entry over the most statuses, then the first
    assert protect_entries([Entry(G, 5), Entry(G | A, 9)], 3, DG) == ["x", 9]
    assert protect_entries([Entry(G, 5), Entry(G, 6)], 3, DG) == [5, "x"]
    assert protect_entries([Entry(DG, None), Entry(D, 2)], 3, DG) == [None, "<3"]


def test_an_entry_without_statuses_counts_everyone() -> None:
    values = protect_status_counts([([], 50), (["duldung"], 2)], 3)
    assert values == [50, "x"]


def test_clusters_connect_through_shared_statuses() -> None:
    entries = [Entry(G, 1), Entry(A, 2), Entry(G | A, 3), Entry(D, 4)]
    assert overlap_clusters(entries) == [[0, 1, 2], [3]]


@pytest.mark.parametrize("entries,revealing", [
    ([Entry(DG, 40), Entry(G, 38)], True),                    # 40 - 38 = 2 with Duldung
    ([Entry(DG, 40), Entry(G, 38), Entry(D, 2)], True),
    ([Entry(DG, 40), Entry(G, 40)], True),                    # nobody with Duldung
    ([Entry(DG, 58), Entry(D, 2)], False),                    # <3 and 56..58: nothing pinned
    ([Entry(DG, 40), Entry(G, 25), Entry(D, 15)], False),
    ([Entry(DG, 4), Entry(D, 2), Entry(G, 2)], True),         # <3 + <3 = 4: both are 2
    ([Entry(DG, 5), Entry(D, 2), Entry(G, 2)], True),         # contradicting entries
    ([Entry(DG | A, 40), Entry(DG, 30), Entry(A, 10)], False),
    ([Entry(DG, 40), Entry(G | A, 30), Entry(A, 28)], True),  # Gestattung = 2
])
def test_the_audit_finds_what_overlaps_reveal(entries: list[Entry], revealing: bool) -> None:
    assert small_count_derivable(entries, 3) is revealing
    assert bool(revealing_overlaps(entries, 3)) is revealing


def test_hold_moves_only_by_the_minimum() -> None:
    assert hold([40], 3) == 40
    assert hold([40, 42], 3) == 40
    assert hold([40, 42, 43], 3) == 43
    assert hold([40, 43, 41], 3) == 40  # nearest earlier number
    assert hold([40, 43, 42], 3) == 43
    assert hold([40, 2], 3) == "<3"
    assert hold([40, 2, 41], 3) == 40
    assert hold([2, 4], 3) == 4
    assert hold([None, 40, None, 41], 3) == 40  # states that published no number


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30) | st.none(), min_size=1, max_size=12), st.integers(2, 5))
def test_two_states_never_show_a_small_change(values: list[int | None], minimum: int) -> None:
    """Property: the reports of any two states show one cell as the same number, numbers at
    least the minimum apart, or '<N' on one side."""
    shown_at = [hold(values[:i + 1], minimum) for i in range(len(values)) if values[i] is not None]
    for a, b in itertools.combinations(shown_at, 2):
        if isinstance(a, int) and isinstance(b, int):
            assert a == b or abs(a - b) >= minimum
    for value, out in zip([v for v in values if v is not None], shown_at, strict=True):
        assert (out == f"<{minimum}") == (value < minimum)
        if isinstance(out, int):
            assert abs(out - value) < minimum  # never further off than a small change
