"""What a reader can work out about hidden counts from the counts shown beside them, by an
exact solver, and complementary suppression that leaves nothing to work out
(docs/disclosure.md, "Complementary suppression").

A family is a set of counts of people that outputs show together, each the sum of some
atoms: the finest counts the family is built from (people per neighbourhood, per quarter
and home place...), which are never shown themselves unless a count is an atom alone. Links
are further facts about the atoms a reader knows (two ways of adding up the same people give
the same total). A reader who sees the shown counts knows every equation `count = sum of its
atoms` for them, that atoms are whole numbers of at least 0, and the links. For a hidden count
the solver finds the smallest and largest values consistent with all of that (an integer
linear programme, scipy's HiGHS); the count is protected when they differ by at least the
threshold, the definition docs/disclosure.md gives.

`Knowledge` also takes ranges instead of exact values for the shown counts, which is how the
attack suite models a reader who sees perturbed counts and knows the perturbation table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy import sparse

INFINITY = float("inf")


def atoms_of(m, cell: int) -> np.ndarray:
    """The atoms that cell `cell` counts (the columns of its row in the membership matrix `m`),
    read from a CSR matrix's arrays: scipy's one-row indexing builds a matrix each time, which
    over the thousands of cells of a family took seconds."""
    if m.format != "csr":
        return m[cell].indices
    return m.indices[m.indptr[cell]:m.indptr[cell + 1]]


class Row(NamedTuple):
    """One row of a sparse matrix: its columns and their coefficients, in the stored order."""

    indices: np.ndarray
    data: np.ndarray


def rows_of(m) -> list:
    """Every row of a sparse matrix, read from a CSR matrix's arrays (as `atoms_of`: one-row
    indexing of a family's constraints took a third of a second at national scale)."""
    if m.format != "csr":
        return [m[r] for r in range(m.shape[0])]
    return [Row(m.indices[m.indptr[r]:m.indptr[r + 1]], m.data[m.indptr[r]:m.indptr[r + 1]])
            for r in range(m.shape[0])]


@dataclass
class Family:
    """Counts of people shown together, as sums of atoms (see the module docstring).

    cells: names, in order; membership: cells x atoms (1 where the cell counts the atom);
    atom_values: true counts of the atoms; atom_keys: the sum of their records' keys;
    links: rows of coefficients over atoms whose true sum is 0, or at most 0 where `link_at_most`
    (facts such as "the Core20 participants of some activities are no more than all of them");
    shown: cells that some output shows (the rest are read only through derived statistics);
    equations: (parent, children) cell indices: the additive structure, which tells the
    suppression where to look for a complementary cell.
    """

    name: str
    cells: list[str]
    membership: sparse.csr_matrix
    atom_values: np.ndarray
    atom_keys: np.ndarray
    links: sparse.csr_matrix
    shown: np.ndarray
    equations: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    link_at_most: np.ndarray | None = None
    index: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.cells)}
        if len(self.index) != len(self.cells):
            raise ValueError(f"family {self.name}: cell names repeat")
        self.values = np.asarray(self.membership @ self.atom_values, dtype=np.int64)
        self.keys = np.asarray(self.membership @ self.atom_keys, dtype=np.int64)
        if self.link_at_most is None:
            self.link_at_most = np.zeros(self.links.shape[0], dtype=bool)
        if self.links.shape[0]:
            totals = self.links @ self.atom_values
            if np.any(np.where(self.link_at_most, totals > 0, totals != 0)):
                raise ValueError(f"family {self.name}: its links do not hold for its own atoms")
        # equations whose parent counts exactly the atoms of its children, each once: given the
        # children, the parent tells a reader nothing more
        m = self.membership.tocsr()
        self.exact_equations = []
        for parent, children in self.equations:
            atoms = np.concatenate([atoms_of(m, c) for c in children]) if children else np.array([], dtype=int)
            if len(atoms) == len(set(atoms.tolist())) and set(atoms.tolist()) == set(atoms_of(m, parent).tolist()):
                self.exact_equations.append((parent, children))


