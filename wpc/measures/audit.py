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

import numpy as np
from scipy import sparse

INFINITY = float("inf")


@dataclass
class Family:
    """Counts of people shown together, as sums of atoms (see the module docstring).

    cells: names, in order; membership: cells x atoms (1 where the cell counts the atom);
    atom_values: true counts of the atoms; atom_keys: the sum of their records' keys;
    links: rows of coefficients over atoms whose true sum is 0 (may be empty);
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
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.cells)}
        if len(self.index) != len(self.cells):
            raise ValueError(f"family {self.name}: cell names repeat")
        self.values = np.asarray(self.membership @ self.atom_values, dtype=np.int64)
        self.keys = np.asarray(self.membership @ self.atom_keys, dtype=np.int64)
        if self.links.shape[0] and np.any(self.links @ self.atom_values != 0):
            raise ValueError(f"family {self.name}: its links do not hold for its own atoms")
        # equations whose parent counts exactly the atoms of its children, each once: given the
        # children, the parent tells a reader nothing more
        m = self.membership.tocsr()
        self.exact_equations = []
        for parent, children in self.equations:
            atoms = np.concatenate([m[c].indices for c in children]) if children else np.array([], dtype=int)
            if len(atoms) == len(set(atoms.tolist())) and set(atoms.tolist()) == set(m[parent].indices.tolist()):
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


def _union_find(n: int):
    parent = np.arange(n)

    def find(i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    return find, union


def ranges(family: Family, hidden: np.ndarray, knowledge: Knowledge | None = None,
           wanted: np.ndarray | None = None, enough: float | None = None,
           extra: list[tuple[np.ndarray, float, float]] | None = None) -> dict[int, Range]:
    """The smallest and largest value of every hidden cell (or of the `wanted` cells) that is
    consistent with what a reader knows: the shown cells (exactly, or within `knowledge`), the
    links, atoms >= 0 and whole, hidden cells >= knowledge.hidden_low, and `extra` constraints
    (coefficients over atoms, low, high) for derived statistics. With `enough`, a cell
    already known to range at least that far is not solved further (its range is then only
    a lower bound on the true one, enough to show it is protected)."""
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
    find, union = _union_find(n_atoms)
    constraint_rows = [rows[r] for r in range(rows.shape[0])] + \
                      [link_rows[r] for r in range(link_rows.shape[0])]
    constraint_cols = []
    for row in constraint_rows:
        cols = row.indices[is_open[row.indices]]
        constraint_cols.append(cols)
        for c in cols[1:]:
            union(cols[0], c)
    for coefficients, _lo, _hi in extra:
        cols = np.flatnonzero(coefficients)
        cols = cols[is_open[cols]]
        for c in cols[1:]:
            union(cols[0], c)
    in_a_constraint = np.zeros(n_atoms, dtype=bool)
    for cols in constraint_cols:
        in_a_constraint[cols] = True
    for coefficients, _lo, _hi in extra:
        in_a_constraint[np.flatnonzero(coefficients)] = True

    wanted_cells = np.flatnonzero(wanted)
    cell_cols = {c: m[c].indices for c in wanted_cells}
    for c, cols in cell_cols.items():
        cols = cols[is_open[cols]]
        for other in cols[1:]:
            union(cols[0], other)

    # a wanted hidden cell that is one open atom, with "twins" (open atoms in exactly the same
    # constraints), can trade people with them without changing anything shown
    signature: dict[int, tuple] = {}
    if enough is not None:
        membership_of: dict[int, list[int]] = {}
        for k, cols in enumerate(constraint_cols):
            for c in cols:
                membership_of.setdefault(int(c), []).append(k)
        groups: dict[tuple, list[int]] = {}
        for c in np.flatnonzero(is_open):
            sig = tuple(membership_of.get(int(c), ()))
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
        pending.setdefault(find(int(open_cols[0])), []).append(c)

    if pending:
        results.update(_solve_components(family, pending, find, is_open, fixed, rows, low, high,
                                         constraint_rows, extra, hidden, knowledge.hidden_low, enough))
    return results


def _solve_components(family, pending, find, is_open, fixed, rows, low, high, constraint_rows,
                      extra, hidden, hidden_low, enough) -> dict[int, Range]:
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    m = family.membership
    n_atoms = m.shape[1]
    component_of = np.array([find(i) if is_open[i] else -1 for i in range(n_atoms)])
    n_known = rows.shape[0]
    bounds_low = np.concatenate([low, np.zeros(family.links.shape[0])])
    bounds_high = np.concatenate([high, np.zeros(family.links.shape[0])])
    for coefficients, lo, hi in extra:
        constraint_rows.append(sparse.csr_matrix(coefficients))
        bounds_low = np.append(bounds_low, lo)
        bounds_high = np.append(bounds_high, hi)
    hidden_cells = np.flatnonzero(hidden)
    results: dict[int, Range] = {}
    import os
    if os.environ.get("WPC_AUDIT_DEBUG"):
        print("components", [(int((component_of == root).sum()), len(cells)) for root, cells in pending.items()][:20])
    for root, cells in pending.items():
        atoms = np.flatnonzero(component_of == root)
        position = {int(a): i for i, a in enumerate(atoms)}
        a_rows, a_low, a_high = [], [], []
        for k, row in enumerate(constraint_rows):
            cols = row.indices
            mine = np.array([position.get(int(c), -1) for c in cols])
            if not np.any(mine >= 0):
                continue
            constant = float(np.nansum(row.data[mine < 0] * fixed[cols[mine < 0]]))
            vector = np.zeros(len(atoms))
            vector[mine[mine >= 0]] = row.data[mine >= 0]
            a_rows.append(vector)
            a_low.append(bounds_low[k] - constant)
            a_high.append(bounds_high[k] - constant)
        # hidden cells are at least hidden_low
        if hidden_low > 0:
            for h in hidden_cells:
                cols = m[h].indices
                mine = np.array([position.get(int(c), -1) for c in cols])
                if not np.any(mine >= 0):
                    continue
                constant = float(np.nansum(fixed[cols[mine < 0]]))
                vector = np.zeros(len(atoms))
                vector[mine[mine >= 0]] = 1.0
                a_rows.append(vector)
                a_low.append(hidden_low - constant)
                a_high.append(INFINITY)
        a = np.array(a_rows) if a_rows else np.zeros((0, len(atoms)))
        a_low, a_high = np.array(a_low), np.array(a_high)
        for c in cells:
            cols = m[c].indices
            mine = np.array([position.get(int(x), -1) for x in cols])
            constant = float(np.nansum(fixed[cols[mine < 0]]))
            objective = np.zeros(len(atoms))
            objective[mine[mine >= 0]] = 1.0
            top = _optimum(-objective, a, a_low, a_high, linprog, milp, Bounds, LinearConstraint)
            hi_value = INFINITY if top is None else -top
            truth = float(family.values[c]) - constant
            if enough is not None and hi_value - truth >= enough:
                # the true value is possible, so the range is at least [truth, hi_value]
                results[c] = Range(constant + truth, constant + hi_value)
                continue
            lo_value = _optimum(objective, a, a_low, a_high, linprog, milp, Bounds, LinearConstraint)
            if lo_value is None:  # cannot happen: atoms are >= 0
                raise ArithmeticError(f"family {family.name}: a hidden count is unbounded below")
            results[c] = Range(constant + lo_value, constant + hi_value)
    return results


def _optimum(objective, a, a_low, a_high, linprog, milp, Bounds, LinearConstraint) -> float | None:
    """min objective.x over the whole-number points; None when unbounded. The linear relaxation
    first: its optimum is the whole-number one when its solution is whole."""
    n = len(objective)
    equal = a_low == a_high
    upper = np.isfinite(a_high) & ~equal
    lower = np.isfinite(a_low) & ~equal
    a_ub = np.vstack([a[upper], -a[lower]]) if (upper.any() or lower.any()) else None
    b_ub = np.concatenate([a_high[upper], -a_low[lower]]) if a_ub is not None else None
    result = linprog(objective, A_ub=a_ub, b_ub=b_ub,
                     A_eq=a[equal] if equal.any() else None, b_eq=a_low[equal] if equal.any() else None,
                     bounds=(0, None), method="highs")
    if result.status == 3:
        return None
    if result.status != 0:
        raise ArithmeticError(f"the audit's linear programme failed: {result.message}")
    if np.allclose(result.x, np.round(result.x), atol=1e-7):
        return float(np.round(result.fun, 6))
    constraints = [LinearConstraint(a, a_low, a_high)] if len(a) else []
    exact = milp(objective, constraints=constraints, integrality=np.ones(n), bounds=Bounds(0, np.inf))
    if exact.status != 0:
        raise ArithmeticError(f"the audit's integer programme failed: {exact.message}")
    return float(np.round(exact.fun, 6))


def complete(family: Family, threshold: int, primary: np.ndarray | None = None,
             never_hide: np.ndarray | None = None) -> np.ndarray:
    """Hidden cells: every shown count from 1 to `threshold` (or `primary`), and complementary
    cells until the solver finds every hidden count ranging over at least `threshold` values
    given everything shown (docs/disclosure.md). `never_hide` marks cells the complementary
    choice should avoid while any other choice remains (headline totals)."""
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

    for _round in range(1000):
        while fix_equations():
            pass
        found = ranges(family, hidden, enough=threshold)
        failing = [c for c, r in found.items() if r.width < threshold]
        if not failing:
            return hidden
        for c in failing:
            pick = None
            for e in as_child.get(c, []):
                parent, children = family.equations[e]
                pick = cheapest([x for x in children if x != c])
                if pick is None and not hidden[parent]:
                    pick = cheapest([parent])
                if pick is not None:
                    break
            if pick is None:
                for e in as_parent.get(c, []):
                    pick = cheapest(family.equations[e][1])
                    if pick is not None:
                        break
            if pick is None:
                # nothing beside it in any equation: hide every count sharing its atoms' constraints
                atoms = family.membership[c].indices
                touching = np.flatnonzero(np.asarray(family.membership[:, atoms].sum(axis=1)).ravel() > 0)
                pick = cheapest(list(touching))
            if pick is None:
                raise ArithmeticError(f"family {family.name}: cannot protect hidden count {family.cells[c]}")
            hidden[pick] = True
    raise ArithmeticError(f"family {family.name}: complementary suppression did not settle")
