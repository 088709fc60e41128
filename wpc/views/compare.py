"""Comparisons in sentences: which rows sit at the top or bottom of a column, tied rows
together. Rows count as tied when their values read the same as written (e.g. two places both
'2.7%'), so a sentence never names one of two places that look equal on the chart."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from wpc.views.format import listed, plural


def extreme(rows: pd.DataFrame, column: str, written: Callable, lowest: bool) -> pd.DataFrame:
    """The rows with the lowest (or highest) value of `column`, and every row whose value is
    written the same way (`written`, e.g. format.pct), in their order. Rows without a value are
    left out; no rows -> empty."""
    values = pd.to_numeric(rows[column], errors="coerce")
    shown = rows[values.notna()]
    if shown.empty:
        return shown
    values = values[values.notna()]
    target = written(values.min() if lowest else values.max())
    return shown[[written(v) == target for v in values]]


NAMED_AT_MOST = 3  # more tied rows than this are counted, not listed


def names(rows: pd.DataFrame, column: str, noun: str | None = None) -> str:
    """'Lambeth', 'Lambeth and Lewisham', 'A, B and C' from a column of names; more than three
    tied rows as '5 neighbourhoods' when a `noun` is given."""
    if noun and len(rows) > NAMED_AT_MOST:
        return plural(len(rows), noun)
    return listed([str(name) for name in rows[column]])