@dataclass
class Knowledge:
    """What a reader knows of the shown, not hidden, counts: each lies in [low, high]
    (low == high: known exactly). Hidden counts are known to be at least `hidden_low`."""

    low: np.ndarray
    high: np.ndarray
    hidden_low: int = 0

    @classmethod
    def exact(cls, family: Family) -> Knowledge:
        return cls(family.values.astype(float), family.values.astype(float))


@dataclass(frozen=True)
class Range:
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


def _incidence(n: int, groups: list[np.ndarray]) -> sparse.csr_matrix:
    """groups x n: 1 where a group holds a column."""
    sizes = [len(g) for g in groups]
    return sparse.csr_matrix((np.ones(sum(sizes)), (np.repeat(np.arange(len(groups)), sizes),
                                                   np.concatenate([np.zeros(0, dtype=int), *groups]))),
                             shape=(len(groups), n))


def _components(n: int, groups: list[np.ndarray]) -> np.ndarray:
    """A label for each of n columns: the same for columns joined through groups sharing them."""
    from scipy.sparse.csgraph import connected_components

    holds = _incidence(n, groups).tocoo()
    # a graph of the columns and the groups, with an edge where a group holds a column
    graph = sparse.csr_matrix((holds.data, (holds.col, n + holds.row)), shape=(n + len(groups), n + len(groups)))
    return connected_components(graph, directed=False)[1][:n]


def ranges(family: Family, hidden: np.ndarray, knowledge: Knowledge | None = None,
           wanted: np.ndarray | None = None, enough: float | None = None,
           extra: list[tuple[np.ndarray, float, float]] | None = None, whole: bool = True,
           assumed: np.ndarray | None = None) -> dict[int, Range]:
    """The smallest and largest value of every hidden cell (or of the `wanted` cells) that is
    consistent with what a reader knows: the shown cells (exactly, or within `knowledge`), the
    links, atoms >= 0 and whole, hidden cells >= knowledge.hidden_low, and `extra` constraints
    (coefficients over atoms, low, high) for derived statistics. With `enough`, a cell
    already known to range at least that far is not solved further (its range is then only
    a lower bound on the true one, enough to show it is protected). `whole=False` solves the
    linear relaxation only (faster; its ranges can only be wider than the whole-number ones).
    `assumed` marks wanted cells the caller already knows range at least `enough`: they are
    neither solved nor in the result, but order the solving as wanted cells do, so the other
    cells come in the same order as without it."""
    knowledge = knowledge or Knowledge.exact(family)
    hidden = np.asarray(hidden, dtype=bool)
    wanted = hidden if wanted is None else np.asarray(wanted, dtype=bool)
    known = family.shown & ~hidden
    m = family.membership
    n_atoms = m.shape[1]
    exactly = np.asarray(knowledge.low) == np.asarray(knowledge.high)
    implied = np.zeros(len(known), dtype=bool)  # known counts that are sums of known counts
    for parent, children in family.exact_equations:
        if known[parent] and exactly[parent] and all(known[c] and exactly[c] for c in children):
            implied[parent] = True
    constraining = known & ~implied
    rows = m[np.flatnonzero(constraining)].tocsr()
    low = np.asarray(knowledge.low, dtype=float)[constraining]
    high = np.asarray(knowledge.high, dtype=float)[constraining]
    link_rows = family.links
    extra = extra or []

    # atoms a known singleton pins down exactly
    fixed = np.full(n_atoms, np.nan)
    singles = np.flatnonzero((np.diff(rows.indptr) == 1) & (low == high))
    for r in singles:
        fixed[rows.indices[rows.indptr[r]]] = low[r]
    # propagate: a known equation with one atom left open fixes it
    exact_rows = np.flatnonzero(low == high)
    changed = True
    while changed:
        changed = False
        for r in exact_rows:
            cols = rows.indices[rows.indptr[r]:rows.indptr[r + 1]]
            open_cols = cols[np.isnan(fixed[cols])]
            if len(open_cols) == 1:
                fixed[open_cols[0]] = low[r] - np.nansum(fixed[cols])
                changed = True
    is_open = np.isnan(fixed)

    # components of the open atoms joined by a constraint, and by a wanted cell
    constraint_cols = [row.indices[is_open[row.indices]] for row in rows_of(rows) + rows_of(link_rows)]
    extra_cols = [np.flatnonzero(coefficients) for coefficients, _lo, _hi in extra]
    in_a_constraint = np.zeros(n_atoms, dtype=bool)
    in_a_constraint[np.concatenate([np.zeros(0, dtype=int), *constraint_cols, *extra_cols])] = True
    wanted_cells = np.flatnonzero(wanted)
    cell_cols = {c: atoms_of(m, c) for c in wanted_cells}
    component = _components(n_atoms, constraint_cols + [cols[is_open[cols]] for cols in extra_cols]
                            + [cols[is_open[cols]] for cols in cell_cols.values()])

    # a wanted hidden cell that is one open atom, with "twins" (open atoms in exactly the same
    # constraints), can trade people with them without changing anything shown
    signature: dict[int, tuple] = {}
    if enough is not None:
        in_constraints = _incidence(n_atoms, constraint_cols).tocsc()
        groups: dict[tuple, list[int]] = {}
        for c in np.flatnonzero(is_open):
            sig = tuple(in_constraints.indices[in_constraints.indptr[c]:in_constraints.indptr[c + 1]].tolist())
            signature[int(c)] = sig
            groups.setdefault(sig, []).append(int(c))

    results: dict[int, Range] = {}
    pending: dict[int, list[int]] = {}
    for c in wanted_cells:
        cols = cell_cols[c]
        open_cols = cols[is_open[cols]]
        constant = float(np.nansum(fixed[cols]))
        if not len(open_cols):
            results[c] = Range(constant, constant)
            continue
        if not in_a_constraint[open_cols].all():
            results[c] = Range(constant, INFINITY)  # an atom nothing bounds above
            continue
        if enough is not None and len(open_cols) == 1 and len(cols) == 1:
            twins = groups[signature[int(open_cols[0])]]
            if len(twins) > 1 and family.atom_values[twins].sum() >= enough:
                results[c] = Range(0.0, float(family.atom_values[twins].sum()))
                continue
        cells = pending.setdefault(int(component[open_cols[0]]), [])
        if assumed is None or not assumed[c]:
            cells.append(c)

    if any(pending.values()):
        results.update(_solve_components(family, pending, is_open, fixed, rows, low, high,
                                         extra, hidden, knowledge.hidden_low, enough, whole))
    if assumed is not None:
        results = {c: r for c, r in results.items() if not assumed[c]}
    return results


