"""Partners: which kinds of partner ran the activities (ICB, NHS trusts, primary care, local
authorities, Healthwatch, VCSE), and how far each reached people living in Core20 areas."""

import streamlit as st

from wpc.ui import cache, frame, state, widgets
from wpc.views import partners

here = state.here()
view = cache.call(partners.build, here.path, scope=here.scope)

frame.title(f"Partners: {widgets.escape_markdown(view.name)}")
st.markdown(
    "Who runs our engagement, and whose engagement reaches the most deprived neighbourhoods? The strategies "
    "name the VCSE and Healthwatch as key partners. The sidebar's place, period and filters apply."
)
if view.empty:
    widgets.nothing_to_show("activities")
    st.stop()

st.subheader("Share of activities by partner type")
widgets.sentence(view.sentence)
widgets.chart(view.activities_chart, key="partners_activities")
st.subheader("Core20 reach by partner type")
widgets.sentence(view.reach_sentence)
widgets.chart(view.reach_chart, key="partners_reach")
with st.expander("Numbers behind the charts, with cost per Core20 participant", expanded=True):
    widgets.show_table(view.table, key="partners_table")
st.caption(widgets.escape_markdown(view.note))
