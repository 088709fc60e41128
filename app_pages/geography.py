"""Below place: reach, Core20 reach and participants per 1,000 residents by district (for places
of several districts), in rural and urban neighbourhoods (ONS Rural Urban Classification 2021)
and by primary care network, each with 95% intervals and flags."""

import streamlit as st

from wpc.ui import cache, frame, state, widgets
from wpc.views import geography

here = state.here()
view = cache.call(geography.build, here.path, scope=here.scope)

frame.title(f"Districts, rural areas and PCNs: {widgets.escape_markdown(view.name)}")
st.markdown(
    "Do we reach people in every part of the place, not only where most engagement happens? Participants are "
    "counted where they live. Each marker is an area's share of participants (or its rate per 1,000 "
    "residents) with its 95% interval; the black tick is its share of residents, the dashed line the overall "
    "rate."
)
if view.empty:
    widgets.nothing_to_show("participants living here")
    st.stop()
st.info(widgets.escape_markdown(view.rural_gap), icon=":material/landscape:")

for level in view.levels:
    st.subheader(widgets.escape_markdown(level.title))
    widgets.sentence(level.sentence)
    share, rates = st.columns(2)
    with share:
        st.markdown("**Share of participants against share of residents**")
        widgets.chart(level.share_chart, key=f"geography_{level.level}_share")
    with rates:
        st.markdown("**Participants per 1,000 residents**")
        widgets.chart(level.rate_chart, key=f"geography_{level.level}_rate")
    with st.expander("Numbers behind the charts, with Core20 reach in each area"):
        widgets.show_table(level.table, key=f"geography_{level.level}_table")
if view.pcn_note:
    st.subheader("By primary care network (PCN)")
    widgets.sentence(view.pcn_note)