def _solve_components(family, pending, is_open, fixed, rows, low, high,
                      extra, hidden, hidden_low, enough, whole=True) -> dict[int, Range]:
    """Solve for the pending cells on one HiGHS model of every open atom: the linear relaxation
    first, warm-started from one cell to the next; the integer programme where the relaxation's
    answer is not whole (the whole-number answer is then the exact one)."""
    m = family.membership
    n_atoms = m.shape[1]
    open_atoms = np.flatnonzero(is_open)
    position = np.full(n_atoms, -1)
    position[open_atoms] = np.arange(len(open_atoms))
    # the known counts and the links, less what their fixed atoms add (rows with no open atom
    # say nothing here)
    constraints = sparse.vstack([rows, family.links]).tocsr()
    constant = constraints @ np.where(is_open, 0.0, fixed)
    inside = constraints[:, open_atoms].tocsr()
    keep = np.diff(inside.indptr) > 0
    parts = [inside[keep]]
    a_low = [(np.concatenate([low, np.where(family.link_at_most, -INFINITY, 0.0)]) - constant)[keep]]
    a_high = [(np.concatenate([high, np.zeros(family.links.shape[0])]) - constant)[keep]]

    def add_row(cols, data, lo, hi) -> None:
        mine = position[cols]
        if not np.any(mine >= 0):
            return
        outside = mine < 0
        row_constant = float(np.nansum(data[outside] * fixed[cols[outside]]))
        parts.append(sparse.csr_matrix((data[~outside], (np.zeros(int((~outside).sum()), dtype=int), mine[~outside])),
                                       shape=(1, len(open_atoms))))
        a_low.append([lo - row_constant])
        a_high.append([hi - row_constant])

    for coefficients, lo, hi in extra:
        cols = np.flatnonzero(coefficients)
        add_row(cols, np.asarray(coefficients, dtype=float)[cols], lo, hi)
    if hidden_low > 0:
        for h in np.flatnonzero(hidden):
            cols = atoms_of(m, h)
            add_row(cols, np.ones(len(cols)), hidden_low, INFINITY)
    solver = _Solver(sparse.vstack(parts).tocsc(), np.concatenate(a_low).astype(float),
                     np.concatenate(a_high).astype(float), whole)
    results: dict[int, Range] = {}
    for cells in pending.values():
        for c in cells:
            cols = atoms_of(m, c)
            mine = position[cols]
            constant = float(np.nansum(fixed[cols[mine < 0]]))
            truth = float(family.values[c]) - constant
            if enough is not None and solver.kept.count:
                # the solutions the solver already found for other cells, and the true values,
                # are all possible: where c already takes values `enough` apart among them, it
                # passes unsolved (a margin for rounding: a close call is solved)
                seen = solver.kept.values(mine[mine >= 0])
                least, most = min(seen.min(), truth), max(seen.max(), truth)
                if most - least >= enough + 1e-6:
                    results[c] = Range(constant + least, constant + most)
                    continue
            objective = np.zeros(len(open_atoms))
            objective[mine[mine >= 0]] = 1.0
            top = solver.optimum(-objective)
            hi_value = INFINITY if top is None else -top
            if enough is not None and hi_value - truth >= enough:
                # the true value is possible, so the range is at least [truth, hi_value]
                results[c] = Range(constant + truth, constant + hi_value)
                continue
            if enough is not None:
                # as above: no solve for the least value when a kept solution is low enough
                lowest = solver.kept.values(mine[mine >= 0]).min()
                if hi_value - lowest >= enough + 1e-6:
                    results[c] = Range(constant + lowest, constant + hi_value)
                    continue
            lo_value = solver.optimum(objective)
            if lo_value is None:  # cannot happen: atoms are >= 0
                raise ArithmeticError(f"family {family.name}: a hidden count is unbounded below")
            results[c] = Range(constant + lo_value, constant + hi_value)
    return results


