"""The disclosure audit's shortcuts (wpc/measures/audit.py) give exactly the answers of the full
solve: solutions kept from earlier solves, cells already known protected, and the complementary
cells' programme laid out once per family. Checked on hand-made and seeded random families."""

import numpy as np
import pytest
import scipy.optimize
from scipy import sparse

from tests import audit_reference
from wpc.measures import audit
from wpc.measures.audit import Family, complete, ranges

THRESHOLD = 7


def _family(values, cells: dict[str, list[int]], links=(), at_most=(), shown=None) -> Family:
    """Cells as lists of atoms; links as {atom: coefficient} rows (true sum 0, or <= 0)."""
    n = len(values)
    rows = [r for r, atoms in enumerate(cells.values()) for _ in atoms]
    cols = [a for atoms in cells.values() for a in atoms]
    membership = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(cells), n))
    link_rows = list(links) + list(at_most)
    link_matrix = sparse.csr_matrix(
        ([v for row in link_rows for v in row.values()],
         ([r for r, row in enumerate(link_rows) for _ in row], [a for row in link_rows for a in row])),
        shape=(len(link_rows), n))
    return Family(name="toy", cells=list(cells), membership=membership, atom_values=np.array(values),
                  atom_keys=np.zeros(n, dtype=int), links=link_matrix,
                  shown=np.ones(len(cells), dtype=bool) if shown is None else np.array(shown),
                  link_at_most=np.array([False] * len(links) + [True] * len(at_most)))


def _random_family(seed: int) -> Family:
    """Twelve atoms (some 0), each shown alone, random sums of them shown and not, a total, an
    equal link (atom 0 = atoms 1 + 2) and an at-most one (atom 3 <= atom 4)."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 14, 12) * (rng.random(12) > 0.15)
    values[0] = values[1] + values[2]
    values[3] = min(values[3], values[4])
    cells = {f"atom{a}": [a] for a in range(12)}
    for i in range(9):
        cells[f"sum{i}"] = sorted(rng.choice(12, int(rng.integers(2, 6)), replace=False).tolist())
    cells["total"] = list(range(12))
    shown = [True] * 12 + (rng.random(9) > 0.2).tolist() + [True]
    return _family(values, cells, links=[{0: 1.0, 1: -1.0, 2: -1.0}], at_most=[{3: 1.0, 4: -1.0}], shown=shown)


SEEDS = range(12)


@pytest.fixture
def solves(monkeypatch):
    """How many times the audit's solver is run."""
    count = [0]
    run = audit._Solver._run

    def counted(self, h, objective):
        count[0] += 1
        return run(self, h, objective)

    monkeypatch.setattr(audit._Solver, "_run", counted)
    return count


def test_a_cell_that_earlier_solutions_already_move_far_enough_is_not_solved(solves):
    # four hidden areas of 10 (two atoms each) in a shown total of 40: the solve that makes the
    # first 40 puts the others at 0, 10 below their true values, so they pass unsolved
    family = _family([5] * 8, {"a": [0, 1], "b": [2, 3], "c": [4, 5], "d": [6, 7], "total": list(range(8))})
    hidden = np.array([True, True, True, True, False])
    found = ranges(family, hidden, enough=THRESHOLD, whole=False)
    assert solves[0] == 1
    assert sorted(found) == [0, 1, 2, 3] and all(r.width >= THRESHOLD for r in found.values())
    exact = ranges(family, hidden, whole=False)
    assert all(r.width == 40 for r in exact.values())


@pytest.mark.parametrize("whole", [False, True])
def test_kept_solutions_change_no_cell_passing_or_failing(whole):
    # pass / fail with the shortcuts equals pass / fail from the exact ranges, failing or not
    failing = 0
    # areas of 3 and 2 (and 4, 2, 1) in a total: solutions kept for one give the other a range
    # of 5, not enough; then the seeded random families
    by_hand = [_family([40, 3, 2], {"a": [0], "b": [1], "c": [2], "total": [0, 1, 2]}),
               _family([30, 4, 2, 1], {"a": [0], "b": [1], "c": [2], "d": [3], "total": [0, 1, 2, 3]})]
    for seed, family in [*enumerate(by_hand), *((s, _random_family(s)) for s in SEEDS)]:
        hidden = family.shown & (family.values >= 1) & (family.values <= THRESHOLD)
        if not hidden.any():
            continue
        quick = ranges(family, hidden, enough=THRESHOLD, whole=whole)
        exact = ranges(family, hidden, whole=whole)
        assert list(quick) == list(exact)  # the same cells, in the same order
        assert {c: r.width >= THRESHOLD for c, r in quick.items()} == \
            {c: r.width >= THRESHOLD for c, r in exact.items()}, seed
        failing += sum(r.width < THRESHOLD for r in exact.values())
    assert failing > 5  # the families are small enough that many hidden counts fail


