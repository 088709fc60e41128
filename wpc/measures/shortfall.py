"""How many more (docs/methods.md section 16): the extra participants from a group that a place
needs for its share to reach a target, and for the 95% interval's lower bound to clear it.

Pure functions of whole counts: x of n in the group now, and a target share t. The extra
people join the participants, so the share becomes (x + k) / (n + k) (decision: the total is
today's total plus the newcomers, not today's total with others swapped out). Callers pass only
counts shown after disclosure control (wpc.measures.disclosure); a hidden count gives None.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

from wpc.measures import stats

SEARCH_LIMIT = 10_000_000  # more extra people than this is not a useful answer: None


def _reached(x: int, n: int, t: Fraction) -> bool:
    return n > 0 and Fraction(x, n) >= t


def more_to_reach(x: int, n: int, target: float) -> int | None:
    """The smallest k >= 0 with (x + k) / (n + k) >= target: k = ceil((t n - x) / (1 - t)),
    checked in exact arithmetic (a float formula can land one off). None when it cannot be
    reached (a target of 1 with anyone outside the group) or the counts make no sense."""
    if not _valid(x, n, target):
        return None
    x, n, t = int(x), int(n), Fraction(repr(float(target)))  # 0.9 as written, not its binary neighbour
    if _reached(x, n, t):
        return 0
    if t >= 1:
        return None
    k = max(0, math.ceil((t * n - x) / (1 - t)))
    while k > 0 and _reached(x + k - 1, n + k - 1, t):  # never needed in exact arithmetic; kept as a guard
        k -= 1
    while not _reached(x + k, n + k, t):
        k += 1
    return k


def wilson_low(x: int, n: int) -> float:
    return float(stats.wilson_interval(x, n)[0])


def more_to_be_sure(x: int, n: int, target: float) -> int | None:
    """The smallest k >= 0 with wilson_low(x + k, n + k) >= target: enough extra people from
    the group that the 95% interval's lower bound clears the target (the target is then met,
    section 16). The lower bound rises with every person added who is in the group, so a
    doubling search brackets k and a binary search finds it. None when it cannot be cleared
    (a target of 1: the lower bound is below 1 for any finite count) or needs more than
    SEARCH_LIMIT people."""
    if not _valid(x, n, target):
        return None
    if target >= 1:
        return None
    x, n = int(x), int(n)

    def clears(k: int) -> bool:
        return n + k > 0 and wilson_low(x + k, n + k) >= target

    if clears(0):
        return 0
    high = 1
    while not clears(high):
        high *= 2
        if high > SEARCH_LIMIT:
            return None
    low = high // 2  # clears(low) is False (or low = 0, checked above)
    while high - low > 1:
        middle = (low + high) // 2
        if clears(middle):
            high = middle
        else:
            low = middle
    return high


def _valid(x, n, target) -> bool:
    """Whole counts 0 <= x <= n (a hidden count, "*", is not one) and a target above 0."""
    return (isinstance(x, numbers.Integral) and isinstance(n, numbers.Integral) and 0 <= x <= n
            and target is not None and math.isfinite(target) and target > 0)