class _Kept:
    """Solutions a solver found (each feasible for the model it answers for), to read the
    values a sum of their columns took in them."""

    def __init__(self, n: int):
        self.solutions = np.empty((8, n))
        self.count = 0

    def add(self, x: np.ndarray) -> None:
        if self.count == len(self.solutions):
            self.solutions = np.concatenate([self.solutions, np.empty_like(self.solutions)])
        self.solutions[self.count] = x
        self.count += 1

    def values(self, columns: np.ndarray) -> np.ndarray:
        """The sum of `columns` in each kept solution."""
        return self.solutions[:self.count, columns].sum(axis=1)


class _Solver:
    """min c.x over x >= 0 whole, low <= A x <= high, for one objective after another.
    `kept` holds every solution found that is feasible for the model asked for (with `whole`,
    only whole-number ones)."""

    def __init__(self, a: sparse.csc_matrix, low: np.ndarray, high: np.ndarray, whole: bool = True):
        import highspy

        self.want_whole = whole
        self.highspy = highspy
        self.n = a.shape[1]
        self.lp = highspy.HighsLp()
        self.lp.num_col_ = self.n
        self.lp.num_row_ = a.shape[0]
        self.lp.col_cost_ = np.zeros(self.n)
        self.lp.col_lower_ = np.zeros(self.n)
        self.lp.col_upper_ = np.full(self.n, highspy.kHighsInf)
        self.lp.row_lower_ = np.where(np.isfinite(low), low, -highspy.kHighsInf)
        self.lp.row_upper_ = np.where(np.isfinite(high), high, highspy.kHighsInf)
        self.lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        self.lp.a_matrix_.start_ = a.indptr
        self.lp.a_matrix_.index_ = a.indices
        self.lp.a_matrix_.value_ = a.data
        self.relaxed = self._model(integer=False)
        self.whole = None
        self.columns = np.arange(self.n, dtype=np.int32)
        self.kept = _Kept(self.n)

    def _model(self, integer: bool):
        # the plain solver (highspy.Highs adds interrupt handling and prints a banner on stdout,
        # which would land in `wpc report --json`)
        from highspy._core import _Highs

        h = _Highs()
        h.setOptionValue("output_flag", False)
        if integer:
            self.lp.integrality_ = [self.highspy.HighsVarType.kInteger] * self.n
        h.passModel(self.lp)
        return h

    def _run(self, h, objective):
        h.changeColsCost(self.n, self.columns, objective)
        h.run()
        status = h.getModelStatus()
        if status == self.highspy.HighsModelStatus.kUnbounded:
            return None, None
        if status != self.highspy.HighsModelStatus.kOptimal:
            raise ArithmeticError(f"the audit's solver stopped: {h.modelStatusToString(status)}")
        return h.getInfo().objective_function_value, np.asarray(h.getSolution().col_value)

    def optimum(self, objective: np.ndarray) -> float | None:
        value, x = self._run(self.relaxed, objective)
        if value is None:
            return None
        if not self.want_whole or np.allclose(x, np.round(x), atol=1e-7):
            self.kept.add(x)
            return float(np.round(value, 6))
        if self.whole is None:
            self.whole = self._model(integer=True)
        value, x = self._run(self.whole, objective)
        if value is None:
            return None
        self.kept.add(x)
        return float(np.round(value, 6))


