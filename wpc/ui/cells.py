"""How every table on every page writes its cells and column titles (docs/dashboard.md, "Formats"):
dates in UK style ("5 Dec 2026"; ISO only in CSV downloads), "—" for a value that is hidden,
unknown or cannot be worked out (with a legend under the table), counts with thousands
separators ("*" where hidden), shares as percentages, and plain column titles ("Cost (£)", never
"cost_gbp"). `prepare` makes the table's display frame and its Streamlit column settings;
wpc.ui.widgets draws it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from wpc.views.format import SUPPRESSED, count

MISSING = "—"  # shown for None / NaN (st.dataframe's placeholder) and for wpc.views.format's "–"
MISSING_NOTE = "— : not known, not recorded, or cannot be worked out (for example a share of hidden counts)."
DATE_FORMAT = "D MMM YYYY"  # 5 Dec 2026
DATETIME_FORMAT = "D MMM YYYY, HH:mm"
# Internal names that reach a table as they are stored, and the titles people read for them.
TITLES = {
    "cost_gbp": "Cost (£)",
    "feedback_due": "Feedback due",
    "feedback_due_date": "Feedback due",
    "feedback_date": "Feedback given",
    "lsoa21cd": "LSOA code",
    "msoa21cd": "MSOA code",
    "activity_id": "Activity ID",
    "imd_decile": "IMD decile",
    "imd_quintile": "IMD quintile",
}
_SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def column_title(name) -> str:
    """'cost_gbp' -> 'Cost (£)', 'people_reached' -> 'People reached'; titles already plain stay."""
    text = str(name)
    if text in TITLES:
        return TITLES[text]
    if _SNAKE.match(text):
        words = text.replace("_", " ")
        return words[0].upper() + words[1:]
    return text


def missing(value) -> bool:
    """None, NaN, NaT or pandas' NA."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def _is_date(value) -> bool:
    return isinstance(value, (dt.date, pd.Timestamp)) or (isinstance(value, str) and bool(_ISO.match(value)))


def as_dates(column: pd.Series) -> pd.Series | None:
    """A text column holding only dates (ISO text, dates or timestamps, some missing) as datetimes,
    so it is written "5 Dec 2026" and sorts by date; None if it holds anything else."""
    present = [v for v in column if not missing(v)]
    if not _text(column) or not present or not all(_is_date(v) for v in present):
        return None
    return pd.to_datetime(pd.Series([None if missing(v) else v for v in column], index=column.index,
                                    dtype=object), format="mixed")


def _holds(column: pd.Series, text: str) -> bool:
    """Whether any cell is `text` (a loop: Series.isin costs more on the small tables pages draw,
    for every table of every session's rerun)."""
    return any(isinstance(v, str) and v == text for v in column)


def _text(column: pd.Series) -> bool:
    """Held as Python objects or strings (pandas 3 gives text columns their own dtype)."""
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


def _date_config(title: str, column: pd.Series):
    stamps = column.dropna()
    if (stamps == stamps.dt.normalize()).all():
        return st.column_config.DateColumn(title, format=DATE_FORMAT)
    return st.column_config.DatetimeColumn(title, format=DATETIME_FORMAT)


@dataclass(frozen=True)
class Shown:
    """A table ready to draw: its display frame, Streamlit column settings, and whether any cell
    shows "—" (so the legend goes under it)."""

    frame: pd.DataFrame
    config: dict
    has_missing: bool


def prepare(frame: pd.DataFrame, percent_columns=(), one_decimal_columns=(),
            plain_titles: bool = True) -> Shown:
    """The display frame and column settings of a table: see the module docstring. `plain_titles`
    False keeps the column titles as they are (a preview of an uploaded file shows its own headers)."""
    shown = frame.copy()
    config = {}
    title = column_title if plain_titles else str
    for column in frame.columns:
        values = shown[column]
        if column in percent_columns:
            shown[column] = pd.to_numeric(values, errors="coerce") * 100
            config[column] = st.column_config.NumberColumn(title(column), format="%.1f%%")
        elif _text(values) and _holds(values, SUPPRESSED):
            # counts with some hidden: written out as text ("1,490", "*") so Arrow gets one type; a
            # value already written (a share, "68.6%", in a column of measures and values) stays as it is
            shown[column] = [None if missing(v) or v == "–" else v if isinstance(v, str) else count(v)
                             for v in values]
            config[column] = st.column_config.TextColumn(title(column))
        elif column in one_decimal_columns:
            shown[column] = pd.to_numeric(values, errors="coerce")
            config[column] = st.column_config.NumberColumn(title(column), format="%.1f")
        elif pd.api.types.is_bool_dtype(values):
            config[column] = st.column_config.CheckboxColumn(title(column))
        elif pd.api.types.is_numeric_dtype(values):
            config[column] = st.column_config.NumberColumn(title(column), format="localized")
        elif pd.api.types.is_datetime64_any_dtype(values):
            config[column] = _date_config(title(column), values)
        elif (dates := as_dates(values)) is not None:
            shown[column] = dates
            config[column] = _date_config(title(column), dates)
        else:
            # text: "–" (wpc.views.format's missing) and None both show as "—"
            if _holds(values, "–"):
                shown[column] = [None if missing(v) or v == "–" else v for v in values]
            config[column] = st.column_config.TextColumn(title(column))
    # (isna, like `missing`, takes lists and arrays in cells as values)
    has_missing = bool(shown.isna().any().any()) if not shown.empty else False
    return Shown(shown, config, has_missing)

