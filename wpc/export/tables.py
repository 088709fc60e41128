"""Tables as files people open in a spreadsheet.

CSV is written formula-safe (DESIGN 6): a cell starting with = + - @, a tab or a carriage
return would be run as a formula by Excel, so it gets a leading apostrophe, which Excel
shows as text and wpc's own reader removes again. UTF-8 with a byte-order mark, so that
Excel shows £ and accented letters correctly.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell that a spreadsheet would run as a formula made plain text."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        text = values.astype("str")
        risky = values.notna() & text.str.startswith(FORMULA_STARTS)
        if risky.any():
            safe[column] = values.astype(object).where(~risky, "'" + text)
    safe.columns = [
        ("'" + c) if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c for c in safe.columns
    ]
    return safe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as formula-safe CSV bytes (UTF-8 with BOM, no index)."""
    # CRLF ends rows as Excel does, and makes the writer quote any cell holding a line break.
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