def complete(family: Family, threshold: int, primary: np.ndarray | None = None,
             never_hide: np.ndarray | None = None, whole: bool = False, quick: bool = True,
             protected: np.ndarray | None = None) -> np.ndarray:
    """Hidden cells: every shown count from 1 to `threshold` (or `primary`), and complementary
    cells until the solver finds every hidden count ranging over at least `threshold` values
    given everything shown (docs/disclosure.md). `never_hide` marks cells the complementary
    choice should avoid while any other choice remains (headline totals). The solver uses the
    linear relaxation unless `whole` (the attack suite checks the result with whole numbers).
    Each hidden count the solver finds too narrow gets the complementary cells the solver
    chooses for it (`_Mover`). `quick` first applies the equations' quick rule: right
    for counts that nest (areas in places, categories in groups), but where the same people
    are broken down several crossing ways (what works by method, organisation and partner
    type) an equation's cheapest sibling seldom frees a hidden count and only hides more.
    `protected` marks cells of `primary` that this check found protected with fewer cells hidden:
    they stay protected (hiding more only widens ranges), so they are not solved again."""
    values = family.values
    shown = family.shown
    hidden = shown & (values >= 1) & (values <= threshold) if primary is None else primary.copy()
    if threshold <= 0 or not hidden.any():
        return hidden
    avoid = np.zeros(len(values), dtype=bool) if never_hide is None else never_hide
    as_child: dict[int, list[int]] = {}
    for e, (parent, children) in enumerate(family.equations):
        for child in children:
            as_child.setdefault(child, []).append(e)
    as_parent: dict[int, list[int]] = {}
    for e, (parent, _children) in enumerate(family.equations):
        as_parent.setdefault(parent, []).append(e)

    def cheapest(candidates) -> int | None:
        candidates = [c for c in candidates if shown[c] and not hidden[c] and values[c] > 0]
        if not candidates:
            return None
        preferred = [c for c in candidates if not avoid[c]] or candidates
        return min(preferred, key=lambda c: (values[c], c))

    def fix_equations() -> bool:
        """The quick rule on each equation whose parent is shown: where a shown child is hidden,
        the hidden and unshown children together number at least two and add up to at least the
        threshold; a hidden parent is not the sum of shown children. Returns whether anything
        was hidden. (The solver has the last word; this only saves it work.)"""
        added = False
        for parent, children in family.equations:
            if not shown[parent]:
                continue
            open_kids = [c for c in children if not shown[c] and values[c] > 0]
            if hidden[parent]:
                if not open_kids and values[parent] > 0 and not any(hidden[c] for c in children):
                    pick = cheapest(children)
                    if pick is not None:
                        hidden[pick] = added = True
                continue
            secret = [c for c in children if shown[c] and hidden[c]]
            if not secret:
                continue
            secret += open_kids
            while len(secret) < 2 or values[secret].sum() < threshold:
                pick = cheapest(children)
                if pick is None:
                    if values[parent] > 0:
                        hidden[parent] = added = True
                    break
                hidden[pick] = added = True
                secret.append(pick)
        return added

    passed = np.zeros(len(values), dtype=bool)
    mover = None
    for _round in range(1000):
        while quick and fix_equations():
            pass
        # hiding more only widens the ranges: a count once protected stays protected
        assumed = None if protected is None else protected & hidden & ~passed
        found = ranges(family, hidden, wanted=hidden & ~passed, enough=threshold, whole=whole, assumed=assumed)
        failing = [c for c, r in found.items() if r.width < threshold]
        passed[[c for c, r in found.items() if r.width >= threshold]] = True
        if not failing:
            return hidden
        picked = False
        for c in failing:
            # the counts that must be hidden so that c can move by the threshold (the solver's
            # choice); the equations' cheapest neighbour only when the solver finds no way
            mover = mover or _Mover(family, threshold, avoid)
            picks = mover.cells(c, hidden)
            if not picks:
                pick = _neighbour(family, c, hidden, cheapest, as_child, as_parent)
                picks = [] if pick is None else [pick]
            if picks:
                hidden[picks] = picked = True
        if not picked:
            raise ArithmeticError(f"family {family.name}: cannot protect hidden count {family.cells[failing[0]]}")
    raise ArithmeticError(f"family {family.name}: complementary suppression did not settle")


