"""How numbers are written for people: shares as percentages, counts with thousands separators."""

from __future__ import annotations

import math


def pct(share: float | None, digits: int = 1) -> str:
    """0.1477 -> '14.8%'; None (cannot be computed, or withheld) -> '–'."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{100 * share:.{digits}f}%"


def number(value: float | int | None) -> str:
    """175970 -> '175,970'; None -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{round(value):,}"


def points(gap_pp: float | None, digits: int = 1) -> str:
    """A gap in percentage points with its sign spelt out: -7.2 -> '7.2 points below'."""
    if gap_pp is None or (isinstance(gap_pp, float) and math.isnan(gap_pp)):
        return "–"
    if round(gap_pp, digits) == 0:
        return "level with"
    direction = "above" if gap_pp > 0 else "below"
    return f"{abs(gap_pp):.{digits}f} points {direction}"


def quarter(start) -> str:
    """A calendar quarter from its first day: 2025-04-01 -> 'Apr–Jun 2025'."""
    import pandas as pd

    first = pd.Timestamp(start)
    return f"{first:%b}–{first + pd.DateOffset(months=2):%b %Y}"


def count(value) -> str:
    """A count of people as shown to readers: '*' (hidden by disclosure control) stays '*'."""
    return value if value == "*" else number(value)
