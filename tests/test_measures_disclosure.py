"""Disclosure control (docs/disclosure.md) on hand-made counts: the policy, the perturbation
table, the exact solver and complementary suppression."""

import numpy as np
import pytest
from scipy import sparse

from wpc.measures import cellkey
from wpc.measures.audit import Family, Knowledge, complete, ranges
from wpc.measures.disclosure import SUPPRESSED, Policy, round_to_5, significant


def test_a_single_3_is_shown_as_star_and_zero_as_zero():
    policy = Policy("suppress", 7)
    assert policy.show_one(3, key=10) == SUPPRESSED
    assert policy.show_one(0, key=10) == 0
    assert policy.show_one(7, key=99) == SUPPRESSED


def test_other_counts_change_by_at_most_5_and_never_into_1_to_7():
    policy = Policy("suppress", 7)
    for n in range(8, 60):
        for key in range(256):
            shown = policy.show_one(n, key)
            assert abs(shown - n) <= cellkey.MAX_CHANGE and shown >= 8


def test_the_same_people_give_the_same_number():
    # a count is changed by its cell key: the same count and key always give the same answer
    keys = np.random.default_rng(1).integers(0, 256, 40)
    first = cellkey.perturb(np.full(40, 120), keys, 7)
    assert (cellkey.perturb(np.full(40, 120), keys, 7) == first).all()
    assert len(set(first.tolist())) > 3  # different keys, different small changes


def test_the_perturbation_table_is_unbiased_and_has_the_documented_variance():
    for n in (9, 10, 11, 12, 13, 40, 1000):
        changes = cellkey.distribution(n, 7)
        mean = sum(d * p for d, p in changes.items())
        variance = sum(d * d * p for d, p in changes.items())
        assert abs(mean) < 0.01, n
        assert variance <= cellkey.VARIANCE + 0.05
        assert min(changes) >= 8 - n and max(changes) <= cellkey.MAX_CHANGE
    assert cellkey.distribution(8, 7) == {0: 1.0}  # it may not go down, and the mean is 0
    # most counts are changed: a difference of two counts is right by chance rarely
    far = cellkey.distribution(100, 7)
    assert far[0] < 0.2 and sum(p * p for p in far.values()) < 0.13


def test_what_a_shown_count_can_stand_for():
    assert cellkey.possible_true(8, 7) == (8, 13)
    assert cellkey.possible_true(100, 7) == (95, 105)


def test_publication_rounds_the_perturbed_counts_to_5():
    shown = Policy("publish", 7).one(123, key=77).shown()[0]
    assert shown % 5 == 0 and abs(shown - 123) <= 7
    assert Policy("publish", 7).show_one(4, key=1) == SUPPRESSED


def test_round_to_5():
    assert round_to_5([0, 1, 2, 3, 7, 8, 10, 12, 13, 17, 18]).tolist() == [0, 0, 0, 5, 5, 10, 10, 10, 15, 15, 20]


def test_off_hides_and_changes_nothing_and_says_so_in_words():
    policy = Policy("off", 7)
    assert policy.show_one(3, key=5) == 3 and policy.show_one(123, key=5) == 123
    assert policy.cells(None, ["a", "b"], [3, 8]).shown() == [3, 8]
    assert policy.share(0.123456) == 0.123456 and policy.index(1.23456) == 1.23456
    assert "OFF" in policy.note and "local analysis only" in policy.note


def test_every_protected_output_says_small_changes_are_made():
    for mode in ("suppress", "publish"):
        policy = Policy(mode, 7)
        assert "Small changes are made to protect privacy" in policy.note
        assert "1 to 7" in policy.note and "small changes" in policy.short_note
    assert "rounded to the nearest 5" in Policy("publish", 7).note


def test_statistics_are_shown_to_the_precision_a_reader_needs():
    policy = Policy("suppress", 7)
    assert policy.share(0.123456) == 0.123
    assert policy.rate(12.345) == 12.3
    assert policy.index(-7.681848) == -7.7 and policy.index(-0.40896) == -0.41
    assert policy.money(12.6) == 13
    assert significant(0.0012345) == 0.0012


def test_unknown_modes_are_refused():
    with pytest.raises(ValueError):
        Policy("hide", 7)
    with pytest.raises(ValueError):
        Policy("suppress", -1)


# ---------- the solver and complementary suppression on a hand-made hierarchy


def hierarchy(values: list[int]) -> Family:
    """Areas a, b, c (one atom each) in a region r shown beside them: r = a + b + c."""
    n = len(values)
    rows = list(range(n)) + [n] * n
    cols = list(range(n)) * 2
    membership = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n))
    return Family(name="toy", cells=[*"abcdefgh"[:n], "r"], membership=membership,
                  atom_values=np.array(values), atom_keys=np.zeros(n, dtype=int),
                  links=sparse.csr_matrix((0, n)), shown=np.ones(n + 1, dtype=bool),
                  equations=[(n, tuple(range(n)))])


def test_one_hidden_area_beside_its_region_is_worked_out_exactly():
    family = hierarchy([40, 3, 20])
    found = ranges(family, np.array([False, True, False, False]), whole=True)
    assert (found[1].low, found[1].high) == (3, 3)  # r - a - c


def test_two_hidden_areas_that_add_up_to_less_than_the_threshold_narrow_each_other():
    # 3 and 2 hidden: each is between 0 and 5, fewer than 7 values
    found = ranges(hierarchy([40, 3, 2]), np.array([False, True, True, False]), whole=True)
    assert found[1].width == 5 and found[2].width == 5


def test_complementary_suppression_hides_until_nothing_can_be_worked_out():
    family = hierarchy([40, 3, 20, 9])
    hidden = complete(family, 7)
    assert hidden[1] and hidden.sum() >= 2
    assert hidden[3] and not hidden[0]  # the next smallest, 9: 3 + 9 >= 7
    found = ranges(family, hidden, whole=True)
    assert all(r.width >= 7 for r in found.values())


def test_a_reader_who_sees_perturbed_counts_knows_less():
    family = hierarchy([40, 3, 20])
    hidden = np.array([False, True, False, False])
    low = family.values.astype(float) - 5
    high = family.values.astype(float) + 5
    found = ranges(family, hidden, Knowledge(low, high), whole=True)
    assert found[1].low == 0 and found[1].high == 18  # 63+5 - (40-5) - (20-5)
