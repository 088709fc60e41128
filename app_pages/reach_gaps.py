"""Reach gaps: on one dimension, each category's share of participants against its share of
residents, with 95% intervals, the unknowns beside it, and how one category moved by quarter."""

import streamlit as st

from wpc import dashboard, figures, measures, narrative, vocab
from wpc.format import count, pct
from wpc.ui import cache, state, widgets

preset, place = state.scope()
scope = state.measure_scope()
path = state.db_path()
name = place or preset.name
threshold = preset.thresholds.suppression

st.title(f"Reach gaps: {name}")
st.markdown(
    "Are the people we engage like the people who live here? Each marker is a category's share of "
    "participants, with its 95% interval; the black tick is its share of residents (Census 2021, IMD 2025). "
    "An orange triangle pointing left: the whole interval is below the residents' share, so the gap is "
    "beyond chance; a blue one pointing right: above. Choose the place and period in the sidebar."
)

dimension = state.url_selectbox(
    "Dimension", list(vocab.DIMENSIONS), key="reach_dimension", default="imd_quintile",
    format_func=vocab.DIMENSION_LABELS.get,
)
label = vocab.DIMENSION_LABELS[dimension]
rows = cache.call(measures.reach, path, scope=scope, dimension=dimension)
if rows["engaged"].eq(0).all():
    widgets.nothing_to_show("participants")
    st.stop()

st.subheader(f"{label}: participants against residents" if dashboard.has_baseline(rows)
             else f"{label}: share of participants")
chart, side = st.columns([3, 1])
with chart:
    widgets.chart(figures.share_intervals(rows), key="reach_chart")
unknown = dashboard.unknown_row(rows)
side.metric("Unknown or not given", count(unknown["engaged"]),
            help="Participants whose answer on this dimension is unknown: left out of the shares.")
side.metric("Share of all participants", pct(unknown["share"]))
side.markdown(narrative.reach_unknown(rows))
st.markdown(narrative.reach_gaps(name, rows))
with st.expander("Numbers behind the chart", expanded=True):
    widgets.table(dashboard.reach_display(rows), key="reach_table", percent_columns=dashboard.SHARE_COLUMNS,
                  threshold=threshold, one_decimal_columns=dashboard.ONE_DECIMAL_COLUMNS)

st.subheader("Trend by quarter")
options = dashboard.categories(rows)
category = state.url_selectbox(
    "Category", list(options), key="reach_category", default=dashboard.focus_category(rows),
    format_func=options.get,
)
trend = cache.call(measures.reach_trend, path, scope=scope, dimension=dimension, category=category)
if trend.empty:
    widgets.nothing_to_show("quarters with participants")
else:
    widgets.chart(figures.reach_trend_chart(trend, options[category]), key="reach_trend_chart")
    st.markdown(narrative.reach_trend(name, options[category], trend))
    with st.expander("Numbers behind the chart"):
        widgets.table(dashboard.trend_display(trend), key="reach_trend_table",
                      percent_columns=dashboard.SHARE_COLUMNS, threshold=threshold,
                      one_decimal_columns=dashboard.ONE_DECIMAL_COLUMNS)
