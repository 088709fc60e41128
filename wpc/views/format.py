"""How numbers and counts are written for people: shares as percentages, counts with thousands
separators, hidden counts as "*", dates, and the small words sentences are made of."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

SUPPRESSED = "*"  # a count of people hidden by disclosure control


def missing(value) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(share: float | None, digits: int = 1) -> str:
    """0.1477 -> '14.8%'; None (cannot be computed, or withheld) -> '–'."""
    if missing(share):
        return "–"
    return f"{100 * share:.{digits}f}%"


def number(value: float | int | None) -> str:
    """175970 -> '175,970'; None -> '–'."""
    if missing(value):
        return "–"
    return f"{round(value):,}"


def points(gap_pp: float | None, digits: int = 1) -> str:
    """A gap in percentage points with its sign spelt out: -7.2 -> '7.2 points below'."""
    if missing(gap_pp):
        return "–"
    if round(gap_pp, digits) == 0:
        return "level with"
    direction = "above" if gap_pp > 0 else "below"
    return f"{abs(gap_pp):.{digits}f} points {direction}"


def quarter(start) -> str:
    """A calendar quarter from its first day: 2025-04-01 -> 'Apr–Jun 2025'."""
    first = pd.Timestamp(start)
    return f"{first:%b}–{first + pd.DateOffset(months=2):%b %Y}"


def count(value) -> str:
    """A count of people as shown to readers: '*' (hidden by disclosure control) stays '*'."""
    return value if value == SUPPRESSED else number(value)


def rate(value) -> str:
    """A rate per 1,000 residents with one decimal; None -> '–'."""
    return "–" if missing(value) else f"{value:.1f}"


def money(value) -> str:
    """'£66' for whole pounds (costs per participant are rounded to the pound: docs/disclosure.md,
    rule 4), '£1,250.50' otherwise."""
    if value is None:
        return "–"
    return f"£{value:,.0f}" if float(value).is_integer() else f"£{value:,.2f}"


def day(value) -> str:
    """'2026-11-03' or a date -> '3 Nov 2026'."""
    value = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{value.day} {value:%b %Y}"


# ---------- words sentences are made of


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 place', '3 places'."""
    return f"{number(n)} {one if n == 1 else (many or one + 's')}"


def are(n: int) -> str:
    return "is" if n == 1 else "are"


def verb(value, one: str, many: str) -> str:
    return one if value == 1 else many


def counted(value, noun: str, many: str | None = None) -> str:
    """'1 activity', '12 activities', 'a few activities' for a hidden count ("*")."""
    if value == SUPPRESSED:
        return f"a few {many or noun + 's'}"
    return f"{number(value)} {noun if value == 1 else (many or noun + 's')}"


def activity_count(value) -> str:
    return counted(value, "activity", "activities")


def lower_first(label: str) -> str:
    """'Age band' -> 'age band', but 'IMD quintile' stays."""
    return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def gap_words(gap_pp: float) -> str:
    """-2.67 -> '2.7 points short'; 6.3 -> '6.3 points above'; ~0 -> 'level'."""
    if round(gap_pp, 1) == 0:
        return "level"
    return f"{abs(gap_pp):.1f} points {'short' if gap_pp < 0 else 'above'}"


def listed(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
