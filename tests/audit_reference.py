"""The complementary cells' linear programme as wpc built it before `audit._Mover` kept its fixed
parts (stacking scipy sparse blocks for every hidden count): a reference that the faster
layout must match, matrix for matrix and pick for pick (tests/test_audit_shortcuts.py)."""

import numpy as np
from scipy import sparse

from wpc.measures.audit import Family


def _moving_cells(family: Family, c: int, hidden: np.ndarray, threshold: int, avoid: np.ndarray) -> list[int]:
    """The shown counts to hide so that hidden count `c` can be `threshold` larger while every
    other shown count keeps its value: a linear programme over changes y to the atoms (atoms
    stay >= 0, links hold, shown zeros stay 0) that adds at least `threshold` to `c` and
    changes the fewest people's worth of shown counts (each shown count's change weighted by
    its size, headline totals a thousand times more). Hiding what it changes gives `c` a range
    of at least the threshold (the caller's solver checks). Empty when no such change exists."""
    from scipy.optimize import linprog

    m = family.membership.tocsr()
    values = family.values
    n_atoms = m.shape[1]
    x = family.atom_values.astype(float)
    open_shown = family.shown & ~hidden
    priced = np.flatnonzero(open_shown & (values > 0))  # may change, at a price
    zeros = np.flatnonzero(open_shown & (values == 0))  # 0 is shown as 0: never changes
    k = len(priced)
    weights = (values[priced] + 1.0) * np.where(avoid[priced], 1000.0, 1.0)
    cost = np.concatenate([np.zeros(n_atoms), weights])
    mp = m[priced]
    slack = sparse.identity(k, format="csr")
    # |M_j y| <= s_j for every priced count j
    upper = [sparse.hstack([mp, -slack]), sparse.hstack([-mp, -slack])]
    bound_rhs = [np.zeros(k), np.zeros(k)]
    grow = sparse.hstack([-m[c], sparse.csr_matrix((1, k))])  # -(sum of c's changes) <= -threshold
    upper.append(grow)
    bound_rhs.append(np.array([-float(threshold)]))
    equal, equal_rhs = [], []
    if len(zeros):
        equal.append(sparse.hstack([m[zeros], sparse.csr_matrix((len(zeros), k))]))
        equal_rhs.append(np.zeros(len(zeros)))
    if family.links.shape[0]:
        at_most = family.link_at_most
        links = sparse.hstack([family.links, sparse.csr_matrix((family.links.shape[0], k))]).tocsr()
        current = family.links @ x
        if (~at_most).any():
            equal.append(links[np.flatnonzero(~at_most)])
            equal_rhs.append(np.zeros(int((~at_most).sum())))
        if at_most.any():
            upper.append(links[np.flatnonzero(at_most)])
            bound_rhs.append(-current[at_most])
    bounds = [(max(-v, -threshold), threshold) for v in x] + [(0, None)] * k
    result = linprog(cost, A_ub=sparse.vstack(upper).tocsc(), b_ub=np.concatenate(bound_rhs),
                     A_eq=sparse.vstack(equal).tocsc() if equal else None,
                     b_eq=np.concatenate(equal_rhs) if equal else None, bounds=bounds, method="highs")
    if result.status != 0:
        return []
    changes = np.abs(mp @ result.x[:n_atoms])
    return priced[changes > 1e-6].tolist()
