"""Disclosure control (docs/methods.md section 10) on hand-made tables of counts."""

import pytest

from wpc.measures.disclosure import SUPPRESSED, Policy, round_to_5


def test_a_single_3_is_shown_as_star():
    protected = Policy("suppress", 7).protect([3], complementary=False)
    assert protected.shown() == [SUPPRESSED]
    assert protected.suppressed.tolist() == [True]


def test_counts_from_1_to_the_threshold_are_hidden_and_zero_and_above_are_not():
    protected = Policy("suppress", 7).protect([0, 1, 7, 8, 120], complementary=False)
    assert protected.shown() == [0, SUPPRESSED, SUPPRESSED, 8, 120]


def test_a_3_beside_an_8_hides_the_8_too():
    # categories 3, 8 and 40 of one dimension: 3 is hidden, and 8 (the next smallest) with it,
    # or 3 could be worked out as total - 8 - 40
    protected = Policy("suppress", 7).protect([40, 3, 8])
    assert protected.shown() == [40, SUPPRESSED, SUPPRESSED]


def test_unknown_is_the_complementary_cell_when_it_is_the_next_smallest():
    # female 30, male 2, unknown 9: hiding male alone would leave 2 = total - 30 - 9
    female, male, unknown = Policy("suppress", 7).protect([30, 2, 9]).shown()
    assert (female, male, unknown) == (30, SUPPRESSED, SUPPRESSED)


def test_zero_is_not_taken_as_the_complementary_cell():
    # a shown 0 is known to be 0, so hiding it protects nothing: the next smallest above 0 is hidden
    assert Policy("suppress", 7).protect([0, 5, 12, 50]).shown() == [0, SUPPRESSED, SUPPRESSED, 50]


def test_two_small_cells_protect_each_other():
    assert Policy("suppress", 7).protect([4, 6, 90]).shown() == [SUPPRESSED, SUPPRESSED, 90]


def test_a_lone_small_cell_with_nothing_to_pair_stays_hidden():
    assert Policy("suppress", 7).protect([0, 3, 0]).shown() == [0, SUPPRESSED, 0]


def test_publication_rounds_every_other_count_to_the_nearest_5():
    protected = Policy("publish", 7).protect([0, 3, 8, 12, 13, 22, 1234])
    # 3 is hidden, 8 with it (next smallest); 12 -> 10, 13 -> 15, 22 -> 20, 1234 -> 1235
    assert protected.shown() == [0, SUPPRESSED, SUPPRESSED, 10, 15, 20, 1235]
    assert protected.values.tolist()[3:] == [10, 15, 20, 1235]


def test_round_to_5():
    assert round_to_5([0, 1, 2, 3, 7, 8, 10, 12, 13, 17, 18]).tolist() == [0, 0, 0, 5, 5, 10, 10, 10, 15, 15, 20]


def test_off_hides_nothing_and_says_so_in_words():
    policy = Policy("off", 7)
    assert policy.protect([3, 8, 40]).shown() == [3, 8, 40]
    assert "OFF" in policy.note and "local analysis only" in policy.note
    assert "rounded" in Policy("publish", 7).note
    assert "1 to 7" in Policy("suppress", 7).note


def test_the_threshold_comes_from_the_policy():
    assert Policy("suppress", 10).protect([9, 10, 11, 200]).shown() == [SUPPRESSED, SUPPRESSED, 11, 200]
    assert Policy("suppress", 0).protect([1, 2, 3]).shown() == [1, 2, 3]


def test_single_counts_and_totals():
    policy = Policy("publish", 7)
    assert policy.show_one(6) == SUPPRESSED
    assert policy.show_one(18) == 20
    assert policy.protect_one(18) == (20, False)
    assert policy.total(18) == 20
    assert Policy("suppress", 7).total(18) == 18


def test_unknown_modes_are_refused():
    with pytest.raises(ValueError):
        Policy("hide", 7)
    with pytest.raises(ValueError):
        Policy("suppress", -1)
