"""Reach gaps: on one dimension, each category's share of participants against its share of
residents, with 95% intervals, the unknowns beside it, and how one category moved by quarter."""

import streamlit as st

from wpc.ui import cache, frame, state, widgets
from wpc.views import change, reach, targets

here = state.here()
frame.title(f"Reach gaps: {widgets.escape_markdown(here.name)}")
st.markdown(
    "Are the people we engage like the people who live here? Each marker is a category's share of "
    "participants, with its 95% interval; the black tick is its share of residents (Census 2021, IMD 2025). "
    "An orange triangle pointing left: the whole interval is below the residents' share, so the gap is "
    "beyond chance; a blue one pointing right: above. Choose the place and period in the sidebar."
)
dimension = state.url_selectbox(
    "Dimension", list(reach.DIMENSIONS), key="reach_dimension", default=reach.DEFAULT_DIMENSION,
    format_func=reach.DIMENSIONS.get,
)
view = cache.call(reach.gaps, here.path, scope=here.scope, dimension=dimension)
if view.empty:
    widgets.nothing_to_show("participants")
    st.stop()

st.subheader(widgets.escape_markdown(view.heading))
chart, side = st.columns([3, 1])
with chart:
    widgets.chart(view.chart, key="reach_chart")
widgets.metrics(view.unknown, columns=[side] * len(view.unknown))
with side:
    widgets.sentence(view.unknown_sentence)
widgets.sentence(view.sentence)
if view.note:
    st.caption(widgets.escape_markdown(view.note))
with st.expander("Numbers behind the chart", expanded=True):
    widgets.show_table(view.table, key="reach_table")

goals = cache.call(targets.build, here.path, scope=here.scope)
short = cache.call(targets.short_of_residents, here.path, scope=here.scope, dimension=dimension)
if not goals.empty or short.sentences or short.no_baseline:
    st.subheader("Targets and how many more")
    if not goals.empty:
        widgets.sentence(goals.summary)
        widgets.show_table(goals.table, key="reach_targets_table")
    more = [*goals.more, *short.sentences]
    if more:
        st.markdown("\n".join(f"- {widgets.escape_markdown(words)}" for words in more))
    if short.no_baseline:
        st.caption(widgets.escape_markdown(short.no_baseline))

st.subheader("Change since the baseline period")
shift = cache.call(change.change, here.path, scope=here.scope, baseline=here.baseline, dimension=dimension)
widgets.sentence(shift.sentence)
if not shift.empty:
    st.caption(f"{widgets.escape_markdown(shift.periods)} Choose the baseline under 'Compare with' in the "
               "sidebar. Improved or worsened only when the whole 95% interval of the change is above or "
               "below 0.")
    with st.expander("Change of each share"):
        widgets.show_table(shift.table, key="change_table")

st.subheader("Trend by quarter")
category = state.url_selectbox(
    "Category", list(view.categories), key="reach_category", default=view.focus,
    format_func=view.categories.get,
)
trend = cache.call(reach.trend, here.path, scope=here.scope, dimension=dimension, category=category)
if trend.empty:
    widgets.nothing_to_show("quarters with participants")
else:
    widgets.explained(trend.chart, trend.sentence, trend.table, "reach_trend_chart", "reach_trend_table")
