"""Cell key perturbation of counts of people (docs/disclosure.md, "Small changes").

The method ONS used for Census 2021's flexible tables and the Australian Bureau of Statistics
uses in TableBuilder. Every stored record (a participant row, an aggregated-returns row, an
activity standing for its headcount) has a fixed random record key from 0 to 255, drawn when
it is stored and never shown. The cell key of a count is the sum of the keys of the records
it counts, modulo 256. The perturbation table says, for the count and its cell key, how
much to add. So the same people always give the same shown number, however they are asked
for, and two overlapping counts differ by noise, not by the people in one and not the other.

The table is built here from four numbers, by maximum entropy (Marley and Leaver 2011;
Giessing 2016; the sdcTools `ptable` package): for each count n the perturbation d lies in
[-MAX_CHANGE, +MAX_CHANGE], has mean 0 and variance at most VARIANCE, and n + d is never
1 to the threshold (a shown count of people is 0, or above the threshold, as the
suppression rule promises). Counts far enough above the threshold all share one symmetric
row; the rows just above the threshold are narrower, because n + d may not go below it.
Probabilities are whole 256ths, so each cell key picks one perturbation.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy.optimize import brentq, root

KEY_RANGE = 256  # record and cell keys are 0..255 (one unsigned byte)
MAX_CHANGE = 5   # no shown count differs from the true one by more than this
VARIANCE = 5.0   # the variance of the change, for counts well above the threshold


def _exponential(d: np.ndarray, a: float, b: float) -> np.ndarray:
    logits = a * d + b * d * d
    p = np.exp(logits - logits.max())
    return p / p.sum()


def _max_entropy(changes: np.ndarray, variance: float) -> np.ndarray:
    """Probabilities over `changes` with mean 0 and variance at most `variance` that have the
    greatest entropy (the noise the constraints leave most uncertain). The answer has the form
    p(d) ~ exp(a d + b d^2): with b = 0 when the mean constraint alone keeps the variance
    within bounds, else a and b solve mean 0, variance `variance`."""
    if changes.min() >= 0 or changes.max() <= 0:
        return (changes == 0).astype(float)  # mean 0 leaves no room to move
    d = changes.astype(float)
    only_mean = brentq(lambda a: _exponential(d, a, 0.0) @ d, -50.0, 50.0)
    p = _exponential(d, only_mean, 0.0)
    if p @ (d * d) <= variance:
        return p
    solution = root(lambda ab: [_exponential(d, *ab) @ d, _exponential(d, *ab) @ (d * d) - variance],
                    x0=[0.0, -1.0 / (2 * variance)], tol=1e-12)
    if not solution.success:
        raise ArithmeticError(f"no perturbation distribution over {changes.tolist()} with variance {variance}")
    return _exponential(d, *solution.x)


def _whole_keys(p: np.ndarray, changes: np.ndarray) -> np.ndarray:
    """Probabilities as whole numbers of the KEY_RANGE keys (largest remainders), nudged so the
    mean stays as close to 0 as whole keys allow."""
    raw = p * KEY_RANGE
    keys = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - keys))[: KEY_RANGE - keys.sum()]:
        keys[i] += 1
    # move single keys between the two sides while that brings the mean nearer 0
    for _ in range(KEY_RANGE):
        mean = keys @ changes
        if mean == 0:
            break
        side = np.flatnonzero((changes > 0) if mean > 0 else (changes < 0))
        side = side[keys[side] > 0]
        if not len(side):
            break
        give = side[np.argmin(np.abs(changes[side]))]
        zero = np.flatnonzero(changes == 0)[0]
        if abs(mean - changes[give]) >= abs(mean):
            break
        keys[give] -= 1
        keys[zero] += 1
    return keys


@cache
def table(threshold: int, max_change: int = MAX_CHANGE, variance: float = VARIANCE) -> np.ndarray:
    """The perturbation table: row r is for a true count of threshold + 1 + r (the last row for
    every larger count), column k for cell key k, the entry the change to add. Rows for the
    counts just above the threshold cannot go below it."""
    rows = []
    for n in range(threshold + 1, threshold + 2 + max_change):
        lowest = max(-max_change, threshold + 1 - n)
        changes = np.arange(lowest, max_change + 1)
        keys = _whole_keys(_max_entropy(changes, variance), changes)
        rows.append(np.repeat(changes, keys))  # keys 0..255 in order of the change
    out = np.vstack(rows)
    out.setflags(write=False)
    return out


def perturb(counts, cell_keys, threshold: int, max_change: int = MAX_CHANGE,
            variance: float = VARIANCE) -> np.ndarray:
    """Counts after perturbation. 0 stays 0; counts of 1 to the threshold are returned as they
    are (they are never shown: the suppression rule hides them)."""
    n = np.asarray(counts, dtype=np.int64)
    k = np.asarray(cell_keys, dtype=np.int64) % KEY_RANGE
    ptable = table(threshold, max_change, variance)
    above = n > threshold
    row = np.clip(n - threshold - 1, 0, ptable.shape[0] - 1)
    change = np.where(above, ptable[row, k], 0)
    return n + change


def distribution(n: int, threshold: int, max_change: int = MAX_CHANGE,
                 variance: float = VARIANCE) -> dict[int, float]:
    """{change: probability} for a true count n (for documentation and the attack suite)."""
    if n <= threshold:
        return {0: 1.0}
    ptable = table(threshold, max_change, variance)
    row = ptable[min(n - threshold - 1, ptable.shape[0] - 1)]
    values, counts = np.unique(row, return_counts=True)
    return {int(v): c / KEY_RANGE for v, c in zip(values, counts)}


def possible_true(shown: int, threshold: int, max_change: int = MAX_CHANGE,
                  variance: float = VARIANCE) -> tuple[int, int]:
    """The smallest and largest true counts that can be shown as `shown` (what a reader who
    knows this table, but not the record keys, can say about a shown count)."""
    if shown <= threshold:
        return shown, shown
    candidates = [n for n in range(max(threshold + 1, shown - max_change), shown + max_change + 1)
                  if (shown - n) in distribution(n, threshold, max_change, variance)]
    return min(candidates), max(candidates)