def _neighbour(family: Family, c: int, hidden: np.ndarray, cheapest, as_child, as_parent) -> int | None:
    """The cheapest shown count beside hidden count `c` in an equation (a sibling, else its
    parent, else a child), else the cheapest count sharing its atoms."""
    for e in as_child.get(c, []):
        parent, children = family.equations[e]
        pick = cheapest([x for x in children if x != c])
        if pick is None and not hidden[parent]:
            pick = cheapest([parent])
        if pick is not None:
            return pick
    for e in as_parent.get(c, []):
        pick = cheapest(family.equations[e][1])
        if pick is not None:
            return pick
    atoms = atoms_of(family.membership, c)
    touching = np.flatnonzero(np.asarray(family.membership[:, atoms].sum(axis=1)).ravel() > 0)
    return cheapest(list(touching))


class _Mover:
    """The shown counts to hide so that a hidden count `c` can be `threshold` larger while every
    other shown count keeps its value: a linear programme over changes y to the atoms (atoms
    stay >= 0, links hold, shown zeros stay 0) that adds at least `threshold` to `c` and
    changes the fewest people's worth of shown counts (each shown count's change weighted by
    its size, headline totals a thousand times more). Hiding what it changes gives `c` a range
    of at least the threshold (the caller's solver checks).

    Made once for a family: the parts of the programme that do not depend on `c` or on what is
    hidden (atom bounds, links) are kept; each call lays out the same matrix as stacking its
    blocks would (rows: every priced count's |change| <= its slack twice, c's growth, the
    at-most links; equalities: shown zeros, the other links), so the solver gets the same
    programme and gives the same answer."""

    def __init__(self, family: Family, threshold: int, avoid: np.ndarray):
        self.m = family.membership.tocsr()
        self.m.sort_indices()
        self.shown = family.shown
        self.values = family.values
        self.threshold = threshold
        self.avoid = avoid
        self.n_atoms = self.m.shape[1]
        x = family.atom_values.astype(float)
        self.atom_bounds = np.column_stack([np.maximum(-x, -threshold), np.full(self.n_atoms, float(threshold))])
        links = family.links.tocsr()
        links.sort_indices()
        at_most = family.link_at_most
        self.equal_links = _row_block(links, np.flatnonzero(~at_most))
        self.at_most_links = _row_block(links, np.flatnonzero(at_most))
        self.at_most_rhs = -(family.links @ x)[at_most]

    def cells(self, c: int, hidden: np.ndarray) -> list[int]:
        """Empty when no such change exists."""
        from scipy.optimize import linprog

        values, n_atoms = self.values, self.n_atoms
        open_shown = self.shown & ~hidden
        priced = np.flatnonzero(open_shown & (values > 0))  # may change, at a price
        zeros = np.flatnonzero(open_shown & (values == 0))  # 0 is shown as 0: never changes
        k = len(priced)
        weights = (values[priced] + 1.0) * np.where(self.avoid[priced], 1000.0, 1.0)
        cost = np.concatenate([np.zeros(n_atoms), weights])
        mp = _row_block(self.m, priced)
        slack = _Block(np.arange(k + 1), n_atoms + np.arange(k), np.full(k, -1.0))
        grow = _row_block(self.m, np.array([c]))
        # |M_j y| <= s_j for every priced count j; -(sum of c's changes) <= -threshold
        upper = [_Block.beside(mp, slack), _Block.beside(mp.negated(), slack), grow.negated(),
                 self.at_most_links]
        bound_rhs = np.concatenate([np.zeros(2 * k), [-float(self.threshold)], self.at_most_rhs])
        equal = [_row_block(self.m, zeros), self.equal_links]
        n_equal = len(zeros) + self.equal_links.rows
        columns = n_atoms + k
        bounds = np.concatenate([self.atom_bounds, np.tile([0.0, np.inf], (k, 1))])
        result = linprog(cost, A_ub=_Block.stacked(upper, columns), b_ub=bound_rhs,
                         A_eq=_Block.stacked(equal, columns) if n_equal else None,
                         b_eq=np.zeros(n_equal) if n_equal else None, bounds=bounds, method="highs")
        if result.status != 0:
            return []
        changes = np.abs(self.m[priced] @ result.x[:n_atoms])
        return priced[changes > 1e-6].tolist()


