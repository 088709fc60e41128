"""The disclosure rules wpc had before docs/disclosure.md, kept as a test double so the attack
suite can show it finds their leaks: each table protected on its own (a count of 1 to the
threshold hidden, and where exactly one is hidden the next smallest non-zero one with it),
no perturbation, statistics at full precision, and the slope index computed from exact
counts whatever is hidden. `old_rules()` puts them in place of the real policy."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pandas as pd

from wpc.measures import areas, prepare, stats
from wpc.measures.disclosure import SUPPRESSED, Protected, round_to_5

# cells whose values the old measures used as denominators, never hidden
DENOMINATORS = ("imd_known", "known", "pop")


class OldPolicy:
    def __init__(self, mode: str = "suppress", threshold: int = 7):
        self.mode, self.threshold = mode, threshold

    on = True
    note = "Disclosure control is on (old rules: each table on its own)."

    def as_dict(self) -> dict:
        return {"mode": self.mode, "threshold": self.threshold, "note": self.note}

    def protect(self, counts, complementary: bool = True, keys=None) -> Protected:  # the old rules: no keys
        c = np.asarray(counts, dtype=np.int64).reshape(-1)
        hidden = (c >= 1) & (c <= self.threshold)
        if complementary and hidden.sum() == 1:
            candidates = np.flatnonzero(~hidden & (c > 0))
            if len(candidates):
                hidden[candidates[np.argmin(c[candidates])]] = True
        values = round_to_5(c) if self.mode == "publish" else c.copy()
        return Protected(values=values, suppressed=hidden)

    def cells(self, family, ids, exact) -> Protected:
        exact = np.asarray(exact, dtype=np.int64).reshape(-1)
        if ids and isinstance(ids[0], tuple) and ids[0][0] in DENOMINATORS:
            values = round_to_5(exact) if self.mode == "publish" else exact
            return Protected(values=values, suppressed=np.zeros(len(exact), dtype=bool))
        single = ids and isinstance(ids[0], tuple) and ids[0][0] in ("total", "known", "out", "unknown_home")
        return self.protect(exact, complementary=not single and len(exact) > 1)

    def one(self, count, key=0) -> Protected:
        return self.protect([count], complementary=False)

    def show_one(self, count, key=0):
        return self.one(count).shown()[0]

    def _finish(self, values, hidden) -> Protected:
        return Protected(values=np.asarray(values, dtype=np.int64), suppressed=np.asarray(hidden, dtype=bool))

    def share(self, v):
        return v

    points = ratio = rate = money = index = share


def old_gradient(deciles: pd.DataFrame, policy, scope_name: str, protected=None) -> dict:
    """The old gradient: rates from protected counts, but the slope index from exact counts."""
    table = areas.rate_table(deciles.rename(columns={"imd_decile": "decile"}), policy, protected)
    present = deciles["population"].to_numpy() > 0
    counts = deciles["participants"].to_numpy()
    result = {"sii": None, "rii": None, "sii_ci_low": None, "sii_ci_high": None,
              "deciles_present": int(present.sum()), "reason": None, "method": "old rules",
              "deciles": [{"decile": int(r.decile), "population": int(r.population), "participants": r.participants,
                           "rate_per_1000": None if pd.isna(r.rate_per_1000) else float(r.rate_per_1000),
                           "ci_low": None, "ci_high": None, "suppressed": bool(r.suppressed)}
                          for r in table.itertuples()]}
    if present.sum() < areas.MIN_DECILES or counts[present].sum() == 0:
        result["reason"] = "not computed"
        return result
    fit = stats.slope_index(deciles["population"].to_numpy()[present], counts[present])
    result.update(sii=fit.sii, rii=fit.rii, sii_ci_low=fit.ci_low, sii_ci_high=fit.ci_high)
    return result


@contextmanager
def old_rules():
    real_policy, real_gradient = prepare.Policy, areas.gradient_from_deciles
    prepare.Policy, areas.gradient_from_deciles = OldPolicy, old_gradient
    try:
        yield
    finally:
        prepare.Policy, areas.gradient_from_deciles = real_policy, real_gradient


__all__ = ["OldPolicy", "SUPPRESSED", "old_gradient", "old_rules"]
