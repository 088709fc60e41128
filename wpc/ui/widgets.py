"""Widgets every page uses the same way: charts (offline maps config) and number tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from wpc import figures


def chart(fig, key: str) -> None:
    """A plotly chart drawn with wpc's offline config (no CDN fetches)."""
    st.plotly_chart(fig, width="stretch", key=key, config=figures.PLOTLY_CONFIG)


def table(frame: pd.DataFrame, key: str, percent_columns: tuple[str, ...] = ()) -> None:
    """A table with thousands separators on counts and percentages on share columns (0-1 fractions)."""
    config = {}
    frame = frame.copy()
    for column in frame.columns:
        if column in percent_columns:
            frame[column] = frame[column] * 100
            config[column] = st.column_config.NumberColumn(column, format="%.1f%%")
        elif pd.api.types.is_integer_dtype(frame[column]) or pd.api.types.is_float_dtype(frame[column]):
            config[column] = st.column_config.NumberColumn(column, format="localized")
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key=key)