def test_only_solutions_of_the_model_asked_for_are_kept():
    # max x with 2x <= 3: the relaxation's answer 1.5 is not a whole-number solution
    a = sparse.csc_matrix(np.array([[2.0]]))
    relaxed = audit._Solver(a, np.array([-np.inf]), np.array([3.0]), whole=False)
    assert relaxed.optimum(np.array([-1.0])) == -1.5
    assert relaxed.kept.values(np.array([0])).tolist() == [1.5]
    whole = audit._Solver(a, np.array([-np.inf]), np.array([3.0]), whole=True)
    assert whole.optimum(np.array([-1.0])) == -1.0
    assert whole.kept.values(np.array([0])).tolist() == [1.0]


def test_cells_assumed_protected_are_not_solved_and_leave_the_others_in_order():
    # components {a, b} and {c}; wanted in the order a, c, b: without a, b's component still
    # comes first, as it did when a was solved
    family = _family([1, 2, 3, 4, 9, 1], {"a": [0, 1], "c": [4, 5], "b": [2, 3], "ab": [0, 1, 2, 3],
                                          "cc": [4, 5]}, shown=[True, True, True, True, True])
    hidden = np.array([True, True, True, False, False])
    everything = ranges(family, hidden, enough=THRESHOLD, whole=False)
    assumed = np.array([True, False, False, False, False])
    without_a = ranges(family, hidden, enough=THRESHOLD, whole=False, assumed=assumed)
    assert list(everything) == [0, 2, 1]
    assert list(without_a) == [2, 1]
    assert {c: r.width for c, r in without_a.items()} == {2: everything[2].width, 1: everything[1].width}


def test_protecting_again_with_more_hidden_gives_the_same_cells_with_fewer_solves(solves):
    count = solves
    solves_with, solves_without, compared = 0, 0, 0
    for seed in SEEDS:
        family = _family_for_linking(seed)
        before = complete(family, THRESHOLD)
        # a linked family hides one more shown count: the largest one not hidden yet
        extra = np.zeros(len(family.cells), dtype=bool)
        extra[max(np.flatnonzero(family.shown & ~before), key=lambda c: family.values[c])] = True
        primary = before | extra | (family.shown & (family.values >= 1) & (family.values <= THRESHOLD))
        count[0] = 0
        again = complete(family, THRESHOLD, primary=primary.copy())
        solves_without += count[0]
        count[0] = 0
        quicker = complete(family, THRESHOLD, primary=primary.copy(), protected=before)
        solves_with += count[0]
        assert np.array_equal(again, quicker), seed
        compared += before.any()
    assert compared > 5 and solves_with < solves_without


def _family_for_linking(seed: int) -> Family:
    return _random_family(100 + seed)


def _captured(monkeypatch):
    calls = []
    original = scipy.optimize.linprog

    def capture(cost, **kwargs):
        calls.append({"cost": cost, **kwargs})
        return original(cost, **kwargs)

    monkeypatch.setattr(scipy.optimize, "linprog", capture)
    return calls


def _same_programme(old: dict, new: dict) -> None:
    for name in ("A_ub", "A_eq"):
        a, b = old[name], new[name]
        assert (a is None) == (b is None), name
        if a is not None:
            assert a.shape == b.shape and a.format == b.format == "csc"
            for part in ("indptr", "indices", "data"):
                assert np.array_equal(getattr(a, part), getattr(b, part)), (name, part)
    for name in ("b_ub", "b_eq"):
        assert (old[name] is None) == (new[name] is None)
        if old[name] is not None:
            assert np.array_equal(old[name], new[name]), name
    bounds = np.array([(lo, np.inf if hi is None else hi) for lo, hi in old["bounds"]], dtype=float)
    assert np.array_equal(bounds, new["bounds"])
    assert old["method"] == new["method"] == "highs"


def test_the_complementary_programme_is_the_same_programme_as_stacking_its_blocks(monkeypatch):
    calls = _captured(monkeypatch)
    picked = 0
    for seed in SEEDS:
        family = _random_family(seed)
        avoid = np.zeros(len(family.cells), dtype=bool)
        avoid[-1] = True  # the total
        hidden = family.shown & (family.values >= 1) & (family.values <= THRESHOLD)
        mover = audit._Mover(family, THRESHOLD, avoid)
        for c in np.flatnonzero(hidden):
            calls.clear()
            old = audit_reference._moving_cells(family, c, hidden, THRESHOLD, avoid)
            new = mover.cells(c, hidden)
            assert new == old, (seed, c)
            _same_programme(calls[0], calls[1])
            assert np.array_equal(calls[0]["cost"], calls[1]["cost"])
            hidden = hidden.copy()
            hidden[new] = True  # the next count's programme with more hidden, as complete() goes on
            picked += len(new)
    assert picked > 10


def test_atoms_joined_through_shared_constraints_are_one_component():
    labels = audit._components(7, [np.array([0, 1]), np.array([1, 2]), np.array([4, 5]), np.array([], dtype=int),
                                   np.array([6])])
    groups = {}
    for atom, label in enumerate(labels):
        groups.setdefault(label, []).append(atom)
    assert sorted(groups.values()) == [[0, 1, 2], [3], [4, 5], [6]]
