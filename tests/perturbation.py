"""What a hand-computed count or share of people can be shown as once disclosure control has made
its small changes (docs/disclosure.md, "The parameters"), so tests of protected outputs check
hand values against the whole reach of the perturbation table, whatever the record keys drawn."""

from __future__ import annotations

from wpc.measures import cellkey

THRESHOLD = 7
ROUNDING = 0.0005  # shares are shown to 0.1 of a percentage point


def reach(n: int, threshold: int = THRESHOLD) -> tuple[int, int]:
    """The smallest and largest numbers a true count n can be shown as."""
    changes = cellkey.distribution(n, threshold)
    return n + min(changes), n + max(changes)


def share_range(part: int, whole: int, threshold: int = THRESHOLD) -> tuple[float, float]:
    """The smallest and largest share that part of whole can be shown as, each count changed
    within its reach and the share rounded to 0.1 of a point."""
    low_part, high_part = reach(part, threshold)
    low_whole, high_whole = reach(whole, threshold)
    return low_part / high_whole - ROUNDING, high_part / low_whole + ROUNDING


def share_within(share: float, part: int, whole: int, percent: bool = False) -> bool:
    low, high = share_range(part, whole)
    scale = 100 if percent else 1
    return low * scale <= share <= high * scale