class _Block(NamedTuple):
    """Rows of a sparse matrix as CSR arrays (row starts from 0, columns, values)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def negated(self) -> _Block:
        return _Block(self.indptr, self.indices, -self.data)

    @staticmethod
    def beside(left: _Block, right: _Block) -> _Block:
        """Each row of `left` followed by the same row of `right` (columns already placed)."""
        lengths = np.diff(left.indptr) + np.diff(right.indptr)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        row_of_left = np.repeat(np.arange(left.rows), np.diff(left.indptr))
        row_of_right = np.repeat(np.arange(right.rows), np.diff(right.indptr))
        # places: each row's left entries, then its right entries
        left_at = indptr[row_of_left] + (np.arange(len(left.indices)) - left.indptr[row_of_left])
        right_at = (indptr[row_of_right] + np.diff(left.indptr)[row_of_right]
                    + (np.arange(len(right.indices)) - right.indptr[row_of_right]))
        indices = np.empty(indptr[-1], dtype=np.int64)
        data = np.empty(indptr[-1])
        indices[left_at], data[left_at] = left.indices, left.data
        indices[right_at], data[right_at] = right.indices, right.data
        return _Block(indptr, indices, data)

    @staticmethod
    def stacked(blocks: list[_Block], columns: int) -> sparse.csc_matrix:
        indptr = [np.zeros(1, dtype=np.int64)]
        offset = 0
        for b in blocks:
            indptr.append(b.indptr[1:] + offset)
            offset += b.indptr[-1]
        rows = sum(b.rows for b in blocks)
        matrix = sparse.csr_matrix((np.concatenate([b.data for b in blocks]),
                                    np.concatenate([b.indices for b in blocks]),
                                    np.concatenate(indptr)), shape=(rows, columns))
        return matrix.tocsc()


def _row_block(m: sparse.csr_matrix, rows: np.ndarray) -> _Block:
    """Rows `rows` of a CSR matrix, in that order, as a block."""
    starts, ends = m.indptr[rows], m.indptr[rows + 1]
    lengths = ends - starts
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    take = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])
    return _Block(indptr, m.indices[take].astype(np.int64), m.data[take].astype(float))
